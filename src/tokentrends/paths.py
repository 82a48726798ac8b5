"""Where the project keeps its own files: built tables, the sample, reports. DATA_DIR is never written."""

from __future__ import annotations

import os
from pathlib import Path

from tokentrends.errors import TokentrendsError


def _find_project(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        marker = folder / "pyproject.toml"
        if marker.exists() and 'name = "tokentrends"' in marker.read_text():
            return folder
    return None


def project_root() -> Path:
    """$TOKENTRENDS_HOME, else the project holding this package (the editable install that `make setup` makes).

    Never the working directory: a notebook or a script run from anywhere writes into the same project.
    """
    if os.environ.get("TOKENTRENDS_HOME"):
        return Path(os.environ["TOKENTRENDS_HOME"]).resolve()
    root = _find_project(Path(__file__).resolve().parent)
    if root is None:
        raise TokentrendsError(
            "cannot tell where the project is: tokentrends is not installed from its project "
            "folder (make setup does that); set TOKENTRENDS_HOME to the project folder"
        )
    return root


def processed_root() -> Path:
    return project_root() / "data" / "processed"


def sample_root() -> Path:
    return project_root() / "data" / "sample"


def claims_ledger_path(year: int) -> Path:
    """The year's claims ledger (data/claims/<year>.yaml)."""
    return project_root() / "data" / "claims" / f"{year}.yaml"


def default_data_dir() -> Path:
    return project_root() / "data" / "raw"

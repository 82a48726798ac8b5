"""Where the project keeps its own files: built tables, the sample, reports. DATA_DIR is never written."""

from __future__ import annotations

import os
from pathlib import Path


def _find_project(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        marker = folder / "pyproject.toml"
        if marker.exists() and 'name = "tokentrends"' in marker.read_text():
            return folder
    return None


def project_root() -> Path:
    """$TOKENTRENDS_HOME, else the project above cwd, else the project holding this (editable) package, else cwd."""
    if os.environ.get("TOKENTRENDS_HOME"):
        return Path(os.environ["TOKENTRENDS_HOME"]).resolve()
    here = Path.cwd().resolve()
    return _find_project(here) or _find_project(Path(__file__).resolve().parent) or here


def processed_root() -> Path:
    return project_root() / "data" / "processed"


def sample_root() -> Path:
    return project_root() / "data" / "sample"


def default_data_dir() -> Path:
    return project_root() / "data" / "raw"

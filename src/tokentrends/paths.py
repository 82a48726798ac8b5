"""Where the project keeps its own files: built tables, the sample, reports. DATA_DIR is never written."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """$TOKENTRENDS_HOME, else the nearest folder above cwd holding the project's pyproject.toml, else cwd."""
    if os.environ.get("TOKENTRENDS_HOME"):
        return Path(os.environ["TOKENTRENDS_HOME"]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        marker = folder / "pyproject.toml"
        if marker.exists() and 'name = "tokentrends"' in marker.read_text():
            return folder
    return here


def processed_root() -> Path:
    return project_root() / "data" / "processed"


def sample_root() -> Path:
    return project_root() / "data" / "sample"


def default_data_dir() -> Path:
    return project_root() / "data" / "raw"

"""Shared fixtures. Tests that need the real vintages skip with a reason when ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "openrouter"
FACETS = SHARED / "rankings-daily" / "2026-10-11-facets"


@pytest.fixture
def shared_data() -> Path:
    if not FACETS.exists():
        pytest.skip(f"the real OpenRouter vintages are not at {SHARED} (../shared is absent on this machine)")
    return SHARED


def write_csv(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path

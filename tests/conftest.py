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


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory) -> Path:
    from tokentrends.inputs import sample

    data = tmp_path_factory.mktemp("sample-data")
    sample.write_sample(data)
    return data


@pytest.fixture(scope="session")
def sample_reports(sample_data, tmp_path_factory) -> Path:
    """The real build (papermill + nbconvert) of the synthetic sample, once per test session."""
    from tokentrends import build

    out = tmp_path_factory.mktemp("reports")
    built = build.build_reports(sample_data, reports_dir=out, log=lambda *_: None)
    assert built == [2025, 2026]
    return out


def write_csv(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path

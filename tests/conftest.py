"""Shared fixtures. Tests that need the real vintages skip with a reason when ../shared is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import browser_pages
from tokentrends.report import model as year_data

ROOT = Path(__file__).resolve().parents[1]
# The real vintages: ../shared/data/openrouter beside the project, or wherever TOKENTRENDS_SHARED_DATA points.
SHARED = Path(os.environ.get("TOKENTRENDS_SHARED_DATA") or ROOT.parent / "shared" / "data" / "openrouter")
FACETS = SHARED / "rankings-daily" / "2026-10-11-facets"
SLOW_FIXTURES = {"sample_reports", "hostile_reports", "browser"}  # end-to-end builds and Chromium


def pytest_collection_modifyitems(items):
    """Mark tests by what they use, so `make test-fast` (-m "not slow and not shared and not loopback") never
    misses one: real data, end-to-end builds, and the fetch clients against the loopback server (real waits)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "fetch" in item.path.name or item.path.name == "test_cli.py":
            item.add_marker(pytest.mark.loopback)
        if "shared_data" in used:
            item.add_marker(pytest.mark.shared)
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not FACETS.exists():
        pytest.skip(
            f"the real OpenRouter vintages are not at {SHARED} (../shared is absent on this machine; "
            "TOKENTRENDS_SHARED_DATA points elsewhere)"
        )
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


@pytest.fixture(scope="module")
def browser():
    if not browser_pages.CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(browser_pages.CHROMIUM), args=browser_pages.ARGS)
        yield chromium
        chromium.close()


def quiet(*_args) -> None:
    """A `log` that says nothing."""


def small_year(weekly_tokens: list[float]) -> year_data.YearData:
    """A year of full weeks from 2025-01-06 where one model carries the given weekly tokens (7 equal days)."""
    days = [
        (day, round(tokens / 7))
        for i, tokens in enumerate(weekly_tokens)
        for day in pd.date_range(pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=i), periods=7)
    ]
    usage = pd.DataFrame(
        {
            "date": pd.to_datetime([d for d, _ in days]).astype("datetime64[s]"),
            "model_permaslug": "a/x",
            "tokens": [t for _, t in days],
        }
    )
    models = pd.DataFrame({"model_permaslug": ["a/x"], "family": ["X"], "lab": ["A"]})
    empty = pd.DataFrame(
        columns=["model_id", "canonical_slug", "vintage", "as_of", "prompt_usd_per_mtok", "completion_usd_per_mtok"]
    )
    return year_data.YearData(usage, models, empty, empty, 2025, 9)


def prepared_year(data_dir: Path, out: Path, year: int, top_n: int = 9) -> year_data.YearData:
    """The year's data from a folder of vintages, prepared into `out`."""
    from tokentrends.inputs import prepare

    processed = prepare.prepare(data_dir, out, log=quiet)
    return year_data.year_context(year_data.load_prepared(processed), year, top_n).data

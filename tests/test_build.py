"""End-to-end: the real papermill + nbconvert build, nbval on the executed notebook, the real data."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import ROOT
from html_checks import tag_errors
from tokentrends import build
from tokentrends.errors import BuildError
from tokentrends.inputs import prepare, sample
from tokentrends.metrics import backtest, weekly
from tokentrends.report.backtest_store import BACKTESTS, FITS
from tokentrends.report.page import PAGES, STORED_SECTIONS


def test__notebook_source__exactly_one_parameters_cell():
    import jupytext

    notebook = jupytext.read(ROOT / "notebooks" / "year_in_review.py")
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    checked = [c for c in notebook.cells if c.source.startswith("# NBVAL_CHECK_OUTPUT")]
    assert len(checked) == 1


def test__build__sample_outputs_per_year(sample_reports):
    for year in (2025, 2026):
        folder = sample_reports / str(year)
        for name in (
            "report.html",
            "report.ipynb",
            "figures.json",
            "charts/weekly-top-models.png",
            "charts/weekly-top-models.svg",
            "charts/weekly-top-models.csv",
        ):
            assert (folder / name).exists(), name
        html = (folder / "report.html").read_text()
        assert "SYNTHETIC SAMPLE DATA" in html
        assert "<script src=" not in html  # nothing loads from the network
        assert "def " not in html and "import " not in html  # no code cells
        figures = json.loads((folder / "figures.json").read_text())
        assert figures["is_synthetic"] is True
        assert figures["year"] == year
    partial = json.loads((sample_reports / "2026" / "figures.json").read_text())
    assert partial["is_partial"] is True and partial["through_date"] == sample.SAMPLE_END
    index = (sample_reports / "index.html").read_text()
    assert "2026 so far, through 31 Mar 2026" in index and "SYNTHETIC" in index


def test__html_exporter__writes_the_page_nbconverts_html_exporter_writes(sample_reports, tmp_path):
    # The page's exporter leaves out HTMLExporter's closing BeautifulSoup pass (build.page_exporter_class). That pass
    # wrote out again what it parsed: the page parsed and written out by BeautifulSoup is the old page byte for byte,
    # and as the page is well-formed (test__build__every_page_is_well_formed_html), it had nothing to mend.
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    executed = sample_reports / "2026" / "report.ipynb"
    notebook = nbformat.read(executed, as_version=4)
    stock = HTMLExporter(
        config=Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["explore-only"]}}),
        template_name="tokentrends",
        extra_template_basedirs=[str(build.TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    expected, _ = stock.from_notebook_node(notebook, resources={"metadata": {"name": "a title"}})
    build.render_html(executed, tmp_path / "report.html", "a title")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<title>a title</title>" in page and page != expected  # written as the template wrote it
    assert str(BeautifulSoup(page, features="html.parser")) == expected


def test__build__every_page_is_well_formed_html(sample_reports):
    # nbconvert's closing BeautifulSoup pass, which the page's exporter leaves out, used to mend a stray end tag
    # (the sample's disruptors paragraph had one): the page is now the HTML as written, template and sections.
    for year in (2025, 2026):
        assert tag_errors((sample_reports / str(year) / "report.html").read_text(encoding="utf-8")) == [], year
    assert tag_errors((sample_reports / "index.html").read_text(encoding="utf-8")) == []


def test__build__figures_weekly_equal_daily_sums(sample_reports):
    days = sample.sample_rankings()
    days["date"] = pd.to_datetime(days["date"])
    days["tokens"] = days["total_tokens"].astype("int64")
    for year in (2025, 2026):
        figures = json.loads((sample_reports / str(year) / "figures.json").read_text())
        for week in figures["weekly"]:
            start = pd.Timestamp(week["week_start"])
            in_week = days[(days["date"] >= start) & (days["date"] < start + pd.Timedelta(days=7))]
            assert week["total_tokens"] == int(in_week["tokens"].sum())
            assert week["days_present"] == in_week["date"].nunique()
            assert sum(t["tokens"] for t in week["top"]) + week["others_tokens"] == week["total_tokens"]
            assert len(week["top"]) == figures["top_n"]


def test__build__nothing_changed_rebuilds_nothing(sample_data, sample_reports):
    assert build.build_reports(sample_data, reports_dir=sample_reports, log=lambda *_: None) == []
    assert build.build_reports(sample_data, reports_dir=sample_reports, top_n=5, years=[2026], log=lambda *_: None) == [
        2026
    ]
    assert json.loads((sample_reports / "2026" / "figures.json").read_text())["top_n"] == 5
    build.build_reports(sample_data, reports_dir=sample_reports, years=[2026], log=lambda *_: None)


def _nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", str(notebook)],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
    )


def test__nbval__executed_notebook_reproduces_headline(sample_reports):
    result = _nbval(sample_reports / "2025" / "report.ipynb")
    assert result.returncode == 0, result.stdout[-3000:]


def test__nbval__fails_when_the_headline_differs(sample_reports, tmp_path):
    notebook = nbformat.read(sample_reports / "2025" / "report.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.source.startswith("# NBVAL_CHECK_OUTPUT"))
    for output in cell.outputs:
        for mime in ("text/html", "text/plain"):
            if mime in output.get("data", {}):
                output["data"][mime] = output["data"][mime].replace("first full week", "first FULL week")
    folder = tmp_path / "tampered"
    folder.mkdir()
    nbformat.write(notebook, folder / "report.ipynb")
    result = _nbval(folder / "report.ipynb")
    assert result.returncode != 0


def test__build__failed_build_keeps_previous_report(sample_data, sample_reports, monkeypatch):
    before = (sample_reports / "2025" / "report.html").read_text()

    def boom(*_args, **_kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(build, "render_html", boom)
    processed = prepare.prepare(sample_data, ROOT / "data" / "processed", log=lambda *_: None)
    with pytest.raises(RuntimeError):  # the worker publishing the year itself
        build.build_year(2025, processed, sample_reports, 9, build.notebook_path(), "x")
    assert (sample_reports / "2025" / "report.html").read_text() == before
    assert not list(sample_reports.glob(".build-*"))
    year, _seconds, built = build.build_year(2025, processed, sample_reports, 9, build.notebook_path(), None)
    assert year == 2025 and (built / "report.ipynb").is_file() and built.name.startswith(".build-2025-")
    with pytest.raises(RuntimeError):  # the build process publishing it
        build.publish_year(built, sample_reports / "2025", "x", exporter=None)
    assert (sample_reports / "2025" / "report.html").read_text() == before
    assert not list(sample_reports.glob(".build-*"))


def test__build__real_reports_match_daily_rows(shared_data, tmp_path):
    out = tmp_path / "reports"
    build.build_reports(shared_data, reports_dir=out, log=lambda *_: None)
    tidy = prepare.load_usage(prepare.prepare(shared_data, ROOT / "data" / "processed", log=lambda *_: None))
    totals = weekly.weekly_totals(tidy).set_index("week_start")["total_tokens"]
    for year in (2025, 2026):
        figures = json.loads((out / str(year) / "figures.json").read_text())
        assert figures["is_synthetic"] is False
        assert figures["citation"] == "Source: OpenRouter (openrouter.ai/rankings), as of 2026-10-11T00:27:00Z"
        for week in figures["weekly"]:
            assert week["total_tokens"] == int(totals[pd.Timestamp(week["week_start"])])
    y2025 = json.loads((out / "2025" / "figures.json").read_text())
    assert y2025["weekly"][0]["week_start"] == "2024-12-30"  # the first partial week is kept
    assert y2025["missing_days"] == ["2025-06-15", "2025-07-15"]
    assert y2025["headline"]["peak_week"]["week_start"] == "2025-11-24"
    y2026 = json.loads((out / "2026" / "figures.json").read_text())
    assert y2026["is_partial"] and y2026["through_date"] == "2026-10-09"
    html = (out / "2026" / "report.html").read_text()
    assert "2026 so far, through 9 Oct 2026" in html
    assert "SYNTHETIC" not in html


@pytest.mark.slow
def test__build__a_few_days_of_data_still_make_a_page(tmp_path):
    rows = "".join(f"2026-01-0{d},google/gemini-2.5-flash,100\n2026-01-0{d},other,10\n" for d in range(7, 10))
    (tmp_path / "r.csv").write_text("date,model_permaslug,total_tokens\n" + rows)
    out = tmp_path / "reports"
    assert build.build_reports(tmp_path, reports_dir=out, log=lambda *_: None) == [2026]
    figures = json.loads((out / "2026" / "figures.json").read_text())
    assert figures["headline"]["peak_week"] is None
    assert figures["analyses"]["outlook"]["params"] is None
    assert {c["verdict"] for c in figures["claims"]} == {"cannot be measured"}
    assert "Too few full weeks" in (out / "2026" / "report.html").read_text()


@pytest.mark.slow
def test__execute_notebook__a_failing_cell_keeps_the_notebook_with_its_traceback(tmp_path):
    source = tmp_path / "failing.py"
    source.write_text(
        '# %% tags=["parameters"]\nyear = 0\n\n# %%\nprint("before")\n\n# %%\nraise ValueError(f"no data for {year}")\n'
    )
    (tmp_path / "build").mkdir()
    with pytest.raises(BuildError, match="ValueError: no data for 2031"):
        build.execute_notebook(source, tmp_path / "build" / "report.ipynb", {"year": 2031})
    kept = nbformat.read(tmp_path / ".failed-2031.ipynb", as_version=4)
    outputs = [o for cell in kept.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert any(o.get("text", "").strip() == "before" for o in outputs)  # cells before the failure ran and were saved
    assert any(o.get("ename") == "ValueError" for o in outputs)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "nice"), reason="no Unix nice here: the background runs as it is")
def test__execute_notebook_in_background__the_kernel_runs_nicer_the_caller_does_not(tmp_path):
    """The build runs each year's notebook from a thread of its own while the main thread renders the page: the
    thread and the kernel it starts are niced (BACKGROUND_NICENESS), the rendering thread keeps its priority."""
    source = tmp_path / "nice.py"
    source.write_text('# %% tags=["parameters"]\nyear = 0\n\n# %%\nimport os\nprint("niceness", os.nice(0))\n')
    (tmp_path / "build").mkdir()
    here = os.nice(0)
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(
            build.execute_notebook_in_background, source, tmp_path / "build" / "report.ipynb", {"year": 2031}
        ).result()
    assert os.nice(0) == here  # the caller's thread is as it was
    executed = nbformat.read(tmp_path / "build" / "report.ipynb", as_version=4)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs)
    expected = min(here + build.BACKGROUND_NICENESS, 19)  # 19: the least priority there is
    assert f"niceness {expected}" in printed


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no Unix nice here: the background runs as it is")
def test__load_fitter__statsmodels_loads_niced_and_the_fits_keep_their_priority(monkeypatch):
    """The fitter loads statsmodels in a niced thread (the year workers' start goes first) and fits in the thread
    that called it, whose priority is unchanged (the pages wait for the fits)."""
    seen = {}

    def load_ets() -> None:
        seen["loader"] = os.nice(0)
        seen["loader_is_main"] = threading.current_thread() is threading.main_thread()

    monkeypatch.setattr(build.backtest, "load_ets", load_ets)
    here = os.nice(0)
    build.load_fitter()
    assert os.nice(0) == here
    assert seen == {"loader": min(here + build.BACKGROUND_NICENESS, 19), "loader_is_main": False}


@pytest.mark.slow
def test__build__the_years_share_one_fit_per_origin_made_once(sample_data, tmp_path, monkeypatch):
    """Both years' backtests replay the same record: a cold build fits each origin once (in the fitter's process,
    which loaded statsmodels while the data merged, while the workers compute), a build with the backtests stored
    fits nothing, and one that merges nothing fits in its own process."""
    home = tmp_path / "home"  # a project of its own: nothing stored yet
    for folder in ("data/reference", "data/claims", "notebooks"):
        shutil.copytree(ROOT / folder, home / folder)
    monkeypatch.setenv("TOKENTRENDS_HOME", str(home))
    fitters = tmp_path / "fitters"
    real_fit = build.fit_every_origin

    def fit_every_origin(totals):
        with fitters.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real_fit(totals)

    monkeypatch.setattr(build, "fit_every_origin", fit_every_origin)
    lines: list[str] = []
    built = build.build_reports(sample_data, reports_dir=tmp_path / "first", log=lines.append, figures=False)
    pids = [int(pid) for pid in fitters.read_text().split()]
    assert len(pids) == 1 and pids[0] != os.getpid()  # one call, in another process
    totals = weekly.weekly_totals(prepare.load_usage(prepare.prepare_data_dir(sample_data, log=lambda *_: None)))
    origins = backtest.origins(totals[totals["report_year"] <= max(built)])
    fits = list((home / "data" / "processed" / BACKTESTS / FITS).glob("*.pickle"))
    assert len(origins) > 10 and len(fits) == len(origins)
    assert f"  the outlook's smoothing fitted at {len(origins)} origin(s), once for every year" in lines
    lines.clear()
    build.build_reports(sample_data, reports_dir=tmp_path / "second", log=lines.append, figures=False)
    assert not [line for line in lines if "fitted" in line]
    shutil.rmtree(home / "data" / "processed" / BACKTESTS)  # pruned, say, while the pages stayed in use
    build.build_reports(sample_data, reports_dir=tmp_path / "third", log=lines.append, figures=False)
    assert not [line for line in lines if "fitted" in line]  # the pages are stored: nothing reads a fit
    assert not (home / "data" / "processed" / BACKTESTS / FITS).is_dir()
    for store in (PAGES, STORED_SECTIONS):  # a prose edit, say, and the backtests gone: no merge, fitted here
        shutil.rmtree(home / "data" / "processed" / store)
    fitters.unlink()
    build.build_reports(sample_data, reports_dir=tmp_path / "fourth", log=lines.append, figures=False)
    assert fitters.read_text().split() == [str(os.getpid())]
    assert f"  the outlook's smoothing fitted at {len(origins)} origin(s), once for every year" in lines


def test__build__a_published_report_is_readable_as_the_umask_allows(sample_reports):
    """figures.json, the chart files and the index are written atomically through a temporary file, which mkstemp
    makes owner-only: they get the mode a plain open() would give instead, as report.html has."""
    umask = os.umask(0o022)
    os.umask(umask)
    expected = 0o666 & ~umask
    published = [
        sample_reports / "index.html",
        sample_reports / "2025" / "figures.json",
        sample_reports / "2025" / "report.html",
        *sorted((sample_reports / "2025" / "charts").iterdir())[:4],
    ]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in published} == {p.name: expected for p in published}


def test__build__a_reports_path_that_is_a_file_is_refused_before_the_merge(tmp_path, monkeypatch):
    target = tmp_path / "reports"
    target.write_text("my notes")
    merged = []
    monkeypatch.setattr(prepare, "prepare_data_dir", lambda *a, **k: merged.append(1))
    with pytest.raises(BuildError, match="is a file, not a folder"):
        build.build_reports(years=[2025], reports_dir=target, log=lambda *_: None)
    assert merged == [] and target.read_text() == "my notes"

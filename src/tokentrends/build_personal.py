"""`make report-you`: the private personal report, one folder per year under reports/private/.

The machinery is the public build's (papermill runs notebooks/your_year.py, nbconvert renders the page with
the project's template, a content stamp skips unchanged years, each year is swapped in only when complete),
with three differences for privacy: the inputs are data/private/ (or the synthetic activity sample), the
output is reports/private/<year>/ (git-ignored, never listed by the public index, folders readable by their
owner only), and static chart renders are kept under data/private/, not in the shared render store.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from tokentrends import config, paths
from tokentrends.build import (
    clean_leftovers,
    execute_notebook,
    is_public,
    render_html,
    swap_into_place,
    up_to_date,
    write_stamp,
    years_holding,
)
from tokentrends.errors import BuildError, InputError
from tokentrends.fingerprint import hash_files, hash_json, package_fingerprint
from tokentrends.inputs import activity_archive as aa
from tokentrends.inputs import prepare
from tokentrends.inputs.activity_sample import write_activity_sample
from tokentrends.inputs.sample import write_sample
from tokentrends.metrics.weekly import report_years
from tokentrends.render.chart_renders import (
    PNG_SCALE,
    STATIC_WIDTH,
    pending_chart_files,
    render_static,
    stored_render,
    write_drawn,
)

NOTEBOOK = "your_year.py"
RENDERS = ".chart-renders"  # under data/private: private charts carry your data


def notebook_path() -> Path:
    return paths.project_root() / "notebooks" / NOTEBOOK


def synthetic_banner(folder: Path) -> str:
    bar = "!" * 78
    return (
        f"{bar}\n!! No activity pull in {aa.private_root()}: building from the SYNTHETIC ACTIVITY SAMPLE in {folder}\n"
        "!! (a fictional team in the synthetic market). Every page and chart says so. For your own year:\n"
        f"!! OPENROUTER_MANAGEMENT_KEY=... make fetch-activity, or make add-activity FILE=... RETRIEVED_AT=...\n{bar}"
    )


def resolve_inputs(activity_dir: str | Path | None, data_dir: str | Path | None, log=print) -> tuple[Path, Path]:
    """(the activity folder, the market's prepared tables) for a personal report.

    No pull in the default data/private: the synthetic activity sample, next to the synthetic market it was made
    for (its fictional models are only there). Real activity goes with the real market (DATA_DIR, else data/raw,
    else the market sample, announced by prepare)."""
    default = aa.private_root().resolve()
    chosen = Path(activity_dir).resolve() if activity_dir else default
    if aa.has_activity(chosen):
        market_dir = prepare.resolve_data_dir(data_dir, log)
    elif chosen != default:
        raise InputError(chosen, "no activity pull found here (an /api/v1/activity response with its provenance.json)")
    else:
        chosen = aa.activity_sample_root()
        if not aa.has_activity(chosen):
            write_activity_sample(chosen)
        log(synthetic_banner(chosen))
        market_dir = paths.sample_root()
        if not prepare.has_rankings(market_dir):
            write_sample(market_dir)
    return chosen, prepare.prepare(market_dir, paths.processed_root(), log)


def year_stamp(archive: aa.ActivityArchive, processed_dir: Path, source: Path, year: int, top_n: int) -> str:
    return hash_json(
        {
            "activity": [(v.vintage_id, v.sha256, v.as_of) for v in archive.vintages + archive.price_vintages],
            "market": processed_dir.name,
            "notebook": hash_files([source]),
            "code": package_fingerprint(),
            "year": year,
            "top_n": top_n,
        }
    )


def render_private_charts(report_dir: Path) -> int:
    """SVG and PNG beside each chart spec, rendered once and kept under data/private (never the shared store)."""
    specs = pending_chart_files(report_dir)
    store = aa.private_root() / RENDERS
    for folder in (aa.private_root(), store):  # your data, drawn: owner-only, as reports/private/ is
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    for spec_path in specs:
        text = spec_path.read_text(encoding="utf-8")
        spec = {**json.loads(text), "width": STATIC_WIDTH}
        svg, png = stored_render(spec, {"scale": PNG_SCALE}, render_static, store)
        write_drawn(spec_path, text, svg, png)
    return len(specs)


def build_private_year(
    year: int, activity_dir: Path, processed_dir: Path, reports_dir: Path, top_n: int, stamp: str, source: Path
) -> float:
    """Build reports/private/<year>/ atomically (owner-only folders); return the seconds it took."""
    started = time.perf_counter()
    reports_dir.mkdir(parents=True, exist_ok=True)
    reports_dir.chmod(0o700)
    # mkdtemp: owner-only, kept so; the pid in the name lets clean_leftovers tell a dead build's folder
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{year}-{os.getpid()}-", dir=reports_dir))
    try:
        parameters = {
            "year": year,
            "activity_dir": str(activity_dir),
            "processed_dir": str(processed_dir),
            "output_dir": ".",
            "top_n": top_n,
        }
        execute_notebook(source, tmp / "report.ipynb", parameters)
        render_html(tmp / "report.ipynb", tmp / "report.html", f"Your year on OpenRouter: {year} (private)")
        write_stamp(tmp, stamp)
        swap_into_place(tmp, reports_dir / str(year))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return time.perf_counter() - started


def build_personal(
    activity_dir: str | Path | None = None,
    years: list[int] | None = None,
    top_n: int = config.TOP_N,
    data_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    log=print,
) -> list[int]:
    """Build the personal report for every requested year of your activity; return the years built."""
    config.check_top_n(top_n)
    reports_dir = Path(reports_dir) if reports_dir else aa.private_reports_root()
    activity, processed = resolve_inputs(activity_dir, data_dir, log)
    archive = aa.load_activity(activity, log)
    available = sorted(set(report_years(archive.rows.assign(tokens=0))) if len(archive.rows) else set())
    market_years = report_years(prepare.load_usage(processed))
    wanted = years or [y for y in available if y in market_years]
    unknown = sorted(set(wanted) - set(available) | set(wanted) - set(market_years))
    if unknown or not wanted:
        raise BuildError(
            f"cannot build {unknown or 'any year'}: your activity covers {available}, the market's data {market_years}"
        )
    source = notebook_path()
    if reports_dir.is_dir():
        public = years_holding(reports_dir, is_public)
        if public:  # your pages would replace them, under an index that links them as the market's
            raise BuildError(
                f"{reports_dir} holds the public reports of {', '.join(public)}; your year never replaces them: give "
                "another --reports-dir, or none (it goes to reports/private/)"
            )
        clean_leftovers(reports_dir, log)
    built = []
    for year in wanted:
        stamp = year_stamp(archive, processed, source, year, top_n)
        if up_to_date(reports_dir / str(year), stamp, log):
            continue
        seconds = build_private_year(year, activity, processed, reports_dir, top_n, stamp, source)
        log(f"  {year}: built in {seconds:.1f}s -> {reports_dir / str(year) / 'report.html'} (private)")
        built.append(year)
    for year in wanted:
        render_private_charts(reports_dir / str(year))
    return built

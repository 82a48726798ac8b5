"""`make bench`: how fast the build is, against its floor, and how the vintage merge scales.

1. Build: the 2025 and 2026 reports from the given data folder into a scratch folder, cold (tidy table
   and stored chart renders removed first, so everything is computed), wall time of the whole build, each run in a
   fresh process (as `make report` runs it).
2. Floor: an empty notebook executed and rendered through the same papermill + nbconvert path, once
   per year, on the same number of workers. Prints `build/floor ratio: <r>` on a line of its own.
   Build and floor alternate `--repeat` times (5); the medians are reported (single runs vary by ~15% here, and
   a machine's speed drifts over a minute: a floor run beside a slow build is slow too). The ratio is the median
   of each run's build/floor, which compares runs made side by side; the ratio of the medians is printed too.
   The prose-edit builds (below) are each paired with a floor run the same way.
3. Import floor: the floor's notebook plus one cell importing what the report's notebook imports
   (tokentrends, pandas, altair): the least any notebook telling this story with this stack can cost.
4. Rebuild with the tidy table and the stores kept, the reports removed: the build's path with nothing to compute.
5. Where a year's kernel spends its time: the slowest cells of the built notebooks (papermill's timings; in a cold
   build the first cell waits for the worker rendering the page while the kernel started).
6. No-op rebuild: the same build again with nothing changed (median of `--repeat` runs).
7. Merge: a generated archive of 1,000 overlapping 30-day vintages (~1.5M rows) merged into the tidy
   table, in a child process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tokentrends import build, paths
from tokentrends.inputs import archive, prepare
from tokentrends.render.chart_renders import RENDERS
from tokentrends.report.backtest_store import BACKTESTS
from tokentrends.report.page import PAGES, STORED_SECTIONS

MERGE_CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
from tokentrends.inputs.archive import merge_rankings
n_vintages, days, models = 1000, 30, 51
rng = np.random.default_rng(0)
base = pd.Timestamp("2025-01-01")
slugs = np.array([f"lab-{i % 7}/model-{i}" for i in range(models - 1)] + ["other"], dtype=object)
frames, as_of = {}, {}
for v in range(n_vintages):
    start = base + pd.Timedelta(days=v // 2)  # about two pulls a day, each 30 days back: heavy overlap
    dates = np.repeat(pd.date_range(start, periods=days, freq="D").values.astype("datetime64[s]"), models)
    frames[f"v{v:04d}"] = pd.DataFrame({"date": dates, "model_permaslug": np.tile(slugs, days),
                                        "tokens": rng.integers(1, 10**11, size=days * models)})
    as_of[f"v{v:04d}"] = (start + pd.Timedelta(days=days, hours=v % 2)).isoformat()
rows = sum(len(f) for f in frames.values())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
usage, revisions = merge_rankings(frames, as_of)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows_in": rows, "rows_out": len(usage), "revisions": len(revisions), "seconds": seconds,
                  "peak_rss_mb": peak / 1024, "rss_before_merge_mb": before / 1024}))
"""


EMPTY_NOTEBOOK = '# %% tags=["parameters"]\nyear = 0\n'
# The notebook's own import cell, nothing else: the imports every year's kernel pays before any work.
IMPORTS_NOTEBOOK = EMPTY_NOTEBOOK + (
    "\n# %%\nfrom IPython.display import display\n\nfrom tokentrends.report.page import open_year\n"
)
# A sentence of a section module, changed and put back: what a prose edit costs.
PROSE_FILE = Path(build.__file__).parent / "report" / "sections" / "volume.py"
PROSE_FROM, PROSE_TO = "the median week grew", "the median week rose"


def floor_year(year: int, folder: Path, notebook: str) -> float:
    """Execute and render a notebook the way build_year does, in its own folder."""
    started = time.perf_counter()
    folder.mkdir(parents=True)
    source = folder / "floor.py"
    source.write_text(notebook)
    build.execute_notebook(source, folder / "report.ipynb", {"year": year})
    build.render_html(folder / "report.ipynb", folder / "report.html")
    return time.perf_counter() - started


def timed_floor(years: list[int], workers: int, folder: Path, notebook: str) -> float:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(floor_year, years, [folder / str(y) for y in years], [notebook] * len(years)))
    return time.perf_counter() - started


# A build runs in a fresh process, as `make report` runs it: one process building again and again keeps what its
# first build loaded (statsmodels in the process that fits, say), which flattered the 2nd and 3rd runs (3.41 s in
# process against 4.48 s fresh, for a design that loaded the renderer in the build's own process).
BUILD_CHILD = r"""
import json, sys, time
from tokentrends import build
args = json.loads(sys.argv[1])
started = time.perf_counter()
build.build_reports(args["data_dir"], args["years"], reports_dir=args["reports"], jobs=args["workers"],
                    log=lambda *_: None, figures=False)
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def build_in_child(data_dir: str, years: list[int], workers: int, reports: Path) -> float:
    """build.build_reports in a fresh process; the seconds it took, from the call (the interpreter's start and
    the import of tokentrends.build excluded: the floor's workers have those loaded too)."""
    args = {"data_dir": data_dir, "years": years, "reports": str(reports), "workers": workers}
    done = subprocess.run(
        [sys.executable, "-c", BUILD_CHILD, json.dumps(args)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def timed_build(data_dir: str, years: list[int], workers: int, reports: Path, cold: bool = True) -> float:
    """The build up to the pages: prepare, every year's notebook, the index (the static PNG/SVG files come after
    the pages and are timed apart), in a fresh process. Cold: the tidy table and every store (chart renders,
    backtests, rendered sections and pages) are removed first, so everything is computed; else they are reused."""
    if cold:
        vintages, _ = archive.discover_vintages(data_dir)
        shutil.rmtree(paths.processed_root() / prepare.prepared_key(vintages, data_dir), ignore_errors=True)
        shutil.rmtree(paths.processed_root() / RENDERS, ignore_errors=True)
        shutil.rmtree(paths.processed_root() / BACKTESTS, ignore_errors=True)
        shutil.rmtree(paths.processed_root() / PAGES, ignore_errors=True)
        shutil.rmtree(paths.processed_root() / STORED_SECTIONS, ignore_errors=True)
    shutil.rmtree(reports, ignore_errors=True)
    return build_in_child(data_dir, years, workers, reports)


def timed_static_files(years: list[int], reports: Path) -> float:
    """The static PNG/SVG files of built reports, drawn as make report draws them after the pages."""
    started = time.perf_counter()
    build.draw_chart_files(reports, years, jobs=len(years), log=lambda *_: None)
    return time.perf_counter() - started


def timed_prose_edit(data_dir: str, years: list[int], workers: int, reports: Path, run: int) -> float:
    """A sentence changed in a section module, then the build (what `make report` does after a prose edit).
    Each run writes a sentence of its own, so no run finds the pages of an earlier one up to date."""
    text = PROSE_FILE.read_text()
    if PROSE_FROM not in text:
        raise SystemExit(f"bench: the sentence to edit is no longer in {PROSE_FILE}")
    try:
        PROSE_FILE.write_text(text.replace(PROSE_FROM, f"{PROSE_TO} ({run})"))
        return build_in_child(data_dir, years, workers, reports)
    finally:
        PROSE_FILE.write_text(text)


def timed_noop(data_dir: str, years: str, reports: Path) -> float:
    """`python -m tokentrends report` over reports that are all up to date, from the process's start to its end."""
    command = ["-m", "tokentrends", "report", "--data-dir", data_dir, "--year", years, "--reports-dir", str(reports)]
    started = time.perf_counter()
    subprocess.run([sys.executable, *command], check=True, capture_output=True)
    return time.perf_counter() - started


def slowest_cells(notebook: Path, n: int = 4) -> list[tuple[float, str]]:
    """(seconds, first line) of the notebook's slowest code cells, from papermill's recorded durations."""
    import nbformat  # noqa: PLC0415 (~1 s to import, and only this function reads a notebook)

    cells = nbformat.read(notebook, as_version=4).cells
    timed = [
        (c.metadata.get("papermill", {}).get("duration") or 0.0, c.source.strip().splitlines()[0][:60])
        for c in cells
        if c.cell_type == "code" and c.source.strip()
    ]
    return sorted(timed, reverse=True)[:n]


def paired_median(builds: list[float], floors: list[float]) -> float:
    """The median of each run's build/floor: a build and the floor run beside it, slowed alike by a drifting machine."""
    return statistics.median(b / f for b, f in zip(builds, floors, strict=True))


def runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--years", default="2025,2026")
    parser.add_argument("--repeat", type=int, default=5, help="build and floor runs; the medians are reported")
    args = parser.parse_args()
    if not Path(args.data_dir).is_dir():
        print(f"error: no data folder {args.data_dir} (set SHARED_DATA=...)", file=sys.stderr)
        return 2
    years = [int(y) for y in args.years.split(",")]
    workers = min(len(years), os.cpu_count() or 1)
    scratch = Path(tempfile.mkdtemp(prefix="tokentrends-bench-"))
    reports = scratch / "reports"
    try:
        builds, floors, import_floors, statics = [], [], [], []
        for run in range(max(1, args.repeat)):
            print(f"run {run + 1}/{args.repeat}: build, floor, import floor...", file=sys.stderr)
            builds.append(timed_build(args.data_dir, years, workers, reports))
            statics.append(timed_static_files(years, reports))
            floors.append(timed_floor(years, workers, scratch / f"floor-{run}", EMPTY_NOTEBOOK))
            import_floors.append(timed_floor(years, workers, scratch / f"imports-{run}", IMPORTS_NOTEBOOK))
        build_s, floor_s, imports_s = (statistics.median(t) for t in (builds, floors, import_floors))
        cells = {y: slowest_cells(reports / str(y) / "report.ipynb") for y in years}  # from a cold build
        rebuilds = [timed_build(args.data_dir, years, workers, reports, cold=False) for _ in range(args.repeat)]
        rebuild_s = statistics.median(rebuilds)
        prose, prose_floors = [], []
        for run in range(args.repeat):  # each beside a floor run of its own, as the cold builds are
            prose.append(timed_prose_edit(args.data_dir, years, workers, reports, run))
            prose_floors.append(timed_floor(years, workers, scratch / f"prose-floor-{run}", EMPTY_NOTEBOOK))
        # The code is back as it was: build once so that the next build has nothing to do.
        build.build_reports(args.data_dir, years, reports_dir=reports, jobs=workers, log=lambda *_: None)
        prose_s = statistics.median(prose)

        # Nothing changed: what `make report` costs when every year is up to date (median of `--repeat` runs: a
        # single one read 0.67 to 1.14 s on one machine within the hour).
        noops = [timed_noop(args.data_dir, args.years, reports) for _ in range(args.repeat)]
        noop_s = statistics.median(noops)

        # The merge at scale.
        merge = json.loads(
            subprocess.run([sys.executable, "-c", MERGE_CHILD], check=True, capture_output=True, text=True).stdout
        )
        weights = {y: (reports / str(y) / "report.html").stat().st_size for y in years}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"years: {', '.join(map(str, years))} on {workers} worker(s), data: {args.data_dir}, "
        f"median of {len(builds)} run(s)"
    )
    print(f"build wall time, cold, until the pages are out: {build_s:.2f} s (runs: {runs(builds)})")
    print(
        f"static chart files after the pages, cold (PNG + SVG of every chart): {statistics.median(statics):.2f} s "
        f"(runs: {runs(statics)})"
    )
    print(f"floor wall time (empty notebook, same papermill + nbconvert path): {floor_s:.2f} s (runs: {runs(floors)})")
    paired = [b / f for b, f in zip(builds, floors, strict=True)]
    print(
        f"build/floor ratio: {paired_median(builds, floors):.2f} (median of each run's, side by side: {runs(paired)}; "
        f"ratio of the medians: {build_s / floor_s:.2f})"
    )
    print(
        f"import floor (the floor plus the notebook's imports): {imports_s:.2f} s, "
        f"{imports_s / floor_s:.2f} x the floor (runs: {runs(import_floors)})"
    )
    print(
        f"rebuild with the tidy table and the stores kept (the reports removed): {rebuild_s:.2f} s, "
        f"{rebuild_s / floor_s:.2f} x the floor (runs: {runs(rebuilds)})"
    )
    print(
        f"prose-edit/floor ratio: {paired_median(prose, prose_floors):.2f} "
        f"(a sentence changed in a section module, then the build: {prose_s:.2f} s, runs: {runs(prose)}; each "
        f"against a floor run beside it: {runs(prose_floors)})"
    )
    for year, slow in cells.items():
        print(f"slowest cells {year}: " + "; ".join(f"{s:.2f} s {line!r}" for s, line in slow))
    print(f"no-op rebuild (python -m tokentrends report, all up to date): {noop_s:.2f} s (runs: {runs(noops)})")
    for year, size in weights.items():
        print(f"page weight {year}: {size / 1e6:.2f} MB")
    print(
        f"merge: {merge['rows_in']:,} rows from 1,000 vintages -> {merge['rows_out']:,} rows, "
        f"{merge['revisions']:,} revisions logged, {merge['seconds']:.2f} s, peak RSS {merge['peak_rss_mb']:.0f} MB "
        f"(of which {merge['rss_before_merge_mb']:.0f} MB before the merge: interpreter and input frames)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the reports: papermill executes the notebook once per year, nbconvert renders the page.

Each year is built into a temporary folder and swapped in only when complete, so a failed build
leaves the previous report in place. A content stamp (inputs, notebook, package code, parameters)
skips years whose report is already up to date.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tokentrends import config, paths
from tokentrends.errors import BuildError
from tokentrends.fingerprint import hash_files, hash_json, package_fingerprint
from tokentrends.inputs import prepare
from tokentrends.metrics import weekly
from tokentrends.render.chart_renders import RENDERS, pending_chart_files, prune_renders, render_chart_files
from tokentrends.render.index_page import write_index

NOTEBOOK = "year_in_review.py"
TEMPLATE_DIR = Path(__file__).resolve().parent / "render" / "templates"
STAMP = ".build-stamp"


def notebook_path() -> Path:
    return paths.project_root() / "notebooks" / NOTEBOOK


def page_title(figures_path: Path) -> str:
    """The browser tab's title, from the year's figures.json."""
    figures = json.loads(figures_path.read_text(encoding="utf-8"))
    return f"LLM usage on OpenRouter: {figures['year']} in review" + (" (so far)" if figures["is_partial"] else "")


def render_html(executed: Path, html_path: Path, title: str = "LLM usage on OpenRouter") -> None:
    """nbconvert with the project's template: no code cells, no prompts, nothing from the network."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    # Cells tagged explore-only speak to someone running the notebook in JupyterLab, not to the page's reader.
    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["explore-only"]}})
    exporter = HTMLExporter(config=config, template_name="tokentrends", extra_template_basedirs=[str(TEMPLATE_DIR)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    notebook = nbformat.read(executed, as_version=4)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    html_path.write_text(body, encoding="utf-8")


def execute_notebook(source: Path, executed: Path, parameters: dict) -> None:
    """jupytext .py -> .ipynb, then papermill in the output folder with the parameters injected."""
    import jupytext
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ.setdefault("PYTHONHASHSEED", "0")  # the kernel inherits it; it only matters at kernel start
    raw = executed.with_name("source.ipynb")
    jupytext.write(jupytext.read(source), raw)
    try:
        # Saved once at the end (and on failure), not after every cell: each save rewrites the whole notebook,
        # inlined chart library included (~0.5 s of a year's build).
        papermill.execute_notebook(str(raw), str(executed), parameters=parameters, kernel_name="python3",
                                   language="python", progress_bar=False, cwd=str(executed.parent),
                                   request_save_on_cell_execute=False,
                                   # The notebook is saved once its last cell ran; a graceful shutdown sometimes
                                   # waits ~3.5 s for a kernel that is done ("taking too long to finish").
                                   shutdown_kernel="immediate",
                                   # jupyter_client interrupts the idle kernel before shutting it down, which
                                   # ipykernel logs as an ERROR; cell failures still reach papermill as errors.
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as exc:
        # Keep the executed notebook, with its traceback, where the failed build folder will not remove it.
        kept = executed.parent.parent / f".failed-{parameters.get('year', 'build')}.ipynb"
        shutil.copyfile(executed, kept)
        raise BuildError(f"the notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
                         f"(the executed notebook is at {kept})") from None
    finally:
        raw.unlink(missing_ok=True)


def build_year(year: int, processed_dir: Path, reports_dir: Path, top_n: int, stamp: str,
               source: Path) -> tuple[int, float]:
    """Build reports/<year>/ atomically; return the year and the seconds it took."""
    started = time.perf_counter()
    reports_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{year}-", dir=reports_dir))
    tmp.chmod(0o755)  # mkdtemp makes it private; a published report folder is readable
    try:
        # output_dir "." is the folder the kernel runs in: the build folder now, the report's own folder
        # when the executed notebook is re-run (nbval), so the recorded parameters stay true after the swap.
        parameters = {"year": year, "processed_dir": str(processed_dir), "output_dir": ".", "top_n": top_n}
        execute_notebook(source, tmp / "report.ipynb", parameters)
        render_html(tmp / "report.ipynb", tmp / "report.html", page_title(tmp / "figures.json"))
        (tmp / STAMP).write_text(stamp)
        final = reports_dir / str(year)
        old = reports_dir / f".old-{year}-{os.getpid()}"
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return year, time.perf_counter() - started


def year_stamp(processed_dir: Path, source: Path, year: int, top_n: int) -> str:
    return hash_json({"data": processed_dir.name, "notebook": hash_files([source]),
                      "code": package_fingerprint(), "year": year, "top_n": top_n})


def draw_chart_files(reports_dir: Path, years: list[int], jobs: int | None = None, log=print) -> int:
    """The static PNG/SVG files of the years' charts that lack them (kept under their spec's hash), in parallel."""
    pending = [reports_dir / str(y) for y in years if pending_chart_files(reports_dir / str(y))]
    if not pending:
        return 0
    log(f"pages ready; drawing the static chart files (PNG, SVG) of {', '.join(p.name for p in pending)}...")
    with ProcessPoolExecutor(max_workers=max(1, min(len(pending), jobs or os.cpu_count() or 1))) as pool:
        drawn = sum(pool.map(render_chart_files, pending))
    log(f"  {drawn} charts drawn")
    return drawn


def build_reports(data_dir: str | Path | None = None, years: list[int] | None = None, top_n: int = config.TOP_N,
                  reports_dir: str | Path | None = None, jobs: int | None = None, log=print,
                  figures: bool = True) -> list[int]:
    """Build every requested year (all years in the data by default), then (figures) their static chart files;
    return the years built."""
    if not 1 <= top_n <= config.MAX_TOP_N:
        raise BuildError(f"TOP_N must be from 1 to {config.MAX_TOP_N} (the API ranks {config.MAX_TOP_N} models a day)")
    reports_dir = Path(reports_dir) if reports_dir else paths.project_root() / "reports"
    processed_dir = prepare.prepare_data_dir(data_dir, log)
    usage = prepare.load_usage(processed_dir)
    available = weekly.report_years(usage)
    wanted = years or available
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise BuildError(f"no data for year(s) {unknown}; the data cover {available}")
    source = notebook_path()
    todo = {}
    for year in wanted:
        stamp = year_stamp(processed_dir, source, year, top_n)
        stamp_file = reports_dir / str(year) / STAMP
        if stamp_file.exists() and stamp_file.read_text() == stamp:
            log(f"  {year}: up to date")
        else:
            todo[year] = stamp
    if todo:
        workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
        log(f"building {', '.join(map(str, todo))} on {workers} worker(s)...")
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(build_year, y, processed_dir, reports_dir, top_n, s, source)
                       for y, s in todo.items()]
            for done, future in enumerate(as_completed(futures), 1):
                year, seconds = future.result()
                log(f"  [{done}/{len(futures)}] {year}: built in {seconds:.1f}s -> {reports_dir / str(year)}")
    write_index(reports_dir)
    if figures:  # the pages are out; the static PNG/SVG files beside them come after
        draw_chart_files(reports_dir, wanted, jobs, log)
    prune_renders(paths.processed_root() / RENDERS)
    return list(todo)

"""Build the reports: papermill executes the notebook once per year, nbconvert renders the page.

Each year is built into a temporary folder and swapped in only when complete, so a failed build
leaves the previous report in place. A content stamp (inputs, notebook, package code, claims ledger, libraries,
parameters) skips years whose report is already up to date. A year's worker renders its page into the store
(report/page_render.py) while papermill starts the kernel, which shows the stored page (report/page.py).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from functools import lru_cache, partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pyarrow
from threadpoolctl import threadpool_limits

from tokentrends import config, fingerprint, paths
from tokentrends.errors import BuildError
from tokentrends.files import read_json, remove_unfinished_writes
from tokentrends.fingerprint import hash_files, hash_json
from tokentrends.forked import ForkedCall, run_forked
from tokentrends.heap import inherited_frozen, loading_modules
from tokentrends.inputs import prepare
from tokentrends.inputs.sources.rankings_daily import OTHER_SLUG
from tokentrends.kernel_launch import kernel_manager_class, no_more_kernels, remove_connection_files
from tokentrends.metrics import backtest, weekly
from tokentrends.render.chart_renders import (
    CHARTS_DIR,
    RENDERS,
    SPEC_SUFFIX,
    pending_chart_files,
    prune_renders,
    render_chart_files,
)
from tokentrends.render.index_page import write_index
from tokentrends.report.backtest_store import backtest_stored, fit_every_origin, fitting_lock, prune_backtests
from tokentrends.report.page import (
    load_page,
    page_key,
    page_lock,
    page_path,
    prune_pages,
    prune_stored_sections,
)
from tokentrends.signals import interrupts_deferred, one_interrupt, sigint_held

NOTEBOOK = "year_in_review.py"
TEMPLATE_DIR = Path(__file__).resolve().parent / "render" / "templates"
STAMP = ".build-stamp"
SAMPLE_REPORTS = "sample"  # reports/sample/: the synthetic sample's own folder, never over real reports
KERNEL_START_RETRIES = 2
# What a kernel that failed to start looks like under parallel load: a passing fault, retried.
KERNEL_START_FAILURES = (
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond",
    "Address already in use",
)
_PARENT_PID: int | None = None  # set in each worker: the build process it works for
_REPORTS_DIR: Path | None = None  # set in each worker: where its build folders are


def notebook_path() -> Path:
    return paths.project_root() / "notebooks" / NOTEBOOK


def page_title(figures: dict) -> str:
    """The browser tab's title, from the year's figures.json."""
    return f"LLM usage on OpenRouter: {figures['year']} in review" + (" (so far)" if figures["is_partial"] else "")


def html_exporter() -> Any:
    """nbconvert's HTMLExporter with the project's template (compiled): no code cells, no prompts, nothing from the
    network, and none of nbconvert's closing pass over the page (page_exporter_class)."""
    # nbconvert takes ~0.3 s to import: only a year being rendered pays for it, not a no-op run.
    with loading_modules():
        import nbformat  # noqa: PLC0415
        from traitlets.config import Config  # noqa: PLC0415 (with nbconvert; a no-op run needs neither)

        exporter_class = page_exporter_class()

    # Cells tagged explore-only speak to someone running the notebook in JupyterLab, not to the page's reader. The
    # notebook is validated once, after the preprocessors, rather than after each (13 times a page).
    config = Config(
        {
            "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["explore-only"]},
            "HTMLExporter": {"optimistic_validation": True},
        }
    )
    exporter = exporter_class(
        config=config,
        template_name="tokentrends",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    # A first conversion compiles the template, its filters and the HTML parser's selectors (~0.2 s; a second
    # one of a whole page takes 0.05 s): done on an empty notebook while the kernel runs the real one.
    exporter.from_notebook_node(nbformat.v4.new_notebook())
    return exporter


@lru_cache(maxsize=1)
def page_exporter_class() -> type:
    """HTMLExporter without the pass it ends with: it parses the whole page with BeautifulSoup and writes it out again
    to add alt text to images without one and tabindex to the outputs and inputs of a `.jp-Notebook` body. The page
    has none of these (its template shows no input, its body is `.tt-page`, and its one `<img` is inside a script),
    so on a well-formed page the pass only rewrote the same document (~0.05 s for a year's 1.7 MB page, after the
    last kernel, on every build's critical path). It also mended malformed HTML (a stray end tag), which a browser
    reads otherwise: the pages are well-formed, and tests check it (tests/html_checks.py)."""
    from nbconvert import HTMLExporter  # noqa: PLC0415 (see html_exporter)
    from nbconvert.exporters.templateexporter import TemplateExporter  # noqa: PLC0415
    from nbconvert.filters.highlight import Highlight2HTML  # noqa: PLC0415
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter  # noqa: PLC0415

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
            # HTMLExporter.from_notebook_node up to its closing pass: the filters it registers for the template.
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter


def render_html(
    executed: Path, html_path: Path, title: str = "LLM usage on OpenRouter", exporter: Any | None = None
) -> None:
    """The executed notebook as the report's page (with `exporter`, an html_exporter() made while waiting)."""
    import nbformat  # noqa: PLC0415 (see html_exporter)

    notebook = nbformat.read(executed, as_version=4)
    body, _ = (exporter or html_exporter()).from_notebook_node(notebook, resources={"metadata": {"name": title}})
    html_path.write_text(body, encoding="utf-8")


def notebook_runner() -> tuple[ModuleType, ModuleType]:
    """jupytext and papermill: ~0.3 s to import, which only a year being built pays for, not a no-op run."""
    with loading_modules():
        import jupytext  # noqa: PLC0415
        import papermill  # noqa: PLC0415

    return jupytext, papermill


def execute_notebook(source: Path, executed: Path, parameters: dict) -> None:
    """jupytext .py -> .ipynb, then papermill in the output folder with the parameters injected."""
    jupytext, papermill = notebook_runner()
    from nbclient.exceptions import DeadKernelError  # noqa: PLC0415 (with papermill, which imports it)
    from papermill.exceptions import PapermillExecutionError  # noqa: PLC0415

    os.environ.setdefault("PYTHONHASHSEED", "0")  # the kernel inherits it; it only matters at kernel start
    one_thread_environment()  # the kernel inherits it
    raw = executed.with_name("source.ipynb")
    jupytext.write(jupytext.read(source), raw)
    logging.getLogger("papermill").addFilter(_kernel_start_error_said)
    try:
        for attempt in range(KERNEL_START_RETRIES + 1):
            try:
                return _papermill(papermill, raw, executed, parameters)
            except PapermillExecutionError:
                raise
            except Exception as exc:
                if attempt == KERNEL_START_RETRIES or not kernel_start_failed(exc):
                    raise
                # What that kernel wrote (a traceback ending in "Address already in use" where another process took
                # its port) stays on the terminal above this line, as the kernels' standard error always does: held
                # back to be shown later, it was lost to a Ctrl-C and hung a build whose temporary folder was full.
                print(
                    f"  {parameters.get('year', 'build')}: the kernel did not start ({str(exc)[:80]}); "
                    f"retrying ({attempt + 1} of {KERNEL_START_RETRIES})",
                    file=sys.stderr,
                    flush=True,
                )
    except PapermillExecutionError as exc:
        # Keep the executed notebook, with its traceback, where the failed build folder will not remove it.
        kept = executed.parent.parent / f".failed-{parameters.get('year', 'build')}.ipynb"
        shutil.copyfile(executed, kept)
        raise BuildError(
            f"the notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
            f"(the executed notebook is at {kept})"
        ) from None
    except DeadKernelError:
        raise BuildError(
            f"the kernel running the notebook of {parameters.get('year', 'the build')} died (killed, or out of "
            "memory); its report was not changed: run the build again"
        ) from None
    finally:
        raw.unlink(missing_ok=True)


def _kernel_start_error_said(record: logging.LogRecord) -> bool:
    """nbclient's ERROR line for a kernel that did not start, with its id: execute_notebook says it in words of the
    build's (retrying), or raises it."""
    return not record.getMessage().startswith("Error occurred while starting new kernel client")


def kernel_start_failed(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in KERNEL_START_FAILURES)


# The build's background work (the fitter, each year's kernel while new data's pages render) runs this much nicer
# than the rendering of the pages, which the build waits on: on 2 cores, where the fits, the kernels' start and both
# pages' rendering share them, a cold build ~0.04-0.09 s faster (ABBA); where each has a core, it changes nothing.
BACKGROUND_NICENESS = 5


def in_background() -> None:
    """Lower the calling thread's priority (Unix `nice`; the processes it starts inherit it), so that the page being
    rendered gets the cores first. Where nice is not available (Windows) or refused, it runs as it is."""
    try:
        os.nice(BACKGROUND_NICENESS)
    except (AttributeError, OSError):
        pass


def execute_notebook_in_background(source: Path, executed: Path, parameters: dict) -> None:
    """execute_notebook from a thread of its own, in the background (its kernel inherits the priority): the year's
    page renders meanwhile in the process's main thread, and the kernel's first cell waits for it."""
    in_background()
    execute_notebook(source, executed, parameters)


def _papermill(papermill, raw: Path, executed: Path, parameters: dict) -> None:
    """One papermill run (a kernel start failure surfaces here as a plain exception)."""
    # Saved once at the end (and on failure), not after every cell: each save rewrites the whole notebook,
    # inlined chart library included (~0.5 s of a year's build).
    papermill.execute_notebook(
        str(raw),
        str(executed),
        parameters=parameters,
        kernel_name="python3",
        language="python",
        progress_bar=False,
        cwd=str(executed.parent),
        request_save_on_cell_execute=False,
        # The notebook is saved once its last cell ran; a graceful shutdown sometimes
        # waits ~3.5 s for a kernel that is done ("taking too long to finish").
        shutdown_kernel="immediate",
        # jupyter_client interrupts the idle kernel before shutting it down, which
        # ipykernel logs as an ERROR; cell failures still reach papermill as errors. No input history: a build's
        # cells are not a session to recall (and each would be a write to ~/.ipython's database).
        extra_arguments=["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"],
        kernel_manager_class=kernel_manager_class(),  # a stopped worker starts no kernel (kernel_launch.py)
    )


def swap_into_place(built: Path, final: Path) -> None:
    """Put a finished build folder where its report goes: the old one moves aside (`.old-<name>-<pid>`, removed
    after) and the new one is renamed in, so no reader ever sees half. A Ctrl-C waits for both renames, and a
    second rename that fails puts the old report back; a process killed between them leaves `.old-<name>-<pid>`,
    which the next run puts back (clean_leftovers)."""
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
    with interrupts_deferred():
        if final.exists():
            final.rename(old)
        try:
            built.rename(final)
        except BaseException:
            if old.exists() and not final.exists():
                old.rename(final)
            raise
        shutil.rmtree(old, ignore_errors=True)


def build_year(
    year: int,
    processed_dir: Path,
    reports_dir: Path,
    top_n: int,
    source: Path,
    stamp: str | None,
    kernel_in_background: bool = False,
) -> tuple[int, float, Path | None]:
    """Run the year's notebook (its page rendered first) in a build folder beside reports/<year>/ and return the
    year, the seconds it took and the folder, which the build process then publishes (publish_year); with a
    `stamp`, publish it here instead (the folder returned is then None). The folder is removed if this fails.
    kernel_in_background: the notebook's thread and kernel run niced (in_background), for a page whose rendering
    takes longer than the kernel's start (new data: every section computed)."""
    global _REPORTS_DIR
    started = time.perf_counter()
    reports_dir.mkdir(parents=True, exist_ok=True)
    _REPORTS_DIR = reports_dir
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{year}-{os.getpid()}-", dir=reports_dir))
    tmp.chmod(0o755)  # mkdtemp makes it private; a published report folder is readable
    try:
        # output_dir "." is the folder the kernel runs in: the build folder now, the report's own folder
        # when the executed notebook is re-run (nbval), so the recorded parameters stay true after the swap.
        # render_missing False: the page is rendered here first; the kernel never renders one itself.
        parameters = {
            "year": year,
            "processed_dir": str(processed_dir),
            "output_dir": ".",
            "top_n": top_n,
            "render_missing": False,
        }
        # The page is rendered here, in the worker, while the notebook's kernel starts (papermill in a thread; the
        # kernel's first cell waits on the page's lock), and the kernel opens it from the store without importing
        # pandas or altair. The renderer is imported here, not at the top: it loads altair and every section
        # (~0.3 s), which neither a build with every year up to date nor a page stored already needs.
        key = page_key(processed_dir, year, top_n, written=True)
        # papermill and jupytext are loaded before the notebook's thread starts, so that the thread reaches the
        # kernel's launch at once (the kernel then boots in its own process) instead of sharing the GIL with the
        # renderer's imports: measured 0.2 s off a prose edit's build.
        notebook_runner()
        with ThreadPoolExecutor(max_workers=1) as notebook:
            with page_lock(key, waiting=lambda path: another_build_holds(f"the page of {year}", path)):
                run = execute_notebook_in_background if kernel_in_background else execute_notebook
                executed = notebook.submit(run, source, tmp / "report.ipynb", parameters)
                if load_page(key) is None:
                    with loading_modules():
                        from tokentrends.report.page_render import render_page  # noqa: PLC0415

                    render_page(processed_dir, year, top_n, written=True)
            exporter = html_exporter() if stamp is not None else None  # while the kernel runs the notebook
            executed.result()
        if stamp is None:
            return year, time.perf_counter() - started, tmp
        if _PARENT_PID is not None and os.getppid() != _PARENT_PID:
            raise BuildError("the build was stopped")  # never swap a report in after the command has ended
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish_year(tmp, reports_dir / str(year), stamp, exporter)
    return year, time.perf_counter() - started, None


def publish_year(built: Path, final: Path, stamp: str, exporter: Any) -> None:
    """A year's build folder, its notebook run, made its report: the page's HTML (with `exporter`, an
    html_exporter()), the stamp, then the folder swapped into place. The folder is removed if any of it fails, and
    the old report stays."""
    try:
        figures = report_figures(built) or {}
        render_html(built / "report.ipynb", built / "report.html", page_title(figures), exporter)
        write_stamp(built, stamp)
        if shrunk := coverage_shrinks(report_figures(final), figures):
            print(f"  {final.name}: {shrunk}", file=sys.stderr, flush=True)
        swap_into_place(built, final)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise


def coverage_shrinks(before: dict | None, after: dict) -> str | None:
    """A line when the new report (figures `after`) covers fewer days than the one it replaces (`before`; None: no
    report there): data that end earlier or start later, a data folder holding only an older pull."""
    try:
        (first_before, last_before), (first_after, last_after) = (
            (f["first_date"], f["through_date"]) for f in (before or {}, after)
        )
    except KeyError:
        return None
    if first_after <= first_before and last_after >= last_before:
        return None
    return (
        f"the report it replaces covered {first_before} to {last_before}; this one covers {first_after} to "
        f"{last_after} (the data given hold less of the year)"
    )


def one_thread_pools() -> None:
    """Years build in parallel, one worker (and its kernel) a core: a thread pool of its own in each process (BLAS,
    OpenMP, and Arrow's, which pandas' string columns use) only fights the other for the cores (two years' pages took
    11.7 and 13.2 s side by side against 4.5 and 3.9 s one after the other). The environment covers the libraries
    loaded later (scipy's BLAS) and the kernels, which inherit it; the calls cover those loaded already."""
    one_thread_environment()
    threadpool_limits(limits=1)
    pyarrow.set_cpu_count(1)


def one_thread_environment() -> None:
    """One thread a pool for the libraries a process (or a kernel it starts) loads from now on."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def _worker_init(parent: int) -> None:
    """In each pool worker: die with the build process, and let the parent alone handle Ctrl-C."""
    global _PARENT_PID
    _PARENT_PID = parent
    inherited_frozen()
    one_thread_pools()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers; no traceback from each of them
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held while it was started (sigint_held)
    signal.signal(signal.SIGTERM, _abandon)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # elsewhere the parent check before the swap still holds
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(143)


def load_year_builder() -> None:
    """Load what building a year loads (the renderer, papermill, nbconvert): the build process does it while the
    vintages are merged in another, and the year workers it forks then find it loaded. A no-op build never does."""
    with loading_modules():
        import nbconvert  # noqa: F401, PLC0415

        import tokentrends.report.page_render  # noqa: F401, PLC0415

        notebook_runner()


def merge_while_loading(merge: Callable[[Callable[[str], None]], Path], log) -> Path:
    """prepare's merge in a forked process while this one runs load_year_builder: each on a core, where the year
    workers used to load it each for itself (cold build 0.3 s faster, median of 6 alternating fresh-process runs)."""
    return run_forked(merge, log, load_year_builder, doing="merging the vintages")


def _abandon(*_args) -> None:
    """SIGTERM in a worker (a year's, or one drawing chart files): remove its build folder and a file it was writing,
    end its kernel, exit now. (Raising SystemExit instead was swallowed inside papermill's event loop and left the
    worker hanging; in a drawing worker, the pool's worker loop caught it and drew the other year's charts.)"""
    # Once: a build process killed outright sends one SIGTERM per thread it had (Linux moves the parenthood of a child
    # to the next thread as each dies, and each death is a PR_SET_PDEATHSIG signal), and each used to start this
    # again inside the last: a worker stayed 30 s and more (a CI run; 1 of 10 builds SIGKILLed 1 s in).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    me = os.getpid()
    # The kernel first: it writes into the build folder, and a file it adds while rmtree walks the folder leaves the
    # folder behind. No kernel starts after this scan (no_more_kernels; one starting now is waited for, so that the
    # scan finds it). Then the folder is moved aside, so that papermill's thread (still running in this process)
    # cannot write into it either, and removed.
    no_more_kernels()
    for child in _children(me):
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass
    remove_unfinished_writes()  # a page or section it was storing, or a chart file
    if _REPORTS_DIR is not None:
        for tmp in _REPORTS_DIR.glob(f".build-*-{me}-*"):
            _remove_for_good(tmp)
    # Last: jupyter_client removes a kernel's connection file when it shuts it down, not when it is killed, and one
    # being written as this began (papermill's thread still runs) is done by now.
    remove_connection_files()
    os._exit(143)


def _remove_for_good(folder: Path) -> None:
    """Remove a build folder that another thread may still be writing into."""
    aside = folder.with_name(f"{folder.name}-gone")  # still `.build-<year>-<pid>-*`: a leftover is cleaned later
    try:
        folder.rename(aside)
    except OSError:
        aside = folder
    for _attempt in range(20):
        shutil.rmtree(aside, ignore_errors=True)
        if not aside.exists():
            return
        time.sleep(0.01)


def _children(pid: int) -> list[int]:
    """Processes whose parent is pid (the kernel a worker started), from /proc; empty where there is none."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now (shutdown alone waits for running builds)."""
    # No public handle on the workers; taken before shutdown, which forgets them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():  # stuck in native code, where the SIGTERM handler cannot run
            process.kill()


PAGE_FILES = ".build-files.json"  # the sha256 of each file the page wrote, beside the stamp


def page_files(folder: Path) -> list[Path]:
    """The files a year's page writes: the page, its notebook, figures.json, each chart's spec and CSV (the static
    PNG/SVG files are drawn after, and checked against their specs: pending_chart_files)."""
    charts = folder / CHARTS_DIR
    specs = sorted(charts.glob(f"*{SPEC_SUFFIX}")) + sorted(charts.glob("*.csv")) if charts.is_dir() else []
    return [folder / "report.html", folder / "report.ipynb", folder / "figures.json", *specs]


def file_digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in page_files(folder)}


def write_stamp(folder: Path, stamp: str) -> None:
    """The stamp (what the report is built from) and the digests of what it wrote, so that a file changed or lost
    since is seen as damage, not taken as up to date."""
    (folder / PAGE_FILES).write_text(json.dumps(file_digests(folder), indent=1, sort_keys=True))
    (folder / STAMP).write_text(stamp)


def report_damage(folder: Path) -> str | None:
    """Why a built year's folder cannot be trusted as up to date, or None when it is whole."""
    if not (folder / "report.html").is_file():
        return "report.html is missing"
    figures = report_figures(folder)
    if figures is None:
        return "figures.json is missing or unreadable"
    if figures.get("year") != int(folder.name):
        return "figures.json is not this year's"
    try:
        written = json.loads((folder / PAGE_FILES).read_text(encoding="utf-8"))
        now = file_digests(folder)
    except (OSError, ValueError):
        return f"{PAGE_FILES} is missing or unreadable"
    changed = sorted(set(written) ^ set(now) | {k for k in set(written) & set(now) if written[k] != now[k]})
    if changed:
        return f"{changed[0]}{f' and {len(changed) - 1} more file(s)' if len(changed) > 1 else ''} changed or missing"
    return None


def up_to_date(folder: Path, stamp: str, log) -> bool:
    """Whether a built year's folder holds this stamp and is whole (said in one line either way it is kept)."""
    stamp_file = folder / STAMP
    if not (stamp_file.exists() and stamp_file.read_text() == stamp):
        return False
    if damage := report_damage(folder):
        log(f"  {folder.name}: {damage}: rebuilding")
        return False
    log(f"  {folder.name}: up to date")
    return True


def report_figures(folder: Path) -> dict | None:
    """A built year's figures.json, or None when it is missing or unreadable."""
    try:
        figures = read_json(folder / "figures.json")
    except (OSError, ValueError):
        return None
    return figures if isinstance(figures, dict) else None


# What a built year's figures.json says it is: the checks that keep one kind of report from replacing another.
def is_real(figures: dict) -> bool:
    return figures.get("is_synthetic") is False


def is_private(figures: dict) -> bool:
    """A `report-you` report."""
    return figures.get("private") is True


def is_public(figures: dict) -> bool:
    """A report of the market."""
    return not figures.get("private")


def years_holding(reports_dir: Path, which: Callable[[dict], bool]) -> list[str]:
    """The year folders of `reports_dir` whose figures.json `which` accepts."""
    return [
        p.name
        for p in sorted(reports_dir.glob("[0-9]*"))
        if p.is_dir() and (figures := report_figures(p)) is not None and which(figures)
    ]


def sample_reports_dir(reports_dir: Path, explicit: bool, log) -> Path:
    """Policy: the synthetic sample never replaces real reports. By default it is built into reports/sample/;
    into a folder given explicitly that holds real reports, it is refused."""
    if not explicit:
        log(f"the synthetic sample's reports go to {reports_dir / SAMPLE_REPORTS}/ (never over real reports)")
        return reports_dir / SAMPLE_REPORTS
    real = years_holding(reports_dir, is_real)
    if real:
        raise BuildError(
            f"{reports_dir} holds reports built from real data ({', '.join(real)}); the synthetic "
            "sample never replaces them: give another --reports-dir, or none (it goes to "
            f"reports/{SAMPLE_REPORTS}/)"
        )
    return reports_dir


# What a build leaves beside the reports while it runs: `.build-<year>-<pid>-<random>` (tempfile's, `-gone` once a
# stopped worker set it aside) and `.old-<year>-<pid>` (swap_into_place).
LEFTOVERS = {
    "build": re.compile(r"\.build-(?P<year>\d{4})-(?P<pid>\d+)-[A-Za-z0-9_]+(?:-gone)?"),
    "old": re.compile(r"\.old-(?P<year>\d{4})-(?P<pid>\d+)"),
}


def leftover_of_a_build(name: str) -> tuple[str, str, str] | None:
    """(kind, year, pid) of a name a build makes beside the reports, else None."""
    for kind, pattern in LEFTOVERS.items():
        if match := pattern.fullmatch(name):
            return kind, match["year"], match["pid"]
    return None


def clean_leftovers(reports_dir: Path, log) -> None:
    """Remove what an interrupted or killed build left: `.build-<year>-<pid>-*` and `.old-<year>-<pid>` of
    processes that are gone, except an `.old-<year>-<pid>` whose year has no report (the build was killed between
    the two renames of swap_into_place): that one is put back. A running build's folders are left alone."""
    removed = restored = 0
    for leftover in reports_dir.iterdir():
        # Only the names a build makes: a `.build-cache` or `.old-notes` of the user's own is not ours to touch.
        found = leftover_of_a_build(leftover.name)
        if found is None or prepare.pid_alive(found[2]):
            continue
        kind, year, _pid = found
        final = reports_dir / year
        if kind == "old" and not final.exists():
            leftover.rename(final)
            restored += 1
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed += not leftover.exists()
    if restored:
        log(f"put back {restored} report folder(s) an interrupted build had moved aside")
    if removed:
        log(f"removed {removed} folder(s) left by an interrupted build")


def year_stamp(processed_dir: Path, source: Path, year: int, top_n: int) -> str:
    """Everything a year's report is built from: a report with the same stamp is up to date."""
    # The page's key covers the data, year, top N, claims ledger, libraries and the package's code.
    return hash_json({"page": page_key(processed_dir, year, top_n, written=True), "notebook": hash_files([source])})


def draw_chart_files(reports_dir: Path, years: list[int], jobs: int | None = None, log=print) -> int:
    """The static PNG/SVG files of the years' charts that lack them (kept under their spec's hash), in parallel."""
    pending = [reports_dir / str(y) for y in years if pending_chart_files(reports_dir / str(y))]
    if not pending:
        return 0
    log(f"pages ready; drawing the static chart files (PNG, SVG) of {', '.join(p.name for p in pending)}...")
    # Spawned, not forked: a process that has drawn a chart itself (a test, the bench) holds vl-convert's runtime
    # threads, and a forked copy of it waits forever on them in its first render.
    pool = ProcessPoolExecutor(
        max_workers=max(1, min(len(pending), jobs or os.cpu_count() or 1)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    with one_interrupt():  # a second Ctrl-C does not cut the stopping short
        try:
            # Started with Ctrl-C held, which each ignores once it runs _worker_init: a Ctrl-C while they still load
            # their modules (a spawned process imports pandas first) was a KeyboardInterrupt traceback from each.
            with sigint_held():
                drawing = pool.map(render_chart_files, pending)  # submitting starts the processes
            drawn = sum(drawing)
        except BaseException:
            # A Ctrl-C (or a failure) stops the drawing now: shutting down alone waited for every chart of the years
            # being drawn (3-6 s after a Ctrl-C, a helper found). The pages are out already; what is not drawn is
            # drawn by the next run.
            stop_workers(pool)
            raise
    pool.shutdown()
    log(f"  {drawn} charts drawn")
    return drawn


def build_reports(
    data_dir: str | Path | None = None,
    years: list[int] | None = None,
    top_n: int = config.TOP_N,
    reports_dir: str | Path | None = None,
    jobs: int | None = None,
    log=print,
    figures: bool = True,
) -> list[int]:
    """Build every requested year (all years in the data by default), then (figures) their static chart files;
    return the years built."""
    config.check_top_n(top_n)
    with ForkedCall(load_fitter, fit_every_origin, "fitting the outlook's smoothing") as fitter:
        return _build_reports(data_dir, years, top_n, reports_dir, jobs, log, figures, fitter)


def load_fitter() -> None:
    """The fitter's start, in its process: statsmodels loaded in the background, by a thread of its own (the merge and
    the renderer's imports, which the year workers wait for, go first), while this thread, which then fits, keeps
    its priority: the pages' last sections wait for the fits. With the fits niced too, the 2026 page waited ~0.25 s
    for them; this way a cold build was 0.065 s faster (ABBA, 8 blocks, 7 faster). (Linux nices a thread; where nice
    is the process's, the fits run niced as well.)"""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="statsmodels-loader") as loader:
        loader.submit(_load_ets_in_background).result()


def _load_ets_in_background() -> None:
    in_background()
    backtest.load_ets()


def _build_reports(
    data_dir: str | Path | None,
    years: list[int] | None,
    top_n: int,
    reports_dir: str | Path | None,
    jobs: int | None,
    log,
    figures: bool,
    fitter: ForkedCall,
) -> list[int]:
    def merge(work: Callable[[Callable[[str], None]], Path], log) -> Path:
        # New data: every year is rendered and its fits are made. statsmodels loads in the fitter's process while the
        # vintages merge and this process loads the renderer (a cold build ~0.3 s faster, ABBA fresh-process runs).
        fitter.start()
        return merge_while_loading(work, log)

    explicit = reports_dir is not None
    reports_dir = Path(reports_dir) if reports_dir else paths.project_root() / "reports"
    if reports_dir.exists() and not reports_dir.is_dir():  # said before the vintages are merged, not after
        raise BuildError(f"{reports_dir} is a file, not a folder: give a folder for the reports (--reports-dir)")
    processed_dir = prepare.prepare_data_dir(data_dir, log, run_merge=merge)
    if prepare.load_manifest(processed_dir)["is_synthetic"]:
        reports_dir = sample_reports_dir(reports_dir, explicit, log)
    private = years_holding(reports_dir, is_private)
    if private:  # the market's pages would replace your year's, and a public index would list the folder
        raise BuildError(
            f"{reports_dir} holds your private reports ({', '.join(private)}); the public reports never replace "
            "them: give another --reports-dir, or none (reports/)"
        )
    if reports_dir.is_dir():
        clean_leftovers(reports_dir, log)
    usage = weekly.with_week(prepare.load_usage(processed_dir))  # the week columns made once for what follows
    totals = weekly.weekly_totals(usage)
    available = weekly.years_of(totals)
    wanted = years or available
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise BuildError(f"no data for year(s) {unknown}; the data cover {available}")
    wanted = reportable_years(usage, wanted, explicit=bool(years), log=log)
    source = notebook_path()
    todo = {}
    for year in wanted:
        stamp = year_stamp(processed_dir, source, year, top_n)
        if up_to_date(reports_dir / str(year), stamp, log):
            drop_failed(reports_dir, year)
        else:
            todo[year] = stamp
    if todo and (changed := fingerprint.changed_since_start()):
        raise BuildError(
            f"{', '.join(str(p.relative_to(fingerprint.PACKAGE_DIR)) for p in changed)} changed after this command "
            "started, and it runs the code it read then: run it again"
        )
    if todo:
        merged = fitter.started  # the fitter starts with a merge, during which this process loaded the year builder
        fit = fits_in(fitter) if merged else fits_here
        try:
            build_years(todo, processed_dir, reports_dir, top_n, source, totals, jobs, log, fit, html_here=merged)
        except BaseException:
            index_what_was_published(reports_dir)
            raise
    fitter.close()  # asked once, or not needed: it ends before the static files are drawn
    write_index(reports_dir)
    if figures:  # the pages are out; the static PNG/SVG files beside them come after
        draw_chart_files(reports_dir, wanted, jobs, log)
    prune_renders(paths.processed_root() / RENDERS)
    prune_backtests()
    prune_pages()
    prune_stored_sections()
    log(f"index: {reports_dir / 'index.html'}")
    return list(todo)


# Starts the fits of a record (every origin of its weekly totals) and returns what waits for them: the count made.
FitStart = Callable[[pd.DataFrame], Callable[[], int]]


def fits_here(totals: pd.DataFrame) -> Callable[[], int]:
    """The fits made in this process, when waited for (build_years waits holding the fitting lock)."""
    return partial(fit_every_origin, totals)


def fits_in(fitter: ForkedCall) -> FitStart:
    """The fits made in the fitter's process, begun at once: it fits while the year workers start."""

    def start(totals: pd.DataFrame) -> Callable[[], int]:
        fitter.send(totals)
        return fitter.result

    return start


def build_years(
    todo: dict[int, str],
    processed_dir: Path,
    reports_dir: Path,
    top_n: int,
    source: Path,
    totals: pd.DataFrame,
    jobs: int | None,
    log,
    fit: FitStart = fits_here,
    html_here: bool = False,
) -> None:
    """Build the years in `todo` ({year: stamp}) on parallel workers; `totals` (every year's weekly totals) are the
    record whose backtest fits are made meanwhile, by `fit` (here, or in the fitter's process). html_here: this
    process makes the pages' HTML and publishes each year (it has loaded nbconvert), else each worker does."""
    count = max(1, min(len(todo), jobs or os.cpu_count() or 1))  # one a year, up to `jobs` (default: one a core)
    pool = ProcessPoolExecutor(max_workers=count, initializer=_worker_init, initargs=(os.getpid(),))
    log(f"building {', '.join(map(str, todo))} on {count} worker(s)...")
    # Fits are wanted when a year to render (no stored page: the file is enough to tell, the worker reads it whole)
    # has no stored outlook backtest. A worker that finds a fit missing all the same makes it itself.
    fits_wanted = any(
        not page_path(page_key(processed_dir, year, top_n, written=True)).is_file()
        and not backtest_stored(totals, year)
        for year in todo
    )
    fitting = ExitStack()
    futures: list[Future] = []
    finished = False
    # Only the first Ctrl-C counts until the clean-up below is done: a second one landing in it, or even as it began,
    # left the workers running and the command hung at exit (a helper's burst of Ctrl-Cs).
    with one_interrupt():
        try:
            if fits_wanted:
                # The years' backtests replay the same origins: they are fitted once, for every year, while the workers
                # start and compute their other sections (the sections reading the backtest come last). The fitter
                # begins now (it sat idle while the workers started: a cold build ~0.05 s faster); no worker reads a
                # fit before the lock below is taken. The years' records end with the last year built.
                fitted = fit(totals[totals["report_year"] <= max(todo)])
            # The workers are running once their first task is done; the fitting lock is taken after, so that they do
            # not inherit it (an OS lock goes with every process holding its file), and before they are given their
            # years, so that they wait for the fits instead of making them.
            start_workers(pool)
            if fits_wanted:
                fitting.enter_context(fitting_lock(waiting=lambda path: another_build_holds("the fits", path)))
            futures = [
                # New data (html_here: the vintages were merged) renders every section: the kernels have time to
                # start in the background. After a prose edit the page is quick and the kernel's start is the wait
                # (niced, that build was 0.05 s slower, ABBA).
                pool.submit(
                    build_year,
                    year,
                    processed_dir,
                    reports_dir,
                    top_n,
                    source,
                    None if html_here else stamp,
                    kernel_in_background=html_here,
                )
                for year, stamp in todo.items()
            ]
            if fits_wanted:
                with fitting:
                    count = fitted()
                if count:
                    log(f"  the outlook's smoothing fitted at {count} origin(s), once for every year")
            # One exporter here, made while the workers run their notebooks, where a worker would make its own
            # (~0.2 s of compiling templates and selectors) holding its GIL while papermill's thread relays its
            # kernel's outputs: a cold build ~0.05 s faster (ABBA, 13 blocks). A build that merged nothing has not
            # loaded nbconvert here, and loading it now would hold up the workers' start: 0.1 s slower after a prose
            # edit.
            exporter = html_exporter() if html_here else None
            for done, future in enumerate(as_completed(futures), 1):
                year, seconds, built = future.result()
                if built is not None:
                    started = time.perf_counter()
                    publish_year(built, reports_dir / str(year), todo[year], exporter)
                    seconds += time.perf_counter() - started
                drop_failed(reports_dir, year)
                log(f"  [{done}/{len(futures)}] {year}: built in {seconds:.1f}s -> {reports_dir / str(year)}")
            finished = True
        except BrokenProcessPool:
            raise BuildError(
                "a build worker ended without a word (killed, or out of memory); the years it built are unchanged "
                "(a year it was putting in place is put back at the next run): run the build again"
            ) from None
        finally:
            # A Ctrl-C or a failed year: no worker finishes and swaps in after we report.
            if not finished:
                stop_workers(pool)
                drop_unpublished(futures)
            fitting.close()
    pool.shutdown()


def index_what_was_published(reports_dir: Path) -> None:
    """After a failed or stopped build: the index lists the years published before it stopped (it listed the old
    ones until the next run). Never the error the user sees: that is the build's."""
    try:
        if reports_dir.is_dir():
            write_index(reports_dir)
    except Exception:  # noqa: BLE001 (a read-only or full disk: the build's own error is the one to say)
        pass


def another_build_holds(what: str, lock: Path) -> None:
    """Said once where a build waits for another process (another build, a notebook rendering the same page)."""
    print(
        f"  waiting for another tokentrends process, which is making {what} (it holds {lock}); "
        "it goes on once that one ends",
        file=sys.stderr,
        flush=True,
    )


def drop_unpublished(futures: list[Future]) -> None:
    """Remove the build folders of years whose notebook ran but which were not published (the build stopped)."""
    for future in futures:
        if future.done() and not future.cancelled() and future.exception() is None:
            built = future.result()[2]
            if built is not None:  # None: the worker published it
                shutil.rmtree(built, ignore_errors=True)  # gone already once published (renamed in)


def start_workers(pool: ProcessPoolExecutor) -> None:
    """Start the pool's processes (its first task runs once they are up) with Ctrl-C held while they are forked: one
    that landed then was lost in an at-fork hook (the build ran on to the end, and the next Ctrl-Cs were ignored) or
    killed a worker before it ignored it (a misleading "worker ended without a word"). It takes effect here, once they
    are running, and the build stops them as for any Ctrl-C."""
    with sigint_held():
        started = pool.submit(_started)  # submitting forks the processes
    started.result()


def _started() -> None:
    """A pool's first task: its workers are running once it is done."""


def reportable_years(usage, wanted: list[int], explicit: bool, log) -> list[int]:
    """Policy: a year whose models have no tokens at all (only the API's `other` row, or every count 0) has
    nothing to rank or share out: it gets no report, said in one line (an error when asked for by name)."""
    weeks = weekly.with_week(usage)
    named = weeks[weeks["model_permaslug"] != OTHER_SLUG].groupby("report_year")["tokens"].sum()
    empty = [y for y in wanted if int(named.get(y, 0)) == 0]
    if empty and explicit:
        raise BuildError(
            f"{', '.join(map(str, empty))}: no model has any tokens (only the API's `other` row, or "
            "all counts 0): nothing to report"
        )
    for year in empty:
        log(f"  {year}: no model has any tokens (only the `other` row, or all counts 0): no report for this year")
    kept = [y for y in wanted if y not in empty]
    if not kept:
        raise BuildError("no year has tokens for any model (only the API's `other` row, or all counts 0)")
    return kept


def drop_failed(reports_dir: Path, year: int) -> None:
    """A `.failed-<year>.ipynb` is stale once that year has a good report."""
    try:
        (reports_dir / f".failed-{year}.ipynb").unlink(missing_ok=True)
    except OSError:
        pass  # a read-only reports/ with nothing to rebuild is not an error

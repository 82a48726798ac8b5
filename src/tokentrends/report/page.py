"""A year's page as the notebook shows it: each section's HTML, chart files and figures.json part, stored under
what they are computed from, so that showing a page needs neither the data nor pandas and altair.

Rendering a page (report/page_render.py) computes the sections; showing one (this module) only reads the store.
The build renders each year in its worker while the year's kernel starts (the kernel waits on the page's lock) and
the notebook opens the stored page in a kernel that imports nothing heavy. A page is stored as the keys of its
sections (each section, and the chart libraries, stored once however many pages show them); every entry sits
behind a checksum, and a damaged or older-shaped one reads as missing. Where no page is stored for the notebook's
parameters (JupyterLab, papermill by hand), open_year renders it first in a child process
(`python -m tokentrends.report.page_render`), its progress shown, so this module never imports the heavy side.

The reproducibility stamp (time, commit, versions) is made when the page is opened, never stored.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from pathlib import Path

from tokentrends import config
from tokentrends.errors import BuildError
from tokentrends.files import UNUSED_DAYS, file_lock, load_stored, prune_unused, save_stored, write_atomic
from tokentrends.fingerprint import hash_files, hash_json, package_fingerprint
from tokentrends.paths import claims_ledger_path, processed_root
from tokentrends.report import stamp

PAGES = "pages"  # data/processed/pages/<key>.pickle: one stored page per data, year, parameters and code
STORED_SECTIONS = "sections"  # data/processed/sections/<key>.pickle: one rendered section (report/page_render.py)
PAGE_FORMAT = 4  # raised when StoredPage or StoredSection change shape, so no older pickle is read as new
# What else a page's content depends on: the libraries that compute and draw it.
LIBRARIES = ("pandas", "numpy", "pyarrow", "altair", "vl-convert-python", "scipy", "statsmodels", "pyyaml")


@dataclass(frozen=True)
class StoredSection:
    """One section as rendered: its HTML, the files beside the page (chart specs and CSVs by path in the report
    folder) and its part of figures.json, already plain JSON values. The page's chart libraries are stored the same
    way (name CHART_SUPPORT), once for every page that inlines them."""

    name: str
    html: str
    files: dict[str, bytes]
    figures_json: dict  # its figures.json part, each value encoded once as figures.json writes it (encoded_part)

    @property
    def figures(self) -> dict:
        """Its figures.json part as values."""
        return decoded_part(self.figures_json)


CHART_SUPPORT = "chart-support"


@dataclass(frozen=True)
class StoredPage:
    """A page as stored: what it shows, by the store keys of its sections (each stored once, however many pages
    show it)."""

    year: int
    top_n: int
    head: dict  # figures.json's own keys: year, as_of, citation, span...
    sections: tuple[tuple[str, str], ...]  # (name, store key) in page order
    chart_support: str  # the store key of the chart libraries the page inlines
    data_dir: str  # the data folder the prepared tables came from (the stamp names it)


@dataclass(frozen=True)
class OpenedPage:
    """A stored page with its sections and chart libraries read from the store."""

    page: StoredPage
    sections: tuple[StoredSection, ...]
    chart_support: str


def whole(value: object, kind: type) -> bool:
    """An object of this dataclass with every field there (a pickle of an older shape loads without some)."""
    return isinstance(value, kind) and all(hasattr(value, f.name) for f in fields(kind))


class Html:
    """What a notebook cell displays: HTML, shown as is in JupyterLab and kept by nbconvert."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # the notebook's text/plain output: stable (no address), short (the HTML is beside it)
        return f"<HTML, {len(self.html):,} characters>"


def library_versions() -> dict[str, str]:
    return stamp.package_versions(LIBRARIES)


def ledger_fingerprint(year: int) -> str | None:
    """The claims ledger the year's claims are read from (data/claims/<year>.yaml), or None without one."""
    path = claims_ledger_path(year)
    return hash_files([path]) if path.is_file() else None


def page_inputs(processed_dir: str | Path, year: int, top_n: int, written: bool) -> dict:
    """What a page and each of its sections are computed from, code aside: the prepared tables (their folder's name is
    their own content key), the year, top N, whether chart files are written beside it, the claims ledger and the
    libraries."""
    return {
        "format": PAGE_FORMAT,
        "data": Path(processed_dir).resolve().name,  # resolved: "." is a folder's name too
        "year": year,
        "top_n": top_n,
        "written": written,
        "ledger": ledger_fingerprint(year),
        "libraries": library_versions(),
    }


def page_key(processed_dir: str | Path, year: int, top_n: int, written: bool) -> str:
    """A page's key: its inputs and the package's code."""
    return hash_json({**page_inputs(processed_dir, year, top_n, written), "code": package_fingerprint()})


def page_path(key: str) -> Path:
    return processed_root() / PAGES / f"{key}.pickle"


def section_path(key: str) -> Path:
    return processed_root() / STORED_SECTIONS / f"{key}.pickle"


def load_section(key: str) -> StoredSection | None:
    section = load_stored(section_path(key))
    return section if whole(section, StoredSection) else None


def load_page(key: str) -> OpenedPage | None:
    """The page stored under `key` with everything it shows, or None when any part of it is missing or damaged."""
    page = load_stored(page_path(key))
    if not whole(page, StoredPage):
        return None
    sections = tuple(load_section(section_key) for _, section_key in page.sections)
    support = load_section(page.chart_support)
    if support is None or any(s is None for s in sections):
        return None
    return OpenedPage(page, sections, support.html)


def save_page(key: str, page: StoredPage) -> None:
    save_stored(page_path(key), page)


def page_lock(key: str, waiting: Callable[[Path], None] | None = None) -> AbstractContextManager:
    """Held while a page is rendered, so that whoever opens or renders the same page meanwhile waits for it instead
    of computing it a second time (the build's worker renders while the year's kernel starts). `waiting`: see
    file_lock."""
    return file_lock(processed_root() / PAGES / f"{key}.lock", waiting)


def prune_pages(days: int = UNUSED_DAYS) -> int:
    """Remove stored pages (and their lock files) no build or notebook has used for `days` days; return how many
    pages went."""
    prune_unused(processed_root() / PAGES, "*.lock", days)
    return prune_unused(processed_root() / PAGES, "*.pickle", days)


def prune_stored_sections(days: int = UNUSED_DAYS) -> int:
    """Remove rendered sections no build has used for `days` days; return how many went."""
    return prune_unused(processed_root() / STORED_SECTIONS, "*.pickle", days)


def assemble_figures(head: dict, parts: list[tuple[str, dict]], build: dict | None) -> dict:
    """figures.json: the report's own keys, then each section's part in page order, then the stamp (`build`, when
    given), with every section's `analyses` under one key. Two sections may not write the same key."""
    out = dict(head)
    analyses: dict = {}
    for name, part in parts:
        clash = (set(part) - {"analyses"}) & set(out) | set(part.get("analyses", {})) & set(analyses)
        if clash:
            raise ValueError(f"section {name!r} writes figures.json keys another wrote: {sorted(clash)}")
        analyses.update(part.get("analyses", {}))
        out.update({k: v for k, v in part.items() if k != "analyses"})
    if build is not None:
        if "build" in out:
            raise ValueError("a section writes figures.json's `build` key, which is the page's stamp")
        out["build"] = build
    out["analyses"] = analyses
    return out


def write_report_files(files: dict[str, bytes], output_dir: str | Path) -> None:
    """Files by their path in the report folder (a chart's spec and CSV), each written atomically."""
    for relative, payload in files.items():
        write_atomic(Path(output_dir) / relative, payload)


class EncodedJson(str):
    """A figures.json value already written as JSON, indented for the depth it sits at."""


def _dump(value: object, depth: int) -> str:
    """`value` as json.dumps(indent=2) writes it inside figures.json at `depth` (strict: no NaN)."""
    if isinstance(value, EncodedJson):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + "  " * depth)


def encoded_part(part: dict) -> dict:
    """A section's figures.json part with each value encoded once (stored with the section), so writing a page's
    figures.json joins text instead of encoding ~0.7 MB of JSON again (indented JSON has no fast encoder)."""
    out: dict = {k: EncodedJson(_dump(v, 1)) for k, v in part.items() if k != "analyses"}
    if "analyses" in part:
        out["analyses"] = {k: EncodedJson(_dump(v, 2)) for k, v in part["analyses"].items()}
    return out


def decoded_part(encoded: dict) -> dict:
    """encoded_part undone."""
    out: dict = {k: json.loads(v) for k, v in encoded.items() if k != "analyses"}
    if "analyses" in encoded:
        out["analyses"] = {k: json.loads(v) for k, v in encoded["analyses"].items()}
    return out


def figures_text(figures: dict) -> str:
    """figures.json's text: what json.dumps(figures, indent=2, ensure_ascii=False) writes, values encoded beforehand
    (EncodedJson) taken as they are."""

    def key(k: str) -> str:
        return json.dumps(k, ensure_ascii=False)

    lines = []
    for k, v in figures.items():
        if k == "analyses" and isinstance(v, dict):
            inner = ",\n".join(f"    {key(a)}: {_dump(b, 2)}" for a, b in v.items())
            lines.append(f"  {key(k)}: " + ("{\n" + inner + "\n  }" if inner else "{}"))
        else:
            lines.append(f"  {key(k)}: {_dump(v, 1)}")
    return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"


def write_figures_json(figures: dict, output_dir: str | Path) -> Path:
    """figures.json in the output folder: strict JSON (no NaN), written atomically."""
    path = Path(output_dir) / "figures.json"
    write_atomic(path, (figures_text(figures) + "\n").encode("utf-8"))
    return path


@dataclass
class YearPage:
    """A stored page opened for showing: the notebook's `report`."""

    page: OpenedPage
    processed_dir: Path
    output_dir: Path | None  # where chart files and figures.json go; None writes nothing
    build: dict  # the stamp, made when the page was opened

    @property
    def year(self) -> int:
        return self.page.page.year

    def section(self, name: str) -> StoredSection:
        for section in self.page.sections:
            if section.name == name:
                return section
        raise KeyError(f"no section {name!r}; the sections are {[s.name for s in self.page.sections]}")

    def chart_support(self) -> Html:
        """The chart libraries, displayed once at the top of the page."""
        return Html(self.page.chart_support)

    def show(self, name: str) -> Html:
        """The section's sentences and charts (its chart files written beside the report)."""
        section = self.section(name)
        if self.output_dir is not None:
            write_report_files(section.files, self.output_dir)
        return Html(section.html)

    def show_build(self) -> Html:
        """The reproducibility stamp: when, from which commit and with which versions this page was built."""
        return Html(stamp.reproducibility_block(self.build))

    def figures(self, encoded: bool = False) -> dict:
        """figures.json as values (encoded: with the sections' values as the JSON text they were stored as)."""
        parts = [(s.name, s.figures_json if encoded else s.figures) for s in self.page.sections]
        return assemble_figures(self.page.page.head, parts, self.build)

    def write_figures(self) -> Path | None:
        """figures.json beside the page (joined from the sections' encoded parts); nothing without an output folder."""
        return None if self.output_dir is None else write_figures_json(self.figures(encoded=True), self.output_dir)


def open_year(
    year: int,
    data_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
    top_n: int | None = None,
    output_dir: str | Path | None = None,
    render_missing: bool = True,
) -> YearPage:
    """The year's page for the notebook: stored when it was rendered before for these parameters and this code,
    else rendered now in a child process (data_dir is prepared first when processed_dir is not given).
    render_missing False (the build, which renders the page before the notebook runs): a missing page is an error."""
    top_n = config.TOP_N if top_n is None else top_n
    config.check_top_n(top_n)
    written = output_dir is not None
    page = None
    if processed_dir is not None:
        key = page_key(processed_dir, year, top_n, written)
        with page_lock(key):  # a build's worker may be rendering it right now: wait for it
            page = load_page(key)
        if page is None and not render_missing:
            raise BuildError(
                f"the page of {year} the build rendered is not in the store for the code as it is now: was a file "
                "of the package saved during the build? Run the build again"
            )
    if page is None:
        processed_dir, key = render_in_child(year, data_dir, processed_dir, top_n, written)
        page = load_page(key)
        if page is None:
            raise BuildError(f"the page of {year} was rendered but cannot be read from {page_path(key)}")
    processed_dir = Path(processed_dir)
    build = stamp.build_stamp(stamp.page_parameters(year, top_n, page.page.data_dir, processed_dir))
    return YearPage(page, processed_dir, Path(output_dir) if output_dir is not None else None, build)


def render_in_child(
    year: int, data_dir: str | Path | None, processed_dir: str | Path | None, top_n: int, written: bool
) -> tuple[Path, str]:
    """report/page_render.py in a child process, its progress passed on as it comes; returns the prepared folder and
    the page's key (the child's last line of output)."""
    command = [sys.executable, "-m", "tokentrends.report.page_render", "--year", str(year), "--top-n", str(top_n)]
    if processed_dir is not None:
        command += ["--processed-dir", str(processed_dir)]
    elif data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    if written:
        command.append("--written")
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in child.stdout:  # progress as it comes: preparing vintages and computing a year take seconds
        lines.append(line.rstrip("\n"))
        if not line.startswith("{"):
            print(line, end="", file=sys.stderr, flush=True)
    if child.wait() != 0 or not lines or not lines[-1].startswith("{"):
        raise BuildError(f"rendering the page of {year} failed: {lines[-1] if lines else 'no output'}")
    done = json.loads(lines[-1])
    return Path(done["processed_dir"]), done["key"]

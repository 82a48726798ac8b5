"""Rendering a year's page into the store (report/page.py shows it): each section is stored under what it is
computed from, so a change to one section's module renders that section (and those that read its record) again,
and every other section is read from the store.

A section's key covers everything its output can depend on: the prepared tables (their folder's name is their
content key), the year, top N, whether chart files are written, the claims ledger, the libraries, every file of
the package outside report/sections/, the registry (names, titles and needs: the contents list reads them), and
the section's own module with the section modules it imports and those of the sections it reads (Section.needs),
through any depth. What is not a file of the package or an input is the stamp, made when the page is shown.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from tokentrends import config
from tokentrends.errors import BuildError, TokentrendsError
from tokentrends.files import save_stored
from tokentrends.fingerprint import PACKAGE_DIR, hash_files, hash_json, package_files
from tokentrends.inputs.prepare import prepare_data_dir
from tokentrends.render.chart_files import offline_chart_support
from tokentrends.report import page
from tokentrends.report.model import load_prepared, year_span
from tokentrends.report.section import Section
from tokentrends.report.sections import SECTIONS
from tokentrends.report.year_report import YearReport, compute_year, figures_head, needed

SECTIONS_DIR = PACKAGE_DIR / "report" / "sections"
SECTIONS_PACKAGE = "tokentrends.report.sections"


def section_module_files(section: Section) -> set[Path]:
    """The section modules whose code makes this section: those of its functions (compute, blocks, figures)."""
    files = set()
    for function in (section.compute, section.blocks, section.figures):
        module = sys.modules.get(getattr(function, "__module__", ""))
        path = Path(getattr(module, "__file__", "") or "")
        if path.parent == SECTIONS_DIR and path.name != "__init__.py":
            files.add(path)
    return files


def imported_section_modules(path: Path) -> set[Path]:
    """The section modules a section module imports (from tokentrends.report.sections[.x] import ...)."""
    return _imported_section_modules(path, path.read_bytes())


@lru_cache(maxsize=256)
def _imported_section_modules(path: Path, source: bytes) -> frozenset[Path]:
    """Parsed once per content of a module (every key reads the same few modules again)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == SECTIONS_PACKAGE:
                found.update(SECTIONS_DIR / f"{alias.name}.py" for alias in node.names)
            elif node.module.startswith(SECTIONS_PACKAGE + "."):
                found.add(SECTIONS_DIR / f"{node.module.rsplit('.', 1)[1]}.py")
        elif isinstance(node, ast.Import):
            found.update(
                SECTIONS_DIR / f"{alias.name.rsplit('.', 1)[1]}.py"
                for alias in node.names
                if alias.name.startswith(SECTIONS_PACKAGE + ".")
            )
    return frozenset(p for p in found if p.is_file())


def section_code(section: Section, sections: tuple[Section, ...]) -> set[Path]:
    """Every section module this section's output depends on: its own, those they import, and those of the sections
    it reads, through any depth."""
    by_name = {s.name: s for s in sections}
    files: set[Path] = set()
    for name in needed(sections, {section.name}):
        files |= section_module_files(by_name[name])
    todo_files = list(files)
    while todo_files:
        for imported in imported_section_modules(todo_files.pop()) - files:
            files.add(imported)
            todo_files.append(imported)
    return files


def shared_code() -> list[Path]:
    """The package's files outside the section modules (the registry, report/sections/__init__.py, included)."""
    return [
        p for p in package_files() if not (p.parent == SECTIONS_DIR and p.suffix == ".py" and p.name != "__init__.py")
    ]


def section_keys(
    processed_dir: Path, year: int, top_n: int, written: bool, sections: tuple[Section, ...] = SECTIONS
) -> dict[str, str]:
    """Each section's store key (see the module's docstring for what it covers)."""
    base = hash_json(
        {
            **page.page_inputs(processed_dir, year, top_n, written),
            "shared": hash_files(shared_code()),
            "registry": [(s.name, s.title, list(s.needs)) for s in sections],
        }
    )
    return {s.name: hash_json({"base": base, "code": hash_files(section_code(s, sections))}) for s in sections}


def render_page(
    processed_dir: str | Path,
    year: int,
    top_n: int = config.TOP_N,
    written: bool = True,
    sections: tuple[Section, ...] = SECTIONS,
    log: Callable[[str], None] = lambda _message: None,
) -> str:
    """Render the year's page into the store, unless it is there already; return its key (page.open_year reads it).
    Only the sections whose key has no stored output are computed (with the sections they read). The caller holds
    page.page_lock for the key (a lock taken twice in one process would wait for itself).

    Nothing is stored when a file of the package changed while the page was rendered (its keys, taken again at
    the end, differ): the output may be the old code's and the key the new code's."""
    processed_dir = Path(processed_dir)
    key = page.page_key(processed_dir, year, top_n, written)
    if page.load_page(key) is not None:
        return key
    keys = section_keys(processed_dir, year, top_n, written, sections)
    stored = {s.name: page.load_section(keys[s.name]) for s in sections}
    missing = {name for name, output in stored.items() if output is None}
    prepared = load_prepared(processed_dir)
    if missing:
        log(f"  {year}: computing {len(missing)} of {len(sections)} sections ({', '.join(sorted(missing))})")

        def render(report: YearReport, name: str) -> None:
            if name in missing:  # not a section computed only because a missing one reads it
                stored[name] = report.render(name, written)

        compute_year(prepared, year, top_n, sections=sections, only=missing, each=render)
    support = page.StoredSection(page.CHART_SUPPORT, offline_chart_support()._repr_html_(), {}, {})
    support_key = hash_json({"support": support.html})
    if keys != section_keys(processed_dir, year, top_n, written, sections) or key != page.page_key(
        processed_dir, year, top_n, written
    ):
        raise BuildError(
            f"a file of the package changed while the page of {year} was rendered; nothing was stored: run it again"
        )
    for name in missing:
        save_stored(page.section_path(keys[name]), stored[name])
    if page.load_section(support_key) is None:  # the same libraries for every page: written once
        save_stored(page.section_path(support_key), support)
    rendered = page.StoredPage(
        year=year,
        top_n=top_n,
        head=figures_head(year, top_n, prepared.manifest, year_span(prepared.usage, year)),
        sections=tuple((s.name, keys[s.name]) for s in sections),
        chart_support=support_key,
        data_dir=prepared.manifest["data_dir"],
    )
    page.save_page(key, rendered)
    return key


def main(argv: list[str] | None = None) -> int:
    """`python -m tokentrends.report.page_render`: what the notebook runs when no page is stored for its parameters
    (report/page.py): progress on the way, then one line of JSON, the prepared folder and the page's key."""
    parser = argparse.ArgumentParser(prog="python -m tokentrends.report.page_render", description=main.__doc__)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--top-n", type=int, default=config.TOP_N)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--processed-dir", default=None, help="prepared tables (python -m tokentrends prepare)")
    source.add_argument("--data-dir", default=None, help="a folder of vintages, prepared first (default data/raw)")
    parser.add_argument("--written", action="store_true", help="the page's chart files are written beside it")
    args = parser.parse_args(argv)
    try:
        config.check_top_n(args.top_n)
        processed = Path(args.processed_dir) if args.processed_dir else prepare_data_dir(args.data_dir)
        print(f"rendering the page of {args.year}...", flush=True)
        with page.page_lock(page.page_key(processed, args.year, args.top_n, args.written)):
            key = render_page(processed, args.year, args.top_n, args.written, log=lambda line: print(line, flush=True))
    except (TokentrendsError, ValueError) as exc:  # bad input (a year without data): one line, read by the notebook
        print(f"error: {exc}", flush=True)
        return 2
    print(json.dumps({"processed_dir": str(processed), "key": key}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

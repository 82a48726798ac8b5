"""A year's report: its context and every section's numbers, computed once; shown section by section in the
notebook (the page) and assembled into figures.json."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokentrends import config
from tokentrends.render.chart_files import ChartView, unchecked_charts
from tokentrends.report import stamp
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.ledger import Ledger
from tokentrends.report.model import Prepared, YearContext, year_context
from tokentrends.report.page import (
    Html,
    StoredSection,
    assemble_figures,
    encoded_part,
    write_figures_json,
    write_report_files,
)
from tokentrends.report.section import Chart, Section
from tokentrends.report.sections import SECTIONS


@dataclass
class YearReport:
    """Every section's record, computed (report/page_render.py stores what they render; the notebook shows that)."""

    context: YearContext
    results: dict[str, Any]
    sections: tuple[Section, ...] = SECTIONS
    output_dir: Path | None = None  # where chart data and figures.json go; None writes nothing
    stamped: bool = True  # figures.json gets the page's stamp (`build`); the private report's method writes its own

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(f"no section {name!r}; the sections are {[s.name for s in self.sections]}")

    def blocks(self, name: str) -> list[Chart | str]:
        return self.section(name).blocks(self.context, self.results[name])

    def render(self, name: str, written: bool) -> StoredSection:
        """The section as the page shows it: one HTML output (the page is the notebook), its chart files (when
        written beside the page, which makes the page link each chart's CSV) and its figures.json part."""
        parts: list[str] = []
        files: dict[str, bytes] = {}
        with unchecked_charts():
            for block in self.blocks(name):
                if isinstance(block, Chart):
                    view = ChartView(block.chart, block.name, block.data, written)
                    files.update(view.files)
                    block = view._repr_html_()
                parts.append(block)
        figures = to_jsonable(self.section(name).figures(self.context, self.results[name]))
        return StoredSection(name, "".join(parts), files, encoded_part(figures))

    def show(self, name: str) -> Html:
        """The section's sentences and charts, for display (charts' files written beside the report)."""
        rendered = self.render(name, written=self.output_dir is not None)
        if self.output_dir is not None:
            write_report_files(rendered.files, self.output_dir)
        return Html(rendered.html)

    def build(self) -> dict:
        """The reproducibility stamp of this computation."""
        context = self.context
        return stamp.build_stamp(
            stamp.page_parameters(
                context.year, context.top_n, context.manifest["data_dir"], context.prepared.processed_dir
            )
        )

    def figures(self) -> dict:
        """figures.json: the report's own keys, then each section's, in page order, then the stamp."""
        parts = [(s.name, to_jsonable(s.figures(self.context, self.results[s.name]))) for s in self.sections]
        return assemble_figures(
            figures_head(self.context.year, self.context.top_n, self.context.manifest, self.context.span),
            parts,
            self.build() if self.stamped else None,
        )

    def write_figures(self) -> Path | None:
        """figures.json in the output folder (strict JSON, written atomically); nothing without an output folder."""
        return None if self.output_dir is None else write_figures_json(self.figures(), self.output_dir)


def figures_head(year: int, top_n: int, manifest: dict, span: dict) -> dict:
    """figures.json's own keys: the year, its source and its span."""
    return to_jsonable(
        {
            "year": year,
            "as_of": manifest["as_of"],
            "citation": manifest["citation"],
            "is_synthetic": manifest["is_synthetic"],
            "top_n": top_n,
            **span,
        }
    )


def needed(sections: tuple[Section, ...], names: set[str]) -> set[str]:
    """The named sections and every section they read (Section.needs), through any depth."""
    by_name = {s.name: s for s in sections}
    todo, out = list(names), set()
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(by_name[name].needs)
    return out


def compute_order(sections: tuple[Section, ...]) -> list[Section]:
    """The sections in the order they are computed: each after those it reads (Section.needs), the late ones
    (Section.late) after every other it can, and otherwise in page order."""
    by_name = {s.name: s for s in sections}
    unknown = {need for s in sections for need in s.needs} - set(by_name)
    if unknown:
        raise ValueError(f"sections need {sorted(unknown)}, which are not among them")
    done: list[Section] = []
    computed: set[str] = set()
    todo = list(sections)
    while todo:
        ready = [s for s in todo if computed.issuperset(s.needs)]
        if not ready:
            raise ValueError(f"sections {[s.name for s in todo]} need each other")
        pick = next((s for s in ready if not s.late), ready[0])
        done.append(pick)
        computed.add(pick.name)
        todo.remove(pick)
    return done


def compute_sections(
    context: YearContext,
    sections: tuple[Section, ...],
    output_dir: str | Path | None = None,
    only: set[str] | None = None,
    stamped: bool = True,
    each: Callable[[YearReport, str], None] | None = None,
) -> YearReport:
    """Every section's numbers (or only those named and what they read), computed once, in compute_order;
    `each(report, name)` is called as each is computed (the page is rendered section by section meanwhile)."""
    results: dict[str, Any] = {}
    context = dataclasses.replace(
        context, contents=tuple((s.anchor, s.title) for s in sections if s.title), results=results
    )
    wanted = needed(sections, only) if only is not None else {s.name for s in sections}
    report = YearReport(context, results, sections, Path(output_dir) if output_dir is not None else None, stamped)
    for section in compute_order(tuple(s for s in sections if s.name in wanted)):
        results[section.name] = section.compute(context)
        if each is not None:
            each(report, section.name)
    return report


def compute_year(
    prepared: Prepared,
    year: int,
    top_n: int = config.TOP_N,
    ledger: Ledger | None = None,
    output_dir: str | Path | None = None,
    sections: tuple[Section, ...] = SECTIONS,
    only: set[str] | None = None,
    each: Callable[[YearReport, str], None] | None = None,
) -> YearReport:
    """Compute the year's data and every section's numbers (or only those named and what they read) once."""
    return compute_sections(year_context(prepared, year, top_n, ledger), sections, output_dir, only, each=each)

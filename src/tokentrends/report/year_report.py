"""A year's report: its context and every section's numbers, computed once; shown section by section in the
notebook (the page) and assembled into figures.json."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokentrends import config
from tokentrends.files import write_atomic
from tokentrends.render.chart_files import ChartView, unchecked_charts
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.ledger import Ledger
from tokentrends.report.model import Prepared, YearContext, year_context
from tokentrends.report.section import Chart, Section
from tokentrends.report.sections import SECTIONS


@dataclass
class SectionView:
    """What a notebook cell displays for a section: its blocks as one HTML output (the page is the notebook)."""

    parts: list[Any]

    def _repr_html_(self) -> str:
        return "".join(p if isinstance(p, str) else p._repr_html_() for p in self.parts)


@dataclass
class YearReport:
    context: YearContext
    results: dict[str, Any]
    sections: tuple[Section, ...] = SECTIONS
    output_dir: Path | None = None  # where chart data and figures.json go; None writes nothing

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(f"no section {name!r}; the sections are {[s.name for s in self.sections]}")

    def blocks(self, name: str) -> list[Chart | str]:
        return self.section(name).blocks(self.context, self.results[name])

    def show(self, name: str) -> SectionView:
        """The section's sentences and charts, for display (charts' data written beside the report)."""
        with unchecked_charts():
            return SectionView(
                [
                    ChartView(b.chart, b.name, b.data, self.output_dir) if isinstance(b, Chart) else b
                    for b in self.blocks(name)
                ]
            )

    def figures(self) -> dict:
        """figures.json: the report's own keys, then each section's, in page order."""
        span = self.context.span
        manifest = self.context.manifest
        out: dict[str, Any] = {
            "year": self.context.year,
            "as_of": manifest["as_of"],
            "citation": manifest["citation"],
            "is_synthetic": manifest["is_synthetic"],
            "top_n": self.context.top_n,
            **span,
        }
        analyses: dict[str, Any] = {}
        for section in self.sections:
            part = section.figures(self.context, self.results[section.name])
            clash = (set(part) - {"analyses"}) & set(out) | set(part.get("analyses", {})) & set(analyses)
            if clash:
                raise ValueError(f"section {section.name!r} writes figures.json keys another wrote: {sorted(clash)}")
            analyses.update(part.get("analyses", {}))
            out.update({k: v for k, v in part.items() if k != "analyses"})
        out["analyses"] = analyses
        return out

    def write_figures(self) -> Path | None:
        """figures.json in the output folder (strict JSON, written atomically); nothing without an output folder."""
        if self.output_dir is None:
            return None
        path = Path(self.output_dir) / "figures.json"
        text = json.dumps(to_jsonable(self.figures()), indent=2, ensure_ascii=False, allow_nan=False)  # NaN -> null
        write_atomic(path, (text + "\n").encode("utf-8"))
        return path


def compute_sections(
    context: YearContext, sections: tuple[Section, ...], output_dir: str | Path | None = None
) -> YearReport:
    """Every section's numbers, computed once, each section after those it reads (Section.needs)."""
    results: dict[str, Any] = {}
    context = dataclasses.replace(
        context, contents=tuple((s.anchor, s.title) for s in sections if s.title), results=results
    )
    # Sections that read others' records come after them; the page order stays the registry's.
    for section in sorted(sections, key=lambda s: bool(s.needs)):
        missing = set(section.needs) - set(results)
        if missing:
            raise ValueError(f"section {section.name!r} needs {sorted(missing)}, which are not computed before it")
        results[section.name] = section.compute(context)
    return YearReport(context, results, sections, Path(output_dir) if output_dir is not None else None)


def compute_year(
    prepared: Prepared,
    year: int,
    top_n: int = config.TOP_N,
    ledger: Ledger | None = None,
    output_dir: str | Path | None = None,
    sections: tuple[Section, ...] = SECTIONS,
) -> YearReport:
    """Compute the year's data and every section's numbers once."""
    return compute_sections(year_context(prepared, year, top_n, ledger), sections, output_dir)

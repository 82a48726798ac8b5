"""The personal report's sections in page order (issue 15): your year next to the market. Private by
construction: built into reports/private/<year>/ from data/private/, never listed by the public index.

compute_personal lives here, beside the registry it runs, rather than in context.py: the sections import
context.py, so context.py cannot import them."""

from __future__ import annotations

from pathlib import Path

from tokentrends.inputs.activity_archive import ActivityArchive
from tokentrends.report.model import Prepared
from tokentrends.report.personal import habits, ledger, method, mix, numbers, price, title, volume
from tokentrends.report.personal.context import personal_context
from tokentrends.report.section import Section
from tokentrends.report.year_report import YearReport, compute_sections

PERSONAL_SECTIONS: tuple[Section, ...] = (
    title.SECTION,
    numbers.SECTION,
    ledger.SECTION,
    volume.SECTION,
    mix.SECTION,
    price.SECTION,
    habits.SECTION,
    method.SECTION,
)


def compute_personal(
    prepared: Prepared,
    activity: ActivityArchive,
    year: int,
    top_n: int,
    output_dir: str | Path | None = None,
    sections: tuple[Section, ...] = PERSONAL_SECTIONS,
) -> YearReport:
    """Every personal section's numbers, computed once: a YearReport over the personal sections (its method
    section carries its own stamp, whose parameters name no folder)."""
    return compute_sections(personal_context(prepared, activity, year, top_n), sections, output_dir, stamped=False)

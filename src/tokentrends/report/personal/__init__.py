"""The personal report's sections in page order (issue 15): your year next to the market. Private by
construction: built into reports/private/<year>/ from data/private/, never listed by the public index."""

from __future__ import annotations

from tokentrends.report.personal import habits, ledger, method, mix, numbers, price, title, volume
from tokentrends.report.section import Section

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

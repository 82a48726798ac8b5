"""The report's sections in page order. A new section is one module here and one line in SECTIONS."""

from __future__ import annotations

from tokentrends.report.section import Section
from tokentrends.report.sections import (
    apps,
    claims,
    disruptors,
    efficiency,
    groups,
    leaders,
    main_chart,
    method,
    numbers,
    outlook,
    price,
    specialists,
    tail,
    tasks,
    title,
    volume,
    yoy,
)

SECTIONS: tuple[Section, ...] = (
    title.SECTION,
    main_chart.SECTION,
    numbers.SECTION,
    claims.SECTION,
    volume.SECTION,
    leaders.SECTION,
    groups.SECTION,
    apps.SECTION,
    tasks.SECTION,
    efficiency.SECTION,
    disruptors.SECTION,
    specialists.SECTION,
    tail.SECTION,
    price.SECTION,
    outlook.SECTION,
    yoy.SECTION,
    method.SECTION,
)

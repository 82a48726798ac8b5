"""Year over year: the headline measures of the previous year and this one, side by side."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import weekly
from tokentrends.render.formatting import fmt_multiple, fmt_tokens
from tokentrends.render.html import table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext, YearData
from tokentrends.report.section import Block, Section


@dataclass(frozen=True)
class YearOverYear:
    table: pd.DataFrame | None  # measure | <previous year> | <year>; None without a previous year


def year_over_year(data: YearData) -> pd.DataFrame | None:
    previous = weekly.in_year(data.all_totals, data.year - 1)
    if previous.empty:
        return None
    before, now = weekly.headline_weeks(previous), data.headline

    def tokens(head: dict, key: str) -> float | None:
        return head[key]["total_tokens"] if head[key] else None

    rows = [
        ("first full week (tokens)", tokens(before, "first_full_week"), tokens(now, "first_full_week")),
        ("peak week (tokens)", tokens(before, "peak_week"), tokens(now, "peak_week")),
        ("last full week (tokens)", tokens(before, "last_full_week"), tokens(now, "last_full_week")),
        ("peak over first full week", before["growth_peak_over_first"], now["growth_peak_over_first"]),
        ("last over first full week", before["growth_last_over_first"], now["growth_last_over_first"]),
        (
            "total tokens in the year's weeks",
            float(previous["total_tokens"].sum()),
            float(data.totals["total_tokens"].sum()),
        ),
    ]
    return pd.DataFrame(rows, columns=["measure", str(data.year - 1), str(data.year)])


def compute(context: YearContext) -> YearOverYear:
    return YearOverYear(year_over_year(context.data))


def yoy_table(frame: pd.DataFrame | None, partial_label: str | None = None) -> str:
    """The table; `partial_label` names this year's column when the year is not over (its totals are partial)."""
    if frame is None:
        return "<p>The data hold no earlier year to compare with.</p>"

    def fmt(measure: str, value: float | None) -> str:
        return fmt_multiple(value) if "over" in measure else fmt_tokens(value)

    out = frame.copy()
    for column in out.columns[1:]:
        out[column] = [fmt(m, v) for m, v in zip(out["measure"], out[column], strict=True)]
    if partial_label:
        out = out.rename(columns={out.columns[-1]: partial_label})
    return table(out, numeric=tuple(out.columns[1:]))


def blocks(context: YearContext, result: YearOverYear) -> list[Block]:
    partial = context.label if context.span["is_partial"] else None
    note = (
        "<p>This year is not over: its column counts the weeks so far, so the totals are not comparable with a "
        "whole year; the growth multiples compare full weeks within each year.</p>"
        if partial and result.table is not None
        else ""
    )
    return [yoy_table(result.table, partial), note]


def figures(context: YearContext, result: YearOverYear) -> dict:
    return {"analyses": {"year_over_year": to_jsonable(result.table)}}


SECTION = Section("yoy", "Year over year", compute, blocks, figures)

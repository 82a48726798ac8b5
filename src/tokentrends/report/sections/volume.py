"""Volume: the weekly rankings chart, week-over-week growth and the monthly daily average."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import volume
from tokentrends.render.charts import monthly_chart
from tokentrends.render.formatting import fmt_multiple, fmt_pct, sentence
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section


@dataclass(frozen=True)
class Volume:
    monthly: pd.DataFrame
    growth_summary: dict
    december_over_january: float | None


def compute(context: YearContext) -> Volume:
    data = context.data
    wow = volume.week_over_week(data.totals)
    return Volume(
        data.monthly,
        volume.growth_summary(wow),
        volume.month_ratio(data.monthly, f"{context.year}-12", f"{context.year}-01"),
    )


def volume_text(result: Volume) -> str:
    summary = result.growth_summary
    if not summary["weeks"]:
        return "<p>Too few full weeks to describe week-over-week growth.</p>"
    text = sentence(
        "<p>Across {weeks} pairs of consecutive full weeks, the median week grew <b>{median}</b> over the one "
        "before (10th to 90th percentile: {p10} to {p90}); {growing} of weeks grew.",
        weeks=summary["weeks"],
        median=fmt_pct(summary["median"]),
        p10=fmt_pct(summary["p10"]),
        p90=fmt_pct(summary["p90"]),
        growing=fmt_pct(summary["share_growing"], 0),
    )
    if result.december_over_january:
        text += sentence(
            " December's average day carried <b>{x}</b> January's.", x=fmt_multiple(result.december_over_january)
        )
    return text + "</p>"


def blocks(context: YearContext, result: Volume) -> list[Block]:
    data = context.data
    return [
        volume_text(result),
        Chart(
            "monthly-volume",
            monthly_chart(data.monthly, f"Average tokens per day by month, {context.label}", context.note),
            data.monthly,
        ),
    ]


def figures(context: YearContext, result: Volume) -> dict:
    return {
        "analyses": {
            "volume": to_jsonable(
                {
                    "monthly": result.monthly,
                    "week_over_week": result.growth_summary,
                    "december_over_january": result.december_over_january,
                }
            )
        }
    }


SECTION = Section("volume", "Volume", compute, blocks, figures)

"""Efficiency: which tier (efficient Flash/Mini/Lite... models vs frontier) carried the most tokens, quarter by
quarter."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import groups
from tokentrends.render.charts import weekly_share_chart
from tokentrends.render.formatting import fmt_pct, sentence
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section


@dataclass(frozen=True)
class Efficiency:
    tier_by_quarter: pd.DataFrame
    winners: pd.DataFrame
    weekly_tiers: pd.DataFrame


def compute(context: YearContext) -> Efficiency:
    by_quarter = context.data.tier_by_quarter
    return Efficiency(
        by_quarter, groups.quarter_winners(by_quarter, "tier"), groups.weekly_share_by(context.rows, "tier")
    )


def efficiency_text(result: Efficiency, quarter_labels: dict[str, str]) -> str:
    """The winning tier of each quarter; a partial quarter says so ('2026Q4 (partial: 5 of 91 days)')."""
    parts = ", ".join(
        f"{quarter_labels.get(str(q), q)}: {t} ({fmt_pct(s)})" for q, t, s in result.winners.itertuples(index=False)
    )
    return sentence("<p>The tier with the most named-model tokens, quarter by quarter: {parts}.</p>", parts=parts)


def blocks(context: YearContext, result: Efficiency) -> list[Block]:
    return [
        efficiency_text(result, context.quarter_labels),
        Chart(
            "share-by-tier",
            weekly_share_chart(
                result.weekly_tiers,
                "tier",
                f"Efficient tier (Flash, Mini, Lite...) vs frontier, {context.label}",
                context.note,
                days=context.data.totals,
            ),
            result.weekly_tiers,
        ),
    ]


def figures(context: YearContext, result: Efficiency) -> dict:
    return {
        "analyses": {"efficiency": to_jsonable({"tier_by_quarter": result.tier_by_quarter, "winners": result.winners})}
    }


SECTION = Section("efficiency", "Efficiency", compute, blocks, figures)

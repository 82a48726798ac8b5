"""Who served the tokens: shares by lab, the lab's country, open vs closed weights and model family."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends import config
from tokentrends.inputs.reference import EFFICIENT_MAX_BILLIONS
from tokentrends.metrics import groups
from tokentrends.render.charts import weekly_share_chart
from tokentrends.render.formatting import fmt_pct, sentence
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

OPEN_WEIGHTS_LABELS = {"true": "Open weights", "false": "Closed weights", "unknown": "Unknown"}


@dataclass(frozen=True)
class Groups:
    shares: dict[str, pd.DataFrame]  # attribute -> weekly_share_by
    shares_year: dict[str, dict[str, float]]  # attribute -> {value: share of the year's named tokens}


def compute(context: YearContext) -> Groups:
    rows = context.rows
    return Groups(
        shares={a: groups.weekly_share_by(rows, a) for a in groups.GROUPS},
        shares_year={a: {str(k): float(v) for k, v in groups.share_by(rows, a).items()} for a in groups.GROUPS},
    )


def groups_intro(shares_year: dict, daily_top: int) -> str:
    """One paragraph on the year's split by origin, openness and tier."""
    lab_top = next(iter(shares_year["lab"].items()))
    origin = shares_year["origin"]
    return sentence(
        "<p>Of the tokens sent to the named (daily top-{daily}) models this year, <b>{open}</b> went to models "
        "with open weights and <b>{closed}</b> to closed ones. By where the lab is based: United States "
        "<b>{us}</b>, China <b>{cn}</b>. The largest lab was {lab} with <b>{lab_share}</b>. Efficient-tier "
        "models (Flash, Mini, Lite, Nano, Small, Haiku, Air, Fast, up to {size}B) took <b>{eff}</b>.</p>",
        daily=daily_top,
        open=fmt_pct(shares_year["open_weights"].get("true", 0)),
        closed=fmt_pct(shares_year["open_weights"].get("false", 0)),
        us=fmt_pct(origin.get("United States", 0)),
        cn=fmt_pct(origin.get("China", 0)),
        lab=lab_top[0],
        lab_share=fmt_pct(lab_top[1]),
        eff=fmt_pct(shares_year["tier"].get("efficient", 0)),
        size=EFFICIENT_MAX_BILLIONS,
    )


def group_chart(context: YearContext, shares: pd.DataFrame, attribute: str) -> Chart:
    title, n, rest = config.GROUP_CHARTS[attribute]
    if rest:  # each quarter's leaders stay visible, not only the year's
        shares = groups.top_values_per_quarter_with_rest(shares, attribute, n, rest, context.year)
    labels = OPEN_WEIGHTS_LABELS if attribute == "open_weights" else None
    kept = f" (each quarter's {n} largest)" if rest else ""
    return Chart(
        f"share-by-{attribute.replace('_', '-')}",
        weekly_share_chart(
            shares,
            attribute,
            f"{title}{kept}, {context.label}",
            context.note,
            labels=labels,
            rest=rest,
            days=context.data.totals,
            models=context.data.models,
        ),
        shares,
    )


def blocks(context: YearContext, result: Groups) -> list[Block]:
    return [
        groups_intro(result.shares_year, context.data.daily_top),
        *(group_chart(context, result.shares[a], a) for a in config.GROUP_CHARTS),
    ]


def figures(context: YearContext, result: Groups) -> dict:
    return {
        "shares": {a: groups.shares_records(result.shares[a], a) for a in groups.GROUPS},
        "shares_year": result.shares_year,
    }


SECTION = Section("groups", "Who served the tokens", compute, blocks, figures)

"""The long tail: Others (outside the week's top N), the API's `other` row, and concentration."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import weekly
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_date, fmt_pct, moved, sentence
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section


@dataclass(frozen=True)
class Tail:
    weekly: pd.DataFrame  # metrics.concentration.weekly_concentration of the year's weeks
    first: dict
    last: dict


def compute(context: YearContext) -> Tail:
    """The first and last *full* weeks are compared: a partial week at the year's edge is not a week's mix."""
    conc = context.data.concentration
    full = conc[conc["week_start"].isin(weekly.full_weeks(context.data.totals)["week_start"])]
    ends = full if len(full) else conc
    return Tail(conc, ends.iloc[0].to_dict(), ends.iloc[-1].to_dict())


def tail_series(concentration: pd.DataFrame, top_n: int, daily_top: int) -> pd.DataFrame:
    """Long form of the tail measures for a line chart: `week_start | series | share`. The week's top N and Others
    are on the same N, so the two lines add up to 100%."""
    names = {
        "topn_share": f"The week's top {top_n} models",
        "others_share": f"Others (outside the week's top {top_n})",
        "other_row_share": f"API other row (outside the daily top {daily_top})",
    }
    frame = concentration.assign(topn_share=1 - concentration["others_share"])
    long = frame.melt(id_vars="week_start", value_vars=list(names), var_name="series", value_name="share")
    return long.assign(series=long["series"].map(names))


def tail_text(result: Tail, top_n: int, daily_top: int) -> str:
    first, last = result.first, result.last
    return sentence(
        "<p>In the year's first full week (from {w1}), everything outside the week's top {n} (Others) was {o1} of "
        "tokens and the API's <code>other</code> row (outside the daily top {daily}) {r1}; in the last full week (from "
        "{w2}), Others {om} to {o2} and the <code>other</code> row {rm} to {r2}. (The claims ledger compares quarter "
        "averages instead.) Concentration: the effective number of models (1/HHI over named models) {em} from {e1} "
        "to {e2}; {m1} models covered 90% "
        "of named tokens at the start, {m2} at the end.</p>",
        n=top_n,
        daily=daily_top,
        w1=fmt_date(first["week_start"]),
        w2=fmt_date(last["week_start"]),
        o1=fmt_pct(first["others_share"]),
        r1=fmt_pct(first["other_row_share"]),
        o2=fmt_pct(last["others_share"]),
        om=moved(first["others_share"], last["others_share"]),
        rm=moved(first["other_row_share"], last["other_row_share"]),
        em=moved(round(first["effective_models"], 1), round(last["effective_models"], 1)),
        r2=fmt_pct(last["other_row_share"]),
        e1=f"{first['effective_models']:.1f}",
        e2=f"{last['effective_models']:.1f}",
        m1=int(first["models_for_90"]),
        m2=int(last["models_for_90"]),
    )


def blocks(context: YearContext, result: Tail) -> list[Block]:
    series = tail_series(result.weekly, context.top_n, context.data.daily_top)
    return [
        tail_text(result, context.top_n, context.data.daily_top),
        Chart(
            "long-tail",
            line_chart(
                series,
                f"The top {context.top_n}, Others and the API's other row, {context.label}",
                context.note,
                series_title="Measure",
                days=context.data.totals,
            ),
            series,
        ),
    ]


def figures(context: YearContext, result: Tail) -> dict:
    return {"analyses": {"long_tail": to_jsonable(result.weekly)}}


SECTION = Section("tail", "The long tail", compute, blocks, figures)

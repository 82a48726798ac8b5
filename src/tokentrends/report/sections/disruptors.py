"""Disruptors: whose share rose from the first half to the second, the labs the review named, open weights and
Chinese labs, and the models that first reached the weekly top late in the year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends import config
from tokentrends.metrics import disruptors, groups, leaders
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_date, fmt_pct, sentence
from tokentrends.render.names import without_variant
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

OPEN_SERIES = "Open weights (of named models)"
CHINA_SERIES = "Chinese labs (of named models)"


@dataclass(frozen=True)
class Disruptors:
    lab_change: pd.DataFrame
    steepest_gain: dict | None
    late_entrants: pd.DataFrame
    labs: list[str]  # the labs drawn: the ledger's disruptors and the steepest riser
    series: pd.DataFrame  # week_start | series | share


def disruptor_series(context: YearContext, labs: list[str]) -> pd.DataFrame:
    """`week_start | series | share` of the labs, open weights and Chinese labs."""
    open_share = groups.weekly_share_by(context.rows, "open_weights")
    origin_share = groups.weekly_share_by(context.rows, "origin")
    return pd.concat(
        [
            leaders.share_series(context.data.lab_shares, "lab", labs).rename(columns={"lab": "series"}),
            open_share[open_share["open_weights"] == "true"].assign(series=OPEN_SERIES)[
                ["week_start", "series", "share"]
            ],
            origin_share[origin_share["origin"] == "China"].assign(series=CHINA_SERIES)[
                ["week_start", "series", "share"]
            ],
        ],
        ignore_index=True,
    )


def compute(context: YearContext) -> Disruptors:
    data = context.data
    split = pd.Timestamp(year=context.year, month=config.SECOND_HALF_MONTH, day=1)
    change = disruptors.period_share_change(data.lab_shares, "lab", split)
    gain = disruptors.steepest_gain(change, "lab")
    labs = list(context.ledger.disruptors)
    if gain and gain["lab"] not in labs:
        labs.append(gain["lab"])
    return Disruptors(
        lab_change=change,
        steepest_gain=gain,
        late_entrants=disruptors.late_entrants(
            data.model_shares, "model_permaslug", config.LATE_ENTRANT_TOP, config.LATE_ENTRANT_WEEKS
        ),
        labs=labs,
        series=disruptor_series(context, labs),
    )


def disruptors_text(context: YearContext, result: Disruptors) -> str:
    gain, late = result.steepest_gain, result.late_entrants
    text = ""
    if gain:
        text += sentence(
            "The steepest gain in share from the first half to the second was {lab}'s: up from "
            "{before} to {after} of weekly tokens.",
            lab=gain["lab"],
            before=fmt_pct(gain["share_before"]),
            after=fmt_pct(gain["share_after"]),
        )
    if len(late):
        # In order of entry; variants of one model (its :free endpoint) are named once, at their first entry.
        first_entry: dict[str, pd.Timestamp] = {}
        for slug, week in sorted(zip(late["model_permaslug"], late["entry_week"], strict=True), key=lambda r: r[1]):
            first_entry.setdefault(without_variant(context.name(slug), slug), week)
        names = ", ".join(f"{name} (from {fmt_date(week)})" for name, week in first_entry.items())
        text += sentence(
            " Late entrants, first in the weekly top {top} in the year's last {weeks} weeks: {names}.",
            top=config.LATE_ENTRANT_TOP,
            weeks=config.LATE_ENTRANT_WEEKS,
            names=names,
        )
    else:
        text += sentence(
            " No model first entered the weekly top {top} in the year's last {weeks} weeks.",
            top=config.LATE_ENTRANT_TOP,
            weeks=config.LATE_ENTRANT_WEEKS,
        )
    return "<p>" + text.lstrip() + "</p>"  # one paragraph, whichever sentences it has


def blocks(context: YearContext, result: Disruptors) -> list[Block]:
    return [
        disruptors_text(context, result),
        Chart(
            "disruptors",
            line_chart(
                result.series,
                f"{', '.join(result.labs)}, open weights and Chinese labs, {context.label}",
                context.note,
                series_title="Lab or group",
                days=context.data.totals,
                models=context.data.models,
            ),
            result.series,
        ),
    ]


def figures(context: YearContext, result: Disruptors) -> dict:
    return {
        "analyses": {
            "disruptors": to_jsonable(
                {
                    "lab_change": result.lab_change,
                    "steepest_gain": result.steepest_gain,
                    "late_entrants": result.late_entrants,
                }
            )
        }
    }


SECTION = Section("disruptors", "Disruptors", compute, blocks, figures)

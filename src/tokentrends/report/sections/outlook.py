"""Outlook: a stated, simple projection of weekly volume, scored where the data already cover it, and last
year's projection scored by this year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends import config
from tokentrends.metrics import outlook, weekly
from tokentrends.render.charts import projection_chart
from tokentrends.render.formatting import fmt_date, fmt_pct, sentence
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

EMPTY_PROJECTION = pd.DataFrame(columns=["week_start", "projected", "low", "high"])


@dataclass(frozen=True)
class Outlook:
    projection: pd.DataFrame
    params: dict | None  # None: too few full weeks for a projection
    score: dict | None
    previous: dict | None  # last year's projection {projection, params, score}, when last year had enough weeks


def compute(context: YearContext) -> Outlook:
    data, all_totals = context.data, context.data.all_totals
    if len(weekly.full_weeks(data.totals)) < outlook.MIN_FIT_WEEKS:
        projection, params, score = EMPTY_PROJECTION, None, None
    else:
        projection, params = outlook.project_weekly_volume(data.totals, config.FIT_WEEKS, config.HORIZON_WEEKS)
        score = outlook.score_projection(projection, all_totals)
    previous_totals = all_totals[all_totals["report_year"] == context.year - 1]
    previous = None
    if len(weekly.full_weeks(previous_totals)) >= outlook.MIN_FIT_WEEKS:
        prev_projection, prev_params = outlook.project_weekly_volume(
            previous_totals, config.FIT_WEEKS, config.HORIZON_WEEKS
        )
        previous = {
            "projection": prev_projection,
            "params": prev_params,
            "score": outlook.score_projection(prev_projection, all_totals),
        }
    return Outlook(projection, params, score, previous)


def outlook_text(result: Outlook, year: int) -> str:
    params, score = result.params, result.score
    if params is None:
        return "<p>Too few full weeks this year for a projection.</p>"
    text = sentence(
        "<p><b>Method.</b> A straight line through the logarithm of weekly tokens over the {n} full weeks from "
        "{start} to {end} (an average growth of {g} a week), extended {h} weeks; the band spans ±{z} residual "
        "standard errors, roughly a 95% prediction interval. It assumes the recent growth rate simply "
        "continues: a baseline, not a forecast of launches.</p>",
        n=params["fit_weeks"],
        start=fmt_date(params["fit_from"]),
        end=fmt_date(params["fit_to"]),
        g=fmt_pct(params["weekly_growth"]),
        h=params["horizon_weeks"],
        z=f"{params['band_se']:g}",
    )
    if score["weeks_compared"]:
        text += sentence(
            "<p><b>Scored.</b> {n} of the projected weeks have happened: the projection was off by "
            "{err} on average (bias {bias}), and {inside} of actual weeks fell inside the band.</p>",
            n=score["weeks_compared"],
            err=fmt_pct(score["mean_abs_pct_error"]),
            bias=fmt_pct(score["bias"]),
            inside=fmt_pct(score["share_inside_band"], 0),
        )
    else:
        text += "<p>None of the projected weeks is in the data yet; next year's report scores it.</p>"
    previous = result.previous
    if previous and previous["score"]["weeks_compared"]:
        s = previous["score"]
        text += sentence(
            "<p><b>Last year's projection, scored.</b> The same method on {prev}'s last full weeks "
            "projected the start of {year}: off by {err} on average (bias {bias}); {inside} of weeks "
            "fell inside its band.</p>",
            prev=year - 1,
            year=year,
            err=fmt_pct(s["mean_abs_pct_error"]),
            bias=fmt_pct(s["bias"]),
            inside=fmt_pct(s["share_inside_band"], 0),
        )
    return text


def blocks(context: YearContext, result: Outlook) -> list[Block]:
    out: list[Block] = [outlook_text(result, context.year)]
    if result.params is not None:
        actual = outlook.actual_for_projection(
            context.data.all_totals, context.data.totals["week_start"], result.projection
        )
        out.append(
            Chart(
                "outlook",
                projection_chart(
                    actual, result.projection, f"Weekly tokens and the projection, {context.label}", context.note
                ),
                result.projection,
            )
        )
    return out


def figures(context: YearContext, result: Outlook) -> dict:
    record = {"projection": result.projection, "params": result.params, "score": result.score}
    if result.previous is not None:
        record["previous"] = result.previous
    return {"analyses": {"outlook": to_jsonable(record)}}


SECTION = Section("outlook", "Outlook", compute, blocks, figures)

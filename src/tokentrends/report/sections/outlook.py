"""Outlook: simple projection methods replayed on every forecast origin of the archive, the one with the best
record at four weeks chosen, its projection drawn with an interval calibrated on its own past errors; the
earlier outlooks scored by the weeks that have since happened."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokentrends import config
from tokentrends.metrics import backtest, outlook, weekly
from tokentrends.render.charts import projection_chart
from tokentrends.render.formatting import fmt_date, fmt_multiple, fmt_pct, fmt_tokens, sentence
from tokentrends.render.html import subheading, table
from tokentrends.report.backtest_store import stored_backtest
from tokentrends.report.claim_words import BAND
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

NEAR_TIE = 0.005  # two methods' errors this close (half a point) are called a near tie, not a win
EMPTY_PROJECTION = pd.DataFrame(columns=["week_start", "projected", "low", "high"])
METHOD_NAMES = {
    "naive": "Naive (last week again)",
    "drift": "Drift (the record's average weekly growth)",
    **{f"loglinear_{k}": f"Log-linear on the last {k} weeks" for k in backtest.LOGLINEAR_WINDOWS},
    "ets_damped": "Damped-trend exponential smoothing",
    "combination": f"Combination (mean of naive, drift, {config.FIT_WEEKS}-week log-linear, smoothing)",
    backtest.SELECTED: "Chosen by the record at each origin",
}


@dataclass(frozen=True)
class Outlook:
    projection: pd.DataFrame  # the earlier outlook (12-week log-linear, metrics.outlook), kept in figures.json
    params: dict | None  # None: too few full weeks for a projection
    score: dict | None
    previous: dict | None  # last year's log-linear projection {projection, params, score}
    backtest: backtest.Backtest


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
    return Outlook(projection, params, score, previous, stored_backtest(all_totals, context.year))


def actual_against_projection(bias: float) -> str:
    """A mean log error as words with its direction: 'actual weeks averaged 2.0x the projection'."""
    ratio = float(np.exp(bias))
    if ratio >= 1.5:
        return f"actual weeks averaged {fmt_multiple(ratio)} the projection"
    return f"actual weeks averaged {fmt_pct(abs(ratio - 1))} {'above' if ratio >= 1 else 'below'} the projection"


def bias_words(bias_pct: float, direction: str) -> str:
    """'13% above', '0.3% below' (a decimal where whole percents would print 0%), or 'on the projection' under
    0.05%."""
    if abs(bias_pct) < 0.0005:
        return "on the projection"
    return f"{fmt_pct(abs(bias_pct), 0 if abs(bias_pct) >= 0.005 else 1)} {direction}"


def backtest_table(result: backtest.Backtest) -> str:
    """Method x horizon: MAPE, 80% interval coverage and where actual weeks fell, from the rolling origins."""
    rows = []
    for method in (*backtest.METHODS, backtest.SELECTED):
        found = {a.horizon: a for a in (*result.table, *result.selection_check) if a.method == method}
        if not found:
            continue
        row = {"method": METHOD_NAMES.get(method, method)}
        for h in backtest.HORIZONS:
            a = found.get(h)
            row[f"{h} wk: error"] = fmt_pct(a.mape) if a and a.n else "n/a"
            row[f"{h} wk: in {BAND} band"] = fmt_pct(a.coverage_80, 0) if a and a.coverage_80 is not None else "n/a"
            row[f"{h} wk: actual vs projected"] = bias_words(a.bias_pct, a.bias_direction) if a and a.n else ""
        rows.append(row)
    frame = pd.DataFrame(rows)
    return table(frame, numeric=tuple(c for c in frame.columns if c != "method")) + (
        f'<p class="tt-caption">Error: the average distance of the projection from the actual week, as a share of '
        f"the actual week. In {BAND} band: the share of weeks that fell inside the interval. Actual vs projected: how "
        "far the actual weeks came, on average, above or below the projection.</p>"
    )


def choice_text(result: backtest.Backtest) -> str:
    choice = result.choice
    if choice is None:
        return "<p>Too few full weeks in the record to backtest a projection.</p>"
    text = sentence(
        "<p><b>How the outlook is chosen.</b> {n_methods} simple methods were replayed on every forecast origin the "
        "archive allows: {origins} origin weeks between {start} and {end}, each method seeing only the weeks up to "
        "its origin. {horizon} weeks ahead, <b>{method}</b> had the smallest average error, <b>{mape}</b> "
        "({next_best} {runner}, {runner_mape}{naive}{ll}). Its {cover} "
        "interval is built from its own past errors at each horizon, known before each origin, and held "
        "{coverage} of the weeks it was tested on.",
        n_methods=len(backtest.METHODS),
        horizon=choice.horizon,
        cover=BAND,
        origins=result.origins,
        start=fmt_date(result.record_from),
        end=fmt_date(result.record_to),
        method=METHOD_NAMES[choice.method],
        mape=fmt_pct(choice.mape),
        next_best="a near tie with" if choice.runner_up_mape - choice.mape < NEAR_TIE else "the next best,",
        runner=METHOD_NAMES[choice.runner_up],
        runner_mape=fmt_pct(choice.runner_up_mape),
        # the naive baseline, unless it is already named as the choice or the runner-up
        naive="" if "naive" in (choice.method, choice.runner_up) else f"; naive {fmt_pct(choice.naive_mape)}",
        ll=""
        if backtest.EARLIER_METHOD in (choice.method, choice.runner_up)
        else (
            f"; a straight line through the last {config.FIT_WEEKS} weeks on a log scale (this report's method before "
            "the backtest) " + fmt_pct(choice.loglinear_12_mape)
        ),
        coverage=fmt_pct(choice.coverage_80, 0) if choice.coverage_80 is not None else "no interval yet",
    )
    check = next((a for a in result.selection_check if a.horizon == choice.horizon), None)
    if check is not None and check.n:
        text += sentence(
            " Choosing again at each origin from the errors known then (what picking by the record really "
            "delivers) gave {mape} at {horizon} weeks.",
            mape=fmt_pct(check.mape),
            horizon=choice.horizon,
        )
    text += " It is a baseline of the recent pace, not a forecast of launches.</p>"
    projection = result.projection
    if len(projection):
        last = projection.iloc[-1]
        text += sentence(
            "<p>From the week of {origin}, it projects <b>{mid}</b> tokens for the week of {week} ({cover} interval "
            "{low} to {high}).</p>",
            origin=fmt_date(projection["origin"].iloc[0]),
            mid=fmt_tokens(last["projected"]),
            week=fmt_date(last["week_start"]),
            cover=BAND,
            low=fmt_tokens(last["low"]),
            high=fmt_tokens(last["high"]),
        )
        record = next((a for a in result.table if a.method == choice.method and a.horizon == choice.horizon), None)
        if record is not None and not last["low"] <= last["projected"] <= last["high"]:
            text += sentence(
                "<p>The interval lies {side} the projection itself: in the record, actual weeks came in {side} "
                "this method's projection {share} of the time, and the interval is built from those errors.</p>",
                side="above" if last["low"] > last["projected"] else "below",
                share=fmt_pct(record.share_above if last["low"] > last["projected"] else 1 - record.share_above, 0),
            )
    score = result.projection_score
    if score is not None and score.weeks_compared:
        text += sentence(
            "<p><b>Scored since.</b> {n} of the projected weeks have happened: {against}; {inside} of them fell "
            "inside the interval.</p>",
            n=score.weeks_compared,
            against=actual_against_projection(score.bias),
            inside=fmt_pct(score.coverage_80, 0) if score.coverage_80 is not None else "none",
        )
    return text


def previous_text(result: backtest.Backtest, year: int) -> str:
    scored = [s for s in result.previous if s.weeks_compared]
    if not scored:
        return ""
    frame = pd.DataFrame(
        [
            {
                "method": METHOD_NAMES.get(s.method, s.method),
                "weeks compared": s.weeks_compared,
                "error": fmt_pct(s.mape),
                f"in {BAND} band": fmt_pct(s.coverage_80, 0) if s.coverage_80 is not None else "n/a",
                "actual against the projection": actual_against_projection(s.bias),
            }
            for s in scored
        ]
    )
    return (
        subheading(f"{year - 1}'s outlooks, scored by {year}")
        + sentence(
            "<p>Each method's projection from {prev}'s last full week ({origin}), against the weeks of "
            "{year} that have happened:</p>",
            prev=year - 1,
            origin=fmt_date(result.previous_origin),
            year=year,
        )
        + table(frame, numeric=("weeks compared", "error", f"in {BAND} band"))
    )


def spans_tenfold(*values: pd.Series) -> bool:
    """Whether the chart's values span more than 10x: then a log axis keeps the early weeks readable."""
    joined = pd.concat([v.astype(float) for v in values])
    joined = joined[joined > 0]
    return bool(len(joined)) and joined.max() / joined.min() > 10


def blocks(context: YearContext, result: Outlook) -> list[Block]:
    bt = result.backtest
    out: list[Block] = [choice_text(bt)]
    if len(bt.projection):
        actual = outlook.actual_for_projection(
            context.data.all_totals, context.data.totals["week_start"], bt.projection
        )
        out.append(
            Chart(
                "outlook",
                projection_chart(
                    actual,
                    bt.projection[["week_start", "projected", "low", "high"]],
                    f"Weekly tokens and the outlook ({METHOD_NAMES[bt.choice.method].split(' (')[0].lower()}, {BAND} "
                    f"interval), {context.label}",
                    # the projection runs past the year: said under the title (a longer title overflowed the chart)
                    [f"Projected to the week of {fmt_date(bt.projection['week_start'].max())}", context.note],
                    log=spans_tenfold(actual["total_tokens"], bt.projection["high"]),
                ),
                bt.projection,
            )
        )
        out.append(
            f'<p class="tt-caption">Solid line: the actual full weeks; dashed line: the projection from the week of '
            f"{fmt_date(bt.projection['origin'].iloc[0])}; shaded band: its {BAND} interval.</p>"
        )
    if bt.table:
        out.append(subheading("The backtest: average error by method and horizon") + backtest_table(bt))
    out.append(previous_text(bt, context.year))
    return out


def figures(context: YearContext, result: Outlook) -> dict:
    record = {"projection": result.projection, "params": result.params, "score": result.score}
    if result.previous is not None:
        record["previous"] = result.previous
    record = to_jsonable(record)
    record["backtest"] = result.backtest.to_records()
    return {"analyses": {"outlook": record}}


SECTION = Section("outlook", "Outlook", compute, blocks, figures, late=True)  # reads the backtest

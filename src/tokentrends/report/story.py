"""Sentences and tables of the story's sections; every number arrives computed, every data text escaped."""

from __future__ import annotations

import pandas as pd

from tokentrends.render.formatting import esc, fmt_date, fmt_multiple, fmt_pct, fmt_tokens, sentence
from tokentrends.render.page import table

VERDICT_CLASS = {"supported": "ok", "partly": "partly", "not supported": "no", "cannot be measured": "na"}


def volume_text(volume: dict, headline: dict) -> str:
    summary = volume["growth_summary"]
    if not summary["weeks"]:
        return "<p>Too few full weeks to describe week-over-week growth.</p>"
    text = sentence(
        "<p>Across {weeks} pairs of consecutive full weeks, the median week grew <b>{median}</b> over the one "
        "before (10th to 90th percentile: {p10} to {p90}); {growing} of weeks grew.", weeks=summary["weeks"],
        median=fmt_pct(summary["median"]), p10=fmt_pct(summary["p10"]), p90=fmt_pct(summary["p90"]),
        growing=fmt_pct(summary["share_growing"], 0))
    if volume["december_over_january"]:
        text += sentence(" December's average day carried <b>{x}</b> January's.",
                         x=fmt_multiple(volume["december_over_january"]))
    return text + "</p>"


def leaders_text(leaders: dict) -> str:
    top = leaders["top_models"]
    families = leaders["top_families"]
    ones = leaders["weeks_at_1"]
    if top.empty:
        return "<p>No model data this year.</p>"
    text = sentence(
        "<p>The year's largest model was <code>{model}</code> with <b>{share}</b> of named-model tokens; by family, "
        "{family} led with <b>{fshare}</b>. ", model=top["model_permaslug"].iloc[0],
        share=fmt_pct(top["share"].iloc[0]), family=families["family"].iloc[0],
        fshare=fmt_pct(families["share"].iloc[0]))
    if len(ones):
        text += sentence("<code>{model}</code> was #1 in the most weeks ({weeks}).</p>",
                         model=ones["model_permaslug"].iloc[0], weeks=int(ones["weeks_at_1"].iloc[0]))
    return text


def trajectories_table(trajectories: list[dict]) -> str:
    frame = pd.DataFrame([{
        "family": t["value"],
        "first week": t["first_week"] or "not present",
        f"first week in top {t['top']}": t["first_week_in_top"] or "never",
        "peak share": fmt_pct(t["peak_share"]) if t["peak_share"] is not None else "",
        "peak week": t["peak_week"] or "",
        "share in the last week": fmt_pct(t["last_share"]) if t["last_share"] is not None else "",
    } for t in trajectories])
    return table(frame, numeric=("peak share", "share in the last week"))


def quarter_table(frame: pd.DataFrame, key: str) -> str:
    out = frame.assign(share=frame["share"].map(fmt_pct), tokens=frame["tokens"].map(fmt_tokens))
    return table(out.rename(columns={key: key.replace("_", " ")}), numeric=("tokens", "share"))


def efficiency_text(efficiency: dict) -> str:
    winners = efficiency["winners"]
    parts = ", ".join(f"{q}: {t} ({fmt_pct(s)})" for q, t, s in winners.itertuples(index=False))
    return sentence("<p>The tier with the most named-model tokens, quarter by quarter: {parts}.</p>", parts=parts)


def disruptors_text(disruptors: dict) -> str:
    gain = disruptors["steepest_gain"]
    late = disruptors["late_entrants"]
    text = ""
    if gain:
        text += sentence("<p>The steepest gain in share from the first half to the second was {lab}'s: from "
                         "{before} to {after} of weekly tokens.", lab=gain["lab"], before=fmt_pct(gain["share_before"]),
                         after=fmt_pct(gain["share_after"]))
    if len(late):
        names = ", ".join(f"{m} (from {fmt_date(w)})" for m, w in zip(late["model_permaslug"], late["entry_week"],
                                                                       strict=True))
        text += sentence(" Late entrants, first in the weekly top {top} in the year's last {weeks} weeks: {names}.",
                         top=disruptors["entry_top"], weeks=disruptors["last_weeks"], names=names)
    else:
        text += sentence(" No model first entered the weekly top {top} in the year's last {weeks} weeks.",
                         top=disruptors["entry_top"], weeks=disruptors["last_weeks"])
    return text + "</p>"


def specialists_text(specialists: dict) -> str:
    stability = specialists["stability"]
    spikes = specialists["spikes"]
    rows = stability.assign(mean_share=stability["mean_share"].map(fmt_pct),
                            cv=stability["cv"].map(lambda v: f"{v:.2f}"))
    text = sentence("<p>Steadiness is the coefficient of variation (CV) of a family's weekly share over the weeks it "
                    "was present: lower is steadier. A spike is a week whose share jumped by more than {k} standard "
                    "deviations of the family's own week-over-week changes.</p>", k=f"{specialists['k']:g}")
    text += table(rows.rename(columns={"mean_share": "mean share", "cv": "CV"}), numeric=("weeks", "mean share", "CV"))
    if len(spikes):
        text += "<p>Spikes: " + esc("; ".join(f"{f} in the week from {fmt_date(w)} (+{fmt_pct(c)})" for f, w, c in
                                              zip(spikes["family"], spikes["week_start"], spikes["change"],
                                                  strict=True))) + ".</p>"
    return text


def tail_text(tail: dict, top_n: int) -> str:
    first, last = tail["first"], tail["last"]
    return sentence(
        "<p>In the year's first week, everything outside the top {n} (Others) was {o1} of tokens and the API's "
        "<code>other</code> row (outside the daily top 50) {r1}; in the last week, {o2} and {r2}. Concentration: "
        "the effective number of models (1/HHI over named models) went from {e1} to {e2}; {m1} models covered 90% "
        "of named tokens at the start, {m2} at the end.</p>", n=top_n, o1=fmt_pct(first["others_share"]),
        r1=fmt_pct(first["other_row_share"]), o2=fmt_pct(last["others_share"]), r2=fmt_pct(last["other_row_share"]),
        e1=f"{first['effective_models']:.1f}", e2=f"{last['effective_models']:.1f}", m1=int(first["models_for_90"]),
        m2=int(last["models_for_90"]))


def price_text(weekly_price: pd.DataFrame, vintages: list[str]) -> str:
    if weekly_price.empty:
        return "<p>No price list matches this year's models, so prices cannot be measured.</p>"
    first, last = weekly_price.iloc[0], weekly_price.iloc[-1]
    return sentence(
        "<p>The token-weighted average <i>list</i> price of the named models went from <b>${p1}</b> to <b>${p2}</b> "
        "per million prompt tokens (completion: ${c1} to ${c2}). Each model is priced from the list nearest in time "
        "({lists}); <code>:free</code> variants count at $0. These are list prices, not what users paid, and "
        "the data do not split prompt from completion tokens. At least {cov} of each week's named tokens had a "
        "price.</p>", p1=f"{first['prompt_usd_per_mtok']:.3f}", p2=f"{last['prompt_usd_per_mtok']:.3f}",
        c1=f"{first['completion_usd_per_mtok']:.3f}", c2=f"{last['completion_usd_per_mtok']:.3f}",
        lists=", ".join(vintages), cov=fmt_pct(weekly_price["priced_share"].min(), 0))


def outlook_text(outlook: dict, year: int) -> str:
    params, score = outlook["params"], outlook["score"]
    if params is None:
        return "<p>Too few full weeks this year for a projection.</p>"
    text = sentence(
        "<p><b>Method.</b> A straight line through the logarithm of weekly tokens over the {n} full weeks from "
        "{start} to {end} (an average growth of {g} a week), extended {h} weeks; the band spans ±{z} residual "
        "standard errors, roughly a 95% prediction interval. It assumes the recent growth rate simply "
        "continues: a baseline, not a forecast of launches.</p>", n=params["fit_weeks"],
        start=fmt_date(params["fit_from"]), end=fmt_date(params["fit_to"]),
        g=fmt_pct(params["weekly_growth"]), h=params["horizon_weeks"], z=f"{params['band_se']:g}")
    if score["weeks_compared"]:
        text += sentence("<p><b>Scored.</b> {n} of the projected weeks have happened: the projection was off by "
                         "{err} on average (bias {bias}), and {inside} of actual weeks fell inside the band.</p>",
                         n=score["weeks_compared"], err=fmt_pct(score["mean_abs_pct_error"]),
                         bias=fmt_pct(score["bias"]), inside=fmt_pct(score["share_inside_band"], 0))
    else:
        text += "<p>None of the projected weeks is in the data yet; next year's report scores it.</p>"
    previous = outlook.get("previous")
    if previous and previous["score"]["weeks_compared"]:
        s = previous["score"]
        text += sentence("<p><b>Last year's projection, scored.</b> The same method on {prev}'s last full weeks "
                         "projected the start of {year}: off by {err} on average (bias {bias}); {inside} of weeks "
                         "fell inside its band.</p>", prev=year - 1, year=year, err=fmt_pct(s["mean_abs_pct_error"]),
                         bias=fmt_pct(s["bias"]), inside=fmt_pct(s["share_inside_band"], 0))
    return text


def yoy_table(frame: pd.DataFrame | None) -> str:
    if frame is None:
        return "<p>The data hold no earlier year to compare with.</p>"

    def fmt(measure: str, value: float | None) -> str:
        return fmt_multiple(value) if "over" in measure else fmt_tokens(value)

    out = frame.copy()
    for column in out.columns[1:]:
        out[column] = [fmt(m, v) for m, v in zip(out["measure"], out[column], strict=True)]
    return table(out, numeric=tuple(out.columns[1:]))


def claims_table(ledger: list[dict]) -> str:
    """The ledger as a table; verdicts carry a class for styling and a data attribute for tests."""
    if not ledger:
        return "<p>No claims ledger for this year.</p>"
    rows = "".join(
        f'<tr data-claim="{esc(c["id"])}"><td>{esc(c["claim"])}</td><td>{esc(c["measure"])}</td>'
        f'<td class="tt-verdict tt-{VERDICT_CLASS[c["verdict"]]}">{esc(c["verdict"])}</td><td>{esc(c["why"])}</td></tr>'
        for c in ledger)
    return ("<table class=\"tt-claims\"><thead><tr><th>Claim</th><th>How it is measured</th><th>Verdict</th>"
            f"<th>Why</th></tr></thead><tbody>{rows}</tbody></table>")


def claims_summary(ledger: list[dict]) -> str:
    counts = pd.Series([c["verdict"] for c in ledger]).value_counts()
    parts = ", ".join(f"{int(counts[v])} {v}" for v in VERDICT_CLASS if v in counts)
    return sentence("<p>{n} claims checked against the data: {parts}. Thresholds are stated in "
                    "<code>data/claims/</code> next to each claim.</p>", n=len(ledger), parts=parts)

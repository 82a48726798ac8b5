"""The words of the claims ledger: for each measure in claims.py, how it is measured and why it got its verdict.

One function per measure, under the measure's name, taking the measure's Evaluation and the claim's params (the
measure's defaults filled in) and returning a Wording. The numbers come from the evaluation (`value`, and `facts`
for what is not published); the words only format them and say which way a difference goes. `case` names the
branch where one verdict has several stories (mostly why a claim cannot be measured).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import backtest
from tokentrends.render.formatting import fmt_date, fmt_multiple, fmt_pct, fmt_tokens, fmt_usd, moved, vintage_words
from tokentrends.report.claims import Evaluation


@dataclass(frozen=True)
class Wording:
    measured_as: str  # how it is measured, thresholds included
    why: str  # one sentence: the numbers found and what they say


WORDS: dict[str, Callable[..., Wording]] = {}
BAND = fmt_pct(backtest.COVERAGE, 0)  # "80%": the outlook interval's coverage, as the backtest builds it


def words(func: Callable[..., Wording]) -> Callable[..., Wording]:
    WORDS[func.__name__] = func
    return func


def _below_above(off: float) -> str:
    return "below" if off < 0 else "above"


def _lowered_raised(amount: float) -> str:
    """An effect on a price, with its direction in words: 'lowered it by $0.82'."""
    return f"{'lowered' if amount < 0 else 'raised' if amount > 0 else 'did not move'} it" + (
        f" by {fmt_usd(abs(amount))}" if amount else ""
    )


def _not_in_data(name: str) -> str:
    return f"{name} is not in the data this year"


@words
def weekly_volume_below(e: Evaluation, month: str, threshold: int) -> Wording:
    how = f"largest full week starting in {month}, against {fmt_tokens(threshold)}"
    if e.case == "no_full_week":
        return Wording(how, f"no full week starts in {month}")
    top = e.value["max_week_tokens"]
    return Wording(
        how,
        f"the largest of {e.value['weeks']} full weeks carried {fmt_tokens(top)} tokens, "
        f"{'below' if top < threshold else 'above'} {fmt_tokens(threshold)}",
    )


@words
def peak_near(e: Evaluation, target: int, tolerance: float, window: list[str]) -> Wording:
    how = (
        f"peak full week, within {fmt_pct(tolerance, 0)} of {fmt_tokens(target)} and starting "
        f"{fmt_date(window[0])} to {fmt_date(window[1])}"
    )
    if e.case == "no_full_week":
        return Wording(how, "no full week")
    v = e.value
    return Wording(
        how,
        f"the peak was {fmt_tokens(v['peak_tokens'])} in the week from {fmt_date(v['peak_week'])}, "
        f"{fmt_pct(abs(v['off_by']))} {_below_above(v['off_by'])} {fmt_tokens(target)}; "
        f"the timing {'matches' if e.facts['timing_matches'] else 'does not match'}",
    )


@words
def year_end_near(e: Evaluation, target: int, tolerance: float) -> Wording:
    how = f"last full week of the year, within {fmt_pct(tolerance, 0)} of {fmt_tokens(target)}"
    if e.case == "no_full_week":
        return Wording(how, "no full week")
    v = e.value
    return Wording(
        how,
        f"the last full week (from {fmt_date(v['last_week'])}) carried {fmt_tokens(v['last_week_tokens'])}, "
        f"{fmt_pct(abs(v['off_by']))} {_below_above(v['off_by'])} {fmt_tokens(target)}",
    )


@words
def growth_multiple(e: Evaluation, target: float, tolerance: float) -> Wording:
    how = (
        f"last full week over first full week (also peak over first, December over January daily "
        f"average), within {fmt_pct(tolerance, 0)} of {target:g}x"
    )
    if e.case == "no_full_week":
        return Wording(how, "no full week")
    v, off = e.value, e.facts["off_by"]
    dec_jan = v["december_over_january"]
    return Wording(
        how,
        f"weekly volume grew {fmt_multiple(v['last_over_first'])} from the first to the last full week "
        f"({fmt_multiple(v['peak_over_first'])} to the peak"
        + (f", {fmt_multiple(dec_jan)} December over January" if dec_jan else "")
        + f"): {fmt_pct(abs(off), 0)} {'more' if off > 0 else 'less'} than {target:g}x",
    )


@words
def families_lead(e: Evaluation, families: list[str], months: list[int], top: int) -> Wording:
    how = f"rank of {', '.join(families)} among families by tokens, weeks starting in months {months[0]}-{months[-1]}"
    if e.case == "families_absent":
        return Wording(how, "none of these families is in the data for those months")
    ranks, shares = e.value["ranks"], e.value["shares"]
    return Wording(
        how,
        "; ".join(
            f"{f} ranked #{ranks[f]} ({fmt_pct(shares[f])})" if ranks[f] else f"{f} did not rank" for f in families
        )
        + f"; the leading family in those weeks was {e.value['leader']} ({fmt_pct(e.value['leader_share'])} of "
        "their tokens, by family: all of a family's models together)",
    )


@words
def tier_majority(e: Evaluation, tier: str, min_share: float) -> Wording:
    how = (
        f"the {tier} tier's share of the named models' tokens over the year (more than {fmt_pct(min_share, 0)}), "
        "and the quarters it led (more than half of them)"
    )
    if e.case == "absent":
        return Wording(how, f"no {tier}-tier model is in the data this year")
    v, f = e.value, e.facts
    known = f["classified"]["tier"]["token_share"]
    labels = {r["quarter"]: f["quarter_labels"].get(r["quarter"], r["quarter"]) for r in v["quarters"]}
    led = [labels[q["quarter"]] for q in v["quarters"] if q["leader"] == tier]
    by_leader: dict[str, list[str]] = {}
    for q in v["quarters"]:
        if q["leader"] != tier:
            by_leader.setdefault(q["leader"], []).append(labels[q["quarter"]])
    others = [f"the {leader} tier led {', '.join(qs)}" for leader, qs in by_leader.items()]
    return Wording(
        how,
        f"{tier.capitalize()}-tier models took {fmt_pct(v['share'])} of the named (daily top-{f['daily_top']}) "
        f"models' tokens, {'above' if v['share'] > min_share else 'not above'} the {fmt_pct(min_share, 0)} asked"
        + (f" (the tier of {fmt_pct(known)} of those tokens is known)" if known < 1 else "")
        + f", and led {v['quarters_led']} of {len(v['quarters'])} quarters"
        + (f" ({', '.join(led)})" if led else "")
        + (f"; {'; '.join(others)}" if others else ""),
    )


@words
def steady_share(e: Evaluation, family: str, max_cv: float, top: int, min_presence: float) -> Wording:
    how = (
        f"from its first week: coefficient of variation of weekly share (steady if at most {max_cv:g}) and "
        f"share of weeks in the top {top} families (at least {fmt_pct(min_presence, 0)})"
    )
    if e.case == "absent":
        return Wording(how, _not_in_data(family))
    v = e.value
    return Wording(
        how,
        f"{family} averaged {fmt_pct(v['mean_share'])} of weekly tokens with a coefficient of variation of "
        f"{v['cv']:.2f} ({'within' if v['cv'] <= max_cv else 'above'} the {max_cv:g} a steady share allows), was in "
        f"the top {top} in {fmt_pct(v['presence_in_top'], 0)} of its weeks ("
        f"{'at least' if v['presence_in_top'] >= min_presence else 'under'} the {fmt_pct(min_presence, 0)} asked), "
        f"peaked at {fmt_pct(v['peak_share'])} and ended at {fmt_pct(v['last_share'])}",
    )


@words
def lab_surge(e: Evaluation, lab: str, split: str, min_ratio: float, families: list[str]) -> Wording:
    how = f"{lab}'s share of tokens from {fmt_date(split)} vs before (surge if at least {min_ratio:g}x)"
    if e.case == "absent":
        return Wording(how, _not_in_data(lab))
    v = e.value
    return Wording(
        how,
        f"{lab}'s share of tokens {moved(v['share_before'], v['share_after'])} from {fmt_pct(v['share_before'])} "
        f"before {fmt_date(split)} to {fmt_pct(v['share_after'])} after"
        + (f" ({fmt_multiple(v['ratio'])})" if v["ratio"] else "")
        + "; after: "
        + ", ".join(f"{f} {fmt_pct(share)}" for f, share in v["family_share_after"].items()),
    )


@words
def first_appearance(e: Evaluation, family: str, top: int, window_start: str) -> Wording:
    daily = e.facts["daily_top"]
    how = f"first week {family} ranks in the top {top} families, and its first week in the daily top {daily}"
    if e.case == "absent":
        return Wording(how, f"{family} never appears in the daily top {daily} this year")
    v = e.value
    return Wording(
        how,
        f"{family} first appears in the week from {fmt_date(v['first_week_seen'])}; "
        + (
            f"it first ranked in the top {top} in the week from {fmt_date(v['first_week_in_top'])}"
            if v["first_week_in_top"]
            else f"it never ranked in the top {top}"
        )
        + f"; in the last week it ranked #{v['rank_in_last_week']}",
    )


@words
def spike_in_quarter(e: Evaluation, family: str, quarter: int, k: float) -> Wording:
    how = f"week of peak share, and weeks whose share jump exceeds {k:g} standard deviations of its own changes"
    if e.case == "absent":
        return Wording(how, _not_in_data(family))
    v = e.value
    return Wording(
        how,
        f"{family} peaked at {fmt_pct(v['peak_share'])} of weekly tokens in the week from "
        f"{fmt_date(v['peak_week'])}; "
        + (
            f"its share jumped beyond the threshold in the week{'s' if len(v['spike_weeks']) > 1 else ''} from "
            + ", ".join(f"{fmt_date(w)} (Q{pd.Timestamp(w).quarter})" for w in v["spike_weeks"])
            + ("" if any(pd.Timestamp(w).quarter == quarter for w in v["spike_weeks"]) else f"; none in Q{quarter}")
            if v["spike_weeks"]
            else "no week-over-week jump beyond the threshold"
        ),
    )


_QUARTERS_MISSING = "the year does not cover both quarters"


@words
def long_tail_growing(e: Evaluation, first_quarter: int, last_quarter: int) -> Wording:
    how = (
        f"average weekly share of Others (outside the top {e.facts['top_n']}) and of the API's 'other' row, "
        f"Q{first_quarter} vs Q{last_quarter}"
    )
    if e.case == "quarters_missing":
        return Wording(how, _QUARTERS_MISSING)
    v = e.value
    return Wording(
        how,
        f"Others {moved(v['others_first'], v['others_last'])} from {fmt_pct(v['others_first'])} of weekly tokens in "
        f"Q{first_quarter} to {fmt_pct(v['others_last'])} in Q{last_quarter} (average weeks) and the API's 'other' "
        f"row {moved(v['other_row_first'], v['other_row_last'])} from {fmt_pct(v['other_row_first'])} to "
        f"{fmt_pct(v['other_row_last'])}",
    )


@words
def price_fell(
    e: Evaluation,
    first_quarter: int,
    last_quarter: int,
    min_drop: float,
    early_list: str,
    late_list: str,
    min_priced_share: float,
) -> Wording:
    how = (
        f"token-weighted average list price per million prompt tokens, Q{first_quarter} vs Q{last_quarter}, over "
        f"the weeks in which at least {fmt_pct(min_priced_share, 0)} of named tokens had a list price (each model "
        f"at its nearest list; a fall of at least {fmt_pct(min_drop, 0)} counts as supported)"
    )
    if e.case == "no_prices":
        return Wording(how, "no price list matches the models")
    if e.case == "quarters_missing":
        return Wording(how, _QUARTERS_MISSING)
    if e.case == "too_little_priced":
        thin = " and ".join(f"Q{n}" for n in e.facts["thin_quarters"])
        return Wording(
            how,
            f"too little of {thin}'s tokens had a list price (no week reaches {fmt_pct(min_priced_share, 0)}; "
            f"the lowest week had {fmt_pct(e.value['priced_share_min'], 0)})",
        )
    v, change, effects = e.value, e.value["change"], e.value["decomposition"]
    why = (
        f"the average list price {moved(v['prompt_usd_per_mtok_first'], v['prompt_usd_per_mtok_last'])} from "
        f"{fmt_usd(v['prompt_usd_per_mtok_first'])} to {fmt_usd(v['prompt_usd_per_mtok_last'])} per million prompt "
        f"tokens ({'+' if change > 0 else ''}{fmt_pct(change)}, over {e.facts['weeks_first']} and "
        f"{e.facts['weeks_last']} weeks with prices for at least {fmt_pct(min_priced_share, 0)} of tokens)"
    )
    if effects:
        why += (
            f"; on the {effects['models_in_both']} models listed in both {vintage_words(early_list)} and "
            f"{vintage_words(late_list)}, whose average {moved(effects['start'], effects['end'])} from "
            f"{fmt_usd(effects['start'])} to {fmt_usd(effects['end'])}, the shift in mix "
            f"{_lowered_raised(effects['mix_effect'])} and price changes {_lowered_raised(effects['price_effect'])}"
        )
    return Wording(how, why)


@words
def pace_continues_through(e: Evaluation, month: str, origin: str) -> Wording:
    target = e.facts["target_week"]
    how = (
        f"the backtested outlook from the week of {fmt_date(origin)} against the week from {fmt_date(target)}, "
        f"the last starting in {pd.Timestamp(month).strftime('%B %Y')}: supported inside its {BAND} interval, partly "
        "outside it but above the starting week"
    )
    if e.case == "origin_not_full_week":
        return Wording(how, f"the outlook's week from {fmt_date(origin)} is not a full week of the data")
    if e.case == "beyond_horizon":
        return Wording(
            how,
            f"the week from {fmt_date(target)} is {e.value['horizon']} weeks after the outlook's; the backtest "
            f"projects 1 to {e.facts['max_horizon']}",
        )
    if e.case == "too_few_weeks":
        return Wording(how, f"too few full weeks up to {fmt_date(origin)} to backtest an outlook")
    v = e.value
    projected = (
        f"the outlook ({v['method']}) projects {fmt_tokens(v['projected'])} in the week from "
        f"{fmt_date(target)}, {fmt_pct(v['weekly_growth'])} a week"
        + (
            f", {BAND} interval {fmt_tokens(v['low'])} to {fmt_tokens(v['high'])}"
            if v["low"] is not None
            else ", with no interval yet"
        )
    )
    if e.case == "week_incomplete":
        return Wording(how, f"{projected}; that week has days missing in the data")
    if e.case == "not_yet":
        return Wording(
            how, f"{projected}; it can be measured from {fmt_date(v['measurable_from'])}, once that week is complete"
        )
    if e.case == "no_interval":
        return Wording(how, f"{projected}: too few backtest errors for an interval")
    actual = v["actual"]
    where = (
        "inside the interval"
        if v["low"] <= actual <= v["high"]
        else f"{'above' if actual > v['high'] else 'below'} the interval"
    )
    return Wording(how, f"{projected}; the week carried {fmt_tokens(actual)}, {where}")


def _series_words(ends: dict, of_what: str) -> str:
    """'X of <what> in the week A to B' for one week; 'from X (week of A) to Y (week of B) of <what>' for several."""
    if ends["weeks"] == 1:
        return (
            f"{fmt_pct(ends['last_share'])} of {of_what} in the week {fmt_date(ends['last_start'])} to "
            f"{fmt_date(ends['last_end'])}"
        )
    return (
        f"from {fmt_pct(ends['first_share'])} (week of {fmt_date(ends['first_start'])}) to "
        f"{fmt_pct(ends['last_share'])} (week of {fmt_date(ends['last_start'])}) of {of_what}, "
        f"over {ends['weeks']} weeks"
    )


@words
def agency_share(e: Evaluation, min_classified_share: float, min_agent_app_share: float) -> Wording:
    how = (
        f"agent + code share of classified tokens (at least {fmt_pct(min_classified_share, 0)}) and agent apps' "
        f"share of all tokens, each app counted once (at least {fmt_pct(min_agent_app_share, 0)}), latest week"
    )
    if e.case == "no_demand":
        return Wording(how, f"no task classification or agent app list covers {e.facts['year']}")
    classified, agents = e.facts["classified"], e.facts["agent_apps"]
    parts = [
        f"agent and code work took {_series_words(classified, 'classified tokens')}"
        if classified
        else "no task classification covers the year",
        f"{e.value['agent_apps']} agent apps sent {_series_words(agents, 'all tokens')}"
        if agents
        else "no agent app list with a whole week of rankings data covers the year",
    ]
    tail = (
        "; this is a snapshot of one week each, not a trend: whether the focus is shifting toward agents "
        "needs the weekly pulls to accumulate"
        if e.value["snapshot"]
        else ""
    )
    return Wording(how, "; ".join(parts) + tail)

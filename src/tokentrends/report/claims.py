"""The claims ledger: each statement of a review, measured on the data, with a verdict and why.

Claims are data (`data/claims/<year>.yaml`): an id, the claim in plain words, the name of a measure below
and its parameters, thresholds included. A measure returns the numbers it found, one verdict out of
VERDICTS, and one sentence of why. The thresholds live in the ledger, next to the claim they judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from tokentrends import config
from tokentrends.metrics import apps, backtest, disruptors, leaders, prices, specialists, tasks, volume
from tokentrends.metrics.weekly import full_weeks, week_quarter
from tokentrends.render.formatting import fmt_date, fmt_multiple, fmt_pct, fmt_tokens, fmt_usd
from tokentrends.report.backtest_store import stored_backtest

if TYPE_CHECKING:  # the measures read a YearData; the model imports the ledger, which imports these
    from tokentrends.report.model import YearData

SUPPORTED, PARTLY, NOT_SUPPORTED, CANNOT = "supported", "partly", "not supported", "cannot be measured"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, CANNOT)


@dataclass(frozen=True)
class Evaluation:
    measure: str  # how it was measured, in words
    value: dict
    verdict: str
    why: str


MEASURES: dict[str, Callable[..., Evaluation]] = {}


def measure(func: Callable[..., Evaluation]) -> Callable[..., Evaluation]:
    MEASURES[func.__name__] = func
    return func


def _grade(hits: int, of: int) -> str:
    return SUPPORTED if hits == of else PARTLY if hits else NOT_SUPPORTED


def _full_weeks(data: YearData) -> pd.DataFrame:
    return full_weeks(data.totals)


@measure
def weekly_volume_below(data: YearData, month: str, threshold: int) -> Evaluation:
    weeks = _full_weeks(data)
    weeks = weeks[weeks["week_start"].dt.strftime("%Y-%m") == month]
    how = f"largest full week starting in {month}, against {fmt_tokens(threshold)}"
    if weeks.empty:
        return Evaluation(how, {}, CANNOT, f"no full week starts in {month}")
    top = int(weeks["total_tokens"].max())
    verdict = SUPPORTED if top < threshold else NOT_SUPPORTED
    return Evaluation(
        how,
        {"max_week_tokens": top, "weeks": int(len(weeks))},
        verdict,
        f"the largest of {len(weeks)} full weeks carried {fmt_tokens(top)} tokens, "
        f"{'below' if top < threshold else 'above'} {fmt_tokens(threshold)}",
    )


@measure
def peak_near(data: YearData, target: int, tolerance: float, window: list[str]) -> Evaluation:
    head = data.headline["peak_week"]
    how = (
        f"peak full week, within {fmt_pct(tolerance, 0)} of {fmt_tokens(target)} and starting "
        f"{window[0]} to {window[1]}"
    )
    if head is None:
        return Evaluation(how, {}, CANNOT, "no full week")
    off = head["total_tokens"] / target - 1
    value_ok = abs(off) <= tolerance
    date_ok = window[0] <= head["week_start"] <= window[1]
    return Evaluation(
        how,
        {"peak_tokens": head["total_tokens"], "peak_week": head["week_start"], "off_by": off},
        _grade(value_ok + date_ok, 2),
        f"the peak was {fmt_tokens(head['total_tokens'])} in the week from "
        f"{fmt_date(head['week_start'])}, {fmt_pct(abs(off))} {'below' if off < 0 else 'above'} "
        f"{fmt_tokens(target)}; the timing {'matches' if date_ok else 'does not match'}",
    )


@measure
def year_end_near(data: YearData, target: int, tolerance: float) -> Evaluation:
    last = data.headline["last_full_week"]
    how = f"last full week of the year, within {fmt_pct(tolerance, 0)} of {fmt_tokens(target)}"
    if last is None:
        return Evaluation(how, {}, CANNOT, "no full week")
    off = last["total_tokens"] / target - 1
    verdict = SUPPORTED if abs(off) <= tolerance else PARTLY if abs(off) <= 2 * tolerance else NOT_SUPPORTED
    return Evaluation(
        how,
        {"last_week_tokens": last["total_tokens"], "last_week": last["week_start"], "off_by": off},
        verdict,
        f"the last full week (from {fmt_date(last['week_start'])}) carried "
        f"{fmt_tokens(last['total_tokens'])}, {fmt_pct(abs(off))} {'below' if off < 0 else 'above'} "
        f"{fmt_tokens(target)}",
    )


@measure
def growth_multiple(data: YearData, target: float, tolerance: float) -> Evaluation:
    head = data.headline
    year = data.year
    dec_jan = volume.month_ratio(data.monthly, f"{year}-12", f"{year}-01")
    how = (
        f"last full week over first full week (also peak over first, December over January daily "
        f"average), within {fmt_pct(tolerance, 0)} of {target:g}x"
    )
    if head["first_full_week"] is None:
        return Evaluation(how, {}, CANNOT, "no full week")
    value = {
        "last_over_first": head["growth_last_over_first"],
        "peak_over_first": head["growth_peak_over_first"],
        "december_over_january": dec_jan,
    }
    main = head["growth_last_over_first"]
    close = [v for v in value.values() if v is not None and abs(v / target - 1) <= tolerance]
    verdict = SUPPORTED if abs(main / target - 1) <= tolerance else PARTLY if close else NOT_SUPPORTED
    direction = "more" if main > target else "less"
    return Evaluation(
        how,
        value,
        verdict,
        f"weekly volume grew {fmt_multiple(main)} from the first to the last full week "
        f"({fmt_multiple(head['growth_peak_over_first'])} to the peak"
        + (f", {fmt_multiple(dec_jan)} December over January" if dec_jan else "")
        + f"): {fmt_pct(abs(main / target - 1), 0)} {direction} than {target:g}x",
    )


@measure
def families_lead(data: YearData, families: list[str], months: list[int], top: int) -> Evaluation:
    period = data.family_shares[data.family_shares["week_start"].dt.month.isin(months)]
    ranking = leaders.top_for_period(period, "family", n=10_000).set_index("family")
    how = f"rank of {', '.join(families)} among families by tokens, weeks starting in months {months[0]}-{months[-1]}"
    ranks = {f: int(ranking.loc[f, "rank"]) if f in ranking.index else None for f in families}
    shares = {f: float(ranking.loc[f, "share"]) if f in ranking.index else 0.0 for f in families}
    if all(r is None for r in ranks.values()):
        return Evaluation(how, {"ranks": ranks}, CANNOT, "none of these families is in the data for those months")
    leader = ranking.index[0]
    hits = sum(1 for r in ranks.values() if r is not None and r <= top)
    return Evaluation(
        how,
        {"ranks": ranks, "shares": shares, "leader": leader, "leader_share": float(ranking["share"].iloc[0])},
        _grade(hits, len(families)),
        "; ".join(
            f"{f} ranked #{ranks[f]} ({fmt_pct(shares[f])})" if ranks[f] else f"{f} did not rank" for f in families
        )
        + f"; the leading family in those weeks was {leader} ({fmt_pct(float(ranking['share'].iloc[0]))} of their "
        "tokens, by family: all of a family's models together)",
    )


def _family_series(data: YearData, family: str) -> pd.DataFrame:
    """The family's weekly share from its first week of the year (empty if it never appears)."""
    shares = data.family_shares
    series = leaders.share_series(shares, "family", [family])
    first = shares.loc[shares["family"] == family, "week_start"].min()
    return series[series["week_start"] >= first] if pd.notna(first) else series.iloc[0:0]


@measure
def steady_share(data: YearData, family: str, max_cv: float, top: int, min_presence: float) -> Evaluation:
    series = _family_series(data, family)
    shares = data.family_shares
    how = (
        f"from its first week: coefficient of variation of weekly share (steady if at most {max_cv:g}) and "
        f"share of weeks in the top {top} families (at least {fmt_pct(min_presence, 0)})"
    )
    if series.empty:
        return Evaluation(how, {}, CANNOT, f"{family} is not in the data this year")
    stats = specialists.stability(series.assign(family=family), "family").iloc[0]
    ranks = shares[(shares["family"] == family) & (shares["week_start"] >= series["week_start"].min())]
    presence = float((ranks["rank"] <= top).sum() / len(series))
    last_share = float(series["share"].iloc[-1])
    hits = (stats["cv"] <= max_cv) + (presence >= min_presence)
    return Evaluation(
        how,
        {
            "cv": float(stats["cv"]),
            "mean_share": float(stats["mean_share"]),
            "presence_in_top": presence,
            "last_share": last_share,
            "peak_share": float(series["share"].max()),
        },
        _grade(hits, 2),
        f"{family} averaged {fmt_pct(stats['mean_share'])} of weekly tokens with a coefficient of "
        f"variation of {stats['cv']:.2f}, was in the top {top} in {fmt_pct(presence, 0)} of its "
        f"weeks, peaked at {fmt_pct(series['share'].max())} and ended at {fmt_pct(last_share)}",
    )


@measure
def lab_surge(data: YearData, lab: str, split: str, min_ratio: float, families: list[str]) -> Evaluation:
    how = f"{lab}'s share of tokens from {split} vs before (surge if at least {min_ratio:g}x)"
    if not (data.lab_shares["lab"] == lab).any():
        return Evaluation(how, {}, CANNOT, f"{lab} is not in the data this year")
    split_at = pd.Timestamp(split)
    labs = disruptors.period_share_change(data.lab_shares, "lab", split_at).set_index("lab")
    fams = disruptors.period_share_change(data.family_shares, "family", split_at).set_index("family")
    first, second = float(labs.loc[lab, "share_before"]), float(labs.loc[lab, "share_after"])
    fam_share = {f: float(fams["share_after"].get(f, 0.0)) for f in families}
    ratio = second / first if first else None
    verdict = SUPPORTED if ratio and ratio >= min_ratio else PARTLY if ratio and ratio > 1 else NOT_SUPPORTED
    return Evaluation(
        how,
        {"share_before": first, "share_after": second, "ratio": ratio, "family_share_after": fam_share},
        verdict,
        f"{lab} had {fmt_pct(first)} of tokens before {fmt_date(split)} and {fmt_pct(second)} after"
        + (f" ({fmt_multiple(ratio)})" if ratio else "")
        + "; after: "
        + ", ".join(f"{f} {fmt_pct(v)}" for f, v in fam_share.items()),
    )


@measure
def first_appearance(data: YearData, family: str, top: int, window_start: str) -> Evaluation:
    shares = data.family_shares
    own = shares[shares["family"] == family]
    how = f"first week {family} ranks in the top {top} families, and its first week in the daily top 50"
    if own.empty:
        return Evaluation(how, {}, CANNOT, f"{family} never appears in the daily top 50 this year")
    in_top = own[own["rank"] <= top]
    first_seen = own["week_start"].min().strftime("%Y-%m-%d")
    first_top = in_top["week_start"].min().strftime("%Y-%m-%d") if len(in_top) else None
    last_rank = int(own.sort_values("week_start")["rank"].iloc[-1])
    if first_top is None:
        verdict = PARTLY if first_seen >= window_start else NOT_SUPPORTED
    else:
        verdict = SUPPORTED if first_top >= window_start else NOT_SUPPORTED
    return Evaluation(
        how,
        {"first_week_seen": first_seen, "first_week_in_top": first_top, "rank_in_last_week": last_rank},
        verdict,
        f"{family} first appears in the week from {fmt_date(first_seen)}; "
        + (
            f"it first ranked in the top {top} in the week from {fmt_date(first_top)}"
            if first_top
            else f"it never ranked in the top {top}"
        )
        + f"; in the last week it ranked #{last_rank}",
    )


@measure
def spike_in_quarter(data: YearData, family: str, quarter: int, k: float) -> Evaluation:
    series = _family_series(data, family)
    how = f"week of peak share, and weeks whose share jump exceeds {k:g} standard deviations of its own changes"
    if series.empty:
        return Evaluation(how, {}, CANNOT, f"{family} is not in the data this year")
    peak = series.loc[series["share"].idxmax()]
    jumps = specialists.spikes(series.assign(family=family), "family", k=k)
    in_quarter = jumps[week_quarter(jumps["week_start"], data.year).dt.quarter == quarter]
    peak_in_q = week_quarter(pd.Series([peak["week_start"]]), data.year).dt.quarter.iloc[0] == quarter
    return Evaluation(
        how,
        {
            "peak_share": float(peak["share"]),
            "peak_week": peak["week_start"].strftime("%Y-%m-%d"),
            "spike_weeks": [w.strftime("%Y-%m-%d") for w in jumps["week_start"]],
        },
        _grade(int(peak_in_q) + int(len(in_quarter) > 0), 2),
        f"{family} peaked at {fmt_pct(peak['share'])} of weekly tokens in the week from "
        f"{fmt_date(peak['week_start'])}; "
        + (
            f"spikes in {', '.join(fmt_date(w) for w in jumps['week_start'])}"
            if len(jumps)
            else "no week-over-week jump beyond the threshold"
        ),
    )


@measure
def long_tail_growing(data: YearData, first_quarter: int, last_quarter: int) -> Evaluation:
    conc = data.concentration
    q = week_quarter(conc["week_start"], data.year).dt.quarter
    first, last = conc[q == first_quarter], conc[q == last_quarter]
    how = (
        f"average weekly share of Others (outside the top {data.top_n}) and of the API's `other` row, "
        f"Q{first_quarter} vs Q{last_quarter}"
    )
    if first.empty or last.empty:
        return Evaluation(how, {}, CANNOT, "the year does not cover both quarters")
    value = {
        "others_first": float(first["others_share"].mean()),
        "others_last": float(last["others_share"].mean()),
        "other_row_first": float(first["other_row_share"].mean()),
        "other_row_last": float(last["other_row_share"].mean()),
        "models_for_90_first": float(first["models_for_90"].mean()),
        "models_for_90_last": float(last["models_for_90"].mean()),
    }
    hits = (value["others_last"] > value["others_first"]) + (value["other_row_last"] > value["other_row_first"])
    return Evaluation(
        how,
        value,
        _grade(hits, 2),
        f"Others went from {fmt_pct(value['others_first'])} to {fmt_pct(value['others_last'])} of "
        f"weekly tokens and the API `other` row from {fmt_pct(value['other_row_first'])} to "
        f"{fmt_pct(value['other_row_last'])}",
    )


@measure
def price_fell(
    data: YearData,
    first_quarter: int,
    last_quarter: int,
    min_drop: float,
    early_list: str,
    late_list: str,
    min_priced_share: float = config.PRICE_COVERAGE_MIN,
) -> Evaluation:
    how = (
        f"token-weighted average list price per million prompt tokens, Q{first_quarter} vs Q{last_quarter}, over "
        f"the weeks in which at least {fmt_pct(min_priced_share, 0)} of named tokens had a list price (each model "
        f"at its nearest list; a fall of at least {fmt_pct(min_drop, 0)} counts as supported)"
    )
    weekly = data.weekly_price
    if weekly.empty:
        return Evaluation(how, {}, CANNOT, "no price list matches the models")
    q = week_quarter(weekly["week_start"], data.year).dt.quarter
    covered = weekly["priced_share"] >= min_priced_share
    first = weekly[(q == first_quarter) & covered]
    last = weekly[(q == last_quarter) & covered]
    if first.empty or last.empty:
        low = [f"Q{n}" for n, part in ((first_quarter, first), (last_quarter, last)) if part.empty]
        in_year = set(q)
        reason = (
            "the year does not cover both quarters"
            if not {first_quarter, last_quarter} <= in_year
            else f"too little of {' and '.join(low)}'s tokens had a list price (no week reaches "
            f"{fmt_pct(min_priced_share, 0)}; the lowest week had {fmt_pct(weekly['priced_share'].min(), 0)})"
        )
        return Evaluation(how, {"priced_share_min": float(weekly["priced_share"].min())}, CANNOT, reason)
    start, end = float(first["prompt_usd_per_mtok"].mean()), float(last["prompt_usd_per_mtok"].mean())
    change = end / start - 1
    table = data.price_table
    early = table[table["vintage"] == early_list].set_index("model_permaslug")
    late = table[table["vintage"] == late_list].set_index("model_permaslug")
    effects = (
        prices.mix_and_price_effect(data.model_shares, early, late, first["week_start"], last["week_start"])
        if len(early) and len(late)
        else None
    )
    value = {
        "prompt_usd_per_mtok_first": start,
        "prompt_usd_per_mtok_last": end,
        "change": change,
        "completion_usd_per_mtok_first": float(first["completion_usd_per_mtok"].mean()),
        "completion_usd_per_mtok_last": float(last["completion_usd_per_mtok"].mean()),
        "priced_share_min": float(weekly["priced_share"].min()),
        "decomposition": effects,
    }
    verdict = SUPPORTED if change <= -min_drop else PARTLY if change < 0 else NOT_SUPPORTED
    why = (
        f"the average list price {'fell' if change < 0 else 'rose' if change > 0 else 'held'} from "
        f"{fmt_usd(start)} to {fmt_usd(end)} per million prompt tokens ({'+' if change > 0 else ''}"
        f"{fmt_pct(change)}, over {len(first)} and {len(last)} weeks with prices for at least "
        f"{fmt_pct(min_priced_share, 0)} of tokens)"
    )
    if effects:
        why += (
            f"; on models listed in both {early_list} and {late_list}, the shift in mix moved it by "
            f"{fmt_usd(effects['mix_effect'], sign=True)} and price changes by "
            f"{fmt_usd(effects['price_effect'], sign=True)}"
        )
    return Evaluation(how, value, verdict, why)


@measure
def pace_continues_through(data: YearData, month: str, origin: str) -> Evaluation:
    """The outlook read at `origin` (a full week): does the last week starting in `month` land inside its 80% band?

    The outlook is the backtest's chosen method on the record up to `origin` only, so later data never change
    what was projected; the claim is measurable once that last week of the month is complete.
    """
    start = pd.Timestamp(origin)
    month_end = pd.Period(month, "M").end_time.normalize()
    target = month_end - pd.Timedelta(days=month_end.day_of_week)  # Monday of the last week starting in the month
    measurable_from = target + pd.Timedelta(days=7)  # the day after that week's Sunday
    month_name = month_end.strftime("%B %Y")
    how = (
        f"the backtested outlook from the week of {fmt_date(start)} against the week from {fmt_date(target)}, "
        f"the last starting in {month_name}: supported inside its 80% interval, partly outside it but above the "
        f"starting week"
    )
    totals = data.all_totals
    full = totals[totals["days_present"] == 7].set_index("week_start")["total_tokens"]
    if start not in full.index:
        return Evaluation(how, {}, CANNOT, f"the outlook's week from {fmt_date(start)} is not a full week of the data")
    horizon = (target - start).days // 7
    if not 1 <= horizon <= backtest.MAX_HORIZON:
        return Evaluation(
            how,
            {"horizon": horizon},
            CANNOT,
            f"the week from {fmt_date(target)} is {horizon} weeks after the outlook's; the backtest "
            f"projects 1 to {backtest.MAX_HORIZON}",
        )
    result = stored_backtest(totals[totals["week_start"] <= start])
    if result.choice is None:
        return Evaluation(how, {}, CANNOT, f"too few full weeks up to {fmt_date(start)} to backtest an outlook")
    row = result.projection[result.projection["horizon"] == horizon].iloc[0]
    growth = float((row["projected"] / full[start]) ** (1 / horizon) - 1)
    value = {
        "origin": start.strftime("%Y-%m-%d"),
        "method": result.choice.method,
        "horizon": horizon,
        "target_week": target.strftime("%Y-%m-%d"),
        "projected": float(row["projected"]),
        "low": None if pd.isna(row["low"]) else float(row["low"]),
        "high": None if pd.isna(row["high"]) else float(row["high"]),
        "weekly_growth": growth,
        "measurable_from": measurable_from.strftime("%Y-%m-%d"),
    }
    projected = (
        f"the outlook ({result.choice.method}) projects {fmt_tokens(row['projected'])} in the week from "
        f"{fmt_date(target)}, {fmt_pct(growth)} a week"
        + (
            f", 80% interval {fmt_tokens(row['low'])} to {fmt_tokens(row['high'])}"
            if value["low"] is not None
            else ", with no interval yet"
        )
    )
    if target not in full.index:
        passed = pd.Timestamp(data.usage["date"].max()) >= target + pd.Timedelta(days=6)  # a missing day, for good
        when = (
            "that week has days missing in the data"
            if passed
            else f"it can be measured from {fmt_date(measurable_from)}, once that week is complete"
        )
        return Evaluation(how, value, CANNOT, f"{projected}; {when}")
    if value["low"] is None:
        return Evaluation(how, value, CANNOT, f"{projected}: too few backtest errors for an interval")
    actual = int(full[target])
    value["actual"] = actual
    inside = value["low"] <= actual <= value["high"]
    verdict = SUPPORTED if inside else PARTLY if actual > full[start] else NOT_SUPPORTED
    where = "inside the interval" if inside else f"{'above' if actual > value['high'] else 'below'} the interval"
    return Evaluation(how, value, verdict, f"{projected}; the week carried {fmt_tokens(actual)}, {where}")


def _window_words(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"the week {fmt_date(start)} to {fmt_date(end)}"


def _series_words(frame: pd.DataFrame, column: str, of_what: str) -> str:
    """'X of <what> in the week A to B' for one window; 'from X (week of A) to Y (week of B) of <what>' for several."""
    first, last = frame.iloc[0], frame.iloc[-1]
    if len(frame) == 1:
        return f"{fmt_pct(last[column])} of {of_what} in {_window_words(last['window_start'], last['window_end'])}"
    return (
        f"from {fmt_pct(first[column])} (week of {fmt_date(first['window_start'])}) to {fmt_pct(last[column])} "
        f"(week of {fmt_date(last['window_start'])}) of {of_what}, over {len(frame)} weeks"
    )


@measure
def agency_share(data: YearData, min_classified_share: float, min_agent_app_share: float) -> Evaluation:
    """The review's closing line for 2026 ("the era of autonomous AI agents is our current reality"), measured
    twice: agent + code work's share of the classified tokens (classifications/task), and the agent apps'
    share of all tokens (the cli-agent, cloud-agent and personal-agent lists, each app once, over the week's
    rankings-daily total), each in the latest week the year has. One week is a snapshot, and the verdict says so."""
    how = (
        f"agent + code share of classified tokens (at least {fmt_pct(min_classified_share, 0)}) and agent apps' "
        f"share of all tokens, each app counted once (at least {fmt_pct(min_agent_app_share, 0)}), latest week"
    )
    macro = data.demand.get("task_macro", pd.DataFrame())
    app_rows = data.demand.get("apps", pd.DataFrame())
    classified = tasks.agency_share(macro) if not macro.empty else pd.DataFrame()
    agents = apps.subcategory_shares(app_rows, data.all_totals) if not app_rows.empty else pd.DataFrame()
    if not agents.empty:
        agents = agents[(agents["kind"] == "group") & (agents["group"] == "agent") & agents["share"].notna()]
    if classified.empty and agents.empty:
        return Evaluation(how, {}, CANNOT, f"no task classification or agent app list covers {data.year}")
    value: dict = {"classified_weeks": int(len(classified)), "agent_app_weeks": int(len(agents))}
    hits, parts = 0, []
    if not classified.empty:
        latest = classified.iloc[-1]
        value.update(
            classified_share=float(latest["token_share"]),
            classified_window=[latest["window_start"].strftime("%Y-%m-%d"), latest["window_end"].strftime("%Y-%m-%d")],
        )
        hits += latest["token_share"] >= min_classified_share
        parts.append(f"agent and code work took {_series_words(classified, 'token_share', 'classified tokens')}")
    else:
        parts.append("no task classification covers the year")
    if not agents.empty:
        latest = agents.iloc[-1]
        value.update(
            agent_app_share=float(latest["share"]),
            agent_apps=int(latest["apps"]),
            agent_subcategories=latest["subcategories"],
            agent_app_window=[latest["window_start"].strftime("%Y-%m-%d"), latest["window_end"].strftime("%Y-%m-%d")],
        )
        hits += latest["share"] >= min_agent_app_share
        parts.append(f"{int(latest['apps'])} agent apps sent {_series_words(agents, 'share', 'all tokens')}")
    else:
        parts.append("no agent app list with a whole week of rankings data covers the year")
    snapshot = max(len(classified), len(agents)) <= 1
    value["snapshot"] = snapshot
    tail = (
        "; this is a snapshot of one week each, not a trend: whether the focus is shifting toward agents "
        "needs the weekly pulls to accumulate"
        if snapshot
        else ""
    )
    return Evaluation(how, value, _grade(int(hits), 2), "; ".join(parts) + tail)

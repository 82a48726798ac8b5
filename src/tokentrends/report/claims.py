"""The claims ledger: each statement of a review, measured on the data, with a verdict.

Claims are data (`data/claims/<year>.yaml`): an id, the claim in plain words, the name of a measure below
and its parameters, thresholds included. A measure returns the numbers it found and one verdict out of
VERDICTS, nothing in words: how it is measured and why it got its verdict are written in claim_words.py,
under the same name. The thresholds live in the ledger, next to the claim they judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from tokentrends import config
from tokentrends.metrics import backtest, disruptors, groups, leaders, prices, specialists, tasks, volume
from tokentrends.metrics.weekly import full_weeks, week_quarter
from tokentrends.report.backtest_store import stored_backtest

if TYPE_CHECKING:  # the measures read a YearData; the model imports the ledger, which imports these
    from tokentrends.report.model import YearData

SUPPORTED, PARTLY, NOT_SUPPORTED, CANNOT = "supported", "partly", "not supported", "cannot be measured"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, CANNOT)


@dataclass(frozen=True)
class Evaluation:
    value: dict  # the numbers found, published in figures.json as they are
    verdict: str  # one of VERDICTS
    case: str = ""  # which branch the words tell, where one verdict has several (e.g. why it cannot be measured)
    facts: dict[str, Any] = field(default_factory=dict)  # what the words need beyond `value`; not published


MEASURES: dict[str, Callable[..., Evaluation]] = {}


def measure(func: Callable[..., Evaluation]) -> Callable[..., Evaluation]:
    MEASURES[func.__name__] = func
    return func


def _grade(hits: int, of: int) -> str:
    return SUPPORTED if hits == of else PARTLY if hits else NOT_SUPPORTED


def _full_weeks(data: YearData) -> pd.DataFrame:
    return full_weeks(data.totals)


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")


@measure
def weekly_volume_below(data: YearData, month: str, threshold: int) -> Evaluation:
    weeks = _full_weeks(data)
    weeks = weeks[weeks["week_start"].dt.strftime("%Y-%m") == month]
    if weeks.empty:
        return Evaluation({}, CANNOT, "no_full_week")
    top = int(weeks["total_tokens"].max())
    return Evaluation(
        {"max_week_tokens": top, "weeks": int(len(weeks))}, SUPPORTED if top < threshold else NOT_SUPPORTED
    )


@measure
def peak_near(data: YearData, target: int, tolerance: float, window: list[str]) -> Evaluation:
    head = data.headline["peak_week"]
    if head is None:
        return Evaluation({}, CANNOT, "no_full_week")
    off = head["total_tokens"] / target - 1
    value_ok = abs(off) <= tolerance
    date_ok = window[0] <= head["week_start"] <= window[1]
    return Evaluation(
        {"peak_tokens": head["total_tokens"], "peak_week": head["week_start"], "off_by": off},
        _grade(value_ok + date_ok, 2),
        facts={"timing_matches": date_ok},
    )


@measure
def year_end_near(data: YearData, target: int, tolerance: float) -> Evaluation:
    last = data.headline["last_full_week"]
    if last is None:
        return Evaluation({}, CANNOT, "no_full_week")
    off = last["total_tokens"] / target - 1
    verdict = SUPPORTED if abs(off) <= tolerance else PARTLY if abs(off) <= 2 * tolerance else NOT_SUPPORTED
    return Evaluation(
        {"last_week_tokens": last["total_tokens"], "last_week": last["week_start"], "off_by": off}, verdict
    )


@measure
def growth_multiple(data: YearData, target: float, tolerance: float) -> Evaluation:
    """The last full week over the first; the peak over the first and December over January count as close."""
    head = data.headline
    year = data.year
    dec_jan = volume.month_ratio(data.monthly, f"{year}-12", f"{year}-01")
    if head["first_full_week"] is None:
        return Evaluation({}, CANNOT, "no_full_week")
    value = {
        "last_over_first": head["growth_last_over_first"],
        "peak_over_first": head["growth_peak_over_first"],
        "december_over_january": dec_jan,
    }
    main = head["growth_last_over_first"]
    off = main / target - 1
    close = [v for v in value.values() if v is not None and abs(v / target - 1) <= tolerance]
    verdict = SUPPORTED if abs(off) <= tolerance else PARTLY if close else NOT_SUPPORTED
    return Evaluation(value, verdict, facts={"off_by": off})


@measure
def families_lead(data: YearData, families: list[str], months: list[int], top: int) -> Evaluation:
    period = data.family_shares[data.family_shares["week_start"].dt.month.isin(months)]
    ranking = leaders.top_for_period(period, "family", n=10_000).set_index("family")
    ranks = {f: int(ranking.loc[f, "rank"]) if f in ranking.index else None for f in families}
    shares = {f: float(ranking.loc[f, "share"]) if f in ranking.index else 0.0 for f in families}
    if all(r is None for r in ranks.values()):
        return Evaluation({"ranks": ranks}, CANNOT, "families_absent")
    hits = sum(1 for r in ranks.values() if r is not None and r <= top)
    return Evaluation(
        {"ranks": ranks, "shares": shares, "leader": ranking.index[0], "leader_share": float(ranking["share"].iloc[0])},
        _grade(hits, len(families)),
    )


@measure
def tier_majority(data: YearData, tier: str = "efficient", min_share: float = 0.5) -> Evaluation:
    """Did the tier (efficient: Flash, Mini, Lite... models) take more than `min_share` of the named models' tokens
    over the year, and lead the quarters? Supported: both, over the year and in most quarters (more than half);
    partly: one of the two, or a quarter led; not supported: neither."""
    rows = data.rows
    if rows.empty or not (rows["tier"].astype(str) == tier).any():
        return Evaluation({}, CANNOT, "absent")
    share = float(groups.share_by(rows, "tier").get(tier, 0.0))
    winners = groups.quarter_winners(data.tier_by_quarter, "tier")
    quarters = [{"quarter": str(q), "leader": str(t), "share": float(s)} for q, t, s in winners.itertuples(index=False)]
    led = sum(1 for q in quarters if q["leader"] == tier)
    over, most_quarters = share > min_share, 2 * led > len(quarters)
    verdict = SUPPORTED if over and most_quarters else PARTLY if over or led else NOT_SUPPORTED
    facts = {
        "daily_top": data.daily_top,
        "quarter_labels": data.quarter_labels,  # a partial quarter says how many of its days the data hold
        "classified": groups.coverage(rows, ("tier",)),
    }
    return Evaluation({"share": share, "quarters_led": led, "quarters": quarters}, verdict, facts=facts)


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
    if series.empty:
        return Evaluation({}, CANNOT, "absent")
    stats = specialists.stability(series.assign(family=family), "family").iloc[0]
    ranks = shares[(shares["family"] == family) & (shares["week_start"] >= series["week_start"].min())]
    presence = float((ranks["rank"] <= top).sum() / len(series))
    hits = (stats["cv"] <= max_cv) + (presence >= min_presence)
    return Evaluation(
        {
            "cv": float(stats["cv"]),
            "mean_share": float(stats["mean_share"]),
            "presence_in_top": presence,
            "last_share": float(series["share"].iloc[-1]),
            "peak_share": float(series["share"].max()),
        },
        _grade(hits, 2),
    )


@measure
def lab_surge(data: YearData, lab: str, split: str, min_ratio: float, families: list[str]) -> Evaluation:
    if not (data.lab_shares["lab"] == lab).any():
        return Evaluation({}, CANNOT, "absent")
    split_at = pd.Timestamp(split)
    labs = disruptors.period_share_change(data.lab_shares, "lab", split_at).set_index("lab")
    fams = disruptors.period_share_change(data.family_shares, "family", split_at).set_index("family")
    first, second = float(labs.loc[lab, "share_before"]), float(labs.loc[lab, "share_after"])
    fam_share = {f: float(fams["share_after"].get(f, 0.0)) for f in families}
    ratio = second / first if first else None
    verdict = SUPPORTED if ratio and ratio >= min_ratio else PARTLY if ratio and ratio > 1 else NOT_SUPPORTED
    return Evaluation(
        {"share_before": first, "share_after": second, "ratio": ratio, "family_share_after": fam_share}, verdict
    )


@measure
def first_appearance(data: YearData, family: str, top: int, window_start: str) -> Evaluation:
    shares = data.family_shares
    own = shares[shares["family"] == family]
    facts = {"daily_top": data.daily_top}
    if own.empty:
        return Evaluation({}, CANNOT, "absent", facts)
    in_top = own[own["rank"] <= top]
    first_seen = _day(own["week_start"].min())
    first_top = _day(in_top["week_start"].min()) if len(in_top) else None
    last_rank = int(own.sort_values("week_start")["rank"].iloc[-1])
    if first_top is None:
        verdict = PARTLY if first_seen >= window_start else NOT_SUPPORTED
    else:
        verdict = SUPPORTED if first_top >= window_start else NOT_SUPPORTED
    value = {"first_week_seen": first_seen, "first_week_in_top": first_top, "rank_in_last_week": last_rank}
    return Evaluation(value, verdict, facts=facts)


@measure
def spike_in_quarter(data: YearData, family: str, quarter: int, k: float) -> Evaluation:
    series = _family_series(data, family)
    if series.empty:
        return Evaluation({}, CANNOT, "absent")
    peak = series.loc[series["share"].idxmax()]
    jumps = specialists.spikes(series.assign(family=family), "family", k=k)
    in_quarter = jumps[week_quarter(jumps["week_start"], data.year).dt.quarter == quarter]
    peak_in_q = week_quarter(pd.Series([peak["week_start"]]), data.year).dt.quarter.iloc[0] == quarter
    return Evaluation(
        {
            "peak_share": float(peak["share"]),
            "peak_week": _day(peak["week_start"]),
            "spike_weeks": [_day(w) for w in jumps["week_start"]],
        },
        _grade(int(peak_in_q) + int(len(in_quarter) > 0), 2),
    )


@measure
def long_tail_growing(data: YearData, first_quarter: int, last_quarter: int) -> Evaluation:
    conc = data.concentration
    q = week_quarter(conc["week_start"], data.year).dt.quarter
    first, last = conc[q == first_quarter], conc[q == last_quarter]
    facts = {"top_n": data.top_n}  # "Others" is what lies outside the year's top N
    if first.empty or last.empty:
        return Evaluation({}, CANNOT, "quarters_missing", facts)
    value = {
        "others_first": float(first["others_share"].mean()),
        "others_last": float(last["others_share"].mean()),
        "other_row_first": float(first["other_row_share"].mean()),
        "other_row_last": float(last["other_row_share"].mean()),
        "models_for_90_first": float(first["models_for_90"].mean()),
        "models_for_90_last": float(last["models_for_90"].mean()),
    }
    hits = (value["others_last"] > value["others_first"]) + (value["other_row_last"] > value["other_row_first"])
    return Evaluation(value, _grade(hits, 2), facts=facts)


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
    """Token-weighted list price per million prompt tokens, quarter against quarter, over the weeks in which
    enough of the named tokens had a list price; with the mix and price effects between two lists."""
    weekly = data.weekly_price
    if weekly.empty:
        return Evaluation({}, CANNOT, "no_prices")
    q = week_quarter(weekly["week_start"], data.year).dt.quarter
    covered = weekly["priced_share"] >= min_priced_share
    first = weekly[(q == first_quarter) & covered]
    last = weekly[(q == last_quarter) & covered]
    if first.empty or last.empty:
        lowest = {"priced_share_min": float(weekly["priced_share"].min())}
        if not {first_quarter, last_quarter} <= set(q):
            return Evaluation(lowest, CANNOT, "quarters_missing")
        thin = [n for n, part in ((first_quarter, first), (last_quarter, last)) if part.empty]
        return Evaluation(lowest, CANNOT, "too_little_priced", {"thin_quarters": thin})
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
    return Evaluation(value, verdict, facts={"weeks_first": len(first), "weeks_last": len(last)})


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
    facts: dict[str, Any] = {"target_week": _day(target), "max_horizon": backtest.MAX_HORIZON}
    totals = data.all_totals
    full = totals[totals["days_present"] == 7].set_index("week_start")["total_tokens"]
    if start not in full.index:
        return Evaluation({}, CANNOT, "origin_not_full_week", facts)
    horizon = (target - start).days // 7
    if not 1 <= horizon <= backtest.MAX_HORIZON:
        return Evaluation({"horizon": horizon}, CANNOT, "beyond_horizon", facts)
    result = stored_backtest(totals[totals["week_start"] <= start])
    if result.choice is None:
        return Evaluation({}, CANNOT, "too_few_weeks", facts)
    row = result.projection[result.projection["horizon"] == horizon].iloc[0]
    value = {
        "origin": _day(start),
        "method": result.choice.method,
        "horizon": horizon,
        "target_week": _day(target),
        "projected": float(row["projected"]),
        "low": None if pd.isna(row["low"]) else float(row["low"]),
        "high": None if pd.isna(row["high"]) else float(row["high"]),
        "weekly_growth": float((row["projected"] / full[start]) ** (1 / horizon) - 1),
        "measurable_from": _day(measurable_from),
    }
    if target not in full.index:
        passed = pd.Timestamp(data.usage["date"].max()) >= target + pd.Timedelta(days=6)  # a missing day, for good
        return Evaluation(value, CANNOT, "week_incomplete" if passed else "not_yet", facts)
    if value["low"] is None:
        return Evaluation(value, CANNOT, "no_interval", facts)
    actual = int(full[target])
    value["actual"] = actual
    inside = value["low"] <= actual <= value["high"]
    verdict = SUPPORTED if inside else PARTLY if actual > full[start] else NOT_SUPPORTED
    return Evaluation(value, verdict, facts=facts)


def _series_ends(frame: pd.DataFrame, column: str) -> dict | None:
    """The first and last weeks of a weekly share series, and how many weeks it has (None when empty)."""
    if frame.empty:
        return None
    first, last = frame.iloc[0], frame.iloc[-1]
    return {
        "weeks": int(len(frame)),
        "first_share": float(first[column]),
        "first_start": _day(first["window_start"]),
        "last_share": float(last[column]),
        "last_start": _day(last["window_start"]),
        "last_end": _day(last["window_end"]),
    }


@measure
def agency_share(data: YearData, min_classified_share: float, min_agent_app_share: float) -> Evaluation:
    """The review's closing line for 2026 ("the era of autonomous AI agents is our current reality"), measured
    twice: agent + code work's share of the classified tokens (classifications/task), and the agent apps'
    share of all tokens (the cli-agent, cloud-agent and personal-agent lists, each app once, over the week's
    rankings-daily total), each in the latest week the year has. One week is a snapshot, and the verdict says so."""
    macro = data.demand.get("task_macro", pd.DataFrame())
    classified = tasks.agency_share(macro) if not macro.empty else pd.DataFrame()
    agents = data.app_subcategories
    if not agents.empty:
        agents = agents[(agents["kind"] == "group") & (agents["group"] == "agent") & agents["share"].notna()]
    facts: dict[str, Any] = {"year": data.year}
    if classified.empty and agents.empty:
        return Evaluation({}, CANNOT, "no_demand", facts)
    value: dict = {"classified_weeks": int(len(classified)), "agent_app_weeks": int(len(agents))}
    hits = 0
    if not classified.empty:
        latest = classified.iloc[-1]
        value.update(
            classified_share=float(latest["token_share"]),
            classified_window=[_day(latest["window_start"]), _day(latest["window_end"])],
        )
        hits += latest["token_share"] >= min_classified_share
    if not agents.empty:
        latest = agents.iloc[-1]
        value.update(
            agent_app_share=float(latest["share"]),
            agent_apps=int(latest["apps"]),
            agent_subcategories=latest["subcategories"],
            agent_app_window=[_day(latest["window_start"]), _day(latest["window_end"])],
        )
        hits += latest["share"] >= min_agent_app_share
    value["snapshot"] = max(len(classified), len(agents)) <= 1
    facts.update(classified=_series_ends(classified, "token_share"), agent_apps=_series_ends(agents, "share"))
    return Evaluation(value, _grade(int(hits), 2), facts=facts)

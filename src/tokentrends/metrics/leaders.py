"""Leaders: ranks over quarters and the year, weeks at #1, trajectories, share series.

Every function takes the weekly frame of weekly.weekly_shares_by: shares of the week's total tokens.
"""

from __future__ import annotations

import pandas as pd

from tokentrends.metrics.weekly import week_quarter


def top_by_quarter(shares: pd.DataFrame, key: str, n: int = 5) -> pd.DataFrame:
    """`quarter | rank | <key> | tokens | share` of the quarter's named tokens, top n per quarter."""
    quarter = week_quarter(shares["week_start"], shares["report_year"]).astype(str)
    sums = shares.assign(quarter=quarter).groupby(["quarter", key], as_index=False)["tokens"].sum()
    sums["share"] = sums["tokens"] / sums.groupby("quarter")["tokens"].transform("sum")
    sums = sums.sort_values(["quarter", "tokens"], ascending=[True, False])
    sums["rank"] = sums.groupby("quarter").cumcount() + 1
    return sums[sums["rank"] <= n][["quarter", "rank", key, "tokens", "share"]].reset_index(drop=True)


def top_for_period(shares: pd.DataFrame, key: str, n: int = 10) -> pd.DataFrame:
    """`rank | <key> | tokens | share` over all the frame's weeks."""
    sums = shares.groupby(key, as_index=False)["tokens"].sum().sort_values("tokens", ascending=False)
    sums["share"] = sums["tokens"] / sums["tokens"].sum()
    sums.insert(0, "rank", range(1, len(sums) + 1))
    return sums.head(n).reset_index(drop=True)


def weeks_at_number_one(shares: pd.DataFrame, key: str) -> pd.DataFrame:
    """`<key> | weeks_at_1`, most first."""
    first = shares[shares["rank"] == 1].groupby(key).size().sort_values(ascending=False)
    return first.rename("weeks_at_1").reset_index()


def trajectory(shares: pd.DataFrame, key: str, value: str, top: int = 10) -> dict:
    """For one model/family: first week in the top `top`, peak share and its week, share in the last week."""
    own = shares[shares[key] == value].sort_values("week_start")
    if own.empty:
        return {
            "value": value,
            "top": top,
            "weeks_present": 0,
            "first_week": None,
            "first_week_in_top": None,
            "peak_share": None,
            "peak_week": None,
            "last_week": None,
            "last_share": None,
        }
    in_top = own[own["rank"] <= top]
    peak = own.loc[own["share"].idxmax()]
    last_week = shares["week_start"].max()
    last = own[own["week_start"] == last_week]
    return {
        "value": value,
        "top": top,
        "weeks_present": int(len(own)),
        "first_week": own["week_start"].iloc[0].strftime("%Y-%m-%d"),
        "first_week_in_top": in_top["week_start"].iloc[0].strftime("%Y-%m-%d") if len(in_top) else None,
        "peak_share": float(peak["share"]),
        "peak_week": peak["week_start"].strftime("%Y-%m-%d"),
        "last_week": last_week.strftime("%Y-%m-%d"),
        "last_share": float(last["share"].iloc[0]) if len(last) else 0.0,
    }


def share_series(shares: pd.DataFrame, key: str, values: list[str]) -> pd.DataFrame:
    """`week_start | <key> | share` for the given values, with 0 for weeks they are absent (not ranked)."""
    weeks = pd.Index(sorted(shares["week_start"].unique()), name="week_start")
    frames = []
    for value in values:
        own = shares[shares[key] == value].set_index("week_start")["share"].reindex(weeks, fill_value=0.0)
        frames.append(own.reset_index().assign(**{key: value}))
    return pd.concat(frames, ignore_index=True)[["week_start", key, "share"]]

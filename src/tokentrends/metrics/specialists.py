"""Specialists: spikes in a model's share and how steady its share is."""

from __future__ import annotations

import pandas as pd


def spikes(series: pd.DataFrame, key: str, k: float = 3.0, min_weeks: int = 6) -> pd.DataFrame:
    """Weeks where a series' share jumps by more than k standard deviations of its own week-over-week changes.

    `series` is `week_start | <key> | share` (zeros where absent). Returns `<key> | week_start | share |
    change | threshold`.
    """
    found = []
    for _value, own in series.sort_values("week_start").groupby(key):
        present = own[own["share"] > 0]
        if len(present) < min_weeks:
            continue
        change = own["share"].diff()
        threshold = k * change.std()
        jumps = own[change > threshold].assign(change=change[change > threshold], threshold=threshold)
        found.append(jumps)
    if not found:
        return pd.DataFrame(columns=[key, "week_start", "share", "change", "threshold"])
    return pd.concat(found)[[key, "week_start", "share", "change", "threshold"]].reset_index(drop=True)


def stability(series: pd.DataFrame, key: str) -> pd.DataFrame:
    """`<key> | weeks | mean_share | cv` over the weeks a series is present; low cv is steady."""
    present = series[series["share"] > 0]
    out = present.groupby(key)["share"].agg(weeks="size", mean_share="mean", std_share="std").reset_index()
    out["cv"] = out["std_share"] / out["mean_share"]
    return out.drop(columns="std_share")

"""Disruptors: whose share rose between two periods, and which models entered the top late in the year."""

from __future__ import annotations

import pandas as pd

from tokentrends.metrics.groups import is_known


def period_share_change(shares: pd.DataFrame, key: str, split: pd.Timestamp) -> pd.DataFrame:
    """`<key> | share_before | share_after | change`: shares of tokens before and from `split`, by key."""
    before = shares[shares["week_start"] < split]
    after = shares[shares["week_start"] >= split]

    def share(frame: pd.DataFrame) -> pd.Series:
        # share = tokens / week total, so any row gives back its week's total
        week_totals = (frame["tokens"] / frame["share"]).groupby(frame["week_start"]).first()
        return frame.groupby(key)["tokens"].sum() / week_totals.sum()

    out = pd.concat({"share_before": share(before), "share_after": share(after)}, axis=1).fillna(0.0)
    out["change"] = out["share_after"] - out["share_before"]
    return out.sort_values("change", ascending=False).reset_index(names=key)


def steepest_gain(change: pd.DataFrame, key: str) -> dict | None:
    """The row of `period_share_change` with the largest rise among classified values (an unknown or undisclosed
    lab is not a lab that gained), or None when none rose."""
    rose = change[is_known(change[key]) & (change["change"] > 0)]
    return rose.loc[rose["change"].idxmax()].to_dict() if len(rose) else None


def late_entrants(shares: pd.DataFrame, key: str, top: int = 10, last_weeks: int = 8) -> pd.DataFrame:
    """Values whose first week in the top `top` falls in the frame's last `last_weeks` weeks.

    `<key> | entry_week | entry_share | last_share | growth_since_entry`.
    """
    weeks = sorted(shares["week_start"].unique())
    cutoff = weeks[-last_weeks] if len(weeks) >= last_weeks else weeks[0]
    first_in_top = shares[shares["rank"] <= top].groupby(key)["week_start"].min()
    late = first_in_top[first_in_top >= cutoff]
    rows = []
    for value, entry in late.items():
        own = shares[shares[key] == value].set_index("week_start")["share"]
        last = own.get(weeks[-1], 0.0)
        rows.append(
            {
                key: value,
                "entry_week": entry,
                "entry_share": float(own[entry]),
                "last_share": float(last),
                "growth_since_entry": float(last / own[entry]) if own[entry] else None,
            }
        )
    return pd.DataFrame(rows, columns=[key, "entry_week", "entry_share", "last_share", "growth_since_entry"])

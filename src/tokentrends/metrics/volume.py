"""Volume: monthly totals, growth multiples and week-over-week growth."""

from __future__ import annotations

import pandas as pd

from tokentrends.metrics.weekly import full_weeks


def monthly_totals(usage: pd.DataFrame) -> pd.DataFrame:
    """`month | days_present | total_tokens | daily_avg_tokens`; the daily average makes partial months comparable."""
    dates = pd.to_datetime(usage["date"])
    out = (
        usage.assign(month=dates.dt.to_period("M").dt.to_timestamp())
        .groupby("month", as_index=False)
        .agg(days_present=("date", "nunique"), total_tokens=("tokens", "sum"))
    )
    out["daily_avg_tokens"] = out["total_tokens"] / out["days_present"]
    return out.astype({"days_present": "int64", "total_tokens": "int64"})


def month_ratio(monthly: pd.DataFrame, later: str, earlier: str) -> float | None:
    """Ratio of daily-average tokens between two months ('2025-12', '2025-01'); None if one is missing."""
    by_month = monthly.set_index(monthly["month"].dt.strftime("%Y-%m"))["daily_avg_tokens"]
    if later not in by_month or earlier not in by_month:
        return None
    return float(by_month[later] / by_month[earlier])


def week_over_week(totals: pd.DataFrame) -> pd.DataFrame:
    """`week_start | total_tokens | growth`: growth over the previous week, for consecutive full weeks only."""
    full = full_weeks(totals).sort_values("week_start").reset_index(drop=True)
    previous = full["total_tokens"].shift(1)
    consecutive = full["week_start"].diff() == pd.Timedelta(days=7)
    full["growth"] = (full["total_tokens"] / previous - 1).where(consecutive)
    return full.dropna(subset=["growth"])[["week_start", "total_tokens", "growth"]].reset_index(drop=True)


def growth_summary(wow: pd.DataFrame) -> dict:
    """Median, 10th and 90th percentile of week-over-week growth and the share of weeks that grew."""
    growth = wow["growth"]
    if growth.empty:
        return {"weeks": 0, "median": None, "p10": None, "p90": None, "share_growing": None}
    return {
        "weeks": int(len(growth)),
        "median": float(growth.median()),
        "p10": float(growth.quantile(0.1)),
        "p90": float(growth.quantile(0.9)),
        "share_growing": float((growth > 0).mean()),
    }

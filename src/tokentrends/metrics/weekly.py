"""Weekly views of the daily usage table, as OpenRouter's rankings chart draws them.

Weeks run Monday-Sunday (UTC days). A week belongs to the year in which it starts, except the week
holding the first day of the data, which belongs to that day's year, so no day is left out of every
report. Tokens stay exact integers: every weekly figure is a sum of daily rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokentrends.inputs.sources.rankings_daily import OTHER_SLUG

OTHERS = "Others"  # the chart's "everything outside this week's top N" (not the API's `other` row)
DAYS_IN_WEEK = 7


def full_weeks(weekly: pd.DataFrame) -> pd.DataFrame:
    """The rows of a weekly frame (with `days_present`) whose week has all 7 days: the only weeks compared, so a
    week cut short by the data's edge or a missing day never reads as a drop."""
    return weekly[weekly["days_present"] == DAYS_IN_WEEK]


def daily_top(usage: pd.DataFrame) -> int:
    """The most models the data name on one day: the API's daily top N (50 on every day so far), which the prose
    states as measured rather than as typed."""
    named = usage[usage["model_permaslug"] != OTHER_SLUG]
    return int(named.groupby("date").size().max()) if len(named) else 0


def with_week(usage: pd.DataFrame) -> pd.DataFrame:
    """Add `week_start` (the Monday) and `report_year` to a `date | model_permaslug | tokens` frame.

    A frame that has both already is returned as it is: the report adds them once to the whole table
    (report/model.py), and a part of it keeps the whole table's year rule (its first day is the data's)."""
    if "week_start" in usage.columns and "report_year" in usage.columns:
        return usage
    dates = pd.to_datetime(usage["date"])
    week_start = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    first_day = dates.min()
    report_year = week_start.dt.year.where(week_start >= first_day, first_day.year)
    return usage.assign(week_start=week_start, report_year=report_year.astype(int))


def week_quarter(week_start: pd.Series, report_year: pd.Series | int) -> pd.Series:
    """The quarter a week belongs to: that of its start, within its report year, so the partial first
    week (2024-12-30 in the 2025 report) counts in the year's Q1, as the year rule counts it in 2025."""
    starts = pd.to_datetime(week_start)
    years = np.asarray(report_year, dtype="int64") - 1970  # 1 January of each, as numpy counts years from 1970
    year_start = pd.Series(np.broadcast_to(years, len(starts)).astype("datetime64[Y]"), index=starts.index)
    return starts.where(starts >= year_start, year_start).dt.to_period("Q")


def weekly_totals(usage: pd.DataFrame) -> pd.DataFrame:
    """`week_start | report_year | days_present | total_tokens`, all rows (the API `other` row included)."""
    weekly = with_week(usage)
    out = weekly.groupby(["week_start", "report_year"], as_index=False).agg(
        days_present=("date", "nunique"), total_tokens=("tokens", "sum")
    )
    return out.astype({"days_present": "int64", "total_tokens": "int64"})


def weekly_shares_by(
    usage: pd.DataFrame,
    models: pd.DataFrame | None = None,
    key: str = "model_permaslug",
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`week_start | report_year | <key> | tokens | share | rank` per week, ranked by tokens.

    key is the permaslug or a model attribute from `models` (family, lab...). Shares are of the week's
    total tokens, the API `other` row included (as on the rankings chart); the `other` row itself is
    never ranked. `totals`: weekly_totals(usage), when computed already.
    """
    named = with_week(usage[usage["model_permaslug"] != OTHER_SLUG])
    if key != "model_permaslug":
        named = named.merge(models[["model_permaslug", key]], on="model_permaslug", how="left", validate="m:1")
    out = named.groupby(["week_start", "report_year", key], as_index=False)["tokens"].sum()
    week_totals = (weekly_totals(usage) if totals is None else totals).set_index("week_start")["total_tokens"]
    out["share"] = out["tokens"] / out["week_start"].map(week_totals)
    out = out.sort_values(["week_start", "tokens", key], ascending=[True, False, True])
    out["rank"] = out.groupby("week_start").cumcount() + 1
    return out.reset_index(drop=True)


def top_n_with_others(
    usage: pd.DataFrame, n: int, ranked: pd.DataFrame | None = None, totals: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rankings chart's bars: per week the top n models plus `Others` (everything else, `other` row included).

    Columns `week_start | report_year | series | tokens | rank | days_present`; `Others` has rank n + 1. Per
    week the series sum to the week's total; `days_present` lets a chart mark a partial week. `ranked`
    (weekly_shares_by(usage)) and `totals` (weekly_totals(usage)): when computed already.
    """
    if n < 1:
        raise ValueError("top_n must be at least 1")
    totals = weekly_totals(usage) if totals is None else totals
    ranked = weekly_shares_by(usage, totals=totals) if ranked is None else ranked
    top = ranked[ranked["rank"] <= n].rename(columns={"model_permaslug": "series"})[
        ["week_start", "report_year", "series", "tokens", "rank"]
    ]
    weeks = totals.set_index("week_start")
    top_sum = top.groupby("week_start")["tokens"].sum().reindex(weeks.index, fill_value=0)
    others = pd.DataFrame(
        {
            "week_start": weeks.index,
            "report_year": weeks["report_year"].to_numpy(),
            "series": OTHERS,
            "tokens": (weeks["total_tokens"] - top_sum).to_numpy(),
            "rank": n + 1,
        }
    )
    out = pd.concat([top, others], ignore_index=True)
    out["days_present"] = out["week_start"].map(weeks["days_present"]).astype("int64")
    return out.sort_values(["week_start", "rank"]).reset_index(drop=True).astype({"tokens": "int64"})


def in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of a weekly frame (with `report_year`) whose week belongs to `year`."""
    return frame[frame["report_year"] == year].reset_index(drop=True)


def report_years(usage: pd.DataFrame) -> list[int]:
    return years_of(weekly_totals(usage))


def years_of(weekly: pd.DataFrame) -> list[int]:
    """The report years of a weekly frame (with `report_year`), in order."""
    return sorted(int(y) for y in weekly["report_year"].unique())


def headline_weeks(weekly: pd.DataFrame) -> dict:
    """First full week, peak full week, last full week and growth multiples from `weekly_totals` rows.

    Only full weeks (7 days present) count, so a partial first or last week never looks like a drop.
    """
    full = full_weeks(weekly).sort_values("week_start")
    if full.empty:
        return {
            "first_full_week": None,
            "peak_week": None,
            "last_full_week": None,
            "growth_peak_over_first": None,
            "growth_last_over_first": None,
        }

    def week(row: pd.Series) -> dict:
        return {"week_start": row["week_start"].strftime("%Y-%m-%d"), "total_tokens": int(row["total_tokens"])}

    first, last = full.iloc[0], full.iloc[-1]
    peak = full.loc[full["total_tokens"].idxmax()]
    return {
        "first_full_week": week(first),
        "peak_week": week(peak),
        "last_full_week": week(last),
        "growth_peak_over_first": float(peak["total_tokens"] / first["total_tokens"]),
        "growth_last_over_first": float(last["total_tokens"] / first["total_tokens"]),
    }


def with_share(bars: pd.DataFrame) -> pd.DataFrame:
    """Add `share`: each series' part of its week's total."""
    return bars.assign(share=bars["tokens"] / bars.groupby("week_start")["tokens"].transform("sum"))


def quarter_coverage(usage: pd.DataFrame, year: int) -> pd.DataFrame:
    """`quarter | days_present | days_in_quarter` for the quarters of `year` that hold data, counted as the report's
    quarterly figures are: by week (each week in the quarter it starts in, see week_quarter). `days_in_quarter` is
    the days of the weeks that quarter holds (from the data's first day), so the week of 28 Sep 2026 counts in Q3
    with its October days, and a quarter with fewer days present than that is partial."""
    present = pd.Series(pd.to_datetime(usage["date"]).unique())
    if present.empty:
        return pd.DataFrame({"quarter": [], "days_present": [], "days_in_quarter": []})
    last_monday = pd.Timestamp(f"{year}-12-31") - pd.Timedelta(days=pd.Timestamp(f"{year}-12-31").day_of_week)
    # Every day from the data's first one to the end of the year's last week, put in weeks by the same rule.
    calendar = pd.Series(pd.date_range(present.min(), last_monday + pd.Timedelta(days=DAYS_IN_WEEK - 1)))

    def days_per_quarter(dates: pd.Series) -> pd.Series:
        weeks = with_week(pd.DataFrame({"date": dates}))
        weeks = weeks[weeks["report_year"] == year]
        return week_quarter(weeks["week_start"], year).value_counts()

    counted, expected = days_per_quarter(present), days_per_quarter(calendar)
    quarters = sorted(counted.index)
    return pd.DataFrame(
        {
            "quarter": [str(q) for q in quarters],
            "days_present": [int(counted[q]) for q in quarters],
            "days_in_quarter": [int(expected[q]) for q in quarters],
        }
    )

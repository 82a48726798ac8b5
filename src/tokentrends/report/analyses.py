"""The story's analyses for one year, assembled from the small functions of each concern.

Each `*_analysis` returns plain numbers and small frames; `to_jsonable` turns them into figures.json form.
"""

from __future__ import annotations

import math

import pandas as pd

from tokentrends.metrics import disruptors, groups, leaders, outlook, specialists, volume, weekly
from tokentrends.report.model import YearData


def volume_analysis(data: YearData) -> dict:
    wow = volume.week_over_week(data.totals)
    year = data.year
    return {"monthly": data.monthly, "week_over_week": wow, "growth_summary": volume.growth_summary(wow),
            "december_over_january": volume.month_ratio(data.monthly, f"{year}-12", f"{year}-01")}


def leaders_analysis(data: YearData, watch: list[str]) -> dict:
    return {
        "top_models": leaders.top_for_period(data.model_shares, "model_permaslug", 10),
        "top_families": leaders.top_for_period(data.family_shares, "family", 10),
        "families_by_quarter": leaders.top_by_quarter(data.family_shares, "family", 3),
        "models_by_quarter": leaders.top_by_quarter(data.model_shares, "model_permaslug", 3),
        "weeks_at_1": leaders.weeks_at_number_one(data.model_shares, "model_permaslug"),
        "trajectories": [leaders.trajectory(data.family_shares, "family", f) for f in watch],
        "watch_series": leaders.share_series(data.family_shares, "family", watch),
    }


def efficiency_analysis(rows: pd.DataFrame) -> dict:
    """Tier shares per quarter and which tier won each quarter."""
    quarter = weekly.week_quarter(rows["week_start"], rows["report_year"]).astype(str)
    by_quarter = rows.assign(quarter=quarter).groupby(["quarter", "tier"], as_index=False)["tokens"].sum()
    by_quarter["share"] = by_quarter["tokens"] / by_quarter.groupby("quarter")["tokens"].transform("sum")
    winners = by_quarter.loc[by_quarter.groupby("quarter")["tokens"].idxmax(), ["quarter", "tier", "share"]]
    return {"tier_by_quarter": by_quarter, "winners": winners.reset_index(drop=True)}


def disruptors_analysis(data: YearData, rows: pd.DataFrame, labs: list[str], entry_top: int = 10,
                        last_weeks: int = 8) -> dict:
    split = pd.Timestamp(year=data.year, month=7, day=1)
    change = disruptors.period_share_change(data.lab_shares, "lab", split)
    steepest = change["lab"].iloc[0] if len(change) else None
    labs = labs + [steepest] if steepest and steepest not in labs else labs
    open_share = groups.weekly_share_by(rows, "open_weights")
    origin_share = groups.weekly_share_by(rows, "origin")
    series = pd.concat([
        leaders.share_series(data.lab_shares, "lab", labs).rename(columns={"lab": "series"}),
        open_share[open_share["open_weights"] == "true"].assign(series="Open weights (of named models)")
        [["week_start", "series", "share"]],
        origin_share[origin_share["origin"] == "China"].assign(series="Chinese labs (of named models)")
        [["week_start", "series", "share"]],
    ], ignore_index=True)
    return {"lab_change": change, "steepest_gain": change.iloc[0].to_dict() if len(change) else None,
            "late_entrants": disruptors.late_entrants(data.model_shares, "model_permaslug", entry_top, last_weeks),
            "entry_top": entry_top, "last_weeks": last_weeks,
            "series": series}


def specialists_analysis(data: YearData, watch: list[str], k: float = 3.0) -> dict:
    series = leaders.share_series(data.family_shares, "family", watch)
    return {"spikes": specialists.spikes(series, "family", k=k), "stability": specialists.stability(series, "family")
            .sort_values("cv").reset_index(drop=True), "k": k}


def tail_analysis(data: YearData) -> dict:
    conc = data.concentration
    first, last = conc.iloc[0], conc.iloc[-1]
    return {"weekly": conc, "first": first.to_dict(), "last": last.to_dict()}


def outlook_analysis(data: YearData, fit_weeks: int = 12, horizon: int = 13) -> dict:
    """This year's projection, scored where the data already cover it; and last year's, scored by this year."""
    all_totals = data.all_totals
    if (data.totals["days_present"] == 7).sum() < outlook.MIN_FIT_WEEKS:
        result = {"projection": pd.DataFrame(columns=["week_start", "projected", "low", "high"]), "params": None,
                  "score": None}
    else:
        projection, params = outlook.project_weekly_volume(data.totals, fit_weeks, horizon)
        result = {"projection": projection, "params": params,
                  "score": outlook.score_projection(projection, all_totals)}
    previous = all_totals[all_totals["report_year"] == data.year - 1]
    if (previous["days_present"] == 7).sum() >= outlook.MIN_FIT_WEEKS:
        prev_projection, prev_params = outlook.project_weekly_volume(previous, fit_weeks, horizon)
        result["previous"] = {"projection": prev_projection, "params": prev_params,
                              "score": outlook.score_projection(prev_projection, all_totals)}
    return result


def year_over_year(data: YearData) -> pd.DataFrame | None:
    """The headline measures of the previous year and this one, side by side (None without a previous year)."""
    previous = weekly.in_year(data.all_totals, data.year - 1)
    if previous.empty:
        return None
    before, now = weekly.headline_weeks(previous), data.headline

    def tokens(head: dict, key: str) -> float | None:
        return head[key]["total_tokens"] if head[key] else None

    rows = [("first full week (tokens)", tokens(before, "first_full_week"), tokens(now, "first_full_week")),
            ("peak week (tokens)", tokens(before, "peak_week"), tokens(now, "peak_week")),
            ("last full week (tokens)", tokens(before, "last_full_week"), tokens(now, "last_full_week")),
            ("peak over first full week", before["growth_peak_over_first"], now["growth_peak_over_first"]),
            ("last over first full week", before["growth_last_over_first"], now["growth_last_over_first"]),
            ("total tokens in the year's weeks", float(previous["total_tokens"].sum()),
             float(data.totals["total_tokens"].sum()))]
    return pd.DataFrame(rows, columns=["measure", str(data.year - 1), str(data.year)])


def to_jsonable(value: object) -> object:
    """DataFrames to records, timestamps to dates, NaN to None, recursively."""
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def tail_series(concentration: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Long form of the tail measures for a line chart: `week_start | series | share`."""
    names = {"others_share": f"Others (outside the week's top {top_n})",
             "other_row_share": "API other row (outside the daily top 50)", "top10_share": "Top 10 models"}
    long = concentration.melt(id_vars="week_start", value_vars=list(names), var_name="series", value_name="share")
    return long.assign(series=long["series"].map(names))


def price_series(weekly_price: pd.DataFrame) -> pd.DataFrame:
    """`week_start | series | usd_per_mtok` for prompt and completion list prices."""
    names = {"prompt_usd_per_mtok": "Prompt tokens", "completion_usd_per_mtok": "Completion tokens"}
    long = weekly_price.melt(id_vars="week_start", value_vars=list(names), var_name="series", value_name="usd_per_mtok")
    return long.assign(series=long["series"].map(names))


def actual_for_projection(data: YearData, projection: pd.DataFrame) -> pd.DataFrame:
    """The year's full weeks plus any full weeks the projection already covers."""
    full = data.all_totals[data.all_totals["days_present"] == 7]
    keep = full["week_start"].isin(data.totals["week_start"]) | full["week_start"].isin(projection["week_start"])
    return full[keep].reset_index(drop=True)

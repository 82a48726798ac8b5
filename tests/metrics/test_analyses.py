"""The story's analyses on small hand-checked frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tokentrends.metrics import concentration, disruptors, leaders, outlook, prices, specialists, volume, weekly
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.sections.tail import tail_series


def usage(rows):
    return pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[s]"),
            "model_permaslug": [r[1] for r in rows],
            "tokens": [r[2] for r in rows],
        }
    )


MODELS = pd.DataFrame(
    {"model_permaslug": ["a/x", "a/x:free", "b/y", "c/z"], "family": ["X", "X", "Y", "Z"], "lab": ["A", "A", "B", "C"]}
)
# Two full weeks (2025-01-06 and 2025-01-13), one row per model per Monday repeated over 7 days.
DAYS = usage(
    [
        (d.strftime("%Y-%m-%d"), slug, tokens)
        for week, spec in [
            ("2025-01-06", {"a/x": 6, "a/x:free": 2, "b/y": 1, "other": 1}),
            ("2025-01-13", {"a/x": 3, "b/y": 5, "c/z": 2, "other": 10}),
        ]
        for d in pd.date_range(week, periods=7)
        for slug, tokens in spec.items()
    ]
)


def test__monthly_totals__daily_average():
    got = volume.monthly_totals(usage([("2025-01-30", "a/x", 10), ("2025-01-31", "a/x", 20), ("2025-02-01", "a/x", 9)]))
    assert got["total_tokens"].tolist() == [30, 9]
    assert got["daily_avg_tokens"].tolist() == [15.0, 9.0]
    assert volume.month_ratio(got, "2025-02", "2025-01") == 9 / 15
    assert volume.month_ratio(got, "2025-12", "2025-01") is None


def test__week_over_week__consecutive_full_weeks_only():
    totals = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-27", "2025-02-03"]),
            "days_present": [7, 7, 7, 6],
            "total_tokens": [100, 150, 300, 10],
        }
    )
    wow = volume.week_over_week(totals)
    assert wow["week_start"].tolist() == [pd.Timestamp("2025-01-13")]  # 01-27 follows a gap, 02-03 is partial
    assert wow["growth"].tolist() == [0.5]
    assert volume.growth_summary(wow)["share_growing"] == 1.0


def test__weekly_shares_by__family_of_total_with_other_row():
    shares = weekly.weekly_shares_by(DAYS, MODELS, "family")
    week1 = shares[shares["week_start"] == "2025-01-06"].set_index("family")
    assert week1.loc["X", "tokens"] == 56  # a/x and a/x:free, 7 days
    assert week1.loc["X", "share"] == pytest.approx(8 / 10)
    assert week1["rank"].tolist() == [1, 2]


def test__top_by_quarter_and_trajectory():
    shares = weekly.weekly_shares_by(DAYS, MODELS, "model_permaslug")
    q = leaders.top_by_quarter(shares, "model_permaslug", 2)
    assert q["model_permaslug"].tolist() == ["a/x", "b/y"]
    assert q["share"].tolist() == pytest.approx([63 / 133, 42 / 133])  # of named tokens (no `other`)
    t = leaders.trajectory(shares, "model_permaslug", "b/y", top=1)
    assert t["first_week"] == "2025-01-06" and t["first_week_in_top"] == "2025-01-13"
    assert t["peak_share"] == pytest.approx(0.25) and t["last_share"] == pytest.approx(0.25)
    assert leaders.weeks_at_number_one(shares, "model_permaslug").values.tolist() == [["a/x", 1], ["b/y", 1]]
    series = leaders.share_series(shares, "model_permaslug", ["c/z"])
    assert series["share"].tolist() == pytest.approx([0.0, 0.1])


def test__weekly_concentration__hhi_and_tail():
    shares = weekly.weekly_shares_by(DAYS, MODELS, "model_permaslug")
    conc = concentration.weekly_concentration(DAYS, shares, top_n=1).set_index("week_start")
    w1 = conc.loc["2025-01-06"]
    named = np.array([6, 2, 1]) / 9
    assert w1["hhi"] == pytest.approx((named**2).sum())
    assert w1["top1_share"] == pytest.approx(0.6)
    assert w1["models_for_50"] == 1 and w1["models_for_90"] == 3
    assert w1["other_row_share"] == pytest.approx(0.1)
    assert w1["others_share"] == pytest.approx(0.4)  # a/x:free + b/y + other


def test__spikes_and_stability():
    series = pd.DataFrame(
        {
            "week_start": pd.date_range("2025-01-06", periods=10, freq="7D"),
            "family": "X",
            "share": [0.1, 0.11, 0.1, 0.11, 0.1, 0.11, 0.1, 0.5, 0.5, 0.5],
        }
    )
    found = specialists.spikes(series, "family", k=2)
    assert found["week_start"].tolist() == [pd.Timestamp("2025-02-24")]
    steady = specialists.stability(series, "family").iloc[0]
    assert steady["weeks"] == 10
    assert steady["cv"] == pytest.approx(series["share"].std() / series["share"].mean())


def test__period_share_change_and_late_entrants():
    shares = weekly.weekly_shares_by(DAYS, MODELS, "lab")
    change = disruptors.period_share_change(shares, "lab", pd.Timestamp("2025-01-13")).set_index("lab")
    assert change.loc["B", "share_before"] == pytest.approx(0.1)
    assert change.loc["B", "share_after"] == pytest.approx(0.25)
    assert change.index[0] == "B"  # steepest gain first
    models = weekly.weekly_shares_by(DAYS, MODELS, "model_permaslug")
    late = disruptors.late_entrants(models, "model_permaslug", top=3, last_weeks=1)
    assert late["model_permaslug"].tolist() == ["c/z"]


def test__price_table__free_variants_cost_zero_and_nearest_list():
    catalog = pd.DataFrame(
        {
            "model_id": ["a/x-alias"],
            "canonical_slug": ["a/x"],
            "vintage": ["models/1"],
            "as_of": ["2025-06-01T00:00:00Z"],
            "prompt_usd_per_mtok": [2.0],
            "completion_usd_per_mtok": [8.0],
        }
    )
    lists = pd.DataFrame(
        {
            "model_id": ["a/x", "b/y"],
            "vintage": ["prices/0"] * 2,
            "as_of": ["2025-01-01T00:00:00Z"] * 2,
            "prompt_usd_per_mtok": [1.0, 0.5],
            "completion_usd_per_mtok": [4.0, math.nan],
        }
    )
    table = prices.price_table(MODELS, catalog, lists)
    got = table.set_index(["model_permaslug", "vintage"])["prompt_usd_per_mtok"].to_dict()
    assert got == {
        ("a/x", "models/1"): 2.0,
        ("a/x", "prices/0"): 1.0,
        ("a/x:free", "models/1"): 0.0,
        ("a/x:free", "prices/0"): 0.0,
    }  # b/y has no completion price: not priced
    shares = weekly.weekly_shares_by(DAYS, MODELS, "model_permaslug")
    priced = prices.with_nearest_prices(shares, table)
    # January weeks are nearer the 2025-01-01 list than the 2025-06-01 catalog
    assert priced.loc[priced["model_permaslug"] == "a/x", "prompt_usd_per_mtok"].tolist() == [1.0, 1.0]
    weekly_price = prices.weekly_list_price(priced).set_index("week_start")
    assert weekly_price.loc["2025-01-06", "prompt_usd_per_mtok"] == pytest.approx((6 * 1.0 + 2 * 0.0) / 8)
    assert weekly_price.loc["2025-01-06", "priced_share"] == pytest.approx(8 / 9)


def test__mix_and_price_effect__adds_up():
    shares = weekly.weekly_shares_by(DAYS, MODELS, "model_permaslug")
    early = pd.DataFrame({"prompt_usd_per_mtok": [1.0, 3.0]}, index=["a/x", "b/y"])
    late = pd.DataFrame({"prompt_usd_per_mtok": [0.5, 3.0]}, index=["a/x", "b/y"])
    weeks = shares["week_start"].drop_duplicates()
    got = prices.mix_and_price_effect(shares, early, late, weeks[:1], weeks[1:])
    assert got["start"] == pytest.approx((6 * 1 + 1 * 3) / 7)
    assert got["end"] == pytest.approx((3 * 0.5 + 5 * 3) / 8)
    assert got["start"] + got["mix_effect"] + got["price_effect"] == pytest.approx(got["end"])


def test__project_weekly_volume__exact_exponential_and_score():
    weeks = pd.date_range("2025-01-06", periods=12, freq="7D")
    totals = pd.DataFrame(
        {"week_start": weeks, "days_present": 7, "total_tokens": (100 * 1.1 ** np.arange(12)).round()}
    )
    projection, params = outlook.project_weekly_volume(totals, fit_weeks=12, horizon=3)
    assert params["weekly_growth"] == pytest.approx(0.1, abs=1e-3)
    assert projection["week_start"].iloc[0] == weeks[-1] + pd.Timedelta(days=7)
    assert projection["projected"].iloc[0] == pytest.approx(100 * 1.1**12, rel=1e-3)
    assert (projection["low"] <= projection["projected"]).all()
    assert (projection["projected"] <= projection["high"]).all()
    later = pd.DataFrame(
        {"week_start": projection["week_start"], "days_present": 7, "total_tokens": projection["projected"] * 1.5}
    )
    score = outlook.score_projection(projection, later)
    assert score["weeks_compared"] == 3 and score["bias"] == pytest.approx(0.5)


def test__to_jsonable__frames_dates_nan():
    frame = pd.DataFrame({"week_start": [pd.Timestamp("2025-01-06")], "x": [np.float64("nan")], "n": [np.int64(3)]})
    assert to_jsonable({"f": frame}) == {"f": [{"week_start": "2025-01-06", "x": None, "n": 3}]}


def test__tail_series__named_series_with_the_measured_values():
    shares = weekly.weekly_shares_by(DAYS, MODELS, "model_permaslug")
    conc = concentration.weekly_concentration(DAYS, shares, top_n=2)
    long = tail_series(conc, 2, weekly.daily_top(DAYS)).set_index(["week_start", "series"])["share"]
    first = pd.Timestamp("2025-01-06")
    assert long[(first, "Others (outside the week's top 2)")] == pytest.approx(0.2)  # b/y + other
    assert long[(first, f"API other row (outside the daily top {weekly.daily_top(DAYS)})")] == pytest.approx(0.1)
    assert long[(first, "The week's top 2 models")] == pytest.approx(0.8)  # a/x + a/x:free: adds up with Others
    assert len(long) == 6 and long.notna().all()


def test__steepest_gain__a_classified_lab_that_rose_or_none():
    change = pd.DataFrame(
        {"lab": ["Unknown", "Google", "xAI"], "share_before": [0.1, 0.5, 0.4], "share_after": [0.3, 0.4, 0.3]}
    ).assign(change=lambda f: f["share_after"] - f["share_before"])
    assert disruptors.steepest_gain(change, "lab") is None  # only the unknown lab rose: no lab gained
    change.loc[2, ["share_after", "change"]] = [0.45, 0.05]
    assert disruptors.steepest_gain(change, "lab")["lab"] == "xAI"
    change.loc[1, ["share_after", "change"]] = [0.6, 0.1]  # a larger rise listed before it: not a matter of order
    assert disruptors.steepest_gain(change.sort_values("change"), "lab")["lab"] == "Google"

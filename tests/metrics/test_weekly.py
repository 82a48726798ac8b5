from __future__ import annotations

import pandas as pd
import pytest

from tokentrends.inputs import prepare
from tokentrends.metrics import weekly


def usage(rows):
    return pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[s]"),
            "model_permaslug": [r[1] for r in rows],
            "tokens": [r[2] for r in rows],
        }
    )


# 2025-01-01 is a Wednesday: its week starts Monday 2024-12-30.
DAYS = usage(
    [
        ("2025-01-01", "a/x", 10),
        ("2025-01-01", "b/y", 4),
        ("2025-01-01", "other", 1),
        ("2025-01-06", "a/x", 3),
        ("2025-01-06", "b/y", 9),
        ("2025-01-06", "c/z", 2),
        ("2025-01-06", "other", 5),
        ("2025-01-07", "c/z", 20),
    ]
)


def test__weekly_totals__sums_and_days_present():
    got = weekly.weekly_totals(DAYS)
    expected = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2024-12-30", "2025-01-06"]),
            "report_year": [2025, 2025],
            "days_present": [1, 2],
            "total_tokens": [15, 39],
        }
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test__top_n_with_others__top_models_then_others():
    got = weekly.top_n_with_others(DAYS, 1)
    assert got[["week_start", "series", "tokens", "rank"]].values.tolist() == [
        [pd.Timestamp("2024-12-30"), "a/x", 10, 1],
        [pd.Timestamp("2024-12-30"), weekly.OTHERS, 5, 2],
        [pd.Timestamp("2025-01-06"), "c/z", 22, 1],
        [pd.Timestamp("2025-01-06"), weekly.OTHERS, 17, 2],
    ]
    assert got["days_present"].tolist() == [1, 1, 2, 2]  # so the chart can mark a partial week


def test__top_n_with_others__the_api_other_row_is_never_a_top_model():
    only_other = usage([("2025-01-06", "other", 100), ("2025-01-06", "a/x", 1)])
    got = weekly.top_n_with_others(only_other, 1)
    assert got["series"].tolist() == ["a/x", weekly.OTHERS]
    assert got["tokens"].tolist() == [1, 100]


def test__top_n_with_others__rejects_zero():
    with pytest.raises(ValueError):
        weekly.top_n_with_others(DAYS, 0)


def test__with_share__sums_to_one_per_week():
    shares = weekly.with_share(weekly.top_n_with_others(DAYS, 2))
    assert shares.groupby("week_start")["share"].sum().round(12).tolist() == [1.0, 1.0]


def test__with_week__years_follow_the_week_start_except_the_first_week():
    rows = usage(
        [("2025-01-01", "a/x", 1), ("2025-12-31", "a/x", 1), ("2026-01-01", "a/x", 1), ("2026-01-05", "a/x", 1)]
    )
    got = weekly.with_week(rows)
    assert got["report_year"].tolist() == [2025, 2025, 2025, 2026]
    assert weekly.report_years(rows) == [2025, 2026]


def test__with_week__a_part_of_the_table_keeps_the_whole_tables_year_rule():
    rows = usage([("2025-01-01", "a/x", 1), ("2026-01-01", "a/x", 1), ("2026-01-05", "a/x", 1)])
    whole = weekly.with_week(rows)
    part = whole.iloc[1:]  # starts on Thursday 2026-01-01: on its own, its first week would count in 2026
    assert weekly.with_week(part) is part
    assert weekly.with_week(part)["report_year"].tolist() == [2025, 2026]
    assert weekly.with_week(rows.iloc[1:])["report_year"].tolist() == [2026, 2026]  # recomputed: the part's rule


def test__weekly_views__of_a_years_rows_equal_the_whole_tables_for_that_year():
    """YearData computes the year's shares, bars and totals from the year's rows only: each week's figures read
    that week's rows alone, so nothing changes for the year's weeks."""
    days = pd.date_range("2025-12-20", "2026-01-20", freq="D")
    rows = usage(
        [
            (d.strftime("%Y-%m-%d"), s, (i * 7 + j * 13) % 29 + 1)
            for i, d in enumerate(days)
            for j, s in enumerate(["a/x", "b/y", "c/z", "d/w", "other"])
        ]
    )
    whole = weekly.with_week(rows)
    for year in (2025, 2026):
        part = whole[whole["report_year"] == year]
        for view in (
            lambda u: weekly.weekly_shares_by(u),
            lambda u: weekly.with_share(weekly.top_n_with_others(u, 2)),
            weekly.weekly_totals,
        ):
            pd.testing.assert_frame_equal(weekly.in_year(view(part), year), weekly.in_year(view(whole), year))
        # what YearData passes along instead of computing it again
        totals = weekly.weekly_totals(part)
        ranked = weekly.weekly_shares_by(part, totals=totals)
        pd.testing.assert_frame_equal(ranked, weekly.weekly_shares_by(part))
        pd.testing.assert_frame_equal(
            weekly.top_n_with_others(part, 2, ranked, totals), weekly.top_n_with_others(part, 2)
        )


def test__headline_weeks__uses_full_weeks_only():
    days = pd.date_range("2025-01-06", "2025-01-26", freq="D")
    tokens = [1] * 7 + [5] * 7 + [2] * 7
    rows = usage(
        [(d.strftime("%Y-%m-%d"), "a/x", t) for d, t in zip(days, tokens, strict=True)] + [("2025-01-27", "a/x", 1000)]
    )  # a partial week with a huge value is not the peak
    head = weekly.headline_weeks(weekly.weekly_totals(rows))
    assert head["first_full_week"] == {"week_start": "2025-01-06", "total_tokens": 7}
    assert head["peak_week"] == {"week_start": "2025-01-13", "total_tokens": 35}
    assert head["last_full_week"] == {"week_start": "2025-01-20", "total_tokens": 14}
    assert head["growth_peak_over_first"] == 5.0
    assert head["growth_last_over_first"] == 2.0


def test__headline_weeks__no_full_week():
    assert weekly.headline_weeks(weekly.weekly_totals(DAYS))["peak_week"] is None


def test__weekly_totals__real_data_equal_the_daily_sums(shared_data, tmp_path):
    processed = prepare.prepare(shared_data, tmp_path)
    tidy = prepare.load_usage(processed)
    totals = weekly.weekly_totals(tidy).set_index("week_start")["total_tokens"]
    # Independent computation: plain Python over the rows.
    by_week: dict = {}
    for day, tokens in zip(pd.to_datetime(tidy["date"]), tidy["tokens"], strict=True):
        monday = (day - pd.Timedelta(days=day.weekday())).normalize()
        by_week[monday] = by_week.get(monday, 0) + int(tokens)
    assert {k: int(v) for k, v in totals.items()} == by_week
    bars = weekly.top_n_with_others(tidy, 9)
    assert (bars.groupby("week_start")["tokens"].sum() == totals).all()
    head = weekly.headline_weeks(weekly.in_year(weekly.weekly_totals(tidy), 2025))
    assert head["first_full_week"]["week_start"] == "2025-01-06"
    assert head["peak_week"]["week_start"] == "2025-11-24"


def test__week_quarter__within_the_report_year():
    weeks = pd.Series(pd.to_datetime(["2024-12-30", "2025-04-07", "2025-09-29", "2025-12-29"]))
    assert weekly.week_quarter(weeks, 2025).astype(str).tolist() == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


def test__week_quarter__takes_each_row_s_own_report_year_and_keeps_the_index():
    weeks = pd.Series(pd.to_datetime(["2024-12-30", "2025-12-29", "2025-12-29", "2026-03-30"]), index=[7, 3, 5, 1])
    years = pd.Series([2025, 2025, 2026, 2026], index=[7, 3, 5, 1])
    quarters = weekly.week_quarter(weeks, years)
    assert quarters.index.tolist() == [7, 3, 5, 1]
    # the week of 29 Dec 2025 is 2025's Q4 in the 2025 report, and 2026's Q1 where the year rule gives it to 2026
    assert quarters.astype(str).tolist() == ["2025Q1", "2025Q4", "2026Q1", "2026Q1"]


def test__daily_top__the_most_models_named_on_one_day_the_other_row_aside():
    usage = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01"] * 3 + ["2025-01-02"] * 4),
            "model_permaslug": ["a/x", "b/y", "other", "a/x", "b/y", "c/z", "other"],
            "tokens": [5, 4, 9, 5, 4, 3, 9],
        }
    )
    assert weekly.daily_top(usage) == 3
    assert weekly.daily_top(usage[usage["model_permaslug"] == "other"]) == 0

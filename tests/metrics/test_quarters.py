"""Quarter views: each quarter's leaders kept, partial quarters counted."""

from __future__ import annotations

import pandas as pd

from tokentrends.metrics.groups import top_values_per_quarter_with_rest
from tokentrends.metrics.weekly import full_weeks, quarter_coverage


def test__top_values_per_quarter_with_rest__each_quarter_keeps_its_own_leader():
    weekly = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2025-01-06", "2025-01-06", "2025-04-07", "2025-04-07"]),
            "family": ["A", "B", "A", "B"],
            "tokens": [9, 1, 1, 9],
            "share": [0.9, 0.1, 0.1, 0.9],
        }
    )
    got = top_values_per_quarter_with_rest(weekly, "family", 1, "rest", 2025)
    assert got.values.tolist() == [
        [pd.Timestamp("2025-01-06"), "A", 9, 0.9],
        [pd.Timestamp("2025-01-06"), "rest", 1, 0.1],
        [pd.Timestamp("2025-04-07"), "B", 9, 0.9],
        [pd.Timestamp("2025-04-07"), "rest", 1, 0.1],
    ]


def test__quarter_coverage__counts_the_days_of_the_weeks_each_quarter_holds():
    # 2025 data from Wed 1 Jan: the week of 30 Dec 2024 is 2025's (five days, none missing) and in Q1.
    # The week of Mon 31 Mar 2025 starts in March: Q1 runs to Sun 6 Apr.
    days = pd.date_range("2025-01-01", "2025-04-06").append(pd.date_range("2025-04-07", "2025-04-08"))
    got = quarter_coverage(pd.DataFrame({"date": days}), 2025)
    assert got.values.tolist() == [["2025Q1", 96, 96], ["2025Q2", 2, 91]]
    got = quarter_coverage(pd.DataFrame({"date": days[days != "2025-04-02"]}), 2025)
    assert got.values.tolist()[0] == ["2025Q1", 95, 96]  # a missing day in its last week makes it partial
    # 2026 to Fri 9 Oct: the week of 28 Sep (with 1-4 Oct) is Q3's, so Q4 holds the 5 days from Mon 5 Oct.
    days = pd.date_range("2025-12-29", "2026-10-09")
    got = quarter_coverage(pd.DataFrame({"date": days}), 2026).set_index("quarter")
    assert got.loc["2026Q3"].tolist() == [91, 91] and got.loc["2026Q4"].tolist() == [5, 91]
    assert got.loc["2026Q1"].tolist() == [91, 91]  # 1-4 Jan are in the week of 29 Dec 2025: 2025's


def test__full_weeks__only_weeks_with_seven_days():
    weekly = pd.DataFrame({"week_start": pd.to_datetime(["2025-01-06", "2025-01-13"]), "days_present": [7, 6]})
    assert full_weeks(weekly)["week_start"].tolist() == [pd.Timestamp("2025-01-06")]

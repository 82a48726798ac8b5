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


def test__quarter_coverage__days_present_against_days_in_quarter():
    usage = pd.DataFrame(
        {"date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-02", "2026-10-01", "2025-12-31"])}
    )
    got = quarter_coverage(usage, 2026)
    assert got.values.tolist() == [["2026Q1", 2, 90], ["2026Q4", 1, 92]]


def test__full_weeks__only_weeks_with_seven_days():
    weekly = pd.DataFrame({"week_start": pd.to_datetime(["2025-01-06", "2025-01-13"]), "days_present": [7, 6]})
    assert full_weeks(weekly)["week_start"].tolist() == [pd.Timestamp("2025-01-06")]

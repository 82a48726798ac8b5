from __future__ import annotations

from tokentrends.render import index_page


def test__sparkline__full_weeks_only():
    figures = {"weekly": [{"total_tokens": 5, "days_present": 3}, {"total_tokens": 70, "days_present": 7},
                          {"total_tokens": 80, "days_present": 7}, {"total_tokens": 20, "days_present": 2}]}
    assert index_page.full_week_totals(figures) == [70, 80]
    line = index_page.sparkline(index_page.full_week_totals(figures))
    assert line.count(",") == 2  # two points: the partial weeks at either end are left out
    assert index_page.sparkline([1]) == ""

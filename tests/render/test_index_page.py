from __future__ import annotations

import json
import re

from tokentrends.render import index_page


def test__sparkline__full_weeks_only():
    figures = {
        "weekly": [
            {"total_tokens": 5, "days_present": 3},
            {"total_tokens": 70, "days_present": 7},
            {"total_tokens": 80, "days_present": 7},
            {"total_tokens": 20, "days_present": 2},
        ]
    }
    assert index_page.full_week_totals(figures) == [70, 80]
    line = index_page.sparkline(index_page.full_week_totals(figures))
    points = re.search(r'points="([^"]+)"', line).group(1)
    assert len(points.split()) == 2  # two points: the partial weeks at either end are left out
    assert index_page.sparkline([1]) == ""


def year(y: int, weeks: list[int], partial: bool = False) -> dict:
    first, peak = weeks[0], max(weeks)
    starts = [f"{y}-01-{6 + 7 * i:02d}" for i in range(len(weeks))]
    return {
        "year": y,
        "is_partial": partial,
        "through_date": f"{y}-01-31",
        "is_synthetic": False,
        "citation": "Source: OpenRouter (openrouter.ai/rankings), as of 2026-10-11T00:27:00Z",
        "weekly": [{"week_start": s, "days_present": 7, "total_tokens": t} for s, t in zip(starts, weeks, strict=True)],
        "headline": {
            "first_full_week": {"week_start": starts[0], "total_tokens": first},
            "peak_week": {"week_start": starts[weeks.index(peak)], "total_tokens": peak},
            "last_full_week": {"week_start": starts[-1], "total_tokens": weeks[-1]},
            "growth_peak_over_first": peak / first,
            "growth_last_over_first": weeks[-1] / first,
        },
    }


def test__index__shared_scale_totals_partial_label_human_dates_no_repeats(tmp_path):
    for figures in (year(2025, [10 * 10**9, 40 * 10**9, 30 * 10**9]), year(2026, [100 * 10**9, 400 * 10**9], True)):
        (tmp_path / str(figures["year"])).mkdir()
        (tmp_path / str(figures["year"]) / "figures.json").write_text(json.dumps(figures))
    html = index_page.write_index(tmp_path).read_text()
    cards = html.split('<div class="tt-card"')[1:]
    assert len(cards) == 2
    # one log scale: both sparklines are labelled with the largest and smallest week of any year; 2025 stays low on
    # it and keeps its shape (its 10B -> 40B rise spans 38% of the height of the 10B -> 400B scale)
    assert html.count("<span>400B</span>") == 2 and html.count("<span>10B</span>") == 2
    ys = [[float(p.split(",")[1]) for p in re.search(r'points="([^"]+)"', c).group(1).split()] for c in cards]
    assert min(ys[0]) > min(ys[1]) + 20  # 2025's peak (40B) sits well below 2026's (400B)
    assert max(ys[0]) - min(ys[0]) > 0.35 * (index_page.SPARK_HEIGHT - 6)  # and its own rise is visible
    xs = [[float(p.split(",")[0]) for p in re.search(r'points="([^"]+)"', c).group(1).split()] for c in cards]
    assert xs[1][-1] < xs[0][-1] and xs[1][1] - xs[1][0] == xs[0][1] - xs[0][0]  # a week is as wide in both
    assert "<b>80B</b>" in cards[0] and "<b>500B</b>" in cards[1]  # yearly totals
    assert "2026 so far, through 31 Jan 2026" in cards[1] and "tokens in 2026&#x27;s weeks so far" in cards[1]
    assert "2026-10-11T" not in html and "11 Oct 2026, 00:27 UTC" in html
    for card in cards:  # each number once per card: the sentence adds to the cards, never repeats them
        numbers = re.findall(r"\d+(?:\.\d+)?[xTB]\b", re.sub(r"<[^>]+>", " ", card.split("</svg>")[1]))
        assert len(numbers) == len(set(numbers)), numbers
    assert "The peak is the last full week so far." in cards[1]


def test__index__a_total_of_weeks_that_miss_days_says_how_many_the_data_hold(tmp_path):
    figures = year(2025, [10 * 10**9, 40 * 10**9, 30 * 10**9])
    figures["weekly"][0]["days_present"] = 5  # the year's first week starts before its first day of data
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "figures.json").write_text(json.dumps(figures))
    html = index_page.write_index(tmp_path).read_text()
    assert "tokens in 2025&#x27;s weeks (19 of 21 days in the data)" in html
    figures["weekly"][0]["days_present"] = 7
    (tmp_path / "2025" / "figures.json").write_text(json.dumps(figures))
    assert "days in the data" not in index_page.write_index(tmp_path).read_text()

from __future__ import annotations

import pandas as pd
import pytest

from tokentrends.render import formatting
from tokentrends.render.formatting import fmt_date, fmt_multiple, fmt_pct, fmt_pcts_apart, fmt_tokens, sentence


@pytest.mark.parametrize(
    ("value", "text"),
    [(7_184_885_909_341, "7.18T"), (498_587_281_338, "499B"), (1_500_000, "1.5M"), (999, "999"), (None, "n/a")],
)
def test__fmt_tokens(value, text):
    assert fmt_tokens(value) == text


def test__fmt_multiple_pct_date():
    assert fmt_multiple(14.4104) == "14.4x"
    assert fmt_pct(0.2347) == "23.5%"
    assert fmt_date("2025-11-24") == "24 Nov 2025"


def test__sentence__escapes_values_not_template():
    out = sentence("<b>{slug}</b>", slug='evil/<script>alert("1")</script>')
    assert out == "<b>evil/&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;</b>"


def test__weekly_share_chart__unknown_and_undisclosed_are_grey_not_a_hue():
    from tokentrends.render.charts import OTHERS_COLOR, PALETTE, weekly_share_chart
    from tokentrends.render.palette import UNDISCLOSED_COLORS

    groups = ["China", "Undisclosed", "United States", "unknown", "Other countries"]
    shares = pd.DataFrame(
        {
            "week_start": pd.Timestamp("2026-01-05"),
            "origin": groups,
            "tokens": [50, 20, 15, 10, 5],
            "share": [0.5, 0.2, 0.15, 0.1, 0.05],
        }
    )
    scale = weekly_share_chart(shares, "origin", "t", rest="Other countries").to_dict()["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colour["Other countries"] == OTHERS_COLOR
    assert {colour["Undisclosed"], colour["unknown"]} == set(UNDISCLOSED_COLORS[:2])  # the greys the lab charts use too
    assert colour["China"] in PALETTE and colour["United States"] in PALETTE


def test__distinct_colors__stable_and_never_shared_within_a_chart():
    from tokentrends.render.charts import OTHERS_COLOR, PALETTE, distinct_colors, series_color

    names = [f"lab/model-{i}" for i in range(12)] + ["Others"]
    colours = distinct_colors(names)
    assert len(set(colours[:-1])) == 12 and colours[-1] == OTHERS_COLOR
    assert distinct_colors(list(reversed(names))) == list(reversed(colours))  # order of the domain does not matter
    assert distinct_colors(["a/x"]) == [series_color("a/x")] and series_color("a/x") in PALETTE


def test__distinct_colors__a_chart_of_up_to_twelve_series_has_no_lookalike_colours():
    from itertools import combinations

    from tokentrends.render.charts import MIN_COLOR_DISTANCE, PALETTE, distinct_colors
    from tokentrends.render.palette import hue_distance as color_distance

    assert color_distance("#000000", "#000000") == 0 and color_distance("#000000", "#FFFFFF") > 700
    lookalikes = [(a, b) for a, b in combinations(PALETTE, 2) if color_distance(a, b) < MIN_COLOR_DISTANCE]
    assert lookalikes  # the palette has near pairs, so this test can fail
    for names in (
        ["DeepSeek", "OpenAI", "Tencent", "Z.ai (Zhipu AI)", "Anthropic", "Google", "Xiaomi"],
        [f"lab/model-{i}" for i in range(12)],
    ):
        colours = distinct_colors(names)
        assert all(color_distance(a, b) >= MIN_COLOR_DISTANCE for a, b in combinations(colours, 2)), names


def test__token_axis__billions_read_b_not_g():
    import re

    from tokentrends.render.chart_renders import render_static
    from tokentrends.render.charts import monthly_chart

    monthly = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01", "2025-02-01"]),
            "daily_avg_tokens": [3e11, 9e11],
            "days_present": [31, 28],
        }
    )
    svg, _ = render_static({**monthly_chart(monthly, "t").to_dict(), "width": 300})
    labels = re.findall(r">([0-9.]+[A-Za-z]?)</text>", svg)
    assert "800B" in labels and not [t for t in labels if t.endswith("G")]


def test__moved__says_which_way():
    assert [formatting.moved(1, 2), formatting.moved(2, 1), formatting.moved(1.0, 1)] == ["rose", "fell", "held"]


def test__week_with_days__a_partial_week_says_its_days():
    assert formatting.week_with_days("2024-12-30", 5) == "30 Dec 2024, partial: 5 of 7 days"
    assert formatting.week_with_days("2025-01-06", 7) == "6 Jan 2025"


def test__display_text__line_breaks_of_every_kind_become_spaces_controls_and_bidi_go():
    from tokentrends.render.text import display_text

    assert display_text("a\tb\nc\rd\u2028e\u2029f") == "a b c d e f"  # U+2028/9 end a string in vega's expressions
    assert display_text("x\x00y\u202ez") == "xyz" and display_text("plain name") == "plain name"


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [
        (0.058, 0.055, ("5.8%", "5.5%")),  # one decimal tells them apart
        (0.0552, 0.0549, ("5.52%", "5.49%")),
        (0.05521, 0.05518, ("5.521%", "5.518%")),
        (0.055, 0.055, ("5.500%", "5.500%")),  # a true tie stops at the most decimals asked
    ],
)
def test__fmt_pcts_apart__the_fewest_decimals_that_show_two_shares_apart(first, second, shown):
    assert fmt_pcts_apart(first, second) == shown

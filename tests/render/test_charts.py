"""Chart data and colours: names, lab hues, partial periods, lines from their first week, the log switch."""

from __future__ import annotations

import colorsys
from itertools import combinations

import pandas as pd

from tokentrends.metrics.weekly import OTHERS
from tokentrends.render import charts, names, palette
from tokentrends.render.chart_files import ChartView
from tokentrends.render.formatting import fmt_tokens


def hue(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def bars(week_models: dict[str, dict[str, int]], days: dict[str, int] | None = None) -> pd.DataFrame:
    """Bars `week_start | series | tokens | rank | share | days_present` from {week: {slug: tokens}}."""
    rows = []
    for week, models in week_models.items():
        total = sum(models.values())
        for rank, (slug, tokens) in enumerate(models.items(), start=1):
            rows.append(
                {
                    "week_start": pd.Timestamp(week),
                    "series": slug,
                    "tokens": tokens,
                    "rank": rank,
                    "share": tokens / total,
                    "days_present": (days or {}).get(week, 7),
                }
            )
    return pd.DataFrame(rows)


MODELS = pd.DataFrame(
    {
        "model_permaslug": [
            "google/gemini-2.5-flash",
            "google/gemini-2.5-pro",
            "google/gemma-3-27b-it",
            "anthropic/claude-4.5-sonnet-20250929",
            "anthropic/claude-4.5-sonnet-20250929:free",
            "x-ai/grok-4-fast",
        ],
        "display_name": [
            "Gemini 2.5 Flash",
            "Gemini 2.5 Pro",
            "Gemma 3 27B",
            "Claude Sonnet 4.5",
            "Claude Sonnet 4.5 (free)",
            "Grok 4 Fast",
        ],
        "lab": ["Google", "Google", "Google", "Anthropic", "Anthropic", "xAI"],
        "family": [
            "Gemini 2.5 Flash",
            "Gemini 2.5 Pro",
            "Gemma 3",
            "Claude Sonnet 4.5",
            "Claude Sonnet 4.5",
            "Grok 4 Fast",
        ],
    }
)


def test__palette__a_lab_keeps_its_hue_family_in_every_chart_and_year():
    for lab in ("Google", "Anthropic", "DeepSeek", "some-new-lab"):
        shades = palette.lab_shades(lab, 4) + palette.lab_shades(lab, 2)
        assert all(palette.hue_gap(hue(c), hue(shades[0])) < 6 for c in shades), lab
        assert len(set(palette.lab_shades(lab, 4))) == 4  # shades within a lab differ
    assert palette.lab_hue("x-ai") == palette.lab_hue("xAI")  # slug prefix and lab name: one lab, one hue
    for n in (1, 2, 5, 16):  # the lab's own colour leads its shades however many models it has (any chart, any year)
        assert palette.lab_shades("Google", n)[0] == palette.lab_shades("Google", 1)[0]
        assert len(set(palette.lab_shades("Google", n))) == n
    assert palette.lab_shades("Undisclosed (stealth model)", 2)[0] in palette.UNDISCLOSED_COLORS
    big = [
        "DeepSeek",
        "Tencent",
        "Xiaomi",
        "Z.ai (Zhipu AI)",
        "OpenAI",
        "Anthropic",
        "MiniMax",
        "Google",
        "xAI",
        "NVIDIA",
    ]
    big += ["StepFun"]
    gaps = [palette.hue_gap(palette.lab_hue(a)[0], palette.lab_hue(b)[0]) for a, b in combinations(big, 2)]
    assert min(gaps) >= 25  # the labs big in 2025-2026 never share a hue


def test__stack_frame__same_lab_same_hue_across_years_and_others_grey():
    y2025 = charts.stack_frame(
        bars({"2025-01-06": {"google/gemini-2.5-flash": 50, "x-ai/grok-4-fast": 30, OTHERS: 20}}), MODELS
    )
    y2026 = charts.stack_frame(
        bars(
            {
                "2026-01-05": {
                    "anthropic/claude-4.5-sonnet-20250929": 60,
                    "google/gemini-2.5-pro": 20,
                    "google/gemini-2.5-flash": 10,
                    OTHERS: 10,
                }
            }
        ),
        MODELS,
    )
    google = [c for f in (y2025, y2026) for c in f.loc[f["lab"] == "Google", "color"]]
    assert all(palette.hue_gap(hue(c), hue(google[0])) < 6 for c in google)
    assert set(y2025.loc[y2025["series"] == OTHERS, "color"]) == {palette.OTHERS_COLOR}
    assert y2026["name"].tolist()[:1] == ["Claude Sonnet 4.5"]  # biggest lab at the bottom of the stack
    assert y2026.loc[y2026["series"] == OTHERS, "y1"].iloc[0] == 100  # Others on top, stack sums to the week


def test__legend_entries__one_entry_per_lab_a_shade_per_model():
    weeks = {
        "2025-01-06": {
            "google/gemini-2.5-flash": 50,
            "google/gemini-2.5-pro": 30,
            "google/gemma-3-27b-it": 2,
            "anthropic/claude-4.5-sonnet-20250929": 10,
            "anthropic/claude-4.5-sonnet-20250929:free": 8,
            OTHERS: 10,
        }
    }
    data = charts.stack_frame(bars(weeks), MODELS)
    entry = dict(zip(data["series"], data["entry"], strict=True))
    color = dict(zip(data["series"], data["color"], strict=True))
    assert entry["google/gemini-2.5-flash"] == entry["google/gemma-3-27b-it"] == "Google"
    assert entry["anthropic/claude-4.5-sonnet-20250929"] == "Anthropic"
    assert data["entry"].nunique() == 3  # Google, Anthropic, Others: a lab each, however many models
    google = [color[s] for s in ("google/gemini-2.5-flash", "google/gemini-2.5-pro", "google/gemma-3-27b-it")]
    assert len(set(google)) == 3 and google == palette.lab_shades("Google", 3)  # darkest for the biggest model
    # a model's :free variant shares its shade (one model for the reader), each still named in the tooltip
    assert color["anthropic/claude-4.5-sonnet-20250929:free"] == color["anthropic/claude-4.5-sonnet-20250929"]
    assert "Claude Sonnet 4.5 (free)" in set(data["name"])


def test__stack_frame__partial_weeks_and_prose_token_labels():
    data = charts.stack_frame(
        bars(
            {
                "2025-06-09": {"google/gemini-2.5-flash": 1_804_729_753_881, OTHERS: 5},
                "2025-06-16": {"google/gemini-2.5-flash": 10, OTHERS: 5},
            },
            days={"2025-06-09": 6},
        ),
        MODELS,
    )
    first = data[data["week_start"] == "2025-06-09"]
    assert first["is_partial"].all() and set(first["period_days"]) == {"partial (6 of 7 days)"}
    assert not data.loc[data["week_start"] == "2025-06-16", "is_partial"].any()
    assert fmt_tokens(1_804_729_753_881) in set(first["tokens_label"])  # as the prose writes it
    assert (first["week_end"] == "2025-06-16").all()  # a bar spans its whole week


def legend_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layer"] if "color" in layer.get("encoding", {}))


def test__weekly_stack_chart__legend_of_labs_hover_and_log_switch():
    quiet = bars(
        {
            "2025-01-06": {"google/gemini-2.5-flash": 10, "x-ai/grok-4-fast": 4, OTHERS: 5},
            "2025-01-13": {"google/gemini-2.5-flash": 12, OTHERS: 6},
        }
    )
    spec = charts.weekly_stack_chart(quiet, "t", models=MODELS).to_dict()
    key = legend_layer(spec)
    assert key["encoding"]["color"]["scale"]["domain"] == ["Google", "xAI", OTHERS]
    assert key["encoding"]["color"]["scale"]["range"] == [
        palette.lab_shades("Google", 1)[0],
        palette.lab_shades("xAI", 1)[0],
        palette.OTHERS_COLOR,
    ]
    drawn = next(layer for layer in spec["layer"] if "tooltip" in layer.get("encoding", {}))
    assert drawn["encoding"]["fill"] == {"field": "color", "type": "nominal", "scale": None}
    params = {p["name"] for layer in spec["layer"] for p in layer.get("params", [])} | {
        p["name"] for p in spec.get("params", [])
    }
    assert params == {"pick", "hover"}  # no log switch under 10x
    assert [t["title"] for t in drawn["encoding"]["tooltip"]][:3] == ["Model", "Lab", "Permaslug"]
    growth = bars(
        {
            "2025-01-06": {"google/gemini-2.5-flash": 10, OTHERS: 5},
            "2025-12-01": {"google/gemini-2.5-flash": 500, OTHERS: 100},
        }
    )
    spec = charts.weekly_stack_chart(growth, "t").to_dict()
    assert "scale" in {p["name"] for p in spec["params"]}
    assert not any("/" in entry for entry in legend_layer(spec)["encoding"]["color"]["scale"]["domain"])


def test__model_labels__unique_clean_short():
    got = names.model_labels(["a/x", "b/x", "evil/a\u202egpj.exe", "evil/nul\x00", "evil/" + "w" * 10_000], None)
    assert got["name"].is_unique
    assert not got["name"].str.contains("[\u202e\x00]").any()
    assert got["name"].str.len().max() <= names.NAME_LIMIT


def test__line_chart__no_line_before_first_week_and_named_tooltip():
    frame = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19"] * 2),
            "family": ["Old"] * 3 + ["New"] * 3,
            "share": [0.5, 0.4, 0.3, 0.0, 0.0, 0.2],
        }
    )
    kept = charts.from_first_week(frame, "family", "share")
    assert kept[kept["family"] == "New"]["week_start"].tolist() == [pd.Timestamp("2026-01-19")]
    spec = charts.line_chart(
        frame,
        "t",
        series="family",
        days=pd.DataFrame({"week_start": [pd.Timestamp("2026-01-19")], "days_present": [5]}),
    )
    layer = spec.to_dict()["layer"][0]
    assert layer["encoding"]["tooltip"][0]["title"] == "Family"
    values = spec.to_dict()["datasets"]
    rows = [r for v in values.values() for r in v]
    assert {r["period_days"] for r in rows if r["is_partial"]} == {"partial (5 of 7 days)"}


def test__line_colors__labs_in_their_hue_groups_dashed_and_distinct():
    names_ = ["DeepSeek", "xAI", "Open weights (of named models)", "Chinese labs (of named models)"]
    colours, solid = charts.line_colors(names_)
    assert colours[0] == palette.lab_shades("DeepSeek", 1)[0] and colours[1] == palette.lab_shades("xAI", 1)[0]
    assert solid == ["DeepSeek", "xAI"]  # groups are dashed beside labs
    assert all(palette.hue_distance(a, b) >= 100 for a, b in combinations(colours, 2))
    tail, solid = charts.line_colors(["Top 10 models", "Others (outside the week's top 9)", "API other row"])
    assert len(set(tail)) == 3 and len(solid) == 3


def test__monthly_chart__partial_month_marked():
    monthly = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-09-01", "2026-10-01"]),
            "days_present": [30, 9],
            "total_tokens": [300, 90],
            "daily_avg_tokens": [10.0, 10.0],
        }
    )
    data = charts.month_fields(monthly)
    assert data["is_partial"].tolist() == [False, True]
    assert data["period_days"].tolist() == ["full month (30 days)", "partial (9 of 31 days)"]


def test__chart_view__title_also_as_html_for_narrow_screens():
    from tokentrends.render.chart_files import ChartView

    chart = charts.weekly_stack_chart(bars({"2025-01-06": {"a/x": 1, OTHERS: 1}}), "A <b> title", "sub")
    html = ChartView(chart, "weekly", pd.DataFrame(), written=False)._repr_html_()
    assert '<figcaption class="tt-chart-title">A &lt;b&gt; title<span class="tt-chart-subtitle">sub' in html
    assert "max-width: 899px" in html and "delete v.title" in html  # the chart's own title only where it fits


def test__model_labels__without_a_models_table_names_and_labs_come_from_the_reference():
    got = names.model_labels(["anthropic/claude-4.5-sonnet-20250929", "openai/gpt-4.1-2025-04-14", "x-ai/grok-4-fast"])
    assert got["name"].tolist() == ["Claude Sonnet 4.5", "GPT-4.1", "Grok 4 Fast"]
    assert got["lab"].tolist() == ["Anthropic", "OpenAI", "xAI"]  # the same hue as with the models table


def test__chart_view__a_key_to_the_partial_marks_only_under_charts_that_draw_them():
    partial = bars({"2025-06-09": {"google/gemini-2.5-flash": 10, OTHERS: 5}}, days={"2025-06-09": 6})
    full = bars({"2025-06-16": {"google/gemini-2.5-flash": 10, OTHERS: 5}})
    for frame, keyed in ((partial, True), (full, False)):
        view = ChartView(charts.weekly_stack_chart(frame, "t", models=MODELS), "weekly", frame, written=False)
        assert ("Lighter bars with a dashed outline, and hollow points, are partial" in view._repr_html_()) is keyed


def test__month_domain__a_first_week_in_a_months_first_days_starts_the_axis_at_the_month():
    def frame(first: str) -> pd.DataFrame:
        return pd.DataFrame({"week": [first, "2026-03-02"], "week_end": ["2026-01-12", "2026-03-09"]})

    assert charts.month_domain(frame("2026-01-05")) == ["2026-01-01", "2026-03-09"]  # 'Jan' gets its tick
    assert charts.month_domain(frame("2024-12-30")) == ["2024-12-30", "2026-03-09"]  # no empty December


def test__chart_hues__labs_of_one_chart_never_share_a_hue_listed_labs_keep_theirs():
    fictional = ["tidal", "sample-lab", "quanta", "lumen-ai", "acme-ai", "orbit-labs", "kestrel"]
    hues = palette.chart_hues(["Google", *fictional])
    assert hues["Google"] == palette.lab_hue("Google")  # a listed lab's colour never moves
    gaps = [palette.hue_gap(hues[a][0], hues[b][0]) for a, b in combinations(hues, 2)]
    assert min(gaps) >= palette.MIN_HUE_GAP
    assert palette.chart_hues(["Google", *fictional]) == hues  # the same labs: the same hues, every time
    # a listed lab's hue is reserved even when it comes after an unlisted one that hashes next to it (2025's TNG
    # sat on MiniMax's crimson)
    pair = palette.chart_hues(["TNG Technology Consulting", "MiniMax"])
    assert pair["MiniMax"] == palette.lab_hue("MiniMax")
    assert palette.hue_gap(pair["TNG Technology Consulting"][0], pair["MiniMax"][0]) >= palette.MIN_HUE_GAP


def test__stack_frame__draws_two_unlisted_labs_apart_even_when_their_hashes_clash():
    data = charts.stack_frame(bars({"2026-01-05": {"tidal/a": 50, "sample-lab/b": 40, OTHERS: 10}}))
    colour = dict(zip(data["lab"], data["color"], strict=False))
    assert palette.lab_hue("tidal")[0] == palette.lab_hue("sample-lab")[0]  # the hash gives both one hue...
    assert palette.hue_gap(hue(colour["tidal"]), hue(colour["sample-lab"])) >= palette.MIN_HUE_GAP  # ...not drawn


def test__family_labs__each_family_s_most_common_lab_a_tie_to_the_first_by_name():
    models = pd.DataFrame(
        {
            "family": ["Gemini", "Gemini", "Gemini", "Tie", "Tie", "Unknown"],
            "lab": ["Google", "Google", "Other", "Zeta", "Alpha", None],
        }
    )
    assert charts.family_labs(models) == {"Gemini": "Google", "Tie": "Alpha"}  # no lab at all: no entry

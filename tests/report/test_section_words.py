"""Sentences of the outlook and disruptors sections: each thing named once."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from tokentrends.report.sections.outlook import choice_text


def backtest(method: str, runner_up: str) -> SimpleNamespace:
    choice = SimpleNamespace(
        method=method,
        runner_up=runner_up,
        horizon=4,
        mape=0.161,
        runner_up_mape=0.19,
        naive_mape=0.161 if method == "naive" else 0.2,
        loglinear_12_mape=0.259,
        coverage_80=0.86,
    )
    return SimpleNamespace(
        choice=choice,
        origins=38,
        record_from=pd.Timestamp("2025-01-06"),
        record_to=pd.Timestamp("2025-12-29"),
        selection_check=[],
        projection=pd.DataFrame(),
        projection_score=None,
    )


def test__choice_text__names_the_naive_baseline_once():
    chosen = choice_text(backtest("naive", "combination"))
    assert chosen.count("16.1%") == 1 and "; naive" not in chosen
    other = choice_text(backtest("drift", "combination"))
    assert "; naive 20.0%" in other and "before the backtest) 25.9%" in other
    assert "25.9%" not in choice_text(backtest("drift", "loglinear_12"))


def test__late_entrants__a_models_variants_are_named_once():
    from tokentrends.report.sections.disruptors import disruptors_text

    names = {"x-ai/grok-4.1-fast": "Grok 4.1 Fast", "x-ai/grok-4.1-fast:free": "Grok 4.1 Fast (free)"}
    context = SimpleNamespace(name=lambda slug: names[slug])
    late = pd.DataFrame(
        {
            "model_permaslug": ["x-ai/grok-4.1-fast:free", "x-ai/grok-4.1-fast"],
            "entry_week": pd.to_datetime(["2025-11-17", "2025-11-24"]),
        }
    )
    text = disruptors_text(context, SimpleNamespace(steepest_gain=None, late_entrants=late))
    assert "Grok 4.1 Fast (from 17 Nov 2025)." in text and "(free)" not in text


def test__price__says_why_its_comparison_ends_before_the_last_week():
    from tokentrends.report.sections.price import later_weeks_text

    later = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-09-28", "2026-10-05"]),
            "priced_share": [0.65, 0.79],
            "is_covered": [False, False],
            "days_present": [7, 5],
        }
    )
    text = later_weeks_text(later, pd.Series({"week_start": pd.Timestamp("2026-09-21")}), "80%")
    assert text == (
        " The comparison ends with the week of 21 Sep 2026: the 2 later weeks had 65% and 79% of their tokens "
        "priced, below 80% (the last also partial: 5 of 7 days)."
    )
    assert later_weeks_text(later.iloc[0:0], pd.Series({"week_start": pd.Timestamp("2026-09-21")}), "80%") == ""


def test__methodology__says_which_days_the_years_weeks_hold():
    from tokentrends.report.sections.method import weeks_span_text

    totals = pd.DataFrame({"week_start": pd.to_datetime(["2024-12-30", "2025-06-02", "2025-12-29"])})
    assert (
        weeks_span_text(totals, 2025) == "2025's weeks run from the week of 30 Dec 2024 to the week ending 4 Jan 2026."
    )


def test__leader_takeaway__a_lead_the_rounding_hides_is_said():
    from tokentrends.report.sections.title import leader_takeaway

    def context(shares: list[float]) -> SimpleNamespace:
        top = pd.DataFrame({"model_permaslug": ["a/x", "b/y"], "share": shares})
        return SimpleNamespace(results={"leaders": SimpleNamespace(top_models=top)}, name=lambda s: s.upper())

    # 5.5% against 5.5% would not say which is ahead: both get the decimals that tell them apart
    assert leader_takeaway(context([0.0552, 0.0549])).endswith(
        "with 5.52% of the named models' tokens, just ahead of B/Y (5.49%)."
    )
    assert leader_takeaway(context([0.058, 0.055])).endswith(
        "with 5.8% of the named models' tokens, just ahead of B/Y (5.5%)."
    )
    assert leader_takeaway(context([0.122, 0.10])).endswith("of the named models' tokens.")


def test__trajectories_table__a_peak_in_the_partial_last_week_is_marked_too():
    from tokentrends.report.sections.leaders import trajectories_table

    def row(name: str, peak_week: str) -> dict:
        return {
            "value": name,
            "top": 10,
            "first_week": "2026-04-20",
            "first_week_in_top": "2026-04-27",
            "peak_share": 0.244,
            "peak_week": peak_week,
            "last_share": 0.2,
        }

    rows = [row("Late", "2026-10-05"), row("Early", "2026-08-03")]
    partial = trajectories_table(rows, " (partial: 5 of 7 days)", "2026-10-05")
    assert "5 Oct 2026*" in partial and "3 Aug 2026*" not in partial and "share in the last week*" in partial
    assert "* The last week (partial: 5 of 7 days)." in partial
    full = trajectories_table(rows, "", "2026-10-05")
    assert "*" not in full


def test__backtest_table__says_which_way_actual_weeks_fell_and_what_each_column_means():
    from tokentrends.metrics.backtest import Accuracy
    from tokentrends.report.sections.outlook import backtest_table

    def accuracy(horizon: int, bias_pct: float) -> Accuracy:
        direction = "above" if bias_pct > 0 else "below"
        return Accuracy("naive", horizon, 20, 0.16, 1.0, 0.2, bias_pct, bias_pct, direction, 0.6, 0.86, 20)

    result = SimpleNamespace(table=(accuracy(1, 0.02), accuracy(4, -0.05), accuracy(13, 0.31)), selection_check=())
    html = backtest_table(result)
    assert "4 wk: actual vs projected" in html and ">2% above<" in html and ">5% below<" in html
    assert "Actual vs projected: how far the actual weeks came, on average, above or below the projection." in html


@pytest.mark.parametrize(
    ("bias", "direction", "said"),
    [(0.13, "above", "13% above"), (-0.003, "below", "0.3% below"), (0.0004, "above", "on the projection")],
)
def test__bias_words__a_bias_that_rounds_to_nothing_is_not_given_a_direction(bias, direction, said):
    from tokentrends.report.sections.outlook import bias_words

    assert bias_words(bias, direction) == said

"""The claims ledger's words (report/claim_words.py) against its measures (report/claims.py)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from tokentrends.report import claim_words, claims
from tokentrends.report import ledger as ledgers
from tokentrends.report.claims import CANNOT, NOT_SUPPORTED, PARTLY, SUPPORTED, Evaluation

WORDS = claim_words.WORDS


def test__every_measure_has_words_and_every_words_a_measure():
    assert set(WORDS) == set(claims.MEASURES)


@pytest.mark.parametrize("name", sorted(claims.MEASURES))
def test__words_take_the_measures_params(name):
    """The ledger passes a claim's params to both: a renamed or added param must be renamed or added in both."""
    measure = list(inspect.signature(claims.MEASURES[name]).parameters)[1:]  # after the year's data
    words = list(inspect.signature(WORDS[name]).parameters)[1:]  # after the evaluation
    assert words == measure


def _functions(module) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _cases_returned(func: ast.FunctionDef) -> set[str]:
    """The `case` strings a measure can return: Evaluation's third argument or `case=`."""
    found: set[str] = set()
    for call in ast.walk(func):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Evaluation":
            args = call.args[2:3] + [k.value for k in call.keywords if k.arg == "case"]
            found |= set().union(*(_strings(a) for a in args))
    return found


def _cases_told(func: ast.FunctionDef) -> set[str]:
    """The `case` strings a words function tells: `e.case == "..."`."""
    return {
        node.comparators[0].value
        for node in ast.walk(func)
        if isinstance(node, ast.Compare)
        and getattr(node.left, "attr", None) == "case"
        and isinstance(node.comparators[0], ast.Constant)
    }


@pytest.mark.parametrize("name", sorted(claims.MEASURES))
def test__every_case_a_measure_returns_has_its_words(name):
    assert _cases_returned(_functions(claims)[name]) == _cases_told(_functions(claim_words)[name])


def _why(name: str, value: dict, verdict: str = SUPPORTED, facts: dict | None = None, case: str = "", **params) -> str:
    return WORDS[name](Evaluation(value, verdict, case, facts or {}), **params).why


@pytest.mark.parametrize(("threshold", "direction"), [(3000, "2.8K tokens, below 3K"), (2000, "2.8K tokens, above 2K")])
def test__weekly_volume_below__says_which_side_of_the_threshold(threshold, direction):
    why = _why("weekly_volume_below", {"max_week_tokens": 2800, "weeks": 4}, month="2025-01", threshold=threshold)
    assert why.startswith("the largest of 4 full weeks carried") and why.endswith(direction)


@pytest.mark.parametrize(
    ("off", "timing", "expected"),
    [(-0.1, True, "10.0% below 8T; the timing matches"), (0.05, False, "5.0% above 8T; the timing does not match")],
)
def test__peak_near__says_below_or_above_and_the_timing(off, timing, expected):
    value = {"peak_tokens": 8e12 * (1 + off), "peak_week": "2025-11-24", "off_by": off}
    why = _why(
        "peak_near",
        value,
        PARTLY,
        {"timing_matches": timing},
        target=8 * 10**12,
        tolerance=0.1,
        window=["2025-11-10", "2025-12-07"],
    )
    assert "in the week from 24 Nov 2025" in why and why.endswith(expected)


@pytest.mark.parametrize(("off", "expected"), [(0.25, "25% more than 8x"), (-0.05, "5% less than 8x")])
def test__growth_multiple__says_more_or_less(off, expected):
    value = {"last_over_first": 8 * (1 + off), "peak_over_first": 12.0, "december_over_january": None}
    why = _why("growth_multiple", value, NOT_SUPPORTED, {"off_by": off}, target=8, tolerance=0.1)
    assert why.endswith(expected) and "December over January" not in why


@pytest.mark.parametrize(("change", "expected"), [(-0.5, "fell from $2.000 to $1.000"), (0.5, "rose from")])
def test__price_fell__says_fell_or_rose_with_the_sign(change, expected):
    value = {
        "prompt_usd_per_mtok_first": 2.0,
        "prompt_usd_per_mtok_last": 2.0 * (1 + change),
        "change": change,
        "decomposition": None,
    }
    params = {"first_quarter": 1, "last_quarter": 4, "min_drop": 0.2, "early_list": "a", "late_list": "b"}
    why = _why("price_fell", value, facts={"weeks_first": 13, "weeks_last": 12}, **params, min_priced_share=0.8)
    assert expected in why and ("(+50.0%" in why) == (change > 0) and "over 13 and 12 weeks" in why


@pytest.mark.parametrize(("actual", "where"), [(50, "inside the interval"), (90, "above"), (5, "below")])
def test__pace_continues_through__says_where_the_week_landed(actual, where):
    value = {
        "method": "drift",
        "projected": 50e12,
        "low": 10e12,
        "high": 80e12,
        "weekly_growth": 0.02,
        "actual": actual * 10**12,
    }
    facts = {"target_week": "2026-12-28", "max_horizon": 13}
    wording = WORDS["pace_continues_through"](
        Evaluation(value, SUPPORTED, facts=facts), month="2026-12", origin="2026-09-28"
    )
    assert wording.why.endswith(
        f"the week carried {actual}T, {where}" + ("" if where.startswith("inside") else " the interval")
    )
    assert "the last starting in December 2026" in wording.measured_as


def test__cannot_cases__say_why_in_the_claims_terms():
    assert (
        _why("steady_share", {}, CANNOT, case="absent", family="X", max_cv=0.5, top=3, min_presence=0.5)
        == "X is not in the data this year"
    )
    thin = WORDS["price_fell"](
        Evaluation({"priced_share_min": 0.4}, CANNOT, "too_little_priced", {"thin_quarters": [1, 4]}),
        first_quarter=1,
        last_quarter=4,
        min_drop=0.2,
        early_list="a",
        late_list="b",
        min_priced_share=0.8,
    )
    assert (
        thin.why == "too little of Q1 and Q4's tokens had a list price (no week reaches 80%; the lowest week had 40%)"
    )


def test__judge__words_state_the_measures_default_thresholds():
    """price_fell's min_priced_share has a default: a ledger that leaves it out still reads it in how it is measured."""
    params = {"first_quarter": 1, "last_quarter": 4, "min_drop": 0.2, "early_list": "a", "late_list": "b"}
    filled = ledgers.with_defaults("price_fell", params)
    assert filled["min_priced_share"] == inspect.signature(claims.price_fell).parameters["min_priced_share"].default
    assert ledgers.with_defaults("price_fell", {**params, "min_priced_share": 0.5})["min_priced_share"] == 0.5


@pytest.mark.parametrize(("first", "last", "moved"), [(0.27, 0.45, "rose"), (0.46, 0.36, "fell"), (0.3, 0.3, "held")])
def test__long_tail_and_lab_surge__say_rose_or_fell(first, last, moved):
    value = {"others_first": first, "others_last": last, "other_row_first": last, "other_row_last": first}
    why = _why("long_tail_growing", value, facts={"top_n": 9}, first_quarter=1, last_quarter=4)
    back = {"rose": "fell", "fell": "rose", "held": "held"}[moved]
    assert why.startswith(f"Others {moved} from") and f"'other' row {back} from" in why
    value = {"share_before": first, "share_after": last, "ratio": last / first, "family_share_after": {}}
    why = _why("lab_surge", value, lab="DeepSeek", split="2025-06-30", min_ratio=1.5, families=[])
    assert why.startswith(f"DeepSeek's share of tokens {moved} from")


def test__spike_in_quarter__says_which_quarter_its_spikes_fell_in():
    value = {"peak_share": 0.266, "peak_week": "2025-10-27", "spike_weeks": ["2025-09-01"]}
    why = _why("spike_in_quarter", value, PARTLY, family="Grok Code Fast 1", quarter=4, k=3)
    assert why.endswith("in the week from 1 Sep 2025 (Q3); none in Q4")
    value["spike_weeks"] = ["2025-09-01", "2025-10-27"]
    assert _why("spike_in_quarter", value, family="Grok Code Fast 1", quarter=4, k=3).endswith("27 Oct 2025 (Q4)")


def test__price_fell__says_which_way_mix_and_price_moved_it():
    value = {
        "prompt_usd_per_mtok_first": 2.0,
        "prompt_usd_per_mtok_last": 1.0,
        "change": -0.5,
        "decomposition": {
            "models_in_both": 40,
            "start": 1.6,
            "end": 0.795,
            "mix_effect": -0.822,
            "price_effect": 0.017,
        },
    }
    params = {"first_quarter": 1, "last_quarter": 4, "min_drop": 0.2}
    lists = {"early_list": "prices/2025-03-25", "late_list": "models/2026-02-27"}
    why = _why(
        "price_fell", value, facts={"weeks_first": 13, "weeks_last": 12}, **params, **lists, min_priced_share=0.8
    )
    assert (
        "on the 40 models listed in both the price list of 25 Mar 2025 and the catalog of 27 Feb 2026, whose average "
        "fell from $1.600 to $0.795, the shift in mix lowered it by $0.822 and price changes raised it by $0.017"
    ) in why  # the two effects add up to the change they split


def test__steady_share__says_which_threshold_held_and_which_failed():
    value = {"cv": 0.61, "mean_share": 0.013, "presence_in_top": 0.66, "peak_share": 0.035, "last_share": 0.004}
    why = _why("steady_share", value, NOT_SUPPORTED, family="GPT-4.1 Mini", max_cv=0.5, top=20, min_presence=0.6)
    assert "0.61 (above the 0.5 a steady share allows)" in why and "66% of its weeks (at least the 60% asked)" in why


def test__first_appearance__names_the_daily_top_the_data_have():
    why = _why("first_appearance", {}, CANNOT, {"daily_top": 40}, case="absent", family="Qwen", top=3, window_start="")
    assert why == "Qwen never appears in the daily top 40 this year"


def test__tier_majority__says_above_or_not_and_who_led_the_other_quarters():
    value = {
        "share": 0.516,
        "quarters_led": 1,
        "quarters": [
            {"quarter": "2025Q1", "leader": "frontier", "share": 0.59},
            {"quarter": "2025Q2", "leader": "frontier", "share": 0.54},
            {"quarter": "2025Q3", "leader": "efficient", "share": 0.6},
        ],
    }
    facts = {
        "daily_top": 50,
        "quarter_labels": {"2025Q2": "2025Q2 (partial: 90 of 91 days)"},
        "classified": {"tier": {"token_share": 1.0, "slug_share": 1.0}},
    }
    why = _why("tier_majority", value, PARTLY, facts, tier="efficient", min_share=0.5)
    assert why == (
        "Efficient-tier models took 51.6% of the named (daily top-50) models' tokens, above the 50% asked, and led 1 "
        "of 3 quarters (2025Q3); the frontier tier led 2025Q1, 2025Q2 (partial: 90 of 91 days)"
    )
    facts["classified"]["tier"]["token_share"] = 0.9
    value["share"] = 0.45
    why = _why("tier_majority", value, PARTLY, facts, tier="efficient", min_share=0.5)
    assert "45.0% of the named (daily top-50) models' tokens, not above the 50% asked (the tier of 90.0% of " in why

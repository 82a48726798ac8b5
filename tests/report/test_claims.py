from __future__ import annotations

import pandas as pd
import pytest

from conftest import prepared_year, small_year
from tokentrends.errors import InputError
from tokentrends.report import claims
from tokentrends.report import ledger as ledgers
from tokentrends.report.model import YearData

ISSUE_CLAIMS = {
    "january-below-1t",
    "peak-near-8t-late-november",
    "about-6t-year-end",
    "eight-x-growth",
    "flash-models-lead-mid-to-late-year",
    "flash-mini-most-volume",
    "gpt-4-1-mini-steady-staple",
    "deepseek-second-half-surge",
    "qwen-rose-open-weight",
    "qwen3-30b-a3b-late-arrival",
    "grok-code-fast-q4-spike",
    "claude-sonnet-4-steady",
    "others-long-tail-growing",
    "intelligence-tax-dropped",
}


def test__weekly_volume_below__verdicts():
    data = small_year([700, 1400, 2100, 2800])
    below = claims.MEASURES["weekly_volume_below"](data, month="2025-01", threshold=3000)
    assert below.verdict == claims.SUPPORTED and below.value["max_week_tokens"] == 2800
    above = claims.MEASURES["weekly_volume_below"](data, month="2025-01", threshold=2000)
    assert above.verdict == claims.NOT_SUPPORTED
    none = claims.MEASURES["weekly_volume_below"](data, month="2025-03", threshold=2000)
    assert none.verdict == claims.CANNOT


def test__growth_multiple__says_by_how_much():
    data = small_year([700, 1400, 7000])
    result = ledgers.judge("growth_multiple", data, {"target": 8, "tolerance": 0.1})
    assert result["value"]["last_over_first"] == pytest.approx(10.0)
    assert result["verdict"] == claims.NOT_SUPPORTED
    assert "25% more than 8x" in result["why"]
    assert claims.MEASURES["growth_multiple"](data, target=10, tolerance=0.1).verdict == claims.SUPPORTED


def test__price_fell__cannot_be_measured_without_prices():
    result = claims.MEASURES["price_fell"](
        small_year([700] * 4), first_quarter=1, last_quarter=4, min_drop=0.2, early_list="a", late_list="b"
    )
    assert result.verdict == claims.CANNOT


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("claims: [{id: a, claim: b, measure: nope}]", "unknown measure"),
        ("claims: [{id: a, claim: b}]", "needs id, claim and measure"),
        (
            "claims: [{id: a, claim: b, measure: growth_multiple}, {id: a, claim: c, measure: growth_multiple}]",
            "used twice",
        ),
        ("claims: {", "invalid YAML"),
        ("- 1", "expected a mapping"),
    ],
)
def test__load_ledger__errors_name_the_problem(tmp_path, text, reason):
    path = tmp_path / "ledger.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=reason):
        ledgers.load_ledger(path)


def test__ledger_2025__every_claim_of_the_review_evaluated(shared_data, tmp_path):
    data = prepared_year(shared_data, tmp_path, 2025)
    ledger = {c["id"]: c for c in ledgers.evaluate(ledgers.load_ledger(ledgers.ledger_path(2025)), data)}
    assert set(ledger) == ISSUE_CLAIMS
    for claim in ledger.values():
        assert claim["verdict"] in claims.VERDICTS and claim["verdict"] != claims.CANNOT, claim
        assert claim["value"] and claim["why"]
    assert ledger["january-below-1t"]["verdict"] == claims.SUPPORTED
    assert ledger["january-below-1t"]["value"]["max_week_tokens"] < 10**12
    assert ledger["eight-x-growth"]["verdict"] == claims.NOT_SUPPORTED  # the rise was larger than 8x
    assert ledger["eight-x-growth"]["value"]["last_over_first"] > 9.6
    assert ledger["peak-near-8t-late-november"]["value"]["peak_week"] == "2025-11-24"
    assert ledger["others-long-tail-growing"]["verdict"] == claims.SUPPORTED
    # cheap models took just over half the year's named tokens, yet the frontier tier led three quarters of four
    assert ledger["flash-mini-most-volume"]["verdict"] == claims.PARTLY
    assert ledger["flash-mini-most-volume"]["value"]["quarters_led"] == 1
    assert ledger["qwen-rose-open-weight"]["verdict"] == claims.SUPPORTED
    assert ledger["qwen-rose-open-weight"]["value"]["ratio"] > 2


def test__families_lead_and_lab_surge__absent_is_cannot_be_measured():
    data = small_year([700] * 30)
    lead = claims.MEASURES["families_lead"](data, families=["Nope"], months=[1, 2], top=2)
    surge = claims.MEASURES["lab_surge"](data, lab="Nope", split="2025-03-01", min_ratio=1.25, families=[])
    assert lead.verdict == surge.verdict == claims.CANNOT
    assert claims.MEASURES["families_lead"](data, families=["X"], months=[1, 2], top=1).verdict == claims.SUPPORTED


def test__price_fell__weeks_with_too_little_priced_are_left_out_and_none_left_cannot_be_measured():
    from types import SimpleNamespace

    weeks = pd.to_datetime(["2025-01-06", "2025-01-13", "2025-10-06", "2025-10-13"])
    weekly_price = pd.DataFrame(
        {
            "week_start": weeks,
            "priced_share": [0.9, 0.95, 0.5, 0.9],
            "prompt_usd_per_mtok": [2.0, 2.0, 100.0, 1.0],
            "completion_usd_per_mtok": [4.0] * 4,
        }
    )
    data = SimpleNamespace(
        year=2025,
        weekly_price=weekly_price,
        model_shares=pd.DataFrame(),
        price_table=pd.DataFrame({"vintage": [], "model_permaslug": []}),
    )
    params = {"first_quarter": 1, "last_quarter": 4, "min_drop": 0.2, "early_list": "a", "late_list": "b"}
    result = ledgers.judge("price_fell", data, params)
    assert result["value"]["prompt_usd_per_mtok_last"] == 1.0  # the 50%-priced week's $100 is left out
    assert result["verdict"] == claims.SUPPORTED and "fell from $2.000 to $1.000" in result["why"]
    low = weekly_price.assign(priced_share=[0.9, 0.9, 0.05, 0.1])
    result = ledgers.judge("price_fell", SimpleNamespace(**{**vars(data), "weekly_price": low}), params)
    assert result["verdict"] == claims.CANNOT and "too little of Q4's tokens" in result["why"]


def tiered_year(weeks: list[tuple[float, float]]) -> YearData:
    """Full weeks from 2025-01-06 (13 a quarter): an efficient and a frontier model carrying the given weekly tokens."""
    rows = []
    for i, pair in enumerate(weeks):
        for slug, tokens in zip(("a/flash", "b/big"), pair, strict=True):
            start = pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=i)
            rows += [(day, slug, round(tokens / 7)) for day in pd.date_range(start, periods=7)]
    usage = pd.DataFrame(rows, columns=["date", "model_permaslug", "tokens"])
    usage["date"] = usage["date"].astype("datetime64[s]")
    models = pd.DataFrame(
        {
            "model_permaslug": ["a/flash", "b/big"],
            "family": ["F", "B"],
            "lab": ["A", "B"],
            "tier": ["efficient", "frontier"],
        }
    )
    empty = pd.DataFrame(
        columns=["model_id", "canonical_slug", "vintage", "as_of", "prompt_usd_per_mtok", "completion_usd_per_mtok"]
    )
    return YearData(usage, models, empty, empty, 2025, 9)


@pytest.mark.parametrize(
    ("first_half", "second_half", "verdict", "led"),
    [
        ((700, 300), (700, 300), claims.SUPPORTED, 2),  # most tokens, every quarter
        ((300, 700), (900, 100), claims.PARTLY, 1),  # most tokens over the year (60%), one quarter of two
        ((300, 700), (600, 400), claims.PARTLY, 1),  # leads a quarter, 45% of the year
        ((300, 700), (300, 700), claims.NOT_SUPPORTED, 0),
    ],
)
def test__tier_majority__asks_for_most_tokens_and_most_quarters(first_half, second_half, verdict, led):
    data = tiered_year([first_half] * 13 + [second_half] * 13)  # Q1 then Q2
    result = claims.MEASURES["tier_majority"](data, tier="efficient", min_share=0.5)
    assert result.verdict == verdict and result.value["quarters_led"] == led
    assert [q["quarter"] for q in result.value["quarters"]] == ["2025Q1", "2025Q2"]
    assert claims.MEASURES["tier_majority"](data, tier="embedding").verdict == claims.CANNOT

from __future__ import annotations

import pandas as pd
import pytest

from conftest import prepared_year, small_year
from tokentrends.errors import InputError
from tokentrends.report import claims
from tokentrends.report import ledger as ledgers

ISSUE_CLAIMS = {
    "january-below-1t",
    "peak-near-8t-late-november",
    "about-6t-year-end",
    "eight-x-growth",
    "flash-models-lead-mid-to-late-year",
    "gpt-4-1-mini-steady-staple",
    "deepseek-second-half-surge",
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

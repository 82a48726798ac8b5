"""metrics/personal.py on tiny frames with hand-computed expectations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tokentrends.inputs.sources import activity
from tokentrends.metrics import personal

MON, TUE, NEXT_MON = "2025-03-03", "2025-03-04", "2025-03-10"


def rows(*specs) -> pd.DataFrame:
    """(date, slug, endpoint, provider, usage, byok, requests, prompt, completion, reasoning) -> activity rows."""
    records = [
        (pd.Timestamp(d).date(), s.split(":")[0], s, e, p, u, b, r, pt, ct, rt)
        for d, s, e, p, u, b, r, pt, ct, rt in specs
    ]
    return activity.to_frame(records)


YOURS = rows(
    (MON, "a/big", "e1", "Prov A", 1.0, 0.0, 2, 300, 100, 20),
    (MON, "a/big", "e2", "Prov B", 0.1, 2.0, 1, 500, 100, 0),  # BYOK
    (TUE, "b/small", "e3", "Prov A", 0.05, 0.0, 4, 80, 20, 0),
    (NEXT_MON, "mine/ft", "e4", "Prov C", 0.5, 0.0, 1, 900, 100, 0),
)


def year_rows() -> pd.DataFrame:
    return personal.in_year(YOURS, 2025)


def test__totals__exact_sums():
    got = personal.totals(year_rows())
    assert got["tokens"] == 400 + 600 + 100 + 1000
    assert got["reasoning_tokens"] == 20 and got["requests"] == 8
    assert got["usage_usd"] == pytest.approx(1.65) and got["byok_usd"] == 2.0
    assert got["spend_usd"] == pytest.approx(3.65)
    assert (got["days_active"], got["models"], got["providers"], got["rows"]) == (3, 3, 3, 4)


def test__weekly_activity_and_market_share():
    weekly = personal.weekly_activity(year_rows())
    assert weekly["week_start"].dt.strftime("%Y-%m-%d").tolist() == [MON, NEXT_MON]
    assert weekly["tokens"].tolist() == [1100, 1000] and weekly["days_active"].tolist() == [2, 1]
    assert weekly["spend_usd"].tolist() == pytest.approx([3.15, 0.5])
    market = pd.DataFrame({"week_start": pd.to_datetime([MON]), "total_tokens": [11_000], "days_present": [7]})
    share = personal.market_share(weekly, market)
    assert share["share"].iloc[0] == pytest.approx(0.1)
    assert math.isnan(share["share"].iloc[1])  # no market data that week: no share, never a zero


MARKET_SHARES = pd.DataFrame(
    {
        "week_start": pd.to_datetime([MON, MON, MON, NEXT_MON]),
        "model_permaslug": ["a/big", "c/top", "d/mid", "c/top"],
        "tokens": [300, 500, 100, 400],
    }
)


def test__model_mix__never_used_and_unranked():
    mix = personal.model_mix(year_rows(), MARKET_SHARES, market_total=2000)
    by_slug = mix.set_index("model_permaslug")
    assert by_slug.loc["c/top", "market_rank"] == 1 and by_slug.loc["a/big", "market_rank"] == 2
    assert by_slug.loc["a/big", "your_share"] == pytest.approx(1000 / 2100)
    assert by_slug.loc["c/top", "market_share"] == pytest.approx(0.45)
    assert personal.never_used(mix, top=2)["model_permaslug"].tolist() == ["c/top"]
    assert personal.never_used(mix, top=3)["model_permaslug"].tolist() == ["c/top", "d/mid"]
    assert sorted(personal.unranked(mix)["model_permaslug"]) == ["b/small", "mine/ft"]


def test__adoption_lag__from_the_first_ranked_week():
    market = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01", "2025-02-05", "2025-02-06", "2025-02-06"]),
            "model_permaslug": ["z/old", "a/big", "a/big", "other"],
            "tokens": [1, 1, 1, 1],
        }
    )
    lag = personal.adoption_lag(year_rows(), market).set_index("model_permaslug")
    # a/big first ranked Wed 2025-02-05 -> week of Mon 2025-02-03; you first used it 2025-03-03: 28 days
    assert lag.loc["a/big", "lag_days"] == 28
    assert bool(lag.loc["a/big", "censored"])  # 2025-03-03 is your data's first day: only a bound
    # with pulls covering from February, a first request on 2025-03-03 is exact
    covered = personal.adoption_lag(year_rows(), market, pd.Timestamp("2025-02-01")).set_index("model_permaslug")
    assert not bool(covered.loc["a/big", "censored"]) and covered.loc["a/big", "lag_days"] == 28
    assert math.isnan(lag.loc["mine/ft", "lag_days"])  # never ranked
    assert not bool(lag.loc["mine/ft", "censored"])


def test__paid_vs_list__blends_list_prices_with_your_split():
    weekly = personal.weekly_activity(year_rows())
    price = pd.DataFrame(
        {
            "week_start": pd.to_datetime([MON]),
            "priced_share": [0.9],
            "prompt_usd_per_mtok": [1.0],
            "completion_usd_per_mtok": [4.0],
        }
    )
    got = personal.paid_vs_list(weekly, price)
    first = got.iloc[0]
    assert first["paid_usd_per_mtok"] == pytest.approx(1.15 / 1100 * 1e6)
    assert first["spend_usd_per_mtok"] == pytest.approx(3.15 / 1100 * 1e6)
    # prompt 880 x $1 + completion 220 x $4 per million, over 1100 tokens
    assert first["market_list_usd_per_mtok"] == pytest.approx((880 * 1.0 + 220 * 4.0) / 1100)
    assert math.isnan(got.iloc[1]["market_list_usd_per_mtok"])


def test__what_if_same_tier__prices_each_tier_at_its_most_used_model():
    tiers = pd.DataFrame(
        {
            "model_permaslug": ["a/big", "b/small", "mine/ft", "c/top", "d/mid", "e/cheap"],
            "tier": ["frontier", "efficient", "efficient", "frontier", "frontier", "efficient"],
        }
    )
    priced = pd.DataFrame(
        {
            "week_start": pd.to_datetime([MON, MON, MON, MON]),
            "model_permaslug": ["c/top", "d/mid", "e/cheap", "a/big"],
            "tokens": [500, 900, 50, 300],
            "prompt_usd_per_mtok": [2.0, float("nan"), 0.1, 3.0],  # d/mid is the biggest but has no price
            "completion_usd_per_mtok": [8.0, float("nan"), 0.4, 12.0],
        }
    )
    bench = personal.tier_benchmarks(priced, tiers)
    assert bench[["tier", "model_permaslug"]].values.tolist() == [["efficient", "e/cheap"], ["frontier", "c/top"]]
    got = personal.what_if_same_tier(year_rows(), tiers, bench).set_index(pd.Index([MON, NEXT_MON], name="week"))
    # MON: frontier a/big prompt 800, completion 200 at c/top's $2/$8; efficient b/small 80/20 at $0.1/$0.4
    assert got.loc[MON, "what_if_usd"] == pytest.approx((800 * 2 + 200 * 8 + 80 * 0.1 + 20 * 0.4) / 1e6)
    assert got.loc[MON, "spend_usd"] == pytest.approx(3.15) and got.loc[MON, "priced_tokens"] == 1100
    # NEXT_MON: no benchmark that week, so nothing is priced and nothing is claimed
    assert got.loc[NEXT_MON, "priced_tokens"] == 0 and got.loc[NEXT_MON, "what_if_usd"] == 0
    assert got["tokens"].tolist() == [1100, 1000]


def test__reasoning_providers_byok():
    year = year_rows()
    weekly = personal.weekly_activity(year)
    assert personal.reasoning_share(weekly)["share"].tolist() == pytest.approx([20 / 220, 0.0])
    prov = personal.providers(year)
    assert prov["provider_name"].tolist() == ["Prov C", "Prov B", "Prov A"]
    assert prov["share"].tolist() == pytest.approx([1000 / 2100, 600 / 2100, 500 / 2100])
    byok = personal.byok_share(year)
    assert byok == {
        "token_share": pytest.approx(600 / 2100),
        "spend_share": pytest.approx(2.0 / 3.65),
        "providers": ["Prov B"],
    }


def test__tier_share_by_quarter():
    year = year_rows()
    year = pd.concat(
        [year, personal.in_year(rows(("2025-07-01", "b/small", "e3", "Prov A", 0, 0, 1, 30, 10, 0)), 2025)],
        ignore_index=True,
    )
    tiers = pd.DataFrame(
        {"model_permaslug": ["a/big", "b/small", "mine/ft"], "tier": ["frontier", "efficient", "efficient"]}
    )
    got = personal.tier_share_by_quarter(year, tiers, 2025)
    assert got.tolist() == pytest.approx([1100 / 2100, 1.0])
    assert [str(q) for q in got.index] == ["2025Q1", "2025Q2"]  # Tue 2025-07-01 is in the week of Mon 30 June

"""Statements about you, checked: each a measure on your data and the market's, with the public ledger's
verdicts (supported, partly, not supported, cannot be measured) and one sentence of why."""

from __future__ import annotations

from dataclasses import dataclass

from tokentrends.metrics import personal
from tokentrends.metrics.weekly import week_quarter
from tokentrends.render.formatting import fmt_pct, moved, sentence
from tokentrends.report.claims import CANNOT, NOT_SUPPORTED, PARTLY, SUPPORTED
from tokentrends.report.personal.common import quarter_text
from tokentrends.report.personal.context import PersonalContext, year_adoption
from tokentrends.report.section import Block, Section
from tokentrends.report.sections.claims import claims_table

ADOPTION_DAYS = 30  # "picked up soon": within this many days of a model's first week in the top 50


@dataclass(frozen=True)
class Finding:
    """A statement's result, words included: these four measures keep their sentences beside their numbers (the
    public ledger's measures return numbers only, their words in claim_words.py)."""

    measure: str  # how it was measured, in words
    value: dict
    verdict: str
    why: str


def efficient_faster(context: PersonalContext) -> Finding:
    """Your efficient-tier share from your first to your last quarter, against the market's over the same quarters."""
    how = "efficient-tier share of tokens, first vs last quarter of your year, yours against the market's"
    tiers = context.attributes[["model_permaslug", "tier"]]
    yours = personal.tier_share_by_quarter(context.rows, tiers, context.year)
    market = personal.tier_share_by_quarter(context.market.rows, tiers, context.year)
    quarters = [q for q in yours.index if q in market.index]
    if len(quarters) < 2:
        return Finding(how, {}, CANNOT, "your activity and the market's share fewer than two quarters")
    first, last = quarters[0], quarters[-1]
    mine, theirs = float(yours[last] - yours[first]), float(market[last] - market[first])
    value = {
        "first_quarter": str(first),
        "last_quarter": str(last),
        "yours": [float(yours[first]), float(yours[last])],
        "market": [float(market[first]), float(market[last])],
        "your_change": mine,
        "market_change": theirs,
    }
    verdict = SUPPORTED if mine > max(theirs, 0) else PARTLY if mine > 0 else NOT_SUPPORTED
    why = (
        f"from {quarter_text(first)} to {quarter_text(last)} your efficient-tier share "
        f"{moved(yours[first], yours[last])} from {fmt_pct(yours[first])} to {fmt_pct(yours[last])}, the market's "
        f"{moved(market[first], market[last])} from {fmt_pct(market[first])} to "
        f"{fmt_pct(market[last])}"
    )
    return Finding(how, value, verdict, why)


def quick_adopter(context: PersonalContext) -> Finding:
    daily = context.market.data.daily_top
    how = (
        f"models with an exact adoption lag picked up within {ADOPTION_DAYS} days of their first week in the top "
        f"{daily}"
    )
    lags = year_adoption(context).dropna(subset=["lag_days"])
    exact = lags[~lags["censored"]]
    if exact.empty:
        return Finding(how, {}, CANNOT, f"no model you used this year entered the top {daily} within both data spans")
    quick = int((exact["lag_days"] <= ADOPTION_DAYS).sum())
    verdict = SUPPORTED if quick == len(exact) else PARTLY if quick else NOT_SUPPORTED
    return Finding(
        how,
        {"quick": quick, "models": int(len(exact)), "median_lag_days": float(exact["lag_days"].median())},
        verdict,
        f"{quick} of {len(exact)} models within {ADOPTION_DAYS} days; median lag "
        f"{int(exact['lag_days'].median())} days",
    )


def below_list(context: PersonalContext) -> Finding:
    how = "weeks in which your spend per million tokens (BYOK included) was below the market's list price, your split"
    if context.weekly_price.empty:
        return Finding(how, {}, CANNOT, "no price list matches the market's models")
    weekly = personal.paid_vs_list(context.weekly, context.weekly_price).dropna(subset=["market_list_usd_per_mtok"])
    if weekly.empty:
        return Finding(how, {}, CANNOT, "no week has both your spend and a market list price")
    below = int((weekly["spend_usd_per_mtok"] < weekly["market_list_usd_per_mtok"]).sum())
    verdict = SUPPORTED if below == len(weekly) else PARTLY if below else NOT_SUPPORTED
    return Finding(
        how,
        {"weeks_below": below, "weeks": int(len(weekly))},
        verdict,
        f"below the market's list price in {below} of {len(weekly)} weeks",
    )


def share_grew(context: PersonalContext) -> Finding:
    how = "your tokens as a share of the market's, your first quarter against your last"

    share = personal.market_share(context.weekly, context.market.data.totals).dropna(subset=["market_tokens"])
    if share.empty:
        return Finding(how, {}, CANNOT, "no week has both your activity and market data")
    quarter = week_quarter(share["week_start"], context.year)
    sums = share.groupby(quarter)[["tokens", "market_tokens"]].sum()
    if len(sums) < 2:
        return Finding(how, {}, CANNOT, "fewer than two quarters")
    ratio = sums["tokens"] / sums["market_tokens"]
    first, last = ratio.index[0], ratio.index[-1]
    verdict = SUPPORTED if ratio[last] > ratio[first] else NOT_SUPPORTED
    return Finding(
        how,
        {"first": float(ratio[first]), "last": float(ratio[last])},
        verdict,
        f"your share {moved(ratio[first], ratio[last])} from {ratio[first] * 1e6:,.2f} tokens per million market "
        f"tokens in {quarter_text(first)} to {ratio[last] * 1e6:,.2f} in {quarter_text(last)}",
    )


STATEMENTS = (
    ("efficient-faster", "You moved to efficient-tier models faster than the market.", efficient_faster),
    (
        "quick-adopter",
        f"You picked up new models within {ADOPTION_DAYS} days of their first appearing in the market's daily ranking.",
        quick_adopter,
    ),
    ("below-list", "You paid less per million tokens than the market's list price for the same tokens.", below_list),
    ("share-grew", "Your share of the market's tokens grew over the year.", share_grew),
)


@dataclass(frozen=True)
class Statements:
    verdicts: list[dict]  # [{id, claim, measure, value, verdict, why}], as the public claims ledger


def compute(context: PersonalContext) -> Statements:
    out = []
    for key, claim, measure in STATEMENTS:
        result = measure(context)
        out.append(
            {
                "id": key,
                "claim": claim,
                "measure": result.measure,
                "value": result.value,
                "verdict": result.verdict,
                "why": result.why,
            }
        )
    return Statements(out)


def blocks(context: PersonalContext, statements: Statements) -> list[Block]:
    return [
        sentence(
            "<p>Statements about your year, each measured on your data against the market's, with the "
            "verdicts the public report gives the review's claims.</p>"
        ),
        claims_table(statements.verdicts),
    ]


def figures(context: PersonalContext, statements: Statements) -> dict:
    return {"ledger": statements.verdicts}


SECTION = Section("ledger", "Statements about you, checked", compute, blocks, figures)

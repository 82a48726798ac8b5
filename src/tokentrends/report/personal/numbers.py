"""Your year in numbers: exact totals, and your share of the market's tokens over the same weeks."""

from __future__ import annotations

from dataclasses import dataclass

from tokentrends.metrics import personal
from tokentrends.render.formatting import esc, fmt_tokens, sentence
from tokentrends.report.personal.common import fmt_usd
from tokentrends.report.personal.context import PersonalContext
from tokentrends.report.section import Block, Section


@dataclass(frozen=True)
class Numbers:
    totals: dict  # metrics.personal.totals: exact sums of the merged rows
    market_share: float | None  # your tokens / the market's, over the weeks both have


def compute(context: PersonalContext) -> Numbers:
    share = personal.market_share(context.weekly, context.market.data.totals).dropna(subset=["market_tokens"])
    market = share["market_tokens"].sum()
    return Numbers(personal.totals(context.rows), float(share["tokens"].sum() / market) if market else None)


def per_million(share: float | None) -> str:
    """A share far below a percent, read as tokens per million (four significant digits)."""
    return "n/a" if share is None else f"{share * 1e6:,.4g}"


def blocks(context: PersonalContext, numbers: Numbers) -> list[Block]:
    t = numbers.totals
    cards = [
        ("tokens", fmt_tokens(t["tokens"])),
        ("requests", f"{t['requests']:,}"),
        ("spent", fmt_usd(t["spend_usd"])),
        ("models", str(t["models"])),
        ("providers", str(t["providers"])),
    ]
    html = (
        '<div class="tt-headline">'
        + "".join(f"<div><b>{esc(v)}</b><span>{esc(k)}</span></div>" for k, v in cards)
        + "</div>"
    )
    text = sentence(
        "<p>From {first} to {through} you sent <b>{tokens}</b> tokens ({prompt} prompt, {completion} completion) in "
        "{requests} requests on {days} days, and spent <b>{spend}</b>: {usage} billed by OpenRouter and {byok} by "
        "the providers you bring your own key to. That is <b>{share}</b> tokens in every million OpenRouter's rankings "
        "counted in the same weeks.</p>",
        first=context.span["first_date"],
        through=context.span["through_date"],
        tokens=f"{t['tokens']:,}",
        prompt=fmt_tokens(t["prompt_tokens"]),
        completion=fmt_tokens(t["completion_tokens"]),
        requests=f"{t['requests']:,}",
        days=t["days_active"],
        spend=fmt_usd(t["spend_usd"]),
        usage=fmt_usd(t["usage_usd"]),
        byok=fmt_usd(t["byok_usd"]),
        share=per_million(numbers.market_share),
    )
    return [html, text]


def figures(context: PersonalContext, numbers: Numbers) -> dict:
    return {"totals": numbers.totals, "market_share_year": numbers.market_share}


SECTION = Section("numbers", "Your year in numbers", compute, blocks, figures)

"""Volume: your weekly tokens, requests and spend, and your share of the market's weekly tokens."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import personal
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_date, sentence
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.personal.context import PersonalContext
from tokentrends.report.section import Block, Chart, Section


@dataclass(frozen=True)
class Volume:
    weekly: pd.DataFrame  # weekly_activity + market_tokens, share


def compute(context: PersonalContext) -> Volume:
    share = personal.market_share(context.weekly, context.market.data.totals)
    return Volume(
        context.weekly.merge(
            share[["week_start", "market_tokens", "market_days", "share"]], on="week_start", how="left", validate="1:1"
        )
    )


def long(weekly: pd.DataFrame, columns: dict[str, str], value: str) -> pd.DataFrame:
    out = weekly[["week_start", *columns]].melt(
        id_vars="week_start", value_vars=list(columns), var_name="series", value_name=value
    )
    return out.assign(series=out["series"].map(columns))


def blocks(context: PersonalContext, volume: Volume) -> list[Block]:
    weekly = volume.weekly
    busiest = weekly.loc[weekly["tokens"].idxmax()]
    shared = weekly.dropna(subset=["share"])
    out: list[Block] = [
        sentence(
            "<p>Your busiest week started {week}, with {tokens} tokens in {requests} "
            "requests. Your share of the market "
            "moved from {first} to {last} tokens in every million between your first "
            "and last week with market data.</p>",
            week=fmt_date(busiest["week_start"]),
            tokens=f"{int(busiest['tokens']):,}",
            requests=f"{int(busiest['requests']):,}",
            first=f"{shared['share'].iloc[0] * 1e6:,.1f}" if len(shared) else "n/a",
            last=f"{shared['share'].iloc[-1] * 1e6:,.1f}" if len(shared) else "n/a",
        )
    ]
    tokens = long(weekly, {"prompt_tokens": "Prompt tokens", "completion_tokens": "Completion tokens"}, "tokens")
    out.append(
        Chart(
            "your-weekly-tokens",
            line_chart(
                tokens,
                f"Your weekly tokens, {context.label}",
                context.note,
                y_title="Tokens",
                y_format="~s",
                value="tokens",
            ),
            tokens,
        )
    )
    spend = long(weekly, {"usage_usd": "Billed by OpenRouter", "byok_usd": "Billed by your BYOK providers"}, "usd")
    out.append(
        Chart(
            "your-weekly-spend",
            line_chart(
                spend,
                f"Your weekly spend (USD), {context.label}",
                context.note,
                y_title="USD",
                y_format="$.2f",
                value="usd",
            ),
            spend,
        )
    )
    per_million = shared.assign(series="Your tokens per million market tokens", per_million=shared["share"] * 1e6)[
        ["week_start", "series", "per_million"]
    ]
    if len(per_million):
        out.append(
            Chart(
                "your-market-share",
                line_chart(
                    per_million,
                    f"Your share of the market's weekly tokens, {context.label}",
                    context.note,
                    y_title="Per million market tokens",
                    y_format=",.1f",
                    value="per_million",
                ),
                per_million,
            )
        )
    return out


def figures(context: PersonalContext, volume: Volume) -> dict:
    return {"weekly": to_jsonable(volume.weekly)}


SECTION = Section("volume", "Your volume next to the market", compute, blocks, figures)

"""Reasoning tokens, who served your tokens, and how much went through your own provider keys (BYOK)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import personal
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_pct, fmt_tokens, sentence
from tokentrends.render.html import table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.personal.common import fmt_usd
from tokentrends.report.personal.context import PersonalContext
from tokentrends.report.section import Block, Chart, Section


@dataclass(frozen=True)
class Habits:
    reasoning: pd.DataFrame  # metrics.personal.reasoning_share per week
    reasoning_year: float | None
    providers: pd.DataFrame
    byok: dict


def compute(context: PersonalContext) -> Habits:
    reasoning = personal.reasoning_share(context.weekly)
    completion = int(context.weekly["completion_tokens"].sum())
    year = float(context.weekly["reasoning_tokens"].sum() / completion) if completion else None
    return Habits(reasoning, year, personal.providers(context.rows), personal.byok_share(context.rows))


def blocks(context: PersonalContext, habits: Habits) -> list[Block]:
    prov = habits.providers
    out: list[Block] = [
        sentence(
            "<p>Reasoning tokens were <b>{reasoning}</b> of your completion tokens. {n} served your tokens, "
            "<b>{top}</b> the most ({top_share}). With your own provider keys (BYOK, through {byok_providers}) went "
            "<b>{byok_tokens}</b> of your tokens and <b>{byok_spend}</b> of your spend.</p>",
            reasoning=fmt_pct(habits.reasoning_year),
            n=f"{len(prov)} provider" + ("s" if len(prov) != 1 else ""),
            top=prov["provider_name"].iloc[0],
            top_share=fmt_pct(prov["share"].iloc[0]),
            byok_providers=", ".join(habits.byok["providers"]) or "none",
            byok_tokens=fmt_pct(habits.byok["token_share"]),
            byok_spend=fmt_pct(habits.byok["spend_share"]),
        )
    ]
    series = habits.reasoning.dropna(subset=["share"]).assign(series="Reasoning share of completion tokens")
    if len(series):
        out.append(
            Chart(
                "your-reasoning",
                line_chart(
                    series[["week_start", "series", "share"]],
                    f"Reasoning tokens as a share of your completion tokens, {context.label}",
                    context.note,
                    y_title="Share",
                ),
                series,
            )
        )
    out.append(
        table(
            pd.DataFrame(
                {
                    "Provider": prov["provider_name"],
                    "Tokens": prov["tokens"].map(fmt_tokens),
                    "Share": prov["share"].map(fmt_pct),
                    "Requests": prov["requests"].map(lambda v: f"{int(v):,}"),
                    "Spend": prov["spend_usd"].map(fmt_usd),
                    "of which BYOK": prov["byok_usd"].map(fmt_usd),
                }
            ),
            numeric=("Tokens", "Share", "Requests", "Spend", "of which BYOK"),
        )
    )
    return out


def figures(context: PersonalContext, habits: Habits) -> dict:
    return {
        "habits": to_jsonable(
            {
                "reasoning_weekly": habits.reasoning,
                "reasoning_share": habits.reasoning_year,
                "providers": habits.providers,
                "byok": habits.byok,
            }
        )
    }


SECTION = Section("habits", "Reasoning, providers and BYOK", compute, blocks, figures)

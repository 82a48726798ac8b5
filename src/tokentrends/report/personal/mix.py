"""Your models next to the market's: mix, the market's leaders you never used, your unranked models, and how
soon you picked up models after they entered the market's top 50."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import personal
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import esc, fmt_date, fmt_pct, sentence
from tokentrends.render.html import subheading, table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.personal.context import PersonalContext, year_adoption
from tokentrends.report.section import Block, Chart, Section

SHOWN = 12  # rows of the mix table
LINES = 6  # models drawn in the weekly mix chart


@dataclass(frozen=True)
class Mix:
    mix: pd.DataFrame  # metrics.personal.model_mix
    never_used: pd.DataFrame
    unranked: pd.DataFrame
    adoption: pd.DataFrame  # metrics.personal.adoption_lag
    weekly: pd.DataFrame  # week_start | series | share of your weekly tokens, your largest models


def compute(context: PersonalContext) -> Mix:
    market_total = int(context.market.data.totals["total_tokens"].sum())
    mix = personal.model_mix(context.rows, context.market.data.model_shares, market_total)
    by_week = context.rows.groupby(["week_start", "model_permaslug"], as_index=False)["tokens"].sum()
    by_week["share"] = by_week["tokens"] / by_week.groupby("week_start")["tokens"].transform("sum")
    leaders = mix[mix["your_tokens"] > 0]["model_permaslug"].head(LINES)
    lines = by_week[by_week["model_permaslug"].isin(leaders)]
    lines = lines.assign(series=lines["model_permaslug"].map(context.name))[["week_start", "series", "share"]]
    return Mix(
        mix,
        personal.never_used(mix, context.top_n),
        personal.unranked(mix),
        year_adoption(context),
        lines,
    )


def mix_table(context: PersonalContext, mix: pd.DataFrame) -> str:
    shown = mix[mix["your_tokens"] > 0].head(SHOWN)
    frame = pd.DataFrame(
        {
            "Model": shown["model_permaslug"].map(context.name),
            "Your share": shown["your_share"].map(fmt_pct),
            "Market share": shown["market_share"].map(lambda v: fmt_pct(v, 2)),
            "Market rank": shown["market_rank"].map(lambda v: "not ranked" if pd.isna(v) else f"{int(v)}"),
        }
    )
    return table(frame, numeric=("Your share", "Market share", "Market rank"))


def adoption_table(context: PersonalContext, adoption: pd.DataFrame) -> str:
    ranked = adoption.dropna(subset=["lag_days"])
    frame = pd.DataFrame(
        {
            "Model": ranked["model_permaslug"].map(context.name),
            f"First in the market's top {context.market.data.daily_top} (week of)": ranked["market_first_week"].map(
                fmt_date
            ),
            "Your first request": ranked["your_first_day"].map(fmt_date),
            "Days later": [
                f"{int(d)}" + (" (a bound)" if c else "")
                for d, c in zip(ranked["lag_days"], ranked["censored"], strict=True)
            ],
        }
    )
    return table(frame, numeric=("Days later",))


def blocks(context: PersonalContext, mix: Mix) -> list[Block]:
    names = ", ".join(context.name(s) for s in mix.never_used["model_permaslug"]) or "none"
    unranked = ", ".join(context.name(s) for s in mix.unranked["model_permaslug"]) or "none"
    out: list[Block] = [
        sentence(
            "<p>You used {n} models this year. Of the market's top {top} models of the year you never used: "
            "<b>{never}</b>. Models you used that the market's daily top {daily} never listed in these weeks "
            "(your own fine-tunes, niche or small models): <b>{unranked}</b>.</p>",
            n=int((mix.mix["your_tokens"] > 0).sum()),
            top=context.top_n,
            daily=context.market.data.daily_top,
            never=names,
            unranked=unranked,
        ),
        mix_table(context, mix.mix),
    ]
    if len(mix.weekly):
        out.append(
            Chart(
                "your-model-mix",
                line_chart(
                    mix.weekly, f"Your largest models, share of your weekly tokens, {context.label}", context.note
                ),
                mix.weekly,
            )
        )
    lags = mix.adoption.dropna(subset=["lag_days"])
    exact = lags[~lags["censored"]]
    out.append(subheading("Adoption lag"))
    out.append(
        sentence(
            "<p>Days from the Monday of a model's first week in the market's daily top {daily} to your first request "
            "on it. "
            "{summary} A lag marked <i>a bound</i> starts at the first day of the "
            "market's data or of yours, so the real "
            "lag may be longer or shorter.</p>",
            daily=context.market.data.daily_top,
            summary=(
                f"Over the {len(exact)} models with an exact lag, the median was {int(exact['lag_days'].median())} "
                "days."
                if len(exact)
                else "No model has an exact lag yet."
            ),
        )
    )
    out.append(
        adoption_table(context, mix.adoption) if len(lags) else "<p>" + esc("No model you used was ranked.") + "</p>"
    )
    return out


def dated(adoption: pd.DataFrame) -> pd.DataFrame:
    """Dates as YYYY-MM-DD strings, None where a model was never ranked (figures.json is strict JSON)."""
    out = adoption.copy()
    for column in ("your_first_day", "market_first_day", "market_first_week"):
        days = pd.to_datetime(out[column])
        out[column] = days.dt.strftime("%Y-%m-%d").where(days.notna(), None)
    return out


def figures(context: PersonalContext, mix: Mix) -> dict:
    return {
        "mix": to_jsonable(
            {
                "models": mix.mix,
                "never_used": mix.never_used["model_permaslug"].tolist(),
                "unranked": mix.unranked["model_permaslug"].tolist(),
                "adoption": dated(mix.adoption),
            }
        )
    }


SECTION = Section("mix", "Your models and the market's", compute, blocks, figures)

"""What you paid per million tokens against the market's list price, and a labelled same-tier what-if."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import personal
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_pct, sentence
from tokentrends.render.html import subheading, table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.personal.common import fmt_usd, fmt_usd_per_mtok
from tokentrends.report.personal.context import PersonalContext
from tokentrends.report.section import Block, Chart, Section

WHAT_IF_NOTE = (
    "what-if only: your tokens priced at the list price of the market's most-used model of the same "
    "tier that week; not a saving you could have had for sure (quality, limits and caching differ)"
)


@dataclass(frozen=True)
class Price:
    weekly: pd.DataFrame  # metrics.personal.paid_vs_list
    year: dict  # the year's paid, spend and list prices per million tokens
    what_if: pd.DataFrame  # metrics.personal.what_if_same_tier per week
    benchmarks: pd.DataFrame  # the benchmark model per week and tier


def compute(context: PersonalContext) -> Price:
    weekly = (
        personal.paid_vs_list(context.weekly, context.weekly_price)
        if len(context.weekly_price)
        else (
            pd.DataFrame(
                columns=[
                    "week_start",
                    "tokens",
                    "paid_usd_per_mtok",
                    "spend_usd_per_mtok",
                    "market_list_usd_per_mtok",
                    "priced_share",
                ]
            )
        )
    )
    priced = weekly.dropna(subset=["market_list_usd_per_mtok"])
    totals = personal.totals(context.rows)
    listed = (
        float((priced["market_list_usd_per_mtok"] * priced["tokens"]).sum() / priced["tokens"].sum())
        if len(priced)
        else None
    )
    year = {
        "paid_usd_per_mtok": totals["usage_usd"] / totals["tokens"] * 1e6 if totals["tokens"] else None,
        "spend_usd_per_mtok": totals["spend_usd"] / totals["tokens"] * 1e6 if totals["tokens"] else None,
        "market_list_usd_per_mtok": listed,
        "weeks_priced": int(len(priced)),
    }
    tiers = context.attributes[["model_permaslug", "tier"]]
    benchmarks = personal.tier_benchmarks(context.priced_shares, tiers)
    what_if = personal.what_if_same_tier(context.rows, tiers, benchmarks)
    year.update(
        what_if_usd=float(what_if["what_if_usd"].sum()),
        what_if_spend_usd=float(what_if["spend_usd"].sum()),
        what_if_priced_share=float(what_if["priced_tokens"].sum() / what_if["tokens"].sum())
        if what_if["tokens"].sum()
        else None,
    )
    return Price(weekly, year, what_if, benchmarks)


def benchmark_table(context: PersonalContext, benchmarks: pd.DataFrame) -> str:
    """Which model set each tier's what-if price, and for how many weeks."""
    weeks = benchmarks[benchmarks["week_start"].isin(context.weekly["week_start"])]
    counts = (
        weeks.groupby(["tier", "model_permaslug"], as_index=False)
        .size()
        .sort_values(["tier", "size"], ascending=[True, False])
    )
    frame = pd.DataFrame(
        {
            "Tier": counts["tier"],
            "Market's most-used priced model": counts["model_permaslug"].map(context.name),
            "Weeks": counts["size"].astype(str),
        }
    )
    return table(frame, numeric=("Weeks",))


def blocks(context: PersonalContext, price: Price) -> list[Block]:
    y = price.year
    out: list[Block] = [
        sentence(
            "<p>Over the year OpenRouter billed you <b>{paid}</b> per million tokens; "
            "with what your BYOK providers billed, "
            "<b>{spend}</b>. The market's token-weighted <i>list</i> price for the same prompt/completion split was "
            "<b>{listed}</b> per million ({weeks} weeks with a price list). List prices are what models are listed at, "
            "not what anyone paid.</p>",
            paid=fmt_usd_per_mtok(y["paid_usd_per_mtok"]),
            spend=fmt_usd_per_mtok(y["spend_usd_per_mtok"]),
            listed=fmt_usd_per_mtok(y["market_list_usd_per_mtok"]),
            weeks=y["weeks_priced"],
        )
    ]
    if len(price.weekly):
        names = {
            "paid_usd_per_mtok": "You paid (OpenRouter)",
            "spend_usd_per_mtok": "You paid (with BYOK)",
            "market_list_usd_per_mtok": "Market list price, your split",
        }
        series = price.weekly.melt(
            id_vars="week_start", value_vars=list(names), var_name="series", value_name="usd_per_mtok"
        ).dropna(subset=["usd_per_mtok"])
        series = series.assign(series=series["series"].map(names))
        out.append(
            Chart(
                "your-price",
                line_chart(
                    series,
                    f"USD per million tokens, {context.label}",
                    context.note,
                    y_title="USD per million tokens",
                    y_format="$.2f",
                    value="usd_per_mtok",
                ),
                series,
            )
        )
    out.append(subheading("What-if: the market's most-used model of each tier"))
    if not y["what_if_priced_share"]:
        out.append(
            "<p>No list price matches the market's models of your tiers in these weeks, so there is no what-if.</p>"
        )
        return out
    out.append(
        sentence(
            '<p class="tt-what-if"><b>What-if, not a saving.</b> Had each week\'s tokens of each tier been priced '
            "at the list price of the market's most-used priced model of that tier that week, they would have cost "
            "<b>{what_if}</b>, against the <b>{spent}</b> you spent on the same "
            "tokens ({share} of your tokens could be "
            "priced). A cheaper list price does not promise the same quality, limits or caching: this says what the "
            "market's default would have been listed at, nothing more.</p>",
            what_if=fmt_usd(y["what_if_usd"]),
            spent=fmt_usd(y["what_if_spend_usd"]),
            share=fmt_pct(y["what_if_priced_share"]),
        )
    )
    if len(price.benchmarks):
        out.append(benchmark_table(context, price.benchmarks))
    return out


def figures(context: PersonalContext, price: Price) -> dict:
    return {
        "price": to_jsonable(
            {"weekly": price.weekly, "year": price.year, "what_if": price.what_if, "what_if_note": WHAT_IF_NOTE}
        )
    }


SECTION = Section("price", "What you paid", compute, blocks, figures)

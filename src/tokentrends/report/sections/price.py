"""Price: the token-weighted average list price of the named models, week by week."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_pct, sentence
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

PRICE_NOTE = "list prices (USD per million tokens), not what users paid"


@dataclass(frozen=True)
class Price:
    weekly: pd.DataFrame  # metrics.prices.weekly_list_price
    list_vintages: list[str]


def compute(context: YearContext) -> Price:
    return Price(context.data.weekly_price, sorted(context.data.price_table["vintage"].unique()))


def price_series(weekly_price: pd.DataFrame) -> pd.DataFrame:
    """`week_start | series | usd_per_mtok` for prompt and completion list prices."""
    names = {"prompt_usd_per_mtok": "Prompt tokens", "completion_usd_per_mtok": "Completion tokens"}
    long = weekly_price.melt(id_vars="week_start", value_vars=list(names), var_name="series", value_name="usd_per_mtok")
    return long.assign(series=long["series"].map(names))


def price_text(result: Price) -> str:
    weekly_price = result.weekly
    if weekly_price.empty:
        return "<p>No price list matches this year's models, so prices cannot be measured.</p>"
    first, last = weekly_price.iloc[0], weekly_price.iloc[-1]
    return sentence(
        "<p>The token-weighted average <i>list</i> price of the named models went from <b>${p1}</b> to <b>${p2}</b> "
        "per million prompt tokens (completion: ${c1} to ${c2}). Each model is priced from the list nearest in time "
        "({lists}); <code>:free</code> variants count at $0. These are list prices, not what users paid, and "
        "the data do not split prompt from completion tokens. At least {cov} of each week's named tokens had a "
        "price.</p>", p1=f"{first['prompt_usd_per_mtok']:.3f}", p2=f"{last['prompt_usd_per_mtok']:.3f}",
        c1=f"{first['completion_usd_per_mtok']:.3f}", c2=f"{last['completion_usd_per_mtok']:.3f}",
        lists=", ".join(result.list_vintages), cov=fmt_pct(weekly_price["priced_share"].min(), 0))


def blocks(context: YearContext, result: Price) -> list[Block]:
    out: list[Block] = [price_text(result)]
    if not result.weekly.empty:
        series = price_series(result.weekly)
        out.append(Chart("list-price", line_chart(series, f"Average list price per million tokens, {context.label}",
                                                  context.note, y_title="USD per million tokens", y_format="$.2f",
                                                  value="usd_per_mtok"), series))
    return out


def figures(context: YearContext, result: Price) -> dict:
    return {"analyses": {"price": to_jsonable({"weekly": result.weekly, "list_vintages": result.list_vintages,
                                               "note": PRICE_NOTE})}}


SECTION = Section("price", "Price", compute, blocks, figures)

"""Price: the token-weighted average list price of the named models, week by week, over the weeks in which
enough of the tokens had a list price; the priced share drawn beside it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends import config
from tokentrends.metrics.weekly import DAYS_IN_WEEK, full_weeks, week_quarter
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import fmt_date, fmt_pct, fmt_usd, moved, sentence, vintage_words, week_with_days
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

PRICE_NOTE = "list prices (USD per million tokens), not what users paid"


@dataclass(frozen=True)
class Price:
    weekly: pd.DataFrame  # metrics.prices.weekly_list_price, with `is_covered` (priced share >= the threshold)
    list_vintages: list[str]
    min_priced_share: float
    by_quarter: pd.DataFrame  # quarter | weeks | prompt_usd_per_mtok: averages over the covered weeks


def compute(context: YearContext) -> Price:
    weekly = context.data.weekly_price
    if not weekly.empty:
        weekly = weekly.assign(is_covered=weekly["priced_share"] >= config.PRICE_COVERAGE_MIN).merge(
            context.data.totals[["week_start", "days_present"]], on="week_start", how="left", validate="1:1"
        )
        covered = weekly[weekly["is_covered"]]
        quarter = week_quarter(covered["week_start"], context.year).astype(str)
        by_quarter = (
            covered.assign(quarter=quarter)
            .groupby("quarter", as_index=False)
            .agg(weeks=("week_start", "size"), prompt_usd_per_mtok=("prompt_usd_per_mtok", "mean"))
        )
    else:
        by_quarter = pd.DataFrame(columns=["quarter", "weeks", "prompt_usd_per_mtok"])
    return Price(weekly, sorted(context.data.price_table["vintage"].unique()), config.PRICE_COVERAGE_MIN, by_quarter)


def price_series(weekly_price: pd.DataFrame) -> pd.DataFrame:
    """`week_start | series | usd_per_mtok` for prompt and completion list prices."""
    names = {"prompt_usd_per_mtok": "Prompt tokens", "completion_usd_per_mtok": "Completion tokens"}
    long = weekly_price.melt(id_vars="week_start", value_vars=list(names), var_name="series", value_name="usd_per_mtok")
    return long.assign(series=long["series"].map(names))


def later_weeks_text(later: pd.DataFrame, last: pd.Series, threshold: str) -> str:
    """Why the price sentence ends before the year's last week: the later weeks' priced shares and partial days."""
    if later.empty:
        return ""
    shares = " and ".join(fmt_pct(v, 0) for v in later["priced_share"])
    partial = later[later["days_present"] < DAYS_IN_WEEK]
    return sentence(
        " The comparison ends with the week of {end}: the {n} later week{s} had {shares} of their tokens "
        "priced{below}{partial}.",
        end=fmt_date(last["week_start"]),
        n=len(later),
        s="s" if len(later) > 1 else "",
        shares=shares,
        below=f", below {threshold}" if not later["is_covered"].any() else "",
        partial=f" (the last also partial: {int(partial['days_present'].iloc[-1])} of {DAYS_IN_WEEK} days)"
        if len(partial)
        else "",
    )


def price_text(result: Price) -> str:
    weekly_price = result.weekly
    if weekly_price.empty:
        return "<p>No price list matches this year's models, so prices cannot be measured.</p>"
    covered = weekly_price[weekly_price["is_covered"]]
    threshold = fmt_pct(result.min_priced_share, 0)
    if covered.empty:
        return sentence(
            "<p>In no week of the year did at least {t} of the named models' tokens have a list price "
            "(at most {top}), so the average price cannot be measured honestly.</p>",
            t=threshold,
            top=fmt_pct(weekly_price["priced_share"].max(), 0),
        )
    # The sentence's ends are full weeks where there are any, as every 'from ... to' on the page is.
    full = full_weeks(covered)
    ends = full if len(full) else covered
    first, last = ends.iloc[0], ends.iloc[-1]
    later = weekly_price[weekly_price["week_start"] > last["week_start"]]
    direction = moved(first["prompt_usd_per_mtok"], last["prompt_usd_per_mtok"])
    text = sentence(
        "<p>The token-weighted average <i>list</i> price of the named models {direction} from <b>{p1}</b> (week of "
        "{w1}) to <b>{p2}</b> (week of {w2}) per million prompt tokens (completion: {c1} to {c2}). It counts only "
        "the weeks in which at least {t} of the named tokens had a list price: {n} of {m} weeks; the others are "
        "left out of every price figure here and in the claims ledger.{after} Each model is priced from the list "
        "nearest "
        "in time ({lists}); <code>:free</code> variants count at $0. These are list prices, not what users paid, "
        "and the data do not split prompt from completion tokens.</p>",
        direction=direction,
        p1=fmt_usd(first["prompt_usd_per_mtok"]),
        w1=week_with_days(first["week_start"], first["days_present"], DAYS_IN_WEEK),
        p2=fmt_usd(last["prompt_usd_per_mtok"]),
        w2=week_with_days(last["week_start"], last["days_present"], DAYS_IN_WEEK),
        c1=fmt_usd(first["completion_usd_per_mtok"]),
        c2=fmt_usd(last["completion_usd_per_mtok"]),
        t=threshold,
        n=len(covered),
        m=len(weekly_price),
        lists=", ".join(vintage_words(v) for v in sorted(result.list_vintages, key=lambda v: v.rsplit("/", 1)[-1])),
        after=later_weeks_text(later, last, threshold),
    )
    if len(result.by_quarter):
        parts = ", ".join(f"{q} {fmt_usd(p)} ({w} weeks)" for q, w, p in result.by_quarter.itertuples(index=False))
        text += sentence("<p>Quarter averages of those weeks (the claims ledger's measure): {parts}.</p>", parts=parts)
    return text


def blocks(context: YearContext, result: Price) -> list[Block]:
    out: list[Block] = [price_text(result)]
    if not result.weekly.empty:
        covered = result.weekly[result.weekly["is_covered"]]
        if len(covered):
            series = price_series(covered)
            out.append(
                Chart(
                    "list-price",
                    line_chart(
                        series,
                        f"Average list price per million tokens (weeks with at least "
                        f"{fmt_pct(result.min_priced_share, 0)} of tokens priced), {context.label}",
                        context.note,
                        y_title="USD per million tokens",
                        y_format="$.2f",
                        value="usd_per_mtok",
                        series_title="List price of",
                        days=context.data.totals,
                    ),
                    series,
                )
            )
        priced = result.weekly.assign(series="Share of named tokens with a list price")[
            ["week_start", "series", "priced_share"]
        ].rename(columns={"priced_share": "share"})
        out.append(
            Chart(
                "priced-share",
                line_chart(
                    priced,
                    f"How much of each week's tokens had a list price, {context.label}",
                    context.note,
                    y_title="Share of named-model tokens",
                    series_title="Measure",
                    days=context.data.totals,
                ),
                priced,
            )
        )
    return out


def figures(context: YearContext, result: Price) -> dict:
    return {
        "analyses": {
            "price": to_jsonable(
                {
                    "weekly": result.weekly,
                    "list_vintages": result.list_vintages,
                    "note": PRICE_NOTE,
                    "min_priced_share": result.min_priced_share,
                    "by_quarter": result.by_quarter,
                }
            )
        }
    }


SECTION = Section("price", "Price", compute, blocks, figures)

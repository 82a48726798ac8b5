"""Your year next to the market: the context every personal section reads, computed once per year.

The market side is the public report's own YearContext (report/model.py); the personal side is the merged
activity archive (inputs/activity_archive.py). List prices come from the market's vintages and from any
price list kept beside the activity (the synthetic sample carries its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tokentrends.inputs import archive, prepare, reference
from tokentrends.inputs.activity_archive import ActivityArchive
from tokentrends.metrics import personal, prices
from tokentrends.metrics.weekly import report_years
from tokentrends.render.html import year_label
from tokentrends.report.ledger import Ledger
from tokentrends.report.model import Prepared, YearContext, year_context

PRIVATE_NOTE = "PRIVATE: your own OpenRouter activity, not for publication"
SYNTHETIC_NOTE = "SYNTHETIC SAMPLE: a fictional team in a fictional market"


@dataclass(frozen=True)
class PersonalContext:
    year: int
    top_n: int
    market: YearContext
    archive: ActivityArchive
    rows: pd.DataFrame  # your activity rows of the year's weeks (metrics.personal.in_year)
    weekly: pd.DataFrame  # metrics.personal.weekly_activity
    attributes: pd.DataFrame  # model_permaslug -> display_name, tier, lab... for your models and the market's
    price_table: pd.DataFrame  # metrics.prices.price_table over every list (market's and the activity folder's)
    priced_shares: pd.DataFrame  # the market's weekly model shares with their nearest list prices
    weekly_price: pd.DataFrame  # metrics.prices.weekly_list_price of the market
    span: dict
    contents: tuple[tuple[str, str], ...] = ()
    results: dict = field(default_factory=dict)  # records of the sections computed so far (Section.needs)

    @property
    def is_synthetic(self) -> bool:
        return self.archive.is_synthetic or bool(self.market.manifest["is_synthetic"])

    @property
    def manifest(self) -> dict:
        """The page's own as_of, citation and synthetic flag (figures.json's top-level keys)."""
        newest = self.archive.vintages[-1]
        return {"as_of": newest.as_of, "citation": newest.citation, "is_synthetic": self.is_synthetic}

    @property
    def label(self) -> str:
        return year_label(self.year, self.span)

    @property
    def note(self) -> str:
        return SYNTHETIC_NOTE if self.is_synthetic else PRIVATE_NOTE

    def name(self, slug: str) -> str:
        """A model's display name (the slug when the reference has none)."""
        names = self.attributes.set_index("model_permaslug")["display_name"]
        value = names.get(slug)
        return str(value) if isinstance(value, str) and value and value != reference.UNKNOWN else slug


def activity_years(archive_rows: pd.DataFrame) -> list[int]:
    """The years your activity has weeks in (the market's week rule)."""
    return report_years(archive_rows.assign(tokens=0)) if len(archive_rows) else []


def extra_price_lists(archive: ActivityArchive) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(catalog, list prices) from the price vintages kept beside the activity."""
    return (
        prepare.read_catalogs(archive.price_vintages, "models-catalog"),
        prepare.read_catalogs(archive.price_vintages, "catalog-prices"),
    )


def year_span(rows: pd.DataFrame, year: int) -> dict:
    """First and last day of your year's activity rows, and whether the year is still partial."""
    days = pd.to_datetime(rows["date"])
    last = days.max()
    return {
        "first_date": days.min().strftime("%Y-%m-%d"),
        "through_date": last.strftime("%Y-%m-%d"),
        "is_partial": bool(last < pd.Timestamp(year=year, month=12, day=31)),
    }


def personal_context(prepared: Prepared, activity: ActivityArchive, year: int, top_n: int) -> PersonalContext:
    rows = personal.in_year(activity.rows, year)
    if rows.empty:
        raise ValueError(f"no activity in {year}; your activity covers {activity_years(activity.rows)}")
    market = year_context(prepared, year, top_n, Ledger())  # the public ledger judges the market, not you
    catalog, lists = extra_price_lists(activity)
    catalog = pd.concat([prepared.catalog, catalog], ignore_index=True) if len(catalog) else prepared.catalog
    lists = pd.concat([prepared.prices, lists], ignore_index=True) if len(lists) else prepared.prices
    labs, rules, revealed = reference.load_reference()
    yours = reference.classify_slugs(rows["model_permaslug"].unique(), labs, rules, catalog, revealed)
    attributes = pd.concat([prepared.models, yours], ignore_index=True).drop_duplicates("model_permaslug", keep="last")
    table = prices.price_table(attributes, catalog, lists)
    priced = (
        prices.with_nearest_prices(market.data.model_shares, table)
        if not table.empty
        else market.data.model_shares.assign(prompt_usd_per_mtok=float("nan"), completion_usd_per_mtok=float("nan"))
    )
    weekly_price = (
        prices.weekly_list_price(priced)
        if not table.empty
        else pd.DataFrame(columns=["week_start", "priced_share", "prompt_usd_per_mtok", "completion_usd_per_mtok"])
    )
    return PersonalContext(
        year=year,
        top_n=top_n,
        market=market,
        archive=activity,
        rows=rows,
        weekly=personal.weekly_activity(rows),
        attributes=attributes.reset_index(drop=True),
        price_table=table,
        priced_shares=priced,
        weekly_price=weekly_price,
        span=year_span(rows, year),
    )


def year_adoption(context: PersonalContext) -> pd.DataFrame:
    """Adoption lags of the models you used this year, measured from your whole archive (a model first used
    the year before keeps that first day)."""
    covered_from = min(first for first, _ in context.archive.windows.values())
    lags = personal.adoption_lag(context.archive.rows, context.market.prepared.usage, pd.Timestamp(covered_from))
    return lags[lags["model_permaslug"].isin(context.rows["model_permaslug"])].reset_index(drop=True)


def market_vintages(context: PersonalContext) -> list[dict]:
    return [
        {k: v.get(k) for k in ("vintage_id", "as_of", "sha256", "citation")}
        for v in context.market.manifest["vintages"]
        if v["kind"] == archive.RANKINGS
    ]

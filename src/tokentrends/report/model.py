"""One year of the report, computed once from the prepared tables: the data every section reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from tokentrends import config
from tokentrends.inputs import prepare
from tokentrends.inputs.demand import APP_COLUMNS, empty
from tokentrends.metrics import apps, concentration, groups, leaders, prices, volume, weekly
from tokentrends.render.html import SYNTHETIC_CHART_NOTE, year_label
from tokentrends.report.ledger import Ledger, read_ledger


@dataclass(frozen=True)
class Prepared:
    """The prepared tables of one data folder (inputs/prepare.py writes them)."""

    processed_dir: Path
    usage: pd.DataFrame
    models: pd.DataFrame
    catalog: pd.DataFrame
    prices: pd.DataFrame
    manifest: dict
    demand: dict[str, pd.DataFrame] = field(default_factory=dict)  # apps, tasks... (inputs/demand.py)


def load_prepared(processed_dir: str | Path) -> Prepared:
    folder = Path(processed_dir)
    return Prepared(
        folder,
        weekly.with_week(prepare.load_usage(folder)),  # every weekly view reads the week columns: made once
        prepare.load_models(folder),
        prepare.load_catalog(folder),
        prepare.load_prices(folder),
        prepare.load_manifest(folder),
        {name: prepare.load_demand(folder, name) for name in prepare.DEMAND_COLUMNS},
    )


class YearData:
    """The frames every section reads for one year, each computed on first read and kept: a build computes them all
    once, and a page whose one section's code changed computes only what that section reads."""

    def __init__(
        self,
        usage: pd.DataFrame,
        models: pd.DataFrame,
        catalog: pd.DataFrame,
        price_lists: pd.DataFrame,
        year: int,
        top_n: int,
    ):
        self.year, self.top_n = year, top_n
        self.usage = usage  # every day of the data, all years (for year over year and scoring)
        self.models = models
        self.catalog, self.price_lists = catalog, price_lists
        self.demand: dict[str, pd.DataFrame] = {}  # the demand tables' windows in this year (inputs/demand.py)

    @cached_property
    def year_usage(self) -> pd.DataFrame:
        """The rows of the weeks that belong to the year: a weekly view of the year's weeks (shares, ranks, bars)
        reads only its own week's rows, so it is computed from these, not from every year's."""
        rows = weekly.with_week(self.usage)
        return rows[rows["report_year"] == self.year]

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The year's named-model rows with their reference attributes (metrics.groups.year_rows): the groups and
        efficiency sections and the tier claim read them."""
        return groups.year_rows(self.usage, self.models, self.year)

    @cached_property
    def quarter_labels(self) -> dict[str, str]:
        """'2026Q4' -> '2026Q4 (partial: 9 of 92 days)' for the year's partial quarters (counted once a year: ~5 ms,
        and three sections and a claim ask)."""
        cover = weekly.quarter_coverage(self.usage, self.year)
        return {
            q: f"{q} (partial: {p} of {d} days)"
            for q, p, d in zip(cover["quarter"], cover["days_present"], cover["days_in_quarter"], strict=True)
            if p < d
        }

    @cached_property
    def tier_by_quarter(self) -> pd.DataFrame:
        """`quarter | tier | tokens | share` of the named rows (the efficiency section and the tier claim)."""
        return groups.quarterly_share_by(self.rows, "tier")

    @cached_property
    def daily_top(self) -> int:
        """How many models the data name a day (the API's daily top N), over every day."""
        return weekly.daily_top(self.usage)

    @cached_property
    def all_totals(self) -> pd.DataFrame:
        """Weekly totals of every year (scoring projections, year over year)."""
        return weekly.weekly_totals(self.usage)

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Weekly totals of the year's weeks."""
        return weekly.in_year(self.all_totals, self.year)

    @cached_property
    def headline(self) -> dict:
        return weekly.headline_weeks(self.totals)

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """Months of the year."""
        monthly = volume.monthly_totals(self.usage)
        return monthly[monthly["month"].dt.year == self.year].reset_index(drop=True)

    @cached_property
    def model_shares(self) -> pd.DataFrame:
        """Weekly shares by model, the year's weeks."""
        return weekly.weekly_shares_by(self.year_usage, self.models, totals=self.totals)

    @cached_property
    def family_shares(self) -> pd.DataFrame:
        return weekly.weekly_shares_by(self.year_usage, self.models, "family", self.totals)

    @cached_property
    def lab_shares(self) -> pd.DataFrame:
        return weekly.weekly_shares_by(self.year_usage, self.models, "lab", self.totals)

    @cached_property
    def concentration(self) -> pd.DataFrame:
        return concentration.weekly_concentration(self.year_usage, self.model_shares, self.top_n, self.totals)

    @cached_property
    def app_subcategories(self) -> pd.DataFrame:
        """metrics.apps.subcategory_shares of the year's app-ranking windows (the apps section and the agency claim
        both read it)."""
        return apps.subcategory_shares(self.demand.get("apps", empty(APP_COLUMNS)), self.all_totals)

    @cached_property
    def price_table(self) -> pd.DataFrame:
        return prices.price_table(self.models, self.catalog, self.price_lists)

    @cached_property
    def bars(self) -> pd.DataFrame:
        """The rankings chart: top N models and Others per week, with shares."""
        return weekly.with_share(weekly.top_n_with_others(self.year_usage, self.top_n, self.model_shares, self.totals))

    @cached_property
    def weekly_price(self) -> pd.DataFrame:
        table = self.price_table
        if table.empty:
            return pd.DataFrame()
        return prices.weekly_list_price(prices.with_nearest_prices(self.model_shares, table))


def year_span(usage: pd.DataFrame, year: int) -> dict:
    """First and last data day of the year, and whether the year is still partial."""
    days = pd.to_datetime(usage["date"])
    in_year = days[days.dt.year == year]
    last = in_year.max()
    return {
        "first_date": in_year.min().strftime("%Y-%m-%d"),
        "through_date": last.strftime("%Y-%m-%d"),
        "is_partial": bool(last < pd.Timestamp(year=year, month=12, day=31)),
    }


@dataclass(frozen=True)
class YearContext:
    """Everything a section may read: the prepared tables, the year's data, its ledger and labels."""

    year: int
    top_n: int
    prepared: Prepared
    data: YearData
    span: dict
    ledger: Ledger
    contents: tuple[tuple[str, str], ...] = ()  # (anchor, title) of the page's sections, from the registry
    results: dict = field(default_factory=dict)  # records of the sections computed so far (Section.needs)

    @property
    def manifest(self) -> dict:
        return self.prepared.manifest

    @property
    def rows(self) -> pd.DataFrame:
        """The year's named-model rows with their reference attributes (YearData.rows)."""
        return self.data.rows

    @cached_property
    def watch(self) -> list[str]:
        """The families the story follows: the ledger's, else the year's largest."""
        return self.ledger.watch or default_watch(self.data)

    @property
    def label(self) -> str:
        """'2025' or '2026 so far, through 9 Oct 2026', for chart titles."""
        return year_label(self.year, self.span)

    def name(self, slug: str) -> str:
        """A model's display name for prose and tables (the permaslug stays in tooltips, CSVs and figures.json)."""
        return self.display_names.get(slug, slug)

    @cached_property
    def display_names(self) -> dict[str, str]:
        """Permaslug -> display name, made once a year (name() asks for it sentence by sentence)."""
        models = self.prepared.models
        if "display_name" not in models.columns:
            return {}
        named = models[models["display_name"].astype(str).str.len() > 0]
        return dict(zip(named["model_permaslug"], named["display_name"], strict=True))

    @property
    def quarter_labels(self) -> dict[str, str]:
        """YearData.quarter_labels."""
        return self.data.quarter_labels

    @property
    def note(self) -> str:
        """The line under every chart title: the citation, or the synthetic-data warning."""
        return SYNTHETIC_CHART_NOTE if self.manifest["is_synthetic"] else self.manifest["citation"]


def year_context(prepared: Prepared, year: int, top_n: int = config.TOP_N, ledger: Ledger | None = None) -> YearContext:
    """Compute the data of one year once; `ledger` defaults to data/claims/<year>.yaml (or none)."""
    data = YearData(prepared.usage, prepared.models, prepared.catalog, prepared.prices, year, top_n)
    available = weekly.years_of(data.all_totals)  # the weekly totals every year's sections read anyway
    if year not in available:
        raise ValueError(f"no data for {year}; the data cover {available}")
    data.demand = {
        name: apps.windows_in_year(table, year) for name, table in prepared.demand.items() if name != "demand_revisions"
    }
    return YearContext(
        year=year,
        top_n=top_n,
        prepared=prepared,
        data=data,
        span=year_span(prepared.usage, year),
        ledger=ledger if ledger is not None else read_ledger(year),
    )


def default_watch(data: YearData, n: int = config.WATCH_FAMILIES) -> list[str]:
    """Without a ledger's watch list: the year's n largest families."""
    return leaders.top_for_period(data.family_shares, "family", n)["family"].tolist()

"""Everything the analyses need about one year, computed once from the prepared tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tokentrends.metrics import concentration, prices, volume, weekly


@dataclass
class YearData:
    year: int
    top_n: int
    usage: pd.DataFrame  # every day of the data, all years (for year over year and scoring)
    models: pd.DataFrame
    totals: pd.DataFrame  # weekly totals of the year's weeks
    all_totals: pd.DataFrame  # weekly totals of every year (scoring projections, year over year)
    headline: dict
    monthly: pd.DataFrame  # months of the year
    model_shares: pd.DataFrame  # weekly shares by model, the year's weeks
    family_shares: pd.DataFrame
    lab_shares: pd.DataFrame
    concentration: pd.DataFrame
    price_table: pd.DataFrame
    bars: pd.DataFrame  # the rankings chart: top N models and Others per week, with shares
    weekly_price: pd.DataFrame = field(default_factory=pd.DataFrame)


def build_year_data(usage: pd.DataFrame, models: pd.DataFrame, catalog: pd.DataFrame, price_lists: pd.DataFrame,
                    year: int, top_n: int) -> YearData:
    totals_all = weekly.weekly_totals(usage)
    totals = weekly.in_year(totals_all, year)
    model_shares = weekly.in_year(weekly.weekly_shares_by(usage, models), year)
    monthly = volume.monthly_totals(usage)
    table = prices.price_table(models, catalog, price_lists)
    weekly_price = (prices.weekly_list_price(prices.with_nearest_prices(model_shares, table))
                    if not table.empty else pd.DataFrame())
    return YearData(
        year=year, top_n=top_n, usage=usage, models=models, totals=totals, all_totals=totals_all,
        headline=weekly.headline_weeks(totals),
        monthly=monthly[monthly["month"].dt.year == year].reset_index(drop=True),
        model_shares=model_shares,
        family_shares=weekly.in_year(weekly.weekly_shares_by(usage, models, "family"), year),
        lab_shares=weekly.in_year(weekly.weekly_shares_by(usage, models, "lab"), year),
        concentration=concentration.weekly_concentration(usage, model_shares, top_n),
        price_table=table,
        bars=weekly.in_year(weekly.with_share(weekly.top_n_with_others(usage, top_n)), year),
        weekly_price=weekly_price,
    )

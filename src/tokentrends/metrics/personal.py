"""Your year next to the market: pure functions on the merged activity rows and the market's tables.

`rows` are the merged activity rows (inputs/sources/activity.py COLUMNS). Tokens are prompt + completion,
as the rankings count them; every total is an exact sum of the rows. Money is USD at full precision:
`usage` is what OpenRouter billed, `byok_usage_inference` what your own provider keys were billed (BYOK),
and `spend` their sum. List prices are prices, not what anyone paid.
"""

from __future__ import annotations

import pandas as pd

from tokentrends.inputs.sources.rankings_daily import OTHER_SLUG
from tokentrends.metrics.weekly import week_quarter, with_week

COUNT_COLUMNS = ["tokens", "prompt_tokens", "completion_tokens", "reasoning_tokens", "requests"]
MONEY_COLUMNS = ["usage_usd", "byok_usd", "spend_usd"]
EFFICIENT = "efficient"


def with_tokens(rows: pd.DataFrame) -> pd.DataFrame:
    """Add `tokens` (prompt + completion), `usage_usd`, `byok_usd`, `spend_usd` and `is_byok` to activity rows."""
    return rows.assign(
        tokens=(rows["prompt_tokens"] + rows["completion_tokens"]).astype("int64"),
        usage_usd=rows["usage"].astype(float),
        byok_usd=rows["byok_usage_inference"].astype(float),
        spend_usd=rows["usage"].astype(float) + rows["byok_usage_inference"].astype(float),
        is_byok=rows["byok_usage_inference"] > 0,
    )


def in_year(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """The activity rows whose week belongs to `year` (the market's week rule, weekly.with_week), with
    `week_start`, `report_year` and the with_tokens columns."""
    if rows.empty:
        return with_tokens(rows).assign(week_start=pd.Series(dtype="datetime64[ns]"), report_year=pd.Series(dtype=int))
    weekly = with_week(with_tokens(rows))
    return weekly[weekly["report_year"] == year].reset_index(drop=True)


def totals(rows: pd.DataFrame) -> dict:
    """Exact sums over rows carrying the with_tokens columns, and what they span."""
    out = {c: int(rows[c].sum()) for c in COUNT_COLUMNS}
    out.update({c: float(rows[c].sum()) for c in MONEY_COLUMNS})
    out.update(
        days_active=int(rows["date"].nunique()),
        models=int(rows["model_permaslug"].nunique()),
        providers=int(rows["provider_name"].nunique()),
        rows=int(len(rows)),
    )
    return out


def weekly_activity(rows: pd.DataFrame) -> pd.DataFrame:
    """`week_start | days_active | tokens | prompt_tokens | completion_tokens | reasoning_tokens | requests |
    usage_usd | byok_usd | spend_usd` per week of year rows (from in_year)."""
    grouped = rows.groupby("week_start")
    out = grouped[COUNT_COLUMNS + MONEY_COLUMNS].sum()
    out.insert(0, "days_active", grouped["date"].nunique())
    return out.reset_index().astype({c: "int64" for c in COUNT_COLUMNS + ["days_active"]})


def market_share(weekly: pd.DataFrame, market_totals: pd.DataFrame) -> pd.DataFrame:
    """Your weekly tokens as a share of the market's weekly total (`weekly_totals` rows, the API's `other` row
    included). Weeks the market has no data for get no share (NaN), never a zero."""
    market = market_totals[["week_start", "total_tokens", "days_present"]].rename(
        columns={"total_tokens": "market_tokens", "days_present": "market_days"}
    )
    out = weekly[["week_start", "tokens"]].merge(market, on="week_start", how="left", validate="1:1")
    out["share"] = out["tokens"] / out["market_tokens"]
    return out


def model_mix(rows: pd.DataFrame, market_shares: pd.DataFrame, market_total: int) -> pd.DataFrame:
    """Your models and the market's, over the same weeks.

    `market_shares` are weekly.weekly_shares_by rows of the year's weeks and `market_total` the tokens of
    those weeks (the `other` row included). Returns `model_permaslug | your_tokens | your_share | market_tokens
    | market_share | market_rank` (rank by the year's tokens; NaN for models the market did not rank).
    """
    yours = rows.groupby("model_permaslug")["tokens"].sum().rename("your_tokens")
    market = market_shares[market_shares["model_permaslug"] != OTHER_SLUG]
    theirs = market.groupby("model_permaslug")["tokens"].sum().rename("market_tokens")
    out = pd.concat([yours, theirs], axis=1).fillna(0).astype("int64").reset_index()
    out = out.rename(columns={"index": "model_permaslug"})
    out["your_share"] = out["your_tokens"] / yours.sum() if yours.sum() else 0.0
    out["market_share"] = out["market_tokens"] / market_total if market_total else 0.0
    ranked = out[out["market_tokens"] > 0].sort_values(["market_tokens", "model_permaslug"], ascending=[False, True])
    out["market_rank"] = out["model_permaslug"].map(
        pd.Series(range(1, len(ranked) + 1), index=ranked["model_permaslug"])
    )
    out = out.sort_values(["your_tokens", "market_tokens", "model_permaslug"], ascending=[False, False, True])
    return out[
        ["model_permaslug", "your_tokens", "your_share", "market_tokens", "market_share", "market_rank"]
    ].reset_index(drop=True)


def never_used(mix: pd.DataFrame, top: int) -> pd.DataFrame:
    """The market's `top` models of the year that you never used, by market rank."""
    out = mix[(mix["market_rank"] <= top) & (mix["your_tokens"] == 0)]
    return out.sort_values("market_rank").reset_index(drop=True)


def unranked(mix: pd.DataFrame) -> pd.DataFrame:
    """The models you used that the market did not rank in the year's weeks (private, niche or too small)."""
    return mix[(mix["your_tokens"] > 0) & mix["market_rank"].isna()].reset_index(drop=True)


def adoption_lag(
    rows: pd.DataFrame, market_usage: pd.DataFrame, your_start: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Per model you used: days from the Monday of its first week in the market's daily top 50 to your first
    request on it (negative: you were there first).

    `market_usage` is the whole daily table (every year), so a model ranked the year before counts from then.
    `censored` marks lags that are only bounds: the model was ranked on the market data's first day, or you
    used it on the first day your data cover (`your_start`: your pulls' first covered day; the rows' first day
    by default). Models the market never ranked have no lag.
    """
    your_first = rows.groupby("model_permaslug")["date"].min().rename("your_first_day")
    named = market_usage[market_usage["model_permaslug"] != OTHER_SLUG]
    market_first = named.groupby("model_permaslug")["date"].min().rename("market_first_day")
    out = pd.concat([your_first, market_first.reindex(your_first.index)], axis=1).reset_index()
    out = out.rename(columns={"index": "model_permaslug"})
    first = pd.to_datetime(out["market_first_day"])
    out["market_first_week"] = first - pd.to_timedelta(first.dt.day_of_week, unit="D")
    out["lag_days"] = (pd.to_datetime(out["your_first_day"]) - out["market_first_week"]).dt.days
    start = pd.Timestamp(your_start) if your_start is not None else pd.to_datetime(rows["date"]).min()
    out["censored"] = (first == pd.to_datetime(named["date"]).min()) | (pd.to_datetime(out["your_first_day"]) <= start)
    return out.sort_values(["your_first_day", "model_permaslug"]).reset_index(drop=True)


def paid_vs_list(weekly: pd.DataFrame, weekly_price: pd.DataFrame) -> pd.DataFrame:
    """Per week what you paid per million tokens against the market's token-weighted list price.

    `weekly_price` is prices.weekly_list_price (prompt and completion list prices per week); it is blended
    with your own prompt/completion split, so both numbers price the same tokens. `paid_usd_per_mtok` is
    OpenRouter's bill (`usage`) alone, `spend_usd_per_mtok` adds what BYOK providers billed you.
    """
    out = weekly[["week_start", "tokens", "prompt_tokens", "completion_tokens", "usage_usd", "spend_usd"]].merge(
        weekly_price, on="week_start", how="left", validate="1:1"
    )
    per_mtok = 1e6 / out["tokens"].where(out["tokens"] > 0)
    out["paid_usd_per_mtok"] = out["usage_usd"] * per_mtok
    out["spend_usd_per_mtok"] = out["spend_usd"] * per_mtok
    out["market_list_usd_per_mtok"] = (
        out["prompt_tokens"] * out["prompt_usd_per_mtok"] + out["completion_tokens"] * out["completion_usd_per_mtok"]
    ) / out["tokens"].where(out["tokens"] > 0)
    return out[
        ["week_start", "tokens", "paid_usd_per_mtok", "spend_usd_per_mtok", "market_list_usd_per_mtok", "priced_share"]
    ]


def tier_benchmarks(priced_shares: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    """Per week and tier the market's most-used model with a list price, and that price.

    `priced_shares` are weekly model shares with prices attached (prices.with_nearest_prices); `tiers` maps
    model_permaslug -> tier. Returns `week_start | tier | model_permaslug | tokens | prompt_usd_per_mtok |
    completion_usd_per_mtok`.
    """
    priced = priced_shares.dropna(subset=["prompt_usd_per_mtok", "completion_usd_per_mtok"])
    priced = priced.merge(tiers[["model_permaslug", "tier"]], on="model_permaslug", how="inner", validate="m:1")
    ordered = priced.sort_values(
        ["week_start", "tier", "tokens", "model_permaslug"], ascending=[True, True, False, True]
    )
    top = ordered.drop_duplicates(["week_start", "tier"], keep="first")
    columns = ["week_start", "tier", "model_permaslug", "tokens", "prompt_usd_per_mtok", "completion_usd_per_mtok"]
    return top[columns].reset_index(drop=True)


def what_if_same_tier(rows: pd.DataFrame, tiers: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """What-if, not a saving: your tokens of each week and tier priced at the list price of the market's
    most-used model of that tier that week (tier_benchmarks), next to what you spent on the same tokens.

    Returns per week `tokens | priced_tokens | spend_usd | what_if_usd` where spend and what-if cover only
    the priced tokens (a tier without a priced benchmark that week is left out of both).
    """
    tiered = rows.merge(tiers[["model_permaslug", "tier"]], on="model_permaslug", how="left", validate="m:1")
    by_tier = tiered.groupby(["week_start", "tier"], as_index=False)[
        ["tokens", "prompt_tokens", "completion_tokens", "spend_usd"]
    ].sum()
    joined = by_tier.merge(
        benchmarks.drop(columns=["model_permaslug", "tokens"]), on=["week_start", "tier"], how="left", validate="1:1"
    )
    priced = joined["prompt_usd_per_mtok"].notna()
    joined["what_if_usd"] = (
        joined["prompt_tokens"] * joined["prompt_usd_per_mtok"]
        + joined["completion_tokens"] * joined["completion_usd_per_mtok"]
    ) / 1e6
    joined["priced_tokens"] = joined["tokens"].where(priced, 0)
    joined["spend_usd"] = joined["spend_usd"].where(priced, 0.0)
    joined["what_if_usd"] = joined["what_if_usd"].where(priced, 0.0)
    out = joined.groupby("week_start", as_index=False)[["tokens", "priced_tokens", "spend_usd", "what_if_usd"]].sum()
    return out.astype({"tokens": "int64", "priced_tokens": "int64"})


def reasoning_share(weekly: pd.DataFrame) -> pd.DataFrame:
    """Reasoning tokens as a share of completion tokens, per week (NaN in a week without completions)."""
    completion = weekly["completion_tokens"].where(weekly["completion_tokens"] > 0)
    return weekly[["week_start", "reasoning_tokens", "completion_tokens"]].assign(
        share=weekly["reasoning_tokens"] / completion
    )


def providers(rows: pd.DataFrame) -> pd.DataFrame:
    """Who served your tokens: `provider_name | tokens | share | requests | spend_usd | byok_usd`, largest first."""
    out = rows.groupby("provider_name", as_index=False)[["tokens", "requests", "spend_usd", "byok_usd"]].sum()
    total = out["tokens"].sum()
    out.insert(2, "share", out["tokens"] / total if total else 0.0)
    return out.sort_values(["tokens", "provider_name"], ascending=[False, True]).reset_index(drop=True)


def byok_share(rows: pd.DataFrame) -> dict:
    """The share of your tokens served with your own provider keys, and of your spend billed that way."""
    tokens, spend = int(rows["tokens"].sum()), float(rows["spend_usd"].sum())
    byok = rows[rows["is_byok"]]
    return {
        "token_share": float(byok["tokens"].sum() / tokens) if tokens else None,
        "spend_share": float(byok["byok_usd"].sum() / spend) if spend else None,
        "providers": sorted(byok["provider_name"].unique().tolist()),
    }


def tier_share_by_quarter(rows: pd.DataFrame, tiers: pd.DataFrame, year: int, tier: str = EFFICIENT) -> pd.Series:
    """The share of each quarter's tokens on models of `tier`, for rows with `week_start` and `tokens`
    (yours from in_year, or the market's named rows from groups.year_rows, which carry `tier` already)."""
    tiered = (
        rows if "tier" in rows else rows.merge(tiers[["model_permaslug", "tier"]], on="model_permaslug", how="left")
    )
    quarter = week_quarter(tiered["week_start"], year)
    total = tiered.groupby(quarter)["tokens"].sum()
    in_tier = tiered[tiered["tier"] == tier].groupby(quarter[tiered["tier"] == tier])["tokens"].sum()
    return (in_tier.reindex(total.index, fill_value=0) / total).rename("share")

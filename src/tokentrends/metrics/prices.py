"""List prices per model and the token-weighted average list price per week.

These are list prices (USD per million tokens) from catalog snapshots, not what users paid: discounts,
caching and provider routing are invisible here. `:free` variants are priced at 0, as listed.
"""

from __future__ import annotations

import pandas as pd

from tokentrends.inputs.reference import split_variant


def slug_ids(models: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """`model_permaslug | model_id`: the catalog id(s) under which a permaslug's prices are listed."""
    ids_by_canonical: dict[str, set[str]] = {}
    for canonical, model_id in zip(catalog["canonical_slug"], catalog["model_id"], strict=True):
        ids_by_canonical.setdefault(canonical, set()).add(model_id)
    rows = []
    for slug in models["model_permaslug"]:
        base, variant = split_variant(slug)
        ids = ids_by_canonical.get(base, set()) | {base}
        rows.extend({"model_permaslug": slug, "model_id": f"{i}:{variant}" if variant else i} for i in ids)
        if variant == "free":  # a free endpoint costs 0 wherever its model is listed, even without its own row
            rows.extend({"model_permaslug": slug, "model_id": i} for i in ids)
    return pd.DataFrame(rows, columns=["model_permaslug", "model_id"])


def price_table(models: pd.DataFrame, catalog: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """`model_permaslug | vintage | as_of | prompt_usd_per_mtok | completion_usd_per_mtok` for every price
    vintage (scraped lists and catalog snapshots) that lists the model; `:free` variants cost 0."""
    columns = ["model_id", "vintage", "as_of", "prompt_usd_per_mtok", "completion_usd_per_mtok"]
    listed = pd.concat([prices[columns], catalog[columns]], ignore_index=True)
    ids = slug_ids(models, catalog)
    out = ids.merge(listed, on="model_id", how="inner", validate="m:m")
    free = out["model_permaslug"].str.endswith(":free")
    out.loc[free, ["prompt_usd_per_mtok", "completion_usd_per_mtok"]] = 0.0
    out = out.dropna(subset=["prompt_usd_per_mtok", "completion_usd_per_mtok"])
    return (
        out.sort_values("model_id")
        .drop_duplicates(["model_permaslug", "vintage"])
        .drop(columns="model_id")
        .reset_index(drop=True)
    )


def with_nearest_prices(model_shares: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Each (week, model) row with the prices of that model's list nearest in time to the week (NaN if none)."""
    listed = table.assign(
        listed_at=pd.to_datetime(table["as_of"], utc=True).dt.tz_localize(None).astype("datetime64[ns]")
    ).sort_values("listed_at")
    rows = model_shares.assign(week_at=model_shares["week_start"].astype("datetime64[ns]")).sort_values("week_at")
    joined = pd.merge_asof(
        rows,
        listed[["model_permaslug", "listed_at", "prompt_usd_per_mtok", "completion_usd_per_mtok"]],
        left_on="week_at",
        right_on="listed_at",
        by="model_permaslug",
        direction="nearest",
    )
    return joined.drop(columns=["week_at", "listed_at"])


def weekly_list_price(priced_shares: pd.DataFrame) -> pd.DataFrame:
    """Token-weighted average list price per week over the models with a price.

    `priced_shares` is `week_start | model_permaslug | tokens` with the price columns attached by
    with_nearest_prices (NaN where a model has no price). Returns `week_start | priced_share |
    prompt_usd_per_mtok | completion_usd_per_mtok` (priced_share: the week's named tokens that have a price).
    """
    joined = priced_shares
    priced = joined.dropna(subset=["prompt_usd_per_mtok"])
    weight = priced["tokens"]
    out = pd.DataFrame(
        {
            "priced_tokens": weight.groupby(priced["week_start"]).sum(),
            "prompt_usd_per_mtok": (priced["prompt_usd_per_mtok"] * weight).groupby(priced["week_start"]).sum(),
            "completion_usd_per_mtok": (priced["completion_usd_per_mtok"] * weight).groupby(priced["week_start"]).sum(),
        }
    )
    out["prompt_usd_per_mtok"] /= out["priced_tokens"]
    out["completion_usd_per_mtok"] /= out["priced_tokens"]
    out["priced_share"] = out["priced_tokens"] / joined.groupby("week_start")["tokens"].sum()
    return out.reset_index()[["week_start", "priced_share", "prompt_usd_per_mtok", "completion_usd_per_mtok"]]


def mix_and_price_effect(
    model_shares: pd.DataFrame, early: pd.DataFrame, late: pd.DataFrame, first_weeks: pd.Series, last_weeks: pd.Series
) -> dict:
    """Split the change in average prompt list price between two periods into mix and price effects.

    Only models priced in both lists count. mix: the late period's mix at early prices vs the early mix at
    early prices. price: the late mix at late prices vs the late mix at early prices.
    """
    both = early.index.intersection(late.index)

    def average(weeks: pd.Series, table: pd.DataFrame) -> float:
        rows = model_shares[model_shares["week_start"].isin(weeks) & model_shares["model_permaslug"].isin(both)]
        tokens = rows.groupby("model_permaslug")["tokens"].sum()
        return float((tokens * table.loc[tokens.index, "prompt_usd_per_mtok"]).sum() / tokens.sum())

    start, mixed, end = average(first_weeks, early), average(last_weeks, early), average(last_weeks, late)
    return {
        "models_in_both": int(len(both)),
        "start": start,
        "end": end,
        "mix_effect": mixed - start,
        "price_effect": end - mixed,
    }

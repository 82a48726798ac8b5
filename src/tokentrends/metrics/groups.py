"""Usage by group (lab, origin, open weights, tier, family): weekly and yearly shares, and coverage.

The API `other` row is not a model, so every share here is of the named (top-50) models' tokens.
"""

from __future__ import annotations

import pandas as pd

from tokentrends.distinct import distinct_values, per_row
from tokentrends.inputs.reference import UNDISCLOSED, UNKNOWN
from tokentrends.inputs.sources.rankings_daily import OTHER_SLUG
from tokentrends.metrics.weekly import in_year, week_quarter, with_week

GROUPS = ("lab", "origin", "open_weights", "tier", "family")


def attach_models(usage: pd.DataFrame, models: pd.DataFrame) -> pd.DataFrame:
    """Named-model rows of the usage table with their reference attributes (each slug classified once)."""
    named = usage[usage["model_permaslug"] != OTHER_SLUG]
    return named.merge(models, on="model_permaslug", how="left", validate="m:1").fillna(
        {c: UNKNOWN for c in models.columns if models[c].dtype == object}
    )


def is_known(values: pd.Series) -> pd.Series:
    """A value counts as classified unless it is unknown (in any case: the curated tables say "Unknown") or
    undisclosed (a stealth model's lab, a community fine-tuner's country)."""
    codes, distinct = distinct_values(values)
    text = distinct.astype(str).str.lower()
    return per_row((text != UNKNOWN) & ~text.str.startswith(UNDISCLOSED.lower()), codes, values)


def disclosed(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows whose lab is named: everything but the stealth models still in stealth."""
    codes, labs = distinct_values(rows["lab"])
    return rows[~per_row(labs.astype(str).str.startswith(UNDISCLOSED), codes, rows["lab"])]


def weekly_share_by(rows: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """`week_start | <attribute> | tokens | share` of each week's named-model tokens."""
    weekly = with_week(rows).groupby(["week_start", attribute], as_index=False)["tokens"].sum()
    weekly["share"] = weekly["tokens"] / weekly.groupby("week_start")["tokens"].transform("sum")
    return weekly.sort_values(["week_start", "tokens"], ascending=[True, False]).reset_index(drop=True)


def share_by(rows: pd.DataFrame, attribute: str) -> pd.Series:
    """Share of all the rows' tokens per value of the attribute, largest first."""
    totals = rows.groupby(attribute)["tokens"].sum().sort_values(ascending=False)
    return totals / totals.sum()


def coverage(rows: pd.DataFrame, attributes: tuple[str, ...] = GROUPS) -> dict:
    """Per attribute: the share of tokens and of distinct slugs whose value is known."""
    slugs = rows.drop_duplicates("model_permaslug")
    total = rows["tokens"].sum()
    return {
        a: {
            "token_share": float(rows.loc[is_known(rows[a]), "tokens"].sum() / total) if total else 0.0,
            "slug_share": float(is_known(slugs[a]).mean()) if len(slugs) else 0.0,
        }
        for a in attributes
    }


def shares_records(weekly: pd.DataFrame, attribute: str) -> list[dict]:
    """figures.json form of weekly_share_by: [{week_start, value, tokens, share}]."""
    weeks = weekly["week_start"].dt.strftime("%Y-%m-%d")
    return [
        {"week_start": w, "value": str(v), "tokens": int(t), "share": float(s)}
        for w, v, t, s in zip(weeks, weekly[attribute], weekly["tokens"], weekly["share"], strict=True)
    ]


def unclassified(rows: pd.DataFrame, attributes=("lab", "origin", "open_weights"), limit: int = 10):
    """Slugs missing any of the attributes, biggest first, with which ones are missing."""
    known = pd.concat({a: is_known(rows[a]) for a in attributes}, axis=1)
    missing = rows[~known.all(axis=1)].assign(
        missing=known[~known.all(axis=1)].apply(lambda r: ", ".join(a for a in attributes if not r[a]), axis=1)
    )
    out = missing.groupby(["model_permaslug", "missing"], as_index=False)["tokens"].sum()
    out["share"] = out["tokens"] / rows["tokens"].sum()
    return out.sort_values("tokens", ascending=False).head(limit).reset_index(drop=True)


def year_rows(usage: pd.DataFrame, models: pd.DataFrame, year: int) -> pd.DataFrame:
    """The named-model rows of the weeks that belong to `year`, with their reference attributes."""
    return attach_models(in_year(with_week(usage), year), models)  # the year's rows first: fewer to merge


def year_models(rows: pd.DataFrame, models: pd.DataFrame) -> pd.DataFrame:
    """The reference rows of the models that appear in `rows`."""
    return models[models["model_permaslug"].isin(rows["model_permaslug"].unique())].reset_index(drop=True)


def top50_coverage(usage: pd.DataFrame, year_weeks: pd.Series) -> dict:
    """Share of the weeks' tokens in named rows (the daily top 50) and in the API `other` row."""
    rows = with_week(usage)
    rows = rows[rows["week_start"].isin(year_weeks)]
    other = rows.loc[rows["model_permaslug"] == OTHER_SLUG, "tokens"].sum()
    total = rows["tokens"].sum()
    return {
        "named_share": float(1 - other / total) if total else None,
        "other_row_share": float(other / total) if total else None,
    }


def quarterly_share_by(rows: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """`quarter | <attribute> | tokens | share` of each quarter's named-model tokens (weeks by the year rule)."""
    quarter = week_quarter(rows["week_start"], rows["report_year"]).astype(str)
    out = rows.assign(quarter=quarter).groupby(["quarter", attribute], as_index=False)["tokens"].sum()
    out["share"] = out["tokens"] / out.groupby("quarter")["tokens"].transform("sum")
    return out


def quarter_winners(by_quarter: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """`quarter | <attribute> | share`: the value with the most tokens in each quarter."""
    winners = by_quarter.loc[by_quarter.groupby("quarter")["tokens"].idxmax(), ["quarter", attribute, "share"]]
    return winners.reset_index(drop=True)


def top_values_per_quarter_with_rest(
    weekly: pd.DataFrame, attribute: str, n: int, rest: str, year: int
) -> pd.DataFrame:
    """Keep in each quarter the n values with the most tokens in that quarter; fold the others into `rest`.

    A value that led early in the year (one quarter's leader) stays visible in that quarter even if the year's
    totals rank it low; `weekly` is weekly_share_by's frame.
    """
    quarter = week_quarter(weekly["week_start"], year)
    totals = weekly.assign(quarter=quarter).groupby(["quarter", attribute])["tokens"].sum()
    # nlargest per quarter (ties: the first), without a Python call per quarter: a stable sort, then each head
    leaders = totals.sort_values(ascending=False, kind="stable").groupby(level="quarter").head(n).index
    kept = pd.MultiIndex.from_arrays([quarter, weekly[attribute]]).isin(leaders)
    folded = weekly.assign(**{attribute: weekly[attribute].where(kept, rest)})
    return folded.groupby(["week_start", attribute], as_index=False)[["tokens", "share"]].sum()

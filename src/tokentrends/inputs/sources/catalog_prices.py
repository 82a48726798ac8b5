"""List prices scraped from OpenRouter's models page: `id,name,prompt_usd_per_mtok,completion_usd_per_mtok`."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources.rankings_daily import read_text

COLUMNS = ("id", "name", "prompt_usd_per_mtok", "completion_usd_per_mtok")


def read_catalog_prices(path: str | Path) -> pd.DataFrame:
    """`model_id | name | prompt_usd_per_mtok | completion_usd_per_mtok`; empty prices stay NaN."""
    text = read_text(path)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputError(path, f"malformed CSV: {exc}") from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(path, f"missing columns {missing}", 1)
    out = pd.DataFrame({"model_id": raw["id"], "name": raw["name"]})
    for column in ("prompt_usd_per_mtok", "completion_usd_per_mtok"):
        values = pd.to_numeric(raw[column].replace("", None), errors="coerce")
        bad = values.isna() & (raw[column] != "") | (values < 0)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(path, f"{column} {raw[column].iloc[i]!r} is not a non-negative number", i + 2)
        out[column] = values.astype(float)
    dup = out["model_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(path, f"duplicate id {out['model_id'].iloc[i]!r}", i + 2)
    return out

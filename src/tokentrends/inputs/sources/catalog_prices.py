"""List prices scraped from OpenRouter's models page: `id,name,prompt_usd_per_mtok,completion_usd_per_mtok`."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import strict
from tokentrends.inputs.sources.rankings_daily import read_text

COLUMNS = ("id", "name", "prompt_usd_per_mtok", "completion_usd_per_mtok")


def read_catalog_prices(path: str | Path) -> pd.DataFrame:
    """`model_id | name | prompt_usd_per_mtok | completion_usd_per_mtok`; empty prices stay NaN."""
    # The strict reader: a ragged row is an error, never a shifted or dropped column.
    header, records = strict.read_csv(path, read_text(path))
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(path, f"missing columns {missing}", 1)
    if len(set(header)) != len(header):
        raise InputError(path, f"repeated column names in the header {header}", 1)
    raw = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=list(COLUMNS))
    out = pd.DataFrame({"model_id": raw["id"], "name": raw["name"]})
    for column in ("prompt_usd_per_mtok", "completion_usd_per_mtok"):
        out[column] = [_price(v, path, i, column) for i, v in enumerate(raw[column], start=2)]
        out[column] = out[column].astype(float)
    dup = out["model_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(path, f"duplicate id {out['model_id'].iloc[i]!r}", i + 2)
    return out


def _price(text: str, path: str | Path, row: int, column: str) -> float:
    """An ASCII decimal >= 0 (exponents allowed: `1e-7`); empty is NaN. No `１２`, `1_000`, spaces, inf or nan."""
    if text == "":
        return math.nan
    value = float(text) if strict.is_decimal(text) else math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError(path, f"{column} {text[:40]!r} is not a non-negative number", row)
    return value

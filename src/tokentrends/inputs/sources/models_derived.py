"""The models catalog in a third-party collector's CSV layout, derived from `GET /api/v1/models`.

Columns `snapshot_date,id,canonical_slug,name,created,hugging_face_id,context_length,
price_prompt_usd_per_token,price_completion_usd_per_token,open_weights,blended_usd_per_mtok`. Parses into the
JSON catalog's columns (models_catalog.COLUMNS) so both are one input: prices in USD per million tokens,
-1 (a router, whose price depends on the route) as no price. `open_weights` and `blended_usd_per_mtok` are the
collector's own computations and are not used: `hugging_face_id` is the evidence, as with the JSON catalog.
Row numbers in errors are file line numbers.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import strict
from tokentrends.inputs.sources.models_catalog import COLUMNS as CATALOG_COLUMNS
from tokentrends.inputs.sources.rankings_daily import read_text

REQUIRED = (
    "snapshot_date",
    "id",
    "canonical_slug",
    "name",
    "created",
    "hugging_face_id",
    "context_length",
    "price_prompt_usd_per_token",
    "price_completion_usd_per_token",
)
IGNORED = ("open_weights", "blended_usd_per_mtok")
ROUTER_PRICE = Decimal(-1)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def per_mtok(text: str, column: str, path: str | Path, row: int) -> float:
    """USD per token as text -> USD per million tokens; empty or -1 (router) -> NaN; other negatives refused."""
    if text.strip() == "":
        return math.nan
    number = strict.decimal(text, column, path, row)
    if number == ROUTER_PRICE:
        return math.nan
    if number < 0:
        raise InputError(path, f"{column} {text[:30]!r} is negative (only -1, a router's price, is allowed)", row)
    return float(number * 1_000_000)


def whole(text: str, column: str, path: str | Path, row: int) -> int | None:
    if text.strip() == "":
        return None
    number = strict.decimal(text, column, path, row)
    if number != number.to_integral_value() or number < 0 or number > 2**62:
        raise InputError(path, f"{column} {text[:30]!r} is not a non-negative whole number", row)
    return int(number)


def read_models_derived(path: str | Path) -> pd.DataFrame:
    """The catalog frame (models_catalog.COLUMNS); every row checked, nothing dropped."""
    # The strict reader: a ragged row names its row, never shifts or drops a column (issue 14).
    header, records = strict.read_csv(path, read_text(path))
    if len(set(header)) != len(header):
        raise InputError(path, f"repeated column names in the header {header}", 1)
    raw = pd.DataFrame(records, columns=header, dtype=object)
    missing = [c for c in REQUIRED if c not in header]
    extra = [c for c in header if c not in REQUIRED + IGNORED]
    if missing or extra:
        raise InputError(
            path,
            f"columns must be {','.join(REQUIRED + IGNORED)}; missing {missing or 'none'}, "
            f"unexpected {extra or 'none'}",
            1,
        )
    out = []
    for i, item in enumerate(raw.to_dict("records")):
        row = i + 2
        if not DATE.fullmatch(item["snapshot_date"]):
            raise InputError(path, f"snapshot_date {item['snapshot_date'][:30]!r} is not a YYYY-MM-DD date", row)
        model_id = item["id"].strip()
        if not model_id:
            raise InputError(path, "id is empty", row)
        created = whole(item["created"], "created", path, row)
        out.append(
            {
                "model_id": model_id,
                "canonical_slug": item["canonical_slug"].strip() or model_id,
                "name": item["name"] or model_id,
                "created": pd.Timestamp(created, unit="s", tz="UTC") if created is not None else pd.NaT,
                "context_length": whole(item["context_length"], "context_length", path, row),
                "hugging_face_id": item["hugging_face_id"].strip(),
                "prompt_usd_per_mtok": per_mtok(
                    item["price_prompt_usd_per_token"], "price_prompt_usd_per_token", path, row
                ),
                "completion_usd_per_mtok": per_mtok(
                    item["price_completion_usd_per_token"], "price_completion_usd_per_token", path, row
                ),
            }
        )
    frame = pd.DataFrame(out, columns=CATALOG_COLUMNS)
    other_date = (raw["snapshot_date"] != raw["snapshot_date"].iloc[0]).to_numpy() if len(raw) else []
    if any(other_date):
        i = int(other_date.nonzero()[0][0])
        raise InputError(
            path,
            f"snapshot_date {raw['snapshot_date'].iloc[i]} differs from the first row's "
            f"{raw['snapshot_date'].iloc[0]} (one snapshot per file)",
            i + 2,
        )
    dup = frame["model_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(path, f"duplicate id {frame['model_id'].iloc[i]!r}", i + 2)
    return frame

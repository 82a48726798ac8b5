"""OpenRouter's model catalog, `GET /api/v1/models`: the whole response `{"data": [...]}` or the bare list.

Parses into `model_id | canonical_slug | name | created | context_length | hugging_face_id |
prompt_usd_per_mtok | completion_usd_per_mtok` (prices in USD per million tokens; NaN where absent).
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import strict
from tokentrends.inputs.sources.rankings_daily import read_text

CREATED_MAX = 4_102_444_800  # 2100-01-01 in Unix seconds
CONTEXT_MAX = 10**12

COLUMNS = [
    "model_id",
    "canonical_slug",
    "name",
    "created",
    "context_length",
    "hugging_face_id",
    "prompt_usd_per_mtok",
    "completion_usd_per_mtok",
]


def _price(value: object, path: str | Path, row: int, field: str) -> float:
    """A per-token USD price string -> USD per million tokens; -1 (OpenRouter's 'variable') -> NaN."""
    if value is None or value == "":
        return math.nan
    if isinstance(value, bool) or not strict.is_decimal(str(value)):  # no `１２`, `1_000`, ` 1 `, inf, nan
        raise InputError(path, f"data[{row}].pricing.{field} {str(value)[:30]!r} is not a number", row)
    number = Decimal(str(value))
    if number < 0:
        return math.nan  # the catalog uses -1 for router models whose price depends on the route
    return float(number * 1_000_000)


def _whole(value: object, path: str | Path, row: int, field: str, largest: int) -> int | None:
    """A whole number in [0, largest] (a JSON integer, or an integral float such as 1.0); None when absent.

    The bounds keep a `created: 1e20` from overflowing the timestamp and a `context_length` from being absurd.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, f"data[{row}].{field} is not a whole number", row)
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise InputError(path, f"data[{row}].{field} {value!r} is not a whole number", row)
    if not 0 <= value <= largest:
        raise InputError(path, f"data[{row}].{field} {str(value)[:30]} is outside 0..{largest}", row)
    return int(value)


def read_models_catalog(path: str | Path) -> pd.DataFrame:
    payload = strict.load_json(path, read_text(path))
    models = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(models, list):
        raise InputError(path, "expected a models response {'data': [...]} or a list of models")
    rows = []
    for i, model in enumerate(models):
        if not isinstance(model, dict):
            raise InputError(path, f"data[{i}] is not an object", i)
        if not isinstance(model.get("id"), str) or not model["id"]:
            raise InputError(path, f"data[{i}] has no id", i)
        pricing = model.get("pricing") or {}
        if not isinstance(pricing, dict):
            raise InputError(path, f"data[{i}].pricing is not an object", i)
        created = _whole(model.get("created"), path, i, "created", CREATED_MAX)
        context = _whole(model.get("context_length"), path, i, "context_length", CONTEXT_MAX)
        rows.append(
            {
                "model_id": model["id"],
                "canonical_slug": model.get("canonical_slug") or model["id"],
                "name": str(model.get("name") or model["id"]),
                "created": pd.Timestamp(created, unit="s", tz="UTC") if created is not None else pd.NaT,
                "context_length": context,
                "hugging_face_id": str(model.get("hugging_face_id") or ""),
                "prompt_usd_per_mtok": _price(pricing.get("prompt"), path, i, "prompt"),
                "completion_usd_per_mtok": _price(pricing.get("completion"), path, i, "completion"),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    dup = frame["model_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(path, f"duplicate model id {frame['model_id'].iloc[i]!r}", i)
    return frame

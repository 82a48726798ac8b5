"""OpenRouter's model catalog, `GET /api/v1/models`: the whole response `{"data": [...]}` or the bare list.

Parses into `model_id | canonical_slug | name | created | context_length | hugging_face_id |
prompt_usd_per_mtok | completion_usd_per_mtok` (prices in USD per million tokens; NaN where absent).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources.rankings_daily import read_text

COLUMNS = ["model_id", "canonical_slug", "name", "created", "context_length", "hugging_face_id",
           "prompt_usd_per_mtok", "completion_usd_per_mtok"]


def _price(value: object, path: str | Path, row: int, field: str) -> float:
    """A per-token USD price string -> USD per million tokens; -1 (OpenRouter's 'variable') -> NaN."""
    if value is None or value == "":
        return math.nan
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(path, f"data[{row}].pricing.{field} {str(value)[:30]!r} is not a number", row) from None
    if not number.is_finite():
        raise InputError(path, f"data[{row}].pricing.{field} is not finite", row)
    if number < 0:
        return math.nan  # the catalog uses -1 for router models whose price depends on the route
    return float(number * 1_000_000)


def read_models_catalog(path: str | Path) -> pd.DataFrame:
    text = read_text(path)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid or truncated JSON ({exc.msg} at line {exc.lineno})") from None
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
        created = model.get("created")
        if created is not None and (isinstance(created, bool) or not isinstance(created, (int, float))):
            raise InputError(path, f"data[{i}].created is not a Unix time", i)
        context = model.get("context_length")
        rows.append({
            "model_id": model["id"],
            "canonical_slug": model.get("canonical_slug") or model["id"],
            "name": str(model.get("name") or model["id"]),
            "created": pd.Timestamp(created, unit="s", tz="UTC") if created is not None else pd.NaT,
            "context_length": int(context) if isinstance(context, (int, float)) and not isinstance(context, bool)
            else None,
            "hugging_face_id": str(model.get("hugging_face_id") or ""),
            "prompt_usd_per_mtok": _price(pricing.get("prompt"), path, i, "prompt"),
            "completion_usd_per_mtok": _price(pricing.get("completion"), path, i, "completion"),
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    dup = frame["model_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(path, f"duplicate model id {frame['model_id'].iloc[i]!r}", i)
    return frame

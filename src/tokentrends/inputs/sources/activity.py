"""OpenRouter `GET /api/v1/activity`: one user's usage, one row per UTC day x model x endpoint.

The response is `{"data": [{date, model, model_permaslug, endpoint_id, provider_name, usage,
byok_usage_inference, requests, prompt_tokens, completion_tokens, reasoning_tokens}]}` and covers the
last 30 completed UTC days before the pull. It carries no as_of: the retrieval time comes from the
vintage's provenance.json and decides which days a row may fall on. Every problem raises one InputError
naming the file, the row (the index in `data`) and the reason; nothing is dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import api_json, strict
from tokentrends.inputs.sources.rankings_daily import read_text

TEXT = ("date", "model", "model_permaslug", "endpoint_id", "provider_name")
MONEY = ("usage", "byok_usage_inference")  # USD
COUNTS = ("requests", "prompt_tokens", "completion_tokens", "reasoning_tokens")
COLUMNS = (*TEXT, *MONEY, *COUNTS)
KEY = ("date", "model_permaslug", "endpoint_id")
WINDOW_DAYS = 30  # the endpoint returns the last 30 completed UTC days


@dataclass(frozen=True)
class ActivityFile:
    """One parsed activity response: the typed rows and the days the pull covers (None when as_of is unknown)."""

    path: str
    frame: pd.DataFrame
    window: tuple[date, date] | None


def pull_window(as_of: pd.Timestamp | str) -> tuple[date, date]:
    """The 30 completed UTC days before a pull retrieved at `as_of`: (first day, last day)."""
    stamp = pd.Timestamp(as_of)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    last = stamp.date() - timedelta(days=1)
    return last - timedelta(days=WINDOW_DAYS - 1), last


def parse_count(value: object, column: str, path: str | Path, row: int) -> int:
    """A count (tokens, requests) as an exact non-negative int64: the Data API's one rule (api_json.whole_number)."""
    return api_json.whole_number(value, column, path, row)


def parse_money(value: object, column: str, path: str | Path, row: int) -> float:
    """An amount in USD: a finite, non-negative number (JSON number or numeric string)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(path, f"{column} {value!r} must be a number", row)
    # A string is held to strict.decimal (no `１２`, `1_000`, `Infinity`); a JSON number is already one.
    amount = float(strict.decimal(value, column, path, row) if isinstance(value, str) else value)
    if not math.isfinite(amount):
        raise InputError(path, f"{column} {str(value)[:40]!r} is not a finite amount", row)
    if amount < 0:
        raise InputError(path, f"{column} {str(value)[:40]!r} is negative", row)
    return amount


def parse_day(value: object, path: str | Path, row: int) -> date:
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise InputError(path, f"date {str(value)[:40]!r} is not a YYYY-MM-DD date", row)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"date {value[:40]!r} is not a YYYY-MM-DD date", row) from None


def parse_item(item: object, path: str | Path, row: int, window: tuple[date, date] | None) -> tuple:
    """One `data[]` entry as a tuple in COLUMNS order, checked field by field."""
    if not isinstance(item, dict):
        raise InputError(path, f"data[{row}] is not an object", row)
    absent = [c for c in COLUMNS if c not in item]
    if absent:
        raise InputError(path, f"data[{row}] lacks {', '.join(absent)}", row)
    for column in TEXT:
        if not isinstance(item[column], str):
            raise InputError(path, f"data[{row}].{column} must be a string", row)
    for column in ("model_permaslug", "endpoint_id"):
        if not item[column].strip():
            raise InputError(path, f"{column} is empty", row)
    day = parse_day(item["date"], path, row)
    if window is not None and not window[0] <= day <= window[1]:
        raise InputError(path, f"date {day} is outside the pull's 30 days ({window[0]}..{window[1]})", row)
    money = [parse_money(item[c], c, path, row) for c in MONEY]
    counts = [parse_count(item[c], c, path, row) for c in COUNTS]
    return (day, *(item[c] for c in TEXT[1:]), *money, *counts)


def empty_frame() -> pd.DataFrame:
    dtypes = {
        "date": "datetime64[s]",
        **{c: object for c in TEXT[1:]},
        **{c: "float64" for c in MONEY},
        **{c: "int64" for c in COUNTS},
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in COLUMNS})


def to_frame(records: list[tuple]) -> pd.DataFrame:
    """Parsed tuples -> the typed activity frame (date as datetime64[s], counts int64, money float64)."""
    if not records:
        return empty_frame()
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    return frame.astype({**{c: "float64" for c in MONEY}, **{c: "int64" for c in COUNTS}})


def read_activity_json(path: str | Path, as_of: pd.Timestamp | str | None = None) -> ActivityFile:
    """Read a saved `/api/v1/activity` response. With `as_of` (the retrieval time) every row must fall in
    the pull's 30 days; without it, the rows must still span at most 30 days."""
    # Deep nesting and huge integers are one InputError too; NaN is refused per row below (row named).
    payload = strict.load_json(path, read_text(path), allow_constants=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise InputError(path, "expected a JSON object with a 'data' list (an /api/v1/activity response)")
    window = pull_window(as_of) if as_of is not None else None
    records = [parse_item(item, path, i, window) for i, item in enumerate(payload["data"])]
    seen: dict[tuple, int] = {}
    for i, record in enumerate(records):
        key = (record[0], record[2], record[3])  # date, model_permaslug, endpoint_id
        if key in seen:
            raise InputError(path, f"duplicate key ({key[0]}, {key[1]!r}, {key[2]!r}) in rows {seen[key]} and {i}", i)
        seen[key] = i
    if window is None and records:
        days = [r[0] for r in records]
        if (max(days) - min(days)).days >= WINDOW_DAYS:
            late = days.index(max(days))
            raise InputError(path, f"the rows span {min(days)}..{max(days)}, more than one pull's 30 days", late)
    return ActivityFile(str(path), to_frame(records), window)

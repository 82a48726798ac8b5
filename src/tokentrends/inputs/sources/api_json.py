"""Shared checks for the Data API's JSON responses (app-rankings, task classifications, session cost).

Each check returns the typed value or raises one InputError naming the file, the row and the reason, so the
parsers read as a list of fields and their rules.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import strict
from tokentrends.inputs.sources.rankings_daily import FLOAT_EXACT_MAX, INT64_MAX, parse_as_of, read_text

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def load_json(path: str | Path) -> object:
    """The file's JSON value; empty, non-UTF-8 or truncated files are one clear error."""
    return strict.load_json(path, read_text(path))  # deep nesting, huge integers, NaN: one InputError too


def whole_number(value: object, where: str, path: str | Path, row: int | None, minimum: int = 0) -> int:
    """An exact integer >= minimum from an int, an integral float or a string of plain ASCII digits (the API sends
    token counts as strings to keep them exact); booleans, fractions, values beyond int64 and lenient spellings
    (` 7 `, `1e3`, `1_000`, `１２`: see strict.WHOLE) are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(path, f"{where} must be a whole number, not {type(value).__name__}", row)
    if isinstance(value, float) and not abs(value) <= FLOAT_EXACT_MAX:
        raise InputError(path, f"{where} {value!r} is a float too large (or not finite) to be exact", row)
    if isinstance(value, str) and not (strict.WHOLE.fullmatch(value) or strict.NEGATIVE_WHOLE.fullmatch(value)):
        raise InputError(path, f"{where} {value[:40]!r} is not a whole number written in plain digits", row)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(path, f"{where} {str(value)[:40]!r} is not a number", row) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise InputError(path, f"{where} {str(value)[:40]!r} is not a whole number", row)
    if number < minimum:
        below = "is negative" if minimum == 0 else f"is below {minimum}"
        raise InputError(path, f"{where} {str(value)[:40]!r} {below}", row)
    if number > INT64_MAX:
        raise InputError(path, f"{where} {str(value)[:40]!r} is larger than int64 allows", row)
    return int(number)


def fraction(value: object, where: str, path: str | Path, row: int | None) -> float:
    """A share in [0, 1] given as a JSON number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, f"{where} must be a number, not {type(value).__name__}", row)
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise InputError(path, f"{where} {value!r} is not a share between 0 and 1", row)
    return float(value)


def text(value: object, where: str, path: str | Path, row: int | None, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InputError(path, f"{where} must be a string, not {type(value).__name__}", row)
    if not allow_empty and not value.strip():
        raise InputError(path, f"{where} is empty", row)
    return value


def iso_date(value: object, where: str, path: str | Path, row: int | None = None) -> date:
    """A YYYY-MM-DD date string."""
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        raise InputError(path, f"{where} {str(value)[:40]!r} is not a YYYY-MM-DD date", row)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"{where} {value!r} is not a calendar date", row) from None


def timestamp(value: object, where: str, path: str | Path) -> pd.Timestamp:
    """An ISO timestamp in UTC (parse_as_of's rules; the message names the field)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"{where} must be an ISO timestamp string")
    try:
        return parse_as_of(value, path)
    except InputError:
        raise InputError(path, f"{where} {value[:40]!r} is not an ISO timestamp") from None


def object_field(payload: object, key: str, path: str | Path, what: str) -> dict:
    if not isinstance(payload, dict) or not isinstance(payload.get(key), dict):
        raise InputError(path, f"expected a JSON object with a '{key}' object ({what})")
    return payload[key]


def list_field(payload: object, key: str, path: str | Path, what: str) -> list:
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        raise InputError(path, f"expected a JSON object with a '{key}' list ({what})")
    return payload[key]


def record(item: object, where: str, keys: tuple[str, ...], path: str | Path, row: int) -> dict:
    """One row object holding every key in `keys`."""
    if not isinstance(item, dict):
        raise InputError(path, f"{where} is not an object", row)
    absent = [k for k in keys if k not in item]
    if absent:
        raise InputError(path, f"{where} lacks {', '.join(absent)}", row)
    return item

"""Strict readers shared by every parser: JSON and CSV that fail with one InputError, numbers without leniency.

Python's own readers are generous where a data file must not be: `Decimal` takes `１２`, `1_000` and ` 12 `,
pandas drops extra leading fields into an index and pads short rows, and `json` raises RecursionError on
deep nesting or ValueError on a 5,000-digit integer. These wrappers turn all of that into InputError.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

from tokentrends.errors import InputError

# ASCII only: str.isdigit and Decimal also accept other scripts' digits (`１２`).
WHOLE = re.compile(r"[0-9]+(?:\.0+)?", re.ASCII)  # a count; `12.0` is how some exports write one
NEGATIVE_WHOLE = re.compile(r"-[0-9]+(?:\.[0-9]+)?", re.ASCII)
DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|-?\.[0-9]+(?:[eE][-+]?[0-9]+)?", re.ASCII)


def load_json(path: str | Path, text: str, allow_constants: bool = False) -> object:
    """json.loads with every failure (bad syntax, deep nesting, huge integers, NaN/Infinity) as InputError.

    allow_constants: NaN and Infinity come through as floats, for a parser that refuses them per row itself."""

    def refuse_constant(name: str) -> object:
        raise InputError(path, f"{name} is not a JSON number")

    try:
        return json.loads(text, parse_constant=None if allow_constants else refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid or truncated JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply") from None
    except ValueError as exc:  # int('9' * 5000): "Exceeds the limit (4300 digits) for integer string conversion"
        raise InputError(path, f"unreadable JSON value ({str(exc)[:80]})") from None


def read_csv(path: str | Path, text: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows as strings; every row must have exactly the header's number of fields.

    Row numbers in errors count records from the header's 1 (a quoted line break stays one record).
    Blank lines are skipped, as pandas did.
    """
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if r]
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc})") from None
    if not records:
        raise InputError(path, "the file has no header row")
    header, rows = records[0], records[1:]
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise InputError(path, f"{len(row)} fields where the header has {len(header)}", i)
    return header, rows


def is_decimal(text: str) -> bool:
    """A plain ASCII decimal number, optionally with an exponent: no spaces, underscores, signs but '-'."""
    return DECIMAL.fullmatch(text) is not None


def decimal(text: str, where: str, path: str | Path, row: int | None) -> Decimal:
    """A number written as text (surrounding spaces aside), held to is_decimal: one InputError otherwise."""
    if not is_decimal(text.strip()):
        raise InputError(path, f"{where} {text[:40]!r} is not a number", row)
    return Decimal(text.strip())

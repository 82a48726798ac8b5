"""OpenRouter Data API `rankings-daily`: the JSON response and the same rows as CSV.

Both parse into one tidy frame `date | model_permaslug | tokens` (tokens as int64), validated row by
row. Every problem raises one InputError naming the file, the row and the reason; nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tokentrends.distinct import distinct_values, per_row
from tokentrends.errors import InputError
from tokentrends.inputs.sources import strict

COLUMNS = ("date", "model_permaslug", "total_tokens")
OTHER_SLUG = "other"  # the API's reserved row: all models outside the day's top 50
REPORT_LABELS = ("Others",)  # what the report calls its own rows (metrics.weekly.OTHERS): no model may be named so
API_START = date(2025, 1, 1)
INT64_MAX = 2**63 - 1
FLOAT_EXACT_MAX = 2**53  # beyond this a JSON float no longer holds an exact integer


@dataclass(frozen=True)
class RankingsFile:
    """One parsed rankings-daily file: the tidy rows plus the response's `meta` (empty for CSV)."""

    path: str
    frame: pd.DataFrame
    meta: dict = field(default_factory=dict)


def read_text(path: str | Path) -> str:
    """Read a file as UTF-8 text (a BOM is allowed); other encodings are a clear error."""
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise InputError(path, "the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start} cannot be decoded)") from None


def parse_token_count(text: object, path: str | Path, row: int) -> int:
    """One token count as an exact non-negative int64, written in ASCII digits (`12` or `12.0`).

    Lenient forms are refused: `１２`, `1_000`, ` 12 `, `1e3` are not how a count is written, and taking them
    would let a damaged file through.
    """
    if isinstance(text, float) and abs(text) > FLOAT_EXACT_MAX:
        raise InputError(path, f"total_tokens {text!r} is a float too large to be exact", row)
    shown = str(text)[:40]
    value = str(text)
    if strict.WHOLE.fullmatch(value):
        digits = value.split(".")[0]
        if len(digits.lstrip("0")) > 19 or int(digits) > INT64_MAX:
            raise InputError(path, f"total_tokens {shown!r} is larger than int64 allows", row)
        return int(digits)
    if strict.NEGATIVE_WHOLE.fullmatch(value):
        raise InputError(path, f"total_tokens {shown!r} is negative", row)
    if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise InputError(path, f"total_tokens {shown!r} is not a finite number", row)
    if strict.is_decimal(value):
        raise InputError(path, f"total_tokens {shown!r} is not a whole number written in digits", row)
    raise InputError(path, f"total_tokens {shown!r} is not a number (ASCII digits only)", row)


def parse_token_counts(values: pd.Series, path: str | Path, rows: pd.Series) -> pd.Series:
    """Vectorised fast path for plain digit strings; everything else goes through parse_token_count."""
    text = values.astype("string")
    plain = text.str.fullmatch(r"[0-9]{1,18}").fillna(False).astype(bool).to_numpy()
    # Numpy arrays throughout: a masked pandas setitem can round-trip through float64 and lose digits
    # beyond 2**53 (found by the fuzz suite).
    out = np.zeros(len(values), dtype=np.int64)
    out[plain] = text[plain].to_numpy(dtype=object).astype(np.int64)
    for i in np.flatnonzero(~plain):
        out[i] = parse_token_count(values.iloc[i], path, int(rows.iloc[i]))
    return pd.Series(out, index=values.index)


def validate_rows(raw: pd.DataFrame, path: str | Path, rows: pd.Series, as_of: date | None) -> pd.DataFrame:
    """Raw string columns -> tidy typed frame; raises InputError at the first bad row."""
    for column in COLUMNS:
        missing = raw[column].isna()
        if missing.any():
            first = missing.to_numpy().nonzero()[0][0]
            raise InputError(path, f"missing value for {column}", int(rows.iloc[first]))

    date_text = raw["date"].astype("string")
    dates = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce")
    day_codes, days_written = distinct_values(date_text)
    well_formed = days_written.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    bad = dates.isna() | ~per_row(well_formed, day_codes, date_text)
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise InputError(
            path, f"date {str(raw['date'].iloc[first])[:40]!r} is not a YYYY-MM-DD date", int(rows.iloc[first])
        )

    def refuse_first(bad: pd.Series, reason: Callable[[int], str]) -> None:
        """An InputError at the first row where `bad` holds, its reason made from that row's position."""
        flags = bad.fillna(False).to_numpy(dtype=bool)
        if flags.any():
            first = int(flags.nonzero()[0][0])
            raise InputError(path, reason(first), int(rows.iloc[first]))

    refuse_first(
        dates < pd.Timestamp(API_START),
        lambda i: f"date {date_text.iloc[i]} is before the Data API starts ({API_START})",
    )
    if as_of is not None:
        refuse_first(
            dates > pd.Timestamp(as_of), lambda i: f"date {date_text.iloc[i]} is after the vintage's as_of ({as_of})"
        )
    slugs = raw["model_permaslug"].astype("string")
    slug_codes, distinct = distinct_values(slugs)

    def each(check: pd.Series) -> pd.Series:
        return per_row(check.fillna(False), slug_codes, slugs)

    refuse_first(each(distinct.str.len() == 0), lambda i: "model_permaslug is empty")
    refuse_first(
        each(distinct != distinct.str.strip()),
        lambda i: (
            f"model_permaslug {slugs.iloc[i]!r} has leading or trailing spaces (a permaslug has none: a padded "
            "one would be counted as another model)"
        ),
    )
    refuse_first(
        each((distinct.str.lower() == OTHER_SLUG) & (distinct != OTHER_SLUG)),
        lambda i: (
            f"model_permaslug {slugs.iloc[i]!r} is the API's {OTHER_SLUG!r} row written another way; it would "
            "be ranked as a model"
        ),
    )
    refuse_first(
        each(distinct.isin(REPORT_LABELS)),
        lambda i: (
            f"model_permaslug {slugs.iloc[i]!r} is the report's own label for the rest of a week's models; a "
            "model cannot be called that"
        ),
    )

    tidy = pd.DataFrame(
        {
            "date": dates.astype("datetime64[s]").to_numpy(),
            "model_permaslug": slugs.astype(object).to_numpy(),
            "tokens": parse_token_counts(raw["total_tokens"], path, rows).to_numpy(),
        }
    )
    dup = tidy.duplicated(["date", "model_permaslug"], keep=False)
    if dup.any():
        where = rows.to_numpy()[dup.to_numpy()]
        first = tidy[dup].iloc[0]
        raise InputError(
            path,
            f"duplicate key ({first['date']:%Y-%m-%d}, {first['model_permaslug']!r}) "
            f"in rows {', '.join(str(int(r)) for r in where[:5])}",
            int(where[1]),
        )
    return days_complete(tidy, path)


def days_complete(tidy: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """A file whose days carry the API's `other` row must carry it every day: a day without one was cut off (a
    download that stopped mid-file), and its missing rows would read as a quiet day."""
    has_other = tidy["model_permaslug"] == OTHER_SLUG
    if not has_other.any():  # a file without the convention (hand-made, another export): nothing to tell
        return tidy
    dates = tidy["date"].to_numpy()
    cut = np.setdiff1d(dates, dates[has_other.to_numpy()])  # sorted
    if len(cut):
        raise InputError(
            path,
            f"{pd.Timestamp(cut[0]):%Y-%m-%d} has no {OTHER_SLUG!r} row, which every other day of the file has "
            f"({len(cut)} such day(s)): the file looks cut off; pull it again",
        )
    return tidy


def read_rankings_csv(path: str | Path, as_of: date | None = None) -> RankingsFile:
    """Read `date,model_permaslug,total_tokens` CSV. Row numbers in errors are file line numbers."""
    header, records = strict.read_csv(path, read_text(path))
    if len(set(header)) != len(header):
        raise InputError(path, f"repeated column names in the header {header}", 1)
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing or extra:
        raise InputError(
            path, f"columns must be {','.join(COLUMNS)}; missing {missing or 'none'}, unexpected {extra or 'none'}", 1
        )
    raw = (
        pd.DataFrame(records, columns=header, dtype=object)[list(COLUMNS)]
        if records
        else pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    )
    rows = pd.Series(range(2, len(raw) + 2), index=raw.index)
    return RankingsFile(str(path), validate_rows(raw, path, rows, as_of))


def parse_as_of(value: object, path: str | Path) -> pd.Timestamp:
    """An ISO timestamp (UTC assumed when it has no zone)."""
    try:
        stamp = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise InputError(path, f"as_of {str(value)[:40]!r} is not an ISO timestamp") from None
    if pd.isna(stamp):
        raise InputError(path, "as_of is empty")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def read_rankings_json(path: str | Path) -> RankingsFile:
    """Read a raw Data API response `{"data": [...], "meta": {...}}`. Row numbers index `data`."""
    payload = strict.load_json(path, read_text(path))
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise InputError(path, "expected a JSON object with a 'data' list (a rankings-daily response)")
    meta = payload.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError(path, "'meta' must be an object")
    as_of = parse_as_of(meta["as_of"], path).date() if meta.get("as_of") else None
    records = []
    for i, item in enumerate(payload["data"]):
        if not isinstance(item, dict):
            raise InputError(path, f"data[{i}] is not an object", i)
        absent = [c for c in COLUMNS if c not in item]
        if absent:
            raise InputError(path, f"data[{i}] lacks {', '.join(absent)}", i)
        tokens = item["total_tokens"]
        if isinstance(tokens, bool) or not isinstance(tokens, (str, int, float)):
            raise InputError(path, f"data[{i}].total_tokens must be a string or number", i)
        if isinstance(tokens, float):
            tokens = parse_token_count(tokens, path, i)
        records.append((item["date"], item["model_permaslug"], tokens))
    raw = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    for column in ("date", "model_permaslug"):
        bad = raw[column].map(lambda v: not isinstance(v, str))
        if bad.any():
            first = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(path, f"data[{first}].{column} must be a string", first)
    raw["total_tokens"] = raw["total_tokens"].map(str)
    rows = pd.Series(range(len(raw)), index=raw.index)
    return RankingsFile(str(path), validate_rows(raw, path, rows, as_of), meta)

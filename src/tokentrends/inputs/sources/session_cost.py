"""OpenRouter Data API `session-cost`: median USD per agent session by harness, model and turn range.

`{"data": [{app_name, app_slug, model_permaslug, turn_range, median_session_cost_usd}], "meta": {as_of,
version, window_days, window_end_date}}` (the window fields may be null), weekly refreshed. Parses into
`app_slug | app_name | model_permaslug | turn_range | median_cost_usd`; one cell per (app_slug, model, range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import api_json

FIELDS = ("app_name", "app_slug", "model_permaslug", "turn_range", "median_session_cost_usd")
COLUMNS = ["app_slug", "app_name", "model_permaslug", "turn_range", "median_cost_usd"]
TURN_RANGES = ("1-turn", "2-9-turns", "10-49-turns", "50-plus-turns")  # the API's enum, shortest first


@dataclass(frozen=True)
class SessionCostFile:
    path: str
    frame: pd.DataFrame
    as_of: pd.Timestamp
    window_days: int | None
    window_end_date: date | None


def usd(value: object, where: str, path: str | Path, row: int) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, f"{where} must be a number, not {type(value).__name__}", row)
    if not math.isfinite(value) or value < 0:
        raise InputError(path, f"{where} {value!r} is not a non-negative amount", row)
    return float(value)


def read_session_cost(path: str | Path) -> SessionCostFile:
    """Parse and validate one response. Row numbers index `data`."""
    payload = api_json.load_json(path)
    items = api_json.list_field(payload, "data", path, "a session-cost response")
    meta = api_json.object_field(payload, "meta", path, "a session-cost response needs meta.as_of")
    as_of = api_json.timestamp(meta.get("as_of"), "meta.as_of", path)
    days = meta.get("window_days")
    window_days = None if days is None else api_json.whole_number(days, "meta.window_days", path, None, 1)
    end = meta.get("window_end_date")
    window_end = None if end is None else api_json.iso_date(end, "meta.window_end_date", path)
    if window_end is not None and window_end > as_of.date():
        raise InputError(path, f"meta.window_end_date {window_end} is after meta.as_of {as_of:%Y-%m-%d}")
    rows = []
    for i, item in enumerate(items):
        where = f"data[{i}]"
        api_json.record(item, where, FIELDS, path, i)
        turn_range = api_json.text(item["turn_range"], f"{where}.turn_range", path, i)
        if turn_range not in TURN_RANGES:
            raise InputError(path, f"{where}.turn_range {turn_range[:30]!r} is not one of {', '.join(TURN_RANGES)}", i)
        rows.append(
            (
                api_json.text(item["app_slug"], f"{where}.app_slug", path, i),
                api_json.text(item["app_name"], f"{where}.app_name", path, i, allow_empty=True),
                api_json.text(item["model_permaslug"], f"{where}.model_permaslug", path, i),
                turn_range,
                usd(item["median_session_cost_usd"], f"{where}.median_session_cost_usd", path, i),
            )
        )
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"median_cost_usd": float})
    dup = frame.duplicated(["app_slug", "model_permaslug", "turn_range"], keep=False)
    if dup.any():
        where = dup.to_numpy().nonzero()[0]
        first = frame.iloc[where[0]]
        raise InputError(
            path,
            f"duplicate cell ({first['app_slug'][:40]!r}, {first['model_permaslug'][:60]!r}, "
            f"{first['turn_range']}) in data[{where[0]}] and data[{where[1]}]",
            int(where[1]),
        )
    return SessionCostFile(str(path), frame, as_of, window_days, window_end)

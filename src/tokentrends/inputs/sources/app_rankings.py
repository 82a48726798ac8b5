"""OpenRouter Data API `app-rankings`: the top public apps by tokens inside a date window.

`{"data": [{rank, app_id, app_name, total_tokens (string), total_requests}], "meta": {as_of, version,
start_date, end_date}}` parses into `rank | app_id | app_name | tokens | requests` plus the window. The
response does not echo its query (sort, category, subcategory, limit, offset): that lives in the vintage's
provenance (`query_of`). `app_name` is not unique and changes between pulls, so `app_id` is the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import api_json

CITATION_TEMPLATE = "Source: OpenRouter (openrouter.ai/apps), as of {as_of}"
FIELDS = ("rank", "app_id", "app_name", "total_tokens", "total_requests")
COLUMNS = ["rank", "app_id", "app_name", "tokens", "requests"]
DEFAULT_SORT = "popular"
DEFAULT_LIMIT = 50  # what the API returns when the query names no limit
MAX_LIMIT = 100
MAX_OFFSET = 100
# OpenRouter documents the subcategory names but not which category holds each; these are the coding tools and
# the agents by their names. An app can sit in several: sums over a group de-duplicate by app_id (metrics/apps.py).
CODING_SUBCATEGORIES = ("cli-agent", "ide-extension", "cloud-agent", "programming-app", "native-app-builder")
AGENT_SUBCATEGORIES = ("cli-agent", "cloud-agent", "personal-agent")
SUBCATEGORY_GROUPS = {"agent": AGENT_SUBCATEGORIES, "coding": CODING_SUBCATEGORIES}


@dataclass(frozen=True)
class AppRankingsFile:
    path: str
    frame: pd.DataFrame
    as_of: pd.Timestamp
    start_date: date
    end_date: date


def read_app_rankings(path: str | Path) -> AppRankingsFile:
    """Parse and validate one response. Row numbers index `data`."""
    payload = api_json.load_json(path)
    items = api_json.list_field(payload, "data", path, "an app-rankings response")
    meta = api_json.object_field(payload, "meta", path, "an app-rankings response needs meta.as_of and its window")
    as_of = api_json.timestamp(meta.get("as_of"), "meta.as_of", path)
    start = api_json.iso_date(meta.get("start_date"), "meta.start_date", path)
    end = api_json.iso_date(meta.get("end_date"), "meta.end_date", path)
    if start > end:
        raise InputError(path, f"meta.start_date {start} is after meta.end_date {end}")
    if start > as_of.date():
        raise InputError(path, f"meta.start_date {start} is after meta.as_of {as_of:%Y-%m-%d}")
    rows = []
    for i, item in enumerate(items):
        where = f"data[{i}]"
        api_json.record(item, where, FIELDS, path, i)
        rows.append(
            (
                api_json.whole_number(item["rank"], f"{where}.rank", path, i, minimum=1),
                api_json.whole_number(item["app_id"], f"{where}.app_id", path, i),
                api_json.text(item["app_name"], f"{where}.app_name", path, i, allow_empty=True),
                api_json.whole_number(item["total_tokens"], f"{where}.total_tokens", path, i),
                api_json.whole_number(item["total_requests"], f"{where}.total_requests", path, i),
            )
        )
    frame = pd.DataFrame(rows, columns=COLUMNS).astype(
        {"rank": "int64", "app_id": "int64", "app_name": object, "tokens": "int64", "requests": "int64"}
    )
    for column in ("app_id", "rank"):
        dup = frame[column].duplicated(keep=False)
        if dup.any():
            where = dup.to_numpy().nonzero()[0]
            raise InputError(
                path,
                f"duplicate {column} {frame[column].iloc[where[0]]} in data[{where[0]}] and data[{where[1]}]",
                int(where[1]),
            )
    return AppRankingsFile(str(path), frame, as_of, start, end)


def query_of(params: object, path: str | Path) -> dict:
    """The list a vintage holds, from its provenance `params`: sort (default popular), category, subcategory,
    limit and offset. Without params the list is unknown (overall? which subcategory?): that is an error."""
    if not isinstance(params, dict):
        raise InputError(
            path,
            "an app-rankings vintage needs its query in provenance.json 'params' "
            "(the response does not echo category, subcategory, sort, limit or offset)",
        )
    query = {
        "sort": str(params.get("sort") or DEFAULT_SORT),
        "category": str(params.get("category") or ""),
        "subcategory": str(params.get("subcategory") or ""),
    }
    for key, top in (("limit", MAX_LIMIT), ("offset", MAX_OFFSET)):
        value = params.get(key, 0 if key == "offset" else None)
        query[key] = None if value is None else api_json.whole_number(value, f"params.{key}", path, None)
        if query[key] is not None and query[key] > top:
            raise InputError(path, f"params.{key} {query[key]} is above the API's maximum {top}")
    return query


def query_label(query: dict) -> str:
    """A stable, readable name for the list: 'all', 'subcategory=cli-agent', with a non-default sort."""
    parts = [f"{k}={query[k]}" for k in ("category", "subcategory") if query.get(k)]
    if query.get("sort", DEFAULT_SORT) != DEFAULT_SORT:
        parts.append(f"sort={query['sort']}")
    return ";".join(parts) or "all"

"""Fetch the demand side (issue 12) with fetch.py's client, rate limiter and atomic vintages.

- app-rankings for each completed Monday-Sunday week, newest week first: the overall list and each coding and
  agent subcategory, `limit` 100, then `offset` 100 where a page came back full (the API allows offset <= 100).
  Each page is its own vintage with its query in provenance `params` (the response does not echo it). Going
  back stops at the first week whose overall list is empty: the API's history starts there.
- classifications/task (7-day window only) and session-cost (weekly refreshed): once per week, i.e. only when
  the archive has no vintage whose as_of is within the last 7 days.

Every request goes through the same limiter (30 a minute, 500 a day, counted across runs); a vintage is
never overwritten, and what is already archived is never asked for again, so an interrupted run resumes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tokentrends import CITATION_TEMPLATE
from tokentrends.errors import InputError
from tokentrends.inputs import archive
from tokentrends.inputs.fetch import LICENCE, Client, parse_body, store_vintage
from tokentrends.inputs.sources import app_rankings, session_cost, task_classifications
from tokentrends.inputs.sources.rankings_daily import API_START

CODING_SUBCATEGORIES = app_rankings.CODING_SUBCATEGORIES
AGENT_SUBCATEGORIES = app_rankings.AGENT_SUBCATEGORIES
SUBCATEGORIES = tuple(dict.fromkeys(CODING_SUBCATEGORIES + AGENT_SUBCATEGORIES))
PAGE = app_rankings.MAX_LIMIT
WEEKLY = timedelta(days=7)


def completed_weeks(first: date, until: date) -> list[tuple[date, date]]:
    """Monday-Sunday weeks from the Monday on or after `first` whose Sunday is on or before `until`."""
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=6) <= until:
        weeks.append((monday, monday + timedelta(days=6)))
        monday += WEEKLY
    return weeks


def page_key(params: dict) -> tuple:
    """What identifies one page of one list in one window."""
    query = app_rankings.query_of(params, "params")
    return (
        str(params.get("start_date")),
        str(params.get("end_date")),
        query["sort"],
        query["category"],
        query["subcategory"],
        query["offset"],
    )


def archived_pages(data_dir: Path) -> dict[tuple, int]:
    """Every app-rankings page already in the archive and how many rows it holds."""
    pages = {}
    if not data_dir.is_dir():
        return pages
    for vintage in archive.discover_vintages(data_dir)[0]:
        params = vintage.provenance.get("params")
        if vintage.kind == archive.APPS and isinstance(params, dict):
            pages[page_key(params)] = len(app_rankings.read_app_rankings(vintage.path).frame)
    return pages


def _validate_page(params: dict) -> Callable[[bytes], object]:
    """The response is this page of this window: the parser's rules, the window and absolute ranks."""
    offset, limit = params["offset"], params["limit"]

    def check(body: bytes) -> None:
        parsed = parse_body(body, app_rankings.read_app_rankings)
        window = (parsed.start_date.isoformat(), parsed.end_date.isoformat())
        if window != (params["start_date"], params["end_date"]):
            raise InputError("response", f"window {window} is not the requested {params['start_date']}..")
        ranks = parsed.frame["rank"]
        if len(ranks) > limit or (len(ranks) and (ranks.min() <= offset or ranks.max() > offset + limit)):
            raise InputError("response", f"ranks {ranks.min()}..{ranks.max()} are not those of offset {offset}")

    return check


def page_params(start: date, end: date, subcategory: str | None, offset: int) -> dict:
    params = {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "sort": app_rankings.DEFAULT_SORT,
        "limit": PAGE,
        "offset": offset,
    }
    return {**params, "subcategory": subcategory} if subcategory else params


def fetch_page(client: Client, data_dir: Path, params: dict) -> tuple[Path | None, int]:
    """One validated page stored as a vintage with its query in provenance; returns it and its row count."""
    body = client.get("/datasets/app-rankings", params, _validate_page(params))
    payload = json.loads(body)
    as_of = payload["meta"]["as_of"]  # present: the parser validated it
    name = f"{params['start_date']}-{params.get('subcategory', 'all')}-o{params['offset']}"
    path = store_vintage(
        data_dir,
        "app-rankings",
        name,
        "app-rankings.json",
        body,
        {
            "kind": archive.APPS,
            "as_of": as_of,
            "as_of_basis": "the response's meta.as_of",
            "params": params,
            "url": f"{client.base_url}/datasets/app-rankings",
            "licence": LICENCE,
            "citation": app_rankings.CITATION_TEMPLATE.format(as_of=as_of),
            "origin": "OpenRouter Data API",
        },
    )
    return path, len(payload["data"])


def fetch_list(
    client: Client, data_dir: Path, start: date, end: date, subcategory: str | None, have: dict[tuple, int]
) -> tuple[list[Path], int]:
    """Every missing page of one list (a second page at offset 100 when the first is full); `have` is updated.
    Returns the new vintages and the first page's row count."""
    written, offset = [], 0
    while True:
        params = page_params(start, end, subcategory, offset)
        key = page_key(params)
        if key not in have:
            path, have[key] = fetch_page(client, data_dir, params)
            written += [path] if path else []
        if have[key] < PAGE or offset + PAGE > app_rankings.MAX_OFFSET:
            return written, have[page_key(page_params(start, end, subcategory, 0))]
        offset += PAGE


def fetch_app_rankings(client: Client, data_dir: Path, until: date, since: date = API_START, log=print) -> list[Path]:
    """Every missing page of every list for each completed week up to `until`, newest week first; going back
    stops at the first week whose overall list is empty."""
    have = archived_pages(data_dir)
    written = []
    for start, end in reversed(completed_weeks(since, until)):
        pages, overall_rows = fetch_list(client, data_dir, start, end, None, have)
        written += pages
        if overall_rows == 0:
            log(f"app-rankings: no apps listed for the week of {start}; the API's history starts after it")
            return written
        for subcategory in SUBCATEGORIES:
            written += fetch_list(client, data_dir, start, end, subcategory, have)[0]
    return written


def newest_as_of(data_dir: Path, kind: str) -> date | None:
    """The newest as_of day among the archive's vintages of one kind."""
    days = [date.fromisoformat(v.as_of[:10]) for v in archive.discover_vintages(data_dir)[0] if v.kind == kind]
    return max(days) if days else None


def fetch_task_classifications(client: Client, data_dir: Path, until: date, log=print) -> Path | None:
    """The 7 days to yesterday, once a week; named and dated by the window's last day (data.as_of)."""
    newest = newest_as_of(data_dir, archive.TASKS)
    if newest and newest > until - WEEKLY:
        log(f"classifications/task: the archive has the week to {newest}")
        return None
    params = {"window": "7d"}
    body = client.get(
        "/classifications/task", params, lambda b: parse_body(b, task_classifications.read_task_classifications)
    )
    as_of = json.loads(body)["data"]["as_of"]
    return store_vintage(
        data_dir,
        "classifications-task",
        f"{as_of}-7d",
        "task-classifications.json",
        body,
        {
            "kind": archive.TASKS,
            "as_of": as_of,
            "as_of_basis": "the response's data.as_of: the window's last UTC day",
            "params": params,
            "url": f"{client.base_url}/classifications/task",
            "licence": LICENCE,
            "citation": CITATION_TEMPLATE.format(as_of=as_of),
            "origin": "OpenRouter API",
        },
    )


def fetch_session_cost(client: Client, data_dir: Path, until: date, log=print) -> Path | None:
    """Median cost per agent session, once a week (the API refreshes it weekly)."""
    newest = newest_as_of(data_dir, archive.SESSION_COST)
    if newest and newest > until - WEEKLY:
        log(f"session-cost: the archive has the refresh of {newest}")
        return None
    body = client.get("/datasets/session-cost", None, lambda b: parse_body(b, session_cost.read_session_cost))
    as_of = json.loads(body)["meta"]["as_of"]
    return store_vintage(
        data_dir,
        "session-cost",
        f"{as_of[:10]}-api",
        "session-cost.json",
        body,
        {
            "kind": archive.SESSION_COST,
            "as_of": as_of,
            "as_of_basis": "the response's meta.as_of",
            "params": {},
            "url": f"{client.base_url}/datasets/session-cost",
            "licence": LICENCE,
            "citation": app_rankings.CITATION_TEMPLATE.format(as_of=as_of),
            "origin": "OpenRouter Data API",
        },
    )


def fetch_demand(client: Client, data_dir: Path, until: date, log=print) -> list[Path]:
    """What `make fetch` adds for the demand side; the small weekly pulls first, then the app lists."""
    written = [
        p
        for p in (
            fetch_task_classifications(client, data_dir, until, log),
            fetch_session_cost(client, data_dir, until, log),
        )
        if p
    ]
    return written + fetch_app_rankings(client, data_dir, until, log=log)

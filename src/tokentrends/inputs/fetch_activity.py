"""Fetch your own activity (`GET /api/v1/activity`, the last 30 completed UTC days) into data/private/.

The rules of `make fetch` apply, through its client and helpers (inputs/fetch.py): the key comes from
OPENROUTER_MANAGEMENT_KEY and is only sent in the Authorization header, never logged or written; the same
per-minute and per-day budget (counted in `<activity_dir>/.fetch-requests.json`); retries with backoff on
429, 5xx, timeouts and truncated bodies; each response validated by the build's own parser and stored
atomically as a new vintage with its provenance, never overwriting one. One request returns the whole 30
days, so resuming is simply asking again: an interrupted run leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tokentrends.inputs import activity_archive as aa
from tokentrends.inputs import fetch
from tokentrends.inputs.sources import activity as activity_source

KEY_VARIABLE = "OPENROUTER_MANAGEMENT_KEY"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def archive_last_covered_day(activity_dir: Path):
    """The last day any stored pull covers, or None for an empty archive."""
    if not activity_dir.is_dir():
        return None
    pulls, _ = aa.discover_activity(activity_dir)
    return max((aa.coverage(v)[1] for v in pulls), default=None)


def validator(clock: Callable[[], datetime], answered_at: list[str]) -> Callable[[bytes], None]:
    """Check a response with the build's parser against the 30 days before the moment it arrived (the
    server decides the window when it answers), and remember that moment as the pull's as_of."""

    def check(body: bytes) -> None:
        as_of = iso(clock())
        fetch.parse_body(body, lambda path: activity_source.read_activity_json(path, as_of=as_of))
        answered_at[:] = [as_of]

    return check


def fetch_activity(
    client: fetch.Client, activity_dir: Path, clock: Callable[[], datetime] | None = None, log=print
) -> Path | None:
    """One pull of the last 30 days, stored as a vintage; None when the archive already has the last complete day."""
    clock = clock or (lambda: datetime.now(UTC))
    last_complete = fetch.last_complete_utc_day(clock())
    covered = archive_last_covered_day(activity_dir)
    if covered is not None and covered >= last_complete:
        log(f"activity: the archive already covers up to {covered}")
        return None
    first_available = last_complete - timedelta(days=activity_source.WINDOW_DAYS - 1)
    if covered is not None and covered + timedelta(days=1) < first_available:
        log(
            f"activity: {covered + timedelta(days=1)}..{first_available - timedelta(days=1)} can no longer be "
            "fetched (the API keeps 30 days); the report lists them as missing"
        )
    answered_at: list[str] = []
    body = client.get("/activity", None, validator(clock, answered_at))
    as_of = answered_at[0]
    first, last = activity_source.pull_window(as_of)
    name = f"{as_of[:10]}-api-{as_of[11:19].replace(':', '')}"
    return fetch.store_vintage(
        activity_dir,
        aa.ACTIVITY,
        name,
        aa.ACTIVITY_FILE,
        body,
        {
            "kind": aa.ACTIVITY,
            "as_of": as_of,
            "as_of_basis": "retrieval time (the response carries no as_of)",
            "retrieved_at": as_of,
            "url": f"{client.base_url}/activity",
            "params": {},
            "coverage": [first.isoformat(), last.isoformat()],
            "licence": aa.PRIVATE_LICENCE,
            "citation": aa.ACTIVITY_CITATION.format(as_of=as_of),
            "origin": "OpenRouter API GET /api/v1/activity",
        },
    )


def run_fetch_activity(
    activity_dir: str | Path,
    base_url: str | None = None,
    per_minute: int = 30,
    per_day: int = 500,
    clock: Callable[[], datetime] | None = None,
    log=print,
) -> Path | None:
    """What `make fetch-activity` runs."""
    root = Path(activity_dir)
    client = fetch.open_client(
        root,
        KEY_VARIABLE,
        "(an OpenRouter management key) to fetch your activity",
        base_url=base_url,
        per_minute=per_minute,
        per_day=per_day,
        log=log,
    )
    path = fetch_activity(client, root, clock, log)
    if path:
        log(f"  new activity vintage: {path}")
    return path

"""What `make fetch` runs: rankings-daily and the models catalog (fetch.py), then the demand side
(fetch_demand.py), through one client and one request budget.

It sits above both modules: fetch_demand.py uses fetch.py's client and helpers, so fetch.py cannot import it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tokentrends.inputs.fetch import (
    DEFAULT_BASE_URL,
    REQUEST_LOG,
    Client,
    FetchError,
    RateLimiter,
    check_key,
    clean_partial,
    fetch_models,
    fetch_rankings,
    last_complete_utc_day,
)
from tokentrends.inputs.fetch_demand import fetch_demand


def run_fetch(
    data_dir: str | Path,
    until: date | None = None,
    models: bool = True,
    progress: bool = True,
    base_url: str | None = None,
    per_minute: int = 30,
    per_day: int = 500,
    log=print,
    demand: bool = True,
) -> list[Path]:
    """What `make fetch` runs."""
    key = os.environ.get("OPENROUTER_API_KEY", "").strip()  # a trailing newline from `$(cat keyfile)` is harmless
    if not key:
        raise FetchError("set OPENROUTER_API_KEY (any OpenRouter API key) to fetch rankings-daily")
    check_key(key)
    root = Path(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    if clean_partial(root):
        log("removed temporary files left by an interrupted fetch")
    base = base_url or os.environ.get("OPENROUTER_BASE_URL", DEFAULT_BASE_URL)
    limiter = RateLimiter(root / REQUEST_LOG, per_minute=per_minute, per_day=per_day)
    client = Client(base, limiter, api_key=key)
    written = fetch_rankings(client, root, until or last_complete_utc_day(), progress, log)
    if models:
        catalog = fetch_models(Client(base, limiter), root, log)
        if catalog:
            written.append(catalog)
    if demand:  # apps, task classifications, session cost (issue 12), inside the same request budget
        written += fetch_demand(client, root, until or last_complete_utc_day(), log)
    for path in written:
        log(f"  new vintage: {path}")
    return written

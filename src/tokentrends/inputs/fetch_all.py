"""What `make fetch` runs: rankings-daily and the models catalog (fetch.py), then the demand side
(fetch_demand.py), through one client and one request budget.

It sits above both modules: fetch_demand.py uses fetch.py's client and helpers, so fetch.py cannot import it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tokentrends.inputs.fetch import (
    Client,
    fetch_models,
    fetch_rankings,
    last_complete_utc_day,
    open_client,
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
    root = Path(data_dir)
    last_day = until or last_complete_utc_day()  # once: a fetch across midnight UTC ends every kind on the same day
    client = open_client(
        root,
        "OPENROUTER_API_KEY",
        "(any OpenRouter API key) to fetch rankings-daily",
        base_url=base_url,
        per_minute=per_minute,
        per_day=per_day,
        log=log,
    )
    written = fetch_rankings(client, root, last_day, progress, log)
    if models:
        catalog = fetch_models(Client(client.base_url, client.limiter), root, log)  # public: no key sent
        if catalog:
            written.append(catalog)
    if demand:  # apps, task classifications, session cost (issue 12), inside the same request budget
        written += fetch_demand(client, root, last_day, log)
    for path in written:
        log(f"  new vintage: {path}")
    return written

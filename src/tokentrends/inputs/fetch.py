"""Fetch new vintages from OpenRouter's Data API: rankings-daily for the missing range, and the model catalog.

- The key comes from OPENROUTER_API_KEY and is only ever sent in the Authorization header: never logged,
  never written.
- Windows of at most 30 days, from the archive's last day (or 2025-01-01) to the last complete UTC day.
- At most `per_minute` requests a minute and `per_day` a day (the API's 30 and 500), counted in
  `<data_dir>/.fetch-requests.json` so that separate runs share the daily budget.
- 429 and 5xx responses, timeouts and truncated bodies are retried with exponential backoff, honouring
  Retry-After up to `max_wait` (a longer wait stops the run: resume later); 401/403 stop at once.
- Each request has an overall deadline (a server trickling bytes cannot hold it forever) and a body size cap.
- Each response is validated with the same parser the build uses, written to a temporary folder and
  renamed into place with its provenance: a vintage is never overwritten, and an invalid or partial
  response is never stored. An interrupted run leaves nothing half-written; the next run resumes.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from tokentrends import CITATION_TEMPLATE
from tokentrends.errors import InputError, TokentrendsError
from tokentrends.files import write_atomic
from tokentrends.inputs import archive
from tokentrends.inputs.sources import rankings_daily
from tokentrends.inputs.sources.models_catalog import read_models_catalog

if TYPE_CHECKING:
    import httpx

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
WINDOW_DAYS = 30
LICENCE = "CC BY 4.0 (OpenRouter Data API output)"
REQUEST_LOG = ".fetch-requests.json"
MAX_BODY_BYTES = 64 * 1024 * 1024  # a 30-day window is ~0.2 MB and the catalog ~1 MB: far beyond both
DEADLINE_SECONDS = 180.0  # one whole request, however the bytes arrive
MAX_WAIT_SECONDS = 300.0  # the longest Retry-After this run sleeps through


class DeadlineExceeded(Exception):
    """A response took longer than the request's overall deadline."""


class FetchError(TokentrendsError):
    """The service could not give a usable response."""


@dataclass
class RateLimiter:
    """Spaces requests to stay under per-minute and per-day limits; the day's count persists in a file."""

    log_path: Path
    per_minute: int = 30
    per_day: int = 500
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    _stamps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.log_path.exists():
            try:
                self._stamps = [float(s) for s in json.loads(self.log_path.read_text())]
            except (ValueError, TypeError):
                self._stamps = []  # an unreadable log only loses the count, never data

    def acquire(self) -> None:
        now = self.clock()
        day = [s for s in self._stamps if now - s < 86_400]
        if len(day) >= self.per_day:
            wait_h = (min(day) + 86_400 - now) / 3600
            raise FetchError(
                f"the daily budget of {self.per_day} requests is spent; run again in {wait_h:.1f} h "
                "(the archive keeps everything fetched so far)"
            )
        minute = [s for s in day if now - s < 60]
        if len(minute) >= self.per_minute:
            self.sleep(60 - (now - min(minute)) + 0.01)
        self._stamps = [*day, self.clock()]
        write_atomic(self.log_path, json.dumps(self._stamps).encode())


def retry_after_seconds(value: str | None, default: float) -> float:
    """Retry-After as seconds or an HTTP date; the default when absent or unreadable."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass
class Client:
    """GET with retries, backoff and the rate limiter; returns the raw body (validated by the caller)."""

    base_url: str
    limiter: RateLimiter
    api_key: str | None = None
    timeout: float = 60.0
    max_attempts: int = 6
    backoff: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    key_name: str = "OPENROUTER_API_KEY"  # the variable the key came from, named when the key is rejected
    deadline: float = DEADLINE_SECONDS
    max_bytes: int = MAX_BODY_BYTES
    max_wait: float = MAX_WAIT_SECONDS

    def receive(
        self, http: httpx.Client, url: str, params: dict | None, headers: dict
    ) -> tuple[int, httpx.Headers, bytes]:
        """Status, headers and body, read in chunks so that the deadline and the size cap hold mid-body."""
        ends = time.monotonic() + self.deadline
        with http.stream("GET", url, params=params, headers=headers) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise self.too_large(url, int(declared))
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise self.too_large(url, size)
                if time.monotonic() > ends:
                    raise DeadlineExceeded
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)

    def too_large(self, url: str, size: int) -> FetchError:
        return FetchError(
            f"{url.removeprefix(self.base_url.rstrip('/'))}: the response is over the "
            f"{self.max_bytes:,}-byte cap ({size:,} bytes); not a Data API answer, nothing stored"
        )

    def get(self, path: str, params: dict | None = None, validate: Callable[[bytes], object] | None = None) -> bytes:
        headers = {"Accept": "application/json", "User-Agent": "tokentrends"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url.rstrip("/") + path
        last = ""
        # httpx (~0.05 s to import) only where a request is made: every command imports this module, and a build
        # with nothing to do is over in under a second
        import httpx  # noqa: PLC0415

        with httpx.Client(timeout=self.timeout, transport=self.transport) as http:
            for attempt in range(1, self.max_attempts + 1):
                self.limiter.acquire()
                wait = self.backoff * 2 ** (attempt - 1)
                try:
                    status, reply_headers, body = self.receive(http, url, params, headers)
                except httpx.TimeoutException:
                    last = "timed out"
                except DeadlineExceeded:
                    last = f"no complete response within {self.deadline:g} s"
                except httpx.TransportError as exc:
                    last = f"connection failed ({type(exc).__name__})"
                else:
                    if status in (401, 403):
                        raise FetchError(f"{path}: the API key was rejected (HTTP {status}); check {self.key_name}")
                    if status == 429 or status >= 500:
                        last = f"HTTP {status}"
                        wait = retry_after_seconds(reply_headers.get("Retry-After"), wait)
                        if wait > self.max_wait:
                            raise FetchError(
                                f"{path}: HTTP {status}, and the server asks to wait {wait / 3600:.1f} h "
                                f"(this run waits at most {self.max_wait / 60:g} min): stopping; "
                                "everything fetched so far is kept, run it again later to resume"
                            )
                    elif status != 200:
                        raise FetchError(f"{path}: HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
                    else:
                        try:
                            if validate:
                                validate(body)
                            return body
                        except InputError as exc:
                            last = f"invalid response ({exc.reason})"
                if attempt < self.max_attempts:
                    self.sleep(wait)
        raise FetchError(f"{path} failed after {self.max_attempts} attempts: {last}")


def windows(start: date, end: date, days: int = WINDOW_DAYS) -> list[tuple[date, date]]:
    """[start, end] cut into consecutive windows of at most `days` days."""
    out = []
    while start <= end:
        stop = min(end, start + timedelta(days=days - 1))
        out.append((start, stop))
        start = stop + timedelta(days=1)
    return out


def archive_last_day(data_dir: Path) -> date | None:
    """The last day any rankings vintage in the archive covers."""
    if not data_dir.is_dir():
        return None
    last = None
    for vintage in archive.discover_vintages(data_dir)[0]:
        if vintage.kind == archive.RANKINGS:
            frame = archive.read_rankings_vintage(vintage)
            day = frame["date"].max().date() if len(frame) else None
            last = day if last is None or (day and day > last) else last
    return last


def parse_body(body: bytes, reader: Callable[[str], object]) -> object:
    """A response read by the build's own parser for its input format (they read files): the fetcher keeps only
    what the build would read."""
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        tmp.write(body)
        tmp.flush()
        return reader(tmp.name)


def _validate_rankings(start: date, end: date) -> Callable[[bytes], object]:
    def check(body: bytes) -> None:
        parsed = parse_body(body, rankings_daily.read_rankings_json)
        if not parsed.meta.get("as_of"):
            raise InputError("response", "meta.as_of is missing")
        days = parsed.frame["date"]
        if len(days) and (days.min().date() < start or days.max().date() > end):
            raise InputError("response", f"rows outside the requested {start}..{end}")

    return check


def store_vintage(root: Path, kind_folder: str, name: str, filename: str, body: bytes, provenance: dict) -> Path | None:
    """Write body + provenance.json into root/kind_folder/name atomically; None if that vintage exists."""
    final = root / kind_folder / name
    if final.exists():
        return None
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=final.parent))
    try:
        (tmp / filename).write_bytes(body)
        meta = {**provenance, "file": filename, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
        (tmp / "provenance.json").write_text(json.dumps(meta, indent=2) + "\n")
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def clean_partial(root: Path) -> int:
    """Remove temporary folders an interrupted run left behind."""
    removed = 0
    for tmp in root.glob("*/.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def fetch_rankings(client: Client, data_dir: Path, until: date, progress: bool = True, log=print) -> list[Path]:
    """Fetch every missing day up to `until`, one window per request, each stored as a vintage."""
    last = archive_last_day(data_dir)
    start = last + timedelta(days=1) if last else rankings_daily.API_START
    todo = windows(start, until)
    if not todo:
        if last is None:
            log(
                f"rankings-daily: nothing to fetch: {until} is before the Data API's first day "
                f"({rankings_daily.API_START})"
            )
        else:
            log(f"rankings-daily: the archive already covers up to {last}")
        return []
    written = []
    bar = tqdm(todo, desc="rankings-daily windows", unit="window", disable=not progress)
    for first, stop in bar:
        params = {"start_date": first.isoformat(), "end_date": stop.isoformat()}
        retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = client.get("/datasets/rankings-daily", params, _validate_rankings(first, stop))
        payload = json.loads(body)
        stamp = rankings_daily.parse_as_of(payload["meta"]["as_of"], "response")
        if stamp > datetime.now(UTC) + archive.FUTURE_TOLERANCE:
            raise FetchError(
                f"the server's meta.as_of {stamp:%Y-%m-%dT%H:%MZ} is in the future: nothing stored "
                f"for {first}..{stop} (such a vintage would outrank every later one)"
            )
        if not payload["data"]:
            # Stored, an empty vintage would mark nothing and break nothing, but it says nothing either; and
            # storing later windows would leave a gap the resume would never fill.
            log(
                f"rankings-daily: the API has no rows for {first}..{stop} yet; nothing stored from here on, "
                "run it again later"
            )
            break
        as_of = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        name = f"{as_of[:10]}-api-{first}_{stop}"
        path = store_vintage(
            data_dir,
            "rankings-daily",
            name,
            "rankings-daily.json",
            body,
            {
                "kind": archive.RANKINGS,
                "as_of": as_of,
                "as_of_basis": "the response's meta.as_of",
                "retrieved_at": retrieved,
                "url": f"{client.base_url}/datasets/rankings-daily",
                "params": params,
                "coverage": [first.isoformat(), stop.isoformat()],
                "licence": LICENCE,
                "citation": CITATION_TEMPLATE.format(as_of=as_of),
                "origin": "OpenRouter Data API",
            },
        )
        if path:
            written.append(path)
    return written


def fetch_models(client: Client, data_dir: Path, log=print) -> Path | None:
    """The public model catalog, stored as a vintage dated by its retrieval time."""

    def check(body: bytes) -> None:
        parse_body(body, read_models_catalog)

    retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = client.get("/models", None, check)
    return store_vintage(
        data_dir,
        "models",
        f"{retrieved[:10]}-api",
        "models.json",
        body,
        {
            "kind": archive.MODELS,
            "as_of": retrieved,
            "as_of_basis": "retrieval time",
            "url": f"{client.base_url}/models",
            "licence": "OpenRouter public catalog data; facts (names, prices)",
            "citation": CITATION_TEMPLATE.format(as_of=retrieved),
            "origin": "OpenRouter API",
        },
    )


def last_complete_utc_day(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) - timedelta(days=1)).date()


def check_key(key: str, variable: str = "OPENROUTER_API_KEY") -> None:
    """Refuse a key httpx cannot send (it fails on the header only after the retries: "connection failed").
    The key itself is never shown."""
    if not (key.isascii() and key.isprintable()) or " " in key:
        raise FetchError(
            f"{variable} holds a line break, space, control or non-ASCII character; "
            "an API key is one line of ASCII (check how it was pasted or exported)"
        )


def open_client(
    root: Path,
    variable: str,
    what: str,
    *,
    base_url: str | None = None,
    per_minute: int = 30,
    per_day: int = 500,
    log=print,
) -> Client:
    """The client a fetch command uses: the key from `variable` (refused when missing or unsendable, never shown),
    the archive folder made and cleared of an interrupted fetch's files, the shared request log's rate limits."""
    key = os.environ.get(variable, "").strip()  # a trailing newline from `$(cat keyfile)` is harmless
    if not key:
        raise FetchError(f"set {variable} {what}")
    check_key(key, variable)
    root.mkdir(parents=True, exist_ok=True)
    if clean_partial(root):
        log("removed temporary files left by an interrupted fetch")
    base = base_url or os.environ.get("OPENROUTER_BASE_URL", DEFAULT_BASE_URL)
    limiter = RateLimiter(root / REQUEST_LOG, per_minute=per_minute, per_day=per_day)
    return Client(base, limiter, api_key=key, key_name=variable)

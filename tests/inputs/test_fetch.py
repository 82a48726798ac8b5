"""The real fetch client against a loopback server with constructed responses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from fake_openrouter import AS_OF, FakeOpenRouter, covered_days
from tokentrends.inputs import archive, fetch, prepare

KEY = "sk-or-test-secret-key"


def client(server: FakeOpenRouter, tmp_path: Path, sleeps: list | None = None, **kwargs) -> fetch.Client:
    limiter = fetch.RateLimiter(tmp_path / "requests.json", sleep=lambda s: None)
    record = sleeps.append if sleeps is not None else (lambda s: None)
    return fetch.Client(server.url, limiter, api_key=KEY, sleep=record, **kwargs)


def test__windows__at_most_30_days():
    got = fetch.windows(date(2025, 1, 1), date(2025, 3, 5))
    assert got[0] == (date(2025, 1, 1), date(2025, 1, 30))
    assert got[-1][1] == date(2025, 3, 5)
    assert all((b - a).days < 30 for a, b in got)
    assert fetch.windows(date(2025, 2, 1), date(2025, 1, 31)) == []


def test__fetch_rankings__fills_the_archive_with_vintages(tmp_path):
    with FakeOpenRouter() as server:
        written = fetch.fetch_rankings(
            client(server, tmp_path), tmp_path, date(2025, 3, 5), progress=False, log=lambda *_: None
        )
    assert len(written) == 3
    assert all(r["authorization"] == f"Bearer {KEY}" for r in server.requests)
    assert [r["query"]["start_date"] for r in server.requests] == ["2025-01-01", "2025-01-31", "2025-03-02"]
    days = covered_days(tmp_path)
    assert days == [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-01-01", "2025-03-05")]
    provenance = json.loads((written[0] / "provenance.json").read_text())
    assert provenance["as_of"] == AS_OF
    assert provenance["sha256"] == archive.sha256_of(written[0] / "rankings-daily.json")
    assert KEY not in json.dumps(provenance)
    # the stored vintages build: prepare reads them like any other
    processed = prepare.prepare(tmp_path, tmp_path / "processed", log=lambda *_: None)
    assert prepare.load_manifest(processed)["first_date"] == "2025-01-01"


def test__fetch_rankings__resumes_from_the_archive_end(tmp_path):
    with FakeOpenRouter() as server:
        fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 1, 10), False, log=lambda *_: None)
        fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 1, 20), False, log=lambda *_: None)
        assert (
            fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 1, 20), False, log=lambda *_: None)
            == []
        )
    assert [r["query"]["start_date"] for r in server.requests] == ["2025-01-01", "2025-01-11"]


@pytest.mark.parametrize(
    ("plan", "waits"), [(["429"], [1.0]), (["500"], [2.0]), (["500", "500"], [2.0, 4.0]), (["truncated"], [2.0])]
)
def test__client__retries_with_backoff_and_retry_after(tmp_path, plan, waits):
    sleeps: list[float] = []
    with FakeOpenRouter(plan) as server:
        fetch.fetch_rankings(client(server, tmp_path, sleeps), tmp_path, date(2025, 1, 5), False, log=lambda *_: None)
    assert sleeps == waits
    assert len(covered_days(tmp_path)) == 5


def test__client__slow_response_times_out_then_retries(tmp_path):
    sleeps: list[float] = []
    with FakeOpenRouter(["slow"], slow_seconds=2.0) as server:
        fetch.fetch_rankings(
            client(server, tmp_path, sleeps, timeout=0.5), tmp_path, date(2025, 1, 5), False, log=lambda *_: None
        )
    assert sleeps == [2.0] and len(server.requests) == 2


def test__client__401_stops_at_once_and_names_no_key(tmp_path):
    with FakeOpenRouter(["401"]) as server, pytest.raises(fetch.FetchError, match="key was rejected") as err:
        fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 1, 5), False, log=lambda *_: None)
    assert KEY not in str(err.value)
    assert len(server.requests) == 1
    assert covered_days(tmp_path) == []


def test__client__persistent_truncation_stores_nothing(tmp_path):
    with FakeOpenRouter(["truncated"] * 6) as server, pytest.raises(fetch.FetchError, match="invalid response"):
        fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 1, 5), False, log=lambda *_: None)
    assert list(tmp_path.rglob("*.json")) == [tmp_path / "requests.json"]


def test__rate_limiter__spaces_requests_and_keeps_the_daily_budget(tmp_path):
    now = [1000.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = fetch.RateLimiter(tmp_path / "log.json", per_minute=2, per_day=3, sleep=sleep, clock=lambda: now[0])
    limiter.acquire()
    limiter.acquire()
    limiter.acquire()  # the third within a minute waits for the first to age out
    assert sleeps and sleeps[0] == pytest.approx(60.01)
    again = fetch.RateLimiter(tmp_path / "log.json", per_minute=2, per_day=3, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(fetch.FetchError, match="daily budget"):
        again.acquire()  # the count survives across runs


def test__retry_after_seconds():
    assert fetch.retry_after_seconds("3", 9) == 3.0
    assert fetch.retry_after_seconds(None, 9) == 9
    assert fetch.retry_after_seconds("soon", 9) == 9
    assert fetch.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 9) == 0.0


def test__store_vintage__never_overwrites(tmp_path):
    first = fetch.store_vintage(tmp_path, "rankings-daily", "v", "a.json", b"{}", {"kind": "x"})
    assert first is not None
    assert fetch.store_vintage(tmp_path, "rankings-daily", "v", "a.json", b"[1]", {"kind": "x"}) is None
    assert (first / "a.json").read_bytes() == b"{}"


def _cli(tmp_path: Path, url: str, until: str) -> subprocess.Popen:
    env = {**os.environ, "OPENROUTER_API_KEY": KEY, "OPENROUTER_BASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "tokentrends", "fetch", "--data-dir", str(tmp_path), "--until", until],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test__fetch_cli__killed_mid_run_then_resumed(tmp_path):
    with FakeOpenRouter(["ok", "hang"]) as server:
        proc = _cli(tmp_path, server.url, "2025-03-05")
        deadline = time.time() + 60
        while len(server.requests) < 2 and time.time() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not list(tmp_path.rglob(".tmp-*"))
    assert len(covered_days(tmp_path)) == 30  # the first window, whole
    with FakeOpenRouter() as server:
        proc = _cli(tmp_path, server.url, "2025-03-05")
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert covered_days(tmp_path) == [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-01-01", "2025-03-05")]
    assert KEY not in out + err
    assert list((tmp_path / "models").iterdir())  # the catalog came too


def test__fetch_cli__without_key_is_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "OPENROUTER_API_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "tokentrends", "fetch", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: set OPENROUTER_API_KEY (any OpenRouter API key) to fetch rankings-daily"

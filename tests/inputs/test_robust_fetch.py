"""Issue 14, fetch (classes 1, 9, 13, 16): a hostile or broken server never stores a bad vintage or hangs a run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

import pytest

from conftest import quiet
from fake_openrouter import FakeOpenRouter, covered_days
from tokentrends.inputs import fetch

KEY = "sk-or-test-secret-key"


def client(server: FakeOpenRouter, tmp_path, sleeps: list | None = None, **kwargs) -> fetch.Client:
    limiter = fetch.RateLimiter(tmp_path / "requests.json", sleep=lambda s: None)
    record = sleeps.append if sleeps is not None else (lambda s: None)
    return fetch.Client(server.url, limiter, api_key=KEY, sleep=record, **kwargs)


def test__fetch__a_window_without_rows_is_not_stored_and_stops(tmp_path):
    lines: list[str] = []
    with FakeOpenRouter(["ok", "empty"]) as server:
        written = fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 3, 5), False, lines.append)
    assert len(written) == 1 and len(server.requests) == 2  # the third window is not asked for
    assert len(covered_days(tmp_path)) == 30
    assert any("no rows for 2025-01-31..2025-03-01" in line and "run it again later" in line for line in lines)


def test__fetch__a_future_meta_as_of_is_refused(tmp_path):
    future = pytest.raises(fetch.FetchError, match="2099-01-01T00:00Z is in the future")
    with FakeOpenRouter(["future"]) as server, future:
        fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2025, 1, 5), False, quiet)
    assert covered_days(tmp_path) == []


def test__client__a_trickling_server_meets_the_overall_deadline(tmp_path):
    sleeps: list[float] = []
    started = time.monotonic()
    with FakeOpenRouter(["trickle"]) as server:
        fetch.fetch_rankings(
            client(server, tmp_path, sleeps, timeout=5, deadline=1.0), tmp_path, date(2025, 1, 5), False, quiet
        )
    assert time.monotonic() - started < 15  # each byte came well within the 5 s read timeout
    assert sleeps == [2.0] and len(covered_days(tmp_path)) == 5  # retried, then stored


def test__client__a_body_over_the_cap_is_refused_without_reading_it_all(tmp_path):
    with FakeOpenRouter(["huge"]) as server, pytest.raises(fetch.FetchError, match="over the 1,048,576-byte cap"):
        fetch.fetch_rankings(client(server, tmp_path, max_bytes=2**20), tmp_path, date(2025, 1, 5), False, quiet)
    assert len(server.requests) == 1 and covered_days(tmp_path) == []


def test__client__a_day_long_retry_after_stops_and_says_resume_later(tmp_path):
    sleeps: list[float] = []
    with FakeOpenRouter(["ok", "429-day"]) as server, pytest.raises(fetch.FetchError) as err:
        fetch.fetch_rankings(client(server, tmp_path, sleeps), tmp_path, date(2025, 3, 5), False, quiet)
    assert "wait 24.0 h" in str(err.value) and "run it again later" in str(err.value)
    assert sleeps == []  # it never slept through the day
    assert len(covered_days(tmp_path)) == 30  # the first window is kept


@pytest.mark.parametrize("key", ["sk-or-abc\ndef", "sk-or-ключ", "sk-or a", "sk-or-\x01x"])
def test__fetch_cli__a_malformed_key_is_refused_at_once_and_never_shown(tmp_path, key):
    with FakeOpenRouter() as server:
        env = {**os.environ, "OPENROUTER_API_KEY": key, "OPENROUTER_BASE_URL": server.url}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "tokentrends", "fetch", "--data-dir", str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert server.requests == []
    assert time.monotonic() - started < 30  # not "connection failed" after a minute of retries
    assert result.returncode == 2
    assert "line break, space, control or non-ASCII" in result.stderr
    assert "abc" not in result.stderr and "ключ" not in result.stderr and "sk-or" not in result.stderr


def test__fetch__until_before_the_api_says_so(tmp_path):
    lines: list[str] = []
    with FakeOpenRouter() as server:
        fetch.fetch_rankings(client(server, tmp_path), tmp_path, date(2024, 6, 1), False, lines.append)
    assert lines == ["rankings-daily: nothing to fetch: 2024-06-01 is before the Data API's first day (2025-01-01)"]

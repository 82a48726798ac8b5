"""fetch-activity and add-activity against the loopback server: vintages, retries, key handling, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import quiet
from fake_openrouter import FakeOpenRouter
from tokentrends.inputs import activity_archive as aa
from tokentrends.inputs import fetch
from tokentrends.inputs import fetch_activity as fa

KEY = "sk-or-v1-management-secret"


def client(server: FakeOpenRouter, tmp_path: Path, sleeps: list | None = None) -> fetch.Client:
    limiter = fetch.RateLimiter(tmp_path / ".requests.json", sleep=lambda s: None)
    record = sleeps.append if sleeps is not None else (lambda s: None)
    return fetch.Client(server.url, limiter, api_key=KEY, sleep=record, key_name=fa.KEY_VARIABLE)


def test__fetch_activity__stores_a_private_vintage_that_loads(tmp_path):
    with FakeOpenRouter() as server:
        folder = fa.fetch_activity(client(server, tmp_path), tmp_path, log=quiet)
        again = fa.fetch_activity(client(server, tmp_path), tmp_path, log=quiet)
    assert again is None and len(server.requests) == 1  # the archive already holds yesterday
    assert server.requests[0]["path"] == "/api/v1/activity"
    assert server.requests[0]["authorization"] == f"Bearer {KEY}"
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["kind"] == "activity" and provenance["sha256"] == aa.archive.sha256_of(folder / "activity.json")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert provenance["coverage"][1] == yesterday
    assert KEY not in json.dumps(provenance)
    loaded = aa.load_activity(tmp_path, log=quiet)
    assert len(loaded.rows) == 60 and loaded.rows["prompt_tokens"].sum() == 2 * 1000 * sum(range(1, 31))


@pytest.mark.parametrize(("plan", "waits"), [(["429"], [1.0]), (["500", "500"], [2.0, 4.0]), (["truncated"], [2.0])])
def test__fetch_activity__retries_like_fetch(tmp_path, plan, waits):
    sleeps: list[float] = []
    with FakeOpenRouter(plan) as server:
        assert fa.fetch_activity(client(server, tmp_path, sleeps), tmp_path, log=quiet) is not None
    assert sleeps == waits


def test__fetch_activity__rejected_key_stops_at_once_and_names_the_variable(tmp_path):
    with FakeOpenRouter(["401"]) as server, pytest.raises(fetch.FetchError, match="OPENROUTER_MANAGEMENT_KEY") as err:
        fa.fetch_activity(client(server, tmp_path), tmp_path, log=quiet)
    assert KEY not in str(err.value) and len(server.requests) == 1
    assert not (tmp_path / "activity").exists()


def test__fetch_activity__says_which_days_are_lost(tmp_path):
    now = datetime.now(UTC)
    old = now - timedelta(days=60)
    folder = tmp_path / "activity" / "old"
    folder.mkdir(parents=True)
    (folder / "activity.json").write_text('{"data": []}')
    (folder / "provenance.json").write_text(json.dumps({"kind": "activity", "as_of": fa.iso(old)}))
    logged: list[str] = []
    with FakeOpenRouter() as server:
        fa.fetch_activity(client(server, tmp_path), tmp_path, log=logged.append)
    assert any("can no longer be fetched" in line for line in logged)
    gaps = aa.load_activity(tmp_path, log=quiet).missing_days
    # the old pull ends the day before it was taken; the new one starts 30 days before yesterday
    assert gaps[0] == old.date().isoformat() and len(gaps) == 30


def _cli(tmp_path: Path, url: str, *args: str, key: str | None = KEY) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != fa.KEY_VARIABLE}
    env.update({"OPENROUTER_BASE_URL": url, **({fa.KEY_VARIABLE: key} if key else {})})
    return subprocess.Popen(
        [sys.executable, "-m", "tokentrends", *args, "--activity-dir", str(tmp_path)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test__fetch_activity_cli__killed_mid_run_then_resumed(tmp_path):
    with FakeOpenRouter(["hang"]) as server:
        proc = _cli(tmp_path, server.url, "fetch-activity")
        deadline = time.time() + 60
        while not server.requests and time.time() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not list(tmp_path.rglob("activity.json")) and not list(tmp_path.rglob(".tmp-*"))
    with FakeOpenRouter() as server:
        out, err = _cli(tmp_path, server.url, "fetch-activity").communicate(timeout=120)
    assert "fetched 1 new activity vintage(s)" in out, err
    assert KEY not in out + err
    assert len(aa.load_activity(tmp_path, log=quiet).rows) == 60


def test__fetch_activity_cli__without_key_is_one_clear_line(tmp_path):
    _, err = _cli(tmp_path, "http://127.0.0.1:9", "fetch-activity", key=None).communicate(timeout=60)
    assert err.strip() == "error: set OPENROUTER_MANAGEMENT_KEY (an OpenRouter management key) to fetch your activity"
    # a key httpx cannot send is refused before any request, as make fetch refuses one, and never shown
    _, err = _cli(tmp_path, "http://127.0.0.1:9", "fetch-activity", key="sk-or-v1-abc def").communicate(timeout=60)
    assert "OPENROUTER_MANAGEMENT_KEY holds a line break, space" in err and "abc def" not in err


def test__add_activity_cli__needs_the_retrieval_time_and_never_guesses(tmp_path):
    saved = tmp_path / "saved.json"
    day = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    saved.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "date": day,
                        "model": "a/x",
                        "model_permaslug": "a/x-1",
                        "endpoint_id": "e",
                        "provider_name": "P",
                        "usage": 1.25,
                        "byok_usage_inference": 0,
                        "requests": 1,
                        "prompt_tokens": 9,
                        "completion_tokens": 1,
                        "reasoning_tokens": 0,
                    }
                ]
            }
        )
    )
    _, err = _cli(tmp_path / "private", "", "add-activity", str(saved)).communicate(timeout=60)
    assert "give the time the response was retrieved" in err and not (tmp_path / "private").exists()
    now = fa.iso(datetime.now(UTC))
    out, err = _cli(
        tmp_path / "private", "", "fetch-activity", "--file", str(saved), "--retrieved-at", now
    ).communicate(timeout=60)
    assert out.startswith("added "), err
    assert aa.load_activity(tmp_path / "private", log=quiet).rows["usage"].sum() == 1.25


def test__add_activity__asks_for_the_retrieval_time_on_a_terminal(tmp_path, monkeypatch):
    from tokentrends import cli

    asked: list[str] = []
    monkeypatch.setattr(cli.sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or " 2026-03-02T08:15:00Z ")
    assert cli._retrieved_at(None) == "2026-03-02T08:15:00Z" and "When was this response retrieved" in asked[0]
    assert cli._retrieved_at("2026-01-01T00:00:00Z") == "2026-01-01T00:00:00Z" and len(asked) == 1

"""Fetching the demand side against the loopback server: weeks, pages, once-a-week pulls, resume, budget."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fake_openrouter import FakeOpenRouter
from tokentrends.inputs import archive, fetch, fetch_all, fetch_demand, prepare

KEY = "sk-or-test-secret-key"
QUIET = {"log": lambda *_: None}


def client(server: FakeOpenRouter, tmp_path: Path, per_day: int = 500) -> fetch.Client:
    limiter = fetch.RateLimiter(tmp_path / ".requests.json", per_day=per_day, sleep=lambda s: None)
    return fetch.Client(server.url, limiter, api_key=KEY, sleep=lambda s: None)


def test__completed_weeks__monday_to_sunday_up_to_until():
    assert fetch_demand.completed_weeks(date(2025, 1, 1), date(2025, 1, 19)) == [
        (date(2025, 1, 6), date(2025, 1, 12)),
        (date(2025, 1, 13), date(2025, 1, 19)),
    ]
    assert fetch_demand.completed_weeks(date(2025, 1, 6), date(2025, 1, 18)) == [(date(2025, 1, 6), date(2025, 1, 12))]
    assert fetch_demand.completed_weeks(date(2025, 1, 7), date(2025, 1, 12)) == []


def app_queries(server: FakeOpenRouter) -> list[tuple]:
    return [
        (r["query"]["start_date"], r["query"].get("subcategory", ""), r["query"]["offset"])
        for r in server.requests
        if r["path"].endswith("/app-rankings")
    ]


def test__fetch_app_rankings__every_list_paged_newest_week_first_until_the_history_ends(tmp_path):
    with FakeOpenRouter() as server:
        written = fetch_demand.fetch_app_rankings(client(server, tmp_path), tmp_path, date(2025, 3, 9), **QUIET)
    got = app_queries(server)
    week = [
        ("2025-03-03", "", "0"),
        ("2025-03-03", "", "100"),  # 130 apps: a full first page, then the rest
        *[("2025-03-03", s, "0") for s in fetch_demand.SUBCATEGORIES],
    ]
    assert got[: len(week)] == week
    assert got[len(week) : 2 * len(week)] == [("2025-02-24", s, o) for _, s, o in week]
    assert got[2 * len(week) :] == [("2025-02-17", "", "0")]  # an empty overall list: the history starts after it
    assert len(written) == 2 * len(week) + 1
    provenance = json.loads((tmp_path / "app-rankings" / "2025-03-03-cli-agent-o0" / "provenance.json").read_text())
    assert provenance["params"] == {
        "start_date": "2025-03-03",
        "end_date": "2025-03-09",
        "sort": "popular",
        "limit": 100,
        "offset": 0,
        "subcategory": "cli-agent",
    }
    assert provenance["citation"].startswith("Source: OpenRouter (openrouter.ai/apps), as of 2025-03-11")
    assert KEY not in json.dumps(provenance)


def test__fetch_app_rankings__resumes_without_asking_twice(tmp_path):
    with FakeOpenRouter() as server:
        fetch_demand.fetch_app_rankings(client(server, tmp_path), tmp_path, date(2025, 3, 2), **QUIET)
        first = len(server.requests)
        fetch_demand.fetch_app_rankings(client(server, tmp_path), tmp_path, date(2025, 3, 9), **QUIET)
    # Only the new week: the empty week where the history starts was stored too, so it is not asked again.
    assert {q[0] for q in app_queries(server)[first:]} == {"2025-03-03"}


def test__fetch_app_rankings__the_daily_budget_stops_it_and_the_next_run_resumes(tmp_path):
    with FakeOpenRouter() as server, pytest.raises(fetch.FetchError, match="daily budget"):
        fetch_demand.fetch_app_rankings(client(server, tmp_path, per_day=5), tmp_path, date(2025, 3, 9), **QUIET)
    assert len(list((tmp_path / "app-rankings").iterdir())) == 5  # whatever came in is kept, whole
    (tmp_path / ".requests.json").unlink()  # a new day
    with FakeOpenRouter() as server:
        fetch_demand.fetch_app_rankings(client(server, tmp_path), tmp_path, date(2025, 3, 9), **QUIET)
    assert ("2025-03-03", "", "0") not in app_queries(server)
    assert len(list((tmp_path / "app-rankings").iterdir())) == 17


def test__fetch_app_rankings__a_truncated_page_is_retried_and_never_stored(tmp_path):
    with FakeOpenRouter(["truncated"]) as server:
        fetch_demand.fetch_app_rankings(client(server, tmp_path), tmp_path, date(2025, 3, 2), **QUIET)
    assert app_queries(server)[:2] == [("2025-02-24", "", "0")] * 2


def test__fetch_weekly_pulls__once_a_week(tmp_path):
    with FakeOpenRouter() as server:
        c = client(server, tmp_path)
        tasks = fetch_demand.fetch_task_classifications(c, tmp_path, date(2025, 3, 5), **QUIET)
        cost = fetch_demand.fetch_session_cost(c, tmp_path, date(2025, 3, 5), **QUIET)
        assert fetch_demand.fetch_task_classifications(c, tmp_path, date(2025, 3, 10), **QUIET) is None
        assert fetch_demand.fetch_session_cost(c, tmp_path, date(2025, 3, 10), **QUIET) is None
        server.task_as_of = "2025-03-11"
        assert fetch_demand.fetch_task_classifications(c, tmp_path, date(2025, 3, 11), **QUIET) is not None
    assert [r["path"].rsplit("/", 1)[-1] for r in server.requests] == ["task", "session-cost", "task"]
    assert tasks.name == "2025-03-04-7d" and cost.name == "2025-03-04-api"
    kinds = sorted(v.kind for v in archive.discover_vintages(tmp_path)[0])
    assert kinds == [archive.TASKS, archive.TASKS, archive.SESSION_COST]


def test__run_fetch__demand_vintages_prepare_with_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    with FakeOpenRouter() as server:
        fetch_all.run_fetch(tmp_path, until=date(2025, 3, 9), progress=False, base_url=server.url, **QUIET)
    out = prepare.prepare(tmp_path, tmp_path / "processed", **QUIET)
    apps = prepare.load_demand(out, "apps")
    overall = apps[apps["query"] == "all"]
    assert sorted(overall.groupby("window_start").size().tolist()) == [130, 130]
    assert overall["list_complete"].all()
    assert len(apps[apps["query"] == "subcategory=cli-agent"]) == 2 * 40
    assert len(prepare.load_demand(out, "tasks")) == 2 and len(prepare.load_demand(out, "session_cost")) == 1


def test__run_fetch__no_demand_asks_only_for_rankings_and_the_catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    with FakeOpenRouter() as server:
        fetch_all.run_fetch(
            tmp_path, until=date(2025, 1, 20), progress=False, base_url=server.url, demand=False, **QUIET
        )
    assert {r["path"].rsplit("/", 1)[-1] for r in server.requests} == {"rankings-daily", "models"}

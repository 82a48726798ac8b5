"""metrics/apps.py and metrics/tasks.py on tiny frames, and on the shared files against independent sums."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tokentrends.inputs import prepare
from tokentrends.metrics import apps as app_metrics
from tokentrends.metrics import tasks as task_metrics
from tokentrends.metrics import weekly

W1 = (pd.Timestamp("2026-09-21"), pd.Timestamp("2026-09-27"))


def app_rows(rows: list[tuple], window=W1) -> pd.DataFrame:
    """rows: (query, subcategory, app_id, app_name, tokens, requests, as_of)."""
    return pd.DataFrame(
        [
            {
                "window_start": window[0],
                "window_end": window[1],
                "query": q,
                "sort": "popular",
                "category": "",
                "subcategory": s,
                "app_id": i,
                "rank": 0,
                "app_name": n,
                "tokens": t,
                "requests": r,
                "list_complete": True,
                "vintage": f"v-{a}",
                "as_of": a,
            }
            for q, s, i, n, t, r, a in rows
        ]
    )


def totals(week_start: str, tokens: int, days: int = 7) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week_start": [pd.Timestamp(week_start)],
            "report_year": [2026],
            "days_present": [days],
            "total_tokens": [tokens],
        }
    )


APPS = app_rows(
    [
        ("all", "", 1, "pi", 600, 3, "2026-09-29T01"),
        ("all", "", 2, "Cline", 300, 6, "2026-09-29T01"),
        ("all", "", 3, "Tiny", 100, 0, "2026-09-29T01"),
        ("subcategory=cli-agent", "cli-agent", 1, "pi (new name)", 600, 3, "2026-09-29T02"),
        ("subcategory=cli-agent", "cli-agent", 2, "Cline", 300, 6, "2026-09-29T02"),
        ("subcategory=cloud-agent", "cloud-agent", 2, "Cline", 300, 6, "2026-09-29T02"),
        ("subcategory=personal-agent", "personal-agent", 4, "Bot", 50, 5, "2026-09-29T02"),
        ("subcategory=ide-extension", "ide-extension", 5, "Ext", 20, 2, "2026-09-29T02"),
    ]
)


def test__weekly_top_apps__newest_name_and_tokens_per_request():
    top = app_metrics.weekly_top_apps(APPS, 2)
    assert top[["rank", "app_id", "app_name", "tokens", "requests"]].values.tolist() == [
        [1, 1, "pi (new name)", 600, 3],
        [2, 2, "Cline", 300, 6],
    ]
    assert top["tokens_per_request"].tolist() == [200.0, 50.0]
    assert pd.isna(app_metrics.weekly_top_apps(APPS, 3)["tokens_per_request"].iloc[2])  # no requests: no ratio


def test__top_apps_share__of_the_whole_week_platform_tokens():
    share = app_metrics.top_apps_share(APPS, totals("2026-09-21", 4000), 2).iloc[0]
    assert (share["apps_listed"], share["top_n"], share["top_tokens"], share["listed_tokens"]) == (3, 2, 900, 1000)
    assert share["top_share"] == 900 / 4000 and share["listed_share"] == 1000 / 4000
    partial = app_metrics.top_apps_share(APPS, totals("2026-09-21", 4000, days=6), 2).iloc[0]
    assert pd.isna(partial["platform_tokens"]) and pd.isna(partial["top_share"])  # no share of a partial week


def test__subcategory_shares__an_app_in_two_subcategories_counts_once():
    out = app_metrics.subcategory_shares(APPS, totals("2026-09-21", 4000)).set_index("group")
    # agent = cli-agent {1, 2} + cloud-agent {2} + personal-agent {4}: 600 + 300 + 50, not 600 + 300 + 300 + 50
    assert out.loc["agent", ["apps", "tokens", "lists_sum_tokens"]].tolist() == [3, 950, 1250]
    assert out.loc["agent", "share"] == 950 / 4000
    assert out.loc["agent", "subcategories"] == "cli-agent, cloud-agent, personal-agent"
    assert out.loc["coding", ["apps", "tokens"]].tolist() == [3, 920]  # cli {1, 2} + cloud {2} + ide {5}
    assert out.loc["cloud-agent", "tokens"] == 300 and out.loc["cloud-agent", "kind"] == "subcategory"


def test__subcategory_shares__no_lists_is_an_empty_frame():
    assert app_metrics.subcategory_shares(APPS[APPS["query"] == "all"], totals("2026-09-21", 1)).empty


def test__apps_metrics__the_shared_files_equal_independent_sums(shared_data, tmp_path):
    out = prepare.prepare(shared_data, tmp_path, log=lambda *_: None)
    apps, usage = prepare.load_demand(out, "apps"), prepare.load_usage(out)
    week_totals = weekly.weekly_totals(usage)
    root = shared_data / "app-rankings"
    newest = json.loads((root / "2026-09-28-all-125234" / "app-rankings.json").read_text())["data"]
    top = app_metrics.weekly_top_apps(apps, 10)
    expected = sorted(newest, key=lambda r: -int(r["total_tokens"]))[:10]
    assert top["app_id"].tolist() == [r["app_id"] for r in expected]
    assert top["tokens"].sum() == sum(int(r["total_tokens"]) for r in expected)
    # The platform's week, summed straight from the daily rows (the `other` row included).
    facets = pd.read_csv(shared_data / "rankings-daily" / "2026-10-11-facets" / "rankings-daily.csv")
    week = facets[(facets["date"] >= "2026-09-28") & (facets["date"] <= "2026-10-04")]
    share = app_metrics.top_apps_share(apps, week_totals, 10).iloc[0]
    assert share["platform_tokens"] == week["total_tokens"].sum()
    assert share["listed_share"] == sum(int(r["total_tokens"]) for r in newest) / week["total_tokens"].sum()
    # Agents, de-duplicated by app_id across the three lists (newest personal-agent pull).
    distinct = {}
    for folder in ("2026-09-21-cli-agent-171842", "2026-09-21-cloud-agent-171844", "2026-09-21-personal-agent-171840"):
        for row in json.loads((root / folder / "app-rankings.json").read_text())["data"]:
            distinct[row["app_id"]] = int(row["total_tokens"])
    facets_week = facets[(facets["date"] >= "2026-09-21") & (facets["date"] <= "2026-09-27")]["total_tokens"].sum()
    agent = app_metrics.subcategory_shares(apps, week_totals).set_index("group").loc["agent"]
    assert agent["apps"] == len(distinct) and agent["tokens"] == sum(distinct.values())
    assert agent["share"] == pytest.approx(sum(distinct.values()) / facets_week)
    assert agent["lists_sum_tokens"] > agent["tokens"]  # the plain sum would count shared apps twice


TASK_WINDOW = {"window_start": pd.Timestamp("2026-09-30"), "window_end": pd.Timestamp("2026-10-06")}
TAGS = pd.DataFrame(
    [
        {
            **TASK_WINDOW,
            "tag": "code:a",
            "display_name": "A",
            "macro_category": "code",
            "token_share": 0.5,
            "usage_share": 0.1,
        },
        {
            **TASK_WINDOW,
            "tag": "gen:b",
            "display_name": "B",
            "macro_category": "general",
            "token_share": 0.2,
            "usage_share": 0.6,
        },
        {
            **TASK_WINDOW,
            "tag": "agent:c",
            "display_name": "C",
            "macro_category": "agent",
            "token_share": 0.3,
            "usage_share": 0.3,
        },
    ]
)
MACRO = pd.DataFrame(
    [
        {**TASK_WINDOW, "key": "code", "label": "Code", "token_share": 0.5, "usage_share": 0.1},
        {**TASK_WINDOW, "key": "agent", "label": "Agent", "token_share": 0.3, "usage_share": 0.3},
        {**TASK_WINDOW, "key": "general", "label": "General", "token_share": 0.2, "usage_share": 0.6},
    ]
)


def test__largest_tags__by_tokens_and_by_requests():
    assert task_metrics.largest_tags(TAGS, 2)["tag"].tolist() == ["code:a", "agent:c"]
    assert task_metrics.largest_tags(TAGS, 2, by="usage_share")["tag"].tolist() == ["gen:b", "agent:c"]
    with pytest.raises(ValueError):
        task_metrics.largest_tags(TAGS, 2, by="tokens")


def test__macro_shares_and_agency_share():
    assert task_metrics.macro_shares(MACRO)["key"].tolist() == ["code", "agent", "general"]
    agency = task_metrics.agency_share(MACRO).iloc[0]
    assert agency["token_share"] == pytest.approx(0.8) and agency["usage_share"] == pytest.approx(0.4)


def test__leading_models__by_token_share_with_display_names_in_tag_order():
    models = pd.DataFrame(
        [
            {
                **TASK_WINDOW,
                "tag": "code:a",
                "position": 1,
                "model_permaslug": "x/1",
                "tag_usage_share": 0.5,
                "tag_token_share": 0.1,
            },
            {
                **TASK_WINDOW,
                "tag": "code:a",
                "position": 2,
                "model_permaslug": "y/2",
                "tag_usage_share": 0.2,
                "tag_token_share": 0.4,
            },
            {
                **TASK_WINDOW,
                "tag": "agent:c",
                "position": 1,
                "model_permaslug": "x/1",
                "tag_usage_share": 0.9,
                "tag_token_share": 0.9,
            },
        ]
    )
    got = task_metrics.leading_models(models, task_metrics.largest_tags(TAGS, 2), {"x/1": "Model X"}, 1)
    assert got[["tag", "model_rank", "model_name"]].values.tolist() == [["code:a", 1, "y/2"], ["agent:c", 1, "Model X"]]


def test__task_metrics__the_shared_file_equals_independent_sums(shared_data, tmp_path):
    out = prepare.prepare(shared_data, tmp_path, log=lambda *_: None)
    raw = json.loads((shared_data / "classifications-task/2026-10-06-7d/task-classifications.json").read_text())["data"]
    macro = {m["key"]: m for m in raw["macro_categories"]}
    agency = task_metrics.agency_share(prepare.load_demand(out, "task_macro")).iloc[0]
    assert agency["token_share"] == pytest.approx(macro["agent"]["token_share"] + macro["code"]["token_share"])
    top = task_metrics.largest_tags(prepare.load_demand(out, "tasks"), 5)
    expected = sorted(raw["classifications"], key=lambda c: (-c["token_share"], c["tag"]))[:5]
    assert top["tag"].tolist() == [c["tag"] for c in expected]
    assert top["token_share"].sum() == pytest.approx(sum(c["token_share"] for c in expected))


COST = pd.DataFrame(
    [
        {
            "window_end": pd.Timestamp("2026-10-05"),
            "app_slug": a,
            "app_name": a.title(),
            "model_permaslug": m,
            "turn_range": r,
            "median_cost_usd": c,
        }
        for a, m, r, c in [
            ("h", "x/1", "1-turn", 0.2),
            ("h", "y/2", "1-turn", 0.4),
            ("c", "x/1", "1-turn", 1.0),
            ("h", "x/1", "50-plus-turns", 30.0),
            ("c", "x/1", "10-49-turns", 9.0),
        ]
    ]
)


def test__session_cost_by_turns__median_of_the_cells_in_turn_order():
    got = task_metrics.session_cost_by_turns(COST)
    assert got[["turn_range", "cells", "median_usd", "low_usd", "high_usd"]].values.tolist() == [
        ["1-turn", 3, 0.4, 0.2, 1.0],
        ["10-49-turns", 1, 9.0, 9.0, 9.0],
        ["50-plus-turns", 1, 30.0, 30.0, 30.0],
    ]


def test__session_cost_by_harness__one_turn_range():
    got = task_metrics.session_cost_by_harness(COST, "1-turn")
    assert got[["app_slug", "models", "median_usd"]].values.tolist() == [["c", 1, 1.0], ["h", 2, pytest.approx(0.3)]]


def test__windows_in_year__by_the_week_start_or_the_end_when_there_is_no_start():
    frame = pd.DataFrame(
        {
            "window_start": pd.to_datetime(["2026-12-28", "2027-01-04", None]),
            "window_end": pd.to_datetime(["2027-01-03", "2027-01-10", "2026-10-05"]),
            "x": [1, 2, 3],
        }
    )
    assert app_metrics.windows_in_year(frame, 2026)["x"].tolist() == [1, 3]
    assert app_metrics.windows_in_year(frame, 2027)["x"].tolist() == [2]

"""Demand vintages: kinds, queries from provenance, newest-as_of merges, revision logs and prepared tables."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, write_csv
from tokentrends.errors import InputError
from tokentrends.inputs import archive, demand, prepare

SESSION_FIXTURE = ROOT / "tests" / "fixtures" / "session-cost"


def vintage_dir(root: Path, name: str, filename: str, payload: dict, provenance: dict) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    body = json.dumps(payload).encode()
    (folder / filename).write_bytes(body)
    meta = {**provenance, "file": filename, "sha256": hashlib.sha256(body).hexdigest()}
    (folder / "provenance.json").write_text(json.dumps(meta))
    return folder


def apps_payload(as_of: str, rows: list[tuple[int, int, str, int, int]], start="2026-09-21", end="2026-09-27"):
    return {
        "data": [
            {"rank": r, "app_id": i, "app_name": n, "total_tokens": str(t), "total_requests": q}
            for r, i, n, t, q in rows
        ],
        "meta": {"as_of": as_of, "version": "v1", "start_date": start, "end_date": end},
    }


def params(subcategory: str | None = None, limit: int = 100, offset: int = 0) -> dict:
    out = {"start_date": "2026-09-21", "end_date": "2026-09-27", "sort": "popular", "limit": limit, "offset": offset}
    return {**out, "subcategory": subcategory} if subcategory else out


def rankings_csv(root: Path) -> None:
    write_csv(root / "rankings" / "r.csv", "date,model_permaslug,total_tokens\n2026-09-21,a/x,100\n")


def test__discover__sniffs_each_demand_kind_without_provenance(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(apps_payload("2026-09-29T00:00:00Z", [(1, 7, "pi", 5, 1)])))
    (tmp_path / "t.json").write_text('{"data": {"window_days": 7, "classifications": [], "macro_categories": []}}')
    shutil.copy(SESSION_FIXTURE / "2026-10-06-api" / "session-cost.json", tmp_path / "s.json")
    (tmp_path / "m.csv").write_text(
        "snapshot_date,id,canonical_slug,name,created,hugging_face_id,context_length,"
        "price_prompt_usd_per_token,price_completion_usd_per_token\n"
    )
    found = {Path(v.path).name: v for v in archive.discover_vintages(tmp_path)[0]}
    assert {name: v.kind for name, v in found.items()} == {
        "a.json": archive.APPS,
        "t.json": archive.TASKS,
        "s.json": archive.SESSION_COST,
        "m.csv": archive.MODELS_DERIVED,
    }
    assert found["a.json"].as_of == "2026-09-29T00:00:00Z"  # the response's meta.as_of
    assert found["s.json"].as_of == "2026-10-06T02:00:00Z"


def test__merge_apps__newest_wins_per_window_query_app_and_revisions_are_logged(tmp_path):
    old = vintage_dir(
        tmp_path,
        "old",
        "a.json",
        apps_payload("2026-09-29T17:12:00Z", [(1, 7, "pi", 50, 5), (2, 8, "Old", 40, 4)]),
        {"kind": "app-rankings", "params": params("personal-agent")},
    )
    new = vintage_dir(
        tmp_path,
        "new",
        "a.json",
        apps_payload("2026-09-29T17:18:00Z", [(1, 7, "pi v2", 55, 5)]),
        {"kind": "app-rankings", "params": params("personal-agent")},
    )
    other = vintage_dir(
        tmp_path,
        "cli",
        "a.json",
        apps_payload("2026-09-29T17:10:00Z", [(1, 7, "pi", 99, 9)]),
        {"kind": "app-rankings", "params": params("cli-agent")},
    )
    vintages = {Path(v.path).parent.name: v for v in archive.discover_vintages(tmp_path)[0]}
    assert {old.name, new.name, other.name} == set(vintages)
    apps, revisions = demand.merge_apps([demand.read_apps_vintage(v) for v in vintages.values()])
    got = apps.set_index(["query", "app_id"])
    assert got.loc[("subcategory=personal-agent", 7), ["tokens", "app_name", "vintage"]].tolist() == [
        55,
        "pi v2",
        "new",
    ]
    assert got.loc[("subcategory=personal-agent", 8), "tokens"] == 40  # only in the older pull: kept
    assert got.loc[("subcategory=cli-agent", 7), "tokens"] == 99  # another query: never merged with the others
    assert got["list_complete"].all()  # every page shorter than its limit of 100
    assert sorted(revisions[["field", "old", "new"]].values.tolist()) == [
        ["app_name", "pi", "pi v2"],
        ["tokens", "50", "55"],
    ]
    assert set(revisions["old_vintage"]) == {"old"} and set(revisions["table"]) == {"apps"}


def test__merge_apps__a_full_page_marks_the_list_incomplete(tmp_path):
    vintage_dir(
        tmp_path,
        "p",
        "a.json",
        apps_payload("2026-09-29T00:00:00Z", [(1, 7, "a", 5, 1), (2, 8, "b", 4, 1)]),
        {"kind": "app-rankings", "params": params(limit=2)},
    )
    (v,) = archive.discover_vintages(tmp_path)[0]
    apps, _ = demand.merge_apps([demand.read_apps_vintage(v)])
    assert apps["list_complete"].tolist() == [False, False] and apps["query"].tolist() == ["all", "all"]


def test__read_apps_vintage__needs_its_query_and_a_matching_window(tmp_path):
    vintage_dir(tmp_path, "noq", "a.json", apps_payload("2026-09-29T00:00:00Z", []), {"kind": "app-rankings"})
    vintage_dir(
        tmp_path,
        "off",
        "a.json",
        apps_payload("2026-09-29T00:00:00Z", [], start="2026-09-20"),
        {"kind": "app-rankings", "params": params()},
    )
    found = {Path(v.path).parent.name: v for v in archive.discover_vintages(tmp_path)[0]}
    with pytest.raises(InputError, match="needs its query in provenance.json 'params'"):
        demand.read_apps_vintage(found["noq"])
    with pytest.raises(InputError, match="params.start_date 2026-09-21 differs from the response's meta.start_date"):
        demand.read_apps_vintage(found["off"])


def tasks_payload(as_of: str, share: float, name: str = "Code") -> dict:
    return {
        "data": {
            "window_days": 7,
            "as_of": as_of,
            "classifications": [
                {
                    "tag": "code:x",
                    "display_name": name,
                    "macro_category": "code",
                    "usage_share": 0.1,
                    "token_share": share,
                    "category_usage_share": 1.0,
                    "category_token_share": 1.0,
                    "models": [{"id": "a/m", "tag_usage_share": 0.5, "tag_token_share": 0.6}],
                }
            ],
            "macro_categories": [{"key": "code", "label": "Code", "usage_share": 0.1, "token_share": share}],
        }
    }


def test__merge_tasks__newest_wins_per_window_and_tag(tmp_path):
    # Two pulls of the same window (as_of from provenance: the later pull restated a share) and another week.
    vintage_dir(
        tmp_path,
        "a",
        "t.json",
        tasks_payload("2026-10-06", 0.30),
        {"kind": "classifications-task", "as_of": "2026-10-07T01:00:00Z"},
    )
    vintage_dir(
        tmp_path,
        "b",
        "t.json",
        tasks_payload("2026-10-06", 0.32, "Code gen"),
        {"kind": "classifications-task", "as_of": "2026-10-07T09:00:00Z"},
    )
    vintage_dir(
        tmp_path,
        "c",
        "t.json",
        tasks_payload("2026-10-13", 0.40),
        {"kind": "classifications-task", "as_of": "2026-10-14T01:00:00Z"},
    )
    parts = [demand.read_tasks_vintage(v) for v in archive.discover_vintages(tmp_path)[0]]
    tags, models, macro, revisions = demand.merge_tasks(parts)
    assert tags[["window_start", "token_share", "display_name", "vintage"]].values.tolist() == [
        [pd.Timestamp("2026-09-30"), 0.32, "Code gen", "b"],
        [pd.Timestamp("2026-10-07"), 0.40, "Code", "c"],
    ]
    assert models["vintage"].tolist() == ["b", "c"]  # a tag's models come from the vintage that won the tag
    assert macro["token_share"].tolist() == [0.32, 0.40]
    assert sorted(revisions[["table", "field", "old", "new"]].values.tolist()) == [
        ["task_macro", "token_share", "0.3", "0.32"],
        ["tasks", "display_name", "Code", "Code gen"],
        ["tasks", "token_share", "0.3", "0.32"],
    ]


def test__prepare__without_demand_vintages_writes_empty_tables_with_the_right_columns(tmp_path):
    rankings_csv(tmp_path / "data")
    out = prepare.prepare(tmp_path / "data", tmp_path / "processed", log=lambda *_: None)
    for name, columns in prepare.DEMAND_COLUMNS.items():
        table = prepare.load_demand(out, name)
        assert table.empty and list(table.columns) == columns, name
    assert list(prepare.load_demand(tmp_path, "apps").columns) == demand.APP_COLUMNS  # a folder without the files


def test__prepare__session_cost_fixture_is_merged_and_loaded(tmp_path):
    rankings_csv(tmp_path / "data")
    shutil.copytree(SESSION_FIXTURE, tmp_path / "data" / "session-cost")
    out = prepare.prepare(tmp_path / "data", tmp_path / "processed", log=lambda *_: None)
    cost = prepare.load_demand(out, "session_cost")
    raw = json.loads((SESSION_FIXTURE / "2026-10-06-api" / "session-cost.json").read_text())["data"]
    assert len(cost) == len(raw) and cost["median_cost_usd"].sum() == pytest.approx(
        sum(r["median_session_cost_usd"] for r in raw)
    )
    assert cost["window_start"].iloc[0] == pd.Timestamp("2026-09-06")  # 30 days to window_end_date 2026-10-05
    assert cost["window_end"].iloc[0] == pd.Timestamp("2026-10-05")


def test__prepare__the_shared_demand_files(shared_data, tmp_path):
    out = prepare.prepare(shared_data, tmp_path, log=lambda *_: None)
    apps = prepare.load_demand(out, "apps")
    for folder in sorted((shared_data / "app-rankings").iterdir()):
        raw = json.loads((folder / "app-rankings.json").read_text())
        sub = json.loads((folder / "provenance.json").read_text())["params"].get("subcategory")
        rows = apps[apps["query"] == (f"subcategory={sub}" if sub else "all")]
        assert set(rows["app_id"]) == {r["app_id"] for r in raw["data"]}, folder.name
    # The newest of the three overall pulls (12:52) and of the two personal-agent pulls (17:18) win.
    overall = apps[apps["query"] == "all"]
    newest = json.loads((shared_data / "app-rankings/2026-09-28-all-125234/app-rankings.json").read_text())["data"]
    assert overall["tokens"].sum() == sum(int(r["total_tokens"]) for r in newest)
    assert set(overall["vintage"]) == {"app-rankings/2026-09-28-all-125234"}
    personal = apps[apps["query"] == "subcategory=personal-agent"]
    assert set(personal["vintage"]) == {"app-rankings/2026-09-21-personal-agent-171840"}
    assert len(prepare.load_demand(out, "tasks")) == 29 and len(prepare.load_demand(out, "task_models")) == 290
    assert prepare.load_demand(out, "session_cost").empty
    revisions = prepare.load_demand(out, "demand_revisions")
    assert set(revisions["table"]) == {"apps"} and len(revisions) > 0
    # The derived CSV is read as a models catalog: late-2026 models are named.
    catalog = prepare.load_catalog(out)
    assert "models/2026-09-22-derived" in set(catalog["vintage"])
    assert (catalog["vintage"] == "models/2026-09-22-derived").sum() == 444


def test__merge_session_cost__newest_pull_wins_per_cell_and_changes_are_logged(tmp_path):
    cell = {"app_name": "Hermes", "app_slug": "hermes", "model_permaslug": "a/m", "turn_range": "1-turn"}
    meta = {"version": "v1", "window_days": 7, "window_end_date": "2026-10-05"}
    vintage_dir(
        tmp_path,
        "old",
        "s.json",
        {"data": [{**cell, "median_session_cost_usd": 1.0}], "meta": {**meta, "as_of": "2026-10-06T01:00:00Z"}},
        {"kind": "session-cost"},
    )
    vintage_dir(
        tmp_path,
        "new",
        "s.json",
        {"data": [{**cell, "median_session_cost_usd": 1.5}], "meta": {**meta, "as_of": "2026-10-06T09:00:00Z"}},
        {"kind": "session-cost"},
    )
    frames = [demand.read_session_cost_vintage(v) for v in archive.discover_vintages(tmp_path)[0]]
    merged, revisions = demand.merge_session_cost(frames)
    assert merged[["median_cost_usd", "vintage"]].values.tolist() == [[1.5, "new"]]
    assert merged["window_start"].iloc[0] == pd.Timestamp("2026-09-29")
    assert revisions[["field", "old", "new"]].values.tolist() == [["median_cost_usd", "1.0", "1.5"]]

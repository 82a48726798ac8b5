"""Parsers for the demand side: app-rankings, classifications/task, session-cost, the derived models CSV."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from tokentrends.errors import InputError
from tokentrends.inputs.sources import app_rankings, models_derived, session_cost, task_classifications

FIXTURES = ROOT / "tests" / "fixtures"
SESSION_COST = FIXTURES / "session-cost" / "2026-10-06-api" / "session-cost.json"
META = {"as_of": "2026-10-07T02:44:53.086Z", "version": "v1", "start_date": "2026-09-28", "end_date": "2026-10-04"}


def write_json(tmp_path: Path, payload: object, name: str = "x.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return path


def app(rank: int, app_id: int, name: str = "A", tokens: object = "100", requests: object = 4) -> dict:
    return {"rank": rank, "app_id": app_id, "app_name": name, "total_tokens": tokens, "total_requests": requests}


def test__read_app_rankings__rows_and_window(tmp_path):
    path = write_json(
        tmp_path, {"data": [app(1, 7, "pi", "12345678901234567", 3), app(2, 8, "pi", 10, 2)], "meta": META}
    )
    parsed = app_rankings.read_app_rankings(path)
    assert parsed.frame.to_dict("records") == [
        {"rank": 1, "app_id": 7, "app_name": "pi", "tokens": 12345678901234567, "requests": 3},
        {"rank": 2, "app_id": 8, "app_name": "pi", "tokens": 10, "requests": 2},
    ]
    assert (parsed.start_date, parsed.end_date) == (date(2026, 9, 28), date(2026, 10, 4))
    assert parsed.as_of.year == 2026


@pytest.mark.parametrize(
    ("data", "meta", "reason", "row"),
    [
        ([app(1, 7, tokens="1.5")], META, "data[0].total_tokens '1.5' is not a whole number", 0),
        ([app(1, 7), app(2, 8, requests=-1)], META, "data[1].total_requests '-1' is negative", 1),
        ([app(1, 7), app(2, 7)], META, "duplicate app_id 7 in data[0] and data[1]", 1),
        ([app(1, 7), app(1, 8)], META, "duplicate rank 1", 1),
        ([app(0, 7)], META, "data[0].rank '0' is below 1", 0),
        ([{"rank": 1, "app_id": 7}], META, "data[0] lacks app_name, total_tokens, total_requests", 0),
        ([app(1, True)], META, "data[0].app_id must be a whole number, not bool", 0),
        ([app(1, 7, name=None)], META, "data[0].app_name must be a string", 0),
        ([], {**META, "end_date": "2026-09-01"}, "meta.start_date 2026-09-28 is after meta.end_date 2026-09-01", None),
        ([], {**META, "start_date": "2026-13-01"}, "meta.start_date '2026-13-01' is not a calendar date", None),
        ([], {"version": "v1"}, "meta.as_of must be an ISO timestamp string", None),
    ],
)
def test__read_app_rankings__one_error_naming_file_row_and_reason(tmp_path, data, meta, reason, row):
    path = write_json(tmp_path, {"data": data, "meta": meta})
    with pytest.raises(InputError) as err:
        app_rankings.read_app_rankings(path)
    assert reason in err.value.reason and err.value.row == row and err.value.path == str(path)


def test__query_of__needs_params_and_names_the_list(tmp_path):
    with pytest.raises(InputError, match="needs its query in provenance.json 'params'"):
        app_rankings.query_of(None, tmp_path / "x.json")
    overall = app_rankings.query_of({"start_date": "2026-09-28", "limit": 50}, "x")
    assert overall == {"sort": "popular", "category": "", "subcategory": "", "limit": 50, "offset": 0}
    assert app_rankings.query_label(overall) == "all"
    sub = app_rankings.query_of({"subcategory": "cli-agent", "sort": "trending", "limit": 100, "offset": 100}, "x")
    assert app_rankings.query_label(sub) == "subcategory=cli-agent;sort=trending"
    with pytest.raises(InputError, match="params.offset 101 is above the API's maximum 100"):
        app_rankings.query_of({"offset": 101}, "x")


def test__read_app_rankings__every_shared_file_parses_to_its_rows(shared_data):
    for path in sorted((shared_data / "app-rankings").glob("*/app-rankings.json")):
        raw = json.loads(path.read_text())
        parsed = app_rankings.read_app_rankings(path)
        assert len(parsed.frame) == len(raw["data"])
        assert parsed.frame["tokens"].sum() == sum(int(r["total_tokens"]) for r in raw["data"])
        assert parsed.frame["requests"].sum() == sum(r["total_requests"] for r in raw["data"])


TAG = {
    "tag": "code:x",
    "display_name": "Code X",
    "macro_category": "code",
    "usage_share": 0.2,
    "token_share": 0.5,
    "category_usage_share": 0.6,
    "category_token_share": 0.7,
    "models": [
        {"id": "a/m", "tag_usage_share": 0.3, "tag_token_share": 0.4},
        {"id": "b/n", "tag_usage_share": 0.1, "tag_token_share": 0.2},
    ],
}
MACRO = {"key": "code", "label": "Code", "usage_share": 0.25, "token_share": 0.5}


def tasks_payload(tags=(TAG,), macro=(MACRO,), **data) -> dict:
    return {
        "data": {
            "window_days": 7,
            "as_of": "2026-10-06",
            "classifications": list(tags),
            "macro_categories": list(macro),
            **data,
        }
    }


def test__read_task_classifications__three_tables_and_window(tmp_path):
    parsed = task_classifications.read_task_classifications(write_json(tmp_path, tasks_payload()))
    assert parsed.tags.to_dict("records") == [{k: v for k, v in TAG.items() if k != "models"}]
    assert parsed.models[["tag", "position", "model_permaslug", "tag_token_share"]].values.tolist() == [
        ["code:x", 1, "a/m", 0.4],
        ["code:x", 2, "b/n", 0.2],
    ]
    assert parsed.macro.to_dict("records") == [MACRO]
    assert (parsed.window_start, parsed.as_of) == (date(2026, 9, 30), date(2026, 10, 6))


@pytest.mark.parametrize(
    ("payload", "reason", "row"),
    [
        (
            tasks_payload(tags=[TAG, {**TAG, "token_share": 1.2}]),
            "classifications[1].token_share 1.2 is not a share",
            1,
        ),
        (tasks_payload(tags=[TAG, TAG]), "classifications[1].tag 'code:x' is listed twice", 1),
        (tasks_payload(tags=[{**TAG, "models": [TAG["models"][0]] * 2}]), "models[1].id 'a/m' is listed twice", 0),
        (tasks_payload(tags=[{**TAG, "macro_category": "Code!"}]), "macro_category 'Code!' is not a category key", 0),
        (tasks_payload(tags=[{**TAG, "usage_share": "0.2"}]), "usage_share must be a number, not str", 0),
        (tasks_payload(macro=[MACRO, {**MACRO, "token_share": None}]), "macro_categories[1].token_share must be", 1),
        (tasks_payload(window_days=0), "data.window_days '0' is below 1", None),
        (tasks_payload(as_of="2026-10-06T00:00Z"), "data.as_of '2026-10-06T00:00Z' is not a YYYY-MM-DD date", None),
        ({"data": []}, "expected a JSON object with a 'data' object", None),
    ],
)
def test__read_task_classifications__one_error_naming_file_row_and_reason(tmp_path, payload, reason, row):
    path = write_json(tmp_path, payload)
    with pytest.raises(InputError) as err:
        task_classifications.read_task_classifications(path)
    assert reason in err.value.reason and err.value.row == row and err.value.path == str(path)


def test__read_task_classifications__the_shared_file(shared_data):
    path = shared_data / "classifications-task" / "2026-10-06-7d" / "task-classifications.json"
    raw = json.loads(path.read_text())["data"]
    parsed = task_classifications.read_task_classifications(path)
    assert len(parsed.tags) == len(raw["classifications"]) == 29
    assert len(parsed.models) == sum(len(c["models"]) for c in raw["classifications"])
    assert parsed.tags["token_share"].sum() == pytest.approx(sum(c["token_share"] for c in raw["classifications"]))
    assert parsed.macro.set_index("key")["token_share"].to_dict() == {
        m["key"]: m["token_share"] for m in raw["macro_categories"]
    }


def test__read_session_cost__the_fixture():
    raw = json.loads(SESSION_COST.read_text())
    parsed = session_cost.read_session_cost(SESSION_COST)
    assert len(parsed.frame) == len(raw["data"])
    assert parsed.frame["median_cost_usd"].sum() == pytest.approx(
        sum(r["median_session_cost_usd"] for r in raw["data"])
    )
    assert (parsed.window_days, parsed.window_end_date) == (30, date(2026, 10, 5))


def cost(slug="hermes-agent", model="a/m", turns="1-turn", usd=1.74) -> dict:
    return {
        "app_name": "Hermes",
        "app_slug": slug,
        "model_permaslug": model,
        "turn_range": turns,
        "median_session_cost_usd": usd,
    }


def test__read_session_cost__null_window_fields(tmp_path):
    path = write_json(
        tmp_path,
        {
            "data": [cost()],
            "meta": {"as_of": "2026-10-06T02:00:00Z", "version": "v1", "window_days": None, "window_end_date": None},
        },
    )
    parsed = session_cost.read_session_cost(path)
    assert parsed.window_days is None and parsed.window_end_date is None
    assert parsed.frame["median_cost_usd"].tolist() == [1.74]


@pytest.mark.parametrize(
    ("data", "reason", "row"),
    [
        ([cost(turns="3-turns")], "data[0].turn_range '3-turns' is not one of 1-turn", 0),
        ([cost(), cost(usd=-0.5)], "data[1].median_session_cost_usd -0.5 is not a non-negative amount", 1),
        ([cost(), cost(usd=2.0)], "duplicate cell ('hermes-agent', 'a/m', 1-turn) in data[0] and data[1]", 1),
        ([cost(usd="1.7")], "median_session_cost_usd must be a number, not str", 0),
        ([cost(slug="")], "data[0].app_slug is empty", 0),
    ],
)
def test__read_session_cost__one_error_naming_file_row_and_reason(tmp_path, data, reason, row):
    path = write_json(tmp_path, {"data": data, "meta": {"as_of": "2026-10-06T02:00:00Z"}})
    with pytest.raises(InputError) as err:
        session_cost.read_session_cost(path)
    assert reason in err.value.reason and err.value.row == row


HEADER = (
    "snapshot_date,id,canonical_slug,name,created,hugging_face_id,context_length,price_prompt_usd_per_token,"
    "price_completion_usd_per_token,open_weights,blended_usd_per_mtok\n"
)


def test__read_models_derived__catalog_columns_router_prices_and_hf_evidence(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        HEADER + "2026-09-22,a/open,a/open-2026,A: Open,1790021267,a/Open-7B,1000,1e-07,4e-07,False,0\n"
        "2026-09-22,openrouter/auto,,Auto,,,2000,-1,-1,False,-1\n"
    )
    frame = models_derived.read_models_derived(path)
    assert frame["model_id"].tolist() == ["a/open", "openrouter/auto"]
    assert frame["canonical_slug"].tolist() == ["a/open-2026", "openrouter/auto"]
    assert frame["hugging_face_id"].tolist() == ["a/Open-7B", ""]  # the collector's open_weights is not used
    assert frame["prompt_usd_per_mtok"].iloc[0] == pytest.approx(0.1)
    assert frame["completion_usd_per_mtok"].iloc[0] == pytest.approx(0.4)
    assert math.isnan(frame["prompt_usd_per_mtok"].iloc[1]) and pd_isna(frame["created"].iloc[1])
    assert frame["created"].iloc[0].year == 2026


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


@pytest.mark.parametrize(
    ("rows", "reason", "row"),
    [
        ("2026-09-22,a/x,,A,,,1000,-2e-06,0,False,0\n", "price_prompt_usd_per_token '-2e-06' is negative", 2),
        ("2026-09-22,a/x,,A,,,1000,0,abc,False,0\n", "price_completion_usd_per_token 'abc' is not a number", 2),
        ("2026-09-22,a/x,,A,,,1000,0,0,False,0\n2026-09-22,a/x,,A,,,1,0,0,False,0\n", "duplicate id 'a/x'", 3),
        (
            "2026-09-22,a/x,,A,,,1000,0,0,False,0\n2026-09-23,b/x,,B,,,1,0,0,False,0\n",
            "differs from the first row's",
            3,
        ),
        ("2026-09-22,,,A,,,1000,0,0,False,0\n", "id is empty", 2),
        ("22/09/2026,a/x,,A,,,1000,0,0,False,0\n", "snapshot_date '22/09/2026' is not a YYYY-MM-DD date", 2),
        ("2026-09-22,a/x,,A,1.5,,1000,0,0,False,0\n", "created '1.5' is not a non-negative whole number", 2),
        ("2026-09-22,a/x,,A,,,1_000,0,0,False,0\n", "context_length '1_000' is not a number", 2),
        ("2026-09-22,a/x,,A,,,1000,１,0,False,0\n", "price_prompt_usd_per_token '１' is not a number", 2),
    ],
)
def test__read_models_derived__one_error_naming_file_row_and_reason(tmp_path, rows, reason, row):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + rows)
    with pytest.raises(InputError) as err:
        models_derived.read_models_derived(path)
    assert reason in err.value.reason and err.value.row == row


def test__read_models_derived__refuses_other_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,name\na/x,A\n")
    with pytest.raises(InputError, match="missing"):
        models_derived.read_models_derived(path)


def test__read_models_derived__the_shared_file(shared_data):
    import csv

    path = shared_data / "models" / "2026-09-22-derived" / "models-derived.csv"
    with open(path, newline="") as fh:
        raw = list(csv.DictReader(fh))
    frame = models_derived.read_models_derived(path)
    assert len(frame) == len(raw) == 444
    assert (frame["hugging_face_id"] != "").sum() == sum(1 for r in raw if r["hugging_face_id"])
    routers = [r["id"] for r in raw if float(r["price_prompt_usd_per_token"]) == -1]
    assert len(routers) == 5 and frame.set_index("model_id").loc[routers, "prompt_usd_per_mtok"].isna().all()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12.0, 12), ("12.0", 12), (str(2**63 - 1), 2**63 - 1)],
)
def test__whole_number__exact_integers(value, expected):
    from tokentrends.inputs.sources import api_json

    assert api_json.whole_number(value, "x", "f", 0) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (True, "not bool"),
        (None, "not NoneType"),
        ("1.5", "not a whole number"),
        (-1, "negative"),
        (" 7 ", "plain digits"),
        ("1e3", "plain digits"),
        ("1_000", "plain digits"),
        ("１２", "plain digits"),
        (2.0**60, "too large"),
        (str(2**63), "larger than int64"),
        ("nan", "not a whole number"),
        ("", "plain digits"),
    ],
)
def test__whole_number__refuses_with_a_reason(value, reason):
    from tokentrends.inputs.sources import api_json

    with pytest.raises(InputError, match=reason):
        api_json.whole_number(value, "x", "f", 3)


def test__fraction__zero_to_one_numbers_only():
    from tokentrends.inputs.sources import api_json

    assert api_json.fraction(0, "s", "f", 0) == 0.0 and api_json.fraction(1, "s", "f", 0) == 1.0
    for bad in (1.001, -0.001, float("nan"), "0.5", False):
        with pytest.raises(InputError):
            api_json.fraction(bad, "s", "f", 0)

"""The /api/v1/activity parser and the activity archive: validation, merge (newest pull wins), gaps, add-activity."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tokentrends.errors import InputError
from tokentrends.inputs import activity_archive as aa
from tokentrends.inputs.sources import activity

AS_OF = "2026-03-02T08:15:00Z"  # covers 2026-01-31 .. 2026-03-01


def item(day="2026-02-10", slug="a/x-2026", endpoint="e1", **values) -> dict:
    row = {
        "date": day,
        "model": slug.rsplit("-", 1)[0],
        "model_permaslug": slug,
        "endpoint_id": endpoint,
        "provider_name": "P",
        "usage": 0.5,
        "byok_usage_inference": 0.0,
        "requests": 3,
        "prompt_tokens": 100,
        "completion_tokens": 40,
        "reasoning_tokens": 10,
    }
    return {**row, **values}


def save(path: Path, items: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"data": items}))
    return path


def pull(root: Path, name: str, as_of: str, items: list) -> Path:
    """An activity vintage folder with its provenance, as fetch-activity and add-activity write it."""
    path = save(root / name / "activity.json", items)
    (path.parent / "provenance.json").write_text(
        json.dumps({"kind": "activity", "as_of": as_of, "file": "activity.json", "sha256": aa.archive.sha256_of(path)})
    )
    return path


def test__pull_window__is_the_30_completed_days_before_retrieval():
    assert activity.pull_window(AS_OF) == (date(2026, 1, 31), date(2026, 3, 1))
    assert activity.pull_window("2026-03-02T00:00:00") == (date(2026, 1, 31), date(2026, 3, 1))


def test__read_activity_json__typed_rows(tmp_path):
    path = save(tmp_path / "a.json", [item(), item(endpoint="e2", usage="0.25", prompt_tokens=7.0)])
    frame = activity.read_activity_json(path, as_of=AS_OF).frame
    assert list(frame.columns) == list(activity.COLUMNS)
    assert frame["prompt_tokens"].tolist() == [100, 7] and frame["prompt_tokens"].dtype == "int64"
    assert frame["usage"].tolist() == [0.5, 0.25]
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-02-10", "2026-02-10"]


def test__read_activity_json__empty_pull_is_valid(tmp_path):
    assert activity.read_activity_json(save(tmp_path / "a.json", []), as_of=AS_OF).frame.empty


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"prompt_tokens": -1}, "prompt_tokens '-1' is negative"),
        ({"completion_tokens": 1.5}, "completion_tokens '1.5' is not a whole number"),
        ({"requests": True}, "requests must be a whole number, not bool"),
        ({"reasoning_tokens": "ten"}, "reasoning_tokens 'ten' is not a whole number written in plain digits"),
        ({"usage": -0.01}, "usage '-0.01' is negative"),
        ({"usage": float("nan")}, "usage 'nan' is not a finite amount"),
        ({"byok_usage_inference": "Infinity"}, "byok_usage_inference 'Infinity' is not a number"),
        ({"usage": "１２"}, "usage '１２' is not a number"),  # fullwidth digits: Decimal reads them, the rule not
        ({"usage": "1_000"}, "usage '1_000' is not a number"),
        ({"byok_usage_inference": None}, "byok_usage_inference None must be a number"),
        ({"date": "2026-01-30"}, "date 2026-01-30 is outside the pull's 30 days (2026-01-31..2026-03-01)"),
        ({"date": "2026-03-02"}, "outside the pull's 30 days"),
        ({"date": "2026/02/01"}, "is not a YYYY-MM-DD date"),
        ({"model_permaslug": ""}, "model_permaslug is empty"),
        ({"endpoint_id": 7}, "data[1].endpoint_id must be a string"),
    ],
)
def test__read_activity_json__one_error_naming_file_row_and_reason(tmp_path, bad, reason):
    path = save(tmp_path / "a.json", [item(endpoint="e0"), item(**bad)])
    with pytest.raises(InputError) as err:
        activity.read_activity_json(path, as_of=AS_OF)
    assert err.value.path == str(path) and err.value.row == 1
    assert reason in err.value.reason


def test__read_activity_json__duplicate_key_and_missing_field(tmp_path):
    path = save(tmp_path / "a.json", [item(), item(usage=1.0)])
    with pytest.raises(InputError, match=r"row 1: duplicate key \(2026-02-10, 'a/x-2026', 'e1'\) in rows 0 and 1"):
        activity.read_activity_json(path, as_of=AS_OF)
    incomplete = item()
    del incomplete["reasoning_tokens"]
    with pytest.raises(InputError, match="lacks reasoning_tokens"):
        activity.read_activity_json(save(tmp_path / "b.json", [incomplete]))


def test__read_activity_json__without_as_of_rows_span_at_most_30_days(tmp_path):
    ok = save(tmp_path / "ok.json", [item(day="2026-01-01"), item(day="2026-01-30")])
    assert len(activity.read_activity_json(ok).frame) == 2
    wide = save(tmp_path / "wide.json", [item(day="2026-01-01"), item(day="2026-01-31")])
    with pytest.raises(InputError, match="more than one pull's 30 days"):
        activity.read_activity_json(wide)


def test__read_activity_json__not_a_response(tmp_path):
    with pytest.raises(InputError, match="'data' list"):
        activity.read_activity_json(_write(tmp_path, '{"rows": []}'))
    with pytest.raises(InputError, match="truncated JSON"):
        activity.read_activity_json(_write(tmp_path, '{"data": [{"date"'))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "raw.json"
    path.write_text(text)
    return path


def test__merge_activity__newest_pull_wins_per_key_and_logs_revisions():
    old = activity.to_frame(
        [
            activity.parse_item(item(day=d, usage=u, prompt_tokens=p), "f", 0, None)
            for d, u, p in [("2026-02-10", 0.5, 100), ("2026-02-11", 0.5, 100)]
        ]
    )
    new = activity.to_frame(
        [
            activity.parse_item(item(day=d, usage=u, prompt_tokens=p), "f", 0, None)
            for d, u, p in [("2026-02-11", 0.75, 100), ("2026-02-12", 1.0, 5)]
        ]
    )
    merged, revisions = aa.merge_activity(
        {"old": old, "new": new}, {"old": "2026-02-20T00:00:00Z", "new": "2026-03-01T00:00:00Z"}
    )
    assert merged["date"].dt.day.tolist() == [10, 11, 12]
    assert merged["vintage"].tolist() == ["old", "new", "new"]
    assert merged["usage"].tolist() == [0.5, 0.75, 1.0]
    assert merged["prompt_tokens"].sum() == 205  # exact: the sum of the winning rows
    assert revisions[["column", "old", "new", "old_vintage", "new_vintage"]].to_dict("records") == [
        {"column": "usage", "old": 0.5, "new": 0.75, "old_vintage": "old", "new_vintage": "new"}
    ]


def test__missing_days__days_no_pull_covers():
    windows = [(date(2026, 1, 1), date(2026, 1, 30)), (date(2026, 2, 3), date(2026, 3, 4))]
    assert aa.missing_days(windows) == ["2026-01-31", "2026-02-01", "2026-02-02"]
    assert aa.missing_days([]) == []


def test__load_activity__overlapping_pulls(tmp_path):
    pull(tmp_path, "p1", "2026-02-15T06:00:00Z", [item(day="2026-02-10", usage=0.5), item(day="2026-01-20")])
    pull(tmp_path, "p2", AS_OF, [item(day="2026-02-10", usage=0.6), item(day="2026-02-20", endpoint="e9")])
    loaded = aa.load_activity(tmp_path, log=lambda *_: None)
    assert [v.vintage_id for v in loaded.vintages] == ["p1", "p2"]
    assert len(loaded.rows) == 3 and loaded.rows["usage"].sum() == pytest.approx(0.6 + 0.5 + 0.5)
    assert loaded.missing_days == []
    assert [s["values_revised"] for s in loaded.summary] == [0, 1]
    assert loaded.absent_later.empty  # 2026-01-20 is before p2's window; 2026-02-10 is listed by p2


def test__load_activity__absent_in_a_newer_pull_is_reported(tmp_path):
    pull(tmp_path, "p1", "2026-02-15T06:00:00Z", [item(day="2026-02-10", endpoint="gone")])
    pull(tmp_path, "p2", AS_OF, [item(day="2026-02-20")])
    loaded = aa.load_activity(tmp_path, log=lambda *_: None)
    assert loaded.absent_later["endpoint_id"].tolist() == ["gone"]


def test__load_activity__refuses_without_provenance_and_edited_files(tmp_path):
    save(tmp_path / "hand" / "activity.json", [item()])
    with pytest.raises(InputError, match="needs a provenance.json with its retrieval time"):
        aa.load_activity(tmp_path, log=lambda *_: None)
    edited = pull(tmp_path / "x", "p", AS_OF, [item()])
    edited.write_text(edited.read_text().replace("0.5", "0.6"))
    with pytest.raises(InputError, match="sha256 differs"):
        aa.load_activity(tmp_path / "x", log=lambda *_: None)


def test__load_activity__row_outside_the_pull_window(tmp_path):
    pull(tmp_path, "p", AS_OF, [item(day="2026-01-02")])
    with pytest.raises(InputError, match="outside the pull's 30 days"):
        aa.load_activity(tmp_path, log=lambda *_: None)


def test__parse_retrieved_at():
    now = pd.Timestamp("2026-03-10T00:00:00Z").to_pydatetime()
    assert aa.parse_retrieved_at("2026-03-02T09:15:00+01:00", now) == "2026-03-02T08:15:00Z"
    with pytest.raises(InputError, match="no time of day"):
        aa.parse_retrieved_at("2026-03-02", now)
    with pytest.raises(InputError, match="in the future"):
        aa.parse_retrieved_at("2026-04-02T00:00:00Z", now)
    with pytest.raises(InputError, match="not an ISO time"):
        aa.parse_retrieved_at("yesterday", now)


def test__add_activity__writes_the_vintage_and_its_provenance(tmp_path):
    saved = save(tmp_path / "download.json", [item()])
    folder = aa.add_activity(saved, AS_OF, tmp_path / "private")
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["kind"] == "activity" and provenance["as_of"] == AS_OF
    assert provenance["coverage"] == ["2026-01-31", "2026-03-01"]
    assert provenance["sha256"] == aa.archive.sha256_of(folder / "activity.json")
    assert aa.add_activity(saved, AS_OF, tmp_path / "private") is None  # the same pull twice: nothing new
    assert aa.load_activity(tmp_path / "private", log=lambda *_: None).rows["prompt_tokens"].sum() == 100
    with pytest.raises(InputError, match="outside the pull's 30 days"):
        aa.add_activity(saved, "2026-04-01T00:00:00Z", tmp_path / "other")
    assert not (tmp_path / "other").exists()

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import write_csv
from tokentrends.errors import InputError
from tokentrends.inputs import archive


def frame(rows):
    return pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[s]"),
            "model_permaslug": [r[1] for r in rows],
            "tokens": [r[2] for r in rows],
        }
    )


def test__merge_rankings__newest_as_of_wins_and_revisions_logged():
    old = frame([("2025-01-01", "a/x", 10), ("2025-01-01", "other", 5), ("2025-01-02", "a/x", 7)])
    new = frame([("2025-01-02", "a/x", 8), ("2025-01-03", "a/x", 9)])
    usage, revisions = archive.merge_rankings(
        {"old": old, "new": new}, {"old": "2025-01-02T00:00:00Z", "new": "2025-01-04T00:00:00Z"}
    )
    got = usage.set_index(["date", "model_permaslug"])
    assert got.loc[(pd.Timestamp("2025-01-02"), "a/x"), "tokens"] == 8
    assert got.loc[(pd.Timestamp("2025-01-02"), "a/x"), "vintage"] == "new"
    assert len(usage) == 4  # nothing lost: the old-only keys stay
    assert revisions[["old_tokens", "new_tokens", "old_vintage", "new_vintage"]].values.tolist() == [
        [7, 8, "old", "new"]
    ]
    summary = archive.revision_summary(revisions)
    assert summary.to_dict("records") == [
        {"vintage": "new", "values_revised": 1, "net_change_tokens": 1, "abs_change_tokens": 1}
    ]


def test__merge_rankings__a_restated_day_replaces_the_whole_day():
    """A newer pull moves b/y out of the day's top 50 (its tokens into `other`): b/y's older row goes, or its tokens
    would count twice (in its row and in the newer `other`)."""
    old = frame([("2025-01-01", "a/x", 10), ("2025-01-01", "b/y", 4), ("2025-01-01", "other", 5)])
    new = frame([("2025-01-01", "a/x", 10), ("2025-01-01", "other", 9), ("2025-01-02", "a/x", 3)])
    usage, revisions = archive.merge_rankings(
        {"old": old, "new": new}, {"old": "2025-01-02T00:00:00Z", "new": "2025-01-03T00:00:00Z"}
    )
    day = usage[usage["date"] == pd.Timestamp("2025-01-01")]
    assert dict(zip(day["model_permaslug"], day["tokens"], strict=True)) == {"a/x": 10, "other": 9}
    assert int(day["tokens"].sum()) == 19  # the day's total, as the newer pull gives it
    assert revisions[["model_permaslug", "old_tokens", "new_tokens", "new_vintage"]].values.tolist() == [
        ["b/y", 4, 0, "new"],
        ["other", 5, 9, "new"],
    ]


def test__merge_rankings__a_newer_partial_file_patches_the_values_it_gives():
    """A newer file without the day's other row (a correction, a top-10 export) replaces the values it gives, never
    the whole day: taken whole, the day lost every row the file leaves out."""
    day = frame([("2025-01-01", "a/x", 100), ("2025-01-01", "b/y", 50), ("2025-01-01", "other", 50)])
    fix = frame([("2025-01-01", "a/x", 101)])
    usage, revisions = archive.merge_rankings({"day": day, "fix": fix}, {"day": "2025-01-02", "fix": "2025-01-03"})
    assert dict(zip(usage["model_permaslug"], usage["tokens"], strict=True)) == {"a/x": 101, "b/y": 50, "other": 50}
    assert revisions[["model_permaslug", "old_tokens", "new_tokens", "new_vintage"]].values.tolist() == [
        ["a/x", 100, 101, "fix"]
    ]
    # a newer whole day still replaces the older day and the patch before it
    again = frame([("2025-01-01", "a/x", 90), ("2025-01-01", "other", 70)])
    usage, _ = archive.merge_rankings(
        {"day": day, "fix": fix, "again": again}, {"day": "2025-01-02", "fix": "2025-01-03", "again": "2025-01-04"}
    )
    assert dict(zip(usage["model_permaslug"], usage["tokens"], strict=True)) == {"a/x": 90, "other": 70}


def test__merge_rankings__counts_stay_exact_beyond_float_precision():
    big = 2**60 + 1  # a float64 cannot hold it: the merge never goes through one
    old = frame([("2025-01-01", "a/x", big), ("2025-01-01", "b/y", 3), ("2025-01-01", "other", 1)])
    new = frame([("2025-01-01", "a/x", big), ("2025-01-01", "other", 4)])
    usage, revisions = archive.merge_rankings({"old": old, "new": new}, {"old": "2025-01-02", "new": "2025-01-03"})
    assert int(usage.loc[usage["model_permaslug"] == "a/x", "tokens"].iloc[0]) == big
    assert set(revisions["model_permaslug"]) == {"b/y", "other"}  # a/x is no revision: the same count twice


def test__merge_rankings__same_as_of_days_that_name_different_models_are_an_error():
    one = frame([("2025-01-01", "a/x", 10), ("2025-01-01", "other", 5)])
    more = frame([("2025-01-01", "a/x", 10), ("2025-01-01", "b/y", 1), ("2025-01-01", "other", 5)])
    for frames in ({"a": one, "b": more}, {"a": more, "b": one}):
        with pytest.raises(InputError, match="same as_of"):
            archive.merge_rankings(frames, {"a": "2025-01-02", "b": "2025-01-02"})
    _, revisions = archive.merge_rankings({"a": one, "b": one.copy()}, {"a": "2025-01-02", "b": "2025-01-02"})
    assert revisions.empty  # the same day twice is no conflict
    zero = frame([("2025-01-01", "a/x", 10), ("2025-01-01", "z/zero", 0), ("2025-01-01", "other", 5)])
    for frames in ({"a": one, "b": zero}, {"a": zero, "b": one}):  # a row of 0 tokens names nothing more
        archive.merge_rankings(frames, {"a": "2025-01-02", "b": "2025-01-02"})


def test__merge_rankings__identical_values_are_not_revisions():
    same = frame([("2025-01-01", "a/x", 10)])
    _, revisions = archive.merge_rankings({"a": same, "b": same.copy()}, {"a": "2025-01-02", "b": "2025-01-03"})
    assert revisions.empty


def test__revision_summary__counts_each_key_once_against_the_newest_older_value():
    v1 = frame([("2025-01-01", "a/x", 10)])
    v2 = frame([("2025-01-01", "a/x", 11)])
    v3 = frame([("2025-01-01", "a/x", 15)])
    _, revisions = archive.merge_rankings(
        {"v1": v1, "v2": v2, "v3": v3}, {"v1": "2025-01-02", "v2": "2025-01-03", "v3": "2025-01-04"}
    )
    assert len(revisions) == 2
    summary = archive.revision_summary(revisions)
    assert summary["values_revised"].tolist() == [1]
    assert summary["net_change_tokens"].tolist() == [4]  # 11 -> 15, not 10 -> 15


def test__missing_days__lists_gaps():
    usage = frame([("2025-01-01", "a/x", 1), ("2025-01-04", "a/x", 1)])
    assert archive.missing_days(usage) == ["2025-01-02", "2025-01-03"]


def test__discover_vintages__reads_provenance_and_checks_sha(tmp_path):
    folder = tmp_path / "rankings-daily" / "v1"
    path = write_csv(folder / "rankings-daily.csv", "date,model_permaslug,total_tokens\n2025-01-01,a/x,1\n")
    (folder / "provenance.json").write_text(
        json.dumps(
            {
                "kind": "rankings-daily",
                "as_of": "2025-01-02T00:00:00Z",
                "sha256": archive.sha256_of(path),
                "citation": "Source: test",
            }
        )
    )
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    vintages, skipped = archive.discover_vintages(tmp_path)
    assert [(v.vintage_id, v.kind, v.as_of, v.citation) for v in vintages] == [
        ("rankings-daily/v1", "rankings-daily", "2025-01-02T00:00:00Z", "Source: test")
    ]
    assert [s.reason for s in skipped] == ["not a .csv or .json data file"]
    path.write_text("date,model_permaslug,total_tokens\n2025-01-01,a/x,2\n")
    with pytest.raises(InputError, match="sha256 differs"):
        archive.discover_vintages(tmp_path)


def test__discover_vintages__json_meta_as_of_and_no_provenance(tmp_path):
    (tmp_path / "pull.json").write_text(
        json.dumps(
            {
                "data": [{"date": "2025-01-01", "model_permaslug": "a/x", "total_tokens": "1"}],
                "meta": {"as_of": "2025-01-02T03:04:05Z"},
            }
        )
    )
    (vintage,), _ = archive.discover_vintages(tmp_path)
    assert vintage.as_of == "2025-01-02T03:04:05Z"
    assert vintage.as_of_basis == "the response's meta.as_of"
    assert vintage.citation == "Source: OpenRouter (openrouter.ai/rankings), as of 2025-01-02T03:04Z"


def test__merge_rankings__real_overlapping_vintages(shared_data):
    vintages, _ = archive.discover_vintages(shared_data / "rankings-daily")
    frames = {v.vintage_id: archive.read_rankings_vintage(v) for v in vintages}
    usage, revisions = archive.merge_rankings(frames, {v.vintage_id: v.as_of for v in vintages})
    newest = "2026-10-11-facets"
    assert set(usage["vintage"]) == {newest}  # the full history is the newest and covers every key
    assert len(usage) == len(frames[newest])
    assert len(revisions) > 0
    assert set(revisions["new_vintage"]) == {newest}
    # Each logged revision is a real difference between the two files.
    sample = revisions.iloc[0]
    old = frames[sample["old_vintage"]].set_index(["date", "model_permaslug"])["tokens"]
    assert old[(sample["date"], sample["model_permaslug"])] == sample["old_tokens"]
    # the 07-22 pull does not revise the 06-22 pull where they overlap
    _, early = archive.merge_rankings(
        {k: frames[k] for k in ("2026-06-22-casualstudy", "2026-07-22-casualstudy")},
        {"2026-06-22-casualstudy": "2026-06-22", "2026-07-22-casualstudy": "2026-07-22"},
    )
    assert early.empty


def test__prune_unused__keeps_recent_prepared_tables(tmp_path):
    import os
    import time

    from tokentrends.inputs import prepare

    old, fresh = tmp_path / "old", tmp_path / "fresh"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / prepare.MANIFEST).write_text("{}")
    stale = time.time() - 30 * 86_400
    os.utime(old / prepare.MANIFEST, (stale, stale))
    prepare.prune_unused(tmp_path)
    assert not old.exists() and fresh.exists()


def test__discover_vintages__works_inside_a_hidden_folder_and_skips_hidden_files(tmp_path):
    root = tmp_path / ".cache" / "data"
    write_csv(root / "v1" / "rankings-daily.csv", "date,model_permaslug,total_tokens\n2025-01-01,a/x,1\n")
    write_csv(root / "v1" / ".tmp-partial" / "rankings-daily.csv", "date,model_permaslug,total_tokens\n")
    vintages, skipped = archive.discover_vintages(root)
    assert [v.vintage_id for v in vintages] == ["v1"]
    assert skipped == []

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from conftest import write_csv
from tokentrends.errors import InputError
from tokentrends.inputs.sources.rankings_daily import read_rankings_csv, read_rankings_json

HEADER = "date,model_permaslug,total_tokens\n"


def test__read_rankings_csv__typed_rows(tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER + "2025-01-02,a/x,10\n2025-01-02,other,5\n")
    frame = read_rankings_csv(path).frame
    expected = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-02", "2025-01-02"]).astype("datetime64[s]"),
            "model_permaslug": ["a/x", "other"],
            "tokens": [10, 5],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)


def test__read_rankings_csv__bom_and_integral_float(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(("\ufeff" + HEADER + "2025-01-02,a/x,1200\n2025-01-02,b/y,7.0\n").encode())
    assert read_rankings_csv(path).frame["tokens"].tolist() == [1200, 7]


@pytest.mark.parametrize("count", ["１２", "1_000", " 12 ", "12 ", "1e3", "1.2e3", "+5", "0x10", "٣"])
def test__read_rankings_csv__lenient_numbers_are_refused(tmp_path, count):
    """Issue 14 class 12: a count is ASCII digits; Decimal and int() accept all of these."""
    path = write_csv(tmp_path / "r.csv", HEADER + f'2025-01-02,a/x,"{count}"\n')
    with pytest.raises(InputError) as err:
        read_rankings_csv(path)
    assert err.value.row == 2 and "total_tokens" in err.value.reason


@pytest.mark.parametrize(
    ("body", "row", "reason"),
    [
        ("2025-01-02,a/x,1,9\n", 2, "4 fields where the header has 3"),  # pandas reported no row
        ("2025-01-02,a/x,1\n2025-01-03,b/y\n", 3, "2 fields where the header has 3"),
        ('2025-01-02,a/x,"1\n', None, "malformed CSV"),
    ],
)
def test__read_rankings_csv__ragged_rows_name_the_row(tmp_path, body, row, reason):
    path = write_csv(tmp_path / "r.csv", HEADER + body)
    with pytest.raises(InputError) as err:
        read_rankings_csv(path)
    assert err.value.row == row and reason in err.value.reason


def test__read_rankings_csv__extra_leading_fields_are_not_dropped(tmp_path):
    """Every row one field longer than the header: pandas took the first field as an index, silently."""
    path = write_csv(tmp_path / "r.csv", HEADER + "x,2025-01-02,a/x,1\ny,2025-01-03,a/x,2\n")
    with pytest.raises(InputError, match="4 fields where the header has 3"):
        read_rankings_csv(path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            '{"data": [{"date": "2025-01-02", "model_permaslug": "a", "total_tokens": ' + "9" * 5000 + "}]}",
            "unreadable JSON value",
        ),
        ('{"data": [{"date": "2025-01-02", "model_permaslug": "a", "total_tokens": NaN}]}', "not a JSON number"),
        (
            '{"data": [{"date": "2025-01-02", "model_permaslug": "a", "total_tokens": ' + "9" * 300 + "}]}",
            "larger than int64",
        ),
    ],
)
def test__read_rankings_json__hostile_json_is_one_input_error(tmp_path, text, reason):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(InputError, match=reason) as err:
        read_rankings_json(path)
    assert str(path) in str(err.value)


def test__read_rankings_csv__max_int64_kept_exactly(tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER + f"2025-01-02,a/x,{2**63 - 1}\n")
    assert read_rankings_csv(path).frame["tokens"].iloc[0] == 2**63 - 1


@pytest.mark.parametrize(
    ("body", "row", "reason"),
    [
        ("2025-01-02,a/x,-3\n", 2, "negative"),
        ("2025-01-02,a/x,12abc\n", 2, "not a number"),
        ("2025-01-02,a/x,1.5\n", 2, "not a whole number"),
        (f"2025-01-02,a/x,{2**63}\n", 2, "larger than int64"),
        ("2025-01-02,a/x,1\n2025-13-02,a/x,1\n", 3, "not a YYYY-MM-DD"),
        ("2024-12-31,a/x,1\n", 2, "before the Data API starts"),
        ("2025-01-02,a/x,1\n2025-01-02,a/x,2\n", 3, "duplicate key"),
        ("2025-01-02,,1\n", 2, "model_permaslug is empty"),
        ("2025-01-02,a/x,nan\n", 2, "not a finite number"),
        ("2025-01-02,a/x,1\n2025-01-02,other ,5\n", 3, "leading or trailing spaces"),
        ('2025-01-02," a/x",1\n', 2, "leading or trailing spaces"),
        ("2025-01-02,a/x,1\n2025-01-02,Other,5\n", 3, "the API's 'other' row written another way"),
    ],
)
def test__read_rankings_csv__bad_rows_name_file_row_reason(tmp_path, body, row, reason):
    path = write_csv(tmp_path / "bad.csv", HEADER + body)
    with pytest.raises(InputError) as err:
        read_rankings_csv(path)
    assert err.value.row == row
    assert reason in err.value.reason
    assert "bad.csv" in str(err.value)


def test__read_rankings_csv__after_as_of_is_an_error(tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER + "2025-03-02,a/x,1\n")
    with pytest.raises(InputError, match="after the vintage's as_of"):
        read_rankings_csv(path, as_of=date(2025, 3, 1))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"date,model,total_tokens\n2025-01-02,a/x,1\n", "columns must be"),
        (b"date,model_permaslug,total_tokens,extra\n2025-01-02,a/x,1,2\n", "unexpected ['extra']"),
        ("date,model_permaslug,total_tokens\n2025-01-02,\xe9,1\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test__read_rankings_csv__bad_files(tmp_path, content, reason):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        read_rankings_csv(path)


def test__read_rankings_json__response_with_meta(tmp_path):
    payload = {
        "data": [
            {"date": "2025-01-02", "model_permaslug": "a/x", "total_tokens": "12"},
            {"date": "2025-01-02", "model_permaslug": "other", "total_tokens": 3},
        ],
        "meta": {
            "as_of": "2025-01-03T00:05:00Z",
            "start_date": "2025-01-02",
            "end_date": "2025-01-02",
            "version": "v1",
        },
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(payload))
    parsed = read_rankings_json(path)
    assert parsed.frame["tokens"].tolist() == [12, 3]
    assert parsed.meta["version"] == "v1"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"data": [{"date": "2025-01-02", "model_permaslug": "a/x", "total_tokens": "1"}', "truncated"),
        ('{"rows": []}', "'data' list"),
        ('{"data": [{"date": "2025-01-02", "total_tokens": "1"}]}', "lacks model_permaslug"),
        ('{"data": [{"date": 20250102, "model_permaslug": "a", "total_tokens": "1"}]}', "must be a string"),
        ('{"data": [{"date": "2025-01-02", "model_permaslug": "a", "total_tokens": 1e300}]}', "too large"),
        ('{"data": [{"date": "2025-01-02", "model_permaslug": "a", "total_tokens": true}]}', "string or number"),
    ],
)
def test__read_rankings_json__bad_payloads(tmp_path, text, reason):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(InputError, match=reason):
        read_rankings_json(path)


def test__read_rankings_csv__real_vintage_parses_whole(shared_data):
    path = shared_data / "rankings-daily" / "2026-10-11-facets" / "rankings-daily.csv"
    frame = read_rankings_csv(path).frame
    raw = pd.read_csv(path, dtype=str)
    assert len(frame) == len(raw) == 32895
    assert frame["tokens"].sum() == sum(int(v) for v in raw["total_tokens"])


def test__read_rankings_json__big_counts_stay_exact_beside_other_forms(tmp_path):
    """Found by the fuzz suite: a mixed column once lost digits beyond 2**53."""
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            {
                "data": [
                    {"date": "2025-01-02", "model_permaslug": "a/x", "total_tokens": "9007199254740993"},
                    {"date": "2025-01-02", "model_permaslug": "b/y", "total_tokens": "0.0"},
                ]
            }
        )
    )
    assert read_rankings_json(path).frame["tokens"].tolist() == [9007199254740993, 0]


def test__read_rankings_csv__a_day_cut_off_before_its_other_row_is_refused(tmp_path):
    whole = HEADER + "2025-01-01,a/x,9\n2025-01-01,other,5\n2025-01-02,a/x,8\n2025-01-02,other,4\n"
    assert len(read_rankings_csv(write_csv(tmp_path / "whole.csv", whole)).frame) == 4
    cut = write_csv(tmp_path / "cut.csv", whole.rsplit("2025-01-02,other", 1)[0])  # a download stopped mid-file
    with pytest.raises(InputError, match=r"2025-01-02 has no 'other' row.*looks cut off"):
        read_rankings_csv(cut)
    # a hand-made file without any other row is not cut off
    assert len(read_rankings_csv(write_csv(tmp_path / "plain.csv", HEADER + "2025-01-01,a/x,9\n")).frame) == 1

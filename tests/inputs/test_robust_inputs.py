"""Issue 14, input side: what a bad day can put in the data folder never loses or silently changes a report."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import write_csv
from tokentrends.errors import InputError
from tokentrends.inputs import archive, prepare
from tokentrends.inputs.sources.catalog_prices import read_catalog_prices
from tokentrends.inputs.sources.models_catalog import read_models_catalog

HEADER = "date,model_permaslug,total_tokens\n"
ROWS = HEADER + "2025-01-02,a/x,10\n2025-01-02,other,5\n"


def vintage(
    folder: Path, text: str, as_of: str | None = "2025-01-05T00:00:00Z", name: str = "r.csv", **provenance
) -> Path:
    path = write_csv(folder / name, text)
    if as_of is not None:
        meta = {"kind": "rankings-daily", "as_of": as_of, "citation": f"cite {as_of}", **provenance}
        (folder / "provenance.json").write_text(json.dumps(meta))
    return path


def run_prepare(data: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    lines: list[str] = []
    out = prepare.prepare(data, tmp_path / "processed", log=lines.append)
    return out, lines


# class 1: empty vintages


EMPTY_JSON = '{"data": [], "meta": {"as_of": "2025-01-09"}}'


@pytest.mark.parametrize(("name", "text"), [("r.csv", HEADER), ("r.json", EMPTY_JSON)])
def test__prepare__an_empty_vintage_is_set_aside_not_fatal(tmp_path, name, text):
    vintage(tmp_path / "data" / "v1", ROWS)
    vintage(tmp_path / "data" / "v2", text, as_of="2025-01-09T00:00:00Z", name=name)
    out, lines = run_prepare(tmp_path / "data", tmp_path)
    manifest = prepare.load_manifest(out)
    assert [v["vintage_id"] for v in manifest["vintages"]] == ["v1"]
    assert manifest["as_of"] == "2025-01-05T00:00:00Z"  # the empty one does not become "the newest"
    assert any("v2 holds no rows" in line for line in lines)
    assert any(s["reason"].startswith("an empty rankings-daily vintage") for s in manifest["skipped_files"])


def test__prepare__only_empty_vintages_is_one_clear_error(tmp_path):
    vintage(tmp_path / "data" / "v1", HEADER)
    with pytest.raises(InputError, match="every rankings-daily vintage here is empty"):
        run_prepare(tmp_path / "data", tmp_path)


# class 7: sums beyond 64 bits


def test__prepare__sums_beyond_int64_are_refused_not_wrapped(tmp_path):
    big = 2**62
    vintage(tmp_path / "data" / "v", HEADER + f"2025-01-02,a/x,{big}\n2025-01-03,a/x,{big}\n2025-01-04,b/y,{big}\n")
    with pytest.raises(InputError, match="add up to 13,835,058,055,282,163,712, beyond the 64-bit") as err:
        run_prepare(tmp_path / "data", tmp_path)
    assert "in v" in str(err.value)


# class 8: the prepared-table key


def test__prepared_key__follows_provenance_and_the_folder(tmp_path):
    vintage(tmp_path / "a" / "v", ROWS, citation="first citation")
    first = prepare.prepared_key(archive.discover_vintages(tmp_path / "a")[0], tmp_path / "a")
    vintage(tmp_path / "a" / "v", ROWS, licence="CC BY 4.0")  # same data file, edited provenance
    edited = prepare.prepared_key(archive.discover_vintages(tmp_path / "a")[0], tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    moved = prepare.prepared_key(archive.discover_vintages(tmp_path / "b")[0], tmp_path / "b")
    assert len({first, edited, moved}) == 3
    out, _ = run_prepare(tmp_path / "b", tmp_path)
    assert prepare.load_manifest(out)["data_dir"] == str((tmp_path / "b").resolve())


def test__inputs_fingerprint__only_the_input_side_code(tmp_path):
    """Issue 10: a prose, chart or claims edit must not re-read the vintages; a parser edit must."""
    from tokentrends.fingerprint import inputs_fingerprint

    package = tmp_path / "tokentrends"
    shutil.copytree(Path(prepare.__file__).resolve().parents[1], package, ignore=shutil.ignore_patterns("__pycache__"))
    before = inputs_fingerprint(package)
    for outside in ("report/year_report.py", "render/charts.py", "report/claims.py", "build.py"):
        (package / outside).write_text((package / outside).read_text() + "\n# edited\n")
    assert inputs_fingerprint(package) == before
    (package / "inputs/sources/rankings_daily.py").write_text("# edited\n")
    assert inputs_fingerprint(package) != before


# class 9: as_of from the future, files without provenance, equal as_of


def test__discover__an_as_of_in_the_future_is_refused(tmp_path):
    vintage(tmp_path / "v", ROWS, as_of="2099-01-01T00:00:00Z")
    with pytest.raises(InputError, match="as_of 2099-01-01T00:00Z .* is in the future"):
        archive.discover_vintages(tmp_path)
    meta = tmp_path / "j" / "r.json"
    meta.parent.mkdir()
    meta.write_text(
        json.dumps(
            {
                "data": [{"date": "2025-01-02", "model_permaslug": "a/x", "total_tokens": 1}],
                "meta": {"as_of": "2099-01-01T00:00:00Z"},
            }
        )
    )
    (tmp_path / "v" / "provenance.json").unlink()
    with pytest.raises(InputError, match="from the response's meta.as_of\\) is in the future"):
        archive.discover_vintages(tmp_path)


def test__merge__a_file_without_provenance_never_overrides_one_with_it(tmp_path):
    vintage(tmp_path / "data" / "v1", ROWS)
    edited = vintage(tmp_path / "data" / "copy", HEADER + "2025-01-02,a/x,999\n2025-01-02,other,5\n", as_of=None)
    os.utime(edited, (2e9, 1.7e9))  # its mtime (2023-11) is older... and a fresh copy would be newer:
    os.utime(edited)
    out, lines = run_prepare(tmp_path / "data", tmp_path)
    usage = prepare.load_usage(out)
    assert usage.loc[usage["model_permaslug"] == "a/x", "tokens"].tolist() == [10]
    assert any("copy: no provenance.json" in line and "never overrides" in line for line in lines)


def test__merge__equal_as_of_with_different_values_is_an_error(tmp_path):
    vintage(tmp_path / "data" / "v1", ROWS)
    vintage(tmp_path / "data" / "v2", HEADER + "2025-01-02,a/x,11\n")
    with pytest.raises(InputError, match=r"same as_of \(2025-01-05T00:00:00Z\) as v1 but a different value .*11 vs 10"):
        run_prepare(tmp_path / "data", tmp_path)


def test__merge__equal_as_of_with_equal_values_is_fine(tmp_path):
    vintage(tmp_path / "data" / "v1", ROWS)
    vintage(tmp_path / "data" / "v2", ROWS)
    out, _ = run_prepare(tmp_path / "data", tmp_path)
    assert len(prepare.load_usage(out)) == 2


# class 10: symlinked folders, skipped files in the terminal


def test__discover__symlinked_vintage_folders_are_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    vintage(elsewhere / "v1", ROWS)
    data = tmp_path / "data"
    data.mkdir()
    (data / "linked").symlink_to(elsewhere / "v1", target_is_directory=True)
    (data / "loop").symlink_to(data, target_is_directory=True)  # a link back up is read once, not forever
    vintages, _ = archive.discover_vintages(data)
    assert [v.vintage_id for v in vintages] == ["linked"]


def test__prepare__skipped_files_are_said_in_the_terminal(tmp_path):
    vintage(tmp_path / "data" / "v1", ROWS)
    (tmp_path / "data" / "page.html").write_text("<html>")
    typo = tmp_path / "data" / "v2"
    typo.mkdir()
    (typo / "x.json").write_text("{}")
    (typo / "provenance.json").write_text(json.dumps({"kind": "rankings-dialy", "as_of": "2025-01-05"}))
    _, lines = run_prepare(tmp_path / "data", tmp_path)
    said = "\n".join(lines)
    assert "skipped " + str((tmp_path / "data" / "page.html").resolve()) in said
    assert "skipped " + str((typo / "x.json").resolve()) + ": not a recognised" in said


# class 12: the price CSV and the catalog


def test__catalog_prices__a_ragged_row_is_not_shifted(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        "id,name,prompt_usd_per_mtok,completion_usd_per_mtok\na/x,A,0.5,1\nb/y,B, with comma,0.5,1\n",
    )
    with pytest.raises(InputError, match="5 fields where the header has 4") as err:
        read_catalog_prices(path)
    assert err.value.row == 3


@pytest.mark.parametrize("price", ["１", "1_0", " 1", "inf", "nan"])
def test__catalog_prices__lenient_numbers_are_refused(tmp_path, price):
    path = write_csv(tmp_path / "p.csv", f'id,name,prompt_usd_per_mtok,completion_usd_per_mtok\na/x,A,"{price}",1\n')
    with pytest.raises(InputError, match="prompt_usd_per_mtok"):
        read_catalog_prices(path)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("created", "1e20"),
        ("context_length", "Infinity"),
        ("context_length", "NaN"),
        ("created", "-1"),
        ("created", "1.5"),
    ],
)
def test__models_catalog__non_finite_or_absurd_numbers_are_one_input_error(tmp_path, field, text):
    path = tmp_path / "m.json"
    path.write_text('{"data": [{"id": "a/x", "' + field + '": ' + text + "}]}")
    with pytest.raises(InputError) as err:
        read_models_catalog(path)
    assert str(path) in str(err.value)


# class 16: messages


def test__discover__upper_case_sha256_is_the_same_digest(tmp_path):
    path = vintage(tmp_path / "v", ROWS)
    vintage(tmp_path / "v", ROWS, sha256=archive.sha256_of(path).upper())
    assert len(archive.discover_vintages(tmp_path)[0]) == 1


def test__missing_days__said_as_ranges_and_capped():
    days = [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-02-01", "2025-12-31")] + ["2025-01-05"]
    assert archive.day_ranges(days) == "2025-01-05, 2025-02-01..2025-12-31 (335 days)"
    scattered = [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-01-01", periods=400, freq="2D")]
    said = archive.day_ranges(scattered)
    assert said.endswith("and 388 more range(s) (400 days)") and len(said) < 300


# class 12 for the parsers added by issues 12 and 15: the shared strict readers


@pytest.mark.parametrize("reader", ["app_rankings", "task_classifications", "session_cost", "activity"])
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ('{"data": [' + "9" * 5000 + "]}", "unreadable JSON value"),
        ('{"data": [NaN]}', "not a JSON number"),
    ],
)
def test__api_json_parsers__hostile_json_is_one_input_error(tmp_path, reader, text, reason):
    from tokentrends.inputs.sources import activity, app_rankings, session_cost, task_classifications

    read = {
        "app_rankings": app_rankings.read_app_rankings,
        "session_cost": session_cost.read_session_cost,
        "task_classifications": task_classifications.read_task_classifications,
        "activity": activity.read_activity_json,
    }[reader]
    if reader == "activity" and "NaN" in text:
        text = text.replace("NaN", '{"usage": NaN}')  # the activity parser refuses it per row instead
        reason = "data\\[0\\]|usage|date"
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(InputError, match=reason):
        read(path)


def test__models_derived__a_ragged_row_names_its_row(tmp_path):
    from tokentrends.inputs.sources.models_derived import REQUIRED, read_models_derived

    path = write_csv(tmp_path / "m.csv", ",".join(REQUIRED) + "\n" + ",".join(["x"] * (len(REQUIRED) + 1)) + "\n")
    with pytest.raises(InputError, match=f"{len(REQUIRED) + 1} fields where the header has {len(REQUIRED)}") as err:
        read_models_derived(path)
    assert err.value.row == 2

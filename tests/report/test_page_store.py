"""A year's page rendered into the store and shown from it: the same HTML, files and figures as computing it, only
the sections whose code or inputs changed computed again, a kernel that imports nothing heavy, and one renderer at
a time."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from tokentrends.files import load_stored, save_stored
from tokentrends.inputs import prepare
from tokentrends.render.chart_files import stable_view_names
from tokentrends.report import page, page_render, year_report
from tokentrends.report.model import load_prepared
from tokentrends.report.sections import SECTIONS
from tokentrends.report.year_report import compute_year

SECTION_DIR = page_render.SECTIONS_DIR


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder of its own (its data/processed holds the stores), with the real reference tables and claims
    ledgers."""
    monkeypatch.setenv("TOKENTRENDS_HOME", str(tmp_path))
    for folder in ("reference", "claims"):
        shutil.copytree(ROOT / "data" / folder, tmp_path / "data" / folder)
    return tmp_path


@pytest.fixture
def processed(project, sample_data) -> Path:
    return prepare.prepare(sample_data, project / "data" / "processed", log=lambda *_: None)


def without_stamp(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k != "build"}


def test__stored_page__shows_what_computing_the_year_shows(processed, tmp_path):
    key = page_render.render_page(processed, 2025, 9, written=True)
    shown = page.open_year(2025, processed_dir=processed, top_n=9, output_dir=tmp_path / "stored")
    computed = compute_year(load_prepared(processed), 2025, 9, output_dir=tmp_path / "computed")
    assert page.load_page(key) is not None
    for section in SECTIONS:
        assert shown.show(section.name).html == computed.show(section.name)._repr_html_(), section.name
    assert without_stamp(shown.figures()) == json.loads(json.dumps(without_stamp(computed.figures())))
    assert list(shown.figures()) == list(computed.figures())  # the same keys in the same order, `build` included
    files = sorted(p.relative_to(tmp_path / "stored") for p in (tmp_path / "stored").rglob("*") if p.is_file())
    assert files and files == sorted(
        p.relative_to(tmp_path / "computed") for p in (tmp_path / "computed").rglob("*") if p.is_file()
    )
    for relative in files:
        assert (tmp_path / "stored" / relative).read_bytes() == (tmp_path / "computed" / relative).read_bytes()
    stamp = shown.show_build().html
    assert "Reproducibility" in stamp and "year=2025, top_n=9, data=" in stamp and processed.name in stamp


def test__render_page__computes_only_the_sections_whose_key_has_nothing_stored(processed, monkeypatch):
    page_render.render_page(processed, 2025, 9, written=True)
    computed: list[set[str]] = []
    real = year_report.compute_year

    def spy(*args, only=None, **kwargs):
        computed.append(set(only))
        return real(*args, only=only, **kwargs)

    monkeypatch.setattr(page_render, "compute_year", spy)
    # Stored already: nothing is computed.
    page.page_path(page.page_key(processed, 2025, 9, True)).unlink()
    page_render.render_page(processed, 2025, 9, written=True)
    assert computed == []
    # One section's output gone (as after an edit of its module, which changes its key): only it is computed,
    # with the sections it reads, and the page is the same.
    before = page.load_page(page.page_key(processed, 2025, 9, True))
    keys = page_render.section_keys(processed, 2025, 9, True)
    page.section_path(keys["title"]).unlink()
    page.page_path(page.page_key(processed, 2025, 9, True)).unlink()
    page_render.render_page(processed, 2025, 9, written=True)
    assert computed == [{"title"}]
    after = page.load_page(page.page_key(processed, 2025, 9, True))
    assert [s.html for s in after.sections] == [s.html for s in before.sections]


def test__section_keys__follow_the_section_code_the_data_and_the_parameters(processed, project):
    keys = page_render.section_keys(processed, 2025, 9, True)
    assert len(set(keys.values())) == len(SECTIONS)
    for changed in (
        page_render.section_keys(processed, 2026, 9, True),
        page_render.section_keys(processed, 2025, 8, True),
        page_render.section_keys(processed, 2025, 9, False),
        page_render.section_keys(processed.with_name("another-prepared-key"), 2025, 9, True),
    ):
        assert not set(changed.values()) & set(keys.values())
    (project / "data" / "claims" / "2025.yaml").write_text(
        (project / "data" / "claims" / "2025.yaml").read_text() + "\n# edited\n"
    )
    assert not set(page_render.section_keys(processed, 2025, 9, True).values()) & set(keys.values())


def test__section_code__a_section_depends_on_its_module_those_it_imports_and_those_it_reads():
    by_name = {s.name: s for s in SECTIONS}
    title = page_render.section_code(by_name["title"], SECTIONS)
    # title reads leaders, disruptors, claims, groups and method (Section.needs) and imports the claims section
    assert {p.name for p in title} == {"title.py", "leaders.py", "disruptors.py", "claims.py", "groups.py", "method.py"}
    tasks = page_render.section_code(by_name["tasks"], SECTIONS)
    assert {p.name for p in tasks} == {"tasks.py", "apps.py"}  # tasks imports helpers from the apps section
    assert {p.name for p in page_render.section_code(by_name["volume"], SECTIONS)} == {"volume.py"}
    shared = set(page_render.shared_code())
    assert SECTION_DIR / "__init__.py" in shared and SECTION_DIR / "volume.py" not in shared
    assert SECTION_DIR.parent / "page.py" in shared and SECTION_DIR.parents[1] / "metrics" / "volume.py" in shared


def test__section_keys__an_edit_to_one_section_module_changes_its_key_and_its_readers_only(processed, monkeypatch):
    keys = page_render.section_keys(processed, 2025, 9, True)
    real = page_render.hash_files

    def edited_leaders(paths):  # leaders.py read as if a sentence in it had changed
        paths = list(paths)
        return real(paths) + ("edited" if SECTION_DIR / "leaders.py" in paths else "")

    monkeypatch.setattr(page_render, "hash_files", edited_leaders)
    edited = page_render.section_keys(processed, 2025, 9, True)
    changed = {name for name in keys if keys[name] != edited[name]}
    assert changed == {"leaders", "specialists", "title"}  # specialists and title read the leaders' record


def test__page_module__imports_neither_pandas_nor_altair():
    code = (
        "import sys\nimport tokentrends.report.page\n"
        "print(sorted(m for m in ('pandas', 'altair', 'numpy', 'pyarrow', 'statsmodels') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test__open_year__renders_a_missing_page_in_a_child_process_with_its_progress(processed, capfd):
    shown = page.open_year(2025, processed_dir=processed, top_n=9)
    assert shown.year == 2025 and "rendering the page of 2025" in capfd.readouterr().err
    assert shown.show("numbers").html.startswith("<")
    assert page.load_page(page.page_key(processed, 2025, 9, False)) is not None


def test__open_year__a_year_without_data_is_one_clear_error(processed):
    with pytest.raises(page.BuildError, match="no data for 2031"):
        page.open_year(2031, processed_dir=processed, top_n=9)


def test__page_lock__whoever_opens_the_page_meanwhile_waits_for_the_renderer(project):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nfrom tokentrends.report import page\n"
            "with page.page_lock('k'):\n    print('held', flush=True)\n    time.sleep(1.0)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    started = time.perf_counter()
    with page.page_lock("k"):
        waited = time.perf_counter() - started
    holder.wait()
    assert waited > 0.5


def test__stored_files__a_damaged_store_entry_is_computed_again(tmp_path):
    damaged = tmp_path / "x.pickle"
    damaged.write_bytes(b"not a pickle")
    assert load_stored(damaged) is None and load_stored(tmp_path / "absent.pickle") is None
    kept = tmp_path / "kept.pickle"
    save_stored(kept, {"html": "<p>x</p>"})
    assert load_stored(kept) == {"html": "<p>x</p>"}
    blob = bytearray(kept.read_bytes())
    blob[-3] ^= 1  # one byte changed: the checksum no longer holds
    kept.write_bytes(bytes(blob))
    assert load_stored(kept) is None


def test__stored_page__a_section_of_an_older_shape_or_a_damaged_one_is_rendered_again(processed):
    key = page_render.render_page(processed, 2025, 9, written=True)
    keys = page_render.section_keys(processed, 2025, 9, True)

    class Older:  # a StoredSection pickled before a field was added
        pass

    older = Older()
    older.__class__ = page.StoredSection
    object.__setattr__(older, "name", "volume")
    save_stored(page.section_path(keys["volume"]), older)
    assert page.load_section(keys["volume"]) is None and page.load_page(key) is None
    page_render.render_page(processed, 2025, 9, written=True)
    assert page.load_page(key).sections[[s.name for s in SECTIONS].index("volume")].html


def test__render_page__stores_nothing_when_the_code_changed_while_it_rendered(processed, monkeypatch):
    real, calls = page_render.section_keys, []

    def keys_that_move(*args, **kwargs):  # the second reading (after rendering) finds other files
        calls.append(1)
        keys = real(*args, **kwargs)
        return keys if len(calls) == 1 else {name: key + "x" for name, key in keys.items()}

    monkeypatch.setattr(page_render, "section_keys", keys_that_move)
    with pytest.raises(page.BuildError, match="changed while the page of 2025 was rendered"):
        page_render.render_page(processed, 2025, 9, written=True)
    assert page.load_page(page.page_key(processed, 2025, 9, True)) is None
    assert not list((processed.parent / page.STORED_SECTIONS).glob("*.pickle"))


def test__open_year__in_a_build_a_missing_page_is_an_error_not_a_render(processed):
    with pytest.raises(page.BuildError, match="not in the store for the code as it is now"):
        page.open_year(2025, processed_dir=processed, top_n=9, output_dir=".", render_missing=False)


@pytest.mark.parametrize("top_n", [0, 51])
def test__open_year__top_n_outside_1_to_50_is_refused(processed, top_n):
    with pytest.raises(page.BuildError, match="TOP_N must be from 1 to 50"):
        page.open_year(2025, processed_dir=processed, top_n=top_n)


def test__page_key__a_relative_prepared_folder_is_its_own_folder(processed, monkeypatch):
    monkeypatch.chdir(processed)
    assert page.page_key(".", 2025, 9, True) == page.page_key(processed, 2025, 9, True)


def test__stable_view_names__numbered_in_order_whatever_hash_altair_gave():
    spec = {
        "layer": [{"name": "view_0123456789abcdef_0"}, {"name": "view_fedcba9876543210_0"}],
        "params": [{"name": "pick", "views": ["view_0123456789abcdef_0"]}],
    }
    assert stable_view_names(spec) == {
        "layer": [{"name": "view_1_0"}, {"name": "view_2_0"}],
        "params": [{"name": "pick", "views": ["view_1_0"]}],
    }
    assert stable_view_names({"mark": "bar"}) == {"mark": "bar"}


def test__figures_text__is_what_json_dumps_writes_whether_values_were_encoded_before_or_not(processed, tmp_path):
    def dumps(value: dict) -> str:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)

    figures = compute_year(load_prepared(processed), 2025, 9).figures()
    assert page.figures_text(figures) == dumps(figures)
    for small in ({"a": 1, "analyses": {}}, {"a": [], "b": {"c": "é"}, "analyses": {"x": {"y": [1.5, None]}}}):
        assert page.figures_text(small) == dumps(small)
        encoded = {"a": small["a"], **page.encoded_part({k: v for k, v in small.items() if k != "a"})}
        assert page.figures_text(encoded) == dumps(small)
    page_render.render_page(processed, 2025, 9, written=True)
    shown = page.open_year(2025, processed_dir=processed, top_n=9, output_dir=tmp_path)
    assert shown.write_figures().read_text(encoding="utf-8") == dumps(shown.figures()) + "\n"


def test__stable_view_names__leaves_the_inline_data_and_the_key_order_as_they_are():
    data = {"data-1": [{"label": "view_0123456789abcdef", "tokens": 3}]}  # a text in the data, not a view
    spec = {
        "datasets": data,
        "layer": [{"name": "view_0123456789abcdef_0"}],
        "params": [{"name": "pick", "views": ["view_0123456789abcdef_0"]}],
    }
    renamed = stable_view_names(spec)
    assert list(renamed) == ["datasets", "layer", "params"]
    assert renamed["datasets"] == {"data-1": [{"label": "view_0123456789abcdef", "tokens": 3}]}
    assert renamed["layer"] == [{"name": "view_1_0"}] and renamed["params"][0]["views"] == ["view_1_0"]

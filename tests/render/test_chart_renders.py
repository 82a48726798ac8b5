from __future__ import annotations

import os
import time

import pandas as pd
import pytest

from tokentrends.render import chart_files, chart_renders, charts
from tokentrends.report.page import write_report_files

SPEC = {
    "mark": "bar",
    "data": {"values": [{"a": "x", "b": 1}]},
    "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}},
}


class CountingRenderer:
    def __init__(self):
        self.calls = 0

    def __call__(self, spec: dict) -> tuple[str, bytes]:
        self.calls += 1
        return f"<svg>{spec['data']['values']}</svg>", b"\x89PNG" + bytes([self.calls])


def test__stored_render__renders_once_per_spec_and_settings(tmp_path):
    render = CountingRenderer()
    first = chart_renders.stored_render(SPEC, {"scale": 1.5}, render, tmp_path)
    again = chart_renders.stored_render(dict(reversed(list(SPEC.items()))), {"scale": 1.5}, render, tmp_path)
    assert again == first and render.calls == 1  # key order does not matter, content does
    other_data = {**SPEC, "data": {"values": [{"a": "x", "b": 2}]}}
    assert chart_renders.stored_render(other_data, {"scale": 1.5}, render, tmp_path) != first
    chart_renders.stored_render(SPEC, {"scale": 2}, render, tmp_path)
    assert render.calls == 3


def test__stored_render__an_incomplete_entry_is_rendered_again(tmp_path):
    render = CountingRenderer()
    chart_renders.stored_render(SPEC, {}, render, tmp_path)
    key = chart_renders.render_key(SPEC, {})
    (tmp_path / key[:2] / f"{key}.png").unlink()
    svg, png = chart_renders.stored_render(SPEC, {}, render, tmp_path)
    assert render.calls == 2 and png.endswith(bytes([2]))
    assert not list(tmp_path.glob("*/.tmp-*"))  # no temporary file left behind


def test__prune_renders__removes_only_unused_files(tmp_path):
    render = CountingRenderer()
    chart_renders.stored_render(SPEC, {}, render, tmp_path)
    chart_renders.stored_render(SPEC, {"scale": 2}, render, tmp_path)
    old = sorted(tmp_path.glob(f"*/{chart_renders.render_key(SPEC, {})}.*"))
    month_ago = time.time() - 30 * 86_400
    for path in old:
        os.utime(path, (month_ago, month_ago))
    assert chart_renders.prune_renders(tmp_path) == 2
    assert not any(p.exists() for p in old) and len(list(tmp_path.glob("*/*"))) == 2
    assert chart_renders.prune_renders(tmp_path / "absent") == 0


def test__render_chart_files__second_report_reuses_the_render(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENTRENDS_HOME", str(tmp_path / "home"))
    calls = []
    real = chart_renders.render_static
    monkeypatch.setattr(chart_renders, "render_static", lambda spec: calls.append(1) or real(spec))
    data = pd.DataFrame({"a": ["x"], "b": [1]})
    spec = {**SPEC, "$schema": charts.alt.Chart(data).mark_bar().to_dict()["$schema"]}
    for report in ("one", "two"):
        write_report_files(chart_files.chart_data_files(spec, data, "bars"), tmp_path / report)
        assert chart_renders.pending_chart_files(tmp_path / report) == [tmp_path / report / "charts" / "bars.vl.json"]
        assert chart_renders.render_chart_files(tmp_path / report) == 1
        assert chart_renders.pending_chart_files(tmp_path / report) == []  # drawn: the next build skips it
    assert len(calls) == 1
    one, two = tmp_path / "one" / "charts", tmp_path / "two" / "charts"
    for ext in ("svg", "png", "csv"):
        assert (one / f"bars.{ext}").read_bytes() == (two / f"bars.{ext}").read_bytes()
    assert (one / "bars.svg").read_text().lstrip().startswith("<svg")
    assert (one / "bars.png").read_bytes()[:4] == b"\x89PNG"
    assert list((tmp_path / "home" / "data" / "processed" / chart_renders.RENDERS).glob("*/*.svg"))


def test__write_atomic__a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from tokentrends import files

    target = tmp_path / "a" / "chart.svg"
    files.write_atomic(target, b"old")

    def broken_replace(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in target.parent.iterdir()] == ["chart.svg"]


def test__remove_unfinished_writes__removes_the_temporary_of_a_write_under_way_and_only_it(tmp_path, monkeypatch):
    """What a worker ending at once (os._exit in its SIGTERM handler) removes: the temporary file of the write it was
    in, so no `.tmp-*` is left beside a chart or in a store; a finished write is not touched."""
    from tokentrends import files

    files.write_atomic(tmp_path / "done.svg", b"done")
    seen = []
    real_fsync = files.os.fsync

    def fsync_then_ended(fd):  # the worker's handler runs as the payload is being written
        real_fsync(fd)
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        files.remove_unfinished_writes()

    monkeypatch.setattr(files.os, "fsync", fsync_then_ended)
    with pytest.raises(FileNotFoundError):  # here the write goes on and finds its temporary gone; os._exit would not
        files.write_atomic(tmp_path / "chart.svg", b"half")
    assert len(seen[0]) == 2 and seen[0][0].startswith(".tmp-")  # the write's temporary, and done.svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done.svg"]
    assert not files._unfinished


def test__unused_fields_dropped__only_columns_the_spec_names_reach_the_page():
    data = pd.DataFrame({"a": ["x"], "b": [1], "helper_rank": [3]})
    spec = charts.alt.Chart(data).mark_bar().encode(x="a:N", y="b:Q").to_dict()
    kept = chart_files.unused_fields_dropped(spec)
    rows = next(iter(kept["datasets"].values()))
    assert rows == [{"a": "x", "b": 1}]  # helper_rank is named nowhere in the spec
    assert {k: v for k, v in kept.items() if k != "datasets"} == {k: v for k, v in spec.items() if k != "datasets"}


def test__pending_chart_files__a_chart_drawn_from_another_spec_is_drawn_again(tmp_path, monkeypatch):
    """Two builds into one folder: a chart drawn from the other build's spec, newer than this spec, still counts as
    not drawn (judged by the spec's content, not by file times); and a spec that changes while its chart is drawn
    gets no files from the old one."""
    monkeypatch.setenv("TOKENTRENDS_HOME", str(tmp_path / "home"))
    data = pd.DataFrame({"a": ["x"], "b": [1]})
    spec = {**SPEC, "$schema": charts.alt.Chart(data).mark_bar().to_dict()["$schema"]}
    write_report_files(chart_files.chart_data_files(spec, data, "bars"), tmp_path / "r")
    spec_path = tmp_path / "r" / "charts" / "bars.vl.json"
    assert (
        chart_renders.render_chart_files(tmp_path / "r") == 1
        and chart_renders.pending_chart_files(tmp_path / "r") == []
    )
    other = {**spec, "title": "another build's chart"}
    write_report_files(chart_files.chart_data_files(other, data, "bars"), tmp_path / "r")  # its spec, swapped in
    late = time.time() + 60
    for suffix in (".svg", ".png", ".drawn"):  # the first build's files, written after the swap
        os.utime(spec_path.with_name("bars" + suffix), (late, late))
    assert chart_renders.pending_chart_files(tmp_path / "r") == [spec_path]
    text = spec_path.read_text()
    spec_path.write_text(text.replace("another build", "a third build"))  # changed while being drawn
    assert not chart_renders.write_drawn(spec_path, text, "<svg/>", b"png")
    assert (
        chart_renders.render_chart_files(tmp_path / "r") == 1
        and chart_renders.pending_chart_files(tmp_path / "r") == []
    )


def test__write_drawn__a_report_folder_swapped_away_meanwhile_is_a_changed_spec(tmp_path, monkeypatch):
    spec_path = tmp_path / "charts" / "bars.vl.json"
    spec_path.parent.mkdir()
    spec_path.write_text("{}")

    def swapped(path, payload):  # another build renamed the folder between the temporary file and its rename
        raise FileNotFoundError(2, "No such file or directory", str(path))

    monkeypatch.setattr(chart_renders, "write_atomic", swapped)
    assert chart_renders.write_drawn(spec_path, "{}", "<svg/>", b"png") is False
    spec_path.unlink()
    spec_path.parent.rmdir()
    assert chart_renders.write_drawn(spec_path, "{}", "<svg/>", b"png") is False  # the folder itself is gone

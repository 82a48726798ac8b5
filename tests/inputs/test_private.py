"""Privacy by construction: the public build never reads personal data, and the public index never lists
private reports."""

from __future__ import annotations

import builtins
import io
import json
import pathlib

import pytest

from conftest import write_csv
from tokentrends.errors import InputError
from tokentrends.inputs import archive, prepare
from tokentrends.render.index_page import write_index

ACTIVITY = {
    "data": [
        {
            "date": "2025-01-02",
            "model": "a/x",
            "model_permaslug": "a/x",
            "endpoint_id": "e",
            "provider_name": "P",
            "usage": 1.0,
            "byok_usage_inference": 0,
            "requests": 1,
            "prompt_tokens": 5,
            "completion_tokens": 5,
            "reasoning_tokens": 0,
        }
    ]
}


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every path the code under test opens or reads."""
    seen: list[str] = []
    real_open, real_io_open, real_read_bytes = builtins.open, io.open, pathlib.Path.read_bytes

    def spy_open(file, *args, **kwargs):
        seen.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_io_open(file, *args, **kwargs):  # Path.read_text and Path.open go through io.open, not builtins.open
        seen.append(str(file))
        return real_io_open(file, *args, **kwargs)

    def spy_read_bytes(self):
        seen.append(str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_io_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", spy_read_bytes)
    return seen


def project(tmp_path, monkeypatch) -> pathlib.Path:
    """A project folder with public rankings in data/raw and personal activity in data/private."""
    monkeypatch.setenv("TOKENTRENDS_HOME", str(tmp_path))
    write_csv(tmp_path / "data" / "raw" / "r.csv", "date,model_permaslug,total_tokens\n2025-01-02,a/x,12\n")
    private = tmp_path / "data" / "private" / "activity" / "2025-01-03-api"
    private.mkdir(parents=True)
    (private / "activity.json").write_text(json.dumps(ACTIVITY))
    (private / "provenance.json").write_text(json.dumps({"kind": "activity", "as_of": "2025-01-03T00:00:00Z"}))
    return tmp_path


def test__public_discovery__never_opens_data_private_even_from_the_parent_folder(tmp_path, monkeypatch, opened):
    root = project(tmp_path, monkeypatch)
    opened.clear()  # the setup wrote the private files; from here, only what discovery opens counts
    vintages, skipped = archive.discover_vintages(root / "data")
    assert [v.kind for v in vintages] == ["rankings-daily"]
    assert not [s for s in skipped if "private" in s.path]
    assert opened and not [p for p in opened if "/private/" in p]


def test__public_build__refuses_the_private_folder(tmp_path, monkeypatch):
    root = project(tmp_path, monkeypatch)
    for folder in (root / "data" / "private", root / "data" / "private" / "activity"):
        with pytest.raises(InputError, match="the public build never reads it"):
            prepare.prepare(folder, root / "processed", log=lambda *_: None)


def test__an_activity_response_in_the_public_folder_is_not_read_as_rankings(tmp_path):
    write_csv(tmp_path / "r.csv", "date,model_permaslug,total_tokens\n2025-01-02,a/x,12\n")
    (tmp_path / "mine.json").write_text(json.dumps(ACTIVITY))
    vintages, skipped = archive.discover_vintages(tmp_path)
    assert [v.kind for v in vintages] == ["rankings-daily"]
    assert [pathlib.Path(s.path).name for s in skipped] == ["mine.json"]


def test__public_index__never_lists_private_reports(tmp_path):
    figures = {
        "year": 2025,
        "citation": "c",
        "is_synthetic": False,
        "weekly": [],
        "headline": {"first_full_week": None},
    }
    for folder in (tmp_path / "2025", tmp_path / "private" / "2025"):
        folder.mkdir(parents=True)
        (folder / "figures.json").write_text(json.dumps(figures))
        (folder / "report.html").write_text("<html></html>")
    html = write_index(tmp_path).read_text()
    assert 'href="2025/report.html"' in html and "private" not in html

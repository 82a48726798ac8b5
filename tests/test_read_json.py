"""files.read_json: parsed once while the file is the same, read again once it changes."""

import json
import os

import pytest

from tokentrends.files import read_json, write_atomic


def test__read_json__parses_a_file_once_and_again_when_it_changes(tmp_path, monkeypatch):
    path = tmp_path / "figures.json"
    write_atomic(path, b'{"year": 2025}')
    parses = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda text: parses.append(text) or real(text))
    assert read_json(path) == {"year": 2025}
    assert read_json(path) == {"year": 2025}
    assert len(parses) == 1
    moved = tmp_path / "published.json"
    path.rename(moved)  # a build folder swapped into place keeps its files: no second parse
    assert read_json(moved) == {"year": 2025} and len(parses) == 1
    write_atomic(moved, b'{"year": 2026}')  # replaced: a new file
    assert read_json(moved) == {"year": 2026} and len(parses) == 2
    with open(moved, "w") as handle:  # rewritten in place, same size: its time changes
        handle.write('{"year": 2027}')
    os.utime(moved, ns=(1, 1))
    assert read_json(moved) == {"year": 2027}


def test__read_json__missing_or_damaged_raises_as_json_does(tmp_path):
    with pytest.raises(OSError):
        read_json(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ValueError):
        read_json(tmp_path / "bad.json")

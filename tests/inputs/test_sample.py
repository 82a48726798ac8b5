from __future__ import annotations

import json

import pytest

from conftest import write_csv
from tokentrends.errors import InputError
from tokentrends.inputs import archive, prepare, sample
from tokentrends.inputs.sources.rankings_daily import read_rankings_csv


def test__sample_rankings__deterministic_and_top_50_plus_other():
    a = sample.sample_rankings(seed=7)
    b = sample.sample_rankings(seed=7)
    assert a.equals(b)
    per_day = a.groupby("date")["model_permaslug"].agg(["size", lambda s: (s == "other").sum()])
    assert (per_day["size"] == 51).all()
    assert (per_day.iloc[:, 1] == 1).all()
    assert not sample.sample_rankings(seed=8).equals(a)


def test__write_sample__real_format_with_synthetic_provenance(tmp_path):
    folder = sample.write_sample(tmp_path)
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["synthetic"] is True
    assert "SYNTHETIC" in provenance["citation"]
    frame = read_rankings_csv(folder / "rankings-daily.csv").frame
    assert frame["date"].min().strftime("%Y-%m-%d") == sample.SAMPLE_START
    (vintage,), _ = archive.discover_vintages(tmp_path)
    assert vintage.is_synthetic
    # The platform grows: the last month carries more than the first.
    monthly = frame.groupby(frame["date"].dt.to_period("M"))["tokens"].sum()
    assert monthly.iloc[-1] > 3 * monthly.iloc[0]


def test__prepare__the_sample_beside_real_vintages_is_refused(tmp_path):
    sample.write_sample(tmp_path / "data" / "sample")
    real = tmp_path / "data" / "raw" / "rankings-daily" / "v1"
    path = write_csv(real / "rankings-daily.csv", "date,model_permaslug,total_tokens\n2025-01-01,a/x,1\n")
    provenance = {"kind": "rankings-daily", "as_of": "2025-01-02T00:00:00Z", "sha256": archive.sha256_of(path)}
    (real / "provenance.json").write_text(json.dumps(provenance))
    with pytest.raises(InputError, match=r"mixes the synthetic sample .* with real vintages \(raw/rankings-daily/v1"):
        prepare.prepare(tmp_path / "data", tmp_path / "out", log=lambda *_: None)

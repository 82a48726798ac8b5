"""Stored backtests: computed once per record, never stale."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tokentrends.files import save_stored
from tokentrends.metrics import backtest
from tokentrends.report import backtest_store


def weekly(n: int = 20, bump: int = 0) -> pd.DataFrame:
    weeks = pd.date_range("2025-01-06", periods=n, freq="7D")
    tokens = (1e9 * np.exp(0.05 * np.arange(n))).astype("int64")
    tokens[-1] += bump
    return pd.DataFrame({"week_start": weeks, "report_year": 2025, "days_present": 7, "total_tokens": tokens})


def counted_backtests(monkeypatch) -> list:
    """The `year` of each run_backtest call from now on (the real one runs)."""
    calls, real = [], backtest.run_backtest
    monkeypatch.setattr(
        backtest,
        "run_backtest",
        lambda totals, year=None, ets=backtest.ets_damped_forecast: calls.append(year) or real(totals, year, ets),
    )
    return calls


def test__stored_backtest__computed_once_per_record_and_recomputed_when_a_value_changes(tmp_path, monkeypatch):
    calls = counted_backtests(monkeypatch)
    first = backtest_store.stored_backtest(weekly(), 2025, tmp_path)
    again = backtest_store.stored_backtest(weekly(), 2025, tmp_path)
    assert len(calls) == 1 and again.to_records() == first.to_records()
    backtest_store.stored_backtest(weekly(bump=1), 2025, tmp_path)  # one token more in one week: a new record
    backtest_store.stored_backtest(weekly(), 2026, tmp_path)  # another year: another key
    assert len(calls) == 3 and len(list(tmp_path.glob("*.pickle"))) == 3


def test__stored_backtest__a_record_cut_at_its_last_full_week_reads_the_backtest_of_its_year(tmp_path, monkeypatch):
    # A claim's outlook read at the last full week (year None: the record's last) is its year's outlook: the same
    # full weeks, the same year. It is read from the store, and it is what run_backtest makes of the cut record.
    calls = counted_backtests(monkeypatch)
    record = weekly()
    partial = record.tail(1).assign(week_start=record["week_start"].max() + pd.Timedelta(days=7), days_present=3)
    totals = pd.concat([record, partial], ignore_index=True)
    outlook = backtest_store.stored_backtest(totals, 2025, tmp_path)
    cut = totals[totals["week_start"] <= record["week_start"].max()]
    claim = backtest_store.stored_backtest(cut, None, tmp_path)
    assert calls == [2025] and claim.to_records() == outlook.to_records()
    # Cut one full week earlier, it is another record: computed.
    backtest_store.stored_backtest(totals[totals["week_start"] < record["week_start"].max()], None, tmp_path)
    assert calls == [2025, None]
    assert backtest.run_backtest(cut, None).to_records() == outlook.to_records()  # what the store gave is right


def test__prune_backtests__removes_the_unused(tmp_path):
    backtest_store.stored_backtest(weekly(), 2025, tmp_path)
    old = next(tmp_path.glob("*.pickle"))

    os.utime(old, (0, 0))
    assert backtest_store.prune_backtests(tmp_path) == 1 and not list(tmp_path.glob("*.pickle"))


def test__backtest_key__follows_the_modules_the_backtest_reads(monkeypatch):
    """config.py holds the backtest's tunables and weekly.py its full-week rule: an edit to either is a new key."""
    before = backtest_store.backtest_key(weekly(), 2025)
    real = Path.read_bytes
    for module in ("config.py", "weekly.py"):

        def edited(path, module=module):
            data = real(path)
            return data + b"\n# edited" if path.name == module else data

        monkeypatch.setattr(Path, "read_bytes", edited)
        assert backtest_store.backtest_key(weekly(), 2025) != before, module


def counted_fits(monkeypatch) -> list[int]:
    """Count the ETS fits made from now on (each origin's, wherever it is asked for)."""
    calls: list[int] = []
    real = backtest.ets_damped_forecast
    monkeypatch.setattr(backtest, "ets_damped_forecast", lambda t, y, h: calls.append(len(t)) or real(t, y, h))
    return calls


def test__fit_every_origin__fits_each_origin_once_and_every_backtest_of_the_record_reads_them(tmp_path, monkeypatch):
    """A year's record and one cut at an earlier origin are prefixes of the whole record: their backtests fit
    nothing more, and come out as computed without the store."""
    totals = weekly(30)
    origins = 30 - backtest.FIRST_ORIGIN + 1
    calls = counted_fits(monkeypatch)
    with backtest_store.fitting_lock(tmp_path):
        assert backtest_store.fit_every_origin(totals, tmp_path) == origins
    assert backtest_store.fit_every_origin(totals, tmp_path) == 0 and len(calls) == origins
    whole = backtest_store.stored_backtest(totals, 2025, tmp_path)
    earlier = backtest_store.stored_backtest(totals.iloc[:20], 2025, tmp_path)
    assert len(calls) == origins  # no fit made twice
    monkeypatch.undo()
    assert whole.to_records() == backtest.run_backtest(totals, 2025).to_records()
    assert earlier.to_records() == backtest.run_backtest(totals.iloc[:20], 2025).to_records()


def test__stored_fits__waits_for_the_fitter_and_fits_itself_when_there_is_none(tmp_path, monkeypatch):
    totals = weekly(20)
    (t, y), *_ = backtest.origins(totals)
    horizons = backtest.forecast_horizons()
    expected = backtest.ets_damped_forecast(t, y, horizons)
    held, stored_at = threading.Event(), []

    def fitter() -> None:  # another process's fitting, as the build's: the lock first, the fit a while later
        with backtest_store.fitting_lock(tmp_path):
            held.set()
            time.sleep(0.3)
            save_stored(backtest_store.fit_path(tmp_path / backtest_store.FITS, t, y, horizons), expected)
            stored_at.append(time.monotonic())

    monkeypatch.setattr(backtest, "ets_damped_forecast", lambda *_: pytest.fail("fitted while the fitter fits"))
    thread = threading.Thread(target=fitter)
    thread.start()
    held.wait()
    forecast = backtest_store.stored_fits(tmp_path)(t, y, horizons)
    thread.join()
    assert np.array_equal(forecast, expected) and stored_at

    monkeypatch.undo()
    calls = counted_fits(monkeypatch)  # no fitter: a fit not stored is made here, and stored
    monkeypatch.setattr(backtest_store, "FIT_POLL_SECONDS", 10.0)  # a wait would show as a hang
    (t2, y2) = backtest.origins(totals)[-1]
    backtest_store.stored_fits(tmp_path)(t2, y2, horizons)
    backtest_store.stored_fits(tmp_path)(t2, y2, horizons)
    assert calls == [len(t2)]

"""Stored backtests: computed once per record, never stale."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from tokentrends.metrics import backtest
from tokentrends.report import backtest_store


def weekly(n: int = 20, bump: int = 0) -> pd.DataFrame:
    weeks = pd.date_range("2025-01-06", periods=n, freq="7D")
    tokens = (1e9 * np.exp(0.05 * np.arange(n))).astype("int64")
    tokens[-1] += bump
    return pd.DataFrame({"week_start": weeks, "report_year": 2025, "days_present": 7, "total_tokens": tokens})


def test__stored_backtest__computed_once_per_record_and_recomputed_when_a_value_changes(tmp_path, monkeypatch):
    calls = []
    real = backtest.run_backtest
    monkeypatch.setattr(backtest, "run_backtest", lambda totals, year=None: calls.append(year) or real(totals, year))
    first = backtest_store.stored_backtest(weekly(), 2025, tmp_path)
    again = backtest_store.stored_backtest(weekly(), 2025, tmp_path)
    assert len(calls) == 1 and again.to_records() == first.to_records()
    backtest_store.stored_backtest(weekly(bump=1), 2025, tmp_path)  # one token more in one week: a new record
    backtest_store.stored_backtest(weekly(), None, tmp_path)  # another year: another key
    assert len(calls) == 3 and len(list(tmp_path.glob("*.pickle"))) == 3


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

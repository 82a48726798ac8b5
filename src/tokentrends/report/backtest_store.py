"""Backtests kept under what they are computed from, as chart renders are (render/chart_renders.py).

A backtest is a pure function of the full weeks it replays, the year and the backtest's own code: a rebuild
after a prose, chart or claims edit reads the stored result instead of refitting every origin (the smoothing
fits and the statsmodels import are most of a year's compute). The key covers the record's values, the year,
metrics/backtest.py's source with the modules it reads (config.py, metrics/weekly.py) and the statsmodels version,
so a stored backtest is never stale.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from tokentrends import config
from tokentrends.files import UNUSED_DAYS, load_stored, prune_unused, save_stored
from tokentrends.metrics import backtest, weekly
from tokentrends.metrics.weekly import full_weeks
from tokentrends.paths import processed_root

BACKTESTS = "backtests"


def backtest_key(totals: pd.DataFrame, year: int | None) -> str:
    record = full_weeks(totals)[["week_start", "report_year", "total_tokens"]].sort_values("week_start")
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(record, index=False).to_numpy().tobytes())
    digest.update(f"{year}|{version('statsmodels')}".encode())
    for module in (backtest, config, weekly):  # the backtest's code and what it reads: its tunables, full weeks
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def stored_backtest(totals: pd.DataFrame, year: int | None = None, store: Path | None = None) -> backtest.Backtest:
    """backtest.run_backtest(totals, year), from the store when computed before, else computed and stored."""
    store = store or processed_root() / BACKTESTS
    path = store / f"{backtest_key(totals, year)}.pickle"
    stored = load_stored(path)
    if stored is not None:
        return stored
    result = backtest.run_backtest(totals, year)
    save_stored(path, result)
    return result


def prune_backtests(store: Path | None = None, days: int = UNUSED_DAYS) -> int:
    """Remove stored backtests no build has used for `days` days; return how many went."""
    return prune_unused(store or processed_root() / BACKTESTS, "*.pickle", days)

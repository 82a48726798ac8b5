"""Backtests kept under what they are computed from, as chart renders are (render/chart_renders.py).

A backtest is a pure function of the full weeks it replays, the year and the backtest's own code: a rebuild
after a prose, chart or claims edit reads the stored result instead of refitting every origin (the smoothing
fits and the statsmodels import are most of a year's compute). The key covers the record's values, the year,
metrics/backtest.py's source with the modules it reads (config.py, metrics/weekly.py) and the versions of
statsmodels, scipy and numpy, so a stored backtest is never stale.

Below the backtests, each origin's ETS forecast (the smoothing fit, all of a backtest's time) is stored on its own
under the points it is fitted on. Every backtest of the archive replays a prefix of the same record (a year's
record is cut at its end, a claim's at its origin), so the years' backtests share their fits: the build fits each
origin once (`fit_every_origin`, under FITTING_LOCK, in its own process or its fitter's) while the years' workers
compute their other sections, and a worker that needs a fit not stored yet waits for it while that lock is held.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tokentrends import config
from tokentrends.files import UNUSED_DAYS, file_lock, load_stored, lock_held, prune_unused, save_stored
from tokentrends.metrics import backtest, weekly
from tokentrends.metrics.weekly import full_weeks
from tokentrends.paths import processed_root
from tokentrends.report.stamp import package_versions

BACKTESTS = "backtests"
FITS = "fits"  # under BACKTESTS: removing the backtests removes their fits too
FITTING_LOCK = "fitting.lock"  # held by the process fitting every origin (the build's own)
FIT_POLL_SECONDS = 0.02


def _store(store: Path | None) -> Path:
    return store or processed_root() / BACKTESTS


def backtest_key(totals: pd.DataFrame, year: int | None) -> str:
    record = full_weeks(totals)[["week_start", "report_year", "total_tokens"]].sort_values("week_start")
    # The year as run_backtest reads it: a claim's record cut at its origin (year None) asks the same backtest as its
    # year's outlook when that origin is the last full week (as when its ledger was written).
    year = backtest.record_year(totals, year)
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(record, index=False).to_numpy().tobytes())
    digest.update(f"{year}|{_fit_libraries()}".encode())
    for module in (backtest, config, weekly):  # the backtest's code and what it reads: its tunables, full weeks
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def stored_backtest(totals: pd.DataFrame, year: int | None = None, store: Path | None = None) -> backtest.Backtest:
    """backtest.run_backtest(totals, year), from the store when computed before, else computed (its fits read from
    the store, see stored_fits) and stored."""
    store = _store(store)
    path = store / f"{backtest_key(totals, year)}.pickle"
    stored = load_stored(path)
    if stored is not None:
        return stored
    result = backtest.run_backtest(totals, year, ets=stored_fits(store))
    save_stored(path, result)
    return result


def backtest_stored(totals: pd.DataFrame, year: int | None = None, store: Path | None = None) -> bool:
    """Whether stored_backtest(totals, year) would read its result from the store (the file is there)."""
    return (_store(store) / f"{backtest_key(totals, year)}.pickle").is_file()


def _fit_libraries() -> str:
    """The libraries a fit's numbers come from: statsmodels' ETS, scipy's optimiser, numpy."""
    return "|".join(f"{name} {v}" for name, v in package_versions(("statsmodels", "scipy", "numpy")).items())


@lru_cache(maxsize=1)
def _fit_code_digest() -> hashlib._Hash:
    """What a fit depends on besides its points, hashed once: the ETS code (metrics/backtest.py) and the
    libraries'."""
    return hashlib.sha256(Path(backtest.__file__).read_bytes() + _fit_libraries().encode())


def fit_path(folder: Path, t: np.ndarray, y: np.ndarray, horizons: np.ndarray) -> Path:
    digest = _fit_code_digest().copy()
    for points in (t, y, horizons):
        digest.update(np.ascontiguousarray(points).tobytes())
    return folder / f"{digest.hexdigest()}.pickle"


def stored_fits(store: Path | None = None) -> backtest.EtsForecast:
    """backtest.ets_damped_forecast, read from the store when fitted before. A fit not stored yet is waited for
    while a build holds FITTING_LOCK (it fits every origin of its record, so of the years it builds), and fitted
    here and stored once the lock is free and the fit is still missing (another record's, or no build fitting)."""
    folder = _store(store) / FITS

    def forecast(t: np.ndarray, y: np.ndarray, horizons: np.ndarray) -> np.ndarray:
        path = fit_path(folder, t, y, horizons)
        while (stored := load_stored(path)) is None and lock_held(folder / FITTING_LOCK):
            time.sleep(FIT_POLL_SECONDS)
        if stored is None:
            stored = load_stored(path)  # stored as the fitter let go of the lock
        if stored is None:
            stored = backtest.ets_damped_forecast(t, y, horizons)
            save_stored(path, stored)
        return stored

    return forecast


def fitting_lock(store: Path | None = None, waiting: Callable[[Path], None] | None = None) -> AbstractContextManager:
    """Held by the process that runs fit_every_origin, from before the workers that read the fits start. `waiting`:
    see file_lock."""
    return file_lock(_store(store) / FITS / FITTING_LOCK, waiting)


def fit_every_origin(totals: pd.DataFrame, store: Path | None = None) -> int:
    """Fit and store every origin of the record of `totals` (every year's weekly totals) not stored yet, oldest
    first (the order the backtests read them); return how many were fitted. The caller holds fitting_lock."""
    folder = _store(store) / FITS
    horizons = backtest.forecast_horizons()
    fitted = 0
    for t, y in backtest.origins(totals):
        path = fit_path(folder, t, y, horizons)
        if load_stored(path) is None:
            save_stored(path, backtest.ets_damped_forecast(t, y, horizons))
            fitted += 1
    return fitted


def prune_backtests(store: Path | None = None, days: int = UNUSED_DAYS) -> int:
    """Remove stored backtests no build has used for `days` days; return how many went."""
    folder = _store(store)
    prune_unused(folder / FITS, "*.pickle", days)
    return prune_unused(folder, "*.pickle", days)

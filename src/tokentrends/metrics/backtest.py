"""Backtested outlook: every simple projection method replayed on the archive, scored, and the best one chosen.

The record is the full weeks (7 days present) of `weekly.weekly_totals`, on the log scale. Time is counted in
calendar weeks, so a partial week is a gap in the record, never a dip: no method fits on it, no forecast is
scored against it, and a fit spanning it knows the gap is a week long.

Rolling origin: every full week from the FIRST_ORIGIN-th full week of the record on is a forecast origin. At
each origin, each method sees only the full weeks up to and including the origin, and forecasts the log total
of the 1..MAX_HORIZON weeks after it. The error of a forecast is log(actual) - log(forecast), so a positive
error means the actual week came in above the projection.

Methods (log tokens y, calendar week t, origin T):
- `naive`: y_T (last week, no growth);
- `drift`: y_T + h * (y_T - y_first) / (T - t_first), the average weekly log growth of the whole record so far;
- `loglinear_<k>`: an OLS line through the last k full weeks, extended; k = 12 is the report's earlier outlook
  (`metrics.outlook`), which counts fitted weeks by position, so it differs only on windows spanning a gap;
- `ets_damped`: additive damped-trend exponential smoothing (statsmodels ETS, A,Ad,N, maximum likelihood) on
  y, the gap weeks filled by linear interpolation of their neighbours (ETS needs an unbroken series);
- `combination`: the mean of the log forecasts of one method per family (naive, drift, loglinear_12,
  ets_damped), fixed before looking at the scores so the combination is not tuned on the record.

Intervals are the record's own: a method's 80% interval at horizon h from origin T is its forecast times
exp(the 10th and 90th percentile of its log errors at horizon h), over only the errors already known at T
(forecasts whose target week is T or earlier). The percentiles are order statistics with the finite-sample
rank rule (lower: the floor(0.1 (n + 1))-th smallest, upper: the ceil(0.9 (n + 1))-th), which covers at least
80% if errors were exchangeable; it needs n >= 9 errors, and before that an origin has no interval. Coverage is
then counted out of sample: a week is inside or not by an interval built without its own error, or any later one.

The outlook's method is the one with the lowest 4-week MAPE over the whole record. That choice sees errors from
after most origins, so `selected_by_record` also remakes it at every origin from the errors known then: its
accuracy (`Backtest.selection_check`) is what choosing by the record would really have delivered.
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from tokentrends import config
from tokentrends.heap import loading_modules
from tokentrends.metrics.weekly import full_weeks

MAX_HORIZON = 13  # forecasts run 1..13 weeks ahead (a quarter); the table reports HORIZONS
HORIZONS = (1, 4, 13)
LOGLINEAR_WINDOWS = tuple(sorted({4, 8, config.FIT_WEEKS}))  # the earlier outlook's window among them
FIRST_ORIGIN = max(LOGLINEAR_WINDOWS) + 1  # the first origin: the longest log-linear window's weeks, plus one
EARLIER_METHOD = f"loglinear_{config.FIT_WEEKS}"  # the outlook this report used before the backtest
COMBINED = ("naive", "drift", EARLIER_METHOD, "ets_damped")
METHODS = ("naive", "drift", *(f"loglinear_{k}" for k in LOGLINEAR_WINDOWS), "ets_damped", "combination")
COVERAGE = 0.8
CHOICE_HORIZON = 4  # the method with the lowest MAPE at this horizon is the outlook

FORECAST_COLUMNS = [
    "origin",
    "method",
    "horizon",
    "target_week",
    "forecast_log",
    "actual_log",
    "log_error",
    "naive_scale",
    "low_log",
    "high_log",
    "inside",
]


def log_record(totals: pd.DataFrame) -> pd.DataFrame:
    """`week_start | t | y`: the full weeks, sorted, with t the calendar week number from the first and y log tokens."""
    full = full_weeks(totals).sort_values("week_start")
    weeks = pd.to_datetime(full["week_start"]).reset_index(drop=True)
    t = ((weeks - weeks.iloc[0]).dt.days // 7).to_numpy(dtype=int) if len(weeks) else np.array([], dtype=int)
    return pd.DataFrame({"week_start": weeks, "t": t, "y": np.log(full["total_tokens"].to_numpy(dtype=float))})


def naive_forecast(t: np.ndarray, y: np.ndarray, horizons: np.ndarray) -> np.ndarray:
    return np.full(len(horizons), y[-1], dtype=float)


def drift_forecast(t: np.ndarray, y: np.ndarray, horizons: np.ndarray) -> np.ndarray:
    slope = (y[-1] - y[0]) / (t[-1] - t[0])
    return y[-1] + slope * horizons


def loglinear_forecast(t: np.ndarray, y: np.ndarray, horizons: np.ndarray, k: int) -> np.ndarray:
    """The OLS line through the last k points (t, y), at t_last + h."""
    slope, intercept = np.polyfit(t[-k:].astype(float), y[-k:], 1)
    return intercept + slope * (t[-1] + horizons)


# An ETS forecaster: (t, y, horizons) -> log forecasts at t_last + horizons. The default fits in this process; the
# report passes one that reads fits stored by another process (report/backtest_store.py).
EtsForecast = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def ets_model() -> type:
    """statsmodels' ETSModel, imported on first use: it takes ~1 s, and only a fit pays for it."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # noqa: PLC0415

    return ETSModel


def load_ets() -> None:
    """Load what a fit needs (statsmodels, scipy's thread pools): ~0.45 s, which the build spends in a process of its
    own while it merges (build.py). Loaded as long-lived modules (heap.py): no collection walks them after, and
    without scipy's docstring tables (scipy_docstrings_as_written)."""
    with loading_modules(), scipy_docstrings_as_written():
        _blas()


@contextmanager
def scipy_docstrings_as_written() -> Iterator[None]:
    """scipy's modules loaded in the block keep their functions' docstrings as written. scipy's `xp_capabilities`
    decorator parses and rewrites the docstring of ~650 functions as scipy.stats loads, to add a table of the array
    libraries each supports (and notes the function for scipy's own test suite); nothing it does changes what a
    function computes. It was 0.27 of the 0.7 core-s statsmodels took to load in the build's fitter (a cold build
    ~0.06 s faster, ABBA). Only while the block runs, so a later import is as scipy made it; a scipy without the
    decorator loads as it is."""
    try:
        from scipy._lib import _array_api  # noqa: PLC0415 (scipy loads with statsmodels, only where a fit is made)
    except ImportError:
        yield
        return
    decorator = getattr(_array_api, "xp_capabilities", None)
    if decorator is None:
        yield
        return
    _array_api.xp_capabilities = _docstring_left_as_written
    try:
        yield
    finally:
        _array_api.xp_capabilities = decorator


def _docstring_left_as_written(**_capabilities: object) -> Callable[[Callable], Callable]:
    return _unchanged


def _unchanged(function: Callable) -> Callable:
    return function


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The thread pools loaded once statsmodels is (scipy brings its own BLAS): a limit set before would miss it."""
    ets_model()
    return ThreadpoolController()


def ets_damped_forecast(t: np.ndarray, y: np.ndarray, horizons: np.ndarray) -> np.ndarray:
    ETSModel = ets_model()  # noqa: N806 (the class)
    calendar = np.arange(t[0], t[-1] + 1)
    series = np.interp(calendar, t, y)  # gap weeks: linear interpolation of the log neighbours
    # One BLAS thread: ETS's optimiser makes thousands of tiny BLAS calls, and with the cores busy (years build
    # in parallel) OpenBLAS's threads made each fit ~15x slower (measured 16 s vs 1.2 s for 77 fits).
    with warnings.catch_warnings(), _blas().limit(limits=1, user_api="blas"):
        # on a short or very smooth series the optimiser may warn about convergence; the backtest scores the
        # forecast it still makes, which is what the report would have shown
        warnings.simplefilter("ignore")
        model = ETSModel(series, error="add", trend="add", damped_trend=True)
        params = model.fit(disp=False, return_params=True)
        _, states = model.smooth(params, return_raw=True)
    return damped_trend_path(states[-1, 0], states[-1, 1], params[model.param_names.index("damping_trend")], horizons)


def damped_trend_path(level: float, trend: float, phi: float, horizons: np.ndarray) -> np.ndarray:
    """The A,Ad,N forecast from the last level and trend: each step the trend is damped (times phi) and added to
    the level. It is fit.forecast's own recursion (ETSResults.simulate with zero errors), step for step, so the
    values are the same to the last bit (a test compares them); the results object forecast() hangs on also
    computes a numerical Hessian for the parameters' standard errors, ~20% of each fit, which nothing here reads."""
    path = np.empty(int(horizons.max()))
    for step in range(len(path)):
        trend = trend * phi
        level = level + trend
        path[step] = level
    return path[horizons - 1]


def forecast_paths(
    t: np.ndarray, y: np.ndarray, horizons: np.ndarray, ets: EtsForecast = ets_damped_forecast
) -> dict[str, np.ndarray]:
    """Every method's log forecasts at t_last + horizons, from the points (t, y) (at least FIRST_ORIGIN)."""
    paths = {"naive": naive_forecast(t, y, horizons), "drift": drift_forecast(t, y, horizons)}
    for k in LOGLINEAR_WINDOWS:
        paths[f"loglinear_{k}"] = loglinear_forecast(t, y, horizons, k)
    paths["ets_damped"] = ets(t, y, horizons)
    paths["combination"] = np.mean([paths[m] for m in COMBINED], axis=0)
    return paths


def naive_scale(t: np.ndarray, y: np.ndarray) -> float:
    """MASE's denominator: the mean absolute one-week log change over consecutive full weeks up to the origin."""
    consecutive = np.diff(t) == 1
    changes = np.abs(np.diff(y))[consecutive]
    return float(changes.mean()) if len(changes) else math.nan


def forecast_horizons(max_horizon: int = MAX_HORIZON) -> np.ndarray:
    """1..max_horizon, the weeks ahead each origin is forecast (a fit's store key includes them)."""
    return np.arange(1, max_horizon + 1)


def origins(totals: pd.DataFrame, first_origin: int = FIRST_ORIGIN) -> list[tuple[np.ndarray, np.ndarray]]:
    """(t, y) of each origin of the record, oldest first: the full weeks up to and including it. A record cut
    earlier (a year's, or one read at an earlier origin) has the same first origins: each is a prefix."""
    return _prefixes(log_record(totals), first_origin)


def _prefixes(weeks: pd.DataFrame, first_origin: int) -> list[tuple[np.ndarray, np.ndarray]]:
    t, y = weeks["t"].to_numpy(), weeks["y"].to_numpy()
    return [(t[:end], y[:end]) for end in range(first_origin, len(weeks) + 1)]


def rolling_forecasts(
    totals: pd.DataFrame,
    max_horizon: int = MAX_HORIZON,
    first_origin: int = FIRST_ORIGIN,
    ets: EtsForecast = ets_damped_forecast,
) -> pd.DataFrame:
    """One row per origin x method x horizon: FORECAST_COLUMNS without the interval.

    `actual_log` and `log_error` are NaN where the target week is not a full week of the record (not yet
    happened, or partial), so the last origin's rows are the projection from the last full week.
    """
    weeks = log_record(totals)
    actual = dict(zip(weeks["t"], weeks["y"], strict=True))
    starts = weeks["week_start"].to_numpy()
    horizons = forecast_horizons(max_horizon)
    ahead = horizons * np.timedelta64(7, "D")
    columns: dict[str, list[np.ndarray]] = {name: [] for name in FORECAST_COLUMNS[:8]}
    for t, y in _prefixes(weeks, first_origin):
        origin = starts[len(t) - 1]
        targets = np.array([actual.get(t[-1] + h, math.nan) for h in horizons], dtype=float)
        paths = forecast_paths(t, y, horizons, ets)
        forecasts = np.concatenate([np.asarray(path, dtype=float) for path in paths.values()])
        n, repeat = len(forecasts), len(paths)
        columns["origin"].append(np.full(n, origin))
        columns["method"].append(np.repeat(np.array(list(paths), dtype=object), len(horizons)))
        columns["horizon"].append(np.tile(horizons, repeat))
        columns["target_week"].append(np.tile(origin + ahead, repeat))
        columns["forecast_log"].append(forecasts)
        actuals = np.tile(targets, repeat)
        columns["actual_log"].append(actuals)
        columns["log_error"].append(actuals - forecasts)
        columns["naive_scale"].append(np.full(n, naive_scale(t, y)))
    if not columns["origin"]:
        return pd.DataFrame([], columns=FORECAST_COLUMNS[:8])
    return pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})


@lru_cache(maxsize=4096)
def interval_ranks(n: int, coverage: float = COVERAGE) -> tuple[int, int] | None:
    """1-based ranks of the lower and upper bounds among n sorted errors, or None when n is too few.

    The finite-sample rule: lower = floor(a (n + 1)), upper = ceil((1 - a) (n + 1)) with a = (1 - coverage) / 2;
    rounding first keeps 0.1 * 10 from landing a hair under 1.
    """
    tail = (1 - coverage) / 2
    lower = math.floor(round(tail * (n + 1), 9))
    upper = math.ceil(round((1 - tail) * (n + 1), 9))
    return (lower, upper) if lower >= 1 and upper <= n else None


def empirical_interval(errors: np.ndarray, coverage: float = COVERAGE) -> tuple[float, float]:
    """(low, high) log-error bounds from past errors by `interval_ranks`; (nan, nan) when too few."""
    errors = np.sort(errors[~np.isnan(errors)])
    ranks = interval_ranks(len(errors), coverage)
    if ranks is None:
        return math.nan, math.nan
    return float(errors[ranks[0] - 1]), float(errors[ranks[1] - 1])


def with_intervals(forecasts: pd.DataFrame, coverage: float = COVERAGE) -> pd.DataFrame:
    """Add `low_log`, `high_log` and `inside` from the errors known at each origin (see the module docstring).

    `inside` is NaN where there is no interval or no actual yet.
    """
    out = forecasts.reset_index(drop=True)  # the index is then each row's position in low and high
    low = np.full(len(out), math.nan)
    high = np.full(len(out), math.nan)
    for _, group in out.groupby(["method", "horizon"], sort=False):
        targets = group["target_week"].to_numpy()
        errors = group["log_error"].to_numpy()
        origins = group["origin"].to_numpy()
        positions = group.index.to_numpy()
        if (np.diff(origins) >= np.timedelta64(0)).all() and (np.diff(targets) >= np.timedelta64(0)).all():
            _known_intervals(targets, errors, origins, positions, low, high, coverage)
            continue
        for position, origin in zip(positions, origins, strict=True):
            known = errors[targets <= origin]  # only forecasts whose week had happened by the origin
            low[position], high[position] = empirical_interval(known, coverage)
    out["low_log"] = out["forecast_log"] + low
    out["high_log"] = out["forecast_log"] + high
    scored = out["actual_log"].notna() & out["low_log"].notna()
    inside = (out["actual_log"] >= out["low_log"]) & (out["actual_log"] <= out["high_log"])
    out["inside"] = inside.astype(float).where(scored)
    return out


def _known_intervals(
    targets: np.ndarray,
    errors: np.ndarray,
    origins: np.ndarray,
    positions: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    coverage: float,
) -> None:
    """empirical_interval of the errors known at each origin, for one method and horizon whose rows run in origin
    order (their targets then too): the known errors only grow, so they are kept sorted as they come instead of
    sorted again at every origin (the same order statistics)."""
    # plain ints and floats: numpy scalars compare ~10x slower, one at a time
    targets, origins = (np.asarray(a, dtype="datetime64[ns]").view("i8").tolist() for a in (targets, origins))
    errors = errors.tolist()
    known: list[float] = []
    taken = 0
    for position, origin in zip(positions.tolist(), origins, strict=True):
        while taken < len(targets) and targets[taken] <= origin:
            if not math.isnan(errors[taken]):
                bisect.insort(known, errors[taken])
            taken += 1
        ranks = interval_ranks(len(known), coverage)
        if ranks is not None:
            low[position], high[position] = known[ranks[0] - 1], known[ranks[1] - 1]


def ape(log_error: pd.Series) -> pd.Series:
    """Absolute percentage error |actual - forecast| / actual from log(actual) - log(forecast)."""
    return (1 - np.exp(-log_error)).abs()


@dataclass(frozen=True)
class Accuracy:
    """One method at one horizon over the backtest's scored weeks (log errors: actual minus forecast)."""

    method: str
    horizon: int
    n: int  # scored forecasts
    mape: float  # mean |actual - forecast| / actual
    mase: float  # mean |log error| / the origin's in-sample one-week naive log change
    log_rmse: float
    bias: float  # mean log error: > 0 when actual weeks came in above the projection
    bias_pct: float  # exp(bias) - 1: the typical actual over projection, minus 1
    bias_direction: str  # "above" or "below": where actual weeks fell against the projection, on average
    share_above: float  # share of scored weeks whose actual was above the projection
    coverage_80: float | None  # share of weeks inside the out-of-sample 80% interval (None: no interval yet)
    coverage_n: int  # weeks with both an interval and an actual


def accuracy(rows: pd.DataFrame, method: str, horizon: int) -> Accuracy:
    """Accuracy of `with_intervals` rows for one method and horizon (rows without an actual are left out)."""
    return scored_accuracy(
        rows[(rows["method"] == method) & (rows["horizon"] == horizon) & rows["actual_log"].notna()], method, horizon
    )


def accuracy_table(rows: pd.DataFrame, methods: tuple[str, ...], horizons: tuple[int, ...]) -> tuple[Accuracy, ...]:
    """`accuracy` of every method at every horizon (methods first), the rows split once instead of once each."""
    scored = dict(iter(rows[rows["actual_log"].notna()].groupby(["method", "horizon"], sort=False)))
    empty = rows.iloc[0:0]
    return tuple(scored_accuracy(scored.get((m, h), empty), m, h) for m in methods for h in horizons)


def scored_accuracy(scored: pd.DataFrame, method: str, horizon: int) -> Accuracy:
    """Accuracy of the rows of one method and horizon that have an actual."""
    error = scored["log_error"]
    covered = scored["inside"].dropna()
    nan = math.nan
    if scored.empty:
        return Accuracy(method, horizon, 0, nan, nan, nan, nan, nan, "", nan, None, 0)
    bias = float(error.mean())
    return Accuracy(
        method=method,
        horizon=horizon,
        n=int(len(scored)),
        mape=float(ape(error).mean()),
        mase=float((error.abs() / scored["naive_scale"]).mean()),
        log_rmse=float(np.sqrt((error**2).mean())),
        bias=bias,
        bias_pct=float(np.expm1(bias)),
        bias_direction="above" if bias > 0 else "below",
        share_above=float((error > 0).mean()),
        coverage_80=float(covered.mean()) if len(covered) else None,
        coverage_n=int(len(covered)),
    )


@dataclass(frozen=True)
class Choice:
    """The outlook's method: the lowest MAPE at `horizon`, with the numbers that make the case."""

    method: str
    horizon: int
    mape: float
    runner_up: str
    runner_up_mape: float
    naive_mape: float
    loglinear_12_mape: float  # the earlier outlook's method
    coverage_80: float | None
    n: int


def choose(table: tuple[Accuracy, ...], horizon: int = CHOICE_HORIZON) -> Choice | None:
    """The method with the lowest MAPE at `horizon` (ties: METHODS order); None when nothing is scored there."""
    at = sorted((a for a in table if a.horizon == horizon and a.n > 0), key=lambda a: (a.mape, METHODS.index(a.method)))
    if not at:
        return None
    by_method = {a.method: a for a in at}
    best = at[0]
    second = at[1] if len(at) > 1 else best
    return Choice(
        method=best.method,
        horizon=horizon,
        mape=best.mape,
        runner_up=second.method,
        runner_up_mape=second.mape,
        naive_mape=by_method["naive"].mape,
        loglinear_12_mape=by_method[EARLIER_METHOD].mape,
        coverage_80=best.coverage_80,
        n=best.n,
    )


SELECTED = "selected_by_record"  # the label of the choice remade at every origin


def selected_by_record(rows: pd.DataFrame, horizon: int = CHOICE_HORIZON) -> pd.DataFrame:
    """`with_intervals` rows of the method the record would have chosen at each origin, labelled SELECTED.

    The choice over the whole record looks at errors that came after most origins; this remakes it at each
    origin from the `horizon`-week errors known then (lowest MAPE, ties in METHODS order), so its accuracy is
    what choosing by the record would really have delivered. Origins before any such error is known are left out.
    """
    scored = rows[(rows["horizon"] == horizon) & rows["actual_log"].notna()].assign(ape=lambda r: ape(r["log_error"]))
    targets = scored["target_week"].to_numpy()
    # Each origin's known errors as one frame ("at": the origin), so one grouping takes every origin's MAPEs
    # (each group's values in the order a grouping of that origin alone would add them).
    at = [(origin, np.flatnonzero(targets <= origin)) for origin in np.sort(rows["origin"].unique())]
    known = scored.iloc[np.concatenate([found for _, found in at] or [np.array([], dtype=int)])].assign(
        at=np.repeat([origin for origin, _ in at], [len(found) for _, found in at])
    )
    picks = []
    for origin, by_method in known.groupby(["at", "method"], sort=False)["ape"].mean().groupby(level="at", sort=False):
        mape = by_method.droplevel("at")
        picks.append((origin, min(mape.index, key=lambda m: (mape[m], METHODS.index(m)))))
    chosen = pd.DataFrame(picks, columns=["origin", "method"]).astype({"origin": rows["origin"].dtype})
    return rows.merge(chosen, on=["origin", "method"]).assign(chosen_method=lambda r: r["method"], method=SELECTED)


def projection_frame(rows: pd.DataFrame, actual: pd.Series | None = None) -> pd.DataFrame:
    """`method | origin | horizon | week_start | projected | low | high | actual` in tokens from `with_intervals` rows.

    `actual` (tokens by week_start, full weeks) fills in the weeks that have happened; NaN otherwise.
    """
    out = pd.DataFrame(
        {
            "method": rows["method"].to_numpy(),
            "origin": rows["origin"].to_numpy(),
            "horizon": rows["horizon"].to_numpy(),
            "week_start": rows["target_week"].to_numpy(),
            "projected": np.exp(rows["forecast_log"].to_numpy()),
            "low": np.exp(rows["low_log"].to_numpy()),
            "high": np.exp(rows["high_log"].to_numpy()),
        }
    )
    out["actual"] = out["week_start"].map(actual) if actual is not None else math.nan
    return out.astype({"actual": float})


@dataclass(frozen=True)
class ScoredOutlook:
    """What one method's projection from an earlier origin got right, on the full weeks that have since happened."""

    method: str
    origin: str
    weeks_compared: int
    mape: float | None
    bias: float | None  # mean log error, > 0 when actual weeks came in above the projection
    bias_direction: str | None
    coverage_80: float | None  # share of compared weeks inside the 80% interval built at the origin


def score_outlook(frame: pd.DataFrame) -> ScoredOutlook:
    """Score one method's `projection_frame` rows against their `actual` column."""
    happened = frame[frame["actual"].notna()]
    origin = pd.Timestamp(frame["origin"].iloc[0]).strftime("%Y-%m-%d")
    if happened.empty:
        return ScoredOutlook(frame["method"].iloc[0], origin, 0, None, None, None, None)
    error = np.log(happened["actual"]) - np.log(happened["projected"])
    banded = happened[happened["low"].notna()]
    inside = (banded["actual"] >= banded["low"]) & (banded["actual"] <= banded["high"])
    return ScoredOutlook(
        method=frame["method"].iloc[0],
        origin=origin,
        weeks_compared=int(len(happened)),
        mape=float(ape(error).mean()),
        bias=float(error.mean()),
        bias_direction="above" if error.mean() > 0 else "below",
        coverage_80=float(inside.mean()) if len(banded) else None,
    )


@dataclass(frozen=True)
class Backtest:
    """The whole backtest of one record: accuracy table, choice, projection and the scored earlier outlook."""

    record_from: str | None  # first and last full week of the record
    record_to: str | None
    origins: int
    table: tuple[Accuracy, ...]  # METHODS x HORIZONS
    choice: Choice | None
    selection_check: tuple[Accuracy, ...]  # per horizon: the choice remade at each origin (`selected_by_record`)
    projection: pd.DataFrame  # the chosen method from the last full week: projection_frame columns
    projection_score: ScoredOutlook | None  # that projection against weeks after the record (a past year's report)
    previous_origin: str | None  # the previous year's last full week
    previous: tuple[ScoredOutlook, ...]  # every method's projection from previous_origin, scored
    previous_projections: pd.DataFrame  # those projections week by week (projection_frame columns)
    forecasts: pd.DataFrame  # every origin x method x horizon (FORECAST_COLUMNS), for checking by hand

    def to_records(self) -> dict:
        """A JSON-ready form (dates as YYYY-MM-DD, NaN as None) for figures.json `analyses.outlook.backtest`."""
        return _jsonable(
            {
                "method_note": {
                    "methods": list(METHODS),
                    "horizons": list(HORIZONS),
                    "first_origin": FIRST_ORIGIN,
                    "combination_of": list(COMBINED),
                    "coverage": COVERAGE,
                    "choice_horizon": CHOICE_HORIZON,
                    "loglinear_windows": list(LOGLINEAR_WINDOWS),
                },
                "record_from": self.record_from,
                "record_to": self.record_to,
                "origins": self.origins,
                "table": [asdict(a) for a in self.table],
                "choice": asdict(self.choice) if self.choice else None,
                "selection_check": [asdict(a) for a in self.selection_check],
                "projection": self.projection.to_dict("records"),
                "projection_score": asdict(self.projection_score) if self.projection_score else None,
                "previous_origin": self.previous_origin,
                "previous": [asdict(s) for s in self.previous],
                "previous_projections": self.previous_projections.to_dict("records"),
            }
        )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def record_year(totals: pd.DataFrame, year: int | None) -> int | None:
    """The year whose record run_backtest replays: `year`, else the last report year of `totals` (None when empty)."""
    if year is not None:
        return year
    return int(totals["report_year"].max()) if len(totals) else None


def run_backtest(totals: pd.DataFrame, year: int | None = None, ets: EtsForecast = ets_damped_forecast) -> Backtest:
    """Backtest the methods on the record through `year` (all of `totals` when None) and choose the outlook.

    `totals` is `weekly.weekly_totals` of every year. The record is the weeks of report years up to `year`, so a
    year's report says what could have been said at its end; weeks after it still fill in the projection's
    `actual`. The earlier outlook scored is the one from the last full week of `year - 1` (of the record's last
    year minus one when `year` is None). `ets` makes the ETS forecasts (the report's reads them from its store).
    """
    totals = totals.assign(week_start=pd.to_datetime(totals["week_start"]))
    year = record_year(totals, year)
    record = totals[totals["report_year"] <= year]
    later = full_weeks(totals).set_index("week_start")["total_tokens"].astype(float)
    weeks = log_record(record)
    rows = rolling_forecasts(record, ets=ets)
    if rows.empty:
        rows = pd.DataFrame(columns=FORECAST_COLUMNS)
    else:
        rows = with_intervals(rows)
    table = accuracy_table(rows, METHODS, HORIZONS) if len(rows) else ()
    choice = choose(table)
    selected = selected_by_record(rows) if len(rows) else rows
    selection_check = accuracy_table(selected, (SELECTED,), HORIZONS) if len(selected) else ()
    empty = projection_frame(rows.iloc[0:0])
    projection, projection_score = empty, None
    if choice is not None:
        last = rows[(rows["origin"] == rows["origin"].max()) & (rows["method"] == choice.method)]
        projection = projection_frame(last, later)
        projection_score = score_outlook(projection)
    previous_weeks = full_weeks(record[record["report_year"] == year - 1])
    previous_origin = previous_weeks["week_start"].max() if len(previous_weeks) else None
    previous_rows = rows[rows["origin"] == previous_origin] if previous_origin is not None else rows.iloc[0:0]
    previous_projections = projection_frame(previous_rows, later) if len(previous_rows) else empty
    previous = tuple(
        score_outlook(previous_projections[previous_projections["method"] == m])
        for m in METHODS
        if len(previous_projections)
    )
    return Backtest(
        record_from=weeks["week_start"].iloc[0].strftime("%Y-%m-%d") if len(weeks) else None,
        record_to=weeks["week_start"].iloc[-1].strftime("%Y-%m-%d") if len(weeks) else None,
        origins=int(rows["origin"].nunique()),
        table=table,
        choice=choice,
        projection=projection,
        selection_check=selection_check,
        projection_score=projection_score,
        previous_origin=previous_origin.strftime("%Y-%m-%d") if len(previous_rows) else None,
        previous=previous,
        previous_projections=previous_projections,
        forecasts=rows,
    )

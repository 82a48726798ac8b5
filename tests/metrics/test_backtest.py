"""The backtested outlook: forecasts, errors and intervals on hand-computed series, then the real archive."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from conftest import prepared_year, small_year
from tokentrends.inputs import prepare
from tokentrends.metrics import backtest, outlook, weekly
from tokentrends.report import claims
from tokentrends.report import ledger as ledgers


def totals_frame(tokens: list[float], start: str = "2025-01-06", partial: tuple[int, ...] = ()) -> pd.DataFrame:
    """`weekly_totals`-like rows: one week per value from `start`; weeks at the `partial` positions have 6 days."""
    weeks = pd.date_range(start, periods=len(tokens), freq="7D")
    return pd.DataFrame(
        {
            "week_start": weeks,
            "report_year": weeks.year,
            "days_present": [6 if i in partial else 7 for i in range(len(tokens))],
            "total_tokens": np.asarray(tokens, dtype="int64"),
        }
    )


# t has a gap (week 3 is missing), so the calendar, not the position, sets the slopes
T, Y, H = np.array([0, 1, 2, 4]), np.array([0.0, 1.0, 3.0, 4.0]), np.array([1, 2])


def test__naive_drift_loglinear__hand_computed():
    assert backtest.naive_forecast(T, Y, H).tolist() == [4.0, 4.0]
    assert backtest.drift_forecast(T, Y, H) == pytest.approx([5.0, 6.0])  # slope (4 - 0) / (4 - 0) weeks
    assert backtest.loglinear_forecast(T, Y, H, k=2) == pytest.approx([4.5, 5.0])  # through (2, 3) and (4, 4)
    # through (1, 1), (2, 3), (4, 4): slope 39/42 = 13/14, intercept 8/3 - 13/14 * 7/3 = 1/2
    assert backtest.loglinear_forecast(T, Y, H, k=3) == pytest.approx([1 / 2 + 13 / 14 * 5, 1 / 2 + 13 / 14 * 6])


def test__naive_scale__consecutive_weeks_only():
    assert backtest.naive_scale(T, Y) == pytest.approx(1.5)  # |1 - 0| and |3 - 1|; 2 -> 4 spans the gap


def test__ets_damped__gap_filled_by_interpolation_and_flat_stays_flat():
    y = np.log(100 * 1.1 ** np.arange(16)) + np.where(np.arange(16) % 2, 0.03, -0.03)
    with_gap = backtest.ets_damped_forecast(np.delete(np.arange(16), 7), np.delete(y, 7), H)
    filled = y.copy()
    filled[7] = (y[6] + y[8]) / 2
    assert with_gap == pytest.approx(backtest.ets_damped_forecast(np.arange(16), filled, H))
    assert backtest.ets_damped_forecast(np.arange(16), np.full(16, 5.0), H) == pytest.approx([5.0, 5.0])


def test__combination__mean_of_one_method_per_family():
    t, y = np.arange(14), np.log(100 * 1.2 ** np.arange(14)) + np.where(np.arange(14) % 3, 0.02, -0.05)
    paths = backtest.forecast_paths(t, y, H)
    assert list(paths) == list(backtest.METHODS)
    # one method per family, written out: the module's own constant would check nothing
    combined = ("naive", "drift", "loglinear_12", "ets_damped")
    assert paths["combination"] == pytest.approx(np.mean([paths[m] for m in combined], axis=0))


def test__rolling_forecasts__origins_errors_and_partial_weeks():
    tokens = [1000 * 2**i for i in range(17)]
    rows = backtest.rolling_forecasts(totals_frame(tokens, partial=(5, 16)), max_horizon=2)
    # 15 full weeks: origins are the 13th, 14th and 15th full weeks (positions 13, 14 and 15)
    assert sorted(rows["origin"].unique()) == list(pd.to_datetime(["2025-04-07", "2025-04-14", "2025-04-21"]))
    assert len(rows) == 3 * len(backtest.METHODS) * 2
    by = rows.set_index(["origin", "method", "horizon"])
    first = pd.Timestamp("2025-04-07")
    assert by.loc[(first, "naive", 1), "forecast_log"] == pytest.approx(math.log(1000 * 2**13))
    assert by.loc[(first, "naive", 1), "log_error"] == pytest.approx(math.log(2))
    assert by.loc[(first, "naive", 2), "log_error"] == pytest.approx(2 * math.log(2))
    for method in ("drift", "loglinear_4", "loglinear_8", "loglinear_12"):  # exact on exact growth, gap or not
        assert by.loc[(first, method, 1), "log_error"] == pytest.approx(0, abs=1e-9)
    assert math.isnan(by.loc[(pd.Timestamp("2025-04-14"), "naive", 2), "actual_log"])  # its target is partial
    assert by.loc[(first, "naive", 1), "naive_scale"] == pytest.approx(math.log(2))


def test__interval_ranks__finite_sample_rule():
    assert backtest.interval_ranks(8) is None
    assert backtest.interval_ranks(9) == (1, 9)
    assert backtest.interval_ranks(10) == (1, 10)  # floor(1.1), ceil(9.9)
    assert backtest.interval_ranks(29) == (3, 27)
    assert backtest.interval_ranks(19, coverage=0.9) == (1, 19)


def test__with_intervals__only_errors_known_at_the_origin():
    origins = pd.date_range("2025-01-06", periods=12, freq="7D")
    errors = np.arange(12) / 10
    rows = pd.DataFrame(
        {
            "origin": origins,
            "method": "naive",
            "horizon": 1,
            "target_week": origins + pd.Timedelta(weeks=1),
            "forecast_log": 10.0,
            "actual_log": 10.0 + errors,
            "log_error": errors,
            "naive_scale": 1.0,
        }
    )
    got = backtest.with_intervals(rows).set_index("origin")
    assert got["low_log"].iloc[:9].isna().all()  # at the 9th origin only 8 errors are known
    # at the 10th origin 9 errors are known (0.0..0.8): the interval is their min..max; its own error 0.9 is outside
    assert got["low_log"].iloc[9] == pytest.approx(10.0) and got["high_log"].iloc[9] == pytest.approx(10.8)
    assert got["inside"].iloc[9] == 0.0
    assert got["high_log"].iloc[11] == pytest.approx(11.0)  # 11 known, ranks (1, 11): 0.0..1.0
    assert got["inside"].iloc[:9].isna().all()


def test__with_intervals__rows_in_any_order_get_the_same_intervals():
    # rows in origin order take the sorted-as-they-come path; shuffled ones the one-origin-at-a-time path
    tokens = list(1e9 * 1.05 ** np.arange(40) * (1 + 0.1 * np.sin(np.arange(40))))
    rows = backtest.rolling_forecasts(totals_frame(tokens, partial=(17,)), max_horizon=3, ets=backtest.naive_forecast)
    ordered = backtest.with_intervals(rows)
    shuffled = backtest.with_intervals(rows.sample(frac=1, random_state=1))
    key = ["origin", "method", "horizon"]
    a = ordered.sort_values(key).reset_index(drop=True)
    b = shuffled.sort_values(key).reset_index(drop=True)
    assert a["low_log"].notna().sum() > 50
    pd.testing.assert_frame_equal(a, b)


def test__accuracy_table__as_accuracy_one_at_a_time():
    tokens = list(1e9 * 1.05 ** np.arange(40) * (1 + 0.1 * np.sin(np.arange(40))))
    rows = backtest.with_intervals(
        backtest.rolling_forecasts(totals_frame(tokens), max_horizon=4, ets=backtest.naive_forecast)
    )
    table = backtest.accuracy_table(rows, (*backtest.METHODS, "nothing"), (1, 4, 13))
    assert table == tuple(backtest.accuracy(rows, m, h) for m in (*backtest.METHODS, "nothing") for h in (1, 4, 13))
    assert table[-1].n == 0 and table[0].n > 20


def test__accuracy__hand_computed():
    rows = pd.DataFrame(
        {
            "method": "drift",
            "horizon": 4,
            "actual_log": [1.0, 1.0, math.nan],
            "log_error": [math.log(2), 0.0, math.nan],
            "naive_scale": [math.log(2)] * 3,
            "inside": [1.0, math.nan, math.nan],
        }
    )
    got = backtest.accuracy(rows, "drift", 4)
    assert got.n == 2
    assert got.mape == pytest.approx(0.25)  # |2 - 1| / 2 and 0
    assert got.mase == pytest.approx(0.5)
    assert got.log_rmse == pytest.approx(math.log(2) / math.sqrt(2))
    assert got.bias == pytest.approx(math.log(2) / 2) and got.bias_pct == pytest.approx(math.sqrt(2) - 1)
    assert got.bias_direction == "above" and got.share_above == 0.5
    assert got.coverage_80 == 1.0 and got.coverage_n == 1
    assert backtest.accuracy(rows, "naive", 4).n == 0


def acc(method: str, horizon: int, mape: float) -> backtest.Accuracy:
    return backtest.Accuracy(method, horizon, 10, mape, 1.0, 0.1, 0.0, 0.0, "below", 0.5, 0.8, 10)


def test__choose__lowest_four_week_mape_ties_in_method_order():
    table = tuple(acc(m, 4, 0.2) for m in backtest.METHODS) + (acc("naive", 1, 0.01),)
    assert backtest.choose(table).method == "naive"  # all tied at 4 weeks: the first method
    table = (*table[:3], acc("loglinear_8", 4, 0.1), *table[4:])
    got = backtest.choose(table)
    assert (got.method, got.mape, got.naive_mape, got.loglinear_12_mape) == ("loglinear_8", 0.1, 0.2, 0.2)
    assert backtest.choose(()) is None


def test__selected_by_record__choice_remade_from_errors_known_at_each_origin():
    origins = pd.date_range("2025-01-06", periods=10, freq="7D")
    errors = {"naive": [0.1] * 10, "drift": [0.5] + [0.0] * 9}
    rows = pd.DataFrame(
        [
            {
                "origin": o,
                "method": m,
                "horizon": 4,
                "target_week": o + pd.Timedelta(weeks=4),
                "actual_log": 1.0,
                "log_error": errors[m][i],
            }
            for i, o in enumerate(origins)
            for m in errors
        ]
    )
    got = backtest.selected_by_record(rows)
    # no 4-week error is known before the 5th origin; drift's mean APE 0.39/k drops below naive's 0.095 at k = 5
    assert got["origin"].tolist() == list(origins[4:])
    assert got["chosen_method"].tolist() == ["naive"] * 4 + ["drift"] * 2
    assert set(got["method"]) == {backtest.SELECTED}
    assert got["log_error"].tolist() == [0.1] * 4 + [0.0] * 2
    assert backtest.selected_by_record(rows.iloc[0:0]).empty  # no rows: no choice, no error


def test__run_backtest__projection_previous_year_and_records():
    rng = np.random.default_rng(7)
    tokens = 1e9 * 1.05 ** np.arange(70) * np.exp(rng.normal(0, 0.05, 70))
    totals = totals_frame(tokens.round(), start="2025-01-06")
    result = backtest.run_backtest(totals)
    assert result.record_from == "2025-01-06" and result.record_to == "2026-05-04" and result.origins == 58
    assert len(result.table) == len(backtest.METHODS) * len(backtest.HORIZONS)
    assert result.choice.method != "naive" and result.choice.mape < result.choice.naive_mape
    assert [a.horizon for a in result.selection_check] == list(backtest.HORIZONS)
    assert result.selection_check[1].n == result.choice.n - 4  # the first four origins know no 4-week error
    projection = result.projection
    assert projection["week_start"].iloc[0] == pd.Timestamp("2026-05-11") and len(projection) == 13
    assert (projection["low"] <= projection["projected"]).all() and (
        projection["projected"] <= projection["high"]
    ).all()
    assert projection["actual"].isna().all() and result.projection_score.weeks_compared == 0
    # 2026 scores the outlook from 2025's last full week; naive's error at h weeks is the growth since
    assert result.previous_origin == "2025-12-29"
    naive = result.previous_projections[result.previous_projections["method"] == "naive"]
    expect = np.mean(np.abs(1 - tokens[51] / tokens[52:65]))
    assert next(s for s in result.previous if s.method == "naive").mape == pytest.approx(expect, rel=1e-6)
    assert naive["week_start"].tolist() == list(pd.date_range("2026-01-05", periods=13, freq="7D"))
    records = json.loads(json.dumps(backtest.run_backtest(totals, year=2025).to_records(), allow_nan=False))
    assert records["record_to"] == "2025-12-29" and records["previous_origin"] is None
    assert records["projection_score"]["weeks_compared"] == 13  # 2025's outlook, scored on 2026's weeks
    assert {"mape", "mase", "log_rmse", "coverage_80", "bias", "n"} <= set(records["table"][0])


def test__run_backtest__too_few_weeks_is_empty_not_an_error():
    result = backtest.run_backtest(totals_frame([100] * 12))
    assert result.choice is None and result.projection.empty and result.origins == 0
    assert json.dumps(result.to_records(), allow_nan=False)


def test__pace_continues_through__verdicts_and_measurable_date():
    def measure(data, month: str, origin: str) -> SimpleNamespace:
        return SimpleNamespace(**ledgers.judge("pace_continues_through", data, {"month": month, "origin": origin}))

    noise = np.exp(np.where(np.arange(52) % 2, 0.05, -0.05))
    tokens = list(7e9 * 1.05 ** np.arange(52) * noise)  # 2025-01-06 to 2025-12-29
    # the outlook from 2025-09-01 (week 34) for the last week starting in November (2025-11-24, week 46)
    early = measure(small_year(tokens[:40]), month="2025-11", origin="2025-09-01")
    assert early.verdict == claims.CANNOT and "measured from 1 Dec 2025" in early.why
    assert early.value["target_week"] == "2025-11-24" and early.value["horizon"] == 12
    projected = early.value["projected"]
    assert early.value["low"] < projected < early.value["high"]
    for week_46, verdict in [
        (projected, claims.SUPPORTED),
        (early.value["high"] * 2, claims.PARTLY),
        (tokens[34] / 2, claims.NOT_SUPPORTED),
    ]:
        got = measure(small_year(tokens[:46] + [week_46] + tokens[47:]), month="2025-11", origin="2025-09-01")
        assert got.verdict == verdict and got.value["projected"] == pytest.approx(projected), (week_46, got)
    assert measure(small_year(tokens), month="2025-11", origin="2026-01-05").verdict == claims.CANNOT
    far = measure(small_year(tokens), month="2025-12", origin="2025-09-01")  # 2025-12-29 is 17 weeks on
    assert far.verdict == claims.CANNOT and "projects 1 to 13" in far.why


# --- the real archive --------------------------------------------------------------------------------------------


@pytest.fixture
def real_totals(shared_data, tmp_path) -> pd.DataFrame:
    processed = prepare.prepare(shared_data, tmp_path, log=lambda *_: None)
    return weekly.weekly_totals(prepare.load_usage(processed))


@pytest.mark.shared
def test__real_origins_recomputed_by_hand(real_totals):
    rows = backtest.rolling_forecasts(real_totals).set_index(["origin", "method", "horizon"])
    full = real_totals[real_totals["days_present"] == 7].set_index("week_start")["total_tokens"]
    first = pd.Timestamp("2025-01-06")  # the first full week (2024-12-30 has 5 days)
    assert sorted(rows.index.get_level_values("origin").unique())[0] == pd.Timestamp("2025-03-31")  # 13th full week
    origin = pd.Timestamp("2026-03-30")
    y0, yo = math.log(full[first]), math.log(full[origin])
    after4 = math.log(full[origin + pd.Timedelta(weeks=4)])
    assert rows.loc[(origin, "naive", 4), "log_error"] == pytest.approx(after4 - yo)
    drift = yo + 4 * (yo - y0) / 64  # 64 calendar weeks from 2025-01-06 to 2026-03-30
    assert rows.loc[(origin, "drift", 4), "forecast_log"] == pytest.approx(drift)
    last12 = full[full.index <= origin].tail(12)
    slope, intercept = np.polyfit(np.arange(12.0), np.log(last12.to_numpy(float)), 1)  # no gap in these weeks
    assert rows.loc[(origin, "loglinear_12", 4), "forecast_log"] == pytest.approx(intercept + slope * 15)
    # 2025-07-21: its last 12 full weeks span the 6-day weeks of 2025-06-09 and 2025-07-14, 14 calendar weeks
    gap_origin = pd.Timestamp("2025-07-21")
    window = full[full.index <= gap_origin].tail(12)
    t = ((window.index - window.index[0]).days // 7).to_numpy(float)
    assert t[-1] == 13
    slope, intercept = np.polyfit(t, np.log(window.to_numpy(float)), 1)
    assert rows.loc[(gap_origin, "loglinear_12", 1), "forecast_log"] == pytest.approx(intercept + slope * 14)
    combined = np.mean(
        [rows.loc[(origin, m, 13), "forecast_log"] for m in ("naive", "drift", "loglinear_12", "ets_damped")]
    )
    assert rows.loc[(origin, "combination", 13), "forecast_log"] == pytest.approx(combined)


@pytest.mark.shared
def test__real_interval_out_of_sample_by_hand(real_totals):
    result = backtest.run_backtest(real_totals)
    rows = result.forecasts
    drift4 = rows[(rows["method"] == "drift") & (rows["horizon"] == 4)]
    origin = pd.Timestamp("2026-06-29")
    known = np.sort(drift4.loc[drift4["target_week"] <= origin, "log_error"].dropna().to_numpy())
    n = len(known)
    low, high = known[math.floor(0.1 * (n + 1)) - 1], known[math.ceil(0.9 * (n + 1)) - 1]
    row = drift4[drift4["origin"] == origin].iloc[0]
    assert row["low_log"] == pytest.approx(row["forecast_log"] + low)
    assert row["high_log"] == pytest.approx(row["forecast_log"] + high)
    assert row["inside"] == float(row["low_log"] <= row["actual_log"] <= row["high_log"])


@pytest.mark.shared
def test__real_issue_measures(real_totals):
    """Issue 13's measures on the whole archive: the chosen method beats naive and today's 12-week log-linear
    at 4 weeks, and its out-of-sample 80% interval covers 70%-90% of the 4-week backtest weeks."""
    result = backtest.run_backtest(real_totals)
    choice = result.choice
    assert choice.horizon == 4
    assert choice.mape < choice.naive_mape and choice.mape < choice.loglinear_12_mape
    assert 0.7 <= choice.coverage_80 <= 0.9, choice
    assert result.record_to == "2026-09-28" and len(result.projection) == 13
    assert result.projection["week_start"].iloc[-1] == pd.Timestamp("2026-12-28")


@pytest.mark.shared
def test__real_previous_outlook_loglinear_12_is_the_old_outlook(real_totals):
    """2026 scores 2025's outlook; the 12-week log-linear from 2025-12-29 is metrics.outlook's projection."""
    result = backtest.run_backtest(real_totals, year=2026)
    assert result.previous_origin == "2025-12-29"
    old, _ = outlook.project_weekly_volume(weekly.in_year(real_totals, 2025), fit_weeks=12, horizon=13)
    ours = result.previous_projections[result.previous_projections["method"] == "loglinear_12"]
    assert ours["projected"].to_numpy() == pytest.approx(old["projected"].to_numpy(), rel=1e-9)
    scored = {s.method: s for s in result.previous}
    assert scored["loglinear_12"].weeks_compared == 13 and scored["loglinear_12"].bias_direction == "above"


@pytest.mark.shared
def test__real_claim_pace_through_december_not_yet_measurable(shared_data, tmp_path):
    data = prepared_year(shared_data, tmp_path, 2026)
    ledger = {c["id"]: c for c in ledgers.evaluate(ledgers.load_ledger(ledgers.ledger_path(2026)), data)}
    pace = ledger["pace-continues-through-december"]
    assert pace["verdict"] == claims.CANNOT
    assert pace["value"]["measurable_from"] == "2027-01-04" and "measured from 4 Jan 2027" in pace["why"]
    assert pace["value"]["horizon"] == 13 and pace["value"]["low"] < pace["value"]["projected"] < pace["value"]["high"]


FIT_IN_A_FRESH_PROCESS = r"""
import json, sys
import numpy as np
from tokentrends.metrics import backtest
if sys.argv[1] == "as-the-build-loads":
    backtest.load_ets()
from scipy import stats
from scipy._lib import _array_api
y = np.log(np.linspace(100.0, 900.0, 30) * (1 + 0.05 * np.sin(np.arange(30))))
forecast = backtest.ets_damped_forecast(np.arange(30), y, np.arange(1, 14))
print(json.dumps({
    "forecast": forecast.tolist(),
    "decorator_back": _array_api.xp_capabilities.__name__ == "xp_capabilities",
    "table_note": "Array API Standard Support" in (stats.ttest_ind.__doc__ or ""),
}))
"""


@pytest.mark.slow
def test__load_ets__scipy_docstrings_as_written_same_fits_decorator_back():
    """The build's fitter loads statsmodels without scipy's docstring tables (load_ets): its fits are the very
    numbers of a plain import, and scipy's decorator is back for whatever loads after. Each side in a fresh
    interpreter, since a module loads once per process."""

    def run(how: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", FIT_IN_A_FRESH_PROCESS, how], capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    built, plain = run("as-the-build-loads"), run("plain")
    assert built["forecast"] == plain["forecast"]  # exactly: the same code computes them
    assert built["decorator_back"] and plain["decorator_back"]
    # The tables were left out where the build loads (the point of it), and are there in a plain import: a scipy
    # that stops decorating makes this fail, and scipy_docstrings_as_written can go.
    assert plain["table_note"] and not built["table_note"]


def test__ets_damped_forecast__is_statsmodels_forecast_to_the_last_bit():
    # The fit's forecast is made from its last states (damped_trend_path) rather than by ETSResults.forecast, whose
    # results object also computes a Hessian nothing reads: the numbers must not move at all.
    rng = np.random.default_rng(11)
    horizons = backtest.forecast_horizons()
    ets = backtest.ets_model()
    for n in (12, 20, 33, 52, 77):
        for _ in range(4):
            y = np.cumsum(rng.normal(0.03, 0.08, n)) + 26.0
            t = np.arange(n)
            t[n // 2 :] += rng.integers(0, 2)  # sometimes a gap week, interpolated as the report does
            got = backtest.ets_damped_forecast(t, y, horizons)
            series = np.interp(np.arange(t[0], t[-1] + 1), t, y)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = ets(series, error="add", trend="add", damped_trend=True).fit(disp=False)
            expected = np.asarray(fit.forecast(int(horizons.max())))[horizons - 1]
            assert np.array_equal(got, expected), (n, got - expected)

"""Outlook: a stated, simple projection of weekly volume, and its score against what happened.

Method: an ordinary least-squares line through log(weekly tokens) of the last `fit_weeks` full weeks,
extended `horizon` weeks; the band is an approximate 95% prediction interval (±BAND_SE residual standard
errors, widened for distance from the fitted weeks). It assumes the recent growth rate simply goes on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokentrends.metrics.weekly import full_weeks

MIN_FIT_WEEKS = 4  # fewer full weeks than this give no projection
BAND_SE = 2.0  # half-width of the band in residual standard errors: about a 95% prediction interval


def project_weekly_volume(totals: pd.DataFrame, fit_weeks: int = 12, horizon: int = 13) -> tuple[pd.DataFrame, dict]:
    """`week_start | projected | low | high` for the `horizon` weeks after the last full week."""
    full = full_weeks(totals).sort_values("week_start").tail(fit_weeks)
    if len(full) < MIN_FIT_WEEKS:
        raise ValueError(f"a projection needs at least {MIN_FIT_WEEKS} full weeks")
    t = np.arange(len(full), dtype=float)
    y = np.log(full["total_tokens"].to_numpy(dtype=float))
    slope, intercept = np.polyfit(t, y, 1)
    residual = y - (intercept + slope * t)
    s = float(np.sqrt((residual**2).sum() / (len(t) - 2)))
    future = np.arange(len(t), len(t) + horizon, dtype=float)
    spread = BAND_SE * s * np.sqrt(1 + 1 / len(t) + (future - t.mean()) ** 2 / ((t - t.mean()) ** 2).sum())
    centre = intercept + slope * future
    weeks = full["week_start"].iloc[-1] + pd.to_timedelta(7 * (future - len(t) + 1), unit="D")
    projection = pd.DataFrame(
        {
            "week_start": weeks,
            "projected": np.exp(centre),
            "low": np.exp(centre - spread),
            "high": np.exp(centre + spread),
        }
    )
    params = {
        "method": "log-linear OLS on full weeks",
        "fit_weeks": int(len(full)),
        "fit_from": full["week_start"].iloc[0].strftime("%Y-%m-%d"),
        "fit_to": full["week_start"].iloc[-1].strftime("%Y-%m-%d"),
        "horizon_weeks": horizon,
        "weekly_growth": float(np.exp(slope) - 1),
        "residual_se_log": s,
        "band_se": BAND_SE,
    }
    return projection, params


def score_projection(projection: pd.DataFrame, totals: pd.DataFrame) -> dict:
    """Compare a projection with the full weeks that have since happened."""
    actual = full_weeks(totals).set_index("week_start")["total_tokens"]
    both = projection[projection["week_start"].isin(actual.index)].copy()
    if both.empty:
        return {"weeks_compared": 0, "mean_abs_pct_error": None, "share_inside_band": None, "bias": None}
    both["actual"] = both["week_start"].map(actual)
    error = both["actual"] / both["projected"] - 1
    inside = (both["actual"] >= both["low"]) & (both["actual"] <= both["high"])
    return {
        "weeks_compared": int(len(both)),
        "mean_abs_pct_error": float(error.abs().mean()),
        "share_inside_band": float(inside.mean()),
        "bias": float(error.mean()),
    }


def actual_for_projection(all_totals: pd.DataFrame, year_weeks: pd.Series, projection: pd.DataFrame) -> pd.DataFrame:
    """The full weeks of the year plus any full weeks the projection already covers (what the chart draws)."""
    full = full_weeks(all_totals)
    keep = full["week_start"].isin(year_weeks) | full["week_start"].isin(projection["week_start"])
    return full[keep].reset_index(drop=True)

"""What the personal sections share: money in words and the week records of figures.json."""

from __future__ import annotations

import math

import pandas as pd


def fmt_usd(value: float | None) -> str:
    """USD to the cent, for pages and tables (figures.json keeps full precision)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def fmt_usd_per_mtok(value: float | None) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"${value:,.2f}"


def quarter_text(quarter: pd.Period) -> str:
    return f"Q{quarter.quarter} {quarter.year}"

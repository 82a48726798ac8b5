"""Number formatting and sentence helpers: one style everywhere, and data text always escaped."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from tokentrends.render.text import display_text as display_text
from tokentrends.render.text import esc as esc
from tokentrends.render.text import sentence as sentence

_UNITS = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]


def fmt_tokens(value: float | int | None) -> str:
    """7_180_000_000_000 -> '7.18T' (three significant figures)."""
    if value is None or pd.isna(value):
        return "n/a"
    if abs(value) >= 1e15:
        return f"{value / 1e12:,.0f}T"  # thousands of trillions read better than an unfamiliar unit
    for scale, unit in _UNITS:
        if abs(value) >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.0f}"


def fmt_multiple(value: float | None) -> str:
    """14.43 -> '14.4x'."""
    return "n/a" if value is None or pd.isna(value) else f"{value:.3g}x" if value < 100 else f"{value:.0f}x"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    """0.2347 -> '23.5%'."""
    return "n/a" if value is None or pd.isna(value) else f"{100 * value:.{digits}f}%"


def fmt_pcts_apart(first: float, second: float, max_digits: int = 3) -> tuple[str, str]:
    """Two shares with the fewest decimals (at least one, at most `max_digits`) that show them apart: a sentence that
    says one is ahead never prints '5.5%' against '5.5%'."""
    digits = 1
    while digits < max_digits and fmt_pct(first, digits) == fmt_pct(second, digits):
        digits += 1
    return fmt_pct(first, digits), fmt_pct(second, digits)


def fmt_usd(value: float | None, digits: int = 3, sign: bool = False) -> str:
    """-0.075 -> '-$0.075'; sign=True writes '+$0.010' for a rise (a change always says which way it went)."""
    if value is None or pd.isna(value):
        return "n/a"
    prefix = "-" if value < 0 else "+" if sign and value > 0 else ""
    return f"{prefix}${abs(value):.{digits}f}"


def fmt_date(value: str | date | datetime | pd.Timestamp | None) -> str:
    """'2025-11-24' -> '24 Nov 2025'."""
    if value is None:
        return "n/a"
    return pd.Timestamp(value).strftime("%-d %b %Y")


def shorten(text: str, limit: int) -> str:
    """'A very long name' -> 'A very lo…' at `limit` characters: a name must never widen a page."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_ISO_TIME = re.compile(r"\b(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


def human_dates(text: str) -> str:
    """'as of 2026-10-11T00:27:00Z' -> 'as of 11 Oct 2026, 00:27 UTC': no raw timestamps for a reader."""

    def one(match: re.Match) -> str:
        zone = " UTC" if match.group(4) in ("Z", "+00:00", "+0000", None) else f" (UTC{match.group(4)})"
        return f"{fmt_date(match.group(1))}, {match.group(2)}:{match.group(3)}{zone}"

    return _ISO_TIME.sub(one, text)


def moved(first: float, last: float) -> str:
    """Which way a quantity went from its first to its last value: 'rose', 'fell' or 'held'."""
    return "rose" if last > first else "fell" if last < first else "held"


def vintage_words(vintage: str) -> str:
    """'prices/2025-03-25' -> 'the price list of 25 Mar 2025', 'models/2026-02-27' -> 'the catalog of 27 Feb 2026':
    a list named for a reader (the vintage id stays in the methodology's table and figures.json)."""
    found = re.search(r"(\d{4}-\d{2}-\d{2})", vintage)
    if not found:
        return vintage
    kind = "catalog" if vintage.startswith("models") else "price list"
    return f"the {kind} of {fmt_date(found.group(1))}"


def week_with_days(week_start: object, days_present: object, days_in_week: int = 7) -> str:
    """'30 Dec 2024, partial: 5 of 7 days', or '6 Jan 2025' for a full week: a week's date with its missing days."""
    partial = pd.notna(days_present) and int(days_present) < days_in_week
    return fmt_date(week_start) + (f", partial: {int(days_present)} of {days_in_week} days" if partial else "")

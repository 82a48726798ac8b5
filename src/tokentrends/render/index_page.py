"""reports/index.html: one card per built year with its one-line summary."""

from __future__ import annotations

import math
from pathlib import Path

from tokentrends.files import read_json, write_atomic
from tokentrends.metrics.weekly import DAYS_IN_WEEK
from tokentrends.render.formatting import esc, fmt_date, fmt_multiple, fmt_tokens, human_dates
from tokentrends.render.html import banner

TEMPLATE_CSS = Path(__file__).resolve().parent / "templates" / "tokentrends" / "report.css"


def year_total(figures: dict) -> int:
    """The year's tokens: the sum of its weekly totals (exact integers)."""
    return sum(int(w["total_tokens"]) for w in figures["weekly"])


def days_held(figures: dict) -> str:
    """' (367 of 371 days in the data)' when the year's weeks miss days (the edges of the year, a day the API
    skipped): the total is of the days the data hold."""
    held = sum(int(w["days_present"]) for w in figures["weekly"])
    days = DAYS_IN_WEEK * len(figures["weekly"])
    return f" ({held:,} of {days:,} days in the data)" if held < days else ""


def year_summary(figures: dict) -> str:
    """One line that adds to the cards, never repeats them: when the peak came and how the year ended."""
    head = figures["headline"]
    if head["first_full_week"] is None:
        return "No full week of data yet."
    peak, last = head["peak_week"], head["last_full_week"]
    text = (
        f"Weekly volume peaked in the week from {fmt_date(peak['week_start'])}; the first full week began "
        f"{fmt_date(head['first_full_week']['week_start'])}."
    )
    if last["week_start"] == peak["week_start"]:
        return text + " The peak is the last full week" + (" so far." if figures.get("is_partial") else ".")
    return text + (
        f" The last full week (from {fmt_date(last['week_start'])}) carried "
        f"{fmt_tokens(last['total_tokens'])}, {fmt_multiple(head['growth_last_over_first'])} the first."
    )


SPARK_WIDTH, SPARK_HEIGHT = 1000, 72  # the line's own units across (it spans the card), and px high


def sparkline(
    values: list[float],
    top: float | None = None,
    bottom: float | None = None,
    weeks: int | None = None,
    width: int = SPARK_WIDTH,
    height: int = SPARK_HEIGHT,
) -> str:
    """An inline SVG line of the weekly totals (no script, no network) on a log scale from `bottom` to `top`,
    shared by every year: one year's level reads against another's (2026's weeks sit ~12x above 2025's) and a
    year's own shape stays visible (on a linear scale to 2026's peak, 2025 was a flat line). A week is as wide in
    every year (`weeks`: the most full weeks of any year), so a year so far is a shorter line. The axis says the
    tokens per week at both ends.

    The line spans the card's width at any screen size: the SVG stretches across (its stroke stays 2 px), and the
    axis labels are text beside it, so they never stretch with it."""
    values = [v for v in values if v > 0]
    if len(values) < 2:
        return ""
    top, bottom = top or max(values), bottom or min(values)
    span = math.log10(top / bottom) if top > bottom else 1.0
    step = width / (max(weeks or 0, len(values)) - 1)  # one width per week for every year: a year so far is shorter

    def y(v: float) -> float:
        return height - 2 - (math.log10(v / bottom) / span) * (height - 6)

    points = " ".join(f"{i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    return (
        '<div class="tt-spark-box" role="img" aria-label="tokens per full week, on a log scale shared by every year">'
        f'<div class="tt-spark-axis" aria-hidden="true"><span>{esc(fmt_tokens(top))}</span>'
        f"<span>{esc(fmt_tokens(bottom))}</span></div>"
        f'<svg class="tt-spark" viewBox="0 0 {width} {height}" preserveAspectRatio="none" height="{height}" '
        f'aria-hidden="true"><polyline fill="none" stroke="#0072B2" stroke-width="2" '
        f'vector-effect="non-scaling-stroke" points="{points}"/></svg></div>'
        '<span class="tt-spark-label">tokens per full week (log scale, the same for every year)</span>'
    )


def full_week_totals(figures: dict) -> list[int]:
    """The year's weekly totals for weeks with all 7 days: a partial week would dip the line for no reason."""
    return [w["total_tokens"] for w in figures["weekly"] if w["days_present"] == DAYS_IN_WEEK]


def headline_numbers(figures: dict) -> str:
    """Cards: the year's total, its peak week, and the growth from the first full week to the peak."""
    head = figures["headline"]
    total = (
        f"tokens in {figures['year']}'s weeks" + (" so far" if figures.get("is_partial") else "") + days_held(figures),
        fmt_tokens(year_total(figures)),
    )
    if head["first_full_week"] is None:
        items = [total]
    else:
        items = [
            total,
            ("peak week", fmt_tokens(head["peak_week"]["total_tokens"])),
            ("peak / first full week", fmt_multiple(head["growth_peak_over_first"])),
        ]
    return (
        '<div class="tt-headline">'
        + "".join(f"<div><b>{esc(v)}</b><span>{esc(k)}</span></div>" for k, v in items)
        + "</div>"
    )


def write_index(reports_dir: str | Path) -> Path:
    reports_dir = Path(reports_dir)
    cards, synthetic, citations, years = [], False, set(), []
    for folder in sorted(
        (p for p in reports_dir.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name)
    ):
        figures = read_figures(folder)
        if figures is not None:  # a damaged or missing figures.json (or report.html): no card, never a crash
            years.append((folder, figures))
    weeks = [v for _, f in years for v in full_week_totals(f) if v > 0]
    top, bottom = max(weeks, default=0), min(weeks, default=0)
    most = max((len(full_week_totals(f)) for _, f in years), default=0)
    for folder, figures in years:
        synthetic |= bool(figures.get("is_synthetic"))
        citations.add(figures["citation"])
        label = (
            f"{figures['year']} so far, through {fmt_date(figures['through_date'])}"
            if figures.get("is_partial")
            else str(figures["year"])
        )
        cards.append(
            f'<div class="tt-card" data-year="{figures["year"]}"><h2><a href="{folder.name}/report.html">'
            f"{esc(label)}</a></h2>{sparkline(full_week_totals(figures), top, bottom, most)}"
            f"{headline_numbers(figures)}<p>{esc(year_summary(figures))}</p></div>"
        )
    warning = banner(synthetic)
    source = (
        "a synthetic sample with fictional models, not OpenRouter's data"
        if synthetic
        else "OpenRouter's public rankings data"
    )
    cites = "".join(f'<p class="tt-citation">{esc(human_dates(c))}. Licence: CC BY 4.0.</p>' for c in sorted(citations))
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>tokentrends: LLM usage on OpenRouter, year by year</title><style>{TEMPLATE_CSS.read_text()}"
        ".tt-card{border:1px solid var(--tt-rule);border-radius:8px;padding:0.4rem 1rem;margin:1rem 0}"
        ".tt-card h2{border:0;margin:0.6rem 0 0.2rem;padding:0}"
        f".tt-spark-box{{display:flex;height:{SPARK_HEIGHT}px;margin:0.3rem 0}}"
        ".tt-spark-axis{display:flex;flex-direction:column;justify-content:space-between;font-size:10px;"
        "line-height:1;color:#555;text-align:right;padding-right:4px;border-right:1px solid #999;min-width:34px}"
        ".tt-spark{display:block;flex:1;min-width:0;width:100%;height:100%}"
        ".tt-spark-label{font-size:0.8rem;color:var(--tt-muted)}"
        # A phone shows the cards two by two: the year's total (the longest label) gets the first row to itself.
        "@media (max-width: 600px){.tt-card .tt-headline div:first-child{grid-column:1/-1}}</style></head>"
        f'<body class="tt-page"><main class="tt-main">{warning}<h1>LLM usage on OpenRouter, year by year</h1>'
        f'<p class="tt-lede">Year-in-Review reports built from {source}.</p>'
        f"{''.join(cards) or '<p>No report has been built yet.</p>'}{cites}</main></body></html>"
    )
    path = reports_dir / "index.html"
    payload = html.encode("utf-8")
    # Atomic (a full disk leaves the old index, never a truncated one); unchanged, not written at all (a
    # read-only reports/ with nothing to rebuild is not an error).
    if not (path.is_file() and path.read_bytes() == payload):
        write_atomic(path, payload)
    return path


def read_figures(folder: Path) -> dict | None:
    """A year's figures.json, or None when it is missing, empty or damaged: that year gets no card, the rest do.
    (A year whose report.html is missing is rebuilt by the build before the index is written.)"""
    try:
        figures = read_json(folder / "figures.json")
    except (OSError, ValueError):
        return None
    needed = ("year", "citation", "headline", "weekly")
    return figures if isinstance(figures, dict) and all(k in figures for k in needed) else None

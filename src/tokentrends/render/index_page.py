"""reports/index.html: one card per built year with its one-line summary."""

from __future__ import annotations

import json
from pathlib import Path

from tokentrends.render.formatting import esc, fmt_date, fmt_multiple, fmt_tokens
from tokentrends.render.html import banner

TEMPLATE_CSS = Path(__file__).resolve().parent / "templates" / "tokentrends" / "report.css"


def year_summary(figures: dict) -> str:
    """One line: peak week and growth, or that no full week exists yet."""
    head = figures["headline"]
    if head["first_full_week"] is None:
        return "No full week of data yet."
    return (f"Peak week {fmt_tokens(head['peak_week']['total_tokens'])} tokens "
            f"(from {fmt_date(head['peak_week']['week_start'])}), {fmt_multiple(head['growth_peak_over_first'])} "
            f"the first full week; last full week {fmt_tokens(head['last_full_week']['total_tokens'])}.")


def sparkline(values: list[float], width: int = 240, height: int = 48) -> str:
    """An inline SVG line of the weekly totals: no script, no network."""
    if len(values) < 2:
        return ""
    top = max(values) or 1
    step = width / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return (f'<svg class="tt-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="weekly tokens"><polyline fill="none" stroke="#0072B2" stroke-width="2" '
            f'points="{points}"/></svg>')


def full_week_totals(figures: dict) -> list[int]:
    """The year's weekly totals for weeks with all 7 days: a partial week would dip the line for no reason."""
    return [w["total_tokens"] for w in figures["weekly"] if w["days_present"] == 7]


def headline_numbers(figures: dict) -> str:
    head = figures["headline"]
    if head["first_full_week"] is None:
        return ""
    items = [("first full week", fmt_tokens(head["first_full_week"]["total_tokens"])),
             ("peak week", fmt_tokens(head["peak_week"]["total_tokens"])),
             ("last full week", fmt_tokens(head["last_full_week"]["total_tokens"])),
             ("peak / first", fmt_multiple(head["growth_peak_over_first"]))]
    return '<div class="tt-headline">' + "".join(f"<div><b>{esc(v)}</b><span>{esc(k)}</span></div>"
                                                 for k, v in items) + "</div>"


def write_index(reports_dir: str | Path) -> Path:
    reports_dir = Path(reports_dir)
    cards, synthetic, citations = [], False, set()
    for folder in sorted((p for p in reports_dir.iterdir() if p.is_dir() and p.name.isdigit()),
                         key=lambda p: int(p.name)):
        if not (folder / "figures.json").exists():
            continue
        figures = json.loads((folder / "figures.json").read_text())
        synthetic |= bool(figures.get("is_synthetic"))
        citations.add(figures["citation"])
        label = (f"{figures['year']} so far, through {fmt_date(figures['through_date'])}"
                 if figures.get("is_partial") else str(figures["year"]))
        cards.append(f'<div class="tt-card" data-year="{figures["year"]}"><h2><a href="{folder.name}/report.html">'
                     f"{esc(label)}</a></h2>{sparkline(full_week_totals(figures))}"
                     f"{headline_numbers(figures)}<p>{esc(year_summary(figures))}</p></div>")
    warning = banner(synthetic)
    cites = "".join(f'<p class="tt-citation">{esc(c)}. Licence: CC BY 4.0.</p>' for c in sorted(citations))
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>tokentrends: LLM usage on OpenRouter, year by year</title><style>{TEMPLATE_CSS.read_text()}"
        ".tt-card{border:1px solid var(--tt-rule);border-radius:8px;padding:0.4rem 1rem;margin:1rem 0}"
        ".tt-card h2{border:0;margin:0.6rem 0 0.2rem;padding:0}</style></head>"
        f'<body class="tt-page"><main class="tt-main">{warning}<h1>LLM usage on OpenRouter, year by year</h1>'
        f'<p class="tt-lede">Year-in-Review reports built from OpenRouter\'s public rankings data.</p>'
        f"{''.join(cards) or '<p>No report has been built yet.</p>'}{cites}</main></body></html>"
    )
    path = reports_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path

"""The year in numbers: first, peak and last full week, and the growth between them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import weekly
from tokentrends.render.formatting import esc, fmt_date, fmt_multiple, fmt_tokens, sentence
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Section


@dataclass(frozen=True)
class Numbers:
    headline: dict  # metrics.weekly.headline_weeks
    weekly: list[dict]  # figures.json `weekly`
    is_partial: bool


def weekly_records(totals: pd.DataFrame, bars: pd.DataFrame) -> list[dict]:
    """`weekly` entries: week_start, days_present, total_tokens, top [{model_permaslug, tokens}], others_tokens."""
    # One pass over the bars (in week and rank order), not two filters of a frame per week.
    top: dict[pd.Timestamp, list[dict]] = {}
    others: dict[pd.Timestamp, int] = {}
    for week, series, tokens in zip(bars["week_start"], bars["series"], bars["tokens"], strict=True):
        if series == weekly.OTHERS:
            others[week] = others.get(week, 0) + int(tokens)
        else:
            top.setdefault(week, []).append({"model_permaslug": series, "tokens": int(tokens)})
    ordered = totals.sort_values("week_start")
    return [
        {
            "week_start": week.strftime("%Y-%m-%d"),
            "days_present": int(days),
            "total_tokens": int(tokens),
            "top": top.get(week, []),
            "others_tokens": others[week],  # every week of the bars has its Others row (top_n_with_others)
        }
        for week, days, tokens in zip(
            ordered["week_start"], ordered["days_present"], ordered["total_tokens"], strict=True
        )
    ]


def compute(context: YearContext) -> Numbers:
    return Numbers(
        context.data.headline, weekly_records(context.data.totals, context.data.bars), context.span["is_partial"]
    )


def headline_cards(headline: dict) -> str:
    """The year in numbers, as cards; data-figure attributes (space-separated keys) let the browser test compare
    with figures.json. Where two measures are one number (the peak was the last full week) they share a card."""
    if headline["first_full_week"] is None:
        return "<p>No full week in this year yet.</p>"
    first, peak, last = headline["first_full_week"], headline["peak_week"], headline["last_full_week"]
    cards = [
        ("first_full_week", fmt_tokens(first["total_tokens"]), f"first full week ({fmt_date(first['week_start'])})")
    ]
    if peak["week_start"] == last["week_start"]:
        cards.append(
            (
                "peak_week last_full_week",
                fmt_tokens(peak["total_tokens"]),
                f"peak and last full week ({fmt_date(peak['week_start'])})",
            )
        )
        cards.append(
            (
                "growth_peak_over_first growth_last_over_first",
                fmt_multiple(headline["growth_peak_over_first"]),
                "peak (and last) over first week",
            )
        )
    else:
        cards += [
            ("peak_week", fmt_tokens(peak["total_tokens"]), f"peak week ({fmt_date(peak['week_start'])})"),
            ("last_full_week", fmt_tokens(last["total_tokens"]), f"last full week ({fmt_date(last['week_start'])})"),
            ("growth_peak_over_first", fmt_multiple(headline["growth_peak_over_first"]), "peak over first week"),
            ("growth_last_over_first", fmt_multiple(headline["growth_last_over_first"]), "last over first week"),
        ]
    body = "".join(
        f'<div data-figure="{key}"><b>{esc(value)}</b><span>{esc(label)}</span></div>' for key, value, label in cards
    )
    return f'<div class="tt-headline">{body}</div>'


def headline_sentence(headline: dict, year: int, is_partial: bool) -> str:
    if headline["first_full_week"] is None:
        return "<p>There is no full week of data in this year yet.</p>"
    first, peak, last = headline["first_full_week"], headline["peak_week"], headline["last_full_week"]
    closing = "so far" if is_partial else "at the end of the year"
    if peak["week_start"] == last["week_start"]:
        return sentence(
            "<p>In the first full week of {year} (from {first_date}) OpenRouter carried <b>{first}</b> tokens. "
            "The last full week {closing} (from {last_date}) was also the busiest: <b>{last}</b>, <b>{growth_last}</b> "
            "the first.</p>",
            year=year,
            first_date=fmt_date(first["week_start"]),
            first=fmt_tokens(first["total_tokens"]),
            closing=closing,
            last_date=fmt_date(last["week_start"]),
            last=fmt_tokens(last["total_tokens"]),
            growth_last=fmt_multiple(headline["growth_last_over_first"]),
        )
    return sentence(
        "<p>In the first full week of {year} (from {first_date}) OpenRouter carried <b>{first}</b> tokens. "
        "Weekly volume peaked at <b>{peak}</b> in the week from {peak_date}, <b>{growth_peak}</b> the first "
        "full week. The last full week {closing} (from {last_date}) carried <b>{last}</b>, "
        "<b>{growth_last}</b> the first.</p>",
        year=year,
        first_date=fmt_date(first["week_start"]),
        first=fmt_tokens(first["total_tokens"]),
        peak=fmt_tokens(peak["total_tokens"]),
        peak_date=fmt_date(peak["week_start"]),
        growth_peak=fmt_multiple(headline["growth_peak_over_first"]),
        closing=closing,
        last_date=fmt_date(last["week_start"]),
        last=fmt_tokens(last["total_tokens"]),
        growth_last=fmt_multiple(headline["growth_last_over_first"]),
    )


def blocks(context: YearContext, numbers: Numbers) -> list[Block]:
    return [headline_cards(numbers.headline), headline_sentence(numbers.headline, context.year, numbers.is_partial)]


def figures(context: YearContext, numbers: Numbers) -> dict:
    return {"weekly": numbers.weekly, "headline": numbers.headline}


SECTION = Section("numbers", "The year in numbers", compute, blocks, figures)

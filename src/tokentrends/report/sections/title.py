"""The page's first screen: the title naming the review checked and what happened in a few computed takeaways (the
main chart and the contents list follow: sections/main_chart.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends import config
from tokentrends.metrics import weekly
from tokentrends.render.formatting import esc, fmt_date, fmt_multiple, fmt_pct, fmt_pcts_apart, fmt_tokens, moved
from tokentrends.render.html import banner
from tokentrends.report.claims import VERDICTS
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Section, no_figures
from tokentrends.report.sections.claims import SECTION as CLAIMS

RANKINGS_URL = "https://openrouter.ai/rankings"


@dataclass(frozen=True)
class Title:
    year: int
    is_partial: bool
    through_date: str
    as_of: str
    is_synthetic: bool
    years: list[int]  # every year the data cover: the neighbouring pages
    takeaways: list[str]  # HTML sentences, every value escaped


def growth_takeaway(headline: dict, is_partial: bool) -> str | None:
    first, peak, last = headline["first_full_week"], headline["peak_week"], headline["last_full_week"]
    if first is None:
        return None
    text = (
        f"Weekly volume {moved(first['total_tokens'], last['total_tokens'])} from "
        f"<b>{esc(fmt_tokens(first['total_tokens']))}</b> tokens (week of "
        f"{esc(fmt_date(first['week_start']))}) to <b>{esc(fmt_tokens(last['total_tokens']))}</b> (week of "
        f"{esc(fmt_date(last['week_start']))}{', the last full week so far' if is_partial else ''}): "
        f"<b>{esc(fmt_multiple(headline['growth_last_over_first']))}</b>"
    )
    if peak["week_start"] != last["week_start"]:
        text += (
            f"; it peaked at {esc(fmt_tokens(peak['total_tokens']))} in the week of {esc(fmt_date(peak['week_start']))}"
        )
    return text + "."


def previous_year_takeaway(context: YearContext) -> str | None:
    """The year's full weeks against the same weeks of the year before (by week of the year)."""
    totals = weekly.full_weeks(context.data.all_totals)
    now = totals[totals["report_year"] == context.year]
    before = totals[totals["report_year"] == context.year - 1]
    if now.empty or before.empty:
        return None
    week_of_year = now["week_start"].dt.isocalendar().week.astype(int)
    same = before[before["week_start"].dt.isocalendar().week.astype(int).isin(week_of_year)]
    if same.empty:
        return None
    ratio = now["total_tokens"].sum() / same["total_tokens"].sum()
    return (
        f"The year's {len(now)} full weeks carried <b>{esc(fmt_multiple(ratio))}</b> the tokens of the same "
        f"weeks of {context.year - 1} ({esc(fmt_tokens(int(now['total_tokens'].sum())))} against "
        f"{esc(fmt_tokens(int(same['total_tokens'].sum())))})."
    )


NARROW_LEAD = 0.005  # a lead under half a point of share is "just ahead"


def leader_takeaway(context: YearContext) -> str | None:
    top = context.results["leaders"].top_models
    if top.empty:
        return None
    slug, share = top["model_permaslug"].iloc[0], float(top["share"].iloc[0])
    shown, close = fmt_pct(share), ""
    if len(top) > 1 and share - float(top["share"].iloc[1]) < NARROW_LEAD:
        # A narrow lead is said, with the runner-up's share, in as many decimals as it takes to show it.
        shown, runner_up = fmt_pcts_apart(share, float(top["share"].iloc[1]))
        close = f", just ahead of {esc(context.name(top['model_permaslug'].iloc[1]))} ({esc(runner_up)})"
    return (
        f"The year's largest model was <b>{esc(context.name(slug))}</b> with "
        f"{esc(shown)} of the named models' tokens{close}."
    )


def shift_takeaway(context: YearContext) -> str | None:
    split = pd.Timestamp(year=context.year, month=config.SECOND_HALF_MONTH, day=1)
    gain = context.results["disruptors"].steepest_gain  # a classified lab whose share rose, if any
    if gain is None:
        return None
    return (
        f"The biggest shift: <b>{esc(gain['lab'])}</b> rose from {esc(fmt_pct(gain['share_before']))} of tokens "
        f"before {esc(fmt_date(split))} to {esc(fmt_pct(gain['share_after']))} after."
    )


MIN_CLASSIFIED = 0.5  # below this share of tokens with a known openness and origin, the takeaway says nothing


def openness_takeaway(context: YearContext) -> str | None:
    """Open-weights and Chinese shares, with their coverage when it is partial; nothing when most tokens are of
    models whose openness or origin is unknown (a share of the known few would mislead on the first screen)."""
    if context.rows.empty:
        return None
    coverage = context.results["method"].coverage
    known = {a: coverage[a]["token_share"] for a in ("open_weights", "origin")}
    if min(known.values()) < MIN_CLASSIFIED:
        return None
    shares = context.results["groups"].shares_year
    open_share, china = shares["open_weights"].get("true", 0.0), shares["origin"].get("China", 0.0)
    # Each share with its own attribute's coverage: openness and origin are known for different models.
    by = {"open_weights": "openness", "origin": "origin"}
    partial = {a: f" ({esc(fmt_pct(k))} classified by {by[a]})" if k < 0.995 else "" for a, k in known.items()}
    return (
        f"Open-weights models took <b>{esc(fmt_pct(open_share))}</b> of the named models' tokens"
        f"{partial['open_weights']}, and models from Chinese labs <b>{esc(fmt_pct(china))}</b>{partial['origin']}."
    )


def verdicts_takeaway(context: YearContext) -> str | None:
    verdicts = [c["verdict"] for c in context.results["claims"].verdicts]
    if not verdicts:
        return None
    counts = pd.Series(verdicts).value_counts()
    parts = ", ".join(f"{int(counts[v])} {v}" for v in VERDICTS if v in counts)
    return (
        f"Of the review's {len(verdicts)} claims checked below: {esc(parts)} "
        f'(<a href="#{esc(CLAIMS.anchor)}">the ledger</a>).'
    )


def compute(context: YearContext) -> Title:
    takeaways = [
        t
        for t in (
            growth_takeaway(context.data.headline, context.span["is_partial"]),
            previous_year_takeaway(context),
            leader_takeaway(context),
            shift_takeaway(context),
            openness_takeaway(context),
            verdicts_takeaway(context),
        )
        if t
    ]
    return Title(
        context.year,
        context.span["is_partial"],
        context.span["through_date"],
        context.manifest["as_of"],
        context.manifest["is_synthetic"],
        sorted(int(y) for y in context.data.all_totals["report_year"].unique()),  # every year, for the links
        takeaways,
    )


def page_links(title: Title) -> str:
    """The index and the neighbouring years' pages (report folders sit side by side)."""
    links = ['<a href="../index.html">All years</a>']
    links += [f'<a href="../{y}/report.html">{y}</a>' for y in (title.year - 1, title.year + 1) if y in title.years]
    return f'<nav class="tt-links">{" · ".join(links)}</nav>'


def lede(context: YearContext, title: Title) -> str:
    review = context.ledger.source
    if review and context.ledger.source_url:
        review = f'<a href="{esc(context.ledger.source_url)}">{esc(review)}</a>'
    else:
        review = esc(review)
    checked = f" The claims checked below come from {review}." if review else ""
    source = (
        "a synthetic sample with fictional models, not OpenRouter's data"
        if title.is_synthetic
        else f'OpenRouter\'s public data (<a href="{RANKINGS_URL}">openrouter.ai/rankings</a>'
        f", as of {esc(fmt_date(title.as_of))})"
    )
    return (
        f'<p class="tt-lede">How many tokens the world sent through OpenRouter each week, and to which models, '
        f"from {source}.{checked}</p>"
    )


def blocks(context: YearContext, title: Title) -> list[Block]:
    heading = (
        f"<h1>LLM usage on OpenRouter: {title.year} in review"
        + (f", so far (through {esc(fmt_date(title.through_date))})" if title.is_partial else "")
        + "</h1>"
    )
    items = "".join(f"<li>{t}</li>" for t in title.takeaways)
    return [
        banner(title.is_synthetic) + page_links(title) + heading + lede(context, title),
        f'<ul class="tt-takeaways" aria-label="What happened">{items}</ul>' if items else "",
    ]


SECTION = Section(
    "title", None, compute, blocks, no_figures, needs=("leaders", "disruptors", "claims", "groups", "method")
)

"""The personal page's head: whose page it is not, that it is private, the title and the contents."""

from __future__ import annotations

from dataclasses import dataclass

from tokentrends.render.formatting import esc, fmt_date, sentence
from tokentrends.render.html import banner, contents
from tokentrends.report.personal.context import PersonalContext
from tokentrends.report.section import Block, Section

PRIVATE_NOTICE = (
    "PRIVATE REPORT: built from your own OpenRouter activity. It is not published, the public index "
    "does not list it, and it shows no key hash and no user id. Share it only on purpose."
)


@dataclass(frozen=True)
class Title:
    year: int
    is_partial: bool
    through_date: str
    as_of: str
    is_synthetic: bool  # your activity or the market is synthetic: the banner
    team_is_synthetic: bool  # your activity is the synthetic team


def compute(context: PersonalContext) -> Title:
    return Title(
        context.year,
        context.span["is_partial"],
        context.span["through_date"],
        context.manifest["as_of"],
        context.is_synthetic,
        context.archive.is_synthetic,
    )


def blocks(context: PersonalContext, title: Title) -> list[Block]:
    notice = f'<div class="tt-banner tt-private" role="note" data-private="true">{esc(PRIVATE_NOTICE)}</div>'
    heading = (
        f"<h1>Your year on OpenRouter: {title.year}"
        + (f", so far (through {esc(fmt_date(title.through_date))})" if title.is_partial else "")
        + "</h1>"
    )
    lede = sentence(
        '<p class="tt-lede">Your tokens, models, prices and habits next to everyone else\'s on OpenRouter. '
        "Your activity as of {as_of}.</p>",
        as_of=title.as_of,
    )
    synthetic = (
        '<p class="tt-lede"><b>This is the synthetic team</b>: a fictional team in the synthetic market. For your '
        "own year: <code>make fetch-activity</code> (or <code>make add-activity</code>), then "
        "<code>make report-you</code>.</p>"
        if title.team_is_synthetic
        else ""
    )
    return [banner(title.is_synthetic) + notice + heading + lede + synthetic, contents(list(context.contents))]


def figures(context: PersonalContext, title: Title) -> dict:
    return {"private": True}


SECTION = Section("title", None, compute, blocks, figures)

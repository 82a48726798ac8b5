"""The page's head: the title, what the page is, and the contents list (from the registry)."""

from __future__ import annotations

from dataclasses import dataclass

from tokentrends.render.formatting import esc, fmt_date, sentence
from tokentrends.render.html import banner, contents
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Section, no_figures


@dataclass(frozen=True)
class Title:
    year: int
    is_partial: bool
    through_date: str
    as_of: str
    is_synthetic: bool


def compute(context: YearContext) -> Title:
    return Title(context.year, context.span["is_partial"], context.span["through_date"], context.manifest["as_of"],
                 context.manifest["is_synthetic"])


def blocks(context: YearContext, title: Title) -> list[Block]:
    heading = (f"<h1>LLM usage on OpenRouter: {title.year} in review"
               + (f", so far (through {esc(fmt_date(title.through_date))})" if title.is_partial else "") + "</h1>")
    lede = sentence('<p class="tt-lede">How many tokens the world sent through OpenRouter each week, and to which '
                    "models. Data as of {as_of}.</p>", as_of=title.as_of)
    return [banner(title.is_synthetic) + heading + lede, contents(list(context.contents))]


SECTION = Section("title", None, compute, blocks, no_figures)

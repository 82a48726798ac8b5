"""What a section of a year's report is: a title, a computation, its blocks (sentences and charts) and its
part of figures.json. The registry in report/sections/ lists them in page order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from tokentrends.render.html import heading_id


@dataclass(frozen=True)
class Chart:
    """A chart as a section hands it to the page: its file name, the altair chart and the data behind it (CSV)."""

    name: str
    chart: alt.TopLevelMixin
    data: pd.DataFrame


Block = str | Chart  # an HTML fragment (escaped by its section) or a chart


@dataclass(frozen=True)
class Section:
    """One part of the page.

    compute(context) -> a small record of numbers (a dataclass), computed once per year;
    blocks(context, result) -> the section's sentences and charts, in page order;
    figures(context, result) -> its part of figures.json: top-level keys, or {"analyses": {...}}.
    title None: the section has no heading and is not in the contents (the page's title block).
    needs: the sections whose records compute() reads from context.results (computed before it, whatever the
    page order), so a summary never computes a number twice.
    late: computed after every section it can be (those that need it come later still): it reads the backtest,
    whose fits the build makes in another process while the other sections are computed.
    """

    name: str
    title: str | None
    compute: Callable[[Any], Any]
    blocks: Callable[[Any, Any], list[Block]]
    figures: Callable[[Any, Any], dict]
    needs: tuple[str, ...] = ()
    late: bool = False

    @property
    def anchor(self) -> str | None:
        return heading_id(self.title) if self.title else None


def no_figures(context: Any, result: Any) -> dict:
    """For sections whose numbers are all in figures.json already under another section's key."""
    return {}

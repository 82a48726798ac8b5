"""The page's main chart, under the title's takeaways: each week's largest models and Others, then the contents
list (from the registry). A section of its own, without a heading, because it reads nothing the takeaways read: the
build renders it among the first sections, where the takeaways wait for the claims, and so for the backtest's fits."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.render.charts import weekly_stack_chart
from tokentrends.render.html import contents
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section, no_figures


@dataclass(frozen=True)
class MainChart:
    title: str
    bars: pd.DataFrame  # each week's top models and Others: what the chart draws, and its CSV


def compute(context: YearContext) -> MainChart:
    return MainChart(f"Weekly tokens, top {context.top_n} models and Others, {context.label}", context.data.bars)


def blocks(context: YearContext, chart: MainChart) -> list[Block]:
    drawn = weekly_stack_chart(chart.bars, chart.title, context.note, models=context.data.models)
    return [Chart("weekly-top-models", drawn, chart.bars), contents(list(context.contents))]


SECTION = Section("main_chart", None, compute, blocks, no_figures)

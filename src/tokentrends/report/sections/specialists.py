"""Specialists: how steady the watched families' shares were, and which weeks spiked."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends import config
from tokentrends.metrics import specialists
from tokentrends.render.formatting import esc, fmt_date, fmt_pct, sentence
from tokentrends.render.html import table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Section


@dataclass(frozen=True)
class Specialists:
    stability: pd.DataFrame  # family | weeks | mean_share | cv, steadiest first
    spikes: pd.DataFrame
    k: float


def compute(context: YearContext) -> Specialists:
    series = context.results["leaders"].watch_series  # the watched families' weekly shares, computed once
    return Specialists(
        stability=specialists.stability(series, "family").sort_values("cv").reset_index(drop=True),
        spikes=specialists.spikes(series, "family", k=config.SPIKE_K),
        k=config.SPIKE_K,
    )


def specialists_text(result: Specialists) -> str:
    rows = result.stability.assign(
        mean_share=result.stability["mean_share"].map(fmt_pct), cv=result.stability["cv"].map(lambda v: f"{v:.2f}")
    )
    text = sentence(
        "<p>Steadiness is the coefficient of variation (CV) of a family's weekly share over the weeks it "
        "was present: lower is steadier. A spike is a week whose share jumped by more than {k} standard "
        "deviations of the family's own week-over-week changes.</p>",
        k=f"{result.k:g}",
    )
    text += table(rows.rename(columns={"mean_share": "mean share", "cv": "CV"}), numeric=("weeks", "mean share", "CV"))
    spikes = result.spikes
    if len(spikes):
        text += (
            "<p>Spikes: "
            + esc(
                "; ".join(
                    f"{f} in the week from {fmt_date(w)} (+{c * 100:.1f} points)"
                    for f, w, c in zip(spikes["family"], spikes["week_start"], spikes["change"], strict=True)
                )
            )
            + ".</p>"
        )
    return text


def blocks(context: YearContext, result: Specialists) -> list[Block]:
    return [specialists_text(result)]


def figures(context: YearContext, result: Specialists) -> dict:
    return {
        "analyses": {
            "specialists": to_jsonable({"stability": result.stability, "spikes": result.spikes, "k": result.k})
        }
    }


SECTION = Section("specialists", "Specialists", compute, blocks, figures, needs=("leaders",))

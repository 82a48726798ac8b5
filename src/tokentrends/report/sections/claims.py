"""The review's claims, checked: the ledger's verdicts with their numbers and one sentence of why."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.render.formatting import esc, sentence
from tokentrends.report.ledger import evaluate
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Section

VERDICT_CLASS = {"supported": "ok", "partly": "partly", "not supported": "no", "cannot be measured": "na"}


@dataclass(frozen=True)
class Claims:
    verdicts: list[dict]  # [{id, claim, measure, value, verdict, why}]


def compute(context: YearContext) -> Claims:
    return Claims(evaluate(context.ledger, context.data))


def claims_summary(ledger: list[dict]) -> str:
    counts = pd.Series([c["verdict"] for c in ledger]).value_counts()
    parts = ", ".join(f"{int(counts[v])} {v}" for v in VERDICT_CLASS if v in counts)
    return sentence(
        "<p>{n} claims checked against the data: {parts}. Each claim's thresholds are "
        "stated in how it is measured (click its why).</p>",
        n=len(ledger),
        parts=parts,
    )


def claims_table(ledger: list[dict]) -> str:
    """The ledger as a compact table: the claim and its verdict, the why (with how it was measured) one click away.
    Verdicts carry a class for styling and a data attribute for tests."""
    if not ledger:
        return "<p>No claims ledger for this year.</p>"
    rows = "".join(
        f'<tr data-claim="{esc(c["id"])}"><td>{esc(c["claim"])}</td>'
        f'<td class="tt-verdict tt-{VERDICT_CLASS[c["verdict"]]}">{esc(c["verdict"])}</td>'
        f"<td><details><summary>{esc(c['why'][:1].upper() + c['why'][1:])}</summary>"
        f'<p class="tt-caption">Measured as: {esc(c["measure"])}.</p></details></td></tr>'
        for c in ledger
    )
    return (
        '<div class="tt-table"><table class="tt-claims"><thead><tr><th>Claim</th><th>Verdict</th>'
        f"<th>Why (click for how it is measured)</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def blocks(context: YearContext, claims: Claims) -> list[Block]:
    return [claims_summary(claims.verdicts) if claims.verdicts else "", claims_table(claims.verdicts)]


def figures(context: YearContext, claims: Claims) -> dict:
    return {"claims": claims.verdicts}


SECTION = Section("claims", "The review's claims, checked", compute, blocks, figures, late=True)  # reads the backtest

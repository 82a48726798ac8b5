"""A year's claims ledger as data: data/claims/<year>.yaml (the review checked, its claims, the families the story
follows and the labs the disruptors section follows). Every problem names the file and the claim."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tokentrends import config
from tokentrends.errors import InputError
from tokentrends.paths import claims_ledger_path
from tokentrends.report.claim_words import WORDS
from tokentrends.report.claims import MEASURES, VERDICTS

if TYPE_CHECKING:  # the model imports this module
    from tokentrends.report.model import YearData


@dataclass(frozen=True)
class Ledger:
    source: str = ""  # the review whose claims are checked, in words
    source_url: str = ""  # where to read it, when it is published
    claims: list[dict] = field(default_factory=list)
    watch: list[str] = field(default_factory=list)  # families the story follows (empty: the year's largest)
    disruptors: list[str] = field(default_factory=lambda: list(config.DISRUPTOR_LABS))
    path: str = ""


def ledger_path(year: int) -> Path:
    return claims_ledger_path(year)


def load_ledger(path: str | Path) -> Ledger:
    """Read and check a claims ledger."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML: {exc}") from None
    claims = (doc or {}).get("claims") if isinstance(doc, dict) else None
    if not isinstance(claims, list):
        raise InputError(path, "expected a mapping with a 'claims' list")
    seen = set()
    for i, claim in enumerate(claims):
        if not isinstance(claim, dict) or not {"id", "claim", "measure"} <= set(claim):
            raise InputError(path, f"claim {i + 1} needs id, claim and measure")
        if claim["measure"] not in MEASURES:
            raise InputError(path, f"claim {claim['id']!r}: unknown measure {claim['measure']!r}")
        if claim["id"] in seen:
            raise InputError(path, f"claim id {claim['id']!r} is used twice")
        seen.add(claim["id"])
    for key in ("watch", "disruptors"):
        if key in doc and not (isinstance(doc[key], list) and all(isinstance(v, str) for v in doc[key])):
            raise InputError(path, f"'{key}' must be a list of names")
    return Ledger(
        source=str(doc.get("source") or ""),
        source_url=str(doc.get("source_url") or ""),
        claims=claims,
        watch=list(doc.get("watch") or []),
        disruptors=list(doc.get("disruptors") or config.DISRUPTOR_LABS),
        path=str(path),
    )


def read_ledger(year: int) -> Ledger:
    """The year's ledger, or an empty one when the year has none."""
    path = ledger_path(year)
    return load_ledger(path) if path.exists() else Ledger()


def with_defaults(name: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The claim's params with the measure's defaults filled in, so the words state the thresholds used."""
    signature = inspect.signature(MEASURES[name])
    defaults = {k: p.default for k, p in signature.parameters.items() if p.default is not inspect.Parameter.empty}
    return {**defaults, **(params or {})}


def judge(name: str, data: YearData, params: Mapping[str, Any] | None = None) -> dict:
    """One measure on the year's data, with its words: {measure, value, verdict, why} (measure: how, in words)."""
    params = with_defaults(name, params)
    result = MEASURES[name](data, **params)
    if result.verdict not in VERDICTS:
        raise ValueError(f"measure {name} returned an unknown verdict {result.verdict!r}")
    wording = WORDS[name](result, **params)
    return {"measure": wording.measured_as, "value": result.value, "verdict": result.verdict, "why": wording.why}


def evaluate(ledger: Ledger, data: YearData) -> list[dict]:
    """The verdicts: [{id, claim, measure, value, verdict, why}]."""
    return [
        {"id": claim["id"], "claim": claim["claim"], **judge(claim["measure"], data, claim.get("params"))}
        for claim in ledger.claims
    ]

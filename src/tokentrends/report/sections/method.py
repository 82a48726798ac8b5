"""Methodology and provenance: the source and its caveats, top-50 coverage, how much the model reference
classifies, every vintage with its sha256 and the citation. The reproducibility stamp that follows on the page is
made when the page is shown (report/stamp.py), not stored with the section."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.inputs.archive import RANKINGS
from tokentrends.metrics import groups
from tokentrends.render.formatting import esc, fmt_date, fmt_pct, fmt_tokens, human_dates, sentence
from tokentrends.render.html import table
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Section


@dataclass(frozen=True)
class Method:
    missing_days: list[str]
    vintages: list[dict]  # the rankings vintages, as figures.json lists them
    top50: dict
    coverage: dict
    coverage_disclosed: dict
    stealth_share: float
    unclassified: pd.DataFrame
    conflicts: pd.DataFrame  # models whose catalog open-weights evidence disagrees with the curated value
    names: dict[str, str]  # display names of the models listed


VINTAGE_FIELDS = (
    "vintage_id",
    "as_of",
    "sha256",
    "rows",
    "rows_used",
    "values_revised",
    "first_date",
    "last_date",
    "citation",
)


def compute(context: YearContext) -> Method:
    manifest, rows = context.manifest, context.rows
    named = groups.disclosed(rows)
    total = rows["tokens"].sum()
    return Method(
        missing_days=[d for d in manifest["missing_days"] if d.startswith(str(context.year))],
        vintages=[{k: v[k] for k in VINTAGE_FIELDS} for v in manifest["vintages"] if v["kind"] == RANKINGS],
        top50=groups.top50_coverage(context.prepared.usage, context.data.totals["week_start"]),
        coverage=groups.coverage(rows),
        coverage_disclosed=groups.coverage(named),
        stealth_share=float(1 - named["tokens"].sum() / total) if total else 0.0,
        unclassified=groups.unclassified(rows),
        conflicts=groups.year_models(rows, context.prepared.models).query("open_weights_conflict"),
        names=context.display_names,
    )


def weeks_span_text(totals: pd.DataFrame, year: int) -> str:
    """Which days the year's weekly figures hold: its weeks can start in the year before (the data's first week)
    and end in the year after (the last week), which the calendar span above does not say."""
    if totals.empty:
        return ""
    first = pd.Timestamp(totals["week_start"].min())
    last_end = pd.Timestamp(totals["week_start"].max()) + pd.Timedelta(days=6)
    return f"{year}'s weeks run from the week of {fmt_date(first)} to the week ending {fmt_date(last_end)}."  # text


def methodology(context: YearContext, result: Method) -> str:
    manifest, year, span = context.manifest, context.year, context.span
    missing = result.missing_days
    missing_text = (
        f"Days absent from the data in {year}: {', '.join(fmt_date(d) for d in missing)}; the weeks holding them count "
        "fewer than 7 days and are not used as full weeks."
        if missing
        else f"No day between the first and the last day of {year}'s data is missing."
    )
    skipped = manifest.get("skipped_files", [])
    skipped_text = (
        f" {len(skipped)} file(s) in the data folder were not read as vintages: "
        + "; ".join(f"{s['path']} ({s['reason']})" for s in skipped)
        + "."
        if skipped
        else ""
    )
    return sentence(
        "<p><b>Source.</b> OpenRouter's Data API <code>rankings-daily</code>: for each UTC day the top {daily} "
        "public models by tokens (prompt + completion), plus one <code>other</code> row summing every other "
        "model. Data for {year} run from {first} to {through}. {citation}.</p>"
        "<p><b>Weeks and Others.</b> Weekly figures are sums of the daily rows over Monday-Sunday UTC weeks; "
        "a week belongs to the year in which it starts, except the data's first week, which belongs to the year "
        "of its first day; a quarter likewise holds the weeks that start in it, and a partial quarter's "
        "'n of m days' counts the days of those weeks. {weeks_span} The chart's <i>Others</i> is everything "
        "outside that "
        "week's top {n}, the API's <code>other</code> row included; it is not the same as that row. "
        "Full weeks are weeks with all 7 days present. {missing}</p>"
        "<p><b>Caveats.</b> Token counts come from each provider's own tokenizer, so the same text counts "
        "differently across models. Only the daily top {daily} are named; smaller models are only in the "
        "<code>other</code> row. Numbers are OpenRouter traffic, not the whole market.</p>"
        "<p><b>Vintages.</b> Every file is kept as fetched with its provenance. Where vintages overlap, each "
        "day comes whole from the newest <i>as of</i> that holds it (a newer file with only some of a day's "
        "models corrects those values); {revised} values were revised by later vintages, "
        "moving {moved} tokens in all (net {net}); per vintage below.{skipped}</p>",
        year=year,
        daily=context.data.daily_top,
        first=fmt_date(span["first_date"]),
        through=fmt_date(span["through_date"]),
        citation=human_dates(manifest["citation"]),
        n=context.top_n,
        weeks_span=weeks_span_text(context.data.totals, year),
        missing=missing_text,
        revised=f"{manifest['values_revised']:,}",
        skipped=skipped_text,
        moved=fmt_tokens(sum(v.get("abs_change_tokens", 0) for v in manifest["vintages"])),
        net=fmt_tokens(sum(v.get("net_change_tokens", 0) for v in manifest["vintages"])),
    )


def top50_sentence(top50: dict, daily_top: int) -> str:
    return sentence(
        "<p><b>Top-{daily} coverage.</b> The named models (each day's top {daily}) carried {named} of the year's "
        "tokens; the API's <code>other</code> row, the rest, {other}. Shares by lab, origin, openness, "
        "tier and family are of the named models only.</p>",
        daily=daily_top,
        named=fmt_pct(top50["named_share"]),
        other=fmt_pct(top50["other_row_share"]),
    )


def coverage_block(result: Method) -> str:
    """How much of the year the reference tables classify, and what they do not."""
    coverage, named = result.coverage, result.coverage_disclosed
    aside = "tokens classified, stealth models aside"
    frame = pd.DataFrame(
        {
            "attribute": list(coverage),
            "share of tokens classified": [fmt_pct(c["token_share"], 2) for c in coverage.values()],
            "share of models classified": [fmt_pct(c["slug_share"], 1) for c in coverage.values()],
            aside: [fmt_pct(named[a]["token_share"], 2) for a in coverage],
        }
    )
    if not result.stealth_share:  # no stealth model this year: the column would repeat the first
        frame = frame.drop(columns=aside)
    text = (
        "<p><b>Model reference.</b> Each permaslug is mapped to a family, lab, origin, open weights "
        "and tier by the reviewed tables in <code>data/reference/</code> (every fact with its source) "
        "and the OpenRouter catalog's <code>hugging_face_id</code>. Variants (<code>:free</code>, "
        "<code>:beta</code>, <code>:thinking</code>, ...) count as the same model; dated releases "
        "(<code>-0324</code>, <code>-20250929</code>) are models of their own within one family. Stealth "
        "models count as unclassified for lab and origin until their lab is named. Shares exclude the "
        "API's <code>other</code> row.</p>"
    )
    text += table(frame, numeric=tuple(c for c in frame.columns if c != "attribute"))
    if result.stealth_share:
        text += sentence(
            "<p>Stealth models whose lab has not been named took {stealth} of the named-model tokens; "
            "the last column leaves them out.</p>",
            stealth=fmt_pct(result.stealth_share, 2),
        )
    unclassified = result.unclassified
    if len(unclassified):
        rows = unclassified.assign(
            share=unclassified["share"].map(lambda v: fmt_pct(v, 2)), tokens=unclassified["tokens"].map(fmt_tokens)
        )
        text += "<p>Largest models with an unknown lab, origin or open-weights status:</p>"
        rows.insert(0, "model", rows["model_permaslug"].map(lambda s: result.names.get(s, s)))
        text += table(
            rows.rename(columns={"model_permaslug": "permaslug", "missing": "unknown"}), numeric=("tokens", "share")
        )
    if len(result.conflicts):
        text += sentence(
            "<p>Flagged for review: {n} model(s) where the catalog's hugging_face_id disagrees with "
            "the curated open-weights value (a families.csv fact is used over the catalog; the catalog "
            "over a lab's default): {slugs}.</p>",
            n=len(result.conflicts),
            slugs=", ".join(result.names.get(s, s) for s in result.conflicts["model_permaslug"]),
        )
    return text


def vintages_table(manifest: dict) -> str:
    rows = [v for v in manifest["vintages"] if v["kind"] == RANKINGS]
    frame = pd.DataFrame(
        {
            "vintage": [v["vintage_id"] for v in rows],
            "as of": [v["as_of"] for v in rows],
            "dates": [f"{v['first_date']} to {v['last_date']}" for v in rows],
            "rows": [f"{v['rows']:,}" for v in rows],
            "rows used": [f"{v['rows_used']:,}" for v in rows],
            "values revised": [f"{v['values_revised']:,}" for v in rows],
            "sha256": [v["sha256"] for v in rows],
        }
    )
    return table(frame, numeric=("rows", "rows used", "values revised"))


def citation_footer(manifest: dict) -> str:
    return f'<p class="tt-citation">{esc(human_dates(manifest["citation"]))}. Licence: CC BY 4.0.</p>'


def blocks(context: YearContext, result: Method) -> list[Block]:
    return [
        methodology(context, result),
        top50_sentence(result.top50, context.data.daily_top),
        coverage_block(result),
        vintages_table(context.manifest),
        citation_footer(context.manifest),
    ]


def figures(context: YearContext, result: Method) -> dict:
    return {
        "missing_days": result.missing_days,
        "vintages": result.vintages,
        "coverage": result.coverage,
        "coverage_disclosed": result.coverage_disclosed,
        "stealth_share": result.stealth_share,
        "top50": result.top50,
    }


SECTION = Section("method", "Methodology and provenance", compute, blocks, figures)

"""HTML blocks of a year's page. Numbers arrive computed; every text that came from data is escaped."""

from __future__ import annotations

import pandas as pd

from tokentrends.inputs.reference import EFFICIENT_MAX_BILLIONS
from tokentrends.render.formatting import esc, fmt_date, fmt_multiple, fmt_tokens, sentence

SYNTHETIC_CHART_NOTE = "SYNTHETIC SAMPLE DATA: fictional models, not OpenRouter"  # fits under a chart title
SYNTHETIC_WARNING = ("SYNTHETIC SAMPLE DATA: every number and chart on this page comes from a generated "
                     "sample with fictional models, not from OpenRouter. Run `make report DATA_DIR=...` "
                     "with real vintages.")


def banner(is_synthetic: bool) -> str:
    """The warning every page built from the synthetic sample carries at the top."""
    return f'<div class="tt-banner" role="alert">{esc(SYNTHETIC_WARNING)}</div>' if is_synthetic else ""


def year_label(year: int, span: dict) -> str:
    """'2025' or '2026 so far, through 9 Oct 2026'."""
    return f"{year} so far, through {fmt_date(span['through_date'])}" if span["is_partial"] else str(year)


def title_block(year: int, span: dict, manifest: dict) -> str:
    return (banner(manifest["is_synthetic"])
            + f"<h1>LLM usage on OpenRouter: {year} in review"
            + (f", so far (through {esc(fmt_date(span['through_date']))})" if span["is_partial"] else "") + "</h1>"
            + sentence('<p class="tt-lede">How many tokens the world sent through OpenRouter each week, '
                       "and to which models. Data as of {as_of}.</p>", as_of=manifest["as_of"]))


def contents(sections: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="#{esc(anchor)}">{esc(title)}</a></li>' for anchor, title in sections)
    return f'<nav class="tt-contents"><strong>Contents</strong><ol>{items}</ol></nav>'


def section(anchor: str, title: str) -> str:
    return f'<h2 id="{esc(anchor)}">{esc(title)}</h2>'


def headline_cards(headline: dict) -> str:
    """The year in numbers, as cards; data-figure attributes let the browser test compare with figures.json."""
    if headline["first_full_week"] is None:
        return "<p>No full week in this year yet.</p>"
    cards = [
        ("first_full_week", fmt_tokens(headline["first_full_week"]["total_tokens"]),
         f"first full week ({fmt_date(headline['first_full_week']['week_start'])})"),
        ("peak_week", fmt_tokens(headline["peak_week"]["total_tokens"]),
         f"peak week ({fmt_date(headline['peak_week']['week_start'])})"),
        ("last_full_week", fmt_tokens(headline["last_full_week"]["total_tokens"]),
         f"last full week ({fmt_date(headline['last_full_week']['week_start'])})"),
        ("growth_peak_over_first", fmt_multiple(headline["growth_peak_over_first"]), "peak over first week"),
        ("growth_last_over_first", fmt_multiple(headline["growth_last_over_first"]), "last over first week"),
    ]
    body = "".join(f'<div data-figure="{key}"><b>{esc(value)}</b><span>{esc(label)}</span></div>'
                   for key, value, label in cards)
    return f'<div class="tt-headline">{body}</div>'


def headline_sentence(headline: dict, year: int, span: dict) -> str:
    if headline["first_full_week"] is None:
        return "<p>There is no full week of data in this year yet.</p>"
    first, peak, last = headline["first_full_week"], headline["peak_week"], headline["last_full_week"]
    closing = "so far" if span["is_partial"] else "at the end of the year"
    return sentence(
        "<p>In the first full week of {year} (from {first_date}) OpenRouter carried <b>{first}</b> tokens. "
        "Weekly volume peaked at <b>{peak}</b> in the week from {peak_date}, <b>{growth_peak}</b> the first "
        "full week. The last full week {closing} (from {last_date}) carried <b>{last}</b>, "
        "<b>{growth_last}</b> the first.</p>",
        year=year, first_date=fmt_date(first["week_start"]), first=fmt_tokens(first["total_tokens"]),
        peak=fmt_tokens(peak["total_tokens"]), peak_date=fmt_date(peak["week_start"]),
        growth_peak=fmt_multiple(headline["growth_peak_over_first"]), closing=closing,
        last_date=fmt_date(last["week_start"]), last=fmt_tokens(last["total_tokens"]),
        growth_last=fmt_multiple(headline["growth_last_over_first"]),
    )


def table(frame: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    """A plain HTML table; every cell escaped, numeric columns right-aligned."""
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(c)}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f'<td class="{"num" if c in numeric else ""}">{esc(v)}</td>'
                         for c, v in zip(frame.columns, row, strict=True)) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def vintages_table(manifest: dict) -> str:
    rows = [v for v in manifest["vintages"] if v["kind"] == "rankings-daily"]
    frame = pd.DataFrame({
        "vintage": [v["vintage_id"] for v in rows],
        "as of": [v["as_of"] for v in rows],
        "dates": [f"{v['first_date']} to {v['last_date']}" for v in rows],
        "rows": [f"{v['rows']:,}" for v in rows],
        "rows used": [f"{v['rows_used']:,}" for v in rows],
        "values revised": [f"{v['values_revised']:,}" for v in rows],
        "sha256": [v["sha256"] for v in rows],
    })
    return table(frame, numeric=("rows", "rows used", "values revised"))


def citation_footer(manifest: dict) -> str:
    return f'<p class="tt-citation">{esc(manifest["citation"])}. Licence: CC BY 4.0.</p>'


def weekly_chart_intro(top_n: int) -> str:
    return sentence(
        "<p>Each bar is one week, Monday to Sunday (UTC), as on OpenRouter's rankings chart: the {n} models "
        "with the most tokens that week, each on its own, and <i>Others</i> for everything else that week. "
        "Hover a bar for its model, tokens and share of the week.</p>", n=top_n)


def methodology(manifest: dict, year: int, top_n: int, span: dict) -> str:
    missing = [d for d in manifest["missing_days"] if d.startswith(str(year))]
    missing_text = (f"Days absent from the data in {year}: {', '.join(missing)}; the weeks holding them count "
                    "fewer than 7 days and are not used as full weeks." if missing
                    else f"No day between the first and the last day of {year}'s data is missing.")
    skipped = manifest.get("skipped_files", [])
    skipped_text = (f" {len(skipped)} file(s) in the data folder were not read as vintages: "
                    + "; ".join(f"{s['path']} ({s['reason']})" for s in skipped) + "." if skipped else "")
    return sentence(
        "<p><b>Source.</b> OpenRouter's Data API <code>rankings-daily</code>: for each UTC day the top 50 "
        "public models by tokens (prompt + completion), plus one <code>other</code> row summing every other "
        "model. Data for {year} run from {first} to {through}. {citation}.</p>"
        "<p><b>Weeks and Others.</b> Weekly figures are sums of the daily rows over Monday-Sunday UTC weeks; "
        "a week belongs to the year in which it starts. The chart's <i>Others</i> is everything outside that "
        "week's top {n}, the API's <code>other</code> row included; it is not the same as that row. "
        "Full weeks are weeks with all 7 days present. {missing}</p>"
        "<p><b>Caveats.</b> Token counts come from each provider's own tokenizer, so the same text counts "
        "differently across models. Only the daily top 50 are named; smaller models are only in the "
        "<code>other</code> row. Numbers are OpenRouter traffic, not the whole market.</p>"
        "<p><b>Vintages.</b> Every file is kept as fetched with its provenance. Where vintages overlap, the "
        "newest <i>as of</i> wins for each day and model; {revised} values were revised by later vintages, "
        "moving {moved} tokens in all (net {net}); per vintage below.{skipped}</p>",
        year=year, first=span["first_date"], through=span["through_date"], citation=manifest["citation"],
        n=top_n, missing=missing_text, revised=f"{manifest['values_revised']:,}", skipped=skipped_text,
        moved=fmt_tokens(sum(v.get("abs_change_tokens", 0) for v in manifest["vintages"])),
        net=fmt_tokens(sum(v.get("net_change_tokens", 0) for v in manifest["vintages"])),
    )


OPEN_WEIGHTS_LABELS = {"true": "Open weights", "false": "Closed weights", "unknown": "Unknown"}


def groups_intro(shares_year: dict) -> str:
    """One paragraph on the year's split by origin, openness and tier, every number from shares_year."""
    from tokentrends.render.formatting import fmt_pct

    lab_top = next(iter(shares_year["lab"].items()))
    origin = shares_year["origin"]
    return sentence(
        "<p>Of the tokens sent to the named (daily top-50) models this year, <b>{open}</b> went to models "
        "with open weights and <b>{closed}</b> to closed ones. By where the lab is based: United States "
        "<b>{us}</b>, China <b>{cn}</b>. The largest lab was {lab} with <b>{lab_share}</b>. Efficient-tier "
        "models (Flash, Mini, Lite, Nano, Small, Haiku, Air, Fast, up to {size}B) took <b>{eff}</b>.</p>",
        open=fmt_pct(shares_year["open_weights"].get("true", 0)),
        closed=fmt_pct(shares_year["open_weights"].get("false", 0)),
        us=fmt_pct(origin.get("United States", 0)), cn=fmt_pct(origin.get("China", 0)),
        lab=lab_top[0], lab_share=fmt_pct(lab_top[1]), eff=fmt_pct(shares_year["tier"].get("efficient", 0)),
        size=EFFICIENT_MAX_BILLIONS,
    )


def coverage_block(figures: dict, unclassified: pd.DataFrame, conflicts: pd.DataFrame) -> str:
    """How much of the year the reference tables classify, and what they do not (from group_figures)."""
    from tokentrends.render.formatting import fmt_pct

    coverage, named = figures["coverage"], figures["coverage_disclosed"]
    aside = "tokens classified, stealth models aside"
    frame = pd.DataFrame({
        "attribute": list(coverage),
        "share of tokens classified": [fmt_pct(c["token_share"], 2) for c in coverage.values()],
        "share of models classified": [fmt_pct(c["slug_share"], 1) for c in coverage.values()],
        aside: [fmt_pct(named[a]["token_share"], 2) for a in coverage],
    })
    if not figures["stealth_share"]:  # no stealth model this year: the column would repeat the first
        frame = frame.drop(columns=aside)
    text = ("<p><b>Model reference.</b> Each permaslug is mapped to a family, lab, origin, open weights "
            "and tier by the reviewed tables in <code>data/reference/</code> (every fact with its source) "
            "and the OpenRouter catalog's <code>hugging_face_id</code>. Variants (<code>:free</code>, "
            "<code>:beta</code>, <code>:thinking</code>, ...) count as the same model; dated releases "
            "(<code>-0324</code>, <code>-20250929</code>) are models of their own within one family. Stealth "
            "models count as unclassified for lab and origin until their lab is named. Shares exclude the "
            "API's <code>other</code> row.</p>")
    text += table(frame, numeric=tuple(c for c in frame.columns if c != "attribute"))
    if figures["stealth_share"]:
        text += sentence("<p>Stealth models whose lab has not been named took {stealth} of the named-model tokens; "
                         "the last column leaves them out.</p>", stealth=fmt_pct(figures["stealth_share"], 2))
    if len(unclassified):
        rows = unclassified.assign(share=unclassified["share"].map(lambda v: fmt_pct(v, 2)),
                                   tokens=unclassified["tokens"].map(fmt_tokens))
        text += "<p>Largest models with an unknown lab, origin or open-weights status:</p>"
        text += table(rows.rename(columns={"model_permaslug": "model", "missing": "unknown"}),
                      numeric=("tokens", "share"))
    if len(conflicts):
        text += sentence("<p>Flagged for review: {n} model(s) where the catalog's hugging_face_id disagrees with "
                         "the curated open-weights value (a families.csv fact is used over the catalog; the catalog "
                         "over a lab's default): {slugs}.</p>", n=len(conflicts),
                         slugs=", ".join(conflicts["model_permaslug"]))
    return text


def reproducibility_block(stamp: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in stamp["versions"].items())
    params = ", ".join(f"{k}={v}" for k, v in stamp["parameters"].items())
    return sentence('<p class="tt-caption"><b>Reproducibility.</b> Built {when} from commit <code>{commit}</code> '
                    "with parameters {params}. Versions: {versions}.</p>", when=stamp["built_at"],
                    commit=stamp["git_commit"], params=params, versions=versions)


def top50_sentence(top50: dict) -> str:
    from tokentrends.render.formatting import fmt_pct

    return sentence("<p><b>Top-50 coverage.</b> The named models (each day's top 50) carried {named} of the year's "
                    "tokens; the API's <code>other</code> row, the rest, {other}. Shares by lab, origin, openness, "
                    "tier and family are of the named models only.</p>", named=fmt_pct(top50["named_share"]),
                    other=fmt_pct(top50["other_row_share"]))

"""Sources, privacy and provenance: your pulls (no key hash, no user id, no paths), the days no pull covers,
revisions, the market's vintages and citation, and the reproducibility stamp."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.render.formatting import esc, sentence
from tokentrends.render.html import table
from tokentrends.report import stamp
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.personal.context import PersonalContext, market_vintages
from tokentrends.report.section import Block, Section


@dataclass(frozen=True)
class Method:
    vintages: list[dict]  # activity_archive summary: vintage_id, as_of, sha256, first/last date, rows, used, revised
    missing_days: list[str]
    values_revised: int
    revisions: pd.DataFrame  # the year's values a later pull changed (activity_archive.merge_activity's log)
    absent_later: int
    market: dict
    build: dict


def compute(context: PersonalContext) -> Method:
    year = str(context.year)
    archive = context.archive
    market = {
        "as_of": context.market.manifest["as_of"],
        "citation": context.market.manifest["citation"],
        "is_synthetic": bool(context.market.manifest["is_synthetic"]),
        "vintages": market_vintages(context),
    }
    # Parameters name no folder: a path can carry a user name.
    build = stamp.build_stamp(
        {
            "year": context.year,
            "top_n": context.top_n,
            "market_prepared": context.market.prepared.processed_dir.name,
            "activity_vintages": [v.vintage_id for v in archive.vintages],
        }
    )
    weeks = context.rows["week_start"]
    in_weeks = archive.revisions["date"].between(weeks.min(), weeks.max() + pd.Timedelta(days=6))
    revisions = archive.revisions[in_weeks.to_numpy()].reset_index(drop=True)
    return Method(
        archive.summary,
        [d for d in archive.missing_days if d.startswith(year)],
        int(revisions.drop_duplicates(["date", "model_permaslug", "endpoint_id", "column"]).shape[0]),
        revisions,
        int(len(archive.absent_later)),
        market,
        build,
    )


def blocks(context: PersonalContext, method: Method) -> list[Block]:
    missing = (
        f"Days of {context.year} no pull covers (a pull came more than 30 days after the one before): "
        f"{', '.join(method.missing_days)}; their activity is not in this report."
        if method.missing_days
        else f"Every day of {context.year} between your first and last pull is covered."
    )
    text = sentence(
        "<p><b>Your data.</b> OpenRouter's <code>GET /api/v1/activity</code> (a management key's view of the last 30 "
        "completed UTC days: tokens, requests and cost per day, model and provider endpoint). Each pull is kept as "
        "fetched with its retrieval time; where pulls overlap the newest wins for each day, model and endpoint: "
        "{revised} values were revised by later pulls, and {absent} rows a newer pull no longer listed are kept at "
        "their last value. {missing}</p>"
        "<p><b>Privacy.</b> This page and its folder are private: they live under <code>reports/private/</code>, which "
        "git ignores and the public index never lists; the public build never reads <code>data/private/</code>. The "
        "page shows no API key, key hash, user id or file path.</p>"
        "<p><b>The market.</b> OpenRouter's public rankings (the daily top {daily} by tokens, prompt + completion). "
        "{citation}. Tokens are counted by each provider's tokenizer, for you and for the market alike.</p>",
        daily=context.market.data.daily_top,
        revised=f"{method.values_revised:,}",
        absent=f"{method.absent_later:,}",
        missing=missing,
        citation=method.market["citation"],
    )
    frame = pd.DataFrame(method.vintages)
    pulls = (
        table(
            frame.rename(
                columns={
                    "vintage_id": "pull",
                    "first_date": "first day",
                    "last_date": "last day",
                    "rows_used": "rows used",
                    "values_revised": "values revised",
                }
            ).drop(columns=["sha256"]),
            numeric=("rows", "rows used", "values revised"),
        )
        if len(frame)
        else ""
    )
    build = method.build
    footer = (
        f'<p class="tt-citation">{esc(context.manifest["citation"])}. Market: {esc(method.market["citation"])}. '
        f"Built {esc(build['built_at'])} from commit {esc(build['git_commit'])}.</p>"
    )
    return [text, pulls, footer]


def figures(context: PersonalContext, method: Method) -> dict:
    return {
        "activity_vintages": method.vintages,
        "missing_days": method.missing_days,
        "values_revised": method.values_revised,
        "revisions": to_jsonable(method.revisions),
        "rows_absent_in_newer_pulls": method.absent_later,
        "market": method.market,
        "build": method.build,
    }


SECTION = Section("method", "Sources, privacy and provenance", compute, blocks, figures)

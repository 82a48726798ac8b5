"""What the tokens were for: OpenRouter's task classification of a sample of each week's traffic, by macro category
and tag, by tokens and by requests, and the models that led each large tag."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from tokentrends import CITATION_TEMPLATE  # task classifications are cited as the rankings pages
from tokentrends.inputs.archive import TASKS
from tokentrends.inputs.demand import MACRO_COLUMNS, TAG_COLUMNS, TAG_MODEL_COLUMNS, empty
from tokentrends.metrics import tasks
from tokentrends.render.charts import themed
from tokentrends.render.formatting import esc, fmt_date, fmt_pct, sentence
from tokentrends.render.html import table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section
from tokentrends.report.sections.apps import demand_pulls, no_data_text

TOP_TAGS = 8  # tags listed by token share and by request share
LED_TAGS = 5  # the largest tags (by tokens) whose leading models are named
LEADING_MODELS = 3
MEASURE_NAMES = {"token_share": "Share of tokens", "usage_share": "Share of requests"}


@dataclass(frozen=True)
class Tasks:
    macro: pd.DataFrame  # metrics.tasks.macro_shares of the year's windows
    by_tokens: pd.DataFrame  # metrics.tasks.largest_tags by token share
    by_requests: pd.DataFrame  # by usage (request) share
    leading: pd.DataFrame  # metrics.tasks.leading_models of the LED_TAGS largest tags
    agency: pd.DataFrame  # metrics.tasks.agency_share
    as_of: str | None  # the newest window's last day
    pulls: list[dict]  # the classifications/task vintages: vintage_id, as_of, sha256, query, used


def compute(context: YearContext) -> Tasks:
    demand = context.data.demand
    tags = demand.get("tasks", empty(TAG_COLUMNS))
    macro = demand.get("task_macro", empty(MACRO_COLUMNS))
    models = demand.get("task_models", empty(TAG_MODEL_COLUMNS))
    names = dict(zip(context.prepared.models["model_permaslug"], context.prepared.models["display_name"], strict=True))
    by_tokens = tasks.largest_tags(tags, TOP_TAGS)
    return Tasks(
        macro=tasks.macro_shares(macro),
        by_tokens=by_tokens,
        by_requests=tasks.largest_tags(tags, TOP_TAGS, "usage_share"),
        leading=tasks.leading_models(models, by_tokens[by_tokens["rank"] <= LED_TAGS], names, LEADING_MODELS),
        agency=tasks.agency_share(macro),
        as_of=tags["window_end"].max().strftime("%Y-%m-%d") if len(tags) else None,
        pulls=demand_pulls(context, TASKS, set(tags["vintage"])),
    )


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["window_end"] == frame["window_end"].max()]


def macro_text(result: Tasks) -> str:
    macro = latest(result.macro)
    first = macro.iloc[0]
    listing = "; ".join(
        f"{esc(r['label'])} {esc(fmt_pct(r['token_share']))} of tokens and {esc(fmt_pct(r['usage_share']))} of requests"
        for _, r in macro.iterrows()
    )
    agency = latest(result.agency).iloc[0]
    return (
        sentence(
            "<p>OpenRouter classifies a sample of each week's traffic by task. In the 7 days {start} to {end} (the "
            "7 days before the pull, {weekdays}, so not the Monday-to-Sunday weeks of the charts and app lists "
            "above): ",
            weekdays=f"{first['window_start']:%A} to {first['window_end']:%A}",
            start=fmt_date(first["window_start"]),
            end=fmt_date(first["window_end"]),
        )
        + listing
        + sentence(
            ". Agent and code work together took <b>{tokens}</b> of the classified tokens and {requests} of the "
            "requests. Shares are of the classified sample, rounded to 0.1 point by OpenRouter, so they add up to "
            "about, not exactly, 100%; they are not shares of all tokens.</p>",
            tokens=fmt_pct(agency["token_share"]),
            requests=fmt_pct(agency["usage_share"]),
        )
    )


def shares_chart(wide: pd.DataFrame, title: str, note: str) -> tuple[alt.Chart, pd.DataFrame]:
    """Tokens beside requests for `item | token_share | usage_share` rows (categories, or tasks: never mixed)."""
    wide = wide[["item", "token_share", "usage_share"]].reset_index(drop=True)
    data = wide.melt(id_vars="item", var_name="measure", value_name="share")
    data["measure"] = data["measure"].map(MEASURE_NAMES)
    order = wide["item"].tolist()
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", title=None, sort=order),
            yOffset=alt.YOffset("measure:N", sort=list(MEASURE_NAMES.values())),
            x=alt.X("share:Q", title="Share of the classified sample", axis=alt.Axis(format="%")),
            color=alt.Color(
                "measure:N",
                title=None,
                sort=list(MEASURE_NAMES.values()),
                scale=alt.Scale(range=["#4C78A8", "#F58518"]),
            ),
            tooltip=[
                alt.Tooltip("item:N", title="Task"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    return themed(chart, title, note), data


def tags_table(result: Tasks) -> str:
    by_tokens, by_requests = latest(result.by_tokens), latest(result.by_requests)
    frame = pd.DataFrame(
        {
            "rank": by_tokens["rank"].to_numpy(),
            "by tokens": [
                f"{t} ({fmt_pct(s)})" for t, s in zip(by_tokens["display_name"], by_tokens["token_share"], strict=True)
            ],
            "by requests": [
                f"{t} ({fmt_pct(s)})"
                for t, s in zip(by_requests["display_name"], by_requests["usage_share"], strict=True)
            ],
        }
    )
    return table(frame, numeric=("rank",))


def leading_table(result: Tasks) -> str:
    rows = latest(result.leading)
    frame = (
        rows.assign(model=rows["model_name"] + " (" + rows["tag_token_share"].map(fmt_pct) + ")")
        .groupby("display_name", sort=False)["model"]
        .agg(", ".join)
        .reset_index()
    )
    return table(frame.rename(columns={"display_name": "task", "model": "leading models (share of the task's tokens)"}))


def blocks(context: YearContext, result: Tasks) -> list[Block]:
    if result.as_of is None:
        return [no_data_text(context, "task_macro", "OpenRouter's task classifications", "what the tokens were for")]
    cite = CITATION_TEMPLATE.format(as_of=fmt_date(result.as_of))  # figures.json keeps the ISO date
    note = context.note if context.manifest["is_synthetic"] else cite
    week = f"the 7 days to {fmt_date(result.as_of)}"
    categories = shares_chart(latest(result.macro).assign(item=lambda f: f["label"]), f"Categories, {week}", note)
    tasks = shares_chart(
        latest(result.by_tokens).assign(item=lambda f: f["display_name"]), f"The largest tasks by tokens, {week}", note
    )
    windows = result.macro["window_end"].nunique()
    snapshot = (
        "<p>This is one week's snapshot: the API only gives the last 7 days, so a trend needs one pull a "
        "week, kept week after week.</p>"
        if windows == 1
        else ""
    )
    return [
        macro_text(result),
        Chart("task-categories", *categories),
        Chart("task-shares", *tasks),
        sentence(
            "<p>The {n} largest tasks by tokens and by requests (long, token-heavy exchanges rank higher by "
            "tokens; short ones by requests):</p>",
            n=TOP_TAGS,
        ),
        tags_table(result),
        sentence(
            "<p>The models that carried the {k} largest tasks, by their share of each task's tokens:</p>", k=LED_TAGS
        ),
        leading_table(result),
        snapshot,
        f'<p class="tt-citation">{esc(cite)}.</p>',
    ]


def figures(context: YearContext, result: Tasks) -> dict:
    return {
        "tasks": to_jsonable(
            {
                "as_of": result.as_of,
                "citation": CITATION_TEMPLATE.format(as_of=result.as_of) if result.as_of else None,
                "note": "shares of OpenRouter's classified sample of the week's traffic, not of all tokens",
                "macro_categories": result.macro,
                "top_by_tokens": result.by_tokens,
                "top_by_requests": result.by_requests,
                "leading_models": result.leading,
                "agent_plus_code": result.agency,
                "pulls": result.pulls,
            }
        )
    }


SECTION = Section("tasks", "What the tokens were for", compute, blocks, figures)

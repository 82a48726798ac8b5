"""Who sent the tokens: the top public apps of each week with app lists, their share of the platform's tokens, the
agent and coding apps (each app counted once), and what an agent session costs when a session-cost vintage exists."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from tokentrends.inputs.archive import APPS
from tokentrends.inputs.demand import APP_COLUMNS, SESSION_COLUMNS, empty
from tokentrends.inputs.sources.app_rankings import CITATION_TEMPLATE, SUBCATEGORY_GROUPS
from tokentrends.metrics import apps, tasks
from tokentrends.render.charts import line_chart, themed, token_axis
from tokentrends.render.formatting import esc, fmt_date, fmt_pct, fmt_tokens, human_dates, sentence
from tokentrends.render.html import subheading, table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section

TOP_APPS = 10  # apps named per week (the overall list holds up to 100 per page)
SESSION_TURNS = "10-49-turns"  # the turn range the per-harness table compares: a typical working session
TURN_WORDS = {
    "1-turn": "1 turn",
    "2-9-turns": "2 to 9 turns",
    "10-49-turns": "10 to 49 turns",
    "50-plus-turns": "50 turns or more",
}


@dataclass(frozen=True)
class Apps:
    top: pd.DataFrame  # metrics.apps.weekly_top_apps of the year's windows
    shares: pd.DataFrame  # metrics.apps.top_apps_share
    subcategories: pd.DataFrame  # metrics.apps.subcategory_shares
    as_of: str | None  # the newest app-rankings pull of the year
    session_by_turns: pd.DataFrame  # metrics.tasks.session_cost_by_turns (empty without a session-cost vintage)
    session_by_harness: pd.DataFrame
    session_as_of: str | None
    pulls: list[dict]  # the app-rankings vintages: vintage_id, as_of, sha256, query (params), used
    name_changes: int  # app names that differ between pulls of the same list and week (the newest is shown)
    value_changes: int  # tokens, requests or ranks that differ between pulls (the newest is kept)


def demand_pulls(context: YearContext, kind: str, used: set[str]) -> list[dict]:
    """The vintages of one demand kind, with their query and whether any of the year's rows come from them."""
    return [
        {
            "vintage_id": v["vintage_id"],
            "as_of": v["as_of"],
            "sha256": v["sha256"],
            "query": v.get("params"),
            "used": v["vintage_id"] in used,
        }
        for v in context.manifest["vintages"]
        if v["kind"] == kind
    ]


def revisions_in_year(context: YearContext, table: str) -> pd.DataFrame:
    """The demand revision log's rows for one table whose window starts in the year (the key starts with it)."""
    log = context.prepared.demand.get("demand_revisions", pd.DataFrame(columns=["table", "key", "field"]))
    return log[(log["table"] == table) & log["key"].str.startswith(str(context.year))]


def compute(context: YearContext) -> Apps:
    demand = context.data.demand
    revised = revisions_in_year(context, "apps")
    rows = demand.get("apps", empty(APP_COLUMNS))
    cost = demand.get("session_cost", empty(SESSION_COLUMNS))
    totals = context.data.all_totals
    return Apps(
        top=apps.weekly_top_apps(rows, TOP_APPS),
        shares=apps.top_apps_share(rows, totals, TOP_APPS),
        subcategories=context.data.app_subcategories,
        as_of=str(rows["as_of"].max()) if len(rows) else None,
        session_by_turns=tasks.session_cost_by_turns(cost) if len(cost) else pd.DataFrame(),
        session_by_harness=tasks.session_cost_by_harness(cost, SESSION_TURNS) if len(cost) else pd.DataFrame(),
        session_as_of=str(cost["as_of"].max()) if len(cost) else None,
        pulls=demand_pulls(context, APPS, set(rows["vintage"])),
        name_changes=int((revised["field"] == "app_name").sum()),
        value_changes=int((revised["field"] != "app_name").sum()),
    )


def citation(as_of: str | None) -> str:
    return CITATION_TEMPLATE.format(as_of=as_of)


def week_words(row: pd.Series) -> str:
    return f"{fmt_date(row['window_start'])} to {fmt_date(row['window_end'])}"


def top_text(result: Apps) -> str:
    latest = result.shares.iloc[-1]
    if pd.isna(latest["platform_tokens"]):
        return sentence(
            "<p>In the week {week}, the {n} largest public apps sent {top} tokens; the daily rankings do "
            "not cover that whole week, so their share of the platform cannot be given.</p>",
            week=week_words(latest),
            n=int(latest["top_n"]),
            top=fmt_tokens(latest["top_tokens"]),
        )
    return sentence(
        "<p>In the week {week}, the {n} largest public apps sent <b>{top}</b> tokens, <b>{top_share}</b> of all the "
        "tokens OpenRouter served that week ({platform}, the daily rankings' total with their <code>other</code> "
        "row). All {k} apps in the list sent {listed_share}; the rest came from smaller apps and from requests no "
        "public app is credited with. Apps are told apart by their id: names change between pulls and are not "
        "unique, so each is shown by its name in the newest pull.</p>",
        week=week_words(latest),
        n=int(latest["top_n"]),
        top=fmt_tokens(latest["top_tokens"]),
        top_share=fmt_pct(latest["top_share"]),
        platform=fmt_tokens(latest["platform_tokens"]),
        k=int(latest["apps_listed"]),
        listed_share=fmt_pct(latest["listed_share"]),
    )


def top_table(top: pd.DataFrame) -> str:
    latest = top[top["window_start"] == top["window_start"].max()]
    frame = pd.DataFrame(
        {
            "rank": latest["rank"],
            "app": latest["app_name"],
            "tokens": latest["tokens"].map(fmt_tokens),
            "requests": latest["requests"].map(fmt_tokens),
            "tokens per request": latest["tokens_per_request"].map(lambda v: "n/a" if pd.isna(v) else f"{v:,.0f}"),
        }
    )
    return table(frame, numeric=("rank", "tokens", "requests", "tokens per request"))


def top_chart(top: pd.DataFrame, title: str, note: str) -> alt.Chart:
    """Horizontal bars of the latest week's top apps by tokens (names are data: altair renders them as text)."""
    latest = top[top["window_start"] == top["window_start"].max()]
    data = latest.assign(label=latest["rank"].astype(str) + ". " + latest["app_name"])
    chart = (
        alt.Chart(data)
        .mark_bar(color="#4C78A8")
        .encode(
            y=alt.Y("label:N", title=None, sort=data["label"].tolist()),
            x=alt.X("tokens:Q", title="Tokens in the week", axis=token_axis()),
            tooltip=[
                alt.Tooltip("app_name:N", title="App"),
                alt.Tooltip("tokens:Q", title="Tokens", format=",.0f"),
                alt.Tooltip("requests:Q", title="Requests", format=",.0f"),
                alt.Tooltip("tokens_per_request:Q", title="Tokens per request", format=",.0f"),
            ],
        )
    )
    return themed(chart, title, note)


def subcategory_text(subcategories: pd.DataFrame, top_window: pd.Timestamp | None) -> str:
    """The subcategory groups' shares of their newest week, which is said when it is not the top list's week."""
    latest_window = subcategories["window_start"].max()
    rows = subcategories[subcategories["window_start"] == latest_window].set_index("group")
    parts = []
    for group, members in SUBCATEGORY_GROUPS.items():
        if group not in rows.index:
            continue
        row = rows.loc[group]
        pulled = row["subcategories"].split(", ")
        missing = [m for m in members if m not in pulled]
        parts.append(
            sentence(
                "the {group} apps ({subs}: {n} distinct apps) sent {at_least}<b>{share}</b> of all tokens ({tokens}; "
                "adding up the lists would give {lists}){missing}",
                group=group,
                subs=row["subcategories"],
                at_least="at least " if missing else "",
                missing=f", as {' and '.join(missing)} {'was' if len(missing) == 1 else 'were'} not pulled"
                if missing
                else "",
                n=int(row["apps"]),
                share=fmt_pct(row["share"]),
                tokens=fmt_tokens(row["tokens"]),
                lists=fmt_tokens(row["lists_sum_tokens"]),
            )
        )
    if not parts:
        return ""
    first = rows.iloc[0]
    other_week = top_window is not None and pd.Timestamp(first["window_start"]) != pd.Timestamp(top_window)
    lead = sentence(
        "<p>OpenRouter also ranks apps within subcategories. In the week {week}{which}, ",
        week=week_words(first),
        which=(
            f" ({'an earlier' if first['window_start'] < top_window else 'a later'} week than the overall list "
            f"above, of {fmt_date(top_window)}: the newest week for which the subcategory lists were pulled)"
            if other_week
            else ""
        ),
    )
    return (
        lead + "; ".join(parts) + ". An app can sit in several subcategories, so each group counts each app "
        "once, with its own tokens. The subcategory names are OpenRouter's; which belong to agents and which to "
        "coding is this report's reading of them.</p>"
    )


def unpulled(rows: pd.DataFrame) -> list[list[str]]:
    """For each row, the subcategories of its group that were not pulled (a group's share is then a lower bound)."""
    return [
        [m for m in SUBCATEGORY_GROUPS.get(group, []) if m not in pulled.split(", ")] if kind == "group" else []
        for group, kind, pulled in zip(rows["group"], rows["kind"], rows["subcategories"], strict=True)
    ]


def subcategory_table(subcategories: pd.DataFrame) -> str:
    latest = subcategories[subcategories["window_start"] == subcategories["window_start"].max()]
    frame = pd.DataFrame(
        {
            "apps in": latest["group"] + latest["kind"].map({"group": " (group)", "subcategory": ""}),
            "distinct apps": latest["apps"],
            "tokens": latest["tokens"].map(fmt_tokens),
            "share of all tokens": latest["share"].map(fmt_pct),
            "list complete": [
                "no (a full page)" if not complete else f"no ({', '.join(missing)} not pulled)" if missing else "yes"
                for complete, missing in zip(latest["complete"], unpulled(latest), strict=True)
            ],
        }
    )
    return table(frame, numeric=("distinct apps", "tokens", "share of all tokens"))


def trend_series(result: Apps) -> pd.DataFrame:
    """`week_start | series | share` of the top apps and of each group, for weeks with a share."""
    top = result.shares.dropna(subset=["top_share"])
    groups = result.subcategories[result.subcategories["kind"] == "group"].dropna(subset=["share"])
    return pd.concat(
        [
            pd.DataFrame(
                {"week_start": top["window_start"], "series": f"Top {TOP_APPS} apps", "share": top["top_share"]}
            ),
            pd.DataFrame(
                {
                    "week_start": groups["window_start"],
                    "series": groups["group"].str.title() + " apps",
                    "share": groups["share"],
                }
            ),
        ],
        ignore_index=True,
    )


def is_snapshot(result: Apps) -> bool:
    """True while every measure has at most one week: no trend to draw yet."""
    return trend_series(result).groupby("series")["week_start"].nunique().le(1).all()


def snapshot_text(result: Apps) -> str:
    if not is_snapshot(result):
        return ""
    return (
        "<p>This is a snapshot: the year's app lists cover one week each so far, so they show who sent the "
        "tokens, not how that is changing. As a pull of each week's lists accumulates, this section "
        "draws the trend.</p>"
    )


def session_blocks(result: Apps) -> list[Block]:
    if result.session_by_turns.empty:
        return []
    turns = result.session_by_turns
    latest = turns[turns["window_end"] == turns["window_end"].max()]
    frame = pd.DataFrame(
        {
            "session length": latest["turn_range"].map(TURN_WORDS),
            "harness-model cells": latest["cells"],
            "median of the medians": latest["median_usd"].map(lambda v: f"${v:,.2f}"),
            "lowest": latest["low_usd"].map(lambda v: f"${v:,.2f}"),
            "highest": latest["high_usd"].map(lambda v: f"${v:,.2f}"),
        }
    )
    harness = result.session_by_harness
    harness = harness[harness["window_end"] == harness["window_end"].max()] if len(harness) else harness
    out: list[Block] = [
        subheading("What an agent session costs"),
        sentence(
            "<p>OpenRouter publishes the median USD spent per agent session for each harness (the app running "
            "the agent), model and session length, from a sample of sessions ending {end}. Sessions are never "
            "pooled across apps; the figures below are the spread of those medians, not an average session.</p>",
            end=fmt_date(latest["window_end"].iloc[0]),
        ),
        table(frame, numeric=("harness-model cells", "median of the medians", "lowest", "highest")),
    ]
    if len(harness):
        out.append(
            sentence(
                "<p>Sessions of {turns}, by harness (the median over its models):</p>", turns=TURN_WORDS[SESSION_TURNS]
            )
        )
        out.append(
            table(
                pd.DataFrame(
                    {
                        "harness": harness["app_name"],
                        "models": harness["models"],
                        "median session cost": harness["median_usd"].map(lambda v: f"${v:,.2f}"),
                    }
                ),
                numeric=("models", "median session cost"),
            )
        )
    out.append(f'<p class="tt-citation">{esc(human_dates(citation(result.session_as_of)))}.</p>')
    return out


def pulls_text(result: Apps) -> str:
    used = sum(p["used"] for p in result.pulls)
    values = (
        "agree on every number"
        if result.value_changes == 0
        else f"differ in {result.value_changes} numbers (the newest pull is kept)"
    )
    return sentence(
        "<p>This section uses {used} of {total} app-rankings pulls, the newest of each list and week (all "
        "are listed with their query and checksum in the data behind this page). Pulls of the same list and "
        "week {values}; "
        "app names differ between them in {names} places, and the newest name is shown.</p>",
        used=used,
        total=len(result.pulls),
        values=values,
        names=result.name_changes,
    )


def no_data_text(context: YearContext, table: str, what: str, shows: str) -> str:
    """Why a demand section of a year is empty, in a reader's terms: where the data of that kind begin, if anywhere."""
    rows = context.prepared.demand.get(table)
    if rows is None or rows.empty:
        return sentence(
            "<p>This report's data hold none of {what}, so {shows} cannot be shown.</p>", what=what, shows=shows
        )
    begins, year = pd.Timestamp(rows["window_start"].min()), context.year
    when = "after" if begins.year > year else "partway through"
    return sentence(
        "<p>{What} in this report's data begin on {begins}, {when} {year}, so {shows} in {year} cannot be shown.</p>",
        What=what[0].upper() + what[1:],
        begins=fmt_date(begins),
        when=when,
        year=year,
        shows=shows,
    )


def blocks(context: YearContext, result: Apps) -> list[Block]:
    if result.as_of is None:
        return [
            no_data_text(context, "apps", "OpenRouter's weekly app rankings", "who sent the tokens"),
            *session_blocks(result),
        ]
    note = context.note if context.manifest["is_synthetic"] else citation(result.as_of)
    out: list[Block] = []
    if len(result.shares):
        out += [
            top_text(result),
            top_table(result.top),
            Chart(
                "top-apps",
                top_chart(
                    result.top,
                    f"The top {TOP_APPS} public apps by tokens, week of {fmt_date(result.top['window_start'].max())}",
                    note,
                ),
                result.top,
            ),
        ]
    if len(result.subcategories):
        top_window = result.top["window_start"].max() if len(result.top) else None
        out += [subcategory_text(result.subcategories, top_window), subcategory_table(result.subcategories)]
    trend = trend_series(result)
    if not is_snapshot(result):
        out.append(
            Chart(
                "apps-trend",
                line_chart(trend, f"Who sent the tokens, {context.label}", note, series_title="Apps"),
                trend,
            )
        )
    out.append(snapshot_text(result))
    out.append(pulls_text(result))
    out.append(f'<p class="tt-citation">{esc(human_dates(citation(result.as_of)))}.</p>')
    return out + session_blocks(result)


def figures(context: YearContext, result: Apps) -> dict:
    weeks = []
    for _, share in result.shares.iterrows():
        top = result.top[result.top["window_start"] == share["window_start"]]
        weeks.append({**share.to_dict(), "top": top.drop(columns=["window_start", "window_end"])})
    session = None
    if not result.session_by_turns.empty:
        session = {
            "as_of": result.session_as_of,
            "citation": citation(result.session_as_of),
            "by_turns": result.session_by_turns,
            "harness_turn_range": SESSION_TURNS,
            "by_harness": result.session_by_harness,
        }
    return {
        "apps": to_jsonable(
            {
                "as_of": result.as_of,
                "citation": citation(result.as_of) if result.as_of else None,
                "top_n": TOP_APPS,
                "weeks": weeks,
                "subcategories": result.subcategories,
                "subcategory_groups": SUBCATEGORY_GROUPS,
                "snapshot": bool(is_snapshot(result)),
                "pulls": result.pulls,
                "name_changes": result.name_changes,
                "value_changes": result.value_changes,
            }
        ),
        "session_cost": to_jsonable(session),
    }


SECTION = Section("apps", "Who sent the tokens", compute, blocks, figures)

"""The demand-side vintages (who sent the tokens and for what): read, validate and merge.

- app-rankings: the newest as_of wins per (window, query, app_id); the query (sort, category, subcategory)
  comes from the vintage's provenance because the response does not echo it.
- classifications/task: the newest as_of wins per (window, tag); a tag's leading models come with the
  vintage that won the tag, and macro categories per (window, key).
- session-cost: the newest as_of wins per (window end, app_slug, model_permaslug, turn_range).

Every value an older vintage held that the winner differs from is logged in one revision table
(`table | key | field | old | new | old_vintage | new_vintage | old_as_of`).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs import archive
from tokentrends.inputs.newest import newest_per_key
from tokentrends.inputs.sources import app_rankings, session_cost, task_classifications

APP_COLUMNS = [
    "window_start",
    "window_end",
    "query",
    "sort",
    "category",
    "subcategory",
    "app_id",
    "rank",
    "app_name",
    "tokens",
    "requests",
    "list_complete",
    "vintage",
    "as_of",
]
TAG_COLUMNS = ["window_start", "window_end", *task_classifications.TAG_COLUMNS, "vintage", "as_of"]
TAG_MODEL_COLUMNS = ["window_start", "window_end", *task_classifications.MODEL_COLUMNS, "vintage", "as_of"]
MACRO_COLUMNS = ["window_start", "window_end", *task_classifications.MACRO_COLUMNS, "vintage", "as_of"]
SESSION_COLUMNS = ["window_start", "window_end", *session_cost.COLUMNS, "vintage", "as_of"]
REVISION_COLUMNS = ["table", "key", "field", "old", "new", "old_vintage", "new_vintage", "old_as_of"]
DATES = ("window_start", "window_end")


def empty(columns: list[str]) -> pd.DataFrame:
    """A table with no rows and the right columns (a data folder without demand vintages still prepares)."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c in DATES else object) for c in columns})


def _day(value) -> pd.Timestamp:
    return pd.Timestamp(value).as_unit("s")


def read_apps_vintage(vintage: archive.Vintage) -> pd.DataFrame:
    """One app-rankings vintage as rows of APP_COLUMNS, its query taken from provenance `params`."""
    parsed = app_rankings.read_app_rankings(vintage.path)
    params = vintage.provenance.get("params")
    query = app_rankings.query_of(params, vintage.path)
    for key, day in (("start_date", parsed.start_date), ("end_date", parsed.end_date)):
        if params.get(key) and str(params[key]) != day.isoformat():
            raise InputError(
                vintage.path, f"provenance params.{key} {params[key]} differs from the response's meta.{key} {day}"
            )
    limit = query["limit"] or app_rankings.DEFAULT_LIMIT
    return parsed.frame.assign(
        window_start=_day(parsed.start_date),
        window_end=_day(parsed.end_date),
        query=app_rankings.query_label(query),
        sort=query["sort"],
        category=query["category"],
        subcategory=query["subcategory"],
        page_full=len(parsed.frame) >= limit,
        vintage=vintage.vintage_id,
        as_of=vintage.as_of,
    )


def merge_newest(
    stacked: pd.DataFrame, key: list[str], fields: list[str], table: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The newest as_of wins per key (ties: the later vintage id); every differing older value is logged."""
    if stacked.empty:
        return stacked, pd.DataFrame(columns=REVISION_COLUMNS)
    merged, joined = newest_per_key(stacked, key, ["as_of", "vintage"])
    logs = []
    for field in fields:
        changed = joined[joined[f"{field}_old"].astype(str) != joined[f"{field}_new"].astype(str)]
        if changed.empty:
            continue
        logs.append(
            pd.DataFrame(
                {
                    "table": table,
                    "key": changed[key].astype(str).agg(" | ".join, axis=1),
                    "field": field,
                    "old": changed[f"{field}_old"].astype(str),
                    "new": changed[f"{field}_new"].astype(str),
                    "old_vintage": changed["vintage_old"],
                    "new_vintage": changed["vintage_new"],
                    "old_as_of": changed["as_of_old"],
                }
            )
        )
    revisions = pd.concat(logs, ignore_index=True) if logs else pd.DataFrame(columns=REVISION_COLUMNS)
    return merged.reset_index(drop=True), revisions


def merge_apps(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All app-rankings rows merged per (window, query, app_id). A list is complete when any of its pages
    came back shorter than its limit (a full page may hide more apps)."""
    if not frames:
        return empty(APP_COLUMNS), pd.DataFrame(columns=REVISION_COLUMNS)
    stacked = pd.concat(frames, ignore_index=True)
    list_key = ["window_start", "window_end", "query"]
    complete = (~stacked.groupby(list_key)["page_full"].all()).rename("list_complete").reset_index()
    merged, revisions = merge_newest(stacked, [*list_key, "app_id"], ["tokens", "requests", "rank", "app_name"], "apps")
    merged = merged.drop(columns="page_full").merge(complete, on=list_key, how="left")
    merged = merged.sort_values([*list_key, "rank", "app_id"]).reset_index(drop=True)
    return merged[APP_COLUMNS], revisions


def read_tasks_vintage(vintage: archive.Vintage) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One classifications/task vintage: tags, leading models per tag, macro categories (with window)."""
    parsed = task_classifications.read_task_classifications(vintage.path)
    window = {
        "window_start": _day(parsed.window_start),
        "window_end": _day(parsed.as_of),
        "vintage": vintage.vintage_id,
        "as_of": vintage.as_of,
    }
    return parsed.tags.assign(**window), parsed.models.assign(**window), parsed.macro.assign(**window)


def merge_tasks(
    parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tags per (window, tag), their models from the vintage that won the tag, macro per (window, key)."""
    if not parts:
        return (
            empty(TAG_COLUMNS),
            empty(TAG_MODEL_COLUMNS),
            empty(MACRO_COLUMNS),
            pd.DataFrame(columns=REVISION_COLUMNS),
        )
    window = ["window_start", "window_end"]
    tags, tag_revisions = merge_newest(
        pd.concat([p[0] for p in parts], ignore_index=True),
        [*window, "tag"],
        [c for c in task_classifications.TAG_COLUMNS if c != "tag"],
        "tasks",
    )
    macro, macro_revisions = merge_newest(
        pd.concat([p[2] for p in parts], ignore_index=True),
        [*window, "key"],
        ["label", "usage_share", "token_share"],
        "task_macro",
    )
    models = pd.concat([p[1] for p in parts], ignore_index=True)
    models = models.merge(tags[[*window, "tag", "vintage"]], on=[*window, "tag", "vintage"], how="inner")
    tags = tags.sort_values([*window, "token_share", "tag"], ascending=[True, True, False, True])
    return (
        tags[TAG_COLUMNS].reset_index(drop=True),
        models.sort_values([*window, "tag", "position"])[TAG_MODEL_COLUMNS].reset_index(drop=True),
        macro.sort_values([*window, "token_share"], ascending=[True, True, False])[MACRO_COLUMNS].reset_index(
            drop=True
        ),
        pd.concat([tag_revisions, macro_revisions], ignore_index=True),
    )


def read_session_cost_vintage(vintage: archive.Vintage) -> pd.DataFrame:
    """One session-cost vintage; its window ends on meta.window_end_date, or on the as_of day when null."""
    parsed = session_cost.read_session_cost(vintage.path)
    end = parsed.window_end_date or parsed.as_of.date()
    start = end - timedelta(days=parsed.window_days - 1) if parsed.window_days else None
    return parsed.frame.assign(
        window_start=_day(start) if start else pd.NaT,
        window_end=_day(end),
        vintage=vintage.vintage_id,
        as_of=vintage.as_of,
    )


def merge_session_cost(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not frames:
        return empty(SESSION_COLUMNS), pd.DataFrame(columns=REVISION_COLUMNS)
    merged, revisions = merge_newest(
        pd.concat(frames, ignore_index=True),
        ["window_end", "app_slug", "model_permaslug", "turn_range"],
        ["median_cost_usd", "app_name", "window_start"],
        "session_cost",
    )
    merged = merged.assign(window_start=merged["window_start"].astype("datetime64[s]"))
    return merged.sort_values(["window_end", "app_slug", "model_permaslug", "turn_range"])[SESSION_COLUMNS].reset_index(
        drop=True
    ), revisions


def prepare_demand(vintages: list[archive.Vintage], log=print) -> dict[str, pd.DataFrame]:
    """Every demand table, merged; empty tables with the right columns where a kind has no vintage."""
    apps = [read_apps_vintage(v) for v in vintages if v.kind == archive.APPS]
    tasks = [read_tasks_vintage(v) for v in vintages if v.kind == archive.TASKS]
    costs = [read_session_cost_vintage(v) for v in vintages if v.kind == archive.SESSION_COST]
    if apps or tasks or costs:
        log(
            f"  demand vintages: {len(apps)} app-rankings, {len(tasks)} classifications/task, {len(costs)} session-cost"
        )
    app_table, app_revisions = merge_apps(apps)
    tags, tag_models, macro, task_revisions = merge_tasks(tasks)
    cost_table, cost_revisions = merge_session_cost(costs)
    revisions = [r for r in (app_revisions, task_revisions, cost_revisions) if not r.empty]
    return {
        "apps": app_table,
        "tasks": tags,
        "task_models": tag_models,
        "task_macro": macro,
        "session_cost": cost_table,
        "demand_revisions": pd.concat(revisions, ignore_index=True)[REVISION_COLUMNS]
        if revisions
        else pd.DataFrame({c: pd.Series(dtype=object) for c in REVISION_COLUMNS}),
    }

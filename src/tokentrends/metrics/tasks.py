"""What the tokens were for, and what an agent session costs: the task classifications and session-cost tables.

Pure functions over the prepared `tasks`, `task_models`, `task_macro` and `session_cost` tables
(inputs/demand.py). Task shares are fractions of OpenRouter's classified sample of a week's traffic, rounded to
3 decimals by the API, so sums are close to, not exactly, 1.
"""

from __future__ import annotations

import pandas as pd

from tokentrends.inputs.sources.session_cost import TURN_RANGES

WINDOW = ["window_start", "window_end"]
AGENCY = ("agent", "code")  # the macro categories of agentic and coding work


def macro_shares(task_macro: pd.DataFrame) -> pd.DataFrame:
    """`window_start | window_end | key | label | token_share | usage_share`, largest token share first."""
    columns = [*WINDOW, "key", "label", "token_share", "usage_share"]
    return task_macro.sort_values([*WINDOW, "token_share", "key"], ascending=[True, True, False, True])[
        columns
    ].reset_index(drop=True)


def largest_tags(tasks: pd.DataFrame, n: int, by: str = "token_share") -> pd.DataFrame:
    """The n largest tags of each window by token or by request (usage) share, with their rank."""
    if by not in ("token_share", "usage_share"):
        raise ValueError(f"by must be token_share or usage_share, not {by!r}")
    ordered = tasks.sort_values([*WINDOW, by, "tag"], ascending=[True, True, False, True])
    top = ordered.groupby(WINDOW).head(n).copy()
    top["rank"] = top.groupby(WINDOW).cumcount() + 1
    columns = [*WINDOW, "rank", "tag", "display_name", "macro_category", "token_share", "usage_share"]
    return top[columns].reset_index(drop=True)


def leading_models(task_models: pd.DataFrame, tags: pd.DataFrame, names: dict[str, str], k: int) -> pd.DataFrame:
    """For each tag in `tags` (e.g. largest_tags' output, kept in its order): its k leading models by their share
    of the tag's tokens, with display names from `names` (the permaslug where none is known)."""
    chosen_tags = tags[[*WINDOW, "tag", "display_name"]].assign(tag_order=range(len(tags)))
    chosen = task_models.merge(chosen_tags, on=[*WINDOW, "tag"], how="inner")
    ordered = chosen.sort_values(["tag_order", "tag_token_share", "position"], ascending=[True, False, True])
    top = ordered.groupby([*WINDOW, "tag"], sort=False).head(k).copy()
    top["model_rank"] = top.groupby([*WINDOW, "tag"], sort=False).cumcount() + 1
    top["model_name"] = top["model_permaslug"].map(lambda slug: names.get(slug) or slug)
    columns = [
        *WINDOW,
        "tag",
        "display_name",
        "model_rank",
        "model_permaslug",
        "model_name",
        "tag_token_share",
        "tag_usage_share",
    ]
    return top[columns].reset_index(drop=True)


def agency_share(task_macro: pd.DataFrame, keys: tuple[str, ...] = AGENCY) -> pd.DataFrame:
    """Per window: the share of classified tokens and requests in the agent and code categories together."""
    chosen = task_macro[task_macro["key"].isin(keys)]
    out = chosen.groupby(WINDOW, as_index=False).agg(
        token_share=("token_share", "sum"), usage_share=("usage_share", "sum")
    )
    windows = task_macro[WINDOW].drop_duplicates()
    return (
        windows.merge(out, on=WINDOW, how="left")
        .fillna({"token_share": 0.0, "usage_share": 0.0})
        .reset_index(drop=True)
    )


def session_cost_by_turns(session_cost: pd.DataFrame) -> pd.DataFrame:
    """Per window end and turn range: how many (harness, model) cells, and the median, lowest and highest of
    their median session costs (USD). Turn ranges in the API's order, shortest first."""
    grouped = session_cost.groupby(["window_end", "turn_range"], as_index=False).agg(
        cells=("median_cost_usd", "size"),
        median_usd=("median_cost_usd", "median"),
        low_usd=("median_cost_usd", "min"),
        high_usd=("median_cost_usd", "max"),
    )
    order = {r: i for i, r in enumerate(TURN_RANGES)}
    return grouped.sort_values(
        ["window_end", "turn_range"], key=lambda s: s.map(order) if s.name == "turn_range" else s
    ).reset_index(drop=True)


def session_cost_by_harness(session_cost: pd.DataFrame, turn_range: str) -> pd.DataFrame:
    """Per window end and harness, for one turn range: its models' cells and the median of their medians."""
    chosen = session_cost[session_cost["turn_range"] == turn_range]
    out = chosen.groupby(["window_end", "app_slug"], as_index=False).agg(
        app_name=("app_name", "last"), models=("model_permaslug", "nunique"), median_usd=("median_cost_usd", "median")
    )
    return out.sort_values(["window_end", "median_usd", "app_slug"], ascending=[True, False, True]).reset_index(
        drop=True
    )

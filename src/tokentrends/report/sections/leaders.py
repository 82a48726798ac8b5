"""Leaders: the year's largest models and families, who was #1 most often, and the watched families' paths."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokentrends.metrics import leaders
from tokentrends.metrics.weekly import DAYS_IN_WEEK
from tokentrends.render.charts import line_chart
from tokentrends.render.formatting import esc, fmt_date, fmt_pct, fmt_tokens, sentence, week_with_days
from tokentrends.render.html import subheading, table
from tokentrends.report.jsonable import to_jsonable
from tokentrends.report.model import YearContext
from tokentrends.report.section import Block, Chart, Section


@dataclass(frozen=True)
class Leaders:
    top_models: pd.DataFrame
    top_families: pd.DataFrame
    families_by_quarter: pd.DataFrame
    models_by_quarter: pd.DataFrame
    weeks_at_1: pd.DataFrame
    trajectories: list[dict]
    watch_series: pd.DataFrame  # week_start | family | share of the watched families


def compute(context: YearContext) -> Leaders:
    data, watch = context.data, context.watch
    return Leaders(
        top_models=leaders.top_for_period(data.model_shares, "model_permaslug", 10),
        top_families=leaders.top_for_period(data.family_shares, "family", 10),
        families_by_quarter=leaders.top_by_quarter(data.family_shares, "family", 3),
        models_by_quarter=leaders.top_by_quarter(data.model_shares, "model_permaslug", 3),
        weeks_at_1=leaders.weeks_at_number_one(data.model_shares, "model_permaslug"),
        trajectories=[leaders.trajectory(data.family_shares, "family", f) for f in watch],
        watch_series=leaders.share_series(data.family_shares, "family", watch),
    )


def leaders_text(context: YearContext, result: Leaders) -> str:
    top, families, ones = result.top_models, result.top_families, result.weeks_at_1
    if top.empty:
        return "<p>No model data this year.</p>"
    text = sentence(
        "<p>The year's largest model was <b>{model}</b> with <b>{share}</b> of named-model tokens; by family, "
        "{family} led with <b>{fshare}</b>. ",
        model=context.name(top["model_permaslug"].iloc[0]),
        share=fmt_pct(top["share"].iloc[0]),
        family=families["family"].iloc[0],
        fshare=fmt_pct(families["share"].iloc[0]),
    )
    if len(ones):
        text += sentence(
            "{model} was #1 in the most weeks ({weeks} of {of}).</p>",
            model=context.name(ones["model_permaslug"].iloc[0]),
            weeks=int(ones["weeks_at_1"].iloc[0]),
            of=int(ones["weeks_at_1"].sum()),
        )
    return text


def trajectories_table(trajectories: list[dict], last_week_note: str = "", last_week: str = "") -> str:
    """The watched families' paths; `last_week_note` marks a partial last week (with an asterisk on its column, and
    on a peak in that week (`last_week`, its start), and a line under the table, so the header stays short enough for
    a phone)."""
    last = "share in the last week" + ("*" if last_week_note else "")

    def peak_week(week: str | None) -> str:
        if not week:
            return ""
        return fmt_date(week) + ("*" if last_week_note and str(week)[:10] == last_week[:10] else "")

    frame = pd.DataFrame(
        [
            {
                "family": t["value"],
                "first week": fmt_date(t["first_week"]) if t["first_week"] else "not present",
                f"first week in top {t['top']}": fmt_date(t["first_week_in_top"])
                if t["first_week_in_top"]
                else "never",
                "peak share": fmt_pct(t["peak_share"]) if t["peak_share"] is not None else "",
                "peak week": peak_week(t["peak_week"]),
                last: fmt_pct(t["last_share"]) if t["last_share"] is not None else "",
            }
            for t in trajectories
        ]
    )
    # Dates, like numbers, are never broken across lines ('20 Apr 2026').
    note = f'<p class="tt-caption">* The last week{esc(last_week_note)}.</p>' if last_week_note else ""
    return table(frame, numeric=tuple(c for c in frame.columns if c != "family")) + note


def quarter_table(
    frame: pd.DataFrame, key: str, names: dict[str, str] | None = None, quarter_labels: dict[str, str] | None = None
) -> str:
    """Top values per quarter; models by display name; a partial quarter says how many of its days the data hold."""
    out = frame.assign(share=frame["share"].map(fmt_pct), tokens=frame["tokens"].map(fmt_tokens))
    if names is not None:
        out[key] = out[key].map(lambda v: names.get(v, v))
    if quarter_labels:
        out["quarter"] = out["quarter"].map(lambda q: quarter_labels.get(q, q))
    return table(out.rename(columns={key: "model" if key == "model_permaslug" else key}), numeric=("tokens", "share"))


def partial_week_note(context: YearContext) -> str:
    """' (partial: 5 of 7 days)' when the year's last week is not full, else ''."""
    last = context.data.totals.sort_values("week_start").iloc[-1]
    days = int(last["days_present"])
    return f" ({week_with_days(last['week_start'], days, DAYS_IN_WEEK)})" if days < DAYS_IN_WEEK else ""


def last_week_start(context: YearContext) -> str:
    """The start of the year's last week ('2026-10-05')."""
    return context.data.totals["week_start"].max().strftime("%Y-%m-%d")


def blocks(context: YearContext, result: Leaders) -> list[Block]:
    return [
        leaders_text(context, result),
        Chart(
            "watched-families",
            line_chart(
                result.watch_series.rename(columns={"family": "series"}),
                f"Weekly share of the families the story follows, {context.label}",
                context.note,
                series_title="Family",
                days=context.data.totals,
                models=context.data.models,
            ),
            result.watch_series,
        ),
        trajectories_table(result.trajectories, partial_week_note(context), last_week_start(context)),
        subheading("Top families by quarter")
        + quarter_table(result.families_by_quarter, "family", quarter_labels=context.quarter_labels),
        subheading("Top models by quarter")
        + quarter_table(result.models_by_quarter, "model_permaslug", context.display_names, context.quarter_labels),
    ]


def figures(context: YearContext, result: Leaders) -> dict:
    return {
        "analyses": {
            "leaders": to_jsonable(
                {
                    "top_models": result.top_models,
                    "top_families": result.top_families,
                    "families_by_quarter": result.families_by_quarter,
                    "models_by_quarter": result.models_by_quarter,
                    "weeks_at_1": result.weeks_at_1,
                    "trajectories": result.trajectories,
                }
            )
        }
    }


SECTION = Section("leaders", "Leaders", compute, blocks, figures)

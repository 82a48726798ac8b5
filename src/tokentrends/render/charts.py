"""Altair chart builders with one theme and a stable colour per series (render/chart_files.py puts them on the
page and on disk).
"""

from __future__ import annotations

import hashlib
from itertools import cycle

import altair as alt
import pandas as pd

from tokentrends.metrics.groups import is_known
from tokentrends.metrics.weekly import OTHERS

# Okabe-Ito and Tableau-style colour-blind-safe hues; Others is always grey.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
           "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#76B7B2", "#EDC948", "#9C755F", "#FF9DA7",
           "#1B7837", "#762A83", "#B35806", "#2166AC"]
OTHERS_COLOR = "#BDBDBD"
# Unknown or undisclosed values (a stealth model's lab): greys darker than Others, never a hue.
UNCLASSIFIED_COLORS = ["#6E6E6E", "#4A4A4A", "#939393"]
FONT = "-apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
VEGALITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def token_axis() -> alt.Axis:
    """Token counts as 900B, 8T: the prose's units (SI would print a billion as 'G')."""
    return alt.Axis(format="~s", labelExpr="replace(datum.label, 'G', 'B')")


def series_color(name: str) -> str:
    """The same series gets the same colour in every chart and every year (hash of its name)."""
    if name == OTHERS:
        return OTHERS_COLOR
    index = int(hashlib.md5(name.encode()).hexdigest(), 16) % len(PALETTE)
    return PALETTE[index]


MIN_COLOR_DISTANCE = 110  # "redmean" RGB distance under which two palette colours read as one hue


def color_distance(a: str, b: str) -> float:
    """The 'redmean' approximation of perceived distance between two #rrggbb colours (0 to ~765)."""
    (r1, g1, b1), (r2, g2, b2) = ([int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in (a, b))
    red = (r1 + r2) / 2
    return ((2 + red / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2 + (2 + (255 - red) / 256) * (b1 - b2) ** 2) ** 0.5


def distinct_colors(names: list[str]) -> list[str]:
    """Each name's own colour, except that two names in one chart never share one and, while the palette
    allows, never get two colours that look alike: a later name (in sorted order, so the result is stable)
    moves to the next colour of the palette that is free (and far enough from those taken)."""
    taken: dict[str, str] = {}
    for name in sorted(names):
        if name == OTHERS:
            continue
        index = PALETTE.index(series_color(name))
        candidates = [PALETTE[(index + step) % len(PALETTE)] for step in range(len(PALETTE))]
        free = [c for c in candidates if c not in taken.values()] or candidates
        apart = [c for c in free if all(color_distance(c, t) >= MIN_COLOR_DISTANCE for t in taken.values())]
        taken[name] = (apart or free)[0]
    return [OTHERS_COLOR if n == OTHERS else taken[n] for n in names]


def color_scale(names: list[str]) -> alt.Scale:
    return alt.Scale(domain=list(names), range=distinct_colors(list(names)))


def themed(chart: alt.Chart, title: str, subtitle: str | list[str] = "") -> alt.Chart:
    return chart.properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=16, subtitleFontSize=12),
        width="container", height=360,
    ).configure(font=FONT).configure_axis(labelFontSize=11, titleFontSize=12, grid=False) \
     .configure_view(stroke=None).configure_legend(labelLimit=260, orient="bottom", columns=3)


def weekly_stack_chart(bars: pd.DataFrame, title: str, subtitle: str | list[str] = "") -> alt.Chart:
    """Stacked weekly bars of `week_start | series | tokens | rank | share`, biggest series at the bottom."""
    order = (bars.groupby("series")["tokens"].sum().sort_values(ascending=False).index.tolist())
    if OTHERS in order:
        order = [s for s in order if s != OTHERS] + [OTHERS]
    data = bars.assign(week=bars["week_start"].dt.strftime("%Y-%m-%d"),
                       series_order=bars["series"].map({s: i for i, s in enumerate(order)}))
    pick = legend_pick("series")
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("week:T", title="Week starting (Monday, UTC)"),
        y=alt.Y("sum(tokens):Q", title="Tokens per week", axis=token_axis()),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
        color=alt.Color("series:N", title=None, scale=color_scale(order), sort=order,
                        legend=alt.Legend(symbolLimit=len(order), columns=3)),
        order=alt.Order("series_order:Q", sort="ascending"),  # biggest at the bottom, Others on top
        tooltip=[alt.Tooltip("series:N", title="Model"), alt.Tooltip("week:T", title="Week of"),
                 alt.Tooltip("tokens:Q", title="Tokens", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of week", format=".1%")],
    ).add_params(pick)
    return themed(chart, title, subtitle)


def legend_pick(field: str) -> alt.Parameter:
    """Click a legend entry to highlight that series (shift-click for several; double-click resets)."""
    return alt.selection_point(fields=[field], bind="legend")


def weekly_share_chart(shares: pd.DataFrame, attribute: str, title: str, subtitle: str | list[str] = "",
                       labels: dict[str, str] | None = None, rest: str | None = None) -> alt.Chart:
    """100% stacked weekly bars of `week_start | <attribute> | tokens | share`."""
    labels = labels or {}
    data = shares.assign(week=shares["week_start"].dt.strftime("%Y-%m-%d"),
                         group=shares[attribute].astype(str).map(lambda v: labels.get(v, v)))
    order = data.groupby("group")["tokens"].sum().sort_values(ascending=False).index.tolist()
    if rest in order:
        order = [g for g in order if g != rest] + [rest]
    data["group_order"] = data["group"].map({g: i for i, g in enumerate(order)})
    unclassified = [g for g, known in zip(order, is_known(pd.Series(order)), strict=True) if not known and g != rest]
    greys = dict(zip(unclassified, cycle(UNCLASSIFIED_COLORS), strict=False))
    own = iter(distinct_colors([g for g in order if g != rest and g not in greys]))
    colors = [OTHERS_COLOR if g == rest else greys[g] if g in greys else next(own) for g in order]
    pick = legend_pick("group")
    chart = alt.Chart(data).mark_bar().encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
        x=alt.X("week:T", title="Week starting (Monday, UTC)"),
        y=alt.Y("sum(share):Q", title="Share of named-model tokens", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("group:N", title=None, scale=alt.Scale(domain=order, range=colors), sort=order),
        order=alt.Order("group_order:Q", sort="ascending"),
        tooltip=[alt.Tooltip("group:N", title=attribute.replace("_", " ").capitalize()),
                 alt.Tooltip("week:T", title="Week of"), alt.Tooltip("tokens:Q", title="Tokens", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of week", format=".1%")],
    ).add_params(pick)
    return themed(chart, title, subtitle)


def line_chart(frame: pd.DataFrame, title: str, subtitle: str | list[str] = "", y_title: str = "Share of weekly tokens",
               y_format: str = "%", value: str = "share", series: str = "series") -> alt.Chart:
    """Weekly lines of `week_start | <series> | <value>`, one colour per series (stable across charts)."""
    data = frame.assign(week=frame["week_start"].dt.strftime("%Y-%m-%d"))
    names = list(dict.fromkeys(data[series].astype(str)))
    tooltip_format = ".1%" if y_format == "%" else ",.3f" if y_format.startswith("$") else ",.0f"
    pick = legend_pick(series)
    chart = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
        x=alt.X("week:T", title="Week starting (Monday, UTC)"),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=y_format)),
        color=alt.Color(f"{series}:N", title=None, scale=color_scale(names), sort=names),
        tooltip=[alt.Tooltip(f"{series}:N", title="Series"), alt.Tooltip("week:T", title="Week of"),
                 alt.Tooltip(f"{value}:Q", title=y_title, format=tooltip_format)],
    ).add_params(pick)
    return themed(chart, title, subtitle)


def monthly_chart(monthly: pd.DataFrame, title: str, subtitle: str | list[str] = "") -> alt.Chart:
    """Average tokens per day, by month (partial months comparable)."""
    data = monthly.assign(month_label=monthly["month"].dt.strftime("%Y-%m"))
    chart = alt.Chart(data).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("month_label:O", title="Month"),
        y=alt.Y("daily_avg_tokens:Q", title="Average tokens per day", axis=token_axis()),
        tooltip=[alt.Tooltip("month_label:O", title="Month"),
                 alt.Tooltip("daily_avg_tokens:Q", title="Tokens per day", format=",.0f"),
                 alt.Tooltip("days_present:Q", title="Days with data")],
    )
    return themed(chart, title, subtitle)


def projection_chart(actual: pd.DataFrame, projection: pd.DataFrame, title: str,
                     subtitle: str | list[str] = "") -> alt.Chart:
    """Weekly totals (full weeks) as a line, the projection as a dashed line inside its band."""
    line = actual.assign(week=actual["week_start"].dt.strftime("%Y-%m-%d"), kind="actual")
    band = projection.assign(week=projection["week_start"].dt.strftime("%Y-%m-%d"), kind="projected")
    x = alt.X("week:T", title="Week starting (Monday, UTC)")
    fmt = token_axis()
    layers = alt.layer(
        alt.Chart(band).mark_area(opacity=0.25, color=PALETTE[1]).encode(
            x=x, y=alt.Y("low:Q", title="Tokens per week", axis=fmt), y2="high:Q",
            tooltip=[alt.Tooltip("week:T", title="Week of"), alt.Tooltip("low:Q", format=",.0f", title="Low"),
                     alt.Tooltip("high:Q", format=",.0f", title="High")]),
        alt.Chart(band).mark_line(strokeDash=[6, 4], color=PALETTE[1]).encode(
            x=x, y="projected:Q", tooltip=[alt.Tooltip("week:T", title="Week of"),
                                           alt.Tooltip("projected:Q", format=",.0f", title="Projected")]),
        alt.Chart(line).mark_line(point=alt.OverlayMarkDef(size=18), color=PALETTE[0]).encode(
            x=x, y="total_tokens:Q", tooltip=[alt.Tooltip("week:T", title="Week of"),
                                              alt.Tooltip("total_tokens:Q", format=",.0f", title="Actual")]),
    )
    return themed(layers, title, subtitle)

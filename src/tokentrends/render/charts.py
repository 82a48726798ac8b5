"""Altair chart builders with one theme and a stable colour per series (render/chart_files.py puts them on the
page and on disk).
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from itertools import cycle
from typing import Any

import altair as alt
import pandas as pd

from tokentrends.metrics.groups import is_known
from tokentrends.metrics.weekly import DAYS_IN_WEEK, OTHERS
from tokentrends.render import palette
from tokentrends.render.formatting import display_text, fmt_tokens, human_dates
from tokentrends.render.names import model_labels, readable, without_variant
from tokentrends.render.palette import (
    LAB_HUES,
    UNDISCLOSED_COLORS,
    categorical_colors,
    chart_hues,
    hue_distance,
    lab_key,
    lab_shades,
)

# Okabe-Ito and Tableau-style colour-blind-safe hues; Others is always grey.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#76B7B2",
    "#EDC948",
    "#9C755F",
    "#FF9DA7",
    "#1B7837",
    "#762A83",
    "#B35806",
    "#2166AC",
]
OTHERS_COLOR = palette.OTHERS_COLOR
# Unknown or undisclosed values (a stealth model's lab): greys darker than Others, never a hue.
FONT = "-apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
VEGALITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def token_axis(log_switch: bool = False) -> alt.Axis:
    """Token counts as 900B, 8T: the prose's units (SI would print a billion as 'G'). With `log_switch` the
    axis also reads the log view, whose values are powers of ten."""
    # A thousand trillion reads as 1,000T, as the prose writes it, not SI's 1P.
    linear = "datum.value >= 1e15 ? format(datum.value / 1e12, ',.0f') + 'T' : replace(datum.label, 'G', 'B')"
    if not log_switch:
        return alt.Axis(format="~s", labelExpr=linear)
    log = "replace(format(pow(10, datum.value), '.2~s'), 'G', 'B')"
    # The log view's ticks at whole powers of ten (100B, 1T, 10T), not at 1.6T and 2.5T.
    return alt.Axis(
        format="~s", labelExpr=f"scale == 'log' ? {log} : {linear}", tickMinStep=alt.ExprRef("scale == 'log' ? 1 : 0")
    )


def series_color(name: str) -> str:
    """The same series gets the same colour in every chart and every year (hash of its name)."""
    if name == OTHERS:
        return OTHERS_COLOR
    index = int(hashlib.md5(name.encode()).hexdigest(), 16) % len(PALETTE)
    return PALETTE[index]


MIN_COLOR_DISTANCE = 110  # "redmean" RGB distance under which two palette colours read as one hue


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
        apart = [c for c in free if all(hue_distance(c, t) >= MIN_COLOR_DISTANCE for t in taken.values())]
        taken[name] = (apart or free)[0]
    return [OTHERS_COLOR if n == OTHERS else taken[n] for n in names]


SUBTITLE_LINE = 110  # characters per subtitle line in the static images (860 px wide)


def wrap_lines(text: str | list[str], width: int) -> list[str]:
    """Split text into lines of at most `width` characters at spaces (lists: each item wrapped on its own)."""
    items = [text] if isinstance(text, str) else list(text)
    return [line for item in items for line in (textwrap.wrap(item, width) or [""]) if item]


def human_dates_in(text: str | list[str]) -> str | list[str]:
    """A subtitle's timestamps as a reader writes them ('as of 11 Oct 2026, 00:27 UTC')."""
    return human_dates(text) if isinstance(text, str) else [human_dates(t) for t in text]


def legend_columns() -> alt.ExprRef:
    """One legend column on a phone, two on a tablet, four on a desktop: entries reflow, none is dropped."""
    return alt.ExprRef("width < 430 ? 1 : width < 700 ? 2 : 4")


def legend_label_limit() -> alt.ExprRef:
    """Labels as wide as their column allows (long names end in an ellipsis; the tooltip has them whole)."""
    return alt.ExprRef("width < 430 ? width - 30 : width < 700 ? width / 2 - 30 : width / 4 - 30")


def themed(chart: alt.Chart, title: str, subtitle: str | list[str] = "") -> alt.Chart:
    """One look for every chart, set on `chart` itself (a chart made to be themed), which is returned; the width
    follows the page (phone to desktop) and the legend reflows."""
    # Set as attributes: each of altair's chained calls (configure_axis, ...) deep-copies the whole chart, and
    # properties() checks each value against the schema, which a test does for every chart's spec instead
    # (test__every_chart_spec_is_valid_vega_lite__*), as unchecked_charts() skips the other checks. Not on a copy
    # either: copying a layered chart layers it again (altair re-merges its layers' data and parameters).
    chart.title = alt.TitleParams(
        title,
        subtitle=wrap_lines(human_dates_in(subtitle), SUBTITLE_LINE),
        anchor="start",
        fontSize=16,
        subtitleFontSize=12,
    )
    chart.width = "container"
    chart.height = 360
    chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    chart.config = alt.Config(
        font=FONT,
        axis=alt.AxisConfig(labelFontSize=11, titleFontSize=12, grid=False),
        view=alt.ViewConfig(stroke=None),
        legend=alt.LegendConfig(
            orient="bottom", columns=legend_columns(), labelLimit=legend_label_limit(), symbolLimit=0
        ),
    )
    return chart


DAY = pd.Timedelta(days=1)


def week_axis() -> alt.Axis:
    """Ticks at month starts ('Jan', 'Feb'...), as a reader counts time; weeks themselves start on Mondays."""
    return alt.Axis(
        title=None,
        tickCount={"interval": "month", "step": 1},
        # On a phone, months that would touch ('FebMar') drop every other label, evenly (Jan, Mar, May...): "greedy"
        # dropped whichever touched its neighbour, which left uneven gaps (Jan Feb _ Apr _ Jun Jul Aug _ Oct).
        labelOverlap="parity",
        labelSeparation=6,
        labelAngle=0,
        labelExpr="utcFormat(datum.value, '%b')",
    )


def month_domain(data: pd.DataFrame) -> list[str]:
    """The time axis from the first week to the last week's end, moved back to the month's start when the first
    week starts in that month's first days: a year whose first week starts on 5 Jan still gets its 'Jan' tick
    (one that starts on 30 Dec is left alone: its 'Jan' tick comes two days in)."""
    start = pd.to_datetime(data["week"]).min()
    start = start.replace(day=1) if start.day <= DAYS_IN_WEEK else start
    return [start.strftime("%Y-%m-%d"), pd.to_datetime(data["week_end"]).max().strftime("%Y-%m-%d")]


def partial_weeks(frame: pd.DataFrame, days: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add `days_present`, `is_partial` and `period_days` ('partial (6 of 7 days)' / 'full week') per week.

    Days come from the frame's own `days_present` column, else from `days` (`week_start | days_present`, the
    weekly totals); with neither, no week is marked.
    """
    out = frame.copy()
    if "days_present" not in out.columns and days is not None:
        present = days.drop_duplicates("week_start").set_index("week_start")["days_present"]
        out["days_present"] = out["week_start"].map(present)
    if "days_present" not in out.columns:
        return out.assign(is_partial=False, period_days="")
    count = out["days_present"].fillna(DAYS_IN_WEEK).astype(int)
    out["is_partial"] = count < DAYS_IN_WEEK
    out["period_days"] = [
        f"full week ({DAYS_IN_WEEK} days)" if c >= DAYS_IN_WEEK else f"partial ({c} of {DAYS_IN_WEEK} days)"
        for c in count
    ]
    return out


def clean_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of a chart's data without NUL, control or bidi characters: the renderer writes them into
    the SVG (labels, aria descriptions), where a NUL is not even valid XML."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: display_text(v) if isinstance(v, str) else v)
    return out


def week_fields(frame: pd.DataFrame) -> pd.DataFrame:
    """`week` and `week_end` (ISO dates for a UTC time axis: a bar spans its Monday to Sunday) and `week_label`."""
    start = pd.to_datetime(frame["week_start"])
    return frame.assign(
        week=start.dt.strftime("%Y-%m-%d"),
        week_end=(start + 7 * DAY).dt.strftime("%Y-%m-%d"),
        week_label=start.dt.strftime("%-d %b %Y"),
    )


def with_model_attributes(bars: pd.DataFrame, models: pd.DataFrame | None = None) -> pd.DataFrame:
    """The bars with each series' display `name` and `lab` (from the models table when given, else from the
    permaslug), so the chart can name and colour models while tooltips and CSVs keep the permaslug."""
    labels = model_labels(bars["series"].tolist(), models).rename(columns={"model_permaslug": "series"})
    labels["model"] = [without_variant(n, s) for n, s in zip(labels["name"], labels["series"], strict=True)]
    out = bars.merge(labels, on="series", how="left", validate="m:1")
    if "share" not in out.columns:
        out["share"] = out["tokens"] / out.groupby("week_start")["tokens"].transform("sum")
    return out


def legend_entries(named: pd.DataFrame) -> pd.DataFrame:
    """`series | entry | color | lab_rank | entry_rank` for the named bars `week_start | series | name | model |
    lab | tokens | share` (`model`: the name without its variant, so ':free' and ':beta' share a shade).

    One legend entry per lab, in order of the year's tokens: the legend stays short (a dozen labs, not 60
    models) and a lab reads as one hue all year. Within a lab each model has a shade of its own: the lab's own
    colour for its biggest model, lighter ones for the rest, so a reader can follow a model across the weeks
    (hover names and highlights it).
    """
    totals = named.groupby(["model", "lab"], as_index=False)["tokens"].sum()
    lab_order = totals.groupby("lab")["tokens"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    # Sorted and split once, not filtered per lab: a lab's models by tokens (then name), its series in bar order.
    by_tokens = totals.sort_values(["tokens", "model"], ascending=[False, True])
    models_of = {lab: list(group["model"]) for lab, group in by_tokens.groupby("lab", sort=False)}
    series_of: dict[str, list[tuple[str, str]]] = {}
    first = named.drop_duplicates("series")  # a series has one lab: its first row overall is its first in its lab
    for series, lab, model in zip(first["series"], first["lab"], first["model"], strict=True):
        series_of.setdefault(lab, []).append((series, model))
    rows, hues = [], chart_hues(lab_order)
    for lab_rank, lab in enumerate(lab_order):
        models = models_of[lab]
        shade = dict(zip(models, lab_shades(lab, len(models), hues[lab]), strict=True))
        rank = {m: i for i, m in enumerate(models)}
        rows += [(series, lab, shade[model], lab_rank, rank[model]) for series, model in series_of.get(lab, [])]
    return pd.DataFrame(rows, columns=["series", "entry", "color", "lab_rank", "entry_rank"])


LAB_LEGEND_TITLE = "Lab (a shade per model)"
LOG_SPAN = 10  # a year whose weekly totals span more than this factor gets a log-scale view


def stack_frame(bars: pd.DataFrame, models: pd.DataFrame | None = None) -> pd.DataFrame:
    """The main chart's data: the bars with names, labs, legend entries and colours, partial weeks, token labels
    like the prose's ('1.80T'), and each segment's stacked bounds `y0`/`y1` (biggest lab at the bottom, its
    models together, Others on top)."""
    data = partial_weeks(week_fields(with_model_attributes(bars, models)))
    named = data[data["series"] != OTHERS]
    entries = legend_entries(named)
    data = data.merge(entries, on="series", how="left")
    others = data["series"] == OTHERS
    data.loc[others, ["entry", "color", "lab_rank", "entry_rank"]] = [OTHERS, OTHERS_COLOR, 10**6, 0]
    # Others is many models of many labs: its tooltip says so rather than 'Lab: Others, Permaslug: Others'.
    data["permaslug"] = data["series"].where(~others, "(many: outside the week's top models)")
    data.loc[others, "lab"] = "(many)"
    data["tokens_label"] = data["tokens"].map(fmt_tokens)
    data["stack_order"] = data["lab_rank"] * 1000 + data["entry_rank"]
    return stacked(data.sort_values("tokens", ascending=False, kind="stable"), "stack_order", "tokens")


def stacked(frame: pd.DataFrame, order: str, value: str) -> pd.DataFrame:
    """Each row's bounds `y0`/`y1` in its week's stack, in `order` (ties keep the frame's order), bottom up.
    Computed here rather than by the chart so a log view and partial-week styling can use them row by row."""
    out = frame.sort_values(["week_start", order], kind="stable")
    out["y1"] = out.groupby("week_start")[value].cumsum().astype("float64")
    out["y0"] = out["y1"] - out[value]
    return out.reset_index(drop=True)


def spans_orders_of_magnitude(data: pd.DataFrame, factor: float = LOG_SPAN) -> bool:
    """Whether the weekly totals of full weeks span more than `factor` (a linear axis then squashes the start)."""
    weeks = data[~data["is_partial"]].groupby("week_start")["tokens"].sum()
    weeks = weeks[weeks > 0]
    return len(weeks) > 1 and weeks.max() / weeks.min() > factor


def log_floor(data: pd.DataFrame) -> float:
    """Where the log view's bars start: a third of the smallest week, so every bar has a visible height."""
    weeks = data.groupby("week_start")["tokens"].sum()
    return max(float(weeks[weeks > 0].min()) / 3, 1.0) if (weeks > 0).any() else 1.0


def weekly_stack_chart(
    bars: pd.DataFrame,
    title: str,
    subtitle: str | list[str] = "",
    *,
    models: pd.DataFrame | None = None,
) -> alt.Chart:
    """Stacked weekly bars of `week_start | series | tokens | rank | share | days_present`: a hue per lab with
    shades per model, named by `models=` (the models table) where given.

    Hover a bar to follow its model across the weeks; click a legend entry to keep it highlighted. Weeks with
    fewer than 7 days are drawn lighter with a dashed outline. Where the full weeks span more than LOG_SPAN
    times, a linear/log switch sits under the chart.
    """
    data = clean_text_columns(stack_frame(bars, models))
    # A lab's swatch is the shade of its biggest model: the colour a reader sees most of that lab.
    legend = data.sort_values(["lab_rank", "entry_rank"], kind="stable").drop_duplicates("entry")
    toggle = spans_orders_of_magnitude(data)
    pick = alt.selection_point(name="pick", fields=["entry"], bind="legend")
    hover = alt.selection_point(name="hover", fields=["series"], on="pointerover", clear="pointerout")
    base = alt.Chart()  # the data goes on the layer: given to each part, altair found it shared by hashing its text
    if toggle:
        # On the log scale the bar's top is the week's total; its segments split the bar's height in proportion to
        # their tokens. Log-transformed bounds (log y1 - log y0) made the bottom lab's segment most of every bar.
        bottom = math.log10(log_floor(data))
        height = f"(log(max(datum.week_total, 1))/LN10 - {bottom})"
        base = base.transform_joinaggregate(week_total="max(y1)", groupby=["week"]).transform_calculate(
            lo=f"scale == 'log' ? {bottom} + {height} * datum.y0 / max(datum.week_total, 1) : datum.y0",
            hi=f"scale == 'log' ? {bottom} + {height} * datum.y1 / max(datum.week_total, 1) : datum.y1",
        )
    else:
        base = base.transform_calculate(lo="datum.y0", hi="datum.y1")
    bars = base.mark_bar().encode(
        x=alt.X("week:T", axis=week_axis(), scale=alt.Scale(type="utc", domain=month_domain(data))),
        x2=alt.X2("week_end:T"),
        y=alt.Y(
            "lo:Q",
            title="Tokens per week",
            axis=token_axis(log_switch=toggle),
            scale=alt.Scale(zero=False, nice=True, domainMin=alt.ExprRef("scale == 'log' ? null : 0"))
            if toggle
            else alt.Scale(),
        ),
        y2=alt.Y2("hi:Q"),
        fill=alt.Fill("color:N", scale=None),  # the model's shade of its lab's hue
        opacity=conditional(alt.OpacityValue, pick & hover, alt.value(1.0), alt.value(0.2)),
        **partial_marks(),
        tooltip=[
            alt.Tooltip("name:N", title="Model"),
            alt.Tooltip("lab:N", title="Lab"),
            alt.Tooltip("permaslug:N", title="Permaslug"),
            alt.Tooltip("week_label:N", title="Week of"),
            alt.Tooltip("tokens_label:N", title="Tokens"),
            alt.Tooltip("tokens:Q", title="Exact tokens", format=",.0f"),
            alt.Tooltip("share:Q", title="Share of week", format=".1%"),
            alt.Tooltip("period_days:N", title="Week"),
        ],
    )
    # The legend: one entry per lab in its main colour, drawn by a layer with no marks (its domain is listed, so
    # every lab has its entry); clicking an entry highlights that lab's bars.
    key = (
        base.mark_square(opacity=1)  # the legend takes its symbols from this mark (default opacity 0.7)
        .encode(
            color=alt.Color(
                "entry:N",
                title=LAB_LEGEND_TITLE,
                sort=legend["entry"].tolist(),
                scale=alt.Scale(domain=legend["entry"].tolist(), range=legend["color"].tolist()),
                legend=alt.Legend(symbolLimit=0, orient="bottom"),
            )
        )
        .transform_filter("false")
        .add_params(pick)
    )
    params = [hover]
    if toggle:
        params.append(
            alt.param(name="scale", value="linear", bind=alt.binding_radio(options=["linear", "log"], name="Scale: "))
        )
    chart = alt.layer(key, bars.add_params(*params), data=data)
    chart = themed(chart, title, subtitle)
    if toggle:  # the log view's labels (100B) are wider than the linear one's (8T): laid out again when switched,
        # or the title and the axis title were cut at the left
        chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding", resize=True)
    return chart


# What a group is called in a tooltip where its column's name would not read ("Open weights: Closed weights").
TOOLTIP_TITLES = {"open_weights": "Weights", "origin": "Lab's country"}
PARTIAL_OPACITY = 0.4  # partial periods (a week with fewer than 7 days, a month in progress) are drawn lighter
PARTIAL_OUTLINE = "#444444"  # ...and outlined with a dashed line, so a lighter bar never reads as a lighter shade


def conditional(channel: type, test: Any, if_true: Any, if_false: Any) -> Any:
    """alt.condition as the channel's own value class (alt.OpacityValue, ...). Given the plain dict, altair finds the
    class by hashing its whole schema, ~5 ms a channel: a quarter of building a year's charts."""
    return channel(**alt.condition(test, if_true, if_false))


def partial_marks() -> dict:
    """The encodings that mark a partial period's bar: lighter, with a dashed outline (a full one has a thin white
    edge). Without the outline a partial week looked like a lab's smaller model, drawn in a lighter shade."""
    partial = "datum.is_partial"
    return {
        "fillOpacity": conditional(alt.FillOpacityValue, partial, alt.value(PARTIAL_OPACITY), alt.value(1.0)),
        "stroke": conditional(alt.StrokeValue, partial, alt.value(PARTIAL_OUTLINE), alt.value("white")),
        "strokeDash": conditional(alt.StrokeDashValue, partial, alt.value([3, 2]), alt.value([1, 0])),
        "strokeWidth": conditional(alt.StrokeWidthValue, partial, alt.value(1.0), alt.value(0.3)),
    }


def legend_pick(field: str) -> alt.Parameter:
    """Click a legend entry to highlight that series (shift-click for several; double-click resets)."""
    return alt.selection_point(fields=[field], bind="legend")


def group_colors(order: list[str], attribute: str, rest: str | None, models: pd.DataFrame | None) -> list[str]:
    """Labs in their own hue; families in their lab's hue (shades) when `models` says which lab; unknown or
    undisclosed values in greys darker than the rest's grey; anything else a distinct palette colour."""
    unclassified = [g for g, known in zip(order, is_known(pd.Series(order)), strict=True) if not known and g != rest]
    greys = dict(zip(unclassified, cycle(UNDISCLOSED_COLORS), strict=False))
    lab_of: dict[str, str] = {}
    if attribute == "lab":
        lab_of = {g: g for g in order}
    elif attribute == "family" and models is not None and "family" in models.columns:
        lab_of = family_labs(models)
    colours: dict[str, str] = {}
    by_lab: dict[str, list[str]] = {}
    for g in order:
        if g in lab_of and g not in greys and g != rest:
            by_lab.setdefault(lab_of[g], []).append(g)
    hues = chart_hues(list(by_lab))
    for lab, values in by_lab.items():
        colours.update(zip(values, lab_shades(lab, len(values), hues[lab]), strict=True))
    own = iter(distinct_colors([g for g in order if g != rest and g not in greys and g not in colours]))
    return [
        OTHERS_COLOR if g == rest else greys[g] if g in greys else colours[g] if g in colours else next(own)
        for g in order
    ]


def weekly_share_chart(
    shares: pd.DataFrame,
    attribute: str,
    title: str,
    subtitle: str | list[str] = "",
    labels: dict[str, str] | None = None,
    rest: str | None = None,
    *,
    days: pd.DataFrame | None = None,
    models: pd.DataFrame | None = None,
) -> alt.Chart:
    """100% stacked weekly bars of `week_start | <attribute> | tokens | share`. Labs keep their hue (families
    their lab's, given `models=`); `days=` (weekly totals with days_present) marks partial weeks lighter."""
    labels = labels or {}
    data = clean_text_columns(partial_weeks(week_fields(shares), days))
    values = data[attribute].astype(str).map(lambda v: labels.get(v, v))
    data["group"] = values.map(readable(values.tolist(), models))
    order = data.groupby("group")["tokens"].sum().sort_values(ascending=False).index.tolist()
    if rest in order:
        order = [g for g in order if g != rest] + [rest]
    data["group_order"] = data["group"].map({g: i for i, g in enumerate(order)})
    data["tokens_label"] = data["tokens"].map(fmt_tokens)
    data = stacked(data, "group_order", "share")
    colors = group_colors(order, attribute, rest, models)
    pick = legend_pick("group")
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            opacity=conditional(alt.OpacityValue, pick, alt.value(1.0), alt.value(0.2)),
            **partial_marks(),
            x=alt.X("week:T", axis=week_axis(), scale=alt.Scale(type="utc")),
            x2=alt.X2("week_end:T"),
            y=alt.Y(
                "y0:Q", title="Share of named-model tokens", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            y2=alt.Y2("y1:Q"),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(domain=order, range=colors),
                sort=order,
                legend=alt.Legend(symbolLimit=0),
            ),
            tooltip=[
                alt.Tooltip("group:N", title=TOOLTIP_TITLES.get(attribute, attribute.replace("_", " ").capitalize())),
                alt.Tooltip("week_label:N", title="Week of"),
                alt.Tooltip("tokens_label:N", title="Tokens"),
                alt.Tooltip("tokens:Q", title="Exact tokens", format=",.0f"),
                alt.Tooltip("share:Q", title="Share of week", format=".1%"),
                alt.Tooltip("period_days:N", title="Week"),
            ],
        )
        .add_params(pick)
    )
    return themed(chart, title, subtitle)


def from_first_week(frame: pd.DataFrame, series: str, value: str) -> pd.DataFrame:
    """Drop each series' weeks before its first non-zero value: no flat 0% line before a model or family launched."""
    ordered = frame.sort_values("week_start", kind="stable")
    started = (ordered[value].fillna(0) != 0).groupby(ordered[series]).cummax()
    # A chart whose series never start keeps its zeros: an empty chart has no size to render at.
    return ordered[started].sort_index() if started.any() else frame


def family_labs(models: pd.DataFrame) -> dict[str, str]:
    """Each family's most common lab among its models (a tie: the first by name, as Series.mode orders them). One
    grouping, not a mode per family (~10 ms a chart)."""
    counts = models.groupby(["family", "lab"]).size().reset_index(name="models")
    counts = counts.sort_values(["family", "models", "lab"], ascending=[True, False, True])
    return counts.drop_duplicates("family").set_index("family")["lab"].to_dict()


def line_colors(names: list[str], models: pd.DataFrame | None = None) -> tuple[list[str], list[str]]:
    """(colour per name, the names drawn solid): a lab's line in its hue, a family's in its lab's (given
    `models`); other lines (open weights, Chinese labs, the long tail) in distinct colours far from those, and
    dashed when the chart also has labs' lines so a group never reads as a lab."""
    lab_of = {n: n for n in names if lab_key(n) in LAB_HUES}
    if models is not None and "family" in models.columns:
        families = family_labs(models)
        lab_of.update({n: families[n] for n in names if n in families and n not in lab_of})
    colours: dict[str, str] = {}
    by_lab: dict[str, list[str]] = {}
    for n in names:
        if n in lab_of:
            by_lab.setdefault(lab_of[n], []).append(n)
    hues = chart_hues(list(by_lab))
    for lab, values in by_lab.items():
        colours.update(zip(values, lab_shades(lab, len(values), hues[lab]), strict=True))
    others = [n for n in names if n not in colours]
    colours.update(zip(others, categorical_colors(others, list(colours.values())), strict=True))
    solid = names if not by_lab or not others else [n for n in names if n in lab_of]
    return [colours[n] for n in names], solid


def line_chart(
    frame: pd.DataFrame,
    title: str,
    subtitle: str | list[str] = "",
    y_title: str = "Share of weekly tokens",
    y_format: str = "%",
    value: str = "share",
    series: str = "series",
    *,
    series_title: str | None = None,
    days: pd.DataFrame | None = None,
    models: pd.DataFrame | None = None,
) -> alt.Chart:
    """Weekly lines of `week_start | <series> | <value>`, each from its first week with a value.

    `series_title` names what a line is in the tooltip ("Family", "Lab"; default: the column's name);
    `days=` (weekly totals) draws partial weeks' points hollow with "partial (6 of 7 days)" in the tooltip;
    `models=` colours families in their lab's hue.
    """
    data = clean_text_columns(partial_weeks(week_fields(from_first_week(frame, series, value)), days))
    data[series] = data[series].astype(str).map(readable(data[series].astype(str).tolist(), models))
    names = list(dict.fromkeys(data[series]))
    colours, solid = line_colors(names, models)
    dashes = [[1, 0] if n in solid else [6, 3] for n in names]
    tooltip_format = ".1%" if y_format == "%" else ",.3f" if y_format.startswith("$") else ",.0f"
    label = series_title or ("Line" if series == "series" else series.replace("_", " ").capitalize())
    pick = legend_pick(series)
    base = alt.Chart().encode(  # the data goes on the layer (see weekly_stack_chart)
        x=alt.X("week:T", axis=week_axis(), scale=alt.Scale(type="utc")),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=y_format)),
        color=alt.Color(
            f"{series}:N",
            title=None,
            scale=alt.Scale(domain=names, range=colours),
            sort=names,
            legend=alt.Legend(symbolLimit=0, symbolType="stroke", symbolStrokeWidth=3),
        ),
        strokeDash=alt.StrokeDash(f"{series}:N", scale=alt.Scale(domain=names, range=dashes), sort=names, title=None),
        opacity=conditional(alt.OpacityValue, pick, alt.value(1.0), alt.value(0.15)),
        tooltip=[
            alt.Tooltip(f"{series}:N", title=label),
            alt.Tooltip("week_label:N", title="Week of"),
            alt.Tooltip(f"{value}:Q", title=y_title, format=tooltip_format),
            alt.Tooltip("period_days:N", title="Week"),
        ],
    )
    lines = base.mark_line(strokeWidth=2).add_params(pick)
    same_colours = alt.Scale(domain=names, range=colours)
    points = base.mark_point(size=26, filled=True, strokeWidth=1.5).encode(  # a partial week's point is hollow
        fill=alt.condition(
            "datum.is_partial", alt.value("white"), alt.Color(f"{series}:N", legend=None, scale=same_colours)
        ),
        stroke=alt.Stroke(f"{series}:N", legend=None, scale=same_colours),
        strokeDash=alt.StrokeDashValue([1, 0]),
    )
    return themed(alt.layer(lines, points, data=data), title, subtitle)


def month_fields(monthly: pd.DataFrame) -> pd.DataFrame:
    """`month_label`, `is_partial` (fewer days than the month has) and `period_days` for a monthly frame."""
    month = pd.to_datetime(monthly["month"])
    length = month.dt.days_in_month
    present = monthly["days_present"].astype(int)
    return monthly.assign(
        month_label=month.dt.strftime("%b %Y"),
        month_short=month.dt.strftime("%b"),
        is_partial=present < length,
        period_days=[
            f"partial ({p} of {n} days)" if p < n else f"full month ({n} days)"
            for p, n in zip(present, length, strict=True)
        ],
    )


def monthly_chart(monthly: pd.DataFrame, title: str, subtitle: str | list[str] = "") -> alt.Chart:
    """Average tokens per day, by month (partial months comparable, drawn lighter and said so)."""
    data = month_fields(monthly)
    data["avg_label"] = data["daily_avg_tokens"].map(fmt_tokens)
    chart = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("month_short:O", title=None, sort=data["month_short"].tolist(), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("daily_avg_tokens:Q", title="Average tokens per day", axis=token_axis()),
            **partial_marks(),
            tooltip=[
                alt.Tooltip("month_label:N", title="Month"),
                alt.Tooltip("avg_label:N", title="Tokens per day"),
                alt.Tooltip("daily_avg_tokens:Q", title="Exact tokens per day", format=",.0f"),
                alt.Tooltip("period_days:N", title="Days with data"),
            ],
        )
    )
    return themed(chart, title, subtitle)


def projection_chart(
    actual: pd.DataFrame, projection: pd.DataFrame, title: str, subtitle: str | list[str] = "", *, log: bool = False
) -> alt.Chart:
    """Weekly totals (full weeks) as a line, the projection as a dashed line inside its band. log: a log axis,
    for a year whose weeks span more than 10x (a linear axis would flatten its early weeks under the band)."""
    scale = alt.Scale(type="log") if log else alt.Undefined
    line = week_fields(actual).assign(kind="actual")
    line["total_label"] = line["total_tokens"].map(fmt_tokens)
    band = week_fields(projection).assign(kind="projected")
    for column in ("low", "high", "projected"):
        band[f"{column}_label"] = band[column].map(fmt_tokens)
    x = alt.X("week:T", axis=week_axis(), scale=alt.Scale(type="utc"))
    week = alt.Tooltip("week_label:N", title="Week of")
    layers = alt.layer(
        alt.Chart(band)
        .mark_area(opacity=0.25, color=PALETTE[1])
        .encode(
            x=x,
            y=alt.Y("low:Q", title="Tokens per week" + (" (log scale)" if log else ""), axis=token_axis(), scale=scale),
            y2=alt.Y2("high:Q"),
            tooltip=[week, alt.Tooltip("low_label:N", title="Low"), alt.Tooltip("high_label:N", title="High")],
        ),
        alt.Chart(band)
        .mark_line(strokeDash=[6, 4], color=PALETTE[1])
        .encode(x=x, y=alt.Y("projected:Q"), tooltip=[week, alt.Tooltip("projected_label:N", title="Projected")]),
        alt.Chart(line)
        .mark_line(point=alt.OverlayMarkDef(size=18), color=PALETTE[0])
        .encode(
            x=x,
            y=alt.Y("total_tokens:Q"),
            tooltip=[
                week,
                alt.Tooltip("total_label:N", title="Actual"),
                alt.Tooltip("total_tokens:Q", title="Exact", format=",.0f"),
            ],
        ),
    )
    return themed(layers, title, subtitle)

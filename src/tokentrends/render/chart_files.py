"""Charts on the page and on disk.

On the page, a chart is its Vega-Lite spec drawn by the vega libraries that offline_chart_support() inlines once
per page; the reader downloads PNG and SVG from the live chart (rendered in the browser, with a `download`
attribute, so the reader never leaves the report) and the CSV of its data. Beside the report, each chart's spec
(`charts/<name>.vl.json`) and data (`.csv`) are written with the page; the static PNG/SVG files are rendered from
the specs afterwards (render_chart_files: `make figures`, or after the pages of `make report`), so the pages come
out first.
"""

from __future__ import annotations

import json
import re
from contextlib import AbstractContextManager
from functools import cache
from importlib.metadata import version

import altair as alt
import pandas as pd
import vl_convert
from altair.utils.schemapi import debug_mode

from tokentrends.files import write_atomic
from tokentrends.paths import processed_root
from tokentrends.render.chart_renders import CHARTS_DIR, SPEC_SUFFIX
from tokentrends.render.charts import VEGALITE_VERSION
from tokentrends.render.formatting import esc


@cache
def _bundle() -> str:
    """vega + vega-lite + vega-embed as one script, cached on disk per library version (it takes ~1 s)."""
    cached = processed_root() / "vendor" / f"vega-bundle-{version('vl-convert-python')}-{VEGALITE_VERSION}.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    # "</script" cannot appear inside an inline script; escaping the slash keeps the JS identical.
    bundle = vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION).replace("</script", "<\\/script")
    write_atomic(cached, bundle.encode("utf-8"))
    return bundle


# Downloads rendered by the live chart. Each chart registers its view when drawn; one listener on the page handles
# every download link (a link may be parsed after its chart is drawn, so links are never bound one by one). On the
# first click the image is made, then the same click is replayed as a plain download.
DOWNLOAD_SCRIPT = """
window.ttViews = window.ttViews || {};
function ttDownloads(div, view) { window.ttViews[div.id] = view; }
document.addEventListener('click', function (event) {
  var a = event.target.closest && event.target.closest('a[data-image]');
  if (!a || a.dataset.ready) { return; }
  event.preventDefault();
  var chart = a.closest('figure') && a.closest('figure').querySelector('.tt-chart');
  var view = chart && window.ttViews[chart.id];
  if (!view) { return; }
  var format = a.dataset.image;
  view.toImageURL(format, format === 'png' ? 2 : 1).then(function (url) {
    a.href = url; a.dataset.ready = '1'; a.click();
  }).catch(function (e) { console.error(e); });
});
"""


class OfflineChartSupport:
    """Display once at the top of a notebook: inlines vega, vega-lite and vega-embed for the page."""

    def _repr_html_(self) -> str:
        return f'<script type="text/javascript">{_bundle()}\n{DOWNLOAD_SCRIPT}</script>'


def offline_chart_support() -> OfflineChartSupport:
    return OfflineChartSupport()


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script>: no '<', '>' or '&' survive unescaped."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def spreadsheet_safe(data: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading apostrophe.

    Only the CSV downloads are changed; figures.json and the page keep the exact text.
    """
    out = data.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype(str)
            risky = text.str.match(r"^[=+\-@\t\r]")
            out[column] = text.where(~risky, "'" + text)
    return out


def chart_data_files(spec: dict, data: pd.DataFrame, name: str) -> dict[str, bytes]:
    """The chart's spec (for the static renders) and its data as a spreadsheet-safe CSV, by path in the report."""
    return {
        f"{CHARTS_DIR}/{name}{SPEC_SUFFIX}": json.dumps(spec, sort_keys=True).encode("utf-8"),
        f"{CHARTS_DIR}/{name}.csv": spreadsheet_safe(data).to_csv(index=False).encode("utf-8"),
    }


def unused_fields_dropped(spec: dict) -> dict:
    """The spec with the inline data's columns that nothing in the spec names left out: a page carries every
    chart's data, and helper columns (ranks, raw timestamps) would be sent for nothing. The CSV keeps them all."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    rest = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    named = {m.group(0) for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", rest)}
    kept = {
        name: [{k: v for k, v in row.items() if k in named} for row in rows]
        if rows and isinstance(rows[0], dict)
        else rows
        for name, rows in datasets.items()
    }
    return {**spec, "datasets": kept}


_VIEW_NAME = re.compile(r"\bview_[0-9a-f]{16}(?![0-9a-f])")


def stable_view_names(spec: dict) -> dict:
    """The spec with altair's layer view names ('view_<hash of the chart's repr>') numbered in order of appearance:
    the hash covers the text pandas prints for a frame, which depends on the terminal (its width and whether there
    is one), so the same chart got another name from a shell, a pipe or a kernel, and its static files were drawn
    again. The inline data is left as it is: view names are in the spec's views and params, and a chart's data can
    hold any text (and is most of the spec's size)."""
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    names: dict[str, str] = {}
    for match in _VIEW_NAME.finditer(text):
        names.setdefault(match.group(0), f"view_{len(names) + 1}")
    if not names:
        return spec
    renamed = json.loads(_VIEW_NAME.sub(lambda m: names[m.group(0)], text))
    return {k: spec[k] if k == "datasets" else renamed[k] for k in spec}


def unchecked_charts() -> AbstractContextManager:
    """Building charts without altair's schema checks (as each object is made and when its spec is written): they
    are about half of drawing a year's charts. The page path skips them; a test checks every chart of both sample
    years against the Vega-Lite schema (test_every_chart_spec_is_valid_vega_lite)."""
    return debug_mode(False)


class ChartView:
    """An altair chart as offline HTML, with PNG/SVG downloads from the live chart and its CSV when written."""

    def __init__(self, chart: alt.TopLevelMixin, name: str, data: pd.DataFrame, written: bool):
        """written: the chart's files go beside the page (self.files), so the page links its CSV."""
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
            raise ValueError(f"chart name {name!r} must be lower-case letters, digits and dashes")
        self.name = name
        self.spec = stable_view_names(unused_fields_dropped(chart.to_dict(validate=False)))
        self.written = written
        self.files = chart_data_files(self.spec, data, name) if written else {}

    def _repr_html_(self) -> str:
        div = f"tt-chart-{self.name}"
        links = [
            f'<a href="#" data-image="png" download="{self.name}.png">PNG</a>',
            f'<a href="#" data-image="svg" download="{self.name}.svg">SVG</a>',
        ]
        if self.written:
            links.append(f'<a href="charts/{esc(self.name)}.csv" download>CSV (data)</a>')
        return (
            f'<figure class="tt-figure">{html_title(self.spec)}<div class="tt-chart" id="{div}" '
            f'data-chart="{self.name}"></div>'
            f'<script type="text/javascript">(function () {{ var spec = {_script_json(self.spec)};'
            f' if (window.vegaEmbed) {{ vegaEmbed("#{div}", spec, {{actions: false, renderer: "svg",{NARROW_PATCH}}})'
            f".then(function (r) {{ if (window.ttDownloads) {{"
            f' ttDownloads(document.getElementById("{div}"), r.view); }} }})'
            f".catch(function (e) {{ console.error(e); }}); }} }})();</script>"
            f"{partial_caption(self.spec)}"
            f'<p class="tt-chart-files">Download: {" · ".join(links)}</p></figure>'
        )


PARTIAL_CAPTION = (
    '<p class="tt-caption tt-partial-key">Lighter bars with a dashed outline, and hollow points, are partial '
    "periods (days missing); their tooltip says how many days.</p>"
)


def partial_caption(spec: dict) -> str:
    """The key to the partial-period marks, under a chart that draws any (only the tooltip said it before)."""
    rows = (row for rows in (spec.get("datasets") or {}).values() for row in rows if isinstance(row, dict))
    return PARTIAL_CAPTION if any(row.get("is_partial") is True for row in rows) else ""


NARROW = 900  # px: below this the chart's title is HTML (report.css shows .tt-chart-title at the same width)
# On a narrow screen the chart is drawn without its own title (the HTML one above it wraps instead).
NARROW_PATCH = (
    f" patch: window.matchMedia('(max-width: {NARROW - 1}px)').matches"
    " ? function (v) { delete v.title; return v; } : undefined"
)


def html_title(spec: dict) -> str:
    """The chart's title and subtitle as HTML, shown on narrow screens where they wrap (SVG text would be cut
    off at 390 px); wider screens, the static files and the downloads keep the chart's own."""
    title = spec.get("title")
    if not isinstance(title, dict):
        return ""
    text = title.get("text", "")
    subtitle = title.get("subtitle") or []
    lines = [subtitle] if isinstance(subtitle, str) else subtitle
    heading = f'<figcaption class="tt-chart-title">{esc(text if isinstance(text, str) else " ".join(text))}'
    if lines:
        heading += f'<span class="tt-chart-subtitle">{esc(" ".join(lines))}</span>'
    return heading + "</figcaption>"

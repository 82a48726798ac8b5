"""The built pages in a real browser (Debian chromium via Playwright), offline, from file:// URLs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from browser_pages import open_offline
from tokentrends import build
from tokentrends.render.formatting import fmt_multiple, fmt_tokens

HOSTILE = ["evil/<script>alert(1)</script>", "evil/<img src=x onerror=alert(2)>", "evil/\"quoted\" & 'single'"]


# How many of a chart's bars are faded (a hover or a legend click dims all but one series or lab).
FADED_BARS = (
    "c => Array.from(c.querySelectorAll('path[aria-roledescription=bar]'))"
    ".filter(p => p.getAttribute('opacity') === '0.2').length"
)


def check_page(browser, folder: Path) -> tuple[object, dict]:
    page, seen = open_offline(browser, folder / "report.html")
    charts = page.locator(".tt-chart")
    assert charts.count() >= 8
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg, canvas").count() >= 1
        assert charts.nth(i).locator("svg path, svg rect, canvas").count() > 0
    figures = json.loads((folder / "figures.json").read_text())
    head = figures["headline"]
    expected = {
        "first_full_week": fmt_tokens(head["first_full_week"]["total_tokens"]),
        "peak_week": fmt_tokens(head["peak_week"]["total_tokens"]),
        "last_full_week": fmt_tokens(head["last_full_week"]["total_tokens"]),
        "growth_peak_over_first": fmt_multiple(head["growth_peak_over_first"]),
        "growth_last_over_first": fmt_multiple(head["growth_last_over_first"]),
    }
    for key, text in expected.items():
        assert page.locator(f'[data-figure~="{key}"] b').inner_text() == text, key
    for claim in figures["claims"]:
        assert page.locator(f'tr[data-claim="{claim["id"]}"] .tt-verdict').inner_text() == claim["verdict"]
    page.screenshot(path=str(folder / "screenshot.png"), full_page=True)
    assert seen["requests"] == [] and seen["errors"] == [] and seen["dialogs"] == []
    assert (folder / "report.html").stat().st_size <= 2_000_000
    return page, seen


def test__browser__sample_pages_render_offline(browser, sample_reports):
    for year in (2025, 2026):
        page, _ = check_page(browser, sample_reports / str(year))
        assert "SYNTHETIC SAMPLE DATA" in page.locator(".tt-banner").inner_text()
        page.close()
    index, seen = open_offline(browser, sample_reports / "index.html")
    assert index.locator(".tt-card").count() == 2
    assert index.locator(".tt-card svg.tt-spark").count() == 2
    assert seen["requests"] == [] and seen["errors"] == []


def test__browser__phone_width_has_no_page_overflow(browser, sample_reports):
    page, seen = open_offline(browser, sample_reports / "2025" / "report.html", width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    assert seen["errors"] == []


@pytest.fixture(scope="module")
def real_reports(shared_data, tmp_path_factory) -> Path:
    """Both years built from the real vintages, once for this module's tests."""
    out = tmp_path_factory.mktemp("real-reports")
    build.build_reports(shared_data, reports_dir=out, log=lambda *_: None)
    return out


def test__browser__real_pages(browser, real_reports):
    out = real_reports
    for year in (2025, 2026):
        page, _ = check_page(browser, out / str(year))
        assert page.locator(".tt-banner").count() == 0
        page.close()
        assert_story_first(browser, out / str(year))
        for width, height in VIEWPORTS:
            assert_readable_layout(browser, out / str(year), width, height)


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory) -> Path:
    """A vintage whose model slugs are hostile HTML and quotes, built into reports."""
    data = tmp_path_factory.mktemp("hostile-data") / "rankings-daily" / "hostile"
    data.mkdir(parents=True)
    with open(data / "rankings-daily.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "model_permaslug", "total_tokens"])
        for i, day in enumerate(pd.date_range("2025-01-06", "2025-02-09")):
            writer.writerow([day.strftime("%Y-%m-%d"), "lab/normal-model", 1000 + 10 * i])
            for j, slug in enumerate(HOSTILE):
                writer.writerow([day.strftime("%Y-%m-%d"), slug, 500 + 100 * j + 20 * i])
            writer.writerow([day.strftime("%Y-%m-%d"), "other", 50])
    out = tmp_path_factory.mktemp("hostile-reports")
    build.build_reports(data.parent.parent, reports_dir=out, log=lambda *_: None)
    return out / "2025"


def test__browser__hostile_text_is_shown_never_run(browser, hostile_reports):
    page, seen = open_offline(browser, hostile_reports / "report.html")
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    text = page.locator("main").inner_text()
    assert "evil/<script>alert(1)</script>" in text  # shown as text
    bar = page.locator('.tt-chart[data-chart=weekly-top-models] path[aria-roledescription="bar"]').first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.locator("img, script").count() == 0  # the tooltip shows the slug as text
    assert "evil/" in tooltip.inner_text() or "lab/normal-model" in tooltip.inner_text()
    assert seen["dialogs"] == []
    figures = json.loads((hostile_reports / "figures.json").read_text())
    assert {t["model_permaslug"] for w in figures["weekly"] for t in w["top"]} >= set(HOSTILE)
    rows = pd.read_csv(hostile_reports / "charts" / "weekly-top-models.csv")
    assert set(HOSTILE) <= set(rows["series"])


def test__hostile_html_escaped_in_source(hostile_reports):
    html = (hostile_reports / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html


def test__browser__legend_click_highlights_one_series(browser, sample_reports):
    page, seen = open_offline(browser, sample_reports / "2025" / "report.html")
    chart = page.locator(".tt-chart[data-chart=weekly-top-models]")
    chart.scroll_into_view_if_needed()
    assert chart.evaluate(FADED_BARS) == 0
    chart.locator("g.role-legend-symbol path").first.click(force=True)
    page.wait_for_timeout(300)
    bars = chart.locator("path[aria-roledescription=bar]").count()
    assert 0 < chart.evaluate(FADED_BARS) < bars
    assert seen["errors"] == []


def test__spreadsheet_safe__formulas_become_text():
    from tokentrends.render.chart_files import spreadsheet_safe

    frame = pd.DataFrame({"series": ["=HYPERLINK(1)", "@x", "a/b", "-2+3"], "tokens": [-1, 2, 3, 4]})
    got = spreadsheet_safe(frame)
    assert got["series"].tolist() == ["'=HYPERLINK(1)", "'@x", "a/b", "'-2+3"]
    assert got["tokens"].tolist() == [-1, 2, 3, 4]


VIEWPORTS = [(1280, 800), (390, 844)]

# Per chart: its box, the text elements lying outside it, its legend labels (each with whether it is visible
# inside the box) and the legend's expected entries (the colour domain of the spec the page embeds).
CHART_LAYOUT = """() => Array.from(document.querySelectorAll('.tt-chart')).map(c => {
  const box = c.getBoundingClientRect();
  const inside = r => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
                      && r.bottom <= box.bottom + 1;
  const texts = Array.from(c.querySelectorAll('svg text')).filter(t => t.textContent.trim());
  const outside = texts.filter(t => !inside(t.getBoundingClientRect())).map(t => t.textContent);
  const legend = Array.from(c.querySelectorAll('.role-legend-label text')).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, visible: r.width > 0 && r.height > 0 && inside(r)};
  });
  const script = c.nextElementSibling.textContent;
  const spec = JSON.parse(script.slice(script.indexOf('var spec = ') + 11, script.indexOf('; if (window.vegaEmbed')));
  const find = s => s && s.encoding && s.encoding.color && s.encoding.color.scale
                    ? s.encoding.color.scale.domain : (s && s.layer ? find(s.layer[0]) : null);
  return {name: c.dataset.chart, outside, legend, domain: find(spec) || null};
})"""


def open_at(browser, page_path: Path, width: int, height: int):
    page, seen = open_offline(browser, page_path, width)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(400)  # charts re-fit to the new width
    return page, seen


def assert_readable_layout(browser, folder: Path, width: int, height: int) -> None:
    """No sideways scroll; no chart text outside its chart; every legend entry there and visible; no permaslug in a
    legend; a screenshot saved beside the page."""
    year = folder.name
    page, seen = open_at(browser, folder / "report.html", width, height)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    slugs = set(pd.read_csv(folder / "charts" / "weekly-top-models.csv")["series"]) - {"Others"}
    for chart in page.evaluate(CHART_LAYOUT):
        assert chart["outside"] == [], (year, width, chart["name"], chart["outside"][:5])
        if chart["domain"] is not None:  # a colour scale with its values listed: every one has its entry
            assert len(chart["legend"]) == len(chart["domain"]), (year, width, chart["name"])
        assert all(label["visible"] for label in chart["legend"]), (year, width, chart["name"])
        labels = [label["text"] for label in chart["legend"]]
        assert not [t for t in labels if any(slug in t for slug in slugs)], (chart["name"], labels)
    page.screenshot(path=str(folder / f"screenshot-{width}.png"), full_page=True)
    assert seen["errors"] == [] and seen["requests"] == []
    page.close()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test__browser__charts_fit_legends_complete_names_not_slugs(browser, sample_reports, width, height):
    for year in (2025, 2026):
        assert_readable_layout(browser, sample_reports / str(year), width, height)


def test__browser__partial_weeks_marked_and_said_in_the_tooltip(browser, sample_reports):
    for year in (2025, 2026):
        page, seen = open_offline(browser, sample_reports / str(year) / "report.html", 1280)
        chart = page.locator(".tt-chart[data-chart=weekly-top-models]")
        assert '"is_partial": true' in chart.locator("xpath=following-sibling::script[1]").inner_text()
        lighter = chart.locator('path[aria-roledescription="bar"][fill-opacity="0.4"]')
        assert lighter.count() > 0, year  # the partial first (2025) or last (2026) week is drawn lighter
        assert lighter.first.get_attribute("stroke-dasharray") == "3,2", year  # ...and outlined dashed, as the key says
        lighter.first.scroll_into_view_if_needed()
        box = lighter.first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert "partial (" in tooltip.inner_text() and "of 7 days)" in tooltip.inner_text()
        assert seen["errors"] == []
        page.close()


def test__browser__hover_highlights_one_model_across_weeks(browser, sample_reports):
    page, seen = open_offline(browser, sample_reports / "2026" / "report.html", 1280)
    chart = page.locator(".tt-chart[data-chart=weekly-top-models]")
    bar = chart.locator('path[aria-roledescription="bar"]').nth(3)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    total = chart.locator('path[aria-roledescription="bar"]').count()
    assert 0 < chart.evaluate(FADED_BARS) < total - 1  # the model's bars in other weeks stay lit too
    assert seen["errors"] == []


def test__browser__a_click_on_a_lab_in_the_legend_keeps_its_models_lit(browser, sample_reports):
    page, seen = open_offline(browser, sample_reports / "2025" / "report.html", 1280)
    chart = page.locator(".tt-chart[data-chart=weekly-top-models]")
    labels = chart.locator("g.role-legend-label text")
    lab = labels.first.text_content()
    labels.first.scroll_into_view_if_needed()
    labels.first.click()
    page.mouse.move(1, 1)
    page.wait_for_timeout(300)
    total = chart.locator('path[aria-roledescription="bar"]').count()
    lit = total - chart.evaluate(FADED_BARS)
    script = chart.locator("xpath=following-sibling::script[1]").inner_text()
    spec = json.loads(script[script.index("var spec = ") + len("var spec = ") : script.index("; if (window")])
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert lit == sum(row["entry"] == lab for row in rows) > 0, lab  # that lab's bars stay lit, the others fade
    assert lit < total
    assert seen["errors"] == []
    page.close()


@pytest.fixture(scope="module")
def display_hostile_reports(tmp_path_factory) -> Path:
    """Names built to break a page: 10,000 characters, a right-to-left override, a NUL byte, line and paragraph
    separators (U+2028, U+2029: they end a string in the chart libraries' expressions, and the build failed)."""
    data = tmp_path_factory.mktemp("display-data") / "rankings-daily" / "names"
    data.mkdir(parents=True)
    with open(data / "rankings-daily.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "model_permaslug", "total_tokens"])
        for i, day in enumerate(pd.date_range("2025-01-06", "2025-02-12")):
            for j, slug in enumerate(["lab/normal-model", LONG_NAME, SPOOF, NUL_NAME, SEPARATOR_NAME]):
                writer.writerow([day.strftime("%Y-%m-%d"), slug, 1000 - 100 * j + 10 * i])
            writer.writerow([day.strftime("%Y-%m-%d"), "other", 50])
    out = tmp_path_factory.mktemp("display-reports")
    build.build_reports(data.parent.parent, reports_dir=out, log=lambda *_: None)
    return out / "2025"


LONG_NAME = "evil/" + "w" * 10_000
SPOOF = "evil/model\u202egpj.exe"
NUL_NAME = "evil/nul\x00byte"
SEPARATOR_NAME = "evil/line\u2028sep\u2029arator"


def test__browser__hostile_names_never_widen_spoof_or_reach_the_html(browser, display_hostile_reports):
    raw = (display_hostile_reports / "report.html").read_bytes()
    assert b"\x00" not in raw and "\u202e".encode() not in raw and "\u2028".encode() not in raw
    for width, height in VIEWPORTS:
        page, seen = open_at(browser, display_hostile_reports / "report.html", width, height)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        text = page.locator("main").inner_text()
        assert "\u202e" not in text and "evil/line sep arator" in text
        charts = page.locator(".tt-chart").count()
        assert charts and page.locator(".tt-chart svg").count() == charts  # every chart drawn
        for chart in page.evaluate(CHART_LAYOUT):
            assert all(label["visible"] for label in chart["legend"]), chart["name"]
            assert chart["outside"] == [], (width, chart["name"])
        assert seen["errors"] == [] and seen["dialogs"] == []
        page.close()


def test__browser__png_and_svg_downloads_come_from_the_live_chart(browser, sample_reports):
    page, seen = open_offline(browser, sample_reports / "2025" / "report.html")
    for chart in ("weekly-top-models", "outlook"):
        figure = page.locator(f'figure:has([data-chart="{chart}"])')
        for image, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
            with page.expect_download(timeout=15_000) as download:
                figure.locator(f'a[data-image="{image}"]').click()
            assert download.value.suggested_filename == f"{chart}.{image}"
            assert Path(download.value.path()).read_bytes().lstrip()[:4] == magic
    assert seen["requests"] == [] and seen["errors"] == []
    page.close()


def assert_story_first(browser, folder: Path) -> None:
    """At 1280x800: the tab names the year; at least three takeaways and 200 px of the main chart are in view; on a
    phone, the main chart's title and its first 150 px."""
    year = folder.name
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto((folder / "report.html").resolve().as_uri())
    page.wait_for_selector('[data-chart="weekly-top-models"] svg', timeout=30_000)
    assert str(year) in page.title() and "Notebook" not in page.title()
    items = page.locator(".tt-takeaways li")
    assert items.count() >= 3
    assert all(items.nth(i).bounding_box()["y"] + items.nth(i).bounding_box()["height"] <= 800 for i in range(3))
    chart = page.locator('[data-chart="weekly-top-models"]').bounding_box()
    assert chart["y"] <= 800 - 200  # at least 200 px of the main chart on the first screen
    page.close()
    # A phone (390x844): the main chart's figure (its title, then the chart) starts on the first screen too.
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((folder / "report.html").resolve().as_uri())
    page.wait_for_selector('[data-chart="weekly-top-models"] svg', timeout=30_000)
    figure = page.locator("figure.tt-figure").first.bounding_box()
    assert figure["y"] <= 844 - 150, figure
    page.close()


@pytest.mark.parametrize("year", [2025, 2026])
def test__browser__first_screen_has_the_story_and_the_main_chart(browser, sample_reports, year):
    assert_story_first(browser, sample_reports / str(year))


MONTH_LABELS = """c => Array.from(c.querySelectorAll('g.role-axis-label text'))
    .filter(t => /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/.test(t.textContent))
    .map(t => [t.textContent, t.getAttribute('opacity') !== '0'])"""
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def test__browser__a_phone_shows_the_months_evenly_when_some_must_go(browser, sample_reports):
    """At 390 px a year's month labels do not all fit: every other one goes (Jan, Mar, May...), never an uneven
    few (Jan Feb _ Apr _ Jun), which reads as missing months."""
    page, _seen = open_offline(browser, sample_reports / "2025" / "report.html", width=390)
    thinned = 0
    for chart in page.locator(".tt-chart").all():
        labels = chart.evaluate(MONTH_LABELS)
        shown = [i for i, (_month, visible) in enumerate(labels) if visible]
        if len(labels) < 6 or len(shown) == len(labels):
            continue
        thinned += 1
        gaps = {b - a for a, b in zip(shown, shown[1:], strict=False)}
        assert len(gaps) == 1, f"{chart.get_attribute('data-chart')}: uneven month labels {labels}"
        assert [MONTHS.index(m) for m, _ in labels] == [
            (MONTHS.index(labels[0][0]) + i) % 12 for i in range(len(labels))
        ]
    assert thinned >= 3  # the check saw month axes that had to drop labels
    page.close()


def test__browser__the_log_view_splits_each_bar_by_its_shares_with_ticks_at_powers_of_ten(browser, real_reports):
    """On the log scale a bar's segments keep their share of its height (log-transformed bounds made the bottom
    lab most of every bar), and the axis reads 100B, 1T, 10T."""
    page, seen = open_offline(browser, real_reports / "2025" / "report.html", 1280)  # 2025 grew 14x: a log switch
    chart = page.locator(".tt-chart[data-chart=weekly-top-models]")
    chart.scroll_into_view_if_needed()
    chart.locator("input[type=radio][value=log]").check()
    page.wait_for_timeout(500)
    left = chart.bounding_box()["x"]
    for text in ("g.role-title text", "g.role-axis-title text"):  # laid out again: nothing cut at the left
        assert all(box["x"] >= left - 1 for box in [t.bounding_box() for t in chart.locator(text).all()]), text
    script = chart.locator("xpath=following-sibling::script[1]").inner_text()
    spec = json.loads(script[script.index("var spec = ") + len("var spec = ") : script.index("; if (window")])
    rows = pd.DataFrame([row for rows in spec["datasets"].values() for row in rows if "y0" in row])
    totals = rows.groupby("week")["y1"].transform("max")
    bottom_shares = sorted((rows.loc[rows["y0"] == 0, "tokens"] / totals[rows["y0"] == 0]).round(3))
    boxes = chart.locator('path[aria-roledescription="bar"]').evaluate_all(
        "bars => bars.map(b => { const r = b.getBoundingClientRect(); return [r.x, r.y, r.height]; })"
    )
    weeks: dict[int, list[tuple[float, float]]] = {}
    for x, y, height in boxes:
        weeks.setdefault(round(x), []).append((y, height))
    drawn = []
    for segments in weeks.values():
        bottom = max(segments)  # lowest on the screen
        drawn.append(bottom[1] / sum(h for _, h in segments))
    assert len(drawn) == rows["week"].nunique()
    for fraction in drawn:  # each week's bottom segment is its share of the bar, within a pixel's worth
        assert min(abs(fraction - share) for share in bottom_shares) < 0.03, (fraction, bottom_shares)
    ticks = chart.locator("g.role-axis-label text").all_text_contents()
    powers = {f"{m}{unit}" for unit in ("K", "M", "B", "T") for m in (1, 10, 100)}
    assert ticks and all(t in powers for t in ticks if t[0].isdigit() and "-" not in t and " " not in t), ticks
    assert seen["errors"] == []
    page.close()

"""The section registry drives the notebook's order, the contents list and figures.json; the README documents
every figures.json key."""

from __future__ import annotations

import json
import re

import jupytext
import nbformat
import pandas as pd
import pytest

from conftest import ROOT
from html_checks import tag_errors
from tokentrends.inputs import prepare
from tokentrends.render.formatting import esc
from tokentrends.report.model import load_prepared
from tokentrends.report.section import Chart, Section, no_figures
from tokentrends.report.sections import SECTIONS, title
from tokentrends.report.year_report import compute_order, compute_year

NOTEBOOK = ROOT / "notebooks" / "year_in_review.py"


def shown_sections(cells) -> list[tuple[str, str | None]]:
    """(section shown, the markdown heading just before its cell) in notebook order."""
    out, heading = [], None
    for cell in cells:
        if cell.cell_type == "markdown":
            match = re.match(r"##\s+(.+)", cell.source)
            heading = match.group(1).strip() if match else heading
            continue
        for name in re.findall(r'report\.show\("([a-z_]+)"\)', cell.source):
            out.append((name, heading))
            heading = None
    return out


def test__notebook__shows_every_section_once_in_registry_order_under_its_title():
    shown = shown_sections(jupytext.read(NOTEBOOK).cells)
    assert [name for name, _ in shown] == [s.name for s in SECTIONS]
    for (name, heading), section in zip(shown, SECTIONS, strict=True):
        assert heading == section.title, name  # the title section has no heading of its own (None)


def test__notebook__saved_from_jupyterlab_unchanged_changes_nothing():
    """Opening the .py as a notebook and saving it back (as JupyterLab's jupytext does) gives the same text."""
    text = NOTEBOOK.read_text()
    as_ipynb = nbformat.writes(jupytext.reads(text, fmt="py:percent"))
    assert jupytext.writes(nbformat.reads(as_ipynb, as_version=4), fmt="py:percent") == text


def documented_keys() -> tuple[set[str], set[str]]:
    """Top-level keys and `analyses` sub-keys from the README's figures.json table."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("### `figures.json` keys", 1)[1].split("\n\n", 2)[1]
    top = set()
    for line in table.splitlines()[2:]:
        top |= set(re.findall(r"`([a-z_0-9]+)(?:\[\])?`", line.split("|")[1]))
    analyses_line = next(line for line in table.splitlines() if line.startswith("| `analyses`"))
    analyses = set(re.findall(r"`([a-z_]+)`(?: \(|$)", analyses_line.split("|")[2].strip()))
    return top, analyses


@pytest.fixture(scope="module")
def sample_report(sample_data, tmp_path_factory):
    processed = prepare.prepare(sample_data, tmp_path_factory.mktemp("processed"), log=lambda *_: None)
    return compute_year(load_prepared(processed), 2025)


def test__tag_balance__sees_a_stray_end_tag_and_an_unclosed_element():
    assert tag_errors("<p>a<b>b</b><br>c</p><figure><div></div></figure>") == []
    assert tag_errors(" No model entered.</p>") and tag_errors("<p>open") and tag_errors("<p><b>x</p></b>")


def test__sections__every_section_is_well_formed_html(sample_report):
    # The sample has no lab whose share rose: the disruptors' paragraph lost its <p> and kept its </p>, which
    # nbconvert's closing BeautifulSoup pass used to drop (the page's exporter no longer makes that pass). Both built
    # sample pages are checked whole in test_build.py.
    for section in SECTIONS:
        assert tag_errors(sample_report.render(section.name, written=False).html) == [], section.name


def test__figures__every_documented_key_is_written_and_every_written_key_documented(sample_report):
    figures = sample_report.figures()
    top, analyses = documented_keys()
    assert top == set(figures), "README table and figures.json top-level keys differ"
    assert analyses == set(figures["analyses"]), "README `analyses` keys and figures.json differ"


def test__figures__strict_json_and_contents_from_the_registry(sample_report, tmp_path):
    sample_report.output_dir = tmp_path
    path = sample_report.write_figures()
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    titled = [s for s in SECTIONS if s.title]
    assert sample_report.context.contents == tuple((s.anchor, s.title) for s in titled)
    under_the_chart = sample_report.show("main_chart")._repr_html_()
    assert all(f'href="#{esc(s.anchor)}"' in under_the_chart for s in titled)


def test__registry__only_what_reads_the_backtest_waits_for_the_fits():
    # The build computes the sections in compute_order while the fits are made elsewhere: the late ones (and the
    # title, whose takeaways count the claims' verdicts) come last, and the main chart, which reads none of them,
    # comes with the first.
    order = [s.name for s in compute_order(SECTIONS)]
    waiting = {s.name for s in SECTIONS if s.late} | {"title"}
    assert set(order[-len(waiting) :]) == waiting
    assert order.index("main_chart") < min(order.index(name) for name in waiting)


def test__openness_takeaway__silent_when_most_tokens_are_unclassified_and_says_its_coverage():
    from types import SimpleNamespace

    import pandas as pd

    from tokentrends.metrics import groups
    from tokentrends.report.sections import title

    def rows(open_weights: list[str], origin: list[str]) -> SimpleNamespace:
        rows = pd.DataFrame({"model_permaslug": ["a/x", "b/y", "c/z"], "tokens": [6, 3, 1]}).assign(
            open_weights=open_weights, origin=origin
        )
        shares = {
            a: {str(k): float(v) for k, v in groups.share_by(rows, a).items()} for a in ("open_weights", "origin")
        }
        results = {
            "method": SimpleNamespace(coverage=groups.coverage(rows, ("open_weights", "origin"))),
            "groups": SimpleNamespace(shares_year=shares),
        }
        return SimpleNamespace(rows=rows, results=results)

    assert title.openness_takeaway(rows(["unknown", "unknown", "true"], ["unknown", "unknown", "China"])) is None
    said = title.openness_takeaway(rows(["true", "false", "unknown"], ["China", "United States", "unknown"]))
    assert "60.0%" in said and "(90.0% classified by openness)" in said  # 6 of 10 tokens open; 9 of 10 classified
    # each share with its own coverage: openness known for all, origin for 7 of 10 tokens
    said = title.openness_takeaway(rows(["true", "false", "false"], ["China", "unknown", "unknown"]))
    assert "classified by openness" not in said and "<b>60.0%</b> (60.0% classified by origin)." in said
    whole = title.openness_takeaway(rows(["true", "false", "false"], ["China", "United States", "China"]))
    assert "classified" not in whole and "70.0%" in whole  # Chinese labs: 6 + 1 of 10


def assert_valid_charts(report) -> int:
    """Every chart of every section, checked against the Vega-Lite schema (the page path skips the check)."""
    charts = [b for s in SECTIONS for b in report.blocks(s.name) if isinstance(b, Chart)]
    for block in charts:
        try:
            block.chart.to_dict(validate=True)
        except Exception as exc:  # altair's SchemaValidationError names the offending property
            pytest.fail(f"{report.context.year} {block.name}: {exc}"[:2000])
    return len(charts)


def test__every_chart_spec_is_valid_vega_lite__sample(sample_data, tmp_path_factory):
    prepared = load_prepared(prepare.prepare(sample_data, tmp_path_factory.mktemp("processed"), log=lambda *_: None))
    assert sum(assert_valid_charts(compute_year(prepared, year)) for year in (2025, 2026)) >= 20


def test__every_chart_spec_is_valid_vega_lite__shared(shared_data, tmp_path_factory):
    prepared = load_prepared(prepare.prepare(shared_data, tmp_path_factory.mktemp("processed"), log=lambda *_: None))
    assert sum(assert_valid_charts(compute_year(prepared, year)) for year in (2025, 2026)) >= 25


def test__growth_takeaway__says_rose_or_fell():
    def week(tokens: int, start: str) -> dict:
        return {"total_tokens": tokens, "week_start": pd.Timestamp(start)}

    up = {"first_full_week": week(10, "2025-01-06"), "peak_week": week(30, "2025-06-02")}
    up |= {"last_full_week": week(20, "2025-12-29"), "growth_last_over_first": 2.0}
    assert title.growth_takeaway(up, False).startswith("Weekly volume rose from <b>10</b>")
    down = {**up, "last_full_week": week(5, "2025-12-29"), "growth_last_over_first": 0.5}
    assert title.growth_takeaway(down, False).startswith("Weekly volume fell from")


def test__compute_order__needs_first_late_sections_last_else_page_order():
    def section(name: str, needs: tuple[str, ...] = (), late: bool = False) -> Section:
        return Section(name, name, lambda c: None, lambda c, r: [], no_figures, needs=needs, late=late)

    page = (
        section("title", needs=("claims", "leaders")),
        section("claims", late=True),
        section("leaders"),
        section("outlook", late=True),
        section("specialists", needs=("leaders",)),
    )
    order = [s.name for s in compute_order(page)]
    assert order == ["leaders", "specialists", "claims", "title", "outlook"]
    with pytest.raises(ValueError, match="not among them"):
        compute_order(page[:1])
    with pytest.raises(ValueError, match="need each other"):
        compute_order((section("a", needs=("b",)), section("b", needs=("a",))))

"""The personal report end to end: real-format overlapping pulls -> reports/private/<year>/ whose totals are the
sums of the newest rows, private and free of key hashes; and the synthetic team from nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser_pages import open_offline
from conftest import quiet
from html_checks import tag_errors
from tokentrends.build_personal import RENDERS, build_personal
from tokentrends.errors import BuildError
from tokentrends.inputs import activity_archive as aa
from tokentrends.inputs import activity_sample
from tokentrends.metrics import personal
from tokentrends.report.claims import VERDICTS

KEY_HASH = "f" * 64  # a key hash as the keys API returns it: it must never reach a page


def item(
    day: str,
    slug: str,
    usage: float,
    prompt: int,
    completion: int,
    endpoint: str = "ep-1",
    byok: float = 0.0,
    provider: str = "Sample Cloud",
) -> dict:
    return {
        "date": day,
        "model": slug,
        "model_permaslug": slug,
        "endpoint_id": endpoint,
        "provider_name": provider,
        "usage": usage,
        "byok_usage_inference": byok,
        "requests": 2,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "reasoning_tokens": completion // 10,
    }


def pull(root: Path, as_of: str, items: list[dict]) -> None:
    """A pull as fetch-activity stores it, its query (with a key-hash filter) in the provenance."""
    folder = root / "activity" / as_of[:10]
    folder.mkdir(parents=True)
    (folder / "activity.json").write_text(json.dumps({"data": items}))
    (folder / "provenance.json").write_text(
        json.dumps({"kind": "activity", "as_of": as_of, "file": "activity.json", "params": {"api_key_hash": KEY_HASH}})
    )


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> Path:
    from tokentrends.inputs import sample

    return sample.write_sample(tmp_path_factory.mktemp("market")).parent.parent


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test__report_you__overlapping_pulls_build_a_private_report_of_the_newest_rows(tmp_path, market):
    activity = tmp_path / "private"
    pull(
        activity,
        "2025-03-01T06:00:00Z",
        [
            item("2025-02-10", "sample-lab/flash-1", 1.00, 1000, 200),
            item("2025-02-20", "sample-lab/flash-1", 2.00, 2000, 400),  # restated by the next pull
            item("2025-02-20", "kestrel/chat-9", 3.00, 500, 100, endpoint="ep-2", byok=6.0, provider="Kestrel Cloud"),
        ],
    )
    pull(
        activity,
        "2025-03-20T06:00:00Z",
        [
            item("2025-02-20", "sample-lab/flash-1", 2.50, 2100, 400),
            item("2025-03-10", "my-team/private-ft", 0.25, 300, 50, endpoint="ep-3"),
        ],
    )
    reports = tmp_path / "reports" / "private"
    assert build_personal(activity, [2025], 9, market, reports, log=quiet) == [2025]
    folder = reports / "2025"
    figures = json.loads((folder / "figures.json").read_text())
    # the newest rows: 1200 + 2500 (restated) + 600 + 350 tokens; usage 1.00 + 2.50 + 3.00 + 0.25, BYOK 6.00
    assert figures["totals"]["tokens"] == 1200 + 2500 + 600 + 350
    assert figures["totals"]["usage_usd"] == pytest.approx(6.75) and figures["totals"]["spend_usd"] == pytest.approx(
        12.75
    )
    assert sum(w["tokens"] for w in figures["weekly"]) == figures["totals"]["tokens"]
    merged = personal.in_year(aa.load_activity(activity, log=quiet).rows, 2025)
    assert figures["totals"]["tokens"] == int(merged["tokens"].sum())
    assert figures["values_revised"] == 2  # usage and prompt_tokens of 2025-02-20 flash-1
    assert sorted((r["column"], r["old"], r["new"]) for r in figures["revisions"]) == [
        ("prompt_tokens", 2000, 2100),
        ("usage", 2.0, 2.5),
    ]
    assert figures["private"] is True and figures["is_synthetic"] is True  # the market here is the sample
    assert figures["mix"]["unranked"] == ["my-team/private-ft"]
    assert {c["verdict"] for c in figures["ledger"]} <= set(VERDICTS)
    html = (folder / "report.html").read_text()
    text = visible_text(html)
    assert "PRIVATE REPORT" in text and "$12.75" in text
    assert tag_errors(html) == []  # the page as written is the page a browser builds (no stray or open tag)
    everything = html + (folder / "figures.json").read_text() + (folder / "report.ipynb").read_text()
    assert KEY_HASH not in everything and str(tmp_path) not in text
    assert (folder.stat().st_mode & 0o077) == 0  # the folder is its owner's alone
    for private in (aa.private_root(), aa.private_root() / RENDERS):  # and the store of its drawn charts
        assert (private.stat().st_mode & 0o077) == 0, private


@pytest.mark.slow
def test__report_you__a_damaged_year_is_rebuilt_and_a_dead_build_folder_removed(tmp_path, market):
    activity = activity_sample.write_activity_sample(tmp_path / "sample-activity")
    reports = tmp_path / "private"
    assert build_personal(activity, [2025], 9, market, reports, log=quiet) == [2025]
    (reports / "2025" / "report.html").unlink()  # stamp still there, page gone
    leftover = reports / ".build-2025-999999999-abc"  # a build folder of a process that is gone
    leftover.mkdir()
    said = []
    assert build_personal(activity, [2025], 9, market, reports, log=said.append) == [2025]
    assert (reports / "2025" / "report.html").is_file() and not leftover.exists()
    assert any("report.html is missing: rebuilding" in line for line in said)


def test__report_you__never_replaces_the_public_reports(tmp_path, market):
    activity = activity_sample.write_activity_sample(tmp_path / "sample-activity")
    public = tmp_path / "reports"
    (public / "2025").mkdir(parents=True)
    figures = json.dumps({"year": 2025, "is_synthetic": False, "weekly": []})
    (public / "2025" / "figures.json").write_text(figures)
    with pytest.raises(BuildError, match=r"holds the public reports of 2025; your year never replaces them"):
        build_personal(activity, [2025], 9, market, public, log=quiet)
    assert (public / "2025" / "figures.json").read_text() == figures  # untouched


@pytest.fixture(scope="module")
def synthetic_reports(tmp_path_factory, market) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    activity = activity_sample.write_activity_sample(root / "sample-activity")
    reports = root / "private"
    assert build_personal(activity, [2025], 9, market, reports, log=quiet) == [2025]
    assert build_personal(activity, [2025], 9, market, reports, log=quiet) == []  # unchanged: not rebuilt
    return reports


@pytest.mark.slow
def test__report_you__synthetic_team_from_nothing(synthetic_reports):
    folder = synthetic_reports / "2025"
    figures = json.loads((folder / "figures.json").read_text())
    assert figures["is_synthetic"] is True
    assert "SYNTHETIC" in visible_text((folder / "report.html").read_text())
    assert figures["mix"]["unranked"] == [activity_sample.FINE_TUNE]
    assert 0 < figures["habits"]["byok"]["token_share"] < 1
    assert len(list((folder / "charts").glob("*.png"))) == 6  # static charts drawn


@pytest.mark.slow
def test__report_you__page_in_a_browser_offline(browser, synthetic_reports):
    page, seen = open_offline(browser, synthetic_reports / "2025" / "report.html")
    assert page.locator(".tt-chart").count() == 6
    assert page.locator("[data-private=true]").count() == 1
    assert seen == {"requests": [], "errors": [], "dialogs": []}
    phone, _ = open_offline(browser, synthetic_reports / "2025" / "report.html", width=390)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test__your_year_notebook__shows_every_personal_section_once_in_order_under_its_title():
    import jupytext

    from conftest import ROOT
    from tokentrends.report.personal import PERSONAL_SECTIONS

    notebook = ROOT / "notebooks" / "your_year.py"
    shown, heading = [], None
    for cell in jupytext.read(notebook).cells:
        if cell.cell_type == "markdown":
            match = re.match(r"##\s+(.+)", cell.source)
            heading = match.group(1).strip() if match else heading
            continue
        for name in re.findall(r'report\.show\("([a-z_]+)"\)', cell.source):
            shown.append((name, heading))
            heading = None
    assert shown == [(s.name, s.title) for s in PERSONAL_SECTIONS]
    text = notebook.read_text()  # saved from JupyterLab unchanged, it stays the same text
    assert jupytext.writes(jupytext.reads(text, fmt="py:percent"), fmt="py:percent") == text


@pytest.mark.slow
def test__private_figures__every_documented_key_is_written_and_every_written_key_documented(synthetic_reports):
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    table = readme.split("### Private `figures.json` keys", 1)[1].split("\n\n", 2)[1]
    documented = set()
    for line in table.splitlines()[2:]:
        documented |= set(re.findall(r"`([a-z_0-9]+)(?:\[\])?`", line.split("|")[1]))
    figures = json.loads((synthetic_reports / "2025" / "figures.json").read_text())
    assert documented == set(figures)


@pytest.mark.slow
def test__report_you__against_the_real_market(tmp_path, shared_data):
    """Real permaslugs and the real rankings: display names from the catalogs, prices from the real lists."""
    activity = tmp_path / "private"
    pull(
        activity,
        "2026-10-01T07:00:00Z",
        [
            item("2026-09-15", "deepseek/deepseek-v4.1-flash-20260910", 0.50, 900_000, 100_000),
            item("2026-09-16", "openai/gpt-5.6-luna-20260709", 4.00, 400_000, 100_000, endpoint="ep-2"),
            item("2026-09-16", "my-team/private-ft", 0.10, 10_000, 1_000, endpoint="ep-3"),
        ],
    )
    reports = tmp_path / "private-reports"
    assert build_personal(activity, [2026], 9, shared_data, reports, log=quiet) == [2026]
    figures = json.loads((reports / "2026" / "figures.json").read_text())
    assert figures["totals"]["tokens"] == 1_000_000 + 500_000 + 11_000
    assert figures["is_synthetic"] is False and figures["market"]["is_synthetic"] is False
    assert figures["mix"]["unranked"] == ["my-team/private-ft"]
    lags = {a["model_permaslug"]: a["lag_days"] for a in figures["mix"]["adoption"]}
    # first ranked Thu 2026-09-10 -> week of Mon 2026-09-07; first request 2026-09-15
    assert lags["deepseek/deepseek-v4.1-flash-20260910"] == 8
    assert figures["price"]["year"]["weeks_priced"] >= 1
    text = visible_text((reports / "2026" / "report.html").read_text())
    assert "Source: OpenRouter (openrouter.ai/rankings)" in text and "SYNTHETIC" not in text

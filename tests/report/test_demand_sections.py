"""The demand sections (who sent the tokens, what they were for, what an agent session costs) and the 2026
agency claim: on the sample (no demand data), on the shared files, and with the session-cost fixture."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest

from conftest import ROOT
from tokentrends.inputs import prepare
from tokentrends.metrics import apps as app_metrics
from tokentrends.report import claims
from tokentrends.report import ledger as ledgers
from tokentrends.report.model import load_prepared
from tokentrends.report.section import Chart
from tokentrends.report.year_report import compute_year

FIXTURES = ROOT / "tests" / "fixtures"


def html(report, name: str) -> str:
    return "".join(b for b in report.blocks(name) if isinstance(b, str))


@pytest.fixture(scope="module")
def sample_with_session_cost(sample_data, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(sample_data, data, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "session-cost", data / "session-cost")
    processed = prepare.prepare(data, tmp_path_factory.mktemp("processed"), log=lambda *_: None)
    return load_prepared(processed)


def test__demand_sections__a_year_without_demand_data_says_so(sample_with_session_cost):
    report = compute_year(sample_with_session_cost, 2025)
    # said in a reader's terms: the sample holds no demand data at all
    assert "hold none of OpenRouter&#x27;s weekly app rankings, so who sent the tokens cannot" in html(report, "apps")
    assert "hold none of OpenRouter&#x27;s task classifications" in html(report, "tasks")
    assert "What an agent session costs" not in html(report, "apps")  # the fixture's window is in 2026
    figures = report.figures()
    assert figures["apps"]["weeks"] == [] and figures["apps"]["as_of"] is None
    assert figures["tasks"]["macro_categories"] == [] and figures["session_cost"] is None
    assert all(c["id"] != "agency-current-reality" for c in figures["claims"])  # in 2026's ledger only


def test__session_cost__shown_only_when_a_vintage_covers_the_year(sample_with_session_cost):
    report = compute_year(sample_with_session_cost, 2026)
    page = html(report, "apps")
    assert "<h3>What an agent session costs</h3>" in page and "10 to 49 turns" in page
    raw = json.loads((FIXTURES / "session-cost/2026-10-06-api/session-cost.json").read_text())["data"]
    by_turns = {r["turn_range"]: r for r in report.figures()["session_cost"]["by_turns"]}
    one_turn = sorted(r["median_session_cost_usd"] for r in raw if r["turn_range"] == "1-turn")
    assert by_turns["1-turn"]["cells"] == len(one_turn)
    assert by_turns["1-turn"]["median_usd"] == pytest.approx(pd.Series(one_turn).median())
    assert by_turns["50-plus-turns"]["cells"] == 5  # one harness-model cell has no 50-plus figure
    assert report.figures()["session_cost"]["citation"].startswith("Source: OpenRouter (openrouter.ai/apps)")


def test__demand_sections__2026_from_the_shared_files(shared_data, tmp_path):
    report = compute_year(load_prepared(prepare.prepare(shared_data, tmp_path, log=lambda *_: None)), 2026)
    figures = report.figures()
    root = shared_data / "app-rankings"
    newest = json.loads((root / "2026-09-28-all-125234/app-rankings.json").read_text())["data"]
    (week,) = figures["apps"]["weeks"]
    top = sorted(newest, key=lambda r: -int(r["total_tokens"]))[:10]
    assert [a["app_name"] for a in week["top"]] == [r["app_name"] for r in top]
    assert week["top_tokens"] == sum(int(r["total_tokens"]) for r in top)
    assert week["listed_tokens"] == sum(int(r["total_tokens"]) for r in newest)
    facets = pd.read_csv(shared_data / "rankings-daily/2026-10-11-facets/rankings-daily.csv")
    platform = int(facets[facets["date"].between("2026-09-28", "2026-10-04")]["total_tokens"].sum())
    assert week["platform_tokens"] == platform and week["top_share"] == pytest.approx(week["top_tokens"] / platform)
    agent = next(r for r in figures["apps"]["subcategories"] if r["group"] == "agent")
    distinct = {}
    for folder in ("2026-09-21-cli-agent-171842", "2026-09-21-cloud-agent-171844", "2026-09-21-personal-agent-171840"):
        distinct |= {
            r["app_id"]: int(r["total_tokens"])
            for r in json.loads((root / folder / "app-rankings.json").read_text())["data"]
        }
    assert (agent["apps"], agent["tokens"]) == (len(distinct), sum(distinct.values()))
    assert figures["apps"]["snapshot"] is True and figures["session_cost"] is None
    # 8 pulls, 5 of them the newest of their list and week; the older pulls differ in names only.
    assert [len(figures["apps"]["pulls"]), sum(p["used"] for p in figures["apps"]["pulls"])] == [8, 5]
    assert (figures["apps"]["value_changes"], figures["apps"]["name_changes"]) == (0, 10)
    assert [p["used"] for p in figures["tasks"]["pulls"]] == [True]
    raw = json.loads((shared_data / "classifications-task/2026-10-06-7d/task-classifications.json").read_text())
    assert {m["key"]: m["token_share"] for m in figures["tasks"]["macro_categories"]} == {
        m["key"]: m["token_share"] for m in raw["data"]["macro_categories"]
    }
    charts = [b.name for name in ("apps", "tasks") for b in report.blocks(name) if isinstance(b, Chart)]
    assert charts == ["top-apps", "task-categories", "task-shares"]  # no trend chart from one week
    claim = next(c for c in figures["claims"] if c["id"] == "agency-current-reality")
    assert claim["value"]["classified_share"] == pytest.approx(
        sum(m["token_share"] for m in raw["data"]["macro_categories"] if m["key"] in ("agent", "code"))
    )
    assert claim["value"]["agent_app_share"] == pytest.approx(
        sum(distinct.values()) / int(facets[facets["date"].between("2026-09-21", "2026-09-27")]["total_tokens"].sum())
    )
    assert "snapshot of one week" in claim["why"] and claim["verdict"] == "supported"
    # 2025 has none: where the data begin is said instead
    empty = compute_year(report.context.prepared, 2025)
    assert "app rankings in this report's data begin on 21 Sep 2026, after 2025" in html(empty, "apps")
    # Three windows on one page, each named: the overall list's week, the subcategory lists' earlier week, and the
    # task API's 7 days before its pull (not a Monday-to-Sunday week); citations in human dates.
    text = " ".join(b for name in ("apps", "tasks") for b in report.blocks(name) if isinstance(b, str))
    assert "In the week 28 Sep 2026 to 4 Oct 2026, the 10 largest" in text
    assert "In the week 21 Sep 2026 to 27 Sep 2026 (an earlier week than the overall list above, of 28 Sep 2026" in text
    assert "30 Sep 2026 to 6 Oct 2026 (the 7 days before the pull, Wednesday to Tuesday, so not the Monday" in text
    # the coding group misses two unpulled subcategories: a lower bound, and not "complete" in the table
    assert "sent at least <b>28.1%</b> of all tokens" in text and "native-app-builder were not pulled" in text
    assert ">no (programming-app, native-app-builder not pulled)<" in text
    assert "as of 7 Oct 2026, 12:52 UTC" in text and "as of 6 Oct 2026." in text and "T12:52" not in text


WEEK = {"window_start": pd.Timestamp("2026-09-21"), "window_end": pd.Timestamp("2026-09-27")}


def year(macro_rows: list[tuple], agent_tokens: list[tuple[str, int]], platform: int) -> SimpleNamespace:
    """A hand-made year: macro (week_start, key, token_share) and agent-app (week_start, tokens) rows."""
    macro = pd.DataFrame(
        [
            {
                "window_start": pd.Timestamp(w),
                "window_end": pd.Timestamp(w) + pd.Timedelta(days=6),
                "key": k,
                "label": k,
                "token_share": s,
                "usage_share": s,
            }
            for w, k, s in macro_rows
        ]
    )
    app_rows = pd.DataFrame(
        [
            {
                "window_start": pd.Timestamp(w),
                "window_end": pd.Timestamp(w) + pd.Timedelta(days=6),
                "query": "subcategory=cli-agent",
                "sort": "popular",
                "category": "",
                "subcategory": "cli-agent",
                "app_id": 1,
                "rank": 1,
                "app_name": "A",
                "tokens": t,
                "requests": 1,
                "list_complete": True,
                "vintage": "v",
                "as_of": "2026-10-01",
            }
            for w, t in agent_tokens
        ]
    )
    weeks = sorted({w for w, *_ in macro_rows} | {w for w, _ in agent_tokens})
    totals = pd.DataFrame(
        {"week_start": pd.to_datetime(weeks), "report_year": 2026, "days_present": 7, "total_tokens": platform}
    )
    return SimpleNamespace(
        year=2026,
        demand={"task_macro": macro, "apps": app_rows},
        all_totals=totals,
        app_subcategories=app_metrics.subcategory_shares(app_rows, totals),  # as YearData computes it
    )


def test__agency_share__thresholds_snapshot_and_trend():
    params = {"min_classified_share": 0.5, "min_agent_app_share": 0.25}

    def agency_share(data) -> SimpleNamespace:
        return SimpleNamespace(**ledgers.judge("agency_share", data, params))

    both = agency_share(year([("2026-09-21", "agent", 0.3), ("2026-09-21", "code", 0.25)], [("2026-09-21", 30)], 100))
    assert both.verdict == claims.SUPPORTED and both.value["classified_share"] == pytest.approx(0.55)
    assert both.value["agent_app_share"] == pytest.approx(0.3) and "snapshot of one week" in both.why
    one = agency_share(year([("2026-09-21", "agent", 0.3)], [("2026-09-21", 30)], 100))
    assert one.verdict == claims.PARTLY
    trend = agency_share(
        year(
            [("2026-09-21", "agent", 0.2), ("2026-09-28", "agent", 0.6)], [("2026-09-21", 10), ("2026-09-28", 20)], 100
        ),
    )
    assert trend.verdict == claims.PARTLY and "snapshot" not in trend.why and "from 20.0%" in trend.why
    nothing = pd.DataFrame()
    none = agency_share(SimpleNamespace(year=2026, demand={}, all_totals=nothing, app_subcategories=nothing))
    assert none.verdict == claims.CANNOT

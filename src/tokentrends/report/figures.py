"""The machine-readable numbers behind a year's page: reports/<year>/figures.json.

Keys are a contract (documented in the README): add freely, never rename or drop without a note.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tokentrends.metrics import weekly


def year_span(usage: pd.DataFrame, year: int) -> dict:
    """First and last data day of the year, and whether the year is still partial."""
    days = pd.to_datetime(usage["date"])
    in_year = days[days.dt.year == year]
    last = in_year.max()
    return {
        "first_date": in_year.min().strftime("%Y-%m-%d"),
        "through_date": last.strftime("%Y-%m-%d"),
        "is_partial": bool(last < pd.Timestamp(year=year, month=12, day=31)),
    }


def weekly_records(totals: pd.DataFrame, bars: pd.DataFrame) -> list[dict]:
    """`weekly` entries: week_start, days_present, total_tokens, top [{model_permaslug, tokens}], others_tokens."""
    records = []
    by_week = {week: group for week, group in bars.groupby("week_start")}
    for row in totals.sort_values("week_start").itertuples(index=False):
        group = by_week[row.week_start]
        top = group[group["series"] != weekly.OTHERS]
        others = group.loc[group["series"] == weekly.OTHERS, "tokens"]
        records.append({
            "week_start": row.week_start.strftime("%Y-%m-%d"),
            "days_present": int(row.days_present),
            "total_tokens": int(row.total_tokens),
            "top": [{"model_permaslug": s, "tokens": int(t)} for s, t in zip(top["series"], top["tokens"],
                                                                               strict=True)],
            "others_tokens": int(others.sum()),
        })
    return records


def write_figures(figures: dict, output_dir: str | Path) -> Path:
    path = Path(output_dir) / "figures.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    return path


def year_figures(year: int, top_n: int, manifest: dict, span: dict, totals: pd.DataFrame,
                 bars: pd.DataFrame, headline: dict) -> dict:
    """Everything figures.json holds for one year."""
    rankings = [v for v in manifest["vintages"] if v["kind"] == "rankings-daily"]
    return {
        "year": year,
        "as_of": manifest["as_of"],
        "citation": manifest["citation"],
        "is_synthetic": manifest["is_synthetic"],
        "top_n": top_n,
        **span,
        "missing_days": [d for d in manifest["missing_days"] if d.startswith(str(year))],
        "vintages": [{k: v[k] for k in ("vintage_id", "as_of", "sha256", "rows", "rows_used", "values_revised",
                                         "first_date", "last_date", "citation")} for v in rankings],
        "weekly": weekly_records(totals, bars),
        "headline": headline,
    }


def group_figures(rows: pd.DataFrame) -> dict:
    """`shares` (weekly, per attribute), `shares_year`, `coverage` and, for the models whose lab is named,
    `coverage_disclosed` with the share of tokens the stealth models took (`stealth_share`)."""
    from tokentrends.metrics import groups

    named = groups.disclosed(rows)
    total = rows["tokens"].sum()
    return {
        "shares": {a: groups.shares_records(groups.weekly_share_by(rows, a), a) for a in groups.GROUPS},
        "shares_year": {a: {str(k): float(v) for k, v in groups.share_by(rows, a).items()} for a in groups.GROUPS},
        "coverage": groups.coverage(rows),
        "coverage_disclosed": groups.coverage(named),
        "stealth_share": float(1 - named["tokens"].sum() / total) if total else 0.0,
    }


def analyses_figures(volume: dict, leaders: dict, efficiency: dict, disruptors: dict, specialists: dict,
                     tail: dict, data, outlook: dict, yoy: pd.DataFrame | None) -> dict:
    """The `analyses` key: the numbers behind every section of the story."""
    from tokentrends.report.analyses import to_jsonable

    return to_jsonable({
        "volume": {"monthly": volume["monthly"], "week_over_week": volume["growth_summary"],
                   "december_over_january": volume["december_over_january"]},
        "leaders": {"top_models": leaders["top_models"], "top_families": leaders["top_families"],
                    "families_by_quarter": leaders["families_by_quarter"],
                    "models_by_quarter": leaders["models_by_quarter"], "weeks_at_1": leaders["weeks_at_1"],
                    "trajectories": leaders["trajectories"]},
        "efficiency": {"tier_by_quarter": efficiency["tier_by_quarter"], "winners": efficiency["winners"]},
        "disruptors": {"lab_change": disruptors["lab_change"], "steepest_gain": disruptors["steepest_gain"],
                       "late_entrants": disruptors["late_entrants"]},
        "specialists": {"stability": specialists["stability"], "spikes": specialists["spikes"], "k": specialists["k"]},
        "long_tail": tail["weekly"],
        "price": {"weekly": data.weekly_price, "list_vintages": sorted(data.price_table["vintage"].unique()),
                  "note": "list prices (USD per million tokens), not what users paid"},
        "outlook": outlook,
        "year_over_year": yoy,
    })

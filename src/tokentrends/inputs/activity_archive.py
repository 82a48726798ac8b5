"""Your own OpenRouter activity as vintages: find, verify, merge (newest pull wins), revisions, gaps.

An activity vintage is a folder holding one `/api/v1/activity` response and a provenance.json in the same
form as the rankings' (`kind: "activity"`, `as_of` = the retrieval time, `sha256`, ...). The response has
no as_of of its own, so a vintage without provenance is refused: its retrieval time is never guessed from
file times (`add-activity` writes the provenance for a response saved by hand).

Personal data live under data/private/ (git-ignored); nothing here is read by the public build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs import archive
from tokentrends.inputs.fetch import store_vintage
from tokentrends.inputs.newest import newest_per_key
from tokentrends.inputs.sources import activity as activity_source
from tokentrends.inputs.sources.rankings_daily import parse_as_of
from tokentrends.paths import project_root

ACTIVITY = "activity"
ACTIVITY_FILE = "activity.json"
PRIVATE_LICENCE = "private: your own OpenRouter usage data, not for publication"
ACTIVITY_CITATION = "Your OpenRouter activity (private), retrieved {as_of}"
VALUE_COLUMNS = (*activity_source.MONEY, *activity_source.COUNTS)


def private_root() -> Path:
    """data/private/ of the project: git-ignored, never read by the public build."""
    return project_root() / "data" / "private"


def private_reports_root() -> Path:
    """reports/private/: git-ignored, never listed by the public index (it lists only year folders)."""
    return project_root() / "reports" / "private"


def activity_sample_root() -> Path:
    """Where the synthetic activity sample is written: apart from data/private so it never mixes with yours."""
    return project_root() / "data" / "sample-activity"


def looks_like_activity(path: Path) -> bool:
    """An activity response is recognised by its `endpoint_id` field (rankings rows have none)."""
    if path.suffix != ".json":
        return False
    return '"endpoint_id"' in path.read_bytes()[:4096].decode("utf-8", errors="replace")


def describe_activity(path: Path, root: Path) -> archive.Vintage:
    """The Vintage record of one activity response, checked against its provenance (which must exist)."""
    provenance = archive.read_provenance(path.parent)
    if provenance.get("file") not in (None, path.name) or provenance.get("kind") != ACTIVITY:
        provenance = {}
    if not provenance.get("as_of"):
        raise InputError(
            path,
            "an activity response needs a provenance.json with its retrieval time (as_of); "
            "add it with `make add-activity FILE=... RETRIEVED_AT=...` (never guessed from "
            "file times)",
        )
    digest = archive.sha256_of(path)
    if provenance.get("sha256") and provenance["sha256"] != digest:
        raise InputError(path, "sha256 differs from provenance.json: a vintage must never be edited")
    stamp = parse_as_of(provenance["as_of"], path.parent / archive.PROVENANCE)
    as_of = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    rel = path.relative_to(root)
    return archive.Vintage(
        vintage_id=str(rel.parent if rel.parent != Path(".") else rel).replace(os.sep, "/"),
        kind=ACTIVITY,
        path=str(path),
        as_of=as_of,
        as_of_basis=provenance.get("as_of_basis", "provenance.json"),
        sha256=digest,
        bytes=path.stat().st_size,
        citation=provenance.get("citation") or ACTIVITY_CITATION.format(as_of=as_of),
        licence=provenance.get("licence", PRIVATE_LICENCE),
        origin=str(provenance.get("origin", "")),
        is_synthetic=bool(provenance.get("synthetic", False)),
        provenance=provenance,
    )


def discover_activity(activity_dir: str | Path) -> tuple[list[archive.Vintage], list[archive.Vintage]]:
    """(activity vintages oldest first, list-price and catalog vintages) below activity_dir, recursively.

    Price lists are accepted beside the activity so that a folder can carry the prices its what-if needs
    (the synthetic sample does); any other file is ignored.
    """
    root = Path(activity_dir).resolve()
    if not root.is_dir():
        raise InputError(root, "activity folder does not exist")
    pulls, prices = [], []
    for path in sorted(root.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if hidden or not path.is_file() or path.name == archive.PROVENANCE or path.suffix not in (".csv", ".json"):
            continue
        provenance = archive.read_provenance(path.parent)
        if provenance.get("kind") == ACTIVITY or looks_like_activity(path):
            pulls.append(describe_activity(path, root))
            continue
        vintage = archive.describe_vintage(path, root)
        if vintage is not None and vintage.kind in (archive.MODELS, archive.PRICES):
            prices.append(vintage)
    pulls.sort(key=lambda v: (v.as_of, v.vintage_id))
    return pulls, prices


def has_activity(activity_dir: str | Path) -> bool:
    return Path(activity_dir).is_dir() and bool(discover_activity(activity_dir)[0])


def coverage(vintage: archive.Vintage) -> tuple[date, date]:
    """The days a pull covers: provenance `coverage` when given (a one-day `date` pull), else its 30 days."""
    given = vintage.provenance.get("coverage")
    if isinstance(given, list) and len(given) == 2:
        try:
            return date.fromisoformat(given[0]), date.fromisoformat(given[1])
        except (TypeError, ValueError):
            raise InputError(
                Path(vintage.path).parent / archive.PROVENANCE, f"coverage {given!r} must be two YYYY-MM-DD dates"
            ) from None
    return activity_source.pull_window(vintage.as_of)


def read_activity_vintage(vintage: archive.Vintage) -> pd.DataFrame:
    """Parse one pull; every row must fall in the pull's window."""
    parsed = activity_source.read_activity_json(vintage.path, as_of=vintage.as_of)
    first, last = coverage(vintage)
    days = parsed.frame["date"].dt.date
    outside = ~days.between(first, last)
    if outside.any():
        row = int(outside.to_numpy().nonzero()[0][0])
        raise InputError(vintage.path, f"date {days.iloc[row]} is outside the pull's coverage {first}..{last}", row)
    return parsed.frame


def merge_activity(frames: dict[str, pd.DataFrame], as_of: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Newest as_of wins per (date, model_permaslug, endpoint_id).

    Returns the merged rows (activity columns + `vintage`) and the revision log, one row per value a newer
    pull changed: `date | model_permaslug | endpoint_id | column | old | new | old_vintage | new_vintage | old_as_of`.
    """
    key = list(activity_source.KEY)
    log_columns = [*key, "column", "old", "new", "old_vintage", "new_vintage", "old_as_of"]
    if not frames:
        return activity_source.empty_frame().assign(vintage=pd.Series(dtype=object)), pd.DataFrame(columns=log_columns)
    stacked = pd.concat([f.assign(vintage=vid, as_of=as_of[vid]) for vid, f in frames.items()], ignore_index=True)
    merged, joined = newest_per_key(stacked, key, ["as_of", "vintage"])
    changes = []
    for column in VALUE_COLUMNS:
        differs = joined[joined[f"{column}_old"] != joined[f"{column}_new"]]
        changes.append(
            pd.DataFrame(
                {
                    **{k: differs[k] for k in key},
                    "column": column,
                    "old": differs[f"{column}_old"].astype(float),
                    "new": differs[f"{column}_new"].astype(float),
                    "old_vintage": differs["vintage_old"],
                    "new_vintage": differs["vintage_new"],
                    "old_as_of": differs["as_of_old"],
                }
            )
        )
    revisions = pd.concat(changes, ignore_index=True)[log_columns]
    revisions = revisions.sort_values([*key, "column", "old_as_of"], kind="stable").reset_index(drop=True)
    merged = merged.drop(columns="as_of").sort_values(key, kind="stable").reset_index(drop=True)
    return merged, revisions


def absent_in_newer_pulls(
    merged: pd.DataFrame, windows: dict[str, tuple[date, date]], as_of: dict[str, str]
) -> pd.DataFrame:
    """Merged rows whose day a newer pull also covers without listing them (kept, as the newest value of
    their key, but worth a look: the newer pull may have dropped or moved them)."""
    if merged.empty:
        return merged
    days = merged["date"].dt.date
    newest_cover = pd.Series("", index=merged.index)
    for vid, (first, last) in windows.items():
        covers = days.between(first, last) & (newest_cover < as_of[vid])
        newest_cover[covers] = as_of[vid]
    own = merged["vintage"].map(as_of)
    return merged[newest_cover > own].reset_index(drop=True)


def missing_days(windows: list[tuple[date, date]]) -> list[str]:
    """Days between the first and last covered day that no pull covers (a pull came more than 30 days late)."""
    if not windows:
        return []
    covered: set[date] = set()
    for first, last in windows:
        covered |= {first + timedelta(days=i) for i in range((last - first).days + 1)}
    start, end = min(covered), max(covered)
    return [
        (start + timedelta(days=i)).isoformat()
        for i in range((end - start).days + 1)
        if start + timedelta(days=i) not in covered
    ]


@dataclass
class ActivityArchive:
    """Everything the personal report needs from the activity folder."""

    rows: pd.DataFrame  # merged, newest pull per key
    revisions: pd.DataFrame
    absent_later: pd.DataFrame
    vintages: list[archive.Vintage]
    price_vintages: list[archive.Vintage]
    windows: dict[str, tuple[date, date]]
    missing_days: list[str]
    is_synthetic: bool
    summary: list[dict] = field(default_factory=list)  # per vintage: rows, rows used, values revised


def load_activity(activity_dir: str | Path, log=print) -> ActivityArchive:
    """Read, validate and merge every pull under activity_dir."""
    pulls, prices = discover_activity(activity_dir)
    if not pulls:
        raise InputError(
            activity_dir,
            "no activity vintage found (an /api/v1/activity response with its "
            "provenance.json: make fetch-activity or make add-activity)",
        )
    frames = {v.vintage_id: read_activity_vintage(v) for v in pulls}
    as_of = {v.vintage_id: v.as_of for v in pulls}
    windows = {v.vintage_id: coverage(v) for v in pulls}
    rows, revisions = merge_activity(frames, as_of)
    used = rows["vintage"].value_counts()
    revised = revisions.drop_duplicates([*activity_source.KEY, "column"], keep="last")["new_vintage"].value_counts()
    summary = [
        {
            "vintage_id": v.vintage_id,
            "as_of": v.as_of,
            "sha256": v.sha256,
            "first_date": windows[v.vintage_id][0].isoformat(),
            "last_date": windows[v.vintage_id][1].isoformat(),
            "rows": int(len(frames[v.vintage_id])),
            "rows_used": int(used.get(v.vintage_id, 0)),
            "values_revised": int(revised.get(v.vintage_id, 0)),
        }
        for v in pulls
    ]
    gaps = missing_days(list(windows.values()))
    for row in summary:
        if row["values_revised"]:
            log(f"  {row['vintage_id']} revised {row['values_revised']:,} values of older pulls")
    if gaps:
        log(f"  days no pull covers: {len(gaps)} ({gaps[0]}..{gaps[-1]}), reported in the report")
    return ActivityArchive(
        rows,
        revisions,
        absent_in_newer_pulls(rows, windows, as_of),
        pulls,
        prices,
        windows,
        gaps,
        any(v.is_synthetic for v in pulls),
        summary,
    )


def parse_retrieved_at(text: str, now: datetime | None = None) -> str:
    """The retrieval time a user gives, as ISO UTC. It must carry a time of day and not lie in the future."""
    try:
        stamp = parse_as_of(text, "--retrieved-at")
    except InputError:
        raise InputError("--retrieved-at", f"{text!r} is not an ISO time such as 2026-03-02T08:15:00Z") from None
    if "T" not in text and " " not in text.strip():
        raise InputError(
            "--retrieved-at",
            f"{text!r} has no time of day; give the time the response was saved "
            "(e.g. 2026-03-02T08:15:00Z): it decides which 30 days it covers",
        )
    if stamp > pd.Timestamp(now or datetime.now(UTC)):
        raise InputError("--retrieved-at", f"{text!r} is in the future")
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def add_activity(file: str | Path, retrieved_at: str, activity_dir: str | Path) -> Path | None:
    """Add a hand-saved response as a vintage with its provenance; None when that exact pull is already there."""
    source = Path(file)
    if not source.is_file():
        raise InputError(source, "no such file")
    as_of = parse_retrieved_at(retrieved_at)
    parsed = activity_source.read_activity_json(source, as_of=as_of)  # refuses what the build would refuse
    body = source.read_bytes()
    first, last = activity_source.pull_window(as_of)
    name = f"{as_of[:10]}-saved-{hashlib.sha256(body).hexdigest()[:8]}"
    return store_vintage(
        Path(activity_dir),
        ACTIVITY,
        name,
        ACTIVITY_FILE,
        body,
        {
            "kind": ACTIVITY,
            "as_of": as_of,
            "as_of_basis": "retrieval time given by the user (add-activity)",
            "retrieved_at": as_of,
            "coverage": [first.isoformat(), last.isoformat()],
            "rows": int(len(parsed.frame)),
            "licence": PRIVATE_LICENCE,
            "citation": ACTIVITY_CITATION.format(as_of=as_of),
            "origin": "saved by hand from OpenRouter GET /api/v1/activity",
        },
    )

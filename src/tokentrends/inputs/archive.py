"""Find, verify and merge vintages.

A vintage is one data file as fetched, never edited, with a `provenance.json` beside it (source,
as_of, sha256, licence, citation). Several rankings vintages overlap: the newest `as_of` wins per
(date, model_permaslug) and every value a later vintage changed is kept in a revision log.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from tokentrends import CITATION_TEMPLATE
from tokentrends.errors import InputError
from tokentrends.inputs.newest import newest_per_key
from tokentrends.inputs.sources import rankings_daily, strict
from tokentrends.paths import project_root

PROVENANCE = "provenance.json"
RANKINGS = "rankings-daily"
MODELS = "models-catalog"
PRICES = "catalog-prices"
# The demand side (issue 12): who sent the tokens and for what; merged by tokentrends.inputs.demand.
APPS = "app-rankings"
TASKS = "classifications-task"
SESSION_COST = "session-cost"
MODELS_DERIVED = "models-derived-csv"  # the models catalog in a third-party CSV layout
KINDS = (RANKINGS, MODELS, PRICES, APPS, TASKS, SESSION_COST, MODELS_DERIVED)
PRIVATE = "private"  # data/private/: personal activity (issue 15); no folder of that name is ever read here
MTIME_BASIS = "file modification time (no provenance.json, no meta.as_of)"
FUTURE_TOLERANCE = pd.Timedelta(hours=1)  # clock skew between the machine that fetched and this one


@dataclass(frozen=True)
class Vintage:
    """One immutable data file and what is known of where it came from."""

    vintage_id: str
    kind: str
    path: str
    as_of: str  # ISO 8601, UTC
    as_of_basis: str
    sha256: str
    bytes: int
    citation: str
    licence: str = ""
    origin: str = ""
    is_synthetic: bool = False
    provenance: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("provenance")
        return out


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_provenance(folder: Path) -> dict:
    path = folder / PROVENANCE
    if not path.exists():
        return {}
    data = strict.load_json(path, rankings_daily.read_text(path))
    if not isinstance(data, dict):
        raise InputError(path, "expected a JSON object")
    return data


def sniff_kind(path: Path) -> str | None:
    """Tell a data file's kind from its content when no provenance names it."""
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline().strip().split(",")
        if {"date", "model_permaslug", "total_tokens"} <= set(header):
            return RANKINGS
        if {"id", "prompt_usd_per_mtok"} <= set(header):
            return PRICES
        if {"canonical_slug", "price_prompt_usd_per_token"} <= set(header):
            return MODELS_DERIVED
        return None
    if path.suffix == ".json":
        head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
        if '"endpoint_id"' in head:
            return None  # a personal /api/v1/activity response, not rankings: the public build never reads it
        if '"median_session_cost_usd"' in head:  # before rankings: its rows name a model_permaslug too
            return SESSION_COST
        if '"model_permaslug"' in head:
            return RANKINGS
        if '"canonical_slug"' in head or '"context_length"' in head:
            return MODELS
        if '"app_id"' in head:
            return APPS
        if '"classifications"' in head or '"macro_categories"' in head:
            return TASKS
    return None


def describe_vintage(path: Path, root: Path) -> Vintage | None:
    """Build the Vintage record for one file, checking it against its provenance."""
    provenance = read_provenance(path.parent)
    named = provenance.get("file")
    if named and named != path.name:
        provenance = {}  # that provenance describes a sibling file
    kind = provenance.get("kind") or sniff_kind(path)
    if kind not in KINDS:
        return None
    digest = sha256_of(path)
    stated = str(provenance.get("sha256") or "").strip().lower()  # hex digits: case is not a difference
    if stated and stated != digest:
        raise InputError(path, "sha256 differs from provenance.json: a vintage must never be edited")
    as_of, basis = provenance.get("as_of"), provenance.get("as_of_basis", "provenance.json")
    if kind in (RANKINGS, APPS, SESSION_COST) and path.suffix == ".json":
        meta_as_of = _json_meta_as_of(path)
        if meta_as_of:
            as_of, basis = meta_as_of, "the response's meta.as_of"
    if not as_of:
        as_of = pd.Timestamp(os.path.getmtime(path), unit="s", tz="UTC").isoformat()
        basis = MTIME_BASIS
    stamp = rankings_daily.parse_as_of(as_of, path)
    if stamp > pd.Timestamp.now(tz="UTC") + FUTURE_TOLERANCE:
        # A future as_of would outrank every real vintage fetched before that date.
        raise InputError(path, f"as_of {stamp:%Y-%m-%dT%H:%MZ} (from {basis}) is in the future")
    rel = path.relative_to(root)
    vintage_id = str(rel.parent if rel.parent != Path(".") and _only_data_file(path) else rel)
    return Vintage(
        vintage_id=vintage_id.replace(os.sep, "/"),
        kind=kind,
        path=str(path),
        as_of=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        as_of_basis=basis,
        sha256=digest,
        bytes=path.stat().st_size,
        citation=provenance.get("citation") or CITATION_TEMPLATE.format(as_of=stamp.strftime("%Y-%m-%dT%H:%MZ")),
        licence=provenance.get("licence") or provenance.get("license") or "",
        origin=str(provenance.get("origin", "")),
        is_synthetic=bool(provenance.get("synthetic", False)),
        provenance=provenance,
    )


def _only_data_file(path: Path) -> bool:
    siblings = [p for p in path.parent.iterdir() if p.suffix in (".csv", ".json") and p.name != PROVENANCE]
    return len(siblings) == 1


def _json_meta_as_of(path: Path) -> str | None:
    try:
        meta = strict.load_json(path, rankings_daily.read_text(path)).get("meta") or {}
    except (InputError, AttributeError):
        return None  # the parser reports the real problem when the file is read
    return meta.get("as_of") if isinstance(meta, dict) else None


def discover_vintages(data_dir: str | Path) -> tuple[list[Vintage], list[SkippedFile]]:
    """Every vintage below data_dir (recursively), oldest first, and the files that are not vintages."""
    root = Path(data_dir).resolve()
    if not root.is_dir():
        raise InputError(root, "data folder does not exist")
    refuse_private(root)
    vintages, skipped = [], []
    for path in walk_files(root):
        parts = path.relative_to(root).parts
        hidden = any(part.startswith(".") for part in parts)  # temp files, fetch log
        if PRIVATE in parts[:-1]:
            continue  # personal data are never read, not even to be listed as skipped
        if path.name == PROVENANCE or hidden:
            continue
        if path.suffix not in (".csv", ".json"):
            if path.suffix.lower() not in (".md", ".txt", ".gitkeep", ""):
                skipped.append(SkippedFile(str(path), "not a .csv or .json data file"))
            continue
        vintage = describe_vintage(path, root)
        if vintage is None:
            skipped.append(SkippedFile(str(path), "not a recognised OpenRouter format"))
        else:
            vintages.append(vintage)
    vintages.sort(key=lambda v: (v.as_of, v.vintage_id))
    return vintages, skipped


def refuse_private(root: Path) -> None:
    """The public build never reads the project's data/private/ (personal activity), nor a folder inside it."""
    private = (project_root() / "data" / PRIVATE).resolve()
    if root == private or private in root.parents:
        raise InputError(
            root,
            "this is the private activity folder: the public build never reads it "
            "(make report-you builds your private report)",
        )


def walk_files(root: Path) -> list[Path]:
    """Every file below root, sorted, following symlinked folders (Path.rglob does not) but never a loop."""
    seen, files = set(), []
    for folder, subfolders, names in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            subfolders[:] = []  # a link back up the tree: this folder was read already
            continue
        seen.add(real)
        subfolders[:] = [d for d in subfolders if d != PRIVATE]  # personal data: not even listed
        files += [Path(folder) / n for n in names if (Path(folder) / n).is_file()]
    return sorted(files)


def read_rankings_vintage(vintage: Vintage) -> pd.DataFrame:
    """Parse and validate one rankings vintage into `date | model_permaslug | tokens`."""
    as_of = pd.Timestamp(vintage.as_of).date()
    if vintage.path.endswith(".json"):
        return rankings_daily.read_rankings_json(vintage.path).frame
    return rankings_daily.read_rankings_csv(vintage.path, as_of=as_of).frame


def merge_rankings(
    frames: dict[str, pd.DataFrame], as_of: dict[str, str], stated: dict[str, bool] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge overlapping vintages, newest first: a day a vintage holds whole (with the API's `other` row) replaces
    that day of every older vintage; a newer file that holds only part of a day (no `other` row: a correction, a
    hand-made file) replaces the values it gives, per (date, model).

    A day of the API is one ranking (its top 50 and the `other` row): a newer pull that restates a day replaces all
    of it. Kept per (date, model) instead, a model that a restatement moved out of the top 50 (into `other`) kept
    its older row as well, and its tokens counted twice; taken whole from a partial file, a day lost the rows the
    file leaves out.

    Policy (README, Data): a vintage whose as_of is only its file's time (`stated[id]` False: no provenance.json,
    no meta.as_of) never overrides one that states its as_of, whatever the times; two vintages with the same
    as_of (and the same standing) that give a day differently are an error, never settled by name.

    Returns the tidy usage table (`date | model_permaslug | tokens | vintage`) and the revision log
    (`date | model_permaslug | old_tokens | new_tokens | old_vintage | new_vintage | old_as_of`): one row for each
    older value the merged one differs from (new_tokens 0 where the newer whole day no longer names the model).
    """
    columns = ["date", "model_permaslug", "tokens", "vintage"]
    log_columns = ["date", "model_permaslug", "old_tokens", "new_tokens", "old_vintage", "new_vintage", "old_as_of"]
    if not frames:
        empty = pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(columns, ["datetime64[s]", object, "int64", object], strict=True)}
        )
        return empty, pd.DataFrame(columns=log_columns)
    stated = stated or {}
    order = ["stated", "as_of", "vintage"]  # newest last
    stacked = pd.concat(
        [f.assign(vintage=vid, as_of=as_of[vid], stated=stated.get(vid, True)) for vid, f in frames.items()],
        ignore_index=True,
    )
    # Each (date, vintage) ranked oldest first within its date; the newest whole day is where a date's rows start.
    days = stacked[["date", *order]].drop_duplicates(["date", "vintage"]).sort_values(["date", *order])
    days["rank"] = days.groupby("date").cumcount()
    # models named with tokens: a row of 0 says no more than a model left out
    named = stacked[stacked["tokens"] > 0].groupby(["date", "vintage"]).size()
    days["rows"] = named.reindex(pd.MultiIndex.from_frame(days[["date", "vintage"]]), fill_value=0).to_numpy()
    with_other = stacked.loc[stacked["model_permaslug"] == rankings_daily.OTHER_SLUG, ["date", "vintage"]]
    days["whole"] = pd.MultiIndex.from_frame(days[["date", "vintage"]]).isin(pd.MultiIndex.from_frame(with_other))
    # Each date's newest whole day: where its rows start (older days are replaced; newer partial files patch it).
    base_day = days[days["whole"]].drop_duplicates("date", keep="last").set_index("date")
    stacked = stacked.merge(days[["date", "vintage", "rank"]], on=["date", "vintage"], how="left", validate="m:1")
    current = (stacked["rank"] >= stacked["date"].map(base_day["rank"]).fillna(-1)).to_numpy()
    usage, _ = newest_per_key(stacked[current], ["date", "model_permaslug"], order)
    older = pd.concat([stacked[~current], stacked[current].drop(usage.index)])
    merged = usage[["date", "model_permaslug", "tokens", *order]].astype({"tokens": "Int64"})
    joined = older.merge(merged, on=["date", "model_permaslug"], how="left", suffixes=("", "_new"))
    # A model the newer whole day no longer names: 0 there (it is in `other`), from that day's vintage.
    missing = joined["vintage_new"].isna().to_numpy()
    for column in order if missing.any() else ():
        joined.loc[missing, f"{column}_new"] = joined.loc[missing, "date"].map(base_day[column]).to_numpy()
    joined["tokens_new"] = joined["tokens_new"].fillna(0).astype("int64")  # exact: Int64, never through float
    changed = joined[joined["tokens"] != joined["tokens_new"]]
    _refuse_ties(changed, days, base_day)
    revisions = pd.DataFrame(
        {
            "date": changed["date"],
            "model_permaslug": changed["model_permaslug"],
            "old_tokens": changed["tokens"],
            "new_tokens": changed["tokens_new"],
            "old_vintage": changed["vintage"],
            "new_vintage": changed["vintage_new"],
            "old_as_of": changed["as_of"],
        }
    )
    revisions = revisions.sort_values(["date", "model_permaslug", "old_as_of"]).reset_index(drop=True)
    usage = (
        usage[columns]
        .sort_values(["date", "tokens", "model_permaslug"], ascending=[True, False, True])
        .reset_index(drop=True)
    )
    return usage, revisions


def _refuse_ties(changed: pd.DataFrame, days: pd.DataFrame, taken: pd.DataFrame) -> None:
    """Two vintages of the same as_of and standing that give a value differently, or of which one names a model on a
    day the other holds whole without it: an InputError naming both. `taken`: each date's whole day taken, by date."""
    same = (changed["as_of"].to_numpy() == changed["as_of_new"].to_numpy()) & (
        changed["stated"].to_numpy() == changed["stated_new"].to_numpy()
    )
    tie = changed[same]
    if len(tie):
        first = tie.iloc[0]
        named = f"{first['tokens_new']:,}" if first["tokens_new"] else "not named"
        raise InputError(
            first["vintage_new"],
            f"has the same as_of ({first['as_of']}) as {first['vintage']} "
            f"but a different value for ({first['date']:%Y-%m-%d}, {first['model_permaslug']!r}): "
            f"{named} vs {first['tokens']:,} ({len(tie):,} such values); "
            "one of them is wrong: remove it or correct its provenance.json as_of",
        )
    # Two whole days of one as_of and standing where the one taken names a model the other does not (the other's
    # rows all agree with it, so no value above differs): told by their row counts.
    whole = days[days["whole"]]
    same = whole[
        (whole["as_of"].to_numpy() == whole["date"].map(taken["as_of"]).to_numpy())
        & (whole["stated"].to_numpy() == whole["date"].map(taken["stated"]).to_numpy())
        & (whole["rows"].to_numpy() != whole["date"].map(taken["rows"]).to_numpy())
    ]
    if len(same):
        first = same.iloc[0]
        base = taken.loc[first["date"]]
        raise InputError(
            base["vintage"],
            f"has the same as_of ({base['as_of']}) as {first['vintage']} but names other models on "
            f"{first['date']:%Y-%m-%d} ({base['rows']:,} rows vs {first['rows']:,}); "
            "one of them is wrong: remove it or correct its provenance.json as_of",
        )


def revision_summary(revisions: pd.DataFrame) -> pd.DataFrame:
    """Per revising vintage: how many values (date, model) it changed and the net and absolute change.

    Measured against the newest older value of each key, so a value seen in three vintages counts once.
    """
    latest_old = revisions.drop_duplicates(["date", "model_permaslug"], keep="last")
    delta = latest_old["new_tokens"] - latest_old["old_tokens"]
    out = (
        latest_old.assign(delta=delta, abs_delta=delta.abs())
        .groupby("new_vintage", as_index=False)
        .agg(
            values_revised=("delta", "size"), net_change_tokens=("delta", "sum"), abs_change_tokens=("abs_delta", "sum")
        )
    )
    return out.rename(columns={"new_vintage": "vintage"})


def day_ranges(days: list[str], limit: int = 12) -> str:
    """`2025-06-15, 2025-08-01..2025-08-10 (11 days)`: consecutive days as ranges, at most `limit` of them shown."""
    if not days:
        return "none"
    stamps = pd.DatetimeIndex(sorted(days))
    breaks = [0, *[i for i in range(1, len(stamps)) if stamps[i] - stamps[i - 1] != pd.Timedelta(days=1)], len(stamps)]
    spans = [(stamps[a], stamps[b - 1]) for a, b in zip(breaks, breaks[1:], strict=False)]
    shown = [f"{a:%Y-%m-%d}" if a == b else f"{a:%Y-%m-%d}..{b:%Y-%m-%d}" for a, b in spans[:limit]]
    more = f" and {len(spans) - limit:,} more range(s)" if len(spans) > limit else ""
    return f"{', '.join(shown)}{more} ({len(days):,} day{'s' if len(days) != 1 else ''})"


def missing_days(usage: pd.DataFrame) -> list[str]:
    """Days without any row between the first and last day of the merged table."""
    if usage.empty:
        return []
    days = pd.DatetimeIndex(usage["date"].unique())
    full = pd.date_range(days.min(), days.max(), freq="D")
    return [d.strftime("%Y-%m-%d") for d in full.difference(days)]

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
    """Merge overlapping vintages: each day is taken whole from the newest vintage that holds it.

    A day of the API is one ranking (its top 50 models and the `other` row): a newer pull that restates a day
    replaces all of it. Kept per (date, model) instead, a model that a restatement moved out of the top 50 (into
    `other`) kept its older row as well, and its tokens counted twice.

    Policy (README, Data): a vintage whose as_of is only its file's time (`stated[id]` False: no provenance.json,
    no meta.as_of) never overrides one that states its as_of, whatever the times; two vintages with the same
    as_of (and the same standing) that give a day differently are an error, never settled by name.

    Returns the tidy usage table (`date | model_permaslug | tokens | vintage`) and the revision log
    (`date | model_permaslug | old_tokens | new_tokens | old_vintage | new_vintage | old_as_of`): one row for each
    older value that the winning day differs from (new_tokens 0 where the winning day no longer names the model).
    """
    columns = ["date", "model_permaslug", "tokens", "vintage"]
    log_columns = ["date", "model_permaslug", "old_tokens", "new_tokens", "old_vintage", "new_vintage", "old_as_of"]
    if not frames:
        empty = pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(columns, ["datetime64[s]", object, "int64", object], strict=True)}
        )
        return empty, pd.DataFrame(columns=log_columns)
    stated = stated or {}
    stacked = pd.concat(
        [f.assign(vintage=vid, as_of=as_of[vid], stated=stated.get(vid, True)) for vid, f in frames.items()],
        ignore_index=True,
    )
    days = stacked[["date", "vintage", "as_of", "stated"]].drop_duplicates(["date", "vintage"])
    winning_days, _ = newest_per_key(days, ["date"], ["stated", "as_of", "vintage"])
    winner = winning_days.set_index("date")
    won = (stacked["vintage"] == stacked["date"].map(winner["vintage"])).to_numpy()
    usage, older = stacked[won], stacked[~won]
    joined = older.merge(
        usage[["date", "model_permaslug", "tokens"]], on=["date", "model_permaslug"], how="left", suffixes=("", "_new")
    )
    joined["vintage_new"] = joined["date"].map(winner["vintage"]).to_numpy()
    joined["tokens_new"] = joined["tokens_new"].fillna(0).astype("int64")
    changed = joined[joined["tokens"] != joined["tokens_new"]]
    _refuse_ties(usage, older, changed, winner)
    revisions = (
        pd.DataFrame(
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
        .sort_values(["date", "model_permaslug", "old_as_of"])
        .reset_index(drop=True)
    )
    usage = (
        usage[columns]
        .sort_values(["date", "tokens", "model_permaslug"], ascending=[True, False, True])
        .reset_index(drop=True)
    )
    return usage, revisions


def _refuse_ties(usage: pd.DataFrame, older: pd.DataFrame, changed: pd.DataFrame, winner: pd.DataFrame) -> None:
    """Two vintages of the same as_of and standing that give one day differently (a value, or a model one names and
    the other does not): an InputError naming both."""
    same = (changed["as_of"] == changed["date"].map(winner["as_of"])) & (
        changed["stated"] == changed["date"].map(winner["stated"])
    )
    tie = changed[same.to_numpy()]
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
    # A model the winning day names and a tying vintage's day does not.
    tying = older[
        (older["as_of"] == older["date"].map(winner["as_of"]))
        & (older["stated"] == older["date"].map(winner["stated"]))
    ]
    if len(tying):
        rows_of = tying.groupby(["date", "vintage"]).size()
        winner_rows = usage.groupby("date").size()
        short = rows_of[rows_of.to_numpy() != winner_rows.reindex(rows_of.index.get_level_values("date")).to_numpy()]
        if len(short):
            date, vintage = short.index[0]
            raise InputError(
                winner.loc[date, "vintage"],
                f"has the same as_of ({winner.loc[date, 'as_of']}) as {vintage} but names other models on "
                f"{date:%Y-%m-%d} ({winner_rows[date]:,} rows vs {short.iloc[0]:,}); "
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

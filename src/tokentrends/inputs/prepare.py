"""Raw vintages -> the validated tidy usage table, written once per distinct set of inputs.

The notebooks only read what this writes (data/processed/<key>/), so parallel year builds never
parse or merge the same files twice, and the data folder itself is never written to.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tokentrends import paths
from tokentrends.errors import InputError
from tokentrends.files import UNUSED_DAYS
from tokentrends.fingerprint import hash_files, hash_json, inputs_fingerprint
from tokentrends.inputs import archive, demand, reference, sample
from tokentrends.inputs.sources.catalog_prices import read_catalog_prices
from tokentrends.inputs.sources.models_catalog import read_models_catalog
from tokentrends.inputs.sources.models_derived import read_models_derived

MANIFEST = "manifest.json"
USAGE = "usage.parquet"
REVISIONS = "revisions.parquet"
MODELS = "models.parquet"  # one row per permaslug: family, lab, origin, open weights, tier, tags
CATALOG = "catalog.parquet"  # every models-catalog vintage, prices per model and vintage
PRICES = "prices.parquet"  # every scraped list-price vintage
# The demand side (issue 12), one parquet per table: apps, tasks, task_models, task_macro, session_cost,
# demand_revisions (see tokentrends.inputs.demand for the columns).
DEMAND_COLUMNS = {
    "apps": demand.APP_COLUMNS,
    "tasks": demand.TAG_COLUMNS,
    "task_models": demand.TAG_MODEL_COLUMNS,
    "task_macro": demand.MACRO_COLUMNS,
    "session_cost": demand.SESSION_COLUMNS,
    "demand_revisions": demand.REVISION_COLUMNS,
}
PREPARE_TMP = ".prepare-"  # + pid: a folder being written; removed at the next run once its process is gone


def prepared_key(vintages: list[archive.Vintage], data_dir: str | Path) -> str:
    """What the prepared tables depend on, and nothing else: the vintages with all their provenance (an edited
    citation or licence changes the pages), the folder they are in (the stamp names it), the reference tables
    and the input-side code. A prose, chart or claims edit does not re-read the vintages."""
    return hash_json(
        {
            "vintages": [(v.vintage_id, v.sha256, v.as_of, v.as_of_basis, v.provenance) for v in vintages],
            "data_dir": str(Path(data_dir).resolve()),
            "reference": hash_files(reference.reference_dir().glob("*.csv")),
            "code": inputs_fingerprint(),
        }
    )[:16]


def read_catalogs(vintages: list[archive.Vintage], kind: str) -> pd.DataFrame:
    """Stack every catalog (or price) vintage with its id and as_of; empty when there is none."""
    # The derived CSV layout is the same catalog: it is read wherever the JSON catalog is.
    readers = (
        {archive.MODELS: read_models_catalog, archive.MODELS_DERIVED: read_models_derived}
        if kind == archive.MODELS
        else {kind: read_catalog_prices}
    )
    frames = [
        readers[v.kind](v.path).assign(vintage=v.vintage_id, as_of=v.as_of) for v in vintages if v.kind in readers
    ]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(
            columns=[
                "model_id",
                "canonical_slug",
                "name",
                "hugging_face_id",
                "prompt_usd_per_mtok",
                "completion_usd_per_mtok",
                "vintage",
                "as_of",
            ]
        )
    )


# How a merge is run: run_merge(merge, log) calls merge(log) (which returns the folder it wrote), here or elsewhere.
MergeRunner = Callable[[Callable[[Callable[[str], None]], Path], Callable[[str], None]], Path]


def prepare(data_dir: str | Path, processed_root: str | Path, log=print, run_merge: MergeRunner | None = None) -> Path:
    """Validate and merge every rankings vintage under data_dir; return the folder with the results. A merge (none
    when the merged tables are there already) runs in this process, or through run_merge: the build runs it in a
    process of its own while it loads what building a year needs (build.merge_while_loading)."""
    vintages, skipped = archive.discover_vintages(data_dir)
    rankings = [v for v in vintages if v.kind == archive.RANKINGS]
    if not rankings:
        raise InputError(data_dir, "no rankings-daily vintage found (CSV or Data API JSON)")
    report_skipped(skipped, log)
    report_unstated(rankings, log)
    out = Path(processed_root) / prepared_key(vintages, data_dir)
    if (out / MANIFEST).exists():
        os.utime(out / MANIFEST)  # marks it as in use for prune_unused
        return out
    prune_unused(Path(processed_root))

    def merge(log) -> Path:
        return merge_vintages(data_dir, out, vintages, rankings, skipped, log)

    return run_merge(merge, log) if run_merge is not None else merge(log)


def merge_vintages(
    data_dir: str | Path,
    out: Path,
    vintages: list[archive.Vintage],
    rankings: list[archive.Vintage],
    skipped: list[archive.SkippedFile],
    log,
) -> Path:
    """Read and merge the vintages (`rankings` among `vintages`) into the folder `out` (written whole or not at all)."""
    synthetic = [v for v in rankings if v.is_synthetic]
    if synthetic and len(synthetic) < len(rankings):  # fictional models summed with real ones, under a sample banner
        real = next(v for v in rankings if not v.is_synthetic)
        raise InputError(
            data_dir,
            f"mixes the synthetic sample ({synthetic[0].vintage_id}) with real vintages ({real.vintage_id}): "
            "fictional days would be merged with real ones in one report; point --data-dir at a folder of one or "
            "the other",
        )
    frames = {}
    for v in rankings:
        log(f"  reading {v.vintage_id} (as of {v.as_of})")
        frames[v.vintage_id] = archive.read_rankings_vintage(v)
    # An empty vintage (`{"data": []}`, a header-only CSV) says nothing about any day: set aside, never fatal.
    empty = [v for v in rankings if frames[v.vintage_id].empty]
    for v in empty:
        log(f"  {v.vintage_id} holds no rows: set aside")
        skipped.append(archive.SkippedFile(v.path, "an empty rankings-daily vintage (no rows)"))
        del frames[v.vintage_id]
    rankings = [v for v in rankings if v.vintage_id in frames]
    vintages = [v for v in vintages if v not in empty]
    if not rankings:
        raise InputError(data_dir, "every rankings-daily vintage here is empty (no rows)")
    usage, revisions = archive.merge_rankings(
        frames,
        {v.vintage_id: v.as_of for v in rankings},
        {v.vintage_id: v.as_of_basis != archive.MTIME_BASIS for v in rankings},
    )
    check_sums_fit(usage, data_dir)
    summary = archive.revision_summary(revisions).set_index("vintage")
    catalog = read_catalogs(vintages, archive.MODELS)
    prices = read_catalogs(vintages, archive.PRICES)
    labs, rules, revealed = reference.load_reference()
    models = reference.classify_slugs(usage["model_permaslug"].unique(), labs, rules, catalog, revealed)
    kept = usage["vintage"].value_counts()
    demand_tables = demand.prepare_demand(vintages, log)

    vintage_rows = []
    for v in vintages:
        row = v.to_dict()
        if v.kind == archive.RANKINGS:
            frame = frames[v.vintage_id]
            row.update(
                rows=int(len(frame)),
                first_date=frame["date"].min().strftime("%Y-%m-%d"),
                last_date=frame["date"].max().strftime("%Y-%m-%d"),
                rows_used=int(kept.get(v.vintage_id, 0)),
                values_revised=int(summary["values_revised"].get(v.vintage_id, 0)),
                abs_change_tokens=int(summary["abs_change_tokens"].get(v.vintage_id, 0)),
                net_change_tokens=int(summary["net_change_tokens"].get(v.vintage_id, 0)),
            )
        if v.kind in (archive.APPS, archive.TASKS, archive.SESSION_COST):
            row["params"] = v.provenance.get("params")  # the query: app-rankings responses do not echo it
        vintage_rows.append(row)
    for row in vintage_rows:
        if row.get("values_revised"):
            log(
                f"  {row['vintage_id']} revised {row['values_revised']:,} values of older vintages "
                f"({row['abs_change_tokens']:,} tokens moved)"
            )
    if missing := archive.missing_days(usage):
        log(f"  days missing in the data: {archive.day_ranges(missing)} (reported in the report)")
    newest = rankings[-1]
    manifest = {
        "data_dir": str(Path(data_dir).resolve()),
        "as_of": newest.as_of,
        "citation": newest.citation,
        "is_synthetic": any(v.is_synthetic for v in rankings),
        "vintages": vintage_rows,
        "skipped_files": [s.__dict__ for s in skipped],
        "missing_days": missing,
        "first_date": usage["date"].min().strftime("%Y-%m-%d"),
        "last_date": usage["date"].max().strftime("%Y-%m-%d"),
        "rows": int(len(usage)),
        "values_revised": int(summary["values_revised"].sum()),
    }
    # Write into a temporary sibling, then rename: a half-written folder is never mistaken for a result.
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{PREPARE_TMP}{os.getpid()}-", dir=out.parent))
    try:
        usage.to_parquet(tmp / USAGE, index=False)
        revisions.to_parquet(tmp / REVISIONS, index=False)
        models.to_parquet(tmp / MODELS, index=False)
        catalog.to_parquet(tmp / CATALOG, index=False)
        prices.to_parquet(tmp / PRICES, index=False)
        for name, table in demand_tables.items():
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
        os.replace(tmp, out)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (out / MANIFEST).exists():  # another process may have won the race
            raise
    except BaseException:  # Ctrl-C: "nothing half-written is kept" must hold
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def report_skipped(skipped: list[archive.SkippedFile], log, limit: int = 20) -> None:
    """Files in the data folder that are not read, in the terminal too (not only on the page)."""
    for s in skipped[:limit]:
        log(f"  skipped {s.path}: {s.reason}")
    if len(skipped) > limit:
        log(f"  ... and {len(skipped) - limit:,} more skipped file(s) (listed in each report's methodology)")


def report_unstated(rankings: list[archive.Vintage], log) -> None:
    """Say the policy wherever it applies: a file-time as_of never overrides a stated one."""
    for v in rankings:
        if v.as_of_basis == archive.MTIME_BASIS:
            log(
                f"  {v.vintage_id}: no provenance.json or meta.as_of, so its as_of is the file's time; "
                "it never overrides a vintage that states its as_of"
            )


def check_sums_fit(usage: pd.DataFrame, data_dir: str | Path) -> None:
    """Every total the report takes (a week, a year, all of it) is at most the sum of all rows: if that fits in
    int64 no sum can wrap. Python ints are exact, so the check itself cannot overflow."""
    if usage.empty or int(usage["tokens"].max()) <= archive.rankings_daily.INT64_MAX // len(usage):
        return  # the usual case, without a Python loop over every row
    total = sum(int(t) for t in usage["tokens"])
    if total > archive.rankings_daily.INT64_MAX:
        top = usage.loc[usage["tokens"].idxmax()]
        raise InputError(
            data_dir,
            f"the token counts add up to {total:,}, beyond the 64-bit integers the sums "
            f"use (at most {archive.rankings_daily.INT64_MAX:,}); the largest is {int(top['tokens']):,} "
            f"for ({top['date']:%Y-%m-%d}, {top['model_permaslug']!r}) in {top['vintage']}",
        )


def clean_leftovers(processed_root: Path) -> None:
    """Remove `.prepare-<pid>-*` folders whose process is gone (an interrupted or killed prepare)."""
    for tmp in processed_root.glob(f"{PREPARE_TMP}*"):
        if not pid_alive(tmp.name[len(PREPARE_TMP) :].split("-", 1)[0]):
            shutil.rmtree(tmp, ignore_errors=True)


def pid_alive(pid: str) -> bool:
    """Whether a process id (as text) is running here; anything unreadable counts as gone."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune_unused(processed_root: Path, days: int = UNUSED_DAYS) -> None:
    """Remove prepared tables no build has used for `days` days: each code or data change makes a new one."""
    if not processed_root.is_dir():
        return
    cutoff = time.time() - days * 86_400
    for manifest in processed_root.glob(f"*/{MANIFEST}"):
        if manifest.stat().st_mtime < cutoff:
            shutil.rmtree(manifest.parent, ignore_errors=True)


def load_usage(processed_dir: str | Path) -> pd.DataFrame:
    return pd.read_parquet(Path(processed_dir) / USAGE)


def load_models(processed_dir: str | Path) -> pd.DataFrame:
    return pd.read_parquet(Path(processed_dir) / MODELS)


def load_catalog(processed_dir: str | Path) -> pd.DataFrame:
    return pd.read_parquet(Path(processed_dir) / CATALOG)


def load_prices(processed_dir: str | Path) -> pd.DataFrame:
    return pd.read_parquet(Path(processed_dir) / PRICES)


def load_demand(processed_dir: str | Path, name: str) -> pd.DataFrame:
    """One demand table; empty with the right columns when the prepared folder has none."""
    path = Path(processed_dir) / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else demand.empty(DEMAND_COLUMNS[name])


def load_manifest(processed_dir: str | Path) -> dict:
    return json.loads((Path(processed_dir) / MANIFEST).read_text())


def has_rankings(data_dir: str | Path) -> bool:
    if not Path(data_dir).is_dir():
        return False
    vintages, _ = archive.discover_vintages(data_dir)
    return any(v.kind == archive.RANKINGS for v in vintages)


def resolve_data_dir(data_dir: str | Path | None, log=print) -> Path:
    """The folder to build from. The default folder without vintages falls back to the synthetic sample,
    written to a folder of its own (never mixed with real vintages) and announced loudly."""
    default = paths.default_data_dir()
    chosen = Path(data_dir).resolve() if data_dir else default
    if data_dir and not chosen.is_dir():
        raise InputError(chosen, "no such folder (DATA_DIR must be a folder of vintages)")
    if has_rankings(chosen):
        return chosen
    if chosen != default:
        raise InputError(chosen, "no rankings-daily vintage found here (CSV or Data API JSON)")
    root = paths.sample_root()
    if not has_rankings(root):
        sample.write_sample(root)
    bar = "!" * 78
    log(
        f"{bar}\n!! No vintage in {chosen}: building from the SYNTHETIC SAMPLE in {root}.\n"
        f"!! Every page and chart says so. For real data: make fetch, or make report DATA_DIR=...\n{bar}"
    )
    return root


def prepare_data_dir(data_dir: str | Path | None = None, log=print, run_merge: MergeRunner | None = None) -> Path:
    """resolve_data_dir, then prepare into the project's data/processed."""
    return prepare(resolve_data_dir(data_dir, log), paths.processed_root(), log, run_merge)

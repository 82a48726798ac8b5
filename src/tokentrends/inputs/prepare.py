"""Raw vintages -> the validated tidy usage table, written once per distinct set of inputs.

The notebooks only read what this writes (data/processed/<key>/), so parallel year builds never
parse or merge the same files twice, and the data folder itself is never written to.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.fingerprint import hash_files, hash_json, package_fingerprint
from tokentrends.inputs import archive, demand, reference
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
DEMAND_COLUMNS = {"apps": demand.APP_COLUMNS, "tasks": demand.TAG_COLUMNS, "task_models": demand.TAG_MODEL_COLUMNS,
                  "task_macro": demand.MACRO_COLUMNS, "session_cost": demand.SESSION_COLUMNS,
                  "demand_revisions": demand.REVISION_COLUMNS}


def prepared_key(vintages: list[archive.Vintage]) -> str:
    return hash_json({"vintages": [(v.vintage_id, v.sha256, v.as_of) for v in vintages],
                      "reference": hash_files(reference.reference_dir().glob("*.csv")),
                      "code": package_fingerprint()})[:16]


def read_catalogs(vintages: list[archive.Vintage], kind: str) -> pd.DataFrame:
    """Stack every catalog (or price) vintage with its id and as_of; empty when there is none."""
    # The derived CSV layout is the same catalog: it is read wherever the JSON catalog is.
    readers = ({archive.MODELS: read_models_catalog, archive.MODELS_DERIVED: read_models_derived}
               if kind == archive.MODELS else {kind: read_catalog_prices})
    frames = [readers[v.kind](v.path).assign(vintage=v.vintage_id, as_of=v.as_of)
              for v in vintages if v.kind in readers]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["model_id", "canonical_slug", "name", "hugging_face_id", "prompt_usd_per_mtok",
                 "completion_usd_per_mtok", "vintage", "as_of"])


def prepare(data_dir: str | Path, processed_root: str | Path, log=print) -> Path:
    """Validate and merge every rankings vintage under data_dir; return the folder with the results."""
    vintages, skipped = archive.discover_vintages(data_dir)
    rankings = [v for v in vintages if v.kind == archive.RANKINGS]
    if not rankings:
        raise InputError(data_dir, "no rankings-daily vintage found (CSV or Data API JSON)")
    out = Path(processed_root) / prepared_key(vintages)
    if (out / MANIFEST).exists():
        os.utime(out / MANIFEST)  # marks it as in use for prune_unused
        return out
    prune_unused(Path(processed_root))

    frames = {}
    for v in rankings:
        log(f"  reading {v.vintage_id} (as of {v.as_of})")
        frames[v.vintage_id] = archive.read_rankings_vintage(v)
    usage, revisions = archive.merge_rankings(frames, {v.vintage_id: v.as_of for v in rankings})
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
            log(f"  {row['vintage_id']} revised {row['values_revised']:,} values of older vintages "
                f"({row['abs_change_tokens']:,} tokens moved)")
    if missing := archive.missing_days(usage):
        log(f"  days missing in the data: {', '.join(missing)} (reported in the report)")
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
    tmp = Path(tempfile.mkdtemp(prefix=".prepare-", dir=out.parent))
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
    return out


def prune_unused(processed_root: Path, days: int = 14) -> None:
    """Remove prepared tables no build has used for `days` days: each code or data change makes a new one."""
    import time

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


def load_apps(processed_dir: str | Path) -> pd.DataFrame:
    return load_demand(processed_dir, "apps")


def load_tasks(processed_dir: str | Path) -> pd.DataFrame:
    return load_demand(processed_dir, "tasks")


def load_task_models(processed_dir: str | Path) -> pd.DataFrame:
    return load_demand(processed_dir, "task_models")


def load_task_macro(processed_dir: str | Path) -> pd.DataFrame:
    return load_demand(processed_dir, "task_macro")


def load_session_cost(processed_dir: str | Path) -> pd.DataFrame:
    return load_demand(processed_dir, "session_cost")


def load_demand_revisions(processed_dir: str | Path) -> pd.DataFrame:
    return load_demand(processed_dir, "demand_revisions")


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
    from tokentrends import paths
    from tokentrends.inputs import sample

    default = paths.default_data_dir()
    chosen = Path(data_dir).resolve() if data_dir else default
    if has_rankings(chosen):
        return chosen
    if chosen != default:
        raise InputError(chosen, "no rankings-daily vintage found here (CSV or Data API JSON)")
    root = paths.sample_root()
    if not has_rankings(root):
        sample.write_sample(root)
    bar = "!" * 78
    log(f"{bar}\n!! No vintage in {chosen}: building from the SYNTHETIC SAMPLE in {root}.\n"
        f"!! Every page and chart says so. For real data: make fetch, or make report DATA_DIR=...\n{bar}")
    return root


def prepare_data_dir(data_dir: str | Path | None = None, log=print) -> Path:
    """resolve_data_dir, then prepare into the project's data/processed."""
    from tokentrends import paths

    return prepare(resolve_data_dir(data_dir, log), paths.processed_root(), log)

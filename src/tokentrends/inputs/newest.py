"""The one rule behind every merge of overlapping vintages: per key, the newest row wins."""

from __future__ import annotations

import pandas as pd


def newest_per_key(stacked: pd.DataFrame, key: list[str], newest_first: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows that sort first by `newest_first` (descending, stable) for each key, and every other row joined to
    its key's winner (columns `<name>_old` and `<name>_new`), for the revision logs and the tie checks."""
    ordered = stacked.sort_values(newest_first, ascending=False, kind="stable")
    first = ~ordered.duplicated(key, keep="first").to_numpy()
    winners, older = ordered[first], ordered[~first]
    return winners, older.merge(winners, on=key, suffixes=("_old", "_new"), validate="m:1")

"""Checks made once per distinct value of a column, for every row: a year's rows repeat a few hundred permaslugs
(and a lab, a date...) thousands of times, and a string check runs in Python once per value it is given."""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_values(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct): `distinct` holds each value of `values` once (missing values too, as themselves), and
    `check(distinct).to_numpy()[codes]` is `check(values)` row for row, for any elementwise check."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=values.dtype if isinstance(uniques, np.ndarray) else uniques.dtype)


def per_row(judged: pd.Series, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """A check made on `distinct_values(like)`'s distinct values, spread back to `like`'s rows (its index, its
    name)."""
    return pd.Series(np.asarray(judged, dtype=bool)[codes], index=like.index, name=like.name)

"""distinct_values + per_row: a check on the distinct values is the check on every row."""

import numpy as np
import pandas as pd
import pytest

from tokentrends.distinct import distinct_values, per_row

VALUES = ["openai/gpt-4.1-mini", " other", "", None, "Other", "openai/gpt-4.1-mini", "x", None, "other"]


@pytest.mark.parametrize("dtype", [object, "string", "str", pd.StringDtype("pyarrow"), "category"])
def test__per_row__matches_the_check_made_on_every_row(dtype):
    rng = np.random.default_rng(0)
    values = pd.Series(rng.choice(np.array(VALUES, dtype=object), size=500), dtype=dtype, name="slug")
    values.index = values.index * 3  # not a plain range: the result keeps it
    codes, distinct = distinct_values(values)
    assert len(distinct) < len(values)

    def check(s: pd.Series) -> pd.Series:
        text = s.astype(str)
        return (text.str.lower() == "other") & (text != "other") | (text.str.len() == 0)

    assert per_row(check(distinct), codes, values).equals(check(values).astype(bool))

import json

import numpy as np
import pandas as pd

from tokentrends.metrics import groups
from tokentrends.metrics.weekly import week_quarter


def test__shares_records__one_plain_json_record_a_row_in_order():
    weekly = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-13"]),
            "lab": pd.Series(["Google", "OpenAI", "Google"], dtype="str"),
            "tokens": pd.Series([30, 10, 5], dtype="int64"),
            "share": [0.75, 0.25, 1.0],
        }
    )
    records = groups.shares_records(weekly, "lab")
    assert records == [
        {"week_start": "2025-01-06", "value": "Google", "tokens": 30, "share": 0.75},
        {"week_start": "2025-01-06", "value": "OpenAI", "tokens": 10, "share": 0.25},
        {"week_start": "2025-01-13", "value": "Google", "tokens": 5, "share": 1.0},
    ]
    assert all(type(r["tokens"]) is int and type(r["share"]) is float for r in records)
    json.dumps(records, allow_nan=False)  # figures.json takes them as they are


def test__top_values_per_quarter_with_rest__keeps_what_nlargest_per_quarter_keeps_ties_included():
    rng = np.random.default_rng(3)
    weeks = pd.date_range("2025-01-06", periods=52, freq="7D")
    labs = [f"lab {i}" for i in range(12)]
    weekly = pd.DataFrame(
        [(w, lab, int(rng.choice([0, 5, 5, 10, 20]))) for w in weeks for lab in labs],
        columns=["week_start", "lab", "tokens"],
    )  # many ties: which of two equal labs is kept must not change
    weekly["share"] = weekly["tokens"] / weekly.groupby("week_start")["tokens"].transform("sum")
    out = groups.top_values_per_quarter_with_rest(weekly, "lab", 4, "Others", 2025)

    quarter = week_quarter(weekly["week_start"], 2025)
    totals = weekly.assign(quarter=quarter).groupby(["quarter", "lab"])["tokens"].sum()
    leaders = totals.groupby(level="quarter", group_keys=False).nlargest(4).index  # the rule, written plainly
    kept = pd.MultiIndex.from_arrays([quarter, weekly["lab"]]).isin(leaders)
    expected = (
        weekly.assign(lab=weekly["lab"].where(kept, "Others"))
        .groupby(["week_start", "lab"], as_index=False)[["tokens", "share"]]
        .sum()
    )
    pd.testing.assert_frame_equal(out, expected)

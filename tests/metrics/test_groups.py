import json

import pandas as pd

from tokentrends.metrics import groups


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

"""The newest row per key wins; every older row is kept beside its winner for the revision logs."""

from __future__ import annotations

import pandas as pd

from tokentrends.inputs.newest import newest_per_key


def test__newest_per_key__the_newest_wins_and_the_older_rows_are_joined_to_it():
    stacked = pd.DataFrame(
        {
            "day": ["d1", "d1", "d1", "d2"],
            "value": [1, 2, 3, 4],
            "as_of": ["2025-01-01", "2025-03-01", "2025-02-01", "2025-01-01"],
            "vintage": ["a", "c", "b", "a"],
        }
    )
    winners, older = newest_per_key(stacked, ["day"], ["as_of", "vintage"])
    assert winners.sort_values("day")["value"].tolist() == [2, 4]
    assert sorted(zip(older["value_old"], older["value_new"], strict=True)) == [(1, 2), (3, 2)]


def test__newest_per_key__a_tie_on_the_order_keeps_the_first_row_given():
    stacked = pd.DataFrame({"day": ["d1", "d1"], "value": [1, 2], "as_of": ["t", "t"]})
    winners, older = newest_per_key(stacked, ["day"], ["as_of"])
    assert winners["value"].tolist() == [1] and older["value_old"].tolist() == [2]

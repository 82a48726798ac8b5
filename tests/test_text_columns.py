"""The package's pandas holds text as Python strings, set the moment pandas loads after tokentrends."""

import subprocess
import sys

import pandas as pd

from tokentrends.metrics.groups import is_known


def storage_seen(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def test__pandas_loaded_after_tokentrends__holds_text_as_python_strings():
    code = (
        "import tokentrends, pandas as pd; "
        "print(pd.Series(['a']).dtype.storage, pd.array(['a'], dtype='string').dtype.storage)"
    )
    assert storage_seen(code) == "python python"


def test__pandas_loaded_before_tokentrends__is_left_as_it_was():
    # switching then would mix two storages among the frames the process has made already
    code = (
        "import pandas as pd; before = pd.Series(['a']).dtype.storage; "
        "import tokentrends; print(before == pd.Series(['a']).dtype.storage)"
    )
    assert storage_seen(code) == "True"


def test__is_known__judges_each_value_as_text_whatever_its_storage():
    values = ["OpenAI", "Unknown", "unknown", "Undisclosed (stealth)", None, "x", "OpenAI"]
    expected = [True, False, False, False, True, True, True]  # a missing value reads "None"/"nan": not "unknown"
    for dtype in (object, pd.StringDtype("python", na_value=float("nan")), pd.StringDtype("pyarrow"), "category"):
        series = pd.Series(values, index=list("abcdefg"), name="lab", dtype=dtype)
        known = is_known(series)
        assert known.tolist() == expected, dtype
        assert known.index.tolist() == list("abcdefg") and known.name == "lab"

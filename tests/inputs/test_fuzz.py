"""Fuzzing every parser with hypothesis: each input parses into the right rows or raises one InputError.

Generated inputs come from valid rows, bad values (floats, exponents, negatives, beyond int64, bad or
out-of-range dates, duplicates, hostile text) and damage to the file (truncation, other encodings, BOMs,
extra or missing columns, empty files). An oracle decides which clean inputs are valid; for damaged
ones any outcome but an InputError naming the file is a failure.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tokentrends.errors import InputError
from tokentrends.inputs import reference
from tokentrends.inputs.sources.app_rankings import read_app_rankings
from tokentrends.inputs.sources.catalog_prices import read_catalog_prices
from tokentrends.inputs.sources.models_catalog import read_models_catalog
from tokentrends.inputs.sources.models_derived import read_models_derived
from tokentrends.inputs.sources.rankings_daily import API_START, INT64_MAX, read_rankings_csv, read_rankings_json
from tokentrends.inputs.sources.session_cost import TURN_RANGES, read_session_cost
from tokentrends.inputs.sources.task_classifications import read_task_classifications

# CI runs a fixed sequence (derandomize) so that a landing is never decided by chance; local runs explore
# new cases each time, and whatever they find becomes a plain regression test.
FUZZ = settings(
    max_examples=int(os.environ.get("TOKENTRENDS_FUZZ_EXAMPLES", "1000")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SLUGS = st.sampled_from(
    [
        "a/x",
        "b/y:free",
        "other",
        "evil/<script>alert(1)</script>",
        'q/"quoted",comma',
        "nl/line\nbreak",
        "é/ünïcode",
        " ",
        "",
    ]
)
DATES = st.one_of(
    st.dates(date(2024, 12, 25), date(2025, 3, 1)).map(date.isoformat),
    st.sampled_from(["2025-02-30", "25-01-01", "", "2025/01/02", "2025-1-2", "tomorrow"]),
)
TOKENS = st.one_of(
    st.integers(-10, 2**64).map(str),
    st.integers(0, 10**14).map(lambda v: f"{v}.0"),
    st.integers(0, 10**6).map(lambda v: f"{v}e3"),
    st.integers(0, 10**6).map(lambda v: f" {v} "),
    st.sampled_from(["", "abc", "1,000", "NaN", "inf", "1.5", "-0", "0x10", "1e30"]),
    # lenient forms Decimal/int() accept but a count must not (issue 14 class 12)
    st.sampled_from(["１２", "1_000", " 12 ", "12\t", "+5", "٣", "1e3", "9" * 5000]),
)
DAMAGE = st.sampled_from(
    [
        "none",
        "none",
        "none",
        "truncate",
        "latin-1",
        "utf-16",
        "bom",
        "extra-column",
        "missing-column",
        "empty",
        "ragged",
        "leading-field",
    ]
)


def token_value(text: str) -> int | None:
    """The oracle: the exact token count a string stands for, or None when it is not a valid count.

    A count is ASCII digits, optionally with a zero fraction (`12.0`); no sign, spaces, underscores, exponent."""
    whole, _, fraction = text.partition(".")
    if not (whole.isascii() and whole.isdigit()) or (fraction and not set(fraction) <= {"0"}) or text.endswith("."):
        return None
    if len(whole.lstrip("0")) > 19:  # int() of 5,000 digits raises: the oracle must not
        return None
    value = int(whole)
    return value if value <= INT64_MAX else None


def date_value(text: str) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    ok = len(text) == 10 and text[4] == "-" and text[7] == "-" and day >= API_START
    return day if ok else None


def expected_rows(rows: list[tuple[str, str, str]]) -> pd.DataFrame | None:
    """The rows the parser must return, or None when any row is invalid."""
    out = []
    for day, slug, tokens in rows:
        d, t = date_value(day), token_value(tokens)
        if d is None or t is None or slug == "" or slug != slug.strip():
            return None
        out.append((d, slug, t))
    if len({(d, s) for d, s, _ in out}) != len(out):
        return None
    with_other = {d for d, s, _ in out if s == "other"}
    if with_other and with_other != {d for d, _, _ in out}:  # a day without the other row: a cut-off file
        return None
    return pd.DataFrame(out, columns=["date", "model_permaslug", "tokens"])


def write(payload: bytes, suffix: str) -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    return path


def damage(text: str, how: str, cut: float) -> bytes:
    if how == "ragged":  # one field more on the last line: pandas either failed without a row or shifted columns
        lines = text.split("\n")
        last = max((i for i, line in enumerate(lines) if line), default=0)
        lines[last] += ",extra"
        return "\n".join(lines).encode()
    if how == "leading-field":  # every data line one field longer: pandas silently took it as the index
        head, *body = text.split("\n")
        return "\n".join([head, *[f"x,{line}" if line else line for line in body]]).encode()
    if how == "truncate":
        data = text.encode()
        return data[: int(len(data) * cut)]
    if how == "latin-1":
        return text.encode("latin-1", errors="replace")
    if how == "utf-16":
        return text.encode("utf-16")
    if how == "bom":
        return ("\ufeff" + text).encode()
    if how == "empty":
        return b""
    return text.encode()


def assert_parses_or_input_error(parse, path: str, expected: pd.DataFrame | None, strict: bool):
    """strict: the input is clean, so `expected` decides between rows and an error."""
    try:
        frame = parse(path)
    except InputError as err:
        event(f"InputError (clean={strict}, valid={expected is not None})")
        assert path in str(err) and err.reason
        assert not (strict and expected is not None), f"valid input refused: {err}"
        return None
    finally:
        os.unlink(path)
    event(f"parsed (clean={strict}, valid={expected is not None})")
    if strict:
        assert expected is not None, "invalid input accepted"
        got = frame.assign(date=frame["date"].dt.date).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    return frame


VALID_ROWS = st.lists(
    st.tuples(
        st.dates(date(2025, 1, 1), date(2025, 1, 20)).map(date.isoformat),
        st.sampled_from(
            [
                "a/x",
                "b/y:free",
                "other",
                "evil/<script>alert(1)</script>",
                'q/"quoted",comma',
                "nl/line\nbreak",
                "é/ünïcode",
            ]
        ),
        st.one_of(st.integers(0, INT64_MAX).map(str), st.integers(0, 10**14).map(lambda v: f"{v}.0")),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda r: (r[0], r[1]),
)
ROWS = st.one_of(VALID_ROWS, st.lists(st.tuples(DATES, SLUGS, TOKENS), min_size=0, max_size=12))


@FUZZ
@given(rows=ROWS, how=DAMAGE, cut=st.floats(0, 1))
def test__fuzz__rankings_csv(rows, how, cut):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["date", "model_permaslug", "total_tokens"]
    if how == "extra-column":
        header.append("prompt_tokens")
    if how == "missing-column":
        header = header[:2]
    writer.writerow(header)
    for row in rows:
        writer.writerow(list(row)[: len(header)] + ["1"] * (len(header) - 3))
    clean = how in ("none", "bom") or (how == "latin-1" and buffer.getvalue().isascii())
    expected = expected_rows(rows) if clean and rows else None
    strict = clean and bool(rows) or (how in ("ragged", "leading-field") and bool(rows))  # ragged: always refused
    path = write(damage(buffer.getvalue(), how, cut), ".csv")
    assert_parses_or_input_error(lambda p: read_rankings_csv(p).frame, path, expected, strict)


JSON_TOKENS = st.one_of(
    TOKENS, st.integers(-5, 2**64), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none()
)


@FUZZ
@given(
    rows=st.one_of(VALID_ROWS, st.lists(st.tuples(DATES, SLUGS, JSON_TOKENS), max_size=10)),
    how=DAMAGE,
    cut=st.floats(0, 1),
    shape=st.sampled_from(
        ["ok", "ok", "ok", "no-data", "data-object", "row-not-object", "missing-key", "meta-bad", "deep", "huge-int"]
    ),
)
def test__fuzz__rankings_json(rows, how, cut, shape):
    items = [{"date": d, "model_permaslug": s, "total_tokens": t} for d, s, t in rows]
    payload: object = {"data": items, "meta": {"as_of": "2026-01-01T00:00:00Z", "version": "x"}}
    if shape == "no-data":
        payload = {"meta": {}}
    elif shape == "data-object":
        payload = {"data": {"rows": items}}
    elif shape == "row-not-object" and items:
        payload["data"][0] = ["2025-01-02", "a/x", "1"]
    elif shape == "missing-key" and items:
        del payload["data"][0]["total_tokens"]
    elif shape == "meta-bad":
        payload["meta"] = {"as_of": "not a time"}
    text = json.dumps(payload, allow_nan=True)
    if shape == "deep":  # RecursionError escaped json.loads
        text = '{"data": ' + "[" * 50_000 + "]" * 50_000 + "}"
    elif shape == "huge-int":  # ValueError (int max str digits) escaped json.loads
        text = '{"data": [{"date": "2025-01-02", "model_permaslug": "a/x", "total_tokens": ' + "7" * 5000 + "}]}"
    strict = how in ("none", "bom") and (shape == "ok" and bool(rows) or shape in ("deep", "huge-int"))
    expected = None
    if strict and shape == "ok":
        as_text = []
        for d, s, t in rows:
            if isinstance(t, bool) or t is None or (isinstance(t, float) and not abs(t) <= 2**53):
                as_text = None
                break
            as_text.append((d, s, repr(t) if isinstance(t, float) else str(t)))
        # a JSON number for tokens is a count without quotes: the oracle reads its digits the same way
        expected = expected_rows(as_text) if as_text is not None else None
    path = write(damage(text, how, cut), ".json")
    assert_parses_or_input_error(lambda p: read_rankings_json(p).frame, path, expected, strict)


PRICES = st.one_of(
    st.sampled_from(["0.000001", "0", "-1", "", "abc", "1e-7", "NaN", None, 5, True, "１", "1_0", " 1"]),
    st.floats(allow_nan=False, allow_infinity=False).map(str),
)


VALID_MODEL = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["a/x", "b/y", "evil/<b>"]),
        "canonical_slug": st.sampled_from(["a/x-2025", "b/y"]),
        "name": st.text(max_size=12),
        "created": st.integers(0, 2**31),
        "hugging_face_id": st.sampled_from(["", "o/m"]),
        "pricing": st.fixed_dictionaries(
            {"prompt": st.sampled_from(["0.000001", "0", "-1"]), "completion": st.sampled_from(["0.000002", "0"])}
        ),
        "context_length": st.integers(0, 10**7),
    }
)


@FUZZ
@given(
    models=st.one_of(
        st.lists(VALID_MODEL, max_size=6, unique_by=lambda m: m["id"]),
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.one_of(st.sampled_from(["a/x", "b/y", "evil/<b>", ""]), st.none(), st.integers()),
                    "canonical_slug": st.one_of(st.sampled_from(["a/x-2025", "b/y"]), st.none()),
                    "name": st.one_of(st.text(max_size=12), st.none()),
                    "created": st.one_of(
                        st.integers(0, 2**31),
                        st.none(),
                        st.text(max_size=3),
                        st.booleans(),
                        st.sampled_from([1e20, -5, 10**30, float("inf"), float("nan"), 1.5]),
                    ),
                    "hugging_face_id": st.one_of(st.sampled_from(["", "org/model"]), st.none()),
                    "pricing": st.one_of(
                        st.fixed_dictionaries({"prompt": PRICES, "completion": PRICES}), st.none(), st.just([])
                    ),
                    "context_length": st.one_of(
                        st.integers(0, 10**7),
                        st.none(),
                        st.text(max_size=3),
                        st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e300, -1, 10**40]),
                    ),
                }
            ),
            max_size=8,
        ),
    ),
    wrap=st.booleans(),
    how=DAMAGE,
    cut=st.floats(0, 1),
    deep=st.sampled_from([False, False, False, True]),
)
def test__fuzz__models_catalog(models, wrap, how, cut, deep):
    text = json.dumps({"data": models} if wrap else models, allow_nan=True)  # Infinity/NaN as a server might send
    if deep:
        text = "[" * 50_000 + "]" * 50_000
    path = write(damage(text, how, cut), ".json")
    valid = (
        not deep
        and how in ("none", "bom")
        and len({m.get("id") for m in models}) == len(models)
        and all(_valid_model(m) for m in models)
    )
    frame = assert_parses_or_input_error(read_models_catalog, path, None, strict=False)
    assert frame is not None or not valid, "a valid catalog was refused"
    if frame is not None and how == "none":
        assert len(frame) == len(models)
        assert frame["prompt_usd_per_mtok"].dropna().ge(0).all()


def _valid_model(model: dict) -> bool:
    """The oracle for one catalog entry: a non-empty id, numeric price strings, integer times and lengths."""

    def price_ok(value: object) -> bool:
        if value is None or value == "":
            return True
        try:
            plain = str(value).isascii() and "_" not in str(value) and str(value).strip() == str(value)
            return plain and Decimal(str(value)).is_finite() and not isinstance(value, bool)
        except InvalidOperation:
            return False

    def whole_ok(value: object, largest: int) -> bool:
        return value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= largest)

    pricing = model.get("pricing")
    return (
        isinstance(model.get("id"), str)
        and bool(model["id"])
        and (pricing is None or (isinstance(pricing, dict) and all(price_ok(v) for v in pricing.values())))
        and whole_ok(model.get("created"), 4_102_444_800)
        and whole_ok(model.get("context_length"), 10**12)
    )


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a/x", "b/y", "c/z:free", 'q/"x",y']),
            st.text(max_size=8),
            st.sampled_from(["0.5", "", "-1", "abc", "1e3", "0", "１", "1_0", " 1", "inf"]),
            st.sampled_from(["2", "", "x", "-0.1", "nan"]),
        ),
        max_size=8,
    ),
    how=DAMAGE,
    cut=st.floats(0, 1),
)
def test__fuzz__catalog_prices(rows, how, cut):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["id", "name", "prompt_usd_per_mtok", "completion_usd_per_mtok"]
    if how == "missing-column":
        header = header[:3]
    writer.writerow(header)
    for row in rows:
        writer.writerow(list(row)[: len(header)])
    path = write(damage(buffer.getvalue(), how, cut), ".csv")
    ragged = how in ("ragged", "leading-field") and bool(rows)
    frame = assert_parses_or_input_error(read_catalog_prices, path, None, strict=ragged)
    if frame is not None:
        assert frame["prompt_usd_per_mtok"].dropna().ge(0).all()
        assert frame["model_id"].is_unique
        if how == "none":  # nothing shifted, nothing lenient: each price is the row's own plain number
            assert frame["model_id"].tolist() == [r[0] for r in rows]
            assert all(r[2] in ("0.5", "", "1e3", "0") for r in rows)


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["^a/", "^a/(", "[", "^b/(x)", "^.*$"]),
            st.sampled_from(["Fam \\1", "Fam", ""]),
            st.sampled_from(["", "efficient", "frontier", "huge"]),
            st.sampled_from(["", "coding", "coding;reasoning"]),
            st.sampled_from(["", "true", "false", "maybe"]),
            st.sampled_from(["a source", "", "x, y"]),
        ),
        max_size=6,
    ),
    labs=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "a"]),
            st.text(max_size=6),
            st.sampled_from(["", "true", "false", "yes"]),
            st.sampled_from(["src", ""]),
        ),
        max_size=5,
    ),
    how=DAMAGE,
    cut=st.floats(0, 1),
)
def test__fuzz__reference_tables(rows, labs, how, cut):
    families = io.StringIO()
    csv.writer(families, lineterminator="\n").writerows(
        [["pattern", "family", "tier", "tags", "open_weights", "source"], *rows]
    )
    path = write(damage(families.getvalue(), how, cut), ".csv")
    assert_parses_or_input_error(reference.load_family_rules, path, None, strict=False)
    lab_text = io.StringIO()
    csv.writer(lab_text, lineterminator="\n").writerows(
        [
            ["slug_prefix", "lab", "origin_country", "origin_region", "open_weights_default", "source"],
            *[(p, name, "X", "X", ow, src) for p, name, ow, src in labs],
        ]
    )
    path = write(damage(lab_text.getvalue(), how, cut), ".csv")
    assert_parses_or_input_error(reference.load_labs, path, None, strict=False)


def test__oracle__knows_the_edges():
    assert token_value(str(INT64_MAX)) == INT64_MAX and token_value(str(INT64_MAX + 1)) is None
    assert token_value("12.0") == 12 and token_value("1.5") is None and token_value("-0") is None
    assert all(token_value(t) is None for t in ("1.2e3", "１２", "1_000", " 12 ", "+5", "12.", ".0", ""))
    assert date_value(str(API_START)) == API_START and date_value(str(API_START - timedelta(days=1))) is None


# --- /api/v1/activity (issue 15) ---------------------------------------------------------------------------

ACTIVITY_AS_OF = "2026-03-02T08:15:00Z"  # the pull covers 2026-01-31 .. 2026-03-01
ACTIVITY_DATES = st.one_of(
    st.dates(date(2026, 1, 25), date(2026, 3, 5)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "26-02-01", "", "2026/02/02", None, 20260202]),
)
ACTIVITY_COUNTS = st.one_of(
    st.integers(-5, 2**64),
    st.integers(0, 10**9).map(float),
    st.floats(),
    st.sampled_from(["12", " 7 ", "x", "", "1e3", "-1", "1.5"]),
    st.booleans(),
    st.none(),
)
ACTIVITY_MONEY = st.one_of(
    st.floats(),
    st.integers(-5, 10**6),
    st.sampled_from(["0.5", "abc", "-0.01", "Infinity", "", "1e400"]),
    st.booleans(),
    st.none(),
)
VALID_ACTIVITY = st.lists(
    st.fixed_dictionaries(
        {
            "date": st.dates(date(2026, 1, 31), date(2026, 3, 1)).map(date.isoformat),
            "model": st.sampled_from(["a/x", "evil/<script>"]),
            "model_permaslug": st.sampled_from(["a/x-2026", "b/y:free", "é/ünïcode", 'q/"quoted",comma']),
            "endpoint_id": st.sampled_from(["e1", "550e8400-e29b-41d4-a716-446655440000"]),
            "provider_name": st.text(max_size=8),
            "usage": st.floats(0, 1e6),
            "byok_usage_inference": st.floats(0, 1e6),
            "requests": st.integers(0, 10**6),
            "prompt_tokens": st.integers(0, INT64_MAX),
            "completion_tokens": st.integers(0, 2**53).map(float),
            "reasoning_tokens": st.integers(0, 10**9).map(str),
        }
    ),
    min_size=0,
    max_size=8,
    unique_by=lambda r: (r["date"], r["model_permaslug"], r["endpoint_id"]),
)
ANY_ACTIVITY = st.lists(
    st.fixed_dictionaries(
        {
            "date": ACTIVITY_DATES,
            "model": st.sampled_from(["a/x", 3]),
            "model_permaslug": st.sampled_from(["a/x", "", "b"]),
            "endpoint_id": st.sampled_from(["e1", "e2", " ", None]),
            "provider_name": st.sampled_from(["P", ""]),
            "usage": ACTIVITY_MONEY,
            "byok_usage_inference": ACTIVITY_MONEY,
            "requests": ACTIVITY_COUNTS,
            "prompt_tokens": ACTIVITY_COUNTS,
            "completion_tokens": ACTIVITY_COUNTS,
            "reasoning_tokens": ACTIVITY_COUNTS,
        }
    ),
    max_size=6,
)


def lenient_token_value(text: str) -> int | None:
    """The oracle for the demand and activity parsers' counts: the same strict rule as the rankings' (token_value:
    plain ASCII digits; no ` 7 `, `1e3`, `1_000`), with a minus sign read so that a negative count is refused too."""
    return None if text.startswith("-") else token_value(text)


def activity_count(value: object) -> int | None:
    """The oracle for a count: an exact non-negative int64 (integral floats only where exact), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, float) and not abs(value) <= 2**53:
        return None
    return lenient_token_value(repr(value) if isinstance(value, float) else str(value))


def activity_money(value: object) -> float | None:
    """The oracle for USD: a finite non-negative number, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        amount = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount == amount and abs(amount) != float("inf") and amount >= 0 else None


def expected_activity(items: list[dict]) -> pd.DataFrame | None:
    from tokentrends.inputs.sources.activity import COLUMNS, COUNTS, MONEY

    out, keys = [], set()
    for item in items:
        day = date_value(item["date"]) if isinstance(item["date"], str) else None
        texts_ok = all(isinstance(item[c], str) for c in ("model", "model_permaslug", "endpoint_id", "provider_name"))
        if day is None or not date(2026, 1, 31) <= day <= date(2026, 3, 1) or not texts_ok:
            return None
        if not item["model_permaslug"].strip() or not item["endpoint_id"].strip():
            return None
        money = [activity_money(item[c]) for c in MONEY]
        counts = [activity_count(item[c]) for c in COUNTS]
        if None in money or None in counts:
            return None
        keys.add((day, item["model_permaslug"], item["endpoint_id"]))
        out.append(
            (day, item["model"], item["model_permaslug"], item["endpoint_id"], item["provider_name"], *money, *counts)
        )
    if len(keys) != len(out):
        return None
    return pd.DataFrame(out, columns=list(COLUMNS))


@FUZZ
@given(
    items=st.one_of(VALID_ACTIVITY, ANY_ACTIVITY),
    how=DAMAGE,
    cut=st.floats(0, 1),
    shape=st.sampled_from(["ok", "ok", "ok", "no-data", "row-not-object", "missing-key"]),
)
def test__fuzz__activity_json(items, how, cut, shape):
    from tokentrends.inputs.sources.activity import read_activity_json

    payload: object = {"data": items}
    if shape == "no-data":
        payload = {"rows": items}
    elif shape == "row-not-object" and items:
        payload["data"][0] = list(items[0].values())
    elif shape == "missing-key" and items:
        del payload["data"][0]["usage"]
    text = json.dumps(payload, allow_nan=True)
    strict = how in ("none", "bom") and shape == "ok"
    expected = expected_activity(items) if strict else None
    path = write(damage(text, how, cut), ".json")
    frame = assert_parses_or_input_error(
        lambda p: read_activity_json(p, as_of=ACTIVITY_AS_OF).frame, path, expected, strict
    )
    if frame is not None and strict:
        assert len(frame) == len(items)  # an empty pull (no activity in 30 days) is valid and stays empty


def test__activity_oracle__knows_the_edges():
    assert activity_count(2**53 * 1.0) == 2**53 and activity_count(2.0**60) is None and activity_count(True) is None
    assert (
        activity_count("1e3") is None
        and activity_count("12") == 12
        and activity_count(-1) is None
        and activity_count(INT64_MAX + 1) is None
    )
    assert activity_money("1e400") is None and activity_money(float("nan")) is None and activity_money("-0.01") is None
    assert activity_money(0) == 0.0 and activity_money(" 0.5 ") == 0.5 and activity_money(None) is None


# ---- the demand side (issue 12): app-rankings, classifications/task, session-cost, derived models CSV ----


COUNTS = st.one_of(
    st.integers(-3, 2**64),
    st.integers(0, 10**15).map(str),
    TOKENS,
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
)
NAMES = st.one_of(
    st.sampled_from(["pi", "Claude Code", "<img src=x onerror=alert(1)>", "", "é"]), st.none(), st.integers()
)


def count_value(value: object, minimum: int = 0) -> int | None:
    """The oracle for an app-rankings count: an exact integer >= minimum (strings, ints, integral floats)."""
    if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, float) and not abs(value) <= 2**53:
        return None
    parsed = lenient_token_value(repr(value) if isinstance(value, float) else str(value))
    return parsed if parsed is not None and parsed >= minimum else None


APP_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "rank": st.one_of(st.integers(0, 60), COUNTS),
            "app_id": st.one_of(st.integers(0, 12), COUNTS),
            "app_name": NAMES,
            "total_tokens": COUNTS,
            "total_requests": COUNTS,
        }
    ),
    max_size=8,
)
VALID_APP_ROWS = st.lists(
    st.tuples(
        st.integers(0, 10**12), st.sampled_from(["pi", "x", ""]), st.integers(0, INT64_MAX), st.integers(0, 10**9)
    ),
    max_size=8,
    unique_by=lambda r: r[0],
).map(
    lambda rows: [
        {"rank": i + 1, "app_id": a, "app_name": n, "total_tokens": str(t), "total_requests": q}
        for i, (a, n, t, q) in enumerate(rows)
    ]
)


@FUZZ
@given(
    rows=st.one_of(VALID_APP_ROWS, APP_ROWS),
    how=DAMAGE,
    cut=st.floats(0, 1),
    meta=st.sampled_from(["ok", "ok", "ok", "none", "bad-as_of", "reversed", "bad-date"]),
)
def test__fuzz__app_rankings(rows, how, cut, meta):
    metas = {
        "ok": {"as_of": "2026-10-07T02:44:53Z", "start_date": "2026-09-28", "end_date": "2026-10-04"},
        "none": None,
        "bad-as_of": {"as_of": "soon", "start_date": "2026-09-28", "end_date": "2026-10-04"},
        "reversed": {"as_of": "2026-10-07T00:00Z", "start_date": "2026-10-04", "end_date": "2026-09-28"},
        "bad-date": {"as_of": "2026-10-07T00:00Z", "start_date": "2026-02-30", "end_date": "2026-10-04"},
    }
    text = json.dumps({"data": rows, "meta": metas[meta]})
    expected = None
    if meta == "ok":
        parsed = [
            (
                count_value(r["rank"], 1),
                count_value(r["app_id"]),
                r["app_name"],
                count_value(r["total_tokens"]),
                count_value(r["total_requests"]),
            )
            for r in rows
        ]
        ok = all(None not in p[:2] + p[3:] and isinstance(p[2], str) for p in parsed)
        if ok and len({p[0] for p in parsed}) == len({p[1] for p in parsed}) == len(parsed):
            expected = pd.DataFrame(parsed, columns=["rank", "app_id", "app_name", "tokens", "requests"])
    strict = how in ("none", "bom")
    path = write(damage(text, how, cut), ".json")
    try:
        frame = read_app_rankings(path).frame
    except InputError as err:
        assert path in str(err) and err.reason
        assert not (strict and expected is not None), f"valid input refused: {err}"
        return
    finally:
        os.unlink(path)
    if strict:
        assert expected is not None, "invalid input accepted"
        pd.testing.assert_frame_equal(frame, expected, check_dtype=False)


SHARE = st.one_of(st.floats(0, 1), st.floats(0, 1), st.sampled_from([1.2, -0.1, math.nan, math.inf, "0.1", None, True]))
TASK_TAG = st.fixed_dictionaries(
    {
        "tag": st.one_of(st.sampled_from(["code:x", "agent:y", "", "z"]), st.none()),
        "display_name": st.one_of(st.sampled_from(["Code", "Agent <b>", "é"]), st.text(max_size=3), st.none()),
        "macro_category": st.sampled_from(["code", "agent", "data", "general", "Code!", ""]),
        "usage_share": SHARE,
        "token_share": SHARE,
        "category_usage_share": st.floats(0, 1),
        "category_token_share": st.floats(0, 1),
        "models": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.sampled_from(["a/m", "b/n", ""]),
                        "tag_usage_share": SHARE,
                        "tag_token_share": st.floats(0, 1),
                    }
                ),
                max_size=3,
            ),
            st.none(),
        ),
    }
)


# Well-formed tags whose shares alone decide (in range, out of range, NaN, strings).
NEAR_VALID_MODELS = st.lists(
    st.fixed_dictionaries(
        {"id": st.sampled_from(["a/m", "b/n"]), "tag_usage_share": SHARE, "tag_token_share": st.just(0.1)}
    ),
    max_size=2,
    unique_by=lambda m: m["id"],
)
NEAR_VALID_TAGS = st.lists(
    st.fixed_dictionaries(
        {
            "tag": st.sampled_from(["code:x", "agent:y", "z"]),
            "display_name": st.just("Code"),
            "macro_category": st.just("code"),
            "usage_share": SHARE,
            "token_share": SHARE,
            "category_usage_share": st.just(0.5),
            "category_token_share": st.just(0.5),
            "models": NEAR_VALID_MODELS,
        }
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t["tag"],
)


def _task_valid(tags: list[dict]) -> bool:
    def share(v: object) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1

    for t in tags:
        if not (
            isinstance(t["tag"], str)
            and t["tag"].strip()
            and isinstance(t["display_name"], str)
            and t["display_name"].strip()
            and t["macro_category"] in ("code", "agent", "data", "general")
            and share(t["usage_share"])
            and share(t["token_share"])
            and isinstance(t["models"], list)
        ):
            return False
        ids = [m["id"] for m in t["models"]]
        if "" in ids or len(set(ids)) != len(ids) or not all(share(m["tag_usage_share"]) for m in t["models"]):
            return False
    return len({t["tag"] for t in tags}) == len(tags)


@FUZZ
@given(
    tags=st.one_of(NEAR_VALID_TAGS, st.lists(TASK_TAG, max_size=5)),
    how=DAMAGE,
    cut=st.floats(0, 1),
    window=st.sampled_from([7, 7, 0, "7", None]),
    as_of=st.sampled_from(["2026-10-06", "2026-10-06", "06/10/2026"]),
)
def test__fuzz__task_classifications(tags, how, cut, window, as_of):
    text = json.dumps(
        {
            "data": {
                "window_days": window,
                "as_of": as_of,
                "classifications": tags,
                "macro_categories": [{"key": "code", "label": "Code", "usage_share": 0.1, "token_share": 0.4}],
            }
        },
        allow_nan=True,
    )
    valid = how in ("none", "bom") and window in (7, "7") and as_of == "2026-10-06" and _task_valid(tags)
    path = write(damage(text, how, cut), ".json")
    try:
        parsed = read_task_classifications(path)
    except InputError as err:
        assert path in str(err) and err.reason
        assert not valid, f"valid input refused: {err}"
        return
    finally:
        os.unlink(path)
    if how in ("none", "bom"):
        assert valid, "invalid input accepted"
        assert parsed.tags["tag"].tolist() == [t["tag"] for t in tags]
        assert len(parsed.models) == sum(len(t["models"]) for t in tags)


COST_ROW = st.fixed_dictionaries(
    {
        "app_name": st.one_of(st.text(max_size=5), st.text(max_size=5), st.none()),
        "app_slug": st.sampled_from(["hermes-agent", "cline", "kilo", ""]),
        "model_permaslug": st.sampled_from(["a/m", "b/n"]),
        "turn_range": st.sampled_from([*TURN_RANGES, *TURN_RANGES, "3-turns", ""]),
        "median_session_cost_usd": st.one_of(
            st.floats(0, 500), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["1.7", None, True, -1])
        ),
    }
)


# Well-formed cells whose amounts alone decide.
NEAR_VALID_COSTS = st.lists(
    st.fixed_dictionaries(
        {
            "app_name": st.just("Hermes"),
            "app_slug": st.sampled_from(["hermes-agent", "cline"]),
            "model_permaslug": st.just("a/m"),
            "turn_range": st.sampled_from(TURN_RANGES),
            "median_session_cost_usd": st.one_of(
                st.floats(0, 500), st.sampled_from([-1, -0.01, math.nan, "1.7", None])
            ),
        }
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda r: (r["app_slug"], r["turn_range"]),
)


@FUZZ
@given(
    rows=st.one_of(NEAR_VALID_COSTS, st.lists(COST_ROW, max_size=6)),
    how=DAMAGE,
    cut=st.floats(0, 1),
    meta=st.sampled_from(
        [
            {"as_of": "2026-10-06T02:00:00Z", "window_days": 30, "window_end_date": "2026-10-05"},
            {"as_of": "2026-10-06T02:00:00Z", "window_days": None, "window_end_date": None},
            {"as_of": "2026-10-06T02:00:00Z", "window_days": 0},
            {"window_days": 7},
        ]
    ),
)
def test__fuzz__session_cost(rows, how, cut, meta):
    text = json.dumps({"data": rows, "meta": meta}, allow_nan=True)

    def row_ok(r: dict) -> bool:
        usd = r["median_session_cost_usd"]
        return (
            isinstance(r["app_name"], str)
            and r["app_slug"] != ""
            and r["turn_range"] in TURN_RANGES
            and isinstance(usd, (int, float))
            and not isinstance(usd, bool)
            and 0 <= usd < float("inf")
        )

    keys = [(r["app_slug"], r["model_permaslug"], r["turn_range"]) for r in rows]
    valid = (
        how in ("none", "bom")
        and "as_of" in meta
        and meta.get("window_days") != 0
        and all(row_ok(r) for r in rows)
        and len(set(keys)) == len(keys)
    )
    path = write(damage(text, how, cut), ".json")
    try:
        parsed = read_session_cost(path)
    except InputError as err:
        assert path in str(err) and err.reason
        assert not valid, f"valid input refused: {err}"
        return
    finally:
        os.unlink(path)
    if how in ("none", "bom"):
        assert valid, "invalid input accepted"
        assert parsed.frame["median_cost_usd"].tolist() == [float(r["median_session_cost_usd"]) for r in rows]


DERIVED_PRICES = st.sampled_from(["1e-07", "0.0", "-1", "-1.0", "-2e-06", "", "abc", "inf", "4.35e-06"])


# Mostly well-formed rows (one date, unique ids) so that the price rules decide; then anything.
NEAR_VALID_DERIVED = st.lists(
    st.tuples(
        st.just("2026-09-22"),
        st.sampled_from(["a/x", "b/y", 'q/"x",y', "evil/<b>"]),
        st.sampled_from(["1790021267", ""]),
        st.sampled_from(["", "org/M-7B"]),
        DERIVED_PRICES,
        DERIVED_PRICES,
    ),
    max_size=5,
    unique_by=lambda r: r[1],
)
ANY_DERIVED = st.lists(
    st.tuples(
        st.sampled_from(["2026-09-22", "2026-09-23", "22/09/2026"]),
        st.sampled_from(["a/x", "b/y", "", 'q/"x",y', "evil/<b>"]),
        st.sampled_from(["1790021267", "", "1.5", "x"]),
        st.sampled_from(["", "org/M-7B"]),
        DERIVED_PRICES,
        DERIVED_PRICES,
    ),
    max_size=6,
)


@FUZZ
@given(rows=st.one_of(NEAR_VALID_DERIVED, ANY_DERIVED), how=DAMAGE, cut=st.floats(0, 1))
def test__fuzz__models_derived(rows, how, cut):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [
        "snapshot_date",
        "id",
        "canonical_slug",
        "name",
        "created",
        "hugging_face_id",
        "context_length",
        "price_prompt_usd_per_token",
        "price_completion_usd_per_token",
        "open_weights",
        "blended_usd_per_mtok",
    ]
    if how == "missing-column":
        header = header[:5]
    writer.writerow(header)
    for day, model_id, created, hf, prompt, completion in rows:
        full = [day, model_id, "", "Name", created, hf, "1000", prompt, completion, "False", "0"]
        writer.writerow(full[: len(header)])

    def price_ok(text: str) -> bool:
        try:
            value = Decimal(text) if text else Decimal(0)
        except InvalidOperation:
            return False
        return value.is_finite() and (value >= 0 or value == -1)

    ids = [r[1] for r in rows]
    valid = (
        how in ("none", "bom")
        and all(r[0] == "2026-09-22" or r[0] == rows[0][0] for r in rows)
        and all(
            r[0] != "22/09/2026" and r[1] and r[2] in ("1790021267", "") and price_ok(r[4]) and price_ok(r[5])
            for r in rows
        )
        and len(set(ids)) == len(ids)
        and len({r[0] for r in rows}) <= 1
    )
    path = write(damage(buffer.getvalue(), how, cut), ".csv")
    frame = assert_parses_or_input_error(read_models_derived, path, None, strict=False)
    assert frame is not None or not valid, "a valid derived catalog was refused"
    if frame is not None and how in ("none", "bom"):
        assert valid, "invalid input accepted"
        assert frame["model_id"].tolist() == ids
        assert frame["prompt_usd_per_mtok"].dropna().ge(0).all()
        assert frame["hugging_face_id"].tolist() == [r[3] for r in rows]

"""OpenRouter `GET /api/v1/classifications/task`: what a classified sample of a week's traffic was for.

Unlike the datasets, `data` is an object and there is no `meta`: `{"data": {window_days, as_of (the window's
last UTC day), classifications: [{tag, display_name, macro_category, usage_share, token_share,
category_usage_share, category_token_share, models: [{id, tag_usage_share, tag_token_share}]}],
macro_categories: [{key, label, usage_share, token_share}]}}`. Shares are fractions of the classified sample.

Parses into three tables: tags, the leading models per tag (in the response's order) and macro categories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources import api_json

TAG_FIELDS = (
    "tag",
    "display_name",
    "macro_category",
    "usage_share",
    "token_share",
    "category_usage_share",
    "category_token_share",
    "models",
)
SHARES = ("usage_share", "token_share", "category_usage_share", "category_token_share")
MODEL_FIELDS = ("id", "tag_usage_share", "tag_token_share")
MACRO_FIELDS = ("key", "label", "usage_share", "token_share")
TAG_COLUMNS = ["tag", "display_name", "macro_category", *SHARES]
MODEL_COLUMNS = ["tag", "position", "model_permaslug", "tag_usage_share", "tag_token_share"]
MACRO_COLUMNS = ["key", "label", "usage_share", "token_share"]
# The API documents code|data|agent|general; a new lowercase key is accepted (it is shown as it comes).
CATEGORY_KEY = re.compile(r"[a-z][a-z0-9_-]*")


@dataclass(frozen=True)
class TaskFile:
    path: str
    tags: pd.DataFrame
    models: pd.DataFrame
    macro: pd.DataFrame
    as_of: date
    window_days: int

    @property
    def window_start(self) -> date:
        return self.as_of - timedelta(days=self.window_days - 1)


def read_task_classifications(path: str | Path) -> TaskFile:
    """Parse and validate one response. Row numbers index `classifications` (or `macro_categories`)."""
    payload = api_json.load_json(path)
    data = api_json.object_field(payload, "data", path, "a classifications/task response")
    window_days = api_json.whole_number(data.get("window_days"), "data.window_days", path, None, minimum=1)
    as_of = api_json.iso_date(data.get("as_of"), "data.as_of", path)
    tags, models = [], []
    for i, item in enumerate(api_json.list_field(data, "classifications", path, "data.classifications")):
        where = f"classifications[{i}]"
        api_json.record(item, where, TAG_FIELDS, path, i)
        tag = api_json.text(item["tag"], f"{where}.tag", path, i)
        macro = api_json.text(item["macro_category"], f"{where}.macro_category", path, i)
        if not CATEGORY_KEY.fullmatch(macro):
            raise InputError(path, f"{where}.macro_category {macro[:40]!r} is not a category key", i)
        tags.append(
            (
                tag,
                api_json.text(item["display_name"], f"{where}.display_name", path, i),
                macro,
                *(api_json.fraction(item[s], f"{where}.{s}", path, i) for s in SHARES),
            )
        )
        if not isinstance(item["models"], list):
            raise InputError(path, f"{where}.models is not a list", i)
        seen = set()
        for j, model in enumerate(item["models"]):
            spot = f"{where}.models[{j}]"
            api_json.record(model, spot, MODEL_FIELDS, path, i)
            slug = api_json.text(model["id"], f"{spot}.id", path, i)
            if slug in seen:
                raise InputError(path, f"{spot}.id {slug[:60]!r} is listed twice for tag {tag[:40]!r}", i)
            seen.add(slug)
            models.append(
                (
                    tag,
                    j + 1,
                    slug,
                    api_json.fraction(model["tag_usage_share"], f"{spot}.tag_usage_share", path, i),
                    api_json.fraction(model["tag_token_share"], f"{spot}.tag_token_share", path, i),
                )
            )
    macros = []
    for i, item in enumerate(api_json.list_field(data, "macro_categories", path, "data.macro_categories")):
        where = f"macro_categories[{i}]"
        api_json.record(item, where, MACRO_FIELDS, path, i)
        key = api_json.text(item["key"], f"{where}.key", path, i)
        if not CATEGORY_KEY.fullmatch(key):
            raise InputError(path, f"{where}.key {key[:40]!r} is not a category key", i)
        macros.append(
            (
                key,
                api_json.text(item["label"], f"{where}.label", path, i),
                api_json.fraction(item["usage_share"], f"{where}.usage_share", path, i),
                api_json.fraction(item["token_share"], f"{where}.token_share", path, i),
            )
        )
    tag_frame = pd.DataFrame(tags, columns=TAG_COLUMNS)
    macro_frame = pd.DataFrame(macros, columns=MACRO_COLUMNS)
    for frame, column, what in ((tag_frame, "tag", "classifications"), (macro_frame, "key", "macro_categories")):
        dup = frame[column].duplicated()
        if dup.any():
            i = int(dup.to_numpy().nonzero()[0][0])
            raise InputError(path, f"{what}[{i}].{column} {frame[column].iloc[i][:40]!r} is listed twice", i)
    model_frame = pd.DataFrame(models, columns=MODEL_COLUMNS).astype({"position": "int64"})
    return TaskFile(
        str(path),
        tag_frame.astype({s: float for s in SHARES}),
        model_frame,
        macro_frame.astype({"usage_share": float, "token_share": float}),
        as_of,
        window_days,
    )

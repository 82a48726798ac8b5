"""What a chart calls each model: its display name (unique within the chart, never a raw permaslug where a
name exists), its lab, and the legend entry it is drawn under."""

from __future__ import annotations

import re

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs import reference
from tokentrends.inputs.reference import name_from_slug, release_label, split_variant, with_variant
from tokentrends.metrics.weekly import OTHERS
from tokentrends.render.formatting import display_text, shorten

NAME_LIMIT = 80  # characters of a name kept in a chart; the tooltip carries the permaslug in full
UNKNOWN_LAB = "unknown"


def fallback_name(slug: str) -> str:
    """A name from the permaslug alone (no models table): 'lab/mystery-model-7:free' -> 'Mystery Model 7 (free)'."""
    base, variant = split_variant(slug)
    return with_variant(name_from_slug(base), variant)


def reference_models(slugs: list[str]) -> pd.DataFrame | None:
    """Names and labs from the reviewed reference tables alone (no catalog), for a chart drawn without the models
    table: families and labs as the rest of the report knows them. None if the tables cannot be read."""
    try:
        labs, rules, revealed = reference.load_reference()
    except (InputError, OSError):
        return None
    catalog = pd.DataFrame(columns=["model_id", "canonical_slug", "name", "hugging_face_id", "as_of"])
    return reference.classify_slugs([s for s in slugs if s != OTHERS], labs, rules, catalog, revealed)


def model_labels(slugs: list[str], models: pd.DataFrame | None = None) -> pd.DataFrame:
    """`model_permaslug | name | lab`, one row per slug: the models table's display name and lab where it has
    them (else a name from the slug and the slug's prefix as lab); names cleaned of control and bidi characters,
    shortened, and made unique (a clash gets the slug's model part in brackets)."""
    frame = pd.DataFrame({"model_permaslug": list(dict.fromkeys(slugs))})
    if models is None:
        models = reference_models(frame["model_permaslug"].tolist())
    if models is not None and len(models):
        cols = [c for c in ("model_permaslug", "display_name", "lab", "lab_id") if c in models.columns]
        frame = frame.merge(models[cols].drop_duplicates("model_permaslug"), on="model_permaslug", how="left")
    for column in ("display_name", "lab", "lab_id"):
        if column not in frame.columns:
            frame[column] = None
    prefix = frame["model_permaslug"].map(lambda s: s.split("/", 1)[0] if "/" in s else UNKNOWN_LAB)
    names = frame["display_name"].where(
        frame["display_name"].notna() & (frame["display_name"] != ""), frame["model_permaslug"].map(fallback_name)
    )
    lab = frame["lab"].where(frame["lab"].notna() & (frame["lab"] != UNKNOWN_LAB), prefix)
    names = names.map(lambda n: shorten(display_text(n).strip() or "(no name)", NAME_LIMIT))
    lab = lab.map(lambda v: shorten(display_text(v), 40))
    # Two models with one name: told apart by their slug's model part, or by their lab where that clashes too.
    clash = names.duplicated(keep=False) & (frame["model_permaslug"] != OTHERS)
    dated = frame["model_permaslug"].map(lambda s: release_label(split_variant(s)[0]))
    detail = frame["model_permaslug"].map(lambda s: s.split("/", 1)[-1]).where(dated == "", dated)
    detail = detail.where(~(clash & (names + "\n" + detail).duplicated(keep=False)), lab)
    names = names.where(~clash, names + " (" + detail.map(lambda s: shorten(display_text(s), 40)) + ")")
    names = names.where(frame["model_permaslug"] != OTHERS, OTHERS)
    lab = lab.where(frame["model_permaslug"] != OTHERS, OTHERS)
    return pd.DataFrame({"model_permaslug": frame["model_permaslug"], "name": names, "lab": lab})


def without_variant(name: str, slug: str) -> str:
    """'DeepSeek V3 0324 (free)' -> 'DeepSeek V3 0324': the model a variant belongs to, for a shared legend entry."""
    variant = split_variant(slug)[1]
    suffix = with_variant("", variant)
    return name[: -len(suffix)] if variant and suffix and name.endswith(suffix) else name


_SLUG = re.compile(r"^[\w.-]+/[\w.:-]+$")


def readable(values: list[str], models: pd.DataFrame | None = None) -> dict[str, str]:
    """Label per value of a grouping (a family, a line): a value that is a permaslug (a family no rule named is
    its slug) reads as a model name, from `models` when the caller has the table (else the reference is read and
    classified again); anything else stays as it is."""
    slugs = [v for v in dict.fromkeys(values) if _SLUG.match(v) and v != OTHERS]
    named = dict(zip(slugs, model_labels(slugs, models)["name"], strict=True)) if slugs else {}
    return {v: named.get(v, v) for v in values}

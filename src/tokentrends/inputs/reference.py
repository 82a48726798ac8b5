"""model_permaslug -> base model, variant, family, lab, origin, open weights, tier, specialist tags.

Facts come from the curated tables in data/reference/ (each row with its source); naming patterns that
really are rules live here. Anything not decided is the value "unknown": never a crash, never a drop.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tokentrends.errors import InputError
from tokentrends.inputs.sources.rankings_daily import read_text
from tokentrends.paths import project_root

UNKNOWN = "unknown"
UNDISCLOSED = "Undisclosed"
TIERS = ("efficient", "frontier", "embedding")
EFFICIENT_MAX_BILLIONS = 32  # a model named by its size counts as efficient up to this many parameters

_DATE_SUFFIX = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|\d{2}-\d{2}|\d{4}|\d{3})$")
_STAGE_SUFFIX = re.compile(r"-(preview|exp|experimental|latest|beta)$")
_EFFICIENT_WORD = re.compile(
    r"(^|[-.])(flash|mini|lite|nano|small|haiku|air|fast|tiny|micro|turbo|flashx|"
    r"lightning|e\d+b)([-.]|$)"
)
_SIZE = re.compile(r"(^|-)(\d+(?:\.\d+)?)b(-|$)")
_TAG_WORDS = {
    "coding": re.compile(r"cod(e|er|estral|ex)|devstral"),
    "reasoning": re.compile(r"(^|-)(r1|o1|o3|o4|qwq|reason\w*|thinking|think)(-|$)"),
    "embedding": re.compile(r"embed|(^|-)e5-|bge-|minilm"),
}


def split_variant(slug: str) -> tuple[str, str]:
    """'deepseek/deepseek-chat-v3-0324:free' -> ('deepseek/deepseek-chat-v3-0324', 'free')."""
    base, sep, variant = slug.partition(":")
    return (base, variant) if sep else (slug, "")


def release_key(base: str) -> str:
    """The slug without release dates and preview stages: the rule-derived family key."""
    name = base
    while True:
        stripped = _STAGE_SUFFIX.sub("", _DATE_SUFFIX.sub("", name))
        if stripped == name:
            return name
        name = stripped


def rule_tier(base: str) -> str:
    """efficient for Flash/Mini/Lite/... names and models up to EFFICIENT_MAX_BILLIONS; frontier otherwise."""
    name = base.split("/", 1)[-1]
    if _TAG_WORDS["embedding"].search(name):
        return "embedding"
    if _EFFICIENT_WORD.search(name):
        return "efficient"
    size = _SIZE.search(name)
    if size and float(size.group(2)) <= EFFICIENT_MAX_BILLIONS:
        return "efficient"
    return "frontier"


def rule_tags(base: str, variant: str = "") -> list[str]:
    name = base.split("/", 1)[-1]
    tags = [tag for tag, pattern in _TAG_WORDS.items() if pattern.search(name)]
    if variant == "thinking" and "reasoning" not in tags:
        tags.append("reasoning")
    return tags


def _read_reference(path: Path, required: list[str]) -> pd.DataFrame:
    text = read_text(path)  # UTF-8 (BOM allowed), not empty: clear errors otherwise
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, f"not a readable CSV: {exc}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing columns {missing}", 1)
    for i, source in enumerate(frame["source"]):
        if not source.strip():
            raise InputError(path, "every fact needs a source", i + 2)
    return frame


def load_labs(path: str | Path) -> pd.DataFrame:
    frame = _read_reference(
        Path(path), ["slug_prefix", "lab", "origin_country", "origin_region", "open_weights_default", "source"]
    )
    dup = frame["slug_prefix"].duplicated()
    if dup.any():
        raise InputError(
            path,
            f"slug_prefix {frame['slug_prefix'][dup].iloc[0]!r} listed twice",
            int(dup.to_numpy().nonzero()[0][0]) + 2,
        )
    bad = ~frame["open_weights_default"].isin(["true", "false", ""])
    if bad.any():
        raise InputError(path, "open_weights_default must be true, false or empty", int(bad.to_numpy().argmax()) + 2)
    return frame


def load_family_rules(path: str | Path) -> list[tuple[re.Pattern, dict]]:
    frame = _read_reference(Path(path), ["pattern", "family", "tier", "tags", "open_weights", "source"])
    rules = []
    for i, row in enumerate(frame.to_dict("records")):
        try:
            pattern = re.compile(row["pattern"])
        except re.error as exc:
            raise InputError(path, f"pattern {row['pattern']!r} is not a regex: {exc}", i + 2) from None
        if row["tier"] not in ("", *TIERS):
            raise InputError(path, f"tier {row['tier']!r} is not one of {TIERS}", i + 2)
        if row["open_weights"] not in ("", "true", "false"):
            raise InputError(path, "open_weights must be true, false or empty", i + 2)
        rules.append((pattern, row))
    return rules


def latest_catalog(catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per canonical slug (and per id), from the newest catalog vintage that lists it."""
    if catalog.empty:
        return catalog
    # Within a vintage the plain listing sorts after its variants ('...:batch' shares the canonical slug), so a
    # model is named and described by its own entry, not by its batch variant's ('Claude Sonnet 4.5 (batch)').
    variant = catalog["model_id"].astype(str).str.contains(":")
    ordered = catalog.assign(_variant=variant).sort_values(
        ["as_of", "_variant"], ascending=[True, False], kind="stable"
    )
    ordered = ordered.drop(columns="_variant")
    by_slug = ordered.drop_duplicates("canonical_slug", keep="last").set_index("canonical_slug", drop=False)
    by_id = ordered.drop_duplicates("model_id", keep="last").set_index("model_id", drop=False)
    extra = by_id[~by_id.index.isin(by_slug.index)]
    return pd.concat([by_slug, extra])


# Official lower-case names that capitalising would get wrong.
_KEEP_LOWER = re.compile(r"^(gpt-oss[\w.-]*|o\d[\w.-]*|dots[\w.]*|\d+(\.\d+)?n?)$")
_SIZE_WORD = re.compile(r"^(a?\d+(\.\d+)?[bmk]|\d+x\d+b)$")  # 70b, a22b, 8x22b -> 70B, A22B, 8x22B
_VARIANT_NAMES = {"free": "free", "beta": "self-moderated", "thinking": "thinking", "extended": "extended"}


# How labs write their own names, for names built from slug words alone.
_BRANDS = {
    "deepseek": "DeepSeek",
    "glm": "GLM",
    "gpt": "GPT",
    "mimo": "MiMo",
    "minimax": "MiniMax",
    "qwq": "QwQ",
    "vl": "VL",
    "oss": "oss",
    "lfm": "LFM",
    "hy": "HY",
    "kat": "KAT",
    "ai": "AI",
    "llm": "LLM",
}


def _tidy_part(part: str) -> str:
    if not part or _KEEP_LOWER.match(part) or not part.islower():
        return part
    brand = re.fullmatch(r"([a-z]+)(\d[\w.]*)?", part)
    if brand and brand.group(1) in _BRANDS:
        return _BRANDS[brand.group(1)] + (brand.group(2) or "").upper()  # glm -> GLM, hy3 -> HY3
    if _SIZE_WORD.match(part):
        return part.upper().replace("X", "x")
    if re.fullmatch(r"[a-z]\d[\w.]*", part) or re.fullmatch(r"\d[\d.]*v", part):
        return part.upper()  # k2 -> K2, m2.5 -> M2.5, 4.5v -> 4.5V (not 4o)
    return part[0].upper() + part[1:]  # sonnet -> Sonnet, qwen3.7 -> Qwen3.7


def tidy_name(name: str) -> str:
    """One capitalisation for names built from slug words: 'Claude sonnet 4.6' -> 'Claude Sonnet 4.6',
    'GPT-5.6 luna' -> 'GPT-5.6 Luna', 'Qwen3 VL 235b-a22b' -> 'Qwen3 VL 235B-A22B'. Stealth code names and
    official lower-case names (gpt-oss, o3, dots) stay as they are."""
    if name.startswith("Stealth:"):
        return name
    return " ".join(
        "-".join(_tidy_part(p) for p in word.split("-")) if not _KEEP_LOWER.match(word) else word
        for word in name.split(" ")
    )


def name_from_slug(base: str) -> str:
    """A readable name from a permaslug alone: 'nobody/mystery-model-7-20260101' -> 'Mystery Model 7'."""
    model = release_key(base).split("/", 1)[-1]
    return tidy_name(model.replace("-", " ").replace("_", " ").strip()) or base


def release_label(base: str) -> str:
    """The release date of a dated slug as a reader writes it: '20260731' -> '31 Jul 2026'; other forms as is."""
    found = _DATE_SUFFIX.search(base)
    if not found:
        return ""
    stamp = found.group(1)
    if len(stamp) == 3:
        return ""  # '-001' is a build number, not a date
    if re.fullmatch(r"20\d{6}|20\d\d-\d\d-\d\d", stamp):
        return pd.Timestamp(stamp).strftime("%-d %b %Y")
    return stamp


def _display_name(catalog_name: str, family: str, base: str) -> str:
    """The catalog's name without its 'Provider: ' prefix (the provider kept where the family starts with it:
    'DeepSeek: R1' -> 'DeepSeek R1'); otherwise the family, or for a model no rule knows, a name from its slug."""
    if catalog_name:
        provider, sep, name = catalog_name.partition(": ")
        name = name if sep else catalog_name
        name = re.sub(r"\s*\((free|beta|thinking|extended|self-moderated)\)$", "", name)
        if sep and family.lower().startswith(provider.lower() + " ") and provider.lower() not in name.lower():
            name = f"{provider} {name}"
        return name
    if family == UNKNOWN or family == release_key(base):  # no rule named it: the slug is all there is
        return name_from_slug(base)
    return family


def with_variant(name: str, variant: str) -> str:
    """'DeepSeek V3 0324' + 'free' -> 'DeepSeek V3 0324 (free)': a variant is ranked on its own, so it is named."""
    label = _VARIANT_NAMES.get(variant, variant)
    return f"{name} ({label})" if label and not name.endswith(f"({label})") else name


def unique_display_names(models: pd.DataFrame) -> pd.Series:
    """`display_name`, with different dated releases that share a name told apart by their release date (two
    uncatalogued DeepSeek V4 Flash releases). Other clashes are settled where names meet, in a chart."""
    names = models["display_name"]
    clash = models.groupby(names)["base_model"].transform("nunique") > 1
    extra = models["base_model"].map(release_label)
    return names.where(~clash | (extra == ""), names + " (" + extra + ")")


@dataclass(frozen=True)
class ReferenceRows:
    """The reference tables as row lookups, made once for all the slugs classified: a DataFrame filter or `.loc` per
    slug was 40% of a merge's time."""

    labs: dict[str, dict]  # slug_prefix -> the first labs.csv row with it
    catalog: dict[str, dict]  # canonical slug or id -> the last row latest_catalog gives it
    revealed: dict[str, dict]  # base_model -> its revealed.csv row

    @classmethod
    def of(cls, labs: pd.DataFrame, catalog: pd.DataFrame, revealed: pd.DataFrame | None) -> ReferenceRows:
        first_lab: dict[str, dict] = {}
        for row in labs.to_dict("records"):
            first_lab.setdefault(row["slug_prefix"], row)
        entries = dict(zip(catalog.index, catalog.to_dict("records"), strict=True)) if not catalog.empty else {}
        reveals = {} if revealed is None else dict(zip(revealed.index, revealed.to_dict("records"), strict=True))
        return cls(first_lab, entries, reveals)


def classify_slug(slug: str, rules: list, reference: ReferenceRows) -> dict:
    """Every attribute of one permaslug, with where each came from."""
    base, variant = split_variant(slug)
    prefix = base.split("/", 1)[0] if "/" in base else ""
    reveal = reference.revealed.get(base)
    lab = reference.labs.get(reveal["lab_prefix"] if reveal else prefix)
    entry = reference.catalog.get(base)
    hf_id = entry["hugging_face_id"] if entry is not None else ""

    rule = next(((p, r) for p, r in rules if p.search(base)), None)
    if reveal is not None:
        row = {"tier": reveal["tier"], "tags": "", "open_weights": reveal["open_weights"]}
        family, family_source = reveal["family"], f"revealed.csv: {reveal['source']}"
    elif rule is not None:
        pattern, row = rule
        family = tidy_name(pattern.search(base).expand(row["family"]).strip())
        family_source = f"families.csv: {row['source']}"
    else:
        row = {"tier": "", "tags": "", "open_weights": ""}
        family, family_source = release_key(base), "rule: slug without release dates"

    # Evidence order: a curated family fact, then the catalog (hugging_face_id present or absent), then
    # the lab's policy. Where the catalog and a curated value disagree, the row is flagged for review.
    catalog_says = ("true" if hf_id else "false") if entry is not None else ""
    lab_default = lab["open_weights_default"] if lab else ""
    if row["open_weights"]:
        open_weights, ow_source = row["open_weights"], "families.csv"
    elif catalog_says:
        open_weights = catalog_says
        ow_source = f"catalog hugging_face_id {hf_id}" if hf_id else "catalog: no hugging_face_id"
    elif lab_default:
        open_weights, ow_source = lab_default, "labs.csv default"
    else:
        open_weights, ow_source = UNKNOWN, ""
    curated = row["open_weights"] or lab_default
    conflict = bool(catalog_says and curated and catalog_says != curated)

    tags = [t for t in row["tags"].split(";") if t] or rule_tags(base, variant)
    is_stealth = reveal is not None or prefix in ("openrouter", "stealth")
    return {
        "model_permaslug": slug,
        "base_model": base,
        "variant": variant,
        "display_name": _display_name(entry["name"] if entry is not None else "", family, base),  # variant: below
        "lab_id": prefix or UNKNOWN,
        "lab": lab["lab"] if lab else UNKNOWN,
        "origin": lab["origin_country"] if lab else UNKNOWN,
        "origin_region": lab["origin_region"] if lab else UNKNOWN,
        "is_stealth": is_stealth,
        "family": family,
        "family_source": family_source,
        "open_weights": open_weights,
        "open_weights_source": ow_source,
        "open_weights_conflict": conflict,
        "tier": row["tier"] or rule_tier(base),
        "tags": ";".join(tags),
        "in_catalog": entry is not None,
    }


def classify_slugs(
    slugs: pd.Series | list[str],
    labs: pd.DataFrame,
    rules: list,
    catalog: pd.DataFrame,
    revealed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per distinct permaslug (the API `other` row is not a model and is left out)."""
    latest = latest_catalog(catalog)
    unique = sorted(set(slugs) - {"other"})
    rows = ReferenceRows.of(labs, latest, revealed)
    out = pd.DataFrame([classify_slug(s, rules, rows) for s in unique])
    if out.empty:
        return out
    names = unique_display_names(out)
    out["display_name"] = [with_variant(n, v) for n, v in zip(names, out["variant"], strict=True)]
    return out


def reference_dir() -> Path:
    return project_root() / "data" / "reference"


def load_revealed(path: str | Path) -> pd.DataFrame:
    """Stealth models whose lab has since been named: base_model -> lab_prefix, family, tier, open_weights."""
    frame = _read_reference(Path(path), ["base_model", "lab_prefix", "family", "tier", "open_weights", "source"])
    if frame["base_model"].duplicated().any():
        raise InputError(path, "a base_model is listed twice")
    return frame.set_index("base_model", drop=False)


def load_reference(folder: str | Path | None = None) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """labs.csv, families.csv and revealed.csv from data/reference/ (or another folder)."""
    folder = Path(folder) if folder else reference_dir()
    return (
        load_labs(folder / "labs.csv"),
        load_family_rules(folder / "families.csv"),
        load_revealed(folder / "revealed.csv"),
    )

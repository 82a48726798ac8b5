from __future__ import annotations

import pandas as pd
import pytest

from tokentrends.errors import InputError
from tokentrends.inputs import prepare, reference
from tokentrends.inputs.sources.models_catalog import read_models_catalog
from tokentrends.metrics import groups, weekly
from tokentrends.report.sections import method

LABS, RULES, REVEALED = reference.load_reference()
EMPTY_CATALOG = pd.DataFrame(columns=["model_id", "canonical_slug", "name", "hugging_face_id", "as_of"])


def classify(slug: str, catalog: pd.DataFrame = EMPTY_CATALOG) -> dict:
    return reference.classify_slugs([slug], LABS, RULES, catalog, REVEALED).iloc[0].to_dict()


@pytest.mark.parametrize(
    ("slug", "family", "lab", "origin", "open_weights", "tier"),
    [
        ("google/gemini-2.0-flash-001", "Gemini 2.0 Flash", "Google", "United States", "false", "efficient"),
        ("google/gemini-2.0-flash-exp:free", "Gemini 2.0 Flash", "Google", "United States", "false", "efficient"),
        ("google/gemini-2.5-flash", "Gemini 2.5 Flash", "Google", "United States", "false", "efficient"),
        (
            "google/gemini-2.5-flash-preview-05-20:thinking",
            "Gemini 2.5 Flash",
            "Google",
            "United States",
            "false",
            "efficient",
        ),
        ("google/gemini-2.5-flash-lite", "Gemini 2.5 Flash Lite", "Google", "United States", "false", "efficient"),
        ("openai/gpt-4.1-mini-2025-04-14", "GPT-4.1 Mini", "OpenAI", "United States", "false", "efficient"),
        ("deepseek/deepseek-chat-v3-0324", "DeepSeek V3", "DeepSeek", "China", "true", "frontier"),
        ("deepseek/deepseek-chat-v3-0324:free", "DeepSeek V3", "DeepSeek", "China", "true", "frontier"),
        ("deepseek/deepseek-chat-v3.1", "DeepSeek V3.1", "DeepSeek", "China", "true", "frontier"),
        ("deepseek/deepseek-chat-v3.1:free", "DeepSeek V3.1", "DeepSeek", "China", "true", "frontier"),
        ("qwen/qwen3-30b-a3b-04-28", "Qwen3 30B A3B", "Alibaba (Qwen)", "China", "true", "efficient"),
        ("qwen/qwen3-30b-a3b-instruct-2507", "Qwen3 30B A3B", "Alibaba (Qwen)", "China", "true", "efficient"),
        ("x-ai/grok-code-fast-1", "Grok Code Fast 1", "xAI", "United States", "false", "efficient"),
        ("anthropic/claude-4-sonnet-20250522", "Claude Sonnet 4", "Anthropic", "United States", "false", "frontier"),
        (
            "anthropic/claude-4.5-sonnet-20250929",
            "Claude Sonnet 4.5",
            "Anthropic",
            "United States",
            "false",
            "frontier",
        ),
    ],
)
def test__classify__models_the_story_names(slug, family, lab, origin, open_weights, tier):
    got = classify(slug)
    assert (got["family"], got["lab"], got["origin"], got["open_weights"], got["tier"]) == (
        family,
        lab,
        origin,
        open_weights,
        tier,
    )


def test__classify__variants_and_dates():
    free = classify("deepseek/deepseek-chat-v3-0324:free")
    assert (free["base_model"], free["variant"]) == ("deepseek/deepseek-chat-v3-0324", "free")
    # a dated release is a model of its own, but shares the family with other releases
    assert classify("deepseek/deepseek-chat-v3")["family"] == "DeepSeek V3"
    dated, plain = classify("deepseek/deepseek-chat-v3-0324"), classify("deepseek/deepseek-chat-v3")
    assert dated["base_model"] != plain["base_model"] and dated["family"] == plain["family"]
    assert dated["display_name"] == "DeepSeek V3"  # no catalog: the family; a second V3 release adds its date
    assert "coding" in classify("x-ai/grok-code-fast-1")["tags"].split(";")
    assert "reasoning" in classify("anthropic/claude-3-7-sonnet-20250219:thinking")["tags"].split(";")


def test__classify__unknown_is_a_value_not_a_crash():
    got = classify("nobody/mystery-model-7")
    assert got["lab"] == reference.UNKNOWN and got["open_weights"] == reference.UNKNOWN
    assert got["family"] == "nobody/mystery-model-7"
    assert got["tier"] == "frontier"


@pytest.mark.parametrize(
    ("slug", "family", "lab", "origin", "open_weights"),
    [
        ("tencent/hy4-preview-20260827", "Hunyuan HY4", "Tencent", "China", "true"),
        ("xiaomi/mimo-v2.6-flash-20260921", "MiMo V2.6 Flash", "Xiaomi", "China", "true"),
        ("xiaomi/mimo-v2.6-pro-20260921", "MiMo V2.6 Pro", "Xiaomi", "China", "true"),
        ("poolside/laguna-s-2.1-20260720:free", "Laguna", "Poolside", "United States", "true"),
        ("typesafe/jev-1.13-20260917", "Jev", "TypeSafe AI", "United States", "false"),
        ("thinkingmachines/inkling-20260715:free", "Inkling", "Thinking Machines Lab", "United States", "true"),
    ],
)
def test__classify__late_2026_models_from_curated_sources(slug, family, lab, origin, open_weights):
    """Newer than the newest catalog vintage: their facts come from curated rows with sources."""
    got = classify(slug)
    assert (got["family"], got["lab"], got["origin"], got["open_weights"]) == (family, lab, origin, open_weights)
    assert got["open_weights_source"] == "families.csv"


def test__is_known__unknown_in_any_case_and_undisclosed_are_not_known():
    values = pd.Series(["China", "unknown", "Unknown", "UNKNOWN", "Undisclosed (stealth model)", "undisclosed"])
    assert groups.is_known(values).tolist() == [True, False, False, False, False, False]


def test__classify__stealth_and_revealed():
    hidden = classify("openrouter/owl-alpha")
    assert hidden["is_stealth"] and not groups.is_known(pd.Series([hidden["lab"]])).iloc[0]
    revealed = classify("openrouter/quasar-alpha")
    assert (revealed["lab"], revealed["family"], revealed["is_stealth"]) == ("OpenAI", "GPT-4.1", True)


def test__classify__catalog_hugging_face_id_is_evidence():
    catalog = pd.DataFrame(
        {
            "model_id": ["lab/x"],
            "canonical_slug": ["z-ai/glm-9-20300101"],
            "name": ["Z.ai: GLM 9"],
            "hugging_face_id": [""],
            "as_of": ["2030-01-02"],
        }
    )
    got = classify("z-ai/glm-9-20300101", catalog)
    assert got["open_weights"] == "false"  # in the catalog without weights: the lab default (true) is overruled
    assert got["open_weights_conflict"]
    assert got["display_name"] == "GLM 9"
    catalog["hugging_face_id"] = ["zai-org/GLM-9"]
    got = classify("z-ai/glm-9-20300101", catalog)
    assert (got["open_weights"], got["open_weights_conflict"]) == ("true", False)


@pytest.mark.parametrize(
    ("base", "key"),
    [
        ("google/gemini-2.5-flash-preview-09-2025", "google/gemini-2.5-flash"),
        ("openai/gpt-5-2025-08-07", "openai/gpt-5"),
        ("qwen/qwen3-235b-a22b-07-25", "qwen/qwen3-235b-a22b"),
    ],
)
def test__release_key(base, key):
    assert reference.release_key(base) == key


def test__load_family_rules__bad_rows_are_named(tmp_path):
    path = tmp_path / "families.csv"
    path.write_text("pattern,family,tier,tags,open_weights,source\n^a/(,A,,,,x\n")
    with pytest.raises(InputError, match="not a regex") as err:
        reference.load_family_rules(path)
    assert err.value.row == 2
    path.write_text("pattern,family,tier,tags,open_weights,source\n^a/,A,huge,,,x\n")
    with pytest.raises(InputError, match="tier"):
        reference.load_family_rules(path)
    path.write_text("pattern,family,tier,tags,open_weights,source\n^a/,A,,,,\n")
    with pytest.raises(InputError, match="needs a source"):
        reference.load_family_rules(path)


def test__coverage_and_shares__hand_computed():
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-06"] * 3),
            "model_permaslug": ["a/x", "b/y", "c/z"],
            "tokens": [6, 3, 1],
            "lab": ["A", "B", reference.UNKNOWN],
            "origin": ["US", "US", "Undisclosed"],
            "open_weights": ["true", "false", "unknown"],
            "tier": ["efficient"] * 3,
            "family": ["X", "Y", "Z"],
        }
    )
    cov = groups.coverage(rows)
    assert cov["lab"] == {"token_share": 0.9, "slug_share": 2 / 3}
    assert cov["origin"]["token_share"] == 0.9
    assert groups.share_by(rows, "origin").to_dict() == {"US": 0.9, "Undisclosed": 0.1}
    weekly_share = groups.weekly_share_by(rows, "lab")
    assert weekly_share["share"].tolist() == [0.6, 0.3, 0.1]
    folded = groups.top_values_per_quarter_with_rest(weekly_share, "lab", 1, "rest", 2025)
    assert dict(zip(folded["lab"], folded["tokens"], strict=True)) == {"A": 6, "rest": 4}


def test__group_figures__coverage_without_stealth_models():
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-06"] * 3),
            "model_permaslug": ["a/x", "stealth/y", "c/z"],
            "tokens": [6, 3, 1],
            "lab": ["A", "Undisclosed (stealth model)", "C"],
            "origin": ["US", "Undisclosed", "China"],
            "open_weights": ["true", "unknown", "unknown"],
            "tier": ["efficient"] * 3,
            "family": ["X", "Y", "Z"],
        }
    )
    named = groups.disclosed(rows)
    assert 1 - named["tokens"].sum() / rows["tokens"].sum() == pytest.approx(0.3)
    assert groups.coverage(rows)["lab"]["token_share"] == 0.7
    assert groups.coverage(named)["lab"]["token_share"] == 1.0
    assert groups.coverage(named)["open_weights"] == {"token_share": 6 / 7, "slug_share": 0.5}


def test__read_models_catalog__both_shapes(shared_data):
    whole = read_models_catalog(shared_data / "models" / "2026-02-27" / "models.json")
    bare = read_models_catalog(shared_data / "models" / "2026-05-01" / "models.json")
    assert len(whole) == 344 and len(bare) == 371
    row = bare.set_index("model_id").loc["qwen/qwen3.5-27b"]
    assert row["hugging_face_id"] == "Qwen/Qwen3.5-27B"
    assert row["prompt_usd_per_mtok"] >= 0


def test__coverage_targets__real_data(shared_data, tmp_path):
    """Issue 3 targets, measured on the shared vintages."""
    processed = prepare.prepare(shared_data, tmp_path, log=lambda *_: None)
    usage, models = prepare.load_usage(processed), prepare.load_models(processed)
    ranked = weekly.weekly_shares_by(usage)
    top20 = models[models["model_permaslug"].isin(ranked.loc[ranked["rank"] <= 20, "model_permaslug"])]
    disclosed = groups.disclosed(top20)
    assert set(top20["model_permaslug"]) - set(disclosed["model_permaslug"]) <= set(
        models.loc[models["is_stealth"], "model_permaslug"]
    )  # only stealth models lack a lab
    for attribute in ("family", "tier"):
        assert groups.is_known(top20[attribute]).all(), attribute
    assert groups.is_known(disclosed["lab"]).all()
    # A lab's country is a fact unless the author chose not to disclose it (community fine-tuners such as
    # Gryphe's MythoMax): those say so; a plain unknown never passes.
    origin = disclosed["origin"]
    assert (groups.is_known(origin) | origin.str.startswith(reference.UNDISCLOSED)).all()
    rows = groups.year_rows(usage, models, 2025)
    cov = groups.coverage(rows)
    for attribute in ("lab", "origin", "open_weights"):
        assert cov[attribute]["token_share"] >= 0.99, attribute
    assert cov["family"]["token_share"] >= 0.97
    cov_2026 = groups.coverage(groups.year_rows(usage, models, 2026))
    assert cov_2026["family"]["token_share"] >= 0.97
    # 2026 without the stealth models: every target holds
    cov_named = groups.coverage(groups.disclosed(groups.year_rows(usage, models, 2026)))
    for attribute in ("lab", "origin", "open_weights"):
        assert cov_named[attribute]["token_share"] >= 0.99, attribute


@pytest.mark.xfail(
    strict=True,
    reason="2026: ~5.5% of named tokens went to stealth models whose labs OpenRouter "
    "has not disclosed (Space Bunny, Ox, Owl Alpha...): classifying is guessing",
)
def test__coverage_targets__2026_lab_and_open_weights(shared_data, tmp_path):
    processed = prepare.prepare(shared_data, tmp_path, log=lambda *_: None)
    rows = groups.year_rows(prepare.load_usage(processed), prepare.load_models(processed), 2026)
    cov = groups.coverage(rows)
    assert min(cov[a]["token_share"] for a in ("lab", "origin", "open_weights")) >= 0.99


def method_record(coverage: dict, disclosed: dict, stealth: float, unclassified: pd.DataFrame) -> method.Method:
    return method.Method(
        missing_days=[],
        vintages=[],
        top50={},
        coverage=coverage,
        coverage_disclosed=disclosed,
        stealth_share=stealth,
        unclassified=unclassified,
        conflicts=pd.DataFrame(columns=["model_permaslug"]),
        names={},
    )


def test__coverage_block__stealth_column_only_when_a_stealth_model_ran():
    cov = {a: {"token_share": 0.9, "slug_share": 0.8} for a in groups.GROUPS}
    empty = pd.DataFrame(columns=["model_permaslug", "missing", "tokens", "share"])
    without = method.coverage_block(method_record(cov, cov, 0.0, empty))
    assert "stealth models aside" not in without and "Stealth models whose lab" not in without
    named = {a: {"token_share": 1.0, "slug_share": 1.0} for a in groups.GROUPS}
    with_stealth = method.coverage_block(method_record(cov, named, 0.1, empty))
    assert "stealth models aside" in with_stealth and "took 10.00% of the named-model tokens" in with_stealth
    assert with_stealth.count("100.00%") == len(groups.GROUPS)


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("Claude sonnet 4.6", "Claude Sonnet 4.6"),
        ("GPT-5.6 luna", "GPT-5.6 Luna"),
        ("qwen3.7 max", "Qwen3.7 Max"),
        ("Qwen3 VL 235b-a22b", "Qwen3 VL 235B-A22B"),
        ("Kimi k2", "Kimi K2"),
        ("GLM-4.5v", "GLM-4.5V"),
        ("GPT-4o Mini", "GPT-4o Mini"),
        ("gpt-oss-120b", "gpt-oss-120b"),
        ("OpenAI o3-mini", "OpenAI o3-mini"),
        ("Gemma 3n", "Gemma 3n"),
        ("Stealth: space-bunny", "Stealth: space-bunny"),
        ("DeepSeek V3", "DeepSeek V3"),
    ],
)
def test__tidy_name__one_capitalisation(raw, tidy):
    assert reference.tidy_name(raw) == tidy


def test__display_names__catalog_name_variant_and_release_date():
    catalog = pd.DataFrame(
        {
            "model_id": ["deepseek/deepseek-chat-v3-0324", "deepseek/deepseek-r1"],
            "canonical_slug": ["deepseek/deepseek-chat-v3-0324", "deepseek/deepseek-r1"],
            "name": ["DeepSeek: DeepSeek V3 0324", "DeepSeek: R1"],
            "hugging_face_id": ["x", "y"],
            "as_of": ["2026-01-01", "2026-01-01"],
        }
    )
    slugs = [
        "deepseek/deepseek-chat-v3-0324:free",
        "deepseek/deepseek-r1",
        "anthropic/claude-4.6-sonnet-20260217",
        "deepseek/deepseek-v4-flash-20260731",
        "deepseek/deepseek-v4-flash-20260821",
        "nobody/mystery-model-7",
    ]
    got = reference.classify_slugs(slugs, LABS, RULES, catalog, REVEALED).set_index("model_permaslug")["display_name"]
    assert got["deepseek/deepseek-chat-v3-0324:free"] == "DeepSeek V3 0324 (free)"
    assert got["deepseek/deepseek-r1"] == "DeepSeek R1"  # the provider kept: 'R1' alone says nothing
    assert got["anthropic/claude-4.6-sonnet-20260217"] == "Claude Sonnet 4.6"
    assert got["deepseek/deepseek-v4-flash-20260731"] == "DeepSeek V4 Flash (31 Jul 2026)"
    assert got["deepseek/deepseek-v4-flash-20260821"] == "DeepSeek V4 Flash (21 Aug 2026)"
    assert got["nobody/mystery-model-7"] == "Mystery Model 7"


def test__display_names__a_model_is_named_by_its_own_listing_not_its_batch_variants():
    catalog = pd.DataFrame(
        {
            "model_id": ["anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.5:batch"],
            "canonical_slug": ["anthropic/claude-4.5-sonnet-20250929"] * 2,
            "name": ["Anthropic: Claude Sonnet 4.5", "Anthropic: Claude Sonnet 4.5 (batch)"],
            "hugging_face_id": ["", ""],
            "as_of": ["2026-09-22", "2026-09-22"],
        }
    )
    for rows in (catalog, catalog.iloc[::-1]):  # whichever comes first in the vintage
        got = reference.classify_slugs(["anthropic/claude-4.5-sonnet-20250929"], LABS, RULES, rows, REVEALED)
        assert got["display_name"].tolist() == ["Claude Sonnet 4.5"]

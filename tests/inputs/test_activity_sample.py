"""The synthetic activity archive: deterministic, in the real shape, labelled, with the habits it promises."""

from __future__ import annotations

import pandas as pd

from conftest import quiet
from tokentrends.inputs import activity_archive as aa
from tokentrends.inputs import activity_sample
from tokentrends.inputs.sample import sample_rankings


def test__activity_sample__deterministic_labelled_and_loads(tmp_path):
    first = activity_sample.write_activity_sample(tmp_path / "a")
    second = activity_sample.write_activity_sample(tmp_path / "b")
    a, b = aa.load_activity(first, log=quiet), aa.load_activity(second, log=quiet)
    assert [v.sha256 for v in a.vintages] == [v.sha256 for v in b.vintages]
    assert a.is_synthetic and all(v.provenance["synthetic"] for v in a.vintages + a.price_vintages)
    assert all("SYNTHETIC" in v.citation for v in a.vintages)
    assert a.missing_days == ["2025-07-18", "2025-07-19", "2025-07-20"]  # the late pull
    assert not a.revisions.empty and set(a.revisions["column"]) == {"usage"}
    # the merge keeps exactly the days the team was active, each key once
    assert not a.rows.duplicated(["date", "model_permaslug", "endpoint_id"]).any()
    assert a.rows["date"].min() == pd.Timestamp(activity_sample.TEAM_START)


def test__activity_sample__habits():
    daily = activity_sample.daily_activity()
    market = set(sample_rankings()["model_permaslug"])
    used = set(daily["model_permaslug"])
    assert used - market == {activity_sample.FINE_TUNE}  # every other model is one the market ranks
    byok = daily[daily["byok_usage_inference"] > 0]
    assert set(byok["provider_name"]) == {activity_sample.BYOK_PROVIDER}
    assert (byok["usage"] < byok["byok_usage_inference"]).all()  # only the fee is billed by OpenRouter
    tokens = daily.assign(tokens=daily["prompt_tokens"] + daily["completion_tokens"])
    month = pd.to_datetime(tokens["date"]).dt.to_period("M")
    by_month = tokens.groupby([month, "model_permaslug"])["tokens"].sum().unstack(fill_value=0)
    top = by_month.idxmax(axis=1)
    assert top[pd.Period("2025-06")] == "kestrel/chat-9" and top[pd.Period("2025-11")] == "lumen-ai/flash-10"
    assert (daily["reasoning_tokens"] <= daily["completion_tokens"]).all()

"""The long tail and concentration: Others, the API `other` row, HHI and how many models cover the volume."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokentrends.inputs.sources.rankings_daily import OTHER_SLUG
from tokentrends.metrics.weekly import OTHERS, top_n_with_others, weekly_totals, with_week


def weekly_concentration(
    usage: pd.DataFrame, model_shares: pd.DataFrame, top_n: int, totals: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per week: `hhi`, `effective_models` (1/HHI) over named models; `top1/top5/top10_share` of the week's
    total; `models_for_50/90` (named models needed to reach 50%/90% of named tokens); `other_row_share` (the
    API's `other` row); `others_share` (everything outside the week's top N, as on the chart). `model_shares` is
    weekly_shares_by(usage); `totals` weekly_totals(usage), when computed already."""
    rows = []
    for week, group in model_shares.groupby("week_start"):
        tokens = np.sort(group["tokens"].to_numpy())[::-1].astype(float)
        named_share = tokens / tokens.sum()
        cumulative = np.cumsum(named_share)
        hhi = float((named_share**2).sum())
        shares = group.sort_values("rank")["share"].to_numpy()
        rows.append(
            {
                "week_start": week,
                "hhi": hhi,
                "effective_models": 1 / hhi,
                "top1_share": float(shares[:1].sum()),
                "top5_share": float(shares[:5].sum()),
                "top10_share": float(shares[:10].sum()),
                "models_for_50": int(np.searchsorted(cumulative, 0.5) + 1),
                "models_for_90": int(np.searchsorted(cumulative, 0.9) + 1),
            }
        )
    out = pd.DataFrame(rows)
    weeks = weekly_totals(usage) if totals is None else totals
    week_totals = weeks.set_index("week_start")["total_tokens"]
    other = with_week(usage[usage["model_permaslug"] == OTHER_SLUG]).groupby("week_start")["tokens"].sum()
    bars = top_n_with_others(usage, top_n, ranked=model_shares, totals=weeks)
    others = bars[bars["series"] == OTHERS].set_index("week_start")["tokens"]
    out["other_row_share"] = out["week_start"].map(other.reindex(week_totals.index, fill_value=0) / week_totals)
    out["others_share"] = out["week_start"].map(others / week_totals)
    return out

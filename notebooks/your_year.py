# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version,-jupytext.text_representation.format_version
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["explore-only"]
# # Your year on OpenRouter, next to the market
#
# A private report: your own activity (`GET /api/v1/activity`, kept under `data/private/`) beside OpenRouter's
# public rankings. Each section opens with what it asks, then one call shows its sentences and charts; every
# number is computed by `src/tokentrends` (metrics in `metrics/personal.py`).
#
# **Exploring.** Run all cells. With `activity_dir = None` the notebook reads `data/private/`, and when that
# holds no pull it uses the **synthetic sample** (a fictional team in the fictional sample market; every chart
# says so). **Building.** `make report-you` runs this notebook per year into `reports/private/<year>/`.

# %% tags=["parameters"]
year = 2025
activity_dir = None  # a folder of activity pulls; None is data/private (or the synthetic sample when it is empty)
processed_dir = None  # the market's prepared tables; None prepares the market that goes with the activity
output_dir = None  # where figures.json and chart files go; None writes nothing
top_n = None  # the market's top models compared with yours; None is the project's default

# %%
from IPython.display import display

from tokentrends import config
from tokentrends.build_personal import resolve_inputs
from tokentrends.inputs.activity_archive import load_activity
from tokentrends.render.chart_files import offline_chart_support
from tokentrends.report.model import load_prepared
from tokentrends.report.personal import compute_personal

if processed_dir is None or activity_dir is None:
    activity_dir, processed_dir = resolve_inputs(activity_dir, None, log=lambda *_: None)
report = compute_personal(
    load_prepared(processed_dir),
    load_activity(activity_dir, log=lambda *_: None),
    year,
    top_n or config.TOP_N,
    output_dir=output_dir,
)
display(offline_chart_support())
report.show("title")

# %% [markdown]
# ## Your year in numbers
#
# Everything you sent and spent in the year's weeks, as exact sums of your activity rows (the newest pull of each
# day, model and endpoint), and how much of OpenRouter's ranked traffic that was.

# %%
# NBVAL_CHECK_OUTPUT
report.show("numbers")

# %% [markdown]
# ## Statements about you, checked
#
# A few statements about your year, each measured on your data against the market's and given a verdict:
# *supported*, *partly*, *not supported* or *cannot be measured*, with one sentence of why.

# %%
report.show("ledger")

# %% [markdown]
# ## Your volume next to the market
#
# Week by week (Monday to Sunday, UTC): your prompt and completion tokens, what you spent (billed by OpenRouter,
# and by the providers you bring your own key to), and your tokens per million of the market's.

# %%
report.show("volume")

# %% [markdown]
# ## Your models and the market's
#
# Which models carried your tokens against the market's leaders of the same weeks, the leaders you never used,
# the models you used that the market never ranked, and how soon you picked up a model after it entered the
# market's daily top 50.

# %%
report.show("mix")

# %% [markdown]
# ## What you paid
#
# What you paid per million tokens against the market's average *list* price for the same mix of prompt and
# completion tokens, and a clearly labelled what-if: the same tokens at the list price of the market's
# most-used model of the same tier. The what-if is not a saving you could have had for sure.

# %%
report.show("price")

# %% [markdown]
# ## Reasoning, providers and BYOK
#
# How much of your output was reasoning, which providers served your tokens, and how much went through your
# own provider keys (BYOK).

# %%
report.show("habits")

# %% [markdown]
# ## Sources, privacy and provenance
#
# Where the numbers come from: your pulls with their retrieval times, the days no pull covers, what later
# pulls revised, the market's source and citation, and what built this page. Nothing here identifies you.

# %%
report.show("method")

# %%
report.write_figures()

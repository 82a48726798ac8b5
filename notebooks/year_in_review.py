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
# # A year of LLM usage on OpenRouter
#
# This notebook is the report: each section below opens with what it asks and how to read its chart, then one
# call shows that section's sentences and charts, every number computed by `src/tokentrends` from the data.
#
# **Exploring.** Run all cells. With `data_dir = None` the notebook reads the vintages in the project's
# `data/raw`, and when that folder holds none it uses the **synthetic sample** (fictional models; every chart
# says so). To read real data, set `data_dir` in the next cell to a folder of vintages, for example
# `"../../shared/data/openrouter"` or the folder `make fetch` fills, and `year` to the year to show.
#
# **The first screen.** The cell after the parameters opens the year and shows the page's head: the title with a few
# computed takeaways (what happened, with its numbers), then the main chart, each week's largest models and *Others*
# (the Volume section says how to read it), and the contents list.
#
# **How it runs.** `open_year` reads the year's rendered page from the project's store (`data/processed/pages/`),
# where `make report` puts it; when none is stored for these parameters and this code, it renders the page first
# in a child process (its progress shows under the cell), computing only the sections whose code or inputs changed.
# For the numbers behind a section, `compute_year` in `tokentrends.report.year_report` returns every section's
# record as a dataclass.
#
# **Building.** `make report` runs this notebook once per year with papermill and renders the page with
# nbconvert. To run it by hand:
# `jupytext --to ipynb notebooks/year_in_review.py -o - | papermill - out.ipynb -p year 2025 -p data_dir data/raw`

# %% tags=["parameters"]
year = 2025
data_dir = None  # a folder of vintages; None is the project's data/raw (or the synthetic sample when it is empty)
processed_dir = None  # prepared tables (python -m tokentrends prepare); None prepares data_dir first
output_dir = None  # where figures.json and chart files go; None writes nothing
top_n = None  # models named per week in the rankings chart; None is the project's default
render_missing = True  # render the page when none is stored (make report renders it first and sets False)

# %%
from IPython.display import display

from tokentrends.report.page import open_year

report = open_year(year, data_dir, processed_dir, top_n, output_dir, render_missing)
display(report.chart_support())
display(report.show("title"))
report.show("main_chart")

# %% [markdown]
# ## The year in numbers
#
# Weekly volume at three moments of the year: the first full week, the busiest week and the last full week,
# and how many times the first the other two were. Only full weeks (all seven days present) count here, so a
# week cut short by the year's edge or a missing day never reads as a drop.

# %%
# NBVAL_CHECK_OUTPUT
report.show("numbers")

# %% [markdown]
# ## The review's claims, checked
#
# The written review of the year makes claims about volume, leaders, disruptors, specialists, the long tail
# and price. Each is stated here as a measure with its thresholds (kept beside the claim in `data/claims/`),
# evaluated on the data, and given a verdict: *supported*, *partly*, *not supported* or *cannot be measured*,
# with one sentence of why. Where the data disagree with the review, the verdict says so.

# %%
report.show("claims")

# %% [markdown]
# ## Volume
#
# How much was sent, week by week. The chart at the top of the page draws each week, Monday to Sunday (UTC),
# as OpenRouter's rankings chart draws it: the week's largest models each on their own, and *Others* for
# everything else that week. A colour is a lab (the legend lists labs) and each of its models is a shade of it;
# hover a bar to name its model and follow it across the weeks. Here: how fast the weeks grew, and tokens per day
# averaged within each month, so a month with missing days stays comparable.

# %%
report.show("volume")

# %% [markdown]
# ## Leaders
#
# Which models and families carried the most tokens over the year and each quarter, which was first most
# often, and the paths of the families the review names: when each first appeared, when it reached the top,
# its peak and where it ended.

# %%
report.show("leaders")

# %% [markdown]
# ## Who served the tokens
#
# The same tokens grouped by the lab that made the model, the country where that lab is based, whether the
# weights are open, and the model family. Each chart shows every week as 100% of the named (daily top-50)
# models' tokens; the smaller values are folded together.

# %%
report.show("groups")

# %% [markdown]
# ## Who sent the tokens
#
# Which apps sent the tokens: OpenRouter's weekly ranking of public apps (the tools that name themselves in their
# requests), their tokens, requests and tokens per request, and how much of the whole platform's week they add up
# to. Coding tools and agents are also ranked within their own subcategories; an app that sits in several counts
# once. Where a session-cost vintage exists, what an agent session costs follows.

# %%
report.show("apps")

# %% [markdown]
# ## What the tokens were for
#
# What the requests asked for, from OpenRouter's classification of a sample of a week's traffic: broad categories
# (code, agent, data, general) and finer tasks, each by its share of the sample's tokens and of its requests (a
# long agentic exchange weighs more in tokens, a quick question in requests), and which models led the largest
# tasks.

# %%
report.show("tasks")

# %% [markdown]
# ## Efficiency
#
# Did cheap, small models take the volume? Models are *efficient* when their name says so (Flash, Mini,
# Lite, Nano, Haiku...) or their size is small; the rest are *frontier*.

# %%
report.show("efficiency")

# %% [markdown]
# ## Disruptors
#
# Whose share rose from the first half of the year to the second: the labs the review names as disruptors,
# the lab that gained most, and open-weights and Chinese models as a whole. Models that first reached the
# weekly top late in the year are listed as late entrants.

# %%
report.show("disruptors")

# %% [markdown]
# ## Specialists
#
# Specialists hold a niche rather than the top: here, how steady each watched family's weekly share was, and
# the weeks its share jumped far beyond its usual week-to-week change.

# %%
report.show("specialists")

# %% [markdown]
# ## The long tail
#
# How much went beyond the leaders: *Others* (everything outside the week's top models on the chart), the
# API's own `other` row (everything outside each day's top 50), and how many models it took to carry most of
# the volume.

# %%
report.show("tail")

# %% [markdown]
# ## Price
#
# What a token cost at list price, weighted by how many tokens each model carried that week. These are list
# prices from catalog snapshots, not what users paid.

# %%
report.show("price")

# %% [markdown]
# ## Outlook
#
# Where weekly volume is heading if the recent pace goes on. Rather than trust one method, simple projection
# methods are replayed on every week of the archive as if it were the last one known, and the one with the best
# record a few weeks ahead is used; its band comes from its own past errors (the section says how many weeks
# ahead, and how often the band held). The previous year's outlooks are scored by what happened.

# %%
report.show("outlook")

# %% [markdown]
# ## Year over year
#
# This year's headline measures beside the previous year's.

# %%
report.show("yoy")

# %% [markdown]
# ## Methodology and provenance
#
# Where the numbers come from and what they cannot say: the source and its caveats, how much of the volume
# the model reference classifies, every data vintage with its checksum, and what built this page.

# %%
display(report.show("method"))
report.show_build()

# %%
figures_path = report.write_figures()  # figures.json beside the page (nothing when output_dir is None)

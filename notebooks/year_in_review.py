# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# <!-- The Year-in-Review notebook: narrative and calls only; every computation lives in src/tokentrends.
#      Built per year by `make report` (papermill injects the parameters below); opens in `make lab`. -->

# %% tags=["parameters"]
year = 2025
data_dir = "../data/raw"  # used when processed_dir is None (exploring in JupyterLab)
processed_dir = None  # the prepared tidy table, written by `python -m tokentrends prepare`
output_dir = None  # where figures.json and chart files go; None writes nothing
top_n = 9

# %%
from IPython.display import HTML, display

from tokentrends import figures, groups, page, prepare, weekly
from tokentrends.charts import ChartView, offline_chart_support, weekly_share_chart, weekly_stack_chart

if processed_dir is None:
    processed_dir = prepare.prepare_data_dir(data_dir)
usage = prepare.load_usage(processed_dir)
manifest = prepare.load_manifest(processed_dir)
span = figures.year_span(usage, year)
totals = weekly.weeks_of_year(weekly.weekly_totals(usage), usage, year)
bars = weekly.weeks_of_year(weekly.with_share(weekly.top_n_with_others(usage, top_n)), usage, year)
headline = weekly.headline_weeks(totals)
models = prepare.load_models(processed_dir)
rows = groups.year_rows(usage, models, year)
group_figures = figures.group_figures(rows)
note = page.SYNTHETIC_WARNING if manifest["is_synthetic"] else manifest["citation"]
display(offline_chart_support())

# %%
display(HTML(page.title_block(year, span, manifest)))
display(HTML(page.contents([("numbers", f"{year} in numbers"), ("volume", "Weekly volume by model"),
                            ("groups", "Who served the tokens"), ("method", "Methodology and provenance")])))

# %%
# NBVAL_CHECK_OUTPUT
display(HTML(page.section("numbers", f"{year} in numbers")))
display(HTML(page.headline_cards(headline)))
display(HTML(page.headline_sentence(headline, year, span)))

# %%
display(HTML(page.section("volume", "Weekly volume by model")))
display(HTML(page.weekly_chart_intro(top_n)))
display(ChartView(
    weekly_stack_chart(bars, f"Weekly tokens, top {top_n} models and Others, {page.year_label(year, span)}",
                       note),
    "weekly-top-models", bars, output_dir,
))

# %%
display(HTML(page.section("groups", "Who served the tokens")))
display(HTML(page.groups_intro(group_figures["shares_year"])))
for attribute, title, n, rest, labels in [
    ("lab", "Share of tokens by lab", 8, "Other labs", None),
    ("origin", "Share of tokens by the lab's country", 6, "Other countries", None),
    ("open_weights", "Open vs closed weights", 3, None, page.OPEN_WEIGHTS_LABELS),
    ("tier", "Efficient tier (Flash, Mini, Lite...) vs frontier models", 3, None, None),
    ("family", "Share of tokens by model family", 10, "Other families", None),
]:
    shares = groups.weekly_share_by(rows, attribute)
    if rest:
        shares = groups.top_values_with_rest(shares, attribute, n, rest)
    display(ChartView(weekly_share_chart(shares, attribute, f"{title}, {page.year_label(year, span)}", note,
                                         labels=labels, rest=rest),
                      f"share-by-{attribute.replace('_', '-')}", shares, output_dir))

# %%
display(HTML(page.section("method", "Methodology and provenance")))
display(HTML(page.methodology(manifest, year, top_n, span)))
display(HTML(page.coverage_block(group_figures["coverage"], groups.unclassified_any(rows),
                                 models[models["open_weights_conflict"]])))
display(HTML(page.vintages_table(manifest)))
display(HTML(page.citation_footer(manifest)))

# %%
if output_dir is not None:
    figures.write_figures({**figures.year_figures(year, top_n, manifest, span, totals, bars, headline),
                           **group_figures}, output_dir)

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
data_dir = None  # used when processed_dir is None: None is the project's data/raw (or the sample if empty)
processed_dir = None  # the prepared tables, written by `python -m tokentrends prepare`
output_dir = None  # where figures.json and chart files go; None writes nothing
top_n = 9

# %%
from IPython.display import HTML, display

from tokentrends.inputs import prepare
from tokentrends.metrics import groups
from tokentrends.render import page
from tokentrends.render.charts import (
    ChartView,
    line_chart,
    monthly_chart,
    offline_chart_support,
    projection_chart,
    weekly_share_chart,
    weekly_stack_chart,
)
from tokentrends.report import analyses, claims, figures, stamp, story
from tokentrends.report import model as year_data

if processed_dir is None:
    processed_dir = prepare.prepare_data_dir(data_dir)
usage = prepare.load_usage(processed_dir)
manifest = prepare.load_manifest(processed_dir)
models = prepare.load_models(processed_dir)
data = year_data.build_year_data(usage, models, prepare.load_catalog(processed_dir),
                                 prepare.load_prices(processed_dir), year, top_n)
span = figures.year_span(usage, year)
label = page.year_label(year, span)
rows = groups.year_rows(usage, models, year)
group_figures = figures.group_figures(rows)
ledger_file = claims.ledger_path(year)
ledger = claims.evaluate(claims.load_ledger(ledger_file), data) if ledger_file.exists() else []
watch = claims.watch_list(ledger_file, data) if ledger_file.exists() else claims.default_watch(data)
note = page.SYNTHETIC_CHART_NOTE if manifest["is_synthetic"] else manifest["citation"]
display(offline_chart_support())

# %%
display(HTML(page.title_block(year, span, manifest)))
display(HTML(page.contents([("numbers", f"{year} in numbers"), ("claims", "The review's claims, checked"),
                            ("volume", "Volume"), ("leaders", "Leaders"), ("groups", "Who served the tokens"),
                            ("efficiency", "Efficiency"), ("disruptors", "Disruptors"),
                            ("specialists", "Specialists"), ("tail", "The long tail"), ("price", "Price"),
                            ("outlook", "Outlook"), ("yoy", "Year over year"),
                            ("method", "Methodology and provenance")])))

# %%
# NBVAL_CHECK_OUTPUT
display(HTML(page.section("numbers", f"{year} in numbers")))
display(HTML(page.headline_cards(data.headline)))
display(HTML(page.headline_sentence(data.headline, year, span)))

# %%
display(HTML(page.section("claims", "The review's claims, checked")))
display(HTML(story.claims_summary(ledger) if ledger else ""))
display(HTML(story.claims_table(ledger)))

# %%
display(HTML(page.section("volume", "Volume")))
display(HTML(page.weekly_chart_intro(top_n)))
display(ChartView(weekly_stack_chart(data.bars, f"Weekly tokens, top {top_n} models and Others, {label}", note),
                  "weekly-top-models", data.bars, output_dir))
volume = analyses.volume_analysis(data)
display(HTML(story.volume_text(volume, data.headline)))
display(ChartView(monthly_chart(data.monthly, f"Average tokens per day by month, {label}", note),
                  "monthly-volume", data.monthly, output_dir))

# %%
display(HTML(page.section("leaders", "Leaders")))
leaders = analyses.leaders_analysis(data, watch)
display(HTML(story.leaders_text(leaders)))
display(ChartView(line_chart(leaders["watch_series"].rename(columns={"family": "series"}),
                             f"Weekly share of the families the story follows, {label}", note),
                  "watched-families", leaders["watch_series"], output_dir))
display(HTML(story.trajectories_table(leaders["trajectories"])))
display(HTML("<h3>Top families by quarter</h3>" + story.quarter_table(leaders["families_by_quarter"], "family")))
display(HTML("<h3>Top models by quarter</h3>"
             + story.quarter_table(leaders["models_by_quarter"], "model_permaslug")))

# %%
display(HTML(page.section("groups", "Who served the tokens")))
display(HTML(page.groups_intro(group_figures["shares_year"])))
for attribute, title, n, rest, labels in [
    ("lab", "Share of tokens by lab", 8, "Other labs", None),
    ("origin", "Share of tokens by the lab's country", 6, "Other countries", None),
    ("open_weights", "Open vs closed weights", 3, None, page.OPEN_WEIGHTS_LABELS),
    ("family", "Share of tokens by model family", 10, "Other families", None),
]:
    shares = groups.weekly_share_by(rows, attribute)
    if rest:
        shares = groups.top_values_with_rest(shares, attribute, n, rest)
    display(ChartView(weekly_share_chart(shares, attribute, f"{title}, {label}", note, labels=labels, rest=rest),
                      f"share-by-{attribute.replace('_', '-')}", shares, output_dir))

# %%
display(HTML(page.section("efficiency", "Efficiency")))
efficiency = analyses.efficiency_analysis(rows)
display(HTML(story.efficiency_text(efficiency)))
tiers = groups.weekly_share_by(rows, "tier")
display(ChartView(weekly_share_chart(tiers, "tier", f"Efficient tier (Flash, Mini, Lite...) vs frontier, {label}",
                                     note), "share-by-tier", tiers, output_dir))

# %%
display(HTML(page.section("disruptors", "Disruptors")))
disruptors = analyses.disruptors_analysis(data, rows, ["DeepSeek", "Alibaba (Qwen)"])
display(HTML(story.disruptors_text(disruptors)))
display(ChartView(line_chart(disruptors["series"], f"DeepSeek, Qwen, the steepest riser, open weights and Chinese "
                             f"labs, {label}", note),
                  "disruptors", disruptors["series"], output_dir))

# %%
display(HTML(page.section("specialists", "Specialists")))
specialists = analyses.specialists_analysis(data, watch)
display(HTML(story.specialists_text(specialists)))

# %%
display(HTML(page.section("tail", "The long tail")))
tail = analyses.tail_analysis(data)
display(HTML(story.tail_text(tail, top_n)))
tail_series = analyses.tail_series(tail["weekly"], top_n)
display(ChartView(line_chart(tail_series, f"Others, the API's other row and the top 10, {label}", note),
                  "long-tail", tail_series, output_dir))

# %%
display(HTML(page.section("price", "Price")))
display(HTML(story.price_text(data.weekly_price, sorted(data.price_table["vintage"].unique()))))
if not data.weekly_price.empty:
    price_series = analyses.price_series(data.weekly_price)
    display(ChartView(line_chart(price_series, f"Average list price per million tokens, {label}", note,
                                 y_title="USD per million tokens", y_format="$.2f", value="usd_per_mtok"),
                      "list-price", price_series, output_dir))

# %%
display(HTML(page.section("outlook", "Outlook")))
outlook = analyses.outlook_analysis(data)
display(HTML(story.outlook_text(outlook, year)))
if outlook["params"] is not None:
    actual = analyses.actual_for_projection(data, outlook["projection"])
    display(ChartView(projection_chart(actual, outlook["projection"], f"Weekly tokens and the projection, {label}",
                                       note), "outlook", outlook["projection"], output_dir))

# %%
display(HTML(page.section("yoy", "Year over year")))
yoy = analyses.year_over_year(data)
display(HTML(story.yoy_table(yoy)))

# %%
display(HTML(page.section("method", "Methodology and provenance")))
display(HTML(page.methodology(manifest, year, top_n, span)))
top50 = groups.top50_coverage(usage, data.totals["week_start"])
display(HTML(page.top50_sentence(top50)))
display(HTML(page.coverage_block(group_figures, groups.unclassified(rows),
                                 groups.year_models(rows, models).query("open_weights_conflict"))))
display(HTML(page.vintages_table(manifest)))
display(HTML(page.citation_footer(manifest)))
build = stamp.build_stamp({"year": year, "top_n": top_n, "data": manifest["data_dir"],
                           "prepared": str(processed_dir).rstrip("/").rsplit("/", 1)[-1]})
display(HTML(page.reproducibility_block(build)))

# %%
if output_dir is not None:
    figures.write_figures({
        **figures.year_figures(year, top_n, manifest, span, data.totals, data.bars, data.headline),
        **group_figures,
        "claims": ledger,
        "top50": top50,
        "build": build,
        "analyses": figures.analyses_figures(volume, leaders, efficiency, disruptors, specialists, tail, data,
                                             outlook, yoy),
    }, output_dir)

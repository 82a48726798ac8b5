"""The report's defaults and tunables, in one place: the Makefile, the CLI, the build and the notebook read them.

A value here is a choice of method, not a fact about the data; each is stated in the page where it is used.
"""

from __future__ import annotations

from tokentrends.errors import BuildError

TOP_N = 9  # models named per week in the rankings chart (OpenRouter's own chart shows 9 and Others)
MAX_TOP_N = 50  # the API ranks 50 models a day: more cannot be named
SECOND_HALF_MONTH = 7  # "first half vs second half" splits at 1 July
LATE_ENTRANT_TOP = 10  # a late entrant first reaches the weekly top this many...
LATE_ENTRANT_WEEKS = 8  # ...within the year's last this many weeks
SPIKE_K = 3.0  # a spike is a week whose share jumps by more than this many standard deviations
FIT_WEEKS = 12  # the outlook fits the last this many full weeks...
HORIZON_WEEKS = 13  # ...and projects this many weeks ahead
PRICE_COVERAGE_MIN = 0.8  # a week's average list price counts only when this share of its named tokens is priced
WATCH_FAMILIES = 8  # without a ledger's watch list: the year's largest families
DISRUPTOR_LABS = ("DeepSeek", "Alibaba (Qwen)")  # the review's open-weight disruptors, unless a ledger names others
# The group charts: attribute -> (title, values kept per quarter, label of the rest)
GROUP_CHARTS = {
    "lab": ("Share of tokens by lab", 6, "Other labs"),
    "origin": ("Share of tokens by the lab's country", 5, "Other countries"),
    "open_weights": ("Open vs closed weights", 3, None),
    "family": ("Share of tokens by model family", 6, "Other families"),
}


def check_top_n(top_n: int) -> None:
    """TOP_N names that many models a week; the API ranks at most MAX_TOP_N a day."""
    if not 1 <= top_n <= MAX_TOP_N:
        raise BuildError(f"TOP_N must be from 1 to {MAX_TOP_N} (the API ranks {MAX_TOP_N} models a day)")

"""tokentrends: a reproducible Year-in-Review of LLM token usage from OpenRouter's rankings data."""

__version__ = "0.1.0"

CITATION_TEMPLATE = "Source: OpenRouter (openrouter.ai/rankings), as of {as_of}"

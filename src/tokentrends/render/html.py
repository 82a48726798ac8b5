"""Generic HTML blocks of a page: banner, table, contents, headings. Every text that came from data is escaped."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from tokentrends.render.formatting import esc, fmt_date

SYNTHETIC_CHART_NOTE = "SYNTHETIC SAMPLE DATA: fictional models, not OpenRouter"  # fits under a chart title
SYNTHETIC_WARNING = (
    "SYNTHETIC SAMPLE DATA: every number and chart on this page comes from a generated "
    "sample with fictional models, not from OpenRouter. Run `make report DATA_DIR=...` "
    "with real vintages."
)


def banner(is_synthetic: bool) -> str:
    """The warning every page built from the synthetic sample carries at the top."""
    return f'<div class="tt-banner" role="alert">{esc(SYNTHETIC_WARNING)}</div>' if is_synthetic else ""


def year_label(year: int, span: dict) -> str:
    """'2025' or '2026 so far, through 9 Oct 2026'."""
    return f"{year} so far, through {fmt_date(span['through_date'])}" if span["is_partial"] else str(year)


def heading_id(title: str) -> str:
    """The id nbconvert gives a markdown heading (spaces become dashes, the rest URL-quoted as nbconvert's
    _convert_header_id does): the contents list links to it."""
    return quote(title.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def contents(sections: list[tuple[str, str]]) -> str:
    """The contents list: (anchor, title) pairs in page order."""
    items = "".join(f'<li><a href="#{esc(anchor)}">{esc(title)}</a></li>' for anchor, title in sections)
    return f'<nav class="tt-contents"><strong>Contents</strong><ol>{items}</ol></nav>'


def table(frame: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    """A plain HTML table; every cell escaped, numeric columns right-aligned."""
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(c)}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if c in numeric else ""}">{esc(v)}</td>'
            for c, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f'<div class="tt-table"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def subheading(title: str) -> str:
    return f"<h3>{esc(title)}</h3>"

"""Text from data made safe for HTML: no pandas here, so the page's kernel can use it without the heavy imports."""

from __future__ import annotations

import html
import re
import unicodedata

# Bidi embeddings, overrides and isolates, and the invisible direction marks: in a model name they only serve to
# make the text read differently from what it is (issue 14, class 15).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Line breaks of every kind become spaces: U+2028 and U+2029 (line and paragraph separators) too, which end a string
# in the chart libraries' expressions (a model name holding one left its chart blank, and the build failed drawing it).
_BREAKS = "\t\n\r\u2028\u2029"


def display_text(value: object) -> str:
    """Text from data made safe to show: NUL and other control characters and bidi overrides are removed
    (tabs and line breaks become spaces), so a name reads as the characters it is made of."""
    text = _BIDI.sub("", str(value))
    if text.isprintable():
        return text
    return "".join(" " if c in _BREAKS else c for c in text if c in _BREAKS or unicodedata.category(c) != "Cc")


def esc(value: object) -> str:
    """Escape any text that came from data before it goes into HTML (control and bidi characters removed)."""
    return html.escape(display_text(value), quote=True)


def sentence(template: str, **values: object) -> str:
    """Fill an HTML template with escaped values: the template is ours, the values may come from data."""
    return template.format(**{k: esc(v) for k, v in values.items()})

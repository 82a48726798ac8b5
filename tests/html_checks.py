"""HTML as a browser builds it: a stray end tag or an element never closed is a page that differs from its source
(a stray </p> is an empty paragraph to Chromium, 16 px of blank page)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TagBalance(HTMLParser):
    """Every end tag closes the element open last, and none is left open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(f"</{tag}> at {self.getpos()} while {self.open[-3:]} open")


def tag_errors(html: str) -> list[str]:
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    return checker.errors + [f"<{tag}> never closed" for tag in checker.open]

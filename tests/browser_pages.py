"""Chromium for the browser tests: where it is, how it is started, and a page opened with the network blocked.

The `browser` fixture lives in conftest.py so that any test folder can use it.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def open_offline(browser, page_path: Path, width: int = 1100):
    """Open a page with every non-file request blocked and recorded; collect console errors and dialogs."""
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    seen = {"requests": [], "errors": [], "dialogs": []}

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            seen["requests"].append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(page_path.resolve().as_uri())
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.tt-chart')).every(c => c.querySelector('svg, canvas'))",
        timeout=30_000,
    )
    return page, seen

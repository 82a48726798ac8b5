"""Static chart renders (SVG and PNG) kept under the content they are rendered from.

A chart's spec carries its data, so one spec always renders to the same picture. A rebuild after an edit
that leaves a chart's data alone (the prose, a claim's threshold) copies the stored files instead of
rendering again: rendering is most of a year's build (~0.2 s a chart on this machine). The key covers the
spec, the renderer's version and the render settings, so a stored render is never stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from tokentrends.files import write_atomic

RENDERS = "chart-renders"
UNUSED_DAYS = 14


@cache
def renderer_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def render_key(spec: dict, settings: dict) -> str:
    text = json.dumps({"spec": spec, "settings": settings, "renderer": renderer_version()}, sort_keys=True,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def stored_render(spec: dict, settings: dict, render: Callable[[dict], tuple[str, bytes]],
                  store: Path) -> tuple[str, bytes]:
    """(svg, png) for the spec: from the store when rendered before, else `render(spec)`, then stored."""
    key = render_key(spec, settings)
    svg_path, png_path = store / key[:2] / f"{key}.svg", store / key[:2] / f"{key}.png"
    if svg_path.exists() and png_path.exists():
        now = time.time()
        for path in (svg_path, png_path):
            os.utime(path, (now, now))  # in use: kept by prune_renders
        return svg_path.read_text(encoding="utf-8"), png_path.read_bytes()
    svg, png = render(spec)
    write_atomic(svg_path, svg.encode("utf-8"))
    write_atomic(png_path, png)
    return svg, png


def prune_renders(store: Path, days: int = UNUSED_DAYS) -> int:
    """Remove renders no build has used for `days` days; return how many files went."""
    if not store.is_dir():
        return 0
    cutoff, removed = time.time() - days * 86_400, 0
    for path in store.glob("*/*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed

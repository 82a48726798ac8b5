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
from importlib.metadata import version
from pathlib import Path

import vl_convert

from tokentrends.files import UNUSED_DAYS, prune_unused, write_atomic
from tokentrends.paths import processed_root

RENDERS = "chart-renders"
STATIC_WIDTH = 860  # static exports have no container to fill
PNG_SCALE = 1.5
SPEC_SUFFIX = ".vl.json"  # a chart's spec beside its report: what its static files are rendered from
CHARTS_DIR = "charts"  # beside the report: each chart's spec and data (and its static files)
DRAWN_SUFFIX = ".drawn"  # beside a chart's static files: the digest of the spec they were drawn from


@cache
def renderer_version() -> str:
    return version("vl-convert-python")


def render_key(spec: dict, settings: dict) -> str:
    text = json.dumps(
        {"spec": spec, "settings": settings, "renderer": renderer_version()},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def stored_render(
    spec: dict, settings: dict, render: Callable[[dict], tuple[str, bytes]], store: Path
) -> tuple[str, bytes]:
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
    return prune_unused(store, "*/*", days)


def vegalite_version(spec: dict) -> str:
    """'6.4' from the spec's $schema (https://vega.github.io/schema/vega-lite/v6.4.1.json)."""
    return ".".join(spec["$schema"].rsplit("/v", 1)[1].removesuffix(".json").split(".")[:2])


def render_static(spec: dict) -> tuple[str, bytes]:
    """(SVG, PNG) of a Vega-Lite spec; the PNG is rasterised from the SVG, so the spec is rendered once."""
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vegalite_version(spec))
    return svg, vl_convert.svg_to_png(svg, scale=PNG_SCALE)


def drawn_path(spec_path: Path) -> Path:
    """Beside a chart's static files: the sha256 of the spec text they were drawn from."""
    return spec_path.with_name(spec_path.name.removesuffix(SPEC_SUFFIX) + DRAWN_SUFFIX)


def spec_digest(spec_text: str) -> str:
    return hashlib.sha256(spec_text.encode("utf-8")).hexdigest()


def pending_chart_files(report_dir: str | Path) -> list[Path]:
    """The chart specs of a report folder whose SVG or PNG is missing or was not drawn from the spec as it is now
    (judged by the spec's content, not by file times: two builds into one folder left a chart drawn from the other
    build's spec, newer than its own, and it was never drawn again)."""
    pending = []
    for spec_path in sorted((Path(report_dir) / CHARTS_DIR).glob(f"*{SPEC_SUFFIX}")):
        stem = spec_path.with_name(spec_path.name.removesuffix(SPEC_SUFFIX))
        drawn = drawn_path(spec_path)
        whole = all(p.exists() for p in (stem.with_suffix(".svg"), stem.with_suffix(".png"), drawn))
        if not whole or drawn.read_text() != spec_digest(spec_path.read_text(encoding="utf-8")):
            pending.append(spec_path)
    return pending


def write_drawn(spec_path: Path, spec_text: str, svg: str, png: bytes) -> bool:
    """The SVG and PNG beside the spec they were drawn from, then the spec's digest; nothing when the spec changed
    since it was read (another build swapped its report in meanwhile): the next run draws that one."""
    stem = spec_path.with_name(spec_path.name.removesuffix(SPEC_SUFFIX))
    try:
        if spec_path.read_text(encoding="utf-8") != spec_text:
            return False
        write_atomic(stem.with_suffix(".svg"), svg.encode("utf-8"))
        write_atomic(stem.with_suffix(".png"), png)
        write_atomic(drawn_path(spec_path), spec_digest(spec_text).encode())
    except FileNotFoundError:  # the report folder was swapped for another build's meanwhile: as a changed spec
        return False
    return True


def render_chart_files(report_dir: str | Path) -> int:
    """SVG and PNG beside every chart spec of a report folder that lacks them (from the render store when drawn
    before); return how many charts were written."""
    written = 0
    for spec_path in pending_chart_files(report_dir):
        text = spec_path.read_text(encoding="utf-8")
        svg, png = stored_render(
            {**json.loads(text), "width": STATIC_WIDTH}, {"scale": PNG_SCALE}, render_static, processed_root() / RENDERS
        )
        written += write_drawn(spec_path, text, svg, png)
    return written

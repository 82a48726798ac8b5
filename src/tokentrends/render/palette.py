"""Colours that mean something: a hue per lab, kept in every chart and every year, and shades of it per model.

A reader learns "Google is blue" once. Labs listed here keep the hue given; any other lab gets one from a
hash of its name (so it too is the same everywhere). Others is always light grey, unknown or undisclosed
labs (stealth models) darker greys.
"""

from __future__ import annotations

import colorsys
import hashlib
import re

OTHERS_COLOR = "#C8C8C8"
UNDISCLOSED_COLORS = ["#5F5F5F", "#7A7A7A", "#949494", "#474747"]

# Hue (degrees) and saturation per lab, chosen so that labs big in the same year sit far apart on the wheel.
# Keys are normalised (lower case, letters and digits only): lab names and slug prefixes both match.
LAB_HUES: dict[str, tuple[float, float]] = {
    "anthropic": (15, 0.72),
    "xiaomi": (42, 0.95),
    "nvidia": (70, 0.55),
    "tencent": (95, 0.70),
    "openai": (145, 0.60),
    "meta": (168, 0.55),
    "metallama": (168, 0.55),
    "deepseek": (190, 0.85),
    "google": (225, 0.78),
    "moonshotai": (240, 0.45),
    "alibabaqwen": (265, 0.60),
    "qwen": (265, 0.60),
    "alibaba": (265, 0.60),
    "zaizhipuai": (292, 0.55),
    "zai": (292, 0.55),
    "xai": (318, 0.40),
    "minimax": (345, 0.75),
    "mistralai": (0, 0.60),
    "cohere": (55, 0.70),
    "stepfun": (120, 0.45),  # apart from NVIDIA (70) and Cohere (55), which it sat beside
    "arceeai": (205, 0.35),  # muted: a hue of its own (a spare hue gave it Mistral's red)
}
# Hues for labs not listed above, picked by a hash of the name.
SPARE_HUES = [0, 45, 75, 125, 160, 230, 250, 280, 315, 340]


def lab_key(lab: str) -> str:
    """'Z.ai (Zhipu AI)' -> 'zaizhipuai', 'x-ai' -> 'xai': one key for a lab's name and its slug prefix."""
    return re.sub(r"[^a-z0-9]", "", lab.lower())


def is_undisclosed(lab: str) -> bool:
    """Unknown labs and stealth models: drawn grey, never given a hue a real lab could own."""
    key = lab_key(lab)
    return key in ("", "unknown", "stealth", "openrouter") or key.startswith("undisclosed")


def lab_hue(lab: str) -> tuple[float, float]:
    """(hue in degrees, saturation) of a lab: its own from LAB_HUES, else a spare hue from a hash of its name."""
    key = lab_key(lab)
    if key in LAB_HUES:
        return LAB_HUES[key]
    index = int(hashlib.md5(key.encode()).hexdigest(), 16) % len(SPARE_HUES)
    return SPARE_HUES[index], 0.6


MIN_HUE_GAP = 25  # degrees: two labs of one chart closer than this read as one colour


def hue_gap(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


def chart_hues(labs: list[str]) -> dict[str, tuple[float, float]]:
    """(hue, saturation) for the labs of one chart, in the order given (largest first). A listed lab keeps its own
    hue; an unlisted one its hashed spare hue, unless a lab before it in the chart sits within MIN_HUE_GAP, then
    the hue farthest from those (the synthetic sample's seven fictional labs drew two reds and three blues)."""
    taken = [lab_hue(lab)[0] for lab in labs if lab_key(lab) in LAB_HUES]
    out: dict[str, tuple[float, float]] = {}
    for lab in labs:
        hue, saturation = lab_hue(lab)
        if lab_key(lab) not in LAB_HUES and not is_undisclosed(lab):
            if any(hue_gap(hue, t) < MIN_HUE_GAP for t in taken):
                hue = max(range(0, 360, 15), key=lambda h: (min(hue_gap(h, t) for t in taken), -h))
            taken.append(hue)
        out[lab] = (hue, saturation)
    return out


def _hex(hue: float, saturation: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"


BASE_LIGHTNESS = 0.45  # a lab's own colour: its swatch, its line, its share, and its biggest model's bars
LIGHTER = (0.60, 0.84)  # the lab's other models, lighter the smaller they are


def lab_shades(lab: str, n: int, hue: tuple[float, float] | None = None) -> list[str]:
    """n shades of the lab's hue (or of `hue`, from chart_hues): the first is the lab's own colour (the same in
    every chart and year), for its biggest model or family; the others are lighter, in order."""
    if n <= 0:
        return []
    if is_undisclosed(lab):
        return [UNDISCLOSED_COLORS[i % len(UNDISCLOSED_COLORS)] for i in range(n)]
    hue, saturation = hue or lab_hue(lab)
    low, high = LIGHTER
    rest = [low] if n == 2 else [low + (high - low) * i / (n - 2) for i in range(n - 1)]
    return [_hex(hue, saturation, lightness) for lightness in [BASE_LIGHTNESS, *rest]]


# For lines that are not labs (open weights, the long tail, prices): Okabe-Ito, colour-blind safe and distinct.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#B8A100"]


def hue_distance(a: str, b: str) -> float:
    """The 'redmean' approximation of the perceived distance between two #rrggbb colours (0 to ~765)."""
    (r1, g1, b1), (r2, g2, b2) = ([int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in (a, b))
    red = (r1 + r2) / 2
    return ((2 + red / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2 + (2 + (255 - red) / 256) * (b1 - b2) ** 2) ** 0.5


MIN_DISTANCE = 150  # "redmean" distance under which two line colours read as one


def categorical_colors(names: list[str], taken: list[str] | tuple[str, ...] = ()) -> list[str]:
    """A colour per name, in order: the first of CATEGORICAL that is unused and far from every colour already
    in the chart (so the same names get the same colours in every year), else the farthest one."""
    used = list(taken)
    out = []
    for _ in names:
        free = [c for c in CATEGORICAL if c not in used] or CATEGORICAL
        apart = [c for c in free if all(hue_distance(c, u) >= MIN_DISTANCE for u in used)]
        best = apart[0] if apart else max(free, key=lambda c: min((hue_distance(c, u) for u in used), default=765))
        out.append(best)
        used.append(best)
    return out

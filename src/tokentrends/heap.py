"""The cyclic garbage collector and the build's long-lived objects.

A build loads ~1,000 modules (pandas, altair, nbconvert, statsmodels) whose objects live until the process ends and
hold nothing the collector could free, yet every full collection walks them all: ~0.07 s each, twice in the build
process while it loads them and once more in every process forked from it (where the walk also copies the
inherited memory pages it touches). Measured: 0.4 core-s of a 6.3 core-s cold build. The gc module's own freeze
keeps them out of that walk.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOADING = threading.Lock()
_loading = {"depth": 0, "was_enabled": True}  # blocks open now (in any thread), the collector's state before them


@contextmanager
def loading_modules() -> Iterator[None]:
    """Imports of long-lived modules in the block: no collection while they run (imports make no garbage worth one),
    and, when the block loaded any module, what is alive then frozen, so that no later collection walks it, here or in
    a process forked from here. Blocks may nest and overlap across threads: the collector is back as it was once the
    last one ends."""
    with _LOADING:
        if _loading["depth"] == 0:
            _loading["was_enabled"] = gc.isenabled()
            gc.disable()
        _loading["depth"] += 1
    loaded = len(sys.modules)
    try:
        yield
    finally:
        with _LOADING:
            if len(sys.modules) != loaded:  # a block that loaded nothing new has nothing to keep out of the walks
                gc.freeze()
            _loading["depth"] -= 1
            if _loading["depth"] == 0 and _loading["was_enabled"]:
                gc.enable()


def inherited_frozen() -> None:
    """At the start of a forked process: what it inherited (modules, the parent's tables) stays out of its
    collections. Objects freed by their reference count still are; only cycles among them would outlive them."""
    gc.freeze()

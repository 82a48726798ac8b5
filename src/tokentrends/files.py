"""Writing one file so that a reader never sees it half-written."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def write_atomic(path: Path, payload: bytes) -> None:
    """Write to a temporary sibling, flush it to disk, then rename it over `path` (atomic on one filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


UNUSED_DAYS = 14  # a stored file no build touched for this long is removed


def prune_unused(folder: Path, pattern: str, days: int = UNUSED_DAYS) -> int:
    """Remove the files under `folder` matching `pattern` that no build has touched for `days` days (stores mark a
    file in use by touching it); return how many went."""
    if not folder.is_dir():
        return 0
    cutoff, removed = time.time() - days * 86_400, 0
    for path in folder.glob(pattern):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed

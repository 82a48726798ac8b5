"""Writing one file so that a reader never sees it half-written."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: nothing waits on a lock (see file_lock)
    fcntl = None


def _umask() -> int:
    mask = os.umask(0o022)  # reading it means setting it: done once, at import, before any thread writes
    os.umask(mask)
    return mask


# Files are written readable as open() would make them (0o666 less the umask): mkstemp makes them owner-only, which
# left a published report's figures.json, chart files and index unreadable to anyone else (a web server, say).
# Private data stays private by its folders, which are owner-only (reports/private/, each fetched vintage).
FILE_MODE = 0o666 & ~_umask()


# The temporary files being written by this process, for a worker that must end at once (remove_unfinished_writes).
_unfinished: set[str] = set()


def write_atomic(path: Path, payload: bytes) -> None:
    """Write to a temporary sibling, flush it to disk, then rename it over `path` (atomic on one filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    _unfinished.add(tmp)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # a full disk fails the write or flush, naming no file
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        raise
    finally:
        _unfinished.discard(tmp)


def remove_unfinished_writes() -> None:
    """Remove the temporary files of the writes this process has under way: for a signal handler that ends the
    process at once (os._exit), where write_atomic's own clean-up never runs."""
    for tmp in list(_unfinished):
        Path(tmp).unlink(missing_ok=True)


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


STORED_MAGIC = b"tokentrends-stored-1\n"  # then the payload's sha256 (32 bytes), then the pickle


def read_json(path: Path) -> Any:
    """A JSON file's value, parsed once for as long as the file is the same (its device, inode, size and time; a
    file replaced by write_atomic is a new inode, one renamed keeps it): a run reads each year's figures.json
    (~0.7 MB) for several checks, in its build folder and once published, and for the index. Shared between callers:
    read it, never change it. Raises OSError or ValueError as json.loads does."""
    stat = path.stat()
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if key not in _PARSED:
        if len(_PARSED) >= 64:
            _PARSED.clear()
        _PARSED[key] = json.loads(path.read_text(encoding="utf-8"))
    return _PARSED[key]


_PARSED: dict[tuple[int, int, int, int], Any] = {}


def load_stored(path: Path) -> Any | None:
    """What save_stored() kept at `path`, marked as in use (prune_unused keeps it); None when there is none or it
    cannot be trusted (cut short, a byte changed, written by another version of a library): the caller computes
    it again."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    head = len(STORED_MAGIC) + 32
    if not blob.startswith(STORED_MAGIC) or hashlib.sha256(blob[head:]).digest() != blob[len(STORED_MAGIC) : head]:
        return None
    try:
        value = pickle.loads(blob[head:])  # the project's own cache, written by save_stored: never data from outside
    except Exception:  # noqa: BLE001 (whatever a stale pickle raises, the answer is to compute it again)
        return None
    now = time.time()
    try:
        os.utime(path, (now, now))
    except OSError:
        pass  # a read-only store still serves
    return value


def save_stored(path: Path, value: Any) -> None:
    """Keep `value` at `path` for load_stored: pickled behind its checksum, written atomically."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic(path, STORED_MAGIC + hashlib.sha256(payload).digest() + payload)


@contextmanager
def file_lock(path: Path, waiting: Callable[[Path], None] | None = None) -> Iterator[None]:
    """An exclusive OS lock on `path` (created), held for the block: it goes with the process that held it, however
    that ends. `waiting(path)` is called once when another process holds it, before waiting for it (a build that
    waits on another says so instead of sitting silent). Where there is no fcntl (Windows), nothing waits."""
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting(path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_held(path: Path) -> bool:
    """Whether a process holds file_lock(path) now (False where there is no fcntl, or no such file)."""
    if fcntl is None or not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False

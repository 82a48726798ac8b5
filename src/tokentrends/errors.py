"""Typed errors: every failure a user can cause names the file, the row and the reason."""

from __future__ import annotations

from pathlib import Path

INTERRUPTED = "interrupted: nothing half-written is kept; run the same command again to resume"  # Ctrl-C, exit 130
# The command's output was a pipe whose reader ended (`... | head -1`): it stops as a SIGPIPE would, exit 141.
OUTPUT_CLOSED = "stopped: nothing reads the output any more (its pipe was closed); nothing half-written is kept"


class TokentrendsError(Exception):
    """Base class for errors shown to users as one clear line (never a traceback)."""


class InputError(TokentrendsError):
    """A data file could not be read as what it claims to be."""

    def __init__(self, path: str | Path, reason: str, row: int | None = None) -> None:
        self.path = str(path)
        self.row = row
        self.reason = reason
        where = f"{self.path}, row {row}" if row is not None else self.path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):
        # pickled whole (the merge runs in a process of its own and sends its errors back)
        return type(self), (self.path, self.reason, self.row)


class BuildError(TokentrendsError):
    """A report could not be built."""

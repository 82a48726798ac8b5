"""Kernel launches that a stopping worker can shut off: once `no_more_kernels()` returns, no kernel starts in this
process and any launch that was under way has its process, so a scan of the process's children finds every kernel
it started (build._abandon kills them). A kernel launched after that scan outlived the stopped build; it started in
the build folder just removed and printed a traceback under the build's "interrupted" line (a Ctrl-C 0.3 s after
the build began: 2 runs of 12, with the scan made twice).

A kernel's connection file (its ports and key, `/tmp/tmp*.json`) is removed by jupyter_client when the kernel is shut
down; a worker that kills its kernels (build._abandon) removes theirs with remove_connection_files(): every Ctrl-C
of a build used to leave one for each kernel it killed."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

LAUNCH_WAIT_SECONDS = 5.0  # a launch is a fork and an exec: well under this even on a loaded machine

_launching = threading.Lock()
_stopped = False  # a plain flag, not a threading.Event: Event.set takes a lock of its own, and a signal handler that
# interrupted it and called it again (a second SIGTERM) waited on that lock forever


_connection_files: set[str] = set()  # of the kernels this process launched and has not shut down


class KernelsStopped(RuntimeError):
    """A kernel launch refused: the process is stopping."""


def no_more_kernels(timeout: float = LAUNCH_WAIT_SECONDS) -> None:
    """Refuse every kernel launch from now on, once the one under way (if any) has started its process. Safe in a
    signal handler: a launch holding the lock is in another thread (papermill's), and the wait is bounded."""
    global _stopped
    got = _launching.acquire(timeout=timeout)
    _stopped = True
    if got:
        _launching.release()


def remove_connection_files() -> None:
    """Remove the connection files of the kernels this process launched and did not shut down (killed instead)."""
    for name in list(_connection_files):
        Path(name).unlink(missing_ok=True)
        _connection_files.discard(name)


@lru_cache(maxsize=1)
def kernel_manager_class() -> type:
    """jupyter_client's AsyncKernelManager (nbclient's default), whose launches no_more_kernels() can shut off."""
    # jupyter_client loads with papermill, which only a year being built loads (~0.3 s): not at this module's import.
    from jupyter_client import AsyncKernelManager  # noqa: PLC0415

    class StoppableKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            with _launching:
                if _stopped:
                    raise KernelsStopped("the build is stopping: no kernel is started")
                await super()._async_launch_kernel(kernel_cmd, **kw)

        def write_connection_file(self, **kw: Any) -> None:
            # Written before the launch (and again if the launch reconciles it): none once the process is stopping,
            # and every one written is known to remove_connection_files.
            if _stopped:
                raise KernelsStopped("the build is stopping: no kernel is started")
            super().write_connection_file(**kw)
            if getattr(self, "_connection_file_written", False):
                _connection_files.add(self.connection_file)

        def cleanup_connection_file(self) -> None:
            _connection_files.discard(self.connection_file)
            super().cleanup_connection_file()

    return StoppableKernelManager

"""Kernel launches that a stopping worker can shut off: once `no_more_kernels()` returns, no kernel starts in this
process and any launch that was under way has its process, so a scan of the process's children finds every kernel
it started (build._abandon kills them). A kernel launched after that scan outlived the stopped build; it started in
the build folder just removed and printed a traceback under the build's "interrupted" line (a Ctrl-C 0.3 s after
the build began: 2 runs of 12, with the scan made twice).

A kernel's standard error goes to a file (kernel_stderr reads it), not to the terminal the build prints its progress
on: the build shows it once it knows whether that kernel is retried (build.execute_notebook)."""

from __future__ import annotations

import tempfile
import threading
from functools import lru_cache
from typing import Any

LAUNCH_WAIT_SECONDS = 5.0  # a launch is a fork and an exec: well under this even on a loaded machine

_launching = threading.Lock()
_stopped = False  # a plain flag, not a threading.Event: Event.set takes a lock of its own, and a signal handler that
# interrupted it and called it again (a second SIGTERM) waited on that lock forever


_stderr = threading.local()  # .file: the standard error of the kernel this thread launched last


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


def kernel_stderr() -> str:
    """What the kernel this thread launched last wrote to its standard error ("" before any launch)."""
    file = getattr(_stderr, "file", None)
    if file is None:
        return ""
    file.seek(0)
    return file.read().decode(errors="replace")


def forget_kernel_stderr() -> None:
    """Drop what the last kernel wrote (kernel_stderr is "" until the next launch)."""
    file = getattr(_stderr, "file", None)
    if file is not None:
        file.close()
    _stderr.file = None


def _new_stderr_file() -> object:
    forget_kernel_stderr()
    _stderr.file = tempfile.TemporaryFile()
    return _stderr.file


@lru_cache(maxsize=1)
def kernel_manager_class() -> type:
    """jupyter_client's AsyncKernelManager (nbclient's default), whose launches no_more_kernels() can shut off and
    whose kernels write their standard error to a file of their own (kernel_stderr)."""
    # jupyter_client loads with papermill, which only a year being built loads (~0.3 s): not at this module's import.
    from jupyter_client import AsyncKernelManager  # noqa: PLC0415

    class StoppableKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            with _launching:
                if _stopped:
                    raise KernelsStopped("the build is stopping: no kernel is started")
                if kw.get("stderr") is None:
                    kw["stderr"] = _new_stderr_file()
                await super()._async_launch_kernel(kernel_cmd, **kw)

    return StoppableKernelManager

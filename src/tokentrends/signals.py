"""Ctrl-C and SIGTERM around the steps that must not stop halfway: forking a process (sigint_held), a swap or a
clean-up (interrupts_deferred), and a clean-up that a second Ctrl-C must not cut short (one_interrupt); and, for the
command line, a Ctrl-C it handled told to the interpreter (interrupt_handled) and one after it is done ignored
(ignore_late_interrupts). Only the main thread handles signals; elsewhere each block runs as it is."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """A Ctrl-C or SIGTERM during the block takes effect when it ends, as it would have: for steps that must not stop
    halfway (a swap, the clean-up after a failure). A signal the process ignores stays ignored. (Only the main thread
    handles signals; elsewhere the block runs as it is.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    deferred = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in deferred}
    for signum in deferred:
        if previous[signum] is not signal.SIG_IGN:
            signal.signal(signum, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        for signum in deferred:
            signal.signal(signum, previous[signum])
    for signum in dict.fromkeys(caught):  # each once, in the order they came
        handler = previous[signum]
        if callable(handler):
            handler(signum, None)  # Python's own for SIGINT raises KeyboardInterrupt; a worker's SIGTERM ends it
        elif handler == signal.SIG_DFL:
            signal.raise_signal(signum)


@contextmanager
def one_interrupt() -> Iterator[None]:
    """In the block, the first Ctrl-C raises KeyboardInterrupt and the next ones are ignored, so that the clean-up it
    starts runs whole. A process that ignores Ctrl-C (started by `nohup`, or in the background of a script) keeps
    ignoring it. (Only the main thread handles signals; elsewhere the block runs as it is.)"""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        yield
        return
    raised = []

    def first_only(_signum: int, _frame: object) -> None:
        if not raised:
            raised.append(True)
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, first_only)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def sigint_held() -> Iterator[None]:
    """Ctrl-C held while a process is forked or spawned: one that lands then takes effect once it is done (as a
    KeyboardInterrupt, where the caller ends the child) instead of being lost in an at-fork hook or killing the child
    before it ignores it. Held twice: SIGINT is masked in this thread, which the child inherits (a spawned one too:
    the mask survives exec) and lifts once it ignores SIGINT (forked._as_child_of, build._worker_init); and the
    handler is deferred (interrupts_deferred), for a Ctrl-C another thread of this process received, whose handler
    Python would run in this one, mid-fork (a helper's repro lost 13 Ctrl-Cs of 34 that way)."""
    with interrupts_deferred():
        if not hasattr(signal, "pthread_sigmask"):
            yield
            return
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


def ignore_late_interrupts() -> None:
    """Call once the command has done its work and said so: a Ctrl-C while the interpreter then shuts down (~0.1 s,
    with Python's handler gone) ended the process by SIGINT with no line (status -2 for a build that had finished);
    now it is ignored and the status is the command's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def interrupt_handled() -> None:
    """Call where a KeyboardInterrupt is caught and the command ends on its own terms (exit status 130). CPython notes
    a KeyboardInterrupt that passes through the exec or eval of a string (as a dataclass or a namedtuple is made) as
    unhandled, caught or not, and `python -m` then ends by SIGINT once the command has returned (status -2 instead of
    130: 3 builds of 20 Ctrl-C'd 0.2 s in). Each exec of a string resets that note; an empty one leaves it clear."""
    exec("")  # noqa: S102 (an empty string: nothing runs)

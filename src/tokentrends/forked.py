"""Work run in a forked process while this one does something else: the build merges the vintages in one while it
loads what building a year needs (two cores busy instead of one), so that the year workers it forks next inherit
what it loaded (run_forked); and it starts the outlook's fitter in another, which loads statsmodels at once and fits
when asked (ForkedCall)."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from tokentrends.errors import BuildError
from tokentrends.heap import inherited_frozen
from tokentrends.signals import sigint_held

T = TypeVar("T")
A = TypeVar("A")
Log = Callable[[str], None]


def run_forked(work: Callable[[Log], T], log: Log, meanwhile: Callable[[], None], doing: str) -> T:
    """work(log) in a forked process, meanwhile() here; its log lines reach `log` here (those sent while meanwhile()
    runs, once it is done) and its result or exception is returned or raised here. work and its result must pickle
    only on the way back (a fork inherits the rest). Ctrl-C or a failure here ends the process. `doing` names the
    work in errors ("merging the vintages")."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send, receive, os.getpid(), doing), daemon=True)
    try:
        with sigint_held():
            child.start()
        send.close()  # this end is the child's: its closing is how a child that died is seen (EOFError)
        meanwhile()
        while True:
            try:
                kind, value = receive.recv()
            except EOFError:
                raise BuildError(
                    f"the process {doing} ended without a word (exit code {_exit_code(child)}: killed, "
                    "or out of memory); nothing was kept: run it again"
                ) from None
            if kind == "log":
                log(value)
            elif kind == "done":
                return value
            else:
                raise value
    finally:
        send.close()
        receive.close()
        _end(child)


def _exit_code(child: multiprocessing.process.BaseProcess) -> int | None:
    child.join(timeout=5)
    return child.exitcode


def _child(work: Callable[[Log], object], send: Connection, receive: Connection, parent: int, doing: str) -> None:
    # The parent's end, inherited: closed here, so that a send the parent no longer reads fails (EPIPE) instead of
    # blocking on a full pipe forever.
    receive.close()
    _as_child_of(parent)
    with _answering(send, doing):
        send.send(("done", work(lambda line: send.send(("log", line)))))


@contextmanager
def _answering(send: Connection, doing: str) -> Iterator[None]:
    """A child's work: a failure goes back to the parent, which raises it; being ended sends nothing."""
    try:
        yield
    except SystemExit:
        pass  # ended by the parent, or by its death: nobody waits for a word
    except BaseException as exc:  # noqa: BLE001 (every failure goes back to the parent, which raises it)
        _send_error(send, exc, doing)
    finally:
        send.close()


def _as_child_of(parent: int) -> None:
    """Ctrl-C is the parent's (a terminal sends it to the whole group): it ends this process with one SIGTERM, which
    unwinds it (finally blocks run) instead of killing it where it stands; a second signal is ignored, so that it
    cannot cut that clean-up short. The process ends with its parent."""
    inherited_frozen()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the fork (sigint_held)
    signal.signal(signal.SIGTERM, _exit)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: end with the parent
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(143)


def _send_error(send: Connection, exc: BaseException, doing: str) -> None:
    exc.add_note(f"in the process {doing}:\n{traceback.format_exc()}")  # TOKENTRENDS_DEBUG shows it
    whole = exc if _pickles(exc) else BuildError(f"{type(exc).__name__} {doing}: {exc}")  # its type, at least
    try:
        send.send(("error", whole))
    except OSError:
        pass  # the parent is gone, or no longer listening


def _end(child: multiprocessing.process.BaseProcess) -> None:
    if child.pid is None:
        return  # never started (the fork failed)
    if child.is_alive():
        child.terminate()  # its SIGTERM handler unwinds it: what it was writing is removed
    child.join(timeout=30)
    if child.is_alive():  # stuck in a system call that never returns: the next run removes what it left
        child.kill()
        child.join()


class ForkedCall(Generic[A, T]):
    """work(argument) in a process forked by start(), which runs load() first, at once: what work needs loads there
    while this process goes on, and the call waits only for the work. One call; close() ends the process whether
    or not it was called (a context manager closes it). Failures come back as run_forked's do."""

    def __init__(self, load: Callable[[], None], work: Callable[[A], T], doing: str):
        self._load, self._work, self.doing = load, work, doing
        self._child: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None

    @property
    def started(self) -> bool:
        return self._child is not None and self._child.pid is not None

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe()
        self._child = context.Process(
            target=_serve,
            args=(self._load, self._work, child_end, self._connection, os.getpid(), self.doing),
            daemon=True,
        )
        try:
            with sigint_held():
                self._child.start()
        finally:
            child_end.close()  # the child's: this process keeps its own end only

    def __call__(self, argument: A) -> T:
        self.send(argument)
        return self.result()

    def send(self, argument: A) -> None:
        """Start the work on `argument` (the call without its wait: result() waits)."""
        if self._child is None or self._connection is None:
            raise RuntimeError("ForkedCall called before start()")
        try:
            self._connection.send(argument)
        except OSError:
            raise self._lost() from None

    def result(self) -> T:
        """What the work sent (send first) returned, once it is done."""
        if self._connection is None:
            raise RuntimeError("ForkedCall called before start()")
        try:
            kind, value = self._connection.recv()
        except (EOFError, OSError):
            raise self._lost() from None
        if kind == "error":
            raise value
        return value

    def _lost(self) -> BuildError:
        return BuildError(
            f"the process {self.doing} ended without a word (exit code {_exit_code(self._child)}: killed, or out of "
            "memory): run it again"
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._child is not None:
            _end(self._child)

    def __enter__(self) -> ForkedCall[A, T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _serve(
    load: Callable[[], None],
    work: Callable[[object], object],
    child_end: Connection,
    parent_end: Connection,
    parent: int,
    doing: str,
) -> None:
    parent_end.close()  # inherited (see _child)
    _as_child_of(parent)
    with _answering(child_end, doing):
        try:
            load()
            failed = None
        except Exception as exc:  # noqa: BLE001 (reported when the work is asked for: not asking is no failure)
            failed = exc
        try:
            argument = child_end.recv()
        except EOFError:
            return  # never asked: the parent closed its end
        if failed is not None:
            raise failed
        child_end.send(("done", work(argument)))


def _exit(*_args) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(143)


def _pickles(exc: BaseException) -> bool:
    """Whether exc comes back whole: an exception whose __init__ takes other arguments than its message does not."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return False
    return True

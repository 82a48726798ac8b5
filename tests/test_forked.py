import multiprocessing.popen_fork
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tokentrends.errors import BuildError, InputError
from tokentrends.forked import ForkedCall, run_forked
from tokentrends.signals import sigint_held


def test__run_forked__returns_the_result_and_passes_on_every_log_line_in_order_while_meanwhile_runs_here():
    here = os.getpid()
    lines, meanwhile = [], []

    def work(log):
        for i in range(3):
            log(f"line {i}")
        return {"pid": os.getpid()}

    result = run_forked(work, lines.append, lambda: meanwhile.append(os.getpid()), doing="merging the vintages")
    assert result["pid"] != here and meanwhile == [here]
    assert lines == ["line 0", "line 1", "line 2"]


def test__run_forked__raises_the_work_s_error_whole_here():
    def work(_log):
        raise InputError("/data/x.csv", "no such column", row=3)

    with pytest.raises(InputError) as caught:
        run_forked(work, lambda _line: None, lambda: None, doing="merging the vintages")
    assert (caught.value.path, caught.value.reason, caught.value.row) == ("/data/x.csv", "no such column", 3)


def test__run_forked__an_error_that_does_not_pickle_comes_back_as_its_message():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a} and {b}")

    def work(_log):
        raise Odd(1, 2)

    with pytest.raises(BuildError, match="Odd merging the vintages: 1 and 2"):
        run_forked(work, lambda _line: None, lambda: None, doing="merging the vintages")


def test__run_forked__a_killed_process_is_an_error_not_a_hang():
    def work(_log):
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(BuildError, match="ended without a word"):
        run_forked(work, lambda _line: None, lambda: None, doing="merging the vintages")


def test__run_forked__a_failure_here_ends_the_process_which_unwinds(tmp_path: Path):
    started = tmp_path / "started"
    unwound = tmp_path / "unwound"

    def work(_log):
        started.touch()
        try:
            time.sleep(60)
        finally:
            unwound.touch()  # what prepare does with its half-written folder

    def meanwhile():
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise KeyboardInterrupt

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_forked(work, lambda _line: None, meanwhile, doing="merging the vintages")
    assert unwound.exists() and time.monotonic() - began < 10


def test__run_forked__a_failure_here_while_the_pipe_is_full_ends_the_process_without_a_hang():
    # the process writes log lines faster than this one reads (here: not at all until meanwhile() is done), so its
    # sends block on a full pipe; ended then, its sends must fail, not block forever
    def work(log):
        for _ in range(100_000):
            log("  reading rankings-daily/2026-06-22-api-2026-06-21_2026-06-21 (as of 2026-06-22T05:00:37Z)")
        return "done"

    def meanwhile():
        time.sleep(0.5)
        raise ImportError("nbconvert broke")

    began = time.monotonic()
    with pytest.raises(ImportError):
        run_forked(work, lambda _line: None, meanwhile, doing="merging the vintages")
    assert time.monotonic() - began < 20


def test__run_forked__a_bug_s_error_carries_where_it_happened():
    def failing_step(_log):
        return {}["missing"]

    with pytest.raises(KeyError) as caught:
        run_forked(failing_step, lambda _line: None, lambda: None, doing="merging the vintages")
    note = "".join(caught.value.__notes__)
    assert "in the process merging the vintages" in note and "failing_step" in note  # TOKENTRENDS_DEBUG prints it


def test__forked_call__loads_at_start_then_answers_the_call_from_its_own_process(tmp_path: Path):
    loaded = tmp_path / "loaded"
    here = os.getpid()

    def load():
        loaded.write_text(str(os.getpid()))

    with ForkedCall(load, lambda n: (os.getpid(), n * 2), doing="fitting") as call:
        assert not call.started
        call.start()
        assert call.started
        pid, doubled = call(21)
    assert doubled == 42 and pid != here and loaded.read_text() == str(pid)


def test__forked_call__send_starts_the_work_result_waits_for_it(tmp_path: Path):
    """The build sends the fitter its record before starting the year workers and waits for the count later: the
    work must run as soon as it is sent, not when the result is asked for."""
    began = tmp_path / "began"

    def work(n):
        began.write_text(str(n))
        return n + 1

    with ForkedCall(lambda: None, work, doing="fitting") as call:
        call.start()
        call.send(41)
        deadline = time.monotonic() + 10
        while not began.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert began.read_text() == "41"  # begun with no result asked for
        assert call.result() == 42


def test__forked_call__the_work_s_error_and_a_failed_load_are_raised_here_when_called():
    def fail(_n):
        raise InputError("/data/x.csv", "no such column", row=3)

    with ForkedCall(lambda: None, fail, doing="fitting") as call:
        call.start()
        with pytest.raises(InputError) as caught:
            call(1)
    assert (caught.value.path, caught.value.row) == ("/data/x.csv", 3)

    def broken_load():
        raise ImportError("no statsmodels")

    with ForkedCall(broken_load, lambda n: n, doing="fitting") as call:
        call.start()
        with pytest.raises(ImportError, match="no statsmodels"):
            call(1)


def test__forked_call__a_killed_process_is_an_error_not_a_hang():
    with ForkedCall(lambda: None, lambda _n: os.kill(os.getpid(), signal.SIGKILL), doing="fitting") as call:
        call.start()
        with pytest.raises(BuildError, match="fitting ended without a word"):
            call(1)


def test__forked_call__closing_it_uncalled_ends_it_at_once_even_while_it_loads(tmp_path: Path):
    unwound = tmp_path / "unwound"

    def slow_load():
        try:
            time.sleep(60)
        finally:
            unwound.touch()

    call = ForkedCall(slow_load, lambda n: n, doing="fitting")
    call.start()
    time.sleep(0.3)
    started = time.perf_counter()
    call.close()
    assert time.perf_counter() - started < 10
    assert not call._child.is_alive() and unwound.exists()  # ended by SIGTERM, which unwinds it
    call.close()  # a second close is harmless


def test__forked_call__a_failed_fork_is_raised_as_it_is(monkeypatch):
    def no_fork(*_args):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.popen_fork.Popen, "_launch", no_fork)
    with pytest.raises(BlockingIOError):
        with ForkedCall(lambda: None, lambda n: n, doing="fitting") as call:
            call.start()
    assert not call.started  # and closing it raised nothing of its own


def test__a_ctrl_c_during_a_fork_comes_after_it_and_the_child_ignores_it(tmp_path: Path):
    with pytest.raises(KeyboardInterrupt):
        with sigint_held():
            # to this thread, which holds it (a signal to the process may go to any thread that does not block it)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            reached = True
    assert reached

    def child_state():
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
        return signal.getsignal(signal.SIGINT) == signal.SIG_IGN, signal.SIGINT in blocked

    with ForkedCall(lambda: None, lambda _n: child_state(), doing="fitting") as call:
        call.start()
        assert call(0) == (True, False)  # ignored, and no longer blocked

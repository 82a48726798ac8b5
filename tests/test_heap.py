import gc
import importlib
import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest

from tokentrends import build
from tokentrends.forked import run_forked
from tokentrends.heap import inherited_frozen, loading_modules


@pytest.fixture
def unfrozen():
    """gc.freeze is process-wide: the tests put every frozen object back, as they found it."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def new_module(tmp_path, monkeypatch):
    """The name of a module no test has imported yet: importing it loads something new."""
    (tmp_path / "heap_test_module.py").write_text("VALUES = [[i] for i in range(1000)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "heap_test_module"
    sys.modules.pop("heap_test_module", None)


def test__loading_modules__runs_no_collection_in_the_block_and_freezes_what_it_loaded(unfrozen, new_module):
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with loading_modules():
            made = [[i] for i in range(100_000)]  # enough allocations to start several collections
            importlib.import_module(new_module)
            assert not gc.isenabled()
    finally:
        gc.callbacks.remove(count)
    assert collections == []
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


def test__loading_modules__freezes_nothing_when_the_block_loaded_nothing(unfrozen):
    with loading_modules():
        import json  # noqa: F401 (loaded already)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test__loading_modules__leaves_the_collector_off_when_it_was_off_and_freezes_after_an_error(unfrozen, new_module):
    gc.disable()
    try:
        with pytest.raises(ImportError), loading_modules():
            importlib.import_module(new_module)
            raise ImportError("no module named x")
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.enable()


def test__loading_modules__blocks_that_overlap_in_two_threads_leave_the_collector_on(unfrozen):
    first_in, second_done = threading.Event(), threading.Event()

    def first():
        with loading_modules():
            first_in.set()
            second_done.wait(10)  # the other thread's block opens and closes inside this one

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with loading_modules():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first block is still open
    second_done.set()
    thread.join(10)
    assert gc.isenabled()


def test__a_forked_process_keeps_what_it_inherited_out_of_its_collections(unfrozen):
    assert gc.get_freeze_count() == 0
    counts = run_forked(lambda _log: gc.get_freeze_count(), lambda _line: None, lambda: None, doing="counting")
    assert counts > 0
    assert gc.get_freeze_count() == 0  # here, nothing was frozen


def test__a_build_worker_freezes_what_it_inherited(unfrozen):
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, context, initializer=build._worker_init, initargs=(os.getpid(),)) as pool:
        assert pool.submit(gc.get_freeze_count).result() > 0
    assert gc.get_freeze_count() == 0


def test__inherited_frozen__freezes_the_objects_alive_now(unfrozen):
    alive = [[i] for i in range(1000)]
    inherited_frozen()
    assert gc.get_freeze_count() >= len(alive)

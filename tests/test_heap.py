import gc
import multiprocessing
import os
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


def test__loading_modules__runs_no_collection_in_the_block_and_freezes_what_it_made(unfrozen):
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with loading_modules():
            made = [[i] for i in range(100_000)]  # enough allocations to start several collections
            assert not gc.isenabled()
    finally:
        gc.callbacks.remove(count)
    assert collections == []
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


def test__loading_modules__leaves_the_collector_off_when_it_was_off_and_freezes_after_an_error(unfrozen):
    gc.disable()
    try:
        with pytest.raises(ImportError), loading_modules():
            raise ImportError("no module named x")
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.enable()


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

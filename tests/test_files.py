from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading

import pytest

from tokentrends.cli import os_error_line
from tokentrends.files import file_lock, lock_held, write_atomic

HOLD = """
import fcntl, sys
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()  # until the test lets go
"""


def test__file_lock__says_once_that_it_waits_for_another_process(tmp_path):
    lock = tmp_path / "a.lock"
    said: list = []
    with file_lock(lock, waiting=said.append):  # free: nothing said
        pass
    assert said == []
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    got = threading.Event()

    def take() -> None:
        with file_lock(lock, waiting=said.append):
            got.set()

    try:
        assert holder.stdout.readline().strip() == "held" and lock_held(lock)
        taker = threading.Thread(target=take)
        taker.start()
        assert not got.wait(0.3)  # held elsewhere: it waits...
        assert said == [lock]  # ...having said so, once
        holder.stdin.write("go\n")
        holder.stdin.flush()
        taker.join(10)
        assert got.is_set() and said == [lock]  # and takes the lock once the other process lets go
    finally:
        holder.kill()
        holder.wait()


def test__write_atomic__a_full_disk_names_the_file_it_was_writing(tmp_path, monkeypatch):
    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")  # as the kernel reports it: no file name

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "report" / "figures.json"
    with pytest.raises(OSError) as raised:
        write_atomic(target, b"{}")
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(target)
    assert f"cannot use {target}: no space left on the device" in os_error_line(raised.value)
    assert list(target.parent.iterdir()) == []  # the temporary file is gone too

"""kernel_launch: a stopping worker starts no kernel after it has looked for its kernels. Each test runs in a fresh
interpreter: no_more_kernels() is for good in the process that calls it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

STOPPED_THEN_LAUNCH = """
import asyncio, json, os
from tokentrends.kernel_launch import KernelsStopped, kernel_manager_class, no_more_kernels

def children():
    me, found = str(os.getpid()), []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[1] == me:
                    found.append(name)
        except (OSError, IndexError):
            pass
    return found

no_more_kernels()
manager = kernel_manager_class()(kernel_name="python3")
try:
    asyncio.run(manager.start_kernel())
    outcome = "started"
except KernelsStopped as exc:
    outcome = f"refused: {exc}"
print(json.dumps({"outcome": outcome, "children": children()}))
"""

LAUNCH_UNDER_WAY = """
import json, threading, time
from tokentrends import kernel_launch

kernel_launch._launching.acquire()  # a launch under way in another thread (papermill's)
def launch_done():
    time.sleep(0.3)
    kernel_launch._launching.release()
threading.Thread(target=launch_done).start()
started = time.perf_counter()
kernel_launch.no_more_kernels()
waited = time.perf_counter() - started
print(json.dumps({"waited": waited, "stopped": kernel_launch._stopped}))
"""


def run_python(code: str, **env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, **env}
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test__no_more_kernels__a_launch_after_it_is_refused_and_starts_no_process(tmp_path):
    result = run_python(STOPPED_THEN_LAUNCH, TMPDIR=str(tmp_path))
    assert result["outcome"] == "refused: the build is stopping: no kernel is started"
    assert result["children"] == [] and list(tmp_path.iterdir()) == []  # nor writes a connection file


KILLED_KERNEL = """
import asyncio, json, os, signal, tempfile
from tokentrends.kernel_launch import kernel_manager_class, no_more_kernels, remove_connection_files

async def main():
    manager = kernel_manager_class()(kernel_name="python3")
    await manager.start_kernel()
    written = os.path.exists(manager.connection_file)
    no_more_kernels()
    os.kill(manager.provisioner.pid, signal.SIGKILL)  # as build._abandon ends a stopped worker's kernels
    remove_connection_files()
    return {"written": written, "left": os.listdir(tempfile.gettempdir())}

print(json.dumps(asyncio.run(main())))
"""


@pytest.mark.slow  # a kernel's start
def test__remove_connection_files__a_killed_kernel_leaves_no_connection_file(tmp_path):
    # jupyter_client removes it when it shuts a kernel down; a stopped worker kills its kernels (a helper found 1,189
    # left in /tmp by interrupted builds)
    assert run_python(KILLED_KERNEL, TMPDIR=str(tmp_path)) == {"written": True, "left": []}


def test__no_more_kernels__waits_for_a_launch_under_way_so_its_kernel_can_be_found():
    result = run_python(LAUNCH_UNDER_WAY)
    assert result["waited"] >= 0.25 and result["stopped"] is True


@pytest.mark.slow  # a kernel's start
def test__kernel_manager_class__launches_a_kernel_as_nbclient_s_default_does():
    """Until stopped, the class is jupyter_client's AsyncKernelManager: its kernel starts and answers."""
    code = """
import asyncio, json
from tokentrends.kernel_launch import kernel_manager_class

async def main():
    manager = kernel_manager_class()(kernel_name="python3")
    await manager.start_kernel()
    try:
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.stop_channels()
        return await manager.is_alive()
    finally:
        await manager.shutdown_kernel(now=True)

print(json.dumps({"alive": asyncio.run(main())}))
"""
    assert run_python(code) == {"alive": True}

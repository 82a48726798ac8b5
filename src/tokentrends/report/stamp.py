"""The reproducibility stamp: what built a page (versions, commit, parameters, time). Light on purpose (no pandas):
the page's kernel makes it when it shows a stored page, so the time and commit are the build's own."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from tokentrends.paths import project_root
from tokentrends.render.text import sentence

PACKAGES = ("tokentrends", "pandas", "altair", "vl-convert-python", "papermill", "nbconvert", "jupytext", "pyarrow")


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=project_root(), capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=5,
    ).stdout.strip()
    return out.stdout.strip() + ("+local changes" if dirty else "")


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Python's version and each named distribution's ("not installed" when absent)."""
    return dict(_versions(names))


@lru_cache(maxsize=8)
def _versions(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Read once per process (~1 ms a distribution, and every page key asks): the versions of the code it runs,
    which an upgrade on disk does not change until the process restarts."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return tuple(versions.items())


def build_stamp(parameters: dict) -> dict:
    return {
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": git_commit(),
        "parameters": parameters,
        "versions": package_versions(),
    }


def page_parameters(year: int, top_n: int, data_dir: str, processed_dir: str | os.PathLike) -> dict:
    """The parameters a page states it was built with."""
    return {
        "year": year,
        "top_n": top_n,
        # the folder as given from the project, never the build machine's absolute path
        "data": os.path.relpath(data_dir, project_root()),
        "prepared": os.path.basename(os.fspath(processed_dir)),
    }


def reproducibility_block(build: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in build["versions"].items())
    params = ", ".join(f"{k}={v}" for k, v in build["parameters"].items())
    return sentence(
        '<p class="tt-caption"><b>Reproducibility.</b> Built {when} from commit <code>{commit}</code> '
        "with parameters {params}. Versions: {versions}.</p>",
        when=build["built_at"],
        commit=build["git_commit"],
        params=params,
        versions=versions,
    )

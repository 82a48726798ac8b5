"""Content hashes that decide what must be rebuilt (no timestamps: a clean clone rebuilds the same)."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def package_files() -> list[Path]:
    """The package's own files: sources and templates, never caches."""
    return [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def _source_hashes() -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in package_files() if p.suffix == ".py"}


# The package's modules as this process first found them (tokentrends/__init__ imports this module first).
SOURCES_AT_START = _source_hashes()


def changed_since_start() -> list[Path]:
    """The modules this process has loaded whose file changed since it started: it runs code that is no longer the
    code saved, and whatever it computes would be stored under the new code's keys."""
    now = _source_hashes()
    loaded = {
        Path(module.__file__).resolve()
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("tokentrends") and getattr(module, "__file__", None)
    }
    return sorted(p for p in loaded if p in SOURCES_AT_START and now.get(p) != SOURCES_AT_START[p])


def hash_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_fingerprint() -> str:
    """Hash of the package's own source and templates: any code change rebuilds."""
    return hash_files(package_files())


def hash_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def inputs_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the input-side code only (inputs/: parsers, archive, prepare): what the prepared tables depend on."""
    files = [p for p in (package_dir / "inputs").rglob("*.py") if "__pycache__" not in p.parts]
    return hash_files(files)

"""Content hashes that decide what must be rebuilt (no timestamps: a clean clone rebuilds the same)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def hash_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_fingerprint() -> str:
    """Hash of the package's own source and templates: any code change rebuilds."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return hash_files(files)


def hash_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def inputs_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the input-side code only (inputs/: parsers, archive, prepare): what the prepared tables depend on."""
    files = [p for p in (package_dir / "inputs").rglob("*.py") if "__pycache__" not in p.parts]
    return hash_files(files)

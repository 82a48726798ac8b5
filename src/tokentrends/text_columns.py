"""How pandas holds the package's text columns: Python strings, not Arrow's.

pandas 3 keeps text in Arrow arrays where pyarrow is installed. The report's frames are small (weeks x models),
and on them Arrow's per-call costs (each take, factorize and comparison converts between Arrow and NumPy) were a
fifth of rendering a year's page; with Python storage the same page renders ~10% faster. The values, their dtype
("str", missing as NaN) and every result are the same; only where the characters live differs.

The option is set the moment pandas is imported by a process that imported tokentrends first (build workers,
the fitter, the notebook's kernel when it needs pandas), so every frame of that process holds text one way. A
process that imported pandas before tokentrends (an explorer's notebook) is left as it is: switching then would
mix the two storages among its frames.
"""

from __future__ import annotations

import importlib.machinery
import sys
from types import ModuleType

STRING_STORAGE = "python"


def use_python_strings(pandas: ModuleType) -> None:
    pandas.set_option("mode.string_storage", STRING_STORAGE)


class _PandasImport:
    """A finder on sys.meta_path (any object with find_spec is one; importlib.abc's base class alone took longer to
    import than the rest of this module): finds pandas as the other finders do, and sets its string storage once
    its package has loaded."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "pandas":
            return None
        sys.meta_path.remove(self)  # once, and not in the way of the search below
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            use_python_strings(module)

        spec.loader.exec_module = exec_module  # this spec's own loader object: no other module is affected
        return spec


def python_strings_when_pandas_loads() -> None:
    """Python string storage in this process from the moment pandas loads; nothing when pandas is loaded already."""
    if "pandas" in sys.modules:
        return
    if not any(isinstance(finder, _PandasImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PandasImport())

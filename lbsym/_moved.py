"""Names that moved to another module keep resolving, with a DeprecationWarning (PEP 562)."""

from __future__ import annotations

import importlib
import warnings
from typing import Any, Callable, Mapping


def forwarder(module: str, moved: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` resolving ``moved`` names (name -> new module) lazily."""

    def __getattr__(name: str) -> Any:
        if name not in moved:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(f"{module}.{name} moved to {moved[name]}.{name}", DeprecationWarning,
                      stacklevel=2)
        return getattr(importlib.import_module(moved[name]), name)

    return __getattr__

"""lbsym: symbolic Landauer-Büttiker quantum transport.

Scatterers are symbolic S-matrices; networks of them are composed in closed
form; transport quantities come out as exact sympy expressions, LaTeX and
fast numeric evaluators, each checked against an independent numeric route.
"""

from .errors import (
    LbsymError,
    ParameterError,
    ParseError,
    PortError,
    ShapeError,
    SingularNetworkError,
    UnitarityError,
    UnknownDerivationError,
)

__version__ = "0.1.0"

# PEP 562: the symbolic core (sympy) loads on first use, so that
# ``import lbsym.lattice`` (numpy only) stays light.
_LAZY = {
    "Port": "smatrix", "SMatrix": "smatrix",
    "Network": "network", "bridge": "network", "ring": "network", "series": "network",
    "constants": None, "scatterers": None,
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'lbsym' has no attribute {name!r}")
    import importlib

    module = _LAZY[name]
    if module is None:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

__all__ = [
    "LbsymError",
    "ParameterError",
    "ParseError",
    "PortError",
    "ShapeError",
    "SingularNetworkError",
    "UnitarityError",
    "UnknownDerivationError",
    "Port",
    "SMatrix",
    "Network",
    "series",
    "ring",
    "bridge",
    "constants",
    "scatterers",
]

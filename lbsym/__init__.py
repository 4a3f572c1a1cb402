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
from .smatrix import Port, SMatrix
from .network import Network, bridge, ring, series
from . import constants, scatterers

__version__ = "0.1.0"

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

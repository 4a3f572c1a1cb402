"""Errors raised by lbsym.

Every error the library raises on bad input derives from :class:`LbsymError`,
so a caller (and the ``lbsym`` command) can catch one class.  Each message
says what was expected and what was got.
"""

from __future__ import annotations

__all__ = [
    "LbsymError",
    "ShapeError",
    "UnitarityError",
    "PortError",
    "SingularNetworkError",
    "ParseError",
    "UnknownDerivationError",
    "ParameterError",
    "LatticeError",
]


class LbsymError(ValueError):
    """Base class of every lbsym error caused by bad input."""


class ShapeError(LbsymError):
    """A matrix has the wrong shape (not square, ports and size disagree)."""


class UnitarityError(LbsymError):
    """A scattering matrix is not unitary: current would not be conserved."""


class PortError(LbsymError):
    """A port is unknown, connected twice, or left dangling in a network."""


class SingularNetworkError(LbsymError):
    """The internal amplitudes of a network cannot be eliminated.

    Physically: the network holds a state decoupled from every external lead
    (a bound state in the continuum, or a closed loop with no exit), so the
    multiple-reflection series 1 + PS + (PS)^2 + ... does not converge.
    """


class ParseError(LbsymError):
    """A user expression or value could not be parsed safely."""


class UnknownDerivationError(LbsymError, LookupError):
    """No derivation of that name is in the catalogue."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0]) if self.args else ""


class ParameterError(LbsymError):
    """A parameter value is missing, unknown or outside its admissible range."""


class LatticeError(LbsymError):
    """A tight-binding system or lead is malformed, or a solve is impossible."""


class PathError(LbsymError):
    """A pumping cycle is not a closed path in parameter space, or is malformed.

    Adiabatic pumping pumps charge per *cycle*: the parameters must return
    to their starting values (the path is closed), have one coordinate per
    pumping parameter and be finite.
    """


__all__.append("PathError")


class DerivationError(LbsymError):
    """A derivation is defined inconsistently: registered twice, a name or title given
    twice, cyclic relations, an unknown check kind or hook, or a derivation whose
    own consistency step fails."""


__all__.append("DerivationError")

"""Landauer conductance of two-terminal conductors.

Conventions
-----------
G = g_s (e^2/h) sum_n T_n, where T_n are the transmission eigenvalues of the
spin-resolved (g_s = 1) or spin-degenerate (g_s = 2, the default) orbital
channels; G_0 = 2 e^2/h.  The transmission T_{ij} is from lead j to lead i
(Büttiker 1986), the sum of |s_mn|^2 over the channels of the two leads,
which equals Tr(t^dagger t) = sum_n T_n.  Symbolic results carry the symbols
e and h of :mod:`lbsym.constants`.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .constants import e, h
from ._moved import forwarder
from .errors import ParameterError
from .smatrix import SMatrix

__all__ = ["conductance", "resistance", "landauer", "one_channel"]


def _spin(g: Any) -> sp.Expr:
    g = sp.sympify(g)
    if g.is_number and g not in (1, 2):
        raise ParameterError(f"spin degeneracy must be 1 or 2 (or a symbol); got {g}")
    return g


def one_channel(expr: sp.Expr, T: sp.Symbol) -> sp.Expr:
    """A result summed over channels, written for one channel of transmission ``T``.

    Every ``Sum(f(T[n]), (n, 1, N))`` becomes ``f(T)`` (upper limits set to 1,
    the remaining ``T[1]`` replaced by ``T``): what a textbook writes for a
    single-channel conductor, e.g. G = g_s e^2 T/h.
    """
    expr = expr.subs({lim[2]: 1 for s in expr.atoms(sp.Sum) for lim in s.limits}).doit()
    return expr.xreplace({i: T for i in expr.atoms(sp.Indexed)})


def landauer(total_transmission: Any, spin_degeneracy: Any = 2) -> sp.Expr:
    """G = g_s (e^2/h) T for a total transmission T = sum_n T_n."""
    return _spin(spin_degeneracy) * e**2 / h * sp.sympify(total_transmission)


def conductance(
    S: SMatrix, out_lead: Any = "right", in_lead: Any = "left", spin_degeneracy: Any = 2
) -> sp.Expr:
    """Two-terminal Landauer conductance g_s (e^2/h) T_{out,in} of an S-matrix.

    Examples
    --------
    >>> from lbsym.scatterers import barrier
    >>> conductance(barrier(1))
    2*T1*e**2/h
    """
    return landauer(S.transmission(out_lead, in_lead), spin_degeneracy)


def resistance(
    S: SMatrix, out_lead: Any = "right", in_lead: Any = "left", spin_degeneracy: Any = 2
) -> sp.Expr:
    """Two-terminal resistance 1/G."""
    return 1 / conductance(S, out_lead, in_lead, spin_degeneracy)


# Multi-terminal conductors moved to lbsym.multiterminal; the old names still
# resolve here, with a DeprecationWarning.
__getattr__ = forwarder(__name__, {n: "lbsym.multiterminal" for n in
                                   ("MultiTerminal", "MultiTerminalSolution", "cancel_rational")})

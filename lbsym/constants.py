"""Physical constants and the symbols that carry them.

Symbolic results keep the electron charge ``e``, Planck's constant ``h`` and
Boltzmann's constant ``k_B`` as positive sympy symbols; :data:`SI` maps them
to their exact SI values (2019 redefinition), so that numbers derived from a
result are exact rationals until the user asks for floats.

Conventions
-----------
G_0 = 2 e^2/h is the conductance quantum of one spin-degenerate orbital
channel; e^2/h is that of one spin-resolved channel; h/e^2 is the von
Klitzing constant R_K.  The thermal conductance quantum per channel is
kappa_0 = pi^2 k_B^2 T / (3 h).
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "e",
    "h",
    "k_B",
    "hbar",
    "Phi0",
    "SI",
    "G0",
    "R_K",
    "conductance_quantum",
    "von_klitzing",
    "thermal_conductance_quantum",
    "to_si",
]

#: Elementary charge (symbol, positive).
e = sp.Symbol("e", positive=True)
#: Planck constant (symbol, positive).
h = sp.Symbol("h", positive=True)
#: Boltzmann constant (symbol, positive).
k_B = sp.Symbol("k_B", positive=True)
#: Reduced Planck constant.
hbar = h / (2 * sp.pi)
#: Flux quantum h/e.
Phi0 = h / e

#: Exact SI values (2019 SI: e, h and k_B are defined constants).
SI: dict[sp.Symbol, sp.Rational] = {
    e: sp.Rational(1602176634, 10**28),
    h: sp.Rational(662607015, 10**42),
    k_B: sp.Rational(1380649, 10**29),
}

#: Conductance quantum 2e^2/h (spin-degenerate channel), symbolic.
G0 = 2 * e**2 / h
#: von Klitzing constant h/e^2, symbolic.
R_K = h / e**2


def to_si(expr: sp.Expr) -> sp.Expr:
    """Substitute the exact SI values of e, h and k_B into ``expr``."""
    return sp.sympify(expr).subs(SI)


def conductance_quantum(spin_degeneracy: int = 2) -> sp.Expr:
    """g_s e^2/h: conductance of one perfectly transmitting orbital channel."""
    return spin_degeneracy * e**2 / h


def von_klitzing() -> sp.Expr:
    """h/e^2, the resistance of one spin-resolved channel."""
    return R_K


def thermal_conductance_quantum(T: sp.Expr) -> sp.Expr:
    """pi^2 k_B^2 T / (3h): thermal conductance of one channel at temperature T."""
    return sp.pi**2 * k_B**2 * T / (3 * h)

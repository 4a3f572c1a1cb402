"""Averages of closed forms over a phase, by residues.

``phase_average(f, theta)`` = (1/2 pi) int_0^{2 pi} f(theta) d theta for f
rational in cos(theta), sin(theta): with z = e^{i theta} the integral is
(1/2 pi i) oint f(z) dz/z over |z| = 1, i.e. the sum of the residues of
f(z)/z inside the unit circle.  Which poles lie inside is decided at a
random admissible point (poles cannot cross |z| = 1 while the integrand
stays finite on the circle, which a transmission probability does).
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp

from .errors import ParameterError

__all__ = ["phase_average"]


def phase_average(f: sp.Expr, theta: sp.Symbol, point: Mapping[sp.Symbol, float]) -> sp.Expr:
    """Average of ``f`` over ``theta`` in [0, 2 pi) in closed form.

    ``point`` is an admissible numeric point of the other symbols, used only
    to decide which poles lie inside the unit circle.
    """
    z = sp.Symbol("z")
    g = f.rewrite(sp.exp).subs(sp.exp(sp.I * theta), z)
    g = g.subs(theta, -sp.I * sp.log(z))
    integrand = sp.cancel(sp.together(g / z))
    if integrand.has(theta):
        raise ParameterError(f"cannot average {f}: it is not rational in e^(i {theta})")
    num, den = sp.fraction(integrand)
    poles = sp.roots(sp.Poly(den, z))
    if sum(poles.values()) != sp.degree(den, z):
        raise ParameterError(f"cannot find every pole of the average of {f}")
    total = sp.S.Zero
    dden = sp.diff(den, z)
    for p, mult in poles.items():
        val = complex(p.subs(point).evalf(30))
        if abs(val) < 1:
            if mult == 1:  # simple pole: Res = num(p) / den'(p)
                total += sp.cancel(num.subs(z, p) / dden.subs(z, p))
            else:
                total += sp.residue(integrand, z, p)
    return total

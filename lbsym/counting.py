"""Full counting statistics: generating functions and their cumulants.

Conventions
-----------
* ``ln chi(lambda)`` is the cumulant generating function of the number of
  charges transferred over a long measuring time; the k-th cumulant is the
  k-th derivative in ``i lambda`` at lambda = 0:
  kappa_k = (-i d/d lambda)^k ln chi |_{lambda=0}.
* Levitov-Lesovik (JETP Lett. 58, 230 (1993)), zero temperature, bias V,
  time t: M = eVt/h attempts per spin-resolved channel, each a Bernoulli
  trial with probability T_n:
  ln chi = M sum_n ln(1 + T_n (e^{i lambda} - 1)).
  Binomial cumulants per attempt: T, T(1-T), T(1-T)(1-2T), ...;
  kappa_{k+1} = T(1-T) d kappa_k / dT.
* Sequential tunnelling through one level (Bagrets and Nazarov, PRB 67,
  085316 (2003)): master equation d p/dt = M(lambda) p on (empty, occupied)
  with rates Gamma_L (in from the left) and Gamma_R (out to the right),
  the counting field on the jumps into the right lead:
  M(lambda) = [[-Gamma_L, Gamma_R e^{i lambda}], [Gamma_L, -Gamma_R]];
  ln chi = t * (the eigenvalue of M(lambda) that vanishes at lambda = 0).
  Fano F = (Gamma_L^2 + Gamma_R^2)/(Gamma_L + Gamma_R)^2.

The general extractor :func:`cumulants` works on any symbolic generating
function of ``lambda``: where it depends on lambda only through
``e^{+-i lambda}`` it writes ``y = e^{i lambda}`` and applies the operator
``y d/dy`` (= d/d(i lambda)) repeatedly, cancelling rational functions at
each step; otherwise it differentiates in lambda directly.

This module is symbolic (sympy only, no numpy): the Monte-Carlo checks
(sample cumulants, Gillespie simulation of sequential tunnelling) are in
:mod:`lbsym.counting_numeric`.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from ._sympify import sympify as _sympify
from ._moved import forwarder
from .errors import LbsymError

__all__ = [
    "lam",
    "binomial_cgf",
    "levitov_lesovik",
    "cumulants",
    "cumulant",
    "binomial_cumulants",
    "rate_matrix",
    "sequential_cgf",
    "lorentzian_log_integral",
    "breit_wigner_cgf",
    "breit_wigner",
]

#: Counting field (real symbol).
lam = sp.Symbol("lambda", real=True)
_y = sp.Symbol("y", positive=True)  # e^{i lambda}


def binomial_cgf(T: sp.Expr, M: sp.Expr = 1, counting_field: sp.Symbol = lam) -> sp.Expr:
    """M ln(1 + T (e^{i lambda} - 1)): M Bernoulli attempts with probability T."""
    return M * sp.log(1 + T * (sp.exp(sp.I * counting_field) - 1))


def levitov_lesovik(transmissions: Sequence[sp.Expr], M: sp.Expr = 1,
                    counting_field: sp.Symbol = lam) -> sp.Expr:
    """Levitov-Lesovik ln chi = M sum_n ln(1 + T_n (e^{i lambda} - 1))."""
    return sp.Add(*[binomial_cgf(T, M, counting_field) for T in transmissions])


def _in_y(cgf: sp.Expr, counting_field: sp.Symbol) -> sp.Expr | None:
    """cgf with e^{i lambda} -> y, or None if lambda survives elsewhere."""
    expr = cgf.replace(
        lambda a: isinstance(a, sp.exp) and counting_field in a.free_symbols,
        lambda a: _y ** sp.simplify(a.args[0] / (sp.I * counting_field)),
    )
    if counting_field in expr.free_symbols:
        return None
    # only integer powers of y count as a function of e^{i lambda}
    for p in expr.atoms(sp.Pow):
        if p.base == _y and not p.exp.is_integer:
            return None
    return expr


def cumulants(cgf: sp.Expr, order: int, counting_field: sp.Symbol = lam,
              simplify: bool = True) -> list[sp.Expr]:
    """Cumulants kappa_1 .. kappa_order of a generating function ln chi(lambda).

    kappa_k = d^k ln chi / d(i lambda)^k at lambda = 0.  Each is factored
    when ``simplify`` (the default).
    """
    if order < 1:
        raise LbsymError(f"expected a cumulant order >= 1, got {order}")
    cgf = _sympify(cgf, "cgf")
    g = _in_y(cgf, counting_field)
    out = []
    if g is not None:
        rational = g.is_rational_function(_y)
        d = g
        for _ in range(order):
            d = _y * sp.diff(d, _y)
            if rational:
                d = sp.cancel(d)
            val = d.subs(_y, 1)
            out.append(sp.factor(val) if simplify else val)
        return out
    d = cgf
    for k in range(1, order + 1):
        d = sp.diff(d, counting_field)
        val = (-sp.I) ** k * d.subs(counting_field, 0)
        out.append(sp.factor(sp.simplify(val)) if simplify else val)
    return out


def cumulant(cgf: sp.Expr, k: int, counting_field: sp.Symbol = lam) -> sp.Expr:
    """The k-th cumulant of ``cgf`` (see :func:`cumulants`)."""
    return cumulants(cgf, k, counting_field)[-1]


def binomial_cumulants(T: sp.Expr, order: int) -> list[sp.Expr]:
    """Binomial cumulants per attempt via kappa_{k+1} = T(1-T) d kappa_k/dT (fast)."""
    if order < 1:
        raise LbsymError(f"expected a cumulant order >= 1, got {order}")
    out = [_sympify(T, "T")]
    while len(out) < order:
        out.append(sp.expand(T * (1 - T) * sp.diff(out[-1], T)))
    return [sp.factor(k) for k in out]


# ------------------------------------------------------- sequential tunnelling
def rate_matrix(Gamma_L: sp.Expr, Gamma_R: sp.Expr, counting_field: sp.Symbol = lam) -> sp.Matrix:
    """Counting-field-dressed rate matrix of a single level on (empty, occupied):
    tunnelling in from the left at Gamma_L, out to the right at Gamma_R,
    the latter jumps counted with e^{i lambda}."""
    z = sp.exp(sp.I * counting_field)
    return sp.Matrix([[-Gamma_L, Gamma_R * z], [Gamma_L, -Gamma_R]])


def sequential_cgf(Gamma_L: sp.Expr, Gamma_R: sp.Expr, t: sp.Expr = 1,
                   counting_field: sp.Symbol = lam) -> sp.Expr:
    """t times the eigenvalue of :func:`rate_matrix` that vanishes at lambda = 0.

    Found by the library: the eigenvalues of the 2x2 matrix are computed and
    the one equal to zero at lambda = 0 is selected.
    """
    Mx = rate_matrix(Gamma_L, Gamma_R, counting_field)
    evs = list(Mx.eigenvals().keys())
    chosen = [ev for ev in evs
              if sp.simplify(sp.factor(ev.subs(counting_field, 0), deep=True)) == 0]
    if len(chosen) != 1:
        raise LbsymError(f"expected one eigenvalue vanishing at lambda = 0, got {chosen}")
    return t * chosen[0]


# --------------------------------------------------- coherent resonant level
def lorentzian_log_integral(b: sp.Expr, c: sp.Expr) -> sp.Expr:
    """int_{-oo}^{oo} dx ln(1 + c/(x^2 + b^2)) = 2 pi (sqrt(b^2 + c) - b), derived by sympy.

    Differentiating under the integral in c gives int dx/(x^2 + b^2 + c)
    = pi/sqrt(b^2 + c); integrating that from c = 0 (where the integral
    vanishes) gives the result, valid for b > 0 and, by analytic
    continuation, for complex c off the cut c < -b^2.
    """
    x = sp.Symbol("x", real=True)
    bb, s, cc = sp.symbols("b_ s_ c_", positive=True)
    d_dc = sp.integrate(1 / (x**2 + bb**2 + s), (x, -sp.oo, sp.oo))
    total = sp.integrate(d_dc, (s, 0, cc))
    return sp.simplify(total).subs({bb: b, cc: c})


def breit_wigner_cgf(Gamma_L: sp.Expr, Gamma_R: sp.Expr, t: sp.Expr = 1, h_: sp.Expr | None = None,
                     counting_field: sp.Symbol = lam) -> sp.Expr:
    """Coherent resonant level at large bias (whole resonance inside the window):
    ln chi = (t/h) int dE ln(1 + T(E)(e^{i lambda} - 1)) with the Breit-Wigner
    T(E) = Gamma_L Gamma_R / ((E - E0)^2 + (Gamma_L + Gamma_R)^2/4)."""
    from .constants import h as h_sym

    h_ = h_sym if h_ is None else h_
    z = sp.exp(sp.I * counting_field)
    return t / h_ * lorentzian_log_integral((Gamma_L + Gamma_R) / 2, Gamma_L * Gamma_R * (z - 1))


def breit_wigner(E: sp.Expr, E0: sp.Expr, Gamma_L: sp.Expr, Gamma_R: sp.Expr) -> sp.Expr:
    """Breit-Wigner transmission Gamma_L Gamma_R / ((E - E0)^2 + (Gamma_L + Gamma_R)^2/4)."""
    return Gamma_L * Gamma_R / ((E - E0) ** 2 + (Gamma_L + Gamma_R) ** 2 / 4)


# The numeric routes moved to lbsym.counting_numeric; the old names still
# resolve here, with a DeprecationWarning.
__getattr__ = forwarder(__name__, {n: "lbsym.counting_numeric" for n in ("sample_cumulants", "gillespie_counts")})

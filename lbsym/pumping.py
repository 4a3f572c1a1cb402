"""Adiabatic quantum pumping: emissivities, the Brouwer integrand, pumped charge.

A scatterer whose S-matrix depends on real parameters X = (X_1, X_2, ...)
that are varied slowly and periodically pumps charge through it without any
bias (Brouwer, PRB 58, R10135 (1998)).  The charge per cycle depends only on
the closed path the cycle draws in parameter space, not on how fast it is
traversed.

Conventions (spinless electrons, charges in units of e)
-------------------------------------------------------
* **Emissivity** (Büttiker, Thomas, Prêtre, Z. Phys. B 94, 133 (1994))::

      dn_a/dX = (1/2 pi) sum_{m in a} sum_b Im( dS_{mb}/dX  S*_{mb} )

  Rows m are the outgoing channels of lead a.  dn_a/dX dX is the number of
  electrons that *enter the scatterer from lead a* when X grows by dX.
  Summed over the leads it is (1/2 pi) d(arg det S)/dX, the change of the
  number of electrons held by the scatterer (Friedel sum rule): raising a
  barrier pushes electrons out, and the sum is negative.  (Brouwer's eq. (2)
  writes the charge *emitted into* lead a, which is minus this.)
* **Brouwer integrand** (the "Berry curvature" of the pump)::

      Pi_a(X1, X2) = (1/pi) sum_{m in a} sum_b Im( dS*_{mb}/dX1  dS_{mb}/dX2 )

  It is exactly the curl of the emissivities,
  Pi_a = d/dX1 (dn_a/dX2) - d/dX2 (dn_a/dX1) (:func:`stokes_identity`).
* **Pumped charge per cycle**: for a cycle that runs *counterclockwise* in
  the (X1, X2) plane,

      Q_a = loop integral of sum_j dn_a/dX_j dX_j = area integral of Pi_a dX1 dX2

  (Green's theorem), the formula of DESIGN.md.  Q_a is the net number of
  electrons that leave reservoir a and enter the scatterer per cycle; a
  clockwise cycle gives -Q_a.  Current conservation (S unitary) makes
  sum_a Q_a = 0, so a two-terminal pump transfers Q_left = -Q_right
  electrons from the left to the right reservoir per cycle.  The electrons
  pumped *into* lead a per counterclockwise cycle are -Q_a.
* **Small harmonic cycle** X_i(t) = X_i0 + A_i cos(omega t + phi_i): the
  library integrates the emissivities over one period (sympy) to second
  order in the amplitudes and finds

      Q_a = sum_{i<j} pi A_i A_j sin(phi_i - phi_j) Pi_a^{(ij)}(X_0),

  where pi A_1 A_2 sin(phi_1 - phi_2) is the signed area of the ellipse
  (positive when it runs counterclockwise, i.e. X_1 leads X_2); omega drops
  out (:func:`harmonic_cycle_charge`, :func:`small_cycle_charge`).

Three numeric routes, which must agree (:class:`Pump`):

(a) the small-cycle closed form above, evaluated at the centre of the cycle;
(b) ``method="area"``: the area integral of the closed-form Pi over the
    region the path encloses.  Green's theorem is used in its cone form: the
    map F(s, u) = c + s (X(u) - c), 0 <= s <= 1, sweeps the region from a
    centre c, and the area integral is the integral of the pulled-back
    2-form, sum_{i<j} Pi^{(ij)}(F) s [(X - c)_i X'_j - (X - c)_j X'_i] ds du.
    This counts every point with the winding number of the path around it,
    so it is the signed enclosed area for star-shaped, convex, polygonal and
    self-intersecting paths alike, and it works in more than two
    dimensions (the surface is the cone over the path);
(c) ``method="line"``: the line integral of the emissivities, computed from
    the S-matrix and its symbolic derivatives (not from Pi).

Symbolic route
--------------
No ``simplify`` is called.  Every S-matrix element is brought to N/D with a
common denominator D (sympy ``cancel`` per element); then in the exact
amplitude algebra of :mod:`lbsym.algebra` dS/dX = M_X/D^2 with the
polynomial M_X = D dN/dX - N dD/dX, so that

    sum conj(dS/dX1) dS/dX2 = P / |D|^4,   P = sum conj(M_1) M_2,

a Laurent polynomial; Im P = (P - conj P)/(2i) is printed with cosines and
sines, |D|^2 in the textbook (cosine) form, and powers of |D|^2 dividing the
numerator are cancelled exactly.  For the double-barrier pump Im P has
a couple of dozen operations.

References: Brouwer, PRB 58, R10135 (1998); Büttiker, Thomas, Prêtre,
Z. Phys. B 94, 133 (1994); Switkes, Marcus, Campman, Gossard, Science 283,
1905 (1999); Levinson, Entin-Wohlman, Wölfle, Physica A 302, 335 (2001)
(quantization at resonance).
"""

from __future__ import annotations

import math
import random as _random
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ

from .algebra import Frac, PolarAlgebra
from .errors import ParameterError, PathError, PortError, ShapeError, UnitarityError
from .numeric import Evaluator
from .smatrix import SMatrix

__all__ = [
    "emissivity",
    "brouwer_integrand",
    "stokes_identity",
    "harmonic_cycle_charge",
    "small_cycle_charge",
    "Path",
    "Pump",
    "emissivities_from_smatrices",
    "integrand_from_smatrices",
    "line_charge",
]


# ------------------------------------------------------------------ validation
def _check_smatrix(S: Any) -> SMatrix:
    if not isinstance(S, SMatrix):
        raise ShapeError(f"expected an lbsym SMatrix; got {type(S).__name__}")
    return S


def _resolve_params(S: SMatrix, params: Any, minimum: int) -> tuple[sp.Symbol, ...]:
    """Parameter symbols of S, validated: known, real, distinct, >= minimum."""
    if isinstance(params, (str, sp.Symbol)):
        params = (params,)
    try:
        params = tuple(params)
    except TypeError:
        raise ParameterError(f"pumping parameters must be names or symbols; got {params!r}") from None
    rel = S.relations
    known = set(S.free_symbols) | set(rel)
    for v in rel.values():
        known |= sp.sympify(v).free_symbols
    by_name = {s.name: s for s in known}
    out: list[sp.Symbol] = []
    for p in params:
        if isinstance(p, str):
            if p not in by_name:
                raise ParameterError(
                    f"unknown parameter {p!r}: this S-matrix depends on {sorted(by_name)}"
                )
            p = by_name[p]
        elif not isinstance(p, sp.Symbol):
            raise ParameterError(f"a pumping parameter is a symbol or its name; got {p!r}")
        if p not in known:
            raise ParameterError(
                f"unknown parameter {p.name!r}: this S-matrix depends on {sorted(by_name)}"
            )
        if p in rel:
            raise ParameterError(
                f"{p.name} is fixed by the relation {p.name} = {rel[p]}; "
                f"pump the independent symbol(s) {sorted(s.name for s in sp.sympify(rel[p]).free_symbols)}"
            )
        if p.is_real is not True:
            raise ParameterError(
                f"pumping parameter {p.name!r} is not known to be real (is_real = {p.is_real}); "
                f"a pumping parameter is a real knob: declare it with real=True or positive=True"
            )
        if p in out:
            raise ParameterError(f"pumping parameter {p.name!r} given twice")
        out.append(p)
    if len(out) < minimum:
        raise ParameterError(
            f"expected at least {minimum} pumping parameter(s); got {len(out)}"
            + (" (a single parameter encloses no area and pumps nothing)" if minimum == 2 else "")
        )
    return tuple(out)


def _rows(S: SMatrix, lead: Any) -> list[int]:
    """Outgoing rows of a lead, or of several leads given as a list or tuple."""
    if isinstance(lead, (list, tuple)) and lead not in S.leads:
        if not lead:
            raise PortError("expected at least one lead")
        rows = sorted({i for x in lead for i in _rows(S, x)})
        return rows
    rows = [i for i, p in enumerate(S.ports) if p.lead == lead]
    if not rows:
        raise PortError(f"no lead {lead!r}; this S-matrix has leads {list(S.leads)!r}")
    return rows


def _pumped_matrix(S: SMatrix, params: Sequence[sp.Symbol]) -> sp.ImmutableMatrix:
    """S.matrix with the relations that involve a parameter substituted (R = 1 - T)."""
    rel = {k: v for k, v in S.relations.items()
           if sp.sympify(v).free_symbols & set(params)}
    m = S.matrix.subs(rel) if rel else S.matrix
    for p in params:
        if p not in m.free_symbols:
            raise ParameterError(f"the S-matrix does not depend on the parameter {p.name!r}")
    return m


# ------------------------------------------------------------ structured algebra
def _gaussian(alg: PolarAlgebra, p) -> sp.Poly:
    """A ring polynomial of ``alg`` (generator 0 is i) as a Poly over QQ<i> in the others."""
    gens = sp.symbols(f"x1:{alg.ngens}")
    terms: dict = {}
    for m, c in p.iterterms():
        coeff = sp.Rational(int(c.numerator), int(c.denominator)) * sp.I ** m[0]
        terms[m[1:]] = terms.get(m[1:], 0) + coeff
    return sp.Poly.from_dict(terms, *gens, domain=sp.QQ_I)


def _to_ring(alg: PolarAlgebra, poly: sp.Poly):
    """Inverse of :func:`_gaussian`."""
    out = alg.ring.zero
    for m, c in poly.terms():
        re, im = sp.sympify(c).as_real_imag()
        for part, w in ((re, 0), (im, 1)):
            if part:
                q = sp.Rational(part)
                out += alg.ring({(w,) + tuple(m): QQ(int(q.p), int(q.q))})
    return out


def _exact_quotient(a: sp.Poly, b: sp.Poly) -> sp.Poly | None:
    """a / b if b divides a over QQ(i), else None."""
    q, r = sp.div(a, b)
    return q if r.is_zero else None


def _monomial_split(p: sp.Poly) -> tuple[tuple, sp.Poly]:
    """p = x^mono * rest, the monomial content taken out."""
    mono, rest = p.terms_gcd()
    return tuple(mono), rest


#: above this size (sympy count_ops of S) the common denominator is not gcd-reduced
CANCEL_LIMIT = 5000


@lru_cache(maxsize=32)
def _rational_form(S: SMatrix, params: tuple[sp.Symbol, ...]) -> tuple:
    """(matrix, D, [N_ij]): every element of S as N_ij / D with one common denominator D.

    Never ``simplify``.  Up to :data:`CANCEL_LIMIT` operations each element
    is reduced by sympy's ``cancel`` (a polynomial gcd) and the
    denominators are joined by their lcm: for a network they are all the
    same Fabry-Perot-like D.  Larger S-matrices (where the gcd over QQ(i)
    becomes slow) are handled by :func:`_field_form`, which only cancels
    factors it can split off by exact division, so that D may keep
    spurious factors (correct, less compact).  ``params`` decide which
    relations (R = 1 - T) are substituted first.
    """
    m = _pumped_matrix(S, params)
    if sp.count_ops(m) > CANCEL_LIMIT:
        return _field_form(m)
    fr = [sp.fraction(sp.cancel(sp.together(x))) for x in m]
    dens = [d for num, d in fr if num != 0]
    D = dens[0] if dens else sp.S.One
    for d in dens[1:]:
        if d == D or sp.cancel(d / D).is_number:
            continue
        D = sp.lcm(D, d)
    D = sp.expand(D)
    N = [sp.expand(num * sp.cancel(D / d)) if num != 0 else sp.S.Zero for num, d in fr]
    return m, D, N


def _field_form(m: sp.ImmutableMatrix) -> tuple:
    """Common-denominator form without gcd (see :func:`_rational_form`).

    The elements are mapped into the amplitude field of :mod:`lbsym.algebra`;
    their denominators are split over a basis of polynomials by exact
    division with Gaussian-rational coefficients (smallest first); basis
    factors are cancelled from each numerator while they divide it; D is
    the product of the basis factors to their largest remaining power.
    """
    alg = PolarAlgebra(list(m))
    zero_mono = (0,) * alg.ngens
    fields = [alg.to_field(x) for x in m]
    parts = []  # per element: (numerator Poly, const, mono tuple (ring, w excluded), denominator Poly)
    for f in fields:
        if not f:
            parts.append(None)
            continue
        n, dpoly = f.numer_denom()
        dmono, drest = _monomial_split(_gaussian(alg, dpoly))
        c = drest.LC()
        parts.append([_gaussian(alg, n), c, dmono, drest.quo_ground(c)])
    basis: list[sp.Poly] = []
    order = sorted((i for i, p in enumerate(parts) if p is not None), key=lambda i: len(parts[i][3].terms()))
    expo = {i: {} for i in order}
    for i in order:
        rest = parts[i][3]
        for j, b in enumerate(basis):
            while not rest.is_ground:
                q = _exact_quotient(rest, b)
                if q is None:
                    break
                rest = q
                expo[i][j] = expo[i].get(j, 0) + 1
        if not rest.is_ground:
            parts[i][1] *= rest.LC()
            rest = rest.quo_ground(rest.LC())
            basis.append(rest)
            expo[i][len(basis) - 1] = expo[i].get(len(basis) - 1, 0) + 1
        # cancel basis factors from the numerator
        for j in list(expo[i]):
            while expo[i][j]:
                q = _exact_quotient(parts[i][0], basis[j])
                if q is None:
                    break
                parts[i][0] = q
                expo[i][j] -= 1
    top = {j: max((expo[i].get(j, 0) for i in order), default=0) for j in range(len(basis))}
    Dpoly = sp.Poly(1, *sp.symbols(f"x1:{alg.ngens}"), domain=sp.QQ_I)
    for j, e in top.items():
        Dpoly = Dpoly * basis[j] ** e
    D = alg.to_expr(Frac(_to_ring(alg, Dpoly), zero_mono, {}, alg)) if not Dpoly.is_one else sp.S.One
    N = []
    for i, p in enumerate(parts):
        if p is None:
            N.append(sp.S.Zero)
            continue
        num = p[0]
        for j, e in top.items():
            if e - expo[i].get(j, 0):
                num = num * basis[j] ** (e - expo[i].get(j, 0))
        num = num.quo_ground(p[1])
        N.append(alg.to_expr(Frac(_to_ring(alg, num), (0,) + tuple(p[2]), {}, alg)))
    return m, sp.expand(D), [sp.expand(x) for x in N]


class _Structure:
    """S = N / D over the polar algebra, with M_X = D dN/dX - N dD/dX."""

    def __init__(self, S: SMatrix, params: tuple[sp.Symbol, ...]) -> None:
        _unitary(S)
        m, D, N = _rational_form(S, params)
        n = m.rows
        dD = {p: sp.diff(D, p) for p in params}
        dN = {p: [sp.diff(x, p) for x in N] for p in params}
        exprs = [D, *N, *dD.values()]
        for v in dN.values():
            exprs += v
        alg = PolarAlgebra(exprs)
        self.alg = alg
        self.S, self.params, self.n, self.matrix = S, params, n, m
        self.D = alg.to_field(D)
        self.N = [alg.to_field(x) for x in N]
        self.M = {}
        for p in params:
            dDf = alg.to_field(dD[p])
            self.M[p] = [self.D * alg.to_field(a) - b * dDf for a, b in zip(dN[p], self.N)]
        self.A = self.D * alg.conj(self.D)  # |D|^2, real
        self._A_expr: sp.Expr | None = None

    @property
    def A_expr(self) -> sp.Expr:
        if self._A_expr is None:
            self._A_expr = self.alg.abs2_expr(self.D)
        return self._A_expr

    def _im(self, f: Frac) -> Frac:
        return (f - self.alg.conj(f)) / (2 * sp.I)

    def _divide_A(self, num: Frac) -> Frac | None:
        """num / |D|^2 if |D|^2 divides num's numerator exactly (over QQ(i)), else None.

        The division is done with Gaussian-rational coefficients: in the
        algebra's ring i is a generator reduced by i^2 = -1, so a plain
        polynomial division there is not exact even when the quotient exists.
        """
        alg = self.alg
        q = _exact_quotient(_gaussian(alg, num.n), _gaussian(alg, self.A.n))
        if q is None:
            return None
        zero = (0,) * alg.ngens
        mono_A = Frac(alg.ring({self.A.mono: QQ(1)}) if any(self.A.mono) else alg.ring.one,
                      zero, {}, alg)
        return Frac(_to_ring(alg, q), num.mono, dict(num.fac), alg) * mono_A

    def over_A(self, num: Frac, power: int) -> sp.Expr:
        """real num / |D|^(2 power), with exact cancellation of |D|^2 factors."""
        if not num:
            return sp.S.Zero
        while power:
            q = self._divide_A(num)
            if q is None:
                break
            num, power = q, power - 1
        out = self.alg.real_expr(num)
        return out / self.A_expr**power if power else out

    def emissivity(self, rows: Sequence[int], p: sp.Symbol) -> sp.Expr:
        # dS S* = M N^* / (D^2 D^*) = M N^* D^* / |D|^4
        n = self.n
        acc = self.alg.zero
        for i in rows:
            for j in range(n):
                acc += self.M[p][i * n + j] * self.alg.conj(self.N[i * n + j])
        acc = acc * self.alg.conj(self.D)
        return self.over_A(self._im(acc), 2) / (2 * sp.pi)

    def integrand(self, rows: Sequence[int], p1: sp.Symbol, p2: sp.Symbol) -> sp.Expr:
        n = self.n
        acc = self.alg.zero
        for i in rows:
            for j in range(n):
                acc += self.alg.conj(self.M[p1][i * n + j]) * self.M[p2][i * n + j]
        return self.over_A(self._im(acc), 2) / sp.pi


@lru_cache(maxsize=64)
def _unitary(S: SMatrix, points: int = 6, tol: float = 1e-9) -> SMatrix:
    """Raise UnitarityError unless S^dagger S = 1 at random admissible points.

    Numeric (numpy, lbsym.numeric.Evaluator) at ``points`` random admissible
    points of the symbols (declared ranges and relations respected): fast
    for any network, and decisive, since a non-unitary S fails at generic
    points.  S is refused only if it fails at every point (a point that
    happens to land on a pole cannot refuse a good S-matrix).
    """
    m = S.matrix
    if not m.free_symbols:
        M = np.array(sp.Matrix(m).evalf(30).tolist(), dtype=complex)
        errs = [float(np.abs(M.conj().T @ M - np.eye(m.rows)).max())]
    else:
        ev = Evaluator(sp.Tuple(*m))
        rng = _random.Random(20240607)
        errs = []
        for _ in range(points):
            pt = S.random_point(rng)
            vals = {s.name: v for s, v in pt.items()}
            with np.errstate(all="ignore"):
                M = np.array([complex(x) for x in ev(**{a: vals[a] for a in ev.args})]).reshape(m.shape)
            err = float(np.abs(M.conj().T @ M - np.eye(m.rows)).max())
            errs.append(err if np.isfinite(err) else np.inf)
    if min(errs) > tol:
        raise UnitarityError(
            f"pumped S-matrix is not unitary (S^dagger S != 1; |S^dagger S - 1| = {min(errs):.2e} at "
            f"random admissible points): it would not conserve current; rows of |s|^2 must sum to 1 "
            f"and columns must be orthogonal"
        )
    return S


_STRUCTURES: dict = {}


def _structure(S: SMatrix, params: tuple[sp.Symbol, ...]) -> _Structure:
    """The structured algebra of (S, params), built once (also serves subsets of params)."""
    key = (S, params)
    if key not in _STRUCTURES:
        for (S2, ps2), st in _STRUCTURES.items():
            if S2 == S and set(params) <= set(ps2) and _relation_key(S, params) == _relation_key(S, ps2):
                return st
        if len(_STRUCTURES) >= 32:
            _STRUCTURES.pop(next(iter(_STRUCTURES)))
        _STRUCTURES[key] = _Structure(S, params)
    return _STRUCTURES[key]


def _relation_key(S: SMatrix, params: Sequence[sp.Symbol]) -> frozenset:
    return frozenset(k for k, v in S.relations.items() if sp.sympify(v).free_symbols & set(params))


# ------------------------------------------------------------- symbolic API
def emissivity(S: SMatrix, lead: Any, param: Any) -> sp.Expr:
    """dn_lead/dX = (1/2 pi) sum_{m in lead} sum_b Im(dS_{mb}/dX S*_{mb}), in closed form.

    The number of electrons entering the scatterer from ``lead`` per unit
    increase of the real parameter ``param`` (a symbol or its name).

    Examples
    --------
    >>> import sympy as sp
    >>> from lbsym.scatterers import lattice_impurity
    >>> eps, k = sp.Symbol("epsilon", real=True), sp.Symbol("k", positive=True)
    >>> S = lattice_impurity(eps, k)
    >>> sp.factor(emissivity(S, "left", eps) + emissivity(S, "right", eps))
    -2*sin(k)/(pi*(epsilon**2 + 4*sin(k)**2))
    """
    S = _check_smatrix(S)
    (p,) = _resolve_params(S, (param,), 1)
    rows = _rows(S, lead)
    return _structure(S, (p,)).emissivity(rows, p)


def brouwer_integrand(S: SMatrix, lead: Any, params: Sequence[Any]) -> sp.Expr:
    """Pi_lead(X1, X2) = (1/pi) sum_{m in lead} sum_b Im(dS*_{mb}/dX1 dS_{mb}/dX2).

    ``params`` = (X1, X2), symbols or names of real symbols of ``S``.  The
    charge entering from ``lead`` per counterclockwise cycle in (X1, X2) is
    the integral of this over the enclosed area.
    """
    S = _check_smatrix(S)
    ps = _resolve_params(S, params, 2)
    if len(ps) != 2:
        raise ParameterError(f"the Brouwer integrand takes two parameters (X1, X2); got {len(ps)}")
    rows = _rows(S, lead)
    return _structure(S, ps).integrand(rows, ps[0], ps[1])


def stokes_identity() -> sp.Expr:
    """curl(emissivity) - Pi for a generic amplitude s(X1, X2): identically 0.

    The library differentiates (1/2 pi) Im(ds/dX_j s*) of an arbitrary
    complex function and subtracts (1/pi) Im(ds*/dX1 ds/dX2); the mixed
    second derivatives cancel and the expanded difference is returned (0).
    Summing over the elements of a lead's rows gives
    d_1 (dn/dX2) - d_2 (dn/dX1) = Pi, the Stokes step from route (c) to (b).
    """
    X1, X2 = sp.symbols("X1 X2", real=True)
    s = sp.Function("s")(X1, X2)

    def im(z):
        return (z - sp.conjugate(z)) / (2 * sp.I)

    a1 = im(sp.diff(s, X1) * sp.conjugate(s)) / (2 * sp.pi)
    a2 = im(sp.diff(s, X2) * sp.conjugate(s)) / (2 * sp.pi)
    pi_ = im(sp.conjugate(sp.diff(s, X1)) * sp.diff(s, X2)) / sp.pi
    return sp.expand(sp.diff(a2, X1) - sp.diff(a1, X2) - pi_)


@dataclass(frozen=True)
class HarmonicCycle:
    """Result of :func:`harmonic_cycle_charge` (symbols and the charge).

    ``charge`` = sum_{i<j} pi A_i A_j sin(phi_i - phi_j) C_ij, with
    C_ij = d_i a_j - d_j a_i the curl of the emissivity 1-form a at the
    centre; ``integral`` is sympy's raw integral over one period before the
    gradient of a was split into its symmetric part (which drops out) and
    the curl.
    """

    charge: sp.Expr
    integral: sp.Expr
    amplitudes: tuple[sp.Symbol, ...]
    phases: tuple[sp.Symbol, ...]
    curls: dict
    omega: sp.Symbol
    time: sp.Symbol


@lru_cache(maxsize=8)
def harmonic_cycle_charge(n_params: int = 2) -> HarmonicCycle:
    """Charge per period of X_i(t) = X_i0 + A_i cos(omega t + phi_i), to O(A^2).

    Derived, not typed in: the emissivity 1-form a_j(X) is expanded to first
    order around X_0, a_j = a_j0 + sum_k g_jk (X_k - X_k0), the loop integral
    of sum_j a_j dX_j/dt dt over t in [0, 2 pi/omega] is done by sympy, and
    g_ji is written g_ij + C_ij.  The constant a_j0 and the symmetric part of
    g integrate to zero (exact differentials), omega drops out (the charge
    does not depend on the speed of the cycle), and what is left is
    sum_{i<j} pi A_i A_j sin(phi_i - phi_j) C_ij.

    Examples
    --------
    >>> hc = harmonic_cycle_charge(2)
    >>> hc.charge
    pi*A1*A2*C_12*sin(phi1 - phi2)
    """
    if not isinstance(n_params, int) or n_params < 2:
        raise ParameterError(f"a pumping cycle needs at least 2 parameters; got {n_params!r}")
    p = n_params
    t = sp.Symbol("t", real=True)
    omega = sp.Symbol("omega", positive=True)
    A = sp.symbols(f"A1:{p + 1}", positive=True)
    phi = sp.symbols(f"phi1:{p + 1}", real=True)
    g = [[sp.Symbol(f"g_{j + 1}{k + 1}", real=True) for k in range(p)] for j in range(p)]
    a0 = sp.symbols(f"a1:{p + 1}_0", real=True)
    dX = [A[i] * sp.cos(omega * t + phi[i]) for i in range(p)]
    integrand = sum(
        (a0[j] + sum(g[j][k] * dX[k] for k in range(p))) * sp.diff(dX[j], t) for j in range(p)
    )
    raw = sp.integrate(sp.expand(integrand), (t, 0, 2 * sp.pi / omega))
    curls = {}
    subs = {}
    for i in range(p):
        for j in range(i + 1, p):
            C = sp.Symbol(f"C_{i + 1}{j + 1}", real=True)
            curls[(i, j)] = C
            subs[g[j][i]] = g[i][j] + C  # C_ij = d_i a_j - d_j a_i = g_ji - g_ij
    q = sp.expand(sp.expand_trig(raw.subs(subs)))
    leftover = q.free_symbols & ({omega} | set(a0) | {x for row in g for x in row})
    if leftover:  # pragma: no cover - would mean a wrong derivation
        raise PathError(f"the harmonic cycle charge still depends on {leftover}: the integral over the cycle did not close")
    terms = sp.collect(q, list(curls.values()), evaluate=False)
    charge = sp.Add(*[sp.factor(sp.trigsimp(terms.get(C, 0))) * C for C in curls.values()])
    return HarmonicCycle(charge=charge, integral=raw, amplitudes=tuple(A), phases=tuple(phi),
                         curls=curls, omega=omega, time=t)


def small_cycle_charge(
    S: SMatrix,
    lead: Any,
    params: Sequence[Any],
    amplitudes: Sequence[sp.Symbol] | None = None,
    phases: Sequence[sp.Symbol] | None = None,
) -> sp.Expr:
    """Route (a): bilinear-response charge entering from ``lead`` per small harmonic cycle.

    X_i(t) = X_i + A_i cos(omega t + phi_i) around the operating point given
    by the parameter symbols themselves; the result is
    :func:`harmonic_cycle_charge` with each curl C_ij replaced by the closed
    form :func:`brouwer_integrand` of S for (X_i, X_j).
    """
    S = _check_smatrix(S)
    ps = _resolve_params(S, params, 2)
    hc = harmonic_cycle_charge(len(ps))
    rows = _rows(S, lead)
    st = _structure(S, ps)
    subs = {C: st.integrand(rows, ps[i], ps[j]) for (i, j), C in hc.curls.items()}
    names = {}
    if amplitudes is not None:
        if len(amplitudes) != len(ps):
            raise ParameterError(f"expected {len(ps)} amplitudes; got {len(amplitudes)}")
        names.update(dict(zip(hc.amplitudes, amplitudes)))
    if phases is not None:
        if len(phases) != len(ps):
            raise ParameterError(f"expected {len(ps)} phases; got {len(phases)}")
        names.update(dict(zip(hc.phases, phases)))
    return hc.charge.subs(names).subs(subs)


# ------------------------------------------------------------------------ paths
@lru_cache(maxsize=8)
def _lobatto(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Lobatto-Legendre nodes (ends included) and weights on [0, 1].

    Exact for polynomials of degree 2n - 3; with the ends among the nodes
    the interpolants of adjacent panels agree at the joins.
    """
    L = np.polynomial.legendre
    c = np.zeros(n)
    c[-1] = 1.0  # P_{n-1}
    inner = np.sort(np.real(L.legroots(L.legder(c))))
    x = np.concatenate([[-1.0], inner, [1.0]])
    w = 2.0 / (n * (n - 1) * L.legval(x, c) ** 2)
    x.setflags(write=False)
    w.setflags(write=False)
    return (x + 1) / 2, w / 2


_PANEL = 16


def _composite(n: int, a: float = 0.0, b: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """About n composite Gauss-Lobatto nodes (panels of 16) on [a, b]."""
    panels = max(1, -(-n // _PANEL))
    x, w = _lobatto(_PANEL)
    edges = np.linspace(a, b, panels + 1)
    h = np.diff(edges)
    nodes = (edges[:-1, None] + h[:, None] * x[None, :]).ravel()
    weights = (h[:, None] * w[None, :]).ravel()
    return nodes, weights


def _as_points(x: Any, what: str) -> np.ndarray:
    try:
        arr = np.array(x, dtype=float)
    except (TypeError, ValueError):
        raise PathError(f"{what}: expected real numbers; got {x!r}") from None
    if not np.all(np.isfinite(arr)):
        raise PathError(f"{what}: expected finite real numbers; got {x!r}")
    return arr


class Path:
    """A closed cycle in the space of the pumping parameters.

    Build one with :meth:`ellipse`, :meth:`circle`, :meth:`polygon`,
    :meth:`parametric` (sympy expressions of a time-like variable) or
    :meth:`function` (numeric callables).  ``nodes(n)`` returns quadrature
    nodes ``(X, V, w)`` such that the loop integral of a 1-form,
    sum_j a_j dX_j, is approximately ``sum_i w_i a(X_i) . V_i``; V is the
    velocity dX/du of the parametrization.  Coordinates are in the order of
    the pump's parameters.
    """

    def __init__(self, dim: int, sampler: Callable[[int], tuple], description: str,
                 *, periodic: bool = False) -> None:
        self.dim = int(dim)
        self._sampler = sampler
        self.description = description
        self.periodic = periodic

    def __repr__(self) -> str:
        return f"Path({self.description})"

    def nodes(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X (n, dim), V (n, dim), w (n,)) quadrature nodes along the path."""
        X, V, w = self._sampler(int(n))
        return np.asarray(X, float), np.asarray(V, float), np.asarray(w, float)

    def reversed(self) -> "Path":
        """The same path run the other way round (its charge changes sign)."""
        def sampler(n):
            X, V, w = self._sampler(n)
            return X[::-1], -V[::-1], w[::-1]
        return Path(self.dim, sampler, f"reversed {self.description}",
                    periodic=self.periodic)

    def centroid(self) -> np.ndarray:
        """Mean of the path's points over its parametrization (a cone centre)."""
        X, _, w = self.nodes(256)
        return (X * w[:, None]).sum(axis=0) / w.sum()

    def signed_area(self, i: int = 0, j: int = 1) -> float:
        """(1/2) loop integral of X_i dX_j - X_j dX_i: positive counterclockwise."""
        X, V, w = self.nodes(512)
        return float(0.5 * np.sum(w * (X[:, i] * V[:, j] - X[:, j] * V[:, i])))

    # ----------------------------------------------------------- constructors
    @classmethod
    def ellipse(cls, center: Sequence[float], amplitudes: Sequence[float],
                phases: Sequence[float]) -> "Path":
        """X_i(u) = c_i + A_i cos(u + phi_i), u in [0, 2 pi): the harmonic cycle.

        With u = omega t this is the cycle of :func:`harmonic_cycle_charge`;
        in two dimensions it runs counterclockwise when sin(phi_1 - phi_2) > 0.
        Trapezoidal nodes (spectrally accurate for a smooth periodic path).
        """
        c = _as_points(center, "ellipse centre").ravel()
        A = _as_points(amplitudes, "ellipse amplitudes").ravel()
        ph = _as_points(phases, "ellipse phases").ravel()
        if not (len(c) == len(A) == len(ph)) or len(c) < 1:
            raise PathError(f"ellipse: centre, amplitudes and phases need one entry per parameter; "
                            f"got {len(c)}, {len(A)}, {len(ph)}")

        def sampler(n):
            u = 2 * np.pi * np.arange(n) / n
            arg = u[:, None] + ph[None, :]
            return c + A * np.cos(arg), -A * np.sin(arg), np.full(n, 2 * np.pi / n)
        return cls(len(c), sampler, f"ellipse centre={c.tolist()} A={A.tolist()} phi={ph.tolist()}",
                   periodic=True)

    @classmethod
    def circle(cls, center: Sequence[float], radius: float) -> "Path":
        """A counterclockwise circle in a two-parameter plane."""
        c = _as_points(center, "circle centre").ravel()
        if len(c) != 2:
            raise PathError(f"circle: expected a centre with 2 coordinates; got {len(c)}")
        r = float(_as_points(radius, "circle radius"))
        if r <= 0:
            raise PathError(f"circle: expected a positive radius; got {radius!r}")
        return cls.ellipse(c, [r, r], [0.0, -np.pi / 2])

    @classmethod
    def polygon(cls, vertices: Sequence[Sequence[float]]) -> "Path":
        """Straight edges through the vertices in order, closed back to the first.

        Two vertices give a back-and-forth segment (a cycle that encloses no
        area).  Composite Gauss-Lobatto nodes on every edge.
        """
        V = _as_points(vertices, "polygon vertices")
        if V.ndim != 2 or len(V) < 2:
            raise PathError(f"polygon: expected a list of at least 2 vertices with one coordinate per "
                            f"parameter; got shape {V.shape}")
        if len(V) > 2 and np.allclose(V[0], V[-1]):
            V = V[:-1]
        ends = np.roll(V, -1, axis=0)
        m = len(V)

        def sampler(n):
            tau, w = _composite(max(2, -(-n // m)))
            X = (V[:, None, :] + (ends - V)[:, None, :] * tau[None, :, None]).reshape(-1, V.shape[1])
            Vel = np.repeat(ends - V, len(tau), axis=0)
            return X, Vel, np.tile(w, m)
        return cls(V.shape[1], sampler, f"polygon {V.tolist()}")

    @classmethod
    def parametric(cls, exprs: Sequence[sp.Expr], t: sp.Symbol, t0: Any, t1: Any) -> "Path":
        """X_i = exprs[i](t), t from t0 to t1 (sympy expressions, not strings).

        The velocity is the exact symbolic derivative.  Refused with
        :class:`PathError` when X(t1) != X(t0) (not a cycle) or when the
        expressions depend on anything but t.
        """
        if isinstance(exprs, str) or any(isinstance(e, str) for e in exprs):
            raise PathError("parametric path: give sympy expressions, not strings "
                            "(user strings are never evaluated)")
        if not isinstance(t, sp.Symbol):
            raise PathError(f"parametric path: the curve parameter must be a sympy Symbol; got {t!r}")
        ex = [sp.sympify(e) if isinstance(e, (int, float)) else e for e in exprs]
        if not ex or not all(isinstance(e, sp.Basic) for e in ex):
            raise PathError(f"parametric path: expected sympy expressions; got {exprs!r}")
        extra = set().union(*[e.free_symbols for e in ex]) - {t}
        if extra:
            raise PathError(f"parametric path: the coordinates may depend on {t} only; "
                            f"they also depend on {sorted(s.name for s in extra)}")
        a, b = sp.sympify(t0), sp.sympify(t1)
        if not (a.is_number and b.is_number and bool(b > a)):
            raise PathError(f"parametric path: expected numbers t0 < t1; got {t0!r}, {t1!r}")
        start = [complex(e.subs(t, a).evalf(30)) for e in ex]
        end = [complex(e.subs(t, b).evalf(30)) for e in ex]
        scale = 1 + max(abs(x) for x in start + end)
        gap = max(abs(x - y) for x, y in zip(start, end))
        if gap > 1e-12 * scale:
            raise PathError(
                f"parametric path is not closed: X({t}={a}) = {[x.real for x in start]} but "
                f"X({t}={b}) = {[x.real for x in end]}; a pumping cycle must return to its start"
            )
        X = sp.lambdify(t, ex, "numpy")
        dX = sp.lambdify(t, [sp.diff(e, t) for e in ex], "numpy")
        fa, fb = float(a), float(b)

        def sampler(n):
            u, w = _composite(n, fa, fb)
            P = np.stack([np.broadcast_to(np.asarray(x, float), u.shape) for x in X(u)], axis=1)
            Vel = np.stack([np.broadcast_to(np.asarray(x, float), u.shape) for x in dX(u)], axis=1)
            return P, Vel, w
        return cls(len(ex), sampler, f"parametric {ex} for {t} in [{a}, {b}]")

    @classmethod
    def function(cls, position: Callable, velocity: Callable | None = None,
                 period: float = 2 * np.pi) -> "Path":
        """A path from numeric callables u -> X(u) (vectorized: (n,) -> (n, dim)).

        ``velocity`` (dX/du) defaults to a fourth-order central difference.
        Refused with :class:`PathError` when X(period) != X(0).
        """
        T = float(period)
        if not T > 0:
            raise PathError(f"path function: expected a positive period; got {period!r}")

        def pos(u):
            P = np.asarray(position(np.asarray(u, float)), float)
            return P.reshape(len(u), -1)

        ends = pos(np.array([0.0, T]))
        if not np.all(np.isfinite(ends)):
            raise PathError("path function: X(u) is not finite at the ends of the period")
        if np.max(np.abs(ends[0] - ends[1])) > 1e-9 * (1 + np.max(np.abs(ends))):
            raise PathError(f"path function is not closed: X(0) = {ends[0].tolist()} but "
                            f"X({T:g}) = {ends[1].tolist()}; a pumping cycle must return to its start")
        h = 1e-3 * T

        def vel(u):
            if velocity is not None:
                return np.asarray(velocity(u), float).reshape(len(u), -1)
            return (-pos(u + 2 * h) + 8 * pos(u + h) - 8 * pos(u - h) + pos(u - 2 * h)) / (12 * h)

        def sampler(n):
            u, w = _composite(n, 0.0, T)
            return pos(u), vel(u), w
        return cls(ends.shape[1], sampler, f"function path, period {T:g}")


# ------------------------------------------------------------------ numerics
def _compile(exprs: Sequence[sp.Expr], names: Sequence[str]) -> Callable[[np.ndarray], np.ndarray]:
    """X (..., p) -> complex array (..., len(exprs)) via lbsym.numeric.Evaluator."""
    ev = Evaluator(sp.Tuple(*exprs))
    idx = [list(names).index(a) for a in ev.args]

    def f(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, float)
        out = ev(*[X[..., i] for i in idx])
        shape = X.shape[:-1]
        return np.stack([np.broadcast_to(np.asarray(o, complex), shape) for o in out], axis=-1)
    return f


def _converge(fn: Callable[[int], float], n0: int, nmax: int, atol: float, rtol: float,
              what: str) -> tuple[float, float, int]:
    n = n0
    prev = fn(n)
    while True:
        n2 = 2 * n
        cur = fn(n2)
        err = abs(cur - prev)
        if err <= max(atol, rtol * abs(cur)):
            return cur, err, n2
        if 2 * n2 > nmax:
            warnings.warn(f"{what}: quadrature not converged with {n2} nodes "
                          f"(last change {err:.2e})", RuntimeWarning, stacklevel=3)
            return cur, err, n2
        n, prev = n2, cur


def emissivities_from_smatrices(S: np.ndarray, dS: Sequence[np.ndarray], rows: Sequence[int]) -> np.ndarray:
    """Numeric dn/dX_j = (1/2 pi) sum_{m in rows, b} Im(dS_j[m, b] conj(S[m, b])).

    ``S`` has shape (..., N, N) and each ``dS[j]`` the same shape; returns
    (..., len(dS)).
    """
    S = np.asarray(S)
    r = list(rows)
    out = [np.sum(np.imag(np.asarray(d)[..., r, :] * np.conj(S[..., r, :])), axis=(-2, -1))
           for d in dS]
    return np.stack(out, axis=-1) / (2 * np.pi)


def _fd_derivative(smatrix: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                   direction: np.ndarray, h: float) -> np.ndarray:
    """Fourth-order central difference of a numeric S-matrix along ``direction``."""
    f = lambda s: np.asarray(smatrix(X + s * direction), complex)  # noqa: E731
    return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)


def integrand_from_smatrices(smatrix: Callable[[np.ndarray], np.ndarray], X: Sequence[float],
                             rows: Sequence[int], pair: tuple[int, int] = (0, 1),
                             step: float = 1e-3) -> float:
    """Pi from any numeric S-matrix source (e.g. the lattice solver) by finite differences.

    ``smatrix(X)`` returns the (N, N) S-matrix at the parameter point X;
    dS/dX_i and dS/dX_j are fourth-order central differences with ``step``.
    """
    X = np.asarray(X, float)
    i, j = pair
    e = np.eye(len(X))
    d1 = _fd_derivative(smatrix, X, e[i], step)[list(rows)]
    d2 = _fd_derivative(smatrix, X, e[j], step)[list(rows)]
    return float(np.sum(np.imag(np.conj(d1) * d2)) / np.pi)


def _diff_matrix(x: np.ndarray) -> np.ndarray:
    """Derivative of the polynomial interpolant through nodes x (barycentric form)."""
    n = len(x)
    diff = x[:, None] - x[None, :]
    np.fill_diagonal(diff, 1.0)
    lam = 1.0 / np.prod(diff, axis=1)
    D = (lam[None, :] / lam[:, None]) / diff
    np.fill_diagonal(D, 0.0)
    D[np.arange(n), np.arange(n)] = -D.sum(axis=1)
    return D


def _path_derivative(path: "Path", S: np.ndarray, w: np.ndarray) -> np.ndarray:
    """dS/du along the path from S at its quadrature nodes only (spectral).

    Periodic paths (uniform nodes over one period): Fourier differentiation.
    Other paths: nodes come in panels of 16 Gauss-Lobatto points (panel ends
    included); on each panel S is differentiated through its interpolating
    polynomial P.  The panel's quadrature is exact for Im(P* P') and the
    interpolants of adjacent panels agree at the joins, so the error is that
    of interpolating S, not the larger error of differentiating it.
    """
    n = len(S)
    if path.periodic:
        m = np.fft.fftfreq(n, d=1.0 / n)
        if n % 2 == 0:
            m[n // 2] = 0.0
        return np.fft.ifft(1j * m[:, None, None] * np.fft.fft(S, axis=0), axis=0)
    P = n // _PANEL
    x, _ = _lobatto(_PANEL)
    D = _diff_matrix(x)
    h = w.reshape(P, _PANEL).sum(axis=1)
    Sp = S.reshape(P, _PANEL, *S.shape[1:])
    return (np.einsum("ij,pjab->piab", D, Sp) / h[:, None, None, None]).reshape(S.shape)


def line_charge(smatrix: Callable[[np.ndarray], np.ndarray], path: "Path", rows: Sequence[int],
                nodes: int = 256, derivative: str = "spectral", step: float = 1e-3) -> float:
    """Route (c) from any numeric S-matrix source (e.g. the lattice solver).

    The loop integral of the emissivities, (1/2 pi) sum_i w_i
    sum_{m in rows, b} Im(dS_{mb}/du conj(S_{mb})), where dS/du along the
    path is obtained from S-matrices alone: ``derivative="spectral"``
    differentiates the S-matrices at the quadrature nodes themselves
    (Fourier series on a periodic path, polynomial interpolation on each
    16-point Gauss-Lobatto panel otherwise: one S-matrix per node);
    ``"fd"`` uses fourth-order central differences with ``step`` along the
    unit tangent (four extra S-matrices per node).  Returns the charge
    entering from the lead whose outgoing rows are ``rows``.
    """
    X, V, w = path.nodes(nodes)
    r = list(rows)
    S = np.array([np.asarray(smatrix(x), complex) for x in X])
    if derivative == "spectral":
        dS = _path_derivative(path, S, w)
    elif derivative == "fd":
        dS = np.zeros_like(S)
        for i, (x, v) in enumerate(zip(X, V)):
            speed = float(np.linalg.norm(v))
            if speed:
                dS[i] = _fd_derivative(smatrix, x, v / speed, step) * speed
    else:
        raise ParameterError(f"derivative must be 'spectral' or 'fd'; got {derivative!r}")
    a = np.sum(np.imag(dS[:, r, :] * np.conj(S[:, r, :])), axis=(1, 2))
    return float(np.sum(w * a) / (2 * np.pi))


class Pump:
    """Numeric pumped charge of a symbolic S-matrix (routes (a), (b), (c)).

    Parameters
    ----------
    S
        A unitary :class:`~lbsym.smatrix.SMatrix`.
    params
        The pumping parameters (real symbols of S, or their names), in the
        order of a path's coordinates.
    values
        Fixed values of every other symbol of S (by name or symbol).
    closed_form
        Whether route (b) integrates the closed-form Brouwer integrand
        (:func:`brouwer_integrand`) or evaluates (1/pi) sum Im(dS*/dX_i dS/dX_j)
        from the numeric derivatives.  Default: the closed form unless S has
        more than :data:`CANCEL_LIMIT` operations (large networks, where the
        exact algebra of the closed form becomes slow).

    Examples
    --------
    >>> import sympy as sp
    >>> from lbsym.network import series
    >>> from lbsym.scatterers import lattice_impurity
    >>> e1, e2 = sp.symbols("epsilon1 epsilon2", real=True)
    >>> k, d = sp.symbols("k d", positive=True)
    >>> S = series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[k * d])
    >>> pump = Pump(S, ("epsilon1", "epsilon2"), {"k": 1.0, "d": 3})
    >>> cyc = Path.circle((1.0, 0.5), 0.3)
    >>> qa, qc = pump.charge(cyc, "left", "area"), pump.charge(cyc, "left", "line")
    >>> bool(abs(qa - qc) < 1e-10), bool(abs(qa + pump.charge(cyc, "right")) < 1e-10)
    (True, True)
    """

    def __init__(self, S: SMatrix, params: Sequence[Any], values: Mapping[Any, Any] | None = None,
                 *, closed_form: bool | None = None) -> None:
        S = _check_smatrix(S)
        ps = _resolve_params(S, params, 1)
        self.S = S
        self.params = ps
        self.closed_form = (sp.count_ops(S.matrix) <= CANCEL_LIMIT) if closed_form is None else bool(closed_form)
        self.names = tuple(p.name for p in ps)
        m = _pumped_matrix(S, ps)
        _unitary(S)
        subs = self._values(m, values or {})
        self.values = subs
        left = m.free_symbols - set(ps) - set(subs)
        if left:
            raise ParameterError(
                f"missing value(s) for {sorted(s.name for s in left)}: every symbol that is not "
                f"pumped needs a fixed value"
            )
        # S = N/D and dS/dX = (D dN/dX - N dD/dX)/D^2 from the common-denominator form
        _, D, N = _rational_form(S, ps)
        D, N = D.subs(subs), [x.subs(subs) for x in N]
        self.n = m.rows
        self._S = _compile([x / D for x in N], self.names)
        self._dS = []
        for p in ps:
            dD = sp.diff(D, p)
            self._dS.append(_compile([(sp.diff(x, p) * D - x * dD) / D**2 for x in N], self.names))
        self._pi: dict = {}
        self._emis: dict = {}

    def _values(self, m: sp.ImmutableMatrix, values: Mapping[Any, Any]) -> dict:
        syms = set(m.free_symbols)
        by_name = {s.name: s for s in syms}
        out = {}
        for k, v in values.items():
            s = by_name.get(k) if isinstance(k, str) else (k if k in syms else None)
            if s is None:
                name = k if isinstance(k, str) else getattr(k, "name", repr(k))
                raise ParameterError(f"unknown symbol {name!r}; this S-matrix depends on {sorted(by_name)}")
            if s in self.params:
                raise ParameterError(f"{s.name!r} is a pumping parameter; it cannot also be fixed")
            try:
                val = float(v)
            except (TypeError, ValueError):
                raise ParameterError(f"value of {s.name!r} must be a real number; got {v!r}") from None
            if not math.isfinite(val):
                raise ParameterError(f"value of {s.name!r} must be finite; got {v!r}")
            out[s] = sp.Float(val, 17) if not float(val).is_integer() else sp.Integer(int(val))
        return out

    # ---------------------------------------------------------------- access
    @property
    def leads(self) -> tuple[Any, ...]:
        return self.S.leads

    def _rows(self, lead: Any) -> list[int]:
        return _rows(self.S, lead)

    def _point(self, X: Any) -> np.ndarray:
        X = np.asarray(X, float)
        if X.shape[-1:] != (len(self.params),):
            raise PathError(f"expected points with {len(self.params)} coordinates "
                            f"{list(self.names)}; got shape {X.shape}")
        return X

    def smatrix(self, X: Any) -> np.ndarray:
        """Numeric S at parameter point(s) X (..., p) -> (..., N, N)."""
        X = self._point(X)
        return self._S(X).reshape(X.shape[:-1] + (self.n, self.n))

    def derivatives(self, X: Any) -> list[np.ndarray]:
        """[dS/dX_j] at X, from the symbolic derivatives (numpy)."""
        X = self._point(X)
        return [f(X).reshape(X.shape[:-1] + (self.n, self.n)) for f in self._dS]

    def emissivities(self, X: Any, lead: Any) -> np.ndarray:
        """Numeric dn_lead/dX_j at X (..., p) -> (..., p), from S and dS/dX."""
        return emissivities_from_smatrices(self.smatrix(X), self.derivatives(X), self._rows(lead))

    def integrand_expr(self, lead: Any, pair: tuple[int, int] = (0, 1)) -> sp.Expr:
        """Closed-form Pi_lead for the parameter pair (symbolic, values not substituted)."""
        i, j = pair
        return brouwer_integrand(self.S, lead, (self.params[i], self.params[j]))

    def integrand(self, X: Any, lead: Any, pair: tuple[int, int] = (0, 1)) -> np.ndarray:
        """Numeric Brouwer integrand Pi_lead at X (..., p) (closed form, see ``closed_form``)."""
        key = (lead, tuple(pair))
        if not self.closed_form:
            X = self._point(X)
            i, j = pair
            dS = self.derivatives(X)
            r = self._rows(lead)
            return np.sum(np.imag(np.conj(dS[i][..., r, :]) * dS[j][..., r, :]), axis=(-2, -1)) / np.pi
        if key not in self._pi:
            expr = self.integrand_expr(lead, pair).subs(self.values)
            f = _compile([expr], self.names)
            self._pi[key] = lambda Y, f=f: f(Y)[..., 0].real
        return self._pi[key](self._point(X))

    # ---------------------------------------------------------------- charge
    def _check_path(self, path: Path) -> None:
        if not isinstance(path, Path):
            raise PathError(f"expected a Path (Path.ellipse, .circle, .polygon, .parametric, "
                            f".function); got {type(path).__name__}")
        if path.dim != len(self.params):
            raise PathError(f"the path has {path.dim} coordinates but the pump has "
                            f"{len(self.params)} parameters {list(self.names)}")

    def _line(self, path: Path, rows: list[int], n: int) -> float:
        X, V, w = path.nodes(n)
        a = emissivities_from_smatrices(self.smatrix(X), self.derivatives(X), rows)
        return float(np.sum(w * np.sum(a * V, axis=1)))

    def _area(self, path: Path, lead: Any, n: int, center: np.ndarray) -> float:
        X, V, w = path.nodes(n)
        s, ws = _composite(max(_PANEL, n // 2))
        R = X - center  # (n, p)
        F = center + s[:, None, None] * R[None, :, :]  # (m, n, p)
        p = len(self.params)
        total = np.zeros((len(s), len(X)))
        for i in range(p):
            for j in range(i + 1, p):
                jac = R[:, i] * V[:, j] - R[:, j] * V[:, i]  # (n,)
                total += self.integrand(F, lead, (i, j)) * jac[None, :]
        return float(np.sum(ws[:, None] * s[:, None] * total * w[None, :]))

    def charge_estimate(self, path: Path, lead: Any, method: str = "line", *,
                        atol: float = 1e-12, rtol: float = 1e-11, center: Any = None,
                        max_nodes: int = 2**14) -> tuple[float, float, int]:
        """(charge, error estimate, nodes) entering from ``lead`` per cycle (see :meth:`charge`)."""
        self._check_path(path)
        rows = self._rows(lead)
        if method == "line":
            return _converge(lambda n: self._line(path, rows, n), 64, max_nodes, atol, rtol,
                             "line integral of the emissivities")
        if method == "area":
            c = path.centroid() if center is None else self._point(center).ravel()
            return _converge(lambda n: self._area(path, lead, n, c), 64, min(max_nodes, 2**12),
                             atol, rtol, "area integral of the Brouwer integrand")
        raise ParameterError(f"method must be 'line' (emissivities, Stokes) or 'area' (Brouwer "
                             f"integrand); got {method!r}")

    def charge(self, path: Path, lead: Any, method: str = "line", **kw: Any) -> float:
        """Electrons entering the scatterer from ``lead`` per cycle of ``path``.

        ``method="line"``: route (c), the loop integral of the emissivities
        (from S and its symbolic derivatives); ``method="area"``: route (b),
        the integral of the closed-form Brouwer integrand over the enclosed
        region (cone form of Green's theorem, centre ``center`` or the
        path's centroid).  Both refine their quadrature until two successive
        results agree to ``atol``/``rtol``.
        """
        return self.charge_estimate(path, lead, method, **kw)[0]

    def charges(self, path: Path, method: str = "line", **kw: Any) -> dict:
        """{lead: charge} for every lead (they sum to zero)."""
        return {lead: self.charge(path, lead, method, **kw) for lead in self.leads}

    def small_cycle_charge(self, center: Sequence[float], amplitudes: Sequence[float],
                           phases: Sequence[float], lead: Any) -> float:
        """Route (a): sum_{i<j} pi A_i A_j sin(phi_i - phi_j) Pi^{(ij)}(center)."""
        p = len(self.params)
        if p < 2:
            raise ParameterError("a single pumping parameter encloses no area: the small-cycle charge is 0")
        hc = harmonic_cycle_charge(p)
        c = self._point(center)
        A = np.asarray(amplitudes, float)
        ph = np.asarray(phases, float)
        if A.shape != (p,) or ph.shape != (p,):
            raise PathError(f"expected {p} amplitudes and {p} phases")
        vals = {**dict(zip(hc.amplitudes, A)), **dict(zip(hc.phases, ph))}
        for (i, j), C in hc.curls.items():
            vals[C] = float(self.integrand(c, lead, (i, j)))
        return float(hc.charge.subs(vals))

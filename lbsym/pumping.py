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

Three numeric routes, which must agree (:class:`lbsym.pumping_numeric.Pump`;
paths, quadrature and the numeric pump live in :mod:`lbsym.pumping_numeric`):

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

import random as _random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import sympy as sp
from sympy.polys.domains import QQ

from ._moved import forwarder
from .algebra import Frac, PolarAlgebra
from .errors import ParameterError, PathError, PortError, ShapeError, UnitarityError
from .smatrix import SMatrix

__all__ = [
    "emissivity",
    "brouwer_integrand",
    "stokes_identity",
    "harmonic_cycle_charge",
    "small_cycle_charge",
]


# ------------------------------------------------------------------ validation
def checked_smatrix(S: Any) -> SMatrix:
    if not isinstance(S, SMatrix):
        raise ShapeError(f"expected an lbsym SMatrix; got {type(S).__name__}")
    return S


def resolve_params(S: SMatrix, params: Any, minimum: int) -> tuple[sp.Symbol, ...]:
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


def lead_rows(S: SMatrix, lead: Any) -> list[int]:
    """Outgoing rows of a lead, or of several leads given as a list or tuple."""
    if isinstance(lead, (list, tuple)) and lead not in S.leads:
        if not lead:
            raise PortError("expected at least one lead")
        rows = sorted({i for x in lead for i in lead_rows(S, x)})
        return rows
    rows = [i for i, p in enumerate(S.ports) if p.lead == lead]
    if not rows:
        raise PortError(f"no lead {lead!r}; this S-matrix has leads {list(S.leads)!r}")
    return rows


def pumped_matrix(S: SMatrix, params: Sequence[sp.Symbol]) -> sp.ImmutableMatrix:
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
def rational_form(S: SMatrix, params: tuple[sp.Symbol, ...]) -> tuple:
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
    m = pumped_matrix(S, params)
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
    """Common-denominator form without gcd (see :func:`rational_form`).

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
        numeric_unitarity(S)
        m, D, N = rational_form(S, params)
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
def numeric_unitarity(S: SMatrix, points: int = 6, tol: float = 1e-9) -> SMatrix:
    """Raise UnitarityError unless S^dagger S = 1 at random admissible points.

    Numeric (numpy, lbsym.numeric.Evaluator) at ``points`` random admissible
    points of the symbols (declared ranges and relations respected): fast
    for any network, and decisive, since a non-unitary S fails at generic
    points.  S is refused only if it fails at every point (a point that
    happens to land on a pole cannot refuse a good S-matrix).
    """
    import numpy as np

    from .numeric import Evaluator

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
    S = checked_smatrix(S)
    (p,) = resolve_params(S, (param,), 1)
    rows = lead_rows(S, lead)
    return _structure(S, (p,)).emissivity(rows, p)


def brouwer_integrand(S: SMatrix, lead: Any, params: Sequence[Any]) -> sp.Expr:
    """Pi_lead(X1, X2) = (1/pi) sum_{m in lead} sum_b Im(dS*_{mb}/dX1 dS_{mb}/dX2).

    ``params`` = (X1, X2), symbols or names of real symbols of ``S``.  The
    charge entering from ``lead`` per counterclockwise cycle in (X1, X2) is
    the integral of this over the enclosed area.
    """
    S = checked_smatrix(S)
    ps = resolve_params(S, params, 2)
    if len(ps) != 2:
        raise ParameterError(f"the Brouwer integrand takes two parameters (X1, X2); got {len(ps)}")
    rows = lead_rows(S, lead)
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
    S = checked_smatrix(S)
    ps = resolve_params(S, params, 2)
    hc = harmonic_cycle_charge(len(ps))
    rows = lead_rows(S, lead)
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




# Paths, quadrature and the numeric pump moved to lbsym.pumping_numeric; the old names
# still resolve here, with a DeprecationWarning.
__getattr__ = forwarder(__name__, {n: "lbsym.pumping_numeric" for n in (
    "Path", "Pump", "emissivities_from_smatrices", "integrand_from_smatrices", "line_charge")})

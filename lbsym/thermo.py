"""Thermoelectric transport: Landauer integrals and the coefficients built on them.

Conventions
-----------
* Fermi function ``f(E) = 1/(1 + exp((E - mu)/k_B Theta))``; the temperature is
  ``Theta`` (``T`` is a transmission probability), ``x = (E - mu)/k_B Theta``.
* Landauer integrals (Sivan and Imry, PRB 33, 551 (1986); Butcher, J. Phys.
  Cond. Matt. 2, 4869 (1990))::

      L_n = integral (E - mu)^n T(E) (-df/dE) dE,

  with ``T(E)`` summed over the spin-resolved channels.  A spin degeneracy
  ``g_s`` multiplies every current.
* Electrons carry the charge ``-e`` (``e > 0``).  Two terminals, lead L minus
  lead R: ``Delta V = V_L - V_R`` (so ``mu_L - mu_R = -e Delta V``) and
  ``Delta Theta = Theta_L - Theta_R``.  Linear response, charge current ``I``
  and heat current ``J`` from L to R::

      (I, J) = (g_s/h) [[e^2 L_0, -e L_1], [-e L_1, L_2]] (Delta V, Delta Theta/Theta)

  (:func:`linear_response` derives this matrix from the Fermi functions), whence
  ``G = g_s (e^2/h) L_0``, the Seebeck coefficient ``S = -Delta V/Delta Theta``
  at ``I = 0`` ``= -L_1/(e Theta L_0)`` (negative for electron-like transport,
  dT/dE > 0), the Peltier coefficient ``Pi = J/I`` at ``Delta Theta = 0``
  ``= -L_1/(e L_0) = Theta S``, the open-circuit thermal conductance
  ``kappa = (g_s/h Theta)(L_2 - L_1^2/L_0)``, the Lorenz ratio
  ``L = kappa/(G Theta)`` (Wiedemann-Franz value ``L_0 = (pi^2/3)(k_B/e)^2``)
  and ``ZT = S^2 G Theta / kappa = L_1^2/(L_0 L_2 - L_1^2)``.
* Thermal conductance quantum per channel ``kappa_0 = pi^2 k_B^2 Theta/(3h)``.

Exact routes (all derived here, none quoted)
--------------------------------------------
* :func:`fermi_moment`: ``integral x^n (-f'(x)) dx = 2 n! (1 - 2^{1-n}) zeta(n)``
  (n even >= 2), 1 (n = 0), 0 (n odd): the Sommerfeld coefficients.
* :func:`sommerfeld`: the asymptotic series of ``L_n`` in ``k_B Theta`` to any
  order, ``sum_m T^{(m)}(mu)/m! (k_B Theta)^{n+m} c_{n+m}``.
* :func:`rational_integral`: ``T(E)`` rational in ``E`` (Breit-Wigner
  resonances and their products): partial fractions over the poles of ``T``
  and the residue theorem over the Matsubara poles of ``-f'``, giving
  polygamma functions: for ``Im z > 0``
  ``integral (-f')/(E - z) dE = (i beta/2 pi) psi'(1/2 - i beta (z - mu)/2 pi)``.
* :func:`step_integral`: ``T(E) = theta(E - E_1)`` (a QPC channel opening
  sharply): ``integral_a^oo x^n (-f') dx`` in ``f(a)``, ``log(1 + e^{-a})``
  and polylogarithms ``Li_k(-e^{-a})``.

This module is symbolic (sympy only); numeric routes (mpmath quadrature,
lattice ``T(E)``) are in :mod:`lbsym.thermo_numeric`.

Examples
--------
>>> import sympy as sp
>>> fermi_moment(2), fermi_moment(4)
(pi**2/3, 7*pi**4/15)
>>> E = sp.Symbol("E", real=True)
>>> sommerfeld(E, E, 1, power=2)
pi**2*Theta**2*k_B**2/3
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import sympy as sp

from ._sympify import sympify as _sympify
from .constants import e, h, k_B
from .errors import LbsymError, ParameterError

__all__ = [
    "Theta",
    "mu",
    "DivergentIntegralError",
    "fermi",
    "fermi_moment",
    "fermi_moment_steps",
    "matsubara_kernel",
    "sommerfeld",
    "rational_integral",
    "step_integral",
    "linear_response",
    "Coefficients",
    "coefficients",
    "lorenz_number",
    "onsager_matrix",
    "boson_moment",
    "real_form",
]

#: Temperature of the reservoirs (positive symbol).
Theta = sp.Symbol("Theta", positive=True)
#: Chemical potential (real symbol).
mu = sp.Symbol("mu", real=True)
_x = sp.Symbol("x", real=True)


class DivergentIntegralError(LbsymError):
    """A Landauer integral diverges (a pole of T(E) on the real axis, or T growing too fast)."""


def _check_temperature(kT: Any) -> sp.Expr:
    kT = _sympify(kT, "temperature")
    if kT.is_number:
        if not kT.is_real or not kT.is_positive:
            raise ParameterError(f"the temperature must be positive; got k_B Theta = {kT}")
    elif kT.is_positive is False or kT.is_nonpositive:
        raise ParameterError(f"the temperature must be positive; got k_B Theta = {kT}")
    return kT


def fermi(E: Any, mu_: Any = mu, kT: Any = k_B * Theta) -> sp.Expr:
    """The Fermi function 1/(1 + exp((E - mu)/kT))."""
    kT = _check_temperature(kT)
    return 1 / (1 + sp.exp((_sympify(E, "E") - _sympify(mu_, "mu")) / kT))


# ------------------------------------------------------------------ Sommerfeld
def fermi_moment_steps(n: int) -> list[tuple[str, sp.Expr]]:
    """How :func:`fermi_moment` arrives at its value (for a derivation's steps)."""
    m = sp.Symbol("m", positive=True, integer=True)
    return [
        ("-f'(x) = e^x/(1 + e^x)^2 = sum_{m>=1} (-1)^{m+1} m e^{-m|x|} (geometric series), even in x",
         sp.Sum((-1) ** (m + 1) * m * sp.exp(-m * sp.Abs(_x)), (m, 1, sp.oo))),
        (f"integral x^{n} (-f') dx = 2 sum_m (-1)^(m+1) m {n}!/m^{n + 1} = 2 {n}! eta({n}), "
         f"eta({n}) = (1 - 2^{1 - n}) zeta({n})",
         2 * sp.factorial(n) * (1 - sp.Integer(2) ** (1 - n)) * sp.Function("zeta")(n)),
    ]


def fermi_moment(n: int) -> sp.Expr:
    """Exact ``c_n = integral x^n (-f'(x)) dx`` over the real line.

    ``-f'`` is even, so odd moments vanish; ``-f'(x) = sum_m (-1)^{m+1} m
    e^{-m|x|}``, and integrating term by term gives ``2 n! eta(n)`` with the
    Dirichlet eta function ``eta(n) = (1 - 2^{1-n}) zeta(n)``; ``c_0 = 1``.

    >>> [fermi_moment(n) for n in range(5)]
    [1, 0, pi**2/3, 0, 7*pi**4/15]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ParameterError(f"fermi_moment: expected an integer n >= 0, got {n!r}")
    if n == 0:
        return sp.Integer(1)
    if n % 2:
        return sp.Integer(0)
    return 2 * sp.factorial(n) * (1 - sp.Integer(2) ** (1 - n)) * sp.zeta(n)


def sommerfeld(T_expr: Any, E: sp.Symbol, n: int, power: int, *, mu_: Any = mu,
               kT: Any = k_B * Theta) -> sp.Expr:
    """Sommerfeld expansion of ``L_n`` including every term up to ``(k_B Theta)^power``.

    ``L_n ~ sum_{m >= 0} T^{(m)}(mu)/m! (k_B Theta)^{n+m} c_{n+m}`` (Taylor
    expansion of ``T`` about ``mu``, integrated term by term with
    :func:`fermi_moment`); an asymptotic series whose error is the first
    omitted term, ``O((k_B Theta)^{power + 2})`` for smooth ``T``.
    """
    T_expr = _sympify(T_expr, "T(E)")
    kT = _check_temperature(kT)
    if isinstance(power, bool) or not isinstance(power, int) or power < n:
        raise ParameterError(f"sommerfeld: expected an integer power >= n = {n}, got {power!r}")
    out = sp.Integer(0)
    deriv = T_expr
    for m in range(0, power - n + 1):
        c = fermi_moment(n + m)
        if c != 0:
            out += deriv.subs(E, mu_) / sp.factorial(m) * kT ** (n + m) * c
        deriv = sp.diff(deriv, E)
    return out


# ------------------------------------------------------------------ Matsubara route
def matsubara_kernel(z: Any, order: int = 1, *, mu_: Any = mu, kT: Any = k_B * Theta) -> sp.Expr:
    """``integral (-f'(E)) / (E - z)^order dE`` for a pole ``z`` off the real axis.

    ``-f'(E) = -(1/beta) sum_n 1/(E - mu - i w_n)^2`` with the Matsubara
    frequencies ``w_n = (2n + 1) pi/beta``.  Closing the contour in the half
    plane away from ``z`` picks up the double poles at ``mu + i w_n``, and the
    sum over them is a polygamma function: for ``Im z > 0``

        F(z) = (i beta/2 pi) psi'(1/2 - i beta (z - mu)/2 pi),

    and ``F(z*) = F(z)*``.  Higher orders are derivatives in ``z``:
    ``integral (-f')/(E - z)^{m+1} = F^{(m)}(z)/m!``.
    """
    z = _sympify(z, "pole")
    kT = _check_temperature(kT)
    im = sp.im(z)
    if im.is_zero:
        raise DivergentIntegralError(f"T(E) has a pole on the real axis at E = {z}: the Landauer integral diverges")
    if im.is_positive:
        sign = 1
    elif im.is_negative:
        sign = -1
    else:
        raise ParameterError(f"cannot tell on which side of the real axis the pole {z} lies; "
                             "give its parameters signs (e.g. Gamma positive)")
    m = order - 1
    beta = 1 / kT
    w = sp.Rational(1, 2) - sign * sp.I * beta * (z - _sympify(mu_, "mu")) / (2 * sp.pi)
    # d^m/dz^m psi'(w(z)) = (dw/dz)^m psi^{(1+m)}(w)
    dw = -sign * sp.I * beta / (2 * sp.pi)
    return sign * sp.I * beta / (2 * sp.pi) * dw**m * sp.polygamma(1 + m, w) / sp.factorial(m)


def _poles(den: sp.Poly) -> dict:
    roots = sp.roots(den)
    if sum(roots.values()) != den.degree():
        raise ParameterError(f"the poles of T(E) (roots of {den.as_expr()}) have no closed form here")
    return roots


def rational_integral(T_expr: Any, E: sp.Symbol, n: int, *, mu_: Any = mu,
                      kT: Any = k_B * Theta) -> sp.Expr:
    """Exact ``L_n`` of a rational ``T(E)`` by residues (see :func:`matsubara_kernel`).

    ``(E - mu)^n T(E)`` is split into its polynomial part (integrated with
    :func:`fermi_moment`) and the principal parts at the poles ``z_j`` of
    ``T`` (coefficients from the Laurent expansion), each integrated in closed
    form.  Poles on the real axis make the integral diverge
    (:class:`DivergentIntegralError`).  The result holds polygamma functions
    of complex arguments in conjugate pairs; it is real.
    """
    T_expr = sp.together(_sympify(T_expr, "T(E)"))
    kT = _check_temperature(kT)
    mu_ = _sympify(mu_, "mu")
    x = sp.Dummy("x")
    P = sp.together((x**n * T_expr.subs(E, x + mu_)))
    num, den = sp.fraction(P)
    try:
        num, den = sp.Poly(num, x), sp.Poly(den, x)
    except sp.PolynomialError as exc:
        raise ParameterError(f"rational_integral: T(E) must be rational in {E}; got {T_expr}") from exc
    q, r = sp.div(num, den)
    out = sum((c * kT**k * fermi_moment(k) for (k,), c in q.terms()), sp.Integer(0))
    if r.is_zero:
        return out
    roots = _poles(den)
    lc = den.LC()
    for z, mult in roots.items():
        # (x - z)^mult P(x) = r(x) / (lc prod_{other} (x - z_i)^{m_i})
        rest = lc * sp.Mul(*[(x - zi) ** mi for zi, mi in roots.items() if zi != z])
        g = r.as_expr() / rest
        for j in range(mult, 0, -1):  # coefficient of 1/(x - z)^j
            k = mult - j
            coeff = sp.diff(g, x, k).subs(x, z) / sp.factorial(k)
            out += sp.factor(coeff) * matsubara_kernel(z + mu_, j, mu_=mu_, kT=kT)
    return out


def real_form(expr: Any) -> sp.Expr:
    """Rewrite conjugate pairs ``polygamma(m, w)``, ``polygamma(m, w*)`` as ``re`` and ``im`` of one of them.

    The residue route returns real results as sums over conjugate poles; with
    ``psi(w) = R + i I`` and ``psi(w*) = R - i I`` the imaginary unit cancels
    exactly (a rational function of R and I, cancelled), and the result prints
    as a paper writes it, e.g. ``-(delta + (Gamma/2) Im psi'(w)/Re psi'(w))/(e Theta)``.
    """
    expr = _sympify(expr, "expr")
    pg = sorted(expr.atoms(sp.polygamma), key=sp.default_sort_key)
    subs, back, used = {}, {}, set()
    for p in pg:
        if p in used:
            continue
        m, w = p.args
        q = sp.polygamma(m, sp.expand(sp.conjugate(w)))
        match = next((r for r in pg if r not in used and r != p and sp.expand(r.args[1] - q.args[1]) == 0
                      and r.args[0] == m), None)
        if match is None:
            continue
        R, I = sp.Dummy("R", real=True), sp.Dummy("I", real=True)
        # the member with + i Im(w) > 0 is the reference
        ref, other = (p, match) if sp.im(sp.expand(w)).could_extract_minus_sign() is False else (match, p)
        subs.update({ref: R + sp.I * I, other: R - sp.I * I})
        ref_e = sp.polygamma(ref.args[0], sp.expand(ref.args[1]))
        back.update({R: sp.re(ref_e), I: sp.im(ref_e)})
        used |= {p, match}
    if not subs:
        return expr
    out = sp.cancel(sp.expand(expr.subs(subs)))
    if out.has(sp.I):
        return expr  # not a conjugate-symmetric combination: leave it as it was
    return out.subs(back)


# ------------------------------------------------------------------ step route
def step_integral(a: Any, n: int) -> sp.Expr:
    """``integral_a^oo x^n (-f'(x)) dx`` in closed form (a sharp channel opening at x = a).

    By parts, ``= a^n f(a) + n integral_a^oo x^{n-1} f(x) dx``, and with
    ``f(x) = sum_k (-1)^{k+1} e^{-kx}`` (x > 0 side; the identity continues
    analytically) ``integral_a^oo x^m f = -sum_{j=0}^m m!/(m-j)! a^{m-j}
    Li_{j+1}(-e^{-a})``; ``Li_1(-y) = -log(1 + y)``.

    >>> a = sp.Symbol("a", real=True)
    >>> step_integral(a, 1)
    a/(exp(a) + 1) + log(1 + exp(-a))
    """
    a = _sympify(a, "a")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ParameterError(f"step_integral: expected an integer n >= 0, got {n!r}")
    out = a**n / (sp.exp(a) + 1)
    if n == 0:
        return out
    m = n - 1
    for j in range(m + 1):
        coeff = sp.factorial(m) / sp.factorial(m - j) * a ** (m - j)
        li = sp.log(1 + sp.exp(-a)) if j == 0 else -sp.polylog(j + 1, -sp.exp(-a))
        out += n * coeff * li
    return out


# ------------------------------------------------------------------ linear response
@lru_cache(maxsize=None)
def linear_response() -> tuple[sp.Matrix, list[tuple[str, sp.Expr]]]:
    """The two-terminal Onsager matrix in units of g_s/h, derived from the Fermi functions.

    ``f_L - f_R`` to first order in ``Delta mu = -e Delta V`` and ``Delta Theta``:
    ``d f/d mu = -f'`` and ``d f/d Theta = -(E - mu)/Theta f'``; the charge
    current ``I = -e (g_s/h) integral T (f_L - f_R)`` and the heat current
    ``J = (g_s/h) integral (E - mu) T (f_L - f_R)`` then read off the
    integrals ``L_n``.  Returns the matrix ``M`` with
    ``(I, J) = (g_s/h) M (Delta V, Delta Theta/Theta)`` and the steps.
    """
    Ev = sp.Symbol("E", real=True)
    th = sp.Symbol("Theta_", positive=True)
    f = 1 / (1 + sp.exp((Ev - mu) / (k_B * th)))
    fprime = sp.diff(f, Ev)
    dmu = sp.cancel(sp.diff(f, mu) / (-fprime))           # = 1
    dth = sp.cancel(sp.diff(f, th) / (-fprime) * th)      # = E - mu
    dV, dTh = sp.symbols("DeltaV DeltaTheta", real=True)
    # kernel of f_L - f_R per unit (-f'): dmu * (-e dV) + dth * dTh/Theta, a polynomial in (E - mu)
    kernel = sp.expand(dmu * (-e * dV) + dth * dTh / th)
    xs = sp.Symbol("xi", real=True)
    kernel = sp.expand(kernel.subs(Ev, xs + mu))
    Ls = sp.symbols("L0:3", real=True)

    def integrate(weight):  # replace xi^k (with (-f') T) by L_k
        poly = sp.Poly(sp.expand(weight * kernel), xs)
        return sum((c * Ls[k] for (k,), c in poly.terms()), sp.Integer(0))

    I = integrate(-e)
    J = integrate(xs)
    M = sp.Matrix([[sp.diff(I, dV), sp.diff(I, dTh) * th], [sp.diff(J, dV), sp.diff(J, dTh) * th]])
    steps = [("Linear in the biases: df/dmu = -f'(E) times", dmu),
             ("and df/dTheta = -f'(E) times (1/Theta) times", dth),
             ("so (I, J) = (g_s/h) M (Delta V, Delta Theta/Theta) with M =", M)]
    return M, steps


@dataclass(frozen=True)
class Coefficients:
    """Thermoelectric coefficients from L_0, L_1, L_2 (see the module docstring)."""

    G: sp.Expr
    S: sp.Expr
    Pi: sp.Expr
    kappa: sp.Expr
    lorenz: sp.Expr
    ZT: sp.Expr
    onsager: sp.Matrix
    kelvin: bool  #: Pi = Theta S holds identically (derived from the symmetric matrix)


@lru_cache(maxsize=None)
def _general_coefficients() -> tuple:
    """The coefficients in plain symbols L0, L1, L2, Theta_, g_s (derived once)."""
    M, _ = linear_response()
    th = sp.Symbol("Theta_", positive=True)
    gs = sp.Symbol("g_s_", positive=True)
    M = gs / h * M
    dV, dTh = sp.symbols("DeltaV DeltaTheta", real=True)
    I, J = M * sp.Matrix([dV, dTh / th])
    # open circuit: I = 0 fixes Delta V
    (dV_open,) = sp.solve(I, dV)
    S = sp.cancel(-dV_open / dTh)
    kappa = sp.cancel(J.subs(dV, dV_open) / dTh)
    Pi = sp.cancel((J / I).subs(dTh, 0))
    G = sp.cancel(I.subs(dTh, 0) / dV)
    lorenz = sp.cancel(kappa / (G * th))
    ZT = sp.cancel(S**2 * G * th / kappa)
    kelvin = sp.cancel(Pi - th * S) == 0
    return G, S, Pi, kappa, lorenz, ZT, M, kelvin


def coefficients(L0: Any, L1: Any, L2: Any, *, temperature: Any = Theta, g_s: Any = 1) -> Coefficients:
    """G, S, Pi, kappa, Lorenz ratio and ZT from the Landauer integrals.

    Derived (once, in plain symbols) from :func:`linear_response`:
    ``S = -Delta V/Delta Theta`` at ``I = 0``, ``Pi = J/I`` at
    ``Delta Theta = 0``, ``kappa = J/Delta Theta`` at ``I = 0``; then the
    given integrals are substituted (no simplification of large inputs).

    >>> L0, L1, L2 = sp.symbols("L_0 L_1 L_2", positive=True)
    >>> c = coefficients(L0, L1, L2)
    >>> c.S, c.kelvin
    (-L_1/(L_0*Theta*e), True)
    """
    temperature = _sympify(temperature, "temperature")
    if temperature.is_number and not temperature.is_positive:
        raise ParameterError(f"the temperature must be positive; got {temperature}")
    G, S, Pi, kappa, lorenz, ZT, M, kelvin = _general_coefficients()
    Ls = sp.symbols("L0:3", real=True)
    vals = {Ls[0]: _sympify(L0, "L_0"), Ls[1]: _sympify(L1, "L_1"), Ls[2]: _sympify(L2, "L_2"),
            sp.Symbol("Theta_", positive=True): temperature, sp.Symbol("g_s_", positive=True): _sympify(g_s, "g_s")}
    sub = [x.subs(vals) for x in (G, S, Pi, kappa, lorenz, ZT, M)]
    return Coefficients(*sub, kelvin=kelvin)


def lorenz_number() -> sp.Expr:
    """The Wiedemann-Franz value (pi^2/3)(k_B/e)^2, from the leading Sommerfeld order."""
    Ev = sp.Symbol("E", real=True)
    Tc = sp.Symbol("T_c", positive=True)  # an energy-independent transmission
    L = [sommerfeld(Tc, Ev, n, power=n + (n % 2)) for n in range(3)]
    return coefficients(*L).lorenz


# ------------------------------------------------------------------ multi-terminal
def onsager_matrix(L: Sequence[Any], *, temperature: Any = Theta, g_s: Any = 1) -> sp.Matrix:
    """The multi-terminal charge-and-heat Onsager matrix from ``L[n][i][j]``.

    ``L[n][i][j] = integral (E - mu)^n T_ij(E) (-f') dE`` (T_ij from lead j to
    lead i).  Currents *into reservoir* i (charge ``I_i``, heat ``J_i``) in terms
    of ``(V_j, Delta Theta_j/Theta)``, stacked as ``(I, J) = M (V, Delta Theta/Theta)``::

        I_i = (g_s/h) sum_j [e^2 A0_ij V_j - e A1_ij Delta Theta_j/Theta]
        J_i = (g_s/h) sum_j [-e A1_ij V_j + A2_ij Delta Theta_j/Theta]

    with ``An_ij = L_n^{ij} - delta_ij sum_k L_n^{ki}``, which follows from
    ``N_i = (1/h) sum_j integral [T_ij f_j - T_ji f_i]`` linearized as in
    :func:`linear_response`.  Since ``T_ij(B) = T_ji(-B)``, ``M(B) = M(-B)^T``
    (Onsager-Casimir) given unitarity's sum rules ``sum_j T_ij = sum_j T_ji``;
    columns of each block sum to zero (conservation), rows by the sum rules.
    The entropy production is ``-(X . M X)/Theta >= 0`` for ``X = (V, Delta Theta/Theta)``
    (currents into the reservoirs), so the symmetric part of ``M`` is negative semidefinite.
    """
    if len(L) != 3:
        raise ParameterError(f"onsager_matrix: expected L[0], L[1], L[2]; got {len(L)} blocks")
    mats = [sp.Matrix(Ln) for Ln in L]
    N = mats[0].rows
    if any(Mn.shape != (N, N) for Mn in mats):
        raise ParameterError("onsager_matrix: every L[n] must be an N x N matrix")
    A = []
    for Mn in mats:
        An = sp.Matrix(N, N, lambda i, j: Mn[i, j] if i != j else 0)
        for i in range(N):
            An[i, i] = -sum(Mn[k, i] for k in range(N) if k != i)
        A.append(An)
    c = g_s / h
    return c * sp.BlockMatrix([[e**2 * A[0], -e * A[1]], [-e * A[1], A[2]]]).as_explicit()


# ------------------------------------------------------------------ bosons
def boson_moment() -> tuple[sp.Expr, list[tuple[str, sp.Expr]]]:
    """``integral_0^oo x^2 e^x/(e^x - 1)^2 dx = pi^2/3``, the bosonic thermal quantum's integral.

    ``e^x/(e^x - 1)^2 = sum_{m>=1} m e^{-m x}``, so the integral is
    ``sum_m m 2!/m^3 = 2 zeta(2) = pi^2/3``: the same number as the fermionic
    ``c_2`` (the heat quantum is statistics-independent).
    """
    m = sp.Symbol("m", positive=True, integer=True)
    series = sp.Sum(m * sp.factorial(2) / m**3, (m, 1, sp.oo))
    value = series.doit()
    return value, [("x^2 e^x/(e^x - 1)^2 = sum_m m x^2 e^{-mx}, integrated term by term:", series)]

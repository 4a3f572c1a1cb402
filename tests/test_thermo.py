"""lbsym.thermo and lbsym.thermo_numeric: exact routes against quadrature, physics identities, bad input."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lbsym.constants import e, h, k_B
from lbsym.errors import LbsymError, ParameterError
from lbsym.thermo import (DivergentIntegralError, Theta, coefficients, fermi, fermi_moment, linear_response,
                          lorenz_number, matsubara_kernel, onsager_matrix, rational_integral, sommerfeld,
                          step_integral)
from lbsym.thermo_numeric import (landauer_integrals, lattice_integrals, lattice_onsager, thermo_coefficients,
                                  window_nodes)

E = sp.Symbol("E", real=True)
G1, G2 = sp.symbols("Gamma1 Gamma2", positive=True)
d1, d2 = sp.symbols("delta1 delta2", real=True)
a = sp.Symbol("a", real=True)
UNITS = {k_B: 1, e: 1, h: 1}


def _bw(G, d):
    return (G / 2) ** 2 / ((E - d) ** 2 + (G / 2) ** 2)


def _num(expr):
    return complex(sp.N(expr.subs(UNITS), 30))


# ------------------------------------------------------------------ exact coefficients
@pytest.mark.parametrize("n", range(9))
def test_fermi_moments_are_exact(n):
    with mpmath.workdps(30):
        q = mpmath.quad(lambda x: x**n * mpmath.exp(-abs(x)) / (1 + mpmath.exp(-abs(x))) ** 2,
                        [-mpmath.inf, 0, mpmath.inf])
    assert abs(float(q) - float(fermi_moment(n))) < 1e-25 + 1e-14 * abs(float(q))
    assert fermi_moment(n).free_symbols == set()


def test_fermi_moment_closed_forms():
    assert fermi_moment(2) == sp.pi**2 / 3
    assert fermi_moment(4) == 7 * sp.pi**4 / 15
    assert fermi_moment(6) == 31 * sp.pi**6 / 21


@pytest.mark.parametrize("power, order", [(2, 4), (4, 6)])
def test_sommerfeld_error_shrinks_as_the_stated_power(power, order):
    """L_0 to (k_B Theta)^power misses O((k_B Theta)^order): halving Theta divides the error by 2^order."""
    A, Es, w = 0.8, 0.3, 1.0
    T_expr = A / (1 + sp.exp(-(E - Es) / w))
    series = sommerfeld(T_expr, E, 0, power=power, mu_=0)
    errs = []
    for kT in (0.08, 0.04):
        with mpmath.workdps(40):
            (L0,) = landauer_integrals(lambda x: A / (1 + mpmath.exp(-(x - Es) / w)), 0.0, kT, orders=(0,), dps=40)
            approx = sp.N(series.subs({k_B: 1, Theta: kT}), 40)
            errs.append(abs(L0 - mpmath.mpf(str(approx))))
    ratio = float(errs[0] / errs[1])
    assert abs(math.log2(ratio) - order) < 0.2, (errs, ratio)


def test_sommerfeld_is_exact_for_polynomials():
    T_expr = sp.Rational(1, 2) + E / 10 + E**2 / 50
    L = [sommerfeld(T_expr, E, n, power=n + 4, mu_=0) for n in range(3)]
    num = landauer_integrals(lambda x: 0.5 + x / 10 + x**2 / 50, 0.0, 0.7, dps=30, check_range=False)
    for exact, q in zip(L, num):
        assert abs(float(exact.subs({k_B: 1, Theta: 0.7})) - float(q)) < 1e-20


# ------------------------------------------------------------------ residues
@pytest.mark.parametrize("T_expr, vals", [
    (_bw(G1, d1), {G1: 0.7, d1: 0.4}),
    (_bw(G1, d1) * _bw(G2, d2), {G1: 0.5, d1: -0.3, G2: 1.3, d2: 0.6}),   # two resonances
    (_bw(G1, d1) ** 2, {G1: 0.9, d1: 0.2}),                               # double poles
])
def test_rational_integrals_against_quadrature(T_expr, vals):
    kT = 0.37
    Tf = sp.lambdify(E, T_expr.subs(vals), "mpmath")
    with mpmath.workdps(30):
        num = landauer_integrals(Tf, 0.1, kT, dps=30, points=[float(v) for v in (vals.get(d1), vals.get(d2))
                                                            if v is not None])
    mu = sp.Symbol("mu", real=True)
    for n in range(3):
        closed = _num(rational_integral(T_expr, E, n, mu_=mu).subs(vals).subs({mu: 0.1, Theta: kT}))
        assert abs(closed.imag) < 1e-20
        assert abs(closed.real - float(num[n])) < 1e-20 + 1e-14 * abs(float(num[n]))


def test_matsubara_kernel_limits_and_errors():
    z = sp.Rational(1, 3) + sp.I / 2
    val = _num(matsubara_kernel(z, kT=sp.Rational(1, 10**6), mu_=0))
    assert abs(val - complex(1 / (-z))) < 1e-5     # k_B Theta -> 0: -f' -> delta(E - mu)
    with pytest.raises(DivergentIntegralError, match="real axis"):
        rational_integral(1 / (1 + (E - 1) ** 2) * (E - 1) ** 2 / (E - 2) ** 2, E, 0)
    with pytest.raises(ParameterError, match="side of the real axis"):
        matsubara_kernel(sp.Symbol("z"))


@pytest.mark.parametrize("n", range(4))
def test_step_integrals_against_quadrature(n):
    for av in (-2.3, 0.0, 0.7, 4.0):
        closed = complex(sp.N(step_integral(a, n).subs(a, av), 30))
        with mpmath.workdps(30):
            q = mpmath.quad(lambda x: x**n * mpmath.exp(x) / (1 + mpmath.exp(x)) ** 2, [av, av + 10, mpmath.inf])
        assert abs(closed.imag) < 1e-25 and abs(closed.real - float(q)) < 1e-14


def test_qpc_thermopower_between_plateaus():
    """A sharp step at mu above n open channels: S = -(k_B/e) ln 2/(n + 1/2)."""
    for n_open in range(4):
        L = [n_open * fermi_moment(k) + step_integral(sp.Integer(0), k) for k in range(3)]
        c = coefficients(L[0], L[1] * k_B * Theta, L[2] * (k_B * Theta) ** 2)
        assert sp.simplify(c.S + k_B / e * sp.log(2) / (n_open + sp.Rational(1, 2))) == 0


# ------------------------------------------------------------------ linear response
def test_linear_response_matrix_and_kelvin_relation():
    M, _ = linear_response()
    L0, L1, L2 = sp.symbols("L0:3", real=True)
    assert M == sp.Matrix([[e**2 * L0, -e * L1], [-e * L1, L2]])
    c = coefficients(*sp.symbols("A B C", positive=True))
    assert c.kelvin and sp.simplify(c.Pi - Theta * c.S) == 0
    assert lorenz_number() == sp.pi**2 * k_B**2 / (3 * e**2)


def test_symbolic_onsager_matrix_reciprocity():
    """With T_ij(B) = T_ji(-B) and unitarity's sum rules sum_j T_ij = sum_j T_ji (for every energy,
    so for every L_n), M(B) = M(-B)^T; columns of each block sum to zero identically (conservation),
    rows by the sum rules.  Without the sum rules the diagonals differ: the test can fail."""
    N = 3
    Lp = [sp.Matrix(N, N, lambda i, j: sp.Symbol(f"L{n}_{i}{j}") if i != j else 0) for n in range(3)]
    rules = {}
    for Ln in Lp:
        eqs = [sum(Ln[i, j] - Ln[j, i] for j in range(N)) for i in range(N - 1)]
        (sol,) = sp.linsolve(eqs, [Ln[0, j] for j in range(1, N)])
        rules.update(dict(zip([Ln[0, j] for j in range(1, N)], sol)))
    Lm = [m.T for m in Lp]
    Mp, Mm = onsager_matrix(Lp), onsager_matrix(Lm)
    assert (Mp - Mm.T).expand() != sp.zeros(2 * N, 2 * N)
    assert (Mp - Mm.T).subs(rules).expand() == sp.zeros(2 * N, 2 * N)
    for blk in (Mp[:N, :N], Mp[N:, N:]):
        assert all(sp.expand(sum(blk.col(i))) == 0 for i in range(N))
        assert all(sp.expand(sum(blk.row(i)).subs(rules)) == 0 for i in range(N))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0.05, 3), st.floats(-3, 3)), min_size=1, max_size=3),
       st.floats(0.05, 1.0), st.floats(0.02, 3.0), st.floats(-3, 3), st.floats(-3, 3))
def test_kappa_nonnegative_and_positive_entropy_production(res, scale, kT, dV, dTh):
    """kappa >= 0 (Cauchy-Schwarz) and the entropy production (I dV + J dTheta/Theta)/Theta >= 0."""
    def T(x):
        return scale * sum((g / 2) ** 2 / ((x - d) ** 2 + (g / 2) ** 2) for g, d in res) / len(res)
    L0, L1, L2 = landauer_integrals(T, 0.0, kT, method="scipy", points=[d for _, d in res])
    coef = thermo_coefficients(L0, L1, L2, kT)
    assert coef["kappa"] >= -1e-12 * L2 / kT
    M = np.array([[L0, -L1], [-L1, L2]])   # e = h = 1
    X = np.array([dV, dTh / kT])
    assert X @ M @ X >= -1e-10 * (abs(X) @ abs(M) @ abs(X))


@pytest.mark.parametrize("phi, mu, kT", [(0.07, -1.7, 0.03), (0.13, -0.6, 0.05)])
def test_lattice_onsager_reciprocity_in_a_field(phi, mu, kT):
    """Four-terminal lattice cross in a field: the charge-and-heat Onsager matrix obeys M(B) = M(-B)^T,
    though M(B) itself is not symmetric."""
    from lbsym import lattice as lat

    sysl = lat.cross(2, 1, field="phi")
    Mp = lattice_onsager(sysl, mu, kT, range(4), params={"phi": phi}, n=24)
    Mm = lattice_onsager(sysl, mu, kT, range(4), params={"phi": -phi}, n=24)
    assert np.allclose(Mp, Mm.T, atol=1e-10)
    assert np.allclose(Mp[:4, :4].sum(axis=0), 0, atol=1e-10)
    # second law: currents *into* the reservoirs, entropy production -(X . M X)/Theta >= 0
    assert np.all(np.linalg.eigvalsh(-(Mp + Mp.T) / 2) > -1e-10)
    assert not np.allclose(Mp, Mp.T, atol=1e-6)   # the field breaks the plain symmetry


# ------------------------------------------------------------------ numeric routes
def test_window_nodes_and_scipy_route_agree_with_mpmath():
    T = lambda x: 0.6 / (1 + mpmath.exp(-(x - 0.2) / 0.3))  # noqa: E731
    ref = [float(v) for v in landauer_integrals(T, 0.0, 0.1, dps=30)]
    sc = landauer_integrals(T, 0.0, 0.1, method="scipy")
    nd = lattice_integrals(T, 0.0, 0.1)
    assert np.allclose(sc, ref, rtol=1e-10, atol=1e-14) and np.allclose(nd, ref, rtol=1e-10, atol=1e-14)
    Ew, w = window_nodes(0.0, 1.0)
    assert abs(w.sum() - 1) < 1e-13


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kT", [0, -1.0, float("nan"), float("inf")])
def test_bad_temperature_is_a_clear_error(kT):
    with pytest.raises(ParameterError, match="temperature must be positive"):
        landauer_integrals(lambda x: 0.5, 0.0, kT)
    with pytest.raises(ParameterError, match="temperature"):
        thermo_coefficients(1, 0, 1, kT)


def test_bad_symbolic_temperature_and_orders():
    with pytest.raises(ParameterError, match="temperature must be positive"):
        fermi(E, 0, 0)
    with pytest.raises(ParameterError, match="temperature must be positive"):
        sommerfeld(E, E, 0, power=2, kT=-sp.Symbol("x", positive=True))
    with pytest.raises(ParameterError, match="integer n >= 0"):
        fermi_moment(-1)
    with pytest.raises(ParameterError):
        rational_integral(sp.exp(E), E, 0)


@pytest.mark.parametrize("T", [lambda x: 1.5, lambda x: -0.2, lambda x: float("nan")])
def test_transmission_outside_unit_interval_is_rejected(T):
    with pytest.raises(ParameterError, match=r"must lie in \[0, 1\]"):
        landauer_integrals(T, 0.0, 0.1)
    with pytest.raises(ParameterError, match=r"must lie in \[0, 1\]"):
        lattice_integrals(T, 0.0, 0.1)


def test_failing_user_transmission_is_a_clear_error():
    with pytest.raises(ParameterError, match="could not be evaluated"):
        landauer_integrals(lambda x: 1 / (1 + math.exp(-float(x) / 0.001)), 0.0, 0.1)


def test_divergent_integral_is_a_clear_error():
    with pytest.raises(DivergentIntegralError, match="diverges"):
        rational_integral(1 / E**2, E, 0)
    assert issubclass(DivergentIntegralError, LbsymError)
    with pytest.raises(ParameterError, match="L_0 = 0"):
        thermo_coefficients(0.0, 0.0, 0.0, 1.0)


def test_real_form_removes_the_imaginary_unit_exactly():
    from lbsym.thermo import real_form

    L1 = rational_integral(_bw(G1, d1), E, 1, mu_=0)
    r = real_form(L1)
    outer = r.replace(sp.re, lambda z: sp.Symbol("R")).replace(sp.im, lambda z: sp.Symbol("J"))
    assert not outer.has(sp.I) and r.has(sp.re) and r.has(sp.im)
    pt = {G1: sp.Rational(7, 10), d1: sp.Rational(-2, 5), Theta: sp.Rational(3, 10), k_B: 1}
    assert abs(_num(r.subs(pt)) - _num(L1.subs(pt))) < 1e-25
    assert real_form(E**2) == E**2

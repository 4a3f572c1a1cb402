"""spin-valve: the physics beyond the catalogue contract (which test_contract.py runs)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lbsym import derivation as registry
from lbsym.derivations import spin_valve as sv
from lbsym.numeric import evaluator, network_smatrix

P1, P2, T1, T2 = sv.P1, sv.P2, sv.T1, sv.T2
theta, phi = sv.theta, sv.phi


def test_tunnelling_limit_is_slonczewski_form():
    """G(theta) = G_bar (1 + P1 P2 cos theta), G_bar = T1 T2/(8 cos^2 phi) (symmetric barriers)."""
    d = registry.get("spin-valve")
    textbook = T1 * T2 * (1 + P1 * P2 * sp.cos(theta)) / (8 * sp.cos(phi) ** 2)
    diff = (d.parts["tunnelling"].expr - textbook).rewrite(sp.exp)
    assert sp.expand(sp.simplify(diff)) == 0  # a small expression: simplify is bounded here


def test_incoherent_valve_is_two_resistor_series_per_spin_and_not_julliere():
    d = registry.get("spin-valve")
    Ts = sv.TS

    def series(a, b):
        return a * b / (a + b - a * b)

    par = series(Ts[1, "up"], Ts[2, "up"]) + series(Ts[1, "down"], Ts[2, "down"])
    anti = series(Ts[1, "up"], Ts[2, "down"]) + series(Ts[1, "down"], Ts[2, "up"])
    assert sp.cancel(d.facts.incoherent_parallel - par) == 0
    assert sp.cancel(d.facts.incoherent_antiparallel - anti) == 0
    # phase averaging is not Jullière's tunnelling: the TMRs differ at a generic point
    pt = {Ts[1, "up"]: 0.02, Ts[1, "down"]: 0.01, Ts[2, "up"]: 0.03, Ts[2, "down"]: 0.005}
    inc = float(d.parts["incoherent_tmr"].expr.subs(pt))
    p1, p2 = (0.02 - 0.01) / 0.03, (0.03 - 0.005) / 0.035
    assert abs(inc - 2 * p1 * p2 / (1 - p1 * p2)) > 0.1


def test_incoherent_parts_against_mpmath_phase_quadrature():
    """Independent route: the coherent G averaged over phi by mpmath quadrature (collinear)."""
    d = registry.get("spin-valve")
    pt = {sv.TS[1, "up"]: 0.6, sv.TS[1, "down"]: 0.2, sv.TS[2, "up"]: 0.45, sv.TS[2, "down"]: 0.7}
    rel = {sv.RS[k]: 1 - sv.TS[k] for k in sv.TS}
    for c, part in ((1, d.facts.incoherent_parallel), (0, d.facts.incoherent_antiparallel)):
        g = evaluator(d.facts.coherent.subs({sv.C_theta: c, sv.S_theta: 1 - c}).subs(rel).subs(pt),
                      backend="mpmath", digits=25)
        with mpmath.workdps(25):
            avg = mpmath.quad(lambda x: g(phi=x), [0, mpmath.pi / 2, mpmath.pi]) / mpmath.pi
        assert abs(float(avg) - float(part.subs(pt))) < 1e-15


def test_lattice_approaches_the_limit_as_sqrt_t():
    """The tolerance of the lattice check: the error falls ~10x when T falls 100x."""
    from lbsym import lattice as lat
    from lbsym.scatterers import lattice_impurity

    f = evaluator(registry.get("spin-valve").result)
    t_imp = evaluator(sp.Abs(lattice_impurity(sp.Symbol("eps", real=True),
                                              sp.Symbol("k", positive=True))["right", "left"]) ** 2)
    sz = np.diag([1.0, -1.0])
    kk, d = 1.1, 3
    errs = []
    for scale in (1.0, 10.0):
        U1, J1, U2, J2 = 300 * scale, 100 * scale, 250 * scale, 60 * scale
        g = {s: lat.chain({0: U1 * np.eye(2) + J1 * sz, d: U2 * np.eye(2) + s * J2 * sz}, norbs=2)
             .smatrix(-2 * math.cos(kk)).transmission(1, 0) for s in (1, -1)}
        Ts = [float(t_imp(eps=u + s * j, k=kk)) for (u, j) in ((U1, J1), (U2, J2)) for s in (1, -1)]
        p = {"P1": (Ts[0] - Ts[1]) / (Ts[0] + Ts[1]), "P2": (Ts[2] - Ts[3]) / (Ts[2] + Ts[3])}
        errs.append(abs((g[1] - g[-1]) / g[-1] - float(f(**p))))
    assert 5 < errs[0] / errs[1] < 20


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.01, 0.99), min_size=4, max_size=4),
       st.floats(0, 1), st.floats(-3, 3))
def test_the_composed_valve_is_unitary(ts, c, ph):
    """Numeric points of the library's network: unitary 4 x 4 S, 0 <= G <= 2 (two spins)."""
    vals = {**{sv.TS[k]: t for k, t in zip(sv.TS, ts)}, **{sv.RS[k]: 1 - t for k, t in zip(sv.TS, ts)},
            sv.C_theta: c, sv.S_theta: 1 - c, phi: ph}
    M = network_smatrix(sv.network(), vals)
    assert np.abs(M.conj().T @ M - np.eye(4)).max() < 1e-12
    g = float(np.sum(np.abs(M[2:, :2]) ** 2))
    assert -1e-12 <= g <= 2 + 1e-12


def test_composed_valve_is_exactly_unitary():
    S = sv.network().smatrix()
    assert S.is_unitary()

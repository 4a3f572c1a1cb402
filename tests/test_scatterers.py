"""Elementary scatterers are unitary and have the textbook amplitudes."""

import cmath

import sympy as sp
import pytest

from lbsym import scatterers as sc

Z, k, eps = sp.symbols("Z k epsilon", positive=True)


@pytest.mark.parametrize("S", [
    sc.barrier(1), sc.barrier(2, time_reversal=False), sc.symmetric_barrier(1),
    sc.delta_barrier(), sc.lattice_impurity(), sc.propagation(sp.Symbol("x", real=True),
                                                              sp.Symbol("f", real=True)),
    sc.y_junction(), sc.beam_splitter(1), sc.dephasing_coupler(), sc.dephasing_coupler(0),
    sc.dephasing_coupler(1),
])
def test_unitary(S):
    assert S.is_unitary()


def test_dephasing_coupler_is_reflectionless_and_direction_resolved():
    S = sc.dephasing_coupler()
    T = S.transmission_matrix()
    ports = ("left", "right", "pR", "pL")
    idx = {p: i for i, p in enumerate(ports)}
    assert T[idx["left"], idx["left"]] == 0 and T[idx["right"], idx["right"]] == 0  # no backscattering
    assert T[idx["pR"], idx["left"]] == eps and T[idx["right"], idx["left"]] == 1 - eps
    assert T[idx["pL"], idx["left"]] == 0  # right-movers never reach the left-mover channel
    assert T[idx["right"], idx["pR"]] == eps and T[idx["left"], idx["pR"]] == 0
    assert S.matrix != S.matrix.T  # not reciprocal, by construction


def test_delta_barrier_transmission():
    assert sp.simplify(sc.delta_barrier().transmission("right", "left") - k**2 / (k**2 + Z**2)) == 0


def test_lattice_impurity_matches_greens_function():
    # t = i hbar v G_00 with G_00 = 1/(E - eps - 2 Sigma), Sigma = -e^{ik}, hbar v = 2 sin k
    S = sc.lattice_impurity()
    for kk, ee in [(0.7, 0.3), (2.1, -1.4)]:
        E = -2 * cmath.cos(kk)
        G = 1 / (E - ee + 2 * cmath.exp(1j * kk))
        t = complex(S["right", "left"].subs({k: kk, sp.Symbol("epsilon", real=True): ee}))
        assert abs(t - 1j * 2 * cmath.sin(kk) * G) < 1e-14


def test_y_junction_limits():
    S = sc.y_junction(0)
    assert S["arm2", "arm1"] == 1 and S["lead", "lead"] == -1

"""Physics of the catalogue's lattice checks (each lives in its derivation's file; that every
check passes and fails on a spoiled result is tested once, in test_contract.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from lbsym import lattice as lat
from lbsym.derivation import get
from lbsym.scatterers import lattice_junction, y_junction

EXACT = ["fabry-perot", "aharonov-bohm-ring", "periodic-chain", "landauer"]


@pytest.mark.parametrize("name", EXACT)
def test_exact_checks_pass_at_1e_10(name):
    rep = get(name).lattice_check()
    assert rep is not None
    assert rep.tolerance == 1e-10
    assert rep.passed, rep.as_dict()
    assert rep.error < 1e-10
    assert rep.points >= 100


def test_fabry_perot_average_approaches_classical_series():
    rep = get("fabry-perot-average").lattice_check()
    assert rep.passed, rep.as_dict()
    assert rep.error < rep.tolerance < 1e-2
    assert rep.points >= 300


@pytest.mark.parametrize("name, factor", [
    ("fabry-perot", 1.01),
    ("aharonov-bohm-ring", 1.01),
    ("periodic-chain", 1.01),
    ("landauer", 2),  # g_s = 2 where the lattice has one spin-resolved channel
    ("fabry-perot-average", 1.2),
])
def test_small_errors_in_the_result_are_caught(name, factor):
    """1% off is far outside the exact checks' tolerance (the contract test spoils by 10%)."""
    import dataclasses

    der = get(name)
    rep = dataclasses.replace(der, result=der.result * factor).lattice_check()
    assert not rep.passed and rep.error > 10 * rep.tolerance


def test_lattice_junction_closed_form_matches_solver_and_buttiker_at_band_centre():
    k = sp.Symbol("k", positive=True)
    J = lattice_junction(k)
    assert J.is_unitary()
    f = sp.lambdify(k, J.matrix, "numpy")
    for kk in (0.2, 1.0, 2.9):
        S = lat.junction(3).smatrix(-2 * math.cos(kk)).data
        assert np.abs(S - np.array(f(kk), dtype=complex)).max() < 1e-14
    # E = 0: the lattice junction is Büttiker's with epsilon = 4/9
    B = y_junction(sp.Rational(4, 9)).matrix
    assert sp.simplify(J.matrix.subs(k, sp.pi / 2) - B) == sp.zeros(3, 3)


def test_ring_flux_dependence_is_nontrivial():
    """Period h/e is not vacuous: T depends on the flux, and vanishes at Phi0/2 for equal arms."""
    ring = lat.ring(3, 3)
    E = -2 * math.cos(1.1)
    T = [ring.smatrix(E, {"phi": p}).transmission(1, 0) for p in (0.0, 0.25, 0.5, 1.0)]
    assert abs(T[0] - T[1]) > 1e-2
    assert T[2] < 1e-20
    assert abs(T[0] - T[3]) < 1e-12


def test_shot_noise_lattice_eigenvalues_match_noise_matrix():
    from lbsym import derivation as registry
    d = registry.get("shot-noise")
    rep = d.lattice_check()
    assert rep.passed and rep.points >= 20 and rep.error < 1e-10




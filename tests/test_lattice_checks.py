"""Closed forms of the catalogue against the tight-binding solver (lbsym.lattice_checks)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import sympy as sp

from lbsym import lattice as lat
from lbsym.derivation import get, names
from lbsym.lattice_checks import CHECKS, lattice_junction_smatrix
from lbsym.scatterers import y_junction

EXACT = ["fabry-perot", "aharonov-bohm-ring", "periodic-chain", "landauer"]


def test_every_catalogued_lattice_check_is_registered():
    assert set(CHECKS) <= set(names())
    assert set(EXACT) | {"fabry-perot-average", "shot-noise"} <= set(CHECKS)


@pytest.mark.parametrize("name", EXACT)
def test_exact_checks_pass_at_1e_10(name):
    rep = get(name).lattice_check()
    assert rep is not None
    assert rep.tolerance == 1e-10
    assert rep.passed, rep.as_dict()
    assert rep.max_abs_error < 1e-10
    assert rep.points >= 100


def test_fabry_perot_average_approaches_classical_series():
    rep = get("fabry-perot-average").lattice_check()
    assert rep.passed, rep.as_dict()
    assert rep.max_abs_error < rep.tolerance < 1e-2
    assert rep.points >= 300


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_perturbed_closed_form_fails(name):
    """An impurity energy / arm phase / channel transmission off by 0.1 is caught."""
    rep = CHECKS[name](get(name), perturb=0.1)
    assert not rep.passed
    assert rep.max_abs_error > 10 * rep.tolerance


@pytest.mark.parametrize("name, factor", [
    ("fabry-perot", 1.01),
    ("aharonov-bohm-ring", 1.01),
    ("periodic-chain", 1.01),
    ("landauer", 2),  # g_s = 2 where the lattice has one spin-resolved channel
    ("fabry-perot-average", 1.2),
])
def test_wrong_derivation_result_fails(name, factor):
    """The checks evaluate the derivation's own result: spoiling it is caught."""
    der = get(name)
    bad = dataclasses.replace(der, result=der.result * factor)
    rep = CHECKS[name](bad)
    assert not rep.passed
    assert rep.max_abs_error > 10 * rep.tolerance


def test_lattice_junction_closed_form_matches_solver_and_buttiker_at_band_centre():
    k = sp.Symbol("k", positive=True)
    J = lattice_junction_smatrix(k)
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
    from lbsym.lattice_checks import check_shot_noise

    d = registry.get("shot-noise")
    rep = d.lattice_check()
    assert rep.passed and rep.points >= 20 and rep.max_abs_error < 1e-10
    bad = check_shot_noise(d, perturb=0.05)
    assert not bad.passed and bad.max_abs_error > 1e-3


def _with_lattice_check():
    from lbsym import derivation as registry
    from lbsym.lattice_checks import CHECKS

    return [n for n in registry.names() if registry.get(n).lattice or n in CHECKS]


@pytest.mark.parametrize("name", _with_lattice_check())
def test_every_lattice_check_fails_when_the_result_is_spoiled(name):
    """A lattice check evaluates the derived result, never a literal: spoil it by 10% and it fails."""
    import dataclasses

    import sympy as sp

    from lbsym import derivation as registry

    d = registry.get(name)
    spoiled = dataclasses.replace(d, result=d.result * sp.Rational(11, 10))
    report = spoiled.lattice_check()
    assert report is not None and not report.passed, (name, report)

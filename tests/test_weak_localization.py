"""weak-localization: physics beyond the catalogue contract."""

import numpy as np
import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.constants import e, h
from lbsym.rmt import N1, N2
from lbsym.rmt_numeric import chain_ensemble

k = sp.Symbol("k", positive=True, integer=True)


@pytest.fixture(scope="module")
def d():
    return registry.get("weak-localization")


def test_limits_and_chain_equal_the_textbook(d):
    f = d.facts
    assert f.limit_wl == -e**2 / (4 * h) and f.limit_al == e**2 / (8 * h)
    assert f.ucf_limits == {1: e**4 / (8 * h**2), 2: e**4 / (16 * h**2), 4: e**4 / (32 * h**2)}
    textbook_chain = -(e**2 / h) * sp.Rational(1, 3) * (1 - 1 / (k + 1) ** 2)
    assert sp.cancel(d.parts["chain"].expr - textbook_chain) == 0
    assert f.chain_one_cavity == f.limit_wl and f.wire == -e**2 / (3 * h)
    al = N1 * N2 / (N1 + N2 - sp.Rational(1, 2)) - N1 * N2 / (N1 + N2)
    assert sp.cancel(d.parts["antilocalization"].expr - e**2 / h * al) == 0


def test_cooperon_is_the_inverse_chain_laplacian(d):
    """The sympy-solved Green's function equals numpy's inverse of tridiag(-1, 2, -1)."""
    i = sp.Symbol("i", positive=True, integer=True)
    g = sp.lambdify((i, k), d.facts.cooperon_diagonal)
    for kk in range(1, 9):
        L = 2 * np.eye(kk) - np.eye(kk, k=1) - np.eye(kk, k=-1)
        np.testing.assert_allclose(np.diag(np.linalg.inv(L)), [g(ii, kk) for ii in range(1, kk + 1)], rtol=1e-13)


def test_correction_sign_and_size(d):
    f = sp.lambdify((N1, N2), d.result.subs({e: 1, h: 1}))
    for n1 in range(1, 8):
        for n2 in range(1, 8):
            assert -0.25 < f(n1, n2) < 0  # localization, bounded by its large-N value


@pytest.mark.slow
def test_chain_of_two_cavities_monte_carlo(d):
    """Two sampled cavities composed by the library's Network (network_smatrix): COE - CUE
    at M = 3 and 6 channels per contact, extrapolated linearly in 1/M to M -> oo, against
    -(1/3)(1 - 1/9) within 4 standard errors of the extrapolation."""
    vals, errs = [], []
    for M in (3, 6):
        r = {b: chain_ensemble(2, M, b, 3000, seed=10 * M + b) for b in (1, 2)}
        vals.append(r[1].mean("G") - r[2].mean("G"))
        errs.append(np.hypot(r[1].sem("G"), r[2].sem("G")))
    limit = 2 * vals[1] - vals[0]
    se = np.hypot(2 * errs[1], errs[0])
    closed = float(d.parts["chain"].expr.subs({e: 1, h: 1, k: 2}))
    assert abs(limit - closed) < 4 * se, (limit, se, closed)

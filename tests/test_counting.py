"""Counting statistics: generating functions, cumulant extraction, Monte-Carlo."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from lbsym import counting, counting_numeric
from lbsym.counting import lam
from lbsym.errors import LbsymError

T, T1, T2, M = sp.symbols("T T1 T2 M", positive=True)
GL, GR = sp.symbols("Gamma_L Gamma_R", positive=True)


def test_binomial_sixth_cumulant_known_form():
    k6 = counting.cumulant(counting.binomial_cgf(T), 6)
    known = T * (1 - T) * (1 - 30 * T + 150 * T**2 - 240 * T**3 + 120 * T**4)
    assert sp.expand(k6 - known) == 0


def test_first_binomial_cumulants_and_recursion_agree():
    ks = counting.cumulants(counting.binomial_cgf(T), 8)
    assert sp.expand(ks[0] - T) == 0
    assert sp.expand(ks[1] - T * (1 - T)) == 0
    assert sp.expand(ks[2] - T * (1 - T) * (1 - 2 * T)) == 0
    assert sp.expand(ks[3] - T * (1 - T) * (1 - 6 * T + 6 * T**2)) == 0
    rec = counting.binomial_cumulants(T, 8)
    assert all(sp.expand(a - b) == 0 for a, b in zip(ks, rec))


def test_levitov_lesovik_is_additive_and_scales_with_attempts():
    cgf = counting.levitov_lesovik([T1, T2], M)
    k2 = counting.cumulant(cgf, 2)
    assert sp.expand(k2 - M * (T1 * (1 - T1) + T2 * (1 - T2))) == 0
    # Fano = k2/k1 = sum T(1-T)/sum T, the noise module's convention
    from lbsym.noise import fano

    k1 = counting.cumulant(cgf, 1)
    assert sp.simplify(k2 / k1 - fano([T1, T2])) == 0


def test_general_extractor_fallback_differentiates_in_lambda():
    # Gaussian: ln chi = i lambda mu - lambda^2 s / 2 (not a function of e^{i lambda})
    mu, s = sp.symbols("mu s", positive=True)
    ks = counting.cumulants(sp.I * lam * mu - lam**2 * s / 2, 4)
    assert ks == [mu, s, 0, 0]
    # Poisson: rate (e^{i lambda} - 1): every cumulant equals the rate
    assert counting.cumulants(mu * (sp.exp(sp.I * lam) - 1), 5) == [mu] * 5
    with pytest.raises(LbsymError):
        counting.cumulants(lam, 0)
    with pytest.raises(LbsymError):
        counting.binomial_cumulants(T, 0)


def test_cumulants_vs_mpmath_numeric_differentiation():
    ks = counting.binomial_cumulants(T, 6)
    with mpmath.workdps(40):
        Tv = mpmath.mpf(37) / 100
        f = lambda chi: mpmath.log(1 + Tv * (mpmath.exp(chi) - 1))
        for k in range(1, 7):
            num = mpmath.diff(f, 0, k)
            assert abs(num - mpmath.mpf(str(sp.N(ks[k - 1].subs(T, sp.Rational(37, 100)), 50)))) < 1e-25


def test_binomial_cumulants_vs_monte_carlo():
    rng = np.random.default_rng(11)
    n, Mv, Tv = 400_000, 50, 0.3
    x = rng.binomial(Mv, Tv, size=n)
    sample = counting_numeric.sample_cumulants(x, 4)
    ks = [float(k.subs(T, Tv)) * Mv for k in counting.binomial_cumulants(T, 4)]
    # standard errors of the estimators ~ sqrt(var of the k-th power moment / n)
    c = x - x.mean()
    se = [np.std(x) / np.sqrt(n), np.std(c**2) / np.sqrt(n), np.std(c**3) / np.sqrt(n),
          np.std(c**4 - 6 * ks[1] * c**2) / np.sqrt(n)]
    for s, k, err in zip(sample, ks, se):
        assert abs(s - k) < 6 * err


def test_sequential_fano_and_third_cumulant():
    cgf = counting.sequential_cgf(GL, GR)
    assert sp.simplify(sp.factor(cgf.subs(lam, 0), deep=True)) == 0
    k1, k2, k3 = counting.cumulants(cgf, 3)
    assert sp.simplify(k1 - GL * GR / (GL + GR)) == 0
    assert sp.simplify(k2 / k1 - (GL**2 + GR**2) / (GL + GR) ** 2) == 0
    a = (GL - GR) / (GL + GR)
    assert sp.simplify(k3 / k1 - (1 + 3 * a**4) / 4) == 0


def test_gillespie_matches_sequential_cumulants():
    gl, gr = 1.0, 2.5
    t1, t2 = 30.0, 60.0
    N = counting_numeric.gillespie_counts(gl, gr, [t1, t2], 100_000, seed=4)
    ks = [float(k.subs({GL: gl, GR: gr})) for k in
          counting.cumulants(counting.sequential_cgf(GL, GR), 3)]
    # rate cumulants from the increase between t1 and t2 (boundary terms cancel);
    # standard error from 20 independent batches
    batches = np.array([counting_numeric.sample_cumulants(b[:, 1], 3) - counting_numeric.sample_cumulants(b[:, 0], 3)
                        for b in np.array_split(N, 20)]) / (t2 - t1)
    est, se = batches.mean(axis=0), batches.std(axis=0, ddof=1) / np.sqrt(len(batches))
    for k, m, s in zip(ks, est, se):
        assert abs(m - k) < 6 * s


def test_rate_matrix_conserves_probability_at_zero_field():
    Mx = counting.rate_matrix(GL, GR).subs(lam, 0)
    assert sp.simplify(sp.ones(1, 2) * Mx) == sp.zeros(1, 2)
    with pytest.raises(LbsymError):
        counting_numeric.sample_cumulants([1, 2, 3], 7)

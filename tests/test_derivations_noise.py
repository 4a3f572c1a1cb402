"""Noise and counting-statistics derivations: textbook equality, cross-checks, facts."""

import pytest
import sympy as sp

from lbsym import derivation as registry

NAMES = ["shot-noise", "counting-statistics", "resonant-tunneling-fcs", "spin-flip-noise"]


@pytest.fixture(scope="module", params=NAMES)
def d(request):
    return registry.get(request.param)










def test_shot_noise_facts():
    d = registry.get("shot-noise")
    f = d.facts
    assert f.zeros == [0, 1]
    assert f.maxima == [sp.Rational(1, 2)]
    assert f.johnson_nyquist is True
    T = sp.Symbol("T", positive=True)
    assert sp.expand(f.fano_one_channel - (1 - T)) == 0
    k_B, Theta, e, V = (sp.Symbol("k_B", positive=True), sp.Symbol("Theta", positive=True),
                        sp.Symbol("e", positive=True), sp.Symbol("V", real=True))
    assert (f.curvature_at_max / sp.Abs(V)).is_negative
    assert f.crossover_thermal == 2 * k_B * Theta
    assert f.crossover_shot == e * sp.Abs(V)
    # the result really is the zero-temperature limit and is even in V
    assert sp.simplify(d.result.subs(V, -V) - d.result) == 0


def test_counting_statistics_all_six_cumulants():
    d = registry.get("counting-statistics")
    for a, b in zip(d.facts.cumulants, d.facts.textbook_cumulants):
        assert sp.expand(a - b) == 0
    assert d.facts.recursion_agrees
    from lbsym.derivations.counting_statistics import monte_carlo_check, mpmath_check

    mc = monte_carlo_check(d, samples=50_000, seed=99)
    assert mc.passed, mc
    mp = mpmath_check(d)
    assert mp.passed and mp.error < 1e-30


def test_resonant_tunneling_fcs_facts():
    d = registry.get("resonant-tunneling-fcs")
    f = d.facts
    a = sp.Symbol("a", real=True)
    assert sp.simplify(f.third_over_first_asymmetry - (1 + 3 * a**4) / 4) == 0
    assert sp.simplify(f.fano_asymmetry - (1 + a**2) / 2) == 0
    # coherent Breit-Wigner: same Fano factor and third cumulant as sequential tunnelling
    assert sp.simplify(f.fano_coherent - d.textbook) == 0
    assert sp.simplify(f.third_over_first_coherent - f.third_over_first) == 0
    assert f.coherent_equals_sequential_with_rates_over_hbar is True
    # symmetric barriers: F = 1/2, kappa_3/kappa_1 = 1/4
    GL, GR = sp.symbols("Gamma_L Gamma_R", positive=True)
    assert d.result.subs(GR, GL) == sp.Rational(1, 2)
    assert sp.simplify(f.third_over_first.subs(GR, GL)) == sp.Rational(1, 4)
    from lbsym.derivations.resonant_tunneling_fcs import quadrature_check

    q = quadrature_check(d, points=3, seed=9)
    assert q.passed, q


def test_spin_flip_noise_facts():
    d = registry.get("spin-flip-noise")
    f = d.facts
    Tp, Tm = sp.symbols("Tp Tm", positive=True)
    theta = sp.Symbol("theta", real=True)
    assert sp.simplify(f.fano_difference - f.textbook_difference) == 0
    assert theta not in d.result.free_symbols  # the true Fano factor ignores the spin axis
    # no spin flip (theta = 0): the comparator is exact
    assert sp.simplify(f.fano_spin_conserving.subs(theta, 0) - d.result) == 0
    assert sp.simplify(f.spin_flip_probability.subs(theta, 0)) == 0
    assert f.smatrix.is_unitary()
    assert [str(p.spin) for p in f.smatrix.ports] == ["up", "down", "up", "down"]
    # the difference is never positive: spin flip lowers F (Schur: diagonal majorized by eigenvalues)
    import random

    rng = random.Random(1)
    for _ in range(20):
        pt = {Tp: rng.random(), Tm: rng.random(), theta: rng.uniform(0, 6.3)}
        assert float(f.fano_difference.subs(pt)) <= 1e-15






def test_results_are_textbook_sized(d):
    assert sp.count_ops(d.result) <= 1.5 * sp.count_ops(d.textbook) + 2


def test_numeric_agreement_at_random_points():
    for name in ["counting-statistics", "resonant-tunneling-fcs", "spin-flip-noise"]:
        assert registry.get(name).numeric_agreement(samples=10) < 1e-12
    d = registry.get("shot-noise")
    N = sp.Symbol("N", positive=True, integer=True)
    assert sp.simplify(d.result.subs(N, 3).doit() - d.textbook.subs(N, 3).doit()) == 0

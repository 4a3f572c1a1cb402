"""Every derivation: exact textbook equality, numeric routes, compactness."""

import random

import mpmath
import numpy as np
import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.errors import UnknownDerivationError
from lbsym.numeric import evaluator

NAMES = ["landauer", "fabry-perot", "fabry-perot-average", "aharonov-bohm-ring", "periodic-chain"]


@pytest.fixture(scope="module", params=NAMES)
def d(request):
    return registry.get(request.param)


def test_catalogue_lists_all():
    assert set(NAMES) <= set(registry.names())




def test_numeric_agreement_at_random_points(d):
    if d.name == "landauer":  # symbolic sum over N channels
        N, n = sp.Symbol("N", positive=True, integer=True), sp.Symbol("n", positive=True, integer=True)
        a = d.result.subs(N, 3).doit()
        b = d.textbook.subs(N, 3).doit()
        assert sp.expand(a - b) == 0
        return
    assert d.numeric_agreement(samples=15) < 1e-12




@pytest.mark.parametrize("name", ["fabry-perot", "aharonov-bohm-ring"])
def test_result_size_close_to_textbook(name):
    d = registry.get(name)
    assert sp.count_ops(d.result) <= 1.5 * sp.count_ops(d.textbook)


def test_fabry_perot_resonance_condition():
    d = registry.get("fabry-perot")
    T1, T2 = sp.symbols("T1 T2", positive=True)
    cond = d.facts.resonance_condition
    # (sqrt(T1) - sqrt(T2))^2 = 0  <=>  T1 = T2
    assert sp.expand(cond - (sp.sqrt(T1) - sp.sqrt(T2)) ** 2) == 0
    R1, R2, th = sp.symbols("R1 R2 theta", positive=True)
    T_res = d.result.subs(sp.Symbol("theta", real=True), 0).subs({R1: 0.64, R2: 0.64})
    assert abs(float(T_res.subs({T1: 0.36, T2: 0.36})) - 1) < 1e-14
    assert float(d.result.subs(sp.Symbol("theta", real=True), 0).subs(
        {R1: 0.64, R2: 0.5, T1: 0.36, T2: 0.5})) < 1 - 1e-3


def test_fabry_perot_average_is_classical_series():
    d = registry.get("fabry-perot-average")
    assert d.facts.series_resistance_difference == 0


def test_ring_periodic_and_even():
    d = registry.get("aharonov-bohm-ring")
    assert d.facts.period_h_over_e is True and d.facts.even_in_flux is True
    Phi, Phi0 = sp.Symbol("Phi", real=True), sp.Symbol("Phi0", positive=True)
    f = evaluator(d.result)
    vals = dict(epsilon=0.3, theta=0.8, Phi0=1.0)
    a = f(Phi=0.23, **vals)
    assert abs(a - f(Phi=1.23, **vals)) < 1e-12 and abs(a - f(Phi=-0.23, **vals)) < 1e-12
    assert abs(f(Phi=0.5, **vals)) < 1e-15  # destructive interference of equal arms


def test_periodic_chain_transparent_at_bloch_phases():
    d = registry.get("periodic-chain")
    for N in range(2, 7):
        for j in range(1, N):
            x = float(sp.cos(sp.pi * j / N))
            val = d.result.subs({sp.Symbol("N", integer=True, positive=True): N,
                                 sp.Symbol("xi", real=True): x,
                                 sp.Symbol("T1", positive=True): 0.3})
            assert abs(float(val) - 1) < 1e-12


@pytest.mark.parametrize("name", ["fabry-perot", "aharonov-bohm-ring", "fabry-perot-average"])
def test_mpmath_evaluator_matches_numpy_and_runs_at_50_digits(name):
    d = registry.get(name)
    f_np = evaluator(d.result)
    f_mp = evaluator(d.result, backend="mpmath", digits=50)
    rng = random.Random(5)
    for _ in range(5):
        pt = d.random_point(rng)
        args = [pt[s] for s in f_np.symbols]
        a, b = complex(f_np(*args)), f_mp(*args)
        assert abs(a - complex(b)) < 1e-12
        assert isinstance(b, (mpmath.mpf, mpmath.mpc))
    # 50 digits: agrees with sympy's own evalf at 60 digits
    pt = d.random_point(random.Random(9))
    exact = d.result.subs({k: sp.Rational(str(v)) for k, v in pt.items()}).evalf(60)
    with mpmath.workdps(60):
        got = f_mp(*[mpmath.mpf(str(pt[s])) for s in f_np.symbols])
        assert abs(got - mpmath.mpf(str(exact))) < mpmath.mpf(10) ** -45


def test_numpy_evaluator_is_vectorized():
    d = registry.get("fabry-perot")
    f = evaluator(d.result)
    th = np.linspace(0, 2 * np.pi, 1001)
    vals = f(R1=0.5, R2=0.5, T1=0.5, T2=0.5, theta=th)
    assert vals.shape == th.shape and np.all((vals >= 0) & (vals <= 1 + 1e-12))
    assert abs(vals.max() - 1) < 1e-12


def test_unknown_derivation_suggests_names():
    with pytest.raises(UnknownDerivationError, match="did you mean fabry-perot"):
        registry.get("fabry-perrot")




def test_latex_of_results():
    assert r"\sqrt{R_{1} R_{2}}" in registry.get("fabry-perot").latex()
    tex = registry.get("aharonov-bohm-ring").latex()
    assert r"\Phi_0" in tex and r"\varepsilon" in tex
    assert registry.get("periodic-chain")._repr_latex_().startswith("$$")


#: sympy count_ops of every result before the ring engine (commit f83ee0f); the
#: engine must print each of them no larger (issue 10)
SIZES_BEFORE = {"aharonov-bohm-ring": 47, "brouwer-pump": 25, "counting-statistics": 15,
                "fabry-perot": 13, "fabry-perot-average": 5, "h-bar-nonlocal": 54, "landauer": 5,
                "periodic-chain": 8, "quantum-hall-edges": 3, "quantum-spin-hall": 3,
                "resonant-tunneling-fcs": 6, "shot-noise": 9, "spin-flip-noise": 8,
                "voltage-probe": 7, "wheatstone-bridge": 54}


@pytest.mark.parametrize("name", sorted(SIZES_BEFORE))
def test_result_no_larger_than_before_the_ring_engine(name):
    d = registry.get(name)
    assert d.check_textbook()
    assert sp.count_ops(d.result) <= SIZES_BEFORE[name]


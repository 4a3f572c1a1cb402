"""Noise and counting-statistics derivations: textbook equality, cross-checks, facts."""

import pytest
import sympy as sp

from lbsym import derivation as registry

NAMES = ["shot-noise", "counting-statistics", "resonant-tunneling-fcs", "spin-flip-noise"]


@pytest.fixture(scope="module", params=NAMES)
def d(request):
    return registry.get(request.param)


def test_registered():
    assert set(NAMES) <= set(registry.names())


def test_result_equals_textbook_exactly(d):
    assert d.check_textbook()


def test_cross_check_passes(d):
    rep = d.run_cross_check()
    assert rep is not None and rep.passed, rep
    assert rep.points > 0


def test_text_and_json_render(d):
    assert d.name in d.text()
    data = d.as_dict()
    assert data["name"] == d.name and data["steps"] and data["reference"]


def test_shot_noise_facts():
    d = registry.get("shot-noise")
    f = d.facts
    assert f["zeros"] == [0, 1]
    assert f["maxima"] == [sp.Rational(1, 2)]
    assert f["johnson_nyquist"] is True
    T = sp.Symbol("T", positive=True)
    assert sp.expand(f["fano_one_channel"] - (1 - T)) == 0
    k_B, Theta, e, V = (sp.Symbol("k_B", positive=True), sp.Symbol("Theta", positive=True),
                        sp.Symbol("e", positive=True), sp.Symbol("V", real=True))
    assert (f["curvature_at_max"] / sp.Abs(V)).is_negative
    assert f["crossover_thermal"] == 2 * k_B * Theta
    assert f["crossover_shot"] == e * sp.Abs(V)
    # the result really is the zero-temperature limit and is even in V
    assert sp.simplify(d.result.subs(V, -V) - d.result) == 0


def test_counting_statistics_all_six_cumulants():
    d = registry.get("counting-statistics")
    for a, b in zip(d.facts["cumulants"], d.facts["textbook_cumulants"]):
        assert sp.expand(a - b) == 0
    assert d.facts["recursion_agrees"]
    mc = d.facts["monte_carlo_check"](samples=50_000, seed=99)
    assert mc.passed, mc
    mp = d.facts["mpmath_check"]()
    assert mp.passed and mp.max_abs_error < 1e-30


def test_resonant_tunneling_fcs_facts():
    d = registry.get("resonant-tunneling-fcs")
    f = d.facts
    a = sp.Symbol("a", real=True)
    assert sp.simplify(f["third_over_first_asymmetry"] - (1 + 3 * a**4) / 4) == 0
    assert sp.simplify(f["fano_asymmetry"] - (1 + a**2) / 2) == 0
    # coherent Breit-Wigner: same Fano factor and third cumulant as sequential tunnelling
    assert sp.simplify(f["fano_coherent"] - d.textbook) == 0
    assert sp.simplify(f["third_over_first_coherent"] - f["third_over_first"]) == 0
    assert f["coherent_equals_sequential_with_rates_over_hbar"] is True
    # symmetric barriers: F = 1/2, kappa_3/kappa_1 = 1/4
    GL, GR = sp.symbols("Gamma_L Gamma_R", positive=True)
    assert d.result.subs(GR, GL) == sp.Rational(1, 2)
    assert sp.simplify(f["third_over_first"].subs(GR, GL)) == sp.Rational(1, 4)
    q = f["quadrature_check"](points=3, seed=9)
    assert q.passed, q


def test_spin_flip_noise_facts():
    d = registry.get("spin-flip-noise")
    f = d.facts
    Tp, Tm = sp.symbols("Tp Tm", positive=True)
    theta = sp.Symbol("theta", real=True)
    assert sp.simplify(f["fano_difference"] - f["textbook_difference"]) == 0
    assert theta not in d.result.free_symbols  # the true Fano factor ignores the spin axis
    # no spin flip (theta = 0): the comparator is exact
    assert sp.simplify(f["fano_spin_conserving"].subs(theta, 0) - d.result) == 0
    assert sp.simplify(f["spin_flip_probability"].subs(theta, 0)) == 0
    assert f["smatrix"].is_unitary()
    assert [str(p.spin) for p in f["smatrix"].ports] == ["up", "down", "up", "down"]
    # the difference is never positive: spin flip lowers F (Schur: diagonal majorized by eigenvalues)
    import random

    rng = random.Random(1)
    for _ in range(20):
        pt = {Tp: rng.random(), Tm: rng.random(), theta: rng.uniform(0, 6.3)}
        assert float(f["fano_difference"].subs(pt)) <= 1e-15


@pytest.mark.parametrize("fmt", ["text", "latex", "json"])
def test_cli_derives_every_noise_derivation(capsys, fmt):
    import json

    from lbsym.cli import main

    for name in NAMES:
        code = main(["derive", name, "--format", fmt])
        out, err = capsys.readouterr()
        assert code == 0 and err == "", (name, err)
        if fmt == "json":
            data = json.loads(out)
            assert data["name"] == name and data["result"]["expr"]


def test_json_result_parses_back(d):
    from sympy.parsing.sympy_parser import parse_expr

    data = d.as_dict()
    syms = {s.name: s.symbol for s in d.symbols}
    syms.update({s.name: s for s in d.result.free_symbols})
    if d.name == "shot-noise":
        syms["T"] = sp.IndexedBase("T", positive=True)
        syms["n"] = sp.Symbol("n", positive=True, integer=True)
    back = parse_expr(data["result"]["expr"], local_dict=syms)
    assert sp.simplify(back - d.result) == 0


def test_results_are_textbook_sized(d):
    assert sp.count_ops(d.result) <= 1.5 * sp.count_ops(d.textbook) + 2


def test_numeric_agreement_at_random_points():
    for name in ["counting-statistics", "resonant-tunneling-fcs", "spin-flip-noise"]:
        assert registry.get(name).numeric_agreement(samples=10) < 1e-12
    d = registry.get("shot-noise")
    N = sp.Symbol("N", positive=True, integer=True)
    assert sp.simplify(d.result.subs(N, 3).doit() - d.textbook.subs(N, 3).doit()) == 0

"""The brouwer-pump derivation: exact textbook form, physics facts, cross-checks, lattice, CLI."""

import json
import random

import numpy as np
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from lbsym import derivation as registry
from lbsym import pumping as pm
from lbsym.cli import main
from lbsym.derivations import brouwer_pump as bp

A1, A2 = sp.symbols("A1 A2", positive=True)
phi1, phi2 = sp.symbols("phi1 phi2", real=True)
e1, e2 = sp.symbols("epsilon1 epsilon2", real=True)
k, d = sp.symbols("k d", positive=True)


@pytest.fixture(scope="module")
def der():
    return registry.get("brouwer-pump")


def test_registered(der):
    assert "brouwer-pump" in registry.names()
    assert dict(registry.catalogue())["brouwer-pump"] == der.title


def test_result_equals_textbook_exactly(der):
    assert der.check_textbook()
    assert bp.field_zero((der.result - bp.textbook_form()).subs(der.relations))
    assert der.numeric_agreement(samples=20) < 1e-12
    assert sp.count_ops(der.result) <= 1.6 * sp.count_ops(der.textbook)


def test_textbook_check_can_fail(der):
    # the exact test is not vacuous: wrong phase dependence, factor, sign or power of T are refused
    tb = bp.textbook_form()
    T = bp.T
    for wrong in (tb.subs(phi2, -phi2), 2 * tb, -tb, tb.subs(sp.sin(k * d), sp.sin(2 * k * d)), tb / T):
        assert not bp.field_zero((der.result - wrong).subs(der.relations))


def test_transmission_relation_is_the_library_transmission(der):
    T_rel = der.relations[bp.T]
    f = sp.lambdify((e1, e2, k, d), T_rel)
    pump = bp._pump(1.0, 3)
    for x in [(0.3, -1.2), (2.0, 1.0), (11.8, 11.8)]:
        assert float(f(x[0], x[1], 1.0, 3)) == pytest.approx(abs(pump.smatrix(np.array(x))[1, 0]) ** 2, abs=1e-13)


def test_result_is_derived_by_the_library(der):
    S = bp.model()
    again = pm.small_cycle_charge(S, "left", (e1, e2), amplitudes=(A1, A2), phases=(phi1, phi2))
    assert sp.expand(again - der.facts.charge_epsilon_form) == 0
    assert bp.field_zero(again - der.result.subs(der.relations))
    # proportional to the enclosed area pi A1 A2 sin(phi1 - phi2), speed-independent
    rest = sp.cancel(der.result / (A1 * A2 * sp.sin(phi1 - phi2)))
    assert not rest.free_symbols & {A1, A2, phi1, phi2}
    assert der.facts.omega_free is True
    assert sp.Symbol("omega", positive=True) not in der.result.free_symbols
    assert bp.field_zero((rest - sp.pi * der.facts.integrand_left).subs(der.relations))
    assert bp.field_zero((der.facts.integrand_left_T - der.facts.integrand_left).subs(der.relations))
    # clean wire: Q = A1 A2 sin(phi1 - phi2) sin(2kd) / (4 sin^2 k)
    clean = A1 * A2 * sp.sin(phi1 - phi2) * sp.sin(2 * k * d) / (4 * sp.sin(k) ** 2)
    assert sp.simplify(der.facts.clean_wire_charge - clean) == 0


def test_in_phase_and_single_parameter_cycles_pump_nothing(der):
    assert der.facts.in_phase_charge == 0
    assert der.facts.single_parameter_charge == 0
    assert abs(der.facts.back_and_forth_segment) < 1e-14
    assert abs(der.facts.back_and_forth_curve) < 1e-14


def test_charge_conservation_and_stokes(der):
    assert der.facts.integrand_sum == 0
    assert der.facts.stokes_identity == 0
    assert sp.expand(der.facts.integrand_left + der.facts.integrand_right) == 0


def test_friedel_sum_is_negative(der):
    # raising an impurity energy pushes electrons out of the scatterer
    f = sp.lambdify((e1, e2, k, d), [der.facts.friedel_sum_1, der.facts.friedel_sum_2])
    rng = random.Random(3)
    for _ in range(30):
        vals = f(rng.uniform(-4, 4), rng.uniform(-4, 4), rng.uniform(0.05, 3.09), rng.randint(1, 8))
        assert all(v < 0 for v in vals)


def test_quantized_pumping(der):
    q = der.facts.quantized_cycle
    assert abs(q["area"] - q["line"]) < 1e-9
    assert abs(q["right"] + q["line"]) < 1e-12
    assert 0.93 < q["area"] < 0.95
    assert q["area"] < der.facts.larger_square_charge < 1  # tends to one electron
    pump = bp._pump(q["k"], q["d"])
    x = der.facts.resonance_epsilon
    a, b = q["square"]
    assert a < x < b
    assert abs(pump.smatrix(np.array([x, x]))[1, 0]) ** 2 == pytest.approx(1, abs=1e-12)


def test_sign_matches_the_resonant_level_picture():
    # counterclockwise (eps1 up first, then eps2): the level fills through the more transparent
    # left impurity and empties to the right: electrons leave the left reservoir (Q_L > 0)
    pump = bp._pump(1.5, 4)
    assert pump.charge(bp.square(2, 30), "left") > 0.9
    assert pump.charge(bp.square(2, 30).reversed(), "left") < -0.9


def test_independent_cross_check_passes(der):
    rep = der.run_cross_check()
    assert rep.passed and rep.error < 1e-10, rep


def test_lattice_check_passes(der):
    assert der.lattice is bp.lattice_check
    vals = bp.lattice_values()
    rep = bp.lattice_report(vals)
    assert rep.passed and rep.tolerance <= 1e-8, rep
    assert max(abs(r[4] - r[5]) for r in vals["integrand"]) < 1e-8  # Pi to 1e-8
    assert max(abs(r[3] - r[4]) for r in vals["charge"]) < 1e-6  # charge per cycle to 1e-6
    assert max(abs(r[4] - r[5]) for r in vals["friedel"]) < 1e-12
    assert any(abs(r[3]) > 0.9 for r in vals["charge"])  # the quantized cycle is among them


def test_json_result_parses_back(der):
    data = der.as_dict()
    syms = {s.name: s.symbol for s in der.symbols}
    back = parse_expr(data["result"]["expr"], local_dict=syms)
    assert sp.expand(back - der.result) == 0
    assert set(data["symbols"]) == {s.name for s in der.result.free_symbols}


@pytest.mark.parametrize("fmt", ["text", "latex", "json"])
def test_cli_derive(capsys, fmt):
    assert main(["derive", "brouwer-pump", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    if fmt == "json":
        assert json.loads(out)["result"]["lhs"] == "Q"
    elif fmt == "latex":
        assert r"\Pi_{L}" in out and r"\sin{\left(\phi_{1} - \phi_{2} \right)}" in out
    else:
        assert "Result: Q = A1*A2*" in out


def test_cli_lattice_check_reports(capsys):
    assert main(["derive", "brouwer-pump", "--format", "json", "--lattice-check"]) == 0
    data = json.loads(capsys.readouterr()[0])
    rep = data["lattice_check"]
    assert rep["passed"] and rep["error"] < 1e-8 and rep["points"] > 10


def test_cli_eval(capsys):
    assert main(["eval", "brouwer-pump", "A1=1/100", "A2=1/100", "phi1=0", "phi2=-1/2",
                 "epsilon1=0", "epsilon2=0", "k=1", "d=1"]) == 0
    out = capsys.readouterr()[0]
    # clean chain: Pi_L = sin(2kd)/(4 pi sin^2 k), Q = A1 A2 sin(phi1 - phi2) sin(2kd)/(4 sin^2 k)
    expected = 1e-4 * np.sin(0.5) * np.sin(2.0) / (4 * np.sin(1.0) ** 2)
    assert float(out.split("=")[1]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.slow
def test_cli_check_accepts_the_textbook_form(capsys):
    # lbsym.check decides this one numerically (its symbolic attempts give up): ~10 s
    assert main(["check", "brouwer-pump", sp.sstr(bp.textbook_form())]) == 0
    assert main(["check", "brouwer-pump", sp.sstr(-bp.textbook_form())]) == 1

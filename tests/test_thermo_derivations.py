"""The thermo derivations: their physics facts (the catalogue contract covers checks, JSON, CLI)."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.cli import main
from lbsym.constants import e, h, k_B
from lbsym.thermo import Theta


@pytest.fixture(scope="module")
def wf():
    return registry.get("wiedemann-franz")


@pytest.fixture(scope="module")
def tp():
    return registry.get("thermopower")


def test_lorenz_number_and_smooth_law(wf):
    assert wf.facts.lorenz_number == sp.pi**2 * k_B**2 / (3 * e**2)
    T0, T1, T2 = sp.symbols("T0 T1 T2", real=True)
    # an energy-independent T obeys Wiedemann-Franz to this order
    assert wf.result.subs({T1: 0, T2: 0}) == 1


def test_lorenz_ratio_on_resonance_values(wf):
    """The issue's targets, verified: Gamma/(2 k_B Theta) = 0.1, 1, 10 (Gamma the full width)."""
    values = dict(wf.facts.table)
    assert round(float(values[sp.Rational(1, 10)]), 4) == 0.0378
    assert round(float(values[1]), 4) == 0.3081
    assert round(float(values[10]), 4) == 0.9179


def test_resonance_limits_by_two_routes(wf):
    assert wf.facts.c == 64 * sp.pi**2 / 15
    assert sp.expand(wf.facts.low_temperature - wf.facts.low_temperature_sommerfeld) == 0
    assert wf.facts.high_temperature == 6 * sp.Symbol("Gamma", positive=True) / (sp.pi**3 * k_B * Theta)


def test_detuned_ratio_reduces_to_the_resonance_value(wf):
    G = sp.Symbol("Gamma", positive=True)
    d = sp.Symbol("delta", real=True)
    pt = {G: sp.Rational(3, 2), k_B: 1, Theta: sp.Rational(2, 5)}
    a = complex(sp.N(wf.facts.detuned.subs(d, 0).subs(pt), 30))
    b = complex(sp.N(wf.facts.resonance.subs(pt), 30))
    assert abs(a - b) < 1e-25


def test_thermal_conductance_quantum_value():
    d = registry.get("thermal-conductance-quantum")
    assert abs(d.facts.per_kelvin_float - 9.464e-13) < 1e-16
    assert d.facts.boson == d.result == sp.pi**2 * k_B**2 * Theta / (3 * h)


def test_thermopower_facts(tp):
    f = tp.facts
    n = sp.Symbol("n", nonnegative=True, integer=True)
    assert sp.simplify(f.at_step + k_B / e * sp.log(2) / (n + sp.Rational(1, 2))) == 0
    assert f.odd_in_detuning and f.kelvin
    for nv, a_star, s_peak in f.extrema:
        assert abs(a_star - s_peak) < 1e-12                   # a* = |S| e/k_B at the extremum
        assert s_peak > math.log(2) / (nv + 0.5)               # the extremum beats the value at the step
    assert f.extrema[-1][2] / (math.log(2) / 4.5) < 1.01       # ... by less and less as n grows


@pytest.mark.parametrize("name, answer, code", [
    ("wiedemann-franz", "1 + pi^2 (k_B Theta)^2 (8 T0 T2 - 5 T1^2)/(15 T0^2)", 0),
    ("wiedemann-franz", "1 + pi^2 (k_B Theta)^2 (8 T0 T2 + 5 T1^2)/(15 T0^2)", 1),
    ("thermopower", "-pi^2 k_B^2 Theta T1/(3 e T0)", 0),
    ("thermopower", "pi^2 k_B^2 Theta T1/(3 e T0)", 1),
    ("thermal-conductance-quantum", "pi^2 k_B^2 Theta/(3h)", 0),
    ("wiedemann-franz.low_temperature", "1 - 64 pi^2 (k_B Theta/Gamma)^2/15", 0),
    ("thermopower.qpc_at_step", "-(k_B/e) ln(2)/(n + 1/2)", 0),
    ("thermal-conductance-quantum", r"\frac{\pi^2 k_B^2 \Theta}{3h}", 0),
    ("thermal-conductance-quantum", "pi^2 k_B Theta/(3 h)", 1),
])
def test_homework_checker_on_thermo_results(capsys, name, answer, code):
    argv = ["check", name, answer] + (["--latex"] if answer.startswith("\\") else [])
    assert main(argv) == code
    capsys.readouterr()

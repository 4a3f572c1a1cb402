"""Multi-terminal derivations: h-bar-nonlocal, quantum-hall-edges, quantum-spin-hall."""

import numpy as np
import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.constants import e, h

NAMES = ["h-bar-nonlocal", "quantum-hall-edges", "quantum-spin-hall"]


@pytest.fixture(scope="module", params=NAMES)
def d(request):
    return registry.get(request.param)


def test_listed():
    assert set(NAMES) <= set(registry.names())


def test_result_equals_textbook_exactly(d):
    assert d.check_textbook()


def test_lattice_check_passes(d):
    rep = d.lattice_check()
    assert rep is not None and rep.passed, rep


def test_text_and_json_render(d):
    assert d.name in d.text()
    out = d.as_dict()
    assert sp.parse_expr(out["result"]["expr"], local_dict=d.symbol_map) is not None


# ------------------------------------------------------------- h-bar
def T(i, j):
    return sp.Symbol(f"T{i}{j}", positive=True)


def test_hbar_numerator_and_vanishing_condition():
    d = registry.get("h-bar-nonlocal")
    num, den = sp.fraction(sp.factor(d.result * e**2 / h))
    assert sp.expand(num - (T(3, 1) * T(2, 0) - T(3, 0) * T(2, 1))) == 0
    assert sp.expand(d.facts["vanishing_condition"] - num) == 0
    assert d.facts["factorized_numerator"] == 0
    assert d.facts["equal_transmissions_numerator"] == 0
    assert d.facts["classical_resistance"] == 0
    assert d.facts["onsager_difference"] == 0


def test_hbar_denominator_is_any_cofactor():
    """Every 3x3 principal cofactor of -G equals D once the sum rules hold."""
    d = registry.get("h-bar-nonlocal")
    from lbsym.transport import MultiTerminal
    from lbsym.derivations.h_bar_nonlocal import transmission_matrix

    G = MultiTerminal(transmission_matrix()).conductance_matrix()
    den = d.facts["denominator"]
    for a in range(4):
        keep = [x for x in range(4) if x != a]
        D = (-G).extract(keep, keep).det()
        assert sp.cancel(sp.expand(D.subs(d.relations)) - den) == 0


def test_hbar_lattice_numbers():
    from lbsym.derivations.h_bar_nonlocal import lattice_values

    vals = lattice_values()
    for v in vals:
        assert abs(v["solve"] - v["closed"]) < 1e-10
        if v["label"] == "one-site bridge":
            assert abs(v["solve"]) < 1e-12, v
    mirror_multi = [v for v in vals if v["label"].startswith("3-site") and v["mirror"]]
    assert mirror_multi and all(abs(v["solve"]) > 1e-3 for v in mirror_multi)


# ------------------------------------------------------------- quantum Hall
def test_quantum_hall_facts():
    d = registry.get("quantum-hall-edges")
    nu = sp.Symbol("nu", positive=True, integer=True)
    f = d.facts
    assert f["R_xx"] == 0
    assert sp.simplify(f["R_two_terminal"] - h / (nu * e**2)) == 0
    assert sp.simplify(f["R_xy_other_pair"] - h / (nu * e**2)) == 0
    tb = f["gate_textbook"]
    for key, tbkey in [("gate_R_xx", "R_xx"), ("gate_R_xx_upper", "R_xx"), ("gate_R_xy_left", "R_xy"),
                       ("gate_R_xy_right", "R_xy"), ("gate_R_diagonal", "R_diagonal"),
                       ("gate_R_two_terminal", "R_two_terminal")]:
        assert sp.simplify(f[key] - tb[tbkey]) == 0, key
    assert f["onsager_difference"] == 0


def test_quantum_hall_lattice_numbers():
    from lbsym.derivations.quantum_hall_edges import lattice_values

    for v in lattice_values():
        assert v["modes"] == v["nu"]
        assert abs(v["R_xy"] - 1 / v["nu"]) < 1e-6
        assert abs(v["R_xx"]) < 1e-6
        assert abs(v["R_2t"] - 1 / v["nu"]) < 1e-6


# ------------------------------------------------------------- quantum spin Hall
def test_quantum_spin_hall_values():
    d = registry.get("quantum-spin-hall")
    assert d.result == h / (4 * e**2)
    assert d.facts["R_two_terminal"] == 3 * h / (4 * e**2) == d.facts["R_two_terminal_textbook"]
    assert d.facts["R_13_13"] == h / e**2 and d.facts["R_13_24"] == 0
    assert d.facts["hall_bar_R_14_14"] == 3 * h / (2 * e**2)
    assert d.facts["hall_bar_R_14_23"] == h / (2 * e**2)


def test_quantum_spin_hall_lattice_numbers():
    from lbsym.derivations.quantum_spin_hall import lattice_values

    for v in lattice_values():
        assert abs(v["R_14_14"] - 0.75) < 1e-6 and abs(v["R_14_23"] - 0.25) < 1e-6


# ------------------------------------------------------------- voltage probe
def test_voltage_probe():
    d = registry.get("voltage-probe")
    assert d.check_textbook()
    rep = d.run_cross_check()
    assert rep.passed, rep
    T21, T23, T31, T32 = (sp.Symbol(n, positive=True) for n in ("T21", "T23", "T31", "T32"))
    assert sp.simplify(d.facts["incoherent_resistance"] - (1 / T31 + 1 / T32)) == 0
    assert d.facts["probe_decoupled_T31"] == 0
    # the coherent limit is the Fabry-Pérot formula
    T1, T2, R1, R2, k, L = sp.symbols("T1 T2 R1 R2 k L", positive=True)
    a1, a2, b1 = (sp.Symbol(n, real=True) for n in ("alpha1", "alpha2", "beta1"))
    pt = {T1: 0.3, T2: 0.6, R1: 0.7, R2: 0.4, k: 0.9, L: 1.3, a1: 0.2, a2: -0.5, b1: 0.7}
    from lbsym.derivations.fabry_perot import network as fp_network
    from lbsym.numeric import network_smatrix

    b2 = sp.Symbol("beta2", real=True)
    fp = abs(network_smatrix(fp_network(), {**pt, L: 2 * 1.3, b2: 0.0})[1, 0]) ** 2  # barriers 2L apart
    assert abs(float(d.facts["coherent_limit"].subs(pt)) - fp) < 1e-12
    table = d.facts["dephasing_table"]
    peaks = [table[x]["max"] for x in sorted(table)]
    assert abs(peaks[0] - 1) < 1e-12 and all(a > b for a, b in zip(peaks, peaks[1:]))

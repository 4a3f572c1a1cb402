"""Multi-terminal derivations: h-bar-nonlocal, quantum-hall-edges, quantum-spin-hall, voltage-probe."""

import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.constants import e, h











# ------------------------------------------------------------- h-bar
def T(i, j):
    return sp.Symbol(f"T{i}{j}", positive=True)


def test_hbar_numerator_and_vanishing_condition():
    d = registry.get("h-bar-nonlocal")
    num, den = sp.fraction(sp.factor(d.result * e**2 / h))
    assert sp.expand(num - (T(3, 1) * T(2, 0) - T(3, 0) * T(2, 1))) == 0
    assert sp.expand(d.facts.vanishing_condition - num) == 0
    assert d.facts.factorized_numerator == 0
    assert d.facts.equal_transmissions_numerator == 0
    assert d.facts.classical_resistance == 0
    assert d.facts.onsager_difference == 0


def test_hbar_denominator_is_any_cofactor():
    """Every 3x3 principal cofactor of -G equals D once the sum rules hold."""
    d = registry.get("h-bar-nonlocal")
    from lbsym.multiterminal import MultiTerminal
    from lbsym.derivations.h_bar_nonlocal import transmission_matrix

    G = MultiTerminal(transmission_matrix()).conductance_matrix()
    den = d.facts.denominator
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
    assert f.R_xx == 0
    assert sp.simplify(f.R_two_terminal - h / (nu * e**2)) == 0
    assert sp.simplify(f.R_xy_other_pair - h / (nu * e**2)) == 0
    tb = f.gate_textbook
    for key, tbkey in [("gate_R_xx", "R_xx"), ("gate_R_xx_upper", "R_xx"), ("gate_R_xy_left", "R_xy"),
                       ("gate_R_xy_right", "R_xy"), ("gate_R_diagonal", "R_diagonal"),
                       ("gate_R_two_terminal", "R_two_terminal")]:
        assert sp.simplify(getattr(f, key) - tb[tbkey]) == 0, key
    assert f.onsager_difference == 0


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
    assert d.facts.R_two_terminal == 3 * h / (4 * e**2) == d.facts.R_two_terminal_textbook
    assert d.facts.R_13_13 == h / e**2 and d.facts.R_13_24 == 0
    assert d.facts.hall_bar_R_14_14 == 3 * h / (2 * e**2)
    assert d.facts.hall_bar_R_14_23 == h / (2 * e**2)


def test_quantum_spin_hall_lattice_numbers():
    from lbsym.derivations.quantum_spin_hall import lattice_values

    for v in lattice_values():
        assert abs(v["R_14_14"] - 0.75) < 1e-6 and abs(v["R_14_23"] - 0.25) < 1e-6


# ------------------------------------------------------------- voltage probe
@pytest.fixture(scope="module")
def vp():
    return registry.get("voltage-probe")


T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)
EPS = sp.Symbol("epsilon", positive=True)
RHO = sp.Symbol("rho", positive=True)
THETA = sp.Symbol("theta", real=True)
TO_T = {R1: 1 - T1, R2: 1 - T2}


def test_voltage_probe_general_formula(vp):
    assert vp.check_textbook()
    T21, T23, T31, T32 = (sp.Symbol(n, positive=True) for n in ("T21", "T23", "T31", "T32"))
    assert sp.cancel(vp.result - (T21 + T23 * T31 / (T31 + T32))) == 0
    assert sp.cancel(vp.facts.incoherent_resistance - (1 / T31 + 1 / T32)) == 0


def test_voltage_probe_lattice_check_is_tight(vp):
    lat = vp.lattice_check()
    assert lat.passed and lat.tolerance == 1e-10 and lat.points >= 100, lat


def test_voltage_probe_lattice_check_can_fail_and_probe_draws_no_current(vp):
    from lbsym.derivations.voltage_probe import lattice_values

    good = lattice_values(vp.result)
    assert good["probe_current"] < 1e-12 and good["T"] < 1e-10 and good["G"] < 1e-10
    bad = lattice_values(vp.result, perturb=0.1)
    assert bad["T"] > 1e-3 and bad["G"] > 1e-4


def test_voltage_probe_model_factorization_is_exact(vp):
    from lbsym.derivations.voltage_probe import model_transmissions, probe_conductance

    Tm = model_transmissions()
    for key, res in (("buttiker_probe", "one"), ("pure_dephasing", "two")):
        m = getattr(vp.facts, key)
        assert sp.cancel((m["rho"] - (1 - EPS) * sp.sqrt(R1 * R2))) == 0
        direct = probe_conductance(Tm, res)
        structured = m["G"].subs(RHO, m["rho"])
        s1, s2 = sp.symbols("s1 s2", positive=True)
        roots = {R1: s1**2, R2: s2**2}
        diff = sp.cancel((direct - structured).subs(roots).subs({s1: sp.sqrt(1 - T1), s2: sp.sqrt(1 - T2)}))
        assert diff == 0, key


def test_voltage_probe_limits_against_textbook(vp):
    fp = registry.get("fabry-perot").result
    # the decoupled probe is the coherent double barrier
    assert vp.facts.probe_decoupled == 0
    assert sp.cancel((vp.facts.coherent_limit - fp).subs(TO_T)) == 0
    # pure dephasing: <G> is the incoherent series for every coupling, = fabry-perot-average
    pd = vp.facts.pure_dephasing
    assert not pd["average"].has(EPS)
    assert sp.cancel(pd["full_coupling"] - T1 * T2 / (T1 + T2 - T1 * T2)) == 0
    assert sp.cancel(pd["full_coupling"] - registry.get("fabry-perot-average").result) == 0
    # Büttiker's probe: 1/<G> = 1/T1 + 1/T2 - 2(1 - eps)/(2 - eps)
    bp = vp.facts.buttiker_probe
    textbook = 1 / T1 + 1 / T2 - 2 * (1 - EPS) / (2 - EPS)
    assert sp.cancel(1 / bp["average"] - textbook) == 0
    assert sp.cancel(bp["average_resistance"] - textbook) == 0
    assert sp.cancel(bp["full_coupling_resistance"] - (1 / T1 + 1 / T2)) == 0


def test_voltage_probe_dephasing_suppresses_the_resonance(vp):
    table = vp.facts.dephasing_table
    eps_values = sorted(table)
    for res in ("one", "two"):
        peaks = [table[x][res]["resonance"] for x in eps_values]
        dips = [table[x][res]["antiresonance"] for x in eps_values]
        assert abs(peaks[0] - 1) < 1e-12  # symmetric barriers: perfect resonance
        assert all(a > b for a, b in zip(peaks, peaks[1:]))
        assert all(a < b for a, b in zip(dips, dips[1:]))
        assert abs(table[1.0][res]["resonance"] - table[1.0][res]["antiresonance"]) < 1e-12
    avgs = [table[x]["two"]["average"] for x in eps_values]
    assert max(avgs) - min(avgs) < 1e-14  # pure dephasing keeps <G>

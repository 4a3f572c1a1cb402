"""wheatstone-bridge: closed form, balance condition, classical limit, lattice bridge."""

import itertools
import json
import random

import numpy as np
import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.cli import main
from lbsym.constants import e, h
from lbsym.derivations import wheatstone_bridge as wb
from lbsym.multiterminal import MultiTerminal

NAME = "wheatstone-bridge"


@pytest.fixture(scope="module")
def d():
    return registry.get(NAME)


def T(i, j):
    return sp.Symbol(f"T{i}{j}", positive=True)


g1, g2, g3, g4 = wb.G_ARM


# ------------------------------------------------------------------ the closed form
def test_listed_and_renders(d):
    assert NAME in registry.names()
    assert d.name in d.text()
    out = d.as_dict()
    back = sp.parse_expr(out["result"]["expr"], local_dict=d.symbol_map)
    assert sp.expand(back - d.result) == 0


def test_result_equals_textbook_exactly(d):
    assert d.check_textbook()
    assert sp.cancel(sp.together((d.result - d.textbook).subs(d.relations))) == 0
    assert d.numeric_agreement(samples=10) < 1e-12


def test_result_is_compact(d):
    assert sp.count_ops(d.result) <= sp.count_ops(d.textbook)
    # Büttiker's form: one product difference over the cofactor, nothing expanded into the numerator
    num, den = sp.fraction(d.result)
    assert sp.expand(num - h * (T(1, 0) * T(3, 2) - T(1, 2) * T(3, 0))) == 0


def test_balance_condition(d):
    f = d.facts
    assert sp.expand(f.balance_numerator - (T(1, 0) * T(3, 2) - T(1, 2) * T(3, 0))) == 0
    eq = f.balance_condition
    assert {eq.lhs, eq.rhs} == {T(1, 0) * T(3, 2), T(1, 2) * T(3, 0)}
    # on the balance surface the detector voltage vanishes identically
    on = d.result.subs(T(1, 0), T(1, 2) * T(3, 0) / T(3, 2))
    assert sp.cancel(on) == 0


def test_denominator_is_every_cofactor(d):
    G = MultiTerminal(wb.transmission_matrix()).conductance_matrix()
    den = d.facts.denominator
    for a in range(4):
        keep = [x for x in range(4) if x != a]
        D = (-G).extract(keep, keep).det()
        assert sp.cancel(sp.expand(D.subs(d.relations)) - den) == 0


def test_denominator_is_the_spanning_tree_sum(d):
    """Matrix-tree theorem: D = sum over trees grown out of terminal 0 of prod T_{i, parent(i)}.

    (T_{i, parent(i)} is the transmission from the parent to i: the tree carries
    electrons from terminal 0 to every other terminal.)
    """
    total = 0
    for parents in itertools.product(range(4), repeat=3):
        par = dict(zip((1, 2, 3), parents))
        if any(par[i] == i for i in par):
            continue
        ok = True
        for i in par:           # following the parents must reach 0 without a cycle
            seen, x = set(), i
            while x != 0 and ok:
                ok = x not in seen
                seen.add(x)
                x = par[x]
        if ok:
            total += sp.Mul(*[T(i, par[i]) for i in par])
    assert len(sp.Add.make_args(total)) == 16
    assert sp.expand(total - d.facts.denominator) == 0


def test_independent_of_the_grounded_terminal_symbolic(d):
    mt = MultiTerminal(wb.transmission_matrix(), relations=d.relations)
    target = sp.cancel(d.result * e**2 / h)
    for g in range(4):
        currents = {0: -1, 2: 1}
        currents.pop(g, None)
        sol = mt.solve(currents=currents, ground=g)
        assert sp.cancel(sol.voltage(1) - sol.voltage(3) - target) == 0, g
        # the grounded terminal carries exactly the current the conditions leave for it
        assert sp.cancel(sol.current(g) - {0: -1, 2: 1}.get(g, 0)) == 0


# ------------------------------------------------------------------ reciprocity and symmetry
def test_onsager_reciprocity_symbolic(d):
    assert d.facts.onsager_difference == 0


def test_zero_field_balance_symmetric_under_exchange():
    """B = 0 (T_ij = T_ji): R_02,13 = R_13,02, so balance survives exchanging the pairs."""
    S = sp.Matrix(4, 4, lambda i, j: sp.Symbol(f"S{min(i, j)}{max(i, j)}", positive=True) if i != j else 0)
    mt = MultiTerminal(S)
    a = mt.four_terminal_resistance(0, 2, 1, 3)
    b = mt.four_terminal_resistance(1, 3, 0, 2)
    assert sp.cancel(a - b) == 0


def test_mirror_bridge_antisymmetric_and_balanced_without_field(d):
    f = d.facts
    ms = f.mirror_symbols
    assert f.mirror_sum == 0 and f.mirror_zero_field == 0
    num, _ = sp.fraction(sp.factor(f.mirror_resistance))
    assert sp.expand(num - (ms["a"] * ms["d"] - ms["b"] * ms["c"])) == 0
    # the mirror model obeys the sum rules (rows of its conductance matrix sum to zero)
    Tm, _ = wb.mirror_transmissions()
    G = MultiTerminal(Tm).conductance_matrix()
    assert all(sp.expand(sum(G.row(i))) == 0 for i in range(4))


# ------------------------------------------------------------------ classical bridge
def test_classical_reduction_exact(d):
    f = d.facts
    assert sp.cancel(f.classical_resistance - wb.classical_textbook()) == 0
    assert sp.cancel(f.classical_resistance - f.classical_textbook) == 0
    eq, tb = f.classical_balance, wb.classical_balance_textbook()
    assert sp.cancel(eq.lhs - tb.lhs) == 0 and sp.cancel(eq.rhs - tb.rhs) == 0
    # contacts drop out; in conductances the numerator is g1 g4 - g2 g3
    rg = f.classical_resistance_conductances
    assert not (rg.free_symbols & set(wb.C_CON))
    assert sp.cancel(rg.subs({g: 1 / R for g, R in zip(wb.G_ARM, wb.R_ARM)}) - wb.classical_textbook()) == 0


def test_classical_quantum_numerator_is_positive_multiple(d):
    """T10 T32 - T12 T30 of the classical bridge = (positive) x (g1 g4 - g2 g3)."""
    # Delta is the determinant of the internal nodes' block of the 8-terminal conductance matrix
    G8 = MultiTerminal(wb.classical_transmissions()).conductance_matrix()
    det = (-G8).extract([4, 5, 6, 7], [4, 5, 6, 7]).det()
    assert sp.expand(det - d.facts.classical_internal_determinant) == 0
    q = sp.cancel(d.facts.classical_quantum_numerator / (g1 * g4 - g2 * g3))
    n, m = sp.fraction(q)
    for p in (n, m):
        assert all(c > 0 for c in sp.Poly(sp.expand(p), *(wb.G_ARM + wb.C_CON)).coeffs())


def test_general_formula_at_classical_transmissions_is_classical(d):
    """Exact rationals: eliminate the internal nodes, put the effective T_ij into the result."""
    rng = random.Random(3)
    for _ in range(4):
        gs = [sp.Rational(rng.randint(1, 9), rng.randint(1, 9)) for _ in range(4)]
        cs = [sp.Rational(rng.randint(1, 9), rng.randint(1, 9)) for _ in range(4)]
        eff = MultiTerminal(wb.classical_transmissions(gs, cs)).floating_probe_elimination([4, 5, 6, 7])
        Te = eff.transmissions
        sub = {s: Te[int(s.name[1]), int(s.name[2])] for s in d.result.free_symbols - {e, h}}
        got = (d.result * e**2 / h).subs(sub)
        want = wb.classical_textbook().subs({R: 1 / g for R, g in zip(wb.R_ARM, gs)})
        assert got == want
        # and the effective 4-terminal conductor's own solve agrees
        assert eff.four_terminal_resistance(0, 2, 1, 3, units=False) == want


def test_classical_numeric_kirchhoff(d):
    rep = d.run_cross_check()
    assert rep is not None and rep.passed and rep.tolerance == 1e-12, rep
    v = wb.classical_values(d.facts.classical_resistance, d.result)
    assert v["classical"] < 1e-12 and v["general"] < 1e-12 and v["balanced"] < 1e-12


# ------------------------------------------------------------------ lattice bridge
@pytest.fixture(scope="module")
def lat_vals(d):
    return wb.lattice_values(d.result)


def test_lattice_check_passes(d):
    rep = d.lattice_check()
    assert rep is not None and rep.passed and rep.tolerance <= 1e-10, rep
    assert rep.points == len(wb.LATTICE_BRIDGES) * len(wb.LATTICE_ENERGIES) * len(wb.LATTICE_FLUXES)


def test_lattice_closed_form_and_balance(lat_vals):
    for v in lat_vals:
        assert abs(v["solve"] - v["closed"]) < 1e-10, v
        if v["balanced"] and v["flux"] == 0.0:
            assert abs(v["solve"]) < 1e-12, v
    # the asymmetric bridge is not balanced, and a field unbalances the mirror bridges
    assert all(abs(v["solve"]) > 1e-2 for v in lat_vals if v["label"] == "asymmetric" and v["flux"] == 0.0)
    assert all(abs(v["solve"]) > 1e-3 for v in lat_vals if v["balanced"] and v["flux"] != 0.0)


def test_lattice_reciprocity_in_field(lat_vals):
    by = {(v["label"], v["energy"], v["flux"]): v for v in lat_vals}
    nontrivial = 0
    for v in lat_vals:
        w = by[(v["label"], v["energy"], -v["flux"])]
        assert abs(v["solve"] - w["exchanged"]) < 1e-10, v
        nontrivial += abs(v["solve"] - v["exchanged"]) > 1e-3   # the field matters
    assert nontrivial > 0
    # the mirror bridges' detector voltage is odd in the flux
    for v in lat_vals:
        if v["balanced"]:
            assert abs(v["solve"] + by[(v["label"], v["energy"], -v["flux"])]["solve"]) < 1e-12


def test_lattice_reciprocity_random_bridges():
    """R_ij,kl(phi) = R_kl,ij(-phi) for every terminal choice on random lattice bridges."""
    rng = np.random.default_rng(5)
    for _ in range(3):
        arms = [tuple(rng.uniform(-1, 1, size=rng.integers(1, 5))) for _ in range(4)]
        sysb = wb.lattice_bridge(arms)
        E, phi = rng.uniform(-1.8, 1.8), rng.uniform(0.05, 0.45)
        mp = MultiTerminal.from_conductance_matrix(sysb.smatrix(E, {"phi": phi}).conductance_matrix())
        mm = MultiTerminal.from_conductance_matrix(sysb.smatrix(E, {"phi": -phi}).conductance_matrix())
        for i, j, k, l in itertools.permutations(range(4)):
            if i < j and k < l:
                a = mp.four_terminal_resistance(i, j, k, l)
                assert abs(a - mm.four_terminal_resistance(k, l, i, j)) < 1e-10
                assert abs(mp.reciprocity_difference(i, j, k, l, reversed=mm)) < 1e-10


def test_lattice_independent_of_grounded_terminal():
    for label, balanced, E, phi, G in wb.lattice_conductances()[::7]:
        mt = MultiTerminal.from_conductance_matrix(G)
        ref = mt.four_terminal_resistance(0, 2, 1, 3)
        for g in range(4):
            currents = {0: -1.0, 2: 1.0}
            currents.pop(g, None)
            sol = mt.solve(currents=currents, ground=g)
            assert abs(sol.voltage(1) - sol.voltage(3) - ref) < 1e-12


def test_lattice_bridge_is_unitary_and_obeys_sum_rules():
    for label, balanced, E, phi, G in wb.lattice_conductances():
        assert np.max(np.abs(G.sum(axis=0))) < 1e-12 and np.max(np.abs(G.sum(axis=1))) < 1e-12


def test_flux_balances_asymmetric_bridge():
    fb = wb.flux_balance()
    assert 0.0 < fb["flux"] < 0.13
    assert abs(fb["resistance"]) < 1e-12
    a, b = fb["products"]
    assert abs(a - b) < 1e-12 and a > 1e-2


def test_lattice_check_can_fail(d):
    """A wrong closed form (numerator T10 T32 + T12 T30) is caught by the lattice comparison."""
    wrong = d.result.subs(T(1, 2), -T(1, 2))
    vals = wb.lattice_values(wrong)
    assert max(abs(v["solve"] - v["closed"]) for v in vals) > 1e-2


# ------------------------------------------------------------------ command line
def test_cli_lattice_check(capsys):
    assert main(["derive", NAME, "--lattice-check"]) == 0
    out = capsys.readouterr().out
    assert "lattice check: PASS" in out and "Wheatstone bridge" in out
    assert main(["derive", NAME, "--format", "json", "--lattice-check"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lattice_check"]["passed"] and data["lattice_check"]["error"] < 1e-12

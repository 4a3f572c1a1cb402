"""Two-terminal Landauer functions and the MultiTerminal solver."""

import itertools

import numpy as np
import pytest
import sympy as sp

from lbsym import lattice as lat
from lbsym.constants import e, h
from lbsym.errors import LbsymError, ParameterError, ShapeError
from lbsym.scatterers import barrier, y_junction
from lbsym.multiterminal import MultiTerminal
from lbsym.transport import conductance, landauer, resistance


def random_T(modes, seed=0):
    """Transmission matrix of a random unitary S with the given channel numbers."""
    rng = np.random.default_rng(seed)
    n = sum(modes)
    Z = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    Q, R = np.linalg.qr(Z)
    S = Q * (np.diag(R) / abs(np.diag(R)))
    edges = np.cumsum([0] + list(modes))
    T = np.array([[np.sum(abs(S[edges[i]:edges[i + 1], edges[j]:edges[j + 1]]) ** 2)
                   for j in range(len(modes))] for i in range(len(modes))])
    return T


# ------------------------------------------------------------- two-terminal
def test_two_terminal_functions_unchanged():
    T1 = sp.Symbol("T1", positive=True)
    assert conductance(barrier(1)) == 2 * T1 * e**2 / h
    assert sp.simplify(resistance(barrier(1)) - h / (2 * T1 * e**2)) == 0
    assert landauer(3, 1) == 3 * e**2 / h
    with pytest.raises(ParameterError):
        landauer(1, 3)


# ------------------------------------------------------------- conductance matrix
def test_conductance_matrix_sums_symbolic_smatrix():
    mt = MultiTerminal.from_smatrix(y_junction())
    G = mt.conductance_matrix()
    for k in range(3):
        assert sp.simplify(sum(G[:, k])) == 0
        assert sp.simplify(sum(G[k, :])) == 0
    assert mt.leads == ("lead", "arm1", "arm2")
    assert mt.conductance_matrix(units=True)[0, 1] == G[0, 1] * e**2 / h


def test_conductance_matrix_sums_free_symbols_columns():
    T = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"T{i}{j}") if i != j else 0)
    G = MultiTerminal(T).conductance_matrix()
    assert all(sp.expand(sum(G[:, k])) == 0 for k in range(3))


def test_conductance_matrix_from_lattice_and_spin():
    S = lat.hbar(3, 9, 2, 3, field=0.02).smatrix(-1.0)
    mt = MultiTerminal.from_smatrix(S)
    G = np.array(mt.conductance_matrix().tolist(), dtype=float)
    assert np.allclose(G.sum(0), 0, atol=1e-12) and np.allclose(G.sum(1), 0, atol=1e-12)
    assert np.allclose(G, S.conductance_matrix())
    mt2 = MultiTerminal.from_smatrix(S, spin_degeneracy=2)
    assert abs(mt2.two_terminal_resistance(0, 1) * 2 - mt.two_terminal_resistance(0, 1)) < 1e-12


def test_modes_diagonal():
    T = random_T([2, 1, 3], seed=3)
    mt = MultiTerminal(T.tolist(), modes=[2, 1, 3])
    G = np.array(mt.conductance_matrix().tolist(), dtype=float)
    assert np.allclose(G.sum(0), 0) and np.allclose(G.sum(1), 0)


# ------------------------------------------------------------- solutions
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_results_independent_of_ground(seed):
    T = random_T([2, 1, 2, 3], seed=seed)
    mt = MultiTerminal(T.tolist(), modes=[2, 1, 2, 3])
    # current from 0 to 3, the others floating; ground each terminal in turn
    diffs = []
    for g in range(4):
        V = {g: 0.0}
        cur = {i: c for i, c in {0: -1.0, 3: 1.0}.items() if i != g}
        sol = mt.solve(voltages=V, currents=cur)
        v = sol.voltages
        diffs.append([v[a] - v[b] for a, b in itertools.combinations(range(4), 2)])
        assert abs(sum(sol.currents.values())) < 1e-12
        assert abs(sol.currents[0] + 1) < 1e-12 and abs(sol.currents[3] - 1) < 1e-12
    assert np.allclose(diffs, diffs[0], atol=1e-12)


def test_results_independent_of_ground_symbolic():
    eps = sp.Symbol("epsilon", positive=True)
    mt = MultiTerminal.from_smatrix(y_junction())
    a = mt.solve(voltages={"lead": 1}, ground="arm1").voltages
    # shift all voltages: fix lead at 0 and arm1 at -1 (same differences)
    c = mt.solve(voltages={"lead": 0, "arm1": -1}).voltages
    assert sp.simplify((a["arm2"] - a["lead"]) - (c["arm2"] - c["lead"])) == 0


def test_floating_probe_draws_zero_current():
    T = random_T([1, 1, 2], seed=5)
    mt = MultiTerminal(T.tolist(), modes=[1, 1, 2])
    sol = mt.solve(voltages={0: 1.0, 1: 0.0}, floating=[2])
    assert abs(sol.currents[2]) < 1e-14
    G = np.array(mt.conductance_matrix().tolist(), dtype=float)
    V = np.array([sol.voltages[i] for i in range(3)])
    assert abs((G @ V)[2]) < 1e-13
    # symbolic: exactly zero
    mts = MultiTerminal.from_smatrix(y_junction())
    sol = mts.solve(voltages={"arm1": 1}, ground="arm2")
    G = mts.conductance_matrix()
    V = sp.Matrix([sol.voltages[l] for l in mts.leads])
    assert sp.simplify((G * V)[0]) == 0
    assert sol.currents["lead"] == 0


def test_voltage_probe_formula_from_elimination():
    # Büttiker: eliminating a floating probe 3 gives G_eff = T21 + T23 T31/(T31 + T32)
    T21, T31, T32 = sp.symbols("T21 T31 T32", positive=True)
    T = sp.Matrix([[0, T21, T31], [T21, 0, T32], [T31, T32, 0]])
    eff = MultiTerminal(T).floating_probe_elimination([2])
    geff = eff.transmission(1, 0)
    assert sp.simplify(geff - (T21 + T32 * T31 / (T31 + T32))) == 0
    r = MultiTerminal(T).two_terminal_resistance(0, 1, units=False)
    assert sp.simplify(r - 1 / geff) == 0


def test_two_and_four_terminal_helical():
    mt = MultiTerminal([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]])
    assert mt.two_terminal_resistance(0, 3) == sp.Rational(3, 4) * h / e**2
    assert mt.four_terminal_resistance(0, 3, 1, 2, units=False) == sp.Rational(1, 4)


# ------------------------------------------------------------- reciprocity
def lattice_pair(kind, field):
    if kind == "cross":
        sysc = lat.cross(5, 3, field="B")
        return [MultiTerminal.from_smatrix(sysc.smatrix(-1.3, {"B": s * field})) for s in (1, -1)]
    return [MultiTerminal.from_smatrix(lat.hbar(3, 9, 2, 3, field=s * field).smatrix(-0.9)) for s in (1, -1)]


@pytest.mark.parametrize("kind,field", [("cross", 0.05), ("cross", 0.11), ("hbar", 0.04)])
def test_onsager_buttiker_reciprocity_lattice(kind, field):
    plus, minus = lattice_pair(kind, field)
    nontrivial = 0.0
    for i, j, k, l in itertools.permutations(range(4)):
        d = plus.reciprocity_difference(i, j, k, l, reversed=minus)
        assert abs(d) < 1e-10, (i, j, k, l, d)
        nontrivial = max(nontrivial, abs(plus.four_terminal_resistance(i, j, k, l)
                                         - plus.four_terminal_resistance(k, l, i, j)))
        # the default reversed conductor is the transpose (Onsager)
        assert abs(plus.reciprocity_difference(i, j, k, l)) < 1e-10
    assert nontrivial > 1e-4  # the field breaks R_ij,kl = R_kl,ij: the check is not empty


def test_onsager_buttiker_reciprocity_symbolic():
    T = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"T{i}{j}", positive=True) if i != j else 0)
    T01, T10, T02, T20, T12, T21 = (sp.Symbol(n, positive=True) for n in "T01 T10 T02 T20 T12 T21".split())
    rules = {T01: T10 + T12 - T21, T02: T20 + T21 - T12}  # row sum rules
    mt = MultiTerminal(T, relations=rules)
    assert mt.reciprocity_difference(0, 1, 2, 1) == 0
    assert mt.reciprocity_difference(0, 2, 1, 0) == 0


# ------------------------------------------------------------- errors
def test_no_ground_is_an_error():
    mt = MultiTerminal([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]])
    with pytest.raises(ParameterError, match="no ground"):
        mt.solve(currents={0: -1, 1: 1})


def test_conflicting_conditions_name_the_terminal():
    mt = MultiTerminal([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]], leads="abcd")
    with pytest.raises(ParameterError, match="terminal 'b'"):
        mt.solve(voltages={"a": 1, "b": 0}, floating=["b"])
    with pytest.raises(ParameterError, match="terminal 'a'"):
        mt.solve(voltages={"a": 1}, ground="a")
    with pytest.raises(ParameterError, match="no terminal 'z'"):
        mt.solve(voltages={"z": 1})
    with pytest.raises(ParameterError, match="must differ"):
        mt.four_terminal_resistance("a", "a", "b", "c")


def test_floating_island_named():
    T = [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
    mt = MultiTerminal(T)
    with pytest.raises(ParameterError, match=r"floating island.*\[2, 3\]"):
        mt.solve(voltages={0: 1, 1: 0})
    with pytest.raises(ParameterError, match="floating island"):
        mt.four_terminal_resistance(0, 1, 2, 3)
    mtf = MultiTerminal(np.array(T, dtype=float))
    with pytest.raises(ParameterError, match="floating island"):
        mtf.solve(ground=0, currents={1: 1.0})


def test_bad_matrices_rejected():
    with pytest.raises(ShapeError):
        MultiTerminal([[0, 1, 2], [1, 0, 2]])
    with pytest.raises(ParameterError, match="sum rule.*terminal 0"):
        MultiTerminal([[0, 0.5, 0.2], [0.1, 0, 0.3], [0.3, 0.2, 0]])
    with pytest.raises(ParameterError, match="current conservation"):
        MultiTerminal([[0.0, 1.0], [1.0, 0.0]], modes=[1, 2])
    with pytest.raises(ParameterError):
        MultiTerminal.from_smatrix("not an S-matrix")
    with pytest.raises(LbsymError):
        MultiTerminal([[0, 1], [1, 0]]).solve(ground=0, simplify="bogus", currents={1: 1})

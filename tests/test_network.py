"""Network composition: closed forms, unitarity, and bad input."""

import random

import numpy as np
import sympy as sp
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from lbsym import Network, SMatrix, bridge, ring, series
from lbsym.errors import PortError, SingularNetworkError, UnitarityError
from lbsym.numeric import network_smatrix
from lbsym.scatterers import barrier, beam_splitter, propagation, symmetric_barrier, y_junction

x = sp.Symbol("x", positive=True)


def numeric(S: SMatrix, point) -> np.ndarray:
    return np.array(S.matrix.subs(point).evalf(30).tolist(), dtype=complex)


def test_series_of_symmetric_barriers_closed_form():
    S = series(symmetric_barrier(1), symmetric_barrier(2), phases=[x])
    T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)
    # symmetric barriers: r' r = -sqrt(R1 R2), so the round-trip phase is 2x + pi
    assert S.transmission("right", "left") == T1 * T2 / (
        1 + R1 * R2 + 2 * sp.sqrt(R1) * sp.sqrt(R2) * sp.cos(2 * x))


R = lambda name: sp.Symbol(name, real=True)  # noqa: E731


def _series6() -> Network:
    net = Network()
    for i in range(6):
        net.add(f"B{i}", barrier(i))
    for i in range(5):
        net.connect(f"B{i}.right", f"B{i + 1}.left", phase=R(f"p{i}"))
    return net.external("L", "B0.left").external("R", "B5.right")


def _ring4() -> Network:
    net = Network()
    net.add("J1", y_junction(sp.Symbol("e1", positive=True)))
    net.add("J2", y_junction(sp.Symbol("e2", positive=True)))
    net.add("B1", barrier(1)).add("B2", barrier(2))
    net.connect("J1.arm1", "B1.left", phase=R("a"), flux=R("f"))
    net.connect("B1.right", "J2.arm1", phase=R("b"))
    net.connect("J1.arm2", "B2.left", phase=R("c"))
    net.connect("B2.right", "J2.arm2", phase=R("d"))
    return net.external("L", "J1.lead").external("R", "J2.lead")


def _tree3() -> Network:
    net = Network()
    for i in range(3):
        net.add(f"J{i}", y_junction(sp.Symbol(f"e{i}", positive=True)))
    net.connect("J0.arm1", "J1.lead", phase=R("a")).connect("J0.arm2", "J2.lead", phase=R("b"))
    for i, p in enumerate(["J0.lead", "J1.arm1", "J1.arm2", "J2.arm1", "J2.arm2"]):
        net.external(f"L{i}", p)
    return net


NETWORKS = {name: (f(), f().smatrix()) for name, f in
            [("series of 6 barriers", _series6), ("ring with barriers in both arms", _ring4),
             ("tree of 3 junctions, 5 leads", _tree3)]}


_EVALUATORS: dict = {}


def _assumptions(name: str) -> dict:
    return {"positive": True} if name[0] in "TRe" else {"real": True}


def _point(net: Network, S: SMatrix, values: list[float]) -> dict:
    syms = set().union(*[P.free_symbols for P in net.parts.values()])
    for _, _, ph, fl in net.links:
        syms |= ph.free_symbols | fl.free_symbols
    pt = {}
    for sym, u in zip(sorted(syms, key=lambda s: s.name), values):
        if sym.name.startswith("T"):
            pt[sym] = 0.01 + 0.98 * u
        elif sym.name.startswith("e"):
            pt[sym] = 0.005 + 0.49 * u
        elif sym.name.startswith("R"):
            continue
        else:
            pt[sym] = -3 + 6 * u
    for sym in syms:
        if sym.name.startswith("R"):
            pt[sym] = 1 - pt[sp.Symbol("T" + sym.name[1:], positive=True)]
    return pt


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(NETWORKS)),
       values=st.lists(st.floats(0, 1), min_size=40, max_size=40))
def test_composed_networks_are_unitary_and_match_numeric_solve(name, values):
    net, S = NETWORKS[name]
    pt = _point(net, S, values)
    f = _EVALUATORS.setdefault(name, S.evaluator())
    M = np.array(f(**{a: pt[sp.Symbol(a, **_assumptions(a))] for a in f.args}), dtype=complex)
    assert np.allclose(M.conj().T @ M, np.eye(len(M)), atol=1e-10)
    assert np.allclose(M, network_smatrix(net, pt), atol=1e-10)
    T = np.abs(M) ** 2
    assert np.all(T <= 1 + 1e-12)


def test_ring_is_even_in_flux_and_periodic():
    th, phi = sp.symbols("theta phi", real=True)
    T = ring(y_junction(), y_junction(), th, th, phi).transmission("right", "left")
    assert sp.expand(T.subs(phi, -phi) - T) == 0
    assert sp.expand(T.subs(phi, phi + 2 * sp.pi) - T) == 0


def test_bridge_needs_four_arms_and_junctions():
    with pytest.raises(PortError, match="four arms and four junctions"):
        bridge([barrier(1)], barrier(5), [y_junction()])


def test_beam_splitter_network():
    net = Network()
    net.add("BS", beam_splitter(1))
    net.connect("BS.3", "BS.1", phase=x)
    net.external("in", "BS.2").external("out", "BS.4")
    S = net.smatrix()
    assert S.is_unitary()


# --------------------------------------------------------------- bad input
def test_connecting_a_port_twice():
    net = Network().add("A", barrier(1)).add("B", barrier(2)).add("C", barrier(3))
    net.connect("A.right", "B.left")
    with pytest.raises(PortError, match="already connected"):
        net.connect("A.right", "C.left")


def test_dangling_port():
    net = Network().add("A", barrier(1)).add("B", barrier(2))
    net.connect("A.right", "B.left").external("L", "A.left")
    with pytest.raises(PortError, match="dangling ports.*B.right"):
        net.smatrix()


def test_unknown_part_and_port():
    net = Network().add("A", barrier(1))
    with pytest.raises(PortError, match="no part named 'Z'"):
        net.connect("Z.left", "A.left")
    with pytest.raises(PortError, match="has no port 'up'"):
        net.external("L", "A.up")


def test_non_unitary_part_refused():
    with pytest.raises(UnitarityError, match="part 'bad'"):
        Network().add("bad", SMatrix([[0.5, 0.5], [0.5, 0.5]]))


def test_closed_network_without_exit():
    net = Network().add("A", barrier(1)).add("P", propagation(x))
    net.connect("P.left", "P.right")
    net.external("L", "A.left").external("R", "A.right")
    with pytest.raises(SingularNetworkError, match="no exit"):
        net.smatrix()


def test_bound_state_in_the_continuum():
    # a decoupled junction (epsilon = 0): the ring's arms close on themselves
    net = Network().add("J", y_junction(0))
    net.connect("J.arm1", "J.arm2")
    net.external("L", "J.lead")
    with pytest.raises(SingularNetworkError, match="never leaks to any lead"):
        net.smatrix()


# ------------------------------------------------ exact normal forms (issue 10)
from lbsym.algebra import PolarAlgebra  # noqa: E402
from lbsym.numeric import evaluator  # noqa: E402
from lbsym.scatterers import lattice_impurity  # noqa: E402

EPS = sp.Symbol("epsilon", positive=True)
TH = [sp.Symbol(f"theta{i}", real=True) for i in range(3)]


def dead_end() -> SMatrix:
    """A totally reflecting end (r = -1): what closes a stub."""
    return SMatrix([[-1]], ["end"])


def random_network(data) -> Network:
    """2-5 scatterers joined into a connected network with at most one extra loop;
    two or three free ports become leads, the others are closed by dead ends."""
    kinds = data.draw(st.lists(st.sampled_from(["barrier", "symmetric", "junction", "junction_q"]),
                               min_size=2, max_size=5), label="kinds")
    net = Network()
    free: list[str] = []
    for i, kind in enumerate(kinds):
        name = f"P{i}"
        if kind == "barrier":
            net.add(name, barrier(i))
        elif kind == "symmetric":
            net.add(name, symmetric_barrier(i))
        elif kind == "junction":
            net.add(name, y_junction(EPS))
        else:
            net.add(name, y_junction(sp.Rational(4, 9)))
        ports = [f"{name}.{lead}" for lead in net.parts[name].leads]
        if i:
            a = data.draw(st.sampled_from(free), label="attach")
            b = data.draw(st.sampled_from(ports), label="port")
            net.connect(a, b, phase=data.draw(st.sampled_from([0] + TH), label="phase"))
            free.remove(a)
            ports.remove(b)
        free += ports
    if len(free) >= 4 and data.draw(st.booleans(), label="loop"):
        a, b = free[0], free[-1]
        net.connect(a, b, phase=TH[0], flux=TH[1])
        free = free[1:-1]
    n_leads = min(len(free), data.draw(st.integers(2, 3), label="leads"))
    for k, p in enumerate(free):
        if k < n_leads:
            net.external(f"L{k}", p)
        else:
            name = f"E{k}"
            net.add(name, dead_end())
            net.connect(p, f"{name}.end", phase=TH[2])
    return net


def _exactly_equal(a: sp.Expr, b: sp.Expr, relations: dict) -> bool:
    alg = PolarAlgebra([a, b], relations, reduce_roots=True, trig_phases=True)
    return alg.to_field(a) == alg.to_field(b)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_elimination_order_gives_the_same_exact_result(data):
    """Every entry equal, decided exactly in the field (normal forms modulo the relations).

    Identical *printed* forms are not guaranteed yet: see the strict xfail below."""
    net = random_network(data)
    try:
        S = net.smatrix()
    except SingularNetworkError:  # e.g. a stub decoupled by a junction: a bound state
        return
    order = data.draw(st.permutations(range(len(net.links))), label="order")
    S2 = net.smatrix(order=order)
    relations = dict(S.relations)
    for a, b in zip(S.matrix, S2.matrix):
        assert a == b or _exactly_equal(a, b, relations)


def _dead_end_junctions():
    """Four symbolic-epsilon junctions with dead ends (found by hypothesis)."""
    th = [sp.Symbol(f"theta{i}", real=True) for i in range(3)]
    eps = sp.Symbol("epsilon", positive=True)
    net, free = Network(), []
    links = {1: ("P0.arm2", "P1.lead", th[1]), 2: ("P0.lead", "P2.arm2", 0), 3: ("P1.arm2", "P3.arm2", 0)}
    for i in range(4):
        name = f"P{i}"
        net.add(name, y_junction(eps))
        ports = [f"{name}.{lead}" for lead in net.parts[name].leads]
        if i:
            a, b, ph = links[i]
            net.connect(a, b, phase=ph)
            free.remove(a)
            ports.remove(b)
        free += ports
    for k, p in enumerate(free):
        if k < 2:
            net.external(f"L{k}", p)
        else:
            net.add(f"E{k}", SMatrix([[-1]], ["end"]))
            net.connect(p, f"E{k}.end", phase=th[2])
    return net


@pytest.mark.xfail(strict=True, reason=(
    "issue 10, open: a common factor of numerator and denominator that exists only modulo the "
    "root relations (sqrt(1 - 2 epsilon)^2 = 1 - 2 epsilon) is not cancelled, so two elimination "
    "orders can give the same value in two forms; canonical forms need the denominators "
    "rationalized in the root generators before the gcd"))
def test_known_counterexample_to_identical_canonical_forms():
    net = _dead_end_junctions()
    S, S2 = net.smatrix(), net.smatrix(order=[3, 4, 2, 1, 5, 6, 0])
    assert _exactly_equal(S.matrix[1, 0], S2.matrix[1, 0], dict(S.relations))  # same value ...
    assert S2.matrix == S.matrix  # ... in one form: fails today


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_composed_networks_are_exactly_unitary_in_the_ring(data):
    net = random_network(data)
    try:
        S = net.smatrix()
    except SingularNetworkError:
        return
    E = S.exact_form()
    alg, n = E.alg, E.size
    for a in range(n):
        for b in range(n):
            acc = sum((alg.conj(E(i, a)) * E(i, b) for i in range(n)), alg.zero)
            assert (acc - (1 if a == b else 0)).is_zero()  # decided exactly, no sampling
    for lead in S.leads:  # 0 <= T <= 1 numerically, at a random admissible point
        T = S.transmission(lead, S.leads[0])
        pt = S.random_point(random.Random(3))
        pt.update({s: 0.4 for s in T.free_symbols if s not in pt})
        assert -1e-12 <= float(T.subs(pt)) <= 1 + 1e-12


def test_mirror_network_gives_the_same_transmission_exactly():
    """Reversed left-right (every part mirrored, the chain read from the other end):
    T(L -> R) of the mirror is T(R -> L) of the original, which unitarity makes T(L -> R)."""
    swap = {"left": "right", "right": "left"}
    parts = [("A", barrier(1)), ("B", symmetric_barrier(2)), ("C", barrier(3, time_reversal=False))]

    def build(parts, mirror):
        net = Network()
        for name, S in parts:
            net.add(name, S.relabelled(swap) if mirror else S)
        names = [name for name, _ in parts]
        a, b = ("left", "right") if not mirror else ("right", "left")
        net.connect(f"{names[0]}.{b}", f"{names[1]}.{a}", phase=TH[0])
        net.connect(f"{names[1]}.{b}", f"{names[2]}.{a}", phase=TH[1])
        return net.external("L", f"{names[0]}.{a}").external("R", f"{names[2]}.{b}")

    S = build(parts, False).smatrix()
    M = build(parts, True).smatrix()  # same chain, its ports read the other way
    assert _exactly_equal(S.transmission("R", "L"), M.transmission("L", "R"), S.relations)
    assert _exactly_equal(S.transmission("R", "L"), S.transmission("L", "R"), S.relations)
    assert M["R", "L"] == S["R", "L"]  # the same amplitude, built from relabelled parts: identical form


def test_three_barriers_print_without_vanishing_terms():
    S = series(barrier(1), barrier(2), barrier(3), phases=TH[:2])
    T = S.transmission("right", "left")
    T2 = sp.Symbol("T2", positive=True)
    R1, R3 = sp.symbols("R1 R3", positive=True)
    # sqrt(R1) R2 sqrt(R3) + sqrt(R1) sqrt(R3) T2 = sqrt(R1 R3): T2 is gone from the
    # denominator, which the normal form writes with the R's only
    assert T2 not in sp.fraction(T)[1].free_symbols
    assert sp.count_ops(T) <= 80
    assert T.has(sp.sqrt(R1) * sp.sqrt(R3))


def test_side_coupled_resonator_prints_without_vanishing_terms():
    net = Network().add("J", y_junction(EPS)).add("B", barrier(1)).add("E", dead_end())
    net.connect("J.lead", "B.left", phase=TH[0]).connect("B.right", "E.end", phase=TH[1])
    net.external("L", "J.arm1").external("R", "J.arm2")
    S = net.smatrix()
    T = S.transmission("R", "L")
    T1, R1 = sp.symbols("T1 R1", positive=True)
    # no (1 - R1 - T1) factors: substituting the relation changes nothing structural
    assert not any(sp.expand(f.subs(R1, 1 - T1)) == 0 for f in sp.preorder_traversal(T)
                   if isinstance(f, sp.Add))
    pt = {T1: 0.3, R1: 0.7, EPS: 0.2, TH[0]: 0.4, TH[1]: 1.1,
          sp.Symbol("alpha1", real=True): 0.3, sp.Symbol("beta1", real=True): -0.5}
    M = network_smatrix(net, pt)
    assert abs(float(T.subs(pt)) - abs(M[1, 0]) ** 2) < 1e-12


def test_ring_with_a_barrier_in_one_arm_has_no_vanishing_factor():
    net = Network().add("J1", y_junction(EPS)).add("J2", y_junction(EPS)).add("B", barrier(1))
    net.connect("J1.arm1", "B.left", phase=TH[0]).connect("B.right", "J2.arm1", phase=TH[0])
    net.connect("J1.arm2", "J2.arm2", phase=TH[1], flux=TH[2])
    net.external("L", "J1.lead").external("R", "J2.lead")
    S = net.smatrix()
    T1, R1 = sp.symbols("T1 R1", positive=True)
    for expr in (S["R", "L"], S.transmission("R", "L")):
        assert not any(sp.expand(f.subs(R1, 1 - T1)) == 0 for f in sp.preorder_traversal(expr)
                       if isinstance(f, sp.Add))


def test_expressions_vanishing_by_unitarity_reduce_to_zero():
    B = barrier(1)
    E = B.exact_form()
    alg = E.alg
    # |r|^2 + |t|^2 - 1 and r^* t' + t^* r' vanish only modulo R = 1 - T
    assert (E(0, 0) * alg.conj(E(0, 0)) + E(1, 0) * alg.conj(E(1, 0)) - 1).n == alg.ring.zero
    assert not (alg.conj(E(0, 0)) * E(0, 1) + alg.conj(E(1, 0)) * E(1, 1)).n


def _networks():
    """benchmarks/networks.py: the networks the composition benchmark times."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "networks.py"
    spec = importlib.util.spec_from_file_location("lbsym_benchmark_networks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = _networks()
_chain = EXAMPLES.chain


@pytest.mark.parametrize("make", [lambda: _chain(8), EXAMPLES.ring_symmetric, EXAMPLES.impurities],
                         ids=["chain of 8 barriers", "ring with a symmetric barrier", "three impurities"])
def test_large_results_evaluate_like_a_numeric_linear_solve(make):
    net = make()
    S = net.smatrix()
    T = S.transmission("R", "L")
    f = evaluator(T)
    rng = random.Random(7)
    syms = set().union(*[P.free_symbols for P in net.parts.values()])
    for _, _, ph, fl in net.links:
        syms |= ph.free_symbols | fl.free_symbols
    worst = 0.0
    for _ in range(6):
        pt = {}
        for s in syms:
            if s.name.startswith("T"):
                pt[s] = rng.uniform(0.05, 0.95)
            elif s.name == "epsilon":
                pt[s] = rng.uniform(0.05, 0.45)
            elif s.name == "k":
                pt[s] = rng.uniform(0.2, 2.9)
            elif not s.name.startswith("R"):
                pt[s] = rng.uniform(-3, 3)
        for s in syms:
            if s.name.startswith("R"):
                pt[s] = 1 - pt[sp.Symbol("T" + s.name[1:], positive=True)]
        M = network_smatrix(net, pt)
        lead_r = [i for i, (lead, _) in enumerate(net.leads) if lead == "R"][0]
        lead_l = [i for i, (lead, _) in enumerate(net.leads) if lead == "L"][0]
        val = f(**{a: pt[[s for s in syms if s.name == a][0]] for a in f.args})
        worst = max(worst, abs(float(np.real(val)) - abs(M[lead_r, lead_l]) ** 2))
    assert worst < 1e-10


def test_order_must_list_every_connection():
    net = _chain(3)
    with pytest.raises(PortError, match="every connection index"):
        net.smatrix(order=[0])


def test_two_lattice_impurities_come_out_in_lowest_terms():
    """2i sin k is (e^{ik} - e^{-ik}): the pivot of the elimination carries a factor
    (e^{2ik} - 1) of the numerator, which the final gcd cancels."""
    k = sp.Symbol("k", positive=True)
    e1, e2 = sp.symbols("e1 e2", real=True)
    net = Network().add("A", lattice_impurity(e1, k)).add("B", lattice_impurity(e2, k))
    net.connect("A.right", "B.left", phase=2 * k).external("L", "A.left").external("R", "B.right")
    T = net.smatrix().transmission("R", "L")
    num, den = sp.fraction(T)
    assert num == 4 * sp.sin(k) ** 2
    assert not den.has(sp.sin(k) ** 2)
    for vals in ((0.7, 0.4, -1.1), (2.2, -0.3, 0.9)):
        pt = dict(zip((k, e1, e2), vals))
        M = network_smatrix(net, pt)
        assert abs(float(T.subs(pt)) - abs(M[1, 0]) ** 2) < 1e-12


def _bridge_network(eps) -> Network:
    """The network bridge() builds (same parts, names and links), for numpy's solve."""
    net = Network()
    for i in range(4):
        net.add(f"J{i}", y_junction(eps))
    for name, i in zip(["Ain", "Aout", "Bin", "Bout"], range(1, 5)):
        net.add(name, barrier(i))
    net.add("C", barrier(5))
    net.connect("J0.arm1", "Ain.left").connect("Ain.right", "J1.arm1")
    net.connect("J1.arm2", "Aout.left").connect("Aout.right", "J3.arm1")
    net.connect("J0.arm2", "Bin.left").connect("Bin.right", "J2.arm1")
    net.connect("J2.arm2", "Bout.left").connect("Bout.right", "J3.arm2")
    net.connect("J1.lead", "C.left").connect("C.right", "J2.lead")
    return net.external("left", "J0.lead").external("right", "J3.lead")


def test_bridge_of_general_barriers_evaluates_like_a_numeric_linear_solve():
    """bridge() of five general barriers (issue 10's case, with epsilon = 4/9 to keep
    the test short): its printed T at random points against numpy's solve of the
    same network, and a unitary S at those points."""
    eps = sp.Rational(4, 9)
    S = bridge([barrier(i) for i in range(1, 5)], barrier(5), [y_junction(eps) for _ in range(4)])
    T = S.transmission("right", "left")
    f = evaluator(T)
    net = _bridge_network(eps)
    syms = {s.name: s for P in net.parts.values() for s in P.free_symbols}
    assert set(f.args) <= set(syms)
    rng = random.Random(11)
    worst = 0.0
    for _ in range(3):
        pt = {}
        for name, s in syms.items():
            if name.startswith("T"):
                pt[s] = rng.uniform(0.05, 0.95)
            elif not name.startswith("R"):
                pt[s] = rng.uniform(-3, 3)
        for name, s in syms.items():
            if name.startswith("R"):
                pt[s] = 1 - pt[syms["T" + name[1:]]]
        M = network_smatrix(net, pt)
        assert np.allclose(M.conj().T @ M, np.eye(2), atol=1e-10)
        val = f(**{a: pt[syms[a]] for a in f.args})
        worst = max(worst, abs(float(np.real(val)) - abs(M[1, 0]) ** 2))
    assert worst < 1e-10


@pytest.mark.parametrize("make", [lambda: _chain(3), EXAMPLES.ab_barriers, EXAMPLES.ring_symmetric,
                                  EXAMPLES.impurities],
                         ids=["chain of 3", "AB ring with barriers", "ring, symmetric barrier", "impurities"])
def test_flint_elimination_gives_the_sympy_rings_normal_forms(make, monkeypatch):
    """The elimination in FLINT polynomials (FlintFreeAlgebra, with its eager rules)
    and in sympy's polynomials (PolarAlgebra(free=True)) give identical entries."""
    import lbsym.network as network

    flint_S = make().smatrix()
    monkeypatch.setattr(network, "_FLINT", False)
    sympy_S = make().smatrix()
    assert flint_S.matrix == sympy_S.matrix

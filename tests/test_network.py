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

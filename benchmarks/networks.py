"""Networks a user builds, shared by benchmarks/composition.py and tests/test_network.py.

composition.py pastes this file's text into cold child processes, also run against
an older engine (a git worktree), so it imports only what every engine version has.
"""

import sympy as sp
from lbsym import Network, bridge
from lbsym.scatterers import barrier, symmetric_barrier, y_junction, lattice_impurity

def chain(n):
    net = Network()
    for i in range(1, n + 1):
        net.add(f"B{i}", barrier(i))
    for i in range(1, n):
        net.connect(f"B{i}.right", f"B{i + 1}.left", phase=sp.Symbol(f"phi{i}", real=True))
    return net.external("L", "B1.left").external("R", f"B{n}.right")

TH = sp.symbols("theta1 theta2 phi", real=True)
EPS = sp.Symbol("epsilon", positive=True)

def ab_barriers():
    th1, th2, phi = TH
    net = Network().add("J1", y_junction(EPS)).add("J2", y_junction(EPS))
    net.add("B1", barrier(1)).add("B2", barrier(2))
    net.connect("J1.arm1", "B1.left", phase=th1, flux=phi / 4).connect("B1.right", "J2.arm1", phase=th1, flux=phi / 4)
    net.connect("J1.arm2", "B2.left", phase=th2, flux=-phi / 4).connect("B2.right", "J2.arm2", phase=th2, flux=-phi / 4)
    return net.external("L", "J1.lead").external("R", "J2.lead")

def ring_symmetric():
    th1, th2, phi = TH
    net = Network().add("J1", y_junction(EPS)).add("J2", y_junction(EPS)).add("B", symmetric_barrier(1))
    net.connect("J1.arm1", "B.left", phase=th1, flux=phi / 4).connect("B.right", "J2.arm1", phase=th1, flux=phi / 4)
    net.connect("J1.arm2", "J2.arm2", phase=th2, flux=-phi / 2)
    return net.external("L", "J1.lead").external("R", "J2.lead")

def impurities():
    k = sp.Symbol("k", positive=True)
    e = sp.symbols("epsilon1:4", real=True)
    net = Network()
    for name, ei in zip("ABC", e):
        net.add(name, lattice_impurity(ei, k))
    net.connect("A.right", "B.left", phase=3 * k).connect("B.right", "C.left", phase=5 * k)
    return net.external("L", "A.left").external("R", "C.right")

"""aharonov-bohm-ring: two-arm ring between Büttiker junctions (seed 1162389)."""

from __future__ import annotations

import random

import sympy as sp

from ..constants import Phi0 as Phi0_expr
from ..derivation import Derivation, Part, Step, SymbolInfo, register
from ..network import Network
from ..numeric import network_smatrix
from ..scatterers import y_junction
from ._common import sampled_check

eps = sp.Symbol("epsilon", positive=True)
theta = sp.Symbol("theta", real=True)
theta1, theta2 = sp.symbols("theta1 theta2", real=True)
phi = sp.Symbol("phi", real=True)
Phi = sp.Symbol("Phi", real=True)
Phi0 = sp.Symbol("Phi0", positive=True)
T = sp.Symbol("T", positive=True)


def network(arm1=theta, arm2=theta, flux=phi) -> Network:
    net = Network()
    net.add("J1", y_junction(eps)).add("J2", y_junction(eps))
    net.connect("J1.arm1", "J2.arm1", phase=arm1, flux=flux / 2)
    net.connect("J1.arm2", "J2.arm2", phase=arm2, flux=-flux / 2)
    net.external("L", "J1.lead").external("R", "J2.lead")
    return net


@register("aharonov-bohm-ring", "Aharonov-Bohm ring: flux-periodic transmission")
def build() -> Derivation:
    J = y_junction(eps)
    S_general = network(theta1, theta2).smatrix()
    T_general = S_general.transmission("R", "L")
    S = network().smatrix()
    t = S["R", "L"]
    T_phi = S.transmission("R", "L")
    result = T_phi.subs(phi, 2 * sp.pi * Phi / Phi0)
    period = sp.expand(result.subs(Phi, Phi + Phi0) - result) == 0
    even = sp.expand(result.subs(Phi, -Phi) - result) == 0
    s = sp.sqrt(1 - 2 * eps)
    a, b = (s - 1) / 2, (s + 1) / 2
    ph = 2 * sp.pi * Phi / Phi0
    textbook = (4 * eps**2 * sp.cos(ph / 2) ** 2 * sp.sin(theta) ** 2
                / (((1 - eps) * sp.cos(2 * theta) - a**2 - b**2 * sp.cos(ph)) ** 2
                   + eps**2 * sp.sin(2 * theta) ** 2))
    net = network()

    def sample(rng: random.Random):
        return {eps: rng.uniform(0.01, 0.49), theta: rng.uniform(-3, 3),
                Phi: rng.uniform(-2, 2), Phi0: 1.0}

    def closed(p):
        return float(result.subs(p).evalf(20))

    def independent(p):
        q = {eps: p[eps], theta: p[theta], phi: 2 * 3.141592653589793 * p[Phi] / p[Phi0]}
        return abs(network_smatrix(net, q)[1, 0]) ** 2

    return Derivation(
        name="aharonov-bohm-ring",
        title="Aharonov-Bohm ring: flux-periodic transmission",
        topic="Aharonov-Bohm effect in a one-channel ring",
        symbols=(
            SymbolInfo(eps, "coupling of the leads to the ring at each junction", "0 < epsilon < 1/2"),
            SymbolInfo(theta, "phase k l accumulated along each arm (equal arms)", "real"),
            SymbolInfo(Phi, "magnetic flux through the ring", "real"),
            SymbolInfo(Phi0, "flux quantum h/e", "Phi0 = h/e"),
        ),
        steps=(
            Step("Each junction is Büttiker's symmetric three-way splitter (ports lead, arm1, arm2):", J.matrix),
            Step("The arms carry phases theta1, theta2 and the vector potential adds +phi/2 along "
                 "arm 1 and -phi/2 along arm 2, phi = 2 pi Phi/Phi0. Composing the ring in closed form:",
                 sp.Eq(T, T_general)),
            Step("For equal arms (theta1 = theta2 = theta) the transmission amplitude is",
                 sp.Eq(sp.Symbol("t"), t)),
            Step("and the transmission probability, with phi = 2 pi Phi/Phi0, Phi0 = h/e,",
                 sp.Eq(T, result)),
            Step("It depends on Phi only through cos(2 pi Phi/Phi0): T(Phi + h/e) = T(Phi) "
                 f"({'verified' if period else 'NOT verified'}) and T(-Phi) = T(Phi) "
                 f"({'verified' if even else 'NOT verified'}, Onsager for two terminals).", None),
        ),
        lhs=T,
        result=result,
        textbook=textbook,
        reference="Büttiker, Imry, Azbel, Phys. Rev. A 30, 1982 (1984); Gefen, Imry, Azbel, "
                  "Phys. Rev. Lett. 52, 129 (1984); Datta (1995), exercise E.3.7",
        ranges={eps: (0, sp.Rational(1, 2))},
        parts={"unequal_arms": Part(sp.Symbol("T"), T_general, "transmission with arms of unequal length")},
        facts={"period_h_over_e": period, "even_in_flux": even, "T_unequal_arms": T_general,
               "Phi0": Phi0_expr},
        cross_check=lambda: sampled_check(
            "numeric linear solve of the ring network (numpy)", closed, independent, sample,
            points=30),
    )

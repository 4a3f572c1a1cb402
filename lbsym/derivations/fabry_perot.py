"""fabry-perot: two barriers in series, resonant transmission (seed 1162408)."""

from __future__ import annotations

import random

import numpy as np
import sympy as sp

from ..algebra import polar_parts
from ..derivation import Derivation, Part, Step, SymbolInfo, register
from ..network import Network
from ..numeric import network_smatrix
from ..scatterers import barrier
from ._common import barrier_symbols, sampled_check

k = sp.Symbol("k", positive=True)
L = sp.Symbol("L", positive=True)
theta = sp.Symbol("theta", real=True)
T = sp.Symbol("T", positive=True)
T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)


def network() -> Network:
    net = Network()
    net.add("B1", barrier(1)).add("B2", barrier(2))
    net.connect("B1.right", "B2.left", phase=k * L)
    net.external("L", "B1.left").external("R", "B2.right")
    return net


@register("fabry-perot", "Fabry-Pérot double barrier: resonant transmission")
def build() -> Derivation:
    B1, B2 = barrier(1), barrier(2)
    net = network()
    S = net.smatrix()
    t = S["R", "L"]
    T_kL = S.transmission("R", "L")
    # the round trip between the barriers: r1' e^{ikL} r2 e^{ikL}
    roundtrip = B1["right", "right"] * B2["left", "left"] * sp.exp(2 * sp.I * k * L)
    mod, phase = polar_parts(roundtrip)
    k_of_theta = sp.solve(sp.Eq(phase, theta), k)[0]
    result = T_kL.subs(k, k_of_theta)
    # resonance: theta = 0 (mod 2 pi)
    T_res = sp.factor(result.subs(theta, 0))
    x = sp.Symbol("x", positive=True)  # x = sqrt(R1 R2)
    cond = sp.numer(sp.together(T_res - 1)).subs(sp.sqrt(R1) * sp.sqrt(R2), x)
    cond = sp.expand(cond.subs({R1: 1 - T1, R2: 1 - T2}))
    x_sol = sp.solve(cond, x)
    resonance_condition = sp.factor(
        sp.numer(sp.together(x_sol[0] ** 2 - (1 - T1) * (1 - T2)))
    )
    textbook = T1 * T2 / (1 + R1 * R2 - 2 * sp.sqrt(R1 * R2) * sp.cos(theta))

    def closed(p):
        th = float(phase.subs({**p, k: p[k]}).evalf())
        return float(result.subs({**p, theta: th}).evalf(20))

    def independent(p):
        Snum = network_smatrix(net, p)
        return abs(Snum[1, 0]) ** 2

    def sample(rng: random.Random):
        t1, t2 = rng.uniform(0.02, 0.98), rng.uniform(0.02, 0.98)
        return {T1: t1, T2: t2, R1: 1 - t1, R2: 1 - t2,
                sp.Symbol("alpha1", real=True): rng.uniform(-3, 3),
                sp.Symbol("alpha2", real=True): rng.uniform(-3, 3),
                sp.Symbol("beta1", real=True): rng.uniform(-3, 3),
                sp.Symbol("beta2", real=True): rng.uniform(-3, 3),
                k: rng.uniform(0.1, 3), L: rng.uniform(0.5, 5)}

    return Derivation(
        name="fabry-perot",
        title="Fabry-Pérot double barrier: resonant transmission",
        topic="Resonant tunnelling",
        symbols=tuple(barrier_symbols(1, 2) + [
            SymbolInfo(theta, "round-trip phase between the barriers, 2kL + reflection phases", "real"),
            SymbolInfo(k, "wave number", "k > 0"),
            SymbolInfo(L, "distance between the barriers", "L > 0"),
        ]),
        steps=(
            Step("Each barrier i is a general unitary two-port in polar form, "
                 "r = sqrt(R) e^{i alpha}, t = t' = sqrt(T) e^{i beta}, r' = -sqrt(R) e^{i(2 beta - alpha)}.",
                 B1.matrix),
            Step("Composing the two barriers a distance L apart (all multiple reflections summed "
                 "in closed form) gives the transmission amplitude", sp.Eq(sp.Symbol("t"), t)),
            Step("Its modulus squared is", sp.Eq(T, T_kL)),
            Step("The round trip between the barriers, r1' r2 e^{2ikL}, has modulus sqrt(R1 R2) "
                 "and phase theta:", sp.Eq(theta, phase)),
            Step("In terms of the round-trip phase theta:", sp.Eq(T, result)),
            Step("On resonance (theta = 0 mod 2 pi) the transmission is", sp.Eq(T, T_res)),
            Step("T = 1 on resonance requires sqrt(R1 R2) = 1 - (T1 + T2)/2, and squaring "
                 "with R = 1 - T leaves the condition", sp.Eq(resonance_condition, 0)),
        ),
        lhs=T,
        result=result,
        textbook=textbook,
        reference="Datta, Electronic Transport in Mesoscopic Systems (1995), sec. 3.4; "
                  "Büttiker, IBM J. Res. Dev. 32, 63 (1988)",
        relations={R1: 1 - T1, R2: 1 - T2},
        ranges={T1: (0, 1), T2: (0, 1)},
        parts={"resonance": Part(sp.Symbol("T_res"), T_res, "transmission on resonance (theta = 0)")},
        facts={"resonance_transmission": T_res, "resonance_condition": resonance_condition},
        cross_check=lambda: sampled_check(
            "numeric linear solve of the two-barrier network (numpy)",
            closed, independent, sample, points=30),
    )

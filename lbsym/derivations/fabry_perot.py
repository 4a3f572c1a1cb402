"""fabry-perot: two barriers in series, resonant transmission (seed 1162408)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..algebra import polar_parts
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..network import Network
from ..numeric import evaluator, network_smatrix
from ..scatterers import barrier
from ._common import barrier_symbols, sampled_check
from ._lattice import by_name, impurity_amplitudes, interior_k, two_impurity_network

k = sp.Symbol("k", positive=True)
L = sp.Symbol("L", positive=True)
theta = sp.Symbol("theta", real=True)
T = sp.Symbol("T", positive=True)
T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: T at theta = 0 (mod 2 pi)
    resonance_transmission: sp.Expr
    #: the polynomial whose vanishing makes T = 1 on resonance
    resonance_condition: sp.Expr
    #: theta = arg(r1' r2 e^{2ikL}) in the barriers' phases, k and L
    round_trip_phase: sp.Expr


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

    return Derivation(
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
        facts=Facts(resonance_transmission=T_res, resonance_condition=resonance_condition,
                    round_trip_phase=phase),
    )


def cross_check(der: Derivation) -> CheckReport:
    """The derived T(theta) at theta = arg(r1' r2 e^{2ikL}) vs |t|^2 of a numeric linear
    solve of the same two-barrier network at random barriers, phases and k L."""
    net = network()
    f_T = evaluator(der.result)
    f_phase = evaluator(der.facts.round_trip_phase)

    def closed(p):
        return f_T.at({**p, theta: f_phase.at(p)})

    def independent(p):
        return abs(network_smatrix(net, p)[1, 0]) ** 2

    def sample(rng: random.Random):
        t1, t2 = rng.uniform(0.02, 0.98), rng.uniform(0.02, 0.98)
        return {T1: t1, T2: t2, R1: 1 - t1, R2: 1 - t2,
                sp.Symbol("alpha1", real=True): rng.uniform(-3, 3),
                sp.Symbol("alpha2", real=True): rng.uniform(-3, 3),
                sp.Symbol("beta1", real=True): rng.uniform(-3, 3),
                sp.Symbol("beta2", real=True): rng.uniform(-3, 3),
                k: rng.uniform(0.1, 3), L: rng.uniform(0.5, 5)}

    return sampled_check("numeric linear solve of the two-barrier network (numpy)",
                         closed, independent, sample, points=30)


# ------------------------------------------------------------------ lattice check
_FP_SETS = ((0.5, -0.3, 3), (1.2, 0.7, 7), (-0.8, -0.8, 1), (2.0, 1.5, 12), (0.3, -1.1, 25))


def lattice_check(der: Derivation) -> CheckReport:
    """Two impurities eps1 (site 0), eps2 (site d) on a chain.

    Closed forms: (a) the complex 2x2 S-matrix of lbsym's Network of two
    :func:`lattice_impurity` S-matrices joined by the phase k d; (b) the
    derivation's T(T1, T2, R1, R2, theta) with T_i = |t_i|^2, R_i = |r_i|^2 and
    theta = arg(r1' r2 e^{2ikd}) from the same impurity amplitudes.
    Lattice: ``lattice.chain({0: eps1, d: eps2})``.
    """
    from .. import lattice as lat
    f_net = two_impurity_network()
    amp = impurity_amplitudes()
    f_T = by_name(der.result, ("T1", "T2", "R1", "R2", "theta"))
    ks = interior_k(60)
    worst_S = worst_T = 0.0
    pts = 0
    for e1, e2, d in _FP_SETS:
        c1, c2 = e1, e2
        sys_ = lat.chain({0: e1, d: e2})
        S_net = np.asarray(f_net(c1, c2, ks, d), dtype=complex)  # (2, 2, nk)
        r1, t1 = amp(c1, ks)
        r2, t2 = amp(c2, ks)
        theta = np.angle(r1 * r2 * np.exp(2j * ks * d))  # r1' = r1 for the impurity
        T_der = f_T(abs(t1) ** 2, abs(t2) ** 2, abs(r1) ** 2, abs(r2) ** 2, theta)
        for i, k in enumerate(ks):
            S = sys_.smatrix(-2 * math.cos(k))
            worst_S = max(worst_S, float(np.abs(S.data - S_net[:, :, i]).max()))
            worst_T = max(worst_T, abs(S.transmission(1, 0) - float(T_der[i])))
            pts += 1
    return CheckReport(
        method=("lattice.chain({0: eps1, d: eps2}) vs (a) complex S of lbsym Network of two "
                "lattice_impurity S-matrices joined by phase k d and (b) the derivation's "
                "T(T1, T2, R1, R2, theta), theta = arg(r1' r2 e^{2ikd}); "
                f"{len(_FP_SETS)} (eps1, eps2, d) sets x {len(ks)} k in [0.05, pi - 0.05]; "
                f"max |dS| = {worst_S:.2e}, max |dT| = {worst_T:.2e}"),
        error=max(worst_S, worst_T),
        points=pts,
        tolerance=1e-10,
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    f = evaluator(der.result)
    th = np.linspace(-2 * np.pi, 2 * np.pi, 801)
    lines = []
    for t1, t2 in [(0.5, 0.5), (0.2, 0.2), (0.2, 0.8)]:
        y = f(R1=1 - t1, R2=1 - t2, T1=t1, T2=t2, theta=th)
        lines.append((rf"$T_1={t1}$, $T_2={t2}$", th, y))
    return dict(xlabel=r"round-trip phase $\theta$ (rad)", ylabel=r"transmission $T$",
                title="Fabry-Pérot double barrier", lines=lines, points=[])

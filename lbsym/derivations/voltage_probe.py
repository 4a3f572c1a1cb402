"""voltage-probe: Büttiker's dephasing voltage probe (seed 1162435).

Three terminals: 1 (left), 2 (right), 3 a floating voltage probe.  The probe
draws no net current, so every electron it absorbs is re-emitted with a
random phase: a model of inelastic scattering/dephasing.  Convention
(DESIGN.md): I_i = (e^2/h) sum_j [T_ij V_j - T_ji V_i], spin-resolved.
"""

from __future__ import annotations

import random

import numpy as np
import sympy as sp

from ..derivation import Derivation, Step, SymbolInfo, register
from ..network import Network
from ..numeric import network_smatrix
from ..scatterers import barrier, y_junction
from ..transport import MultiTerminal
from ._common import barrier_symbols, sampled_check

NAME = "voltage-probe"
TITLE = "Büttiker voltage probe: dephasing, from coherent to incoherent transport"
G_eff = sp.Symbol("G_eff")
eps = sp.Symbol("epsilon", positive=True)
k = sp.Symbol("k", positive=True)
L = sp.Symbol("L", positive=True)


def Tsym(i: int, j: int) -> sp.Symbol:
    return sp.Symbol(f"T{i}{j}", positive=True)


def general_transmissions() -> sp.Matrix:
    return sp.Matrix(3, 3, lambda i, j: Tsym(i + 1, j + 1) if i != j else 0)


def sum_rules() -> dict:
    T = general_transmissions()
    eqs = [sum(T[i, j] - T[j, i] for j in range(3)) for i in range(2)]
    elim = [Tsym(1, 2), Tsym(1, 3)]
    (sol,) = sp.linsolve(eqs, elim)
    return dict(zip(elim, sol))


def network() -> Network:
    """Two barriers with a probe coupled (Y-junction, coupling epsilon) between them."""
    net = Network()
    net.add("B1", barrier(1)).add("Y", y_junction()).add("B2", barrier(2))
    net.connect("B1.right", "Y.arm1", phase=k * L).connect("Y.arm2", "B2.left", phase=k * L)
    net.external("1", "B1.left").external("2", "B2.right").external("3", "Y.lead")
    return net


def _geff_numeric(Tn: np.ndarray) -> float:
    """Floating probe by the numeric MultiTerminal solve: G = I/V with V_1 = 1, V_2 = 0."""
    mt = MultiTerminal(np.asarray(Tn, dtype=float).tolist(), modes=[1, 1, 1])
    sol = mt.solve(voltages={0: 1.0, 1: 0.0}, floating=[2])
    return sol.currents[1]


@register(NAME, TITLE)
def build() -> Derivation:
    T = general_transmissions()
    rules = sum_rules()
    mt = MultiTerminal(T, relations=rules, leads=(1, 2, 3))
    eff = mt.floating_probe_elimination([3])
    result = sp.factor(eff.transmission(2, 1))
    r2t = mt.two_terminal_resistance(1, 2, units=False)
    textbook = Tsym(2, 1) + Tsym(2, 3) * Tsym(3, 1) / (Tsym(3, 1) + Tsym(3, 2))
    net = network()
    S = net.smatrix()
    Tm = S.transmission_matrix()  # leads "1", "2", "3"
    coherent_limit = sp.cancel(Tm[1, 0].subs(eps, 0))
    probe_decoupled = Tm[2, 0].subs(eps, 0)
    # fully incoherent: nothing passes coherently (T21 = 0), time-reversal symmetric (T23 = T32)
    incoherent = sp.factor(1 / result.subs(Tsym(2, 1), 0).subs(Tsym(2, 3), Tsym(3, 2)))
    free = sorted(Tm.free_symbols, key=lambda s: s.name)
    Tf = sp.lambdify(free, Tm, "numpy")
    gf = sp.lambdify(sorted(result.free_symbols, key=lambda s: s.name), result, "numpy")
    gnames = sorted(result.free_symbols, key=lambda s: s.name)

    def closed(p):
        Tn = np.array(Tf(*[p[s] for s in free]), dtype=float)
        if Tn[2, 0] + Tn[2, 1] < 1e-14:  # probe decoupled
            return float(Tn[1, 0])
        args = {Tsym(i + 1, j + 1): Tn[i, j] for i in range(3) for j in range(3) if i != j}
        return float(gf(*[args[s] for s in gnames]))

    def independent(p):
        Sn = network_smatrix(net, p)
        Tn = np.abs(Sn) ** 2
        return _geff_numeric(Tn)

    alpha = [sp.Symbol(f"{a}{i}", real=True) for a in ("alpha", "beta") for i in (1, 2)]
    T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)

    def sample(rng: random.Random):
        t1, t2 = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
        p = {T1: t1, T2: t2, R1: 1 - t1, R2: 1 - t2, eps: rng.uniform(0.0, 0.5),
             k: rng.uniform(0.1, 3), L: rng.uniform(0.5, 5)}
        p.update({a: rng.uniform(-3, 3) for a in alpha})
        return p

    # dephasing: the resonance of two T = 0.2 barriers, on and off resonance, and averaged
    def geff_at(e_val, kl):
        p = {T1: 0.2, T2: 0.2, R1: 0.8, R2: 0.8, eps: e_val, k: kl, L: 1.0}
        p.update({a: 0.0 for a in alpha})
        return closed(p)

    grid = np.linspace(0, np.pi, 200, endpoint=False)
    table = {}
    for e_val in (0.0, 0.05, 0.2, 0.5):
        vals = [geff_at(e_val, x) for x in grid]
        table[e_val] = {"max": max(vals), "min": min(vals),
                        "mean_resistance": float(np.mean([1 / v for v in vals]))}
    return Derivation(
        name=NAME,
        title=TITLE,
        topic="Dephasing by a voltage probe (seed problem 1162435)",
        symbols=tuple([SymbolInfo(Tsym(i, j), f"transmission from terminal {j} to terminal {i}", "T >= 0")
                       for i in (1, 2, 3) for j in (1, 2, 3) if i != j]
                      + barrier_symbols(1, 2)
                      + [SymbolInfo(eps, "coupling of the probe (Y-junction epsilon)", "0 <= epsilon <= 1/2"),
                         SymbolInfo(k, "wave number", "k > 0"),
                         SymbolInfo(L, "distance barrier-junction", "L > 0")]),
        steps=(
            Step("Three terminals: 1, 2 and a voltage probe 3.  Conductance matrix (columns sum to "
                 "zero; the unitarity sum rules fix T12, T13):", mt.conductance_matrix()),
            Step("The probe is floating, I_3 = 0, so V_3 = (T31 V1 + T32 V2)/(T31 + T32).  The "
                 "library eliminates it (Schur complement of the conductance matrix):",
                 eff.conductance_matrix()),
            Step("Effective transmission from 1 to 2: the coherent part plus the part that passes "
                 "through the probe and is re-emitted, split in the ratio T23 : T13.",
                 sp.Eq(G_eff, result)),
            Step("The two-terminal resistance in units of h/e^2 is its inverse:", r2t),
            Step("Fully incoherent limit: nothing is transmitted coherently (T21 = 0) and, without a "
                 "field, T23 = T32.  Then the resistances of the two sections add in series, "
                 "1/G_eff = 1/T31 + 1/T32:", sp.Eq(1 / G_eff, incoherent)),
            Step("Model: two barriers with a probe coupled between them by a Y-junction of coupling "
                 "epsilon (Büttiker 1988).  At epsilon = 0 the probe decouples (T31 = 0) and the "
                 "coherent Fabry-Pérot transmission is recovered:", sp.Eq(sp.Symbol("T21"), coherent_limit)),
            Step("As epsilon grows, a fraction of the electrons enters the probe and returns with a "
                 "random phase: the resonance peak drops from 1 (facts['dephasing_table'], "
                 "T1 = T2 = 0.2).  The Y-junction also backscatters (its arm-to-arm transmission is "
                 "((1 + sqrt(1 - 2 epsilon))/2)^2), so at epsilon = 1/2 the model is not the bare "
                 "barriers' series resistance; the general formula above is the statement that holds."),
        ),
        lhs=G_eff,
        result=result,
        textbook=textbook,
        reference="Büttiker, PRB 33, 3020 (1986); Büttiker, IBM J. Res. Dev. 32, 63 (1988); "
                  "Datta, Electronic Transport in Mesoscopic Systems (1995), sec. 3.5",
        relations=rules,
        ranges={**{s: (0, 1) for s in T.free_symbols}, eps: (0, 0.5)},
        facts={"coherent_limit": coherent_limit, "probe_decoupled_T31": probe_decoupled,
               "incoherent_resistance": incoherent, "dephasing_table": table,
               "model_transmissions": Tm},
        cross_check=lambda: sampled_check(
            "numeric linear solve of the barrier-probe-barrier network (numpy), floating probe "
            "solved numerically by MultiTerminal, vs the closed form with the network's T_ij",
            closed, independent, sample, points=25),
    )

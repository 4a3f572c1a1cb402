"""spin-valve: two ferromagnetic barriers at an angle theta, G(theta) and Jullière's TMR.

Model: one orbital channel, two spins.  Barrier i is magnetized along n_i; for a
spin along n_i it is a left-right symmetric barrier with transmission T_iu (up)
or T_id (down), r = i sqrt(R) e^{i beta}, t = sqrt(T) e^{i beta}, the reflection
phase the same for both spins (the tunnelling limit of any strong barrier: a
delta or lattice impurity of strength Z reflects with r -> -1 for either spin).
n_1 = z, n_2 = (sin theta, 0, cos theta); the barriers are joined by a spacer of
orbital phase phi = k L.  The 4-port spin S-matrix is composed by the library;
the magnetization angle enters through C_theta = cos^2(theta/2) (and
S_theta = sin^2(theta/2) = 1 - C_theta), the squared overlaps of the two spin
bases.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..averages import phase_average
from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..network import Network
from ..numeric import evaluator, network_smatrix
from ..scatterers import lattice_impurity, symmetric_barrier
from ..smatrix import SMatrix

theta = sp.Symbol("theta", real=True)
phi = sp.Symbol("phi", real=True)
C_theta, S_theta = sp.symbols("C_theta S_theta", positive=True)
P1, P2 = sp.symbols("P1 P2", real=True)
T1, T2 = sp.symbols("T1 T2", positive=True)  # T_i = T_iu + T_id
G, TMR = sp.Symbol("G", positive=True), sp.Symbol("TMR", real=True)
SPIN = ("up", "down")
TS = {(i, s): sp.Symbol(f"T{i}{s[0]}", positive=True) for i in (1, 2) for s in SPIN}
RS = {(i, s): sp.Symbol(f"R{i}{s[0]}", positive=True) for i in (1, 2) for s in SPIN}
#: barrier transmissions written with the total T_i and the polarization P_i
TO_P = {TS[i, "up"]: (T1 if i == 1 else T2) * (1 + (P1 if i == 1 else P2)) / 2 for i in (1, 2)}
TO_P.update({TS[i, "down"]: (T1 if i == 1 else T2) * (1 - (P1 if i == 1 else P2)) / 2 for i in (1, 2)})


def ferromagnetic_barrier(i: int, rotated: bool) -> SMatrix:
    """The 4-port spin S-matrix of barrier ``i``, ports (left|right, 0, up|down).

    Not rotated: magnetized along z (the leads' spin axis).  Rotated: along
    (sin theta, 0, cos theta); the spin basis of the barrier is then
    (c, s), (-s, c) with c = sqrt(C_theta) = cos(theta/2), s = sqrt(S_theta).
    """
    Bu, Bd = symmetric_barrier(f"{i}u"), symmetric_barrier(f"{i}d")
    Sx = sp.zeros(4, 4)
    for a in range(2):
        for b in range(2):
            Sx[2 * a, 2 * b] = Bu.matrix[a, b]
            Sx[2 * a + 1, 2 * b + 1] = Bd.matrix[a, b]
    relations = {**Bu.relations, **Bd.relations}
    if rotated:
        c, s = sp.sqrt(C_theta), sp.sqrt(S_theta)
        W = sp.diag(sp.Matrix([[c, -s], [s, c]]), sp.Matrix([[c, -s], [s, c]]))
        Sx = W * Sx * W.T
        relations[S_theta] = 1 - C_theta
    ports = [(lead, 0, s) for lead in ("left", "right") for s in SPIN]
    return SMatrix(Sx, ports, relations=relations, ranges={**Bu.ranges, **Bd.ranges})


def network() -> Network:
    net = Network()
    net.add("F1", ferromagnetic_barrier(1, False)).add("F2", ferromagnetic_barrier(2, True))
    net.connect("F1.right", "F2.left", phase=phi)
    net.external("L", "F1.left").external("R", "F2.right")
    return net


def _leading_order(expr: sp.Expr) -> sp.Expr:
    """The tunnelling limit: T_is -> x T_is, R_is = 1 - x T_is, lowest order in x."""
    x = sp.Symbol("x", positive=True)
    num, den = sp.fraction(sp.together(expr))
    scale = {TS[k]: x * TS[k] for k in TS}
    scale.update({sp.sqrt(RS[k]): sp.sqrt(1 - x * TS[k]) for k in RS})
    scale.update({RS[k]: 1 - x * TS[k] for k in RS})
    lead = []
    for part in (num, den):
        p = sp.series(part.subs(scale), x, 0, 3).removeO()
        order = min(sp.Poly(p, x).monoms())[0]
        lead.append((sp.expand(p.coeff(x, order)), order))
    (n, kn), (d, kd) = lead
    if kn - kd != 2:  # two barriers: T ~ x^2
        raise ArithmeticError(f"spin-valve: the tunnelling limit is of order x^{kn - kd}, not x^2")
    return sp.factor(n) / sp.factor(d)


def _collinear_average(i_spin: str, j_spin: str) -> sp.Expr:
    """Phase-averaged transmission of the spin channel that meets barrier 1 as ``i_spin``
    and barrier 2 as ``j_spin`` (collinear magnetizations: the channels decouple)."""
    net = Network()
    net.add("B1", symmetric_barrier(f"1{i_spin[0]}")).add("B2", symmetric_barrier(f"2{j_spin[0]}"))
    net.connect("B1.right", "B2.left", phase=phi)
    net.external("L", "B1.left").external("R", "B2.right")
    T_phi = net.smatrix().transmission("R", "L")
    psi = sp.Symbol("psi", real=True)  # psi = 2 phi: period 2 pi
    point = {TS[k]: 0.3 + 0.2 * n for n, k in enumerate(TS)}
    point.update({RS[k]: 1 - point[TS[k]] for k in RS})
    avg = phase_average(T_phi.subs(phi, psi / 2), psi, point)
    rel = {RS[k]: 1 - TS[k] for k in RS}
    pt = {TS[k]: point[TS[k]] for k in TS}

    def root(a: sp.Expr) -> sp.Expr:
        # sqrt((1 - R1 R2)^2) = |1 - R1 R2| = 1 - R1 R2 > 0 on the whole admissible
        # domain (0 < R < 1): the sign is decided at the point
        f = sp.factor(a.base)
        if f.is_Pow and f.exp == 2:
            r = f.base if f.base.subs(pt) > 0 else -f.base
            return r ** (2 * a.exp)
        return a

    avg = avg.subs(rel).replace(lambda a: a.is_Pow and abs(a.exp) == sp.Rational(1, 2), root)
    avg = avg.replace(lambda a: isinstance(a, sp.Abs),
                      lambda a: a.args[0] if a.args[0].subs(pt) > 0 else -a.args[0])
    return _positive_form(avg)


def _positive_form(x: sp.Expr) -> sp.Expr:
    """num/den factored, with the signs a paper writes (T1 + T2 - T1 T2, not -(...))."""
    num, den = sp.fraction(sp.cancel(sp.together(x)))
    num, den = sp.factor(num), sp.factor(den)
    if den.could_extract_minus_sign():
        num, den = sp.factor(-num), sp.factor(sp.expand(-den))
    return num / den


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: G/(e^2/h) of the coherent spin valve, in C_theta = cos^2(theta/2)
    coherent: sp.Expr
    #: its tunnelling limit in the barriers' spin-resolved transmissions
    tunnelling: sp.Expr
    #: the tunnelling limit with T_i = T_iu + T_id and P_i = (T_iu - T_id)/T_i
    tunnelling_polarized: sp.Expr
    #: phase-averaged G/(e^2/h), parallel and antiparallel magnetizations
    incoherent_parallel: sp.Expr
    incoherent_antiparallel: sp.Expr
    #: the TMR of the phase-averaged (incoherent) valve
    incoherent_tmr: sp.Expr


@register("spin-valve", "Spin valve: G(theta) of two ferromagnetic barriers and Jullière's TMR")
def build() -> Derivation:
    net = network()
    S = net.smatrix()
    coherent = S.transmission("R", "L")
    tunnel = _leading_order(coherent)
    tunnel_theta = sp.factor(sp.expand(tunnel.subs(C_theta, (1 + sp.cos(theta)) / 2)))
    # the Fabry-Pérot factor in u = cos(2 phi): cos(4 phi) = 2u^2 - 1, then (1 + u) cancels
    u = sp.Symbol("u", real=True)
    in_u = tunnel_theta.subs(TO_P).subs(sp.cos(4 * phi), 2 * u**2 - 1).subs(sp.cos(2 * phi), u)
    tunnel_P = sp.factor(sp.cancel(sp.together(in_u))).subs(u, sp.cos(2 * phi))
    G_par, G_anti = tunnel.subs(C_theta, 1), tunnel.subs(C_theta, 0)
    tmr_T = sp.cancel((G_par - G_anti) / G_anti)
    num, den = sp.fraction(sp.factor(sp.cancel(tmr_T.subs(TO_P))))
    if num.could_extract_minus_sign():  # 2 P1 P2/(1 - P1 P2), as printed in papers
        num, den = -num, sp.expand(-den)
    result = num / den
    inc_par = _collinear_average("up", "up") + _collinear_average("down", "down")
    inc_anti = _collinear_average("up", "down") + _collinear_average("down", "up")
    inc_tmr = _positive_form((inc_par - inc_anti) / inc_anti)
    textbook = 2 * P1 * P2 / (1 - P1 * P2)
    syms = [SymbolInfo(TS[i, s], f"transmission of barrier {i} for spin {s} along its magnetization",
                       "0 < T < 1") for i in (1, 2) for s in SPIN]
    return Derivation(
        topic="Spin-dependent transport",
        symbols=tuple(syms + [
            SymbolInfo(theta, "angle between the two magnetizations", "real"),
            SymbolInfo(C_theta, "cos^2(theta/2), overlap of the two spin bases", "0 <= C_theta <= 1"),
            SymbolInfo(phi, "orbital phase k L across the spacer", "real"),
            SymbolInfo(P1, "polarization (T1u - T1d)/(T1u + T1d) of barrier 1", "-1 < P1 < 1"),
            SymbolInfo(P2, "polarization (T2u - T2d)/(T2u + T2d) of barrier 2", "-1 < P2 < 1"),
            SymbolInfo(T1, "T1u + T1d", "T1 > 0"),
            SymbolInfo(T2, "T2u + T2d", "T2 > 0"),
        ]),
        steps=(
            Step("Barrier 2, magnetized along (sin theta, 0, cos theta): in the leads' spin basis its "
                 "S-matrix is W S W^T, W the spin rotation by theta (c = cos(theta/2), s = sin(theta/2)):",
                 ferromagnetic_barrier(2, True).matrix),
            Step("Composing the two barriers across the spacer (phase phi) in closed form, the "
                 "transmission summed over spins, G = (e^2/h) T, is",
                 sp.Eq(G / (e**2 / h), sp.expand(sp.numer(coherent)) / sp.expand(sp.denom(coherent)))),
            Step("Tunnelling limit (every T small; both spins reflect with the same phase): "
                 "to lowest order the spin structure factorizes from the Fabry-Pérot denominator,",
                 sp.Eq(G / (e**2 / h), tunnel_theta)),
            Step("With T_i = T_iu + T_id and the polarizations P_i = (T_iu - T_id)/T_i this is "
                 "G = G_bar (1 + P1 P2 cos theta):", sp.Eq(G / (e**2 / h), tunnel_P)),
            Step("Parallel (theta = 0) against antiparallel (theta = pi): the phase factor cancels and "
                 "the tunnelling magnetoresistance (G_P - G_AP)/G_AP is Jullière's", sp.Eq(TMR, result)),
            Step("Phase-averaged over phi instead (an incoherent spacer), each collinear spin channel is "
                 "two resistors in series; parallel and antiparallel:",
                 (sp.Eq(sp.Symbol("G_P"), inc_par), sp.Eq(sp.Symbol("G_AP"), inc_anti))),
        ),
        lhs=TMR,
        result=result,
        textbook=textbook,
        reference="Jullière, Phys. Lett. A 54, 225 (1975); Slonczewski, PRB 39, 6995 (1989); "
                  "Brataas, Nazarov, Bauer, PRL 84, 2481 (2000)",
        relations={**{RS[k]: 1 - TS[k] for k in RS}, S_theta: 1 - C_theta},
        ranges={**{TS[k]: (0, 1) for k in TS}, C_theta: (0, 1), P1: (-1, 1), P2: (-1, 1)},
        parts={"tunnelling": Part(G / (e**2 / h), tunnel_P, "G(theta) in the tunnelling limit"),
               "coherent": Part(G / (e**2 / h), coherent, "G of the coherent valve at any transmission"),
               "incoherent_tmr": Part(sp.Symbol("TMR_inc"), inc_tmr,
                                      "TMR of the phase-averaged (incoherent) valve")},
        facts=Facts(coherent=coherent, tunnelling=tunnel, tunnelling_polarized=tunnel_P,
                    incoherent_parallel=inc_par, incoherent_antiparallel=inc_anti, incoherent_tmr=inc_tmr),
    )


def _numeric_tmr(net: Network, t: dict, phase: float) -> float:
    """(G_P - G_AP)/G_AP of a numpy solve of the spin network at transmissions ``t``."""
    def g(c):
        vals = {**{TS[k]: v for k, v in t.items()}, **{RS[k]: 1 - v for k, v in t.items()},
                C_theta: c, S_theta: 1 - c, phi: phase}
        M = network_smatrix(net, vals)
        return float(np.sum(np.abs(M[2:, :2]) ** 2))
    gp, gap = g(1.0), g(0.0)
    return (gp - gap) / gap


def cross_check(der: Derivation) -> CheckReport:
    """Numpy solve of the spin network (no symbolic elimination) with every transmission
    scaled by x = 1e-6: its TMR vs the derived Jullière form at P_i of the barriers, and the
    convergence of the difference ~ x (relative error at x = 1e-6 below 1e-4)."""
    f = evaluator(der.result)
    net = network()
    rng = random.Random(5)
    worst, pts = 0.0, 0
    for _ in range(12):
        t = {k: rng.uniform(0.1, 1.0) for k in TS}
        ph = rng.choice([-1, 1]) * rng.uniform(0.3, 1.2)  # away from resonance (cos phi = 0)
        p = {P1: (t[1, "up"] - t[1, "down"]) / (t[1, "up"] + t[1, "down"]),
             P2: (t[2, "up"] - t[2, "down"]) / (t[2, "up"] + t[2, "down"])}
        closed = float(f.at(p))
        x = 1e-6
        num = _numeric_tmr(net, {k: x * v for k, v in t.items()}, ph)
        worst = max(worst, abs(num - closed) / max(abs(closed), 1e-3))
        pts += 1
    return CheckReport("numpy linear solve of the 4-port spin network, transmissions scaled by 1e-6, "
                       "parallel vs antiparallel: TMR against the derived formula (relative)",
                       worst, pts, 1e-4, kind="relative")


def lattice_check(der: Derivation) -> CheckReport:
    """Spinful chain, two strong magnetic impurities (U_i + J_i n_i.sigma) at sites 0 and d:
    n_2 parallel or antiparallel to n_1, lattice TMR vs the derived Jullière form with P_i
    from the library's lattice_impurity transmissions at U_i +- J_i; n_2 at an angle theta
    (non-collinear), lattice G(theta)/G_bar vs the derived tunnelling G(theta)/G_bar.  The limit assumes
    spin-independent reflection phases; an impurity of strength U reflects with
    r = -1 + O(1/U), i.e. the phases of the two spins differ by O(sqrt(T)), so the
    lattice approaches the limit as sqrt(T): tolerance 10 sqrt(max T)."""
    from .. import lattice as lat

    f = evaluator(der.result)
    g_theta = evaluator(der.parts["tunnelling"].expr)
    k_s = sp.Symbol("k", positive=True)
    eps_s = sp.Symbol("eps", real=True)
    t_imp = evaluator(sp.Abs(lattice_impurity(eps_s, k_s)["right", "left"]) ** 2)
    sz = np.diag([1.0, -1.0])
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    worst, pts, tmax = 0.0, 0, 0.0
    for (U1, J1, U2, J2, d) in [(3000.0, 1000.0, 2500.0, 600.0, 3), (4000.0, -1500.0, 3000.0, 1200.0, 5)]:
        for kk in np.linspace(0.3, math.pi - 0.3, 9):
            if abs(1 - np.exp(2j * kk * d)) < 0.5:  # near a resonance of the spacer
                continue
            E = -2 * math.cos(kk)
            g = {}
            for sign in (1, -1):
                sysl = lat.chain({0: U1 * np.eye(2) + J1 * sz, d: U2 * np.eye(2) + sign * J2 * sz}, norbs=2)
                g[sign] = sysl.smatrix(E).transmission(1, 0)
            tmr_lat = (g[1] - g[-1]) / g[-1]
            Ts = [float(t_imp(eps=u + s * j, k=kk)) for (u, j) in ((U1, J1), (U2, J2)) for s in (1, -1)]
            tmax = max(tmax, *Ts)
            p = {P1: (Ts[0] - Ts[1]) / (Ts[0] + Ts[1]), P2: (Ts[2] - Ts[3]) / (Ts[2] + Ts[3])}
            worst = max(worst, abs(tmr_lat - float(f.at(p))) / max(abs(tmr_lat), 1e-3))
            pts += 1
            # non-collinear: G(theta)/G_bar against the derived tunnelling G(theta), same ratio
            g_bar = (g[1] + g[-1]) / 2
            ref = {"T1": 1.0, "T2": 1.0, "phi": 0.0, **{s.name: v for s, v in p.items()}}
            g_bar_closed = (float(g_theta(**ref, theta=0.0)) + float(g_theta(**ref, theta=math.pi))) / 2
            for th in (math.pi / 3, math.pi / 2, 2 * math.pi / 3):
                n2 = math.cos(th) * sz + math.sin(th) * sx
                sysl = lat.chain({0: U1 * np.eye(2) + J1 * sz, d: U2 * np.eye(2) + J2 * n2}, norbs=2)
                ratio_lat = sysl.smatrix(E).transmission(1, 0) / g_bar
                ratio = float(g_theta(**ref, theta=th)) / g_bar_closed
                worst = max(worst, abs(ratio_lat - ratio) / abs(ratio))
                pts += 1
    return CheckReport("lattice chain with two strong magnetic impurities (norbs = 2), magnetizations "
                       "parallel, antiparallel and at theta = pi/3, pi/2, 2 pi/3, energies away from spacer "
                       "resonances: TMR vs the derived Jullière form and G(theta)/G_bar vs the derived "
                       f"tunnelling G(theta) (relative; max T = {tmax:.1e})", worst, pts, 10 * math.sqrt(tmax),
                       kind="relative")


def figure(der: Derivation) -> dict:
    f = evaluator(der.result)
    tun = evaluator(der.facts.tunnelling_polarized.subs(phi, 0))
    net = network()
    th = np.linspace(0, 2 * np.pi, 301)
    thp = np.linspace(0, 2 * np.pi, 13)
    lines, points = [], []
    x = 1e-4
    for p1, p2 in ((0.5, 0.5), (0.8, 0.6)):
        norm = float(tun(T1=1.0, T2=1.0, P1=p1, P2=p2, theta=np.pi / 2))
        lines.append((rf"$P_1={p1}$, $P_2={p2}$", th, tun(T1=1.0, T2=1.0, P1=p1, P2=p2, theta=th) / norm))
        t = {(1, "up"): (1 + p1) / 2, (1, "down"): (1 - p1) / 2, (2, "up"): (1 + p2) / 2, (2, "down"): (1 - p2) / 2}
        ys = []
        for a in thp:
            c = math.cos(a / 2) ** 2
            vals = {**{TS[k]: x * v for k, v in t.items()}, **{RS[k]: 1 - x * v for k, v in t.items()},
                    C_theta: c, S_theta: 1 - c, phi: 0.0}
            M = network_smatrix(net, vals)
            ys.append(float(np.sum(np.abs(M[2:, :2]) ** 2)))
        ys = np.array(ys)
        points.append(("numpy network solve, $T \\sim 10^{-4}$", thp, ys / ys[3]))
    a = dict(xlabel=r"angle $\theta$ between the magnetizations", ylabel=r"$G(\theta)/\bar G$",
             title=r"(a) tunnelling limit: $1 + P_1P_2\cos\theta$", lines=lines, points=points,
             paired=True, phase_axis=True)
    P = np.linspace(0, 0.95, 200)
    b = dict(xlabel=r"polarization $P_1 = P_2 = P$", ylabel="TMR",
             title=r"(b) Jullière: $2P^2/(1 - P^2)$",
             lines=[("derived", P, f(P1=P, P2=P))], points=[])
    return dict(title="Spin valve", panels=[a, b], grid=(1, 2), figsize=(11, 4.4))

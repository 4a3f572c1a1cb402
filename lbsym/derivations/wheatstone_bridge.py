"""wheatstone-bridge: the quantum Wheatstone bridge, balance in transmissions (seed 1162428).

Four terminals around a loop, numbered counter-clockwise: 0 the source (A),
2 the drain (B), 1 and 3 the two midpoints (C between arms 1 and 2, D between
arms 3 and 4) across which the detector measures V_1 - V_3.  Arms, as in the
classical bridge: 1 = A-C, 2 = C-B, 3 = A-D, 4 = D-B.  A current I enters at 0
and leaves at 2; the bridge is *balanced* when the detector voltage vanishes,
i.e. R_{02,13} = (V_1 - V_3)/I = 0.

Convention (DESIGN.md): I_i = (e^2/h) sum_j [T_ij V_j - T_ji V_i], T_ij from
lead j to lead i, spin-resolved (g_s = 1) transmissions; I_i flows out of the
conductor into terminal i (so "current I from 0 to 2" is I_0 = -I, I_2 = +I).

Everything is derived by :class:`lbsym.transport.MultiTerminal`: the
four-terminal resistance of a general (symbolic T_ij) conductor, the balance
condition T_10 T_32 = T_12 T_30 read off its numerator, the classical
resistor bridge (internal nodes as floating terminals, eliminated by the
library), reciprocity, and the mirror-symmetric bridge in a field.

Independent numeric routes: (a) a tight-binding Wheatstone bridge (four
1D chain arms around a square loop, one 1D lead at each corner, an
Aharonov-Bohm flux through the loop), whose lattice conductance matrix is
solved numerically by MultiTerminal and compared with the closed form
evaluated with the lattice transmissions; (b) Kirchhoff nodal analysis of
the classical resistor bridge in numpy (no MultiTerminal).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, register
from ..multiterminal import MultiTerminal
from ._common import (buttiker_textbook, closed_form_evaluator, multiterminal_lattice, sum_rules,
                      terminal_symbols, transmission_symbols)

NAME = "wheatstone-bridge"
TITLE = "Quantum Wheatstone bridge: the balance condition in transmission probabilities"
SRC, DRN, P, Q = 0, 2, 1, 3  # current 0 -> 2, detector V_1 - V_3: R_{02,13}
R_b = sp.Symbol("R_02,13")
R_cl = sp.Symbol("R_det")
B = sp.Symbol("B", real=True)
R_f, R_x = sp.Function("R_02,13"), sp.Function("R_13,02")
N_cl, Delta = sp.Symbol("N_classical"), sp.Symbol("Delta")
#: arm resistances R1..R4 (A-C, C-B, A-D, D-B), their conductances, contact conductances
R_ARM = sp.symbols("R1:5", positive=True)
G_ARM = sp.symbols("g1:5", positive=True)
C_CON = sp.symbols("c0:4", positive=True)
#: arm k joins internal nodes (4 + corner): A = 4, C = 5, B = 6, D = 7
ARM_NODES = ((4, 5), (5, 6), (4, 7), (7, 6))


def transmission_matrix() -> sp.Matrix:
    return transmission_symbols(range(4))


# ------------------------------------------------------------------ textbook forms
def textbook_form() -> sp.Expr:
    """Büttiker's R_{02,13}, written out by hand (:func:`._common.buttiker_textbook`)."""
    return buttiker_textbook(SRC, DRN, P, Q)


def classical_textbook() -> sp.Expr:
    """The classical bridge, by hand: V_C - V_D = I (R2 R3 - R1 R4)/(R1 + R2 + R3 + R4).

    The branches A-C-B and A-D-B carry I (R3 + R4)/S and I (R1 + R2)/S,
    S = R1 + R2 + R3 + R4, so V_C - V_B = R2 I (R3 + R4)/S and
    V_D - V_B = R4 I (R1 + R2)/S.
    """
    R1, R2, R3, R4 = R_ARM
    return (R2 * R3 - R1 * R4) / (R1 + R2 + R3 + R4)


def classical_balance_textbook() -> sp.Eq:
    R1, R2, R3, R4 = R_ARM
    return sp.Eq(R1 / R2, R3 / R4)


# ------------------------------------------------------------------ models
def classical_transmissions(arms=G_ARM, contacts=C_CON) -> sp.Matrix:
    """Classical resistor bridge as an 8-terminal conductor (as ``classical_h`` of h-bar-nonlocal).

    Terminals 0..3 are joined by contact conductances ``contacts`` to the
    internal nodes 4..7 (A, C, B, D); the arms ``arms`` (conductances
    1/R1..1/R4) join A-C, C-B, A-D, D-B.  T_ij = T_ji is the conductance of
    the element joining i and j (a resistor transmits the same both ways).
    """
    T = sp.zeros(8, 8)
    for t in range(4):
        T[t, 4 + t] = T[4 + t, t] = contacts[t]
    for (a, b), g in zip(ARM_NODES, arms):
        T[a, b] = T[b, a] = g
    return T


def mirror_transmissions() -> tuple[sp.Matrix, dict]:
    """A bridge symmetric under the mirror 1 <-> 3, in a field B.

    The mirror reverses B, so T_ij(B) = T_{s(i) s(j)}(-B) = T_{s(j) s(i)}(B)
    (Onsager): T_10 = T_03 = a, T_30 = T_01 = b, T_12 = T_23 = c,
    T_32 = T_21 = d, T_20 = T_02 = f, T_13 and T_31 free up to the sum rule
    of terminal 1, T_31 = a + c + T_13 - b - d.  At B = 0: b = a, d = c, T_31 = T_13.
    """
    a, b, c, d, f, t13 = sp.symbols("a b c d f t13", positive=True)
    T = sp.Matrix([[0, b, f, a],
                   [a, 0, c, t13],
                   [f, d, 0, c],
                   [b, a + c + t13 - b - d, d, 0]])
    return T, {"a": a, "b": b, "c": c, "d": d, "f": f, "t13": t13}


# ------------------------------------------------------------------ lattice bridge
def lattice_bridge(arms):
    """Tight-binding Wheatstone bridge: four 1D chain arms around a square loop.

    ``arms[a]`` lists the on-site energies of the arm from corner ``a`` to
    corner ``a + 1`` (counter-clockwise: arm 0 = A-C, 1 = C-B, 2 = B-D,
    3 = D-A), ordered from corner ``a``.  The corners ``c0..c3`` have zero
    on-site energy and one semi-infinite 1D chain lead each (lead index =
    corner index; phase reference the corner site).  The flux ``phi`` (in
    Phi0, a parameter) threads the loop counter-clockwise (one Peierls bond,
    :meth:`Builder.add_flux`).  Hopping 1, band E = -2 cos k.
    """
    from .. import lattice as lat

    b = lat.Builder()
    loop = []
    for a in range(4):
        b.add_site(f"c{a}", 0.0)
    for a, energies in enumerate(arms):
        loop.append(f"c{a}")
        for m, eps in enumerate(energies, 1):
            b.add_site(("arm", a, m), float(eps))
            loop.append(("arm", a, m))
    for s, t in zip(loop, loop[1:] + loop[:1]):
        b.add_hopping(t, s, 1.0)
    b.add_flux(loop, "phi")
    for a in range(4):
        b.attach_lead(lat.Lead.chain(+1), interface=[f"c{a}"])
    return b.finalized()


_A = (0.6, 0.0, -0.4)          # arm profile from A (or B), three sites
_B = (0.0, 0.9, 0.0, 0.3)      # second profile, four sites
#: (label, arms, balanced at zero flux by symmetry)
LATTICE_BRIDGES = [
    # mirror 1 <-> 3 (fixes the source and drain): arm A-D is arm A-C, arm B-D is arm B-C
    ("mirror 1<->3", (_A, _B, tuple(reversed(_B)), tuple(reversed(_A))), True),
    # mirror 0 <-> 2 (fixes the detector corners): arm C-B is arm C-A, arm D-B is arm D-A
    ("mirror 0<->2", (_A, tuple(reversed(_A)), _B, tuple(reversed(_B))), True),
    ("asymmetric", (_A, _B, (0.2, 0.0, -0.7, 0.0, 0.1), (0.5, 0.0)), False),
]
LATTICE_ENERGIES = (-1.3, -0.4, 0.5, 1.1)
LATTICE_FLUXES = (0.0, 0.13, -0.13, 0.31, -0.31)


@lru_cache(maxsize=None)
def lattice_conductances() -> tuple:
    """(label, balanced, energy, flux, conductance matrix) over the lattice grid."""
    out = []
    for label, arms, balanced in LATTICE_BRIDGES:
        sysb = lattice_bridge(arms)
        for E in LATTICE_ENERGIES:
            for phi in LATTICE_FLUXES:
                G = sysb.smatrix(E, {"phi": phi}).conductance_matrix()
                G.setflags(write=False)
                out.append((label, balanced, E, phi, G))
    return tuple(out)


def lattice_values(result: sp.Expr | None = None) -> list[dict]:
    """Lattice conductance matrices solved by MultiTerminal, and the closed form."""
    if result is None:
        from ..derivation import get

        result = get(NAME).result
    closed = closed_form_evaluator(result)
    out = []
    for label, balanced, E, phi, G in lattice_conductances():
        mt = MultiTerminal.from_conductance_matrix(G)
        r = mt.four_terminal_resistance(SRC, DRN, P, Q)
        out.append(dict(label=label, balanced=balanced, energy=E, flux=phi, solve=r, closed=closed(G),
                        exchanged=mt.four_terminal_resistance(P, Q, SRC, DRN),
                        numerator=G[1, 0] * G[3, 2] - G[1, 2] * G[3, 0]))
    return out


def flux_balance(E: float = -0.4, bracket: tuple = (0.0, 0.13)) -> dict:
    """Balance the asymmetric lattice bridge by tuning the flux (scipy brentq on R_{02,13}(phi)).

    The detector resistance changes sign inside ``bracket`` at energy ``E``; at
    the root the lattice transmissions obey T_10 T_32 = T_12 T_30.
    """
    from scipy.optimize import brentq

    arms = next(a for label, a, _ in LATTICE_BRIDGES if label == "asymmetric")
    sysb = lattice_bridge(arms)

    def G(phi):
        return sysb.smatrix(E, {"phi": phi}).conductance_matrix()

    def r(phi):
        return MultiTerminal.from_conductance_matrix(G(phi)).four_terminal_resistance(SRC, DRN, P, Q)

    phi = brentq(r, *bracket, xtol=1e-15, rtol=1e-15)
    g = G(phi)
    return dict(energy=E, flux=phi, resistance=r(phi),
                numerator=g[1, 0] * g[3, 2] - g[1, 2] * g[3, 0],
                products=(g[1, 0] * g[3, 2], g[1, 2] * g[3, 0]))


def lattice_summary(vals: list[dict] | None = None) -> dict:
    """The numbers the lattice check reports (all in units of h/e^2)."""
    vals = lattice_values() if vals is None else vals
    by = {(v["label"], v["energy"], v["flux"]): v for v in vals}
    mirror = [v for v in vals if v["balanced"]]
    return dict(
        points=len(vals),
        # closed form with the lattice T_ij vs MultiTerminal's numeric solve
        closed=max(abs(v["solve"] - v["closed"]) for v in vals),
        # mirror-symmetric bridges without a field: balanced
        balanced=max(abs(v["solve"]) for v in mirror if v["flux"] == 0.0),
        # reciprocity: R_{02,13}(phi) = R_{13,02}(-phi)
        reciprocity=max(abs(v["solve"] - by[(v["label"], v["energy"], -v["flux"])]["exchanged"])
                        for v in vals),
        # mirror-symmetric bridges: R_{02,13} odd in the flux
        odd=max(abs(v["solve"] + by[(v["label"], v["energy"], -v["flux"])]["solve"]) for v in mirror),
        unbalanced=[v["solve"] for v in vals if v["label"] == "asymmetric" and v["flux"] == 0.0],
        mirror_field=[(v["flux"], v["solve"]) for v in vals
                      if v["label"] == "mirror 1<->3" and v["energy"] == -0.4 and v["flux"] > 0],
        asymmetric_flux=[(v["flux"], v["solve"]) for v in vals
                         if v["label"] == "asymmetric" and v["energy"] == -0.4],
    )


def lattice_check(der: Derivation) -> CheckReport:
    s = lattice_summary(lattice_values(der.result))
    unb = ", ".join(f"{r:+.4f}" for r in s["unbalanced"])
    mir = ", ".join(f"phi = {p}: {r:+.4f}" for p, r in s["mirror_field"])
    fb = flux_balance()
    return CheckReport(
        method=("tight-binding Wheatstone bridge (four 1D chain arms with impurities around a loop, a 1D "
                "lead at each corner, flux phi through the loop; 3 bridges x 4 energies x 5 fluxes): "
                "lattice conductance matrix -> MultiTerminal numeric solve vs the closed form with the "
                f"lattice T_ij (max {s['closed']:.1e}); mirror-symmetric bridges at phi = 0: "
                f"max |R_02,13| = {s['balanced']:.1e} h/e^2 (balanced); asymmetric bridge at phi = 0, "
                f"E = {', '.join(map(str, LATTICE_ENERGIES))}: R_02,13 = {unb} h/e^2 (unbalanced); mirror "
                f"1<->3 bridge at E = -0.4 in a field: {mir} h/e^2 (balance broken), odd in phi to "
                f"{s['odd']:.1e}; reciprocity max |R_02,13(phi) - R_13,02(-phi)| = {s['reciprocity']:.1e}; "
                f"the asymmetric bridge balanced by the flux at E = {fb['energy']}: phi = {fb['flux']:.6f}, "
                f"T_10 T_32 = {fb['products'][0]:.6f} = T_12 T_30 (R_02,13 = {fb['resistance']:.1e}).  "
                "Every difference and the balanced values are held to 1e-12"),
        error=float(max(s["closed"], s["balanced"], s["reciprocity"], s["odd"])),
        points=s["points"], tolerance=1e-12)


# ------------------------------------------------------------------ classical, numerically
def kirchhoff_laplacian(R, c) -> np.ndarray:
    """Nodal (Kirchhoff) matrix of the resistor bridge, numpy only: L V = injected currents.

    Nodes 0..3 the terminals, 4..7 the internal nodes A, C, B, D; contacts
    ``c`` (conductances) join terminal t to node 4 + t; arm resistances ``R``.
    """
    L = np.zeros((8, 8))
    links = [(t, 4 + t, c[t]) for t in range(4)] + [(a, b, 1.0 / r) for (a, b), r in zip(ARM_NODES, R)]
    for i, j, g in links:
        L[i, i] += g
        L[j, j] += g
        L[i, j] -= g
        L[j, i] -= g
    return L


def kirchhoff_detector_voltage(R, c) -> float:
    """V_1 - V_3 for unit current 0 -> 2 in the classical bridge, by nodal analysis."""
    L = kirchhoff_laplacian(R, c)
    inj = np.zeros(8)
    inj[0], inj[2] = 1.0, -1.0                 # current into the network at 0, out at 2
    keep = [n for n in range(8) if n != 2]     # node 2 grounded
    V = np.zeros(8)
    V[keep] = np.linalg.solve(L[np.ix_(keep, keep)], inj[keep])
    return float(V[1] - V[3])


def kirchhoff_effective_conductance(R, c) -> np.ndarray:
    """Effective 4-terminal conductance matrix of the resistor bridge (numpy Schur complement)."""
    L = kirchhoff_laplacian(R, c)
    A, N = list(range(4)), list(range(4, 8))
    Leff = L[np.ix_(A, A)] - L[np.ix_(A, N)] @ np.linalg.solve(L[np.ix_(N, N)], L[np.ix_(N, A)])
    return -Leff   # conductance matrix: off-diagonal = effective transmissions


def classical_values(classical: sp.Expr, result: sp.Expr, points: int = 60, seed: int = 11) -> dict:
    """Kirchhoff nodal analysis vs the library's classical closed form and the general formula."""
    f_cl = sp.lambdify(R_ARM, classical, "numpy")
    f_gen = closed_form_evaluator(result)
    rng = random.Random(seed)
    worst_cl = worst_gen = worst_bal = 0.0
    for n in range(points):
        R = [rng.uniform(0.2, 3.0) for _ in range(4)]
        if n % 3 == 0:                      # balanced: R1/R2 = R3/R4
            R[0] = R[1] * R[2] / R[3]
        c = [rng.uniform(0.2, 5.0) for _ in range(4)]
        v = kirchhoff_detector_voltage(R, c)
        worst_cl = max(worst_cl, abs(v - float(f_cl(*R))))
        worst_gen = max(worst_gen, abs(v - f_gen(kirchhoff_effective_conductance(R, c))))
        if n % 3 == 0:
            worst_bal = max(worst_bal, abs(v))
    return dict(classical=worst_cl, general=worst_gen, balanced=worst_bal, points=points)


# ------------------------------------------------------------------ the derivation
def _balance_equation(numerator: sp.Expr) -> sp.Eq:
    """numerator = 0 written as (positive terms) = (negative terms)."""
    pos, neg = [], []
    for term in sp.Add.make_args(sp.expand(numerator)):
        (pos if term.could_extract_minus_sign() is False else neg).append(term)
    return sp.Eq(sp.Add(*pos), -sp.Add(*neg), evaluate=False)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    balance_numerator: sp.Expr
    balance_condition: sp.Expr
    denominator: sp.Expr
    onsager_difference: sp.Expr
    classical_resistance: sp.Expr
    classical_resistance_conductances: sp.Expr
    classical_textbook: sp.Expr
    classical_balance: sp.Expr
    classical_balance_textbook: sp.Expr
    classical_quantum_numerator: sp.Expr
    classical_internal_determinant: sp.Expr
    mirror_resistance: sp.Expr
    mirror_exchanged: sp.Expr
    mirror_sum: sp.Expr
    mirror_zero_field: sp.Expr
    mirror_symbols: dict


@register(NAME, TITLE)
def build() -> Derivation:
    T = transmission_matrix()
    rules = sum_rules(range(4))
    mt = MultiTerminal(T, relations=rules)
    G_free = MultiTerminal(T).conductance_matrix()

    # the general four-terminal solution: current 0 -> 2, detector across 1, 3
    result = mt.four_terminal_resistance(SRC, DRN, P, Q)
    num, den = sp.fraction(sp.factor(result / (h / e**2)))
    balance = _balance_equation(num)

    # Onsager-Büttiker reciprocity, R_{02,13}(B) - R_{13,02}(-B)
    onsager = mt.reciprocity_difference(SRC, DRN, P, Q)

    # mirror-symmetric bridge (1 <-> 3) in a field
    Tm, ms = mirror_transmissions()
    mm = MultiTerminal(Tm)
    rm = mm.four_terminal_resistance(SRC, DRN, P, Q, units=False)
    rm_x = mm.four_terminal_resistance(P, Q, SRC, DRN, units=False)
    mirror_sum = sp.factor(rm + rm_x)
    mirror_zero_field = sp.factor(rm.subs({ms["b"]: ms["a"], ms["d"]: ms["c"]}))

    # classical bridge: 8 terminals, the internal nodes floating (eliminated in the solve)
    cl8 = MultiTerminal(classical_transmissions())
    r_cl_g = cl8.four_terminal_resistance(SRC, DRN, P, Q, units=False)
    cl_num, cl_den = sp.fraction(sp.factor(r_cl_g.subs({g: 1 / R for g, R in zip(G_ARM, R_ARM)})))
    cl_num = sp.expand(cl_num)
    classical = cl_num / cl_den
    (R1_bal,) = sp.solve(cl_num, R_ARM[0])
    classical_balance = sp.Eq(R_ARM[0] / R_ARM[1], sp.factor(R1_bal / R_ARM[1]))
    # the same bridge as a 4-terminal conductor: internal nodes eliminated as floating probes;
    # the quantum balance numerator T10 T32 - T12 T30 with its effective transmissions
    eff = cl8.floating_probe_elimination([4, 5, 6, 7], simplify=None).transmissions
    teff = {(i, j): sp.cancel(sp.together(eff[i, j])) for (i, j) in ((1, 0), (3, 2), (1, 2), (3, 0))}
    num_classical = sp.factor(teff[1, 0] * teff[3, 2] - teff[1, 2] * teff[3, 0])
    ncl_num, ncl_den = sp.fraction(num_classical)

    textbook = textbook_form()
    symbols = terminal_symbols(range(4))
    return Derivation(
        topic="Quantum Wheatstone bridge",
        symbols=symbols,
        steps=(
            Step("Terminals around the bridge: 0 the source A, 2 the drain B, 1 and 3 the midpoints C and "
                 "D across which the detector measures V_1 - V_3 (arms 1 = A-C, 2 = C-B, 3 = A-D, "
                 "4 = D-B).  The currents I = (e^2/h) G V with G_ij = T_ij (i != j), "
                 "G_ii = -sum_j T_ji:", G_free),
            Step("Unitarity makes the rows of G sum to zero too (sum_j T_ij = sum_j T_ji, so nothing "
                 "depends on which terminal is grounded); solved for the transmissions into lead 0:",
                 sp.Tuple(*[sp.Eq(k, v) for k, v in rules.items()])),
            Step("Current I from 0 to 2 (I_0 = -I, I_2 = +I), terminal 2 grounded, the detector "
                 "terminals 1 and 3 floating (an ideal voltmeter draws no current).  The library's "
                 "solve gives the detector voltage V_1 - V_3 = R_{02,13} I with",
                 sp.Eq(R_b, result)),
            Step("The numerator is T_10 T_32 - T_12 T_30 = T_ki T_lj - T_kj T_li (i, j, k, l = 0, 2, 1, 3) "
                 "and D is the 3x3 cofactor of the conductance matrix, the same for every struck-out "
                 "terminal (Büttiker's four-terminal formula); by Kirchhoff's matrix-tree theorem it is the "
                 "sum over the 16 spanning trees grown out of terminal 0 of the products of their "
                 "transmissions (each terminal i != 0 contributes T_{i,parent}), so D > 0 for a "
                 "connected bridge.  The direct transmissions between source "
                 "and drain (T_20) and between the detector terminals (T_13, T_31) enter only D: they set "
                 "the size of the detector signal, never the balance.  The bridge is balanced "
                 "(V_1 = V_3 at any current) exactly when", balance),
            Step("the quantum analogue of R1 R4 = R2 R3: the transmission into C from the source times the "
                 "transmission into D from the drain equals the transmission into C from the drain "
                 "times that into D from the source.  The classical bridge from the same machinery: "
                 "resistors R1..R4 between internal nodes A, C, B, D, the terminals attached by contact "
                 "conductances c0..c3, the internal nodes floating terminals solved for by the "
                 "library.  The contacts drop out:", sp.Eq(R_cl, classical)),
            Step("so the classical bridge is balanced when", classical_balance),
            Step("The internal nodes eliminated instead as floating probes (Schur complement) give the "
                 "bridge as a four-terminal conductor; its effective transmissions put into the quantum "
                 "numerator T_10 T_32 - T_12 T_30 give (g_k = 1/R_k) a positive factor times g1 g4 - g2 g3: "
                 "the quantum balance condition reduces to R1/R2 = R3/R4 (Delta, a polynomial in the c's "
                 "and g's with positive coefficients, is the determinant of the internal nodes' block of "
                 "the conductance matrix):",
                 sp.Eq(N_cl, ncl_num / Delta)),
            Step("What a coherent bridge adds: each T_ij is |sum of amplitudes|^2 over all paths around "
                 "the loop, not a product of arm properties, so balance depends on the energy and on "
                 "the flux through the loop (Aharonov-Bohm), not on resistance ratios of the arms.  "
                 "Onsager-Büttiker reciprocity, R_{02,13}(B) = R_{13,02}(-B), from the same machinery "
                 "(T_ij(-B) = T_ji(B)); the numerator of R_{13,02}(-B) is the same T_10 T_32 - T_12 T_30, "
                 "so the bridge balanced in +B is balanced, with source/drain and detector exchanged, "
                 "in -B; at B = 0 the balance is symmetric under that exchange:",
                 sp.Eq(R_f(B) - R_x(-B), onsager, evaluate=False)),
            Step("A bridge symmetric under the mirror 1 <-> 3 (arm A-D a copy of A-C, D-B of C-B).  The "
                 "mirror reverses B, so with Onsager T_ij(B) = T_{m(i)m(j)}(-B) = T_{m(j)m(i)}(B), m the "
                 "mirror: T_10 = T_03 = a, T_30 = T_01 = b, T_12 = T_23 = c, T_32 = T_21 = d, "
                 "T_20 = T_02 = f, T_31 fixed by the sum rules.  The library's four-terminal "
                 "resistances of this conductor give",
                 sp.Eq(R_f(B) + R_x(B), mirror_sum, evaluate=False)),
            Step("At B = 0 (b = a, d = c: T_10 = T_30, T_12 = T_32) the mirror bridge is balanced at every "
                 "energy; with reciprocity, R_{02,13}(B) = -R_{02,13}(-B): its detector voltage is odd "
                 "in B, and a field unbalances it (numerator a d - b c).  An asymmetric bridge, on the "
                 "other hand, can be balanced by tuning the flux or the energy.  At B = 0:",
                 sp.Eq(R_f(0), mirror_zero_field, evaluate=False)),
        ),
        lhs=R_b,
        result=result,
        textbook=textbook,
        reference="Büttiker, PRL 57, 1761 (1986); Büttiker, IBM J. Res. Dev. 32, 317 (1988); "
                  "Datta, Electronic Transport in Mesoscopic Systems (1995), sec. 2.5",
        relations=rules,
        ranges={s.symbol: (0, 1) for s in symbols if s.name.startswith("T")},
        parts={"denominator": Part(sp.Symbol("D"), den, "the cofactor D in the denominator of R"),
               "numerator": Part(sp.Symbol("N_R"), num, "the balance numerator (R = 0 when it vanishes)")},
        facts=Facts(
            balance_numerator=num,
            balance_condition=balance,
            denominator=den,
            onsager_difference=onsager,
            classical_resistance=classical,
            classical_resistance_conductances=r_cl_g,
            classical_textbook=classical_textbook(),
            classical_balance=classical_balance,
            classical_balance_textbook=classical_balance_textbook(),
            classical_quantum_numerator=num_classical,
            classical_internal_determinant=ncl_den,
            mirror_resistance=rm,
            mirror_exchanged=rm_x,
            mirror_sum=mirror_sum,
            mirror_zero_field=mirror_zero_field,
            mirror_symbols=ms,
        ),
    )


def cross_check(der: Derivation) -> CheckReport:
    """Classical resistor bridges solved by Kirchhoff's laws (numpy) vs the derived
    classical form and the derived general formula (the result) with the bridge's
    effective transmissions."""
    v = classical_values(der.facts.classical_resistance, der.result)
    return CheckReport(
        method=("classical resistor bridge (random R1..R4 and contacts, every third balanced with "
                "R1 = R2 R3/R4), Kirchhoff nodal analysis in numpy: detector voltage vs the library's "
                f"classical closed form (max {v['classical']:.1e}) and vs the general quantum formula "
                f"with the bridge's effective transmissions (max {v['general']:.1e}); balanced bridges "
                f"max |V_1 - V_3|/I = {v['balanced']:.1e}"),
        error=float(max(v["classical"], v["general"], v["balanced"])),
        points=v["points"], tolerance=1e-12)


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:

    flux = np.linspace(-0.35, 0.35, 29)
    lines, points = [], []
    for label, arms, _balanced in LATTICE_BRIDGES:
        if label not in ("mirror 1<->3", "asymmetric"):
            continue
        sysb = lattice_bridge(arms)
        closed, solved = multiterminal_lattice(der.result, sysb, [-0.4] * len(flux),
                                                [{"phi": float(p)} for p in flux], (SRC, DRN, P, Q))
        lines.append((f"closed form with the lattice $T_{{ij}}$: {label} bridge", flux, closed))
        points.append((f"lattice, solved: {label}", flux, solved))
    return dict(xlabel=r"flux $\phi$ through the loop (units of $\Phi_0$)",
                ylabel=r"$R_{02,13}$ ($h/e^2$)",
                title="Wheatstone bridge at $E=-0.4$: mirror-symmetric is balanced at zero flux",
                lines=lines, points=points, paired=True, guides=[("balance", flux[[0, -1]], [0, 0])],
                legend_loc="below")

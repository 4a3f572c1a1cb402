"""quantum-spin-hall: helical edge states, nonlocal resistances (Roth et al. 2009).

Terminals 1..4 around the edge of an H-bar (Roth et al., Science 325, 294
(2009), Fig. 1): the helical edge carries one spin-up channel one way and one
spin-down channel the other, so each terminal transmits 1 to each of its two
neighbours: T_{i+1,i} = T_{i-1,i} = 1 (indices mod the number of terminals).
Convention (DESIGN.md): I_i = (e^2/h) sum_j [T_ij V_j - T_ji V_i].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..multiterminal import MultiTerminal
from ._common import resistance_axes

NAME = "quantum-spin-hall"
TITLE = "Quantum spin Hall: helical edges, R_14,14 = 3h/4e^2 and nonlocal R_14,23 = h/4e^2"
R2t, Rnl = sp.Symbol("R_14_14"), sp.Symbol("R_14_23")


def helical_transmissions(n: int) -> sp.Matrix:
    T = sp.zeros(n, n)
    for i in range(n):
        T[(i + 1) % n, i] = 1
        T[(i - 1) % n, i] = 1
    return T


def helical(n: int) -> MultiTerminal:
    return MultiTerminal(helical_transmissions(n), leads=tuple(range(1, n + 1)))


#: lbsym.lattice.cross leads (0 left, 1 right, 2 bottom, 3 top) in counter-clockwise order
CROSS_ORDER = [0, 2, 1, 3]


def lattice_values() -> list[dict]:
    """Two time-reversed quantum Hall copies (fields +phi, -phi) of a lattice cross.

    Spin up in +B and spin down in -B each carry one chiral edge channel; their
    sum is a helical edge.  The summed conductance matrix, ordered around the
    edge, goes into MultiTerminal.
    """
    from .. import lattice as lat

    out = []
    for W, arm, phi, E in [(12, 6, 0.1, -3.0), (14, 7, 0.1, -3.0)]:
        sysc = lat.cross(W, arm, field="phi")
        G = sum(sysc.smatrix(E, {"phi": s * phi}).conductance_matrix() for s in (1, -1))
        G = G[np.ix_(CROSS_ORDER, CROSS_ORDER)]
        mt = MultiTerminal.from_conductance_matrix(G, leads=(1, 2, 3, 4))
        out.append(dict(W=W, arm=arm, phi=phi, energy=E,
                        R_14_14=mt.two_terminal_resistance(1, 4),
                        R_14_23=mt.four_terminal_resistance(1, 4, 2, 3),
                        R_13_13=mt.two_terminal_resistance(1, 3),
                        R_13_24=mt.four_terminal_resistance(1, 3, 2, 4)))
    return out


def lattice_check(der: Derivation) -> CheckReport:
    """The helical lattice cross against the derived resistances (h/e^2 units), never literals."""
    vals = lattice_values()
    units = {e: 1, h: 1}
    closed = {"R_14_23": der.result, "R_14_14": der.parts["R_2t"].expr,
              "R_13_13": der.parts["R_13_13"].expr, "R_13_24": der.facts.R_13_24}
    closed = {k: float(sp.sympify(x).subs(units)) for k, x in closed.items()}
    worst = max(max(abs(v[k] - closed[k]) for k in closed) for v in vals)
    return CheckReport(
        method="lattice.cross in fields +phi and -phi (two time-reversed quantum Hall copies = a "
               "helical edge), summed conductance matrix through MultiTerminal",
        error=float(worst), points=len(vals), tolerance=1e-6)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    R_two_terminal: sp.Expr
    R_two_terminal_textbook: sp.Expr
    R_13_13: sp.Expr
    R_13_24: sp.Expr
    hall_bar_R_14_14: sp.Expr
    hall_bar_R_14_23: sp.Expr


@register(NAME, TITLE)
def build() -> Derivation:
    T = helical_transmissions(4)
    mt = helical(4)
    r2t = mt.two_terminal_resistance(1, 4)
    rnl = mt.four_terminal_resistance(1, 4, 2, 3)
    sol = mt.solve(currents={1: -1}, ground=4)  # currents in units of (e^2/h) x voltage
    r13 = mt.two_terminal_resistance(1, 3)
    r13_24 = mt.four_terminal_resistance(1, 3, 2, 4)
    hb = helical(6)
    hb_2t = hb.two_terminal_resistance(1, 4)
    hb_23 = hb.four_terminal_resistance(1, 4, 2, 3)
    textbook = h / (4 * e**2)
    return Derivation(
        topic="Quantum spin Hall effect, nonlocal transport (Roth et al., Science 325, 294 (2009))",
        symbols=(SymbolInfo(e, "elementary charge", "e > 0"), SymbolInfo(h, "Planck constant", "h > 0")),
        steps=(
            Step("Four terminals 1..4 around the edge of the H-bar.  The helical edge carries one "
                 "channel each way, transmitted perfectly between neighbouring terminals:", T),
            Step("Current I from 1 to 4 (neighbours), terminal 4 grounded, 2 and 3 floating. The "
                 "library's solve gives (in units of I h/e^2):",
                 sp.Tuple(*[sp.Eq(sp.Symbol(f"V{i}"), sol.voltages[i]) for i in range(1, 5)])),
            Step("Two-terminal resistance: the direct edge (h/e^2) in parallel with the three-segment "
                 "path (3h/e^2):", sp.Eq(R2t, r2t)),
            Step("Nonlocal resistance across 2, 3: a quarter of the current flows along the far "
                 "edge segment of resistance h/e^2:", sp.Eq(Rnl, rnl)),
            Step("Current between opposite terminals 1, 3: two-terminal h/e^2, and the voltage "
                 "across 2, 4 vanishes by symmetry:", sp.Tuple(r13, r13_24)),
            Step("The same machinery on a six-terminal Hall bar (terminals 1..6 around the edge): "
                 "R_14,14 = 3h/2e^2 and R_14,23 = h/2e^2:", sp.Tuple(hb_2t, hb_23)),
        ),
        lhs=Rnl,
        result=rnl,
        textbook=textbook,
        reference="Roth et al., Science 325, 294 (2009); König et al., Science 318, 766 (2007); "
                  "Büttiker, Science 325, 278 (2009)",
        parts={"R_2t": Part(sp.Symbol("R_2t"), r2t, "two-terminal resistance of the four-terminal device"),
               "R_13_13": Part(sp.Symbol("R_13_13"), r13, "two-terminal resistance between contacts 1 and 3"),
               "R_14_14": Part(sp.Symbol("R_14_14"), hb_2t, "two-terminal resistance of the six-terminal Hall bar")},
        facts=Facts(
            R_two_terminal=r2t,
            R_two_terminal_textbook=3 * h / (4 * e**2),
            R_13_13=r13,
            R_13_24=r13_24,
            hall_bar_R_14_14=hb_2t,
            hall_bar_R_14_23=hb_23,
        ),
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    """Helical edge (two time-reversed lattice QH copies of a cross) against E in the nu = 1 window."""
    from .. import lattice as lat
    from ..multiterminal import MultiTerminal

    one = {sp.Symbol("e", positive=True): 1, sp.Symbol("h", positive=True): 1}
    closed = {"R_14,23": float(der.result.subs(one)), "R_14,14": float(der.parts["R_2t"].expr.subs(one)),
              "R_13,13": float(der.parts["R_13_13"].expr.subs(one))}
    sysc = lat.cross(12, 6, field="phi")
    energies, vals = [], {k: [] for k in closed}
    for E in np.linspace(-3.3, -2.45, 25):
        S = sysc.smatrix(float(E), {"phi": 0.1})
        if S.num_modes(0) != 1:  # the helical model holds for one edge channel per copy
            continue
        G = sum(sysc.smatrix(float(E), {"phi": sg * 0.1}).conductance_matrix() for sg in (1, -1))
        mt = MultiTerminal.from_conductance_matrix(G[np.ix_(CROSS_ORDER, CROSS_ORDER)],
                                                   leads=(1, 2, 3, 4))
        energies.append(E)
        vals["R_14,23"].append(mt.four_terminal_resistance(1, 4, 2, 3))
        vals["R_14,14"].append(mt.two_terminal_resistance(1, 4))
        vals["R_13,13"].append(mt.two_terminal_resistance(1, 3))
    x = np.array(energies)
    names = {"R_14,23": "nonlocal $R_{14,23} = h/4e^2$", "R_14,14": "two-terminal $R_{14,14} = 3h/4e^2$",
             "R_13,13": "two-terminal $R_{13,13} = h/e^2$"}
    lines = [(names[k], x, np.full(len(x), v)) for k, v in closed.items()]
    tex = {"R_14,23": "$R_{14,23}$", "R_14,14": "$R_{14,14}$", "R_13,13": "$R_{13,13}$"}
    points = [(f"lattice cross, fields $\\pm$0.1: {tex[k]}", x, np.array(vals[k])) for k in closed]
    return dict(**resistance_axes("Quantum spin Hall: helical edge, four terminals"), lines=lines,
                points=points, paired=True, ylim=(0, 1.3), legend_loc="below")

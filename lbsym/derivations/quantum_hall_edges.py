"""quantum-hall-edges: chiral edge channels in a six-terminal Hall bar (Büttiker 1988).

Leads as in :func:`lbsym.lattice.hall_bar`, counter-clockwise: 0 left,
1 bottom-left, 2 bottom-right, 3 right, 4 top-right, 5 top-left.  nu
spin-resolved edge channels run counter-clockwise, each transmitted perfectly
to the next terminal: T_{i+1,i} = nu.  Current I from 0 to 3.
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

NAME = "quantum-hall-edges"
TITLE = "Quantum Hall effect from chiral edge channels (Büttiker 1988)"
nu = sp.Symbol("nu", positive=True, integer=True)
nup = sp.Symbol("nu_g", positive=True, integer=True)  # channels through the gate
R_xy, R_xx = sp.Symbol("R_xy"), sp.Symbol("R_xx")


def hall_bar_transmissions(n=nu) -> sp.Matrix:
    T = sp.zeros(6, 6)
    for i in range(6):
        T[(i + 1) % 6, i] = n
    return T


def gated_transmissions(n=nu, ng=nup) -> sp.Matrix:
    """A gate across the bar between probes (1, 5) and (2, 4) transmits ng of n channels.

    The n - ng reflected channels are carried back along the opposite edge:
    from 1 to 5 (lower edge, reflected) and from 4 to 2 (upper edge).
    """
    T = hall_bar_transmissions(n)
    T[2, 1], T[5, 1] = ng, n - ng
    T[5, 4], T[2, 4] = ng, n - ng
    return T


def lattice_points():
    """(W, L, probe_width, probe_length, phi, E, nu)."""
    return [(12, 30, 5, 3, 0.1, -3.0, 1), (14, 34, 7, 4, 0.1, -3.0, 1), (12, 30, 6, 4, 0.08, -3.2, 1),
            (16, 40, 8, 4, 0.05, -2.75, 2)]


def lattice_values() -> list[dict]:
    from .. import lattice as lat

    out = []
    for W, L, pw, pl, phi, E, n in lattice_points():
        S = lat.hall_bar(W, L, probe_width=pw, probe_length=pl).smatrix(E, {"phi": phi})
        mt = MultiTerminal.from_smatrix(S)
        out.append(dict(W=W, L=L, phi=phi, energy=E, nu=n, modes=S.num_modes(0),
                        R_xy=mt.four_terminal_resistance(0, 3, 1, 5),
                        R_xx=mt.four_terminal_resistance(0, 3, 1, 2),
                        R_2t=mt.two_terminal_resistance(0, 3)))
    return out


def lattice_check(der: Derivation) -> CheckReport:
    """The lattice Hall bar against the derived R_xy (the result) and R_xx (its part), h/e^2 units."""
    vals = lattice_values()
    units = {e: 1, h: 1}
    worst = 0.0
    for v in vals:
        r_xy = float(der.result.subs(units).subs(nu, v["nu"]))
        r_xx = float(der.parts["R_xx"].expr.subs(units).subs(nu, v["nu"]))
        worst = max(worst, abs(v["R_xy"] - r_xy), abs(v["R_xx"] - r_xx), abs(v["modes"] - v["nu"]))
    return CheckReport(
        method="lattice.hall_bar in a strong field (nu = 1, 2 plateaus): |R_xy - h/(nu e^2)| and |R_xx| "
               "in h/e^2 from the lattice conductance matrix via MultiTerminal",
        error=float(worst), points=len(vals), tolerance=1e-6)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    R_xx: sp.Expr
    R_xy_other_pair: sp.Expr
    R_two_terminal: sp.Expr
    gate_R_xx: sp.Expr
    gate_R_xx_upper: sp.Expr
    gate_R_xy_left: sp.Expr
    gate_R_xy_right: sp.Expr
    gate_R_diagonal: sp.Expr
    gate_R_two_terminal: sp.Expr
    gate_textbook: dict
    onsager_difference: sp.Expr


@register(NAME, TITLE)
def build() -> Derivation:
    T = hall_bar_transmissions()
    mt = MultiTerminal(T)
    rxy = mt.four_terminal_resistance(0, 3, 1, 5)
    rxy2 = mt.four_terminal_resistance(0, 3, 2, 4)
    rxx = mt.four_terminal_resistance(0, 3, 1, 2)
    r2t = mt.two_terminal_resistance(0, 3)
    sol = mt.solve(currents={0: -1}, ground=3)
    Tg = gated_transmissions()
    mg = MultiTerminal(Tg)
    g_rxx = mg.four_terminal_resistance(0, 3, 1, 2)
    g_rxy_left = mg.four_terminal_resistance(0, 3, 1, 5)
    g_rxy_right = mg.four_terminal_resistance(0, 3, 2, 4)
    g_r2t = mg.two_terminal_resistance(0, 3)
    g_diag = mg.four_terminal_resistance(0, 3, 1, 4)
    g_upper = mg.four_terminal_resistance(0, 3, 5, 4)
    onsager = mt.reciprocity_difference(0, 3, 1, 5)
    textbook = h / (nu * e**2)
    return Derivation(
        topic="Quantum Hall effect, edge channels (Büttiker, PRB 38, 9375 (1988))",
        symbols=(
            SymbolInfo(nu, "number of spin-resolved edge channels (filled Landau levels)", "integer >= 1"),
            SymbolInfo(nup, "edge channels transmitted through the gate", "integer, 0 < nu_g <= nu"),
            SymbolInfo(e, "elementary charge", "e > 0"), SymbolInfo(h, "Planck constant", "h > 0"),
        ),
        steps=(
            Step("Six terminals counter-clockwise (0 left, 1, 2 bottom, 3 right, 4, 5 top).  In a "
                 "strong field the nu edge channels run from each terminal to the next without "
                 "backscattering: T_{i+1,i} = nu, all other T_ij = 0.", T),
            Step("Current I from 0 to 3, terminal 3 grounded, probes floating.  The library's solve "
                 "gives the terminal voltages (in units of I h/e^2): each floating probe takes the "
                 "voltage of the terminal upstream of it.",
                 sp.Tuple(*[sp.Eq(sp.Symbol(f"V{i}"), sol.voltages[i]) for i in range(6)])),
            Step("Hall resistance (V_1 - V_5)/I, the same on the other probe pair (V_2 - V_4)/I:",
                 sp.Tuple(sp.Eq(R_xy, rxy), sp.Eq(R_xy, rxy2))),
            Step("Longitudinal resistance (V_1 - V_2)/I and two-terminal resistance:",
                 sp.Tuple(sp.Eq(R_xx, rxx), sp.Eq(sp.Symbol("R_2t"), r2t))),
            Step("A gate across the bar between the probe pairs transmits nu_g < nu channels; the "
                 "other nu - nu_g are reflected to the opposite edge (Büttiker 1988):", Tg),
            Step("Longitudinal resistance on the lower edge (V_1 - V_2)/I = (h/e^2)(1/nu_g - 1/nu), "
                 "the same along the upper edge (V_5 - V_4)/I:",
                 sp.Tuple(sp.Eq(R_xx, g_rxx), sp.Eq(R_xx, g_upper))),
            Step("Hall resistances on either side of the gate stay h/(nu e^2); the diagonal "
                 "resistance (V_1 - V_4)/I and the two-terminal resistance become h/(nu_g e^2):",
                 sp.Tuple(g_rxy_left, g_rxy_right, g_diag, g_r2t)),
            Step("Onsager-Büttiker reciprocity R_{03,15}(B) - R_{15,03}(-B):", onsager),
        ),
        lhs=R_xy,
        result=rxy,
        textbook=textbook,
        reference="Büttiker, PRB 38, 9375 (1988); Datta, Electronic Transport in Mesoscopic Systems "
                  "(1995), ch. 4; Beenakker and van Houten, Solid State Phys. 44, 1 (1991)",
        ranges={nu: (1, 4)},
        parts={"R_xx": Part(sp.Symbol("R_xx"), rxx, "longitudinal resistance"),
               "R_2t": Part(sp.Symbol("R_2t"), r2t, "two-terminal resistance")},
        facts=Facts(
            R_xx=rxx,
            R_xy_other_pair=rxy2,
            R_two_terminal=r2t,
            gate_R_xx=g_rxx,
            gate_R_xx_upper=g_upper,
            gate_R_xy_left=g_rxy_left,
            gate_R_xy_right=g_rxy_right,
            gate_R_diagonal=g_diag,
            gate_R_two_terminal=g_r2t,
            gate_textbook={"R_xx": h / e**2 * (1 / nup - 1 / nu), "R_xy": h / (nu * e**2),
                                 "R_diagonal": h / (nup * e**2), "R_two_terminal": h / (nup * e**2)},
            onsager_difference=onsager,
        ),
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    """R_xy and R_xx of a lattice Hall bar against E: plateaus h/(nu e^2), nu the edge channels."""
    from .. import lattice as lat
    from ..multiterminal import MultiTerminal

    from ..constants import e, h

    nu = sp.Symbol("nu", positive=True, integer=True)

    def closed(expr: sp.Expr, n: int) -> float:  # units of h/e^2, nu edge channels
        return float(expr.subs({e: 1, h: 1, nu: n}))
    sysh = lat.hall_bar(12, 30, probe_width=5, probe_length=3)
    energies = np.linspace(-3.3, -1.3, 41)
    nus, xy, xx = [], [], []
    for E in energies:
        S = sysh.smatrix(float(E), {"phi": 0.1})
        mt = MultiTerminal.from_smatrix(S)
        nus.append(S.num_modes(0))
        xy.append(mt.four_terminal_resistance(0, 3, 1, 5))
        xx.append(mt.four_terminal_resistance(0, 3, 1, 2))
    nus = np.array(nus)
    lines = [(r"$R_{xy} = h/(\nu e^2)$, $\nu$ = edge channels of the leads", energies,
              np.array([closed(der.result, n) for n in nus])),
             (r"$R_{xx} = 0$", energies, np.array([closed(der.parts["R_xx"].expr, n) for n in nus]))]
    points = [("lattice Hall bar 12x30, flux 0.1 per plaquette: $R_{xy}$", energies, np.array(xy)),
              ("lattice: $R_{xx}$", energies, np.array(xx))]
    return dict(**resistance_axes("Quantum Hall plateaus from edge channels"), lines=lines,
                points=points, paired=True, ylim=(-0.05, 1.15), legend_loc="below")

"""h-bar-nonlocal: the four-terminal H-shaped conductor, nonlocal resistance (seed 1162397).

Leads as in :func:`lbsym.lattice.hbar`: 0 left-bottom, 1 left-top, 2
right-bottom, 3 right-top.  Current I enters at 1 (top-left) and leaves at 0
(bottom-left); the voltage is measured across the right bar, V_3 - V_2.
Convention (DESIGN.md): I_i = (e^2/h) sum_j [T_ij V_j - T_ji V_i], T_ij from
lead j to lead i, spin-resolved (g_s = 1) transmissions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, register
from ..multiterminal import MultiTerminal
from ._common import (Tsym, buttiker_textbook, closed_form_evaluator, sum_rules, terminal_symbols,
                      transmission_symbols)
from ._common import multiterminal_lattice

NAME = "h-bar-nonlocal"
TITLE = "H-bar: nonlocal four-terminal resistance and when it vanishes"
I_SRC, J_SNK, K_V, L_V = 1, 0, 3, 2  # R_{10,32}
R_nl = sp.Symbol("R_10_32")


def transmission_matrix() -> sp.Matrix:
    return transmission_symbols(range(4))


def textbook_form() -> sp.Expr:
    """Büttiker's R_{10,32}, written out by hand (:func:`._common.buttiker_textbook`)."""
    return buttiker_textbook(I_SRC, J_SNK, K_V, L_V)


def classical_h(gs=None):
    """Classical resistor H: terminals 0,1 -> node A, 2,3 -> node B, bridge A-B.

    The internal nodes are modelled as floating (zero-current) terminals 4 (A)
    and 5 (B) of a six-terminal conductor and eliminated by the library.
    """
    g0, g1, g2, g3, gb = gs or sp.symbols("g0 g1 g2 g3 g_b", positive=True)
    T = sp.zeros(6, 6)
    for t, g in ((0, g0), (1, g1)):
        T[t, 4] = T[4, t] = g
    for t, g in ((2, g2), (3, g3)):
        T[t, 5] = T[5, t] = g
    T[4, 5] = T[5, 4] = gb
    return MultiTerminal(T).floating_probe_elimination([4, 5])


def lattice_points():
    """(label, H-bar args, field, energy) for the lattice check."""
    return [
        ("one-site bridge", (4, 11, 1, 3), None, -1.0),
        ("one-site bridge", (4, 11, 1, 3), 0.03, -1.0),
        ("one-site bridge", (4, 11, 1, 3), 0.03, -0.5),
        ("one-site bridge", (3, 9, 1, 2), 0.02, -1.3),
        ("3-site bridge, mirror-symmetric", (4, 11, 3, 3), None, -0.5),
        ("3-site bridge, mirror-symmetric", (4, 11, 3, 3), None, -1.0),
        ("3-site bridge in field", (4, 11, 3, 3), 0.03, -0.5),
    ]


def lattice_values(d: Derivation | None = None) -> list[dict]:
    """Lattice conductance matrices fed into MultiTerminal, and the closed form ``der.result``."""
    from .. import lattice as lat

    from ..derivation import get

    closed = closed_form_evaluator((d or get(NAME)).result)
    out = []
    for label, args, field, E in lattice_points():
        G = lat.hbar(*args, field=field).smatrix(E).conductance_matrix()
        mt = MultiTerminal.from_conductance_matrix(G)
        r_solve = mt.four_terminal_resistance(I_SRC, J_SNK, K_V, L_V)
        out.append(dict(label=label, args=args, field=field, energy=E,
                        solve=r_solve, closed=closed(G), mirror=(field is None)))
    return out


def lattice_check(der: Derivation) -> CheckReport:
    vals = lattice_values(der)
    worst = max(abs(v["solve"] - v["closed"]) for v in vals)
    # the one-site bridge must give zero nonlocal resistance
    worst = max([worst] + [abs(v["solve"]) for v in vals if v["label"] == "one-site bridge"])
    one = max(abs(v["solve"]) for v in vals if v["label"] == "one-site bridge")
    multi = ", ".join(f"{v['solve']:+.4f}" for v in vals if v["label"].startswith("3-site bridge, mirror"))
    return CheckReport(
        method="lattice.hbar conductance matrix -> MultiTerminal numeric solve vs the closed form "
               f"with lattice transmissions; one-site bridges: max |R_nl| = {one:.1e} h/e^2 (must be 0); "
               f"mirror-symmetric 3-site bridge: R_nl = {multi} h/e^2 (non-zero: interference between channels)",
        error=float(worst), points=len(vals), tolerance=1e-10)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    vanishing_condition: sp.Expr
    factorized_numerator: sp.Expr
    equal_transmissions_numerator: sp.Expr
    classical_resistance: sp.Expr
    onsager_difference: sp.Expr
    denominator: sp.Expr


@register(NAME, TITLE)
def build() -> Derivation:
    T = transmission_matrix()
    rules = sum_rules(range(4))
    mt_free = MultiTerminal(T)
    G_free = mt_free.conductance_matrix()
    mt = MultiTerminal(T, relations=rules)
    result = mt.four_terminal_resistance(I_SRC, J_SNK, K_V, L_V)
    num, den = sp.fraction(sp.factor(result / (h / e**2)))
    # the vanishing condition, from the library's numerator
    condition = sp.factor(num)
    Tki, Tlj, Tkj, Tli = Tsym(K_V, I_SRC), Tsym(L_V, J_SNK), Tsym(K_V, J_SNK), Tsym(L_V, I_SRC)
    a2, a3, b0, b1 = sp.symbols("a2 a3 b0 b1", positive=True)
    factorized = sp.expand(condition.subs({Tsym(3, 1): a3 * b1, Tsym(2, 0): a2 * b0,
                                           Tsym(3, 0): a3 * b0, Tsym(2, 1): a2 * b1}))
    Tc = sp.Symbol("T_c", positive=True)
    equal_lr = sp.expand(condition.subs({Tsym(3, 1): Tc, Tsym(2, 0): Tc, Tsym(3, 0): Tc, Tsym(2, 1): Tc}))
    cl = classical_h()
    classical_rnl = cl.four_terminal_resistance(I_SRC, J_SNK, K_V, L_V, units=False)
    onsager = mt.reciprocity_difference(I_SRC, J_SNK, K_V, L_V)
    textbook = textbook_form()
    symbols = terminal_symbols(range(4))
    return Derivation(
        topic="Four-terminal H-shaped conductor, nonlocal voltage",
        symbols=symbols,
        steps=(
            Step("Terminals: 0 left-bottom, 1 left-top, 2 right-bottom, 3 right-top.  The currents "
                 "I = (e^2/h) G V with the conductance matrix G_ij = T_ij (i != j), G_ii = -sum_j T_ji "
                 "(columns sum to zero: current conservation):", G_free),
            Step("Unitarity makes the rows sum to zero too (sum_j T_ij = sum_j T_ji); solved for the "
                 "transmissions into lead 0:", sp.Tuple(*[sp.Eq(k, v) for k, v in rules.items()])),
            Step("Current I enters at 1 and leaves at 0 (I_1 = -I, I_0 = I in the out-of-conductor "
                 "convention), terminal 0 grounded, 2 and 3 floating (zero current).  The library's "
                 "LU solve of the remaining 3x3 system gives R_{10,32} = (V_3 - V_2)/I:",
                 sp.Eq(R_nl, result)),
            Step("The numerator is T_31 T_20 - T_30 T_21 = T_ki T_lj - T_kj T_li and the denominator "
                 "D is the 3x3 cofactor of the conductance matrix (the same for every struck-out "
                 "terminal, by the sum rules): Büttiker's formula.", sp.Eq(sp.Symbol("N"), condition)),
            Step("So the nonlocal voltage vanishes exactly when T_31 T_20 = T_30 T_21.  It holds when "
                 "the left-to-right transmissions factorize, T_ki = a_k b_i, as they do when the halves "
                 "are joined through a single transverse channel (a one-site-wide bridge: every path "
                 "passes the same site, so the Green function factorizes):", sp.Eq(sp.Symbol("N"), factorized)),
            Step("... and, as a special case, when all four left-to-right transmissions are equal:",
                 sp.Eq(sp.Symbol("N"), equal_lr)),
            Step("A classical resistor H (terminal conductances g0..g3 to two nodes joined by a bridge "
                 "g_b; the nodes eliminated as floating probes) also gives zero: no current enters "
                 "the bridge, so the right bar is equipotential:", sp.Eq(R_nl, classical_rnl)),
            Step("A coherent H is different: with a bridge carrying several channels the "
                 "transmissions do not factorize and R_{10,32} is generally small but non-zero, even "
                 "for a mirror-symmetric H (mirror symmetry gives T_31 = T_20, T_30 = T_21 but not "
                 "T_31 = T_30), so mirror symmetry alone does not make the nonlocal voltage vanish.  "
                 "Onsager-Büttiker reciprocity R_{10,32}(B) - R_{32,10}(-B) from the same machinery:",
                 onsager),
        ),
        lhs=R_nl,
        result=result,
        textbook=textbook,
        reference="Büttiker, PRL 57, 1761 (1986); Büttiker, IBM J. Res. Dev. 32, 317 (1988); "
                  "Datta, Electronic Transport in Mesoscopic Systems (1995), sec. 2.5",
        relations=rules,
        ranges={s.symbol: (0, 1) for s in symbols if s.name.startswith("T")},
        parts={"denominator": Part(sp.Symbol("D"), den, "the cofactor D in the denominator of R"),
               "numerator": Part(sp.Symbol("N_R"), condition, "the numerator whose zero is R = 0")},
        facts=Facts(
            vanishing_condition=condition,
            factorized_numerator=factorized,
            equal_transmissions_numerator=equal_lr,
            classical_resistance=classical_rnl,
            onsager_difference=onsager,
            denominator=den,
        ),
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from .. import lattice as lat

    energies = np.linspace(-1.6, -0.2, 29)
    lines, points = [], []
    for label, args in (("one-site bridge", (4, 11, 1, 3)), ("3-site bridge", (4, 11, 3, 3))):
        sysl = lat.hbar(*args, field=0.03)
        closed, solved = multiterminal_lattice(der.result, sysl, energies,
                                                [None] * len(energies), (I_SRC, J_SNK, K_V, L_V))
        lines.append((f"closed form with the lattice $T_{{ij}}$: {label}", energies, closed))
        points.append((f"lattice conductance matrix, solved: {label}", energies, solved))
    return dict(xlabel=r"Fermi energy $E$ (hopping units)", ylabel=r"$R_{10,32}$ ($h/e^2$)",
                title="H-bar, flux 0.03: $R_{10,32} = 0$ for a one-site bridge",
                lines=lines, points=points, paired=True, legend_loc="below")

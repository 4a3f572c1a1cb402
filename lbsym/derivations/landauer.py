"""landauer: G = g_s (e^2/h) sum_n T_n and the conductance quantum (seed 1162380)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import SI, e, h
from ..derivation import CheckReport, Derivation, Step, SymbolInfo, register
from ..errors import LbsymError
from ..network import Network
from ..scatterers import barrier
from ..smatrix import SMatrix
from ..transport import conductance, landauer
from ._lattice import open_modes

G = sp.Symbol("G", positive=True)
g_s = sp.Symbol("g_s", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
n = sp.Symbol("n", positive=True, integer=True)
Tn = sp.IndexedBase("T", positive=True)


def three_channel() -> SMatrix:
    """A two-terminal conductor whose three channels scatter independently."""
    net = Network()
    for i in (1, 2, 3):
        net.add(f"B{i}", barrier(i))
    net.external("L", "B1.left", "B2.left", "B3.left")
    net.external("R", "B1.right", "B2.right", "B3.right")
    return net.smatrix()


@register("landauer", "Landauer formula and the conductance quantum")
def build() -> Derivation:
    S3 = three_channel()
    T3 = S3.transmission("R", "L")
    G3 = conductance(S3, "R", "L", g_s)
    result = landauer(sp.Sum(Tn[n], (n, 1, N)), g_s)
    G0 = 2 * e**2 / h
    G0_SI = G0.subs(SI)
    RK_SI = (h / e**2).subs(SI)

    return Derivation(
        topic="Conduction is transmission",
        symbols=(
            SymbolInfo(g_s, "spin degeneracy (2 without a Zeeman field, 1 per spin-resolved channel)",
                       "g_s in {1, 2}"),
            SymbolInfo(N, "number of open channels", "positive integer"),
            SymbolInfo(sp.Symbol("T"), "transmission eigenvalue T_n of channel n (T[n])", "0 <= T_n <= 1"),
            SymbolInfo(e, "elementary charge", "exact SI value 1.602176634e-19 C"),
            SymbolInfo(h, "Planck constant", "exact SI value 6.62607015e-34 J s"),
        ),
        steps=(
            Step("A conductor whose three channels scatter independently (barriers 1, 2, 3); the "
                 "transmission from lead L to lead R, summed over channels, is", T3),
            Step("With g_s spin-degenerate copies of each channel, the Landauer conductance is",
                 sp.Eq(G, G3)),
            Step("For N channels with transmission eigenvalues T_n (eigenvalues of t^dagger t):",
                 sp.Eq(G, result)),
            Step("One perfectly transmitting spin-degenerate channel: the conductance quantum "
                 "G0 = 2e^2/h in siemens", sp.Eq(sp.Symbol("G0"), sp.Float(G0_SI, 12))),
            Step("and the von Klitzing constant h/e^2 in ohms", sp.Eq(sp.Symbol("R_K"), sp.Float(RK_SI, 12))),
        ),
        lhs=G,
        result=result,
        textbook=g_s * e**2 / h * sp.Sum(Tn[n], (n, 1, N)),
        reference="Landauer, IBM J. Res. Dev. 1, 223 (1957); Büttiker, PRL 57, 1761 (1986); "
                  "Datta (1995), ch. 2",
        ranges={g_s: (1, 2)},
        facts=Facts(G0_SI=G0_SI, R_K_SI=RK_SI, three_channel_T=T3),
    )


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: the conductance quantum 2e^2/h in siemens (exact SI constants)
    G0_SI: sp.Expr
    #: the von Klitzing constant h/e^2 in ohms
    R_K_SI: sp.Expr
    #: sum of the transmissions of three independent channels
    three_channel_T: sp.Expr


def cross_check(der: Derivation) -> CheckReport:
    """Random unitary S (scipy unitary_group, 2 + 2 channels): the derived G/(e^2/h) with
    g_s = 1, N = 2 and T_n the eigenvalues of t^dagger t (numpy) vs lbsym's symbolic
    transmission tr(t^dagger t) of the same S-matrix."""
    from scipy.stats import unitary_group

    G_of_T = (der.result / (e**2 / h)).subs(g_s, 1).subs(N, 2).doit()
    worst, pts = 0.0, 0
    for seed in range(6):
        U = unitary_group.rvs(4, random_state=seed)
        S = SMatrix(sp.Matrix(4, 4, [sp.Float(complex(x).real, 20) + sp.I * sp.Float(complex(x).imag, 20)
                                     for x in U.ravel()]),
                    [("L", 0), ("L", 1), ("R", 0), ("R", 1)])
        T_lbsym = complex(S.transmission("R", "L").evalf(20)).real
        t = U[2:, :2]
        eig = np.linalg.eigvalsh(t.conj().T @ t)
        G_closed = complex(G_of_T.subs({Tn[i + 1]: float(x) for i, x in enumerate(eig)}).evalf(20))
        worst = max(worst, abs(G_closed - T_lbsym))
        pts += 1
    return CheckReport("random unitary 4x4 S-matrices: the formula at the eigenvalues of t^dagger t "
                       "(numpy) vs lbsym's tr(t^dagger t)", worst, pts, 1e-12)


# ------------------------------------------------------------------ lattice check
_LD_L = 5
_LD_W = (1, 2, 3, 5, 8)


def lattice_check(der: Derivation) -> CheckReport:
    """Clean W x L strip: lattice transmission = number of open modes.

    Closed form: the derivation's G = g_s (e^2/h) sum_{n=1}^N T_n with g_s = 1,
    divided by e^2/h, T_n = 1, N = open modes counted from the
    transverse energies -2 cos(pi j/(W + 1)).  Lattice: total transmission,
    the mode count of the lead, and every transmission eigenvalue (= 1).
    """
    from .. import lattice as lat
    syms = {s.name: s for s in der.result.free_symbols}
    G = (der.result / (syms["e"] ** 2 / syms["h"])).subs(syms["g_s"], 1)
    G = G.replace(lambda x: isinstance(x, sp.Indexed), lambda x: sp.Integer(1))
    Nsym = syms["N"]
    worst = 0.0
    pts = 0
    for W in _LD_W:
        sys_ = lat.strip(W=W, L=_LD_L)
        for E in np.linspace(-3.9, 3.9, 40):
            n_open, gap = open_modes(E, W)
            if gap < 0.05 or n_open == 0:  # no S-matrix outside every lead band
                continue
            closed = float(sp.N(G.subs(Nsym, n_open).doit()))
            S = sys_.smatrix(float(E))
            err = abs(S.transmission(1, 0) - closed)
            err = max(err, abs(S.num_modes(0) - n_open), abs(S.num_modes(1) - n_open))
            tau = S.transmission_eigenvalues(1, 0)
            err = max(err, float(np.abs(tau - (1)).max()))
            worst = max(worst, err)
            pts += 1
    return CheckReport(
        method=(f"lattice.strip(W, L={_LD_L}), W in {list(_LD_W)}, 40 energies in [-3.9, 3.9] "
                "at least 0.05 from every threshold: total transmission, mode count and "
                "transmission eigenvalues vs the derivation's g_s (e^2/h) sum T_n with g_s = 1, "
                "T_n = 1, N = open modes"),
        error=worst,
        points=pts,
        tolerance=1e-10,
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from .. import lattice as lat

    W = 5
    E = np.linspace(-3.95, 3.95, 1600)
    eps_j = -2 * np.cos(np.pi * np.arange(1, W + 1) / (W + 1))
    n_open = np.array([np.sum(np.abs(e - eps_j) < 2) for e in E])
    # the derivation's G/(e^2/h) with g_s = 1 and T_n = 1 for each open channel
    N, gs = sp.Symbol("N", positive=True, integer=True), sp.Symbol("g_s", positive=True, integer=True)
    n = sp.Symbol("n", positive=True, integer=True)
    from ..constants import e, h
    per_channel = (der.result / (e**2 / h)).subs(gs, 1)
    G = np.array([float(per_channel.subs(N, int(m)).doit().subs(
        {sp.IndexedBase("T", positive=True)[i]: 1 for i in range(1, int(m) + 1)})) if m else 0.0
        for m in n_open])
    strip = lat.strip(W, 4)
    Ep = np.array([x for x in np.linspace(-3.9, 3.9, 60) if np.min(np.abs(np.abs(x - eps_j) - 2)) > 0.03])
    Gp = []
    for x in Ep:
        try:
            Gp.append(strip.smatrix(float(x)).transmission(1, 0))
        except LbsymError:
            Gp.append(0.0)
    return dict(xlabel=r"Fermi energy $E/t$", ylabel=r"conductance $G$ ($e^2/h$)",
                title=f"Conductance staircase of a clean strip, W = {W}",
                lines=[(r"$\sum_n T_n$ (open channels)", E, G)],
                points=[("lattice strip", Ep, np.array(Gp))])

"""landauer: G = g_s (e^2/h) sum_n T_n and the conductance quantum (seed 1162380)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..constants import SI, e, h
from ..derivation import CheckReport, Derivation, Step, SymbolInfo, register
from ..network import Network
from ..scatterers import barrier
from ..smatrix import SMatrix
from ..transport import conductance, landauer

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

    def cross() -> CheckReport:
        """Random unitary S (scipy unitary_group): lbsym's transmission vs sum of eig(t^dagger t)."""
        from scipy.stats import unitary_group

        worst, pts = 0.0, 0
        for seed in range(6):
            U = unitary_group.rvs(4, random_state=seed)
            S = SMatrix(sp.Matrix(4, 4, [sp.Float(complex(x).real, 20) + sp.I * sp.Float(complex(x).imag, 20)
                                         for x in U.ravel()]),
                        [("L", 0), ("L", 1), ("R", 0), ("R", 1)])
            T_lbsym = complex(S.transmission("R", "L").evalf(20)).real
            t = U[2:, :2]
            T_eig = float(np.sum(np.linalg.eigvalsh(t.conj().T @ t)))
            worst = max(worst, abs(T_lbsym - T_eig))
            pts += 1
        return CheckReport("random unitary 4x4 S-matrices: sum of eigenvalues of t^dagger t (numpy)",
                           worst, pts, 1e-12)

    return Derivation(
        name="landauer",
        title="Landauer formula and the conductance quantum",
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
        facts={"G0_SI": G0_SI, "R_K_SI": RK_SI, "three_channel_T": T3},
        cross_check=cross,
    )

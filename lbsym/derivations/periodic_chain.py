"""periodic-chain: N identical cells, Chebyshev form of T_N (seed 1162404)."""

from __future__ import annotations

import random

import numpy as np
import sympy as sp

from ..algebra import PolarAlgebra
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..network import series
from ..scatterers import barrier, propagation
from ..transfer import transfer_matrix, transfer_power

T1 = sp.Symbol("T1", positive=True)
R1 = sp.Symbol("R1", positive=True)
k = sp.Symbol("k", positive=True)
a = sp.Symbol("a", positive=True)
N = sp.Symbol("N", integer=True, positive=True)
xi = sp.Symbol("xi", real=True)
TN = sp.Symbol("T_N", positive=True)
u, v = sp.symbols("u v", real=True)  # U_{N-1}(xi), U_{N-2}(xi)


def cell():
    """One period: a barrier followed by free propagation over the period a."""
    return series(barrier(1), propagation(k * a))


@register("periodic-chain", "Periodic chain of N identical cells: Chebyshev transmission")
def build() -> Derivation:
    S = cell()
    M = transfer_matrix(S)
    alg = PolarAlgebra(list(M), S.relations, reduce_roots=True)
    half_trace = alg.to_field(M.trace() / 2)
    if half_trace != alg.conj(half_trace):  # pragma: no cover - unimodular cells only
        raise AssertionError("tr M is not real")
    xi_expr = alg.real_expr(half_trace)
    det = sp.simplify(M.det())
    MN = transfer_power(M, N, xi)
    # t'_N = 1/(M^N)_22 ; write U_{N-1} = u, U_{N-2} = v
    m22 = sp.expand(MN[1, 1].subs({sp.chebyshevu(N - 1, xi): u, sp.chebyshevu(N - 2, xi): v}))
    alg2 = PolarAlgebra([m22, xi_expr], S.relations, reduce_roots=True)
    inv_T = alg2.real_expr(alg2.to_field(m22) * alg2.conj(alg2.to_field(m22)))
    # Chebyshev identity U_{n-1}^2 - 2 x U_{n-1} U_{n-2} + U_{n-2}^2 = 1
    inv_T_reduced = sp.expand(sp.expand(inv_T).subs(v**2, 1 - u**2 + 2 * xi_expr * u * v))
    inv_T_reduced = sp.collect(inv_T_reduced, u**2)
    result_inv = inv_T_reduced.subs(u, sp.chebyshevu(N - 1, xi))
    result = 1 / result_inv
    textbook = 1 / (1 + (1 / T1 - 1) * sp.chebyshevu(N - 1, xi) ** 2)

    def cross() -> CheckReport:
        """Direct product of N numeric cell transfer matrices (numpy)."""
        rng = random.Random(11)
        fM = sp.lambdify((T1, R1, sp.Symbol("alpha1", real=True), sp.Symbol("beta1", real=True),
                          k, a), M, modules="numpy")
        fxi = sp.lambdify((T1, sp.Symbol("beta1", real=True), k, a), xi_expr, modules="numpy")
        worst, count = 0.0, 0
        for _ in range(10):
            t1 = rng.uniform(0.05, 0.95)
            al, be, kk, aa = (rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(0.1, 3),
                              rng.uniform(0.5, 2))
            Mn = np.array(fM(t1, 1 - t1, al, be, kk, aa), dtype=complex)
            x = float(fxi(t1, be, kk, aa))
            P = np.eye(2, dtype=complex)
            for n in range(1, 13):
                P = Mn @ P
                T_direct = 1 / abs(P[1, 1]) ** 2
                U = float(sp.chebyshevu(n - 1, x))
                T_closed = 1 / (1 + (1 / t1 - 1) * U**2)
                worst = max(worst, abs(T_direct - T_closed))
                count += 1
        return CheckReport("product of N numeric transfer matrices, N = 1..12 (numpy)",
                           worst, count, 1e-10)

    q = sp.Symbol("q", real=True)
    return Derivation(
        name="periodic-chain",
        title="Periodic chain of N identical cells: Chebyshev transmission",
        topic="Transparency of periodic structures",
        symbols=(
            SymbolInfo(T1, "transmission probability of one cell", "0 < T1 < 1"),
            SymbolInfo(R1, "reflection probability of one cell", "R1 = 1 - T1"),
            SymbolInfo(N, "number of cells", "positive integer"),
            SymbolInfo(xi, "half the trace of the cell transfer matrix, cos(q) inside a band",
                       "real; |xi| <= 1 in a band"),
        ),
        steps=(
            Step("One cell: a barrier followed by free propagation over the period a; its transfer "
                 "matrix (det M = t/t' = 1 by time-reversal symmetry)", M),
            Step("det M =", det),
            Step("Half its trace is real:", sp.Eq(xi, xi_expr)),
            Step("Cayley-Hamilton for a unimodular 2x2 matrix: M^N = U_{N-1}(xi) M - U_{N-2}(xi) 1. "
                 "With u = U_{N-1}(xi), v = U_{N-2}(xi), the transmission of N cells is "
                 "1/|(M^N)_22|^2 with", sp.Eq(1 / TN, inv_T)),
            Step("The Chebyshev identity U_{N-1}^2 - 2 xi U_{N-1} U_{N-2} + U_{N-2}^2 = 1 "
                 "eliminates v:", sp.Eq(1 / TN, inv_T_reduced)),
            Step("Inside a band, xi = cos q and U_{N-1}(cos q) = sin(Nq)/sin q vanishes at the "
                 "N - 1 Bloch phases q = pi j/N, j = 1..N-1: there the chain is transparent, T_N = 1.",
                 None),
        ),
        lhs=TN,
        result=result,
        textbook=textbook,
        reference="Datta (1995), sec. 3.3 and exercise E.3.5; Sprung, Wu, Martorell, "
                  "Am. J. Phys. 61, 1118 (1993)",
        relations={R1: 1 - T1},
        ranges={T1: (0, 1), xi: (-1, 1), N: (1, 12)},
        parts={"xi": Part(xi, xi_expr, "half the trace of the cell transfer matrix")},
        facts={"xi": xi_expr, "det_M": det},
        cross_check=cross,
    )

"""periodic-chain: N identical cells, Chebyshev form of T_N (seed 1162404)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..algebra import PolarAlgebra
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..errors import DerivationError
from ..network import series
from ..numeric import evaluator
from ..scatterers import barrier, propagation
from ..transfer import transfer_matrix, transfer_power
from ._lattice import by_name, impurity_cell, interior_k

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
        raise DerivationError("periodic-chain: tr M of the cell is not real")
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

    return Derivation(
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
        facts=Facts(xi=xi_expr, det_M=det, transfer_matrix=M),
    )


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: xi = tr(M)/2 of one cell in its barrier's T1, phases and k a
    xi: sp.Expr
    #: det M of one cell (1: time-reversal symmetry)
    det_M: sp.Expr
    #: the transfer matrix M of one cell
    transfer_matrix: sp.Matrix


def cross_check(der: Derivation) -> CheckReport:
    """The derived T_N(T1, xi) vs 1/|(M^N)_22|^2 of a direct product of N numeric cell
    transfer matrices, N = 1..12, at random cells (numpy)."""
    rng = random.Random(11)
    alpha1, beta1 = sp.Symbol("alpha1", real=True), sp.Symbol("beta1", real=True)
    fM = evaluator(der.facts.transfer_matrix, relations=der.relations)
    fxi = evaluator(der.facts.xi, relations=der.relations)
    fT = evaluator(der.result, relations=der.relations)
    worst, count = 0.0, 0
    for _ in range(10):
        cell_point = {T1: rng.uniform(0.05, 0.95), alpha1: rng.uniform(-3, 3),
                      beta1: rng.uniform(-3, 3), k: rng.uniform(0.1, 3), a: rng.uniform(0.5, 2)}
        Mn = np.array(fM.at(cell_point), dtype=complex)
        x = float(fxi.at(cell_point))
        P = np.eye(2, dtype=complex)
        for n in range(1, 13):
            P = Mn @ P
            T_direct = 1 / abs(P[1, 1]) ** 2
            T_closed = float(fT.at({**cell_point, N: n, xi: x}))
            worst = max(worst, abs(T_direct - T_closed))
            count += 1
    return CheckReport("product of N numeric transfer matrices, N = 1..12 (numpy)",
                       worst, count, 1e-10)


# ------------------------------------------------------------------ lattice check
_PC_D = (1, 2, 5)
_PC_EPS = (0.6, -1.3)
_PC_N = (1, 2, 3, 5, 8)


def lattice_check(der: Derivation) -> CheckReport:
    """N impurities eps at sites 0, d, ..., (N - 1) d vs the Chebyshev form.

    T1 = |t|^2 and xi = tr(M)/2 of one cell (``series(lattice_impurity,
    propagation(k d))`` and ``transfer_matrix``) fed into the derivation's
    T_N(T1, xi, N).  Energies cover bands and gaps of the superlattice.
    """
    from .. import lattice as lat
    f_xi, f_t = impurity_cell()
    Nsym = next((s for s in der.result.free_symbols if s.name == "N"), None)
    ks = interior_k(25)
    worst = worst_im = 0.0
    pts = 0
    for eps in _PC_EPS:
        c = eps
        for d in _PC_D:
            xi_c = np.asarray(f_xi(c, ks, d), dtype=complex)
            worst_im = max(worst_im, float(np.abs(xi_c.imag).max()))
            xi = xi_c.real
            T1 = np.abs(np.asarray(f_t(c, ks, d), dtype=complex)) ** 2
            for N in _PC_N:
                expr = der.result.subs(Nsym, N) if Nsym is not None else der.result
                T_der = np.asarray(by_name(expr, ("T1", "xi"))(T1, xi), dtype=float)
                T_der = np.broadcast_to(T_der, ks.shape)
                sys_ = lat.chain({j * d: eps for j in range(N)})
                for i, k in enumerate(ks):
                    T_lat = sys_.smatrix(-2 * math.cos(k)).transmission(1, 0)
                    worst = max(worst, abs(T_lat - float(T_der[i])))
                    pts += 1
    return CheckReport(
        method=("lattice.chain with N impurities eps spaced d vs the derivation's "
                "T_N = 1/(1 + (1/T1 - 1) U_{N-1}(xi)^2), T1 and xi = tr(M)/2 from lbsym's "
                "series(lattice_impurity, propagation(k d)) and transfer_matrix; "
                f"eps in {list(_PC_EPS)}, d in {list(_PC_D)}, N in {list(_PC_N)}, {len(ks)} k "
                f"in [0.05, pi - 0.05] (bands and gaps); max |dT| = {worst:.2e}, "
                f"max |Im xi| = {worst_im:.1e}"),
        error=max(worst, worst_im),
        points=pts,
        tolerance=1e-10,
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from .. import lattice as lat
    from ..network import series
    from ..scatterers import lattice_impurity, propagation
    from ..transfer import transfer_matrix

    eps_v, spacing, N = 1.0, 2, 5
    k = sp.Symbol("k", positive=True)
    cell = series(lattice_impurity(sp.Float(eps_v), k), propagation(k * spacing))
    M = transfer_matrix(cell)
    xi_f = sp.lambdify(k, M.trace() / 2, modules="numpy")
    T1_f = sp.lambdify(k, 1 / sp.Abs(M[1, 1]) ** 2, modules="numpy")
    f = evaluator(der.result)
    ks = np.linspace(0.02, np.pi - 0.02, 1200)
    xi = np.real(xi_f(ks))
    T = f(N=N, T1=np.real(T1_f(ks)), xi=xi)  # |M22|^-2 is real; sympy's form of it evaluates complex
    chain = lat.chain({spacing * j: eps_v for j in range(N)})
    kp = np.linspace(0.05, np.pi - 0.05, 45)
    Tp = np.array([chain.smatrix(-2 * np.cos(kk)).transmission(1, 0) for kk in kp])
    return dict(xlabel=r"wave number $k a$", ylabel=r"transmission $T_N$",
                title=f"Periodic chain: N = {N} impurities, spacing {spacing}, $\\epsilon$ = {eps_v}",
                lines=[("closed form", ks, T)], points=[("lattice chain", kp, Tp)],
                bands=(ks, np.abs(xi) <= 1))

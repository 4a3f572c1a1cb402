"""Shared pieces of the catalogue: symbol meanings and the numeric cross-check."""

from __future__ import annotations

import random
from typing import Callable, Iterable

import numpy as np
import sympy as sp

from ..derivation import CheckReport, SymbolInfo


def barrier_symbols(*names: object) -> list[SymbolInfo]:
    """SymbolInfo for T<i>, R<i>, alpha<i>, beta<i> of barriers i in names."""
    out = []
    for i in names:
        out += [
            SymbolInfo(sp.Symbol(f"T{i}", positive=True), f"transmission probability of barrier {i}", "0 < T < 1"),
            SymbolInfo(sp.Symbol(f"R{i}", positive=True), f"reflection probability of barrier {i}", f"R{i} = 1 - T{i}"),
        ]
    return out


def sampled_check(
    method: str,
    closed: Callable[[dict], complex],
    independent: Callable[[dict], complex],
    sample: Callable[[random.Random], dict],
    points: int = 50,
    tol: float = 1e-10,
    seed: int = 7,
) -> CheckReport:
    """Largest |closed - independent| over random admissible points."""
    rng = random.Random(seed)
    worst = 0.0
    for _ in range(points):
        p = sample(rng)
        worst = max(worst, abs(complex(closed(p)) - complex(independent(p))))
    return CheckReport(method=method, error=float(worst), points=points, tolerance=tol)


def closed_form_evaluator(result: sp.Expr) -> Callable:
    """A multi-terminal result in the T_ij (units h/e^2) as f(G) of a conductance matrix G.

    T<i><j> is read from G[i, j]: the derived resistance fed with, e.g., a lattice's
    transmissions, to compare with the lattice's own numeric solve.
    """
    from ..numeric import evaluator

    e, h = sp.Symbol("e", positive=True), sp.Symbol("h", positive=True)
    f = evaluator(result.subs({e: 1, h: 1}))
    idx = [(int(name[1]), int(name[2])) for name in f.args]
    return lambda G: float(f(*[G[i, j] for i, j in idx]))


# ------------------------------------------------------- multi-terminal pieces
def Tsym(i: object, j: object) -> sp.Symbol:
    """T_ij, the transmission from lead j to lead i (a positive symbol ``T<i><j>``)."""
    return sp.Symbol(f"T{i}{j}", positive=True)


def transmission_symbols(leads: Iterable[object]) -> sp.Matrix:
    """The matrix of symbols T_ij between ``leads`` (zero diagonal)."""
    leads = list(leads)
    n = len(leads)
    return sp.Matrix(n, n, lambda a, b: Tsym(leads[a], leads[b]) if a != b else 0)


def sum_rules(leads: Iterable[object]) -> dict:
    """Unitarity sum rules sum_j T_ij = sum_j T_ji, solved for the transmissions into leads[0]."""
    leads = list(leads)
    n = len(leads)
    T = transmission_symbols(leads)
    eqs = [sum(T[a, b] - T[b, a] for b in range(n)) for a in range(n - 1)]
    elim = [Tsym(leads[0], leads[b]) for b in range(1, n)]
    (sol,) = sp.linsolve(eqs, elim)
    return dict(zip(elim, sol))


def buttiker_textbook(i: int, j: int, k: int, l: int, leads: int = 4) -> sp.Expr:
    """Büttiker (1986), written out by hand for comparison: R_{ij,kl} = (h/e^2)(T_ki T_lj - T_kj T_li)/D.

    D is the cofactor of the matrix alpha (alpha_mm = sum_{n != m} T_nm,
    alpha_mn = -T_mn) with terminal 0 struck out; terminals are 0..leads-1.
    """
    from ..constants import e, h

    def a(m: int, n: int) -> sp.Expr:
        return sum(Tsym(q, m) for q in range(leads) if q != m) if m == n else -Tsym(m, n)

    D = sp.Matrix(leads - 1, leads - 1, lambda r, c: a(r + 1, c + 1)).det()
    return h / e**2 * (Tsym(k, i) * Tsym(l, j) - Tsym(k, j) * Tsym(l, i)) / D


def terminal_symbols(leads: Iterable[object]) -> tuple[SymbolInfo, ...]:
    """SymbolInfo for every T_ij between ``leads``, then e and h."""
    from ..constants import e, h

    leads = list(leads)
    infos = [SymbolInfo(Tsym(i, j), f"transmission from lead {j} to lead {i} (spin-resolved)", "T >= 0")
             for i in leads for j in leads if i != j]
    return tuple(infos) + (SymbolInfo(e, "elementary charge", "e > 0"),
                           SymbolInfo(h, "Planck constant", "h > 0"))


# ------------------------------------------------------------------ figures
def batched_cumulants(x: np.ndarray, order: int, batches: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Sample cumulants 1..order over ``batches`` equal batches of the samples ``x``:
    (batch mean, its standard error)."""
    from ..counting_numeric import sample_cumulants

    b = np.array([sample_cumulants(c, order) for c in np.array_split(x, batches)])
    return b.mean(axis=0), b.std(axis=0, ddof=1) / np.sqrt(batches)


def resistance_axes(title: str) -> dict:
    """Axes of a resistance-against-energy figure."""
    return dict(xlabel=r"Fermi energy $E$ (hopping units)", ylabel=r"resistance ($h/e^2$)",
                title=title)


def multiterminal_lattice(result: sp.Expr, sysl, energies, params, lead_map) -> tuple:
    """A multi-terminal closed form fed with lattice T_ij, and MultiTerminal's numeric
    solve of the same lattice conductance matrix, along a sweep."""
    from ..multiterminal import MultiTerminal

    f = closed_form_evaluator(result)
    closed, solved = [], []
    for E, prm in zip(energies, params):
        G = sysl.smatrix(float(E), prm).conductance_matrix()
        closed.append(f(G))
        solved.append(MultiTerminal.from_conductance_matrix(G).four_terminal_resistance(*lead_map))
    return np.array(closed), np.array(solved)

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
    return CheckReport(method=method, max_abs_error=float(worst), points=points, tolerance=tol)


def lambdified(expr: sp.Expr, symbols: Iterable[sp.Symbol]) -> Callable:
    return sp.lambdify(tuple(symbols), expr, modules="numpy")

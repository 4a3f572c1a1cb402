"""Shared pieces of the catalogue's lattice checks: the library's closed forms of
lattice scatterers compiled for numpy, and the grids the checks run on.

Mappings
--------
* 1D lattice: ``E = -2 cos k`` (hopping 1), lead modes ``e^{+-ikm}/sqrt(2 sin k)``
  with ``m = 0`` on the interface site; :func:`lbsym.scatterers.lattice_impurity`
  is the exact S-matrix of one impurity with that phase reference, so free
  propagation over ``d`` sites between two references is the phase ``k d``.
* Three-way lattice junction: :func:`lbsym.scatterers.lattice_junction`, exactly
  Büttiker's junction with ``epsilon = 4/9`` at ``E = 0``.
* ``lattice.ring(n_u, n_l)`` puts the whole Peierls phase ``2 pi phi`` on the
  bond from the first upper site to ``L``, so in the network an electron going
  L -> R along the upper arm gains ``k (n_u + 1) - 2 pi phi`` and
  ``k (n_u + 1) + 2 pi phi`` going back; the lower arm carries ``k (n_l + 1)``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np
import sympy as sp

from ..numeric import evaluator
from ..network import Network, series
from ..scatterers import lattice_impurity, lattice_junction, propagation
from ..transfer import transfer_matrix

k = sp.Symbol("k", positive=True)
d = sp.Symbol("d", positive=True)
_e1, _e2 = sp.symbols("epsilon1 epsilon2", real=True)
_th1, _th2, _phi = sp.symbols("theta_u theta_d phi_AB", real=True)


def by_name(expr: sp.Expr, names: Iterable[str]) -> Callable:
    """``expr`` as a numpy function of the symbols *names*, in that order.

    A symbol of ``expr`` not among ``names`` is an error: the check would
    otherwise evaluate a different formula than the one it names.
    """
    return evaluator(expr).positional(list(names))


def interior_k(n: int, margin: float = 0.05) -> np.ndarray:
    """``n`` wave numbers in (0, pi), at least ``margin`` from the band edges."""
    return np.linspace(margin, math.pi - margin, n)


@lru_cache(maxsize=None)
def impurity_amplitudes() -> Callable:
    """(eps, k) -> (r, t) of :func:`lattice_impurity` (library closed form)."""
    eps = sp.Symbol("eps_imp", real=True)
    S = lattice_impurity(eps, k)
    return sp.lambdify((eps, k), (S["left", "left"], S["right", "left"]), modules="numpy")


@lru_cache(maxsize=None)
def two_impurity_network() -> Callable:
    """(eps1, eps2, k, d) -> 2x2 S of two lattice impurities a distance d apart."""
    net = Network()
    net.add("I1", lattice_impurity(_e1, k)).add("I2", lattice_impurity(_e2, k))
    net.connect("I1.right", "I2.left", phase=k * d)
    net.external("L", "I1.left").external("R", "I2.right")
    S = net.smatrix()
    return sp.lambdify((_e1, _e2, k, d), S.matrix, modules="numpy")


@lru_cache(maxsize=None)
def ring_network() -> Callable:
    """(k, theta_u, theta_d, phi) -> 2x2 S of the ring of two lattice junctions."""
    J = lattice_junction(k)
    net = Network()
    net.add("JL", J).add("JR", J)
    # lattice gauge: the whole Peierls phase on the upper arm, -phi going L -> R
    net.connect("JL.up", "JR.up", phase=_th1, flux=-_phi)
    net.connect("JL.down", "JR.down", phase=_th2)
    net.external("L", "JL.lead").external("R", "JR.lead")
    S = net.smatrix()
    return sp.lambdify((k, _th1, _th2, _phi), S.matrix, modules="numpy")


@lru_cache(maxsize=None)
def impurity_cell() -> tuple[Callable, Callable]:
    """(eps, k, d) -> xi = tr(M)/2 and t of one cell (impurity + propagation k d)."""
    eps = sp.Symbol("eps_cell", real=True)
    S = series(lattice_impurity(eps, k), propagation(k * d))
    M = transfer_matrix(S)
    xi = M.trace() / 2
    return (sp.lambdify((eps, k, d), xi, modules="numpy"),
            sp.lambdify((eps, k, d), S["right", "left"], modules="numpy"))


def open_modes(E: float, W: int) -> tuple[int, float]:
    """Open modes of a clean strip of width W at E, and the distance to a threshold."""
    Ej = -2 * np.cos(np.pi * np.arange(1, W + 1) / (W + 1))
    n_open = int(np.sum(np.abs(E - Ej) < 2))
    gap = float(np.min(np.abs(np.abs(E - Ej) - 2)))
    return n_open, gap

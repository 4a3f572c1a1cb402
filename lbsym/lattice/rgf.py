"""Recursive Green's function (RGF) solver for two-terminal systems.

The system is cut into slices by breadth-first layers from lead 0's
interface sites (all layers from the first one touching lead 1's interface
onwards are merged into the last slice), so ``E - H - Sigma`` is block
tridiagonal.  One sweep from left to right computes, slice by slice,

* ``g_s = (E - H_s - U^dagger g_{s-1} U)^{-1}``  (one LU inversion per slice),
* ``X_s = G_{s0} b_L``, ``Z_s = R_L G_{0s}``, ``Q_s = R_L G_{00} b_L``
  (``b_L``: sources of the incoming modes of lead 0, ``R_L``: readout of its
  outgoing modes; ``U = <s-1|H|s>``),

and the S-matrix follows (Fisher-Lee, in the mode basis of
:mod:`lbsym.lattice.leads`) with the same phase convention as the sparse
solver: ``t = R_R X_N``, ``r = Q_N - R_L phi_in``, ``t' = Z_N b_R``,
``r' = R_R g_N b_R - R_R phi_in``.  When the inter-slice hoppings are
diagonal (square-lattice strips, Landau gauge along the strip) the products
with ``U`` are elementwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import scipy.sparse as sp
from scipy.linalg import get_lapack_funcs
from scipy.sparse.csgraph import shortest_path

from .leads import LeadModes
from ._result import SingularSolve, SMatrix, finish, rhs_and_readout

if TYPE_CHECKING:  # pragma: no cover
    from .system import System

__all__ = ["find_slices", "rgf_smatrix"]


class Slices:
    """Orbital indices of each slice, and where the lead interfaces sit in the end slices."""

    __slots__ = ("orbitals", "sizes", "perm", "lead_pos")

    def __init__(self, orbitals, lead_pos):
        self.orbitals = tuple(orbitals)
        self.sizes = np.array([len(o) for o in orbitals])
        self.perm = np.concatenate(orbitals)
        self.lead_pos = lead_pos


def find_slices(fsys, ij: np.ndarray) -> Slices | None:
    """Slice a two-terminal system for the RGF solver, or return None if it is not two-terminal.

    ``ij`` are the bonds as pairs of site indices.  Layers are breadth-first
    distances from lead 0's interface (one C-level shortest-path search from a
    virtual source bonded to every interface site).
    """
    if len(fsys.leads) != 2:
        return None
    n = len(fsys.sites)
    src = np.array(sorted(set(fsys.leads[0].interface)), dtype=np.int64)
    rows = np.concatenate([ij[:, 0], np.full(len(src), n)])
    cols = np.concatenate([ij[:, 1], src])
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1)).tocsr()
    dist = shortest_path(graph, directed=False, unweighted=True, indices=n)[:n]
    if not np.all(np.isfinite(dist)):
        return None  # parts not reachable from lead 0
    layer = dist.astype(np.int64) - 1
    last = int(layer[list(fsys.leads[1].interface)].min())
    layer = np.minimum(layer, last)
    no = fsys.norbs
    order = np.argsort(layer, kind="stable")  # sites by layer, ascending index within a layer
    counts = np.bincount(layer, minlength=last + 1)
    orbitals = [(sites[:, None] * no + np.arange(no)[None, :]).ravel()
                for sites in np.split(order, np.cumsum(counts)[:-1])]
    lead_pos = []
    for lead, s in zip(fsys.leads, (0, last)):
        where = {int(o): p for p, o in enumerate(orbitals[s])}
        lead_pos.append(np.array([where[int(o)] for o in lead.interface_orbitals]))
    return Slices(orbitals, tuple(lead_pos))


class Blocks:
    """The slice blocks of ``E - H`` in compact form (energy independent, cached per parameter set).

    Slice Hamiltonians are kept as coordinate lists (``-H_s``, one row
    range per slice) and densified one slice at a time during the sweep, so
    memory stays O(nonzeros) instead of O(slices * width^2).  Inter-slice
    couplings ``U_s = <s|H|s+1>`` are kept as one scalar (``scalar``: ``U = c 1``
    on every slice, uniform strips), as diagonals (``diag``), or as dense
    blocks only when they are neither.
    """

    __slots__ = ("sizes", "ptr", "lr", "lc", "data", "Ud", "diag", "scalar", "hnorm", "wmax")

    def __init__(self, fsys, params: Mapping[str, Any]) -> None:
        sl = fsys._slices
        H = fsys.hamiltonian(params).tocoo()
        sizes = sl.sizes
        ns, wmax = len(sizes), int(sizes.max())
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        inv_perm = np.empty(len(sl.perm), dtype=np.int64)
        inv_perm[sl.perm] = np.arange(len(sl.perm))
        sid = np.repeat(np.arange(ns), sizes)
        r, c = inv_perm[H.row], inv_perm[H.col]
        sr, sc = sid[r], sid[c]
        lr, lc = r - starts[sr], c - starts[sc]
        on = np.flatnonzero(sr == sc)
        on = on[np.argsort(sr[on], kind="stable")]
        self.sizes, self.wmax = sizes, wmax
        self.ptr = np.searchsorted(sr[on], np.arange(ns + 1))
        self.lr, self.lc, self.data = lr[on], lc[on], -H.data[on]
        up = sc == sr + 1
        self.diag = self.scalar = self.Ud = None
        ud_max = float(np.abs(H.data[up]).max()) if up.any() else 0.0
        uniform = ns > 1 and np.all(sizes == wmax) and np.all(lr[up] == lc[up])
        if uniform:
            d = np.zeros((ns - 1, wmax), dtype=complex)
            np.add.at(d, (sr[up], lr[up]), H.data[up])
            if np.all(d == d[0, 0]) and d[0, 0] != 0:
                self.scalar = complex(d[0, 0])  # U = c * 1 on every slice
            else:
                self.diag = (d, np.conj(d)[:, :, None] * d[:, None, :])
        elif ns > 1:
            Ud = np.zeros((ns - 1, wmax, wmax), dtype=complex)
            np.add.at(Ud, (sr[up], lr[up], lc[up]), H.data[up])
            self.Ud = Ud
        self.hnorm = float(max(np.abs(self.data).max() if self.data.size else 0.0, ud_max))

    def block(self, s: int) -> np.ndarray:
        """A fresh dense ``-H_s``."""
        w = int(self.sizes[s])
        a = np.zeros((w, w), dtype=complex)
        p0, p1 = self.ptr[s], self.ptr[s + 1]
        a[self.lr[p0:p1], self.lc[p0:p1]] = self.data[p0:p1]  # entries are unique (summed CSR)
        return a

    def stacked(self, stop: int) -> np.ndarray:
        """``-H_s`` for slices ``0 .. stop - 1`` as one (stop, w, w) array (equal widths)."""
        w = self.wmax
        a = np.zeros((stop, w, w), dtype=complex)
        p1 = self.ptr[stop]
        sid = np.repeat(np.arange(stop), np.diff(self.ptr[: stop + 1]))
        a[sid, self.lr[:p1], self.lc[:p1]] = self.data[:p1]
        return a


def _blocks(fsys, params: Mapping[str, Any]) -> Blocks:
    """The system's :class:`Blocks` for these parameter values (cached on the system)."""
    return fsys._cached("rgf", params, lambda: Blocks(fsys, params))


def _inverter(w: int, limit: float):
    """Slice inverter (LAPACK getrf + getri); refuses LU pivots smaller than ``limit``.

    A tiny pivot (a huge left-connected Green's function) means the part of the system
    left of the slice has a (nearly) real pole: a state decoupled from lead
    0 at this energy.  The recursion then loses all precision while the
    S-matrix may still look unitary, so the caller falls back to the sparse
    solver instead.
    """
    getrf, getri, getri_lwork = get_lapack_funcs(("getrf", "getri", "getri_lwork"), dtype=np.complex128)
    lwork, _ = getri_lwork(w)
    lwork = int(np.real(lwork))

    def inv(a: np.ndarray) -> np.ndarray:
        lu, piv, info = getrf(a, overwrite_a=True)
        if info == 0 and np.abs(np.diagonal(lu)).min() > limit:  # no (nearly) vanishing pivot
            res, info = getri(lu, piv, lwork=lwork, overwrite_lu=True)
        else:
            info = 1
        if info != 0:
            raise SingularSolve(
                "E - H - Sigma is (nearly) singular on a slice of the RGF recursion: part of the system has a "
                "bound state decoupled from the leads at this energy"
            )
        return res

    return inv


def _sweep_scalar(blocks, g, X, Z, Q, c, energy, N, w, pR, sigma_R, inv, limit):
    """The sweep when every inter-slice hopping is ``c * 1``: fewest operations per slice.

    With ``|c| = 1`` the phases of the chains are collected at the end:
    ``X_s = conj(c)^s Xt_s``, ``Z_s = c^s Zt_s`` and ``Q`` gains ``Zt_{s-1} Xt_s``.
    For narrow slices (where call overhead dominates) LAPACK is called
    directly and the pivots are checked once, after the sweep.
    """
    cc = abs(c) ** 2
    unit = cc == 1.0
    didx = np.arange(w) * (w + 1)
    small = w <= 24
    if small:  # fold E into all diagonal blocks at once (cheap for narrow slices)
        EmH = blocks.stacked(N + 1)
        EmH.reshape(N + 1, -1)[:, didx] += energy
        getrf, getri, getri_lwork = get_lapack_funcs(("getrf", "getri", "getri_lwork"), dtype=np.complex128)
        lwork = int(np.real(getri_lwork(w)[0]))
        pivots = np.empty((N, w), dtype=complex)
    for s in range(1, N + 1):
        if small:
            a = EmH[s] - g if unit else EmH[s] - cc * g
        else:
            a = blocks.block(s)
            a -= g if unit else cc * g
            a.ravel()[didx] += energy
        if s == N:
            a[np.ix_(pR, pR)] -= sigma_R
        if small:
            lu, piv, info = getrf(a, overwrite_a=True)
            pivots[s - 1] = lu.ravel()[didx]
            g, info2 = getri(lu, piv, lwork=lwork, overwrite_lu=True)
            if info or info2:
                raise SingularSolve("E - H - Sigma is singular on a slice of the RGF recursion")
        else:
            g = inv(a)
        if unit:
            X = g @ X
            Q += Z @ X
            Z = Z @ g
        else:
            X = g @ (np.conj(c) * X)
            zb = c * Z
            Q += zb @ X
            Z = zb @ g
    if small and N and not np.abs(pivots).min() > limit:
        raise SingularSolve(
            "E - H - Sigma is (nearly) singular on a slice of the RGF recursion: part of the system has a "
            "bound state decoupled from the leads at this energy"
        )
    if unit:
        X = X * np.conj(c) ** N
        Z = Z * c ** N
    return g, X, Z, Q


def rgf_smatrix(fsys: System, energy: float, params: Mapping[str, Any], modes: list[LeadModes]) -> SMatrix:
    """Two-terminal S-matrix by the recursive Green's function method (see module docstring)."""
    sl = fsys._slices
    blocks = _blocks(fsys, params)
    diag, scalar = blocks.diag, blocks.scalar
    sizes = sl.sizes
    N = len(sizes) - 1
    (rhsL, roL, subL), (rhsR, roR, subR) = (rhs_and_readout(m) for m in modes)
    pL, pR = sl.lead_pos
    w0, wN = int(sizes[0]), int(sizes[N])
    bL = np.zeros((w0, rhsL.shape[1]), complex); bL[pL] = rhsL
    RL = np.zeros((roL.shape[0], w0), complex); RL[:, pL] = roL
    bR = np.zeros((wN, rhsR.shape[1]), complex); bR[pR] = rhsR
    RR = np.zeros((roR.shape[0], wN), complex); RR[:, pR] = roR
    invs = {}
    hscale = max(abs(energy), blocks.hnorm, max(float(np.abs(m.selfenergy).max()) for m in modes))
    limit = 1e-10 * hscale

    def inv(a):
        w = a.shape[0]
        if w not in invs:
            invs[w] = _inverter(w, limit)
        return invs[w](a)

    def diag_block(s):
        w = int(sizes[s])
        a = blocks.block(s)
        a.ravel()[:: w + 1] += energy
        if s == 0:
            a[np.ix_(pL, pL)] -= modes[0].selfenergy
        if s == N:
            a[np.ix_(pR, pR)] -= modes[1].selfenergy
        return a

    g = inv(diag_block(0))
    X = g @ bL
    Z = RL @ g
    Q = Z @ bL
    if scalar is not None and N > 0:
        g, X, Z, Q = _sweep_scalar(blocks, g, X, Z, Q, scalar, energy, N, int(sizes[0]), pR,
                                   modes[1].selfenergy, inv, limit)
        N = 0  # swept
    for s in range(1, N + 1):
        wp, w = int(sizes[s - 1]), int(sizes[s])
        if diag is not None:
            u = diag[0][s - 1]
            a = diag_block(s)
            a -= diag[1][s - 1] * g
            g = inv(a)
            X = g @ (np.conj(u)[:, None] * X)
            zb = Z * u[None, :]
        else:
            U = blocks.Ud[s - 1, :wp, :w]
            Uh = U.conj().T
            a = diag_block(s) - Uh @ g @ U
            g = inv(a)
            X = g @ (Uh @ X)
            zb = Z @ U
        Z = zb @ g
        Q += zb @ X
    t = RR @ X
    r = Q - subL
    tp = Z @ bR
    rp = RR @ (g @ bR) - subR
    return finish([[r, tp], [t, rp]], energy, modes)

"""Scattering matrices of tight-binding systems: the result object and the sparse solver.

Conventions
-----------
* ``S`` maps incoming to outgoing propagating modes, all normalized to unit
  current: ``b_out = S a_in``.  Rows (outgoing) and columns (incoming) are
  ordered by lead (attach order), then by mode within a lead as documented in
  :mod:`lbsym.lattice.leads` (momentum ascending; spin up first among
  degenerate modes).
* Phase reference: in lead ``l`` the wave is
  ``psi_m = sum_in a phi_in lambda_in^m + sum_out b phi_out lambda_out^m +
  evanescent``, with ``m = 0`` at the lead's interface cell (the system sites
  it is attached to) and ``m`` growing away from the system.  For a 1D chain
  lead the modes are ``e^{+-ikm}/sqrt(v)``, ``v = 2 t sin k``: e.g. a single
  impurity ``eps`` at site 0 with both leads attached at site 0 gives
  ``t = 2i sin k / (2i sin k - eps)`` and ``r = eps / (2i sin k - eps)``.
* Conductance matrix (units of e^2/h per spin-resolved channel, lbsym's
  convention): ``G_ij = T_ij`` for ``i != j`` and ``G_ii = R_ii - N_i``, so
  that ``I_i = sum_j G_ij V_j`` equals ``sum_j (T_ij V_j - T_ji V_i)`` (the
  DESIGN's multi-terminal formula; current out of the system into lead i);
  rows and columns sum to zero.  Kwant's ``conductance_matrix()`` is the
  negative: ``conductance_matrix(convention='kwant')``.
* BLAS threads: a solve is many small LAPACK calls (slices tens to hundreds
  wide), which threading only slows (on a shared 2-core machine threaded
  OpenBLAS made single solves 20-70x slower).  Inside :func:`smatrix` BLAS
  is limited to ``LBSYM_BLAS_THREADS`` threads (environment variable,
  default 1; ``0`` leaves BLAS alone) through ``threadpoolctl`` when it is
  installed (optional, not a dependency: ``pip install threadpoolctl``);
  without it set ``OPENBLAS_NUM_THREADS=1`` (or ``OMP_NUM_THREADS``)
  before numpy is imported.  Parallelize over energies instead
  (:mod:`lbsym.lattice.sweep` with an executor).
* Energies below every lead's band edge give an S-matrix with no open
  channels (shape (0, 0), all transmissions 0), as in Kwant.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg import get_lapack_funcs

from ..errors import LatticeError
from ._result import SingularSolve, SMatrix, finish, rhs_and_readout
from .leads import LeadModes, lead_modes_and_bloch, reversed_bloch, reversed_schur
from .rgf import rgf_smatrix

if TYPE_CHECKING:  # pragma: no cover
    from .system import System

__all__ = ["SMatrix", "smatrix", "SingularSolve", "finish", "rhs_and_readout"]

#: Largest |S^dagger S - 1| accepted before a result is refused as ill-conditioned.
UNITARITY_TOL = 1e-7
#: Below this |S^dagger S - 1| a route's result is taken without trying a more robust route.
GOOD_UNITARITY = 1e-11
#: ... or below this multiple of the lead modes' own error (:attr:`LeadModes.residual`): an exact
#: solve with those modes is unitary only to ~2-3 times it (measured: strips in a field, where the
#: residual reaches 1e-10), so a more robust route cannot do better and is not tried.
MODE_ERROR_FACTOR = 10.0


#: Largest system (orbitals) for which a singular solve falls back to dense least squares.
DENSE_FALLBACK = 4000


_CONTROLLER: list = []  # the threadpoolctl controller, made at the first solve (BLAS loaded by then)


def blas_limits():
    """Context manager limiting BLAS to ``LBSYM_BLAS_THREADS`` threads (default 1; see module notes)."""
    raw = os.environ.get("LBSYM_BLAS_THREADS", "1")
    try:
        n = int(raw)
    except ValueError:
        raise LatticeError(f"LBSYM_BLAS_THREADS: expected a non-negative integer, got {raw!r}") from None
    if n <= 0:
        return nullcontext()
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    ctl = _CONTROLLER[0]
    return nullcontext() if ctl is None else ctl.limit(limits=n, user_api="blas")


def _check_energy(energy: Any) -> float:
    if isinstance(energy, (bool, np.bool_)):
        raise LatticeError(f"energy: expected a real number, got {energy!r}")
    try:
        e = complex(energy)
    except (TypeError, ValueError) as exc:
        raise LatticeError(f"energy: expected a real number, got {energy!r}") from exc
    if e.imag != 0 or not np.isfinite(e.real):
        raise LatticeError(f"energy: expected a finite real number, got {energy!r}")
    return e.real


def prepare_leads(fsys: System, energy: float, params: Mapping[str, Any]) -> list[LeadModes]:
    """Modes of every lead (some or all may have no open channel)."""
    if not fsys.leads:
        raise LatticeError("the system has no leads: expected at least one attached lead for an S-matrix")
    modes, seen, blochs, schurs = [], {}, {}, {}
    for k, lead in enumerate(fsys.leads):
        h, v = lead.matrices(params)
        key = (h.tobytes(), (v + 0.0).tobytes(), h.shape)  # + 0.0: -0.0 and 0.0 give one key
        if key not in seen:  # identical leads (e.g. both ends of a strip) share one mode computation
            # a lead facing the other way (same h, hopping V^dagger: the two ends of a strip in a
            # field) reuses the eigenproblem's solutions with lambda -> 1/lambda
            reverse = (h.tobytes(), (np.ascontiguousarray(v.conj().T) + 0.0).tobytes(), h.shape)
            try:
                seen[key], blochs[key], schurs[key] = lead_modes_and_bloch(
                    h, v, energy, norbs=fsys.norbs, bloch=reversed_bloch(blochs.get(reverse)),
                    schur=reversed_schur(schurs.get(reverse)))
            except LatticeError as exc:
                raise LatticeError(f"lead {k}: {exc}") from None
        m = seen[key]
        d = lead.interface_phases(params)
        modes.append(m if d is None else _gauge_transformed(m, d))
    return modes


def _gauge_transformed(m: LeadModes, d: np.ndarray) -> LeadModes:
    """Modes of a lead in its own gauge, expressed in the system's gauge at the interface.

    ``psi_lead = D psi_system`` with ``D = diag(d)``: vectors get ``D^dagger``,
    matrices on the interface ``D^dagger M D``.
    """
    dc = np.conj(d)
    arrays = dict(
        phi_out=dc[:, None] * m.phi_out, phi_in=dc[:, None] * m.phi_in,
        lambda_out=m.lambda_out, lambda_in=m.lambda_in,
        velocity_out=m.velocity_out, velocity_in=m.velocity_in,
        phi_ret=dc[:, None] * m.phi_ret, lambda_ret=m.lambda_ret,
        phi_ret_inv=m.phi_ret_inv * d[None, :],
        selfenergy=dc[:, None] * m.selfenergy * d[None, :],
        hop=dc[:, None] * m.hop * d[None, :],
    )
    for a in arrays.values():
        a.setflags(write=False)
    return LeadModes(**arrays, residual=m.residual)


#: SuperLU options tried for the first sparse attempt: E - H - Sigma is structurally symmetric, so
#: an ordering of A + A^T with diagonal pivots preferred (threshold 0.01) often fills far less
#: than COLAMD (1.5-2x faster on the Hall bar and the cross, slower on long strips: the ordering
#: of least fill is chosen per system, see _factorize); the robust default (COLAMD, partial
#: pivoting) follows if the result misses the unitarity gate.
FAST_LU = dict(permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.01, options=dict(SymmetricMode=True))


_getrf, _getrs = get_lapack_funcs(("getrf", "getrs"), dtype=np.complex128)

def _factorize(fsys: System, M: sp.csc_matrix, fast: bool):
    """SuperLU of ``M``; ``fast``: with the ordering (symmetric-mode MMD or COLAMD) of least fill.

    Which ordering fills less depends on the geometry (MMD on the Hall bar
    and the cross, COLAMD on long strips), not on the energy: the first
    fast solve of a system tries both and remembers the winner.
    """
    if not fast:
        return spla.splu(M)
    choice = fsys._cache.get(("lu-ordering",))
    if choice is not None:
        return spla.splu(M, **choice)
    best = None
    for opts in (FAST_LU, {}):
        try:
            lu = spla.splu(M, **opts)
        except RuntimeError:
            continue
        fill = lu.L.nnz + lu.U.nnz
        if best is None or fill < best[0]:
            best = (fill, opts, lu)
    if best is None:
        raise RuntimeError("singular")
    fsys._cache[("lu-ordering",)] = best[1]
    return best[2]


#: Systems up to this many orbitals are solved first by one dense LU of ``E - H - Sigma`` (for a
#: 1D ring of 120 sites one LU costs less than the Python overhead of a slice-by-slice sweep).
SMALL_DENSE = 300


def sparse_smatrix(fsys: System, energy: float, params: Mapping[str, Any], modes: list[LeadModes], *,
                   dense: bool = False, fast: bool = False, direct: bool = False) -> SMatrix:
    """S-matrix by one sparse LU of ``E - H - sum Sigma`` (any geometry, any number of leads).

    With ``dense=True`` the system is solved by dense least squares instead,
    which stays valid at a bound state in the continuum (``E - H - Sigma``
    singular, the bound state decoupled from the leads' propagating modes).
    With ``direct=True`` by one dense LU (small systems; singular -> :class:`SingularSolve`).
    """
    H = fsys.hamiltonian(params)
    n = H.shape[0]
    rows, cols, vals = [], [], []
    rhs_cols, readouts, subtract = [], [], []
    for lead, m in zip(fsys.leads, modes):
        o = lead.interface_orbitals
        rows.append(np.repeat(o, len(o))); cols.append(np.tile(o, len(o))); vals.append(m.selfenergy.ravel())
        rhs, ro, sub = rhs_and_readout(m)
        rhs_cols.append((o, rhs)); readouts.append((o, ro)); subtract.append(sub)
    nin = sum(r[1].shape[1] for r in rhs_cols)
    if direct:
        M = -H.toarray()
        M.ravel()[:: n + 1] += energy
        np.subtract.at(M, (np.concatenate(rows), np.concatenate(cols)), np.concatenate(vals))
    else:
        M = (sp.identity(n, dtype=complex, format="csr") * energy - H
             - sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)))
    B = np.zeros((n, nin), dtype=complex)
    col = 0
    for o, rhs in rhs_cols:
        np.add.at(B, (o[:, None], col + np.arange(rhs.shape[1])[None, :]), rhs)
        col += rhs.shape[1]
    if direct:
        lu, piv, info = _getrf(M, overwrite_a=True)
        if info != 0 or np.abs(np.diagonal(lu)).min() <= 1e-12 * max(1.0, np.abs(lu).max()):
            raise SingularSolve(f"E - H - Sigma is (nearly) singular at E={energy!r} (dense LU)")
        psi, info = _getrs(lu, piv, B) if nin else (B, 0)
    elif dense:
        import scipy.linalg as la

        psi = la.lstsq(M.toarray(), B)[0] if nin else B
    else:
        try:
            lu = _factorize(fsys, M.tocsc(), fast)
        except RuntimeError as exc:
            raise SingularSolve(
                f"E - H - Sigma is singular at E={energy!r}: the system has a bound state decoupled from all "
                "leads at this energy; expected an energy away from it"
            ) from exc
        psi = lu.solve(B) if nin else B
        if not np.all(np.isfinite(psi)):
            raise SingularSolve(f"the sparse solve at E={energy!r} produced non-finite values (singular system)")
    blocks = []
    offs = np.cumsum([0] + [m.num_modes for m in modes])
    for i, (o, ro) in enumerate(readouts):
        row = []
        for j in range(len(modes)):
            blk = ro @ psi[o, offs[j]:offs[j + 1]]
            if i == j:
                blk = blk - subtract[i]
            row.append(blk)
        blocks.append(row)
    return finish(blocks, energy, modes)


def smatrix(fsys: System, energy: float, params: Mapping[str, Any] | None = None, *, method: str = "auto") -> SMatrix:
    """Scattering matrix of a finalized system at ``energy``.

    Parameters
    ----------
    fsys : System
    energy : float
    params : dict, optional
        Values of the named parameters of the system's value functions.
    method : {'auto', 'sparse', 'rgf'}
        'rgf' (recursive Green's function, two-terminal systems that slice)
        or 'sparse' (sparse LU, any system).  'auto' picks 'rgf' when possible.
        If a slice of the RGF recursion is (nearly) singular (part of the
        system holds a state decoupled from a lead at this energy) or the
        result is not unitary to ``GOOD_UNITARITY`` (or, if larger, ``MODE_ERROR_FACTOR`` times the lead
        modes' own error :attr:`LeadModes.residual`), the sparse solver is
        used instead; if the whole problem is singular (a bound state in the
        continuum) a dense least-squares solve, for systems up to
        ``DENSE_FALLBACK`` orbitals.  The most unitary result is returned;
        :class:`LatticeError` if even that misses ``UNITARITY_TOL``.

    Returns
    -------
    SMatrix
    """
    energy = _check_energy(energy)
    params = fsys._check_params(params)
    if method not in ("auto", "sparse", "rgf"):
        raise LatticeError(f"method: expected 'auto', 'sparse' or 'rgf', got {method!r}")
    if method == "rgf" and not fsys.has_rgf_slices:
        raise LatticeError("method='rgf' needs a two-terminal system that can be cut into slices; got "
                           f"{len(fsys.leads)} leads or an unsliceable geometry (use method='sparse')")
    with blas_limits():
        return _smatrix(fsys, energy, params, method)


def _smatrix(fsys: System, energy: float, params: dict[str, Any], method: str) -> SMatrix:
    modes = prepare_leads(fsys, energy, params)
    if sum(m.num_modes for m in modes) == 0:  # below every band edge: nothing propagates, T = 0 (as Kwant)
        return finish([], energy, modes)
    good = max(GOOD_UNITARITY, MODE_ERROR_FACTOR * max(m.residual for m in modes))
    routes = ["sparse-fast", "sparse", "dense"] if fsys.num_orbitals <= DENSE_FALLBACK else ["sparse-fast", "sparse"]
    if method == "auto" and fsys.num_orbitals <= SMALL_DENSE:
        routes.insert(0, "direct")
    if method == "rgf" or (method == "auto" and fsys.has_rgf_slices and fsys.num_orbitals > SMALL_DENSE):
        routes.insert(0, "rgf")
    best, best_err, singular = None, np.inf, None
    for route in routes:
        # a (nearly) singular RGF slice or sparse LU (a state decoupled from some lead at this energy)
        # or a loss of precision falls through to the next, more robust route
        try:
            if route == "rgf":
                S = rgf_smatrix(fsys, energy, params, modes)
            else:
                S = sparse_smatrix(fsys, energy, params, modes, dense=route == "dense", fast=route == "sparse-fast",
                                   direct=route == "direct")
        except SingularSolve as exc:
            singular = exc
            continue
        err = S.unitarity_error()
        if err < best_err:
            best, best_err = S, err
        if err <= good:
            return S
    if best is None:
        raise singular
    if best_err > UNITARITY_TOL:
        raise LatticeError(
            f"the S-matrix at E={energy!r} is not unitary to {UNITARITY_TOL:g} (error {best_err:.1e}): the "
            "solve is ill-conditioned (energy at a band edge or at a bound state decoupled from the leads); "
            "expected an energy away from both"
        )
    return best

"""Modes and self-energies of translationally invariant leads.

Conventions
-----------
A lead is given by its cell Hamiltonian ``h`` (n x n, Hermitian) and the
inter-cell hopping ``V = <cell m|H|cell m+1>`` (cells numbered away from the
system).  Bloch solutions are ``psi_m = lambda^m phi`` with

    (E - h - V lambda - V^dagger / lambda) phi = 0,

solved as the generalized eigenproblem of size 2n

    [[0, 1], [-V^dagger, E - h]] x = lambda [[1, 0], [0, V]] x,   x = (phi, lambda phi),

which stays valid when ``V`` is singular (its infinite eigenvalues are
discarded, its zero eigenvalues are kept as modes that vanish beyond cell 0).

* The particle current of a mode from cell m to m+1 is
  ``v = -2 Im(lambda phi^dagger V phi)``; propagating modes (``|lambda| = 1``)
  are normalized to ``|v| = 1`` (unit current).  ``v > 0``: outgoing (moving
  away from the system), ``v < 0``: incoming.
* Modes with the same ``lambda`` (e.g. spin) are orthogonalized by current
  (the current form is diagonalized in their span); among modes of equal
  velocity the basis diagonalizes the orbital parity ``diag(+1, -1, ...)``
  within a site, i.e. ``sigma_z`` for ``norbs = 2`` (spin up first).
* Order: outgoing and incoming modes are each sorted by momentum
  ``k = arg(lambda)`` ascending in ``(-pi, pi]``; ties (degenerate modes) by
  the rule above.
* Phase: the largest component of each mode vector (the first one if several
  are equal within 1e-6) is real and positive.  A 1D chain lead thus has the
  mode ``e^{ikm} / sqrt(v)``, ``v = 2 t sin k``.
* Self-energy ``Sigma = V Phi Lambda Phi^{-1}`` with ``Phi`` the outgoing and
  decaying modes; for the 1D chain ``Sigma = -t e^{ik}``
  (:func:`selfenergy_1d`).
* Energies within ~1e-8 t of a band edge (a mode opening, ``|v|`` or
  ``|log|lambda||`` below ``edge_tol``) raise :class:`LatticeError` instead
  of returning an ill-conditioned result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as la

from ..errors import LatticeError

__all__ = ["LeadModes", "lead_modes", "selfenergy_1d", "EDGE_TOL"]

#: Dimensionless distance to a band edge (in k, or in log|lambda|) below which
#: mode computations are refused.  |E - edge| ~ t * EDGE_TOL**2.
EDGE_TOL = 1e-4


@dataclass(frozen=True)
class LeadModes:
    """Modes of a lead at one energy (all arrays read-only).

    Attributes
    ----------
    phi_out, phi_in : ndarray (n, N)
        Outgoing / incoming propagating mode vectors (unit current).
    lambda_out, lambda_in : ndarray (N,)
        Their Bloch factors ``e^{ik}``.
    velocity_out, velocity_in : ndarray (N,)
        Velocities (positive out, negative in) before normalization.
    momentum_out, momentum_in : ndarray (N,)
        ``k = arg(lambda)``.
    phi_ret, lambda_ret : ndarray
        Outgoing then decaying modes (n of them): the retarded basis.  When
        the decaying eigenvectors are ill-conditioned (nearly degenerate
        evanescent modes, e.g. in a field: Dyson residual above
        ``REFINE_RESIDUAL``), the decaying columns are an orthonormal
        Schur basis of their span instead (``lambda_ret`` still lists the
        decaying Bloch factors); ``phi_ret_inv`` and ``selfenergy`` use
        that basis, and only the span enters the S-matrix.
    phi_ret_inv : ndarray (n, n)
    selfenergy : ndarray (n, n)
        ``V Phi_ret Lambda_ret Phi_ret^{-1}``.
    hop : ndarray (n, n)
        The inter-cell hopping ``V``.
    residual : float
        Accuracy of the modes: ``max |Sigma - V (E - h - Sigma)^-1 V^dagger|``
        relative to ``max |V|`` (the self-energy's own Dyson equation).  An
        exact solve of the scattering problem with these modes is unitary only
        to about this (a few times it); in a field, where the transfer
        matrix is far from normal, it can reach 1e-10.
    """

    phi_out: np.ndarray
    phi_in: np.ndarray
    lambda_out: np.ndarray
    lambda_in: np.ndarray
    velocity_out: np.ndarray
    velocity_in: np.ndarray
    phi_ret: np.ndarray
    lambda_ret: np.ndarray
    phi_ret_inv: np.ndarray
    selfenergy: np.ndarray
    hop: np.ndarray
    residual: float = 0.0

    @property
    def num_modes(self) -> int:
        return self.phi_out.shape[1]

    @property
    def momentum_out(self) -> np.ndarray:
        return np.angle(self.lambda_out)

    @property
    def momentum_in(self) -> np.ndarray:
        return np.angle(self.lambda_in)


def _fix_phase(vecs: np.ndarray) -> np.ndarray:
    """Make the largest component (the first within 1e-6 of the largest) of each column real positive."""
    if vecs.shape[1] == 0:
        return vecs
    mag = np.abs(vecs)
    first = np.argmax(mag >= (1 - 1e-6) * mag.max(axis=0), axis=0)
    cols = np.arange(vecs.shape[1])
    return vecs * (np.conj(vecs[first, cols]) / mag[first, cols])[None, :]


def _orbital_parity(n: int, norbs: int) -> np.ndarray:
    par = np.ones(norbs)
    par[1::2] = -1.0
    return np.tile(par, n // norbs)


def _split_group(Q: np.ndarray, lam: complex, V: np.ndarray, parity: np.ndarray, scale: float):
    """Orthogonalize degenerate propagating modes (span of Q) by current.

    Returns a list of (vector, velocity) normalized to unit current.
    """
    if Q.shape[1] == 1:
        q = Q[:, 0] / np.linalg.norm(Q[:, 0])
        vel = float(np.real(q.conj() @ (1j * (lam * (V @ q) - np.conj(lam) * (V.conj().T @ q)))))
        return [(q, vel)]
    Q, _ = np.linalg.qr(Q)
    J = Q.conj().T @ (1j * (lam * V - np.conj(lam) * V.conj().T)) @ Q
    J = 0.5 * (J + J.conj().T)
    vel, U = np.linalg.eigh(J)
    Q = Q @ U
    out = []
    start = 0
    order = np.argsort(-vel, kind="stable")  # group equal velocities
    vel, Q = vel[order], Q[:, order]
    while start < len(vel):
        stop = start + 1
        while stop < len(vel) and abs(vel[stop] - vel[start]) < 1e-8 * scale:
            stop += 1
        block = Q[:, start:stop]
        if stop - start > 1:
            Z = block.conj().T @ (parity[:, None] * block)
            _, Uz = np.linalg.eigh(0.5 * (Z + Z.conj().T))
            block = block @ Uz[:, ::-1]
        for j in range(block.shape[1]):
            out.append((block[:, j], vel[start + j]))
        start = stop
    return out


def _schur_bloch(T: np.ndarray, n: int):
    """Bloch factors from the Schur form of the transfer matrix, eigenvectors of the propagating ones only.

    Returns ``(lambda, phi, finite, (R, Z))`` with ``phi`` zero in the
    non-propagating columns (the decaying subspace is taken from ``(R, Z)``
    itself, see :func:`_decaying_schur_basis`), or None when propagating
    Bloch factors are degenerate (their eigenspaces need the eigenvector route).
    """
    R, Z = la.schur(T, output="complex")
    lam = np.diagonal(R).copy()
    absl = np.abs(lam)
    pidx = np.flatnonzero(np.abs(np.log(np.where(absl > 0, absl, 1e-300))) < 1e-7)
    pl = lam[pidx]
    if len(pl) > 1 and np.min(np.abs(pl[:, None] - pl[None, :]) + 10 * np.eye(len(pl))) < 1e-8:
        return None
    vecs = np.zeros((2 * n, 2 * n), dtype=complex)
    for p in pidx:  # back substitution in the triangular factor (what LAPACK's trevc does)
        y = np.zeros(p + 1, dtype=complex)
        y[p] = 1.0
        if p:
            y[:p] = la.solve_triangular(R[:p, :p] - lam[p] * np.eye(p), -R[:p, p])
        vecs[:, p] = Z[:, : p + 1] @ y
    return lam, vecs[:n, :], np.ones(2 * n, dtype=bool), (R, Z)


def _bloch_solutions(h: np.ndarray, V: np.ndarray, E: float, use_schur: bool = False):
    """All 2n Bloch factors ``lambda`` (inf where infinite), their vectors phi (n x 2n), and a finite mask.

    Three routes, by the structure of V (all solve the same problem):

    * ``V = c * 1``: ``phi`` are eigenvectors of ``h`` and each gives the two
      roots of ``c lambda^2 - (E - eps_n) lambda + conj(c) = 0``;
    * ``V`` well conditioned: ordinary eigenproblem of the transfer matrix
      ``[[0, 1], [-V^-1 V^dagger, V^-1 (E - h)]]`` (with ``use_schur``: its
      Schur form, see :func:`_schur_bloch`; a 4-tuple with ``(R, Z)``);
    * otherwise the generalized eigenproblem (singular V allowed).
    """
    n = h.shape[0]
    c = V[0, 0]
    if np.array_equal(V, c * np.eye(n)) and c != 0:
        eps, U = np.linalg.eigh(0.5 * (h + h.conj().T))
        b = E - eps
        disc = np.sqrt((b * b - 4 * abs(c) ** 2).astype(complex))
        q = b + np.where(np.real(np.conj(b) * disc) >= 0, disc, -disc)  # no cancellation
        lam1 = q / (2 * c)
        lam2 = np.conj(c) / (c * lam1)
        lam = np.concatenate([lam1, lam2])
        return lam, np.hstack([U, U]), np.ones(2 * n, dtype=bool)
    eye = np.eye(n)
    if np.linalg.cond(V) < 1e6:
        Vinv = np.linalg.inv(V)
        T = np.block([[np.zeros((n, n)), eye], [-Vinv @ V.conj().T, Vinv @ (E * eye - h)]])
        if use_schur:
            out = _schur_bloch(T, n)
            if out is not None:
                return out
        lam, vecs = la.eig(T)
        return lam, vecs[:n, :], np.ones(2 * n, dtype=bool)
    A = np.block([[np.zeros((n, n)), eye], [-V.conj().T, E * eye - h]])
    B = np.block([[eye, np.zeros((n, n))], [np.zeros((n, n)), V]])
    (alpha, beta), vecs = la.eig(A, B, homogeneous_eigvals=True)
    finite = np.abs(beta) > 1e-12 * np.maximum(np.abs(alpha), 1.0)
    lam = np.full(2 * n, np.inf, dtype=complex)
    lam[finite] = alpha[finite] / beta[finite]
    return lam, vecs[:n, :], finite


def lead_modes(h: np.ndarray, V: np.ndarray, energy: float, *, norbs: int = 1,
               edge_tol: float = EDGE_TOL) -> LeadModes:
    """Compute the modes and self-energy of a lead (see module conventions).

    Parameters
    ----------
    h : ndarray (n, n)
        Cell Hamiltonian (Hermitian).
    V : ndarray (n, n)
        Hopping ``<cell m|H|cell m+1>``.
    energy : float
    norbs : int
        Orbitals per site (for the spin ordering of degenerate modes).
    edge_tol : float
        Refuse energies with a mode closer than this to a band edge.

    Raises
    ------
    LatticeError
        Near a band edge, or if the mode basis is defective (a lead unit cell
        whose inter-cell hopping is singular in a way that makes the decaying
        modes linearly dependent).
    """
    return lead_modes_and_bloch(h, V, energy, norbs=norbs, edge_tol=edge_tol)[0]


def reversed_bloch(bloch: tuple[np.ndarray, np.ndarray, np.ndarray] | None):
    """Bloch solutions of the reversed lead (``V -> V^dagger``): ``lambda -> 1/lambda``, same vectors.

    ``(E - h - V^dagger lambda' - V / lambda') phi = 0`` is the original
    equation with ``lambda = 1/lambda'``.  None unless every ``lambda`` is
    finite and nonzero (a singular ``V``: solve the reversed lead afresh).
    """
    if bloch is None:
        return None
    lam, phi, finite = bloch[:3]
    if not finite.all() or not np.all(lam != 0):
        return None
    if len(bloch) > 3:
        return 1.0 / lam, phi, finite, reversed_schur(bloch[3])
    return 1.0 / lam, phi, finite


def _chain_modes(eps: float, c: complex, energy: float, edge_tol: float) -> LeadModes | None:
    """:func:`lead_modes` of a one-orbital cell in closed form (1D chains: no eigenproblem).

    ``c lambda^2 - (E - eps) lambda + conj(c) = 0``; the mode of a
    propagating root is ``1/sqrt(|v|)``, ``v = -2 Im(lambda c)``.  Returns
    None near a band edge, where the general route gives its error message.
    """
    b = energy - eps
    a = abs(c)
    disc = complex(b * b - 4 * a * a) ** 0.5
    q = b + (disc if (b * disc).real >= 0 else -disc)  # no cancellation
    if q == 0:
        return None
    lam1 = q / (2 * c)
    lam2 = c.conjugate() / (c * lam1)
    if abs(b) < 2 * a:  # propagating pair
        if abs(b * b - 4 * a * a) < (edge_tol * a) ** 2 * 16:
            return None
        lams = [lam1 / abs(lam1), lam2 / abs(lam2)]
        vels = [-2 * (lam * c).imag for lam in lams]
        if min(abs(v) for v in vels) < edge_tol * a:
            return None
        (lo, vo), (li, vi) = sorted(zip(lams, vels), key=lambda p: -p[1])
        if not (vo > 0 > vi):
            return None
        po, pi = 1 / vo ** 0.5, 1 / (-vi) ** 0.5
        arrays = dict(phi_out=np.array([[po]], dtype=complex), phi_in=np.array([[pi]], dtype=complex),
                      lambda_out=np.array([lo]), lambda_in=np.array([li]),
                      velocity_out=np.array([vo]), velocity_in=np.array([vi]),
                      phi_ret=np.array([[po]], dtype=complex), lambda_ret=np.array([lo]),
                      phi_ret_inv=np.array([[1 / po]], dtype=complex), selfenergy=np.array([[c * lo]]),
                      hop=np.array([[c]]))
    else:
        dec = lam1 if abs(lam1) < 1 else lam2
        if abs(np.log(abs(dec))) < edge_tol:
            return None
        empty = np.zeros((1, 0), dtype=complex)
        none = np.zeros(0, dtype=complex)
        arrays = dict(phi_out=empty, phi_in=empty.copy(), lambda_out=none, lambda_in=none.copy(),
                      velocity_out=np.zeros(0), velocity_in=np.zeros(0),
                      phi_ret=np.ones((1, 1), dtype=complex), lambda_ret=np.array([dec]),
                      phi_ret_inv=np.ones((1, 1), dtype=complex), selfenergy=np.array([[c * dec]]),
                      hop=np.array([[c]]))
    for arr in arrays.values():
        arr.setflags(write=False)
    return LeadModes(**arrays, residual=0.0)


#: Dyson residual (relative) above which the decaying subspace is recomputed from a Schur form.
REFINE_RESIDUAL = 1e-12


def _dyson_residual(h: np.ndarray, V: np.ndarray, energy: float, sigma: np.ndarray, scale: float) -> float:
    """``max |Sigma - V (E - h - Sigma)^-1 V^dagger| / scale`` (see :attr:`LeadModes.residual`)."""
    n = h.shape[0]
    try:
        dyson = V @ np.linalg.solve(energy * np.eye(n) - h - sigma, V.conj().T)
    except np.linalg.LinAlgError:
        return np.inf
    return float(np.abs(sigma - dyson).max()) / scale


def _decaying_schur_basis(h: np.ndarray, V: np.ndarray, E: float, k: int, schur=None):
    """Orthonormal basis ``(Z11, Z21)`` (the ``phi`` and ``lambda phi`` halves) of the k decaying modes.

    From the Schur form ``(R, Z)`` of the transfer matrix (computed here
    unless given), reordered with ``|lambda| < 1`` first (LAPACK trsen).
    Returns ``(basis or None, (R, Z))``; None if V is ill-conditioned or the
    count differs from ``k``.
    """
    n = h.shape[0]
    if schur is None:
        if np.linalg.cond(V) >= 1e6:
            return None, None
        eye = np.eye(n)
        Vinv = np.linalg.inv(V)
        T = np.block([[np.zeros((n, n)), eye], [-Vinv @ V.conj().T, Vinv @ (E * eye - h)]])
        schur = la.schur(T, output="complex")
    R, Z = schur
    select = (np.abs(np.diagonal(R)) < 1 - 1e-7).astype(np.int32)
    if int(select.sum()) != k:
        return None, schur
    _, Zs, _, m, _, _, info = _trsen(select, R, Z, job="N")
    if info != 0 or m != k:
        return None, schur
    return (Zs[:n, :k], Zs[n:, :k]), schur


def reversed_schur(schur):
    """Schur form of the reversed lead's transfer matrix from the original's.

    The reversed lead's Bloch vectors are ``S x`` (``S`` swaps the ``phi`` and
    ``lambda phi`` halves) with ``lambda -> 1/lambda``, so its transfer
    matrix is ``S T^-1 S`` with Schur form ``(R^-1, S Z)``.
    """
    if schur is None:
        return None
    R, Z = schur
    n = Z.shape[0] // 2
    Rinv = la.solve_triangular(R, np.eye(len(R)))
    return Rinv, np.vstack([Z[n:], Z[:n]])


_trsen = la.get_lapack_funcs("trsen", dtype=np.complex128)



def _inverse_and_condition(phi: np.ndarray) -> tuple:
    """phi^-1 and the 1-norm condition number of phi (inf, inverse None, if singular)."""
    try:
        inv = np.linalg.inv(phi)
    except np.linalg.LinAlgError:
        return None, np.inf
    return inv, float(np.linalg.norm(phi, 1) * np.linalg.norm(inv, 1))

def lead_modes_and_bloch(h: np.ndarray, V: np.ndarray, energy: float, *, norbs: int = 1,
                         edge_tol: float = EDGE_TOL, bloch=None, schur=None,
                         _schur: bool = True) -> tuple[LeadModes, tuple, Any]:
    """:func:`lead_modes` and the Bloch solutions ``(lambda, phi, finite)`` of the scaled problem.

    ``bloch``: those solutions when already known (from :func:`reversed_bloch`),
    which skips the eigenproblem; ``schur``: likewise the transfer matrix's
    Schur form (from :func:`reversed_schur`), used only if the decaying
    subspace needs it.  Returns ``(modes, bloch, schur)`` (``schur`` None
    unless computed or given).
    """
    try:
        h = np.asarray(h, dtype=complex)
        V = np.asarray(V, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise LatticeError(f"lead_modes: expected numeric matrices h and V, got {h!r} and {V!r}") from exc
    n = h.shape[0] if h.ndim else 0
    if h.ndim != 2 or h.shape != (n, n) or V.shape != (n, n):
        raise LatticeError(f"lead matrices: expected two square matrices of equal size, got {h.shape}, {V.shape}")
    if not np.isfinite(energy) or np.iscomplexobj(energy) and np.imag(energy) != 0:
        raise LatticeError(f"energy: expected a finite real number, got {energy!r}")
    energy = float(np.real(energy))
    scale = max(np.abs(V).max(), 1e-300)
    if np.abs(V).max() == 0:
        raise LatticeError("lead inter-cell hopping is zero: expected a lead connected from cell to cell")
    if n == 1 and bloch is None:
        fast = _chain_modes(complex(h[0, 0]).real, complex(V[0, 0]), energy, edge_tol)
        if fast is not None:
            return fast, None, None
    hs, Vs, Es = h / scale, V / scale, energy / scale
    if bloch is None:
        bloch = _bloch_solutions(hs, Vs, Es, use_schur=_schur)
    lam, phi_all, finite = bloch[:3]
    if len(bloch) > 3:
        schur = bloch[3]
    absl = np.abs(lam)
    with np.errstate(divide="ignore"):
        loglam = np.where(finite, np.log(np.where(absl > 0, absl, 1e-300)), np.inf)
    prop = finite & (np.abs(loglam) < 1e-7)
    near = finite & ~prop & (np.abs(loglam) < edge_tol)
    if near.any():
        raise LatticeError(
            f"energy {energy!r} is within ~{np.min(np.abs(loglam[near]))**2 * scale:.1e} of a band edge of the "
            "lead (an evanescent mode is about to open); the mode basis is ill-conditioned there: "
            "expected an energy farther from the band edge (shift it by ~1e-6)"
        )
    decaying = finite & ~prop & (loglam < 0)
    parity = _orbital_parity(n, norbs)
    # group degenerate propagating modes (equal lambda), sorted by momentum
    pidx = np.flatnonzero(prop)
    pidx = pidx[np.argsort(np.angle(lam[pidx]), kind="stable")]
    cuts = np.flatnonzero(np.abs(np.diff(lam[pidx])) >= 1e-8) + 1
    groups = np.split(pidx, cuts) if len(pidx) else []
    single = np.array([g[0] for g in groups if len(g) == 1], dtype=int)
    q = phi_all[:, single]
    q = q / np.linalg.norm(q, axis=0)
    lam_s = lam[single] / np.abs(lam[single])
    vel_s = -2 * np.imag(lam_s * np.einsum("ij,ij->j", q.conj(), Vs @ q))
    k_all = [np.angle(lam_s)]
    vec_all, lam_all, vel_all = [q], [lam_s], [vel_s]
    for g in groups:
        if len(g) > 1:
            lam0 = np.mean(lam[g])
            lam0 /= abs(lam0)
            pairs = _split_group(phi_all[:, g], lam0, Vs, parity, 1.0)
            vec_all.append(np.array([p[0] for p in pairs]).T)
            vel_all.append(np.array([p[1] for p in pairs]))
            lam_all.append(np.full(len(pairs), lam0))
            k_all.append(np.full(len(pairs), np.angle(lam0)))
    vecs = np.hstack(vec_all) if vec_all else np.zeros((n, 0), complex)
    vels, lams, ks = np.concatenate(vel_all), np.concatenate(lam_all), np.concatenate(k_all)
    if len(vels) and np.min(np.abs(vels)) < edge_tol:
        vmin = float(np.min(np.abs(vels)))
        raise LatticeError(
            f"energy {energy!r} is within ~{(vmin / 2) ** 2 * scale:.1e} of a band edge of the lead "
            f"(a mode with velocity {vmin * scale:.2e} is opening); expected an energy farther from "
            "the band edge (shift it by ~1e-6)"
        )
    vecs = _fix_phase(vecs / np.sqrt(np.abs(vels) * scale))
    order = np.lexsort((np.arange(len(ks)), np.round(ks, 9)))
    vecs, vels, lams = vecs[:, order], vels[order] * scale, lams[order]
    out, inc = vels > 0, vels < 0
    if out.sum() != inc.sum():
        raise LatticeError(
            f"lead mode count mismatch: {int(out.sum())} outgoing vs {int(inc.sum())} incoming modes at energy "
            f"{energy!r}; expected equal numbers (is the lead Hamiltonian Hermitian?)"
        )
    phi_out, lam_out, vel_out = vecs[:, out], lams[out], vels[out]
    phi_in, lam_in, vel_in = vecs[:, inc], lams[inc], vels[inc]
    ev = np.flatnonzero(decaying)
    if len(bloch) > 3:  # Schur route: the decaying subspace straight from the ordered Schur form
        basis, schur = _decaying_schur_basis(hs, Vs, Es, len(ev), schur)
        if basis is None:  # (cannot happen for a consistent count) -> the eigenvector route
            return lead_modes_and_bloch(h, V, energy, norbs=norbs, edge_tol=edge_tol, _schur=False)
        Z11, Z21 = basis
        phi_ret = np.hstack([phi_out, Z11])
        lam_ret = np.concatenate([lam_out, lam[ev]])
        phi_ret_inv, cond = _inverse_and_condition(phi_ret)
        if not np.isfinite(cond) or cond > 1e11:
            return lead_modes_and_bloch(h, V, energy, norbs=norbs, edge_tol=edge_tol, _schur=False)
        sigma = (V @ np.hstack([phi_out * lam_out[None, :], Z21])) @ phi_ret_inv
        residual = _dyson_residual(h, V, energy, sigma, scale)
        arrays = dict(phi_out=phi_out, phi_in=phi_in, lambda_out=lam_out, lambda_in=lam_in,
                      velocity_out=vel_out, velocity_in=vel_in, phi_ret=phi_ret, lambda_ret=lam_ret,
                      phi_ret_inv=phi_ret_inv, selfenergy=sigma, hop=V.copy())
        for a in arrays.values():
            a.setflags(write=False)
        return LeadModes(**arrays, residual=residual), bloch, schur
    phi_ev = phi_all[:, ev]
    norms = np.linalg.norm(phi_ev, axis=0)
    phi_ev = phi_ev / np.where(norms > 0, norms, 1.0)
    phi_ret = np.hstack([phi_out, phi_ev])
    lam_ret = np.concatenate([lam_out, lam[ev]])
    if phi_ret.shape[1] != n:
        raise LatticeError(
            f"lead mode basis is incomplete: found {phi_ret.shape[1]} outgoing/decaying modes, expected {n} "
            "(cell size); the inter-cell hopping may be too singular: choose a larger unit cell"
        )
    phi_ret_inv, cond = _inverse_and_condition(phi_ret)
    if not np.isfinite(cond) or cond > 1e11:
        raise LatticeError(
            f"lead mode basis is (nearly) linearly dependent (condition number {cond:.1e}); this happens for "
            "unit cells whose inter-cell hopping is singular with a defective (Jordan) structure: expected a "
            "unit cell whose inter-cell hopping has full rank"
        )
    sigma = (V @ (phi_ret * lam_ret[None, :])) @ phi_ret_inv
    residual = _dyson_residual(h, V, energy, sigma, scale)
    if residual > REFINE_RESIDUAL and finite.all():
        # eigenvectors of nearly degenerate evanescent modes (e.g. in a magnetic field) are ill-conditioned,
        # but their span is not: take the decaying subspace from an ordered Schur form instead
        basis, schur = _decaying_schur_basis(hs, Vs, Es, len(ev), schur)
        if basis is not None:
            Z11, Z21 = basis
            phi_ret2 = np.hstack([phi_out, Z11])
            try:
                inv2 = np.linalg.inv(phi_ret2)
            except np.linalg.LinAlgError:
                inv2 = None
            if inv2 is not None:
                sigma2 = (V @ np.hstack([phi_out * lam_out[None, :], Z21])) @ inv2
                residual2 = _dyson_residual(h, V, energy, sigma2, scale)
                if residual2 < residual:
                    phi_ret, phi_ret_inv, sigma, residual = phi_ret2, inv2, sigma2, residual2
    arrays = dict(phi_out=phi_out, phi_in=phi_in, lambda_out=lam_out, lambda_in=lam_in,
                  velocity_out=vel_out, velocity_in=vel_in, phi_ret=phi_ret, lambda_ret=lam_ret,
                  phi_ret_inv=phi_ret_inv, selfenergy=sigma, hop=V.copy())
    for a in arrays.values():
        a.setflags(write=False)
    return LeadModes(**arrays, residual=residual), bloch, schur


def selfenergy_1d(energy: float, t: float = 1.0, eps: float = 0.0) -> complex:
    """Analytic self-energy of a semi-infinite 1D chain, ``Sigma = -t lambda``.

    Inside the band (``|E - eps| < 2|t|``) ``lambda = e^{ik}`` with
    ``E = eps - 2 t cos k``, ``k`` in ``(0, pi)`` (for ``t > 0``), so
    ``Sigma = -t e^{ik}``; outside, ``lambda`` is the root of
    ``lambda + 1/lambda = -(E - eps)/t`` with ``|lambda| < 1``.
    """
    x = -(energy - eps) / t
    if abs(x) < 2:
        k = np.arccos(x / 2)  # in (0, pi): velocity 2 t sin k > 0 for t > 0
        lam = np.exp(1j * k) if t > 0 else np.exp(-1j * k)
        return complex(-t * lam)
    roots = np.roots([1.0, -x, 1.0])
    lam = roots[np.argmin(np.abs(roots))]
    return complex(-t * lam)

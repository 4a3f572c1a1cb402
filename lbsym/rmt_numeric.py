"""Samplers of Dyson's circular ensembles and Monte-Carlo transport statistics of
chaotic cavities (numpy; the exact averages are in :mod:`lbsym.rmt`).

Conventions (as :mod:`lbsym.rmt`)
--------------------------------
* Ports: lead 1 (``N1`` channels) first, then lead 2 (``N2``);
  ``t = S[lead 2, lead 1]``.
* beta = 2 (CUE): ``S = U`` Haar in ``U(N)`` (QR of a complex Ginibre matrix
  with the phases of R's diagonal divided out, Mezzadri, Notices AMS 54, 592
  (2007)); beta = 1 (COE): ``S = U U^T`` (symmetric); beta = 4 (CSE):
  ``S = U Z U^T Z^T`` with ``U`` in ``U(2N)``, ``Z = 1_N (x) [[0, 1], [-1, 0]]``
  (self-dual, ``S = Z S^T Z^T``); each channel is a Kramers pair of two
  consecutive ports, transmission eigenvalues come in degenerate pairs and
  are returned once per pair.
* Conductance ``G = sum_n T_n`` in e^2/h per spin-resolved channel (per
  Kramers pair at beta = 4).
* Samples are seeded per sample: sample ``i`` uses
  ``default_rng(SeedSequence(seed).spawn(n)[i])`` (see
  :func:`lbsym.lattice.sweep.sample_ensemble`), so serial, thread, process and
  Dask runs give identical numbers.

Examples
--------
>>> import numpy as np
>>> S = circular_ensemble(3, 1, np.random.default_rng(0))
>>> bool(np.allclose(S, S.T) and np.allclose(S @ S.conj().T, np.eye(3)))
True
>>> stats = cavity_ensemble(1, 1, 2, 2000, seed=1)
>>> abs(stats.mean("G") - 0.5) < 4 * stats.sem("G")
True
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .errors import ParameterError

__all__ = [
    "haar_unitary", "circular_ensemble", "symplectic_unit", "transmission_eigenvalues",
    "cavity_sample", "cavity_ensemble", "EnsembleStats", "series_chain", "chain_sample",
    "chain_ensemble", "circular_ensemble_batch", "transmission_eigenvalues_batch",
]

BETAS = (1, 2, 4)


def _check_beta(beta: Any) -> int:
    if isinstance(beta, bool) or beta not in BETAS:
        raise ParameterError(f"beta: expected the Dyson index 1 (COE), 2 (CUE) or 4 (CSE), got {beta!r}")
    return int(beta)


def _check_channels(name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"{name}: expected a number of channels >= 1, got {n!r}")
    return int(n)


def _rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def haar_unitary(dim: int, rng: Any = None) -> np.ndarray:
    """A Haar-distributed unitary matrix of size ``dim`` (Mezzadri's QR recipe)."""
    dim = _check_channels("dim", dim)
    rng = _rng(rng)
    z = (rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    diag = np.diagonal(r)
    return q * (diag / np.abs(diag))


def symplectic_unit(n: int) -> np.ndarray:
    """``Z = 1_n (x) [[0, 1], [-1, 0]]`` (2n x 2n)."""
    return np.kron(np.eye(n), np.array([[0.0, 1.0], [-1.0, 0.0]]))


def circular_ensemble(N: int, beta: int, rng: Any = None) -> np.ndarray:
    """One S-matrix of the circular ensemble beta with N channels (2N x 2N at beta = 4)."""
    N = _check_channels("N", N)
    beta = _check_beta(beta)
    rng = _rng(rng)
    if beta == 2:
        return haar_unitary(N, rng)
    if beta == 1:
        U = haar_unitary(N, rng)
        return U @ U.T
    U = haar_unitary(2 * N, rng)
    Z = symplectic_unit(N)
    return U @ Z @ U.T @ Z.T


def circular_ensemble_batch(N: int, beta: int, size: int, rng: Any = None) -> np.ndarray:
    """``size`` S-matrices of the circular ensemble beta at once, shape (size, d, d)
    (batched QR: for large Monte-Carlo averages drawn from one generator)."""
    N = _check_channels("N", N)
    beta = _check_beta(beta)
    size = _check_channels("size", size)
    rng = _rng(rng)
    dim = 2 * N if beta == 4 else N
    z = (rng.standard_normal((size, dim, dim)) + 1j * rng.standard_normal((size, dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    diag = np.diagonal(r, axis1=-2, axis2=-1)
    U = q * (diag / np.abs(diag))[:, None, :]
    if beta == 2:
        return U
    UT = np.swapaxes(U, -1, -2)
    if beta == 1:
        return U @ UT
    Z = symplectic_unit(N)
    return U @ Z @ UT @ Z.T


def transmission_eigenvalues_batch(S: np.ndarray, N1: int, beta: int = 2) -> np.ndarray:
    """:func:`transmission_eigenvalues` of a stack of S-matrices, shape (size, N1)."""
    beta = _check_beta(beta)
    k = 2 if beta == 4 else 1
    n1 = k * _check_channels("N1", N1)
    S = np.asarray(S)
    if S.ndim != 3 or S.shape[1] != S.shape[2] or S.shape[1] <= n1:
        raise ParameterError(f"transmission_eigenvalues_batch: expected a stack of square S with more than "
                             f"{n1} ports, got shape {S.shape}")
    t = S[:, n1:, :n1]
    ev = np.clip(np.linalg.eigvalsh(np.swapaxes(t.conj(), -1, -2) @ t), 0.0, 1.0)
    return ev[:, ::2] if k == 2 else ev  # Kramers pairs: (x, x, y, y, ...) -> (x, y, ...)


def transmission_eigenvalues(S: np.ndarray, N1: int, beta: int = 2) -> np.ndarray:
    """Eigenvalues of t t^dagger, ``t = S[lead 2, lead 1]``, ascending, clipped to [0, 1];
    at beta = 4 one per Kramers pair."""
    n1 = (2 if _check_beta(beta) == 4 else 1) * _check_channels("N1", N1)
    S = np.asarray(S)
    if S.ndim != 2 or S.shape[0] != S.shape[1] or S.shape[0] <= n1:
        raise ParameterError(f"transmission_eigenvalues: expected a square S with more than {n1} ports, "
                             f"got shape {S.shape}")
    return transmission_eigenvalues_batch(S[None], N1, beta)[0]


def cavity_sample(rng: np.random.Generator, N1: int, N2: int, beta: int) -> tuple[float, float]:
    """(G, sum T_n^2) of one cavity drawn from the circular ensemble (picklable per-sample task)."""
    S = circular_ensemble(N1 + N2, beta, rng)
    Ts = transmission_eigenvalues(S, N1, beta)
    return float(Ts.sum()), float((Ts**2).sum())


@dataclass(frozen=True)
class EnsembleStats:
    """Per-sample values of an ensemble; means and standard errors by name."""

    names: tuple[str, ...]
    values: np.ndarray  # (n_samples, len(names))

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def column(self, name: str) -> np.ndarray:
        try:
            return self.values[:, self.names.index(name)]
        except ValueError:
            raise ParameterError(f"unknown quantity {name!r}; known: {', '.join(self.names)}") from None

    def mean(self, name: str) -> float:
        return float(self.column(name).mean())

    def sem(self, name: str) -> float:
        """Standard error of the mean (sample standard deviation / sqrt(n))."""
        if self.n < 2:
            raise ParameterError("a standard error needs at least 2 samples")
        return float(self.column(name).std(ddof=1) / np.sqrt(self.n))

    def var(self, name: str) -> float:
        return float(self.column(name).var(ddof=1))

    def var_sem(self, name: str) -> float:
        """Standard error of the sample variance (from the fourth central moment)."""
        x = self.column(name)
        c = x - x.mean()
        m2, m4 = np.mean(c**2), np.mean(c**4)
        return float(np.sqrt(max(m4 - m2**2 * (self.n - 3) / (self.n - 1), 0.0) / self.n))


def cavity_ensemble(N1: int, N2: int, beta: int, n_samples: int, *, seed: Any = 0,
                    executor: Executor | None = None, chunksize: int | None = None,
                    progress: bool = False) -> EnsembleStats:
    """G and sum T_n^2 of ``n_samples`` chaotic cavities of the circular ensemble beta.

    Runs on any ``concurrent.futures.Executor`` (``executor``), reproducibly
    (:func:`lbsym.lattice.sweep.sample_ensemble`).
    """
    from .lattice.sweep import sample_ensemble

    N1, N2 = _check_channels("N1", N1), _check_channels("N2", N2)
    beta = _check_beta(beta)
    out = sample_ensemble(cavity_sample, n_samples, args=(N1, N2, beta), seed=seed, executor=executor,
                          chunksize=chunksize, progress=progress)
    return EnsembleStats(("G", "T2"), np.array(out, dtype=float))


# ------------------------------------------------------------ chains of cavities
def _cavity_network(k: int, M: int):
    """The library's Network of k cavities in series, entries symbols S<c>_<i>_<j>.

    Cavity c's ports: ("left", m) and ("right", m), m < M; its right lead is
    connected channel by channel to the next cavity's left lead (no phase:
    the cavities' own random phases make any propagation phase redundant).
    """
    import sympy as sp

    from .network import Network
    from .smatrix import SMatrix

    net = Network()
    size = 2 * M
    ports = [("left", m) for m in range(M)] + [("right", m) for m in range(M)]
    for c in range(k):
        mat = sp.Matrix(size, size, lambda i, j, c=c: sp.Symbol(f"S{c}_{i}_{j}"))
        net.add(f"C{c}", SMatrix(mat, ports), check=False)
    for c in range(k - 1):
        net.connect(f"C{c}.right", f"C{c + 1}.left")
    net.external("left", "C0.left").external("right", f"C{k - 1}.right")
    return net


def series_chain(smatrices: Sequence[np.ndarray], M: int) -> np.ndarray:
    """Numeric S of cavities in series (each 2M x 2M, ports left 0..M-1, right 0..M-1),
    composed by :func:`lbsym.numeric.network_smatrix` on the library's :class:`Network`."""
    from .numeric import network_smatrix

    k = len(smatrices)
    net, names = _network_cache(k, M)
    flat = np.concatenate([np.asarray(S, dtype=complex).reshape(-1) for S in smatrices])
    if flat.size != len(names):
        raise ParameterError(f"series_chain: expected {k} matrices of size {2 * M} x {2 * M}")
    return network_smatrix(net, dict(zip(names, flat.tolist())))


_NETS: dict = {}


def _network_cache(k: int, M: int):
    key = (k, M)
    if key not in _NETS:
        names = [f"S{c}_{i}_{j}" for c in range(k) for i in range(2 * M) for j in range(2 * M)]
        _NETS[key] = (_cavity_network(k, M), names)
    return _NETS[key]


def chain_sample(rng: np.random.Generator, k: int, M: int, beta: int) -> float:
    """G (e^2/h) of k cavities of the ensemble beta in series, M channels per contact."""
    S = series_chain([circular_ensemble(2 * M, beta, rng) for _ in range(k)], M)
    return float(transmission_eigenvalues(S, M, 2).sum())


def chain_ensemble(k: int, M: int, beta: int, n_samples: int, *, seed: Any = 0,
                   executor: Executor | None = None, chunksize: int | None = None) -> EnsembleStats:
    """G of ``n_samples`` chains of ``k`` cavities (beta = 1 or 2), M channels per contact."""
    from .lattice.sweep import sample_ensemble

    k, M = _check_channels("k", k), _check_channels("M", M)
    beta = _check_beta(beta)
    if beta == 4:
        raise ParameterError("chain_ensemble: beta = 4 chains are not implemented (Kramers ports)")
    out = sample_ensemble(chain_sample, n_samples, args=(k, M, beta), seed=seed, executor=executor,
                          chunksize=chunksize)
    return EnsembleStats(("G",), np.array(out, dtype=float).reshape(-1, 1))

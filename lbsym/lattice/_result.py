"""The lattice S-matrix value and the pieces every solver shares.

Kept apart from the solvers (:mod:`.solver`, :mod:`.rgf`) so that imports run
one way: system <- leads <- _result <- rgf <- solver.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import LatticeError
from .leads import LeadModes

__all__ = ["SMatrix", "SingularSolve", "rhs_and_readout", "finish"]


class SMatrix:
    """Scattering matrix of a lattice system at one energy (immutable).

    Attributes
    ----------
    data : ndarray
        The full matrix (read-only), blocks ordered by lead.
    energy : float
    lead_modes : tuple of LeadModes
        The modes of each lead (momenta, velocities, wavefunctions).
    """

    __slots__ = ("data", "energy", "lead_modes", "_offsets")

    def __init__(self, data: np.ndarray, energy: float, modes: Sequence[LeadModes]) -> None:
        data = np.array(data, dtype=complex)
        data.setflags(write=False)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "energy", float(energy))
        object.__setattr__(self, "lead_modes", tuple(modes))
        offs = np.concatenate([[0], np.cumsum([m.num_modes for m in modes])]).astype(int)
        object.__setattr__(self, "_offsets", tuple(int(o) for o in offs))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SMatrix is immutable")

    def __reduce__(self):
        return (SMatrix, (np.array(self.data), self.energy, self.lead_modes))

    @property
    def num_leads(self) -> int:
        return len(self.lead_modes)

    def _block(self, lead: int) -> slice:
        if not isinstance(lead, (int, np.integer)) or not 0 <= lead < self.num_leads:
            raise LatticeError(f"lead index: expected an integer in [0, {self.num_leads}), got {lead!r}")
        return slice(self._offsets[lead], self._offsets[lead + 1])

    def num_modes(self, lead: int) -> int:
        """Number of open (propagating) channels in ``lead``."""
        s = self._block(lead)
        return s.stop - s.start

    def submatrix(self, out_lead: int, in_lead: int) -> np.ndarray:
        """The block of S from ``in_lead`` to ``out_lead`` (a copy)."""
        return np.array(self.data[self._block(out_lead), self._block(in_lead)])

    def transmission(self, out_lead: int, in_lead: int) -> float:
        """``T = sum |s_mn|^2`` over the modes of ``in_lead`` and ``out_lead``."""
        return float(np.sum(np.abs(self.data[self._block(out_lead), self._block(in_lead)]) ** 2))

    def reflection(self, lead: int) -> float:
        """``R = sum |r_mn|^2`` (the diagonal block's total)."""
        return self.transmission(lead, lead)

    def transmission_eigenvalues(self, out_lead: int, in_lead: int) -> np.ndarray:
        """Eigenvalues of ``t^dagger t`` (ascending), ``t`` the block in -> out."""
        t = self.data[self._block(out_lead), self._block(in_lead)]
        return np.linalg.eigvalsh(t.conj().T @ t)

    def conductance_matrix(self, convention: str = "lbsym") -> np.ndarray:
        """The conductance matrix in units of e^2/h per spin-resolved channel; rows/columns sum to 0.

        ``convention='lbsym'`` (the default; DESIGN's multi-terminal formula):
        ``G_ij = T_ij`` (i != j), ``G_ii = R_ii - N_i``, so that
        ``I_i = sum_j G_ij V_j`` is the current flowing out of the system into
        lead i.  ``convention='kwant'``: Kwant's ``SMatrix.conductance_matrix()``,
        the negative (``G_ij = -T_ij``, ``G_ii = N_i - R_ii``; ``I_i`` flows from
        lead i into the system).  Either can be passed to
        ``MultiTerminal.from_conductance_matrix`` with the same ``convention``.
        """
        if convention not in ("lbsym", "kwant"):
            raise LatticeError(f"convention: expected 'lbsym' or 'kwant', got {convention!r}")
        n = self.num_leads
        G = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                G[i, j] = self.transmission(i, j)
            G[i, i] -= self.num_modes(i)
        return G if convention == "lbsym" else -G

    def unitarity_error(self) -> float:
        """``max |S^dagger S - 1|``."""
        S = self.data
        return float(np.max(np.abs(S.conj().T @ S - np.eye(S.shape[0])))) if S.size else 0.0

    def __repr__(self) -> str:
        modes = [self.num_modes(i) for i in range(self.num_leads)]
        return f"<lbsym.lattice.SMatrix E={self.energy!r}, modes per lead {modes}>"


class SingularSolve(LatticeError):
    """``E - H - Sigma`` is exactly singular: a bound state decoupled from the leads at E."""



def rhs_and_readout(m: LeadModes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source vectors on the interface for unit incoming waves, and the outgoing readout.

    ``rhs = (V phi_in lambda_in - Sigma phi_in)``; outgoing amplitudes are
    ``readout @ (psi_interface - phi_in)`` with ``readout`` the propagating
    rows of ``Phi_ret^{-1}``.
    """
    rhs = m.hop @ (m.phi_in * m.lambda_in[None, :]) - m.selfenergy @ m.phi_in
    readout = m.phi_ret_inv[: m.num_modes]
    return rhs, readout, readout @ m.phi_in


def finish(blocks: list[list[np.ndarray]], energy: float, modes: list[LeadModes]) -> SMatrix:
    """Assemble the S-matrix from its lead blocks (unitarity is checked by :func:`smatrix`)."""
    return SMatrix(np.block(blocks) if blocks else np.zeros((0, 0)), energy, modes)

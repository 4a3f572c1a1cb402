"""Transfer matrices of two-ports, and their powers for N identical cells.

Convention: the transfer matrix maps the (right-moving, left-moving)
amplitudes on the left of a two-port to those on its right,
[c_R^+, c_R^-] = M [c_L^+, c_L^-].  For S = [[r, t'], [t, r']]:

    M = [[t - r r'/t', r'/t'], [-r/t', 1/t']],   det M = t/t'.

For a unimodular M (det M = 1, e.g. with time-reversal symmetry t = t'),
Cayley-Hamilton gives M^N = U_{N-1}(xi) M - U_{N-2}(xi) 1 with
xi = tr(M)/2 and U_n the Chebyshev polynomials of the second kind.
"""

from __future__ import annotations

import sympy as sp

from .errors import PortError
from .smatrix import SMatrix

__all__ = ["transfer_matrix", "transfer_power"]


def transfer_matrix(S: SMatrix) -> sp.Matrix:
    """Transfer matrix of a two-port with leads ("left", "right")."""
    if tuple(str(x) for x in S.leads) != ("left", "right") or len(S) != 2:
        raise PortError("transfer_matrix() needs a single-channel two-port (left, right)")
    r, tp = S.matrix[0, 0], S.matrix[0, 1]
    t, rp = S.matrix[1, 0], S.matrix[1, 1]
    return sp.Matrix([[t - r * rp / tp, rp / tp], [-r / tp, 1 / tp]])


def transfer_power(M: sp.Matrix, N: sp.Expr, xi: sp.Expr | None = None) -> sp.Matrix:
    """M^N = U_{N-1}(xi) M - U_{N-2}(xi) 1 for unimodular 2x2 M, symbolic N.

    ``xi`` (default tr(M)/2) may be passed as a symbol standing for tr(M)/2.
    """
    xi = M.trace() / 2 if xi is None else xi
    U1 = sp.chebyshevu(N - 1, xi)
    U2 = sp.chebyshevu(N - 2, xi)
    return U1 * M - U2 * sp.eye(2)

"""Numeric counting statistics: Monte-Carlo checks of :mod:`lbsym.counting`.

Sample cumulants of a set of counts, and a Gillespie simulation of
sequential tunnelling through one level (the process whose generating
function :func:`lbsym.counting.sequential_cgf` derives).  numpy only;
:mod:`lbsym.counting` is symbolic and does not import this module.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .errors import LbsymError, ParameterError, ShapeError

__all__ = ["sample_cumulants", "gillespie_counts"]


def sample_cumulants(x: np.ndarray, order: int = 4) -> np.ndarray:
    """Sample cumulants 1..order (<= 6) from central moments (numpy)."""
    try:
        x = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"expected a sample of numbers, got {x!r}") from exc
    if x.size == 0:
        raise ShapeError("expected a non-empty sample, got none")
    m = x.mean()
    c = x - m
    mu = [None, 0.0] + [float(np.mean(c**k)) for k in range(2, 7)]
    k = [m, mu[2], mu[3], mu[4] - 3 * mu[2] ** 2, mu[5] - 10 * mu[3] * mu[2],
         mu[6] - 15 * mu[4] * mu[2] - 10 * mu[3] ** 2 + 30 * mu[2] ** 3]
    if not 1 <= order <= 6:
        raise ParameterError(f"expected an order between 1 and 6, got {order}")
    return np.array(k[:order])


def gillespie_counts(Gamma_L: float, Gamma_R: float, times: Sequence[float], samples: int,
                     seed: int = 0) -> np.ndarray:
    """Monte-Carlo (Gillespie) of sequential tunnelling through one level.

    Starts in the stationary state; returns an array (samples, len(times)) of
    the numbers of electrons that left to the right lead by each time.
    Vectorised: each realisation is a renewal process of cycles
    Exp(Gamma_L) (fill) + Exp(Gamma_R) (empty).
    """
    for name, rate in (("Gamma_L", Gamma_L), ("Gamma_R", Gamma_R)):
        if not isinstance(rate, (int, float, np.integer, np.floating)) or not 0 < rate < np.inf:
            raise ParameterError(f"{name}: expected a positive finite rate, got {rate!r}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise ParameterError(f"samples: expected a positive integer, got {samples!r}")
    times = list(times)
    if not times or not all(isinstance(t, (int, float, np.integer, np.floating)) and 0 <= t < np.inf
                            for t in times):
        raise ParameterError(f"times: expected one or more finite times >= 0, got {times!r}")
    rng = np.random.default_rng(seed)
    tmax = float(max(times))
    mean_rate = Gamma_L * Gamma_R / (Gamma_L + Gamma_R)
    ncyc = int(tmax * mean_rate + 12 * np.sqrt(tmax * mean_rate) + 20)
    occupied = rng.random(samples) < Gamma_L / (Gamma_L + Gamma_R)
    wait_in = rng.exponential(1 / Gamma_L, (samples, ncyc))
    wait_in[occupied, 0] = 0.0  # already filled: the first cycle starts with the exit
    wait_out = rng.exponential(1 / Gamma_R, (samples, ncyc))
    jumps = np.cumsum(wait_in + wait_out, axis=1)  # exit times into the right lead
    if np.any(jumps[:, -1] <= tmax):
        raise LbsymError("internal: too few cycles drawn for the time window")
    return np.stack([(jumps <= t).sum(axis=1) for t in times], axis=1)

"""Numeric noise: the independent numeric routes behind :mod:`lbsym.noise`.

The numeric layer of the noise results (numpy, mpmath, scipy): the Fermi-
function energy integral of the two-terminal noise (Blanter-Büttiker eq.
(60)), the closed form evaluated safely at V = 0 and Theta = 0, the
multi-terminal noise matrix of a numeric S-matrix (Büttiker 1992) and the
transmission eigenvalues of a numeric transmission block.  Conventions
(Schottky normalization, spin-resolved channels) are those of
:mod:`lbsym.noise`, which is symbolic only and does not import this module.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .errors import ParameterError, ShapeError

__all__ = [
    "transmission_eigenvalues",
    "fermi",
    "noise_integral",
    "noise_value",
    "noise_matrix",
]


def _real(name: str, x: object, minimum: float | None = None) -> float:
    """``x`` as a finite float (>= minimum), or a ParameterError naming ``name``."""
    try:
        v = float(x)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}: expected a real number, got {x!r}") from exc
    if not np.isfinite(v) or (minimum is not None and v < minimum):
        bound = "" if minimum is None else f" >= {minimum:g}"
        raise ParameterError(f"{name}: expected a finite real number{bound}, got {x!r}")
    return v


def _array(name: str, x: object, dtype: type) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}: expected numbers, got {x!r}") from exc
    if not np.all(np.isfinite(a)):
        raise ParameterError(f"{name}: expected finite numbers, got {x!r}")
    return a


def transmission_eigenvalues(t: np.ndarray) -> np.ndarray:
    """Eigenvalues of t^dagger t (numpy), clipped to [0, 1]."""
    t = _array("transmission block", t, complex)
    if t.ndim != 2:
        raise ShapeError(f"expected a transmission block (a matrix), got an array of shape {t.shape}")
    return np.clip(np.linalg.eigvalsh(t.conj().T @ t), 0.0, 1.0)


def fermi(E, mu, kT):
    """Fermi function 1 / (1 + exp((E - mu)/kT)) (numpy, overflow-safe; a step, 1/2 at
    E = mu, at kT = 0)."""
    kT = _real("kT", kT, 0.0)
    E = _array("E", E, float)
    if kT == 0:
        return np.where(E < mu, 1.0, np.where(E > mu, 0.0, 0.5))[()]
    x = np.clip((E - mu) / kT, -700, 700)
    return 1.0 / (1.0 + np.exp(x))


def noise_integral(T_of_E: Callable[[float], float | Sequence[float]], voltage: float,
                   temperature: float, *, mu: float = 0.0, g_s: float = 1.0,
                   e_: float = 1.0, h_: float = 1.0, kB_: float = 1.0,
                   method: str = "mpmath", dps: int = 20, window: float = 40.0) -> float:
    """Two-terminal noise by numeric energy integration of the Fermi-function form.

    ``T_of_E(E)`` returns one transmission or a sequence of them.  Units are
    given by ``e_``, ``h_``, ``kB_`` (default e = h = k_B = 1).  The leads sit
    at mu_L = mu + eV/2, mu_R = mu - eV/2.  ``method`` is ``"mpmath"``
    (mpmath.quad at ``dps`` digits) or ``"scipy"`` (scipy.integrate.quad).
    An error raised by ``T_of_E``, or a value that is not a number, is
    reported as a :class:`~lbsym.errors.ParameterError` (chained).
    """
    voltage, mu = _real("voltage", voltage), _real("mu", mu)
    kT = kB_ * _real("temperature", temperature, 0.0)
    if method not in ("mpmath", "scipy"):
        raise ParameterError(f"expected method 'mpmath' or 'scipy', got {method!r}")
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 1:
        raise ParameterError(f"dps: expected a positive integer, got {dps!r}")

    def transmissions(E):
        try:
            Ts = T_of_E(E)
        except Exception as exc:
            raise ParameterError(f"T_of_E raised {type(exc).__name__} at E = {E}: {exc}") from exc
        if method == "scipy":
            return np.atleast_1d(_array(f"T_of_E({float(E)})", Ts, float))
        Ts = [Ts] if not isinstance(Ts, (list, tuple, np.ndarray)) else list(Ts)
        try:
            return [mp.mpmathify(t) for t in Ts]
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"T_of_E({E}): expected numbers, got {Ts!r}") from exc

    muL, muR = mu + e_ * voltage / 2, mu - e_ * voltage / 2
    lo = min(muL, muR) - window * kT
    hi = max(muL, muR) + window * kT
    pts = sorted({lo, muR, muL, hi})
    if method == "mpmath":
        import mpmath as mp

        with mp.workdps(dps):
            def f(E, m):
                if kT == 0:  # a step; the pieces of the integral end at mu_L, mu_R
                    return mp.mpf(1) if E < m else (mp.mpf(0) if E > m else mp.mpf(0.5))
                return 1 / (1 + mp.exp((E - m) / kT))

            def integrand(E):
                Ts = transmissions(E)
                fL, fR = f(E, muL), f(E, muR)
                s1 = sum(Ts)
                s11 = sum(t * (1 - t) for t in Ts)
                return s1 * (fL * (1 - fL) + fR * (1 - fR)) + s11 * (fL - fR) ** 2

            val = mp.quad(integrand, [mp.mpf(p) for p in pts])
            return float(g_s * 2 * e_**2 / h_ * val)
    if method == "scipy":
        from scipy.integrate import quad

        def integrand(E):
            Ts = transmissions(E)
            fL, fR = fermi(E, muL, kT), fermi(E, muR, kT)
            return float(Ts.sum() * (fL * (1 - fL) + fR * (1 - fR))
                         + (Ts * (1 - Ts)).sum() * (fL - fR) ** 2)

        total = 0.0
        for a, b in zip(pts[:-1], pts[1:]):
            total += quad(integrand, a, b, epsabs=0, epsrel=1e-12, limit=200)[0]
        return float(g_s * 2 * e_**2 / h_ * total)


def _window(x: float, kT: float) -> float:
    """int dE {f_g(1-f_d) + f_d(1-f_g)} = x coth(x/2kT), x = mu_g - mu_d."""
    if kT == 0:
        return abs(x)
    y = x / (2 * kT)
    if abs(y) < 1e-8:
        return 2 * kT * (1 + y * y / 3)
    return x / np.tanh(y)


def noise_value(transmissions: Sequence[float], voltage: float, temperature: float, *,
                g_s: float = 1.0, e_: float = 1.0, h_: float = 1.0, kB_: float = 1.0) -> float:
    """Numeric Blanter-Büttiker noise, safe at V = 0 and at Theta = 0 (where the
    symbolic eV coth(eV/2k_B Theta) is 0 * oo); default units e = h = k_B = 1."""
    Ts = np.atleast_1d(_array("transmissions", transmissions, float))
    kT = kB_ * _real("temperature", temperature, 0.0)
    voltage = _real("voltage", voltage)
    return float(g_s * 2 * e_**2 / h_ * (2 * kT * np.sum(Ts**2)
                                        + _window(e_ * voltage, kT) * np.sum(Ts * (1 - Ts))))


def noise_matrix(S: np.ndarray, leads: Sequence[Sequence[int]], voltages: Sequence[float],
                 temperature: float = 0.0, *, e_: float = 1.0, h_: float = 1.0,
                 kB_: float = 1.0) -> np.ndarray:
    """Multi-terminal zero-frequency noise matrix S_{alpha beta} (Büttiker 1992).

    ``S`` is a numeric unitary S-matrix (energy-independent over the bias
    window), ``leads[alpha]`` the row/column indices of lead alpha's
    channels, ``voltages[alpha]`` its voltage (mu = eV).  Spin-resolved
    channels; returns an (n_leads x n_leads) real symmetric array in the
    Schottky normalization.
    """
    S = _array("S", S, complex)
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise ShapeError(f"expected a square S-matrix, got shape {S.shape}")
    nl = len(leads)
    if len(voltages) != nl:
        raise ShapeError(f"expected {nl} voltages (one per lead), got {len(voltages)}")
    for a, idx in enumerate(leads):
        idx = list(idx) if isinstance(idx, (list, tuple, range, np.ndarray)) else [idx]
        if not idx or not all(isinstance(i, (int, np.integer)) and 0 <= i < S.shape[0] for i in idx):
            raise ShapeError(f"leads[{a}]: expected row/column indices of the {S.shape[0]}x{S.shape[0]} "
                             f"S-matrix, got {leads[a]!r}")
    voltages = [_real(f"voltages[{a}]", v) for a, v in enumerate(voltages)]
    kT = kB_ * _real("temperature", temperature, 0.0)
    blocks = [[S[np.ix_(leads[a], leads[b])] for b in range(nl)] for a in range(nl)]

    def A(a, b, g):  # A_{b g}(a) = delta_ab delta_ag 1 - s_ab^dagger s_ag
        m = -blocks[a][b].conj().T @ blocks[a][g]
        if a == b == g:
            m = m + np.eye(m.shape[0])
        return m

    As = [[[A(a, b, g) for g in range(nl)] for b in range(nl)] for a in range(nl)]
    W = np.array([[_window(e_ * (voltages[g] - voltages[d]), kT) for d in range(nl)]
                  for g in range(nl)])
    out = np.zeros((nl, nl))
    for a in range(nl):
        for b in range(nl):
            acc = 0.0
            for g in range(nl):
                for d in range(nl):
                    if W[g, d] == 0:
                        continue
                    acc += np.trace(As[a][g][d] @ As[b][d][g]).real * W[g, d]
            out[a, b] = e_**2 / h_ * acc
    return out

"""Numeric routes to the Landauer integrals of :mod:`lbsym.thermo`.

Same conventions as :mod:`lbsym.thermo`: ``L_n = integral (E - mu)^n T(E)
(-df/dE) dE``, temperature ``kT = k_B Theta`` in energy units.

* :func:`landauer_integrals` integrates a numeric ``T(E)`` (a Python
  function) with mpmath quadrature at any precision (``method="mpmath"``)
  or scipy's adaptive quadrature (``method="scipy"``), after the change of
  variable ``x = (E - mu)/kT``; ``points`` (resonances, channel openings)
  split the range so a sharp feature is not stepped over.
* :func:`lattice_transmission` wraps a lattice system as ``T(E)``;
  :func:`lattice_onsager` builds the multi-terminal charge-and-heat Onsager
  matrix of a lattice system from its ``T_ij(E)`` (Gauss-Legendre in
  ``u = f(E)``, where ``(-f') dE = du``).

Bad input raises :class:`~lbsym.errors.ParameterError` (a non-positive
temperature, ``T(E)`` outside ``[0, 1]`` or not finite) or
:class:`~lbsym.thermo.DivergentIntegralError` (a non-finite integral).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import mpmath
import numpy as np

from .errors import LbsymError, ParameterError
from .thermo import DivergentIntegralError

__all__ = ["landauer_integrals", "thermo_coefficients", "lattice_transmission", "lattice_onsager",
           "fermi_window_nodes", "window_nodes", "lattice_integrals"]


def _check_kT(kT: Any) -> float:
    try:
        kT = float(kT)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"the temperature must be a positive number; got {kT!r}") from exc
    if not math.isfinite(kT) or kT <= 0:
        raise ParameterError(f"the temperature must be positive; got k_B Theta = {kT!r}")
    return kT


def _checked(T: Callable[[Any], Any], tol: float = 1e-9) -> Callable[[Any], Any]:
    def wrapped(E):
        val = T(E)
        v = float(val) if not isinstance(val, mpmath.mpc) else complex(val)
        if isinstance(v, complex) or not math.isfinite(v) or v < -tol or v > 1 + tol:
            raise ParameterError(f"a transmission probability must lie in [0, 1]; got T({float(E):.6g}) = {val}")
        return val
    return wrapped


def landauer_integrals(T: Callable[[Any], Any], mu: float, kT: float, orders: Sequence[int] = (0, 1, 2), *,
                       method: str = "mpmath", dps: int = 30, points: Sequence[float] = (),
                       channels: float = 1.0, check_range: bool = True) -> list:
    """``[L_n for n in orders]`` of a numeric ``T(E)`` (summed over ``channels`` copies if > 1).

    ``channels`` scales the [0, 1] range check (a sum over N channels lies in [0, N]).
    mpmath results are mpf at ``dps`` digits; scipy results are floats.
    """
    kT = _check_kT(kT)
    mu = float(mu)
    if method not in ("mpmath", "scipy"):
        raise ParameterError(f"method must be 'mpmath' or 'scipy'; got {method!r}")
    Tf = T
    if check_range:
        def Tf(E, _T=T):  # noqa: E306
            try:
                val = _T(E)
            except (ArithmeticError, ValueError, TypeError) as exc:
                raise ParameterError(f"T(E) could not be evaluated at E = {float(E):.6g}: {exc}") from exc
            v = complex(val)
            if v.imag != 0 or not math.isfinite(v.real) or v.real < -1e-9 or v.real > channels * (1 + 1e-9):
                raise ParameterError(f"a transmission probability must lie in [0, {channels:g}]; "
                                     f"got T({float(E):.6g}) = {val}")
            return val
    xs = sorted((float(p) - mu) / kT for p in points)
    out = []
    if method == "mpmath":
        with mpmath.workdps(dps):
            kTm, mum = mpmath.mpf(kT), mpmath.mpf(mu)
            for n in orders:
                def g(x, n=n):
                    w = mpmath.exp(-abs(x)) / (1 + mpmath.exp(-abs(x))) ** 2  # -f'(x), overflow-safe
                    return x**n * Tf(mum + kTm * x) * w
                brk = [-mpmath.inf] + [mpmath.mpf(x) for x in xs if abs(x) < 1e6] + [0, mpmath.inf]
                brk = sorted(set(brk))
                val = mpmath.quad(g, brk) * kTm**n
                if not mpmath.isfinite(val):
                    raise DivergentIntegralError(f"the Landauer integral L_{n} is not finite ({val})")
                out.append(+val)
        return out
    from scipy.integrate import quad

    for n in orders:
        def g(x, n=n):
            ax = abs(x)
            w = math.exp(-ax) / (1 + math.exp(-ax)) ** 2
            return x**n * float(Tf(mu + kT * x)) * w
        inner = [x for x in xs if -60 < x < 60]
        val, err = quad(g, -60, 60, points=inner or None, limit=400, epsabs=1e-14, epsrel=1e-11)
        if not math.isfinite(val):
            raise DivergentIntegralError(f"the Landauer integral L_{n} is not finite ({val})")
        out.append(val * kT**n)
    return out


def thermo_coefficients(L0: float, L1: float, L2: float, kT: float) -> dict:
    """Dimensionless coefficients in units e = h = k_B = 1, g_s = 1: G, S, kappa, Lorenz ratio L/L_0, ZT."""
    kT = _check_kT(kT)
    L0, L1, L2 = float(L0), float(L1), float(L2)
    if L0 <= 0:
        raise ParameterError("no transmission in the Fermi window (L_0 = 0): S and the Lorenz ratio are undefined")
    kappa = (L2 - L1**2 / L0) / kT
    return dict(G=L0, S=-L1 / (kT * L0), kappa=kappa, lorenz_ratio=kappa / (L0 * kT) / (math.pi**2 / 3),
                ZT=L1**2 / (L0 * L2 - L1**2))


def window_nodes(mu: float, kT: float, *, feature: float | None = None, reach: float = 38.0,
                 order: int = 10, breaks: Sequence[float] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Energies ``E`` and weights ``w`` (including ``-f'``) with ``sum w g(E) ~ integral g (-f') dE``.

    Composite Gauss-Legendre in ``x = (E - mu)/kT`` on ``[-reach, reach]``
    (``-f'`` is below ``e^{-38}`` beyond) with panels no wider than 2 and no
    wider than half of ``feature/kT`` (the energy scale of T(E), e.g. a
    resonance width), so every node of a lattice sweep is used for all L_n.
    ``breaks`` (energies of steps of T, e.g. subband thresholds) become panel edges.
    """
    kT = _check_kT(kT)
    panel = 2.0 if feature is None else min(2.0, 0.5 * float(feature) / kT)
    xb = sorted({-reach, reach} | {(float(b) - mu) / kT for b in breaks if abs(float(b) - mu) < reach * kT})
    edges = [xb[0]]
    for a, b in zip(xb[:-1], xb[1:]):
        m = max(1, int(math.ceil((b - a) / panel)))
        edges += list(np.linspace(a, b, m + 1)[1:])
    edges = np.array(edges)
    t, wt = np.polynomial.legendre.leggauss(order)
    half = (edges[1:] - edges[:-1]) / 2
    x = ((edges[:-1] + edges[1:]) / 2)[:, None] + half[:, None] * t[None, :]
    w = half[:, None] * wt[None, :]
    x, w = x.ravel(), w.ravel()
    fm = np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))) ** 2
    return mu + kT * x, w * fm


def lattice_integrals(T: Callable[[float], float], mu: float, kT: float, orders: Sequence[int] = (0, 1, 2), *,
                      feature: float | None = None, channels: float = 1.0, breaks: Sequence[float] = (),
                      order: int = 10, reach: float = 38.0) -> list[float]:
    """``[L_n]`` of an expensive ``T(E)`` (a lattice solve) on :func:`window_nodes`: one call per node.

    ``reach`` (in k_B Theta) and ``order`` trade accuracy for solves: the defaults reach 1e-13;
    ``reach=20, order=6`` (120 solves) about 1e-8."""
    E, w = window_nodes(mu, kT, feature=feature, breaks=breaks, order=order, reach=reach)
    Tv = np.array([float(T(float(En))) for En in E])
    if not np.all(np.isfinite(Tv)) or Tv.min() < -1e-9 or Tv.max() > channels * (1 + 1e-9):
        i = int(np.argmax(~np.isfinite(Tv) | (Tv < -1e-9) | (Tv > channels * (1 + 1e-9))))
        raise ParameterError(f"a transmission probability must lie in [0, {channels:g}]; got T({E[i]:.6g}) = {Tv[i]}")
    return [float(np.sum(w * (E - mu) ** n * Tv)) for n in orders]


def lattice_transmission(system: Any, out_lead: int = 1, in_lead: int = 0,
                         params: dict | None = None) -> Callable[[Any], float]:
    """``E -> T_{out,in}(E)`` of a finalized lattice system (one solve per energy)."""
    def T(E):
        return system.smatrix(float(E), params or {}).transmission(out_lead, in_lead)
    return T


def fermi_window_nodes(mu: float, kT: float, n: int = 64, cut: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """Energies and weights with ``sum w g(E) ~ integral g(E) (-f'(E)) dE`` for smooth g.

    Gauss-Legendre in ``u = f(E)`` on ``[cut, 1 - cut]`` (``(-f') dE = du``,
    ``E = mu + kT log(1/u - 1)``): the nodes crowd into the thermal window.
    """
    kT = _check_kT(kT)
    t, w = np.polynomial.legendre.leggauss(n)
    u = cut + (1 - 2 * cut) * (t + 1) / 2
    return mu + kT * np.log(1 / u - 1), w * (1 - 2 * cut) / 2


def lattice_onsager(system: Any, mu: float, kT: float, leads: Sequence[int], params: dict | None = None,
                    n: int = 64) -> np.ndarray:
    """The 2N x 2N Onsager matrix of :func:`lbsym.thermo.onsager_matrix` (e = h = g_s = 1) from
    a lattice system's ``T_ij(E)`` on :func:`fermi_window_nodes`."""
    E, w = fermi_window_nodes(mu, kT, n)
    N = len(leads)
    L = np.zeros((3, N, N))
    for Ei, wi in zip(E, w):
        try:
            sm = system.smatrix(float(Ei), params or {})
        except LbsymError as exc:
            raise ParameterError(f"lattice solve failed at E = {Ei:.6g}: {exc}") from exc
        Tij = np.array([[sm.transmission(a, b) if a != b else 0.0 for b in leads] for a in leads])
        x = Ei - mu
        for k in range(3):
            L[k] += wi * x**k * Tij
    A = []
    for Lk in L:
        Ak = Lk.copy()
        np.fill_diagonal(Ak, 0.0)
        Ak[np.diag_indices(N)] = -Ak.sum(axis=0)
        A.append(Ak)
    return np.block([[A[0], -A[1]], [-A[1], A[2]]])

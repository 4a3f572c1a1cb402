"""Closed forms of the catalogue checked against the tight-binding solver.

:data:`CHECKS` maps a derivation name to ``check(derivation, *, perturb=0.0)``
returning a :class:`~lbsym.derivation.CheckReport`.  Each check maps the
derivation's parameters onto a lattice system of :mod:`lbsym.lattice`, evaluates
the *library's* closed form numerically (the derivation's result, or a
:class:`~lbsym.network.Network` that lbsym composes symbolically from exact
lattice scatterers) and compares it with the lattice solver.

``perturb`` deliberately spoils the closed-form side only (an impurity energy,
the arm phase, the channel transmission), so that tests can verify that every
check is able to fail.  :meth:`Derivation.lattice_check` calls the checks with
``perturb = 0``.

Mappings
--------
* 1D lattice: ``E = -2 cos k`` (hopping 1), lead modes ``e^{+-ikm}/sqrt(2 sin k)``
  with ``m = 0`` on the interface site; :func:`lbsym.scatterers.lattice_impurity`
  is the exact S-matrix of one impurity with that phase reference, so free
  propagation over ``d`` sites between two references is the phase ``k d``.
* Three-way lattice junction (one site, three 1D leads):
  ``S = -1 + i v G_J``, ``G_J = 1/(E + 3 e^{ik})``, i.e. with ``z = e^{ik}``
  ``S_ij = -delta_ij + (z^2 - 1)/(2 z^2 - 1)``.  At ``E = 0`` this is exactly
  Büttiker's junction with ``epsilon = 4/9``.
* ``lattice.ring(n_u, n_l)`` puts the whole Peierls phase ``2 pi phi`` on the
  bond from the first upper site to ``L`` (``H[L, u1] = -e^{2 pi i phi}``), so
  in the network an electron going L -> R along the upper arm gains
  ``k (n_u + 1) - 2 pi phi`` and ``k (n_u + 1) + 2 pi phi`` going back; the lower
  arm carries ``k (n_l + 1)`` both ways.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, Iterable

import numpy as np
import sympy as sp

from . import lattice as lat
from .derivation import CheckReport, Derivation
from .errors import LbsymError
from .network import Network, series
from .scatterers import lattice_impurity, propagation
from .smatrix import SMatrix
from .transfer import transfer_matrix

__all__ = [
    "CHECKS",
    "check_fabry_perot",
    "check_aharonov_bohm_ring",
    "check_periodic_chain",
    "check_landauer",
    "check_fabry_perot_average",
    "check_shot_noise",
]

_k = sp.Symbol("k", positive=True)
_d = sp.Symbol("d", positive=True)
_e1, _e2 = sp.symbols("epsilon1 epsilon2", real=True)
_th1, _th2, _phi = sp.symbols("theta_u theta_d phi_AB", real=True)


# ------------------------------------------------------------------ helpers
def _by_name(expr: sp.Expr, names: Iterable[str], **kw) -> Callable:
    """lambdify ``expr`` with arguments given by symbol *names* (numpy)."""
    present = {s.name: s for s in expr.free_symbols}
    extra = set(present) - set(names)
    if extra:
        raise ValueError(f"closed form depends on unexpected symbols {sorted(extra)}")
    args = [present.get(n, sp.Symbol(n)) for n in names]
    return sp.lambdify(args, expr, modules="numpy", **kw)


def _interior_k(n: int, margin: float = 0.05) -> np.ndarray:
    """``n`` wave numbers in (0, pi), at least ``margin`` from the band edges."""
    return np.linspace(margin, math.pi - margin, n)


@lru_cache(maxsize=None)
def _impurity_amplitudes() -> Callable:
    """(eps, k) -> (r, t) of :func:`lattice_impurity` (library closed form)."""
    eps = sp.Symbol("eps_imp", real=True)
    S = lattice_impurity(eps, _k)
    return sp.lambdify((eps, _k), (S["left", "left"], S["right", "left"]), modules="numpy")


@lru_cache(maxsize=None)
def _two_impurity_network() -> Callable:
    """(eps1, eps2, k, d) -> 2x2 S of two lattice impurities a distance d apart."""
    net = Network()
    net.add("I1", lattice_impurity(_e1, _k)).add("I2", lattice_impurity(_e2, _k))
    net.connect("I1.right", "I2.left", phase=_k * _d)
    net.external("L", "I1.left").external("R", "I2.right")
    S = net.smatrix()
    return sp.lambdify((_e1, _e2, _k, _d), S.matrix, modules="numpy")


def lattice_junction_smatrix(k: sp.Expr = _k) -> SMatrix:
    """Closed form of ``lattice.junction(3)``: S = -1 + i v G_J at E = -2 cos k.

    Ports ``("lead", "up", "down")``; phase reference at the junction site.
    """
    z = sp.exp(sp.I * k)
    c = (z**2 - 1) / (2 * z**2 - 1)  # i v G_J with v = 2 sin k, G_J = 1/(E + 3 e^{ik})
    return SMatrix([[c - 1, c, c], [c, c - 1, c], [c, c, c - 1]], ("lead", "up", "down"))


@lru_cache(maxsize=None)
def _ring_network() -> Callable:
    """(k, theta_u, theta_d, phi) -> 2x2 S of the ring of two lattice junctions."""
    J = lattice_junction_smatrix(_k)
    net = Network()
    net.add("JL", J).add("JR", J)
    # lattice gauge: the whole Peierls phase on the upper arm, -phi going L -> R
    net.connect("JL.up", "JR.up", phase=_th1, flux=-_phi)
    net.connect("JL.down", "JR.down", phase=_th2)
    net.external("L", "JL.lead").external("R", "JR.lead")
    S = net.smatrix()
    return sp.lambdify((_k, _th1, _th2, _phi), S.matrix, modules="numpy")


@lru_cache(maxsize=None)
def _cell() -> tuple[Callable, Callable]:
    """(eps, k, d) -> xi = tr(M)/2 and t of one cell (impurity + propagation k d)."""
    eps = sp.Symbol("eps_cell", real=True)
    S = series(lattice_impurity(eps, _k), propagation(_k * _d))
    M = transfer_matrix(S)
    xi = M.trace() / 2
    return (sp.lambdify((eps, _k, _d), xi, modules="numpy"),
            sp.lambdify((eps, _k, _d), S["right", "left"], modules="numpy"))


# ------------------------------------------------------------- fabry-perot
_FP_SETS = ((0.5, -0.3, 3), (1.2, 0.7, 7), (-0.8, -0.8, 1), (2.0, 1.5, 12), (0.3, -1.1, 25))


def check_fabry_perot(der: Derivation, *, perturb: float = 0.0) -> CheckReport:
    """Two impurities eps1 (site 0), eps2 (site d) on a chain.

    Closed forms: (a) the complex 2x2 S-matrix of lbsym's Network of two
    :func:`lattice_impurity` S-matrices joined by the phase k d; (b) the
    derivation's T(T1, T2, R1, R2, theta) with T_i = |t_i|^2, R_i = |r_i|^2 and
    theta = arg(r1' r2 e^{2ikd}) from the same impurity amplitudes.
    Lattice: ``lattice.chain({0: eps1, d: eps2})``.
    """
    f_net = _two_impurity_network()
    amp = _impurity_amplitudes()
    f_T = _by_name(der.result, ("T1", "T2", "R1", "R2", "theta"))
    ks = _interior_k(60)
    worst_S = worst_T = 0.0
    pts = 0
    for e1, e2, d in _FP_SETS:
        c1, c2 = e1 + perturb, e2 + perturb
        sys_ = lat.chain({0: e1, d: e2})
        S_net = np.asarray(f_net(c1, c2, ks, d), dtype=complex)  # (2, 2, nk)
        r1, t1 = amp(c1, ks)
        r2, t2 = amp(c2, ks)
        theta = np.angle(r1 * r2 * np.exp(2j * ks * d))  # r1' = r1 for the impurity
        T_der = f_T(abs(t1) ** 2, abs(t2) ** 2, abs(r1) ** 2, abs(r2) ** 2, theta)
        for i, k in enumerate(ks):
            S = sys_.smatrix(-2 * math.cos(k))
            worst_S = max(worst_S, float(np.abs(S.data - S_net[:, :, i]).max()))
            worst_T = max(worst_T, abs(S.transmission(1, 0) - float(T_der[i])))
            pts += 1
    return CheckReport(
        method=("lattice.chain({0: eps1, d: eps2}) vs (a) complex S of lbsym Network of two "
                "lattice_impurity S-matrices joined by phase k d and (b) the derivation's "
                "T(T1, T2, R1, R2, theta), theta = arg(r1' r2 e^{2ikd}); "
                f"{len(_FP_SETS)} (eps1, eps2, d) sets x {len(ks)} k in [0.05, pi - 0.05]; "
                f"max |dS| = {worst_S:.2e}, max |dT| = {worst_T:.2e}"),
        max_abs_error=max(worst_S, worst_T),
        points=pts,
        tolerance=1e-10,
    )


# ------------------------------------------------------ aharonov-bohm-ring
_AB_ARMS = ((3, 3), (2, 5), (0, 4), (6, 6), (1, 8))
_AB_FLUX = (0.0, 0.13, 0.25, 0.5, 0.77)
_AB_E0_ARMS = (2, 4, 6, 10)  # equal arms, k = pi/2: theta = pi (n + 1)/2 with sin(theta) != 0
_AB_E0_FLUX = (0.0, 0.1, 0.3, 0.5, 0.85)


def check_aharonov_bohm_ring(der: Derivation, *, perturb: float = 0.0) -> CheckReport:
    """Ring of two exact lattice junctions vs ``lattice.ring(n_u, n_l, flux=phi)``.

    (a) lbsym's Network elimination applied to the closed-form lattice
    junction S-matrices, arms with phases k (n + 1) and the Peierls phase
    placed as in the lattice's gauge: complex 2x2 S over energy and flux;
    (b) period one in Phi/Phi0: lattice T(phi + 1) in the other gauge
    (``spread=True``) vs T(phi), and the derivation's T(Phi + Phi0) vs T(Phi);
    (c) the derivation's result itself at E = 0, where the lattice junction
    is Büttiker's with epsilon = 4/9 and theta = pi (n + 1)/2.
    ``perturb`` is added to the arm phases of the closed forms.
    """
    f_net = _ring_network()
    f_T = _by_name(der.result, ("epsilon", "theta", "Phi", "Phi0"))
    ks = _interior_k(24)
    worst_S = worst_P = worst_0 = 0.0
    pts = 0
    for nu, nl in _AB_ARMS:
        ring = lat.ring(nu, nl)
        spread = lat.ring(nu, nl, spread=True)
        for p in _AB_FLUX:
            S_net = np.asarray(f_net(ks, ks * (nu + 1) + perturb, ks * (nl + 1) + perturb,
                                     2 * math.pi * p), dtype=complex)
            for i, k in enumerate(ks):
                E = -2 * math.cos(k)
                S = ring.smatrix(E, {"phi": p})
                worst_S = max(worst_S, float(np.abs(S.data - S_net[:, :, i]).max()))
                if i % 6 == 0:
                    T1 = spread.smatrix(E, {"phi": p + 1.0}).transmission(1, 0)
                    worst_P = max(worst_P, abs(T1 - S.transmission(1, 0)))
                pts += 1
    for n in _AB_E0_ARMS:
        ring = lat.ring(n, n)
        theta = math.pi * (n + 1) / 2 + perturb
        for p in _AB_E0_FLUX:
            T_lat = ring.smatrix(0.0, {"phi": p}).transmission(1, 0)
            T_der = float(f_T(4 / 9, theta, p, 1.0))
            T_per = float(f_T(4 / 9, theta, p + 1.0, 1.0))
            worst_0 = max(worst_0, abs(T_lat - T_der))
            worst_P = max(worst_P, abs(T_per - T_der))
            pts += 1
    return CheckReport(
        method=("lattice.ring(n_u, n_l, flux=phi) vs (a) complex S of lbsym Network of two "
                "closed-form lattice junctions S = -1 + i v G_J, arms k (n + 1), Peierls phase "
                "-2 pi phi on the upper arm L -> R (the lattice gauge): "
                f"{len(_AB_ARMS)} arm pairs x {len(_AB_FLUX)} fluxes x {len(ks)} k, "
                f"max |dS| = {worst_S:.2e}; (b) period h/e: lattice T(phi + 1) in the spread "
                f"gauge and derivation T(Phi + Phi0) vs T(Phi), max = {worst_P:.2e}; (c) derivation "
                "result at E = 0 (junction = Büttiker epsilon = 4/9, theta = pi (n + 1)/2), "
                f"n = {list(_AB_E0_ARMS)}, max |dT| = {worst_0:.2e}"),
        max_abs_error=max(worst_S, worst_P, worst_0),
        points=pts,
        tolerance=1e-10,
    )


# ----------------------------------------------------------- periodic-chain
_PC_EPS = (0.6, -1.3)
_PC_D = (1, 2, 5)
_PC_N = (1, 2, 3, 5, 8)


def check_periodic_chain(der: Derivation, *, perturb: float = 0.0) -> CheckReport:
    """N impurities eps at sites 0, d, ..., (N - 1) d vs the Chebyshev form.

    T1 = |t|^2 and xi = tr(M)/2 of one cell (``series(lattice_impurity,
    propagation(k d))`` and ``transfer_matrix``) fed into the derivation's
    T_N(T1, xi, N).  Energies cover bands and gaps of the superlattice.
    """
    f_xi, f_t = _cell()
    Nsym = next((s for s in der.result.free_symbols if s.name == "N"), None)
    ks = _interior_k(25)
    worst = worst_im = 0.0
    pts = 0
    for eps in _PC_EPS:
        c = eps + perturb
        for d in _PC_D:
            xi_c = np.asarray(f_xi(c, ks, d), dtype=complex)
            worst_im = max(worst_im, float(np.abs(xi_c.imag).max()))
            xi = xi_c.real
            T1 = np.abs(np.asarray(f_t(c, ks, d), dtype=complex)) ** 2
            for N in _PC_N:
                expr = der.result.subs(Nsym, N) if Nsym is not None else der.result
                T_der = np.asarray(_by_name(expr, ("T1", "xi"))(T1, xi), dtype=float)
                T_der = np.broadcast_to(T_der, ks.shape)
                sys_ = lat.chain({j * d: eps for j in range(N)})
                for i, k in enumerate(ks):
                    T_lat = sys_.smatrix(-2 * math.cos(k)).transmission(1, 0)
                    worst = max(worst, abs(T_lat - float(T_der[i])))
                    pts += 1
    return CheckReport(
        method=("lattice.chain with N impurities eps spaced d vs the derivation's "
                "T_N = 1/(1 + (1/T1 - 1) U_{N-1}(xi)^2), T1 and xi = tr(M)/2 from lbsym's "
                "series(lattice_impurity, propagation(k d)) and transfer_matrix; "
                f"eps in {list(_PC_EPS)}, d in {list(_PC_D)}, N in {list(_PC_N)}, {len(ks)} k "
                f"in [0.05, pi - 0.05] (bands and gaps); max |dT| = {worst:.2e}, "
                f"max |Im xi| = {worst_im:.1e}"),
        max_abs_error=max(worst, worst_im),
        points=pts,
        tolerance=1e-10,
    )


# ----------------------------------------------------------------- landauer
_LD_W = (1, 2, 3, 5, 8)
_LD_L = 5


def _open_modes(E: float, W: int) -> tuple[int, float]:
    """Open modes of a clean strip of width W at E, and the distance to a threshold."""
    Ej = -2 * np.cos(np.pi * np.arange(1, W + 1) / (W + 1))
    n_open = int(np.sum(np.abs(E - Ej) < 2))
    gap = float(np.min(np.abs(np.abs(E - Ej) - 2)))
    return n_open, gap


def check_landauer(der: Derivation, *, perturb: float = 0.0) -> CheckReport:
    """Clean W x L strip: lattice transmission = number of open modes.

    Closed form: the derivation's G = g_s (e^2/h) sum_{n=1}^N T_n with g_s = 1,
    divided by e^2/h, T_n = 1 - perturb, N = open modes counted from the
    transverse energies -2 cos(pi j/(W + 1)).  Lattice: total transmission,
    the mode count of the lead, and every transmission eigenvalue (= 1).
    """
    syms = {s.name: s for s in der.result.free_symbols}
    G = (der.result / (syms["e"] ** 2 / syms["h"])).subs(syms["g_s"], 1)
    G = G.replace(lambda x: isinstance(x, sp.Indexed), lambda x: sp.Integer(1) - sp.Float(perturb))
    Nsym = syms["N"]
    worst = 0.0
    pts = 0
    for W in _LD_W:
        sys_ = lat.strip(W=W, L=_LD_L)
        for E in np.linspace(-3.9, 3.9, 40):
            n_open, gap = _open_modes(E, W)
            if gap < 0.05 or n_open == 0:  # no S-matrix outside every lead band
                continue
            closed = float(sp.N(G.subs(Nsym, n_open).doit()))
            S = sys_.smatrix(float(E))
            err = abs(S.transmission(1, 0) - closed)
            err = max(err, abs(S.num_modes(0) - n_open), abs(S.num_modes(1) - n_open))
            tau = S.transmission_eigenvalues(1, 0)
            err = max(err, float(np.abs(tau - (1 - perturb)).max()))
            worst = max(worst, err)
            pts += 1
    return CheckReport(
        method=(f"lattice.strip(W, L={_LD_L}), W in {list(_LD_W)}, 40 energies in [-3.9, 3.9] "
                "at least 0.05 from every threshold: total transmission, mode count and "
                "transmission eigenvalues vs the derivation's g_s (e^2/h) sum T_n with g_s = 1, "
                "T_n = 1, N = open modes"),
        max_abs_error=worst,
        points=pts,
        tolerance=1e-10,
    )


# ------------------------------------------------------ fabry-perot-average
_FA_SETS = ((1.0, 0.8, 400, 1.1), (1.5, -0.7, 300, 2.0), (0.6, 1.2, 500, 0.7))
_FA_PERIODS = 4
_FA_PER_PERIOD = 32


def check_fabry_perot_average(der: Derivation, *, perturb: float = 0.0) -> CheckReport:
    """Energy-averaged lattice transmission of two distant impurities vs T1 T2/(T1 + T2 - T1 T2).

    For impurities eps1 (site 0) and eps2 (site d, d = 300..500) the energies
    are chosen so that the round-trip phase theta(k) = 2 k d + arg r1 + arg r2
    (library impurity amplitudes) is sampled uniformly (midpoint rule) over
    four full periods around k0: the midpoint rule is exact to ~R^32 for the
    periodic T(theta), so the only residual is the variation of T1(k), T2(k)
    across the window (width ~ 4 pi/d).  The closed form is the derivation's
    result at T_i(k0).  Tolerance: the smallest (over the sets) spread
    max_window |T_cl(k) - T_cl(k0)| of the classical value itself, a
    first-order bound on the residual (the symmetric window makes it second
    order in practice).
    """
    from scipy.optimize import brentq

    amp = _impurity_amplitudes()
    f_cl = _by_name(der.result, ("T1", "T2"))
    M, P = _FA_PERIODS, _FA_PER_PERIOD
    worst = worst_mean = 0.0
    spreads = []
    pts = 0
    for e1, e2, d, k0 in _FA_SETS:
        def theta(k):  # continuous: arg r in (-pi, pi) does not wrap for 0 < k < pi
            return 2 * k * d + float(np.angle(amp(e1, k)[0]) + np.angle(amp(e2, k)[0]))

        th0 = theta(k0)
        lo, hi = k0 - 2 * math.pi * M / d, k0 + 2 * math.pi * M / d
        targets = th0 - math.pi * M + 2 * math.pi * (np.arange(M * P) + 0.5) / P
        ks = np.array([brentq(lambda k: theta(k) - tg, lo, hi, xtol=1e-14) for tg in targets])
        sys_ = lat.chain({0: e1, d: e2})
        T_avg = float(np.mean([sys_.smatrix(-2 * math.cos(k)).transmission(1, 0) for k in ks]))
        pts += len(ks)

        def classical(k, c1, c2):
            t1 = np.abs(amp(c1, k)[1]) ** 2
            t2 = np.abs(amp(c2, k)[1]) ** 2
            return np.asarray(f_cl(t1, t2), dtype=float)

        T_cl0 = float(classical(k0, e1 + perturb, e2 + perturb))
        T_cl = classical(ks, e1, e2)
        spreads.append(float(np.max(np.abs(T_cl - classical(k0, e1, e2)))))
        worst = max(worst, abs(T_avg - T_cl0))
        worst_mean = max(worst_mean, abs(T_avg - float(np.mean(T_cl))))
    tol = min(spreads)
    return CheckReport(
        method=("mean lattice.chain({0: eps1, d: eps2}) transmission over energies sampling the "
                f"round-trip phase uniformly ({M} periods x {P} midpoints, d = 300..500) vs the "
                "derivation's T1 T2/(T1 + T2 - T1 T2) at the window centre; tolerance = smallest "
                "spread of that classical value over a window (residual k-dependence of T1, T2), "
                f"spreads {', '.join(f'{s:.1e}' for s in spreads)}; for information, "
                f"|<T> - window mean of the classical value| = {worst_mean:.1e} "
                "(T1, T2 correlated with theta within a period, O(1/d))"),
        max_abs_error=worst,
        points=pts,
        tolerance=tol,
    )



def check_shot_noise(der: Derivation, *, perturb: float = 0.0) -> CheckReport:
    """Disordered lattice strips: the derivation's S = 2e^3|V|/h sum T_n(1 - T_n),
    fed with the lattice's transmission eigenvalues, vs Büttiker's noise matrix
    S_LL computed from the full lattice S-matrix (``noise.noise_matrix``, which
    never diagonalizes t^dagger t).  Units e = h = 1, V = 1, zero temperature.
    ``perturb`` spoils the eigenvalues fed to the closed form.
    """
    from . import lattice as lat
    from .noise_numeric import noise_matrix

    N = sp.Symbol("N", positive=True, integer=True)
    T = sp.IndexedBase("T", positive=True)
    V = next(s.symbol for s in der.symbols if s.name == "V")
    consts = {s.symbol: 1 for s in der.symbols if s.name in ("e", "h")}
    worst, points = 0.0, 0
    for W, L, U, seed in [(4, 12, 1.5, 1), (6, 20, 2.0, 2), (8, 15, 1.0, 3)]:
        fsys = lat.strip(W, L, disorder=U, seed=seed)
        for E in np.linspace(-3.1, 3.1, 9):
            try:
                sm = fsys.smatrix(float(E))
            except LbsymError:  # too close to a subband threshold: skip the energy
                continue
            n_l, n_r = sm.num_modes(0), sm.num_modes(1)
            if n_l == 0:
                continue
            Ts = sm.transmission_eigenvalues(1, 0) + perturb
            Ts = np.sort(Ts)[-min(n_l, n_r):]
            closed = der.result.subs(consts).subs({V: 1, N: len(Ts)}).doit()
            closed = float(closed.subs({T[i + 1]: float(x) for i, x in enumerate(Ts)}))
            M = noise_matrix(np.asarray(sm.data), [list(range(n_l)), list(range(n_l, n_l + n_r))],
                             [1.0, 0.0], 0.0)
            worst = max(worst, abs(closed - M[0, 0]))
            points += 1
    return CheckReport(
        "lattice.strip(W, L, disorder, seed) for (W, L, U) = (4, 12, 1.5), (6, 20, 2), (8, 15, 1), "
        "9 energies: the derivation's S = 2e^3|V|/h sum T_n(1 - T_n) with the lattice transmission "
        "eigenvalues vs Büttiker's noise matrix S_LL from the full lattice S-matrix (e = h = V = 1)",
        worst, points, 1e-10)


CHECKS: dict[str, Callable[..., CheckReport]] = {
    "fabry-perot": check_fabry_perot,
    "aharonov-bohm-ring": check_aharonov_bohm_ring,
    "periodic-chain": check_periodic_chain,
    "landauer": check_landauer,
    "fabry-perot-average": check_fabry_perot_average,
    "shot-noise": check_shot_noise,
}

"""qpc-staircase: Büttiker's saddle-point contact, 2e^2/h steps, Zeeman splitting (seed 1162374).

Conventions: V(x, y) = V0 - m w_x^2 x^2/2 + m w_y^2 y^2/2 (Büttiker, PRB 41, 7906
(1990)); energies E_F, V0, omega_x = hbar w_x, omega_y = hbar w_y, E_Z in one unit
(hbar = 1); G in terms of the symbol G_0 = 2e^2/h carried by a spin-degenerate
channel (one symbol, so that LaTeX's e^{-2 pi eps} cannot be read as the charge e
to a power); a Zeeman energy
shifts spin sigma = +-1 by sigma E_Z/2 (splitting E_Z = g mu_B B).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..numeric import evaluator

E = sp.Symbol("E_F", real=True)  # not "E": parsers read that as Euler's number
V0 = sp.Symbol("V0", real=True)
wx = sp.Symbol("omega_x", positive=True)  # hbar omega_x as an energy (hbar = 1)
wy = sp.Symbol("omega_y", positive=True)
EZ = sp.Symbol("E_Z", nonnegative=True)
n = sp.Symbol("n", integer=True, positive=True)
Nch = sp.Symbol("N", integer=True, positive=True)
G = sp.Symbol("G", positive=True)
T = sp.Symbol("T", positive=True)
eps = sp.Symbol("epsilon", real=True)
#: the conductance quantum 2e^2/h as one symbol: a LaTeX reader would take the charge e in
#: e^{-2 pi epsilon} for a variable, so the result keeps e only inside G_0
G0 = sp.Symbol("G_0", positive=True)
UNITS = {G0: 2}  # e = h = 1


def _barrier_transmission() -> tuple[sp.Expr, list]:
    """T(epsilon) of the parabolic barrier from the under-barrier action (Kemble's formula,
    exact for the parabolic barrier): S = (1/hbar) int sqrt(2m(U - m w^2 x^2/2 - E)) dx."""
    m, hbar, w, x, D = sp.symbols("m hbar omega x Delta", positive=True)  # Delta = U - E > 0
    xt = sp.sqrt(2 * D / (m * w**2))
    action = sp.simplify(sp.integrate(sp.sqrt(2 * m * (D - m * w**2 * x**2 / 2)), (x, -xt, xt)) / hbar)
    # epsilon = (E - U)/(hbar w): Delta = -epsilon hbar w
    S_eps = sp.simplify(action.subs(D, -eps * hbar * w))
    Teps = 1 / (1 + sp.exp(2 * S_eps))
    steps = [Step("Under-barrier action of the inverted parabola U - m w_x^2 x^2/2 at E < U, "
                  "integrated between the turning points:", sp.Eq(sp.Symbol("S"), action)),
             Step("in epsilon = (E - U)/(hbar w_x):", sp.Eq(sp.Symbol("S"), S_eps)),
             Step("Kemble's formula T = 1/(1 + e^{2S}), exact for the parabolic barrier at all E "
                  "(continued analytically above the top):", sp.Eq(T, Teps))]
    return Teps, steps


def truncated(expr: sp.Expr, channels: int = 41) -> sp.Expr:
    """``expr`` with N = ``channels`` transverse channels, the channel sums written out
    (channels far above E are closed to exp(-2 pi (E_n - E)/hbar w_x))."""
    expr = expr.subs(Nch, channels)
    return expr.replace(lambda a: isinstance(a, sp.Sum),
                        lambda a: sp.Add(*[a.function.subs(a.limits[0][0], j)
                                           for j in range(int(a.limits[0][1]), int(a.limits[0][2]) + 1)]))


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    barrier: sp.Expr
    channel: sp.Expr
    step_width_10_90: sp.Expr
    slope_at_threshold: sp.Expr
    zeeman_critical: sp.Expr
    zeeman_critical_float: float
    plateau_slope: sp.Expr


@register("qpc-staircase", "Quantum point contact: saddle-point staircase and its Zeeman splitting")
def build() -> Derivation:
    Teps, bsteps = _barrier_transmission()
    threshold = V0 + wy * (n - sp.Rational(1, 2))
    Tn = Teps.subs(eps, (E - threshold) / wx)
    result = G0 * sp.Sum(Tn, (n, 1, Nch))
    sigma = sp.Symbol("sigma")
    Tns = Teps.subs(eps, (E - threshold - sigma * EZ / 2) / wx)
    zeeman = G0 / 2 * sp.Sum(Tns.subs(sigma, 1) + Tns.subs(sigma, -1), (n, 1, Nch))
    # step shape: 10-90 % width and slope at threshold
    e10 = sp.solve(sp.Eq(Teps, sp.Rational(1, 10)), eps)[0]
    e90 = sp.solve(sp.Eq(Teps, sp.Rational(9, 10)), eps)[0]
    width = sp.simplify((e90 - e10) * wx)
    slope = sp.simplify(sp.diff(Teps, eps).subs(eps, 0) / wx)
    # plateau flatness: dG/dE midway between thresholds n and n + 1 (both neighbours' tails)
    Tp = sp.diff(Teps, eps)
    mid_slope = sp.simplify(G0 * 2 * Tp.subs(eps, wy / (2 * wx)) / wx)
    # odd plateaus: two spin steps E_Z apart show a plateau (a local minimum of dG/dE midway)
    # once each step's T'(eps) ~ sech^2(pi eps) is past its inflection point at the midpoint:
    # (sech^2 u)'' = 0 where sech^2 u = 2 tanh^2 u
    u = sp.Symbol("u", positive=True)
    if sp.simplify((Tp - sp.pi / 2 * sp.sech(sp.pi * eps) ** 2).rewrite(sp.exp)) != 0:  # pragma: no cover
        raise AssertionError("internal: T'(eps) is not (pi/2) sech^2(pi eps)")
    infl = sp.solve(sp.Eq(sp.diff(sp.sech(u) ** 2, u, 2).rewrite(sp.tanh).subs(sp.sech(u) ** 2,
                                                                             1 - sp.tanh(u) ** 2), 0), u)
    infl = [r for r in infl if r.is_positive]
    crit = sp.simplify(2 * infl[0] / sp.pi * wx)
    textbook = G0 * sp.Sum(1 / (1 + sp.exp(-2 * sp.pi * (E - V0 - wy * (n - sp.Rational(1, 2))) / wx)),
                                     (n, 1, Nch))
    return Derivation(
        topic="Quantum point contacts",
        symbols=(
            SymbolInfo(G, "two-terminal conductance", "G > 0", unit="S"),
            SymbolInfo(E, "Fermi energy", "real"),
            SymbolInfo(V0, "saddle-point potential energy", "real"),
            SymbolInfo(wx, "hbar omega_x (an energy; hbar = 1): curvature of the barrier along the contact", "> 0"),
            SymbolInfo(wy, "hbar omega_y (an energy; hbar = 1): transverse confinement, the subband spacing", "> 0"),
            SymbolInfo(EZ, "Zeeman splitting g mu_B B", ">= 0"),
            SymbolInfo(n, "transverse channel index", "n = 1, 2, ..., N"),
            SymbolInfo(Nch, "number of transverse channels (those of the leads; channels far above "
                       "E are closed to exp(-2 pi (E_n - E)/hbar w_x))", "positive integer"),
            SymbolInfo(G0, "conductance quantum 2e^2/h (spin-degenerate channel)", "G_0 > 0", unit="S"),
        ),
        steps=(
            *bsteps,
            Step("The saddle separates: channel n (transverse oscillator level hbar w_y (n - 1/2), n = 1, 2, ...) sees a "
                 "parabolic barrier of top V0 + hbar w_y (n + 1/2), so", sp.Eq(sp.Symbol("T_n"), Tn)),
            Step("Landauer with spin degeneracy, G_0 = 2e^2/h per channel:", sp.Eq(G, result)),
            Step("Steps at E_n = V0 + hbar w_y (n - 1/2), hbar w_y apart; 10-90 % width of a step:", width),
            Step("slope of a step at its threshold, dT_n/dE =", slope),
            Step("plateaus are flat when w_y/w_x is large: midway between two thresholds dG/dE =",
                 mid_slope),
            Step("A Zeeman energy splits each channel into two spin channels at E_n +- E_Z/2:",
                 sp.Eq(G, zeeman)),
            Step("odd plateaus ((2n - 1) e^2/h) appear when the two spin steps separate past the "
                 "inflection points of T'(eps): E_Z >", crit),
        ),
        lhs=G,
        result=result,
        textbook=textbook,
        reference="Büttiker, PRB 41, 7906 (1990); Kemble, Phys. Rev. 48, 549 (1935); van Wees et al., "
                  "PRL 60, 848 (1988); Wharam et al., J. Phys. C 21, L209 (1988)",
        ranges={E: (-1, 6), V0: (-1, 1), wx: (sp.Rational(1, 10), 2), wy: (sp.Rational(1, 2), 3)},
        parts={"zeeman": Part(sp.Symbol("G_Z"), zeeman, "conductance with Zeeman splitting E_Z"),
               "T_n": Part(sp.Symbol("T_n"), Tn, "transmission of channel n"),
               "zeeman_critical": Part(sp.Symbol("E_Zc"), crit, "Zeeman splitting above which odd plateaus "
                                       "appear (dG/dE has a minimum between the spin steps)")},
        facts=Facts(barrier=Teps, channel=Tn, step_width_10_90=width, slope_at_threshold=slope,
                    zeeman_critical=crit, zeeman_critical_float=float(crit / wx), plateau_slope=mid_slope),
    )


# ------------------------------------------------------------------ checks
def _quiet(fn):
    """Far below a threshold exp(-2 pi eps) overflows to inf and T = 1/(1 + inf) = 0 exactly:
    silence numpy's overflow warning there."""
    import functools

    @functools.wraps(fn)
    def wrapper(der: Derivation) -> Any:
        with np.errstate(over="ignore"):
            return fn(der)
    return wrapper


def parabolic_T_numeric(x: float, X: float = 25.0) -> float:
    """T of the barrier -x^2/2 (m = hbar = omega = 1) at energy ``x`` by integrating the
    Schrödinger equation (scipy, DOP853) across |x| < X; flat beyond, where the kinks
    reflect with amplitude ~ X/(4 k^3) (k^2 = 2x + X^2)."""
    from scipy.integrate import solve_ivp

    k = np.sqrt(2 * x + X**2)

    def rhs(s, y):
        return [y[1], -2 * (x + s * s / 2) * y[0]]

    y0 = [np.exp(1j * k * X), 1j * k * np.exp(1j * k * X)]  # transmitted wave e^{ikx} at x = X
    sol = solve_ivp(rhs, (X, -X), np.array(y0, dtype=complex), method="DOP853", rtol=1e-11, atol=1e-13)
    psi, dpsi = sol.y[0, -1], sol.y[1, -1]
    A = (psi + dpsi / (1j * k)) / (2 * np.exp(-1j * k * X))  # incident amplitude at x = -X
    return float(1 / abs(A) ** 2)


@_quiet
def cross_check(der: Derivation) -> CheckReport:
    """scipy: the Schrödinger equation integrated through the parabolic barrier (flat beyond
    |x| = 25 oscillator lengths) vs the derived T_n and G; channels with |epsilon_n| > 4 are
    taken as closed/open (error < 1e-10).  Tolerance 2e-3: the kinks' reflection."""
    Tn = evaluator(der.parts["T_n"].expr)
    Gf = evaluator(truncated(der.result).subs(UNITS))
    worst, pts = 0.0, 0
    for Ev, v0, a, b in [(0.3, 0.0, 0.2, 1.0), (1.7, 0.1, 0.5, 1.0), (2.9, -0.2, 0.3, 0.8)]:
        tot = 0.0
        for nn in range(41):
            x = (Ev - v0 - b * (nn + 0.5)) / a
            Tnum = 1.0 if x > 4 else 0.0 if x < -4 else parabolic_T_numeric(x)
            tot += Tnum
            if abs(x) <= 4:
                worst = max(worst, abs(float(Tn(E_F=Ev, V0=v0, omega_x=a, omega_y=b, n=nn + 1)) - Tnum))
                pts += 1
        worst = max(worst, abs(float(Gf(E_F=Ev, V0=v0, omega_x=a, omega_y=b)) - 2 * tot))  # G_0 = 2
        pts += 1
    return CheckReport("scipy DOP853 integration of the Schrödinger equation through the parabolic barrier "
                       "(flat beyond 25 oscillator lengths), per channel and G summed over channels",
                       worst, pts, 2e-3)


#: the lattice device: W x L strip, hbar w_x = 0.08 t, hbar w_y = 0.15 t, V0 = 0.25 t
_W, _L, _WX, _WY, _V0 = 31, 161, 0.08, 0.15, 0.25


def _device_mapping() -> tuple[float, float]:
    """(hbar w_x of the device's saddle, the mass m = 1/2t).

    The shape's window cos^2(pi x'/(2a)) (a = (L-1)/2) adds V0 pi^2/(2a^2) to the
    barrier curvature m w_x^2, so the device's saddle has
    hbar w_x,eff = sqrt(w_x^2 + V0 pi^2/(2 a^2 m)).
    """
    a = (_L - 1) / 2
    m = 0.5
    return float(np.sqrt(_WX**2 + _V0 * np.pi**2 / (2 * a**2) / m)), m


def _tolerances(Ec: np.ndarray, wxe: float, shifts: list[float]) -> np.ndarray:
    """Per point: 0.005 + 2 sum_n |dT_n/dE| dE_n with dE_n the lattice's level shift."""
    tol = np.full_like(Ec, 0.005)
    for thr, dE in shifts:
        Tv = 1 / (1 + np.exp(-2 * np.pi * (Ec - thr) / wxe))
        tol += 2 * (2 * np.pi / wxe) * Tv * (1 - Tv) * dE
    return tol


@_quiet
def lattice_check(der: Derivation) -> CheckReport:
    """``lattice.qpc`` (W = 31, L = 161, t = 1, hbar w_x = 0.08, hbar w_y = 0.15, V0 = 0.25),
    spinless and spinful with a Zeeman term: G against the derived staircases, and the
    spinless lattice's transmission eigenvalues (descending) against T_1..T_4.

    Mapping: E = E_lattice + 4t (band bottom), m = 1/2t; the device's barrier curvature
    includes its window's V0 pi^2/(2a^2).  Tolerance per point: 0.005 (e^2/h) plus twice
    sum_n |dG_n/dE| dE_n, where dE_n = (hbar w_y)^2 (2j^2 + 2j + 1)/(64 t) (oscillator level j = n - 1) is the first-order
    shift of the lattice's transverse levels by the cosine band's -t k^4/12 (the steps move
    down by it); the error is reported in units of that tolerance (kind "ratio").
    """
    from ..lattice import shapes

    wxe, _ = _device_mapping()
    nmax = 8
    shifts = [(_V0 + _WY * (k + 0.5), _WY**2 * (2 * k * k + 2 * k + 1) / 64) for k in range(nmax)]
    Gf = evaluator(truncated(der.result).subs(UNITS))
    Gz = evaluator(truncated(der.parts["zeeman"].expr).subs(UNITS))
    worst, pts = 0.0, 0
    s = shapes.qpc(_W, _L, v0=_V0, omega_x=_WX, omega_y=_WY)
    Ec = np.linspace(0.0, 0.6, 13) + _V0
    smats = [s.smatrix(float(x - 4)) for x in Ec]
    Glat = np.array([S.transmission(1, 0) for S in smats])
    # a spinless lattice gives e^2/h per channel, the derived G (e = h = 1) 2 per channel
    closed = np.asarray(Gf(E_F=Ec, V0=_V0, omega_x=wxe, omega_y=_WY), dtype=float) / 2
    worst = max(worst, float(np.max(np.abs(Glat - closed) / _tolerances(Ec, wxe, shifts))))
    pts += len(Ec)
    # per channel: the lattice's transmission eigenvalues (descending) against T_n, n = 1..4
    Tn = evaluator(der.parts["T_n"].expr)
    for x, S in zip(Ec, smats):
        ev = np.sort(np.asarray(S.transmission_eigenvalues(1, 0), dtype=float))[::-1]
        ev = np.concatenate([ev, np.zeros(4)])[:4]
        for j in range(4):
            Tc = float(Tn(E_F=x, V0=_V0, omega_x=wxe, omega_y=_WY, n=j + 1))
            tol = _tolerances(np.array([x]), wxe, [shifts[j]])[0]
            worst = max(worst, abs(ev[j] - Tc) / tol)
            pts += 1
    # spinful, Zeeman: zeeman * sigma_z shifts spin sigma by sigma Ez: E_Z = 2 Ez
    Ez = 0.0375
    sz = shapes.qpc(_W, _L, v0=_V0, omega_x=_WX, omega_y=_WY, norbs=2, zeeman=Ez)
    Ecz = np.array([0.06, 0.09, 0.13, 0.17, 0.21, 0.24, 0.28, 0.32]) + _V0
    Glz = np.array([sz.smatrix(float(x - 4)).transmission(1, 0) for x in Ecz])
    cz = np.asarray(Gz(E_F=Ecz, V0=_V0, omega_x=wxe, omega_y=_WY, E_Z=2 * Ez), dtype=float)
    zshifts = [(thr + sg * Ez, dE) for thr, dE in shifts for sg in (-1, 1)]
    worst = max(worst, float(np.max(np.abs(Glz - cz) / _tolerances(Ecz, wxe, zshifts))))
    pts += len(Ecz)
    return CheckReport(
        "lattice.qpc(31, 161), hbar w_x = 0.08 t, hbar w_y = 0.15 t, V0 = 0.25 t: G over 0..0.6 t above "
        "V0 (spinless, G and T_1..T_4 vs the transmission eigenvalues) and with a Zeeman splitting "
        "E_Z = 0.075 t (spinful), in units of the "
        "discretization tolerance 0.005 + 2 sum_n |dG_n/dE| (hbar w_y)^2 (2n^2+2n+1)/64t",
        worst, pts, 1.0, kind="ratio")


@_quiet
def figure(der: Derivation) -> dict:
    from ..lattice import shapes

    wxe, _ = _device_mapping()
    Gf = evaluator(truncated(der.result).subs(UNITS))
    Gz = evaluator(truncated(der.parts["zeeman"].expr).subs(UNITS))
    x = np.linspace(0, 0.62, 300)
    xp = np.linspace(0.02, 0.6, 16)
    s = shapes.qpc(_W, _L, v0=_V0, omega_x=_WX, omega_y=_WY)
    Gp = np.array([s.smatrix(float(v + _V0 - 4)).transmission(1, 0) for v in xp])
    Ez = 0.0375
    sz = shapes.qpc(_W, _L, v0=_V0, omega_x=_WX, omega_y=_WY, norbs=2, zeeman=Ez)
    xz = np.linspace(0.03, 0.45, 8)
    Gzp = np.array([sz.smatrix(float(v + _V0 - 4)).transmission(1, 0) for v in xz])
    return dict(
        xlabel=r"$E - V_0$ (hopping $t$)", ylabel=r"$G$ ($e^2/h$)",
        title=r"Saddle-point QPC: $\hbar\omega_y/\hbar\omega_x \approx 1.8$",
        lines=[("closed form", x, np.asarray(Gf(E_F=x + _V0, V0=_V0, omega_x=wxe, omega_y=_WY))),
               (r"closed form, Zeeman $E_Z = 0.075t$",
                x, np.asarray(Gz(E_F=x + _V0, V0=_V0, omega_x=wxe, omega_y=_WY, E_Z=2 * Ez)))],
        points=[("lattice (spinless, x2 for spin)", xp, 2 * Gp), ("lattice (spinful, Zeeman)", xz, Gzp)],
        paired=True)

"""wiedemann-franz: the Lorenz ratio, L -> L_0 for smooth T(E), its violation at a resonance (seed 1162381).

The result is the Lorenz ratio L/L_0 of any smooth T(E) to order
(k_B Theta)^2, from the Sommerfeld expansion: 1 + pi^2 (k_B Theta)^2
(8 T T'' - 5 T'^2)/(15 T^2), so L -> L_0 = (pi^2/3)(k_B/e)^2.  Its violation
is in the facts: the exact Lorenz ratio of a Breit-Wigner resonance
T(E) = (Gamma/2)^2/((E - eps_0)^2 + (Gamma/2)^2) (full width Gamma), derived
by the residue route of :func:`lbsym.thermo.rational_integral` (trigamma
functions), on resonance and detuned, with its low- and high-temperature
limits.  (The trigamma forms are facts, not the result or parts: the safe
parser of ``lbsym check`` has no polygamma yet, and every part must parse.)  Units in the checks: e = h = k_B = 1, energies in units of the
hopping on the lattice.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..constants import e, k_B
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..numeric import evaluator
from ..thermo import (Theta, coefficients, fermi_moment, fermi_moment_steps, linear_response,
                      lorenz_number, rational_integral, real_form, sommerfeld)

Gamma = sp.Symbol("Gamma", positive=True)
delta = sp.Symbol("delta", real=True)
E = sp.Symbol("E", real=True)
ratio = sp.Symbol("L/L_0", positive=True)
x = sp.Symbol("x", positive=True)  # 4 pi k_B Theta / Gamma
T0, T1, T2 = sp.symbols("T0 T1 T2", real=True)
T3, T4 = sp.symbols("T3 T4", real=True)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: (pi^2/3)(k_B/e)^2, from the leading Sommerfeld order
    lorenz_number: sp.Expr
    #: L/L_0 - 1 to order (k_B Theta)^2 for a smooth T(E) (T0, T1, T2 = T, T', T'' at mu)
    smooth_correction: sp.Expr
    #: L/L_0 at a resonance, any detuning delta = eps_0 - mu
    detuned: sp.Expr
    #: L/L_0 on resonance (delta = 0), trigamma form
    resonance: sp.Expr
    #: 1 - c (k_B Theta/Gamma)^2 from the asymptotic series of the exact ratio
    low_temperature: sp.Expr
    #: the same from the Sommerfeld expansion of the Lorentzian: equal
    low_temperature_sommerfeld: sp.Expr
    #: c in L/L_0 = 1 - c (k_B Theta/Gamma)^2
    c: sp.Expr
    #: leading term for k_B Theta >> Gamma
    high_temperature: sp.Expr
    #: Gamma/(2 k_B Theta) -> exact L/L_0 (as a 16-digit Float)
    table: tuple
    #: the Onsager matrix (units g_s/h) the coefficients come from
    onsager: sp.Matrix


def breit_wigner() -> sp.Expr:
    """T(E) of a symmetric resonance of full width Gamma at E = delta (mu = 0)."""
    return (Gamma / 2) ** 2 / ((E - delta) ** 2 + (Gamma / 2) ** 2)


@register("wiedemann-franz", "Wiedemann-Franz law: the Lorenz ratio and its violation at a resonance")
def build() -> Derivation:
    M, lr_steps = linear_response()
    L_0 = lorenz_number()
    # smooth T(E): a Taylor polynomial about mu is exact input for the Sommerfeld series
    T_smooth = T0 + T1 * E + T2 * E**2 / 2 + T3 * E**3 / 6 + T4 * E**4 / 24
    Ls = [sommerfeld(T_smooth, E, n, power=n + 2 + n % 2, mu_=0) for n in range(3)]
    t = sp.Symbol("t", positive=True)  # k_B Theta
    r_smooth = (coefficients(*Ls).lorenz / L_0).subs(k_B, t / Theta)
    corr = sp.factor(sp.series(r_smooth, t, 0, 3).removeO() - 1).subs(t, k_B * Theta)
    # the resonance, exactly: residues at the poles delta +- i Gamma/2 and the Matsubara poles
    Tbw = breit_wigner()
    L_bw = [rational_integral(Tbw, E, n, mu_=0) for n in range(3)]
    detuned = real_form(sp.cancel(coefficients(*L_bw).lorenz / L_0))
    on_res = [sp.expand(L.subs(delta, 0)) for L in L_bw]
    c_res = coefficients(*on_res)
    resonance = sp.factor(sp.cancel(c_res.lorenz / L_0))
    result = 1 + corr
    # limits: k_B Theta << Gamma (x -> 0) from the exact form, and from Sommerfeld
    ser = sp.series(resonance.subs(Gamma, 4 * sp.pi * k_B * Theta / x), x, 0, 3).removeO()
    low = sp.expand(ser.subs(x, 4 * sp.pi * k_B * Theta / Gamma))
    derivs = {T0: Tbw.subs({delta: 0, E: 0}), T1: sp.diff(Tbw, E).subs({delta: 0, E: 0}),
              T2: sp.diff(Tbw, E, 2).subs({delta: 0, E: 0})}
    low_sf = sp.expand(1 + corr.subs(derivs))
    c = sp.factor(-(low - 1) * Gamma**2 / (k_B * Theta) ** 2)
    high = sp.series(resonance, Gamma, 0, 2).removeO()
    table = tuple((r, sp.Float(resonance.subs({Gamma: 2 * r, k_B: 1, Theta: 1}).evalf(20), 16))
                  for r in (sp.Rational(1, 10), sp.Integer(1), sp.Integer(10)))
    textbook = 1 + sp.pi**2 * (k_B * Theta) ** 2 * (8 * T0 * T2 - 5 * T1**2) / (15 * T0**2)
    fm = fermi_moment_steps(2)

    return Derivation(
        topic="Heat, not just charge",
        symbols=(
            SymbolInfo(ratio, "Lorenz ratio L/L_0 = kappa/(G Theta L_0)", "L/L_0 >= 0"),
            SymbolInfo(Gamma, "full width at half maximum of the Breit-Wigner resonance", "Gamma > 0", unit="J"),
            SymbolInfo(delta, "detuning eps_0 - mu of the level from the chemical potential", "real", unit="J"),
            SymbolInfo(Theta, "temperature of the reservoirs", "Theta > 0", unit="K"),
            SymbolInfo(k_B, "Boltzmann constant", "k_B > 0"),
            SymbolInfo(e, "elementary charge", "e > 0"),
            SymbolInfo(T0, "smooth T(E): T(mu)", "0 < T0 <= 1"),
            SymbolInfo(T1, "smooth T(E): dT/dE at mu", "real"),
            SymbolInfo(T2, "smooth T(E): d^2T/dE^2 at mu", "real"),
        ),
        steps=(
            *[Step(txt, ex) for txt, ex in lr_steps],
            Step("Open circuit (I = 0): kappa = (g_s/h Theta)(L_2 - L_1^2/L_0), G = g_s (e^2/h) L_0, "
                 "so the Lorenz ratio kappa/(G Theta) is", coefficients(*sp.symbols("L_0 L_1 L_2")).lorenz),
            Step(fm[0][0], fm[0][1]),
            Step("Sommerfeld coefficient c_2 = integral x^2 (-f') dx = " + fm[1][0], fermi_moment(2)),
            Step("Energy-independent T: L_0 = T, L_1 = 0, L_2 = c_2 (k_B Theta)^2 T, the Wiedemann-Franz value",
                 sp.Eq(sp.Symbol("L_0"), L_0)),
            Step("Smooth T(E) (Sommerfeld to (k_B Theta)^4, c_4 = 7 pi^4/15), to order (k_B Theta)^2:",
                 sp.Eq(ratio, result)),
            Step("The law fails where T(E) varies on the scale k_B Theta.", None),
            Step("A Breit-Wigner resonance", sp.Eq(sp.Symbol("T"), Tbw)),
            Step("has poles at delta +- i Gamma/2; with -f' = -(1/beta) sum_n (E - mu - i w_n)^(-2) "
                 "(Matsubara poles) the residue theorem gives, on resonance (delta = 0), L_0 =", on_res[0]),
            Step("L_1 = 0 by symmetry, and L_2 =", on_res[2]),
            Step("so the exact Lorenz ratio on resonance is", sp.Eq(ratio, resonance)),
            Step("Low temperature (k_B Theta << Gamma), from the asymptotic series of psi'", sp.Eq(ratio, low)),
            Step("the same from the Sommerfeld law with T'' = -8/Gamma^2 (two routes agree exactly):", low_sf),
            Step("High temperature (k_B Theta >> Gamma): the resonance filters the energy, L/L_0 -> 0 as",
                 sp.Eq(ratio, high)),
            Step("Values at Gamma/(2 k_B Theta) = 1/10, 1, 10:", sp.Tuple(*[v for _, v in table])),
        ),
        lhs=ratio,
        result=result,
        textbook=textbook,
        reference="Sivan and Imry, PRB 33, 551 (1986); Butcher, J. Phys. Cond. Matt. 2, 4869 (1990); "
                  "Vavilov and Stone, PRB 72, 205107 (2005) (Lorenz ratio of a resonance); "
                  "Ashcroft and Mermin, Solid State Physics (1976), ch. 2 (Sommerfeld expansion)",
        ranges={Gamma: (sp.Rational(1, 20), 5), T0: (sp.Rational(1, 20), 1)},
        parts={
            "low_temperature": Part(ratio, low, "k_B Theta << Gamma limit on resonance, 1 - c (k_B Theta/Gamma)^2"),
            "high_temperature": Part(ratio, high, "k_B Theta >> Gamma limit on resonance"),
            "lorenz_number": Part(sp.Symbol("L_0"), L_0, "Wiedemann-Franz Lorenz number"),
        },
        facts=Facts(lorenz_number=L_0, smooth_correction=corr, detuned=detuned, resonance=resonance, low_temperature=low,
                    low_temperature_sommerfeld=low_sf, c=c, high_temperature=high, table=table, onsager=M),
    )


# ------------------------------------------------------------------ numeric helpers
def _ratio_mp(expr: sp.Expr) -> "evaluator":
    return evaluator(expr.subs({k_B: 1, e: 1}), backend="mpmath", digits=25)


def quadrature_ratio(Tfun, mu: float, kT: float, points=(), method: str = "mpmath",
                     feature: float | None = None) -> float:
    """L/L_0 from numeric Landauer integrals of Tfun (units e = k_B = 1); method "nodes":
    one T(E) call per node of :func:`lbsym.thermo_numeric.window_nodes` (for lattice T)."""
    from ..thermo_numeric import landauer_integrals, lattice_integrals, thermo_coefficients

    if method == "nodes":
        L = lattice_integrals(Tfun, mu, kT, feature=feature)
    else:
        L = landauer_integrals(Tfun, mu, kT, method=method, points=points, dps=25)
    return thermo_coefficients(*L, kT)["lorenz_ratio"]


def _smooth_values(T_expr: sp.Expr, Ev: sp.Symbol, mu: float) -> dict:
    """T0, T1, T2 = T, T', T'' at mu of a sympy T(E) (exact derivatives, then floats)."""
    return {"T0": float(T_expr.subs(Ev, mu)), "T1": float(sp.diff(T_expr, Ev).subs(Ev, mu)),
            "T2": float(sp.diff(T_expr, Ev, 2).subs(Ev, mu))}


def cross_check(der: Derivation, points: int = 6, seed: int = 5) -> CheckReport:
    """Two routes against mpmath quadrature (25 digits) of L_0, L_1, L_2; units e = k_B = 1.

    (a) The result (smooth T(E), order (k_B Theta)^2) for T(E) = A/(1 + e^{-(E - E_s)/w})
    at k_B Theta = w/100, mu = 0, random A, E_s, w: the omitted order is
    (k_B Theta/w)^4 ~ 1e-8, tolerance 1e-6 absolute.  (b) The exact resonance forms
    (facts.resonance on resonance, facts.detuned off it) for the Breit-Wigner T(E) at random
    Gamma in [0.05, 5], delta in [-3, 3], k_B Theta in [0.05, 3]: tolerance 1e-12 relative.
    Reported: the worst error in units of its route's tolerance."""
    rng = random.Random(seed)
    f_smooth = _ratio_mp(der.result)
    f_res = _ratio_mp(der.facts.resonance)
    f_det = _ratio_mp(der.facts.detuned)
    A_, Es_, w_ = sp.symbols("A E_s w", positive=True)
    T_sig = A_ / (1 + sp.exp(-(E - Es_) / w_))
    worst_a = worst_b = 0.0
    n = 0
    for i in range(points):
        A, Es, w = rng.uniform(0.3, 1.0), rng.uniform(-1, 1), rng.uniform(0.5, 2)
        kT = w / 100
        vals = _smooth_values(T_sig.subs({A_: A, Es_: Es, w_: w}), E, 0.0)
        with mpmath.workdps(25):
            num = quadrature_ratio(lambda En: A / (1 + mpmath.exp(-(En - Es) / w)), 0.0, kT)
        worst_a = max(worst_a, abs(float(f_smooth.at({**vals, "Theta": kT})) - num))
        G, kT = rng.uniform(0.05, 5), rng.uniform(0.05, 3)
        d = 0.0 if i % 2 == 0 else rng.uniform(-3, 3)
        with mpmath.workdps(25):
            Gm, dm = mpmath.mpf(G), mpmath.mpf(d)
            num = quadrature_ratio(lambda En: (Gm / 2) ** 2 / ((En - dm) ** 2 + (Gm / 2) ** 2), 0.0, kT,
                                   points=[d, d - G / 2, d + G / 2])
        closed = f_res.at({"Gamma": G, "Theta": kT}) if i % 2 == 0 else \
            f_det.at({"Gamma": G, "Theta": kT, "delta": d})
        closed = complex(closed)
        worst_b = max(worst_b, abs(closed - num) / abs(num), abs(closed.imag))
        n += 2
    return CheckReport(f"mpmath quadrature (25 digits) of L_0, L_1, L_2 vs (a) the result for a smooth "
                       f"T(E) = A/(1 + e^(-(E - E_s)/w)) at k_B Theta = w/100 (|diff| {worst_a:.1e}, tol 1e-6) and "
                       f"(b) the exact Breit-Wigner Lorenz ratio, on resonance and detuned (relative "
                       f"{worst_b:.1e}, tol 1e-12); units e = k_B = 1; error in units of each tolerance",
                       max(worst_a / 1e-6, worst_b / 1e-12), n, 1.0, kind="ratio")


# ------------------------------------------------------------------ lattice check
_EPS, _D = 8.0, 4  # two impurities eps on sites 0 and d of a chain: a narrow resonance


@functools.lru_cache(maxsize=None)
def _chain_resonance() -> tuple[float, float, float, float]:
    """(E_r, Gamma, lo, hi) of the double-impurity chain from the library's closed-form T(E)."""
    from scipy.optimize import brentq, minimize_scalar

    from ._lattice import two_impurity_network

    f = two_impurity_network()

    def TE(En):
        k = math.acos(-float(En) / 2)
        return abs(complex(np.asarray(f(_EPS, _EPS, k, _D), dtype=complex)[1, 0])) ** 2

    grid = np.linspace(-1.9, 1.9, 3801)
    E0 = float(grid[int(np.argmax([TE(En) for En in grid]))])
    Er = minimize_scalar(lambda En: -TE(En), bracket=(E0 - 2e-3, E0, E0 + 2e-3), tol=1e-12).x
    lo = brentq(lambda En: TE(En) - 0.5, Er - 0.5, Er, xtol=1e-15)
    hi = brentq(lambda En: TE(En) - 0.5, Er, Er + 0.5, xtol=1e-15)
    return float(Er), float(hi - lo), float(lo), float(hi)


def lattice_check(der: Derivation) -> CheckReport:
    """Lorenz ratios from lattice T(E) (composite Gauss-Legendre in the thermal window, one RGF solve per node; e = k_B = 1).

    (a) The result: one impurity eps on a chain (smooth T(E)) at mu in {-1, 0.3},
    k_B Theta = 0.005 (hopping units), vs the result with T, T', T'' from the library's
    closed-form T(E) of :func:`lattice_impurity` (k = arccos(-E/2)): tolerance 1e-6
    absolute (the omitted order (k_B Theta)^4 is ~3e-8 here; 7.6e-6 at k_B Theta = 0.02).  (b) The resonance of
    lattice.chain({0: 8, 4: 8}) vs the same integrals of the library's closed-form
    chain T(E) (two lattice_impurity S-matrices joined by k d; tolerance 1e-9) and vs
    the exact Breit-Wigner facts.resonance at the resonance's Gamma (FWHM of the
    closed form), mu = E_r, k_B Theta/Gamma = 0.05, 0.2, 0.5: relative
    tolerance 2e-3 (the lattice resonance is Lorentzian only up to O(Gamma/bandwidth)).
    Reported: the worst error in units of its tolerance."""
    from .. import lattice as lat
    from ..scatterers import lattice_impurity
    from ._lattice import two_impurity_network

    f_smooth = _ratio_mp(der.result)
    ks, eps_ = sp.Symbol("k", positive=True), sp.Symbol("eps_imp", real=True)
    T_imp = lattice_impurity(eps_, ks).transmission("right", "left").subs(ks, sp.acos(-E / 2))
    worst_s = 0.0
    pts = 0
    for eps in (0.5, 1.5):
        chain1 = lat.chain({0: eps})
        for mu0 in (-1.0, 0.3):
            kT = 0.005
            r_lat = quadrature_ratio(lambda En: chain1.smatrix(float(En)).transmission(1, 0)
                                     if abs(En) < 2 else 0.0, mu0, kT, method="nodes")
            vals = _smooth_values(T_imp.subs(eps_, eps), E, mu0)
            worst_s = max(worst_s, abs(float(f_smooth.at({**vals, "Theta": kT})) - r_lat))
            pts += 1

    Er, G, lo, hi = _chain_resonance()
    sys_ = lat.chain({0: _EPS, _D: _EPS})
    f = two_impurity_network()

    @functools.lru_cache(maxsize=None)
    def T_lat(En):
        return sys_.smatrix(En).transmission(1, 0) if abs(En) < 2 else 0.0

    def T_closed(En):
        if abs(En) >= 2:
            return 0.0
        return abs(complex(np.asarray(f(_EPS, _EPS, math.acos(-En / 2), _D), dtype=complex)[1, 0])) ** 2

    f_res = _ratio_mp(der.facts.resonance)
    worst_a = worst_b = 0.0
    for kr in (0.05, 0.2, 0.5):
        kT = kr * G
        r_lat = quadrature_ratio(lambda En: T_lat(float(En)), Er, kT, method="nodes", feature=G)
        if kr == 0.2:
            r_cl = quadrature_ratio(T_closed, Er, kT, method="nodes", feature=G)
            worst_a = max(worst_a, abs(r_lat - r_cl))
        closed = float(f_res.at({"Gamma": G, "Theta": kT}))
        worst_b = max(worst_b, abs(r_lat - closed) / closed)
        pts += 1
    return CheckReport(
        f"(a) lattice.chain({{0: eps}}), eps = 0.5, 1.5, mu = -1, 0.3, k_B Theta = 0.005: the result with the "
        f"closed-form T, T', T'' vs the lattice T(E) integrated (|diff| {worst_s:.1e}, tol 1e-6); "
        f"(b) lattice.chain({{0: {_EPS:g}, {_D}: {_EPS:g}}}) resonance at E_r = {Er:.6f}, Gamma = {G:.6f}: "
        f"the lattice T(E) vs the library's closed-form chain T(E) (|diff| {worst_a:.1e}, tol 1e-9) "
        f"and vs the exact Breit-Wigner ratio at k_B Theta/Gamma = 0.05, 0.2, 0.5 (relative {worst_b:.1e}, "
        f"tol 2e-3); error in units of each tolerance",
        max(worst_s / 1e-6, worst_a / 1e-9, worst_b / 2e-3), pts, 1.0, kind="ratio")


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    """L/L_0 against log10(k_B Theta/Gamma) at detunings 0, Gamma/2, Gamma, with quadrature points
    and the two limits."""
    f_det = _ratio_mp(der.facts.detuned)
    f_low = evaluator(der.parts["low_temperature"].expr.subs({k_B: 1}))
    f_high = evaluator(der.parts["high_temperature"].expr.subs({k_B: 1}))
    lt = np.linspace(-2, 1.5, 141)
    lp = np.linspace(-1.8, 1.2, 7)
    lines, points = [], []
    for dv in (0.0, 0.5, 1.0):
        y = [float(mpmath.re(f_det.at({"Gamma": 1.0, "Theta": 10**v, "delta": dv}))) for v in lt]
        lines.append((rf"exact, $\delta = {dv:g}\,\Gamma$", lt, np.array(y)))
        pts = [quadrature_ratio(lambda En, dv=dv: 0.25 / ((En - dv) ** 2 + 0.25), 0.0, 10**v,
                                points=[dv], method="scipy") for v in lp]
        points.append(("quadrature", lp, np.array(pts)))
    kTl = 10 ** lt
    guides = [(r"$1 - \frac{64\pi^2}{15}(k_B\Theta/\Gamma)^2$", lt[lt < -0.6], f_low(Gamma=1.0, Theta=kTl[lt < -0.6])),
              (r"$6\Gamma/\pi^3 k_B\Theta$", lt[lt > 0], f_high(Gamma=1.0, Theta=kTl[lt > 0])),
              ("Wiedemann-Franz", lt, np.ones_like(lt))]
    return dict(xlabel=r"$\log_{10}(k_B\Theta/\Gamma)$", ylabel=r"Lorenz ratio $L/L_0$",
                title="Wiedemann-Franz violation at a Breit-Wigner resonance",
                lines=lines, points=points, guides=guides, paired=True, ylim=(0, 1.6))

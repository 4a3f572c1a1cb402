"""thermopower: the Mott formula, the Seebeck coefficient of a resonance and of a QPC (seeds 1162417, 1162393).

The result is the Mott formula S = -(pi^2 k_B^2 Theta/3e) T'(mu)/T(mu), the
leading Sommerfeld order of S = -L_1/(e Theta L_0).  Also derived: the exact Seebeck
coefficient of a Breit-Wigner resonance (trigamma form, odd in the detuning:
it changes sign across the level), the sharp-step QPC value
-(k_B/e) ln 2/(n + 1/2) with mu on the opening of channel n + 1, and the
Peltier coefficient Pi = Theta S (derived from the symmetric Onsager matrix).
The trigamma form is a fact, not a part (the checker's parser has no polygamma yet).
Sign: electrons carry -e; S < 0 when T(E) increases through mu.
Units in the checks: e = k_B = 1, energies in hopping units on the lattice.
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
from ..thermo import Theta, coefficients, fermi_moment, rational_integral, real_form, sommerfeld, step_integral

E = sp.Symbol("E", real=True)
S = sp.Symbol("S", real=True)
Gamma = sp.Symbol("Gamma", positive=True)
delta = sp.Symbol("delta", real=True)
T0 = sp.Symbol("T0", positive=True)
T1, T2, T3 = sp.symbols("T1 T2 T3", real=True)
n = sp.Symbol("n", nonnegative=True, integer=True)
a = sp.Symbol("a", real=True)  # (E_{n+1} - mu)/k_B Theta


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: S of a Breit-Wigner resonance at detuning delta = eps_0 - mu (exact)
    resonance: sp.Expr
    #: S(delta) + S(-delta) simplifies to 0: the sign change across the level
    odd_in_detuning: bool
    #: -L_1/(e L_0) = Theta S, derived from the Onsager matrix
    peltier: sp.Expr
    kelvin: bool
    #: S with n open channels and a sharp step at a = (E_{n+1} - mu)/k_B Theta
    sharp_step: sp.Expr
    #: its value with mu on the step (a = 0)
    at_step: sp.Expr
    #: (n, a at the extremum of S, |S| there / (k_B/e)) for the sharp staircase, n = 1..4 (equal: a* = |S| e/k_B)
    extrema: tuple
    #: Mott correction: S/S_Mott - 1 to order (k_B Theta)^2
    mott_correction: sp.Expr


def _integrals_sharp(n_open, av):
    """L_0, L_1/(k_B Theta), L_2/(k_B Theta)^2 of n_open open channels plus a sharp step at av."""
    return [n_open * fermi_moment(k) + step_integral(av, k) for k in range(3)]


@register("thermopower", "Thermopower: the Mott formula, a resonance's Seebeck coefficient and a QPC's")
def build() -> Derivation:
    # Mott: Sommerfeld of L_0, L_1 for a smooth T(E), leading order in k_B Theta
    T_smooth = T0 + T1 * E + T2 * E**2 / 2 + T3 * E**3 / 6
    L = [sommerfeld(T_smooth, E, k, power=k + 2 + k % 2, mu_=0) for k in range(3)]
    c = coefficients(*L)
    t = sp.Symbol("t", positive=True)
    ser = sp.expand(sp.series(c.S.subs(k_B, t / Theta), t, 0, 5).removeO())
    lead = ser.coeff(t, 2) * t**2   # S = O((k_B Theta)^2 / Theta)
    result = sp.factor(lead.subs(t, k_B * Theta))
    mott_corr = sp.factor(sp.cancel(ser.coeff(t, 4) * t**2 / ser.coeff(t, 2)).subs(t, k_B * Theta))
    # the resonance, exactly
    Tbw = (Gamma / 2) ** 2 / ((E - delta) ** 2 + (Gamma / 2) ** 2)
    Lbw = [rational_integral(Tbw, E, k, mu_=0) for k in range(2)]
    cr = coefficients(Lbw[0], Lbw[1], sp.Integer(0))
    S_pairs = sp.cancel(cr.S)
    odd = sp.expand(sp.numer(sp.together(S_pairs + S_pairs.subs(delta, -delta)))) == 0
    S_res = real_form(S_pairs)
    # QPC, sharp steps: n open channels, channel n + 1 opens at a = (E_{n+1} - mu)/k_B Theta
    Ls = _integrals_sharp(n, a)
    cs = coefficients(Ls[0], Ls[1] * k_B * Theta, Ls[2] * (k_B * Theta) ** 2)
    S_step = cs.S
    at_step = sp.simplify(S_step.subs(a, 0))
    extrema = []
    fS = sp.lambdify((n, a), (S_step * e / k_B), "mpmath")
    for nv in range(1, 5):
        with mpmath.workdps(30):
            ax = mpmath.findroot(lambda av: mpmath.diff(lambda y: fS(nv, y), av), 0.0)
            extrema.append((nv, float(ax), float(-fS(nv, ax))))
    Pi = coefficients(*sp.symbols("L_0 L_1 L_2")).Pi
    textbook = -sp.pi**2 * k_B**2 * Theta * T1 / (3 * e * T0)
    return Derivation(
        topic="Heat, not just charge",
        symbols=(
            SymbolInfo(S, "Seebeck coefficient (thermopower) -Delta V/Delta Theta at I = 0", "real", unit="V/K"),
            SymbolInfo(T0, "T(mu), transmission at the chemical potential", "0 < T0 <= 1"),
            SymbolInfo(T1, "dT/dE at mu", "real", unit="1/J"),
            SymbolInfo(Theta, "temperature", "Theta > 0", unit="K"),
            SymbolInfo(k_B, "Boltzmann constant", "k_B > 0"),
            SymbolInfo(e, "elementary charge (electrons carry -e)", "e > 0"),
            SymbolInfo(Gamma, "full width of a Breit-Wigner resonance", "Gamma > 0", unit="J"),
            SymbolInfo(delta, "detuning eps_0 - mu of the resonance", "real", unit="J"),
            SymbolInfo(n, "number of open QPC channels below the step", "integer >= 0"),
            SymbolInfo(a, "(E_{n+1} - mu)/k_B Theta, distance of mu from the next channel opening", "real"),
        ),
        steps=(
            Step("Open circuit: S = -Delta V/Delta Theta at I = 0, from the Onsager matrix,", sp.Eq(S, coefficients(
                *sp.symbols("L_0 L_1 L_2")).S)),
            Step("and the Peltier coefficient (heat per charge at Delta Theta = 0) is Pi = Theta S "
                 "(Kelvin-Onsager, by the symmetry of the matrix):", sp.Eq(sp.Symbol("Pi"), Pi)),
            Step("Sommerfeld: L_0 = T + O(Theta^2), L_1 = (pi^2/3)(k_B Theta)^2 T' + O(Theta^4); the Mott formula",
                 sp.Eq(S, result)),
            Step("with relative correction S/S_Mott - 1 =", mott_corr),
            Step("A Breit-Wigner resonance (exact, residues at its poles and the Matsubara poles):",
                 sp.Eq(S, S_res)),
            Step("S is odd in the detuning delta: it vanishes on resonance and changes sign across the level "
                 "(S < 0 for delta > 0, where T rises through mu).", None),
            Step("A QPC with sharp steps: n open channels, channel n + 1 opening at a = (E_{n+1} - mu)/k_B Theta "
                 "(L_n from integrals of x^n (-f') above a: log(1 + e^{-a}), dilogarithms):", sp.Eq(S, S_step)),
            Step("With mu on the step (a = 0), the thermopower between plateaus is", sp.Eq(S, at_step)),
            Step("The true extremum lies beside the step and is larger.  dS/da = 0 gives a* = L_1/(k_B Theta L_0), "
                 "so |S| e/k_B = a* there exactly; (n, a*, |S| e/k_B) =",
                 sp.Tuple(*[sp.Tuple(nv, sp.Float(ax, 6), sp.Float(sv, 6)) for nv, ax, sv in extrema])),
            Step("For n = 0 there is no peak: below the first step |S| grows without bound "
                 "(~ (k_B/e)(E_1 - mu)/k_B Theta); for smooth (saddle-point) steps of width hbar omega_x/2pi "
                 "comparable to k_B Theta the peaks are lower.", None),
        ),
        lhs=S,
        result=result,
        textbook=textbook,
        reference="Cutler and Mott, Phys. Rev. 181, 1336 (1969); Sivan and Imry, PRB 33, 551 (1986); "
                  "Streda, J. Phys. Cond. Matt. 1, 1025 (1989); Proetto, PRB 44, 9096 (1991); "
                  "Molenkamp et al., PRL 65, 1052 (1990) (QPC thermopower measured)",
        ranges={T0: (sp.Rational(1, 20), 1)},
        parts={
            "qpc_at_step": Part(S, at_step, "sharp-step QPC, mu on the opening of channel n + 1"),
            "qpc_sharp": Part(S, S_step, "sharp-step QPC at any mu (a = (E_{n+1} - mu)/k_B Theta)"),
            "peltier": Part(sp.Symbol("Pi"), Pi, "Peltier coefficient -L_1/(e L_0) = Theta S"),
        },
        facts=Facts(resonance=S_res, odd_in_detuning=odd, peltier=Pi, kelvin=c.kelvin, sharp_step=S_step,
                    at_step=at_step, extrema=tuple(extrema), mott_correction=mott_corr),
    )


# ------------------------------------------------------------------ numeric helpers
def _mp(expr: sp.Expr):
    return evaluator(expr.subs({k_B: 1, e: 1}), backend="mpmath", digits=25)


def _seebeck(Tfun, mu: float, kT: float, *, method: str = "mpmath", points=(), feature=None, breaks=(),
             channels: float = 1.0) -> float:
    """S = -L_1/(Theta L_0) in units e = k_B = 1."""
    from ..thermo_numeric import landauer_integrals, lattice_integrals

    if method == "nodes":
        L0, L1 = lattice_integrals(Tfun, mu, kT, orders=(0, 1), feature=feature, breaks=breaks, channels=channels)
    else:
        L0, L1 = landauer_integrals(Tfun, mu, kT, orders=(0, 1), method=method, points=points, dps=25,
                                    channels=channels)
    return float(-L1 / (kT * L0))


def _smooth_values(T_expr: sp.Expr, mu: float) -> dict:
    return {"T0": float(T_expr.subs(E, mu)), "T1": float(sp.diff(T_expr, E).subs(E, mu))}


def cross_check(der: Derivation, points: int = 6, seed: int = 17) -> CheckReport:
    """mpmath quadrature (25 digits), e = k_B = 1: (a) the Mott result for T(E) = A/(1 + e^(-(E - E_s)/w))
    at k_B Theta = w/200 (relative tolerance 1e-3: the omitted order is (k_B Theta/w)^2 ~ 1e-4 relative);
    (b) the exact resonance S (facts.resonance) at random Gamma, delta, k_B Theta (relative 1e-12); (c) the sharp-step
    QPC part at random n, a (relative 1e-12).  Error in units of each tolerance."""
    rng = random.Random(seed)
    f_mott = _mp(der.result)
    f_res = _mp(der.facts.resonance)
    f_qpc = _mp(der.parts["qpc_sharp"].expr)
    A_, Es_, w_ = sp.symbols("A E_s w", positive=True)
    wa = wb = wc = 0.0
    cnt = 0
    for _ in range(points):
        A, Es, w = rng.uniform(0.3, 1.0), rng.uniform(-1, 1), rng.uniform(0.5, 2)
        kT = w / 200
        vals = _smooth_values((A_ / (1 + sp.exp(-(E - Es_) / w_))).subs({A_: A, Es_: Es, w_: w}), 0.0)
        num = _seebeck(lambda x: A / (1 + mpmath.exp(-(x - Es) / w)), 0.0, kT)
        wa = max(wa, abs(float(f_mott.at({**vals, "Theta": kT})) - num) / abs(num))
        G, d, kT = rng.uniform(0.05, 5), rng.uniform(-3, 3), rng.uniform(0.05, 3)
        with mpmath.workdps(25):
            Gm, dm = mpmath.mpf(G), mpmath.mpf(d)
            num = _seebeck(lambda x: (Gm / 2) ** 2 / ((x - dm) ** 2 + (Gm / 2) ** 2), 0.0, kT, points=[d])
        closed = complex(f_res.at({"Gamma": G, "delta": d, "Theta": kT}))
        wb = max(wb, abs(closed - num) / abs(num))
        nv, av, kT = rng.randint(0, 4), rng.uniform(-4, 4), rng.uniform(0.1, 2)
        num = _seebeck(lambda x, nv=nv, av=av: nv + (1 if x > av * kT else 0), 0.0, kT, points=[av * kT],
                       channels=nv + 1)
        closed = complex(f_qpc.at({"n": nv, "a": av, "Theta": kT}))
        wc = max(wc, abs(closed - num) / abs(num))
        cnt += 3
    return CheckReport(f"mpmath quadrature of L_0, L_1 (e = k_B = 1) vs (a) the Mott result, smooth T(E) at "
                       f"k_B Theta = w/200 (relative {wa:.1e}, tol 1e-3), (b) the exact resonance S (relative "
                       f"{wb:.1e}, tol 1e-12), (c) the sharp-step QPC S (relative {wc:.1e}, tol 1e-12); "
                       "error in units of each tolerance",
                       max(wa / 1e-3, wb / 1e-12, wc / 1e-12), cnt, 1.0, kind="ratio")


# ------------------------------------------------------------------ lattice
def _strip_thresholds(W: int) -> list[float]:
    eps = [-2 * math.cos(math.pi * j / (W + 1)) for j in range(1, W + 1)]
    return sorted([x - 2 for x in eps] + [x + 2 for x in eps])


def lattice_check(der: Derivation) -> CheckReport:
    """Lattice T(E) integrated on Gauss-Legendre window nodes (e = k_B = 1).

    (a) The Mott result: one impurity eps on a chain at mu in {-1, 0.3}, k_B Theta = 0.002, with
    T, T' from the library's closed-form T(E) of lattice_impurity: relative tolerance 1e-3.
    (b) The resonance of lattice.chain({0: 8, 4: 8}) at detunings delta = E_r - mu = +-Gamma/2,
    +-Gamma, k_B Theta = Gamma/4, vs the exact Breit-Wigner facts.resonance at the resonance's FWHM:
    relative tolerance 2e-2 (Lorentzian only up to O(Gamma/bandwidth), and S is a small
    difference).  (c) A clean strip (W = 3, exactly sharp steps) with mu on the openings of
    channels 2 and 3, k_B Theta = 0.01, vs the part qpc_at_step -(k_B/e) ln 2/(n + 1/2):
    relative tolerance 1e-9."""
    from .. import lattice as lat
    from ..scatterers import lattice_impurity
    from .wiedemann_franz import _chain_resonance

    f_mott = _mp(der.result)
    ks, eps_ = sp.Symbol("k", positive=True), sp.Symbol("eps_imp", real=True)
    T_imp = lattice_impurity(eps_, ks).transmission("right", "left").subs(ks, sp.acos(-E / 2))
    wa = wb = wc = 0.0
    pts = 0
    for eps in (0.5, 1.5):
        ch = lat.chain({0: eps})
        for mu0 in (-1.0, 0.3):
            kT = 0.002
            num = _seebeck(lambda x: ch.smatrix(x).transmission(1, 0), mu0, kT, method="nodes")
            closed = float(f_mott.at({**_smooth_values(T_imp.subs(eps_, eps), mu0), "Theta": kT}))
            wa = max(wa, abs(closed - num) / abs(num))
            pts += 1
    Er, G, lo, hi = _chain_resonance()
    ch2 = lat.chain({0: 8.0, 4: 8.0})

    @functools.lru_cache(maxsize=None)
    def T2(x):
        return ch2.smatrix(x).transmission(1, 0) if abs(x) < 2 else 0.0

    f_res = _mp(der.facts.resonance)
    for d in (-G, -G / 2, G / 2, G):
        kT = G / 4
        num = _seebeck(T2, Er - d, kT, method="nodes", feature=G)
        closed = float(mpmath.re(f_res.at({"Gamma": G, "delta": d, "Theta": kT})))
        wb = max(wb, abs(closed - num) / abs(closed))
        pts += 1
    strip = lat.strip(3, 2)
    thr = _strip_thresholds(3)
    f_step = _mp(der.parts["qpc_at_step"].expr)
    for mu0, nv in ((thr[1], 1), (thr[2], 2)):
        num = _seebeck(lambda x: strip.smatrix(x).transmission(1, 0) if thr[0] < x < thr[-1] else 0.0, mu0, 0.01,
                       method="nodes", breaks=thr, channels=3)
        closed = float(f_step.at({"n": nv, "Theta": 0.01}))
        wc = max(wc, abs(closed - num) / abs(closed))
        pts += 1
    return CheckReport(f"lattice T(E) on window nodes (e = k_B = 1): (a) chain impurity vs the Mott result "
                       f"(relative {wa:.1e}, tol 1e-3); (b) lattice.chain({{0: 8, 4: 8}}) resonance vs the exact "
                       f"Breit-Wigner S at delta = +-Gamma/2, +-Gamma (relative {wb:.1e}, tol 2e-2); (c) clean strip "
                       f"W = 3 at the openings of channels 2, 3 vs -ln 2/(n + 1/2) (relative {wc:.1e}, tol 1e-9); "
                       "error in units of each tolerance",
                       max(wa / 1e-3, wb / 2e-2, wc / 1e-9), pts, 1.0, kind="ratio")


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    """(a) S through a resonance (exact) with the Mott line; (b) QPC: G and S against mu for sharp steps
    at k_B Theta = 0.05 (energies in units of the step spacing), with the ln 2/(n + 1/2) marks."""
    f_res = _mp(der.facts.resonance)
    f_mott = evaluator(der.result.subs({k_B: 1, e: 1}))
    ds = np.linspace(-3, 3, 121)
    lines = []
    for kT in (0.1, 0.3):
        lines.append((rf"exact, $k_B\Theta = {kT:g}\,\Gamma$", ds,
                      np.array([float(mpmath.re(f_res.at({"Gamma": 1.0, "delta": d, "Theta": kT}))) for d in ds])))
    # Mott: T0, T1 of the Lorentzian at mu (delta = eps_0 - mu)
    T0v = 0.25 / (ds**2 + 0.25)
    T1v = 2 * ds * 0.25 / (ds**2 + 0.25) ** 2
    guides = [(r"Mott, $k_B\Theta = 0.1\,\Gamma$", ds, f_mott(T0=T0v, T1=T1v, Theta=0.1))]
    dp = np.linspace(-2.5, 2.5, 9)
    pts = [_seebeck(lambda x: 0.25 / ((x - d) ** 2 + 0.25), 0.0, 0.1, method="scipy", points=[d]) for d in dp]
    panel_a = dict(xlabel=r"detuning $\delta = \varepsilon_0 - \mu$ ($\Gamma$)", ylabel=r"$S$ ($k_B/e$)",
                   title="(a) Seebeck coefficient through a resonance", lines=lines,
                   points=[("quadrature", dp, np.array(pts))], guides=guides)
    # (b) staircase: steps at E = 1, 2, 3, 4; k_B Theta = 0.05
    kT = 0.05
    f_q = _mp(der.parts["qpc_sharp"].expr)
    mus = np.linspace(1.45, 4.45, 151)  # below the first step |S| grows without bound (n = 0)
    Svals, Gvals = [], []
    for m in mus:
        nv = int(np.clip(np.round(m), 1, 4)) - 1   # the nearest step is the opening of channel nv + 1
        av = (nv + 1 - m) / kT
        Svals.append(float(mpmath.re(f_q.at({"n": nv, "a": av, "Theta": kT}))))
        Gvals.append(sum(1 / (1 + math.exp((j - m) / kT)) for j in range(1, 6)))
    marks = [(r"$-\ln 2/(n + 1/2)$", np.array([j + 1.0, j + 1.0]), np.array([0, -math.log(2) / (j + 0.5)]))
             for j in range(1, 4)]
    panel_b = dict(xlabel=r"$\mu$ (step spacing; sharp steps at 1, 2, 3, 4)", ylabel=r"$S$ ($k_B/e$), $G$ ($e^2/h$)/10",
                   title=r"(b) QPC: $G$ and $S$, $k_B\Theta = 0.05$", lines=[("S", mus, np.array(Svals)),
                                                                             ("G/10", mus, np.array(Gvals) / 10)],
                   points=[], guides=marks, ylim=(-0.6, 0.5))
    return dict(title="Thermopower", panels=[panel_a, panel_b], grid=(1, 2), figsize=(11, 4.4))

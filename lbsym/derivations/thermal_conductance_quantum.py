"""thermal-conductance-quantum: kappa_0 = pi^2 k_B^2 Theta/(3h) per channel (seed 1162357).

Derived from the Landauer integrals of a perfectly transmitting channel
(T(E) = 1: the Sommerfeld series terminates, so L_2 = c_2 (k_B Theta)^2 is
exact), for fermions; and for bosons (phonons, photons) from the integral of
x^2 e^x/(e^x - 1)^2, which gives the same quantum.  Units in the checks:
h = k_B = 1, energies in hopping units on the lattice.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..constants import SI, h, k_B, to_si
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..numeric import evaluator
from ..thermo import Theta, boson_moment, coefficients, fermi_moment_steps, sommerfeld, step_integral

E = sp.Symbol("E", real=True)
kappa0 = sp.Symbol("kappa_0", positive=True)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: kappa_0/Theta in W/K^2, exact rational times pi^2
    per_kelvin_si: sp.Expr
    #: the same as a 15-digit float
    per_kelvin_float: float
    #: the bosonic integral int_0^oo x^2 e^x/(e^x - 1)^2 dx
    boson_integral: sp.Expr
    #: kappa_0 of a bosonic channel (phonons, photons)
    boson: sp.Expr
    #: L_0, L_1, L_2 of the perfect channel
    integrals: tuple


@register("thermal-conductance-quantum", "Quantum of thermal conductance: pi^2 k_B^2 Theta/(3h) per channel")
def build() -> Derivation:
    L = tuple(sommerfeld(sp.Integer(1), E, n, power=n + 2) for n in range(3))  # exact: T' = 0
    c = coefficients(*L)
    result = c.kappa
    per_K = sp.nsimplify(to_si(result / Theta))
    bint, bsteps = boson_moment()
    # bosons: J = (1/h) int_0^oo d(hbar w) hbar w T [n_L - n_R], linear in Delta Theta:
    # d n/d Theta = (x/Theta) (-n'(x)) with x = hbar w/k_B Theta, so kappa = (k_B^2 Theta/h) int x^2 (-n')
    boson = k_B**2 * Theta / h * bint
    fm = fermi_moment_steps(2)
    return Derivation(
        topic="Heat, not just charge",
        symbols=(
            SymbolInfo(kappa0, "thermal conductance of one perfectly transmitting (spin-resolved) channel",
                       "kappa_0 > 0", unit="W/K"),
            SymbolInfo(Theta, "temperature of the reservoirs", "Theta > 0", unit="K"),
            SymbolInfo(k_B, "Boltzmann constant", "k_B > 0"),
            SymbolInfo(h, "Planck constant", "h > 0"),
        ),
        steps=(
            Step("A perfect channel, T(E) = 1: the Sommerfeld series stops after its first term, so "
                 "(L_0, L_1, L_2) is exactly", sp.Tuple(*L)),
            Step(fm[0][0], fm[0][1]),
            Step("with c_2 = integral x^2 (-f') dx = " + fm[1][0], L[2] / (k_B * Theta) ** 2),
            Step("Open-circuit thermal conductance kappa = (L_2 - L_1^2/L_0)/(h Theta):", sp.Eq(kappa0, result)),
            Step(f"Per kelvin, with the exact SI constants (W/K^2; = {float(per_K):.6e}):", per_K),
            Step(bsteps[0][0], bsteps[0][1]),
            Step("so a bosonic channel (phonon, photon) carries the same quantum, independent of statistics:",
                 sp.Eq(kappa0, boson)),
        ),
        lhs=kappa0,
        result=result,
        textbook=sp.pi**2 * k_B**2 * Theta / (3 * h),
        reference="Pendry, J. Phys. A 16, 2161 (1983); Rego and Kirczenow, PRL 81, 232 (1998) (phonons); "
                  "measured: Schwab et al., Nature 404, 974 (2000) (phonons); Meschke, Guichard and Pekola, "
                  "Nature 444, 187 (2006) (photons); Jezouin et al., Science 342, 601 (2013) (electrons)",
        parts={"boson": Part(kappa0, boson, "thermal conductance of one bosonic channel (phonon, photon)"),
               "per_kelvin": Part(sp.Symbol("kappa_0/Theta"), per_K, "kappa_0/Theta in W/K^2 (exact SI)")},
        facts=Facts(per_kelvin_si=per_K, per_kelvin_float=float(per_K), boson_integral=bint, boson=boson,
                    integrals=L),
    )


def _kappa_units(der_expr: sp.Expr) -> evaluator:
    return evaluator(der_expr.subs({h: 1, k_B: 1}))


def cross_check(der: Derivation, points: int = 6, seed: int = 11) -> CheckReport:
    """mpmath quadrature (30 digits), units h = k_B = 1: kappa = (L_2 - L_1^2/L_0)/Theta of T(E) = 1
    at random temperatures and chemical potentials vs the result; the bosonic integral
    int_0^oo x^2 e^x/(e^x - 1)^2 dx vs the part 'boson'; and the SI value kappa_0/Theta
    from the result vs pi^2 k_B^2/(3h) in floats of CODATA 2018's exact constants.  Relative."""
    from ..thermo_numeric import landauer_integrals

    rng = random.Random(seed)
    f = _kappa_units(der.result)
    fb = _kappa_units(der.parts["boson"].expr)
    worst = 0.0
    for _ in range(points):
        kT, mu0 = rng.uniform(0.01, 10), rng.uniform(-5, 5)
        L0, L1, L2 = landauer_integrals(lambda En: 1, mu0, kT, dps=30)
        num = float((L2 - L1**2 / L0) / kT)
        worst = max(worst, abs(float(f(Theta=kT)) - num) / num)
    with mpmath.workdps(30):
        bi = mpmath.quad(lambda x: x**2 * mpmath.exp(-x) / (1 - mpmath.exp(-x)) ** 2, [0, 1, mpmath.inf])
    for kT in (0.3, 2.0):
        worst = max(worst, abs(float(fb(Theta=kT)) - float(bi) * kT) / (float(bi) * kT))
    si = float(evaluator(der.result / Theta, si=True)())
    ref = math.pi**2 * 1.380649e-23**2 / (3 * 6.62607015e-34)
    worst = max(worst, abs(si - ref) / ref)
    return CheckReport("mpmath quadrature of L_0, L_1, L_2 for T(E) = 1 (6 temperatures) and of the bosonic "
                       "integral (2); the SI value vs pi^2 k_B^2/(3h) in floats; relative error",
                       worst, points + 3, 1e-12, kind="relative")


# ------------------------------------------------------------------ lattice
def _strip_thresholds(W: int) -> list[float]:
    eps = [-2 * math.cos(math.pi * j / (W + 1)) for j in range(1, W + 1)]
    return sorted([e - 2 for e in eps] + [e + 2 for e in eps])


def _staircase_kappa(mu0: float, kT: float, W: int) -> float:
    """kappa (h = k_B = 1) of a clean strip's sharp staircase from the closed form step_integral:
    each threshold e - 2 opens a channel, each e + 2 closes one (T(E) = -theta(E - e - 2))."""
    a = sp.Symbol("a", real=True)
    fs = [sp.lambdify(a, step_integral(a, n), "mpmath") for n in range(3)]
    L = [mpmath.mpf(0)] * 3
    eps = [-2 * math.cos(math.pi * j / (W + 1)) for j in range(1, W + 1)]
    for e in eps:
        for edge, sign in ((e - 2, 1), (e + 2, -1)):
            x = (edge - mu0) / kT
            for n in range(3):
                L[n] += sign * fs[n](x) * kT**n
    return float((L[2] - L[1] ** 2 / L[0]) / kT)


def lattice_check(der: Derivation) -> CheckReport:
    """A clean lattice.strip(3, 2): its T(E) (RGF, one solve per window node, h = k_B = 1)
    integrated to kappa.  (a) Mid-plateau (N = 1, 2, 3 open channels, k_B Theta = 0.01,
    thresholds >= 28 k_B Theta away) vs N times the result: relative tolerance 1e-9.
    (b) At thresholds (k_B Theta = 0.05, mu on or beside a channel opening) vs the closed-form
    sharp-step staircase of :func:`lbsym.thermo.step_integral`: relative tolerance 1e-9."""
    from .. import lattice as lat
    from ..thermo_numeric import lattice_integrals

    W = 3
    sysl = lat.strip(W, 2)
    thr = _strip_thresholds(W)

    def T(En):
        return sysl.smatrix(En).transmission(1, 0) if thr[0] < En < thr[-1] else 0.0

    f = _kappa_units(der.result)
    worst_a = worst_b = 0.0
    pts = 0
    for mu0, N in ((-3.0, 1), (-1.0, 2), (0.0, 3)):
        kT = 0.01
        L0, L1, L2 = lattice_integrals(T, mu0, kT, channels=W, breaks=thr, order=8)
        kappa = (L2 - L1**2 / L0) / kT
        worst_a = max(worst_a, abs(kappa - N * float(f(Theta=kT))) / (N * float(f(Theta=kT))))
        pts += 1
    for mu0 in (thr[1], thr[1] + 0.05):
        kT = 0.05
        L0, L1, L2 = lattice_integrals(T, mu0, kT, channels=W, breaks=thr, order=8)
        kappa = (L2 - L1**2 / L0) / kT
        ref = _staircase_kappa(mu0, kT, W)
        worst_b = max(worst_b, abs(kappa - ref) / ref)
        pts += 1
    return CheckReport(f"clean lattice.strip(3, 2), T(E) integrated on Gauss-Legendre window nodes: (a) plateaus "
                       f"N = 1, 2, 3 vs N times the result (relative {worst_a:.1e}, tol 1e-9); (b) at a "
                       f"threshold vs the closed-form sharp-step staircase (relative {worst_b:.1e}, tol 1e-9); "
                       f"error in units of the tolerance", max(worst_a, worst_b) / 1e-9, pts, 1.0, kind="ratio")


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    """kappa/kappa_0 of a clean strip (W = 3) against mu: the closed-form sharp-step staircase at three
    temperatures (kappa_0 from the result), with lattice points."""
    from .. import lattice as lat
    from ..thermo_numeric import lattice_integrals

    f = _kappa_units(der.result)
    mus = np.linspace(-3.9, 0.0, 157)
    lines = []
    for kT in (0.02, 0.08, 0.2):
        k0 = float(f(Theta=kT))
        lines.append((rf"$k_B\Theta = {kT:g}\,t$", mus, np.array([_staircase_kappa(m, kT, 3) for m in mus]) / k0))
    sysl = lat.strip(3, 2)
    thr = _strip_thresholds(3)
    mp_ = np.linspace(-3.6, -0.4, 6)
    kT = 0.08
    pts = []
    for m in mp_:
        L0, L1, L2 = lattice_integrals(lambda En: sysl.smatrix(En).transmission(1, 0) if thr[0] < En < thr[-1]
                                       else 0.0, m, kT, channels=3,
                                       breaks=thr, order=6)
        pts.append((L2 - L1**2 / L0) / kT / float(f(Theta=kT)))
    return dict(xlabel=r"chemical potential $\mu$ (hopping units)", ylabel=r"$\kappa/\kappa_0$",
                title="Thermal conductance staircase of a clean strip (W = 3)",
                lines=lines, points=[(r"lattice $T(E)$, $k_B\Theta = 0.08\,t$", mp_, np.array(pts))],
                guides=[("integers", mus, np.round(np.clip(mus, -4, 0) * 0 + n)) for n in (1, 2, 3)])

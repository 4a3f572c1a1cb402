"""fabry-perot-average: phase-averaged double barrier = classical series (seed 1162408)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..averages import phase_average
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, get, register
from ..numeric import evaluator
from ._common import barrier_symbols
from ._lattice import by_name, impurity_amplitudes

T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)
theta = sp.Symbol("theta", real=True)
Tavg = sp.Symbol("<T>", positive=True)


@register("fabry-perot-average", "Phase-averaged Fabry-Pérot: resistances add classically")
def build() -> Derivation:
    fp = get("fabry-perot")
    T_theta = fp.result
    point = {T1: 0.3, T2: 0.6, R1: 0.7, R2: 0.4}
    avg = phase_average(T_theta, theta, point)
    avg_R = sp.factor(sp.radsimp(sp.together(avg)))
    # |1 - R1 R2| = 1 - R1 R2 on the admissible domain 0 < R1 R2 < 1
    avg_R = avg_R.replace(
        lambda x: isinstance(x, sp.Abs),
        lambda x: x.args[0] if x.args[0].subs(point) > 0 else -x.args[0],
    )
    avg_T = sp.factor(sp.cancel(sp.together(avg_R.subs({R1: 1 - T1, R2: 1 - T2}))))
    num, den = sp.fraction(avg_T)
    if num.could_extract_minus_sign():
        avg_T = (-num) / sp.expand(-den)
    rho = lambda t: (1 - t) / t  # dimensionless resistance of a scatterer
    series = sp.cancel(sp.together(rho(avg_T) - rho(T1) - rho(T2)))
    textbook = T1 * T2 / (T1 + T2 - T1 * T2)

    return Derivation(
        topic="Loss of resonance by phase averaging",
        symbols=tuple(barrier_symbols(1, 2) + [
            SymbolInfo(theta, "round-trip phase between the barriers", "averaged over [0, 2 pi)")]),
        steps=(
            Step("Start from the coherent double-barrier transmission (fabry-perot):",
                 sp.Eq(sp.Symbol("T"), T_theta)),
            Step("Average over the round-trip phase, (1/2pi) int T dtheta, as a contour integral "
                 "over z = e^{i theta}: the sum of residues inside |z| = 1 gives (with |1 - R1 R2| = 1 - R1 R2)", sp.Eq(Tavg, avg_R)),
            Step("With R = 1 - T:", sp.Eq(Tavg, avg_T)),
            Step("Dimensionless resistances rho = (1 - T)/T then add like classical resistors "
                 "in series: rho(<T>) - rho(T1) - rho(T2) =", series),
        ),
        lhs=Tavg,
        result=avg_T,
        textbook=textbook,
        reference="Datta (1995), sec. 3.4 (incoherent combination of scatterers); "
                  "Büttiker, IBM J. Res. Dev. 32, 63 (1988)",
        relations={R1: 1 - T1, R2: 1 - T2},
        ranges={T1: (0, 1), T2: (0, 1)},
        parts={"in_R": Part(sp.Symbol("<T>"), avg_R, "the average written with reflection probabilities")},
        facts=Facts(average_in_R=avg_R, series_resistance_difference=series),
    )


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: <T> written with the reflection probabilities
    average_in_R: sp.Expr
    #: rho(<T>) - rho(T1) - rho(T2) with rho = (1 - T)/T: zero, resistances add
    series_resistance_difference: sp.Expr


def cross_check(der: Derivation) -> CheckReport:
    """The derived <T> vs mpmath quadrature (30 digits) of the coherent T(theta) over a period."""
    rng = random.Random(3)
    f = evaluator(get("fabry-perot").result, backend="mpmath", digits=30, relations={R1: 1 - T1, R2: 1 - T2})
    g = evaluator(der.result, backend="mpmath", digits=30, relations={R1: 1 - T1, R2: 1 - T2})
    worst = 0.0
    with mpmath.workdps(30):
        for _ in range(12):
            t1 = mpmath.mpf(rng.uniform(0.05, 0.95))
            t2 = mpmath.mpf(rng.uniform(0.05, 0.95))
            q = mpmath.quad(lambda th: f(T1=t1, T2=t2, theta=th), [0, mpmath.pi, 2 * mpmath.pi])
            worst = max(worst, float(abs(q / (2 * mpmath.pi) - g(T1=t1, T2=t2))))
    return CheckReport("mpmath quadrature of T(theta) over one period (30 digits)",
                       worst, 12, 1e-20)


# ------------------------------------------------------------------ lattice check
_FA_PERIODS = 4
_FA_PER_PERIOD = 32
_FA_SETS = ((1.0, 0.8, 400, 1.1), (1.5, -0.7, 300, 2.0), (0.6, 1.2, 500, 0.7))


def lattice_check(der: Derivation) -> CheckReport:
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
    from .. import lattice as lat
    from scipy.optimize import brentq

    amp = impurity_amplitudes()
    f_cl = by_name(der.result, ("T1", "T2"))
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

        T_cl0 = float(classical(k0, e1, e2))
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
        error=worst,
        points=pts,
        tolerance=tol,
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    f = evaluator(der.result)
    t1 = np.linspace(0.01, 1, 400)
    return dict(xlabel=r"$T_1$", ylabel=r"$\langle T\rangle_\theta$",
                title="Phase-averaged double barrier",
                lines=[(rf"$T_2={t2}$", t1, f(T1=t1, T2=t2)) for t2 in (0.2, 0.5, 0.9)], points=[])

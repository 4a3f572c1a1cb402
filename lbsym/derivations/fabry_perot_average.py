"""fabry-perot-average: phase-averaged double barrier = classical series (seed 1162408)."""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from ..averages import phase_average
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, get, register
from ._common import barrier_symbols

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
    avg_T = sp.factor(sp.simplify(avg_R.subs({R1: 1 - T1, R2: 1 - T2})))
    num, den = sp.fraction(avg_T)
    if num.could_extract_minus_sign():
        avg_T = (-num) / sp.expand(-den)
    rho = lambda t: (1 - t) / t  # dimensionless resistance of a scatterer
    series = sp.simplify(rho(avg_T) - rho(T1) - rho(T2))
    textbook = T1 * T2 / (T1 + T2 - T1 * T2)

    def cross() -> CheckReport:
        rng = random.Random(3)
        f = sp.lambdify((T1, T2, R1, R2, theta), T_theta, modules="mpmath")
        g = sp.lambdify((T1, T2), avg_T, modules="mpmath")
        worst = 0.0
        with mpmath.workdps(30):
            for _ in range(12):
                t1 = mpmath.mpf(rng.uniform(0.05, 0.95))
                t2 = mpmath.mpf(rng.uniform(0.05, 0.95))
                q = mpmath.quad(lambda th: f(t1, t2, 1 - t1, 1 - t2, th), [0, mpmath.pi, 2 * mpmath.pi])
                worst = max(worst, float(abs(q / (2 * mpmath.pi) - g(t1, t2))))
        return CheckReport("mpmath quadrature of T(theta) over one period (30 digits)",
                           worst, 12, 1e-20)

    return Derivation(
        name="fabry-perot-average",
        title="Phase-averaged Fabry-Pérot: resistances add classically",
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
        facts={"average_in_R": avg_R, "series_resistance_difference": series},
        cross_check=cross,
    )

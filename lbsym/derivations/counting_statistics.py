"""counting-statistics: binomial cumulants to any order (seed 1162418)."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..counting import binomial_cgf, binomial_cumulants, cumulants, lam, levitov_lesovik
from ..counting_numeric import sample_cumulants
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..numeric import evaluator
from ._common import batched_cumulants

T = sp.Symbol("T", positive=True)
M = sp.Symbol("M", positive=True)
T1, T2 = sp.symbols("T1 T2", positive=True)
kappa6 = sp.Symbol("kappa_6")
ORDER = 6

#: textbook forms of the binomial cumulants per attempt (Levitov-Lee-Lesovik 1996)
TEXTBOOK = (
    T,
    T * (1 - T),
    T * (1 - T) * (1 - 2 * T),
    T * (1 - T) * (1 - 6 * T + 6 * T**2),
    T * (1 - T) * (1 - 2 * T) * (1 - 12 * T + 12 * T**2),
    T * (1 - T) * (1 - 30 * T + 150 * T**2 - 240 * T**3 + 120 * T**4),
)


def derived_cumulants(der: Derivation) -> list:
    """kappa_1..kappa_6 per attempt as derived: the parts, the sixth being the result."""
    return [der.parts[f"kappa_{j}"].expr for j in range(1, ORDER)] + [der.result]


def monte_carlo_check(der: Derivation, samples: int = 200_000, attempts: int = 40,
                      seed: int = 2024) -> CheckReport:
    """Seeded binomial counts (numpy): sample cumulants 1..4 vs M kappa_k.

    The error of each estimator is measured in its own standard error
    (sample std of the k-th central-moment estimator / sqrt(samples));
    passing means every cumulant within 6 standard errors.
    """
    rng = np.random.default_rng(seed)
    ks = derived_cumulants(der)[:4]
    worst, pts = 0.0, 0
    for Tv in (0.1, 0.3, 0.5, 0.8):
        x = rng.binomial(attempts, Tv, size=samples)
        est = sample_cumulants(x, 4)
        exact = [attempts * float(k.subs(T, Tv)) for k in ks]
        c = x - x.mean()
        se = np.array([np.std(x), np.std(c**2), np.std(c**3),
                       np.std(c**4 - 6 * exact[1] * c**2)]) / np.sqrt(samples)
        worst = max(worst, float(np.max(np.abs(est - exact) / se)))
        pts += 4
    return CheckReport(f"seeded Monte-Carlo of binomial counts ({samples} samples of {attempts} "
                       "attempts, T in {0.1, 0.3, 0.5, 0.8}); error in standard errors of the "
                       "estimator, tolerance 6", worst, pts, 6.0, kind="sigma")


def mpmath_check(der: Derivation, dps: int = 40) -> CheckReport:
    """mpmath numeric differentiation of ln(1 + T(e^chi - 1)) at chi = 0 (40 digits)."""
    ks = derived_cumulants(der)
    worst, pts = mpmath.mpf(0), 0
    with mpmath.workdps(dps):
        for num in (7, 37, 50, 91):
            Tv = mpmath.mpf(num) / 100
            f = lambda chi: mpmath.log(1 + Tv * (mpmath.exp(chi) - 1))
            for k in range(1, ORDER + 1):
                exact = mpmath.mpf(sp.Rational(ks[k - 1].subs(T, sp.Rational(num, 100))).p) / \
                    sp.Rational(ks[k - 1].subs(T, sp.Rational(num, 100))).q
                worst = max(worst, abs(mpmath.diff(f, 0, k) - exact))
                pts += 1
    return CheckReport(f"mpmath numeric differentiation of the generating function at {dps} digits, "
                       f"orders 1..{ORDER}", float(worst), pts, 1e-25)


def cross_check(der: Derivation) -> CheckReport:
    """Both routes; error is the worst error in units of each route's tolerance."""
    reps = [monte_carlo_check(der), mpmath_check(der)]
    worst = max(r.error / r.tolerance for r in reps)
    return CheckReport("; ".join(f"{r.method}: {r.error:.3g} (tol {r.tolerance:g})" for r in reps)
                       + " -- reported as max error/tolerance", worst,
                       sum(r.points for r in reps), 1.0, kind="ratio")


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    generating_function: sp.Expr
    cumulants: tuple
    textbook_cumulants: tuple
    recursion_agrees: bool
    two_channel_third_cumulant: sp.Expr


@register("counting-statistics", "Full counting statistics: binomial cumulants to any order")
def build() -> Derivation:
    cgf1 = binomial_cgf(T)
    ks = cumulants(cgf1, ORDER)
    rec = binomial_cumulants(T, ORDER)
    recursion_agrees = all(sp.expand(a - b) == 0 for a, b in zip(ks, rec))
    two = levitov_lesovik([T1, T2], M)
    k_two = cumulants(two, 3)
    return Derivation(
        topic="Counting statistics of a coherent conductor",
        symbols=(
            SymbolInfo(T, "transmission eigenvalue of the channel", "0 < T < 1"),
            SymbolInfo(M, "number of attempts eVt/h in the measuring time t (zero temperature)", "M > 0"),
            SymbolInfo(lam, "counting field", "real"),
            SymbolInfo(kappa6, "sixth cumulant of the transferred charge per attempt, in units of e^6", ""),
        ),
        steps=(
            Step("Levitov-Lesovik: at zero temperature each of the M = eVt/h attempts per "
                 "spin-resolved channel is a Bernoulli trial; for two channels", two),
            Step("One channel, one attempt: ln chi(lambda) =", cgf1),
            Step("Cumulants are derivatives in i lambda at lambda = 0; with y = e^{i lambda} the "
                 "derivative d/d(i lambda) is y d/dy, applied repeatedly to the rational function "
                 "and evaluated at y = 1. Orders 1..6:", sp.Matrix(ks)),
            Step("They obey the recursion kappa_{k+1} = T(1-T) d kappa_k/dT (checked to order 6: "
                 f"{recursion_agrees})", rec[-1]),
            Step("Additivity: independent channels add, and every cumulant is linear in M, e.g. "
                 "the third cumulant of two channels", k_two[2]),
            Step("The Fano factor kappa_2/kappa_1 = 1 - T, the noise module's sum T(1-T)/sum T. "
                 "The sixth cumulant:", sp.Eq(kappa6, ks[-1])),
        ),
        lhs=kappa6,
        result=ks[-1],
        textbook=TEXTBOOK[-1],
        reference="Levitov and Lesovik, JETP Lett. 58, 230 (1993); Levitov, Lee and Lesovik, "
                  "J. Math. Phys. 37, 4845 (1996)",
        ranges={T: (0, 1)},
        parts={**{f"kappa_{j}": Part(sp.Symbol(f"kappa_{j}"), kj, f"cumulant {j} per attempt")
                  for j, kj in enumerate(ks, 1)},
               "cgf": Part(sp.Symbol("ln_chi"), cgf1, "cumulant generating function per attempt")},
        facts=Facts(
            generating_function=cgf1,
            cumulants=tuple(ks),
            textbook_cumulants=TEXTBOOK,
            recursion_agrees=recursion_agrees,
            two_channel_third_cumulant=k_two[2],
        ),
    )


# ------------------------------------------------------------------ figure
COUNTING_ATTEMPTS, COUNTING_SAMPLES, COUNTING_SEED = 4, 200_000, 1162418


def figure(der: Derivation) -> dict:
    ks = der.facts.cumulants
    t = np.linspace(0, 1, 401)
    tp = np.linspace(0.05, 0.95, 10)
    rng = np.random.default_rng(COUNTING_SEED)
    est = []
    for tv in tp:
        mean, se = batched_cumulants(rng.binomial(COUNTING_ATTEMPTS, tv, size=COUNTING_SAMPLES), len(ks))
        est.append((mean / COUNTING_ATTEMPTS, se / COUNTING_ATTEMPTS))
    mc = (f"Monte Carlo, {COUNTING_SAMPLES:,} runs of\n"
          f"$N={COUNTING_ATTEMPTS}$ attempts (seed {COUNTING_SEED})")
    panels = []
    for k, kappa in enumerate(ks, start=1):
        panels.append(dict(xlabel=r"transmission $T$", ylabel=rf"$\kappa_{k}/N$", title="",
                           lines=[("binomial cumulant", t, evaluator(kappa)(T=t))],
                           points=[(mc, tp, np.array([m[k - 1] for m, _ in est]))],
                           errors=[np.array([s[k - 1] for _, s in est])],
                           legend=k == 1))
    return dict(title="Full counting statistics of one channel: cumulants per attempt "
                      r"($\ln\chi = N\ln[1 + T(e^{i\lambda} - 1)]$)",
                panels=panels, grid=(2, 3), figsize=(11, 6.4))

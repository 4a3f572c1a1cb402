"""resonant-tunneling-fcs: charge-transfer statistics of a double barrier (seed 1162416)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..constants import h
from ..counting import breit_wigner, breit_wigner_cgf, cumulants, lam, rate_matrix, sequential_cgf
from ..counting_numeric import gillespie_counts, sample_cumulants
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..numeric import evaluator

GL, GR = sp.symbols("Gamma_L Gamma_R", positive=True)
t = sp.Symbol("t", positive=True)
F = sp.Symbol("F", positive=True)
E, E0 = sp.Symbol("E", real=True), sp.Symbol("E0", real=True)
a = sp.Symbol("a", real=True)  # asymmetry (GL - GR)/(GL + GR)


def gillespie_check(der: Derivation, samples: int = 100_000, seed: int = 5) -> CheckReport:
    """Seeded Gillespie Monte-Carlo of the sequential process vs kappa_1..3 per unit time.

    Rate cumulants are estimated from the increase of the sample cumulants
    between t1 = 30/Gamma and t2 = 2 t1 (start-up terms cancel), their
    standard errors from 20 independent batches; the error is reported in
    standard errors (tolerance 6).  The derived kappa_1 and kappa_3 (parts) and
    kappa_2 = F kappa_1 with the derived Fano factor F (the result) are compared.
    """
    k1 = der.parts["kappa_1"].expr / t
    ks = [k1, der.result * k1, der.parts["kappa_3"].expr / t]
    worst, pts = 0.0, 0
    for i, (gl, gr) in enumerate([(1.0, 1.0), (1.0, 3.0), (2.5, 0.7)]):
        t1 = 30.0 / min(gl, gr)
        N = gillespie_counts(gl, gr, [t1, 2 * t1], samples, seed=seed + i)
        batches = np.array([sample_cumulants(b[:, 1], 3) - sample_cumulants(b[:, 0], 3)
                            for b in np.array_split(N, 20)]) / t1
        est, se = batches.mean(axis=0), batches.std(axis=0, ddof=1) / np.sqrt(len(batches))
        exact = np.array([float(k.subs({GL: gl, GR: gr})) for k in ks])
        worst = max(worst, float(np.max(np.abs(est - exact) / se)))
        pts += 3
    return CheckReport(f"seeded Gillespie Monte-Carlo of sequential tunnelling ({samples} runs, "
                       "3 rate pairs, kappa_1..3 per unit time); error in standard errors, "
                       "tolerance 6", worst, pts, 6.0, kind="sigma")


def quadrature_check(der: Derivation, points: int = 8, seed: int = 1) -> CheckReport:
    """mpmath quadrature of (1/h) int dE ln(1 + T_BW(E)(e^chi - 1)) vs the derived closed
    form of the coherent generating function (real counting field chi = i lambda;
    t = h = 1; relative error)."""
    closed = evaluator(der.facts.cgf_coherent.subs({t: 1, h: 1}), backend="mpmath", digits=30)
    rng = random.Random(seed)
    worst = 0.0
    with mpmath.workdps(30):
        for _ in range(points):
            gl, gr, chi, e0 = (mpmath.mpf(v) for v in (rng.uniform(0.2, 2), rng.uniform(0.2, 2),
                                                        rng.uniform(-1.5, 1.5), rng.uniform(-1, 1)))
            Tf = lambda x: gl * gr / ((x - e0) ** 2 + (gl + gr) ** 2 / 4)
            num = mpmath.quad(lambda x: mpmath.log(1 + Tf(x) * (mpmath.exp(chi) - 1)),
                              [-mpmath.inf, e0 - 5, e0, e0 + 5, mpmath.inf])
            ref = closed(Gamma_L=gl, Gamma_R=gr, **{lam.name: -1j * chi})
            worst = max(worst, float(abs(num - ref) / abs(ref)))
    return CheckReport("mpmath quadrature of the Breit-Wigner energy integral at real counting "
                       "field, 30 digits (relative error; tanh-sinh on the 1/E^2 tails limits it to ~1e-18)",
                       worst, points, 1e-15, kind="relative")


def cross_check(der: Derivation) -> CheckReport:
    """Both routes; error is the worst error in units of each route's tolerance."""
    reps = [gillespie_check(der), quadrature_check(der)]
    worst = max(r.error / r.tolerance for r in reps)
    return CheckReport("; ".join(f"{r.method}: {r.error:.3g} (tol {r.tolerance:g})" for r in reps)
                       + " -- reported as max error/tolerance", worst,
                       sum(r.points for r in reps), 1.0, kind="ratio")


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    cgf_sequential: sp.Expr
    cumulants_sequential: tuple
    third_over_first: sp.Expr
    third_over_first_asymmetry: sp.Expr
    third_textbook_asymmetry: sp.Expr
    fano_asymmetry: sp.Expr
    cgf_coherent: sp.Expr
    fano_coherent: sp.Expr
    third_over_first_coherent: sp.Expr
    coherent_equals_sequential_with_rates_over_hbar: bool


@register("resonant-tunneling-fcs", "Resonant tunnelling: charge-transfer statistics of a double barrier")
def build() -> Derivation:
    Mx = rate_matrix(GL, GR)
    seq = sequential_cgf(GL, GR, t)
    k1, k2, k3 = cumulants(seq, 3)
    fano = sp.factor(sp.cancel(k2 / k1))
    F3 = sp.factor(sp.cancel(k3 / k1))
    # F and kappa_3/kappa_1 are homogeneous of degree 0 in the rates, so only the
    # ratio matters: Gamma_L = (1 + a)/2, Gamma_R = (1 - a)/2
    if sp.cancel(F3.subs({GL: 2 * GL, GR: 2 * GR}) - F3) != 0:  # pragma: no cover - a bug
        raise ArithmeticError("kappa_3/kappa_1 is not homogeneous of degree 0 in the rates")
    asym = {GL: (1 + a) / 2, GR: (1 - a) / 2}
    F3_asym = sp.factor(sp.cancel(F3.subs(asym)))
    fano_asym = sp.factor(sp.cancel(fano.subs(asym)))
    coh = breit_wigner_cgf(GL, GR, t)
    c1, c2, c3 = cumulants(coh, 3)
    fano_coh = sp.factor(sp.cancel(c2 / c1))
    F3_coh = sp.factor(sp.cancel(c3 / c1))
    hbar = h / (2 * sp.pi)
    same_cgf = sp.simplify(coh - sequential_cgf(GL / hbar, GR / hbar, t)) == 0
    textbook = (GL**2 + GR**2) / (GL + GR) ** 2
    return Derivation(
        topic="Counting statistics of resonant tunnelling",
        symbols=(
            SymbolInfo(GL, "tunnelling rate through the left barrier (sequential: rate; coherent: "
                       "partial width, energy)", "Gamma_L > 0"),
            SymbolInfo(GR, "tunnelling rate through the right barrier", "Gamma_R > 0"),
            SymbolInfo(t, "measuring time", "t > 0", unit="s"),
            SymbolInfo(lam, "counting field on the jumps into the right lead", "real"),
            SymbolInfo(F, "Fano factor kappa_2 / kappa_1", "1/2 <= F <= 1"),
            SymbolInfo(E0, "resonance energy (coherent case)", "real"),
            SymbolInfo(a, "asymmetry (Gamma_L - Gamma_R)/(Gamma_L + Gamma_R)", "-1 < a < 1"),
        ),
        steps=(
            Step("Sequential tunnelling through one level, states (empty, occupied); jumps into "
                 "the right lead carry the counting factor e^{i lambda}:", Mx),
            Step("ln chi = t times the eigenvalue of the dressed rate matrix that vanishes at "
                 "lambda = 0:", seq),
            Step("Current (first cumulant, in units of e per time):", k1),
            Step("Fano factor kappa_2/kappa_1:", sp.Eq(F, fano)),
            Step("in terms of the asymmetry a:", fano_asym),
            Step("Third cumulant kappa_3/kappa_1:", F3),
            Step("in terms of the asymmetry a:", F3_asym),
            Step("Coherent resonant level at large bias: Breit-Wigner transmission", breit_wigner(E, E0, GL, GR)),
            Step("fed into the Levitov-Lesovik generating function (t/h) int dE ln(1 + T(E)(e^{i lambda} - 1)), "
                 "energy integral in closed form:", coh),
            Step("It is the sequential one with rates Gamma/hbar "
                 f"(identical generating functions: {same_cgf}), so its Fano factor is", fano_coh),
            Step("and its third cumulant ratio", F3_coh),
        ),
        lhs=F,
        result=fano,
        textbook=textbook,
        reference="Bagrets and Nazarov, PRB 67, 085316 (2003); Chen and Ting, PRB 43, 4534 (1991); "
                  "Davies et al., PRB 46, 9620 (1992); Levitov, Lee and Lesovik, J. Math. Phys. 37, "
                  "4845 (1996)",
        parts={"kappa_1": Part(sp.Symbol("kappa_1"), k1, "mean transferred charge in time t (sequential)"),
               "kappa_2": Part(sp.Symbol("kappa_2"), k2, "second cumulant in time t (sequential)"),
               "kappa_3": Part(sp.Symbol("kappa_3"), k3, "third cumulant in time t (sequential)"),
               "skewness": Part(sp.Symbol("kappa_3") / sp.Symbol("kappa_1"), F3, "third cumulant over the mean"),
               "cgf": Part(sp.Symbol("ln_chi"), seq, "cumulant generating function (sequential)")},
        facts=Facts(
            cgf_sequential=seq,
            cumulants_sequential=(k1, k2, k3),
            third_over_first=F3,
            third_over_first_asymmetry=F3_asym,
            third_textbook_asymmetry=(1 + 3 * a**4) / 4,
            fano_asymmetry=fano_asym,
            cgf_coherent=coh,
            fano_coherent=fano_coh,
            third_over_first_coherent=F3_coh,
            coherent_equals_sequential_with_rates_over_hbar=same_cgf,
        ),
    )


# ------------------------------------------------------------------ figure
GILLESPIE_SAMPLES, GILLESPIE_SEED = 100_000, 1162416


def figure(der: Derivation) -> dict:
    from ..counting_numeric import gillespie_counts, sample_cumulants

    F = evaluator(der.result)
    F3 = evaluator(der.facts.third_over_first)
    # only the ratio matters (degree-0 homogeneous): Gamma_L + Gamma_R = 1
    x = np.linspace(0, 1, 401)
    xp = np.linspace(0.1, 0.9, 9)
    est = []
    for i, gl in enumerate(xp):
        # rate cumulants from the growth between t1 and 2 t1; transients decay as
        # exp(-(Gamma_L + Gamma_R) t), negligible after t1 = 15
        t1 = 15.0
        N = gillespie_counts(float(gl), float(1 - gl), [t1, 2 * t1], GILLESPIE_SAMPLES,
                             seed=GILLESPIE_SEED + i)
        k_b = np.array([sample_cumulants(b[:, 1], 3) - sample_cumulants(b[:, 0], 3)
                        for b in np.array_split(N, 20)])
        ratios = k_b[:, 1:] / k_b[:, :1]
        est.append((ratios.mean(axis=0), ratios.std(axis=0, ddof=1) / np.sqrt(len(ratios))))
    mc = f"Gillespie Monte Carlo ({GILLESPIE_SAMPLES:,} runs, seed {GILLESPIE_SEED})"
    return dict(xlabel=r"asymmetry $\Gamma_L/(\Gamma_L+\Gamma_R)$", ylabel="cumulant ratio",
                title="Sequential tunnelling through one level",
                lines=[(r"Fano $\kappa_2/\kappa_1 = (\Gamma_L^2+\Gamma_R^2)/(\Gamma_L+\Gamma_R)^2$",
                        x, F(Gamma_L=x, Gamma_R=1 - x)),
                       (r"$\kappa_3/\kappa_1$", x, F3(Gamma_L=x, Gamma_R=1 - x))],
                points=[(mc, xp, np.array([m[0] for m, _ in est])),
                        (mc, xp, np.array([m[1] for m, _ in est]))],
                errors=[np.array([s[0] for _, s in est]), np.array([s[1] for _, s in est])],
                guides=[("Poisson", x, np.ones_like(x))], paired=True, ylim=(0, 1.08))

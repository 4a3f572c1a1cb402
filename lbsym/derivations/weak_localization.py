"""weak-localization: the conductance of a chaotic cavity with and without time-reversal
symmetry, exactly at finite N by Weingarten calculus (seed 1162398).

Conventions: conductance in e^2/h per spin-resolved channel (per Kramers pair
for beta = 4), lead 1 with N1 channels, lead 2 with N2 (:mod:`lbsym.rmt`).
delta G = <G>_{beta=1} - <G>_{beta=2} is the weak-localization correction
(a magnetic field breaks time-reversal symmetry: beta 1 -> 2);
<G>_{beta=4} - <G>_{beta=2} the weak antilocalization with strong spin-orbit
scattering.  A chain of k cavities in series between k + 1 equal contacts
composes sampled cavity S-matrices with the library's :class:`Network`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..numeric import evaluator
from ..rmt import N1, N2, average_transmission, fano_factor, transmission_variance

dG = sp.Symbol("delta_G", real=True)
k = sp.Symbol("k", positive=True, integer=True)
M = sp.Symbol("M", positive=True)


def _chain_cooperon() -> tuple[sp.Expr, sp.Expr, list]:
    """tr L^{-1} of the chain Laplacian (k nodes, k + 1 unit contacts, absorbing reservoirs),
    solved by sympy: the diagonal Green's function g_ii from the recurrence, then summed."""
    i, j = sp.symbols("i j", positive=True, integer=True)
    g = sp.Function("g")
    hom = sp.rsolve(g(j + 1) - 2 * g(j) + g(j - 1), g(j))  # C0 + C1 j
    C0, C1 = sorted(hom.free_symbols - {j}, key=lambda s: s.name)
    a0, a1, b0, b1 = sp.symbols("a0 a1 b0 b1")
    left = hom.subs({C0: a0, C1: a1})     # nodes 0..i, g_0 = 0 (reservoir)
    right = hom.subs({C0: b0, C1: b1})    # nodes i..k+1, g_{k+1} = 0 (reservoir)
    eqs = [left.subs(j, 0), right.subs(j, k + 1), left.subs(j, i) - right.subs(j, i),
           2 * left.subs(j, i) - left.subs(j, i - 1) - right.subs(j, i + 1) - 1]  # unit source at i
    sol = sp.solve(eqs, [a0, a1, b0, b1], dict=True)[0]
    gii = sp.factor(left.subs(sol).subs(j, i))
    trace = sp.factor(sp.summation(gii, (i, 1, k)))
    steps = [Step("Homogeneous solution of the discrete diffusion equation g_{j+1} - 2 g_j + g_{j-1} = 0:", hom),
             Step("Cooperon (classical return weight) of node i, absorbing reservoirs at nodes 0 and k + 1:",
                  sp.Eq(sp.Symbol("g_ii"), gii)),
             Step("summed over the k nodes, tr L^{-1} =", trace)]
    return gii, trace, steps


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    mean_G: dict
    variance_G: dict
    fano: dict
    limit_wl: sp.Expr
    limit_al: sp.Expr
    ucf_limits: dict
    chain: sp.Expr
    chain_one_cavity: sp.Expr
    wire: sp.Expr
    cooperon_diagonal: sp.Expr


@register("weak-localization", "Weak localization and antilocalization in chaotic cavities (random matrices)")
def build() -> Derivation:
    G = {b: e**2 / h * average_transmission(b) for b in (1, 2, 4)}
    var = {b: (e**2 / h) ** 2 * transmission_variance(b) for b in (1, 2, 4)}
    F = {b: fano_factor(b) for b in (1, 2, 4)}
    result = sp.factor(G[1] - G[2])
    al = sp.factor(G[4] - G[2])
    sym = {N1: M, N2: M}
    lim_wl = sp.limit(result.subs(sym), M, sp.oo)
    lim_al = sp.limit(al.subs(sym), M, sp.oo)
    ucf = {b: sp.limit(var[b].subs(sym), M, sp.oo) for b in (1, 2, 4)}
    gii, trace, chain_steps = _chain_cooperon()
    # delta G = -(2/(k+1)^2) tr L^{-1}: the discrete form of -(2 e^2/h L^2) int_0^L P_c(x, x) dx
    chain = sp.factor(-2 * e**2 / h * trace / (k + 1) ** 2)
    one = chain.subs(k, 1)
    wire = sp.limit(chain, k, sp.oo)
    textbook = e**2 / h * (N1 * N2 / (N1 + N2 + 1) - N1 * N2 / (N1 + N2))

    return Derivation(
        topic="Weak localization",
        symbols=(
            SymbolInfo(dG, "weak-localization correction <G>_{beta=1} - <G>_{beta=2}", "real", unit="S"),
            SymbolInfo(N1, "channels in lead 1 (per spin, or Kramers pairs at beta = 4)", "positive integer"),
            SymbolInfo(N2, "channels in lead 2", "positive integer"),
            SymbolInfo(k, "number of cavities in series (k + 1 equal contacts)", "positive integer"),
            SymbolInfo(M, "channels per contact (large-N limits)", "M > 0"),
            SymbolInfo(e, "elementary charge", "e > 0"),
            SymbolInfo(h, "Planck constant", "h > 0"),
        ),
        steps=(
            Step("Weingarten calculus over the circular orthogonal ensemble (S = U U^T, time-reversal "
                 "symmetric, beta = 1):", sp.Eq(sp.Symbol("<G>_1"), G[1])),
            Step("over the circular unitary ensemble (S = U, magnetic field, beta = 2):",
                 sp.Eq(sp.Symbol("<G>_2"), G[2])),
            Step("and over the circular symplectic ensemble (strong spin-orbit, beta = 4):",
                 sp.Eq(sp.Symbol("<G>_4"), G[4])),
            Step("Weak localization: breaking time-reversal symmetry raises the conductance by",
                 sp.Eq(dG, result)),
            Step("For N1 = N2 = M -> oo the correction is universal:", sp.Eq(dG, lim_wl)),
            Step("With spin-orbit scattering the sign reverses (antilocalization), <G>_4 - <G>_2 =", al),
            Step("-> ", lim_al),
            Step("Universal conductance fluctuations var G for beta = 1, 2, 4 at N1 = N2 -> oo:",
                 sp.Tuple(*[ucf[b] for b in (1, 2, 4)])),
            Step("Shot noise: the Fano factor <sum T(1 - T)>/<sum T> for beta = 1, 2, 4 (-> 1/4):",
                 sp.Tuple(*[F[b] for b in (1, 2, 4)])),
            *chain_steps,
            Step("A chain of k cavities between k + 1 equal contacts: delta G = -(2/(k+1)^2) tr L^{-1} "
                 "(e^2/h), the discrete Cooperon formula", sp.Eq(dG, chain)),
            Step("one cavity (k = 1) reproduces the large-N cavity result:", one),
            Step("and k -> oo gives the diffusive wire:", wire),
        ),
        lhs=dG,
        result=result,
        textbook=textbook,
        reference="Beenakker, Rev. Mod. Phys. 69, 731 (1997), sec. III (eq. for <G> in the circular "
                  "ensembles); Baranger and Mello, PRL 73, 142 (1994); Jalabert, Pichard and Beenakker, "
                  "Europhys. Lett. 27, 255 (1994); Brouwer and Beenakker, J. Math. Phys. 37, 4904 (1996) "
                  "(Weingarten calculus)",
        ranges={N1: (1, 6), N2: (1, 6), k: (1, 6)},
        parts={
            "antilocalization": Part(sp.Symbol("delta_G_SO"), al, "<G>_4 - <G>_2 (strong spin-orbit)"),
            "chain": Part(sp.Symbol("delta_G_k"), chain, "k cavities in series, large N"),
            "variance_beta1": Part(sp.Symbol("var_G"), var[1], "var G in the COE (beta = 1)"),
        },
        facts=Facts(mean_G=G, variance_G=var, fano=F, limit_wl=lim_wl, limit_al=lim_al, ucf_limits=ucf,
                    chain=chain, chain_one_cavity=one, wire=wire, cooperon_diagonal=gii),
    )


# ------------------------------------------------------------------ Monte Carlo
def _mc_G(n1: int, n2: int, beta: int, samples: int, seed: int) -> tuple[float, float]:
    from ..rmt_numeric import circular_ensemble_batch, transmission_eigenvalues_batch

    rng = np.random.default_rng(seed)
    G = transmission_eigenvalues_batch(circular_ensemble_batch(n1 + n2, beta, samples, rng), n1, beta).sum(1)
    return float(G.mean()), float(G.std(ddof=1) / np.sqrt(samples))


#: (N1, N2, samples) of the Monte-Carlo check
_POINTS = [(1, 1, 20000), (1, 3, 20000), (4, 4, 30000)]


def cross_check(der: Derivation) -> CheckReport:
    """Monte Carlo over the sampled circular ensembles (seeded): the difference of the sample
    means of G (COE - CUE, and CSE - CUE for the antilocalization part) against the derived
    exact finite-N results, in standard errors of the difference."""
    units = {e: 1, h: 1}
    f = evaluator(der.result.subs(units))
    g = evaluator(der.parts["antilocalization"].expr.subs(units))
    worst, points = 0.0, 0
    for idx, (n1, n2, n) in enumerate(_POINTS):
        betas = (1, 2) if n1 + n2 > 4 else (1, 2, 4)  # CSE (2N x 2N) only at small N: cost
        m = {b: _mc_G(n1, n2, b, n, seed=100 * idx + b) for b in betas}
        for beta, closed in ((1, f), (4, g))[: len(betas) - 1]:
            diff = m[beta][0] - m[2][0]
            se = float(np.hypot(m[beta][1], m[2][1]))
            worst = max(worst, abs(diff - float(closed(N1=n1, N2=n2))) / se)
            points += 1
    return CheckReport(
        "Monte Carlo over sampled COE, CUE and CSE cavities (seeded), (N1, N2) = (1, 1), (1, 3), (4, 4) "
        "with 2e4-3e4 samples: <G>_1 - <G>_2 (all three) and <G>_4 - <G>_2 (the first two) against the "
        "exact finite-N results",
        worst, points, 4.0, kind="sigma")


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    units = {e: 1, h: 1}
    f = evaluator(der.result.subs(units))
    g = evaluator(der.parts["antilocalization"].expr.subs(units))
    chain = evaluator(der.parts["chain"].expr.subs(units))
    Ms = np.arange(1, 7)
    mc = {b: [_mc_G(int(m), int(m), b, 3000, seed=7 * int(m) + b) for m in Ms] for b in (1, 2, 4)}
    wl = np.array([mc[1][i][0] - mc[2][i][0] for i in range(len(Ms))])
    al = np.array([mc[4][i][0] - mc[2][i][0] for i in range(len(Ms))])
    wl_e = np.array([np.hypot(mc[1][i][1], mc[2][i][1]) for i in range(len(Ms))])
    al_e = np.array([np.hypot(mc[4][i][1], mc[2][i][1]) for i in range(len(Ms))])
    x = np.linspace(1, 6, 200)
    a = dict(xlabel=r"channels per lead $N_1 = N_2$", ylabel=r"$\delta G$ ($e^2/h$)",
             title="(a) chaotic cavity: exact Weingarten averages",
             lines=[(r"$\langle G\rangle_{\beta=1} - \langle G\rangle_{\beta=2}$", x, f(N1=x, N2=x)),
                    (r"$\langle G\rangle_{\beta=4} - \langle G\rangle_{\beta=2}$", x, g(N1=x, N2=x))],
             points=[("Monte Carlo (COE - CUE)", Ms, wl), ("Monte Carlo (CSE - CUE)", Ms, al)],
             errors=[wl_e, al_e], paired=True,
             guides=[("large-N limits -1/4, +1/8", x, np.full_like(x, float(der.facts.limit_wl.subs(units)))),
                     ("large-N limits -1/4, +1/8", x, np.full_like(x, float(der.facts.limit_al.subs(units))))])
    ks = np.linspace(1, 8, 200)
    b = dict(xlabel=r"cavities in series $k$", ylabel=r"$\delta G$ ($e^2/h$)",
             title=r"(b) chain of cavities, $N \to \infty$",
             lines=[(r"$-\frac{1}{3}[1-(k+1)^{-2}]$ (continued between integers k)", ks, chain(k=ks))],
             points=[], guides=[("diffusive wire -1/3", ks, np.full(len(ks), float(der.facts.wire.subs(units))))])
    return dict(title="Weak localization", panels=[a, b], grid=(1, 2), figsize=(11, 4.4))

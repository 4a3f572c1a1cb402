"""shot-noise: S = 2e|V| (e^2/h) sum T(1-T), Fano, thermal-to-shot crossover (seed 1162410)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import e, h, k_B
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..errors import LbsymError
from ..noise import Theta, V, crossover, fano, shot_limit, thermal_limit, two_terminal_noise
from ..noise_numeric import noise_integral
from ..numeric import evaluator
from ..transport import one_channel

S = sp.Symbol("S", positive=True)
F = sp.Symbol("F", positive=True)
N = sp.Symbol("N", positive=True, integer=True)
n = sp.Symbol("n", positive=True, integer=True)
Tb = sp.IndexedBase("T", positive=True)
T = sp.Symbol("T", positive=True)  # one channel


def cross_check(der: Derivation, points: int = 12, seed: int = 3) -> CheckReport:
    """mpmath quadrature of the Fermi-function energy integral vs the closed forms.

    Half of the points sit at k_B Theta = 1e-9 (units e = h = k_B = 1, 0.1 <= |V| <= 3; compared with the
    zero-temperature result, whose finite-temperature correction
    2 k_B Theta sum T^2 is below 1e-8), the other half at finite temperature
    (compared with the Blanter-Büttiker formula the result is the limit of).
    Relative errors; units e = h = k_B = 1.
    """
    rng = random.Random(seed)
    fin = der.parts["finite_temperature"].expr
    shot = der.result
    worst = 0.0
    for i in range(points):
        Ts = [rng.uniform(0.02, 0.98) for _ in range(rng.randint(1, 3))]
        Vb = rng.choice([-1, 1]) * rng.uniform(0.1, 3.0)
        kT = 1e-9 if i % 2 == 0 else rng.uniform(0.05, 2.0)
        vals = {e: 1, h: 1, k_B: 1, V: Vb, Theta: kT, N: len(Ts)}
        expr = shot if i % 2 == 0 else fin
        closed = float(expr.subs(vals).doit().subs({Tb[j + 1]: t for j, t in enumerate(Ts)}))
        num = noise_integral(lambda E: Ts, Vb, kT, method="mpmath", dps=20)
        worst = max(worst, abs(num - closed) / abs(closed))
    return CheckReport("mpmath quadrature of the energy integral with Fermi functions "
                       "(relative error; half the points at k_B Theta = 1e-9 |V|-units vs the shot-noise "
                       "result, half at finite temperature vs the Blanter-Büttiker formula)",
                       worst, points, 1e-7, kind="relative")


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    finite_temperature: sp.Expr
    thermal_limit: sp.Expr
    johnson_nyquist: bool
    zeros: list
    maxima: list
    curvature_at_max: sp.Expr
    fano: sp.Expr
    fano_one_channel: sp.Expr
    crossover: sp.Expr
    crossover_shot: sp.Expr
    crossover_thermal: sp.Expr


@register("shot-noise", "Shot noise: sum T(1-T), Fano factor, thermal-to-shot crossover")
def build() -> Derivation:
    finite = two_terminal_noise((Tb, n, N))
    thermal = thermal_limit(finite)
    result = shot_limit(finite)
    # one channel: zeros, maximum
    s1 = shot_limit(two_terminal_noise([T]))
    Tr = sp.Symbol("T", real=True)  # admit the end points T = 0, 1
    zeros_closed = sorted(sp.solve(sp.Eq(s1.subs(T, Tr), 0), Tr))
    maxima = sp.solve(sp.Eq(sp.diff(s1, T), 0), T)
    curvature = sp.simplify(sp.diff(s1, T, 2))
    F_expr = fano((Tb, n, N))
    F1 = sp.factor(fano([T]))
    # crossover: x coth x with x = eV/2kTheta -> 1 (thermal) and |x| (shot)
    cross = crossover()
    cross_shot = shot_limit(cross)
    cross_thermal = thermal_limit(cross)
    G = e**2 / h * sp.Sum(Tb[n], (n, 1, N))
    textbook = 2 * e * sp.Abs(V) * e**2 / h * sp.Sum(Tb[n] * (1 - Tb[n]), (n, 1, N))
    johnson = sp.simplify(thermal - 4 * k_B * Theta * G) == 0

    return Derivation(
        topic="Shot noise of a coherent conductor",
        symbols=(
            SymbolInfo(S, "zero-frequency current noise, symmetrized, Schottky normalization (Poisson: S = 2eI)",
                       "S >= 0"),
            SymbolInfo(V, "bias voltage, mu_L - mu_R = eV", "real", unit="V"),
            SymbolInfo(Theta, "temperature of both reservoirs", "Theta > 0", unit="K"),
            SymbolInfo(N, "number of spin-resolved channels", "positive integer"),
            SymbolInfo(sp.Symbol("T"), "transmission eigenvalue T_n of channel n (T[n]); "
                       "eigenvalue of t^dagger t", "0 <= T_n <= 1"),
            SymbolInfo(F, "Fano factor S / 2eI at zero temperature", "0 <= F <= 1"),
            SymbolInfo(e, "elementary charge", "e > 0"),
            SymbolInfo(h, "Planck constant", "h > 0"),
            SymbolInfo(k_B, "Boltzmann constant", "k_B > 0"),
        ),
        steps=(
            Step("Blanter-Büttiker noise of a two-terminal conductor at any bias and temperature "
                 "(spin-resolved channels, energy-independent T_n):", sp.Eq(S, finite)),
            Step("The crossover function eV coth(eV/2 k_B Theta) interpolates between its "
                 "equilibrium limit (V -> 0)", cross_thermal),
            Step("and its zero-temperature limit (Theta -> 0+, taken at V > 0 and continued "
                 "by evenness in V)", cross_shot),
            Step("At V -> 0 the noise is the Johnson-Nyquist noise 4 k_B Theta G "
                 "with G = (e^2/h) sum T_n:", sp.Eq(S, thermal)),
            Step("At Theta -> 0 the thermal term vanishes and the shot noise remains:",
                 sp.Eq(S, result)),
            Step("One channel: S vanishes for a closed and for an open channel, T =",
                 sp.FiniteSet(*zeros_closed)),
            Step("dS/dT = 0 at T =", sp.FiniteSet(*maxima)),
            Step("where d^2S/dT^2 < 0, so T = 1/2 is the maximum:", curvature),
            Step("Fano factor: S / 2e|I| with I = (e^2/h) V sum T_n:", sp.Eq(F, F_expr)),
            Step("for one channel F = 1 - T (Poissonian F = 1 in the tunnelling limit T -> 0):",
                 sp.Eq(F, F1)),
        ),
        lhs=S,
        result=result,
        textbook=textbook,
        reference="Blanter and Büttiker, Phys. Rep. 336, 1 (2000), eqs. (60)-(62); "
                  "Lesovik, JETP Lett. 49, 592 (1989); Büttiker, PRL 65, 2901 (1990)",
        parts={"fano": Part(sp.Symbol("F"), F_expr, "Fano factor S/(2e|I|) at zero temperature"),
               "thermal": Part(sp.Symbol("S_th"), thermal, "equilibrium (V = 0) noise: Johnson-Nyquist"),
               "finite_temperature": Part(sp.Symbol("S"), finite, "noise at any temperature and voltage")},
        facts=Facts(
            finite_temperature=finite,
            thermal_limit=thermal,
            johnson_nyquist=johnson,
            zeros=zeros_closed,
            maxima=maxima,
            curvature_at_max=curvature,
            fano=F_expr,
            fano_one_channel=F1,
            crossover=cross,
            crossover_shot=cross_shot,
            crossover_thermal=cross_thermal,
        ),
    )


# ------------------------------------------------------------------ lattice check


def lattice_check(der: Derivation) -> CheckReport:
    """Disordered lattice strips: the derivation's S = 2e^3|V|/h sum T_n(1 - T_n),
    fed with the lattice's transmission eigenvalues, vs Büttiker's noise matrix
    S_LL computed from the full lattice S-matrix (``noise.noise_matrix``, which
    never diagonalizes t^dagger t).  Units e = h = 1, V = 1, zero temperature.
    """
    from .. import lattice as lat
    from ..noise_numeric import noise_matrix

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
            Ts = sm.transmission_eigenvalues(1, 0)
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


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from ..constants import e, h, k_B
    from ..noise_numeric import noise_integral

    T = sp.Symbol("T", positive=True)
    units = {e: 1, h: 1, k_B: 1}
    shot = evaluator(one_channel(der.result, T).subs(units))
    F1 = evaluator(der.facts.fano_one_channel)
    finite = evaluator(one_channel(der.facts.finite_temperature, T).subs(units))
    thermal = evaluator(one_channel(der.facts.thermal_limit, T).subs(units))
    # (a) zero temperature, units e = h = 1, |V| = 1: S/(2e|V| e^2/h) = T(1-T), F = S/2eI
    t = np.linspace(0, 1, 401)
    tp = np.linspace(0.05, 0.95, 10)
    kT0 = 1e-9  # the cross-check's "zero" temperature (in units of e|V|)
    Sp = np.array([noise_integral(lambda E, tv=tv: tv, 1.0, kT0, method="mpmath", dps=15) for tv in tp])
    (tmax,) = der.facts.maxima
    a = dict(xlabel=r"transmission $T$", ylabel=r"$S/(2e|V|e^2/h)$,  $F = S/2eI$",
             title=r"(a) $k_B\Theta = 0$: one channel",
             lines=[(r"noise $T(1-T)$", t, shot(T=t, V=1.0) / 2),
                    (r"Fano factor $1-T$", t, F1(T=t))],
             points=[("energy integral (mpmath)", tp, Sp / 2), ("energy integral (mpmath)", tp, Sp / (2 * tp))],
             guides=[(rf"maximum at $T={tmax}$", np.array([float(tmax)] * 2),
                      np.array([0.0, float(shot(T=float(tmax), V=1.0)) / 2]))],
             paired=True)
    # (b) crossover at k_B Theta = 1: S in units of the Johnson-Nyquist noise 4 k_B Theta G
    x = np.linspace(-10, 10, 400)  # even count: no point at V = 0, where V coth(V/2) is 0 * oo
    xp = np.linspace(-10, 10, 11)
    lines, points, guides = [], [], []
    for tv in (0.2, 0.5, 0.9):
        norm = thermal(Theta=1.0, T=tv)
        lines.append((rf"$T={tv}$", x, finite(Theta=1.0, T=tv, V=x) / norm))
        points.append(("energy integral (mpmath)", xp,
                       np.array([noise_integral(lambda E, tv=tv: tv, float(v), 1.0, method="mpmath", dps=15)
                                 for v in xp]) / norm))
        guides.append((r"limits $4k_B\Theta G$ and $2e|V|(e^2/h)T(1-T)$", x, shot(T=tv, V=x) / norm))
    guides.append((guides[-1][0], x, np.ones_like(x)))
    b = dict(xlabel=r"bias $eV/k_B\Theta$", ylabel=r"$S/4k_B\Theta G$",
             title=r"(b) thermal-to-shot crossover, $eV\coth(eV/2k_B\Theta)$",
             lines=lines, points=points, guides=guides, paired=True, ylim=(0, None))
    return dict(title="Shot noise of a single channel", panels=[a, b], grid=(1, 2), figsize=(11, 4.4))

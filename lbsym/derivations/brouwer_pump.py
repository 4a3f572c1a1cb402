"""brouwer-pump: adiabatic quantum pumping through a double-barrier (seed 1162394).

Model: two impurities of on-site energies epsilon1 (site 0) and epsilon2
(site d) on a one-dimensional tight-binding chain (hopping 1, Fermi energy
E = -2 cos k), each the exact lattice scatterer of
:func:`lbsym.scatterers.lattice_impurity`, composed by :func:`lbsym.network.series`
with the propagation phase k d between them.  The two impurity energies
(gate voltages) are the pumping parameters.

Conventions (:mod:`lbsym.pumping`): the emissivity dn_L/dX counts electrons
entering the scatterer from the left lead; the charge Q_L entering from the
left per counterclockwise cycle in (epsilon1, epsilon2) is the area integral
of the Brouwer integrand Pi_L; Q_R = -Q_L, so Q = Q_L electrons are
transferred from the left to the right reservoir per cycle.  Charges in
units of e, spinless.

The result is written with the transmission probability T = |t|^2 of the
pump at the operating point (a symbol with the relation T = library's |t|^2,
so that |D|^4 = 256 sin^8 k / T^2 folds into T^2).

The textbook form is Brouwer's small-cycle (bilinear response) formula for
the charge pumped into the right lead, Q_R = A1 A2 sin(phi2 - phi1)
sum_{m in R} Im(dS*/d eps1 dS/d eps2) for eps_i(t) = eps_i + A_i cos(omega t
+ phi_i), with the sum written out by hand from the lattice Green's function
(Fisher-Lee: S = -1 + i v G, v = 2 sin k, so dS/d eps_j = i v G_{.j} G_{j.}
and sum_b G_{2b} v G*_{1b} = -2 Im G_12): for the right lead (site d)

    sum = -2 v Im(G_0d) Im(G*_0d G_dd)
        = -64 sin^5 k sin(kd) [2 sin k cos(kd) + (eps1 + eps2) sin(kd)] / |D|^4
        = -T^2 sin(kd) [2 sin k cos(kd) + (eps1 + eps2) sin(kd)] / (4 sin^3 k),
    G_0d = 2i sin k e^{ikd} / D,   G_dd = (2i sin k - eps1 (1 - e^{2ikd})) / D,
    D = (2i sin k - eps1)(2i sin k - eps2) - eps1 eps2 e^{2ikd},
    T = v^2 |G_0d|^2 = 16 sin^4 k / |D|^2.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ..algebra import PolarAlgebra, abs2
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..network import Network, series
from ..numeric import evaluator, network_smatrix
from ..pumping import brouwer_integrand, emissivity, harmonic_cycle_charge, small_cycle_charge, stokes_identity
from ..pumping_numeric import Path, Pump, integrand_from_smatrices, line_charge
from ..scatterers import lattice_impurity
from ..smatrix import SMatrix

NAME = "brouwer-pump"
TITLE = "Brouwer pump: charge per cycle from two gate voltages, the area law"

e1, e2 = sp.symbols("epsilon1 epsilon2", real=True)
k = sp.Symbol("k", positive=True)
d = sp.Symbol("d", positive=True)
A1, A2 = sp.symbols("A1 A2", positive=True)
phi1, phi2 = sp.symbols("phi1 phi2", real=True)
Q = sp.Symbol("Q")
T = sp.Symbol("T", positive=True)
PARAMS = (e1, e2)

#: the quantized-pumping demonstration: Fermi wave number, impurity distance, square cycle
RESONANT = {"k": 1.5, "d": 4, "square": (2.0, 30.0)}


def model():
    """The double-barrier pump: two lattice impurities a distance d apart (ports left, right)."""
    return series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[k * d])


def network() -> Network:
    """The same pump as a Network, for the numeric linear solve of the cross-check."""
    net = Network()
    net.add("I1", lattice_impurity(e1, k)).add("I2", lattice_impurity(e2, k))
    net.connect("I1.right", "I2.left", phase=k * d)
    net.external("L", "I1.left").external("R", "I2.right")
    return net


def textbook_form() -> sp.Expr:
    """Brouwer's bilinear-response charge into the right lead, evaluated by hand (module docstring)."""
    s = sp.sin(k)
    sum_right = -T**2 * sp.sin(k * d) * (2 * s * sp.cos(k * d) + (e1 + e2) * sp.sin(k * d)) / (4 * s**3)
    return A1 * A2 * sp.sin(phi2 - phi1) * sum_right


def field_real(expr: sp.Expr, var: sp.Symbol = d) -> sp.Expr:
    """A real expression reduced in the amplitude field, printed with cosines.

    Only the trigonometric functions of arguments containing ``var`` (the
    propagation phase) are written as exponentials, so that e.g. a ratio of
    two expressions with the same |D|^2 cancels exactly.
    """
    ex = sp.sympify(expr).replace(lambda f: isinstance(f, (sp.sin, sp.cos)) and f.args[0].has(var),
                                  lambda f: f.rewrite(sp.exp))
    alg = PolarAlgebra([ex])
    return alg.real_expr(alg.to_field(ex))


def field_zero(expr: sp.Expr) -> bool:
    """Exact zero test of a trigonometric rational expression in the amplitude field.

    |z| is written sqrt(z conj(z)), cos and sin as exponentials, so that
    e^{ix} e^{-ix} = 1 is built in (sympy's simplify needs minutes for this
    identity); the
    :class:`~lbsym.algebra.PolarAlgebra` field then decides equality exactly.
    """
    ex = sp.sympify(expr).replace(sp.Abs, lambda x: sp.sqrt(sp.expand(x * sp.conjugate(x))))
    ex = ex.replace(lambda f: isinstance(f, (sp.sin, sp.cos)), lambda f: f.rewrite(sp.exp))
    alg = PolarAlgebra([ex])
    return alg.to_field(ex) == 0


@dataclass(frozen=True)
class _PumpDerivation(Derivation):
    """A Derivation whose textbook check runs in the amplitude field (see :func:`field_zero`)."""

    def check_textbook(self) -> bool:
        diff = (self.result - self.textbook).subs(self.relations)
        return sp.expand(diff) == 0 or field_zero(diff)


def resonance_point(kk: float, dd: int, lo: float = 0.5, hi: float = 60.0) -> float:
    """epsilon_r in [lo, hi] with T(epsilon_r, epsilon_r) = 1 (largest T on the diagonal).

    T = |S_right,left|^2 from the library's closed-form S (numpy), maximized
    on a grid and refined by scipy's bounded scalar minimization.
    """
    from scipy.optimize import minimize_scalar

    pump = _pump(kk, dd)

    def T(x):
        x = np.asarray(x, float)
        return np.abs(pump.smatrix(np.stack([x, x], axis=-1))[..., 1, 0]) ** 2

    grid = np.linspace(lo, hi, 4001)
    i = int(np.argmax(T(grid)))
    h = grid[1] - grid[0]
    res = minimize_scalar(lambda x: -float(T(x)), bounds=(grid[i] - h, grid[i] + h),
                          method="bounded", options={"xatol": 1e-12})
    return float(res.x)


@lru_cache(maxsize=4)
def _pump(kk: float, dd: int) -> Pump:
    return Pump(model(), PARAMS, {"k": kk, "d": dd})


def square(a: float, b: float) -> Path:
    """Counterclockwise square cycle a <= epsilon1, epsilon2 <= b."""
    return Path.polygon([(a, a), (b, a), (b, b), (a, b)])


# ------------------------------------------------------------------ checks
def cross_check(der: Derivation) -> CheckReport:
    """Two numeric routes independent of the derived result.

    (i) Pi_L from fourth-order finite differences of the S-matrix of a numpy
    linear solve of the network (:func:`lbsym.numeric.network_smatrix`, no
    symbolic elimination) vs the closed form, at random points;
    (ii) the small-cycle result (route a) vs the loop integral of the
    emissivities (route c) around ellipses of amplitude lambda (A1, A2),
    Richardson-extrapolated to lambda -> 0 (Q is even in lambda).
    """
    f_pi = evaluator(der.facts.integrand_left, relations=der.relations).positional((e1, e2, k, d))
    f_q = evaluator(der.result, relations=der.relations).positional((A1, A2, phi1, phi2, e1, e2, k, d))
    net = network()
    rng = random.Random(11)
    worst_pi = worst_q = 0.0
    pts = 0
    for _ in range(4):
        kk, dd = rng.uniform(0.3, 2.8), rng.randint(1, 6)
        x = np.array([rng.uniform(-3, 3), rng.uniform(-3, 3)])

        def S_num(X, kk=kk, dd=dd):
            return network_smatrix(net, {e1: X[0], e2: X[1], k: kk, d: dd})

        fd = integrand_from_smatrices(S_num, x, [0])
        worst_pi = max(worst_pi, abs(fd - float(f_pi(x[0], x[1], kk, dd))))
        pump = _pump(kk, dd)
        amp = np.array([rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)])
        ph = np.array([rng.uniform(-3, 3), rng.uniform(-3, 3)])
        lam = 0.04
        f = [pump.charge(Path.ellipse(x, amp * lam / 2**j, ph), "left") / (lam / 2**j) ** 2
             for j in range(3)]
        r1 = [(4 * f[j + 1] - f[j]) / 3 for j in range(2)]
        limit = (16 * r1[1] - r1[0]) / 15
        closed = float(f_q(amp[0], amp[1], ph[0], ph[1], x[0], x[1], kk, dd))
        worst_q = max(worst_q, abs(limit - closed))
        pts += 1
    return CheckReport(
        method=("(i) Pi_L from 4th-order finite differences of the numpy network solve vs the closed "
                f"form (max |d Pi| = {worst_pi:.1e}); (ii) derived small-cycle Q/A1A2 vs the Richardson "
                f"limit of the emissivity loop integral around shrinking ellipses (max |dQ| = {worst_q:.1e}); "
                "random (k, d, epsilon1, epsilon2, A, phi)"),
        error=float(max(worst_pi, worst_q)), points=pts, tolerance=1e-8)


def _lattice_ldos(system, E: float, params: dict, sites: tuple) -> list[float]:
    """LDOS -Im G_jj/pi at the given sites from the lattice Hamiltonian and lead self-energies."""
    H = system.hamiltonian(params).toarray()
    M = E * np.eye(len(H)) - H
    for lead in range(len(system.leads)):
        orb = list(system.leads[lead].interface_orbitals)
        M[np.ix_(orb, orb)] -= system.modes(lead, E, params).selfenergy
    G = np.linalg.inv(M)
    return [float(-np.imag(G[system.index((s,)), system.index((s,))]) / np.pi) for s in sites]


#: (k, d, epsilon1, epsilon2) for the pointwise lattice comparisons
LATTICE_POINTS = ((1.0, 3, 0.7, -0.4), (0.6, 5, 1.5, 2.0), (2.1, 2, -1.0, 0.3),
                  (1.5, 4, 6.0, 7.5), (1.5, 4, 30.0, 6.2), (2.7, 1, 0.2, -2.5))


def lattice_values(der: Derivation | None = None) -> dict:
    """Lattice vs closed form: Pi (finite differences), Friedel sum (LDOS), charge (route c),
    and the derived small-cycle result ``der.result`` (Richardson limit of lattice loop integrals)."""
    from .. import lattice as lat
    from ..derivation import get

    der = der or get(NAME)
    f_pi = evaluator(der.facts.integrand_left, relations=der.relations).positional((e1, e2, k, d))
    f_fr = [evaluator(getattr(der.facts, f"friedel_sum_{j}"), relations=der.relations).positional((e1, e2, k, d))
            for j in (1, 2)]
    out = {"integrand": [], "friedel": [], "charge": [], "small": []}
    f_q = evaluator(der.result, relations=der.relations).positional((A1, A2, phi1, phi2, e1, e2, k, d))
    systems = {}

    def chain(dd):
        if dd not in systems:
            systems[dd] = lat.chain({0: "e1", dd: "e2"})
        return systems[dd]

    def source(kk, dd):
        sysl, E = chain(dd), -2 * math.cos(kk)
        return lambda X: sysl.smatrix(E, {"e1": X[0], "e2": X[1]}).data

    for kk, dd, x1, x2 in LATTICE_POINTS:
        src = source(kk, dd)
        closed = float(f_pi(x1, x2, kk, dd))
        out["integrand"].append((kk, dd, x1, x2, integrand_from_smatrices(src, (x1, x2), [0]), closed))
        out["integrand"].append((kk, dd, x1, x2, integrand_from_smatrices(src, (x1, x2), [1]), -closed))
        ldos = _lattice_ldos(chain(dd), -2 * math.cos(kk), {"e1": x1, "e2": x2}, (0, dd))
        for j in (0, 1):
            out["friedel"].append((kk, dd, x1, x2, -ldos[j], float(f_fr[j](x1, x2, kk, dd))))
    # the result itself: Q/lambda^2 around ellipses lambda (A1, A2), Richardson limit lambda -> 0
    for (kk, dd, x1, x2), (amp, ph) in zip(LATTICE_POINTS[:2], (((1.0, 0.7), (0.3, -1.1)),
                                                              ((0.8, 1.2), (-2.0, 0.5)))):
        src = source(kk, dd)
        lam = 0.04
        f = [line_charge(src, Path.ellipse((x1, x2), np.array(amp) * lam / 2**j, ph), [0],
                         nodes=32) / (lam / 2**j) ** 2 for j in range(3)]
        r1 = [(4 * f[j + 1] - f[j]) / 3 for j in range(2)]
        out["small"].append((kk, dd, x1, x2, (16 * r1[1] - r1[0]) / 15,
                             float(f_q(*amp, *ph, x1, x2, kk, dd))))
    a, b = RESONANT["square"]
    cycles = [("circle r = 0.5 about (0.7, -0.4)", 1.0, 3, Path.circle((0.7, -0.4), 0.5), 32),
              (f"square [{a:g}, {b:g}]^2 around the T = 1 point", RESONANT["k"], RESONANT["d"],
               square(a, b), 768)]
    for label, kk, dd, path, n in cycles:
        q_lat = line_charge(source(kk, dd), path, [0], nodes=n)
        q_closed = _pump(kk, dd).charge(path, "left", "area")
        out["charge"].append((label, kk, dd, q_lat, q_closed, n))
    return out


def lattice_check(der: Derivation) -> CheckReport:
    """The derivation's lattice check (see :func:`lattice_values`)."""
    return lattice_report(lattice_values(der))


def lattice_report(v: dict) -> CheckReport:
    e_pi = max(abs(r[4] - r[5]) for r in v["integrand"])
    e_fr = max(abs(r[4] - r[5]) for r in v["friedel"])
    e_q = max(abs(r[3] - r[4]) for r in v["charge"])
    e_s = max((abs(r[4] - r[5]) for r in v.get("small", [])), default=0.0)
    qs = "; ".join(f"{r[0]} (k={r[1]:g}, d={r[2]}): lattice {r[3]:.10f} vs closed {r[4]:.10f}"
                   for r in v["charge"])
    return CheckReport(
        method=("lattice.chain({0: e1, d: e2}): (1) Brouwer integrand of both leads from 4th-order finite "
                f"differences of lattice S-matrices vs the closed form Pi_L, Pi_R = -Pi_L (max {e_pi:.1e}); "
                "(2) sum of the emissivities over the leads vs minus the LDOS at the impurity from the lattice "
                f"Green's function (Friedel; max {e_fr:.1e}); (3) charge per cycle from lattice S-matrices "
                "alone (loop integral of the emissivities, S differentiated along the path spectrally) vs "
                f"the area integral of the closed-form Pi_L (max {e_q:.1e}): {qs}; (4) the result Q/A^2 "
                f"vs the Richardson limit of lattice loop integrals around shrinking ellipses "
                f"(max {e_s:.1e})"),
        error=float(max(e_pi, e_fr, e_q, e_s)),
        points=len(v["integrand"]) + len(v["friedel"]) + len(v["charge"]) + len(v.get("small", [])),
        tolerance=1e-8)


# ------------------------------------------------------------------ derivation
@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    smatrix: SMatrix
    integrand_left: sp.Expr
    integrand_left_T: sp.Expr
    charge_epsilon_form: sp.Expr
    transmission: sp.Expr
    clean_wire_charge: sp.Expr
    integrand_right: sp.Expr
    integrand_sum: sp.Expr
    emissivity_left_1: sp.Expr
    emissivity_left_2: sp.Expr
    friedel_sum_1: sp.Expr
    friedel_sum_2: sp.Expr
    stokes_identity: sp.Expr
    harmonic_cycle: Any
    omega_free: bool
    in_phase_charge: sp.Expr
    single_parameter_charge: sp.Expr
    back_and_forth_segment: float
    back_and_forth_curve: float
    resonance_epsilon: float
    quantized_cycle: dict
    larger_square_charge: float


@register(NAME, TITLE)
def build() -> Derivation:
    S = model()
    t_amp = sp.cancel(S["right", "left"])
    T_lib = abs2(t_amp)
    pi_L = brouwer_integrand(S, "left", PARAMS)
    pi_R = brouwer_integrand(S, "right", PARAMS)
    pi_sum = brouwer_integrand(S, S.leads, PARAMS)
    dn1 = emissivity(S, "left", e1)
    dn2 = emissivity(S, "left", e2)
    fr1 = emissivity(S, S.leads, e1)
    fr2 = emissivity(S, S.leads, e2)
    stokes = stokes_identity()
    hc = harmonic_cycle_charge(2)
    q_eps = small_cycle_charge(S, "left", PARAMS, amplitudes=(A1, A2), phases=(phi1, phi2))
    # |D|^4 folds into T^2: the ratio to T^2 is a trigonometric polynomial (exact, in the field)
    pi_T = sp.factor_terms(field_real(pi_L / T_lib**2) * T**2)
    result = sp.factor_terms(field_real(q_eps / T_lib**2) * T**2)
    omega_free = hc.omega not in result.free_symbols and hc.omega not in hc.charge.free_symbols
    in_phase = sp.expand(result.subs(phi2, phi1))
    clean = sp.simplify(result.subs({e1: 0, e2: 0, T: 1}))
    single = result.subs(A2, 0)
    # numbers (closed-form S and its derivatives, numpy)
    pump = _pump(1.0, 3)
    segment = pump.charge(Path.polygon([(0.3, -0.2), (1.4, 0.9)]), "left")
    tt = sp.Symbol("t", real=True)
    retraced = Path.parametric([0.7 + 0.6 * sp.cos(tt), -0.4 + 0.5 * sp.cos(2 * tt) + 0.2 * sp.cos(tt)],
                               tt, 0, 2 * sp.pi)
    retraced_q = pump.charge(retraced, "left")
    kr, dr = RESONANT["k"], RESONANT["d"]
    a, b = RESONANT["square"]
    eps_r = resonance_point(kr, dr)
    rpump = _pump(kr, dr)
    q_area = rpump.charge(square(a, b), "left", "area")
    q_line = rpump.charge(square(a, b), "left", "line")
    q_right = rpump.charge(square(a, b), "right", "line")
    q_big = rpump.charge(square(1.5, 40.0), "left", "area")
    Pi_L = sp.Symbol("Pi_L")
    n_L, N_s = sp.Function("n_L"), sp.Function("N")
    dnL1 = sp.Derivative(n_L(e1, e2), e1)
    dnL2 = sp.Derivative(n_L(e1, e2), e2)
    dsum = sp.Derivative(N_s(e1, e2), e1)
    textbook = textbook_form()
    return _PumpDerivation(
        topic="Adiabatic quantum pumping, Brouwer's formula",
        symbols=(
            SymbolInfo(e1, "on-site energy of impurity 1 (site 0; a gate voltage), centre of the cycle",
                       "real, units of the hopping"),
            SymbolInfo(e2, "on-site energy of impurity 2 (site d), centre of the cycle",
                       "real, units of the hopping"),
            SymbolInfo(A1, "amplitude of the modulation epsilon1(t) = epsilon1 + A1 cos(omega t + phi1)",
                       "A1 > 0, small"),
            SymbolInfo(A2, "amplitude of the modulation epsilon2(t) = epsilon2 + A2 cos(omega t + phi2)",
                       "A2 > 0, small"),
            SymbolInfo(phi1, "phase of the modulation of epsilon1", "real"),
            SymbolInfo(phi2, "phase of the modulation of epsilon2", "real"),
            SymbolInfo(k, "Fermi wave number, E_F = -2 cos k (hopping 1)", "0 < k < pi"),
            SymbolInfo(d, "distance between the impurities in lattice constants", "d > 0 (integer on the lattice)"),
            SymbolInfo(T, "transmission probability of the pump at the operating point (epsilon1, epsilon2)",
                       "T = |t|^2, fixed by the relation"),
        ),
        steps=(
            Step("Each impurity is the exact scatterer of a single site on a tight-binding chain, "
                 "t = 2i sin k/(2i sin k - epsilon), r = t - 1, phases referred to the impurity site:",
                 lattice_impurity(sp.Symbol("epsilon", real=True), k).matrix),
            Step("Composed in series with free propagation e^{ikd} between them (all multiple reflections "
                 "summed by the Network); every element of the 2x2 S-matrix has the same Fabry-Perot "
                 "denominator, e.g. the transmission amplitude", sp.Eq(sp.Symbol("t"), t_amp)),
            Step("Emissivities (Buttiker, Thomas, Pretre): dn_L/dX = (1/2 pi) sum_{m in L, b} "
                 "Im(dS_mb/dX S*_mb) is the number of electrons entering the scatterer from the left lead "
                 "per unit increase of X.  For X = epsilon1:", sp.Eq(dnL1, dn1)),
            Step("... and for X = epsilon2:", sp.Eq(dnL2, dn2)),
            Step("Summed over both leads the emissivity is (1/2 pi) d(arg det S)/dX = dN/dX, the change of "
                 "the number N of electrons held by the scatterer (Friedel sum rule): negative, since raising an "
                 "impurity energy pushes electrons out (minus the local density of states at the impurity; "
                 "the lattice check compares the two):", sp.Eq(dsum, fr1)),
            Step("Stokes: the curl of the emissivities is the Brouwer integrand.  For any amplitude "
                 "s(X1, X2) the library finds d_1[(1/2 pi) Im(d_2 s s*)] - d_2[(1/2 pi) Im(d_1 s s*)] "
                 "- (1/pi) Im(d_1 s* d_2 s) =", stokes),
            Step("The Brouwer integrand of the left lead, Pi_L = (1/pi) sum_{m in L, b} "
                 "Im(dS*_mb/d epsilon1 dS_mb/d epsilon2), from the composed S-matrix in closed form "
                 "(a trigonometric polynomial over |D|^4):", sp.Eq(Pi_L, pi_L)),
            Step("With the pump's transmission probability T = |t|^2 (library) the Fabry-Perot "
                 "denominator folds into T^2 (|D|^2 = 16 sin^4 k/T):", sp.Eq(T, T_lib)),
            Step("so that the Brouwer integrand is", sp.Eq(Pi_L, pi_T)),
            Step("Unitarity makes the integrands of the two leads opposite: Pi_L + Pi_R =", pi_sum),
            Step("Green's theorem: the charge Q_L entering from the left per counterclockwise cycle of "
                 "(epsilon1, epsilon2) is the loop integral of the emissivities, which equals the integral "
                 "of Pi_L over the enclosed area; Q_R = -Q_L, so Q = Q_L electrons are transferred from "
                 "the left to the right reservoir per cycle (a clockwise cycle pumps them back).  It is "
                 "geometric: only the path matters, not how fast it is run."),
            Step("Small cycle epsilon_i(t) = epsilon_i + A_i cos(omega t + phi_i): sympy integrates the "
                 "emissivities, expanded to first order about the centre, over one period 2 pi/omega.  The "
                 "exact-differential part integrates to zero and omega drops out: the charge per cycle is "
                 "independent of the speed of the cycle.  What is left is the signed area of the ellipse, "
                 "pi A1 A2 sin(phi1 - phi2) (positive counterclockwise), times the curl C_12 = Pi:",
                 sp.Eq(Q, hc.charge)),
            Step("Hence the bilinear-response pumped charge of the double-barrier pump, proportional to the "
                 "enclosed area and to sin(phi1 - phi2), and to T^2: pumping needs transmission through "
                 "the whole pump:", sp.Eq(Q, result)),
            Step("For vanishing impurities (epsilon1 = epsilon2 = 0, T = 1) it is the pumping of a clean "
                 "wire by a travelling wave of two local gates, positive (left to right) when the phase "
                 "of epsilon1 leads and kd < pi/2:", sp.Eq(Q, clean)),
            Step("In-phase driving (phi1 = phi2) traces a line segment in parameter space and pumps nothing:",
                 sp.Eq(Q, in_phase)),
            Step("Likewise a single-parameter cycle (A2 = 0) encloses no area and pumps nothing, "
                 f"Q = {single}.  Beyond small cycles: the loop integral of the emissivities along a "
                 "path that goes back and forth over the same curve cancels leg by leg; at k = 1, d = 3 "
                 "the library finds, for a straight back-and-forth segment and for a curved path retraced "
                 "in the opposite direction,",
                 sp.Tuple(sp.Float(segment, 3), sp.Float(retraced_q, 3))),
            Step(f"Quantized pumping: at k = {kr:g}, d = {dr} the transmission is 1 at "
                 f"epsilon1 = epsilon2 = {eps_r:.4f} (a level between the impurities at the Fermi energy). "
                 f"A large square cycle {a:g} <= epsilon_i <= {b:g} encircles this point and crosses the "
                 "resonance line where one impurity is far more opaque than the other: the level fills "
                 "from the left and empties to the right.  Route (b), the area integral of Pi_L, and "
                 "route (c), the loop integral of the emissivities, give Q (electrons per cycle):",
                 sp.Tuple(sp.Float(q_area, 6), sp.Float(q_line, 6))),
            Step("close to one electron per cycle (a larger square, 1.5 <= epsilon_i <= 40, gives "
                 f"{q_big:.4f}: the charge tends to one as the barriers at the crossings grow more "
                 "asymmetric).  Brouwer's small-cycle formula for the charge into the right lead, "
                 "A1 A2 sin(phi2 - phi1) sum_{m in R} Im(dS*/d eps1 dS/d eps2), with the sum written "
                 "through the lattice Green's function (Fisher-Lee), is the same expression as the result."),
        ),
        lhs=Q,
        result=result,
        textbook=textbook,
        reference="Brouwer, PRB 58, R10135 (1998); Buttiker, Thomas, Pretre, Z. Phys. B 94, 133 (1994); "
                  "Switkes et al., Science 283, 1905 (1999); Levinson, Entin-Wohlman, Wolfle, "
                  "Physica A 302, 335 (2001)",
        relations={T: T_lib},
        ranges={k: (0, sp.pi), T: (0, 1)},
        parts={"transmission": Part(sp.Symbol("T"), T_lib, "transmission of the double-delta pump"),
               "clean_wire": Part(sp.Symbol("Q_clean"), clean, "charge pumped when the wire is clean")},
        facts=Facts(
            smatrix=S,
            integrand_left=pi_L,
            integrand_left_T=pi_T,
            charge_epsilon_form=q_eps,
            transmission=T_lib,
            clean_wire_charge=clean,
            integrand_right=pi_R,
            integrand_sum=pi_sum,
            emissivity_left_1=dn1,
            emissivity_left_2=dn2,
            friedel_sum_1=fr1,
            friedel_sum_2=fr2,
            stokes_identity=stokes,
            harmonic_cycle=hc,
            omega_free=omega_free,
            in_phase_charge=in_phase,
            single_parameter_charge=single,
            back_and_forth_segment=segment,
            back_and_forth_curve=retraced_q,
            resonance_epsilon=eps_r,
            quantized_cycle={"k": kr, "d": dr, "square": (a, b), "area": q_area, "line": q_line,
                                "right": q_right},
            larger_square_charge=q_big,
        ),
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from .. import lattice as lat
    from ..pumping_numeric import Path as PumpPath
    from ..pumping_numeric import line_charge

    q = evaluator(der.result, relations=der.relations)  # T is fixed by epsilon1, epsilon2, k, d
    kk, dd, c1, c2, amp = 1.0, 3, 0.7, -0.4, 0.05
    dphi = np.linspace(-np.pi, np.pi, 201)
    line = q(A1=amp, A2=amp, d=dd, epsilon1=c1, epsilon2=c2, k=kk, phi1=0.0, phi2=dphi)
    chain = lat.chain({0: "e1", dd: "e2"})
    E = -2 * np.cos(kk)

    def src(X):
        return chain.smatrix(E, {"e1": X[0], "e2": X[1]}).data

    xp = np.linspace(-np.pi, np.pi, 13)
    # charge entering from the left lead = charge pumped into the right lead
    yp = np.array([line_charge(src, PumpPath.ellipse((c1, c2), (amp, amp), (0.0, float(x))), [0],
                               nodes=32) for x in xp])
    panel_a = dict(xlabel=r"phase difference $\phi_2 - \phi_1$",
                   ylabel=r"pumped charge $Q$ per cycle ($e$), into the right lead",
                   title=rf"(a) weak pumping, $A_1 = A_2 = {amp}$: bilinear response",
                   lines=[("closed form (Brouwer, area law)", dphi, line)],
                   points=[("lattice chain, loop integral of the emissivities", xp, yp)],
                   paired=True, phase_axis=True, legend_loc="below")
    a = RESONANT["square"][0]
    sizes = np.array([6.0, 10.0, 15.0, 20.0, 30.0, 45.0])
    pump = _pump(RESONANT["k"], RESONANT["d"])
    qs = np.array([pump.charge(square(a, b), "left", "area") for b in sizes])
    chain_r = lat.chain({0: "e1", RESONANT["d"]: "e2"})
    Er = -2 * np.cos(RESONANT["k"])

    def src_r(X):
        return chain_r.smatrix(Er, {"e1": X[0], "e2": X[1]}).data

    lat_sizes = sizes[[0, 2, 4]]
    lat_q = np.array([line_charge(src_r, square(a, b), [0], nodes=512) for b in lat_sizes])
    panel_b = dict(xlabel=r"square cycle $%g \leq \varepsilon_{1,2} \leq b$: upper edge $b$" % a,
                   ylabel=r"charge per cycle ($e$), from the left lead",
                   title="(b) strong pumping around $T = 1$: towards one electron",
                   lines=[("closed form, area integral", sizes, qs)],
                   points=[("lattice chain, loop integral", lat_sizes, lat_q)], paired=True,
                   guides=[("quantized: one electron per cycle", sizes[[0, -1]], [1.0, 1.0])],
                   legend_loc="below")
    return dict(title="Brouwer pump: two modulated impurities", panels=[panel_a, panel_b],
                grid=(1, 2), figsize=(11, 4.4))

"""aharonov-bohm-ring: two-arm ring between Büttiker junctions (seed 1162389)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import Phi0 as Phi0_expr
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..network import Network
from ..numeric import evaluator, network_smatrix
from ..scatterers import y_junction
from ._common import sampled_check
from ._lattice import by_name, interior_k, ring_network

eps = sp.Symbol("epsilon", positive=True)
theta = sp.Symbol("theta", real=True)
theta1, theta2 = sp.symbols("theta1 theta2", real=True)
phi = sp.Symbol("phi", real=True)
Phi = sp.Symbol("Phi", real=True)
Phi0 = sp.Symbol("Phi0", positive=True)
T = sp.Symbol("T", positive=True)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: T(Phi + h/e) = T(Phi), decided exactly
    period_h_over_e: bool
    #: T(-Phi) = T(Phi), decided exactly
    even_in_flux: bool
    #: T with unequal arm phases theta1, theta2 (flux phi)
    T_unequal_arms: sp.Expr
    #: the flux quantum h/e
    Phi0: sp.Expr


def network(arm1=theta, arm2=theta, flux=phi) -> Network:
    net = Network()
    net.add("J1", y_junction(eps)).add("J2", y_junction(eps))
    net.connect("J1.arm1", "J2.arm1", phase=arm1, flux=flux / 2)
    net.connect("J1.arm2", "J2.arm2", phase=arm2, flux=-flux / 2)
    net.external("L", "J1.lead").external("R", "J2.lead")
    return net


@register("aharonov-bohm-ring", "Aharonov-Bohm ring: flux-periodic transmission")
def build() -> Derivation:
    J = y_junction(eps)
    S_general = network(theta1, theta2).smatrix()
    T_general = S_general.transmission("R", "L")
    S = network().smatrix()
    t = S["R", "L"]
    T_phi = S.transmission("R", "L")
    result = T_phi.subs(phi, 2 * sp.pi * Phi / Phi0)
    period = sp.expand(result.subs(Phi, Phi + Phi0) - result) == 0
    even = sp.expand(result.subs(Phi, -Phi) - result) == 0
    s = sp.sqrt(1 - 2 * eps)
    a, b = (s - 1) / 2, (s + 1) / 2
    ph = 2 * sp.pi * Phi / Phi0
    textbook = (4 * eps**2 * sp.cos(ph / 2) ** 2 * sp.sin(theta) ** 2
                / (((1 - eps) * sp.cos(2 * theta) - a**2 - b**2 * sp.cos(ph)) ** 2
                   + eps**2 * sp.sin(2 * theta) ** 2))

    return Derivation(
        topic="Aharonov-Bohm effect in a one-channel ring",
        symbols=(
            SymbolInfo(eps, "coupling of the leads to the ring at each junction", "0 < epsilon < 1/2"),
            SymbolInfo(theta, "phase k l accumulated along each arm (equal arms)", "real"),
            SymbolInfo(Phi, "magnetic flux through the ring", "real"),
            SymbolInfo(Phi0, "flux quantum h/e", "Phi0 = h/e"),
        ),
        steps=(
            Step("Each junction is Büttiker's symmetric three-way splitter (ports lead, arm1, arm2):", J.matrix),
            Step("The arms carry phases theta1, theta2 and the vector potential adds +phi/2 along "
                 "arm 1 and -phi/2 along arm 2, phi = 2 pi Phi/Phi0. Composing the ring in closed form:",
                 sp.Eq(T, T_general)),
            Step("For equal arms (theta1 = theta2 = theta) the transmission amplitude is",
                 sp.Eq(sp.Symbol("t"), t)),
            Step("and the transmission probability, with phi = 2 pi Phi/Phi0, Phi0 = h/e,",
                 sp.Eq(T, result)),
            Step("It depends on Phi only through cos(2 pi Phi/Phi0): T(Phi + h/e) = T(Phi) "
                 f"({'verified' if period else 'NOT verified'}) and T(-Phi) = T(Phi) "
                 f"({'verified' if even else 'NOT verified'}, Onsager for two terminals).", None),
        ),
        lhs=T,
        result=result,
        textbook=textbook,
        reference="Büttiker, Imry, Azbel, Phys. Rev. A 30, 1982 (1984); Gefen, Imry, Azbel, "
                  "Phys. Rev. Lett. 52, 129 (1984); Datta (1995), exercise E.3.7",
        ranges={eps: (0, sp.Rational(1, 2))},
        parts={"unequal_arms": Part(sp.Symbol("T"), T_general, "transmission with arms of unequal length")},
        facts=Facts(period_h_over_e=period, even_in_flux=even, T_unequal_arms=T_general,
                    Phi0=Phi0_expr),
    )


def cross_check(der: Derivation) -> CheckReport:
    """The derived T(Phi) vs |t|^2 of a numeric linear solve of the ring network."""
    net = network()
    f_T = evaluator(der.result)

    def sample(rng: random.Random):
        return {eps: rng.uniform(0.01, 0.49), theta: rng.uniform(-3, 3),
                Phi: rng.uniform(-2, 2), Phi0: 1.0}

    def independent(p):
        q = {eps: p[eps], theta: p[theta], phi: 2 * math.pi * p[Phi] / p[Phi0]}
        return abs(network_smatrix(net, q)[1, 0]) ** 2

    return sampled_check("numeric linear solve of the ring network (numpy)",
                         f_T.at, independent, sample, points=30)


# ------------------------------------------------------------------ lattice check
_AB_ARMS = ((3, 3), (2, 5), (0, 4), (6, 6), (1, 8))
_AB_E0_ARMS = (2, 4, 6, 10)  # equal arms, k = pi/2: theta = pi (n + 1)/2 with sin(theta) != 0
_AB_E0_FLUX = (0.0, 0.1, 0.3, 0.5, 0.85)
_AB_FLUX = (0.0, 0.13, 0.25, 0.5, 0.77)


def lattice_check(der: Derivation) -> CheckReport:
    """Ring of two exact lattice junctions vs ``lattice.ring(n_u, n_l, flux=phi)``.

    (a) lbsym's Network elimination applied to the closed-form lattice
    junction S-matrices, arms with phases k (n + 1) and the Peierls phase
    placed as in the lattice's gauge: complex 2x2 S over energy and flux;
    (b) period one in Phi/Phi0: lattice T(phi + 1) in the other gauge
    (``spread=True``) vs T(phi), and the derivation's T(Phi + Phi0) vs T(Phi);
    (c) the derivation's result itself at E = 0, where the lattice junction
    is Büttiker's with epsilon = 4/9 and theta = pi (n + 1)/2.
    """
    from .. import lattice as lat
    f_net = ring_network()
    f_T = by_name(der.result, ("epsilon", "theta", "Phi", "Phi0"))
    ks = interior_k(24)
    worst_S = worst_P = worst_0 = 0.0
    pts = 0
    for nu, nl in _AB_ARMS:
        ring = lat.ring(nu, nl)
        spread = lat.ring(nu, nl, spread=True)
        for p in _AB_FLUX:
            S_net = np.asarray(f_net(ks, ks * (nu + 1), ks * (nl + 1),
                                     2 * math.pi * p), dtype=complex)
            for i, k in enumerate(ks):
                E = -2 * math.cos(k)
                S = ring.smatrix(E, {"phi": p})
                worst_S = max(worst_S, float(np.abs(S.data - S_net[:, :, i]).max()))
                if i % 6 == 0:
                    T1 = spread.smatrix(E, {"phi": p + 1.0}).transmission(1, 0)
                    worst_P = max(worst_P, abs(T1 - S.transmission(1, 0)))
                pts += 1
    for n in _AB_E0_ARMS:
        ring = lat.ring(n, n)
        theta = math.pi * (n + 1) / 2
        for p in _AB_E0_FLUX:
            T_lat = ring.smatrix(0.0, {"phi": p}).transmission(1, 0)
            T_der = float(f_T(4 / 9, theta, p, 1.0))
            T_per = float(f_T(4 / 9, theta, p + 1.0, 1.0))
            worst_0 = max(worst_0, abs(T_lat - T_der))
            worst_P = max(worst_P, abs(T_per - T_der))
            pts += 1
    return CheckReport(
        method=("lattice.ring(n_u, n_l, flux=phi) vs (a) complex S of lbsym Network of two "
                "closed-form lattice junctions S = -1 + i v G_J, arms k (n + 1), Peierls phase "
                "-2 pi phi on the upper arm L -> R (the lattice gauge): "
                f"{len(_AB_ARMS)} arm pairs x {len(_AB_FLUX)} fluxes x {len(ks)} k, "
                f"max |dS| = {worst_S:.2e}; (b) period h/e: lattice T(phi + 1) in the spread "
                f"gauge and derivation T(Phi + Phi0) vs T(Phi), max = {worst_P:.2e}; (c) derivation "
                "result at E = 0 (junction = Büttiker epsilon = 4/9, theta = pi (n + 1)/2), "
                f"n = {list(_AB_E0_ARMS)}, max |dT| = {worst_0:.2e}"),
        error=max(worst_S, worst_P, worst_0),
        points=pts,
        tolerance=1e-10,
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from .. import lattice as lat

    f = evaluator(der.result)
    x = np.linspace(-2, 2, 801)
    lines = [(rf"$\varepsilon={e}$, $\theta={th}$", x, f(Phi=x, Phi0=1.0, epsilon=e, theta=th))
             for e, th in [(0.45, 0.7), (0.2, 1.2)]]
    # lattice ring with two-site arms at E = 0: junction = Büttiker eps = 4/9, theta = 3 pi/2
    sys_ = lat.ring(2, 2, flux="phi")
    xp = np.linspace(-2, 2, 41)
    yp = np.array([sys_.smatrix(0.0, {"phi": float(p)}).transmission(1, 0) for p in xp])
    lines.append((r"$\varepsilon=4/9$, $\theta=3\pi/2$", x,
                  f(Phi=x, Phi0=1.0, epsilon=4 / 9, theta=1.5 * np.pi)))
    return dict(xlabel=r"flux $\Phi/\Phi_0$ ($\Phi_0 = h/e$)", ylabel=r"transmission $T$",
                title="Aharonov-Bohm ring", lines=lines,
                points=[("lattice ring, 2-site arms, $E=0$", xp, yp)])

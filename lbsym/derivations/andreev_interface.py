"""andreev-interface: normal-superconductor conductance, BTK and Beenakker, in Nambu space.

Model: a normal lead, a barrier, and an ideal NS interface.  Electrons and holes
are separate ports (:func:`lbsym.scatterers.nambu`: holes scatter with S^*), the
interface Andreev-reflects with r_he = r_eh = e^{-i chi}, chi = arccos(E/Delta)
(below the gap, superconducting phase 0).  The library composes the Nambu network
in closed form; the NS conductance per spin is (e^2/h)(1 - R_ee + R_he).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..network import Network
from ..numeric import evaluator, network_smatrix
from ..scatterers import (andreev_reflector, andreev_transmitter, barrier, delta_barrier, nambu,
                          nambu_propagation)

Z = sp.Symbol("Z", positive=True)
E = sp.Symbol("E", positive=True)
Delta = sp.Symbol("Delta", positive=True)
chi = sp.Symbol("chi", real=True)
phi = sp.Symbol("phi", real=True)
T1, R1 = sp.symbols("T1 R1", positive=True)
A_, B_ = sp.symbols("A B", positive=True)
G_NS, G_N = sp.symbols("G_NS G_N", positive=True)
a2, s2 = sp.symbols("q p", positive=True)  # q = (v0/u0)^2 above the gap, p = 1 - q


def ns_network(normal) -> Network:
    """The normal scatterer ``normal`` (a two-port) in front of an ideal NS interface."""
    net = Network()
    net.add("B", nambu(normal)).add("A", andreev_reflector(chi))
    net.connect("B.right", "A.N")
    net.external("L", "B.left")  # ports (L, 0) = electron, (L, 1) = hole
    return net


def above_gap_network(normal) -> Network:
    """``normal`` in front of the interface above the gap (quasiparticles enter lead S)."""
    net = Network()
    net.add("B", nambu(normal)).add("A", andreev_transmitter(a2))
    net.connect("B.right", "A.N")
    net.external("L", "B.left").external("S", "A.S")
    return net


def andreev_amplitude_squared() -> sp.Expr:
    """a^2 = (v0/u0)^2 = ((E - sqrt(E^2 - Delta^2))/Delta)^2 above the gap."""
    return ((E - sp.sqrt(E**2 - Delta**2)) / Delta) ** 2


def resonant_network() -> Network:
    """Two barriers a phase phi apart in the normal region, then the NS interface."""
    net = Network()
    net.add("B1", nambu(barrier(1))).add("P", nambu_propagation(phi)).add("B2", nambu(barrier(2)))
    net.add("A", andreev_reflector(sp.pi / 2))
    net.connect("B1.right", "P.left").connect("P.right", "B2.left").connect("B2.right", "A.N")
    net.external("L", "B1.left")
    return net


def _below_gap(x: sp.Expr) -> sp.Expr:
    """chi = arccos(E/Delta): cos^2 chi = E^2/Delta^2, sin^2 chi = (Delta^2 - E^2)/Delta^2.

    Cancelled first as a rational function of c = cos chi and s = sin chi (so the
    form that comes out, 1/((1 + 2Z^2)^2 s^2 + c^2), keeps its structure), then
    written in E and Delta."""
    c, s = sp.symbols("c s", positive=True)
    x = sp.factor(sp.cancel(sp.together(x.subs({sp.cos(chi): c, sp.sin(chi): s}))))
    x = x.subs({s: sp.sqrt(Delta**2 - E**2) / Delta, c: E / Delta})
    num, den = sp.fraction(sp.together(x))
    w = sp.Symbol("w", positive=True)  # Delta^2 - E^2, kept as one factor
    den = sp.collect(sp.expand(den.subs(Delta**2 - E**2, w)), w, sp.factor).subs(w, Delta**2 - E**2)
    return sp.factor(num) / den


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    #: Andreev and normal reflection probabilities below the gap, in chi
    andreev_chi: sp.Expr
    normal_chi: sp.Expr
    #: the normal-state transmission of the barrier, 1/(1 + Z^2)
    normal_transmission: sp.Expr
    #: R_he at E = 0 behind a general barrier (transmission T1)
    beenakker_single: sp.Expr
    #: R_he at E = 0 behind a double barrier (resonant Andreev reflection)
    resonant: sp.Expr
    #: Andreev and normal reflection above the gap, in q = (v0/u0)^2 (p = 1 - q)
    andreev_above: sp.Expr
    normal_above: sp.Expr


@register("andreev-interface", "Andreev reflection at an NS interface: BTK and Beenakker")
def build() -> Derivation:
    Zb = delta_barrier(Z, 1)
    S = ns_network(Zb).smatrix()
    A_chi = S.transmission(("L", 1), ("L", 0))  # electron in, hole out
    B_chi = S.transmission(("L", 0), ("L", 0))
    T_N = Zb.transmission("right", "left")
    ratio_chi = (1 + A_chi - B_chi) / T_N
    A_E, B_E = _below_gap(A_chi), _below_gap(B_chi)
    result = _below_gap(ratio_chi)
    zero_bias = sp.factor(result.subs(E, 0))
    # Beenakker: any barrier at E = 0 (chi = pi/2)
    general = Network()
    general.add("B", nambu(barrier(1))).add("A", andreev_reflector(sp.pi / 2))
    general.connect("B.right", "A.N").external("L", "B.left")
    Rhe_T = sp.factor(general.smatrix().transmission(("L", 1), ("L", 0)))
    G_beenakker = 2 * e**2 / h * 2 * Rhe_T  # spin-degenerate: g_s (e^2/h) 2 R_he
    resonant = resonant_network().smatrix().transmission(("L", 1), ("L", 0))
    Sa = above_gap_network(Zb).smatrix()
    A_above = Sa.transmission(("L", 1), ("L", 0))
    B_above = Sa.transmission(("L", 0), ("L", 0))
    num, den = sp.fraction(sp.factor(sp.cancel(sp.together((1 + A_above - B_above) / T_N))))
    coeff, rest = num.as_coeff_Mul()
    flip = [f for f in sp.Mul.make_args(rest) if isinstance(f, sp.Add) and f.could_extract_minus_sign()]
    if coeff < 0 and flip:  # -(...)(Z^2 s2^2 - ... - 1) -> (...)(1 + ... - Z^2 s2^2): a paper's signs
        num = -coeff * rest.subs(flip[0], sp.expand(-flip[0]))
    above = num / den
    textbook = 2 * (1 + Z**2) * Delta**2 / (E**2 + (Delta**2 - E**2) * (1 + 2 * Z**2) ** 2)
    return Derivation(
        topic="Andreev reflection",
        symbols=(
            SymbolInfo(Z, "barrier strength m V0/(hbar^2 k_F) of the delta barrier", "Z >= 0"),
            SymbolInfo(E, "energy from the Fermi level (bias eV)", "0 <= E < Delta"),
            SymbolInfo(Delta, "superconducting gap", "Delta > 0"),
            SymbolInfo(chi, "Andreev phase arccos(E/Delta)", "0 < chi <= pi/2"),
            SymbolInfo(T1, "transmission probability of a general barrier", "0 < T1 < 1"),
            SymbolInfo(R1, "reflection probability of that barrier", "R1 = 1 - T1"),
            SymbolInfo(a2, "(v0/u0)^2 = ((E - sqrt(E^2 - Delta^2))/Delta)^2 above the gap", "0 < q < 1"),
            SymbolInfo(s2, "1 - q", "p = 1 - q"),
        ),
        steps=(
            Step("In Nambu space a normal scatterer carries electrons with S and holes with S^*; the "
                 "delta barrier (k = k_F) becomes", nambu(Zb).matrix),
            Step("The ideal interface Andreev-reflects: electron -> hole and hole -> electron with "
                 "amplitude e^{-i chi}, chi = arccos(E/Delta):", andreev_reflector(chi).matrix),
            Step("Composing barrier and interface in closed form, the Andreev and normal reflection "
                 "probabilities are", (sp.Eq(A_, A_chi), sp.Eq(B_, B_chi))),
            Step("With cos chi = E/Delta (below the gap; A + B = 1):", (sp.Eq(A_, A_E), sp.Eq(B_, B_E))),
            Step("The NS conductance per spin is (e^2/h)(1 - B + A); the normal state's is (e^2/h) T_N "
                 "with the same barrier, T_N =", T_N),
            Step("so the Blonder-Tinkham-Klapwijk ratio below the gap is", sp.Eq(G_NS / G_N, result)),
            Step("At zero bias:", sp.Eq(G_NS / G_N, zero_bias)),
            Step("Behind a general barrier of transmission T1, at E = 0 the Andreev reflection "
                 "probability is T1^2/(2 - T1)^2, so G_NS = (4e^2/h) sum_n T_n^2/(2 - T_n)^2 "
                 "(Beenakker); for one channel", sp.Eq(G_NS, G_beenakker)),
            Step("Two barriers a phase phi apart in the normal region (resonant Andreev reflection), "
                 "at E = 0:", sp.Eq(A_, resonant)),
            Step("Above the gap the interface Andreev-reflects with a = v0/u0 = (E - sqrt(E^2 - "
                 "Delta^2))/Delta and transmits quasiparticles with s = sqrt(1 - a^2); composed with "
                 "the barrier:", (sp.Eq(A_, A_above), sp.Eq(B_, B_above))),
            Step("and the BTK ratio above the gap", sp.Eq(G_NS / G_N, above)),
        ),
        lhs=G_NS / G_N,
        result=result,
        textbook=textbook,
        reference="Blonder, Tinkham, Klapwijk, PRB 25, 4515 (1982); Beenakker, PRB 46, 12841 (1992); "
                  "Beenakker, Rev. Mod. Phys. 69, 731 (1997)",
        relations={R1: 1 - T1, s2: 1 - a2},
        ranges={E: (0, 1), Delta: (1, 2), T1: (0, 1), a2: (0, 1)},
        parts={"andreev": Part(A_, A_E, "Andreev reflection probability below the gap"),
               "normal": Part(B_, B_E, "normal reflection probability below the gap"),
               "zero_bias": Part(G_NS / G_N, zero_bias, "the BTK ratio at zero bias"),
               "beenakker": Part(G_NS, G_beenakker, "NS conductance of one channel of transmission T1 at E = 0"),
               "above_gap": Part(G_NS / G_N, above, "the BTK ratio above the gap, q = (v0/u0)^2, p = 1 - q")},
        facts=Facts(andreev_chi=A_chi, normal_chi=B_chi, normal_transmission=T_N,
                    beenakker_single=Rhe_T, resonant=resonant, andreev_above=A_above, normal_above=B_above),
    )


def _numeric_ratio(z: float, x: float) -> tuple[float, np.ndarray]:
    """(G_NS/G_N, S) of a numpy solve of the Nambu network at Z = z, E/Delta = x."""
    M = network_smatrix(ns_network(delta_barrier(Z, 1)), {Z: z, chi: math.acos(x)})
    A, B = abs(M[1, 0]) ** 2, abs(M[0, 0]) ** 2
    return (1 + A - B) * (1 + z * z), M


def cross_check(der: Derivation) -> CheckReport:
    """numpy solve of the Nambu network (no symbolic elimination) at random Z and E < Delta:
    (1 + R_he - R_ee)/T_N vs the derived ratio; the numeric S must also be unitary and
    particle-hole symmetric (S_hh = S_ee^*, S_eh = S_he^* up to the interface phase)."""
    f = evaluator(der.result)
    rng = random.Random(3)
    worst, pts = 0.0, 0
    for _ in range(25):
        z, d = rng.uniform(0, 3), rng.uniform(1.0, 2.0)
        x = rng.uniform(0.0, 0.98)
        num, M = _numeric_ratio(z, x)
        worst = max(worst, abs(float(f(Delta=d, E=x * d, Z=z)) - num),
                    float(np.abs(M.conj().T @ M - np.eye(2)).max()),
                    abs(abs(M[1, 1]) - abs(M[0, 0])))
        pts += 1
    return CheckReport("numpy solve of the electron-hole network at random Z and E/Delta, with "
                       "unitarity and |S_hh| = |S_ee|", worst, pts, 1e-12)


def bdg_ns_chain(U: float, gap: float, mu: float = 0.0, nsites: int = 3):
    """Bogoliubov-de Gennes chain (orbitals e, h; hopping 1): a normal lead, ``nsites``
    normal sites with a barrier U on the last one, and a superconducting lead with
    pairing ``gap`` (s-wave, phase 0) starting right after the barrier."""
    from .. import lattice as lat

    tz = np.diag([1.0, -1.0])
    b = lat.Builder(norbs=2)
    for n in range(nsites):
        b[(n,)] = (-mu + (U if n == nsites - 1 else 0.0)) * tz
    for n in range(nsites - 1):
        b.add_hopping((n,), (n + 1,), -tz)
    b.attach_lead(lat.Lead.chain(-1, t=-tz, eps=-mu * tz, norbs=2), interface=[(0,)])
    pairing = np.array([[-mu, gap], [gap, mu]])
    b.attach_lead(lat.Lead.chain(1, t=-tz, eps=pairing, norbs=2), interface=[(nsites - 1,)])
    return b.finalized()


def bdg_ns_strip(W: int, L: int, gap: float, mu: float, disorder: float, seed: int, *,
                 superconducting: bool = True):
    """A disordered W x L square-lattice strip between a normal lead and a superconducting
    lead (pairing ``gap``); ``superconducting=False``: the same strip, electrons only, with a
    normal right lead (its transmission eigenvalues are the T_n of Beenakker's formula)."""
    from .. import lattice as lat
    from ..lattice.shapes import square_lead

    rng = np.random.default_rng(seed)
    V = disorder * (rng.random((L, W)) - 0.5)
    norbs = 2 if superconducting else 1
    tz = np.diag([1.0, -1.0]) if superconducting else 1.0
    b = lat.Builder(norbs=norbs)
    for x in range(L):
        for y in range(W):
            b[(x, y)] = (-mu + V[x, y]) * tz
    for x in range(L):
        for y in range(W):
            if x + 1 < L:
                b.add_hopping((x, y), (x + 1, y), -tz)
            if y + 1 < W:
                b.add_hopping((x, y), (x, y + 1), -tz)
    b.attach_lead(square_lead([(0, y) for y in range(W)], (-1, 0), onsite=-mu * tz, t=-tz, norbs=norbs))
    right = np.array([[-mu, gap], [gap, mu]]) if superconducting else -mu
    b.attach_lead(square_lead([(L - 1, y) for y in range(W)], (1, 0), onsite=right, t=-tz, norbs=norbs))
    return b.finalized()


def _lattice_ns_conductance(sysl, energy: float) -> float:
    """N - R_ee + R_he of the normal lead (e^2/h per spin); channels told apart by weight."""
    S = sysl.smatrix(energy)
    m, r = S.lead_modes[0], S.submatrix(0, 0)

    def electron(phi: np.ndarray) -> bool:
        return float(np.sum(np.abs(phi[0::2]) ** 2)) > float(np.sum(np.abs(phi[1::2]) ** 2))

    e_out = [j for j in range(m.num_modes) if electron(m.phi_out[:, j])]
    e_in = [j for j in range(m.num_modes) if electron(m.phi_in[:, j])]
    h_out = [j for j in range(m.num_modes) if j not in e_out]
    Ree = sum(abs(r[i, j]) ** 2 for i in e_out for j in e_in)
    Rhe = sum(abs(r[i, j]) ** 2 for i in h_out for j in e_in)
    return float(len(e_in) - Ree + Rhe)


#: disordered strips of the lattice check: (W, L, mu, disorder, seed)
STRIPS = ((4, 6, 0.3, 1.5, 1), (5, 8, -0.7, 2.0, 2), (3, 5, 1.1, 1.0, 3))


def _lattice_reflections(sysl, energy: float) -> tuple[float, float]:
    """(R_he, R_ee) of the normal lead: channels told apart by their e/h orbital weight."""
    S = sysl.smatrix(energy)
    m, r = S.lead_modes[0], S.submatrix(0, 0)
    e_out = [j for j in range(m.num_modes) if abs(m.phi_out[0, j]) > abs(m.phi_out[1, j])]
    e_in = [j for j in range(m.num_modes) if abs(m.phi_in[0, j]) > abs(m.phi_in[1, j])]
    h_out = [j for j in range(m.num_modes) if j not in e_out]
    if len(e_in) != 1 or len(e_out) != 1 or len(h_out) != 1:
        raise ArithmeticError(f"expected one electron and one hole channel; got modes {m.num_modes}")
    return (float(sum(abs(r[i, j]) ** 2 for i in h_out for j in e_in)),
            float(sum(abs(r[i, j]) ** 2 for i in e_out for j in e_in)))


def lattice_check(der: Derivation) -> CheckReport:
    """(a) BdG chain with a superconducting lead (pairing Delta = 1e-3 in hopping units) and a
    barrier U on the last normal site: (1 + R_he - R_ee)(1 + Z^2) of the lattice vs the
    derived ratio at Z = U/v_F (v_F = 2 sin k_F, the same normal-state transmission
    1/(1 + Z^2)), below the gap, at two fillings.  The closed form is the Andreev
    approximation: it neglects the difference of electron and hole wave numbers, an
    error O(Delta/v_F) (measured 0.74 Delta/v_F, falling 10x when Delta falls 10x):
    tolerance 2 Delta/v_F.  (b) Many channels: disordered BdG strips at E = 0 against the
    derived one-channel Beenakker conductance summed over the transmission eigenvalues of
    the same strip in the normal state; error O(Delta L/v_F) (measured 1.5 Delta for
    L <= 8, linear in Delta): tolerance 5 Delta."""
    f = evaluator(der.result)
    gap = 1e-3
    worst, pts, tol = 0.0, 0, 0.0
    for mu in (0.0, 0.8):
        v_f = 2 * math.sin(math.acos(mu / 2))
        tol = max(tol, 2 * gap / v_f)
        for U in (0.6, 1.0, 2.0):
            sysl = bdg_ns_chain(U, gap, mu)
            z = U / v_f
            for x in (0.0, 0.3, 0.6, 0.9):
                Rhe, Ree = _lattice_reflections(sysl, x * gap)
                worst = max(worst, abs((1 + Rhe - Ree) * (1 + z * z) - float(f(Delta=1.0, E=x, Z=z))))
                pts += 1
    # many channels: the derived Beenakker conductance of one channel (spin-degenerate, so
    # half of it per spin) summed over the normal strip's transmission eigenvalues
    g1 = evaluator(der.parts["beenakker"].expr.subs({sp.Symbol("e", positive=True): 1,
                                                      sp.Symbol("h", positive=True): 1}))
    worst_strip, tol_strip = 0.0, 5 * gap
    for (W, L, mu, U, seed) in STRIPS:
        g_lat = _lattice_ns_conductance(bdg_ns_strip(W, L, gap, mu, U, seed), 0.0)
        Tn = bdg_ns_strip(W, L, 0.0, mu, U, seed, superconducting=False).smatrix(0.0) \
            .transmission_eigenvalues(1, 0)
        worst_strip = max(worst_strip, abs(g_lat - float(np.sum(g1(T1=Tn))) / 2))
        pts += 1
    return CheckReport("(a) Bogoliubov-de Gennes chain, superconducting lead (Delta = 1e-3), barrier U at "
                       "the interface, fillings mu = 0, 0.8, E/Delta in [0, 0.9]: lattice G_NS/G_N vs the "
                       f"derived BTK ratio at Z = U/v_F, max {worst:.1e} (tolerance 2 Delta/v_F = {tol:.1e}, "
                       "the Andreev approximation); (b) disordered BdG strips (W x L up to 5 x 8) at E = 0: "
                       "lattice N - R_ee + R_he vs the derived Beenakker conductance summed over the normal "
                       f"strip's transmission eigenvalues, max {worst_strip:.1e} (tolerance 5 Delta: error "
                       "O(Delta L/v_F), measured 1.5 Delta); reported as max error/tolerance",
                       max(worst / tol, worst_strip / tol_strip), pts, 1.0, kind="ratio")


def _numeric_above(z: float, x: float) -> float:
    """G_NS/G_N of a numpy solve of the above-gap network at Z = z, E/Delta = x > 1."""
    q = (x - math.sqrt(x * x - 1)) ** 2
    M = network_smatrix(above_gap_network(delta_barrier(Z, 1)), {Z: z, a2: q, s2: 1 - q})
    return (1 + abs(M[1, 0]) ** 2 - abs(M[0, 0]) ** 2) * (1 + z * z)


def figure(der: Derivation) -> dict:
    f = evaluator(der.result)
    g = evaluator(der.parts["above_gap"].expr.subs(s2, 1 - a2).subs(a2, andreev_amplitude_squared()))
    x = np.linspace(0, 0.999, 300)
    xa = np.linspace(1.001, 3, 300)
    xp = np.linspace(0.1, 2.9, 15)
    lines, points = [], []
    for z in (0.0, 0.5, 1.0, 3.0):
        y = np.concatenate([np.broadcast_to(f(Delta=1.0, E=x, Z=z), x.shape),
                            np.broadcast_to(g(Delta=1.0, E=xa, Z=z), xa.shape)])
        lines.append((rf"$Z={z}$", np.concatenate([x, xa]), y))
        points.append(("numpy network solve", xp, np.array(
            [_numeric_ratio(z, v)[0] if v < 1 else _numeric_above(z, v) for v in xp])))
    return dict(xlabel=r"bias $eV/\Delta$", ylabel=r"$G_{NS}/G_N$",
                title="NS interface (Blonder-Tinkham-Klapwijk)",
                lines=lines, points=points, paired=True, ylim=(0, 2.1), legend_loc="below")

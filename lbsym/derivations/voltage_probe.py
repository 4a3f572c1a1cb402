"""voltage-probe: Büttiker's dephasing voltage probe (seed 1162435).

Three terminals: 1 (left), 2 (right), 3 a floating voltage probe.  The probe
draws no net current, so every electron it absorbs is re-emitted with a
random phase: a model of inelastic scattering/dephasing.  Convention
(DESIGN.md): I_i = (e^2/h) sum_j [T_ij V_j - T_ji V_i], spin-resolved.

The model for the interpolation is two barriers with a probe coupled between
them by :func:`lbsym.scatterers.dephasing_coupler` (strength epsilon, no
backscattering), in two versions that differ only in the reservoirs:

* Büttiker's probe: one reservoir takes both the right- and left-movers it
  absorbs and re-emits into both directions (dephasing *and* momentum
  relaxation).  At full coupling 1/G = 1/T1 + 1/T2: the two barriers are two
  conductors in series, each with its own contact resistance.
* Pure dephasing: two floating reservoirs, one for each direction of motion
  (the phase is randomized, the direction kept).  At full coupling
  G = T1 T2/(T1 + T2 - T1 T2), the phase-averaged Fabry-Pérot result
  (``fabry-perot-average``): the intrinsic resistances R/T add.

The lattice check is a three-terminal tight-binding device: a chain with two
impurities and a third lead attached to the site between them (Büttiker's
junction realised on the lattice).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..algebra import polar_parts
from ..averages import phase_average
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, get, register
from ..errors import LbsymError
from ..network import Network
from ..numeric import evaluator, network_smatrix
from ..scatterers import barrier, dephasing_coupler, lattice_impurity
from ..multiterminal import MultiTerminal, cancel_rational
from ._common import Tsym, barrier_symbols, sum_rules, transmission_symbols

NAME = "voltage-probe"
TITLE = "Büttiker voltage probe: dephasing, from coherent to incoherent transport"
G_eff = sp.Symbol("G_eff")
G = sp.Symbol("G")
G_avg = sp.Symbol("<G>")
eps = sp.Symbol("epsilon", positive=True)
k = sp.Symbol("k", positive=True)
L = sp.Symbol("L", positive=True)
theta = sp.Symbol("theta", real=True)
rho = sp.Symbol("rho", positive=True)
T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)
ALPHAS = [sp.Symbol(f"{a}{i}", real=True) for a in ("alpha", "beta") for i in (1, 2)]
TO_T = {R1: 1 - T1, R2: 1 - T2}
TO_R = {sp.sqrt(1 - T1): sp.sqrt(R1), sp.sqrt(1 - T2): sp.sqrt(R2)}
LEADS = ("1", "2", "A", "B")  # A absorbs right-movers, B left-movers


def general_transmissions() -> sp.Matrix:
    return transmission_symbols((1, 2, 3))


# ------------------------------------------------------------------ the model
def network(coupling=eps) -> Network:
    """Barrier 1, a dephasing coupler of strength ``coupling`` midway, barrier 2.

    The barriers are L apart; external leads "1", "2" (the wire) and "A"
    ("pR", absorbs right-movers), "B" ("pL", left-movers).
    """
    net = Network()
    net.add("B1", barrier(1)).add("D", dephasing_coupler(coupling)).add("B2", barrier(2))
    net.connect("B1.right", "D.left", phase=k * L / 2).connect("D.right", "B2.left", phase=k * L / 2)
    net.external("1", "B1.left").external("2", "B2.right").external("A", "D.pR").external("B", "D.pL")
    return net


def round_trip_phase() -> sp.Expr:
    """theta = arg(r1' r2 e^{2ikL}), as in ``fabry-perot``."""
    B1, B2 = barrier(1), barrier(2)
    _, phase = polar_parts(B1["right", "right"] * B2["left", "left"] * sp.exp(2 * sp.I * k * L))
    return phase


def model_transmissions() -> sp.Matrix:
    """T_ij of the model (leads 1, 2, A, B) in terms of theta."""
    Tm = network().smatrix().transmission_matrix()
    k_of_theta = sp.solve(sp.Eq(round_trip_phase(), theta), k)[0]
    return Tm.subs(k, k_of_theta)


def probe_conductance(Tm, reservoirs: str):
    """G from 1 to 2 (units e^2/h) with the probe channels A, B floating.

    ``reservoirs="one"``: A and B are the two channels of one reservoir
    (Büttiker's probe); ``"two"``: each is its own floating reservoir.
    Works for a symbolic (sympy) or numeric (numpy) 4x4 ``Tm``.
    """
    numeric = isinstance(Tm, np.ndarray)
    M = sp.Matrix(Tm) if not numeric else Tm
    if reservoirs == "one":
        P = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]]
        M = (np.array(P) @ M @ np.array(P).T) if numeric else sp.Matrix(P) * M * sp.Matrix(P).T
        leads, probes = ("1", "2", "P"), ["P"]
    elif reservoirs == "two":
        leads, probes = LEADS, ["A", "B"]
    else:
        raise LbsymError(f"reservoirs: expected 'one' or 'two', got {reservoirs!r}")
    n = len(leads)
    if numeric:
        M = np.array(M, dtype=float)
        np.fill_diagonal(M, 0.0)
        # a decoupled probe (epsilon = 0) is not a terminal: drop it
        keep = [i for i, lead in enumerate(leads)
                if lead not in probes or M[i, :].sum() + M[:, i].sum() > 1e-14]
        M = M[np.ix_(keep, keep)]
        leads = tuple(leads[i] for i in keep)
        probes = [p for p in probes if p in leads]
        mt = MultiTerminal(M.tolist(), leads=leads)
        sol = mt.solve(voltages={"1": 1.0, "2": 0.0}, floating=probes)
        return sol.current("2")
    M = sp.Matrix(n, n, lambda i, j: M[i, j] if i != j else 0)
    return MultiTerminal(M, leads=leads).floating_probe_elimination(probes).transmission("2", "1")


def poisson_form(Gtheta: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Write G(theta) = <G> (1 - rho^2)/(1 + rho^2 - 2 rho cos theta).

    The theta dependence of G is a single factor a + b cos(theta) in the
    denominator; rho follows from its coefficients, <G> from the phase
    average of the Poisson kernel (by residues).  Returns (rho, <G>, G).
    """
    Gt = sp.factor(cancel_rational(Gtheta.subs(TO_T)))
    num, den = sp.fraction(Gt)
    with_theta = [f for f in sp.Mul.make_args(den) if f.has(theta)]
    if len(with_theta) != 1 or num.has(theta):
        raise LbsymError("voltage-probe: G(theta) is not of the Fabry-Pérot form")
    D = with_theta[0]
    rest = sp.Mul(*[f for f in sp.Mul.make_args(den) if not f.has(theta)])
    c = sp.cos(theta)
    poly = sp.Poly(sp.expand(D), c)
    if poly.degree() != 1:
        raise LbsymError("voltage-probe: G(theta) is not of the Fabry-Pérot form")
    b, a = poly.all_coeffs()
    for sign in (1, -1):
        r = sp.factor(-b / (2 * sign))
        if sp.expand(a - sign * (1 + r**2)) == 0:
            break
    else:
        raise LbsymError("voltage-probe: the theta-dependent factor is not 1 + rho^2 - 2 rho cos(theta)")
    # C/(1 + rho^2 - 2 rho cos theta) with C = num/(sign * rest); average of the kernel:
    kernel_avg = phase_average(1 / (1 + rho**2 - 2 * rho * c), theta, {rho: 0.5})  # 1/(1 - rho^2)
    C = num / (sign * rest)
    avg = tidy(sp.cancel((C * kernel_avg.subs(rho, r)).subs(TO_T)))
    r_R = tidy(r.subs(TO_R))
    structured = sp.Mul(avg, (1 - rho**2) / (1 + rho**2 - 2 * rho * c), evaluate=False)
    return r_R, avg, structured


def _positive_factor(f: sp.Expr) -> tuple[int, sp.Expr]:
    """(sign, f') with f = sign f' and f' led by positive terms (1 - epsilon, not epsilon - 1)."""
    if not f.is_Add:
        return 1, f
    terms = sp.Add.make_args(f)
    neg = sum(1 for t in terms if t.could_extract_minus_sign())
    const = sum(t for t in terms if t.is_Number)
    if 2 * neg > len(terms) or (2 * neg == len(terms) and const < 0):
        return -1, -f
    return 1, f


def tidy(expr: sp.Expr) -> sp.Expr:
    """Factored, with every factor written as a paper would (no leading minus signs)."""
    num, den = sp.fraction(sp.factor(expr))
    sign, parts = 1, []
    for side in (num, den):
        out = []
        for f in sp.Mul.make_args(side):
            base, e = f.as_base_exp()
            sg, base = _positive_factor(base)
            if sg < 0 and e.is_integer and e % 2:
                sign = -sign
            out.append(base**e)
        parts.append(sp.Mul(*out))
    num, den = parts
    coeff, rest = num.as_coeff_Mul()
    coeff = sign * coeff
    if coeff < 0 and rest.is_Add:  # keep -2 (1 - epsilon), not 2 epsilon - 2
        return sp.Mul(coeff, rest, evaluate=False) / den
    return coeff * rest / den


def resistance_sum(conductance: sp.Expr) -> sp.Expr:
    """1/G as partial fractions in T1 and T2 (series resistances)."""
    r = sp.apart(sp.factor(1 / conductance), T1)
    return sp.Add(*[tidy(a) for t in sp.Add.make_args(r) for a in sp.Add.make_args(sp.apart(t, T2))])


# ----------------------------------------------------------- lattice device
LATTICE_SETS = ((0.8, -0.6, 3, 4), (1.5, 1.1, 2, 2), (-0.4, 2.0, 5, 1), (0.3, 0.3, 1, 6))


def lattice_device(e1: float, e2: float, d1: int, d2: int):
    """Chain sites -d1..d2, impurities e1 at -d1 and e2 at d2, a side lead at site 0.

    Leads: 0 at -d1 (left), 1 at d2 (right), 2 the probe attached at site 0.
    Lead phase references are the interface sites.
    """
    from .. import lattice as lat

    b = lat.Builder()
    for n in range(-d1, d2 + 1):
        b.add_site((n,), e1 if n == -d1 else e2 if n == d2 else 0.0)
    for n in range(-d1, d2):
        b.add_hopping((n + 1,), (n,), 1.0)
    b.attach_lead(lat.Lead.chain(-1), interface=[(-d1,)])
    b.attach_lead(lat.Lead.chain(+1), interface=[(d2,)])
    b.attach_lead(lat.Lead.chain(+1), interface=[(0,)])
    return b.finalized()


@lru_cache(maxsize=None)
def _lattice_network():
    """(e1, e2, k, d1, d2) -> 3x3 S of impurity - junction - impurity (leads 1, 2, 3)."""
    from ..scatterers import lattice_junction

    e1, e2 = sp.symbols("epsilon1 epsilon2", real=True)
    d1, d2 = sp.symbols("d1 d2", positive=True)
    net = Network()
    net.add("I1", lattice_impurity(e1, k)).add("J", lattice_junction(k)).add("I2", lattice_impurity(e2, k))
    net.connect("I1.right", "J.up", phase=k * d1).connect("J.down", "I2.left", phase=k * d2)
    net.external("1", "I1.left").external("2", "I2.right").external("3", "J.lead")
    return sp.lambdify((e1, e2, k, d1, d2), net.smatrix().matrix, modules="numpy")


def lattice_values(result: sp.Expr, perturb: float = 0.0) -> dict:
    """Largest differences on the three-terminal lattice device.

    (a) lattice T_ij against |S_ij|^2 of lbsym's network of exact lattice
    scatterers (impurities, three-way lattice junction); (b) the floating
    probe solved numerically by MultiTerminal from the lattice conductance
    matrix against ``result`` evaluated with the lattice T_ij; (c) the
    probe's current in that solution.
    """
    f_net = _lattice_network()
    f_res = evaluator(result)
    ks = np.linspace(0.08, math.pi - 0.08, 40)
    worst_T = worst_G = worst_I = 0.0
    pts = 0
    for e1, e2, d1, d2 in LATTICE_SETS:
        sys_ = lattice_device(e1, e2, d1, d2)
        for kk in ks:
            S = sys_.smatrix(-2 * math.cos(kk))
            Tl = np.array([[S.transmission(i, j) if i != j else 0.0 for j in range(3)] for i in range(3)])
            Sn = np.asarray(f_net(e1 + perturb, e2, kk, d1, d2), dtype=complex)
            Tn = np.abs(Sn) ** 2
            np.fill_diagonal(Tn, 0.0)
            worst_T = max(worst_T, float(np.abs(Tl - Tn).max()))
            mt = MultiTerminal.from_conductance_matrix(S.conductance_matrix().tolist(), leads=(1, 2, 3))
            sol = mt.solve(voltages={1: 1.0, 2: 0.0}, floating=[3])
            Tval = {Tsym(i + 1, j + 1): (Tn if perturb else Tl)[i, j]
                    for i in range(3) for j in range(3) if i != j}
            g_closed = float(f_res.at(Tval))
            worst_G = max(worst_G, abs(sol.current(2) - g_closed))
            worst_I = max(worst_I, abs(sol.current(3)))
            pts += 1
    return {"T": worst_T, "G": worst_G, "probe_current": worst_I, "points": pts}


def _sample(rng: random.Random) -> dict:
    t1, t2 = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
    p = {T1: t1, T2: t2, R1: 1 - t1, R2: 1 - t2, eps: rng.uniform(0.0, 1.0),
         k: rng.uniform(0.1, 3), L: rng.uniform(0.5, 5)}
    p.update({a: rng.uniform(-3, 3) for a in ALPHAS})
    return p


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    incoherent_resistance: sp.Expr
    probe_decoupled: sp.Expr
    coherent_limit: sp.Expr
    model_transmissions: sp.Matrix
    buttiker_probe: dict
    pure_dephasing: dict
    dephasing_table: dict


@register(NAME, TITLE)
def build() -> Derivation:
    T = general_transmissions()
    rules = sum_rules((1, 2, 3))
    mt = MultiTerminal(T, relations=rules, leads=(1, 2, 3))
    eff = mt.floating_probe_elimination([3])
    result = sp.factor(eff.transmission(2, 1))
    r2t = mt.two_terminal_resistance(1, 2, units=False)
    textbook = Tsym(2, 1) + Tsym(2, 3) * Tsym(3, 1) / (Tsym(3, 1) + Tsym(3, 2))
    incoherent = sp.factor(1 / result.subs(Tsym(2, 1), 0).subs(Tsym(2, 3), Tsym(3, 2)))

    # the model: two barriers, a dephasing coupler between them
    Tm = model_transmissions()
    models = {}
    for res in ("one", "two"):
        rho_e, avg, structured = poisson_form(probe_conductance(Tm, res))
        full = tidy(avg.subs(eps, 1))
        models[res] = {"rho": rho_e, "average": avg, "G": structured, "full_coupling": full,
                       "average_resistance": resistance_sum(avg),
                       "full_coupling_resistance": resistance_sum(full)}
    fp = get("fabry-perot").result
    fpa = get("fabry-perot-average").result
    coherent = {res: models[res]["G"].subs(rho, models[res]["rho"]).subs(eps, 0) for res in models}
    for res in models:
        if sp.cancel((coherent[res] - fp).subs(TO_T)) != 0:
            raise LbsymError(f"voltage-probe: the decoupled probe ({res}) does not give fabry-perot")
    if sp.cancel(models["two"]["full_coupling"] - fpa) != 0:
        raise LbsymError("voltage-probe: pure dephasing at full coupling differs from fabry-perot-average")
    probe_decoupled = sp.factor(Tm[2, 0].subs(eps, 0) + Tm[3, 0].subs(eps, 0))
    kernel = 1 + rho**2 - 2 * rho * sp.cos(theta)
    D_eps = sp.expand(kernel.subs(rho, models["one"]["rho"]))
    s1, s2 = sp.symbols("s1 s2", positive=True)  # sqrt(R1), sqrt(R2) as generators for cancel
    roots = {R1: s1**2, R2: s2**2}
    shown = {name: tidy(sp.cancel((Tm[LEADS.index(a), LEADS.index(b)] * D_eps).subs(roots))
                        .subs({s1: sp.sqrt(R1), s2: sp.sqrt(R2)})) / kernel
             for name, (a, b) in {"T_21": ("2", "1"), "T_A1": ("A", "1"), "T_B1": ("B", "1"),
                                  "T_2A": ("2", "A")}.items()}

    g_closed = {res: sp.lambdify([theta, eps, T1, T2], models[res]["G"].subs(rho, models[res]["rho"]).subs(TO_T),
                                 modules="numpy") for res in models}

    # dephasing: the resonance of two T = 0.2 barriers, on and off resonance
    table = {}
    for e_val in (0.0, 0.1, 0.5, 1.0):
        row = {}
        for res in ("one", "two"):
            on = float(g_closed[res](0.0, e_val, 0.2, 0.2))
            off = float(g_closed[res](math.pi, e_val, 0.2, 0.2))
            row[res] = {"resonance": on, "antiresonance": off,
                        "average": float(models[res]["average"].subs({eps: e_val, T1: 0.2, T2: 0.2}))}
        table[e_val] = row

    m1, m2 = models["one"], models["two"]
    return Derivation(
        topic="Dephasing by a voltage probe",
        symbols=tuple([SymbolInfo(Tsym(i, j), f"transmission from terminal {j} to terminal {i}", "T >= 0")
                       for i in (1, 2, 3) for j in (1, 2, 3) if i != j]
                      + barrier_symbols(1, 2)
                      + [SymbolInfo(eps, "coupling of the probe (probability to be absorbed per pass)",
                                    "0 <= epsilon <= 1"),
                         SymbolInfo(theta, "round-trip phase between the barriers, as in fabry-perot", "real"),
                         SymbolInfo(rho, "round-trip amplitude that survives the probe, (1 - epsilon) sqrt(R1 R2)",
                                    "0 <= rho < 1")]),
        steps=(
            Step("Three terminals: 1, 2 and a voltage probe 3.  Conductance matrix (columns sum to "
                 "zero; the unitarity sum rules fix T12, T13):", mt.conductance_matrix()),
            Step("The probe is floating, I_3 = 0, so V_3 = (T31 V1 + T32 V2)/(T31 + T32).  The "
                 "library eliminates it (Schur complement of the conductance matrix):",
                 eff.conductance_matrix()),
            Step("Effective transmission from 1 to 2: the coherent part plus the part that passes "
                 "through the probe and is re-emitted, split in the ratio T23 : T13.",
                 sp.Eq(G_eff, result)),
            Step("The two-terminal resistance in units of h/e^2 is its inverse:", r2t),
            Step("If nothing is transmitted coherently (T21 = 0) and, without a field, T23 = T32, "
                 "the two halves are conductors in series, each with its own contact resistance:",
                 sp.Eq(1 / G_eff, incoherent)),
            Step("Model: two barriers a distance L apart and, midway, a probe that absorbs a "
                 "fraction epsilon of the electrons passing in either direction without "
                 "backscattering them (dephasing_coupler).  From the composed S-matrix, between the "
                 "wire's ends 1, 2 and the probe channels A (absorbs right-movers) and B (left-movers):",
                 tuple(sp.Eq(sp.Symbol(n), v) for n, v in shown.items())),
            Step("Büttiker's probe (A and B one floating reservoir).  G(theta) factorizes into its "
                 "phase average times a Poisson kernel of the round-trip amplitude rho:",
                 sp.Eq(G, m1["G"])),
            Step("with rho and the phase-averaged conductance", (sp.Eq(rho, m1["rho"]), sp.Eq(G_avg, m1["average"]))),
            Step("As a resistance, <G>^{-1} interpolates between the incoherent series 1/T1 + 1/T2 - 1 "
                 "(epsilon = 0) and, at full coupling, 1/T1 + 1/T2: the two barriers in series, each "
                 "with its own contact resistance (the probe is a reservoir):",
                 sp.Eq(1 / G_avg, m1["average_resistance"])),
            Step("Pure dephasing (A and B separate floating reservoirs: the phase is randomized, "
                 "the direction of motion kept).  The same factorization, with rho as above and",
                 sp.Eq(G_avg, m2["average"])),
            Step("independent of epsilon: dephasing only washes out the resonances (rho -> 0).  At "
                 "full coupling G = <G> is the phase-averaged Fabry-Pérot result (fabry-perot-average), "
                 "1/G = 1/T1 + 1/T2 - 1 = 1 + R1/T1 + R2/T2: the intrinsic resistances R/T add like "
                 "classical resistors (checked exactly against fabry-perot-average's result).",
                 sp.Eq(1 / G, m2["full_coupling_resistance"])),
            Step("At epsilon = 0 the probe decouples (T_A1 + T_B1 = 0) and both versions give the "
                 "coherent Fabry-Pérot transmission (the library checks G - T = 0 exactly against "
                 "the fabry-perot derivation's result):", sp.Eq(G, fp)),
        ),
        lhs=G_eff,
        result=result,
        textbook=textbook,
        reference="Büttiker, PRB 33, 3020 (1986); Büttiker, IBM J. Res. Dev. 32, 63 (1988); "
                  "Datta, Electronic Transport in Mesoscopic Systems (1995), sec. 3.5",
        relations={**rules, **TO_T},
        ranges={**{s: (0, 1) for s in T.free_symbols}, T1: (0, 1), T2: (0, 1)},
        parts={"incoherent": Part(sp.Symbol("R_inc"), incoherent, "resistance of the fully incoherent path through the probe"),
               "coherent": Part(sp.Symbol("G_coh"), coherent["one"], "the coherent limit")},
        facts=Facts(
            incoherent_resistance=incoherent,
            probe_decoupled=probe_decoupled,
            coherent_limit=coherent["one"],
            model_transmissions=Tm,
            buttiker_probe=m1,
            pure_dephasing=m2,
            dephasing_table=table,
        ),
    )


def _merged(Tn: np.ndarray) -> dict:
    """T_ij between terminals 1, 2 and the probe 3 = A + B (one reservoir) of the model."""
    idx = {1: [0], 2: [1], 3: [2, 3]}
    return {Tsym(i, j): float(sum(Tn[a, b] for a in idx[i] for b in idx[j]))
            for i in (1, 2, 3) for j in (1, 2, 3) if i != j}


def cross_check(der: Derivation) -> CheckReport:
    """The numeric model (barrier - coupler - barrier network solved in numpy, probes solved
    numerically by MultiTerminal) vs (a) the derived G_eff(T_ij) fed with the model's T_ij
    (the probe's channels A, B merged into terminal 3), (b) the closed forms G(theta) of
    Büttiker's probe and of pure dephasing, (c) their phase averages <G>."""
    models = {"one": der.facts.buttiker_probe, "two": der.facts.pure_dephasing}
    g_closed = {res: evaluator(m["G"].subs(rho, m["rho"]).subs(TO_T)) for res, m in models.items()}
    f_theta = evaluator(round_trip_phase())
    f_res = evaluator(der.result.subs(der.relations))
    net = network()

    def numeric_T(p):
        Tn = np.abs(network_smatrix(net, p)) ** 2
        np.fill_diagonal(Tn, 0.0)
        return Tn

    rng = random.Random(7)
    worst_res = worst_G = 0.0
    for _ in range(25):
        p = _sample(rng)
        Tn = numeric_T(p)
        th = f_theta.at(p)
        worst_res = max(worst_res, abs(float(f_res.at(_merged(Tn))) - probe_conductance(Tn, "one")))
        for res in models:
            worst_G = max(worst_G, abs(float(g_closed[res].at({**p, theta: th})) - probe_conductance(Tn, res)))
    # <G>: midpoint average over one period of kL of the numerically solved network
    rng = random.Random(11)
    worst_avg = 0.0
    n = 256
    for _ in range(6):
        p = _sample(rng)
        p[eps] = rng.uniform(0.05, 1.0)
        vals = {"one": [], "two": []}
        for j in range(n):
            q = dict(p)
            q[k] = (j + 0.5) * math.pi / (n * p[L])
            Tn = numeric_T(q)
            for res in vals:
                vals[res].append(probe_conductance(Tn, res))
        for res in vals:
            g = float(models[res]["average"].subs({eps: p[eps], T1: p[T1], T2: p[T2]}))
            worst_avg = max(worst_avg, abs(np.mean(vals[res]) - g))
    return CheckReport(
        method=("numeric linear solve of the barrier-coupler-barrier network (numpy), probes "
                "solved numerically by MultiTerminal (one and two reservoirs), vs the derived "
                f"G_eff(T_ij) at the model's T_ij (max {worst_res:.1e}), the closed forms G(theta) "
                f"(max {worst_G:.1e}), 25 points, and the phase averages <G> vs a {n}-point average "
                f"over one period of kL (max {worst_avg:.1e}, 6 points)"),
        error=max(worst_res, worst_G, worst_avg), points=25 + 6, tolerance=1e-10)


def lattice_check(der: Derivation) -> CheckReport:
    """Three-terminal lattice device: see :func:`lattice_values`."""
    v = lattice_values(der.result)
    return CheckReport(
        method=("three-terminal lattice device (chain, impurities eps1, eps2, a third lead "
                f"attached between them; {len(LATTICE_SETS)} sets x 40 k): lattice T_ij vs lbsym "
                f"network of exact lattice scatterers (max {v['T']:.1e}); floating probe solved "
                f"numerically from the lattice conductance matrix vs G_eff(T_ij) (max {v['G']:.1e}); "
                f"probe current in the solution (max {v['probe_current']:.1e})"),
        error=max(v["T"], v["G"], v["probe_current"]), points=v["points"], tolerance=1e-10)


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from ..numeric import network_smatrix

    t1 = t2 = 0.2
    th = np.linspace(-np.pi, np.pi, 601)
    net = network()
    theta_of_k = evaluator(round_trip_phase())
    zero_phases = {a.name: 0.0 for a in ALPHAS if a in round_trip_phase().free_symbols}
    kp = np.linspace(0.0, np.pi, 25, endpoint=False) + np.pi / 50  # L = 1: theta = 2k + pi (mod 2 pi)
    thp = np.angle(np.exp(1j * theta_of_k(k=kp, L=1.0, **zero_phases)))
    panels = []
    for key, res, title in (("buttiker_probe", "one", "(a) Büttiker probe: one reservoir"),
                            ("pure_dephasing", "two", "(b) pure dephasing: a reservoir per direction")):
        m = getattr(der.facts, key)
        G = evaluator(m["G"].subs(rho, m["rho"]).subs(TO_T))
        avg = evaluator(m["average"])
        lines, points, guides = [], [], []
        for e_val in (0.0, 0.1, 0.4, 1.0):
            lines.append((rf"$\varepsilon={e_val}$", th, np.broadcast_to(G(theta=th, epsilon=e_val, T1=t1, T2=t2), th.shape)))
            ys = []
            for kk in kp:
                p = {T1: t1, T2: t2, R1: 1 - t1, R2: 1 - t2, eps: e_val, k: kk, L: 1.0}
                p.update({a: 0.0 for a in ALPHAS})
                Tn = np.abs(network_smatrix(net, p)) ** 2
                np.fill_diagonal(Tn, 0.0)
                ys.append(probe_conductance(Tn, res))
            points.append(("network solve + floating probes (numpy)", thp, np.array(ys)))
            args = {"epsilon": e_val, "T1": t1, "T2": t2}
            g_avg = float(avg(**{n: v for n, v in args.items() if sp.Symbol(n, positive=True) in m["average"].free_symbols}))
            guides.append((r"phase averages $\langle G\rangle$", th[[0, -1]], [g_avg, g_avg]))
        panels.append(dict(xlabel=r"round-trip phase $\theta$ (rad)", ylabel=r"$G$ ($e^2/h$ per spin)",
                           title=title, lines=lines, points=points, guides=guides, paired=True,
                           legend=(res == "one")))
    return dict(title=rf"Dephasing probe between two barriers, $T_1 = T_2 = {t1}$",
                panels=panels, grid=(1, 2), figsize=(11, 4.4))

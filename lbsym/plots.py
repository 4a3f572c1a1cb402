"""Each derivation's natural figure: closed form as lines, lattice as points.

``figure_data(name)`` returns the numbers (so tests can compare them with the
evaluators); ``plot(name, path)`` draws them with matplotlib, the optional
``plot`` extra (``pip install 'lbsym[plot]'``).

Figures: fabry-perot, T against the round-trip phase theta for a few barrier
pairs; aharonov-bohm-ring, T against Phi/Phi0 (period h/e) with lattice-ring
points; periodic-chain, T against k a with the allowed bands shaded and
lattice-chain points; landauer, the conductance staircase of a clean strip
with lattice points; fabry-perot-average, <T> against T1.

Noise figures (points from each derivation's independent numeric route, fixed
seeds): shot-noise, (a) the one-channel noise T(1-T) and Fano factor 1 - T
against T and (b) the thermal-to-shot crossover against eV/k_B Theta, points
from the mpmath Fermi-function energy integral; counting-statistics, the
binomial cumulants kappa_1..6 per attempt against T with Monte-Carlo sample
cumulants; resonant-tunneling-fcs, kappa_2/kappa_1 and kappa_3/kappa_1 of
sequential tunnelling against Gamma_L/(Gamma_L + Gamma_R) with Gillespie
points; spin-flip-noise, the Fano factor against the spin-flip angle and the
exchange strength, with the numpy delta-impurity route as points.

voltage-probe: G against theta for couplings epsilon = 0 .. 1, (a) Büttiker's
probe and (b) pure dephasing, with the phase averages <G> as guides and the
numerically solved network (floating probes by MultiTerminal) as points.

A figure is one panel (keys xlabel, ylabel, title, lines, points and the
optional bands) or, with a key ``panels``, a grid of such panels under a
common title.  Optional panel keys: ``errors`` (one array or None per point
set, drawn as error bars), ``guides`` ((label, x, y) drawn as thin dashed
reference lines), ``paired`` (point set i takes the colour of line i); a
legend label is shown once per panel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from . import derivation as registry
from .errors import LbsymError, ParameterError
from .numeric import evaluator
from .transport import one_channel

__all__ = ["figure_data", "plot", "PLOTS"]


def _fabry_perot() -> dict:
    d = registry.get("fabry-perot")
    f = evaluator(d.result)
    th = np.linspace(-2 * np.pi, 2 * np.pi, 801)
    lines = []
    for t1, t2 in [(0.5, 0.5), (0.2, 0.2), (0.2, 0.8)]:
        y = f(R1=1 - t1, R2=1 - t2, T1=t1, T2=t2, theta=th)
        lines.append((rf"$T_1={t1}$, $T_2={t2}$", th, y))
    return dict(xlabel=r"round-trip phase $\theta$ (rad)", ylabel=r"transmission $T$",
                title="Fabry-Pérot double barrier", lines=lines, points=[])


def _ring() -> dict:
    from . import lattice as lat

    d = registry.get("aharonov-bohm-ring")
    f = evaluator(d.result)
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


def _periodic_chain() -> dict:
    from . import lattice as lat
    from .network import series
    from .scatterers import lattice_impurity, propagation
    from .transfer import transfer_matrix

    eps_v, spacing, N = 1.0, 2, 5
    k = sp.Symbol("k", positive=True)
    cell = series(lattice_impurity(sp.Float(eps_v), k), propagation(k * spacing))
    M = transfer_matrix(cell)
    xi_f = sp.lambdify(k, M.trace() / 2, modules="numpy")
    T1_f = sp.lambdify(k, 1 / sp.Abs(M[1, 1]) ** 2, modules="numpy")
    d = registry.get("periodic-chain")
    f = evaluator(d.result)
    ks = np.linspace(0.02, np.pi - 0.02, 1200)
    xi = np.real(xi_f(ks))
    T = f(N=N, T1=np.real(T1_f(ks)), xi=xi)  # |M22|^-2 is real; sympy's form of it evaluates complex
    chain = lat.chain({spacing * j: eps_v for j in range(N)})
    kp = np.linspace(0.05, np.pi - 0.05, 45)
    Tp = np.array([chain.smatrix(-2 * np.cos(kk)).transmission(1, 0) for kk in kp])
    return dict(xlabel=r"wave number $k a$", ylabel=r"transmission $T_N$",
                title=f"Periodic chain: N = {N} impurities, spacing {spacing}, $\\epsilon$ = {eps_v}",
                lines=[("closed form", ks, T)], points=[("lattice chain", kp, Tp)],
                bands=(ks, np.abs(xi) <= 1))


def _landauer() -> dict:
    from . import lattice as lat

    W = 5
    E = np.linspace(-3.95, 3.95, 1600)
    eps_j = -2 * np.cos(np.pi * np.arange(1, W + 1) / (W + 1))
    d = registry.get("landauer")
    n_open = np.array([np.sum(np.abs(e - eps_j) < 2) for e in E])
    # the derivation's G/(e^2/h) with g_s = 1 and T_n = 1 for each open channel
    N, gs = sp.Symbol("N", positive=True, integer=True), sp.Symbol("g_s", positive=True, integer=True)
    n = sp.Symbol("n", positive=True, integer=True)
    from .constants import e, h
    per_channel = (d.result / (e**2 / h)).subs(gs, 1)
    G = np.array([float(per_channel.subs(N, int(m)).doit().subs(
        {sp.IndexedBase("T", positive=True)[i]: 1 for i in range(1, int(m) + 1)})) if m else 0.0
        for m in n_open])
    strip = lat.strip(W, 4)
    Ep = np.array([x for x in np.linspace(-3.9, 3.9, 60) if np.min(np.abs(np.abs(x - eps_j) - 2)) > 0.03])
    Gp = []
    for x in Ep:
        try:
            Gp.append(strip.smatrix(float(x)).transmission(1, 0))
        except LbsymError:
            Gp.append(0.0)
    return dict(xlabel=r"Fermi energy $E/t$", ylabel=r"conductance $G$ ($e^2/h$)",
                title=f"Conductance staircase of a clean strip, W = {W}",
                lines=[(r"$\sum_n T_n$ (open channels)", E, G)],
                points=[("lattice strip", Ep, np.array(Gp))])


def _fp_average() -> dict:
    d = registry.get("fabry-perot-average")
    f = evaluator(d.result)
    t1 = np.linspace(0.01, 1, 400)
    return dict(xlabel=r"$T_1$", ylabel=r"$\langle T\rangle_\theta$",
                title="Phase-averaged double barrier",
                lines=[(rf"$T_2={t2}$", t1, f(T1=t1, T2=t2)) for t2 in (0.2, 0.5, 0.9)], points=[])


# ------------------------------------------------------------------ noise
def _batched_cumulants(x: np.ndarray, order: int, batches: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Sample cumulants 1..order over ``batches`` equal batches of the samples ``x``:
    (batch mean, its standard error)."""
    from .counting_numeric import sample_cumulants

    b = np.array([sample_cumulants(c, order) for c in np.array_split(x, batches)])
    return b.mean(axis=0), b.std(axis=0, ddof=1) / np.sqrt(batches)


def _shot_noise() -> dict:
    from .constants import e, h, k_B
    from .noise_numeric import noise_integral

    d = registry.get("shot-noise")
    T = sp.Symbol("T", positive=True)
    units = {e: 1, h: 1, k_B: 1}
    shot = evaluator(one_channel(d.result, T).subs(units))
    F1 = evaluator(d.facts["fano_one_channel"])
    finite = evaluator(one_channel(d.facts["finite_temperature"], T).subs(units))
    thermal = evaluator(one_channel(d.facts["thermal_limit"], T).subs(units))
    # (a) zero temperature, units e = h = 1, |V| = 1: S/(2e|V| e^2/h) = T(1-T), F = S/2eI
    t = np.linspace(0, 1, 401)
    tp = np.linspace(0.05, 0.95, 10)
    kT0 = 1e-9  # the cross-check's "zero" temperature (in units of e|V|)
    Sp = np.array([noise_integral(lambda E, tv=tv: tv, 1.0, kT0, method="mpmath", dps=15) for tv in tp])
    (tmax,) = d.facts["maxima"]
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


COUNTING_ATTEMPTS, COUNTING_SAMPLES, COUNTING_SEED = 4, 200_000, 1162418


def _counting_statistics() -> dict:
    d = registry.get("counting-statistics")
    ks = d.facts["cumulants"]
    t = np.linspace(0, 1, 401)
    tp = np.linspace(0.05, 0.95, 10)
    rng = np.random.default_rng(COUNTING_SEED)
    est = []
    for tv in tp:
        mean, se = _batched_cumulants(rng.binomial(COUNTING_ATTEMPTS, tv, size=COUNTING_SAMPLES), len(ks))
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


GILLESPIE_SAMPLES, GILLESPIE_SEED = 100_000, 1162416


def _resonant_fcs() -> dict:
    from .counting_numeric import gillespie_counts, sample_cumulants

    d = registry.get("resonant-tunneling-fcs")
    F = evaluator(d.result)
    F3 = evaluator(d.facts["third_over_first"])
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


def _spin_flip_noise() -> dict:
    from .derivations.spin_flip_noise import _numeric_impurity
    from .noise_numeric import transmission_eigenvalues
    from .scatterers import delta_barrier

    d = registry.get("spin-flip-noise")
    F = evaluator(d.result)
    F_sc = evaluator(d.facts["fano_spin_conserving"])
    Z = sp.Symbol("Z", real=True)
    T_delta = evaluator(delta_barrier(Z, 1).transmission("right", "left"))  # k = 1

    def closed(z0, z1, th):  # T_+- of the barriers Z0 +- Z1 (the impurity's own spin basis)
        tp, tm, th = np.broadcast_arrays(T_delta(Z=z0 + z1), T_delta(Z=z0 - z1), th)
        return F(Tp=tp, Tm=tm), F_sc(Tp=tp, Tm=tm, theta=th)

    def numeric(z0, z1, th):  # impurity U + J n.sigma solved as 2x2 matrices (numpy)
        t = _numeric_impurity(float(z0), float(z1), float(th))[2:, :2]
        lam = transmission_eigenvalues(t)
        diag = np.real(np.diag(t.conj().T @ t))
        return (float(np.sum(lam * (1 - lam)) / np.sum(lam)),
                float(np.sum(diag * (1 - diag)) / np.sum(diag)))

    labels = (r"$F$ (eigenvalues of $t^\dagger t$)",
              r"$F_{sc}$ (spin-conserving, same $T_\uparrow$, $T_\downarrow$)")
    pts_label = "numpy: $\\delta$ impurity, $2\\times 2$ matrices"
    z0, z1 = 0.3, 1.0
    th = np.linspace(0, 2 * np.pi, 401)
    thp = np.linspace(0, 2 * np.pi, 17)
    ya, ypa = closed(z0, z1, th), np.array([numeric(z0, z1, v) for v in thp])
    a = dict(xlabel=r"spin-flip angle $\theta$ (rad)", ylabel=r"Fano factor $S/2eI$",
             title=rf"(a) $Z_0={z0}$, $Z_1={z1}$",
             lines=[(labels[0], th, ya[0]), (labels[1], th, ya[1])],
             points=[(pts_label, thp, ypa[:, 0]), (pts_label, thp, ypa[:, 1])], paired=True)
    js = np.linspace(0, 3, 401)
    jp = np.linspace(0, 3, 13)
    yb, ypb = closed(z0, js, np.pi / 2), np.array([numeric(z0, v, np.pi / 2) for v in jp])
    b = dict(xlabel=r"exchange strength $Z_1$", ylabel=r"Fano factor $S/2eI$",
             title=rf"(b) $Z_0={z0}$, $\theta=\pi/2$",
             lines=[(labels[0], js, yb[0]), (labels[1], js, yb[1])],
             points=[(pts_label, jp, ypb[:, 0]), (pts_label, jp, ypb[:, 1])], paired=True)
    return dict(title=r"Spin-flip impurity $(Z_0 + Z_1\,\mathbf{n}\cdot\boldsymbol{\sigma})\,\delta(x)$, "
                      r"$T_\pm = 1/(1 + (Z_0 \pm Z_1)^2)$",
                panels=[a, b], grid=(1, 2), figsize=(11, 4.4))


def _voltage_probe() -> dict:
    from .derivations import voltage_probe as vp
    from .numeric import network_smatrix

    d = registry.get("voltage-probe")
    rho, theta, eps = vp.rho, vp.theta, vp.eps
    t1 = t2 = 0.2
    th = np.linspace(-np.pi, np.pi, 601)
    net = vp.network()
    theta_of_k = evaluator(vp.round_trip_phase())
    zero_phases = {a.name: 0.0 for a in vp.ALPHAS if a in vp.round_trip_phase().free_symbols}
    kp = np.linspace(0.0, np.pi, 25, endpoint=False) + np.pi / 50  # L = 1: theta = 2k + pi (mod 2 pi)
    thp = np.angle(np.exp(1j * theta_of_k(k=kp, L=1.0, **zero_phases)))
    panels = []
    for key, res, title in (("buttiker_probe", "one", "(a) Büttiker probe: one reservoir"),
                            ("pure_dephasing", "two", "(b) pure dephasing: a reservoir per direction")):
        m = d.facts[key]
        G = evaluator(m["G"].subs(rho, m["rho"]).subs(vp.TO_T))
        avg = evaluator(m["average"])
        lines, points, guides = [], [], []
        for e_val in (0.0, 0.1, 0.4, 1.0):
            lines.append((rf"$\varepsilon={e_val}$", th, np.broadcast_to(G(theta=th, epsilon=e_val, T1=t1, T2=t2), th.shape)))
            ys = []
            for kk in kp:
                p = {vp.T1: t1, vp.T2: t2, vp.R1: 1 - t1, vp.R2: 1 - t2, eps: e_val, vp.k: kk, vp.L: 1.0}
                p.update({a: 0.0 for a in vp.ALPHAS})
                Tn = np.abs(network_smatrix(net, p)) ** 2
                np.fill_diagonal(Tn, 0.0)
                ys.append(vp.probe_conductance(Tn, res))
            points.append(("network solve + floating probes (numpy)", thp, np.array(ys)))
            args = {"epsilon": e_val, "T1": t1, "T2": t2}
            g_avg = float(avg(**{n: v for n, v in args.items() if sp.Symbol(n, positive=True) in m["average"].free_symbols}))
            guides.append((r"phase averages $\langle G\rangle$", th[[0, -1]], [g_avg, g_avg]))
        panels.append(dict(xlabel=r"round-trip phase $\theta$ (rad)", ylabel=r"$G$ ($e^2/h$ per spin)",
                           title=title, lines=lines, points=points, guides=guides, paired=True,
                           legend=(res == "one")))
    return dict(title=rf"Dephasing probe between two barriers, $T_1 = T_2 = {t1}$",
                panels=panels, grid=(1, 2), figsize=(11, 4.4))


def _resistance_axes(title: str) -> dict:
    return dict(xlabel=r"Fermi energy $E$ (hopping units)", ylabel=r"resistance ($h/e^2$)",
                title=title)


def _quantum_hall_edges() -> dict:
    """R_xy and R_xx of a lattice Hall bar against E: plateaus h/(nu e^2), nu the edge channels."""
    from . import lattice as lat
    from .multiterminal import MultiTerminal

    from .constants import e, h

    d = registry.get("quantum-hall-edges")
    nu = sp.Symbol("nu", positive=True, integer=True)

    def closed(expr: sp.Expr, n: int) -> float:  # units of h/e^2, nu edge channels
        return float(expr.subs({e: 1, h: 1, nu: n}))
    sysh = lat.hall_bar(12, 30, probe_width=5, probe_length=3)
    energies = np.linspace(-3.3, -1.3, 41)
    nus, xy, xx = [], [], []
    for E in energies:
        S = sysh.smatrix(float(E), {"phi": 0.1})
        mt = MultiTerminal.from_smatrix(S)
        nus.append(S.num_modes(0))
        xy.append(mt.four_terminal_resistance(0, 3, 1, 5))
        xx.append(mt.four_terminal_resistance(0, 3, 1, 2))
    nus = np.array(nus)
    lines = [(r"$R_{xy} = h/(\nu e^2)$, $\nu$ = edge channels of the leads", energies,
              np.array([closed(d.result, n) for n in nus])),
             (r"$R_{xx} = 0$", energies, np.array([closed(d.parts["R_xx"].expr, n) for n in nus]))]
    points = [("lattice Hall bar 12x30, flux 0.1 per plaquette: $R_{xy}$", energies, np.array(xy)),
              ("lattice: $R_{xx}$", energies, np.array(xx))]
    return dict(**_resistance_axes("Quantum Hall plateaus from edge channels"), lines=lines,
                points=points, paired=True, ylim=(-0.05, 1.15), legend_loc="below")


def _quantum_spin_hall() -> dict:
    """Helical edge (two time-reversed lattice QH copies of a cross) against E in the nu = 1 window."""
    from . import lattice as lat
    from .derivations.quantum_spin_hall import CROSS_ORDER
    from .multiterminal import MultiTerminal

    d = registry.get("quantum-spin-hall")
    one = {sp.Symbol("e", positive=True): 1, sp.Symbol("h", positive=True): 1}
    closed = {"R_14,23": float(d.result.subs(one)), "R_14,14": float(d.parts["R_2t"].expr.subs(one)),
              "R_13,13": float(d.parts["R_13_13"].expr.subs(one))}
    sysc = lat.cross(12, 6, field="phi")
    energies, vals = [], {k: [] for k in closed}
    for E in np.linspace(-3.3, -2.45, 25):
        S = sysc.smatrix(float(E), {"phi": 0.1})
        if S.num_modes(0) != 1:  # the helical model holds for one edge channel per copy
            continue
        G = sum(sysc.smatrix(float(E), {"phi": sg * 0.1}).conductance_matrix() for sg in (1, -1))
        mt = MultiTerminal.from_conductance_matrix(G[np.ix_(CROSS_ORDER, CROSS_ORDER)],
                                                   leads=(1, 2, 3, 4))
        energies.append(E)
        vals["R_14,23"].append(mt.four_terminal_resistance(1, 4, 2, 3))
        vals["R_14,14"].append(mt.two_terminal_resistance(1, 4))
        vals["R_13,13"].append(mt.two_terminal_resistance(1, 3))
    x = np.array(energies)
    names = {"R_14,23": "nonlocal $R_{14,23} = h/4e^2$", "R_14,14": "two-terminal $R_{14,14} = 3h/4e^2$",
             "R_13,13": "two-terminal $R_{13,13} = h/e^2$"}
    lines = [(names[k], x, np.full(len(x), v)) for k, v in closed.items()]
    tex = {"R_14,23": "$R_{14,23}$", "R_14,14": "$R_{14,14}$", "R_13,13": "$R_{13,13}$"}
    points = [(f"lattice cross, fields $\\pm$0.1: {tex[k]}", x, np.array(vals[k])) for k in closed]
    return dict(**_resistance_axes("Quantum spin Hall: helical edge, four terminals"), lines=lines,
                points=points, paired=True, ylim=(0, 1.3), legend_loc="below")


def _multiterminal_lattice(name: str, sysl, energies, params, lead_map) -> tuple:
    """The closed form fed with lattice T_ij, and MultiTerminal's numeric solve, along a sweep."""
    from .derivations._common import closed_form_evaluator
    from .multiterminal import MultiTerminal

    f = closed_form_evaluator(registry.get(name).result)
    closed, solved = [], []
    for E, prm in zip(energies, params):
        G = sysl.smatrix(float(E), prm).conductance_matrix()
        closed.append(f(G))
        solved.append(MultiTerminal.from_conductance_matrix(G).four_terminal_resistance(*lead_map))
    return np.array(closed), np.array(solved)


def _h_bar() -> dict:
    from . import lattice as lat
    from .derivations.h_bar_nonlocal import I_SRC, J_SNK, K_V, L_V

    energies = np.linspace(-1.6, -0.2, 29)
    lines, points = [], []
    for label, args in (("one-site bridge", (4, 11, 1, 3)), ("3-site bridge", (4, 11, 3, 3))):
        sysl = lat.hbar(*args, field=0.03)
        closed, solved = _multiterminal_lattice("h-bar-nonlocal", sysl, energies,
                                                [None] * len(energies), (I_SRC, J_SNK, K_V, L_V))
        lines.append((f"closed form with the lattice $T_{{ij}}$: {label}", energies, closed))
        points.append((f"lattice conductance matrix, solved: {label}", energies, solved))
    return dict(xlabel=r"Fermi energy $E$ (hopping units)", ylabel=r"$R_{10,32}$ ($h/e^2$)",
                title="H-bar, flux 0.03: $R_{10,32} = 0$ for a one-site bridge",
                lines=lines, points=points, paired=True, legend_loc="below")


def _wheatstone() -> dict:
    from .derivations.wheatstone_bridge import DRN, LATTICE_BRIDGES, P, Q, SRC, lattice_bridge

    flux = np.linspace(-0.35, 0.35, 29)
    lines, points = [], []
    for label, arms, _balanced in LATTICE_BRIDGES:
        if label not in ("mirror 1<->3", "asymmetric"):
            continue
        sysb = lattice_bridge(arms)
        closed, solved = _multiterminal_lattice("wheatstone-bridge", sysb, [-0.4] * len(flux),
                                                [{"phi": float(p)} for p in flux], (SRC, DRN, P, Q))
        lines.append((f"closed form with the lattice $T_{{ij}}$: {label} bridge", flux, closed))
        points.append((f"lattice, solved: {label}", flux, solved))
    return dict(xlabel=r"flux $\phi$ through the loop (units of $\Phi_0$)",
                ylabel=r"$R_{02,13}$ ($h/e^2$)",
                title="Wheatstone bridge at $E=-0.4$: mirror-symmetric is balanced at zero flux",
                lines=lines, points=points, paired=True, guides=[("balance", flux[[0, -1]], [0, 0])],
                legend_loc="below")


def _brouwer_pump() -> dict:
    from . import lattice as lat
    from .derivations.brouwer_pump import RESONANT, _pump, square
    from .pumping import Path as PumpPath
    from .pumping import line_charge

    d = registry.get("brouwer-pump")
    q = evaluator(d.result, relations=d.relations)  # T is fixed by epsilon1, epsilon2, k, d
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


PLOTS = {
    "fabry-perot": _fabry_perot,
    "aharonov-bohm-ring": _ring,
    "periodic-chain": _periodic_chain,
    "landauer": _landauer,
    "fabry-perot-average": _fp_average,
    "shot-noise": _shot_noise,
    "counting-statistics": _counting_statistics,
    "resonant-tunneling-fcs": _resonant_fcs,
    "spin-flip-noise": _spin_flip_noise,
    "voltage-probe": _voltage_probe,
    "quantum-hall-edges": _quantum_hall_edges,
    "quantum-spin-hall": _quantum_spin_hall,
    "h-bar-nonlocal": _h_bar,
    "wheatstone-bridge": _wheatstone,
    "brouwer-pump": _brouwer_pump,
}


def figure_data(name: str) -> dict:
    """The numbers of the figure of derivation ``name``."""
    registry.get(name)  # unknown names raise UnknownDerivationError
    if name not in PLOTS:
        raise ParameterError(f"no figure defined for {name!r}; figures exist for {sorted(PLOTS)}")
    return PLOTS[name]()


def _draw_panel(ax: Any, data: dict) -> None:
    """One panel: bands, guides, lines, points (with error bars), labels, legend."""
    if "bands" in data:
        x, mask = data["bands"]
        ax.fill_between(x, 0, 1.05, where=mask, color="0.9", label="allowed bands ($|\\xi| \\leq 1$)")
    shown: set = set()

    def once(label: str) -> str:  # a label appears once in the legend
        if label in shown:
            return "_nolegend_"
        shown.add(label)
        return label

    for label, x, y in data.get("guides", []):
        ax.plot(x, y, "--", color="0.55", lw=0.9, label=once(label))
    colors = []
    for label, x, y in data["lines"]:
        (line,) = ax.plot(x, y, label=once(label))
        colors.append(line.get_color())
    errors = data.get("errors", [None] * len(data["points"]))
    for i, ((label, x, y), err) in enumerate(zip(data["points"], errors)):
        color = colors[i] if data.get("paired") and i < len(colors) else None
        if err is None:
            ax.plot(x, y, "o", ms=3.5, color=color, label=once(label))
        else:
            ax.errorbar(x, y, yerr=err, fmt="o", ms=3.5, capsize=2, color=color, label=once(label))
    if "ylim" in data:
        ax.set_ylim(*data["ylim"])
    ax.set_xlabel(data["xlabel"])
    ax.set_ylabel(data["ylabel"])
    if data["title"]:
        ax.set_title(data["title"])
    if data.get("phase_axis") or "phase" in data["xlabel"] and "rad" in data["xlabel"]:
        _pi_ticks(ax)
    if data.get("legend", True):
        if data.get("legend_loc", "below") == "below":  # off the data, under the axes
            n = len(ax.get_legend_handles_labels()[1])
            ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                      ncol=2 if n > 3 else 1, frameon=False)
        else:
            ax.legend(fontsize=8, loc=data.get("legend_loc", "best"), framealpha=0.85)


def _pi_ticks(ax: Any) -> None:
    """Ticks of a phase axis at multiples of pi/2, labelled in pi."""
    lo, hi = ax.get_xlim()
    k0, k1 = int(np.ceil(lo / (np.pi / 2))), int(np.floor(hi / (np.pi / 2)))
    step = 1 if k1 - k0 <= 8 else 2
    ticks = [k * np.pi / 2 for k in range(k0, k1 + 1, step)]

    def label(k: int) -> str:
        if k == 0:
            return "0"
        num, den = (k, 2) if k % 2 else (k // 2, 1)
        sign = "-" if num < 0 else ""
        num = abs(num)
        top = r"\pi" if num == 1 else rf"{num}\pi"
        return rf"${sign}{top}$" if den == 1 else rf"${sign}{top}/2$"

    ax.set_xticks(ticks)
    ax.set_xticklabels([label(round(t / (np.pi / 2))) for t in ticks])


def plot(name: str, path: str | Path) -> Path:
    """Draw the figure of ``name`` into ``path`` (PNG, PDF or SVG by suffix)."""
    try:  # a Figure object, not pyplot: the user's backend and state are left alone
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ParameterError(
            "plotting needs matplotlib: pip install 'lbsym[plot]'"
        ) from exc
    data: dict[str, Any] = figure_data(name)
    panels = data.get("panels", [data])
    rows, cols = data.get("grid", (1, len(panels)))
    below = any(p.get("legend_loc", "below") == "below" and p.get("legend", True) for p in panels)
    size = data.get("figsize", (6.8, 5.4) if below else (6.4, 4.2))
    if below and "figsize" in data:
        size = (size[0], size[1] + 1.0)
    fig = Figure(figsize=size, dpi=120)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, panel in zip(axes.flat, panels):
        _draw_panel(ax, panel)
    if "panels" in data:
        fig.suptitle(data["title"])
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    return path

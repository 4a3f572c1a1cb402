"""Each derivation's natural figure: closed form as lines, lattice as points.

``figure_data(name)`` returns the numbers (so tests can compare them with the
evaluators); ``plot(name, path)`` draws them with matplotlib, the optional
``plot`` extra (``pip install 'lbsym[plot]'``).

Figures: fabry-perot, T against the round-trip phase theta for a few barrier
pairs; aharonov-bohm-ring, T against Phi/Phi0 (period h/e) with lattice-ring
points; periodic-chain, T against k a with the allowed bands shaded and
lattice-chain points; landauer, the conductance staircase of a clean strip
with lattice points; fabry-perot-average, <T> against T1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from . import derivation as registry
from .errors import LbsymError, ParameterError
from .numeric import evaluator

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
    T = f(N=N, T1=T1_f(ks), xi=xi)
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


PLOTS = {
    "fabry-perot": _fabry_perot,
    "aharonov-bohm-ring": _ring,
    "periodic-chain": _periodic_chain,
    "landauer": _landauer,
    "fabry-perot-average": _fp_average,
}


def figure_data(name: str) -> dict:
    """The numbers of the figure of derivation ``name``."""
    registry.get(name)  # unknown names raise UnknownDerivationError
    if name not in PLOTS:
        raise ParameterError(f"no figure defined for {name!r}; figures exist for {sorted(PLOTS)}")
    return PLOTS[name]()


def plot(name: str, path: str | Path) -> Path:
    """Draw the figure of ``name`` into ``path`` (PNG, PDF or SVG by suffix)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ParameterError(
            "plotting needs matplotlib: pip install 'lbsym[plot]'"
        ) from exc
    data: dict[str, Any] = figure_data(name)
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    if "bands" in data:
        x, mask = data["bands"]
        ax.fill_between(x, 0, 1.05, where=mask, color="0.9", label="allowed bands ($|\\xi| \\leq 1$)")
    for label, x, y in data["lines"]:
        ax.plot(x, y, label=label)
    for label, x, y in data["points"]:
        ax.plot(x, y, "o", ms=3.5, label=label)
    ax.set_xlabel(data["xlabel"])
    ax.set_ylabel(data["ylabel"])
    ax.set_title(data["title"])
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path

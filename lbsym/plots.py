"""Each derivation's natural figure: closed form as lines, lattice as points.

``figure_data(name)`` returns the numbers (so tests can compare them with the
evaluators); ``plot(name, path)`` draws them with matplotlib, the optional
``plot`` extra (``pip install 'lbsym[plot]'``).

Each derivation module defines its figure as ``figure(der) -> dict``: the
derivation's closed form evaluated as lines, and an independent route (the
lattice solver, a numeric network solve, Monte-Carlo or mpmath) as points.
This module only draws.

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

from . import derivation as registry
from .errors import ParameterError

__all__ = ["figure_data", "plot", "figure_names"]


def figure_names() -> list[str]:
    """Names of the derivations that have a figure."""
    return [n for n in registry.names() if registry.has_hook(n, "figure")]


def figure_data(name: str) -> dict:
    """The numbers of the figure of derivation ``name`` (its module's ``figure(der)``)."""
    der = registry.get(name)  # unknown names raise UnknownDerivationError
    data = der.figure_data()
    if data is None:
        raise ParameterError(f"no figure defined for {name!r}; figures exist for {figure_names()}")
    return data


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

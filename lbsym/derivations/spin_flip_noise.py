"""spin-flip-noise: shot noise of a conductor with spin-flip scattering (seed 1162370).

Model: one orbital channel, two spins, an impurity V = (U + J n.sigma) delta(x)
whose spin axis n = (sin theta, 0, cos theta) is tilted by theta from the
quantization axis z of the leads.  In the impurity's spin basis (+, -) it is two
independent barriers with transmissions T_p, T_m; in the lead basis (up, down)
it flips spin unless theta = 0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..constants import e, h
from ..derivation import CheckReport, Derivation, Part, Step, SymbolInfo, register
from ..noise import V, fano, transmission_traces
from ..noise_numeric import noise_matrix, transmission_eigenvalues
from ..numeric import evaluator
from ..scatterers import barrier
from ..smatrix import SMatrix
from ._common import barrier_symbols

theta = sp.Symbol("theta", real=True)
F = sp.Symbol("F", positive=True)
Tp, Tm = sp.symbols("Tp Tm", positive=True)
PORTS = [("L", 0, "up"), ("L", 0, "down"), ("R", 0, "up"), ("R", 0, "down")]


_c, _s = sp.symbols("c_ s_", real=True)  # cos(theta/2), sin(theta/2) during the algebra


def _simp(x: sp.Expr) -> sp.Expr:
    """Polynomial reduction in c = cos(theta/2), s = sin(theta/2): s^2 = 1 - c^2,
    then c^2 = (1 + cos theta)/2; finally factor (fast, no trigsimp)."""
    x = sp.expand(x)
    x = sp.expand(x.subs(_s**2, 1 - _c**2))
    x = sp.expand(x.subs(_c**2, (1 + sp.cos(theta)) / 2))
    if x.has(_c) or x.has(_s):
        x = x.subs({_c: sp.cos(theta / 2), _s: sp.sin(theta / 2)})
    return sp.factor(x)


def spin_rotation(angle: sp.Expr) -> sp.Matrix:
    """Columns: the impurity's spin states +n, -n in the lead basis (up, down)."""
    c, s = sp.cos(angle / 2), sp.sin(angle / 2)
    return sp.Matrix([[c, -s], [s, c]])


def spin_flip_smatrix(angle: sp.Expr = theta, _rotation: sp.Matrix | None = None) -> SMatrix:
    """The 4x4 spin-resolved S-matrix, ports (lead, channel, spin)."""
    Bp, Bm = barrier("p"), barrier("m")
    Sx = sp.zeros(4, 4)
    for i in range(2):
        for j in range(2):
            Sx[2 * i, 2 * j] = Bp.matrix[i, j]
            Sx[2 * i + 1, 2 * j + 1] = Bm.matrix[i, j]
    W = spin_rotation(angle) if _rotation is None else _rotation
    Wf = sp.diag(W, W)
    return SMatrix(Wf * Sx * Wf.T, PORTS, relations={**Bp.relations, **Bm.relations},
                   ranges={**Bp.ranges, **Bm.ranges})


def _numeric_impurity(z0: float, z1: float, th: float) -> np.ndarray:
    """Independent route: delta impurity with 2x2 strength Z = z0 + z1 n.sigma,
    t = (1 + iZ)^{-1}, r = -iZ (1 + iZ)^{-1}, solved as matrices (numpy)."""
    sx = np.array([[0, 1], [1, 0]], complex)
    sz = np.array([[1, 0], [0, -1]], complex)
    Z = z0 * np.eye(2) + z1 * (np.sin(th) * sx + np.cos(th) * sz)
    t = np.linalg.inv(np.eye(2) + 1j * Z)
    r = -1j * Z @ t
    return np.block([[r, t], [t, r]])


def cross_check(der: Derivation, points: int = 40, seed: int = 11) -> CheckReport:
    """Random spin-flip angles and strengths: numpy matrix solution of the delta
    impurity vs the closed forms (true Fano, spin-conserving comparator, shot
    noise from the multi-terminal noise matrix)."""
    f_true = evaluator(der.result).positional((Tp, Tm))
    f_naive = evaluator(der.facts.fano_spin_conserving).positional((Tp, Tm, theta))
    f_noise = evaluator(der.facts.shot_noise.subs({e: 1, h: 1, V: 1})).positional((Tp, Tm))
    rng = random.Random(seed)
    worst = 0.0
    for _ in range(points):
        z0, z1, th = rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(0, 2 * np.pi)
        S = _numeric_impurity(z0, z1, th)
        worst = max(worst, float(np.abs(S.conj().T @ S - np.eye(4)).max()))
        tp, tm = 1 / (1 + (z0 + z1) ** 2), 1 / (1 + (z0 - z1) ** 2)
        t = S[2:, :2]
        lam = transmission_eigenvalues(t)
        F_num = float(np.sum(lam * (1 - lam)) / np.sum(lam))
        diag = np.real(np.diag(t.conj().T @ t))
        F_sc = float(np.sum(diag * (1 - diag)) / np.sum(diag))
        M = noise_matrix(S, [[0, 1], [2, 3]], [1.0, 0.0])
        worst = max(worst, abs(F_num - f_true(tp, tm)), abs(F_sc - f_naive(tp, tm, th)),
                    abs(M[0, 0] - f_noise(tp, tm)))
    return CheckReport("delta impurity (U + J n.sigma) solved as 2x2 matrices in numpy at random "
                       "strengths and spin-flip angles: eigenvalues of t^dagger t, diagonal of "
                       "t^dagger t, Büttiker noise matrix, unitarity", worst, points, 1e-12)


@dataclass(frozen=True)
class Facts:
    """Secondary results of the derivation."""

    smatrix: SMatrix
    spin_flip_probability: sp.Expr
    shot_noise: sp.Expr
    fano_spin_conserving: sp.Expr
    fano_difference: sp.Expr
    textbook_difference: sp.Expr


@register("spin-flip-noise", "Shot noise with spin-flip scattering")
def build() -> Derivation:
    S = spin_flip_smatrix()
    # the algebra runs with c = cos(theta/2), s = sin(theta/2) as plain symbols
    Scs = spin_flip_smatrix(_rotation=sp.Matrix([[_c, -_s], [_s, _c]]))
    t_cs = Scs.submatrix("R", "L")
    t = S.submatrix("R", "L")
    s1, s2 = transmission_traces(t_cs, _simp)
    result = sp.factor(sp.cancel((s1 - s2) / s1))
    A = t_cs.H * t_cs
    d_up, d_dn = _simp(A[0, 0]), _simp(A[1, 1])
    flip = sp.factor(sp.expand_trig(sp.simplify(
        Scs.transmission(("R", 0, "down"), ("L", 0, "up")).subs(_s**2, 1 - _c**2))))
    flip = _simp(flip)
    flip = sp.factor(sp.trigsimp(sp.expand(flip).subs(sp.cos(theta) ** 2, 1 - sp.sin(theta) ** 2)))
    F_sc = sp.factor(sp.cancel(fano([d_up, d_dn])))
    diff = sp.factor(sp.cancel(result - F_sc))
    diff = sp.factor(sp.expand(diff * (Tp + Tm)).subs(sp.cos(theta) ** 2, 1 - sp.sin(theta) ** 2)) / (Tp + Tm)
    noise = 2 * e * sp.Abs(V) * e**2 / h * _simp(s1 - s2)
    textbook = (Tp * (1 - Tp) + Tm * (1 - Tm)) / (Tp + Tm)
    return Derivation(
        topic="Noise with spin-flip scattering",
        symbols=tuple(barrier_symbols("p", "m") + [
            SymbolInfo(theta, "angle between the impurity's spin axis and the leads' quantization "
                       "axis (spin-flip angle)", "real"),
            SymbolInfo(F, "Fano factor S/2eI at zero temperature", "0 <= F <= 1"),
            SymbolInfo(V, "bias voltage", "real", unit="V"),
        ]),
        steps=(
            Step("In its own spin basis (+n, -n) the impurity is two independent barriers p, m; "
                 "rotating both leads to the (up, down) basis by the spin-flip angle theta gives "
                 "the 4x4 spin-resolved S-matrix, ports (lead, channel, spin); its transmission "
                 "block t = S[R, L] is", t),
            Step("Spin-flip probability up -> down:", flip),
            Step("Tr t^dagger t = sum of transmission eigenvalues:", s1),
            Step("Tr (t^dagger t)^2 = sum of squared eigenvalues:", s2),
            Step("Shot noise 2e|V|(e^2/h) (Tr t^dagger t - Tr (t^dagger t)^2):", noise),
            Step("Fano factor of the spin-flip conductor (independent of theta):", sp.Eq(F, result)),
            Step("A spin-conserving conductor with the same spin-resolved transmissions "
                 "T_up = (t^dagger t)_{up up}, T_down = (t^dagger t)_{down down}:",
                 sp.Matrix([d_up, d_dn])),
            Step("has the Fano factor", F_sc),
            Step("Spin-flip scattering lowers the Fano factor by (zero only without spin flip, "
                 "theta = 0 mod pi, or for T_p = T_m):", diff),
        ),
        lhs=F,
        result=result,
        textbook=textbook,
        reference="Blanter and Büttiker, Phys. Rep. 336, 1 (2000), sec. 2.5; Büttiker, PRB 46, 12485 "
                  "(1992); Mishchenko, PRB 68, 100409 (2003)",
        relations=dict(S.relations),
        ranges={Tp: (0, 1), Tm: (0, 1)},
        parts={"noise": Part(sp.Symbol("S"), noise, "zero-temperature shot noise"),
               "flip": Part(sp.Symbol("P_flip"), flip, "spin-flip probability")},
        facts=Facts(
            smatrix=S,
            spin_flip_probability=flip,
            shot_noise=noise,
            fano_spin_conserving=F_sc,
            fano_difference=diff,
            textbook_difference=-sp.sin(theta) ** 2 * (Tp - Tm) ** 2 / (2 * (Tp + Tm)),
        ),
    )


# ------------------------------------------------------------------ figure
def figure(der: Derivation) -> dict:
    from ..noise_numeric import transmission_eigenvalues
    from ..scatterers import delta_barrier

    F = evaluator(der.result)
    F_sc = evaluator(der.facts.fano_spin_conserving)
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

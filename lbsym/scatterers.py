"""Elementary scatterers as symbolic, unitary S-matrices.

Port order and phase conventions are given by each constructor.  Two-ports
have ports ``("left", "right")`` and the matrix ``[[r, t'], [t, r']]``
(outgoing = S . incoming, unit-current amplitudes).  Probabilities that a
textbook writes as separate symbols (T and R = 1 - T) are separate positive
symbols linked by a declared relation, so composed results print in the
textbook's variables; their admissible ranges are declared too.

References
----------
Büttiker, Imry, Azbel, Phys. Rev. A 30, 1982 (1984) (three-way junction);
Datta, *Electronic Transport in Mesoscopic Systems* (1995), ch. 3;
Nazarov and Blanter, *Quantum Transport* (2009), ch. 1.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .smatrix import SMatrix

__all__ = [
    "two_port",
    "barrier",
    "symmetric_barrier",
    "delta_barrier",
    "lattice_impurity",
    "lattice_junction",
    "propagation",
    "y_junction",
    "beam_splitter",
    "dephasing_coupler",
    "probabilities",
    "nambu",
    "andreev_reflector",
    "andreev_transmitter",
    "nambu_propagation",
]

I = sp.I
LR = ("left", "right")


def _sym(name: str, **assumptions: Any) -> sp.Symbol:
    return sp.Symbol(name, **assumptions)


def probabilities(suffix: Any = "") -> tuple[sp.Symbol, sp.Symbol]:
    """The positive symbols ``T<suffix>``, ``R<suffix>`` of one barrier."""
    return _sym(f"T{suffix}", positive=True), _sym(f"R{suffix}", positive=True)


def two_port(
    T: sp.Expr,
    R: sp.Expr,
    alpha: sp.Expr,
    beta: sp.Expr,
    beta_prime: sp.Expr | None = None,
    *,
    relations: dict | None = None,
    ranges: dict | None = None,
) -> SMatrix:
    """The general unitary two-port in polar form.

    r = sqrt(R) e^{i alpha},  t = sqrt(T) e^{i beta},  t' = sqrt(T) e^{i beta'},
    r' = -sqrt(R) e^{i (beta + beta' - alpha)},  with R = 1 - T.

    These are all 2x2 unitaries up to an overall phase; unitarity fixes the
    phase of r' (r^* t' + t^* r' = 0).  ``beta_prime`` defaults to ``beta``
    (time-reversal symmetry: t = t').  Ports ``("left", "right")``.
    """
    bp = beta if beta_prime is None else beta_prime
    r = sp.sqrt(R) * sp.exp(I * alpha)
    t = sp.sqrt(T) * sp.exp(I * beta)
    tp = sp.sqrt(T) * sp.exp(I * bp)
    rp = -sp.sqrt(R) * sp.exp(I * (beta + bp - alpha))
    return SMatrix([[r, tp], [t, rp]], LR, relations=relations, ranges=ranges)


def barrier(name: Any = "", *, time_reversal: bool = True) -> SMatrix:
    """A general barrier with symbols T<name>, R<name>, alpha<name>, beta<name>.

    Ports ``("left", "right")``; relation R = 1 - T, range 0 < T < 1.  With
    ``time_reversal=False`` the two transmission phases differ (beta, beta').

    Examples
    --------
    >>> B = barrier(1)
    >>> B.transmission("right", "left")
    T1
    >>> B.is_unitary()
    True
    """
    T, R = probabilities(name)
    a = _sym(f"alpha{name}", real=True)
    b = _sym(f"beta{name}", real=True)
    bp = None if time_reversal else _sym(f"beta{name}'", real=True)
    return two_port(T, R, a, b, bp, relations={R: 1 - T}, ranges={T: (0, 1)})


def symmetric_barrier(name: Any = "", *, phase: sp.Expr | None = None) -> SMatrix:
    """A left-right symmetric barrier: r = r' = i sqrt(R) e^{i beta}, t = t' = sqrt(T) e^{i beta}.

    Symmetry (r = r') and unitarity force the reflection phase to be the
    transmission phase plus pi/2.  ``phase`` (beta) defaults to 0.
    Ports ``("left", "right")``.
    """
    T, R = probabilities(name)
    b = sp.S.Zero if phase is None else phase
    r = I * sp.sqrt(R) * sp.exp(I * b)
    t = sp.sqrt(T) * sp.exp(I * b)
    return SMatrix([[r, t], [t, r]], LR, relations={R: 1 - T}, ranges={T: (0, 1)})


def delta_barrier(Z: sp.Expr | None = None, k: sp.Expr | None = None) -> SMatrix:
    """A delta-function barrier V(x) = (hbar^2 Z / m) delta(x) at wave number k.

    Matching psi'(0+) - psi'(0-) = 2 Z psi(0) gives
    t = k / (k + i Z),  r = -i Z / (k + i Z)  (same from both sides),
    so T = k^2 / (k^2 + Z^2).  Ports ``("left", "right")``, reference point
    x = 0 on both sides.
    """
    Z = _sym("Z", positive=True) if Z is None else sp.sympify(Z)
    k = _sym("k", positive=True) if k is None else sp.sympify(k)
    t = k / (k + I * Z)
    r = -I * Z / (k + I * Z)
    return SMatrix([[r, t], [t, r]], LR)


def lattice_impurity(
    eps: sp.Expr | None = None, k: sp.Expr | None = None, hopping: sp.Expr = 1
) -> SMatrix:
    """Exact S-matrix of one impurity of energy eps on a 1D tight-binding chain.

    H = -hopping sum_n (|n><n+1| + h.c.) + eps |0><0|, E = -2 hopping cos k,
    0 < k < pi.  With the lead plane waves e^{ikn} referred to the impurity
    site n = 0 on both sides (psi_n = e^{ikn} + r e^{-ikn}, n <= 0;
    t e^{ikn}, n >= 0):

        t = 2i hopping sin k / (2i hopping sin k - eps),  r = t - 1.

    Ports ``("left", "right")``.
    """
    eps = _sym("epsilon", real=True) if eps is None else sp.sympify(eps)
    k = _sym("k", positive=True) if k is None else sp.sympify(k)
    w = 2 * I * hopping * sp.sin(k)
    t = w / (w - eps)
    r = eps / (w - eps)
    ranges = {k: (0, sp.pi)} if isinstance(k, sp.Symbol) else {}
    return SMatrix([[r, t], [t, r]], LR, ranges=ranges)


def lattice_junction(k: sp.Expr | None = None) -> SMatrix:
    """Exact S-matrix of one tight-binding site joining three 1D chains.

    Hopping 1, E = -2 cos k, 0 < k < pi (``lbsym.lattice.junction(3)``):
    S = -1 + i v G_J with v = 2 sin k and G_J = 1/(E + 3 e^{ik}), that is,
    with z = e^{ik}, S_ij = (z^2 - 1)/(2 z^2 - 1) - delta_ij.  At the band
    centre (k = pi/2) this is Büttiker's junction with epsilon = 4/9.
    Ports ``("lead", "up", "down")``; phase reference at the junction site.
    """
    k = _sym("k", positive=True) if k is None else sp.sympify(k)
    z = sp.exp(I * k)
    c = (z**2 - 1) / (2 * z**2 - 1)
    ranges = {k: (0, sp.pi)} if isinstance(k, sp.Symbol) else {}
    return SMatrix([[c - 1, c, c], [c, c - 1, c], [c, c, c - 1]], ("lead", "up", "down"),
                   ranges=ranges)


def propagation(phase: sp.Expr, flux_phase: sp.Expr = 0) -> SMatrix:
    """Free propagation along a wire: no reflection, phase ``phase`` (= k L).

    An Aharonov-Bohm (vector potential) phase ``flux_phase`` is gained going
    left to right and lost going right to left:
    S = [[0, e^{i(phase - flux_phase)}], [e^{i(phase + flux_phase)}, 0]].
    Ports ``("left", "right")``.
    """
    phase = sp.sympify(phase)
    fp = sp.sympify(flux_phase)
    return SMatrix(
        [[0, sp.exp(I * (phase - fp))], [sp.exp(I * (phase + fp)), 0]], LR
    )


def y_junction(eps: sp.Expr | None = None) -> SMatrix:
    """Büttiker's symmetric three-way junction with coupling epsilon.

    Ports ``("lead", "arm1", "arm2")``, real symmetric S (Büttiker, Imry,
    Azbel 1984):

        S = [[-(a + b), sqrt(eps), sqrt(eps)],
             [sqrt(eps), a, b],
             [sqrt(eps), b, a]],
        a = (sqrt(1 - 2 eps) - 1)/2,  b = (sqrt(1 - 2 eps) + 1)/2,

    with 0 <= eps <= 1/2: eps = 0 decouples the lead from the arms (which then
    transmit perfectly into each other), eps = 1/2 is maximal coupling.
    """
    eps = _sym("epsilon", positive=True) if eps is None else sp.sympify(eps)
    s = sp.sqrt(1 - 2 * eps)
    q = sp.sqrt(eps)
    a = (s - 1) / 2
    b = (s + 1) / 2
    ranges = {eps: (0, sp.Rational(1, 2))} if isinstance(eps, sp.Symbol) else {}
    return SMatrix(
        [[-s, q, q], [q, a, b], [q, b, a]], ("lead", "arm1", "arm2"), ranges=ranges
    )


def beam_splitter(name: Any = "") -> SMatrix:
    """A reflectionless four-port beam splitter (e.g. a QPC between edge channels).

    Ports ``(1, 2, 3, 4)``: electrons entering at 1 or 2 leave at 3 or 4 and
    vice versa, with the symmetric unitary block
    [[sqrt(R), i sqrt(T)], [i sqrt(T), sqrt(R)]]; T = T<name> is the
    probability to cross (1 -> 4, 2 -> 3), R = 1 - T.
    """
    T, R = probabilities(name)
    B = [[sp.sqrt(R), I * sp.sqrt(T)], [I * sp.sqrt(T), sp.sqrt(R)]]
    m = sp.zeros(4, 4)
    for i in range(2):
        for j in range(2):
            m[2 + i, j] = B[i][j]
            m[j, 2 + i] = B[i][j]
    return SMatrix(m, (1, 2, 3, 4), relations={R: 1 - T}, ranges={T: (0, 1)})


def dephasing_coupler(eps: sp.Expr | None = None) -> SMatrix:
    """A reflectionless, direction-resolved coupler of a wire to a probe.

    Ports ``("left", "right", "pR", "pL")``: the wire's two ends and two probe
    channels.  A right-mover entering at ``left`` continues to ``right`` with
    amplitude sqrt(1 - eps) or is absorbed into ``pR`` with amplitude
    sqrt(eps); what ``pR`` emits leaves as a right-mover (at ``right``).
    Left-movers and ``pL`` likewise.  Nothing is backscattered::

        S = [[0, a, 0, b], [a, 0, b, 0], [b, 0, -a, 0], [0, b, 0, -a]],
        a = sqrt(1 - eps), b = sqrt(eps), 0 <= eps <= 1.

    S is unitary but not symmetric: the coupler is not reciprocal, as a
    probe that preserves the direction of motion cannot be (a reciprocal
    channel that emits right-movers absorbs left-movers).  Connected to one
    reservoir, ``pR`` and ``pL`` make a two-channel Büttiker voltage probe
    (dephasing plus momentum relaxation); connected to two separate floating
    reservoirs, a probe that randomizes the phase but keeps the direction of
    motion (pure dephasing).  Büttiker's Y-junction coupling
    (:func:`y_junction`) also backscatters in the wire; this coupler
    separates the two effects.  Reference: Büttiker, PRB 33, 3020 (1986);
    IBM J. Res. Dev. 32, 63 (1988).
    """
    eps = _sym("epsilon", positive=True) if eps is None else sp.sympify(eps)
    a, b = sp.sqrt(1 - eps), sp.sqrt(eps)
    ranges = {eps: (0, 1)} if isinstance(eps, sp.Symbol) else {}
    return SMatrix(
        [[0, a, 0, b], [a, 0, b, 0], [b, 0, -a, 0], [0, b, 0, -a]],
        ("left", "right", "pR", "pL"),
        ranges=ranges,
    )


# --------------------------------------------------------------- Nambu space
def nambu(S: SMatrix, energy: sp.Expr | None = None) -> SMatrix:
    """A normal scatterer in particle-hole (Nambu) space: electrons scatter with S(E),
    holes with S(-E)^*.

    Every port p of ``S`` becomes two, ``(lead, channel, spin, "e")`` and
    ``(..., "h")``, electrons first; no scattering between them (a normal
    scatterer conserves charge).  ``energy``: the symbol E of an
    energy-dependent S (flipped to -E for the holes); None for an
    energy-independent scatterer, whose hole block is S^*.  Reference:
    Beenakker, Rev. Mod. Phys. 69, 731 (1997), sec. II.A.
    """
    Se = S.matrix
    Sh = Se.conjugate() if energy is None else Se.subs(energy, -energy).conjugate()
    n = Se.shape[0]
    M = sp.zeros(2 * n, 2 * n)
    M[:n, :n] = Se
    M[n:, n:] = Sh
    ports = [(p.lead, p.channel, p.spin, "e") for p in S.ports] + \
        [(p.lead, p.channel, p.spin, "h") for p in S.ports]
    return SMatrix(M, ports, relations=S.relations, ranges=S.ranges)


def andreev_reflector(chi: sp.Expr | None = None, phase: sp.Expr = 0) -> SMatrix:
    """Ideal normal-superconductor interface below the gap: perfect Andreev reflection.

    Ports ``("N", 0, None, "e")``, ``("N", 0, None, "h")`` (the normal side):
    an electron returns as a hole with r_he = e^{-i chi} e^{i phase} and a hole as
    an electron with r_eh = e^{-i chi} e^{-i phase}, where chi = arccos(E/Delta)
    (0 < chi < pi for |E| < Delta) and ``phase`` is the superconductor's phase;
    no normal reflection.  With holes scattering by S^* (:func:`nambu`) and this
    phase convention, composed Nambu S-matrices obey particle-hole symmetry in the
    form S(E) = tau_y S^*(-E) tau_y (chi(-E) = pi - chi(E)); Beenakker's
    tau_x form holds in the basis where hole amplitudes carry a factor i.
    Above the gap the interface transmits quasiparticles, which this
    two-port does not describe.  Reference: Andreev, JETP 19, 1228 (1964);
    Beenakker, PRB 46, 12841 (1992).
    """
    chi = _sym("chi", real=True) if chi is None else sp.sympify(chi)
    phase = sp.sympify(phase)
    r_he = sp.exp(-I * chi) * sp.exp(I * phase)
    r_eh = sp.exp(-I * chi) * sp.exp(-I * phase)
    ranges = {chi: (0, sp.pi)} if isinstance(chi, sp.Symbol) else {}
    return SMatrix([[0, r_eh], [r_he, 0]], [("N", 0, None, "e"), ("N", 0, None, "h")],
                   ranges=ranges)


def nambu_propagation(phase: sp.Expr, flux_phase: sp.Expr = 0) -> SMatrix:
    """Free propagation in Nambu space: electrons as :func:`propagation`, holes with
    the opposite phase and the opposite sign of the flux (their charge).

    Ports ``(left|right, 0, None, e|h)``, electrons first.
    """
    phase, fp = sp.sympify(phase), sp.sympify(flux_phase)
    M = sp.zeros(4, 4)
    M[0, 1] = sp.exp(I * (phase - fp))  # e: right -> left
    M[1, 0] = sp.exp(I * (phase + fp))  # e: left -> right
    M[2, 3] = sp.exp(-I * (phase + fp))  # h: right -> left, charge -e
    M[3, 2] = sp.exp(-I * (phase - fp))  # h: left -> right
    ports = [("left", 0, None, "e"), ("right", 0, None, "e"),
             ("left", 0, None, "h"), ("right", 0, None, "h")]
    return SMatrix(M, ports)


def andreev_transmitter(q: sp.Expr | None = None) -> SMatrix:
    """Ideal normal-superconductor interface above the gap (E > Delta).

    Ports ``("N", 0, None, e|h)`` on the normal side and ``("S", 0, None, e|h)``,
    the superconductor's electron-like and hole-like quasiparticles.  Andreev
    reflection has amplitude a = v0/u0 = (E - sqrt(E^2 - Delta^2))/Delta < 1, the
    rest, sqrt(1 - a^2), enters the superconductor without branch crossing::

        S = [[0, a, s, 0], [a, 0, 0, s], [s, 0, 0, -a], [0, s, -a, 0]],  s = sqrt(1 - a^2).

    ``q`` is a^2 (a positive symbol ``q`` by default); s^2 is the symbol ``p`` with
    the relation p = 1 - q, as R = 1 - T for a barrier.  Reference: Blonder, Tinkham,
    Klapwijk, PRB 25, 4515 (1982); Beenakker, Rev. Mod. Phys. 69, 731 (1997).
    """
    a2 = _sym("q", positive=True) if q is None else sp.sympify(q)
    s2 = _sym("p", positive=True)
    a, s = sp.sqrt(a2), sp.sqrt(s2)
    ranges = {a2: (0, 1)} if isinstance(a2, sp.Symbol) else {}
    return SMatrix([[0, a, s, 0], [a, 0, 0, s], [s, 0, 0, -a], [0, s, -a, 0]],
                   [("N", 0, None, "e"), ("N", 0, None, "h"), ("S", 0, None, "e"), ("S", 0, None, "h")],
                   relations={s2: 1 - a2}, ranges=ranges)

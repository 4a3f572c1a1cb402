"""Ready-made tight-binding systems (square lattice, lattice constant 1).

Every shape returns a finalized :class:`~lbsym.lattice.System` (or, with
``finalize=False``, its :class:`~lbsym.lattice.Builder`).  Physical inputs
may be numbers or parameter *names* (strings), read at solve time from
``system.smatrix(E, params={name: value})``.

Conventions
-----------
* Hopping ``t`` (default 1), ``H = sum eps |i><i| - t sum |i><j| + h.c.``.
* Leads are numbered in the order documented by each shape; the phase
  reference of every lead is its interface site(s) (lead position ``m = 0``).
* Magnetic field: ``field`` is the flux per plaquette in units of Phi0,
  counter-clockwise (B along +z), via Peierls phases
  ``exp(2 pi i int_j^i A.dl)`` on the element from j to i.  Landau gauge
  ``A = (-B y, 0)`` in the system and horizontal leads; vertical leads use
  ``(0, B x)`` (attached with the gauge change ``chi = B x y``), so every
  lead is translationally invariant and the field fills the whole plane.
* Spin (``norbs = 2``, orbital innermost, ``sigma_z`` basis): ``zeeman`` adds
  ``zeeman * sigma_z`` on site; ``spin_orbit = alpha`` makes the hopping
  from (x, y) to (x+1, y) ``t - i alpha sigma_y`` and from (x, y) to
  (x, y+1) ``t + i alpha sigma_x`` (Rashba).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from ..errors import LatticeError
from ._callables import Combo, Gauge, GaugeChange, PhaseHop, Saddle, Shifted
from .system import Builder, Lead, System

__all__ = [
    "square_lead",
    "chain",
    "strip",
    "ring",
    "junction",
    "cross",
    "hbar",
    "qpc",
    "hall_bar",
    "SIGMA_0",
    "SIGMA_X",
    "SIGMA_Y",
    "SIGMA_Z",
]

SIGMA_0 = np.eye(2, dtype=complex)
SIGMA_X = np.array([[0, 1], [1, 0]], dtype=complex)
SIGMA_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
SIGMA_Z = np.array([[1, 0], [0, -1]], dtype=complex)
for _m in (SIGMA_0, SIGMA_X, SIGMA_Y, SIGMA_Z):
    _m.setflags(write=False)


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise LatticeError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def _onsite(base: Any, norbs: int, zeeman: Any = None) -> Any:
    eye = np.eye(norbs)
    terms = [(base, eye)]
    if zeeman is not None and not (isinstance(zeeman, (int, float)) and zeeman == 0):
        terms.append((zeeman, SIGMA_Z))
    if len(terms) == 1 and not isinstance(base, str) and not callable(base):
        return base
    if len(terms) == 1 and callable(base):
        return base
    return Combo(terms, 1).value()


def _hop(t: Any, norbs: int, direction: str, spin_orbit: Any = None) -> Any:
    if norbs == 1 or spin_orbit is None or (isinstance(spin_orbit, (int, float)) and spin_orbit == 0):
        if isinstance(t, str):
            return Combo([(t, np.eye(norbs))], 2)
        return t
    so = -1j * SIGMA_Y if direction == "x" else 1j * SIGMA_X
    return Combo([(t, np.eye(2)), (spin_orbit, so)], 2).value()


def _check_norbs(norbs: int, zeeman: Any, spin_orbit: Any) -> int:
    norbs = _check_int("norbs", norbs, 1)
    if norbs not in (1, 2):
        raise LatticeError(f"norbs: expected 1 (spinless) or 2 (spin), got {norbs}")
    if norbs == 1 and (zeeman is not None or spin_orbit is not None):
        raise LatticeError("zeeman/spin_orbit need norbs=2 (spin), got norbs=1")
    return norbs


def square_lead(
    cell: Sequence[tuple[int, int]],
    translation: tuple[int, int],
    *,
    onsite: Any = 0.0,
    t: Any = 1.0,
    norbs: int = 1,
    vector_potential: Callable[..., np.ndarray] | None = None,
    zeeman: Any = None,
    spin_orbit: Any = None,
) -> Lead:
    """A square-lattice lead whose cell 0 is the given sites (in the system).

    Nearest neighbours within the cell are bonded; each site is bonded to
    its image ``site + translation`` in the next cell.  ``onsite`` may be a
    function ``f(pos, **params)`` (it must not depend on the coordinate along
    ``translation``).
    """
    lead = Lead(translation, norbs, vector_potential=vector_potential)
    cell = [tuple(c) for c in cell]
    for c in cell:
        lead.add_site(c, _onsite(onsite, norbs, zeeman))
    cs = set(cell)
    T = tuple(translation)
    along = "x" if T[0] != 0 else "y"
    for (x, y) in cell:
        for dx, dy, d in ((1, 0, "x"), (0, 1, "y")):
            if (x + dx, y + dy) in cs:
                lead.add_hopping((x + dx, y + dy), (x, y), _hop(t, norbs, d, spin_orbit))
    for (x, y) in cell:
        nxt = (x + T[0], y + T[1])
        # the system's bonds are added as element from (x, y) to (x, y) + e_d (value T_d); the element
        # H[a_m, (a + T)_{m+1}] is the hop backwards along e_d (value T_d^dagger) when T points along +e_d
        hop = _hop(t, norbs, along, spin_orbit)
        lead.add_hopping((x, y), nxt, _dagger(hop) if T[0] + T[1] > 0 else hop)
    return lead


class _Dagger:
    """Hermitian conjugate of a hopping value (swapping the two positions)."""

    def __init__(self, f: Callable[..., Any]) -> None:
        import inspect

        self.f = f
        self.__signature__ = inspect.signature(f)

    def __call__(self, a: Any, b: Any, **kw: Any) -> Any:
        return np.conj(np.transpose(np.asarray(self.f(b, a, **kw), dtype=complex)))


def _dagger(value: Any) -> Any:
    if callable(value):
        return _Dagger(value)
    if isinstance(value, str):
        raise AssertionError("internal: string hopping not wrapped")
    return np.conj(np.transpose(np.asarray(value, dtype=complex)))


def _fill_square(b: Builder, sites: Iterable[tuple[int, int]], onsite: Callable[[tuple[int, int]], Any] | None,
                 t: Any, spin_orbit: Any = None, *, value: Any = 0.0) -> None:
    """Add sites and all nearest-neighbour bonds among them (bond from (x,y) to (x+1,y) or (x,y+1)).

    ``onsite(site)`` gives each site's value; ``onsite=None`` gives every site ``value``.
    Neighbours are found with integer keys in numpy (sorted search), not per site in Python.
    """
    sites = list(dict.fromkeys(sites))
    if onsite is None:
        b.add_sites(sites, value)
    else:
        b.add_sites(sites, values=[onsite(s) for s in sites])
    present = list(b._onsite)
    try:
        own = np.array(sites, dtype=np.int64)
        xy = own if len(present) == len(sites) else np.array(present, dtype=np.int64)
        ok = xy.ndim == 2 and xy.shape[1] == 2 and own.ndim == 2 and own.shape[1] == 2
    except (TypeError, ValueError, OverflowError):
        ok = False
    if ok:  # every tag an (x, y) pair of integers: sorted integer keys
        lo = xy.min(axis=0) - 1
        span = int(xy[:, 1].max() - lo[1]) + 2
        keys = (xy[:, 0] - lo[0]) * span + (xy[:, 1] - lo[1])
        order = np.argsort(keys)
        skeys = keys[order]
    hops = b._hops
    for dx, dy, d in ((1, 0, "x"), (0, 1, "y")):
        if ok:
            nkeys = (own[:, 0] + dx - lo[0]) * span + (own[:, 1] + dy - lo[1])
            pos = np.minimum(np.searchsorted(skeys, nkeys), len(skeys) - 1)
            found = np.flatnonzero(skeys[pos] == nkeys)
            pairs = [(present[p], sites[i]) for p, i in zip(order[pos[found]].tolist(), found.tolist())]
            if hops:
                pairs = [(a, c) for a, c in pairs if (a, c) not in hops and (c, a) not in hops]
        else:
            pset = set(present)
            pairs = [((x + dx, y + dy), (x, y)) for (x, y) in sites
                     if (x + dx, y + dy) in pset and ((x + dx, y + dy), (x, y)) not in hops
                     and ((x, y), (x + dx, y + dy)) not in hops]
        b.add_hoppings(pairs, _hop(t, b.norbs, d, spin_orbit))


def _disorder(n: int, strength: float, seed: Any) -> np.ndarray:
    if strength == 0:
        return np.zeros(n)
    if not np.isfinite(strength) or strength < 0:
        raise LatticeError(f"disorder: expected a finite strength U >= 0, got {strength!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return rng.uniform(-strength / 2, strength / 2, size=n)


def chain(
    impurities: Mapping[int, Any] | None = None,
    *,
    left: int | None = None,
    right: int | None = None,
    t: float = 1.0,
    eps: Any = 0.0,
    norbs: int = 1,
    finalize: bool = True,
) -> System | Builder:
    """A 1D chain with impurities, and two semi-infinite 1D leads.

    Parameters
    ----------
    impurities : mapping site -> on-site energy
        Extra on-site energies (numbers, parameter names or ``f(pos, **params)``;
        with ``norbs=2`` also 2x2 Hermitian matrices, e.g. a spin-flip
        impurity ``eps * SIGMA_0 + b * SIGMA_X``).
    left, right : int, optional
        The system holds sites ``left..right`` (tags ``(n,)``); default: the
        smallest and largest impurity site (0 if none).
    t : float
        Hopping everywhere (leads too).
    eps : number or str
        On-site energy of every site (leads too, so the band is
        ``E = eps - 2t cos k``).

    Returns
    -------
    System
        Lead 0 attached at site ``left`` (extends to ``left - 1, left - 2, ...``),
        lead 1 at site ``right``.  Phase reference: lead 0's plane wave
        position 0 is site ``left``, lead 1's is site ``right``; modes are
        ``e^{+-ikm}/sqrt(2 t sin k)``.

    Examples
    --------
    >>> import numpy as np
    >>> s = chain({0: 0.5})
    >>> k = 1.0; E = -2 * np.cos(k)
    >>> S = s.smatrix(E)
    >>> bool(np.isclose(S.data[1, 0], 2j*np.sin(k) / (2j*np.sin(k) - 0.5)))
    True
    """
    impurities = dict(impurities or {})
    keys = sorted(impurities) or [0]
    for k in keys:
        _check_int("impurity site", k, -(2**62))
    lo = keys[0] if left is None else int(left)
    hi = keys[-1] if right is None else int(right)
    if lo > hi or keys[0] < lo or keys[-1] > hi:
        raise LatticeError(f"chain: expected left <= impurity sites <= right, got left={lo}, right={hi}, "
                           f"impurities at {keys}")
    norbs = _check_norbs(norbs, None, None)
    eye = np.eye(norbs)
    b = Builder(norbs)
    for n in range(lo, hi + 1):
        terms = [(eps, eye)]
        if n in impurities:
            terms.append((impurities[n], eye))
        value = Combo(terms, 1)
        b.add_site((n,), value.value() if value.is_const else value)
    for n in range(lo, hi):
        b.add_hopping((n + 1,), (n,), t)
    lead_eps = Combo([(eps, eye)], 1) if isinstance(eps, str) else eps
    b.attach_lead(Lead.chain(-1, t=t, eps=lead_eps, norbs=norbs), interface=[(lo,)])
    b.attach_lead(Lead.chain(+1, t=t, eps=lead_eps, norbs=norbs), interface=[(hi,)])
    return b.finalized() if finalize else b


def _lead_eps(eps: Any) -> Any:
    if isinstance(eps, str):
        return Combo([(eps, np.eye(1))], 1)
    return eps


def ring(
    n_upper: int,
    n_lower: int,
    *,
    flux: Any = "phi",
    t: float = 1.0,
    eps: Any = 0.0,
    spread: bool = False,
    finalize: bool = True,
) -> System | Builder:
    """A two-arm 1D ring threaded by a flux, with two 1D leads.

    Sites: junctions ``'L'`` and ``'R'`` (three neighbours each: a lead and
    the two arms), upper arm ``('u', 1..n_upper)`` from L to R, lower arm
    ``('d', 1..n_lower)`` from L to R (an arm with 0 sites is a direct bond).

    Parameters
    ----------
    n_upper, n_lower : int
        Number of sites in each arm (arm lengths ``n + 1`` bonds).
    flux : number or str
        Flux Phi/Phi0 through the loop, counter-clockwise with the upper arm
        on top: going L -> lower arm -> R -> upper arm -> L, the product of
        the matrix elements carries ``exp(2 pi i Phi/Phi0)``.  Default: the
        parameter ``'phi'``.
    spread : bool
        False: the whole phase on the bond from the first upper site (or R)
        to L; True: equal shares on every bond of the loop.
    eps : number or str
        On-site energy of the ring sites (leads have 0).

    Returns
    -------
    System
        Lead 0 attached at 'L', lead 1 at 'R' (phase references); 1D-chain
        modes ``e^{+-ikm}/sqrt(2 t sin k)``.
    """
    n_upper = _check_int("n_upper", n_upper, 0)
    n_lower = _check_int("n_lower", n_lower, 0)
    if n_upper == 0 and n_lower == 0:
        raise LatticeError("ring: expected at least one arm with sites (two direct bonds L-R would coincide)")
    b = Builder()
    on = Combo([(eps, np.eye(1))], 1)
    on = on.value() if on.is_const else on
    upper = ["L"] + [("u", i) for i in range(1, n_upper + 1)] + ["R"]
    lower = ["L"] + [("d", i) for i in range(1, n_lower + 1)] + ["R"]
    for s in dict.fromkeys(upper + lower):
        b.add_site(s, on)
    nb = len(upper) - 1 + len(lower) - 1
    # counter-clockwise: L -> lower -> R -> upper (reversed) -> L; the element from j to the next site i
    loop = lower + upper[::-1][1:]
    for k in range(nb):
        j, i = loop[k], loop[k + 1]
        if spread:
            frac = 1.0 / nb
        else:
            frac = 1.0 if (i == "L" and j == upper[1]) else 0.0
        b.add_hopping(i, j, PhaseHop(t, flux, frac) if frac else t)
    b.attach_lead(Lead.chain(-1, t=t), interface=["L"])
    b.attach_lead(Lead.chain(+1, t=t), interface=["R"])
    return b.finalized() if finalize else b


def junction(n_leads: int = 3, *, eps: Any = 0.0, t: float = 1.0, finalize: bool = True) -> System | Builder:
    """One site ``'J'`` with ``n_leads`` semi-infinite 1D chains attached directly.

    All leads have hopping ``t`` and share the phase reference: site J is
    position 0 of every lead's plane waves ``e^{+-ikm}/sqrt(v)``,
    ``v = 2 t sin k``.  Closed form: ``S_ij = -delta_ij + i v G_J`` with
    ``G_J = 1/(E - eps + n t e^{ik})`` (``n`` leads, self-energy ``-t e^{ik}`` each).
    """
    n_leads = _check_int("n_leads", n_leads, 1)
    b = Builder()
    b.add_site("J", _lead_eps(eps) if isinstance(eps, str) else eps)
    for _ in range(n_leads):
        b.attach_lead(Lead.chain(1, t=t), interface=["J"])
    return b.finalized() if finalize else b


def strip(
    W: int,
    L: int,
    *,
    potential: Any = None,
    disorder: float = 0.0,
    seed: Any = None,
    t: Any = 1.0,
    field: Any = None,
    norbs: int = 1,
    zeeman: Any = None,
    spin_orbit: Any = None,
    lead_potential: Any = 0.0,
    finalize: bool = True,
) -> System | Builder:
    """A W x L square-lattice strip between two clean strip leads.

    Sites ``(x, y)``, ``0 <= x < L``, ``0 <= y < W`` (hard walls).  Lead 0
    at the column x = 0 (extends to x < 0), lead 1 at x = L - 1.

    Parameters
    ----------
    potential : number, str or ``f(pos, **params)``, optional
        On-site potential in the strip.
    disorder : float
        Anderson disorder: uniform on-site energies in ``[-U/2, U/2]``,
        drawn with ``numpy.random.default_rng(seed)`` in the order of
        ``x`` then ``y`` (row-major over ``(x, y)``).
    field : number or str, optional
        Flux per plaquette (Phi0) in the strip and the leads, Landau gauge
        ``A = (-B y, 0)``.
    norbs, zeeman, spin_orbit : spin options (see module docstring).
    lead_potential : number or str
        On-site energy in the leads (and added to nothing in the strip).
    """
    W = _check_int("W", W, 1)
    L = _check_int("L", L, 1)
    norbs = _check_norbs(norbs, zeeman, spin_orbit)
    A = None if field is None else Gauge(field, "x")
    b = Builder(norbs, vector_potential=A)
    rnd = _disorder(W * L, float(disorder), seed).reshape(L, W)
    pot = 0.0 if potential is None else potential

    def onsite(s):
        if not rnd[s[0], s[1]] and isinstance(pot, (int, float)) and zeeman is None:
            return pot
        base = pot
        if rnd[s[0], s[1]] != 0:
            base = Shifted(pot, rnd[s[0], s[1]]) if callable(pot) else (
                Combo([(pot, np.eye(1)), (rnd[s[0], s[1]], np.eye(1))], 1) if isinstance(pot, str)
                else pot + rnd[s[0], s[1]])
        if isinstance(base, Combo):
            base = base.value()
        return _onsite(base, norbs, zeeman)

    grid = ((x, y) for x in range(L) for y in range(W))
    if not rnd.any():  # one value for every site
        _fill_square(b, grid, None, t, spin_orbit, value=_onsite(pot, norbs, zeeman))
    else:
        _fill_square(b, grid, onsite, t, spin_orbit)
    for x0, T in ((0, (-1, 0)), (L - 1, (1, 0))):
        b.attach_lead(square_lead([(x0, y) for y in range(W)], T, onsite=_lead_eps(lead_potential), t=t,
                                  norbs=norbs, vector_potential=A, zeeman=zeeman, spin_orbit=spin_orbit))
    return b.finalized() if finalize else b


def cross(W: int, arm: int, *, field: Any = None, field_everywhere: bool = True, t: float = 1.0,
          finalize: bool = True) -> System | Builder:
    """A four-terminal cross: a W x W centre with four arms of width W and length ``arm``.

    Leads: 0 left (-x), 1 right (+x), 2 bottom (-y), 3 top (+y).  ``field``
    (flux per plaquette, number or parameter name) fills the whole plane:
    Landau gauge ``A = (-B y, 0)`` in the system and the horizontal leads,
    ``(0, B x)`` in the vertical leads (gauge change ``chi = B x y`` at their
    interfaces).  With ``field_everywhere=False`` the clipped gauge
    ``A = (-B clip(y, 0, W-1), 0)`` is used instead: the field then fills
    only the horizontal band, the vertical arms and leads are field-free.
    """
    W = _check_int("W", W, 1)
    arm = _check_int("arm", arm, 0)
    A = None if field is None else (Gauge(field, "x") if field_everywhere else Gauge(field, "x", 0.0, W - 1.0))
    b = Builder(vector_potential=A)
    sites = [(x, y) for x in range(-arm, W + arm) for y in range(W)]
    sites += [(x, y) for x in range(W) for y in list(range(-arm, 0)) + list(range(W, W + arm))]
    _fill_square(b, sites, None, t)
    specs = [([(-arm, y) for y in range(W)], (-1, 0)), ([(W + arm - 1, y) for y in range(W)], (1, 0)),
             ([(x, -arm) for x in range(W)], (0, -1)), ([(x, W + arm - 1) for x in range(W)], (0, 1))]
    for cell, T in specs:
        _attach_square_lead(b, cell, T, t, A, field, field_everywhere)
    return b.finalized() if finalize else b


def _attach_square_lead(b: Builder, cell, T, t, A, field, field_everywhere: bool) -> None:
    """Attach a square lead; vertical leads in a full field get the gauge (0, B x)."""
    if A is not None and field_everywhere and T[1] != 0:
        b.attach_lead(square_lead(cell, T, t=t, vector_potential=Gauge(field, "y")), gauge=GaugeChange(field))
    else:
        b.attach_lead(square_lead(cell, T, t=t, vector_potential=A))


def hbar(
    bar_width: int,
    bar_length: int,
    bridge_width: int,
    bridge_length: int,
    *,
    field: Any = None,
    t: float = 1.0,
    potential: Any = None,
    finalize: bool = True,
) -> System | Builder:
    """An H-bar: two vertical bars joined by a horizontal bridge; four vertical leads.

    Left bar ``0 <= x < bar_width``, right bar ``bar_width + bridge_length <= x
    < 2 bar_width + bridge_length``, both ``0 <= y < bar_length``; the bridge
    spans the gap at ``y0 <= y < y0 + bridge_width``,
    ``y0 = (bar_length - bridge_width) // 2``.  Leads: 0 left bar bottom,
    1 left bar top, 2 right bar bottom, 3 right bar top.  ``field``: flux
    per plaquette everywhere, gauge ``A = (0, B x)``.
    """
    bw = _check_int("bar_width", bar_width, 1)
    bl = _check_int("bar_length", bar_length, 1)
    brw = _check_int("bridge_width", bridge_width, 1)
    brl = _check_int("bridge_length", bridge_length, 0)
    if brw > bl:
        raise LatticeError(f"hbar: expected bridge_width <= bar_length, got {brw} > {bl}")
    A = None if field is None else Gauge(field, "y")
    b = Builder(vector_potential=A)
    y0 = (bl - brw) // 2
    x2 = bw + brl
    sites = [(x, y) for x in list(range(bw)) + list(range(x2, x2 + bw)) for y in range(bl)]
    sites += [(x, y) for x in range(bw, x2) for y in range(y0, y0 + brw)]
    pot = 0.0 if potential is None else potential
    _fill_square(b, sites, None, t, value=pot)
    for xs in (range(bw), range(x2, x2 + bw)):
        b.attach_lead(square_lead([(x, 0) for x in xs], (0, -1), t=t, vector_potential=A))
        b.attach_lead(square_lead([(x, bl - 1) for x in xs], (0, 1), t=t, vector_potential=A))
    return b.finalized() if finalize else b


def qpc(
    W: int,
    L: int,
    *,
    v0: Any = "V0",
    omega_x: Any = "wx",
    omega_y: Any = "wy",
    t: float = 1.0,
    field: Any = None,
    norbs: int = 1,
    zeeman: Any = None,
    finalize: bool = True,
) -> System | Builder:
    """A saddle-point constriction (Büttiker, PRB 41, 7906 (1990)) in a W x L strip.

    ``V(x, y) = [V0 + (m/2)(omega_y^2 y'^2 - omega_x^2 x'^2)] cos^2(pi x'/(L-1))``
    with ``x' = x - (L-1)/2``, ``y' = y - (W-1)/2``, effective mass
    ``m = 1/(2t)`` (the band bottom ``E ~ -4t + t k^2``) so ``omega`` are the
    oscillator energies (hbar = a = 1).  The window makes V vanish at the
    strip ends (clean strip leads); it adds ``V0 pi^2/(L-1)^2`` to the
    barrier curvature ``m omega_x^2``.  Leads as in :func:`strip`.
    """
    W = _check_int("W", W, 1)
    L = _check_int("L", L, 3)
    norbs = _check_norbs(norbs, zeeman, None)
    pot = Saddle(v0, omega_x, omega_y, (L - 1) / 2, (W - 1) / 2, (L - 1) / 2, t)
    return strip(W, L, potential=pot, t=t, field=field, norbs=norbs, zeeman=zeeman, finalize=finalize)


def hall_bar(
    W: int,
    L: int,
    *,
    probe_width: int,
    probe_length: int = 2,
    probe_centers: tuple[int, int] | None = None,
    field: Any = "phi",
    field_everywhere: bool = True,
    t: float = 1.0,
    finalize: bool = True,
) -> System | Builder:
    """A six-terminal Hall bar in a perpendicular field.

    The bar: ``0 <= x < L``, ``0 <= y < W``; two probe arms below and two
    above, ``probe_width`` wide, centred at ``probe_centers`` (default
    ``L/4`` and ``3L/4``), ``probe_length`` long.  Leads, counter-clockwise:
    0 left, 1 bottom-left, 2 bottom-right, 3 right, 4 top-right, 5 top-left.

    ``field``: flux per plaquette (Phi0, default parameter ``'phi'``)
    everywhere: Landau gauge ``A = (-B y, 0)`` in the bar and the current
    leads 0 and 3, ``(0, B x)`` in the probe leads (gauge change
    ``chi = B x y`` at their interfaces).  With ``field_everywhere=False``
    the clipped gauge ``A = (-B clip(y, 0, W-1), 0)`` puts the field in the
    bar and the current leads only (field-free probes; in the quantum Hall
    regime the Hall resistance stays quantized).
    """
    W = _check_int("W", W, 1)
    L = _check_int("L", L, 1)
    pw = _check_int("probe_width", probe_width, 1)
    pl = _check_int("probe_length", probe_length, 0)
    centers = probe_centers or (L // 4, (3 * L) // 4)
    starts = [int(c) - pw // 2 for c in centers]
    if starts[0] < 0 or starts[1] + pw > L or starts[0] + pw > starts[1]:
        raise LatticeError(f"hall_bar: probes must fit in the bar without overlapping; got probe_centers={centers}, "
                           f"probe_width={pw}, L={L}")
    A = None if field is None else (Gauge(field, "x") if field_everywhere else Gauge(field, "x", 0.0, W - 1.0))
    b = Builder(vector_potential=A)
    sites = [(x, y) for x in range(L) for y in range(W)]
    for x0 in starts:
        sites += [(x, y) for x in range(x0, x0 + pw) for y in list(range(-pl, 0)) + list(range(W, W + pl))]
    _fill_square(b, sites, None, t)
    bottom = [([(x, -pl) for x in range(x0, x0 + pw)], (0, -1)) for x0 in starts]
    top = [([(x, W + pl - 1) for x in range(x0, x0 + pw)], (0, 1)) for x0 in starts[::-1]]
    specs = [([(0, y) for y in range(W)], (-1, 0)), *bottom, ([(L - 1, y) for y in range(W)], (1, 0)), *top]
    for cell, T in specs:
        _attach_square_lead(b, cell, T, t, A, field, field_everywhere)
    return b.finalized() if finalize else b

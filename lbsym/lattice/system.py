"""Tight-binding systems: a mutable :class:`Builder` and the frozen :class:`System`.

Conventions
-----------
* Hamiltonian ``H = sum_i eps_i |i><i| - sum_<ij> t_ij |i><j| + h.c.``; the
  hopping ``t`` defaults to 1, so a clean 1D chain has ``E = -2 t cos k``.
  ``add_hopping(a, b, t)`` sets the matrix element ``H[a, b] = -t`` (times the
  Peierls factor) and ``H[b, a] = -conj(t)`` (``-t^dagger`` for matrices).
* Sites are any hashable tags.  Square-lattice tags are tuples of numbers
  ``(x, y)`` (lattice constant 1); their position is the tag.  Other tags may
  be given a position with ``add_site(tag, pos=...)``.
* With ``norbs = 2`` (spin) every value is a 2x2 matrix (a number means that
  number times the identity) and the orbital index is innermost: orbital
  ``norbs * site_index + s``.
* Peierls phase: with a vector potential ``A`` (in units where the flux
  quantum is 1, i.e. the line integral of ``A`` is in units of Phi0), the
  hopping matrix element from site ``b`` to site ``a`` is multiplied by
  ``exp(2 pi i A(r_mid) . (r_a - r_b))`` (midpoint rule, exact for ``A``
  linear in position such as the Landau gauge ``A = (-B y, 0)``, for which
  each plaquette holds flux ``B`` (in Phi0) counter-clockwise).  An explicit
  flux through a loop: :meth:`Builder.add_flux` ``(loop, flux)``, or by hand
  a hopping value ``t * exp(2 pi i phi)`` on one bond ``(a, b)``, which makes
  ``H[a, b] = -t exp(2 pi i phi)``; the product of the matrix elements along
  the loop (each from one site to the next, counter-clockwise) then carries
  ``exp(2 pi i Phi/Phi0)``.
* Values may be functions ``f(pos, **params)`` (on-site) or
  ``f(pos_a, pos_b, **params)`` (hopping) of named parameters, so one built
  system serves a whole sweep: ``system.smatrix(E, params={...})``.

Leads
-----
A :class:`Lead` is one unit cell of a semi-infinite periodic wire.  Its cell
``0`` lies *inside* the system (the interface cell: the sites the lead is
attached to); the lead's own cells ``m = 1, 2, ...`` are at ``tag + m *
translation``, with the translation pointing away from the system.  The
interface cell keeps the system's on-site values (it may hold an
impurity); the coupling between cell 0 and cell 1 is the lead's inter-cell
hopping.  Position ``m`` of a lead's plane waves ``lambda^m phi`` is counted
from the interface cell (``m = 0``), which is the phase reference of the
scattering matrix.
"""

from __future__ import annotations

import numbers
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..errors import LatticeError
from ._values import Value, check_hermitian, make_value, param_names

__all__ = ["Builder", "Lead", "System", "FinalizedLead"]

VectorPotential = Callable[..., np.ndarray]


_REAL_TYPES = frozenset((int, float, np.int64, np.float64, np.int32))


def _is_lattice_tag(tag: Hashable) -> bool:
    """True for tags that are their own position: tuples of 1 to 3 real numbers."""
    if type(tag) is not tuple or not 1 <= len(tag) <= 3:
        return False
    for v in tag:
        if type(v) not in _REAL_TYPES and (not isinstance(v, numbers.Real) or isinstance(v, bool)):
            return False
    return True


def _lattice_pos(tag: Hashable) -> np.ndarray | None:
    return np.array(tag, dtype=float) if _is_lattice_tag(tag) else None


def _check_vector_potential(A: VectorPotential | None) -> tuple[VectorPotential | None, Value | None]:
    if A is None:
        return None, None
    if not callable(A):
        raise LatticeError(f"vector_potential: expected a function A(positions, **params), got {A!r}")
    req, opt, var_kw = param_names(A, 1, "vector_potential")
    return A, Value(None, A, req, opt, var_kw)


#: Marker in ``_SiteStore._pos``: the site's position is its (lattice) tag.
_TAG = object()


def _positions_of(tags: Sequence[Hashable], stored: Mapping[Hashable, Any]) -> tuple[np.ndarray | None, ...]:
    """Position arrays (read-only rows of one array where possible) of ``tags``; None for no position."""
    out = list(map(stored.__getitem__, tags))
    idx = [i for i, p in enumerate(out) if p is _TAG]
    if not idx:
        return tuple(out)
    try:
        groups = [(idx, np.array([tags[i] for i in idx], dtype=float))]
        if groups[0][1].ndim != 2:
            raise ValueError
    except ValueError:  # tags of several dimensions
        by_dim: dict[int, list[int]] = {}
        for i in idx:
            by_dim.setdefault(len(tags[i]), []).append(i)
        groups = [(ix, np.array([tags[i] for i in ix], dtype=float)) for ix in by_dim.values()]
    for ix, arr in groups:
        arr.setflags(write=False)
        for i, row in zip(ix, arr):
            out[i] = row
    return tuple(out)


class _SiteStore:
    """Shared bookkeeping of sites and hoppings for Builder and Lead."""

    def __init__(self, norbs: int, vector_potential: VectorPotential | None) -> None:
        if not isinstance(norbs, numbers.Integral) or norbs < 1:
            raise LatticeError(f"norbs: expected a positive integer, got {norbs!r}")
        self.norbs = int(norbs)
        self._A, self._A_value = _check_vector_potential(vector_potential)
        self._onsite: dict[Hashable, Value] = {}
        self._pos: dict[Hashable, np.ndarray | None] = {}

    def _add_site(self, tag: Hashable, onsite: Any, pos: Sequence[float] | None) -> None:
        try:
            hash(tag)
        except TypeError as exc:
            raise LatticeError(f"site tag: expected a hashable value, got {tag!r}") from exc
        value = make_value(onsite, self.norbs, 1, f"on-site value of site {tag!r}", onsite=True)
        if pos is None:
            p = _TAG if _is_lattice_tag(tag) else None  # resolved in bulk by _positions_of
        else:
            try:
                p = np.array(pos, dtype=float).ravel()
            except (TypeError, ValueError) as exc:
                raise LatticeError(f"pos of site {tag!r}: expected a sequence of numbers, got {pos!r}") from exc
            if not np.all(np.isfinite(p)):
                raise LatticeError(f"pos of site {tag!r}: expected finite coordinates, got {pos!r}")
        self._onsite[tag] = value
        self._pos[tag] = p

    def __contains__(self, tag: Hashable) -> bool:
        return tag in self._onsite

    def __len__(self) -> int:
        return len(self._onsite)


class Builder(_SiteStore):
    """A mutable tight-binding system; ``finalized()`` freezes it into a :class:`System`.

    Parameters
    ----------
    norbs : int
        Orbitals per site (1, or 2 for spin; orbital index innermost).
    vector_potential : callable, optional
        ``A(positions, **params)``, vectorized over ``positions`` of shape
        ``(n, dim)``; line integrals in units of the flux quantum.

    Examples
    --------
    >>> b = Builder()
    >>> for x in range(3):
    ...     b.add_site((x,), 0.0)
    >>> b.add_hopping((0,), (1,)); b.add_hopping((1,), (2,))
    >>> b.attach_lead(Lead.chain(direction=-1), interface=[(0,)])
    0
    >>> b.attach_lead(Lead.chain(direction=+1), interface=[(2,)])
    1
    >>> abs(b.finalized().smatrix(-1.0).transmission(1, 0) - 1) < 1e-12
    True
    """

    def __init__(self, norbs: int = 1, *, vector_potential: VectorPotential | None = None) -> None:
        super().__init__(norbs, vector_potential)
        self._hops: dict[tuple[Hashable, Hashable], Value] = {}
        self._leads: list[tuple[Lead, tuple[Hashable, ...], Value | None]] = []

    def add_site(self, tag: Hashable, onsite: Any = 0.0, *, pos: Sequence[float] | None = None) -> None:
        """Add (or overwrite) a site with on-site energy ``onsite``.

        ``onsite`` is a real number, a Hermitian ``norbs x norbs`` matrix, or
        a function ``f(pos, **params)`` returning one.
        """
        self._add_site(tag, onsite, pos)

    def __setitem__(self, tag: Hashable, onsite: Any) -> None:
        self.add_site(tag, onsite)

    def add_hopping(self, a: Hashable, b: Hashable, t: Any = 1.0) -> None:
        """Add a bond: ``H[a, b] = -t`` (times Peierls factor), ``H[b, a] = -t^dagger``.

        ``t`` is a number, a ``norbs x norbs`` matrix, or ``f(pos_a, pos_b, **params)``.
        Adding the reverse bond ``(b, a)`` again must give the Hermitian
        conjugate value, else :class:`LatticeError` (non-Hermitian hoppings).
        """
        if a == b:
            raise LatticeError(f"hopping: expected two different sites, got {a!r} twice (use the on-site value)")
        value = make_value(t, self.norbs, 2, f"hopping {a!r} -> {b!r}", onsite=False)
        if (b, a) in self._hops:
            old = self._hops[(b, a)]
            if old.is_const and value.is_const:
                if not np.allclose(old.const, value.const.conj().T, rtol=1e-12, atol=1e-14):
                    raise LatticeError(
                        f"non-Hermitian hopping set: bond ({b!r}, {a!r}) has t = {old.const.tolist()} "
                        f"but the reverse bond was given t = {value.const.tolist()}; expected the "
                        "Hermitian conjugate (or give each bond once)"
                    )
                return
            raise LatticeError(
                f"bond ({a!r}, {b!r}) was already given as ({b!r}, {a!r}); give each bond once "
                "(the reverse element is the Hermitian conjugate automatically)"
            )
        self._hops[(a, b)] = value

    def add_sites(self, tags: Iterable[Hashable], onsite: Any = 0.0, *, values: Sequence[Any] | None = None) -> None:
        """Add (or overwrite) many sites at once: the bulk form of :meth:`add_site`.

        Every site gets ``onsite`` (number, matrix or function, as for
        :meth:`add_site`), or, if ``values`` is given, one value per tag.
        Positions are the tags (lattice tags); use :meth:`add_site` for
        explicit positions.
        """
        tags = list(tags)
        if values is not None:
            values = list(values)
            if len(values) != len(tags):
                raise LatticeError(f"add_sites: expected one on-site value per tag ({len(tags)}), got {len(values)}")
            values = [make_value(v, self.norbs, 1, f"on-site value of site {t!r}", onsite=True)
                      for t, v in zip(tags, values)]
        else:
            shared = make_value(onsite, self.norbs, 1, "on-site value of add_sites", onsite=True)
            values = [shared] * len(tags)
        pos = []
        for t in tags:
            if type(t) is tuple and len(t) == 2 and type(t[0]) is int and type(t[1]) is int:
                pos.append(_TAG)  # the common square-lattice tag, checked inline
            else:
                try:
                    hash(t)
                except TypeError as exc:
                    raise LatticeError(f"site tag: expected a hashable value, got {t!r}") from exc
                pos.append(_TAG if _is_lattice_tag(t) else None)
        self._onsite.update(zip(tags, values))
        self._pos.update(zip(tags, pos))

    def add_hoppings(self, pairs: Iterable[tuple[Hashable, Hashable]], t: Any = 1.0) -> None:
        """Add many bonds with one value ``t``: the bulk form of :meth:`add_hopping`."""
        value = make_value(t, self.norbs, 2, "hopping of add_hoppings", onsite=False)
        hops = self._hops
        if not hops:  # a first batch: only pairs within it can clash, found by one set difference
            pairs = list(pairs)
            fwd = set(pairs)
            if len(fwd) == len(pairs) and not any((b, a) in fwd for a, b in pairs):
                hops.update(dict.fromkeys(pairs, value))
                return
        for a, b in pairs:
            if a == b or (b, a) in hops:
                self.add_hopping(a, b, t)  # the checks and messages of the single form
            else:
                hops[(a, b)] = value

    def add_flux(self, loop: Sequence[Hashable], flux: Any) -> None:
        """Thread a flux ``Phi/Phi0`` through a closed loop of existing bonds (Peierls phase on one bond).

        ``loop = [s0, s1, ..., s_{n-1}]`` lists the sites counter-clockwise;
        every consecutive pair (and ``s_{n-1}, s0``) must already be bonded.
        The closing element ``H[s0, s_{n-1}]`` is multiplied by
        ``exp(2 pi i Phi/Phi0)``, so the product of the matrix elements
        around the loop, ``H[s1, s0] H[s2, s1] ... H[s0, s_{n-1}]``, gains
        that phase.  ``flux`` is a number or a parameter name (str).
        """
        from ._callables import FluxBond

        loop = list(loop)
        if len(loop) < 3:
            raise LatticeError(f"add_flux: expected a loop of at least 3 sites, got {len(loop)}")
        for a, c in zip(loop, loop[1:] + loop[:1]):
            if (a, c) not in self._hops and (c, a) not in self._hops:
                raise LatticeError(f"add_flux: expected a bond between consecutive loop sites {a!r} and {c!r}, "
                                   "got none (add the hoppings first)")
        a, c = loop[0], loop[-1]
        key, sign = ((a, c), 1.0) if (a, c) in self._hops else ((c, a), -1.0)
        old = self._hops[key]
        value = FluxBond(old.const if old.is_const else old.func, flux, sign)
        self._hops[key] = make_value(value, self.norbs, 2, f"hopping {key[0]!r} -> {key[1]!r}", onsite=False)

    def attach_lead(self, lead: "Lead", interface: Iterable[Hashable] | None = None, *,
                    gauge: Callable[..., float] | None = None) -> int:
        """Attach a semi-infinite lead; return its index (leads are numbered in attach order).

        Parameters
        ----------
        lead : Lead
        interface : sequence of site tags, optional
            The system sites forming the lead's cell 0, one per lead cell site
            in the order of ``lead.cell_sites``.  Default: the lead's own cell
            tags, which must then be sites of this builder.
        gauge : callable, optional
            ``chi(pos, **params)`` when the lead uses its own vector potential
            ``A_lead = A_system + grad chi`` (in flux quanta), e.g. a Landau
            gauge along the lead's own axis so that it is translationally
            invariant in a field.  The lead's modes are gauge-transformed by
            ``exp(-2 pi i chi)`` at the interface sites, so transmissions are
            those of one global gauge; mode momenta are the lead gauge's.
        """
        if not isinstance(lead, Lead):
            raise LatticeError(f"attach_lead: expected a Lead, got {type(lead).__name__}")
        if lead.norbs != self.norbs:
            raise LatticeError(f"attach_lead: lead has norbs={lead.norbs}, expected the system's norbs={self.norbs}")
        if not len(lead):
            raise LatticeError("attach_lead: the lead has no sites in its unit cell")
        iface = tuple(lead.cell_sites) if interface is None else tuple(interface)
        if len(iface) != len(lead):
            raise LatticeError(
                f"attach_lead: expected {len(lead)} interface sites (one per lead cell site), got {len(iface)}"
            )
        gauge_value = None
        if gauge is not None:
            if not callable(gauge):
                raise LatticeError(f"attach_lead gauge: expected a function chi(pos, **params), got {gauge!r}")
            gauge_value = make_value(gauge, 1, 1, "lead gauge function", onsite=False)
        self._leads.append((lead, iface, gauge_value))
        return len(self._leads) - 1

    def finalized(self) -> "System":
        """Return the frozen :class:`System` (checks leads and connectivity)."""
        return System._from_builder(self)


class Lead(_SiteStore):
    """One unit cell of a semi-infinite, translationally invariant lead.

    Parameters
    ----------
    translation : sequence of float
        Vector from cell ``m`` to cell ``m + 1``, pointing away from the system.
    norbs : int
    vector_potential : callable, optional
        As for :class:`Builder`; must keep the lead translationally invariant.

    Notes
    -----
    Sites added with :meth:`add_site` form cell 0 (the interface cell, inside
    the system).  :meth:`add_hopping` ``(a, b, t)`` with both tags in the
    cell is an intra-cell bond; with ``b`` equal to a cell tag plus
    ``translation`` (or ``next_cell=True`` for non-lattice tags) it is a bond
    from ``a`` in cell ``m`` to ``b`` in cell ``m + 1``: ``H[a_m, b_{m+1}] = -t``.
    """

    def __init__(
        self,
        translation: Sequence[float],
        norbs: int = 1,
        *,
        vector_potential: VectorPotential | None = None,
    ) -> None:
        super().__init__(norbs, vector_potential)
        try:
            T = np.array(translation, dtype=float).ravel()
        except (TypeError, ValueError) as exc:
            raise LatticeError(f"Lead translation: expected a nonzero finite vector, got {translation!r}") from exc
        if T.size == 0 or not np.all(np.isfinite(T)) or not np.any(T):
            raise LatticeError(f"Lead translation: expected a nonzero finite vector, got {translation!r}")
        self.translation = T
        self._intra: dict[tuple[Hashable, Hashable], Value] = {}
        self._inter: list[tuple[Hashable, Hashable, Value]] = []

    @classmethod
    def chain(cls, direction: float = 1.0, *, t: Any = 1.0, eps: Any = 0.0, norbs: int = 1) -> "Lead":
        """A 1D chain lead (one site per cell, tag ``(0,)``) along ``direction``."""
        try:
            direction = float(direction)
        except (TypeError, ValueError) as exc:
            raise LatticeError(f"Lead.chain direction: expected a nonzero number, got {direction!r}") from exc
        lead = cls((direction,), norbs)
        lead.add_site((0,), eps)
        lead.add_hopping((0,), (float(direction),), t)
        return lead

    @property
    def cell_sites(self) -> tuple[Hashable, ...]:
        return tuple(self._onsite)

    def add_site(self, tag: Hashable, onsite: Any = 0.0, *, pos: Sequence[float] | None = None) -> None:
        """Add a site of the unit cell (cell 0)."""
        self._add_site(tag, onsite, pos)

    def add_hopping(self, a: Hashable, b: Hashable, t: Any = 1.0, *, next_cell: bool | None = None) -> None:
        """Add an intra-cell bond or a bond from cell ``m`` to cell ``m + 1`` (see class notes)."""
        if a not in self._onsite:
            raise LatticeError(f"Lead.add_hopping: expected site {a!r} to be in the unit cell, got unknown site")
        if next_cell is None:
            if b in self._onsite:
                next_cell = False
            else:
                pb = _lattice_pos(b)
                back = None
                if pb is not None and pb.size == self.translation.size:
                    target = pb - self.translation
                    guess = tuple(target.tolist())  # (3.0, 5.0) == (3, 5): integer tags are found at once
                    if guess in self._onsite:
                        back = guess
                    for s in ([] if back is not None else self._onsite):
                        ps = _lattice_pos(s)
                        if ps is not None and ps.shape == target.shape and np.allclose(ps, target):
                            back = s
                            break
                if back is None:
                    raise LatticeError(
                        f"Lead.add_hopping: site {b!r} is neither in the unit cell nor a cell site "
                        f"translated by {self.translation.tolist()}; a lead bond may span at most one cell"
                    )
                b = back
                next_cell = True
        elif b not in self._onsite:
            raise LatticeError(f"Lead.add_hopping: expected site {b!r} to be a unit-cell tag, got unknown site")
        value = make_value(t, self.norbs, 2, f"lead hopping {a!r} -> {b!r}", onsite=False)
        if next_cell:
            self._inter.append((a, b, value))
        else:
            if a == b:
                raise LatticeError(f"Lead.add_hopping: expected two different sites, got {a!r} twice")
            self._intra[(a, b)] = value


def _bond_phase(A: Value | None, ra: np.ndarray | None, rb: np.ndarray | None, params: Mapping[str, Any],
                what: str) -> complex:
    """Peierls factor exp(2 pi i A(mid).(ra - rb)) of the element H[a, b]."""
    if A is None:
        return 1.0
    if ra is None or rb is None:
        raise LatticeError(f"{what}: a vector potential needs site positions, got a site without one")
    mid = 0.5 * (ra + rb)
    kw = A.kwargs(params, "vector_potential")
    try:
        a_val = np.asarray(A.func(mid[None, :], **kw), dtype=float).reshape(-1)
    except LatticeError:
        raise
    except Exception as exc:
        raise LatticeError(f"vector_potential raised {type(exc).__name__}: {exc}") from exc
    if a_val.size != mid.size:
        raise LatticeError(f"vector_potential: expected shape (n, {mid.size}), got {a_val.size} values per point")
    return np.exp(2j * np.pi * float(a_val @ (ra - rb)))


def _peierls_phases(A: Value | None, ra: np.ndarray, rb: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Vectorized Peierls factors for bond arrays ``ra``, ``rb`` of shape (n, dim)."""
    if A is None or len(ra) == 0:
        return np.ones(len(ra), dtype=complex)
    mid = 0.5 * (ra + rb)
    kw = A.kwargs(params, "vector_potential")
    try:
        a_val = np.asarray(A.func(mid, **kw), dtype=float)
    except LatticeError:
        raise
    except Exception as exc:
        raise LatticeError(f"vector_potential raised {type(exc).__name__}: {exc}") from exc
    if a_val.shape != mid.shape:
        raise LatticeError(f"vector_potential: expected an array of shape {mid.shape}, got {a_val.shape}")
    return np.exp(2j * np.pi * np.einsum("ij,ij->i", a_val, ra - rb))



_MISSING = object()

#: Parameter sets remembered per kind of cached work (Hamiltonian, RGF blocks, lead matrices).
_CACHE_SIZE = 4


def _freeze(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return ("ndarray", v.dtype.str, v.shape, v.tobytes())
    hash(v)
    return (type(v).__name__, v)


def _params_key(params: Mapping[str, Any]) -> tuple | None:
    """A hashable key of parameter values (type-tagged, so 1 and 1.0 differ), or None if unkeyable."""
    try:
        return tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    except TypeError:
        return None


def _const_mask(values: Sequence[Value]) -> np.ndarray:
    """``value.is_const`` for each value (each distinct object looked at once)."""
    distinct = {id(v): v for v in values}
    if all(v.func is None for v in distinct.values()):
        return np.ones(len(values), dtype=bool)
    return np.array([v.func is None for v in values], dtype=bool)


def _stack_consts(values: Sequence[Value], no: int) -> np.ndarray:
    """Constant values as an (n, no, no) complex array."""
    if not values:
        return np.zeros((0, no, no), dtype=complex)
    # values are mostly shared objects (make_value's scalar cache): stack each distinct one once
    ids = np.fromiter(map(id, values), dtype=np.int64, count=len(values))
    uniq, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    distinct = np.array([values[i].const for i in first], dtype=complex).reshape(len(uniq), no, no)
    return distinct[inverse.ravel()]


def _assemble(n: int, no: int, on_idx: np.ndarray, on_blocks: np.ndarray, ii: np.ndarray, jj: np.ndarray,
              hop_blocks: np.ndarray) -> sp.csr_matrix:
    """CSR matrix from on-site blocks at sites ``on_idx`` and bond blocks ``H[i, j]`` (plus Hermitian conjugates)."""
    eye = np.arange(no)
    r_on = (on_idx[:, None, None] * no + eye[None, :, None] + 0 * eye[None, None, :]).ravel()
    c_on = (on_idx[:, None, None] * no + 0 * eye[None, :, None] + eye[None, None, :]).ravel()
    r = (ii[:, None, None] * no + eye[None, :, None] + 0 * eye[None, None, :]).ravel()
    c = (jj[:, None, None] * no + 0 * eye[None, :, None] + eye[None, None, :]).ravel()
    rows = np.concatenate([r_on, r, c])
    cols = np.concatenate([c_on, c, r])
    vals = np.concatenate([on_blocks.ravel(), hop_blocks.ravel(), hop_blocks.conj().ravel()])
    M = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    M.sum_duplicates()
    return M


def _restore(cls: type, state: dict[str, Any]) -> Any:
    """Unpickle an immutable object with slots."""
    obj = object.__new__(cls)
    for k, v in state.items():
        if k == "_index":
            v = MappingProxyType(v)
        object.__setattr__(obj, k, v)
    if cls in (System, FinalizedLead):
        object.__setattr__(obj, "_cache", {})
    return obj


class FinalizedLead:
    """A frozen lead attached to a :class:`System` (see :class:`Lead`)."""

    __slots__ = ("norbs", "translation", "cell_sites", "interface", "interface_orbitals",
                 "_pos", "_onsite", "_intra", "_inter", "_A", "_params", "_const_matrices",
                 "_gauge", "_gauge_args", "_cache")

    def __init__(self, lead: Lead, interface: tuple[int, ...], gauge: Value | None = None,
                 gauge_args: tuple[Any, ...] = ()) -> None:
        set_ = object.__setattr__
        set_(self, "norbs", lead.norbs)
        T = lead.translation.copy()
        T.setflags(write=False)
        set_(self, "translation", T)
        set_(self, "cell_sites", lead.cell_sites)
        set_(self, "interface", interface)
        orbs = (np.array(interface)[:, None] * lead.norbs + np.arange(lead.norbs)[None, :]).ravel()
        orbs.setflags(write=False)
        set_(self, "interface_orbitals", orbs)
        idx = {tag: i for i, tag in enumerate(lead.cell_sites)}
        set_(self, "_pos", _positions_of(lead.cell_sites, lead._pos))
        set_(self, "_onsite", tuple(lead._onsite[tag] for tag in lead.cell_sites))
        set_(self, "_intra", tuple((idx[a], idx[b], v) for (a, b), v in lead._intra.items()))
        set_(self, "_inter", tuple((idx[a], idx[b], v) for a, b, v in lead._inter))
        set_(self, "_A", lead._A_value)
        names: set[str] = set()
        for v in list(self._onsite) + [v for *_, v in self._intra] + [v for *_, v in self._inter] + [self._A]:
            if v is not None and not v.is_const:
                names.update(v.required + v.optional)
        matrix_names = frozenset(names)
        set_(self, "_gauge", gauge)
        set_(self, "_gauge_args", tuple(gauge_args))
        if gauge is not None and not gauge.is_const:
            names.update(gauge.required + gauge.optional)
        set_(self, "_params", frozenset(names))
        if not self._inter:
            raise LatticeError("lead has no hopping between unit cells: expected at least one bond to the next cell")
        set_(self, "_const_matrices", None)
        set_(self, "_cache", {})
        if not matrix_names:  # parameter-free lead: check and freeze its matrices once
            h, v = self.matrices({})
            h.setflags(write=False)
            v.setflags(write=False)
            set_(self, "_const_matrices", (h, v))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FinalizedLead is immutable")

    def __reduce__(self):
        return (_restore, (FinalizedLead, {k: getattr(self, k) for k in self.__slots__ if k != "_cache"}))

    def interface_phases(self, params: Mapping[str, Any] | None = None) -> np.ndarray | None:
        """``exp(2 pi i chi(r_s))`` per interface orbital for a lead in its own gauge (None if none).

        With ``attach_lead(..., gauge=chi)`` the lead uses the vector potential
        ``A_lead = A_system + grad chi``; its wavefunctions relate to the
        system's by ``psi_lead = exp(2 pi i chi) psi``, applied at the
        interface sites ``s``.
        """
        if self._gauge is None:
            return None
        params = {} if params is None else params
        chi = np.array([np.real(self._gauge.evaluate((arg,), params, 1, "lead gauge function")[0, 0])
                        for arg in self._gauge_args])
        return np.repeat(np.exp(2j * np.pi * chi), self.norbs)

    def _cell_pos(self, i: int, m: int) -> np.ndarray | None:
        p = self._pos[i]
        if p is None:
            return None
        if p.size != self.translation.size:
            raise LatticeError(
                f"lead site position {p.tolist()} and translation {self.translation.tolist()} differ in dimension"
            )
        return p + m * self.translation

    def _arg(self, i: int, m: int) -> Any:
        p = self._cell_pos(i, m)
        return self.cell_sites[i] if p is None else p

    def _cell_matrices(self, m: int, params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """On-site block of cell m and hopping block <cell m|H|cell m+1>."""
        n, no = len(self.cell_sites), self.norbs
        h = np.zeros((n * no, n * no), dtype=complex)
        v = np.zeros((n * no, n * no), dtype=complex)
        for i, val in enumerate(self._onsite):
            what = f"lead on-site value of {self.cell_sites[i]!r}"
            blk = val.evaluate((self._arg(i, m),), params, no, what)
            if not val.is_const:
                check_hermitian(blk, what)
            h[i * no:(i + 1) * no, i * no:(i + 1) * no] += blk
        for i, j, val in self._intra:
            what = f"lead hopping {self.cell_sites[i]!r} -> {self.cell_sites[j]!r}"
            blk = -val.evaluate((self._arg(i, m), self._arg(j, m)), params, no, what)
            blk = blk * _bond_phase(self._A, self._cell_pos(i, m), self._cell_pos(j, m), params, what)
            h[i * no:(i + 1) * no, j * no:(j + 1) * no] += blk
            h[j * no:(j + 1) * no, i * no:(i + 1) * no] += blk.conj().T
        for i, j, val in self._inter:
            what = f"lead hopping {self.cell_sites[i]!r} -> next cell {self.cell_sites[j]!r}"
            blk = -val.evaluate((self._arg(i, m), self._arg(j, m + 1)), params, no, what)
            blk = blk * _bond_phase(self._A, self._cell_pos(i, m), self._cell_pos(j, m + 1), params, what)
            v[i * no:(i + 1) * no, j * no:(j + 1) * no] += blk
        return h, v

    def matrices(self, params: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(h_cell, hop)``: the cell Hamiltonian and ``hop = <cell m|H|cell m+1>``.

        Raises
        ------
        LatticeError
            If the lead is not translationally invariant (cells 1 and 2 differ).
        """
        if self._const_matrices is not None:
            return self._const_matrices
        params = {} if params is None else params
        key = _params_key(params)
        hit = None if key is None else self._cache.get(key)
        if hit is not None:
            return hit
        out = self._checked_matrices(params)
        if key is not None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.pop(next(iter(self._cache), None), None)
            self._cache[key] = out
        return out

    def _checked_matrices(self, params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        h1, v01 = self._cell_matrices(0, params)
        h1, v12 = self._cell_matrices(1, params)
        h2, v23 = self._cell_matrices(2, params)
        scale = max(1.0, np.max(np.abs(h1)), np.max(np.abs(v12)))
        for name, a, b in (("on-site/intra-cell", h1, h2), ("inter-cell", v01, v12), ("inter-cell", v12, v23)):
            diff = np.max(np.abs(a - b))
            if diff > 1e-11 * scale:
                raise LatticeError(
                    f"lead is not translationally invariant: its {name} Hamiltonian differs between "
                    f"neighbouring cells by {diff:.3g}; expected identical cells (check position-dependent "
                    "values and the gauge of the vector potential in the lead)"
                )
        for a in (h1, v01):
            a.setflags(write=False)
        return h1, v01


class System:
    """A frozen tight-binding system with leads (built by :meth:`Builder.finalized`).

    Attributes
    ----------
    sites : tuple
        Site tags; site ``i`` holds orbitals ``norbs*i ... norbs*i + norbs - 1``.
    leads : tuple of FinalizedLead
        In attach order (the S-matrix lead order).
    norbs : int
    params : frozenset of str
        Parameter names used by value functions.
    """

    __slots__ = ("sites", "leads", "norbs", "params", "_index", "_pos", "_const", "_dyn_onsite",
                 "_dyn_hops", "_phase_hops", "_A", "_cache", "_slices")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("System is immutable; build a new one with a Builder")

    def __reduce__(self):
        state = {k: getattr(self, k) for k in self.__slots__ if k != "_cache"}
        state["_index"] = dict(self._index)
        return (_restore, (System, state))

    @classmethod
    def _from_builder(cls, b: Builder) -> "System":
        self = object.__new__(cls)
        set_ = object.__setattr__
        sites = tuple(b._onsite)
        index = {tag: i for i, tag in enumerate(sites)}
        no = b.norbs
        try:
            keys, get = list(b._hops), index.__getitem__
            ij = np.empty((len(keys), 2), dtype=np.int64)
            ij[:, 0] = np.fromiter(map(get, map(itemgetter(0), keys)), dtype=np.int64, count=len(keys))
            ij[:, 1] = np.fromiter(map(get, map(itemgetter(1), keys)), dtype=np.int64, count=len(keys))
        except KeyError:
            for (a, c) in b._hops:
                for tag in (a, c):
                    if tag not in index:
                        raise LatticeError(
                            f"hopping ({a!r}, {c!r}): expected both sites in the system, {tag!r} is not") from None
            raise
        set_(self, "sites", sites)
        set_(self, "norbs", no)
        set_(self, "_index", MappingProxyType(index))
        set_(self, "_pos", _positions_of(sites, b._pos))
        set_(self, "_A", b._A_value)
        leads = []
        for k, (lead, iface, gauge) in enumerate(b._leads):
            missing = [t for t in iface if t not in index]
            if missing:
                raise LatticeError(
                    f"lead {k} is not attached: its interface site(s) {missing[:3]!r} are not sites of the "
                    "system; expected the lead's cell-0 sites (or the interface= tags) to be in the system"
                )
            idx = tuple(index[t] for t in iface)
            args = tuple(self._arg(i) for i in idx)
            leads.append(FinalizedLead(lead, idx, gauge, args))
        set_(self, "leads", tuple(leads))
        # constant part (one sparse matrix) and the entries that depend on parameters
        values = [b._onsite[t] for t in sites]
        const_on = _const_mask(values)
        dyn_on = tuple((int(i), values[i]) for i in np.flatnonzero(~const_on))
        hop_values = list(b._hops.values())
        const_hop = _const_mask(hop_values)
        dyn_hop = tuple((int(ij[k, 0]), int(ij[k, 1]), hop_values[k]) for k in np.flatnonzero(~const_hop))
        A = b._A_value
        A_dyn = A is not None and bool(A.required or A.optional or A.var_kw)  # else: phases fixed now
        on_idx = np.flatnonzero(const_on)
        on_blocks = _stack_consts([values[i] for i in on_idx], no)
        hk = np.flatnonzero(const_hop)
        hop_blocks = -_stack_consts([hop_values[k] for k in hk], no)
        ii, jj = ij[hk, 0], ij[hk, 1]
        phase_hops = None
        if A_dyn and len(hk):  # constant values, Peierls phases that depend on parameters
            phase_hops = (ii, jj, hop_blocks)
            ii, jj, hop_blocks = ii[:0], jj[:0], hop_blocks[:0]
        elif b._A_value is not None and len(hk):
            ph = _peierls_phases(b._A_value, self._positions(ii, "Peierls"), self._positions(jj, "Peierls"), {})
            hop_blocks = hop_blocks * ph[:, None, None]
        set_(self, "_const", _assemble(len(sites) * no, no, on_idx, on_blocks, ii, jj, hop_blocks))
        set_(self, "_dyn_onsite", dyn_on)
        set_(self, "_dyn_hops", dyn_hop)
        set_(self, "_phase_hops", phase_hops)
        names: set[str] = set()
        for _, v in dyn_on:
            names.update(v.required + v.optional)
        for *_, v in dyn_hop:
            names.update(v.required + v.optional)
        if b._A_value is not None:
            names.update(b._A_value.required + b._A_value.optional)
        for lead in leads:
            names.update(lead._params)
        set_(self, "params", frozenset(names))
        set_(self, "_cache", {})
        self._check_connected(ij)
        from .rgf import find_slices  # local import: rgf imports this module
        set_(self, "_slices", find_slices(self, ij))
        return self

    # -- helpers -----------------------------------------------------------------
    def _positions(self, idx: np.ndarray, what: str) -> np.ndarray:
        pos = self._pos
        rows = [pos[i] for i in idx]
        for i, p in zip(idx, rows):
            if p is None:
                raise LatticeError(f"{what}: site {self.sites[i]!r} has no position; give add_site(..., pos=...)")
        try:
            return np.array(rows, dtype=float).reshape(len(idx), -1)
        except ValueError:
            raise LatticeError(f"{what}: expected site positions of one dimension") from None

    def _arg(self, i: int) -> Any:
        p = self._pos[i]
        return self.sites[i] if p is None else p

    def _check_connected(self, ij: np.ndarray) -> None:
        if not self.leads:
            return
        n = len(self.sites)
        graph = sp.coo_matrix((np.ones(len(ij)), (ij[:, 0], ij[:, 1])), shape=(n, n))
        ncomp, labels = connected_components(graph, directed=False)
        attached = np.zeros(ncomp, dtype=bool)
        for lead in self.leads:
            attached[labels[list(lead.interface)]] = True
        if not attached.all():
            bad = np.flatnonzero(~attached[labels])
            raise LatticeError(
                f"disconnected system: {len(bad)} site(s) (e.g. {self.sites[bad[0]]!r}) are not connected to any "
                "lead; expected every site to be linked by hoppings to some lead's interface sites"
            )

    def _cached(self, kind: str, params: Mapping[str, Any], compute: Callable[[], Any]) -> Any:
        """``compute()`` memoized per parameter values (energy-independent work of a sweep).

        Up to ``_CACHE_SIZE`` parameter sets are kept per kind (least recently
        used dropped); parameters that cannot be keyed (unhashable values
        other than numpy arrays) are not cached.
        """
        key = _params_key(params)
        if key is None:
            return compute()
        store = self._cache.setdefault(kind, {})
        value = store.pop(key, _MISSING)  # pop and re-insert: most recently used last
        if value is _MISSING:
            value = compute()
            while len(store) >= _CACHE_SIZE:
                try:
                    store.pop(next(iter(store)))
                except (StopIteration, KeyError, RuntimeError):  # emptied by another thread
                    break
        store[key] = value
        return value

    def _check_params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        params = {} if params is None else dict(params)
        unknown = sorted(set(params) - self.params)
        if unknown:
            raise LatticeError(
                f"unknown parameter(s) {unknown}; this system's value functions take {sorted(self.params)}"
            )
        return params

    # -- public API ----------------------------------------------------------------
    @property
    def num_orbitals(self) -> int:
        return len(self.sites) * self.norbs

    def index(self, tag: Hashable) -> int:
        """Site index of ``tag``."""
        try:
            return self._index[tag]
        except KeyError:
            raise LatticeError(f"site {tag!r} is not in the system") from None

    def pos(self, tag: Hashable) -> np.ndarray | None:
        """Position of the site ``tag`` (None if it has none)."""
        return self._pos[self.index(tag)]

    def hamiltonian(self, params: Mapping[str, Any] | None = None) -> sp.csr_matrix:
        """The system's Hamiltonian (without leads) as a sparse CSR matrix (do not modify it).

        Value functions are evaluated once per set of parameter values; the
        matrix is cached on the system (an energy sweep builds it once).
        """
        params = self._check_params(params)
        if not self._dyn_onsite and not self._dyn_hops and self._phase_hops is None:
            return self._const
        return self._cached("H", params, lambda: self._build_hamiltonian(params))

    def _build_hamiltonian(self, params: dict[str, Any]) -> sp.csr_matrix:
        no = self.norbs
        on_idx = np.array([i for i, _ in self._dyn_onsite], dtype=np.int64)
        on_blocks = np.empty((len(on_idx), no, no), dtype=complex)
        for k, (i, v) in enumerate(self._dyn_onsite):
            what = f"on-site value of site {self.sites[i]!r}"
            blk = v.evaluate((self._arg(i),), params, no, what)
            check_hermitian(blk, what)
            on_blocks[k] = blk
        ii = np.array([h[0] for h in self._dyn_hops], dtype=np.int64)
        jj = np.array([h[1] for h in self._dyn_hops], dtype=np.int64)
        blocks = np.empty((len(ii), no, no), dtype=complex)
        for k, (i, j, v) in enumerate(self._dyn_hops):
            blocks[k] = -v.evaluate((self._arg(i), self._arg(j)), params, no,
                                    f"hopping {self.sites[i]!r} -> {self.sites[j]!r}")
        if self._phase_hops is not None:
            pi, pj, pb = self._phase_hops
            ii, jj, blocks = np.concatenate([ii, pi]), np.concatenate([jj, pj]), np.concatenate([blocks, pb])
        if self._A is not None and len(ii):
            key = ("peierls-positions",)
            if key not in self._cache:  # bond end positions: parameter independent
                self._cache[key] = (self._positions(ii, "Peierls"), self._positions(jj, "Peierls"))
            ra, rb = self._cache[key]
            blocks = blocks * _peierls_phases(self._A, ra, rb, params)[:, None, None]
        dyn = _assemble(self.num_orbitals, no, on_idx, on_blocks, ii, jj, blocks)
        return (self._const + dyn).tocsr()

    def lead_matrices(self, lead: int, params: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(h_cell, hop)`` of lead ``lead`` (see :meth:`FinalizedLead.matrices`)."""
        params = self._check_params(params)
        return self._lead(lead).matrices(params)

    def _lead(self, lead: int) -> FinalizedLead:
        if not isinstance(lead, numbers.Integral) or not 0 <= lead < len(self.leads):
            raise LatticeError(f"lead index: expected an integer in [0, {len(self.leads)}), got {lead!r}")
        return self.leads[lead]

    def modes(self, lead: int, energy: float, params: Mapping[str, Any] | None = None):
        """Propagating and evanescent modes of lead ``lead`` at ``energy`` (a :class:`LeadModes`)."""
        from .leads import lead_modes
        h, v = self.lead_matrices(lead, params)
        return lead_modes(h, v, energy, norbs=self.norbs)

    def smatrix(self, energy: float, params: Mapping[str, Any] | None = None, *, method: str = "auto"):
        """Scattering matrix at ``energy`` (see :func:`lbsym.lattice.smatrix`)."""
        from .solver import smatrix
        return smatrix(self, energy, params, method=method)

    @property
    def has_rgf_slices(self) -> bool:
        """True if the system is a two-terminal system that the RGF solver can slice."""
        return self._slices is not None

    def __repr__(self) -> str:
        return f"<lbsym.lattice.System: {len(self.sites)} sites, norbs={self.norbs}, {len(self.leads)} leads>"

"""The scattering matrix as an immutable value with labelled ports.

Conventions
-----------
Outgoing amplitudes = S . incoming amplitudes, both normalised to unit
current, so current conservation is S^dagger S = 1.  Every row and column
belongs to a :class:`Port` ``(lead, channel[, spin])``; a two-port has ports
``(left, right)`` and is ``[[r, t'], [t, r']]``: ``t`` = S[right, left] is the
amplitude for an electron coming in from the left to go out on the right.

``transmission(out_lead, in_lead)`` is the sum of |s_mn|^2 over the channels
m of ``out_lead`` and n of ``in_lead`` (the T_{ij} of the Landauer-Büttiker
formula, from lead j to lead i).

Symbols may carry *relations* (``R1 = 1 - T1``: the reflection probability of
a barrier is a symbol of its own so that results print as a textbook prints
them) and admissible *ranges* (``0 < T1 < 1``) used when sampling random
admissible points for numeric checks.
"""

from __future__ import annotations

import random
from typing import Any, Mapping, NamedTuple, Sequence

import sympy as sp

from .algebra import PolarAlgebra
from .errors import ParameterError, PortError, ShapeError, UnitarityError

__all__ = ["Port", "SMatrix", "ExactEntries"]


class Port(NamedTuple):
    """A scattering channel: lead name, channel index, optional spin label and
    optional particle-hole label ``ph`` ("e" or "h", Nambu space)."""

    lead: Any
    channel: int = 0
    spin: Any = None
    ph: Any = None

    def __str__(self) -> str:
        s = f"{self.lead}:{self.channel}"
        s = s if self.spin is None else f"{s}{self.spin}"
        return s if self.ph is None else f"{s}{self.ph}"


def _as_port(p: Any) -> Port:
    if isinstance(p, Port):
        return p
    if isinstance(p, tuple):
        return Port(*p)
    return Port(p, 0)


Ranges = Mapping[sp.Symbol, tuple[float, float]]


class ExactEntries:
    """The entries of an S-matrix as exact elements of an amplitude algebra.

    ``E(i, j)`` is entry (i, j) in normal form modulo the relations; entries
    are computed on demand and once (a network computes only what is asked:
    a transmission never forces the reflection amplitudes).
    """

    __slots__ = ("alg", "size", "_get", "_cache")

    def __init__(self, alg: PolarAlgebra, size: int, get: Any) -> None:
        self.alg, self.size, self._get, self._cache = alg, size, get, {}

    def __call__(self, i: int, j: int) -> Any:
        key = (i, j)
        out = self._cache.get(key)
        if out is None:
            out = self._get(i, j)
            self._cache[key] = out
        return out


def _rebuild(matrix, ports, relations, ranges) -> "SMatrix":
    """Unpickling: the same value (matrix, ports, relations, ranges)."""
    return SMatrix(matrix, ports, relations=relations, ranges=ranges)


class SMatrix:
    """An immutable scattering matrix with labelled ports.

    Parameters
    ----------
    matrix
        Square matrix (anything ``sympy.ImmutableMatrix`` accepts).
    ports
        One label per row: a :class:`Port`, a tuple ``(lead, channel[, spin])``
        or a bare lead name (channel 0).  Default: leads ``0 .. n-1``.
    relations
        Mapping ``symbol -> expression`` that the symbols obey, e.g.
        ``{R1: 1 - T1}``.  Used by :meth:`is_unitary` and by checks.
    ranges
        Admissible open intervals of the symbols, e.g. ``{T1: (0, 1)}``, for
        sampling random admissible points.

    Examples
    --------
    >>> import sympy as sp
    >>> T = sp.Symbol("T", positive=True)
    >>> S = SMatrix([[sp.I*sp.sqrt(1 - T), sp.sqrt(T)], [sp.sqrt(T), sp.I*sp.sqrt(1 - T)]],
    ...             ports=["L", "R"])
    >>> S.transmission("R", "L")
    T
    >>> S.is_unitary()
    True
    """

    __slots__ = ("_matrix", "_ports", "_relations", "_ranges", "_ring", "_memo")

    def __init__(
        self,
        matrix: Any,
        ports: Sequence[Any] | None = None,
        *,
        relations: Mapping[sp.Symbol, sp.Expr] | None = None,
        ranges: Ranges | None = None,
    ) -> None:
        try:
            m = sp.ImmutableMatrix(matrix)
        except (TypeError, ValueError) as exc:
            raise ShapeError(f"an S-matrix must be a square matrix; got {matrix!r}") from exc
        if m.rows != m.cols:
            raise ShapeError(f"an S-matrix must be square; got shape {m.shape}")
        if ports is None:
            ports = list(range(m.rows))
        ports = tuple(_as_port(p) for p in ports)
        if len(ports) != m.rows:
            raise ShapeError(
                f"{m.rows}x{m.cols} S-matrix needs {m.rows} port labels; got {len(ports)}"
            )
        if len(set(ports)) != len(ports):
            dup = sorted({str(p) for p in ports if ports.count(p) > 1})
            raise PortError(f"port labels must be distinct; repeated: {', '.join(dup)}")
        object.__setattr__(self, "_matrix", m)
        object.__setattr__(self, "_ports", ports)
        object.__setattr__(self, "_relations", dict(relations or {}))
        object.__setattr__(self, "_ranges", dict(ranges or {}))
        object.__setattr__(self, "_ring", None)
        object.__setattr__(self, "_memo", {})

    @classmethod
    def _from_ring(cls, alg: PolarAlgebra, entry: Any, ports: Sequence[Any], *,
                   relations: Mapping | None = None, ranges: Ranges | None = None) -> "SMatrix":
        """An SMatrix whose entries ``entry(i, j)`` are exact elements of ``alg``.

        The sympy matrix is built only when it is asked for; transmissions,
        unitarity and single amplitudes are computed from the exact form.
        """
        self = cls.__new__(cls)
        ports = tuple(_as_port(p) for p in ports)
        exact = entry if isinstance(entry, ExactEntries) else ExactEntries(alg, len(ports), entry)
        object.__setattr__(self, "_matrix", None)
        object.__setattr__(self, "_ports", ports)
        object.__setattr__(self, "_relations", dict(relations or {}))
        object.__setattr__(self, "_ranges", dict(ranges or {}))
        object.__setattr__(self, "_ring", exact)
        object.__setattr__(self, "_memo", {})
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SMatrix is immutable; use substituted() or other methods")

    # ---------------------------------------------------------------- data
    @property
    def matrix(self) -> sp.ImmutableMatrix:
        """The matrix (rows: outgoing ports, columns: incoming ports)."""
        if self._matrix is None:
            n = len(self._ports)
            m = sp.ImmutableMatrix(n, n, lambda i, j: self._entry(i, j))
            object.__setattr__(self, "_matrix", m)
        return self._matrix

    def _entry(self, i: int, j: int) -> sp.Expr:
        if self._matrix is not None:
            return self._matrix[i, j]
        E = self._ring
        return self._memoised(("entry", i, j), lambda: E.alg.to_expr(E(i, j)))

    @property
    def ports(self) -> tuple[Port, ...]:
        return self._ports

    @property
    def relations(self) -> dict[sp.Symbol, sp.Expr]:
        return dict(self._relations)

    @property
    def ranges(self) -> dict[sp.Symbol, tuple[float, float]]:
        return dict(self._ranges)

    @property
    def leads(self) -> tuple[Any, ...]:
        """Lead names in port order, each once."""
        seen: list[Any] = []
        for p in self._ports:
            if p.lead not in seen:
                seen.append(p.lead)
        return tuple(seen)

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        if self._matrix is None:
            alg = self._ring.alg
            out: set = set()
            for g in alg._gens[1:]:
                out |= g.atom.free_symbols
            for x in alg._alias:
                out |= x.free_symbols
            return out
        return set(self._matrix.free_symbols)

    def __len__(self) -> int:
        return len(self._ports)

    def _key(self) -> tuple:
        """All the state that makes the value: ports, matrix, relations, ranges."""
        return (self._ports, self.matrix, frozenset(self._relations.items()),
                frozenset((k, tuple(v)) for k, v in self._ranges.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SMatrix) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self):
        return (_rebuild, (self.matrix, self._ports, dict(self._relations), dict(self._ranges)))

    def __copy__(self) -> "SMatrix":
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> "SMatrix":
        return self

    def __repr__(self) -> str:
        ports = ", ".join(str(p) for p in self._ports)
        return f"SMatrix(ports=[{ports}], matrix={self.matrix.tolist()!r})"

    def port_indices(self, lead: Any) -> list[int]:
        idx = [i for i, p in enumerate(self._ports) if p.lead == lead]
        if not idx:
            if isinstance(lead, Port) or isinstance(lead, tuple):
                p = _as_port(lead)
                if p in self._ports:
                    return [self._ports.index(p)]
            raise PortError(
                f"no lead {lead!r}; this S-matrix has leads {list(self.leads)!r}"
            )
        return idx

    def __getitem__(self, key: tuple[Any, Any]) -> sp.Expr:
        """``S[out_port, in_port]``: one amplitude (ports or bare lead names)."""
        out, inn = key
        (i,) = self._single(out)
        (j,) = self._single(inn)
        return self._entry(i, j)

    def _single(self, p: Any) -> list[int]:
        idx = self.port_indices(p)
        if len(idx) != 1:
            raise PortError(f"lead {p!r} has {len(idx)} channels; name a port (lead, channel)")
        return idx

    # -------------------------------------------------------------- blocks
    def submatrix(self, out_lead: Any, in_lead: Any) -> sp.ImmutableMatrix:
        """Block of amplitudes from the channels of ``in_lead`` to ``out_lead``."""
        rows = self.port_indices(out_lead)
        cols = self.port_indices(in_lead)
        return sp.ImmutableMatrix(len(rows), len(cols), lambda a, b: self._entry(rows[a], cols[b]))

    def exact_form(self) -> ExactEntries:
        """The matrix as exact elements of the amplitude field (``E(i, j)``, ``E.alg``).

        Entries are in normal form modulo the relations (R = 1 - T, ...).
        Built once per SMatrix (networks hand theirs over from the
        elimination, computed on demand).
        """
        if self._ring is None:
            m = self._matrix
            alg = PolarAlgebra(list(m), self._relations, reduce_roots=True)
            exact = ExactEntries(alg, m.rows, lambda i, j: alg.to_field(m[i, j]))
            object.__setattr__(self, "_ring", exact)
        return self._ring

    def transmission(self, out_lead: Any, in_lead: Any) -> sp.Expr:
        """T_{out,in} = sum over channels of |s|^2, in textbook (cosine) form.

        Computed in the exact ring (|s|^2 = N conj(N) / D conj(D), reduced
        modulo the relations) and printed in the most compact of the
        expanded cosine form and |N|^2/|D|^2 (see :mod:`lbsym.realform`).
        """
        def compute() -> sp.Expr:
            alg, t = self._exact_block(out_lead, in_lead)
            block = [f for row in t for f in row]
            if len(block) == 1:
                return alg.abs2_expr(block[0])
            total = sum((f * alg.conj(f) for f in block if f.n), alg.zero)
            return alg.real_expr(total)

        return self._memoised(("T", out_lead, in_lead), compute)

    def _exact_block(self, out_lead: Any, in_lead: Any) -> tuple[PolarAlgebra, list[list[Any]]]:
        """(algebra, exact entries of the block from in_lead to out_lead)."""
        rows = self.port_indices(out_lead)
        cols = self.port_indices(in_lead)
        E = self.exact_form()
        return E.alg, [[E(i, j) for j in cols] for i in rows]

    def _memoised(self, key: tuple, compute: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def transmission_traces(self, out_lead: Any, in_lead: Any) -> tuple[sp.Expr, sp.Expr]:
        """(Tr t^dagger t, Tr (t^dagger t)^2) = (sum T_n, sum T_n^2) of the block from
        ``in_lead`` to ``out_lead``: what shot noise and the Fano factor need.

        Computed in the exact ring (normal forms modulo the relations): with
        A = t^dagger t, Tr A^2 = sum_ij |A_ij|^2; no eigenvalues, no sympy
        expansion.
        """
        def compute() -> tuple[sp.Expr, sp.Expr]:
            alg, t = self._exact_block(out_lead, in_lead)
            tc = [[alg.conj(x) for x in row] for row in t]
            n = len(t[0])
            A = [[sum((tc[k][a] * t[k][b] for k in range(len(t))), alg.zero) for b in range(n)]
                 for a in range(n)]
            s1 = sum((A[a][a] for a in range(n)), alg.zero)
            s2 = sum((A[a][b] * alg.conj(A[a][b]) for a in range(n) for b in range(n)), alg.zero)
            return alg.real_expr(s1), alg.real_expr(s2)

        return self._memoised(("traces", out_lead, in_lead), compute)

    def reflection(self, lead: Any) -> sp.Expr:
        """R_lead = sum over the lead's channels of |s|^2 back into the lead."""
        return self.transmission(lead, lead)

    def transmission_matrix(self) -> sp.ImmutableMatrix:
        """Matrix of T_ij (lead j to lead i) over :attr:`leads`."""
        leads = self.leads
        return sp.ImmutableMatrix(
            [[self.transmission(i, j) for j in leads] for i in leads]
        )

    # ------------------------------------------------------------ algebra
    @property
    def conjugate(self) -> "SMatrix":
        """Element-wise complex conjugate (the time-reversed partner's transpose)."""
        return self._replace(self.matrix.conjugate())

    @property
    def dagger(self) -> "SMatrix":
        return self._replace(self.matrix.H)

    def _replace(self, m: Any) -> "SMatrix":
        return SMatrix(m, self._ports, relations=self._relations, ranges=self._ranges)

    def substituted(self, values: Mapping[Any, Any] | None = None, **kw: Any) -> "SMatrix":
        """A new SMatrix with symbols replaced (by name or by symbol)."""
        subs = self._resolve(dict(values or {}, **kw))
        m = self.matrix.subs(subs)
        rel = {k: v.subs(subs) for k, v in self._relations.items() if k not in subs}
        rng = {k: v for k, v in self._ranges.items() if k not in subs}
        return SMatrix(m, self._ports, relations=rel, ranges=rng)

    def _resolve(self, values: Mapping[Any, Any]) -> dict[sp.Symbol, Any]:
        by_name = {s.name: s for s in self.free_symbols | set(self._relations)}
        out = {}
        for k, v in values.items():
            if isinstance(k, str):
                if k not in by_name:
                    raise ParameterError(
                        f"unknown symbol {k!r}; this S-matrix has {sorted(by_name)}"
                    )
                k = by_name[k]
            out[k] = v
        return out

    def relabelled(self, mapping: Mapping[Any, Any]) -> "SMatrix":
        """A new SMatrix with leads renamed (``{old: new}``)."""
        ports = tuple(p._replace(lead=mapping.get(p.lead, p.lead)) for p in self._ports)
        if self._ring is not None:
            out = SMatrix._from_ring(self._ring.alg, self._ring, ports, relations=self._relations,
                                     ranges=self._ranges)
            if self._matrix is not None:
                object.__setattr__(out, "_matrix", self._matrix)
            return out
        return SMatrix(self._matrix, ports, relations=self._relations, ranges=self._ranges)

    # ----------------------------------------------------------- checking
    def random_point(self, rng: random.Random | None = None) -> dict[sp.Symbol, float]:
        """A random admissible point for the free symbols.

        Symbols with a declared range are drawn inside it; a symbol fixed by a
        relation is computed from the others; other positive symbols are drawn
        from (0.2, 3), other real symbols from (-pi, pi).
        """
        rng = rng or random.Random(0)
        syms = self.free_symbols - set(self._relations)
        for rel in self._relations.values():
            syms |= sp.sympify(rel).free_symbols
        point: dict[sp.Symbol, float] = {}
        for s in sorted(syms, key=lambda s: s.name):
            if s in self._ranges:
                lo, hi = self._ranges[s]
                lo, hi = float(lo), float(hi)
                span = hi - lo
                point[s] = lo + span * (0.02 + 0.96 * rng.random())
            elif s.is_positive:
                point[s] = 0.2 + 2.8 * rng.random()
            else:
                point[s] = -3.1 + 6.2 * rng.random()
        for k, v in self._relations.items():
            point[k] = float(sp.sympify(v).subs(point))
        return point

    def is_unitary(self, *, tol: float = 1e-10, samples: int = 8) -> bool:
        """Whether S^dagger S = 1.

        Decided exactly in the amplitude algebra where possible (after the
        declared relations); otherwise numerically at ``samples`` random
        admissible points with tolerance ``tol``.
        """
        n = len(self._ports)
        if self._ring is None and not self._matrix.free_symbols:
            M = sp.Matrix(self._matrix).evalf(30)
            prod = M.H * M - sp.eye(n)
            return all(abs(complex(x)) < tol for x in prod)
        try:
            E = self.exact_form()
            alg = E.alg
            F = [[E(i, j) for j in range(n)] for i in range(n)]
            Fc = [[alg.conj(F[i][j]) for j in range(n)] for i in range(n)]
            exact = True
            for a in range(n):
                for b in range(a, n):
                    acc = sum((Fc[i][a] * F[i][b] for i in range(n)), alg.zero)
                    if a == b:
                        acc -= 1
                    if not acc.is_zero():
                        exact = False
                        break
                if not exact:
                    break
            if exact:
                return True
        except (ParameterError, TypeError, NotImplementedError):
            pass  # an entry outside the exact field: decided numerically below
        rnd = random.Random(1234)
        m = self.matrix
        for _ in range(samples):
            pt = self.random_point(rnd)
            M = sp.Matrix(m.subs(pt)).evalf(20)
            prod = M.H * M - sp.eye(n)
            if any(abs(complex(x)) > tol for x in prod):
                return False
        return True

    def check_unitary(self, name: str = "S-matrix") -> "SMatrix":
        """Return self, or raise :class:`UnitarityError` naming the defect."""
        if not self.is_unitary():
            raise UnitarityError(
                f"{name} is not unitary (S^dagger S != 1): it would not conserve current; "
                f"rows of |s|^2 must sum to 1 and columns must be orthogonal"
            )
        return self

    # ----------------------------------------------------------- output
    def latex(self) -> str:
        """LaTeX of the matrix with the lbsym printer (T_1, \\Phi_0, ...)."""
        from .latex import latex

        return latex(self.matrix)

    def _repr_latex_(self) -> str:
        return f"$$S = {self.latex()}$$"

    def evaluator(self, *, backend: str = "numpy", digits: int = 15):
        """A numeric function of the free symbols returning the matrix.

        See :func:`lbsym.numeric.evaluator` for the argument order.
        """
        from .numeric import evaluator

        return evaluator(self.matrix, backend=backend, digits=digits)

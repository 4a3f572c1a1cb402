"""Exact algebra of scattering amplitudes in polar form.

Scattering amplitudes are built from *real* quantities (sqrt(T), sqrt(R),
sqrt(epsilon), a wave number k, ...) and *unit-modulus phases* e^{i phi} with
phi real.  This module maps such expressions into a field of fractions of
polynomials over QQ in which

* every real quantity is a generator x with conj(x) = x,
* every phase is a generator z with conj(z) = 1/z (Laurent: negative powers
  are kept as a monomial denominator),
* the imaginary unit is a generator w with conj(w) = -w, reduced by
  w^2 = -1,
* sin(x) and cos(x) of a phase angle x are (z - 1/z)/(2i) and (z + 1/z)/2.

The relation ideal
------------------
The generators obey relations: w^2 = -1; sqrt(R)^2 = R = 1 - T =
1 - sqrt(T)^2 for a barrier (``relations={R: 1 - T}``); sqrt(1 - 2 eps)^2 =
1 - 2 sqrt(eps)^2 for Büttiker's junction; a symbol s that also appears as
sqrt(s) is sqrt(s)^2.  Each relation is a rewriting rule g^p -> P (p = 2 for
a square root, 1 for a related symbol) whose right side contains no ruled
power.  The leading monomials g^p are pairwise coprime, so together with
w^2 + 1 the rules are a Gröbner basis of the relation ideal (Buchberger's
first criterion): the *normal form* of a polynomial (every ruled generator
below its power) is unique, zero is recognised exactly, and equal
polynomials have one representative.

Two modes
---------
``free=True`` is the mode of network elimination: no relation is applied
(w is an indeterminate), so the arithmetic is that of a polynomial ring, a
unique factorisation domain in which the exact divisions of Gaussian
elimination (Sylvester's identity: each new pivot is divisible by the
previous one) are found by plain trial division.  :meth:`quotient` then
gives a sibling algebra in the reduced mode, in which every registered factor
is in normal form and every product is reduced modulo the relations.  Applying the
relations *during* elimination would break divisibility (the normal form of
d q need not be divisible by the normal form of d) and leave spurious
factors: on a ring with a barrier in one arm the amplitude grew to 10^5
operations that way.

Network elimination runs the free mode in :class:`FlintFreeAlgebra`, the same
arithmetic with FLINT polynomials (``fmpq_mpoly``) throughout: its intermediate
numerators reach 10^6 terms on a five-barrier bridge, and only its results are
converted to sympy's polynomials (:meth:`PolarAlgebra.from_free`).

Denominators are kept as products of *registered factors*, so that sums
need only lcms and cancellation is trial division: no multivariate gcd and
no ``simplify()`` is ever needed.

Printing (:mod:`lbsym.realform`) turns a real element into the form a
textbook prints: c z^m + conj(c) z^-m becomes 2 Re(c) cos(m phi) - 2 Im(c)
sin(m phi), each trigonometric coefficient written in the shorter of the
related variables (T or R = 1 - T), and |s|^2 as |N|^2/|D|^2 when that is
shorter.

Atoms that are neither known real nor of the form exp(i * real) are complex
generators with a separate generator for their conjugate, so the algebra stays
correct (if less compact) for any input.
"""

from __future__ import annotations

import copy
import heapq
import random
import struct
from dataclasses import dataclass
from fractions import Fraction
from math import factorial, lcm
from typing import Iterable, Sequence

import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.rings import ring

from .errors import ParameterError

try:  # C-level multivariate arithmetic (FLINT) for the large products and divisions
    import flint as _flint
    from flint.utils.flint_exceptions import DomainError as _FlintDomainError

    _FLINT = hasattr(_flint, "fmpq_mpoly_ctx")
except ImportError:  # pragma: no cover - python-flint is a dependency
    _FLINT = False

#: products with at least this many term pairs, and divisions of polynomials with
#: at least this many terms, go through FLINT (conversion costs ~1 us per term)
FLINT_MUL_PAIRS = 4000
FLINT_DIV_TERMS = 48

__all__ = ["PolarAlgebra", "FlintFreeAlgebra", "Frac", "abs2", "polar_form", "polar_parts"]

_REAL, _PHASE, _COMPLEX, _CONJ, _IMAG = "real", "phase", "complex", "conj", "imag"


@dataclass(frozen=True)
class _Gen:
    kind: str  # real | phase | complex | conj | imag
    atom: sp.Expr
    denom: int = 1  # phase generator is exp(i * atom / denom)
    partner: int = -1  # index of the conjugate generator (complex/conj kinds)


def _phase_parts(arg: sp.Expr) -> dict[sp.Expr, sp.Expr] | None:
    """Split phi of exp(i phi) into {atom: rational coefficient}, or None.

    Number terms (pi/2, 1, ...) are kept as keys with coefficient 1.
    Returns None when phi is not known to be real.
    """
    phi = sp.expand(arg / sp.I)
    if phi.has(sp.I) or phi.is_extended_real is not True:
        return None
    return _angle_parts(phi)


def _angle_parts(phi: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    parts: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(phi):
        coeff, rest = term.as_coeff_Mul()
        if rest == 1 or not coeff.is_Rational:
            key, c = term, sp.S.One
        else:
            key, c = rest, coeff
        parts[key] = parts.get(key, 0) + c
    return parts


def _quarter_turns(c: sp.Expr) -> int | None:
    """n if exp(i c) = i^n (c a multiple of pi/2), else None."""
    if c == 0:
        return 0
    q = sp.nsimplify(c / (sp.pi / 2)) if c.has(sp.pi) else None
    if q is not None and q.is_Integer:
        return int(q) % 4
    return None


def _real_root(x: sp.Expr) -> bool:
    """Even roots of real quantities are taken real (radicand >= 0).

    Every scatterer declares admissible ranges in which its radicands
    (1 - 2 epsilon, 1 - T, ...) are non-negative; the algebra works there.
    """
    return bool(
        x.is_Pow
        and x.exp.is_Rational
        and x.exp.q % 2 == 0
        and x.base.is_extended_real
    )


def _qq(c: sp.Expr):
    c = sp.Rational(c)
    return QQ(int(c.p), int(c.q))


class EagerViolation(Exception):
    """A pivot contains a generator whose relation was applied eagerly (internal)."""

    def __init__(self, gens: set):
        super().__init__(f"eagerly reduced generators {sorted(gens)} appear in a pivot")
        self.gens = gens


class Frac:
    """An element of the amplitude field: n / (z^mono * prod f_i^e_i).

    ``n`` is a polynomial; the denominator is a monomial ``mono`` (phases
    and real atoms) times powers of *registered factors* of the algebra.
    Keeping denominators factored means sums need only the lcm of factor
    exponents and cancellation is trial division: no multivariate gcd.
    """

    __slots__ = ("n", "mono", "fac", "alg")

    def __init__(self, n, mono: tuple, fac: dict, alg: "PolarAlgebra"):
        self.n, self.mono, self.fac, self.alg = n, mono, fac, alg

    def _lift(self, other) -> "Frac":
        if isinstance(other, Frac):
            return other
        return self.alg.const(other)

    def __add__(self, other):
        o = self._lift(other)
        if not o.n:
            return self
        if not self.n:
            return o
        return self.alg.add(self, o)

    __radd__ = __add__

    def __neg__(self):
        return Frac(-self.n, self.mono, self.fac, self.alg)

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) - self

    def __mul__(self, other):
        o = self._lift(other)
        if not self.n or not o.n:
            return self.alg.zero
        return self.alg.mul(self, o)

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self._lift(other)
        if not o.n:
            raise ZeroDivisionError("division by an amplitude that is identically zero")
        return self.alg.mul(self, self.alg.inverse(o))

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __pow__(self, e: int):
        if e < 0:
            return self.alg.one / (self ** (-e))
        out = self.alg.one
        base = self
        while e:
            if e & 1:
                out = out * base
            base = base * base
            e >>= 1
        return out

    def is_zero(self) -> bool:
        """Exactly zero modulo the relations (also in the free mode).

        A large numerator is first evaluated modulo a prime at a random point
        of the relations' variety: a non-zero value proves it non-zero; only
        a zero value is confirmed by the normal form.
        """
        return self.alg._is_zero_poly(self.n)

    def __eq__(self, other) -> bool:
        return (self - self._lift(other)).is_zero()

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __bool__(self) -> bool:
        return bool(self.n)

    __hash__ = None  # type: ignore[assignment]

    def numer_denom(self):
        """(numerator poly, denominator poly), the denominator expanded."""
        return self.n, self.alg.denominator_poly(self)

    def __repr__(self) -> str:
        n, d = self.numer_denom()
        n, d = self.alg._py(n), self.alg._py(d)
        return f"Frac({n.as_expr()} / {d.as_expr()})"


class PolarAlgebra:
    """Fraction field for amplitudes built from real atoms and phases.

    Parameters
    ----------
    exprs
        The expressions that will be converted (their atoms fix the
        generators).  A phase atom appearing with rational coefficients of
        several denominators gets one generator exp(i atom / lcm).
    relations
        Mapping ``symbol -> expression`` (``{R1: 1 - T1}``), the relations
        the symbols obey.
    reduce_roots
        Reduce every product modulo the relations (square-root rules
        x^2 -> radicand and the related symbols), so that identities such as
        |r|^2 + |t|^2 = 1 hold exactly in the field and equal elements have
        one normal form.
    free
        No reduction at all during the arithmetic (not even i^2 = -1): the
        mode of network elimination; see the module docstring and
        :meth:`quotient`.
    trig_phases
        Write every sin/cos of a real angle through phase generators (so
        that trigonometric identities are recognised exactly, e.g. when two
        printed forms are compared); by default only angles whose atoms are
        already phases are converted, so that sin(k) alone stays a real
        quantity and prints as one.

    Examples
    --------
    >>> import sympy as sp
    >>> T, R, th = sp.symbols("T R theta", positive=True)
    >>> t = sp.sqrt(T) / (1 - sp.sqrt(R) * sp.exp(sp.I * th))
    >>> alg = PolarAlgebra([t])
    >>> alg.abs2_expr(alg.to_field(t))
    T/(-2*sqrt(R)*cos(theta) + R + 1)
    """

    def __init__(
        self,
        exprs: Iterable[sp.Expr],
        relations: dict | None = None,
        *,
        reduce_roots: bool = False,
        free: bool = False,
        trig_phases: bool = False,
    ):
        self.relations = {sp.sympify(k): sp.sympify(v) for k, v in dict(relations or {}).items()}
        self._gens: list[_Gen] = [_Gen(_IMAG, sp.I)]
        self._index: dict[tuple[str, sp.Expr], int] = {}
        self._phase_denoms: dict[sp.Expr, int] = {}
        self._reals: dict[sp.Expr, None] = {}
        self._trig_atoms: dict[sp.Expr, None] = {}
        self._trig: dict[sp.Expr, tuple[str, dict]] = {}
        self._alias: dict[sp.Expr, sp.Expr] = {}
        for x in exprs:
            self._scan(sp.sympify(x))
        if trig_phases:
            for x in self._trig_atoms:
                self._scan_phase(_angle_parts(sp.expand(x.args[0])))
        for atom, d in self._phase_denoms.items():
            self._add_gen(_Gen(_PHASE, atom, d))
        self._resolve_trig()
        for x in self._reals:
            if isinstance(x, sp.Symbol) and sp.sqrt(x) in self._reals:
                self._alias[x] = sp.sqrt(x)  # s = sqrt(s)^2: one generator
                continue
            self._add_gen(_Gen(_REAL, x))
        names = ",".join(f"g{i}" for i in range(len(self._gens)))
        self.ring, *self.gens = ring(names, QQ)
        self._w = self.gens[0]
        self.ngens = len(self._gens)
        self.free = bool(free)
        # rewrite rules g^p -> P (the relation ideal's Gröbner basis with w^2 + 1)
        self._rules: dict = {}
        self._pow_cache: dict = {}
        self._eager: dict = {}
        self._eager_cache: dict = {}
        if reduce_roots or free:
            self._rules = self._root_rules(self.relations)
        self._nomono = (0,) * self.ngens
        self._init_elements()

    def _init_elements(self) -> None:
        """Registered factors, constants and conjugates of the generators."""
        self._factors: list = []
        self._fac_info: list = []
        self._conj_cache: dict = {}
        self.zero = Frac(self.ring.zero, self._nomono, {}, self)
        self.one = Frac(self.ring.one, self._nomono, {}, self)
        self._conj_gen = []
        for i, g in enumerate(self._gens):
            gen = Frac(self.gens[i], self._nomono, {}, self)
            if g.kind == _IMAG:
                self._conj_gen.append(-gen)
            elif g.kind == _REAL:
                self._conj_gen.append(gen)
            elif g.kind == _PHASE:
                mono = tuple(1 if j == i else 0 for j in range(self.ngens))
                self._conj_gen.append(Frac(self.ring.one, mono, {}, self))
            else:
                self._conj_gen.append(Frac(self.gens[g.partner], self._nomono, {}, self))

    # ------------------------------------------------------------------ scan
    def _add_gen(self, gen: _Gen) -> int:
        key = (gen.kind, gen.atom)
        if key not in self._index:
            self._index[key] = len(self._gens)
            self._gens.append(gen)
        return self._index[key]

    def _complex_atom(self, atom: sp.Expr) -> None:
        if (_COMPLEX, atom) in self._index:
            return
        i = len(self._gens)
        self._index[(_COMPLEX, atom)] = i
        self._gens.append(_Gen(_COMPLEX, atom, 1, i + 1))
        self._index[(_CONJ, atom)] = i + 1
        self._gens.append(_Gen(_CONJ, atom, 1, i))

    def _scan_phase(self, parts: dict) -> None:
        for atom, c in parts.items():
            if atom.is_number and _quarter_turns(atom * c) is not None:
                continue
            prev = self._phase_denoms.get(atom, 1)
            self._phase_denoms[atom] = lcm(prev, int(sp.Rational(c).q))

    def _scan(self, x: sp.Expr) -> None:
        if x.is_Number or x is sp.I:
            return
        if isinstance(x, (sp.Add, sp.Mul)):
            for a in x.args:
                self._scan(a)
            return
        if isinstance(x, sp.conjugate):
            self._scan(x.args[0])
            return
        if isinstance(x, sp.exp):
            parts = _phase_parts(x.args[0])
            if parts is None:
                self._complex_atom(x)
                return
            self._scan_phase(parts)
            return
        if x.is_Pow and x.exp.is_Integer:
            self._scan(x.base)
            return
        if x.is_Pow and x.exp.is_Rational and x.exp.p != 1:  # x^(p/q) = (x^(1/q))^p
            self._scan(x.base ** sp.Rational(1, x.exp.q))
            return
        if isinstance(x, (sp.sin, sp.cos)) and x.args[0].is_extended_real:
            self._trig_atoms[x] = None
            return
        if x.is_extended_real or _real_root(x):
            self._reals[x] = None
        else:
            self._complex_atom(x)

    def _resolve_trig(self) -> None:
        """sin/cos of an angle made of phase atoms become Laurent polynomials."""
        for x in self._trig_atoms:
            parts = _angle_parts(sp.expand(x.args[0]))
            ok = all(
                (atom.is_number and _quarter_turns(atom * c) is not None)
                or (atom in self._phase_denoms and (c * self._phase_denoms[atom]).is_Integer)
                for atom, c in parts.items()
            )
            if ok:
                self._trig[x] = ("sin" if isinstance(x, sp.sin) else "cos", parts)
            else:
                self._reals[x] = None

    def _root_rules(self, relations: dict) -> dict:
        """Rewrite rules g^p -> P for real generators (see the module docstring).

        g = sqrt(B) gives p = 2 and P = B; a related symbol g (``relations``)
        gives p = 1 and P = its relation.  P is written in the other
        generators (a symbol s becomes h^2 if sqrt(s) is a generator h, or h
        if s itself is); a rule whose right side cannot be written so, or
        keeps a ruled power after the other rules, is dropped.
        """
        rules = {}
        for i, g in enumerate(self._gens):
            if g.kind != _REAL:
                continue
            if g.atom.is_Pow and g.atom.exp == sp.S.Half:
                power, base = 2, g.atom.base
            elif g.atom in relations:
                power, base = 1, relations[g.atom]
            else:
                continue
            val = self._poly_in_gens(sp.expand(sp.sympify(base).subs(relations)), exclude=i)
            if val is not None:
                rules[i] = (power, val)
        # right sides free of ruled powers (substitute, acyclic chains only)
        for _ in range(len(rules) + 1):
            changed = False
            for i in list(rules):
                p, val = rules[i]
                if any(m[j] >= rules[j][0] for m in val.itermonoms() for j in rules if j != i):
                    new = self._reduce_with(val, {j: r for j, r in rules.items() if j != i})
                    if new != val:
                        rules[i] = (p, new)
                        changed = True
            if not changed:
                break
        for i in list(rules):
            if any(m[j] >= rules[j][0] for m in rules[i][1].itermonoms() for j in rules):
                del rules[i]
        return rules

    def _poly_in_gens(self, base: sp.Expr, exclude: int):
        syms = sorted(base.free_symbols, key=lambda x: x.name)
        subs = {}
        for sym in syms:
            j = self._index.get((_REAL, sp.sqrt(sym)))
            if j is not None and j != exclude:
                subs[sym] = self.gens[j] ** 2
                continue
            j = self._index.get((_REAL, sym))
            if j is not None and j != exclude:
                subs[sym] = self.gens[j]
                continue
            return None
        try:
            poly = sp.Poly(base, *syms) if syms else sp.Poly(base, sp.Dummy())
        except sp.PolynomialError:
            return None
        val = self.ring.zero
        for monom, coeff in poly.terms():
            if not coeff.is_Rational:
                return None
            term = self.ring(_qq(coeff))
            for sym, e in zip(syms, monom):
                term *= subs[sym] ** e
            val += term
        return val

    # -------------------------------------------------------------- normal forms
    def _py(self, p):
        """p as a sympy polynomial of :attr:`ring` (the identity here; see FlintFreeAlgebra)."""
        return p

    def _is_zero_poly(self, p) -> bool:
        """p = 0 modulo the relations (see :meth:`Frac.is_zero`)."""
        if not p:
            return True
        if len(p) > 40 and self._mod_nonzero(p):
            return False
        return not self.nf(p)

    def reduce(self, p):
        """Reduce a polynomial in the current mode.

        The free mode applies only its *eager* rules (:meth:`set_eager`), the
        reduced mode the whole normal form.
        """
        if not p:
            return p
        if self.free:
            return self._reduce_with(p, self._eager, self._eager_cache) if self._eager else p
        return self.nf(p)

    # ------------------------------------------------------- eager reduction
    def pairs(self) -> list[tuple]:
        """Invertible relations g^p = a + b h^q among the rules: (g, p, h, q, a, b)."""
        cached = self.__dict__.get("_pairs_list")
        if cached is not None:
            return cached
        out = []
        for g, (p, val) in self._rules.items():
            terms = list(val.iterterms())
            const = [c for m, c in terms if not any(m)]
            rest = [(m, c) for m, c in terms if any(m)]
            if len(rest) != 1 or len(const) > 1:
                continue
            m, b = rest[0]
            nz = [(j, e) for j, e in enumerate(m) if e]
            if len(nz) != 1 or nz[0][0] == 0:
                continue
            h, q = nz[0]
            out.append((g, p, h, q, const[0] if const else QQ(0), b))
        gens = [x for pr in out for x in (pr[0], pr[2])]
        out = [pr for pr in out if gens.count(pr[0]) == 1 and gens.count(pr[2]) == 1]
        self._pairs_list = out
        return out

    def eager_candidates(self, avoid: set) -> dict:
        """Rules that may be applied during a free-mode elimination.

        Applying a relation g^p -> P while eliminating keeps divisions exact
        as long as g never appears in a pivot (a denominator): pivots then lie
        in the polynomial ring of the other generators, over which the
        normal forms are a free module.  For each invertible pair the
        generator ruled is the one of the pair not in ``avoid`` (generators
        of diagonal, i.e. reflection, entries: sqrt(T) of a barrier rather
        than sqrt(R), the lead coupling sqrt(eps) of a junction rather than
        sqrt(1 - 2 eps)); a pivot that breaks the assumption raises
        :class:`EagerViolation` and the caller drops the rule.
        """
        out = {}
        for g, p, h, q, a, b in self.pairs():
            if g not in avoid and h in avoid:
                out[g] = self._rules[g]
            elif h not in avoid and g in avoid:
                out[h] = (q, (self.gens[g] ** p - self.ring(a)) * (QQ(1) / b))
        return out

    def set_eager(self, rules: dict) -> None:
        self._eager = dict(rules)
        self._eager_cache = {}

    def nf(self, p):
        """Normal form modulo the relation ideal (w^2 = -1 and the rules)."""
        if not p:
            return p
        if self._rules:
            p = self._reduce_with(p, self._rules)
        if all(m[0] < 2 for m in p.itermonoms()):
            return p
        terms: dict = {}
        for m, c in p.iterterms():
            e = m[0]
            if e >= 2:
                q, r = divmod(e, 2)
                c = -c if q % 2 else c
                m = (r,) + m[1:]
            terms[m] = terms.get(m, 0) + c
        return self.ring.from_dict({m: c for m, c in terms.items() if c})

    def _multiplier(self, rules: dict, idx: list, qs: tuple, cache: dict) -> list:
        """prod_a P_a^q_a as a list of (monomial, coefficient), reduced and cached."""
        out = cache.get(qs)
        if out is None:
            poly = self.ring.one
            for a, q in enumerate(qs):
                if q:
                    poly = poly * rules[idx[a]][1] ** q
            poly = self._reduce_with(poly, rules, {}) if len(qs) and poly != self.ring.one else poly
            out = list(poly.iterterms())
            cache[qs] = out
        return out

    def _reduce_with(self, p, rules: dict, cache: dict | None = None):
        """Rewrite every ruled power g^p by its rule.

        The rules' right sides contain no ruled power, so each monomial is
        reduced by splitting its exponents e = p q + r and multiplying the
        remainder monomial by the cached product of P^q (plain dictionary
        arithmetic); a product of right sides that creates a ruled power again
        is reduced by a further pass.
        """
        if not rules:
            return p
        if cache is None:
            cache = self._pow_cache if rules is self._rules else {}
        idx = list(rules)
        pw = [rules[i][0] for i in idx]
        terms = dict(p.iterterms())
        while True:
            out: dict = {}
            hit = False
            for m, c in terms.items():
                qs = None
                for a, i in enumerate(idx):
                    if m[i] >= pw[a]:
                        if qs is None:
                            qs = [0] * len(idx)
                            m = list(m)
                        qs[a], m[i] = divmod(m[i], pw[a])
                if qs is None:
                    out[m] = out.get(m, 0) + c
                    continue
                hit = True
                for mm, cc in self._multiplier(rules, idx, tuple(qs), cache):
                    t = tuple(x + y for x, y in zip(m, mm))
                    out[t] = out.get(t, 0) + c * cc
            terms = {m: c for m, c in out.items() if c}
            if not hit or not any(m[i] >= pw[a] for m in terms for a, i in enumerate(idx)):
                break
        return self.ring.from_dict(terms) if hit else p

    def quotient(self) -> "PolarAlgebra":
        """The same generators in the reduced mode (every product in normal form).

        A sibling algebra for the results of a free-mode elimination: it
        shares the generators and the ring, and registers the normal forms
        of the free factors as its own (see :meth:`from_free`).
        """
        q = copy.copy(self)
        q.__class__ = PolarAlgebra  # the sympy polynomials of the ring (not FLINT's)
        for name in ("_flint_cache", "_pack_cache", "_fac_lohi"):
            q.__dict__.pop(name, None)
        q.free = False
        q._eager, q._eager_cache = {}, {}
        q._rules = self._rules if self._rules else self._root_rules(self.relations)
        q._pow_cache = {}
        q._coeff_memo = {}
        q._pairs_cache = None
        q._from_free_cache = {}
        q._source = self
        q._init_elements()
        return q

    def from_free(self, f: Frac) -> Frac:
        """A fraction of the free sibling algebra in normal form."""
        src = self._source
        out = self._normal(self.nf(src._py(f.n)), f.mono, {})
        if not out.n:
            return self.zero
        for i, e in f.fac.items():
            inv = self._from_free_cache.get(i)
            if inv is None:
                p = self.nf(src._py(src._factors[i]))
                if not p:
                    raise ZeroDivisionError("a denominator vanishes modulo the relations")
                inv = self.inverse(Frac(p, self._nomono, {}, self))
                self._from_free_cache[i] = inv
            out = out * inv**e
        return self._cancel_common(out)

    #: numerator x factor sizes (terms) up to which a gcd looks for common factors
    GCD_LIMIT = 6000

    def _cancel_common(self, f: Frac) -> Frac:
        """Cancel polynomial common factors of the numerator and each denominator factor.

        Elimination cancels every factor it registered (Sylvester), but a
        registered pivot can itself contain a factor of the numerator (two
        lattice impurities: (e^{2ik} - 1) from 2i sin k).  A gcd of normal-form
        representatives is a true common factor, so cancelling it is exact;
        only polynomials of moderate size are tried.
        """
        changed = True
        while changed and f.fac:
            changed = False
            for i in list(f.fac):
                F = self._factors[i]
                if len(f.n) * len(F) > self.GCD_LIMIT:
                    continue
                g = f.n.gcd(F)
                if g.is_ground:
                    continue
                rest = F.exquo(g)
                fac = dict(f.fac)
                fac[i] -= 1
                if not fac[i]:
                    del fac[i]
                base = Frac(f.n.exquo(g), f.mono, fac, self)
                f = base / Frac(rest, self._nomono, {}, self) if not rest.is_ground else \
                    base * self.const(1 / sp.Rational(int(rest.LC.numerator), int(rest.LC.denominator)))
                changed = True
                break
        return f

    # ------------------------------------------------------ modular certificates
    _PRIME = 2305843009213706309  # a prime = 1 mod 4, so that i exists modulo it

    def _mod_point(self):
        """Generator values modulo _PRIME on the variety of the relations, or None."""
        if hasattr(self, "_mod_cache"):
            return self._mod_cache
        from sympy.ntheory import sqrt_mod

        P = self._PRIME
        rng = random.Random(977)
        rules = self._rules or self._root_rules(self.relations)
        point = None
        for _ in range(20):
            vals: list = [None] * self.ngens
            vals[0] = sqrt_mod(P - 1, P)
            for i in range(1, self.ngens):
                if i not in rules:
                    vals[i] = rng.randrange(2, P - 1)
            locked: set = set()
            pending = list(rules)
            ok = True
            while pending and ok:
                ready = [i for i in pending if all(
                    vals[j] is not None for m in rules[i][1].itermonoms() for j, e in enumerate(m) if e)]
                if not ready:
                    ok = False
                    break
                i = ready[0]
                p, val = rules[i]
                free = [j for m in val.itermonoms() for j, e in enumerate(m)
                        if e and j not in rules and j not in locked and j]
                for _try in range(64):
                    v = self._mod_eval(val, vals)
                    r = v if p == 1 else (sqrt_mod(v, P) if p == 2 else None)
                    if r is not None:
                        break
                    if not free:
                        break
                    for j in free:  # re-draw the rule's own free generators
                        vals[j] = rng.randrange(2, P - 1)
                if r is None:
                    ok = False
                    break
                vals[i] = r
                locked.update(free)
                pending.remove(i)
            if ok and not pending:
                point = vals
                break
        self._mod_cache = point
        return point

    def _mod_eval(self, p, vals) -> int:
        P = self._PRIME
        acc = 0
        for m, c in p.iterterms():
            t = int(c.numerator) * pow(int(c.denominator), -1, P)
            for v, e in zip(vals, m):
                if e:
                    t = t * pow(v, e, P) % P
            acc += t
        return acc % P

    def _mod_nonzero(self, p) -> bool:
        """True if p is certainly non-zero modulo the relations (False: unknown)."""
        vals = self._mod_point()
        return vals is not None and self._mod_eval(p, vals) != 0

    # factored-denominator arithmetic ---------------------------------
    def mono_poly(self, mono: tuple):
        return self.ring({mono: QQ(1)}) if any(mono) else self.ring.one

    def _fac_poly(self, fac: dict):
        out = self.ring.one
        for i, e in fac.items():
            out = self.reduce(self._pmul(out, self._factors[i] ** e))
        return out

    # C-level arithmetic for large polynomials ------------------------
    def flint_ctx(self):
        return _flint.fmpq_mpoly_ctx.get(("g", self.ngens), "lex")

    def _to_flint(self, p):
        cache = self.__dict__.setdefault("_flint_cache", {})
        hit = cache.get(id(p))
        if hit is not None and hit[0] is p:
            return hit[1]
        if QQ.dtype is _flint.fmpq:  # sympy's flint ground types: the coefficients as they are
            f = self.flint_ctx().from_dict(p)
        else:
            numer, denom, fmpq = QQ.numer, QQ.denom, _flint.fmpq
            f = self.flint_ctx().from_dict(
                {m: fmpq(int(numer(c)), int(denom(c))) for m, c in p.iterterms()})
        if len(cache) > 256:
            cache.clear()
        cache[id(p)] = (p, f)
        return f

    def from_flint(self, f):
        monoms = [tuple(map(int, m)) for m in f.monoms()]
        coeffs = f.coeffs()
        if QQ.dtype is not _flint.fmpq:
            mpq = QQ.dtype
            coeffs = [mpq(int(c.p), int(c.q)) for c in coeffs]
        return self.ring.dtype(zip(monoms, coeffs))

    def _pmul(self, a, b):
        """a * b, through FLINT when the product is large."""
        if _FLINT and len(a) * len(b) >= FLINT_MUL_PAIRS:
            return self.from_flint(self._to_flint(a) * self._to_flint(b))
        return a * b

    def _flint_exquo(self, n, f):
        try:
            return self.from_flint(self._to_flint(n) / self._to_flint(f))
        except _FlintDomainError:
            return None

    def denominator_poly(self, f: Frac):
        return self.reduce(self.mono_poly(f.mono) * self._fac_poly(f.fac))

    @staticmethod
    def _info(p) -> tuple:
        """(length, leading monomial, per-generator min, per-generator max)."""
        ms = list(p.itermonoms())
        lo = tuple(min(c) for c in zip(*ms))
        hi = tuple(max(c) for c in zip(*ms))
        return len(ms), p.LM, lo, hi

    def _normal(self, n, mono: tuple, fac: dict) -> Frac:
        """Cancel monomials and registered factors from n / den."""
        n = self.reduce(n)
        if not n:
            return self.zero
        # monomial part: cancel common powers of generators (not w)
        if any(mono):
            common = [min(mono[i], min(m[i] for m in n.itermonoms())) if mono[i] else 0
                      for i in range(len(mono))]
            if any(common):
                n = n.exquo(self.mono_poly(tuple(common)))
                mono = tuple(a - b for a, b in zip(mono, common))
        fac = {i: e for i, e in fac.items() if e}
        if fac:
            n = self._divide_out(n, fac, self._info, self._may_divide)
        return Frac(n, mono, fac, self)

    def _divide_out(self, n, fac: dict, info, may_divide, ninfo=None):
        """Divide ``n`` by each registered factor of ``fac`` as often as it divides
        (``fac`` is updated in place); ``may_divide(factor info, info(n))`` is a cheap
        degree test before each trial division, ``ninfo`` an already computed info(n)."""
        for i in list(fac):
            while fac[i]:
                if ninfo is None:
                    ninfo = info(n)
                if not may_divide(self._fac_info[i], ninfo):
                    break
                q = self._exquo(n, self._factors[i])
                if q is None:
                    break
                n = q
                ninfo = None
                fac[i] -= 1
            if not fac[i]:
                del fac[i]
        return n

    @staticmethod
    def _may_divide(f: tuple, n: tuple) -> bool:
        """Necessary conditions for f | n: length, leading monomial and every
        per-generator degree range of f fit inside those of n."""
        flen, flm, flo, fhi = f
        nlen, nlm, nlo, nhi = n
        if flen > 1 and nlen < 2:
            return False
        if any(a > b for a, b in zip(flm, nlm)):
            return False
        for a, b, c, d in zip(flo, fhi, nlo, nhi):
            if b - a > d - c or a > c:
                return False
        return True

    def _exquo(self, n, f):
        """n / f if f divides n exactly in the current polynomial ring, else None.

        Division with a heap of the remainder's monomials (lex order), the
        monomials packed into integers (16-bit fields with a guard bit, so
        that a monomial product is one addition and divisibility one mask):
        each step is O(|f| log), and the first leading term that f's leading
        term does not divide proves that f does not divide n.  In the reduced
        mode the division is that of polynomials, not of the quotient ring:
        a failure only means a factor is not cancelled (a larger, still
        exact, result).
        """
        if len(f) == 1:
            (fm, fc), = f.iterterms()
            out = {}
            for m, c in n.iterterms():
                q = tuple(a - b for a, b in zip(m, fm))
                if min(q) < 0:
                    return None
                out[q] = c / fc
            return self.ring.from_dict(out)
        if _FLINT and len(n) >= FLINT_DIV_TERMS:
            return self._flint_exquo(n, f)
        if max(max(m) for m in n.itermonoms()) >= 1 << 15:
            return None  # pragma: no cover - exponents beyond 2^15
        fmt = self._packfmt
        pk = struct.pack
        frm = int.from_bytes
        guard = self._guard
        fterms = self._packed(f)
        flm, flc = fterms[0]
        rem = {frm(pk(fmt, *m), "big"): c for m, c in n.iterterms()}
        heap = [-k for k in rem]
        heapq.heapify(heap)
        pop, push = heapq.heappop, heapq.heappush
        quot = {}
        while rem:
            while True:
                m = -pop(heap)
                c = rem.get(m)
                if c:
                    break
            d = (m + guard) - flm
            if d & guard != guard:
                return None
            q = d - guard
            qc = c / flc
            quot[q] = qc
            for fm, fc in fterms:
                t = q + fm
                v = rem.get(t)
                if v is None:
                    rem[t] = -qc * fc
                    push(heap, -t)
                else:
                    v = v - qc * fc
                    if v:
                        rem[t] = v
                    else:
                        del rem[t]
        nb = 2 * self.ngens
        up = struct.unpack
        return self.ring.from_dict({up(fmt, k.to_bytes(nb, "big")): c for k, c in quot.items()})

    @property
    def _packfmt(self) -> str:
        return f">{self.ngens}H"

    @property
    def _guard(self) -> int:
        g = getattr(self, "_guard_cache", None)
        if g is None:
            g = int.from_bytes(struct.pack(self._packfmt, *([1 << 15] * self.ngens)), "big")
            self._guard_cache = g
        return g

    def _packed(self, f) -> list:
        """f's terms with packed monomials, leading term first (cached per polynomial)."""
        cache = self.__dict__.setdefault("_pack_cache", {})
        key = id(f)
        hit = cache.get(key)
        if hit is not None and hit[0] is f:
            return hit[1]
        fmt = self._packfmt
        terms = sorted(((int.from_bytes(struct.pack(fmt, *m), "big"), c) for m, c in f.iterterms()),
                       reverse=True)
        if len(cache) > 512:
            cache.clear()
        cache[key] = (f, terms)
        return terms

    def add(self, a: Frac, b: Frac) -> Frac:
        mono = tuple(max(x, y) for x, y in zip(a.mono, b.mono))
        fac = {i: max(a.fac.get(i, 0), b.fac.get(i, 0)) for i in set(a.fac) | set(b.fac)}

        def lift(f: Frac):
            extra_m = tuple(x - y for x, y in zip(mono, f.mono))
            extra_f = {i: e - f.fac.get(i, 0) for i, e in fac.items() if e - f.fac.get(i, 0)}
            out = f.n
            if any(extra_m):
                out = out * self.mono_poly(extra_m)
            if extra_f:
                out = self.reduce(self._pmul(out, self._fac_poly(extra_f)))
            return out

        return self._normal(lift(a) + lift(b), mono, fac)

    def mul(self, a: Frac, b: Frac) -> Frac:
        # each operand is already reduced against its own denominator, so only
        # a.n / b.den and b.n / a.den can cancel: divide the smaller pieces
        an = self._normal(a.n, b.mono, dict(b.fac)) if (any(b.mono) or b.fac) else \
            Frac(a.n, self._nomono, {}, self)
        bn = self._normal(b.n, a.mono, dict(a.fac)) if (any(a.mono) or a.fac) else \
            Frac(b.n, self._nomono, {}, self)
        mono = tuple(x + y for x, y in zip(an.mono, bn.mono))
        fac = dict(an.fac)
        for i, e in bn.fac.items():
            fac[i] = fac.get(i, 0) + e
        n = self.reduce(self._pmul(an.n, bn.n))
        if not n:
            return self.zero
        return Frac(n, mono, fac, self)

    def _register(self, p) -> tuple[tuple, dict, object]:
        """Split a polynomial into monomial * known factors * new factor * constant."""
        p = self.reduce(p)
        if self.free and self._eager:
            bad = {g for g in self._eager if any(m[g] for m in p.itermonoms())}
            if bad:
                raise EagerViolation(bad)
        mono = tuple(min(m[i] for m in p.itermonoms()) if i else 0 for i in range(self.ngens))
        if any(mono):
            p = p.exquo(self.mono_poly(mono))
        fac: dict = {}
        if not p.is_ground:
            pinfo = self._info(p)
            for i, f in enumerate(self._factors):
                while not p.is_ground and self._may_divide(self._fac_info[i], pinfo):
                    q = self._exquo(p, f)
                    if q is None:
                        break
                    p = q
                    pinfo = self._info(p)
                    fac[i] = fac.get(i, 0) + 1
                if p.is_ground:
                    break
        if not p.is_ground:
            const = p.LC
            p = p.quo_ground(const)
            self._factors.append(p)
            self._fac_info.append(self._info(p))
            fac[len(self._factors) - 1] = fac.get(len(self._factors) - 1, 0) + 1
        else:
            const = p.LC
        return mono, fac, const

    def inverse(self, f: Frac) -> Frac:
        mono, fac, const = self._register(f.n)
        if not const:
            raise ZeroDivisionError("division by zero amplitude")
        # 1/f = den(f) / (const * mono * fac)
        num = self.denominator_poly(f).quo_ground(const)
        return self._normal(num, mono, fac)

    def const(self, c) -> Frac:
        c = sp.sympify(c)
        re, im = c.as_real_imag()
        if not (re.is_Rational and im.is_Rational):
            return self.to_field(c)
        p = self.ring(_qq(re)) + self._w * _qq(im)
        return Frac(p, self._nomono, {}, self)

    def _phase_field(self, parts: dict) -> Frac:
        out = self.one
        for atom, c in parts.items():
            if atom.is_number:
                n = _quarter_turns(atom * c)
                if n is not None:
                    out = out * self._gen(0) ** n
                    continue
            idx = self._index[(_PHASE, atom)]
            e = c * self._gens[idx].denom
            out = out * self._gen(idx) ** int(e)
        return out

    def to_field(self, x: sp.Expr) -> Frac:
        """Convert a sympy expression to a field element."""
        x = sp.sympify(x)
        if x.is_Rational or x is sp.I:
            return self.const(x)
        if x.is_Float:
            return self.const(sp.Rational(x))
        if isinstance(x, sp.Add):
            out = self.zero
            for a in x.args:
                out = out + self.to_field(a)
            return out
        if isinstance(x, sp.Mul):
            out = self.one
            for a in x.args:
                out = out * self.to_field(a)
            return out
        if isinstance(x, sp.conjugate):
            return self.conj(self.to_field(x.args[0]))
        if isinstance(x, sp.exp):
            parts = _phase_parts(x.args[0])
            if parts is None:
                return self._gen(self._index[(_COMPLEX, x)])
            return self._phase_field(parts)
        if x in self._trig:
            kind, parts = self._trig[x]
            z = self._phase_field(parts)
            zi = self.conj(z)
            if kind == "cos":
                return (z + zi) * self.const(sp.Rational(1, 2))
            return (z - zi) * self.const(-sp.I / 2)
        if x in self._alias:
            return self.to_field(self._alias[x]) ** 2
        if x.is_Pow and x.exp.is_Integer:
            return self.to_field(x.base) ** int(x.exp)
        if x.is_Pow and x.exp.is_Rational and x.exp.p != 1:
            return self.to_field(x.base ** sp.Rational(1, x.exp.q)) ** int(x.exp.p)
        for kind in (_REAL, _COMPLEX):
            if (kind, x) in self._index:
                return self._gen(self._index[(kind, x)])
        if x.is_Symbol and (_REAL, sp.sqrt(x)) in self._index:  # T = sqrt(T)^2
            return self._gen(self._index[(_REAL, sp.sqrt(x))]) ** 2
        if x in self.relations:  # R = 1 - T, for a symbol met only now
            return self.to_field(self.relations[x])
        raise ParameterError(f"{x} is not an amplitude of this algebra (it was not among the "
                             f"expressions the algebra was built from)")

    def _gen(self, i: int) -> Frac:
        return Frac(self.gens[i], self._nomono, {}, self)

    def conj(self, f: Frac) -> Frac:
        """Complex conjugate (z -> 1/z for phases, w -> -w)."""
        num = self._conj_poly(f.n)
        if not any(f.mono) and not f.fac:
            return num
        den = self.one
        for i, e in enumerate(f.mono):
            if e:
                den = den * self._conj_gen[i] ** e
        for i, e in f.fac.items():
            den = den * self._conj_factor(i) ** e
        return num / den

    def _conj_factor(self, i: int) -> Frac:
        if i not in self._conj_cache:
            self._conj_cache[i] = self._conj_poly(self._factors[i])
        return self._conj_cache[i]

    def conj_poly_parts(self, p) -> tuple:
        """conj(p) = q / z^s: (polynomial q, phase monomial s)."""
        if not p:
            return p, self._nomono
        phase = [i for i, g in enumerate(self._gens) if g.kind == _PHASE]
        cplx = [(i, g.partner) for i, g in enumerate(self._gens) if g.kind in (_COMPLEX, _CONJ)]
        top = {i: max(m[i] for m in p.itermonoms()) for i in phase}
        out = {}
        for m, c in p.iterterms():
            m2 = list(m)
            if m[0] % 2:
                c = -c
            for i in phase:
                m2[i] = top[i] - m[i]
            for i, j in cplx:
                m2[i] = m[j]
            out[tuple(m2)] = c
        shift = tuple(top.get(i, 0) for i in range(self.ngens))
        return self.ring.from_dict(out), shift

    def _conj_poly(self, p) -> Frac:
        q, shift = self.conj_poly_parts(p)
        return self._normal(q, shift, {})

    # ---------------------------------------------------------- back to sympy
    def _complex_terms(self, p, shift: Sequence[Fraction] | None = None) -> dict:
        """{monomial without w (phase exponents shifted): complex coefficient}."""
        out: dict[tuple, sp.Expr] = {}
        for m, c in p.iterterms():
            coeff = sp.Rational(int(c.numerator), int(c.denominator)) * (sp.I if m[0] else 1)
            key = tuple(
                Fraction(e) - (shift[i] if shift is not None else 0) for i, e in enumerate(m)
            )[1:]
            out[key] = out.get(key, 0) + coeff
        return {k: v for k, v in out.items() if v != 0}

    def _is_phase(self, j: int) -> bool:  # j indexes monomials without w
        return self._gens[j + 1].kind == _PHASE

    def atom(self, j: int) -> sp.Expr:  # j indexes monomials without w
        g = self._gens[j + 1]
        return sp.conjugate(g.atom) if g.kind == _CONJ else g.atom

    def _amp_expr(self, key) -> sp.Expr:
        out = []
        for j, e in enumerate(key):
            if not e or self._is_phase(j):
                continue
            out.append(self.atom(j) ** sp.Rational(e))
        return sp.Mul(*out)

    def _angle(self, key) -> sp.Expr:
        return sp.Add(*[
            sp.Rational(e) * self._gens[j + 1].atom / self._gens[j + 1].denom
            for j, e in enumerate(key) if e and self._is_phase(j)
        ])

    def _poly_expr(self, terms: dict, scale: sp.Expr) -> sp.Expr:
        out = []
        for key, c in terms.items():
            angle = self._angle(key)
            ph = sp.exp(sp.I * angle) if angle != 0 else 1
            out.append(sp.expand(c / scale) * self._amp_expr(key) * ph)
        return sp.Add(*out)

    def _phase_shift(self, key) -> list[Fraction]:
        return [Fraction(0)] + [e if self._is_phase(j) else Fraction(0) for j, e in enumerate(key)]

    def to_expr(self, f: Frac) -> sp.Expr:
        """Field element back to sympy, as N/D with D starting ``1 + ...``."""
        if not f.n:
            return sp.S.Zero
        fn, fd = f.numer_denom()
        dterms = self._complex_terms(fd)

        def rank(item):
            key, _ = item
            amp = sum(e for j, e in enumerate(key) if not self._is_phase(j))
            ph = sum(abs(e) for j, e in enumerate(key) if self._is_phase(j))
            return (amp, ph, key)

        key, coeff = min(dterms.items(), key=rank)
        shift = self._phase_shift(key)
        num = self._poly_expr(self._complex_terms(fn, shift), coeff)
        den = self._poly_expr(self._complex_terms(fd, shift), coeff)
        return num if den == 1 else num / den

    # ----------------------------------------------------------- real forms
    def real_expr(self, f: Frac) -> sp.Expr:
        """A real field element printed with cosines (textbook form)."""
        from .realform import real_expr

        return real_expr(self, f)

    def abs2_expr(self, f: Frac) -> sp.Expr:
        """|f|^2 in textbook form: the most compact of the candidate forms.

        See :func:`lbsym.realform.abs2_expr`.
        """
        from .realform import abs2_expr

        return abs2_expr(self, f)


class FlintFreeAlgebra(PolarAlgebra):
    """The free mode of network elimination with FLINT polynomials throughout.

    The same field and the same arithmetic as ``PolarAlgebra(exprs, relations,
    free=True)`` (see the module docstring), but every numerator and registered
    factor is a FLINT ``fmpq_mpoly`` in the same generators and the same (lex)
    order: products, exact divisions, monomial contents, degree bounds and the
    eager rules are computed in C, and nothing is converted to sympy's
    polynomials during the elimination.  A result goes to sympy's ring only in
    :meth:`quotient`'s :meth:`~PolarAlgebra.from_free` (once per entry asked
    for), or for a zero test modulo the relations (a pivot).

    On a bridge of five general barriers the intermediate numerators of the
    elimination have up to 2e6 terms; converting those between the two
    representations cost far more than the C arithmetic itself.
    """

    def __init__(self, exprs: Iterable[sp.Expr], relations: dict | None = None, *,
                 trig_phases: bool = False):
        if not _FLINT:  # pragma: no cover - python-flint is a dependency
            raise ImportError("FlintFreeAlgebra needs python-flint")
        super().__init__(exprs, relations, free=True, trig_phases=trig_phases)

    # conversions -------------------------------------------------------
    def _fl(self, p):
        """A sympy polynomial of :attr:`ring` as a FLINT polynomial."""
        if not isinstance(p, _flint.fmpq_mpoly):
            if QQ.dtype is _flint.fmpq:
                p = self._ctx.from_dict(p)
            else:  # pragma: no cover - sympy without flint ground types
                numer, denom, fmpq = QQ.numer, QQ.denom, _flint.fmpq
                p = self._ctx.from_dict({m: fmpq(int(numer(c)), int(denom(c))) for m, c in p.iterterms()})
        return p

    def _py(self, p):
        """A FLINT polynomial as a sympy polynomial of :attr:`ring`."""
        if isinstance(p, _flint.fmpq_mpoly):
            return self.from_flint(p)
        return p

    def _init_elements(self) -> None:
        ctx = self.flint_ctx()
        self._ctx = ctx
        self._fgens = ctx.gens()
        self._factors = []
        self._fac_info = []
        self._conj_cache = {}
        self._feager: dict = {}
        nm = self._nomono
        self.zero = Frac(ctx.from_dict({}), nm, {}, self)
        self.one = Frac(ctx.from_dict({nm: 1}), nm, {}, self)
        self._conj_gen = []
        for i, g in enumerate(self._gens):
            gen = Frac(self._fgens[i], nm, {}, self)
            if g.kind == _IMAG:
                self._conj_gen.append(-gen)
            elif g.kind == _REAL:
                self._conj_gen.append(gen)
            elif g.kind == _PHASE:
                mono = tuple(1 if j == i else 0 for j in range(self.ngens))
                self._conj_gen.append(Frac(self.one.n, mono, {}, self))
            else:
                self._conj_gen.append(Frac(self._fgens[g.partner], nm, {}, self))

    def _gen(self, i: int) -> Frac:
        return Frac(self._fgens[i], self._nomono, {}, self)

    def const(self, c) -> Frac:
        c = sp.sympify(c)
        re, im = c.as_real_imag()
        if not (re.is_Rational and im.is_Rational):
            return self.to_field(c)
        terms = {}
        if re:
            terms[self._nomono] = _flint.fmpq(int(re.p), int(re.q))
        if im:
            terms[(1,) + self._nomono[1:]] = _flint.fmpq(int(im.p), int(im.q))
        return Frac(self._ctx.from_dict(terms), self._nomono, {}, self)

    def conj_poly_parts(self, p) -> tuple:
        q, shift = super().conj_poly_parts(self._py(p))
        return self._fl(q), shift

    # zero tests modulo the relations go through sympy's ring (pivots only)
    def _is_zero_poly(self, p) -> bool:
        return super()._is_zero_poly(self._py(p)) if p else True

    def nf(self, p):
        return super().nf(self._py(p))

    # eager rules --------------------------------------------------------
    def set_eager(self, rules: dict) -> None:
        super().set_eager(rules)
        self._feager = {g: (pw, self._fl(val)) for g, (pw, val) in self._eager.items()}

    def reduce(self, p):
        """Apply the eager rules g^q -> P (P free of g) to p.

        While p has degree d >= q in g, its top coefficient c = (d/dg)^d p / d!
        (exact: nothing of lower degree survives d derivatives) is moved down:
        c g^d -> c g^(d-q) P.  The remainder is the unique one of the rule."""
        if not self._feager or not p:
            return p
        for g, (q, val) in self._feager.items():
            d = int(p.degrees()[g])
            if d < q:
                continue
            x = self._fgens[g]
            step = val - x**q
            while d >= q:
                c = p
                for _ in range(d):
                    c = c.derivative(g)
                if d > 1:
                    c = c / factorial(d)
                p = p + c * x ** (d - q) * step
                top, d = d, (int(p.degrees()[g]) if p else 0)
                if d >= top:  # pragma: no cover - a right side with g in it: not a rule
                    raise ValueError(f"eager rule for generator {g} does not lower its degree")
        return p

    # bounds for trial division -----------------------------------------
    def _lohi(self, p) -> tuple:
        """(terms, per-generator minimal and maximal degrees) of a non-zero p."""
        hi = tuple(int(e) for e in p.degrees())
        tc = p.term_content()
        lo = tuple(int(e) for e in tc.monoms()[0]) if tc else (0,) * self.ngens
        return len(p), lo, hi

    @staticmethod
    def _may_divide_lohi(f: tuple, n: tuple) -> bool:
        flen, flo, fhi = f
        nlen, nlo, nhi = n
        if flen > 1 and nlen < 2:
            return False
        for a, b, c, d in zip(flo, fhi, nlo, nhi):
            if b - a > d - c or a > c or b > d:
                return False
        return True

    def _exquo(self, n, f):
        try:
            return n / f
        except _FlintDomainError:
            return None

    # factored-denominator arithmetic ---------------------------------
    def mono_poly(self, mono: tuple):
        return self._ctx.from_dict({mono: 1})

    def _fac_poly(self, fac: dict):
        out = self.one.n
        for i, e in fac.items():
            out = self.reduce(out * self._factors[i] ** e)
        return out

    def _pmul(self, a, b):
        return a * b

    def _normal(self, n, mono: tuple, fac: dict) -> Frac:
        n = self.reduce(n)
        if not n:
            return self.zero
        info = None
        if any(mono):
            info = self._lohi(n)
            lo = info[1]
            common = tuple(min(mono[i], lo[i]) if mono[i] else 0 for i in range(len(mono)))
            if any(common):
                n = n / self.mono_poly(common)
                mono = tuple(a - b for a, b in zip(mono, common))
                info = None
        fac = {i: e for i, e in fac.items() if e}
        n = self._divide_out(n, fac, self._lohi, self._may_divide_lohi, info)
        return Frac(n, mono, fac, self)

    def _register(self, p) -> tuple[tuple, dict, object]:
        p = self.reduce(p)
        if self._eager:
            degs = p.degrees()
            bad = {g for g in self._eager if degs[g]}
            if bad:
                raise EagerViolation(bad)
        info = self._lohi(p)
        mono = tuple(e if i else 0 for i, e in enumerate(info[1]))
        if any(mono):
            p = p / self.mono_poly(mono)
            info = self._lohi(p)
        fac: dict = {}
        if not p.is_constant():
            for i, f in enumerate(self._factors):
                while not p.is_constant() and self._may_divide_lohi(self._fac_info[i], info):
                    q = self._exquo(p, f)
                    if q is None:
                        break
                    p = q
                    info = self._lohi(p)
                    fac[i] = fac.get(i, 0) + 1
                if p.is_constant():
                    break
        const = p.leading_coefficient()
        if not p.is_constant():
            p = p / const
            self._factors.append(p)
            self._fac_info.append(self._lohi(p))
            fac[len(self._factors) - 1] = fac.get(len(self._factors) - 1, 0) + 1
        return mono, fac, const

    def inverse(self, f: Frac) -> Frac:
        mono, fac, const = self._register(f.n)
        if not const:
            raise ZeroDivisionError("division by zero amplitude")
        num = self.denominator_poly(f) / const
        return self._normal(num, mono, fac)


def abs2(expr: sp.Expr) -> sp.Expr:
    """|expr|^2 of a polar-form amplitude, printed with cosines.

    Examples
    --------
    >>> import sympy as sp
    >>> T1, T2, R1, R2, th = sp.symbols("T1 T2 R1 R2 theta", positive=True)
    >>> t = sp.sqrt(T1*T2) / (1 - sp.sqrt(R1*R2) * sp.exp(sp.I*th))
    >>> abs2(t)
    T1*T2/(-2*sqrt(R1)*sqrt(R2)*cos(theta) + R1*R2 + 1)
    """
    expr = sp.sympify(expr)
    alg = PolarAlgebra([expr])
    return alg.abs2_expr(alg.to_field(expr))


def polar_form(expr: sp.Expr) -> sp.Expr:
    """Reduce an amplitude to N/D form with a ``1 + ...`` denominator."""
    expr = sp.sympify(expr)
    alg = PolarAlgebra([expr])
    return alg.to_expr(alg.to_field(expr))


def polar_parts(amplitude: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(modulus, phase) of a monomial amplitude c * prod(positive) * exp(i phi).

    A negative real factor contributes pi to the phase.  Raises ValueError
    if the amplitude is not a single monomial of that form.

    Examples
    --------
    >>> import sympy as sp
    >>> R, a = sp.symbols("R a", positive=True)
    >>> polar_parts(-sp.sqrt(R) * sp.exp(sp.I * a))
    (sqrt(R), a + pi)
    """
    modulus, phase = [], []
    for f in sp.Mul.make_args(sp.powsimp(sp.sympify(amplitude))):
        if f.is_number and f.is_real:
            modulus.append(abs(f))
            if f < 0:
                phase.append(sp.pi)
        elif f is sp.I:
            phase.append(sp.pi / 2)
        elif isinstance(f, sp.exp) and (f.args[0] / sp.I).is_extended_real:
            phase.append(sp.expand(f.args[0] / sp.I))
        elif f.is_positive or _real_root(f):
            modulus.append(f)
        else:
            raise ValueError(f"{amplitude} is not a polar monomial (factor {f})")
    return sp.Mul(*modulus), sp.Add(*phase)

"""Exact algebra of scattering amplitudes in polar form.

Scattering amplitudes are built from *real* quantities (sqrt(T), sqrt(R),
sqrt(epsilon), a wave number k, ...) and *unit-modulus phases* e^{i phi} with
phi real.  This module maps such expressions into a field of fractions of
polynomials over QQ in which

* every real quantity is a generator x with conj(x) = x,
* every phase is a generator z with conj(z) = 1/z,
* the imaginary unit is a generator w reduced by w^2 = -1 after every
  operation (QQ[w]/(w^2 + 1) is QQ(i), so the zero test is exact), with
  conj(w) = -w.

Coefficients stay in QQ so that sympy's fast heuristic gcd cancels every
result; sums, products and quotients are exact reduced fractions, which is
what keeps network compositions compact without ever calling ``simplify``.

Back from the field, an amplitude prints as N/D with the denominator
normalised to start with a real term (``1 - sqrt(R1 R2) e^{i theta}``), and a
probability |s|^2 = s conj(s) prints with every pair c z^m + conj(c) z^-m
turned into 2 Re(c) cos(m phi) - 2 Im(c) sin(m phi): the form a textbook
prints, e.g. T1 T2 / (1 + R1 R2 - 2 sqrt(R1 R2) cos theta).

Atoms that are neither known real nor of the form exp(i * real) are complex
generators with a separate generator for their conjugate, so the algebra stays
correct (if less compact) for any input.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Iterable, Sequence

import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.rings import ring

__all__ = ["PolarAlgebra", "Frac", "abs2", "polar_form"]

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
    q = sp.nsimplify(c / (sp.pi / 2)) if c.has(sp.pi) else None
    if c == 0:
        return 0
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


def _group_trig(expr: sp.Expr) -> sp.Expr:
    """Collect a sum of c_j * trig_j by trig factor and factor each small c_j."""
    groups: dict[sp.Expr, list[sp.Expr]] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        trig = [f for f in sp.Mul.make_args(term) if isinstance(f, (sp.cos, sp.sin))]
        key = sp.Mul(*trig)
        groups.setdefault(key, []).append(sp.cancel(term / key) if trig else term)
    out = []
    for key, coeffs in groups.items():
        c = sp.Add(*coeffs)
        if len(c.free_symbols) <= 6 and sp.count_ops(c) < 60:
            c = sp.factor(c)
        out.append(c * key)
    return sp.Add(*out)


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

    def __eq__(self, other) -> bool:
        return not (self - self._lift(other)).n

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
        return f"Frac({n.as_expr()} / {d.as_expr()})"


class PolarAlgebra:
    """Fraction field for amplitudes built from real atoms and phases.

    Parameters
    ----------
    exprs
        The expressions that will be converted (their atoms fix the
        generators).  A phase atom appearing with rational coefficients of
        several denominators gets one generator exp(i atom / lcm).
    relations, reduce_roots
        With ``reduce_roots=True``, square-root generators obey x^2 = radicand
        and symbols in ``relations`` (e.g. R1 = 1 - T1) are rewritten, so
        that identities such as |r|^2 + |t|^2 = 1 hold exactly in the field.

    Examples
    --------
    >>> import sympy as sp
    >>> T, R, th = sp.symbols("T R theta", positive=True)
    >>> t = sp.sqrt(T) / (1 - sp.sqrt(R) * sp.exp(sp.I * th))
    >>> alg = PolarAlgebra([t])
    >>> alg.abs2_expr(alg.to_field(t))
    T/(R - 2*sqrt(R)*cos(theta) + 1)
    """

    def __init__(
        self,
        exprs: Iterable[sp.Expr],
        relations: dict | None = None,
        *,
        reduce_roots: bool = False,
    ):
        self._gens: list[_Gen] = [_Gen(_IMAG, sp.I)]
        self._index: dict[tuple[str, sp.Expr], int] = {}
        self._phase_denoms: dict[sp.Expr, int] = {}
        for x in exprs:
            self._scan(sp.sympify(x))
        for atom, d in self._phase_denoms.items():
            self._add_gen(_Gen(_PHASE, atom, d))
        names = ",".join(f"g{i}" for i in range(len(self._gens)))
        self.ring, *self.gens = ring(names, QQ)
        self._w = self.gens[0]
        self.ngens = len(self._gens)
        # rewrite rules x^2 -> B for roots and R -> 1 - T for related symbols:
        # exact zero tests modulo the relations, at the price of longer printed
        # forms, so only on request (unitarity, realness checks)
        self._rules = self._root_rules(dict(relations or {})) if reduce_roots else {}
        self._nomono = (0,) * self.ngens
        self._factors: list = []
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
            for atom, c in parts.items():
                if atom.is_number and _quarter_turns(atom * c) is not None:
                    continue
                prev = self._phase_denoms.get(atom, 1)
                self._phase_denoms[atom] = lcm(prev, int(sp.Rational(c).q))
            return
        if x.is_Pow and x.exp.is_Integer:
            self._scan(x.base)
            return
        if x.is_Pow and x.exp.is_Rational and x.exp.p != 1:  # x^(p/q) = (x^(1/q))^p
            self._scan(x.base ** sp.Rational(1, x.exp.q))
            return
        if x.is_extended_real or _real_root(x):
            self._add_gen(_Gen(_REAL, x))
        else:
            self._complex_atom(x)

    def _root_rules(self, relations: dict) -> dict:
        """Rewrite rules x^2 -> P for real generators x = sqrt(B).

        B (after the declared relations, e.g. R1 -> 1 - T1) is written in the
        other generators: a symbol s becomes g^2 if sqrt(s) is a generator g,
        or g if s itself is.  The rules' leading monomials x^2 are coprime
        and P never contains a ruled generator squared, so they form a
        Groebner basis together with w^2 + 1: normal forms are unique.
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
            base = sp.expand(sp.sympify(base).subs(relations))
            syms = sorted(base.free_symbols, key=lambda x: x.name)
            subs = {}
            for sym in syms:
                if (_REAL, sp.sqrt(sym)) in self._index and self._index[(_REAL, sp.sqrt(sym))] != i:
                    subs[sym] = self.gens[self._index[(_REAL, sp.sqrt(sym))]] ** 2
                elif (_REAL, sym) in self._index:
                    subs[sym] = self.gens[self._index[(_REAL, sym)]]
                else:
                    break
            else:
                try:
                    poly = sp.Poly(base, *syms) if syms else None
                except sp.PolynomialError:
                    continue
                if poly is None:
                    continue
                val = self.ring.zero
                for monom, coeff in poly.terms():
                    if not coeff.is_Rational:
                        break
                    term = self.ring(QQ(int(coeff.p), int(coeff.q)))
                    for sym, e in zip(syms, monom):
                        term *= subs[sym] ** e
                    val += term
                else:
                    rules[i] = (power, val)
        # a rule's right side must not contain a ruled power of another generator
        for i in list(rules):
            if any(m[j] >= rules[j][0] for m in rules[i][1].itermonoms() for j in rules):
                del rules[i]
        return rules

    # -------------------------------------------------------------- field
    def reduce(self, p):
        """Reduce a polynomial by w^2 = -1 and the square-root rules."""
        if not p:
            return p
        if self._rules:
            p = self._reduce_roots(p)
        if all(m[0] < 2 for m in p.itermonoms()):
            return p
        terms = {}
        for m, c in p.iterterms():
            e = m[0]
            if e >= 2:
                q, r = divmod(e, 2)
                c = -c if q % 2 else c
                m = (r,) + m[1:]
            terms[m] = terms.get(m, 0) + c
        return self.ring.from_dict({m: c for m, c in terms.items() if c})

    def _reduce_roots(self, p):
        rules = self._rules
        while any(m[i] >= rules[i][0] for m in p.itermonoms() for i in rules):
            out = self.ring.zero
            for m, c in p.iterterms():
                hit = next((i for i in rules if m[i] >= rules[i][0]), None)
                if hit is None:
                    out += self.ring({m: c})
                    continue
                m2 = list(m)
                m2[hit] -= rules[hit][0]
                out += self.ring({tuple(m2): c}) * rules[hit][1]
            p = out
        return p

    # factored-denominator arithmetic ---------------------------------
    def _mono_poly(self, mono: tuple):
        return self.ring({mono: QQ(1)}) if any(mono) else self.ring.one

    def _fac_poly(self, fac: dict):
        out = self.ring.one
        for i, e in fac.items():
            out = self.reduce(out * self._factors[i] ** e)
        return out

    def denominator_poly(self, f: Frac):
        return self.reduce(self._mono_poly(f.mono) * self._fac_poly(f.fac))

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
                n = n.exquo(self._mono_poly(tuple(common)))
                mono = tuple(a - b for a, b in zip(mono, common))
        fac = {i: e for i, e in fac.items() if e}
        for i in list(fac):
            f = self._factors[i]
            while fac[i]:
                if not self._may_divide(f, n):
                    break
                q, r = n.div(f)
                if r:
                    break
                n = self.reduce(q)
                fac[i] -= 1
            if not fac[i]:
                del fac[i]
        return Frac(n, mono, fac, self)

    @staticmethod
    def _may_divide(f, n) -> bool:
        """Necessary conditions for f | n: leading and trailing monomials and
        every per-generator degree range of f fit inside those of n."""
        if len(f) > len(n) and len(n) < 2:
            return False
        if any(a > b for a, b in zip(f.LM, n.LM)):
            return False
        fm, nm = list(f.itermonoms()), list(n.itermonoms())
        for j in range(len(f.LM)):
            fmax = max(m[j] for m in fm)
            fmin = min(m[j] for m in fm)
            nmax = max(m[j] for m in nm)
            nmin = min(m[j] for m in nm)
            if fmax - fmin > nmax - nmin or fmin > nmin:
                return False
        return True

    def add(self, a: Frac, b: Frac) -> Frac:
        mono = tuple(max(x, y) for x, y in zip(a.mono, b.mono))
        fac = {i: max(a.fac.get(i, 0), b.fac.get(i, 0)) for i in set(a.fac) | set(b.fac)}

        def lift(f: Frac):
            extra_m = tuple(x - y for x, y in zip(mono, f.mono))
            extra_f = {i: e - f.fac.get(i, 0) for i, e in fac.items()}
            return f.n * self._mono_poly(extra_m) * self._fac_poly(extra_f)

        return self._normal(lift(a) + lift(b), mono, fac)

    def mul(self, a: Frac, b: Frac) -> Frac:
        # each operand is already reduced against its own denominator, so only
        # a.n / b.den and b.n / a.den can cancel: divide the smaller pieces
        an = self._normal(a.n, b.mono, dict(b.fac))
        bn = self._normal(b.n, a.mono, dict(a.fac))
        mono = tuple(x + y for x, y in zip(an.mono, bn.mono))
        fac = dict(an.fac)
        for i, e in bn.fac.items():
            fac[i] = fac.get(i, 0) + e
        n = self.reduce(an.n * bn.n)
        if not n:
            return self.zero
        return Frac(n, mono, fac, self)

    def _register(self, p) -> tuple[tuple, dict, object]:
        """Split a polynomial into monomial * known factors * new factor * constant."""
        p = self.reduce(p)
        mono = tuple(min(m[i] for m in p.itermonoms()) if i else 0 for i in range(self.ngens))
        if any(mono):
            p = p.exquo(self._mono_poly(mono))
        fac: dict = {}
        for i, f in enumerate(self._factors):
            while True:
                if not self._may_divide(f, p):
                    break
                q, r = p.div(f)
                if r or q.is_ground and not q:
                    break
                p = self.reduce(q)
                fac[i] = fac.get(i, 0) + 1
                if p.is_ground:
                    break
            if p.is_ground:
                break
        const = QQ(1)
        if not p.is_ground:
            const = p.LC
            p = p.quo_ground(const)
            self._factors.append(p)
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
        p = self.ring(QQ(int(re.p), int(re.q))) + self._w * QQ(int(im.p), int(im.q))
        return Frac(p, self._nomono, {}, self)

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
        if x.is_Pow and x.exp.is_Integer:
            return self.to_field(x.base) ** int(x.exp)
        if x.is_Pow and x.exp.is_Rational and x.exp.p != 1:
            return self.to_field(x.base ** sp.Rational(1, x.exp.q)) ** int(x.exp.p)
        for kind in (_REAL, _COMPLEX):
            if (kind, x) in self._index:
                return self._gen(self._index[(kind, x)])
        raise KeyError(f"atom {x} was not scanned")

    def _gen(self, i: int) -> Frac:
        return Frac(self.gens[i], self._nomono, {}, self)

    def conj(self, f: Frac) -> Frac:
        """Complex conjugate (z -> 1/z for phases, w -> -w)."""
        num = self._conj_poly(f.n)
        den = self.one
        for i, e in enumerate(f.mono):
            if e:
                den = den * self._conj_gen[i] ** e
        for i, e in f.fac.items():
            cf = self._conj_factor(i)
            den = den * cf ** e
        return num / den

    def _conj_factor(self, i: int) -> Frac:
        if i not in self._conj_cache:
            self._conj_cache[i] = self._conj_poly(self._factors[i])
        return self._conj_cache[i]

    def _conj_poly(self, p) -> Frac:
        out = self.zero
        for monom, coeff in p.iterterms():
            term = Frac(self.ring(coeff), self._nomono, {}, self)
            for i, e in enumerate(monom):
                if e:
                    term = term * self._conj_gen[i] ** e
            out = out + term
        return out

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

    def _amp_expr(self, key) -> sp.Expr:
        out = []
        for j, e in enumerate(key):
            if not e or self._is_phase(j):
                continue
            g = self._gens[j + 1]
            atom = sp.conjugate(g.atom) if g.kind == _CONJ else g.atom
            out.append(atom ** sp.Rational(e))
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
    def _centre(self, p) -> list[Fraction]:
        """Phase shift that makes a (real up to a monomial) Laurent poly symmetric."""
        monoms = list(p.itermonoms())
        shift = []
        for i, g in enumerate(self._gens):
            if g.kind != _PHASE:
                shift.append(Fraction(0))
                continue
            es = [m[i] for m in monoms]
            shift.append(Fraction(max(es) + min(es), 2))
        return shift

    def _conj_key(self, key) -> tuple:
        out = list(key)
        for j, e in enumerate(key):
            g = self._gens[j + 1]
            if g.kind == _PHASE:
                out[j] = -e
            elif g.kind in (_COMPLEX, _CONJ):
                out[j] = key[g.partner - 1]
        return tuple(out)

    def _real_poly_expr(self, terms: dict, scale: sp.Expr) -> sp.Expr | None:
        """A self-conjugate Laurent polynomial as a sum of cosines and sines."""
        out = []
        seen: set = set()
        for key, c in terms.items():
            if key in seen:
                continue
            ck = self._conj_key(key)
            c = sp.expand(c / scale)
            if ck == key:
                if sp.im(c) != 0:
                    return None
                seen.add(key)
                out.append(c * self._amp_expr(key))
                continue
            partner = terms.get(ck)
            if partner is None or sp.expand(partner / scale - sp.conjugate(c)) != 0:
                return None
            seen.update({key, ck})
            phases = [e for j, e in enumerate(key) if e and self._is_phase(j)]
            if phases and phases[0] < 0:  # canonical sign of the angle
                key, c = ck, sp.conjugate(c)
            angle = self._angle(key)
            amp = self._amp_expr(key)
            if angle == 0:  # only complex atoms differ: c M + conj(c M)
                out.append(2 * sp.re(c * amp))
                continue
            re, im = sp.re(c), sp.im(c)
            out.append(2 * amp * (re * sp.cos(angle) - im * sp.sin(angle)))
        return sp.Add(*out)

    def real_expr(self, f: Frac) -> sp.Expr:
        """A real field element printed with cosines (textbook form)."""
        if not f.n:
            return sp.S.Zero
        fn, fd = f.numer_denom()
        shift = self._centre(fd)
        if self._centre(fn) != shift:  # not real: N and D centred differently
            return self.to_expr(f)
        dterms = self._complex_terms(fd, shift)
        selfconj = [(k, c) for k, c in dterms.items() if self._conj_key(k) == k]
        pool = selfconj or list(dterms.items())
        key, ref = min(pool, key=lambda kc: (sum(kc[0]), kc[0]))
        # primitive integer normalisation: coefficients of D/scale are
        # coprime integers, the reference term positive
        rats = []
        for c in dterms.values():
            re, im = sp.expand(c / ref).as_real_imag()
            rats += [q for q in (re, im) if q != 0 and q.is_Rational]
        if rats:
            den_lcm = lcm(*[int(q.q) for q in rats])
            num_gcd = sp.igcd(*[int(q.p) for q in rats]) if len(rats) > 1 else abs(int(rats[0].p))
            ref = ref * sp.Rational(num_gcd, den_lcm)
        num = self._real_poly_expr(self._complex_terms(fn, shift), ref)
        den = self._real_poly_expr(dterms, ref)
        if num is None or den is None:
            return self.to_expr(f)
        num, den = _group_trig(num), _group_trig(den)
        return num if den == 1 else num / den

    def abs2_expr(self, f: Frac) -> sp.Expr:
        """|f|^2 in textbook form: the most compact of the candidate forms.

        Candidates: the expanded cosine form of f conj(f), and the factored
        form |N|^2 / |D|^2 in which every irreducible factor p of N and D
        contributes either its expanded |p|^2 or Re(p)^2 + Im(p)^2 (phases
        centred), whichever is smaller.
        """
        cands = [self.real_expr(f * self.conj(f))]
        n, d = f.numer_denom()
        if len(n) + len(d) <= 400:
            fac = self._abs2_factored(n, d)
            if fac is not None:
                cands.append(fac)
        cands = [sp.factor_terms(c) for c in cands]
        return min(cands, key=sp.count_ops)

    def _abs2_factored(self, n, d) -> sp.Expr | None:
        parts = []
        for p, sign in ((n, 1), (d, -1)):
            c, factors = p.factor_list()
            parts.append(sp.Rational(int(c.numerator), int(c.denominator)) ** (2 * sign))
            for q, e in factors:
                a2 = self._abs2_poly(q)
                if a2 is None:
                    return None
                parts.append(a2 ** (e * sign))
        return sp.Mul(*parts)

    def _abs2_poly(self, p) -> sp.Expr | None:
        if len(p) == 1:  # a monomial: phases and i have modulus one
            (m, c), = p.iterterms()
            key = tuple(m[1:])
            amp = self._amp_expr(key)
            return sp.Rational(int(c.numerator), int(c.denominator)) ** 2 * amp * sp.conjugate(amp)
        f = Frac(p, self._nomono, {}, self)
        cands = [self.real_expr(f * self.conj(f))]
        if not any(g.kind in (_COMPLEX, _CONJ) for g in self._gens):
            shift = self._centre(p)
            re_parts, im_parts = [], []
            for key, c in self._complex_terms(p, shift).items():
                angle = self._angle(key)
                amp = self._amp_expr(key)
                cr, ci = sp.re(c), sp.im(c)
                re_parts.append(amp * (cr * sp.cos(angle) - ci * sp.sin(angle)))
                im_parts.append(amp * (cr * sp.sin(angle) + ci * sp.cos(angle)))
            A = _group_trig(sp.Add(*re_parts))
            B = _group_trig(sp.Add(*im_parts))
            cands.append(A**2 + B**2)
        return min(cands, key=sp.count_ops)


def abs2(expr: sp.Expr) -> sp.Expr:
    """|expr|^2 of a polar-form amplitude, printed with cosines.

    Examples
    --------
    >>> import sympy as sp
    >>> T1, T2, R1, R2, th = sp.symbols("T1 T2 R1 R2 theta", positive=True)
    >>> t = sp.sqrt(T1*T2) / (1 - sp.sqrt(R1*R2) * sp.exp(sp.I*th))
    >>> abs2(t)
    T1*T2/(R1*R2 - 2*sqrt(R1)*sqrt(R2)*cos(theta) + 1)
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

"""Homework checker: is a typed expression equal to a derived result?

``check(name, text)`` parses ``text`` safely (:func:`lbsym.parsing.parse_expression`:
a whitelist of the derivation's symbols and the usual functions, never eval)
and decides whether it equals the derivation's result, or one of its named
parts (``check("counting-statistics.kappa_3", ...)``, see
:attr:`lbsym.derivation.Derivation.parts`).

A verdict needs evidence:

1. **symbolic**: the difference, after the derivation's relations (R1 = 1 - T1)
   are substituted, expands or cancels to exactly 0.  Attempted only when the
   expansion is provably small (:data:`MAX_EXPANSION` terms), so that
   ``(T1 + T2 + theta)^900`` cannot hang the checker.
2. **numeric**: the two sides agree, to relative tolerance :data:`RTOL` at 30
   significant digits, at every one of at least :data:`MIN_POINTS` random
   admissible points (the symbols' declared ranges) where the result is
   defined.  A point where the result is defined but the answer is not is a
   disagreement.  Too few usable points is "cannot decide", never "equal".

An answer written in symbols the result does not contain (``k L`` where the
result is written in the round-trip phase ``theta``) cannot be related to it:
the verdict is "cannot decide", naming those symbols (exit status 1).

A wrong answer gets a counterexample and, when a common mistake explains the
answer *exactly* (at every compared point), its name: a constant factor
(2, 2 pi, e^2/h against h/e^2), a sign, an inverted result, one term with the
wrong sign, a missing term or square root, |V| written as V, two symbols
exchanged, the result at a special value of a symbol it no longer contains
(theta = 0), or its leading order in a limit (T -> 0: the Poisson value).
Otherwise it says that no single common mistake explains the difference.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import mpmath
import sympy as sp

from . import derivation as registry
from .derivation import _relation_functions
from .errors import ParameterError, ParseError
from .parsing import parse_expression
from .transport import one_channel

__all__ = ["check", "CheckResult", "POINTS", "MIN_POINTS", "RTOL", "MAX_EXPANSION",
           "TIME_BUDGET"]

#: Random admissible points tried for the numeric decision.
POINTS = 40
#: Points that must actually be compared (both sides defined) for a verdict.
MIN_POINTS = 24
#: Relative tolerance of the numeric decision.
RTOL = 1e-9
#: Symbolic expansion is attempted only below this bound on the number of terms.
MAX_EXPANSION = 4000
#: Seconds after which diagnosis stops looking for a named mistake.
TIME_BUDGET = 2.5
_DIGITS = 30


@dataclass
class CheckResult:
    """The verdict of :func:`check`.

    ``verdict`` is ``"equal"``, ``"not equal"`` or ``"undecided"``; ``equal``
    is true only for ``"equal"``.  ``target`` names what was compared
    (``T = T1*T2/(...)``, the fabry-perot result), ``compared`` how many
    points were compared numerically (0 for a symbolic proof).
    """

    name: str
    expression: str
    parsed: sp.Expr
    verdict: str
    method: str
    target: str = ""
    compared: int = 0
    diagnosis: str | None = None
    counterexample: dict | None = None
    reason: str | None = None
    tolerance: float = RTOL

    @property
    def equal(self) -> bool:
        return self.verdict == "equal"

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "expression": self.expression,
            "parsed": sp.sstr(self.parsed),
            "verdict": self.verdict,
            "equal": self.equal,
            "target": self.target,
            "method": self.method,
            "compared_points": self.compared,
            "tolerance": self.tolerance if "numeric" in self.method else None,
            "diagnosis": self.diagnosis,
            "counterexample": self.counterexample,
            "reason": self.reason,
        }

    def text(self) -> str:
        if self.verdict == "equal":
            return f"correct: equal to {self.target} ({self.method})"
        if self.verdict == "undecided":
            return f"cannot decide: {self.reason}\ncompared with {self.target}"
        lines = [f"not equal to {self.target} ({self.method})"]
        if self.diagnosis:
            lines.append(f"diagnosis: {self.diagnosis}")
        else:
            lines.append("diagnosis: no single common mistake (a factor, a sign, a term, "
                         "a special case) explains the difference")
        if self.counterexample:
            ce = self.counterexample
            vals = ", ".join(f"{k}={v:.6g}" for k, v in ce["values"].items())
            got = ce["got"]
            got_s = "undefined" if got is None else f"{got:.10g}"
            lines.append(f"counterexample: at {vals}: expected {ce['expected']:.10g}, got {got_s}")
        return "\n".join(lines)


# ----------------------------------------------------------------- targets
@dataclass(frozen=True)
class _Target:
    d: registry.Derivation
    label: str  # e.g. "the fabry-perot result" or "part kappa_3 of counting-statistics"
    lhs: sp.Expr
    expr: sp.Expr
    note: str = ""  # e.g. the per-channel reading

    def shown(self) -> str:
        text = sp.sstr(self.expr)
        if len(text) > 90:
            text = text[:87] + "..."
        return f"{sp.sstr(self.lhs)} = {text} ({self.label})"


def _split_name(name: str, part: str | None) -> tuple[str, str | None]:
    if part is None and "." in name:
        name, part = name.split(".", 1)
    return name, part


def _target(name: str, part: str | None) -> _Target:
    name, part = _split_name(name, part)
    d = registry.get(name)
    if part is None:
        return _Target(d, f"the {d.name} result", d.lhs, d.result)
    if part not in d.parts:
        known = ", ".join(sorted(d.parts)) or "none"
        shown = part if len(part) <= 40 else part[:37] + "..."
        raise ParameterError(f"{d.name} has no part {shown!r}; its parts: {known}")
    p = d.parts[part]
    return _Target(d, f"part {part} of {d.name}: {p.meaning}", p.lhs, p.expr)


def _single_channel_symbol() -> sp.Symbol:
    return sp.Symbol("T", positive=True)


def _per_channel(t: _Target) -> _Target:
    """The target with its sum over channels written for one channel T.

    ``prefactor * Sum(f(T[n]), (n, 1, N))`` becomes ``prefactor * f(T)`` with a
    positive symbol ``T`` in [0, 1]: what a student writes for a single
    channel (e.g. G = g_s e^2 T/h).  An answer that writes the sum is read the
    same way, so that sums are compared term by term (equal for every N and
    every set of T_n exactly when the summands are equal).
    """
    T = _single_channel_symbol()
    single = one_channel(t.expr, T)
    if single.has(sp.Indexed) or single.has(sp.Sum):
        raise ParseError(f"the {t.d.name} result is not a sum over channels of T[n]; "
                         f"check a concrete form instead")
    d = t.d
    infos = tuple(i for i in d.symbols if i.name != "T")
    infos += (registry.SymbolInfo(T, "transmission probability of the channel", "0 <= T <= 1"),)
    d1 = dataclasses.replace(d, result=single, textbook=single, symbols=infos,
                             ranges={**d.ranges, T: (0, 1)})
    return _Target(d1, t.label, t.lhs, single,
                   "one channel of transmission T (the result sums over channels); ")


def _symbol_table(t: _Target, indexed: dict) -> dict:
    symbols = dict(t.d.symbol_map)
    for s in t.expr.free_symbols:
        if isinstance(s, sp.Symbol):
            symbols.setdefault(s.name, s)
    symbols.update(indexed)
    return symbols


# --------------------------------------------------------------- numerics
class _Evaluator:
    """Values of expressions at points, at :data:`_DIGITS` digits (mpmath)."""

    def __init__(self, syms: list[sp.Symbol]):
        self.syms = syms
        self.cache: dict[sp.Expr, Callable | None] = {}

    def _compile(self, expr: sp.Expr) -> Callable | None:
        if expr in self.cache:
            return self.cache[expr]
        try:
            f = sp.lambdify(self.syms, expr, modules="mpmath")
        except Exception:  # noqa: BLE001 - fall back to evalf
            f = None
        self.cache[expr] = f
        return f

    def value(self, expr: sp.Expr, pt: dict) -> complex | None:
        """The value, or None where it is undefined (a pole, a branch, nan)."""
        f = self._compile(expr)
        try:
            with mpmath.workdps(_DIGITS):
                if f is not None:
                    v = f(*[mpmath.mpf(pt[s]) if not isinstance(pt[s], int) else pt[s]
                            for s in self.syms])
                else:
                    v = expr.subs(pt).evalf(_DIGITS)
                c = complex(v)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
            return None
        if not (math.isfinite(c.real) and math.isfinite(c.imag)):
            return None
        return c


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


@dataclass
class _Sample:
    points: list[dict]
    expected: list[complex]  # value of the target at each point (defined there)


def _sample(t: _Target, ev: _Evaluator, extra: tuple, n: int, seed: int,
            fix: dict | None = None) -> _Sample:
    """Random admissible points where the target is defined (at most 3n tries)."""
    rng = random.Random(seed)
    d = t.d
    pts, vals = [], []
    for _ in range(3 * n):
        if len(pts) >= n:
            break
        pt = d.random_point(rng, extra=(t.expr,) + extra)
        if fix:
            try:
                for k, v in fix.items():
                    pt[k] = pt[v] if isinstance(v, sp.Symbol) else float(v)
                for k, f, args in _relation_functions(tuple(d.relations.items())):
                    pt[k] = float(f(*[pt[a] for a in args]))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError, KeyError):
                continue
        for s in ev.syms:
            pt.setdefault(s, 0.5)
        e = ev.value(t.expr, pt)
        if e is None:
            continue
        pts.append(pt)
        vals.append(e)
    return _Sample(pts, vals)


def _matches(ev: _Evaluator, f: sp.Expr, sample: _Sample, minimum: int = 8) -> bool:
    """Whether ``f`` equals the sampled values at every point (and enough of them)."""
    if len(sample.points) < minimum:
        return False
    for pt, e in zip(sample.points, sample.expected):
        g = ev.value(f, pt)
        if g is None or not _close(g, e):
            return False
    return True


def _fun_matches(ev: _Evaluator, f: sp.Expr, g: sp.Expr, pts: list[dict], minimum: int = 8) -> bool:
    """Whether two expressions agree at every given point where ``g`` is defined."""
    count = 0
    for pt in pts:
        b = ev.value(g, pt)
        if b is None:
            continue
        a = ev.value(f, pt)
        if a is None or not _close(a, b):
            return False
        count += 1
    return count >= minimum


# -------------------------------------------------------------- symbolics
def _expansion_bound(expr: sp.Expr, cap: int = 10**9) -> int:
    """An upper bound on the number of terms of ``expand(expr)`` (capped)."""
    memo: dict = {}

    def walk(x):
        if x in memo:
            return memo[x]
        if isinstance(x, sp.Add):
            r = sum(walk(a) for a in x.args)
        elif isinstance(x, sp.Mul):
            r = 1
            for a in x.args:
                r = min(cap, r * walk(a))
        elif isinstance(x, sp.Pow) and x.exp.is_Integer:
            n = abs(int(x.exp))
            m = walk(x.base)
            r = cap if (m > 1 and n > 64) else min(cap, math.comb(m + n - 1, n) if m > 1 else 1)
        elif x.args:
            r = 1 + max((walk(a) for a in x.args), default=0)  # function: its argument's size
        else:
            r = 1
        memo[x] = min(r, cap)
        return memo[x]

    return walk(expr)


def _symbolic_zero(diff: sp.Expr) -> bool:
    """A proof that ``diff`` is 0 (False: no proof, not a disproof)."""
    if diff == 0:
        return True
    if _expansion_bound(diff) > MAX_EXPANSION:
        return False
    if sp.expand(diff) == 0:
        return True
    # over a common denominator the difference is 0 exactly when its numerator
    # expands to 0: no gcd (cancel) and no simplify(), which can take minutes
    num, _den = sp.fraction(sp.together(diff))
    if _expansion_bound(num) > MAX_EXPANSION:
        return False
    return sp.expand(num) == 0


# ------------------------------------------------------------- diagnosis
def _short(expr: sp.Expr, limit: int = 60) -> str:
    text = sp.sstr(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _sub_replace(expr: sp.Expr, old: sp.Expr, new: sp.Expr) -> sp.Expr:
    return expr.xreplace({old: new})


def _mutations(expr: sp.Expr) -> Iterator[tuple[str, sp.Expr]]:
    """Single common mistakes applied to the expected result: (description, mutated)."""
    seen = set()
    for node in sp.preorder_traversal(expr):
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, sp.Add):
            for term in node.args:
                others = [a for a in node.args if a is not term]
                yield (f"the sign of the term {_short(term)} is wrong",
                       _sub_replace(expr, node, sp.Add(*others) - term))
                yield (f"the term {_short(term)} is missing",
                       _sub_replace(expr, node, sp.Add(*others)))
                for c in (2, sp.Rational(1, 2)):
                    yield (f"the term {_short(term)} has a wrong factor ({c} times it)",
                           _sub_replace(expr, node, sp.Add(*others) + c * term))
        elif isinstance(node, sp.Abs):
            yield (f"|{_short(node.args[0])}| is written without the absolute value "
                   f"(right only where {_short(node.args[0])} >= 0)",
                   _sub_replace(expr, node, node.args[0]))
        elif isinstance(node, sp.Pow):
            b, x = node.args
            if x == sp.Rational(1, 2):
                yield (f"the square root of {_short(b)} is missing",
                       _sub_replace(expr, node, b))
            elif x == sp.Rational(-1, 2):
                yield (f"the square root of {_short(b)} is missing",
                       _sub_replace(expr, node, 1 / b))
            elif x.is_Integer and x != -1:
                for nx in (x - 1, x + 1):
                    if nx != 0:
                        yield (f"the power of {_short(b)} should be {x}, not {nx}",
                               _sub_replace(expr, node, b**nx))


class _Diagnosis:
    def __init__(self, t: _Target, ev: _Evaluator, got: sp.Expr, expected: sp.Expr,
                 sample: _Sample, deadline: float):
        # got and expected after the relations (R1 = 1 - T1): their free symbols
        # are independent; t.expr as printed, for naming a mistaken term
        self.t, self.ev, self.got, self.exp = t, ev, got, expected
        self.sample, self.deadline = sample, deadline
        self.pts = sample.points[:12]
        self.got_vals = [ev.value(got, p) for p in self.pts]

    def late(self) -> bool:
        return time.monotonic() > self.deadline

    def explains(self, f: sp.Expr, pts: list[dict] | None = None) -> bool:
        """Whether ``f`` (a mistaken form of the result) equals the answer exactly."""
        if pts is None:
            pts = self.pts
            vals = self.got_vals
        else:
            vals = [self.ev.value(self.got, p) for p in pts]
        count = 0
        for p, g in zip(pts, vals):
            v = self.ev.value(f, p)
            if v is None and g is None:
                continue
            if v is None or g is None or not _close(v, g):
                return False
            count += 1
        return count >= 8

    def run(self) -> str | None:
        for step in (self.factor, self.inverted, self.special_value, self.equal_symbols,
                     self.limit, self.mutation, self.swapped):
            if self.late():
                return None
            try:
                found = step()
            except (TypeError, ValueError, ZeroDivisionError, AttributeError,
                    RecursionError, sp.PolynomialError):
                found = None
            if found:
                return found
        return None

    # -- a constant factor (also e^2/h versus h/e^2)
    def factor(self) -> str | None:
        ratio = None
        if _expansion_bound(self.got) * _expansion_bound(self.exp) < 400:
            r = sp.cancel(sp.together(self.got / self.exp))
            consts = {s for s in r.free_symbols if s.name in ("e", "h", "hbar", "k_B")}
            if r.free_symbols <= consts and r != 1:
                ratio = r
        if ratio is None:
            vals = [(g, self.ev.value(self.exp, p)) for g, p in zip(self.got_vals, self.pts)]
            rs = [g / e for g, e in vals if g is not None and e is not None and abs(e) > 1e-12]
            if len(rs) < 8 or not all(_close(x, rs[0]) for x in rs):
                return None
            c = rs[0]
            if abs(c.imag) > 1e-12:
                return f"off by a constant factor: answer = {c:.6g} x result"
            ratio = sp.nsimplify(c.real, [sp.pi], tolerance=1e-10, rational=False)
            if len(str(ratio)) > 20:
                return f"off by a constant factor: answer = {c.real:.10g} x result"
        if ratio == -1:
            return "sign error: the answer is minus the result"
        hint = ""
        if ratio in (2, sp.Rational(1, 2)):
            hint = " (a spin degeneracy factor 2?)"
        elif ratio.has(sp.pi) and not ratio.free_symbols:
            hint = " (a factor of pi, e.g. h versus hbar = h/2pi?)"
        elif {s.name for s in ratio.free_symbols} == {"e", "h"}:
            e_, h_ = sorted(ratio.free_symbols, key=lambda s: s.name)
            if ratio in ((e_**2 / h_) ** 2, (h_ / e_**2) ** 2):
                hint = " (e^2/h and h/e^2 exchanged?)"
        return f"off by a constant factor: answer = {sp.sstr(ratio)} x result{hint}"

    def inverted(self) -> str | None:
        if self.explains(1 / self.exp):
            return "inverted: the answer is 1/(result)"
        return None

    def mutation(self) -> str | None:
        """One term's sign, a missing term or root, |x| as x, a wrong power.

        Mutations act on the result as printed (in R1, not 1 - T1); the
        sample points carry the relation symbols' values, so they evaluate alike.
        """
        printed = self.t.expr
        if sp.count_ops(printed) > 300:
            return None
        for desc, f in _mutations(printed):
            if self.late():
                return None
            if f != printed and self.explains(f):
                return desc
        return None

    def _candidates(self, s: sp.Symbol) -> list:
        out: list = []
        d = self.t.d
        if s in d.ranges:
            out += [sp.sympify(x) for x in d.ranges[s]]
        if s.is_integer:
            out += [1, 2]
        elif not s.is_positive:
            out += [0, sp.pi / 2, sp.pi]
        else:
            out += [0, 1]
        return list(dict.fromkeys(out))

    def special_value(self) -> str | None:
        """The answer is the result at s = v, for a symbol s the answer does not contain."""
        missing = sorted(self.exp.free_symbols - self.got.free_symbols, key=lambda s: s.name)
        for s in missing:
            for v in self._candidates(s):
                if self.late():
                    return None
                try:
                    f = self.exp.subs(s, v)
                except (TypeError, ValueError):
                    continue
                if f.has(sp.nan, sp.zoo) or f == 0:
                    continue
                sample = _sample(self.t, self.ev, (self.got,), 10, seed=4, fix={s: v})
                if sample.points and all(abs(e) < 1e-12 for e in sample.expected):
                    continue
                if self.explains(f, sample.points):
                    return f"right only at {s} = {v}: the answer is the special case {s} = {v} " \
                           f"of the result, not the general result"
        return None

    def equal_symbols(self) -> str | None:
        """The answer is the result with b set equal to a (b absent from the answer)."""
        syms = sorted(self.exp.free_symbols, key=lambda s: s.name)
        for a, b in itertools.permutations(syms, 2):
            if self.late():
                return None
            if b in self.got.free_symbols or a not in self.got.free_symbols:
                continue
            if a.assumptions0 != b.assumptions0:
                continue
            f = self.exp.subs(b, a)
            sample = _sample(self.t, self.ev, (self.got,), 10, seed=3, fix={b: a})
            if self.explains(f, sample.points):
                return f"right only when {a} = {b}: the general case differs"
        return None

    def limit(self) -> str | None:
        """The answer is the leading order of the result as a symbol goes to 0."""
        if sp.count_ops(self.exp) > 120:
            return None
        for s in sorted(self.exp.free_symbols, key=lambda s: s.name):
            if s.is_integer:
                continue
            try:
                lead = self.exp.as_leading_term(s)
            except (NotImplementedError, ValueError, TypeError):
                continue
            if lead == self.exp or lead.has(sp.Order):
                continue
            if self.explains(lead):
                return (f"the answer is the leading order of the result for {s} -> 0 "
                        f"({s} << 1), not the general result")
        return None

    def swapped(self) -> str | None:
        d = self.t.d
        syms = sorted(self.exp.free_symbols, key=lambda s: s.name)
        for a, b in itertools.combinations(syms, 2):
            if self.late():
                return None
            if a.is_integer or b.is_integer:
                continue
            swap = {a: b, b: a}
            for k, v in d.relations.items():  # swap related partners too (R1 <-> R2)
                for k2, v2 in d.relations.items():
                    if k != k2 and sp.expand(v.xreplace(swap) - v2) == 0:
                        swap[k] = k2
            if self.explains(self.exp.xreplace(swap)):
                return f"swapped symbols: {a} and {b} are exchanged"
        return None


# ------------------------------------------------------------------ check
def _indexed_bases(expr: sp.Expr) -> dict:
    return {i.base.name: i.base for i in expr.atoms(sp.Indexed)}


def check(name: str, text: str, *, latex: bool = False, part: str | None = None) -> CheckResult:
    """Decide whether ``text`` equals the derived result of derivation ``name``.

    ``name`` may carry a part, ``"counting-statistics.kappa_3"`` (or pass
    ``part``).  Raises :class:`~lbsym.errors.ParseError` for input that cannot
    be parsed safely, :class:`~lbsym.errors.UnknownDerivationError` for an
    unknown name and :class:`~lbsym.errors.ParameterError` for an unknown part.
    """
    start = time.monotonic()
    t = _target(name, part)
    indexed = _indexed_bases(t.expr)
    summed = t.expr.has(sp.Sum) or t.expr.has(sp.Indexed)
    got = parse_expression(text, _symbol_table(t, indexed), latex=latex)
    if summed:
        t = _per_channel(t)
        T = _single_channel_symbol()
        got = one_channel(got, T)
        got = got.xreplace({b: T for b in indexed.values()})
        if got.has(sp.Indexed) or got.has(sp.Sum) or got.has(sp.IndexedBase):
            raise ParseError("write the answer for one channel T, or as a sum over channels "
                             "of T_n (Sum(f(T[n]), (n, 1, N)))")
    d = t.d
    method_note = t.note
    got_r = got.subs(d.relations)
    exp_r = t.expr.subs(d.relations)
    target = t.shown()

    # symbols the result does not contain
    foreign = sorted(got_r.free_symbols - exp_r.free_symbols, key=lambda s: s.name)
    ev = _Evaluator(sorted(exp_r.free_symbols | got_r.free_symbols | set(d.relations)
                           | got.free_symbols | t.expr.free_symbols, key=lambda s: s.name))
    if foreign:
        if _depends_on(ev, t, got_r, foreign):
            meanings = {i.symbol: i.meaning for i in d.symbols}
            own = sorted(exp_r.free_symbols, key=lambda s: s.name)
            unused = [s for s in own if s not in got_r.free_symbols and s in meanings]
            defs = "".join(f"\n  {s}: {meanings[s]}" for s in unused)
            reason = (f"the answer uses {', '.join(map(str, foreign))}, which {t.label} does "
                      f"not contain; it is written in {', '.join(map(str, own)) or 'constants'}"
                      f"{defs}\nwrite the answer in those symbols")
            return CheckResult(d.name, text, got, "undecided", method_note + "symbols",
                               target, 0, reason=reason)

    if _symbolic_zero(got_r - exp_r):
        rel = ", ".join(f"{k} = {v}" for k, v in d.relations.items())
        how = f"symbolic (sympy, after the relations {rel})" if rel else "symbolic (sympy)"
        return CheckResult(d.name, text, got, "equal", method_note + how, target, 0)

    sample = _sample(t, ev, (got,), POINTS, seed=0)
    method = (method_note + f"numeric ({{n}} random admissible points compared, "
              f"relative tolerance {RTOL:g}, {_DIGITS} digits)")
    differs = (method_note + f"numeric (differs at a random admissible point, "
               f"relative tolerance {RTOL:g}, {_DIGITS} digits)")
    compared, bad = 0, None
    for pt, e in zip(sample.points, sample.expected):
        g = ev.value(got, pt)
        if g is None or not _close(g, e):
            bad = (pt, g, e)
            break
        compared += 1
    if bad is None:
        if compared < MIN_POINTS:
            reason = (f"the result could be evaluated at only {compared} of {3 * POINTS} random "
                      f"points (at least {MIN_POINTS} needed)")
            return CheckResult(d.name, text, got, "undecided", method.format(n=compared),
                               target, compared, reason=reason)
        return CheckResult(d.name, text, got, "equal", method.format(n=compared), target,
                           compared)
    pt, g, e = bad
    ce = {
        "values": {str(k): float(v) for k, v in pt.items() if k in got.free_symbols
                   or k in t.expr.free_symbols},
        "expected": e.real if abs(e.imag) < 1e-14 else e,
        "got": None if g is None else (g.real if abs(g.imag) < 1e-14 else g),
    }
    deadline = start + TIME_BUDGET
    diag = _Diagnosis(t, ev, got_r, exp_r, sample, deadline).run()
    return CheckResult(d.name, text, got, "not equal", differs, target, compared + 1, diag, ce)


def _depends_on(ev: _Evaluator, t: _Target, got: sp.Expr, foreign: list) -> bool:
    """Whether the answer changes when only the foreign symbols change."""
    rng = random.Random(7)
    tried = 0
    for _ in range(12):
        pt = t.d.random_point(rng, extra=(t.expr, got))
        for s in ev.syms:
            pt.setdefault(s, 0.5)
        a = ev.value(got, pt)
        pt2 = dict(pt)
        for s in foreign:
            pt2[s] = pt[s] * 1.37 + 0.11 if not s.is_integer else pt[s] + 1
        b = ev.value(got, pt2)
        if a is None and b is None:
            continue
        tried += 1
        if a is None or b is None or not _close(a, b):
            return True
    return tried == 0

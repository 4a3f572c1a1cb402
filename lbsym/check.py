"""Homework checker: is a typed expression equal to a derived result?

``check(name, text)`` parses ``text`` safely (:func:`lbsym.parsing.parse_expression`:
a whitelist of the derivation's symbols and the usual functions, never eval)
and decides equality with the derivation's result:

1. symbolically, where sympy can (after the derivation's relations, e.g.
   R1 = 1 - T1, are substituted): ``expand``, then ``cancel``, then a
   bounded ``simplify`` on small differences;
2. otherwise numerically at :data:`POINTS` random admissible points
   (the symbols' declared ranges) with relative tolerance :data:`RTOL`.

The answer says which method decided.  When the answer is wrong it shows a
counterexample (values, expected, got) and diagnoses the common mistakes:
a constant factor (e.g. a missing spin degeneracy 2 or 2 pi), a sign error,
an inverted result (1/x), a swapped pair of symbols, an answer that is right
only in a limit or on a special line (e.g. only at T1 = T2 or theta = 0).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from . import derivation as registry
from .errors import ParseError
from .parsing import parse_expression
from .transport import one_channel

__all__ = ["check", "CheckResult", "POINTS", "RTOL"]

#: Number of random admissible points for the numeric decision.
POINTS = 40
#: Relative tolerance of the numeric decision.
RTOL = 1e-9
_SIMPLIFY_OPS = 80  # above this size, simplify() is not attempted (numeric decides)


@dataclass
class CheckResult:
    """The verdict of :func:`check`."""

    name: str
    expression: str
    parsed: sp.Expr
    equal: bool
    method: str
    diagnosis: str | None = None
    counterexample: dict | None = None
    tolerance: float = RTOL

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "expression": self.expression,
            "parsed": sp.sstr(self.parsed),
            "equal": self.equal,
            "method": self.method,
            "tolerance": self.tolerance if self.method.startswith("numeric") else None,
            "diagnosis": self.diagnosis,
            "counterexample": self.counterexample,
        }

    def text(self) -> str:
        if self.equal:
            return f"correct: equal to the derived {self.name} result ({self.method})"
        lines = [f"not equal to the derived {self.name} result ({self.method})"]
        if self.diagnosis:
            lines.append(f"diagnosis: {self.diagnosis}")
        if self.counterexample:
            ce = self.counterexample
            vals = ", ".join(f"{k}={v:.6g}" for k, v in ce["values"].items())
            lines.append(f"counterexample: at {vals}: expected {ce['expected']:.10g}, "
                         f"got {ce['got']:.10g}")
        return "\n".join(lines)


def _num(expr: sp.Expr, pt: dict) -> complex:
    val = expr.subs(pt).evalf(30)
    return complex(val)


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


def _points(d: registry.Derivation, n: int, seed: int = 0, fix: dict | None = None) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        pt = d.random_point(rng)
        if fix:
            pt.update({k: v.subs(pt) if isinstance(v, sp.Basic) else v for k, v in fix.items()})
            for k, rel in d.relations.items():
                pt[k] = float(rel.subs(pt))
        out.append(pt)
    return out


def _symbolic_equal(diff: sp.Expr) -> bool:
    if sp.expand(diff) == 0:
        return True
    if sp.cancel(sp.together(diff)) == 0:
        return True
    if sp.count_ops(diff) <= _SIMPLIFY_OPS:
        return sp.simplify(diff) == 0
    return False


def _agree(a: sp.Expr, b: sp.Expr, pts: list[dict]) -> bool:
    try:
        return all(_close(_num(a, p), _num(b, p)) for p in pts)
    except (TypeError, ZeroDivisionError, ValueError):
        return False


def _diagnose(d: registry.Derivation, got: sp.Expr, expected: sp.Expr, pts: list[dict]) -> str | None:
    try:
        pairs = [(_num(got, p), _num(expected, p)) for p in pts[:12]]
    except (TypeError, ZeroDivisionError, ValueError):
        return None
    ratios = [g / e for g, e in pairs if abs(e) > 1e-12]
    if ratios and all(_close(r, ratios[0]) for r in ratios):
        c = ratios[0]
        if _close(c, -1):
            return "sign error: the answer is minus the result"
        cr = complex(c)
        nice = sp.nsimplify(cr.real, [sp.pi], tolerance=1e-9) if abs(cr.imag) < 1e-12 else None
        shown = nice if nice is not None else f"{cr:.6g}"
        hint = ""
        if nice in (2, sp.Rational(1, 2)):
            hint = " (a spin degeneracy factor 2?)"
        elif nice is not None and nice.has(sp.pi):
            hint = " (a factor of pi, e.g. h versus hbar = h/2pi?)"
        return f"off by a constant factor: answer = {shown} x result{hint}"
    products = [g * e for g, e in pairs]
    if products and all(_close(p, 1) for p in products):
        return "inverted: the answer is 1/(result)"
    # swapped pair of symbols of the same kind
    syms = sorted(expected.free_symbols, key=lambda s: s.name)
    for a, b in itertools.combinations(syms, 2):
        if a.is_integer or b.is_integer:
            continue
        swap = {a: b, b: a}
        rel_swap = {}
        for k, v in d.relations.items():  # swap related partners too (R1 <-> R2)
            for k2, v2 in d.relations.items():
                if k != k2 and sp.expand(v.xreplace(swap) - v2) == 0:
                    rel_swap[k] = k2
        full = {**swap, **rel_swap}
        if not (set(full) <= set(syms) | set(d.relations)):
            continue
        if _agree(got.xreplace(full), expected, pts[:10]):
            return f"swapped symbols: {a} and {b} are exchanged"
    # right only on a special line or in a limit
    for a, b in itertools.combinations(syms, 2):
        if a in d.relations or b in d.relations or a.assumptions0 != b.assumptions0:
            continue
        line = _points(d, 8, seed=3, fix={a: b})
        if _agree(got, expected, line) and not all(abs(_num(expected, p)) < 1e-12 for p in line):
            return f"right only when {a} = {b}: the general case differs"
    missing = [s for s in syms if s not in got.free_symbols]  # e.g. a theta-free answer
    for s in missing + [s for s in syms if s not in missing]:
        if s in d.relations:
            continue
        candidates = [0]
        if s in d.ranges:
            candidates += [sp.sympify(x) for x in d.ranges[s]]
        for v in candidates:
            try:
                slice_pts = _points(d, 8, seed=4, fix={s: v})
                if all(abs(_num(expected, p)) < 1e-12 for p in slice_pts):
                    continue  # the result vanishes there: agreement says nothing
                if _agree(got, expected, slice_pts):
                    return f"right only at {s} = {v} (a special case or limit), not in general"
            except (TypeError, ValueError):
                continue
    return None


def _per_channel(d: registry.Derivation) -> registry.Derivation:
    """The derivation with its sum over channels written for one channel T.

    A result ``prefactor * Sum(f(T[n]), (n, 1, N))`` becomes
    ``prefactor * f(T)`` with a positive symbol ``T`` in [0, 1]: what a
    student writes for a single channel (e.g. G = g_s e^2 T/h).
    """
    T = sp.Symbol("T", positive=True)
    single = one_channel(d.result, T)
    if single.has(sp.Indexed) or single.has(sp.Sum):
        raise ParseError(f"the {d.name} result is not a sum over channels of T[n]; check a concrete form instead")
    infos = tuple(i for i in d.symbols if i.name != "T" and i.symbol in single.free_symbols)
    infos += (registry.SymbolInfo(T, "transmission probability of the channel", "0 <= T <= 1"),)
    return dataclasses.replace(d, result=single, textbook=single, symbols=infos,
                               ranges={**d.ranges, T: (0, 1)})


def check(name: str, text: str, *, latex: bool = False) -> CheckResult:
    """Decide whether ``text`` equals the derived result of derivation ``name``.

    Raises :class:`~lbsym.errors.ParseError` for input that cannot be parsed
    safely and :class:`~lbsym.errors.UnknownDerivationError` for an unknown
    name.
    """
    d = registry.get(name)
    note = ""
    if d.result.has(sp.Sum) or d.result.has(sp.Indexed):
        d = _per_channel(d)
        note = "one channel of transmission T (the result sums over channels); "
    symbols = dict(d.symbol_map)
    for s in d.result.free_symbols:
        symbols.setdefault(s.name, s)
    got = parse_expression(text, symbols, latex=latex)
    extra = got.free_symbols - set(symbols.values())
    if extra:  # pragma: no cover - the parser refuses unknown names
        raise ParseError(f"unknown symbols {sorted(map(str, extra))}")
    expected = d.result
    diff = (got - expected).subs(d.relations)
    pts = _points(d, POINTS)
    if _symbolic_equal(diff):
        return CheckResult(name, text, got, True, note + ("symbolic (sympy, after the relations "
                           + ", ".join(f"{k} = {v}" for k, v in d.relations.items()) + ")"
                           if d.relations else "symbolic (sympy)"))
    method = note + f"numeric ({POINTS} random admissible points, relative tolerance {RTOL:g})"
    bad = None
    for p in pts:
        try:
            g, e = _num(got, p), _num(expected, p)
        except (TypeError, ZeroDivisionError, ValueError):
            continue
        if not _close(g, e):
            bad = (p, g, e)
            break
    if bad is None:
        return CheckResult(name, text, got, True, method)
    p, g, e = bad
    ce = {
        "values": {str(k): float(v) for k, v in p.items()},
        "expected": e.real if abs(e.imag) < 1e-14 else e,
        "got": g.real if abs(g.imag) < 1e-14 else g,
    }
    return CheckResult(name, text, got, False, method, _diagnose(d, got, expected, pts), ce)

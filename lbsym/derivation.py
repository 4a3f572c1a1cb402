"""Derivations: a textbook result derived by the library, step by step.

A :class:`Derivation` records the symbols (with meanings, assumptions,
relations and admissible ranges), the ordered steps, the result *computed by
lbsym's composition and algebra*, the textbook form it must equal (used only
for checking, never returned as the result), a reference, and an
independent numeric cross-check.

The catalogue is a registry: each module in :mod:`lbsym.derivations` calls
:func:`register` on a function that builds its Derivation, so a new
derivation is one new file.  Derivations are built lazily and cached.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from .errors import DerivationError, UnknownDerivationError

__all__ = [
    "SymbolInfo",
    "Step",
    "Part",
    "CheckReport",
    "CHECK_KINDS",
    "Derivation",
    "register",
    "get",
    "names",
    "catalogue",
]


@dataclass(frozen=True)
class SymbolInfo:
    """A symbol of a derivation, with its physical meaning."""

    symbol: sp.Symbol
    meaning: str
    assumptions: str = ""
    #: SI unit of a dimensional input ("V", "K", "s", "1/s"); "" if dimensionless
    unit: str = ""

    @property
    def name(self) -> str:
        return self.symbol.name


@dataclass(frozen=True)
class Step:
    """One step: a sentence and the expression it arrives at."""

    text: str
    expr: Any = None


@dataclass(frozen=True)
class Part:
    """A named intermediate or secondary result a student may check.

    ``expr`` is computed by the derivation (never typed in); ``lhs`` is how
    it prints (``kappa_3``, ``F``, ``D``); ``meaning`` says what it is.
    """

    lhs: sp.Expr
    expr: sp.Expr
    meaning: str


#: what :attr:`CheckReport.error` measures
CHECK_KINDS = {
    "absolute": "largest absolute difference",
    "relative": "largest relative difference",
    "sigma": "largest difference in standard errors of a sampled estimate",
    "ratio": "largest error in units of its route's tolerance, over several routes",
}


@dataclass(frozen=True)
class CheckReport:
    """Outcome of a numeric check against an independent route.

    ``error`` is the largest discrepancy over ``points`` compared points, in
    the measure named by ``kind`` (:data:`CHECK_KINDS`: an absolute or a
    relative difference, or a number of standard errors of a Monte-Carlo
    estimate, or, for several routes, the worst error in units of each route's
    own tolerance); the check passes when ``error <= tolerance``.  Zero compared
    points never pass: there is no evidence.
    """

    method: str
    error: float
    points: int
    tolerance: float
    kind: str = "absolute"

    def __post_init__(self) -> None:
        if self.kind not in CHECK_KINDS:
            raise DerivationError(f"unknown check kind {self.kind!r} (known: {', '.join(CHECK_KINDS)})")

    @property
    def passed(self) -> bool:
        return self.points > 0 and self.error <= self.tolerance

    @property
    def measure(self) -> str:
        """What ``error`` is, in words: "largest difference", "largest relative difference", ..."""
        return CHECK_KINDS[self.kind]

    def summary(self) -> str:
        """One line: method, error (with its kind), tolerance, points, verdict."""
        unit = {"absolute": "", "relative": " (relative)", "sigma": " sigma",
                "ratio": " x tolerance"}[self.kind]
        return (f"{self.method}: {self.error:.3g}{unit} over {self.points} points "
                f"(tolerance {self.tolerance:g}) {'passed' if self.passed else 'FAILED'}")

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "kind": self.kind,
            "error": self.error,
            "points": self.points,
            "tolerance": self.tolerance,
            "passed": self.passed,
        }


@dataclass(frozen=True, kw_only=True)
class Derivation:
    """A derived textbook result (see module docstring).

    A derivation module owns everything about its result: its builder
    (registered with :func:`register`, which fills in ``name`` and ``title``)
    and, as module-level functions the registry discovers,

    * ``cross_check(der) -> CheckReport``: an independent numeric route
      (numeric linear solve, quadrature, random matrices, mpmath);
    * ``lattice_check(der) -> CheckReport``: the tight-binding solver;
    * ``figure(der) -> dict``: the numbers of its figure (:mod:`lbsym.plots`).

    Each takes the derivation and must evaluate ``der.result`` (or its
    parts), never a literal, so that a spoiled result fails it.  ``facts``
    is the module's own frozen dataclass of secondary results (typed
    attributes, not string keys).
    """

    name: str = ""
    title: str = ""
    topic: str
    symbols: tuple[SymbolInfo, ...]
    steps: tuple[Step, ...]
    lhs: sp.Expr
    result: sp.Expr
    textbook: sp.Expr
    reference: str
    relations: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    ranges: Mapping[sp.Symbol, tuple[Any, Any]] = field(default_factory=dict)
    facts: Any = None
    parts: Mapping[str, Part] = field(default_factory=dict)
    cross_check: Callable[["Derivation"], CheckReport] | None = None
    lattice: Callable[["Derivation"], CheckReport] | None = None
    figure: Callable[["Derivation"], dict] | None = None

    def __post_init__(self) -> None:
        # a shared, cached derivation: its mappings are read-only views
        for name in ("relations", "ranges", "parts"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        if isinstance(self.facts, Mapping):
            raise TypeError("Derivation.facts is a frozen dataclass of the derivation module, not a dict")

    # --------------------------------------------------------------- access
    @property
    def symbol_map(self) -> dict[str, sp.Symbol]:
        """Name -> symbol for every listed symbol."""
        return {s.name: s.symbol for s in self.symbols}

    def equation(self) -> sp.Eq:
        return sp.Eq(self.lhs, self.result, evaluate=False)

    def random_point(self, rng: random.Random | None = None,
                     extra: Sequence[sp.Expr] = ()) -> dict[sp.Symbol, float]:
        """A random admissible point of the result's free symbols.

        ``extra`` expressions (a part, a student's answer) add their free
        symbols to the point; relation symbols (R1 = 1 - T1) are computed.
        """
        rng = rng or random.Random(0)
        syms = set(self.result.free_symbols) | set(self.textbook.free_symbols)
        for x in extra:
            syms |= x.free_symbols
        syms -= set(self.relations)
        for rel in self.relations.values():
            syms |= rel.free_symbols
        point: dict[sp.Symbol, float] = {}
        # symbols fixed by relations (e.g. sum rules) must land in their own
        # declared ranges too: resample (a bounded number of times) until they do
        for _attempt in range(200):
            for s in sorted(syms, key=lambda s: s.name):
                if s.is_integer:
                    lo, hi = (int(x) for x in self.ranges.get(s, (1, 6)))
                    point[s] = rng.randint(lo, hi)
                elif s in self.ranges:
                    lo, hi = (float(x) for x in self.ranges[s])
                    point[s] = lo + (hi - lo) * (0.02 + 0.96 * rng.random())
                elif s.is_positive:
                    point[s] = 0.2 + 2.8 * rng.random()
                else:
                    point[s] = -3.1 + 6.2 * rng.random()
            try:
                for k, f, args in _relation_functions(tuple(self.relations.items())):
                    point[k] = float(f(*[point[a] for a in args]))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                continue
            if all(float(self.ranges[k][0]) <= point[k] <= float(self.ranges[k][1])
                   for k in self.relations if k in self.ranges):
                break
        return point

    def check_textbook(self) -> bool:
        """Exact symbolic equality of result and textbook form (after relations).

        ``expand`` first; otherwise the exact zero test of the amplitude field
        (:class:`lbsym.algebra.PolarAlgebra`: relations, roots and phases in
        normal form, cosines as Laurent polynomials), never ``simplify``.
        """
        diff = (self.result - self.textbook).subs(self.relations)
        if sp.expand(diff) == 0:
            return True
        from .algebra import PolarAlgebra
        from .errors import LbsymError

        try:
            alg = PolarAlgebra([self.result, self.textbook], dict(self.relations),
                               reduce_roots=True, trig_phases=True)
            return (alg.to_field(self.result) - alg.to_field(self.textbook)).is_zero()
        except (LbsymError, TypeError, NotImplementedError):
            return False  # not provable here (e.g. an unsupported function): not equal

    def numeric_agreement(self, samples: int = 20, seed: int = 0) -> float:
        """Largest |result - textbook| over random admissible points."""
        rng = random.Random(seed)
        worst = 0.0
        for _ in range(samples):
            pt = self.random_point(rng)
            a = complex(self.result.subs(pt).evalf(30))
            b = complex(self.textbook.subs(pt).evalf(30))
            worst = max(worst, abs(a - b))
        return worst

    def run_cross_check(self) -> CheckReport | None:
        """The independent numeric check of this result; None if there is none."""
        return self.cross_check(self) if self.cross_check else None

    def lattice_check(self) -> CheckReport | None:
        """Compare the closed form with the tight-binding solver; None if no lattice system."""
        return self.lattice(self) if self.lattice else None

    def figure_data(self) -> dict | None:
        """The numbers of this derivation's figure; None if it has none."""
        return self.figure(self) if self.figure else None

    # --------------------------------------------------------------- output
    def latex(self) -> str:
        from .latex import latex

        return f"{latex(self.lhs)} = {latex(self.result)}"

    def _repr_latex_(self) -> str:
        from .latex import latex

        lines = [rf"\textbf{{{self.title}}}\\"]
        for st in self.steps:
            lines.append(rf"\text{{{st.text}}}\\")
            if st.expr is not None:
                lines.append(latex(st.expr) + r"\\")
        lines.append(self.latex())
        return "$$\\begin{gathered}" + "\n".join(lines) + "\\end{gathered}$$"

    def as_dict(self, *, lattice_check: bool = False) -> dict:
        """The JSON form described in DESIGN.md."""
        from .latex import latex

        out = {
            "name": self.name,
            "title": self.title,
            "topic": self.topic,
            "symbols": {
                s.name: {"meaning": s.meaning, "assumptions": s.assumptions}
                for s in self.symbols
            },
            "relations": {str(k): str(v) for k, v in self.relations.items()},
            "result": {
                "lhs": str(self.lhs),
                "expr": sp.sstr(self.result),
                "latex": latex(self.result),
            },
            "steps": [
                {"text": st.text, "latex": latex(st.expr) if st.expr is not None else ""}
                for st in self.steps
            ],
            "reference": self.reference,
        }
        if lattice_check:
            rep = self.lattice_check() or self.run_cross_check()
            out["lattice_check"] = rep.as_dict() if rep else None
        return out

    def text(self, pretty: bool = False, width: int | None = None) -> str:
        """Rendering for a terminal: title, symbols, steps, result, parts.

        ``pretty`` uses sympy's unicode 2D printer within ``width`` columns
        (a too-wide result names its large sums, as a paper does); otherwise
        every expression is one line (``a = b``, matrices as nested lists).
        """
        import textwrap

        from .display import one_line, pretty_equation, pretty_expr, terminal_width

        width = width or terminal_width()

        def wrap(text: str, indent: str) -> list[str]:
            if not pretty:
                return [indent + text]
            return textwrap.wrap(text, width, initial_indent=indent,
                                 subsequent_indent=" " * len(indent)) or [indent]

        def show(x) -> list[str]:
            if not pretty:
                return ["   " + one_line(x)]
            block = (pretty_equation(x.lhs, x.rhs, width - 3) if isinstance(x, sp.Equality)
                     else pretty_expr(x, width - 3))
            return ["   " + line for line in block.splitlines()]

        lines = wrap(f"{self.title}  [{self.name}]", "") + [""]
        lines.append("Symbols:")
        for s in self.symbols:
            extra = f" ({s.assumptions})" if s.assumptions else ""
            lines += wrap(f"{s.name}: {s.meaning}{extra}", "  ")
        lines.append("")
        for i, st in enumerate(self.steps, 1):
            lines += wrap(st.text, f"{i}. ")
            if st.expr is not None:
                lines += show(st.expr)
        lines.append("")
        if pretty:
            lines.append("Result:")
            lines += ["   " + x for x in pretty_equation(self.lhs, self.result,
                                                         width - 3).splitlines()]
        else:
            lines.append(f"Result: {one_line(self.lhs)} = {one_line(self.result)}")
        if self.parts:
            lines += ["", f"Parts (lbsym check {self.name}.PART ...):"]
            for key, part in self.parts.items():
                lines += wrap(f"{key}: {one_line(part.lhs)}, {part.meaning}", "  ")
        lines += [""] + wrap(f"Reference: {self.reference}", "")
        return "\n".join(lines)


@lru_cache(maxsize=256)
def _relation_functions(relations: tuple) -> list:
    """Compiled relations (float arithmetic), in an order where each uses only known values."""
    out, known = [], set()
    pending = list(relations)
    keys = {k for k, _ in relations}
    for _ in range(len(pending) + 1):
        rest = []
        for k, v in pending:
            args = sorted(v.free_symbols, key=lambda s: s.name)
            if any(a in keys and a not in known for a in args):
                rest.append((k, v))
                continue
            out.append((k, sp.lambdify(args, v, modules="math"), args))
            known.add(k)
        pending = rest
        if not pending:
            break
    if pending:  # pragma: no cover - cyclic relations
        raise DerivationError("cyclic relations")
    return out


# ------------------------------------------------------------------ registry
_BUILDERS: dict[str, tuple[str, Callable[[], Derivation]]] = {}

#: module-level functions of a derivation module, and the Derivation field each fills
HOOKS = {"cross_check": "cross_check", "lattice_check": "lattice", "figure": "figure"}


def register(name: str, title: str) -> Callable[[Callable[[], Derivation]], Callable[[], Derivation]]:
    """Decorator: register the builder of derivation ``name`` (its one definition of name and title)."""

    def deco(fn: Callable[[], Derivation]) -> Callable[[], Derivation]:
        if name in _BUILDERS and _BUILDERS[name][1].__module__ != fn.__module__:
            raise DerivationError(f"derivation {name!r} registered twice")
        _BUILDERS[name] = (title, fn)
        return fn

    return deco


def has_hook(name: str, hook: str) -> bool:
    """Whether derivation ``name``'s module defines ``hook`` (a key of :data:`HOOKS`),
    without building the derivation."""
    import sys

    _load_all()
    if hook not in HOOKS:
        raise DerivationError(f"unknown hook {hook!r} (known: {', '.join(HOOKS)})")
    return callable(getattr(sys.modules[_BUILDERS[name][1].__module__], hook, None))


def _assemble(name: str) -> Derivation:
    """Build ``name`` and attach its module's checks and figure."""
    import sys

    title, fn = _BUILDERS[name]
    der = fn()
    if der.name not in ("", name) or der.title not in ("", title):
        raise DerivationError(f"derivation {name!r}: name and title are given once, in @register")
    module = sys.modules[fn.__module__]
    hooks = {fld: getattr(module, attr) for attr, fld in HOOKS.items()
             if getattr(der, fld) is None and callable(getattr(module, attr, None))}
    return replace(der, name=name, title=title, **hooks)


@lru_cache(maxsize=1)
def _load_all() -> None:
    from . import derivations as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{mod.name}")


def names() -> list[str]:
    """Names of every derivation in the catalogue."""
    _load_all()
    return sorted(_BUILDERS)


def catalogue() -> list[tuple[str, str]]:
    """(name, title) of every derivation, without building them."""
    _load_all()
    return [(n, _BUILDERS[n][0]) for n in sorted(_BUILDERS)]


@lru_cache(maxsize=None)
def get(name: str) -> Derivation:
    """Build (once) and return the derivation ``name``."""
    _load_all()
    if name not in _BUILDERS:
        import difflib

        close = difflib.get_close_matches(name, _BUILDERS, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownDerivationError(
            f"unknown derivation {name!r}{hint} (known: {', '.join(sorted(_BUILDERS))})"
        )
    return _assemble(name)

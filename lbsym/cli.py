"""The ``lbsym`` command.

    lbsym list [--json]
    lbsym derive NAME [--format text|latex|json] [--lattice-check]
    lbsym eval NAME SYMBOL=VALUE ... [--digits N]
    lbsym check NAME "EXPRESSION" [--latex] [--json]   exit 0 equal, 1 not, 2 bad input
    lbsym plot NAME -o FILE.png
    lbsym book -o FILE.tex|FILE.md

Errors are one line on stderr with exit status 2; no traceback is printed.
Values given to ``eval`` are parsed as numbers only (integers, decimals,
fractions a/b, scientific notation, or a comma-separated list for an
indexed symbol such as the transmission eigenvalues T=0.9,0.5); nothing the
user types is evaluated as code.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Sequence

import sympy as sp

from . import derivation as registry
from .constants import SI
from .errors import LbsymError, ParameterError

__all__ = ["main"]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?$")
_FRACTION = re.compile(r"^[+-]?\d{1,50}/\d{1,50}$")
MAX_VALUE_LENGTH = 200


def parse_number(text: str) -> sp.Expr:
    """A number from user text (int, decimal, a/b, scientific), exactly."""
    t = text.strip()
    if len(t) > MAX_VALUE_LENGTH:
        raise ParameterError(f"value too long ({len(t)} characters; limit {MAX_VALUE_LENGTH})")
    if _FRACTION.match(t):
        p, q = t.split("/")
        if int(q) == 0:
            raise ParameterError(f"division by zero in value {t!r}")
        return sp.Rational(int(p), int(q))
    if _NUMBER.match(t):
        return sp.Rational(t) if "e" not in t.lower() else sp.Float(t, 30)
    raise ParameterError(
        f"cannot read {t!r} as a number; expected e.g. 0.5, 3, 1/3 or 2.5e-3"
    )


def _parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"expected SYMBOL=VALUE; got {pair!r}")
        name, value = pair.split("=", 1)
        name = name.strip()
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]{0,30}$", name):
            raise ParameterError(f"{name!r} is not a symbol name")
        if name in out:
            raise ParameterError(f"symbol {name!r} given twice")
        out[name] = value
    return out


def evaluate_derivation(d: registry.Derivation, pairs: Sequence[str], digits: int) -> sp.Expr:
    """Value of a derivation's result at SYMBOL=VALUE assignments (exact SI constants)."""
    if not 1 <= digits <= 1000:
        raise ParameterError(f"--digits must be between 1 and 1000; got {digits}")
    values = _parse_assignments(pairs)
    expr = d.result
    # indexed symbols (T[n] summed over n = 1..N) take a list of values
    for s in list(expr.atoms(sp.Sum)):
        term = s.function
        bases = [i.base for i in term.atoms(sp.Indexed)]
        if len(bases) == 1 and str(bases[0]) in values:
            name = str(bases[0])
            items = [parse_number(v) for v in values.pop(name).split(",")]
            (idx, lo, hi) = s.limits[0]
            total = sp.Add(*[term.subs(idx, i + lo) for i in range(len(items))])
            total = total.subs({bases[0][i + lo]: v for i, v in enumerate(items)})
            expr = expr.subs(s, total)
    syms = {x.name: x for x in expr.free_symbols}
    constants = {str(k): k for k in SI}
    unknown = sorted(set(values) - set(syms))
    if unknown:
        allowed = sorted(set(syms) - set(constants))
        raise ParameterError(
            f"unknown symbol(s) {', '.join(unknown)} for {d.name}; it takes {', '.join(allowed)}"
        )
    subs = {syms[k]: parse_number(v) for k, v in values.items() if "," not in v}
    if any("," in v for v in values.values()):
        bad = [k for k, v in values.items() if "," in v]
        raise ParameterError(f"symbol(s) {bad} take a single value, not a list")
    for k, v in d.ranges.items():
        if k in subs:
            lo, hi = (sp.sympify(x) for x in v)
            if not (lo <= subs[k] <= hi):
                raise ParameterError(f"{k} = {subs[k]} is outside its admissible range [{lo}, {hi}]")
    for k, rel in d.relations.items():
        if k in syms.values() and k not in subs and rel.free_symbols <= set(subs):
            subs[k] = rel.subs(subs)
    val = expr.subs(subs).subs(SI)
    missing = sorted(x.name for x in val.free_symbols)
    if missing:
        raise ParameterError(f"missing value(s) for {', '.join(missing)}")
    return sp.N(val, digits)


def _cmd_list(args: argparse.Namespace) -> int:
    items = registry.catalogue()
    if args.json:
        print(json.dumps([{"name": n, "title": t} for n, t in items], indent=2))
    else:
        width = max(len(n) for n, _ in items)
        for n, t in items:
            print(f"{n:<{width}}  {t}")
    return 0


def _latex_document(d: registry.Derivation) -> str:
    """The derivation as an align* block (step texts escaped for \\text{})."""
    from .book import tex_escape
    from .latex import latex

    lines = [f"% {d.title} ({d.name}) -- {d.reference}", r"\begin{align*}"]
    for st in d.steps:
        lines.append(rf"&\text{{{tex_escape(st.text)}}}\\")
        if st.expr is not None:
            lines.append(f"&{latex(st.expr)}\\\\")
    lines.append(f"{latex(d.lhs)} &= {latex(d.result)}")
    lines.append(r"\end{align*}")
    return "\n".join(lines)


def _cmd_derive(args: argparse.Namespace) -> int:
    d = registry.get(args.name)
    if args.format == "json":
        print(json.dumps(d.as_dict(lattice_check=args.lattice_check), indent=2, default=str))
        return 0
    if args.format == "latex":
        print(_latex_document(d))
    else:
        print(d.text())
    if args.lattice_check:
        rep = d.lattice_check()
        kind = "lattice check"
        if rep is None:
            rep = d.run_cross_check()
            kind = "independent check (no lattice system for this derivation)"
        if rep is None:
            print("\nno cross-check available")
        else:
            status = "PASS" if rep.passed else "FAIL"
            print(f"\n{kind}: {status}, max |difference| = {rep.max_abs_error:.3e} over "
                  f"{rep.points} points (tolerance {rep.tolerance:g}); {rep.method}")
            if not rep.passed:
                return 1
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    d = registry.get(args.name)
    val = evaluate_derivation(d, args.values, args.digits)
    print(f"{d.lhs} = {val}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check

    res = check(args.name, args.expression, latex=args.latex)
    if args.json:
        print(json.dumps(res.as_dict(), indent=2, default=str))
    else:
        print(res.text())
    return 0 if res.equal else 1


def _cmd_book(args: argparse.Namespace) -> int:
    from .book import write_book

    path = write_book(args.output, checks=not args.no_checks)
    print(f"wrote {path}")
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plots import plot

    path = plot(args.name, args.output)
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lbsym",
        description="Symbolic Landauer-Büttiker transport: derive, print and evaluate closed forms.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    q = sub.add_parser("list", help="list the derivations in the catalogue")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_list)
    q = sub.add_parser("derive", help="derive a result and print it")
    q.add_argument("name")
    q.add_argument("--format", choices=("text", "latex", "json"), default="text")
    q.add_argument("--lattice-check", action="store_true",
                   help="compare with the tight-binding solver (or an independent numeric route)")
    q.set_defaults(func=_cmd_derive)
    q = sub.add_parser("eval", help="evaluate a derived result at given values")
    q.add_argument("name")
    q.add_argument("values", nargs="*", metavar="SYMBOL=VALUE")
    q.add_argument("--digits", type=int, default=15)
    q.set_defaults(func=_cmd_eval)
    q = sub.add_parser("check", help="check an answer against a derived result "
                                     "(exit 0 equal, 1 not equal, 2 bad input)")
    q.add_argument("name")
    q.add_argument("expression")
    q.add_argument("--latex", action="store_true", help="the expression is LaTeX")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_check)
    q = sub.add_parser("plot", help="draw a derivation's figure (needs the plot extra)")
    q.add_argument("name")
    q.add_argument("-o", "--output", required=True, help="FILE.png (or .pdf, .svg)")
    q.set_defaults(func=_cmd_plot)
    q = sub.add_parser("book", help="every derivation as one document (.tex or .md)")
    q.add_argument("-o", "--output", required=True, help="FILE.tex or FILE.md")
    q.add_argument("--no-checks", action="store_true", help="skip the cross-check figures")
    q.set_defaults(func=_cmd_book)
    return p




def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()

    def fail(message: str) -> None:
        raise ParameterError(message)

    parser.error = fail  # type: ignore[method-assign]
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for sp_parser in action.choices.values():
            sp_parser.error = fail  # type: ignore[method-assign]
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except LbsymError as exc:
        print(f"lbsym: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("lbsym: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        print(f"lbsym: internal error ({type(exc).__name__}: {exc}); please report it",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``lbsym`` command.

    lbsym list [--json]
    lbsym derive NAME [--format pretty|text|latex|json] [--lattice-check]
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
import os
import re
import sys
from pathlib import Path
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
        f"cannot read {_quote(t)} as a number; expected e.g. 0.5, 3, 1/3 or 2.5e-3"
    )


def _parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"expected SYMBOL=VALUE; got {_quote(pair)}")
        name, value = pair.split("=", 1)
        name = name.strip()
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]{0,30}$", name):
            raise ParameterError(f"{_quote(name)} is not a symbol name")
        if name in out:
            raise ParameterError(f"symbol {name!r} given twice")
        out[name] = value
    return out


def _quote(text: str, limit: int = 60) -> str:
    return repr(text) if len(text) <= limit else repr(text[: limit - 3] + "...")


def _close(a: sp.Expr, b: sp.Expr) -> bool:
    a, b = complex(sp.N(a, 30)), complex(sp.N(b, 30))
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def _admissible(d: registry.Derivation, sym: sp.Symbol, value: sp.Expr) -> None:
    """Refuse a value outside the symbol's assumptions or declared range."""
    if sym.is_integer and not value.is_integer:
        raise ParameterError(f"{sym} must be an integer; got {value}")
    if sym.is_positive and not value > 0:
        raise ParameterError(f"{sym} must be positive; got {value}")
    if sym.is_nonnegative and not value >= 0:
        raise ParameterError(f"{sym} must be non-negative; got {value}")
    if sym in d.ranges:
        lo, hi = (sp.sympify(x) for x in d.ranges[sym])
        if not (lo <= value <= hi):
            raise ParameterError(f"{sym} = {value} is outside its admissible range [{lo}, {hi}]")


def _apply_relations(d: registry.Derivation, subs: dict) -> None:
    """Compute the values fixed by relations (R1 = 1 - T1) and check given ones.

    A related symbol given alone determines its partner when the relation has
    one unknown (R1 = 0.3 gives T1 = 0.7); a value that contradicts a relation
    is refused.
    """
    for _ in range(len(d.relations) + 1):
        changed = False
        for k, rel in d.relations.items():
            free = rel.free_symbols - set(subs)
            if not free:
                value = rel.subs(subs)
                if k in subs:
                    if not _close(subs[k], value):
                        if len(str(rel)) <= 30:
                            source = f"the relation {k} = {rel}"
                        else:
                            source = ("the relation that fixes it from "
                                      + ", ".join(sorted(map(str, rel.free_symbols))))
                        raise ParameterError(
                            f"{k} = {float(subs[k]):g} contradicts {source}, which gives "
                            f"{float(value):.6g}; give only one of them")
                else:
                    subs[k] = value
                    changed = True
            elif k in subs and len(free) == 1:
                (x,) = free
                sols = [v for v in sp.solve(sp.Eq(rel, subs[k]), x)
                        if v.is_real is not False]
                ok = []
                for v in sols:
                    try:
                        _admissible(d, x, v)
                        ok.append(v)
                    except ParameterError:
                        continue
                if len(ok) == 1:
                    subs[x] = ok[0]
                    changed = True
        if not changed:
            break


def _unit_of(d: registry.Derivation, expr: sp.Expr) -> str:
    """The SI unit of a result, from the units of e, h, k_B and of the inputs."""
    from sympy.physics import units as u

    base = {"e": u.coulomb, "h": u.joule * u.second, "k_B": u.joule / u.kelvin}
    named = {"V": u.volt, "K": u.kelvin, "s": u.second, "1/s": 1 / u.second}
    dims = {}
    for s_ in expr.free_symbols:
        if s_.name in base:
            dims[s_] = base[s_.name]
    for info in d.symbols:
        if info.unit and info.symbol in expr.free_symbols:
            dims[info.symbol] = named[info.unit]
    if not dims:
        return ""
    probe = expr.subs({s_: 1 for s_ in expr.free_symbols if s_ not in dims})
    probe = probe.subs({k: v for k, v in dims.items()})
    probe = probe.replace(sp.Abs, lambda x: x)
    targets = [(u.ohm, "ohm"), (u.siemens, "S"), (u.ampere**2 * u.second, "A^2/Hz"),
               (u.watt / u.kelvin, "W/K"), (u.volt, "V"), (u.ampere, "A"), (u.coulomb, "C"),
               (u.joule, "J"), (u.second, "s")]
    for unit, label in targets:
        try:
            conv = u.convert_to(probe, unit)
        except Exception:  # noqa: BLE001 - not convertible
            continue
        rest = conv / unit
        if not rest.has(u.Quantity):
            return label
    return ""


def evaluate_derivation(d: registry.Derivation, pairs: Sequence[str], digits: int,
                        part: str | None = None) -> sp.Expr:
    """Value of a derivation's result at SYMBOL=VALUE assignments (exact SI constants).

    Values fixed by a relation are computed (or checked, and refused when
    inconsistent); integer, positive and range assumptions are enforced; an
    undefined value (a pole, 0/0) is refused.
    """
    if not 1 <= digits <= 1000:
        raise ParameterError(f"--digits must be between 1 and 1000; got {digits}")
    values = _parse_assignments(pairs)
    expr = d.parts[part].expr if part else d.result
    # indexed symbols (T[n] summed over n = 1..N) take a list of values
    for s in list(expr.atoms(sp.Sum)):
        term = s.function
        bases = [i.base for i in term.atoms(sp.Indexed)]
        if len(bases) == 1 and str(bases[0]) in values:
            name = str(bases[0])
            items = [parse_number(v) for v in values.pop(name).split(",")]
            for v in items:
                if not 0 <= v <= 1:
                    raise ParameterError(f"transmission {name} = {v} is outside [0, 1]")
            (idx, lo, hi) = s.limits[0]
            total = sp.Add(*[term.subs(idx, i + lo) for i in range(len(items))])
            total = total.subs({bases[0][i + lo]: v for i, v in enumerate(items)})
            expr = expr.subs(s, total)
    syms = {x.name: x for x in expr.free_symbols}
    for k in d.relations:
        syms.setdefault(k.name, k)
        for x in d.relations[k].free_symbols:
            syms.setdefault(x.name, x)
    constants = {str(k): k for k in SI}
    unknown = sorted(set(values) - set(syms))
    if unknown:
        allowed = sorted(set(syms) - set(constants))
        raise ParameterError(
            f"unknown symbol(s) {', '.join(unknown)} for {d.name}; it takes {', '.join(allowed)}"
        )
    if any("," in v for v in values.values()):
        bad = [k for k, v in values.items() if "," in v]
        raise ParameterError(f"symbol(s) {bad} take a single value, not a list")
    subs = {syms[k]: parse_number(v) for k, v in values.items()}
    for k, v in subs.items():
        _admissible(d, k, v)
    _apply_relations(d, subs)
    val = expr.subs(subs).subs(SI)
    missing = sorted(x.name for x in val.free_symbols)
    if missing:
        raise ParameterError(f"missing value(s) for {', '.join(missing)}")
    out = sp.N(val, digits)
    if out.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not out.is_finite:
        raise ParameterError("the result is undefined at these values (a division by zero "
                             "or a pole)")
    return out


def _cmd_list(args: argparse.Namespace) -> int:
    items = registry.catalogue()
    figures = {n for n, _ in items if registry.has_hook(n, "figure")}
    if args.json:
        print(json.dumps([{"name": n, "title": t, "figure": n in figures} for n, t in items],
                         indent=2))
    else:
        width = max(len(n) for n, _ in items)
        for n, t in items:
            mark = "fig" if n in figures else "   "
            print(f"{n:<{width}}  {mark}  {t}")
        print("\nfig: a figure exists (lbsym plot NAME -o FILE.png)")
    return 0


def _latex_document(d: registry.Derivation) -> str:
    """The derivation as an align* block (step texts escaped for \\text{})."""
    from .book import _expr_blocks
    from .latex import display_blocks, prose

    lines = [f"% {d.title} ({d.name}) -- {d.reference}",
             r"% needs \usepackage{amsmath,graphicx}"]
    for st in d.steps:
        lines.append(prose(st.text))
        if st.expr is not None:
            lines += _expr_blocks(st.expr)
    lines += display_blocks(d.lhs, d.result)
    return "\n".join(lines)


def _cmd_derive(args: argparse.Namespace) -> int:
    d = registry.get(args.name)
    if args.format == "json":
        print(json.dumps(d.as_dict(lattice_check=args.lattice_check), indent=2, default=str))
        return 0
    if args.format == "latex":
        print(_latex_document(d))
    else:
        print(d.text(pretty=args.format == "pretty"))
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
            print(f"\n{kind}: {status}, {rep.measure} = {rep.error:.3e} over "
                  f"{rep.points} points (tolerance {rep.tolerance:g}); {rep.method}")
            if not rep.passed:
                return 1
    return 0


def _target(name: str, part: str | None) -> tuple[registry.Derivation, str | None]:
    if part is None and "." in name:
        name, part = name.split(".", 1)
    d = registry.get(name)
    if part is not None and part not in d.parts:
        known = ", ".join(sorted(d.parts)) or "none"
        raise ParameterError(f"{d.name} has no part {_quote(part, 40)}; its parts: {known}")
    return d, part


def _cmd_eval(args: argparse.Namespace) -> int:
    d, part = _target(args.name, args.part)
    val = evaluate_derivation(d, args.values, args.digits, part)
    lhs = d.parts[part].lhs if part else d.lhs
    unit = _unit_of(d, d.parts[part].expr if part else d.result)
    print(f"{lhs} = {val}" + (f" {unit}" if unit else ""))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check

    res = check(args.name, args.expression, latex=args.latex, part=args.part)
    if args.json:
        print(json.dumps(res.as_dict(), indent=2, default=str))
    else:
        print(res.text())
    return 0 if res.equal else 1


def _output_path(text: str, suffixes: tuple[str, ...]) -> Path:
    """Validate an output path before any work: suffix, folder, writability."""
    if not text.strip():
        raise ParameterError("the output path is empty")
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise ParameterError(f"{_quote(text)} is a folder; give a file name such as "
                             f"{path / ('figure' + suffixes[0])}")
    if path.suffix.lower() not in suffixes:
        raise ParameterError(f"the output file must end in {', '.join(suffixes)}; got "
                             f"{_quote(path.name)}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ParameterError(f"the folder {_quote(str(folder))} does not exist")
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise ParameterError(f"cannot write {_quote(text)}: {exc.strerror or exc}") from None
    if not existed:
        path.unlink()
    return path


def _cmd_book(args: argparse.Namespace) -> int:
    from .book import write_book

    path = _output_path(args.output, (".tex", ".md"))
    path = write_book(path, checks=not args.no_checks, figures=not args.no_figures)
    print(f"wrote {path}")
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plots import figure_names, plot

    if args.name not in registry.names():
        registry.get(args.name)  # raises UnknownDerivationError (with suggestions), builds nothing
    if not registry.has_hook(args.name, "figure"):  # refused before any derivation is built
        raise ParameterError(f"{args.name} has no figure; figures exist for: "
                             f"{', '.join(figure_names())}")
    path = _output_path(args.output, (".png", ".pdf", ".svg"))
    path = plot(args.name, path)
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
    q.add_argument("--format", choices=("pretty", "text", "latex", "json"), default="pretty",
                   help="pretty: 2D unicode for a terminal (default); text: one line per "
                        "expression, for scripts")
    q.add_argument("--lattice-check", action="store_true",
                   help="compare with the tight-binding solver (or an independent numeric route)")
    q.set_defaults(func=_cmd_derive)
    q = sub.add_parser("eval", help="evaluate a derived result at given values")
    q.add_argument("name")
    q.add_argument("values", nargs="*", metavar="SYMBOL=VALUE")
    q.add_argument("--digits", type=int, default=15)
    q.add_argument("--part", help="a named part of the derivation (see lbsym derive NAME)")
    q.set_defaults(func=_cmd_eval)
    q = sub.add_parser("check", help="check an answer against a derived result "
                                     "(exit 0 equal, 1 not equal, 2 bad input)")
    q.add_argument("name")
    q.add_argument("expression")
    q.add_argument("--latex", action="store_true", help="the expression is LaTeX")
    q.add_argument("--part", help="check a named part (also NAME.PART), e.g. kappa_3")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_check)
    q = sub.add_parser("plot", help="draw a derivation's figure (needs the plot extra)")
    q.add_argument("name")
    q.add_argument("-o", "--output", required=True, help="FILE.png (or .pdf, .svg)")
    q.set_defaults(func=_cmd_plot)
    q = sub.add_parser("book", help="every derivation as one document (.tex or .md)")
    q.add_argument("-o", "--output", required=True, help="FILE.tex or FILE.md")
    q.add_argument("--no-checks", action="store_true", help="skip the cross-check numbers")
    q.add_argument("--no-figures", action="store_true",
                   help="do not draw the figures (drawn with the plot extra installed)")
    q.set_defaults(func=_cmd_book)
    return p




#: An error line is at most this long (the input it quotes is cut first).
MAX_ERROR_LINE = 199


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_ERROR_LINE else line[: MAX_ERROR_LINE - 3] + "..."


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
        print(_one_line(f"lbsym: error: {exc}"), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head etc.: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:  # pragma: no cover
        print("lbsym: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        print(_one_line(f"lbsym: internal error ({type(exc).__name__}: {exc}); please report it"),
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

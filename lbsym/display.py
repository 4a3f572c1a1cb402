"""Terminal renderings of results: sympy's unicode pretty printer, and one-line text.

:func:`pretty_equation` prints ``lhs = rhs`` in 2D (fractions, subscripts,
roots) within a given width.  A result too wide for the terminal is printed
the way a paper prints it: a large sum in the denominator (or numerator) is
named ``D`` (``N``) and defined below, its terms wrapped over lines.
:func:`one_line` is the plain form for scripts: ``lhs = rhs``, matrices as
nested lists, never ``Eq(...)`` or ``Matrix([...])``.
"""

from __future__ import annotations

import shutil

import sympy as sp

__all__ = ["pretty_equation", "pretty_expr", "one_line", "terminal_width", "name_large_sums"]


def terminal_width(default: int = 100) -> int:
    """Columns of the terminal (``default`` when output is not a terminal)."""
    return max(40, shutil.get_terminal_size((default, 24)).columns)


def _pretty(x, width: int | None = None) -> str:
    return sp.pretty(x, use_unicode=True, wrap_line=width is not None,
                     num_columns=width or 10_000)


def _width(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def one_line(x) -> str:
    """Plain one-line text: ``a = b`` for equations, nested lists for matrices."""
    if isinstance(x, sp.Equality):
        return f"{one_line(x.lhs)} = {one_line(x.rhs)}"
    if isinstance(x, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(sp.sstr(v) for v in x.row(i)) + "]"
                               for i in range(x.rows)) + "]"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(one_line(v) for v in x) + "]"
    return sp.sstr(x)


def name_large_sums(rhs: sp.Expr, too_large, taken: set = frozenset()) -> tuple:
    """``rhs`` with its large sums named, as a paper writes R = h N/(e^2 D).

    Every sum factor of the denominator (named D, D_2, ...) and of the
    numerator (N, ...) for which ``too_large(sum)`` holds is replaced by a
    symbol; returns (the short expression, [(name, sum), ...]).
    """
    num, den = sp.fraction(sp.factor_terms(rhs))
    taken = {s.name for s in rhs.free_symbols} | set(taken)
    defs: list[tuple[str, sp.Expr]] = []
    repl: dict[sp.Expr, sp.Symbol] = {}
    for part, base in ((den, "D"), (num, "N")):
        for f in sp.Mul.make_args(part):
            f0 = f.base if isinstance(f, sp.Pow) else f
            if isinstance(f0, sp.Add) and f0 not in repl and too_large(f0):
                name, k = base, 1
                while name in taken:
                    k += 1
                    name = f"{base}_{k}"
                taken.add(name)
                repl[f0] = sp.Symbol(name)
                defs.append((name, f0))
    return (num / den).xreplace(repl), defs


def sum_lines(lead: str, pieces: list[str], limit: int, measure=len) -> list[str]:
    """``lead t1 + t2 - t3 ...`` broken after whole terms, each line within ``limit``.

    ``pieces`` are the printed terms (a leading ``-`` is the term's sign);
    ``measure`` gives a line's printed width.  Lines after the first start
    with their sign.  Shared by the terminal and the LaTeX renderings.
    """
    lines, line = [], lead + pieces[0]
    for p in pieces[1:]:
        token = f" - {p[1:].lstrip()}" if p.startswith("-") else f" + {p}"
        if measure(line + token) > limit:
            lines.append(line)
            line = token.strip()
        else:
            line += token
    lines.append(line)
    return lines


def _wrapped_sum(name: str, terms: list[sp.Expr], width: int) -> str | None:
    """``name = t1 + t2 + ...`` over several lines, each within ``width``."""
    pieces = [_pretty(t) for t in terms]
    if any("\n" in p for p in pieces):
        return None
    lead = f"{name} = "
    indent = " " * (len(lead) - 2)  # continuation lines put their sign under the "="
    lines = sum_lines(lead, pieces, width - len(indent))
    return "\n".join([lines[0]] + [indent + x for x in lines[1:]])


def pretty_expr(x, width: int | None = None) -> str:
    """One expression (or equation, matrix) in 2D within ``width`` columns."""
    width = width or terminal_width()
    text = _pretty(x)
    return text if _width(text) <= width else _pretty(x, width)


def pretty_equation(lhs: sp.Expr, rhs: sp.Expr, width: int | None = None) -> str:
    """``lhs = rhs`` in 2D; a too-wide result names its large sums (D, N) as a paper does."""
    width = width or terminal_width()
    eq = sp.Eq(lhs, rhs, evaluate=False)
    text = _pretty(eq)
    if _width(text) <= width:
        return text
    short, defs = name_large_sums(rhs, lambda f: _width(_pretty(f)) > width // 2,
                                  {getattr(lhs, "name", "")})
    if not defs:
        return _pretty(eq, width)
    out = [_pretty(sp.Eq(lhs, short, evaluate=False), width), "", "with"]
    for name, body in defs:
        wrapped = _wrapped_sum(_pretty(sp.Symbol(name)), list(body.as_ordered_terms()), width)
        out.append(wrapped if wrapped is not None else _pretty(sp.Eq(sp.Symbol(name), body), width))
    return "\n".join(out)

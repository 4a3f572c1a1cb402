"""LaTeX as a paper prints it.

sympy's printer already writes ``T1`` as ``T_{1}`` and ``alpha1`` as
``\\alpha_{1}``; this printer adds the field's habits: ``Phi0`` -> ``\\Phi_0``,
``epsilon`` -> ``\\varepsilon``, ``k_B`` -> ``k_B``, ``Gamma_L`` -> ``\\Gamma_L``,
and products of square roots merged as sqrt(R_1 R_2).
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["latex", "LbsymLatexPrinter", "prose", "display_blocks"]

_NAMES = {
    "Phi0": r"\Phi_0",
    "epsilon": r"\varepsilon",
    "k_B": r"k_B",
    "hbar": r"\hbar",
    "g_s": r"g_s",
}


class LbsymLatexPrinter(LatexPrinter):
    """sympy's LaTeX printer with lbsym's symbol names."""

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        name = expr.name
        if name in _NAMES:
            return _NAMES[name]
        if name.startswith("<") and name.endswith(">") and len(name) > 2:
            inner = self._print_Symbol(sp.Symbol(name[1:-1]))
            return rf"\langle {inner}\rangle"
        if name.startswith("ln_") and len(name) > 3:
            return r"\ln " + self._print_Symbol(sp.Symbol(name[3:]))
        m = _INDEXED.match(name)
        if m:  # T1d, R2u: a letter, a number and a short label, all in the subscript
            return f"{m.group(1)}_{{{m.group(2)}{m.group(3)}}}"
        if "_" in name:
            base, *subs = name.split("_")
            base_tex = super()._print_Symbol(sp.Symbol(base))
            return f"{base_tex}_{{{','.join(_subscript(x) for x in subs)}}}"
        return super()._print_Symbol(expr, style=style)


_INDEXED = __import__("re").compile(r"^([A-Z])(\d+)([a-z]{1,2})$")


def _subscript(sub: str) -> str:
    """A subscript as papers set it: indices italic, words upright (G_eff, S_th, R_2t)."""
    if sub in _GREEK:
        return "\\" + sub
    word = len(sub) >= 3 and sub.isalpha()
    mixed = any(c.isdigit() for c in sub) and any(c.isalpha() for c in sub)
    if word or mixed or sub in ("th",):
        return rf"\mathrm{{{sub}}}"
    return sub


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "theta", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Gamma",
          "Delta", "Theta", "Lambda", "Phi", "Psi", "Omega", "Sigma"}


def _merge_roots(expr: sp.Expr) -> sp.Expr:
    """sqrt(a)*sqrt(b) -> sqrt(a*b) for display (a, b positive)."""
    def merge(m: sp.Expr) -> sp.Expr:
        roots = [f for f in m.args if f.is_Pow and f.exp == sp.S.Half and f.base.is_positive]
        if len(roots) < 2:
            return m
        rest = [f for f in m.args if f not in roots]
        return sp.Mul(*rest, sp.sqrt(sp.Mul(*[r.base for r in roots]), evaluate=False),
                      evaluate=False)
    return expr.replace(lambda x: isinstance(x, sp.Mul), merge)


def latex(expr: sp.Basic, **settings) -> str:
    """LaTeX of a sympy object with lbsym's conventions."""
    if isinstance(expr, sp.Basic):
        expr = _merge_roots(expr)
    return LbsymLatexPrinter(settings).doprint(expr)


# ------------------------------------------------------------------ prose
_PROSE_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "theta", "kappa", "lambda",
                "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
                "Gamma", "Delta", "Theta", "Lambda", "Phi", "Psi", "Omega", "Sigma"}
_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_UNICODE = {"é": r"\'e", "ü": r'\"u', "ö": r'\"o', "ä": r'\"a', "θ": r"$\theta$",
            "φ": r"$\phi$", "ε": r"$\varepsilon$", "Φ": r"$\Phi$", "π": r"$\pi$",
            "–": "--", "—": "---", "’": "'", "Σ": r"$\Sigma$", "≤": r"$\le$"}


def _text_escape(text: str) -> str:
    out = "".join(_TEX_SPECIAL.get(c, c) for c in text)
    return "".join(_UNICODE.get(c, c) for c in out)


def _math_word(word: str) -> str:
    """One formula-like word of prose (T_ij, e^{i alpha}, sqrt(R1 R2), theta) as LaTeX."""
    import re

    def greek(w: str) -> str:
        return re.sub(r"(?<!\\)\b(" + "|".join(sorted(_PROSE_GREEK, key=len, reverse=True)) + r")\b",
                      lambda m: "\\" + m.group(1) + " ", w).strip()

    w = re.sub(r"sqrt\(([^()]*)\)", lambda m: r"\sqrt{" + m.group(1) + "}", word)
    w = re.sub(r"\bsum(?=_)", lambda m: r"\sum", w)
    w = re.sub(r"\^\{([^{}]*)\}", lambda m: "^{" + greek(m.group(1)) + "}", w)
    w = re.sub(r"_\{([^{}]*)\}", lambda m: "_{" + m.group(1) + "}", w)
    w = re.sub(r"_([A-Za-z0-9]+)", lambda m: "_{" + m.group(1) + "}", w)
    w = re.sub(r"\^([A-Za-z0-9]+)", lambda m: "^{" + m.group(1) + "}", w)
    w = re.sub(r"\b([A-Za-z])([0-9]+)\b", lambda m: m.group(1) + "_{" + m.group(2) + "}", w)
    return greek(w)


def prose(text: str) -> str:
    """A step's sentence for LaTeX: words escaped, formula-like pieces typeset.

    Pieces with a sub- or superscript (``T_ij``, ``e^{i alpha}``, ``R_{10,32}``),
    ``sqrt(...)`` and lone Greek names (``theta``) become inline math; the
    rest is escaped text, so no ``^`` or ``_`` ends up in ``\\text{}``.
    """
    import re

    piece = re.compile(
        r"sqrt\([^()]*\)"
        r"|[A-Za-z0-9']+(?:(?:_\{[^{}]*\}|_[A-Za-z0-9]+|\^\{[^{}]*\}|\^[A-Za-z0-9]+))+"
        r"|\b(?:" + "|".join(sorted(_PROSE_GREEK, key=len, reverse=True)) + r")\b")
    out, pos = [], 0
    for m in piece.finditer(text):
        out.append(_text_escape(text[pos:m.start()]))
        out.append("$" + _math_word(m.group(0)) + "$")
        pos = m.end()
    out.append(_text_escape(text[pos:]))
    return "".join(out)


# --------------------------------------------------------------- displays
_MAX_CHARS = 110  # LaTeX source characters of one display line (about a text width)


def _visible(tex: str) -> int:
    import re

    t = re.sub(r"\\(left|right|frac|sqrt|cdot|mathrm|operatorname)", "", tex)
    t = re.sub(r"[{}]", "", t)
    return len(t)


def display_blocks(lhs, rhs, limit: int = _MAX_CHARS) -> list[str]:
    """``lhs = rhs`` as LaTeX display(s) that fit a page.

    A short equation is one ``\\[ ... \\]``.  A long one names its large sums
    (D in the denominator, N in the numerator) and defines them below, each
    broken after whole terms in a ``multline*``: as a paper prints it.
    """
    head = latex(lhs) + " = " if lhs is not None else ""
    body = latex(rhs)
    if _visible(head + body) <= limit or not isinstance(rhs, sp.Expr):
        return [rf"\[ {head}{body} \]"]
    from .display import name_large_sums, sum_lines

    short, defs = name_large_sums(rhs, lambda f: _visible(latex(f)) > limit // 3)
    blocks = []
    if defs:
        blocks.append(rf"\[ {head}{latex(short)} \]")
        blocks.append(r"\noindent with")
    else:
        defs = [(None, rhs)]
    for name, f in defs:
        lead = (latex(sp.Symbol(name)) + " = ") if name else head
        terms = [latex(t) for t in (f.as_ordered_terms() if isinstance(f, sp.Add) else [f])]
        if _visible(lead + " + ".join(terms)) <= limit:
            blocks.append(rf"\[ {lead}{' + '.join(terms).replace('+ -', '- ')} \]")
            continue
        lines = sum_lines(lead, terms, limit, measure=_visible)
        blocks.append("\\begin{multline*}\n" + " \\\\\n".join(lines) + "\n\\end{multline*}")
    return blocks

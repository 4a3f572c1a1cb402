"""LaTeX as a paper prints it.

sympy's printer already writes ``T1`` as ``T_{1}`` and ``alpha1`` as
``\\alpha_{1}``; this printer adds the field's habits: ``Phi0`` -> ``\\Phi_0``,
``epsilon`` -> ``\\varepsilon``, ``k_B`` -> ``k_B``, ``Gamma_L`` -> ``\\Gamma_L``,
and products of square roots merged as sqrt(R_1 R_2).
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["latex", "LbsymLatexPrinter"]

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
        if "_" in name:
            base, *subs = name.split("_")
            base_tex = super()._print_Symbol(sp.Symbol(base))
            return f"{base_tex}_{{{','.join(_subscript(x) for x in subs)}}}"
        return super()._print_Symbol(expr, style=style)


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

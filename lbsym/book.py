"""Every derivation as one document: LaTeX (``.tex``) or Markdown (``.md``).

Each section has the title, a symbols table, the steps, the result, the
textbook reference and the cross-check figure (largest difference against
the lattice solver, or against the independent numeric route where no
lattice system applies).
"""

from __future__ import annotations

from pathlib import Path

from . import derivation as registry
from .errors import ParameterError
from .latex import latex

__all__ = ["book_tex", "book_markdown", "write_book"]

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_UNICODE = {"é": r"\'e", "ü": r'\"u', "ö": r'\"o', "ä": r'\"a', "θ": r"$\theta$",
            "φ": r"$\phi$", "ε": r"$\varepsilon$", "Φ": r"$\Phi$", "π": r"$\pi$",
            "–": "--", "—": "---", "’": "'", "Σ": r"$\Sigma$", "≤": r"$\le$"}


def tex_escape(text: str) -> str:
    out = "".join(_TEX_SPECIAL.get(c, c) for c in text)
    return "".join(_UNICODE.get(c, c) for c in out)


def _check(d: registry.Derivation):
    rep = d.lattice_check()
    kind = "lattice solver"
    if rep is None:
        rep, kind = d.run_cross_check(), "independent numeric route"
    return rep, kind


def book_tex(names: list[str] | None = None, *, checks: bool = True) -> str:
    """A complete LaTeX document (article class, amsmath) of the derivations."""
    names = names or registry.names()
    out = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\allowdisplaybreaks",
        r"\title{lbsym: the catalogue of derivations}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    for name in names:
        d = registry.get(name)
        out.append(rf"\section{{{tex_escape(d.title)}}}")
        out.append(rf"\emph{{{tex_escape(d.topic)}}} \quad (\texttt{{{tex_escape(d.name)}}})")
        out.append(r"\subsection*{Symbols}")
        out.append(r"\begin{tabular}{lll}")
        for s in d.symbols:
            out.append(rf"${latex(s.symbol)}$ & {tex_escape(s.meaning)} & {tex_escape(s.assumptions)}\\")
        out.append(r"\end{tabular}")
        out.append(r"\subsection*{Derivation}")
        out.append(r"\begin{enumerate}")
        for st in d.steps:
            out.append(rf"\item {tex_escape(st.text)}")
            if st.expr is not None:
                out.append(rf"\[ {latex(st.expr)} \]")
        out.append(r"\end{enumerate}")
        out.append(r"\subsection*{Result}")
        out.append(rf"\[ {latex(d.lhs)} = {latex(d.result)} \]")
        out.append(rf"Reference: {tex_escape(d.reference)}.")
        if checks:
            rep, kind = _check(d)
            if rep is not None:
                out.append(
                    rf"\par Cross-check against the {kind}: largest difference "
                    rf"{_sci(rep.max_abs_error)} over {rep.points} points "
                    rf"(tolerance {_sci(rep.tolerance)}). {tex_escape(rep.method)}."
                )
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _sci(x: float) -> str:
    m, e = f"{x:.2e}".split("e")
    return rf"${m}\times 10^{{{int(e)}}}$"


def book_markdown(names: list[str] | None = None, *, checks: bool = True) -> str:
    """The same document in Markdown with $$ LaTeX $$ displays."""
    names = names or registry.names()
    out = ["# lbsym: the catalogue of derivations", ""]
    for name in names:
        d = registry.get(name)
        out += [f"## {d.title}", "", f"*{d.topic}* (`{d.name}`)", "", "| symbol | meaning | assumptions |",
                "|---|---|---|"]
        for s in d.symbols:
            out.append(f"| ${latex(s.symbol)}$ | {s.meaning} | {s.assumptions} |")
        out.append("")
        for i, st in enumerate(d.steps, 1):
            out.append(f"{i}. {st.text}")
            if st.expr is not None:
                out += ["", f"   $$ {latex(st.expr)} $$", ""]
        out += ["", "**Result**", "", f"$$ {latex(d.lhs)} = {latex(d.result)} $$", "",
                f"Reference: {d.reference}.", ""]
        if checks:
            rep, kind = _check(d)
            if rep is not None:
                out += [f"Cross-check against the {kind}: largest difference {rep.max_abs_error:.2e} "
                        f"over {rep.points} points (tolerance {rep.tolerance:.1e}). {rep.method}.", ""]
    return "\n".join(out)


def write_book(path: str | Path, *, checks: bool = True) -> Path:
    """Write the book; the format follows the suffix (.tex or .md)."""
    path = Path(path)
    if path.suffix == ".tex":
        text = book_tex(checks=checks)
    elif path.suffix == ".md":
        text = book_markdown(checks=checks)
    else:
        raise ParameterError(f"the book is written as .tex or .md; got {path.name!r}")
    path.write_text(text, encoding="utf-8")
    return path

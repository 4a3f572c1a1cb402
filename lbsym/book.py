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
from .latex import _visible, display_blocks, latex, prose

__all__ = ["book_tex", "book_markdown", "write_book"]

def tex_escape(text: str) -> str:
    """Plain words for LaTeX text (special characters escaped)."""
    from .latex import _text_escape

    return _text_escape(text)


def _md_escape(text: str) -> str:
    """Prose for Markdown: table bars and angle brackets escaped."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _expr_blocks(x) -> list[str]:
    """Display blocks of a step's expression: equations broken to fit, tuples one per line."""
    import sympy as sp

    if isinstance(x, (tuple, list, sp.Tuple)) and all(isinstance(v, sp.Equality) for v in x):
        return [b for v in x for b in display_blocks(v.lhs, v.rhs)]
    if isinstance(x, sp.Equality):
        return display_blocks(x.lhs, x.rhs)
    if isinstance(x, sp.MatrixBase):
        tex = latex(x)
        if _visible(tex) <= 110:
            return [rf"\[ {tex} \]"]
        return [rf"\[ \resizebox{{\linewidth}}{{!}}{{$\displaystyle {tex}$}} \]"]
    if isinstance(x, sp.Expr):
        return display_blocks(None, x)
    return [rf"\[ {latex(x)} \]"]


def _figures(folder: Path | None, names: list[str]) -> dict[str, Path]:
    """Draw every derivation's figure into ``folder`` (needs the plot extra)."""
    import importlib.util

    if folder is None or importlib.util.find_spec("matplotlib") is None:
        return {}
    from .derivation import has_hook
    from .plots import plot

    folder.mkdir(parents=True, exist_ok=True)
    return {n: plot(n, folder / f"{n}.png") for n in names if has_hook(n, "figure")}


def _check(d: registry.Derivation):
    rep = d.lattice_check()
    kind = "lattice solver"
    if rep is None:
        rep, kind = d.run_cross_check(), "independent numeric route"
    return rep, kind


def book_tex(names: list[str] | None = None, *, checks: bool = True,
             figures: dict[str, Path] | None = None) -> str:
    """A complete LaTeX document (article class, amsmath) of the derivations.

    ``figures`` maps derivation names to image files (relative to the .tex)."""
    names = names or registry.names()
    figures = figures or {}
    out = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath,amssymb,graphicx}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\allowdisplaybreaks",
        r"\sloppy",
        r"\title{lbsym: the catalogue of derivations}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        r"\tableofcontents",
    ]
    for name in names:
        d = registry.get(name)
        out.append(rf"\section{{{tex_escape(d.title)}}}")
        out.append(rf"\emph{{{prose(d.topic)}}} \quad (\texttt{{{tex_escape(d.name)}}})")
        out.append(r"\subsection*{Symbols}")
        out.append(r"\begin{tabular}{lp{0.55\textwidth}p{0.3\textwidth}}")
        for s in d.symbols:
            out.append(rf"${latex(s.symbol)}$ & {prose(s.meaning)} & {prose(s.assumptions)}\\")
        out.append(r"\end{tabular}")
        out.append(r"\subsection*{Derivation}")
        out.append(r"\begin{enumerate}")
        for st in d.steps:
            out.append(rf"\item {prose(st.text)}")
            if st.expr is not None:
                out += _expr_blocks(st.expr)
        out.append(r"\end{enumerate}")
        out.append(r"\subsection*{Result}")
        out += display_blocks(d.lhs, d.result)
        out.append(rf"Reference: {tex_escape(d.reference)}.")
        if name in figures:
            out += [r"\begin{center}",
                    rf"\includegraphics[width=0.8\textwidth]{{{figures[name].as_posix()}}}",
                    r"\end{center}"]
        if checks:
            rep, kind = _check(d)
            if rep is not None:
                out.append(
                    rf"\par Cross-check against the {kind}: {tex_escape(rep.measure)} "
                    rf"{_sci(rep.error)} over {rep.points} points "
                    rf"(tolerance {_sci(rep.tolerance)}). {tex_escape(rep.method)}."
                )
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _sci(x: float) -> str:
    m, e = f"{x:.2e}".split("e")
    return rf"${m}\times 10^{{{int(e)}}}$"


def book_markdown(names: list[str] | None = None, *, checks: bool = True,
                  figures: dict[str, Path] | None = None) -> str:
    """The same document in Markdown with $$ LaTeX $$ displays."""
    names = names or registry.names()
    figures = figures or {}
    out = ["# lbsym: the catalogue of derivations", ""]
    for name in names:
        d = registry.get(name)
        out += [f"## {_md_escape(d.title)}", "", f"*{_md_escape(d.topic)}* (`{d.name}`)", "",
                "| symbol | meaning | assumptions |", "|---|---|---|"]
        for s in d.symbols:
            out.append(f"| ${latex(s.symbol)}$ | {_md_escape(s.meaning)} | "
                       f"{_md_escape(s.assumptions)} |")
        out.append("")
        for i, st in enumerate(d.steps, 1):
            out.append(f"{i}. {_md_escape(st.text)}")
            if st.expr is not None:
                out += ["", f"   $$ {latex(st.expr)} $$", ""]
        out += ["", "**Result**", "", f"$$ {latex(d.lhs)} = {latex(d.result)} $$", "",
                f"Reference: {_md_escape(d.reference)}.", ""]
        if name in figures:
            out += [f"![{_md_escape(d.title)}]({figures[name].as_posix()})", ""]
        if checks:
            rep, kind = _check(d)
            if rep is not None:
                out += [f"Cross-check against the {kind}: {_md_escape(rep.measure)} {rep.error:.2e} "
                        f"over {rep.points} points (tolerance {rep.tolerance:.1e}). {rep.method}.", ""]
    return "\n".join(out)


def write_book(path: str | Path, *, checks: bool = True, figures: bool = True) -> Path:
    """Write the book; the format follows the suffix (.tex or .md).

    With the plot extra installed (and ``figures``), every derivation's figure
    is drawn into the folder ``<stem>-figures`` beside the book and included.
    """
    path = Path(path)
    if path.suffix not in (".tex", ".md"):
        raise ParameterError(f"the book is written as .tex or .md; got {path.name!r}")
    names = registry.names()
    folder = path.parent / f"{path.stem}-figures" if figures else None
    drawn = {n: p.relative_to(path.parent) for n, p in _figures(folder, names).items()}
    if path.suffix == ".tex":
        text = book_tex(checks=checks, figures=drawn)
    else:
        text = book_markdown(checks=checks, figures=drawn)
    path.write_text(text, encoding="utf-8")
    return path

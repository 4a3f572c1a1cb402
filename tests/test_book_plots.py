"""The book (.tex, .md), the figures, and notebook display."""

import re
import shutil
import subprocess

import numpy as np
import pytest

from lbsym import derivation as registry
from lbsym.book import book_markdown, book_tex
from lbsym.cli import main
from lbsym.numeric import evaluator


@pytest.fixture(scope="module")
def tex():
    return book_tex()


def test_tex_contains_every_derivation_and_is_well_formed(tex):
    for name in registry.names():
        d = registry.get(name)
        assert d.name.replace("-", "-") in tex.replace(r"\_", "_")
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    begins = re.findall(r"\\begin\{(\w+\*?)\}", tex)
    ends = re.findall(r"\\end\{(\w+\*?)\}", tex)
    assert sorted(begins) == sorted(ends)
    # braces balance outside escaped ones
    stripped = tex.replace(r"\{", "").replace(r"\}", "")
    depth = 0
    for c in stripped:
        depth += (c == "{") - (c == "}")
        assert depth >= 0
    assert depth == 0
    assert tex.count(r"\[") == tex.count(r"\]")
    assert "Cross-check against the lattice solver" in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX installation")
def test_tex_compiles(tmp_path, tex):
    (tmp_path / "book.tex").write_text(tex, encoding="utf-8")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "book.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "book.pdf").stat().st_size > 10_000


def test_markdown_contains_every_derivation(tmp_path, capsys):
    md = book_markdown(checks=False)
    for name in registry.names():
        assert f"(`{name}`)" in md
    assert main(["book", "-o", str(tmp_path / "book.md"), "--no-checks"]) == 0
    assert (tmp_path / "book.md").read_text(encoding="utf-8") == md
    assert main(["book", "-o", str(tmp_path / "book.pdf")]) == 2


@pytest.mark.parametrize("name", ["fabry-perot", "aharonov-bohm-ring", "periodic-chain", "landauer"])
def test_plots_are_written_and_match_evaluators(tmp_path, name, capsys):
    pytest.importorskip("matplotlib")
    from lbsym.plots import figure_data

    out = tmp_path / f"{name}.png"
    assert main(["plot", name, "-o", str(out)]) == 0
    assert out.stat().st_size > 5_000 and out.read_bytes()[:4] == b"\x89PNG"
    data = figure_data(name)
    assert data["xlabel"] and data["ylabel"] and "$" in data["xlabel"] + data["ylabel"]
    if name == "fabry-perot":
        f = evaluator(registry.get(name).result)
        label, x, y = data["lines"][0]
        assert np.allclose(y, f(R1=0.5, R2=0.5, T1=0.5, T2=0.5, theta=x), atol=1e-14)
    if name == "aharonov-bohm-ring":  # lattice points lie on the closed form (E = 0, eps = 4/9)
        f = evaluator(registry.get(name).result)
        _, xp, yp = data["points"][0]
        assert np.allclose(yp, f(Phi=xp, Phi0=1.0, epsilon=4 / 9, theta=1.5 * np.pi), atol=1e-10)
    if name in ("periodic-chain", "landauer"):
        (_, x, y), (_, xp, yp) = data["lines"][0], data["points"][0]
        assert np.allclose(np.interp(xp, x, y), yp, atol=0.05 if name == "periodic-chain" else 1e-9)


def test_repr_latex():
    d = registry.get("fabry-perot")
    assert d._repr_latex_().startswith("$$") and "Each barrier" in d._repr_latex_()

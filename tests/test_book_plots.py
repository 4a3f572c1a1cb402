"""The book (.tex, .md), the figures, and notebook display."""

import re
import shutil
import subprocess

import numpy as np
import pytest
import sympy as sp

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
    log = (tmp_path / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log, log[log.find("Overfull"):][:500]


def test_tex_typesets_prose_math_and_breaks_long_results(tex):
    assert r"\tableofcontents" in tex and "seed problem" not in tex
    assert r"$e^{i \alpha}$" in tex and r"\text{" not in tex
    assert r"R_{10,32}" in tex and "R_{10_32}" not in tex
    assert r"\begin{multline*}" in tex and r"\noindent with" in tex  # the H-bar's D


def test_book_with_figures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["book", "-o", str(tmp_path / "b.md"), "--no-checks"]) == 0
    md = (tmp_path / "b.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(images) >= 10 and all((tmp_path / i).stat().st_size > 5000 for i in images)


def test_markdown_escapes_table_bars_and_angle_brackets():
    """Symbol meanings carry |t|^2 and 0 < T < 1: the table rows keep exactly their four bars."""
    md = book_markdown(checks=False)
    rows = [line for line in md.splitlines() if line.startswith("| $")]
    assert len(rows) >= 50
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row
        assert "<" not in row and ">" not in row, row
    assert any(r"T = \|t\|^2" in row for row in rows)
    assert any("0 &lt; T &lt; 1" in row for row in rows)


def test_markdown_contains_every_derivation(tmp_path, capsys):
    md = book_markdown(checks=False)
    for name in registry.names():
        assert f"(`{name}`)" in md
    assert main(["book", "-o", str(tmp_path / "book.md"), "--no-checks", "--no-figures"]) == 0
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


# ------------------------------------------------------------------ noise figures
NOISE_FIGURES = ["shot-noise", "counting-statistics", "resonant-tunneling-fcs", "spin-flip-noise"]


@pytest.fixture(scope="module")
def noise_data():
    """figure_data of each noise figure, computed once per module."""
    pytest.importorskip("matplotlib")
    from lbsym.plots import figure_data

    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = figure_data(name)
        return cache[name]

    return get


def _panels(data):
    return data.get("panels", [data])


@pytest.mark.parametrize("name", NOISE_FIGURES)
def test_noise_plots_are_written_from_the_cli(tmp_path, name, noise_data, capsys):
    pytest.importorskip("matplotlib")
    from lbsym.plots import figure_names

    assert name in figure_names()
    out = tmp_path / f"{name}.png"
    assert main(["plot", name, "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert out.stat().st_size > 20_000 and out.read_bytes()[:4] == b"\x89PNG"
    data = noise_data(name)
    assert data["title"]
    for p in _panels(data):
        assert p["xlabel"] and p["ylabel"] and "$" in p["xlabel"] + p["ylabel"]
        assert p["lines"] and p["points"]
        for _, x, y in p["lines"] + p["points"]:
            assert np.shape(x) == np.shape(y) and np.all(np.isfinite(y))
        for err, (_, xp, _) in zip(p.get("errors", []), p["points"]):
            assert err is None or (np.shape(err) == np.shape(xp) and np.all(err > 0))


def test_noise_plot_pdf_and_console_script(tmp_path):
    pytest.importorskip("matplotlib")
    import sys

    out = tmp_path / "fcs.pdf"
    assert main(["plot", "spin-flip-noise", "-o", str(out)]) == 0
    assert out.stat().st_size > 5_000 and out.read_bytes()[:5] == b"%PDF-"
    png = tmp_path / "fcs.png"
    proc = subprocess.run([sys.executable, "-m", "lbsym.cli", "plot", "counting-statistics", "-o", str(png)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 20_000


def test_shot_noise_figure(noise_data):
    from lbsym.noise_numeric import noise_value

    data = noise_data("shot-noise")
    a, b = data["panels"]
    # (a) the derivation's one-channel noise is T(1-T): zero at T = 0, 1, maximum 1/4 at T = 1/2
    (_, t, s), (_, t2, fano) = a["lines"]
    assert np.allclose(s, t * (1 - t), atol=1e-15) and np.allclose(fano, 1 - t2, atol=1e-15)
    assert s[0] == 0 and abs(s[-1]) < 1e-15 and t[np.argmax(s)] == 0.5
    d = registry.get("shot-noise")
    one = d.result.subs(sp.Symbol("N", positive=True, integer=True), 1).doit()
    f = evaluator(one.xreplace({i: sp.Symbol("T", positive=True) for i in one.atoms(sp.Indexed)}))
    assert np.allclose(s, f(T=t, V=1.0, e=1.0, h=1.0) / 2, atol=1e-15)
    # points: mpmath energy integral at k_B Theta = 1e-9 e|V| lies on the closed forms
    (_, tp, sp_), (_, tp2, fp) = a["points"]
    assert np.allclose(sp_, tp * (1 - tp), rtol=1e-6) and np.allclose(fp, 1 - tp2, rtol=1e-6)
    # (b) crossover in units of 4 k_B Theta G: T + (1-T)(x/2) coth(x/2), x = eV/k_B Theta
    for (label, x, y), (_, xp, yp) in zip(b["lines"], b["points"]):
        T = float(label.strip("$").split("=")[1])
        assert np.allclose(y, T + (1 - T) * x / 2 / np.tanh(x / 2), rtol=1e-12)
        assert np.allclose(yp, [noise_value([T], v, 1.0) / (4 * T) for v in xp], rtol=1e-8)
        assert np.isclose(yp[xp == 0][0], 1.0, rtol=1e-8)  # Johnson-Nyquist at V = 0
    # the guides are the derivation's limits: shot noise (1-T)|x|/2 and the thermal 1
    (_, xg, yg) = b["guides"][0]
    assert np.allclose(yg, (1 - 0.2) * np.abs(xg) / 2) and np.allclose(b["guides"][-1][2], 1)


def test_counting_statistics_figure(noise_data):
    d = registry.get("counting-statistics")
    data = noise_data("counting-statistics")
    assert len(data["panels"]) == 6
    for k, (p, kappa, textbook) in enumerate(zip(data["panels"], d.facts.cumulants,
                                                 d.facts.textbook_cumulants), start=1):
        (_, t, y), (_, tp, yp), err = p["lines"][0], p["points"][0], p["errors"][0]
        assert np.allclose(y, evaluator(textbook)(T=t), atol=1e-13)
        if k == 6:
            assert np.allclose(y, evaluator(d.result)(T=t), atol=1e-13)
        # Monte-Carlo sample cumulants within 5 standard errors (fixed seed: deterministic)
        z = (yp - evaluator(kappa)(T=tp)) / err
        assert np.max(np.abs(z)) < 5, (k, z)
    assert np.array_equal(noise_data("counting-statistics")["panels"][5]["points"][0][2], yp)


def test_resonant_tunneling_figure(noise_data):
    data = noise_data("resonant-tunneling-fcs")
    (_, x, F), (_, x3, F3) = data["lines"]
    assert np.allclose(F, x**2 + (1 - x) ** 2, atol=1e-14)  # Gamma_L + Gamma_R = 1
    a = 2 * x3 - 1
    assert np.allclose(F3, (1 + 3 * a**4) / 4, atol=1e-14)
    assert np.isclose(F.min(), 0.5) and np.isclose(F3.min(), 0.25)
    for (_, xl, yl), (_, xp, yp), err in zip(data["lines"], data["points"], data["errors"]):
        z = (yp - np.interp(xp, xl, yl)) / err
        assert np.max(np.abs(z)) < 5, z
        assert np.all(err < 0.05)


def test_spin_flip_figure(noise_data):
    d = registry.get("spin-flip-noise")
    data = noise_data("spin-flip-noise")
    a, b = data["panels"]
    diff = evaluator(d.facts.textbook_difference)  # F - F_sc

    def closed(z0, z1, th):  # delta barriers Z0 +- Z1 at k = 1 in the impurity's spin basis
        tp, tm = 1 / (1 + (z0 + z1) ** 2), 1 / (1 + (z0 - z1) ** 2)
        F = (tp * (1 - tp) + tm * (1 - tm)) / (tp + tm) + 0 * th
        return F, F - diff(Tp=tp, Tm=tm, theta=th)

    for p, args in ((a, lambda x: (0.3, 1.0, x)), (b, lambda x: (0.3, x, np.pi / 2))):
        for (_, xl, yl), (_, xp, yp), ref_l, ref_p in zip(p["lines"], p["points"],
                                                         closed(*args(p["lines"][0][1])),
                                                         closed(*args(p["points"][0][1]))):
            assert np.allclose(yl, ref_l, atol=1e-13)
            # numpy delta-impurity points (eigenvalues / diagonal of t^dagger t) on the closed forms
            assert np.allclose(yp, ref_p, atol=1e-12)
        assert np.all(p["lines"][1][2] >= p["lines"][0][2] - 1e-15)  # F_sc >= F
    assert np.ptp(a["lines"][0][2]) < 1e-14  # F does not depend on the spin-flip angle
    assert np.ptp(a["lines"][1][2]) > 0.04  # F_sc does


def test_voltage_probe_figure(tmp_path, capsys):
    """Lines are the derivation's G(theta); points (numeric network + floating probes) lie on them."""
    pytest.importorskip("matplotlib")
    from lbsym.plots import figure_data

    out = tmp_path / "vp.png"
    assert main(["plot", "voltage-probe", "-o", str(out)]) == 0
    assert out.stat().st_size > 20_000 and out.read_bytes()[:4] == b"\x89PNG"
    data = figure_data("voltage-probe")
    T1 = 0.2
    for panel, key in zip(data["panels"], ("buttiker_probe", "pure_dephasing")):
        m = getattr(registry.get("voltage-probe").facts, key)
        for (label, x, y), (_, xp, yp), e_val in zip(panel["lines"], panel["points"], (0.0, 0.1, 0.4, 1.0)):
            rho = (1 - e_val) * (1 - T1)
            from lbsym.derivations import voltage_probe as vp

            avg = float(m["average"].subs({vp.eps: e_val, vp.T1: T1, vp.T2: T1}))
            textbook = avg * (1 - rho**2) / (1 + rho**2 - 2 * rho * np.cos(x))  # Poisson kernel form
            assert np.allclose(y, textbook, atol=1e-12), (key, e_val)
            assert np.allclose(yp, avg * (1 - rho**2) / (1 + rho**2 - 2 * rho * np.cos(xp)), atol=1e-10)
    # pure dephasing keeps the average; Büttiker's probe lowers it to T1 T2/(T1 + T2) at full coupling
    pd_guides = [g[2][0] for g in data["panels"][1]["guides"]]
    assert np.allclose(pd_guides, T1 * T1 / (2 * T1 - T1 * T1), atol=1e-14)
    assert abs(data["panels"][0]["guides"][-1][2][0] - T1 / 2) < 1e-14


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX installation")
def test_derive_latex_output_compiles_for_every_derivation(tmp_path):
    """`lbsym derive NAME --format latex` of every derivation, in one amsmath document."""
    from lbsym.cli import _latex_document

    blocks = [_latex_document(registry.get(n)) for n in registry.names()]
    doc = ("\\documentclass{article}\n\\usepackage{amsmath,graphicx}\n\\usepackage[T1]{fontenc}\n"
           "\\usepackage[utf8]{inputenc}\n\\allowdisplaybreaks\n\\begin{document}\n"
           + "\n\n".join(blocks) + "\n\\end{document}\n")
    (tmp_path / "derive.tex").write_text(doc, encoding="utf-8")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "derive.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-2000:]


def _pairs(data):
    for panel in data.get("panels", [data]):
        for (_, x, y), (_, xp, yp) in zip(panel["lines"], panel["points"]):
            yield np.interp(xp, x, y), np.asarray(yp), np.asarray(xp)


@pytest.mark.parametrize("name", ["h-bar-nonlocal", "wheatstone-bridge"])
def test_multiterminal_figures_closed_form_with_lattice_transmissions(name):
    """Lines: the derived R fed with the lattice T_ij; points: the lattice conductance matrix
    solved numerically.  The same linear algebra two ways: agreement to rounding."""
    from lbsym.plots import figure_data

    for line, pts, _ in _pairs(figure_data(name)):
        assert len(pts) >= 25 and np.max(np.abs(line - pts)) < 1e-12


def test_quantum_hall_and_spin_hall_figures():
    from lbsym.plots import figure_data

    data = figure_data("quantum-hall-edges")
    (_, x, rxy), _ = data["lines"]
    (_, xp, yp), (_, _, yxx) = data["points"]
    nu = np.round(1 / rxy).astype(int)
    assert set(nu) == {1, 2, 3}
    steps = x[1:][np.diff(nu) != 0]
    far = np.array([np.min(np.abs(E - steps)) >= 0.1 for E in xp])
    one = far & (nu == 1)
    # nu = 1: edge channels decoupled to the lattice check's 1e-6 (here 1e-5 over the plateau)
    assert one.sum() >= 10 and np.max(np.abs(yp - rxy)[one]) < 1e-5 and np.max(np.abs(yxx[one])) < 1e-5
    # nu = 2 in a bar 12 sites wide (magnetic length 1.3 sites): the second Landau level's edge
    # states are wider, so opposite edges couple weakly: plateau within 1e-3
    two = far & (nu == 2)
    assert two.sum() >= 10 and np.max(np.abs(yp - rxy)[two]) < 1e-3
    data = figure_data("quantum-spin-hall")
    for line, pts, xp in _pairs(data):
        inner = (xp > xp.min() + 0.15) & (xp < xp.max() - 0.15)
        assert inner.sum() >= 10 and np.max(np.abs(line - pts)[inner]) < 1e-6


def test_brouwer_pump_figure():
    from lbsym.plots import figure_data

    data = figure_data("brouwer-pump")
    (line_a, pts_a, _), (line_b, pts_b, _) = _pairs(data)
    # (a) the bilinear law is the A^2 order: relative corrections O(A^2) = 2.5e-3
    assert np.max(np.abs(line_a - pts_a)) < 1e-2 * np.max(np.abs(line_a))
    assert np.max(np.abs(line_a)) > 1e-4
    # (b) the lattice loop integral (512 nodes) and the closed-form area integral
    assert np.max(np.abs(line_b - pts_b)) < 1e-5
    assert 0.9 < pts_b[-1] < 1.0  # approaching one electron per cycle from below


def test_plot_leaves_the_users_matplotlib_backend_alone(tmp_path, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    from lbsym.plots import plot

    called = []
    monkeypatch.setattr(matplotlib, "use", lambda *a, **k: called.append(a))
    before = matplotlib.get_backend()
    path = plot("fabry-perot", tmp_path / "f.png")
    assert path.stat().st_size > 5000 and not called and matplotlib.get_backend() == before

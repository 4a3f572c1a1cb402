"""Homework checker: correct forms accepted, mistakes diagnosed, hostile input refused."""

import os

import pytest

from lbsym.check import check
from lbsym.cli import main
from lbsym.errors import ParseError

RING = ("4 epsilon^2 cos(pi Phi/Phi0)^2 sin(theta)^2/(((1-epsilon) cos(2 theta) "
        "- ((sqrt(1-2 epsilon)-1)/2)^2 - ((sqrt(1-2 epsilon)+1)/2)^2 cos(2 pi Phi/Phi0))^2 "
        "+ epsilon^2 sin(2 theta)^2)")

CORRECT = {
    "fabry-perot": [
        "T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos(theta))",
        "T1*T2/(1 + (1-T1)*(1-T2) - 2*sqrt((1-T1)*(1-T2))*cos(theta))",  # R written as 1 - T
        "T1*T2/(1 + R1*R2 - sqrt(R1*R2)*(exp(I*theta)+exp(-I*theta)))",  # cos through exponentials
        "T1 T2/(1 + R1 R2 - 4 sqrt(R1 R2) cos(theta/2)^2 + 2 sqrt(R1 R2))",  # half-angle, multiplied out
    ],
    "fabry-perot-average": ["T1 T2/(T1+T2-T1 T2)", "1/(1/T1 + 1/T2 - 1)",
                            "T1*T2/(1 - R1*R2)"],
    "periodic-chain": ["1/(1 + (1/T1 - 1) U(N-1, xi)^2)", "T1/(T1 + (1-T1) U(N-1,xi)^2)",
                       "1/(1 + U(N-1,xi)^2/T1 - U(N-1,xi)^2)"],
    "counting-statistics": ["T(1-T)(1 - 30 T(1-T) + 120 T^2 (1-T)^2)",
                            "T - 31 T^2 + 180 T^3 - 390 T^4 + 360 T^5 - 120 T^6",
                            "T(1-T)(1 - 30 T + 150 T^2 - 240 T^3 + 120 T^4)"],
    "resonant-tunneling-fcs": ["(Gamma_L^2 + Gamma_R^2)/(Gamma_L + Gamma_R)^2",
                               "1 - 2 Gamma_L Gamma_R/(Gamma_L + Gamma_R)^2",
                               "(Gamma_L^2 + Gamma_R^2)/(Gamma_L^2 + 2 Gamma_L Gamma_R + Gamma_R^2)"],
    "spin-flip-noise": ["(Tp(1-Tp) + Tm(1-Tm))/(Tp+Tm)", "1 - (Tp^2 + Tm^2)/(Tp + Tm)",
                        "(Tp Rp + Tm Rm)/(Tp + Tm)"],
    "voltage-probe": ["T21 + T23 T31/(T31+T32)", "(T21 T31 + T21 T32 + T23 T31)/(T31 + T32)",
                      "T21 + T23/(1 + T32/T31)"],
    "quantum-hall-edges": ["h/(nu e^2)", "(h/e^2)/nu", "1/(nu e^2/h)"],
    "quantum-spin-hall": ["h/(4 e^2)", "(h/e^2)/4", "0.25 h/e^2"],
    "aharonov-bohm-ring": [
        RING,
        RING.replace("cos(pi Phi/Phi0)^2", "((1 + cos(2 pi Phi/Phi0))/2)"),
        RING.replace("sin(theta)^2", "(1 - cos(2 theta))/2"),
    ],
}


@pytest.mark.parametrize("name, text", [(n, t) for n, ts in CORRECT.items() for t in ts])
def test_correct_forms_are_accepted(name, text):
    res = check(name, text)
    assert res.equal, res.text()
    assert res.method.startswith(("symbolic", "numeric"))


def test_latex_input():
    res = check("fabry-perot", r"\frac{T_1 T_2}{1 + R_1 R_2 - 2\sqrt{R_1 R_2}\cos\theta}", latex=True)
    assert res.equal and res.method.startswith("symbolic")


FP = "T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos(theta))"


@pytest.mark.parametrize("text, diagnosis", [
    ("2 " + FP, "constant factor: answer = 2 x result (a spin degeneracy factor 2?)"),
    ("2 pi " + FP, "constant factor: answer = 2*pi x result"),
    ("-" + FP, "sign error"),
    ("(1 + R1 R2 - 2 sqrt(R1 R2) cos(theta))/(T1 T2)", "inverted"),
    ("T1^2/(1 + R1^2 - 2 R1 cos(theta))", "right only when T1 = T2"),
    ("T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2))", "right only at theta = 0"),
])
def test_mistakes_are_diagnosed(text, diagnosis):
    res = check("fabry-perot", text)
    assert not res.equal
    assert diagnosis in (res.diagnosis or ""), res.text()
    ce = res.counterexample
    assert ce and abs(ce["expected"] - ce["got"]) > 1e-6


def test_swapped_symbols_are_diagnosed():
    res = check("periodic-chain", "1/(1 + (1/xi - 1) U(N-1, T1)^2)")
    assert not res.equal and "swapped symbols: T1 and xi" in res.diagnosis


def test_cli_exit_codes(capsys):
    assert main(["check", "fabry-perot", FP]) == 0
    assert main(["check", "fabry-perot", "2 " + FP]) == 1
    assert main(["check", "fabry-perot", "x + 1"]) == 2
    err = capsys.readouterr().err
    assert "unknown name 'x'" in err and "Traceback" not in err


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch {sentinel}')",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "T1.__class__",
    "x" * 100_000,
    "(" * 10_000 + "T1" + ")" * 10_000,
    "\u0422" + "1",  # Cyrillic Te look-alike
])
def test_hostile_inputs_refused_with_exit_2(capsys, tmp_path, text):
    sentinel = tmp_path / "sentinel"
    code = main(["check", "fabry-perot", text.replace("{sentinel}", str(sentinel))])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("lbsym: error:") and "Traceback" not in err
    assert not os.path.exists(sentinel)


def test_sum_over_channels_is_checked_per_channel():
    r = check("landauer", "g_s e^2 T/h")
    assert r.equal and r.method.startswith("one channel")
    r = check("landauer", "2 e^2 T/h")
    assert not r.equal and "g_s = 2" in r.diagnosis
    assert check("shot-noise", "2 e^3 abs(V) T(1-T)/h").equal
    assert check("shot-noise", "2 e^3 Abs(V) (T - T^2)/h").equal
    assert not check("shot-noise", "2 e^3 abs(V) T/h").equal  # the Poisson value: wrong
    with pytest.raises(ParseError, match="unknown name .T1."):  # one channel: T, not T1
        check("landauer", "g_s e^2 T1/h")


def test_points_respect_sum_rule_ranges():
    from lbsym.derivation import get

    d = get("h-bar-nonlocal")
    import random
    rng = random.Random(5)
    for _ in range(20):
        p = d.random_point(rng)
        assert all(0 <= p[k] <= 1 for k in d.relations)


@pytest.mark.parametrize("name", sorted(set(__import__("lbsym.derivation", fromlist=["names"]).names())))
def test_every_derivation_accepts_its_printed_and_textbook_forms(name):
    """Catalogue-wide: the printed result, the textbook form and a rescaled form are accepted."""
    import sympy as sp

    from lbsym.derivation import get

    from lbsym.latex import latex

    d = get(name)
    for expr in (d.result, d.textbook, sp.expand(2 * d.textbook) / 2):
        res = check(name, sp.sstr(expr))
        assert res.equal, (name, res.text())
    # the printed LaTeX parses back too (sums over channels, |V|, U_{N-1}(xi))
    res = check(name, latex(d.result), latex=True)
    assert res.equal, (name, res.text())
    wrong = check(name, sp.sstr(2 * d.result))
    assert not wrong.equal and "constant factor" in (wrong.diagnosis or ""), wrong.text()

"""The lbsym command: output formats, evaluation, one-line errors."""

import json
import subprocess
import sys

import pytest
import sympy as sp

from lbsym.cli import main, parse_number
from lbsym.errors import ParameterError


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0 and "fabry-perot" in out and "aharonov-bohm-ring" in out
    code, out, _ = run(capsys, "list", "--json")
    assert {"name": "landauer", "title": "Landauer formula and the conductance quantum",
            "figure": True} in json.loads(out)


@pytest.mark.parametrize("fmt", ["text", "latex", "json"])
def test_derive_formats(capsys, fmt):
    code, out, err = run(capsys, "derive", "fabry-perot", "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "json":
        data = json.loads(out)
        assert data["result"]["lhs"] == "T"
        assert set(data["symbols"]["T1"]) == {"meaning", "assumptions"}
        assert all({"text", "latex"} == set(s) for s in data["steps"])
    elif fmt == "latex":
        assert r"\[ T = " in out and r"\cos{\left(\theta \right)}" in out and "\\text{" not in out
    else:
        assert "Result: T = T1*T2/" in out


def test_derive_json_with_check(capsys):
    code, out, _ = run(capsys, "derive", "fabry-perot", "--format", "json", "--lattice-check")
    data = json.loads(out)
    assert code == 0 and data["lattice_check"]["error"] < 1e-10
    assert data["lattice_check"]["points"] > 0


def test_eval_resonance_and_landauer(capsys):
    code, out, _ = run(capsys, "eval", "fabry-perot", "T1=0.5", "T2=0.5", "theta=0")
    assert code == 0 and out.strip() == "T = 1.00000000000000"
    code, out, _ = run(capsys, "eval", "landauer", "g_s=2", "T=1,1", "--digits", "10")
    assert code == 0 and out.strip() == "G = 0.0001549618346 S"
    code, out, _ = run(capsys, "eval", "fabry-perot", "T1=1/3", "T2=1/3", "theta=0", "--digits", "50")
    assert code == 0 and out.strip() == "T = " + "1." + "0" * 49


@pytest.mark.parametrize("argv, message", [
    (["derive", "nope"], "unknown derivation 'nope'"),
    (["eval", "fabry-perot", "x=1"], "unknown symbol(s) x"),
    (["eval", "fabry-perot", "T1=0.5"], "missing value(s)"),
    (["eval", "fabry-perot", "T1=abc", "T2=0.5", "theta=0"], "cannot read 'abc' as a number"),
    (["eval", "fabry-perot", "T1=2", "T2=0.5", "theta=0"], "outside its admissible range"),
    (["eval", "fabry-perot", "T1"], "expected SYMBOL=VALUE"),
    (["eval", "fabry-perot", "__import__('os')=1"], "is not a symbol name"),
    (["eval", "fabry-perot", "T1=1/0", "T2=1", "theta=0"], "division by zero"),
    (["eval", "fabry-perot", "T1=0.5", "--digits", "0"], "--digits"),
    (["derive", "fabry-perot", "--format", "pdf"], "invalid choice"),
    ([], "required"),
])
def test_errors_are_one_line_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("lbsym: error:")
    assert message in err
    assert "Traceback" not in err


def test_parse_number_is_exact():
    assert parse_number("0.1") == sp.Rational(1, 10)
    assert parse_number("-3/4") == sp.Rational(-3, 4)
    with pytest.raises(ParameterError):
        parse_number("1" * 300)


def test_installed_command_runs_from_any_directory(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "lbsym.cli", "derive", "nope"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "lbsym.cli", "list"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "periodic-chain" in proc.stdout


BAD_INPUTS = [
    (["eval", "fabry-perot", "T1=0.5", "T2=0.5", "theta=0", "R1=0.9", "R2=0.9"], "contradicts"),
    (["eval", "periodic-chain", "N=2.5", "T1=0.5", "xi=0.3"], "integer"),
    (["eval", "aharonov-bohm-ring", "Phi0=0", "Phi=1", "epsilon=0.3", "theta=1"], "positive"),
    (["eval", "brouwer-pump", "A1=0.1", "A2=0.1", "T=0.01", "epsilon1=1", "epsilon2=1", "k=1",
      "d=3", "phi1=0", "phi2=1"], "contradicts"),
    (["eval", "fabry-perot", "T1=" + "9" * 300], "too long"),
    (["plot", "fabry-perot", "-o", "/tmp"], "folder"),
    (["plot", "fabry-perot", "-o", "x"], "must end in"),
    (["plot", "fabry-perot", "-o", ""], "empty"),
    (["plot", "fabry-perot", "-o", "/nonexistent-folder/x.png"], "does not exist"),
    (["plot", "fabry-perot", "-o", "x.jpg2"], "must end in"),
    (["plot", "no-such-derivation", "-o", "x.png"], "unknown derivation"),
    (["book", "-o", "/proc/b.tex"], "cannot write"),
    (["check", "fabry-perot", "x" * 10_000], "too long"),
    (["check", "fabry-perot", "T1 + " + "y" * 1900], "unknown name"),
    (["check", "fabry-perot", "T1 +"], "end of the input"),
    (["check", "fabry-perot", r"\int x", "--latex"], "unknown LaTeX command"),
    (["check", "fabry-perot.nothing", "T1"], "no part"),
    (["derive", "fabry-perotx"], "unknown derivation"),
]


@pytest.mark.parametrize("argv, fragment", BAD_INPUTS)
def test_bad_input_is_one_short_line_and_exit_2(capsys, argv, fragment):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (argv, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) < 200, err
    assert fragment in lines[0] and "Traceback" not in err


def test_eval_computes_values_fixed_by_relations(capsys):
    code, out, _ = run(capsys, "eval", "fabry-perot", "R1=0.5", "R2=0.5", "theta=0")
    assert code == 0 and out.strip() == "T = 1.00000000000000"
    code, out, _ = run(capsys, "eval", "quantum-hall-edges", "nu=2", "--digits", "8")
    assert code == 0 and out.strip() == "R_xy = 12906.404 ohm"
    code, out, _ = run(capsys, "eval", "counting-statistics.kappa_3", "T=1/4")
    assert code == 0 and out.strip() == "kappa_3 = 0.0937500000000000"  # (1/4)(3/4)(1/2)


def test_a_hanging_answer_is_answered(capsys):
    assert main(["check", "fabry-perot", "(T1+T2+R1+R2+theta)^900"]) == 1
    assert "not equal" in capsys.readouterr().out


def test_derive_prints_2d_by_default_and_one_line_with_format_text(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    code, out, _ = run(capsys, "derive", "h-bar-nonlocal")
    assert code == 0 and "Eq(" not in out and "Matrix([" not in out
    assert "─" in out and "\n   with\n   D = T" in out  # the large sum named D, defined below
    assert max(len(line) for line in out.splitlines()) <= 90
    for name in ("quantum-spin-hall", "aharonov-bohm-ring", "brouwer-pump"):
        code, out, _ = run(capsys, "derive", name)
        assert code == 0 and max(len(line) for line in out.splitlines()) <= 90, name
    code, out, _ = run(capsys, "derive", "fabry-perot", "--format", "text")
    assert code == 0 and "Eq(" not in out and "Matrix([" not in out
    assert "Result: T = T1*T2/" in out and "θ" not in out
    assert "resonance: T_res" in out  # the parts a student can check

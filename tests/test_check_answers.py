"""The homework checker on a set of student answers: every verdict right.

Each case is (derivation[.part], answer, latex?, verdict, diagnosis fragment).
The verdicts were decided by hand (the algebra is in the comments where it is
not obvious), not by running the checker.  A wrong answer must never be
"equal"; an answer in symbols the result does not contain is "undecided".
"""

from __future__ import annotations

import random

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lbsym import derivation as registry
from lbsym.check import check
from lbsym.cli import main

EQ, NE, UN = "equal", "not equal", "undecided"
FP = "T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos(theta))"
RING = ("4 epsilon^2 cos(pi Phi/Phi0)^2 sin(theta)^2/(((1-epsilon) cos(2 theta) "
        "- ((sqrt(1-2 epsilon)-1)/2)^2 - ((sqrt(1-2 epsilon)+1)/2)^2 cos(2 pi Phi/Phi0))^2 "
        "+ epsilon^2 sin(2 theta)^2)")

ANSWERS = [
    # fabry-perot
    ("fabry-perot", FP, False, EQ, None),
    # Airy form: (1 - r)^2 + 4 r sin^2(theta/2) = 1 + r^2 - 2 r cos(theta), r = sqrt(R1 R2)
    ("fabry-perot", "T1 T2/((1 - sqrt(R1 R2))^2 + 4 sqrt(R1 R2) sin(theta/2)^2)", False, EQ, None),
    ("fabry-perot", "T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos theta)", False, EQ, None),
    ("fabry-perot", r"\frac{T_1T_2}{1+R_1R_2-2\sqrt{R_1R_2}\cos\theta}", True, EQ, None),
    ("fabry-perot", "T1 T2/(1 + R1 R2 + 2 sqrt(R1 R2) cos(theta))", False, NE, "sign of the term"),
    ("fabry-perot", "T1 T2/(1 + R1 R2 - 2 R1 R2 cos(theta))", False, NE, None),
    ("fabry-perot", "T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2))", False, NE, "right only at theta = 0"),
    ("fabry-perot", "T1 T2/(1 - sqrt(R1 R2))^2", False, NE, "right only at theta = 0"),
    ("fabry-perot", "k L + 3", False, UN, "k"),
    ("fabry-perot", "T1 T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos(2 k L))", False, UN, "theta"),
    ("fabry-perot", "T1 T2/(1 + R1 R2 + 2 sqrt(R1 R2) cos(2 k L))", False, UN, "theta"),
    ("fabry-perot", "T1 T2/(T1 + T2 - T1 T2)", False, NE, None),
    ("fabry-perot", "2 " + FP, False, NE, "constant factor: answer = 2 x result"),
    ("fabry-perot", "T1^2/(1 + R1^2 - 2 R1 cos(theta))", False, NE, "right only when T1 = T2"),
    ("fabry-perot.resonance", "T1 T2/(1 - sqrt(R1 R2))^2", False, EQ, None),
    ("fabry-perot.resonance", "4 T1 T2/(T1 + T2)^2", False, NE, None),  # the small-T limit only
    # fabry-perot-average
    ("fabry-perot-average", "1/(1/T1 + 1/T2 - 1)", False, EQ, None),
    ("fabry-perot-average", "T1 T2/(1 - R1 R2)", False, EQ, None),
    ("fabry-perot-average", "T1 T2/(T1 + T2)", False, NE, "the term -T1*T2 is missing"),
    ("fabry-perot-average", "(T1 + T2 - T1 T2)/(T1 T2)", False, NE, "inverted"),
    ("fabry-perot-average", "T1 T2", False, NE, None),
    # aharonov-bohm-ring
    ("aharonov-bohm-ring", RING, False, EQ, None),
    ("aharonov-bohm-ring", RING.replace("cos(pi Phi/Phi0)^2", "cos(2 pi Phi/Phi0)^2"), False, NE, None),
    ("aharonov-bohm-ring", "4 epsilon^2 sin(theta)^2", False, NE, None),
    # periodic-chain
    ("periodic-chain", "T1/(T1 + R1 U(N-1, xi)^2)", False, EQ, None),
    ("periodic-chain", "1/(1 + R1/T1 U(N-1,xi)^2)", False, EQ, None),
    ("periodic-chain", r"\frac{1}{1 + \frac{R_1}{T_1} U_{N-1}(\xi)^2}", True, EQ, None),
    ("periodic-chain", "1/(1 + (1/T1 - 1) U(N, xi)^2)", False, NE, None),
    ("periodic-chain", "T1^N", False, NE, None),
    # landauer (one channel)
    ("landauer", "g_s e^2 T/h", False, EQ, None),
    ("landauer", "g_s e^2/h T", False, EQ, None),
    ("landauer", "Sum(g_s e^2 T[n]/h, (n, 1, N))", False, EQ, None),
    ("landauer", r"\frac{g_s e^2}{h}\sum_{n=1}^{N} T_n", True, EQ, None),
    ("landauer", "g_s e^2 T/(2 pi hbar)", False, EQ, None),
    ("landauer", r"\frac{g_s e^2 T}{2\pi\hbar}", True, EQ, None),
    ("landauer", "2 e^2 T/h", False, NE, "g_s = 2"),
    ("landauer", "e^2 T/h", False, NE, "g_s = 1"),
    ("landauer", "g_s e^2 T/hbar", False, NE, "2*pi"),
    ("landauer", "g_s h T/e^2", False, NE, "e^2/h and h/e^2 exchanged"),
    # shot-noise
    ("shot-noise", "2 e^3 |V| T (1-T)/h", False, EQ, None),
    ("shot-noise", r"\frac{2e^3|V|}{h}\sum_{n=1}^N T_n(1-T_n)", True, EQ, None),
    ("shot-noise", r"\frac{2 e^3 \left|V\right|}{h} T(1-T)", True, EQ, None),
    ("shot-noise", "e^3 |V| T(1-T)/(pi hbar)", False, EQ, None),  # pi hbar = h/2
    ("shot-noise", "2e^3 V/h T(1-T)", False, NE, "|V|"),
    ("shot-noise", "2 e^3 |V| T/h", False, NE, "T -> 0"),
    ("shot-noise", "2 e^2 |V| T(1-T)/h", False, NE, "constant factor: answer = 1/e x result"),
    ("shot-noise.fano", "1 - T", False, EQ, None),
    ("shot-noise.fano", "T", False, NE, None),
    # counting-statistics
    ("counting-statistics", "T - 31 T^2 + 180 T^3 - 390 T^4 + 360 T^5 - 120 T^6", False, EQ, None),
    ("counting-statistics", "M T(1-T)(1-2T)", False, UN, "M"),
    ("counting-statistics.kappa_3", "T(1-T)(1-2T)", False, EQ, None),
    ("counting-statistics.kappa_3", "T - 3T^2 + 2T^3", False, EQ, None),
    ("counting-statistics.kappa_3", "T(1-T)(1+2T)", False, NE, "sign of the term"),
    ("counting-statistics.kappa_2", "T(1-T)", False, EQ, None),
    ("counting-statistics.kappa_2", "T^2", False, NE, None),
    # resonant-tunneling-fcs
    ("resonant-tunneling-fcs", "1 - 2 Gamma_L Gamma_R/(Gamma_L + Gamma_R)^2", False, EQ, None),
    ("resonant-tunneling-fcs", r"\frac{\Gamma_L^2+\Gamma_R^2}{(\Gamma_L+\Gamma_R)^2}", True, EQ, None),
    ("resonant-tunneling-fcs", "(Gamma_L^2 + Gamma_R^2)/(Gamma_L + Gamma_R)", False, NE, "power"),
    ("resonant-tunneling-fcs", "1/2", False, NE, None),  # only at Gamma_L = Gamma_R
    ("resonant-tunneling-fcs.kappa_1", "Gamma_L Gamma_R t/(Gamma_L + Gamma_R)", False, EQ, None),
    # quantum Hall
    ("quantum-hall-edges", "h/(nu e^2)", False, EQ, None),
    ("quantum-hall-edges", "2 pi hbar/(nu e^2)", False, EQ, None),
    ("quantum-hall-edges", "e^2/(nu h)", False, NE, "e^2/h and h/e^2 exchanged"),
    ("quantum-hall-edges", "nu_g h/e^2", False, UN, "nu_g"),
    ("quantum-hall-edges.R_xx", "0", False, EQ, None),
    ("quantum-spin-hall", "h/(4 e^2)", False, EQ, None),
    ("quantum-spin-hall", "h/(2 e^2)", False, NE, "constant factor: answer = 2 x result"),
    ("quantum-spin-hall.R_2t", "3 h/(4 e^2)", False, EQ, None),
    # spin-flip-noise
    ("spin-flip-noise", "(Tp(1-Tp) + Tm(1-Tm))/(Tp+Tm)", False, EQ, None),
    ("spin-flip-noise", "(Tp Rp + Tm Rm)/(Tp + Tm)", False, EQ, None),
    ("spin-flip-noise", "1 - (Tp + Tm)/2", False, NE, None),
    # voltage-probe
    ("voltage-probe", "T21 + T23 T31/(T31+T32)", False, EQ, None),
    ("voltage-probe", "T21 + T23 T31/(T31+T23)", False, NE, None),
    ("voltage-probe", "T21", False, NE, "right only at T23 = 0"),
    # multi-terminal parts
    ("h-bar-nonlocal.numerator", "T20 T31 - T21 T30", False, EQ, None),
    ("h-bar-nonlocal.numerator", "T21 T30 - T20 T31", False, NE, "sign error"),
    ("wheatstone-bridge.numerator", "T10 T32 - T12 T30", False, EQ, None),
    # brouwer-pump
    ("brouwer-pump.clean_wire", "A1 A2 sin(2 k d) sin(phi1 - phi2)/(4 sin(k)^2)", False, EQ, None),
    ("brouwer-pump.clean_wire", "A1 A2 sin(2 k d) sin(phi2 - phi1)/(4 sin(k)^2)", False, NE, "sign error"),
    # spin-valve
    ("spin-valve", "2 P1 P2/(1 - P1 P2)", False, EQ, None),
    ("spin-valve", r"\frac{2 P_1 P_2}{1 - P_1 P_2}", True, EQ, None),
    ("spin-valve", "2 P1 P2/(1 + P1 P2)", False, NE, None),
    ("spin-valve.tunnelling", "T1 T2 (1 + P1 P2 cos(theta))/(8 cos(phi)^2)", False, EQ, None),
    # andreev-interface
    ("andreev-interface", "2 (1 + Z^2) Delta^2/(E^2 + (Delta^2 - E^2)(1 + 2 Z^2)^2)", False, EQ, None),
    ("andreev-interface.zero_bias", "2(1 + Z^2)/(1 + 2 Z^2)^2", False, EQ, None),
    ("andreev-interface.zero_bias", "(1 + Z^2)/(1 + 2 Z^2)^2", False, NE, "factor"),
    ("andreev-interface.beenakker", "4 e^2/h T1^2/(2 - T1)^2", False, EQ, None),
    # qpc-staircase, weak-localization
    ("qpc-staircase.T_n", "1/(1 + exp(-2 pi (E_F - V0 - omega_y (n - 1/2))/omega_x))", False, EQ, None),
    ("qpc-staircase.T_n", "1/(1 + exp(2 pi (E_F - V0 - omega_y (n - 1/2))/omega_x))", False, NE, None),
    ("qpc-staircase.zeeman_critical", "omega_x log(2 + sqrt(3))/pi", False, EQ, None),
    ("weak-localization", "-N1 N2 e^2/(h (N1+N2)(N1+N2+1))", False, EQ, None),
    ("weak-localization", "-N1 N2 e^2/(h (N1+N2)^2)", False, NE, "term 1 is missing"),
    ("weak-localization.chain", "-(e^2/h)(1/3)(1 - 1/(k+1)^2)", False, EQ, None),
    # thermo
    ("thermal-conductance-quantum", "pi^2 k_B^2 Theta/(3 h)", False, EQ, None),
    ("thermal-conductance-quantum", "pi^2 k_B Theta/(3 h)", False, NE, None),
    ("wiedemann-franz", "1 + pi^2 (k_B Theta)^2 (8 T0 T2 - 5 T1^2)/(15 T0^2)", False, EQ, None),
    ("wiedemann-franz", "1", False, NE, None),
    ("thermopower", "-pi^2 k_B^2 Theta T1/(3 e T0)", False, EQ, None),
    ("thermopower", "pi^2 k_B^2 Theta T1/(3 e T0)", False, NE, None),
]


def test_the_answer_set_is_large_and_mixed():
    verdicts = [c[3] for c in ANSWERS]
    assert len(ANSWERS) >= 60
    assert verdicts.count(EQ) >= 25 and verdicts.count(NE) >= 25 and verdicts.count(UN) >= 4
    assert len({c[0].split(".")[0] for c in ANSWERS}) == len(registry.names())


@pytest.mark.parametrize("name, text, latex, verdict, fragment", ANSWERS)
def test_student_answer_verdicts(name, text, latex, verdict, fragment):
    res = check(name, text, latex=latex)
    assert res.verdict == verdict, res.text()
    if verdict == EQ:
        assert res.method.startswith(("symbolic", "numeric", "one channel"))
        if "numeric" in res.method:
            assert res.compared >= 24
    if verdict == NE:
        ce = res.counterexample
        assert ce is not None
        assert ce["got"] is None or abs(ce["expected"] - ce["got"]) > 1e-9 * abs(ce["expected"])
    if fragment:
        text_out = res.text()
        assert fragment in text_out, text_out


def test_not_equal_names_what_it_compared_against():
    res = check("counting-statistics.kappa_3", "T(1-T)(1+2T)")
    assert "kappa_3 = " in res.text() and "part kappa_3 of counting-statistics" in res.text()


def test_unknown_part_is_a_clear_error(capsys):
    code = main(["check", "counting-statistics.kappa_9", "T"])
    err = capsys.readouterr().err
    assert code == 2 and "its parts: cgf, kappa_1" in err and len(err.strip()) < 200


def test_undecided_exits_1(capsys):
    assert main(["check", "fabry-perot", "k L + 3"]) == 1
    assert "cannot decide" in capsys.readouterr().out
    assert main(["check", "counting-statistics", "--part", "kappa_3", "T(1-T)(1-2T)"]) == 0


# ---------------------------------------------------------------- property
def _targets():
    out = []
    for n in registry.names():
        d = registry.get(n)
        out.append((n, None))
        out += [(n, p) for p in d.parts if d.parts[p].expr != 0]
    return out


TARGETS = _targets()


def _perturb(expr: sp.Expr, kind: int, pick: int) -> sp.Expr | None:
    """A perturbed result: a coefficient, a sign, an exponent or an added term."""
    if kind == 0:
        return expr * sp.Rational(8, 7)
    if kind == 1:
        syms = sorted((s for s in expr.free_symbols if isinstance(s, sp.Symbol) and not s.is_integer),
                      key=lambda s: s.name)
        return expr + sp.Rational(1, 3) * syms[pick % len(syms)] if syms else None
    nodes = [n for n in sp.preorder_traversal(expr)
             if (kind == 2 and isinstance(n, sp.Add))
             or (kind == 3 and isinstance(n, sp.Pow) and n.exp.is_Integer)]
    if not nodes:
        return None
    node = nodes[pick % len(nodes)]
    if kind == 2:
        first, *rest = node.args
        return expr.xreplace({node: sp.Add(*rest) - first})
    return expr.xreplace({node: node.base ** (node.exp + 1)})


def _differs(d, target: sp.Expr, other: sp.Expr) -> bool:
    """Independent decision (sympy evalf, 30 digits) that two functions differ somewhere."""
    import dataclasses

    from lbsym.transport import one_channel

    T = sp.Symbol("T", positive=True)
    a, b = one_channel(target, T), one_channel(other, T)
    rng = random.Random(1)
    dd = dataclasses.replace(d, ranges={**d.ranges, T: (0, 1)}) if target.has(sp.Sum) else d
    for _ in range(10):
        pt = dd.random_point(rng, extra=(a, b))
        try:
            x = complex(a.subs(pt).evalf(30))
            y = complex(b.subs(pt).evalf(30))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if abs(x - y) > 1e-6 * max(1.0, abs(x)):
            return True
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TARGETS), st.integers(0, 3), st.integers(0, 50))
def test_perturbed_results_are_never_judged_equal(target, kind, pick):
    name, part = target
    d = registry.get(name)
    expr = d.parts[part].expr if part else d.result
    wrong = _perturb(expr, kind, pick)
    assume(wrong is not None and wrong != expr)
    assume(_differs(d, expr, wrong))  # the perturbation changes the function
    res = check(name, sp.sstr(wrong), part=part)
    assert res.verdict != "equal", (name, part, sp.sstr(wrong)[:200])

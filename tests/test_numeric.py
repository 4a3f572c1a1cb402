"""Numeric evaluators and the exact constants."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from lbsym import constants
from lbsym.errors import ParameterError
from lbsym.numeric import evaluate, evaluator
from lbsym.transport import conductance
from lbsym.scatterers import barrier

a, b = sp.symbols("a b", positive=True)


def test_argument_order_and_keywords():
    f = evaluator(b - a)
    assert f.args == ("a", "b")
    assert f(1.0, 3.0) == 2.0 and f(b=3.0, a=1.0) == 2.0
    with pytest.raises(ParameterError, match="unknown symbol"):
        f(a=1.0, c=2.0)
    with pytest.raises(ParameterError, match="expected 2 values"):
        f(1.0)


def test_mpmath_backend_digits():
    f = evaluator(sp.sqrt(a), backend="mpmath", digits=50)
    v = f(2)  # computed at 50 digits whatever the caller's precision
    with mpmath.workdps(80):
        assert abs(v - mpmath.sqrt(2)) < mpmath.mpf(10) ** -48
        assert abs(v - mpmath.sqrt(2)) > mpmath.mpf(10) ** -70  # not more than asked
    with pytest.raises(ParameterError):
        evaluator(a, backend="cuda")


def test_constants_exact():
    G0 = constants.G0.subs(constants.SI)
    assert G0 == sp.Rational(2 * 1602176634**2, 10**56) / sp.Rational(662607015, 10**42)
    assert abs(float(G0) - 7.748091729863649e-05) < 1e-18
    assert abs(float(constants.R_K.subs(constants.SI)) - 25812.80745930451) < 1e-8


def test_conductance_spin_degeneracy():
    G = conductance(barrier(1), spin_degeneracy=1)
    assert G == constants.e**2 * sp.Symbol("T1", positive=True) / constants.h
    with pytest.raises(ParameterError, match="spin degeneracy"):
        conductance(barrier(1), spin_degeneracy=3)


def test_evaluate_with_si():
    v = evaluate(constants.G0, {})
    assert abs(float(v) - 7.748091729863649e-05) < 1e-18
    with pytest.raises(ParameterError, match="missing"):
        evaluate(a + b, {"a": 1})


def test_numpy_evaluator_knows_polygamma_and_zeta():
    import mpmath
    import sympy as sp

    from lbsym.numeric import evaluator

    x = sp.Symbol("x", positive=True)
    f = evaluator(sp.polygamma(1, x + sp.Rational(1, 2)) + sp.zeta(3) * x)
    for v in (0.05, 1.0, 7.5):
        assert abs(float(f(x=v)) - float(mpmath.psi(1, v + 0.5) + mpmath.zeta(3) * v)) < 1e-12

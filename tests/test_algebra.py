"""The exact amplitude algebra: conjugation, zero test, textbook printing."""

import sympy as sp
import pytest

from lbsym.algebra import PolarAlgebra, abs2, polar_form, polar_parts

T1, T2, R1, R2, th, a, b = sp.symbols("T1 T2 R1 R2 theta a b", positive=True)
I = sp.I


def test_abs2_fabry_perot_is_textbook_form():
    t = sp.sqrt(T1 * T2) / (1 - sp.sqrt(R1 * R2) * sp.exp(I * th))
    got = abs2(t)
    assert got == T1 * T2 / (1 + R1 * R2 - 2 * sp.sqrt(R1) * sp.sqrt(R2) * sp.cos(th))


def test_conjugation_of_phases_and_i():
    alg = PolarAlgebra([sp.exp(I * th), I * a])
    z = alg.to_field(sp.exp(I * th))
    assert alg.conj(z) * z == alg.one
    w = alg.to_field(I)
    assert alg.conj(w) == -w
    assert w * w == -alg.one


def test_zero_test_is_exact_after_cancellation():
    x = sp.exp(I * th)
    alg = PolarAlgebra([x, a])
    f = alg.to_field((1 - a * x) / (1 - a * x) - 1)
    assert not f


def test_roundtrip_to_expr_is_equal_numerically():
    expr = (sp.sqrt(T1) * sp.exp(I * (a + b / 2))) / (1 + sp.sqrt(R1) * sp.exp(I * b) * I)
    back = polar_form(expr)
    pt = {T1: 0.3, R1: 0.7, a: 0.4, b: 1.9}
    assert complex(back.subs(pt)) == pytest.approx(complex(expr.subs(pt)), abs=1e-14)


def test_abs2_of_sum_with_sines():
    expr = 1 + I * a * sp.exp(I * th)
    got = abs2(expr)
    assert sp.simplify(got - (1 + a**2 - 2 * a * sp.sin(th))) == 0


def test_polar_parts_negative_and_i():
    assert polar_parts(-I * sp.sqrt(R1) * sp.exp(I * a)) == (sp.sqrt(R1), a + sp.pi + sp.pi / 2)
    with pytest.raises(ValueError):
        polar_parts(1 + sp.exp(I * a))


def test_root_rules_make_unitarity_exact():
    # |r|^2 + |t|^2 - 1 vanishes only modulo R = 1 - T
    S_r = sp.sqrt(R1) * sp.exp(I * a)
    S_t = sp.sqrt(T1) * sp.exp(I * b)
    alg = PolarAlgebra([S_r, S_t], {R1: 1 - T1}, reduce_roots=True)
    r, t = alg.to_field(S_r), alg.to_field(S_t)
    assert r * alg.conj(r) + t * alg.conj(t) - 1 == alg.zero
    plain = PolarAlgebra([S_r, S_t])
    r, t = plain.to_field(S_r), plain.to_field(S_t)
    assert r * plain.conj(r) + t * plain.conj(t) - 1 != plain.zero


def test_flint_products_and_divisions_equal_the_python_ones(monkeypatch):
    """The C route (FLINT) for large polynomials gives exactly the pure-Python results."""
    import lbsym.algebra as algebra
    from lbsym import series
    from lbsym.scatterers import barrier

    if not algebra._FLINT:
        pytest.skip("python-flint not importable")
    S = series(*[barrier(i) for i in range(1, 5)])
    alg = S._ring.alg
    d = alg.denominator_poly(S._ring(0, 0))
    a, b = d**3, d**2 + 3 * d
    assert len(a) * len(b) >= algebra.FLINT_MUL_PAIRS and len(a * b) >= algebra.FLINT_DIV_TERMS
    fast = alg._pmul(a, b)
    monkeypatch.setattr(algebra, "_FLINT", False)
    slow = alg._pmul(a, b)
    assert fast == slow and fast - a * b == 0
    assert alg._exquo(slow, b) == a and alg._exquo(slow + 1, b) is None
    monkeypatch.setattr(algebra, "_FLINT", True)
    assert alg._exquo(slow, b) == a and alg._exquo(slow + 1, b) is None


def test_flint_free_algebra_eager_rules_match_the_sympy_rings():
    """FlintFreeAlgebra.reduce (top coefficient moved down by derivatives) is the
    sympy ring's _reduce_with for the same eager rules."""
    import random

    import sympy as sp

    from lbsym.algebra import FlintFreeAlgebra, PolarAlgebra

    eps = sp.Symbol("epsilon", positive=True)
    T = sp.Symbol("T", positive=True)
    R = sp.Symbol("R", positive=True)
    exprs = [sp.sqrt(eps) + sp.sqrt(1 - 2 * eps) + sp.sqrt(T) + sp.sqrt(R)]
    rel = {R: 1 - T}
    pa = PolarAlgebra(exprs, rel, free=True)
    avoid = {i for i, g in enumerate(pa._gens) if g.atom in (sp.sqrt(1 - 2 * eps), sp.sqrt(R))}
    inverted = pa.eager_candidates(avoid)  # sqrt(eps)^2 -> (1 - s^2)/2, sqrt(T)^2 -> 1 - sqrt(R)^2
    assert len(inverted) == 2 and len(pa._rules) == 2
    rng = random.Random(3)
    for rules in (pa._rules, inverted):
        fa = FlintFreeAlgebra(exprs, rel)
        pa = PolarAlgebra(exprs, rel, free=True)
        fa.set_eager(rules)
        pa.set_eager(rules)
        for _ in range(20):
            p = pa.ring.zero
            for _ in range(rng.randint(1, 8)):
                m = pa.ring(rng.randint(-5, 5))
                for g in pa.gens:
                    m *= g ** rng.randint(0, 5)
                p += m
            assert fa._py(fa.reduce(fa._fl(p))) == pa.reduce(p)

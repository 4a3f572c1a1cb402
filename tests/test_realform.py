"""Printing real quantities of the amplitude algebra (lbsym.realform)."""

import sympy as sp

from lbsym import Network, series
from lbsym.algebra import PolarAlgebra
from lbsym.realform import coefficient_expr, present
from lbsym.scatterers import barrier

T1, T2, R1, R2 = sp.symbols("T1 T2 R1 R2", positive=True)
th = sp.Symbol("theta", real=True)


def _alg():
    a = sp.sqrt(T1) * sp.sqrt(T2) + sp.sqrt(R1) * sp.sqrt(R2) * sp.exp(sp.I * th)
    return PolarAlgebra([a], {R1: 1 - T1, R2: 1 - T2}, reduce_roots=True)


def test_normal_form_keeps_one_representative():
    alg = _alg()
    x = alg.to_field(sp.sqrt(R1) ** 2 * sp.sqrt(R2) ** 2)  # R1 R2
    y = alg.to_field((1 - T1) * (1 - T2))
    assert x == y and x.n == y.n  # identical polynomials, not just equal


def test_presentation_chooses_the_shorter_of_R_and_1_minus_T():
    alg = _alg()
    p = alg.to_field(2 - T1 - T2 + T1 * T2).n  # = 1 + R1 R2
    terms = dict(p.iterterms())
    short = present(alg, terms)
    assert len(short) == 2
    assert coefficient_expr(alg, terms) == 1 + R1 * R2
    q = alg.to_field(T1 * T2).n  # one term in T, four in R: stays T1 T2
    assert coefficient_expr(alg, dict(q.iterterms())) == T1 * T2


def test_fabry_perot_prints_as_the_textbook():
    S = series(barrier(1), barrier(2), phases=[th])
    T = S.transmission("right", "left")
    a1, a2, b1 = sp.Symbol("alpha1", real=True), sp.Symbol("alpha2", real=True), sp.Symbol("beta1", real=True)
    phase = -a1 + a2 + 2 * b1 + 2 * th
    assert T == T1 * T2 / (1 + R1 * R2 + 2 * sp.sqrt(R1) * sp.sqrt(R2) * sp.cos(phase))


def test_large_denominators_are_printed_as_squared_modulus_not_expanded():
    n = 9
    net = Network()
    for i in range(1, n + 1):
        net.add(f"B{i}", barrier(i))
    for i in range(1, n):
        net.connect(f"B{i}.right", f"B{i + 1}.left", phase=sp.Symbol(f"phi{i}", real=True))
    net.external("L", "B1.left").external("R", f"B{n}.right")
    T = net.smatrix().transmission("R", "L")
    num, den = sp.fraction(T)
    assert num == sp.Mul(*[sp.Symbol(f"T{i}", positive=True) for i in range(1, n + 1)])
    # |D|^2 = A^2 + B^2 with D's 2^(n-1) = 256 terms written out, not D D* expanded
    assert den.is_Add and all(t.is_Pow and t.exp == 2 for t in sp.Add.make_args(sp.expand(den, deep=False)))


def test_factor_list_by_flint_is_sympys_factorisation():
    """realform._factor_list (FLINT) gives sympy's factor_list: the same constant and
    the same primitive factors with positive leading coefficients (any order), and
    None exactly for the irreducible polynomials."""
    import random

    from lbsym.realform import _factor_list

    syms = sp.symbols("a b c d", positive=True)
    alg = PolarAlgebra([sum(syms)])
    g = [alg.to_field(s).n for s in syms]
    rng = random.Random(5)

    def small():
        p = alg.ring.zero
        for _ in range(rng.randint(2, 3)):
            m = alg.ring(sp.Rational(rng.choice([-3, -2, -1, 1, 2, 5]), rng.choice([1, 2, 3])))
            for x in rng.sample(g, rng.randint(0, 2)):
                m *= x ** rng.randint(1, 2)
            p += m
        return p

    for _ in range(40):
        p = alg.ring.one * sp.Rational(rng.choice([-7, -1, 1, 3]), rng.choice([1, 4]))
        for _ in range(rng.randint(1, 3)):
            q = small()
            if q.is_ground:
                continue
            p *= q ** rng.randint(1, 2)
        if p.is_ground:
            continue
        c, factors = p.factor_list()
        ours = _factor_list(alg, p)
        if len(factors) == 1 and factors[0][1] == 1:
            assert ours is None
            continue
        assert ours is not None
        c2, f2 = ours
        assert c2 == c
        assert sorted(map(str, factors)) == sorted(map(str, f2))

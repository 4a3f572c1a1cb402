"""Real quantities of the amplitude algebra, printed as a textbook prints them.

A real element of the field of :mod:`lbsym.algebra` is N/D with N and D
self-conjugate Laurent polynomials (after a common phase shift).  Printing
works on the polynomials, never on large sympy expressions:

* terms are grouped by their phase monomial z^m; a pair c z^m + conj(c) z^-m
  becomes 2 Re(c) cos(m phi) - 2 Im(c) sin(m phi);
* each trigonometric coefficient is a polynomial in the real generators,
  written in the shorter *presentation* of the related variables: the
  normal form keeps sqrt(R)^2 -> 1 - T, and the alternative T -> 1 - R is
  taken for a pair when it has fewer terms (1 + R1 R2 rather than
  2 - T1 - T2 + T1 T2); then its monomial and rational content is taken out
  and, when it is small, it is factored;
* |s|^2 = |N|^2/|D|^2 is printed either expanded or with each known factor
  p of N and D as its expanded |p|^2 or as Re(p)^2 + Im(p)^2 (a paper's
  "|D|^2 with D written out"), whichever is smaller; the expanded product is
  not even formed when D is large, and a form is printed only when its
  estimated size (terms) can win.

Entry points: :func:`real_expr`, :func:`abs2_expr`, :func:`coefficient_expr`.
"""

from __future__ import annotations

from math import comb, gcd, lcm
from typing import TYPE_CHECKING

import sympy as sp
from sympy.polys.domains import QQ

try:
    import flint as _flint
except ImportError:  # pragma: no cover - python-flint is a dependency
    _flint = None

if TYPE_CHECKING:  # pragma: no cover
    from .algebra import Frac, PolarAlgebra

__all__ = ["real_expr", "abs2_expr", "coefficient_expr", "present"]

#: products p conj(p) with more term pairs than this are not formed
EXPAND_LIMIT = 40_000
#: coefficient polynomials up to this many terms (and FACTOR_GENS generators) are factored
FACTOR_TERMS = 16
FACTOR_GENS = 8
#: both candidate forms are printed and compared by count_ops below this many terms
COMPARE_TERMS = 80
#: coefficient polynomials up to this many terms are printed in every presentation
SMALL_TERMS = 6

_ZERO = QQ(0)


_NONFINITE = (sp.S.Infinity, sp.S.NegativeInfinity, sp.S.ComplexInfinity, sp.S.NaN)


def _pow(base: sp.Expr, e: int) -> sp.Expr:
    """base**e, a symbolic sum raised without sympy's evaluation (the same result).

    Pow(sum, n) evaluates to itself unless the sum is a number or has an
    infinite term (``Add._eval_power``); finding that out asks each term of a
    two-term sum whether it is infinite, a walk of the assumption system over
    the whole expression: seconds for |D|^2 = Re(D)^2 + Im(D)^2 of a large D.
    """
    if (isinstance(base, sp.Add) and int(e) not in (0, 1) and not base.is_number
            and all(s.is_finite for s in base.free_symbols) and not base.has(*_NONFINITE)):
        if len(base.args) == 2:
            # a product that holds this power rebuilds it (Mul.flatten) and asks each
            # term "infinite?": answered in a fraction of the time once "finite?" is
            # known (the fact system's search for "infinite" alone is a long one)
            for a in base.args:
                a.is_finite  # noqa: B018 - cached on the term
        return sp.Pow(base, sp.Integer(e), evaluate=False)
    return base**e


def _factor_list(alg: "PolarAlgebra", p) -> tuple | None:
    """sympy's ``p.factor_list()`` of a non-constant p, or None if p is irreducible.

    Computed by FLINT and normalised as sympy normalises (each factor a
    primitive integer polynomial with a positive leading coefficient in the
    ring's lex order, the rational constant in front), so the factors are
    exactly sympy's (in another order, which no caller depends on: every
    product is a sympy Mul).  sympy's multivariate factoriser took most of
    the printing time of large results.
    """
    if _flint is None or QQ.dtype is not _flint.fmpq:  # pragma: no cover - no FLINT
        c, factors = p.factor_list()
        return (c, factors) if len(factors) > 1 or (factors and factors[0][1] > 1) else None
    P = alg.flint_ctx().from_dict(p)
    _, fs = P.factor()
    if len(fs) == 1 and int(fs[0][1]) == 1:
        return None
    lead = _flint.fmpq(1)
    factors = []
    for f, e in fs:
        e = int(e)
        num, den = 0, 1
        for c in f.coeffs():
            num = gcd(num, int(c.p))
            den = lcm(den, int(c.q))
        f = f * _flint.fmpq(den, num)
        if f.leading_coefficient() < 0:
            f = -f
        lead *= f.leading_coefficient() ** e
        factors.append((alg.from_flint(f), e))
    c = P.leading_coefficient() / lead
    return QQ(int(c.p), int(c.q)), factors

# ----------------------------------------------------------------- helpers
def _rat(c) -> sp.Rational:
    return sp.Rational(int(c.numerator), int(c.denominator))


def _kinds(alg: "PolarAlgebra"):
    phase = [i for i, g in enumerate(alg._gens) if g.kind == "phase"]
    cplx = [i for i, g in enumerate(alg._gens) if g.kind in ("complex", "conj")]
    return phase, cplx


def _centre2(p, phase: list[int]) -> tuple:
    """Twice the phase shift that makes a real-up-to-a-monomial Laurent polynomial symmetric."""
    ms = list(p.itermonoms())
    return tuple(max(m[i] for m in ms) + min(m[i] for m in ms) for i in phase)


def _split(p, phase: list[int], s2: tuple) -> dict:
    """{key: {real monomial: (re, im)}}, key = twice the shifted phase exponents."""
    out: dict = {}
    zero = _ZERO
    for m, c in p.iterterms():
        key = tuple(2 * m[i] - s for i, s in zip(phase, s2))
        rm = list(m)
        rm[0] = 0
        for i in phase:
            rm[i] = 0
        rm = tuple(rm)
        w = m[0] % 4
        if w == 0:
            re, im = c, zero
        elif w == 1:
            re, im = zero, c
        elif w == 2:
            re, im = -c, zero
        else:
            re, im = zero, -c
        grp = out.get(key)
        if grp is None:
            out[key] = {rm: (re, im)}
        elif rm in grp:
            a, b = grp[rm]
            grp[rm] = (re + a, im + b)
        else:
            grp[rm] = (re, im)
    return out


def _divide(groups: dict, scale: tuple) -> dict:
    """Every coefficient divided by the complex number scale."""
    sr, si = scale
    out = {}
    if not si:
        inv = 1 / sr
        for key, grp in groups.items():
            g2 = {rm: (a * inv, b * inv) for rm, (a, b) in grp.items() if a or b}
            if g2:
                out[key] = g2
        return out
    n2 = sr * sr + si * si
    for key, grp in groups.items():
        g2 = {}
        for rm, (a, b) in grp.items():
            re = (a * sr + b * si) / n2
            im = (b * sr - a * si) / n2
            if re or im:
                g2[rm] = (re, im)
        if g2:
            out[key] = g2
    return out


def _neg(key: tuple) -> tuple:
    return tuple(-e for e in key)


def _canonical_sign(key: tuple) -> bool:
    for e in key:
        if e:
            return e > 0
    return True


def _angle(alg, phase, key) -> sp.Expr:
    """The angle of a doubled phase key."""
    return sp.Add(*[sp.Rational(e, 2) * alg._gens[i].atom / alg._gens[i].denom
                    for i, e in zip(phase, key) if e])


# ------------------------------------------------------------- presentation
def _switch(terms: dict, pair: tuple) -> dict:
    """Rewrite h^q -> (g^p - a)/b in a {monomial: coefficient} polynomial."""
    g, p, h, q, a, b = pair
    out: dict = {}
    binv = 1 / b
    for m, c in terms.items():
        k, r = divmod(m[h], q)
        if not k:
            out[m] = out.get(m, _ZERO) + c
            continue
        base = list(m)
        base[h] = r
        g0 = base[g]
        scale = c * binv**k
        for j in range(k + 1):
            coef = scale * comb(k, j) * (-a) ** (k - j)
            if not coef:
                continue
            base[g] = g0 + p * j
            t = tuple(base)
            out[t] = out.get(t, _ZERO) + coef
    return {m: c for m, c in out.items() if c}


def _cost(terms: dict) -> tuple:
    """(terms, minus signs once the overall sign is taken out)."""
    neg = sum(1 for c in terms.values() if c < 0)
    return (len(terms), min(neg, len(terms) - neg))


def present(alg: "PolarAlgebra", terms: dict) -> dict:
    """The most compact presentation of a real polynomial over the related pairs.

    The normal form writes every pair g^p = a + b h^q (sqrt(R)^2 = 1 - T) with
    g below its power; switching a pair rewrites h^q -> (g^p - a)/b instead.
    The subsets tried are the greedy improvements from "no pair switched"
    and from "every pair switched"; the cost is (terms, negative terms).
    ``terms`` is a normal-form {monomial: coefficient} dict.
    """
    if len(terms) < 2:
        return terms
    top = [max(col) for col in zip(*terms)]
    pairs = [pr for pr in alg.pairs() if top[pr[2]] >= pr[3]]
    if not pairs:
        return terms
    cache: dict = {frozenset(): terms}

    def make(subset: frozenset) -> dict:
        out = cache.get(subset)
        if out is None:
            x = next(iter(subset))
            out = _switch(make(subset - {x}), x)
            cache[subset] = out
        return out

    best = None
    for start in (frozenset(), frozenset(pairs)):
        cur = start
        improved = True
        while improved:
            improved = False
            for pr in pairs:
                trial = cur ^ {pr}
                if _cost(make(trial)) < _cost(make(cur)):
                    cur, improved = trial, True
        if best is None or _cost(make(cur)) < _cost(make(best)):
            best = cur
    return make(best)


# ------------------------------------------------------------- coefficients
def _poly_sympy(alg: "PolarAlgebra", terms, step: list | None = None) -> sp.Expr:
    out = []
    for m, c in terms:
        f = [_rat(c)]
        for j, e in enumerate(m):
            if e:
                f.append(alg.atom(j - 1) ** (e * (step[j] if step else 1)))
        out.append(sp.Mul(*f))
    return sp.Add(*out)


def coefficient_expr(alg: "PolarAlgebra", coeffs: dict) -> sp.Expr:
    """A real polynomial {monomial: coefficient} in the real generators, printed.

    Most compact presentation (:func:`present`), rational and monomial
    content taken out, small remainders factored (a generator appearing in
    even powers only, sqrt(eps), is factored as its square).  Memoised per
    algebra: networks repeat their coefficients.
    """
    coeffs = {m: c for m, c in coeffs.items() if c}
    if not coeffs:
        return sp.S.Zero
    memo = alg.__dict__.setdefault("_coeff_memo", {}) if hasattr(alg, "__dict__") else {}
    key = frozenset(coeffs.items())
    if key in memo:
        return memo[key]
    if len(coeffs) <= SMALL_TERMS:
        # small: print every presentation (and its factorisation), keep the shortest
        cands = [_print_terms(alg, t) for t in _presentations(alg, coeffs)]
        out = _shortest(cands)
    else:
        out = _print_terms(alg, present(alg, coeffs))
    memo[key] = out
    return out


def _shortest(cands: list) -> sp.Expr:
    """The first of the fewest operations, then of the shortest string (printed
    only for a tie in operations)."""
    if len(cands) == 1:
        return cands[0]
    ops = [sp.count_ops(e) for e in cands]
    best = min(ops)
    tied = [e for e, o in zip(cands, ops) if o == best]
    return tied[0] if len(tied) == 1 else min(tied, key=lambda e: len(str(e)))


def _presentations(alg, terms: dict) -> list[dict]:
    """Every presentation of a small polynomial (each subset of its pairs switched)."""
    top = [max(col) for col in zip(*terms)]
    pairs = [pr for pr in alg.pairs() if top[pr[2]] >= pr[3]][:4]
    out = [terms]
    for pr in pairs:
        out += [_switch(t, pr) for t in out]
    return out


def _print_terms(alg, terms: dict) -> sp.Expr:
    num, den = 0, 1
    for c in terms.values():
        num = gcd(num, int(c.numerator))
        den = lcm(den, int(c.denominator))
    content = QQ(num, den)
    lead = terms[max(terms)]
    if lead < 0:
        content = -content
    mono = tuple(min(col) for col in zip(*terms))
    rest = {tuple(a - b for a, b in zip(m, mono)): c / content for m, c in terms.items()}
    head = [_rat(content)] + [alg.atom(j - 1) ** e for j, e in enumerate(mono) if e]
    out = None
    if len(rest) == 1:
        out = sp.Mul(*head)
    else:
        used = sum(1 for col in zip(*rest) if any(col))
        if len(rest) <= FACTOR_TERMS and used <= FACTOR_GENS:
            out = _factored(alg, rest, head)
        if out is None:
            out = sp.Mul(*head, _poly_sympy(alg, rest.items()))
    return out


def _factored(alg, rest: dict, head: list) -> sp.Expr | None:
    step = [0] * alg.ngens
    for m in rest:
        for j, e in enumerate(m):
            step[j] = gcd(step[j], e)
    step = [s or 1 for s in step]
    comp = alg.ring.from_dict({tuple(e // s for e, s in zip(m, step)): c for m, c in rest.items()})
    fl = _factor_list(alg, comp)
    if fl is not None:
        c, factors = fl
        parts = [_rat(c)] + [_pow(_poly_sympy(alg, f.iterterms(), step), e) for f, e in factors]
        return sp.Mul(*head, *parts)
    return None


# -------------------------------------------------------------- real forms
def _rational_content(values) -> object:
    """gcd of rationals (numerators' gcd over denominators' lcm), positive; 1 if none."""
    num, den = 0, 1
    for q in values:
        if q:
            num = gcd(num, int(q.numerator))
            den = lcm(den, int(q.denominator))
    return QQ(num, den) if num else QQ(1)


def _selfconj_expr(alg, groups: dict, phase) -> sp.Expr | None:
    """sum over pairs c z^m + conj(c) z^-m -> cosines and sines; None if not real.

    The rational content of all coefficients is taken out in front."""
    g = _rational_content(q for grp in groups.values() for c in grp.values() for q in c)
    if g != 1:
        groups = _divide(groups, (g, _ZERO))
        inner = _selfconj_expr(alg, groups, phase)
        return None if inner is None else _rat(g) * inner
    out = []
    seen = set()
    for key in sorted(groups, key=lambda k: (sum(abs(e) for e in k), k)):
        if key in seen:
            continue
        grp = groups[key]
        if not any(key):
            seen.add(key)
            if any(im for _, im in grp.values()):
                return None
            out.append(coefficient_expr(alg, {rm: re for rm, (re, _) in grp.items()}))
            continue
        nk = _neg(key)
        other = groups.get(nk)
        if other is None or len(other) != len(grp):
            return None
        for rm, (re, im) in grp.items():
            o = other.get(rm)
            if o is None or o[0] != re or o[1] != -im:
                return None
        seen.add(key)
        seen.add(nk)
        if not _canonical_sign(key):
            key, grp = nk, other
        angle = _angle(alg, phase, key)
        re = {rm: c[0] for rm, c in grp.items() if c[0]}
        im = {rm: c[1] for rm, c in grp.items() if c[1]}
        if re:
            out.append(2 * coefficient_expr(alg, re) * sp.cos(angle))
        if im:
            out.append(-2 * coefficient_expr(alg, im) * sp.sin(angle))
    return sp.Add(*out)


def _reference(groups: dict) -> tuple | None:
    """Normalising constant: the coefficient of D's lowest self-conjugate term,
    scaled so that D's coefficients become coprime integers."""
    zero = [k for k in groups if not any(k)]
    if not zero:
        return None
    grp = groups[zero[0]]
    rm = min(grp, key=lambda r: (sum(r), r))
    ref = grp[rm]
    scaled = _divide(groups, ref)
    num, den = 0, 1
    for g in scaled.values():
        for c in g.values():
            for q in c:
                if q:
                    num = gcd(num, int(q.numerator))
                    den = lcm(den, int(q.denominator))
    f = QQ(num, den)
    return (ref[0] * f, ref[1] * f)


def real_parts(alg: "PolarAlgebra", n, d):
    """(numerator groups, denominator groups, phase gens) of the real n/d, or None."""
    phase, cplx = _kinds(alg)
    if cplx:
        return None
    s2 = _centre2(d, phase)
    if _centre2(n, phase) != s2:
        return None
    dg = _split(d, phase, s2)
    ref = _reference(dg)
    if ref is None:
        return None
    return _divide(_split(n, phase, s2), ref), _divide(dg, ref), phase


def real_expr(alg: "PolarAlgebra", f: "Frac") -> sp.Expr:
    """A real field element printed with cosines (textbook form)."""
    if not f.n:
        return sp.S.Zero
    n, d = f.numer_denom()
    out = real_expr_polys(alg, n, d)
    return alg.to_expr(f) if out is None else out


def real_expr_polys(alg: "PolarAlgebra", n, d) -> sp.Expr | None:
    """The real n/d (normal-form polynomials of the algebra) with cosines; None if not real."""
    parts = real_parts(alg, n, d)
    if parts is None:
        return None
    ng, dg, phase = parts
    num = _selfconj_expr(alg, ng, phase)
    den = _selfconj_expr(alg, dg, phase)
    if num is None or den is None:
        return None
    return num if den == 1 else num / den


# ------------------------------------------------------------------ |f|^2
def _times_conj(alg: "PolarAlgebra", p):
    """p conj(p) as (normal-form polynomial, phase shift): conj(p) = q / z^s."""
    q, s = alg.conj_poly_parts(p)
    return alg.nf(p * q), s


def _re_im(alg, p) -> sp.Expr | None:
    """Re(p z^-s)^2 + Im(p z^-s)^2, the smaller over two shifts s: the phase of
    p's lowest term (D = 1 + ...) and the centre of its phases."""
    phase, cplx = _kinds(alg)
    if cplx:
        return None
    terms = list(p.iterterms())

    def rank(mc):
        m = mc[0]
        amp = sum(e for j, e in enumerate(m) if j and j not in phase)
        return (amp, sum(m[i] for i in phase), m)

    ref = min(terms, key=rank)[0]
    shifts = [tuple(2 * ref[i] for i in phase), _centre2(p, phase)]
    if shifts[0] == shifts[1]:
        shifts = shifts[:1]
    elif len(p) > 4 * COMPARE_TERMS:
        shifts = shifts[1:]  # large: the centred form (pairs of opposite phases share a trig term)
    cands = [_re_im_at(alg, p, phase, s) for s in shifts]
    return min(cands, key=sp.count_ops) if len(cands) > 1 else cands[0]


def _re_im_at(alg, p, phase, s2) -> sp.Expr:
    groups = _split(p, phase, s2)
    # p = sum c e^{i theta} r:  Re = r (Re c cos - Im c sin), Im = r (Re c sin + Im c cos)
    re_parts: dict = {}
    im_parts: dict = {}

    def put(target, trig, key, rm, v):
        if v:
            d = target.setdefault((trig, key), {})
            d[rm] = d.get(rm, _ZERO) + v

    for key, grp in groups.items():
        sign = _canonical_sign(key)
        k = key if sign else _neg(key)
        s = 1 if sign else -1  # sin(-x) = -sin(x)
        for rm, (a, b) in grp.items():
            if not any(key):
                put(re_parts, "1", k, rm, a)
                put(im_parts, "1", k, rm, b)
                continue
            put(re_parts, "cos", k, rm, a)
            put(re_parts, "sin", k, rm, -b * s)
            put(im_parts, "sin", k, rm, a * s)
            put(im_parts, "cos", k, rm, b)

    def build(parts: dict) -> sp.Expr:
        g = _rational_content(c for coeffs in parts.values() for c in coeffs.values())
        out = []
        for (trig, key), coeffs in parts.items():
            if g != 1:
                coeffs = {rm: c / g for rm, c in coeffs.items()}
            c = coefficient_expr(alg, coeffs)
            if c == 0:
                continue
            if trig == "1":
                out.append(c)
            else:
                fn = sp.cos if trig == "cos" else sp.sin
                out.append(c * fn(_angle(alg, phase, key)))
        return _rat(g), sp.Add(*out)

    (ga, A), (gb, B) = build(re_parts), build(im_parts)
    if A == 0 or B == 0 or ga == gb:
        g = ga if B == 0 else gb if A == 0 else ga
        return g**2 * (_pow(A, 2) + _pow(B, 2))
    return ga**2 * _pow(A, 2) + gb**2 * _pow(B, 2)


def _content(alg, p):
    """(rational * monomial content as a polynomial, the primitive rest)."""
    num, den = 0, 1
    for c in p.values():
        num, den = gcd(num, int(c.numerator)), lcm(den, int(c.denominator))
    ms = list(p.itermonoms())
    mono = tuple(min(col) if j else 0 for j, col in enumerate(zip(*ms)))
    rest = p.exquo(alg.ring({mono: QQ(1)})) if any(mono) else p
    return alg.ring({mono: QQ(num, den)}), rest.quo_ground(QQ(num, den))


def _monomial_abs2(alg, p) -> sp.Expr:
    (m, c), = p.iterterms()
    phase, _ = _kinds(alg)
    out = [_rat(c) ** 2]
    for j, e in enumerate(m):
        if e and j and j not in phase:
            a = alg.atom(j - 1)
            out.append(a ** (2 * e) if alg._gens[j].kind == "real" else (a * sp.conjugate(a)) ** e)
    return sp.Mul(*out)


def _pull_numbers(expr: sp.Expr) -> sp.Expr:
    """Rational contents of the sums in a product taken out in front:
    8 eps^2 (1 - cos(theta)) ... rather than eps^2 (2 - 2 cos(theta)) (2 + ...)."""
    coeff = sp.S.One
    parts = []
    for f in sp.Mul.make_args(expr):
        base, e = f.as_base_exp()
        if base.is_Add and e.is_Integer:
            c, prim = base.as_content_primitive()
            coeff *= c**e
            if prim.could_extract_minus_sign() and e % 2 == 0:
                prim = -prim
            parts.append(_pow(prim, e))
        elif f.is_Number:
            coeff *= f
        else:
            parts.append(f)
    parts = _sin_squares(parts)
    if len(parts) == 1 and parts[0].is_Add and coeff != 1:
        return sp.Mul(coeff, parts[0], evaluate=False)
    return sp.Mul(coeff, *parts)


def _sin_squares(parts: list) -> list:
    """(1 - cos x)^e (1 + cos x)^e -> sin(x)^(2e)."""
    pm: dict = {}
    for k, f in enumerate(parts):
        base, e = f.as_base_exp()
        if base.is_Add and len(base.args) == 2 and (sp.S.One in base.args or sp.S.NegativeOne in base.args):
            if sp.S.NegativeOne in base.args and e.is_Integer and e % 2 == 0:
                base = -base  # (cos x - 1)^2k = (1 - cos x)^2k
            if sp.S.One not in base.args:
                continue
            other = base - 1
            c = other if isinstance(other, sp.cos) else -other if isinstance(-other, sp.cos) else None
            if c is not None:
                pm.setdefault(c.args[0], {})[1 if other == c else -1] = (k, e)
    drop, add = set(), []
    for x, sides in pm.items():
        if 1 in sides and -1 in sides and sides[1][1] == sides[-1][1]:
            drop.update({sides[1][0], sides[-1][0]})
            add.append(sp.sin(x) ** (2 * sides[1][1]))
    return [f for k, f in enumerate(parts) if k not in drop] + add


def _abs2_poly(alg, p, *, split: bool = True) -> sp.Expr | None:
    """|p|^2 of one polynomial: the product of its factors' |f|^2 (small p), each
    expanded or as Re^2 + Im^2, whichever is smaller."""
    if len(p) == 1:
        return _monomial_abs2(alg, p)
    head, rest = _content(alg, p)
    if len(rest) == 1 or head != alg.ring.one:
        inner = _abs2_poly(alg, rest, split=split)
        return None if inner is None else _monomial_abs2(alg, head) * inner
    used = sum(1 for col in zip(*p.itermonoms()) if any(col))
    if split and len(p) <= FACTOR_TERMS and used <= FACTOR_GENS:
        fl = _factor_list(alg, p)
        if fl is not None:
            c, factors = fl
            parts = [_rat(c) ** 2]
            for f, e in factors:
                a2 = _abs2_poly(alg, f, split=False)
                if a2 is None:
                    return None
                parts.append(_pow(a2, e))
            return _pull_numbers(sp.Mul(*parts))
    # size estimates in terms: Re^2 + Im^2 about 2 |p|, the expanded |p|^2 about
    # half the terms of p conj(p) (each cosine pairs two); a form is printed
    # only if its estimate is within 1.5 of the other's
    cost_reim = 2 * len(p)
    expanded = None
    est = None
    if len(p) ** 2 <= EXPAND_LIMIT:
        pp, s = _times_conj(alg, p)
        est = (len(pp) + 1) // 2
        if 2 * est <= 3 * cost_reim:
            expanded = real_expr_polys(alg, pp, alg.mono_poly(s))
    cands = [expanded] if expanded is not None else []
    if expanded is None or 2 * cost_reim <= 3 * est:
        r = _re_im(alg, p)
        if r is not None:
            cands.append(r)
    if not cands:
        return None
    return min(cands, key=sp.count_ops) if len(cands) > 1 else cands[0]


def abs2_expr(alg: "PolarAlgebra", f: "Frac") -> sp.Expr:
    """|f|^2 in textbook form: the most compact of the candidate forms.

    Candidates: the expanded cosine form of f conj(f) (when its products
    have at most :data:`EXPAND_LIMIT` term pairs), and the factored form
    |N|^2 / prod |p_i|^(2 e_i) over the registered factors p_i of the
    denominator, each as its expanded |p|^2 or Re(p)^2 + Im(p)^2.  Forms
    are printed only when their size estimate (terms) can win; close calls
    between small forms are decided by sympy's count_ops.
    """
    if not f.n:
        return sp.S.Zero
    n, d = f.numer_denom()
    fac = _abs2_factored(alg, f)
    cands = [fac] if fac is not None else []
    if len(n) ** 2 + len(d) ** 2 <= EXPAND_LIMIT and (len(f.fac) > 1 or len(n) > 1 or fac is None):
        nn, sn = _times_conj(alg, n)
        dd, sd = _times_conj(alg, d)
        est = (len(nn) + len(dd)) // 2
        if fac is None or 2 * est <= 3 * 2 * (len(n) + len(d)):
            # |n|^2 / |d|^2 = (nn / z^sn) / (dd / z^sd) = nn z^sd / (dd z^sn)
            e = real_expr_polys(alg, nn * alg.mono_poly(sd), dd * alg.mono_poly(sn))
            if e is not None:
                cands.append(e)
    if not cands:
        return real_expr(alg, f * alg.conj(f))
    return min(cands, key=sp.count_ops) if len(cands) > 1 else cands[0]


def _abs2_factored(alg, f) -> sp.Expr | None:
    parts = []
    a2 = _abs2_poly(alg, f.n)
    if a2 is None:
        return None
    parts.append(a2)
    phase, _ = _kinds(alg)
    for j, e in enumerate(f.mono):
        if e and j not in phase and j:
            parts.append(alg.atom(j - 1) ** (-2 * e))
    for i, e in f.fac.items():
        a2 = _abs2_poly(alg, alg._factors[i])
        if a2 is None:
            return None
        parts.append(_pow(a2, -e))
    return _pull_numbers(sp.Mul(*parts))

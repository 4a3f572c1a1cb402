"""Random-matrix transport through a chaotic cavity: exact ensemble averages
by Weingarten calculus (sympy only; the samplers live in :mod:`lbsym.rmt_numeric`).

Conventions
-----------
* A cavity with two leads: lead 1 carries ``N1`` channels, lead 2 ``N2``,
  ``N = N1 + N2``.  Ports are ordered lead 1 first, then lead 2; the
  transmission block is ``t = S[lead 2, lead 1]`` and the dimensionless
  conductance (units e^2/h per spin-resolved channel, or per Kramers pair
  for beta = 4) is ``T = tr t t^dagger``.
* Dyson's circular ensembles, built from a Haar-distributed ``U`` in
  ``U(d)``:

  - beta = 2 (CUE, broken time-reversal symmetry): ``S = U``, ``d = N``;
  - beta = 1 (COE, time-reversal symmetry, no spin-orbit): ``S = U U^T``,
    ``d = N``;
  - beta = 4 (CSE, time-reversal symmetry with strong spin-orbit):
    ``S = U Z U^T Z^T`` with ``Z = 1_N (x) [[0, 1], [-1, 0]]``, ``d = 2N``;
    ``N1``, ``N2`` count Kramers-degenerate channels (each lead owns whole
    Kramers pairs), every transmission eigenvalue is doubly degenerate and
    ``T = (1/2) tr t t^dagger`` counts each pair once.

* Weingarten calculus (Collins, IMRN 17, 953 (2003); Collins and Sniady,
  CMP 264, 773 (2006)): for Haar ``U`` in ``U(d)``,
  ``<U_{i1 j1}..U_{in jn} conj(U_{i'1 j'1})..conj(U_{i'n j'n})>
  = sum_{sigma, tau in S_n} prod_m delta(i_m, i'_sigma(m)) delta(j_m, j'_tau(m))
  Wg(sigma tau^-1, d)`` with
  ``Wg(sigma, d) = (1/n!^2) sum_{lambda |- n} chi^lambda(1)^2 chi^lambda(sigma)/s_lambda(1^d)``;
  the characters come from the Murnaghan-Nakayama rule, ``s_lambda(1^d)`` from
  the hook-content formula.  Index sums over the leads make every term a
  polynomial in ``N1``, ``N2``, so the averages are exact rational functions
  of symbolic ``N1``, ``N2``.  The character formula is a rational function
  of ``d`` that is the Weingarten function for ``d >= n`` (``n`` = number of
  ``U`` factors: 2 for ``<T>`` at beta = 2, 4 for second moments at
  beta = 1, 4); the averages below are proved for those ``d`` and checked by
  Monte Carlo for every ``N1, N2 <= 4`` (tests/test_rmt.py).

References: Beenakker, Rev. Mod. Phys. 69, 731 (1997), sec. III; Brouwer and
Beenakker, J. Math. Phys. 37, 4904 (1996); Baranger and Mello, PRL 73, 142
(1994); Jalabert, Pichard and Beenakker, Europhys. Lett. 27, 255 (1994).

Examples
--------
>>> from lbsym.rmt import N1, N2, average_transmission
>>> average_transmission(2)
N1*N2/(N1 + N2)
>>> average_transmission(1).subs({N1: 1, N2: 1})
1/3
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations
from math import factorial

import sympy as sp
from sympy.utilities.iterables import partitions as _partitions

from .errors import ParameterError

__all__ = [
    "N1", "N2", "d", "BETAS", "character", "weingarten", "haar_moment", "cavity_moment",
    "average_transmission", "transmission_variance", "average_transmission_squared",
    "average_tr_tt4", "fano_factor", "check_beta",
]

N1, N2 = sp.symbols("N1 N2", positive=True, integer=True)
d = sp.Symbol("d", positive=True, integer=True)
BETAS = (1, 2, 4)


def check_beta(beta: object) -> int:
    """``beta`` as an int in (1, 2, 4), else a :class:`ParameterError`."""
    if isinstance(beta, bool) or beta not in BETAS:
        raise ParameterError(f"beta: expected the Dyson index 1 (COE), 2 (CUE) or 4 (CSE), got {beta!r}")
    return int(beta)


# ------------------------------------------------------------ symmetric group
def _partition_list(n: int) -> list[tuple[int, ...]]:
    return [tuple(sorted((k for k, m in p.items() for _ in range(m)), reverse=True))
            for p in _partitions(n)]


@lru_cache(maxsize=None)
def character(lam: tuple[int, ...], mu: tuple[int, ...]) -> int:
    """The irreducible character chi^lam at a permutation of cycle type ``mu``
    (Murnaghan-Nakayama: remove border strips of length mu[0], sign (-1)^height).

    >>> character((2, 1), (1, 1, 1)), character((2, 1), (3,)), character((1, 1, 1), (2, 1))
    (2, -1, -1)
    """
    lam = tuple(x for x in lam if x)
    if sum(lam) != sum(mu):
        raise ParameterError(f"character: |lambda| = {sum(lam)} differs from |mu| = {sum(mu)}")
    if not mu:
        return 1
    r, rest = mu[0], mu[1:]
    ell = len(lam)
    beta_set = [lam[i] + ell - 1 - i for i in range(ell)]  # distinct first-column hook lengths
    total = 0
    for x in beta_set:
        y = x - r
        if y < 0 or y in beta_set:
            continue
        height = sum(1 for z in beta_set if y < z < x)
        new = sorted([z for z in beta_set if z != x] + [y], reverse=True)
        k = len(new)
        nu = tuple(new[i] - (k - 1 - i) for i in range(k))
        total += (-1) ** height * character(nu, rest)
    return total


def _cycle_type(perm: tuple[int, ...]) -> tuple[int, ...]:
    seen, out = set(), []
    for i in range(len(perm)):
        if i in seen:
            continue
        n, j = 0, i
        while j not in seen:
            seen.add(j)
            j = perm[j]
            n += 1
        out.append(n)
    return tuple(sorted(out, reverse=True))


def _content_dimension(lam: tuple[int, ...], dim: sp.Expr) -> sp.Expr:
    """s_lambda(1^d) = prod over boxes (d + content)/hook (hook-content formula)."""
    conj = [sum(1 for x in lam if x > j) for j in range(lam[0])]
    out = sp.Integer(1)
    for i, row in enumerate(lam):
        for j in range(row):
            hook = row - j + conj[j] - i - 1
            out *= (dim + j - i) / sp.Integer(hook)
    return out


@lru_cache(maxsize=None)
def weingarten(mu: tuple[int, ...], dim: sp.Expr = d) -> sp.Expr:
    """The unitary Weingarten function Wg(sigma, d) at a permutation of cycle type ``mu``.

    >>> weingarten((1, 1)), weingarten((2,))
    (1/((d - 1)*(d + 1)), -1/(d*(d - 1)*(d + 1)))
    """
    n = sum(mu)
    total = sp.Integer(0)
    for lam in _partition_list(n):
        f = character(lam, (1,) * n)
        total += sp.Integer(f * f * character(lam, mu)) / _content_dimension(lam, dim)
    return sp.factor(sp.cancel(total / factorial(n) ** 2))


def _inverse(p: tuple[int, ...]) -> tuple[int, ...]:
    inv = [0] * len(p)
    for i, j in enumerate(p):
        inv[j] = i
    return tuple(inv)


def _compose(p: tuple[int, ...], q: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(p[q[i]] for i in range(len(p)))


def _index_sum(pos: list, pos_conj: list, perm: tuple[int, ...], sizes: dict) -> sp.Expr:
    """sum over labelled indices of prod_m delta(pos[m], pos_conj[perm[m]]).

    Labels are (name, domain); a domain's size is ``sizes[domain]``; indices
    in different domains (disjoint leads) never coincide.
    """
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for lab in pos + pos_conj:
        find(lab)
    for m, lab in enumerate(pos):
        a, b = find(lab), find(pos_conj[perm[m]])
        if a != b:
            parent[a] = b
    comps: dict = {}
    for lab in parent:
        comps.setdefault(find(lab), set()).add(lab[1])
    out = sp.Integer(1)
    for doms in comps.values():
        if len(doms) > 1:
            return sp.Integer(0)
        out *= sizes[next(iter(doms))]
    return out


def _column_contraction(n_factors: int, tau: tuple[int, ...], dim: sp.Expr, symplectic: bool) -> sp.Expr:
    """sum over column indices of prod M_{k_f l_f} prod M_{k'_g l'_g} prod delta(col_m, col'_tau(m)).

    U position 2f carries the first index of factor f's M, 2f + 1 the second;
    M = 1 (COE) or the symplectic unit J (CSE, J^T = -J, J^2 = -1).  Each
    cycle of the (M-edge, delta-edge) graph gives tr(product of M, M^T).
    """
    tau_inv = _inverse(tau)
    seen: set = set()
    out = sp.Integer(1)
    for start in range(2 * n_factors):
        if ("u", start) in seen:
            continue
        steps, transposes, side, p = 0, 0, "u", start
        while True:
            seen.add((side, p))
            q = p ^ 1  # the other index of the same M factor
            steps += 1
            transposes += p & 1  # traversed from its second index: M^T
            seen.add((side, q))
            if side == "u":
                side, p = "c", tau[q]
            else:
                side, p = "u", tau_inv[q]
            if side == "u" and p == start:
                break
        if not symplectic:
            out *= dim
        elif steps % 2:
            return sp.Integer(0)
        else:
            out *= (-1) ** transposes * (-1) ** (steps // 2) * dim
    return out


def _weingarten_sum(perms: list, R: dict, C: dict, dim: sp.Expr) -> sp.Expr:
    """sum over permutations s, t of R(s) C(t) Wg(s t^-1; dim), grouped by cycle type."""
    by_class: dict = {}
    for s in perms:
        if R[s] == 0:
            continue
        for t in perms:
            if C[t] == 0:
                continue
            mu = _cycle_type(_compose(s, _inverse(t)))
            by_class[mu] = by_class.get(mu, 0) + R[s] * C[t]
    total = sum((weingarten(mu).subs(d, dim) * sp.expand(c) for mu, c in by_class.items()), sp.Integer(0))
    return sp.factor(sp.cancel(total))


def haar_moment(rows: list, cols: list, rows_conj: list, cols_conj: list, sizes: dict,
                dim: sp.Expr) -> sp.Expr:
    """<prod U_{rows[m], cols[m]} conj(U_{rows_conj[m], cols_conj[m]})>_Haar summed over the
    labelled indices (labels ``(name, domain)``, domain sizes in ``sizes``), exactly."""
    n = len(rows)
    if not (len(cols) == len(rows_conj) == len(cols_conj) == n):
        raise ParameterError("haar_moment: expected as many conjugated as unconjugated factors")
    perms = list(permutations(range(n)))
    R = {s: _index_sum(rows, rows_conj, s, sizes) for s in perms}
    C = {t: _index_sum(cols, cols_conj, t, sizes) for t in perms}
    return _weingarten_sum(perms, R, C, dim)


def cavity_moment(factors: list, factors_conj: list, leads: dict, beta: int) -> sp.Expr:
    """<prod_f S_{factors[f]} prod_g conj(S_{factors_conj[g]})> summed over the labelled
    indices, in the circular ensemble beta, exactly in symbolic N1, N2.

    ``factors``: pairs (row label, column label) of S; ``leads``: label -> 1 or 2 (the
    lead the index runs over).  Every column label appears once in ``factors`` and once
    in ``factors_conj`` (true of traces of products of t and t^dagger), which makes the
    Kramers relabelling of the CSE (S_ab = s_b sum U_ak J_kl U_{b' l}) a bijection.
    """
    beta = check_beta(beta)
    n = len(factors)
    if len(factors_conj) != n:
        raise ParameterError("cavity_moment: expected as many S as conj(S) factors")
    kramers = 2 if beta == 4 else 1
    sizes = {1: kramers * N1, 2: kramers * N2, "all": kramers * (N1 + N2)}
    lab = {k: (k, leads[k]) for k in leads}
    if beta == 2:
        return haar_moment([lab[r] for r, _ in factors], [lab[c] for _, c in factors],
                           [lab[r] for r, _ in factors_conj], [lab[c] for _, c in factors_conj],
                           sizes, sizes["all"])
    rows = [lab[x] for f in factors for x in f]
    rows_c = [lab[x] for f in factors_conj for x in f]
    perms = list(permutations(range(2 * n)))
    R = {s: _index_sum(rows, rows_c, s, sizes) for s in perms}
    dim = sizes["all"]
    C = {t: _column_contraction(n, t, dim, beta == 4) for t in perms}
    return _weingarten_sum(perms, R, C, dim)


# ------------------------------------------------------------ transport averages
def _per_pair(beta: int, power: int) -> sp.Expr:
    """T counts each Kramers pair once: (1/2)^power at beta = 4."""
    return sp.Rational(1, 2) ** power if beta == 4 else sp.Integer(1)


@lru_cache(maxsize=None)
def average_transmission(beta: int) -> sp.Expr:
    """<T> = <tr t t^dagger> over the circular ensemble beta, exact in N1, N2."""
    beta = check_beta(beta)
    m = cavity_moment([("a", "b")], [("a", "b")], {"a": 2, "b": 1}, beta)
    return sp.factor(m * _per_pair(beta, 1))


@lru_cache(maxsize=None)
def average_transmission_squared(beta: int) -> sp.Expr:
    """<T^2> over the circular ensemble beta, exact in N1, N2."""
    beta = check_beta(beta)
    m = cavity_moment([("a", "b"), ("c", "e")], [("a", "b"), ("c", "e")],
                      {"a": 2, "b": 1, "c": 2, "e": 1}, beta)
    return sp.factor(m * _per_pair(beta, 2))


@lru_cache(maxsize=None)
def transmission_variance(beta: int) -> sp.Expr:
    """var T = <T^2> - <T>^2 (universal conductance fluctuations, (e^2/h)^2), exact."""
    return sp.factor(sp.cancel(average_transmission_squared(beta) - average_transmission(beta) ** 2))


@lru_cache(maxsize=None)
def average_tr_tt4(beta: int) -> sp.Expr:
    """<tr (t t^dagger)^2> = <sum_n T_n^2> (per Kramers pair at beta = 4), exact."""
    beta = check_beta(beta)
    # tr(t t^+ t t^+) = sum t_ab conj(t_cb) t_ce conj(t_ae)
    m = cavity_moment([("a", "b"), ("c", "e")], [("c", "b"), ("a", "e")],
                      {"a": 2, "b": 1, "c": 2, "e": 1}, beta)
    return sp.factor(m * _per_pair(beta, 1))


@lru_cache(maxsize=None)
def fano_factor(beta: int) -> sp.Expr:
    """F = <sum T_n (1 - T_n)> / <sum T_n> (ratio of ensemble averages), exact in N1, N2."""
    return sp.factor(sp.cancel(1 - average_tr_tt4(beta) / average_transmission(beta)))

"""Shot and thermal noise of coherent conductors (Blanter-Büttiker).

Conventions
-----------
* Noise is the *symmetrized* zero-frequency current-current correlator in the
  **Schottky normalization**: a Poisson process of charges e gives S = 2eI.
* Channels are **spin-resolved**; a spin degeneracy g_s multiplies every
  result (g_s = 2 for spin-degenerate orbital channels).
* Two terminals, bias V (mu_L - mu_R = eV), temperature Theta, transmission
  eigenvalues T_n (eigenvalues of t^dagger t), energy-independent
  (Blanter and Büttiker, Phys. Rep. 336, 1 (2000), eq. (61)):

      S = g_s (2e^2/h) [ 2 k_B Theta sum_n T_n^2
                         + eV coth(eV / 2 k_B Theta) sum_n T_n (1 - T_n) ]

  Limits (derived by :func:`thermal_limit` and :func:`shot_limit` with
  sympy limits): V -> 0 gives the Johnson-Nyquist noise 4 k_B Theta G with
  G = g_s (e^2/h) sum T_n; Theta -> 0 gives the shot noise
  g_s 2e|V| (e^2/h) sum T_n (1 - T_n).
* Fano factor F = sum T_n (1 - T_n) / sum T_n (S / 2eI at zero temperature).
* Energy-dependent T_n(E): the energy integral (Blanter-Büttiker eq. (60))

      S = g_s (2e^2/h) int dE { sum_n T_n [f_L(1 - f_L) + f_R(1 - f_R)]
                                + sum_n T_n (1 - T_n) (f_L - f_R)^2 }

  is evaluated numerically by :func:`lbsym.noise_numeric.noise_integral`
  (mpmath or scipy quad).
* Multi-terminal (Büttiker, PRB 46, 12485 (1992)): with
  A_{beta gamma}(alpha) = delta_{alpha beta} delta_{alpha gamma} 1
  - s_{alpha beta}^dagger s_{alpha gamma} (blocks of the S-matrix between
  the channels of leads),

      S_{alpha beta} = (e^2/h) sum_{gamma delta} Tr[A_{gamma delta}(alpha)
                        A_{delta gamma}(beta)] F(mu_gamma - mu_delta),
      F(x) = int dE {f_gamma (1 - f_delta) + f_delta (1 - f_gamma)}
           = x coth(x / 2 k_B Theta)   (-> |x| at Theta = 0, 2 k_B Theta at x = 0),

  implemented numerically (numpy) by :func:`lbsym.noise_numeric.noise_matrix`
  and symbolically at zero temperature by :func:`noise_matrix_symbolic`; rows and columns
  sum to zero (current conservation) and the cross-correlations are
  negative for fermions (Hanbury Brown-Twiss antibunching).

This module is symbolic (sympy only, no numpy): the numeric routes (energy
integral, noise matrix of a numeric S-matrix, eigenvalues of a numeric
transmission block) are in :mod:`lbsym.noise_numeric`.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from ._sympify import sympify as _sympify
from .constants import e, h, k_B
from ._moved import forwarder
from .errors import LbsymError, ShapeError

__all__ = [
    "V",
    "Theta",
    "crossover",
    "two_terminal_noise",
    "thermal_limit",
    "shot_limit",
    "shot_noise",
    "thermal_noise",
    "fano",
    "merge_sums",
    "transmission_traces",
    "fano_from_t",
    "noise_matrix_symbolic",
    "lead_indices",
]

#: Bias voltage (real symbol) and temperature (positive symbol).
V = sp.Symbol("V", real=True)
Theta = sp.Symbol("Theta", positive=True)


def _sums(transmissions) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """sum T, sum T^2, sum T(1-T) of a list of transmissions or of an
    ``(IndexedBase, index, N)`` triple (symbolic channel sum)."""
    if isinstance(transmissions, tuple) and len(transmissions) == 3 and isinstance(
        transmissions[0], sp.IndexedBase
    ):
        Tb, n, N = transmissions
        return (sp.Sum(Tb[n], (n, 1, N)), sp.Sum(Tb[n] ** 2, (n, 1, N)),
                sp.Sum(Tb[n] * (1 - Tb[n]), (n, 1, N)))
    if isinstance(transmissions, sp.Basic):
        transmissions = [transmissions]
    Ts = [_sympify(t, "transmission") for t in transmissions]
    if not Ts:
        raise ShapeError("expected at least one transmission eigenvalue, got none")
    return sp.Add(*Ts), sp.Add(*[t**2 for t in Ts]), sp.Add(*[t * (1 - t) for t in Ts])


def crossover(voltage: sp.Expr = V, temperature: sp.Expr = Theta) -> sp.Expr:
    """eV coth(eV / 2 k_B Theta): the thermal-to-shot crossover function."""
    x = e * voltage
    return x * sp.coth(x / (2 * k_B * temperature))


def two_terminal_noise(transmissions, voltage: sp.Expr = V, temperature: sp.Expr = Theta,
                       g_s: sp.Expr = 1) -> sp.Expr:
    """Blanter-Büttiker noise at any bias and temperature (see module docstring).

    ``transmissions`` is a list of T_n (symbols or numbers) or a triple
    ``(IndexedBase T, n, N)`` for the symbolic sum over N channels.
    """
    _, s2, s11 = _sums(transmissions)
    return g_s * 2 * e**2 / h * (2 * k_B * temperature * s2
                                 + crossover(voltage, temperature) * s11)


def _even_in(expr: sp.Expr, x: sp.Symbol) -> bool:
    return sp.simplify(expr.subs(x, -x) - expr) == 0


def merge_sums(expr: sp.Expr) -> sp.Expr:
    """Merge c1 Sum(f1, lim) + c2 Sum(f2, lim) + ... into Sum(factor(c1 f1 + ...), lim)
    (coefficients free of the summation index), e.g. Sum(T) - Sum(T^2) -> Sum(T(1-T))."""
    expr = sp.expand(_sympify(expr, "expr"))
    groups: dict = {}
    rest = []
    for term in sp.Add.make_args(expr):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) == 1:
            s = sums[0]
            c = term / s
            idx = {lim[0] for lim in s.limits}
            if not (c.free_symbols & idx):
                groups.setdefault(s.limits, []).append(c * s.function)
                continue
        rest.append(term)
    out = [sp.Sum(sp.factor(sp.Add(*fs)), *lims) for lims, fs in groups.items()]
    res = sp.factor(sp.Add(*rest, *out))
    c, args = res.as_coeff_mul()
    sums = [a for a in args if isinstance(a, sp.Sum)]
    if c < 0 and len(sums) == 1:  # -Sum((T - 1) T) -> Sum(T (1 - T))
        flipped = _positive_form(-sums[0].function)
        if flipped != -sums[0].function:
            res = sp.Mul(-c, *[sp.Sum(flipped, *a.limits) if a is sums[0] else a for a in args])
    return res


def _positive_form(f: sp.Expr) -> sp.Expr:
    """-(T - 1) T -> T (1 - T): absorb a negative coefficient into a linear factor."""
    c, factors = f.as_coeff_mul()
    if c < 0:
        for i, a in enumerate(factors):
            if isinstance(a, sp.Add):
                return sp.Mul(-c, *factors[:i], -a, *factors[i + 1:])
    return f


def _opaque_limit(expr: sp.Expr, x: sp.Symbol, x0, direction: str) -> sp.Expr:
    """sympy limit with channel sums (independent of x) held as opaque symbols."""
    sums = {s: sp.Dummy("sigma", positive=True) for s in expr.atoms(sp.Sum)
            if x not in s.free_symbols}
    lim = sp.limit(expr.xreplace(sums), x, x0, direction)
    return merge_sums(lim.xreplace({v: k for k, v in sums.items()}))


def shot_limit(expr: sp.Expr, voltage: sp.Symbol = V, temperature: sp.Symbol = Theta) -> sp.Expr:
    """Zero-temperature limit Theta -> 0+ of an expression even in the bias.

    The limit is taken by sympy at positive bias, and continued to any sign
    with |V| after checking that ``expr`` is even in V.
    """
    if not _even_in(expr, voltage):
        raise LbsymError(f"expected an expression even in {voltage}, got {expr}")
    Vp = sp.Symbol(voltage.name + "_pos", positive=True)
    lim = _opaque_limit(expr.subs(voltage, Vp), temperature, 0, "+")
    return lim.subs(Vp, sp.Abs(voltage))


def thermal_limit(expr: sp.Expr, voltage: sp.Symbol = V) -> sp.Expr:
    """Equilibrium limit V -> 0 (sympy limit)."""
    return _opaque_limit(expr, voltage, 0, "+-")


def shot_noise(transmissions, voltage: sp.Expr = V, g_s: sp.Expr = 1) -> sp.Expr:
    """Zero-temperature noise g_s 2e|V| (e^2/h) sum T(1-T), as the library's limit."""
    return shot_limit(two_terminal_noise(transmissions, V, Theta, g_s)).subs(V, voltage)


def thermal_noise(transmissions, temperature: sp.Expr = Theta, g_s: sp.Expr = 1) -> sp.Expr:
    """Equilibrium (Johnson-Nyquist) noise 4 k_B Theta G, as the library's limit."""
    return thermal_limit(two_terminal_noise(transmissions, V, Theta, g_s)).subs(Theta, temperature)


def fano(transmissions) -> sp.Expr:
    """Fano factor sum T(1-T) / sum T (symbolic; numbers give a sympy number)."""
    s1, _, s11 = _sums(transmissions)
    return s11 / s1


def transmission_traces(t, simplify=None) -> tuple[sp.Expr, sp.Expr]:
    """(Tr t^dagger t, Tr (t^dagger t)^2) = (sum T_n, sum T_n^2) of a symbolic
    transmission block, without diagonalizing; ``simplify`` is applied to both."""
    try:
        t = sp.Matrix(t)
    except ValueError as exc:
        raise ShapeError(f"transmission block: expected a matrix, got {t!r}") from exc
    A = t.H * t
    s1, s2 = A.trace(), sp.expand((A * A).trace())
    if simplify is not None:
        s1, s2 = simplify(s1), simplify(s2)
    return s1, s2


def fano_from_t(t, simplify=None) -> sp.Expr:
    """Fano factor (Tr t^dagger t - Tr (t^dagger t)^2) / Tr t^dagger t of a
    symbolic transmission block (no eigenvalues needed)."""
    s1, s2 = transmission_traces(t, simplify)
    return sp.factor(s1 - s2) / s1 if simplify is None else simplify((s1 - s2) / s1)


def lead_indices(ports: Sequence, lead) -> list[int]:
    """Indices of the ports (tuples (lead, channel[, spin]) or lead names) of ``lead``."""
    idx = [i for i, p in enumerate(ports) if (p[0] if isinstance(p, tuple) else p) == lead]
    if not idx:
        raise LbsymError(f"expected a lead among the ports, got {lead!r}")
    return idx


def noise_matrix_symbolic(S, voltages: dict, simplify=sp.factor) -> sp.Matrix:
    """Zero-temperature multi-terminal noise matrix of a symbolic lbsym SMatrix.

    ``voltages`` maps every lead of ``S`` to its voltage (sympy expressions);
    same formula as :func:`lbsym.noise_numeric.noise_matrix` with F(x) = |x|.  Rows and columns
    follow ``S.leads``; each entry is passed through ``simplify`` after the
    S-matrix's relations (e.g. R = 1 - T) are applied.
    """
    if not (hasattr(S, "leads") and hasattr(S, "submatrix") and hasattr(S, "relations")):
        raise TypeError(f"noise_matrix_symbolic: expected an lbsym SMatrix, got {type(S).__name__}")
    leads = list(S.leads)
    missing = [l for l in leads if l not in voltages]
    if missing:
        raise LbsymError(f"expected a voltage for every lead {leads}, got none for {missing}")
    blocks = {(a, b): sp.Matrix(S.submatrix(a, b)) for a in leads for b in leads}

    def A(a, b, g):
        m = -blocks[(a, b)].H * blocks[(a, g)]
        if a == b == g:
            m = m + sp.eye(m.shape[0])
        return m

    n = len(leads)
    out = sp.zeros(n, n)
    for i, a in enumerate(leads):
        for j, b in enumerate(leads):
            acc = sp.S.Zero
            for g in leads:
                for d in leads:
                    w = e * sp.Abs(_sympify(voltages[g], f"voltage of lead {g!r}")
                                   - _sympify(voltages[d], f"voltage of lead {d!r}"))
                    if w == 0:
                        continue
                    acc += (A(a, g, d) * A(b, d, g)).trace() * w
            acc = sp.expand(acc * e**2 / h).subs(S.relations)
            out[i, j] = simplify(sp.expand(acc))
    return out


# The numeric routes moved to lbsym.noise_numeric; the old names still resolve
# here, with a DeprecationWarning.
__getattr__ = forwarder(__name__, {n: "lbsym.noise_numeric" for n in (
    "transmission_eigenvalues", "fermi", "noise_integral", "noise_value", "noise_matrix")})

"""Adiabatic pumping, numeric side: cycles in parameter space, quadrature, the pump.

:class:`Path` (closed cycles: ellipses, polygons, any parametrization),
:class:`Pump` (the pumped charge per cycle of a symbolic S-matrix by the three
routes of :mod:`lbsym.pumping`: small-cycle closed form, area integral of the
Brouwer integrand, line integral of the emissivities), and the numeric
emissivities and loop integrals of S-matrices given as numbers (a lattice
system): :func:`emissivities_from_smatrices`, :func:`integrand_from_smatrices`,
:func:`line_charge`.  Conventions and references: :mod:`lbsym.pumping`.
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from .errors import ParameterError, PathError
from .numeric import Evaluator
from .pumping import (CANCEL_LIMIT, brouwer_integrand, checked_smatrix, harmonic_cycle_charge, lead_rows,
                      numeric_unitarity, pumped_matrix, rational_form, resolve_params)
from .smatrix import SMatrix

__all__ = [
    "Path",
    "Pump",
    "emissivities_from_smatrices",
    "integrand_from_smatrices",
    "line_charge",
]


# ------------------------------------------------------------------------ paths
@lru_cache(maxsize=8)
def _lobatto(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Lobatto-Legendre nodes (ends included) and weights on [0, 1].

    Exact for polynomials of degree 2n - 3; with the ends among the nodes
    the interpolants of adjacent panels agree at the joins.
    """
    L = np.polynomial.legendre
    c = np.zeros(n)
    c[-1] = 1.0  # P_{n-1}
    inner = np.sort(np.real(L.legroots(L.legder(c))))
    x = np.concatenate([[-1.0], inner, [1.0]])
    w = 2.0 / (n * (n - 1) * L.legval(x, c) ** 2)
    x.setflags(write=False)
    w.setflags(write=False)
    return (x + 1) / 2, w / 2


_PANEL = 16


def _composite(n: int, a: float = 0.0, b: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """About n composite Gauss-Lobatto nodes (panels of 16) on [a, b]."""
    panels = max(1, -(-n // _PANEL))
    x, w = _lobatto(_PANEL)
    edges = np.linspace(a, b, panels + 1)
    h = np.diff(edges)
    nodes = (edges[:-1, None] + h[:, None] * x[None, :]).ravel()
    weights = (h[:, None] * w[None, :]).ravel()
    return nodes, weights


def _as_points(x: Any, what: str) -> np.ndarray:
    try:
        arr = np.array(x, dtype=float)
    except (TypeError, ValueError):
        raise PathError(f"{what}: expected real numbers; got {x!r}") from None
    if not np.all(np.isfinite(arr)):
        raise PathError(f"{what}: expected finite real numbers; got {x!r}")
    return arr


class Path:
    """A closed cycle in the space of the pumping parameters.

    Build one with :meth:`ellipse`, :meth:`circle`, :meth:`polygon`,
    :meth:`parametric` (sympy expressions of a time-like variable) or
    :meth:`function` (numeric callables).  ``nodes(n)`` returns quadrature
    nodes ``(X, V, w)`` such that the loop integral of a 1-form,
    sum_j a_j dX_j, is approximately ``sum_i w_i a(X_i) . V_i``; V is the
    velocity dX/du of the parametrization.  Coordinates are in the order of
    the pump's parameters.
    """

    def __init__(self, dim: int, sampler: Callable[[int], tuple], description: str,
                 *, periodic: bool = False) -> None:
        self.dim = int(dim)
        self._sampler = sampler
        self.description = description
        self.periodic = periodic

    def __repr__(self) -> str:
        return f"Path({self.description})"

    def nodes(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X (n, dim), V (n, dim), w (n,)) quadrature nodes along the path."""
        X, V, w = self._sampler(int(n))
        return np.asarray(X, float), np.asarray(V, float), np.asarray(w, float)

    def reversed(self) -> "Path":
        """The same path run the other way round (its charge changes sign)."""
        def sampler(n):
            X, V, w = self._sampler(n)
            return X[::-1], -V[::-1], w[::-1]
        return Path(self.dim, sampler, f"reversed {self.description}",
                    periodic=self.periodic)

    def centroid(self) -> np.ndarray:
        """Mean of the path's points over its parametrization (a cone centre)."""
        X, _, w = self.nodes(256)
        return (X * w[:, None]).sum(axis=0) / w.sum()

    def signed_area(self, i: int = 0, j: int = 1) -> float:
        """(1/2) loop integral of X_i dX_j - X_j dX_i: positive counterclockwise."""
        X, V, w = self.nodes(512)
        return float(0.5 * np.sum(w * (X[:, i] * V[:, j] - X[:, j] * V[:, i])))

    # ----------------------------------------------------------- constructors
    @classmethod
    def ellipse(cls, center: Sequence[float], amplitudes: Sequence[float],
                phases: Sequence[float]) -> "Path":
        """X_i(u) = c_i + A_i cos(u + phi_i), u in [0, 2 pi): the harmonic cycle.

        With u = omega t this is the cycle of :func:`harmonic_cycle_charge`;
        in two dimensions it runs counterclockwise when sin(phi_1 - phi_2) > 0.
        Trapezoidal nodes (spectrally accurate for a smooth periodic path).
        """
        c = _as_points(center, "ellipse centre").ravel()
        A = _as_points(amplitudes, "ellipse amplitudes").ravel()
        ph = _as_points(phases, "ellipse phases").ravel()
        if not (len(c) == len(A) == len(ph)) or len(c) < 1:
            raise PathError(f"ellipse: centre, amplitudes and phases need one entry per parameter; "
                            f"got {len(c)}, {len(A)}, {len(ph)}")

        def sampler(n):
            u = 2 * np.pi * np.arange(n) / n
            arg = u[:, None] + ph[None, :]
            return c + A * np.cos(arg), -A * np.sin(arg), np.full(n, 2 * np.pi / n)
        return cls(len(c), sampler, f"ellipse centre={c.tolist()} A={A.tolist()} phi={ph.tolist()}",
                   periodic=True)

    @classmethod
    def circle(cls, center: Sequence[float], radius: float) -> "Path":
        """A counterclockwise circle in a two-parameter plane."""
        c = _as_points(center, "circle centre").ravel()
        if len(c) != 2:
            raise PathError(f"circle: expected a centre with 2 coordinates; got {len(c)}")
        r = float(_as_points(radius, "circle radius"))
        if r <= 0:
            raise PathError(f"circle: expected a positive radius; got {radius!r}")
        return cls.ellipse(c, [r, r], [0.0, -np.pi / 2])

    @classmethod
    def polygon(cls, vertices: Sequence[Sequence[float]]) -> "Path":
        """Straight edges through the vertices in order, closed back to the first.

        Two vertices give a back-and-forth segment (a cycle that encloses no
        area).  Composite Gauss-Lobatto nodes on every edge.
        """
        V = _as_points(vertices, "polygon vertices")
        if V.ndim != 2 or len(V) < 2:
            raise PathError(f"polygon: expected a list of at least 2 vertices with one coordinate per "
                            f"parameter; got shape {V.shape}")
        if len(V) > 2 and np.allclose(V[0], V[-1]):
            V = V[:-1]
        ends = np.roll(V, -1, axis=0)
        m = len(V)

        def sampler(n):
            tau, w = _composite(max(2, -(-n // m)))
            X = (V[:, None, :] + (ends - V)[:, None, :] * tau[None, :, None]).reshape(-1, V.shape[1])
            Vel = np.repeat(ends - V, len(tau), axis=0)
            return X, Vel, np.tile(w, m)
        return cls(V.shape[1], sampler, f"polygon {V.tolist()}")

    @classmethod
    def parametric(cls, exprs: Sequence[sp.Expr], t: sp.Symbol, t0: Any, t1: Any) -> "Path":
        """X_i = exprs[i](t), t from t0 to t1 (sympy expressions, not strings).

        The velocity is the exact symbolic derivative.  Refused with
        :class:`PathError` when X(t1) != X(t0) (not a cycle) or when the
        expressions depend on anything but t.
        """
        if isinstance(exprs, str) or any(isinstance(e, str) for e in exprs):
            raise PathError("parametric path: give sympy expressions, not strings "
                            "(user strings are never evaluated)")
        if not isinstance(t, sp.Symbol):
            raise PathError(f"parametric path: the curve parameter must be a sympy Symbol; got {t!r}")
        ex = [sp.sympify(e) if isinstance(e, (int, float)) else e for e in exprs]
        if not ex or not all(isinstance(e, sp.Basic) for e in ex):
            raise PathError(f"parametric path: expected sympy expressions; got {exprs!r}")
        extra = set().union(*[e.free_symbols for e in ex]) - {t}
        if extra:
            raise PathError(f"parametric path: the coordinates may depend on {t} only; "
                            f"they also depend on {sorted(s.name for s in extra)}")
        a, b = sp.sympify(t0), sp.sympify(t1)
        if not (a.is_number and b.is_number and bool(b > a)):
            raise PathError(f"parametric path: expected numbers t0 < t1; got {t0!r}, {t1!r}")
        start = [complex(e.subs(t, a).evalf(30)) for e in ex]
        end = [complex(e.subs(t, b).evalf(30)) for e in ex]
        scale = 1 + max(abs(x) for x in start + end)
        gap = max(abs(x - y) for x, y in zip(start, end))
        if gap > 1e-12 * scale:
            raise PathError(
                f"parametric path is not closed: X({t}={a}) = {[x.real for x in start]} but "
                f"X({t}={b}) = {[x.real for x in end]}; a pumping cycle must return to its start"
            )
        X = sp.lambdify(t, ex, "numpy")
        dX = sp.lambdify(t, [sp.diff(e, t) for e in ex], "numpy")
        fa, fb = float(a), float(b)

        def sampler(n):
            u, w = _composite(n, fa, fb)
            P = np.stack([np.broadcast_to(np.asarray(x, float), u.shape) for x in X(u)], axis=1)
            Vel = np.stack([np.broadcast_to(np.asarray(x, float), u.shape) for x in dX(u)], axis=1)
            return P, Vel, w
        return cls(len(ex), sampler, f"parametric {ex} for {t} in [{a}, {b}]")

    @classmethod
    def function(cls, position: Callable, velocity: Callable | None = None,
                 period: float = 2 * np.pi) -> "Path":
        """A path from numeric callables u -> X(u) (vectorized: (n,) -> (n, dim)).

        ``velocity`` (dX/du) defaults to a fourth-order central difference.
        Refused with :class:`PathError` when X(period) != X(0).
        """
        T = float(period)
        if not T > 0:
            raise PathError(f"path function: expected a positive period; got {period!r}")

        def pos(u):
            P = np.asarray(position(np.asarray(u, float)), float)
            return P.reshape(len(u), -1)

        ends = pos(np.array([0.0, T]))
        if not np.all(np.isfinite(ends)):
            raise PathError("path function: X(u) is not finite at the ends of the period")
        if np.max(np.abs(ends[0] - ends[1])) > 1e-9 * (1 + np.max(np.abs(ends))):
            raise PathError(f"path function is not closed: X(0) = {ends[0].tolist()} but "
                            f"X({T:g}) = {ends[1].tolist()}; a pumping cycle must return to its start")
        h = 1e-3 * T

        def vel(u):
            if velocity is not None:
                return np.asarray(velocity(u), float).reshape(len(u), -1)
            return (-pos(u + 2 * h) + 8 * pos(u + h) - 8 * pos(u - h) + pos(u - 2 * h)) / (12 * h)

        def sampler(n):
            u, w = _composite(n, 0.0, T)
            return pos(u), vel(u), w
        return cls(ends.shape[1], sampler, f"function path, period {T:g}")


# ------------------------------------------------------------------ numerics
def _compile(exprs: Sequence[sp.Expr], names: Sequence[str]) -> Callable[[np.ndarray], np.ndarray]:
    """X (..., p) -> complex array (..., len(exprs)) via lbsym.numeric.Evaluator."""
    ev = Evaluator(sp.Tuple(*exprs))
    idx = [list(names).index(a) for a in ev.args]

    def f(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, float)
        out = ev(*[X[..., i] for i in idx])
        shape = X.shape[:-1]
        return np.stack([np.broadcast_to(np.asarray(o, complex), shape) for o in out], axis=-1)
    return f


def _converge(fn: Callable[[int], float], n0: int, nmax: int, atol: float, rtol: float,
              what: str) -> tuple[float, float, int]:
    n = n0
    prev = fn(n)
    while True:
        n2 = 2 * n
        cur = fn(n2)
        err = abs(cur - prev)
        if err <= max(atol, rtol * abs(cur)):
            return cur, err, n2
        if 2 * n2 > nmax:
            warnings.warn(f"{what}: quadrature not converged with {n2} nodes "
                          f"(last change {err:.2e})", RuntimeWarning, stacklevel=3)
            return cur, err, n2
        n, prev = n2, cur


def emissivities_from_smatrices(S: np.ndarray, dS: Sequence[np.ndarray], rows: Sequence[int]) -> np.ndarray:
    """Numeric dn/dX_j = (1/2 pi) sum_{m in rows, b} Im(dS_j[m, b] conj(S[m, b])).

    ``S`` has shape (..., N, N) and each ``dS[j]`` the same shape; returns
    (..., len(dS)).
    """
    S = np.asarray(S)
    r = list(rows)
    out = [np.sum(np.imag(np.asarray(d)[..., r, :] * np.conj(S[..., r, :])), axis=(-2, -1))
           for d in dS]
    return np.stack(out, axis=-1) / (2 * np.pi)


def _fd_derivative(smatrix: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                   direction: np.ndarray, h: float) -> np.ndarray:
    """Fourth-order central difference of a numeric S-matrix along ``direction``."""
    f = lambda s: np.asarray(smatrix(X + s * direction), complex)  # noqa: E731
    return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)


def integrand_from_smatrices(smatrix: Callable[[np.ndarray], np.ndarray], X: Sequence[float],
                             rows: Sequence[int], pair: tuple[int, int] = (0, 1),
                             step: float = 1e-3) -> float:
    """Pi from any numeric S-matrix source (e.g. the lattice solver) by finite differences.

    ``smatrix(X)`` returns the (N, N) S-matrix at the parameter point X;
    dS/dX_i and dS/dX_j are fourth-order central differences with ``step``.
    """
    X = np.asarray(X, float)
    i, j = pair
    e = np.eye(len(X))
    d1 = _fd_derivative(smatrix, X, e[i], step)[list(rows)]
    d2 = _fd_derivative(smatrix, X, e[j], step)[list(rows)]
    return float(np.sum(np.imag(np.conj(d1) * d2)) / np.pi)


def _diff_matrix(x: np.ndarray) -> np.ndarray:
    """Derivative of the polynomial interpolant through nodes x (barycentric form)."""
    n = len(x)
    diff = x[:, None] - x[None, :]
    np.fill_diagonal(diff, 1.0)
    lam = 1.0 / np.prod(diff, axis=1)
    D = (lam[None, :] / lam[:, None]) / diff
    np.fill_diagonal(D, 0.0)
    D[np.arange(n), np.arange(n)] = -D.sum(axis=1)
    return D


def _path_derivative(path: "Path", S: np.ndarray, w: np.ndarray) -> np.ndarray:
    """dS/du along the path from S at its quadrature nodes only (spectral).

    Periodic paths (uniform nodes over one period): Fourier differentiation.
    Other paths: nodes come in panels of 16 Gauss-Lobatto points (panel ends
    included); on each panel S is differentiated through its interpolating
    polynomial P.  The panel's quadrature is exact for Im(P* P') and the
    interpolants of adjacent panels agree at the joins, so the error is that
    of interpolating S, not the larger error of differentiating it.
    """
    n = len(S)
    if path.periodic:
        m = np.fft.fftfreq(n, d=1.0 / n)
        if n % 2 == 0:
            m[n // 2] = 0.0
        return np.fft.ifft(1j * m[:, None, None] * np.fft.fft(S, axis=0), axis=0)
    P = n // _PANEL
    x, _ = _lobatto(_PANEL)
    D = _diff_matrix(x)
    h = w.reshape(P, _PANEL).sum(axis=1)
    Sp = S.reshape(P, _PANEL, *S.shape[1:])
    return (np.einsum("ij,pjab->piab", D, Sp) / h[:, None, None, None]).reshape(S.shape)


def line_charge(smatrix: Callable[[np.ndarray], np.ndarray], path: "Path", rows: Sequence[int],
                nodes: int = 256, derivative: str = "spectral", step: float = 1e-3) -> float:
    """Route (c) from any numeric S-matrix source (e.g. the lattice solver).

    The loop integral of the emissivities, (1/2 pi) sum_i w_i
    sum_{m in rows, b} Im(dS_{mb}/du conj(S_{mb})), where dS/du along the
    path is obtained from S-matrices alone: ``derivative="spectral"``
    differentiates the S-matrices at the quadrature nodes themselves
    (Fourier series on a periodic path, polynomial interpolation on each
    16-point Gauss-Lobatto panel otherwise: one S-matrix per node);
    ``"fd"`` uses fourth-order central differences with ``step`` along the
    unit tangent (four extra S-matrices per node).  Returns the charge
    entering from the lead whose outgoing rows are ``rows``.
    """
    X, V, w = path.nodes(nodes)
    r = list(rows)
    S = np.array([np.asarray(smatrix(x), complex) for x in X])
    if derivative == "spectral":
        dS = _path_derivative(path, S, w)
    elif derivative == "fd":
        dS = np.zeros_like(S)
        for i, (x, v) in enumerate(zip(X, V)):
            speed = float(np.linalg.norm(v))
            if speed:
                dS[i] = _fd_derivative(smatrix, x, v / speed, step) * speed
    else:
        raise ParameterError(f"derivative must be 'spectral' or 'fd'; got {derivative!r}")
    a = np.sum(np.imag(dS[:, r, :] * np.conj(S[:, r, :])), axis=(1, 2))
    return float(np.sum(w * a) / (2 * np.pi))


class Pump:
    """Numeric pumped charge of a symbolic S-matrix (routes (a), (b), (c)).

    Parameters
    ----------
    S
        A unitary :class:`~lbsym.smatrix.SMatrix`.
    params
        The pumping parameters (real symbols of S, or their names), in the
        order of a path's coordinates.
    values
        Fixed values of every other symbol of S (by name or symbol).
    closed_form
        Whether route (b) integrates the closed-form Brouwer integrand
        (:func:`brouwer_integrand`) or evaluates (1/pi) sum Im(dS*/dX_i dS/dX_j)
        from the numeric derivatives.  Default: the closed form unless S has
        more than :data:`CANCEL_LIMIT` operations (large networks, where the
        exact algebra of the closed form becomes slow).

    Examples
    --------
    >>> import sympy as sp
    >>> from lbsym.network import series
    >>> from lbsym.scatterers import lattice_impurity
    >>> e1, e2 = sp.symbols("epsilon1 epsilon2", real=True)
    >>> k, d = sp.symbols("k d", positive=True)
    >>> S = series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[k * d])
    >>> pump = Pump(S, ("epsilon1", "epsilon2"), {"k": 1.0, "d": 3})
    >>> cyc = Path.circle((1.0, 0.5), 0.3)
    >>> qa, qc = pump.charge(cyc, "left", "area"), pump.charge(cyc, "left", "line")
    >>> bool(abs(qa - qc) < 1e-10), bool(abs(qa + pump.charge(cyc, "right")) < 1e-10)
    (True, True)
    """

    def __init__(self, S: SMatrix, params: Sequence[Any], values: Mapping[Any, Any] | None = None,
                 *, closed_form: bool | None = None) -> None:
        S = checked_smatrix(S)
        ps = resolve_params(S, params, 1)
        self.S = S
        self.params = ps
        self.closed_form = (sp.count_ops(S.matrix) <= CANCEL_LIMIT) if closed_form is None else bool(closed_form)
        self.names = tuple(p.name for p in ps)
        m = pumped_matrix(S, ps)
        numeric_unitarity(S)
        subs = self._values(m, values or {})
        self.values = subs
        left = m.free_symbols - set(ps) - set(subs)
        if left:
            raise ParameterError(
                f"missing value(s) for {sorted(s.name for s in left)}: every symbol that is not "
                f"pumped needs a fixed value"
            )
        # S = N/D and dS/dX = (D dN/dX - N dD/dX)/D^2 from the common-denominator form
        _, D, N = rational_form(S, ps)
        D, N = D.subs(subs), [x.subs(subs) for x in N]
        self.n = m.rows
        self._S = _compile([x / D for x in N], self.names)
        self._dS = []
        for p in ps:
            dD = sp.diff(D, p)
            self._dS.append(_compile([(sp.diff(x, p) * D - x * dD) / D**2 for x in N], self.names))
        self._pi: dict = {}
        self._emis: dict = {}

    def _values(self, m: sp.ImmutableMatrix, values: Mapping[Any, Any]) -> dict:
        syms = set(m.free_symbols)
        by_name = {s.name: s for s in syms}
        out = {}
        for k, v in values.items():
            s = by_name.get(k) if isinstance(k, str) else (k if k in syms else None)
            if s is None:
                name = k if isinstance(k, str) else getattr(k, "name", repr(k))
                raise ParameterError(f"unknown symbol {name!r}; this S-matrix depends on {sorted(by_name)}")
            if s in self.params:
                raise ParameterError(f"{s.name!r} is a pumping parameter; it cannot also be fixed")
            try:
                val = float(v)
            except (TypeError, ValueError):
                raise ParameterError(f"value of {s.name!r} must be a real number; got {v!r}") from None
            if not math.isfinite(val):
                raise ParameterError(f"value of {s.name!r} must be finite; got {v!r}")
            out[s] = sp.Float(val, 17) if not float(val).is_integer() else sp.Integer(int(val))
        return out

    # ---------------------------------------------------------------- access
    @property
    def leads(self) -> tuple[Any, ...]:
        return self.S.leads

    def lead_rows(self, lead: Any) -> list[int]:
        return lead_rows(self.S, lead)

    def _point(self, X: Any) -> np.ndarray:
        X = np.asarray(X, float)
        if X.shape[-1:] != (len(self.params),):
            raise PathError(f"expected points with {len(self.params)} coordinates "
                            f"{list(self.names)}; got shape {X.shape}")
        return X

    def smatrix(self, X: Any) -> np.ndarray:
        """Numeric S at parameter point(s) X (..., p) -> (..., N, N)."""
        X = self._point(X)
        return self._S(X).reshape(X.shape[:-1] + (self.n, self.n))

    def derivatives(self, X: Any) -> list[np.ndarray]:
        """[dS/dX_j] at X, from the symbolic derivatives (numpy)."""
        X = self._point(X)
        return [f(X).reshape(X.shape[:-1] + (self.n, self.n)) for f in self._dS]

    def emissivities(self, X: Any, lead: Any) -> np.ndarray:
        """Numeric dn_lead/dX_j at X (..., p) -> (..., p), from S and dS/dX."""
        return emissivities_from_smatrices(self.smatrix(X), self.derivatives(X), self.lead_rows(lead))

    def integrand_expr(self, lead: Any, pair: tuple[int, int] = (0, 1)) -> sp.Expr:
        """Closed-form Pi_lead for the parameter pair (symbolic, values not substituted)."""
        i, j = pair
        return brouwer_integrand(self.S, lead, (self.params[i], self.params[j]))

    def integrand(self, X: Any, lead: Any, pair: tuple[int, int] = (0, 1)) -> np.ndarray:
        """Numeric Brouwer integrand Pi_lead at X (..., p) (closed form, see ``closed_form``)."""
        key = (lead, tuple(pair))
        if not self.closed_form:
            X = self._point(X)
            i, j = pair
            dS = self.derivatives(X)
            r = self.lead_rows(lead)
            return np.sum(np.imag(np.conj(dS[i][..., r, :]) * dS[j][..., r, :]), axis=(-2, -1)) / np.pi
        if key not in self._pi:
            expr = self.integrand_expr(lead, pair).subs(self.values)
            f = _compile([expr], self.names)
            self._pi[key] = lambda Y, f=f: f(Y)[..., 0].real
        return self._pi[key](self._point(X))

    # ---------------------------------------------------------------- charge
    def _check_path(self, path: Path) -> None:
        if not isinstance(path, Path):
            raise PathError(f"expected a Path (Path.ellipse, .circle, .polygon, .parametric, "
                            f".function); got {type(path).__name__}")
        if path.dim != len(self.params):
            raise PathError(f"the path has {path.dim} coordinates but the pump has "
                            f"{len(self.params)} parameters {list(self.names)}")

    def _line(self, path: Path, rows: list[int], n: int) -> float:
        X, V, w = path.nodes(n)
        a = emissivities_from_smatrices(self.smatrix(X), self.derivatives(X), rows)
        return float(np.sum(w * np.sum(a * V, axis=1)))

    def _area(self, path: Path, lead: Any, n: int, center: np.ndarray) -> float:
        X, V, w = path.nodes(n)
        s, ws = _composite(max(_PANEL, n // 2))
        R = X - center  # (n, p)
        F = center + s[:, None, None] * R[None, :, :]  # (m, n, p)
        p = len(self.params)
        total = np.zeros((len(s), len(X)))
        for i in range(p):
            for j in range(i + 1, p):
                jac = R[:, i] * V[:, j] - R[:, j] * V[:, i]  # (n,)
                total += self.integrand(F, lead, (i, j)) * jac[None, :]
        return float(np.sum(ws[:, None] * s[:, None] * total * w[None, :]))

    def charge_estimate(self, path: Path, lead: Any, method: str = "line", *,
                        atol: float = 1e-12, rtol: float = 1e-11, center: Any = None,
                        max_nodes: int = 2**14) -> tuple[float, float, int]:
        """(charge, error estimate, nodes) entering from ``lead`` per cycle (see :meth:`charge`)."""
        self._check_path(path)
        rows = self.lead_rows(lead)
        if method == "line":
            return _converge(lambda n: self._line(path, rows, n), 64, max_nodes, atol, rtol,
                             "line integral of the emissivities")
        if method == "area":
            c = path.centroid() if center is None else self._point(center).ravel()
            return _converge(lambda n: self._area(path, lead, n, c), 64, min(max_nodes, 2**12),
                             atol, rtol, "area integral of the Brouwer integrand")
        raise ParameterError(f"method must be 'line' (emissivities, Stokes) or 'area' (Brouwer "
                             f"integrand); got {method!r}")

    def charge(self, path: Path, lead: Any, method: str = "line", **kw: Any) -> float:
        """Electrons entering the scatterer from ``lead`` per cycle of ``path``.

        ``method="line"``: route (c), the loop integral of the emissivities
        (from S and its symbolic derivatives); ``method="area"``: route (b),
        the integral of the closed-form Brouwer integrand over the enclosed
        region (cone form of Green's theorem, centre ``center`` or the
        path's centroid).  Both refine their quadrature until two successive
        results agree to ``atol``/``rtol``.
        """
        return self.charge_estimate(path, lead, method, **kw)[0]

    def charges(self, path: Path, method: str = "line", **kw: Any) -> dict:
        """{lead: charge} for every lead (they sum to zero)."""
        return {lead: self.charge(path, lead, method, **kw) for lead in self.leads}

    def small_cycle_charge(self, center: Sequence[float], amplitudes: Sequence[float],
                           phases: Sequence[float], lead: Any) -> float:
        """Route (a): sum_{i<j} pi A_i A_j sin(phi_i - phi_j) Pi^{(ij)}(center)."""
        p = len(self.params)
        if p < 2:
            raise ParameterError("a single pumping parameter encloses no area: the small-cycle charge is 0")
        hc = harmonic_cycle_charge(p)
        c = self._point(center)
        A = np.asarray(amplitudes, float)
        ph = np.asarray(phases, float)
        if A.shape != (p,) or ph.shape != (p,):
            raise PathError(f"expected {p} amplitudes and {p} phases")
        vals = {**dict(zip(hc.amplitudes, A)), **dict(zip(hc.phases, ph))}
        for (i, j), C in hc.curls.items():
            vals[C] = float(self.integrand(c, lead, (i, j)))
        return float(hc.charge.subs(vals))

"""Numeric evaluators of symbolic results.

``evaluator(expr)`` returns a vectorized numpy function (backend "numpy") or
an mpmath function at a chosen number of digits (backend "mpmath").  The
arguments are the free symbols *sorted by name*; the function also accepts
them as keywords, and ``.args`` lists the names in order.  The constants
e, h, k_B are arguments like any other unless ``si=True`` substitutes their
exact SI values.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp

from ._sympify import sympify as _sympify
from .constants import SI
from .errors import ParameterError, SingularNetworkError

__all__ = ["evaluator", "Evaluator", "evaluate"]


class Evaluator:
    """A compiled numeric function of named symbols (see module docstring)."""

    def __init__(self, expr: Any, *, backend: str = "numpy", digits: int = 15,
                 si: bool = False, relations: Mapping[Any, Any] | None = None) -> None:
        expr = _sympify(expr, "expr")
        for _ in range(len(relations or ()) + 1):  # R1 -> 1 - T1: the user gives T1 only
            if not relations or not set(relations) & expr.free_symbols:
                break
            expr = expr.subs(relations)
        if si:
            expr = expr.subs(SI)
        if backend not in ("numpy", "mpmath"):
            raise ParameterError(f"backend must be 'numpy' or 'mpmath'; got {backend!r}")
        if not isinstance(digits, int) or digits < 1:
            raise ParameterError(f"digits must be a positive integer; got {digits!r}")
        self.expr = expr
        self.symbols = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
        self.args = tuple(s.name for s in self.symbols)
        self.backend = backend
        self.digits = digits
        if backend == "numpy":
            from scipy.special import eval_chebyu, polygamma, zeta

            modules = [{"chebyshevu": eval_chebyu, "polygamma": polygamma, "zeta": zeta}, "numpy"]
        else:
            modules = [{"chebyshevu": mpmath.chebyu}, "mpmath"]
        self._f: Callable = sp.lambdify(self.symbols, expr, modules=modules, cse=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            unknown = set(kwargs) - set(self.args)
            if unknown:
                raise ParameterError(
                    f"unknown symbol(s) {sorted(unknown)}; this result depends on {list(self.args)}"
                )
            if len(args) + len(kwargs) != len(self.args):
                missing = [a for a in self.args[len(args):] if a not in kwargs]
                raise ParameterError(f"missing value(s) for {missing}")
            args = tuple(args) + tuple(kwargs[a] for a in self.args[len(args):])
        if len(args) != len(self.args):
            raise ParameterError(
                f"expected {len(self.args)} values for {list(self.args)}; got {len(args)}"
            )
        try:
            if self.backend == "mpmath":
                with mpmath.workdps(self.digits):
                    return self._f(*[mpmath.mpmathify(a) for a in args])
            return self._f(*[np.asarray(a) for a in args])
        except ZeroDivisionError as exc:
            raise ParameterError(
                f"{self.expr} is singular (a division by zero) at {dict(zip(self.args, args))}") from exc

    def at(self, point: Mapping[Any, Any]) -> Any:
        """Evaluate at a point given as a mapping (keys: symbols or names) that may
        hold values of other symbols too; a missing argument is an error."""
        named = {getattr(k, "name", k): v for k, v in point.items()}
        missing = [a for a in self.args if a not in named]
        if missing:
            raise ParameterError(f"missing value(s) for {missing}")
        return self(*[named[a] for a in self.args])

    def positional(self, order: Sequence[Any]) -> Callable:
        """This function with its arguments in a given ``order`` (symbols or names).

        Names in ``order`` that the expression does not depend on are accepted
        and ignored; a symbol of the expression missing from ``order`` is an
        error, so a caller's hand-written argument list cannot silently drop one.
        """
        names = [getattr(o, "name", o) for o in order]
        missing = [a for a in self.args if a not in names]
        if missing:
            raise ParameterError(f"the expression also depends on {missing}; the order lists {names}")
        pick = [names.index(a) for a in self.args]
        return lambda *vals: self(*[vals[i] for i in pick])

    def __repr__(self) -> str:
        return f"Evaluator({self.expr}, args={self.args}, backend={self.backend!r})"


def evaluator(expr: Any, *, backend: str = "numpy", digits: int = 15,
              si: bool = False, relations: Mapping[Any, Any] | None = None) -> Evaluator:
    """Compile ``expr`` to a numeric function of its free symbols (sorted by name).

    ``relations`` (e.g. an S-matrix's ``relations``, R1 = 1 - T1) are
    substituted first, so the function takes only the independent symbols.

    Examples
    --------
    >>> import sympy as sp
    >>> T1, T2 = sp.symbols("T1 T2", positive=True)
    >>> f = evaluator(T1 * T2)
    >>> f.args
    ('T1', 'T2')
    >>> float(f(0.5, 0.5))
    0.25
    """
    return Evaluator(expr, backend=backend, digits=digits, si=si, relations=relations)


def evaluate(expr: Any, values: Mapping[str, Any], *, digits: int = 15,
             si: bool = True) -> Any:
    """Evaluate at named values with mpmath (exact SI constants by default)."""
    expr = _sympify(expr, "expr")
    if si:
        expr = expr.subs(SI)
    by_name = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ParameterError(
            f"unknown symbol(s) {unknown}; this result depends on {sorted(by_name)}"
        )
    missing = sorted(set(by_name) - set(values))
    if missing:
        raise ParameterError(f"missing value(s) for {missing}")
    with mpmath.workdps(digits + 5):
        val = expr.subs({by_name[k]: _sympify(v, f"value of {k}") for k, v in values.items()}).evalf(digits + 5)
    return val


def network_smatrix(network: Any, values: Mapping[Any, Any]) -> np.ndarray:
    """Numeric S-matrix of a :class:`~lbsym.network.Network` at given values.

    An independent route to the closed form: every outgoing amplitude of
    every part is an unknown, and the whole linear system
    (1 - S_parts P) b = S_parts E a_ext is solved at once with numpy (no
    symbolic elimination, no loop ordering).  Rows/columns follow the
    network's external leads and channels in declaration order.  ``values``
    maps symbols (or their names) to numbers; values of other symbols are
    ignored.  The parts' matrices and link phases are compiled once per
    network (and recompiled if the network changes).
    """
    if not hasattr(network, "validate"):
        raise TypeError(f"network_smatrix: expected a Network, got {type(network).__name__}")
    network.validate()
    signature = (tuple((n, id(S)) for n, S in network.parts.items()), tuple(network.links),
                 tuple((n, tuple(ps)) for n, ps in network.leads))
    cached = _NETWORK_CACHE.get(id(network))
    if cached is None or cached[0] != signature or cached[1]() is not network:
        import weakref

        cached = (signature, weakref.ref(network), _compile_network(network))
        _NETWORK_CACHE[id(network)] = cached
    symbols, names, f, E = cached[2]
    named = {getattr(k, "name", k): v for k, v in values.items()}
    missing = [n for n in names if n not in named]
    if missing:
        raise ParameterError(f"cannot evaluate the network numerically: missing values for {missing}")
    for n in names:  # exact sympy numbers (pi/2, 1/3) as floats
        v = named[n]
        if isinstance(v, sp.Basic):
            if not v.is_number:
                raise ParameterError(f"the value of {n} is not a number: {v}")
            named[n] = complex(v) if not v.is_real else float(v)
    try:
        Sb, P = f(*[named[n] for n in names])
        Sb = np.asarray(Sb, dtype=complex)
        P = np.asarray(P, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"cannot evaluate the network numerically at {dict(named)}: {exc}") from exc
    A = np.eye(len(Sb)) - Sb @ P
    # a bound state decoupled from the leads: exactly singular, or singular to rounding
    # (then the solution would be rounding noise, not an S-matrix)
    cond = np.linalg.cond(A) if A.size else 1.0
    try:
        if not np.isfinite(cond) or cond > 1e13:
            raise np.linalg.LinAlgError(f"condition number {cond:.1e}")
        b = np.linalg.solve(A, Sb @ E)
    except np.linalg.LinAlgError as exc:
        raise SingularNetworkError(
            "the network's linear system 1 - S P is singular at these values (a state decoupled "
            f"from the leads; {exc})") from exc
    return E.T @ b


#: id(network) -> (structure signature, weak reference, compiled pieces)
_NETWORK_CACHE: dict[int, tuple] = {}


def _compile_network(network: Any) -> tuple:
    """The block-diagonal S of the parts and the link matrix P as one numpy function."""
    ports: list = []
    for name, S in network.parts.items():
        ports += [(name, p) for p in S.ports]
    index = {p: i for i, p in enumerate(ports)}
    n = len(ports)
    Sb = sp.zeros(n, n)
    for name, S in network.parts.items():
        idx = [index[(name, p)] for p in S.ports]
        for a, i in enumerate(idx):
            for b, j in enumerate(idx):
                Sb[i, j] = S.matrix[a, b]
    P = sp.zeros(n, n)  # incoming a = P b (+ external)
    for a, b, phase, flux in network.links:
        P[index[b], index[a]] = sp.exp(sp.I * (phase + flux))
        P[index[a], index[b]] = sp.exp(sp.I * (phase - flux))
    ext = [p for _, ps in network.leads for p in ps]
    E = np.zeros((n, len(ext)), complex)
    for j, p in enumerate(ext):
        E[index[p], j] = 1
    symbols = sorted(Sb.free_symbols | P.free_symbols, key=lambda s: s.name)
    names = [s.name for s in symbols]
    if len(set(names)) != len(names):
        raise ParameterError("two different symbols of this network share a name")
    f = sp.lambdify(symbols, (Sb, P), modules="numpy")
    return symbols, names, f, E

"""Numeric evaluators of symbolic results.

``evaluator(expr)`` returns a vectorized numpy function (backend "numpy") or
an mpmath function at a chosen number of digits (backend "mpmath").  The
arguments are the free symbols *sorted by name*; the function also accepts
them as keywords, and ``.args`` lists the names in order.  The constants
e, h, k_B are arguments like any other unless ``si=True`` substitutes their
exact SI values.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

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
            from scipy.special import eval_chebyu

            modules = [{"chebyshevu": eval_chebyu}, "numpy"]
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
    network's external leads and channels in declaration order.
    """
    if not hasattr(network, "_validate"):
        raise TypeError(f"network_smatrix: expected a Network, got {type(network).__name__}")
    network._validate()
    subs = {}
    for k, v in values.items():
        subs[k] = v
    ports: list = []
    for name, S in network.parts.items():
        ports += [(name, p) for p in S.ports]
    index = {p: i for i, p in enumerate(ports)}
    n = len(ports)

    def num(x: Any) -> complex:
        try:
            return complex(sp.sympify(x).subs(subs).evalf(20))
        except TypeError as exc:
            raise ParameterError(f"cannot evaluate {x} numerically: missing values") from exc

    Sb = np.zeros((n, n), complex)
    for name, S in network.parts.items():
        idx = [index[(name, p)] for p in S.ports]
        try:
            M = np.array(S.matrix.subs(subs).evalf(20).tolist(), dtype=complex)
        except TypeError as exc:
            missing = sorted(str(s) for s in S.matrix.subs(subs).free_symbols)
            raise ParameterError(f"cannot evaluate part {name!r} numerically: missing values for {missing}") from exc
        Sb[np.ix_(idx, idx)] = M
    P = np.zeros((n, n), complex)  # incoming a = P b (+ external)
    for a, b, phase, flux in network.links:
        P[index[b], index[a]] = num(sp.exp(sp.I * (phase + flux)))
        P[index[a], index[b]] = num(sp.exp(sp.I * (phase - flux)))
    ext = [p for _, ps in network.leads for p in ps]
    E = np.zeros((n, len(ext)), complex)
    for j, p in enumerate(ext):
        E[index[p], j] = 1
    try:
        b = np.linalg.solve(np.eye(n) - Sb @ P, Sb @ E)
    except np.linalg.LinAlgError as exc:
        raise SingularNetworkError(
            "the network's linear system 1 - S P is singular at these values (a state decoupled "
            "from the leads)") from exc
    return E.T @ b

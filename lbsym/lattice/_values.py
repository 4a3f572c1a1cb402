"""Values of on-site energies and hoppings: constants or functions of position.

A value is stored as a :class:`Value`: either a constant ``norbs x norbs``
complex matrix, or a user function together with the names of the
parameters it takes.  Functions are called as

* on-site: ``f(pos, **params)``
* hopping: ``f(pos_a, pos_b, **params)``
* vector potential: ``A(positions, **params)`` with ``positions`` of shape
  ``(n, dim)``, returning an array of the same shape (vectorized).

where only the parameters named in the function's signature are passed
(all of them if it takes ``**kwargs``).  ``pos`` is the site's position (a
float array) or, for a site without a position, its tag.
"""

from __future__ import annotations

import inspect
import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import LatticeError

__all__ = ["Value", "make_value", "param_names"]


def param_names(func: Callable[..., Any], n_positional: int, what: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Return (required, optional, takes_var_kwargs) parameter names of ``func``.

    The first ``n_positional`` parameters are positions and are skipped.
    """
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError) as exc:  # builtins without signature
        raise LatticeError(
            f"{what}: expected a function with an inspectable signature, got {func!r}"
        ) from exc
    params = list(sig.parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) < n_positional and not any(p.kind == p.VAR_POSITIONAL for p in params):
        raise LatticeError(
            f"{what}: expected a function taking {n_positional} position argument(s) first, "
            f"got signature {sig}"
        )
    rest = params[n_positional:] if len(positional) >= n_positional else []
    required, optional, var_kw = [], [], False
    for p in rest:
        if p.kind == p.VAR_KEYWORD:
            var_kw = True
        elif p.kind == p.VAR_POSITIONAL:
            continue
        elif p.default is p.empty:
            required.append(p.name)
        else:
            optional.append(p.name)
    return tuple(required), tuple(optional), var_kw


@dataclass(frozen=True)
class Value:
    """A constant matrix (``const``) or a function of position(s) and parameters."""

    const: np.ndarray | None
    func: Callable[..., Any] | None = None
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    var_kw: bool = False

    @property
    def is_const(self) -> bool:
        return self.func is None

    def kwargs(self, params: Mapping[str, Any], what: str) -> dict[str, Any]:
        if self.var_kw:
            return dict(params)
        missing = [n for n in self.required if n not in params]
        if missing:
            raise LatticeError(
                f"{what} needs parameter(s) {missing}; expected them in params, "
                f"got params={sorted(params)}"
            )
        return {n: params[n] for n in self.required + self.optional if n in params}

    def evaluate(self, args: tuple[Any, ...], params: Mapping[str, Any], norbs: int, what: str) -> np.ndarray:
        if self.func is None:
            return self.const
        kw = self.kwargs(params, what)
        try:
            raw = self.func(*args, **kw)
        except LatticeError:
            raise
        except Exception as exc:
            raise LatticeError(f"{what}: the user function raised {type(exc).__name__}: {exc}") from exc
        return as_matrix(raw, norbs, what)


def as_matrix(raw: Any, norbs: int, what: str) -> np.ndarray:
    """Convert a number or array to a complex ``norbs x norbs`` matrix, checking finiteness."""
    if isinstance(raw, numbers.Number) and not isinstance(raw, bool):
        c = complex(raw)
        if not (math.isfinite(c.real) and math.isfinite(c.imag)):
            raise LatticeError(f"{what}: expected finite values, got {raw!r}")
        return np.array([[c]]) if norbs == 1 else c * np.eye(norbs, dtype=complex)
    else:
        try:
            mat = np.array(raw, dtype=complex)
        except (TypeError, ValueError) as exc:
            raise LatticeError(f"{what}: expected a number or a {norbs}x{norbs} matrix, got {raw!r}") from exc
        if mat.ndim == 0:
            mat = complex(mat) * np.eye(norbs, dtype=complex)
        elif mat.shape != (norbs, norbs):
            raise LatticeError(f"{what}: expected a number or a {norbs}x{norbs} matrix, got shape {mat.shape}")
    if not np.all(np.isfinite(mat)):
        raise LatticeError(f"{what}: expected finite values, got {raw!r}")
    return mat


def check_hermitian(mat: np.ndarray, what: str) -> None:
    """Raise LatticeError unless ``mat`` (an on-site block) is Hermitian."""
    if mat.shape == (1, 1):
        if mat[0, 0].imag != 0:
            raise LatticeError(f"{what}: on-site energy must be real (Hermitian H), got {mat[0, 0]!r}")
        return
    err = np.max(np.abs(mat - mat.conj().T)) if mat.size else 0.0
    if err > 1e-12 * max(1.0, np.max(np.abs(mat))):
        if mat.shape == (1, 1):
            raise LatticeError(f"{what}: on-site energy must be real (Hermitian H), got {mat[0, 0]!r}")
        raise LatticeError(f"{what}: on-site matrix must be Hermitian, got {mat.tolist()!r}")


#: Shared read-only Values of constant scalars, keyed by (value, norbs, onsite): a built
#: system's thousands of equal hoppings and on-site energies share one object.
_SCALARS: dict[tuple[complex, int, bool], Value] = {}
_SCALAR_TYPES = (int, float, complex, np.float64, np.complex128, np.int64)


def make_value(raw: Any, norbs: int, n_positional: int, what: str, *, onsite: bool) -> Value:
    """Normalize a user value (number, matrix or function) to a :class:`Value`."""
    if type(raw) in _SCALAR_TYPES:  # fast path: the common constant scalar (a shared Value)
        c = complex(raw)
        key = (c, norbs, onsite)
        v = _SCALARS.get(key)
        if v is not None:
            return v
        if not (math.isfinite(c.real) and math.isfinite(c.imag)):
            raise LatticeError(f"{what}: expected finite values, got {raw!r}")
        if onsite and c.imag != 0:
            raise LatticeError(f"{what}: on-site energy must be real (Hermitian H), got {c!r}")
        mat = np.array([[c]]) if norbs == 1 else c * np.eye(norbs, dtype=complex)
        mat.setflags(write=False)
        v = Value(mat)
        if len(_SCALARS) < 1024:
            _SCALARS[key] = v
        return v
    if callable(raw):
        req, opt, var_kw = param_names(raw, n_positional, what)
        return Value(None, raw, req, opt, var_kw)
    mat = as_matrix(raw, norbs, what)
    if onsite:
        check_hermitian(mat, what)
    mat.setflags(write=False)
    return Value(mat)

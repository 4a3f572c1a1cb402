"""Picklable value functions used by the ready-made shapes.

Shapes accept numbers or parameter *names* (strings) for their physical
inputs; these small classes turn them into value functions with an
inspectable signature (``__signature__``), so systems built from shapes can
be sent to a process pool.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from ..errors import LatticeError

__all__ = ["Source", "Combo", "PhaseHop", "FluxBond", "Gauge", "GaugeChange", "Saddle", "Shifted"]

_P = inspect.Parameter


def _phase(x: float) -> complex:
    """``exp(2 pi i x)`` with ``x`` reduced modulo 1 first (exactly periodic, accurate for large x)."""
    x = float(x)
    return complex(np.exp(2j * np.pi * (x - np.round(x))))


def _signature(n_pos: int, required: set[str], optional: set[str] = frozenset()) -> inspect.Signature:
    params = [_P(f"pos{i}", _P.POSITIONAL_ONLY) for i in range(n_pos)]
    params += [_P(n, _P.KEYWORD_ONLY) for n in sorted(required)]
    params += [_P(n, _P.KEYWORD_ONLY, default=None) for n in sorted(set(optional) - set(required))]
    return inspect.Signature(params)


class Source:
    """A scalar that is a number, a parameter name, or a function of the positions."""

    def __init__(self, value: Any, n_pos: int) -> None:
        self.value = value
        self.n_pos = n_pos
        self.required: set[str] = set()
        self.optional: set[str] = set()
        if isinstance(value, str):
            try:
                _P(value, _P.KEYWORD_ONLY)
            except ValueError as exc:
                raise LatticeError(f"parameter name: expected a Python identifier, got {value!r}") from exc
            self.required = {value}
        elif callable(value):
            sig = inspect.signature(value)
            for p in list(sig.parameters.values())[n_pos:]:
                if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                    continue
                (self.required if p.default is p.empty else self.optional).add(p.name)

    @property
    def is_const(self) -> bool:
        return not isinstance(self.value, str) and not callable(self.value)

    def __call__(self, pos: tuple, kw: dict) -> Any:
        if isinstance(self.value, str):
            return kw[self.value]
        if callable(self.value):
            names = self.required | self.optional
            return self.value(*pos, **{k: v for k, v in kw.items() if k in names})
        return self.value


class Combo:
    """``sum_k source_k * matrix_k``: on-site (n_pos=1) or hopping (n_pos=2) value."""

    def __init__(self, terms: list[tuple[Any, np.ndarray]], n_pos: int) -> None:
        self.terms = [(Source(v, n_pos), np.asarray(m, dtype=complex)) for v, m in terms]
        req: set[str] = set()
        opt: set[str] = set()
        for s, _ in self.terms:
            req |= s.required
            opt |= s.optional
        self.__signature__ = _signature(n_pos, req, opt)
        self.n_pos = n_pos

    @property
    def is_const(self) -> bool:
        return all(s.is_const for s, _ in self.terms)

    def __call__(self, *args: Any, **kw: Any) -> np.ndarray:
        pos = args[: self.n_pos]
        kw = {k: v for k, v in kw.items() if v is not None}
        return sum(_times(s(pos, kw), m) for s, m in self.terms)

    def value(self) -> Any:
        """The constant value if constant, else self (a function)."""
        if self.is_const:
            return sum(_times(s.value, m) for s, m in self.terms)
        return self


def _times(v: Any, m: np.ndarray) -> np.ndarray:
    """A scalar times the matrix m, or a matrix value times m (matrix product)."""
    return v * m if np.ndim(v) == 0 else np.asarray(v, dtype=complex) @ m


class PhaseHop:
    """Hopping value ``t * exp(2 pi i * fraction * phi)``.

    Used as ``add_hopping(i, j, PhaseHop(...))``, it makes the matrix element
    from j to i equal ``-t exp(2 pi i fraction phi)``: a Peierls phase of
    ``fraction`` of the flux ``phi`` (in units of Phi0).
    """

    def __init__(self, t: Any, flux: Any, fraction: float) -> None:
        self.t = Source(t, 2)
        self.flux = Source(flux, 2)
        self.fraction = float(fraction)
        self.__signature__ = _signature(2, self.t.required | self.flux.required, self.t.optional | self.flux.optional)

    def __call__(self, a: Any, b: Any, **kw: Any) -> complex:
        kw = {k: v for k, v in kw.items() if v is not None}
        return self.t((a, b), kw) * _phase(self.fraction * self.flux((a, b), kw))


class FluxBond:
    """A hopping value (constant matrix or function) times ``exp(2 pi i * sign * flux)``."""

    def __init__(self, value: Any, flux: Any, sign: float) -> None:
        self.value = value
        self.flux = Source(flux, 2)
        self.sign = float(sign)
        req, opt = set(self.flux.required), set(self.flux.optional)
        if callable(value):
            inner = Source(value, 2)
            req |= inner.required
            opt |= inner.optional
        self.__signature__ = _signature(2, req, opt)

    def __call__(self, a: Any, b: Any, **kw: Any) -> Any:
        kw = {k: v for k, v in kw.items() if v is not None}
        base = Source(self.value, 2)((a, b), kw) if callable(self.value) else self.value
        return np.asarray(base) * _phase(self.sign * self.flux((a, b), kw))


class Gauge:
    """Vector potentials (units of Phi0 per lattice constant), vectorized over positions (n, 2).

    mode 'x': ``A = (-B * clip(y, ylo, yhi), 0)`` (Landau gauge along x; the
    field lives where ``ylo <= y <= yhi``).  mode 'y': ``A = (0, B * x)``.
    ``B`` is the flux per plaquette (counter-clockwise), a number or a
    parameter name.
    """

    def __init__(self, flux: Any, mode: str = "x", ylo: float = -np.inf, yhi: float = np.inf) -> None:
        self.flux = Source(flux, 1)
        self.mode, self.ylo, self.yhi = mode, ylo, yhi
        self.__signature__ = _signature(1, self.flux.required, self.flux.optional)

    def __call__(self, r: np.ndarray, **kw: Any) -> np.ndarray:
        B = self.flux((r,), kw)
        A = np.zeros_like(r, dtype=float)
        if self.mode == "x":
            A[:, 0] = -B * np.clip(r[:, 1], self.ylo, self.yhi)
        else:
            A[:, 1] = B * r[:, 0]
        return A


class GaugeChange:
    """``chi(pos) = B x y``: turns the Landau gauge ``(-B y, 0)`` into ``(0, B x)`` (``A + grad chi``)."""

    def __init__(self, flux: Any) -> None:
        self.flux = Source(flux, 1)
        self.__signature__ = _signature(1, self.flux.required, self.flux.optional)

    def __call__(self, pos: np.ndarray, **kw: Any) -> float:
        return float(self.flux((pos,), kw) * pos[0] * pos[1])


class Saddle:
    """Saddle-point potential ``[V0 + m/2 (wy^2 y'^2 - wx^2 x'^2)] cos^2(pi x'/(2 a))`` for ``|x'| < a``."""

    def __init__(self, v0: Any, wx: Any, wy: Any, xc: float, yc: float, half_length: float, t: float) -> None:
        self.v0, self.wx, self.wy = Source(v0, 1), Source(wx, 1), Source(wy, 1)
        self.xc, self.yc, self.a, self.m = xc, yc, half_length, 1.0 / (2.0 * t)
        req = self.v0.required | self.wx.required | self.wy.required
        self.__signature__ = _signature(1, req)

    def __call__(self, pos: np.ndarray, **kw: Any) -> float:
        x, y = pos[0] - self.xc, pos[1] - self.yc
        if abs(x) >= self.a:
            return 0.0
        v = self.v0((pos,), kw) + 0.5 * self.m * (self.wy((pos,), kw) ** 2 * y * y - self.wx((pos,), kw) ** 2 * x * x)
        return v * np.cos(np.pi * x / (2 * self.a)) ** 2


class Shifted:
    """``f(pos, **params) + shift`` keeping f's signature (disorder on top of a potential)."""

    def __init__(self, func: Callable[..., Any], shift: Any) -> None:
        self.func, self.shift = func, shift
        self.__signature__ = inspect.signature(func)

    def __call__(self, *args: Any, **kw: Any) -> Any:
        return self.func(*args, **kw) + self.shift

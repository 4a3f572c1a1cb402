"""Energy and parameter sweeps, and disorder ensembles, serial or on any executor.

* ``executor``: ``None`` runs serially; otherwise any
  :class:`concurrent.futures.Executor` (``ProcessPoolExecutor``, a Dask or
  Ray executor, ...) that implements ``submit``.  Work is sent in chunks;
  the system, the quantity function and the sample builder must then be
  picklable (systems from :mod:`lbsym.lattice.shapes` are; user lambdas
  are not: use top-level functions or ``functools.partial``).
* Results come back in input order, identical serially and in parallel.
* Disorder ensembles draw sample ``i`` from
  ``numpy.random.SeedSequence(seed).spawn(n)[i]``, so each sample's numbers
  depend only on ``(seed, i)``, not on how the work is split.
* ``progress=True`` writes a one-line counter to stderr (no dependency).
* A chunk that fails (the executor dies, a worker raises) stops the run with
  an :class:`EnsembleError` naming how many items finished; the outstanding
  futures are cancelled and no partial result is returned.
* :func:`sample_ensemble` runs any picklable ``fn(rng, *args)`` per sample
  (random-matrix ensembles, user models) with the same seeding and executors.
* Dask: ``distributed.Client(...).get_executor()`` is a
  ``concurrent.futures.Executor`` and is accepted as is (``pip install
  'lbsym[distributed]'``).
"""

from __future__ import annotations

import sys
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TextIO

import numpy as np

from ..errors import LatticeError, LbsymError

if TYPE_CHECKING:  # pragma: no cover
    from .system import System

__all__ = ["energy_sweep", "parameter_sweep", "disorder_ensemble", "sample_ensemble", "spawn_seeds",
           "mean_and_error", "Transmission", "EnsembleError"]


class EnsembleError(LatticeError):
    """A sweep or an ensemble did not complete (a failing executor or worker); nothing partial is returned."""


class Transmission:
    """Picklable quantity: ``S.transmission(out_lead, in_lead)``."""

    def __init__(self, out_lead: int = 1, in_lead: int = 0) -> None:
        self.out_lead, self.in_lead = out_lead, in_lead

    def __call__(self, S) -> float:
        return S.transmission(self.out_lead, self.in_lead)

    def __repr__(self) -> str:
        return f"Transmission({self.out_lead}, {self.in_lead})"


class _Progress:
    def __init__(self, total: int, label: str, enabled: bool, stream: TextIO | None) -> None:
        self.total, self.label, self.enabled = total, label, enabled
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0

    def update(self, n: int) -> None:
        self.done += n
        if self.enabled:
            self.stream.write(f"\r{self.label}: {self.done}/{self.total}")
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


def _solve_one(system, energy, params, quantity, method):
    S = system.smatrix(energy, params, method=method)
    if quantity is None:
        return S
    try:
        return quantity(S)
    except LbsymError:
        raise
    except Exception as exc:
        raise LatticeError(f"quantity {quantity!r} raised {type(exc).__name__}: {exc}") from exc


def _run_points(system, points: Sequence[tuple[float, Mapping[str, Any] | None]], quantity, method) -> list:
    return [_solve_one(system, e, p, quantity, method) for e, p in points]


def _run_samples(build, seeds: Sequence[np.random.SeedSequence], energies, params, quantity, method) -> list:
    out = []
    for ss in seeds:
        try:
            system = build(np.random.default_rng(ss))
        except LbsymError:
            raise
        except Exception as exc:
            raise LatticeError(f"build {build!r} raised {type(exc).__name__}: {exc}") from exc
        if not hasattr(system, "smatrix"):
            raise LatticeError(f"build: expected a finalized System, got {type(system).__name__}")
        out.append([_solve_one(system, e, params, quantity, method) for e in energies])
    return out


def _energies(energies: Any) -> np.ndarray:
    """Energies as a flat float array (one number or an iterable of them)."""
    try:
        return np.ravel(np.asarray(energies if np.ndim(energies) == 0 else list(energies), dtype=float))
    except (TypeError, ValueError) as exc:
        raise LatticeError(f"energies: expected real numbers, got {energies!r}") from exc


def _params(p: Any) -> dict:
    try:
        return dict(p)
    except (TypeError, ValueError) as exc:
        raise LatticeError(f"param_values: expected mappings of parameter names to values, got {p!r}") from exc


def _chunks(n: int, size: int) -> list[range]:
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


def _execute(task: Callable[..., list], args_for: Callable[[range], tuple], n: int, executor: Executor | None,
             chunksize: int | None, progress: bool, label: str, stream: TextIO | None) -> list:
    if executor is not None and not hasattr(executor, "submit"):
        raise LatticeError(f"executor: expected a concurrent.futures.Executor (with submit), got {executor!r}")
    if chunksize is None:
        chunksize = 1 if executor is None else max(1, n // 32)
    if not isinstance(chunksize, int) or chunksize < 1:
        raise LatticeError(f"chunksize: expected a positive integer, got {chunksize!r}")
    bar = _Progress(n, label, progress, stream)
    chunks = _chunks(n, chunksize)
    results: list = []
    if executor is None:
        for ch in chunks:
            results.extend(task(*args_for(ch)))
            bar.update(len(ch))
        return results
    futures: list = []
    try:
        for ch in chunks:
            futures.append(executor.submit(task, *args_for(ch)))
        for ch, fut in zip(chunks, futures):
            results.extend(fut.result())
            bar.update(len(ch))
    except LbsymError as exc:
        for f in futures:
            f.cancel()
        if isinstance(exc, EnsembleError):
            raise
        raise type(exc)(f"{label} incomplete ({len(results)} of {n} done; no partial result returned): "
                        f"{exc}") from exc
    except Exception as exc:  # the executor or a worker failed: report, never return a partial result
        for f in futures:
            f.cancel()
        raise EnsembleError(f"{label} incomplete: {len(results)} of {n} items done when the executor "
                            f"{type(executor).__name__} failed ({type(exc).__name__}: {exc}); "
                            "no partial result returned") from exc
    return results


def energy_sweep(
    system: System,
    energies: Iterable[float],
    params: Mapping[str, Any] | None = None,
    *,
    quantity: Callable[[Any], Any] | None = None,
    executor: Executor | None = None,
    method: str = "auto",
    chunksize: int | None = None,
    progress: bool = False,
    stream: TextIO | None = None,
) -> list:
    """``[quantity(system.smatrix(E, params)) for E in energies]`` (the SMatrix if no quantity).

    Examples
    --------
    >>> from lbsym.lattice import shapes
    >>> s = shapes.strip(3, 4)
    >>> [round(x, 9) for x in energy_sweep(s, [-3.2, -1.5], quantity=Transmission(1, 0))]
    [1.0, 2.0]
    """
    pts = [(float(e), params) for e in _energies(energies)]
    return _execute(_run_points, lambda ch: (system, pts[ch.start:ch.stop], quantity, method), len(pts),
                    executor, chunksize, progress, "energy sweep", stream)


def parameter_sweep(
    system: System,
    energy: float,
    param_values: Iterable[Mapping[str, Any]],
    *,
    quantity: Callable[[Any], Any] | None = None,
    executor: Executor | None = None,
    method: str = "auto",
    chunksize: int | None = None,
    progress: bool = False,
    stream: TextIO | None = None,
) -> list:
    """``[quantity(system.smatrix(energy, p)) for p in param_values]``."""
    energy = _energies(energy)
    if energy.size != 1:
        raise LatticeError(f"energy: expected one real number, got {energy.size}")
    pts = [(float(energy[0]), _params(p)) for p in param_values]
    return _execute(_run_points, lambda ch: (system, pts[ch.start:ch.stop], quantity, method), len(pts),
                    executor, chunksize, progress, "parameter sweep", stream)


def disorder_ensemble(
    build: Callable[[np.random.Generator], System],
    n_samples: int,
    energies: float | Sequence[float],
    *,
    seed: int | np.random.SeedSequence | None = 0,
    params: Mapping[str, Any] | None = None,
    quantity: Callable[[Any], Any] | None = None,
    executor: Executor | None = None,
    method: str = "auto",
    chunksize: int | None = None,
    progress: bool = False,
    stream: TextIO | None = None,
) -> list:
    """Solve ``n_samples`` disorder realizations, reproducibly.

    Sample ``i`` is ``build(numpy.random.default_rng(SeedSequence(seed).spawn(n)[i]))``.

    Returns
    -------
    list
        One entry per sample: the quantity at each energy (a list), or, if
        ``energies`` is a scalar, the quantity itself.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise LatticeError(f"n_samples: expected a positive integer, got {n_samples!r}")
    scalar = np.ndim(energies) == 0
    es = [float(e) for e in _energies(energies)]
    seeds = spawn_seeds(seed, int(n_samples))
    out = _execute(_run_samples, lambda ch: (build, seeds[ch.start:ch.stop], es, params, quantity, method),
                   int(n_samples), executor, chunksize, progress, "disorder ensemble", stream)
    return [r[0] for r in out] if scalar else out


def spawn_seeds(seed: int | np.random.SeedSequence | None, n: int) -> list:
    """``SeedSequence(seed).spawn(n)``, from a fresh copy of a given SeedSequence (so the
    children do not depend on earlier spawns)."""
    if isinstance(seed, np.random.SeedSequence):
        root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
    else:
        try:
            root = np.random.SeedSequence(seed)
        except (TypeError, ValueError) as exc:
            raise LatticeError(f"seed: expected a non-negative integer or a SeedSequence, got {seed!r}") from exc
    return root.spawn(n)


def _run_fn(fn, seeds: Sequence[np.random.SeedSequence], args: tuple) -> list:
    out = []
    for ss in seeds:
        try:
            out.append(fn(np.random.default_rng(ss), *args))
        except LbsymError:
            raise
        except Exception as exc:
            raise EnsembleError(f"sample function {fn!r} raised {type(exc).__name__}: {exc}") from exc
    return out


def sample_ensemble(
    fn: Callable[..., Any],
    n_samples: int,
    *,
    args: tuple = (),
    seed: int | np.random.SeedSequence | None = 0,
    executor: Executor | None = None,
    chunksize: int | None = None,
    progress: bool = False,
    stream: TextIO | None = None,
) -> list:
    """``[fn(numpy.random.default_rng(s_i), *args) for s_i in SeedSequence(seed).spawn(n_samples)]``.

    ``fn`` and ``args`` must be picklable for process pools and Dask (module-level
    functions).  The numbers depend only on ``(seed, i)``: serial, threads, processes
    and Dask give identical lists.

    Examples
    --------
    >>> def draw(rng, scale):
    ...     return scale * rng.random()
    >>> a = sample_ensemble(draw, 3, args=(2.0,), seed=5)
    >>> a == sample_ensemble(draw, 3, args=(2.0,), seed=5, chunksize=2)
    True
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise LatticeError(f"n_samples: expected a positive integer, got {n_samples!r}")
    if not callable(fn):
        raise LatticeError(f"fn: expected a callable fn(rng, *args), got {fn!r}")
    seeds = spawn_seeds(seed, int(n_samples))
    return _execute(_run_fn, lambda ch: (fn, seeds[ch.start:ch.stop], tuple(args)), int(n_samples),
                    executor, chunksize, progress, "ensemble", stream)


def mean_and_error(samples: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Mean over samples (axis 0) and its standard error ``std(ddof=1)/sqrt(n)``.

    ``samples``: the list an ensemble returned (numbers, or one list per sample).

    Examples
    --------
    >>> m, se = mean_and_error([1.0, 2.0, 3.0])
    >>> float(m), round(float(se), 6)
    (2.0, 0.57735)
    """
    try:
        x = np.asarray(samples, dtype=float)
    except (TypeError, ValueError) as exc:
        raise LatticeError(f"mean_and_error: expected numbers (one row per sample), got {type(samples).__name__}") \
            from exc
    if x.ndim == 0 or x.shape[0] < 2:
        raise LatticeError(f"mean_and_error: a standard error needs at least 2 samples, got {x.shape[:1] or 0}")
    return x.mean(axis=0), x.std(axis=0, ddof=1) / np.sqrt(x.shape[0])

"""Benchmark: lbsym.lattice per geometry against the dense-inversion floor (issue 15's rows).

Usage (from the repository root)::

    python benchmarks/lattice_rows.py [--rows strip-field,qpc,...] [--repeats 3] [--sweep]

For each system the script prints the CPU time per energy of what a user
gets (``System.smatrix(E, params)``, the full S-matrix; minimum over
``--repeats`` interleaved passes over the energies, after one warm-up
solve), and the *floor*: one dense ``numpy.linalg.inv`` per column of the
geometry (the sites with equal ``x``, or the slices the solver uses for
systems without positions), i.e. the cost of a recursive Green's function
sweep with nothing but the inversions, measured in the same run.

``--sweep`` adds the 200-energy sweep target: CPU time of 200 solves of one
system through one ``System`` (energy-independent work cached) against 200
solves each on a freshly finalized copy (nothing reused), per energy.

``--build`` times building a 100 x 1000 strip and its peak memory (in a
child process, ``ru_maxrss``).

BLAS is pinned to one thread (``OPENBLAS_NUM_THREADS=1`` etc. set before
numpy is imported), as the solver's many small LAPACK calls are slower
threaded on a shared machine.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import pickle  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lbsym.lattice import Builder, shapes  # noqa: E402
from lbsym.lattice._callables import Gauge  # noqa: E402


def ring2d(r_out: float, r_in: float, field="B", lead_width: int | None = None):
    """An annulus ``r_in < |r| <= r_out`` (square lattice) with two horizontal strip leads, uniform field."""
    R = int(np.ceil(r_out))
    w = lead_width or int(r_out - r_in)
    A = Gauge(field, "x")
    b = Builder(vector_potential=A)
    sites = [(x, y) for x in range(-R, R + 1) for y in range(-R, R + 1) if r_in ** 2 < x * x + y * y <= r_out ** 2]
    # the leads' cells: columns at x = -R and x = R of height w, centred on y = 0
    ys = range(-(w // 2), w - w // 2)
    for x0 in (-R, R):
        for y in ys:
            sites.append((x0, y))
    for x in list(range(-R, -R + 6)) + list(range(R - 5, R + 1)):  # short straight stubs into the annulus
        for y in ys:
            sites.append((x, y))
    shapes._fill_square(b, list(dict.fromkeys(sites)), lambda s: 0.0, 1.0)
    b.attach_lead(shapes.square_lead([(-R, y) for y in ys], (-1, 0), vector_potential=A))
    b.attach_lead(shapes.square_lead([(R, y) for y in ys], (1, 0), vector_potential=A))
    return b.finalized()


def rows():
    """(name, builder, params, energies, method) for every benchmark row."""
    return [
        ("strip 40x200 field", lambda: shapes.strip(40, 200, field="B"), {"B": 0.02},
         [-3.1, -2.7, -2.2, -1.5], "auto"),
        ("Hall bar 40x120, 6 leads, field", lambda: shapes.hall_bar(40, 120, probe_width=20, probe_length=10),
         {"phi": 0.02}, [-3.1, -2.7, -2.2, -1.5], "auto"),
        ("cross W=40, 4 leads, field", lambda: shapes.cross(40, 20, field="B"), {"B": 0.02},
         [-3.1, -2.7, -2.2, -1.5], "auto"),
        ("QPC 60x120 saddle", lambda: shapes.qpc(60, 120), {"V0": 0.3, "wx": 0.2, "wy": 0.4},
         [-3.5, -3.1, -2.7, -2.2], "auto"),
        ("2D ring R=40/25, field", lambda: ring2d(40, 25), {"B": 0.001}, [-3.1, -2.7, -2.2, -1.5], "auto"),
        ("1D ring 50/70, flux", lambda: shapes.ring(50, 70), {"phi": 0.1}, [-1.7, -0.9, 0.3, 1.1], "auto"),
        ("strip 30x500 sparse", lambda: shapes.strip(30, 500, disorder=1.0, seed=1), {},
         [-3.1, -2.2, -1.1, 0.4], "sparse"),
        ("strip 50x500 disorder (rgf)", lambda: shapes.strip(50, 500, disorder=1.0, seed=1), {},
         [-3.1, -2.2, -1.1, 0.4], "auto"),
    ]


def floor_sizes(s) -> list[int]:
    """Widths of the columns (equal x) of a system with 2D positions; else the solver's slices."""
    pos = [s._pos[i] for i in range(len(s.sites))]
    if all(p is not None and p.size == 2 for p in pos):
        xs = np.array([p[0] for p in pos])
        _, counts = np.unique(xs, return_counts=True)
        return [int(c) * s.norbs for c in counts]
    if s._slices is not None:
        return [int(w) for w in s._slices.sizes]
    return [s.num_orbitals]


def floor_time(sizes, repeats=3) -> float:
    rng = np.random.default_rng(0)
    mats = {w: rng.normal(size=(w, w)) + 1j * rng.normal(size=(w, w)) + 4 * np.eye(w) for w in set(sizes)}
    best = np.inf
    for _ in range(repeats):
        t0 = time.process_time()
        for w in sizes:
            np.linalg.inv(mats[w])
        best = min(best, time.process_time() - t0)
    return best


def time_row(s, params, energies, method, repeats):
    s.smatrix(energies[0], params, method=method)  # warm-up
    best = [np.inf] * len(energies)
    for _ in range(repeats):
        for k, E in enumerate(energies):
            t0 = time.process_time()
            s.smatrix(E, params, method=method)
            best[k] = min(best[k], time.process_time() - t0)
    return float(np.mean(best))


def sweep_target(n=200):
    """Per-energy CPU time of an n-energy sweep on one System vs n solves on fresh copies."""
    out = []
    for name, make, params, _, method in [
        ("QPC 60x120 saddle", lambda: shapes.qpc(60, 120), {"V0": 0.3, "wx": 0.2, "wy": 0.4}, None, "auto"),
        ("strip 40x200 field", lambda: shapes.strip(40, 200, field="B"), {"B": 0.02}, None, "auto"),
    ]:
        s = make()
        blob = pickle.dumps(s)
        es = np.linspace(-3.6, -1.0, n)
        t0 = time.process_time()
        for E in es:
            s.smatrix(E, params, method=method)
        t_sweep = (time.process_time() - t0) / n
        t_fresh = 0.0
        for E in es[:: max(1, n // 20)]:  # 20 independent solves (fresh system each: nothing cached)
            fresh = pickle.loads(blob)
            t0 = time.process_time()
            fresh.smatrix(E, params, method=method)
            t_fresh += time.process_time() - t0
        t_fresh /= len(es[:: max(1, n // 20)])
        out.append((name, t_sweep, t_fresh))
    return out


def build_child() -> None:
    t0 = time.process_time()
    s = shapes.strip(100, 1000)
    t_build = time.process_time() - t0
    t0 = time.process_time()
    S = s.smatrix(-1.3)
    t_solve = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{t_build:.3f} {t_solve:.3f} {rss:.0f} {S.transmission(1, 0):.6f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="", help="comma-separated substrings of row names (default: all)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--build-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build_child:
        build_child()
        return 0
    wanted = [w.strip() for w in args.rows.split(",") if w.strip()]
    print(f"# CPU time per energy (ms), min over {args.repeats} interleaved passes; BLAS threads = "
          f"{os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"{'system':<34} {'build s':>8} {'lbsym ms':>9} {'floor ms':>9} {'lbsym/floor':>11}")
    for name, make, params, energies, method in rows():
        if wanted and not any(w in name for w in wanted):
            continue
        t0 = time.process_time()
        s = make()
        t_build = time.process_time() - t0
        t = time_row(s, params, energies, method, args.repeats)
        fl = floor_time(floor_sizes(s))
        print(f"{name:<34} {t_build:>8.2f} {1e3 * t:>9.1f} {1e3 * fl:>9.1f} {t / fl:>11.2f}", flush=True)
    if args.sweep:
        print("# 200-energy sweep on one System vs independent solves (fresh System each), CPU ms per energy")
        for name, ts, tf in sweep_target():
            print(f"{name:<34} sweep {1e3 * ts:8.1f}  independent {1e3 * tf:8.1f}  speed-up {tf / ts:5.2f}x")
    if args.build:
        proc = subprocess.run([sys.executable, __file__, "--build-child"], capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr)
            return 1
        tb, tsol, rss, T = proc.stdout.split()
        print(f"# strip 100x1000: build {tb} s CPU, one solve {tsol} s CPU, peak RSS {rss} MB (T = {T})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

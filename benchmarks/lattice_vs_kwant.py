"""Benchmark: lbsym.lattice against Kwant 1.5 (MUMPS) and against the floor.

Usage (from the repository root)::

    python benchmarks/lattice_vs_kwant.py [--kwant-python .kwant-venv/bin/python] [--quick] [--geometries]

``--geometries`` runs issue 15's rows instead of the disordered strips (a
strip, a Hall bar and a cross in a field, a QPC saddle, a 2D and a 1D
ring; the cross and Hall bar with the field in the bar and the current
leads only, ``field_everywhere=False``, the model the Kwant worker
rebuilds).  Kwant gets the very same model: constant hoppings where there
is no field, on-site energies as numbers (value functions evaluated once, as
lbsym caches them across energies), a Peierls function only where a field
is.  Both sides report CPU time (``time.process_time``) per energy, minimum
over interleaved repeats, BLAS pinned to one thread; the S-matrix and
transmissions are compared to 1e-10.  The Kwant venv's MUMPS links the
system BLAS (reference BLAS unless an optimized one is installed).

A disordered square-lattice strip (Anderson disorder U = 1, fixed seed) of
width W and length L, two clean strip leads.  For each (W, L) the script
prints the time per energy of

* lbsym: ``System.smatrix(E, method='rgf')`` (the full S-matrix),
* the floor: L dense W x W complex inversions with ``numpy.linalg.inv``
  (measured in the same run),
* Kwant 1.5 ``kwant.smatrix`` with MUMPS (run in its own venv, numpy<2, by
  calling that python on this same file with ``--kwant-worker``), for the
  very same on-site potential,

and checks that the transmissions agree to 1e-9.  BLAS is pinned to one
thread in both processes (small-matrix products are slower threaded).

The same worker mode serves ``tests/test_lattice_kwant.py``: it reads a JSON
list of cases (strip, chain, junction, ring, cross, hbar) and writes
Kwant's transmission matrices.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_KWANT = REPO / ".kwant-venv" / "bin" / "python"


# --------------------------------------------------------------------------- kwant side
def _kwant_case(case, arrays):
    """Build a finalized Kwant system equal to the lbsym shape described by ``case``."""
    import kwant

    kind = case["kind"]
    t = 1.0

    def peierls(A, B):
        if not B:  # no field: the constant hopping lbsym uses (a Python function costs Kwant ~2x)
            return -t

        def hop(a, b):
            ra, rb = np.asarray(a.pos, float), np.asarray(b.pos, float)
            mid = 0.5 * (ra + rb)
            return -t * np.exp(2j * np.pi * np.dot(A(mid), ra - rb))
        return hop

    if kind in ("strip", "cross", "hbar"):
        lat = kwant.lattice.square(norbs=1)
        B = case.get("field") or 0.0
        if kind == "hbar":
            A = lambda r: np.array([0.0, B * r[0]])  # noqa: E731
        else:
            ylo, yhi = case.get("clip", [-np.inf, np.inf])
            A = lambda r: np.array([-B * np.clip(r[1], ylo, yhi), 0.0])  # noqa: E731
        hop = peierls(A, B)
        syst = kwant.Builder()
        tags = arrays[case["tags"]]
        onsite = arrays[case["onsite"]]
        for (x, y), v in zip(tags, onsite):
            syst[lat(int(x), int(y))] = float(v)
        syst[lat.neighbors()] = hop
        for cell, T in case["leads"]:
            lead = kwant.Builder(kwant.TranslationalSymmetry(tuple(T)))
            for x, y in cell:
                lead[lat(x, y)] = 0.0
            lead_hop = hop
            if kind != "hbar" and T[1] != 0:
                # Kwant evaluates lead values at its fundamental domain, not where the lead is:
                # pin y to the lead's own cell so the gauge matches the system's at the interface
                y_cell = float(cell[0][1])
                lead_hop = peierls(lambda r, A=A, y=y_cell: A(np.array([r[0], y])), B)
            lead[lat.neighbors()] = lead_hop
            syst.attach_lead(lead)
        return syst.finalized(), {}
    if kind == "chain":
        lat = kwant.lattice.chain(norbs=1)
        syst = kwant.Builder()
        for x, v in zip(arrays[case["tags"]], arrays[case["onsite"]]):
            syst[lat(int(x))] = float(v)
        syst[lat.neighbors()] = -t
        for d in (-1, 1):
            lead = kwant.Builder(kwant.TranslationalSymmetry((d,)))
            lead[lat(0)] = 0.0
            lead[lat.neighbors()] = -t
            syst.attach_lead(lead)
        return syst.finalized(), {}
    if kind == "junction":
        lat = kwant.lattice.square(norbs=1)
        syst = kwant.Builder()
        syst[lat(0, 0)] = case["eps"]
        for T in [(-1, 0), (1, 0), (0, 1), (0, -1)][: case["n"]]:
            lead = kwant.Builder(kwant.TranslationalSymmetry(T))
            lead[lat(0, 0)] = 0.0
            lead[lat.neighbors()] = -t
            syst.attach_lead(lead)
        return syst.finalized(), {}
    if kind == "ring":
        m, u, d = (kwant.lattice.chain(norbs=1, name=n) for n in ("m", "u", "d"))
        syst = kwant.Builder()
        L, R = m(0), m(1)
        nu, nd = case["n_upper"], case["n_lower"]
        upper = [L] + [u(i) for i in range(1, nu + 1)] + [R]
        lower = [L] + [d(i) for i in range(1, nd + 1)] + [R]
        for s in upper + lower:
            syst[s] = case["eps"]
        loop = lower + upper[::-1][1:]
        nb = len(loop) - 1

        def flux_hop(a, b, phi):
            return -t * np.exp(2j * np.pi * phi)

        def spread_hop(a, b, phi):
            return -t * np.exp(2j * np.pi * phi / nb)

        for k in range(nb):
            j, i = loop[k], loop[k + 1]
            if case["spread"]:
                syst[i, j] = spread_hop
            elif i == L and j == upper[1]:
                syst[i, j] = flux_hop
            else:
                syst[i, j] = -t
        for dd in (-1, 1):
            lead = kwant.Builder(kwant.TranslationalSymmetry((dd,)))
            lead[m(0)] = 0.0
            lead[m.neighbors()] = -t
            syst.attach_lead(lead)
        return syst.finalized(), {"phi": case["phi"]}
    raise ValueError(f"unknown case kind {kind!r}")


def kwant_worker(inp: str, out: str) -> None:
    import kwant

    data = np.load(inp, allow_pickle=False)
    cases = json.loads(str(data["cases"]))
    results = {}
    for n, case in enumerate(cases):
        fsyst, params = _kwant_case(case, data)
        nl = len(fsyst.leads)
        Ts, Gs = [], []
        kwant.smatrix(fsyst, case["energies"][0], params=params)  # warm-up
        times = np.full(len(case["energies"]), np.inf)
        for _ in range(case.get("repeats", 1)):
            for k, E in enumerate(case["energies"]):
                t0 = time.process_time()
                S = kwant.smatrix(fsyst, E, params=params)
                times[k] = min(times[k], time.process_time() - t0)
                if len(Ts) < len(case["energies"]):
                    Ts.append([[S.transmission(i, j) if S.num_propagating(j) and S.num_propagating(i) else 0.0
                                for j in range(nl)] for i in range(nl)])
                    Gs.append(S.conductance_matrix() if all(S.num_propagating(i) for i in range(nl))
                              else np.full((nl, nl), np.nan))
        results[f"T{n}"] = np.array(Ts)
        results[f"G{n}"] = np.array(Gs)
        results[f"time{n}"] = times
    results["version"] = np.array(kwant.__version__)
    np.savez(out, **results)


# --------------------------------------------------------------------------- lbsym side
def describe(system, kind: str, energies, **extra):
    """A JSON-able case (plus arrays) that the Kwant worker rebuilds identically."""
    params = extra.pop("params", None)
    case = {"kind": kind, "energies": [float(e) for e in energies], **extra}
    arrays = {}
    if kind in ("strip", "cross", "hbar", "chain"):
        H = system.hamiltonian(params)
        arrays["tags"] = np.array(system.sites)
        arrays["onsite"] = np.real(H.diagonal())
        if kind != "chain":
            leads = []
            for lead in system.leads:
                cell = [list(map(int, system.sites[i])) for i in lead.interface]
                leads.append([cell, [int(v) for v in lead.translation]])
            case["leads"] = leads
    return case, arrays


def run_kwant(kwant_python: Path, cases_arrays) -> dict | None:
    """Run the Kwant worker on ``[(case, arrays), ...]``; None if Kwant is unavailable."""
    if not Path(kwant_python).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        payload, cases = {}, []
        for n, (case, arrays) in enumerate(cases_arrays):
            case = dict(case)
            for key, arr in arrays.items():
                payload[f"{key}{n}"] = arr
                case[key] = f"{key}{n}"
            cases.append(case)
        payload["cases"] = np.array(json.dumps(cases))
        np.savez(inp, **payload)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH="")
        proc = subprocess.run([str(kwant_python), str(Path(__file__).resolve()), "--kwant-worker", str(inp), str(out)],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"kwant worker failed:\n{proc.stderr}")
        with np.load(out) as res:
            return {k: res[k] for k in res.files}


def _floor(W: int, L: int, repeats: int = 3) -> float:
    rng = np.random.default_rng(0)
    mats = [rng.normal(size=(W, W)) + 1j * rng.normal(size=(W, W)) + 4 * np.eye(W) for _ in range(L)]
    best = np.inf
    for _ in range(repeats):
        t0 = time.process_time()
        for m in mats:
            np.linalg.inv(m)
        best = min(best, time.process_time() - t0)
    return best


def geometry_rows():
    """(name, system, params, energies, kwant description extras) of issue 15's rows."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from lattice_rows import ring2d

    from lbsym.lattice import shapes

    B = 0.02
    return [
        ("strip 40x200 field", shapes.strip(40, 200, field="B"), {"B": B}, [-3.1, -2.7, -2.2, -1.5],
         dict(kind="strip", field=B)),
        ("Hall bar 40x120, 6 leads, field", shapes.hall_bar(40, 120, probe_width=20, probe_length=10,
                                                            field_everywhere=False),
         {"phi": B}, [-3.1, -2.7, -2.2, -1.5], dict(kind="cross", field=B, clip=[0.0, 39.0])),
        ("cross W=40, 4 leads, field", shapes.cross(40, 20, field="B", field_everywhere=False), {"B": B},
         [-3.1, -2.7, -2.2, -1.5], dict(kind="cross", field=B, clip=[0.0, 39.0])),
        ("QPC 60x120 saddle", shapes.qpc(60, 120), {"V0": 0.3, "wx": 0.2, "wy": 0.4}, [-3.5, -3.1, -2.7, -2.2],
         dict(kind="strip")),
        ("2D ring R=40/25, field", ring2d(40, 25), {"B": 0.001}, [-3.1, -2.7, -2.2, -1.5],
         dict(kind="strip", field=0.001)),
        ("1D ring 50/70, flux", shapes.ring(50, 70), {"phi": 0.1}, [-1.7, -0.9, 0.3, 1.1],
         dict(kind="ring", n_upper=50, n_lower=70, eps=0.0, spread=False, phi=0.1)),
        ("strip 100x300 clean", shapes.strip(100, 300), {}, [-3.1, -2.2, -1.1, 0.4], dict(kind="strip")),
        ("strip 300x100 disorder (wide)", shapes.strip(300, 100, disorder=1.0, seed=1), {}, [-3.1, -1.1],
         dict(kind="strip")),
    ]


def run_geometries(kwant_python: Path, repeats: int) -> int:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from lattice_rows import floor_sizes, floor_time

    rows, cases, ours = [], [], []
    for name, s, params, energies, extra in geometry_rows():
        s.smatrix(energies[0], params)  # warm-up: the energy-independent work is cached from here on
        best = np.full(len(energies), np.inf)
        Ss = []
        for _ in range(repeats):
            for k, E in enumerate(energies):
                t0 = time.process_time()
                S = s.smatrix(E, params)
                best[k] = min(best[k], time.process_time() - t0)
                if len(Ss) < len(energies):
                    Ss.append(S)
        kind = extra.pop("kind")
        case, arrays = describe(s, kind, energies, params=params, **extra)
        case["repeats"] = repeats
        cases.append((case, arrays))
        ours.append(Ss)
        rows.append((name, float(np.mean(best)), floor_time(floor_sizes(s))))
    kw = run_kwant(kwant_python, cases)
    print(f"# CPU time per energy (ms), min over {repeats} interleaved passes, BLAS threads = "
          f"{os.environ['OPENBLAS_NUM_THREADS']}; floor: one dense inversion per column")
    if kw is None:
        print(f"# Kwant not found at {kwant_python}: kwant columns skipped")
    else:
        print(f"# Kwant {kw['version']} with MUMPS, run in {kwant_python}")
    print(f"{'system':<34} {'lbsym':>8} {'floor':>8} {'lb/floor':>8} {'kwant':>8} {'kwant/lb':>8} "
          f"{'max|dT|':>8} {'max|dG|':>8}")
    worst = 0.0
    for n, (name, t, fl) in enumerate(rows):
        line = f"{name:<34} {1e3 * t:>8.1f} {1e3 * fl:>8.1f} {t / fl:>8.2f}"
        if kw is not None:
            tk = float(np.mean(kw[f"time{n}"]))
            T = np.array([_T(S) for S in ours[n]])
            G = np.array([S.conductance_matrix(convention="kwant") for S in ours[n]])
            dT = float(np.max(np.abs(kw[f"T{n}"] - T)))
            dG = float(np.nanmax(np.abs(kw[f"G{n}"] - G)))
            worst = max(worst, dT, dG)
            line += f" {1e3 * tk:>8.1f} {tk / t:>8.1f} {dT:>8.1e} {dG:>8.1e}"
        print(line, flush=True)
    if kw is not None:
        ok = worst < 1e-10
        print(f"# transmissions and conductance matrices (Kwant's sign) agree to {worst:.1e} "
              f"({'OK' if ok else 'MISMATCH'} at 1e-10)")
        return 0 if ok else 1
    return 0


def _T(S):
    n = S.num_leads
    return S.conductance_matrix() + np.diag([S.num_modes(i) for i in range(n)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kwant-python", default=str(DEFAULT_KWANT))
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--geometries", action="store_true", help="issue 15's geometry rows")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--kwant-worker", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.kwant_worker:
        kwant_worker(*args.kwant_worker)
        return 0

    sys.path.insert(0, str(REPO))
    if args.geometries:
        return run_geometries(Path(args.kwant_python), args.repeats)
    from lbsym.lattice import shapes

    sizes = [(10, 100), (20, 100), (50, 100), (10, 500), (20, 500), (50, 500)]
    if args.quick:
        sizes = [(10, 100), (20, 100)]
    energies = [-2.513, -1.307, -0.291, 0.733, 1.871]
    U, seed = 1.0, 1
    rows, cases, lb_T = [], [], []
    for W, L in sizes:
        t0 = time.perf_counter()
        s = shapes.strip(W, L, disorder=U, seed=seed)
        t_build = time.perf_counter() - t0
        s.smatrix(energies[0], method="rgf")  # warm-up (block cache)
        Ts, best = [], []
        for E in energies:
            b = np.inf
            for _ in range(3):
                t0 = time.process_time()
                S = s.smatrix(E, method="rgf")
                b = min(b, time.process_time() - t0)
            best.append(b)
            Ts.append(S.conductance_matrix() + np.diag([S.num_modes(i) for i in range(2)]))
        lb_T.append(np.array(Ts))
        floor = _floor(W, L)
        rows.append(dict(W=W, L=L, build=t_build, lbsym=float(np.mean(best)), floor=floor))
        cases.append(describe(s, "strip", energies))
    kw = run_kwant(Path(args.kwant_python), cases)
    print(f"# disordered strip, U={U}, seed={seed}, {len(energies)} energies, full S-matrix; "
          f"times per energy (ms); BLAS threads = {os.environ['OPENBLAS_NUM_THREADS']}")
    if kw is None:
        print(f"# Kwant not found at {args.kwant_python}: kwant columns skipped")
    else:
        print(f"# Kwant {kw['version']} with MUMPS, run in {args.kwant_python}")
    hdr = f"{'W':>4} {'L':>4} {'lbsym RGF':>10} {'floor':>8} {'lbsym/floor':>11}"
    if kw is not None:
        hdr += f" {'kwant':>9} {'kwant/lbsym':>11} {'max|dT|':>9}"
    print(hdr)
    worst = 0.0
    for n, r in enumerate(rows):
        line = (f"{r['W']:>4} {r['L']:>4} {1e3 * r['lbsym']:>10.2f} {1e3 * r['floor']:>8.2f} "
                f"{r['lbsym'] / r['floor']:>11.2f}")
        if kw is not None:
            tk = float(np.mean(kw[f"time{n}"]))
            dT = float(np.max(np.abs(kw[f"T{n}"] - lb_T[n])))
            worst = max(worst, dT)
            line += f" {1e3 * tk:>9.2f} {tk / r['lbsym']:>11.1f} {dT:>9.1e}"
        print(line)
    if kw is not None:
        ok = worst < 1e-9
        print(f"# transmissions agree with Kwant to {worst:.1e} ({'OK' if ok else 'MISMATCH'} at 1e-9)")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

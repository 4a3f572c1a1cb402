"""Closed-form composition, timed to the quantity a user gets: the transmission probability.

Run:  python benchmarks/composition.py [--nmax 12] [--timeout 60] [--baseline f83ee0f] [--quick]

Every case runs in a fresh Python process (cold caches, nothing shared), which
builds the network, composes it and prints T = |t|^2 (``transmission``): the
time is that of the whole job, and the size is sympy's count_ops of the printed
T and its length in characters.  Three routes are measured in one run:

* lbsym    this checkout;
* before   the engine before the ring normal forms (git revision ``--baseline``,
           checked out in a temporary worktree), same script, same timeout;
* naive    every amplitude equation solved with sympy's linsolve, then
           simplify(t conj(t)) (small cases only).

A timeout prints as '>T'.  Targets (issue 10) are printed beside each case.
Then: ``lbsym derive`` of the multi-terminal derivations in a cold process,
the evaluator of a large result against a numpy linear solve of the same
network, and the fabry-perot evaluator against hand-written numpy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: the example networks (pasted into each cold child process, so that the same text
#: also runs against the baseline engine's worktree)
CASES = (Path(__file__).resolve().parent / "networks.py").read_text(encoding="utf-8")

RUN = r'''
import json, sys, time
t0 = time.perf_counter()
{cases}
kind, n = sys.argv[1], int(sys.argv[2])
if kind == "bridge":
    S = bridge([barrier(i) for i in range(1, 5)], barrier(5), [y_junction() for _ in range(4)])
    T = S.transmission("right", "left")
else:
    net = {{"chain": lambda: chain(n), "ab": ab_barriers, "ringsym": ring_symmetric, "imp": impurities}}[kind]()
    T = net.smatrix().transmission("R", "L")
elapsed = time.perf_counter() - t0
print(json.dumps({{"time": elapsed, "ops": int(sp.count_ops(T)), "chars": len(str(T))}}))
'''

NAIVE = r'''
import json, sys, time
t0 = time.perf_counter()
{cases}
I = sp.I
kind, n = sys.argv[1], int(sys.argv[2])
net = {{"chain": lambda: chain(n), "ab": ab_barriers}}[kind]()
ports = [(name, p) for name, S in net.parts.items() for p in S.ports]
b = {{p: sp.Symbol(f"b_{{p[0]}}_{{p[1].lead}}") for p in ports}}
incoming = {{p: sp.S.Zero for p in ports}}
for x, y, ph, fl in net.links:
    incoming[y] = sp.exp(I * (ph + fl)) * b[x]
    incoming[x] = sp.exp(I * (ph - fl)) * b[y]
(lead_in,) = net.leads[0][1]
(lead_out,) = net.leads[1][1]
incoming[lead_in] = sp.S.One
eqs = []
for name, S in net.parts.items():
    for i, pi in enumerate(S.ports):
        eqs.append(sp.Eq(b[(name, pi)], sum(S.matrix[i, j] * incoming[(name, pj)] for j, pj in enumerate(S.ports))))
(sol,) = sp.linsolve(eqs, list(b.values()))
t = dict(zip(b.values(), sol))[b[lead_out]]
T = sp.simplify(t * sp.conjugate(t))
print(json.dumps({{"time": time.perf_counter() - t0, "ops": int(sp.count_ops(T)), "chars": len(str(T))}}))
'''


def run_child(code: str, args: list[str], path: Path, timeout: float) -> dict | None:
    env = dict(os.environ, PYTHONPATH=str(path), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    try:
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                             timeout=timeout, env=env, cwd=tempfile.gettempdir())
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_tree(rev: str) -> Path | None:
    """A temporary git worktree of the engine before this one, or None."""
    tmp = Path(tempfile.mkdtemp(prefix="lbsym-baseline-"))
    r = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tmp / "tree"), rev],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"(no baseline: git worktree {rev} failed: {r.stderr.strip()})")
        return None
    return tmp / "tree"


def fmt(res: dict | None, timeout: float) -> str:
    if res is None:
        return f"{'>' + format(timeout, '.0f'):>8} {'-':>7}"
    if "error" in res:
        return f"{'error':>8} {'-':>7}"
    return f"{res['time']:8.2f} {res['ops']:7d}"


def ratio(a: dict | None, b: dict | None, timeout: float) -> str:
    if a is None or "error" in (a or {}):
        return "-"
    if b is None:
        return f">{timeout / a['time']:.0f}x"
    if "error" in b:
        return "-"
    return f"{b['time'] / a['time']:.1f}x"


def composition_table(args) -> None:
    base = None if args.no_baseline else baseline_tree(args.baseline)
    run_code = RUN.format(cases=CASES)
    naive_code = NAIVE.format(cases=CASES)
    cases = [("chain", n, f"chain N={n}", {8: "T <= 5 s", 12: "T <= 60 s"}.get(n, ""))
             for n in range(2, args.nmax + 1)]
    cases += [("ab", 0, "AB ring, barrier in each arm", "T <= 2 s"),
              ("ringsym", 0, "ring, symmetric barrier, symbolic eps", "T <= 2 s"),
              ("imp", 0, "3 lattice impurities (3, 5)", "T <= 2 s, <= 3 kB"),
              ("bridge", 0, "bridge of 5 general barriers", "T <= 30 s")]
    if args.quick:
        cases = [c for c in cases if not (c[0] == "chain" and c[1] in (3, 5, 7, 9, 10, 11))]
    print(f"{'case':<40} {'lbsym s':>8} {'ops':>7} {'chars':>7} | {'before s':>8} {'ops':>7} {'speed-up':>9}"
          f" | {'naive s':>8} {'ops':>7} | target")
    for kind, n, label, target in cases:
        mine = run_child(run_code, [kind, str(n)], REPO, args.timeout * (3 if kind == "bridge" else 1))
        old = run_child(run_code, [kind, str(n)], base, args.timeout) if base else None
        naive = None
        small = (kind == "chain" and n <= 3) or kind == "ab"
        if small and not args.quick:
            naive = run_child(naive_code, [kind, str(n)], REPO, args.timeout)
        chars = f"{mine['chars']:7d}" if mine and "error" not in mine else f"{'-':>7}"
        naive_s = fmt(naive, args.timeout) if small and not args.quick else f"{'n/a':>8} {'':>7}"
        print(f"{label:<40} {fmt(mine, args.timeout * (3 if kind == 'bridge' else 1))} {chars} | "
              f"{fmt(old, args.timeout) if base else f'{chr(45):>8} {chr(45):>7}'} "
              f"{ratio(mine, old, args.timeout) if base else '-':>9} | {naive_s} | {target}", flush=True)
    if base:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)],
                       capture_output=True)


def derive_times() -> None:
    print("\nlbsym derive in a cold process (target <= 3 s each):")
    for name in ("h-bar-nonlocal", "wheatstone-bridge", "voltage-probe"):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "lbsym.cli", "derive", name], capture_output=True,
                           text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
        dt = time.perf_counter() - t0
        status = "ok" if r.returncode == 0 else f"exit {r.returncode}"
        print(f"  {name:<20} {dt:6.2f} s  {status}")


def evaluator_checks() -> None:
    import random

    import numpy as np
    import sympy as sp

    sys.path.insert(0, str(REPO))
    from lbsym import derivation
    from lbsym.numeric import evaluator, network_smatrix

    ns: dict = {}
    exec(CASES, ns)
    net = ns["chain"](8)
    t0 = time.perf_counter()
    T = net.smatrix().transmission("R", "L")
    f = evaluator(T)
    t_build = time.perf_counter() - t0
    syms = {s.name: s for P in net.parts.values() for s in P.free_symbols}
    syms.update({s.name: s for _, _, ph, _ in net.links for s in ph.free_symbols})
    rng = random.Random(1)
    worst = 0.0
    t_num = t_sym = 0.0
    for _ in range(20):
        pt = {}
        for name, s in syms.items():
            if name.startswith("T"):
                pt[s] = rng.uniform(0.05, 0.95)
            elif not name.startswith("R"):
                pt[s] = rng.uniform(-3, 3)
        for name, s in syms.items():
            if name.startswith("R"):
                pt[s] = 1 - pt[syms["T" + name[1:]]]
        a = time.perf_counter()
        M = network_smatrix(net, pt)
        t_num += time.perf_counter() - a
        a = time.perf_counter()
        v = float(f(**{k: pt[syms[k]] for k in f.args}))
        t_sym += time.perf_counter() - a
        worst = max(worst, abs(v - abs(M[1, 0]) ** 2))
    print(f"\nchain of 8 barriers: T composed, printed and compiled in {t_build:.2f} s; evaluator vs numpy "
          f"network solve: max |difference| = {worst:.1e} over 20 points (target 1e-10)")
    print(f"  per point: evaluator {t_sym / 20 * 1e3:.2f} ms, numeric network solve {t_num / 20 * 1e3:.2f} ms")

    d = derivation.get("fabry-perot")
    g = evaluator(d.result)
    points = 10**6
    rng2 = np.random.default_rng(0)
    T1 = rng2.uniform(0.01, 0.99, points)
    T2 = rng2.uniform(0.01, 0.99, points)
    th = rng2.uniform(0, 2 * np.pi, points)
    R1, R2 = 1 - T1, 1 - T2

    def hand():
        return T1 * T2 / (1 + R1 * R2 - 2 * np.sqrt(R1 * R2) * np.cos(th))

    def lb():
        return g(R1=R1, R2=R2, T1=T1, T2=T2, theta=th)

    assert np.allclose(hand(), lb(), rtol=1e-12)
    best = {}
    for name, fn in (("hand", hand), ("lbsym", lb)):
        ts = []
        for _ in range(5):
            a = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - a)
        best[name] = min(ts)
    print(f"fabry-perot T over {points:.0e} points: lbsym evaluator {best['lbsym'] * 1e3:.1f} ms, "
          f"hand-written numpy {best['hand'] * 1e3:.1f} ms, ratio {best['lbsym'] / best['hand']:.2f} "
          f"(target <= 1.5)")
    del sp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nmax", type=int, default=12)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per case and route")
    ap.add_argument("--baseline", default="f83ee0f", help="git revision of the engine to compare with")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--quick", action="store_true", help="fewer chain lengths, no naive route")
    args = ap.parse_args()
    composition_table(args)
    derive_times()
    evaluator_checks()


if __name__ == "__main__":
    main()

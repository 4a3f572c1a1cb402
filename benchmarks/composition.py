"""Closed-form composition and evaluators: lbsym against the naive routes.

Run:  python benchmarks/composition.py [--nmax 8] [--naive-timeout 120]

1. A series chain of N distinct symbolic barriers (N = 2..nmax), and the
   Aharonov-Bohm ring: time to the composed transmission amplitude and its
   count_ops, against the naive route (every amplitude equation of the network
   solved with sympy's linsolve, then simplify()).  The naive route runs in a
   subprocess with a timeout; a timeout is printed as '>TIMEOUT'.
2. The lambdified fabry-perot T over 10^6 points against a hand-written
   numpy expression of the same formula.
Ratios are measured in one run on this machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import numpy as np
import sympy as sp

from lbsym import Network, derivation
from lbsym.numeric import evaluator
from lbsym.scatterers import barrier, y_junction

I = sp.I


def chain_network(n: int) -> Network:
    net = Network()
    for i in range(1, n + 1):
        net.add(f"B{i}", barrier(i))
    for i in range(1, n):
        net.connect(f"B{i}.right", f"B{i + 1}.left", phase=sp.Symbol(f"phi{i}", real=True))
    return net.external("L", "B1.left").external("R", f"B{n}.right")


def ring_network() -> Network:
    th, phi = sp.symbols("theta phi", real=True)
    eps = sp.Symbol("epsilon", positive=True)
    net = Network().add("J1", y_junction(eps)).add("J2", y_junction(eps))
    net.connect("J1.arm1", "J2.arm1", phase=th, flux=phi / 2)
    net.connect("J1.arm2", "J2.arm2", phase=th, flux=-phi / 2)
    return net.external("L", "J1.lead").external("R", "J2.lead")


def naive_t(net: Network) -> sp.Expr:
    """All outgoing amplitudes as unknowns; incoming wave 1 in lead L; linsolve; simplify."""
    ports = [(name, p) for name, S in net.parts.items() for p in S.ports]
    b = {p: sp.Symbol(f"b_{p[0]}_{p[1].lead}") for p in ports}
    incoming = {p: sp.S.Zero for p in ports}
    for x, y, ph, fl in net.links:
        incoming[y] = sp.exp(I * (ph + fl)) * b[x]
        incoming[x] = sp.exp(I * (ph - fl)) * b[y]
    (lead_in,) = net.leads[0][1]
    (lead_out,) = net.leads[1][1]
    incoming[lead_in] = sp.S.One
    eqs = []
    for name, S in net.parts.items():
        for i, pi in enumerate(S.ports):
            eqs.append(sp.Eq(b[(name, pi)], sum(S.matrix[i, j] * incoming[(name, pj)]
                                                for j, pj in enumerate(S.ports))))
    (sol,) = sp.linsolve(eqs, list(b.values()))
    t = dict(zip(b.values(), sol))[b[lead_out]]
    return sp.simplify(t)


def _naive_worker(kind: str, n: int, q: mp.Queue) -> None:
    net = chain_network(n) if kind == "chain" else ring_network()
    t0 = time.perf_counter()
    t = naive_t(net)
    q.put((time.perf_counter() - t0, sp.count_ops(t)))


def naive(kind: str, n: int, timeout: float):
    q: mp.Queue = mp.Queue()
    p = mp.Process(target=_naive_worker, args=(kind, n, q))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        return None, None
    return q.get()


def lbsym_t(kind: str, n: int):
    t0 = time.perf_counter()
    net = chain_network(n) if kind == "chain" else ring_network()
    t = net.smatrix()["R", "L"]
    return time.perf_counter() - t0, sp.count_ops(t)


def composition_table(nmax: int, timeout: float) -> None:
    print(f"{'network':<10} {'lbsym s':>9} {'ops':>7} {'naive s':>10} {'ops':>7} {'speed-up':>9}")
    cases = [("chain", n) for n in range(2, nmax + 1)] + [("ring", 0)]
    for kind, n in cases:
        tl, ol = lbsym_t(kind, n)
        tn, on = naive(kind, n, timeout)
        label = f"chain N={n}" if kind == "chain" else "AB ring"
        if tn is None:
            print(f"{label:<10} {tl:9.3f} {ol:7d} {'>' + str(int(timeout)):>10} {'-':>7} "
                  f"{'>' + format(timeout / tl, '.0f'):>9}")
        else:
            print(f"{label:<10} {tl:9.3f} {ol:7d} {tn:10.3f} {on:7d} {tn / tl:9.1f}")


def evaluator_ratio(points: int = 10**6, repeat: int = 5) -> None:
    d = derivation.get("fabry-perot")
    f = evaluator(d.result)
    rng = np.random.default_rng(0)
    T1 = rng.uniform(0.01, 0.99, points)
    T2 = rng.uniform(0.01, 0.99, points)
    th = rng.uniform(0, 2 * np.pi, points)
    R1, R2 = 1 - T1, 1 - T2

    def hand():
        return T1 * T2 / (1 + R1 * R2 - 2 * np.sqrt(R1 * R2) * np.cos(th))

    def lb():
        return f(R1=R1, R2=R2, T1=T1, T2=T2, theta=th)

    assert np.allclose(hand(), lb(), rtol=1e-12)
    best = {}
    for name, fn in (("hand", hand), ("lbsym", lb)):
        ts = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        best[name] = min(ts)
    print(f"\nfabry-perot T over {points:.0e} points: lbsym evaluator {best['lbsym'] * 1e3:.1f} ms, "
          f"hand-written numpy {best['hand'] * 1e3:.1f} ms, ratio {best['lbsym'] / best['hand']:.2f} "
          f"(target <= 1.5)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmax", type=int, default=8)
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    args = ap.parse_args()
    composition_table(args.nmax, args.naive_timeout)
    evaluator_ratio()


if __name__ == "__main__":
    main()

"""Time the closed-form cumulants of the binomial generating function.

Run:  python benchmarks/cumulants.py
Prints, for orders 1..12, the time of the general extractor
(lbsym.counting.cumulants on ln(1 + T(e^{i lambda} - 1))) and of the
recursion kappa_{k+1} = T(1-T) dkappa_k/dT, and whether they agree; then the
extractor on the sequential-tunnelling generating function (a square root,
not a rational function of e^{i lambda}) for orders 1..6.
"""

import time

import sympy as sp

from lbsym.counting import binomial_cgf, binomial_cumulants, cumulants, sequential_cgf

T = sp.Symbol("T", positive=True)


def main() -> None:
    cgf = binomial_cgf(T)
    print(f"{'order':>5} {'extractor [s]':>14} {'recursion [s]':>14}  agree")
    for n in range(1, 13):
        t0 = time.perf_counter()
        a = cumulants(cgf, n)
        t1 = time.perf_counter()
        b = binomial_cumulants(T, n)
        t2 = time.perf_counter()
        ok = all(sp.expand(x - y) == 0 for x, y in zip(a, b))
        print(f"{n:>5} {t1 - t0:>14.4f} {t2 - t1:>14.4f}  {ok}")
    GL, GR = sp.symbols("Gamma_L Gamma_R", positive=True)
    seq = sequential_cgf(GL, GR)
    print(f"\n{'order':>5} {'sequential [s]':>14}")
    for n in range(1, 7):
        t0 = time.perf_counter()
        cumulants(seq, n)
        print(f"{n:>5} {time.perf_counter() - t0:>14.4f}")


if __name__ == "__main__":
    main()

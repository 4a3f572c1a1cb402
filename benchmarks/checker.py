"""The homework checker and the command on bad input: verdicts right, answers fast.

Runs every student answer of ``tests/test_check_answers.py`` (in one process)
and every bad input of issue 11 as a cold ``lbsym`` process, and prints the
time of each, the slowest, and how many verdicts were right.  Target: every
bad input answered in under 5 s (exit 2, or 1 for a wrong answer), one line
under 200 characters on stderr.

    python benchmarks/checker.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

BAD = [
    ["check", "fabry-perot", "k L + 3"],
    ["check", "fabry-perot", "T1 T2/(1 + R1 R2 + 2 sqrt(R1 R2) cos(2 k L))"],
    ["check", "counting-statistics", "M T(1-T)(1-2T)"],
    ["check", "fabry-perot", "(T1+T2+R1+R2+theta)^900"],
    ["check", "fabry-perot", "(T1+T2+R1+R2+theta)^40"],
    ["check", "h-bar-nonlocal", "h/e^2 (T20 T31 - T21 T30)/(T10 T20 T30)"],
    ["check", "fabry-perot", "x" * 10_000],
    ["eval", "fabry-perot", "T1=0.5", "T2=0.5", "theta=0", "R1=0.9", "R2=0.9"],
    ["eval", "brouwer-pump", "A1=0.1", "A2=0.1", "T=0.01", "epsilon1=1", "epsilon2=1", "k=1",
     "d=3", "phi1=0", "phi2=1"],
    ["eval", "periodic-chain", "N=2.5", "T1=0.5", "xi=0.3"],
    ["eval", "aharonov-bohm-ring", "Phi0=0", "Phi=1", "epsilon=0.3", "theta=1"],
    ["plot", "fabry-perot", "-o", "/tmp"],
    ["plot", "fabry-perot", "-o", "x"],
    ["plot", "fabry-perot", "-o", ""],
    ["plot", "fabry-perot", "-o", "/nonexistent/x.png"],
    ["plot", "fabry-perot", "-o", "x.jpg2"],
    ["book", "-o", "/proc/b.tex"],
]


def main() -> None:
    from test_check_answers import ANSWERS

    from lbsym.check import check

    right, times = 0, []
    for name, text, latex, verdict, _ in ANSWERS:
        t = time.perf_counter()
        res = check(name, text, latex=latex)
        times.append((time.perf_counter() - t, name, text))
        right += res.verdict == verdict
    times.sort(reverse=True)
    print(f"student answers: {right}/{len(ANSWERS)} verdicts right; slowest "
          + "; ".join(f"{t:.2f} s ({n}: {x[:30]})" for t, n, x in times[:3]))
    worst = 0.0
    for argv in BAD:
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "lbsym.cli", *argv], capture_output=True,
                              text=True, cwd="/tmp", timeout=120)
        dt = time.perf_counter() - t
        worst = max(worst, dt)
        line = (proc.stderr.strip() or proc.stdout.strip().splitlines()[0])
        shown = " ".join(a if len(a) < 40 else a[:20] + "..." for a in argv)
        print(f"{dt:5.2f} s  exit {proc.returncode}  {shown}\n         {line[:110]}")
    print(f"bad inputs: slowest {worst:.2f} s in a cold process (target < 5 s)")


if __name__ == "__main__":
    main()

"""The README's Python example runs and agrees with a numeric solve of the same network."""

import re
from pathlib import Path

import numpy as np

from lbsym.numeric import network_smatrix

README = Path(__file__).resolve().parent.parent / "README.md"


def test_python_example_runs_and_matches_a_numeric_solve(capsys):
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## In Python.*?```python\n(.*?)```", text, re.S).group(1)
    env: dict = {}
    exec(compile(block, "README.md", "exec"), env)  # our own documentation, not user input
    capsys.readouterr()
    f, S, T, net = env["f"], env["S"], env["T"], env["net"]
    phis = np.linspace(0, 2 * np.pi, 5)
    got = f(T1=0.5, epsilon=0.4, kL=1.3, alpha1=0.1, beta1=0.2, phi=phis)
    shown = re.search(r"# array\(\[([^\]]*)\]\)", block).group(1)
    assert np.allclose(got, [float(x) for x in shown.split(",")], atol=1e-8)
    sym = {s.name: s for s in T.free_symbols | set(S.relations)}
    for p, g in zip(phis, got):
        values = {sym["T1"]: 0.5, sym["R1"]: 0.5, sym["epsilon"]: 0.4, sym["kL"]: 1.3,
                  sym["phi"]: p, sym["alpha1"]: 0.1, sym["beta1"]: 0.2}
        M = network_smatrix(net, values)
        assert abs(abs(M[1, 0]) ** 2 - g) < 1e-12


def test_adding_a_derivation_example_is_a_working_derivation(tmp_path):
    """The README's one-file derivation registers, derives, checks and plots."""
    import dataclasses
    import sys
    import types

    import sympy as sp

    from lbsym import derivation as registry

    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Adding a derivation.*?```python\n(.*?)```", text, re.S).group(1)
    module = types.ModuleType("readme_delta_barrier")
    sys.modules[module.__name__] = module
    try:
        exec(compile(block, "README.md", "exec"), module.__dict__)  # our own documentation
        d = registry.get("delta-barrier")
        assert d.title == "Transmission of a delta-function barrier"
        assert d.check_textbook()
        rep = d.run_cross_check()
        assert rep.passed and rep.points == 4, rep.summary()
        spoiled = dataclasses.replace(d, result=d.result * sp.Rational(11, 10))
        assert not spoiled.run_cross_check().passed
        data = d.figure_data()
        assert np.allclose(data["points"][0][2], 1 / (1 + data["points"][0][1] ** 2))
    finally:
        registry._BUILDERS.pop("delta-barrier", None)
        sys.modules.pop(module.__name__, None)

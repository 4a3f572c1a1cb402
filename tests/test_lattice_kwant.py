"""Cross-check against Kwant 1.5 (optional).

Kwant needs numpy<2, so it lives in its own venv (``.kwant-venv`` at the
repository root, made by ``/work/shared/tools/install-kwant.sh``, or the
python named by ``$LBSYM_KWANT_PYTHON``).  The same systems are rebuilt in
Kwant by the worker mode of ``benchmarks/lattice_vs_kwant.py`` and their
transmission matrices compared to 1e-9.  Skipped when neither that venv nor
an importable kwant exists.
"""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from lbsym.lattice import shapes

REPO = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("lattice_vs_kwant", REPO / "benchmarks" / "lattice_vs_kwant.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _kwant_python():
    env = os.environ.get("LBSYM_KWANT_PYTHON")
    for cand in (env, REPO / ".kwant-venv" / "bin" / "python"):
        if cand and Path(cand).exists():
            return Path(cand)
    pytest.importorskip("kwant")
    return Path(sys.executable)


def _T(S):
    return S.conductance_matrix() + np.diag([S.num_modes(i) for i in range(S.num_leads)])


def test_transmissions_agree_with_kwant():
    python = _kwant_python()
    bench = _bench()
    E3 = [-2.7, -1.1, 0.35]
    systems = [
        (shapes.strip(5, 12, disorder=1.5, seed=3, field=0.07), "strip", E3, dict(field=0.07), None),
        (shapes.strip(4, 9, potential=lambda pos: 0.3 * np.sin(pos[0]) * pos[1]), "strip", E3, {}, None),
        (shapes.chain({0: 0.5, 2: -0.3, 5: 1.1}), "chain", [-1.5, 0.2, 1.3], {}, None),
        (shapes.junction(3, eps=0.3), "junction", [-1.5, 0.2, 1.3], dict(n=3, eps=0.3), None),
        (shapes.ring(3, 5), "ring", [-1.5, 0.2, 1.3],
         dict(n_upper=3, n_lower=5, eps=0.0, spread=False, phi=0.23), {"phi": 0.23}),
        (shapes.ring(2, 4, spread=True), "ring", [-1.5, 0.2, 1.3],
         dict(n_upper=2, n_lower=4, eps=0.0, spread=True, phi=0.4), {"phi": 0.4}),
        (shapes.cross(3, 2, field=0.09, field_everywhere=False), "cross", [-2.9, -1.2, 0.4], dict(field=0.09, clip=[0.0, 2.0]), None),
        (shapes.hbar(3, 8, 2, 2, field=0.05), "hbar", [-2.9, -1.2, 0.4], dict(field=0.05), None),
        (shapes.hall_bar(5, 14, probe_width=2, field_everywhere=False), "cross", [-3.1, -1.2],
         dict(field=0.11, clip=[0.0, 4.0], params={"phi": 0.11}), {"phi": 0.11}),
    ]
    # below the band bottom (-2 - 2 cos(pi/5) = -3.62 for W = 4): no open channel, T = 0 on both sides
    systems.append((shapes.strip(4, 9, disorder=0.5, seed=1), "strip", [-3.9, -3.3, -1.0], {}, None))
    cases, ours, ours_G = [], [], []
    for system, kind, energies, extra, params in systems:
        cases.append(bench.describe(system, kind, energies, **dict(extra)))
        Ss = [system.smatrix(E, params) for E in energies]
        ours.append(np.array([_T(S) for S in Ss]))
        ours_G.append(np.array([S.conductance_matrix(convention="kwant") for S in Ss]))
    res = bench.run_kwant(python, cases)
    assert res is not None
    for n, T in enumerate(ours):
        # 1e-10 except in a field, where both codes' lead modes carry ~1e-10 (lbsym: LeadModes.residual)
        tol = 1e-9 if cases[n][0].get("field") else 1e-10
        np.testing.assert_allclose(res[f"T{n}"], T, atol=tol, err_msg=f"case {n}: {cases[n][0]['kind']}")
        G = res[f"G{n}"]
        ok = np.isfinite(G)  # Kwant's matrix at energies where every lead is open
        np.testing.assert_allclose(G[ok], ours_G[n][ok], atol=tol, err_msg=f"case {n}: conductance sign")
    assert np.all(ours[-1][0] == 0) and np.all(res[f"T{len(ours) - 1}"][0] == 0)

"""BLAS threading inside the lattice solver (issue 15, item 3)."""

import numpy as np
import pytest

from lbsym.errors import LatticeError
from lbsym.lattice import shapes, solver


def test_solver_limits_blas_threads_inside_a_solve(monkeypatch):
    tpc = pytest.importorskip("threadpoolctl")
    seen = []
    real = solver.prepare_leads

    def spy(*args):
        seen.append({i["num_threads"] for i in tpc.threadpool_info() if i["user_api"] == "blas"})
        return real(*args)

    monkeypatch.setattr(solver, "prepare_leads", spy)
    shapes.strip(3, 4).smatrix(-1.0)
    assert seen and seen[0] <= {1}
    monkeypatch.setenv("LBSYM_BLAS_THREADS", "0")  # 0: leave BLAS alone
    before = {i["num_threads"] for i in tpc.threadpool_info() if i["user_api"] == "blas"}
    shapes.strip(3, 4).smatrix(-1.0)
    assert seen[-1] == before


def test_bad_thread_setting_is_a_lattice_error(monkeypatch):
    monkeypatch.setenv("LBSYM_BLAS_THREADS", "many")
    with pytest.raises(LatticeError, match="LBSYM_BLAS_THREADS"):
        shapes.strip(3, 4).smatrix(-1.0)


def test_result_does_not_depend_on_the_limit(monkeypatch):
    s = shapes.strip(5, 8, disorder=1.0, seed=2)
    a = s.smatrix(-1.3).data
    monkeypatch.setenv("LBSYM_BLAS_THREADS", "0")
    b = s.smatrix(-1.3).data
    np.testing.assert_allclose(a, b, atol=1e-13)

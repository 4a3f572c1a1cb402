"""Sweeps and disorder ensembles (lbsym.lattice.sweep)."""

import io
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from lbsym.errors import LatticeError
from lbsym.lattice import SMatrix, Transmission, disorder_ensemble, energy_sweep, parameter_sweep, shapes


def build_sample(rng):
    return shapes.strip(4, 6, disorder=2.0, seed=rng)


def test_energy_sweep_serial_matches_direct_and_progress():
    s = shapes.strip(3, 5, disorder=1.0, seed=4)
    Es = np.linspace(-3.0, 1.9, 7)
    out = io.StringIO()
    res = energy_sweep(s, Es, quantity=Transmission(1, 0), progress=True, stream=out)
    assert res == [s.smatrix(E).transmission(1, 0) for E in Es]
    assert "energy sweep: 7/7" in out.getvalue()
    smats = energy_sweep(s, Es[:2])
    assert all(isinstance(S, SMatrix) for S in smats)


def test_parameter_sweep_ring():
    r = shapes.ring(2, 4)
    res = parameter_sweep(r, -0.4, [{"phi": p} for p in (0.0, 0.3, 1.0)], quantity=Transmission())
    assert abs(res[0] - res[2]) < 1e-12 and abs(res[0] - res[1]) > 1e-6


def test_disorder_ensemble_reproducible_serial_and_parallel():
    serial = disorder_ensemble(build_sample, 6, [-1.1, 0.3], seed=11, quantity=Transmission())
    again = disorder_ensemble(build_sample, 6, [-1.1, 0.3], seed=11, quantity=Transmission(), chunksize=4)
    with ProcessPoolExecutor(2) as ex:
        parallel = disorder_ensemble(build_sample, 6, [-1.1, 0.3], seed=11, quantity=Transmission(),
                                     executor=ex, chunksize=2)
    with ThreadPoolExecutor(2) as ex:
        threads = disorder_ensemble(build_sample, 6, [-1.1, 0.3], seed=11, quantity=Transmission(), executor=ex)
    assert serial == again == parallel == threads
    assert len(serial) == 6 and len(serial[0]) == 2
    other = disorder_ensemble(build_sample, 6, -1.1, seed=12, quantity=Transmission())
    assert other != [x[0] for x in serial]
    # sample i depends only on (seed, i)
    first3 = disorder_ensemble(build_sample, 3, -1.1, seed=11, quantity=Transmission())
    assert first3 == [x[0] for x in serial[:3]]
    ss = np.random.SeedSequence(11)
    assert disorder_ensemble(build_sample, 3, -1.1, seed=ss, quantity=Transmission()) == first3
    assert disorder_ensemble(build_sample, 3, -1.1, seed=ss, quantity=Transmission()) == first3


def test_energy_sweep_on_process_pool_returns_smatrices():
    s = shapes.hall_bar(5, 12, probe_width=2)
    with ProcessPoolExecutor(2) as ex:
        res = energy_sweep(s, [-1.3, -0.7], {"phi": 0.05}, executor=ex)
    direct = [s.smatrix(E, {"phi": 0.05}) for E in (-1.3, -0.7)]
    for a, b in zip(res, direct):
        np.testing.assert_array_equal(a.data, b.data)


def test_sweep_bad_input():
    s = shapes.strip(2, 2)
    with pytest.raises(LatticeError, match="executor"):
        energy_sweep(s, [-1.0], executor=object())
    with pytest.raises(LatticeError, match="n_samples"):
        disorder_ensemble(build_sample, 0, -1.0)
    with pytest.raises(LatticeError, match="chunksize"):
        energy_sweep(s, [-1.0], chunksize=0)


class _DyingExecutor:
    """A concurrent.futures-like executor whose second chunk fails in the worker."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self.inner, self.count = ThreadPoolExecutor(1), 0

    def submit(self, fn, *args):
        self.count += 1
        if self.count == 2:
            def lost(*a):
                raise ConnectionError("worker lost")
            return self.inner.submit(lost)
        return self.inner.submit(fn, *args)


def test_failing_executor_gives_a_clear_error_and_no_partial_result():
    from lbsym.lattice.sweep import EnsembleError

    with pytest.raises(EnsembleError, match=r"disorder ensemble incomplete: \d of 6 .*ConnectionError: worker lost"):
        disorder_ensemble(build_sample, 6, -1.1, seed=1, quantity=Transmission(), executor=_DyingExecutor(),
                          chunksize=2)


def _uniform(rng, scale):
    return scale * rng.random()


def test_sample_ensemble_seeding_does_not_depend_on_chunks_and_errors_are_reported():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lbsym.lattice.sweep import mean_and_error, sample_ensemble

    ref = sample_ensemble(_uniform, 13, args=(2.0,), seed=3)

    @settings(max_examples=15, deadline=None)
    @given(chunk=st.integers(1, 14))
    def same(chunk):
        assert sample_ensemble(_uniform, 13, args=(2.0,), seed=3, chunksize=chunk) == ref

    same()
    m, se = mean_and_error(disorder_ensemble(build_sample, 5, [-1.1, 0.3], seed=2, quantity=Transmission()))
    assert m.shape == se.shape == (2,) and np.all(se > 0)
    with pytest.raises(LatticeError, match="at least 2 samples"):
        mean_and_error([1.0])


def test_qpc_systems_pickle_for_process_pools_and_dask():
    import pickle

    s = shapes.qpc(9, 15, v0=0.1, omega_x=0.3, omega_y=0.5, norbs=2, zeeman="Ez")
    back = pickle.loads(pickle.dumps(s))
    a = s.smatrix(-3.3, {"Ez": 0.02}).transmission(1, 0)
    assert back.smatrix(-3.3, {"Ez": 0.02}).transmission(1, 0) == a

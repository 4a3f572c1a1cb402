"""Random-matrix transport: exact Weingarten averages (lbsym.rmt) and the samplers
(lbsym.rmt_numeric), each checked against the other and against textbook forms."""

from __future__ import annotations

from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lbsym.errors import LbsymError, ParameterError
from lbsym.lattice.sweep import EnsembleError, sample_ensemble
from lbsym.rmt import (
    N1,
    N2,
    average_tr_tt4,
    average_transmission,
    character,
    fano_factor,
    transmission_variance,
    weingarten,
)
from lbsym.rmt_numeric import (
    cavity_ensemble,
    cavity_sample,
    chain_ensemble,
    circular_ensemble,
    series_chain,
    symplectic_unit,
    transmission_eigenvalues,
)

N = N1 + N2


def _textbook_mean(beta):
    return N1 * N2 / (N - 1 + sp.Rational(2, beta))


def _textbook_var(beta):
    """Beenakker RMP 69, 731 (1997), eq. (3.??) / Baranger-Mello 1994: the one formula for all beta."""
    b = sp.Rational(2, beta)
    return (2 * N1 * N2 * (N1 - 1 + b) * (N2 - 1 + b)
            / (beta * (N - 2 + b) * (N - 1 + b) ** 2 * (N - 1 + 2 * b)))


# ------------------------------------------------------------ exact symbolic averages
def test_characters_and_weingarten():
    # column orthogonality of S_4's character table, and known Weingarten values
    lams = [(4,), (3, 1), (2, 2), (2, 1, 1), (1, 1, 1, 1)]
    mus = lams
    sizes = {(4,): 6, (3, 1): 8, (2, 2): 3, (2, 1, 1): 6, (1, 1, 1, 1): 1}
    for mu in mus:
        assert sum(character(l, mu) ** 2 for l in lams) * sizes[mu] == 24
    assert [character(l, (1, 1, 1, 1)) for l in lams] == [1, 3, 2, 3, 1]
    d = sp.Symbol("d", positive=True, integer=True)
    assert sp.cancel(weingarten((1, 1, 1)) - (d**2 - 2) / (d * (d**2 - 1) * (d**2 - 4))) == 0
    assert sp.cancel(weingarten((3,)) - 2 / (d * (d**2 - 1) * (d**2 - 4))) == 0


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_exact_mean_and_variance_equal_the_textbook(beta):
    assert sp.cancel(average_transmission(beta) - _textbook_mean(beta)) == 0
    assert sp.cancel(transmission_variance(beta) - _textbook_var(beta)) == 0


def test_beta2_variance_and_limits():
    assert sp.cancel(transmission_variance(2) - N1**2 * N2**2 / (N**2 * (N**2 - 1))) == 0
    M = sp.Symbol("M", positive=True)
    for beta, ucf in ((1, sp.Rational(1, 8)), (2, sp.Rational(1, 16)), (4, sp.Rational(1, 32))):
        assert sp.limit(transmission_variance(beta).subs({N1: M, N2: M}), M, sp.oo) == ucf
        assert sp.limit(fano_factor(beta).subs({N1: M, N2: M}), M, sp.oo) == sp.Rational(1, 4)


def test_small_cavity_values():
    """N1 = N2 = 1: P(T) ~ T^(beta/2 - 1): <T> = beta/(beta + 2), var = 4 beta/((beta+2)^2 (beta+4))."""
    for beta in (1, 2, 4):
        at = {N1: 1, N2: 1}
        assert average_transmission(beta).subs(at) == sp.Rational(beta, beta + 2)
        assert transmission_variance(beta).subs(at) == sp.Rational(4 * beta, (beta + 2) ** 2 * (beta + 4))
        assert average_tr_tt4(beta).subs(at) == sp.Rational(beta, beta + 4)


# ------------------------------------------------------------ Monte Carlo vs exact
def _sigmas(beta, n1, n2, samples=1000, seed=0):
    st_ = cavity_ensemble(n1, n2, beta, samples, seed=seed)
    at = {N1: n1, N2: n2}
    mean = float(average_transmission(beta).subs(at))
    var = float(transmission_variance(beta).subs(at))
    t4 = float(average_tr_tt4(beta).subs(at))
    return max(abs(st_.mean("G") - mean) / st_.sem("G"),
               abs(st_.var("G") - var) / st_.var_sem("G"),
               abs(st_.mean("T2") - t4) / st_.sem("T2"))


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_monte_carlo_agrees_within_4_sigma(beta):
    worst = max(_sigmas(beta, n1, n2, seed=10 * n1 + n2) for n1 in range(1, 5) for n2 in range(1, 5))
    assert worst < 4, worst


# ------------------------------------------------------------ samplers: distributions (KS)
@pytest.mark.parametrize("beta", [1, 2, 4])
def test_single_channel_transmission_distribution(beta):
    """N1 = N2 = 1: P(T) = (beta/2) T^(beta/2 - 1) (Beenakker RMP 1997, eq. (3.??)); KS test."""
    rng = np.random.default_rng(beta)
    Ts = [transmission_eigenvalues(circular_ensemble(2, beta, rng), 1, beta)[-1] for _ in range(3000)]
    assert stats.kstest(Ts, stats.beta(beta / 2, 1).cdf).pvalue > 1e-3


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_eigenphase_repulsion(beta):
    """Two eigenphases: their circular distance has density ~ |sin(theta/2)|^beta on [0, pi] (Dyson); KS."""
    rng = np.random.default_rng(100 + beta)
    diffs = []
    for _ in range(3000):
        ph = np.sort(np.angle(np.linalg.eigvals(circular_ensemble(2, beta, rng))))
        if beta == 4:  # Kramers-degenerate: (a, a, b, b)
            ph = ph[::2]
        gap = ph[1] - ph[0]
        diffs.append(min(gap, 2 * np.pi - gap))  # the circular distance, in [0, pi]
    grid = np.linspace(0, np.pi, 4001)
    dens = np.abs(np.sin(grid / 2)) ** beta
    cdf = np.concatenate([[0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
    cdf /= cdf[-1]
    assert stats.kstest(diffs, lambda x: np.interp(x, grid, cdf)).pvalue > 1e-3


def test_cue_entries_distribution():
    rng = np.random.default_rng(7)
    x = [abs(circular_ensemble(5, 2, rng)[1, 3]) ** 2 for _ in range(2000)]
    assert stats.kstest(x, stats.beta(1, 4).cdf).pvalue > 1e-3


# ------------------------------------------------------------ identities (hypothesis)
@settings(max_examples=40, deadline=None)
@given(n1=st.integers(1, 4), n2=st.integers(1, 4), beta=st.sampled_from([1, 2, 4]), seed=st.integers(0, 2**32 - 1))
def test_sampled_S_is_unitary_with_its_symmetry(n1, n2, beta, seed):
    S = circular_ensemble(n1 + n2, beta, np.random.default_rng(seed))
    k = 2 if beta == 4 else 1
    np.testing.assert_allclose(S @ S.conj().T, np.eye(k * (n1 + n2)), atol=1e-12)
    if beta == 1:
        np.testing.assert_allclose(S, S.T, atol=1e-12)
    if beta == 4:
        Z = symplectic_unit(n1 + n2)
        np.testing.assert_allclose(S, Z @ S.T @ Z.T, atol=1e-12)
    Ts = transmission_eigenvalues(S, n1, beta)
    assert np.all((Ts >= 0) & (Ts <= 1))
    # current conservation: sum T = N1 - tr r r^dagger (per Kramers pair)
    r = S[: k * n1, : k * n1]
    assert abs(Ts.sum() - (n1 - np.trace(r @ r.conj().T).real / k)) < 1e-10
    if beta == 4:  # Kramers degeneracy of t^dagger t
        full = np.linalg.eigvalsh(S[k * n1:, : k * n1].conj().T @ S[k * n1:, : k * n1])
        np.testing.assert_allclose(full[::2], full[1::2], atol=1e-10)


def test_chain_composition_is_the_star_product():
    rng = np.random.default_rng(3)
    M = 2
    A, B = (circular_ensemble(2 * M, 1, rng) for _ in range(2))
    C = series_chain([A, B], M)
    I = np.eye(M)
    t = B[M:, :M] @ np.linalg.inv(I - A[M:, M:] @ B[:M, :M]) @ A[M:, :M]
    np.testing.assert_allclose(C[M:, :M], t, atol=1e-12)
    np.testing.assert_allclose(C @ C.conj().T, np.eye(2 * M), atol=1e-12)


# ------------------------------------------------------------ executors and seeding
def test_ensembles_identical_serial_threads_processes():
    serial = cavity_ensemble(2, 3, 1, 40, seed=9)
    chunked = cavity_ensemble(2, 3, 1, 40, seed=9, chunksize=7)
    with ThreadPoolExecutor(2) as ex:
        threads = cavity_ensemble(2, 3, 1, 40, seed=9, executor=ex)
    with ProcessPoolExecutor(2) as ex:
        procs = cavity_ensemble(2, 3, 1, 40, seed=9, executor=ex, chunksize=10)
        chains = chain_ensemble(2, 2, 1, 6, seed=4, executor=ex, chunksize=3)
    for other in (chunked, threads, procs):
        np.testing.assert_array_equal(serial.values, other.values)
    np.testing.assert_array_equal(chains.values, chain_ensemble(2, 2, 1, 6, seed=4).values)
    # sample i depends on (seed, i) only
    np.testing.assert_array_equal(cavity_ensemble(2, 3, 1, 5, seed=9).values, serial.values[:5])
    assert cavity_sample(np.random.default_rng(np.random.SeedSequence(9).spawn(40)[3]), 2, 3, 1) == \
        tuple(serial.values[3])


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_numbers():
    distributed = pytest.importorskip("distributed")
    serial = cavity_ensemble(1, 2, 4, 24, seed=5)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        dask = cavity_ensemble(1, 2, 4, 24, seed=5, executor=client.get_executor(), chunksize=6)
    np.testing.assert_array_equal(serial.values, dask.values)


class _Dying(Executor):
    """An executor whose third submitted chunk fails."""

    def __init__(self):
        self.inner = ThreadPoolExecutor(1)
        self.count = 0

    def submit(self, fn, *args, **kw):
        self.count += 1
        if self.count == 3:
            raise RuntimeError("worker lost")
        return self.inner.submit(fn, *args, **kw)


def _boom(rng, i):
    if rng.random() < 2:
        raise ZeroDivisionError("bad sample")


def test_bad_input_and_failing_executors():
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ParameterError, match="channels >= 1"):
            cavity_ensemble(bad, 2, 1, 10)
        with pytest.raises(ParameterError, match="channels >= 1"):
            circular_ensemble(bad, 2)
    for beta in (3, 0, "1", True):
        with pytest.raises(ParameterError, match="Dyson index"):
            cavity_ensemble(1, 1, beta, 10)
        with pytest.raises(ParameterError, match="Dyson index"):
            average_transmission(beta)
    with pytest.raises(LbsymError, match="n_samples"):
        cavity_ensemble(1, 1, 1, 0)
    dying = _Dying()
    with pytest.raises(EnsembleError, match=r"incomplete: \d+ of 40 .*worker lost.*no partial result"):
        cavity_ensemble(1, 1, 2, 40, executor=dying, chunksize=5)
    with pytest.raises(EnsembleError, match="ZeroDivisionError"):
        sample_ensemble(_boom, 4, args=(1,))
    with ThreadPoolExecutor(2) as ex, pytest.raises(EnsembleError, match="ZeroDivisionError"):
        sample_ensemble(_boom, 4, args=(1,), executor=ex)


def test_weingarten_s4_and_haar_moments():
    from lbsym.rmt import haar_moment

    d = sp.Symbol("d", positive=True, integer=True)
    wg = (d**4 - 8 * d**2 + 6) / (d**2 * (d**2 - 1) * (d**2 - 4) * (d**2 - 9))
    assert sp.cancel(weingarten((1, 1, 1, 1)) - wg) == 0
    # <|U_11|^4> = 2/(d(d+1)), <|U_11 U_22|^2> = 1/(d^2 - 1) (indices in one-element domains)
    a, b = ("a", "A"), ("b", "B")
    m4 = haar_moment([a, a], [a, a], [a, a], [a, a], {"A": 1, "B": 1}, d)
    m22 = haar_moment([a, b], [a, b], [a, b], [a, b], {"A": 1, "B": 1}, d)
    assert sp.cancel(m4 - 2 / (d * (d + 1))) == 0 and sp.cancel(m22 - 1 / (d**2 - 1)) == 0

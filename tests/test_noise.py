"""Noise: Blanter-Büttiker formula, its limits, Fano, multi-terminal matrix."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.stats import unitary_group

from lbsym import noise, noise_numeric
from lbsym.constants import e, h, k_B
from lbsym.errors import LbsymError, ShapeError

T1, T2 = sp.symbols("T1 T2", positive=True)
UNITS = {e: 1, h: 1, k_B: 1}


def test_limits_of_finite_temperature_formula():
    S = noise.two_terminal_noise([T1, T2])
    shot = noise.shot_limit(S)
    assert sp.expand(shot - 2 * e * sp.Abs(noise.V) * e**2 / h * (T1 * (1 - T1) + T2 * (1 - T2))) == 0
    thermal = noise.thermal_limit(S)
    assert sp.expand(thermal - 4 * k_B * noise.Theta * e**2 / h * (T1 + T2)) == 0
    # g_s multiplies
    assert sp.expand(noise.shot_noise([T1], g_s=2) - 4 * e**3 * sp.Abs(noise.V) / h * T1 * (1 - T1)) == 0
    assert sp.expand(noise.thermal_noise([T1], g_s=2) - 8 * k_B * noise.Theta * e**2 / h * T1) == 0


def test_symbolic_channel_sum():
    Tb = sp.IndexedBase("T", positive=True)
    n, N = sp.symbols("n N", positive=True, integer=True)
    S = noise.two_terminal_noise((Tb, n, N))
    shot = noise.shot_limit(S)
    assert sp.simplify(shot.subs(N, 3).doit()
                       - 2 * e**3 * sp.Abs(noise.V) / h * sum(Tb[i] * (1 - Tb[i]) for i in (1, 2, 3))) == 0
    assert sp.simplify(noise.thermal_limit(S).subs(N, 2).doit()
                       - 4 * k_B * noise.Theta * e**2 / h * (Tb[1] + Tb[2])) == 0


def test_shot_limit_needs_even_expression():
    with pytest.raises(LbsymError, match="even"):
        noise.shot_limit(noise.V * noise.Theta)


def test_fano():
    assert noise.fano([sp.Rational(1, 2)]) == sp.Rational(1, 2)
    assert sp.simplify(noise.fano([T1]) - (1 - T1)) == 0
    with pytest.raises(ShapeError):
        noise.fano([])


@pytest.mark.parametrize("method", ["mpmath", "scipy"])
def test_energy_integral_matches_closed_form(method):
    Ts = [0.2, 0.7, 0.95]
    for Vb, kT in [(1.0, 0.3), (0.2, 1.0), (3.0, 0.05)]:
        closed = float(noise.two_terminal_noise(Ts, Vb, kT).subs(UNITS))
        num = noise_numeric.noise_integral(lambda E: Ts, Vb, kT, method=method, dps=18)
        assert abs(num - closed) < 1e-9 * abs(closed)


def test_noise_value_limits():
    Ts = [0.3, 0.9]
    assert abs(noise_numeric.noise_value(Ts, 0.0, 0.5) - 4 * 0.5 * sum(Ts)) < 1e-14  # 4 kT G
    assert abs(noise_numeric.noise_value(Ts, -2.0, 0.0) - 2 * 2.0 * sum(t * (1 - t) for t in Ts)) < 1e-14
    assert abs(noise_numeric.noise_value(Ts, 1e-12, 0.5, g_s=2) - 2 * 4 * 0.5 * sum(Ts)) < 1e-12


def test_noise_integral_bad_method():
    with pytest.raises(LbsymError):
        noise_numeric.noise_integral(lambda E: 0.5, 1.0, 1.0, method="euler")


def _random_two_terminal(n, seed):
    U = unitary_group.rvs(2 * n, random_state=seed)
    return U, list(range(n)), list(range(n, 2 * n))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 3), seed=st.integers(0, 10**6),
       Vb=st.floats(-5, 5), kT=st.floats(0, 3))
def test_noise_nonnegative_and_fano_in_unit_interval(n, seed, Vb, kT):
    U, L, R = _random_two_terminal(n, seed)
    Ts = noise_numeric.transmission_eigenvalues(U[np.ix_(R, L)])
    F = float(noise.fano([sp.Float(x) for x in Ts]))
    assert -1e-12 <= F <= 1 + 1e-12
    M = noise_numeric.noise_matrix(U, [L, R], [Vb, 0.0], kT)
    assert M[0, 0] >= -1e-12 and M[1, 1] >= -1e-12
    assert abs(M[0, 0] - M[1, 1]) < 1e-9 and abs(M[0, 0] + M[0, 1]) < 1e-9
    closed = noise_numeric.noise_value(Ts, Vb, kT)
    assert abs(M[0, 0] - closed) < 1e-9 * max(1.0, abs(closed))
    if Vb != 0 and kT > 0:
        sym = float(noise.two_terminal_noise([sp.Float(x) for x in Ts], Vb, kT).subs(UNITS))
        assert abs(sym - closed) < 1e-9 * max(1.0, abs(closed))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), nlead=st.integers(3, 4), nch=st.integers(1, 2),
       volts=st.lists(st.floats(-3, 3), min_size=4, max_size=4))
def test_multiterminal_conservation_and_hbt_sign(seed, nlead, nch, volts):
    U = unitary_group.rvs(nlead * nch, random_state=seed)
    leads = [list(range(a * nch, (a + 1) * nch)) for a in range(nlead)]
    M = noise_numeric.noise_matrix(U, leads, volts[:nlead], 0.0)
    scale = max(1.0, np.abs(M).max())
    assert np.allclose(M.sum(axis=0), 0, atol=1e-10 * scale)
    assert np.allclose(M.sum(axis=1), 0, atol=1e-10 * scale)
    assert np.allclose(M, M.T, atol=1e-10 * scale)
    off = M[~np.eye(nlead, dtype=bool)]
    assert np.all(off <= 1e-10 * scale)  # Hanbury Brown-Twiss: fermions anticorrelate
    assert np.all(np.diag(M) >= -1e-10 * scale)


def test_equilibrium_multiterminal_is_johnson_nyquist():
    # S_ab = 2 kT (2 delta_ab N_a - T_ab - T_ba) e^2/h at V = 0
    U = unitary_group.rvs(6, random_state=3)
    leads = [[0, 1], [2, 3], [4, 5]]
    kT = 0.7
    M = noise_numeric.noise_matrix(U, leads, [0, 0, 0], kT)
    Tm = np.array([[np.sum(np.abs(U[np.ix_(leads[a], leads[b])]) ** 2) for b in range(3)]
                   for a in range(3)])
    expected = 2 * kT * (2 * np.diag([2, 2, 2]) - Tm - Tm.T)
    assert np.allclose(M, expected, atol=1e-12)


def test_noise_matrix_bad_input():
    with pytest.raises(ShapeError):
        noise_numeric.noise_matrix(np.eye(2), [[0], [1]], [1.0])
    with pytest.raises(ShapeError):
        noise_numeric.noise_matrix(np.ones((2, 3)), [[0], [1]], [1.0, 0.0])
    assert noise.lead_indices([("L", 0), ("R", 0), ("L", 1)], "L") == [0, 2]
    with pytest.raises(LbsymError):
        noise.lead_indices([("L", 0)], "X")


def test_energy_dependent_noise_matches_coherent_counting_statistics():
    """Breit-Wigner T(E) at large bias, low temperature: S = 2e^2 kappa_2 / t with the
    coherent Levitov-Lesovik kappa_2 (Schottky normalization ties noise to counting)."""
    from lbsym import counting

    GL, GR = sp.symbols("Gamma_L Gamma_R", positive=True)
    gl, gr = 0.3, 0.7
    k2 = counting.cumulants(counting.breit_wigner_cgf(GL, GR, 1, 1), 2)[1]
    expected = 2 * float(k2.subs({GL: gl, GR: gr}))
    Tf = lambda E: gl * gr / (E**2 + (gl + gr) ** 2 / 4)
    Vb = 2e4  # the tails beyond +-V/2 carry ~ 4 gl gr / V of the weight
    num = noise_numeric.noise_integral(Tf, Vb, 1e-3, method="scipy")
    assert abs(num - expected) < 4 * 4 * gl * gr / Vb + 1e-9


def test_symbolic_noise_matrix_hanbury_brown_twiss_beam_splitter():
    from lbsym.scatterers import beam_splitter

    T = sp.Symbol("T", positive=True)
    M = noise.noise_matrix_symbolic(beam_splitter(), {1: noise.V, 2: 0, 3: 0, 4: 0})
    hbt = -2 * e**3 * sp.Abs(noise.V) / h * T * (1 - T)
    assert sp.expand(M[2, 3] - hbt) == 0 and sp.expand(M[3, 2] - hbt) == 0
    assert sp.expand(M[2, 2] + hbt) == 0
    assert M[0, 0] == 0  # a noiseless injected stream stays noiseless in the source lead
    assert all(sp.expand(x) == 0 for x in list(M * sp.ones(4, 1)) + list(sp.ones(1, 4) * M))
    with pytest.raises(LbsymError, match="voltage for every lead"):
        noise.noise_matrix_symbolic(beam_splitter(), {1: noise.V})


def test_symbolic_noise_matrix_two_terminal_is_shot_noise():
    from lbsym.scatterers import barrier

    B = barrier(1)
    a, b = B.leads
    M = noise.noise_matrix_symbolic(B, {a: noise.V, b: 0})
    assert sp.expand(M[0, 0] - noise.shot_noise([sp.Symbol("T1", positive=True)])) == 0

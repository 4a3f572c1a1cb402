"""Lead modes and self-energies (lbsym.lattice.leads)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lbsym.errors import LatticeError
from lbsym.lattice import Lead, lead_modes, selfenergy_1d, shapes


@settings(max_examples=60, deadline=None)
@given(E=st.floats(-5.0, 5.0), t=st.sampled_from([1.0, 0.7, 2.0, -1.0]), eps=st.floats(-1.0, 1.0))
def test_analytic_selfenergy_equals_numeric(E, t, eps):
    if abs(abs(E - eps) - 2 * abs(t)) < 1e-3:
        return  # band edge
    m = lead_modes(np.array([[eps]]), np.array([[-t]]), E)
    np.testing.assert_allclose(m.selfenergy[0, 0], selfenergy_1d(E, t, eps), atol=1e-12)


def test_1d_mode_is_plane_wave_over_sqrt_v():
    k = 0.9
    m = lead_modes(np.array([[0.0]]), np.array([[-1.0]]), -2 * np.cos(k))
    v = 2 * np.sin(k)
    np.testing.assert_allclose(m.phi_out[0, 0], 1 / np.sqrt(v), atol=1e-14)
    np.testing.assert_allclose(m.phi_in[0, 0], 1 / np.sqrt(v), atol=1e-14)
    np.testing.assert_allclose(m.lambda_out[0], np.exp(1j * k), atol=1e-14)
    np.testing.assert_allclose(m.lambda_in[0], np.exp(-1j * k), atol=1e-14)
    np.testing.assert_allclose(m.velocity_out[0], v, atol=1e-14)
    np.testing.assert_allclose(m.selfenergy[0, 0], -np.exp(1j * k), atol=1e-14)


def _current(m, V, phi, lam):
    return -2 * np.imag(lam * phi.conj() @ V @ phi)


@pytest.mark.parametrize("E", [-3.3, -1.1, 0.45, 2.7])
def test_strip_modes_unit_current_and_count(E):
    s = shapes.strip(5, 2)
    h, V = s.lead_matrices(0)
    m = lead_modes(h, V, E)
    eps_n = -2 * np.cos(np.pi * np.arange(1, 6) / 6)
    expected = int(np.sum(np.abs(E - eps_n) < 2))
    assert m.num_modes == expected
    for j in range(m.num_modes):
        assert abs(_current(m, V, m.phi_out[:, j], m.lambda_out[j]) - 1) < 1e-12
        assert abs(_current(m, V, m.phi_in[:, j], m.lambda_in[j]) + 1) < 1e-12
    assert np.all(np.diff(m.momentum_out) >= -1e-12)  # sorted by momentum


def test_spin_degenerate_modes_orthogonal_by_current_and_spin_sorted():
    s = shapes.strip(3, 2, norbs=2)
    h, V = s.lead_matrices(0)
    m = lead_modes(h, V, -1.3, norbs=2)
    for phi, lam, sign in ((m.phi_out, m.lambda_out, 1), (m.phi_in, m.lambda_in, -1)):
        J = np.empty((phi.shape[1], phi.shape[1]), complex)
        for a in range(phi.shape[1]):
            for b in range(phi.shape[1]):
                if abs(lam[a] - lam[b]) < 1e-9:
                    J[a, b] = phi[:, a].conj() @ (1j * (lam[b] * V - np.conj(lam[b]) * V.conj().T)) @ phi[:, b]
                else:
                    J[a, b] = 0
        np.testing.assert_allclose(J, sign * np.eye(len(lam)), atol=1e-12)
        # degenerate pairs: spin up (even orbitals) first, then spin down
        for a in range(0, phi.shape[1], 2):
            assert np.allclose(phi[1::2, a], 0, atol=1e-12) and np.allclose(phi[0::2, a + 1], 0, atol=1e-12)


def test_band_edge_raises_clearly():
    with pytest.raises(LatticeError, match="band edge"):
        lead_modes(np.array([[0.0]]), np.array([[-1.0]]), -2.0 + 1e-12)
    with pytest.raises(LatticeError, match="band edge"):
        lead_modes(np.array([[0.0]]), np.array([[-1.0]]), -2.0 - 1e-12)
    # a bit farther away it is accurate
    E = -2.0 + 1e-7
    m = lead_modes(np.array([[0.0]]), np.array([[-1.0]]), E)
    np.testing.assert_allclose(m.selfenergy[0, 0], selfenergy_1d(E), atol=1e-9)


def test_singular_intercell_hopping_two_site_cell():
    # a 1D chain described with a two-site unit cell: V has rank 1
    lead = Lead((2,))
    lead.add_site((0,)); lead.add_site((1,))
    lead.add_hopping((1,), (0,))
    lead.add_hopping((1,), (2,))  # (1,) -> (0,) of the next cell
    from lbsym.lattice.system import FinalizedLead
    h, V = FinalizedLead(lead, (0, 1)).matrices()
    assert np.linalg.matrix_rank(V) == 1
    for E in (-1.5, 0.3, 1.9):
        m = lead_modes(h, V, E)
        assert m.num_modes == 1
        k = np.arccos(-E / 2)
        np.testing.assert_allclose(m.lambda_out[0], np.exp(2j * k), atol=1e-12)
        # only the site bonded to the next cell feels the lead: the 1D self-energy
        expected = np.zeros((2, 2), complex)
        expected[1, 1] = selfenergy_1d(E)
        np.testing.assert_allclose(m.selfenergy, expected, atol=1e-12)


def test_singular_lead_gives_same_transmission_as_simple_lead():
    from lbsym.lattice import Builder
    for E in (-1.2, 0.4):
        results = []
        for two_site in (False, True):
            b = Builder()
            for x in range(-1, 3):
                b.add_site((x,), 0.5 if x == 1 else 0.0)
            for x in range(-1, 2):
                b.add_hopping((x + 1,), (x,))
            b.attach_lead(Lead.chain(-1), interface=[(-1,)])
            if two_site:
                lead = Lead((2,))
                lead.add_site((1,)); lead.add_site((2,))
                lead.add_hopping((2,), (1,))
                lead.add_hopping((2,), (3,))
                b.attach_lead(lead)
            else:
                b.attach_lead(Lead.chain(+1), interface=[(2,)])
            S = b.finalized().smatrix(E, method="sparse")
            results.append(S)
        np.testing.assert_allclose(np.abs(results[0].data), np.abs(results[1].data), atol=1e-12)
        assert results[1].unitarity_error() < 1e-12

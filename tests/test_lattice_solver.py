"""S-matrix solvers (lbsym.lattice.solver, lbsym.lattice.rgf) against exact physics."""

import numpy as np
import pytest

from lbsym.errors import LatticeError
from lbsym.lattice import Builder, Lead, SMatrix, shapes


def _open_modes(W, E):
    eps_n = -2 * np.cos(np.pi * np.arange(1, W + 1) / (W + 1))
    return int(np.sum(np.abs(E - eps_n) < 2))


@pytest.mark.parametrize("W", [1, 2, 5, 8])
@pytest.mark.parametrize("method", ["sparse", "rgf"])
def test_clean_strip_conductance_is_quantized(W, method):
    s = shapes.strip(W, 7)
    eps_n = -2 * np.cos(np.pi * np.arange(1, W + 1) / (W + 1))
    edges = np.concatenate([eps_n - 2, eps_n + 2])
    for E in np.linspace(-3.95, 3.95, 17):
        if np.min(np.abs(E - edges)) < 1e-3 or _open_modes(W, E) == 0:
            continue
        S = s.smatrix(E, method=method)
        assert S.num_modes(0) == _open_modes(W, E)
        assert abs(S.transmission(1, 0) - S.num_modes(0)) < 1e-10
        assert abs(S.reflection(0)) < 1e-10
        assert S.unitarity_error() < 1e-10


@pytest.mark.parametrize("k", [0.3, 1.0, 2.2, 2.9])
@pytest.mark.parametrize("eps", [0.5, -1.7, 3.0])
@pytest.mark.parametrize("method", ["sparse", "rgf"])
def test_single_impurity_amplitudes_exact(k, eps, method):
    s = shapes.chain({0: eps})
    S = s.smatrix(-2 * np.cos(k), method=method)
    t = 2j * np.sin(k) / (2j * np.sin(k) - eps)
    r = eps / (2j * np.sin(k) - eps)
    np.testing.assert_allclose(S.data, [[r, t], [t, r]], atol=1e-12)


def test_single_impurity_in_longer_chain_phase_reference():
    # impurity at 0 but the system spans -2..3: reference points move to sites -2 and 3
    k, eps = 1.1, 0.8
    s = shapes.chain({0: eps}, left=-2, right=3)
    S = s.smatrix(-2 * np.cos(k))
    t = 2j * np.sin(k) / (2j * np.sin(k) - eps)
    r = eps / (2j * np.sin(k) - eps)
    # psi_n = e^{ikn} + r e^{-ikn} left of 0; measured from site -2: m = -2 - n
    np.testing.assert_allclose(S.data[0, 0], r * np.exp(2j * k * 2), atol=1e-12)
    np.testing.assert_allclose(S.data[1, 0], t * np.exp(1j * k * (2 + 3)), atol=1e-12)


def test_two_impurities_closed_form():
    k, e1, e2, d = 0.8, 0.6, -0.4, 3
    s = shapes.chain({0: e1, d: e2})
    S = s.smatrix(-2 * np.cos(k), method="sparse")
    # transfer of amplitudes: each delta-like impurity is a 2-port at its site
    def imp(eps):
        t = 2j * np.sin(k) / (2j * np.sin(k) - eps)
        return t - 1, t
    r1, t1 = imp(e1)
    r2, t2 = imp(e2)
    ph = np.exp(1j * k * d)
    t = t1 * ph * t2 / (1 - r1 * r2 * ph**2)
    np.testing.assert_allclose(S.data[1, 0], t, atol=1e-12)


def test_rgf_equals_sparse_on_disordered_strips_in_field():
    for W, L, U, B, E in [(4, 9, 2.0, 0.13, -1.3), (7, 12, 1.0, -0.05, 0.41), (3, 1, 0.5, 0.2, -2.1)]:
        s = shapes.strip(W, L, disorder=U, seed=W, field=B)
        S1, S2 = s.smatrix(E, method="sparse"), s.smatrix(E, method="rgf")
        np.testing.assert_allclose(S1.data, S2.data, atol=1e-10)
        assert S1.unitarity_error() < 1e-10


def test_rgf_equals_sparse_on_ring_and_spin_strip():
    r = shapes.ring(4, 7, spread=True)
    for phi in (0.0, 0.17, 0.5):
        np.testing.assert_allclose(r.smatrix(0.3, {"phi": phi}, method="rgf").data,
                                   r.smatrix(0.3, {"phi": phi}, method="sparse").data, atol=1e-10)
    s = shapes.strip(3, 5, norbs=2, zeeman="Z", spin_orbit=0.3, disorder=1.0, seed=1)
    np.testing.assert_allclose(s.smatrix(-1.3, {"Z": 0.2}, method="rgf").data,
                               s.smatrix(-1.3, {"Z": 0.2}, method="sparse").data, atol=1e-10)


def test_ab_ring_periodic_in_flux_and_symmetric():
    r = shapes.ring(3, 6)
    for E in (-1.4, 0.2):
        for phi in (0.0, 0.11, 0.37):
            T = r.smatrix(E, {"phi": phi}).transmission(1, 0)
            assert abs(r.smatrix(E, {"phi": phi + 1}).transmission(1, 0) - T) < 1e-10
            assert abs(r.smatrix(E, {"phi": phi - 3}).transmission(1, 0) - T) < 1e-10
            # two-terminal Onsager: T(phi) = T(-phi)
            assert abs(r.smatrix(E, {"phi": -phi}).transmission(1, 0) - T) < 1e-10


def test_ab_ring_spread_equals_single_bond_flux():
    a, b = shapes.ring(2, 5), shapes.ring(2, 5, spread=True)
    for phi in (0.1, 0.3):
        assert abs(a.smatrix(-0.5, {"phi": phi}).transmission(1, 0)
                   - b.smatrix(-0.5, {"phi": phi}).transmission(1, 0)) < 1e-10


def test_ab_ring_half_flux_symmetric_arms_blocks_transmission():
    r = shapes.ring(3, 3)
    assert r.smatrix(-0.9, {"phi": 0.5}).transmission(1, 0) < 1e-20


def test_three_way_junction_closed_form():
    for n, eps in ((3, 0.0), (3, 0.4), (4, -0.3)):
        j = shapes.junction(n, eps=eps)
        for k in (0.4, 1.3, 2.5):
            E = -2 * np.cos(k)
            v = 2 * np.sin(k)
            G = 1 / (E - eps + n * np.exp(1j * k))
            np.testing.assert_allclose(j.smatrix(E).data, -np.eye(n) + 1j * v * G, atol=1e-12)


def test_multiterminal_conductance_matrix_sums_and_methods():
    for sys_ in (shapes.cross(3, 2, field=0.07), shapes.hbar(3, 8, 2, 2, field=0.03),
                 shapes.hall_bar(5, 16, probe_width=2)):
        params = {"phi": 0.04} if "phi" in sys_.params else None
        S = sys_.smatrix(-1.1, params)
        G = S.conductance_matrix()
        np.testing.assert_allclose(G.sum(axis=0), 0, atol=1e-10)
        np.testing.assert_allclose(G.sum(axis=1), 0, atol=1e-10)
        assert S.unitarity_error() < 1e-10


def _four_terminal(G, current_in=0, current_out=3):
    """Voltages of all leads for unit current from ``current_in`` to grounded ``current_out``."""
    keep = [i for i in range(G.shape[0]) if i != current_out]
    I = np.zeros(len(keep))
    I[keep.index(current_in)] = 1.0
    V = np.linalg.solve(G[np.ix_(keep, keep)], I)
    out = dict(zip(keep, V))
    out[current_out] = 0.0
    return out


@pytest.mark.parametrize("everywhere, E, width", [(True, -3.0, 5), (False, -3.4, 4)])
def test_quantum_hall_plateau_in_hall_bar(everywhere, E, width):
    # strong field, lowest Landau level (one edge channel): R_H = h/e^2, R_xx = 0
    h = shapes.hall_bar(12, 30, probe_width=width, probe_length=3, field_everywhere=everywhere)
    for phi, sign in ((0.1, 1), (-0.1, -1)):
        S = h.smatrix(E, {"phi": phi})
        assert [S.num_modes(i) for i in range(6)] == [1] * 6
        assert S.unitarity_error() < 1e-10
        V = _four_terminal(S.conductance_matrix())
        assert abs((V[5] - V[1]) - sign) < 1e-6  # Hall: top-left minus bottom-left
        assert abs(V[1] - V[2]) < 1e-6 and abs(V[5] - V[4]) < 1e-6  # longitudinal
        G = S.conductance_matrix()
        for i in range(6):
            # chirality: nothing goes clockwise (counter-clockwise for the reversed field)
            back = G[(i - 1) % 6, i] if sign > 0 else G[(i + 1) % 6, i]
            assert abs(back) < 1e-6
            if everywhere:  # edge states run into the probes too: T_{i+1,i} ~ 1
                fwd = G[(i + 1) % 6, i] if sign > 0 else G[(i - 1) % 6, i]
                assert fwd > 0.999


def test_lead_gauge_change_leaves_transmissions_invariant():
    # the right lead in the shifted gauge A' = (-B (y - 3), 0) = A + grad(3 B x)
    from lbsym.lattice._callables import Gauge
    B = 0.07
    ref = shapes.strip(6, 8, field=B, disorder=1.0, seed=5)
    b = shapes.strip(6, 8, field=B, disorder=1.0, seed=5, finalize=False)
    b._leads.pop()  # re-attach the right lead in its own gauge

    def shifted(r, **kw):
        return Gauge(B, "x")(r - np.array([0.0, 3.0]))

    b.attach_lead(shapes.square_lead([(7, y) for y in range(6)], (1, 0), vector_potential=shifted),
                  gauge=lambda pos: 3 * B * pos[0])
    mine = b.finalized()
    for E in (-3.1, -1.2, 0.5):
        np.testing.assert_allclose(mine.smatrix(E, method="sparse").conductance_matrix(),
                                   ref.smatrix(E).conductance_matrix(), atol=1e-10)
        np.testing.assert_allclose(mine.smatrix(E, method="rgf").data, mine.smatrix(E, method="sparse").data,
                                   atol=1e-10)


def test_result_object_api():
    s = shapes.strip(4, 5, disorder=1.0, seed=2)
    S = s.smatrix(-1.2)
    assert isinstance(S, SMatrix)
    t = S.submatrix(1, 0)
    assert t.shape == (S.num_modes(1), S.num_modes(0))
    np.testing.assert_allclose(S.transmission_eigenvalues(1, 0).sum(), S.transmission(1, 0), atol=1e-12)
    assert np.all(S.transmission_eigenvalues(1, 0) <= 1 + 1e-12)
    np.testing.assert_allclose(S.reflection(0) + S.transmission(1, 0), S.num_modes(0), atol=1e-10)
    with pytest.raises(AttributeError):
        S.energy = 3.0
    with pytest.raises(ValueError):
        S.data[0, 0] = 1
    with pytest.raises(LatticeError, match="lead index"):
        S.transmission(2, 0)


def test_finalized_system_is_immutable():
    s = shapes.strip(2, 2)
    with pytest.raises(AttributeError):
        s.sites = ()
    with pytest.raises(AttributeError):
        s.leads[0].translation = (1, 0)


def test_builder_reuse_does_not_change_finalized_system():
    b = shapes.chain({0: 0.5}, finalize=False)
    s1 = b.finalized()
    b.add_site((0,), 2.0)
    s2 = b.finalized()
    assert abs(s1.smatrix(-1.0).transmission(1, 0) - s2.smatrix(-1.0).transmission(1, 0)) > 1e-3


def test_params_functions_and_spin_orbit_rotation():
    b = Builder(norbs=2)
    sz = np.diag([1.0, -1.0])
    b.add_site((0,), lambda pos, h: h * sz)
    b.attach_lead(Lead.chain(-1, norbs=2), interface=[(0,)])
    b.attach_lead(Lead.chain(1, norbs=2), interface=[(0,)])
    s = b.finalized()
    k = 1.2
    S = s.smatrix(-2 * np.cos(k), {"h": 0.5})
    # spin-conserving: up sees +h, down sees -h
    tu = 2j * np.sin(k) / (2j * np.sin(k) - 0.5)
    td = 2j * np.sin(k) / (2j * np.sin(k) + 0.5)
    np.testing.assert_allclose(S.submatrix(1, 0), np.diag([tu, td]), atol=1e-12)


def test_sparse_handles_shared_interface_and_many_leads():
    b = Builder()
    b.add_site("a", 0.2)
    b.add_site("b", -0.1)
    b.add_hopping("a", "b", 0.8)
    for site in ("a", "a", "b"):
        b.attach_lead(Lead.chain(1), interface=[site])
    S = b.finalized().smatrix(0.3)
    assert S.unitarity_error() < 1e-12
    np.testing.assert_allclose(S.data, S.data.T, atol=1e-12)  # time-reversal symmetric


def test_add_flux_on_a_loop_equals_ring_shape():
    # the ring of shapes.ring(1, 2) rebuilt by hand with Builder.add_flux
    b = Builder()
    for s in ("L", "R", ("u", 1), ("d", 1), ("d", 2)):
        b.add_site(s)
    b.add_hopping("L", ("u", 1)); b.add_hopping(("u", 1), "R")
    b.add_hopping(("d", 1), "L"); b.add_hopping(("d", 2), ("d", 1)); b.add_hopping("R", ("d", 2))
    b.add_flux(["L", ("d", 1), ("d", 2), "R", ("u", 1)], "phi")  # counter-clockwise
    b.attach_lead(Lead.chain(-1), interface=["L"])
    b.attach_lead(Lead.chain(1), interface=["R"])
    mine, ref = b.finalized(), shapes.ring(1, 2)
    for phi in (0.0, 0.21, 0.5):
        np.testing.assert_allclose(mine.smatrix(0.4, {"phi": phi}).data, ref.smatrix(0.4, {"phi": phi}).data,
                                   atol=1e-12)
    with pytest.raises(LatticeError, match="expected a bond"):
        b.add_flux(["L", "R", ("d", 1)], 0.1)


def test_uniform_field_flux_per_plaquette_in_vector_potential():
    # product of matrix elements around one plaquette = exp(2 pi i B)
    s = shapes.strip(2, 2, field=0.13)
    H = s.hamiltonian().toarray()
    i = {tag: s.index(tag) for tag in s.sites}
    loop = [(0, 0), (1, 0), (1, 1), (0, 1)]
    prod = 1.0
    for a, c in zip(loop, loop[1:] + loop[:1]):
        prod *= H[i[c], i[a]]  # element from a to the next site c
    np.testing.assert_allclose(prod, np.exp(2j * np.pi * 0.13), atol=1e-14)


def test_qpc_staircase_steps_where_buttiker_puts_them():
    # saddle point: plateaus at integers, steps (T = n + 1/2) at E - V0 = hbar w_y (n + 1/2)
    q = shapes.qpc(24, 61, omega_x=0.08, omega_y=0.3)
    E, wy = -3.2, 0.3  # 0.8 above the band bottom -4
    for n in range(3):
        step = (E + 4) - wy * (n + 0.5)
        plateau = step - wy / 2
        assert abs(q.smatrix(E, {"V0": plateau}).transmission(1, 0) - (n + 1)) < 0.02
        # lattice (non-parabolic) corrections shift the higher steps slightly
        assert abs(q.smatrix(E, {"V0": step}).transmission(1, 0) - (n + 0.5)) < 0.1 + 0.1 * n


def test_rgf_falls_back_when_a_slice_is_singular():
    # ring(1, 2) at E = 0: the part left of the last slice has a real pole; RGF alone gives garbage
    r = shapes.ring(1, 2)
    for phi in (0.0, 1e-189, 1e-3, 1.0):
        S = r.smatrix(0.0, {"phi": phi})
        ref = r.smatrix(0.0, {"phi": phi}, method="sparse")
        np.testing.assert_allclose(S.data, ref.data, atol=1e-10)
        assert abs(S.transmission(1, 0) - 0.5) < 1e-4


def test_spin_flip_impurity_closed_form():
    # eps + b sigma_x: the sigma_x eigen-channels see eps +- b; S in the (up, down) basis
    eps, bx, k = 0.4, 0.7, 1.3
    s = shapes.chain({0: eps * shapes.SIGMA_0 + bx * shapes.SIGMA_X}, norbs=2)
    S = s.smatrix(-2 * np.cos(k))
    tk = lambda e: 2j * np.sin(k) / (2j * np.sin(k) - e)  # noqa: E731
    Hd = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    t = Hd @ np.diag([tk(eps + bx), tk(eps - bx)]) @ Hd
    np.testing.assert_allclose(S.submatrix(1, 0), t, atol=1e-12)
    np.testing.assert_allclose(S.submatrix(0, 0), t - np.eye(2), atol=1e-12)
    # the same with the impurity matrix as a function of a parameter
    s2 = shapes.chain({0: lambda pos, b: eps * shapes.SIGMA_0 + b * shapes.SIGMA_X}, norbs=2)
    np.testing.assert_allclose(s2.smatrix(-2 * np.cos(k), {"b": bx}).data, S.data, atol=1e-14)


@pytest.mark.parametrize("t", [np.exp(0.3j), 0.8 * np.exp(-0.7j), 1.3])
@pytest.mark.parametrize("W", [3, 30])
def test_rgf_equals_sparse_for_complex_uniform_hopping(t, W):
    s = shapes.strip(W, 6, t=t, disorder=1.0, seed=1)
    np.testing.assert_allclose(s.smatrix(-0.9, method="rgf").data, s.smatrix(-0.9, method="sparse").data,
                               atol=1e-10)

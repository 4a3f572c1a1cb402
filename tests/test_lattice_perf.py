"""Issue 15: cached energy-independent work, bulk building, the unitarity gate, zero open channels,
the conductance-matrix sign.  Timings live in benchmarks/, not here: these tests check that the fast
paths give the same numbers as the plain ones."""

import pickle

import numpy as np
import pytest

from lbsym.errors import LatticeError, ParameterError
from lbsym.lattice import Builder, Lead, shapes, solver
from lbsym.lattice.leads import _bloch_solutions, _chain_modes, lead_modes_and_bloch
from lbsym.multiterminal import MultiTerminal


def _fresh(system):
    return pickle.loads(pickle.dumps(system))  # caches are not pickled: nothing reused


def test_cached_work_follows_the_parameters():
    s = shapes.qpc(8, 14)
    p1, p2 = {"V0": 0.3, "wx": 0.2, "wy": 0.4}, {"V0": 0.9, "wx": 0.2, "wy": 0.4}
    a = s.smatrix(-2.9, p1).data
    b = s.smatrix(-2.9, p2).data
    assert not np.allclose(a, b)
    np.testing.assert_allclose(s.smatrix(-2.9, p1).data, a, atol=0)
    np.testing.assert_allclose(_fresh(s).smatrix(-2.9, p2).data, b, atol=1e-13)
    # 1 and 1.0 and a numpy scalar are keyed apart but give the same matrix
    for v in (1, 1.0, np.float64(1.0)):
        np.testing.assert_allclose(s.smatrix(-2.9, dict(p1, V0=v)).data, _fresh(s).smatrix(-2.9, dict(p1, V0=1.0)).data,
                                   atol=1e-13)


def test_parameters_that_cannot_be_keyed_are_evaluated_every_time():
    b = Builder()
    for x in range(4):
        b.add_site((x,), lambda pos, pot: pot[int(pos[0])])
    b.add_hoppings([((x + 1,), (x,)) for x in range(3)])
    b.attach_lead(Lead.chain(-1), interface=[(0,)])
    b.attach_lead(Lead.chain(+1), interface=[(3,)])
    s = b.finalized()
    pot = [0.0, 0.5, 0.1, 0.0]
    T1 = s.smatrix(-1.0, {"pot": pot}).transmission(1, 0)
    pot[1] = 1.5  # a list is unhashable: no cache, the change is seen
    T2 = s.smatrix(-1.0, {"pot": pot}).transmission(1, 0)
    assert T1 != T2
    arr = np.array(pot)
    T3 = s.smatrix(-1.0, {"pot": arr}).transmission(1, 0)
    arr[1] = 0.5  # arrays are keyed by their contents
    assert s.smatrix(-1.0, {"pot": arr}).transmission(1, 0) == pytest.approx(T1, abs=1e-13)
    assert T3 == pytest.approx(T2, abs=1e-13)


def test_field_hamiltonian_matches_a_per_bond_build():
    B = 0.03
    s = shapes.strip(5, 7, field="B")
    b = Builder(vector_potential=lambda r, B: np.stack([-B * r[:, 1], 0 * r[:, 1]], axis=1))
    for x in range(7):
        for y in range(5):
            b.add_site((x, y), 0.0)
    for x in range(7):
        for y in range(5):
            if x + 1 < 7:
                b.add_hopping((x + 1, y), (x, y), 1.0)
            if y + 1 < 5:
                b.add_hopping((x, y + 1), (x, y), 1.0)
    lead = lambda x0, T: shapes.square_lead([(x0, y) for y in range(5)], T,  # noqa: E731
                                            vector_potential=b._A)
    b.attach_lead(lead(0, (-1, 0)))
    b.attach_lead(lead(6, (1, 0)))
    ref = b.finalized()
    np.testing.assert_allclose(s.hamiltonian({"B": B}).toarray(), ref.hamiltonian({"B": B}).toarray(), atol=1e-14)
    np.testing.assert_allclose(s.smatrix(-2.1, {"B": B}).data, ref.smatrix(-2.1, {"B": B}).data, atol=1e-12)


def test_bulk_builder_checks_like_the_single_forms():
    b = Builder()
    b.add_sites([(0, 0), (1, 0), (2, 0)], values=[0.1, 0.2, 0.3])
    with pytest.raises(LatticeError, match="one on-site value per tag"):
        b.add_sites([(0, 0)], values=[0.1, 0.2])
    with pytest.raises(LatticeError, match="hashable"):
        b.add_sites([[0, 0]])
    with pytest.raises(LatticeError, match="two different sites"):
        b.add_hoppings([((0, 0), (0, 0))])
    b.add_hoppings([((1, 0), (0, 0))], 1.0)
    with pytest.raises(LatticeError, match="non-Hermitian"):
        b.add_hoppings([((0, 0), (1, 0))], 2.0)
    with pytest.raises(LatticeError, match="on-site energy must be real"):
        b.add_sites([(5, 5)], 1j)
    assert np.allclose(b.finalized().hamiltonian().diagonal(), [0.1, 0.2, 0.3])


def test_rgf_result_in_a_field_is_kept_when_only_the_modes_limit_unitarity(monkeypatch):
    s = shapes.strip(40, 30, field="B")
    calls = []
    real = solver.sparse_smatrix
    monkeypatch.setattr(solver, "sparse_smatrix", lambda *a, **k: calls.append(1) or real(*a, **k))
    for E in (-3.1, -2.7):
        modes = solver.prepare_leads(s, E, {"B": 0.02})
        S = s.smatrix(E, {"B": 0.02})
        # the modes' own Dyson residual bounds what any route can reach
        assert S.unitarity_error() <= solver.MODE_ERROR_FACTOR * max(m.residual for m in modes) + 1e-11
    assert not calls


def test_reversed_lead_reuses_the_eigenproblem_exactly_enough():
    s = shapes.strip(6, 5, field="B")
    h, V = s.leads[0].matrices({"B": 0.07})
    h1, V1 = s.leads[1].matrices({"B": 0.07})
    np.testing.assert_allclose(V1, V.conj().T, atol=0)
    modes = solver.prepare_leads(s, -1.3, {"B": 0.07})
    direct = lead_modes_and_bloch(h1, V1, -1.3)[0]
    for f in ("phi_out", "phi_in", "lambda_out", "lambda_in", "selfenergy"):
        np.testing.assert_allclose(getattr(modes[1], f), getattr(direct, f), atol=1e-12, err_msg=f)
    N = direct.num_modes  # the readout rows (evanescent vectors carry an arbitrary phase)
    np.testing.assert_allclose(modes[1].phi_ret_inv[:N], direct.phi_ret_inv[:N], atol=1e-12)


@pytest.mark.parametrize("eps, c, E", [(0, -1, -0.9), (0.3, -1, 1.2), (0, -np.exp(0.3j), 0.5), (0, 2, 1.0),
                                       (0, -1, 2.5), (0.1, 0.7j, -0.3)])
def test_chain_modes_in_closed_form_equal_the_eigenproblem(eps, c, E):
    h, V = np.array([[eps]], complex), np.array([[c]], complex)
    fast = _chain_modes(eps, complex(c), E, 1e-4)
    slow = lead_modes_and_bloch(h, V, E, bloch=_bloch_solutions(h / abs(c), V / abs(c), E / abs(c)))[0]
    for f in ("phi_out", "phi_in", "lambda_out", "lambda_in", "velocity_out", "velocity_in",
              "phi_ret_inv", "selfenergy"):
        np.testing.assert_allclose(getattr(fast, f), getattr(slow, f), atol=1e-14, err_msg=f)


def test_one_closed_lead_gives_total_reflection():
    b = Builder()
    b.add_sites([(0,), (1,)])
    b.add_hoppings([((1,), (0,))])
    b.attach_lead(Lead.chain(-1), interface=[(0,)])
    b.attach_lead(Lead.chain(+1, eps=3.0), interface=[(1,)])  # band [1, 5]: closed at E = -1.5
    S = b.finalized().smatrix(-1.5)
    assert (S.num_modes(0), S.num_modes(1)) == (1, 0)
    assert S.transmission(1, 0) == 0.0 and S.reflection(0) == pytest.approx(1.0, abs=1e-13)


def test_sweep_across_the_band_bottom_never_aborts():
    s = shapes.strip(3, 6)
    T = [s.smatrix(E).transmission(1, 0) for E in (-4.5, -3.0, -1.9)]
    assert T[0] == 0.0 and T[1] > 0.5 and T[2] > 0.5


def test_conductance_matrix_conventions():
    S = shapes.hbar(3, 9, 2, 3, field=0.02).smatrix(-1.0)
    G = S.conductance_matrix()
    np.testing.assert_array_equal(S.conductance_matrix(convention="kwant"), -G)
    assert np.all(np.diag(G) <= 0)
    with pytest.raises(LatticeError, match="convention"):
        S.conductance_matrix(convention="buttiker")
    a = MultiTerminal.from_conductance_matrix(G)
    b = MultiTerminal.from_conductance_matrix(-G, convention="kwant")
    ra = float(a.four_terminal_resistance(0, 2, 1, 3))
    rb = float(b.four_terminal_resistance(0, 2, 1, 3))
    assert ra == pytest.approx(rb, rel=1e-12)
    with pytest.raises(ParameterError, match="convention='kwant'"):
        MultiTerminal.from_conductance_matrix(-G)  # a Kwant matrix read as lbsym's: refused
    with pytest.raises(ParameterError, match="convention='lbsym'"):
        MultiTerminal.from_conductance_matrix(G, convention="kwant")
    with pytest.raises(ParameterError, match="'lbsym' or 'kwant'"):
        MultiTerminal.from_conductance_matrix(G, convention="datta")

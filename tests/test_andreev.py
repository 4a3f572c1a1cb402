"""andreev-interface and Nambu composition: the physics beyond the catalogue contract."""

from __future__ import annotations

import math
import random

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lbsym import derivation as registry
from lbsym.derivations import andreev_interface as ai
from lbsym.numeric import evaluator, network_smatrix
from lbsym.scatterers import andreev_reflector, barrier, delta_barrier, nambu

Z, E, Delta, T1 = ai.Z, ai.E, ai.Delta, ai.T1


def test_btk_reflection_probabilities():
    d = registry.get("andreev-interface")
    A = Delta**2 / (E**2 + (Delta**2 - E**2) * (1 + 2 * Z**2) ** 2)
    B = 1 - A
    assert sp.cancel(d.parts["andreev"].expr - A) == 0
    assert sp.cancel(d.parts["normal"].expr - B) == 0
    assert sp.cancel(d.parts["zero_bias"].expr - 2 * (1 + Z**2) / (1 + 2 * Z**2) ** 2) == 0
    # a clean interface (Z = 0) doubles the conductance: perfect Andreev reflection
    assert d.result.subs(Z, 0) == 2


def test_beenakker_is_btk_at_the_barrier_transmission():
    d = registry.get("andreev-interface")
    e, h = sp.Symbol("e", positive=True), sp.Symbol("h", positive=True)
    assert sp.cancel(d.parts["beenakker"].expr - 4 * e**2 / h * T1**2 / (2 - T1) ** 2) == 0
    at_Z = d.facts.beenakker_single.subs(T1, d.facts.normal_transmission)
    assert sp.cancel(at_Z - d.parts["andreev"].expr.subs(E, 0)) == 0


def test_resonant_andreev_reflection_is_beenakker_with_the_fabry_perot_transmission():
    """R_he = (T/(2 - T))^2 with T the double barrier's coherent transmission, at the
    electron's round-trip phase theta = pi + (the phase in the composed result)."""
    d = registry.get("andreev-interface")
    fp = registry.get("fabry-perot")
    R = d.facts.resonant
    (cos_term,) = [a for a in R.atoms(sp.cos)]
    f_res, f_arg = evaluator(R, relations=fp.relations), evaluator(cos_term.args[0])
    f_fp = evaluator(fp.result, relations=fp.relations)
    rng = random.Random(2)
    for _ in range(20):
        pt = {n: rng.uniform(0.05, 0.95) if n.startswith("T") else rng.uniform(-3, 3)
              for n in f_res.args}
        th = f_arg(**{n: pt[n] for n in f_arg.args}) + math.pi
        T = f_fp(T1=pt["T1"], T2=pt["T2"], theta=th)
        assert abs(f_res(**pt) - (T / (2 - T)) ** 2) < 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 4.0), st.floats(-0.99, 0.99), st.floats(0.02, 0.98), st.floats(-3, 3))
def test_nambu_networks_are_unitary_and_particle_hole_symmetric(z, x, t, a):
    """S unitary; S(E) = tau_y S^*(-E) tau_y in this hole basis (chi(-E) = pi - chi(E))."""
    ty = np.array([[0, -1j], [1j, 0]])
    for net, vals in ((ai.ns_network(delta_barrier(Z, 1)), {Z: z}),
                      (ai.ns_network(barrier(1)), {sp.Symbol("T1", positive=True): t,
                                                   sp.Symbol("R1", positive=True): 1 - t,
                                                   sp.Symbol("alpha1", real=True): a,
                                                   sp.Symbol("beta1", real=True): 0.3 * a})):
        M = network_smatrix(net, {**vals, ai.chi: math.acos(x)})
        Mm = network_smatrix(net, {**vals, ai.chi: math.acos(-x)})
        assert np.abs(M.conj().T @ M - np.eye(2)).max() < 1e-12
        assert np.abs(M - ty @ Mm.conj() @ ty).max() < 1e-12


def test_composed_nambu_smatrix_is_exactly_unitary_and_charge_is_not_conserved():
    """Unitary in the exact ring; the electron current is not (Andreev converts it)."""
    S = ai.ns_network(delta_barrier(Z, 1)).smatrix()
    assert S.is_unitary()
    assert nambu(barrier(1)).is_unitary() and andreev_reflector().is_unitary()
    assert sp.simplify(S.transmission(("L", 1), ("L", 0)).subs({Z: 0})) == 1


def test_above_the_gap_is_btk():
    """Blonder-Tinkham-Klapwijk above the gap, with u0^2 = (1 + sqrt(E^2 - Delta^2)/E)/2."""
    d = registry.get("andreev-interface")
    a2, s2 = ai.a2, ai.s2
    part = d.parts["above_gap"].expr.subs(s2, 1 - a2).subs(a2, ai.andreev_amplitude_squared())
    f = evaluator(part)
    rng = random.Random(4)
    for _ in range(20):
        z, x = rng.uniform(0, 3), rng.uniform(1.01, 4)
        u2 = (1 + math.sqrt(x * x - 1) / x) / 2
        v2 = 1 - u2
        g = u2 + (u2 - v2) * z * z
        A, B = u2 * v2 / g**2, (u2 - v2) ** 2 * z * z * (1 + z * z) / g**2
        assert abs(float(f(Delta=1.0, E=x, Z=z)) - (1 + z * z) * (1 + A - B)) < 1e-12
        assert abs(float(f(Delta=1.0, E=x, Z=z)) - ai._numeric_above(z, x)) < 1e-12
    # continuous at the gap edge (a2 = 1): both sides reach the BTK peak 2(1 + Z^2)
    assert sp.expand(d.result.subs(E, Delta)) == 2 + 2 * Z**2
    assert sp.expand(d.parts["above_gap"].expr.subs({a2: 1, s2: 0})) == 2 + 2 * Z**2


def _btk_error(gap: float, mu: float, U: float) -> float:
    d = registry.get("andreev-interface")
    f = evaluator(d.result)
    v_f = 2 * math.sin(math.acos(mu / 2))
    z = U / v_f
    sysl = ai.bdg_ns_chain(U, gap, mu)
    worst = 0.0
    for x in (0.0, 0.5, 0.9):
        Rhe, Ree = ai._lattice_reflections(sysl, x * gap)
        worst = max(worst, abs((1 + Rhe - Ree) * (1 + z * z) - float(f(Delta=1.0, E=x, Z=z))))
    return worst


def test_lattice_approaches_btk_linearly_in_the_gap():
    """The lattice check's tolerance: the Andreev approximation's error is O(Delta/v_F)."""
    for mu, U in ((0.0, 1.0), (0.8, 2.0)):
        ratio = _btk_error(1e-2, mu, U) / _btk_error(1e-3, mu, U)
        assert 7 < ratio < 13, ratio


def test_lattice_beenakker_at_zero_bias():
    """R_he(E = 0) of the BdG chain = T^2/(2 - T)^2 with T the same chain's normal-state
    transmission (pairing switched off), to O(Delta)."""
    from lbsym import lattice as lat

    tz = np.diag([1.0, -1.0])
    for mu, U in ((0.0, 0.7), (0.5, 1.5)):
        Rhe, _ = ai._lattice_reflections(ai.bdg_ns_chain(U, 1e-3, mu), 0.0)
        normal = lat.chain({2: U}, left=0, right=2, eps=-mu)
        T = normal.smatrix(0.0).transmission(1, 0)
        assert abs(Rhe - (T / (2 - T)) ** 2) < 2e-3


def test_many_channel_beenakker_on_disordered_strips_converges_linearly_in_the_gap():
    """The strip part of the lattice check: N - R_ee + R_he -> sum_n 2 T_n^2/(2 - T_n)^2."""
    errs = []
    for gap in (1e-2, 1e-3):
        worst = 0.0
        for (W, L, mu, U, seed) in ai.STRIPS:
            g = ai._lattice_ns_conductance(ai.bdg_ns_strip(W, L, gap, mu, U, seed), 0.0)
            Tn = ai.bdg_ns_strip(W, L, 0.0, mu, U, seed, superconducting=False).smatrix(0.0) \
                .transmission_eigenvalues(1, 0)
            assert len(Tn) >= 2  # really many channels
            worst = max(worst, abs(g - float(np.sum(2 * Tn**2 / (2 - Tn) ** 2))))
        errs.append(worst)
    assert 7 < errs[0] / errs[1] < 13 and errs[1] < 5e-3

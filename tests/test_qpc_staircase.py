"""qpc-staircase: physics beyond the catalogue contract (the lattice check runs there)."""

import numpy as np
import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.derivations.qpc_staircase import E, EZ, V0, parabolic_T_numeric, truncated, wx, wy
from lbsym.numeric import evaluator


@pytest.fixture(scope="module")
def d():
    return registry.get("qpc-staircase")


def test_barrier_and_step_shape(d):
    eps = sp.Symbol("epsilon", real=True)
    assert sp.simplify(d.facts.barrier - 1 / (1 + sp.exp(-2 * sp.pi * eps))) == 0
    # 10-90 % width ln(81)/(2 pi) hbar w_x, slope pi/(2 hbar w_x)
    assert sp.simplify(d.facts.step_width_10_90 - sp.log(81) / (2 * sp.pi) * wx) == 0
    assert sp.simplify(d.facts.slope_at_threshold - sp.pi / (2 * wx)) == 0
    # E_Z,c = (2/pi) atanh(1/sqrt 3) hbar w_x: exp(pi E_Z,c / hbar w_x) = (1 + 1/sqrt 3)/(1 - 1/sqrt 3)
    r3 = 1 / sp.sqrt(3)
    assert sp.expand(sp.exp(sp.pi * d.facts.zeeman_critical / wx) - sp.radsimp((1 + r3) / (1 - r3))) == 0


def test_numeric_barrier_route():
    for x in (-1.0, 0.0, 0.4):
        assert abs(parabolic_T_numeric(x) - 1 / (1 + np.exp(-2 * np.pi * x))) < 2e-3


def test_plateaus_quantized_and_odd_plateaus_appear(d):
    from lbsym.derivations.qpc_staircase import UNITS

    G = evaluator(truncated(d.result).subs(UNITS))
    Gz = evaluator(truncated(d.parts["zeeman"].expr).subs(UNITS))
    with np.errstate(over="ignore"):
        # midway between thresholds G = 2(n + 1) e^2/h up to exp(-pi w_y / w_x)
        for n in range(4):
            g = G(E_F=n + 1.0, V0=0.0, omega_x=0.2, omega_y=1.0)
            assert abs(g - 2 * (n + 1)) < 4 * np.exp(-np.pi * 1.0 / 0.2)
        # the odd plateau: d^2/dE^2 of dG/dE midway between the spin steps changes sign at E_Z,c
        c = d.facts.zeeman_critical_float
        for ez, sign in ((0.9 * c, -1), (1.1 * c, 1)):
            x = np.array([-1e-3, 0.0, 1e-3]) + 25.0  # the n = 0 threshold V0 + w_y/2
            g = Gz(E_F=x, V0=0.0, omega_x=1.0, omega_y=50.0, E_Z=ez)
            slope_curv = np.diff(g, 2)  # ~ d^2G/dE^2 at the midpoint (0 by symmetry) ...
            x4 = np.array([-2e-2, -1e-2, 0.0, 1e-2, 2e-2]) + 25.0
            g4 = Gz(E_F=x4, V0=0.0, omega_x=1.0, omega_y=50.0, E_Z=ez)
            third = g4[4] - 2 * g4[3] + 2 * g4[1] - g4[0]  # ~ d^3G/dE^3: > 0 means a minimum of dG/dE
            assert np.sign(third) == sign and abs(slope_curv[0]) < 1e-9

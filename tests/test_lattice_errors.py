"""Bad input to lbsym.lattice: clear LatticeError messages."""

import ast
import pathlib

import numpy as np
import pytest

from lbsym.errors import LatticeError, LbsymError
from lbsym.lattice import Builder, Lead, lead_modes, shapes


def _two_lead_chain(**site_kw):
    b = Builder()
    b.add_site((0,), **site_kw)
    b.attach_lead(Lead.chain(-1), interface=[(0,)])
    b.attach_lead(Lead.chain(1), interface=[(0,)])
    return b


def test_lattice_error_is_an_lbsym_value_error():
    assert issubclass(LatticeError, LbsymError) and issubclass(LatticeError, ValueError)


def test_lead_not_translationally_invariant():
    b = Builder()
    b.add_site((0,))
    lead = Lead((1,))
    lead.add_site((0,), lambda pos: 0.1 * pos[0])  # potential grows along the lead
    lead.add_hopping((0,), (1,))
    b.attach_lead(lead)
    b.attach_lead(Lead.chain(-1), interface=[(0,)])
    with pytest.raises(LatticeError, match="not translationally invariant"):
        b.finalized().smatrix(0.1)


def test_lead_in_field_with_wrong_gauge_is_not_invariant():
    from lbsym.lattice._callables import Gauge
    # vertical lead with the Landau gauge A = (-B y, 0): horizontal bonds change phase along the lead
    b = Builder(vector_potential=Gauge(0.1, "x"))
    cell = [(x, 0) for x in range(3)]
    for c in cell:
        b.add_site(c)
    b.add_hopping((1, 0), (0, 0)); b.add_hopping((2, 0), (1, 0))
    b.attach_lead(shapes.square_lead(cell, (0, 1), vector_potential=Gauge(0.1, "x")))
    b.attach_lead(shapes.square_lead(cell, (0, -1), vector_potential=Gauge(0.1, "x")))
    with pytest.raises(LatticeError, match="not translationally invariant"):
        b.finalized().smatrix(-1.0)


def test_lead_not_attached():
    b = Builder()
    b.add_site((0,))
    b.attach_lead(Lead.chain(1), interface=[(5,)])
    with pytest.raises(LatticeError, match="not attached"):
        b.finalized()


def test_lead_without_intercell_hopping():
    b = Builder()
    b.add_site((0,))
    lead = Lead((1,))
    lead.add_site((0,))
    b.attach_lead(lead)
    with pytest.raises(LatticeError, match="no hopping between unit cells"):
        b.finalized()


def test_lead_bond_spanning_two_cells():
    lead = Lead((1,))
    lead.add_site((0,))
    with pytest.raises(LatticeError, match="at most one cell"):
        lead.add_hopping((0,), (2,))


def test_disconnected_system():
    b = _two_lead_chain()
    b.add_site((7,))  # isolated site
    with pytest.raises(LatticeError, match="not connected to any lead"):
        b.finalized()
    b = _two_lead_chain()
    b.add_site((7,)); b.add_site((8,)); b.add_hopping((7,), (8,))  # isolated island
    with pytest.raises(LatticeError, match="disconnected system"):
        b.finalized()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 1 + 0.5j])
def test_bad_onsite_constant(bad):
    b = Builder()
    with pytest.raises(LatticeError, match="finite|real"):
        b.add_site((0,), bad)


def test_complex_onsite_from_function_rejected_at_solve():
    b = _two_lead_chain(onsite=lambda pos, v: v)
    s = b.finalized()
    with pytest.raises(LatticeError, match="must be real"):
        s.smatrix(0.1, {"v": 0.3 + 0.2j})
    with pytest.raises(LatticeError, match="finite"):
        s.smatrix(0.1, {"v": float("nan")})


def test_non_hermitian_onsite_matrix():
    b = Builder(norbs=2)
    with pytest.raises(LatticeError, match="Hermitian"):
        b.add_site((0,), [[0, 1], [0, 0]])


def test_non_hermitian_hopping_set():
    b = Builder()
    b.add_site(0); b.add_site(1)
    b.add_hopping(0, 1, 1.0 + 0.5j)
    with pytest.raises(LatticeError, match="non-Hermitian hopping"):
        b.add_hopping(1, 0, 1.0 + 0.5j)  # should be the conjugate
    b.add_hopping(1, 0, 1.0 - 0.5j)  # the conjugate is accepted (same bond)


def test_wrong_matrix_shapes_and_self_hopping():
    b = Builder(norbs=2)
    with pytest.raises(LatticeError, match="2x2"):
        b.add_site((0,), np.eye(3))
    b.add_site((0,))
    with pytest.raises(LatticeError, match="two different sites"):
        b.add_hopping((0,), (0,))
    with pytest.raises(LatticeError, match="norbs"):
        b.attach_lead(Lead.chain(1), interface=[(0,)])


def test_energy_outside_every_band_gives_no_channels_not_an_error():
    s = shapes.strip(3, 4)
    S = s.smatrix(5.0)  # as Kwant: zero open channels, T = 0, so sweeps across thresholds never abort
    assert S.data.shape == (0, 0) and S.num_modes(0) == S.num_modes(1) == 0
    assert S.transmission(1, 0) == 0.0 and S.unitarity_error() == 0.0
    assert np.array_equal(S.conductance_matrix(), np.zeros((2, 2)))
    with pytest.raises(LatticeError, match="finite real"):
        s.smatrix(0.1 + 0.01j)
    with pytest.raises(LatticeError, match="finite real"):
        s.smatrix(float("nan"))


def test_band_edge_energy_raises_not_garbage():
    s = shapes.strip(3, 4)
    edge = -2 * np.cos(np.pi / 4) - 2  # lowest mode opening
    with pytest.raises(LatticeError, match="band edge"):
        s.smatrix(edge + 1e-12)
    S = s.smatrix(edge + 1e-6)
    assert S.num_modes(0) == 1 and abs(S.transmission(1, 0) - 1) < 1e-8


def test_parameter_errors():
    r = shapes.ring(2, 3)
    with pytest.raises(LatticeError, match="needs parameter"):
        r.smatrix(0.1)
    with pytest.raises(LatticeError, match="unknown parameter"):
        r.smatrix(0.1, {"phi": 0.1, "ph": 0.2})


def test_user_function_error_is_wrapped():
    b = _two_lead_chain(onsite=lambda pos, v: 1 / v)
    with pytest.raises(LatticeError, match="ZeroDivisionError") as info:
        b.finalized().smatrix(0.1, {"v": 0.0})
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_bad_shape_arguments():
    with pytest.raises(LatticeError, match="W: expected an integer"):
        shapes.strip(0, 3)
    with pytest.raises(LatticeError, match="norbs=2"):
        shapes.strip(2, 2, zeeman=0.1)
    with pytest.raises(LatticeError, match="probes must fit"):
        shapes.hall_bar(4, 6, probe_width=5)
    with pytest.raises(LatticeError, match="rgf"):
        shapes.cross(2, 1).smatrix(-1.0, method="rgf")
    with pytest.raises(LatticeError, match="method"):
        shapes.strip(2, 2).smatrix(-1.0, method="lu")


def test_lead_modes_bad_matrices():
    with pytest.raises(LatticeError, match="square"):
        lead_modes(np.zeros((2, 2)), np.zeros((3, 3)), 0.0)
    with pytest.raises(LatticeError, match="zero"):
        lead_modes(np.zeros((1, 1)), np.zeros((1, 1)), 0.0)


def test_lattice_imports_only_numpy_scipy_and_errors():
    root = pathlib.Path(__file__).resolve().parents[1] / "lbsym" / "lattice"
    allowed_top = {"numpy", "scipy", "operator", "os", "contextlib", "threadpoolctl", "__future__", "inspect", "numbers", "dataclasses", "typing", "types",
                   "functools", "sys", "concurrent", "math"}
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    assert a.name.split(".")[0] in allowed_top, (path.name, a.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0:
                    assert node.module.split(".")[0] in allowed_top, (path.name, node.module)
                elif node.level == 2:
                    assert node.module == "errors", (path.name, node.module)

"""SMatrix: an immutable, validated value object."""

import sympy as sp
import pytest

from lbsym import SMatrix, Port
from lbsym.errors import ParameterError, PortError, ShapeError, UnitarityError
from lbsym.scatterers import barrier

T = sp.Symbol("T", positive=True)


def test_blocks_and_transmission():
    S = barrier(1)
    assert S.ports == (Port("left", 0), Port("right", 0))
    assert S.transmission("right", "left") == sp.Symbol("T1", positive=True)
    assert S.reflection("left") == sp.Symbol("R1", positive=True)
    assert S.submatrix("right", "left").shape == (1, 1)


def test_immutable():
    S = barrier(1)
    with pytest.raises(AttributeError):
        S.foo = 1
    with pytest.raises(TypeError):
        S.matrix[0, 0] = 1


def test_substituted_by_name_and_unknown_name():
    S = barrier(1).substituted(alpha1=0, beta1=0)
    assert not any(s.name.startswith("alpha") for s in S.free_symbols)
    with pytest.raises(ParameterError, match="unknown symbol 'x'"):
        barrier(1).substituted(x=1)


@pytest.mark.parametrize("bad", [[[1, 0, 0], [0, 1, 0]], [[1, 2]]])
def test_non_square_is_refused(bad):
    with pytest.raises(ShapeError, match="square"):
        SMatrix(bad)


def test_ports_must_match_and_be_distinct():
    with pytest.raises(ShapeError, match="needs 2 port labels"):
        SMatrix([[0, 1], [1, 0]], ports=["a"])
    with pytest.raises(PortError, match="distinct"):
        SMatrix([[0, 1], [1, 0]], ports=["a", "a"])


def test_unitarity_numeric_and_symbolic():
    assert SMatrix([[0, 1], [1, 0]]).is_unitary()
    assert not SMatrix([[0.5, 0.5], [0.5, 0.5]]).is_unitary()
    assert barrier(1).is_unitary()
    bad = SMatrix([[sp.sqrt(T), sp.sqrt(T)], [sp.sqrt(T), sp.sqrt(T)]], ranges={T: (0, 1)})
    assert not bad.is_unitary()
    with pytest.raises(UnitarityError, match="not unitary"):
        bad.check_unitary()


def test_unknown_lead():
    with pytest.raises(PortError, match="no lead 'up'"):
        barrier(1).transmission("up", "left")


def test_latex_and_repr_latex():
    tex = barrier(1).latex()
    assert r"\sqrt{T_{1}}" in tex and r"\alpha_{1}" in tex
    assert barrier(1)._repr_latex_().startswith("$$S = ")

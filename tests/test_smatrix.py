"""SMatrix: an immutable, validated value object."""

import sympy as sp
import pytest

from lbsym import Port, SMatrix, series
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


def test_transmission_traces_in_the_ring():
    from lbsym.scatterers import barrier
    B1, B2 = barrier(1), barrier(2)
    # two independent channels: sum T_n = T1 + T2, sum T_n^2 = T1^2 + T2^2
    m = sp.zeros(4, 4)
    for k, B in enumerate((B1, B2)):
        for a in range(2):
            for b in range(2):
                m[2 * a + k, 2 * b + k] = B.matrix[a, b]
    S = SMatrix(m, [("L", 0), ("L", 1), ("R", 0), ("R", 1)], relations={**B1.relations, **B2.relations})
    T1, T2 = sp.symbols("T1 T2", positive=True)
    s1, s2 = S.transmission_traces("R", "L")
    assert sp.expand(s1 - (T1 + T2)) == 0 and sp.expand(s2 - (T1**2 + T2**2)) == 0


def test_transmission_traces_match_eigenvalues_of_a_mixing_scatterer():
    import numpy as np
    from lbsym import Network
    from lbsym.scatterers import beam_splitter, barrier
    # a beam splitter mixing two channels, followed by a barrier on one of them
    net = Network().add("BS", beam_splitter(1)).add("B", barrier(2))
    net.connect("BS.3", "B.left")
    net.external("L", "BS.1", "BS.2").external("R", "B.right", "BS.4")
    S = net.smatrix()
    s1, s2 = S.transmission_traces("R", "L")
    pt = S.random_point()
    M = np.array(S.matrix.subs(pt).evalf(20).tolist(), dtype=complex)
    t = M[2:, :2]
    ev = np.linalg.eigvalsh(t.conj().T @ t)
    assert abs(float(s1.subs(pt)) - ev.sum()) < 1e-12
    assert abs(float(s2.subs(pt)) - (ev**2).sum()) < 1e-12


def test_smatrix_is_a_value_relations_ranges_pickle_copy():
    """Equality and hashing cover all the state; pickling and copying keep the value."""
    import copy
    import pickle

    from lbsym.scatterers import barrier

    S = barrier(1)
    bare = SMatrix(S.matrix, S.ports)  # same entries, no relation R1 = 1 - T1
    assert S != bare and len({S, bare}) == 2
    other_range = SMatrix(S.matrix, S.ports, relations=S.relations,
                          ranges={k: (0, 0.5) for k in S.ranges})
    assert other_range != S
    for T in (S, series(barrier(1), barrier(2))):
        back = pickle.loads(pickle.dumps(T))
        assert back == T and hash(back) == hash(T) and back.relations == T.relations
        assert copy.deepcopy(T) == T and copy.copy(T) is T


def test_pumping_cache_does_not_accept_a_matrix_without_its_relations():
    """Module caches keyed on SMatrix: a cache hit must not certify a different value."""
    import sympy as sp

    from lbsym import pumping
    from lbsym.errors import UnitarityError
    from lbsym.scatterers import barrier

    S = barrier(1)
    pumping.numeric_unitarity(S)
    x = sp.Symbol("x", positive=True)
    broken = SMatrix(S.matrix.subs(sp.Symbol("R1", positive=True), x), S.ports)
    with pytest.raises(UnitarityError):
        pumping.numeric_unitarity(broken)


def test_derivation_mappings_are_read_only():
    from lbsym.derivation import get

    d = get("fabry-perot")
    for mapping in (d.relations, d.ranges, d.facts, d.parts):
        with pytest.raises(TypeError):
            mapping[next(iter(mapping))] = 0  # type: ignore[index]
    assert get("fabry-perot").relations  # the shared cached record is intact

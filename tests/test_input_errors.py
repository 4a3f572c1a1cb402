"""Bad input raises an LbsymError subclass (or TypeError for a wrong type), never a bare
ValueError, ZeroDivisionError, IndexError, AttributeError or sympy's SympifyError; a failing
user callback is reported with its exception chained (``from exc``)."""

import math

import numpy as np
import pytest
import sympy as sp

from lbsym import counting, counting_numeric, noise, noise_numeric, numeric
from lbsym import lattice as lat
from lbsym.errors import LatticeError, ParameterError, ParseError, ShapeError, SingularNetworkError
from lbsym.multiterminal import MultiTerminal
from lbsym.network import Network
from lbsym.scatterers import barrier, beam_splitter

nan, inf = float("nan"), float("inf")
T = sp.Symbol("T", positive=True)


def _chain():
    return lat.shapes.chain({0: 0.5}, left=-1, right=1)


def _boom(*a, **k):
    raise ZeroDivisionError("boom")


CASES = [
    # multi-terminal
    ("nan transmissions", lambda: MultiTerminal([[0, nan], [nan, 0]]), ParameterError, "finite"),
    ("inf transmissions", lambda: MultiTerminal([[0, inf], [inf, 0]]), ParameterError, "finite"),
    ("float nan transmission", lambda: MultiTerminal([[0, 1.0, nan], [1.0, 0, 1.0], [nan, 1.0, 0]]),
     ParameterError, "finite"),
    ("unreadable voltage", lambda: MultiTerminal([[0, 1], [1, 0]]).solve(voltages={0: "x+"}), ParseError,
     "voltage at terminal 0"),
    ("nan voltage, float system", lambda: MultiTerminal([[0, 1.0], [1.0, 0]]).solve(voltages={0: nan}, ground=1),
     ParameterError, "voltages"),
    ("complex voltage, float system", lambda: MultiTerminal([[0, 1.0], [1.0, 0]]).solve(voltages={0: 1j}, ground=1),
     ParameterError, "real"),
    # symbolic noise and counting
    ("unreadable transmission", lambda: noise.two_terminal_noise(["x+"]), ParseError, "transmission"),
    ("ragged transmission block", lambda: noise.transmission_traces([[1, 2], [3]]), ShapeError, "matrix"),
    ("noise_matrix_symbolic of a number", lambda: noise.noise_matrix_symbolic(5, {}), TypeError, "SMatrix"),
    ("unreadable voltage (noise)", lambda: noise.noise_matrix_symbolic(beam_splitter(), {1: "x+", 2: 0, 3: 0, 4: 0}),
     ParseError, "voltage of lead 1"),
    ("unreadable sum", lambda: noise.merge_sums("x+"), ParseError, "expr"),
    ("unreadable cgf", lambda: counting.cumulants("log(", 2), ParseError, "cgf"),
    # numeric noise
    ("negative temperature", lambda: noise_numeric.noise_integral(lambda E: 0.5, 1.0, -1.0), ParameterError,
     "temperature"),
    ("negative temperature (value)", lambda: noise_numeric.noise_value([0.5], 1.0, -1.0), ParameterError,
     "temperature"),
    ("negative temperature (matrix)", lambda: noise_numeric.noise_matrix(np.eye(2), [[0], [1]], [1.0, 0.0], -1.0),
     ParameterError, "temperature"),
    ("non-numeric voltage", lambda: noise_numeric.noise_integral(lambda E: 0.5, "a", 1.0), ParameterError, "voltage"),
    ("bad dps", lambda: noise_numeric.noise_integral(lambda E: 0.5, 1.0, 1.0, dps=0), ParameterError, "dps"),
    ("T_of_E returns text", lambda: noise_numeric.noise_integral(lambda E: "x", 1.0, 1.0, method="scipy"),
     ParameterError, "expected numbers"),
    ("T_of_E returns text (mpmath)", lambda: noise_numeric.noise_integral(lambda E: "x", 1.0, 1.0),
     ParameterError, "expected numbers"),
    ("non-numeric transmissions", lambda: noise_numeric.noise_value(["a"], 1.0, 1.0), ParameterError, "numbers"),
    ("lead index out of range", lambda: noise_numeric.noise_matrix(np.eye(2), [[0], [5]], [1.0, 0.0]),
     ShapeError, "leads"),
    ("non-numeric S", lambda: noise_numeric.noise_matrix("ab", [[0], [1]], [1.0, 0.0]), ParameterError, "S"),
    ("non-numeric voltages", lambda: noise_numeric.noise_matrix(np.eye(2), [[0], [1]], ["a", 0.0]),
     ParameterError, "voltages"),
    ("1-d transmission block", lambda: noise_numeric.transmission_eigenvalues([1, 2]), ShapeError, "shape"),
    ("negative kT", lambda: noise_numeric.fermi(0.0, 0.0, -1.0), ParameterError, "kT"),
    # numeric counting
    ("empty sample", lambda: counting_numeric.sample_cumulants([], 2), ShapeError, "non-empty"),
    ("non-numeric sample", lambda: counting_numeric.sample_cumulants(["a"], 2), ParameterError, "numbers"),
    ("zero rates", lambda: counting_numeric.gillespie_counts(0.0, 0.0, [1.0], 10), ParameterError, "Gamma_L"),
    ("negative rate", lambda: counting_numeric.gillespie_counts(1.0, -1.0, [1.0], 10), ParameterError, "Gamma_R"),
    ("nan rate", lambda: counting_numeric.gillespie_counts(nan, 1.0, [1.0], 10), ParameterError, "Gamma_L"),
    ("negative samples", lambda: counting_numeric.gillespie_counts(1.0, 1.0, [1.0], -1), ParameterError, "samples"),
    ("no times", lambda: counting_numeric.gillespie_counts(1.0, 1.0, [], 10), ParameterError, "times"),
    ("negative time", lambda: counting_numeric.gillespie_counts(1.0, 1.0, [-1.0], 10), ParameterError, "times"),
    # evaluators
    ("unreadable expression", lambda: numeric.evaluator("1+"), ParseError, "expr"),
    ("unreadable value", lambda: numeric.evaluate(T, {"T": "x+"}), ParseError, "value of T"),
    ("mpmath division by zero", lambda: numeric.evaluator(1 / T, backend="mpmath")(0), ParameterError, "singular"),
    ("network_smatrix of a number", lambda: numeric.network_smatrix(5, {}), TypeError, "Network"),
    # lattice
    ("non-numeric position", lambda: lat.Builder().add_site((0,), pos="ab"), LatticeError, "pos"),
    ("ragged position", lambda: lat.Builder().add_site((0,), pos=[[1], [1, 2]]), LatticeError, "pos"),
    ("non-numeric translation", lambda: lat.Lead(("a",)), LatticeError, "translation"),
    ("non-numeric chain direction", lambda: lat.Lead.chain("a"), LatticeError, "direction"),
    ("invalid parameter name", lambda: lat.shapes.chain({0: "a+"}), LatticeError, "parameter name"),
    ("non-numeric lead matrices", lambda: lat.lead_modes("a", "b", 0.1), LatticeError, "numeric matrices"),
    ("scalar lead matrices", lambda: lat.lead_modes(1.0, 1.0, 0.1), LatticeError, "square"),
    ("non-numeric sweep energies", lambda: lat.energy_sweep(_chain(), ["a"]), LatticeError, "energies"),
    ("non-numeric sweep energy", lambda: lat.parameter_sweep(_chain(), "a", [{}]), LatticeError, "energies"),
    ("parameter values not mappings", lambda: lat.parameter_sweep(_chain(), 0.1, [5]), LatticeError, "mappings"),
    ("non-numeric ensemble energies", lambda: lat.disorder_ensemble(lambda r: _chain(), 1, ["a"]), LatticeError,
     "energies"),
    ("build returns no system", lambda: lat.disorder_ensemble(lambda r: 5, 1, [0.1]), LatticeError, "System"),
]


@pytest.mark.parametrize("what, call, error, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_library_error(what, call, error, match):
    with pytest.raises(error, match=match):
        call()


CALLBACKS = [
    ("T_of_E (mpmath)", lambda: noise_numeric.noise_integral(_boom, 1.0, 1.0), ParameterError),
    ("T_of_E (scipy)", lambda: noise_numeric.noise_integral(_boom, 1.0, 1.0, method="scipy"), ParameterError),
    ("sweep quantity", lambda: lat.energy_sweep(_chain(), [0.1], quantity=_boom), LatticeError),
    ("ensemble build", lambda: lat.disorder_ensemble(_boom, 1, [0.1]), LatticeError),
]


@pytest.mark.parametrize("what, call, error", CALLBACKS, ids=[c[0] for c in CALLBACKS])
def test_failing_callbacks_are_reported_with_their_cause(what, call, error):
    with pytest.raises(error, match="ZeroDivisionError") as info:
        call()
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_a_library_error_in_a_callback_passes_through():
    def quantity(S):
        return S.transmission(7, 0)  # no lead 7: the library's own LatticeError

    with pytest.raises(LatticeError) as info:
        lat.energy_sweep(_chain(), [0.1], quantity=quantity)
    assert "quantity" not in str(info.value)


def test_singular_network_solve_is_a_singular_network_error():
    """Two perfectly reflecting barriers: a closed cavity, resonant at phase pi/2."""
    n = Network()
    n.add("a", barrier(1)).add("b", barrier(2))
    n.connect(("a", "right"), ("b", "left"), phase=sp.Symbol("phi"))
    n.external("L", ("a", "left")).external("R", ("b", "right"))
    values = {sp.Symbol(k, positive=True): v for k, v in {"R1": 1, "T1": 0, "R2": 1, "T2": 0}.items()}
    values.update({s: 0 for s in n.parts["a"].matrix.free_symbols | n.parts["b"].matrix.free_symbols
                   if s.name.startswith(("alpha", "beta"))})
    values[sp.Symbol("phi")] = sp.pi / 2
    with pytest.raises(SingularNetworkError, match="singular"):
        numeric.network_smatrix(n, values)


def test_zero_temperature_integral_matches_the_shot_noise():
    """Theta = 0 is allowed (a step Fermi function), with both quadratures."""
    for method in ("mpmath", "scipy"):
        val = noise_numeric.noise_integral(lambda E: 0.5, 1.0, 0.0, method=method)
        assert math.isclose(val, noise_numeric.noise_value([0.5], 1.0, 0.0), rel_tol=1e-9)
    assert noise_numeric.fermi(0.0, 0.0, 0.0) == 0.5
    assert list(noise_numeric.fermi([-1.0, 1.0], 0.0, 0.0)) == [1.0, 0.0]

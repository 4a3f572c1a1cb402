"""lbsym.pumping: emissivities, the Brouwer integrand, pumped charge by three routes."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from lbsym import pumping as pm
from lbsym import pumping_numeric as pn
from lbsym.errors import ParameterError, PathError, PortError, ShapeError, UnitarityError
from lbsym.network import series
from lbsym.scatterers import barrier, delta_barrier, lattice_impurity
from lbsym.smatrix import SMatrix

e1, e2 = sp.symbols("epsilon1 epsilon2", real=True)
k, d, L = sp.symbols("k d L", positive=True)
theta = sp.Symbol("theta", real=True)
Z1, Z2 = sp.symbols("Z1 Z2", positive=True)
A1, A2 = sp.symbols("A1 A2", positive=True)
phi1, phi2 = sp.symbols("phi1 phi2", real=True)


@pytest.fixture(scope="module")
def S2():
    """Two lattice impurities a distance d apart (the double-barrier pump)."""
    return series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[k * d])


@pytest.fixture(scope="module")
def pump(S2):
    return pn.Pump(S2, (e1, e2), {"k": 1.0, "d": 3})


@pytest.fixture(scope="module")
def paths():
    t = sp.Symbol("t", real=True)
    return {
        "circle": pn.Path.circle((0.7, -0.4), 0.5),
        "ellipse": pn.Path.ellipse((0.2, 0.9), (0.6, 0.3), (0.4, -1.1)),
        "square": pn.Path.polygon([(0.0, 0.0), (1.5, 0.0), (1.5, 1.5), (0.0, 1.5)]),
        # not star-shaped about its centroid's neighbourhood: an L
        "L-shape": pn.Path.polygon([(0.5, 0.5), (2, 0.5), (2, 1), (1, 1), (1, 2.5), (0.5, 2.5)]),
        # self-intersecting: the two lobes are run in opposite senses
        "figure-eight": pn.Path.parametric([1.0 + 0.5 * sp.sin(t), 0.5 + 0.4 * sp.sin(2 * t)], t, 0, 2 * sp.pi),
    }


# ------------------------------------------------------------------ symbolic
def test_small_cycle_prefactor_is_derived_by_integration():
    hc = pm.harmonic_cycle_charge(2)
    C = hc.curls[(0, 1)]
    assert sp.expand(hc.charge - sp.pi * A1 * A2 * C * sp.sin(phi1 - phi2)) == 0
    assert hc.omega not in hc.charge.free_symbols  # independent of the speed of the cycle
    assert hc.integral.has(sp.Symbol("g_12", real=True))  # sympy's raw integral, before the split
    hc3 = pm.harmonic_cycle_charge(3)
    assert len(hc3.curls) == 3 and hc3.omega not in hc3.charge.free_symbols


def test_signed_area_of_the_harmonic_ellipse_matches_the_prefactor():
    # pi A1 A2 sin(phi1 - phi2) is the signed (counterclockwise-positive) area of the ellipse
    for ph in [(0.3, -1.0), (-0.2, 1.4), (2.0, 2.0)]:
        p = pn.Path.ellipse((0, 0), (0.7, 1.3), ph)
        assert p.signed_area() == pytest.approx(math.pi * 0.7 * 1.3 * math.sin(ph[0] - ph[1]), abs=1e-12)
    assert pn.Path.circle((1, 2), 0.5).signed_area() == pytest.approx(math.pi * 0.25)


def test_stokes_identity_is_exact():
    assert pm.stokes_identity() == 0


def test_integrand_is_compact_and_conserves_charge(S2):
    PiL = pm.brouwer_integrand(S2, "left", (e1, e2))
    num, den = sp.fraction(PiL)
    assert sp.count_ops(num) < 30  # Im P: a short trigonometric polynomial
    assert pm.brouwer_integrand(S2, ("left", "right"), (e1, e2)) == 0
    PiR = pm.brouwer_integrand(S2, "right", (e1, e2))
    f = sp.lambdify((e1, e2, k, d), [PiL, PiR])
    for x in [(0.3, -1.2, 0.7, 2), (2.0, 1.0, 2.5, 5)]:
        a, b = f(*x)
        assert abs(a + b) < 1e-15 and abs(a) > 1e-6


def test_integrand_in_other_parameters(S2):
    # the phase kd and a delta-barrier pump: closed forms stay small
    S = series(delta_barrier(Z1, k), delta_barrier(Z2, k), phases=[k * L])
    P = pm.brouwer_integrand(S, "left", ("Z1", "Z2"))
    assert sp.count_ops(P) < 60
    Sth = series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[theta])
    assert sp.count_ops(pm.brouwer_integrand(Sth, "left", (e1, theta))) < 70


def test_emissivity_friedel_sum_single_impurity():
    eps = sp.Symbol("epsilon", real=True)
    S = lattice_impurity(eps, k)
    total = pm.emissivity(S, S.leads, eps)
    # (1/2 pi) d(arg det S)/d eps = -LDOS = -2 sin k / (pi (eps^2 + 4 sin^2 k))
    assert sp.cancel(total + 2 * sp.sin(k) / (sp.pi * (eps**2 + 4 * sp.sin(k) ** 2))) == 0
    # a single impurity is mirror symmetric: it takes half of the charge from each side
    assert sp.cancel(pm.emissivity(S, "left", eps) - pm.emissivity(S, "right", eps)) == 0


def test_small_cycle_charge_symbolic_equals_area_times_integrand(S2):
    Q = pm.small_cycle_charge(S2, "left", (e1, e2))
    PiL = pm.brouwer_integrand(S2, "left", (e1, e2))
    assert sp.expand(Q - sp.pi * A1 * A2 * sp.sin(phi1 - phi2) * PiL) == 0
    assert sp.expand(Q.subs(phi2, phi1)) == 0


def test_relations_are_substituted_for_pumped_probabilities():
    S = series(barrier(1), barrier(2), phases=[k * L])
    P = pm.brouwer_integrand(S, "left", ("T1", "T2"))
    assert sp.Symbol("R1", positive=True) not in P.free_symbols  # R1 = 1 - T1 was used
    pump = pn.Pump(S, ("T1", "T2"), {"k": 1.0, "L": 1.3, "alpha1": 0.3, "alpha2": -0.5,
                                      "beta1": 0.2, "beta2": 1.0})
    c = pn.Path.circle((0.4, 0.5), 0.2)
    assert pump.charge(c, "left", "area") == pytest.approx(pump.charge(c, "left", "line"), abs=1e-12)


# ------------------------------------------------------------------ numeric routes
@pytest.mark.parametrize("name", ["circle", "ellipse", "square", "L-shape", "figure-eight"])
def test_area_and_line_routes_agree_and_conserve_charge(pump, paths, name):
    p = paths[name]
    qa = pump.charge(p, "left", "area")
    ql = pump.charge(p, "left", "line")
    qr = pump.charge(p, "right", "line")
    assert abs(qa - ql) < 1e-11
    assert abs(ql + qr) < 1e-12  # sum over leads = 0
    assert abs(ql) > 1e-4


def test_reversing_the_cycle_flips_the_charge(pump, paths):
    for p in paths.values():
        q = pump.charge(p, "left")
        assert pump.charge(p.reversed(), "left") == pytest.approx(-q, abs=1e-13)
        assert pump.charge(p.reversed(), "left", "area") == pytest.approx(-q, abs=1e-11)


def test_charge_is_independent_of_the_time_parametrization(pump):
    t = sp.Symbol("t", real=True)
    base = [0.7 + 0.5 * sp.cos(t), -0.4 + 0.5 * sp.sin(t)]
    q0 = pump.charge(pn.Path.parametric(base, t, 0, 2 * sp.pi), "left")
    # t -> t + 0.6 sin t is monotonic: the same cycle run with a non-uniform speed
    warped = [x.subs(t, t + sp.Rational(3, 5) * sp.sin(t)) for x in base]
    q1 = pump.charge(pn.Path.parametric(warped, t, 0, 2 * sp.pi), "left")
    # and over a different time interval, starting elsewhere on the loop
    shifted = [x.subs(t, 3 * t + 1) for x in base]
    q2 = pump.charge(pn.Path.parametric(shifted, t, 0, 2 * sp.pi / 3), "left")
    assert q0 == pytest.approx(q1, abs=1e-12) and q0 == pytest.approx(q2, abs=1e-12)
    assert q0 == pytest.approx(pump.charge(pn.Path.circle((0.7, -0.4), 0.5), "left"), abs=1e-12)
    # a polygon started at another vertex
    sq = [(0.0, 0.0), (1.5, 0.0), (1.5, 1.5), (0.0, 1.5)]
    a = pump.charge(pn.Path.polygon(sq), "left")
    assert pump.charge(pn.Path.polygon(sq[2:] + sq[:2]), "left") == pytest.approx(a, abs=1e-12)


def test_small_cycle_route_a_is_the_limit_of_b_and_c(pump):
    c, amp, ph = (0.8, 0.3), np.array([0.5, 0.7]), (0.9, -0.6)
    errs = []
    for lam in (0.08, 0.04, 0.02):
        exact = pump.charge(pn.Path.ellipse(c, amp * lam, ph), "left")
        area = pump.charge(pn.Path.ellipse(c, amp * lam, ph), "left", "area")
        a = pump.small_cycle_charge(c, amp * lam, ph, "left")
        assert abs(area - exact) < 1e-13
        errs.append(abs(a - exact) / abs(exact))
    # Q is even in the amplitude, so the relative error of (a) falls like lambda^2
    assert errs[0] < 1e-2 and errs[1] < errs[0] / 3.5 and errs[2] < errs[1] / 3.5


def test_integrand_is_the_curl_of_the_numeric_emissivities(pump):
    h = 1e-4
    for x in [(0.7, -0.4), (1.3, 2.2), (-2.0, 0.4)]:
        X = np.array(x)
        da2 = (pump.emissivities(X + [h, 0], "left")[1] - pump.emissivities(X - [h, 0], "left")[1]) / (2 * h)
        da1 = (pump.emissivities(X + [0, h], "left")[0] - pump.emissivities(X - [0, h], "left")[0]) / (2 * h)
        assert da2 - da1 == pytest.approx(float(pump.integrand(X, "left")), abs=1e-7)


def test_one_parameter_cycles_pump_nothing(pump):
    t = sp.Symbol("t", real=True)
    assert abs(pump.charge(pn.Path.polygon([(0.3, -0.2), (1.4, 0.9)]), "left")) < 1e-14
    retraced = pn.Path.parametric([0.7 + 0.6 * sp.cos(t), -0.4 + 0.5 * sp.cos(2 * t)], t, 0, 2 * sp.pi)
    assert abs(pump.charge(retraced, "left")) < 1e-13
    assert abs(pump.charge(retraced, "left", "area")) < 1e-13
    in_phase = pn.Path.ellipse((0.7, -0.4), (0.5, 0.3), (0.4, 0.4))
    assert abs(pump.charge(in_phase, "left")) < 1e-14
    assert abs(pump.small_cycle_charge((0.7, -0.4), (0.5, 0.3), (0.4, 0.4), "left")) < 1e-16
    one = pn.Pump(lattice_impurity(e1, k), (e1,), {"k": 1.2})
    assert abs(one.charge(pn.Path.ellipse((0.5,), (0.8,), (0.0,)), "left")) < 1e-14


def test_three_parameters_cone_surface_and_small_cycle():
    S = series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[theta])
    pump = pn.Pump(S, (e1, e2, theta), {"k": 1.1})
    el = pn.Path.ellipse((0.3, -0.5, 0.8), (0.4, 0.3, 0.5), (0.0, 1.0, 2.5))
    assert pump.charge(el, "left", "area") == pytest.approx(pump.charge(el, "left", "line"), abs=1e-12)
    c, amp, ph = (0.3, -0.5, 0.8), np.array([0.4, 0.3, 0.5]) * 1e-3, (0.0, 1.0, 2.5)
    exact = pump.charge(pn.Path.ellipse(c, amp, ph), "left")
    assert pump.small_cycle_charge(c, amp, ph, "left") == pytest.approx(exact, rel=1e-5)


def test_numeric_integrand_route_for_large_networks(pump, paths):
    alt = pn.Pump(pump.S, pump.params, {"k": 1.0, "d": 3}, closed_form=False)
    X = np.array([[0.7, -0.4], [1.3, 2.2]])
    assert np.allclose(alt.integrand(X, "left"), pump.integrand(X, "left"), atol=1e-14)
    p = paths["square"]
    assert alt.charge(p, "left", "area") == pytest.approx(pump.charge(p, "left", "line"), abs=1e-11)


def test_routes_from_smatrix_samples(pump, paths):
    src = pump.smatrix
    for name in ("circle", "square", "figure-eight"):
        q = pump.charge(paths[name], "left")
        assert pn.line_charge(src, paths[name], [0], nodes=256) == pytest.approx(q, abs=1e-11)
        assert pn.line_charge(src, paths[name], [0], nodes=64, derivative="fd") == pytest.approx(q, abs=1e-9)
    X = (0.7, -0.4)
    assert pn.integrand_from_smatrices(src, X, [0]) == pytest.approx(
        float(pump.integrand(np.array(X), "left")), abs=1e-11)
    S = pump.smatrix(np.array(X))
    assert np.allclose(pn.emissivities_from_smatrices(S, pump.derivatives(np.array(X)), [0]),
                       pump.emissivities(np.array(X), "left"))


def test_quantized_pumping_around_a_resonance():
    S = series(lattice_impurity(e1, k), lattice_impurity(e2, k), phases=[k * d])
    pump = pn.Pump(S, (e1, e2), {"k": 1.5, "d": 4})
    sq = pn.Path.polygon([(2, 2), (30, 2), (30, 30), (2, 30)])
    qa, ql = pump.charge(sq, "left", "area"), pump.charge(sq, "left", "line")
    assert abs(qa - ql) < 1e-9 and 0.93 < qa < 0.95
    # a cycle that does not enclose the T = 1 point pumps little
    off = pn.Path.polygon([(20, 20), (30, 20), (30, 30), (20, 30)])
    assert abs(pump.charge(off, "left")) < 0.05


# ------------------------------------------------------------------ properties
finite = st.floats(-2.5, 2.5, allow_nan=False)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cx=finite, cy=finite, ax=st.floats(0.05, 1.5), ay=st.floats(0.05, 1.5),
       p1=st.floats(-3.2, 3.2), p2=st.floats(-3.2, 3.2))
def test_property_ellipses_conserve_charge_and_are_antisymmetric(pump, cx, cy, ax, ay, p1, p2):
    p = pn.Path.ellipse((cx, cy), (ax, ay), (p1, p2))
    ql, qr = pump.charge(p, "left"), pump.charge(p, "right")
    assert abs(ql + qr) < 1e-12
    assert abs(pump.charge(p.reversed(), "left") + ql) < 1e-12
    assert abs(pump.charge(p, "left", "area") - ql) < 1e-10


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(finite, finite), min_size=3, max_size=6))
def test_property_polygons_line_equals_area(pump, verts):
    p = pn.Path.polygon(verts)
    ql = pump.charge(p, "left")
    assert abs(pump.charge(p, "left", "area") - ql) < 1e-9
    assert abs(pump.charge(p, "right") + ql) < 1e-12


# ------------------------------------------------------------------ errors
x = sp.Symbol("x", real=True)


@pytest.mark.parametrize("make, err, message", [
    (lambda S: pn.Pump(SMatrix([[1, x], [0, 1]]), ("x",)), UnitarityError, "not unitary"),
    (lambda S: pm.emissivity(SMatrix([[sp.cos(x), sp.sin(x)], [sp.sin(x), sp.cos(x)]]), 0, "x"),
     UnitarityError, "not unitary"),
    (lambda S: pm.brouwer_integrand(S, "left", ("epsilon1", "nope")), ParameterError, "unknown parameter 'nope'"),
    (lambda S: pm.brouwer_integrand(S, "left", ("epsilon1",)), ParameterError, "at least 2"),
    (lambda S: pm.brouwer_integrand(S, "left", ("epsilon1", "epsilon1")), ParameterError, "given twice"),
    (lambda S: pm.brouwer_integrand(S, "left", ("epsilon1", 2)), ParameterError, "symbol or its name"),
    (lambda S: pm.brouwer_integrand(S, "middle", ("epsilon1", "epsilon2")), PortError, "no lead 'middle'"),
    (lambda S: pm.emissivity("not an S-matrix", "left", "x"), ShapeError, "expected an lbsym SMatrix"),
    (lambda S: pn.Pump(S, (e1, e2), {"k": 1.0}), ParameterError, "missing value(s) for ['d']"),
    (lambda S: pn.Pump(S, (e1, e2), {"k": 1.0, "d": 3, "q": 1}), ParameterError, "unknown symbol 'q'"),
    (lambda S: pn.Pump(S, (e1, e2), {"k": 1.0, "d": 3, "epsilon1": 1}), ParameterError, "pumping parameter"),
    (lambda S: pn.Pump(S, (e1, e2), {"k": "one", "d": 3}), ParameterError, "real number"),
])
def test_bad_input_raises_clear_errors(S2, make, err, message):
    with pytest.raises(err, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]")):
        make(S2)


def test_complex_parameter_is_refused():
    z = sp.Symbol("z")  # no assumptions: could be complex
    S = SMatrix([[0, sp.exp(sp.I * z)], [sp.exp(sp.I * z), 0]])
    with pytest.raises(ParameterError, match="not known to be real"):
        pm.emissivity(S, 0, "z")


def test_paths_must_be_closed_and_well_formed(pump):
    t = sp.Symbol("t", real=True)
    with pytest.raises(PathError, match="not closed"):
        pn.Path.parametric([sp.cos(t), t], t, 0, 2 * sp.pi)
    with pytest.raises(PathError, match="not closed"):
        pn.Path.function(lambda u: np.stack([np.cos(u), u], axis=1), period=2 * np.pi)
    with pytest.raises(PathError, match="not strings"):
        pn.Path.parametric(["cos(t)", "sin(t)"], t, 0, 2 * sp.pi)
    with pytest.raises(PathError, match="depend on t only"):
        pn.Path.parametric([sp.cos(t) + x, sp.sin(t)], t, 0, 2 * sp.pi)
    with pytest.raises(PathError, match="finite"):
        pn.Path.circle((float("nan"), 0.0), 1.0)
    with pytest.raises(PathError, match="at least 2 vertices"):
        pn.Path.polygon([(0.0, 0.0)])
    with pytest.raises(PathError, match="3 coordinates"):
        pump.charge(pn.Path.ellipse((0, 0, 0), (1, 1, 1), (0, 1, 2)), "left")
    with pytest.raises(PathError, match="expected a Path"):
        pump.charge([(0, 0), (1, 1)], "left")
    with pytest.raises(ParameterError, match="method"):
        pump.charge(pn.Path.circle((0, 0), 1), "left", method="volume")


def test_function_path_with_numeric_velocity(pump):
    f = pn.Path.function(lambda u: np.stack([0.7 + 0.5 * np.cos(u), -0.4 + 0.5 * np.sin(u)], axis=1))
    assert pump.charge(f, "left") == pytest.approx(pump.charge(pn.Path.circle((0.7, -0.4), 0.5), "left"),
                                                    abs=1e-10)

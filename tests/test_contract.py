"""The contract every derivation in the catalogue keeps, tested once over the registry.

Adding a derivation adds no test here: it is one file in ``lbsym/derivations``,
and these tests pick it up.  Physics-specific tests stay per derivation.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
import sympy as sp

from lbsym import derivation as registry
from lbsym.cli import main
from lbsym.derivation import CHECK_KINDS, HOOKS, CheckReport, Derivation
from lbsym.errors import DerivationError
from lbsym.parsing import parse_expression

NAMES = registry.names()


@pytest.fixture(scope="module", params=NAMES)
def d(request) -> Derivation:
    return registry.get(request.param)


def _spoiled(d: Derivation) -> Derivation:
    return dataclasses.replace(d, result=d.result * sp.Rational(11, 10))


def test_name_and_title_given_once(d):
    """@register is the one place: the registry fills them in."""
    assert d.name in NAMES
    assert dict(registry.catalogue())[d.name] == d.title


def test_result_equals_textbook_exactly(d):
    assert d.check_textbook()


def test_facts_are_a_frozen_dataclass(d):
    if d.facts is None:
        return
    assert dataclasses.is_dataclass(d.facts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(d.facts, dataclasses.fields(d.facts)[0].name, None)


def test_shared_derivation_is_read_only(d):
    with pytest.raises(TypeError):
        d.relations[sp.Symbol("x")] = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.result = 0


def test_hooks_come_from_the_derivation_module(d):
    """The checks and the figure live in the derivation's own file, with one signature."""
    import inspect

    module = inspect.getmodule(registry._BUILDERS[d.name][1])
    for attr, field in HOOKS.items():
        fn = getattr(d, field)
        if fn is not None:
            assert inspect.getmodule(fn) is module, (attr, fn)
            params = list(inspect.signature(fn).parameters.values())
            assert params[0].name == "der" and all(p.default is not p.empty for p in params[1:])
    assert d.figure is not None, "every derivation draws its figure"
    assert d.cross_check is not None or d.lattice is not None, "an independent route is required"


def _independent_checks(name: str) -> list[tuple[str, str]]:
    d = registry.get(name)
    return [(name, f) for f in ("cross_check", "lattice") if getattr(d, f) is not None]


CHECKS = [pair for n in NAMES for pair in _independent_checks(n)]


@pytest.mark.parametrize("name, field", CHECKS)
def test_independent_check_passes_and_fails_when_the_result_is_spoiled(name, field):
    """Each check evaluates der.result (never a literal): 10% off, it must fail."""
    d = registry.get(name)
    rep = getattr(d, field)(d)
    assert isinstance(rep, CheckReport) and rep.kind in CHECK_KINDS
    assert rep.passed and rep.points > 0, rep.summary()
    bad = getattr(d, field)(_spoiled(d))
    assert not bad.passed, (name, field, bad.summary())


def test_a_report_without_compared_points_does_not_pass():
    assert not CheckReport("nothing compared", 0.0, 0, 1e-10).passed
    with pytest.raises(DerivationError, match="unknown check kind"):
        CheckReport("x", 0.0, 1, 1.0, kind="percent")


def _symbols_for(d: Derivation) -> dict:
    table = dict(d.symbol_map)
    for s in d.result.free_symbols:
        table.setdefault(s.name, s)
    for b in d.result.atoms(sp.Indexed):
        table[b.base.name] = b.base
    for s in d.result.atoms(sp.Sum):
        for v, *_ in s.limits:
            table.setdefault(v.name, v)
    return table


def test_json_round_trip_is_exact(d):
    """The JSON result parses back (safe parser, no eval) to the same expression: the
    same tree, or (where sympy re-distributes a sign on parsing) a difference that
    expands to exactly zero."""
    data = json.loads(json.dumps(d.as_dict()))
    assert {"name", "title", "symbols", "result", "steps", "reference"} <= set(data)
    back = parse_expression(data["result"]["expr"], _symbols_for(d))
    assert back == d.result or sp.expand(back - d.result) == 0, (back, d.result)


@pytest.mark.parametrize("fmt", ["text", "latex", "json"])
def test_cli_derives_every_derivation(capsys, fmt):
    for name in NAMES:
        code = main(["derive", name, "--format", fmt])
        out, err = capsys.readouterr()
        assert code == 0 and err == "", (name, err)
        assert out.strip()
        if fmt == "json":
            assert json.loads(out)["name"] == name


def test_registry_misuse_is_a_clear_error():
    """A user's own derivation registered twice, or naming itself twice: a DerivationError."""
    def build():  # pragma: no cover - never called
        raise AssertionError

    build.__module__ = "someone_elses_module"
    with pytest.raises(DerivationError, match="registered twice"):
        registry.register("fabry-perot", "again")(build)
    with pytest.raises(DerivationError, match="unknown hook"):
        registry.has_hook("fabry-perot", "plot")

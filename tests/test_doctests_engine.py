"""The runnable examples in the docstrings of every lbsym module.

Every module whose source holds a docstring example (``>>>``) is found and
its examples run, so a new example cannot be left out of the suite.  The
lattice solver's modules run in tests/test_lattice_doctests.py; this file
checks that that list covers every lattice module with examples.
"""

import ast
import doctest
import importlib
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "lbsym"
LATTICE_TESTS = Path(__file__).resolve().parent / "test_lattice_doctests.py"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


WITH_EXAMPLES = sorted(_module_name(p) for p in PKG.rglob("*.py") if ">>>" in p.read_text(encoding="utf-8"))
MODULES = [m for m in WITH_EXAMPLES if not m.startswith("lbsym.lattice")]


def test_examples_are_found():
    for m in ["lbsym.algebra", "lbsym.network", "lbsym.smatrix", "lbsym.transport", "lbsym.scatterers",
              "lbsym.multiterminal", "lbsym.numeric", "lbsym.parsing"]:
        assert m in MODULES


def test_lattice_examples_are_run_elsewhere():
    tree = ast.parse(LATTICE_TESTS.read_text(encoding="utf-8"))
    listed = next(ast.literal_eval(n.value) for n in tree.body
                  if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "MODULES")
    assert sorted(m for m in WITH_EXAMPLES if m.startswith("lbsym.lattice")) == sorted(listed)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

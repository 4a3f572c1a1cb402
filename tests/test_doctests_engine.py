"""The runnable examples in the docstrings of the composition engine."""

import doctest
import importlib

import pytest

MODULES = ["lbsym.algebra", "lbsym.network", "lbsym.smatrix", "lbsym.transport", "lbsym.scatterers"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

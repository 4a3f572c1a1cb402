"""The runnable examples in lbsym.lattice docstrings."""

import doctest
import importlib

import pytest

MODULES = ["lbsym.lattice", "lbsym.lattice.system", "lbsym.lattice.shapes", "lbsym.lattice.sweep"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

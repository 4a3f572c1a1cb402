"""User values read as sympy expressions, with a ParseError (not sympy's SympifyError).

sympy's ``sympify`` raises ``SympifyError`` (a ValueError) on a string it
cannot read; the library's entry points report it as
:class:`~lbsym.errors.ParseError`, an :class:`~lbsym.errors.LbsymError`.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .errors import ParseError


def sympify(value: Any, what: str) -> Any:
    """``sympy.sympify(value)``; a ParseError naming ``what`` if it cannot be read."""
    try:
        return sp.sympify(value)
    except sp.SympifyError as exc:
        raise ParseError(f"{what}: expected a number or a sympy expression, got {value!r}") from exc

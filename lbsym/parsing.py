"""Safe parser for user-typed expressions (plain text or a LaTeX subset).

Students type answers such as ``T1*T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos(theta))``
or, with ``latex=True``,
``\\frac{T_1 T_2}{1 + R_1 R_2 - 2\\sqrt{R_1 R_2}\\cos\\theta}``;
:func:`parse_expression` turns them into sympy expressions in the
derivation's own symbols.

The text never reaches ``eval``, ``exec``, ``compile``, ``sympify``,
``parse_expr`` or :mod:`ast`: a hand-written tokenizer and recursive-descent
parser build sympy objects directly, from a whitelist of names.

Grammar (plain mode)
--------------------
::

    expr    := term (('+' | '-') term)*
    term    := factor (('*' | '/') factor | implicit)*
    implicit:= power                      # juxtaposition: 2x, 2(a+b), R1 R2
    factor  := ('+' | '-')* power         # -x^2 = -(x^2)
    power   := atom (('^' | '**') ('+' | '-')* atom)*   # right associative
    atom    := number | symbol | constant
             | '(' expr ')' | '[' expr ']'
             | function ['^' posint] '(' expr (',' expr)* ')'
             | function ['^' posint] juxtaposed      # cos theta, cos 2theta
             | '√' (group | juxtaposed)

* numbers: ``12``, ``0.5`` (exact: ``1/2``), ``1e-3``, ``2.5E+4``; a decimal
  point needs digits on both sides.
* implicit multiplication: between adjacent operands, except that a number
  may not follow another operand (``x 2`` is refused) and that ``a/b c`` is
  refused as ambiguous (write ``(a/b)*c`` or ``a/(b*c)``).
* names are never split: an unknown ``T1T2`` is an error suggesting
  ``T1*T2``.  A name that is in ``symbols`` is that symbol even if it looks
  like a function or constant.  In plain mode ``T_1`` also finds a symbol
  named ``T1``.
* a single-argument function may take a juxtaposed argument: one power
  (``cos theta``, ``cos theta^2``), or a number times one power for
  functions other than ``√`` (``cos 2theta``); anything longer is refused
  as ambiguous.  ``cos^2 theta`` is ``cos(theta)**2``.
* ``[`` right after a name or a closing bracket (indexing) is refused.
* Unicode: ``·`` ``⋅`` ``×`` are ``*``, ``−`` (U+2212) is ``-``, ``√`` is
  sqrt, ``π`` is pi, superscripts ``² ³ ⁻¹ …`` are powers, Greek letters
  (``θ`` → ``theta``, ``Γ`` → ``Gamma``, ``µ``/``μ`` → ``mu`` …; not the
  ones that look like Latin letters) are their names, and no-break/thin
  spaces are spaces.  Any other non-ASCII character (Cyrillic or fullwidth
  look-alikes, zero-width characters) is refused, naming its code point.

LaTeX mode (``latex=True``) accepts, in addition: ``\\frac{a}{b}``,
``\\dfrac``, ``\\tfrac`` (also ``\\frac12``), ``\\sqrt{x}``,
``\\sqrt[n]{x}``, ``\\cos \\sin \\tan \\exp \\log \\ln \\cosh \\sinh \\tanh
\\coth`` (with ``(..)``, ``{..}`` or a juxtaposed argument), Greek commands
(``\\theta``, ``\\varphi`` → ``phi``, ``\\varepsilon`` → ``epsilon``,
``\\Gamma`` …, ``\\pi``), subscripts ``T_1``, ``T_{12}``, ``\\Gamma_L``
(resolved to the symbol named ``T1``, ``T_1`` or ``T_{1}``, whichever
exists), ``^{..}``, ``\\left``/``\\right``/``\\big``… (ignored),
``\\cdot``/``\\times`` (``*``), ``{ }`` grouping, spaces ``\\, \\; \\: \\!
~ \\quad``, ``\\mathrm{e}`` (e) and ``\\mathrm{i}`` (i).  As in LaTeX,
an unbraced superscript or subscript is one character (``x^{23}``, not
``x^23``).  Any other command is refused, by name.

Whitelist
---------
Functions: sqrt, exp, cos, sin, tan, cosh, sinh, tanh, coth, their inverses
asin, acos, atan, asinh, acosh, atanh, log (= ln), abs (= Abs), conjugate,
re, im, the Chebyshev polynomial ``U(n, x)`` (:class:`sympy.chebyshevu`), and
the special functions of thermoelectric closed forms ``polygamma(n, x)``,
``zeta(s)``, ``polylog(n, z)``; plus the caller's ``extra_functions``.
Constants: ``pi``, ``I``; ``i`` and ``j`` (imaginary unit), ``E`` and ``e``
(Euler's number) when no symbol has that name.

Limits
------
``MAX_LENGTH`` (2000) characters, checked before tokenizing;
``MAX_TOKENS`` (1000) tokens; ``MAX_DEPTH`` (100) levels of nesting of
brackets, function calls, fractions, roots and power towers (refused with a
``ParseError``, never a ``RecursionError``); ``MAX_DIGITS`` (50) digits in a
written number; ``MAX_POWER`` (1000) for the magnitude of a numeric exponent
(numerator and denominator) and of a scientific-notation exponent;
``MAX_TOTAL_DIGITS`` (200) digits, summed over every large exact number the
expression writes or produces (so that sympy never factors huge integers);
``MAX_CHEBYSHEV_DEGREE`` (100) for ``U(n, x)``; ``MAX_NODES`` (10000) for
the size of the result counted as a tree (sympy's automatic evaluation of
``re``, ``im`` or ``U`` can repeat its argument, so nesting them would
otherwise grow the expression exponentially); ``MAX_NUMERIC_NESTING`` (4)
for functions and roots nested inside each other with only numbers inside
(``sqrt(1 - sqrt(1 - sqrt(1 - sqrt(1 - sqrt(2)))))`` is refused, as sympy
takes exponential time to settle the signs of such numbers).  Results that are undefined
(``1/0``, ``0**-1``) are refused.

Every failure raises :class:`lbsym.errors.ParseError` with a one-line message
saying what was expected and what was found, with the column (1-based).
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, Sequence

import sympy

from .errors import ParseError

__all__ = [
    "parse_expression",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_TOKENS",
    "MAX_DIGITS",
    "MAX_POWER",
    "MAX_TOTAL_DIGITS",
    "MAX_CHEBYSHEV_DEGREE",
    "MAX_NODES",
    "MAX_NUMERIC_NESTING",
]

MAX_LENGTH = 2000
MAX_DEPTH = 100
MAX_TOKENS = 1000
MAX_DIGITS = 50
MAX_POWER = 1000
MAX_TOTAL_DIGITS = 200
MAX_CHEBYSHEV_DEGREE = 100
MAX_NODES = 10_000
MAX_NUMERIC_NESTING = 4

# Exact numbers below this are fully factored by sympy's trial division, so
# they cost nothing and are not charged against MAX_TOTAL_DIGITS.
_SMALL_NUMBER = 2**15

# --------------------------------------------------------------------------
# Character tables
# --------------------------------------------------------------------------

_GREEK_CHARS: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ϵ": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta",
    "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi",
    "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}

_GREEK_COMMANDS: dict[str, str] = {
    name: name for name in (
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
        "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma",
        "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta",
        "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
        "Omega",
    )
}
_GREEK_COMMANDS.update({
    "varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi",
    "varpi": "pi", "varrho": "rho", "varsigma": "sigma",
})

_UNICODE_OPERATORS = {"·": "*", "⋅": "*", "×": "*", "−": "-"}
_SPACES = " \t\r\n\u00a0\u2009\u202f"
_SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
    "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+",
}

_ASCII_HINTS = {
    ".": "attribute access is not allowed, and a decimal point needs digits "
         "on both sides (write 0.5, not .5 or 5.)",
    ";": "only one expression is allowed, not statements",
    "=": "enter only the expression, not an equation or assignment",
    "'": "strings are not allowed", '"': "strings are not allowed",
    "`": "backticks are not allowed",
    "@": "'@' is not an operator here; use '*'",
    "$": "enter the formula without $...$ delimiters",
    "!": "factorials and '!' are not supported",
    ":": "':' is not allowed", "#": "comments are not allowed",
    "%": "'%' is not an operator here", "&": "'&' is not allowed",
    "<": "comparisons are not allowed", ">": "comparisons are not allowed",
    "?": "'?' is not allowed",
}

_LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}
_LATEX_IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
    "Bigr", "biggl", "biggr", "Biggl", "Biggr", "displaystyle",
}
_LATEX_OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_LATEX_FUNCTIONS = {
    name: name for name in (
        "cos", "sin", "tan", "exp", "log", "ln", "cosh", "sinh", "tanh", "coth",
    )
}
_LATEX_FUNCTIONS.update({"Re": "re", "Im": "im"})
_LATEX_TEXT = {"mathrm", "mathit", "text", "operatorname", "textrm"}
_LATEX_FRACTIONS = {"frac", "dfrac", "tfrac"}


def _supported_latex() -> str:
    names = sorted(
        set(_LATEX_FUNCTIONS) | set(_GREEK_COMMANDS) | set(_LATEX_OPERATORS)
        | _LATEX_FRACTIONS | _LATEX_TEXT | {"sqrt", "left", "right"}
    )
    return ", ".join("\\" + n for n in names)


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------

_MATCHING = {"(": ")", "[": "]", "{": "}", "|": "|"}


@dataclass(frozen=True)
class _Token:
    """One lexical token.

    kind is one of: num, name, func, const, op, open, close, comma, frac,
    sqrt, end.  ``names`` holds the candidate symbol names of a name (the
    first is the primary spelling), ``cmd`` tells that it came from a LaTeX
    command, ``value`` holds the exact number or constant.
    """

    kind: str
    text: str
    col: int
    value: object = None
    names: tuple[str, ...] = ()
    cmd: bool = False
    script: tuple[str, str] | None = None  # (base, subscript) of T_n, for indexing
    end: int = 0  # offset just after the token in the text (set by the lexer)


def _quote(text: str, limit: int = 40) -> str:
    """At most ``limit`` characters of user text, for an error message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(tok: _Token) -> str:
    if tok.kind == "end":
        return "the end of the input"
    return f"'{_quote(tok.text)}' at column {tok.col}"


def _char_error(c: str, col: int, latex: bool) -> ParseError:
    """Error for a character that is not part of the grammar."""
    if c == "\\":
        hint = "backslash commands need LaTeX mode (latex=True)"
    elif c in "{}~" and not latex:
        hint = "braces and '~' are only allowed in LaTeX mode; use ( ) here"
    elif c in _ASCII_HINTS:
        hint = _ASCII_HINTS[c]
    elif ord(c) < 128:
        hint = "this character is not part of the expression syntax"
    else:
        name = unicodedata.name(c, "")
        if "FULLWIDTH" in name:
            hint = "fullwidth characters are refused; type the ASCII character"
        elif "CYRILLIC" in name or ("GREEK" in name and c not in _GREEK_CHARS):
            hint = "it looks like a Latin letter but is not; retype it in ASCII"
        elif "ZERO WIDTH" in name or unicodedata.category(c) in ("Cf", "Cc"):
            hint = "it is an invisible character; delete it"
        else:
            hint = ("only ASCII, Greek letters, · × − √ π and superscript "
                    "digits are accepted")
        label = f"U+{ord(c):04X} {name}".rstrip()
        return ParseError(f"character {c!r} ({label}) at column {col} is not "
                          f"allowed: {hint}")
    return ParseError(f"character {c!r} at column {col} is not allowed: {hint}")


class _Lexer:
    """Turn the text into tokens; refuse every character outside the grammar."""

    def __init__(self, text: str, latex: bool, indexable: frozenset = frozenset()) -> None:
        self.text = text
        self.latex = latex
        self.indexable = indexable  # names that may be indexed, T[n]
        self.i = 0
        self.tokens: list[_Token] = []
        self.sized = False  # the previous command was \left, \big, ...
        self.bars = 0  # absolute-value bars |...| currently open
        self.pending: list[_Token] | None = None  # U_{N-1}: degree waiting for "("

    # -- helpers ---------------------------------------------------------
    def _peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    def _emit(self, tok: _Token) -> None:
        if len(self.tokens) >= MAX_TOKENS:
            raise ParseError(f"expression too long: more than MAX_TOKENS="
                             f"{MAX_TOKENS} tokens (at column {tok.col})")
        if self.pending is not None:
            pending, self.pending = self.pending, None
            if tok.kind != "open" or tok.text == "[":
                raise ParseError(f"U_{{n}} at column {pending[0].col} needs its argument "
                                 f"in parentheses, as in U_{{N-1}}(\\xi)")
            self.tokens.append(dataclasses.replace(tok, end=self.i))
            for p in pending:
                self.tokens.append(p)
            self.tokens.append(_Token("comma", ",", tok.col, end=self.i))
            return
        self.tokens.append(dataclasses.replace(tok, end=self.i))

    def _skip_spaces(self) -> None:
        while self._peek() and self._peek() in _SPACES:
            self.i += 1

    def run(self) -> list[_Token]:
        while self.i < len(self.text):
            self._step()
        self._emit(_Token("end", "", len(self.text) + 1))
        return self.tokens

    # -- one token -------------------------------------------------------
    def _step(self) -> None:
        c = self._peek()
        col = self.i + 1
        sized, self.sized = self.sized, False
        if c in _SPACES:
            self.i += 1
        elif c == "|":
            self._bar(col)
        elif "0" <= c <= "9":
            self._number()
        elif _is_ascii_letter(c) or c in _GREEK_CHARS or (c == "_" and not self.latex):
            self._identifier()
        elif c == "*" and self._peek(1) == "*":
            self.i += 2
            self._emit(_Token("op", "^", col))
        elif c in "+-*/^":
            self.i += 1
            self._emit(_Token("op", c, col))
            if c == "^" and self.latex:
                self._check_latex_script("^")
        elif c in _UNICODE_OPERATORS:
            self.i += 1
            self._emit(_Token("op", _UNICODE_OPERATORS[c], col))
        elif c in _SUPERSCRIPTS:
            self._superscript()
        elif c in "([" or (c == "{" and self.latex):
            self._open(c, col, sized)
        elif c in ")]" or (c == "}" and self.latex):
            self.i += 1
            self._emit(_Token("close", c, col))
        elif c == ",":
            self.i += 1
            self._emit(_Token("comma", c, col))
        elif c == "√":
            self.i += 1
            self._emit(_Token("sqrt", c, col))
        elif c == "\\" and self.latex:
            self._command()
        elif c == "~" and self.latex:
            self.i += 1
        elif c == "_" and self.latex and self._braced_name():
            base = self.tokens.pop()
            self._latex_name(base.names[0], base.text, base.col, cmd=base.cmd, at_script=True)
        elif c == "_" and self.latex:
            raise ParseError(f"subscript '_' at column {col} must follow a "
                             f"letter, as in T_1")
        else:
            raise _char_error(c, col, self.latex)

    def _bar(self, col: int, force: str | None = None) -> None:
        """An absolute-value bar: opening, or closing after an operand."""
        if self.i < len(self.text) and self.text[self.i] == "|":
            self.i += 1
        prev = self.tokens[-1] if self.tokens else None
        closing = force == "close" or (
            force is None and self.bars > 0 and prev is not None
            and prev.kind in ("num", "name", "const", "close"))
        if closing:
            if self.bars == 0:
                raise ParseError(f"'|' at column {col} closes no opening '|'")
            self.bars -= 1
            self._emit(_Token("close", "|", col))
        else:
            self.bars += 1
            self._emit(_Token("open", "|", col))

    def _open(self, c: str, col: int, sized: bool = False) -> None:
        prev = self.tokens[-1] if self.tokens else None
        indexing = (prev is not None and prev.kind == "name"
                    and prev.names and prev.names[0] in self.indexable)
        if (c == "[" and not sized and prev is not None and not indexing
                and prev.kind in ("name", "close", "const")):
            raise ParseError(f"'[' at column {col} after {_describe(prev)} looks "
                             f"like indexing, which is not allowed; write '*' "
                             f"to multiply")
        self.i += 1
        self._emit(_Token("open", c, col))

    def _number(self) -> None:
        col = self.i + 1
        start = self.i
        text = self.text
        n = len(text)
        j = start
        while j < n and "0" <= text[j] <= "9":
            j += 1
        int_part = text[start:j]
        frac = ""
        if j + 1 < n and text[j] == "." and "0" <= text[j + 1] <= "9":
            k = j + 1
            while k < n and "0" <= text[k] <= "9":
                k += 1
            frac = text[j + 1:k]
            j = k
        exponent = 0
        if j < n and text[j] in "eE":
            k = j + 1
            if k < n and text[k] in "+-":
                k += 1
            if k < n and "0" <= text[k] <= "9":
                m = k
                while m < n and "0" <= text[m] <= "9":
                    m += 1
                exp_text = text[j + 1:m]
                if m - k > 6 or abs(int(exp_text)) > MAX_POWER:
                    raise ParseError(f"exponent of the number at column {col} is "
                                     f"too large: |{exp_text}| > MAX_POWER={MAX_POWER}")
                exponent = int(exp_text)
                j = m
        written = text[start:j]
        if len(int_part) + len(frac) > MAX_DIGITS:
            raise ParseError(f"number at column {col} has more than MAX_DIGITS="
                             f"{MAX_DIGITS} digits")
        numerator = int(int_part + frac)
        denominator = 10 ** len(frac)
        if exponent >= 0:
            numerator *= 10**exponent
        else:
            denominator *= 10 ** (-exponent)
        self.i = j
        self._emit(_Token("num", written, col, value=sympy.Rational(numerator, denominator)))

    def _identifier(self) -> None:
        col = self.i + 1
        parts: list[str] = []
        raw_start = self.i
        while self.i < len(self.text):
            c = self._peek()
            if c in _GREEK_CHARS:
                parts.append(_GREEK_CHARS[c])
            elif _is_ascii_letter(c) or "0" <= c <= "9" or (c == "_" and not self.latex):
                parts.append(c)
            else:
                break
            self.i += 1
        name = "".join(parts)
        raw = self.text[raw_start:self.i]
        if self.latex:
            self._latex_name(name, raw, col, cmd=False)
            return
        if name.startswith("_") or "__" in name:
            raise ParseError(f"name {raw!r} at column {col} is not allowed: names "
                             f"may not start with '_' or contain '__'")
        names = [name]
        script = None
        if "_" in name:
            base, _, sub = name.partition("_")
            names += [name.replace("_", ""), f"{base}_{{{sub}}}"]
            script = (base, sub)
        if name == "ħ":  # pragma: no cover - not a letter here; kept for clarity
            names = ["hbar"]
        self._emit(_Token("name", raw, col, names=tuple(dict.fromkeys(names)), script=script))

    def _superscript(self) -> None:
        col = self.i + 1
        self._emit(_Token("op", "^", col))
        while self._peek() and self._peek() in "⁻⁺":
            self._emit(_Token("op", _SUPERSCRIPTS[self._peek()], self.i + 1))
            self.i += 1
        digits = ""
        start = self.i + 1
        while self._peek() and self._peek() in _SUPERSCRIPTS and self._peek() not in "⁻⁺":
            digits += _SUPERSCRIPTS[self._peek()]
            self.i += 1
        if not digits:
            raise ParseError(f"superscript sign at column {col} must be followed "
                             f"by superscript digits")
        if len(digits) > MAX_DIGITS:
            raise ParseError(f"superscript at column {col} has more than "
                             f"MAX_DIGITS={MAX_DIGITS} digits")
        self._emit(_Token("num", digits, start, value=sympy.Integer(int(digits))))

    # -- LaTeX -----------------------------------------------------------
    def _check_latex_script(self, mark: str) -> None:
        """An unbraced LaTeX superscript is a single character."""
        j = self.i
        while j < len(self.text) and self.text[j] == " ":
            j += 1
        nxt = self.text[j:j + 1]
        after = self.text[j + 1:j + 2]
        clash = ("0" <= nxt <= "9" and (("0" <= after <= "9") or after == ".")) or (
            _is_ascii_letter(nxt) and (after.isascii() and (after.isalnum() or after == "_")))
        if clash:
            raise ParseError(f"in LaTeX an unbraced '{mark}' takes one character: "
                             f"write {mark}{{{nxt}{after}}} with braces (column {j + 1})")

    def _command(self) -> None:
        col = self.i + 1
        self.i += 1
        if _is_ascii_letter(self._peek()):
            start = self.i
            while _is_ascii_letter(self._peek()):
                self.i += 1
            word = self.text[start:self.i]
        elif self._peek():
            word = self._peek()
            self.i += 1
        else:
            raise ParseError(f"lone backslash at column {col} at the end of the input")
        self._dispatch_command(word, col)

    def _dispatch_command(self, word: str, col: int) -> None:
        text = "\\" + word
        if word in _LATEX_SPACES:
            return
        if word in _LATEX_IGNORED:
            self._skip_spaces()
            if self._peek() == ".":
                self.i += 1
            else:
                self.sized = True
            return
        if word in ("{", "}"):
            self._emit(_Token("open" if word == "{" else "close", "{" if word == "{" else "}", col))
        elif word in ("vert", "lvert", "rvert", "mid", "|"):
            self._bar(col, {"lvert": "open", "rvert": "close"}.get(word))
        elif word == "hbar":
            self._emit(_Token("name", text, col, names=("hbar",), cmd=True))
        elif word == "sum":
            self._sum(col)
        elif word in _LATEX_OPERATORS:
            self._emit(_Token("op", _LATEX_OPERATORS[word], col))
        elif word in _LATEX_FRACTIONS:
            self._emit(_Token("frac", text, col))
        elif word == "sqrt":
            self._emit(_Token("sqrt", text, col))
        elif word in _LATEX_FUNCTIONS:
            self._emit(_Token("func", text, col, names=(_LATEX_FUNCTIONS[word],), cmd=True))
        elif word in _GREEK_COMMANDS:
            self._latex_name(_GREEK_COMMANDS[word], text, col, cmd=True)
        elif word in _LATEX_TEXT:
            self._latex_text(text, col)
        else:
            raise ParseError(f"unknown LaTeX command '{text}' at column {col}; "
                             f"supported: {_supported_latex()}")

    def _script_text(self, mark: str, col: int) -> str:
        """The raw text of ``_{...}``/``^{...}`` or a one-character script."""
        self._skip_spaces()
        if self._peek() != mark:
            raise ParseError(f"\\sum at column {col} needs limits, as in "
                             f"\\sum_{{n=1}}^{{N}}")
        self.i += 1
        self._skip_spaces()
        if self._peek() == "{":
            return self._braced_text()
        c = self._peek()
        if not c:
            raise ParseError(f"\\sum at column {col}: missing limit after '{mark}'")
        self.i += 1
        return c

    def _sum(self, col: int) -> None:
        """``\\sum_{n=1}^{N}``: a sum token, then {n} {lower} {upper} as groups."""
        lower = self._script_text("_", col)
        upper = self._script_text("^", col)
        index, eq, start = lower.partition("=")
        index = index.strip()
        if not eq or not index.isascii() or not index.isalpha() or len(index) > 8:
            raise ParseError(f"\\sum at column {col} needs its index and lower limit, as in "
                             f"\\sum_{{n=1}}^{{N}}")
        self._emit(_Token("sum", "\\sum", col, names=(index,)))
        for part in (start, upper):
            sub = _Lexer(part, True, self.indexable).run()[:-1]
            self._emit(_Token("open", "{", col))
            for tok in sub:
                self._emit(dataclasses.replace(tok, col=col))
            self._emit(_Token("close", "}", col))

    def _braced_word(self, what: str, col: int) -> str:
        """Read ``{letters digits}`` right here (spaces ignored)."""
        self._skip_spaces()
        if self._peek() != "{":
            raise ParseError(f"{what} at column {col} expects {{...}}")
        end = self.text.find("}", self.i)
        if end < 0:
            raise ParseError(f"'{{' at column {self.i + 1} is never closed")
        content = self.text[self.i + 1:end].replace(" ", "")
        if not content or not all(_is_ascii_letter(c) or "0" <= c <= "9" for c in content):
            raise ParseError(f"{what} at column {col} may hold only letters and "
                             f"digits, got {{{content}}}")
        self.i = end + 1
        return content

    def _latex_text(self, text: str, col: int) -> None:
        content = self._braced_word(text, col)
        if content == "e":
            self._emit(_Token("const", f"{text}{{e}}", col, value=sympy.E))
        elif content == "i":
            self._emit(_Token("const", f"{text}{{i}}", col, value=sympy.I))
        else:
            self._latex_name(content, f"{text}{{{content}}}", col, cmd=True)

    def _braced_name(self) -> bool:
        """``{T}`` just lexed (as LaTeX prints an indexed base, ``{T}_{n}``)."""
        t = self.tokens
        if (len(t) >= 3 and t[-3].kind == "open" and t[-3].text == "{"
                and t[-2].kind == "name" and t[-2].script is None
                and t[-1].kind == "close" and t[-1].text == "}"):
            name = t[-2]
            del t[-3:]
            t.append(name)
            return True
        return False

    def _latex_name(self, base: str, raw: str, col: int, cmd: bool,
                    at_script: bool = False) -> None:
        """Emit a name, folding in a following LaTeX subscript."""
        save = self.i
        self._skip_spaces()
        if self._peek() != "_":
            self.i = save
            self._emit(_Token("name", raw, col, names=(base,), cmd=cmd))
            return
        self.i += 1
        if base == "U" and not cmd and self._chebyshev_degree(col):
            return
        sub = self._subscript(col)
        names = (base + sub, f"{base}_{sub}", f"{base}_{{{sub}}}")
        self._emit(_Token("name", f"{raw}_{sub}", col, names=names, cmd=cmd,
                          script=(base, sub)))

    def _chebyshev_degree(self, col: int) -> bool:
        """``U_{N-1}(x)``, as lbsym prints it: U(N-1, x).  False if not that form."""
        save = self.i
        self._skip_spaces()
        if self._peek() != "{":
            self.i = save
            return False
        inner = self._braced_text()
        if all(c.isascii() and c.isalnum() or c == " " for c in inner):
            self.i = save
            return False
        self._emit(_Token("name", "U", col, names=("U",)))
        degree = _Lexer(inner, True, self.indexable).run()[:-1]
        self.pending = [dataclasses.replace(tok, col=col) for tok in degree]
        return True


    def _subscript(self, col: int) -> str:
        self._skip_spaces()
        c = self._peek()
        if c == "{":
            return self._braced_subscript(col)
        if c == "\\":
            self.i += 1
            start = self.i
            while _is_ascii_letter(self._peek()):
                self.i += 1
            word = self.text[start:self.i]
            if word in _GREEK_COMMANDS:
                return _GREEK_COMMANDS[word]
            if word in _LATEX_TEXT:
                return self._braced_word("\\" + word, col)
            raise ParseError(f"unsupported subscript '\\{word}' at column {start}")
        if c and c.isascii() and c.isalnum():
            self.i += 1
            if c.isdigit() and "0" <= self._peek() <= "9":
                raise ParseError(f"in LaTeX an unbraced subscript takes one "
                                 f"character: write _{{{c}{self._peek()}}} with "
                                 f"braces (column {self.i})")
            return c
        if c in _GREEK_CHARS:
            self.i += 1
            return _GREEK_CHARS[c]
        raise ParseError(f"subscript at column {col} must be a letter, a digit "
                         f"or {{...}}, got {c!r}" if c else
                         f"subscript at column {col} is missing")

    def _closing_brace(self) -> int:
        """Index of the ``}`` matching the ``{`` at the current position."""
        end, level = self.i, 0
        while end < len(self.text):
            level += {"{": 1, "}": -1}.get(self.text[end], 0)
            if level == 0:
                return end
            end += 1
        raise ParseError(f"'{{' at column {self.i + 1} is never closed")

    def _braced_text(self) -> str:
        """The text inside ``{...}`` at the current position (consumed)."""
        end = self._closing_brace()
        inner = self.text[self.i + 1:end]
        self.i = end + 1
        return inner

    def _braced_subscript(self, col: int) -> str:
        end = self._closing_brace()
        inner = self.text[self.i + 1:end]
        out: list[str] = []
        k = 0
        while k < len(inner):
            c = inner[k]
            if c == " ":
                k += 1
            elif c.isascii() and c.isalnum():
                out.append(c)
                k += 1
            elif c in _GREEK_CHARS:
                out.append(_GREEK_CHARS[c])
                k += 1
            elif c == "\\":
                m = k + 1
                while m < len(inner) and _is_ascii_letter(inner[m]):
                    m += 1
                word = inner[k + 1:m]
                if word in _GREEK_COMMANDS:
                    out.append(_GREEK_COMMANDS[word])
                elif word not in ("rm", "mathrm", "text", "mathit", "textrm"):
                    raise ParseError(f"unsupported command '\\{word}' in the "
                                     f"subscript at column {col}")
                k = m
            elif c == "{" or c == "}":
                k += 1  # \mathrm{L} inside a subscript
            else:
                raise ParseError(f"subscript at column {col} may hold only "
                                 f"letters and digits, got {c!r}")
        if not out:
            raise ParseError(f"empty subscript at column {col}")
        self.i = end + 1
        return "".join(out)


def _is_ascii_letter(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _check_brackets(tokens: Sequence[_Token]) -> None:
    """Refuse unbalanced or too deeply nested brackets before parsing."""
    stack: list[_Token] = []
    for tok in tokens:
        if tok.kind == "open":
            stack.append(tok)
            if len(stack) > MAX_DEPTH:
                raise ParseError(f"nesting too deep: more than MAX_DEPTH={MAX_DEPTH} "
                                 f"levels of brackets (at column {tok.col})")
        elif tok.kind == "close":
            if not stack:
                raise ParseError(f"unmatched '{tok.text}' at column {tok.col}")
            opener = stack.pop()
            if _MATCHING[opener.text] != tok.text:
                raise ParseError(f"'{tok.text}' at column {tok.col} does not match "
                                 f"'{opener.text}' at column {opener.col}")
    if stack:
        opener = stack[-1]
        raise ParseError(f"'{opener.text}' at column {opener.col} is never closed: "
                         f"expected '{_MATCHING[opener.text]}' before the end")


# --------------------------------------------------------------------------
# Functions and constants
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Function:
    """A whitelisted function: how to build it and how many arguments it takes."""

    build: Callable[..., object]
    min_args: int
    max_args: int | None  # None: any number

    def takes(self, n: int) -> bool:
        return n >= self.min_args and (self.max_args is None or n <= self.max_args)


def _chebyshev_u(n: sympy.Expr, x: sympy.Expr) -> sympy.Expr:
    if n.is_number:
        if not n.is_Integer:
            raise ParseError(f"the degree n of U(n, x) must be an integer, got {n}")
        if abs(int(n)) > MAX_CHEBYSHEV_DEGREE:
            raise ParseError(f"the degree of U(n, x) is too large: |{n}| > "
                             f"MAX_CHEBYSHEV_DEGREE={MAX_CHEBYSHEV_DEGREE}")
    return sympy.chebyshevu(n, x)


_BUILTIN_FUNCTIONS: dict[str, _Function] = {
    "sqrt": _Function(sympy.sqrt, 1, 1),
    "exp": _Function(sympy.exp, 1, 1),
    "cos": _Function(sympy.cos, 1, 1),
    "sin": _Function(sympy.sin, 1, 1),
    "tan": _Function(sympy.tan, 1, 1),
    "cosh": _Function(sympy.cosh, 1, 1),
    "sinh": _Function(sympy.sinh, 1, 1),
    "tanh": _Function(sympy.tanh, 1, 1),
    "coth": _Function(sympy.coth, 1, 1),
    "log": _Function(sympy.log, 1, 1),
    "ln": _Function(sympy.log, 1, 1),
    "abs": _Function(sympy.Abs, 1, 1),
    "Abs": _Function(sympy.Abs, 1, 1),
    "conjugate": _Function(sympy.conjugate, 1, 1),
    "re": _Function(sympy.re, 1, 1),
    "im": _Function(sympy.im, 1, 1),
    "U": _Function(_chebyshev_u, 2, 2),
    "chebyshevu": _Function(_chebyshev_u, 2, 2),  # sympy's spelling, as printed by lbsym
    "asin": _Function(sympy.asin, 1, 1),
    "acos": _Function(sympy.acos, 1, 1),
    "atan": _Function(sympy.atan, 1, 1),
    "asinh": _Function(sympy.asinh, 1, 1),
    "acosh": _Function(sympy.acosh, 1, 1),
    "atanh": _Function(sympy.atanh, 1, 1),
    # the special functions of thermoelectric closed forms (lbsym.thermo prints them)
    "polygamma": _Function(lambda n, x: _integer_order("polygamma", n, sympy.polygamma, x), 2, 2),
    "zeta": _Function(sympy.zeta, 1, 1),
    "polylog": _Function(lambda n, x: _integer_order("polylog", n, sympy.polylog, x), 2, 2),
}


def _integer_order(name: str, n: sympy.Expr, fn: Callable[..., sympy.Expr], x: sympy.Expr) -> sympy.Expr:
    """polygamma(n, x), polylog(n, x): a numeric order must be a small integer."""
    if n.is_number:
        if not n.is_Integer or not 0 <= int(n) <= MAX_CHEBYSHEV_DEGREE:
            raise ParseError(f"the order n of {name}(n, x) must be an integer in 0..{MAX_CHEBYSHEV_DEGREE}, "
                             f"got {n}")
    return fn(n, x)

_CONSTANTS: dict[str, sympy.Expr] = {
    "pi": sympy.pi, "I": sympy.I, "i": sympy.I, "j": sympy.I,
    "E": sympy.E, "e": sympy.E,
}


def _arity(func: Callable[..., object]) -> tuple[int, int | None]:
    """Positional argument bounds of a caller-supplied function."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return 0, None
    lo, hi = 0, 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return lo, None
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            hi += 1
            if p.default is p.empty:
                lo += 1
    return lo, hi


def _valid_name(name: object) -> bool:
    return (isinstance(name, str) and name.isascii() and name.isidentifier()
            and not name.startswith("_"))


# --------------------------------------------------------------------------
# Environment: what names mean
# --------------------------------------------------------------------------


class _Env:
    """The allowed names: symbols first, then functions, then constants."""

    def __init__(self, symbols: Mapping[str, sympy.Symbol],
                 extra: Mapping[str, Callable[..., object]] | None) -> None:
        for key, value in symbols.items():
            if not isinstance(key, str) or not isinstance(value, sympy.Basic):
                raise TypeError("symbols must map names (str) to sympy objects, "
                                f"got {key!r}: {type(value).__name__}")
        self.symbols = dict(symbols)
        self.functions = dict(_BUILTIN_FUNCTIONS)
        for name, func in (extra or {}).items():
            if not _valid_name(name) or not callable(func):
                raise TypeError(f"extra_functions must map identifiers to "
                                f"callables, got {name!r}")
            self.functions[name] = _Function(func, *_arity(func))
        self.constants = {k: v for k, v in _CONSTANTS.items() if k not in self.symbols}
        h = self.symbols.get("h")
        if isinstance(h, sympy.Symbol) and "hbar" not in self.symbols:
            self.constants["hbar"] = h / (2 * sympy.pi)  # h = 2 pi hbar
        self.indexable = frozenset(k for k, v in self.symbols.items()
                                   if isinstance(v, sympy.IndexedBase))

    def symbol(self, tok: _Token) -> sympy.Expr | None:
        for name in tok.names:
            if name in self.symbols:
                return self.symbols[name]
        return None

    def function(self, tok: _Token) -> _Function | None:
        name = tok.names[0] if tok.names else tok.text
        if tok.kind == "func":
            return self.functions[name]
        if tok.kind == "name" and self.symbol(tok) is None:
            return self.functions.get(name)
        return None

    def constant(self, tok: _Token) -> sympy.Expr | None:
        if tok.kind == "const":
            return tok.value  # type: ignore[return-value]
        return self.constants.get(tok.names[0]) if tok.names else None

    def allowed(self) -> str:
        syms = ", ".join(sorted(self.symbols)) or "(none)"
        funcs = ", ".join(sorted(self.functions, key=str.lower))
        consts = ", ".join(self.constants)
        return f"allowed symbols: {syms}; functions: {funcs}; constants: {consts}"

    def unknown(self, tok: _Token) -> ParseError:
        name = tok.names[0]
        hint = self._hint(name) if len(name) <= 60 else ""
        syms = ", ".join(sorted(self.symbols)) or "(none)"
        return ParseError(f"unknown name '{_quote(tok.text)}' at column {tok.col}{hint}; "
                          f"allowed symbols: {syms}")

    def _hint(self, name: str) -> str:
        split = _split_name(name, list(self.symbols) + list(self.constants),
                            list(self.functions))
        if split:
            return (f" (names are not split into letters: did you mean "
                    f"'{split}'?)")
        lowered = {k.lower(): k for k in self.symbols}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
        if close:
            return f" (did you mean '{lowered[close[0]]}'?)"
        return ""


def _split_name(name: str, values: list[str], functions: list[str]) -> str | None:
    """Write ``name`` as a product of known names (``T1T2`` → ``T1*T2``)."""
    if len(name) > 60:
        return None
    known = sorted(set(values) | set(functions), key=len, reverse=True)
    best: dict[int, list[str] | None] = {len(name): []}
    for start in range(len(name) - 1, -1, -1):
        choice: list[str] | None = None
        for k in known:
            if k and name.startswith(k, start) and best.get(start + len(k)) is not None:
                cand = [k] + best[start + len(k)]  # type: ignore[operator]
                if choice is None or len(cand) < len(choice):
                    choice = cand
        best[start] = choice
    parts = best[0]
    if not parts or len(parts) < 2:
        return None
    out = ""
    for idx, part in enumerate(parts):
        if part in functions and part not in values:
            rest = "*".join(parts[idx + 1:])
            return out + f"{part}({rest})" if rest else None
        out += part + ("*" if idx < len(parts) - 1 else "")
    return out


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------


def _digits(n: int) -> int:
    """Approximate number of decimal digits of a non-negative integer."""
    return int(n.bit_length() * 0.30103) + 1


def _number_size(value: sympy.Rational) -> int:
    """Digits charged for an exact number (0 when it is small)."""
    p, q = abs(int(value.p)), int(value.q)
    if p < _SMALL_NUMBER and q < _SMALL_NUMBER:
        return 0
    return _digits(p) + _digits(q)


_UNDEFINED = (sympy.S.NaN, sympy.S.ComplexInfinity, sympy.S.Infinity,
              sympy.S.NegativeInfinity)


class _Measure:
    """Sizes and numeric nesting of built expressions, memoized per node.

    ``size`` counts a shared subexpression each time it occurs (the tree
    size), but costs only one visit per distinct node, so an exponentially
    large tree stored as a small DAG is measured cheaply.  ``level`` is the
    nesting of functions and non-integer powers, ``symbolic`` whether a
    symbol occurs.
    """

    def __init__(self) -> None:
        self.sizes: dict[sympy.Basic, int] = {}
        self.levels: dict[sympy.Basic, int] = {}
        self.symbolic: dict[sympy.Basic, bool] = {}

    def __call__(self, expr: sympy.Basic) -> int:
        """Measure ``expr`` (and its subexpressions); return its tree size."""
        sizes = self.sizes
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if node in sizes:
                continue
            if ready or not node.args:
                self._record(node)
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in sizes)
        return sizes[expr]

    def _record(self, node: sympy.Basic) -> None:
        args = node.args
        self.sizes[node] = 1 + sum(self.sizes[a] for a in args)
        self.symbolic[node] = (isinstance(node, sympy.Symbol)
                               or any(self.symbolic[a] for a in args))
        level = max((self.levels[a] for a in args), default=0)
        if isinstance(node, sympy.Function) or (
                isinstance(node, sympy.Pow) and not args[1].is_Integer):
            level += 1
        self.levels[node] = level

    def numeric_level(self, args: Sequence[sympy.Basic]) -> int | None:
        """Nesting level of the numeric ``args`` (None if any is symbolic)."""
        for a in args:
            self(a)
        if any(self.symbolic[a] for a in args):
            return None
        return max(self.levels[a] for a in args)

    def undefined(self, expr: sympy.Basic) -> bool:
        """Whether ``expr`` (already measured) contains zoo, nan or oo."""
        return any(node in _UNDEFINED for node in self.sizes) and expr.has(*_UNDEFINED)


class _Parser:
    """Recursive-descent parser building sympy objects from tokens."""

    def __init__(self, tokens: list[_Token], env: _Env, latex: bool) -> None:
        self.tokens = tokens
        self.pos = 0
        self.env = env
        self.latex = latex
        self.depth = 0
        self.budget = MAX_TOTAL_DIGITS
        self.size = _Measure()
        self.bound: dict[str, sympy.Symbol] = {}  # summation indices in scope

    # -- token access ----------------------------------------------------
    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        tok = self.tokens[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    def at_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text in ops

    def expect_close(self, opener: _Token) -> None:
        tok = self.advance()
        want = _MATCHING[opener.text]
        if tok.kind == "close" and tok.text == want:
            return
        if tok.kind == "comma":
            raise ParseError(f"',' at column {tok.col} is only allowed between "
                             f"the arguments of a function call")
        raise ParseError(f"expected '{want}' (closing '{opener.text}' at column "
                         f"{opener.col}) or an operator, got {_describe(tok)}")

    def descend(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"nesting too deep: more than MAX_DEPTH={MAX_DEPTH} "
                             f"levels (at column {tok.col})")

    def numeric_guard(self, args: Sequence[sympy.Expr], what: str, col: int) -> None:
        """Refuse deeply nested functions of pure numbers before sympy sees them.

        sympy decides the sign of a numeric argument by numerical evaluation,
        which becomes exponentially slow for nested ``sqrt(1 - sqrt(1 - ...))``
        or ``log(cos(log(...)))``; symbolic arguments do not have that cost.
        """
        level = self.size.numeric_level(args)
        if level is not None and level + 1 > MAX_NUMERIC_NESTING:
            raise ParseError(f"{what} at column {col} nests functions or roots of "
                             f"pure numbers more than MAX_NUMERIC_NESTING="
                             f"{MAX_NUMERIC_NESTING} levels deep")

    # -- numbers ---------------------------------------------------------
    def charge(self, size: int, col: int) -> None:
        self.budget -= size
        if self.budget < 0:
            raise ParseError(f"numbers too large: more than MAX_TOTAL_DIGITS="
                             f"{MAX_TOTAL_DIGITS} digits in total (at column {col})")

    def checked(self, result: sympy.Expr, operands: Sequence[sympy.Expr],
                col: int) -> sympy.Expr:
        """Charge the large exact numbers that ``result`` newly created."""
        seen = set(operands)
        for part in (result, *result.args):
            if isinstance(part, sympy.Rational) and part not in seen:
                self.charge(_number_size(part), col)
        if self.size(result) > MAX_NODES:
            raise ParseError(f"expression too large: more than MAX_NODES={MAX_NODES} "
                             f"nodes once evaluated (at column {col})")
        return result

    def power(self, base: sympy.Expr, exp: sympy.Expr, col: int) -> sympy.Expr:
        if isinstance(exp, sympy.Rational):
            if abs(int(exp.p)) > MAX_POWER or int(exp.q) > MAX_POWER:
                raise ParseError(f"exponent {exp} at column {col} is too large: "
                                 f"numerator and denominator are limited to "
                                 f"MAX_POWER={MAX_POWER}")
            if base.is_number and abs(int(exp.p)) > 1:
                bits = sum(abs(int(r.p)).bit_length() + int(r.q).bit_length()
                           for r in base.atoms(sympy.Rational))
                size = bits * abs(int(exp.p)) // int(exp.q)
                if size > 15:
                    self.charge(int(size * 0.30103) + 1, col)
        if not (isinstance(exp, sympy.Integer)):
            self.numeric_guard((base, exp), "power", col)
        return self.checked(sympy.Pow(base, exp), (base, exp), col)

    # -- grammar ---------------------------------------------------------
    def parse(self) -> sympy.Expr:
        if self.peek().kind == "end":
            raise ParseError("empty expression: expected a formula such as T1*T2")
        result = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            if tok.kind == "comma":
                raise ParseError(f"',' at column {tok.col} is only allowed between "
                                 f"the arguments of a function call")
            if tok.kind == "close":
                raise ParseError(f"unmatched '{tok.text}' at column {tok.col}")
            raise ParseError(f"expected an operator or the end, got {_describe(tok)}")
        return result

    def expr(self) -> sympy.Expr:
        col = self.peek().col
        terms = [self.term()]
        while self.at_op("+", "-"):
            op = self.advance()
            t = self.term()
            terms.append(t if op.text == "+" else -t)
        if len(terms) == 1:
            return terms[0]
        return self.checked(sympy.Add(*terms), terms, col)

    def term(self) -> sympy.Expr:
        col = self.peek().col
        factors = [self.factor()]
        after_div: _Token | None = None
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text in "*/":
                self.advance()
                f = self.factor()
                if tok.text == "/":
                    f = self.power(f, sympy.Integer(-1), tok.col)
                    after_div = tok
                else:
                    after_div = None
                factors.append(f)
            elif self.starts_operand(tok):
                prev = self.tokens[self.pos - 1]
                if tok.kind == "num":
                    raise ParseError(f"missing operator between {_describe(prev)} "
                                     f"and the number {_describe(tok)}: write '*'")
                if after_div is not None and tok.col - 1 > prev.end:
                    after_div = None  # e^2/h T: a space after the divisor, (e^2/h)*T
                if after_div is not None:
                    raise ParseError(f"ambiguous implicit multiplication after '/' "
                                     f"at column {after_div.col}: write (a/b)*c or "
                                     f"a/(b*c), not a/b c (at {_describe(tok)})")
                factors.append(self.power_chain())
            else:
                break
        if len(factors) == 1:
            return factors[0]
        return self.checked(sympy.Mul(*factors), factors, col)

    @staticmethod
    def starts_operand(tok: _Token) -> bool:
        return tok.kind in ("num", "name", "func", "const", "frac", "sqrt", "open", "sum")

    def factor(self) -> sympy.Expr:
        negative = False
        while self.at_op("+", "-"):
            if self.advance().text == "-":
                negative = not negative
        value = self.power_chain()
        return -value if negative else value

    def power_chain(self) -> sympy.Expr:
        """``atom (^ signs atom)*``, folded from the right (right associative)."""
        operands = [self.atom()]
        signs = [False]
        carets: list[_Token] = []
        start_depth = self.depth
        while self.at_op("^"):
            caret = self.advance()
            self.descend(caret)
            carets.append(caret)
            negative = False
            while self.at_op("+", "-"):
                if self.advance().text == "-":
                    negative = not negative
            signs.append(negative)
            operands.append(self.atom())
        self.depth = start_depth
        value = operands[-1]
        for k in range(len(operands) - 2, -1, -1):
            exp = -value if signs[k + 1] else value
            value = self.power(operands[k], exp, carets[k].col)
        return value

    def atom(self) -> sympy.Expr:
        tok = self.advance()
        kind = tok.kind
        if kind == "num":
            self.charge(_number_size(tok.value), tok.col)  # type: ignore[arg-type]
            return tok.value  # type: ignore[return-value]
        if kind == "open":
            return self.group(tok)
        if kind in ("name", "func", "const"):
            return self.name(tok)
        if kind == "frac":
            return self.fraction(tok)
        if kind == "sqrt":
            return self.root(tok)
        if kind == "sum":
            return self.latex_sum(tok)
        if kind == "comma":
            raise ParseError(f"',' at column {tok.col} is only allowed between the "
                             f"arguments of a function call")
        if kind == "end":
            raise ParseError("unexpected end of the input: expected a number, a "
                             "name or '('")
        raise ParseError(f"expected a number, a name or '(', got {_describe(tok)}")

    def group(self, opener: _Token) -> sympy.Expr:
        self.descend(opener)
        if self.peek().kind == "close":
            raise ParseError(f"empty brackets at column {opener.col}: expected an "
                             f"expression inside")
        value = self.expr()
        self.expect_close(opener)
        self.depth -= 1
        if opener.text == "|":
            return self.checked(sympy.Abs(value), (value,), opener.col)
        return value

    def index_value(self, text: str, col: int) -> sympy.Expr:
        if text.isdigit():
            return sympy.Integer(int(text))
        if text in self.bound:
            return self.bound[text]
        sym = self.env.symbols.get(text)
        if isinstance(sym, sympy.Symbol) and sym.is_integer:
            return sym
        raise ParseError(f"index '{_quote(text)}' at column {col} is not a summation index "
                         f"in scope or an integer")

    def name(self, tok: _Token) -> sympy.Expr:
        if tok.kind == "name" and tok.names and tok.names[0] in self.bound:
            return self.bound[tok.names[0]]
        sym = self.env.symbol(tok) if tok.kind == "name" else None
        if isinstance(sym, sympy.IndexedBase):
            nxt = self.peek()
            if nxt.kind == "open" and nxt.text == "[":
                self.advance()
                index = self.expr()
                self.expect_close(nxt)
                return sym[index]
            return sym  # type: ignore[return-value]
        if sym is not None:
            return sym  # type: ignore[return-value]
        if tok.kind == "name" and tok.script and tok.script[0] in self.env.indexable:
            base = self.env.symbols[tok.script[0]]
            return base[self.index_value(tok.script[1], tok.col)]  # type: ignore[index]
        if tok.kind == "name" and tok.names and tok.names[0] in ("Sum", "sum") \
                and self.peek().kind == "open" and self.peek().text == "(":
            return self.plain_sum(tok)
        func = self.env.function(tok)
        if func is not None:
            return self.call(tok, func)
        const = self.env.constant(tok)
        if const is not None:
            return const
        raise self.env.unknown(tok)

    # -- function calls --------------------------------------------------
    def call(self, tok: _Token, func: _Function) -> sympy.Expr:
        fname = tok.names[0] if tok.names else tok.text
        fpow = self.function_power(tok) if self.at_op("^") else None
        nxt = self.peek()
        self.descend(tok)
        if nxt.kind == "open" and nxt.text in ("(", "{"):
            args = self.arguments(self.advance())
        elif func.takes(1) and self.starts_operand(nxt):
            args = [self.juxtaposed(tok, allow_number_prefix=True)]
        else:
            example = "U(n, x)" if fname == "U" else f"{fname}(x)"
            raise ParseError(f"function '{fname}' at column {tok.col} needs its "
                             f"argument in parentheses, as in {example}; got "
                             f"{_describe(nxt)}")
        self.depth -= 1
        value = self.apply(fname, func, args, tok)
        if fpow is not None:
            value = self.power(value, fpow, tok.col)
        return value

    def function_power(self, tok: _Token) -> sympy.Integer:
        """The ``2`` of ``cos^2 x`` / ``\\cos^{2}\\theta``: a positive integer."""
        self.advance()
        nxt = self.advance()
        value: object = None
        if nxt.kind == "num":
            value = nxt.value
        elif nxt.kind == "open":
            inner = self.advance()
            close = self.advance()
            if inner.kind == "num" and close.kind == "close":
                value = inner.value
        if not (isinstance(value, sympy.Integer) and 0 < value <= MAX_POWER):
            raise ParseError(f"only a positive integer power of a function is "
                             f"allowed, as in cos^2(x) (at column {tok.col}); for "
                             f"other powers write (cos(x))^p")
        return value

    def arguments(self, opener: _Token) -> list[sympy.Expr]:
        if self.peek().kind == "close":
            raise ParseError(f"empty argument list at column {opener.col}: expected "
                             f"an expression")
        args = [self.expr()]
        while self.peek().kind == "comma":
            self.advance()
            args.append(self.expr())
        self.expect_close(opener)
        return args

    def juxtaposed(self, tok: _Token, allow_number_prefix: bool) -> sympy.Expr:
        """Argument written without brackets: ``cos theta``, ``cos 2theta``."""
        first_tok = self.peek()
        arg = self.power_chain()
        if (allow_number_prefix and first_tok.kind == "num"
                and self.starts_operand(self.peek()) and not self.is_function(self.peek())
                and self.peek().kind != "num"):
            second = self.power_chain()
            arg = self.checked(sympy.Mul(arg, second), (arg, second), first_tok.col)
        nxt = self.peek()
        if self.starts_operand(nxt) and not self.is_function(nxt) and nxt.kind != "num":
            raise ParseError(f"ambiguous argument of '{tok.text}' at column {tok.col}: "
                             f"use parentheses, e.g. {tok.text}(...)*... or "
                             f"{tok.text}(... ...) (at {_describe(nxt)})")
        return arg

    def is_function(self, tok: _Token) -> bool:
        if tok.kind in ("func", "sqrt", "frac"):
            return True
        return tok.kind == "name" and self.env.function(tok) is not None

    def apply(self, fname: str, func: _Function, args: list[sympy.Expr],
              tok: _Token) -> sympy.Expr:
        if not func.takes(len(args)):
            want = (str(func.min_args) if func.max_args == func.min_args
                    else f"{func.min_args} or more")
            raise ParseError(f"function '{fname}' at column {tok.col} takes {want} "
                             f"argument(s), got {len(args)}")
        self.numeric_guard(args, f"'{fname}'", tok.col)
        try:
            value = func.build(*args)
        except ParseError:
            raise
        except RecursionError:
            raise ParseError(f"'{fname}' at column {tok.col}: expression too deeply "
                             f"nested") from None
        except Exception as exc:  # a caller's builder or sympy refusing the args
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ParseError(f"could not build {fname}(...) at column {tok.col}: "
                             f"{detail}") from None
        if not isinstance(value, sympy.Expr):
            raise ParseError(f"function '{fname}' at column {tok.col} did not give "
                             f"a sympy expression")
        return self.checked(value, args, tok.col)

    # -- sums over channels ------------------------------------------------
    def _index_symbol(self, name: str, tok: _Token) -> sympy.Symbol:
        if name in self.env.symbols and not isinstance(self.env.symbols[name], sympy.Symbol):
            raise ParseError(f"summation index '{_quote(name)}' at column {tok.col} is "
                             f"already a name here")
        return sympy.Symbol(name, integer=True, positive=True)

    def _summed(self, body: sympy.Expr, index: sympy.Symbol, lo: sympy.Expr,
                hi: sympy.Expr, tok: _Token) -> sympy.Expr:
        for bound in (lo, hi):
            if bound.free_symbols and not all(s.is_integer for s in bound.free_symbols):
                raise ParseError(f"the limits of the sum at column {tok.col} must be "
                                 f"integers or integer symbols")
        return self.checked(sympy.Sum(body, (index, lo, hi)), (body, lo, hi), tok.col)

    @contextmanager
    def _binding(self, name: str, index: sympy.Symbol) -> Iterator[None]:
        """The summation index ``name`` in scope while the summand is parsed."""
        old = self.bound.get(name)
        self.bound[name] = index
        try:
            yield
        finally:
            if old is None:
                self.bound.pop(name, None)
            else:
                self.bound[name] = old

    def plain_sum(self, tok: _Token) -> sympy.Expr:
        """``Sum(f, (n, 1, N))`` (sympy's printed form) or ``sum(...)``."""
        opener = self.advance()
        # find the index name: the name after ", (" at this bracket level
        depth, j, name = 0, self.pos, None
        while j < len(self.tokens) - 3:
            t = self.tokens[j]
            if t.kind == "open":
                depth += 1
            elif t.kind == "close":
                if depth == 0:
                    break
                depth -= 1
            elif (t.kind == "comma" and depth == 0 and self.tokens[j + 1].kind == "open"
                  and self.tokens[j + 2].kind == "name" and self.tokens[j + 3].kind == "comma"):
                name = self.tokens[j + 2].names[0]
            j += 1
        if name is None:
            raise ParseError(f"'{tok.text}' at column {tok.col} must be written "
                             f"Sum(f(T[n]), (n, 1, N))")
        index = self._index_symbol(name, tok)
        self.descend(tok)
        with self._binding(name, index):
            body = self.expr()
        comma = self.advance()
        limits_open = self.advance()
        self.advance()  # the index name (found above)
        sep = self.advance()
        if comma.kind != "comma" or limits_open.kind != "open" or sep.kind != "comma":
            raise ParseError(f"'{tok.text}' at column {tok.col} must be written "
                             f"Sum(f(T[n]), (n, 1, N))")
        lo = self.expr()
        if self.advance().kind != "comma":
            raise ParseError(f"the limits of the sum at column {tok.col} are (n, lower, upper)")
        hi = self.expr()
        self.expect_close(limits_open)
        self.expect_close(opener)
        self.depth -= 1
        return self._summed(body, index, lo, hi, tok)

    def latex_sum(self, tok: _Token) -> sympy.Expr:
        """``\\sum_{n=1}^{N} f``: the summand is the product that follows."""
        name = tok.names[0]
        index = self._index_symbol(name, tok)
        self.descend(tok)
        lo = self.group(self.advance())
        hi = self.group(self.advance())
        with self._binding(name, index):
            if not self.starts_operand(self.peek()):
                raise ParseError(f"\\sum at column {tok.col} has no summand")
            body = self.term()
        self.depth -= 1
        return self._summed(body, index, lo, hi, tok)

    # -- LaTeX structures --------------------------------------------------
    def fraction(self, tok: _Token) -> sympy.Expr:
        num = self.latex_argument(tok)  # a braced argument counts one level
        den = self.latex_argument(tok)
        return self.checked(num * self.power(den, sympy.Integer(-1), tok.col),
                            (num, den), tok.col)

    def root(self, tok: _Token) -> sympy.Expr:
        index: sympy.Expr = sympy.Integer(2)
        if tok.text == "\\sqrt":
            nxt = self.peek()
            if nxt.kind == "open" and nxt.text == "[":
                index = self.group(self.advance())
            arg = self.latex_argument(tok)
        elif self.peek().kind == "open":
            arg = self.group(self.advance())
        elif self.starts_operand(self.peek()):
            self.descend(tok)
            arg = self.juxtaposed(tok, allow_number_prefix=False)
            self.depth -= 1
        else:
            raise ParseError(f"'√' at column {tok.col} needs an argument, got "
                             f"{_describe(self.peek())}")
        if index == 2:
            return self.power(arg, sympy.Rational(1, 2), tok.col)
        return self.power(arg, self.power(index, sympy.Integer(-1), tok.col), tok.col)

    def latex_argument(self, owner: _Token) -> sympy.Expr:
        """A ``{group}`` or a single character/command, as LaTeX reads it."""
        tok = self.peek()
        if tok.kind == "open" and tok.text == "{":
            return self.group(self.advance())
        if tok.kind == "num" and tok.text.isdigit():
            self.advance()
            if len(tok.text) > 1:  # \frac12: one digit each
                rest = tok.text[1:]
                self.pos -= 1
                self.tokens[self.pos] = _Token("num", rest, tok.col + 1,
                                               value=sympy.Integer(int(rest)))
            return sympy.Integer(int(tok.text[0]))
        if (tok.kind == "name" and len(tok.names) == 1 and not tok.cmd
                and len(tok.text) > 1 and tok.text.isascii() and tok.text.isalpha()):
            self.advance()  # \frac ab: one letter each, as LaTeX reads it
            self.pos -= 1
            self.tokens[self.pos] = _Token("name", tok.text[1:], tok.col + 1,
                                           names=(tok.text[1:],))
            return self.name(_Token("name", tok.text[0], tok.col, names=(tok.text[0],)))
        if tok.kind == "const" or (tok.kind == "name" and len(tok.names) == 1):
            return self.name(self.advance())
        raise ParseError(f"'{owner.text}' at column {owner.col} expects its "
                         f"argument in braces, as in {owner.text}{{...}}; got "
                         f"{_describe(tok)}")


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def parse_expression(text: str, symbols: Mapping[str, sympy.Symbol], *,
                     latex: bool = False,
                     extra_functions: Mapping[str, Callable] | None = None,
                     ) -> sympy.Expr:
    """Parse a user-typed formula safely into a sympy expression.

    Parameters
    ----------
    text : str
        The formula, plain (``T1*T2/(1 + R1 R2 - 2 sqrt(R1 R2) cos(theta))``)
        or LaTeX (``\\frac{T_1 T_2}{1 + R_1 R_2 - 2\\sqrt{R_1 R_2}\\cos\\theta}``).
    symbols : Mapping[str, sympy.Symbol]
        The allowed names and the derivation's own symbols they stand for;
        these objects are used as they are (with their assumptions).
    latex : bool, optional
        Read ``text`` as the LaTeX subset described in the module docstring.
    extra_functions : Mapping[str, Callable], optional
        More function names, each mapped to a callable taking sympy
        expressions and returning a sympy expression.

    Returns
    -------
    sympy.Expr
        The expression, built directly from sympy objects.

    Raises
    ------
    ParseError
        Whenever the text is not in the grammar or exceeds a limit; the
        one-line message says what was expected and what was got.
    TypeError
        When ``symbols`` or ``extra_functions`` are malformed (a caller bug).

    Examples
    --------
    >>> import sympy
    >>> T1, T2 = sympy.symbols("T1 T2", positive=True)
    >>> parse_expression("2 T1 T2", {"T1": T1, "T2": T2})
    2*T1*T2
    >>> parse_expression("\\\\frac{T_1}{T_2}", {"T1": T1, "T2": T2}, latex=True)
    T1/T2
    >>> parse_expression("T1T2", {"T1": T1, "T2": T2})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lbsym.errors.ParseError: unknown name 'T1T2' at column 1 (... did you mean 'T1*T2'?); ...
    """
    if not isinstance(text, str):
        raise ParseError(f"expected the expression as a string, got "
                         f"{type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression too long: {len(text)} characters, more than "
                         f"MAX_LENGTH={MAX_LENGTH}")
    env = _Env(symbols, extra_functions)
    tokens = _Lexer(text, latex, env.indexable).run()
    _check_brackets(tokens)
    parser = _Parser(tokens, env, latex)
    try:
        with _stack_room(_FRAMES_PER_LEVEL * MAX_DEPTH + 1000):
            result = parser.parse()
            parser.size(result)
            undefined = parser.size.undefined(result)
    except RecursionError:
        raise ParseError("expression too deeply nested to build") from None
    if undefined:
        raise ParseError(f"the expression is undefined (division by zero?): "
                         f"it evaluates to {_short(result)}")
    return result


# Python frames used per nesting level by the parser and sympy's constructors
# (measured: about 8.5); MAX_DEPTH levels must fit whatever the caller's stack.
_FRAMES_PER_LEVEL = 12


@contextmanager
def _stack_room(frames: int) -> Iterator[None]:
    """Make sure ``frames`` more Python frames fit under the recursion limit.

    The limit is raised only if needed and restored afterwards, so that an
    expression within ``MAX_DEPTH`` never fails for lack of stack.
    """
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    old = sys.getrecursionlimit()
    if depth + frames <= old:
        yield
        return
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _short(expr: sympy.Basic) -> str:
    text = str(expr)
    return text if len(text) <= 80 else text[:77] + "..."

"""Multi-terminal conductors in the Landauer-Büttiker formalism (Büttiker 1986, 1988).

:class:`MultiTerminal` builds the conductance matrix of a conductor from its
transmissions (symbolic or numeric), an S-matrix or a conductance matrix, and
solves the Landauer-Büttiker equations under voltage, current and floating
(probe) conditions: multi-terminal resistances, reciprocity, elimination of
voltage probes.  Exact and symbolic systems are solved over the polynomial
ring of their entries (Bareiss, fraction-free); float systems with numpy,
imported only when a float system is built, so that importing this module
(the symbolic layer) loads no numpy.  Two-terminal conductance is in
:mod:`lbsym.transport`.
"""

from __future__ import annotations

import sys
from typing import Any

import sympy as sp

from .constants import e, h
from ._sympify import sympify as _sympify
from .errors import ParameterError, ShapeError
from .smatrix import SMatrix
from .transport import _spin

__all__ = ["MultiTerminal", "MultiTerminalSolution", "cancel_rational"]


def _is_numeric_matrix(M: sp.Matrix) -> bool:
    return all(sp.sympify(x).is_number for x in M)


def _is_float_matrix(M: sp.Matrix) -> bool:
    """Numbers only, at least one inexact (Float): solved in floating point."""
    return _is_numeric_matrix(M) and any(sp.sympify(x).has(sp.Float) for x in M)


def _is_ndarray(x: Any) -> bool:
    """A numpy array (numpy is not imported for the test: an array means it is loaded)."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(x, np.ndarray)


def _real_array(values: list, what: str) -> Any:
    """Finite real boundary values (voltages, currents) as a float array."""
    import numpy as np

    a = np.array(values, dtype=complex) if values else np.zeros(0, dtype=complex)
    if not np.all(np.isfinite(a)) or np.any(np.abs(a.imag) > 1e-12 * np.maximum(1, np.abs(a))):
        raise ParameterError(f"{what}: expected finite real numbers, got {values!r}")
    return a.real


def _float_conductance(G: sp.Matrix, leads: tuple) -> Any:
    """A float conductance matrix as a numpy array (real when it is), checked for current
    conservation (columns sum to 0) and the sum rule (rows sum to 0)."""
    import numpy as np

    Gn = np.array(G.tolist(), dtype=complex)
    if not np.all(np.isfinite(Gn)):
        raise ParameterError(f"transmissions: expected finite numbers, got {G.tolist()!r}")
    if np.max(np.abs(Gn.imag)) < 1e-14:
        Gn = Gn.real
    scale = max(1.0, float(np.max(np.abs(Gn))))
    for i in range(len(leads)):
        cs = abs(Gn[:, i].sum())
        if cs > 1e-8 * scale:
            raise ParameterError(
                f"transmissions violate current conservation at terminal {leads[i]!r}: "
                f"column of the conductance matrix sums to {cs:.3g}, expected 0 "
                f"(reflection/channel numbers inconsistent with the transmissions)")
        rs = abs(Gn[i, :].sum())
        if rs > 1e-8 * scale:
            raise ParameterError(
                f"transmissions violate the sum rule sum_j T_ij = sum_j T_ji at terminal "
                f"{leads[i]!r} (row sums to {rs:.3g}, expected 0): results would "
                f"depend on which terminal is grounded")
    return Gn


class MultiTerminalSolution:
    """Voltages and currents of every terminal after :meth:`MultiTerminal.solve`.

    Currents are in units of (e^2/h) x voltage (that is, ``I h/e^2``), so a
    two-terminal resistance in units of h/e^2 is ``(V_i - V_j)/I``.
    """

    def __init__(self, leads: tuple, voltages: dict, currents: dict):
        self.leads = leads
        self.voltages = voltages
        self.currents = currents

    def voltage(self, lead: Any) -> Any:
        return self.voltages[lead]

    def current(self, lead: Any) -> Any:
        return self.currents[lead]

    def __repr__(self) -> str:
        return f"MultiTerminalSolution(voltages={self.voltages!r}, currents={self.currents!r})"


class MultiTerminal:
    """A multi-terminal conductor in the Landauer-Büttiker formalism.

    Conventions
    -----------
    ``I_i = g_s (e^2/h) sum_j [T_ij V_j - T_ji V_i]``, with ``T_ij`` the total
    transmission from lead j to lead i (Büttiker, PRL 57, 1761 (1986)): ``I_i``
    is the current flowing out of the conductor into terminal i, so a current
    I "from i to j" through the conductor is ``I_i = -I``, ``I_j = +I``.  The
    *conductance matrix* ``G`` (units of e^2/h, ``g_s`` included) has
    ``G_ij = g_s T_ij`` (i != j) and ``G_ii = g_s (T_ii - N_i)`` when the
    channel numbers ``N_i`` are known (S-matrix or ``modes=``), otherwise
    ``G_ii = -g_s sum_{j != i} T_ji``; so ``I = (e^2/h) G V``.  Its columns sum
    to zero (current conservation); its rows sum to zero only if the
    transmissions obey the sum rule ``sum_j T_ij = sum_j T_ji`` (unitarity;
    gauge invariance: results independent of the ground).  Numeric input that
    breaks the row rule is rejected; for symbolic input pass the sum rules as
    ``relations`` or rely on the caller.

    Construct from a transmission matrix (``T[i][j]`` from j to i, symbolic or
    numeric), :meth:`from_smatrix` (a symbolic :class:`~lbsym.smatrix.SMatrix`
    or a numeric :class:`lbsym.lattice.SMatrix`) or
    :meth:`from_conductance_matrix`.

    Numeric systems (every entry a number, at least one a float, e.g. a
    lattice conductance matrix) are solved with numpy in floating point; exact
    (integer/rational) and
    symbolic ones with ``sympy.Matrix.LUsolve`` followed by ``cancel``/``factor``
    per entry (never a global ``simplify``).  Resistances are returned in
    units of h/e^2, times ``h/e**2`` when ``units=True`` (the default for
    exact and symbolic systems).

    Examples
    --------
    Helical edges on four terminals (each transmits 1 to both neighbours):

    >>> mt = MultiTerminal([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]])
    >>> mt.two_terminal_resistance(0, 3), mt.four_terminal_resistance(0, 3, 1, 2)
    (3*h/(4*e**2), h/(4*e**2))
    >>> MultiTerminal([[0, 1.0], [1.0, 0]]).two_terminal_resistance(0, 1)
    1.0
    """

    def __init__(
        self,
        transmissions: Any,
        *,
        leads: Any = None,
        modes: Any = None,
        spin_degeneracy: Any = 1,
        relations: Any = None,
        _conductance: Any = None,
    ):
        gs = _spin(spin_degeneracy)
        if _conductance is not None:
            G = sp.Matrix(_conductance)
            n = G.rows
            if G.cols != n:
                raise ShapeError(f"conductance matrix must be square; got {G.rows}x{G.cols}")
            T = sp.Matrix(n, n, lambda i, j: G[i, j] if i != j else 0)
        else:
            try:
                T = sp.Matrix(transmissions)
            except (TypeError, ValueError) as exc:
                raise ShapeError(f"transmissions: expected a square matrix, got {transmissions!r}") from exc
            n = T.rows
            if T.cols != n or n < 2:
                raise ShapeError(f"transmissions: expected a square matrix of at least 2 leads, got {T.rows}x{T.cols}")
            if relations:
                T = T.subs(relations)
            if modes is not None:
                modes = list(modes)
                if len(modes) != n:
                    raise ShapeError(f"modes: expected {n} channel numbers, got {len(modes)}")
                G = sp.Matrix(n, n, lambda i, j: gs * (T[i, j] - (modes[i] if i == j else 0)))
            else:
                G = sp.Matrix(n, n, lambda i, j: gs * (T[i, j] if i != j else
                                                        -sum(T[k, i] for k in range(n) if k != i)))
        self._leads = tuple(range(n)) if leads is None else tuple(leads)
        if len(self._leads) != n or len(set(self._leads)) != n:
            raise ShapeError(f"leads: expected {n} distinct labels, got {leads!r}")
        self._T = sp.ImmutableMatrix(T)
        self._G = sp.ImmutableMatrix(G)
        if any(x.has(sp.nan, sp.oo, -sp.oo, sp.zoo) for x in self._G):
            raise ParameterError(f"transmissions: expected finite values, got {self._G.tolist()!r}")
        self._gs = gs
        self.numeric = _is_float_matrix(self._G)
        if self.numeric:
            self._Gn = _float_conductance(self._G, self._leads)

    # ------------------------------------------------------------ builders
    @classmethod
    def from_smatrix(cls, S: Any, *, spin_degeneracy: Any = 1, leads: Any = None) -> "MultiTerminal":
        """From a symbolic :class:`~lbsym.smatrix.SMatrix` or a numeric lattice S-matrix."""
        if isinstance(S, SMatrix):
            T = S.transmission_matrix()
            labels = S.leads
            modes = [len(S.port_indices(l)) for l in labels]
            return cls(T, leads=leads or labels, modes=modes, spin_degeneracy=spin_degeneracy)
        if hasattr(S, "conductance_matrix"):
            import numpy as np  # a lattice S-matrix: numpy is loaded already

            G = np.asarray(S.conductance_matrix(), dtype=float)
            return cls.from_conductance_matrix(G, spin_degeneracy=spin_degeneracy, leads=leads)
        raise ParameterError(f"from_smatrix: expected an lbsym SMatrix or lattice SMatrix, got {type(S).__name__}")

    @classmethod
    def from_conductance_matrix(cls, G: Any, *, spin_degeneracy: Any = 1, leads: Any = None,
                                convention: str = "lbsym") -> "MultiTerminal":
        """From a conductance matrix in units of e^2/h per spin.

        Parameters
        ----------
        G : square matrix
            The conductance matrix, numeric or symbolic.
        convention : {'lbsym', 'kwant'}
            ``'lbsym'`` (default; the class convention above, also that of
            ``lbsym.lattice.SMatrix.conductance_matrix()``): ``G_ij = T_ij``
            (i != j), ``G_ii = R_ii - N_i <= 0``, ``I_i`` flowing out of the
            conductor into terminal i.  ``'kwant'``: Kwant's
            ``SMatrix.conductance_matrix()``, the negative of it
            (``G_ij = -T_ij``, ``G_ii = N_i - R_ii >= 0``, ``I_i`` flowing from
            terminal i into the conductor); it is negated on input.  A numeric
            matrix with a positive diagonal given as ``'lbsym'`` (or a negative
            one as ``'kwant'``) is refused: it is in the other convention,
            and reading it as this one would flip the sign of every resistance.

        Examples
        --------
        >>> G = [[-1, 1], [1, -1]]  # one open channel, T = 1
        >>> MultiTerminal.from_conductance_matrix(G).conductance_matrix()
        Matrix([
        [-1,  1],
        [ 1, -1]])
        >>> MultiTerminal.from_conductance_matrix([[1, -1], [-1, 1]], convention="kwant").conductance_matrix()
        Matrix([
        [-1,  1],
        [ 1, -1]])
        """
        if convention not in ("lbsym", "kwant"):
            raise ParameterError(f"convention: expected 'lbsym' or 'kwant', got {convention!r}")
        G = sp.Matrix(G.tolist() if _is_ndarray(G) else G)
        if G.rows != G.cols:
            raise ShapeError(f"conductance matrix: expected a square matrix, got {G.rows}x{G.cols}")
        sign = 1 if convention == "lbsym" else -1
        for i in range(G.rows):
            d = G[i, i]
            if d.is_number and d.is_real and sign * d > 0:
                other = "kwant" if convention == "lbsym" else "lbsym"
                raise ParameterError(
                    f"conductance matrix: diagonal entry G[{i},{i}] = {d} has the sign of the {other!r} convention "
                    f"(expected {'<= 0' if sign > 0 else '>= 0'} for {convention!r}); pass convention={other!r}")
        return cls(None, leads=leads, spin_degeneracy=spin_degeneracy,
                   _conductance=_spin(spin_degeneracy) * sign * G)

    # ------------------------------------------------------------ access
    @property
    def leads(self) -> tuple:
        return self._leads

    @property
    def transmissions(self) -> sp.ImmutableMatrix:
        """Off-diagonal T_ij (lead j to lead i), g_s not included."""
        return self._T

    def conductance_matrix(self, units: bool = False) -> sp.ImmutableMatrix:
        """G with I = (e^2/h) G V; times e^2/h if ``units``."""
        return self._G * (e**2 / h) if units else self._G

    def transmission(self, i: Any, j: Any) -> Any:
        return self._T[self._index(i), self._index(j)]

    def transposed(self) -> "MultiTerminal":
        """The time-reversed conductor: T_ij(-B) = T_ji(B) (Onsager)."""
        return MultiTerminal(None, leads=self._leads, _conductance=self._G.T)

    def _index(self, lead: Any) -> int:
        try:
            return self._leads.index(lead)
        except ValueError:
            raise ParameterError(f"no terminal {lead!r}; terminals are {list(self._leads)!r}") from None

    # ------------------------------------------------------------ solving
    def _components(self) -> list[list[int]]:
        """Terminals connected through (structurally) non-zero conductances."""
        n = len(self._leads)
        adj = [[j for j in range(n) if j != i and (self._G[i, j] != 0 or self._G[j, i] != 0)]
               for i in range(n)]
        seen, comps = set(), []
        for s in range(n):
            if s in seen:
                continue
            stack, comp = [s], []
            seen.add(s)
            while stack:
                u = stack.pop()
                comp.append(u)
                for v in adj[u]:
                    if v not in seen:
                        seen.add(v)
                        stack.append(v)
            comps.append(sorted(comp))
        return comps

    def solve(
        self,
        voltages: Any = None,
        currents: Any = None,
        floating: Any = (),
        ground: Any = None,
        *,
        simplify: str | None = "factor",
    ) -> MultiTerminalSolution:
        """Solve the Landauer-Büttiker equations under boundary conditions.

        Every terminal gets exactly one condition: a fixed voltage
        (``voltages={lead: V}``; ``ground=lead`` means V = 0), a fixed current
        (``currents={lead: I}``, in units of (e^2/h) x voltage, I_i flowing out of
        the conductor into terminal i, as in the class docstring) or
        ``floating`` (zero net current: a voltage probe).  Terminals not named
        are floating.  At least one voltage must be fixed in every connected
        part of the conductor (else its potentials are undetermined).

        Raises :class:`~lbsym.errors.ParameterError` naming the terminal for
        conflicting conditions, unknown terminals, no ground, a floating
        island, or a singular set-up.
        """
        voltages = dict(voltages or {})
        currents = dict(currents or {})
        floating = list(floating)
        cond: dict[int, tuple[str, Any]] = {}

        def put(lead, kind, val):
            i = self._index(lead)
            if i in cond:
                raise ParameterError(
                    f"conflicting conditions at terminal {lead!r}: {cond[i][0]} and {kind}; "
                    f"give each terminal one of voltage, current, floating or ground")
            cond[i] = (kind, _sympify(val, f"{kind} at terminal {lead!r}"))

        for lead, v in voltages.items():
            put(lead, "voltage", v)
        if ground is not None:
            put(ground, "ground", 0)
        for lead, c in currents.items():
            put(lead, "current", c)
        for lead in floating:
            put(lead, "floating", 0)
        n = len(self._leads)
        for i in range(n):
            cond.setdefault(i, ("floating", sp.Integer(0)))
        F = [i for i in range(n) if cond[i][0] in ("voltage", "ground")]
        C = [i for i in range(n) if i not in F]
        if not F:
            raise ParameterError(
                "no ground: every terminal has a current condition, so the voltages are fixed only up to "
                "a constant; fix the voltage of one terminal (ground=...)")
        for comp in self._components():
            if not any(i in F for i in comp):
                names = [self._leads[i] for i in comp]
                raise ParameterError(
                    f"floating island: terminal(s) {names!r} are not connected (no transmission) to any "
                    f"terminal of fixed voltage, so their voltages are undetermined")
        VF = sp.Matrix([cond[i][1] for i in F])
        IC = sp.Matrix([cond[i][1] for i in C])
        G = self._G
        GCC = G.extract(C, C) if C else sp.zeros(0, 0)
        GCF = G.extract(C, F) if C else sp.zeros(0, len(F))
        numeric = self.numeric and _is_numeric_matrix(VF) and _is_numeric_matrix(IC)
        if numeric:
            return self._solve_float(F, C, VF, IC)
        exact = _exact_solve(GCC, IC - GCF * VF, [G, VF]) if C else None
        if C and exact is None:  # entries outside a polynomial ring (sqrt, functions): sympy LU
            return self._solve_expressions(G, F, C, VF, IC, simplify)
        if C:
            K, VC, to_K = exact
            if VC is None:
                raise ParameterError(self._singular_message(C))
        else:
            K, to_K = _field_of([G, VF])
            VC = []
        V = [K.zero] * n
        for a, i in enumerate(F):
            V[i] = to_K(VF[a])
        for a, i in enumerate(C):
            V[i] = VC[a]
        Gk = [[to_K(G[i, j]) for j in range(n)] for i in range(n)]
        out = _field_expr(K, simplify, to_K)
        I = [None] * n
        for a, i in enumerate(C):
            I[i] = IC[a]
        for i in F:
            I[i] = out(sum((Gk[i][j] * V[j] for j in range(n)), K.zero))
        return MultiTerminalSolution(
            self._leads,
            {self._leads[i]: (VF[F.index(i)] if i in F else out(V[i])) for i in range(n)},
            {self._leads[i]: I[i] for i in range(n)},
        )

    def _solve_float(self, F: list[int], C: list[int], VF: sp.Matrix, IC: sp.Matrix) -> "MultiTerminalSolution":
        """The float system: numpy's solve of G_CC V_C = I_C - G_CF V_F."""
        import numpy as np

        n = len(self._leads)
        Gn = self._Gn
        vf = _real_array([complex(x) for x in VF], "voltages")
        ic = _real_array([complex(x) for x in IC], "currents")
        if C:
            A = Gn[np.ix_(C, C)]
            if np.linalg.cond(A) > 1e13:
                raise ParameterError(self._singular_message(C))
            vc = np.linalg.solve(A, ic - Gn[np.ix_(C, F)] @ vf)
        else:
            vc = np.zeros(0)
        V = np.zeros(n, dtype=Gn.dtype)
        V[F], V[C] = vf, vc
        I = Gn @ V
        conv = lambda x: float(x.real) if abs(x.imag) < 1e-12 * max(1, abs(x)) else complex(x)
        vd = {self._leads[i]: conv(complex(V[i])) for i in range(n)}
        idict = {self._leads[i]: conv(complex(I[i])) for i in range(n)}
        for i in C:  # exact as imposed
            idict[self._leads[i]] = conv(complex(ic[C.index(i)]))
        return MultiTerminalSolution(self._leads, vd, idict)

    def _solve_expressions(self, G, F, C, VF, IC, simplify) -> "MultiTerminalSolution":
        """Fallback for entries that are not rational functions: sympy's LU."""
        n = len(self._leads)
        tidy = _tidy(simplify)
        GCC, GCF = G.extract(C, C), G.extract(C, F)
        try:
            VC = GCC.LUsolve(IC - GCF * VF)
        except (ValueError, ZeroDivisionError) as exc:
            raise ParameterError(self._singular_message(C)) from exc
        VC = VC.applyfunc(tidy)
        V = [sp.Integer(0)] * n
        for a, i in enumerate(F):
            V[i] = VF[a]
        for a, i in enumerate(C):
            V[i] = VC[a]
        Vm = sp.Matrix(V)
        I = [None] * n
        for a, i in enumerate(C):
            I[i] = IC[a]
        for i in F:
            I[i] = tidy((G.row(i) * Vm)[0])
        return MultiTerminalSolution(
            self._leads,
            {self._leads[i]: V[i] for i in range(n)},
            {self._leads[i]: I[i] for i in range(n)},
        )

    def _singular_message(self, C: list[int]) -> str:
        names = [self._leads[i] for i in C]
        return (f"singular set-up: the conductance matrix restricted to the current-biased/floating "
                f"terminals {names!r} is singular (a floating island or decoupled terminals); "
                f"fix a voltage in that part")

    # ------------------------------------------------------------ resistances
    def _units(self, units: Any) -> bool:
        return (not self.numeric) if units is None else bool(units)

    def four_terminal_resistance(
        self, i: Any, j: Any, k: Any, l: Any, *, units: Any = None, simplify: str | None = "factor"
    ) -> Any:
        """R_{ij,kl} = (V_k - V_l)/I, current I from terminal i to terminal j, all others floating.

        In units of h/e^2 (times ``h/e**2`` when ``units``; default: symbolic
        systems carry the units, numeric ones do not).
        """
        if self._index(i) == self._index(j):
            raise ParameterError(f"four-terminal resistance: current source {i!r} and sink {j!r} must differ")
        for x in (k, l):
            self._index(x)
        sol = self.solve(currents={i: -1}, ground=j, simplify=None)
        r = sol.voltages[k] - sol.voltages[l]
        if not self.numeric:
            r = _tidy(simplify)(r)
        return r * h / e**2 if self._units(units) else r

    def two_terminal_resistance(self, i: Any, j: Any, *, units: Any = None, simplify: str | None = "factor") -> Any:
        """R_{ij,ij}: current from i to j, the other terminals floating probes."""
        return self.four_terminal_resistance(i, j, i, j, units=units, simplify=simplify)

    def resistance_matrix_element(self, *a: Any, **kw: Any) -> Any:  # alias
        return self.four_terminal_resistance(*a, **kw)

    def reciprocity_difference(
        self, i: Any, j: Any, k: Any, l: Any, reversed: "MultiTerminal | Any" = None,
        *, simplify: str | None = "factor",
    ) -> Any:
        """R_{ij,kl}(B) - R_{kl,ij}(-B) (Büttiker 1988 reciprocity); zero when Onsager holds.

        ``reversed`` is the conductor at -B (a MultiTerminal or a transmission
        matrix); by default the time-reversed one, T(-B) = T(B)^T, for which
        the difference is an identity that the symbolic solve reduces to 0.
        """
        rev = self.transposed() if reversed is None else (
            reversed if isinstance(reversed, MultiTerminal) else MultiTerminal(reversed, leads=self._leads))
        a = self.four_terminal_resistance(i, j, k, l, units=False, simplify=simplify)
        b = rev.four_terminal_resistance(k, l, i, j, units=False, simplify=simplify)
        d = a - b
        return d if (self.numeric and rev.numeric) else _tidy(simplify)(d)

    def floating_probe_elimination(self, probes: Any, *, simplify: str | None = "factor") -> "MultiTerminal":
        """Eliminate floating voltage probes: the effective conductor of the other terminals.

        ``G_eff = G_AA - G_AP G_PP^{-1} G_PA`` (Schur complement): the
        probes draw no current, so their voltages adjust to the others'.
        """
        P = [self._index(p) for p in probes]
        A = [i for i in range(len(self._leads)) if i not in P]
        if not A:
            raise ParameterError("cannot float every terminal: at least one must remain")
        G = self._G
        GPP = G.extract(P, P)
        exact = None if self.numeric else _exact_solve(GPP, G.extract(P, A), [G])
        if exact is not None:
            K, X, to_K = exact
            if X is None:
                raise ParameterError(self._singular_message(P))
            out = _field_expr(K, simplify, to_K)
            m = len(A)
            Geff = sp.Matrix(len(A), len(A), lambda r, c: out(
                to_K(G[A[r], A[c]]) - sum((to_K(G[A[r], P[q]]) * X[q * m + c] for q in range(len(P))),
                                          K.zero)))
            return MultiTerminal(None, leads=[self._leads[i] for i in A], _conductance=Geff)
        try:
            X = GPP.LUsolve(G.extract(P, A))
        except (ValueError, ZeroDivisionError) as exc:
            raise ParameterError(self._singular_message(P)) from exc
        Geff = G.extract(A, A) - G.extract(A, P) * X
        if not self.numeric:
            Geff = Geff.applyfunc(_tidy(simplify))
        return MultiTerminal(None, leads=[self._leads[i] for i in A], _conductance=Geff)


def _check_mode(mode: str | None) -> None:
    if mode not in (None, "cancel", "factor"):
        raise ParameterError(f"simplify: expected 'factor', 'cancel' or None, got {mode!r}")


def _atoms_of(expr: sp.Expr, found: dict) -> None:
    """Collect the maximal non-rational subexpressions (functions, roots, pi) of expr."""
    if expr.is_Symbol or expr.is_Rational:
        return
    if isinstance(expr, (sp.Add, sp.Mul)) or (expr.is_Pow and expr.exp.is_Integer):
        for a in expr.args:
            _atoms_of(a, found)
        return
    if expr not in found:
        found[expr] = sp.Dummy(f"a{len(found)}")


def _field_of(exprs: list) -> tuple:
    """The fraction field of the polynomial ring of ``exprs`` (matrices or lists), and a converter.

    Non-rational subexpressions (sqrt(R), cos(theta), ...) are taken as
    independent indeterminates of the ring (atoms), so that the linear
    algebra stays in a polynomial ring; results are written back in them.
    Returns (K, to_K), or (None, None) for a domain that is not a polynomial
    ring or fraction field over ZZ/QQ; ``to_K.back`` maps the atoms' dummies
    back to their expressions.
    """
    from sympy.polys.matrices import DomainMatrix

    flat = [sp.sympify(x) for m in exprs for x in (m if not isinstance(m, sp.MatrixBase) else list(m))]
    found: dict = {}
    for x in flat:
        _atoms_of(x, found)
    if found:
        flat = [x.xreplace(found) for x in flat]
    dm = DomainMatrix.from_list_sympy(1, len(flat) or 1, [flat or [sp.Integer(0)]])
    dom = dm.domain
    if not (dom.is_ZZ or dom.is_QQ or dom.is_PolynomialRing or dom.is_FractionField):
        return None, None
    K = dom.get_field()
    back = {v: k for k, v in found.items()}

    def to_K(x: Any):
        x = sp.sympify(x)
        return K.from_sympy(x.xreplace(found) if found else x)

    to_K.back = back
    return K, to_K


def _exact_solve(A: sp.Matrix, B: sp.Matrix, context: list) -> tuple | None:
    """A X = B over the polynomial ring of the entries: Bareiss's fraction-free solve.

    Returns (field K, flattened X as elements of K or None if A is singular,
    converter to K), or None when the entries are not rational functions of
    their symbols (then the caller falls back to sympy's LU).  Each entry of
    X is a reduced fraction of K (gcd-cancelled by the field arithmetic); no
    expression-level ``cancel``/``factor`` is involved.
    """
    from sympy.polys.matrices import DomainMatrix
    from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError

    from sympy.polys.polyerrors import CoercionFailed

    K, to_K = _field_of([A, B] + list(context))
    if K is None:
        return None
    Ad = DomainMatrix([[to_K(x) for x in A.row(r)] for r in range(A.rows)], A.shape, K)
    Bd = DomainMatrix([[to_K(x) for x in B.row(r)] for r in range(B.rows)], B.shape, K)
    dom = K
    if K.has_assoc_Ring:
        try:  # polynomial entries: fraction-free over the ring
            ring = K.get_ring()
            Ad, Bd, dom = Ad.convert_to(ring), Bd.convert_to(ring), ring
        except CoercionFailed:
            pass
    try:
        num, den = Ad.solve_den(Bd)
    except DMNonInvertibleMatrixError:
        return K, None, to_K
    d = K.convert_from(den, dom)
    X = [K.convert_from(num[r, c].element, dom) / d for r in range(num.shape[0]) for c in range(num.shape[1])]
    return K, X, to_K


#: polynomials up to this many terms are factored in "factor" mode
FACTOR_TERMS = 24


def _poly_expr(p, mode: str | None) -> sp.Expr:
    """A polynomial ring element as sympy, factored on request (up to FACTOR_TERMS terms;
    a larger one is printed expanded with its content taken out)."""
    if mode == "factor" and not p.is_ground and len(p) > FACTOR_TERMS:
        c, q = p.primitive()
        return p.ring.domain.to_sympy(c) * q.as_expr()
    if mode == "factor" and not p.is_ground:
        c, fs = p.factor_list()
        return p.ring.domain.to_sympy(c) * sp.Mul(*[f.as_expr() ** e for f, e in fs])
    return p.as_expr()


def _field_expr(K, mode: str | None, to_K: Any = None):
    """Element of the fraction field K -> sympy, numerator and denominator factored on request."""
    _check_mode(mode)
    back = getattr(to_K, "back", None) or {}

    def out(x) -> sp.Expr:
        if not K.is_FractionField:
            return K.to_sympy(x)
        if not x:
            return sp.Integer(0)
        num, den = x.numer, x.denom
        r = _poly_expr(num, mode) / _poly_expr(den, mode)
        return r.xreplace(back) if back else r

    return out


def cancel_rational(expr: Any) -> sp.Expr:
    """A rational function of its atoms as one reduced fraction (numerator)/(denominator).

    Computed in the fraction field of the polynomial ring of the atoms
    (roots and functions such as sqrt(R), cos(theta) taken as indeterminates):
    one gcd cancellation, no expression-level ``cancel``/``together``.
    """
    return _tidy("cancel")(expr)


def _tidy(mode: str | None):
    _check_mode(mode)
    if mode is None:
        return lambda x: x

    def tidy(x: Any) -> Any:
        x = sp.sympify(x)
        if x.is_number:
            return x
        K, to_K = _field_of([[x]])
        if K is None:
            return sp.factor(sp.cancel(sp.together(x))) if mode == "factor" else sp.cancel(sp.together(x))
        return _field_expr(K, mode, to_K)(to_K(x))

    return tidy


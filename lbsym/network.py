"""Networks of scatterers composed in closed form.

A :class:`Network` is a builder: add named scatterers (:class:`SMatrix`
instances), connect ports pairwise through a propagation element (phase
``phase`` both ways plus an Aharonov-Bohm phase ``flux`` gained in the
direction of the connection), and name the external leads.  ``smatrix()``
eliminates the internal amplitudes and returns the S-matrix of the external
ports.

Algorithm
---------
All amplitudes are mapped into the exact fraction field of
:mod:`lbsym.algebra` (real generators sqrt(T), ..., phase generators
e^{i phi} with conj = inverse).  Connections are closed one at a time: a
link between ports k and l (outgoing b_k enters l, b_l enters k) gives, with
D = (1 - S_kl)(1 - S_lk) - S_kk S_ll,

    S'_ij = S_ij + [S_ik (S_ll S_kj + (1 - S_kl) S_lj)
                    + S_il ((1 - S_lk) S_kj + S_kk S_lj)] / D,

(scikit-rf ``innerconnect_s``; Redheffer's star product when k and l belong
to different blocks).  This is the Schur complement
S_ee + S_ei (1 - P S_ii)^{-1} P S_ie taken one loop at a time; every
intermediate result is a reduced fraction, so no ``simplify`` is needed.
Links are taken greedily so that blocks stay small (a series chain is
composed left to right).  D = 0 identically means the internal amplitudes are
undetermined: a state decoupled from every lead.
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

from .algebra import _FLINT, EagerViolation, FlintFreeAlgebra, PolarAlgebra
from .errors import PortError, SingularNetworkError
from .smatrix import Port, SMatrix

__all__ = ["Network", "series", "ring", "bridge"]

PortRef = Any  # "name.lead", (name, lead) or (name, lead, channel)


class _Node:
    """An entry of a block, computed on demand (and once).

    ``fn(*deps values)`` gives the value; ``val`` holds it afterwards.  Only
    the entries that a requested amplitude depends on are ever computed: a
    series chain's transmission never needs the reflection amplitudes of
    its intermediate blocks (the large ones).
    """

    __slots__ = ("fn", "deps", "val")

    def __init__(self, fn=None, deps: tuple = (), val=None):
        self.fn, self.deps, self.val = fn, deps, val


def _force(node: _Node):
    """The value of a node, its dependencies evaluated first (no recursion)."""
    if node.val is not None:
        return node.val
    stack = [(node, False)]
    while stack:
        nd, ready = stack.pop()
        if nd.val is not None:
            continue
        if ready:
            nd.val = nd.fn(*[d.val for d in nd.deps])
            nd.fn, nd.deps = None, ()
        else:
            stack.append((nd, True))
            stack.extend((d, False) for d in nd.deps if d.val is None)
    return node.val


class _Block:
    """A composite S-matrix of lazy field elements with (part, Port) labels."""

    __slots__ = ("ports", "m")

    def __init__(self, ports: list, m: list[list]):
        self.ports = ports
        self.m = m


def _innerconnect(blk: _Block, k: int, l: int, one, ZERO: _Node) -> None:
    """Join ports k and l of one block in place (see module docstring)."""
    S = blk.m
    Skk, Skl, Slk, Sll = (_force(S[a][b]) for a, b in ((k, k), (k, l), (l, k), (l, l)))
    D = (one - Skl) * (one - Slk) - Skk * Sll
    if D.is_zero():  # modulo the relations: 1 - (round trip) = 0 identically
        raise SingularNetworkError(
            "the network cannot be solved: closing the loop through ports "
            f"{blk.ports[k][0]}.{blk.ports[k][1]} and {blk.ports[l][0]}.{blk.ports[l][1]} "
            "gives 1 - (round-trip amplitude) = 0 identically, i.e. a state that never "
            "leaks to any lead (a closed loop with no exit or a bound state in the "
            "continuum); couple it to a lead or detune it"
        )
    keep = [i for i in range(len(S)) if i not in (k, l)]
    inv = one / D
    a, b = one - Skl, one - Slk
    # column factors X_j = (S_ll S_kj + (1 - S_kl) S_lj) / D  (goes with S_ik)
    #                Y_j = ((1 - S_lk) S_kj + S_kk S_lj) / D  (goes with S_il)
    X = {j: _Node(lambda skj, slj: (Sll * skj + a * slj) * inv, (S[k][j], S[l][j])) for j in keep}
    Y = {j: _Node(lambda skj, slj: (b * skj + Skk * slj) * inv, (S[k][j], S[l][j])) for j in keep}
    new = []
    for i in keep:
        Sik, Sil = S[i][k], S[i][l]
        row = []
        for j in keep:
            deps, terms = [S[i][j]], []
            if Sik is not ZERO:
                deps += [Sik, X[j]]
                terms.append("x")
            if Sil is not ZERO:
                deps += [Sil, Y[j]]
                terms.append("y")
            if not terms:
                row.append(S[i][j])
                continue
            if len(terms) == 2:
                row.append(_Node(lambda v, p, x, q, y: v + p * x + q * y, tuple(deps)))
            else:
                row.append(_Node(lambda v, p, x: v + p * x, tuple(deps)))
        new.append(row)
    blk.m = new
    blk.ports = [blk.ports[i] for i in keep]


def _merge(a: _Block, b: _Block, ZERO: _Node) -> _Block:
    n, m = len(a.ports), len(b.ports)
    rows = [r + [ZERO] * m for r in a.m] + [[ZERO] * n + r for r in b.m]
    return _Block(a.ports + b.ports, rows)


def _scaled(node: _Node, f) -> _Node:
    return _Node(lambda v: v * f, (node,))


class Network:
    """Builder for a network of scatterers.

    Examples
    --------
    Two barriers a distance L apart (Fabry-Pérot):

    >>> import sympy as sp
    >>> from lbsym.scatterers import symmetric_barrier
    >>> kL = sp.Symbol("kL", positive=True)
    >>> net = Network()
    >>> net.add("B1", symmetric_barrier(1)).add("B2", symmetric_barrier(2))
    Network(parts=['B1', 'B2'], links=0, leads=[])
    >>> _ = net.connect("B1.right", "B2.left", phase=kL)
    >>> _ = net.external("L", "B1.left").external("R", "B2.right")
    >>> net.smatrix().transmission("R", "L")
    T1*T2/(2*sqrt(R1)*sqrt(R2)*cos(2*kL) + R1*R2 + 1)
    """

    def __init__(self) -> None:
        self._parts: dict[str, SMatrix] = {}
        self._links: list[tuple[tuple[str, Port], tuple[str, Port], sp.Expr, sp.Expr]] = []
        self._external: list[tuple[Any, list[tuple[str, Port]]]] = []
        self._used: dict[tuple[str, Port], str] = {}

    def __repr__(self) -> str:
        return (
            f"Network(parts={list(self._parts)!r}, links={len(self._links)}, "
            f"leads={[lead for lead, _ in self._external]!r})"
        )

    # ------------------------------------------------------------ building
    def add(self, name: str, smatrix: SMatrix, *, check: bool = True) -> "Network":
        """Add a scatterer instance under a unique name (checked unitary)."""
        if not isinstance(smatrix, SMatrix):
            raise TypeError(f"part {name!r} must be an SMatrix; got {type(smatrix).__name__}")
        if not isinstance(name, str) or not name or "." in name:
            raise PortError(f"part names are non-empty strings without '.'; got {name!r}")
        if name in self._parts:
            raise PortError(f"a part named {name!r} is already in the network")
        if check:
            smatrix.check_unitary(f"part {name!r}")
        self._parts[name] = smatrix
        return self

    def _resolve(self, ref: PortRef) -> list[tuple[str, Port]]:
        if isinstance(ref, str):
            if "." not in ref:
                raise PortError(f"a port is written 'part.lead'; got {ref!r}")
            name, lead = ref.split(".", 1)
            chan = None
        elif isinstance(ref, tuple) and len(ref) in (2, 3):
            name, lead = ref[0], ref[1]
            chan = ref[2] if len(ref) == 3 else None
        else:
            raise PortError(f"a port is 'part.lead' or (part, lead[, channel]); got {ref!r}")
        if name not in self._parts:
            raise PortError(f"no part named {name!r}; parts are {sorted(self._parts)}")
        S = self._parts[name]
        ports = [p for p in S.ports if str(p.lead) == str(lead)]
        if chan is not None:
            ports = [p for p in ports if p.channel == chan]
        if not ports:
            raise PortError(
                f"part {name!r} has no port {lead!r}"
                + ("" if chan is None else f" channel {chan}")
                + f"; its leads are {[str(x) for x in S.leads]}"
            )
        return [(name, p) for p in ports]

    def _claim(self, port: tuple[str, Port], what: str) -> None:
        if port in self._used:
            raise PortError(
                f"port {port[0]}.{port[1].lead} (channel {port[1].channel}) is already "
                f"{self._used[port]}; each port can be used once"
            )
        self._used[port] = what

    def connect(self, a: PortRef, b: PortRef, *, phase: Any = 0, flux: Any = 0) -> "Network":
        """Connect port ``a`` to port ``b`` through a propagation element.

        Going from a to b an electron gains e^{i(phase + flux)}, from b to a
        e^{i(phase - flux)} (``flux`` is the Aharonov-Bohm phase of the
        vector potential along the connection).  Leads with several channels
        are connected channel by channel.
        """
        pa, pb = self._resolve(a), self._resolve(b)
        if len(pa) != len(pb):
            raise PortError(
                f"cannot connect {a!r} ({len(pa)} channels) to {b!r} ({len(pb)} channels)"
            )
        if set(pa) & set(pb):
            raise PortError(f"cannot connect a port to itself: {a!r}")
        for x, y in zip(pa, pb):
            self._claim(x, "connected")
            self._claim(y, "connected")
            self._links.append((x, y, sp.sympify(phase), sp.sympify(flux)))
        return self

    def external(self, lead: Any, *ports: PortRef) -> "Network":
        """Declare external lead ``lead`` made of the given parts' ports (its channels)."""
        if any(lead == name for name, _ in self._external):
            raise PortError(f"external lead {lead!r} is already declared")
        resolved: list[tuple[str, Port]] = []
        for ref in ports:
            for p in self._resolve(ref):
                self._claim(p, f"external lead {lead!r}")
                resolved.append(p)
        if not resolved:
            raise PortError(f"external lead {lead!r} needs at least one port")
        self._external.append((lead, resolved))
        return self

    # ---------------------------------------------------------- read-only
    @property
    def parts(self) -> dict[str, SMatrix]:
        return dict(self._parts)

    @property
    def links(self) -> list[tuple[tuple[str, Port], tuple[str, Port], sp.Expr, sp.Expr]]:
        """(port a, port b, phase, flux) of every connection."""
        return list(self._links)

    @property
    def leads(self) -> list[tuple[Any, list[tuple[str, Port]]]]:
        """(lead name, [(part, port), ...]) of every external lead."""
        return [(lead, list(ports)) for lead, ports in self._external]

    # ------------------------------------------------------------- solving
    def validate(self) -> None:
        if not self._parts:
            raise PortError("the network is empty: add scatterers first")
        dangling = [
            f"{name}.{p.lead}" + (f"[{p.channel}]" if p.channel else "")
            for name, S in self._parts.items()
            for p in S.ports
            if (name, p) not in self._used
        ]
        if dangling:
            raise PortError(
                "dangling ports (neither connected nor external): " + ", ".join(dangling)
            )
        # every connected component must reach an external lead
        parent = {n: n for n in self._parts}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for (na, _), (nb, _), _, _ in self._links:
            parent[find(na)] = find(nb)
        open_roots = {find(n) for _, ports in self._external for n, _ in ports}
        closed = sorted(n for n in self._parts if find(n) not in open_roots)
        if closed:
            raise SingularNetworkError(
                f"parts {closed} form a closed network with no exit to any external lead: "
                "its states are bound states, not scattering states"
            )

    def smatrix(self, *, order: Sequence[int] | None = None) -> SMatrix:
        """The composed S-matrix of the external leads, in closed form.

        ``order`` lists the connections (indices into :attr:`links`) in the
        order they are closed; by default each step closes a loop inside a
        block if there is one, else joins the two smallest blocks.  Every
        order gives the same exact result.

        The elimination runs in the free polynomial ring (no relation
        applied, so that Sylvester's exact divisions are found by trial
        division); the results are then reduced to their normal forms modulo
        the parts' relations (R = 1 - T, i^2 = -1, ...): an amplitude that
        vanishes by unitarity is exactly 0, and equal amplitudes have one
        form.  The returned SMatrix keeps that exact form, so that
        transmissions, noise and unitarity are computed in the ring.
        """
        self.validate()
        if order is not None:
            order = list(order)
            if sorted(order) != list(range(len(self._links))):
                raise PortError(
                    f"order must list every connection index 0..{len(self._links) - 1} once; got {order}")
        relations: dict = {}
        ranges: dict = {}
        for S in self._parts.values():
            relations.update(S.relations)
            ranges.update(S.ranges)
        exprs: list[sp.Expr] = []
        for S in self._parts.values():
            exprs.extend(S.matrix)
        fwd_bwd = []
        for _, _, ph, fl in self._links:
            f, b = sp.exp(sp.I * (ph + fl)), sp.exp(sp.I * (ph - fl))
            fwd_bwd.append((f, b))
            exprs += [f, b]
        probe = PolarAlgebra(exprs, relations, free=True)
        diagonal: set = set()
        for S in self._parts.values():
            for i in range(len(S.ports)):
                x = S.matrix[i, i]
                if x != 0:
                    f = probe.to_field(x)
                    for m in f.n.itermonoms():
                        diagonal.update(j for j, e in enumerate(m) if e)
                    diagonal.update(j for j, e in enumerate(f.mono) if e)
        eager = self._even_in_loops(probe, probe.eager_candidates(diagonal))
        while True:
            alg = FlintFreeAlgebra(exprs, relations) if _FLINT else PolarAlgebra(exprs, relations, free=True)
            alg.set_eager(eager)
            try:
                alg, nodes, labels, ZERO = self._eliminate(alg, fwd_bwd, order)
                break
            except EagerViolation as exc:
                eager = {g: r for g, r in eager.items() if g not in exc.gens}
        quot = alg.quotient()

        def entry(i: int, j: int):
            node = nodes[i][j]
            return quot.zero if node is ZERO else quot.from_free(_force(node))

        return SMatrix._from_ring(quot, entry, labels, relations=relations, ranges=ranges)

    def _even_in_loops(self, alg, candidates: dict) -> dict:
        """The candidate eager rules whose generator appears to even powers in every loop.

        For a generator g, every entry of every part has a parity (the
        exponent of g in each of its terms, mod 2; mixed parities rule g
        out).  The ports and links form a graph whose edges carry these
        parities; g appears to an odd power in some pivot only if a cycle has
        odd total parity, which a breadth-first 2-colouring detects.  A barrier
        in a series chain passes (a tree); one in an arm of a ring does not.
        """
        if not candidates:
            return candidates
        fields = {}
        for name, S in self._parts.items():
            n = len(S.ports)
            for i in range(n):
                for j in range(n):
                    x = S.matrix[i, j]
                    if x != 0:
                        fields[(name, i, j)] = alg.to_field(x)
        index = {}
        for name, S in self._parts.items():
            for i, p in enumerate(S.ports):
                index[(name, p)] = (name, i)
        out = {}
        for g, rule in candidates.items():
            edges: dict = {}
            ok = True
            for (name, i, j), f in fields.items():
                par = {m[g] % 2 for m in f.n.itermonoms()} | ({f.mono[g] % 2} if f.mono[g] else set())
                if len(par) != 1:
                    ok = False
                    break
                p = par.pop()
                if i == j:
                    if p:
                        ok = False
                        break
                    continue
                a, b = (name, i), (name, j)
                edges.setdefault(a, []).append((b, p))
                edges.setdefault(b, []).append((a, p))
            if not ok:
                continue
            for x, y, _, _ in self._links:
                a, b = index[x], index[y]
                edges.setdefault(a, []).append((b, 0))
                edges.setdefault(b, []).append((a, 0))
            colour: dict = {}
            for start in edges:
                if start in colour or not ok:
                    continue
                colour[start] = 0
                queue = [start]
                while queue and ok:
                    u = queue.pop()
                    for v, p in edges[u]:
                        c = colour[u] ^ p
                        if v not in colour:
                            colour[v] = c
                            queue.append(v)
                        elif colour[v] != c:
                            ok = False
                            break
            if ok:
                out[g] = rule
        return out

    def _eliminate(self, alg, fwd_bwd, order=None):
        """Close every link (greedy or given order); the external entries as lazy nodes."""
        one, zero = alg.one, alg.zero
        ZERO = _Node(val=zero)

        def leaf(x: sp.Expr) -> _Node:
            f = alg.to_field(x)
            return _Node(val=f) if f.n else ZERO

        blocks: dict[str, _Block] = {}
        owner: dict[tuple[str, Port], str] = {}
        for name, S in self._parts.items():
            ports = [(name, p) for p in S.ports]
            n = len(ports)
            m = [[leaf(S.matrix[i, j]) for j in range(n)] for i in range(n)]
            blocks[name] = _Block(ports, m)
            for p in ports:
                owner[p] = name

        links = [(x, y, alg.to_field(f), alg.to_field(b)) for (x, y, _, _), (f, b)
                 in zip(self._links, fwd_bwd)]
        if order is not None:
            links = [links[i] for i in order]
        while links:
            def cost(link):
                bx, by = owner[link[0]], owner[link[1]]
                if bx == by:
                    return (0, len(blocks[bx].ports))
                return (1, len(blocks[bx].ports) + len(blocks[by].ports))

            best = 0 if order is not None else min(range(len(links)), key=lambda i: cost(links[i]))
            x, y, f, b = links.pop(best)
            bx, by = owner[x], owner[y]
            if bx != by:
                merged = _merge(blocks[bx], blocks[by], ZERO)
                for p in blocks[by].ports:
                    owner[p] = bx
                del blocks[by]
                blocks[bx] = merged
            blk = blocks[bx]
            k = blk.ports.index(x)
            l = blk.ports.index(y)
            # absorb the propagation element into port k: outgoing b_k picks up
            # f before entering l; what enters k (b_l) picked up b on the way.
            if f.n != one.n or any(f.mono) or f.fac:
                blk.m[k] = [v if v is ZERO else _scaled(v, f) for v in blk.m[k]]
            if b.n != one.n or any(b.mono) or b.fac:
                for row in blk.m:
                    if row[k] is not ZERO:
                        row[k] = _scaled(row[k], b)
            _innerconnect(blk, k, l, one, ZERO)

        # assemble the external S-matrix (blocks left are disjoint components)
        ext_ports: list[tuple[str, Port]] = []
        labels: list[Port] = []
        for lead, ports in self._external:
            for c, p in enumerate(ports):
                ext_ports.append(p)
                labels.append(Port(lead, c))
        where = {}
        for name, blk in blocks.items():
            for i, p in enumerate(blk.ports):
                where[p] = (name, i)
        nodes = []
        for pi in ext_ports:
            bi, ii = where[pi]
            row = []
            for pj in ext_ports:
                bj, jj = where[pj]
                row.append(blocks[bi].m[ii][jj] if bi == bj else ZERO)
            nodes.append(row)
        return alg, nodes, labels, ZERO

# ---------------------------------------------------------------- helpers
def series(*parts: SMatrix, phases: Sequence[Any] | None = None) -> SMatrix:
    """Two-ports in series, left to right, with propagation phases between them.

    ``phases[i]`` is the one-way phase (k L) between part i and part i+1
    (default 0).  The result is a two-port with ports ``("left", "right")``.
    """
    if len(parts) < 1:
        raise PortError("series() needs at least one two-port")
    for i, S in enumerate(parts):
        if tuple(str(x) for x in S.leads) != ("left", "right"):
            raise PortError(
                f"series() takes two-ports with leads ('left', 'right'); part {i} has "
                f"{[str(x) for x in S.leads]}"
            )
    phases = list(phases) if phases is not None else [0] * (len(parts) - 1)
    if len(phases) != len(parts) - 1:
        raise PortError(f"{len(parts)} parts need {len(parts) - 1} phases; got {len(phases)}")
    net = Network()
    for i, S in enumerate(parts):
        net.add(f"P{i}", S)
    for i, ph in enumerate(phases):
        net.connect(f"P{i}.right", f"P{i + 1}.left", phase=ph)
    net.external("left", "P0.left").external("right", f"P{len(parts) - 1}.right")
    return net.smatrix()


def ring(
    junction1: SMatrix,
    junction2: SMatrix,
    arm1_phase: Any,
    arm2_phase: Any,
    flux_phase: Any = 0,
) -> SMatrix:
    """A two-arm ring between two three-way junctions, threaded by a flux.

    Junction ports are ``("lead", "arm1", "arm2")`` (see
    :func:`lbsym.scatterers.y_junction`).  Arm i joins junction1.arm_i to
    junction2.arm_i with one-way phase ``arm_i_phase``.  The Aharonov-Bohm
    phase ``flux_phase`` = 2 pi Phi/Phi0 is split symmetrically: +phi/2 along
    arm 1 and -phi/2 along arm 2 (from junction 1 to junction 2), so a loop
    junction1 -> arm1 -> junction2 -> arm2 -> junction1 gains phi.
    The result has leads ``("left", "right")`` (junction1.lead, junction2.lead).
    """
    half = sp.sympify(flux_phase) / 2
    net = Network()
    net.add("J1", junction1).add("J2", junction2)
    net.connect("J1.arm1", "J2.arm1", phase=arm1_phase, flux=half)
    net.connect("J1.arm2", "J2.arm2", phase=arm2_phase, flux=-half)
    net.external("left", "J1.lead").external("right", "J2.lead")
    return net.smatrix()


def bridge(
    arms: Sequence[SMatrix],
    rung: SMatrix,
    junctions: Sequence[SMatrix],
) -> SMatrix:
    """A quantum Wheatstone bridge between two leads.

    Topology: input junction ``J0`` splits into an upper and a lower path;
    each path runs through a two-port, a middle junction and a second
    two-port to the output junction ``J3``; the two middle junctions
    (``J1`` upper, ``J2`` lower) are joined by the ``rung`` two-port.

    Parameters
    ----------
    arms
        Four two-ports ``(upper_in, upper_out, lower_in, lower_out)``.
    rung
        Two-port between J1 (its left) and J2 (its right).
    junctions
        Four three-way junctions (ports ``lead, arm1, arm2``) J0..J3.  For J0
        and J3 the lead is the external lead; for J1 and J2 the lead goes to
        the rung, arm1 to the input side and arm2 to the output side.

    Returns a two-port with leads ``("left", "right")``.
    """
    if len(arms) != 4 or len(junctions) != 4:
        raise PortError("bridge() needs four arms and four junctions")
    net = Network()
    for i, J in enumerate(junctions):
        net.add(f"J{i}", J)
    names = ["Ain", "Aout", "Bin", "Bout"]
    for name, S in zip(names, arms):
        net.add(name, S)
    net.add("C", rung)
    net.connect("J0.arm1", "Ain.left").connect("Ain.right", "J1.arm1")
    net.connect("J1.arm2", "Aout.left").connect("Aout.right", "J3.arm1")
    net.connect("J0.arm2", "Bin.left").connect("Bin.right", "J2.arm1")
    net.connect("J2.arm2", "Bout.left").connect("Bout.right", "J3.arm2")
    net.connect("J1.lead", "C.left").connect("C.right", "J2.lead")
    net.external("left", "J0.lead").external("right", "J3.lead")
    # the rung with its two junctions first, then the input arms and junction, the
    # output junction, and last the two links that close the loops through the output
    # arms: on five general barriers with a symbolic coupling the intermediate
    # polynomials stay smaller than with the greedy order (about 35% less time)
    return net.smatrix(order=[8, 9, 1, 5, 0, 4, 3, 7, 2, 6])

"""Layers: imports run one way, and the lattice solver loads no sympy."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "lbsym"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported (not inside functions or TYPE_CHECKING)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(sub, ast.ImportFrom) and sub.level:
                base = package.split(".")
                base = base[: len(base) - (sub.level - 1)]
                target = ".".join(base + ([sub.module] if sub.module else []))
                for alias in sub.names:
                    full = f"{target}.{alias.name}"
                    out.add(full if (PKG.parent / Path(*full.split("."))).with_suffix(".py").exists()
                            or (PKG.parent / Path(*full.split("."))).is_dir() else target)
            elif isinstance(sub, ast.ImportFrom) and (sub.module or "").startswith("lbsym"):
                out.add(sub.module)
            elif isinstance(sub, ast.Import):
                out |= {a.name for a in sub.names if a.name.startswith("lbsym")}
    return {m for m in out if m != name}


def test_no_import_cycles():
    graph = {_module_name(p): _top_level_imports(p) for p in PKG.rglob("*.py")}
    # the graph is read correctly (one-way doors that must exist)
    assert "lbsym.lattice.rgf" in graph["lbsym.lattice.solver"]
    assert "lbsym.lattice.solver" not in graph["lbsym.lattice.rgf"]
    assert "lbsym.derivation" in graph["lbsym.derivations.fabry_perot"]
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path + [nxt]))
            if not state.get(nxt):
                visit(nxt, path + [nxt])
        state[node] = 2

    for mod in sorted(graph):
        if not state.get(mod):
            visit(mod, [mod])


def test_lattice_loads_no_sympy_and_lbsym_is_light():
    code = "import sys, lbsym.lattice; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    code = "import sys, lbsym; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- numpy stays out of the symbolic core
#: The symbolic core: sympy only.  Numeric routes live in numeric.py, noise_numeric.py,
#: counting_numeric.py (and the float solve of MultiTerminal imports numpy on use).
SYMBOLIC_CORE = ["lbsym.smatrix", "lbsym.algebra", "lbsym.network", "lbsym.scatterers",
                 "lbsym.transport", "lbsym.multiterminal", "lbsym.noise", "lbsym.counting", "lbsym.rmt",
                 "lbsym.thermo", "lbsym.pumping"]
NUMERIC = {"numpy", "scipy", "matplotlib"}  # not mpmath: sympy itself loads it


def _third_party_top_level(path: Path) -> set[str]:
    """Top-level packages (not lbsym) imported when ``path`` is imported (module level only)."""
    out = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(sub, ast.Import):
                out |= {a.name.split(".")[0] for a in sub.names}
            elif isinstance(sub, ast.ImportFrom) and not sub.level and sub.module:
                out.add(sub.module.split(".")[0])
    return out - {"lbsym"}


def _path(module: str) -> Path:
    p = PKG.parent / Path(*module.split("."))
    return p / "__init__.py" if p.is_dir() else p.with_suffix(".py")


def test_symbolic_core_imports_no_numpy_at_module_level():
    """Static: the core and every lbsym module it imports at module level import no numeric package.

    Independent of whether sympy itself pulls numpy in (it does not today; the subprocess test
    below checks the loaded modules)."""
    graph = {_module_name(p): _top_level_imports(p) for p in PKG.rglob("*.py")}
    seen, stack = set(), list(SYMBOLIC_CORE)
    while stack:
        mod = stack.pop()
        if mod in seen or mod not in graph:
            continue
        seen.add(mod)
        stack += graph[mod]
    assert set(SYMBOLIC_CORE) <= seen
    offenders = {m: sorted(_third_party_top_level(_path(m)) & NUMERIC) for m in sorted(seen)}
    assert not {m: v for m, v in offenders.items() if v}, offenders
    # and the check can fail: the numeric layer does import numpy
    assert "numpy" in _third_party_top_level(_path("lbsym.noise_numeric"))


def test_symbolic_core_loads_no_numpy():
    probe = "import sys, sympy; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    if out.stdout.strip() == "True":  # pragma: no cover - a sympy that loads numpy itself
        pytest.skip("sympy itself imports numpy here; the static test above covers lbsym")
    code = ("import sys\nimport " + ", ".join(SYMBOLIC_CORE)
            + "\nprint(sorted(m for m in sys.modules if m.split('.')[0] in %r))" % sorted(NUMERIC))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_symbolic_results_still_work_without_numpy_loaded():
    """Exact multi-terminal solves, symbolic noise and cumulants run without loading numpy;
    a float multi-terminal system loads it on use."""
    code = """
import sys, sympy as sp
from lbsym.multiterminal import MultiTerminal
from lbsym.noise import fano, noise_matrix_symbolic, V
from lbsym.counting import binomial_cgf, cumulants
from lbsym.scatterers import beam_splitter
r = MultiTerminal([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]).two_terminal_resistance(0, 3)
T = sp.Symbol("T", positive=True)
cumulants(binomial_cgf(T), 3); fano([T]); noise_matrix_symbolic(beam_splitter(), {1: V, 2: 0, 3: 0, 4: 0})
print(r, 'numpy' in sys.modules)
print(MultiTerminal([[0, 1.0], [1.0, 0]]).two_terminal_resistance(0, 1), 'numpy' in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["3*h/(4*e**2) False", "1.0 True"]


def test_import_lbsym_is_fast():
    code = ("import time; t = time.perf_counter(); import lbsym, lbsym.errors; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 1.0


@pytest.mark.parametrize("module, name, new", [
    ("lbsym.transport", "MultiTerminal", "lbsym.multiterminal"),
    ("lbsym.transport", "MultiTerminalSolution", "lbsym.multiterminal"),
    ("lbsym.transport", "cancel_rational", "lbsym.multiterminal"),
    ("lbsym.noise", "noise_matrix", "lbsym.noise_numeric"),
    ("lbsym.noise", "noise_integral", "lbsym.noise_numeric"),
    ("lbsym.noise", "noise_value", "lbsym.noise_numeric"),
    ("lbsym.noise", "fermi", "lbsym.noise_numeric"),
    ("lbsym.noise", "transmission_eigenvalues", "lbsym.noise_numeric"),
    ("lbsym.counting", "sample_cumulants", "lbsym.counting_numeric"),
    ("lbsym.counting", "gillespie_counts", "lbsym.counting_numeric"),
    ("lbsym.pumping", "Path", "lbsym.pumping_numeric"),
    ("lbsym.pumping", "Pump", "lbsym.pumping_numeric"),
    ("lbsym.pumping", "line_charge", "lbsym.pumping_numeric"),
])
def test_moved_names_forward_with_a_warning(module, name, new):
    import importlib

    with pytest.warns(DeprecationWarning, match=f"moved to {new}.{name}"):
        old = getattr(importlib.import_module(module), name)
    assert old is getattr(importlib.import_module(new), name)
    assert name not in importlib.import_module(module).__all__
    with pytest.raises(AttributeError):
        getattr(importlib.import_module(module), "no_such_name")

"""Layers: imports run one way, and the lattice solver loads no sympy."""

import ast
import subprocess
import sys
from pathlib import Path

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

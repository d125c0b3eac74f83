"""The package's layout: no import cycle, ``__init__`` files that only hand names on, small
modules (or a written reason), and docs/architecture.md naming modules that exist."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lqcalc"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: Lines above which a module says at the top of its docstring why it is one module.
MAX_LINES = 400
LONG_REASON = "Why this module is long:"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, mods: dict[str, Path], *, top_level_only: bool = False) -> set[str]:
    """The package modules that ``name`` imports: at module level only, or anywhere in it
    (function-level imports included; not those under ``if TYPE_CHECKING:``, which never
    run). ``from a import b`` names the module ``a.b`` when there is one, else ``a``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):     # imports for type checkers only never run
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in mods)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                here = here[:len(here) - (node.level - 1)]
                src = ".".join(here + ([node.module] if node.module else []))
            else:
                src = node.module or ""
            for a in node.names:
                if f"{src}.{a.name}" in mods:
                    found.add(f"{src}.{a.name}")
                elif src in mods:
                    found.add(src)
    found.discard(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph`` (each as the path that closes it), by depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(u: str) -> None:
        state[u] = 1
        stack.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                found.append(stack[stack.index(v):] + [v])
            elif v not in state:
                visit(v)
        stack.pop()
        state[u] = 2

    for u in sorted(graph):
        if u not in state:
            visit(u)
    return found


def test_cycle_finder_finds_a_cycle(tmp_path):
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    src = tmp_path / "m.py"
    src.write_text("import lqcalc.x\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import lqcalc.y\n"
                   "def f():\n    from lqcalc import z\n    from . import w\n")
    mods = {n: src for n in ("lqcalc.x", "lqcalc.y", "lqcalc.z", "lqcalc.w", "lqcalc")}
    assert imports("lqcalc.m", src, mods, top_level_only=True) == {"lqcalc.x"}
    assert imports("lqcalc.m", src, mods) == {"lqcalc.x", "lqcalc.z", "lqcalc.w"}


def test_no_import_cycles_in_the_package():
    """No module imports itself back through others: neither at module level nor through
    the imports inside functions (which hide a cycle rather than remove it)."""
    mods = modules()
    assert "lqcalc.tables.growth" in mods and "lqcalc.validation.checks" in mods
    for top_level_only in (True, False):
        graph = {n: imports(n, p, mods, top_level_only=top_level_only) for n, p in mods.items()}
        assert sum(len(v) for v in graph.values()) > 100     # the imports were found
        assert cycles(graph) == [], f"import cycles ({'module level' if top_level_only else 'any level'})"


def test_init_files_only_hand_names_on():
    """An ``__init__.py`` holds a docstring, imports and ``__all__`` / ``__version__``: no code."""
    for init in sorted(PACKAGE.rglob("__init__.py")):
        for i, node in enumerate(ast.parse(init.read_text(encoding="utf-8")).body):
            if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue   # the docstring
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            assert isinstance(node, ast.Assign) and names and set(names) <= {"__all__", "__version__"}, \
                f"{init.relative_to(ROOT)} line {node.lineno}: code in an __init__.py"


def test_modules_are_small_or_say_why():
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert LONG_REASON in doc, f"{name} has {lines} lines and no '{LONG_REASON}' in its docstring"


def test_one_module_per_output_table():
    from lqcalc.builder import ALL_TABLES

    for table in ALL_TABLES:
        assert (PACKAGE / "tables" / f"{table}.py").is_file(), table


def named_modules(text: str) -> set[str]:
    """What a page names in code spans: ``lqcalc.x.y`` (a module, or a name in one) and
    ``lqcalc/x/y.py`` (a file) or ``lqcalc/x/`` (a package)."""
    names = set(re.findall(r"`(lqcalc(?:\.[A-Za-z_]+)+)`", text))
    names |= {p.removesuffix(".py").rstrip("/").removesuffix("/__init__").replace("/", ".")
              for p in re.findall(r"`(lqcalc/[a-z_/]+(?:\.py)?)`", text)}
    return names


def resolve(name: str, mods: dict[str, Path]) -> str | None:
    """The module ``name`` is, or holds (``lqcalc.tables.keys.pack_keys`` is in
    ``lqcalc.tables.keys``); None when there is no such module or name."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module = ".".join(parts[:i])
        if module in mods:
            if i == len(parts):
                return module     # a module, not imported (lqcalc.__main__ would run)
            obj = importlib.import_module(module)
            for attr in parts[i:]:
                if not hasattr(obj, attr):
                    return None
                obj = getattr(obj, attr)
            return module
    return None


def test_architecture_page_names_only_modules_that_exist():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    mods = modules()
    named = named_modules(text)
    assert len(named) >= 60, sorted(named)
    missing = sorted(n for n in named if resolve(n, mods) is None)
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"
    # and the map covers every module of the package
    covered = {resolve(n, mods) for n in named}
    unnamed = sorted(n for n in mods if n not in covered)
    assert not unnamed, f"docs/architecture.md does not name: {unnamed}"


def layers(text: str) -> dict[str, int]:
    """Row of the module map (``| layer | modules |``) of every module it lists, top row 0."""
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`lqcalc" in line]
    return {m: i for i, line in enumerate(rows) for m in named_modules(line)}


def test_imports_go_down_the_module_map():
    """A module imports modules of its own row of docs/architecture.md or of rows below it."""
    mods = modules()
    row = layers(ARCHITECTURE.read_text(encoding="utf-8"))
    assert row["lqcalc.cli"] == 0 and row["lqcalc.tables.growth"] < row["lqcalc.tables.keys"] < row["lqcalc.schema"]
    upward = sorted(f"{n} -> {t}" for n, p in mods.items() for t in imports(n, p, mods) if row[t] < row[n])
    assert not upward, f"imports up the module map: {upward}"


def test_named_modules_reads_both_spellings():
    mods = modules()
    named = named_modules("`lqcalc.tables.keys.pack_keys` and `lqcalc/io/long.py`, `lqcalc/metrics/`, `lqcalc.nothing`")
    assert named == {"lqcalc.tables.keys.pack_keys", "lqcalc.io.long", "lqcalc.metrics", "lqcalc.nothing"}
    assert [resolve(n, mods) for n in sorted(named)] == ["lqcalc.io.long", "lqcalc.metrics", None,
                                                          "lqcalc.tables.keys"]
    assert resolve("lqcalc.tables.keys.no_such_helper", mods) is None

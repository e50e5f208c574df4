"""The code's shape: no import cycle anywhere, and views short enough to read at a glance.

Read from the source with ``ast`` (nothing is imported), so imports behind ``TYPE_CHECKING``
or inside functions count too: a cycle hidden there is still a cycle for a reader.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gistjournal", "journal", "library", "bench")
MAX_VIEW_LINES = 40


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (``from a.b import c`` counts a.b.c if that
    is a module, else a.b)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in known else node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[name] = {target for target in targets if target in known and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_module_imports_itself_through_others():
    graph = import_graph()
    assert "journal.models.daylog" in graph  # the walk saw the code
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_views_are_short():
    long_views = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"
        for package in PACKAGES
        for path in (ROOT / package).rglob("views.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
        and (length := node.end_lineno - node.lineno + 1) > MAX_VIEW_LINES
    ]
    views = list(ROOT.glob("journal/*/views.py"))
    assert len(views) >= 6
    assert long_views == []

"""The shape of ui/: features import only ui/common and the engine; no import circles.

Read from the source with ast, so the rule holds for imports inside functions and under
TYPE_CHECKING too (a circle hidden there still ties the modules together for the reader).
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
SHARED = {"common"}
WIRING = {"shell"}  # the one place that wires features together


def _module(path: Path) -> str:
    return ".".join(path.relative_to(UI.parent).with_suffix("").parts).removesuffix(".__init__")


def ui_imports() -> dict[str, set[str]]:
    """Every ui module and the ui modules it names in an import statement."""
    found: dict[str, set[str]] = {}
    for path in UI.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "ui":
                    names |= {f"ui.{alias.name}" for alias in node.names}
                elif node.module.startswith("ui."):
                    names.add(node.module)
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names if a.name.startswith("ui.")}
        found[_module(path)] = names
    return found


def feature_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_ui_module_is_in_a_feature_folder():
    loose = [p.name for p in UI.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], f"modules directly under ui/: {loose}"


def test_a_feature_imports_only_common_and_itself():
    crossing = []
    for module, names in ui_imports().items():
        feature = feature_of(module)
        if feature in WIRING | SHARED or not feature:
            continue
        for name in names:
            if feature_of(name) not in {feature, *SHARED}:
                crossing.append(f"{module} imports {name}")
    assert crossing == []


def test_common_imports_no_feature():
    crossing = [
        f"{module} imports {name}"
        for module, names in ui_imports().items()
        if feature_of(module) in SHARED
        for name in names
        if feature_of(name) not in SHARED
    ]
    assert crossing == []


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_ui_has_no_import_circle():
    assert _circles(ui_imports()) == []


def test_the_checks_see_a_circle_and_a_crossing():
    # The detector itself must be able to fail.
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert feature_of("ui.leads.panel") == "leads" and feature_of("ui") == ""

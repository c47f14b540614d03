"""The package's layers only point down, and no module imports itself round a circle.

Layers, lowest first (a module may import its own layer and those below):
  0 foundation: errors, msgids, words, clock, text, domain, config, files, runtime, db, schema,
    models, migrations, catalog, samples, storage
  1 importer, intake: reading agreement texts and follow-up texts
  2 services: the rules, over the database
  3 outputs: reports (views and rendering), digests (mail), scheduling (when to run them)
  4 edges: web, cli, bench
Imports inside functions count as much as those at the top: a lazy import that runs back up a
layer is still a dependency the wrong way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"
LAYERS = {
    "errors": 0, "msgids": 0, "words": 0, "clock": 0, "text": 0, "domain": 0, "config": 0,
    "files": 0, "runtime": 0, "db": 0, "schema": 0, "models": 0, "migrations": 0, "catalog": 0,
    "samples": 0, "locale": 0, "storage": 0, "logs": 0, "__init__": 0, "__main__": 4,
    "importer": 1, "intake": 1,
    "services": 2,
    "reports": 3, "digests": 3, "scheduling": 3,
    "web": 4, "cli": 4, "bench": 4,
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> Iterator[str]:
    """The tracker modules `path` imports, anywhere in it (`from package import module` counts
    as importing that module, not the package's `__init__`)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("tracker"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if base.startswith("tracker"):
                named = [f"{base}.{alias.name}" for alias in node.names]
                yield from (name for name in named if name in modules)
                if not all(name in modules for name in named):
                    yield base


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: {
            target for target in imports(path, set(modules)) if target in modules and target != name
        }
        for name, path in modules.items()
    }


def layer(module: str) -> int:
    return LAYERS[module.split(".")[1] if "." in module else "__init__"]


def test_every_top_level_module_has_a_layer() -> None:
    tops = {module.split(".")[1] for module in graph() if "." in module}
    assert tops - set(LAYERS) == set()


def test_no_import_runs_back_up_a_layer() -> None:
    upward = sorted(
        f"{source} -> {target}"
        for source, targets in graph().items()
        for target in targets
        if layer(target) > layer(source)
    )
    assert upward == []


def test_no_module_imports_itself_round_a_circle() -> None:
    edges = graph()
    circles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert circles == []

"""The layers of bot/: read every import statement (plain ast, nothing imported), fail on a cycle or an upward import."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# Lowest first. A package imports only packages in lower layers; packages sharing a layer do not import each other.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"settings"}),
    frozenset({"knowledge"}),
    frozenset({"rules"}),
    frozenset({"language"}),
    frozenset({"database"}),
    frozenset({"applications", "staff"}),
    frozenset({"answers"}),
    frozenset({"dialogue"}),
    frozenset({"feedback"}),
)
# What sits on top of bot/ (or is the framework under it) and so is never imported by it.
FORBIDDEN = frozenset({"rasa", "rasa_sdk", "rasa_ext", "actions", "webapp", "fastapi"})


@dataclass(frozen=True)
class Edge:
    """One import statement: the importing module, the imported name and where the statement is."""

    source: str
    target: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}"


def module_names(root: Path) -> dict[str, Path]:
    """Return every module under root by its dotted name (a package by its own name, not `.__init__`)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path) -> Iterable[tuple[str, int]]:
    """Yield each name an import statement in a module brings in, made absolute, with its line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            yield origin, node.lineno
            for alias in node.names:
                yield f"{origin}.{alias.name}", node.lineno


def import_edges(root: Path) -> tuple[list[Edge], list[Edge]]:
    """Return the imports between modules under root, and the imports of anything outside it."""
    modules = module_names(root)
    inside: dict[tuple[str, str], Edge] = {}
    outside = []
    for module, path in modules.items():
        where_of = f"{path.relative_to(root.parent)}:{{}}".format
        for name, line in imported_names(module, path):
            parts = name.split(".")
            if parts[0] != root.name:
                outside.append(Edge(module, name, where_of(line)))
                continue
            # The longest prefix that is a module: `from bot.rules import idnumber` reaches bot.rules.idnumber.
            target = next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in modules), None)
            if target is not None and target != module:
                inside.setdefault((module, target), Edge(module, target, where_of(line)))
    return list(inside.values()), outside


def package_of(module: str) -> str | None:
    """Return the bot/ package a module belongs to (`bot.settings` is one), None for `bot` itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def package_edges(edges: Iterable[Edge]) -> list[Edge]:
    """Return one edge (the first statement found) per pair of distinct packages that import each other."""
    found: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        source, target = package_of(edge.source), package_of(edge.target)
        if source and target and source != target:
            found.setdefault((source, target), Edge(source, target, edge.where))
    return list(found.values())


def find_cycle(edges: Iterable[Edge]) -> list[Edge]:
    """Return the edges of one cycle in the graph, or an empty list when it has none."""
    graph: dict[str, list[Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, []).append(edge)
    done: set[str] = set()
    path: list[Edge] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[Edge]:
        on_path.add(node)
        for edge in graph.get(node, []):
            if edge.target in on_path:
                # The loop starts where the path left the target (nowhere, for a module importing itself).
                start = next((i for i, e in enumerate(path) if e.source == edge.target), len(path))
                return [*path[start:], edge]
            if edge.target not in done:
                path.append(edge)
                cycle = visit(edge.target)
                if cycle:
                    return cycle
                path.pop()
        on_path.discard(node)
        done.add(node)
        return []

    for node in list(graph):
        if node not in done:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def rank_of(layers: tuple[frozenset[str], ...]) -> dict[str, int]:
    """Return each package's layer number, lowest 0."""
    return {package: rank for rank, layer in enumerate(layers) for package in layer}


def against_layers(edges: Iterable[Edge], ranks: Mapping[str, int]) -> list[Edge]:
    """Return the package imports that go up a layer or across one (between packages sharing a layer)."""
    return [edge for edge in edges if ranks[edge.source] <= ranks[edge.target]]


def forbidden_imports(edges: Iterable[Edge], forbidden: frozenset[str]) -> list[Edge]:
    """Return the imports of a forbidden top-level package."""
    return [edge for edge in edges if edge.target.split(".")[0] in forbidden]


@pytest.fixture(scope="module")
def bot_graph() -> tuple[list[Edge], list[Edge]]:
    return import_edges(BOT)


def test_every_bot_package_has_a_layer(bot_graph):
    packages = {package_of(module) for module in module_names(BOT)} - {None}
    assert packages == set(rank_of(LAYERS)), "place every bot/ package in LAYERS (and drop gone ones)"


def test_no_cycle_between_bot_modules(bot_graph):
    inside, _ = bot_graph
    assert inside, "the walker found no import inside bot/"
    assert find_cycle(inside) == [], "\n".join(map(str, find_cycle(inside)))


def test_no_cycle_between_bot_packages(bot_graph):
    packages = package_edges(bot_graph[0])
    assert find_cycle(packages) == [], "\n".join(map(str, find_cycle(packages)))


def test_no_bot_package_imports_a_higher_or_sibling_one(bot_graph):
    packages = package_edges(bot_graph[0])
    assert {(edge.source, edge.target) for edge in packages} >= {("dialogue", "answers"), ("answers", "applications")}
    wrong = against_layers(packages, rank_of(LAYERS))
    assert wrong == [], "\n".join(map(str, wrong))


def test_bot_imports_no_rasa_channel_action_or_web_code(bot_graph):
    _, outside = bot_graph
    assert {edge.target.split(".")[0] for edge in outside} >= {"pydantic", "sqlalchemy"}
    forbidden = forbidden_imports(outside, FORBIDDEN)
    assert forbidden == [], "\n".join(map(str, forbidden))


# The checks themselves, on graphs with the faults they look for.

def edges_of(*pairs: str) -> list[Edge]:
    """Return edges written as 'source>target'."""
    return [Edge(*pair.split(">"), where="test") for pair in pairs]


def test_find_cycle_returns_the_loop_and_nothing_for_a_tree():
    assert find_cycle(edges_of("a>b", "b>c", "a>c", "c>d")) == []
    cycle = find_cycle(edges_of("a>b", "b>c", "c>d", "d>b"))
    assert [(e.source, e.target) for e in cycle] == [("b", "c"), ("c", "d"), ("d", "b")]
    assert [(e.source, e.target) for e in find_cycle(edges_of("x>x"))] == [("x", "x")]


def test_against_layers_flags_upward_and_sideways_edges():
    ranks = rank_of(LAYERS)
    assert against_layers(edges_of("dialogue>answers", "answers>applications", "staff>database"), ranks) == []
    wrong = against_layers(edges_of("knowledge>language", "staff>applications", "rules>knowledge"), ranks)
    assert [(e.source, e.target) for e in wrong] == [("knowledge", "language"), ("staff", "applications")]


def test_walker_reads_relative_nested_and_forbidden_imports(tmp_path):
    package = tmp_path / "bot"
    for folder in (package, package / "low", package / "high"):
        folder.mkdir()
        (folder / "__init__.py").write_text("")
    (package / "low" / "base.py").write_text("from ..high import view\n")
    (package / "high" / "view.py").write_text("def show():\n    from bot.low import base\n    import rasa_sdk.events\n")
    inside, outside = import_edges(package)
    assert {(e.source, e.target) for e in inside} == {  # a package's __init__ runs before its module is imported
        ("bot.low.base", "bot.high"), ("bot.low.base", "bot.high.view"),
        ("bot.high.view", "bot.low"), ("bot.high.view", "bot.low.base"),
    }
    assert find_cycle(inside) and find_cycle(package_edges(inside))
    assert against_layers(package_edges(inside), {"low": 0, "high": 1}) == [Edge("low", "high", "bot/low/base.py:1")]
    forbidden = [str(e) for e in forbidden_imports(outside, FORBIDDEN)]
    assert forbidden == ["bot/high/view.py:3: bot.high.view imports rasa_sdk.events"]


# The README's structure table: one line per top-level folder and per part of bot/, no more.

def readme_structure_rows(readme: str) -> list[str]:
    """Return the first cell (without backticks) of each row of the README's structure table."""
    section = readme.split("\n## 结构\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| `")]
    return [row.strip("`") for row in rows]


def test_readme_structure_table_lists_every_folder_and_bot_package():
    root = BOT.parent
    ignored = {line.strip().strip("/") for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines()}
    folders = {f"{p.name}/" for p in root.iterdir()
               if p.is_dir() and p.name not in ignored and (not p.name.startswith(".") or p.name == ".ci")}
    parts = {f"bot/{p.name}/" for p in BOT.iterdir() if (p / "__init__.py").exists()} | {"bot/settings.py"}
    rows = readme_structure_rows((root / "README.md").read_text(encoding="utf-8"))
    assert len(rows) == len(set(rows))
    assert set(rows) == folders | parts

"""The package layout: stages, no import circles, short names, a docstring per module.

ARCHITECTURE.md describes the rules checked here. Imports are read from the source (``ast``),
including imports inside functions; imports under ``if TYPE_CHECKING:`` are for type checkers
only and do not count.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gci"

#: Stages in the order data flows; a module imports only from its own stage or earlier ones.
STAGES = ("foundation", "inputs", "engine", "analysis", "present", "cli")

#: The documented exceptions (importer, imported): each is a lazy import inside a function.
ALLOWED_UPWARD = {
    # a framework's `normalise:` method is checked against the engine's registry of methods
    ("gci.inputs.framework", "gci.engine.normalise"),
    # numeric questions normalised across countries get their credit while answers are typed
    ("gci.inputs.responses", "gci.engine.normalise"),
    # a framework written back as a CSV/XLSX table uses the one table writer
    ("gci.inputs.framework_table", "gci.present.tables"),
    # `gci validate --report FILE` writes its problem table with the one table writer
    ("gci.inputs.validate", "gci.present.tables"),
    # ScoreResult's thin methods (.write, .to_csv, .manifest, .plot), as pyam's IamDataFrame
    ("gci.engine.result", "gci.present.output"),
    ("gci.engine.result", "gci.present.tables"),
    ("gci.engine.result", "gci.present.plots"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def stage_of(module: str) -> str:
    """``gci.<stage>[.…]`` → its stage; ``python -m gci`` runs the CLI; the rest is foundation."""
    parts = module.split(".")
    if module == "gci.__main__":
        return "cli"
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "foundation"


def _imports() -> dict[str, set[str]]:
    """Module -> gci modules it imports (at run time, anywhere in the module)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in files}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = {f"{target}.{a.name}" for a in node.names} & set(files)
                found |= subs
                if target in files and len(subs) < len(node.names) and target != name:
                    found.add(target)
        graph[name] = found - {name}
    return graph


GRAPH = _imports()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_graph_sees_the_imports():
    """The reader of imports finds known edges (so the checks below cannot pass vacuously)."""
    assert "gci.inputs.framework" in GRAPH["gci.engine.scoring"]
    assert "gci.inputs.tables" in GRAPH["gci.inputs.countries"]  # an import inside a function
    assert "gci.engine.result" not in GRAPH["gci.present.plots.pillars"]  # TYPE_CHECKING only
    assert len(GRAPH) > 50


def test_no_import_circles():
    assert _cycles(GRAPH) == []


def test_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_import_only_earlier_stages():
    order = {s: i for i, s in enumerate(STAGES)}
    upward = {(m, t) for m, targets in GRAPH.items() for t in targets
              if order[stage_of(t)] > order[stage_of(m)]}
    assert upward - ALLOWED_UPWARD == set(), "imports against the flow of stages"
    assert ALLOWED_UPWARD - upward == set(), "an exception no longer needed: remove it"


def test_nothing_imports_the_command_line():
    users = {m for m, targets in GRAPH.items() for t in targets
             if t.startswith("gci.cli") and not m.startswith("gci.cli") and m != "gci.__main__"}
    assert users == set()
    # inside the CLI, command modules import the shared options, never the group that lists them
    assert {m for m, t in GRAPH.items() if "gci.cli.app" in t} <= {"gci.__main__", "gci.cli"}


def test_every_command_module_is_registered_in_one_place():
    from gci.cli.app import main

    registered = set()
    for path in (PACKAGE / "cli").glob("*.py"):
        if path.stem in ("__init__", "app", "options"):
            continue
        module = importlib.import_module(f"gci.cli.{path.stem}")
        names = {c.name for c in module.COMMANDS}
        assert names, f"{path.name} adds no command"
        registered |= names
    assert registered == set(main.commands)


def test_every_module_says_what_it_owns():
    missing = [m for m, p in ((module_name(p), p) for p in PACKAGE.rglob("*.py"))
               if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
               and m not in ("gci._version", "gci.data")]
    assert missing == []


@pytest.mark.parametrize("short, real", [
    ("gci.whatif", "gci.analysis.whatif"), ("gci.plots", "gci.present.plots"),
    ("gci.plots.radar", "gci.present.plots.radar"), ("gci.normalise", "gci.engine.normalise"),
    ("gci.responses", "gci.inputs.responses"), ("gci.plots_uncertainty",
                                                 "gci.present.plots.uncertainty"),
])
def test_short_names_are_the_same_modules(short, real):
    assert importlib.import_module(short) is importlib.import_module(real)


def test_every_short_name_resolves():
    from gci._short_names import SHORT_NAMES

    for short, real in SHORT_NAMES.items():
        assert importlib.import_module(f"gci.{short}") is importlib.import_module(f"gci.{real}")
        assert (PACKAGE / Path(*real.split(".")).with_suffix(".py")).is_file() or \
            (PACKAGE / Path(*real.split(".")) / "__init__.py").is_file()


def test_import_gci_reaches_documented_subpackages_lazily():
    code = (
        "import sys, gci\n"
        "assert not {'numpy', 'pandas', 'matplotlib', 'scipy'} & set(sys.modules), 'eager'\n"
        "f = gci.whatif.what_if\n"
        "assert 'matplotlib' not in sys.modules and 'scipy' not in sys.modules, 'whatif heavy'\n"
        "print(f.__module__, gci.plots.published_ranks.__module__, gci.normalise.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["gci.analysis.whatif", "gci.inputs.published",
                                  "gci.engine.normalise"]


def test_unknown_attribute_is_an_attribute_error():
    import gci

    with pytest.raises(AttributeError, match="no attribute 'plotz'"):
        gci.plotz  # noqa: B018


def test_a_short_submodule_name_does_not_hide_a_function_of_its_package():
    """``gci.plots.radar`` is both a module and the function the package exports."""
    code = ("import sys, gci, gci.plots.radar, gci.present.plots as p\n"
            "m = sys.modules['gci.plots.radar']\n"
            "print(callable(p.radar), m is sys.modules['gci.present.plots.radar'], m.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "gci.present.plots.radar"]

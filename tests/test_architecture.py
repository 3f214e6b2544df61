"""The house rules, checked on the source: small modules, one-way dependencies, figures apart.

These read the package's source with :mod:`ast`; nothing is imported or run.
Each rule names the offending module and line so a failure says what to move.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corpus_tools"

#: Layers, lowest first. A module may import from its own layer or a lower one,
#: never from a higher one. (config/io/cache are the ground every layer stands on;
#: stats depends on nothing of ours but errors.)
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("corpus_tools.config", "corpus_tools.errors", "corpus_tools.io", "corpus_tools.cache")),
    ("data", ("corpus_tools.corpus", "corpus_tools.stats")),
    ("tokens", ("corpus_tools.tokens",)),
    ("analyses", ("corpus_tools.describe", "corpus_tools.keywords", "corpus_tools.topics", "corpus_tools.compare",
                  "corpus_tools.distributed")),
    ("plots", ("corpus_tools.plots",)),
    ("front", ("corpus_tools.notebook", "corpus_tools.explore", "corpus_tools.report", "corpus_tools.cli",
               "corpus_tools.__main__", "corpus_tools")),
]
MAX_LINES = 700


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> int:
    best = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (i, len(prefix))
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in tests/test_architecture.py")
    return best[0]


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _imports(module: str):
    """``(line, imported module, names)`` for every import of a corpus_tools module in ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "corpus_tools":
                    yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "corpus_tools":
                continue
            names = [a.name for a in node.names]
            # "from . import stats" imports a module, not a name
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            if submodules:
                for sub in submodules:
                    yield node.lineno, sub, []
                rest = [n for n in names if f"{target}.{n}" not in MODULES]
                if rest:
                    yield node.lineno, target, rest
            else:
                yield node.lineno, target, names


def test_every_module_is_in_a_layer():
    for module in MODULES:
        _layer(module)


def test_no_import_from_a_lower_layer_to_a_higher_one():
    wrong = []
    for module in MODULES:
        for line, target, _ in _imports(module):
            if target not in MODULES:
                target = target.rsplit(".", 1)[0]
            if _layer(target) > _layer(module):
                wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {target} "
                             f"({LAYERS[_layer(module)][0]} -> {LAYERS[_layer(target)][0]})")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_module_imports_another_modules_private_name():
    wrong = []
    for module in MODULES:
        for line, target, names in _imports(module):
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {target}.{name}")
        # attribute access on an imported module: ``tokens._codes``
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_") and not node.attr.startswith("__")):
                wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{node.lineno} uses "
                             f"{node.value.id}.{node.attr}")
    assert not wrong, "private names used across modules:\n" + "\n".join(wrong)


def test_layers_have_no_import_cycles():
    graph = {m: set() for m in MODULES}
    for module in MODULES:
        for _, target, _ in _imports(module):
            if target not in MODULES:
                target = target.rsplit(".", 1)[0]
            if target != module and target in MODULES and not module.startswith(target + "."):
                graph[module].add(target)
    # a package's __init__ re-exports its submodules: that edge is not a dependency of the submodules
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m):
        state[m] = 1
        path.append(m)
        for n in graph[m]:
            if _is_package(n) and m.startswith(n + "."):
                continue
            if state.get(n) == 1:
                cycle = path[path.index(n):] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        path.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module):
    n = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{MODULES[module].relative_to(PACKAGE.parent)} has {n} lines (> {MAX_LINES}): split it"


def test_figures_live_in_plots_only():
    wrong = []
    for module, path in MODULES.items():
        if module.startswith("corpus_tools.plots"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("plot_"):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} defines {node.name}")
    assert not wrong, "plot_* functions outside corpus_tools/plots/:\n" + "\n".join(wrong)


def test_every_public_plot_function_is_reusable():
    """A figure that is not @reusable is drawn on every refresh (plots/save.py): the decorator is the rule."""
    bare = []
    for module, path in MODULES.items():
        if not module.startswith("corpus_tools.plots"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("plot_"):
                names = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
                if "reusable" not in names:
                    bare.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}")
    assert not bare, "plot_* functions without @reusable:\n" + "\n".join(bare)


def test_plot_function_names_are_unique():
    seen: dict[str, str] = {}
    dup = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("plot_") and node.col_offset == 0:
                if node.name in seen:
                    dup.append(f"{node.name} in {seen[node.name]} and {module}")
                seen[node.name] = module
    assert not dup, dup


def test_no_hand_written_file_format():
    hits = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py") if "thrift" in p.read_text().lower()]
    assert not hits, f"a hand-written Parquet/Thrift codec is back: {hits}"

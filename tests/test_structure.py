"""The package's shape: the core knows nothing of MkDocs, and no two modules need each other."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "generator"
# The modules that meet MkDocs: its plugin, the plugin's options, the live preview on its
# server, the build command that runs MkDocs, and the command line that starts it. Everything
# else is the core.
FRONT_ENDS = {"plugin", "config", "livepreview", "build", "cli"}
MKDOCS = ("mkdocs", "material")


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package, subpackages included, by dotted name inside it: "load",
    "exports" (a subpackage's __init__.py), "exports.csv"."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts) or "__init__"] = path
    return found


def imports(module: Path, name: str = "") -> tuple[set[str], set[str]]:
    """(top-level packages, dotted names inside this package) a module imports, in functions
    too. `name` is the module's dotted name in the package, to resolve relative imports."""
    packages, own = set(), set()
    is_package = module.name == "__init__.py"
    here = name.split(".") if name and name != "__init__" else []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            packages |= {alias.name.split(".")[0] for alias in node.names}
            own |= {
                a.name.removeprefix("generator.")
                for a in node.names
                if a.name.startswith("generator.")
            }
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
            if node.module.startswith("generator."):
                base = node.module.removeprefix("generator.")
                own |= {base} | {f"{base}.{alias.name}" for alias in node.names}
            elif node.module == "generator":
                own |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            # `from . import x` in a.b names a.x; in the package a itself, a.x.
            parent = here if is_package else here[:-1]
            parent = parent[: len(parent) - (node.level - 1)]
            base = ".".join([*parent, *([node.module] if node.module else [])])
            own |= {base} if base else set()
            own |= {f"{base}.{alias.name}".lstrip(".") for alias in node.names}
    return packages, own


def import_graph(package: Path) -> dict[str, set[str]]:
    """Which modules each module of the package imports; a name imported from a module (a
    function, a class) counts as the module."""
    modules = module_names(package)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        targets = {known(target) for target in imports(path, name)[1]}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def core_modules() -> list[str]:
    return sorted(name for name in module_names(PACKAGE) if name not in FRONT_ENDS)


def test_the_front_ends_are_modules_of_the_package():
    assert FRONT_ENDS <= set(module_names(PACKAGE))


@pytest.mark.parametrize("module", core_modules())
def test_the_core_imports_nothing_from_mkdocs(module):
    packages = imports(module_names(PACKAGE)[module], module)[0]
    front_ends = import_graph(PACKAGE)[module] & FRONT_ENDS
    assert not packages & set(MKDOCS), f"generator {module} imports {packages & set(MKDOCS)}"
    assert not front_ends, f"generator {module} imports the front end {front_ends}"


def test_no_two_modules_import_each_other():
    try:
        graphlib.TopologicalSorter(import_graph(PACKAGE)).prepare()
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_a_cycle_is_found(tmp_path):
    """The check above would see the cycle load.py and validate.py once made, even through an
    import inside a function."""
    (tmp_path / "load.py").write_text(
        "from . import schema\n\ndef load():\n    from . import validate\n"
    )
    (tmp_path / "validate.py").write_text("from .load import load\n")
    (tmp_path / "schema.py").write_text("")
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(import_graph(tmp_path)).prepare()


def test_a_subpackage_is_read_like_a_module(tmp_path):
    """A package of modules (generator/exports/) is held to the same rules: its modules' imports,
    relative to the subpackage, are resolved, and a cycle through it is found."""
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "__init__.py").write_text("from .csv import write\n")
    (tmp_path / "exports" / "csv.py").write_text("from ..pages import Page\nimport mkdocs\n")
    (tmp_path / "pages.py").write_text("from . import exports\n")
    (tmp_path / "plugin.py").write_text("from .exports.csv import write\n")
    graph = import_graph(tmp_path)
    assert graph == {
        "exports": {"exports.csv"},
        "exports.csv": {"pages"},
        "pages": {"exports"},
        "plugin": {"exports.csv"},
    }
    assert imports(tmp_path / "exports" / "csv.py", "exports.csv")[0] == {"mkdocs"}
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(graph).prepare()


def test_the_readme_names_every_module_with_its_job():
    """The README's architecture table is the map a new maintainer reads first: a module it
    leaves out is one nobody will find."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("Every module of `generator/`", 1)[1].split("\n\n", 2)[1]
    named = {cell for row in table.splitlines() for cell in row.split("`")[1::2]}
    modules = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "scaffold" not in path.parts and path.name != "__init__.py"
    }
    assert sorted(modules - named) == []

"""The package's shape: the core knows nothing of MkDocs, and no two modules need each other."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "generator"
# The modules that meet MkDocs: its plugin, the plugin's options, the live preview on its
# server, the build command that runs MkDocs, and the command line that starts it. Everything
# else is the core.
FRONT_ENDS = {"plugin", "config", "livepreview", "build", "cli"}
MKDOCS = ("mkdocs", "material")


def imports(module: Path) -> tuple[set[str], set[str]]:
    """(top-level packages, modules of this package) a module imports, in functions too."""
    packages, own = set(), set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            packages |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
            if node.module.startswith("generator."):
                own.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom):
            own |= (
                {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
            )
    return packages, own


def import_graph(package: Path) -> dict[str, set[str]]:
    modules = {path.stem: path for path in package.glob("*.py")}
    return {name: imports(path)[1] & modules.keys() for name, path in modules.items()}


def test_the_front_ends_are_modules_of_the_package():
    assert FRONT_ENDS <= {path.stem for path in PACKAGE.glob("*.py")}


@pytest.mark.parametrize(
    "module", sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in FRONT_ENDS)
)
def test_the_core_imports_nothing_from_mkdocs(module):
    packages, own = imports(PACKAGE / f"{module}.py")
    assert not packages & set(MKDOCS), f"generator/{module}.py imports {packages & set(MKDOCS)}"
    assert not own & FRONT_ENDS, f"generator/{module}.py imports the front end {own & FRONT_ENDS}"


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

"""The layout shows the layers, and the imports keep to them.

Imports run one way: faces -> project -> engine -> rules -> analysis -> model, with the
measurements (`measure`) beside the analysis: the rules, the engine's policy and the docs
read them, and they read only the model. Every import counts, at the top of a module or
inside a function (a lazy import is still an edge), under `if TYPE_CHECKING:` too. The
modules are read with `ast`, never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Tuple

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "perflint"

# The layer of each part of the package (the longest matching prefix decides).
LAYER_OF: Dict[str, str] = {
    "perflint": "model",  # the package's __init__: the version, and the public API imported lazily
    "perflint.model": "model",
    "perflint.catalog": "model",
    "perflint.analysis": "analysis",
    "perflint.measure": "measure",
    "perflint.rules": "rules",
    "perflint.engine": "engine",
    "perflint.project": "project",
    "perflint.faces": "faces",
    "perflint.api": "faces",
    "perflint.docs": "faces",
    "perflint.__main__": "faces",
}

# The layers each layer may import (its own included).
_BELOW_RULES = frozenset({"analysis", "measure", "model"})
MAY_IMPORT: Dict[str, FrozenSet[str]] = {
    "model": frozenset({"model"}),
    "analysis": frozenset({"analysis", "model"}),
    "measure": frozenset({"measure", "model"}),
    "rules": _BELOW_RULES | {"rules"},
    "engine": _BELOW_RULES | {"rules", "engine"},
    "project": _BELOW_RULES | {"rules", "engine", "project"},
    "faces": _BELOW_RULES | {"rules", "engine", "project", "faces"},
}

MAX_TOP_LEVEL_MODULES = 12
MAX_RULE_FILE_LINES = 400


def _modules() -> Iterator[Tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def _imported(module: str, path: Path) -> Iterator[Tuple[int, str]]:
    """The perflint modules `module` imports, with the line of each import."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield node.lineno, submodule if _is_module(submodule) else source


def _layer(module: str) -> str:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYER_OF:
            return LAYER_OF[".".join(parts[:end])]
    raise AssertionError(f"{module} is in no layer: add it to LAYER_OF")


def test_every_import_goes_down_the_layers() -> None:
    against: List[str] = []
    for module, path in _modules():
        layer = _layer(module)
        for line, imported in _imported(module, path):
            if imported.split(".")[0] != "perflint":
                continue
            if _layer(imported) not in MAY_IMPORT[layer]:
                against.append(f"{path.relative_to(PACKAGE)}:{line}: {layer} {module} imports {_layer(imported)} {imported}")
    assert against == []


def test_the_top_of_the_package_keeps_few_modules() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_rule_file_is_over_the_limit() -> None:
    long = {}
    for path in (PACKAGE / "rules").rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_RULE_FILE_LINES:
            long[str(path.relative_to(PACKAGE))] = lines
    assert long == {}


def test_the_check_sees_an_import_against_the_layers(tmp_path: Path) -> None:
    """The check reads lazy imports and relative ones (a face imported by the engine)."""
    fake = tmp_path / "runner.py"
    fake.write_text("def later():\n    from ..faces import output\n    from . import core\n", encoding="utf-8")
    found = [imported for _, imported in _imported("perflint.engine.runner", fake)]
    assert found == ["perflint.faces.output", "perflint.engine.core"]
    assert _layer(found[0]) not in MAY_IMPORT[_layer("perflint.engine.runner")]

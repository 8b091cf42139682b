"""What more than one of the caching rules uses (or their triage helpers do)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.walk import Visitor, visit


def _decorator_target(decorator: cst.Decorator) -> cst.BaseExpression:
    """`functools.lru_cache` for `@functools.lru_cache(maxsize=32)`."""
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr


def _decorator_names(ctx: FileContext, decorators: Iterable[cst.Decorator]) -> list[str | None]:
    """Qualified names of decorators (`functools.cache`), or their plain names when they
    are not imports (`staticmethod`)."""
    names: list[str | None] = []
    for decorator in decorators:
        target = _decorator_target(decorator)
        plain = target.value if isinstance(target, cst.Name) else None
        names.append(ctx.qualified_name(target) or plain)
    return names


def _annotation_names(annotation: cst.Annotation | None) -> set[str]:
    """Every name and attribute in an annotation (`Optional[list[int]]` -> Optional,
    list, int)."""
    found: set[str] = set()

    class Names(Visitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            found.update(node.value.strip("'\"").replace("[", " ").replace("]", " ").replace(".", " ").split())

    if annotation is not None:
        visit(annotation, Names())
    return found

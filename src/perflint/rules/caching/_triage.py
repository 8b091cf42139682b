"""What only the caching rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import ast
import re

from perflint.rules.hints import GAP, STATEMENT_BLOCKS, Region

_DATACLASS = frozenset({"dataclasses.dataclass"})


def _constant_default(expr: ast.expr) -> bool:
    """What `_is_constant` may accept, seen by `ast` (an f-string may be part of an
    implicitly concatenated string)."""
    if isinstance(expr, ast.UnaryOp):
        return _constant_default(expr.operand)
    if isinstance(expr, ast.Tuple):
        return all(map(_constant_default, expr.elts))
    return isinstance(expr, (ast.Constant, ast.JoinedStr))


_CALLS: dict[str, re.Pattern[str]] = {}


def _calls(name: str, text: str, least: int) -> bool:
    """Whether `name` is followed by `(` in `text` at least `least` times, maybe across
    lines and comments (each is a `def name(` or a call of `name`, or looks like one)."""
    if text.count(name) < least:
        return False
    pattern = _CALLS.get(name)
    if pattern is None:
        pattern = _CALLS[name] = re.compile(rf"\b{re.escape(name)}(?:[\s\\)]|#[^\n]*)*\(")
    return len(pattern.findall(text)) >= least


_LINE_END = re.compile(r"\r\n?|\n")


def _from_line(text: str, line: int, first: int) -> str:
    """`text` (starting on line `first`) from the start of line `line`, ending lines
    where `ast` does (`str.splitlines` also ends them at a form feed)."""
    start = 0
    for _, end in zip(range(line - first), _LINE_END.finditer(text)):
        start = end.end()
    return text[start:]


_UNFIT_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)


def _may_memoize(node: ast.FunctionDef) -> bool:
    """What `_RecursionScan` can tell from the statements of `node` alone: no nested
    definition, `global` or `nonlocal`; a `return` with a value; no call statement but
    a method call on a local, no store to or `del` of an item or attribute of anything
    but a local. A local is a name anything assigns to (the scan only counts those
    assigned before, so this is never stricter)."""
    statements: list[ast.AST] = []
    stack: list[ast.AST] = list(node.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, _UNFIT_STATEMENTS):
            return False
        statements.append(statement)
        for field in STATEMENT_BLOCKS:
            stack.extend(getattr(statement, field, ()))
    targets: list[ast.expr] = []
    for statement in statements:
        if isinstance(statement, ast.Assign):
            targets.extend(statement.targets)
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            targets.append(statement.target)
    names = {name.id for target in targets for name in _stored_names(target)}
    returns = False
    for statement in statements:
        if isinstance(statement, ast.Return):
            returns = returns or statement.value is not None
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names):
                return False
        elif isinstance(statement, ast.Delete) and not all(_local_store(t, names) for t in statement.targets):
            return False
    return returns and all(_local_store(target, names) for target in targets)


def _stored_names(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _stored_names(element)]
    return _stored_names(target.value) if isinstance(target, ast.Starred) else []


def _local_store(target: ast.expr, names: set[str]) -> bool:
    """A store to `target` that `_RecursionScan._assigned` may accept."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_local_store(element, names) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _local_store(target.value, names)
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return isinstance(target.value, ast.Name) and target.value.id in names
    return True


# Per set of decorators: the imports of the file last asked about, and the pattern of a
# decorator that may be one of them there (None: it imports none of them).
_DECORATOR_PATTERNS: dict[frozenset[str], tuple[object, str | None]] = {}


def _may_decorate(region: Region, qualified: frozenset[str]) -> bool:
    """Whether a decorator of `region` may be one of `qualified` (`module.name`) as
    `FileContext.qualified_name` resolves it: a name imported as one of them, or an
    attribute of a name imported as the module."""
    imports = region.imports
    if imports is None:
        return True
    known = _DECORATOR_PATTERNS.get(qualified)
    if known is None or known[0] is not imports:
        modules = {name.rsplit(".", 1)[0] for name in qualified}
        attributes = sorted({name.rsplit(".", 1)[1] for name in qualified})
        direct = sorted(re.escape(local) for local, target in imports.items() if target in qualified)
        through = sorted(re.escape(local) for local, target in imports.items() if target in modules)
        choices = [rf"(?:{'|'.join(direct)})\b"] if direct else []
        if through:
            choices.append(rf"(?:{'|'.join(through)}){GAP}\.{GAP}(?:{'|'.join(attributes)})\b")
        known = _DECORATOR_PATTERNS[qualified] = (imports, rf"@{GAP}(?:{'|'.join(choices)})" if choices else None)
    return known[1] is not None and region.has(known[1])

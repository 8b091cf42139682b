"""The questions rules ask about the code around a node, answered in one place.

The engine keeps `ancestors` current during its single traversal; everything else is
computed on demand and cached per scope, so files where no rule has a candidate pay
nothing beyond the walk.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.handlers import ANYTHING, handled
from perflint.analysis.loops import FUNCTION_TYPES, enclosing_loops
from perflint.analysis.scope import Binding, ScopeFacts, scan_scope
from perflint.analysis.shapes import dotted
from perflint.analysis.walk import children
from perflint.model import Bound

IMPORT_KINDS = ("import", "import-from")
# Functions that only build text for people: they run when something is shown.
MESSAGE_FUNCTIONS = frozenset({"__repr__", "__str__", "__format__", "__rich_repr__"})
# Calls whose arguments are a message: logging (`log.debug(...)`, `self.logger.info(...)`,
# `logging.warning(...)`) and `warnings.warn(...)`. Not `print`: what it prints is often
# the program's output, and its arguments may do the work (`print(queue.pop(0))`).
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
_HANDLERS = (cst.ExceptHandler, cst.ExceptStarHandler)
# Methods that make a class a container of its own: iterating `self` there runs the class's
# own iteration (maybe the very method being written), not an alternative to it.
CONTAINER_METHODS = frozenset(
    {"__iter__", "__next__", "__getitem__", "__len__", "__contains__", "__reversed__", "keys", "items", "values"}
)


def last_name(expr: cst.BaseExpression) -> str:
    """`sub` for `re.sub` and for `sub` (what a call calls, by its last name); "" for
    anything else."""
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else ""


# The function a notebook's cells are analyzed as the body of (see `FileContext`).
CELLS_FUNCTION = "__cells__"


class FileContext:
    """Per-file state shared by all rules during one traversal.

    A notebook's cells (`cells`) are analyzed as the body of a function: they run each
    time the user runs them, they are where the work is (a loop over a DataFrame at a
    cell's top level is the hot code), and what they bind is theirs, as a function's
    locals are. So rules that look for hot code in functions look there too, and
    nothing in them counts as code that runs once at import (`bound`). The tree the
    rules walk (`module`) wraps the cells' statements, which stay the very nodes of the
    parsed module, so findings and fixes apply to it unchanged.
    """

    def __init__(self, module: cst.Module, target: Tuple[int, int], cells: bool = False) -> None:
        self._cells: Optional[cst.IndentedBlock] = cst.IndentedBlock(body=module.body) if cells else None
        if self._cells is not None:
            body = cst.FunctionDef(name=cst.Name(CELLS_FUNCTION), params=cst.Parameters(), body=self._cells)
            module = module.with_changes(body=[body])
        self.module = module
        self.target = target
        self.ancestors: List[cst.CSTNode] = []
        self._facts: Dict[int, ScopeFacts] = {}
        self._handled: Dict[Tuple[int, Tuple[str, ...]], Set[int]] = {}

    # -- position in the tree --------------------------------------------------------
    def parent(self, levels: int = 1) -> Optional[cst.CSTNode]:
        """The node `levels` above the one being visited."""
        index = len(self.ancestors) - 1 - levels
        return self.ancestors[index] if index >= 0 else None

    def loops(self) -> List[cst.CSTNode]:
        """Loops repeating the current node, innermost first, within its scope."""
        return enclosing_loops(self.ancestors)

    def at_top_level(self) -> bool:
        """Whether the node being visited is a statement of the module (of a notebook's
        cells, which the rules see in a function)."""
        parent = self.parent()
        return isinstance(parent, cst.Module) or (parent is not None and parent is self._cells)

    def function(self) -> Optional[cst.CSTNode]:
        """The innermost def/lambda around the node, if no class or module is closer."""
        for node in reversed(self.ancestors[:-1]):
            if isinstance(node, FUNCTION_TYPES):
                return node
            if isinstance(node, (cst.ClassDef, cst.Module)):
                return None
        return None

    def on_error_path(self) -> bool:
        """Whether the node is part of a `raise` or `assert`, or of a statement in a block
        that ends with a `raise` (building the error's message): code that runs when
        something has failed, never on a hot path."""
        return _on_error_path(self.ancestors)

    def chain_to(self, node: cst.CSTNode) -> List[cst.CSTNode]:
        """The ancestors of `node`, itself last. Rules often report a node below the one
        being visited (or one they collected earlier, from its function's `leave_`), so
        the path is searched below the current node first, then from the module; it
        runs once per finding, not per node."""
        ancestors = self.ancestors
        if ancestors and ancestors[-1] is node:
            return list(ancestors)
        for depth in range(len(ancestors) - 1, -1, -1):
            path = _path(ancestors[depth], node)
            if path is not None:
                return ancestors[:depth] + path
        return _path(self.module, node) or [node]

    def bound(self, node: cst.CSTNode) -> Optional[Bound]:
        """Why the code holding `node` cannot cost much whatever the data, if it visibly
        runs once or only to report something: a `raise`/`assert` or a block that ends
        with one, an `except` block, the arguments of a logging or `warnings` call, a
        `__repr__`-like method; module level and class bodies, anything under
        `if __name__ == "__main__":`, and a program's `main` or command-line commands. These are held back from the default report
        (`policy`): optimizing them does not pay however large the input. A definition
        (a rule judging a def or class itself) is never bounded by where it stands."""
        chain = self.chain_to(node)
        if _defines(chain):
            return None
        if _on_error_path(chain):
            return Bound.ERROR_PATH
        crossed = False  # a def or lambda lies between the node and `chain[index]`
        in_function = False  # the code runs when a function is called, not at import
        for index in range(len(chain) - 2, -1, -1):
            parent, child = chain[index], chain[index + 1]
            kind = type(parent)
            if kind is cst.If and _is_main_guard(parent.test):  # type: ignore[attr-defined]
                return Bound.RUNS_ONCE
            if kind is cst.FunctionDef:
                if not crossed and parent.name.value in MESSAGE_FUNCTIONS:  # type: ignore[attr-defined]
                    return Bound.MESSAGE
                if _runs_once(parent, chain, index):  # type: ignore[arg-type]
                    return Bound.RUNS_ONCE
                crossed = in_function = True
            elif kind is cst.Lambda:
                crossed = in_function = True
            elif kind is cst.ClassDef:
                if not in_function:
                    return Bound.RUNS_ONCE
                crossed = True
            elif crossed:
                continue
            elif kind in _HANDLERS and child is parent.body:  # type: ignore[attr-defined]
                return Bound.ERROR_PATH
            elif kind is cst.Call and type(child) is cst.Arg and _is_message_call(parent.func):  # type: ignore[attr-defined]
                return Bound.MESSAGE
        return None if in_function else Bound.RUNS_ONCE

    def leaves_loop_after(self) -> bool:
        """Whether the small statement holding the current node is followed in its block
        by `break`, `return` or `raise`: then it runs once per loop, not once per turn."""
        ancestors = self.ancestors
        index = next(
            (i for i in range(len(ancestors) - 1, 0, -1) if isinstance(ancestors[i], cst.BaseSmallStatement)), None
        )
        if index is None:
            return False
        current, line = ancestors[index], ancestors[index - 1]
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        following: List[cst.BaseSmallStatement] = list(line.body)
        following = following[next(i for i, s in enumerate(following) if s is current) + 1 :]
        block = ancestors[index - 2] if index > 1 else None
        if isinstance(line, cst.SimpleStatementLine) and isinstance(block, cst.IndentedBlock):
            position = next(i for i, s in enumerate(block.body) if s is line)
            for statement in block.body[position + 1 :]:
                if isinstance(statement, cst.SimpleStatementLine):
                    following.extend(statement.body)
        return any(isinstance(s, (cst.Break, cst.Return, cst.Raise)) for s in following)

    def is_caught(
        self, node: cst.CSTNode, raised: Sequence[str] = ANYTHING, within: Optional[cst.CSTNode] = None
    ) -> bool:
        """Whether an exception named in `raised` (anything, if empty) raised at `node`
        would be caught by a `try` or `with suppress(...)` inside `within` (default: the
        current function, or the module). A fix changing what `node` raises is not offered
        there: the code visibly depends on it (see analysis/handlers.py). For a statement
        moved out of a loop, `within` is the loop: only handlers inside it are skipped."""
        root = within or self.function() or self.module
        key = (id(root), tuple(raised))
        found = self._handled.get(key)
        if found is None:
            found = self._handled[key] = handled(root, raised, self._binding_kind)
        return id(node) in found

    def _binding_kind(self, name: str) -> Optional[str]:
        """"class", "import" or "assign" for how `name` is bound where the rule looks (None
        if nothing binds it: a builtin or an unknown name)."""
        _, found = self.bindings(name)
        if not found:
            return None
        kinds = {binding.kind for binding in found}
        if kinds == {"class"}:
            return "class"
        return "import" if kinds <= set(IMPORT_KINDS) else "assign"

    def is_self_of_container(self, expr: cst.BaseExpression) -> bool:
        """Whether `expr` is the `self` of a method of a class that defines its own
        container protocol (`__iter__`, `__getitem__`, `__len__`, `keys`, ...): there
        `for x in self`, `list(self)` or `self.items()` run the class's own methods, maybe
        the one being written, so rewriting one into another is no alternative."""
        if not isinstance(expr, cst.Name):
            return False
        scope, found = self.bindings(expr.value)
        if not isinstance(scope, cst.FunctionDef) or not found or any(b.kind != "param" for b in found):
            return False
        params = [*scope.params.posonly_params, *scope.params.params]
        if not params or params[0].name.value != expr.value:
            return False
        if any(last_name(d.decorator) in ("staticmethod", "classmethod") for d in scope.decorators):
            return False
        index = next((i for i, node in enumerate(self.ancestors) if node is scope), 0)
        owner = self.ancestors[index - 2] if index >= 2 else None
        if not isinstance(owner, cst.ClassDef) or not isinstance(owner.body, cst.IndentedBlock):
            return False
        return any(
            isinstance(statement, cst.FunctionDef) and statement.name.value in CONTAINER_METHODS
            for statement in owner.body.body
        )

    def in_function_loop(self) -> bool:
        """The hot spot most rules care about: a loop in a function body."""
        return self.function() is not None and bool(self.loops())

    def scopes(self) -> List[cst.CSTNode]:
        """Scopes whose names the current node can see, innermost first (classes skipped
        except the innermost one, as Python resolves names)."""
        found: List[cst.CSTNode] = []
        for node in reversed(self.ancestors[:-1]):
            if isinstance(node, FUNCTION_TYPES) or isinstance(node, cst.Module):
                found.append(node)
            elif isinstance(node, cst.ClassDef) and not found:
                found.append(node)
        return found

    # -- names -----------------------------------------------------------------------
    def facts(self, scope: cst.CSTNode) -> ScopeFacts:
        """Bindings and uses of one scope (scanned once, on first request)."""
        cached = self._facts.get(id(scope))
        if cached is None:
            cached = scan_scope(scope, self._ancestors_of(scope))
            self._facts[id(scope)] = cached
        return cached

    def _ancestors_of(self, scope: cst.CSTNode) -> Sequence[cst.CSTNode]:
        for i, node in enumerate(self.ancestors):
            if node is scope:
                return self.ancestors[:i]
        return ()

    def is_builtin(self, *names: str) -> bool:
        """No scope visible from the current node binds any of `names`: a call of one
        means the builtin, which a fix may rely on."""
        return all(self.bindings(name)[0] is None for name in names)

    def bindings(self, name: str) -> Tuple[Optional[cst.CSTNode], List[Binding]]:
        """The scope that binds `name` as seen from the current node, and its bindings.

        (None, []) means no visible scope binds it: a builtin or an undefined name.
        """
        for scope in self.scopes():
            facts = self.facts(scope)
            if name in facts.declared_global:
                module = self.module
                return module, self.facts(module).bindings.get(name, [])
            if name in facts.bindings:
                return scope, facts.bindings[name]
        return None, []

    def imported_as(self, name: str) -> Optional[str]:
        """What `name` was imported as (`np` -> `numpy`, `path` -> `os.path`), if every
        binding of it in its scope is an import of the same thing."""
        _, found = self.bindings(name)
        if not found or any(b.kind not in IMPORT_KINDS for b in found):
            return None
        names = {b.qualname for b in found}
        return found[0].qualname if len(names) == 1 else None

    def imported_module(self, name: str) -> Optional[str]:
        """The module `name` is bound to by `import x` / `import x.y as name`."""
        _, found = self.bindings(name)
        if found and all(b.kind == "import" for b in found):
            names = {b.qualname for b in found}
            return found[0].qualname if len(names) == 1 else None
        return None

    def qualified_name(self, expr: cst.BaseExpression) -> Optional[str]:
        """`np.linalg.norm` -> `numpy.linalg.norm` when `np` is an import, else None."""
        parts = dotted(expr)
        base = self.imported_as(parts[0]) if parts else None
        if parts is None or base is None:
            return None
        return ".".join([base, *parts[1:]])

    def callee_name(self, func: cst.BaseExpression) -> Optional[str]:
        """`qualified_name` of a called function, also through a name bound once to an
        imported attribute (`sqrt = math.sqrt`, as hoisting it out of a loop leaves it)."""
        name = self.qualified_name(func)
        if name is None and isinstance(func, cst.Name):
            scope, found = self.bindings(func.value)
            if (
                scope is not None
                and len(found) == 1
                and found[0].kind == "assign"
                and isinstance(found[0].value, cst.Attribute)
                and not self.facts(scope).is_shared(func.value)
            ):
                return self.qualified_name(found[0].value)
        return name


# Hooks Python calls once per class statement, not per instance or call.
CLASS_HOOKS = frozenset({"__init_subclass__", "__set_name__", "__prepare__"})
METACLASS_HOOKS = frozenset({"__new__", "__init__"})


def _runs_once(function: cst.FunctionDef, chain: Sequence[cst.CSTNode], index: int) -> bool:
    """A program's entry point (`main`, a command-line command: `@click.command()`,
    `@cli.command("x")`, `@app.command()`, `@click.group()`), or a hook that runs once
    per class definition (`__init_subclass__`, `__set_name__`, a metaclass's `__new__`
    and `__init__`): it runs once per run, or per class the program defines."""
    name = function.name.value
    if name == "main" or name in CLASS_HOOKS:
        return True
    owner = chain[index - 2] if index >= 2 else None
    if name in METACLASS_HOOKS and type(owner) is cst.ClassDef:
        if any(type(base.value) is cst.Name and base.value.value == "type" for base in owner.bases):  # type: ignore[attr-defined]
            return True
    for decorator in function.decorators:
        target = decorator.decorator
        if type(target) is cst.Call:
            target = target.func  # type: ignore[attr-defined]
        if last_name(target) in ("command", "group"):
            return True
    return False


def _on_error_path(chain: Sequence[cst.CSTNode]) -> bool:
    for index in range(len(chain) - 1, -1, -1):
        node = chain[index]
        if type(node) in (cst.Raise, cst.Assert):
            return True
        if type(node) is cst.SimpleStatementLine:
            block = chain[index - 1] if index else None
            return isinstance(block, cst.IndentedBlock) and _raises(block.body[-1])
        if isinstance(node, cst.BaseCompoundStatement):
            return False
    return False


def _defines(chain: Sequence[cst.CSTNode]) -> bool:
    """Whether the chain ends at a def or class, its decorator or its name."""
    last = chain[-1]
    if type(last) in (cst.FunctionDef, cst.ClassDef, cst.Decorator):
        return True
    parent = chain[-2] if len(chain) > 1 else None
    return type(parent) in (cst.FunctionDef, cst.ClassDef) and parent.name is last  # type: ignore[union-attr]


def _path(root: cst.CSTNode, node: cst.CSTNode) -> Optional[List[cst.CSTNode]]:
    """The nodes from `root` down to `node`, both included, or None if it is not below."""
    stack: List[Tuple[cst.CSTNode, int]] = [(root, 0)]
    path: List[cst.CSTNode] = []
    while stack:
        current, depth = stack.pop()
        del path[depth:]
        path.append(current)
        if current is node:
            return path
        stack.extend((child, depth + 1) for child in reversed(children(current)))
    return None


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if type(test) is not cst.Comparison or len(test.comparisons) != 1:  # type: ignore[attr-defined]
        return False
    sides = (test.left, test.comparisons[0].comparator)  # type: ignore[attr-defined]
    names = {side.value for side in sides if type(side) is cst.Name}  # type: ignore[attr-defined]
    strings = {side.evaluated_value for side in sides if type(side) is cst.SimpleString}  # type: ignore[attr-defined]
    return type(test.comparisons[0].operator) is cst.Equal and names == {"__name__"} and strings == {"__main__"}  # type: ignore[attr-defined]


def _is_message_call(func: cst.BaseExpression) -> bool:
    """A call that only shows a message: `print`, `warnings.warn`/`warn`, or a logging
    method on a receiver whose name says it is a logger (`log`, `logger`, `logging`,
    `self._log`, `LOGGER`)."""
    if type(func) is cst.Name:
        return func.value == "warn"  # type: ignore[attr-defined]
    if type(func) is not cst.Attribute:
        return False
    method = func.attr.value  # type: ignore[attr-defined]
    receiver = last_name(func.value).lower()  # type: ignore[attr-defined]
    if method == "warn" and receiver == "warnings":
        return True
    return method in LOG_METHODS and "log" in receiver


def _raises(statement: cst.BaseStatement) -> bool:
    """Whether a statement is a line ending with `raise`."""
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[-1], cst.Raise)

"""What more than one of the loops rules uses (or their triage helpers do)."""

from __future__ import annotations

import builtins
import functools
import keyword
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.analysis.scope import ScopeFacts, Use
from perflint.analysis.shapes import dotted, target_names
from perflint.analysis.walk import children
from perflint.measure import speedups
from perflint.model import Edit
from perflint.rules import rewrite
from perflint.rules.base import Rule

_BLOCKS = (cst.IndentedBlock, cst.SimpleStatementSuite)
_EXITS = (cst.Return, cst.Raise, cst.Break)
_COLD = (cst.ExceptHandler, cst.Raise, cst.Assert, cst.Annotation)
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_CONTAINERS = (cst.Element, cst.StarredElement, cst.Tuple, cst.List)
_NESTED_SCOPES = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef})

# Builtins that read their argument without keeping or changing it.
_PURE_BUILTINS = frozenset(
    {
        "len", "list", "tuple", "sorted", "sum", "min", "max", "any", "all", "set", "frozenset",
        "enumerate", "reversed", "bool", "repr", "str"
    }
)
_READ_METHODS = frozenset({"count", "index", "copy", "get", "keys", "values", "items"})
_MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "add",
        "discard", "update", "setdefault", "popitem"
    }
)

# Calls cheap enough that two lookups are a noticeable share of them: C functions of
# these modules, and the path functions that only compute on strings (no system call).
_CHEAP_MODULES = frozenset(
    {
        "math", "cmath", "operator", "bisect", "heapq", "struct", "binascii", "zlib", "unicodedata",
        "itertools", "random", "keyword", "array", "string",
    }
)
_PATH_MODULES = frozenset({"os.path", "posixpath", "ntpath"})
_PURE_PATH_FUNCTIONS = frozenset(
    {"join", "split", "splitext", "basename", "dirname", "normcase", "normpath", "isabs", "splitdrive"}
)

# Signs that a loop waits on I/O or system calls, next to which a lookup is noise.
_IO_BUILTINS = frozenset({"open", "print", "input"})
_IO_METHODS = frozenset(
    {"write", "writelines", "read", "readline", "readlines", "send", "sendall", "recv", "flush", "seek"}
)
_IO_MODULES = frozenset(
    {
        "shutil", "subprocess", "socket", "glob", "zipfile", "tarfile", "tempfile", "select", "sqlite3",
        "urllib.request", "http.client",
    }
)
_OS_NON_IO = frozenset(
    {"path", "sep", "fspath", "fsencode", "fsdecode", "linesep", "curdir", "pardir", "extsep", "altsep", "name"}
)


# -- shared helpers ------------------------------------------------------------------
def _is_call_of(node: Optional[cst.CSTNode], names: Iterable[str]) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in names


def _leaves_from(block: cst.CSTNode, child: cst.CSTNode) -> bool:
    """Whether `block` runs a return/raise/break at or after its statement `child`."""
    body: Sequence[cst.CSTNode] = block.body  # type: ignore[attr-defined]
    start = next((i for i, s in enumerate(body) if s is child), len(body))
    for statement in body[start:]:
        smalls: Sequence[cst.CSTNode] = [statement]
        if isinstance(statement, cst.SimpleStatementLine):
            smalls = statement.body
        if any(isinstance(s, _EXITS) for s in smalls):
            return True
    return False


def _is_hot(ancestors: Sequence[cst.CSTNode], loop: cst.CSTNode) -> bool:
    """Whether the last node runs on the ordinary path of each pass of `loop` (the
    innermost loop around it): not an error path, not a block that leaves the loop."""
    for i in range(len(ancestors) - 1, 0, -1):
        node = ancestors[i]
        if node is loop:
            return True
        if isinstance(node, _COLD):
            return False
        if isinstance(ancestors[i - 1], _BLOCKS) and _leaves_from(ancestors[i - 1], node):
            return False
    return True


def _repeats(facts: ScopeFacts, loops: Sequence[cst.CSTNode]) -> bool:
    """Whether some loop does more than walk a literal tuple/list/set, or a local bound
    to one (a few passes)."""
    for loop in loops:
        values = loop.iter if isinstance(loop, cst.For) else None
        if isinstance(values, cst.Name):
            values = facts.sole_value(values.value)
        if not isinstance(values, (cst.Tuple, cst.List, cst.Set)):
            return True
    return False


def _worth_hoisting(
    ctx: FileContext, facts: ScopeFacts, loops: Sequence[cst.CSTNode], io: Dict[int, bool], rule: Type[Rule], case: str
) -> bool:
    """Whether a lookup at the current node, inside `loops` (innermost first), is hot
    and a local would be measurably faster: not when the loop does I/O (`io` caches that
    per loop), nor in a comprehension where the `case` of the rule's pair that times one
    shows no gain on the target. Before 3.12 a comprehension is a function of its own,
    where the hoisted local becomes a closure cell; whether that still pays differs from
    one CPython to the next, so the measurement decides."""
    comprehension = any(isinstance(lp, COMPREHENSION_TYPES) for lp in loops)
    if comprehension and not speedups.pays(rule, case, ctx.target):
        return False
    if not (_is_hot(ctx.ancestors, loops[0]) and _repeats(facts, loops)):
        return False
    key = id(loops[0])
    if key not in io:
        io[key] = _does_io(ctx, facts, loops[0]) or not _calls_only_cheap(ctx, loops[0])
    return not io[key]


def _calls_only_cheap(ctx: FileContext, loop: cst.CSTNode) -> bool:
    """Whether every call in `loop` is of a builtin, a cheap module function or a method
    of a plain local (`parts.append`, `line.strip`): a pass with nothing heavier in it,
    where the lookup is a visible share. A function of the program or a method of `self`
    may do anything (I/O, real work), next to which the lookup is noise."""
    stack = list(children(loop))
    while stack:
        node = stack.pop()
        if type(node) in _NESTED_SCOPES:
            continue
        if type(node) is cst.Call and not _cheap_callee(ctx, node.func):  # type: ignore[attr-defined]
            return False
        stack.extend(children(node))
    return True


def _cheap_callee(ctx: FileContext, func: cst.BaseExpression) -> bool:
    parts = dotted(func)
    if parts is None:
        return False
    root = parts[0]
    if len(parts) == 1:
        return ctx.is_builtin(root)
    module = ctx.imported_module(root) or ctx.imported_as(root)
    if module is not None:
        owner, function = ".".join([module, *parts[1:]]).rsplit(".", 1)
        return owner in _CHEAP_MODULES or (owner in _PATH_MODULES and function in _PURE_PATH_FUNCTIONS)
    scope, _ = ctx.bindings(root)
    return len(parts) == 2 and root not in ("self", "cls") and isinstance(scope, (cst.FunctionDef, cst.Lambda))


def _does_io(ctx: FileContext, facts: ScopeFacts, loop: cst.CSTNode) -> bool:
    """Whether `loop` visibly reads or writes files, sockets or processes, or makes
    system calls (`os.stat`, `os.path.isdir`, ...)."""
    for name, uses in facts.uses.items():
        inside = [u for u in uses if any(lp is loop for lp in u.loops)]
        if not inside:
            continue
        if any(_io_method(u) for u in inside) or (name in _IO_BUILTINS and ctx.is_builtin(name)):
            return True
        module = ctx.imported_module(name) or ctx.imported_as(name)
        if module in _IO_MODULES:
            return True
        if module == "os" and any(_os_io(u) for u in inside):
            return True
        if module in _PATH_MODULES and any(u.attribute() not in _PURE_PATH_FUNCTIONS for u in inside):
            return True
    return False


def _io_method(use: Use) -> bool:
    """`f.write(...)`, or `self.fp.write` / `sys.stdout.write` one attribute further."""
    grand = use.grandparent
    return use.method() in _IO_METHODS or (
        isinstance(use.parent, cst.Attribute) and isinstance(grand, cst.Attribute) and grand.attr.value in _IO_METHODS
    )


def _os_io(use: Use) -> bool:
    attribute = use.attribute()
    if attribute == "path":
        grand = use.grandparent
        return isinstance(grand, cst.Attribute) and grand.attr.value not in _PURE_PATH_FUNCTIONS
    return attribute is not None and attribute not in _OS_NON_IO


def _outermost_free(facts: ScopeFacts, name: str, loops: Sequence[cst.CSTNode]) -> Optional[cst.CSTNode]:
    """The outermost of `loops` (innermost first) inside which `name` is never bound."""
    found = None
    for loop in loops:
        if facts.bindings_in(name, loop):
            break
        found = loop
    return found


def _anchor(ancestors: Sequence[cst.CSTNode], loop: cst.CSTNode) -> Optional[cst.BaseStatement]:
    """The statement before which a value can be bound for `loop`: the loop itself, or
    the statement holding a comprehension (None if another loop is in between)."""
    index = next((i for i, node in enumerate(ancestors) if node is loop), None)
    if index is None:
        return None
    for i in range(index, 0, -1):
        node, parent = ancestors[i], ancestors[i - 1]
        if node is not loop and isinstance(node, (cst.For, cst.While, *COMPREHENSION_TYPES)):
            return None
        if isinstance(node, _STATEMENTS) and isinstance(parent, cst.IndentedBlock):
            return node  # type: ignore[return-value]
    return None


def _taken_names(ctx: FileContext, function: cst.CSTNode) -> Set[str]:
    """Names a new local must not take: builtins, keywords and every name the function,
    the scopes around it and the module bind or read."""
    taken = set(dir(builtins)) | set(keyword.kwlist)
    for scope in ctx.ancestors:
        if isinstance(scope, (cst.Module, cst.FunctionDef, cst.Lambda)):
            facts = ctx.facts(scope)
            taken |= facts.bindings.keys() | facts.uses.keys() | facts.declared_global | facts.declared_nonlocal
        if scope is function:
            break
    return taken


def _fresh_name(candidates: Sequence[str], taken: Set[str]) -> str:
    for name in candidates:
        if name.isidentifier() and name not in taken:
            return name
    number = 2
    while f"{candidates[0]}_{number}" in taken:
        number += 1
    return f"{candidates[0]}_{number}"


def _renamed(name: str, updated: cst.CSTNode) -> cst.CSTNode:
    return cst.Name(name, lpar=getattr(updated, "lpar", ()), rpar=getattr(updated, "rpar", ()))


def _rename(node: cst.CSTNode, name: str) -> Edit:
    """Replace `node` (keeping its parentheses) by the name `name`."""
    return Edit(node, replace=functools.partial(_renamed, name))


def _hoist_edits(ctx: FileContext, hoist: _Hoist) -> Tuple[Edit, ...]:
    """Bind the local (unless the function does already) and read it at every node."""
    binding = (rewrite.insert_before(hoist.anchor, ctx, f"{hoist.local} = {hoist.chain}"),) if hoist.binds else ()
    return (*binding, *(_rename(n, hoist.local) for n in hoist.nodes))


def _use_kind(use: Use) -> str:
    """"read" (cannot change or keep the object), "mutate" (changes it in place, keeps no
    reference) or "other" (anything else: passed on, stored, returned, ...)."""
    node, parent, grand = use.node, use.parent, use.grandparent
    if isinstance(parent, cst.Subscript) and parent.value is node:
        stored = isinstance(grand, (cst.AssignTarget, cst.Del)) or (
            isinstance(grand, (cst.AugAssign, cst.AnnAssign)) and grand.target is parent
        )
        return "mutate" if stored else "other" if isinstance(grand, _CONTAINERS) else "read"
    if isinstance(parent, cst.Attribute) and parent.value is node:
        method = use.method()
        return "read" if method in _READ_METHODS else "mutate" if method in _MUTATING_METHODS else "other"
    if isinstance(parent, cst.Arg) and _is_call_of(grand, _PURE_BUILTINS):
        return "read"
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
        return "read"
    if isinstance(parent, (cst.If, cst.While, cst.Assert)) and parent.test is node:
        return "read"
    if isinstance(parent, (cst.ComparisonTarget, cst.Comparison)) or (
        isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
    ):
        return "read"
    return "other"


def _binds(loop: cst.CSTNode, name: str) -> bool:
    """Whether `loop` binds `name` as its own loop variable."""
    if isinstance(loop, cst.For):
        return name in {n.value for n in target_names(loop.target)}
    comp_for = getattr(loop, "for_in", None)
    while comp_for is not None:
        if name in {n.value for n in target_names(comp_for.target)}:
            return True
        comp_for = comp_for.inner_for_in
    return False


def _read_after(facts: ScopeFacts, name: str, loop: cst.CSTNode) -> bool:
    """Whether a read of `name` outside `loop` may see the value the loop left in it
    (reads inside another loop that binds `name` itself cannot)."""
    return any(
        not any(lp is loop or _binds(lp, name) for lp in use.loops) for use in facts.uses.get(name, ())
    )


def _comprehension_of(ctx: FileContext, comp_for: cst.CompFor) -> Optional[cst.CSTNode]:
    """The comprehension whose first `for` is `comp_for` (its iterable runs outside)."""
    parent = ctx.parent()
    return parent if isinstance(parent, COMPREHENSION_TYPES) and parent.for_in is comp_for else None


@dataclass
class _Hoist:
    """One `local = chain` for the loops of a function that run after it: bound before
    `anchor` (or already bound there by the function itself, `binds` false)."""

    chain: str
    local: str
    anchor: cst.BaseStatement
    binds: bool
    nodes: List[cst.CSTNode] = field(default_factory=list)


def _receiver(updated: cst.CSTNode) -> cst.CSTNode:
    return updated.func.value  # type: ignore[attr-defined,no-any-return]

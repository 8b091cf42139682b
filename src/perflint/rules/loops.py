"""PFL101-PFL107: loops and name lookups.

The lookup rules (PFL101, PFL102) bind a value to a local before the loop. They share
what "worth it" means here: the read sits on the loop's hot path (not in an `except`
clause, a `raise`, an `assert`, nor a block that leaves the loop), and at least one loop
around it does more than walk a literal tuple.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.analysis.scope import ScopeFacts, Use
from perflint.analysis.shapes import dotted, target_names
from perflint.analysis.walk import children
from perflint.measure import speedups
from perflint.model import Applicability, Bench, Case, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.hints import GAP, LOOP, Region, in_a_function, names_of

_BLOCKS = (cst.IndentedBlock, cst.SimpleStatementSuite)
_EXITS = (cst.Return, cst.Raise, cst.Break)
_COLD = (cst.ExceptHandler, cst.Raise, cst.Assert, cst.Annotation)
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_CONTAINERS = (cst.Element, cst.StarredElement, cst.Tuple, cst.List)
_NESTED_SCOPES = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef})
_DISPLAYS = (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.DictComp)

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
# `from PKG import NAME` binds a module only for these well-known submodules.
_SUBMODULES = frozenset(
    {
        "os.path", "urllib.parse", "urllib.request", "xml.etree.ElementTree", "email.utils",
        "importlib.util", "concurrent.futures", "logging.handlers", "collections.abc"
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


def _is_store(ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether the last node is (inside) an assignment, `del` or loop target."""
    child = ancestors[-1]
    for parent in reversed(ancestors[:-1]):
        if not isinstance(parent, _CONTAINERS):
            break
        child = parent
    else:
        return False
    if isinstance(parent, (cst.AssignTarget, cst.AsName)):
        return True
    if isinstance(parent, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.Del)):
        return parent.target is child
    return False


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
        return _is_builtin(ctx, root)
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
        if any(_io_method(u) for u in inside) or (name in _IO_BUILTINS and _is_builtin(ctx, name)):
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


def _lines_before(lookup: _Lookup) -> Iterable[cst.BaseStatement]:
    """The statements that run before the one holding `lookup` every time it runs: the
    earlier ones of each block around it, up to its function."""
    path = lookup.ancestors
    start = max(i for i, node in enumerate(path) if isinstance(node, cst.FunctionDef))
    for block, child in zip(path[start:], path[start + 1 :]):
        if isinstance(block, cst.IndentedBlock):
            for statement in block.body:
                if statement is child:
                    break
                yield statement


def _holds(line: cst.CSTNode, small: Optional[cst.CSTNode]) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and any(s is small for s in line.body)


def _bound_first(anchor: cst.CSTNode, lookup: _Lookup) -> bool:
    """Whether a statement inserted before `anchor` runs before `lookup` every time."""
    return any(node is anchor for node in lookup.ancestors) or any(s is anchor for s in _lines_before(lookup))


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


def _is_builtin(ctx: FileContext, name: str) -> bool:
    scope, _ = ctx.bindings(name)
    return scope is None


def _comprehension_of(ctx: FileContext, comp_for: cst.CompFor) -> Optional[cst.CSTNode]:
    """The comprehension whose first `for` is `comp_for` (its iterable runs outside)."""
    parent = ctx.parent()
    return parent if isinstance(parent, COMPREHENSION_TYPES) and parent.for_in is comp_for else None


# -- PFL101 --------------------------------------------------------------------------
_MODULE_NAMES = _CHEAP_MODULES | _PATH_MODULES | {"os"}
_PATH_CALL = rf"{GAP}(?:{'|'.join(sorted(_PURE_PATH_FUNCTIONS))})\b"
_OS_PATH_CALL = rf"{GAP}path{GAP}\.{_PATH_CALL}"
_MODULE_CALL = rf"{GAP}\w+{GAP}\("


@dataclass
class _Lookup:
    """One called `module.attr` chain in a loop of a function."""

    chain: str
    root: str
    node: cst.Attribute
    loop: cst.CSTNode  # the outermost loop it can be hoisted out of
    anchor: Optional[cst.BaseStatement]
    hot: bool
    ancestors: Tuple[cst.CSTNode, ...]  # of `node`, from the module down


@dataclass
class _Hoist:
    """One `local = chain` for the loops of a function that run after it: bound before
    `anchor` (or already bound there by the function itself, `binds` false)."""

    chain: str
    local: str
    anchor: cst.BaseStatement
    binds: bool
    nodes: List[cst.CSTNode] = field(default_factory=list)


@dataclass
class _FunctionLookups:
    node: cst.FunctionDef
    lookups: List[_Lookup] = field(default_factory=list)
    assigned: Set[str] = field(default_factory=set)  # attribute chains stored anywhere


@register
class ModuleAttributeInLoop(Rule):
    """Calling `math.sqrt(x)` in a loop looks up the global `math` and then its attribute
    `sqrt` on every pass; a local bound once before the loop (`sqrt = math.sqrt`) is a
    single fast-local read.

    The gain is small on CPython 3.11 and later, which specializes both lookups: about
    1.1-1.15x on a loop that does little else (`total += math.sqrt(x)`, measured 3.11),
    a few percent for `os.path.join`, and nothing measurable when the call does real
    work. So only calls of cheap functions are reported: C functions of `math`,
    `operator`, `struct`, `bisect`, `heapq`, `itertools`, `random`, ... and the string-only
    `os.path` functions (`join`, `split`, `splitext`, ...), and only in loops that call
    nothing heavier (builtins, such functions, methods of plain locals): not where the
    loop also calls functions of the program or methods of `self`, or visibly does I/O
    or system calls (`open`, `print`, `.write()`, `os.stat`, `shutil`, ...). Calls
    in `except` clauses, `raise` statements or blocks that leave the loop are not hot and
    are not reported. A comprehension runs as a function of its own before Python 3.12,
    where the hoisted local becomes a closure cell; what hoisting gains there differs from
    one CPython to the next, so the timing pair has a comprehension case, and lookups in
    comprehensions are reported only for targets on which that case measured at least
    1.1x (`perflint explain PFL101 --target-version py3X` shows it).

    The fix is unsafe: the attribute is read once before the loop, so a module attribute
    replaced while the loop runs (monkeypatching) is not seen, and a missing attribute
    fails before the loop even if the loop never reaches the call. No fix is offered when
    the function probes the module with `hasattr`/`getattr`, or a handler inside the loop
    catches AttributeError (the lookup would move out of its reach).
    """

    code = "PFL101"
    impact = Impact.CONSTANT
    hints = (LOOP,)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A loop in a def must call `m.f(...)` through a name `import` binds to a cheap
        module, `m.f` a pure path function of a path module or `os.path.f` of `os`."""
        if not (super().may_fire(region) and in_a_function(region)):
            return False
        names = names_of(region.imports, _MODULE_NAMES, _MODULE_NAMES | {"path"})
        if names is None:
            return True
        loops = region.loops
        for name in names:
            if name not in loops.text:
                continue
            target = region.imports[name] if region.imports else name  # type: ignore[index]
            if name == "os" or target == "os":
                call = _OS_PATH_CALL
            elif name == "path" or target in _PATH_MODULES or name in _PATH_MODULES:
                call = _PATH_CALL
            else:
                call = _MODULE_CALL
            if loops.has(rf"\b{re.escape(name)}{GAP}\.{call}"):
                return True
        return False
    name = "module-attribute-in-loop"
    message = "module attribute looked up on every pass: bind it to a local before the loop"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "import math\n\ndef norms(xs):\n    out = []\n    for x in xs:\n        out.append(math.sqrt(x))\n    return out\n",
            "import math\n\ndef norms(xs):\n    out = []\n    sqrt = math.sqrt\n    for x in xs:\n        out.append(sqrt(x))\n    return out\n",
        ),
        Example(
            "import os\n\ndef paths(root, names, join):\n    for name in names:\n        for ext in ('.py', '.pyc'):\n"
            "            yield os.path.join(root, name + ext)\n",
            "import os\n\ndef paths(root, names, join):\n    path_join = os.path.join\n    for name in names:\n        for ext in ('.py', '.pyc'):\n"
            "            yield path_join(root, name + ext)\n",
        ),
        Example(
            "import math\n\ndef f(rows, out):\n    for row in rows:\n        import struct\n        for x in row:\n"
            "            out.append((struct.pack('d', x), math.floor(x)))\n",
            "import math\n\ndef f(rows, out):\n    floor = math.floor\n    for row in rows:\n        import struct\n"
            "        pack = struct.pack\n        for x in row:\n            out.append((pack('d', x), floor(x)))\n",
        ),
        Example(
            "import math\n\ndef f(xs):\n    return [math.floor(x) for x in xs]\n",
            "import math\n\ndef f(xs):\n    floor = math.floor\n    return [floor(x) for x in xs]\n",
        ),
        Example(  # one binding serves every later loop
            "import math\n\ndef f(xs, ys, out):\n    for x in xs:\n        out.append(math.floor(x))\n"
            "    if ys:\n        for y in ys:\n            out.append(math.floor(y))\n",
            "import math\n\ndef f(xs, ys, out):\n    floor = math.floor\n    for x in xs:\n        out.append(floor(x))\n"
            "    if ys:\n        for y in ys:\n            out.append(floor(y))\n",
        ),
        Example(  # the function's own binding is reused
            "import math\n\ndef f(xs, out):\n    log = math.log\n    out.append(log(2))\n    for x in xs:\n"
            "        out.append(math.log(x))\n",
            "import math\n\ndef f(xs, out):\n    log = math.log\n    out.append(log(2))\n    for x in xs:\n"
            "        out.append(log(x))\n",
        ),
        Example(  # no fix: the function probes the module for the attribute
            "import math\n\ndef f(pairs, out):\n    for a, b in pairs:\n        if hasattr(math, 'lcm'):\n            out.append(math.lcm(a, b))\n",
        ),
        Example(  # no fix: a handler in the loop waits for the missing attribute
            "import math\n\ndef f(pairs, out):\n    for a, b in pairs:\n        try:\n            out.append(math.lcm(a, b))\n"
            "        except AttributeError:\n            out.append(a * b)\n",
        ),
    )
    good = (
        "import math\n\nfor x in range(10):\n    print(math.sqrt(x))\n",  # module-level loop
        "import math\n\ndef f(xs):\n    for x in xs:\n        import math\n        print(math.sqrt(x))\n",
        "import math\n\ndef f(xs):\n    for x in xs:\n        math = x\n        print(math.sqrt(x))\n",
        "import math\n\ndef f(xs):\n    math.floor = int\n    for x in xs:\n        math.floor(x)\n",
        "import math\n\ndef f(xs):\n    for x in xs:\n        math.floor(x)\n    math.floor = int\n",
        "import math\n\ndef f(xs):\n    for x in xs:\n        try:\n            run(x)\n        except ValueError:\n            math.floor(x)\n",
        "import math\n\ndef f(xs):\n    for x in xs:\n        if x < 0:\n            raise ValueError(math.fabs(x))\n",
        "import os\n\ndef find(names):\n    for name in names:\n        if name.endswith('.py'):\n            return os.path.join('d', name)\n",
        "import math\n\ndef f(xs):\n    for x in xs:\n        if x:\n            print(math.floor(x))\n            break\n",
        "import os\n\ndef f(root, out):\n    for ext in ('.py', '.pyc'):\n        out.append(os.path.join(root, ext))\n",
        "import os\n\ndef f(root, out):\n    exts = ['.py', '.pyc']\n    for ext in exts:\n        out.append(os.path.join(root, ext))\n",
        "import struct\n\ndef f(self, xs):\n    for x in xs:\n        self.fp.write(struct.pack('d', x))\n",
        "import os\n\ndef f(paths):\n    for p in paths:\n        if os.path.exists(p):\n            os.unlink(p)\n",  # system calls
        "import re\n\ndef f(xs):\n    for x in xs:\n        print(re.sub('a', 'b', x))\n",  # PFL701's business
        "import math\n\ndef f(xs):\n    return [math.pi * x for x in xs]\n",  # not called
        "import os\n\ndef f(root, names):\n    for name in names:\n        with open(os.path.join(root, name)) as fp:\n            fp.read()\n",  # I/O
        "from os import sep\n\ndef f(xs):\n    for x in xs:\n        print(sep.join(x))\n",
        "import math\n\ndef f(xs):\n    setattr(math, 'floor', int)\n    for x in xs:\n        math.floor(x)\n",
        "def f(xs):\n    for x in xs:\n        math.sqrt(x)\n",  # not an import
        "import math\n\ndef f(xs):\n    g = lambda: [math.sqrt(x) for x in xs]\n    return g\n",
        # the loop calls program code, next to which the lookup is noise
        "import os\n\ndef f(self, names):\n    for name in names:\n        self.mkpath(os.path.join('d', name))\n",
        "import math\nfrom stats import total\n\ndef f(xs):\n    for x in xs:\n        total(math.floor(x))\n",
    )
    bench = Bench(
        setup="import math\nxs = [float(i) for i in range(N)]",
        before="def run():\n    total = 0.0\n    for x in xs:\n        total += math.sqrt(x)\n    return total",
        after="def run():\n    total = 0.0\n    sqrt = math.sqrt\n    for x in xs:\n        total += sqrt(x)\n    return total",
        variants=(
            Case(
                "comprehension",
                before="def run():\n    return [math.sqrt(x) for x in xs]",
                after="def run():\n    sqrt = math.sqrt\n    return [sqrt(x) for x in xs]",
            ),
        ),
        note="3.11 and later specialize global and module attribute lookups; the second case is a comprehension",
    )

    def __init__(self, ctx: FileContext, findings: list) -> None:
        super().__init__(ctx, findings)
        self._functions: List[_FunctionLookups] = []
        self._io: Dict[int, bool] = {}
        self._imported: Set[str] = set()  # names any import so far has bound (a cheap filter)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            bound: cst.BaseExpression = alias.asname.name if alias.asname is not None else alias.name
            while isinstance(bound, cst.Attribute):  # `import os.path` binds `os`
                bound = bound.value
            if isinstance(bound, cst.Name):
                self._imported.add(bound.value)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(bound, cst.Name):
                    self._imported.add(bound.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(_FunctionLookups(node))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        parent = self.ctx.parent()
        if not self._functions or (isinstance(parent, cst.Attribute) and parent.value is node):
            return  # outside functions, or a prefix of a longer chain
        parts = dotted(node)
        if parts is None or parts[0] not in self._imported:
            return
        if _is_store(self.ctx.ancestors):
            self._functions[-1].assigned.add(".".join(parts))
            return
        if not (isinstance(parent, cst.Call) and parent.func is node):
            return  # only calls: a plain attribute may be state that changes
        record = self._functions[-1]
        if self.ctx.function() is not record.node:
            return
        loops = self.ctx.loops()
        if not loops or not self._is_cheap_call(parts):
            return
        facts = self.ctx.facts(record.node)
        loop = _outermost_free(facts, parts[0], loops)
        if loop is None:
            return  # the module name is rebound in the loop
        ancestors = self.ctx.ancestors
        record.lookups.append(
            _Lookup(
                ".".join(parts), parts[0], node, loop, _anchor(ancestors, loop),
                _worth_hoisting(self.ctx, facts, loops, self._io, type(self), "comprehension"), tuple(ancestors),
            )
        )

    def _is_cheap_call(self, parts: List[str]) -> bool:
        """Whether `parts` names a cheap function of a module (see _CHEAP_MODULES)."""
        module = self.ctx.imported_module(parts[0])
        if module is None and self.ctx.imported_as(parts[0]) in _SUBMODULES:
            module = self.ctx.imported_as(parts[0])
        if module is None:
            return False
        qualified = ".".join([module, *parts[1:]]).rsplit(".", 1)
        if len(qualified) != 2:
            return False
        owner, function = qualified
        return owner in _CHEAP_MODULES or (owner in _PATH_MODULES and function in _PURE_PATH_FUNCTIONS)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        record = self._functions.pop()
        if self._functions:  # a nested function's stores may run in the outer loop
            self._functions[-1].assigned |= record.assigned
        groups: Dict[Tuple[str, int], List[_Lookup]] = {}
        for lookup in record.lookups:
            groups.setdefault((lookup.chain, id(lookup.loop)), []).append(lookup)
        taken: Optional[Set[str]] = None
        chosen: Dict[str, str] = {}  # chain -> local, within this function
        hoists: List[_Hoist] = []
        reported: List[Tuple[_Lookup, Optional[_Hoist]]] = []
        for (chain, _), lookups in groups.items():
            hot = [lk for lk in lookups if lk.hot]
            if not hot or any(chain == a or chain.startswith(a + ".") for a in record.assigned):
                continue
            first = hot[0]
            probes = self._probes(record.node, first.root)
            if probes == "setattr":
                continue
            hoist = None
            caught = any(self.ctx.is_caught(lk.node, ("AttributeError",), lk.loop) for lk in lookups)
            if probes is None and first.anchor is not None and not caught:
                hoist = next((h for h in hoists if h.chain == chain and _bound_first(h.anchor, first)), None)
                if hoist is None:
                    if taken is None:
                        taken = _taken_names(self.ctx, record.node)
                    hoist = self._existing_alias(record.node, first)
                    if hoist is None:
                        local = chosen.get(chain) or _fresh_name(_local_names(chain), taken)
                        hoist = _Hoist(chain, local, first.anchor, binds=True)
                    taken.add(hoist.local)
                    chosen[chain] = hoist.local
                    hoists.append(hoist)
                hoist.nodes += [lk.node for lk in lookups]
            reported.append((first, hoist))
        fixes = {id(h): self.make_fix(*_hoist_edits(self.ctx, h)) for h in hoists}
        for first, hoist in reported:
            fix = fixes[id(hoist)] if hoist is not None else None
            self.report(first.node, f"`{first.chain}` is looked up on every pass: bind it to a local before the loop", fix)

    def _existing_alias(self, function: cst.FunctionDef, lookup: _Lookup) -> Optional[_Hoist]:
        """The function's own `local = chain` (its only binding of `local`), if it runs
        before the loop of `lookup` every time: reused rather than bound again."""
        facts = self.ctx.facts(function)
        for name, bindings in facts.bindings.items():
            value = facts.sole_value(name)
            if value is None or bindings[0].kind != "assign" or dotted(value) != lookup.chain.split("."):
                continue
            line = next((s for s in _lines_before(lookup) if _holds(s, bindings[0].statement)), None)
            if line is not None:
                return _Hoist(lookup.chain, name, line, binds=False)
        return None

    def _probes(self, function: cst.FunctionDef, root: str) -> Optional[str]:
        """"setattr" if the function sets or deletes attributes of the module by name,
        "hasattr" if it probes for them, else None."""
        found = None
        for use in self.ctx.facts(function).uses.get(root, ()):
            if isinstance(use.parent, cst.Arg) and isinstance(use.grandparent, cst.Call):
                if _is_call_of(use.grandparent, ("setattr", "delattr")):
                    return "setattr"
                if _is_call_of(use.grandparent, ("hasattr", "getattr")):
                    found = "hasattr"
        return found


def _local_names(chain: str) -> List[str]:
    """Names for a local holding `chain`: `join`, then `path_join`, then `os_path_join`."""
    parts = chain.split(".")
    return ["_".join(parts[i:]) for i in range(len(parts) - 1, -1, -1)]


# -- PFL102 --------------------------------------------------------------------------
_GLOBAL_VALUE_KINDS = frozenset({"assign", "annassign", "augassign", "unpack"})


@register
class GlobalNameInLoop(Rule):
    """A module-level variable read in a loop of a function is a global lookup (a dict
    probe, cached by CPython 3.11+ but still slower than a local) on every pass; binding it
    to a local before the loop makes each read a fast-local load. The gain is small on
    3.11+ (about 1.05-1.1x on a loop that does little else, measured 3.11), so the rule is
    opt-in. Its timing pair is a comprehension, and lookups in comprehensions are reported
    only for targets on which it measured at least 1.1x (see PFL101).

    Only plain variables are reported (not builtins, functions, classes or imports), and
    not names any function rebinds with `global`. The fix is unsafe: the value is read
    once before the loop, so a rebinding of the module variable while the loop runs (by
    another module) is not seen. No fix where a handler inside the loop catches NameError.
    """

    code = "PFL102"
    impact = Impact.CONSTANT
    hints = (LOOP,)
    name = "global-name-in-loop"
    message = "module-level variable looked up on every pass: bind it to a local before the loop"
    default_on = False
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "SCALE = 3\n\ndef f(xs):\n    return [x * SCALE for x in xs]\n",
            "SCALE = 3\n\ndef f(xs):\n    scale = SCALE\n    return [x * scale for x in xs]\n",
        ),
        Example(
            "_table = {}\n\ndef f(keys):\n    n = 0\n    for k in keys:\n        if k in _table:\n            n += _table[k]\n    return n\n",
            "_table = {}\n\ndef f(keys):\n    n = 0\n    table = _table\n    for k in keys:\n        if k in table:\n            n += table[k]\n    return n\n",
        ),
        Example(  # no fix: a handler in the loop waits for the global to be missing
            "SCALE = 3\n\ndef f(xs, out):\n    for x in xs:\n        try:\n            out.append(x * SCALE)\n"
            "        except NameError:\n            out.append(x)\n",
            None,
        ),
    )
    good = (
        "import os\nLIMIT = 3\n\ndef f(xs):\n    for x in xs:\n        print(os, len, f)\n",
        "count = 0\n\ndef f(xs):\n    global count\n    for x in xs:\n        count = count + x\n",
        "LIMIT = 3\n\ndef f(xs):\n    for x in xs:\n        LIMIT = x\n        print(LIMIT)\n",
        "state = None\n\ndef reset():\n    global state\n    state = {}\n\ndef f(xs):\n    for x in xs:\n        print(state)\n",
        "LIMIT = 3\nfor x in range(LIMIT):\n    print(LIMIT)\n",
        "LIMIT = 3\n\ndef f(xs):\n    for x in xs:\n        if x is None:\n            raise ValueError(LIMIT)\n",
        "class C:\n    pass\n\ndef f(xs):\n    return [C(x) for x in xs]\n",
    )
    bench = Bench(
        setup="SCALE = 3\nxs = list(range(N))",
        before="def run():\n    return [x * SCALE for x in xs]",
        after="def run():\n    scale = SCALE\n    return [x * scale for x in xs]",
        note="small on 3.11+, which caches global lookups",
    )

    def __init__(self, ctx: FileContext, findings: list) -> None:
        super().__init__(ctx, findings)
        self._reported: Set[Tuple[str, int]] = set()
        self._io: Dict[int, bool] = {}

    def visit_Name(self, node: cst.Name) -> None:
        parent = self.ctx.parent()
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        function = self.ctx.function()
        if not isinstance(function, cst.FunctionDef):
            return
        loops = self.ctx.loops()
        if not loops:
            return
        facts = self.ctx.facts(function)
        name = node.value
        if not any(use.node is node for use in facts.uses.get(name, ())):
            return  # not a read
        if not self._is_module_variable(name):
            return
        loop = _outermost_free(facts, name, loops)
        key = (name, id(loop))
        ancestors = self.ctx.ancestors
        if loop is None or key in self._reported or not _worth_hoisting(self.ctx, facts, loops, self._io, type(self), ""):
            return
        self._reported.add(key)
        anchor = _anchor(ancestors, loop)
        reads: List[cst.CSTNode] = [u.node for u in facts.uses_in(name, loop)]
        fix = None
        if anchor is not None and not any(self.ctx.is_caught(read, ("NameError",), loop) for read in reads):
            stem = name.strip("_").lower() or "value"
            local = _fresh_name([stem, f"{stem}_local"], _taken_names(self.ctx, function))
            hoist = _Hoist(name, local, anchor, binds=True, nodes=reads)
            fix = self.make_fix(*_hoist_edits(self.ctx, hoist))
        self.report(node, f"global `{name}` is looked up on every pass: bind it to a local before the loop", fix)

    def _is_module_variable(self, name: str) -> bool:
        scope, found = self.ctx.bindings(name)
        if scope is not self.ctx.module or not found:
            return False
        facts = self.ctx.facts(scope)
        return all(b.kind in _GLOBAL_VALUE_KINDS for b in found) and name not in facts.escaping


# -- PFL103 --------------------------------------------------------------------------
def _ends_with_exit(body: cst.BaseSuite) -> bool:
    """Whether a block's last statement is a return, raise or break."""
    last = body.body[-1] if isinstance(body, cst.IndentedBlock) else body
    smalls: Sequence[cst.CSTNode] = [last]
    if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        smalls = last.body
    return isinstance(smalls[-1], _EXITS)


@register
class TryExceptInLoop(Rule):
    """Before Python 3.11, entering a `try` block cost a SETUP_FINALLY/POP_BLOCK pair on
    every pass of the loop. When every handler ends the loop anyway (`break`, `return` or
    `raise`), the `try` can wrap the whole loop and be entered once.

    Only for targets older than 3.11: 3.11 made exception handling "zero-cost" (no setup
    when no exception is raised), and the bench pair measures about 1.0x there; the gain
    before 3.11 is a few percent on a loop that does little else. No fix is offered:
    wrapping the loop also catches exceptions raised by the loop's iterable, which the
    handler did not catch before.
    """

    code = "PFL103"
    impact = Impact.CONSTANT
    hints = (LOOP, r"\btry\b")
    name = "try-except-in-loop"
    message = "`try` entered on every pass: wrap the loop in it (the handlers end the loop anyway)"
    availability = "target < 3.11"
    below_target = (3, 11)
    bad = (
        Example(
            "def parse(items):\n    out = []\n    for item in items:\n        try:\n            out.append(int(item))\n"
            "        except ValueError:\n            break\n    return out\n"
        ),
        Example(
            "def total(items):\n    n = 0\n    while items:\n        try:\n            n += items.pop()\n"
            "        except TypeError:\n            return None\n    return n\n"
        ),
    )
    good = (
        (
            "def parse(items):\n    out = []\n    for item in items:\n        try:\n            out.append(int(item))\n"
            "        except ValueError:\n            continue\n    return out\n"
        ),
        "def parse(items):\n    for item in items:\n        try:\n            int(item)\n        finally:\n            print(item)\n",
        (
            "def parse(items):\n    for item in items:\n        try:\n            int(item)\n        except ValueError:\n            break\n"
            "        else:\n            print(item)\n"
        ),
        "def parse(items):\n    for item in items:\n        print(item)\n        try:\n            int(item)\n        except ValueError:\n            break\n",
        "for item in [1]:\n    try:\n        int(item)\n    except ValueError:\n        break\n",
        "def read(sock):\n    while True:\n        try:\n            return sock.recv(1)\n        except OSError:\n            return None\n",
    )
    bench = Bench(
        setup="xs = [str(i) for i in range(N)]",
        before="def run():\n    out = []\n    for x in xs:\n        try:\n            out.append(int(x))\n"
        "        except ValueError:\n            break\n    return out",
        after="def run():\n    out = []\n    try:\n        for x in xs:\n            out.append(int(x))\n"
        "    except ValueError:\n        pass\n    return out",
        note="about 1.0x on 3.11+ (zero-cost exceptions); the rule applies only to older targets",
    )


    def visit_For(self, node: cst.For) -> None:
        self._check(node)

    def visit_While(self, node: cst.While) -> None:
        self._check(node)

    def _check(self, loop: cst.For | cst.While) -> None:
        body = loop.body
        if loop.orelse is not None or not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
            return
        statement = body.body[0]
        if not isinstance(statement, cst.Try) or statement.orelse is not None or statement.finalbody is not None:
            return
        if _ends_with_exit(statement.body):
            return  # the loop does not repeat unless the body says `continue`
        if all(_ends_with_exit(h.body) for h in statement.handlers) and self.ctx.function() is not None:
            self.report(statement)


# -- PFL104 --------------------------------------------------------------------------
_IN_LIST = rf"\bin{GAP}\b(?:list|tuple){GAP}\("


@register
class UnnecessaryListCast(Rule):
    """`for x in list(y)` copies `y` before iterating it. When `y` is a list, tuple, set
    or dict built in the function (a display or a local bound to one) and nothing can
    change it during the loop, the copy is wasted work and memory: iterate `y` directly.

    The fix is safe: it is offered only when `y` is never passed on, stored or returned
    (so no other code holds it) and the loop only reads it.
    """

    code = "PFL104"
    impact = Impact.CONSTANT
    hints = (r"\b(?:list|tuple)\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A def's loop must iterate `list(...)`/`tuple(...)` (`in(list(x))` too)."""
        return super().may_fire(region) and in_a_function(region) and region.loops.has(_IN_LIST)
    name = "unnecessary-list-cast"
    message = "iterate the collection directly instead of copying it with `list()`/`tuple()`"
    fix = Applicability.SAFE
    bad = (
        Example(
            "def f():\n    names = ['a', 'b']\n    for name in list(names):\n        print(name, names[0])\n",
            "def f():\n    names = ['a', 'b']\n    for name in names:\n        print(name, names[0])\n",
        ),
        Example(
            "def f(xs):\n    seen = {x for x in xs}\n    return [x for x in tuple(seen) if x in seen]\n",
            "def f(xs):\n    seen = {x for x in xs}\n    return [x for x in seen if x in seen]\n",
        ),
        Example(
            "def f():\n    for k in list({'a': 1, 'b': 2}):\n        print(k)\n",
            "def f():\n    for k in {'a': 1, 'b': 2}:\n        print(k)\n",
        ),
    )
    good = (
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs.append(x)\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs.remove(x)\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        del xs[0]\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs[:] = []\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs += [x]\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        handle(xs)\n",
        "def f(self):\n    xs = [1, 2]\n    self.xs = xs\n    for x in list(xs):\n        self.update()\n",
        "def f(xs):\n    for x in list(xs):\n        print(x)\n",  # xs may be a generator
        "def f():\n    xs = [1, 2]\n    for x in list(xs, 1):\n        print(x)\n",
        "def f(list):\n    xs = [1, 2]\n    for x in list(xs):\n        print(x)\n",
    )
    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    total = 0\n    for x in list(xs):\n        total += x\n    return total",
        after="def run():\n    total = 0\n    for x in xs:\n        total += x\n    return total",
    )

    def visit_For(self, node: cst.For) -> None:
        self._check(node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        comprehension = _comprehension_of(self.ctx, node)
        if comprehension is not None:
            self._check(node.iter, comprehension)

    def _check(self, call: cst.BaseExpression, loop: cst.CSTNode) -> None:
        if not (_is_call_of(call, ("list", "tuple")) and len(call.args) == 1):  # type: ignore[attr-defined]
            return
        arg = call.args[0]  # type: ignore[attr-defined]
        if arg.star or arg.keyword is not None or not isinstance(self.ctx.function(), cst.FunctionDef):
            return
        if not _is_builtin(self.ctx, call.func.value) or not self._unchanged(arg.value, loop):  # type: ignore[attr-defined]
            return
        self.report(call, fix=self.make_fix(Edit(call, replace=lambda u: u.args[0].value)))  # type: ignore[attr-defined]

    def _unchanged(self, value: cst.BaseExpression, loop: cst.CSTNode) -> bool:
        """Whether `value` is a fresh display, or a local bound to one that no other code
        can reach and that the loop only reads."""
        if isinstance(value, _DISPLAYS):
            return True
        if not isinstance(value, cst.Name):
            return False
        scope, _ = self.ctx.bindings(value.value)
        if scope is not self.ctx.function():
            return False
        facts = self.ctx.facts(scope)  # type: ignore[arg-type]
        if not isinstance(facts.sole_value(value.value), _DISPLAYS):
            return False
        for use in facts.uses.get(value.value, ()):
            kind = _use_kind(use)
            inside = use.nested or any(lp is loop for lp in use.loops)
            if kind == "other" or (inside and kind != "read"):
                return False
        return True


# -- PFL105 --------------------------------------------------------------------------
_ITEMS_CALL = rf"\.{GAP}\bitems{GAP}\)"
_TWO_NAMES = rf"\bfor{GAP}\[?{GAP}\w+{GAP},{GAP}\w+{GAP},?{GAP}\]?{GAP}\bin\b"


@register
class DictItemsUnused(Rule):
    """`for k, v in d.items()` builds a (key, value) tuple and unpacks it on every pass;
    when one of the two is never used, iterate `d` (keys) or `d.values()` instead.

    The fix is unsafe: it assumes `d` is a dict-like mapping whose iteration yields its
    keys (a pandas Series, for one, iterates its values and has no `values()` method). No
    fix is offered where the code shows it depends on `items()` itself: inside a `try`
    whose handler catches AttributeError, TypeError or ValueError (what `items()` and the
    unpacking raise for a non-mapping, which the handler routes elsewhere), or when `d` is
    the `self` of a class with its own `items`/`keys`/`__iter__` (iterating `self` there
    may call the very method being written).
    """

    code = "PFL105"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\bitems\b")

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A def's loop must unpack two names from `.items()` with no argument."""
        if not (super().may_fire(region) and in_a_function(region)):
            return False
        loops = region.loops
        return loops.has(_ITEMS_CALL) and loops.has(_TWO_NAMES)
    name = "dict-items-unused"
    message = "one of the unpacked `items()` names is unused: iterate the keys or `values()`"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(d):\n    for k, v in d.items():\n        print(v)\n",
            "def f(d):\n    for v in d.values():\n        print(v)\n",
        ),
        Example(
            "def f(d):\n    return [k for k, _ in d.items() if k]\n",
            "def f(d):\n    return [k for k in d if k]\n",
        ),
        Example(
            "def f(d):\n    for k, v in d.items():\n        print(k)\n    for v in range(3):\n        print(v)\n",
            "def f(d):\n    for k in d:\n        print(k)\n    for v in range(3):\n        print(v)\n",
        ),
        # A handler routes non-mappings elsewhere (networkx's set_node_attributes): no fix.
        Example(
            "def f(nodes, values):\n    try:\n        for n, v in values.items():\n            nodes[n] = values[n]\n"
            "    except AttributeError:\n        for n in nodes:\n            nodes[n] = values\n",
            None,
        ),
        # `self` of a class with its own `items`/`__iter__`: iterating it runs this method.
        Example(
            "class Table:\n    def items(self):\n        return self._rows.items()\n\n    def __iter__(self):\n"
            "        for k, v in self.items():\n            yield k\n",
            None,
        ),
    )
    good = (
        "def f(d):\n    for k, v in d.items():\n        print(k, v)\n",
        "def f(d):\n    for k, v in d.items():\n        print(k)\n    return v\n",
        "def f(d):\n    for k, (a, b) in d.items():\n        print(a, b)\n",
        "def f(d):\n    for k, v in d.items(1):\n        print(v)\n",
        "d = {}\nfor k, v in d.items():\n    print(v)\n",
        "def f(d):\n    return {k: v for k, v in d.items()}\n",
    )
    bench = Bench(
        setup="d = {i: i * 2 for i in range(N)}",
        before="def run():\n    total = 0\n    for k, v in d.items():\n        total += v\n    return total",
        after="def run():\n    total = 0\n    for v in d.values():\n        total += v\n    return total",
    )

    def visit_For(self, node: cst.For) -> None:
        self._check(node.target, node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        comprehension = _comprehension_of(self.ctx, node)
        if comprehension is not None:
            self._check(node.target, node.iter, comprehension)

    def _check(self, target: cst.BaseExpression, call: cst.BaseExpression, loop: cst.CSTNode) -> None:
        if not (
            isinstance(call, cst.Call)
            and not call.args
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "items"
            and isinstance(target, (cst.Tuple, cst.List))
            and len(target.elements) == 2
            and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements)
        ):
            return
        function = self.ctx.function()
        if function is None:
            return
        facts = self.ctx.facts(function)
        key, value = (e.value for e in target.elements)
        used = [self._used(facts, n, loop) for n in (key, value)]  # type: ignore[arg-type]
        if all(used):
            return
        keep = 1 if used[1] and not used[0] else 0
        fix = None
        if not self._depends_on_items(call, function):
            fix = self.make_fix(
                rewrite.replace(target, cst.Name(target.elements[keep].value.value)),  # type: ignore[attr-defined]
                Edit(call, replace=_values_call if keep else _receiver),
            )
        self.report(call, fix=fix)

    def _depends_on_items(self, call: cst.Call, function: cst.CSTNode) -> bool:
        """Whether the code depends on `.items()` itself: a handler around the loop catches
        what it raises for a non-mapping (AttributeError) or what unpacking raises
        (TypeError, ValueError), or the receiver is `self` of a class with its own
        `keys`/`items`/`__iter__` (iterating it may run the very method being written)."""
        receiver = call.func.value  # type: ignore[attr-defined]
        raised = ("AttributeError", "TypeError", "ValueError")
        return self.ctx.is_caught(call, raised, function) or self.ctx.is_self_of_container(receiver)

    @staticmethod
    def _used(facts: ScopeFacts, name: cst.Name, loop: cst.CSTNode) -> bool:
        if facts.is_shared(name.value) or any(b.kind == "del" for b in facts.bindings.get(name.value, ())):
            return True
        if facts.uses_in(name.value, loop):
            return True
        return not isinstance(loop, COMPREHENSION_TYPES) and _read_after(facts, name.value, loop)


def _receiver(updated: cst.CSTNode) -> cst.CSTNode:
    return updated.func.value  # type: ignore[attr-defined,no-any-return]


def _values_call(updated: cst.CSTNode) -> cst.CSTNode:
    return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("values")))  # type: ignore[attr-defined]


# -- PFL106 --------------------------------------------------------------------------
_RANGE_LEN = rf"\bfor{GAP}\b(\w+){GAP}\bin{GAP}\brange{GAP}\blen{GAP}\b(\w+){GAP},?{GAP}\)"
_RANGE_LEN_COMPILED = re.compile(_RANGE_LEN)


def _element_names(sequence: str) -> List[str]:
    """`items` -> item, `entries` -> entry, `xs` -> x; then `<seq>_item`, `item`."""
    singular = ""
    if sequence.endswith("ies") and len(sequence) > 3:
        singular = sequence[:-3] + "y"
    elif sequence.endswith(("sses", "xes", "ches", "shes")):
        singular = sequence[:-2]
    elif sequence.endswith("s") and not sequence.endswith("ss") and len(sequence) > 1:
        singular = sequence[:-1]
    return [n for n in (singular, f"{sequence}_item", "item", "element") if n]


@register
class RangeLenIndex(Rule):
    """`for i in range(len(xs))` that reads only `xs[i]` pays for a range object, an
    index variable and a subscript on every pass; `for x in xs` walks the sequence
    directly and is clearer.

    The fix is unsafe: it assumes `xs` is a sequence (list, tuple, str, ...) that the
    loop does not resize; for a mapping keyed by 0..n-1, `for x in xs` yields keys, not
    values. It is offered only when the loop reads `xs` and never assigns it, and `i` is
    used nowhere but in `xs[i]` reads, and not inside a `try` whose handler catches
    TypeError, IndexError or KeyError (what `len()` and `xs[i]` raise, or `for x in xs`).

    Not reported when `xs` is the `self` of a class with its own container methods
    (`__getitem__`, `__len__`, `__iter__`, ...): that loop is how the class iterates (in
    its `__iter__`, `for x in self` would call itself), not a slow spelling of it.
    """

    code = "PFL106"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\brange\b", r"\blen\b")

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A def's `for i in range(len(xs))` must read `xs[i]`."""
        if not (super().may_fire(region) and in_a_function(region)):
            return False
        loops = region.loops
        if not loops.has(_RANGE_LEN):
            return False
        return any(
            re.search(rf"\b{sequence}{GAP}\[{GAP}{index}{GAP}\]", loops.text)
            for index, sequence in _RANGE_LEN_COMPILED.findall(loops.text)
        )
    name = "range-len-index"
    message = "the index is only used as `xs[i]`: iterate the sequence directly"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(items):\n    for i in range(len(items)):\n        print(items[i], len(items))\n",
            "def f(items):\n    for item in items:\n        print(item, len(items))\n",
        ),
        Example(
            "def f(xs, x):\n    total = 0\n    for i in range(len(xs)):\n        total += xs[i] * x\n    return total\n",
            "def f(xs, x):\n    total = 0\n    for xs_item in xs:\n        total += xs_item * x\n    return total\n",
        ),
        # A handler catches what `len()` or `xs[i]` raise: no fix.
        Example(
            "def f(xs):\n    try:\n        for i in range(len(xs)):\n            print(xs[i])\n    except (TypeError, KeyError):\n"
            "        print(xs)\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    for i in range(len(xs)):\n        print(i, xs[i])\n",
        "def f(xs):\n    for i in range(len(xs)):\n        xs[i] = xs[i] * 2\n",
        "def f(xs):\n    for i in range(len(xs)):\n        xs[i] += 1\n",
        "def f(xs, ys):\n    for i in range(len(xs)):\n        print(xs[i] + ys[i])\n",
        "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n        xs.append(1)\n",
        "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n    return i\n",
        "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i - 1])\n",
        "def f(xs):\n    return [lambda: xs[i] for i in range(len(xs))]\n",
        # the sequence's own iteration (hypothesis' LazySequenceCopy): `for x in self` would
        # call this very `__iter__`
        (
            "class Copy:\n    def __len__(self):\n        return len(self.values)\n\n"
            "    def __getitem__(self, i):\n        return self.values[i]\n\n"
            "    def __iter__(self):\n        for i in range(len(self)):\n            yield self[i]\n"
        ),
        (
            "class Spans:\n    def __len__(self):\n        return self.count\n\n"
            "    def __getitem__(self, i):\n        return Span(self, i)\n\n"
            "    def total(self):\n        n = 0\n        for i in range(len(self)):\n            n += self[i].length\n"
            "        return n\n"
        ),
    )
    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    total = 0\n    for i in range(len(xs)):\n        total += xs[i]\n    return total",
        after="def run():\n    total = 0\n    for x in xs:\n        total += x\n    return total",
    )

    def visit_For(self, node: cst.For) -> None:
        call = node.iter
        if not (isinstance(node.target, cst.Name) and node.asynchronous is None and _is_call_of(call, ("range",))):
            return
        args = call.args  # type: ignore[attr-defined]
        if len(args) != 1 or args[0].star or not _is_call_of(args[0].value, ("len",)):
            return
        inner = args[0].value.args
        if len(inner) != 1 or inner[0].star or not isinstance(inner[0].value, cst.Name):
            return
        function = self.ctx.function()
        if function is None or not _is_builtin(self.ctx, "range") or not _is_builtin(self.ctx, "len"):
            return
        if self.ctx.is_self_of_container(inner[0].value):
            return  # the class's own iteration (maybe this very `__iter__`): no alternative
        sequence, index = inner[0].value.value, node.target.value
        subscripts = self._index_reads(self.ctx.facts(function), sequence, index, node)
        if subscripts is None:
            return
        fix = None
        if not self.ctx.is_caught(node, ("TypeError", "IndexError", "KeyError"), function):
            element = _fresh_name(_element_names(sequence), _taken_names(self.ctx, function))
            edits = [_rename(node.target, element), Edit(call, replace=_sequence_of), *(_rename(s, element) for s in subscripts)]
            fix = self.make_fix(*edits)
        self.report(call, fix=fix)

    @staticmethod
    def _index_reads(facts: ScopeFacts, sequence: str, index: str, loop: cst.For) -> Optional[List[cst.Subscript]]:
        """The `xs[i]` reads of the loop, if they are the only uses of `i` and the loop
        only reads `xs`; else None."""
        if facts.is_shared(index) or facts.is_shared(sequence):
            return None
        if facts.bindings_in(index, loop) or facts.bindings_in(sequence, loop) or _read_after(facts, index, loop):
            return None
        reads: Dict[int, cst.Subscript] = {}
        for use in facts.uses_in(sequence, loop):
            if _use_kind(use) != "read":
                return None
            sub = use.parent
            if isinstance(sub, cst.Subscript) and len(sub.slice) == 1:
                item = sub.slice[0].slice
                if isinstance(item, cst.Index) and isinstance(item.value, cst.Name) and item.value.value == index:
                    reads[id(item.value)] = sub
        index_uses = facts.uses_in(index, loop)
        if not index_uses or any(u.nested or id(u.node) not in reads for u in index_uses):
            return None
        return [reads[id(u.node)] for u in index_uses]


def _sequence_of(updated: cst.CSTNode) -> cst.CSTNode:
    """`range(len(xs))` -> `xs`."""
    return updated.args[0].value.args[0].value  # type: ignore[attr-defined,no-any-return]


# -- PFL107 --------------------------------------------------------------------------
_READLINES_CALL = rf"\.{GAP}\breadlines{GAP}\)"


@register
class ReadlinesInFor(Rule):
    """`for line in f.readlines()` reads the whole file into a list before the first
    pass; `for line in f` yields the same lines one at a time, with constant memory and
    the first line available at once.

    The fix is safe when `f` is a file from `open(...)` that the loop does not touch and
    nothing reads after the loop (a `break` would leave the rest unread). For other
    objects it is unsafe: a file-like object may have `readlines()` without being
    iterable; no unsafe fix is offered inside a `try` catching AttributeError or
    TypeError, nor for the `self` of a class with its own `__iter__`. Loops that read,
    seek or write the same object are not reported.
    """

    code = "PFL107"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\breadlines\b")

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A def's loop must iterate `x.readlines()`, with no argument."""
        return super().may_fire(region) and in_a_function(region) and region.loops.has(_READLINES_CALL)
    name = "readlines-in-for"
    message = "iterate the file directly instead of calling `readlines()`"
    fix = Applicability.SAFE
    bad = (
        Example(
            "def f(path):\n    with open(path) as fp:\n        for line in fp.readlines():\n            print(line)\n",
            "def f(path):\n    with open(path) as fp:\n        for line in fp:\n            print(line)\n",
        ),
        Example(
            "def f(path):\n    return [line.strip() for line in open(path).readlines()]\n",
            "def f(path):\n    return [line.strip() for line in open(path)]\n",
        ),
        Example(  # unsafe: `stream` may not be iterable
            "def f(stream):\n    for line in stream.readlines():\n        print(line)\n",
            "def f(stream):\n    for line in stream:\n        print(line)\n",
        ),
        # A handler catches what a `stream` without `readlines()` raises: no fix.
        Example(
            "def f(stream):\n    try:\n        for line in stream.readlines():\n            print(line)\n"
            "    except AttributeError:\n        print(stream)\n",
            None,
        ),
    )
    good = (
        "def f(fp):\n    for line in fp.readlines():\n        fp.readline()\n",
        "def f(self):\n    for line in self.fp.readlines():\n        self.seek(0)\n",
        "def f(fp):\n    for line in fp.readlines(100):\n        print(line)\n",
        "def f(fp):\n    for line in fp:\n        print(line)\n",
    )
    bench = Bench(
        setup="import io\nstream = io.StringIO('some text on a line\\n' * N)",
        before="def run():\n    stream.seek(0)\n    return sum(len(line) for line in stream.readlines())",
        after="def run():\n    stream.seek(0)\n    return sum(len(line) for line in stream)",
        note="similar speed; the gain is memory (no list of every line)",
    )

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        comprehension = _comprehension_of(self.ctx, node)
        if comprehension is not None and node.asynchronous is None:
            self._check(node.iter, comprehension)

    def _check(self, call: cst.BaseExpression, loop: cst.CSTNode) -> None:
        if not (
            isinstance(call, cst.Call)
            and not call.args
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "readlines"
        ):
            return
        function = self.ctx.function()
        if function is None:
            return
        receiver = call.func.value
        applicability = self._applicability(receiver, self.ctx.facts(function), loop)
        if applicability is None:
            return
        depends = applicability is Applicability.UNSAFE and (  # on `readlines()` itself
            self.ctx.is_caught(call, ("AttributeError", "TypeError"), function) or self.ctx.is_self_of_container(receiver)
        )
        self.report(call, fix=None if depends else self.make_fix(Edit(call, replace=_receiver), applicability=applicability))

    def _applicability(self, receiver: cst.BaseExpression, facts: ScopeFacts, loop: cst.CSTNode) -> Optional[Applicability]:
        """How far the fix can be trusted; None if the loop may use the file itself."""
        if self._is_open(receiver):
            return Applicability.SAFE
        parts = dotted(receiver)
        if parts is None:
            return Applicability.UNSAFE if isinstance(receiver, cst.Call) else None
        if facts.uses_in(parts[0], loop):
            return None
        if len(parts) > 1 or not self._opened(parts[0]):
            return Applicability.UNSAFE
        others = [u for u in facts.uses.get(parts[0], ()) if u.node is not receiver and u.method() != "close"]
        return Applicability.UNSAFE if others else Applicability.SAFE

    def _is_open(self, node: Optional[cst.CSTNode]) -> bool:
        return _is_call_of(node, ("open",)) and _is_builtin(self.ctx, "open")

    def _opened(self, name: str) -> bool:
        """Whether every binding of `name` is `name = open(...)` or `with open(...) as name`."""
        _, found = self.ctx.bindings(name)
        for binding in found:
            value = binding.value
            if binding.kind == "with" and isinstance(binding.statement, cst.With):
                value = next((i.item for i in binding.statement.items if i.asname and i.asname.name is binding.node), None)
            elif binding.kind != "assign":
                return False
            if not self._is_open(value):
                return False
        return bool(found)

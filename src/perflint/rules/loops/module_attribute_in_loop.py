"""PFL101 module-attribute-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.shapes import dotted
from perflint.model import Applicability, Bench, Case, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import (
    _CHEAP_MODULES,
    _CONTAINERS,
    _PATH_MODULES,
    _PURE_PATH_FUNCTIONS,
    _anchor,
    _fresh_name,
    _Hoist,
    _hoist_edits,
    _is_call_of,
    _outermost_free,
    _taken_names,
    _worth_hoisting,
)

# `from PKG import NAME` binds a module only for these well-known submodules.
_SUBMODULES = frozenset(
    {
        "os.path", "urllib.parse", "urllib.request", "xml.etree.ElementTree", "email.utils",
        "importlib.util", "concurrent.futures", "logging.handlers", "collections.abc"
    }
)


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
    name = "module-attribute-in-loop"
    message = "module attribute looked up on every pass: bind it to a local before the loop"
    impact = Impact.CONSTANT
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

    # A function's loop calls a cheap module's function or a pure path function through its module.
    needs = tuple(("def", f"loop attribute {m}.*") for m in sorted(_CHEAP_MODULES)) + tuple(
        ("def", f"loop attribute {m}.{f}") for m in sorted(_PATH_MODULES) for f in sorted(_PURE_PATH_FUNCTIONS)
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

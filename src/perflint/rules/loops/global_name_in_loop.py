"""PFL102 global-name-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Dict, List, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.model import Applicability, Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import (
    _anchor,
    _fresh_name,
    _Hoist,
    _hoist_edits,
    _outermost_free,
    _taken_names,
    _worth_hoisting,
)

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
    name = "global-name-in-loop"
    message = "module-level variable looked up on every pass: bind it to a local before the loop"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE
    default_on = False

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

    needs = (("def", "loop"),)

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

"""PFL109 key-loop-lookup: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.scope import ScopeFacts
from perflint.analysis.shapes import annotated_as
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import (
    _fresh_name,
    _read_after,
    _rename,
    _taken_names,
    _use_kind,
)

# Calls that make a dict (`collections`' subclasses keep `d[k]` equal to the item's value
# for a key the dict has).
_DICT_FACTORIES = frozenset(
    {"dict", "dict.fromkeys", "collections.OrderedDict", "collections.defaultdict", "collections.Counter"}
)
_DICT_TYPES = ("dict", "Dict", "OrderedDict", "DefaultDict", "defaultdict", "Counter")
# `for k in d:` or `for k in d.keys():` (groups: the key, the dict), for triage.
_KEY_LOOP = r"\bfor[\s(]+(\w+)[\s)]+in[\s(]+(\w+)[\s)]*(?:\.\s*keys\s*\(\s*\)[\s)]*)?:"


@register
class KeyLoopLookup(Rule):
    """`for k in d:` that reads `d[k]` hashes every key a second time and looks it up
    again; `for k, v in d.items()` (or `for v in d.values()` when the key serves only the
    lookup) hands out key and value together (its bench pair, on a dict of
    int keys: 1.44x on CPython 3.9, then only 1.15x on 3.10, 1.16x on 3.11, 1.18x on 3.12
    and 1.07x on 3.13, where the second lookup is cheap; the gain grows with the cost of
    hashing the key, such as long strings or tuples).

    Fires only where `d` is known to be a dict: a local bound only to dict displays,
    dict comprehensions, `dict(...)`, `dict.fromkeys(...)` or `collections`' dict types,
    or a parameter annotated as one. The loop must not change `d` (no `d[...] = `, `del`,
    augmented assignment, mutating method, nor passing `d` on), nor rebind `d` or `k`.
    The fix is unsafe: if the loop changes a value of `d` through another reference to it
    (or a function it calls does), `v` still holds the value from before.
    """

    code = "PFL109"
    name = "key-loop-lookup"
    message = "the loop looks up `d[k]` for each key: iterate `d.items()` (or `d.values()`)"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def f(rows):\n    d = dict(rows)\n    for k in d:\n        print(k, d[k])\n",
            "def f(rows):\n    d = dict(rows)\n    for k, value in d.items():\n        print(k, value)\n",
        ),
        Example(
            "def f(d: dict):\n    total = 0\n    for k in d.keys():\n        total += d[k] * 2\n    return total\n",
            "def f(d: dict):\n    total = 0\n    for value in d.values():\n        total += value * 2\n    return total\n",
        ),
        Example(
            "def f(xs):\n    seen = {x: len(x) for x in xs}\n    for x in seen:\n        if seen[x] > 1 and x in seen:\n"
            "            print(seen[x])\n",
            "def f(xs):\n    seen = {x: len(x) for x in xs}\n    for x, value in seen.items():\n        if value > 1 and x in seen:\n"
            "            print(value)\n",
        ),
    )
    good = (
        "def f(d):\n    for k in d:\n        print(d[k])\n",  # `d` may be any mapping
        "def f(rows):\n    d = dict(rows)\n    for k in d:\n        d[k] = d[k] + 1\n",
        "def f(rows):\n    d = dict(rows)\n    for k in d:\n        d[k] += 1\n",
        "def f(rows):\n    d = dict(rows)\n    for k in list(d):\n        del d[k]\n",
        "def f(rows, g):\n    d = dict(rows)\n    for k in d:\n        g(d)\n        print(d[k])\n",
        "def f(rows):\n    d = dict(rows)\n    for k in d:\n        print(d[k + 1])\n",
        "def f(rows):\n    d = dict(rows)\n    for k in d:\n        yield lambda: d[k]\n",
        "def f(rows, other):\n    d = dict(rows)\n    for k in d:\n        d = other\n        print(d[k])\n",
        "d = {1: 2}\nfor k in d:\n    print(d[k])\n",
    )

    bench = Bench(
        setup="d = {i: i * 2 for i in range(N)}",
        before="def run():\n    total = 0\n    for k in d:\n        total += k + d[k]\n    return total",
        after="def run():\n    total = 0\n    for k, v in d.items():\n        total += k + v\n    return total",
    )

    needs = (("def", "key lookup"),)  # `for k in d` reading `d[k]`

    def visit_For(self, node: cst.For) -> None:
        mapping = _keys_of(node.iter)
        if node.asynchronous is not None or mapping is None or not isinstance(node.target, cst.Name):
            return
        function = self.ctx.function()
        if not isinstance(function, cst.FunctionDef) or not _is_dict(self.ctx, function, mapping.value):
            return
        facts = self.ctx.facts(function)
        key = node.target.value
        lookups = _lookups(facts, mapping.value, key, node)
        if not lookups:
            return
        key_uses = [u for u in facts.uses_in(key, node) if u.node is not node.target]
        only_lookups = {id(u.node) for u in key_uses} <= {id(s.slice[0].slice.value) for s in lookups}  # type: ignore[attr-defined]
        value = _fresh_name(["value", f"{mapping.value}_value", "item_value"], _taken_names(self.ctx, function))
        if only_lookups and not _read_after(facts, key, node):
            target: cst.BaseExpression = cst.Name(value)
            method = "values"
        else:
            target = cst.Tuple([cst.Element(cst.Name(key)), cst.Element(cst.Name(value))], lpar=[], rpar=[])
            method = "items"
        call = cst.Call(cst.Attribute(cst.Name(mapping.value), cst.Name(method)))
        edits = [Edit(node.target, replace=lambda _u: target), Edit(node.iter, replace=lambda _u: call)]
        fix = self.make_fix(*edits, *(_rename(s, value) for s in lookups))
        self.report(node.iter, f"the loop looks up `{mapping.value}[{key}]` for each key: iterate `{mapping.value}.{method}()`", fix=fix)


def _keys_of(iterable: cst.BaseExpression) -> Optional[cst.Name]:
    """`d` of `for k in d` or `for k in d.keys()`."""
    if isinstance(iterable, cst.Name):
        return iterable
    if (
        isinstance(iterable, cst.Call) and not iterable.args and isinstance(iterable.func, cst.Attribute)
        and iterable.func.attr.value == "keys" and isinstance(iterable.func.value, cst.Name)
    ):
        return iterable.func.value
    return None


def _is_dict(ctx: FileContext, function: cst.FunctionDef, name: str) -> bool:
    """Whether every binding of the local `name` makes it a dict (see the rule's docs)."""
    scope, bindings = ctx.bindings(name)
    if scope is not function or not bindings or ctx.facts(function).is_shared(name):
        return False
    for binding in bindings:
        if binding.kind == "param":
            if not annotated_as(function, name, _DICT_TYPES):
                return False
        elif binding.kind not in ("assign", "annassign") or not _is_dict_value(ctx, binding.value):
            return False
        elif isinstance(binding.statement, cst.Assign) and len(binding.statement.targets) != 1:
            return False
    return True


def _is_dict_value(ctx: FileContext, value: Optional[cst.BaseExpression]) -> bool:
    if isinstance(value, (cst.Dict, cst.DictComp)):
        return True
    if not isinstance(value, cst.Call):
        return False
    if isinstance(value.func, cst.Name) and value.func.value == "dict":
        return ctx.is_builtin("dict")
    if isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Name) and value.func.value.value == "dict":
        return value.func.attr.value == "fromkeys" and ctx.is_builtin("dict")
    return ctx.callee_name(value.func) in _DICT_FACTORIES


def _lookups(facts: ScopeFacts, mapping: str, key: str, loop: cst.For) -> List[cst.Subscript]:
    """The `d[k]` reads of the loop, if the loop only reads `d` and binds neither name;
    else no lookups."""
    if facts.is_shared(key):
        return []
    if any(b.node is not loop.target for b in facts.bindings_in(key, loop)) or facts.bindings_in(mapping, loop):
        return []
    found: List[cst.Subscript] = []
    for use in facts.uses_in(mapping, loop):
        if use.nested or _use_kind(use) != "read":
            return []
        sub = use.parent
        if isinstance(sub, cst.Subscript) and sub.value is use.node:
            item = sub.slice[0].slice if len(sub.slice) == 1 else None
            if isinstance(item, cst.Index) and isinstance(item.value, cst.Name) and item.value.value == key:
                found.append(sub)
    if any(u.nested for u in facts.uses_in(key, loop)):
        return []
    return found

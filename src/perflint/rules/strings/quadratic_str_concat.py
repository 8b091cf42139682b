"""PFL201 quadratic-str-concat: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import FrozenSet, List, Optional, Set, Union

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_accumulation
from perflint.analysis.scope import ScopeFacts
from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Example, Fix, Impact
from perflint.rules.base import Rule, register
from perflint.rules.strings._accumulator_rule import _AccumulatorRule
from perflint.rules.strings._shared import (
    LoopStatement,
    Target,
    _accumulated_name,
    _accumulation,
    _exits_unobserved,
    _join_fix,
    _read_names,
    _Shared,
)

# Builtins that run no user code on str arguments beyond `__str__`/`__format__`-like hooks.
_PLAIN_BUILTINS = frozenset((
    "abs", "ascii", "bin", "bool", "chr", "enumerate", "float", "format", "hex", "int", "isinstance",
    "len", "max", "min", "oct", "ord", "range", "repr", "reversed", "round", "sorted", "str", "zip",
))


def _bound_names(target: cst.BaseExpression) -> Set[str]:
    """Names bound by an assignment target such as `a, (b, *c)`."""
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _bound_names(element.value)}
    if isinstance(target, cst.StarredElement):
        return _bound_names(target.value)
    return set()


class _LoopBody(Visitor):
    """What a loop does besides adding to `target`: other reads of the variables the
    target reads, calls that could read the target, and suspensions (yield, await)."""

    def __init__(self, ctx: FileContext, facts: ScopeFacts, loop: LoopStatement, target: Target, names: FrozenSet[str]) -> None:
        super().__init__()
        self.ctx, self.facts, self.loop, self.target, self.names = ctx, facts, loop, target, names
        self.statements: List[cst.CSTNode] = []
        self.allowed: Set[int] = set()
        self.mentions: List[cst.Name] = []
        self.opaque = False
        self.loop_names = _bound_names(loop.target) if isinstance(loop, cst.For) else set()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._write(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._write(node)

    def _write(self, node: Union[cst.AugAssign, cst.Assign]) -> None:
        found = _accumulation(node)
        if found is not None and found[0].deep_equals(self.target):
            self.statements.append(node)
            reads = [found[0], _accumulated_name(node)]
            self.allowed |= {id(name) for read in reads for name in _read_names(read)}

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.mentions.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        visit(node.value, self)
        return False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.opaque = True

    def visit_Await(self, node: cst.Await) -> None:
        self.opaque = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name):
            plain = func.value in _PLAIN_BUILTINS and self.ctx.bindings(func.value)[0] is None
        elif isinstance(func, cst.Attribute):
            receiver = func.value
            plain = isinstance(receiver, (cst.SimpleString, cst.ConcatenatedString)) or (
                isinstance(receiver, cst.Name)
                and receiver.value not in self.names
                and (receiver.value in self.loop_names or bool(self.facts.bindings_in(receiver.value, self.loop)))
            )
        else:
            plain = False
        self.opaque = self.opaque or not plain

    def alone(self) -> bool:
        """Nothing in the loop but the additions can see the target."""
        return not self.opaque and all(id(name) in self.allowed for name in self.mentions)


def _shared_fix(rule: Rule, ctx: FileContext, found: _Shared) -> Optional[Fix]:
    """The join fix, when the target is set right before the loop and nothing in the loop
    (no call into other code, no other read) can observe it before the loop ends."""
    start = found.start
    if start is None or not start.direct or not _exits_unobserved(ctx, start.loop, found.names):
        return None
    body = _LoopBody(ctx, found.facts, start.loop, found.target, found.names)
    parts: List[cst.CSTNode] = [start.loop.body]
    if isinstance(start.loop, cst.While):
        parts.append(start.loop.test)
    if start.loop.orelse is not None:
        parts.append(start.loop.orelse)
    for part in parts:
        visit(part, body)
    if not body.alone():
        return None
    target = found.target
    hint = target.value if isinstance(target, cst.Name) else target.attr.value if isinstance(target, cst.Attribute) else "item"
    return _join_fix(rule, ctx, found.facts, start, target, body.statements, hint)


@register
class QuadraticStrConcat(_AccumulatorRule):
    """Only a plain local str can be extended in place by `+=`. When the string lives in
    an attribute, a container item, a global or a nonlocal, the container keeps a second
    reference, so every `+=` copies the whole string built so far: accumulating n parts
    costs O(n^2). Collect the parts in a list and `"".join` them once (30x faster at 20,000
    five-character parts, measured; the gap grows with the length).

    Only targets seen to hold a str are reported: set to a str literal or f-string in the
    function (or, for `self.x`, anywhere in the class), or items of a
    `defaultdict(str)`; an attribute or item of a different object on each iteration
    (`for node in nodes: node.text += s`) is not accumulation and is not reported.

    The fix keeps the parts in a local list and stores the joined string after the loop;
    it is offered only when the target is set right before the loop and nothing in the
    loop could look at it meanwhile (no other use, no call of unknown code, no yield or
    await). It is unsafe because code run by the loop body (a property, a `__str__`)
    would see the value from before the loop, and if the loop raises, the target keeps
    that value instead of the partial result. Not offered where a handler inside the loop
    catches TypeError: adding a non-str raises it at the `+=`, joining raises it after the
    loop, out of that handler's reach.
    """

    code = "PFL201"
    name = "quadratic-str-concat"
    message = (
        "`+=` on a str attribute, item or global copies the whole string each time (quadratic): "
        "collect the parts in a list and `\"\".join` them"
    )
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def render(self, rows):\n"
            "    self.html = \"\"\n"
            "    for row in rows:\n"
            "        self.html += f\"<tr>{row}</tr>\"\n",
            "def render(self, rows):\n"
            "    html_parts = []\n"
            "    for row in rows:\n"
            "        html_parts.append(f\"<tr>{row}</tr>\")\n"
            "    self.html = \"\".join(html_parts)\n",
        ),
        Example(
            "log = \"\"\n"
            "def record(events):\n"
            "    global log\n"
            "    for event in events:\n"
            "        log = log + event + \"\\n\"\n",
            None,
        ),
        Example(
            "class Writer:\n"
            "    def __init__(self):\n"
            "        self.out = \"\"\n"
            "    def write_all(self, items):\n"
            "        for item in items:\n"
            "            self.out += self.format(item)\n",
            None,
        ),
        Example(
            "import collections\n"
            "def group(pairs):\n"
            "    text = collections.defaultdict(str)\n"
            "    for key, line in pairs:\n"
            "        text[key] += line\n"
            "    return text\n",
            None,
        ),
        Example(
            "def build(parts):\n"
            "    acc = {\"body\": \"\"}\n"
            "    acc[\"body\"] = \"<p>\"\n"
            "    for part in parts:\n"
            "        acc[\"body\"] += part.strip()\n"
            "    return acc\n",
            "def build(parts):\n"
            "    acc = {\"body\": \"\"}\n"
            "    acc[\"body\"] = \"<p>\"\n"
            "    item_parts = []\n"
            "    for part in parts:\n"
            "        item_parts.append(part.strip())\n"
            "    acc[\"body\"] += \"\".join(item_parts)\n"
            "    return acc\n",
        ),
    )
    good = (
        # numeric accumulators
        "def f(self, xs):\n    self.total = 0\n    for x in xs:\n        self.total += x\n",
        "def f(self, xs):\n    for x in xs:\n        self.count += 1\n        self.size += len(x)\n        self.n += x * 2\n",
        # type not visible
        "def f(self, xs):\n    for x in xs:\n        self.text += x\n",
        "def f(obj, xs):\n    obj.text = make()\n    for x in xs:\n        obj.text += x\n",
        (
            "class A:\n    def __init__(self):\n        self.t = None\n    def f(self, xs):\n        self.t = ''\n"
            "        for x in xs:\n            self.t += x\n"
        ),
        # a different item or object on each iteration: linear
        "def f(lines):\n    lines[0] = ''\n    for i in range(len(lines)):\n        lines[i] += '\\n'\n",
        "def f(nodes):\n    for node in nodes:\n        node.text = ''\n        node.text += 'x'\n",
        "def f(d, keys):\n    d[0] = ''\n    for k in keys:\n        d[k] += 'x'\n",
        # reset in the same iteration
        "def f(self, xs):\n    for x in xs:\n        self.line = ''\n        self.line += x\n        emit(self.line)\n",
        # globals not known to be str, and plain locals (PFL202)
        "count = 0\ndef f(xs):\n    global count\n    for x in xs:\n        count += x\n",
        "def f(xs):\n    s = ''\n    for x in xs:\n        s += x\n    return s\n",
        # module level
        "out = ''\nfor x in range(3):\n    out += str(x)\n",
    )

    bench = Bench(
        setup="parts = [str(i % 10) * 5 for i in range(N)]\nclass Page:\n    pass",
        before=(
            "def run():\n    page = Page()\n    page.html = ''\n    for p in parts:\n"
            "        page.html += p\n    return page.html"
        ),
        after=(
            "def run():\n    page = Page()\n    html_parts = []\n    for p in parts:\n"
            "        html_parts.append(p)\n    page.html = ''.join(html_parts)\n    return page.html"
        ),
        size=20_000,
    )

    # An attribute or item known to hold a str, or a global or nonlocal, added to in a loop.
    needs = tuple(("def", f"loop {target} {growth}") for target in ("shared str", "global") for growth in ("+=", "= +"))

    def check(self, node: cst.BaseSmallStatement) -> None:
        found = self.shared(node, "str")
        if found is not None:
            fixed = fixed_accumulation(self.ctx, self.outermost(found))
            self.report(node, fix=_shared_fix(self, self.ctx, found), fixed_size=fixed)

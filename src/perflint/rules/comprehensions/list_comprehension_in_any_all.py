"""PFL405 list-comprehension-in-any-all: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_iterations
from perflint.analysis.shapes import clauses, has_async_for
from perflint.analysis.walk import children, visit
from perflint.model import Applicability, Bench, Bound, Case, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.comprehensions._shared import _LoopScan


@register
class ListComprehensionInAnyAll(Rule):
    """`any([...])` / `all([...])` builds the whole list before looking at it (and
    `any({...})` a whole set, hashing every item); with a generator, `any`/`all` stop at the first decisive item (at 10,000 items with a hit
    at the front, 350x faster).

    The gain is data-dependent: when no item decides early the generator is slower than
    the list comprehension (1.35x slower at 10,000 items on CPython 3.11), so this pays
    off when early exits are common or items are expensive. Unsafe: items after the
    decisive one are no longer evaluated, so their side effects no longer happen; the fix
    is not offered where an item calls anything but a builtin that only reads (a call may
    be there for its side effect, as in `all([child.prune() for child in children])`).
    From a set comprehension, an unhashable item no longer raises TypeError. Never
    offered for an async comprehension: its generator would be an async generator,
    which `any`/`all` reject.
    """

    code = "PFL405"
    name = "list-comprehension-in-any-all"
    message = "pass a generator to any()/all() so it can stop at the first decisive item"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example("def f(xs):\n    return any([x > 0 for x in xs])\n", "def f(xs):\n    return any(x > 0 for x in xs)\n"),
        Example(
            "ok = all([\n    x.ready  # each\n    for x in xs\n])\n",
            "ok = all(\n    x.ready  # each\n    for x in xs\n)\n",
            bounded=Bound.RUNS_ONCE,
        ),
        Example("ok = all([x for x in xs],)\n", "ok = all((x for x in xs),)\n", Bound.RUNS_ONCE),
        Example(  # a set comprehension builds and hashes them all too
            "def f(names):\n    return all({n.isidentifier() for n in names})\n",
            None,  # `isidentifier` may be a method of anything: it may have effects
        ),
        Example("def f(xs):\n    return any({ x > 0 for x in xs })\n", "def f(xs):\n    return any( x > 0 for x in xs )\n"),
        # A call may be there for its side effect on every item: reported without a fix.
        Example("def f(children):\n    return all([c.prune() for c in children])\n", None),
        Example(  # three items: the generator's setup costs more than it can save
            "def f(a, b, c):\n    return any([x > 0 for x in (a, b, c)])\n",
            "def f(a, b, c):\n    return any(x > 0 for x in (a, b, c))\n",
            Bound.FIXED_SIZE,
        ),
    )
    good = (
        "def f(xs):\n    return any(x > 0 for x in xs)\n",
        "def f(xs):\n    return any([xs])\n",
        "async def f(xs):\n    return any([await x for x in xs])\n",
        "async def f(xs):\n    return any([x async for x in xs])\n",  # any() rejects an async generator
        "async def f(xs):\n    return all({x async for x in xs})\n",
        "def f(d):\n    return any({k: v for k, v in d})\n",  # a dict comprehension: not this rule
        "def f(xs):\n    any = sum\n    return any([x for x in xs])\n",
        "def f(xs):\n    return all([(y := x) for x in xs]), y\n",
    )

    bench = Bench(
        setup="xs = [1] + [0] * (N - 1)",
        before="def run():\n    return any([x > 0 for x in xs])",
        after="def run():\n    return any(x > 0 for x in xs)",
        variants=(Case("no early hit", setup="xs = [0] * N"),),
        note="the hit is at the front; in the second case nothing stops the scan early",
    )

    needs = tuple((f"{f}({comp})",) for f in ("any", "all") for comp in ("ListComp", "SetComp"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Name) and func.value in ("any", "all") and len(node.args) == 1):
            return
        arg = node.args[0]
        comp = arg.value
        if not isinstance(comp, (cst.ListComp, cst.SetComp)) or arg.keyword is not None or arg.star or comp.lpar:
            return
        if has_async_for(comp):
            return  # a generator of an async comprehension is an async generator: any() rejects it
        scan = _LoopScan()
        visit(comp, scan)
        if scan.blocked or not self.ctx.is_builtin(func.value):
            return
        fixed = fixed_iterations(self.ctx, comp)  # a handful of items: the generator is slower
        fix = None if _calls_unknown(self.ctx, comp) else self.make_fix(Edit(node, replace=_to_generator))
        self.report(node, fix=fix, fixed_size=fixed)


# Builtins that only read their arguments: calling them has no side effect to skip.
_READING_BUILTINS = frozenset({
    "isinstance", "issubclass", "len", "hasattr", "callable", "type", "id", "abs", "bool", "int", "float", "str",
    "repr", "ord", "chr", "min", "max", "sum", "any", "all", "round",
})


def _calls_unknown(ctx: FileContext, comp: cst.ListComp | cst.SetComp) -> bool:
    """Whether the element or a condition calls something other than a reading builtin."""
    stack: list[cst.CSTNode] = [comp.elt, *(test.test for clause in clauses(comp) for test in clause.ifs)]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            func = node.func
            if not (isinstance(func, cst.Name) and func.value in _READING_BUILTINS and ctx.bindings(func.value)[0] is None):
                return True
        stack.extend(children(node))
    return False


def _to_generator(updated: cst.CSTNode) -> cst.CSTNode:
    """`any([elt for ...])` (or `{...}`) -> `any(elt for ...)`, moving the brackets' whitespace (and
    comments) to the call's parentheses, or keeping parentheses where a comma needs them."""
    assert isinstance(updated, cst.Call)
    arg = updated.args[0]
    comp = arg.value
    if isinstance(comp, cst.SetComp):
        inner, outer = comp.lbrace.whitespace_after, comp.rbrace.whitespace_before
    else:
        assert isinstance(comp, cst.ListComp)
        inner, outer = comp.lbracket.whitespace_after, comp.rbracket.whitespace_before
    bare = (
        isinstance(arg.comma, cst.MaybeSentinel)
        and _blank(updated.whitespace_before_args)
        and _blank(arg.whitespace_after_arg)
    )
    if bare:
        gen = cst.GeneratorExp(comp.elt, comp.for_in, lpar=[], rpar=[])
        return updated.with_changes(
            whitespace_before_args=inner, args=[arg.with_changes(value=gen, whitespace_after_arg=outer)]
        )
    gen = cst.GeneratorExp(
        comp.elt, comp.for_in, lpar=[cst.LeftParen(whitespace_after=inner)], rpar=[cst.RightParen(whitespace_before=outer)]
    )
    return updated.with_changes(args=[arg.with_changes(value=gen)])


def _blank(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value

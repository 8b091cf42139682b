"""PFL701: regular expressions recompiled (looked up in re's cache) on every iteration."""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext, last_name
from perflint.analysis.loops import FUNCTION_TYPES
from perflint.model import Applicability, Bench, Edit, Example, Finding, Fix, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register

# Module function -> how many positional arguments it may have for the method call to
# take the same ones (a further positional argument is `flags`, which the method lacks:
# `re.sub(p, r, s, 0, re.I)` but `pattern.sub(r, s, 0)`).
_POSITIONAL_LIMIT: Dict[str, int] = {
    "match": 2, "search": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3, "sub": 4,
}
_NAME_BASE = "pattern"


def _is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return True
    return isinstance(node, cst.ConcatenatedString) and _is_literal(node.left) and _is_literal(node.right)


def hoist_anchor(ctx: FileContext, loop: cst.CSTNode) -> Optional[cst.BaseStatement]:
    """The statement of a block that holds `loop` (or is it), in the same function: where
    something computed once for the loop can be inserted. None if there is none."""
    index = next((i for i, n in enumerate(ctx.ancestors) if n is loop), None)
    if index is None:
        return None
    for i in range(index, 0, -1):
        node, parent = ctx.ancestors[i], ctx.ancestors[i - 1]
        if isinstance(node, FUNCTION_TYPES + (cst.ClassDef,)):
            return None
        if isinstance(parent, (cst.IndentedBlock, cst.Module)) and isinstance(node, cst.BaseStatement):
            return node
    return None


@register
class RegexInLoop(Rule):
    """`re.match(PATTERN, s)` does not recompile the pattern (`re` caches compiled
    patterns), but every call still goes through `re._compile`: an extra Python call, a
    flags type check and a cache lookup keyed by pattern and flags. Compiling once before
    the loop and calling the pattern's method skips all of that. Measured on CPython
    3.11-3.13 over 10,000 short strings: 2.2-2.5x for `search` with a group, 2.2-3.7x
    for a cheap `match`; the gain shrinks as each match does more work, and grows a lot
    when more than 512 patterns are in use (the cache then recompiles).

    The fix compiles the pattern once before the loop, under a new name. It is unsafe
    only in that an invalid pattern now fails before the loop starts, even when the loop
    would not have run (so it is not offered where a handler inside the loop catches
    `re.error`). Calls that pass `flags` positionally are reported without a fix
    (the method's positional arguments differ); `flags=` moves into `re.compile`.
    """

    code = "PFL701"
    name = "regex-in-loop"
    message = "regular expression in a loop: compile it once before the loop"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "import re\n\ndef f(lines):\n    out = []\n    for line in lines:\n"
            "        m = re.match(r'(\\w+)=(\\d+)', line)\n        if m:\n"
            "            out.append(m.group(1))\n"
            "    return out\n",
            "import re\n\ndef f(lines):\n    out = []\n    pattern = re.compile(r'(\\w+)=(\\d+)')\n"
            "    for line in lines:\n        m = pattern.match(line)\n        if m:\n"
            "            out.append(m.group(1))\n    return out\n",
        ),
        Example(
            "import re as regex\n\nSEP = ', *'\n\ndef f(rows, pattern):\n"
            "    return [regex.split(SEP, r, 2) + regex.sub('a+', 'a', r, flags=regex.I) for r in rows]\n",
            "import re as regex\n\nSEP = ', *'\n\ndef f(rows, pattern):\n    pattern_2 = regex.compile(SEP)\n"
            "    pattern_3 = regex.compile('a+', regex.I)\n"
            "    return [pattern_2.split(r, 2) + pattern_3.sub('a', r) for r in rows]\n",
        ),
        Example(
            "from re import search\n\ndef f(xs):\n    while xs:\n        if search('x', xs.pop()):\n"
            "            return True\n",
            "import re\nfrom re import search\n\ndef f(xs):\n    pattern = re.compile('x')\n    while xs:\n"
            "        if pattern.search(xs.pop()):\n            return True\n",
        ),
        # Positional flags: reported, not fixed.
        Example("import re\n\ndef f(xs):\n    for x in xs:\n        print(re.sub('a', 'b', x, 0, re.I))\n"),
        # A handler in the loop catches a bad pattern: reported, not fixed.
        Example(
            "import re\n\ndef f(xs):\n    for x in xs:\n        try:\n            print(re.sub('(a', 'b', x))\n"
            "        except re.error:\n            print(x)\n",
            None,
        ),
    )
    good = (
        "import re\n\ndef f(xs):\n    pattern = re.compile('a+')\n"
        "    return [pattern.match(x) for x in xs]\n",
        # Not in a loop; a module-level loop; a pattern that changes; not the re module.
        "import re\n\ndef f(x):\n    return re.match('a+', x)\n",
        "import re\nfor x in ['a']:\n    re.match('a+', x)\n",
        "import re\n\ndef f(xs, ps):\n    for x, p in zip(xs, ps):\n        re.match(p, x)\n",
        "import re\n\ndef f(xs):\n    for x in xs:\n        re.match(f'{x}+', x)\n",
        "import re\n\ndef f(xs):\n    for x in xs:\n        p = 'a'\n        re.match(p, x)\n",
        "def f(re, xs):\n    return [re.match('a', x) for x in xs]\n",
        "import re\n\ndef f(xs):\n    return [re.compile('a') for x in xs]\n",
        "import re\n\ndef f(xs):\n    return next(re.findall('a', x) for x in xs)\n",  # runs once
    )

    bench = Bench(
        setup="import re\nlines = [f'item {i}: value={i * 7}' for i in range(N)]",
        before="def run():\n    return [m.group(1) for s in lines if (m := re.search(r'value=(\\d+)', s))]",
        after="def run():\n    p = re.compile(r'value=(\\d+)')\n"
        "    return [m.group(1) for s in lines if (m := p.search(s))]",
        note="re caches compiled patterns: the gain is the per-call cache lookup and call overhead",
    )

    needs = tuple(("def", f"loop call re.{f}") for f in sorted(_POSITIONAL_LIMIT))

    def __init__(self, ctx: FileContext, findings: List[Finding]) -> None:
        super().__init__(ctx, findings)
        self._taken: Set[Tuple[int, str]] = set()  # names given out this round, per function

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        method = last_name(func)
        if method not in _POSITIONAL_LIMIT or not node.args or node.args[0].keyword or node.args[0].star:
            return
        pattern = node.args[0].value
        if not (_is_literal(pattern) or (isinstance(pattern, cst.Name) and self._constant(pattern.value))):
            return
        if self.ctx.callee_name(func) != f"re.{method}" or not self.ctx.in_function_loop():  # type: ignore[arg-type]
            return
        if not self._only_first(self.ctx.loops()):
            self.report(node, fix=self._fix(node, method))

    def _only_first(self, loops: List[cst.CSTNode]) -> bool:
        """`next(f(x) for x in xs)`: the generator runs its body once."""
        if len(loops) != 1 or not isinstance(loops[0], cst.GeneratorExp):
            return False
        index = next(i for i, n in enumerate(self.ctx.ancestors) if n is loops[0])
        call = self.ctx.ancestors[index - 2] if index >= 2 else None
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Name)
            and call.func.value == "next"
            and call.args[0].value is loops[0]
        )

    def _constant(self, name: str) -> bool:
        """Whether `name` is bound once, to a string literal, before any loop."""
        scope, found = self.ctx.bindings(name)
        if scope is None or len(found) != 1 or self.ctx.facts(scope).is_shared(name):
            return False
        binding = found[0]
        return (
            binding.kind == "assign" and binding.value is not None and _is_literal(binding.value)
            and not binding.loops
        )

    def _fix(self, node: cst.Call, method: str) -> Optional[Fix]:
        positional = [a for a in node.args if a.keyword is None]
        flags = [a for a in node.args if a.keyword is not None and a.keyword.value == "flags"]
        if len(positional) > _POSITIONAL_LIMIT[method] or any(a.star for a in node.args):
            return None
        if any(a.keyword is not None and a.keyword.value == "pattern" for a in node.args):
            return None
        if (flags and not self._constant_flags(flags[0].value)) or rewrite.has_comment(node.args[0]):
            return None
        if flags and rewrite.has_comment(flags[0]):
            return None
        function = self.ctx.function()
        outermost = self.ctx.loops()[-1]
        if self.ctx.is_caught(node, ("error", "PatternError"), outermost):
            return None  # a bad pattern's `re.error` would move out of the handler's reach
        anchor = hoist_anchor(self.ctx, outermost)
        spelled = self._module_name(node.func)
        if function is None or anchor is None or spelled is None:
            return None
        module, imports = spelled
        name = self._new_name(function)
        compile_args = [rewrite.code_of(self.ctx, node.args[0].value)]
        compile_args += [rewrite.code_of(self.ctx, flags[0].value)] if flags else []
        compiled = rewrite.statement(self.ctx, f"{name} = {module}.compile({', '.join(compile_args)})")

        def replace(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Call)
            last = updated.args[-1]
            args = [a for a in updated.args[1:] if not (a.keyword is not None and a.keyword.value == "flags")]
            if args and args[-1] is not last:
                args[-1] = args[-1].with_changes(comma=last.comma)
            return updated.with_changes(func=cst.Attribute(cst.Name(name), cst.Name(method)), args=args)

        return self.make_fix(Edit(node, replace=replace), Edit(anchor, before=(compiled,)), imports=imports)

    def _constant_flags(self, node: cst.BaseExpression) -> bool:
        """`re.I | re.M`, `0`: flags that mean the same before the loop."""
        if isinstance(node, cst.Integer):
            return True
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._constant_flags(node.left) and self._constant_flags(node.right)
        if isinstance(node, (cst.Name, cst.Attribute)):
            return (self.ctx.qualified_name(node) or "").startswith("re.")
        return False

    def _module_name(self, func: cst.BaseExpression) -> Optional[Tuple[str, Tuple[str, ...]]]:
        """How to spell the re module before the loop, and the imports that needs: the
        call's own `re.`/`regex.`, or `re` (imported if the file lacks it) when the
        function was imported by name."""
        if isinstance(func, cst.Attribute):
            return rewrite.code_of(self.ctx, func.value), ()
        if self.ctx.bindings("re")[0] is None:
            return "re", ("re",)
        return ("re", ()) if self.ctx.imported_module("re") == "re" else None

    def _new_name(self, function: cst.CSTNode) -> str:
        facts = self.ctx.facts(function)
        module = self.ctx.facts(self.ctx.module)
        for n in range(1, 1000):
            name = _NAME_BASE if n == 1 else f"{_NAME_BASE}_{n}"
            taken = (id(function), name) in self._taken or name in facts.bindings or name in facts.uses
            if not taken and name not in module.bindings and name not in facts.declared_global:
                self._taken.add((id(function), name))
                return name
        return f"{_NAME_BASE}_{id(function)}"

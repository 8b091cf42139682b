"""PFL301 list-membership-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import libcst as cst

from perflint.analysis.growth import fixed_size
from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.analysis.scope import Binding, ScopeFacts, Use
from perflint.model import Applicability, Bench, Edit, Example, Fix, Impact
from perflint.rules import rewrite
from perflint.rules.base import register
from perflint.rules.containers._container_rule import READ_KINDS, _ContainerRule
from perflint.rules.containers._membership_helpers import (
    _consumed_at_once,
    _guarded_appends,
    _runs_no_code,
    _statement_in_block,
    _to_set,
    growing_loop,
    only_dedupes,
)
from perflint.rules.containers._shared import READING_BUILTINS, _names_in


@register
class ListMembershipInLoop(_ContainerRule):
    """`x in some_list` compares `x` with every element: O(n) per test, so a loop of
    tests is O(n*m). A set answers in O(1) on average: 60x faster with 1,000 strings
    (measured). Two cases are reported:

    (a) the list does not change during the loop: build `set(seq)` once before the loop
        and test against it. A list passed on (so that code we cannot see may change it)
        is still case (a) for a comprehension that runs nothing but itself between two
        tests (`[c for c in cands if c not in nbrs]` after `rng.choice(nbrs)`);
    (b) the list is only ever tested, appended to, measured with `len` or tested for
        truth (a list used as a set, like the `seen` list of a graph walk): make it a set
        and `append` -> `add`.

    A set needs hashable elements, so the fix is offered only when every element the
    function puts in the list is known hashable (literals, f-strings, tuples of such,
    results of `str()`/`len()`/..., items of `range()` or of a dict's keys, names bound to
    such); a list of sets, lists, dicts or objects of unknown type (a parameter's items, a
    call of program code) is reported without a fix, and so is a test inside a `try` that
    catches TypeError, and its message says the advice holds only if the items hash as
    they compare: a class may compare by value and hash by identity (music21's notes do),
    and then a set finds nothing the list found. `len` would no longer count duplicates, so case (b) is fixed with
    `len` only when every `append` is guarded by `if v not in seq`. Lists whose order or
    duplicates are observed elsewhere (indexing, iteration, slicing, passing them on) are
    not case (b), but they are case (c) when they grow in the loop that tests them, as
    an order-preserving dedupe does (`if x not in seen: seen.append(x)`, then `seen`
    returned): n tests on a list growing to n items are O(n^2). Keep a set beside the
    list for the tests (add to both), or, when deduplicating is all the loop does,
    `list(dict.fromkeys(xs))` (a dict keeps insertion order). Case (c) has no fix: the
    set is a second variable to keep in step. It is not reported where the loop also
    iterates, compares or passes on the list (a set would not make that turn O(1)), nor
    where the loop rebuilds it. The fix is unsafe in one edge case left: a tested `x` that is unhashable
    (a list) makes the set test raise TypeError where the list test returned False.
    """

    code = "PFL301"
    name = "list-membership-in-loop"
    message = "membership test on a list in a loop is O(n): test against a set built once before the loop"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def f(items, config):\n    allowed = list(config.keys())\n    out = []\n    for x in items:\n"
            "        if x in allowed:\n            out.append(x)\n    print(allowed[0])\n    return out\n",
            "def f(items, config):\n    allowed = list(config.keys())\n    out = []\n    allowed_set = set(allowed)\n"
            "    for x in items:\n        if x in allowed_set:\n            out.append(x)\n"
            "    print(allowed[0])\n    return out\n",
        ),
        Example(
            "def walk(n, linked):\n    seen = [0]\n    todo = [0]\n    while todo:\n"
            "        node = todo.pop()\n        for nxt in range(n):\n            if nxt not in seen:\n"
            "                seen.append(nxt)\n                todo.append(nxt)\n    return len(seen)\n",
            "def walk(n, linked):\n    seen = {0}\n    todo = [0]\n    while todo:\n"
            "        node = todo.pop()\n        for nxt in range(n):\n            if nxt not in seen:\n"
            "                seen.add(nxt)\n                todo.append(nxt)\n    return len(seen)\n",
        ),
        Example(
            "def f(rows, raw):\n    names = [str(n) for n in raw]\n"
            "    return [r for r in rows if r.name in names]\n",
            "def f(rows, raw):\n    names = {str(n) for n in raw}\n"
            "    return [r for r in rows if r.name in names]\n",
        ),
        # Elements of unknown type (they may be lists or sets): reported without a fix.
        Example(
            "def f(items):\n    allowed = list(load())\n    out = []\n    for x in items:\n"
            "        if x in allowed:\n            out.append(x)\n    print(allowed[0])\n    return out\n",
            None,
        ),
        Example(
            "def walk(start, edges):\n    seen = [start]\n    todo = [start]\n    while todo:\n"
            "        node = todo.pop()\n        for nxt in edges[node]:\n            if nxt not in seen:\n"
            "                seen.append(nxt)\n                todo.append(nxt)\n    return len(seen)\n",
            None,
        ),
        # Sets put in a list used as a set (networkx's all_node_cuts): no fix.
        Example(
            "def cuts(graph, xs):\n    seen = []\n    for x in xs:\n        cut = {n for n in x if n in graph}\n"
            "        if cut not in seen:\n            seen.append(cut)\n            yield cut\n",
            None,
        ),
        # A handler waits for the TypeError an unhashable `x` raises: no fix.
        Example(
            "def f(items, config):\n    names = list(config.keys())\n    for x in items:\n        try:\n"
            "            if x in names:\n                print(x)\n        except TypeError:\n"
            "            pass\n    print(names[0])\n",
            None,
        ),
        Example(  # case (b) spelled with an annotation: the fix would leave it wrong
            "def f(items):\n    seen: list = []\n    for x in items:\n        if x not in seen:\n"
            "            seen.append(x)\n",
            None,
        ),
        # Case (c): it grows in the loop that tests it, and its order is read afterwards.
        Example(
            "def unique(items):\n    seen = []\n    for x in items:\n        if x not in seen:\n"
            "            seen.append(x)\n    return seen\n",
            None,
        ),
        Example(
            "def f(items):\n    out = []\n    for x in items:\n        if str(x) not in out:\n"
            "            out.append(str(x))\n            print(x)\n    for y in out:\n        print(y)\n",
            None,
        ),
        Example(  # `len` counts duplicates, so case (b) cannot make it a set: (c) still holds
            "def f(items):\n    seen = []\n    for x in items:\n        if x in seen:\n            print(x)\n"
            "        seen.append(x)\n    return len(seen)\n",
            None,
        ),
        Example(  # a rewiring step: `nbrs` escapes to `rng.choice`, but nothing can run in the comprehension
            "def rewire(G, rng, preference, m):\n    for _ in range(m):\n        node = rng.choice(preference)\n"
            "        nbrs = list(G[node])\n        old = rng.choice(nbrs)\n        nbrs.append(node)\n"
            "        new = rng.choice([c for c in preference if c not in nbrs])\n"
            "        G.remove_edge(node, old)\n        G.add_edge(node, new)\n",
            None,  # what `rng.choice` may have put in is not known hashable
        ),
        Example(  # drained at once, by a call of a reading builtin; `len` reads only
            "def f(G, v, rng):\n    nbrs = list(G[v])\n    rng.shuffle(nbrs)\n"
            "    return sum(1 for u in G if u not in nbrs and len(G[u]) > 1)\n",
            None,
        ),
    )
    good = (
        # not known to be a list: a parameter, a dict, a set, a string
        "def f(items, allowed):\n    return [x for x in items if x in allowed]\n",
        "def f(items):\n    d = {}\n    for x in items:\n        if x in d:\n            pass\n",
        "def f(items):\n    s = set()\n    for x in items:\n        if x in s:\n            pass\n",
        "def f(items):\n    s = 'abc'\n    for x in items:\n        if x in s:\n            pass\n",
        # grows in the loop, but iterated there too: a set beside it would not make the loop linear
        ("def f(items):\n    out = []\n    for x in items:\n        if x not in out:\n"
        "            out.append(x)\n        print(sorted(out))\n    return out\n"),
        # rebuilt on every turn of the loop that tests it
        ("def f(groups):\n    for g in groups:\n        seen = []\n        if g not in seen:\n"
        "            seen.append(g)\n        print(seen)\n"),
        # passed on: a callee may keep and change it
        ("def f(items):\n    seen = []\n    register(seen)\n    for x in items:\n        if x in seen:\n"
        "            print(x)\n"),
        # not in a loop, or not in a function
        "def f(x):\n    allowed = ['a', 'b']\n    return x in allowed\n",
        "allowed = ['a', 'b']\nfor x in items:\n    print(x in allowed)\n",
        # a comprehension's own variable of the same name
        "def f(groups, x):\n    seq = []\n    seq.append(x)\n    return [g for seq in groups if x in seq]\n",
        # rebound in the loop
        ("def f(items):\n    for x in items:\n        seq = [x, x + 1]\n        seq.reverse()\n"
        "        print(x in seq, seq)\n"),
        # it escapes, and the comprehension calls something that may change it
        ("def f(G, v, rng):\n    nbrs = list(G[v])\n    rng.shuffle(nbrs)\n"
        "    return [u for u in G if u not in nbrs and rng.random() < 0.5]\n"),
        # ... or is a generator that runs whenever its consumer asks
        ("def f(G, v, rng):\n    nbrs = list(G[v])\n    rng.shuffle(nbrs)\n"
        "    return rng.choice(u for u in G if u not in nbrs)\n"),
        # a slice of a str is a str: `in` finds a substring
        "def f(text, chars):\n    head = text[:3]\n    return [c for c in chars if c in head]\n",
    )

    bench = Bench(
        setup="import random\nrandom.seed(1)\nallowed = [str(i) for i in range(1000)]\n"
        "items = [str(random.randrange(2000)) for _ in range(N)]",
        before="def run():\n    return [x for x in items if x in allowed]",
        after="def run():\n    allowed_set = set(allowed)\n    return [x for x in items if x in allowed_set]",
        size=2_000,
    )

    message_as_set = "list `{name}` is only used as a set: make it a set (`append` -> `add`)"
    # Where the code does not show the items hash as they compare (an object whose
    # `__eq__` compares values but whose `__hash__` is its id), a set may not do the same.
    message_unverified = (
        "membership test on a list in a loop is O(n): if its items hash as they compare, test against a set"
    )
    # Case (c): the list grows in the loop that tests it (order-preserving dedupe).
    message_grows = "list `{name}` grows in the loop that tests membership in it: keep a set beside it for the tests"
    message_grows_unverified = (
        "list `{name}` grows in the loop that tests membership in it: if its items hash as they compare,"
        " keep a set beside it for the tests"
    )
    message_dedupe = (
        "list `{name}` grows in the loop that tests membership in it: `list(dict.fromkeys(...))` dedupes in one pass"
    )
    message_dedupe_unverified = (
        "list `{name}` grows in the loop that tests membership in it: if its items hash as they compare,"
        " `list(dict.fromkeys(...))` dedupes in one pass"
    )
    message_as_set_unverified = "list `{name}` is only used as a set: if its items hash as they compare, make it a set"

    needs = (("def", "loop list tested"),)  # `x in xs` in a loop, `xs` bound to a list

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if not isinstance(node.operator, (cst.In, cst.NotIn)) or not isinstance(node.comparator, cst.Name):
            return
        name = node.comparator.value
        found = self._local_list_in_loop(name)
        if found is None:
            return
        function, facts, bindings, uses = found
        loops = self.ctx.loops()
        comparison = self.ctx.parent() or node
        repeated = not facts.bindings_in(name, loops[0])  # else one test per list built
        fixed = fixed_size(self.ctx, function, name, loops)
        hashes = self._set_keeps_behaviour(function, bindings, uses)
        if repeated and all(kind in {"member", "len", "truth", "method:append"} for _, kind in uses):
            fix = self._as_set_fix(function, name, bindings, uses)
            if fix is not None or any(b.kind == "annassign" for b in bindings):
                message = (self.message_as_set if hashes else self.message_as_set_unverified).format(name=name)
                self.report(comparison, message, fix if hashes else None, fixed_size=fixed)
                return
        growing = growing_loop(facts, name, loops, uses) if repeated else None
        if growing is not None:
            dedupes = only_dedupes(growing, name)
            if hashes:
                message = self.message_dedupe if dedupes else self.message_grows
            else:
                message = self.message_dedupe_unverified if dedupes else self.message_grows_unverified
            self.report(comparison, message.format(name=name), fixed_size=fixed)
            return
        escapes = any(kind == "other" for _, kind in uses)
        if escapes and not self._runs_only_itself(loops[0]):
            return  # it escapes: something we cannot see may change it during the loop
        loop = self._unchanging_loop(facts, name, loops[:1] if escapes else loops, uses)
        if loop is not None:
            fix = self._set_before_loop_fix(function, facts, name, loop, uses) if hashes else None
            message = self.message if hashes else self.message_unverified
            self.report(comparison, message, fix=fix, fixed_size=fixed)

    def _runs_only_itself(self, loop: cst.CSTNode) -> bool:
        """Whether `loop` is a comprehension that runs no code but its own between two
        tests: no call other than of a reading builtin, no `await`, and, for a generator,
        drained at once by the call it is the only argument of. Then a list that escapes
        the function (`rng.choice(nbrs)` before `[v for v in cands if v not in nbrs]`)
        still cannot change during it. (Iterating, comparing and hashing are taken not
        to change it, as everywhere in this rule.)"""
        if not isinstance(loop, COMPREHENSION_TYPES):
            return False
        if isinstance(loop, cst.GeneratorExp):
            ancestors = self.ctx.ancestors
            index = next(i for i, node in enumerate(ancestors) if node is loop)
            call = ancestors[index - 2] if index >= 2 else None
            if not _consumed_at_once(ancestors, index) or len(call.args) != 1:  # type: ignore[union-attr]
                return False
        first = loop.for_in
        repeated: List[cst.CSTNode] = [loop.key, loop.value] if isinstance(loop, cst.DictComp) else [loop.elt]
        repeated += [*first.ifs, *([first.inner_for_in] if first.inner_for_in else ())]
        return first.asynchronous is None and _runs_no_code(repeated, self._is_reading_call)

    def _is_reading_call(self, call: cst.Call) -> bool:
        """`len(xs)`, `str(x)`, ...: a reading builtin, without keywords (a `key=`
        function could run anything)."""
        func = call.func
        return (
            isinstance(func, cst.Name)
            and func.value in READING_BUILTINS
            and all(arg.keyword is None for arg in call.args)
            and self._is_builtin(func.value)
        )

    def _set_before_loop_fix(
        self,
        function: cst.FunctionDef,
        facts: ScopeFacts,
        name: str,
        loop: cst.CSTNode,
        uses: Sequence[Tuple[Use, str]],
    ) -> Optional[Fix]:
        ancestors = self.ctx.ancestors
        index = next(i for i, node in enumerate(ancestors) if node is loop)
        anchor = _statement_in_block(ancestors, index)
        if anchor is None or isinstance(anchor, cst.While) and anchor is not loop:
            return None
        if anchor is not loop:  # a comprehension inside a statement
            if isinstance(loop, cst.GeneratorExp) and not _consumed_at_once(ancestors, index):
                return None
            inside = _names_in(anchor)
            if any(id(use.node) in inside and kind not in READ_KINDS for use, kind in uses):
                return None
        set_name = f"{name}_set"
        while set_name in facts.bindings or set_name in facts.uses or not self._seen_only_here(function, set_name):
            set_name += "_"
        edits = [rewrite.insert_before(anchor, self.ctx, f"{set_name} = set({name})")]  # type: ignore[arg-type]
        for use, kind in uses:
            if kind == "member" and any(lp is loop for lp in use.loops):
                edits.append(Edit(use.node, replace=lambda _n: cst.Name(set_name)))
        return self.make_fix(*edits, description=f"test against `{set_name}`")

    def _as_set_fix(
        self,
        function: cst.FunctionDef,
        name: str,
        bindings: Sequence[Binding],
        uses: Sequence[Tuple[Use, str]],
    ) -> Optional[Fix]:
        if any(b.kind != "assign" for b in bindings):
            return None
        values = [b.value for b in bindings if b.value is not None]
        if any(kind == "len" for _, kind in uses):
            # A set would count duplicates once: only safe when nothing can add one.
            if any(not (isinstance(v, cst.List) and len(v.elements) <= 1 or isinstance(v, cst.Call) and not v.args)
                   for v in values):
                return None
            guarded = _guarded_appends(function, name)
            if any(kind == "method:append" and id(use.grandparent) not in guarded for use, kind in uses):
                return None
        edits = [Edit(value, replace=_to_set) for value in values]
        for use, kind in uses:
            if kind == "method:append":
                edits.append(Edit(use.parent, replace=lambda n: n.with_changes(attr=cst.Name("add"))))  # type: ignore[arg-type]
        return self.make_fix(*edits, description=f"make `{name}` a set")

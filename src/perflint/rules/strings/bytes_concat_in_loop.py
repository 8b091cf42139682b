"""PFL203 bytes-concat-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_accumulation
from perflint.analysis.scope import Use
from perflint.model import Applicability, Bench, Edit, Example, Fix, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.strings._accumulator_rule import _AccumulatorRule
from perflint.rules.strings._shared import (
    _accumulation,
    _exits_unobserved,
    _is_empty_literal,
    _Local,
    _local_accumulator,
)


def _bytearray_fix(rule: Rule, ctx: FileContext, local: _Local) -> Fix:
    """Accumulate in a bytearray (extended in place) and turn it back into bytes after."""
    name, start = local.name, local.start
    edits = [Edit(stmt, replace=_to_augmented) for stmt in local.statements if isinstance(stmt, cst.Assign)]
    after = rewrite.statement(ctx, f"{name} = bytes({name})")
    if start.own_line and isinstance(start.init, cst.Assign):
        initial = "" if _is_empty_literal(start.value) else rewrite.code_of(ctx, start.value)
        value = rewrite.expression(ctx, f"bytearray({initial})")
        edits.append(Edit(start.init, replace=lambda updated: updated.with_changes(value=value)))
        edits.append(Edit(start.loop, after=(after,)))
    else:
        before = rewrite.statement(ctx, f"{name} = bytearray({name})")
        edits.append(Edit(start.loop, before=(before,), after=(after,)))
    return rule.make_fix(*edits)


def _to_augmented(updated: cst.CSTNode) -> cst.CSTNode:
    """`t = t + v` -> `t += v`."""
    found = _accumulation(updated)
    if found is None or not isinstance(updated, cst.Assign):
        raise ValueError("accumulation changed under the fix")
    return cst.AugAssign(found[0], cst.AddAssign(), found[1], semicolon=updated.semicolon)


@register
class BytesConcatInLoop(_AccumulatorRule):
    """bytes are never extended in place: each `b += chunk` copies everything gathered
    so far, so reading a stream or building a packet this way is quadratic (22x slower
    than a bytearray at 20,000 five-byte chunks, measured; worse as it grows). A
    `bytearray` grows in place; `bytes(buf)` turns it back at the end.

    Reported for a local set to a bytes literal before the loop, and for attributes,
    items and globals known to hold bytes (as PFL201 decides for str; those are reported
    without a fix). The fix makes the local a bytearray for the duration of the loop and
    converts it back right after, so code after the loop still sees bytes; it is offered
    only when the loop uses the name for nothing but the additions and `len()`, and no
    `else:` or handler around the loop reads it. Unsafe because, if the loop raises, a
    handler further up would see a bytearray.
    """

    code = "PFL203"
    name = "bytes-concat-in-loop"
    message = "bytes built with `+=` in a loop is copied each time (quadratic): accumulate in a `bytearray`"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def recv_exactly(sock, n):\n"
            "    data = b\"\"\n"
            "    while len(data) < n:\n"
            "        chunk = sock.recv(n - len(data))\n"
            "        if not chunk:\n"
            "            raise EOFError\n"
            "        data += chunk\n"
            "    return data\n",
            "def recv_exactly(sock, n):\n"
            "    data = bytearray()\n"
            "    while len(data) < n:\n"
            "        chunk = sock.recv(n - len(data))\n"
            "        if not chunk:\n"
            "            raise EOFError\n"
            "        data += chunk\n"
            "    data = bytes(data)\n"
            "    return data\n",
        ),
        Example(
            "def pack(items):\n"
            "    out: bytes = b\"\\x00\"\n"
            "    for item in items:\n"
            "        out = out + item.encode() + b\"\\x00\"\n"
            "    return out\n",
            "def pack(items):\n"
            "    out: bytes = b\"\\x00\"\n"
            "    out = bytearray(out)\n"
            "    for item in items:\n"
            "        out += item.encode() + b\"\\x00\"\n"
            "    out = bytes(out)\n"
            "    return out\n",
        ),
        Example(
            "def f(chunks, seen):\n"
            "    buf = b\"\"\n"
            "    for c in chunks:\n"
            "        buf += c\n"
            "        seen[buf] = 1\n",
            None,
        ),
        Example(
            "class Reader:\n"
            "    def __init__(self):\n"
            "        self.buffer = b\"\"\n"
            "    def fill(self, stream):\n"
            "        for block in stream:\n"
            "            self.buffer += block\n",
            None,
        ),
    )
    good = (
        "def f(chunks):\n    buf = bytearray()\n    for c in chunks:\n        buf += c\n    return bytes(buf)\n",
        "def f(chunks):\n    buf = ''\n    for c in chunks:\n        buf += c\n    return buf\n",
        "def f(chunks, buf):\n    for c in chunks:\n        buf += c\n    return buf\n",
        "def f(chunks, out):\n    for c in chunks:\n        buf = b''\n        buf += c\n        out.append(buf)\n",
        "def f(self, chunks):\n    for c in chunks:\n        self.size += len(c)\n",
    )

    bench = Bench(
        setup="chunks = [bytes([i % 256]) * 5 for i in range(N)]",
        before="def run():\n    data = b''\n    for c in chunks:\n        data += c\n    return data",
        after=(
            "def run():\n    data = bytearray()\n    for c in chunks:\n        data += c\n"
            "    data = bytes(data)\n    return data"
        ),
        size=20_000,
    )

    needs = tuple(
        ("def", f"loop {target} {growth}") for target in ("bytes", "shared bytes", "global") for growth in ("+=", "= +")
    )

    def check(self, node: cst.BaseSmallStatement) -> None:
        local = _local_accumulator(self.ctx, node)
        if local is None:
            found = self.shared(node, "bytes")
            if found is not None:
                self.report(node, fixed_size=fixed_accumulation(self.ctx, self.outermost(found)))
            return
        if local.kind != "bytes" or not self.first(local.start.loop, local.target):
            return
        fixable = (
            all(_is_len_call(self.ctx, read) for read in local.reads)
            and not local.closure
            and _exits_unobserved(self.ctx, local.start.loop, local.names)
        )
        fixed = fixed_accumulation(self.ctx, local.start.loop)
        self.report(node, fix=_bytearray_fix(self, self.ctx, local) if fixable else None, fixed_size=fixed)


def _is_len_call(ctx: FileContext, use: Use) -> bool:
    call = use.grandparent
    return (
        isinstance(use.parent, cst.Arg)
        and isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "len"
        and len(call.args) == 1
        and ctx.bindings("len")[0] is None
    )

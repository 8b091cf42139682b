"""The shared checks that hold fixes back: what a handler catches, what is known hashable,
and when `self` is a container of its own (analysis/handlers.py, hashable.py, context.py)."""

from __future__ import annotations

import textwrap
from typing import List, Optional, Tuple

import libcst as cst
import pytest

from perflint.analysis.context import FileContext
from perflint.analysis.hashable import is_hashable, items_hashable
from perflint.analysis.walk import children


def _at(source: str, marker: str) -> Tuple[FileContext, cst.CSTNode]:
    """A context placed at the expression statement whose code is `marker` (the node
    returned is that statement's expression), as the engine would place it."""
    module = cst.parse_module(textwrap.dedent(source))
    ctx = FileContext(module, (3, 12))
    found: Optional[List[cst.CSTNode]] = None
    stack: List[List[cst.CSTNode]] = [[module]]
    while stack and found is None:
        path = stack.pop()
        node = path[-1]
        if isinstance(node, cst.Expr) and module.code_for_node(node.value) == marker:
            found = [*path, node.value]
        stack.extend([*path, child] for child in reversed(children(node)))
    assert found is not None, marker
    ctx.ancestors = found
    return ctx, found[-1]


@pytest.mark.parametrize(
    "handler, raised, caught",
    [
        ("except TypeError:", ("TypeError",), True),
        ("except Exception:", ("KeyError",), True),
        ("except:", ("KeyError",), True),
        ("except LookupError:", ("IndexError",), True),  # a builtin base catches
        ("except (ValueError, AttributeError):", ("AttributeError",), True),
        ("except KeyError:", ("IndexError",), False),
        ("except IndexError:", ("LookupError",), False),  # a subclass does not
        ("except ERRORS:", ("TypeError",), True),  # bound by assignment: may be anything
        ("except Missing:", ("TypeError",), True),  # unknown name
        ("except ParseError:", ("TypeError",), False),  # a class of the file
        ("except HTTPError:", ("TypeError",), False),  # imported: a class of its own
        ("except socket.timeout:", ("TypeError",), False),
        ("except re.error:", ("error", "PatternError"), True),
        ("except Exception:", ("error",), True),
        ("except KeyError:", (), True),  # anything the code raises
    ],
)
def test_handler_catches(handler: str, raised: Tuple[str, ...], caught: bool) -> None:
    source = f"""
        from urllib.error import HTTPError
        ERRORS = (TypeError, KeyError)
        class ParseError(Exception):
            pass
        def f(xs):
            try:
                probe(xs)
            {handler}
                pass
    """
    ctx, node = _at(source, "probe(xs)")
    assert ctx.is_caught(node, raised) is caught


def test_only_the_try_body_is_guarded() -> None:
    source = """
        def f(xs):
            try:
                pass
            except TypeError:
                in_handler(xs)
            else:
                in_else(xs)
    """
    for marker in ("in_handler(xs)", "in_else(xs)"):
        ctx, node = _at(source, marker)
        assert not ctx.is_caught(node, ("TypeError",))


def test_within_limits_the_handlers_that_count() -> None:
    source = """
        def f(xs):
            try:
                for x in xs:
                    probe(x)
            except AttributeError:
                pass
    """
    ctx, node = _at(source, "probe(x)")
    loop = next(n for n in ctx.ancestors if isinstance(n, cst.For))
    assert ctx.is_caught(node, ("AttributeError",))
    assert not ctx.is_caught(node, ("AttributeError",), within=loop)  # the try is outside the loop


def test_a_handler_outside_the_function_does_not_count() -> None:
    source = """
        try:
            def f(xs):
                probe(xs)
        except TypeError:
            pass
    """
    ctx, node = _at(source, "probe(xs)")
    assert not ctx.is_caught(node, ("TypeError",))


@pytest.mark.parametrize(
    "manager, caught",
    [
        ("suppress(StopIteration)", True),
        ("contextlib.suppress(KeyError, StopIteration)", True),
        ("suppress(KeyError)", False),
        ("pytest.raises(StopIteration)", True),
        ("self.assertRaises(Exception)", True),
        ("open(path)", False),
    ],
)
def test_with_blocks_that_swallow(manager: str, caught: bool) -> None:
    source = f"""
        def f(self, path):
            with {manager}:
                probe(path)
    """
    ctx, node = _at(source, "probe(path)")
    assert ctx.is_caught(node, ("StopIteration",)) is caught


@pytest.mark.parametrize(
    "expr, hashable",
    [
        ("'a'", True), ("f'{x}'", True), ("1.5", True), ("None", True), ("(1, 'a')", True),
        ("-1", True), ("not x", True), ("'%s' % x", True), ("str(x)", True), ("len(x)", True),
        ("frozenset(x)", True), ("tuple(range(3))", True), ("', '.join(x)", True), ("lambda: 0", True),
        ("n", True), ("label", True), ("i", True), ("f", True), ("i + 1", True), ("n if x else 'b'", True), ("a if x else 'b'", False),
        ("x", False), ("{1}", False), ("[1]", False), ("{}", False), ("(1, [2])", False), ("(x, 1)", False),
        ("x.name", False), ("x[0]", False), ("load()", False), ("x.lower()", False), ("tuple(x)", False),
        ("s", False), ("cut", False), ("1 < x", False),  # a comparison may return an array
    ],
)
def test_is_hashable(expr: str, hashable: bool) -> None:
    source = f"""
        def f(x, a):
            n = 3
            n += 1
            label = 'k' + str(n)
            s = set()
            cut = {{y for y in x}}
            for i in range(n):
                pass
            {expr}
    """
    ctx, node = _at(source, expr)
    assert is_hashable(ctx, node) is hashable  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "expr, hashable",
    [
        ("'abc'", True), ("{x for x in a}", True), ("{}", True), ("d.keys()", True), ("range(9)", True),
        ("set(a)", True), ("sorted(set(a))", True), ("enumerate('ab')", True), ("[1, (2, 'a')]", True),
        ("[str(y) for y in a]", True), ("(y for y in range(3))", True), ("names", True), ("ids", True),
        ("list()", True),
        ("a", False), ("[a]", False), ("list(a)", False), ("[y for y in a]", False), ("d.items()", False),
        ("[[1]]", False), ("rows", False), ("[y for y, _ in d.keys()]", False), ("zip(a, 'b')", False),
    ],
)
def test_items_hashable(expr: str, hashable: bool) -> None:
    source = f"""
        def f(a, d):
            names = {{'a', 'b'}}
            ids = ('x', 'y')
            rows = [1, 2]
            rows.append(a)
            {expr}
    """
    ctx, node = _at(source, expr)
    assert items_hashable(ctx, node) is hashable  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body, owner, container",
    [
        ("def __iter__(self):\n    self", "class Seq:", True),
        ("def __len__(self):\n    return 0\ndef total(self):\n    self", "class Seq:", True),
        ("def keys(self):\n    return ()\ndef first(self):\n    self", "class Map(Base):", True),
        ("def total(self):\n    self", "class Plain(list):", False),  # inherited methods are not seen
        ("def __iter__(self):\n    return iter(())\n@staticmethod\ndef make(self):\n    self", "class S:", False),
        ("def __iter__(self, other):\n    other", "class S:", False),  # not the first parameter
    ],
)
def test_is_self_of_container(body: str, owner: str, container: bool) -> None:
    source = owner + "\n" + textwrap.indent(body, "    ") + "\n"
    marker = body.rsplit("\n", 1)[-1].strip()
    ctx, node = _at(source, marker)
    assert ctx.is_self_of_container(node) is container  # type: ignore[arg-type]


def test_self_outside_a_method_is_no_container() -> None:
    ctx, node = _at("def f(self):\n    self\n", "self")
    assert not ctx.is_self_of_container(node)  # type: ignore[arg-type]

"""Evidence that values are hashable, from what the code shows.

A fix that turns a list into a set (or builds a set from it) needs every element to be
hashable; a set, list or dict element makes it raise TypeError, and most objects of unknown
type might be one. So these checks say yes only on evidence: literals (str, bytes, numbers,
None, True, False), f-strings, tuples of such values, results of builtins that return them
(`str(x)`, `len(x)`, `frozenset(x)`, ...), functions and classes, and names every binding of
which is such a value (or a `for` target over such items). What a parameter, an attribute, a
subscript or a call of program code holds is unknown, hence not known to be hashable.

`items_hashable` asks the same of every item an iterable yields: items of a set, of a
dict's keys, of `range(...)`, of a string, and of displays and comprehensions whose
elements are known hashable.
"""

from __future__ import annotations

from typing import Dict, Optional, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.shapes import target_names

# Builtins whose result is hashable whatever their arguments (when they return at all).
_HASHABLE_RESULTS = frozenset({
    "ascii", "bin", "bool", "bytes", "callable", "chr", "complex", "float", "format", "frozenset", "hash",
    "hasattr", "hex", "id", "int", "isinstance", "issubclass", "len", "oct", "ord", "repr", "round", "str", "type",
})
# Builtins whose items are those of their one argument.
_SAME_ITEMS = frozenset({"iter", "list", "reversed", "sorted", "tuple"})
# Builtins whose items are hashable whatever the argument: sets and dicts hash them.
_HASHED_ITEMS = frozenset({"dict", "frozenset", "set", "range", "str", "bytes"})
_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
_CONSTANTS = frozenset({"None", "True", "False", "Ellipsis", "NotImplemented"})
# Methods of a str literal that return a str (or bytes).
_STR_METHODS = frozenset({
    "capitalize", "casefold", "center", "decode", "encode", "format", "join", "ljust", "lower", "lstrip",
    "replace", "rjust", "rstrip", "strip", "swapcase", "title", "upper", "zfill",
})
_HASHABLE_BINDINGS = frozenset({"def", "class", "import"})

# Comprehension variables in scope: name -> the iterable it runs over (None: unknown).
_Env = Dict[str, Optional[cst.BaseExpression]]


def is_hashable(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """Whether `expr` is known to evaluate to a hashable value (where it evaluates at all),
    with names resolved from the node the rule is visiting."""
    return _Evidence(ctx).value(expr, {})


def items_hashable(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """Whether every item that iterating `expr` yields is known to be hashable."""
    return _Evidence(ctx).items(expr, {})


class _Evidence:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.resolving: Set[Tuple[str, str]] = set()  # (what, name): cuts cycles (`x = x + 1`)

    def value(self, expr: cst.BaseExpression, env: _Env) -> bool:
        if isinstance(expr, (*_STRINGS, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis, cst.Lambda)):
            return True
        if isinstance(expr, cst.Name):
            return self._name(expr.value, env, "value")
        if isinstance(expr, cst.Tuple):
            return all(self._element(e, env) for e in expr.elements)
        if isinstance(expr, cst.UnaryOperation):
            return isinstance(expr.operator, cst.Not) or self.value(expr.expression, env)
        if isinstance(expr, cst.BinaryOperation):
            # `"%s" % obj`, `"a" + s`: a str if it is anything
            return isinstance(expr.left, _STRINGS) or self.value(expr.left, env) and self.value(expr.right, env)
        if isinstance(expr, cst.BooleanOperation):
            return self.value(expr.left, env) and self.value(expr.right, env)
        if isinstance(expr, cst.IfExp):
            return self.value(expr.body, env) and self.value(expr.orelse, env)
        if isinstance(expr, cst.NamedExpr):
            return self.value(expr.value, env)
        if isinstance(expr, cst.Call):
            return self._call_value(expr, env)
        return False

    def _element(self, element: cst.BaseElement, env: _Env) -> bool:
        if isinstance(element, cst.StarredElement):
            return self.items(element.value, env)
        return self.value(element.value, env)

    def _call_value(self, call: cst.Call, env: _Env) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute):
            return isinstance(func.value, _STRINGS) and func.attr.value in _STR_METHODS
        builtin = self._builtin(func, env)
        if builtin in _HASHABLE_RESULTS:
            return True
        if builtin == "tuple":
            return not call.args or len(call.args) == 1 and self.items(call.args[0].value, env)
        return False

    def items(self, expr: cst.BaseExpression, env: _Env) -> bool:
        if isinstance(expr, (*_STRINGS, cst.Set, cst.SetComp, cst.Dict, cst.DictComp)):
            return True
        if isinstance(expr, (cst.List, cst.Tuple)):
            return all(self._element(e, env) for e in expr.elements)
        if isinstance(expr, (cst.ListComp, cst.GeneratorExp)):
            return self.value(expr.elt, _comprehension_env(expr, env))
        if isinstance(expr, cst.Name):
            return self._name(expr.value, env, "items")
        if isinstance(expr, cst.Call):
            return self._call_items(expr, env)
        return False

    def _call_items(self, call: cst.Call, env: _Env) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute):
            return func.attr.value == "keys" and not call.args  # a mapping's keys are hashed
        builtin = self._builtin(func, env)
        args = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        if builtin in _HASHED_ITEMS:
            return True
        if builtin in _SAME_ITEMS or builtin == "enumerate":  # (int, item) pairs
            return not call.args or len(args) >= 1 and self.items(args[0], env)  # `list()` is empty
        if builtin == "zip":
            return len(args) == len(call.args) and all(self.items(arg, env) for arg in args)
        return False

    def _builtin(self, func: cst.BaseExpression, env: _Env) -> Optional[str]:
        """The name of the builtin `func` calls, if it is one (not rebound)."""
        if not isinstance(func, cst.Name) or func.value in env or self.ctx.bindings(func.value)[0] is not None:
            return None
        return func.value

    def _name(self, name: str, env: _Env, what: str) -> bool:
        """`value` or `items` of a name: through the comprehension that binds it, or through
        every binding of it in its scope."""
        if name in env:
            iterable = env[name]
            outer = {k: v for k, v in env.items() if k != name}
            return what == "value" and iterable is not None and self.items(iterable, outer)
        scope, found = self.ctx.bindings(name)
        if scope is None:
            return what == "value" and name in _CONSTANTS
        key = (what, name)
        if not found or key in self.resolving or self.ctx.facts(scope).is_shared(name):
            return False
        self.resolving.add(key)
        try:
            return all(self._binding(b.kind, b.value, b.statement, what) for b in found)
        finally:
            self.resolving.discard(key)

    def _binding(
        self, kind: str, value: Optional[cst.BaseExpression], statement: Optional[cst.CSTNode], what: str
    ) -> bool:
        if what == "value" and kind in _HASHABLE_BINDINGS:
            return True  # functions, classes and modules hash by identity
        if kind == "for" and what == "value" and isinstance(statement, cst.For):
            return self.items(statement.iter, {})
        if kind not in ("assign", "annassign", "augassign", "walrus") or value is None:
            return False
        if what == "value":
            return self.value(value, {})
        # The items of a name: only of values whose items stay hashable when the name is
        # changed later (a set's, a dict's, a tuple's or a str's), not of a list.
        return isinstance(value, _IMMUTABLE_OR_HASHING) and self.items(value, {}) or (
            isinstance(value, cst.Call) and self._builtin(value.func, {}) in _HASHED_ITEMS
        )


_IMMUTABLE_OR_HASHING = (*_STRINGS, cst.Set, cst.SetComp, cst.Dict, cst.DictComp, cst.Tuple)


def _comprehension_env(comp: cst.BaseComp, env: _Env) -> _Env:
    """`env` with the variables a comprehension binds, each mapped to what it runs over
    (the names a target unpacks map to None: their values are unknown)."""
    inner = dict(env)
    clause: Optional[cst.CompFor] = comp.for_in
    while clause is not None:
        whole = isinstance(clause.target, cst.Name)
        for name in target_names(clause.target):
            inner[name.value] = clause.iter if whole else None
        clause = clause.inner_for_in
    return inner

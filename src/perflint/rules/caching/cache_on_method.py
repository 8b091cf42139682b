"""PFL502 cache-on-method: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.caching._shared import _decorator_names, _decorator_target

_CACHES = frozenset({"functools.cache", "functools.lru_cache"})

# Methods Python makes static or class methods without a decorator.
_IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def _unbounded(decorator: cst.Decorator) -> bool:
    """`@lru_cache(None)` / `@lru_cache(maxsize=None)`: no bound on what it keeps (a bare
    `@lru_cache` keeps 128 entries)."""
    call = decorator.decorator
    if not isinstance(call, cst.Call):
        return False
    for position, arg in enumerate(call.args):
        if (arg.keyword is None and position == 0) or (arg.keyword is not None and arg.keyword.value == "maxsize"):
            return isinstance(arg.value, cst.Name) and arg.value.value == "None"
    return False


def _may_be_cache(decorator: cst.Decorator) -> bool:
    """Cheap test before resolving imports: `x.cache`/`x.lru_cache`, or a name that may be
    an alias of them (not one of the usual method decorators)."""
    target = _decorator_target(decorator)
    if isinstance(target, cst.Attribute):
        return target.attr.value in ("cache", "lru_cache")
    return isinstance(target, cst.Name) and target.value not in _METHOD_DECORATORS


_METHOD_DECORATORS = frozenset({"property", "staticmethod", "classmethod", "abstractmethod", "overload", "override"})


@register
class CacheOnMethod(Rule):
    """`functools.cache` / `lru_cache` on an instance method keys the cache on `self`,
    so the cache (which lives as long as the class) keeps every instance it has seen
    alive, with everything they reference: a memory leak, and for `lru_cache` a cache
    shared by all instances, where one instance evicts another's results.

    Instead, cache per instance (`functools.cached_property` for methods without
    arguments, or a dict attribute), or move the computation to a module-level function
    of hashable arguments. Static and class methods are not flagged, nor methods of
    enums (their members live forever anyway), nor caches with a size bound
    (`@lru_cache`, `@lru_cache(maxsize=1024)`: they keep at most that many instances
    alive, evicting the oldest). The cost is memory, not time; a bench shows the cost
    of the cached call is comparable.
    """

    code = "PFL502"
    name = "cache-on-method"
    message = "a cache on an instance method keeps every `self` alive: cache per instance instead"
    impact = Impact.ALGORITHMIC

    bad = (
        Example(
            "import functools\n\nclass Model:\n    @functools.lru_cache(maxsize=None)\n"
            "    def score(self, x):\n        return x * 2\n"
        ),
        Example("from functools import cache as memo\n\nclass Model:\n    @memo\n    def score(self, x):\n        return x\n"),
    )
    good = (
        "import functools\n\nclass Model:\n    @staticmethod\n    @functools.cache\n    def score(x):\n        return x\n",
        ("from functools import lru_cache\n\nclass Model:\n    @classmethod\n    @lru_cache\n"
        "    def load(cls, name):\n        return name\n"),
        "import functools\n\n@functools.cache\ndef score(x):\n    return x\n",
        ("import functools\n\nclass Path:\n    @functools.lru_cache()\n    def __new__(cls, root):\n"
        "        return super().__new__(cls)\n"),
        "import functools\n\nclass Model:\n    @functools.cached_property\n    def score(self):\n        return 1\n",
        # bounded: at most that many instances are kept
        "import functools\n\nclass Model:\n    @functools.lru_cache(maxsize=1)\n    def score(self, x):\n        return x\n",
        "from functools import lru_cache\n\nclass Model:\n    @lru_cache\n    def score(self, x):\n        return x\n",
        "class Model:\n    @lru_cache\n    def score(self, x):\n        return x\n",
        ("import enum, functools\n\nclass Color(enum.Enum):\n    RED = 1\n    @functools.cache\n"
        "    def rgb(self):\n        return (255, 0, 0)\n"),
    )

    bench = Bench(
        setup="import functools\nclass A:\n    @functools.lru_cache(maxsize=None)\n    def f(self, x):\n"
        "        return x * 2\nclass B:\n    def f(self, x):\n        return x * 2\nxs = list(range(N))",
        before="def run():\n    a = A()\n    return sum(a.f(x) for x in xs)",
        after="def run():\n    b = B()\n    return sum(b.f(x) for x in xs)",
        note="the gain is memory: every A() stays alive in the cache",
    )

    needs = tuple(("def", f"@{c}") for c in sorted(_CACHES)) + (("def", "@cache"), ("def", "@lru_cache"))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not isinstance(self.ctx.parent(2), cst.ClassDef) or not any(map(_may_be_cache, node.decorators)):
            return
        names = _decorator_names(self.ctx, node.decorators)
        if not _CACHES & set(filter(None, names)) or {"staticmethod", "classmethod"} & set(filter(None, names)):
            return
        if node.name.value in _IMPLICIT_CLASS_METHODS or not (node.params.params or node.params.posonly_params):
            return
        cls = self.ctx.parent(2)
        assert isinstance(cls, cst.ClassDef)
        if any(self._is_enum(base.value) for base in cls.bases):
            return
        decorator, name = next((d, n) for d, n in zip(node.decorators, names) if n in _CACHES)
        if name == "functools.lru_cache" and not _unbounded(decorator):
            return  # a bound keeps at most that many instances alive, not every `self`
        self.report(decorator)

    def _is_enum(self, base: cst.BaseExpression) -> bool:
        name = self.ctx.qualified_name(base) or (base.value if isinstance(base, cst.Name) else "")
        return name.startswith("enum.") or name.endswith(("Enum", "Flag"))

"""What more than one of the vectorization rules uses (or their triage helpers do)."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext, last_name
from perflint.analysis.growth import fixed_rebinding
from perflint.analysis.scope import Binding

ARRAY = "array"
FRAME = "frame"

_NUMPY_MAKERS = frozenset(
    {
        "array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "copy",
        "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
        "arange", "linspace", "logspace", "geomspace", "eye", "identity", "diag", "tile",
        "fromiter", "frombuffer", "fromstring", "fromfunction", "loadtxt", "genfromtxt",
        "append", "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack",
        "row_stack",
    }
)

# numpy.random functions that return an array only when given a size: the position of
# `size` among the positional arguments (None: always an array).
_RANDOM_SIZE: Dict[str, Optional[int]] = {
    "rand": 0, "randn": 0, "random": 0, "random_sample": 0, "ranf": 0, "sample": 0,
    "standard_normal": 0, "randint": 2, "uniform": 2, "normal": 2, "choice": 1,
    "permutation": None,
}

# pandas readers that do not return one DataFrame (or only with some arguments).
_NOT_FRAME_READERS = frozenset({"read_pickle", "read_html", "read_spss", "read_sas", "read_hdf"})
_READER_OPTIONS = frozenset({"chunksize", "iterator", "sheet_name", "typ"})
_ACCUMULATORS = frozenset(
    {"append", "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack", "row_stack"}
)


def _keywords(call: cst.Call) -> Set[str]:
    return {a.keyword.value for a in call.args if a.keyword is not None}


def _positional(call: cst.Call) -> List[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def call_kind(ctx: FileContext, call: cst.Call) -> Optional[str]:
    """ARRAY or FRAME if `call` visibly makes a NumPy array or a pandas DataFrame."""
    if not isinstance(call.func, (cst.Name, cst.Attribute)):
        return None
    name = ctx.callee_name(call.func)
    if name is None:
        return None
    module, _, rest = name.partition(".")
    if module == "numpy":
        if rest in _NUMPY_MAKERS:
            return ARRAY
        fn = rest[len("random."):] if rest.startswith("random.") else ""
        if fn in _RANDOM_SIZE:
            size = _RANDOM_SIZE[fn]
            if size is None or len(_positional(call)) > size or "size" in _keywords(call):
                return ARRAY
        return None
    if module == "pandas":
        if rest in ("DataFrame", "concat", "merge"):
            return FRAME
        if rest.startswith("read_") and rest not in _NOT_FRAME_READERS:
            return None if _keywords(call) & _READER_OPTIONS else FRAME
    return None


def _annotation_kind(ctx: FileContext, annotation: Optional[cst.Annotation]) -> Optional[str]:
    if annotation is None:
        return None
    expr = annotation.annotation
    if isinstance(expr, cst.Subscript):
        expr = expr.value
    name = ctx.qualified_name(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
    if name in ("numpy.ndarray", "numpy.typing.NDArray"):
        return ARRAY
    return FRAME if name == "pandas.DataFrame" else None


def _param(scope: cst.CSTNode, name: cst.CSTNode) -> Optional[cst.Param]:
    params = getattr(scope, "params", None)
    if not isinstance(params, cst.Parameters):
        return None
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name is name:
            return param
    return None


def _top_level_index(body: Sequence[cst.BaseStatement], node: Optional[cst.CSTNode]) -> int:
    """Index of the statement of `body` that is or directly holds `node` (-1 if none)."""
    for i, statement in enumerate(body):
        if statement is node or (
            isinstance(statement, cst.SimpleStatementLine) and any(s is node for s in statement.body)
        ):
            return i
    return -1


def _is_self_append(binding: Binding) -> bool:
    """`df = df.append(...)`: the value keeps what the name already was."""
    value = binding.value
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "append"
        and isinstance(value.func.value, cst.Name)
        and value.func.value.value == binding.name
    )


def name_kind(ctx: FileContext, name: str) -> Optional[str]:
    """ARRAY or FRAME if every binding of `name` in the current scope shows it is one."""
    scopes = ctx.scopes()
    if not scopes:
        return None
    scope = scopes[0]
    facts = ctx.facts(scope)
    found = facts.bindings.get(name)
    if not found or facts.is_shared(name):
        return None
    kinds: Set[Optional[str]] = set()
    plain_params: List[Binding] = []
    makers: List[Binding] = []
    for binding in found:
        if binding.kind == "augassign" or (binding.kind == "assign" and _is_self_append(binding)):
            continue
        if binding.kind in ("assign", "annassign") and isinstance(binding.value, cst.Call):
            kinds.add(call_kind(ctx, binding.value))
            makers.append(binding)
        elif binding.kind == "annassign" and isinstance(binding.statement, cst.AnnAssign):
            kinds.add(_annotation_kind(ctx, binding.statement.annotation))
        elif binding.kind == "param":
            param = _param(scope, binding.node)
            kind = _annotation_kind(ctx, param.annotation) if param is not None else None
            if kind is None:
                plain_params.append(binding)
            else:
                kinds.add(kind)
        else:
            return None
    if len(kinds) != 1 or None in kinds:
        return None
    if plain_params and not _rebound_first(ctx, scope, makers):
        return None
    return kinds.pop()


def _rebound_first(ctx: FileContext, scope: cst.CSTNode, makers: List[Binding]) -> bool:
    """Whether a maker call rebinds the parameter at the top of the function body before
    the statement being analyzed (`x = np.asarray(x)` first thing in the body)."""
    body = getattr(scope, "body", None)
    if not isinstance(body, cst.IndentedBlock):
        return False
    here = next((n for n in ctx.ancestors if any(n is s for s in body.body)), None)
    current = _top_level_index(body.body, here)
    return current >= 0 and any(0 <= _top_level_index(body.body, b.statement) < current for b in makers)


def expr_kind(ctx: FileContext, expr: cst.BaseExpression) -> Optional[str]:
    if isinstance(expr, cst.Name):
        return name_kind(ctx, expr.value)
    if isinstance(expr, cst.Call):
        return call_kind(ctx, expr)
    return None


def _builtin_call(ctx: FileContext, node: cst.BaseExpression, names: Tuple[str, ...]) -> Optional[cst.Call]:
    """`node` if it is a call of one of the builtins `names` (not shadowed)."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value in names
        and all(a.keyword is None and not a.star for a in node.args)
        and ctx.bindings(node.func.value)[0] is None
    ):
        return node
    return None


# -- PFL602 / PFL604 ----------------------------------------------------------------------


def _accumulated(call: cst.Call, name: str, self_first: bool) -> bool:
    """Whether `call` is `f(name, ...)` (self_first) or `f([..., name, ...], ...)`."""
    if not call.args or call.args[0].keyword is not None or call.args[0].star:
        return False
    first = call.args[0].value
    if self_first:
        return isinstance(first, cst.Name) and first.value == name
    return isinstance(first, (cst.List, cst.Tuple)) and any(
        isinstance(e.value, cst.Name) and e.value.value == name for e in first.elements
    )


def _reset_in_loop(ctx: FileContext, name: str, assign: cst.Assign) -> bool:
    """Whether `name` is set afresh inside the innermost loop too (then nothing grows)."""
    loop = ctx.loops()[0]
    scope = ctx.scopes()[0]
    for binding in ctx.facts(scope).bindings_in(name, loop):
        value = binding.value
        grows = binding.kind == "assign" and isinstance(value, cst.Call) and _is_growth(value, name)
        if binding.statement is not assign and not grows:
            return True
    return False


def _is_growth(call: cst.Call, name: str) -> bool:
    """`np.append(name, ...)`, `np.concatenate([name, ...])`, `pd.concat([name, ...])`, by
    shape only (the caller checks what the function is)."""
    attr = last_name(call.func)
    if attr == "append":
        return _accumulated(call, name, True) or _is_self_append_call(call, name)
    return attr in _ACCUMULATORS | {"concat"} and _accumulated(call, name, False)


def _is_self_append_call(call: cst.Call, name: str) -> bool:
    return (
        isinstance(call.func, cst.Attribute)
        and isinstance(call.func.value, cst.Name)
        and call.func.value.value == name
    )


def _growth_target(node: cst.Assign) -> Optional[Tuple[str, cst.Call]]:
    """(`x`, call) for `x = call(...)` where the call grows `x` by its shape."""
    if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
        return None
    name = node.targets[0].target.value
    if isinstance(node.value, cst.Call) and _is_growth(node.value, name):
        return name, node.value
    return None


def _fixed_growth(ctx: FileContext, name: str) -> bool:
    """Whether the array or frame `name`, grown by a call per step, grows a fixed number
    of times (the loops that carry it over run a fixed number of times)."""
    scope = ctx.function()
    if scope is None:
        return False
    return fixed_rebinding(ctx, scope, name, ctx.loops(), lambda b: _grows_itself(b, name))


def _grows_itself(binding: Binding, name: str) -> bool:
    statement = binding.statement
    found = _growth_target(statement) if isinstance(statement, cst.Assign) else None
    return found is not None and found[0] == name

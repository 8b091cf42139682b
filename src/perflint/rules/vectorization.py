"""PFL6xx: Python-level loops over NumPy arrays and pandas DataFrames.

The analyzed code is never imported (NumPy and pandas need not be installed), so a name
counts as an array or a DataFrame only when its own scope shows it: every binding of it
is a call of a NumPy constructor (`np.array`, `np.zeros`, `np.arange`, `np.random.rand(n)`,
...) or of `pd.DataFrame`/`pd.read_*`, under whatever name the module was imported as,
or it is a parameter or variable annotated `np.ndarray`/`NDArray[...]`/`pd.DataFrame`.
An unannotated parameter counts when the function body first rebinds it with such a
call at its top level (`x = np.asarray(x)`) before the code in question.
"""

from __future__ import annotations

import ast
import re
from typing import Collection, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from perflint.analysis.context import FileContext, last_name
from perflint.analysis.growth import fixed_iterations, fixed_rebinding
from perflint.analysis.scope import Binding
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.hints import GAP, LOOP, Region, in_a_function

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


# -- triage conditions (see Rule.may_fire) ------------------------------------------------
# A name counts as an array only through a binding in its own scope whose value is a call
# of a NumPy function (`a = np.zeros(n)`, `a = zeros(n)` after `from numpy import zeros` or
# `zeros = np.zeros`) or whose annotation is a NumPy name (`a: np.ndarray`, `npt.NDArray`).
# So a region's array candidates are the names written before `=`/`:` followed by a name
# bound to numpy, and a loop or reduction can only be flagged if it mentions one of them
# (or calls a NumPy constructor itself).

_NUMPY_AS = re.compile(rf"\bnumpy\b(?:{GAP}\.{GAP}\w+)*{GAP}\bas\b{GAP}(\w+)")
_FROM_NUMPY = re.compile(
    r"\bfrom[\s\\]+(numpy\b(?:[\s\\]*\.[\s\\]*\w+)*)[\s\\]+import\b[\s\\]*(\([^)]*\)|[^\n;]*(?:\\\r?\n[^\n;]*)*)"
)
_WORD = re.compile(r"\w+")
_BLANKS = re.compile(r"[\s\\]+")
# At most this many lines back to the start of the statement a name is bound in.
_STATEMENT_LINES = 50
_ANNOTATIONS = frozenset({"numpy.ndarray", "numpy.typing.NDArray"})


class _NumpyNames:
    """What a file binds to NumPy (supersets): `modules`, names that may be the `numpy`
    module or a submodule; `makers`, names that may be a function `call_kind` takes for an
    array's maker (imported, or set to an attribute: `arange = np.arange`); `accumulators`,
    the same for PFL602's functions; `annotations`, names that may be `numpy.ndarray` or
    `NDArray`."""

    __slots__ = ("modules", "makers", "accumulators", "annotations")

    def __init__(self, modules: Set[str], makers: Set[str], accumulators: Set[str], annotations: Set[str]) -> None:
        self.modules = frozenset(modules)
        self.makers = frozenset(makers)
        self.accumulators = frozenset(accumulators)
        self.annotations = frozenset(annotations)


def _numpy_names(file: Region) -> Optional[_NumpyNames]:
    """The file's `_NumpyNames`, from its imports and also from its text (the imports
    keep one target per name, and a name may be imported twice). None when unknown."""
    if file.imports is None:
        return None
    text = file.text
    imports = {local: target for local, target in file.imports.items() if local.isidentifier()}  # not `*`
    groups = [
        (_BLANKS.sub("", module), frozenset(_WORD.findall(names))) for module, names in _FROM_NUMPY.findall(text)
    ]

    def bound(targets: Collection[str]) -> Set[str]:
        found = {local for local, target in imports.items() if target in targets}
        for module, words in groups:
            if any(f"{module}.{word}" in targets for word in words):
                found |= words
        return found

    modules = {"numpy"} | set(_NUMPY_AS.findall(text)) | bound({"numpy", "numpy.random", "numpy.typing"})
    makers = bound({f"numpy.{name}" for name in _NUMPY_MAKERS} | {f"numpy.random.{name}" for name in _RANDOM_SIZE})
    accumulators = bound({f"numpy.{name}" for name in _ACCUMULATORS})
    words = "|".join(sorted(modules))
    alias = re.compile(
        rf"=(?!=)[\s\\(]*\b((?:{words})\b(?:[\s\\]*\.[\s\\]*\w+)+)[\s\\)]*(?:[;#]|$)", re.MULTILINE
    )
    for match in alias.finditer(text):
        found = _prefix_words(text, match.start())
        if found is None:
            return None
        last = _WORD.findall(match.group(1))[-1]
        if last in _MAKER_WORDS:
            makers |= found
        if last in _ACCUMULATORS:
            accumulators |= found
    return _NumpyNames(modules, makers, accumulators, bound(_ANNOTATIONS))


def _balanced(text: str) -> bool:
    return all(text.count(close) <= text.count(open_) for open_, close in ("()", "[]", "{}"))


def _prefix_words(text: str, end: int) -> Optional[FrozenSet[str]]:
    """The names `text[end]` (an `=` or `:`) may bind or annotate: the words before it in
    its statement, from its line's start or an earlier line while brackets are open or a
    line ends with a backslash (a bracket in a string only makes it longer); then only
    after an open bracket or a comma or semicolon outside brackets (`def f(self, a: T`
    binds `a`), unless there is a quote or comment to mislead that cut; and not the words
    of an attribute (`self.x = ...` binds no name). None if too long to tell."""
    start = text.rfind("\n", 0, end) + 1
    for _ in range(_STATEMENT_LINES):
        prefix = text[start:end]
        continued = start > 0 and text[: start - 1].rstrip("\r").endswith("\\")
        if start == 0 or (prefix.strip() and _balanced(prefix) and not continued):
            break
        start = text.rfind("\n", 0, start - 1) + 1
    else:
        return None
    if not any(c in prefix for c in "#'\""):
        prefix = prefix[_segment_start(prefix):]
    return frozenset(m.group(2) for m in _PLAIN_WORD.finditer(prefix) if not m.group(1))


_PLAIN_WORD = re.compile(r"(\.[\s\\]*)?\b(\w+)\b(?![\s\\]*\.)")


def _segment_start(prefix: str) -> int:
    """Where the last item of `prefix` starts: after its last unclosed bracket, or comma
    or semicolon outside brackets."""
    depth = 0
    for i in range(len(prefix) - 1, -1, -1):
        c = prefix[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth == 0:
                return i + 1
            depth -= 1
        elif c in ",;" and depth == 0:
            return i + 1
    return 0


def _file_names(region: Region) -> Optional[_NumpyNames]:
    file = region.file
    return None if file is None else file.derived(_numpy_names)


def _candidates(region: Region) -> Optional[FrozenSet[str]]:
    """Names `region` may bind to an array's maker call or annotate with `numpy.ndarray`
    or `NDArray`: the words before each `=` followed by such a call and each `:` followed
    by such an annotation. None when unknown."""
    numpy = _file_names(region)
    if numpy is None:
        return None
    modules = "|".join(sorted(numpy.modules))
    attribute = rf"\b(?:{modules})\b(?:{GAP}\.{GAP}\w+)*?{GAP}\.{GAP}"
    makers = "|".join(sorted(numpy.makers | {"_"}))
    annotations = "|".join(sorted(numpy.annotations | {"_"}))
    pattern = (
        rf"=(?!=)[\s\\(]*(?:\b(?:{makers})\b|{attribute}(?:{_MAKERS_PATTERN})\b)"
        rf"|:(?!=)[\s\\(]*(?:\b(?:{annotations})\b|{attribute}(?:ndarray|NDArray)\b)"
    )
    text = region.text
    found: Set[str] = set()
    for match in re.finditer(pattern, text):
        prefix = _prefix_words(text, match.start())
        if prefix is None:
            return None
        found |= prefix
    return frozenset(found)


def _scope_candidates(region: Region) -> Optional[FrozenSet[str]]:
    """`_candidates` of the scopes code in `region` can be in: the region itself for a
    def or class, else the whole file (module-level code sees module-level names)."""
    if isinstance(region.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return region.derived(_candidates)
    file = region.file
    return None if file is None else file.derived(_candidates)


def _words_of(region: Region) -> FrozenSet[str]:
    return frozenset(_WORD.findall(region.text))


# The header of a `for` statement or comprehension, as far as PFL601 reads it: the target
# (names, commas, brackets, stars; comments inside brackets), `in`, and the start of the
# iterable: an optional `range(`/`zip(`/`enumerate(` (group 2), then a dotted name (group
# 3) and whether an attribute, subscript or call follows it (group 4). The target is
# matched lazily up to the first `in` followed by a name, so a match may run past a
# header whose iterable does not start with a name (never one `_iteration` accepts), but
# never past one whose iterable does.
_HEADER = re.compile(
    rf"for(?<!\wfor)\b((?:[\w\s\\,()\[\]*]|#[^\n]*(?![^\n]))*?)\bin\b{GAP}"
    rf"(?:\b(range|zip|enumerate)\b{GAP})?((?:\w+{GAP}\.{GAP})*\w+)([\s\\]*[.\[(])?"
)
# `name[index` (a lookahead, so `a[b[i]]` yields both pairs).
_SUBSCRIPT = re.compile(rf"\b(\w+)(?={GAP}\[{GAP}(\w+))")


class _Headers:
    """The `for` headers of a region's loops text: `iterables`, (function or "", words of
    the dotted name, whether a trailer follows it) for each; `indexes`, the target words
    of `range(...)` loops."""

    __slots__ = ("iterables", "indexes")

    def __init__(self, iterables: List[Tuple[str, Tuple[str, ...], bool]], indexes: FrozenSet[str]) -> None:
        self.iterables = iterables
        self.indexes = indexes


def _headers(loops: Region) -> _Headers:
    iterables: List[Tuple[str, Tuple[str, ...], bool]] = []
    indexes: Set[str] = set()
    for target, func, chain, trailer in _HEADER.findall(loops.text):
        iterables.append((func, tuple(_WORD.findall(chain)), bool(trailer)))
        if func == "range":
            indexes.update(_WORD.findall(target))
    return _Headers(iterables, frozenset(indexes))


def _subscripts(loops: Region) -> FrozenSet[Tuple[str, str]]:
    return frozenset(_SUBSCRIPT.findall(loops.text))


def _may_iterate_array(region: Region, numpy: _NumpyNames, candidates: FrozenSet[str]) -> bool:
    """Whether some `for` in `region` may have a header `_iteration` accepts: over a
    candidate name or a NumPy maker call, directly or as the first argument of `zip` or
    `enumerate`; or over `range(...)` with a candidate subscripted by its target. A
    builtin's name bound to a NumPy maker (`from numpy import arange as range`) makes the
    call itself the array."""
    loops = region.loops
    headers = loops.derived(_headers)
    ranges = False
    for func, words, trailer in headers.iterables:
        if func and func in numpy.makers:
            return True
        if func == "range":
            ranges = True
            continue
        if len(words) == 1:
            if words[0] in numpy.makers or (words[0] in candidates and not trailer):
                return True
        elif words[-1] in _MAKER_WORDS and words[0] in numpy.modules:
            return True
    if not ranges:
        return False
    return any(
        name in candidates and index in headers.indexes for name, index in loops.derived(_subscripts)
    )


# The last name of a call `call_kind` takes for an array's maker.
_MAKER_WORDS = _NUMPY_MAKERS | frozenset(_RANDOM_SIZE)
_MAKERS_PATTERN = "|".join(sorted(_MAKER_WORDS))


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


# -- PFL601 -------------------------------------------------------------------------------

_COMPARISONS = (
    cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual, cst.Equal, cst.NotEqual
)
_REDUCTIONS = (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign)


class _Elementwise:
    """Checks that a loop body is whole-array arithmetic written one element at a time.

    Allowed: numbers, loop-invariant names and attributes that are not known arrays (a
    whole array in the body makes each iteration a vector operation, not an element
    one), the loop's elements, `a[i]` for an array `a` and the loop index `i`,
    arithmetic, comparisons, conditional expressions and calls of `math`/`numpy`
    functions on such values. Statements:
    `t = E`, `out[i] = E`, `out[i] op= E`, `acc += E` (a reduction) and `out.append(E)`.
    Anything carried from one iteration to the next (a temporary read before it is set, an
    accumulator read in the body, `a[i - 1]`) makes it sequential: not flagged.
    """

    def __init__(self, ctx: FileContext, index: Optional[str], elements: Set[str]) -> None:
        self.ctx = ctx
        self.index = index
        self.elements = set(elements)  # the loop's own elements
        self.values = set(elements)  # names holding per-element values (elements, temporaries)
        self.blocked: Set[str] = set()  # names that must not be read (carried across iterations)
        self.touched = False  # saw an element of an array
        self._arrays: Dict[str, bool] = {}

    def _is_array(self, name: str) -> bool:
        if name not in self._arrays:
            self._arrays[name] = name_kind(self.ctx, name) == ARRAY
        return self._arrays[name]

    def _indexed(self, node: cst.Subscript) -> Optional[str]:
        """`a` if `node` is `a[i]` with the loop index `i`."""
        if self.index is None or not isinstance(node.value, cst.Name) or len(node.slice) != 1:
            return None
        sl = node.slice[0].slice
        if isinstance(sl, cst.Index) and isinstance(sl.value, cst.Name) and sl.value.value == self.index:
            return node.value.value
        return None

    def expr(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return True
        if isinstance(node, cst.Name):
            if node.value in self.blocked:
                return False
            self.touched |= node.value in self.elements
            return node.value in self.values or node.value == self.index or not self._is_array(node.value)
        if isinstance(node, cst.Attribute):
            base = node.value
            if not isinstance(base, cst.Name) or base.value in self.blocked | self.values:
                return False
            return not self._is_array(base.value)
        if isinstance(node, cst.Subscript):
            array = self._indexed(node)
            if array is None or array in self.blocked or not self._is_array(array):
                return False
            self.touched = True
            return True
        if isinstance(node, cst.BinaryOperation):
            matrix = isinstance(node.operator, cst.MatrixMultiply)
            return not matrix and self.expr(node.left) and self.expr(node.right)
        if isinstance(node, cst.UnaryOperation):
            return not isinstance(node.operator, cst.Not) and self.expr(node.expression)
        if isinstance(node, cst.Comparison):
            return self.expr(node.left) and all(
                isinstance(t.operator, _COMPARISONS) and self.expr(t.comparator) for t in node.comparisons
            )
        if isinstance(node, cst.IfExp):
            return self.expr(node.test) and self.expr(node.body) and self.expr(node.orelse)
        if isinstance(node, cst.Call):
            return self._call(node)
        return False

    def _call(self, node: cst.Call) -> bool:
        if not node.args or any(a.keyword is not None or a.star for a in node.args):
            return False
        if not isinstance(node.func, (cst.Name, cst.Attribute)):
            return False
        if isinstance(node.func, cst.Name) and node.func.value == "abs":
            if self.ctx.bindings("abs")[0] is not None:
                return False
        else:
            name = self.ctx.callee_name(node.func) or ""
            if not name.startswith(("math.", "numpy.")):
                return False
        return all(self.expr(a.value) for a in node.args)

    def body(self, statements: Sequence[cst.BaseStatement]) -> bool:
        smalls: List[cst.BaseSmallStatement] = []
        for line in statements:
            if not isinstance(line, cst.SimpleStatementLine):
                return False
            smalls.extend(line.body)
        assigned = [s.targets[0].target for s in smalls if isinstance(s, cst.Assign) and len(s.targets) == 1]
        self.blocked |= {t.value for t in assigned if isinstance(t, cst.Name)}
        augmented = [s.target for s in smalls if isinstance(s, cst.AugAssign)]
        self.blocked |= {t.value for t in augmented if isinstance(t, cst.Name)}
        if self.blocked & (self.values | {self.index}):
            return False
        return all(self._statement(s) for s in smalls) and self.touched

    def _statement(self, node: cst.BaseSmallStatement) -> bool:
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if not self.expr(node.value):
                return False
            if isinstance(target, cst.Name):  # a temporary: readable from here on
                self.blocked.discard(target.value)
                self.values.add(target.value)
                return True
            return isinstance(target, cst.Subscript) and self._target(target)
        if isinstance(node, cst.AugAssign):
            if isinstance(node.target, cst.Name):
                return isinstance(node.operator, _REDUCTIONS) and self.expr(node.value)
            target = node.target
            return isinstance(target, cst.Subscript) and self._target(target) and self.expr(node.value)
        if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
            call = node.value
            return (
                isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "append"
                and isinstance(call.func.value, cst.Name)
                and call.func.value.value not in self.values | self.blocked
                and len(call.args) == 1
                and call.args[0].keyword is None
                and not call.args[0].star
                and self.expr(call.args[0].value)
            )
        return False

    def _target(self, node: cst.Subscript) -> bool:
        """`out[i] = ...`: a store at the loop index into a name that is not read."""
        if self.index is None or not isinstance(node.value, cst.Name) or len(node.slice) != 1:
            return False
        sl = node.slice[0].slice
        return (
            isinstance(sl, cst.Index)
            and isinstance(sl.value, cst.Name)
            and sl.value.value == self.index
            and node.value.value not in self.values | {self.index}
        )


def _names(target: cst.BaseExpression) -> Optional[List[str]]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names = [e.value.value for e in target.elements if isinstance(e.value, cst.Name)]
        return names if len(names) == len(target.elements) else None
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


def _iteration(
    ctx: FileContext, target: cst.BaseExpression, iterable: cst.BaseExpression
) -> Optional[_Elementwise]:
    """The checker for a loop `for target in iterable` over arrays, if it is one."""
    names = _names(target)
    if names is None:
        return None
    call = _builtin_call(ctx, iterable, ("range", "zip", "enumerate"))
    if call is None:
        if len(names) == 1 and expr_kind(ctx, iterable) == ARRAY:
            return _Elementwise(ctx, None, set(names))
        return None
    func = call.func.value  # type: ignore[attr-defined]
    args = [a.value for a in call.args]
    if func == "range" and len(args) == 1 and len(names) == 1:
        return _Elementwise(ctx, names[0], set())
    if func == "enumerate" and len(args) == 1 and len(names) == 2 and expr_kind(ctx, args[0]) == ARRAY:
        return _Elementwise(ctx, names[0], {names[1]})
    if func == "zip" and len(args) == len(names) > 1 and all(expr_kind(ctx, a) == ARRAY for a in args):
        return _Elementwise(ctx, None, set(names))
    return None


Comprehension = Union[cst.ListComp, cst.SetComp, cst.GeneratorExp]


@register
class ElementwiseLoopOverArray(Rule):
    """A Python loop over a NumPy array boxes every element into a Python object and runs
    the arithmetic in the interpreter. The same operation on the whole array runs in C
    (`a * b`, `arr.sum()`, `np.sqrt(arr)`, `np.where(...)`): measured on 10,000 floats,
    `[a[i] * b[i] for i in range(len(a))]` is about 400 times slower than `a * b`, and
    still 11 times slower than `(a * b).tolist()` when a list is what is needed.

    Flagged only when the loop body is plain arithmetic on elements of arrays the scope
    shows (no carried state such as `out[i - 1]` or a running value read in the body), so
    the vectorized form exists. No fix: the right spelling depends on shapes and dtypes.
    """

    code = "PFL601"
    impact = Impact.CONSTANT
    hints = (LOOP,)
    file_hints = (r"\b(?:numpy|pandas)\b",)
    name = "elementwise-loop-over-array"
    message = "element-by-element loop over a NumPy array: use a vectorized expression"
    bad = (
        Example(
            "import numpy as np\n\ndef f(n):\n    a = np.arange(n)\n    b = np.ones(n)\n"
            "    return [a[i] * b[i] for i in range(len(a))]\n"
        ),
        Example(
            "import numpy as np\n\ndef f(arr: np.ndarray):\n    total = 0\n    for x in arr:\n"
            "        total += x\n    return total\n"
        ),
        Example(
            "import numpy\n\ndef f(x, y):\n    x = numpy.asarray(x)\n    y = numpy.asarray(y)\n"
            "    out = numpy.empty(len(x))\n    for i in range(len(x)):\n        d = x[i] - y[i]\n"
            "        out[i] = d * d\n    return out\n"
        ),
        Example(
            "from numpy import linspace\nimport math\n\ndef f():\n    xs = linspace(0, 1, 100)\n"
            "    ys = linspace(1, 2, 100)\n    return [math.sqrt(x * y) for x, y in zip(xs, ys)]\n"
        ),
        # A header and a subscript spread over lines, with comments.
        Example(
            "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    return [\n        a[  # one element\n"
            "            i\n        ] * 2\n        for i\n        in  # every index\n        range(n)\n    ]\n"
        ),
    )
    good = (
        # Not known to be an array: a parameter without annotation, a list.
        "def f(a, b):\n    return [a[i] * b[i] for i in range(len(a))]\n",
        "import numpy as np\n\ndef f(n):\n    a = [0.5] * n\n    return [x * 2 for x in a]\n",
        # Carried from one iteration to the next: a recurrence, a running value.
        "import numpy as np\n\ndef f(n):\n    a = np.zeros(n)\n    for i in range(len(a)):\n"
        "        a[i] = a[i - 1] * 0.5 + 1\n    return a\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    out = np.empty(n)\n    acc = 0.0\n"
        "    for i in range(n):\n        acc += a[i]\n        out[i] = acc\n    return out\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    y = 0.0\n    for x in a:\n"
        "        y = y * 0.9 + x\n    return y\n",
        # Not arithmetic: calls of arbitrary functions, control flow, a bare copy.
        "import numpy as np\n\ndef f(g, n):\n    a = np.ones(n)\n    return [g(x) for x in a]\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    for x in a:\n        if x > 1:\n"
        "            break\n",
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    return [x for x in a]\n",
        # Rebound to something else in the scope; the name is numpy only by coincidence.
        "import numpy as np\n\ndef f(n):\n    a = np.ones(n)\n    a = a.tolist()\n"
        "    return [x * 2 for x in a]\n",
        "def f(np, n):\n    a = np.ones(n)\n    return [x * 2 for x in a]\n",
        # Each iteration is a vector operation (a whole array in the body), or touches no
        # element at all: not an element-by-element loop.
        "import numpy as np\n\ndef f(n):\n    t = np.linspace(0, 1, n)\n    w = np.ones(3)\n"
        "    out = np.empty(n)\n    for i in range(n):\n        out[i] = np.sum(t[i] * w)\n    return out\n",
        "import numpy as np\n\ndef f(groups, n, h):\n    rows = np.empty((n, len(groups)))\n"
        "    for g in range(n):\n        e = np.equal(g, groups)\n        rows[g] = h * e\n    return rows\n",
        # The parameter is rebound only inside a branch.
        "import numpy as np\n\ndef f(x, flag):\n    if flag:\n        x = np.asarray(x)\n"
        "    return [v * 2 for v in x]\n",
    )
    bench = Bench(
        setup="import numpy as np\na = np.arange(N, dtype=float)\nb = np.arange(N, dtype=float) / 2",
        before="def run():\n    return [a[i] * b[i] for i in range(len(a))]",
        after="def run():\n    return (a * b).tolist()",
        requires=("numpy",),
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A `for` whose text mentions a name the scope may bind to an array, or calls
        what may be a NumPy constructor, and whose header has a shape `_iteration`
        accepts over one of them (see `_may_iterate_array`)."""
        if not super().may_fire(region) or not region.loops.has(r"\bfor\b"):
            return False
        numpy = _file_names(region)
        candidates = _scope_candidates(region)
        if numpy is None or candidates is None:
            return True
        words = region.loops.derived(_words_of)
        if not (words & candidates or words & numpy.makers or (words & _MAKER_WORDS and words & numpy.modules)):
            return False
        return _may_iterate_array(region, numpy, candidates)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or node.orelse is not None:
            return
        checker = _iteration(self.ctx, node.target, node.iter)
        if checker is not None and isinstance(node.body, cst.IndentedBlock) and checker.body(node.body.body):
            self.report(node, fixed_size=fixed_iterations(self.ctx, node))

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node)

    def _comprehension(self, node: Comprehension) -> None:
        loop = node.for_in
        if loop.inner_for_in is not None or loop.asynchronous is not None:
            return
        checker = _iteration(self.ctx, loop.target, loop.iter)
        if checker is None:
            return
        elt_is_element = isinstance(node.elt, cst.Name) and node.elt.value in checker.values
        if elt_is_element and not loop.ifs:
            return  # a plain copy (`list(arr)`), not arithmetic
        if all(checker.expr(test.test) for test in loop.ifs) and checker.expr(node.elt) and checker.touched:
            self.report(node, fixed_size=fixed_iterations(self.ctx, node))


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


_ACCUMULATOR_ATTRIBUTE = rf"(\w+){GAP}\.{GAP}(?:{'|'.join(sorted(_ACCUMULATORS))})\b"


def _growth_target(node: cst.Assign) -> Optional[Tuple[str, cst.Call]]:
    """(`x`, call) for `x = call(...)` where the call grows `x` by its shape."""
    if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
        return None
    name = node.targets[0].target.value
    if isinstance(node.value, cst.Call) and _is_growth(node.value, name):
        return name, node.value
    return None


@register
class ArrayAppendInLoop(Rule):
    """NumPy arrays have a fixed size: `np.append`, `np.concatenate`, `np.vstack` and
    `np.hstack` allocate a new array and copy everything collected so far, so growing an
    array in a loop is quadratic: about 40 times slower than a list and one `np.array`
    at 10,000 items (measured), and the gap grows with the count. Collect the pieces in
    a list and combine them once after the loop (`np.array(items)`,
    `np.concatenate(chunks)`), or preallocate and fill.
    """

    code = "PFL602"
    impact = Impact.ALGORITHMIC
    hints = (LOOP,)
    file_hints = (r"\bnumpy\b",)
    name = "array-append-in-loop"
    message = "growing a NumPy array in a loop copies it every time: collect a list, combine once"
    bad = (
        Example(
            "import numpy as np\n\ndef f(xs):\n    out = np.empty(0)\n    for x in xs:\n"
            "        out = np.append(out, x * 2)\n    return out\n"
        ),
        Example(
            "import numpy\n\ndef f(blocks):\n    acc = numpy.zeros((0, 3))\n    for b in blocks:\n"
            "        acc = numpy.vstack([acc, b])\n    return acc\n"
        ),
        Example(
            "from numpy import concatenate\n\ndef f(acc, chunks):\n    while chunks:\n"
            "        acc = concatenate((acc, chunks.pop()))\n    return acc\n"
        ),
    )
    good = (
        "import numpy as np\n\ndef f(xs):\n    return np.array([x * 2 for x in xs])\n",
        # Once, not in a loop; at module level; a list's append.
        "import numpy as np\n\ndef f(a, b):\n    return np.append(a, b)\n",
        "import numpy as np\nout = np.empty(0)\nfor x in range(3):\n    out = np.append(out, x)\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out = out + [x]\n    return out\n",
        # Set afresh in each iteration: nothing accumulates.
        "import numpy as np\n\ndef f(rows):\n    for r in rows:\n        v = np.zeros(2)\n"
        "        v = np.append(v, r)\n        print(v)\n",
        # A different target, and np only by coincidence.
        "import numpy as np\n\ndef f(a, xs):\n    for x in xs:\n        b = np.append(a, x)\n"
        "        print(b)\n",
        "def f(np, a, xs):\n    for x in xs:\n        a = np.append(a, x)\n    return a\n",
    )
    bench = Bench(
        setup="import numpy as np",
        before="def run():\n    out = np.empty(0)\n    for i in range(N):\n        out = np.append(out, i)\n"
        "    return out.tolist()",
        after="def run():\n    items = []\n    for i in range(N):\n        items.append(i)\n"
        "    return np.array(items, dtype=float).tolist()",
        requires=("numpy",),
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """In a def, a loop that calls `numpy.<accumulator>`: through a name imported
        from numpy or set to an attribute of it, or as an attribute of the module."""
        if not super().may_fire(region) or not in_a_function(region) or not region.loops.has(LOOP):
            return False
        numpy = _file_names(region)
        if numpy is None:
            return True
        loops = region.loops
        words = loops.derived(_words_of)
        if words & numpy.accumulators:
            return True
        return bool(words & _ACCUMULATORS) and bool(loops.captures(_ACCUMULATOR_ATTRIBUTE) & numpy.modules)

    def visit_Assign(self, node: cst.Assign) -> None:
        found = _growth_target(node)
        if found is None or _is_self_append_call(found[1], found[0]):
            return
        name, call = found
        qualified = self.ctx.callee_name(call.func) or ""  # type: ignore[arg-type]
        if not qualified.startswith("numpy.") or qualified[len("numpy."):] not in _ACCUMULATORS:
            return
        if self.ctx.in_function_loop() and not _reset_in_loop(self.ctx, name, node):
            self.report(node, fixed_size=_fixed_growth(self.ctx, name))


@register
class DataframeIterrows(Rule):
    """`df.iterrows()` builds a pandas Series (with its index and dtype checks) for every
    row, and `df.apply(f, axis=1)` does the same to call `f`: both run at Python speed
    and usually cost microseconds per row. Use column arithmetic (`df["a"] * df["b"]`,
    `np.where`, `.map`), or `df.itertuples()` when a loop is really needed (it keeps
    the row values' types too). `perflint bench PFL603` times the pair where pandas is
    installed.
    """

    code = "PFL603"
    impact = Impact.CONSTANT
    hints = (r"\b(?:iterrows|apply)\b",)
    file_hints = (r"\bpandas\b",)
    name = "dataframe-iterrows"
    message = "row-by-row DataFrame loop: vectorize over columns, or use itertuples()"
    bad = (
        Example(
            "import pandas as pd\n\ndef f(path):\n    df = pd.read_csv(path)\n    total = 0\n"
            "    for _, row in df.iterrows():\n        total += row['a'] * row['b']\n    return total\n"
        ),
        Example(
            "import pandas\n\ndef f(df: pandas.DataFrame):\n"
            "    return df.apply(lambda r: r.a + r.b, axis=1)\n"
        ),
        Example(
            "import pandas as pd\n\ndef f(data):\n    return [r for _, r in pd.DataFrame(data).iterrows()]\n"
        ),
    )
    good = (
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return (df['a'] * df['b']).sum()\n",
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return [r.a for r in df.itertuples()]\n",
        # Column-wise apply; a frame not visible as one; one row only; a chunked reader.
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return df.apply(sum, axis=0)\n",
        "def f(df):\n    for _, row in df.iterrows():\n        print(row)\n",
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return next(df.iterrows())\n",
        "import pandas as pd\n\ndef f(p):\n    for chunk in pd.read_csv(p, chunksize=100):\n"
        "        chunk.apply(sum, axis=1)\n",
    )
    bench = Bench(
        setup="import pandas as pd\ndf = pd.DataFrame({'a': range(N), 'b': range(N)})",
        before="def run():\n    return int(sum(row['a'] * row['b'] for _, row in df.iterrows()))",
        after="def run():\n    return int((df['a'] * df['b']).sum())",
        size=2_000,
        requires=("pandas",),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("iterrows", "apply"):
            return
        if func.attr.value == "iterrows":
            parent = self.ctx.parent()
            if node.args or not isinstance(parent, (cst.For, cst.CompFor)) or parent.iter is not node:
                return
        elif not any(a.keyword and a.keyword.value == "axis" and _is_rows(a.value) for a in node.args):
            return  # apply() on columns
        if expr_kind(self.ctx, func.value) == FRAME:
            self.report(node)


def _is_rows(value: cst.BaseExpression) -> bool:
    """`1` or `"columns"`: apply the function to each row."""
    if isinstance(value, cst.Integer):
        return value.value == "1"
    return isinstance(value, cst.SimpleString) and value.evaluated_value == "columns"


@register
class DataframeConcatInLoop(Rule):
    """`df = pd.concat([df, new])` (or `df = df.append(new)`, removed in pandas 2.0) in a
    loop copies the whole frame collected so far at every step: quadratic time. Collect
    the pieces in a list and call `pd.concat(pieces)` once after the loop. `perflint
    bench PFL604` times the pair where pandas is installed.
    """

    code = "PFL604"
    impact = Impact.ALGORITHMIC
    hints = (LOOP, r"\b(?:concat|append)\b")
    file_hints = (r"\bpandas\b",)
    name = "dataframe-concat-in-loop"
    message = "concatenating onto a DataFrame in a loop copies it every time: concat a list once"
    bad = (
        Example(
            "import pandas as pd\n\ndef f(paths):\n    df = pd.DataFrame()\n    for p in paths:\n"
            "        df = pd.concat([df, pd.read_csv(p)], ignore_index=True)\n    return df\n"
        ),
        Example(
            "import pandas as pd\n\ndef f(rows):\n    df = pd.DataFrame(columns=['a'])\n    for r in rows:\n"
            "        df = df.append({'a': r}, ignore_index=True)\n    return df\n"
        ),
    )
    good = (
        "import pandas as pd\n\ndef f(paths):\n    return pd.concat([pd.read_csv(p) for p in paths])\n",
        # A list's append; once, outside a loop; a fresh frame each iteration.
        "def f(rows):\n    df = []\n    for r in rows:\n        df = df.append(r)\n",
        "import pandas as pd\n\ndef f(a, b):\n    df = pd.DataFrame(a)\n    df = pd.concat([df, b])\n"
        "    return df\n",
        "import pandas as pd\n\ndef f(parts, extra):\n    for p in parts:\n        df = pd.DataFrame(p)\n"
        "        df = pd.concat([df, extra])\n        print(df)\n",
    )
    bench = Bench(
        setup="import pandas as pd",
        before="def run():\n    df = pd.DataFrame({'a': [0]})\n    for i in range(1, N):\n"
        "        df = pd.concat([df, pd.DataFrame({'a': [i]})], ignore_index=True)\n"
        "    return df['a'].tolist()",
        after="def run():\n    parts = [pd.DataFrame({'a': [i]}) for i in range(N)]\n"
        "    return pd.concat(parts, ignore_index=True)['a'].tolist()",
        size=1_000,
        requires=("pandas",),
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        found = _growth_target(node)
        if found is None:
            return
        name, call = found
        if _is_self_append_call(call, name):
            if expr_kind(self.ctx, cst.Name(name)) != FRAME:
                return
        elif self.ctx.callee_name(call.func) != "pandas.concat":  # type: ignore[arg-type]
            return
        if self.ctx.in_function_loop() and not _reset_in_loop(self.ctx, name, node):
            self.report(node, fixed_size=_fixed_growth(self.ctx, name))


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


# -- PFL605 -------------------------------------------------------------------------------


# The argument of a reduction, up to its first call's parenthesis (a lookahead: `sum(max(a))`
# has two).
_REDUCED = rf"\b(?:sum|min|max|any|all){GAP}\((?={GAP}(\w+(?:{GAP}\.{GAP}\w+)*))"


def _one_dimensional(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """Whether `expr` is visibly a 1-D array (then `sum(a)` is `a.sum()`)."""
    call: Optional[cst.BaseExpression] = expr
    if isinstance(expr, cst.Name):
        facts = ctx.facts(ctx.scopes()[0])
        call = facts.sole_value(expr.value)
    if not isinstance(call, cst.Call) or not isinstance(call.func, (cst.Name, cst.Attribute)):
        return False
    name = ctx.callee_name(call.func)
    if name == "numpy.arange":
        return True
    args = [a.value for a in call.args]
    if name in ("numpy.zeros", "numpy.ones", "numpy.empty") and args:
        return isinstance(args[0], cst.Integer) or _builtin_call(ctx, args[0], ("len",)) is not None
    if name == "numpy.array" and len(args) == 1 and isinstance(args[0], cst.List):
        return all(isinstance(e.value, (cst.Integer, cst.Float)) for e in args[0].elements)
    return False


@register
class BuiltinReductionOnArray(Rule):
    """`sum(arr)`, `min(arr)`, `max(arr)`, `any(arr)` and `all(arr)` iterate the array in
    Python, boxing every element; the array's own methods run in C (130-140 times faster
    on 10,000 floats, measured).

    The fix is unsafe because the results can differ: `sum` of a small integer dtype
    overflows where `arr.sum()` widens to the platform integer, float32 sums round
    differently (`arr.sum()` is pairwise), object arrays and 0-d arrays behave
    differently (the builtins raise on 0-d arrays), `min`/`max` skip NaNs depending on
    their position where `arr.min()`/`arr.max()` return NaN if any element is NaN, and
    the results are NumPy scalars (`np.bool_`, not `bool`). For an array not visibly 1-D,
    `sum(arr)` becomes `arr.sum(axis=0)`, which is what the builtin computes row by row.
    """

    code = "PFL605"
    impact = Impact.CONSTANT
    hints = (r"\b(?:sum|min|max|any|all)\b",)
    file_hints = (r"\b(?:numpy|pandas)\b",)
    name = "builtin-reduction-on-array"
    message = "builtin reduction over a NumPy array: use the array's method (`arr.sum()`, `arr.max()`)"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "import numpy as np\n\ndef f(n):\n    a = np.arange(n)\n"
            "    return sum(a), max(a), any(a > 2)\n",
            "import numpy as np\n\ndef f(n):\n    a = np.arange(n)\n"
            "    return a.sum(), a.max(), any(a > 2)\n",
        ),
        Example(
            "import numpy as np\n\ndef f(m: np.ndarray):\n    return sum(m) + min(np.asarray(m))\n",
            "import numpy as np\n\ndef f(m: np.ndarray):\n    return m.sum(axis=0) + np.asarray(m).min()\n",
        ),
    )
    good = (
        "def f(a):\n    return sum(a)\n",
        "import numpy as np\n\ndef f(a):\n"
        "    return sum(a, 10), max(a, key=abs), min(np.ones(3), default=0)\n",
        "import numpy as np\n\ndef f(n):\n    a = np.arange(n)\n    a = list(a)\n    return sum(a)\n",
        "import numpy as np\n\ndef sum(x):\n    return 0\n\ndef f(n):\n    return sum(np.arange(n))\n",
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return sum(df)\n",
    )
    bench = Bench(
        setup="import numpy as np\na = np.arange(N)",
        before="def run():\n    return int(sum(a))",
        after="def run():\n    return int(a.sum())",
        requires=("numpy",),
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """`sum(` (or min, max, any, all) of a name the scope may bind to an array, or of
        what may be a call of a NumPy constructor."""
        if not super().may_fire(region):
            return False
        numpy = _file_names(region)
        candidates = _scope_candidates(region)
        if numpy is None or candidates is None:
            return True
        for argument in region.captures(_REDUCED):
            words = _WORD.findall(argument)
            if words[0] in candidates or words[0] in numpy.makers:
                return True
            if words[0] in numpy.modules and any(word in _MAKER_WORDS for word in words[1:]):
                return True
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if len(node.args) != 1 or _builtin_call(self.ctx, node, ("sum", "min", "max", "any", "all")) is None:
            return
        array = node.args[0].value
        if not isinstance(array, (cst.Name, cst.Call)) or expr_kind(self.ctx, array) != ARRAY:
            return
        method = node.func.value  # type: ignore[attr-defined]
        axis = "axis=0" if method == "sum" and not _one_dimensional(self.ctx, array) else ""
        suffix = rewrite.expression(self.ctx, f"_.{method}({axis})")

        def replace(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.Call) and isinstance(suffix, cst.Call)
            func = suffix.func
            assert isinstance(func, cst.Attribute)
            return suffix.with_changes(
                func=func.with_changes(value=updated.args[0].value),
                lpar=updated.lpar,
                rpar=updated.rpar,
            )

        self.report(node, fix=self.make_fix(Edit(node, replace=replace)))

"""The values that flow from the engine to the faces: findings, fixes, edits.

Rules create `Finding`s (a node plus an optional `Fix`); the engine turns them into
`Diagnostic`s once it knows where the node sits in the file. Nothing here knows about
any particular rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional, Tuple, Union

if TYPE_CHECKING:  # the faces import this module; libcst is imported only to analyze
    import libcst as cst


# The line length fixed code keeps to when the project sets none (black's and Ruff's).
DEFAULT_LINE_LENGTH = 88


class Impact(enum.Enum):
    """How a rule's cost grows with the data (RULES.md, "Impact").

    An algorithmic slow form grows faster with the input than the fast one (a quadratic
    copy, an O(n) search per step): worth a report wherever the data can grow. A constant
    one costs a fixed factor per operation: worth it only where the code is hot.
    """

    ALGORITHMIC = "algorithmic"
    CONSTANT = "constant"


class Bound(enum.Enum):
    """Why the code a finding sits in cannot cost much, whatever the data: such findings
    are held back from the default report (see `policy`)."""

    RUNS_ONCE = "runs-once"  # module level, a class body, `if __name__ == "__main__":`
    ERROR_PATH = "error-path"  # `raise`, `assert`, an `except` block, a block ending in raise
    MESSAGE = "message"  # building a message: logging, warnings, print, __repr__/__str__
    FIXED_SIZE = "fixed-size"  # the data is a literal, or built fresh with a few items


class Applicability(enum.Enum):
    """How much a fix may be trusted, in Ruff's terms."""

    SAFE = "safe"  # cannot change behaviour: applied by --fix
    UNSAFE = "unsafe"  # may change behaviour in a named edge case: needs --unsafe-fixes
    NONE = "none"  # report only


Replacement = Union["cst.CSTNode", "cst.FlattenSentinel", "cst.RemovalSentinel"]


@dataclass(frozen=True)
class Edit:
    """One change to the tree, anchored on a node of the tree the rule saw.

    `replace` receives the node as it stands after edits inside it were applied (so
    nested edits of other fixes compose) and returns what takes its place. `before` and
    `after` insert whole statements next to a statement, which must sit in a block.
    """

    node: cst.CSTNode
    replace: Optional[Callable[[cst.CSTNode], Replacement]] = None
    before: Tuple[cst.BaseStatement, ...] = ()
    after: Tuple[cst.BaseStatement, ...] = ()

    @property
    def replaces_subtree(self) -> bool:
        return self.replace is not None


@dataclass(frozen=True)
class Fix:
    """A set of edits that must be applied together, plus the imports they need."""

    applicability: Applicability
    edits: Tuple[Edit, ...]
    description: str = ""
    imports: Tuple[str, ...] = ()  # module names that need a plain `import NAME`


@dataclass
class Finding:
    """What a rule reports: the node, the message and maybe a fix."""

    code: str
    name: str
    message: str
    node: cst.CSTNode
    fix: Optional[Fix] = None
    top: Optional[cst.CSTNode] = None  # the top-level statement holding `node`, if known
    member: Optional[cst.CSTNode] = None  # and the statement of its class body, if any
    bounded: Optional[Bound] = None  # why the cost cannot grow, if the code shows it


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from (line, column) to (end_line, end_column) by `content`: a fix
    as plain text (`edits`), for the json and full outputs and the results cache.

    Lines are 1-based and columns 0-based, as in `Diagnostic` (in a notebook, the
    lines of the `cell`).
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    cell: Optional[int] = None


@dataclass(frozen=True)
class Diagnostic:
    """A finding placed in a file. Lines are 1-based, columns 0-based (as `ast`). In a
    notebook, `cell` is the cell's number (from 1) and lines are the cell's."""

    code: str
    name: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Optional[Fix] = field(default=None, compare=False, repr=False)
    bounded: Optional[Bound] = None
    cell: Optional[int] = None

    @property
    def fix_applicability(self) -> Optional[Applicability]:
        if self.fix is None or self.fix.applicability is Applicability.NONE:
            return None
        return self.fix.applicability


@dataclass(frozen=True)
class Example:
    """Code a rule must flag (`fixed` is the expected fix, if the rule fixes it; `bounded`
    why the finding is held back from the default report, if it is)."""

    code: str
    fixed: Optional[str] = None
    bounded: Optional[Bound] = None


@dataclass(frozen=True)
class Bench:
    """A before/after pair of programs that `timeit` can run.

    `setup` runs once and may use `N` (the declared realistic size). `before` and
    `after` each define `def run():` returning a value; both must return equal values.
    `requires` names modules the programs import (NumPy, pandas): where one is missing,
    the pair cannot be timed. `variants` are further cases, for rules whose gain depends
    on the data (presorted input, say) or on where the pattern sits (in a comprehension);
    the docs show every case.
    """

    setup: str
    before: str
    after: str
    size: int = 10_000
    note: str = ""
    requires: Tuple[str, ...] = ()
    variants: Tuple[Case, ...] = ()


@dataclass(frozen=True)
class Case:
    """Another case of a rule's pair: other data (`setup`) or the pattern in another form
    (`before` and `after`); what a case leaves out is the pair's own."""

    label: str
    setup: Optional[str] = None
    before: Optional[str] = None
    after: Optional[str] = None


@dataclass(frozen=True)
class FileError:
    """A file that could not be read, decoded or parsed, or (`unwritten`) whose fixes
    could not be written back; `line` and `column` (1-based) say where, when known."""

    path: str
    reason: str
    unwritten: bool = False
    line: Optional[int] = None
    column: Optional[int] = None


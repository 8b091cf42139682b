"""One file in, one `FileResult` out: the unit of work every face runs.

Kept free of I/O to the terminal so a process pool can run it and the faces only print.
The engine (and libcst with it) is imported only when a file has to be analyzed, so a
run that the cache answers never pays for it.
"""

from __future__ import annotations

import ast
import difflib
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from perflint.catalog import RuleInfo, Target
from perflint.engine import cache, noqa, sourcefile
from perflint.engine.notebook import Notebook, NotebookError, is_notebook
from perflint.engine.policy import Policy
from perflint.engine.triage import triage
from perflint.model import DEFAULT_LINE_LENGTH, Diagnostic, FileError, Fix, TextEdit

if TYPE_CHECKING:
    import libcst as cst

    from perflint.rules.base import Rule


@dataclass(frozen=True)
class Settings:
    rules: Sequence[Union[RuleInfo, "type[Rule]"]]  # catalog entries or rule classes
    target: Target
    fix: bool = False  # apply fixes (write, or only diff when `diff` is set)
    unsafe_fixes: bool = False
    diff: bool = False
    inline_noqa: bool = True  # off under flake8, which handles noqa comments itself
    describe_fixes: bool = False  # compute each reported fix's text edits (json output)
    preview_fixes: int = 0  # or only in files with at most this many fixable findings (full output)
    policy: Policy = Policy()  # which findings are reported (the rest are held back)
    line_length: int = DEFAULT_LINE_LENGTH  # that statements fixes write must fit in


@dataclass
class FileResult:
    path: str
    diagnostics: List[Diagnostic] = field(default_factory=list)  # reported
    held: List[Diagnostic] = field(default_factory=list)  # held back by the policy
    error: Optional[FileError] = None
    applied: int = 0  # fixes applied (or that would be, with --diff)
    diff: str = ""
    fix_edits: Dict[int, List[TextEdit]] = field(default_factory=dict)  # by diagnostic index
    content: str = ""  # digest of the file's content after the run (for the cache)


def run_source(
    text: str, path: str, settings: Settings, book: Optional[Notebook] = None, tree: Optional[ast.Module] = None
) -> "tuple[FileResult, str]":
    """Analyze (and with fix/diff, fix) one file's text; returns the result and new text.

    `# perflint: noqa` lines turn rules off for the file before anything runs. Fixes
    are applied only to findings the policy reports: what is held back is not shown,
    so it is not changed either. With `book`, `text` is that notebook's code (positions
    stay those of `text`, and `run_notebook` makes the diff). `tree` is `text`'s `ast`
    parse, if the caller has one (flake8 does).
    """
    result, new_text = _run_text(text, path, settings, book, tree)
    if new_text != text and settings.diff and book is None:
        result.diff = "".join(difflib.unified_diff(
            text.splitlines(keepends=True), new_text.splitlines(keepends=True), fromfile=path, tofile=path,
        ))
    return result, new_text


def run_notebook(data: bytes, path: str, settings: Settings) -> "tuple[FileResult, bytes]":
    """`run_source` for a notebook file's bytes: the code cells are analyzed as one text
    (see `notebook`), findings are placed in their cells, and the new bytes differ only
    in the sources of the cells fixes changed (with `diff`, shown cell by cell)."""
    try:
        book = Notebook(data)
    except NotebookError as error:
        return FileResult(path, error=FileError(path, str(error))), data
    result, new_text = run_source(book.text, path, settings, book)
    new_data = data
    if new_text != book.text:
        try:
            new_data = book.updated(new_text)
        except NotebookError as error:
            # Nothing can be fixed after all: what remains is every finding of the notebook as it is.
            result, _ = run_source(book.text, path, replace(settings, fix=False, diff=False), book)
            result.error = FileError(path, str(error), unwritten=True)
        else:
            result.diff = book.diff(new_text, path) if settings.diff else ""
    _in_cells(result, book)
    return result, new_data


def _run_text(
    text: str, path: str, settings: Settings, book: Optional[Notebook] = None, tree: Optional[ast.Module] = None
) -> "tuple[FileResult, str]":
    result = FileResult(path)
    active = noqa.active_rules(text, settings.rules)
    cells = book is not None
    reduced = None if cells else triage(text, active, tree)
    if reduced is not None and reduced.text is None:
        return result, text  # no rule can fire: neither libcst nor any rule is imported
    from perflint.engine import core
    from perflint.rules.base import rule_classes

    rules = rule_classes(active)
    new_text = text
    try:
        with _collector_paused():
            if settings.fix or settings.diff:
                outcome = core.fix_source(
                    text, path, rules, settings.target, settings.unsafe_fixes, settings.inline_noqa,
                    lambda finding: settings.policy.reports(finding.code, finding.bounded),
                    settings.line_length, cells, book.keeps if book is not None else None, reduced,
                )
                result.diagnostics, result.applied = outcome.diagnostics, outcome.applied
                module, new_text = outcome.module, outcome.source
            else:
                module, result.diagnostics = core.check(
                    text, path, rules, settings.target, settings.inline_noqa, cells, reduced
                )
            _apply_policy(result, settings.policy)
            if module is not None and _describes(settings, result.diagnostics):
                result.fix_edits = _edits(module, result.diagnostics, settings.line_length)
    except core.AnalysisError as error:
        result.error = FileError(path, str(error), line=error.line, column=error.column)
    return result, new_text


def _in_cells(result: FileResult, book: Notebook) -> None:
    """Place the result's findings, fix edits and parse error in the notebook's cells.
    An edit is given in the cell it starts in (no edit spans cells)."""
    def placed(diagnostic: Diagnostic) -> Diagnostic:
        cell, line = book.place(diagnostic.line)
        return replace(diagnostic, cell=cell, line=line, end_line=book.place(diagnostic.end_line)[1])

    result.diagnostics = [placed(d) for d in result.diagnostics]
    result.held = [placed(d) for d in result.held]
    result.fix_edits = {index: [book.place_edit(edit) for edit in edits] for index, edits in result.fix_edits.items()}
    error = result.error
    if error is not None and not error.unwritten:
        line = book.place(error.line)[1] if error.line is not None else None
        result.error = replace(error, reason=book.place_reason(error.reason), line=line)


def _describes(settings: Settings, diagnostics: Sequence[Diagnostic]) -> bool:
    """Whether the reported fixes' text edits are wanted. Each costs a transformation of
    the whole file, so a preview (full output) is given up in a file with many."""
    if settings.describe_fixes:
        return True
    return 0 < sum(d.fix_applicability is not None for d in diagnostics) <= settings.preview_fixes


def _apply_policy(result: FileResult, policy: Policy) -> None:
    """Sort the result's findings into reported and held back; fix edits, indexed by
    reported finding, follow their findings."""
    everything = result.diagnostics + result.held
    edits = {id(result.diagnostics[i]): e for i, e in result.fix_edits.items()}
    result.diagnostics, result.held = policy.split(everything)
    result.fix_edits = {i: edits[id(d)] for i, d in enumerate(result.diagnostics) if id(d) in edits}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one file is analyzed.

    Parsing allocates hundreds of thousands of nodes, and each allocation burst runs the
    collector over them, which cost a quarter of the CPU time on the standard library
    (measured); syntax trees hold no reference cycles, so it would find next to nothing.
    Reference counting still frees everything, and collection resumes between files.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _edits(module: cst.Module, diagnostics: Sequence[Diagnostic], line_length: int) -> Dict[int, List[TextEdit]]:
    """Each fixable diagnostic's edits; a fix that raises (a buggy rule) gets none."""
    from perflint.engine.edits import text_edits

    found = {}
    for index, diagnostic in enumerate(diagnostics):
        if diagnostic.fix is not None and diagnostic.fix_applicability is not None:
            try:
                found[index] = text_edits(module, diagnostic.fix, line_length)
            except Exception:  # noqa: BLE001, S110 (the finding is still reported)
                pass
    return found


def run_file(path: Path, settings: Settings) -> FileResult:
    """Analyze one file; with `fix` (and not `diff`) write the fixed text back.

    The result carries no libcst nodes (its fixes keep only their applicability), so it
    can cross a process boundary and be cached.
    """
    shown = str(path)
    if is_notebook(shown):
        return _run_notebook_file(path, settings)
    try:
        source = sourcefile.read(path)
    except sourcefile.SourceError as error:
        return FileResult(shown, error=FileError(shown, str(error)))
    result, fixed = run_source(source.text, shown, settings)
    content = source.data
    if settings.fix and not settings.diff and fixed != source.text:
        try:
            content = sourcefile.write(source, fixed)
        except sourcefile.WriteError as error:
            # Nothing was fixed after all: what remains is every finding of the file as it is.
            result, _ = run_source(source.text, shown, replace(settings, fix=False))
            result.error = FileError(shown, str(error), unwritten=True)
    return _portable_result(result, content)


def add_noqa(path: Path, settings: Settings) -> int:
    """Silence every current finding of one file with a `# noqa: CODE` comment on its
    line (in a notebook, on its cell's line); returns how many lines changed. Raises
    SourceError (unreadable or unparsable), NotebookError or WriteError."""
    if is_notebook(str(path)):
        data = sourcefile.read_bytes(path)
        book = Notebook(data)
        text, changed = _with_noqa(book.text, str(path), settings, book)
        if changed:
            sourcefile.write_bytes(path, book.updated(text))
        return changed
    source = sourcefile.read(path)
    text, changed = _with_noqa(source.text, str(path), settings)
    if changed:
        sourcefile.write(source, text)
    return changed


def _with_noqa(text: str, path: str, settings: Settings, book: Optional[Notebook] = None) -> "tuple[str, int]":
    result, _ = run_source(text, path, settings, book)
    if result.error is not None:
        reason = result.error.reason
        raise sourcefile.SourceError(book.place_reason(reason) if book is not None else reason)
    return noqa.add_noqa(text, result.diagnostics)


def _run_notebook_file(path: Path, settings: Settings) -> FileResult:
    shown = str(path)
    try:
        data = sourcefile.read_bytes(path)
    except sourcefile.SourceError as error:
        return FileResult(shown, error=FileError(shown, str(error)))
    result, fixed = run_notebook(data, shown, settings)
    content = data
    if settings.fix and not settings.diff and fixed != data:
        try:
            sourcefile.write_bytes(path, fixed)
            content = fixed
        except sourcefile.WriteError as error:
            result, _ = run_notebook(data, shown, replace(settings, fix=False))
            result.error = FileError(shown, str(error), unwritten=True)
    return _portable_result(result, content)


def _portable_result(result: FileResult, content: bytes) -> FileResult:
    result.diagnostics = [_portable(d) for d in result.diagnostics]
    result.held = [_portable(d) for d in result.held]
    result.content = cache.digest(content)
    return result


def _portable(diagnostic: Diagnostic) -> Diagnostic:
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return diagnostic
    return replace(diagnostic, fix=Fix(fix.applicability, (), fix.description))


Work = Tuple[Path, Settings]


def run_files(
    work: Sequence[Work],
    jobs: int = 1,
    results_cache: Optional[cache.Cache] = None,
    done: Callable[[int], None] = lambda files: None,
) -> List[FileResult]:
    """Results for every (file, settings) pair, in the order given.

    Unchanged files come from the cache; the rest run in a pool of `jobs` processes
    (threads would contend for the parser), in chunks so small files do not drown in
    scheduling overhead. `done(n)` is told, in this process, as each n files finish.
    """
    results: List[Optional[FileResult]] = [None] * len(work)
    todo: List[int] = []
    for index, (path, settings) in enumerate(work):
        hit = _cached(results_cache, path, settings)
        if hit is not None:
            results[index] = hit
        else:
            todo.append(index)
    done(len(work) - len(todo))
    computed = _map([work[i] for i in todo], jobs, done)
    for index, result in zip(todo, computed):
        results[index] = result
        path, settings = work[index]
        if results_cache is not None and result.content and not (settings.fix or settings.diff):
            everything = result.diagnostics + result.held  # the reported first: fix_edits' indexes hold
            results_cache.put(str(path), result.content, _codes(settings), everything, result.error, result.fix_edits)
    if results_cache is not None:
        results_cache.save()
    return [r for r in results if r is not None]


def _codes(settings: Settings) -> List[str]:
    """What a cached result must have been computed with: the target, the line length
    (which fix edits keep to) and the rules; files of one run can have different
    configurations, so this is kept per file."""
    return ["py%d%d" % settings.target, str(settings.line_length), *(rule.code for rule in settings.rules)]


def _cached(results_cache: Optional[cache.Cache], path: Path, settings: Settings) -> Optional[FileResult]:
    """A cached result still valid for this run: same content, same rules, and nothing a
    fix or a fix description would need the tree for."""
    if results_cache is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    hit = results_cache.get(str(path), cache.digest(data), _codes(settings))
    if hit is None:
        return None
    diagnostics, error, edits = hit
    if (settings.fix or settings.diff) and any(d.fix_applicability is not None for d in diagnostics):
        return None
    result = FileResult(str(path), diagnostics, error=error, fix_edits=edits)
    _apply_policy(result, settings.policy)
    described = all(d.fix_applicability is None or i in result.fix_edits for i, d in enumerate(result.diagnostics))
    if not described and _describes(settings, result.diagnostics):
        return None  # cached without the edits this run shows
    return result


def _run_chunk(chunk: Sequence[Work]) -> List[FileResult]:
    return [run_file(*item) for item in chunk]


def _map(work: Sequence[Work], jobs: int, done: Callable[[int], None]) -> List[FileResult]:
    """Results in the order of `work`, each chunk's told to `done` as it comes back.
    Largest files go first and chunks are small, so no worker is left with a big file
    while the others idle at the end."""
    if jobs <= 1 or len(work) < 2:
        found = []
        for item in work:
            found.append(run_file(*item))
            done(1)
        return found
    from concurrent.futures import ProcessPoolExecutor, as_completed

    order = sorted(range(len(work)), key=lambda i: -_size(work[i][0]))
    workers = min(jobs, len(work))
    size = max(1, len(work) // (workers * 32))
    chunks = [order[start:start + size] for start in range(0, len(order), size)]
    results: List[Optional[FileResult]] = [None] * len(work)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(_run_chunk, [work[i] for i in chunk]): chunk for chunk in chunks}
        for future in as_completed(pending):
            chunk = pending[future]
            for index, result in zip(chunk, future.result()):
                results[index] = result
            done(len(chunk))
    return [r for r in results if r is not None]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

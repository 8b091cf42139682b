"""Results of files that did not change since the last run, so a second run is cheap.

An entry is found by the file's path and is used only if the content hash and the rule
set and target version it was computed with are the same (files of one run can have
different configurations); everything else that can change a result (the perflint
version and its own source files, the noqa mode) goes into the fingerprint that names
the cache file. A cache file that cannot be read is ignored,
never trusted. The folder holds a `.gitignore` so it is never committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import astuple
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from perflint.model import Applicability, Bound, Diagnostic, FileError, Fix, TextEdit

DEFAULT_DIR = Path(".perflint_cache")
_KEEP = 8  # cache files (one per configuration) kept in the folder
_PACKAGE = Path(__file__).resolve().parents[1]  # perflint/, this file is in perflint/engine/


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _code_fingerprint() -> List[Tuple[str, int, int]]:
    """perflint's own source files, so an edited rule invalidates old results, and the
    stored speedups, which decide some findings (a fix that does not pay on the target)."""
    found = []
    for path in sorted([*_PACKAGE.rglob("*.py"), _PACKAGE / "measure" / "measured.json"]):
        stat = path.stat()
        found.append((str(path.relative_to(_PACKAGE)), stat.st_size, stat.st_mtime_ns))
    return found


def fingerprint(*parts: object) -> str:
    from perflint import __version__

    text = json.dumps([__version__, _code_fingerprint(), *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


Entry = Tuple[str, List[str], List[list], Optional[list], Dict[str, list]]  # digest, key, diagnostics, error, edits
Hit = Tuple[List[Diagnostic], Optional[FileError], Dict[int, List[TextEdit]]]


class Cache:
    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.file = directory / f"results-{key}.json"
        self.entries: Dict[str, Entry] = {}
        self.dirty = False
        try:
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, ValueError):
            pass

    def get(self, path: str, content: str, codes: Sequence[str]) -> Optional[Hit]:
        """The diagnostics, error and fix edits (by diagnostic index) stored for `path`."""
        entry = self.entries.get(path)
        if not isinstance(entry, list) or len(entry) != 5 or entry[0] != content or entry[1] != list(codes):
            return None
        try:
            diagnostics = [_diagnostic(path, row) for row in entry[2]]
            error = _error(path, entry[3]) if entry[3] is not None else None
            edits = {int(index): [TextEdit(*edit) for edit in found] for index, found in entry[4].items()}
        except (TypeError, ValueError, AttributeError):
            return None
        return diagnostics, error, edits

    def put(
        self,
        path: str,
        content: str,
        codes: Sequence[str],
        diagnostics: Sequence[Diagnostic],
        error: Optional[FileError],
        edits: Mapping[int, Sequence[TextEdit]],
    ) -> None:
        rows = [_row(d) for d in diagnostics]
        failure = [error.reason, error.line, error.column] if error else None
        described = {str(index): [astuple(edit) for edit in found] for index, found in edits.items()}
        self.entries[path] = [content, list(codes), rows, failure, described]  # type: ignore[assignment]
        self.dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is skipped silently."""
        if not self.dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by perflint\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".results-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.entries, handle, separators=(",", ":"))
            os.replace(tmp, self.file)
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        old = sorted(self.directory.glob("results-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP:]:
            stale.unlink()


def _row(d: Diagnostic) -> list:
    applicability = d.fix.applicability.value if d.fix is not None else None
    description = d.fix.description if d.fix is not None else ""
    bounded = d.bounded.value if d.bounded is not None else None
    return [
        d.code, d.name, d.message, d.line, d.column, d.end_line, d.end_column, applicability, description, bounded,
        d.cell,
    ]


def _diagnostic(path: str, row: list) -> Diagnostic:
    code, name, message, line, column, end_line, end_column, applicability, description, bounded, cell = row
    fix = Fix(Applicability(applicability), (), description) if applicability is not None else None
    return Diagnostic(
        code, name, message, path, line, column, end_line, end_column, fix, Bound(bounded) if bounded else None, cell
    )


def _error(path: str, row: list) -> FileError:
    reason, line, column = row
    return FileError(path, reason, line=line, column=column)

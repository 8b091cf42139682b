"""Jupyter notebooks: their code cells as one Python text, and fixed text back in place.

The code cells are analyzed together, in order, as the kernel runs them: an import in
the first cell is seen by the loop in the fifth. Lines of IPython syntax (`magics`) are
masked by a placeholder statement at their own indentation, as IPython itself turns
them into a call, so every other line keeps its text and its columns. Cells are kept
apart by a placeholder statement too, so no statement (and no finding) spans two cells,
and a fix that would lose or move a placeholder is not applied (`Notebook.keeps`).

Positions are reported per cell, as Ruff reports them: cells are numbered from 1 in the
order they appear, markdown and raw cells included (the number Jupyter shows), lines
from 1 within the cell.

Writing back changes only the `source` of the code cells that changed. The file is
read with the standard `json` module and written with the layout it was found in
(indent, key order, escaping of non-ASCII text, line endings, final newline), after
checking that this layout reproduces the file byte for byte; a file written some other
way is not rewritten, rather than reformatted.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Set, Tuple, Union

from perflint.engine import magics
from perflint.engine.noqa import lines as python_lines

if TYPE_CHECKING:  # the edits module imports libcst, which a run the cache answers never needs
    from perflint.engine.edits import TextEdit

SUFFIX = ".ipynb"
_FORMAT = 4  # nbformat 4, what Jupyter has written since 2015 (Ruff reads only it too)
_BOM = "\ufeff"


class NotebookError(Exception):
    """The file is not a notebook perflint can read or write; the message says why."""


def is_notebook(path: str) -> bool:
    return path.endswith(SUFFIX)


@dataclass(frozen=True)
class _Layout:
    """How the file's JSON is written, as `json.dumps` arguments and what surrounds them."""

    indent: Union[int, str, None]
    separators: Tuple[str, str]
    ensure_ascii: bool
    newline: str
    final_newline: bool
    bom: bool

    def dump(self, value: Any) -> bytes:
        text = json.dumps(value, indent=self.indent, separators=self.separators, ensure_ascii=self.ensure_ascii)
        if self.newline != "\n":
            text = text.replace("\n", self.newline)  # JSON strings hold no raw newline
        return ((_BOM if self.bom else "") + text + (self.newline if self.final_newline else "")).encode("utf-8")


def _layouts(text: str) -> Iterator[_Layout]:
    """The layouts that may have written `text` (a notebook file, BOM removed)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    final = text.endswith(newline)
    found = re.search(r"\n([ \t]+)\S", text)
    indent: Union[int, str, None] = None
    if found is not None:
        spaces = found.group(1)
        indent = len(spaces) if spaces.strip(" ") == "" else spaces
    separators = [(",", ": "), (", ", ": ")] if indent is not None else [(", ", ": "), (",", ":")]
    for ensure_ascii in (False, True):
        for pair in separators:
            yield _Layout(indent, pair, ensure_ascii, newline, final, False)


@dataclass
class _Cell:
    """A code cell perflint analyzes: its number (from 1, among all cells), its physical
    lines, which of them are IPython syntax, and how it ends."""

    number: int
    lines: List[str]
    ipython: magics.Cell
    ends_with_newline: bool

    @property
    def masked(self) -> Set[int]:
        return self.ipython.masked

    @property
    def source(self) -> str:
        return "".join(self.lines)


class Notebook:
    """A notebook file read for analysis. `text` is the Python perflint analyzes; lines
    of `text` map back to cells with `place`, and a fixed `text` goes back into the
    file with `updated`."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        try:
            self._raw = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotebookError(f"cannot decode: {error}") from None
        self.bom = self._raw.startswith(_BOM)
        try:
            self.json = json.loads(self._raw[1:] if self.bom else self._raw)
        except ValueError as error:
            raise NotebookError(f"not a notebook: invalid JSON ({error})") from None
        self.cells = _code_cells(self.json)
        self._tag = "perflint:" + hashlib.blake2b(data, digest_size=6).hexdigest()
        self._placeholder = re.compile(rf"^([ \t]*)(?:\.\.\.  )?# {re.escape(self._tag)}:(\d+)[ \t]*\r?\n?$")
        self.text, self._positions, self._originals = self._build()

    # -- the Python text ---------------------------------------------------------------
    def _build(self) -> Tuple[str, List[Tuple[int, int]], List[Optional[Tuple[str, str]]]]:
        """The text, the (cell, line in cell) of each of its lines, and what each
        placeholder stands for: a masked line and the placeholder's indentation (None
        between two cells)."""
        out: List[str] = []
        positions: List[Tuple[int, int]] = []
        originals: List[Optional[Tuple[str, str]]] = []
        for order, cell in enumerate(self.cells):
            if order:
                out.append(f"...  # {self._tag}:{len(originals)}\n")
                originals.append(None)
                previous = self.cells[order - 1]
                positions.append((previous.number, len(previous.lines) + 1))
            indent = ""
            for index, line in enumerate(cell.lines):
                body = line.rstrip("\r\n")
                ending = line[len(body):] or "\n"
                if index in cell.masked:
                    continuing = index in cell.ipython.continuing  # keeps the magic's indentation
                    if not continuing:
                        indent = body[: len(body) - len(body.lstrip(" \t"))]
                    statement = "" if continuing else "...  "
                    out.append(f"{indent}{statement}# {self._tag}:{len(originals)}{ending}")
                    originals.append((body, indent))
                else:
                    out.append(body + ending)
                positions.append((cell.number, index + 1))
        return "".join(out), positions, originals

    def place(self, line: int) -> Tuple[int, int]:
        """(cell number, line in the cell) of a line of `text` (both from 1); a line
        between two cells is the line past the end of the cell before."""
        if not self._positions:
            return 1, line
        return self._positions[min(line, len(self._positions)) - 1]

    def place_edit(self, edit: TextEdit) -> TextEdit:
        """A text edit of `text` as an edit of the cell it starts in. One that ends where
        the next cell starts ends at the end of its own cell (past the cell's last line
        ending, or on its last line when the cell's source has none)."""
        cell, line = self.place(edit.line)
        end_cell, end_line = self.place(edit.end_line)
        end_column = edit.end_column
        code = self._cell(cell)
        if code is not None and (end_cell != cell or end_line > len(code.lines)):
            end_line, end_column = len(code.lines) + 1, 0
            if not code.ends_with_newline and code.lines:
                end_line, end_column = len(code.lines), len(code.lines[-1])
        return replace(edit, line=line, end_line=end_line, end_column=end_column, cell=cell)

    def _cell(self, number: int) -> Optional[_Cell]:
        return next((cell for cell in self.cells if cell.number == number), None)

    def place_reason(self, reason: str) -> str:
        """A parse error's reason with its `line N` as the cell's line."""
        def cell_line(found: re.Match) -> str:
            cell, line = self.place(int(found.group(1)))
            return f"cell {cell}, line {line}"

        return re.sub(r"\bline (\d+)", cell_line, reason, count=1)

    # -- fixed text back into the notebook -------------------------------------------
    def keeps(self, text: str) -> bool:
        """Whether a fixed `text` still has every placeholder, once, in order: then each
        line can go back to its cell and each masked line to its place."""
        found = [int(match.group(2)) for match in map(self._placeholder.match, python_lines(text)) if match]
        return found == list(range(len(self._originals)))

    def sources(self, text: str) -> List[str]:
        """The source of each analyzed cell in a fixed `text` (which `keeps`)."""
        cells: List[List[str]] = [[]]
        for line in python_lines(text):
            match = self._placeholder.match(line)
            if match is None:
                cells[-1].append(line)
                continue
            masked = self._originals[int(match.group(2))]
            if masked is None:
                cells.append([])
                continue
            original, indent = masked
            if match.group(1) != indent:  # a fix moved it into another block
                original = match.group(1) + original.lstrip(" \t")
            cells[-1].append(original + line[len(line.rstrip("\r\n")):])
        sources = []
        for cell, found in zip(self.cells, cells):
            source = "".join(found)
            if not cell.ends_with_newline and source.endswith("\n"):
                source = source[:-1]
            sources.append(source)
        return sources

    def updated(self, text: str) -> bytes:
        """The file's bytes with the cells of a fixed `text`: only changed sources
        differ. Raises NotebookError when the file's layout cannot be reproduced."""
        if not self.keeps(text):
            raise NotebookError("cannot write: a fix moved code between cells")  # fix_source checks `keeps`
        changed = {
            cell.number: source for cell, source in zip(self.cells, self.sources(text)) if source != cell.source
        }
        if not changed:
            return self.data
        layout = self._layout()
        cells = [
            _with_source(cell, changed[number]) if number in changed else cell
            for number, cell in enumerate(self.json["cells"], 1)
        ]
        return layout.dump({**self.json, "cells": cells})

    def _layout(self) -> _Layout:
        text = self._raw[1:] if self.bom else self._raw
        for layout in _layouts(text):
            if layout.dump(self.json) == text.encode("utf-8"):
                return _Layout(**{**layout.__dict__, "bom": self.bom})
        raise NotebookError("cannot write: its JSON is laid out in a way perflint cannot reproduce byte for byte")

    def diff(self, text: str, path: str) -> str:
        """A unified diff of each cell a fixed `text` changes, headed `path:cell N`."""
        parts = []
        for cell, source in zip(self.cells, self.sources(text)):
            if source != cell.source:
                name = f"{path}:cell {cell.number}"
                parts.append("".join(difflib.unified_diff(
                    _ended(cell.source), _ended(source), fromfile=name, tofile=name,
                )))
        return "".join(parts)


def _ended(source: str) -> List[str]:
    """Lines for a diff, the last one ended too (a cell's last line usually is not)."""
    found = python_lines(source)
    if found and not found[-1].endswith(("\n", "\r")):
        found[-1] += "\n"
    return found


def _with_source(cell: Dict[str, Any], source: str) -> Dict[str, Any]:
    """The cell with a new source, in the form it had: one string, or a list of lines
    as Jupyter splits them."""
    value: Union[str, List[str]] = source if isinstance(cell["source"], str) else source.splitlines(keepends=True)
    return {**cell, "source": value}


def _language(notebook: Dict[str, Any]) -> str:
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get(field), str):
            return value[field].lower()
    return "python"


def _cell_language(cell: Dict[str, Any]) -> str:
    """The language VS Code records for a cell (`metadata.vscode.languageId`), else Python."""
    metadata = cell.get("metadata")
    vscode = metadata.get("vscode") if isinstance(metadata, dict) else None
    language = vscode.get("languageId") if isinstance(vscode, dict) else None
    return language if isinstance(language, str) else "python"


def _code_cells(notebook: Any) -> List[_Cell]:
    """The cells perflint analyzes: code cells in Python (the notebook's language, and
    the cell's own where VS Code records one) that no cell magic hands to another
    program. Raises NotebookError for a file that is not an nbformat 4 notebook."""
    version = notebook.get("nbformat") if isinstance(notebook, dict) else None
    if isinstance(version, int) and version != _FORMAT:
        raise NotebookError(f"not supported: nbformat {version} (perflint reads nbformat {_FORMAT} notebooks)")
    if version is None or not isinstance(notebook.get("cells"), list):
        raise NotebookError("not a notebook: no nbformat version and list of cells")
    if _language(notebook) != "python":
        return []
    found = []
    for number, cell in enumerate(notebook["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if _cell_language(cell) != "python":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"not a notebook: cell {number} has a source that is not text")
        lines = python_lines(source)
        scanned = magics.scan(lines)
        if scanned is None:
            continue
        if scanned.incomplete:
            raise NotebookError(f"cannot parse: cell {number} ends inside a string, brackets or a continued line")
        found.append(_Cell(number, lines, scanned, source.endswith(("\n", "\r"))))
    return found

"""Places in a document, in perflint's terms and in the editor's.

perflint places findings and edits as `ast` does: lines from 1, columns in code points.
LSP counts lines from 0 and columns in code units of the encoding the client and the
server agreed on at start-up: UTF-16 unless the client offers another (VS Code counts
UTF-16, Neovim offers UTF-8 first). The two differ on every line with a non-ASCII
character before the place, such as a string with an accent or an emoji.

Lines are split where LSP splits them (`\\n`, `\\r\\n`, `\\r`), which is where libcst
numbers them too; `str.splitlines` also splits at form feeds and other separators, so it
would number some files' lines differently.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple

from lsprotocol import types

from perflint.engine.noqa import lines

Units = Callable[[str], int]
UNITS: Dict[str, Units] = {
    "utf-8": lambda text: len(text.encode("utf-8")),
    "utf-16": lambda text: len(text.encode("utf-16-le")) // 2,
    "utf-32": len,
}
Point = Tuple[int, int]  # perflint's (line from 1, column in code points)


class Document:
    """One text, to convert places in it both ways."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self._lines = [line.rstrip("\r\n") for line in lines(text)]
        self._units = UNITS.get(encoding, UNITS["utf-16"])

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of perflint's (line, column); past the last line, the end."""
        index = line - 1
        if index >= len(self._lines):
            return types.Position(line=len(self._lines), character=0)
        return types.Position(line=index, character=self._units(self._lines[index][:column]))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column), end=self.position(end_line, end_column))

    def point(self, position: types.Position) -> Point:
        """perflint's (line, column) of an LSP position; a column inside a character (half
        of a surrogate pair) counts that character, one past the end of a line its end."""
        if position.line >= len(self._lines):
            return len(self._lines) + 1, 0
        line = self._lines[position.line]
        units = 0
        for column, character in enumerate(line):
            if units >= position.character:
                return position.line + 1, column
            units += self._units(character)
        return position.line + 1, len(line)

"""The language server's parts that need no client: places, and how `perflint server`
starts (or says why it cannot)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from lsprotocol.types import Position

from perflint.faces.cli import main
from perflint.faces.lsp.positions import Document

TEXT = 'x = "é😀"; y = 1\r\nz\x0c = 2\rw = 3\n'


@pytest.mark.parametrize("encoding, column", [("utf-16", 11), ("utf-8", 14), ("utf-32", 10)])
def test_columns_count_the_code_units_of_the_agreed_encoding(encoding: str, column: int) -> None:
    document = Document(TEXT, encoding)
    assert document.position(1, 10) == Position(line=0, character=column)  # `y`, after é and an emoji
    assert document.point(Position(line=0, character=column)) == (1, 10)


def test_lines_split_as_lsp_splits_them() -> None:
    """`\\r\\n` and `\\r` end lines; a form feed does not (str.splitlines would split there)."""
    document = Document(TEXT)
    assert document.position(2, 5) == Position(line=1, character=5)
    assert document.position(3, 0) == Position(line=2, character=0)
    assert document.position(5, 0) == Position(line=3, character=0)  # past the last line: the end


def test_a_column_inside_a_character_counts_that_character() -> None:
    document = Document(TEXT)
    assert document.point(Position(line=0, character=7)) == (1, 7)  # half of the emoji's surrogate pair
    assert document.point(Position(line=0, character=99)) == (1, len('x = "é😀"; y = 1'))
    assert document.point(Position(line=9, character=0)) == (4, 0)


def test_the_command_line_does_not_import_pygls() -> None:
    """The editor face costs the command line nothing: pygls loads only for `perflint server`."""
    probe = "import sys, perflint.faces.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_server_without_pygls_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "perflint.faces.lsp.server", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)  # what importing a missing package does
    assert main(["server"]) == 2
    assert capsys.readouterr().err == (
        "perflint: error: perflint server needs pygls: install perflint with its 'server' extra "
        "(pip install '.[server]' in its repository) or pip install 'pygls>=2,<3'\n"
    )

"""A fix as plain text edits, for tools that apply fixes themselves (the json output).

A fix is a tree transformation; tools outside Python want "replace this range with that
text". Applying the fix alone and diffing the two texts gives exactly that, one edit per
changed region (a fix that adds an import changes two regions). It costs a transformation
per fixable finding, so only the json output asks for it.
"""

from __future__ import annotations

import difflib
from os.path import commonprefix

import libcst as cst

from perflint.engine.fixes import apply_fixes
from perflint.engine.noqa import lines
from perflint.model import DEFAULT_LINE_LENGTH, Fix, TextEdit


def text_edits(module: cst.Module, fix: Fix, line_length: int = DEFAULT_LINE_LENGTH) -> list[TextEdit]:
    """The edits that turn `module`'s text into the text with `fix` alone applied (as
    `--fix` applies it: the same import placement and wrapping)."""
    return between(module.code, apply_fixes(module, [fix], line_length).code)


def between(before: str, after: str) -> list[TextEdit]:
    """The edits that turn `before` into `after`: one per changed run of lines, without
    the text both sides share (so an editor moves no cursor it need not move)."""
    old, new = lines(before), lines(after)
    found = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            found.append(_trimmed(old, i1, "".join(old[i1:i2]), "".join(new[j1:j2])))
    return found


def _trimmed(old: list[str], first: int, before: str, after: str) -> TextEdit:
    """The edit for one changed run of lines, without the text both sides share."""
    head = len(commonprefix([before, after]))
    tail = len(commonprefix([before[head:][::-1], after[head:][::-1]]))
    start = _position(old, first, head)
    end = _position(old, first, len(before) - tail)
    return TextEdit(*start, *end, after[head:len(after) - tail])


def _position(old: list[str], first: int, offset: int) -> tuple[int, int]:
    """(line, column) of the character `offset` characters into line `first` (0-based index)."""
    index = first
    while index < len(old) and offset >= len(old[index]) and offset > 0:
        offset -= len(old[index])
        index += 1
    return index + 1, offset

"""Reading and writing source files without losing anything about them.

The text is decoded as Python itself would (PEP 263 cookie, UTF-8 BOM) and newlines are
left as they are, so writing it back re-encodes with the same codec (the BOM comes back
with `utf-8-sig`), and the file is replaced atomically with its permissions kept.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """The file cannot be read or decoded; the message says why, in one line."""


@dataclass(frozen=True)
class Source:
    path: Path
    text: str
    encoding: str
    data: bytes  # as read, for the cache's content hash


def decode(data: bytes) -> tuple:
    """(text, encoding) of Python source bytes. Raises SourceError."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise SourceError(f"cannot decode: {error}") from None


def read(path: Path) -> Source:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    text, encoding = decode(data)
    return Source(path, text, encoding, data)


def write(source: Source, text: str) -> bytes:
    """Replace the file's text atomically, keeping its encoding and mode; returns the bytes."""
    data = text.encode(source.encoding)
    path = source.path
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".perflint")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        return data
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

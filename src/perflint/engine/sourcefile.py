"""Reading and writing source files without losing anything about them.

The text is decoded as Python itself would (PEP 263 cookie, UTF-8 BOM) and newlines are
left as they are, so writing it back re-encodes with the same codec (the BOM comes back
with `utf-8-sig`). Writing asks what the user's editor would: a file the user may not
write is refused, as ruff and black refuse it. The file is then replaced atomically and
keeps its owner, group and mode; a symbolic link is followed and stays a link.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class SourceError(Exception):
    """The file cannot be read or decoded; the message says why, in one line."""


class WriteError(Exception):
    """The fixed text cannot be written back; the message says why, in one line, and
    names no temporary file (the file in question is the one the caller shows)."""


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


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def read(path: Path) -> Source:
    data = read_bytes(path)
    text, encoding = decode(data)
    return Source(path, text, encoding, data)


def write(source: Source, text: str) -> bytes:
    """Replace the file's text, keeping its encoding, owner, group and mode; returns the
    bytes written. Raises WriteError.

    A link is followed and its target written (the error then names the target). Opening
    the file for writing is the permission check: an atomic replace only needs the folder
    to be writable, and would otherwise overwrite a read-only file. Where a new file could
    not carry the old one's owner and group, or the file has other hard links, it is
    overwritten in place instead, as an editor would.
    """
    try:
        data = text.encode(source.encoding)
    except UnicodeEncodeError as error:
        raise WriteError(f"cannot write{_which(source.path)}: {error}") from None
    write_bytes(source.path, data)
    return data


def write_bytes(path: Path, data: bytes) -> None:
    """Replace the file's content as `write` does (a notebook's JSON, say). Raises
    WriteError."""
    real = Path(os.path.realpath(path))
    try:
        with open(real, "r+b") as current:
            info = os.fstat(current.fileno())
            if info.st_nlink > 1 or not _replace(real, data, info):
                _overwrite(current, data)
    except OSError as error:
        raise WriteError(f"cannot write{_which(path)}: {error.strerror or error}") from None


def _which(path: Path) -> str:
    """The link's target, named when the path is a link (the file in question)."""
    return f" {os.path.realpath(path)}" if path.is_symlink() else ""


def _replace(path: Path, data: bytes, info: os.stat_result) -> bool:
    """Write `data` to a new file in `path`'s folder with `path`'s owner, group and mode,
    and rename it over `path`. False, with nothing changed, when the new file cannot
    take that owner and group."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".perflint")
    except OSError as error:
        raise OSError(error.errno, f"{error.strerror} (creating the replacement in its folder)") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if not _same_owner(handle.fileno(), info):
                os.unlink(tmp)
                return False
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, path)
        return True
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _same_owner(fd: int, info: os.stat_result) -> bool:
    """Give the open file `info`'s owner and group; False where that is not permitted
    (another owner, or a group the user is not in, without privileges)."""
    if not hasattr(os, "fchown"):  # Windows: files have no owner to keep
        return True
    made = os.fstat(fd)
    uid = info.st_uid if made.st_uid != info.st_uid else -1
    gid = info.st_gid if made.st_gid != info.st_gid else -1
    if uid == gid == -1:
        return True
    try:
        os.fchown(fd, uid, gid)
    except PermissionError:
        return False
    return True


def _overwrite(handle: BinaryIO, data: bytes) -> None:
    handle.seek(0)
    handle.write(data)
    handle.truncate()
    handle.flush()
    os.fsync(handle.fileno())

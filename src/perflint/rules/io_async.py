"""PFL702-PFL704: I/O and async code that serializes or blocks."""

from __future__ import annotations

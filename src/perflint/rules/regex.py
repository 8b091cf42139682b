"""PFL701: regular expressions recompiled (looked up in re's cache) on every iteration."""

from __future__ import annotations

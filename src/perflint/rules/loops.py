"""PFL1xx: loops and name lookups."""

from __future__ import annotations

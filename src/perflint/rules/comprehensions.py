"""PFL4xx: loops that build containers by hand where a comprehension or builtin is faster."""

from __future__ import annotations

"""PFL2xx: building strings and bytes piece by piece."""

from __future__ import annotations

"""PFL5xx: caching and memory."""

from __future__ import annotations

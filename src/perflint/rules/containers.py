"""PFL301-PFL307: membership, queues and counting in the container that makes them cheap."""

from __future__ import annotations

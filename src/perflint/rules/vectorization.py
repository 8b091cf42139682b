"""PFL6xx: Python-level loops over NumPy arrays and pandas DataFrames."""

from __future__ import annotations

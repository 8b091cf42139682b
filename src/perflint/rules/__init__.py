"""The rule families. Importing this package registers every rule."""

from perflint.rules import (  # noqa: F401
    caching,
    comprehensions,
    containers,
    io_async,
    loops,
    regex,
    sequences,
    strings,
    vectorization,
)

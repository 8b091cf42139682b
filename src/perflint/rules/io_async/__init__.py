"""PFL702-PFL704: I/O and async code that serializes or blocks."""

from perflint.rules.io_async import (  # noqa: F401  (registers the rules)
    await_in_loop,
    blocking_call_in_async,
    write_in_loop,
)

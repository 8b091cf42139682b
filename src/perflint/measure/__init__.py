"""What was measured: the timing pairs' harness (`timing`), the speedups it stored per rule
and interpreter (`speedups`, `measured.json`), and profiles of a user's program (`profiles`
reads them, `profile_run` records one under cProfile through `cprofile_main`).

It imports only `perflint.model`, so the rules (PFL101 asks whether its fix pays), the
policy and the docs can all read the measurements.
"""

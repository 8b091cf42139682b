"""The engine: one file from source text to diagnostics and fixes.

`core` parses (libcst), asks `triage` which regions any enabled rule can fire in, runs
every enabled rule in one traversal, `locate`s what they report and applies `fixes`
(`importing`, `wrapping`, `pragmas` shape the edits; `edits` turns them into text).
`runner` runs files and notebooks (`notebook`, `magics`) with the results `cache`,
`noqa` and the `policy` of what is held back; `selection` picks the rules, `sourcefile`
reads and writes the files.

The engine imports the rules and what they stand on, never a face or the project's
configuration (tests/test_layers.py checks the direction). Importing this package
imports none of its modules: the command line starts without libcst.
"""

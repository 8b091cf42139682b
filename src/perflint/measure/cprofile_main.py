"""What a profiled Python runs: sent as `-c` source by `profile_run`, never imported there.

    python [OPTIONS] -c SOURCE STATUS PROFILE [-m] TARGET [ARGS]...

is `python [OPTIONS] -m cProfile -o PROFILE [-m] TARGET [ARGS]...` with two differences:
before the program runs, STATUS receives a JSON record of the interpreter (implementation,
version) and of why the program cannot start, if it cannot (no such script, no such
module); and the program's exit status is kept, where cProfile's command line swallows
`SystemExit` and exits 0. Passed as `-c`, it puts nothing of perflint on the program's
`sys.path` (perflint need not be installed in that Python), exactly as `-m cProfile`
does. It needs only the standard library of any Python 3.
"""

import cProfile
import importlib.util
import json
import os
import platform
import sys
from typing import Any


def _why_not(module: bool, target: str) -> str:
    """Why the program cannot start, or "" (a package is looked for, never imported)."""
    if not module:
        return "" if os.path.isfile(target) else "no such file: " + target
    try:
        found = importlib.util.find_spec(target.partition(".")[0]) is not None
    except (ImportError, ValueError):
        found = False
    return "" if found else "no module named " + target


def main() -> None:
    status, profile, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    module = rest[:1] == ["-m"]
    reason = _why_not(module, rest[1] if module else rest[0])
    with open(status, "w") as out:
        json.dump({"implementation": platform.python_implementation(), "version": platform.python_version(),
                   "error": reason}, out)
    if reason:
        sys.exit(2)
    if sys.path[:1] == [""]:  # as `-m cProfile` has it: the directory it started in
        sys.path[0] = os.getcwd()
    exit_status: list = [None]
    runctx = cProfile.Profile.runctx

    def keeping_exit_status(self: Any, cmd: Any, globals: Any, locals: Any) -> Any:
        try:
            return runctx(self, cmd, globals, locals)
        except SystemExit as stop:
            exit_status[0] = stop.code
            raise

    cProfile.Profile.runctx = keeping_exit_status  # type: ignore[method-assign]
    sys.argv[:] = [sys.argv[0], "-o", profile] + rest
    cProfile.main()  # type: ignore[attr-defined]  # the command line of `python -m cProfile`
    sys.exit(exit_status[0])


if __name__ == "__main__":
    main()

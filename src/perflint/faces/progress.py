"""A progress bar on stderr, for runs long enough to wonder about.

A big file can take a minute to check, and more to fix, and a run printed nothing until it
ended. On a terminal, once a run has taken `DELAY` seconds, a bar (click's) shows the files
done out of the total, the rate and the time left; a clock keeps it moving while one big
file holds every worker. It is erased when the run ends, so the report reads as it would
without it. Never drawn where it would garble something: output for tools (json, sarif,
github), `--quiet`, or a stderr that is not a terminal (a pipe, a log, pre-commit).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Optional, TextIO, Type

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

DELAY = 0.5  # seconds a run takes before the bar appears: quick runs never flash one
TICK = 0.25  # how often the bar is redrawn while no file finishes
_ERASE = "\r\033[K\033[?25h"  # back to the start of the line, clear it, show the cursor again


class Progress:
    """`with Progress(total, stream) as progress: ... progress.advance()`."""

    def __init__(self, total: int, stream: TextIO, delay: float = DELAY) -> None:
        self.total, self.stream, self.delay = total, stream, delay
        self.done = 0
        self._start = time.monotonic()
        self._bar: Optional["ProgressBar[int]"] = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._clock = threading.Thread(target=self._tick, name="perflint-progress", daemon=True)

    def __enter__(self) -> Progress:
        self._clock.start()
        return self

    def __exit__(
        self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]
    ) -> None:
        self._stop.set()
        self._clock.join()
        with self._lock:
            if self._bar is not None:
                self.stream.write(_ERASE)
                self.stream.flush()

    def advance(self, files: int = 1) -> None:
        """`files` more are done."""
        with self._lock:
            self.done += files
            if self._bar is not None:
                self._bar.update(files)

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                if self._bar is not None:
                    self._bar.render_progress()
                elif time.monotonic() - self._start >= self.delay:
                    self._bar = click.progressbar(
                        range(self.total), label="Checking", file=self.stream, show_pos=True,
                        show_percent=True, item_show_func=self._rate,
                    )
                    self._bar.update(self.done)

    def _rate(self, _item: Optional[int]) -> str:
        elapsed = time.monotonic() - self._start
        return f"{self.done / elapsed:.1f} files/s, {elapsed:.0f} s" if elapsed > 0 else ""


def wanted(fmt: str, quiet: bool, stream: TextIO) -> bool:
    """Whether a run with this output may draw a bar on `stream`."""
    return fmt in ("text", "concise", "full") and not quiet and stream.isatty()

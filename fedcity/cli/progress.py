"""A progress bar on stderr for long commands (`case-study import`), drawn only
when stderr is a terminal: in a log or a pipe it would be noise, and stdout stays
the command's result either way."""

from __future__ import annotations

import time
from typing import Final, TextIO

WIDTH: Final = 30
EVERY: Final = 0.1  # seconds between redraws: a terminal need not see every item


class ProgressBar:
    """`label [#########.....]  450/1,000  45%  120/s`, redrawn in place."""

    def __init__(
        self, total: int, stream: TextIO, label: str, *, shown: bool | None = None
    ) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.label = label
        self.shown = stream.isatty() if shown is None else shown
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        now = time.monotonic()
        if self.shown and (now - self.drawn_at >= EVERY or self.done == self.total):
            self.drawn_at = now
            self.stream.write("\r" + self.line(now - self.started))
            self.stream.flush()

    def line(self, elapsed: float) -> str:
        part = self.done / self.total if self.total else 1.0
        filled = round(part * WIDTH)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        return (
            f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
            f"{self.done:,}/{self.total:,} {part:4.0%} {rate:,.0f}/s"
        )

    def close(self) -> None:
        """End the bar's line, so that what follows starts on its own."""
        if self.shown and self.drawn_at:
            self.stream.write("\n")
            self.stream.flush()

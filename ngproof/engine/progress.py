"""Console progress while ``verify`` runs: done/total, the claims running now, and an ETA.

On a terminal, one line rewritten in place (``\\r`` and erase-to-end)::

    [ 37/245] 15% · ETA 1m12s · running bernoulli.fisher, kfac.inverse (+1)

Elsewhere (CI logs, a file), one plain line per finished claim, which logs keep::

    [ 37/245] proved       bernoulli.fisher  (0.41 s; ETA 1m12s)

The ETA is the mean wall time per finished claim so far times the claims left:
elapsed / done · (total − done).  A claim whose outcome is unexpected is also
printed on a line of its own on a terminal, so it is not lost when the line moves on.
"""
from __future__ import annotations

import shutil
import sys
import time
from typing import Callable, TextIO

from ngproof.vocabulary.claims import Claim

_ERASE = "\r\033[K"


def duration(seconds: float) -> str:
    """``42s``, ``3m05s`` or ``1h02m``: short enough for a progress line."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Progress of one run, written to ``stream``; ``tty`` defaults to ``stream.isatty()``.

    Give :meth:`started` to the runner as its ``started`` hook and the instance itself
    as its ``progress`` callback; call :meth:`close` when the run is over.
    """

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.first: float | None = None
        self.running: dict[str, None] = {}  # claim ids in the order they started
        self.done = self.total = 0
        self.drawn = False

    def eta(self) -> str:
        """The estimated time left, or ``?`` before any claim finished."""
        if not self.done or self.first is None:
            return "?"
        return duration((self.clock() - self.first) / self.done * (self.total - self.done))

    def started(self, claim: Claim, total: int) -> None:
        """A worker began ``claim``, one of ``total`` to run."""
        if self.first is None:
            self.first = self.clock()
        self.running[claim.id] = None
        self.total = total
        if self.tty:
            self._draw()

    def __call__(self, result, done: int, total: int) -> None:
        """A claim finished (``result``, a :class:`ngproof.engine.runner.ClaimResult`); ``done`` of ``total``."""
        if self.first is None:  # an executor that does not say when claims start
            self.first = self.clock() - result.seconds
        self.running.pop(result.claim.id, None)
        self.done, self.total = done, total
        counter = f"[{done:>{len(str(total))}}/{total}]"
        if not self.tty:
            print(f"{counter} {result.status:<12} {result.claim.id}  ({result.seconds:.2f} s; ETA {self.eta()})",
                  file=self.stream, flush=True)
            return
        if result.outcome == "unexpected":
            self.stream.write(f"{_ERASE}{counter} {result.status} {result.claim.id}  << UNEXPECTED\n")
        self._draw()

    def _draw(self) -> None:
        width = shutil.get_terminal_size((100, 24)).columns - 1
        total = self.total or "?"
        share = f" {100 * self.done // self.total}%" if self.total else ""
        line = f"[{self.done:>{len(str(total))}}/{total}]{share} · ETA {self.eta()}"
        if self.running:
            names = list(self.running)
            shown = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")
            line += f" · running {shown}"
        self.stream.write(_ERASE + line[:width])
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the progress line, so that what follows starts on a fresh line."""
        if self.tty and self.drawn:
            self.stream.write(_ERASE)
            self.stream.flush()
            self.drawn = False

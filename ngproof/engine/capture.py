"""What a claim prints, kept apart from ngproof's own output.

While a claim runs, file descriptors 1 and 2 (and ``sys.stdout``/``sys.stderr``)
point at a temporary file, so output from Python, C extensions and numba all
lands there; the first ``OUTPUT_LIMIT`` bytes are kept with the claim's result
and the rest is counted, never written into ``verify``'s report stream.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from typing import Iterator

OUTPUT_LIMIT = 4000


@contextlib.contextmanager
def captured_output(limit: int = OUTPUT_LIMIT) -> Iterator[list[str]]:
    """Capture fds 1 and 2 while the block runs; the yielded list receives the (truncated) text."""
    collected: list[str] = []
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with tempfile.TemporaryFile() as sink:
        saved = (os.dup(1), os.dup(2))
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        text_sink = io.TextIOWrapper(os.fdopen(os.dup(sink.fileno()), "wb"), encoding="utf-8", errors="replace",
                                     write_through=True)
        try:
            with contextlib.redirect_stdout(text_sink), contextlib.redirect_stderr(text_sink):
                yield collected
        finally:
            text_sink.close()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            size = sink.seek(0, io.SEEK_END)
            sink.seek(0)
            text = sink.read(limit).decode("utf-8", errors="replace")
            if size > limit:
                text += f"\n… {size - limit} more bytes not kept"
            collected.append(text)

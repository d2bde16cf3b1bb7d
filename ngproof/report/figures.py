"""Drawing the figures a catalogue declares (:func:`ngproof.figure`) for the HTML report.

Each figure is drawn in a fresh child process (spawned: fork is unsafe once numba or
BLAS started threads), single-threaded, and killed past its ``budget`` seconds.  A
figure that fails, overruns or returns no SVG is shown as skipped with the reason; it
never fails the report.  A catalogue that declares no figure costs nothing: no process starts.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ngproof.vocabulary.claims import Figure

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


@dataclass
class Drawn:
    """A figure as the report shows it: its SVG and caption, or the reason it was skipped."""

    title: str
    section: str
    svg: Markup | None = None
    caption: str = ""
    skipped: str | None = None


def _draw(connection, path: str, figure_id: str) -> None:
    """In the child: load the theorem module that declares the figure, draw it, send back ``(svg, caption)``."""
    try:
        from ngproof.engine.discovery import load_module

        declared = next(f for f in load_module(Path(path)) if isinstance(f, Figure) and f.id == figure_id)
        drawn = declared.draw()
        svg, caption = drawn if isinstance(drawn, tuple) else (drawn, "")
        if not str(svg).lstrip().startswith("<svg"):
            raise TypeError(f"draw() returned {type(svg).__name__}, not an SVG (use ngproof.report.svg.render)")
        connection.send((str(svg), str(caption)))
    except Exception as exc:
        connection.send(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


@contextlib.contextmanager
def _one_thread():
    """Start children single-threaded: on a busy machine BLAS/OpenMP threads make a figure's training 10× slower."""
    saved = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    os.environ.update({name: "1" for name in _THREAD_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def draw(figure: Figure, budget: float | None = None) -> Drawn:
    """Draw one declared figure in a child process within ``budget`` (default: the figure's own) seconds."""
    budget = figure.budget if budget is None else budget
    drawn = Drawn(figure.title, figure.section)
    code = getattr(figure.draw, "__code__", None)
    if code is None:
        drawn.skipped = "its draw function has no source file to load it from"
        return drawn
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_draw, args=(sender, code.co_filename, figure.id), daemon=True)
    with _one_thread():
        process.start()
    sender.close()
    try:
        answer = receiver.recv() if receiver.poll(budget) else f"not drawn within its {budget:g} s budget"
    except EOFError:
        process.join(5)
        answer = f"the drawing process died (exit code {process.exitcode})"
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if isinstance(answer, str):
        drawn.skipped = answer
    else:
        drawn.svg, drawn.caption = Markup(answer[0]), answer[1]
    return drawn


def draw_all(figures: list[Figure], skip: str | None = None) -> list[Drawn]:
    """The report's figures in declaration order; ``skip``: the reason to draw none (each is listed as skipped)."""
    if skip is not None:
        return [Drawn(f.title, f.section, skipped=skip) for f in figures]
    return [draw(f) for f in figures]

"""Figures are declared by a catalogue (ngproof.figure) and drawn in a child process; none declared, none paid for."""
import math
import multiprocessing

import pytest

from ngproof.engine.discovery import default_catalogue, discover, load_module
from ngproof.engine.verification import verify
from ngproof.report import figures, html

FIGURES = '''
from ngproof import figure


@figure("f.line", title="A straight line", section="Plots")
def _():
    from ngproof.report.svg import Plot, Series, render
    return render(Plot("y = 2x", "x", "y", [Series("2x", [0, 1, 2], [0, 2, 4])])), "the line y = 2x"


@figure("f.slow", title="Too slow", section="Plots", budget=0.5)
def _():
    time.sleep(30)


@figure("f.broken", title="Raises", section="Plots")
def _():
    raise ValueError("no data for this figure")


@figure("f.not-svg", title="Returns a number", section="Plots")
def _():
    return 42
'''
CLAIM = '''
@claim("f.claim", title="t", statement="-", source=("Plots", "q"))
def _(c):
    c.observe(True, detail="fine")
'''


def _sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t))


def test_declared_figures_are_drawn_and_failures_skipped_with_the_reason(write_catalogue):
    run = verify([write_catalogue({"01_claims.py": CLAIM, "02_figures.py": FIGURES})], jobs=1)
    assert [f.id for f in run.figures] == ["f.line", "f.slow", "f.broken", "f.not-svg"]
    line, slow, broken, not_svg = figures.draw_all(run.figures)
    assert line.svg.startswith("<svg") and line.caption == "the line y = 2x" and line.skipped is None
    assert slow.svg is None and slow.skipped == "not drawn within its 0.5 s budget"
    assert broken.skipped == "ValueError: no data for this figure"
    assert "not an SVG" in not_svg.skipped
    page = html.render(run)
    assert "A straight line (Plots). the line y = 2x" in page and "Figure skipped — Raises" in page


def test_a_catalogue_without_figures_gets_none_and_starts_no_process(write_catalogue, monkeypatch):
    run = verify([write_catalogue({"01_claims.py": CLAIM})], jobs=1)

    def no_process(*args, **kwargs):
        raise AssertionError("a figure process was started for a catalogue without figures")

    monkeypatch.setattr(multiprocessing.get_context("spawn"), "Process", no_process)
    page = html.render(run)
    assert run.figures == [] and 'id="figures"' not in page and "#figures" not in page


def test_the_packaged_catalogue_declares_the_lesson_figures():
    declared = discover(None).figures
    assert [f.id for f in declared] == ["24-02.bernoulli-steps", "24-02.convergence"]
    assert {f.section for f in declared} == {"Example 1: Natural Gradient for a Single-Parameter Bernoulli",
                                              "Example 3: K-FAC Block Diagonal Structure"}


def test_bernoulli_paths_reproduce_worked_example_1():
    module = load_module(default_catalogue() / "24_figures.py")
    paths = next(f for f in module if f.id == "24-02.bernoulli-steps").draw.__globals__["bernoulli_paths"](steps=2)
    assert paths["plain gradient in θ"][1] == _sigmoid(0.5)          # θ: 0 → 0.5, p ≈ 0.622
    assert math.isclose(paths["natural gradient in θ"][1], _sigmoid(2.0))  # θ: 0 → 2, p ≈ 0.881
    assert paths["plain gradient in p"][1] == 2.5                   # p + η/p leaves (0, 1)
    assert paths["plain gradient in p"][2] is None
    assert paths["natural gradient in p"][1] == 1.0                 # p − η(p − y) = y


@pytest.mark.parametrize("bad", [dict(id="Bad Id"), dict(budget=0)])
def test_a_bad_figure_declaration_is_refused(bad):
    from ngproof import figure

    with pytest.raises(ValueError, match="figure"):
        figure(**{"id": "ok", "title": "t", "section": "s", **bad})

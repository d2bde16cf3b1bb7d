"""Figures computed from the kernels, and skipped with a reason when they cannot be."""
import math

from ngproof.report import figures


def _sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t))


def test_bernoulli_paths_reproduce_worked_example_1():
    paths = figures.bernoulli_paths(steps=2)
    assert paths["plain gradient in θ"][1] == _sigmoid(0.5)          # θ: 0 → 0.5, p ≈ 0.622
    assert math.isclose(paths["natural gradient in θ"][1], _sigmoid(2.0))  # θ: 0 → 2, p ≈ 0.881
    assert paths["plain gradient in p"][1] == 2.5                   # p + η/p leaves (0, 1)
    assert paths["plain gradient in p"][2] is None
    assert paths["natural gradient in p"][1] == 1.0                 # p − η(p − y) = y


def test_bernoulli_figure_draws_an_svg():
    figure = figures.bernoulli_figure()
    assert figure.skipped is None and figure.svg.startswith("<svg") and "0.881" in figure.caption


def test_training_over_budget_is_skipped_with_the_reason():
    figure = figures.convergence_figure(budget=0.001)
    assert figure.svg is None and "budget" in figure.skipped

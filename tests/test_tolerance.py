"""Relative comparisons whose tolerance follows from the conditioning, never tuned per claim."""
import numpy as np
import pytest

from ngproof import close
from ngproof.tolerance import SAFETY

EPS64 = np.finfo(np.float64).eps
EPS32 = np.finfo(np.float32).eps


def test_tolerance_scales_with_size_and_condition_number():
    base = close(np.ones(4), np.ones(4))
    assert base.tolerance == pytest.approx(SAFETY * 4 * EPS64)
    assert close(np.ones(4), np.ones(4), cond=1e6).tolerance == pytest.approx(1e6 * base.tolerance)


def test_condition_numbers_below_one_do_not_tighten():
    assert close(1.0, 1.0, cond=1e-3).tolerance == close(1.0, 1.0).tolerance


def test_float32_is_judged_at_float32_precision():
    computed = np.array([1.0, 2.0], dtype=np.float32)
    assert close(computed, np.array([1.0, 2.0])).tolerance == pytest.approx(SAFETY * 2 * EPS32)
    assert close(computed * (1 + 4 * EPS32), np.array([1.0, 2.0])).ok
    assert not close(np.array([1.0, 2.0]) * (1 + 4 * EPS32), np.array([1.0, 2.0])).ok  # float64 is stricter


def test_relative_error_is_normwise():
    comparison = close(np.array([3.0, 4.0]), np.array([3.0, 4.0 + 5e-3]))
    assert comparison.relative_error == pytest.approx(5e-3 / np.hypot(3.0, 4.005), rel=1e-6)
    assert not comparison.ok
    assert close(np.zeros(3), np.zeros(3)).relative_error == 0.0


def test_error_within_the_conditioned_tolerance_passes_and_beyond_fails():
    expected = np.array([1.0, -2.0, 3.0])
    kappa = 1e8
    inside = expected * (1 + 0.5 * SAFETY * EPS64 * kappa)
    outside = expected * (1 + 10 * SAFETY * EPS64 * kappa)
    assert close(inside, expected, cond=kappa).ok
    assert not close(outside, expected, cond=kappa).ok


def test_shape_mismatch_is_an_error_naming_the_comparison():
    with pytest.raises(ValueError, match="Fisher: shapes differ"):
        close(np.ones((2, 2)), np.ones(4), what="Fisher").ok


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_results_always_fail(bad):
    comparison = close(np.array([1.0, bad]), np.array([1.0, 2.0]), cond=1e300)
    assert comparison.relative_error == float("inf") and not comparison.ok


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_oracles_fail_too(bad):
    comparison = close(np.array([1.0, bad]), np.array([1.0, bad]))  # not even equal to itself
    assert comparison.relative_error == float("inf") and not comparison.ok

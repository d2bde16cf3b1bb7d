import math

import numpy as np
import pytest

from ngproof.kernels import LevenbergMarquardt, lm_damping, pi_damping, reduction_ratio, tikhonov


def test_tikhonov():
    F = np.array([[2.0, 1.0], [1.0, 2.0]])
    np.testing.assert_array_equal(tikhonov(F, 0.5), F + 0.5 * np.eye(2))
    assert tikhonov(F.astype(np.float32), 0.5).dtype == np.float32


def test_lm_decreases_on_good_steps_and_increases_on_bad():
    lm = LevenbergMarquardt(damping=1.0)
    assert lm.update(actual_decrease=0.9, predicted_decrease=1.0) < 1.0
    good = lm.damping
    assert lm.update(actual_decrease=-0.5, predicted_decrease=1.0) > good
    middle = lm.damping
    assert lm.update(0.5, 1.0) == middle
    assert lm.update(math.inf, 1.0) > middle
    assert lm_damping(1e-8, 1.0) == 1e-8
    assert lm_damping(1.0, math.nan) == 1.5


def test_reduction_ratio():
    assert reduction_ratio(1.0, 2.0) == 0.5
    with pytest.raises(ValueError, match="predicted"):
        reduction_ratio(1.0, 0.0)


def test_pi_damping():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((10, 4))
    g = 0.01 * rng.standard_normal((10, 3))
    A, G = a.T @ a, g.T @ g
    Ad, Gd, pi = pi_damping(A, G, 0.04)
    assert math.isclose(pi, math.sqrt((np.trace(A) / 4) / (np.trace(G) / 3)))
    np.testing.assert_allclose(Ad, A + pi * 0.2 * np.eye(4))
    np.testing.assert_allclose(Gd, G + 0.2 / pi * np.eye(3))
    # the Kronecker product of the damped factors contains λI (plus cross terms)
    cross = np.kron(Ad, Gd) - np.kron(A, G) - 0.04 * np.eye(12)
    assert np.all(np.linalg.eigvalsh(cross) > -1e-12)

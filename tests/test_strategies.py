"""Strategies draw what their names promise, with the conditioning they state."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ngproof import strategies as ns

FAST = settings(max_examples=25, deadline=None, database=None)
ROUNDING = 1e-9  # relative slack for rounding in the eigen/singular value computations


@FAST
@given(st.data(), st.integers(1, 6), st.sampled_from([1.0, 10.0, 1e3, 1e6]))
def test_spd_matrices_respect_the_condition_bound(data, n, cond):
    matrix = data.draw(ns.spd_matrices(n, cond=cond))
    assert matrix.shape == (n, n) and np.array_equal(matrix, matrix.T)
    eigenvalues = np.linalg.eigvalsh(matrix)
    assert eigenvalues.min() >= (1 - ROUNDING) / cond and eigenvalues.max() <= 1 + ROUNDING
    assert np.linalg.cond(matrix) <= cond * (1 + ROUNDING)


@FAST
@given(st.data(), st.integers(2, 6))
def test_ill_conditioned_matrices_reach_their_condition_number(data, n):
    matrix = data.draw(ns.ill_conditioned_spd_matrices(n, cond=1e8))
    eigenvalues = np.linalg.eigvalsh(matrix)
    assert eigenvalues.min() > 0
    assert np.isclose(eigenvalues.max() / eigenvalues.min(), 1e8, rtol=1e-4)


@FAST
@given(st.data(), st.integers(1, 6))
def test_psd_matrices_have_the_requested_rank(data, n):
    rank = data.draw(st.integers(0, n))
    matrix = data.draw(ns.psd_matrices(n, rank))
    assert np.linalg.eigvalsh(matrix).min() >= -1e-12
    assert np.linalg.matrix_rank(matrix) <= rank


@FAST
@given(st.data(), st.integers(1, 8), st.sampled_from([1.0, 4.0, 10.0]))
def test_probability_vectors_lie_in_the_open_simplex(data, k, spread):
    probs = data.draw(ns.probability_vectors(k, spread=spread))
    assert probs.shape == (k,) and np.all(probs > 0)
    assert abs(probs.sum() - 1) <= 8 * np.finfo(float).eps * k
    assert probs.max() / probs.min() <= np.exp(2 * spread) * (1 + 1e-9)  # bounded logits, bounded ratios


@FAST
@given(st.data(), st.integers(1, 6), st.sampled_from([1.0, 1e2, 1e4]))
def test_invertible_jacobians_have_bounded_singular_values(data, n, cond):
    jacobian = data.draw(ns.invertible_jacobians(n, cond=cond))
    singular = np.linalg.svd(jacobian, compute_uv=False)
    assert singular.min() >= (1 - ROUNDING) / np.sqrt(cond) and singular.max() <= np.sqrt(cond) * (1 + ROUNDING)


@FAST
@given(st.data(), st.integers(1, 6))
def test_orthogonal_matrices_are_orthogonal(data, n):
    q = data.draw(ns.orthogonal_matrices(n))
    assert np.allclose(q.T @ q, np.eye(n), atol=1e-12)


@FAST
@given(ns.dampings(1e-3, 1e2), ns.reals(-2, 3), ns.vectors(4, -1, 1))
def test_scalars_and_vectors_stay_in_their_ranges(damping, real, vector):
    assert 1e-3 * (1 - 1e-12) <= damping <= 1e2 * (1 + 1e-12)
    assert -2 <= real <= 3
    assert vector.shape == (4,) and np.all(np.abs(vector) <= 1)

"""The BLAS/LAPACK floors of the peer bench: the calls have the shapes of the work."""

import numpy as np

from ngproof.bench import floors

SHAPES = [(50, 100), (10, 50)]  # Worked Example 3: 100-50-10


def _shapes(calls):
    return [tuple(np.shape(call()[0] if isinstance(call(), tuple) else call())) for call in calls]


def test_factor_calls_produce_the_factor_shapes():
    rng = np.random.default_rng(0)
    shapes = _shapes(floors.factor_calls(SHAPES, 4, rng))
    # forward (N, out) per layer, K columns back through layer 2, A per layer, hidden G, closed-form last G
    assert shapes == [(4, 50), (4, 10), (40, 50), (101, 101), (51, 51), (50, 50), (10, 10)]


def test_inverse_calls_diagonalise_the_smaller_factor_and_tridiagonalise_the_larger():
    rng = np.random.default_rng(0)
    calls = floors.inverse_calls(SHAPES, rng)
    assert len(calls) == 2 * (1 + 2 + 4)
    eig_small = calls[0]()
    assert eig_small[0].shape == (50,)  # syevd of G (50) for layer 1, A is 101
    assert calls[1]()[0].shape == (101, 101)  # sytrd of A


def test_fvp_and_step_calls_and_floor_time():
    rng = np.random.default_rng(0)
    fvp = floors.fvp_calls(SHAPES, 4, rng)
    assert _shapes(fvp) == [(4, 50), (4, 10), (4, 10), (50, 100), (10, 50), (4, 50)]
    assert len(floors.step_calls(SHAPES, 4, rng)) == 7 + 3 + 14 + 2 * 3
    assert floors.floor_time(fvp, repeats=3) > 0

"""The shared exact models: each helper against an independent sympy computation."""
import numpy as np
import sympy as sp

from ngproof.symbolic.models import (
    COMBINED_NUMERATOR,
    d_logit,
    gaussian_expectation,
    general,
    kron,
    limit_parts,
    row_vec,
    softmax,
    softmax_score,
    spd,
    standard_normal_moment,
    vec,
)


def test_moments_match_the_gaussian_integral():
    eps = sp.Symbol("eps", real=True)
    density = sp.exp(-eps**2 / 2) / sp.sqrt(2 * sp.pi)
    for k in range(7):
        assert sp.simplify(sp.integrate(eps**k * density, (eps, -sp.oo, sp.oo)) - standard_normal_moment(k)) == 0


def test_gaussian_expectation_of_the_variance():
    z, mu = sp.symbols("z mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    assert sp.expand(gaussian_expectation((z - mu) ** 2, z, mu, sigma) - sigma**2) == 0
    assert sp.expand(gaussian_expectation(z**2, z, mu, sigma) - (mu**2 + sigma**2)) == 0
    assert gaussian_expectation(sp.Integer(3), z, mu, sigma) == 3


def test_gaussian_expectation_of_independent_coordinates_factorises():
    z1, z2, m1, m2 = sp.symbols("z1 z2 m1 m2", real=True)
    s1, s2 = sp.symbols("s1 s2", positive=True)
    joint = gaussian_expectation((z1 - m1) ** 2 * (z2 - m2) ** 2 + z1 * z2, (z1, z2), (m1, m2), (s1, s2))
    assert sp.expand(joint - (s1**2 * s2**2 + m1 * m2)) == 0


def test_softmax_sums_to_one_and_score_is_e_minus_pi():
    u, pi = softmax(3)
    assert sp.cancel(sum(pi) - 1) == 0
    score = softmax_score(u, pi, 1)
    expected = sp.Matrix([-pi[0], 1 - pi[1], -pi[2]])
    assert all(sp.cancel(e) == 0 for e in score - expected)
    assert sp.cancel(d_logit(u[0], u[0]) - u[0]) == 0


def test_spd_is_symmetric_with_positive_determinant():
    matrix, lower = spd(2)
    assert matrix == matrix.T
    assert matrix.det().factor().is_positive


def test_kron_and_vec_agree_with_numpy():
    a = np.array([[1, 2], [3, 4]])
    b = np.array([[0, 5, 1], [6, 7, 2]])
    assert np.array_equal(np.array(kron(sp.Matrix(a), sp.Matrix(b)), dtype=int), np.kron(a, b))
    assert list(vec(sp.Matrix(b))) == list(b.flatten(order="F"))
    assert list(row_vec(sp.Matrix(b))) == list(b.flatten(order="C"))
    assert general(2, 3, "m").shape == (2, 3)


def test_limit_parts_sees_through_a_common_factor():
    t, a = sp.symbols("t a", positive=True)
    for expr in ((t * a + t**2) / (t * (1 + t)), (a * t + t**2) / (t + t**2)):
        low, lead = limit_parts(expr, t)
        assert all(c == 0 for c in low[:-1]) and sp.cancel(low[-1] / lead - a) == 0
    low, lead = limit_parts(1 / t, t)
    assert low == [1, 0] and lead == 1


def test_combined_numerator_decides_rational_identities():
    x, y = sp.symbols("x y", positive=True)
    rewrite = COMBINED_NUMERATOR.rewrite
    assert rewrite(1 / x + 1 / y - (x + y) / (x * y)) == 0
    assert rewrite(1 / x - 1 / y) != 0
    assert COMBINED_NUMERATOR.assumes(1 / x + 1 / (x + y)) == [x, x + y]  # what dropping the denominator assumes

"""The family helpers compute known Fisher matrices and KL expansions exactly."""
import sympy as sp

from ngproof.symbolic.families import bernoulli_expectation, fisher, kl_taylor, quadratic_form, scores
from ngproof.symbolic.models import gaussian_expectation

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
bernoulli_log_density = x * sp.log(p) + (1 - x) * sp.log(1 - p)
gaussian_log_density = -sp.log(sigma) - (x - mu) ** 2 / (2 * sigma ** 2)


def gaussian(expr):
    return gaussian_expectation(expr, x, mu, sigma)


def test_bernoulli_expectation_is_the_two_term_sum():
    assert sp.expand(bernoulli_expectation(x, p)(x ** 2 + 3) - (p + 3)) == 0


def test_score_has_mean_zero():
    assert sp.cancel(bernoulli_expectation(x, p)(scores(bernoulli_log_density, [p])[0])) == 0


def test_bernoulli_fisher_in_the_probability():
    assert sp.cancel(fisher(bernoulli_log_density, [p], bernoulli_expectation(x, p))[0, 0] - 1 / (p * (1 - p))) == 0


def test_gaussian_fisher_in_mean_and_scale():
    assert fisher(gaussian_log_density, [mu, sigma], gaussian) == sp.diag(1 / sigma ** 2, 2 / sigma ** 2)


def test_kl_taylor_has_no_constant_or_linear_term_and_half_fisher_quadratic():
    a, b = sp.symbols("a b", real=True)
    coefficients = kl_taylor(gaussian_log_density, [mu, sigma], [a, b], gaussian)
    half_fisher = quadratic_form(sp.diag(1 / sigma ** 2, 2 / sigma ** 2), [a, b]) / 2
    assert coefficients[:2] == [0, 0]
    assert sp.cancel(coefficients[2] - half_fisher) == 0


def test_kl_taylor_sees_a_wrong_family():
    # a density that is not normalised has a non-zero linear term: the helper does not assume it away
    coefficients = kl_taylor(gaussian_log_density + mu, [mu, sigma], [1, 0], gaussian)
    assert coefficients[1] != 0

"""Bad and extreme input for every public kernel: a finite answer or a ValueError
naming the argument, never Inf/NaN, ZeroDivisionError, IndexError or TypeError.

Extreme finite values: 1e±300 entries, σ = 1e-200, logits ±800, 0-d arrays,
wrong shapes, non-symmetric and indefinite matrices.
"""

import numpy as np
import pytest

import ngproof.kernels as K

HUGE, TINY = 1e300, 1e-300
SPD = np.array([[2.0, 0.5], [0.5, 1.0]])
NONSYM = np.array([[2.0, 0.5], [0.0, 1.0]])
INDEF = np.array([[1.0, 0.0], [0.0, -0.5]])
P = np.array([[0.2, 0.8], [0.6, 0.4]])
J = np.random.default_rng(0).standard_normal((2, 2, 3))
MLP = K.MLP([2, 3, 2])
THETA = MLP.init_params(0)
X = np.ones((2, 2))

# name -> (call, fragment the ValueError must contain); every public kernel appears.
RAISES = {
    "natural_gradient huge/tiny": (lambda: K.natural_gradient(np.diag([TINY, 1.0]), np.array([HUGE, 1.0])), "overflow"),
    "natural_gradient 0-d grad": (lambda: K.natural_gradient(SPD, np.float64(1.0)), "grad"),
    "natural_gradient 0-d fisher": (lambda: K.natural_gradient(np.float64(1.0), np.ones(1)), "fisher"),
    "natural_gradient non-symmetric": (lambda: K.natural_gradient(NONSYM, np.ones(2)), "symmetric"),
    "natural_gradient non-symmetric large": (
        lambda: K.natural_gradient(np.eye(80) + np.triu(np.full((80, 80), 1e-3), 1), np.ones(80)), "symmetric"),
    "natural_gradient indefinite": (lambda: K.natural_gradient(INDEF, np.ones(2)), "damping >"),
    "diagonal_natural_gradient overflow": (
        lambda: K.diagonal_natural_gradient(np.array([TINY, 1.0]), np.array([HUGE, 1.0])), "grad"),
    "diagonal_natural_gradient 0-d": (lambda: K.diagonal_natural_gradient(np.float64(1.0), np.ones(1)), "fisher_diag"),
    "bernoulli_natural_gradient +800 y=0": (lambda: K.bernoulli_natural_gradient(800.0, 0.0), "theta"),
    "bernoulli_natural_gradient -800 y=1": (lambda: K.bernoulli_natural_gradient(-800.0, 1.0), "theta"),
    "gaussian_fisher_diagonal sigma 1e-200": (lambda: K.gaussian_fisher_diagonal([1e-200]), "sigma"),
    "gaussian_fisher_diagonal variance 1e-200": (lambda: K.gaussian_fisher_diagonal([1e-200], "variance"), "sigma"),
    "gaussian_natural_gradient huge grad": (
        lambda: K.gaussian_natural_gradient([0.0], [1e200], [HUGE], [1.0]), "grad_mu"),
    "gaussian_natural_gradient huge second": (
        lambda: K.gaussian_natural_gradient([0.0], [1e100], [1.0], [HUGE]), "grad_sigma"),
    "categorical_natural_gradient overflow": (
        lambda: K.categorical_natural_gradient(np.array([1.0, 0.0]), np.array([1.0, HUGE]), TINY), "overflow"),
    "categorical_fisher wrong shape": (lambda: K.categorical_fisher(np.ones((2, 2, 2)) / 2), "probs"),
    "softmax_fisher huge": (lambda: K.softmax_fisher(J * HUGE, P), "jacobians"),
    "bernoulli_output_fisher huge": (lambda: K.bernoulli_output_fisher(np.full((2, 3), HUGE), np.array([0.5, 0.5])),
                                     "jacobians"),
    "gaussian_output_fisher huge": (lambda: K.gaussian_output_fisher(J * HUGE), "jacobians"),
    "gaussian_output_fisher tiny variance": (lambda: K.gaussian_output_fisher(J, variance=TINY * 1e-10), "variance"),
    "monte_carlo_fisher huge": (lambda: K.monte_carlo_fisher(J * HUGE, P), "jacobians"),
    "empirical_fisher huge": (lambda: K.empirical_fisher(J * HUGE, P, np.array([0, 1])), "jacobians"),
    "scores_outer_mean huge": (lambda: K.scores_outer_mean(np.full((2, 2), HUGE)), "scores"),
    "scores_outer_mean 0-d": (lambda: K.scores_outer_mean(np.float64(1.0)), "scores"),
    "tikhonov huge": (lambda: K.tikhonov(np.full((2, 2), 1e308), 1e308), "fisher or damping"),
    "tikhonov non-square": (lambda: K.tikhonov(np.ones((2, 3)), 1.0), "fisher"),
    "pi_damping indefinite with positive trace": (lambda: K.pi_damping(INDEF, SPD, 0.1), "A must be positive semi"),
    "pi_damping non-symmetric": (lambda: K.pi_damping(SPD, NONSYM, 0.1), "G must be symmetric"),
    "pi_damping trace ratio": (lambda: K.pi_damping(np.eye(2) * 1e300, np.eye(2) * 1e-300, 1e300), "A"),
    "lm_damping array rho": (lambda: K.lm_damping(1.0, np.ones(2)), "rho"),
    "LevenbergMarquardt.update array": (lambda: K.LevenbergMarquardt().update(np.ones(2), 1.0), "actual_decrease"),
    "LevenbergMarquardt.update predicted": (lambda: K.LevenbergMarquardt().update(1.0, "x"), "predicted_decrease"),
    "reduction_ratio zero": (lambda: K.reduction_ratio(1.0, 0.0), "predicted"),
    "kfac_factors huge": (lambda: K.kfac_factors(np.full((3, 2), HUGE), np.ones((3, 2))), "a"),
    "kfac_factors huge g": (lambda: K.kfac_factors(np.ones((3, 2)), np.full((3, 2), HUGE)), "g"),
    "kfac_factors 0-d": (lambda: K.kfac_factors(np.float64(1.0), np.ones((1, 1))), "a"),
    "kfac_precondition overflow": (lambda: K.kfac_precondition(np.full((2, 2), HUGE), SPD * HUGE, SPD), "overflow"),
    "kfac_solve overflow": (lambda: K.kfac_solve(np.eye(2) * TINY, np.eye(2) * TINY, np.full((2, 2), HUGE), 0.0),
                            "overflow"),
    "kfac_solve indefinite": (lambda: K.kfac_solve(INDEF, SPD, np.ones((2, 2)), 0.0), "damping >"),
    "kfac_step wrong shape": (lambda: K.kfac_step(np.ones((3, 2)), np.ones((3, 2)), np.ones((2, 2)), 0.1), "grad_W"),
    "kronecker_dense huge": (lambda: K.kronecker_dense(SPD * 1e200, SPD * 1e200), "A or G"),
    "damped_inverse tiny": (lambda: K.damped_inverse(np.diag([TINY * 1e-10, 1.0])), "M or damping"),
    "damped_inverse tiny eigh": (lambda: K.damped_inverse(np.diag([TINY * 1e-10, 1.0]), method="eigh"), "M or damping"),
    "ema shape": (lambda: K.ema(np.ones(2), np.ones(3), 0.5), "new"),
    "cg_natural_gradient indefinite": (lambda: K.cg_natural_gradient(lambda v: INDEF @ v, np.ones(2)), "positive definite"),
    "trust_region_step zero": (lambda: K.trust_region_step(np.zeros(2), np.zeros(2), 0.1), "must be > 0"),
    "kl_line_search shape": (lambda: K.kl_line_search(np.ones(2), np.ones(3), len, len, 0.1), "step"),
    "MLP.forward huge": (lambda: K.MLP([2, 2]).forward(np.full(6, 1e200), np.full((2, 2), 1e200)), "overflow"),
    "MLP.jvp wrong vector": (lambda: MLP.jvp(THETA, X, np.ones(3)), "vector"),
    "MLP.jvp huge vector": (lambda: MLP.jvp(THETA, 100 * X, np.full(MLP.num_params, 1e308)), "vector"),
    "MLP.kfac_factors fisher": (lambda: MLP.kfac_factors(THETA, X, fisher="true"), "fisher"),
    "MLP.kfac_factors bias": (lambda: MLP.kfac_factors(THETA, X, bias="none"), "bias"),
    "MLP.kfac_factors empirical without y": (lambda: MLP.kfac_factors(THETA, X, fisher="empirical"), "y"),
    "MLP.kfac_factors mc_samples": (lambda: MLP.kfac_factors(THETA, X, fisher="mc", mc_samples=0), "mc_samples"),
    "FisherOperator wrong v": (lambda: K.FisherOperator(MLP, THETA, X).matvec(np.ones(3)), "v"),
    "GGNOperator huge params": (lambda: K.GGNOperator(K.MLP([2, 2]), np.full(6, 1e200), np.full((2, 2), 1e200)) @ np.ones(6),
                                "overflow"),
    "EmpiricalFisherOperator labels": (lambda: K.EmpiricalFisherOperator(MLP, THETA, X, np.array([0, 7])), "y"),
    "KFACOperator bias": (lambda: K.KFACOperator(MLP, [], bias="both"), "bias"),
    "KFACInverseOperator method": (lambda: K.KFACOperator.from_mlp(MLP, THETA, X).inverse(0.1, method="lu"), "method"),
    "EKFACOperator damping": (lambda: K.EKFACOperator.from_mlp(MLP, THETA, X).inverse(0.0), "damping"),
    "kronecker_eigen indefinite": (lambda: K.kronecker_eigen(INDEF, SPD), "A must be positive semi"),
    # the larger factor is tridiagonalised (Sturm count), the smaller diagonalised (syevd)
    "kronecker_tridiagonal indefinite, tridiagonalised": (
        lambda: K.kronecker_tridiagonal(np.diag([1.0, 2.0, -0.5]), SPD), "A must be positive semi"),
    "kronecker_tridiagonal indefinite, diagonalised": (
        lambda: K.kronecker_tridiagonal(np.diag([1.0, 2.0, 0.5]), INDEF), "G must be positive semi"),
    "TridiagonalKronecker.solve shape": (lambda: K.kronecker_tridiagonal(SPD, SPD).solve(np.ones((2, 3)), 0.1),
                                         "grad_W"),
    "TridiagonalKronecker.solve singular": (
        lambda: K.kronecker_tridiagonal(np.zeros((2, 2)), SPD).solve(np.ones((2, 2)), 0.0), "damping must be > 0"),
    "eigenbasis_solve shape": (lambda: K.eigenbasis_solve(np.eye(2), np.eye(2), np.ones((2, 2)), np.ones((2, 3)), 0.1),
                                   "grad_W"),
    "kfac_solve_exact overflow": (lambda: K.kfac_solve_exact(np.eye(2) * TINY, np.eye(2) * TINY,
                                                             np.full((2, 2), HUGE), TINY), "overflow"),
    "kfac_solve method": (lambda: K.kfac_solve(SPD, SPD, np.ones((2, 2)), 0.1, method="eigh"), "method"),
    "ekfac fisher": (lambda: K.ekfac(MLP, THETA, X, fisher="emp"), "fisher"),
    "ConvNet X shape": (lambda: K.ConvNet((1, 3, 3), [(2, 2)], [2]).forward(np.zeros(28), np.ones((1, 1, 3, 4))), "X"),
    "ConvNet huge": (lambda: K.ConvNet((1, 2, 2), [(1, 2)], [2], "linear").forward(np.full(9, 1e200),
                                                                               np.full((1, 1, 2, 2), 1e200)), "overflow"),
    "KFACOptimizer damping": (lambda: K.KFACOptimizer(MLP, damping=-1.0), "damping"),
    "synthetic_data n": (lambda: K.synthetic_data(0), "n"),
    "train lr": (lambda: K.train("sgd", steps=1, lr=-1.0), "lr"),
    "train batch_size": (lambda: K.train("sgd", steps=1, batch_size=0), "batch_size"),
    "train n": (lambda: K.train("sgd", steps=1, n=2.5), "n"),
}


@pytest.mark.parametrize("case", sorted(RAISES))
def test_extreme_input_raises_value_error_naming_the_problem(case):
    call, fragment = RAISES[case]
    with pytest.raises(ValueError, match=fragment):
        call()


# Extreme but legitimate: the exact answer is finite, so it must be returned.
FINITE = {
    "bernoulli_natural_gradient +800 y=1": (lambda: K.bernoulli_natural_gradient(800.0, 1.0), -1.0),
    "bernoulli_natural_gradient -800 y=0": (lambda: K.bernoulli_natural_gradient(-800.0, 0.0), 1.0),
    "bernoulli_fisher 800 underflows to 0": (lambda: K.bernoulli_fisher(800.0), 0.0),
    "bernoulli_gradient -800": (lambda: K.bernoulli_gradient(-800.0, 1.0), -1.0),
    "gaussian_natural_gradient sigma 1e-200 (mu part underflows to 0)": (
        lambda: K.gaussian_natural_gradient([0.0], [1e-200], [1.0], [1.0])[0], 0.0),
    "gaussian log_sigma 1e-200": (
        lambda: K.gaussian_natural_gradient([0.0], [1e-200], [1.0], [3.0], "log_sigma")[1], 1.5),
    "natural_gradient tiny scale": (lambda: K.natural_gradient(SPD * 1e-300, np.array([1e-300, 0.0])),
                                    np.linalg.solve(SPD, [1.0, 0.0])),
    "natural_gradient huge scale": (lambda: K.natural_gradient(SPD * 1e300, np.array([1e300, 0.0])),
                                    np.linalg.solve(SPD, [1.0, 0.0])),
    "categorical logits -800": (
        lambda: K.categorical_natural_gradient(np.array([1.0, 0.0]), np.array([0.5, -0.5]), 1.0), None),
}


@pytest.mark.parametrize("case", sorted(FINITE))
def test_extreme_but_legitimate_input_gives_the_finite_answer(case):
    call, expected = FINITE[case]
    got = np.asarray(call())
    assert np.all(np.isfinite(got))
    if expected is not None:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_every_public_kernel_is_in_the_battery():
    names = " ".join(list(RAISES) + list(FINITE))
    missing = [n for n in K.__all__ if n not in names and n not in ("MLP", "KroneckerEigen")]  # data holders
    assert missing == []


def test_mlp_kfac_dense_keeps_float32():
    params = THETA.astype(np.float32)
    for bias in ("appended", "separate"):
        assert MLP.kfac_dense(params, X.astype(np.float32), bias=bias).dtype == np.float32

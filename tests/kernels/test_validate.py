"""Every public function refuses bad input with a ValueError naming the argument."""

import subprocess
import sys

import numpy as np
import pytest

import ngproof.kernels as K

SPD = np.array([[2.0, 0.5], [0.5, 1.0]])
P = np.array([[0.2, 0.8], [0.6, 0.4]])
J3 = np.ones((2, 2, 3))

# (call, expected fragment of the message)
CASES = {
    "nan fisher": (lambda: K.natural_gradient(np.array([[np.nan, 0], [0, 1.0]]), np.ones(2)), "fisher"),
    "inf grad": (lambda: K.natural_gradient(SPD, np.array([1.0, np.inf])), "grad"),
    "nan fisher large": (lambda: K.natural_gradient(np.diag(np.r_[np.nan, np.ones(99)]), np.ones(100)), "fisher"),
    "shape mismatch": (lambda: K.natural_gradient(SPD, np.ones(3)), "grad"),
    "overflow small": (lambda: K.natural_gradient(np.diag([1e-300, 1.0]), np.array([1e300, 1.0])), "overflowed"),
    "overflow large": (lambda: K.natural_gradient(np.diag(np.r_[1e-300, np.ones(99)]),
                                                  np.r_[1e300, np.ones(99)]), "overflowed"),
    "not square": (lambda: K.natural_gradient(np.ones((2, 3)), np.ones(2)), "fisher"),
    "negative damping": (lambda: K.natural_gradient(SPD, np.ones(2), -1.0), "damping"),
    "nan damping": (lambda: K.natural_gradient(SPD, np.ones(2), np.nan), "damping"),
    "empty": (lambda: K.natural_gradient(np.ones((0, 0)), np.ones(0)), "fisher"),
    "complex": (lambda: K.natural_gradient(SPD.astype(complex), np.ones(2)), "fisher"),
    "diag nan": (lambda: K.diagonal_natural_gradient(np.array([1.0, np.nan]), np.ones(2)), "fisher_diag"),
    "diag shape": (lambda: K.diagonal_natural_gradient(np.ones(2), np.ones(3)), "grad"),
    "bern nan": (lambda: K.bernoulli_natural_gradient(np.nan, 1), "theta"),
    "bern label": (lambda: K.bernoulli_gradient(0.0, 2), "y"),
    "bern broadcast": (lambda: K.bernoulli_gradient(np.ones(2), np.ones(3)), "y"),
    "bern empty": (lambda: K.bernoulli_fisher(np.ones(0)), "theta"),
    "gauss sigma": (lambda: K.gaussian_natural_gradient([0.0], [0.0], [1.0], [1.0]), "sigma"),
    "gauss shape": (lambda: K.gaussian_natural_gradient([0.0], [1.0], [1.0, 2.0], [1.0]), "grad_mu"),
    "gauss param": (lambda: K.gaussian_fisher_diagonal([1.0], "precision"), "parameterization"),
    "cat nan": (lambda: K.categorical_natural_gradient(np.array([np.nan, 1.0]), np.ones(2), 0.1), "probs"),
    "cat grad inf": (lambda: K.categorical_natural_gradient(P, np.array([[1, np.inf], [0, 0]]), 0.1), "grad"),
    "cat overflow": (lambda: K.categorical_natural_gradient(np.array([1.0, 0.0]), np.array([1.0, 1e300]), 1e-300),
                     "overflowed"),
    "cat shape": (lambda: K.categorical_natural_gradient(P, np.ones((2, 3)), 0.1), "grad"),
    "cat zero damping": (lambda: K.categorical_natural_gradient(P, P, 0.0), "damping"),
    "cat fisher": (lambda: K.categorical_fisher(np.array([0.5, 0.6])), "probs"),
    "softmax shape": (lambda: K.softmax_fisher(J3, P[:1]), "probs"),
    "softmax nan": (lambda: K.softmax_fisher(J3 * np.nan, P), "jacobians"),
    "bern out": (lambda: K.bernoulli_output_fisher(np.ones((2, 3)), np.array([0.5, 1.5])), "probs"),
    "gauss out": (lambda: K.gaussian_output_fisher(J3, variance=-1.0), "variance"),
    "mc samples": (lambda: K.monte_carlo_fisher(J3, P, samples=-1), "samples"),
    "empirical labels": (lambda: K.empirical_fisher(J3, P, np.array([0.5, 1.0])), "labels"),
    "scores empty": (lambda: K.scores_outer_mean(np.ones((0, 3))), "scores"),
    "tikhonov damping": (lambda: K.tikhonov(SPD, -0.1), "damping"),
    "lm rho": (lambda: K.lm_damping(1.0, "x"), "rho"),
    "lm damping": (lambda: K.LevenbergMarquardt(damping=-1.0), "damping"),
    "ratio": (lambda: K.reduction_ratio(np.nan, 1.0), "actual"),
    "pi damping": (lambda: K.pi_damping(SPD, np.ones((2, 3)), 0.1), "G"),
    "kfac factors": (lambda: K.kfac_factors(np.ones((3, 2)), np.ones((4, 2))), "g"),
    "kfac nan": (lambda: K.kfac_factors(np.ones((3, 2)) * np.nan, np.ones((3, 2))), "a"),
    "ema decay": (lambda: K.ema(np.ones(2), np.ones(2), 1.5), "decay"),
    "ema shape": (lambda: K.ema(np.ones(2), np.ones(3), 0.5), "new"),
    "damped inverse": (lambda: K.damped_inverse(-SPD, 0.1), "damping >"),
    "damped method": (lambda: K.damped_inverse(SPD, 0.1, method="lu"), "method"),
    "precondition": (lambda: K.kfac_precondition(np.ones((2, 3)), SPD, SPD), "grad_W"),
    "kfac step pd": (lambda: K.kfac_solve(np.diag([2.0, -0.5]), SPD, np.ones((2, 2)), 0.0), "damping >"),
    "kron vec": (lambda: K.kronecker_dense(SPD, SPD, vec="diag"), "vec"),
    "cg damping": (lambda: K.cg_natural_gradient(lambda v: v, np.ones(2), damping=-1), "damping"),
    "cg fvp": (lambda: K.cg_natural_gradient(None, np.ones(2)), "fvp"),
    "tr delta": (lambda: K.trust_region_step(np.ones(2), np.ones(2), 0.0), "delta"),
    "tr shape": (lambda: K.trust_region_step(np.ones(2), np.ones(3), 0.1), "grad"),
    "ls backtrack": (lambda: K.kl_line_search(np.ones(2), np.ones(2), len, len, 0.1, backtrack=2.0), "backtrack"),
    "mlp sizes": (lambda: K.MLP([3]), "sizes"),
    "mlp activation": (lambda: K.MLP([3, 2], activation="gelu"), "activation"),
    "mlp X": (lambda: K.MLP([3, 2]).forward(np.zeros(8), np.ones((2, 4))), "X"),
    "mlp nan": (lambda: K.MLP([3, 2]).forward(np.full(8, np.nan), np.ones((2, 3))), "params"),
    "train method": (lambda: K.train("adam"), "method"),
    "mlp overflow": (lambda: K.MLP([3, 2]).forward(np.full(8, 1e200), np.full((2, 3), 1e200)), "overflow"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_raises_value_error_naming_argument(case):
    call, fragment = CASES[case]
    with pytest.raises(ValueError, match=fragment):
        call()


def test_non_contiguous_and_integer_inputs():
    big = np.arange(16.0).reshape(4, 4)
    P4 = np.tile(np.array([0.25, 0.75]), (4, 1))
    strided = np.asfortranarray(P4)
    np.testing.assert_allclose(K.categorical_natural_gradient(strided, strided, 0.1),
                               K.categorical_natural_gradient(P4, P4, 0.1))
    assert K.diagonal_natural_gradient(np.array([1, 2]), np.array([3, 4])).dtype == np.float64
    assert K.tikhonov(big[::2, ::2], 1).dtype == np.float64


def test_import_loads_only_numpy_scipy_numba():
    code = ("import sys, ngproof.kernels; "
            "print(any(m.split('.')[0] in ('sympy', 'hypothesis') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


F32 = np.float32
A32 = (SPD @ SPD.T + np.eye(2)).astype(F32)
P32 = P.astype(F32)
J32 = np.ones((2, 2, 3), dtype=F32)
FLOAT32_CALLS = {
    "natural_gradient": lambda: K.natural_gradient(A32, np.ones(2, F32), 0.1),
    "natural_gradient large": lambda: K.natural_gradient(np.eye(70, dtype=F32), np.ones(70, F32), 0.1),
    "diagonal_natural_gradient": lambda: K.diagonal_natural_gradient(np.ones(2, F32), np.ones(2, F32)),
    "bernoulli_natural_gradient": lambda: K.bernoulli_natural_gradient(np.zeros(2, F32), 1),
    "gaussian_natural_gradient": lambda: K.gaussian_natural_gradient(*(np.ones(2, F32),) * 4)[1],
    "gaussian_fisher_diagonal": lambda: K.gaussian_fisher_diagonal(np.ones(2, F32)),
    "categorical_fisher": lambda: K.categorical_fisher(P32),
    "categorical_natural_gradient": lambda: K.categorical_natural_gradient(P32, P32, 0.1),
    "softmax_fisher": lambda: K.softmax_fisher(J32, P32),
    "monte_carlo_fisher": lambda: K.monte_carlo_fisher(J32, P32),
    "empirical_fisher": lambda: K.empirical_fisher(J32, P32, np.array([0, 1])),
    "gaussian_output_fisher": lambda: K.gaussian_output_fisher(J32),
    "tikhonov": lambda: K.tikhonov(A32, 0.1),
    "pi_damping": lambda: K.pi_damping(A32, A32, 0.1)[0],
    "kfac_factors": lambda: K.kfac_factors(np.ones((3, 2), F32), np.ones((3, 2), F32))[0],
    "damped_inverse": lambda: K.damped_inverse(A32, 0.1),
    "kfac_step": lambda: K.kfac_step(np.eye(3, 2, dtype=F32), np.eye(3, 2, dtype=F32), np.ones((2, 3), F32), 0.1),
    "kronecker_dense": lambda: K.kronecker_dense(A32, A32),
    "ema": lambda: K.ema(A32, A32, 0.5),
    "trust_region_step": lambda: K.trust_region_step(np.ones(2, F32), np.ones(2, F32), 0.1),
    "cg_natural_gradient": lambda: K.cg_natural_gradient(lambda v: A32 @ v, np.ones(2, F32), tol=1e-5)[0],
}


@pytest.mark.parametrize("name", sorted(FLOAT32_CALLS))
def test_float32_in_float32_out(name):
    out = FLOAT32_CALLS[name]()
    assert out.dtype == np.float32
    assert np.all(np.isfinite(out))

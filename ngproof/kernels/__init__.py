"""ngproof.kernels: natural gradient, damping and K-FAC as a numba library.

Implements the lesson 24-02 "Natural Gradient Descent": dense and diagonal
natural gradients, the closed forms for Bernoulli, Gaussian and categorical
models, Fisher estimators, damping (Tikhonov, Levenberg–Marquardt, π-damping,
exact damping), K-FAC and EKFAC for dense and convolutional layers
(exact, Monte-Carlo and empirical Fisher; bias appended or separate), scipy
LinearOperator views of the curvature, matrix-free conjugate gradient, the KL
trust-region step, a small MLP and conv net in PyTorch's layout, a K-FAC
optimizer and a training comparison.  Imports numpy, scipy and numba
only; every public function validates its input and raises ``ValueError``
naming the argument.

Conventions: float32 in gives float32 out, float64 gives float64, integers
become float64; inputs may be non-contiguous; outputs are new C-contiguous
arrays.  Loops run in ``@njit(cache=True)`` cores (small dense solves, the
closed forms, copies); matrix products and large factorisations call
OpenBLAS/LAPACK through ``scipy.linalg.blas``/``lapack`` from Python (faster
than numba's built-ins there, and numba cannot cache kernels that call LAPACK
through ctypes).  Only the categorical kernel uses several threads, and only
on inputs of ``closed_forms.PARALLEL_MIN_SIZE`` elements or more; under
numba's GNU OpenMP layer a process that ran it must not fork afterwards.
"""

from .cg import cg_natural_gradient
from .closed_forms import (
    bernoulli_fisher,
    bernoulli_gradient,
    bernoulli_natural_gradient,
    categorical_fisher,
    categorical_natural_gradient,
    gaussian_fisher_diagonal,
    gaussian_natural_gradient,
)
from .convnet import ConvNet
from .damping import LevenbergMarquardt, lm_damping, pi_damping, reduction_ratio, tikhonov
from .fisher import (
    bernoulli_output_fisher,
    empirical_fisher,
    gaussian_output_fisher,
    monte_carlo_fisher,
    scores_outer_mean,
    softmax_fisher,
)
from .kfac import damped_inverse, ema, kfac_factors, kfac_precondition, kfac_solve, kfac_step, kronecker_dense
from .kfac_eigen import KroneckerEigen, eigenbasis_solve, kronecker_eigen
from .kfac_mlp import ekfac
from .kfac_tridiagonal import TridiagonalKronecker, kfac_solve_exact, kronecker_tridiagonal
from .kfac_optimizer import KFACOptimizer
from .mlp import MLP
from .operators import (
    EKFACOperator,
    EmpiricalFisherOperator,
    FisherOperator,
    GGNOperator,
    KFACInverseOperator,
    KFACOperator,
)
from .natural_gradient import diagonal_natural_gradient, natural_gradient
from .training import synthetic_data, train
from .trust_region import kl_line_search, trust_region_step

__all__ = [
    "ConvNet",
    "EKFACOperator",
    "EmpiricalFisherOperator",
    "FisherOperator",
    "GGNOperator",
    "KFACInverseOperator",
    "KFACOperator",
    "KFACOptimizer",
    "KroneckerEigen",
    "LevenbergMarquardt",
    "MLP",
    "TridiagonalKronecker",
    "bernoulli_fisher",
    "bernoulli_gradient",
    "bernoulli_natural_gradient",
    "bernoulli_output_fisher",
    "categorical_fisher",
    "categorical_natural_gradient",
    "cg_natural_gradient",
    "damped_inverse",
    "diagonal_natural_gradient",
    "eigenbasis_solve",
    "ekfac",
    "ema",
    "empirical_fisher",
    "gaussian_fisher_diagonal",
    "gaussian_natural_gradient",
    "gaussian_output_fisher",
    "kfac_factors",
    "kfac_precondition",
    "kfac_solve",
    "kfac_solve_exact",
    "kfac_step",
    "kl_line_search",
    "kronecker_eigen",
    "kronecker_dense",
    "kronecker_tridiagonal",
    "lm_damping",
    "monte_carlo_fisher",
    "natural_gradient",
    "pi_damping",
    "reduction_ratio",
    "scores_outer_mean",
    "softmax_fisher",
    "synthetic_data",
    "tikhonov",
    "train",
    "trust_region_step",
]

"""Each jitted core compiles once per dtype: repeated calls add no signature."""

from importlib import import_module

import numpy as np
import pytest
from numba import config

import ngproof.kernels as K

# the package re-exports functions named like their modules, so import the modules by path
closed_forms, damping, kfac, natural_gradient = (
    import_module(f"ngproof.kernels.{name}") for name in ("closed_forms", "damping", "kfac", "natural_gradient"))

CORES = [natural_gradient._cholesky_solve_core, natural_gradient._damped_copy_core,
         natural_gradient._diagonal_core, closed_forms._bernoulli_core, closed_forms._gaussian_core,
         closed_forms._gaussian_fisher_core, closed_forms._categorical_serial,
         closed_forms._categorical_parallel, damping._add_diagonal_core,
         kfac._ema_core, kfac._kron_core]


def _exercise(dtype):
    rng = np.random.default_rng(0)
    spd = np.eye(5, dtype=dtype) * 2
    for d in (3, 80):
        K.natural_gradient(np.eye(d, dtype=dtype), np.ones(d, dtype=dtype), 0.1)
        K.natural_gradient(np.eye(d, dtype=dtype), np.ones((d, 2), dtype=dtype)[::1], 0.0)
    K.diagonal_natural_gradient(np.ones(4, dtype=dtype), np.ones(4, dtype=dtype), 0.1)
    K.bernoulli_natural_gradient(np.ones(3, dtype=dtype), 1)
    K.gaussian_natural_gradient(*(np.ones(3, dtype=dtype),) * 4)
    K.gaussian_fisher_diagonal(np.ones(3, dtype=dtype))
    p = np.full((7, 4), 0.25, dtype=dtype)
    K.categorical_natural_gradient(p, rng.standard_normal((7, 4)).astype(dtype), 0.1)
    K.categorical_natural_gradient(p[0], p[0], 0.1)
    big = np.full((closed_forms.PARALLEL_MIN_SIZE // 4, 4), 0.25, dtype=dtype)
    K.categorical_natural_gradient(big, big, 0.1)
    K.tikhonov(spd, 1.0)
    K.pi_damping(spd, spd, 0.1)
    K.ema(spd, spd, 0.5)
    K.kronecker_dense(spd, spd)


@pytest.mark.skipif(config.DISABLE_JIT, reason="NUMBA_DISABLE_JIT=1: nothing is compiled")
def test_each_core_compiles_once_per_dtype():
    for dtype in (np.float64, np.float32):
        _exercise(dtype)
    counts = [len(core.signatures) for core in CORES]
    for dtype in (np.float64, np.float32, np.float64):
        _exercise(dtype)
    assert [len(core.signatures) for core in CORES] == counts
    # one signature per dtype, and per rank of the gradient for the dense solve
    assert all(1 <= c <= 4 for c in counts), dict(zip([c.__name__ for c in CORES], counts))

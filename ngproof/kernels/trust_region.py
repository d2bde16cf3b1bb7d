"""KL trust-region step (TRPO).  Lesson: "Connection to TRPO and PPO" and the
formal derivation in "The Natural Gradient".

Maximal descent of the linearised loss under ``½ sᵀ F s <= δ`` gives

    s = -sqrt(2δ / (gᵀ F⁻¹ g)) · F⁻¹ g,

so that ``½ sᵀ F s = δ`` exactly (the quadratic model of the KL).  The sign
makes ``s`` a *descent* step to add to the parameters: ``θ_new = θ + s``.
Because the quadratic model is only second-order accurate, TRPO then
backtracks on the exact KL (:func:`kl_line_search`).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ._validate import as_array, check_scalar, result_dtype


def trust_region_step(nat_grad, grad, delta: float) -> np.ndarray:
    """Scale ``nat_grad = F⁻¹g`` to the KL budget: ``-sqrt(2δ / gᵀF⁻¹g) F⁻¹g``.

    Args:
        nat_grad: (d,) natural gradient ``F⁻¹ g``.
        grad: (d,) gradient ``g``; ``g · F⁻¹g`` must be > 0.
        delta: KL budget δ > 0.
    """
    nat_grad = as_array(nat_grad, "nat_grad", ndim=1)
    grad = as_array(grad, "grad", ndim=1)
    if nat_grad.shape != grad.shape:
        raise ValueError(f"grad has shape {grad.shape}, which does not match nat_grad with shape {nat_grad.shape}")
    delta = check_scalar(delta, "delta", positive=True)
    quad = float(np.dot(grad.astype(np.float64), nat_grad.astype(np.float64)))
    if not quad > 0:
        raise ValueError(
            f"grad . nat_grad = {quad:.3e} must be > 0 (F must be positive definite and grad nonzero)"
        )
    scale = -math.sqrt(2.0 * delta / quad)
    return (scale * nat_grad).astype(result_dtype(nat_grad, grad))


def kl_line_search(params, step, kl_fn: Callable[[np.ndarray], float],
                   loss_fn: Callable[[np.ndarray], float], delta: float,
                   backtrack: float = 0.5, max_steps: int = 10):
    """Backtracking line search on the exact KL.

    Tries ``params + backtrack**i · step`` for i = 0, 1, ... and accepts the
    first candidate with ``kl_fn(candidate) <= delta`` and a loss below
    ``loss_fn(params)``.  ``kl_fn(candidate)`` is ``KL(p_params ‖ p_candidate)``.

    Returns ``(new_params, info)``; info has ``accepted``, ``fraction``,
    ``kl``, ``loss``.  When nothing is accepted, ``params`` is returned unchanged.
    """
    params = as_array(params, "params", ndim=1)
    step = as_array(step, "step", ndim=1)
    if step.shape != params.shape:
        raise ValueError(f"step has shape {step.shape}, which does not match params with shape {params.shape}")
    delta = check_scalar(delta, "delta", positive=True)
    backtrack = check_scalar(backtrack, "backtrack", positive=True)
    if backtrack >= 1:
        raise ValueError(f"backtrack must lie in (0, 1), got {backtrack}")
    if int(max_steps) < 1:
        raise ValueError(f"max_steps must be >= 1, got {max_steps}")
    base_loss = float(loss_fn(params))
    fraction = 1.0
    for _ in range(int(max_steps)):
        candidate = params + fraction * step
        kl = float(kl_fn(candidate))
        loss = float(loss_fn(candidate))
        if math.isfinite(kl) and math.isfinite(loss) and kl <= delta and loss < base_loss:
            return candidate, {"accepted": True, "fraction": fraction, "kl": kl, "loss": loss}
        fraction *= backtrack
    return params.copy(), {"accepted": False, "fraction": 0.0, "kl": 0.0, "loss": base_loss}

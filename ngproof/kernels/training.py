"""Training comparison on the lesson's Worked Example 3 architecture.

100 → 50 → 10, ReLU, softmax cross-entropy, on synthetic data labelled by a
random teacher network of the same shape (seeded).  Methods:

* ``"sgd"``: ``θ ← θ - lr·g``;
* ``"natural"``: exact damped natural gradient on each mini-batch,
  ``(F + λI)^{-1} g`` with ``F = BᵀB/N`` (``B_n = P_n J_n``, ``P_nᵀP_n = diag π_n - π_nπ_nᵀ``),
  solved through the (NK × NK) Woodbury system
  ``(F + λI)^{-1} = (I - Bᵀ(NλI + BBᵀ)^{-1}B)/λ`` with :func:`natural_gradient`;
* ``"kfac"``: per-layer K-FAC with EMA factors, π-damping, the step rescaled
  to the minimum of the exact quadratic model, and Levenberg–Marquardt damping
  from the reduction ratio; a step that raises the loss is rejected.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ._validate import check_damping, check_positive_int, check_scalar
from .damping import LevenbergMarquardt
from .kfac import ema, kfac_solve
from .mlp import MLP, _softmax
from .natural_gradient import natural_gradient

METHODS = ("sgd", "natural", "kfac")


def synthetic_data(n: int = 2048, seed: int = 0):
    """Inputs N(0, 1) of width 100 and labels from a random teacher MLP."""
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 100))
    teacher = MLP([100, 50, 10], activation="relu")
    y = np.argmax(teacher.forward(teacher.init_params(seed + 1) * 3, X), axis=1)
    return X, y


def _natural_direction(model: MLP, params, X, grad, damping) -> np.ndarray:
    """Exact ``(F + λI)^{-1} g`` for the batch Fisher ``F = BᵀB/N``, ``B_n = P_n J_n``,
    ``P_n = diag(√π_n) - √π_n π_nᵀ`` (so ``P_nᵀP_n = diag π_n - π_nπ_nᵀ``), by Woodbury:
    ``(g - Bᵀ(NλI + BBᵀ)^{-1}Bg)/λ``.  ``BBᵀ`` comes from the Jacobian Gram matrix
    (:meth:`MLP.jacobian_gram`) and ``Bg``, ``Bᵀu`` from forward/reverse products,
    so the (NK, d) matrix B is never formed."""
    n, k = X.shape[0], model.sizes[-1]
    probs = _softmax(model.forward(params, X))
    root = np.sqrt(probs)
    P = np.einsum("nk,kl->nkl", root, np.eye(k)) - root[:, :, None] * probs[:, None, :]
    gram = model.jacobian_gram(params, X)
    left = np.matmul(P, gram.reshape(n, k, n * k))  # P_n (J_n J_mᵀ)
    BBt = np.matmul(left.reshape(n * k, n, k).transpose(1, 0, 2), P.transpose(0, 2, 1))
    BBt = np.ascontiguousarray(BBt.transpose(1, 0, 2)).reshape(n * k, n * k)  # ... P_mᵀ
    Bg = np.einsum("nab,nb->na", P, model.jvp(params, X, grad))
    inner = natural_gradient(BBt, Bg.ravel(), damping=n * damping).reshape(n, k)
    return (grad - model.vjp(params, X, np.einsum("nba,nb->na", P, inner))) / damping


def _layer_gradients(model: MLP, grad) -> list:
    return [np.hstack([W, b[:, None]]) for W, b in model.unflatten(grad)]


def _curvature(model: MLP, params, X, direction, damping) -> float:
    """``dᵀ(F + λI)d`` with the exact batch Fisher, by a forward-mode product."""
    jd = model.jvp(params, X, direction)
    probs = _softmax(model.forward(params, X))
    quad = np.sum(probs * jd * jd) - np.sum(np.sum(probs * jd, axis=1) ** 2)
    return quad / X.shape[0] + damping * (direction @ direction)


def train(method: str, steps: int = 50, lr: float | None = None, damping: float | None = None,
          batch_size: int = 64, seed: int = 0, n: int = 2048, max_seconds: float | None = None) -> dict:
    """Train the Worked Example 3 network; return per-step losses and elapsed seconds.

    Both second-order methods take ``α·d`` where ``d`` is the (approximate)
    damped natural-gradient descent direction and ``α = min(lr, -gᵀd / dᵀ(F+λI)d)``
    minimises the exact quadratic model; λ follows Levenberg–Marquardt.

    Returns ``{"method", "losses", "seconds", "damping"}``: the full-data loss
    after each step (index 0 is the initial loss), cumulative wall-clock
    seconds of the updates (loss evaluation excluded), and the damping trace.
    With ``max_seconds`` the run stops early once the updates have used that
    much time (the lists are then shorter than ``steps + 1``).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    n = check_positive_int(n, "n")
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be <= n = {n}, got {batch_size}")
    if lr is not None:
        lr = check_scalar(lr, "lr", positive=True)
    if damping is not None:
        damping = check_damping(damping, positive=True)
    if max_seconds is not None:
        max_seconds = check_scalar(max_seconds, "max_seconds", nonnegative=True)
    X, y = synthetic_data(n, seed)
    model = MLP([100, 50, 10], activation="relu")
    params = model.init_params(seed)
    rng = np.random.default_rng(seed + 2)
    lr = {"sgd": 0.5, "natural": 1.0, "kfac": 1.0}[method] if lr is None else lr
    # Exact NG on a mini-batch of 64 examples and 5560 parameters can fit the
    # batch outright when λ is small (the full-data loss then rises), so its
    # damping keeps the floor λ >= 1 the lesson suggests starting from.
    lm = LevenbergMarquardt(damping=1.0 if damping is None else damping,
                            min_damping=1.0 if method == "natural" else 1e-8)
    factors = None
    losses = [model.loss(params, X, y)]
    seconds, dampings = [0.0], [lm.damping]
    elapsed = 0.0
    for _ in range(steps):
        if max_seconds is not None and elapsed >= max_seconds:
            break
        batch = rng.choice(n, batch_size, replace=False)
        Xb, yb = X[batch], y[batch]
        start = time.perf_counter()
        grad = model.gradient(params, Xb, yb)
        if method == "sgd":
            params = params - lr * grad
        else:
            if method == "natural":
                delta = -_natural_direction(model, params, Xb, grad, lm.damping)
            else:
                new = model.kfac_factors(params, Xb)
                factors = new if factors is None else [
                    (ema(A0, A1, 0.9), ema(G0, G1, 0.9)) for (A0, G0), (A1, G1) in zip(factors, new)]
                blocks = [kfac_solve(A, G, V, lm.damping)
                          for (A, G), V in zip(factors, _layer_gradients(model, grad))]
                delta = -np.concatenate([np.concatenate([blk[:, :-1].ravel(), blk[:, -1]]) for blk in blocks])
            slope = grad @ delta
            if slope < 0:  # otherwise the gradient is zero: nothing to descend
                curvature = _curvature(model, params, Xb, delta, lm.damping)
                alpha = min(lr, -slope / curvature)
                predicted = -(alpha * slope + 0.5 * alpha**2 * curvature)
                candidate = params + alpha * delta
                old_loss = model.loss(params, Xb, yb)
                try:
                    new_loss = model.loss(candidate, Xb, yb)
                except ValueError:  # the candidate overflowed: a rejected, bad step
                    new_loss = math.inf
                lm.update(old_loss - new_loss, predicted)
                if new_loss < old_loss:
                    params = candidate
        elapsed += time.perf_counter() - start
        losses.append(model.loss(params, X, y))
        seconds.append(elapsed)
        dampings.append(lm.damping)
    return {"method": method, "losses": losses, "seconds": seconds, "damping": dampings}

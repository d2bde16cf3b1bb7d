"""A K-FAC optimizer for :class:`~ngproof.kernels.MLP` (Martens & Grosse 2015, §6–7).

Per step, on a mini-batch:

1. factors ``(A, G)`` of every layer (Monte-Carlo Fisher by default) averaged
   by a bias-corrected exponential moving average (as Adam's moments and
   kfac-jax's factors): ``S ← decay·S + (1-decay)·new``, ``w ← decay·w + (1-decay)``,
   factor ``= S / w`` (the first step's factors are exactly the batch's);
2. every ``inverse_every`` steps the factors are refactored (the smaller one
   diagonalised, the larger one tridiagonalised, :mod:`~ngproof.kernels.kfac_tridiagonal`);
   between refreshes the exact damped inverse ``(A ⊗ G + λI)⁻¹`` reuses them
   for whatever λ currently is (no refactorisation when λ changes);
3. the proposal ``Δ = -(K + λI)⁻¹ g``;
4. learning rate α and momentum μ minimise the quadratic model
   ``M(δ) = gᵀδ + ½ δᵀ(F + λI)δ`` over ``δ = αΔ + μ δ_prev`` with the exact
   mini-batch Fisher ``F`` (two Fisher–vector products, a 2×2 solve);
5. on every ``adapt_every``-th step (steps k with (k+1) divisible by it) the reduction ratio ``ρ = (L(θ+δ) - L(θ)) / M(δ)``
   adapts λ (Levenberg–Marquardt): ``λ·ω`` if ρ > 3/4, ``λ/ω`` if ρ < 1/4,
   with ``ω = (19/20)^adapt_every``; as in Martens & Grosse (and kfac-jax's
   default), the model in ρ is ``gᵀδ + ½ δᵀFδ`` without the damping term.

With ``fisher="exact"`` the first steps agree with kfac-jax's ``Optimizer``
(adaptive learning rate, momentum and damping, exact inverses,
``inverse_update_period=1``, no burn-in) to rounding; ``ngproof bench --peers`` checks it.

The state is plain numpy; ``step`` returns the new parameters and a dict of
diagnostics (loss, α, μ, λ, ρ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._validate import check_damping, check_output, check_positive_int, check_scalar
from .kfac_tridiagonal import kronecker_tridiagonal
from .kfac_mlp import FISHERS, _blocks, _factors, _mean_output_fisher, _softmax


@dataclass
class KFACOptimizer:
    """K-FAC with factor EMA, exact damping, α and μ from the quadratic model and LM damping."""

    model: object
    damping: float = 1e-1
    decay: float = 0.95
    inverse_every: int = 5
    adapt_every: int = 5
    fisher: str = "mc"
    min_damping: float = 1e-6
    max_damping: float = 1e4
    seed: int = 0
    factors: list | None = field(default=None, init=False)
    _sums: list | None = field(default=None, init=False)
    _weight: float = field(default=0.0, init=False)
    _inverses: list | None = field(default=None, init=False)
    _previous: np.ndarray | None = field(default=None, init=False)
    steps: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.damping = check_damping(self.damping, positive=True)
        self.decay = check_scalar(self.decay, "decay", nonnegative=True)
        if self.decay >= 1:
            raise ValueError(f"decay must lie in [0, 1), got {self.decay}")
        self.inverse_every = check_positive_int(self.inverse_every, "inverse_every")
        self.adapt_every = check_positive_int(self.adapt_every, "adapt_every")
        if self.fisher not in FISHERS:
            raise ValueError(f"fisher must be one of {FISHERS}, got {self.fisher!r}")
        if not 0 < self.min_damping <= self.damping <= self.max_damping:
            raise ValueError(f"need 0 < min_damping <= damping <= max_damping, got {self.min_damping}, "
                             f"{self.damping}, {self.max_damping}")

    def _direction(self, grad: np.ndarray, inverses) -> np.ndarray:
        parts = []
        for (W, b), factored in zip(self.model._split(grad), inverses):
            V = factored.solve(np.hstack([W, b[:, None]]), self.damping)
            parts += [V[:, :-1].ravel(), V[:, -1]]
        return -np.concatenate(parts)

    def _fisher_products(self, params, inputs, pre, vectors) -> np.ndarray:
        """Gram matrix ``[uᵢᵀ F uⱼ]`` of the exact mini-batch Fisher over the given
        directions, from the step's stored forward pass."""
        z = pre[-1]
        jvps = [self.model._tangent(params, inputs, pre, v) for v in vectors]
        if self.model.loss_name == "cross_entropy":
            p = _softmax(z)
            lam = [p * u - p * (p * u).sum(axis=1, keepdims=True) for u in jvps]
        else:
            lam = [2.0 / z.shape[1] * u for u in jvps]
        return np.array([[np.sum(u * w) for w in lam] for u in jvps]) / z.shape[0]

    def _averaged_factors(self, new):
        """Bias-corrected EMA of the factors: ``S ← decay·S + (1-decay)·new``, factor = S / w.
        Returns the new ``(sums, weight, factors)`` without changing the optimizer."""
        old = self._sums if self._sums is not None else [(np.zeros_like(A), np.zeros_like(G)) for A, G in new]
        sums = [tuple(self.decay * S + (1 - self.decay) * M for S, M in zip(pair, fresh))
                for pair, fresh in zip(old, new)]
        weight = self.decay * self._weight + (1 - self.decay)
        return sums, weight, [(S_A / weight, S_G / weight) for S_A, S_G in sums]

    def step(self, params, X, y):
        """One K-FAC update on the mini-batch ``(X, y)``; returns ``(new_params, info)``."""
        model = self.model
        params, X = model._params(params), model._inputs(X)
        y = model._targets(y, X.shape[0])
        # one forward pass serves the loss, the gradient, the factors and the Fisher products
        inputs, pre = model._forward(params, X)
        z = check_output(pre[-1], "params or X", "the network's outputs")
        old_loss = model._loss_of(z, y)
        grad = model._pullback(params, inputs, pre, model._output_residual(z, y) / X.shape[0])
        blocks = _blocks(model, params, inputs, pre, y, self.fisher, self.seed + self.steps, 1)
        output_G = _mean_output_fisher(model, z) if self.fisher == "exact" else None
        # the optimizer's state changes only once the step has succeeded (a caller may skip a bad batch)
        sums, weight, factors = self._averaged_factors(_factors(model, inputs, blocks, "appended", output_G))
        inverses = self._inverses
        if inverses is None or self.steps % self.inverse_every == 0:
            inverses = [kronecker_tridiagonal(A, G) for A, G in factors]
        delta = self._direction(grad, inverses)
        vectors = [delta] if self._previous is None else [delta, self._previous]
        F = self._fisher_products(params, inputs, pre, vectors)
        C = F + self.damping * np.array([[u @ w for w in vectors] for u in vectors])
        b = np.array([grad @ v for v in vectors])
        try:
            coeffs = -np.linalg.solve(C, b)
        except np.linalg.LinAlgError:  # Δ and δ_prev parallel: drop the momentum
            vectors, F, C, b = vectors[:1], F[:1, :1], C[:1, :1], b[:1]
            coeffs = -b / C[0, 0]
        coeffs = coeffs if np.all(np.isfinite(coeffs)) else np.zeros_like(coeffs)
        update = sum(c * v for c, v in zip(coeffs, vectors))
        predicted = float(b @ coeffs + 0.5 * coeffs @ F @ coeffs)  # the undamped model's change
        candidate = params + update
        info = {"loss": old_loss, "alpha": float(coeffs[0]), "mu": float(coeffs[1]) if len(coeffs) > 1 else 0.0,
                "damping": self.damping, "rho": math.nan}
        damping = self.damping
        if (self.steps + 1) % self.adapt_every == 0 and predicted < 0:
            try:
                new_loss = model.loss(candidate, X, y)
            except ValueError:  # the candidate overflowed: a very bad step
                new_loss = math.inf
            rho = (new_loss - old_loss) / predicted if math.isfinite(new_loss) else -math.inf
            omega = (19 / 20) ** self.adapt_every
            if rho > 0.75:
                damping = max(self.min_damping, self.damping * omega)
            elif rho < 0.25:
                damping = min(self.max_damping, self.damping / omega)
            info["rho"] = rho
        self._sums, self._weight, self.factors, self._inverses = sums, weight, factors, inverses
        self.damping, self._previous = damping, update
        self.steps += 1
        return candidate, info

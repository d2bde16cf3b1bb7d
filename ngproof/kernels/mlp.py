"""A small dense MLP with explicit weights in PyTorch's layout, and its curvature.

Parameters are a list of ``(W, b)`` with ``W`` (out, in) and ``b`` (out,),
flattened in PyTorch's ``model.parameters()`` order:
``W1.flatten() (row-major), b1, W2.flatten(), b2, ...``.  Hidden layers use
``tanh``, ``relu`` or ``linear`` (identity, for deep linear networks); the last
layer outputs logits (cross-entropy) or predictions (MSE).  Losses follow
PyTorch with ``reduction='mean'``: ``CrossEntropyLoss`` averages ``-log π_y``
over the N examples; ``MSELoss`` averages ``(z - y)²`` over all N·K entries.

Curvature (lesson: "Practical Approximations", Worked Example 3):

* :meth:`MLP.fisher` is the GGN of the mean loss.  For cross-entropy it is the
  exact Fisher ``(1/N) Σ J_nᵀ(diag π_n - π_nπ_nᵀ)J_n``; for MSE it is
  ``(2/K)(1/N) Σ J_nᵀJ_n`` (the Fisher of a Gaussian with variance K/2).
* :meth:`MLP.empirical_fisher` is ``(1/N) Σ ∇ℓ_n ∇ℓ_nᵀ`` with
  ``L = (1/N) Σ ℓ_n``, at the true labels.
* :meth:`MLP.kfac_factors` gives per layer ``(A, G)`` (bias as a trailing ones
  column of A, see :mod:`ngproof.kernels.kfac`), G from the per-example
  pre-activation gradients: exactly in expectation over the model's labels
  (``"exact"``), with sampled labels (``"mc"``) or the true ones (``"empirical"``).
* :meth:`MLP.kfac_dense` assembles the block-diagonal K-FAC matrix over all
  parameters in PyTorch order: per layer ``G ⊗ A`` for the row-major flatten
  of ``[W | b]``, then permuted so that W's entries come first and b's after.
"""

from __future__ import annotations

import numpy as np

from . import kfac_mlp
from .kfac_mlp import _softmax
from ._validate import as_array, check_finite, check_output
from .fisher import empirical_fisher as _empirical_fisher
from .fisher import gaussian_output_fisher, softmax_fisher

_ACTIVATIONS = ("tanh", "relu", "linear")
_LOSSES = ("cross_entropy", "mse")


class MLP:
    """Dense network ``sizes[0] → sizes[1] → ... → sizes[-1]``."""

    def __init__(self, sizes, activation: str = "tanh", loss: str = "cross_entropy"):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
        if loss not in _LOSSES:
            raise ValueError(f"loss must be one of {_LOSSES}, got {loss!r}")
        self.sizes = sizes
        self.activation = activation
        self.loss_name = loss
        self.shapes = [(o, i) for i, o in zip(sizes[:-1], sizes[1:])]
        self.num_params = sum(o * i + o for o, i in self.shapes)

    # parameters -----------------------------------------------------------
    def init_params(self, seed: int = 0) -> np.ndarray:
        """PyTorch's default ``nn.Linear`` init, U(-1/√in, 1/√in), as a flat vector."""
        rng = np.random.default_rng(seed)
        layers = []
        for out, inp in self.shapes:
            bound = 1.0 / np.sqrt(inp)
            layers.append((rng.uniform(-bound, bound, (out, inp)), rng.uniform(-bound, bound, out)))
        return self.flatten(layers)

    def flatten(self, layers) -> np.ndarray:
        """``[(W, b), ...]`` → flat vector in PyTorch order."""
        if len(layers) != len(self.shapes):
            raise ValueError(f"layers must hold {len(self.shapes)} (W, b) pairs, got {len(layers)}")
        parts = []
        for (W, b), (out, inp) in zip(layers, self.shapes):
            W = np.asarray(W)
            b = np.asarray(b)
            if W.shape != (out, inp) or b.shape != (out,):
                raise ValueError(f"layer expects W {(out, inp)} and b {(out,)}, got {W.shape} and {b.shape}")
            parts += [W.ravel(), b]
        return np.concatenate(parts)

    def unflatten(self, params) -> list:
        """Flat vector → list of ``(W, b)`` views."""
        return self._split(self._params(params))

    def _split(self, params: np.ndarray) -> list:
        """``(W, b)`` views of a validated flat vector (the internal, unchecked :meth:`unflatten`)."""
        layers, start = [], 0
        for out, inp in self.shapes:
            W = params[start:start + out * inp].reshape(out, inp)
            start += out * inp
            layers.append((W, params[start:start + out]))
            start += out
        return layers

    def _params(self, params) -> np.ndarray:
        params = as_array(params, "params", ndim=1)
        if params.shape[0] != self.num_params:
            raise ValueError(f"params must have {self.num_params} entries, got {params.shape[0]}")
        return params

    def _inputs(self, X) -> np.ndarray:
        X = as_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns, got shape {X.shape}")
        return X

    def _targets(self, y, n: int) -> np.ndarray:
        if self.loss_name == "cross_entropy":
            y = np.asarray(y)
            if y.shape != (n,) or y.dtype.kind not in "iu":
                raise ValueError(f"y must be integer class labels of shape ({n},), got {y.dtype} {y.shape}")
            if y.min() < 0 or y.max() >= self.sizes[-1]:
                raise ValueError(f"y must lie in [0, {self.sizes[-1]})")
            return y
        y = as_array(y, "y", ndim=2)
        if y.shape != (n, self.sizes[-1]):
            raise ValueError(f"y must have shape {(n, self.sizes[-1])}, got {y.shape}")
        return y

    # forward / backward ---------------------------------------------------
    def _act(self, s):
        if self.activation == "tanh":
            return np.tanh(s)
        if self.activation == "relu":
            return np.maximum(s, 0)
        return s

    def _act_grad(self, s, a):
        if self.activation == "tanh":
            return 1 - a * a
        if self.activation == "relu":
            return (s > 0).astype(s.dtype)
        return np.ones_like(s)

    def _forward(self, params, X):
        """Inputs of every layer and its pre-activations."""
        inputs, pre = [], []
        a = X
        layers = self._split(params)
        for index, (W, b) in enumerate(layers):
            inputs.append(a)
            s = a @ W.T + b
            pre.append(s)
            a = s if index == len(layers) - 1 else self._act(s)
        return inputs, pre

    def forward(self, params, X) -> np.ndarray:
        """Outputs (logits or predictions), shape (N, K); ValueError if they overflow."""
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below instead
            z = self._forward(self._params(params), self._inputs(X))[1][-1]
        check_finite(z, "outputs (the forward pass overflowed; params or X too large)")
        return z

    def loss(self, params, X, y) -> float:
        """PyTorch ``CrossEntropyLoss``/``MSELoss`` with ``reduction='mean'``."""
        z = self.forward(params, X)
        return self._loss_of(z, self._targets(y, z.shape[0]))

    def _loss_of(self, z, y) -> float:
        """The mean loss of finite outputs ``z`` (N, K) at validated targets ``y``."""
        if self.loss_name == "cross_entropy":
            m = z.max(axis=1)
            lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
            return float(np.mean(lse - z[np.arange(z.shape[0]), y]))
        return float(np.mean((z - y) ** 2))

    def _output_residual(self, z, y) -> np.ndarray:
        """``∂ℓ_n/∂z_n`` of the per-example loss (``L = mean_n ℓ_n``)."""
        if self.loss_name == "cross_entropy":
            r = _softmax(z)
            r[np.arange(z.shape[0]), y] -= 1
            return r
        return 2 * (z - y) / z.shape[1]

    def _backward(self, params, inputs, pre, delta) -> list:
        """Back-propagate ``delta = ∂/∂z`` of shape (..., K) to every layer's
        pre-activations: returns one (..., out_l) array per layer."""
        layers = self._split(params)
        deltas = [delta]
        for index in range(len(layers) - 1, 0, -1):
            W = layers[index][0]
            s = pre[index - 1]
            a = inputs[index]
            # one GEMM over all (example, column) rows, not a matmul per example
            top = deltas[0]
            back = (top.reshape(-1, top.shape[-1]) @ W).reshape(top.shape[:-1] + (W.shape[1],))
            local = self._act_grad(s, a)
            deltas.insert(0, back * (local if back.ndim == 2 else local[:, None, :]))
        return deltas

    def _pullback(self, params, inputs, pre, cotangent) -> np.ndarray:
        parts = []
        for a, d in zip(inputs, self._backward(params, inputs, pre, cotangent)):
            parts += [(d.T @ a).ravel(), d.sum(axis=0)]
        return np.concatenate(parts)

    def gradient(self, params, X, y) -> np.ndarray:
        """Gradient of :meth:`loss` by back-propagation, flat in PyTorch order."""
        params = self._params(params)
        X = self._inputs(X)
        inputs, pre = self._forward(params, X)
        y = self._targets(y, X.shape[0])
        return self._pullback(params, inputs, pre, self._output_residual(pre[-1], y) / X.shape[0])

    def vjp(self, params, X, cotangent) -> np.ndarray:
        """Reverse-mode product ``Σ_n J_nᵀ c_n`` for ``cotangent`` c of shape (N, K); flat (d,)."""
        params = self._params(params)
        X = self._inputs(X)
        cotangent = as_array(cotangent, "cotangent", ndim=2)
        if cotangent.shape != (X.shape[0], self.sizes[-1]):
            raise ValueError(f"cotangent must have shape {(X.shape[0], self.sizes[-1])}, got {cotangent.shape}")
        inputs, pre = self._forward(params, X)
        return self._pullback(params, inputs, pre, cotangent)

    def jacobian_gram(self, params, X) -> np.ndarray:
        """``J Jᵀ`` over all examples and outputs, shape (N, K, N, K), without
        forming J: per layer ``(δ_n δ_mᵀ)(a_n·a_m + 1)`` (the empirical NTK)."""
        params = self._params(params)
        X = self._inputs(X)
        inputs, _, deltas = self._jacobian_deltas(params, X)
        n, k = X.shape[0], self.sizes[-1]
        gram = np.zeros((n, k, n, k), dtype=X.dtype)
        for a, d in zip(inputs, deltas):
            flat = d.reshape(n * k, -1)
            gram += (flat @ flat.T).reshape(n, k, n, k) * (a @ a.T + 1)[:, None, :, None]
        return gram

    def _jacobian_deltas(self, params, X):
        inputs, pre = self._forward(params, X)
        n, k = X.shape[0], self.sizes[-1]
        seed = np.broadcast_to(np.eye(k, dtype=X.dtype), (n, k, k))
        return inputs, pre, self._backward(params, inputs, pre, seed)

    def jvp(self, params, X, vector) -> np.ndarray:
        """Forward-mode product ``J_n v`` for every example, shape (N, K)."""
        params = self._params(params)
        X = self._inputs(X)
        vector = as_array(vector, "vector", ndim=1)
        if vector.shape[0] != self.num_params:
            raise ValueError(f"vector must have {self.num_params} entries (one per parameter), got {vector.shape[0]}")
        with np.errstate(over="ignore", invalid="ignore"):  # reported below instead
            inputs, pre = self._forward(params, X)
            check_finite(pre[-1], "outputs (the forward pass overflowed; params or X too large)")
            ds = self._tangent(params, inputs, pre, vector)
        return check_output(ds, "vector", "J v (the Jacobian-vector product)")

    def _tangent(self, params, inputs, pre, vector) -> np.ndarray:
        """``J v`` (N, K) from a stored forward pass: ``ds_l = da_l W_lᵀ + a_l dW_lᵀ + db_l``,
        ``da_{l+1} = ds_l ⊙ σ'(s_l)``; the first layer's input has no tangent."""
        layers = self._split(params)
        da = None
        for index, ((W, _), (dW, db), a) in enumerate(zip(layers, self._split(vector), inputs)):
            ds = a @ dW.T + db if da is None else da @ W.T + a @ dW.T + db
            if index < len(layers) - 1:
                da = ds * self._act_grad(pre[index], inputs[index + 1])
        return ds

    def per_sample_jacobians(self, params, X) -> np.ndarray:
        """``∂z_{n,k}/∂θ`` for every example: shape (N, K, d), PyTorch parameter order."""
        params = self._params(params)
        X = self._inputs(X)
        inputs, _, deltas = self._jacobian_deltas(params, X)
        n, k = X.shape[0], self.sizes[-1]
        parts = []
        for a, d in zip(inputs, deltas):
            parts.append((d[:, :, :, None] * a[:, None, None, :]).reshape(n, k, -1))
            parts.append(d)
        return np.concatenate(parts, axis=2)

    # curvature ------------------------------------------------------------
    def fisher(self, params, X) -> np.ndarray:
        """Exact Fisher = GGN of the mean loss, dense (d, d) (see module docstring)."""
        J = self.per_sample_jacobians(params, X)
        if self.loss_name == "cross_entropy":
            return softmax_fisher(J, _softmax(self.forward(params, X)))
        return gaussian_output_fisher(J, variance=self.sizes[-1] / 2)

    def per_sample_gradients(self, params, X, y) -> np.ndarray:
        """``∇ℓ_n`` with ``L = (1/N) Σ ℓ_n``; shape (N, d)."""
        J = self.per_sample_jacobians(params, X)
        z = self.forward(params, X)
        residual = self._output_residual(z, self._targets(y, z.shape[0]))
        return np.einsum("nk,nkd->nd", residual, J)

    def empirical_fisher(self, params, X, y) -> np.ndarray:
        """Empirical Fisher ``(1/N) Σ ∇ℓ_n ∇ℓ_nᵀ`` at the true labels (not the Fisher)."""
        if self.loss_name == "cross_entropy":
            z = self.forward(params, X)
            return _empirical_fisher(self.per_sample_jacobians(params, X), _softmax(z), self._targets(y, z.shape[0]))
        g = self.per_sample_gradients(params, X, y)
        return g.T @ g / g.shape[0]

    def kfac_factors(self, params, X, y=None, fisher: str = "exact", seed: int = 0,
                     bias: str = "appended", mc_samples: int = 1) -> list:
        """Per layer ``(A, G)``; see :func:`ngproof.kernels.kfac_mlp.kfac_factors`."""
        return kfac_mlp.kfac_factors(self, params, X, y=y, fisher=fisher, seed=seed, bias=bias, mc_samples=mc_samples)

    def layer_permutation(self, index: int) -> np.ndarray:
        """Indices into the row-major flatten of ``[W | b]`` of layer ``index``
        that give PyTorch's order (W row-major, then b)."""
        out, inp = self.shapes[index]
        rows = np.arange(out)[:, None] * (inp + 1)
        return np.concatenate([(rows + np.arange(inp)).ravel(), rows.ravel() + inp])

    def kfac_dense(self, params, X, y=None, fisher: str = "exact", seed: int = 0,
                   bias: str = "appended", mc_samples: int = 1) -> np.ndarray:
        """Block-diagonal K-FAC matrix (d, d) over all parameters in PyTorch order.

        ``bias="appended"``: one block ``G ⊗ Ã`` per layer over ``[W | b]``;
        ``"separate"``: a block ``G ⊗ A`` for W and a block ``G`` for b.
        """
        return kfac_mlp.kfac_dense(self, self.kfac_factors(params, X, y=y, fisher=fisher, seed=seed, bias=bias,
                                                  mc_samples=mc_samples), bias)

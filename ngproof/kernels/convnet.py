"""A small 2-D convolutional network and its K-FAC factors (KFC, Grosse & Martens 2016).

Layout follows :class:`~ngproof.kernels.MLP` and PyTorch: inputs (N, C, H, W);
a conv layer has weight (C_out, C_in, k, k) and bias (C_out,), stride s and
zero padding p; after the conv layers the activations are flattened in
(C, H, W) order and fed to a dense head (an :class:`MLP`).  Parameters are one
flat vector in ``model.parameters()`` order: conv weights (flattened
row-major), conv bias, ..., then the head's ``W, b`` pairs.

im2col: for output location t = (i, j) the patch ``x[:, si-p : si-p+k, sj-p : sj-p+k]``
flattened in (c, u, v) order; the layer is ``s_t = W_mat ã_t`` with ``W_mat``
(C_out, C_in·k·k) and ``ã_t = [patch_t, 1]`` (bias appended).  The per-example
weight gradient is ``Σ_t g_t ã_tᵀ`` (g_t = ∂ℓ/∂s_t), so the Fisher block is
``E[Σ_{t,t'} (ã_t ã_t'ᵀ) ⊗ (g_t g_t'ᵀ)]`` (row-major: ``g``-side left).  Two
Kronecker approximations, over the virtual samples of :mod:`~ngproof.kernels.kfac_mlp`:

* ``approx="expand"`` (KFC): ``A = (1/N) Σ_n Σ_t ã ãᵀ`` from all im2col
  patches, ``G = Σ_{n,c} w (1/T) Σ_t g gᵀ`` (T output locations);
* ``approx="reduce"``: ``A = (1/N) Σ_n ā_n ā_nᵀ`` with the mean patch
  ``ā_n = (1/T) Σ_t ã_t``, ``G = Σ_{n,c} w (Σ_t g_t)(Σ_t g_t)ᵀ`` from the
  spatially summed output gradients.  Exact for one example whose patches are
  all equal (e.g. a spatially constant input without padding).

With T = 1 (the kernel covers the whole input) both are the dense-layer K-FAC.
The dense head's factors are those of :mod:`~ngproof.kernels.kfac_mlp`.
"""

from __future__ import annotations

import numpy as np

from ._blas import gram
from ._validate import as_array, check_output
from .kfac_mlp import FISHERS, _exact_columns, _sampled_residuals, augmented
from .mlp import MLP

APPROXES = ("expand", "reduce")


def im2col(x: np.ndarray, k: int, stride: int, pad: int) -> np.ndarray:
    """Patches of x (N, C, H, W): (N, T, C·k·k), T = H_out·W_out, rows in (c, u, v) order."""
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, w = x.shape
    ho, wo = (h - k) // stride + 1, (w - k) // stride + 1
    view = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :ho, :wo]
    return np.ascontiguousarray(view.transpose(0, 2, 3, 1, 4, 5)).reshape(n, ho * wo, c * k * k)


def col2im(cols: np.ndarray, shape, k: int, stride: int, pad: int) -> np.ndarray:
    """Adjoint of :func:`im2col` for patches (M, T, C·k·k) → images (M, C, H, W)."""
    m = cols.shape[0]
    c, h, w = shape
    hp, wp = h + 2 * pad, w + 2 * pad
    ho, wo = (hp - k) // stride + 1, (wp - k) // stride + 1
    out = np.zeros((m, c, hp, wp), dtype=cols.dtype)
    patches = cols.reshape(m, ho, wo, c, k, k)
    for u in range(k):
        for v in range(k):
            out[:, :, u:u + stride * ho:stride, v:v + stride * wo:stride] += patches[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    return out[:, :, pad:pad + h, pad:pad + w]


class ConvNet:
    """``conv (C_out, k[, stride, pad]) → act → ... → flatten → MLP head``."""

    def __init__(self, in_shape, convs, dense, activation: str = "tanh", loss: str = "cross_entropy"):
        self.in_shape = tuple(int(v) for v in in_shape)
        if len(self.in_shape) != 3 or min(self.in_shape) < 1:
            raise ValueError(f"in_shape must be (C, H, W) with positive entries, got {in_shape}")
        self.convs, shape = [], self.in_shape
        for spec in convs:
            if not 2 <= len(spec) <= 4:
                raise ValueError(f"convs: each layer is (C_out, k[, stride[, pad]]), got {spec}")
            c_out, k, stride, pad = tuple(spec) + (1, 0)[len(spec) - 2:]
            ho = (shape[1] + 2 * pad - k) // stride + 1
            wo = (shape[2] + 2 * pad - k) // stride + 1
            if min(c_out, k, stride) < 1 or pad < 0 or ho < 1 or wo < 1:
                raise ValueError(f"convs: layer {spec} does not fit an input of shape {shape}")
            self.convs.append((int(c_out), shape[0], int(k), int(stride), int(pad), shape, (int(c_out), ho, wo)))
            shape = (int(c_out), ho, wo)
        self.head = MLP([int(np.prod(shape))] + [int(v) for v in dense], activation, loss)
        self.activation, self.loss_name = activation, loss
        self.conv_sizes = [c_out * c_in * k * k + c_out for c_out, c_in, k, *_ in self.convs]
        self.num_params = sum(self.conv_sizes) + self.head.num_params

    def init_params(self, seed: int = 0) -> np.ndarray:
        """PyTorch's default init, U(-1/√fan_in, 1/√fan_in), conv layers then the head."""
        rng = np.random.default_rng(seed)
        parts = []
        for c_out, c_in, k, *_ in self.convs:
            bound = 1.0 / np.sqrt(c_in * k * k)
            parts += [rng.uniform(-bound, bound, c_out * c_in * k * k), rng.uniform(-bound, bound, c_out)]
        return np.concatenate(parts + [self.head.init_params(seed + 1)])

    def _split(self, params):
        params = as_array(params, "params", ndim=1)
        if params.shape[0] != self.num_params:
            raise ValueError(f"params must have {self.num_params} entries, got {params.shape[0]}")
        layers, start = [], 0
        for (c_out, c_in, k, *_), size in zip(self.convs, self.conv_sizes):
            W = params[start:start + c_out * c_in * k * k].reshape(c_out, c_in * k * k)
            layers.append((W, params[start + c_out * c_in * k * k:start + size]))
            start += size
        return layers, params[start:]

    def _forward(self, params, X):
        X = as_array(X, "X", ndim=4)
        if X.shape[1:] != self.in_shape:
            raise ValueError(f"X must have shape (N, {', '.join(map(str, self.in_shape))}), got {X.shape}")
        layers, head_params = self._split(params)
        patches, pre, a = [], [], X
        with np.errstate(over="ignore", invalid="ignore"):
            for (W, b), (c_out, _, k, stride, pad, _, out_shape) in zip(layers, self.convs):
                cols = im2col(a, k, stride, pad)
                patches.append(cols)
                s = cols @ W.T + b  # (N, T, C_out)
                pre.append(s)
                a = self.head._act(s).transpose(0, 2, 1).reshape((X.shape[0],) + out_shape)
            flat = a.reshape(X.shape[0], -1)
            head_inputs, head_pre = self.head._forward(head_params, flat)
        check_output(head_pre[-1], "params or X", "the network's outputs")
        return layers, head_params, patches, pre, head_inputs, head_pre

    def forward(self, params, X) -> np.ndarray:
        """Logits (or predictions), (N, K)."""
        return self._forward(params, X)[-1][-1]

    def _backward(self, layers, head_params, pre, head_inputs, head_pre, seeds):
        """Back-propagate seeds (N, c, K): conv deltas (N, c, T, C_out) and head deltas (N, c, out)."""
        head_deltas = self.head._backward(head_params, head_inputs, head_pre, seeds)
        W1 = self.head.unflatten(head_params)[0][0]
        n, c = seeds.shape[:2]
        top = (head_deltas[0].reshape(n * c, -1) @ W1)  # ∂/∂(flattened conv activations)
        conv_deltas = [None] * len(self.convs)
        for index in range(len(self.convs) - 1, -1, -1):
            c_out, c_in, k, stride, pad, in_shape, (_, ho, wo) = self.convs[index]
            s = pre[index]
            local = self.head._act_grad(s, self.head._act(s))  # (N, T, C_out)
            d = top.reshape(n, c, c_out, ho * wo).transpose(0, 1, 3, 2) * local[:, None]
            conv_deltas[index] = d
            if index:
                W = layers[index][0]
                cols = d.reshape(n * c, ho * wo, c_out) @ W
                top = col2im(cols, in_shape, k, stride, pad).reshape(n * c, -1)
        return conv_deltas, head_deltas

    def kfac_factors(self, params, X, y=None, fisher: str = "exact", seed: int = 0, approx: str = "expand") -> list:
        """Per layer ``(A, G)`` (bias appended): conv layers first, then the head's."""
        if fisher not in FISHERS:
            raise ValueError(f"fisher must be one of {FISHERS}, got {fisher!r}")
        if approx not in APPROXES:
            raise ValueError(f"approx must be one of {APPROXES}, got {approx!r}")
        layers, head_params, patches, pre, head_inputs, head_pre = self._forward(params, X)
        z = head_pre[-1]
        n = z.shape[0]
        if fisher == "exact":
            seeds, weight = _exact_columns(self.head, z, slice(None)), 1.0 / n
        elif fisher == "mc":
            seeds, weight = _sampled_residuals(self.head, z, np.random.default_rng(seed), 1), 1.0 / n
        else:
            if y is None:
                raise ValueError('y is required for fisher="empirical"')
            seeds, weight = self.head._output_residual(z, self.head._targets(y, n))[:, None, :], 1.0 / n
        conv_deltas, head_deltas = self._backward(layers, head_params, pre, head_inputs, head_pre, seeds)
        out = []
        for cols, d in zip(patches, conv_deltas):
            t = cols.shape[1]
            tilde = augmented(cols.reshape(-1, cols.shape[2]), "appended").reshape(n, t, -1)
            if approx == "expand":
                A = gram(tilde.reshape(n * t, -1), "X or params", 1.0 / n)
                G = gram(d.reshape(-1, d.shape[-1]), "the output gradients", weight / t)
            else:
                A = gram(tilde.mean(axis=1), "X or params", 1.0 / n)
                G = gram(d.sum(axis=2).reshape(-1, d.shape[-1]), "the output gradients", weight)
            out.append((A, G))
        for a, d in zip(head_inputs, head_deltas):
            out.append((gram(augmented(a, "appended"), "X or params"),
                        gram(d.reshape(-1, d.shape[-1]), "the output gradients", weight)))
        return out

    def gradient(self, params, X, y) -> np.ndarray:
        """Gradient of the mean loss, flat, in parameter order."""
        layers, head_params, patches, pre, head_inputs, head_pre = self._forward(params, X)
        z = head_pre[-1]
        n = z.shape[0]
        r = (self.head._output_residual(z, self.head._targets(y, n)) / n)[:, None, :]
        conv_deltas, head_deltas = self._backward(layers, head_params, pre, head_inputs, head_pre, r)
        parts = []
        for cols, d in zip(patches, conv_deltas):
            g = d[:, 0]  # (N, T, C_out)
            parts += [np.einsum("nto,ntp->op", g, cols).ravel(), g.sum(axis=(0, 1))]
        for a, d in zip(head_inputs, head_deltas):
            parts += [(d[:, 0].T @ a).ravel(), d[:, 0].sum(axis=0)]
        return np.concatenate(parts)

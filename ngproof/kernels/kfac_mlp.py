"""K-FAC and EKFAC factors of an :class:`~ngproof.kernels.mlp.MLP`.

Per layer ``l`` with input ``a_n`` and pre-activation ``s_n``, every Fisher
variant is a sum over *virtual samples* ``(n, c)`` of rank-one layer gradients
``g_{nc} ãᵀ_n``, where ``g_{nc} = J_{s,n}ᵀ r_{nc}`` back-propagates an output
vector ``r_{nc}``:

* ``fisher="exact"``: the K columns of a square root of the loss Hessian,
  ``r_{nc} = √π_c (e_c - π)`` for softmax (``Σ_c r rᵀ = diag π - ππᵀ``) and
  ``√(2/K) e_c`` for MSE (the Gaussian of variance K/2), weight ``1/N``;
* ``fisher="mc"``: ``mc_samples`` labels ``ỹ`` per example drawn from the
  model, ``r = ∇_z ℓ(z, ỹ)``, weight ``1/(N·S)``; unbiased for ``"exact"`` and
  independent of the data labels;
* ``fisher="empirical"``: the true label, ``r = ∇_z ℓ(z, y)``, weight ``1/N``.

Then ``A = (1/N) Σ_n ã_n ã_nᵀ`` and ``G = Σ_{n,c} w g_{nc} g_{nc}ᵀ``.  Bias:
``bias="appended"`` uses ``ã = [a, 1]`` (one block ``G ⊗ Ã`` for ``[W | b]``
in PyTorch's row-major order); ``bias="separate"`` uses ``ã = a`` for W and
gives the bias its own block ``G`` (its input is the constant 1).

EKFAC (George et al. 2018) keeps the Kronecker eigenbasis ``Q_G ⊗ Q_A`` and
replaces the eigenvalues by the exact second moments of the virtual-sample
gradients in that basis, ``S_ij = Σ_{n,c} w (Q_Gᵀ g_{nc})_i² (Q_Aᵀ ã_n)_j²``:
the diagonal of ``Qᵀ F_layer Q``, so EKFAC is never further from the layer's
Fisher block (in Frobenius norm) than K-FAC.

With the exact Fisher the last layer needs no virtual samples: its G is
``(1/N) Σ_n Λ_n`` (``Λ = diag π - ππᵀ`` or ``(2/K) I``) in closed form, N·K²
flops where its K virtual samples per example would cost N·K³ (a 1000-class
head: 1000× less); the K columns are back-propagated for the hidden layers only.

The back-propagation runs over blocks of virtual samples with one GEMM per
layer and block, so memory stays bounded (about ``CHUNK_ELEMENTS`` numbers per
block) even with thousands of classes, and G accumulates by ``syrk``.
"""

from __future__ import annotations

import numpy as np

from ._blas import gram
from ._validate import check_output
from .kfac_eigen import kronecker_eigen

FISHERS = ("exact", "mc", "empirical")
BIAS_MODES = ("appended", "separate")
CHUNK_ELEMENTS = 1 << 22


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def check_options(fisher: str, bias: str, mc_samples) -> int:
    if fisher not in FISHERS:
        raise ValueError(f"fisher must be one of {FISHERS}, got {fisher!r}")
    if bias not in BIAS_MODES:
        raise ValueError(f"bias must be one of {BIAS_MODES}, got {bias!r}")
    if isinstance(mc_samples, bool) or int(mc_samples) != mc_samples or mc_samples < 1:
        raise ValueError(f"mc_samples must be a positive integer, got {mc_samples!r}")
    return int(mc_samples)


def _sampled_residuals(model, z, rng, samples: int) -> np.ndarray:
    """``∇_z ℓ(z, ỹ)`` for ``samples`` labels per example drawn from the model: (N, S, K)."""
    n, k = z.shape
    if model.loss_name == "cross_entropy":
        probs = _softmax(z)
        cumulative = np.cumsum(probs, axis=1)
        cumulative[:, -1] = np.inf
        u = rng.random((n, samples))
        labels = (u[:, :, None] >= cumulative[:, None, :]).sum(axis=2)
        out = np.repeat(probs[:, None, :], samples, axis=1)
        np.put_along_axis(out, labels[:, :, None], np.take_along_axis(out, labels[:, :, None], 2) - 1, axis=2)
        return out
    # MSE = Gaussian with variance K/2: ỹ = z + √(K/2) ε, residual 2(z - ỹ)/K = -√(2/K) ε
    return -np.sqrt(2.0 / k) * rng.standard_normal((n, samples, k)).astype(z.dtype)


def _exact_columns(model, z, cols: slice, probs=None) -> np.ndarray:
    """Columns ``cols`` of the loss Hessian's square root, per example: (N, c, K);
    ``probs``, ``softmax(z)`` for cross-entropy, may be passed to compute it once for all blocks."""
    n, k = z.shape
    idx = np.arange(k)[cols]
    if model.loss_name == "cross_entropy":
        probs = _softmax(z) if probs is None else probs
        out = -np.repeat(probs[:, None, :], idx.shape[0], axis=1)
        out[:, np.arange(idx.shape[0]), idx] += 1
        out *= np.sqrt(probs[:, idx])[:, :, None]
        return out
    out = np.zeros((n, idx.shape[0], k), dtype=z.dtype)
    out[:, np.arange(idx.shape[0]), idx] = np.sqrt(2.0 / k)
    return out


def virtual_gradients(model, params, X, y=None, fisher: str = "exact", seed: int = 0, mc_samples: int = 1):
    """Layer inputs and a generator over blocks of virtual samples.

    Returns ``(inputs, blocks)``: ``inputs[l]`` is (N, in_l); each item of
    ``blocks`` is ``(deltas, weight)`` with ``deltas[l]`` of shape (N, c, out_l)
    (the back-propagated ``g_{nc}``) and the weight of every virtual sample.
    """
    params, inputs, pre, y = _checked_forward(model, params, X, y, fisher)
    return inputs, _blocks(model, params, inputs, pre, y, fisher, seed, mc_samples)


def _checked_forward(model, params, X, y, fisher: str):
    """Validate, run the forward pass, check the outputs: ``(params, inputs, pre, y)``."""
    params = model._params(params)
    X = model._inputs(X)
    inputs, pre = model._forward(params, X)
    check_output(pre[-1], "params or X", "the network's outputs")
    if fisher == "empirical":
        if y is None:
            raise ValueError('y is required for fisher="empirical"')
        y = model._targets(y, X.shape[0])
    return params, inputs, pre, y


def _blocks(model, params, inputs, pre, y, fisher: str, seed: int, mc_samples: int):
    """The virtual-sample blocks of :func:`virtual_gradients` from a stored forward
    pass (valid params, finite outputs ``pre[-1]``, validated ``y``)."""
    z = pre[-1]
    n, k = z.shape
    if fisher == "exact":
        width = max(model.sizes[1:])
        chunk = max(1, min(k, CHUNK_ELEMENTS // max(1, n * width)))
        probs = _softmax(z) if model.loss_name == "cross_entropy" else None
        for start in range(0, k, chunk):
            seeds = _exact_columns(model, z, slice(start, start + chunk), probs)
            yield model._backward(params, inputs, pre, seeds), 1.0 / n
    elif fisher == "mc":
        residual = _sampled_residuals(model, z, np.random.default_rng(seed), mc_samples)
        yield model._backward(params, inputs, pre, residual), 1.0 / (n * mc_samples)
    else:
        yield model._backward(params, inputs, pre, model._output_residual(z, y)[:, None, :]), 1.0 / n


def augmented(a: np.ndarray, bias: str) -> np.ndarray:
    """``[a, 1]`` for ``bias="appended"``, ``a`` itself for ``"separate"``."""
    if bias == "separate":
        return np.ascontiguousarray(a)
    out = np.empty((a.shape[0], a.shape[1] + 1), dtype=a.dtype)
    out[:, :-1] = a
    out[:, -1] = 1
    return out


def kfac_factors(model, params, X, y=None, fisher: str = "exact", seed: int = 0,
                 bias: str = "appended", mc_samples: int = 1) -> list:
    """Per layer ``(A, G)``: A (in+1, in+1) with the bias last (``"appended"``) or
    (in, in) (``"separate"``; the bias block is then G), G (out, out).

    ``fisher``: ``"exact"`` (expectation over the model's labels), ``"mc"``
    (``mc_samples`` labels per example drawn with ``Generator(seed)``; ``y`` is
    ignored) or ``"empirical"`` (true labels ``y``).
    """
    mc_samples = check_options(fisher, bias, mc_samples)
    params, inputs, pre, y = _checked_forward(model, params, X, y, fisher)
    blocks = _blocks(model, params, inputs, pre, y, fisher, seed, mc_samples)
    output_G = _mean_output_fisher(model, pre[-1]) if fisher == "exact" else None
    return _factors(model, inputs, blocks, bias, output_G)


def _mean_output_fisher(model, z: np.ndarray) -> np.ndarray:
    """``(1/N) Σ_n Λ_n``, the last layer's exact G: ``diag(mean π) - (1/N) πᵀπ`` for
    softmax (π (N, K) the model's probabilities), ``(2/K) I`` for MSE; (K, K)."""
    n, k = z.shape
    if model.loss_name == "mse":
        return np.eye(k, dtype=z.dtype) * (2.0 / k)
    probs = _softmax(z)
    G = gram(probs, "the model's probabilities", -1.0 / n)
    G[np.diag_indices(k)] += probs.mean(axis=0)
    return G


def _factors(model, inputs, blocks, bias: str, output_G=None) -> list:
    """``(A, G)`` per layer from the layer inputs and the virtual-sample blocks.

    With ``output_G`` (the exact Fisher's closed form, :func:`_mean_output_fisher`)
    the last layer's G is not accumulated from its K virtual samples per example
    (N·K² flops instead of N·K³), and a network without hidden layers
    back-propagates nothing.
    """
    Gs = [np.zeros((out, out), dtype=inputs[0].dtype) for out, _ in model.shapes]
    accumulated = len(Gs) - (output_G is not None)
    if accumulated:
        for deltas, weight in blocks:
            for G, d in zip(Gs[:accumulated], deltas[:accumulated]):
                gram(d.reshape(-1, d.shape[-1]), "the back-propagated output gradients", weight, out=G)
    if output_G is not None:
        Gs[-1] = output_G
    return [(gram(augmented(a, bias), "X or params"), G) for a, G in zip(inputs, Gs)]


def kfac_dense(model, factors, bias: str = "appended") -> np.ndarray:
    """Block-diagonal K-FAC matrix (d, d) in PyTorch order from per-layer factors."""
    dtype = np.result_type(*[m for pair in factors for m in pair])
    out = np.zeros((model.num_params, model.num_params), dtype=dtype)
    start = 0
    for index, (A, G) in enumerate(factors):
        n_out, n_in = model.shapes[index]
        if bias == "appended":
            perm = model.layer_permutation(index)
            stop = start + perm.shape[0]
            out[start:stop, start:stop] = np.kron(G, A)[np.ix_(perm, perm)]
        else:
            mid = start + n_out * n_in
            stop = mid + n_out
            out[start:mid, start:mid] = np.kron(G, A)
            out[mid:stop, mid:stop] = G
        start = stop
    return check_output(out, "the factors", "the K-FAC matrix")


def ekfac(model, params, X, y=None, fisher: str = "exact", seed: int = 0,
          bias: str = "appended", mc_samples: int = 1) -> list:
    """EKFAC per layer: ``(Q_A, Q_G, S)`` with the eigenvectors of A and G and the
    corrected eigenvalues ``S`` of shape (out, in+1) (``"appended"``) or
    (out, in) plus, for ``"separate"``, a fourth entry: the bias scalings (out,).

    The layer's curvature is ``(Q_G ⊗ Q_A) diag(vec S) (Q_G ⊗ Q_A)ᵀ`` in the
    row-major order of the layer gradient.
    """
    mc_samples = check_options(fisher, bias, mc_samples)
    factors = kfac_factors(model, params, X, y, fisher, seed, bias, mc_samples)
    bases = [(eig.Qa, eig.Qg) for eig in (kronecker_eigen(A, G) for A, G in factors)]
    inputs, blocks = virtual_gradients(model, params, X, y, fisher, seed, mc_samples)
    n = inputs[0].shape[0]
    second = [np.zeros((n, G.shape[0])) for _, G in factors]  # Σ_c w (Q_Gᵀ g_nc)² per example
    bias_moments = [np.zeros(G.shape[0]) for _, G in factors]
    for deltas, weight in blocks:
        for index, (d, (_, Qg)) in enumerate(zip(deltas, bases)):
            rotated = d @ Qg  # (N, c, out)
            second[index] += weight * np.einsum("nco,nco->no", rotated, rotated)
            if bias == "separate":
                bias_moments[index] += weight * np.einsum("nco,nco->o", rotated, rotated)
    out = []
    for index, ((Qa, Qg), a) in enumerate(zip(bases, inputs)):
        ra = augmented(a, bias) @ Qa
        S = check_output(second[index].T @ (ra * ra), "X or params", "the EKFAC scalings")
        out.append((Qa, Qg, S) if bias == "appended" else (Qa, Qg, S, bias_moments[index]))
    return out

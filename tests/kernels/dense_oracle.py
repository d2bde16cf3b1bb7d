"""Dense, obviously correct curvature of small MLPs: the oracle for the K-FAC tests.

Independent of ``ngproof.kernels``: per example, the Jacobian of the outputs
with respect to every layer's pre-activations is the explicit matrix product
``W_L D_{L-1} W_{L-1} ⋯ D_l`` (``D = diag σ'(s)``), and the parameter Jacobian
of layer l in PyTorch order is ``[J_s ⊗ aᵀ, J_s]`` (W row-major, then b).
No back-propagation code is shared with the kernels, no finite differences.
"""

import numpy as np


def _act(name, s):
    return {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0), "linear": lambda v: v}[name](s)


def _act_grad(name, s):
    if name == "tanh":
        return 1 - np.tanh(s) ** 2
    if name == "relu":
        return (s > 0).astype(float)
    return np.ones_like(s)


def example_terms(layers, activation, x):
    """For one input x: the layer inputs a_l, the output z and J_l = ∂z/∂s_l (K, out_l)."""
    inputs, pres, a = [], [], x
    for i, (W, b) in enumerate(layers):
        inputs.append(a)
        s = W @ a + b
        pres.append(s)
        a = s if i == len(layers) - 1 else _act(activation, s)
    z = a
    jac = [None] * len(layers)
    J = np.eye(z.shape[0])
    for i in range(len(layers) - 1, -1, -1):
        jac[i] = J
        if i:
            J = J @ layers[i][0] @ np.diag(_act_grad(activation, pres[i - 1]))
    return inputs, z, jac


def output_hessian(loss, z):
    """Λ: softmax diag π − ππᵀ, or 2/K·I for MSE (per-example loss, mean over N outside)."""
    if loss == "cross_entropy":
        p = np.exp(z - z.max())
        p /= p.sum()
        return np.diag(p) - np.outer(p, p)
    return 2.0 / z.shape[0] * np.eye(z.shape[0])


def residual(loss, z, y):
    """∇_z ℓ(z, y)."""
    if loss == "cross_entropy":
        p = np.exp(z - z.max())
        p /= p.sum()
        p[y] -= 1
        return p
    return 2 * (z - y) / z.shape[0]


def parameter_jacobian(inputs, jac):
    """(K, d) in PyTorch order: per layer [J_s ⊗ aᵀ (W row-major), J_s (b)]."""
    return np.hstack([np.hstack([np.kron(J, a[None, :]), J]) for a, J in zip(inputs, jac)])


def fisher(layers, activation, loss, X):
    """Exact Fisher = GGN of the mean loss, (d, d)."""
    total = 0
    for x in X:
        inputs, z, jac = example_terms(layers, activation, x)
        Jp = parameter_jacobian(inputs, jac)
        total = total + Jp.T @ output_hessian(loss, z) @ Jp
    return total / len(X)


def empirical_fisher(layers, activation, loss, X, y):
    total = 0
    for x, t in zip(X, y):
        inputs, z, jac = example_terms(layers, activation, x)
        g = parameter_jacobian(inputs, jac).T @ residual(loss, z, t)
        total = total + np.outer(g, g)
    return total / len(X)


def kfac_factors(layers, activation, loss, X, y=None, bias="appended"):
    """Per layer (A, G) by the definitions; y given → empirical, else exact."""
    out = []
    for index in range(len(layers)):
        A = G = 0
        for n, x in enumerate(X):
            inputs, z, jac = example_terms(layers, activation, x)
            a = inputs[index] if bias == "separate" else np.append(inputs[index], 1.0)
            A = A + np.outer(a, a)
            Js = jac[index]
            if y is None:
                G = G + Js.T @ output_hessian(loss, z) @ Js
            else:
                g = Js.T @ residual(loss, z, y[n])
                G = G + np.outer(g, g)
        out.append((A / len(X), G / len(X)))
    return out


def kfac_dense(layers, factors, bias="appended"):
    """Block-diagonal K-FAC in PyTorch order, entry by entry from its definition."""
    blocks = []
    for (W, _), (A, G) in zip(layers, factors):
        o, i = W.shape
        size = o * i + o
        B = np.zeros((size, size))
        for p in range(o):
            for q in range(o):
                B[p * i:(p + 1) * i, q * i:(q + 1) * i] = G[p, q] * A[:i, :i]
                if bias == "appended":
                    B[p * i:(p + 1) * i, o * i + q] = G[p, q] * A[:i, i]
                    B[o * i + p, q * i:(q + 1) * i] = G[p, q] * A[i, :i]
                    B[o * i + p, o * i + q] = G[p, q] * A[i, i]
                else:
                    B[o * i + p, o * i + q] = G[p, q]
        blocks.append(B)
    d = sum(b.shape[0] for b in blocks)
    out = np.zeros((d, d))
    start = 0
    for b in blocks:
        out[start:start + b.shape[0], start:start + b.shape[0]] = b
        start += b.shape[0]
    return out


def layer_fisher_rowmajor(layers, activation, loss, X, index, y=None):
    """Exact (or, with y, empirical) Fisher block of layer ``index`` over the
    row-major flatten of [W | b] (the order in which K-FAC is G ⊗ Ã)."""
    total = 0
    for n, x in enumerate(X):
        inputs, z, jac = example_terms(layers, activation, x)
        J = np.kron(jac[index], np.append(inputs[index], 1.0)[None, :])
        if y is None:
            total = total + J.T @ output_hessian(loss, z) @ J
        else:
            g = J.T @ residual(loss, z, y[n])
            total = total + np.outer(g, g)
    return total / len(X)


# --- convolutional networks (layout of ngproof.kernels.convnet), by explicit loops ---

def conv_unpack(convs, in_shape, head_sizes, params):
    """Split flat params: conv (W (C_out, C_in, k, k), b, k, stride, pad) list and head (W, b) list."""
    out, start, c_in = [], 0, in_shape[0]
    for c_out, k, stride, pad in convs:
        size = c_out * c_in * k * k
        out.append((params[start:start + size].reshape(c_out, c_in, k, k), params[start + size:start + size + c_out],
                    k, stride, pad))
        start += size + c_out
        c_in = c_out
    head = []
    for i, o in zip(head_sizes[:-1], head_sizes[1:]):
        head.append((params[start:start + o * i].reshape(o, i), params[start + o * i:start + o * i + o]))
        start += o * i + o
    return out, head


def conv_layer_matrices(W, b, k, stride, pad, x):
    """For one image x (C, H, W): pre-activation s (C_out·Ho·Wo, (o, i, j) order), ∂s/∂x, ∂s/∂[W, b],
    and the patches ã_t (T, C·k·k + 1)."""
    c_out, c_in = W.shape[:2]
    _, h, w = x.shape
    ho, wo = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    s = np.zeros(c_out * ho * wo)
    ds_dx = np.zeros((c_out * ho * wo, c_in * h * w))
    ds_dp = np.zeros((c_out * ho * wo, W.size + c_out))
    patches = np.zeros((ho * wo, c_in * k * k + 1))
    for i in range(ho):
        for j in range(wo):
            t = i * wo + j
            patches[t, -1] = 1.0
            for c in range(c_in):
                for u in range(k):
                    for v in range(k):
                        r, q = i * stride + u - pad, j * stride + v - pad
                        value = x[c, r, q] if 0 <= r < h and 0 <= q < w else 0.0
                        patches[t, (c * k + u) * k + v] = value
                        for o in range(c_out):
                            row = (o * ho + i) * wo + j
                            s[row] += W[o, c, u, v] * value
                            ds_dp[row, ((o * c_in + c) * k + u) * k + v] = value
                            if 0 <= r < h and 0 <= q < w:
                                ds_dx[row, (c * h + r) * w + q] += W[o, c, u, v]
            for o in range(c_out):
                row = (o * ho + i) * wo + j
                s[row] += b[o]
                ds_dp[row, W.size + o] = 1.0
    return s, ds_dx, ds_dp, patches, (c_out, ho, wo)


def conv_example(convs, in_shape, head_sizes, activation, params, x):
    """Output z, parameter Jacobian (K, d), and per conv layer (patches, J_s (K, T, C_out))."""
    conv_layers, head = conv_unpack(convs, in_shape, head_sizes, params)
    a, records = x, []
    for W, b, k, stride, pad in conv_layers:
        s, ds_dx, ds_dp, patches, shape = conv_layer_matrices(W, b, k, stride, pad, a)
        records.append((s, ds_dx, ds_dp, patches, shape))
        a = _act(activation, s).reshape(shape)
    inputs, z, jac = example_terms(head, activation, a.ravel())
    J_in = jac[0] @ head[0][0]  # ∂z/∂(flattened conv output)
    conv_J, conv_P = [None] * len(records), [None] * len(records)
    for index in range(len(records) - 1, -1, -1):
        s, ds_dx, ds_dp, patches, (c_out, ho, wo) = records[index]
        J_s = J_in * _act_grad(activation, s)[None, :]
        conv_P[index] = J_s @ ds_dp
        conv_J[index] = (patches, J_s.reshape(-1, c_out, ho * wo).transpose(0, 2, 1))
        J_in = J_s @ ds_dx
    Jp = np.hstack(conv_P + [parameter_jacobian(inputs, jac)])
    return z, Jp, conv_J, (inputs, jac)


def conv_fisher_and_factors(convs, in_shape, head_sizes, activation, loss, params, X, y=None):
    """Exact (y None) or empirical Fisher (d, d), and per conv layer the expand and reduce factors."""
    F = 0
    factors = [dict(Ae=0, Ge=0, Ar=0, Gr=0) for _ in convs]
    for n, x in enumerate(X):
        z, Jp, conv_J, _ = conv_example(convs, in_shape, head_sizes, activation, params, x)
        if y is None:
            M = output_hessian(loss, z)
        else:
            r = residual(loss, z, y[n])
            M = np.outer(r, r)
        F = F + Jp.T @ M @ Jp
        for f, (patches, J_s) in zip(factors, conv_J):
            T = patches.shape[0]
            f["Ae"] = f["Ae"] + patches.T @ patches
            f["Ge"] = f["Ge"] + sum(J_s[:, t].T @ M @ J_s[:, t] for t in range(T)) / T
            mean_patch = patches.mean(axis=0)
            f["Ar"] = f["Ar"] + np.outer(mean_patch, mean_patch)
            summed = J_s.sum(axis=1)
            f["Gr"] = f["Gr"] + summed.T @ M @ summed
    N = len(X)
    return F / N, [{key: value / N for key, value in f.items()} for f in factors]

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

"""scipy ``LinearOperator`` views of an MLP's curvature, in PyTorch parameter order.

* :class:`FisherOperator` ``F = (1/N) Σ J_nᵀ Λ_n J_n`` by a forward- then a
  reverse-mode product (``Λ = diag π - ππᵀ`` for softmax, ``(2/K) I`` for MSE);
  :class:`GGNOperator` is the same matrix: for these losses the generalized
  Gauss–Newton matrix ``J_nᵀ ∇²_z ℓ J_n`` equals the Fisher (``∇²_z ℓ = Λ``,
  independent of the labels).
* :class:`EmpiricalFisherOperator` ``(1/N) Σ ∇ℓ_n ∇ℓ_nᵀ`` at the true labels.
* :class:`KFACOperator` the block-diagonal K-FAC matrix (per layer ``G ⊗ Ã`` on
  the row-major ``[W | b]``; or ``G ⊗ A`` and ``G`` with a separate bias), and
  its damped inverse by :meth:`KFACOperator.inverse` (exact eigen-damping or π-damping).
* :class:`EKFACOperator` EKFAC and its damped inverse.

``trace``, ``diagonal`` and ``logdet`` are offered where the structure makes
them cheap: for the Fisher and empirical Fisher from the rank-one layer
gradients of the virtual samples (one back-propagation, no Jacobian), for
K-FAC and EKFAC from the factors.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator

from ._validate import as_array, check_damping, check_output
from .fisher_vector import fisher_vector
from .kfac import kfac_solve
from .kfac_eigen import KroneckerEigen, eigenbasis_solve, kronecker_eigen
from .kfac_mlp import augmented, check_options, ekfac, kfac_factors, virtual_gradients


class _MLPOperator(LinearOperator):
    def __init__(self, model, dtype=np.float64):
        super().__init__(dtype=np.dtype(dtype), shape=(model.num_params, model.num_params))
        self.model = model

    def _vector(self, v) -> np.ndarray:
        v = as_array(np.ravel(v), "v", ndim=1)
        if v.shape[0] != self.shape[1]:
            raise ValueError(f"v must have {self.shape[1]} entries, got {v.shape[0]}")
        return v

    def matvec(self, x):
        if np.shape(x) not in ((self.shape[1],), (self.shape[1], 1)):
            raise ValueError(f"v must have shape ({self.shape[1]},), got {np.shape(x)}")
        return super().matvec(x)

    def matmat(self, X):
        if np.ndim(X) != 2 or np.shape(X)[0] != self.shape[1]:
            raise ValueError(f"V must have shape ({self.shape[1]}, k), got {np.shape(X)}")
        return super().matmat(X)

    def _adjoint(self):
        return self  # every operator here is symmetric

    def _matmat(self, V):
        return np.column_stack([self._matvec(V[:, j]) for j in range(V.shape[1])])


class _VirtualSampleOperator(_MLPOperator):
    """Shared trace/diagonal from the rank-one virtual-sample layer gradients ``g ãᵀ``."""

    _fisher = "exact"

    def _moments(self):
        """Per layer ``D[o, i] = Σ_{n,c} w g_{nc,o}² ã_{n,i}²`` (row-major [W | b])."""
        inputs, blocks = virtual_gradients(self.model, self.params, self.X, self.y, self._fisher)
        per_example = [np.zeros((inputs[0].shape[0], out)) for out, _ in self.model.shapes]
        for deltas, weight in blocks:
            for index, d in enumerate(deltas):
                per_example[index] += weight * np.einsum("nco,nco->no", d, d)
        return [m.T @ augmented(a, "appended") ** 2 for m, a in zip(per_example, inputs)]

    def diagonal(self) -> np.ndarray:
        """The diagonal, (d,), in PyTorch order."""
        return np.concatenate([np.concatenate([D[:, :-1].ravel(), D[:, -1]]) for D in self._moments()])

    def trace(self) -> float:
        return float(sum(D.sum() for D in self._moments()))


class FisherOperator(_VirtualSampleOperator):
    """Exact Fisher of an :class:`~ngproof.kernels.MLP` at ``params`` on inputs ``X`` (N, in)."""

    def __init__(self, model, params, X):
        self.params = model._params(params)
        self.X = model._inputs(X)
        self.y = None
        super().__init__(model, self.params.dtype)
        # the forward pass is done once: every product reuses its activations
        z = model.forward(self.params, self.X)
        self._inputs, self._pre = model._forward(self.params, self.X)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        self._probs = e / e.sum(axis=1, keepdims=True)
        slopes = [model._act_grad(s, a) for s, a in zip(self._pre[:-1], self._inputs[1:])]
        self._compiled = (tuple(W for W, _ in model._split(self.params)), tuple(self._inputs),
                          tuple(slopes) + (self._probs,), self._probs, model.loss_name == "cross_entropy")

    def _matvec(self, v):
        v = self._vector(v).astype(self.dtype, copy=False)
        weights, inputs, slopes, probs, cross_entropy = self._compiled
        with np.errstate(over="ignore", invalid="ignore"):
            out = fisher_vector(weights, inputs, slopes, probs, v, cross_entropy, np.empty(v.shape[0], self.dtype))
        return check_output(out, "v", "F v (the Fisher-vector product)")


class GGNOperator(FisherOperator):
    """Generalized Gauss–Newton ``(1/N) Σ J_nᵀ ∇²_z ℓ_n J_n``; equal to the Fisher for
    softmax cross-entropy and MSE (their output Hessians do not depend on the labels)."""


class EmpiricalFisherOperator(_VirtualSampleOperator):
    """``(1/N) Σ_n ∇ℓ_n ∇ℓ_nᵀ`` at the true labels y (``L = (1/N) Σ ℓ_n``)."""

    _fisher = "empirical"

    def __init__(self, model, params, X, y):
        self.params = model._params(params)
        self.X = model._inputs(X)
        self.y = model._targets(y, self.X.shape[0])
        super().__init__(model, self.params.dtype)

    def _matvec(self, v):
        v = self._vector(v)
        z = self.model.forward(self.params, self.X)
        r = self.model._output_residual(z, self.y)  # ∇_z ℓ_n
        coeff = (r * self.model.jvp(self.params, self.X, v)).sum(axis=1)  # ∇ℓ_nᵀ v
        return self.model.vjp(self.params, self.X, r * coeff[:, None]) / self.X.shape[0]


class _BlockOperator(_MLPOperator):
    """Block-diagonal over layers; each layer acts on its ``[W | b]`` matrix."""

    def _apply(self, index: int, V: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define the action of one layer's block")

    def _matvec(self, v):
        v = self._vector(v)
        parts = []
        for index, (W, b) in enumerate(self.model.unflatten(v)):
            if self.bias == "appended":
                out = self._apply(index, np.hstack([W, b[:, None]]))
                parts += [out[:, :-1].ravel(), out[:, -1]]
            else:
                out_w, out_b = self._apply(index, (W, b))
                parts += [out_w.ravel(), out_b]
        return np.concatenate(parts)


class KFACOperator(_BlockOperator):
    """K-FAC as a LinearOperator: per layer ``vec_r(V) ↦ vec_r(G V A)``.

    ``factors``: per layer ``(A, G)`` as :func:`ngproof.kernels.kfac_mlp.kfac_factors`
    returns them for ``bias``.
    """

    def __init__(self, model, factors, bias: str = "appended"):
        check_options("exact", bias, 1)
        self.factors = [(np.asarray(A), np.asarray(G)) for A, G in factors]
        self.bias = bias
        super().__init__(model, np.result_type(*[m for p in self.factors for m in p]))
        self._eigen = None

    @classmethod
    def from_mlp(cls, model, params, X, y=None, fisher: str = "exact", bias: str = "appended",
                 seed: int = 0, mc_samples: int = 1) -> KFACOperator:
        return cls(model, kfac_factors(model, params, X, y, fisher, seed, bias, mc_samples), bias)

    def _apply(self, index, V):
        A, G = self.factors[index]
        if self.bias == "appended":
            return G @ V @ A
        W, b = V
        return G @ W @ A, G @ b

    def eigen(self) -> list[KroneckerEigen]:
        if self._eigen is None:
            self._eigen = [kronecker_eigen(A, G) for A, G in self.factors]
        return self._eigen

    def trace(self) -> float:
        total = sum(np.trace(A) * np.trace(G) for A, G in self.factors)
        if self.bias == "separate":
            total += sum(np.trace(G) for _, G in self.factors)
        return float(total)

    def diagonal(self) -> np.ndarray:
        parts = []
        for A, G in self.factors:
            D = np.outer(np.diag(G), np.diag(A))
            parts += ([D[:, :-1].ravel(), D[:, -1]] if self.bias == "appended" else [D.ravel(), np.diag(G).copy()])
        return np.concatenate(parts)

    def logdet(self, damping: float = 0.0) -> float:
        """``log det(K + λI)`` from the factors' eigenvalues (−inf if singular and λ = 0)."""
        damping = check_damping(damping)
        total = 0.0
        with np.errstate(divide="ignore"):
            for eig in self.eigen():
                total += np.log(eig.scalings + damping).sum()
                if self.bias == "separate":
                    total += np.log(eig.gamma + damping).sum()
        return float(total)

    def inverse(self, damping: float, method: str = "exact") -> LinearOperator:
        """``(K + λI)⁻¹`` (``method="exact"``, by eigendecompositions) or the π-damped
        ``Σ_l [(A + π√λI) ⊗ (G + √λ/π I)]⁻¹`` (``method="pi"``, by Cholesky)."""
        return KFACInverseOperator(self, damping, method)


class KFACInverseOperator(_BlockOperator):
    """The damped inverse of a :class:`KFACOperator`; see :meth:`KFACOperator.inverse`."""

    def __init__(self, kfac: KFACOperator, damping: float, method: str = "exact"):
        if method not in ("exact", "pi"):
            raise ValueError(f"method must be 'exact' or 'pi', got {method!r}")
        self.kfac = kfac
        self.bias = kfac.bias
        self.damping = check_damping(damping)
        self.method = method
        super().__init__(kfac.model, kfac.dtype)

    def _apply(self, index, V):
        A, G = self.kfac.factors[index]
        if self.method == "pi":
            if self.bias == "appended":
                return kfac_solve(A, G, V, self.damping)
            W, b = V
            return kfac_solve(A, G, W, self.damping), kfac_solve(np.ones((1, 1)), G, b[:, None], self.damping)[:, 0]
        eig = self.kfac.eigen()[index]
        if self.bias == "appended":
            return eigenbasis_solve(eig.Qa, eig.Qg, eig.scalings, V, self.damping)
        W, b = V
        bias_scalings = eig.gamma[:, None]
        return (eigenbasis_solve(eig.Qa, eig.Qg, eig.scalings, W, self.damping),
                eigenbasis_solve(np.ones((1, 1)), eig.Qg, bias_scalings, b[:, None], self.damping)[:, 0])

    def trace(self) -> float:
        if self.method != "exact":
            raise ValueError("trace is offered for method='exact' (from the eigenvalues)")
        total = 0.0
        for eig in self.kfac.eigen():
            total += (1.0 / (eig.scalings + self.damping)).sum()
            if self.bias == "separate":
                total += (1.0 / (eig.gamma + self.damping)).sum()
        return float(total)

    def logdet(self) -> float:
        if self.method != "exact":
            raise ValueError("logdet is offered for method='exact' (from the eigenvalues)")
        return -self.kfac.logdet(self.damping)


class EKFACOperator(_BlockOperator):
    """EKFAC ``(Q_G ⊗ Q_A) diag(S) (Q_G ⊗ Q_A)ᵀ`` per layer (George et al. 2018), or with
    ``damping`` its damped inverse (scalings ``1/(S + λ)``).

    ``layers`` as :func:`ngproof.kernels.kfac_mlp.ekfac` returns them for ``bias``.
    """

    def __init__(self, model, layers, bias: str = "appended", damping: float | None = None):
        check_options("exact", bias, 1)
        self.bias = bias
        self.layers = layers
        self.damping = None if damping is None else check_damping(damping, positive=True)
        super().__init__(model, np.result_type(layers[0][0]))

    @classmethod
    def from_mlp(cls, model, params, X, y=None, fisher: str = "exact", bias: str = "appended",
                 seed: int = 0, mc_samples: int = 1) -> EKFACOperator:
        return cls(model, ekfac(model, params, X, y, fisher, seed, bias, mc_samples), bias)

    def _scaled(self, Qa, Qg, S, V):
        if self.damping is None:
            return Qg @ ((Qg.T @ V @ Qa) * S) @ Qa.T
        return eigenbasis_solve(Qa, Qg, S, V, self.damping)

    def _apply(self, index, V):
        layer = self.layers[index]
        if self.bias == "appended":
            return self._scaled(*layer, V)
        Qa, Qg, S, Sb = layer
        W, b = V
        return self._scaled(Qa, Qg, S, W), self._scaled(np.ones((1, 1)), Qg, Sb[:, None], b[:, None])[:, 0]

    def _eigenvalues(self):
        for layer in self.layers:
            yield layer[2]
            if self.bias == "separate":
                yield layer[3]

    def trace(self) -> float:
        if self.damping is None:
            return float(sum(S.sum() for S in self._eigenvalues()))
        return float(sum((1.0 / (S + self.damping)).sum() for S in self._eigenvalues()))

    def logdet(self) -> float:
        """``log det`` of this operator (−inf for a singular undamped EKFAC)."""
        with np.errstate(divide="ignore"):
            if self.damping is None:
                return float(sum(np.log(S).sum() for S in self._eigenvalues()))
            return float(-sum(np.log(S + self.damping).sum() for S in self._eigenvalues()))

    def inverse(self, damping: float) -> EKFACOperator:
        """``(EKFAC + λI)⁻¹``: the same basis, scalings ``1/(S + λ)``."""
        return EKFACOperator(self.model, self.layers, self.bias, damping)

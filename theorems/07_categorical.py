"""Computing Natural Gradients for Specific Models: the categorical softmax classifier.

The Fisher of the logits z of a K-class softmax, its rank, the damped natural
gradient (Sherman–Morrison, O(K) per row), and the pseudoinverse alternative.
"""
import functools

import numpy as np
import sympy as sp
from hypothesis import assume
from hypothesis import strategies as st

from ngproof import claim, close
from ngproof.kernels import categorical_fisher, categorical_natural_gradient
from ngproof.strategies import dampings, probability_vectors, vectors
from ngproof.symbolic.models import COMBINED_NUMERATOR, limit_parts, softmax, softmax_score
from ngproof.tolerance import SAFETY

SECTION = "Categorical Softmax Classifier"
FISHER = r"$$I(\mathbf{z}) = \text{diag}(\boldsymbol{\pi}) - \boldsymbol{\pi}\boldsymbol{\pi}^T$$"
DAMPED = r"$$\tilde{\nabla}\mathbf{z}\mathcal{L} = (I(\mathbf{z}) + \lambda I)^{-1} \nabla\mathbf{z}\mathcal{L}$$"

lam = sp.Symbol("lambda", positive=True)
p = sp.symbols("p1:4", positive=True)
g = sp.symbols("g1:4", real=True)
ON_SIMPLEX = {p[2]: 1 - p[0] - p[1]}


def fisher_matrix(pi) -> sp.Matrix:
    column = sp.Matrix(pi)
    return sp.diag(*pi) - column * column.T


def sherman_morrison(pi, diagonal, grad) -> sp.Matrix:
    """``(diag(d) - ππᵀ)^{-1} g = D⁻¹g + D⁻¹π (πᵀD⁻¹g) / (1 - πᵀD⁻¹π)``, written out."""
    d_grad = sp.Matrix([gi / di for gi, di in zip(grad, diagonal)])
    d_pi = sp.Matrix([pi_i / di for pi_i, di in zip(pi, diagonal)])
    return d_grad + d_pi * (sp.Matrix(pi).T * d_grad)[0] / (1 - (sp.Matrix(pi).T * d_pi)[0])


def pseudoinverse(pi) -> sp.Matrix:
    """``P diag(1/π) P`` with ``P = I - 11ᵀ/K`` the projector onto 1^⊥."""
    k = len(pi)
    projector = sp.eye(k) - sp.ones(k, k) / k
    return projector * sp.diag(*[1 / x for x in pi]) * projector


def fisher_by_labels(probs: np.ndarray) -> np.ndarray:
    """Σ_y π_y (e_y − π)(e_y − π)ᵀ for rows of ``probs``: E[s sᵀ] with the softmax score."""
    scores = np.eye(probs.shape[-1])[None, :, :] - probs[:, None, :]
    return np.einsum("ny,nyi,nyj->nij", probs, scores, scores)


def subtraction_cond(probs: np.ndarray) -> float:
    """Conditioning of forming diag(π) − ππᵀ by subtraction: (‖diag π‖ + ‖ππᵀ‖) / ‖diag π − ππᵀ‖ (large when π is peaked)."""
    return (np.linalg.norm(probs) + np.linalg.norm(probs) ** 2) / np.linalg.norm(np.diag(probs) - np.outer(probs, probs))


def subtraction_rounding(probs: np.ndarray) -> float:
    """Rounding level of the eigenvalues of diag(π) − ππᵀ formed in floating point: K·eps·(‖π‖ + ‖π‖²), with SAFETY."""
    return SAFETY * probs.shape[-1] * np.finfo(float).eps * (np.linalg.norm(probs) + np.linalg.norm(probs) ** 2)


def simplex_rows(k: int, rows: int = 3):
    return st.lists(probability_vectors(k), min_size=rows, max_size=rows).map(np.array)


sizes = st.integers(2, 8)


@functools.lru_cache(maxsize=None)
def symbolic_fisher(k: int) -> tuple[list, sp.Matrix]:
    """E over y ~ π of s sᵀ with s = ∇_z log π_y (differentiated), for softmax(z), π rational in u = e^z."""
    u, pi = softmax(k)
    scores = [softmax_score(u, pi, y) for y in range(k)]
    return pi, sum((pi[y] * scores[y] * scores[y].T for y in range(k)), sp.zeros(k, k))


@claim("categorical.fisher",
       title="Fisher of softmax logits: diag(π) − ππᵀ",
       statement=r"I(\mathbf{z}) = \mathbb{E}_{y\sim\pi}[s s^T] = \mathrm{diag}(\boldsymbol\pi) - \boldsymbol\pi\boldsymbol\pi^T",
       source=(SECTION, FISHER), tags=("categorical", "fisher"),
       reading="The Fisher of the logits, E over y ~ π of s sᵀ with the softmax score s = ∇_z log π_y, is "
               "diag(π) − ππᵀ. Proved for K = 3, 4 with the score differentiated; the kernel is fuzzed against the "
               "sum over labels.")
def _(c):
    for k in (3, 4):
        pi, expected_outer = symbolic_fisher(k)
        c.prove(expected_outer, fisher_matrix(pi), rewriters=[COMBINED_NUMERATOR],
                scope=f"K = {k}, all real logits z (π = softmax(z) in u = e^z), score differentiated")

    def kernel_vs_label_sum(probs):
        cancellation = max(subtraction_cond(row) for row in probs)
        return [close(categorical_fisher(probs), fisher_by_labels(probs), cond=cancellation, what="batched (N, K, K)"),
                close(categorical_fisher(probs[0]), fisher_by_labels(probs[:1])[0], cond=cancellation, what="single (K, K)")]
    c.fuzz(kernel_vs_label_sum, sizes.flatmap(simplex_rows),
           scope="categorical_fisher vs Σ_y π_y (e_y − π)(e_y − π)ᵀ, K ≤ 8, logits in [−4, 4]")


@claim("categorical.fisher-rank",
       title="The softmax Fisher has rank K − 1: null vector 1 and a nonzero adjugate",
       statement=r"\mathrm{rank}\,(\mathrm{diag}(\boldsymbol\pi) - \boldsymbol\pi\boldsymbol\pi^T) = K - 1,"
                 r"\ \ \ker = \mathrm{span}(\mathbf 1),\ \ \mathrm{adj} = \textstyle\prod_i \pi_i\, \mathbf 1\mathbf 1^T",
       source=(SECTION, r"This $(K \times K)$ matrix has rank $K-1$."),
       depends_on=("categorical.fisher",), tags=("categorical", "fisher"),
       reading="For π = softmax(z), so every πᵢ > 0, the K × K matrix has rank exactly K − 1, its kernel spanned by 1. "
               "Proved for K = 3, 4 from the null vector and a nonzero adjugate; the numerical rank is fuzzed up to "
               "K = 8.")
def _(c):
    for k in (3, 4):
        pi = sp.symbols(f"p1:{k + 1}", positive=True)
        on_simplex = {pi[-1]: 1 - sum(pi[:-1])}
        fisher = fisher_matrix(pi).subs(on_simplex)
        scope = f"K = {k}, every π in the open simplex (the image of softmax)"
        c.prove(fisher * sp.ones(k, 1), sp.zeros(k, 1), scope=f"{scope}: F·1 = 0")
        # adj(F) = (∏π) 11ᵀ ≠ 0 because every π_i > 0: some (K−1)-minor is nonzero, so rank ≥ K − 1.
        c.prove(fisher.adjugate(), (sp.prod(pi) * sp.ones(k, k)).subs(on_simplex),
                scope=f"{scope}: ∏π_i > 0 makes the adjugate nonzero")

    def rank(probs):
        k = probs.shape[0]
        fisher = categorical_fisher(probs)
        # Σπ = 1 holds only to rounding, so the null eigenvalue is O(K·eps), not 0: judge the rank at that level.
        # The smallest nonzero eigenvalue is ≥ min π (interlacing), far above it.
        rounding = subtraction_rounding(probs)
        return [close(float(np.linalg.matrix_rank(fisher, tol=rounding)), float(k - 1), what="numerical rank"),
                close(fisher @ np.ones(k) + probs, probs, what="F·1 = 0")]
    c.fuzz(rank, sizes.flatmap(probability_vectors),
           scope="numpy matrix_rank of categorical_fisher, K ≤ 8, logits in [−4, 4]")


@claim("categorical.damped-natural-gradient",
       title="Damped natural gradient of the logits: (F + λI)⁻¹∇L, with F + λI ⪰ λI",
       statement=r"\tilde\nabla_{\mathbf z}\mathcal{L} = (I(\mathbf z) + \lambda I)^{-1}\nabla_{\mathbf z}\mathcal{L},"
                 r"\quad x^T (I(\mathbf z) + \lambda I) x \ge \lambda \|x\|^2",
       source=(SECTION, DAMPED), depends_on=("categorical.fisher-rank",), tags=("categorical", "damping"),
       reading="The natural gradient taken with the damped Fisher, (I(z) + λ𝟙)⁻¹∇L: the second I is the identity (its "
               "missing argument marks it). For λ > 0 the matrix is ⪰ λ𝟙, so the solve exists. Proved "
               "xᵀI(z)x = Var_π(x) ≥ 0 for K = 3; the kernel is fuzzed against numpy's solve.")
def _(c):
    x = sp.symbols("x1:4", real=True)
    mean = sum(pi_i * xi for pi_i, xi in zip(p, x))
    quadratic = (sp.Matrix(x).T * fisher_matrix(p) * sp.Matrix(x))[0]
    variance = sum(pi_i * (xi - mean) ** 2 for pi_i, xi in zip(p, x))
    c.prove(quadratic.subs(ON_SIMPLEX), variance.subs(ON_SIMPLEX), scope="K = 3 on the simplex: xᵀFx = Var_π(x)")
    c.prove_nonnegative(variance, scope="K = 3, π_i > 0: a weighted sum of squares, so F + λI ⪰ λI")

    def kernel_vs_solve(probs, grad, damping):
        damped = fisher_by_labels(probs) + damping * np.eye(probs.shape[1])
        expected = np.linalg.solve(damped, grad[..., None])[..., 0]
        return close(categorical_natural_gradient(probs, grad, damping), expected,
                     cond=max(np.linalg.cond(m) for m in damped), what="batched rows")
    c.fuzz(kernel_vs_solve, simplex_rows(5, rows=4), st.lists(vectors(5, -3, 3), min_size=4, max_size=4).map(np.array),
           dampings(1e-6, 1e2), scope="categorical_natural_gradient vs np.linalg.solve(diag π − ππᵀ + λI), 4 rows, K = 5")


@claim("categorical.damped-tractable",
       title="With damping the solve is O(K) per row by Sherman–Morrison (tractable for every K)",
       statement=r"(\mathrm{diag}(\boldsymbol\pi+\lambda) - \boldsymbol\pi\boldsymbol\pi^T)^{-1}g = D^{-1}g + "
                 r"\frac{D^{-1}\boldsymbol\pi\,\boldsymbol\pi^T D^{-1} g}{1 - \boldsymbol\pi^T D^{-1}\boldsymbol\pi},"
                 r"\ \ 1 - \boldsymbol\pi^T D^{-1}\boldsymbol\pi = \lambda\textstyle\sum_i \frac{\pi_i}{\pi_i+\lambda} > 0",
       source=(SECTION, r"With damping $\lambda$, this is computationally tractable for moderate $K$."),
       depends_on=("categorical.damped-natural-gradient",), tags=("categorical", "damping", "cost"),
       reading="With λ > 0 the damped system is solvable and cheap: a dense solve is O(K³), fine for moderate K, as the "
               "sentence says. The check proves more: Sherman–Morrison makes it O(K) per row for every K, with a "
               "denominator that stays positive. Proved for K = 3; the kernel is fuzzed against dense solves up to "
               "K = 64.")
def _(c):
    d = sp.symbols("d1:4", positive=True)
    c.prove((sp.diag(*d) - sp.Matrix(p) * sp.Matrix(p).T) * sherman_morrison(p, d, g), sp.Matrix(g), rewriters=[COMBINED_NUMERATOR],
            scope="K = 3, any diagonal D ≻ 0 and π with 1 − πᵀD⁻¹π ≠ 0; D = diag(π) + λI is the case used")
    denominator = 1 - sum(pi_i**2 / (pi_i + lam) for pi_i in p)
    positive_form = lam * sum(pi_i / (pi_i + lam) for pi_i in p)
    c.prove(denominator.subs(ON_SIMPLEX), positive_form.subs(ON_SIMPLEX), rewriters=[COMBINED_NUMERATOR],
            scope="K = 3 on the simplex, λ > 0: the denominator is positive, so the formula never divides by 0")
    c.prove_nonnegative(positive_form, scope="λ > 0, π_i > 0")

    def large_k(probs_and_grad, damping):
        probs, grad = probs_and_grad
        k = probs.shape[0]
        damped = fisher_by_labels(probs[None])[0] + damping * np.eye(k)
        return close(categorical_natural_gradient(probs, grad, damping), np.linalg.solve(damped, grad),
                     cond=np.linalg.cond(damped))
    c.fuzz(large_k, st.integers(2, 64).flatmap(lambda k: st.tuples(probability_vectors(k), vectors(k, -3, 3))),
           dampings(1e-4, 1e1),
           scope="categorical_natural_gradient (O(K) per row) vs dense O(K³) solve, K ≤ 64")


@claim("categorical.pseudoinverse",
       title="The pseudoinverse of the softmax Fisher is P diag(1/π) P, P = I − 11ᵀ/K",
       statement=r"(\mathrm{diag}(\boldsymbol\pi) - \boldsymbol\pi\boldsymbol\pi^T)^+ = P\,\mathrm{diag}(1/\boldsymbol\pi)\,P,"
                 r"\quad P = I - \tfrac1K\mathbf 1\mathbf 1^T",
       source=(SECTION, "The natural gradient requires the pseudoinverse or damping:"),
       depends_on=("categorical.fisher-rank",), tags=("categorical", "pseudoinverse"),
       reading="The Fisher is singular, so I⁻¹ does not exist and one of the two substitutes is needed; the "
               "pseudoinverse one is P diag(1/π) P. Proved by the four Penrose conditions for K = 3; numpy's pinv is "
               "fuzzed against the formula.")
def _(c):
    fisher = fisher_matrix(p).subs(ON_SIMPLEX)
    scale = sp.prod(p).subs(ON_SIMPLEX)  # X = (π₁π₂π₃)·F⁺ is polynomial; the conditions scale accordingly
    scaled = sp.expand(pseudoinverse(p) * sp.prod(p)).subs(ON_SIMPLEX)
    c.prove([fisher * scaled * fisher, scaled * fisher * scaled, (fisher * scaled).T, (scaled * fisher).T],
            [scale * fisher, scale * scaled, fisher * scaled, scaled * fisher],
            scope="K = 3, all π in the open simplex: the four Penrose conditions for F⁺ = X/(π₁π₂π₃)")

    def pinv_vs_formula(probs):
        k = probs.shape[0]
        projector = np.eye(k) - np.ones((k, k)) / k
        expected = projector @ np.diag(1 / probs) @ projector
        eigenvalues = np.linalg.eigvalsh(fisher_by_labels(probs[None])[0])[1:]
        # The null eigenvalue is rounding (Σπ = 1 to eps), so cut at that level, not at pinv's default 1e-15.
        fisher = categorical_fisher(probs)
        pinv = np.linalg.pinv(fisher, rcond=subtraction_rounding(probs) / np.linalg.norm(fisher, 2))
        return close(pinv, expected, cond=subtraction_cond(probs) * eigenvalues[-1] / eigenvalues[0])
    c.fuzz(pinv_vs_formula, sizes.flatmap(probability_vectors), scope="np.linalg.pinv(categorical_fisher) vs P diag(1/π) P, K ≤ 8")


@claim("categorical.damped-limit-on-range",
       title="Damped → pseudoinverse natural gradient as λ → 0 for gradients in the range (Σg = 0, as CE gradients are); "
             "along 1 it is 1/λ",
       statement=r"\mathbf 1^T g = 0 \Rightarrow \lim_{\lambda\to0}(F+\lambda I)^{-1}g = F^+ g;\quad "
                 r"(F+\lambda I)^{-1}\mathbf 1 = \mathbf 1/\lambda;\quad \nabla_{\mathbf z}\mathrm{CE} = \boldsymbol\pi - e_y",
       source=(SECTION, "The natural gradient requires the pseudoinverse or damping:"),
       depends_on=("categorical.pseudoinverse", "categorical.damped-tractable"), tags=("categorical", "damping"),
       reading="The two substitutes agree where they should: as λ → 0 the damped step tends to the pseudoinverse step "
               "for every gradient in the Fisher's range (Σg = 0, as every cross-entropy gradient π − e_y is), while "
               "along the null direction 1 it grows like 1/λ. Proved for K = 3; fuzzed for K = 4.")
def _(c):
    u, pi = softmax(3)
    cross_entropy_gradient = sp.Matrix([-sp.diff(sp.log(pi[0]), ui) * ui for ui in u])
    c.prove(cross_entropy_gradient, sp.Matrix(pi) - sp.Matrix([1, 0, 0]), rewriters=[COMBINED_NUMERATOR],
            scope="K = 3, label y = 1, all logits: so Σ_i ∇_{z_i}CE = Σπ − 1 = 0")
    on_range = {**ON_SIMPLEX, g[2]: -g[0] - g[1]}
    gap = (sherman_morrison(p, [x + lam for x in p], g) - pseudoinverse(p) * sp.Matrix(g)).subs(on_range)
    lows, leads = zip(*(limit_parts(entry, lam) for entry in gap))
    c.prove([list(low) for low in lows], [[0] * len(low) for low in lows],
            scope="K = 3, Σg = 0: every numerator coefficient of (F+λI)⁻¹g − F⁺g up to the denominator's lowest "
                  "order in λ vanishes")
    p3 = 1 - p[0] - p[1]
    c.prove(list(leads), [27 * p[0] ** 3 * p[1] ** 2 * p3**2, 27 * p[0] ** 2 * p[1] ** 3 * p3**2,
                          27 * p[0] ** 2 * p[1] ** 2 * p3**3],
            scope="K = 3: the lowest denominator coefficients are products of positive π's, nonzero on the open "
                  "simplex, so the limit of the gap exists and is 0")
    ones = sp.Matrix([1, 1, 1])
    c.prove((fisher_matrix(p) + lam * sp.eye(3)).subs(ON_SIMPLEX) * ones / lam, ones,
            scope="K = 3 on the simplex: (F + λI)(1/λ) = 1, so (F + λI)⁻¹1 = 1/λ has no limit")

    def resolvent(probs, grad, damping):
        k = probs.shape[0]
        on_range_grad = grad - grad.mean()
        assume(np.linalg.norm(on_range_grad) > 1e-3)
        projector = np.eye(k) - np.ones((k, k)) / k
        limit = projector @ (on_range_grad / probs)
        damped = fisher_by_labels(probs[None])[0] + damping * np.eye(k)
        # (F+λI)⁻¹g = F⁺g − λ(F+λI)⁻¹F⁺g on the range: exact, and → F⁺g as λ → 0.
        correction = damping * np.linalg.solve(damped, limit)
        expected = limit - correction
        # Conditioning of the oracle: the solve, the cancellation in limit − correction, and P(g/π) itself.
        cond = (np.linalg.cond(damped)
                * max(1.0, (np.linalg.norm(limit) + np.linalg.norm(correction)) / np.linalg.norm(expected))
                * max(1.0, np.linalg.norm(on_range_grad / probs) / np.linalg.norm(limit)))
        return [close(categorical_natural_gradient(probs, on_range_grad, damping), expected, cond=cond, what="range"),
                close(categorical_natural_gradient(probs, np.ones(k), damping), np.ones(k) / damping, cond=cond,
                      what="null vector 1")]
    c.fuzz(resolvent, probability_vectors(4), vectors(4, -3, 3), dampings(1e-8, 1e1),
           scope="categorical_natural_gradient vs F⁺g − λ(F+λI)⁻¹F⁺g and 1/λ, K = 4, λ ∈ [1e-8, 10]")

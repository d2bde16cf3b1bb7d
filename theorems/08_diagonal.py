"""Practical Approximations: the diagonal approximation of the Fisher (and the section's opening remark)."""
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close, uncheckable
from ngproof.kernels import diagonal_natural_gradient, natural_gradient
from ngproof.strategies import dampings, spd_matrices, vectors

SECTION = "Diagonal Approximation"
d = 3
entries = sp.symbols("f1:4", positive=True)
grad = sp.Matrix(sp.symbols("g1:4", real=True))
eta = sp.Symbol("eta", positive=True)

uncheckable("Practical Approximations",
            "The elephant in the room: $I(\\theta)$ is $d \\times d$, and $d$ can be millions in deep learning. "
            "Exact inversion is impossible.",
            "a practical judgement, not a theorem: for d = 10⁶ the dense Fisher has 10¹² entries (8 TB in float64) "
            "and a Cholesky factorisation costs about d³/3 ≈ 3·10¹⁷ flops, infeasible on one machine but not impossible")


uncheckable("Practical Approximations", "We need approximations.",
            "a transition to the approximations that follow; each is checked in its own section")


@claim("diagonal.approximation",
       title="The diagonal approximation keeps I_ii = E[s_i²] ≥ 0, so its step is still a descent direction",
       statement=r"I \approx \mathrm{diag}(I_{11},\dots,I_{dd}),\ I_{ii} = \mathbb{E}[s_i^2] \ge 0,\ "
                 r"\nabla\mathcal{L}^T\mathrm{diag}(I)^{-1}\nabla\mathcal{L} = \textstyle\sum_i \nabla_i\mathcal{L}^2/I_{ii} \ge 0",
       source=(SECTION, r"Simplest approach: $I(\theta) \approx \text{diag}(I_{11}, I_{22}, \ldots, I_{dd})$."),
       reading="The diagonal approximation keeps the Fisher's diagonal entries I_ii = E[s_i²] and drops the rest; "
               "read as a definition and checked for what makes it usable: the kept entries are non-negative, and "
               "where they are positive the step it gives never points uphill.",
       tags=("diagonal",))
def _(c):
    scores = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"s{i + 1}{j + 1}", real=True))  # two equally likely score vectors
    fisher = (scores[:, 0] * scores[:, 0].T + scores[:, 1] * scores[:, 1].T) / 2
    c.prove([fisher[0, 0], fisher[1, 1]], [(scores[0, 0] ** 2 + scores[0, 1] ** 2) / 2, (scores[1, 0] ** 2 + scores[1, 1] ** 2) / 2],
            scope="d = 2, scores on two symbolic outcomes: the diagonal is E[s_i²]")
    c.prove_nonnegative([fisher[0, 0], fisher[1, 1]], scope="d = 2, symbolic scores")
    c.prove_nonnegative(sum(grad[i] ** 2 / entries[i] for i in range(d)),
                        scope="d = 3, I_ii > 0: −diag(I)⁻¹∇L never points uphill")

    c.fuzz(lambda fisher, g: close(g @ diagonal_natural_gradient(np.diag(fisher).copy(), g), np.sum(g**2 / np.diag(fisher)),
                                   cond=np.diag(fisher).max() / np.diag(fisher).min()),
           spd_matrices(5, cond=1e3), vectors(5, -3, 3),
           scope="gᵀ diagonal_natural_gradient(diag I, g) vs Σ g_i²/I_ii for SPD I, d = 5")


@claim("diagonal.per-parameter-scaling",
       title="With I ≈ diag(I_11, …, I_dd) the natural gradient step is Δθ_i = −η ∇_iL / I_ii",
       statement=r"-\eta\,\mathrm{diag}(I_{11},\dots,I_{dd})^{-1}\nabla\mathcal{L} = "
                 r"\Big(-\eta\,\frac{\nabla_i\mathcal{L}}{I_{ii}}\Big)_i",
       source=(SECTION, r"Natural gradient becomes per-parameter scaling: $\Delta\theta_i = -\eta \cdot "
                        r"\frac{\nabla_i\mathcal{L}}{I_{ii}}$."),
       reading="With the Fisher replaced by its diagonal, the natural gradient step divides each gradient component "
               "by its own I_ii; proved exactly, and the kernel (optionally damped) checked against the division.",
       tags=("diagonal", "natural-gradient"))
def _(c):
    diagonal = sp.diag(*entries)
    c.prove(-eta * diagonal.LUsolve(grad), sp.Matrix([-eta * grad[i] / entries[i] for i in range(d)]),
            scope="d = 3, I_ii > 0, all gradients and η")

    def kernel_vs_division(fisher_diag, g, damping):
        expected = g / (fisher_diag + damping)
        cond = (fisher_diag.max() + damping) / (fisher_diag.min() + damping)
        block = np.stack([g, 2 * g], axis=1)
        return [close(diagonal_natural_gradient(fisher_diag, g, damping), expected, cond=cond, what="(d,)"),
                close(diagonal_natural_gradient(fisher_diag, block, damping), block / (fisher_diag + damping)[:, None],
                      cond=cond, what="(d, 2)")]
    c.fuzz(kernel_vs_division, vectors(6, 1e-3, 10.0), vectors(6, -5, 5), st.one_of(st.just(0.0), dampings()),
           scope="diagonal_natural_gradient vs g/(I_ii + λ), d = 6, one and two right-hand sides")


@claim("diagonal.ignores-correlations",
       title="The diagonal step ignores correlations: it equals the full natural gradient for every g only if I is diagonal",
       statement=r"I^{-1} - \mathrm{diag}(I)^{-1} = \frac{1}{ac-b^2}\begin{pmatrix} b^2/a & -b \\ -b & b^2/c\end{pmatrix}"
                 r"\quad\text{for } I = \begin{pmatrix} a & b\\ b & c\end{pmatrix}",
       source=(SECTION, "Easy to compute but ignores correlations between parameters."),
       reading="The diagonal step differs from the full natural gradient by (I⁻¹ − diag(I)⁻¹)∇L, which for a 2 × 2 "
               "Fisher vanishes for every gradient exactly when the off-diagonal entry, the correlation, is 0; shown "
               "on Worked Example 2's Fisher as well.",
       depends_on=("diagonal.per-parameter-scaling",), tags=("diagonal",))
def _(c):
    a, cc = sp.symbols("a c", positive=True)
    b = sp.Symbol("b", real=True)
    fisher = sp.Matrix([[a, b], [b, cc]])
    gap = sp.Matrix([[b**2 / a, -b], [-b, b**2 / cc]]) / (a * cc - b**2)
    c.prove(fisher.inv() - sp.diag(1 / a, 1 / cc), gap, scope="2×2 SPD (ac > b²): the gap is 0 exactly when b = 0")

    # Worked Example 2's Fisher Σ⁻¹ and gradient: full natural gradient (−4, −5), diagonal step (−1.5, −3).
    example_fisher = np.array([[2.0, -1.0], [-1.0, 2.0]]) / 3
    example_grad = np.array([-1.0, -2.0])
    full = natural_gradient(example_fisher, example_grad)
    diagonal = diagonal_natural_gradient(np.diag(example_fisher).copy(), example_grad)
    cosine = full @ diagonal / np.linalg.norm(full) / np.linalg.norm(diagonal)
    c.observe(bool(np.allclose(full, [-4, -5]) and np.allclose(diagonal, [-1.5, -3]) and cosine < 0.99),
              detail=f"Worked Example 2's I = Σ⁻¹, ∇L = (−1, −2): full natural gradient {np.round(full, 6).tolist()}, "
                     f"diagonal {np.round(diagonal, 6).tolist()}, cosine {cosine:.4f}",
              data={"full": full, "diagonal": diagonal, "cosine": cosine})

    def gap_vs_formula(fisher, g):
        inverse_gap = np.linalg.inv(fisher) - np.diag(1 / np.diag(fisher))
        computed = natural_gradient(fisher, g) - diagonal_natural_gradient(np.diag(fisher).copy(), g)
        return close(computed, inverse_gap @ g, cond=np.linalg.cond(fisher) * max(
            1.0, (np.linalg.norm(np.linalg.solve(fisher, g)) + np.linalg.norm(g / np.diag(fisher))) / max(
                np.linalg.norm(inverse_gap @ g), 1e-300)))
    c.fuzz(gap_vs_formula, spd_matrices(2, cond=1e2), vectors(2, -3, 3),
           scope="natural_gradient − diagonal_natural_gradient vs (I⁻¹ − diag(I)⁻¹)g, 2×2, cond ≤ 100")


uncheckable(SECTION, "Works surprisingly well for some problems.",
            "an empirical remark that names no problem, baseline or measure, so there is nothing to test")

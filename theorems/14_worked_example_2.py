"""Worked Example 2: Natural Gradient for Multivariate Gaussian — every number and claim.

The model is N(μ, Σ) with known Σ = [[2, 1], [1, 2]] (eigenvalue 3 along (1, 1), 1 along (1, −1));
the loss is ½‖μ − y‖² with y = (1, 2), which is not the model's negative log-likelihood.  A mean
shift δ costs D_KL = ½ δᵀ Σ⁻¹ δ, the yardstick for "the same distributional change".
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close
from ngproof.kernels import natural_gradient
from ngproof.strategies import spd_matrices, vectors
from ngproof.symbolic.models import spd

SECTION = "Example 2: Natural Gradient for Multivariate Gaussian"
covariance = sp.Matrix([[2, 1], [1, 2]])
target = sp.Matrix([1, 2])
mu = sp.Matrix(sp.symbols("mu1:3", real=True))
start = {mu[0]: 0, mu[1]: 0}
loss = (mu - target).dot(mu - target) / 2
gradient = sp.Matrix([sp.diff(loss, m) for m in mu])
kl_per_shift = lambda shift, cov: (shift.T * cov.inv() * shift)[0, 0] / 2  # noqa: E731


def change_for_unit_kl(direction, cov):
    """Euclidean length of the mean shift along ``direction`` whose KL is 1/2."""
    unit = direction / sp.sqrt(direction.dot(direction))
    return 1 / sp.sqrt((unit.T * cov.inv() * unit)[0, 0])


@claim("ex2.fisher",
       title="The Fisher of N(μ, Σ) in μ is Σ⁻¹ = (1/3)[[2, −1], [−1, 2]]",
       statement=r"I = \Sigma^{-1} = \frac{1}{3}\begin{pmatrix} 2 & -1 \\ -1 & 2 \end{pmatrix}",
       source=(SECTION, r"Fisher: $I = \Sigma^{-1} = \frac{1}{3}\begin{pmatrix} 2 & -1 \ -1 & 2 \end{pmatrix}$."),
       reading="The Fisher of N(μ, Σ) in its mean is Σ⁻¹ (the score is Σ⁻¹(x − μ) and E[(x − μ)(x − μ)ᵀ] = Σ); for "
               "the example's Σ it is (1/3)[[2, −1], [−1, 2]].",
       tags=("example", "gaussian", "fisher"))
def _(c):
    sym_cov, _ = spd(2, "c")
    x = sp.Matrix(sp.symbols("x1:3", real=True))
    log_density = -((x - mu).T * sym_cov.inv() * (x - mu))[0, 0] / 2
    score = sp.Matrix([sp.diff(log_density, m) for m in mu])
    c.prove(score, sym_cov.inv() * (x - mu), scope="2×2 symbolic SPD Σ: the score in μ is Σ⁻¹(x − μ)")
    # E[(x − μ)(x − μ)ᵀ] = Σ, so E[s sᵀ] = Σ⁻¹ Σ Σ⁻¹
    c.prove(sym_cov.inv() * sym_cov * sym_cov.inv(), sym_cov.inv(), scope="2×2 symbolic SPD Σ")
    c.prove(covariance.inv(), sp.Matrix([[2, -1], [-1, 2]]) / 3, scope="the example's Σ")


@claim("ex2.gradient",
       title="Standard gradient μ − y, (−1, −2) at μ₀ = 0",
       statement=r"\nabla\mathcal{L} = \mu - y = (-1, -2)^T \text{ at } \mu_0 = 0",
       source=(SECTION, r"Standard gradient: $\nabla\mathcal{L} = \boldsymbol{\mu} - \mathbf{y}$. At $\boldsymbol{\mu}_0$: "
                        r"$(-1, -2)^T$."),
       reading="The gradient of ½‖μ − y‖² is μ − y, which is (−1, −2) at μ₀ = 0.",
       tags=("example", "gaussian"))
def _(c):
    c.prove(gradient, mu - target, scope="all μ")
    c.prove(gradient.subs(start), sp.Matrix([-1, -2]), scope="μ₀ = 0")


@claim("ex2.natural-gradient",
       title="Natural gradient Σ∇L = (−4, −5)",
       statement=r"\tilde\nabla\mathcal{L} = I^{-1}\nabla\mathcal{L} = \Sigma\nabla\mathcal{L} = (-4, -5)^T",
       source=(SECTION, r"$\tilde{\nabla}\mathcal{L} = I^{-1} \nabla\mathcal{L} = \Sigma \nabla\mathcal{L}"),
       reading="With I = Σ⁻¹ the natural gradient I⁻¹∇L is Σ∇L, (−4, −5) at μ₀; checked exactly and by the "
               "natural_gradient kernel.",
       depends_on=("ex2.fisher", "ex2.gradient"), tags=("example", "gaussian", "kernel"))
def _(c):
    at_start = gradient.subs(start)
    c.prove(covariance.inv().inv() * at_start, covariance * at_start, scope="the example's data")
    c.prove(covariance * at_start, sp.Matrix([-4, -5]), scope="the example's data")
    fisher_matrix = np.array(covariance.inv(), dtype=float)
    grad = np.array(at_start, dtype=float).ravel()
    c.fuzz(lambda f, g: close(natural_gradient(f, g), np.array([-4.0, -5.0]), cond=np.linalg.cond(f)),
           st.just(fisher_matrix), st.just(grad), scope="natural_gradient kernel on the example's I and ∇L vs (−4, −5)",
           max_examples=1)


@claim("ex2.answer-inverse",
       title="The natural gradient is Σ∇L because I⁻¹ = Σ",
       statement=r"I^{-1} = (\Sigma^{-1})^{-1} = \Sigma",
       source=(SECTION, r"The natural gradient is $\Sigma \nabla\mathcal{L}$ because $I^{-1} = \Sigma$."),
       reading="I⁻¹ = (Σ⁻¹)⁻¹ = Σ, so preconditioning with the inverse Fisher is multiplying by Σ.",
       depends_on=("ex2.fisher",), tags=("example", "gaussian", "kernel"))
def _(c):
    sym_cov, _ = spd(2, "c")
    c.prove(sym_cov.inv().inv(), sym_cov, scope="2×2 symbolic SPD Σ")

    def kernel_vs_sigma_times_gradient(cov, grad):
        precision = np.linalg.inv(cov)
        precision = (precision + precision.T) / 2
        return close(natural_gradient(precision, grad), cov @ grad, cond=np.linalg.cond(cov) ** 2)
    for size in (2, 5):
        c.fuzz(kernel_vs_sigma_times_gradient, spd_matrices(size, cond=1e3), vectors(size),
               scope=f"natural_gradient kernel on I = Σ⁻¹ vs Σ∇L; d = {size}, cond(Σ) ≤ 1e3", max_examples=12)


@claim("ex2.loss-is-not-the-nll",
       title="The example's loss is not the model's NLL; for the NLL the natural gradient is μ − y itself",
       statement=r"-\log\mathcal{N}(y\mid\mu,\Sigma) = \tfrac12(\mu-y)^T\Sigma^{-1}(\mu-y) + c \ne \tfrac12\|\mu-y\|^2,\ "
                 r"\Sigma\,\nabla_\mu[\text{NLL}] = \mu - y",
       source=(SECTION, r"and loss $\mathcal{L}(\boldsymbol{\mu}) = \frac{1}{2}|\boldsymbol{\mu} - \mathbf{y}|^2$"),
       reading="The example's loss is the isotropic ½‖μ − y‖², not the model's negative log-likelihood; the check "
               "records how they differ and that for the NLL the natural gradient would be μ − y itself, so the "
               "stretch comes from pairing the Fisher of N(μ, Σ) with the isotropic loss.",
       depends_on=("ex2.natural-gradient",), tags=("example", "gaussian"))
def _(c):
    nll = ((mu - target).T * covariance.inv() * (mu - target))[0, 0] / 2
    c.prove(nll - loss, -(mu[0] - 1) ** 2 / 6 - (mu[1] - 2) ** 2 / 6 - (mu[0] - 1) * (mu[1] - 2) / 3,
            scope="all μ: the two losses differ (their difference is not constant)")
    nll_gradient = sp.Matrix([sp.diff(nll, m) for m in mu])
    c.prove(covariance * nll_gradient.subs(start), sp.Matrix([-1, -2]),
            scope="at μ₀ = 0 the natural gradient of the NLL is (−1, −2): the stretch to (−4, −5) comes from "
                  "pairing the Fisher of N(μ, Σ) with the isotropic loss")


@claim("ex2.standard-descent-direction",
       title="Standard descent goes toward y = (1, 2): the gradient is (−1, −2), the descent direction (1, 2)",
       statement=r"\nabla\mathcal{L}(\mu_0) = (-1, -2)^T,\quad -\nabla\mathcal{L}(\mu_0) = (1, 2)^T = y - \mu_0,\quad "
                 r"-\Sigma\nabla\mathcal{L}(\mu_0) = (4, 5)^T",
       source=(SECTION, r"Standard descent points toward $(-1, -2)$ (towards $(1, 2)$ in Euclidean space)."),
       reading="Read with its parenthesis: the standard gradient is (−1, −2) and the descent step moves toward "
               "(1, 2) = y; likewise the next sentence's natural gradient (−4, −5) has descent direction (4, 5).",
       wording="Literally the descent direction is −∇L = (1, 2), not (−1, −2): '(−1, −2)' names the gradient, as the "
               "answer box says ('Standard gradient direction: (−1, −2)'); the same holds for the natural "
               "gradient's '(−4, −5)'.",
       depends_on=("ex2.gradient", "ex2.natural-gradient"), tags=("example", "gaussian"))
def _(c):
    plain = -gradient.subs(start)
    natural = -covariance * gradient.subs(start)
    c.prove([gradient.subs(start), plain, natural], [sp.Matrix([-1, -2]), target - sp.Matrix([0, 0]), sp.Matrix([4, 5])],
            scope="the example's data: the descent directions are (1, 2) = y − μ₀ and (4, 5)")


@claim("ex2.stretch",
       title="Σ stretches the gradient along (1, 1), its eigenvalue-3 axis",
       statement=r"\nabla\mathcal{L} = -\tfrac32(1,1) + \tfrac12(1,-1) \ \mapsto\ \Sigma\nabla\mathcal{L} = "
                 r"-\tfrac92(1,1) + \tfrac12(1,-1) = (-4,-5)",
       source=(SECTION, r'Natural gradient points toward $(-4, -5)$ — it "stretches" the direction to account for the '
                        r'correlation.'),
       reading="Σ has eigenvalue 3 along (1, 1) and 1 along (1, −1); Σ∇L triples the gradient's (1, 1) component and "
               "keeps the other, which is the stretch.",
       depends_on=("ex2.natural-gradient",), tags=("example", "gaussian"))
def _(c):
    major, minor = sp.Matrix([1, 1]), sp.Matrix([1, -1])
    c.prove([covariance * major, covariance * minor], [3 * major, minor], scope="the eigenvectors of Σ")
    c.prove(gradient.subs(start), -sp.Rational(3, 2) * major + minor / 2, scope="∇L in the eigenbasis")
    c.prove(covariance * gradient.subs(start), -sp.Rational(9, 2) * major + minor / 2,
            scope="the (1, 1) component is tripled, the (1, −1) component kept")


@claim("ex2.negatively-correlated-direction",
       title="Along the direction the natural gradient stretches, (1, 1), the same KL needs the larger mean change",
       statement=r"\tfrac13\|u\|^2 \le u^T\Sigma^{-1}u \le \|u\|^2:\ "
                 r"u^T\Sigma^{-1}u - \tfrac13\|u\|^2 = \tfrac13(u_1-u_2)^2,\ \|u\|^2 - u^T\Sigma^{-1}u = \tfrac13(u_1+u_2)^2",
       source=(SECTION, "The natural gradient knows that moving along the negatively correlated direction requires a "
                        "larger parameter change to achieve the same distributional change."),
       reading="The direction meant is the one the previous sentence says the natural gradient stretches, Σ's major "
               "axis (1, 1), where the Fisher Σ⁻¹ has its negative off-diagonal −1/3 acting; read as: a mean shift "
               "along (1, 1) must be longer (√3 against 1 along (1, −1)) for the same KL ½δᵀΣ⁻¹δ.",
       wording="'Negatively correlated' is the wrong name for (1, 1): the coordinates of N(μ, Σ) are positively "
               "correlated (Σ₁₂ = 1) and (1, 1) moves them together; only the Fisher Σ⁻¹ has a negative off-diagonal. "
               "Along (1, −1), the direction that does go against the correlation, the needed change is the smallest.",
       depends_on=("ex2.fisher", "ex2.stretch"), tags=("example", "gaussian"))
def _(c):
    u = sp.Matrix(sp.symbols("u1:3", real=True))
    quadratic = (u.T * covariance.inv() * u)[0, 0]
    c.prove([quadratic - u.dot(u) / 3, u.dot(u) - quadratic], [(u[0] - u[1]) ** 2 / 3, (u[0] + u[1]) ** 2 / 3],
            scope="every direction u: KL per squared step is least along (1, 1) and most along (1, −1)")
    c.prove_nonnegative((u[0] - u[1]) ** 2 / 3 + (u[0] + u[1]) ** 2 / 3, scope="both gaps are squares")
    c.prove([change_for_unit_kl(sp.Matrix([1, 1]), covariance), change_for_unit_kl(sp.Matrix([1, -1]), covariance)],
            [sp.sqrt(3), 1], scope="step lengths for KL = 1/2")


@claim("ex2.answer-directions",
       title="Answer: standard gradient direction (−1, −2), natural gradient direction (−4, −5)",
       statement=r"\nabla\mathcal{L} = (-1,-2)^T,\ \tilde\nabla\mathcal{L} = (-4,-5)^T",
       source=(SECTION, r"Standard gradient direction: $(-1, -2)^T$. Natural gradient direction: $(-4, -5)^T$."),
       reading="The answer box's two vectors are the gradient and the natural gradient (not descent directions), "
               "(−1, −2) and (−4, −5).",
       depends_on=("ex2.gradient", "ex2.natural-gradient"), tags=("example", "gaussian"))
def _(c):
    c.prove([gradient.subs(start), covariance.inv().LUsolve(gradient.subs(start))],
            [sp.Matrix([-1, -2]), sp.Matrix([-4, -5])], scope="the example's data (I x = ∇L solved exactly)")


@claim("ex2.correlated-dimensions",
       title="Correlated dimensions need larger mean changes for the same KL when moved together, with the correlation",
       statement=r"\Sigma_c = \begin{pmatrix} 2 & c \\ c & 2\end{pmatrix},\ \text{KL} = \kappa:\ "
                 r"\|\delta\|^2_{(1,1)} = 2\kappa(2 + c),\ \|\delta\|^2_{(1,-1)} = 2\kappa(2 - c)",
       source=(SECTION, "highly correlated dimensions require larger parameter changes for equivalent effects on the "
                        "distribution"),
       reading="Read as the example's point: when two coordinates are correlated (covariance c > 0), moving the "
               "mean along the correlation (both together, the natural gradient's stretch) takes a change that grows "
               "with c for the same KL.",
       wording="Not in every direction: against the correlation, along (1, −1), the needed change shrinks as c grows "
               "(‖δ‖² = 2κ(2 − c)), so 'correlated dimensions require larger changes' holds only for moves with the "
               "correlation.",
       depends_on=("ex2.negatively-correlated-direction",), tags=("example", "gaussian"))
def _(c):
    corr = sp.Symbol("c", real=True)
    kappa = sp.Symbol("kappa", positive=True)
    cov = sp.Matrix([[2, corr], [corr, 2]])
    for direction, sign in ((sp.Matrix([1, 1]), 1), (sp.Matrix([1, -1]), -1)):
        unit = direction / sp.sqrt(2)
        rayleigh = (unit.T * cov.inv() * unit)[0, 0]
        c.prove(2 * kappa / rayleigh, 2 * kappa * (2 + sign * corr),
                scope=f"all |c| < 2 (Σ positive definite), direction {tuple(direction)}")
    c.prove(kl_per_shift(sp.Matrix([1, 1]), cov), 1 / (2 + corr), scope="KL of the shift (1, 1), all |c| < 2")

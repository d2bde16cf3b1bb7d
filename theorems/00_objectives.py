"""The lesson's frame: header, Learning Objectives, Key Terms and Next Steps — passages without checkable content."""
import numpy as np
from hypothesis import strategies as st

from ngproof import claim, close, uncheckable
from ngproof.kernels import bernoulli_natural_gradient, categorical_natural_gradient, gaussian_natural_gradient
from ngproof.strategies import dampings, probability_vectors, reals, vectors

OBJECTIVES = "Learning Objectives"
OBJECTIVE = ("a learning objective — what the reader should be able to do, not a statement about mathematics; "
             "the content it names is checked by the claims of the sections cited")

uncheckable("24-02 — Natural Gradient Descent", "Phase: 24 — Information Geometry & Advanced Theory Subject: 24-02",
            "course metadata (phase, subject number, prerequisites, next subject)")
uncheckable(OBJECTIVES, "By the end of this subject, you will be able to:", "the lead-in of the list of objectives")
uncheckable(OBJECTIVES, "- Derive the natural gradient update rule from the KL divergence constraint",
            OBJECTIVE + " (The Natural Gradient: the Lagrangian and trust-region claims)")
uncheckable(OBJECTIVES, "- Explain why natural gradient is invariant to reparameterization (unlike standard gradient)",
            OBJECTIVE + " (Reparameterization Invariance)")


@claim("objectives.simple-models",
       title="The closed-form natural gradients of the Bernoulli, Gaussian and categorical models are I⁻¹∇L",
       statement=r"\tilde\nabla\mathcal{L} = (I + \lambda\mathbb{1})^{-1}\nabla\mathcal{L}\ \text{for the Bernoulli, mean-field Gaussian and categorical Fishers}",
       source=(OBJECTIVES, "- Compute natural gradients for simple models (Bernoulli, Gaussian, categorical)"),
       depends_on=("bernoulli.natural-gradient", "gaussian.ng-mean", "categorical.damped-natural-gradient"), tags=("natural-gradient",),
       reading="An objective, read as the promise that the three model sections give closed forms for the natural "
               "gradient I⁻¹∇L of their models (the categorical one damped, (I + λ𝟙)⁻¹∇L, as that section computes it). "
               "The check compares the kernels implementing those closed forms with a dense solve against each Fisher; "
               "the closed forms themselves are proved in the sections' claims it depends on.")
def _(c):
    def closed_forms_vs_dense_solve(theta, label, mu, sigma, grads, probs, damping):
        p, q = 1 / (1 + np.exp(-theta)), 1 / (1 + np.exp(theta))
        bernoulli = bernoulli_natural_gradient(np.array([theta]), np.array([label]))[0]
        nat_mu, nat_sigma = gaussian_natural_gradient(np.array([mu]), np.array([sigma]), grads[:1], grads[1:2])
        gaussian_fisher = np.diag([1 / sigma ** 2, 2 / sigma ** 2])
        categorical_fisher = np.diag(probs) - np.outer(probs, probs) + damping * np.eye(probs.size)
        categorical = categorical_natural_gradient(probs, grads, damping)
        return [close(bernoulli, (p - label) / (p * q), cond=1 / (p * q)),
                close(np.concatenate([nat_mu, nat_sigma]), np.linalg.solve(gaussian_fisher, grads[:2]), cond=2),
                close(categorical, np.linalg.solve(categorical_fisher, grads), cond=np.linalg.cond(categorical_fisher))]
    c.fuzz(closed_forms_vs_dense_solve, reals(-8, 8), st.sampled_from([0.0, 1.0]), reals(-5, 5), reals(0.1, 10),
           vectors(3, -2, 2), probability_vectors(3), dampings(1e-3, 10),
           scope="bernoulli_natural_gradient, gaussian_natural_gradient (σ) and categorical_natural_gradient (damped) "
                 "vs the dense solve (I + λ𝟙)⁻¹∇L with numpy; 12 cases (lowered budget: seven draws per case)",
           max_examples=12)


uncheckable(OBJECTIVES, "- Understand the connection to Newton's method and how natural gradient differs",
            OBJECTIVE + " (Natural Gradient vs Newton's Method)")
uncheckable(OBJECTIVES, "- Describe practical approximations including K-FAC and their trade-offs",
            OBJECTIVE + " (Practical Approximations)")

KEY_TERM = "a glossary entry (a term named, not defined or asserted); its definition is checked where the lesson gives it"
for term in ("- Damping", "- K-FAC", "- Natural gradient", "- Riemannian metric"):
    uncheckable("Key Terms", term, KEY_TERM)

uncheckable("Next Steps",
            "Next up: 24-03 — Neural Tangent Kernel (NTK) — where you'll discover that infinitely wide neural networks "
            "behave exactly like kernel machines",
            "out of scope: a claim about the next lesson (24-03), not checked here. As stated it needs qualifiers — "
            "the kernel-machine limit holds for the NTK parameterization trained by gradient flow (e.g. on squared "
            "loss), where training linearises around the initialisation; other infinite-width limits (mean-field, "
            "μP) learn features and are not kernel machines. The 'deep connections through the Fisher geometry' "
            "(the NTK J Jᵀ and the Fisher/GGN Jᵀ Λ J share the Jacobian) are likewise left to that lesson")

"""Why Standard Gradient Descent Has a Problem: plain gradient descent depends on the coordinates.

The lesson's setting: a Bernoulli model in its probability θ ∈ (0, 1) (parameterisation A)
or in its log-odds φ = log(θ/(1−θ)) (parameterisation B), so θ = σ(φ).  With u = e^φ every
quantity below is rational in u, where ``cancel`` decides equality.
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ngproof import claim, close, uncheckable
from ngproof.kernels import bernoulli_gradient
from ngproof.strategies import vectors
from ngproof.symbolic.families import bernoulli_expectation, kl_taylor
from ngproof.symbolic.models import exponential_substitution

SECTION = "Why Standard Gradient Descent Has a Problem"
theta = sp.Symbol("theta", positive=True)
phi = sp.Symbol("phi", real=True)
u = sp.Symbol("u", positive=True)
y = sp.Symbol("y", real=True)
sigma = 1 / (1 + sp.exp(-phi))
in_u = [exponential_substitution(phi, u)]
# the negative log-likelihood of one observation y in the probability parameter
nll_theta = -y * sp.log(theta) - (1 - y) * sp.log(1 - theta)


@claim("gd.steepest-euclidean",
       title="Plain gradient descent is steepest descent for the Euclidean norm",
       statement=r"\min_{\|d\|_2 = 1} \nabla\mathcal{L}^T d = -\|\nabla\mathcal{L}\|_2 "
                 r"\text{ at } d = -\nabla\mathcal{L}/\|\nabla\mathcal{L}\|_2",
       source=(SECTION, "Standard gradient descent updates parameters in the direction of steepest descent in "
                        "Euclidean space"),
       tags=("gradient-descent",),
       reading="Steepest descent for the Euclidean norm: among directions of unit Euclidean length, −∇L/‖∇L‖ makes "
               "the first-order change ∇Lᵀd most negative. Proved by Cauchy–Schwarz (Lagrange's identity) for n = 3.")
def _(c):
    g = sp.Matrix(sp.symbols("g1:4", real=True))
    d = sp.Matrix(sp.symbols("d1:4", real=True))
    squares = sum((g[i] * d[j] - g[j] * d[i]) ** 2 for i in range(3) for j in range(i + 1, 3))
    # Lagrange's identity: |g|²|d|² − (g·d)² is a sum of squares, so g·d ≥ −|g| on the unit sphere
    c.prove(g.dot(g) * d.dot(d) - g.dot(d) ** 2, squares, scope="n = 3, symbolic real entries")
    c.prove_nonnegative(squares, scope="n = 3, symbolic real entries")
    norm = sp.sqrt(g.dot(g))
    c.prove(g.dot(-g / norm), -norm, scope="n = 3, g ≠ 0: the bound is attained at d = −g/|g|")


uncheckable(SECTION, r"$$\theta_{t+1} = \theta_t - \eta \nabla_\theta \mathcal{L}(\theta_t)$$",
            "the definition of the update; its steepest-descent property is gd.steepest-euclidean")
uncheckable(SECTION, "But parameter space has no intrinsic geometry.",
            "a framing sentence; its checkable content, that Euclidean lengths and steps in parameters are not "
            "distribution changes, is gd.euclidean-distance and gd.not-invariant")
uncheckable(SECTION, "Consider reparameterizing a Bernoulli distribution:", "an introduction to the two parameterisations")
uncheckable(SECTION, r"Parameterization A: $\theta \in (0, 1)$ — the probability itself",
            "a definition; the map to parameterisation B is checked in gd.log-odds-map")
uncheckable(SECTION, "This is a fundamental flaw when optimizing over probability distributions.", "a judgement")


@claim("gd.log-odds-map",
       title="The log-odds is a smooth bijection of (0, 1) onto ℝ with inverse σ",
       statement=r"\phi = \log\frac{\theta}{1-\theta}:\ \sigma(\phi) = \theta,\ \log\frac{\sigma(\phi)}{1-\sigma(\phi)} = \phi,\ "
                 r"\frac{d\phi}{d\theta} = \frac{1}{\theta(1-\theta)} > 0",
       source=(SECTION, r"Parameterization B: $\phi = \log\frac{\theta}{1-\theta}$ — the log-odds"),
       tags=("reparameterization", "bernoulli"),
       reading="Parameterization B is a reparameterization of A: the log-odds is a smooth bijection of (0, 1) onto ℝ, "
               "with the sigmoid as inverse and a positive derivative.")
def _(c):
    logit = sp.log(theta / (1 - theta))
    c.prove(sp.cancel(sigma.subs(phi, logit)), theta, scope="all θ ∈ (0, 1)")
    c.prove(sp.log(sp.cancel(sigma / (1 - sigma))), phi, scope="all real φ")
    c.prove(sp.diff(logit, theta), 1 / (theta * (1 - theta)), scope="all θ ∈ (0, 1)")


@claim("gd.chain-rule-bernoulli",
       title="Gradient in the log-odds is θ(1−θ) times the gradient in the probability",
       statement=r"\frac{\partial\mathcal{L}}{\partial\phi} = \theta(1-\theta)\,\frac{\partial\mathcal{L}}{\partial\theta},"
                 r"\quad \theta = \sigma(\phi)",
       source=(SECTION, r"gradient descent behaves completely differently because $d\theta \neq d\phi$"),
       tags=("gradient-descent", "bernoulli", "reparameterization"),
       reading="'dθ ≠ dφ' read as: the differentials of the two coordinates differ, dθ = θ(1−θ) dφ, so the gradients "
               "differ by that factor (∂L/∂φ = θ(1−θ) ∂L/∂θ) and the same η moves the model by different amounts. "
               "Proved for every differentiable loss; the kernel is fuzzed against the chain rule.")
def _(c):
    f = sp.Function("f")
    c.prove(sp.diff(f(sigma), phi), sigma * (1 - sigma) * sp.diff(f(theta), theta).subs(theta, sigma),
            scope="any differentiable loss f(θ), all real φ")
    dtheta_dphi = sp.diff(sigma, phi)
    c.prove(dtheta_dphi, u / (1 + u) ** 2, scope="all real φ: dθ/dφ = θ(1−θ) ≠ 1, so dθ ≠ dφ", rewriters=in_u)

    def kernel_vs_chain_rule(t, label):
        p = 1 / (1 + np.exp(-t))
        expected = p * (1 - p) * (-label / p + (1 - label) / (1 - p))
        return close(bernoulli_gradient(t, label), expected, cond=1 / np.min(np.minimum(p, 1 - p)))
    # each draw is a batch of 16 points: one kernel call per draw (the kernel's launch dominates its cost)
    c.fuzz(kernel_vs_chain_rule, vectors(16, -5, 5), arrays(np.float64, (16,), elements=st.sampled_from([0.0, 1.0])),
           scope="bernoulli_gradient kernel (log-odds) vs θ(1−θ)·∂L/∂θ, φ ∈ [-5, 5], y ∈ {0, 1}; "
                 "10 draws × 16 points", max_examples=10)


@claim("gd.not-invariant",
       title="A plain gradient step in φ is not the same distribution change as one in θ",
       statement=r"\frac{d}{d\eta}\,\sigma\!\left(\phi - \eta\,\partial_\phi\mathcal{L}\right)\Big|_{\eta=0} "
                 r"= \left(\theta(1-\theta)\right)^2 \frac{d}{d\eta}\left(\theta - \eta\,\partial_\theta\mathcal{L}\right)"
                 r",\quad 0 < (\theta(1-\theta))^2 \le \tfrac{1}{16}",
       source=(SECTION, r"the new update $\Delta\phi = -\eta\nabla_\phi\mathcal{L}$ does NOT correspond to the "
                        r"same distribution change as the original update"),
       depends_on=("gd.chain-rule-bernoulli",), tags=("gradient-descent", "bernoulli", "reparameterization"),
       reading="For the lesson's pair (probability θ, log-odds φ) and any loss: the plain step in φ, mapped back to θ, "
               "is not the plain step in θ. Proved to first order in η (the two velocities differ by the factor "
               "(θ(1−θ))² ≤ 1/16) and on one exact step.")
def _(c):
    f = sp.Function("f")
    eta = sp.Symbol("eta", real=True)
    grad_phi = sp.diff(f(sigma), phi)
    grad_theta = sp.diff(f(theta), theta).subs(theta, sigma)
    # velocity, in θ, of a φ-step pulled back to θ; a θ-step moves θ at velocity −∂L/∂θ
    velocity = sp.diff(sigma.subs(phi, phi - eta * grad_phi), eta).subs(eta, 0)
    c.prove(velocity, -(sigma * (1 - sigma)) ** 2 * grad_theta,
            scope="any differentiable loss, all real φ: the two first-order distribution changes differ by the factor "
                  "(θ(1−θ))²")
    factor = (u / (1 + u) ** 2) ** 2
    c.prove(sp.Rational(1, 16) - factor, (u - 1) ** 2 * (u ** 2 + 6 * u + 1) / (16 * (1 + u) ** 4),
            scope="all u = e^φ > 0")
    c.prove_nonnegative((u - 1) ** 2 * (u ** 2 + 6 * u + 1) / (16 * (1 + u) ** 4),
                        scope="all u > 0: (θ(1−θ))² ≤ 1/16 < 1, so the steps never agree where ∇L ≠ 0")
    # one exact step from θ = 1/2 (φ = 0) on y = 1 with η = 1/10
    step = sp.Rational(1, 10)
    theta_step = (theta - step * sp.diff(nll_theta, theta)).subs({y: 1, theta: sp.Rational(1, 2)})
    phi_step = (phi - step * sp.diff(nll_theta.subs(theta, sigma), phi)).subs({y: 1, phi: 0})
    c.prove(theta_step, sp.Rational(7, 10), scope="one θ-step from θ = 1/2, y = 1, η = 1/10")
    c.prove(phi_step, sp.Rational(1, 20), scope="one φ-step from φ = 0, y = 1, η = 1/10")
    landed = sp.N(sigma.subs(phi, phi_step), 50)
    c.observe(abs(landed - theta_step) > sp.Rational(1, 10), scope="exact values evaluated to 50 digits",
              detail=f"the θ-step lands on θ = 7/10, the φ-step on θ = σ(1/20) = {sp.N(landed, 8)}",
              data={"theta_step": "7/10", "phi_step_as_theta": str(sp.N(landed, 20))})


@claim("gd.invariance-group",
       title="Plain gradient descent is invariant exactly under Euclidean isometries, not under other linear maps",
       statement=r"\phi = A\theta + b:\ \phi - \eta A^{-T}\nabla_\theta\mathcal{L} = A(\theta - \eta\nabla_\theta\mathcal{L}) + b "
                 r"\iff A^{-T} = A \iff A^T A = \mathbb{1}",
       source=(SECTION, r"the update $\Delta\theta = -\eta\nabla\mathcal{L}$ is NOT invariant to reparameterization"),
       depends_on=("gd.chain-rule-bernoulli",), tags=("gradient-descent", "reparameterization"),
       reading="'NOT invariant to reparameterization' read as: not invariant under reparameterisations in general "
               "(it cannot mean under none, since a rotation leaves plain gradient descent unchanged). Proved for "
               "linear maps: the step is invariant under A exactly when AᵀA = 𝟙, so not under a diagonal rescaling.")
def _(c):
    t, s1, s2 = sp.symbols("t s1 s2", real=True)
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    # rotations by every angle but π, rationally: cos = (1 − t²)/(1 + t²), sin = 2t/(1 + t²)
    rotation = sp.Matrix([[1 - t ** 2, -2 * t], [2 * t, 1 - t ** 2]]) / (1 + t ** 2)
    # the φ-step is −η A^{-T}∇_θL (∇_φL = A^{-T}∇_θL); the image of the θ-step is −η A ∇_θL
    c.prove(rotation.T.inv() * g, rotation * g,
            scope="every rotation of the plane (angle ≠ π; the reflection −1 is immediate), every gradient: the two "
                  "steps coincide")
    # the general 2×2 case: Aᵀ(A g − A^{-T} g) = (AᵀA − 𝟙) g, so the steps agree for every g iff AᵀA = 𝟙
    linear = sp.Matrix(2, 2, sp.symbols("a11 a12 a21 a22", real=True))
    c.prove(linear.T * (linear * g - linear.T.inv() * g), (linear.T * linear - sp.eye(2)) * g,
            scope="every invertible 2×2 A, every gradient: A g = A^{-T} g for all g iff AᵀA = 𝟙 (Aᵀ invertible)")
    scaling = sp.diag(s1, s2)
    c.prove(scaling.T.inv() * g - scaling * g, sp.Matrix([g[0] * (1 - s1 ** 2) / s1, g[1] * (1 - s2 ** 2) / s2]),
            scope="every diagonal rescaling: the steps differ unless s_i² = 1 (e.g. s = (2, 1): (−3/2) g₁ ≠ 0)")


@claim("gd.euclidean-distance",
       title="Equal Euclidean distances |θ1 − θ2| are unequal distribution changes",
       statement=r"D_{KL}(p_\theta \| p_{\theta+d\theta}) = \frac{d\theta^2}{2\theta(1-\theta)} + O(d\theta^3)"
                 r"\ \text{(depends on } \theta\text{)}",
       source=(SECTION, r"The Euclidean distance $|\theta_1 - \theta_2|$ is not a meaningful measure of how different "
                        r"two distributions are."),
       tags=("gradient-descent", "bernoulli", "kl"),
       reading="|θ1 − θ2| does not measure how different the distributions are: equal Euclidean gaps give KL "
               "divergences that depend on where they sit. Proved on the local KL rate 1/(2θ(1−θ)) of the Bernoulli, "
               "with one exact pair of equal gaps as an illustration.")
def _(c):
    outcome = sp.Symbol("x")
    log_density = outcome * sp.log(theta) + (1 - outcome) * sp.log(1 - theta)
    coefficients = kl_taylor(log_density, [theta], [1], bernoulli_expectation(outcome, theta))
    c.prove(coefficients, [0, 0, 1 / (2 * theta * (1 - theta))],
            scope="all θ ∈ (0, 1): the KL per squared Euclidean step is 1/(2θ(1−θ)), not a constant")
    c.prove(sp.diff(coefficients[2], theta), (2 * theta - 1) / (2 * theta ** 2 * (1 - theta) ** 2),
            scope="all θ ∈ (0, 1): it varies with θ wherever θ ≠ 1/2")

    def kl(a, b):
        return a * sp.log(a / b) + (1 - a) * sp.log((1 - a) / (1 - b))
    near_half = kl(sp.Rational(1, 2), sp.Rational(6, 10))
    near_edge = kl(sp.Rational(8, 10), sp.Rational(9, 10))
    ratio = sp.N(near_edge / near_half, 50)
    c.observe(ratio > 2, scope="exact values evaluated to 50 digits",
              detail=f"|0.5 − 0.6| = |0.8 − 0.9| = 0.1, but KL(0.5‖0.6) = {sp.N(near_half, 6)} and "
                     f"KL(0.8‖0.9) = {sp.N(near_edge, 6)} ({sp.N(ratio, 4)}× larger)",
              data={"kl_0.5_0.6": str(sp.N(near_half, 20)), "kl_0.8_0.9": str(sp.N(near_edge, 20))})

"""Practice Problems — Problem 2: the Gaussian with fixed unit variance, where natural gradient is plain gradient."""
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close, uncheckable
from ngproof.kernels import gaussian_fisher_diagonal, gaussian_natural_gradient, natural_gradient
from ngproof.strategies import reals, vectors

SECTION = "Practice Problems"
x, theta, mu = sp.symbols("x theta mu", real=True)
z = sp.Symbol("z", real=True)
density = sp.exp(-(x - theta) ** 2 / 2) / sp.sqrt(2 * sp.pi)
log_density = -(x - theta) ** 2 / 2 - sp.log(2 * sp.pi) / 2
loss = (theta - mu) ** 2 / 2


def expectation(f):
    """E_{x ~ N(θ, 1)}[f(x)], integrated in z = x − θ."""
    standard = sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)
    return sp.integrate(sp.expand(f.subs(x, theta + z)) * standard, (z, -sp.oo, sp.oo))


@claim("problem2.fisher-is-one",
       title="Fisher of N(x | θ, 1) is the constant 1",
       statement=r"I(\theta) = \mathbb{E}[(\partial_\theta \log \mathcal{N}(x\mid\theta,1))^2] = 1",
       source=(SECTION, r"Fisher: $I(\theta) = 1$ (constant — see 24-01)."),
       reading="For the model N(x | θ, 1), E[(∂_θ log p)²] = 1 at every θ (so also in the −E[∂² log p] form).",
       depends_on=("gaussian.fisher",), tags=("gaussian", "fisher"))
def _(c):
    score = sp.diff(log_density, theta)
    c.prove(expectation(score ** 2), 1, scope="all real θ; E[s²] integrated over x ~ N(θ, 1)")
    c.prove(expectation(-sp.diff(log_density, theta, 2)), 1, scope="all real θ; the −E[∂² log p] form")
    c.fuzz(lambda n: close(gaussian_fisher_diagonal(np.ones(n))[:n], np.ones(n)), st.integers(1, 8),
           scope="gaussian_fisher_diagonal kernel's μ entries at σ = 1 vs 1, n ≤ 8 coordinates")


@claim("problem2.gradient",
       title="Gradient of ½(θ − μ)²",
       statement=r"\nabla\mathcal{L} = \theta - \mu",
       source=(SECTION, r"Loss gradient: $\nabla\mathcal{L} = \theta - \mu$."),
       reading="The derivative of ½(θ − μ)² in θ.",
       tags=("gaussian",))
def _(c):
    c.prove(sp.diff(loss, theta), theta - mu, scope="all real θ, μ")


@claim("problem2.natural-gradient-equals-gradient",
       title="Natural gradient of ½(θ − μ)² under N(x | θ, 1) is θ − μ, the plain gradient",
       statement=r"\tilde\nabla\mathcal{L} = I^{-1}\nabla\mathcal{L} = \theta - \mu = \nabla\mathcal{L}",
       source=(SECTION, r"Natural gradient: $\tilde{\nabla}\mathcal{L} = I^{-1} \nabla\mathcal{L} = \theta - \mu$."),
       reading="I⁻¹∇L with the model's Fisher I = 1 is θ − μ.",
       depends_on=("problem2.fisher-is-one", "problem2.gradient"), tags=("gaussian", "natural-gradient"))
def _(c):
    fisher = expectation(sp.diff(log_density, theta) ** 2)
    c.prove(sp.diff(loss, theta) / fisher, theta - mu, scope="all real θ, μ")

    def kernel_vs_gradient(t, m):
        nat_mu, _ = gaussian_natural_gradient(np.array([t]), np.array([1.0]), np.array([t - m]), np.array([0.0]))
        return close(nat_mu[0], t - m)
    c.fuzz(kernel_vs_gradient, reals(-10, 10), reals(-10, 10),
           scope="gaussian_natural_gradient kernel's μ part at σ = 1 vs the plain gradient θ − μ; 20 cases "
                 "(lowered budget)", max_examples=20)


@claim("problem2.identity-fisher-no-difference",
       title="With the identity Fisher, natural and standard gradient coincide",
       statement=r"I(\theta) = \mathbb{1} \implies I^{-1}\nabla\mathcal{L} = \nabla\mathcal{L}",
       source=(SECTION, r"There's no difference between natural and standard gradient when $I(\theta)$ is the identity matrix."),
       reading="If the Fisher matrix is the identity matrix, I⁻¹g = g for every gradient g.",
       tags=("natural-gradient",))
def _(c):
    g = sp.Matrix(sp.symbols("g1:4", real=True))
    c.prove(sp.eye(3).inv() * g, g, scope="3 parameters, symbolic gradient")
    c.fuzz(lambda v: close(natural_gradient(np.eye(v.size), v), v), vectors(6, -1e3, 1e3),
           scope="natural_gradient kernel with F = I vs the gradient itself, d = 6")


@claim("problem2.identical",
       title="Natural gradient is standard gradient for the fixed-variance Gaussian",
       statement=r"\theta - \eta I^{-1}\nabla\mathcal{L} = \theta - \eta\nabla\mathcal{L}\quad\text{for } \mathcal{N}(x\mid\theta,1)",
       source=(SECTION, "They're identical! Natural gradient IS standard gradient in this case."),
       reading="'Identical' read as: the natural-gradient update equals the gradient-descent update at every θ, μ "
               "and step size η.",
       depends_on=("problem2.natural-gradient-equals-gradient",), tags=("gaussian", "natural-gradient"))
def _(c):
    eta = sp.Symbol("eta", positive=True)
    fisher = expectation(-sp.diff(log_density, theta, 2))
    c.prove(theta - eta * sp.diff(loss, theta) / fisher, theta - eta * sp.diff(loss, theta), scope="all θ, μ, η > 0")


@claim("problem2.manifold-is-euclidean",
       title="The fixed-variance Gaussian family is Euclidean in θ: Fisher length and KL are those of the line",
       statement=r"\int_{\theta_1}^{\theta_2}\sqrt{I(\theta)}\,d\theta = \theta_2-\theta_1,\quad D_{KL}(\mathcal{N}(\theta_1,1)\|\mathcal{N}(\theta_2,1)) = \tfrac12(\theta_1-\theta_2)^2",
       source=(SECTION, "the statistical manifold is Euclidean"),
       reading="'Euclidean' read as: in θ the Fisher distance between N(θ₁, 1) and N(θ₂, 1) is |θ₂ − θ₁|, the "
               "distance of the line (and the KL is exactly ½(θ₁ − θ₂)²).",
       depends_on=("problem2.fisher-is-one",), tags=("gaussian", "geometry"))
def _(c):
    t1, t2 = sp.symbols("theta1 theta2", real=True)
    fisher = expectation(sp.diff(log_density, theta) ** 2)
    c.prove(sp.integrate(sp.sqrt(fisher), (theta, t1, t2)), t2 - t1, scope="all real θ₁, θ₂")
    kl = expectation(log_density - log_density.subs(theta, t2)).subs(theta, t1)
    c.prove(kl, (t1 - t2) ** 2 / 2, scope="all real θ₁, θ₂: exact, not only to second order")


@claim("problem2.flatness-explains",
       title="The Fisher of N(x | θ, 1) is the identity in θ, which is why natural gradient equals standard gradient",
       statement=r"I(\theta) = 1\ \text{for every}\ \theta \implies I^{-1}\nabla\mathcal{L} = \nabla\mathcal{L}\ \text{for every loss}",
       source=(SECTION, "This happens because the Gaussian-with-fixed-variance model has a flat Fisher metric"),
       reading="'A flat Fisher metric' read as the next sentence spells it out: the Fisher is the identity in the "
               "coordinate θ used, at every θ, so I⁻¹ changes no gradient of any loss.",
       wording="'Flat' in Riemannian geometry means zero curvature, which is coordinate-free and does not suffice: "
               "every one-parameter family is flat, yet the Bernoulli in its logit has Fisher σ(1 − σ) = ¼ at θ = 0 and "
               "natural gradient −2 against the gradient −0.5. What makes the two gradients equal is that θ is an "
               "isometric coordinate (Fisher = identity); the Bernoulli has one too, φ = 2 arcsin √p.",
       depends_on=("problem2.fisher-is-one", "problem2.identity-fisher-no-difference"), tags=("geometry",))
def _(c):
    fisher = expectation(sp.diff(log_density, theta) ** 2)
    grad = sp.Function("f")(theta).diff(theta)
    c.prove(grad / fisher, grad, scope="N(x | θ, 1), all real θ, the gradient f'(θ) of any differentiable loss f")
    t = sp.Symbol("t", real=True)
    sigma = 1 / (1 + sp.exp(-t))
    c.prove((sigma * (1 - sigma)).subs(t, 0), sp.Rational(1, 4),
            scope="the wording note: Bernoulli in the logit at θ = 0, Fisher ¼ ≠ 1 although the manifold is flat")
    p = sp.Symbol("p", positive=True)
    phi = 2 * sp.asin(sp.sqrt(p))
    c.prove((1 / (p * (1 - p))) / sp.diff(phi, p) ** 2, 1,
            scope="the wording note: Bernoulli, p ∈ (0, 1), in φ = 2 arcsin √p the Fisher is 1",
            rewriters=[("cancel after squaring", lambda e: sp.cancel(sp.powsimp(sp.expand(e))))])


@claim("problem2.benefits-only-if-nontrivial",
       title="Natural gradient differs from a rescaled gradient only when the Fisher is not a multiple of the identity",
       statement=r"I = c\,\mathbb{1} \implies \eta I^{-1}g = (\eta/c)\,g;\quad I = \mathrm{diag}(1,2),\ g = (1,1) \implies I^{-1}g \nparallel g",
       source=(SECTION, "This shows that natural gradient's benefits appear only when the Fisher metric is non-trivial."),
       reading="'Non-trivial' read as: not a multiple of the identity. If I = c𝟙 the natural step is the gradient "
               "step with learning rate η/c, so it brings nothing a learning rate does not; otherwise the direction "
               "can change.",
       depends_on=("problem2.identity-fisher-no-difference",), tags=("natural-gradient",))
def _(c):
    cscale, eta = sp.symbols("c eta", positive=True)
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    c.prove(eta * (cscale * sp.eye(2)).inv() * g, (eta / cscale) * g, scope="2 parameters, any c > 0: only a learning-rate change")
    g0 = sp.Matrix([1, 1])
    natural = sp.diag(1, 2).inv() * g0
    c.prove(sp.Matrix.hstack(g0, natural).det(), sp.Rational(-1, 2),
            scope="I = diag(1, 2), g = (1, 1): det[g, I⁻¹g] = −1/2 ≠ 0, a different direction")


@claim("problem2.is-ridge-regression",
       title="½(θ − μ)² is a squared-error loss on a single parameter (the lesson's 'ridge regression')",
       statement=r"\tfrac12(\theta-\mu)^2 = -\log\mathcal{N}(\mu\mid\theta,1) - \tfrac12\log 2\pi",
       source=(SECTION, r"(ridge regression on a single parameter)"),
       reading="The parenthesis labels the loss as a quadratic (L2) loss on one parameter; the derivation uses "
               "nothing but L = ½(θ − μ)², the squared error of one observation μ, i.e. the Gaussian negative "
               "log-likelihood −log N(μ | θ, 1) up to a constant.",
       wording="Ridge regression is least squares plus an L2 penalty, whose minimiser μ/(1 + λ) shrinks toward 0; "
               "½(θ − μ)² has no penalty and no shrinkage (its minimiser is μ): it is ordinary least squares on one "
               "observation, or a lone L2 penalty pulling θ toward μ. The label changes no formula of the answer.",
       tags=("gaussian", "terminology"))
def _(c):
    c.prove(loss, -sp.expand_log(sp.log(density.subs(x, mu)), force=False) - sp.log(2 * sp.pi) / 2,
            scope="all real θ, μ", rewriters=[("expand_log", lambda e: sp.expand(sp.expand_log(e)))])
    lam = sp.Symbol("lambda", positive=True)
    ridge_minimiser = sp.solve(sp.diff((mu - theta) ** 2 / 2 + lam * theta ** 2 / 2, theta), theta)
    c.prove(ridge_minimiser, [mu / (1 + lam)], scope="the wording note: ridge on the one observation μ (unit "
            "design, penalty λ > 0) is minimised at μ/(1 + λ) only, where ½(θ − μ)² is minimised at μ")


uncheckable(SECTION, "explain why it looks different from standard gradient descent",
            "the question presupposes a difference that its own answer removes: the updates are identical "
            "(problem2.identical), so there is nothing that 'looks different' to check")
uncheckable(SECTION, r"Model: $p(x \mid \theta) = \mathcal{N}(x \mid \theta, 1)$.",
            "a definition of the model used by the claims of Problem 2, not a statement")

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
       tags=("gaussian",))
def _(c):
    c.prove(sp.diff(loss, theta), theta - mu, scope="all real θ, μ")


@claim("problem2.natural-gradient-equals-gradient",
       title="Natural gradient of ½(θ − μ)² under N(x | θ, 1) is θ − μ, the plain gradient",
       statement=r"\tilde\nabla\mathcal{L} = I^{-1}\nabla\mathcal{L} = \theta - \mu = \nabla\mathcal{L}",
       source=(SECTION, r"Natural gradient: $\tilde{\nabla}\mathcal{L} = I^{-1} \nabla\mathcal{L} = \theta - \mu$."),
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
       depends_on=("problem2.natural-gradient-equals-gradient",), tags=("gaussian", "natural-gradient"))
def _(c):
    eta = sp.Symbol("eta", positive=True)
    fisher = expectation(-sp.diff(log_density, theta, 2))
    c.prove(theta - eta * sp.diff(loss, theta) / fisher, theta - eta * sp.diff(loss, theta), scope="all θ, μ, η > 0")


@claim("problem2.manifold-is-euclidean",
       title="The fixed-variance Gaussian family is Euclidean in θ: Fisher length and KL are those of the line",
       statement=r"\int_{\theta_1}^{\theta_2}\sqrt{I(\theta)}\,d\theta = \theta_2-\theta_1,\quad D_{KL}(\mathcal{N}(\theta_1,1)\|\mathcal{N}(\theta_2,1)) = \tfrac12(\theta_1-\theta_2)^2",
       source=(SECTION, "the statistical manifold is Euclidean"),
       depends_on=("problem2.fisher-is-one",), tags=("gaussian", "geometry"))
def _(c):
    t1, t2 = sp.symbols("theta1 theta2", real=True)
    fisher = expectation(sp.diff(log_density, theta) ** 2)
    c.prove(sp.integrate(sp.sqrt(fisher), (theta, t1, t2)), t2 - t1, scope="all real θ₁, θ₂")
    kl = expectation(log_density - log_density.subs(theta, t2)).subs(theta, t1)
    c.prove(kl, (t1 - t2) ** 2 / 2, scope="all real θ₁, θ₂: exact, not only to second order")


@claim("problem2.flatness-explains",
       title="A flat Fisher metric is why natural gradient equals standard gradient",
       statement=r"\text{flat Fisher metric} \implies I^{-1}\nabla\mathcal{L} = \nabla\mathcal{L}",
       source=(SECTION, "This happens because the Gaussian-with-fixed-variance model has a flat Fisher metric"),
       expect="holds-if",
       condition="'flat' is read as: the Fisher matrix is the identity in the coordinates used (θ is an isometric "
                 "coordinate). Zero curvature alone does not suffice: every one-parameter family is flat, yet the "
                 "Bernoulli in its logit has natural gradient ≠ gradient",
       depends_on=("problem2.natural-gradient-equals-gradient", "bernoulli.natural-gradient"), tags=("geometry", "erratum"))
def _(c):
    t, y = sp.symbols("theta y", real=True)
    sigma = 1 / (1 + sp.exp(-t))
    c.counterexample({t: 0, y: 1}, (sigma - y) / (sigma * (1 - sigma)), sigma - y,
                     detail="Bernoulli in the logit (a one-dimensional, hence flat, statistical manifold) at θ = 0, "
                            "y = 1: natural gradient −2, standard gradient −0.5")


@claim("problem2.identity-in-coordinates-explains",
       title="Corrected: natural = standard gradient exactly when the coordinates make the Fisher the identity",
       statement=r"\varphi = 2\arcsin\sqrt{p}\ \text{gives}\ I(\varphi) = 1\ \text{for the Bernoulli, while}\ I(\theta_{\text{logit}}) = \sigma(1-\sigma) \neq 1",
       source=(SECTION, "This happens because the Gaussian-with-fixed-variance model has a flat Fisher metric"),
       corrects="problem2.flatness-explains", depends_on=("problem2.identity-fisher-no-difference",),
       tags=("geometry", "correction"))
def _(c):
    p = sp.Symbol("p", positive=True)
    phi = 2 * sp.asin(sp.sqrt(p))
    fisher_p = 1 / (p * (1 - p))
    c.prove(fisher_p / sp.diff(phi, p) ** 2, 1, scope="Bernoulli, p ∈ (0, 1): in φ = 2 arcsin √p the Fisher is 1, "
            "so the same (flat) manifold has NG = GD in φ but not in the logit",
            rewriters=[("cancel after squaring", lambda e: sp.cancel(sp.powsimp(sp.expand(e))))])


@claim("problem2.benefits-only-if-nontrivial",
       title="Natural gradient differs from a rescaled gradient only when the Fisher is not a multiple of the identity",
       statement=r"I = c\,\mathbb{1} \implies \eta I^{-1}g = (\eta/c)\,g;\quad I = \mathrm{diag}(1,2),\ g = (1,1) \implies I^{-1}g \nparallel g",
       source=(SECTION, "This shows that natural gradient's benefits appear only when the Fisher metric is non-trivial."),
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
       title="½(θ − μ)² is ridge regression on a single parameter",
       statement=r"\tfrac12(\theta-\mu)^2\ \text{is the ridge objective}\ \tfrac12(\mu-\theta)^2 + \tfrac{\lambda}{2}\theta^2,\ \lambda > 0",
       source=(SECTION, r"(ridge regression on a single parameter)"),
       expect="false", tags=("gaussian", "terminology", "erratum"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    ridge_minimiser = sp.solve(sp.diff((mu - theta) ** 2 / 2 + lam * theta ** 2 / 2, theta), theta)[0]
    lesson_minimiser = sp.solve(sp.diff(loss, theta), theta)[0]
    c.counterexample({mu: 1, lam: 1}, ridge_minimiser, lesson_minimiser,
                     detail="read as ridge on the one observation μ (unit design): its minimiser μ/(1 + λ) shrinks "
                            "toward 0 (1/2 at μ = λ = 1), while ½(θ − μ)² is minimised at μ = 1 — there is no penalty")


@claim("problem2.loss-is-gaussian-nll",
       title="Corrected: ½(θ − μ)² is the (unpenalised) least-squares / negative log-likelihood of μ under N(θ, 1)",
       statement=r"\tfrac12(\theta-\mu)^2 = -\log\mathcal{N}(\mu\mid\theta,1) - \tfrac12\log 2\pi",
       source=(SECTION, r"(ridge regression on a single parameter)"),
       corrects="problem2.is-ridge-regression", tags=("gaussian", "correction"))
def _(c):
    c.prove(loss, -sp.expand_log(sp.log(density.subs(x, mu)), force=False) - sp.log(2 * sp.pi) / 2,
            scope="all real θ, μ", rewriters=[("expand_log", lambda e: sp.expand(sp.expand_log(e)))])


uncheckable(SECTION, "explain why it looks different from standard gradient descent",
            "the question presupposes a difference that its own answer removes: the updates are identical "
            "(problem2.identical), so there is nothing that 'looks different' to check")
uncheckable(SECTION, r"Model: $p(x \mid \theta) = \mathcal{N}(x \mid \theta, 1)$.",
            "a definition of the model used by the claims of Problem 2, not a statement")

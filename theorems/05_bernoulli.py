"""Computing Natural Gradients for Specific Models: the logit Bernoulli model."""
import mpmath
import numpy as np
import sympy as sp

from ngproof import claim, close
from ngproof.kernels import bernoulli_fisher, bernoulli_gradient, bernoulli_natural_gradient
from ngproof.strategies import reals
from ngproof.symbolic.models import exponential_substitution

SECTION = "Bernoulli Log-Likelihood with Cross-Entropy Loss"
theta = sp.Symbol("theta", real=True)
y = sp.Symbol("y", real=True)
sigma = 1 / (1 + sp.exp(-theta))
loss = -y * sp.log(sigma) - (1 - y) * sp.log(1 - sigma)
# With u = e^θ every expression below is rational in u, where cancel decides equality.
u = sp.Symbol("u", positive=True)
to_u = [exponential_substitution(theta, u)]


def exact(t: float, label: float = 0.0) -> tuple[float, float, float]:
    """σ(t) − y, σ(t)(1 − σ(t)) and their ratio in 40-digit arithmetic: the oracle for the kernels."""
    with mpmath.workdps(40):
        s = 1 / (1 + mpmath.exp(-mpmath.mpf(t)))
        fisher = s * (1 - s)
        return float(s - label), float(fisher), float((s - label) / fisher)


def gradient_condition(t: float, label: float) -> float:
    """Relative condition number of (θ, y) ↦ σ(θ) − y: (|θ| σ(1−σ) + |y|) / |σ − y|."""
    gradient, fisher, _ = exact(t, label)
    return 1.0 + (abs(t) * fisher + abs(label)) / max(abs(gradient), 1e-300)


def score(label):
    """d/dθ log p(label | θ) for label in {0, 1}."""
    return sp.diff(sp.log(sigma if label == 1 else 1 - sigma), theta)


@claim("bernoulli.model",
       title="The logistic model is a Bernoulli distribution with log-odds θ",
       statement=r"p(y=1\mid\theta) = \sigma(\theta) \in (0, 1),\quad "
                 r"\log\frac{\sigma(\theta)}{1-\sigma(\theta)} = \theta,\quad 1 - \sigma(\theta) = \sigma(-\theta)",
       source=(SECTION, r"Model: $p(y=1 \mid \theta) = \sigma(\theta) = \frac{1}{1+e^{-\theta}}$."),
       tags=("bernoulli",))
def _(c):
    c.prove(sp.log(sigma / (1 - sigma)), theta, scope="all real θ: θ is the log-odds of y = 1",
            rewriters=[("combine logs", lambda e: sp.expand_log(sp.simplify(e), force=False))])
    c.prove(1 - sigma, sigma.subs(theta, -theta), scope="all real θ", rewriters=to_u)
    c.prove_nonnegative(sigma, scope="all real θ: σ(θ) ≥ 0")
    c.prove_nonnegative(1 - sigma, scope="all real θ: σ(θ) ≤ 1", rewriters=to_u)


@claim("bernoulli.loss-is-nll",
       title="The cross-entropy loss is the negative log-likelihood of the label",
       statement=r"\mathcal{L}(\theta) = -\log p(y\mid\theta)\ \text{for}\ y\in\{0,1\}",
       source=(SECTION, r"Loss: $\mathcal{L}(\theta) = -y\log\sigma(\theta) - (1-y)\log(1-\sigma(\theta))$."),
       depends_on=("bernoulli.model",), tags=("bernoulli",))
def _(c):
    c.prove([loss.subs(y, 1), loss.subs(y, 0)], [-sp.log(sigma), -sp.log(1 - sigma)],
            scope="all real θ, both labels y ∈ {0, 1}")


@claim("bernoulli.gradient",
       title="Gradient of the Bernoulli cross-entropy in the logit",
       statement=r"\nabla_\theta\mathcal{L} = \sigma(\theta) - y",
       source=(SECTION, r"Standard gradient: $\nabla_\theta\mathcal{L} = \sigma(\theta) - y$."),
       tags=("bernoulli",))
def _(c):
    c.prove(sp.diff(loss, theta), sigma - y, scope="all real θ and y", rewriters=to_u)
    c.fuzz(lambda t, label: close(bernoulli_gradient(np.array([t]), np.array([label]))[0], exact(t, label)[0],
                                  cond=gradient_condition(t, label)),
           reals(-20, 20), reals(0, 1), scope="kernel vs 40-digit σ(θ) − y, θ ∈ [-20, 20], y ∈ [0, 1]")


@claim("bernoulli.fisher",
       title="Fisher information of the logit Bernoulli model",
       statement=r"I(\theta) = \sigma(\theta)(1-\sigma(\theta))",
       source=(SECTION, r"Fisher: $I(\theta) = \sigma(\theta)(1-\sigma(\theta))$."),
       depends_on=("bernoulli.gradient",), tags=("bernoulli", "fisher"))
def _(c):
    expected_square_score = sigma * score(1) ** 2 + (1 - sigma) * score(0) ** 2
    c.prove(expected_square_score, sigma * (1 - sigma), scope="all real θ; E over y ~ Bernoulli(σ(θ))", rewriters=to_u)
    minus_expected_hessian = -(sigma * sp.diff(score(1), theta) + (1 - sigma) * sp.diff(score(0), theta))
    c.prove(minus_expected_hessian, sigma * (1 - sigma), scope="all real θ; the −E[∂² log p] form", rewriters=to_u)
    # σ(1−σ) is well conditioned (relative condition |θ| |1 − 2σ| ≤ |θ|): an accurate kernel must not cancel.
    c.fuzz(lambda t: close(bernoulli_fisher(np.array([t]))[0], exact(t)[1], cond=1 + abs(t)),
           reals(-30, 30), scope="kernel vs 40-digit σ(θ)(1 − σ(θ)), θ ∈ [-30, 30]")


@claim("bernoulli.natural-gradient",
       title="Natural gradient of the logit Bernoulli model",
       statement=r"\tilde\nabla_\theta\mathcal{L} = \frac{\sigma(\theta)-y}{\sigma(\theta)(1-\sigma(\theta))}",
       source=(SECTION, r"$$\tilde{\nabla}_\theta\mathcal{L} = \frac{\sigma(\theta) - y}{\sigma(\theta)(1-\sigma(\theta))}$$"),
       depends_on=("bernoulli.gradient", "bernoulli.fisher"), tags=("bernoulli", "natural-gradient"))
def _(c):
    fisher = sigma * score(1) ** 2 + (1 - sigma) * score(0) ** 2
    c.prove(sp.diff(loss, theta) / fisher, (sigma - y) / (sigma * (1 - sigma)), scope="all real θ and y", rewriters=to_u)

    def kernel_vs_exact(t, label):
        # the quotient adds the Fisher's condition (≤ 1 + |θ|) to the numerator's
        expected = exact(t, label)[2]
        return close(bernoulli_natural_gradient(np.array([t]), np.array([label]))[0], expected,
                     cond=gradient_condition(t, label) + 1 + abs(t))
    c.fuzz(kernel_vs_exact, reals(-15, 15), reals(0, 1), scope="kernel vs 40-digit (σ − y)/(σ(1 − σ)), θ ∈ [-15, 15]")


@claim("bernoulli.ng-is-sgd-on-log-odds",
       title="Natural gradient on the logit equals plain gradient descent on the log-odds",
       statement=r"\tilde\nabla_\theta\mathcal{L} = \nabla_\theta\mathcal{L}\ \text{for the log-odds}\ \theta",
       source=(SECTION, "Natural gradient descent on logistic regression is equivalent to standard gradient "
                        "descent on the log-odds parameters"),
       expect="false", depends_on=("bernoulli.natural-gradient",), tags=("bernoulli", "erratum"))
def _(c):
    # θ already is the log-odds, so "plain gradient on the log-odds" is σ(θ) − y itself.
    c.counterexample({theta: 0, y: 1}, (sigma - y) / (sigma * (1 - sigma)), sigma - y,
                     detail="at θ = 0, y = 1 the natural gradient is −2 but the log-odds gradient is −0.5 "
                            "(Worked Example 1's own numbers)")


@claim("bernoulli.ng-is-gradient-in-mean",
       title="Corrected: the natural gradient in the logit is the plain gradient in the mean parameter p = σ(θ)",
       statement=r"\tilde\nabla_\theta\mathcal{L} = \frac{\partial\mathcal{L}}{\partial p}\Big|_{p=\sigma(\theta)}",
       source=(SECTION, "This is exactly the error in log-odds space."),
       corrects="bernoulli.ng-is-sgd-on-log-odds", depends_on=("bernoulli.natural-gradient",),
       tags=("bernoulli", "correction"))
def _(c):
    p = sp.Symbol("p", positive=True)
    loss_in_p = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
    gradient_in_p = sp.diff(loss_in_p, p).subs(p, sigma)
    c.prove((sigma - y) / (sigma * (1 - sigma)), gradient_in_p, scope="all real θ and y", rewriters=to_u)

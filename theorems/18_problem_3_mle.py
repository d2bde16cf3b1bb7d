"""Practice Problems — Problem 3: natural gradient of the negative log-likelihood and its fixed points."""
import numpy as np
import sympy as sp
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ngproof import claim, close, uncheckable
from ngproof.kernels import bernoulli_output_fisher, categorical_natural_gradient, natural_gradient
from ngproof.strategies import dampings, probability_vectors, reals, vectors

SECTION = "Practice Problems"
# Bernoulli in the logit θ = log u (u > 0 covers every real θ): σ = u/(1+u), d/dθ = u d/du.
u = sp.Symbol("u", positive=True)
y, ybar = sp.symbols("y ybar", positive=True)
sigma = u / (1 + u)
log_lik = y * sp.log(sigma) + (1 - y) * sp.log(1 - sigma)     # y ∈ [0, 1] (a soft label is allowed)
expand_logs = [("expand_log + cancel", lambda e: sp.cancel(sp.expand_log(e)))]


def d_theta(f):
    return u * sp.diff(f, u)


def bernoulli_score(label):
    return d_theta(log_lik.subs(y, label))


bernoulli_fisher = sigma * bernoulli_score(1) ** 2 + (1 - sigma) * bernoulli_score(0) ** 2


@claim("problem3.gradient-is-minus-score",
       title="The gradient of the negative log-likelihood is minus the score",
       statement=r"\nabla\mathcal{L} = -s(\theta, y),\quad \mathcal{L}(\theta) = -\log p(y\mid\theta)",
       source=(SECTION, r"Gradient: $\nabla\mathcal{L} = -s(\theta, y)$ where $s$ is the score."),
       tags=("score",))
def _(c):
    c.prove(d_theta(-log_lik), sigma - y, scope="Bernoulli in the logit, all real θ, y ∈ [0, 1]", rewriters=expand_logs)
    m, x = sp.symbols("mu x", real=True)
    s = sp.Symbol("s", positive=True)
    gaussian_nll = (x - m) ** 2 / (2 * s ** 2) + sp.log(s) + sp.log(2 * sp.pi) / 2
    c.prove(sp.diff(gaussian_nll, m), -(x - m) / s ** 2, scope="N(x | μ, s²), the μ component, all real μ, x, s > 0")


@claim("problem3.score-has-mean-zero",
       title="The score has mean zero under the model",
       statement=r"\mathbb{E}_{p(x\mid\theta)}[s(\theta, x)] = 0",
       source=(SECTION, r"Since $\mathbb{E}_{p(x \mid \theta)}[s(\theta, x)] = 0$"),
       tags=("score",))
def _(c):
    c.prove(sigma * bernoulli_score(1) + (1 - sigma) * bernoulli_score(0), 0, scope="Bernoulli in the logit, all real θ")
    z = sp.symbols("z1:4", real=True)
    exps = [sp.exp(zk) for zk in z]
    probs = [e / sum(exps) for e in exps]
    expected = sp.zeros(3, 1)
    for k in range(3):
        expected += probs[k] * sp.Matrix([sp.diff(sp.log(probs[k]), zj) for zj in z])
    c.prove(expected, sp.zeros(3, 1), scope="3-class softmax in its logits z ∈ R³ (all three components)",
            rewriters=[("together + cancel", lambda e: sp.cancel(sp.together(e)))])
    m, x, w = sp.symbols("mu x w", real=True)
    s = sp.Symbol("s", positive=True)
    log_density = -(x - m) ** 2 / (2 * s ** 2) - sp.log(s) - sp.log(2 * sp.pi) / 2
    standard = sp.exp(-w ** 2 / 2) / sp.sqrt(2 * sp.pi)

    def mean_under_model(f):   # x = μ + s w with w ~ N(0, 1)
        return sp.integrate(sp.expand(f.subs(x, m + s * w)) * standard, (w, -sp.oo, sp.oo))
    c.prove([mean_under_model(sp.diff(log_density, m)), mean_under_model(sp.diff(log_density, s))], [0, 0],
            scope="N(x | μ, s²): both components of the score, all real μ, s > 0")


@claim("problem3.natural-gradient-formula",
       title="Natural gradient of the NLL: I⁻¹(E_p[s] − s(y)) = I⁻¹∇L",
       statement=r"\tilde\nabla\mathcal{L} = I(\theta)^{-1}(\mathbb{E}_{p(\cdot\mid\theta)}[s] - s(y)) = I(\theta)^{-1}\nabla\mathcal{L}",
       source=(SECTION, r"Natural gradient: $\tilde{\nabla}\mathcal{L} = I^{-1}(\mathbb{E}_p[s] - s(y))$."),
       depends_on=("problem3.gradient-is-minus-score", "problem3.score-has-mean-zero", "bernoulli.fisher"),
       tags=("natural-gradient",))
def _(c):
    expected_score = sigma * bernoulli_score(1) + (1 - sigma) * bernoulli_score(0)
    c.prove((expected_score - d_theta(log_lik)) / bernoulli_fisher, (sigma - y) / (sigma * (1 - sigma)),
            scope="Bernoulli in the logit, all real θ, y ∈ [0, 1]", rewriters=expand_logs)

    def logistic_regression(inputs, logit_weights, labels):
        # Mean NLL of logistic regression; its gradient is mean((p − y) x) = mean(E_p[s] − s(y)).
        probs = 1 / (1 + np.exp(-inputs @ logit_weights))
        grad = inputs.T @ (probs - labels) / len(labels)
        dense = (inputs.T * (probs * (1 - probs))) @ inputs / len(labels) + 1e-3 * np.eye(inputs.shape[1])
        computed = natural_gradient(bernoulli_output_fisher(inputs, probs), grad, damping=1e-3)
        return close(computed, np.linalg.solve(dense, grad), cond=np.linalg.cond(dense))
    c.fuzz(logistic_regression, arrays(np.float64, (12, 3), elements=reals(-2, 2)), vectors(3, -1, 1),
           arrays(np.float64, (12,), elements=st.sampled_from([0.0, 1.0])),
           scope="logistic regression, 12 examples, 3 weights, λ = 1e-3: bernoulli_output_fisher + natural_gradient "
                 "vs a dense numpy solve")


@claim("problem3.score-vanishes-at-mle",
       title="The score (and so the natural gradient) vanishes at the MLE",
       statement=r"\nabla\mathcal{L}(\hat\theta) = -s(\hat\theta, y) = 0 \implies I^{-1}\nabla\mathcal{L}(\hat\theta) = 0",
       source=(SECTION, r"At the true MLE: $\nabla\mathcal{L} = -s(\hat{\theta}, y) = 0$ at the optimum (score vanishes at MLE)."),
       expect="holds-if",
       condition="the MLE is an interior point of an open parameter set on which the log-likelihood is differentiable "
                 "(and it exists: for one Bernoulli observation y ∈ {0, 1} in the logit it does not)",
       depends_on=("problem3.gradient-is-minus-score",), tags=("mle", "erratum"))
def _(c):
    p = sp.Symbol("p", positive=True)
    c.counterexample({p: 1}, sp.diff(sp.log(p), p), 0,
                     detail="Bernoulli in its mean p ∈ [0, 1], one observation y = 1: the MLE is p̂ = 1 (a boundary "
                            "point) and the score there is d/dp log p = 1 ≠ 0")


@claim("problem3.natural-gradient-vanishes-at-interior-mle",
       title="Corrected: at an interior MLE the score and the natural gradient are exactly zero",
       statement=r"\hat\theta = \operatorname{logit}\bar y,\ \bar y\in(0,1):\quad s(\hat\theta) = 0,\ I(\hat\theta)^{-1}\nabla\mathcal{L}(\hat\theta) = 0",
       source=(SECTION, r"Since natural gradient is $I^{-1}\nabla\mathcal{L}$, it also vanishes."),
       corrects="problem3.score-vanishes-at-mle", depends_on=("problem3.natural-gradient-formula",),
       tags=("mle", "correction"))
def _(c):
    at_mle = {u: ybar / (1 - ybar)}
    mean_score = sp.cancel(sp.expand_log(d_theta(log_lik.subs(y, ybar))))           # mean score of observations with average ȳ
    c.prove(mean_score.subs(at_mle), 0, scope="Bernoulli, observations with mean ȳ ∈ (0, 1), θ̂ = logit ȳ",
            rewriters=expand_logs)
    c.prove(sp.cancel(-mean_score / bernoulli_fisher).subs(at_mle), 0, scope="the natural gradient there, ȳ ∈ (0, 1)",
            rewriters=expand_logs)


# Softmax logits z ∈ R³ at the uniform point: I = diag(π) − ππᵀ is singular with null space span(1).
uniform_fisher = sp.eye(3) / 3 - sp.ones(3, 3) / 9


@claim("problem3.same-fixed-points",
       title="Natural gradient does not change the fixed points",
       statement=r"I(\theta)^{-1}\nabla\mathcal{L}(\theta) = 0 \iff \nabla\mathcal{L}(\theta) = 0",
       source=(SECTION, "natural gradient doesn't change the fixed points, only the trajectory"),
       expect="holds-if",
       condition="I(θ) is invertible, or damped with λ > 0, or the pseudoinverse is used for a loss whose gradient "
                 "lies in the Fisher's range (true for the model's own negative log-likelihood, not for every loss)",
       depends_on=("categorical.pseudoinverse",), tags=("fixed-points", "erratum"))
def _(c):
    beta = sp.Symbol("beta", positive=True)
    gradient_at_ones = beta * sp.ones(3, 1)       # ∇[−Σ q_k log π_k + β/2‖z‖²] at z = 1, q uniform: π − q + βz
    c.prove(uniform_fisher.pinv() * gradient_at_ones, sp.zeros(3, 1),
            scope="softmax logits at z = (1, 1, 1): the pseudoinverse natural gradient is exactly 0")
    c.counterexample({beta: 1}, gradient_at_ones, sp.zeros(3, 1),
                     detail="3-class softmax logits, loss −Σ q_k log π_k(z) + ½‖z‖² with q uniform, at z = (1, 1, 1): "
                            "the Fisher diag(π) − ππᵀ is singular, I⁺∇L = 0 so pseudoinverse natural gradient stops, "
                            "but ∇L = (1, 1, 1) ≠ 0 and gradient descent moves on")


@claim("problem3.fixed-points-preserved",
       title="Corrected: with an invertible or damped Fisher, or for the model's own NLL, fixed points are preserved",
       statement=r"(I + \lambda\mathbb{1})^{-1} g = 0 \iff g = 0\ (\lambda \ge 0,\ I+\lambda\mathbb{1} \succ 0);\quad \mathbb{1}^T(\pi - e_y) = 0 = I(z)\mathbb{1}",
       source=(SECTION, "natural gradient doesn't change the fixed points, only the trajectory"),
       corrects="problem3.same-fixed-points", depends_on=("categorical.fisher-rank",), tags=("fixed-points", "correction"))
def _(c):
    a, b, d, lam = sp.symbols("a b d lambda", positive=True)
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    damped = sp.Matrix([[a, b], [b, d]]) + lam * sp.eye(2)
    c.prove(damped * (damped.inv() * g), g, scope="2×2 symbolic Fisher with λ ≥ 0 where invertible: the map g ↦ "
            "(I + λ)⁻¹g has the left inverse I + λ, so it is zero only at g = 0")
    pis = sp.symbols("pi1:4", positive=True)
    pi = sp.Matrix(pis).subs(pis[2], 1 - pis[0] - pis[1])
    fisher = sp.diag(*pi) - pi * pi.T
    c.prove(fisher * sp.ones(3, 1), sp.zeros(3, 1), scope="3-class softmax Fisher: 1 spans its null space (rank 2)")
    for label in range(3):
        c.prove((sp.ones(1, 3) * (pi - sp.eye(3)[:, label]))[0], 0,
                scope=f"the NLL gradient π − e_y (y = {label + 1}) is orthogonal to the null space, so I⁺g = 0 ⇒ g = 0")

    def damped_kernel_never_vanishes(p, grad, damping):
        dense = np.diag(p) - np.outer(p, p) + damping * np.eye(p.size)
        computed = categorical_natural_gradient(p, grad, damping)
        return [close(computed, np.linalg.solve(dense, grad), cond=np.linalg.cond(dense)),
                close(dense @ computed, grad, cond=np.linalg.cond(dense))]
    c.fuzz(damped_kernel_never_vanishes, probability_vectors(5), vectors(5, -3, 3), dampings(1e-3, 10),
           scope="categorical_natural_gradient kernel vs a dense solve, K = 5, λ ∈ [1e-3, 10]: (F + λI)x = g; "
                 "20 cases (lowered budget)", max_examples=20)


ybar_value = sp.Rational(9, 10)
mle_value = sp.log(9)


def _steps_to(step, start, target, tol=1e-10, limit=500):
    theta = start
    for k in range(1, limit + 1):
        theta = step(theta)
        if not np.isfinite(theta) or abs(theta) > 50:
            return None
        if abs(theta - target) < tol:
            return k
    return limit


def _natural_step(theta):
    p = 1 / (1 + np.exp(-theta))
    return theta - (p - 0.9) / (p * (1 - p))


def _gradient_step(theta):
    return theta - (1 / (1 + np.exp(-theta)) - 0.9)


@claim("problem3.more-efficient-path",
       title="Natural gradient descent follows a more efficient path to the MLE",
       statement=r"\text{natural-gradient iterates reach } \hat\theta \text{ in fewer steps than gradient descent}",
       source=(SECTION, "but follows a different (more efficient) path"),
       expect="holds-if",
       condition="the start is close enough to the MLE (or the step size small enough); from far away the unit "
                 "natural step overshoots and diverges while gradient descent converges",
       tags=("trajectory", "erratum"))
def _(c):
    t = sp.Symbol("theta", real=True)
    sig = 1 / (1 + sp.exp(-t))
    natural_distance = sp.Abs(t - (sig - ybar_value) / (sig * (1 - sig)) - mle_value)
    gradient_distance = sp.Abs(t - (sig - ybar_value) - mle_value)
    c.counterexample({t: -5}, sp.Max(natural_distance, gradient_distance), gradient_distance,
                     detail="Bernoulli NLL with ȳ = 0.9 (MLE θ̂ = log 9 ≈ 2.197), θ₀ = −5, η = 1: one natural step "
                            "lands at θ ≈ 129.4, far beyond θ̂, while one gradient step reaches θ ≈ −4.107")
    natural, gradient = _steps_to(_natural_step, -5.0, float(mle_value)), _steps_to(_gradient_step, -5.0, float(mle_value))
    c.observe(natural is None and gradient is not None,
              detail=f"experiment from θ₀ = −5, η = 1: natural gradient diverges ({natural}), "
                     f"gradient descent reaches |θ − θ̂| < 1e-10 in {gradient} steps",
              data={"natural_steps": natural, "gradient_steps": gradient})


@claim("problem3.efficient-near-mle",
       title="Corrected: near the MLE the unit natural step converges quadratically, gradient descent only linearly",
       statement=r"\frac{d}{d\theta}\Big[\theta - \tfrac{\sigma-\bar y}{\sigma(1-\sigma)}\Big]_{\hat\theta} = 0,\quad \frac{d}{d\theta}\big[\theta - (\sigma - \bar y)\big]_{\hat\theta} = 1 - \bar y(1-\bar y)",
       source=(SECTION, "but follows a different (more efficient) path"),
       corrects="problem3.more-efficient-path", depends_on=("problem3.natural-gradient-vanishes-at-interior-mle",),
       tags=("trajectory", "correction"))
def _(c):
    natural_map = sp.log(u) - sp.cancel((sigma - ybar) / (sigma * (1 - sigma)))
    gradient_map = sp.log(u) - sp.cancel(sigma - ybar)
    at_mle = {u: ybar / (1 - ybar)}
    c.prove(d_theta(natural_map).subs(at_mle), 0, scope="Bernoulli NLL, ȳ ∈ (0, 1): the natural map has zero "
            "derivative at θ̂ (superlinear, in fact quadratic, local convergence)")
    c.prove(d_theta(gradient_map).subs(at_mle), 1 - ybar * (1 - ybar), scope="the gradient map's derivative at θ̂ "
            "is 1 − ȳ(1 − ȳ) ∈ [3/4, 1): linear convergence")
    natural, gradient = _steps_to(_natural_step, 0.0, float(mle_value)), _steps_to(_gradient_step, 0.0, float(mle_value))
    c.observe(natural is not None and gradient is not None and natural < gradient,
              detail=f"experiment from θ₀ = 0, η = 1, ȳ = 0.9: natural gradient reaches |θ − θ̂| < 1e-10 in "
                     f"{natural} steps, gradient descent in {gradient}",
              data={"natural_steps": natural, "gradient_steps": gradient})


@claim("problem3.vanishes-where-gradient-vanishes",
       title="Where ∇L = 0 the natural gradient I⁻¹∇L (or I⁺∇L) is zero",
       statement=r"\nabla\mathcal{L} = 0 \implies I^{-1}\nabla\mathcal{L} = 0",
       source=(SECTION, r"and that at the MLE (where $\nabla\mathcal{L} = 0$), the natural gradient also vanishes"),
       depends_on=("problem3.natural-gradient-formula",), tags=("mle",))
def _(c):
    a, b, d = sp.symbols("a b d", real=True)
    fisher = sp.Matrix([[a, b], [b, d]])
    c.prove(fisher.adjugate() * sp.zeros(2, 1), sp.zeros(2, 1), scope="any 2×2 Fisher: adj(I)·0 = 0 (so I⁻¹·0 = 0 "
            "where I is invertible, and I⁺·0 = 0 always)")
    c.fuzz(lambda F: close(natural_gradient(F, np.zeros(4)) + 1.0, np.ones(4)), st.builds(lambda v: np.diag(v) + 0.1, vectors(4, 0.1, 2)),
           scope="natural_gradient kernel at a zero gradient returns exactly 0 (compared as 0 + 1 vs 1), d = 4")


uncheckable(SECTION, r"Problem 3: Consider minimizing $\mathcal{L}(\theta) = -\log p(y \mid \theta)$ (negative log-likelihood).",
            "sets up the problem (the loss to use); the claims of Problem 3 check what follows from it")
uncheckable(SECTION, r"$\mathcal{L}(\theta) = -\log p(y \mid \theta)$.",
            "restates the loss being minimised: a definition")

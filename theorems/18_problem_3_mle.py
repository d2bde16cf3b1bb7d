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
       reading="For L(θ) = −log p(y | θ), ∇L = −∇ log p(y | θ) = −s(θ, y). Checked for the Bernoulli in the logit "
               "and the mean of a Gaussian.",
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
       reading="Under the model's own distribution the score averages to zero, at every θ. Checked for the "
               "Bernoulli, the 3-class softmax in its logits and both parameters of a Gaussian.",
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
       reading="Since E_p[s] = 0, I⁻¹(E_p[s] − s(y)) is I⁻¹∇L written another way; checked in closed form for the "
               "Bernoulli and, through the kernels, for damped logistic regression.",
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
       title="At the MLE (an interior stationary point) the score, and so the natural gradient, is zero",
       statement=r"\hat\theta = \operatorname{logit}\bar y,\ \bar y\in(0,1):\quad s(\hat\theta) = 0,\ I(\hat\theta)^{-1}\nabla\mathcal{L}(\hat\theta) = 0",
       source=(SECTION, r"At the true MLE: $\nabla\mathcal{L} = -s(\hat{\theta}, y) = 0$ at the optimum (score vanishes at MLE)."),
       reading="The MLE meant is the one the exercise names '(where ∇L = 0)': an interior maximiser of a "
               "differentiable likelihood, where the natural gradient I⁻¹∇L is defined. There the score and I⁻¹∇L "
               "vanish. Checked for the Bernoulli in the logit with observations of mean ȳ ∈ (0, 1) (one 0/1 "
               "observation has no finite MLE in the logit).",
       depends_on=("problem3.gradient-is-minus-score", "problem3.natural-gradient-formula"), tags=("mle",))
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
       statement=r"(I + \lambda\mathbb{1})^{-1} g = 0 \iff g = 0\ (\lambda \ge 0,\ I+\lambda\mathbb{1} \succ 0);\quad \mathbb{1}^T(\pi - e_y) = 0 = I(z)\mathbb{1}",
       source=(SECTION, "natural gradient doesn't change the fixed points, only the trajectory"),
       reading="For the negative log-likelihood of Problem 3 and the natural gradient I⁻¹∇L as the lesson defines "
               "it (I invertible, or damped), θ ← θ − ηI⁻¹∇L stands still exactly where ∇L = 0, so its fixed points "
               "are those of gradient descent. Also checked for a singular softmax Fisher with the pseudoinverse: "
               "the NLL's gradient π − e_y lies in the Fisher's range, so I⁺∇L = 0 still forces ∇L = 0.",
       depends_on=("categorical.fisher-rank", "categorical.pseudoinverse"), tags=("fixed-points",))
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
       statement=r"\frac{d}{dt}(\sigma-\bar y)\Big|_{\text{NG flow}} = -(\sigma-\bar y),\ \frac{d}{dt}(\sigma-\bar y)\Big|_{\text{GD flow}} = -\sigma(1-\sigma)(\sigma-\bar y);\quad \frac{d}{d\theta}\Big[\theta - \tfrac{\sigma-\bar y}{\sigma(1-\sigma)}\Big]_{\hat\theta} = 0",
       source=(SECTION, "but follows a different (more efficient) path"),
       reading="'More efficient' read as: at a comparable step size natural-gradient descent reaches the MLE in "
               "fewer iterations. Checked on the exercise's Bernoulli NLL (mean label ȳ): along the continuous path "
               "the natural gradient shrinks the residual σ − ȳ at rate 1 everywhere, gradient descent at rate "
               "σ(1 − σ) ≤ ¼; near θ̂ the unit natural step converges quadratically, gradient descent linearly; "
               "from θ₀ = 0 with η = 1 the natural steps arrive first.",
       wording="Not for every step size from every start: an undamped unit natural step far from the MLE "
               "overshoots (ȳ = 0.9, θ₀ = −5, η = 1: the first step lands beyond θ = 100 and the iteration "
               "diverges, while gradient descent converges). The lesson's own pitfall on damping covers this.",
       depends_on=("problem3.score-vanishes-at-mle",), tags=("trajectory",))
def _(c):
    natural_direction = -(sigma - ybar) / (sigma * (1 - sigma))
    gradient_direction = -(sigma - ybar)
    c.prove(d_theta(sigma) * natural_direction, -(sigma - ybar),
            scope="Bernoulli NLL, all real θ, ȳ ∈ (0, 1): along dθ/dt = −I⁻¹∇L the residual σ − ȳ decays at rate 1")
    c.prove(d_theta(sigma) * gradient_direction, -sigma * (1 - sigma) * (sigma - ybar),
            scope="along dθ/dt = −∇L it decays at rate σ(1 − σ)")
    c.prove_nonnegative(sp.Rational(1, 4) - sigma * (1 - sigma), scope="σ(1 − σ) ≤ ¼ at every θ",
                        rewriters=[("factor", sp.factor)])
    natural_map = sp.log(u) + sp.cancel(natural_direction)
    gradient_map = sp.log(u) + sp.cancel(gradient_direction)
    at_mle = {u: ybar / (1 - ybar)}
    c.prove(d_theta(natural_map).subs(at_mle), 0, scope="ȳ ∈ (0, 1): the unit natural map has zero derivative at θ̂ "
            "(superlinear, in fact quadratic, local convergence)")
    c.prove(d_theta(gradient_map).subs(at_mle), 1 - ybar * (1 - ybar), scope="the unit gradient map's derivative at "
            "θ̂ is 1 − ȳ(1 − ȳ) ∈ [3/4, 1): linear convergence")
    natural, gradient = _steps_to(_natural_step, 0.0, float(mle_value)), _steps_to(_gradient_step, 0.0, float(mle_value))
    c.observe(natural is not None and gradient is not None and natural < gradient,
              detail=f"experiment from θ₀ = 0, η = 1, ȳ = 0.9: natural gradient reaches |θ − θ̂| < 1e-10 in "
                     f"{natural} steps, gradient descent in {gradient}",
              data={"natural_steps": natural, "gradient_steps": gradient})
    start = sp.Integer(-5)
    far = 1 / (1 + sp.exp(-start))
    c.prove_nonnegative(start - (far - ybar_value) / (far * (1 - far)) - 100,
                        scope="the wording note: from θ₀ = −5 the unit natural step lands beyond θ = 100 (θ̂ = log 9 ≈ 2.2)")


@claim("problem3.vanishes-where-gradient-vanishes",
       title="Where ∇L = 0 the natural gradient I⁻¹∇L (or I⁺∇L) is zero",
       statement=r"\nabla\mathcal{L} = 0 \implies I^{-1}\nabla\mathcal{L} = 0",
       source=(SECTION, r"and that at the MLE (where $\nabla\mathcal{L} = 0$), the natural gradient also vanishes"),
       reading="Where ∇L = 0, I⁻¹∇L = 0 for any invertible Fisher (and I⁺·0 = 0 for any Fisher).",
       depends_on=("problem3.natural-gradient-formula",), tags=("mle",))
def _(c):
    a, b, d = sp.symbols("a b d", real=True)
    fisher = sp.Matrix([[a, b], [b, d]])
    c.prove(fisher.adjugate() * sp.zeros(2, 1), sp.zeros(2, 1), scope="any 2×2 Fisher: adj(I)·0 = 0 (so I⁻¹·0 = 0 "
            "where I is invertible, and I⁺·0 = 0 always)")
    c.fuzz(lambda F: close(natural_gradient(F, np.zeros(4)), np.zeros(4)), st.builds(lambda v: np.diag(v) + 0.1, vectors(4, 0.1, 2)),
           scope="natural_gradient kernel at a zero gradient vs 0 (any nonzero entry is a relative error of 1), d = 4")


uncheckable(SECTION, r"Problem 3: Consider minimizing $\mathcal{L}(\theta) = -\log p(y \mid \theta)$ (negative log-likelihood).",
            "sets up the problem (the loss to use); the claims of Problem 3 check what follows from it")
uncheckable(SECTION, r"$\mathcal{L}(\theta) = -\log p(y \mid \theta)$.",
            "restates the loss being minimised: a definition")
uncheckable(SECTION, r"Since natural gradient is $I^{-1}\nabla\mathcal{L}$, it also vanishes.",
            "the answer's one-line argument for the statement checked as problem3.vanishes-where-gradient-vanishes")

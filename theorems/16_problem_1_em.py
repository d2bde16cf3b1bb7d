"""Practice Problems — Problem 1: natural gradient on the forward KL and the EM update.

Families used (all exact exponential families, written in u = e^θ so that every
expression is rational and ``cancel`` decides equality; θ = log u covers all real θ):

* Bernoulli: T(x) = x, A(θ) = log(1 + e^θ), target p* = Bernoulli(q);
* categorical with 3 outcomes in minimal natural parameters (θ₁, θ₂):
  T(x) = (1[x=1], 1[x=2]), A(θ) = log(1 + e^θ₁ + e^θ₂), target probabilities q;
* any one-parameter family on three support points t₁, t₂, t₃ with base measure h;
* Poisson (A(θ) = e^θ, mean e^θ) for a second counterexample.
"""
import numpy as np
import sympy as sp

from ngproof import claim, close
from ngproof.kernels import categorical_fisher, natural_gradient
from ngproof.strategies import probability_vectors

SECTION = "Practice Problems"

# Bernoulli in u = e^θ; d/dθ = u d/du.
u = sp.Symbol("u", positive=True)
q = sp.Symbol("q", positive=True)
A_bern = sp.log(1 + u)
p_bern = u / (1 + u)


def d_theta(f, var):
    """∂f/∂θ for θ = log(var)."""
    return var * sp.diff(f, var)


# Categorical, 3 outcomes, minimal natural parameters θ_i = log u_i.
u1, u2 = sp.symbols("u1 u2", positive=True)
q1, q2 = sp.symbols("q1 q2", positive=True)
q3 = 1 - q1 - q2
Z_cat = 1 + u1 + u2
A_cat = sp.log(Z_cat)
probs_cat = [u1 / Z_cat, u2 / Z_cat, 1 / Z_cat]          # outcomes 1, 2, 3
T_cat = [sp.Matrix([1, 0]), sp.Matrix([0, 1]), sp.Matrix([0, 0])]
mean_T_cat = sp.Matrix([u1 / Z_cat, u2 / Z_cat])
target_T_cat = sp.Matrix([q1, q2])


def grad_cat(f):
    return sp.Matrix([d_theta(f, u1), d_theta(f, u2)])


def hessian_cat(f):
    g = grad_cat(f)
    return sp.Matrix(2, 2, lambda i, j: d_theta(g[i], (u1, u2)[j]))


fisher_cat = sp.zeros(2, 2)
for prob, t in zip(probs_cat, T_cat):
    fisher_cat += prob * (t - mean_T_cat) * (t - mean_T_cat).T

# Forward KL to the fixed target, as a function of θ: E_{p*}[log p* − log p_θ].
kl_bern = q * sp.log(q / p_bern) + (1 - q) * sp.log((1 - q) / (1 - p_bern))
kl_cat = sum(qk * sp.log(qk / pk) for qk, pk in zip((q1, q2, q3), probs_cat))
# The same KL for Bernoulli in its mean parameter p ∈ (0, 1), whose Fisher is 1/(p(1 − p)).
p_mean = sp.Symbol("p", positive=True)
kl_bern_mean = q * sp.log(q / p_mean) + (1 - q) * sp.log((1 - q) / (1 - p_mean))
expand_logs = [("expand_log + cancel", lambda e: sp.cancel(sp.expand_log(e)))]


@claim("problem1.score",
       title="Score of an exponential family: T(x) − ∇A(θ) = T(x) − E_{p_θ}[T]",
       statement=r"\nabla_\theta \log p_\theta(x) = T(x) - \nabla_\theta A(\theta) = T(x) - \mathbb{E}_{p_\theta}[T(x)]",
       source=(SECTION, r"$\nabla_\theta \log p_\theta = T(x) - \nabla_\theta A(\theta) = T(x) - \mathbb{E}_{p_\theta}[T(x)]$"),
       reading="For p_θ(x) = h(x)exp(θᵀT(x) − A(θ)) with A the log-partition function, the score in the natural "
               "parameters is T(x) − ∇A(θ), and ∇A(θ) is the mean of T under p_θ. Checked for every one-parameter "
               "family on three support points (symbolic T and h) and the 3-outcome categorical in its minimal "
               "natural parameters.",
       tags=("exponential-family", "score"))
def _(c):
    theta = sp.Symbol("theta", real=True)
    t = sp.symbols("t1:4", real=True)
    h = sp.symbols("h1:4", positive=True)
    Z = sum(hi * sp.exp(theta * ti) for hi, ti in zip(h, t))
    A = sp.log(Z)
    mean_T = sum(ti * hi * sp.exp(theta * ti) / Z for hi, ti in zip(h, t))
    scores = [sp.diff(sp.log(hi) + theta * ti - A, theta) for hi, ti in zip(h, t)]
    c.prove(scores, [ti - sp.diff(A, theta) for ti in t], scope="any one-parameter family on 3 support points, symbolic t_i, h_i > 0, all real θ")
    c.prove(sp.diff(A, theta), mean_T, scope="∇A = E_{p_θ}[T]: any one-parameter family on 3 support points, all real θ")
    c.prove(grad_cat(A_cat), mean_T_cat, scope="3-outcome categorical, minimal natural parameters, all real θ₁, θ₂")


@claim("problem1.fisher-is-hessian-of-log-partition",
       title="Fisher of an exponential family = Cov[T] = ∇²A",
       statement=r"I(\theta) = \mathrm{Cov}_{p_\theta}[T(x)] = \nabla_\theta^2 A(\theta)",
       source=(SECTION, r"So $I(\theta) = \text{Cov}_{p_\theta}[T(x)] = \nabla_\theta^2 A(\theta)$ (the Hessian of the log-partition function is the Fisher)."),
       reading="The Fisher E[ssᵀ] of an exponential family in its natural parameters equals the covariance of T "
               "under p_θ and the Hessian of A.",
       depends_on=("problem1.score",), tags=("exponential-family", "fisher"))
def _(c):
    theta = sp.Symbol("theta", real=True)
    t = sp.symbols("t1:4", real=True)
    h = sp.symbols("h1:4", positive=True)
    Z = sum(hi * sp.exp(theta * ti) for hi, ti in zip(h, t))
    A = sp.log(Z)
    probs = [hi * sp.exp(theta * ti) / Z for hi, ti in zip(h, t)]
    mean_T = sum(p * ti for p, ti in zip(probs, t))
    expected_score_square = sum(p * (ti - sp.diff(A, theta)) ** 2 for p, ti in zip(probs, t))
    variance = sum(p * (ti - mean_T) ** 2 for p, ti in zip(probs, t))
    scope = "any one-parameter family on 3 support points, symbolic t_i, h_i > 0, all real θ"
    c.prove(expected_score_square, variance, scope=scope)
    c.prove(sp.diff(A, theta, 2), variance, scope=scope, rewriters=[("together + cancel", lambda e: sp.cancel(sp.together(e)))])
    c.prove(fisher_cat, hessian_cat(A_cat), scope="3-outcome categorical, 2×2, all real θ₁, θ₂")

    def kernel_block_vs_covariance(p):
        k = p.size
        onehot = np.eye(k)[:, : k - 1]
        centred = onehot - p[: k - 1]
        covariance = (centred.T * p) @ centred
        return close(categorical_fisher(p)[: k - 1, : k - 1], covariance, cond=k)
    c.fuzz(kernel_block_vs_covariance, probability_vectors(5),
           scope="categorical_fisher kernel's minimal block vs Cov[T] summed over outcomes, K = 5")


@claim("problem1.kl-in-natural-parameters",
       title="Forward KL to a fixed target is const − E_{p*}[T]ᵀθ + A(θ)",
       statement=r"D_{KL}(p^*\|p_\theta) = \text{const} - \mathbb{E}_{p^*}[T(x)]^T\theta + A(\theta)",
       source=(SECTION, r"$\mathcal{L}(\theta) = D_{KL}(p^* \| p_\theta) = \mathbb{E}_{p^*}[\log p^* - \log p_\theta] = \text{const} - \mathbb{E}_{p^*}[T(x)]^T \theta + A(\theta)$"),
       reading="Up to a θ-free constant (−H(p*) − E_{p*}[log h]), the forward KL to a fixed target is A(θ) − "
               "E_{p*}[T]ᵀθ.",
       tags=("exponential-family", "kl"))
def _(c):
    theta = sp.log(u)
    constant_bern = q * sp.log(q) + (1 - q) * sp.log(1 - q)
    c.prove(kl_bern, constant_bern - q * theta + A_bern, scope="Bernoulli, target q ∈ (0, 1), all real θ; const = −H(p*)",
            rewriters=expand_logs)
    theta_cat = sp.Matrix([sp.log(u1), sp.log(u2)])
    constant_cat = sum(qk * sp.log(qk) for qk in (q1, q2, q3))
    c.prove(kl_cat, constant_cat - (target_T_cat.T * theta_cat)[0] + A_cat,
            scope="3-outcome categorical, any target q in the open simplex, all real θ₁, θ₂", rewriters=expand_logs)


@claim("problem1.kl-gradient",
       title="Gradient of the forward KL: E_{p_θ}[T] − E_{p*}[T]",
       statement=r"\nabla_\theta\mathcal{L} = -\mathbb{E}_{p^*}[T(x)] + \nabla A(\theta) = \mathbb{E}_{p_\theta}[T(x)] - \mathbb{E}_{p^*}[T(x)]",
       source=(SECTION, r"$\nabla_\theta\mathcal{L} = -\mathbb{E}_{p^*}[T(x)] + \nabla A(\theta) = -\mathbb{E}_{p^*}[T(x)] + \mathbb{E}_{p_\theta}[T(x)]$"),
       reading="Differentiating that form in θ: ∇L = ∇A(θ) − E_{p*}[T] = E_{p_θ}[T] − E_{p*}[T].",
       depends_on=("problem1.kl-in-natural-parameters", "problem1.score"), tags=("exponential-family", "kl"))
def _(c):
    c.prove(d_theta(kl_bern, u), p_bern - q, scope="Bernoulli, target q, all real θ")
    c.prove(grad_cat(kl_cat), mean_T_cat - target_T_cat, scope="3-outcome categorical, any target q, all real θ₁, θ₂")


def _minimal_categorical_ng(p, target):
    """Oracle: (diag(π') − π'π'ᵀ)⁻¹ = diag(1/π') + 11ᵀ/π_K (Sherman–Morrison), applied to π' − q'."""
    residual = p[:-1] - target[:-1]
    return residual / p[:-1] + residual.sum() / p[-1]


@claim("problem1.natural-gradient",
       title="Natural gradient of the forward KL: (∇²A)⁻¹(E_{p_θ}[T] − E_{p*}[T])",
       statement=r"\tilde\nabla\mathcal{L} = I(\theta)^{-1}\nabla\mathcal{L} = (\nabla^2 A)^{-1}(\mathbb{E}_{p_\theta}[T] - \mathbb{E}_{p^*}[T])",
       source=(SECTION, r"$\tilde{\nabla}\mathcal{L} = I(\theta)^{-1} \nabla\mathcal{L} = (\nabla^2 A)^{-1} (\mathbb{E}_{p_\theta}[T] - \mathbb{E}_{p^*}[T])$"),
       reading="In the natural parameters, I(θ)⁻¹∇L with I = ∇²A is (∇²A)⁻¹(E_{p_θ}[T] − E_{p*}[T]).",
       depends_on=("problem1.fisher-is-hessian-of-log-partition", "problem1.kl-gradient"),
       tags=("exponential-family", "natural-gradient"))
def _(c):
    c.prove(d_theta(kl_bern, u) / (p_bern * (1 - p_bern)), (p_bern - q) / d_theta(d_theta(A_bern, u), u),
            scope="Bernoulli, target q, all real θ")
    c.prove(fisher_cat.inv() * grad_cat(kl_cat), hessian_cat(A_cat).inv() * (mean_T_cat - target_T_cat),
            scope="3-outcome categorical, 2×2 symbolic inverse, all real θ₁, θ₂")

    def kernel_vs_sherman_morrison(p, target):
        k = p.size
        fisher = categorical_fisher(p)[: k - 1, : k - 1]
        computed = natural_gradient(fisher, p[:-1] - target[:-1])
        return close(computed, _minimal_categorical_ng(p, target), cond=np.linalg.cond(fisher))
    c.fuzz(kernel_vs_sherman_morrison, probability_vectors(6, spread=2.0), probability_vectors(6),
           scope="natural_gradient kernel on the minimal categorical Fisher vs the Sherman–Morrison closed form, K = 6")


# One natural-gradient step with η = 1 in the natural parameter, Bernoulli: θ ← θ − (σ − q)/(σ(1 − σ)).
theta_s = sp.Symbol("theta", real=True)
sigma_s = 1 / (1 + sp.exp(-theta_s))
unit_step_bern = theta_s - (sigma_s - q) / (sigma_s * (1 - sigma_s))
mean_after_bern = 1 / (1 + sp.exp(-unit_step_bern))


@claim("problem1.unit-step-moment-matching",
       title="One unit natural-gradient step in natural parameters matches the target's moments",
       statement=r"\theta_{\text{new}} = \theta - (\nabla^2A)^{-1}(\mathbb{E}_{p_\theta}[T]-\mathbb{E}_{p^*}[T]) \implies \mathbb{E}_{p_{\theta_{\text{new}}}}[T(x)] = \mathbb{E}_{p^*}[T(x)]",
       source=(SECTION, r"the new natural parameters satisfy $\mathbb{E}_{p_{\theta_{\text{new}}}}[T(x)] = \mathbb{E}_{p^*}[T(x)]$"),
       reading="After the unit step just written, θ_new = θ − (∇²A)⁻¹(E_{p_θ}[T] − E_{p*}[T]) in the natural "
               "parameters, the model's mean of T equals the target's. No other reading fits: the sentence speaks of"
               " 'the new natural parameters' that this step produces.",
       defence="The step is Newton's step on the KL (its Hessian is ∇²A = I), and Newton's step is exact when ∇A is "
               "affine (a Gaussian mean with known variance, where the sentence holds); in the mean parameters μ = "
               "E[T] the unit natural step does land on E_{p*}[T]; and in conjugate variational inference a unit "
               "natural step in the natural parameters is exactly the coordinate-ascent update, which is likely "
               "where the sentence comes from. But that result is for the reverse KL (the ELBO), whose natural "
               "gradient is affine in θ. For the forward KL in the natural parameters ∇A is nonlinear (Bernoulli, "
               "Poisson, categorical): one Newton step does not solve ∇A(θ) = E_{p*}[T], and the moments do not "
               "match.",
       expect="false", depends_on=("problem1.natural-gradient",), tags=("exponential-family", "em", "erratum"))
def _(c):
    c.counterexample({theta_s: 0, q: sp.Rational(9, 10)}, mean_after_bern, q,
                     detail="Bernoulli, θ = 0, target q = 9/10: the unit step gives Δθ = 0.4/0.25 = 8/5 and "
                            "E_{θ_new}[x] = σ(8/5) ≈ 0.832 ≠ 0.9")
    m = sp.Symbol("m", positive=True)
    unit_step_poisson = theta_s - (sp.exp(theta_s) - m) / sp.exp(theta_s)
    c.counterexample({theta_s: 0, m: 2}, sp.exp(unit_step_poisson), m,
                     detail="Poisson (A = e^θ), θ = 0, target mean 2: θ_new = 1 and E_{θ_new}[x] = e ≈ 2.718 ≠ 2")


@claim("problem1.unit-step-is-newton",
       title="Corrected: in natural parameters the unit natural step is Newton's step on the (convex) KL",
       statement=r"\nabla_\theta^2 D_{KL}(p^*\|p_\theta) = \nabla^2 A(\theta) = I(\theta),\ \text{so}\ \theta - I^{-1}\nabla\mathcal{L} = \theta - (\nabla^2\mathcal{L})^{-1}\nabla\mathcal{L}",
       source=(SECTION, r"With unit step size: $\Delta\theta = -(\nabla^2 A)^{-1} (\mathbb{E}_{p_\theta}[T] - \mathbb{E}_{p^*}[T])$."),
       reading="What the unit step in the natural parameters is: the Hessian of the forward KL is ∇²A = I(θ), so θ −"
               " I⁻¹∇L is Newton's step on the KL, exact in one step only where A is quadratic.",
       corrects="problem1.unit-step-moment-matching",
       depends_on=("problem1.kl-gradient", "problem1.fisher-is-hessian-of-log-partition"),
       tags=("exponential-family", "newton", "correction"))
def _(c):
    c.prove(d_theta(d_theta(kl_bern, u), u), p_bern * (1 - p_bern), scope="Bernoulli, target q, all real θ")
    c.prove(hessian_cat(kl_cat), fisher_cat, scope="3-outcome categorical, 2×2, all real θ₁, θ₂")
    # A Newton step is exact only where ∇A is affine; the Gaussian mean with unit variance (A = θ²/2) is such a case.
    theta, mean = sp.symbols("theta mu_star", real=True)
    A_gauss = theta ** 2 / 2
    step = theta - (sp.diff(A_gauss, theta) - mean) / sp.diff(A_gauss, theta, 2)
    c.prove(sp.diff(A_gauss, theta).subs(theta, step), mean,
            scope="N(θ, 1) in its natural parameter: one unit step lands exactly on moment matching (A quadratic)")


@claim("problem1.mean-parameter-step",
       title="Corrected: in mean parameters μ = E_{p_θ}[T] the unit natural step lands exactly on μ = E_{p*}[T]",
       statement=r"\mu_{\text{new}} = \mu - I(\mu)^{-1}\nabla_\mu D_{KL}(p^*\|p_\mu) = \mathbb{E}_{p^*}[T(x)]",
       source=(SECTION, r"This matches the EM update in exponential families"),
       reading="The statement that does hold: taken in the mean parameters μ = E_{p_θ}[T] (with the Fisher of that "
               "parameterization), one unit natural step lands exactly on μ = E_{p*}[T].",
       corrects="problem1.unit-step-moment-matching", depends_on=("problem1.natural-gradient", "reparam.fisher-transform"),
       tags=("exponential-family", "em", "correction"))
def _(c):
    fisher_p = 1 / p_mean + 1 / (1 - p_mean)
    c.prove(p_mean - sp.diff(kl_bern_mean, p_mean) / fisher_p, q, scope="Bernoulli in p ∈ (0, 1), any target q")
    lam, m = sp.symbols("lambda m", positive=True)
    loss_lam = m * sp.log(m / lam) - m + lam
    c.prove(lam - sp.diff(loss_lam, lam) / (1 / lam), m, scope="Poisson in its mean λ > 0, any target mean m > 0")
    pi1, pi2 = sp.symbols("pi1 pi2", positive=True)
    pi3 = 1 - pi1 - pi2
    loss_pi = -(q1 * sp.log(pi1) + q2 * sp.log(pi2) + q3 * sp.log(pi3))
    grad_pi = sp.Matrix([sp.diff(loss_pi, pi1), sp.diff(loss_pi, pi2)])
    fisher_pi = sp.diag(1 / pi1, 1 / pi2) + sp.ones(2, 2) / pi3
    c.prove(sp.Matrix([pi1, pi2]) - fisher_pi.inv() * grad_pi, target_T_cat,
            scope="3-outcome categorical in mean parameters (π₁, π₂), 2×2 symbolic, any target q")


@claim("problem1.m-step-moment-matching",
       title="The exponential-family M-step sets ∇A(θ) = E_q[T] (moment matching)",
       statement=r"\arg\max_\theta\,\big(\theta^T\mathbb{E}_q[T] - A(\theta)\big)\ \text{satisfies}\ \mathbb{E}_{p_\theta}[T] = \mathbb{E}_q[T]",
       source=(SECTION, r"which is exactly the M-step of EM when $p^*$ is the posterior over latents"),
       reading="With p* the E-step's posterior, the M-step maximises E_{p*}[log p_θ] = θᵀE_{p*}[T] − A(θ) + const; "
               "its maximiser satisfies E_{p_θ}[T] = E_{p*}[T] (moment matching). Checked for the Bernoulli.",
       depends_on=("problem1.score", "problem1.fisher-is-hessian-of-log-partition"), tags=("exponential-family", "em"))
def _(c):
    objective = q * sp.log(u) - A_bern
    at_match = {u: q / (1 - q)}          # θ = logit q
    c.prove(d_theta(objective, u).subs(at_match), 0, scope="Bernoulli: the M-step objective is stationary at σ(θ) = q")
    c.prove(p_bern.subs(at_match), q, scope="Bernoulli: E_θ[x] = q there")
    c.prove_nonnegative(d_theta(d_theta(A_bern, u), u), scope="Bernoulli: ∇²A ≥ 0, so the objective is concave and "
                        "the stationary point is its maximiser")


@claim("problem1.em-equivalence",
       title="The natural-gradient step on the forward KL is one EM step",
       statement=r"\theta - I(\theta)^{-1}\nabla_\theta D_{KL}(p^*\|p_\theta) = \theta_{\text{M-step}}",
       source=(SECTION, r"is equivalent to one step of the EM algorithm in the exponential family"),
       reading="One natural-gradient step with η = 1 on the forward KL gives the parameter of one EM step, whose "
               "M-step (p* the E-step's posterior) sets E_{p_θ}[T] = E_{p*}[T]. The exercise's answer writes the "
               "family and takes the step in the natural parameters θ, so that is the reading tested; in the mean "
               "parameters it holds (the condition).",
       defence="In the mean parameters the equivalence is exact (problem1.em-equivalence-in-mean-parameters); and in"
               " the natural parameters the unit natural step is one Newton step on the M-step's objective, i.e. one"
               " step of Lange's (1995) EM-gradient algorithm, which is locally equivalent to EM. But the exercise "
               "claims equality with one EM step, and its answer works in the natural parameters, where one Newton "
               "step reaches the M-step's solution only if A is quadratic: Bernoulli, θ = 0, q = 9/10 gives θ_new = "
               "8/5 against the M-step's log 9.",
       expect="holds-if",
       condition="the step is taken in the mean (expectation) parameters μ = E_{p_θ}[T] with η = 1; in the natural "
                 "parameters θ the unit step is a Newton step that does not reach the M-step's fixed point",
       depends_on=("problem1.unit-step-moment-matching", "problem1.m-step-moment-matching"),
       tags=("exponential-family", "em", "erratum"))
def _(c):
    m_step_theta = sp.log(q / (1 - q))
    c.counterexample({theta_s: 0, q: sp.Rational(9, 10)}, unit_step_bern, m_step_theta,
                     detail="Bernoulli, θ = 0, target q = 9/10: the natural step gives θ_new = 8/5 = 1.6, "
                            "the M-step gives θ = logit(0.9) = log 9 ≈ 2.197")


@claim("problem1.em-equivalence-in-mean-parameters",
       title="Corrected: in mean parameters the unit natural step and the M-step coincide",
       statement=r"\mu - I(\mu)^{-1}\nabla_\mu D_{KL}(p^*\|p_\mu) = \arg\max_\mu \mathbb{E}_{p^*}[\log p_\mu] = \mathbb{E}_{p^*}[T]",
       source=(SECTION, r"is equivalent to one step of the EM algorithm in the exponential family"),
       reading="The statement that does hold: in the mean parameters the unit natural step and the M-step give the "
               "same distribution, p_μ with μ = E_{p*}[T]; checked for the 3-outcome categorical (the M-step's "
               "maximiser) and the Bernoulli (the step).",
       corrects="problem1.em-equivalence",
       depends_on=("problem1.mean-parameter-step", "problem1.m-step-moment-matching"),
       tags=("exponential-family", "em", "correction"))
def _(c):
    pi1, pi2 = sp.symbols("pi1 pi2", positive=True)
    pi3 = 1 - pi1 - pi2
    expected_log_lik = q1 * sp.log(pi1) + q2 * sp.log(pi2) + q3 * sp.log(pi3)
    stationarity = sp.Matrix([sp.diff(expected_log_lik, pi1), sp.diff(expected_log_lik, pi2)]).subs({pi1: q1, pi2: q2})
    c.prove(stationarity, sp.zeros(2, 1), scope="3-outcome categorical: the M-step objective in (π₁, π₂) is stationary at π = q")
    # Curvature: name the third weight and probability r₃ = 1 − q₁ − q₂ > 0, s₃ = 1 − π₁ − π₂ > 0.
    r3, s3 = sp.symbols("r3 s3", positive=True)
    objective_named = q1 * sp.log(pi1) + q2 * sp.log(pi2) + r3 * sp.log(1 - pi1 - pi2)
    hessian = sp.hessian(-objective_named, (pi1, pi2)).subs(1 - pi1 - pi2, s3)
    c.prove_nonnegative([hessian[0, 0], sp.factor(hessian.det())],
                        scope="3-outcome categorical: −objective has a positive definite Hessian (leading minors ≥ 0) "
                              "on the whole open simplex, so π = q is the maximiser")
    c.prove(p_mean - sp.diff(kl_bern_mean, p_mean) * p_mean * (1 - p_mean), q,
            scope="Bernoulli in p: the unit natural step lands on the M-step's q")

"""Practice Problems — Problem 5: the empirical Fisher, model samples, and the "observed Fisher"."""
import numpy as np
import sympy as sp
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ngproof import claim, close, uncheckable
from ngproof.kernels import bernoulli_fisher, empirical_fisher, monte_carlo_fisher, softmax_fisher
from ngproof.strategies import reals

SECTION = "Practice Problems"
K, D = 3, 2
# Softmax over K = 3 classes; logits z = J θ with a symbolic K×D Jacobian J at one input.
pi_symbols = sp.symbols("pi1:4", positive=True)
pi = sp.Matrix(pi_symbols).subs(pi_symbols[2], 1 - pi_symbols[0] - pi_symbols[1])
J = sp.Matrix(K, D, lambda i, j: sp.Symbol(f"J{i}{j}", real=True))
fisher_closed_form = J.T * (sp.diag(*pi) - pi * pi.T) * J


def parameter_score(label):
    """s = Jᵀ(e_y − π): the score of log softmax(z)_y with respect to θ."""
    return J.T * (sp.eye(K)[:, label] - pi)


def expected_outer(weights):
    """Σ_y w_y s(y) s(y)ᵀ for label weights w (model probabilities or data frequencies)."""
    return sum((w * parameter_score(k) * parameter_score(k).T for k, w in enumerate(weights)), sp.zeros(D, D))


def _batch(draw_logits, draw_jacobians):
    logits = np.asarray(draw_logits)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    return draw_jacobians, probs / probs.sum(axis=1, keepdims=True)


def _scores(jacobians, probs, labels):
    """Per-example parameter scores Jₙᵀ(e_yₙ − πₙ), by an explicit loop (the oracle)."""
    out = []
    for n in range(len(labels)):
        residual = -probs[n].copy()
        residual[labels[n]] += 1.0
        out.append(jacobians[n].T @ residual)
    return np.array(out)


def _cancellation(scale, expected):
    """Condition of a sum of PSD terms whose scores cancel: size of the terms over size of the result.

    Draws where the result cancels to (almost) nothing have no meaningful relative error and are skipped.
    """
    size = np.linalg.norm(expected)
    assume(size > 1e-6 * scale)
    return max(1.0, scale / size)


batches = st.tuples(arrays(np.float64, (6, K), elements=reals(-3, 3)), arrays(np.float64, (6, K, 4), elements=reals(-1, 1)))


@claim("problem5.fisher-under-model-samples",
       title="The Fisher is E over model samples ỹ ~ p(y | x, θ) of s sᵀ = Jᵀ(diag π − ππᵀ)J",
       statement=r"I(\theta) = \mathbb{E}_{\tilde y\sim p(y\mid\mathbf{x},\theta)}[s s^T] = J^T(\mathrm{diag}\,\boldsymbol\pi - \boldsymbol\pi\boldsymbol\pi^T)J",
       source=(SECTION, r"the true Fisher uses samples $\tilde{y} \sim p(y \mid \mathbf{x}, \theta)$ (model samples), not the ground truth labels $y_i$"),
       reading="For a softmax classifier with logits z = Jθ at an input, averaging s sᵀ over labels drawn from the "
               "model's own prediction gives the Fisher Jᵀ(diag π − ππᵀ)J.",
       tags=("empirical-fisher", "fisher"))
def _(c):
    c.prove(expected_outer(list(pi)), fisher_closed_form, scope="K = 3 classes, D = 2 parameters, symbolic π and J")

    def kernel_vs_model_expectation(batch):
        jacobians, probs = _batch(*batch)
        expected = np.zeros((4, 4))
        for label in range(K):            # E over ỹ: weight each label's score outer product by π_ỹ
            scores = _scores(jacobians, probs, np.full(len(probs), label))
            expected += np.einsum("n,ni,nj->ij", probs[:, label], scores, scores) / len(probs)
        # the kernel forms Jᵀdiag(π)J − (Jᵀπ)(Jᵀπ)ᵀ, which cancels: its size over the Fisher's is the condition
        scale = np.linalg.norm(np.einsum("nk,nki,nkj->ij", probs, jacobians, jacobians)) / len(probs)
        return close(softmax_fisher(jacobians, probs), expected, cond=K * 4 * _cancellation(scale, expected))
    c.fuzz(kernel_vs_model_expectation, batches,
           scope="softmax_fisher kernel vs Σ_ỹ π_ỹ s(ỹ)s(ỹ)ᵀ summed explicitly, N = 6, K = 3, d = 4, draws "
                 "cancelling below 1e-6 skipped; 25 cases (lowered budget: drawing the arrays dominates)", max_examples=25)


@claim("problem5.empirical-fisher-is-not-fisher",
       title="The empirical Fisher at the training labels estimates E_data[s sᵀ], which is not the Fisher",
       statement=r"\hat I = \tfrac1B\sum_i s(y_i)s(y_i)^T \to \mathbb{E}_{p_{\text{data}}}[s s^T] \neq I(\theta)",
       source=(SECTION, r"you're approximating $\mathbb{E}_{x \sim p_{\text{data}}}[s s^T]$, which is NOT the Fisher"),
       reading="'You're approximating E_data[ssᵀ]' read with labels from the data (the lesson writes x ~ p_data for "
               "the labelled pairs): in general that matrix differs from the Fisher; one exact instance suffices to "
               "show 'is NOT'.",
       depends_on=("problem5.fisher-under-model-samples", "empirical-fisher.not-true-fisher"), tags=("empirical-fisher",))
def _(c):
    t, y = sp.symbols("theta y", real=True)
    sigma = 1 / (1 + sp.exp(-t))
    empirical = (y - sigma) ** 2               # Bernoulli logit, one label
    fisher = sigma * (1 - sigma)
    c.prove((empirical - fisher).subs({t: sp.log(3), y: 0}), sp.Rational(9, 16) - sp.Rational(3, 16),
            scope="Bernoulli logit at θ = log 3 (p = 3/4), label y = 0: empirical 9/16 vs Fisher 3/16, a gap of 3/8 ≠ 0")

    def kernel_vs_label_loop(batch, labels):
        jacobians, probs = _batch(*batch)
        scores = _scores(jacobians, probs, labels)
        expected = scores.T @ scores / len(labels)
        # each score Jᵀ(e_y − π) may cancel: compare the terms' size ‖J‖²‖e_y − π‖² with the result's
        residuals = np.eye(K)[labels] - probs
        scale = np.sum(np.linalg.norm(jacobians, axis=(1, 2)) ** 2 * np.linalg.norm(residuals, axis=1) ** 2) / len(labels)
        return close(empirical_fisher(jacobians, probs, labels), expected, cond=K * 4 * _cancellation(scale, expected))
    c.fuzz(kernel_vs_label_loop, batches, arrays(np.int64, (6,), elements=st.integers(0, K - 1)),
           scope="empirical_fisher kernel vs an explicit per-example loop of scores at the labels, N = 6, K = 3, "
                 "d = 4, draws cancelling below 1e-6 skipped; 25 cases (lowered budget: drawing the arrays dominates)", max_examples=25)


@claim("problem5.empirical-fisher-bias",
       title="The label-based empirical Fisher is unbiased for I(θ) when the model's predictive matches the labels, "
             "and (three classes) only then",
       statement=r"\mathbb{E}_{y\sim q}[s s^T] = I(\theta) + J^T\big(\mathrm{diag}\,\boldsymbol\delta - \boldsymbol\delta\boldsymbol\pi^T - \boldsymbol\pi\boldsymbol\delta^T\big)J,\ \boldsymbol\delta = \mathbf{q}-\boldsymbol\pi;\quad \text{bias} = 0\ \forall J \iff \boldsymbol\delta = 0\ (K = 3)",
       source=(SECTION, "only valid when the model is already perfectly fit"),
       reading="'Perfectly fit' read as: the model's predictive distribution p(y | x, θ) equals the distribution "
               "of the training labels at each input (q = π), not 'predicts every label with certainty'; 'only "
               "valid' as: only then is the label-based average unbiased for I(θ), whatever the network (its "
               "Jacobian J). Checked for K = 3 classes.",
       wording="As a pointwise statement 'only' is too strong for two classes: at π = (½, ½) the bias vanishes "
               "for any labels (a Bernoulli at θ = 0 with every label 1: (1 − ½)² = ¼ = σ(1 − σ)), although the "
               "model is not fit. From three classes on, no bias for every J does force q = π.",
       depends_on=("problem5.fisher-under-model-samples", "problem5.empirical-fisher-is-not-fisher"),
       tags=("empirical-fisher",))
def _(c):
    q_symbols = sp.symbols("q1:4", positive=True)
    q = sp.Matrix(q_symbols).subs(q_symbols[2], 1 - q_symbols[0] - q_symbols[1])
    delta = q - pi
    bias = sp.diag(*delta) - delta * pi.T - pi * delta.T
    c.prove(expected_outer(list(q)), fisher_closed_form + J.T * bias * J,
            scope="K = 3, D = 2, symbolic π, data label frequencies q and J: the bias is zero at q = π")
    # Only then: bias = 0 for every J means the K×K matrix B(δ) = 0. Its off-diagonal entries (1,2), (1,3), (2,3)
    # are linear in (δ₁, δ₂) (δ₃ = −δ₁ − δ₂); δ ≠ 0 would need all three 2×2 minors of that system to vanish.
    d = sp.symbols("delta1 delta2", real=True)
    free_delta = sp.Matrix([d[0], d[1], -d[0] - d[1]])
    free_bias = sp.diag(*free_delta) - free_delta * pi.T - pi * free_delta.T
    system = sp.Matrix([[sp.diff(free_bias[i, j], dk) for dk in d] for i, j in ((0, 1), (0, 2), (1, 2))])
    minors = [system.extract(list(rows), [0, 1]).det() for rows in ((0, 1), (0, 2), (1, 2))]
    c.prove(minors, [pi[0] * (2 * pi[0] - 1), -pi[1] * (2 * pi[1] - 1), pi[2] * (2 * pi[2] - 1)],
            scope="K = 3, symbolic π: the minors are ±π_k(2π_k − 1), all zero only if every π_k = ½")
    c.prove(sum(2 * pk - 1 for pk in pi), -1, scope="which cannot be: Σ_k(2π_k − 1) = −1, so B(δ) = 0 forces δ = 0")
    theta_s, y_s = sp.symbols("theta y", real=True)
    sigma = 1 / (1 + sp.exp(-theta_s))
    c.prove(((y_s - sigma) ** 2).subs({theta_s: 0, y_s: 1}), (sigma * (1 - sigma)).subs(theta_s, 0),
            scope="the wording note: Bernoulli at θ = 0, label 1: empirical (1 − ½)² equals the Fisher ¼")


@claim("problem5.model-samples-unbiased",
       title="The Fisher estimated from model samples is unbiased",
       statement=r"\mathbb{E}_{\tilde y_s\sim p(\cdot\mid\mathbf{x},\theta)}\Big[\tfrac1S\sum_s s(\tilde y_s)s(\tilde y_s)^T\Big] = I(\theta)",
       source=(SECTION, r"This is unbiased for $I(\theta)$."),
       reading="The average of s sᵀ over labels sampled from the model's predictive has expectation exactly I(θ), "
               "for any number of samples.",
       depends_on=("problem5.fisher-under-model-samples", "empirical-fisher.model-samples"), tags=("empirical-fisher", "monte-carlo"))
def _(c):
    S = 2
    outer = [expected_outer([1 if k == label else 0 for k in range(K)]) for label in range(K)]
    estimator_mean = sp.zeros(D, D)
    for first in range(K):               # enumerate both sampled labels exactly
        for second in range(K):
            estimator_mean += pi[first] * pi[second] * (outer[first] + outer[second]) / S
    c.prove(estimator_mean, fisher_closed_form, scope="K = 3, D = 2, S = 2 independent samples, exact expectation over "
            "all 9 label pairs, symbolic π and J")
    rng = np.random.default_rng(7)
    jacobians = rng.uniform(-1, 1, (4, K, 3))
    logits = rng.uniform(-2, 2, (4, K))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    exact = softmax_fisher(jacobians, probs)
    draws = np.array([monte_carlo_fisher(jacobians, probs, samples=50, seed=seed) for seed in range(40)])
    standard_error = draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    z_scores = np.abs(draws.mean(axis=0) - exact) / np.maximum(standard_error, 1e-12)
    c.observe(bool(z_scores.max() < 5), detail=f"experiment: monte_carlo_fisher averaged over 40 seeds × 50 samples "
              f"(N = 4, K = 3, d = 3) vs softmax_fisher: largest |z| = {z_scores.max():.2f} < 5",
              data={"max_z": float(z_scores.max())})


# The smallest classifier with a hidden layer: a two-layer linear network with one input x = 1, logit z = ab.
a_w, b_w, y_obs = sp.symbols("a b y", real=True)
logit_ab = a_w * b_w
sigma_ab = 1 / (1 + sp.exp(-logit_ab))
log_lik_ab = y_obs * sp.log(sigma_ab) + (1 - y_obs) * sp.log(1 - sigma_ab)
observed_ab = -sp.hessian(log_lik_ab, (a_w, b_w))
gradient_logit_ab = sp.Matrix([b_w, a_w])
fisher_ab = sigma_ab * (1 - sigma_ab) * gradient_logit_ab * gradient_logit_ab.T


@claim("problem5.observed-fisher-valid",
       title="The observed Fisher −∇² log p(y | θ) is a valid label-using approximation that converges to I(θ)",
       statement=r"-\nabla_\theta^2\log p(y\mid\theta) \succeq 0,\ \text{depends on } y,\ \to I(\theta) \text{ as the model fits}",
       source=(SECTION, "which is a valid approximation that uses the actual labels and converges to $I(\\theta)$ as the model fits"),
       reading="For the classifier of Problem 5, the batch observed information at the true labels is offered as "
               "a valid curvature for natural-gradient steps during training. 'Valid' is read as what the lesson "
               "asks of that curvature: positive semidefinite, like the Fisher it stands in for.",
       defence="In statistics the observed information is a standard, consistent estimate of the Fisher information "
               "at the true parameter (Efron and Hinkley even prefer it for inference); for canonical-link models "
               "such as multinomial logistic regression it equals the Fisher exactly; and its residual term "
               "vanishes as the fit becomes perfect. But it is the Hessian of the batch loss, the Newton matrix "
               "the lesson contrasts with the always-PSD Fisher: for a classifier with a hidden layer it is "
               "indefinite during training (logit z = ab at a = 1, b = 0, label 1: vᵀ(−∇² log p)v = −1 for "
               "v = (1, 2), while vᵀIv = 1). And where it is exact it does not use the labels at all.",
       expect="false", depends_on=("problem5.fisher-under-model-samples",), tags=("empirical-fisher", "observed-fisher", "erratum"))
def _(c):
    at_point = {a_w: 1, b_w: 0, y_obs: 1}
    direction = sp.Matrix([1, 2])
    curvature = (direction.T * observed_ab * direction)[0]
    c.prove(observed_ab.subs(at_point), sp.Matrix([[0, -sp.Rational(1, 2)], [-sp.Rational(1, 2), sp.Rational(1, 4)]]),
            scope="the observed Fisher at a = 1, b = 0, label 1", rewriters=[("simplify", sp.simplify)])
    c.prove((direction.T * fisher_ab * direction)[0].subs(at_point), 1,
            scope="the Fisher at the same point: vᵀIv = 1 (the model predicts ½ there)")
    c.counterexample(at_point, sp.Max(curvature, 0), curvature,
                     detail="classifier with logit z = ab (a two-layer linear network, input 1) at a = 1, b = 0, "
                            "label y = 1: the observed Fisher is [[0, −½], [−½, ¼]] and vᵀ(−∇² log p)v = −1 < 0 for "
                            "v = (1, 2): not positive semidefinite, so not a valid natural-gradient curvature")


@claim("problem5.observed-fisher-softmax-is-exact",
       title="Corrected: the observed Fisher is the Fisher minus a residual-weighted Hessian of the logits; for "
             "logits linear in θ it is exactly the Fisher and ignores the label",
       statement=r"-\nabla_\theta^2\log p(y\mid\theta) = \sigma(1-\sigma)\nabla z\nabla z^T - (y-\sigma)\nabla^2 z;\quad -\nabla_z^2\log\mathrm{softmax}(z)_y = \mathrm{diag}\,\boldsymbol\pi-\boldsymbol\pi\boldsymbol\pi^T\ \forall y",
       source=(SECTION, "use the *observed Fisher* $-\\nabla_\\theta^2 \\log p(y \\mid \\theta)$ for the current batch"),
       reading="What holds: the observed Fisher of a classifier is its Fisher (Gauss–Newton) term minus the "
               "residual y − σ times the logits' Hessian; it tends to the Fisher as the residuals vanish, is "
               "PSD when the logits are linear in θ, and then does not depend on the label.",
       corrects="problem5.observed-fisher-valid", tags=("empirical-fisher", "observed-fisher", "correction"))
def _(c):
    z = sp.symbols("z1:4", real=True)
    exps = [sp.exp(zk) for zk in z]
    probs = sp.Matrix([e / sum(exps) for e in exps])
    fisher_logits = sp.diag(*probs) - probs * probs.T
    for label in range(K):
        observed = -sp.hessian(sp.log(probs[label]), z)
        c.prove(observed, fisher_logits, scope=f"3-class softmax, label y = {label + 1}, all real logits: the same "
                "matrix for every label", rewriters=[("together + cancel", lambda e: sp.cancel(sp.together(e)))])
    c.prove(observed_ab, fisher_ab - (y_obs - sigma_ab) * sp.hessian(logit_ab, (a_w, b_w)),
            scope="Bernoulli classifier with logit z = ab, all real a, b and labels y: the label enters only through "
                  "the residual term, which vanishes as σ → y", rewriters=[("simplify", sp.simplify)])


uncheckable(SECTION, "it works because the bias is often benign, but it's technically incorrect",
            "'often benign' is an empirical generalisation about practice with no stated setting to test; the bias "
            "itself is given exactly by problem5.empirical-fisher-bias")
uncheckable(SECTION, "Explain why this is problematic for a classifier, and what would be the correct thing to do.",
            "the question's instruction; its answers are checked by the claims of Problem 5")


@claim("problem5.fisher-expects-model-distribution",
       title="The Fisher is the expectation of s sᵀ under the model's own distribution (Bernoulli: σ(1 − σ))",
       statement=r"I(\theta) = \mathbb{E}_{y\sim p(y\mid\theta)}[s s^T] = \sigma(1-\sigma),\quad \mathbb{E}_{y\sim q}[s^2] = \sigma(1-\sigma) + (q-\sigma)(1-2\sigma)",
       source=(SECTION, r"The true Fisher $I(\theta)$ expects $s$ to be computed under the model's distribution"),
       reading="The Fisher is the expectation of ssᵀ with y drawn from the model; labels with another frequency q "
               "give a different matrix unless q = σ (or σ = ½).",
       tags=("empirical-fisher", "fisher"))
def _(c):
    t, q = sp.symbols("theta q", real=True)
    sigma = 1 / (1 + sp.exp(-t))
    square_score = {1: (1 - sigma) ** 2, 0: sigma ** 2}          # s = y − σ for the logit Bernoulli
    c.prove(sigma * square_score[1] + (1 - sigma) * square_score[0], sigma * (1 - sigma), scope="all real θ, y ~ Bernoulli(σ(θ))")
    c.prove(q * square_score[1] + (1 - q) * square_score[0], sigma * (1 - sigma) + (q - sigma) * (1 - 2 * sigma),
            scope="labels with frequency q instead: the Fisher plus a term that vanishes at q = σ (or σ = ½)")

    def kernel_vs_two_point_sum(theta):
        p, one_minus_p = 1 / (1 + np.exp(-theta)), 1 / (1 + np.exp(theta))     # both without cancellation
        return close(bernoulli_fisher(np.array([theta]))[0], p * one_minus_p ** 2 + one_minus_p * p ** 2, cond=4)
    c.fuzz(kernel_vs_two_point_sum, reals(-10, 10), scope="bernoulli_fisher kernel vs E_y[(y − σ)²] summed over y ∈ {0, 1}, θ ∈ [−10, 10]")


@claim("problem5.sample-from-predictive",
       title="Sampling ỹ ~ Categorical(π(x)) and averaging s(ỹ)s(ỹ)ᵀ recovers the Fisher",
       statement=r"\tfrac1S\sum_{s}J^T(e_{\tilde y_s}-\pi)(e_{\tilde y_s}-\pi)^TJ \to J^T(\mathrm{diag}\,\pi-\pi\pi^T)J",
       source=(SECTION, r"Sample from the model's predictive distribution (e.g., $\tilde{y} \sim \text{Categorical}(\boldsymbol{\pi}(\mathbf{x}))$) and compute the Fisher from those samples."),
       reading="Sampling ỹ ~ Categorical(π(x)) and averaging s(ỹ)s(ỹ)ᵀ is a Monte Carlo estimate of the Fisher, "
               "within its sampling error of the exact value.",
       depends_on=("problem5.model-samples-unbiased",), tags=("empirical-fisher", "monte-carlo"))
def _(c):
    rng = np.random.default_rng(23)
    jacobians = rng.uniform(-1, 1, (3, 4, 2))
    probs = rng.dirichlet(np.ones(4), size=3)
    exact = softmax_fisher(jacobians, probs)
    estimate = monte_carlo_fisher(jacobians, probs, samples=5000, seed=5)
    # each entry is a mean of 15000 bounded terms; 5 standard errors of the worst entry bound the sampling error
    terms = np.array([np.einsum("ni,nj->nij", _scores(jacobians, probs, np.full(3, k)),
                                _scores(jacobians, probs, np.full(3, k))) for k in range(4)])
    spread = np.sqrt(np.einsum("nk,knij->ij", probs, terms ** 2) / 3 - exact ** 2).max()
    error = np.abs(estimate - exact).max()
    c.observe(bool(error < 5 * spread / np.sqrt(3 * 5000)),
              detail=f"experiment: monte_carlo_fisher with 5,000 samples per input (N = 3, K = 4, d = 2): largest "
                     f"error {error:.2e} within 5 standard errors ({5 * spread / np.sqrt(15000):.2e})",
              data={"max_error": float(error)})


uncheckable(SECTION, "Problem 5: A common trick in natural gradient implementations is to use the empirical Fisher "
                     "from the training batch",
            "sets up the problem (a description of practice and a definition of the empirical Fisher); the claims of "
            "Problem 5 check what it implies")

"""Practical Approximations: the empirical Fisher, the Fisher from model samples, and the Bartlett identity.

Scores of a softmax output are J_nᵀ(e_y − π_n); the empirical Fisher puts the
training labels y_n in them, the Fisher takes y ~ π_n.  Hessians for the
numeric checks are taken by complex-step differentiation of the analytic
gradient (exact to rounding, independent of the Fisher formulas).
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close
from ngproof.kernels import (
    MLP,
    bernoulli_output_fisher,
    empirical_fisher,
    gaussian_output_fisher,
    monte_carlo_fisher,
    scores_outer_mean,
    softmax_fisher,
)
from ngproof.strategies import probability_vectors, reals, vectors
from ngproof.symbolic.models import COMBINED_NUMERATOR, d_logit, exponential_substitution, gaussian_expectation, general, softmax

SECTION = "Empirical Fisher"
PITFALL = (r"The empirical Fisher $\hat{I}$ based on the training data is NOT the same as the true Fisher $I$.")
theta = sp.Symbol("theta", real=True)
u = sp.Symbol("u", positive=True)
TO_U = exponential_substitution(theta, u)
sigma = 1 / (1 + sp.exp(-theta))
p = sp.symbols("p1:3", positive=True)
PI = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])


def label_fisher(pi: sp.Matrix) -> sp.Matrix:
    return sp.diag(*pi) - pi * pi.T


def softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.real.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def linear_softmax_jacobians(X: np.ndarray, k: int) -> np.ndarray:
    """∂z_n/∂θ for logits z_n = W x_n, θ = W flattened row-major: J_n = I_K ⊗ x_nᵀ, shape (N, K, K·D)."""
    return np.stack([np.kron(np.eye(k), x[None, :]) for x in X])


def complex_step_jacobian(f, x: np.ndarray, h: float = 1e-30) -> np.ndarray:
    """∂f/∂x by the complex step Im f(x + i h e_j)/h: no subtraction, exact to rounding for analytic f."""
    return np.stack([f(x + 1j * h * np.eye(x.size)[j]).imag / h for j in range(x.size)], axis=1)


def label_scores(jacobians, probs, labels) -> np.ndarray:
    residual = np.eye(probs.shape[1])[labels] - probs
    return np.einsum("nk,nkd->nd", residual, jacobians)


def jacobian_batches(n=3, k=3, d=4):
    return st.lists(st.lists(vectors(d, -2, 2), min_size=k, max_size=k), min_size=n, max_size=n).map(np.array)


def probability_batches(n=3, k=3):
    return st.lists(probability_vectors(k, spread=3.0), min_size=n, max_size=n).map(np.array)


def label_batches(n=3, k=3):
    return st.lists(st.integers(0, k - 1), min_size=n, max_size=n).map(np.array)


@claim("empirical-fisher.formula",
       title="The empirical Fisher is the mean outer product of per-example scores (and is PSD)",
       statement=r"\hat{I}(\theta) = \frac{1}{B}\sum_{i=1}^B s(\theta, x_i) s(\theta, x_i)^T \succeq 0",
       source=(SECTION, r"$$\hat{I}(\theta) = \frac{1}{B}\sum_{i=1}^B s(\theta, x_i) s(\theta, x_i)^T$$"),
       reading="Î is the batch mean of the per-example score outer products s sᵀ; it is PSD by construction. Checked "
               "symbolically and the kernels against a numpy loop and against analytic softmax-regression gradients.",
       tags=("empirical-fisher",))
def _(c):
    scores = general(2, 2, "s")
    v = general(2, 1, "v")
    quadratic = (v.T * (scores[:, 0] * scores[:, 0].T + scores[:, 1] * scores[:, 1].T) / 2 * v)[0]
    square_sum = ((v.T * scores[:, 0])[0] ** 2 + (v.T * scores[:, 1])[0] ** 2) / 2
    c.prove(quadratic, square_sum, scope="B = 2, d = 2, symbolic scores: vᵀÎv = mean of (sᵀv)²")
    c.prove_nonnegative(square_sum, scope="B = 2, d = 2, symbolic scores and v")

    def kernels_vs_numpy(jacobians, probs, labels):
        scores_np = label_scores(jacobians, probs, labels)
        expected = sum(np.outer(s, s) for s in scores_np) / len(scores_np)
        return [close(scores_outer_mean(scores_np), expected, what="scores_outer_mean"),
                close(empirical_fisher(jacobians, probs, labels), expected, what="empirical_fisher")]
    c.fuzz(kernels_vs_numpy, jacobian_batches(), probability_batches(), label_batches(),
           scope="scores_outer_mean and empirical_fisher vs a numpy loop over J_nᵀ(e_y − π_n), N = 3, K = 3, d = 4")

    model = MLP([3, 3], activation="linear")

    def softmax_regression(X, labels, seed):
        params = model.init_params(seed)
        W, b = model.unflatten(params)[0]
        residual = softmax_rows(X @ W.T + b) - np.eye(3)[labels]
        per_example = np.hstack([np.einsum("nk,nd->nkd", residual, X).reshape(len(X), -1), residual])
        return close(model.empirical_fisher(params, X, labels), per_example.T @ per_example / len(X))
    c.fuzz(softmax_regression, st.lists(vectors(3, -2, 2), min_size=4, max_size=4).map(np.array), label_batches(4),
           st.integers(0, 10**6), max_examples=15,
           scope="MLP.empirical_fisher of softmax regression vs analytic gradients (π − e_y)xᵀ, N = 4; 15 cases")


@claim("empirical-fisher.not-true-fisher",
       title="The empirical Fisher is not the Fisher: Î − I = Λ(q) − Λ(π) + (q − π)(q − π)ᵀ, zero when the model fits (q = π)",
       statement=r"\mathbb{E}_{y\sim q}[(e_y-\pi)(e_y-\pi)^T] = \Lambda(q) + (q-\pi)(q-\pi)^T,\ \Lambda(\pi) = \mathrm{diag}\,\pi - \pi\pi^T;"
                 r"\quad \text{Bernoulli: } \hat I - I = (\sigma - q)(2\sigma - 1)",
       source=(SECTION, PITFALL), depends_on=("categorical.fisher", "empirical-fisher.formula"),
       reading="Î computed with the training labels is a different matrix from the Fisher, whose expectation is over "
               "the model's labels: the check gives the gap exactly, zero only when the label distribution equals "
               "the model's.",
       tags=("empirical-fisher",))
def _(c):
    q = sp.symbols("q1:3", positive=True)
    Q = sp.Matrix([q[0], q[1], 1 - q[0] - q[1]])
    data_second_moment = sum((Q[y] * (sp.eye(3)[:, y] - PI) * (sp.eye(3)[:, y] - PI).T for y in range(3)), sp.zeros(3, 3))
    c.prove(data_second_moment, label_fisher(Q) + (Q - PI) * (Q - PI).T,
            scope="K = 3, labels y ~ q (data), model π: all q, π in the simplex")
    s, qb = sp.symbols("sigma q", positive=True)
    bernoulli_gap = qb * (1 - s) ** 2 + (1 - qb) * s**2 - s * (1 - s)
    c.prove(bernoulli_gap, (s - qb) * (2 * s - 1), scope="Bernoulli, σ = model probability, q = data frequency of y = 1")
    c.prove(bernoulli_gap.subs({s: sp.Rational(4, 5), qb: 0}), sp.Rational(12, 25),
            scope="σ = 4/5, all labels y = 0: Î = 16/25 but I = 4/25, a gap of 12/25 ≠ 0")

    def kernels_vs_gap(jacobians, probs, labels):
        gap = empirical_fisher(jacobians, probs, labels) - softmax_fisher(jacobians, probs)
        residual = np.eye(3)[labels] - probs
        expected = sum(J.T @ (np.outer(r, r) - np.diag(pi) + np.outer(pi, pi)) @ J
                       for J, r, pi in zip(jacobians, residual, probs)) / len(probs)
        scale = np.linalg.norm(empirical_fisher(jacobians, probs, labels)) + np.linalg.norm(softmax_fisher(jacobians, probs))
        return close(gap, expected, cond=max(1.0, scale / max(np.linalg.norm(expected), 1e-300)))
    c.fuzz(kernels_vs_gap, jacobian_batches(), probability_batches(), label_batches(),
           scope="empirical_fisher − softmax_fisher vs Σ J_nᵀ[(e_y − π)(e_y − π)ᵀ − Λ(π)]J_n/N, N = 3, K = 3, d = 4")


@claim("empirical-fisher.misleading",
       title="Empirical-Fisher curvature can mislead: for one example Î/I = (1 − σ)/σ and Î⁻¹g = 1/g blows up near the fit",
       statement=r"y = 1:\ \hat I = (1-\sigma)^2,\ I = \sigma(1-\sigma),\ \hat I^{-1}\nabla\mathcal{L} = -\frac{1}{1-\sigma},"
                 r"\ I^{-1}\nabla\mathcal{L} = -\frac{1}{\sigma}",
       source=(SECTION, "can give misleading curvature estimates"),
       reading="'Misleading curvature' read as: Î can differ from I by an unbounded factor, so preconditioning with "
               "it gives steps of the wrong size; shown on one Bernoulli example, where Î/I = (1 − σ)/σ and the "
               "Î-step blows up near the fit.",
       depends_on=("empirical-fisher.not-true-fisher", "bernoulli.fisher"), tags=("empirical-fisher",))
def _(c):
    gradient = sigma - 1
    empirical = gradient**2
    fisher = sigma * (1 - sigma)
    c.prove([empirical / fisher, gradient / empirical, gradient / fisher],
            [(1 - sigma) / sigma, -1 / (1 - sigma), -1 / sigma], rewriters=[TO_U], scope="logit Bernoulli, y = 1, all real θ")

    def kernels(t):
        s = 1 / (1 + np.exp(-t))
        empirical_np = scores_outer_mean(np.array([[1 - s]]))
        fisher_np = bernoulli_output_fisher(np.array([[1.0]]), np.array([s]))
        return [close(empirical_np[0, 0], (1 - s) ** 2, what="Î"), close(fisher_np[0, 0], s * (1 - s), what="I")]
    c.fuzz(kernels, reals(-8, 8), scope="scores_outer_mean and bernoulli_output_fisher at one example, θ ∈ [−8, 8]")
    t = 5.0
    s = 1 / (1 + np.exp(-t))
    empirical_step = (s - 1) / scores_outer_mean(np.array([[1 - s]]))[0, 0]
    natural_step = (s - 1) / bernoulli_output_fisher(np.array([[1.0]]), np.array([s]))[0, 0]
    c.observe(abs(empirical_step) > 100 * abs(natural_step),
              detail=f"θ = 5, y = 1 (σ = {s:.5f}): the empirical-Fisher step is {empirical_step:.1f}, "
                     f"the natural gradient {natural_step:.4f}",
              data={"empirical_step": empirical_step, "natural_step": natural_step})


@claim("empirical-fisher.model-samples",
       title="Labels sampled from the model give an unbiased Fisher: E_{ỹ~π}[s sᵀ] = Jᵀ(diag π − ππᵀ)J",
       statement=r"\mathbb{E}_{\tilde y\sim\pi}\big[J^T(e_{\tilde y}-\pi)(e_{\tilde y}-\pi)^TJ\big] = J^T(\mathrm{diag}\,\pi-\pi\pi^T)J",
       source=(SECTION, "compute the Fisher using samples from the model's own predictive distribution"),
       reading="Labels drawn from the model's own predictive distribution give the Fisher in expectation: E over ỹ ~ "
               "π of the score outer product is Jᵀ(diag π − ππᵀ)J; the Monte Carlo kernel is checked to be such an "
               "average and to converge at the standard-error rate.",
       depends_on=("categorical.fisher",), tags=("empirical-fisher", "monte-carlo"))
def _(c):
    J = general(3, 2, "j")
    sampled = sum((PI[y] * J.T * (sp.eye(3)[:, y] - PI) * (sp.eye(3)[:, y] - PI).T * J for y in range(3)), sp.zeros(2, 2))
    c.prove(sampled, J.T * label_fisher(PI) * J, scope="K = 3, d = 2, symbolic J, π in the simplex")
    x = general(2, 1, "x")
    c.prove(sigma * (1 - sigma) ** 2 * x * x.T + (1 - sigma) * sigma**2 * x * x.T, sigma * (1 - sigma) * x * x.T,
            scope="Bernoulli logit θ = wᵀx, y ~ σ: E[(y − σ)² x xᵀ] = σ(1 − σ) x xᵀ, symbolic x")

    def kernel_vs_numpy(jacobians, probs):
        expected = sum(Jn.T @ (np.diag(pi) - np.outer(pi, pi)) @ Jn for Jn, pi in zip(jacobians, probs)) / len(probs)
        # Entries are sums of products of J: rounding is relative to Σ‖J_n‖², not to the (possibly small) result.
        scale = sum(np.linalg.norm(Jn) ** 2 for Jn in jacobians) / len(probs)
        return close(softmax_fisher(jacobians, probs), expected, cond=max(1.0, scale / max(np.linalg.norm(expected), 1e-300)))
    c.fuzz(kernel_vs_numpy, jacobian_batches(), probability_batches(),
           scope="softmax_fisher vs Σ J_nᵀ(diag π_n − π_nπ_nᵀ)J_n / N, N = 3, K = 3, d = 4")

    def label_frequencies(probs, seed):
        # With J_n selecting its own K coordinates, block n of N·F_MC is Σ_y w_y r_y r_yᵀ (r_y = e_y − π) for the
        # sampled label frequencies w: recover w by least squares on the K rank-one matrices, then check the fit
        # and that S·w are whole counts.
        n, k, samples = probs.shape[0], probs.shape[1], 50
        jacobians = np.zeros((n, k, n * k))
        for i in range(n):
            jacobians[i, :, i * k:(i + 1) * k] = np.eye(k)
        estimate = monte_carlo_fisher(jacobians, probs, samples=samples, seed=seed)
        out = []
        for i, pi in enumerate(probs):
            block = n * estimate[i * k:(i + 1) * k, i * k:(i + 1) * k]
            residuals = np.eye(k) - pi
            basis = np.stack([np.outer(r, r).ravel() for r in residuals], axis=1)
            w = np.linalg.lstsq(basis, block.ravel(), rcond=None)[0]
            fit = (basis @ w).reshape(k, k)
            terms = np.linalg.norm(np.abs(basis) @ np.abs(w))  # size of the summands against the (cancelled) sum
            cond = np.linalg.cond(basis) * max(1.0, terms / max(np.linalg.norm(block), 1e-300))
            out += [close(block, fit, cond=cond, what="an average of score outer products at sampled labels"),
                    close(w * samples, np.round(w * samples), cond=samples * cond, what="counts are integers")]
        return out
    c.fuzz(label_frequencies, probability_batches(2, 3), st.integers(0, 2**31), max_examples=20,
           scope="monte_carlo_fisher (S = 50) is exactly an average of (e_ỹ − π)(e_ỹ − π)ᵀ over sampled labels: "
                 "frequencies recovered by least squares, N = 2, K = 3; 20 cases")

    # Monte Carlo: the mean squared error of the estimate is Σ_n (E‖X_n‖² − ‖F_n‖²)/(N² S), X_n = v vᵀ.
    rng = c.rng
    jacobians = rng.standard_normal((3, 3, 4))
    probs = softmax_rows(rng.standard_normal((3, 3)))
    exact = softmax_fisher(jacobians, probs)
    samples = 4000
    per_input = []
    for Jn, pi in zip(jacobians, probs):
        v = (np.eye(3) - pi) @ Jn
        second = sum(pi[y] * np.linalg.norm(np.outer(v[y], v[y])) ** 2 for y in range(3))
        per_input.append(second - np.linalg.norm(Jn.T @ (np.diag(pi) - np.outer(pi, pi)) @ Jn) ** 2)
    spread = np.sqrt(sum(per_input) / (len(probs) ** 2 * samples))
    errors = [np.linalg.norm(monte_carlo_fisher(jacobians, probs, samples=samples, seed=seed) - exact) / spread
              for seed in range(3)]
    c.observe(max(errors) < 5, scope="three seeds, N = 3, K = 3, d = 4, S = 4000 samples per input",
              detail=f"experiment: ‖F_MC − F‖ is {', '.join(f'{e:.2f}' for e in errors)} standard errors "
                     f"(√(E‖F_MC − F‖²) = {spread:.2e}, ‖F‖ = {np.linalg.norm(exact):.2f}); bound 5 (Markov: "
                     f"P > 5 ≤ 1/25)", data={"errors_in_standard_errors": errors})


@claim("empirical-fisher.bartlett",
       title="Bartlett identity: E[−∇² log p] = E[s sᵀ] (Bernoulli, Gaussian, categorical)",
       statement=r"\mathbb{E}_{p_\theta}[-\nabla^2_\theta \log p_\theta] = \mathbb{E}_{p_\theta}[s s^T]",
       source=("Quiz", r"Natural gradient: $I = -\mathbb{E}[\nabla_\theta^2 \log p]$."),
       reading="The Fisher equals the expected negative Hessian of the log-likelihood under the model (the Bartlett "
               "identity), checked for the Bernoulli, Gaussian and categorical models.",
       depends_on=("categorical.fisher", "gaussian.fisher"), tags=("fisher", "bartlett"))
def _(c):
    log_p = {1: sp.log(sigma), 0: sp.log(1 - sigma)}
    weights = {1: sigma, 0: 1 - sigma}
    c.prove(sum(-weights[y] * sp.diff(log_p[y], theta, 2) for y in (0, 1)),
            sum(weights[y] * sp.diff(log_p[y], theta) ** 2 for y in (0, 1)), rewriters=[TO_U],
            scope="Bernoulli with logit θ, all real θ")

    z, mu = sp.symbols("z mu", real=True)
    s = sp.Symbol("sigma", positive=True)
    log_normal = -sp.log(s) - (z - mu) ** 2 / (2 * s**2)
    params = (mu, s)
    hessian = sp.Matrix(2, 2, lambda i, j: -sp.diff(log_normal, params[i], params[j]))
    score = sp.Matrix([sp.diff(log_normal, x) for x in params])
    expect = lambda m: m.applyfunc(lambda e: sp.cancel(gaussian_expectation(sp.expand(e), z, mu, s)))  # noqa: E731
    c.prove(expect(hessian), expect(score * score.T), scope="Gaussian N(μ, σ²) in (μ, σ), all μ, σ > 0")

    uu, pi = softmax(3)
    total = sp.zeros(3, 3)
    outer = sp.zeros(3, 3)
    for y in range(3):
        log_pi = sp.log(pi[y])
        grad = sp.Matrix([d_logit(log_pi, ui) for ui in uu])
        total += pi[y] * sp.Matrix(3, 3, lambda i, j: -d_logit(grad[i], uu[j]))
        outer += pi[y] * grad * grad.T
    c.prove(total, outer, rewriters=[COMBINED_NUMERATOR], scope="categorical softmax logits, K = 3, all real z")


@claim("empirical-fisher.hessian-is-fisher-in-natural-parameters",
       title="In natural parameters the NLL Hessian equals the Fisher at every point, whatever the label",
       statement=r"-\nabla^2_\eta \log p(y\mid\eta) = \nabla^2 A(\eta) = I(\eta)\ \ \forall y\ "
                 r"(\text{logit, softmax logits, Gaussian mean});\ \text{in }(\mu,\sigma):\ "
                 r"-\partial_\sigma^2\log p = \tfrac{3(z-\mu)^2}{\sigma^4} - \tfrac{1}{\sigma^2}",
       source=("Quiz", r"Natural gradient: $I = -\mathbb{E}[\nabla_\theta^2 \log p]$."),
       reading="A complement to the quiz's I = −E[∇² log p]: in natural parameters (logit, softmax logits, Gaussian "
               "mean) the NLL Hessian does not depend on the label, so it equals the Fisher at every point with no "
               "expectation needed; in (μ, σ) it depends on the observation and the expectation matters.",
       depends_on=("empirical-fisher.bartlett",), tags=("fisher", "bartlett", "hessian"))
def _(c):
    y = sp.Symbol("y", real=True)
    nll = -y * sp.log(sigma) - (1 - y) * sp.log(1 - sigma)
    c.prove(sp.diff(nll, theta, 2), sigma * (1 - sigma), rewriters=[TO_U], scope="Bernoulli logit, every θ and label y")
    uu, pi = softmax(3)
    for label in range(3):
        grad = sp.Matrix([d_logit(-sp.log(pi[label]), ui) for ui in uu])
        c.prove(sp.Matrix(3, 3, lambda i, j: d_logit(grad[i], uu[j])), label_fisher(sp.Matrix(pi)),
                rewriters=[COMBINED_NUMERATOR], scope=f"softmax logits K = 3, label y = {label + 1}, all real z")
    z, mu = sp.symbols("z mu", real=True)
    s = sp.Symbol("sigma", positive=True)
    nll_normal = sp.log(s) + (z - mu) ** 2 / (2 * s**2)
    c.prove(sp.diff(nll_normal, mu, 2), 1 / s**2, scope="Gaussian mean with known σ, every observation z")
    c.prove(sp.diff(nll_normal, s, 2), 3 * (z - mu) ** 2 / s**4 - 1 / s**2,
            scope="Gaussian in (μ, σ): depends on z (at z = μ it is −1/σ², while I_σσ = 2/σ²): not natural parameters")

    def linear_softmax(X, labels, seed):
        k, dim = 3, X.shape[1]
        W = np.random.default_rng(seed).standard_normal(k * dim)

        def gradient(w):
            probs = softmax_rows(X @ w.reshape(k, dim).T)
            return np.einsum("nk,nd->kd", probs - np.eye(k)[labels], X).ravel() / len(X)
        hessian = complex_step_jacobian(gradient, W)
        probs = softmax_rows(X @ W.reshape(k, dim).T)
        return close(softmax_fisher(linear_softmax_jacobians(X, k), probs), hessian, what="softmax regression")
    c.fuzz(linear_softmax, st.lists(vectors(2, -2, 2), min_size=3, max_size=3).map(np.array), label_batches(),
           st.integers(0, 10**6), scope="softmax_fisher vs the complex-step Hessian of the mean CE at arbitrary labels, "
                                         "softmax regression N = 3, K = 3, D = 2")

    def logistic_and_gaussian(X, labels, w, variance):
        def gradient(v):
            return X.T @ (1 / (1 + np.exp(-(X @ v))) - labels) / len(X)
        probs = 1 / (1 + np.exp(-(X @ w)))
        J = X[:, None, :]
        targets = labels[:, None].astype(float)

        def gaussian_gradient(v):
            return np.einsum("nkd,nk->d", J, np.einsum("nkd,d->nk", J, v) - targets) / (len(X) * variance)
        # Passing p instead of the logit costs a relative error eps/min(p, 1 − p) in p(1 − p).
        cond = 1 / min(probs.min(), (1 - probs).min())
        return [close(bernoulli_output_fisher(X, probs), complex_step_jacobian(gradient, w), cond=cond, what="logistic"),
                close(gaussian_output_fisher(J, variance=variance), complex_step_jacobian(gaussian_gradient, w),
                      what="Gaussian, linear mean")]
    c.fuzz(logistic_and_gaussian, st.lists(vectors(3, -2, 2), min_size=4, max_size=4).map(np.array),
           st.lists(st.integers(0, 1), min_size=4, max_size=4).map(np.array), vectors(3, -2, 2), reals(0.1, 10),
           scope="bernoulli_output_fisher and gaussian_output_fisher vs complex-step Hessians of the NLL at arbitrary "
                 "labels, N = 4, d = 3")

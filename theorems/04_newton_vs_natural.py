"""Natural Gradient vs Newton's Method: every row of the comparison table, and where the two matrices coincide.

Newton preconditions with the Hessian of the loss, H = ∇²L; the natural gradient with the
Fisher of the model, I(θ).  The Bernoulli examples use the probability p and the log-odds
φ = log(p/(1−p)) with J = dφ/dp = 1/(p(1−p)), where every quantity is rational in p.
"""
import numpy as np
import sympy as sp

from ngproof import claim, close, uncheckable
from ngproof.kernels import scores_outer_mean
from ngproof.strategies import vectors
from ngproof.symbolic import reduce_to_zero
from ngproof.symbolic.families import bernoulli_expectation, fisher
from ngproof.symbolic.models import exponential_substitution, gaussian_expectation

SECTION = "Natural Gradient vs Newton's Method"
ROW_PRECONDITIONER = r"$H = \nabla_\theta^2 \mathcal{L}(\theta)$ (Hessian of loss)"
p = sp.Symbol("p", positive=True)
y = sp.Symbol("y", real=True)
x = sp.Symbol("x", real=True)
eta = sp.Symbol("eta", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
logit = sp.log(p / (1 - p))
jacobian_1d = sp.diff(logit, p)
sigmoid_of = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
nll_p = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
fisher_p = 1 / (p * (1 - p))

n = sp.Symbol("n", integer=True, positive=True)
A_ = sp.MatrixSymbol("A", n, n)
H_ = sp.MatrixSymbol("H", n, n)
g_ = sp.MatrixSymbol("g", n, 1)


def newton_direction_p(loss):
    """−(∂²L/∂p²)⁻¹ ∂L/∂p."""
    return -sp.diff(loss, p) / sp.diff(loss, p, 2)


def newton_direction_logit(loss):
    """−(∂²L/∂φ²)⁻¹ ∂L/∂φ for the same loss written in the log-odds, returned as a function of p."""
    phi = sp.Symbol("phi", real=True)
    in_phi = loss.subs(p, sigmoid_of(phi))
    step = -sp.diff(in_phi, phi) / sp.diff(in_phi, phi, 2)
    return step.subs(phi, logit)


@claim("newton.preconditioners",
       title="Newton preconditions with the loss Hessian, the natural gradient with the model's Fisher: different matrices",
       statement=r"H = \nabla^2_\theta\mathcal{L} \ne I(\theta) \text{ in general; e.g. } "
                 r"\mathcal{L} = \tfrac12\|\mu - y\|^2,\ p = \mathcal{N}(\mu, \Sigma):\ H = \mathbb{1},\ I = \Sigma^{-1}",
       source=(SECTION, ROW_PRECONDITIONER), tags=("newton", "fisher"),
       reading="The row names two different matrices: the Hessian of the loss and the Fisher of the model, which "
               "differ in general. Proved on Worked Example 2's data, where H = 𝟙, I = Σ⁻¹, and the two steps differ.")
def _(c):
    m = sp.Matrix(sp.symbols("m1:3", real=True))
    target = sp.Matrix([1, 2])
    covariance = sp.Matrix([[2, 1], [1, 2]])
    loss = (m - target).dot(m - target) / 2
    hessian = sp.hessian(loss, list(m))
    # the Fisher of N(μ, Σ) in μ: the score is Σ⁻¹(x − μ), and E[(x − μ)(x − μ)ᵀ] = Σ
    score_outer = covariance.inv() * covariance * covariance.inv()
    c.prove(hessian - score_outer, sp.Matrix([[1, 1], [1, 1]]) / 3,
            scope="Worked Example 2's data: H − I = (1/3)[[1, 1], [1, 1]] ≠ 0")
    gradient = (m - target).subs({m[0]: 0, m[1]: 0})
    c.prove([-hessian.inv() * gradient, -score_outer.inv() * gradient], [sp.Matrix([1, 2]), sp.Matrix([4, 5])],
            scope="from μ = 0: the Newton step (1, 2) lands on y; the natural step is (4, 5)")


@claim("newton.what-it-optimises",
       title="Newton minimises the second-order Taylor model; the natural step is first order in a KL ball",
       statement=r"q(d) = \nabla\mathcal{L}^T d + \tfrac12 d^T H d = q(d^*) + \tfrac12 (d - d^*)^T H (d - d^*),\ "
                 r"d^* = -H^{-1}\nabla\mathcal{L};\ \text{natural: } \min_{\frac12 d^T I d \le \epsilon} \nabla\mathcal{L}^T d",
       source=(SECTION, "Second-order Taylor of loss"),
       depends_on=("ng.trust-region-minimiser",), tags=("newton",),
       reading="The row: Newton's step is the stationary point of the second-order Taylor model of the loss (its "
               "minimiser when H is positive definite); the natural step minimises the first-order model over a KL "
               "ball (ng.trust-region-minimiser). Proved by completing the square for a symbolic symmetric 2×2 H.")
def _(c):
    h11, h12, h22 = sp.symbols("h11 h12 h22", real=True)
    hessian = sp.Matrix([[h11, h12], [h12, h22]])
    best = sp.Matrix(sp.symbols("b1:3", real=True))
    d = sp.Matrix(sp.symbols("d1:3", real=True))
    g = -hessian * best  # d* = −H⁻¹∇L, i.e. ∇L = −H d*, for invertible H
    model = lambda step: g.dot(step) + (step.T * hessian * step)[0, 0] / 2  # noqa: E731
    c.prove(model(d) - model(best), ((d - best).T * hessian * (d - best))[0, 0] / 2,
            scope="2×2 symbolic symmetric H, det H ≠ 0: d* is the minimiser exactly when H is positive definite")
    c.prove(g_ + H_ * (-H_.I * g_), sp.ZeroMatrix(n, 1), scope="all n, abstract H invertible: ∇q(d*) = 0")


@claim("newton.invariance-newton",
       title="Newton's method is not reparameterisation-invariant: its direction is not contravariant under a "
             "non-affine map (affine maps excepted)",
       statement=r"\text{log-odds } \phi = \log\tfrac{p}{1-p}:\ -\frac{\partial_\phi\mathcal{L}}{\partial^2_\phi\mathcal{L}} "
                 r"= \frac1p \ne J\Big(-\frac{\partial_p\mathcal{L}}{\partial^2_p\mathcal{L}}\Big) = \frac{1}{1-p}\ "
                 r"(p \ne \tfrac12);\quad \phi = A\theta + b:\ -H_\phi^{-1}\nabla_\phi\mathcal{L} = "
                 r"A(-H_\theta^{-1}\nabla_\theta\mathcal{L})",
       source=(SECTION, "Not reparam-invariant"),
       depends_on=("newton.landscape-depends",), tags=("newton", "reparameterization"),
       reading="'Not reparam-invariant', set against the natural gradient's 'Fully reparam-invariant', read as: not "
               "invariant under reparameterisations in general, i.e. its direction does not transform as a "
               "displacement under non-affine maps (the Hessian picks up the map's curvature, "
               "newton.landscape-depends). It does not deny the classic exception, affine maps, under which Newton's "
               "step is exactly invariant; the check proves both.")
def _(c):
    loss_p = nll_p.subs(y, 1)
    c.prove([newton_direction_logit(loss_p), jacobian_1d * newton_direction_p(loss_p)], [1 / p, 1 / (1 - p)],
            scope="Bernoulli y = 1, probability ↦ log-odds (non-affine), all p ∈ (0, 1): 1/p ≠ 1/(1−p) unless p = 1/2")
    c.prove(-(A_.T.I * H_ * A_.I).I * (A_.T.I * g_), A_ * (-H_.I * g_),
            scope="all n, abstract matrices, A and H invertible: under φ = Aθ + b Newton's step is invariant")
    # explicit 2×2: with ∇_φL = A^{-T}∇L and H_φ = A^{-T} H A^{-1}, x = A H⁻¹∇L solves H_φ x = ∇_φL; cleared of
    # det(A)² det(H) via A⁻¹ = adj A / det A and H⁻¹ = adj H / det H
    affine = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"a{i + 1}{j + 1}", real=True))
    hessian = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"h{min(i, j) + 1}{max(i, j) + 1}", real=True))
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    left = affine.adjugate().T * hessian * (affine.adjugate() * affine).applyfunc(sp.expand) * hessian.adjugate() * g
    c.prove(left, affine.det() * hessian.det() * affine.adjugate().T * g,
            scope="2×2 symbolic A and symmetric H, det A ≠ 0, det H ≠ 0")
    # the Hessian law H_φ = A^{-T} H A^{-1} itself: the chain rule's second-derivative term vanishes for affine maps
    scale = sp.Symbol("a", real=True, nonzero=True)
    shift, theta, phi = sp.symbols("b theta phi", real=True)
    loss = sp.Function("f")
    in_phi = loss((phi - shift) / scale)
    newton_phi = (-sp.diff(in_phi, phi) / sp.diff(in_phi, phi, 2)).subs(phi, scale * theta + shift)
    c.prove(newton_phi.doit(), scale * (-sp.diff(loss(theta), theta) / sp.diff(loss(theta), theta, 2)),
            scope="any twice-differentiable loss of one parameter, φ = aθ + b, a ≠ 0")


@claim("newton.invariance-natural",
       title="The natural gradient is fully reparameterisation-invariant: its direction is contravariant under every "
             "smooth map, where Newton's is not",
       statement=r"\text{log-odds } \phi = \log\tfrac{p}{1-p}:\ -\tilde\nabla_\phi\mathcal{L} = "
                 r"J\,(-\tilde\nabla_p\mathcal{L}) = \frac1p\ \text{for every } p",
       source=(SECTION, "Fully reparam-invariant"),
       depends_on=("reparam.invariant-to-first-order", "newton.invariance-newton"),
       tags=("newton", "natural-gradient", "reparameterization"),
       reading="As the invariance the lesson derives (reparam.invariant-to-first-order): under every smooth reparameterisation, "
               "not only affine ones, the natural-gradient direction transforms as a displacement, so the update is "
               "the same change of distribution to first order and the flow is the same curve. Proved on the map "
               "where Newton's direction fails (newton.invariance-newton): probability ↦ log-odds, y = 1.",
       wording="'Fully' holds for the direction and the flow. A finite step of size η is invariant only to first "
               "order in η under a non-affine map (reparam.first-order-invariance), and exactly only under affine "
               "maps, where Newton's step is invariant too (newton.invariance-newton).")
def _(c):
    phi = sp.Symbol("phi", real=True)
    natural_p = sp.cancel(sp.diff(nll_p, p) / fisher_p).subs(y, 1)
    natural_phi = ((p - y) / (p * (1 - p))).subs(y, 1)  # bernoulli.natural-gradient at σ(φ) = p
    logit_fisher = sp.diff(sigmoid_of(phi), phi).subs(phi, logit)
    loss_phi = nll_p.subs(y, 1).subs(p, sigmoid_of(phi))
    c.prove(sp.diff(loss_phi, phi).subs(phi, logit) / logit_fisher, natural_phi, rewriters=[
        ("e^φ = p/(1−p)", lambda e: sp.cancel(e.subs(sp.exp(-logit), (1 - p) / p).subs(sp.exp(logit), p / (1 - p))))],
            scope="Bernoulli y = 1: the natural gradient in the log-odds, ∂_φL / σ'(φ), is (p − 1)/(p(1 − p))")
    c.prove([-natural_phi, -jacobian_1d * natural_p], [1 / p, 1 / p],
            scope="all p ∈ (0, 1): the natural descent direction in the log-odds is J times the one in the "
                  "probability (Newton's: 1/p against 1/(1−p))")


@claim("newton.hessian-indefinite",
       title="The Hessian of a negative log-likelihood can be indefinite",
       statement=r"\nabla^2_{(\mu,\sigma)}\big[\log\sigma + \tfrac{(x-\mu)^2}{2\sigma^2}\big]_{x=\mu} = "
                 r"\mathrm{diag}(1/\sigma^2, -1/\sigma^2)",
       source=(SECTION, "No — Hessian can be indefinite"), tags=("newton", "psd"),
       reading="The Hessian of the loss carries no PSD guarantee: it can have eigenvalues of both signs. Proved for the "
               "Gaussian negative log-likelihood in (μ, σ), even at an observation x = μ, where the Fisher is positive "
               "definite.")
def _(c):
    loss = sp.log(sigma) + (x - mu) ** 2 / (2 * sigma ** 2)
    hessian = sp.hessian(loss, [mu, sigma]).subs(x, mu)
    c.prove(hessian, sp.diag(1 / sigma ** 2, -1 / sigma ** 2),
            scope="Gaussian NLL in (μ, σ) at an observation x = μ, all σ > 0: eigenvalues ±1/σ², indefinite")
    fisher_information = fisher(-loss, [mu, sigma], lambda e: gaussian_expectation(e, x, mu, sigma))
    c.prove(fisher_information, sp.diag(1 / sigma ** 2, 2 / sigma ** 2),
            scope="the Fisher at the same parameters: positive definite")


@claim("newton.fisher-psd",
       title="The Fisher matrix is always positive semi-definite",
       statement=r"v^T \mathbb{E}[s s^T] v = \mathbb{E}[(v^T s)^2] \ge 0",
       source=(SECTION, "Yes — Fisher is always PSD"), tags=("fisher", "psd", "kernel"),
       reading="The Fisher E[s sᵀ] is positive semi-definite for every model: vᵀIv = E[(vᵀs)²] ≥ 0. Proved for any "
               "distribution on three outcomes; the scores_outer_mean kernel is fuzzed against SᵀS/B.")
def _(c):
    probabilities = sp.symbols("q1:4", nonnegative=True)
    scores = [sp.Matrix(sp.symbols(f"s{k}1:{k}3", real=True)) for k in range(1, 4)]
    v = sp.Matrix(sp.symbols("v1:3", real=True))
    information = sum((q * s * s.T for q, s in zip(probabilities, scores)), sp.zeros(2, 2))
    squares = sum(q * v.dot(s) ** 2 for q, s in zip(probabilities, scores))
    c.prove((v.T * information * v)[0, 0], squares,
            scope="any distribution on three outcomes with scores in R², every v")
    c.prove_nonnegative(squares, scope="probabilities ≥ 0: a non-negative combination of squares")

    def kernel_is_psd(batch):
        scores_matrix = batch.reshape(6, 3)
        computed = scores_outer_mean(scores_matrix)
        eigenvalues = np.linalg.eigvalsh(computed)
        return [close(computed, scores_matrix.T @ scores_matrix / 6, what="kernel vs Sᵀ S / B"),
                close(np.maximum(eigenvalues, 0.0), eigenvalues, what="no negative eigenvalue")]
    c.fuzz(kernel_is_psd, vectors(18), scope="scores_outer_mean kernel, B = 6 scores in R³", max_examples=20)


@claim("newton.cost",
       title="Both cost O(d²) memory and O(d³) to factor a dense d×d matrix",
       statement=r"\sum_{j=0}^{d-1} j(d-j) + d(d-1) = \tfrac{d^3 - d}{6} + d(d-1) = O(d^3),\ \ d^2 \text{ entries}",
       source=(SECTION, r"$O(d^2)$ memory, $O(d^3)$ inversion"), tags=("newton", "cost"),
       reading="For both methods a dense d×d preconditioner stores d² entries and factoring or inverting it costs "
               "Θ(d³). Proved by counting the multiplications of a Cholesky factorisation and two triangular solves.")
def _(c):
    d, j = sp.symbols("d j", integer=True, positive=True)
    # multiplications of a Cholesky factorisation (row j: j for the diagonal, j for each of the d − 1 − j rows below)
    # and of the two triangular solves (Σ i each): the loops of the natural_gradient kernel
    factorisation = sp.summation(j + (d - 1 - j) * j, (j, 0, d - 1))
    solves = 2 * sp.summation(j, (j, 0, d - 1))
    c.prove([factorisation, solves], [(d ** 3 - d) / 6, d * (d - 1)],
            scope="every d ≥ 1: leading term d³/6, Θ(d³) for an SPD Fisher; an indefinite Hessian needs LDLᵀ or an "
                  "eigendecomposition, also Θ(d³); a dense matrix stores d² entries either way")


uncheckable(SECTION, "Optimization theory",
            "a statement of origin (Newton's method from numerical optimisation, the natural gradient from Amari's "
            "information geometry), not mathematics")
uncheckable(SECTION, "Both use preconditioning matrices, but they're fundamentally different",
            "a judgement; the checkable content is the table's rows. Note that the two matrices coincide exactly for "
            "the negative log-likelihood of an exponential family in its natural parameters "
            "(newton.coincide-exponential-family)")
uncheckable(SECTION, "The natural gradient is arguably more principled for probabilistic models because it respects "
                     "the geometry of the problem.", "an opinion")


@claim("newton.landscape-depends",
       title="The Hessian picks up a non-tensorial term under reparameterisation; the Fisher does not",
       statement=r"\frac{d^2\mathcal{L}}{d\phi^2} = \frac{d^2\mathcal{L}}{d\theta^2}\Big(\frac{d\theta}{d\phi}\Big)^2 "
                 r"+ \frac{d\mathcal{L}}{d\theta}\frac{d^2\theta}{d\phi^2}",
       source=(SECTION, "Newton's method uses the loss landscape directly, which depends on parameterization."),
       depends_on=("reparam.fisher-transform",), tags=("newton", "reparameterization"),
       reading="The loss Hessian, which Newton uses, changes under a reparameterisation by more than a tensor law: the "
               "chain rule adds a term from the map's second derivative. Proved in general and on the Bernoulli "
               "log-odds, where the extra term is (1−p)(2p−1).")
def _(c):
    phi, theta = sp.symbols("phi theta", real=True)
    loss, inverse_map = sp.Function("f"), sp.Function("h")
    c.prove(sp.diff(loss(inverse_map(phi)), phi, 2),
            sp.diff(loss(theta), theta, 2).subs(theta, inverse_map(phi)) * sp.diff(inverse_map(phi), phi) ** 2
            + sp.diff(loss(theta), theta).subs(theta, inverse_map(phi)) * sp.diff(inverse_map(phi), phi, 2),
            scope="any twice-differentiable loss f and map h = g⁻¹")
    loss_p = nll_p.subs(y, 1)
    in_phi = loss_p.subs(p, sigmoid_of(phi))
    hessian_phi = sp.diff(in_phi, phi, 2).subs(phi, logit)
    c.prove(hessian_phi - sp.diff(loss_p, p, 2) / jacobian_1d ** 2, (1 - p) * (2 * p - 1),
            scope="Bernoulli y = 1, probability ↦ log-odds, all p ∈ (0, 1): the extra term (1−p)(2p−1) ≠ 0 for p ≠ 1/2 "
                  "(the Fisher has no such term: reparam.fisher-transform)")


@claim("newton.coincide-exponential-family",
       title="Hessian and Fisher coincide exactly for the NLL of an exponential family in natural parameters",
       statement=r"\mathcal{L} = -\theta^T T(x) + A(\theta) - \log h(x) \Rightarrow \nabla^2\mathcal{L} = \nabla^2 A(\theta) "
                 r"= I(\theta)\ \text{at every } \theta \text{ and every } x",
       source=(SECTION, r"$I(\theta)$ (Fisher of model)"),
       depends_on=("bernoulli.fisher", "newton.preconditioners"), tags=("newton", "fisher", "exponential-family"),
       reading="The cell: the natural gradient's matrix is the Fisher of the model, a function of θ alone, not of the "
               "observed data. Proved with the case the row invites: for the negative log-likelihood of an exponential "
               "family in natural parameters the loss Hessian equals that Fisher at every θ and every observation; "
               "in the Bernoulli's probability parameter they differ (equal only in expectation).")
def _(c):
    t1, t2, s1, s2 = sp.symbols("theta1 theta2 T1 T2", real=True)
    log_partition = sp.Function("A")(t1, t2)
    nll = -(t1 * s1 + t2 * s2) + log_partition
    c.prove(sp.hessian(nll, [t1, t2]), sp.hessian(log_partition, [t1, t2]),
            scope="any 2-parameter exponential family: the Hessian of the NLL does not depend on the data")
    theta = sp.Symbol("theta", real=True)
    u = sp.Symbol("u", positive=True)
    to_u = [exponential_substitution(theta, u)]
    nll_logit = -y * theta + sp.log(1 + sp.exp(theta))
    logit_fisher = fisher(-nll_logit.subs(y, x), [theta], bernoulli_expectation(x, sigmoid_of(theta)))[0, 0]
    c.prove(sp.diff(nll_logit, theta, 2), logit_fisher, rewriters=to_u,
            scope="Bernoulli in the logit, every θ and every label y (not only asymptotically)")
    eta1, eta2 = sp.Symbol("eta1", real=True), sp.Symbol("eta2", negative=True)
    natural = {eta1: mu / sigma ** 2, eta2: -1 / (2 * sigma ** 2)}
    nll_gauss = -(eta1 * x + eta2 * x ** 2) - eta1 ** 2 / (4 * eta2) - sp.log(-2 * eta2) / 2
    gauss_fisher = fisher(-nll_gauss, [eta1, eta2], lambda e: gaussian_expectation(e.subs(natural), x, mu, sigma))
    c.prove(sp.hessian(nll_gauss, [eta1, eta2]).subs(natural), gauss_fisher,
            scope="Gaussian in natural parameters (μ/σ², −1/(2σ²)), every observation x, all μ, σ > 0")
    hessian_p = sp.diff(nll_p, p, 2)
    c.prove([hessian_p.subs(y, 1) - fisher_p, bernoulli_expectation(y, p)(hessian_p)],
            [(1 - 2 * p) / (p ** 2 * (1 - p)), fisher_p],
            scope="contrast, Bernoulli in the probability (not natural): H ≠ I at y = 1 for p ≠ 1/2, equal only in "
                  "expectation over y ~ p")

"""The Natural Gradient: the KL expansion, the definition, the boxed update and the constrained derivation.

Symbolic matrices: a Fisher matrix is ``I = L Lᵀ`` with ``L`` lower triangular and a
positive diagonal (``ngproof.symbolic.models.spd``), so ``I`` is SPD and ``L⁻¹`` is explicit.
The multiplier and the minimiser of the linearised loss on the KL ellipsoid are derived
here; the lesson stops at the stationarity condition.
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.optimize import minimize

from ngproof import claim, close, uncheckable
from ngproof.kernels import natural_gradient
from ngproof.strategies import reals, spd_matrices, vectors
from ngproof.symbolic.families import bernoulli_expectation, fisher, kl_taylor, quadratic_form
from ngproof.symbolic.models import gaussian_expectation, spd

SECTION = "The Natural Gradient"
u = sp.Symbol("u", positive=True)
epsilon = sp.Symbol("epsilon", positive=True)
# sympy collapses invertible-matrix algebra (I I⁻¹ = 1, (A B)⁻¹ = B⁻¹ A⁻¹) when it builds the expression
n = sp.Symbol("n", integer=True, positive=True)
I_abstract = sp.MatrixSymbol("I", n, n)
g_abstract = sp.MatrixSymbol("g", n, 1)


def column(name, size):
    return sp.Matrix(sp.symbols(f"{name}1:{size + 1}", real=True))


def lagrange_square(a, b):
    """Σ_{i<j} (a_i b_j − a_j b_i)²: Lagrange's identity says |a|²|b|² − (a·b)² equals it."""
    return sum((a[i] * b[j] - a[j] * b[i]) ** 2 for i in range(len(a)) for j in range(i + 1, len(a)))


@claim("ng.kl-second-order",
       title="KL between nearby members is half the Fisher quadratic form, with no first-order term",
       statement=r"D_{KL}(p_\theta \| p_{\theta + t v}) = 0 + 0\cdot t + \tfrac{1}{2} t^2\, v^T I(\theta) v + O(t^3)",
       source=(SECTION, r"$$D_{KL}(p_\theta \;|\; p_{\theta + d\theta}) \approx \frac{1}{2} d\theta^T I(\theta) d\theta$$"),
       depends_on=("bernoulli.fisher",), tags=("kl", "fisher"),
       reading="'≈' read as the second-order Taylor expansion in dθ: KL has no constant or first-order term and its "
               "second-order term is ½dθᵀI(θ)dθ. Proved for every smooth family on three outcomes and for the "
               "Bernoulli (logit) and Gaussian (μ, σ) models.")
def _(c):
    # any smooth one-parameter family on three outcomes, through its Taylor data at θ:
    # p_k(θ + t) = p_k + a_k t + b_k t²/2 + O(t³) with Σ a_k = Σ b_k = 0 (the p_k sum to one)
    t = sp.Symbol("t", real=True)
    p = sp.symbols("p1:4", positive=True)
    a1, a2, b1, b2 = sp.symbols("a1 a2 b1 b2", real=True)
    a, b = (a1, a2, -a1 - a2), (b1, b2, -b1 - b2)
    kl = sum(pk * (sp.log(pk) - sp.log(pk + ak * t + bk * t ** 2 / 2)) for pk, ak, bk in zip(p, a, b))
    coefficients = [sp.diff(kl, t, k).subs(t, 0) / sp.factorial(k) for k in range(3)]
    fisher_information = sum(pk * (ak / pk) ** 2 for pk, ak in zip(p, a))
    c.prove(coefficients, [0, 0, fisher_information / 2],
            scope="every smooth family on three outcomes (any parameter dimension, along any direction)")

    x = sp.Symbol("x", real=True)
    theta = sp.Symbol("theta", real=True)
    sigmoid = 1 / (1 + sp.exp(-theta))
    logit_log_density = x * theta - sp.log(1 + sp.exp(theta))  # = x log σ(θ) + (1 − x) log(1 − σ(θ))
    to_u = lambda e: sp.cancel(e.subs(sp.exp(-theta), 1 / u).subs(sp.exp(theta), u))  # noqa: E731
    coefficients = kl_taylor(logit_log_density, [theta], [1], bernoulli_expectation(x, sigmoid), rewrite=to_u)
    c.prove(coefficients, [0, 0, to_u(sigmoid * (1 - sigmoid)) / 2],
            scope="Bernoulli in the logit θ (log p = xθ − log(1 + e^θ)), all real θ: ½ I(θ) = ½ σ(θ)(1−σ(θ))")

    mu, d_mu, d_sigma = sp.symbols("mu a b", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    gaussian_log_density = -sp.log(sigma) - (x - mu) ** 2 / (2 * sigma ** 2)
    moments = lambda e: gaussian_expectation(e, x, mu, sigma)  # noqa: E731
    information = fisher(gaussian_log_density, [mu, sigma], moments)
    coefficients = kl_taylor(gaussian_log_density, [mu, sigma], [d_mu, d_sigma], moments)
    c.prove(coefficients, [0, 0, quadratic_form(information, [d_mu, d_sigma]) / 2],
            scope="Gaussian N(μ, σ²) in (μ, σ), all μ, σ > 0, every direction (a, b); I = diag(1/σ², 2/σ²)")


@claim("ng.kl-local-distance",
       title="KL is not a metric, but to second order it is half a squared distance: both directions agree to second "
             "order and differ at third",
       statement=r"D_{KL}(p_\theta\|p_{\theta+t}) - D_{KL}(p_{\theta+t}\|p_\theta) = "
                 r"\frac{(2\theta-1)\,t^3}{6\theta^2(1-\theta)^2} + O(t^4),\ \text{both } = \frac{t^2}{2\theta(1-\theta)} + O(t^3)"
                 r"\ \text{(Bernoulli)}",
       source=(SECTION, "The key insight: use KL divergence as the distance metric:"),
       depends_on=("ng.kl-second-order",), tags=("kl",),
       reading="KL divergence as the measure of how far apart two nearby distributions are, through the quadratic "
               "approximation ½dθᵀI dθ displayed next: a squared length in the Fisher metric. Proved for the "
               "Bernoulli in its probability: both directions of the KL share that second-order term.",
       wording="'distance metric' is loose: KL divergence is not a metric (it is not symmetric; the check shows the "
               "two directions differ at third order in the step). What the derivation uses is its second-order "
               "term ½dθᵀI dθ, half the squared Fisher length, which is symmetric.")
def _(c):
    x = sp.Symbol("x")
    theta, t = sp.symbols("theta t", positive=True)
    forward = kl_taylor(x * sp.log(theta) + (1 - x) * sp.log(1 - theta), [theta], [1],
                        bernoulli_expectation(x, theta), order=4)
    reverse_kl = (theta + t) * sp.log((theta + t) / theta) + (1 - theta - t) * sp.log((1 - theta - t) / (1 - theta))
    reverse = [sp.diff(reverse_kl, t, k).subs(t, 0) / sp.factorial(k) for k in range(4)]
    c.prove(reverse[:3], forward[:3], scope="Bernoulli in the probability, all θ ∈ (0, 1): KL(p_θ‖p_θ+t) and "
                                             "KL(p_θ+t‖p_θ) agree up to and including t²")
    c.prove(forward[3] - reverse[3], (2 * theta - 1) / (6 * theta ** 2 * (1 - theta) ** 2),
            scope="all θ ∈ (0, 1): the t³ terms differ wherever θ ≠ 1/2 (KL is not symmetric)")


uncheckable(SECTION, "The natural gradient fixes this by measuring distance in distribution space, not parameter space.",
            "motivation; its mathematical content is the KL expansion, checked as ng.kl-second-order")
uncheckable(SECTION, r"The Fisher information matrix $I(\theta)$ defines the local geometry.",
            "restates the KL expansion (the Fisher matrix is the Hessian of the KL at dθ = 0), checked as "
            "ng.kl-second-order; the metric-tensor reading is checked as reparam.fisher-metric-tensor")


@claim("ng.steepest-per-kl",
       title="Among steps of equal KL, −I⁻¹∇L gives the steepest first-order decrease",
       statement=r"(\nabla\mathcal{L}^T d)^2 \le (\nabla\mathcal{L}^T I^{-1} \nabla\mathcal{L})(d^T I d),"
                 r"\ \text{with equality iff } d \parallel I^{-1}\nabla\mathcal{L}",
       source=(SECTION, "The natural gradient finds the direction that produces the steepest descent in loss per unit "
                        "of KL divergence"),
       depends_on=("ng.kl-second-order",), tags=("natural-gradient",),
       reading="Among steps of a given (second-order) KL size, the first-order decrease of the loss is largest along "
               "−I⁻¹∇L. Proved by Cauchy–Schwarz in the Fisher inner product, with equality along I⁻¹∇L.",
       wording="'per unit of KL divergence' is loose: at KL budget ε the best first-order decrease is √(2ε ∇LᵀI⁻¹∇L) "
               "(ng.trust-region-minimiser), which grows like √ε, so the decrease per unit of KL is no fixed number. "
               "What −I⁻¹∇L maximises is the decrease at a given KL, i.e. per unit of Fisher length √(dθᵀI dθ); "
               "that is what the check proves.")
def _(c):
    information, lower = spd(2)
    g, d = column("g", 2), column("d", 2)
    v, w = lower.inv() * g, lower.T * d
    q = v.dot(v)  # ∇Lᵀ I⁻¹ ∇L with I⁻¹ = L⁻ᵀ L⁻¹
    c.prove(q * quadratic_form(information, d) - g.dot(d) ** 2, lagrange_square(v, w),
            scope="2×2, I = L Lᵀ with symbolic L (positive diagonal), symbolic g and d")
    c.prove_nonnegative(lagrange_square(v, w), scope="2×2 symbolic: Cauchy–Schwarz in the Fisher inner product")
    best = -information.LUsolve(g)
    c.prove(g.dot(best) ** 2, q * quadratic_form(information, best),
            scope="2×2 symbolic: equality along d = −I⁻¹∇L (the bound is attained)")
    # "per unit of KL": at KL budget ε the best first-order decrease is √(2ε ∇Lᵀ I⁻¹ ∇L); the direction is what is fixed


@claim("ng.definition",
       title="The natural gradient I⁻¹∇L: the kernel's Cholesky solve against a dense solve",
       statement=r"\tilde\nabla\mathcal{L} = I^{-1}\nabla\mathcal{L} \iff I\,\tilde\nabla\mathcal{L} = \nabla\mathcal{L}",
       source=(SECTION, r"$$\tilde{\nabla}\mathcal{L}(\theta) = I(\theta)^{-1} \nabla_\theta \mathcal{L}(\theta)$$"),
       depends_on=("ng.steepest-per-kl",), tags=("natural-gradient", "kernel"),
       reading="A definition: the natural gradient is the solution of I x = ∇L for an invertible Fisher. Proved on a "
               "symbolic SPD matrix; the kernel's Cholesky solve is fuzzed against numpy's dense solve.")
def _(c):
    information, _ = spd(3)
    g = column("g", 3)
    c.prove(information * information.LUsolve(g), g, scope="3×3 symbolic SPD I = L Lᵀ: I⁻¹∇L solves I x = ∇L")
    c.fuzz(lambda f, g: close(natural_gradient(f, g), np.linalg.solve(f, g), cond=np.linalg.cond(f)),
           spd_matrices(6, cond=1e6), vectors(6),
           scope="natural_gradient kernel vs numpy.linalg.solve, d = 6, cond ≤ 1e6", max_examples=20)


@claim("ng.update-rule",
       title="The boxed natural-gradient update, and that it is a descent step",
       statement=r"\theta_{t+1} = \theta_t - \eta\, I(\theta_t)^{-1}\nabla_\theta\mathcal{L}(\theta_t),\qquad "
                 r"\frac{d}{d\eta}\mathcal{L}(\theta_{t+1})\Big|_{\eta=0} = -\nabla\mathcal{L}^T I^{-1}\nabla\mathcal{L} \le 0",
       source=(SECTION, r"$$\boxed{\theta_{t+1} = \theta_t - \eta \, I(\theta_t)^{-1} \, \nabla_\theta \mathcal{L}(\theta_t)}$$"),
       depends_on=("ng.steepest-per-kl",), tags=("natural-gradient", "kernel"),
       reading="The update rule as a definition, with its implied property: for a positive-definite Fisher the step "
               "is a descent step (the loss's first-order change −η∇LᵀI⁻¹∇L is ≤ 0). Proved symbolically; one "
               "kernel step is fuzzed against numpy.")
def _(c):
    information, lower = spd(3)
    g = column("g", 3)
    half = lower.inv() * g
    c.prove(g.dot(information.LUsolve(g)), half.dot(half),
            scope="3×3 symbolic SPD I = L Lᵀ: ∇Lᵀ I⁻¹ ∇L = |L⁻¹∇L|²")
    c.prove_nonnegative(half.dot(half), scope="3×3 symbolic: the first-order change of the loss is ≤ 0")

    def kernel_step_vs_solve(fisher_matrix, grad, step):
        start = np.linspace(-1.0, 1.0, len(grad))
        return close(start - step * natural_gradient(fisher_matrix, grad),
                     start - step * np.linalg.solve(fisher_matrix, grad), cond=np.linalg.cond(fisher_matrix))
    c.fuzz(kernel_step_vs_solve, spd_matrices(3, cond=1e4), vectors(3), reals(0.01, 1.0),
           scope="one step with the natural_gradient kernel vs numpy.linalg.solve, d = 3, cond ≤ 1e4", max_examples=12)


@claim("ng.linearised-loss",
       title="First-order model of the loss",
       statement=r"\mathcal{L}(\theta + t\,d) = \mathcal{L}(\theta) + t\,\nabla\mathcal{L}^T d + O(t^2)",
       source=(SECTION, r"$$\mathcal{L}(\theta + d\theta) \approx \mathcal{L}(\theta) + \nabla\mathcal{L}^T d\theta$$"),
       tags=("natural-gradient", "derivation"),
       reading="'≈' read as the first-order Taylor expansion: value and first directional derivative agree. Proved for "
               "any differentiable loss of three parameters.")
def _(c):
    t = sp.Symbol("t", real=True)
    x, d = column("x", 3), column("d", 3)
    loss = sp.Function("L")
    moved = loss(*(x + t * d))
    gradient = sp.Matrix([sp.diff(loss(*x), xi) for xi in x])
    c.prove([moved.subs(t, 0), sp.diff(moved, t).subs(t, 0).doit()], [loss(*x), gradient.dot(d)],
            scope="any differentiable loss of 3 parameters: value and first t-derivative at t = 0")


@claim("ng.quadratic-constraint",
       title="The Fisher constraint is the KL ball to second order: exact for a Gaussian mean, O(dθ³) off for a Bernoulli",
       statement=r"D_{KL}(\mathcal{N}(\mu,\Sigma)\|\mathcal{N}(\mu+d,\Sigma)) = \tfrac12 d^T\Sigma^{-1}d;\ "
                 r"D_{KL}(\mathrm{Ber}(\theta)\|\mathrm{Ber}(\theta+t)) = \frac{t^2}{2\theta(1-\theta)} + "
                 r"\frac{(2\theta-1)\,t^3}{3\theta^2(1-\theta)^2} + O(t^4)",
       source=(SECTION, r"Using the Fisher metric constraint $\frac{1}{2} d\theta^T I(\theta) d\theta \leq \epsilon$, "
                        r"the Lagrangian is:"),
       depends_on=("ng.kl-second-order",), tags=("kl", "derivation"),
       reading="The derivation replaces the KL ball by its second-order approximation ½dθᵀI dθ ≤ ε (ng.kl-second-order), "
               "as 'Using the Fisher metric constraint' says. Proved that the replacement is exact for a Gaussian mean "
               "and off only at third order for a Bernoulli.")
def _(c):
    x = sp.Symbol("x", real=True)
    mu, d = sp.symbols("mu d", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    log_ratio = ((x - mu - d) ** 2 - (x - mu) ** 2) / (2 * sigma ** 2)
    c.prove(gaussian_expectation(log_ratio, x, mu, sigma), d ** 2 / (2 * sigma ** 2),
            scope="Gaussian mean with known σ, every shift d: the quadratic constraint is the KL ball exactly")
    theta = sp.Symbol("theta", positive=True)
    coefficients = kl_taylor(x * sp.log(theta) + (1 - x) * sp.log(1 - theta), [theta], [1],
                             bernoulli_expectation(x, theta), order=4)
    c.prove(coefficients[2:], [1 / (2 * theta * (1 - theta)), (2 * theta - 1) / (3 * theta ** 2 * (1 - theta) ** 2)],
            scope="Bernoulli in the probability, all θ ∈ (0, 1): the t³ term is non-zero for θ ≠ 1/2")


@claim("ng.lagrangian-duality",
       title="The Lagrangian (written 𝓛 in the lesson, the loss's symbol): dual function and strong duality",
       statement=r"\Lambda(d,\lambda) = \nabla\mathcal{L}^T d + \lambda(\tfrac12 d^T I d - \epsilon),\ "
                 r"\min_d \Lambda = -\frac{q}{2\lambda} - \lambda\epsilon,\ \max_{\lambda>0} = -\sqrt{2\epsilon q} "
                 r"\text{ at } \lambda = \sqrt{q/2\epsilon}",
       source=(SECTION, r"$$\mathcal{L} = \nabla\mathcal{L}^T d\theta + \lambda\left(\frac{1}{2} d\theta^T I d\theta - "
                        r"\epsilon\right)$$"),
       depends_on=("ng.linearised-loss",), tags=("natural-gradient", "derivation"),
       reading="The displayed function is the Lagrangian Λ(dθ, λ) of 'minimise ∇Lᵀdθ subject to ½dθᵀI dθ ≤ ε', with I "
               "the Fisher. Proved that it is a correct Lagrangian: its dual function, maximised over λ > 0, gives the "
               "primal minimum −√(2εq).",
       wording="The Lagrangian is written 𝓛, the symbol of the loss, in the same display as ∇𝓛, the loss's gradient; "
               "read the left side as a new function Λ(dθ, λ).")
def _(c):
    # the lesson's left side 𝓛 is the Lagrangian, not the loss; and its I is the Fisher (later I is the identity)
    information, lower = spd(2)
    g, d = column("g", 2), column("d", 2)
    lam = sp.Symbol("lambda", positive=True)
    q = sp.Symbol("q", positive=True)
    lagrangian = g.dot(d) + lam * (quadratic_form(information, d) / 2 - epsilon)
    minimiser = -information.LUsolve(g) / lam
    half = lower.inv() * g
    c.prove(lagrangian.subs(dict(zip(d, minimiser))), -half.dot(half) / (2 * lam) - lam * epsilon,
            scope="2×2 symbolic SPD I, λ > 0: the dual function, with q = ∇Lᵀ I⁻¹ ∇L = |L⁻¹∇L|²")
    dual = -q / (2 * lam) - lam * epsilon
    best = sp.sqrt(q / (2 * epsilon))
    c.prove([sp.diff(dual, lam).subs(lam, best), dual.subs(lam, best)], [0, -sp.sqrt(2 * epsilon * q)],
            scope="all ε, q > 0: the dual optimum equals the primal minimum of ng.trust-region-minimiser")


@claim("ng.lagrangian-stationarity",
       title="Stationarity of the Lagrangian (the lesson writes it 𝓛, the loss's symbol; its I is the Fisher, "
             "later in the lesson the identity)",
       statement=r"\Lambda(d, \lambda) = \nabla\mathcal{L}^T d + \lambda(\tfrac12 d^T I d - \epsilon):\ "
                 r"\nabla_d \Lambda = \nabla\mathcal{L} + \lambda I d = 0 \iff d = -\tfrac{1}{\lambda} I^{-1}\nabla\mathcal{L}"
                 r"\ (\lambda \ne 0,\ I = I^T \text{ invertible})",
       source=(SECTION, r"Setting the derivative to zero: $\nabla\mathcal{L} + \lambda I d\theta = 0 \implies "
                        r"d\theta = -\frac{1}{\lambda} I^{-1} \nabla\mathcal{L}$"),
       depends_on=("ng.linearised-loss",), tags=("natural-gradient", "derivation"),
       reading="The derivative is of the Lagrangian with respect to dθ (its ∇𝓛 is the loss's gradient, see "
               "ng.lagrangian-duality); for a symmetric invertible Fisher and λ ≠ 0 stationarity is equivalent to the "
               "stated dθ. Proved for a symbolic 3×3 symmetric I and for abstract n×n matrices.")
def _(c):
    # the lesson writes the Lagrangian as 𝓛 (the loss's symbol) and the Fisher as I; here Λ and a symmetric S
    lam = sp.Symbol("lambda", real=True, nonzero=True)
    entries = sp.symbols("s11 s12 s13 s22 s23 s33", real=True)
    fisher_matrix = sp.Matrix([[entries[0], entries[1], entries[2]],
                               [entries[1], entries[3], entries[4]],
                               [entries[2], entries[4], entries[5]]])
    g, d = column("g", 3), column("d", 3)
    lagrangian = g.dot(d) + lam * (quadratic_form(fisher_matrix, d) / 2 - epsilon)
    c.prove(sp.Matrix([sp.diff(lagrangian, di) for di in d]), g + lam * fisher_matrix * d,
            scope="3×3 symbolic symmetric I (the ½ dᵀ(I + Iᵀ)d rule needs I = Iᵀ), λ ≠ 0")
    c.prove(g_abstract + lam * I_abstract * (-(1 / lam) * I_abstract.I * g_abstract), sp.ZeroMatrix(n, 1),
            scope="all n, abstract matrices, I invertible, λ ≠ 0: the stated dθ solves the stationarity condition")


@claim("ng.stationary-point-is-descent",
       title="The stationary point gives the natural-gradient direction: with the KKT multiplier λ > 0 it is a positive "
             "multiple of −I⁻¹∇L, a descent direction",
       statement=r"\lambda > 0:\ d\theta = -\tfrac{1}{\lambda} I^{-1}\nabla\mathcal{L},\quad "
                 r"\nabla\mathcal{L}^T d\theta = -\tfrac{1}{\lambda}\,\nabla\mathcal{L}^T I^{-1}\nabla\mathcal{L} < 0"
                 r"\ (\nabla\mathcal{L} \ne 0)",
       source=(SECTION, "which gives the natural gradient direction"),
       depends_on=("ng.lagrangian-stationarity", "ng.trust-region-minimiser"),
       tags=("natural-gradient", "derivation"),
       reading="The derivation is the KKT argument for an inequality constraint ('≤ ε', 'a trust region'), whose "
               "multiplier is λ ≥ 0 (dual feasibility) and λ ≠ 0 when ∇L ≠ 0 (λ = 0 would make stationarity read "
               "∇L = 0). With λ > 0 the stationary dθ is a positive multiple 1/λ of −I⁻¹∇L, a descent direction; "
               "'direction' leaves the length open, as the sentence does (λ = √(q/2ε) fixes it: "
               "ng.trust-region-minimiser). Proved for a symbolic 3×3 SPD Fisher.")
def _(c):
    information, lower = spd(3)
    g = column("g", 3)
    lam = sp.Symbol("lambda", positive=True)
    step = -information.LUsolve(g) / lam
    half = lower.inv() * g  # ∇Lᵀ I⁻¹ ∇L = |L⁻¹∇L|² for I = L Lᵀ
    c.prove(g.dot(step), -half.dot(half) / lam,
            scope="3×3 symbolic SPD I = L Lᵀ, λ > 0: the first-order change along dθ is −|L⁻¹∇L|²/λ")
    c.prove_nonnegative(half.dot(half) / lam,
                        scope="3×3 symbolic, λ > 0: dθ = (1/λ)(−I⁻¹∇L) decreases the linearised loss (strictly for "
                              "∇L ≠ 0, as L⁻¹ is invertible)")
    c.prove(lam * step, -information.LUsolve(g),
            scope="3×3 symbolic SPD I, λ > 0: λ·dθ = −I⁻¹∇L, the natural-gradient direction with a positive factor")


@claim("ng.trust-region-minimiser",
       title="Minimiser of the linearised loss on the KL ellipsoid, and its multiplier",
       statement=r"\arg\min_{\frac12 d^T I d \le \epsilon} \nabla\mathcal{L}^T d = "
                 r"-\sqrt{\tfrac{2\epsilon}{q}}\, I^{-1}\nabla\mathcal{L},\ "
                 r"\lambda = \sqrt{\tfrac{q}{2\epsilon}} > 0,\ \min = -\sqrt{2\epsilon q},\ "
                 r"q = \nabla\mathcal{L}^T I^{-1}\nabla\mathcal{L}",
       source=(SECTION, r"We want to minimize $\mathcal{L}(\theta + d\theta)$ subject to "
                        r"$D_{KL}(p_\theta | p_{\theta+d\theta}) \leq \epsilon$ (a trust region)."),
       depends_on=("ng.steepest-per-kl", "ng.lagrangian-stationarity", "ng.update-rule"),
       tags=("natural-gradient", "derivation", "kernel"),
       reading="The trust-region problem of the derivation, with the loss to first order and the KL to second order "
               "(as the next sentences do), has the minimiser −√(2ε/q) I⁻¹∇L with multiplier λ = √(q/2ε) > 0. Proved "
               "symbolically in q = ∇LᵀI⁻¹∇L; the closed form is fuzzed against scipy's BFGS on the ellipsoid.")
def _(c):
    q = sp.Symbol("q", positive=True)  # q = ∇Lᵀ I⁻¹ ∇L > 0 for ∇L ≠ 0 (ng.update-rule)
    lam = sp.sqrt(q / (2 * epsilon))
    scale = sp.sqrt(2 * epsilon / q)
    # d* = −scale · I⁻¹ g; its value, constraint and stationarity reduce to scalar identities in q:
    # gᵀd* = −scale·q, ½ d*ᵀ I d* = ½ scale² q, and λ·scale = 1 makes g + λ I d* = g − g
    c.prove([-scale * q, scale ** 2 * q / 2, lam * scale], [-sp.sqrt(2 * epsilon * q), epsilon, 1],
            scope="all ε > 0, q > 0: value −√(2εq), on the boundary ½dᵀId = ε, and λ·√(2ε/q) = 1")
    c.prove(g_abstract + lam * I_abstract * (-scale * I_abstract.I * g_abstract), sp.ZeroMatrix(n, 1),
            scope="all n, abstract matrices, I invertible: ∇L + λ I d* = 0 with λ = √(q/2ε) > 0")
    # optimality: by ng.steepest-per-kl, (gᵀd)² ≤ q·dᵀId ≤ 2εq on the ellipsoid, so gᵀd ≥ −√(2εq) = gᵀd*

    def ellipsoid_value(fisher_matrix, grad, budget):
        def objective(w):
            return grad @ w / np.sqrt(w @ fisher_matrix @ w)

        def jacobian(w):
            length = w @ fisher_matrix @ w
            return grad / np.sqrt(length) - (grad @ w) * (fisher_matrix @ w) / length ** 1.5
        # every point of the ellipsoid's boundary is √(2ε) w / √(wᵀIw): an unconstrained problem in w
        found = minimize(objective, -grad, jac=jacobian, method="BFGS", options={"gtol": 1e-13})
        direction = natural_gradient(fisher_matrix, grad)
        curvature = grad @ direction
        step = -np.sqrt(2 * budget / curvature) * direction
        multiplier = np.sqrt(curvature / (2 * budget))
        cond = np.linalg.cond(fisher_matrix)
        return [close(grad @ step, np.sqrt(2 * budget) * found.fun, cond=cond, what="minimum vs scipy BFGS"),
                close(step @ fisher_matrix @ step / 2, budget, cond=cond, what="on the KL ellipsoid"),
                close(-multiplier * (fisher_matrix @ step), grad, cond=cond, what="∇L + λ I d* = 0")]
    nonzero = vectors(4).filter(lambda v: np.linalg.norm(v) > 1e-3)
    c.fuzz(ellipsoid_value, spd_matrices(4, cond=1e2), nonzero, st.floats(1e-3, 1.0),
           scope="d = 4, cond(I) ≤ 1e2: kernel-based closed form vs scipy.optimize (BFGS on the ellipsoid)",
           max_examples=15)

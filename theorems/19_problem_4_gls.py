"""Practice Problems — Problem 4: the linear-Gaussian model, its Fisher, and the one-step least-squares solve."""
import numpy as np
import sympy as sp
from hypothesis import assume
from hypothesis.extra.numpy import arrays

from ngproof import claim, close, uncheckable
from ngproof.kernels import gaussian_output_fisher, natural_gradient
from ngproof.strategies import invertible_jacobians, reals, spd_matrices, vectors

SECTION = "Practice Problems"
d = 3
xs = sp.Matrix(sp.symbols("x1:4", real=True))
ws = sp.Matrix(sp.symbols("w1:4", real=True))
y, eps = sp.symbols("y epsilon", real=True)
residual = y - (ws.T * xs)[0]
log_density = -residual ** 2 / 2 - sp.log(2 * sp.pi) / 2
score = sp.Matrix([sp.diff(log_density, wi) for wi in ws])
standard_normal = sp.exp(-eps ** 2 / 2) / sp.sqrt(2 * sp.pi)


def expect_over_noise(expr, shift=0):
    """E over ε ~ N(0, 1) of expr with y = wᵀx + shift + ε, entrywise (expanded into powers of ε)."""
    def one(entry):
        poly = sp.Poly(sp.expand(entry.subs(y, (ws.T * xs)[0] + shift + eps)), eps)
        return sum(coef * _normal_moment(k) for (k,), coef in poly.terms())
    return expr.applyfunc(one) if isinstance(expr, sp.MatrixBase) else one(expr)


_moments: dict[int, sp.Expr] = {}


def _normal_moment(k):
    """E[ε^k] for ε ~ N(0, 1), integrated by sympy (once per k)."""
    if k not in _moments:
        _moments[k] = sp.integrate(eps ** k * standard_normal, (eps, -sp.oo, sp.oo))
    return _moments[k]


@claim("problem4.score",
       title="Score of the linear-Gaussian model in w",
       statement=r"s = \nabla_{\mathbf{w}}\log p(y\mid\mathbf{x},\mathbf{w}) = (y - \mathbf{w}^T\mathbf{x})\mathbf{x}",
       source=(SECTION, r"Score: $s = \nabla_{\mathbf{w}} \log p = (y - \mathbf{w}^T\mathbf{x})\mathbf{x}$."),
       reading="The gradient in w of the log-density of y = wᵀx + ε, ε ~ N(0, 1).",
       tags=("linear-regression", "score"))
def _(c):
    c.prove(score, residual * xs, scope="d = 3, symbolic x, w, y")


@claim("problem4.fisher-is-second-moment",
       title="Fisher of the linear-Gaussian model is E[xxᵀ]",
       statement=r"I(\mathbf{w}) = \mathbb{E}_{\mathbf{x}}\mathbb{E}_{y\sim p(y\mid\mathbf{x},\mathbf{w})}[s s^T] = \mathbb{E}[\mathbf{x}\mathbf{x}^T]",
       source=(SECTION, r"the Fisher matrix for $\mathbf{w}$ is exactly the data covariance matrix $\mathbb{E}[\mathbf{x}\mathbf{x}^T]$"),
       reading="With y drawn from the model and ε independent of x, E[ssᵀ] = E_x[E_ε[ε²]xxᵀ] = E[xxᵀ].",
       depends_on=("problem4.score",), tags=("linear-regression", "fisher"))
def _(c):
    c.prove(expect_over_noise(score * score.T), xs * xs.T,
            scope="d = 3, symbolic x and w, y = wᵀx + ε with ε ~ N(0, 1) independent of x (E[ε²] = 1 integrated); "
                  "averaging over x then gives E[xxᵀ] by linearity")

    def kernel_vs_gram(inputs):
        outer_products = np.einsum("ni,nj->ij", inputs, inputs) / len(inputs)
        return close(gaussian_output_fisher(inputs[:, None, :], 1.0), outer_products, cond=d)
    c.fuzz(kernel_vs_gram, arrays(np.float64, (10, d), elements=reals(-3, 3)),
           scope="gaussian_output_fisher kernel (variance 1) vs XᵀX/n, n = 10, d = 3")


@claim("problem4.residual-is-noise",
       title="In the Fisher's expectation y − wᵀx is the model's noise: E[(y − wᵀx)² xxᵀ] = E[ε² xxᵀ]",
       statement=r"\mathbb{E}_{y\sim p(y\mid\mathbf{x},\mathbf{w})}[(y - \mathbf{w}^T\mathbf{x})^2 \mathbf{x}\mathbf{x}^T] = \mathbb{E}[\epsilon^2]\,\mathbf{x}\mathbf{x}^T",
       source=(SECTION, r"\mathbb{E}[(y - \mathbf{w}^T\mathbf{x})^2 \mathbf{x}\mathbf{x}^T] = \mathbb{E}[\epsilon^2 \mathbf{x}\mathbf{x}^T]"),
       reading="The expectation is the Fisher's, so y is drawn from the model at the same w (y = wᵀx + ε); then "
               "y − wᵀx is exactly ε, and for each x the expectation over the noise is E[ε²]xxᵀ.",
       depends_on=("problem4.score",), tags=("linear-regression", "fisher"))
def _(c):
    c.prove(expect_over_noise(residual ** 2 * xs * xs.T), _normal_moment(2) * xs * xs.T,
            scope="d = 3, symbolic x and w, y = wᵀx + ε with ε ~ N(0, 1) (integrated over ε)")


@claim("problem4.data-covariance",
       title="The Fisher is E[xxᵀ], which the lesson calls the data covariance Σ_x; E[xxᵀ] = Cov[x] + E[x]E[x]ᵀ",
       statement=r"I(\mathbf{w}) = \mathbb{E}[\mathbf{x}\mathbf{x}^T] =: \Sigma_{\mathbf{x}},\quad \mathbb{E}[\mathbf{x}\mathbf{x}^T] = \mathrm{Cov}[\mathbf{x}] + \mathbb{E}[\mathbf{x}]\mathbb{E}[\mathbf{x}]^T",
       source=(SECTION, r"the Fisher is the data covariance $\Sigma_{\mathbf{x}}$"),
       reading="The exercise defines its term: 'the data covariance matrix E[xxᵀ]'. Read with that definition, "
               "Σ_x = E[xxᵀ] is the Fisher, and every later formula with Σ_x uses the right matrix.",
       wording="E[xxᵀ] is the uncentred second moment; it equals the covariance Cov[x] only for centred inputs "
               "(x ∈ {1, 3} equally likely: E[x²] = 5, Var x = 1). A reader who computes Σ_x as a covariance "
               "(subtracting the mean, as np.cov does) gets another preconditioner unless the inputs are centred.",
       depends_on=("problem4.fisher-is-second-moment",), tags=("linear-regression", "terminology"))
def _(c):
    points = [sp.Matrix(sp.symbols(f"x{i}_1:3", real=True)) for i in range(3)]
    weights = sp.symbols("p1:3", positive=True)
    probs = [weights[0], weights[1], 1 - weights[0] - weights[1]]
    mean = sum((p * x for p, x in zip(probs, points)), sp.zeros(2, 1))
    second = sum((p * x * x.T for p, x in zip(probs, points)), sp.zeros(2, 2))
    covariance = sum((p * (x - mean) * (x - mean).T for p, x in zip(probs, points)), sp.zeros(2, 2))
    c.prove(second, covariance + mean * mean.T, scope="any distribution on 3 points of R², symbolic points and weights")
    values = [sp.Integer(1), sp.Integer(3)]                     # x ∈ {1, 3}, probability ½ each
    second_moment, mean_value = sum(v ** 2 for v in values) / 2, sum(values) / 2
    c.prove([second_moment, second_moment - mean_value ** 2], [5, 1],
            scope="the wording note: x ∈ {1, 3} with probability ½ each has E[x²] = 5 but Var x = 1")


@claim("problem4.gradient-and-natural-gradient",
       title="Least-squares gradient and its natural gradient −Σ_x⁻¹(y − wᵀx)x",
       statement=r"\nabla_{\mathbf{w}}\mathcal{L} = -(y - \mathbf{w}^T\mathbf{x})\mathbf{x},\quad \tilde\nabla_{\mathbf{w}}\mathcal{L} = -\Sigma_{\mathbf{x}}^{-1}(y - \mathbf{w}^T\mathbf{x})\mathbf{x}",
       source=(SECTION, r"$\tilde{\nabla}_{\mathbf{w}}\mathcal{L} = I^{-1}\nabla\mathcal{L} = -\Sigma_{\mathbf{x}}^{-1}(y - \mathbf{w}^T\mathbf{x})\mathbf{x}$"),
       reading="For the per-example least-squares loss, ∇L = −(y − wᵀx)x, and I⁻¹∇L with I = Σ_x = E[xxᵀ] "
               "(invertible) is −Σ_x⁻¹(y − wᵀx)x.",
       depends_on=("problem4.fisher-is-second-moment",), tags=("linear-regression", "natural-gradient"))
def _(c):
    gradient = sp.Matrix([sp.diff(residual ** 2 / 2, wi) for wi in ws])
    c.prove(gradient, -residual * xs, scope="d = 3, symbolic x, w, y")
    sigma = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"S{min(i, j)}{max(i, j)}", real=True))
    c.prove(sigma * (-sigma.adjugate() * residual * xs), sigma.det() * gradient,
            scope="d = 3, symmetric Σ_x with symbolic entries: Σ_x times the claimed natural gradient "
                  "(Σ_x⁻¹ = adj/det) gives back ∇L, so it is I⁻¹∇L where Σ_x is invertible")


def _full_batch(n_rows, n_cols):
    X = sp.Matrix(n_rows, n_cols, lambda i, j: sp.Symbol(f"X{i}{j}", real=True))
    target = sp.Matrix(sp.symbols(f"y1:{n_rows + 1}", real=True))
    weights = sp.Matrix(sp.symbols(f"v1:{n_cols + 1}", real=True))
    return X, target, weights


@claim("problem4.one-step-least-squares",
       title="One full-batch natural-gradient step with η = 1 lands on the model's least-squares estimate (GLS, here OLS)",
       statement=r"I = X^T\Omega^{-1}X:\quad \mathbf{w} - I^{-1}X^T\Omega^{-1}(X\mathbf{w}-\mathbf{y}) = (X^T\Omega^{-1}X)^{-1}X^T\Omega^{-1}\mathbf{y},\quad \Omega = \mathbb{1}: (X^TX)^{-1}X^T\mathbf{y}",
       source=(SECTION, r"This is the **generalized least squares** update."),
       reading="'The GLS update' read as: the full-batch natural step −Σ_x⁻¹∇L with η = 1 lands on the model's "
               "least-squares (maximum-likelihood) estimate — the GLS estimate (XᵀΩ⁻¹X)⁻¹XᵀΩ⁻¹y for a model with "
               "noise covariance Ω, which for the lesson's Ω = 𝟙 is ordinary least squares.",
       wording="GLS is the name for least squares under correlated or unequal noise: it whitens the noise by Ω⁻¹. "
               "The lesson's model has Ω = 𝟙, where GLS is plain OLS, and the matrix its natural gradient inverts "
               "is the input second moment, not a noise covariance; the input whitening of the next sentence is "
               "a different thing from GLS's. The name is not false here, but it explains nothing.",
       depends_on=("problem4.gradient-and-natural-gradient",), tags=("linear-regression", "natural-gradient"))
def _(c):
    X, target, weights = _full_batch(3, 2)
    gram = X.T * X
    # (XᵀX)⁻¹ = adj/det: the step, scaled by det, satisfies the normal equations XᵀX w = Xᵀy (a polynomial identity).
    scaled_step = gram.det() * weights - gram.adjugate() * X.T * (X * weights - target)
    c.prove(gram * scaled_step, gram.det() * X.T * target,
            scope="n = 3 examples, d = 2, symbolic entries; where XᵀX is invertible the normal equations have the "
                  "unique solution (XᵀX)⁻¹Xᵀy; the 1/n of the mean loss and of the Fisher cancel")
    noise_precision = sp.diag(*sp.symbols("r1:4", positive=True))        # Ω⁻¹, diagonal
    fisher = X.T * noise_precision * X
    gradient = X.T * noise_precision * (X * weights - target)            # of ½(Xw − y)ᵀΩ⁻¹(Xw − y)
    scaled_step = fisher.det() * weights - fisher.adjugate() * gradient
    c.prove(fisher * scaled_step, fisher.det() * X.T * noise_precision * target,
            scope="the model with noise covariance Ω (n = 3, d = 2, symbolic X, diagonal Ω⁻¹ > 0): the step, scaled "
                  "by det I, solves the GLS normal equations XᵀΩ⁻¹X w = XᵀΩ⁻¹y")

    def kernel_step_vs_lstsq(square, extra, target_values, start):
        X_num = np.vstack([square, extra])
        fisher = gaussian_output_fisher(X_num[:, None, :], 1.0)
        grad = X_num.T @ (X_num @ start - target_values) / len(X_num)
        step = start - natural_gradient(fisher, grad)
        solution = np.linalg.lstsq(X_num, target_values, rcond=None)[0]
        assume(np.linalg.norm(solution) > 1e-2 * (1 + np.linalg.norm(start)))   # a relative comparison needs a non-tiny target
        # the step subtracts F⁻¹g from w: its error is κ(F) = κ(X)² times ‖w‖ + ‖solution‖, relative to ‖solution‖
        return close(step, solution, cond=np.linalg.cond(X_num) ** 2 * (1 + np.linalg.norm(start) / np.linalg.norm(solution)))
    c.fuzz(kernel_step_vs_lstsq, invertible_jacobians(4), arrays(np.float64, (6, 4), elements=reals(-1, 1)),
           vectors(10, -5, 5), vectors(4, -5, 5),
           scope="gaussian_output_fisher + natural_gradient, one step from a random w, vs numpy lstsq; n = 10, d = 4; "
                 "25 cases (lowered budget: drawing the arrays dominates)", max_examples=25)


@claim("problem4.whitening",
       title="Natural gradient is gradient descent in whitened inputs x' = L⁻¹x (Σ_x = LLᵀ)",
       statement=r"\mathbf{w}' = L^T\mathbf{w},\ \mathbf{x}' = L^{-1}\mathbf{x}:\ \mathbb{E}[\mathbf{x}'\mathbf{x}'^T] = \mathbb{1},\ L^{-T}\nabla_{\mathbf{w}'}\mathcal{L} = \Sigma_{\mathbf{x}}^{-1}\nabla_{\mathbf{w}}\mathcal{L}",
       source=(SECTION, r"Natural gradient effectively whitens the input"),
       reading="'Whitens the input' read as: the natural step is the gradient step taken in whitened inputs x' = "
               "L⁻¹x (Σ_x = LLᵀ, so E[x'x'ᵀ] = 𝟙) and mapped back to w.",
       depends_on=("problem4.gradient-and-natural-gradient",), tags=("linear-regression", "whitening"))
def _(c):
    l11, l22 = sp.symbols("l11 l22", positive=True)
    l21 = sp.Symbol("l21", real=True)
    L = sp.Matrix([[l11, 0], [l21, l22]])
    sigma = L * L.T
    c.prove(L.inv() * sigma * L.inv().T, sp.eye(2), scope="2×2, any Cholesky factor L: the whitened inputs have identity second moment")
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    # w = L⁻ᵀw', so ∇_{w'} = L⁻¹∇_w; a gradient step in w' mapped back to w is L⁻ᵀ(−η∇_{w'}).
    c.prove(L.inv().T * (L.inv() * g), sigma.inv() * g, scope="2×2 symbolic L, symbolic gradient")

    def whitened_gd_vs_kernel(cov, grad):
        values, vectors_ = np.linalg.eigh(cov)
        inv_root = (vectors_ / np.sqrt(values)) @ vectors_.T          # Σ^{-1/2}, symmetric
        whitened_step = inv_root @ (inv_root @ grad)                  # gradient in w' = Σ^{1/2}w, mapped back
        return close(natural_gradient(cov, grad), whitened_step, cond=np.linalg.cond(cov))
    c.fuzz(whitened_gd_vs_kernel, spd_matrices(5, cond=1e4), vectors(5, -1, 1),
           scope="natural_gradient kernel vs gradient descent in x' = Σ^{-1/2}x mapped back, d = 5, cond ≤ 1e4")


@claim("problem4.gradient-descent-struggles",
       title="Gradient descent on least squares contracts at best by (κ − 1)/(κ + 1) per step; the natural step needs one",
       statement=r"\min_\eta\max(|1-\eta|,|1-\eta\kappa|) = \frac{\kappa-1}{\kappa+1}\ \text{at}\ \eta = \frac{2}{1+\kappa}",
       source=(SECTION, r"while standard gradient descent struggles with ill-conditioned covariances"),
       reading="'Struggles' read as: with input second moment of condition number κ, the best fixed step size makes "
               "gradient descent contract the error only by (κ − 1)/(κ + 1) per step, near 1 when κ is large; the "
               "full-batch natural step lands in one.",
       depends_on=("problem4.one-step-least-squares",), tags=("linear-regression", "conditioning"))
def _(c):
    kappa = sp.Symbol("kappa", positive=True)
    eta = 2 / (1 + kappa)
    rate = (kappa - 1) / (kappa + 1)
    any_eta = sp.Symbol("eta", positive=True)
    c.prove(kappa * (1 - any_eta) - (1 - any_eta * kappa), kappa - 1,
            scope="every step size η: κ(1 − η) − (1 − ηκ) = κ − 1, so κ|1 − η| + |1 − ηκ| ≥ κ − 1 and "
                  "max(|1 − η|, |1 − ηκ|) ≥ (κ − 1)/(κ + 1): no step size does better")
    c.prove([1 - eta, 1 - eta * kappa], [rate, -rate],
            scope="Σ_x with eigenvalues 1 and κ ≥ 1: at η = 2/(1 + κ) both error components contract by exactly "
                  "(κ − 1)/(κ + 1), the bound above")


@claim("problem4.density",
       title="The density of y = wᵀx + ε, ε ~ N(0, 1), is (2π)^{-1/2} exp(−½(y − wᵀx)²)",
       statement=r"p(y\mid\mathbf{x},\mathbf{w}) = \frac{1}{\sqrt{2\pi}}\exp\left(-\frac12(y-\mathbf{w}^T\mathbf{x})^2\right)",
       source=(SECTION, r"$p(y \mid \mathbf{x}, \mathbf{w}) = \frac{1}{\sqrt{2\pi}} \exp\left(-\frac{1}{2}(y - \mathbf{w}^T\mathbf{x})^2\right)$"),
       reading="The density of y given x, w is the N(0, 1) density of ε = y − wᵀx.",
       tags=("linear-regression",))
def _(c):
    density = sp.exp(-residual ** 2 / 2) / sp.sqrt(2 * sp.pi)
    c.prove(density, standard_normal.subs(eps, residual), scope="symbolic x, w, y: the N(0, 1) density of ε = y − wᵀx "
            "(a shift, whose Jacobian is 1)")
    c.prove(expect_over_noise(sp.Integer(1)), 1, scope="it integrates to 1 over y")


uncheckable(SECTION, "What does this imply about the natural gradient for linear regression?",
            "the question's prompt; its answer is checked by the claims on the one-step solve and whitening")

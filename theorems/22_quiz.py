"""Quiz: Questions 1–6, each correct answer and the factual sentences of its explanation."""
import numpy as np
import sympy as sp
from hypothesis.extra.numpy import arrays

from ngproof import claim, close, uncheckable
from ngproof.kernels import (categorical_fisher, gaussian_natural_gradient, kfac_factors, kronecker_dense,
                             natural_gradient, trust_region_step)
from ngproof.strategies import dampings, probability_vectors, psd_matrices, reals, spd_matrices, vectors

SECTION = "Quiz"
u = sp.Symbol("u", positive=True)          # u = e^θ for the Bernoulli logit θ
sigma_u = u / (1 + u)
fifty_digits = "exact values evaluated to 50 digits"


def d_theta(f):
    return u * sp.diff(f, u)


# ---------------------------------------------------------------- Question 1
@claim("quiz.q1-gradient-transform",
       title="Q1: under φ = g(θ) the gradient transforms as ∇_φL = J⁻ᵀ∇_θL",
       statement=r"\nabla_\phi\mathcal{L} = J^{-T}\nabla_\theta\mathcal{L},\quad J = \partial\phi/\partial\theta",
       source=(SECTION, r"the gradient transforms as $\nabla_\phi\mathcal{L} = J^{-T}\nabla_\theta\mathcal{L}$"),
       depends_on=("reparam.gradient-transform",), tags=("quiz", "reparameterization"))
def _(c):
    phi = sp.Symbol("phi", real=True)
    loss = sp.Function("L")
    p_of_phi = 1 / (1 + sp.exp(-phi))
    jacobian = 1 / (p_of_phi * (1 - p_of_phi))           # dφ/dp for φ = logit p
    p = sp.Symbol("p", positive=True)
    c.prove(sp.diff(loss(p_of_phi), phi), (sp.diff(loss(p), p) / jacobian).subs(p, p_of_phi),
            scope="1-D, φ = logit p, any differentiable loss L(p), all real φ")
    M = sp.Matrix(2, 2, sp.symbols("m1:5", real=True))
    theta = sp.Matrix(sp.symbols("t1:3", real=True))
    phi_vec = sp.Matrix(sp.symbols("f1:3", real=True))
    quadratic = sp.Matrix(2, 2, sp.symbols("q1:5", real=True))
    loss_phi = (phi_vec.T * quadratic * phi_vec)[0]                    # the loss written in φ
    at_image = dict(zip(phi_vec, M * theta))
    grad_theta = sp.Matrix([sp.diff(loss_phi.subs(at_image, simultaneous=True), t) for t in theta])
    grad_phi = sp.Matrix([sp.diff(loss_phi, f) for f in phi_vec]).subs(at_image, simultaneous=True)
    c.prove(grad_theta, M.T * grad_phi, scope="2-D linear reparameterization φ = Mθ (symbolic M), quadratic loss: "
            "∇_θL = Jᵀ∇_φL, i.e. ∇_φL = J⁻ᵀ∇_θL where J = M is invertible")


@claim("quiz.q1-euclidean-metric-not-distributional",
       title="Q1: the Euclidean |Δθ|² does not measure distributional distance; the Fisher metric transforms correctly",
       statement=r"\frac{I(p=1/100)}{I(p=1/2)} = \frac{2500}{99};\quad d\phi^T I(\phi)d\phi = d\theta^T I(\theta) d\theta",
       source=(SECTION, r"Natural gradient fixes this by using the Fisher metric $d\theta^T I d\theta$ which transforms correctly."),
       depends_on=("quiz.q1-gradient-transform", "reparam.metric-invariance", "gd.euclidean-distance"), tags=("quiz", "reparameterization"))
def _(c):
    p, dp = sp.symbols("p dp", positive=True)
    fisher_p = 1 / (p * (1 - p))
    c.prove(fisher_p.subs(p, sp.Rational(1, 100)) / fisher_p.subs(p, sp.Rational(1, 2)), sp.Rational(2500, 99),
            scope="Bernoulli in p: the same |Δp| costs 2500/99 ≈ 25 times more KL near p = 1/100 than near p = ½")
    jacobian = sp.diff(sp.log(p / (1 - p)), p)                   # dφ/dp, φ = logit p
    fisher_phi = p * (1 - p)                                     # Fisher in the logit, at the same distribution
    c.prove((jacobian * dp) ** 2 * fisher_phi, dp ** 2 * fisher_p, scope="Bernoulli, p ∈ (0, 1): dφᵀI(φ)dφ = dpᵀI(p)dp")


@claim("quiz.q1-different-distributions",
       title="Q1: the standard updates in θ and in φ land on different distributions",
       statement=r"\sigma(\phi_0 - \eta\nabla_\phi\mathcal{L}) \ne p_0 - \eta\nabla_p\mathcal{L}",
       source=(SECTION, r"is a different point in distribution space than $\Delta\theta = -\eta\nabla_\theta\mathcal{L}$"),
       tags=("quiz", "reparameterization"))
def _(c):
    eta = sp.Rational(1, 10)
    p_step = sp.Rational(1, 2) - eta * sp.diff(-sp.log(sp.Symbol("p")), sp.Symbol("p")).subs(sp.Symbol("p"), sp.Rational(1, 2))
    phi_step = 0 - eta * (sp.Rational(1, 2) - 1)                   # ∇_φ(−log σ(φ)) = σ(φ) − 1 at φ = 0
    landed = 1 / (1 + sp.exp(-phi_step))
    c.prove(p_step, sp.Rational(7, 10), scope="loss −log p, y = 1, from p = ½, η = 1/10: the p-step lands at 0.7")
    gap = sp.N(p_step - landed, 50)
    c.observe(bool(abs(gap) > sp.Rational(1, 10)), scope=fifty_digits,
              detail=f"the logit step lands at p = σ(1/20) ≈ {sp.N(landed, 6)}, {sp.N(gap, 4)} away from 0.7")


@claim("quiz.q1-no-learning-rate-fixes-it",
       title="Q1, option D: no fixed learning rate reconciles the two parameterizations",
       statement=r"\frac{\Delta p_{\text{logit}}}{\Delta p_{\text{direct}}} \approx \frac{\eta_\phi}{\eta_p}\,(p(1-p))^2\ \text{varies with } p",
       source=(SECTION, "D. Because learning rates must be adjusted"),
       tags=("quiz", "reparameterization"))
def _(c):
    phi, eta = sp.symbols("phi eta", positive=True)
    p = sp.Symbol("p", positive=True)
    loss = sp.Function("L")
    p_of_phi = 1 / (1 + sp.exp(-phi))
    move_via_logit = sp.diff(p_of_phi, phi) * (-eta * sp.diff(loss(p_of_phi), phi))    # first-order change of p
    move_direct = (-eta * sp.diff(loss(p), p)).subs(p, p_of_phi)
    c.prove(move_via_logit / move_direct, (p_of_phi * (1 - p_of_phi)) ** 2,
            scope="Bernoulli p vs logit, any differentiable loss, all φ: the ratio of first-order moves is (p(1 − p))²",
            rewriters=[("cancel", sp.cancel)])
    ratio = (p * (1 - p)) ** 2
    c.prove(ratio.subs(p, sp.Rational(1, 2)) / ratio.subs(p, sp.Rational(1, 10)), sp.Rational(625, 81),
            scope="the ratio at p = ½ is 625/81 ≈ 7.7 times that at p = 1/10: one η cannot match both")


# ---------------------------------------------------------------- Question 2
@claim("quiz.q2-first-order-kl-constrained",
       title="Q2: the natural gradient solves the linear problem on the KL ellipsoid",
       statement=r"\arg\min_{\frac12 d\theta^TId\theta\le\epsilon}\nabla\mathcal{L}^Td\theta = -\sqrt{\tfrac{2\epsilon}{g^TI^{-1}g}}\,I^{-1}g",
       source=(SECTION, r"The natural gradient solves $\min_{d\theta} \nabla\mathcal{L}^T d\theta$ subject to $\frac{1}{2}d\theta^T I d\theta \leq \epsilon$."),
       depends_on=("ng.trust-region-minimiser", "ng.lagrangian-stationarity"), tags=("quiz", "derivation"))
def _(c):
    a, d, eps = sp.symbols("a d epsilon", positive=True)
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    fisher = sp.diag(a, d)
    scale = sp.sqrt(2 * eps / (g.T * fisher.inv() * g)[0])
    step = -scale * fisher.inv() * g
    c.prove((step.T * fisher * step)[0] / 2, eps, scope="diagonal 2×2 Fisher (any SPD Fisher is diagonal in its "
            "eigenbasis), symbolic g ≠ 0: the step lies on the boundary ½dθᵀIdθ = ε")
    multiplier = 1 / scale
    c.prove(g + multiplier * fisher * step, sp.zeros(2, 1),
            scope="stationarity ∇L + λIdθ = 0 with λ = 1/scale > 0 (the linear objective is minimised on the boundary)")


@claim("quiz.q2-option-a-is-newton",
       title="Q2: option A (minimise the second-order Taylor model) is Newton's step −H⁻¹∇L",
       statement=r"\arg\min_d\ g^Td + \tfrac12 d^THd = -H^{-1}g\quad(H \succ 0)",
       source=(SECTION, "Option A describes Newton's method (which uses the Hessian, not the Fisher)."),
       depends_on=("newton.what-it-optimises",), tags=("quiz", "newton"))
def _(c):
    a, b, e = sp.symbols("a b e", real=True)
    H = sp.Matrix([[a, b], [b, e]])
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    dvec = sp.Matrix(sp.symbols("d1:3", real=True))
    model = (g.T * dvec)[0] + (dvec.T * H * dvec)[0] / 2
    gradient = sp.Matrix([sp.diff(model, di) for di in dvec])
    c.prove(H.det() * gradient.subs(dict(zip(dvec, -H.adjugate() * g / H.det())), simultaneous=True), sp.zeros(2, 1),
            scope="2×2 symmetric H with symbolic entries, invertible: the model's gradient vanishes at −H⁻¹g")


@claim("quiz.q2-option-a-canonical-case",
       title="Q2 caveat: for a canonical exponential-family NLL the Hessian is the Fisher, so option A also gives the natural step",
       statement=r"\nabla_\theta^2\big[-\log p(y\mid\theta)\big] = I(\theta)\ \text{for all } y\ \text{(Bernoulli logit)}",
       source=(SECTION, "Option A describes Newton's method (which uses the Hessian, not the Fisher)."),
       depends_on=("quiz.q2-option-a-is-newton",), tags=("quiz", "newton"))
def _(c):
    y = sp.Symbol("y", real=True)
    nll = -(y * sp.log(sigma_u) + (1 - y) * sp.log(1 - sigma_u))
    c.prove(d_theta(d_theta(nll)), sigma_u * (1 - sigma_u), scope="Bernoulli logit, every label y, all real θ",
            rewriters=[("expand_log + cancel", lambda e: sp.cancel(sp.expand_log(e)))])


@claim("quiz.q2-option-c-makes-no-sense",
       title="Q2: option C (the Newton step for the KL divergence) doesn't make sense as a derivation of natural gradient",
       statement=r"\theta - (\nabla^2_\theta D_{KL})^{-1}\nabla_\theta D_{KL} \ne \theta - I^{-1}\nabla_\theta D_{KL}",
       source=(SECTION, "Option C doesn't make sense — the Newton step would be on the loss, not KL."),
       expect="false", depends_on=("problem1.unit-step-is-newton",), tags=("quiz", "newton", "erratum"))
def _(c):
    q = sp.Symbol("q", positive=True)
    kl = q * sp.log(q * (1 + u) / u) + (1 - q) * sp.log((1 - q) * (1 + u))     # D_KL(Bern(q) ‖ Bern(σ(θ)))
    newton = sp.log(u) - d_theta(kl) / d_theta(d_theta(kl))
    natural = sp.log(u) - d_theta(kl) / (sigma_u * (1 - sigma_u))
    gap = sp.cancel(sp.expand_log(newton - natural))
    c.observe(gap != 0, scope="exact symbolic computation, Bernoulli logit, every θ and target q",
              detail=f"the Newton step on D_KL(p* ‖ p_θ) minus the natural step reduces to {gap}: they coincide "
                     "exactly (Practice Problem 1's own setting), and ∇²_θ' D_KL(p_θ ‖ p_θ')|_θ'=θ = I(θ) in general",
              data={"difference": str(gap)})


@claim("quiz.q2-kl-hessian-is-fisher",
       title="Corrected: the KL's Hessian is the Fisher, so natural gradient is Newton's method on the KL-penalised linear model",
       statement=r"\arg\min_d\, g^Td + \lambda\cdot\tfrac12 d^TI d = -\tfrac1\lambda I^{-1}g,\quad \tfrac12 d^TId = D_{KL}(p_\theta\|p_{\theta+d}) + O(|d|^3)",
       source=(SECTION, "Option C doesn't make sense — the Newton step would be on the loss, not KL."),
       corrects="quiz.q2-option-c-makes-no-sense", depends_on=("ng.kl-second-order", "problem1.unit-step-is-newton"),
       tags=("quiz", "newton", "correction"))
def _(c):
    # The KL's second-order term is ½dᵀId (ng.kl-second-order); one Newton step on g·d + λ·KL from d = 0 is exact
    # for that quadratic and lands on the natural gradient direction.
    a, b, e, lam = sp.symbols("a b e lambda", positive=True)
    fisher = sp.Matrix([[a, b], [b, e]])
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    dvec = sp.Matrix(sp.symbols("d1:3", real=True))
    model = (g.T * dvec)[0] + lam * (dvec.T * fisher * dvec)[0] / 2
    hessian = sp.hessian(model, tuple(dvec))
    scaled_step = -hessian.adjugate() * g                           # det(H) times the Newton step −H⁻¹g from d = 0
    gradient_at_step = sp.Matrix([sp.diff(model, di) for di in dvec]).subs(
        {di: si / hessian.det() for di, si in zip(dvec, scaled_step)}, simultaneous=True)
    c.prove([hessian, gradient_at_step], [lam * fisher, sp.zeros(2, 1)],
            scope="2×2 symbolic SPD Fisher, λ > 0: the Hessian is λI and the Newton step −(λI)⁻¹g is the stationary "
                  "point — the natural gradient direction", rewriters=[("cancel", sp.cancel)])


# ---------------------------------------------------------------- Question 3
@claim("quiz.q3-fisher-is-minus-expected-hessian",
       title="Q3: I = −E[∇² log p] (Bartlett's second identity: = E[s sᵀ])",
       statement=r"I(\theta) = \mathbb{E}_{p_\theta}[s s^T] = -\mathbb{E}_{p_\theta}[\nabla_\theta^2 \log p]",
       source=(SECTION, r"Natural gradient: $I = -\mathbb{E}[\nabla_\theta^2 \log p]$."),
       depends_on=("empirical-fisher.bartlett",), tags=("quiz", "fisher", "bartlett"))
def _(c):
    # A general smooth model on 3 outcomes: p_i = e^{f_i}/Σ_j e^{f_j} with arbitrary logits f_i(θ).  Write
    # e_i = e^{f_i}, a_i = f_i', b_i = f_i'' and differentiate with the derivation D e_i = e_i a_i, D a_i = b_i.
    e = sp.symbols("e0:3", positive=True)
    a = sp.symbols("a0:3", real=True)
    b = sp.symbols("b0:3", real=True)
    rules = {**{ei: ei * ai for ei, ai in zip(e, a)}, **{ai: bi for ai, bi in zip(a, b)}}

    def D(expr):
        return sum((sp.diff(expr, sym) * image for sym, image in rules.items()), sp.S.Zero)
    Z = sum(e)
    probs = [ei / Z for ei in e]
    scores = [ai - D(Z) / Z for ai in a]                      # d/dθ (f_i − log Z)
    outer = sum(p * s ** 2 for p, s in zip(probs, scores))
    minus_hessian = -sum(p * D(s) for p, s in zip(probs, scores))
    c.prove(outer, minus_hessian, scope="any smooth one-parameter model on 3 outcomes (logits f_i(θ) arbitrary "
            "functions), all θ", rewriters=[("cancel", sp.cancel)])


@claim("quiz.q3-coincide-only-asymptotically",
       title="Q3: Hessian and Fisher coincide ONLY for a well-specified model with NLL loss, asymptotically (Bartlett)",
       statement=r"\nabla^2\mathcal{L}_{\text{NLL}} = I(\theta) \implies \text{well-specified and } n \to \infty",
       source=(SECTION, "They coincide ONLY when the model is well-specified and the loss is the negative log-likelihood"),
       expect="false", depends_on=("quiz.q2-option-a-canonical-case", "newton.coincide-exponential-family"), tags=("quiz", "bartlett", "erratum"))
def _(c):
    y = sp.Symbol("y", real=True)
    nll = -(y * sp.log(sigma_u) + (1 - y) * sp.log(1 - sigma_u))
    c.prove(d_theta(d_theta(nll)).subs({y: 1, u: 1}), (sigma_u * (1 - sigma_u)).subs(u, 1),
            scope="the premise at one point: Bernoulli logit, one observation y = 1, θ = 0: Hessian ¼ = Fisher ¼",
            rewriters=[("expand_log + cancel", lambda e: sp.cancel(sp.expand_log(e)))])
    c.counterexample({u: 1}, sigma_u, 1,
                     detail="yet with n = 1 and data y = 1 always (misspecified: the model gives y = 1 probability ½ "
                            "at θ = 0, the data 1), the Hessian equals the Fisher exactly — canonical exponential "
                            "families in natural parameters have H = I at every θ and for any data")


@claim("quiz.q3-where-they-coincide",
       title="Corrected: H = I exactly for canonical exponential families; otherwise E_model[H] = I (Bartlett) and H − I is a residual term",
       statement=r"-\partial_\theta^2\log\mathcal{N}(y\mid\theta^2,1) = 4\theta^2 - 2(y-\theta^2),\quad \mathbb{E}_{y\sim\mathcal{N}(\theta^2,1)}[\cdot] = 4\theta^2 = I(\theta)",
       source=(SECTION, "in that case, the Hessian and Fisher are asymptotically equal (Bartlett's identity)"),
       corrects="quiz.q3-coincide-only-asymptotically",
       depends_on=("quiz.q2-option-a-canonical-case", "quiz.q3-fisher-is-minus-expected-hessian", "newton.coincide-exponential-family", "empirical-fisher.hessian-is-fisher-in-natural-parameters"),
       tags=("quiz", "bartlett", "correction"))
def _(c):
    theta, y = sp.symbols("theta y", real=True)
    nll = (y - theta ** 2) ** 2 / 2
    hessian = sp.diff(nll, theta, 2)
    c.prove(hessian, 4 * theta ** 2 - 2 * (y - theta ** 2), scope="y ~ N(θ², 1), a non-canonical model: H depends on y")
    c.prove(hessian.subs(y, theta ** 2), sp.diff(theta ** 2, theta) ** 2,
            scope="its expectation over the model's y (E[y] = θ² enters linearly) is the Fisher (μ')² = 4θ²; at the "
                  "true parameter the average Hessian of n samples tends to it as n → ∞ — the 'asymptotic' case")


@claim("quiz.q3-fisher-always-psd",
       title="Q3: the Fisher is always PSD, the Hessian can be indefinite",
       statement=r"v^T\mathbb{E}[ss^T]v = \mathbb{E}[(v^Ts)^2] \ge 0;\quad -\partial_\theta^2\log\mathcal{N}(2\mid\theta^2,1)\big|_{\theta=1/2} = -\tfrac52",
       source=(SECTION, "natural gradient has the advantage of always being PSD"),
       depends_on=("newton.fisher-psd",), tags=("quiz", "fisher"))
def _(c):
    p = sp.symbols("p1:4", positive=True)
    scores = [sp.Matrix(sp.symbols(f"s{k}_1:3", real=True)) for k in range(3)]
    v = sp.Matrix(sp.symbols("v1:3", real=True))
    c.prove_nonnegative(sum(pk * ((v.T * sk)[0]) ** 2 for pk, sk in zip(p, scores)),
                        scope="any 3-outcome model with 2 parameters: vᵀE[ssᵀ]v is a positive combination of squares")
    theta, y = sp.symbols("theta y", real=True)
    c.prove(sp.diff((y - theta ** 2) ** 2 / 2, theta, 2).subs({theta: sp.Rational(1, 2), y: 2}), sp.Rational(-5, 2),
            scope="y ~ N(θ², 1) at θ = ½, y = 2: the NLL Hessian is −5/2 < 0")


# ---------------------------------------------------------------- Question 4
@claim("quiz.q4-variance-scaling",
       title="Q4: for N(μ, σ²) the Fisher of μ is 1/σ², so the natural step for μ is σ² times the gradient",
       statement=r"I_{\mu\mu} = 1/\sigma^2,\quad \tilde\nabla_\mu\mathcal{L} = \sigma^2\nabla_\mu\mathcal{L}",
       source=(SECTION, r"the Fisher information is small ($1/\sigma^2$), so $I^{-1} = \sigma^2$ is large — the update is amplified"),
       depends_on=("gaussian.ng-mean",), tags=("quiz", "gaussian"))
def _(c):
    m, x, w = sp.symbols("mu x w", real=True)
    s = sp.Symbol("sigma", positive=True)
    score = sp.diff(-(x - m) ** 2 / (2 * s ** 2), m)
    standard = sp.exp(-w ** 2 / 2) / sp.sqrt(2 * sp.pi)
    fisher = sp.integrate(sp.expand((score ** 2).subs(x, m + s * w)) * standard, (w, -sp.oo, sp.oo))
    g = sp.Symbol("g", real=True)
    c.prove([fisher, g / fisher], [1 / s ** 2, s ** 2 * g], scope="N(x | μ, σ²), all real μ, σ > 0, gradient g")


@claim("quiz.q4-annealing",
       title="Q4: as σ² → 0 the natural step for μ shrinks, annealing the learning rate",
       statement=r"\lim_{\sigma\to0}\eta\,\sigma^2\nabla_\mu\mathcal{L} = 0",
       source=(SECTION, r"As you become confident ($\sigma^2 \to 0$), the step size shrinks, naturally annealing the learning rate."),
       expect="holds-if", condition="∇_μL stays bounded as σ → 0 (e.g. the ELBO's expected-loss term E_q[f(z)] with f' "
                                    "bounded); when the gradient grows like 1/σ² the step does not shrink",
       depends_on=("quiz.q4-variance-scaling",), tags=("quiz", "gaussian", "erratum"))
def _(c):
    m, z0 = sp.symbols("mu z0", real=True)
    s = sp.Symbol("sigma", positive=True)
    loss = (z0 - m) ** 2 / (2 * s ** 2) + sp.log(s)          # −log q(z₀ | μ, σ) up to a constant
    natural_step = sp.limit(sp.cancel(s ** 2 * sp.diff(loss, m)), s, 0)
    c.counterexample({m: 1, z0: 0}, natural_step, 0,
                     detail="loss −log q(z₀ | μ, σ) with z₀ = 0 at μ = 1: σ²∇_μL = μ − z₀ = 1 for every σ, so the "
                            "natural step does not shrink as σ → 0")


@claim("quiz.q4-annealing-bounded-gradient",
       title="Corrected: with a bounded μ-gradient (E_q[z²] here) the natural μ-step is O(σ²)",
       statement=r"\nabla_\mu\mathbb{E}_{z\sim\mathcal{N}(\mu,\sigma^2)}[z^2] = 2\mu,\quad \sigma^2\cdot 2\mu \to 0",
       source=(SECTION, r"As you become confident ($\sigma^2 \to 0$), the step size shrinks, naturally annealing the learning rate."),
       corrects="quiz.q4-annealing", tags=("quiz", "gaussian", "correction"))
def _(c):
    m, w = sp.symbols("mu w", real=True)
    s = sp.Symbol("sigma", positive=True)
    standard = sp.exp(-w ** 2 / 2) / sp.sqrt(2 * sp.pi)
    expected = sp.integrate(sp.expand((m + s * w) ** 2) * standard, (w, -sp.oo, sp.oo))
    c.prove(sp.diff(expected, m), 2 * m, scope="all real μ, σ > 0: the gradient does not depend on σ")
    c.prove(sp.limit(s ** 2 * sp.diff(expected, m), s, 0), 0, scope="so the natural step σ²·2μ → 0 as σ → 0")


# ---------------------------------------------------------------- Question 5
@claim("quiz.q5-kfac-factors",
       title="Q5: the per-example Fisher block of W is (aaᵀ) ⊗ (ggᵀ); with a independent of g its mean is E[aaᵀ] ⊗ E[ggᵀ]",
       statement=r"\mathbb{E}[(\mathbf{a}\mathbf{a}^T)\otimes(\mathbf{g}\mathbf{g}^T)] = \mathbb{E}[\mathbf{a}\mathbf{a}^T]\otimes\mathbb{E}[\mathbf{g}\mathbf{g}^T]\ \text{if}\ \mathbf{a}\perp\mathbf{g}",
       source=(SECTION, "under the assumption that activations and backpropagated gradients are independently distributed"),
       depends_on=("kfac.factorisation", "kfac.factorisation-exact"), tags=("quiz", "kfac"))
def _(c):
    # The symbolic identities (vec(gaᵀ) = a ⊗ g, its outer product, the expectation under independence) are
    # proved by kfac.factorisation-exact; here the kernels are checked on an exactly independent sample.
    def product_design(a_samples, g_samples):
        # every pairing of the a-samples with the g-samples: an exactly independent empirical distribution
        a_all = np.repeat(a_samples, len(g_samples), axis=0)
        g_all = np.tile(g_samples, (len(a_samples), 1))
        A, G = kfac_factors(a_all, g_all, bias=False)
        exact = np.mean([np.kron(np.outer(x, x), np.outer(y, y)) for x, y in zip(a_all, g_all)], axis=0)
        return close(kronecker_dense(A, G), exact, cond=16)
    c.fuzz(product_design, arrays(np.float64, (3, 3), elements=reals(-2, 2)), arrays(np.float64, (4, 2), elements=reals(-2, 2)),
           scope="kfac_factors + kronecker_dense vs the mean of np.kron((aaᵀ), (ggᵀ)) over an independent product "
                 "design, n_in = 3, n_out = 2; 25 cases (lowered budget)", max_examples=25)


# ---------------------------------------------------------------- Question 6
@claim("quiz.q6-large-damping-is-gradient",
       title="Q6: as λ → ∞ the damped step is ≈ ∇L/λ, standard gradient descent — with relative error at most λ_max/λ",
       statement=r"\Big|\frac{\lambda}{\lambda_i+\lambda} - 1\Big| = \frac{\lambda_i}{\lambda_i+\lambda} \le \frac{\lambda_i}{\lambda}",
       source=(SECTION, r"As $\lambda \to \infty$, the update becomes $\approx \frac{1}{\lambda} \nabla\mathcal{L}$ — standard gradient descent."),
       depends_on=("damping.interpolation-limits",), tags=("quiz", "damping"))
def _(c):
    # The limit itself is proved by damping.interpolation-limits; here, how fast: per eigen-direction of I.
    mode, lam = sp.symbols("lambda_i lambda", positive=True)
    c.prove(1 - lam / (mode + lam), mode / (mode + lam), scope="one eigen-direction, λ_i ≥ 0, λ > 0")
    c.prove_nonnegative(sp.cancel(mode / lam - mode / (mode + lam)),
                        scope="so λ(I + λ𝟙)⁻¹g = g up to a relative error ≤ λ_max/λ, i.e. O(1/λ)")


@claim("quiz.q6-small-damping-is-natural",
       title="Q6: as λ → 0 we recover the pure natural gradient",
       statement=r"\lim_{\lambda\to0}(I+\lambda\mathbb{1})^{-1}g = I^{-1}g",
       source=(SECTION, r"As $\lambda \to 0$, we recover pure natural gradient."),
       expect="holds-if", condition="the Fisher is invertible — or, for a singular Fisher, the gradient lies in its range, "
                                    "where the limit is the pseudoinverse step I⁺g; the singular case is the one the "
                                    "question says damping is for",
       depends_on=("damping.interpolation",), tags=("quiz", "damping", "erratum"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    fisher = sp.diag(1, 0)
    g = sp.Matrix([1, 1])
    damped_step = (fisher + lam * sp.eye(2)).inv() * g
    c.counterexample({}, sp.limit(lam * damped_step[1], lam, 0), 0,
                     detail="singular Fisher diag(1, 0), g = (1, 1): the damped step is (1/(1 + λ), 1/λ); λ times its "
                            "second entry stays 1, so the step diverges as λ → 0 instead of reaching a natural gradient")


@claim("quiz.q6-small-damping-limit",
       title="Corrected: as λ → 0 the damped step tends to I⁻¹g (invertible I) or I⁺g (g in the range of a singular I)",
       statement=r"\lim_{\lambda\to0}(I+\lambda\mathbb{1})^{-1}g = I^{+}g\ \text{for}\ g\in\mathrm{range}(I)",
       source=(SECTION, r"As $\lambda \to 0$, we recover pure natural gradient."),
       corrects="quiz.q6-small-damping-is-natural", depends_on=("categorical.damped-limit-on-range",), tags=("quiz", "damping", "correction"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    l1 = sp.Symbol("lambda1", positive=True)
    g1 = sp.Symbol("g1", real=True)
    fisher = sp.diag(l1, 0)
    g = sp.Matrix([g1, 0])                          # in the range of the singular Fisher
    c.prove(((fisher + lam * sp.eye(2)).inv() * g).applyfunc(lambda e: sp.limit(e, lam, 0)), fisher.pinv() * g,
            scope="Fisher eigenbasis with one zero eigenvalue, g in the range: the limit is the pseudoinverse step")


@claim("quiz.q6-continuous-trust-region",
       title="Q6: damping is a continuous trust-region mechanism: each radius below ‖I⁻¹g‖ is the step length of one λ",
       statement=r"r \in (0, \|I^{-1}g\|) \implies \exists!\,\lambda > 0:\ \|(I+\lambda\mathbb{1})^{-1}g\| = r",
       source=(SECTION, "It's a continuous trust-region mechanism."),
       depends_on=("damping.trust-region",), tags=("quiz", "damping", "trust-region"))
def _(c):
    # damping.trust-region proves the step length strictly decreases in λ; with its limits ‖I⁻¹g‖ (λ → 0) and 0
    # (λ → ∞) every radius is reached once.  Numerically: solve the secular equation Σ cᵢ²/(λᵢ + λ)² = r² from an
    # eigendecomposition and check the kernel's damped step has length r there.
    from scipy.optimize import brentq

    def radius_reached(fisher_num, grad, fraction):
        values, vecs = np.linalg.eigh(fisher_num)
        coefficients = vecs.T @ grad
        radius = fraction * np.linalg.norm(coefficients / values)

        def secular(damping):
            return np.linalg.norm(coefficients / (values + damping)) - radius
        damping = brentq(secular, 0.0, np.linalg.norm(grad) / radius, xtol=1e-14, rtol=1e-14)
        step = natural_gradient(fisher_num, grad, damping=damping)
        reached = np.linalg.norm(coefficients / (values + damping))      # = r up to brentq's tolerance
        return [close(np.linalg.norm(step), reached, cond=np.linalg.cond(fisher_num + damping * np.eye(len(grad)))),
                # brentq's error in λ (xtol + rtol·λ) moves the length by at most that over (λ_min + λ), relatively
                close(reached, radius, cond=max(1.0, (1e-14 + 1e-14 * damping) / (values.min() + damping)
                                                 / (32 * np.finfo(float).eps)), what="the root reaches r")]
    c.fuzz(radius_reached, spd_matrices(4, cond=1e3), vectors(4, 0.1, 1), reals(0.05, 0.95),
           scope="natural_gradient kernel at the λ solving the secular equation (eigh + brentq) has step length r, "
                 "d = 4, r = f‖I⁻¹g‖ with f ∈ [0.05, 0.95]")


# ---------------------------------------------------------------- the answers, and the remaining explanation sentences
@claim("quiz.q1-answer",
       title="Q1 answer: the Euclidean inner product is not invariant under a change of coordinates; the Fisher one is",
       statement=r"\langle Jv, Jv\rangle \ne \langle v, v\rangle\ \text{in general},\quad (Jv)^T J^{-T}IJ^{-1}(Jv) = v^TIv",
       source=(SECTION, r"Because the Euclidean inner product $\langle\cdot,\cdot\rangle$ doesn't transform correctly under coordinate changes"),
       depends_on=("quiz.q1-gradient-transform",), tags=("quiz", "reparameterization"))
def _(c):
    J = sp.Matrix([[2, 0], [1, 1]])
    v = sp.Matrix([1, 1])
    c.prove([(v.T * v)[0], ((J * v).T * (J * v))[0]], [2, 8], scope="J = [[2, 0], [1, 1]], v = (1, 1): |v|² = 2 but |Jv|² = 8")
    a, b, d = sp.symbols("a b d", real=True)
    fisher = sp.Matrix([[a, b], [b, d]])
    M = sp.Matrix(2, 2, sp.symbols("m1:5", real=True))
    w = sp.Matrix(sp.symbols("w1:3", real=True))
    transformed = M.adjugate().T * fisher * M.adjugate()           # det² · J⁻ᵀIJ⁻¹
    c.prove(((M * w).T * transformed * (M * w))[0], M.det() ** 2 * (w.T * fisher * w)[0],
            scope="2×2 symbolic Jacobian and Fisher: the Fisher inner product is invariant (J⁻¹ = adj/det)")


@claim("quiz.q2-answer",
       title="Q2 answer: minimising the linearised loss on the KL ball gives the (scaled) natural gradient",
       statement=r"\arg\min_{\frac12 d^TFd\le\delta} g^Td = -\sqrt{2\delta/g^TF^{-1}g}\,F^{-1}g",
       source=(SECTION, "Minimizing a first-order approximation of the loss subject to a KL divergence constraint"),
       depends_on=("quiz.q2-first-order-kl-constrained",), tags=("quiz", "derivation", "trust-region"))
def _(c):
    def kernel_vs_whitened_minimiser(fisher, grad, delta):
        # in whitened coordinates e = Lᵀd the ball is a sphere and the minimiser points along −L⁻¹g
        L = np.linalg.cholesky(fisher)
        whitened = np.linalg.solve(L, grad)
        minimiser = -np.sqrt(2 * delta) * np.linalg.solve(L.T, whitened / np.linalg.norm(whitened))
        step = trust_region_step(natural_gradient(fisher, grad), grad, delta)
        return close(step, minimiser, cond=np.linalg.cond(fisher))
    c.fuzz(kernel_vs_whitened_minimiser, spd_matrices(4, cond=1e4), vectors(4, 0.1, 1), dampings(1e-3, 1),
           scope="natural_gradient + trust_region_step kernels vs the minimiser found in whitened coordinates, d = 4")


@claim("quiz.q2-linear-problem",
       title="Q2: the problem has a linear objective and a convex quadratic constraint",
       statement=r"\nabla^2_{d\theta}(\nabla\mathcal{L}^Td\theta) = 0,\quad \nabla^2_{d\theta}\big(\tfrac12 d\theta^TId\theta\big) = I \succeq 0",
       source=(SECTION, "This is a constrained linear (first-order) problem."),
       tags=("quiz", "derivation"))
def _(c):
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    dtheta = sp.symbols("d1:3", real=True)
    a, b, d = sp.symbols("a b d", real=True)
    fisher = sp.Matrix([[a, b], [b, d]])
    dvec = sp.Matrix(dtheta)
    c.prove([sp.hessian((g.T * dvec)[0], dtheta), sp.hessian((dvec.T * fisher * dvec)[0] / 2, dtheta)],
            [sp.zeros(2, 2), fisher], scope="2 parameters, symbolic g and symmetric I")


# Newton vs natural gradient on the non-canonical model y ~ N(θ², 1) at θ = 1, y = 0.
theta_nc, y_nc = sp.symbols("theta y", real=True)
nll_nc = (y_nc - theta_nc ** 2) ** 2 / 2
at_nc = {theta_nc: 1, y_nc: 0}


@claim("quiz.q3-answer",
       title="Q3 answer: Newton preconditions with the loss Hessian, natural gradient with the model's Fisher",
       statement=r"H = \partial_\theta^2\mathcal{L} = 6,\quad I = (\partial_\theta\theta^2)^2 = 4\quad (y\sim\mathcal{N}(\theta^2,1),\ \theta = 1,\ y = 0)",
       source=(SECTION, "Newton uses the Hessian of the loss; natural gradient uses the Fisher of the model"),
       tags=("quiz", "newton"))
def _(c):
    c.prove([sp.diff(nll_nc, theta_nc, 2).subs(at_nc), (sp.diff(theta_nc ** 2, theta_nc) ** 2).subs(at_nc)], [6, 4],
            scope="the NLL of y ~ N(θ², 1) at θ = 1 with y = 0: the two matrices differ (so option A, 'identical when "
                  "the loss is the NLL', fails too)")


@claim("quiz.q3-different-matrices",
       title="Q3: the two preconditioners give different steps",
       statement=r"-H^{-1}g = -\tfrac13 \ne -\tfrac12 = -I^{-1}g\quad(\theta = 1,\ y = 0)",
       source=(SECTION, "They use fundamentally different matrices."),
       depends_on=("quiz.q3-answer",), tags=("quiz", "newton"))
def _(c):
    g = sp.diff(nll_nc, theta_nc).subs(at_nc)
    c.prove([-g / sp.diff(nll_nc, theta_nc, 2).subs(at_nc), -g / 4], [sp.Rational(-1, 3), sp.Rational(-1, 2)],
            scope="gradient 2 at θ = 1, y = 0: Newton moves −1/3, natural gradient −1/2")


@claim("quiz.q4-answer",
       title="Q4 answer: a larger σ² (more uncertainty) gives a larger natural update for μ",
       statement=r"\frac{\partial}{\partial\sigma}\big|\sigma^2 g\big| = 2\sigma|g| \ge 0",
       source=(SECTION, "Parameters with higher uncertainty get larger updates (more aggressive)"),
       depends_on=("quiz.q4-variance-scaling", "gaussian.high-uncertainty-larger-updates"), tags=("quiz", "gaussian"))
def _(c):
    s = sp.Symbol("sigma", positive=True)
    g = sp.Symbol("g", real=True)
    c.prove(sp.diff(s ** 2 * sp.Abs(g), s), 2 * s * sp.Abs(g), scope="σ > 0, any gradient g")
    c.prove_nonnegative(2 * s * sp.Abs(g), scope="so the step grows with σ (strictly when g ≠ 0)")


@claim("quiz.q4-formula",
       title="Q4: the natural μ-gradient is σ² times the gradient (the lesson's ∇μ stands for ∇_μ)",
       statement=r"\tilde\nabla_\mu\mathcal{L} = \sigma^2\nabla_\mu\mathcal{L}",
       source=(SECTION, r"$\tilde{\nabla}\mu\mathcal{L} = \sigma^2 \nabla\mu\mathcal{L}$"),
       depends_on=("quiz.q4-variance-scaling",), tags=("quiz", "gaussian"))
def _(c):
    s, g = sp.symbols("sigma g", positive=True)
    c.prove(g / (1 / s ** 2), s ** 2 * g, scope="σ > 0: dividing by the Fisher 1/σ² multiplies by σ²")

    def kernel_vs_formula(mu, sigma, grad):
        nat_mu, _ = gaussian_natural_gradient(np.array([mu]), np.array([sigma]), np.array([grad]), np.array([0.0]))
        return close(nat_mu[0], sigma ** 2 * grad)
    c.fuzz(kernel_vs_formula, reals(-5, 5), reals(0.01, 100), reals(-10, 10), max_examples=15,
           scope="gaussian_natural_gradient kernel's μ part vs σ²g, σ ∈ [0.01, 100]; 15 cases (lowered budget)")


@claim("quiz.q5-answer",
       title="Q5 answer: A is the activation covariance, G the pre-activation gradient covariance",
       statement=r"A = \mathrm{Cov}[\mathbf{a}],\quad G = \mathrm{Cov}[\mathbf{g}]",
       source=(SECTION, r"$A$ is the activation covariance and $G$ is the pre-activation gradient covariance"),
       expect="holds-if",
       condition="'covariance' is read as the uncentred second moment: A = E[aaᵀ] equals Cov[a] only for zero-mean "
                 "activations (never with a bias column, nor for ReLU outputs); G = E[ggᵀ] is a covariance because "
                 "E[g] = 0 under labels drawn from the model",
       depends_on=("kfac.factors-are-covariances",), tags=("quiz", "kfac", "terminology", "erratum"))
def _(c):
    activations = np.array([[1.0, 2.0], [3.0, 0.0]])
    A, _ = kfac_factors(activations, np.ones((2, 1)), bias=True)
    c.counterexample({}, sp.nsimplify(A[-1, -1]), 0,
                     detail="kfac_factors with the bias column: A's last diagonal entry is E[1·1] = 1, while the "
                            "variance of the constant bias input is 0")


@claim("quiz.q5-g-is-centred",
       title="Corrected: under model-sampled labels the pre-activation gradient has mean zero, so G is its covariance; A is E[aaᵀ]",
       statement=r"\mathbb{E}_{\tilde y\sim\mathrm{Cat}(\pi)}[e_{\tilde y} - \pi] = 0 \implies \mathbb{E}[\mathbf{g}] = 0",
       source=(SECTION, r"$A$ is the activation covariance and $G$ is the pre-activation gradient covariance"),
       corrects="quiz.q5-answer", depends_on=("kfac.factors-second-moments",), tags=("quiz", "kfac", "correction"))
def _(c):
    p = sp.symbols("p1:3", positive=True)
    probs = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])
    W = sp.Matrix(3, 2, sp.symbols("w1:7", real=True))    # g = Wᵀ(e_ỹ − π) for a layer feeding the logits linearly
    mean = sum((probs[k] * W.T * (sp.eye(3)[:, k] - probs) for k in range(3)), sp.zeros(2, 1))
    c.prove(mean, sp.zeros(2, 1), scope="3 classes, a 2-unit layer feeding the logits through symbolic W")


@claim("quiz.q5-layer-structure",
       title="Q5: for a layer s = Wa the per-example gradient of W is the outer product g aᵀ",
       statement=r"\frac{\partial\ell}{\partial W} = \mathbf{g}\mathbf{a}^T,\quad \mathbf{g} = \frac{\partial\ell}{\partial\mathbf{s}}",
       source=(SECTION, r"K-FAC exploits the structure of feedforward layers $W\mathbf{a}$."),
       tags=("quiz", "kfac"))
def _(c):
    W = sp.Matrix(2, 3, sp.symbols("W1:7", real=True))
    a = sp.Matrix(sp.symbols("a1:4", real=True))
    t = sp.Matrix(sp.symbols("t1:3", real=True))
    s_sym = sp.Matrix(sp.symbols("s1:3", real=True))
    loss_of_s = ((s_sym - t).T * (s_sym - t))[0] / 2 + sp.exp(s_sym[0])      # any smooth loss of the pre-activations
    at_layer = dict(zip(s_sym, W * a))
    loss = loss_of_s.subs(at_layer, simultaneous=True)
    g = sp.Matrix([sp.diff(loss_of_s, si) for si in s_sym]).subs(at_layer, simultaneous=True)
    c.prove(W.applyfunc(lambda w: sp.diff(loss, w)), g * a.T, scope="2×3 layer, symbolic W, a, a smooth loss of s = Wa")


@claim("quiz.q6-answer",
       title="Q6 answer: damping bounds the step when the Fisher is ill-conditioned or singular",
       statement=r"\|I^{-1}g\| = 1/\epsilon \to \infty,\quad \|(I+\lambda\mathbb{1})^{-1}g\| \le \|g\|/\lambda\quad(I = \mathrm{diag}(1,\epsilon),\ g = e_2)",
       source=(SECTION, r"To prevent the step size from being too large when $I$ is ill-conditioned or singular"),
       depends_on=("damping.eigenvalue-bound",), tags=("quiz", "damping"))
def _(c):
    eps, lam = sp.symbols("epsilon lambda", positive=True)
    fisher = sp.diag(1, eps)
    g = sp.Matrix([0, 1])
    c.prove([(fisher.inv() * g)[1], ((fisher + lam * sp.eye(2)).inv() * g)[1]], [1 / eps, 1 / (eps + lam)],
            scope="all ε, λ > 0: undamped 1/ε (unbounded as ε → 0), damped 1/(ε + λ) < 1/λ")
    c.prove_nonnegative(sp.cancel(1 / lam - 1 / (eps + lam)), scope="the damped step never exceeds ‖g‖/λ")

    def step_within_bound(fisher_num, grad, damping):
        step = natural_gradient(fisher_num, grad, damping=damping)
        bound = np.linalg.norm(grad) / damping
        return close(min(np.linalg.norm(step), bound), np.linalg.norm(step), cond=np.linalg.cond(fisher_num + damping * np.eye(5)))
    c.fuzz(step_within_bound, psd_matrices(5, rank=2), vectors(5), dampings(1e-3, 1e2),
           scope="natural_gradient kernel on singular PSD Fishers (rank 2, d = 5), λ ∈ [1e-3, 1e2]: ‖step‖ ≤ ‖g‖/λ")


@claim("quiz.q6-inverse-blows-up",
       title="Q6: the Fisher can be singular (softmax logits) or ill-conditioned, and then its inverse blows up",
       statement=r"\det(\mathrm{diag}\,\pi - \pi\pi^T) = 0,\quad \|(\mathrm{diag}(1,\epsilon))^{-1}\| = 1/\epsilon",
       source=(SECTION, r"The Fisher can be ill-conditioned (eigenvalues near zero) or even singular, causing $I^{-1}$ to blow up."),
       depends_on=("categorical.fisher-rank",), tags=("quiz", "damping"))
def _(c):
    p = sp.symbols("p1:3", positive=True)
    probs = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])
    c.prove((sp.diag(*probs) - probs * probs.T).det(), 0, scope="3-class softmax logits, every π: singular")

    def kernel_fisher_is_singular(pr):
        fisher = categorical_fisher(pr)
        return close(fisher @ np.ones(pr.size) + 1.0, np.ones(pr.size), cond=pr.size)
    c.fuzz(kernel_fisher_is_singular, probability_vectors(6), scope="categorical_fisher kernel: F·1 = 0 (compared as "
           "F·1 + 1 vs 1), K = 6")


@claim("quiz.q6-option-a-wrong",
       title="Q6, option A ('to ensure the Fisher matrix is positive definite') is not why damping is needed",
       statement=r"\text{damping is not needed for positive definiteness: } I(\theta) \succ 0",
       source=(SECTION, "To ensure the Fisher matrix is positive definite"),
       expect="false", tags=("quiz", "damping", "erratum"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    half = sp.Rational(1, 2)
    probs = sp.Matrix([half, half])
    fisher = sp.diag(*probs) - probs * probs.T
    c.counterexample({lam: sp.Rational(1, 10)}, (fisher + lam * sp.eye(2)).det(), fisher.det(),
                     detail="the softmax Fisher at π = (½, ½) is singular (det 0, only PSD); damping with λ = 1/10 makes "
                            "it positive definite (det 0.06): making I positive definite is exactly what damping does — "
                            "option A names the same mechanism as B")


@claim("quiz.q6-damping-makes-pd",
       title="Corrected: F + λ𝟙 ⪰ λ𝟙 ≻ 0 for PSD F — damping makes the Fisher positive definite, which is what bounds the step",
       statement=r"x^T(BB^T + \lambda\mathbb{1})x - \lambda x^Tx = \|B^Tx\|^2 \ge 0",
       source=(SECTION, "To ensure the Fisher matrix is positive definite"),
       corrects="quiz.q6-option-a-wrong", depends_on=("damping.eigenvalue-bound",), tags=("quiz", "damping", "correction"))
def _(c):
    B = sp.Matrix(2, 2, sp.symbols("b1:5", real=True))
    x = sp.Matrix(sp.symbols("x1:3", real=True))
    lam = sp.Symbol("lambda", positive=True)
    c.prove((x.T * (B * B.T + lam * sp.eye(2)) * x)[0] - lam * (x.T * x)[0], ((B.T * x).T * (B.T * x))[0],
            scope="any PSD 2×2 Fisher BBᵀ, symbolic x, λ > 0")


uncheckable(SECTION, r"Newton: $H = \nabla_\theta^2\mathcal{L}$.", "a definition (Newton's preconditioner)")
uncheckable(SECTION, "Intuitively, if you're very uncertain about a parameter, you should take bigger steps to explore the space.",
            "an intuition about exploration, not a statement with a test; the scaling it explains is checked by "
            "quiz.q4-variance-scaling (σ² is the variance of q over z; 1/σ² is the Fisher for μ)")
uncheckable(SECTION, "This Kronecker structure is key to making natural gradient tractable in deep networks.",
            "an assessment of importance; the cost claims are checked by summary.kfac-cost and the K-FAC section")
uncheckable(SECTION, "Option D is not how the derivation works.",
            "option D ('using the chain rule on the Fisher matrix') names no derivation that could be carried out and checked")

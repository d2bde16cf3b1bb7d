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
EXPAND_LOG_CANCEL = ("expand_log + cancel", lambda e: sp.cancel(sp.expand_log(e)))


def d_theta(f):
    return u * sp.diff(f, u)


# ---------------------------------------------------------------- Question 1
@claim("quiz.q1-gradient-transform",
       title="Q1: under φ = g(θ) the gradient transforms as ∇_φL = J⁻ᵀ∇_θL",
       statement=r"\nabla_\phi\mathcal{L} = J^{-T}\nabla_\theta\mathcal{L},\quad J = \partial\phi/\partial\theta",
       source=(SECTION, r"the gradient transforms as $\nabla_\phi\mathcal{L} = J^{-T}\nabla_\theta\mathcal{L}$"),
       reading="The chain rule for a smooth invertible φ = g(θ): ∇_θL = Jᵀ∇_φL with J = ∂φ/∂θ, that is ∇_φL = "
               "J⁻ᵀ∇_θL at corresponding points. Checked in 1-D for the logit map with any loss, and for a "
               "symbolic 2-D linear map.",
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
       reading="The Fisher form dθᵀI dθ is unchanged by a change of coordinates (dθ → J dθ, I → J⁻ᵀIJ⁻¹), "
               "while the Euclidean |Δθ|² charges equal parameter moves equally although their KL cost differs "
               "from place to place. Checked on the Bernoulli in its probability and its logit.",
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
       reading="The standard steps taken from the same distribution in θ and in φ = g(θ) land on different "
               "distributions, not merely at different coordinates. Checked on the Bernoulli, loss −log p, "
               "from p = ½ with η = 1/10: the step in p lands at 0.7, the step in the logit at σ(1/20) ≈ 0.51.",
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
       reading="The quiz rejects option D: the non-invariance is not cured by adjusting the learning rate. "
               "Read as: no single rescaling of η makes the updates in p and in its logit agree, because the "
               "ratio of their first-order moves, (p(1 − p))², changes from point to point.",
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
       reading="The explanation's problem: minimise the linear model ∇Lᵀdθ subject to the second-order KL "
               "constraint ½dθᵀIdθ ≤ ε. Its minimiser is a negative multiple of I⁻¹∇L lying on the boundary, "
               "with a positive Lagrange multiplier.",
       depends_on=("ng.lagrangian-stationarity",), tags=("quiz", "derivation"))
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
       reading="Minimising the second-order Taylor model g·d + ½dᵀHd of the loss gives Newton's step −H⁻¹g (H "
               "invertible): option A describes Newton's method, whose matrix is the loss Hessian.",
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
       reading="Context for the sentence, not a verdict on it (quiz.q2-option-a-is-newton proves the "
               "sentence): for the lesson's own Bernoulli-logit NLL the Hessian equals the Fisher for every "
               "label, so there option A's Newton step and the natural step coincide; Newton still uses the "
               "Hessian.",
       depends_on=("quiz.q2-option-a-is-newton",), tags=("quiz", "newton"))
def _(c):
    y = sp.Symbol("y", real=True)
    nll = -(y * sp.log(sigma_u) + (1 - y) * sp.log(1 - sigma_u))
    c.prove(d_theta(d_theta(nll)), sigma_u * (1 - sigma_u), scope="Bernoulli logit, every label y, all real θ",
            rewriters=[EXPAND_LOG_CANCEL])


@claim("quiz.q2-option-c-makes-no-sense",
       title="Q2: option C (the Newton step for the KL divergence) does not derive the update — at θ the KL's Newton step is 0",
       statement=r"\partial_{\theta'}D_{KL}(p_\theta\|p_{\theta'})\big|_{\theta'=\theta} = 0,\quad "
                 r"\partial^2_{\theta'}D_{KL}(p_\theta\|p_{\theta'})\big|_{\theta'=\theta} = I(\theta)",
       source=(SECTION, "Option C doesn't make sense — the Newton step would be on the loss, not KL."),
       reading="Option C read as a derivation of Δθ = −ηI⁻¹∇L for a general loss L. It is not one: the KL "
               "θ' ↦ D_KL(p_θ‖p_θ') has gradient 0 and Hessian I(θ) at θ' = θ, so its Newton step is 0 and contains "
               "no ∇L; a Newton step that produces the update has to be taken on an objective containing the loss, "
               "as the sentence says.",
       wording="'Doesn't make sense' is stronger than the facts: option C names the right matrix (the Fisher is the "
               "KL's Hessian), and the natural step is one Newton step on the KL-penalised linear model "
               "∇Lᵀd + λ·½dᵀId (option B's Lagrangian); when the loss is itself a KL to a fixed exponential-family "
               "target (Practice Problem 1) the Newton step on that loss is the natural step. The wrong part of C "
               "is the objective, not the matrix.",
       depends_on=("ng.kl-second-order",), tags=("quiz", "newton"))
def _(c):
    v = sp.Symbol("v", positive=True)                       # v = e^θ' for the KL's second argument, u = e^θ
    sigma_v = v / (1 + v)
    kl_in_second = sigma_u * sp.log(sigma_u / sigma_v) + (1 - sigma_u) * sp.log((1 - sigma_u) / (1 - sigma_v))
    gradient = v * sp.diff(kl_in_second, v)
    hessian = v * sp.diff(gradient, v)
    c.prove([gradient.subs(v, u), hessian.subs(v, u)], [0, sigma_u * (1 - sigma_u)],
            scope="Bernoulli logit, every θ: at θ' = θ the KL's gradient is 0 and its Hessian the Fisher σ(1 − σ), "
                  "so its Newton step −0/I = 0 involves no loss", rewriters=[EXPAND_LOG_CANCEL])
    # What C gets right: the KL's second-order term is ½dᵀId, and one Newton step from d = 0 on the penalised
    # linear model g·d + λ·½dᵀId (exact for a quadratic) lands on the natural gradient direction −I⁻¹g/λ.
    a, b, e, lam = sp.symbols("a b e lambda", positive=True)
    fisher = sp.Matrix([[a, b], [b, e]])
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    dvec = sp.Matrix(sp.symbols("d1:3", real=True))
    model = (g.T * dvec)[0] + lam * (dvec.T * fisher * dvec)[0] / 2
    hessian_model = sp.hessian(model, tuple(dvec))
    scaled_step = -hessian_model.adjugate() * g                    # det(H) times the Newton step −H⁻¹g from d = 0
    gradient_at_step = sp.Matrix([sp.diff(model, di) for di in dvec]).subs(
        {di: si / hessian_model.det() for di, si in zip(dvec, scaled_step)}, simultaneous=True)
    c.prove([hessian_model, gradient_at_step, hessian_model.det() * fisher.inv() * g / lam],
            [lam * fisher, sp.zeros(2, 1), -scaled_step],
            scope="2×2 symbolic invertible Fisher, λ > 0: the penalised model's Hessian is λI and its Newton step "
                  "−(λI)⁻¹g is its stationary point", rewriters=[("cancel", sp.cancel)])
    # And where the loss itself is a KL, D_KL(Bern(q) ‖ Bern(σ(θ))) (Practice Problem 1), Newton on the loss is the
    # natural step: Newton on the loss, as the sentence says.
    q = sp.Symbol("q", positive=True)
    kl_to_target = q * sp.log(q * (1 + u) / u) + (1 - q) * sp.log((1 - q) * (1 + u))
    newton = -d_theta(kl_to_target) / d_theta(d_theta(kl_to_target))
    natural = -d_theta(kl_to_target) / (sigma_u * (1 - sigma_u))
    c.prove(newton, natural, scope="loss D_KL(Bern(q) ‖ Bern(σ(θ))), every θ and target q",
            rewriters=[EXPAND_LOG_CANCEL])


# ---------------------------------------------------------------- Question 3
@claim("quiz.q3-fisher-is-minus-expected-hessian",
       title="Q3: I = −E[∇² log p] (Bartlett's second identity: = E[s sᵀ])",
       statement=r"I(\theta) = \mathbb{E}_{p_\theta}[s s^T] = -\mathbb{E}_{p_\theta}[\nabla_\theta^2 \log p]",
       source=(SECTION, r"Natural gradient: $I = -\mathbb{E}[\nabla_\theta^2 \log p]$."),
       reading="Bartlett's second identity: for a smooth model, E_{p_θ}[ssᵀ] = −E_{p_θ}[∇² log p_θ], the "
               "expectation taken under the model, so the Fisher may be written −E[∇² log p]. Checked for "
               "every smooth one-parameter model on three outcomes.",
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
       reading="'ONLY' (capitalised) read as necessity: the NLL Hessian equals the Fisher only if the model is "
               "well-specified, and then asymptotically (large samples, at the true parameter). A single case "
               "where they are equal exactly, with one observation from a distribution outside the model, "
               "refutes it.",
       defence="Bartlett's identity gives E_{y∼p_θ}[H] = I, so for a general model (a deep network in its "
               "weights, a non-canonical link) the observed Hessian approaches the Fisher only for data from "
               "p_θ and large samples; as a sufficient condition, and as a description of the generic case, "
               "the sentence is right. It fails as the ONLY it states: for an exponential family in its "
               "natural parameters, the lesson's Bernoulli logit included, H = ∇²A(θ) = I(θ) at every θ for "
               "any data. In Worked Example 1 (θ = 0, y = 1) Newton's step and the natural step are one and "
               "the same, with n = 1 and data (always y = 1) that no Bernoulli(σ(θ)) produces.",
       expect="false", depends_on=("quiz.q2-option-a-canonical-case", "newton.coincide-exponential-family"), tags=("quiz", "bartlett", "erratum"))
def _(c):
    y = sp.Symbol("y", real=True)
    nll = -(y * sp.log(sigma_u) + (1 - y) * sp.log(1 - sigma_u))
    c.prove(d_theta(d_theta(nll)).subs({y: 1, u: 1}), (sigma_u * (1 - sigma_u)).subs(u, 1),
            scope="the premise at one point: Bernoulli logit, one observation y = 1, θ = 0: Hessian ¼ = Fisher ¼",
            rewriters=[EXPAND_LOG_CANCEL])
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
       reading="The corrected statement: H = I exactly, at every θ and for any data, for canonical exponential "
               "families; otherwise only E_{y∼p_θ}[H] = I, so the observed Hessian tends to the Fisher for "
               "data from the model at the true parameter as n → ∞. Checked on the non-canonical y ∼ N(θ², 1).",
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
       reading="'Natural gradient has the advantage of always being PSD' read as: its preconditioner, the "
               "Fisher E[ssᵀ], is always positive semi-definite, while the loss Hessian Newton uses can be "
               "indefinite.",
       wording="A gradient is a vector and is not PSD: the sentence means the natural gradient's matrix, the "
               "Fisher, is PSD (so, where invertible, −I⁻¹∇L is a descent direction).",
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
       reading="For N(μ, σ²) the Fisher of μ is 1/σ², small when σ² is large; its inverse σ² multiplies the "
               "gradient, so the natural μ-step is amplified as σ² grows.",
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
       title="Q4: as σ² → 0 the natural μ-step σ²∇_μL of the variational objective shrinks to 0, annealing the learning rate",
       statement=r"L = \mathbb{E}_{z\sim\mathcal{N}(\mu,\sigma^2)}[f(z)] - \log\sigma:\quad \nabla_\mu L \to f'(\mu),\quad "
                 r"\sigma^2\nabla_\mu L \to 0\quad(\sigma\to0)",
       source=(SECTION, r"As you become confident ($\sigma^2 \to 0$), the step size shrinks, naturally annealing the learning rate."),
       reading="In Q4's setting, a Gaussian variational posterior, the loss is the negative ELBO E_q[f(z)] − H[q] "
               "(H[q] = log σ + const does not depend on μ); its μ-gradient E_q[f'(z)] tends to f'(μ) as σ → 0, so "
               "the natural μ-step σ²∇_μL shrinks like σ²: the effective learning rate ησ² is annealed. (A loss whose "
               "μ-gradient grows like 1/σ², such as −log q(z₀) of a fixed point, is not a variational objective and "
               "not what the question is about.)",
       depends_on=("quiz.q4-variance-scaling",), tags=("quiz", "gaussian"))
def _(c):
    m, w = sp.symbols("mu w", real=True)
    s = sp.Symbol("sigma", positive=True)
    coefficients = sp.symbols("c0:5", real=True)

    def f(z):                                                    # any quartic −log p(x, z), symbolic coefficients
        return sum(ck * z ** k for k, ck in enumerate(coefficients))
    standard = sp.exp(-w ** 2 / 2) / sp.sqrt(2 * sp.pi)
    negative_elbo = sp.integrate(sp.expand(f(m + s * w)) * standard, (w, -sp.oo, sp.oo)) - sp.log(s)
    gradient = sp.diff(negative_elbo, m)
    c.prove(sp.limit(gradient, s, 0), sp.diff(f(m), m),
            scope="every quartic f, all real μ: the μ-gradient E_q[f'(z)] stays bounded and tends to f'(μ)")
    c.prove(sp.limit(s ** 2 * gradient, s, 0), 0, scope="so the natural μ-step σ²∇_μL → 0 as σ → 0")


# ---------------------------------------------------------------- Question 5
@claim("quiz.q5-kfac-factors",
       title="Q5: the per-example Fisher block of W is (aaᵀ) ⊗ (ggᵀ); with a independent of g its mean is E[aaᵀ] ⊗ E[ggᵀ]",
       statement=r"\mathbb{E}[(\mathbf{a}\mathbf{a}^T)\otimes(\mathbf{g}\mathbf{g}^T)] = \mathbb{E}[\mathbf{a}\mathbf{a}^T]\otimes\mathbb{E}[\mathbf{g}\mathbf{g}^T]\ \text{if}\ \mathbf{a}\perp\mathbf{g}",
       source=(SECTION, "under the assumption that activations and backpropagated gradients are independently distributed"),
       reading="The explanation's 'the Fisher for W factorizes into the outer product of aaᵀ and ggᵀ under the "
               "assumption that activations and backpropagated gradients are independently distributed', with "
               "'outer product' the Kronecker product of the two expectations: per example the block is (aaᵀ) "
               "⊗ (ggᵀ), and with a independent of g its mean is E[aaᵀ] ⊗ E[ggᵀ] exactly.",
       depends_on=("kfac.factorisation", "quiz.q5-layer-structure"), tags=("quiz", "kfac"))
def _(c):
    a = sp.Matrix(sp.symbols("a1:3", real=True))
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    vec = sp.Matrix([(g * a.T)[i, j] for j in range(2) for i in range(2)])     # column-major vec(gaᵀ)
    c.prove(vec * vec.T, sp.kronecker_product(a * a.T, g * g.T),
            scope="2 inputs, 2 outputs, symbolic a and g: the per-example block vec(gaᵀ)vec(gaᵀ)ᵀ (column-major vec) "
                  "is (aaᵀ) ⊗ (ggᵀ); its mean factorises when a is independent of g")
    # The expectation under independence, checked on the kernels with an exactly independent sample.
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
       statement=r"\lim_{\lambda\to\infty}\frac{\lambda}{\lambda_i+\lambda} = 1,\quad "
                 r"\Big|\frac{\lambda}{\lambda_i+\lambda} - 1\Big| = \frac{\lambda_i}{\lambda_i+\lambda} \le \frac{\lambda_i}{\lambda}",
       source=(SECTION, r"As $\lambda \to \infty$, the update becomes $\approx \frac{1}{\lambda} \nabla\mathcal{L}$ — standard gradient descent."),
       reading="The preconditioned gradient (I + λ𝟙)⁻¹∇L is ∇L/λ up to a relative error O(λ_max/λ): the damped "
               "update is a standard gradient step with the small learning rate η/λ.",
       wording="The update is Δθ = −η(I + λ𝟙)⁻¹∇L ≈ −(η/λ)∇L; the sentence's '≈ (1/λ)∇L' is the preconditioned "
               "gradient, without the −η.",
       tags=("quiz", "damping"))
def _(c):
    mode, lam = sp.symbols("lambda_i lambda", positive=True)
    c.prove(sp.limit(lam / (mode + lam), lam, sp.oo), 1,
            scope="one eigen-direction of I, λ_i > 0: λ(I + λ𝟙)⁻¹g → g, i.e. the step is ≈ g/λ")
    c.prove(1 - lam / (mode + lam), mode / (mode + lam), scope="one eigen-direction, λ_i ≥ 0, λ > 0")
    c.prove_nonnegative(sp.cancel(mode / lam - mode / (mode + lam)),
                        scope="so λ(I + λ𝟙)⁻¹g = g up to a relative error ≤ λ_max/λ, i.e. O(1/λ)")


@claim("quiz.q6-small-damping-is-natural",
       title="Q6: as λ → 0 the damped step tends to the natural gradient I⁻¹g (I⁺g for a singular I, on its range)",
       statement=r"\lim_{\lambda\to0}(I+\lambda\mathbb{1})^{-1}g = I^{-1}g\ (I \succ 0),\quad "
                 r"= I^{+}g\ \text{for}\ g\in\mathrm{range}(I),\quad (I+\lambda\mathbb{1})^{-1}v = v/\lambda\ \text{for}\ Iv = 0",
       source=(SECTION, r"As $\lambda \to 0$, we recover pure natural gradient."),
       reading="The damped step tends to the undamped natural step wherever that exists: I⁻¹g for an invertible "
               "Fisher, and, for a singular one, the pseudoinverse step I⁺g (the lesson's categorical section names "
               "the pseudoinverse as the alternative to damping) when g lies in the range of I — as the "
               "negative log-likelihood's gradient of a full-support model does (softmax: π − e_y ⟂ 1).",
       wording="For a singular Fisher 'pure natural gradient' has to be read as I⁺g, and the damped step reaches it "
               "only for g in the range of I; a component of g along the null space grows like 1/λ as λ → 0, which "
               "is the undamped blow-up the question says damping is for.",
       depends_on=("categorical.damped-limit-on-range",), tags=("quiz", "damping"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    l11, l22 = sp.symbols("l11 l22", positive=True)
    cholesky = sp.Matrix([[l11, 0], [sp.Symbol("l21", real=True), l22]])
    fisher = cholesky * cholesky.T                                  # any SPD 2×2 Fisher
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    damped = (fisher + lam * sp.eye(2)).adjugate() * g / (fisher + lam * sp.eye(2)).det()
    c.prove(damped.applyfunc(lambda e: sp.limit(e, lam, 0)), fisher.inv() * g,
            scope="2×2 SPD I = LLᵀ (symbolic factor), symbolic g: the limit is I⁻¹g", rewriters=[("cancel", sp.cancel)])
    l1 = sp.Symbol("lambda1", positive=True)
    g1, g2 = sp.symbols("g1 g2", real=True)
    singular = sp.diag(l1, 0)
    on_range = (singular + lam * sp.eye(2)).inv() * sp.Matrix([g1, 0])
    c.prove([on_range.applyfunc(lambda e: sp.limit(e, lam, 0)), (singular + lam * sp.eye(2)).inv() * sp.Matrix([0, g2])],
            [singular.pinv() * sp.Matrix([g1, 0]), sp.Matrix([0, g2 / lam])],
            scope="singular Fisher in its eigenbasis: on the range the limit is I⁺g; along the null space the step "
                  "is g₂/λ, unbounded as λ → 0")
    p = sp.symbols("p1:3", positive=True)
    probs = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])
    c.prove([(sp.ones(1, 3) * (probs - sp.eye(3)[:, k]))[0] for k in range(3)], [0, 0, 0],
            scope="softmax cross-entropy, 3 classes, every label y: the logit gradient π − e_y is orthogonal to the "
                  "Fisher's null vector 1, so it lies in the range")


@claim("quiz.q6-continuous-trust-region",
       title="Q6: damping is a continuous trust-region mechanism: each radius below ‖I⁻¹g‖ is the step length of one λ",
       statement=r"r \in (0, \|I^{-1}g\|) \implies \exists!\,\lambda > 0:\ \|(I+\lambda\mathbb{1})^{-1}g\| = r",
       source=(SECTION, "It's a continuous trust-region mechanism."),
       reading="Damping acts as a trust region whose radius varies continuously: the damped step's length "
               "decreases continuously and strictly in λ from ‖I⁻¹g‖ towards 0, so each radius below ‖I⁻¹g‖ is "
               "the step length of exactly one λ.",
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
       reading="Option B: the Euclidean inner product of parameter vectors is not preserved by a change of "
               "coordinates (|Jv|² ≠ |v|² in general), whereas the Fisher inner product is, once I transforms "
               "as J⁻ᵀIJ⁻¹.",
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
       reading="Option B as the lesson's derivation reads it: with the KL replaced by its second-order form "
               "½dᵀId, the minimiser of the linearised loss on the KL ball is the natural gradient direction; "
               "η is fixed by the radius.",
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
       reading="'Constrained linear (first-order) problem': the objective ∇Lᵀdθ is linear in dθ (zero Hessian) "
               "and the constraint ½dθᵀIdθ ≤ ε is a convex quadratic (Hessian I ⪰ 0).",
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
       reading="Option C: Newton preconditions with the loss Hessian ∇²L, natural gradient with the model's "
               "Fisher; on a model where the two differ (y ∼ N(θ², 1) at θ = 1, y = 0: 6 and 4) the "
               "distinction is real.",
       tags=("quiz", "newton"))
def _(c):
    c.prove([sp.diff(nll_nc, theta_nc, 2).subs(at_nc), (sp.diff(theta_nc ** 2, theta_nc) ** 2).subs(at_nc)], [6, 4],
            scope="the NLL of y ~ N(θ², 1) at θ = 1 with y = 0: the two matrices differ (so option A, 'identical when "
                  "the loss is the NLL', fails too)")


@claim("quiz.q3-different-matrices",
       title="Q3: the two preconditioners give different steps",
       statement=r"-H^{-1}g = -\tfrac13 \ne -\tfrac12 = -I^{-1}g\quad(\theta = 1,\ y = 0)",
       source=(SECTION, "They use fundamentally different matrices."),
       reading="'They use fundamentally different matrices', read as: in general the two preconditioners "
               "differ and so do the steps. Checked on y ∼ N(θ², 1) at θ = 1, y = 0.",
       depends_on=("quiz.q3-answer",), tags=("quiz", "newton"))
def _(c):
    g = sp.diff(nll_nc, theta_nc).subs(at_nc)
    c.prove([-g / sp.diff(nll_nc, theta_nc, 2).subs(at_nc), -g / 4], [sp.Rational(-1, 3), sp.Rational(-1, 2)],
            scope="gradient 2 at θ = 1, y = 0: Newton moves −1/3, natural gradient −1/2")


@claim("quiz.q4-answer",
       title="Q4 answer: a larger σ² (more uncertainty) gives a larger natural update for μ",
       statement=r"\frac{\partial}{\partial\sigma}\big|\sigma^2 g\big| = 2\sigma|g| \ge 0",
       source=(SECTION, "Parameters with higher uncertainty get larger updates (more aggressive)"),
       reading="Option B: the natural μ-step σ²g grows with σ for a fixed gradient g, so parameters with "
               "larger posterior variance get larger updates.",
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
       reading="The lesson's '∇μ' is ∇_μ (the subscript was lost in typesetting): dividing the μ-gradient by "
               "the Fisher 1/σ² multiplies it by σ².",
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
       title="Q5 answer: A is built from the activations, E[aaᵀ], and G from the pre-activation gradients, E[ggᵀ]",
       statement=r"A = \mathbb{E}[\mathbf{a}\mathbf{a}^T] = \mathrm{Cov}[\mathbf{a}] + \mathbb{E}[\mathbf{a}]\mathbb{E}[\mathbf{a}]^T,"
                 r"\quad G = \mathbb{E}[\mathbf{g}\mathbf{g}^T] = \mathrm{Cov}[\mathbf{g}]\ \text{as}\ \mathbb{E}_{\tilde y\sim\pi}[\mathbf{g}] = 0",
       source=(SECTION, r"$A$ is the activation covariance and $G$ is the pre-activation gradient covariance"),
       reading="Option B identifies the two factors (against weights, attention or per-layer Fishers): A is the "
               "second-moment matrix of the layer's input activations and G that of the gradients with respect to "
               "its pre-activations, with 'covariance' taken in the sense the K-FAC section fixes by its formula "
               "A = E[aaᵀ], G = E[ggᵀ].",
       wording="'Covariance' here is the uncentred second moment: A = E[aaᵀ] = Cov[a] + E[a]E[a]ᵀ, which differs from "
               "Cov[a] for ReLU outputs or with a bias column (whose entry of A is 1, its variance 0), so a centred "
               "covariance (np.cov) would give a wrong K-FAC factor; G = E[ggᵀ] is a true covariance when the labels "
               "are sampled from the model, because then E[g] = 0.",
       depends_on=("quiz.q5-kfac-factors",), tags=("quiz", "kfac", "terminology"))
def _(c):
    p = sp.symbols("p1:3", positive=True)
    probs = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])
    W = sp.Matrix(3, 2, sp.symbols("w1:7", real=True))    # g = Wᵀ(e_ỹ − π) for a layer feeding the logits linearly
    mean = sum((probs[k] * W.T * (sp.eye(3)[:, k] - probs) for k in range(3)), sp.zeros(2, 1))
    c.prove(mean, sp.zeros(2, 1), scope="3 classes, a 2-unit layer feeding the logits through symbolic W, labels "
            "ỹ ~ π: E[g] = 0, so G = E[ggᵀ] is the covariance of g")

    def kernel_factor_is_second_moment(a):
        A, _ = kfac_factors(a, np.ones((a.shape[0], 1)), bias=True)
        augmented = np.hstack([a, np.ones((a.shape[0], 1))])
        mean_a = augmented.mean(axis=0)
        return close(A, np.cov(augmented.T, bias=True) + np.outer(mean_a, mean_a), cond=4)
    c.fuzz(kernel_factor_is_second_moment, arrays(np.float64, (6, 3), elements=reals(0, 2)),
           scope="kfac_factors (bias column) vs numpy's centred covariance plus the outer product of the mean, "
                 "6 non-negative (ReLU-like) activations of width 3: A = Cov[a] + E[a]E[a]ᵀ; 25 cases",
           max_examples=25)


@claim("quiz.q5-layer-structure",
       title="Q5: for a layer s = Wa the per-example gradient of W is the outer product g aᵀ",
       statement=r"\frac{\partial\ell}{\partial W} = \mathbf{g}\mathbf{a}^T,\quad \mathbf{g} = \frac{\partial\ell}{\partial\mathbf{s}}",
       source=(SECTION, r"K-FAC exploits the structure of feedforward layers $W\mathbf{a}$."),
       reading="For a feedforward layer s = Wa the per-example gradient of W is g aᵀ with g = ∂ℓ/∂s: the "
               "structure K-FAC exploits.",
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
       reading="Option B, with the second I in (I + λI)⁻¹ the identity: an ill-conditioned or singular Fisher "
               "makes I⁻¹g unbounded, and damping bounds the step by ‖g‖/λ.",
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
       reading="The Fisher can be singular (the softmax Fisher in the logits always is: F·1 = 0) or have "
               "eigenvalues near 0, and then I⁻¹ is undefined or has entries as large as 1/ε.",
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
       title="Q6, option A: damping does make the Fisher positive definite, but that is not why it is necessary — "
             "a positive definite, ill-conditioned Fisher needs it too",
       statement=r"x^T(BB^T + \lambda\mathbb{1})x - \lambda x^Tx = \|B^Tx\|^2 \ge 0;\quad "
                 r"\mathrm{diag}(1,\epsilon) \succ 0\ \text{yet}\ \mathrm{diag}(1,\epsilon)^{-1}e_2 = e_2/\epsilon",
       source=(SECTION, "To ensure the Fisher matrix is positive definite"),
       reading="The quiz marks B, not A, as why damping is necessary. Read as: positive definiteness is not the reason "
               "— a Fisher that is already positive definite but ill-conditioned still gives an unbounded step, which "
               "only B's reason covers (and a singular Fisher could be handled by the pseudoinverse, as the "
               "categorical section says); bounding the step is what damping is needed for.",
       wording="Option A is not false as a statement of what damping does: F + λ𝟙 ⪰ λ𝟙 ≻ 0 for every PSD F; it is "
               "the weaker answer, a side effect rather than the reason.",
       depends_on=("quiz.q6-answer",), tags=("quiz", "damping"))
def _(c):
    B = sp.Matrix(2, 2, sp.symbols("b1:5", real=True))
    x = sp.Matrix(sp.symbols("x1:3", real=True))
    lam, eps = sp.symbols("lambda epsilon", positive=True)
    c.prove((x.T * (B * B.T + lam * sp.eye(2)) * x)[0] - lam * (x.T * x)[0], ((B.T * x).T * (B.T * x))[0],
            scope="any PSD 2×2 Fisher BBᵀ, symbolic x, λ > 0: the damped Fisher is positive definite (what A says)")
    fisher = sp.diag(1, eps)
    c.prove([fisher.det(), fisher.inv() * sp.Matrix([0, 1])], [eps, sp.Matrix([0, 1 / eps])],
            scope="all ε > 0: diag(1, ε) is already positive definite (det ε > 0), yet its step along e₂ is 1/ε, "
                  "unbounded as ε → 0 — the case only B's reason covers")


uncheckable(SECTION, r"Newton: $H = \nabla_\theta^2\mathcal{L}$.", "a definition (Newton's preconditioner)")
uncheckable(SECTION, "Intuitively, if you're very uncertain about a parameter, you should take bigger steps to explore the space.",
            "an intuition about exploration, not a statement with a test; the scaling it explains is checked by "
            "quiz.q4-variance-scaling (σ² is the variance of q over z; 1/σ² is the Fisher for μ)")
uncheckable(SECTION, "This Kronecker structure is key to making natural gradient tractable in deep networks.",
            "an assessment of importance; the cost claims are checked by summary.kfac-cost and the K-FAC section")
uncheckable(SECTION, "Option D is not how the derivation works.",
            "option D ('using the chain rule on the Fisher matrix') names no derivation that could be carried out and checked")

"""Practical Approximations: damping and trust regions, with Levenberg–Marquardt adaptation."""
import math

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close, uncheckable
from ngproof.kernels import (
    MLP,
    LevenbergMarquardt,
    bernoulli_output_fisher,
    lm_damping,
    natural_gradient,
    reduction_ratio,
    tikhonov,
)
from ngproof.strategies import dampings, psd_matrices, reals, spd_matrices, vectors
from ngproof.symbolic.models import COMBINED_NUMERATOR, general, limit_parts, spd

SECTION = "Damping and Trust Regions"
INTERPOLATION = (r"Damping has a beautiful interpretation: it interpolates between natural gradient ($\lambda \to 0$) "
                 r"and standard gradient ($\lambda \to \infty$).")
LM = (r"Adaptive damping (Levenberg-Marquardt style): Reduce $\lambda$ if the step improves the loss, increase it if the "
      r"step is too aggressive.")
lam, t, eta = sp.symbols("lambda t eta", positive=True)
grad = general(2, 1, "g")
FISHER, _ = spd(2)


def damped_solve(fisher: sp.Matrix, shift, rhs: sp.Matrix) -> sp.Matrix:
    """(F + shift·I)⁻¹ rhs through the adjugate (explicit rational entries)."""
    shifted = fisher + shift * sp.eye(fisher.rows)
    return shifted.adjugate() * rhs / shifted.det()


@claim("damping.fisher-singular",
       title="The Fisher of a softmax network is singular: rank ≤ N(K − 1), and a common logit shift is null for every N",
       statement=r"\mathrm{rank}\, I(\theta) \le N(K-1),\quad J_n u = \mathbf 1\ \forall n \Rightarrow I(\theta)\,u = 0"
                 r"\quad\text{for } I = \tfrac1N\textstyle\sum_n J_n^T(\mathrm{diag}\,\pi_n - \pi_n\pi_n^T)J_n",
       source=(SECTION, r"In practice, $I(\theta)$ can be ill-conditioned or singular."),
       reading="'Can be ill-conditioned or singular' read as: common models have a singular Fisher; for a softmax "
               "network the common shift of all logits is always a null direction, and with N inputs the rank is at "
               "most N(K − 1).",
       depends_on=("categorical.fisher-rank",), tags=("damping", "fisher"))
def _(c):
    # Logits z_n = B_n w + b: the direction u = (0, 1) shifts every logit by 1, which the softmax ignores.
    p = [sp.symbols(f"p{n}_1 p{n}_2", positive=True) for n in range(2)]
    total = sp.zeros(5, 5)
    for n, (a, b) in enumerate(p):
        pi = sp.Matrix([a, b, 1 - a - b])
        jacobian = general(3, 2, f"b{n}").row_join(sp.eye(3))
        total += jacobian.T * (sp.diag(*pi) - pi * pi.T) * jacobian / 2
    c.prove(total * sp.Matrix([0, 0, 1, 1, 1]), sp.zeros(5, 1),
            scope="K = 3, N = 2 inputs, logits B_n w + b with symbolic B_n and π_n: I u = 0 for the common shift u, "
                  "so I is singular for every such model")
    model = MLP([3, 4, 3], activation="tanh")
    params = model.init_params(seed=0)
    few = c.rng.standard_normal((2, 3))
    many = c.rng.standard_normal((40, 3))
    rank = int(np.linalg.matrix_rank(model.fisher(params, few)))
    eigenvalues = np.linalg.eigvalsh(model.fisher(params, many))
    null = int(np.sum(eigenvalues < 1e-12 * eigenvalues[-1]))
    c.observe(rank <= 2 * 2 and null >= 4 + 1,
              detail=f"experiment: tanh 3→4→3 network (d = {model.num_params}): with N = 2 inputs rank I = {rank} ≤ "
                     f"N(K − 1) = 4; with N = 40 still {null} eigenvalues below 1e-12·λ_max — the softmax ignores a "
                     f"common shift of the logits, so the output bias along 1 and W₂ along 1hᵀ (4 + 1 directions) "
                     f"are null directions for every N",
              data={"rank_two_inputs": rank, "null_directions_forty_inputs": null})


@claim("damping.update",
       title="The damped update −η(I + λI)⁻¹∇L is well defined for every PSD Fisher and λ > 0",
       statement=r"\Delta\theta = -\eta (I(\theta) + \lambda I)^{-1} \nabla\mathcal{L},\quad x^T(I+\lambda I)x \ge \lambda\|x\|^2",
       source=(SECTION, r"$$\Delta\theta = -\eta (I(\theta) + \lambda I)^{-1} \nabla\mathcal{L}$$"),
       reading="The damped update is defined for every PSD Fisher once λ > 0, because I + λI is at least λ in every "
               "direction; the kernel is checked against a dense solve on singular Fishers.",
       tags=("damping",))
def _(c):
    b = general(2, 1, "b")  # a rank-one (singular) Fisher b bᵀ
    x = general(2, 1, "x")
    quadratic = (x.T * (b * b.T + lam * sp.eye(2)) * x)[0]
    c.prove(quadratic, (b.T * x)[0] ** 2 + lam * (x.T * x)[0], scope="2×2, singular F = b bᵀ, symbolic b, x, λ")
    c.prove_nonnegative((b.T * x)[0] ** 2, scope="symbolic b, x: so xᵀ(F + λI)x ≥ λ‖x‖² > 0 for x ≠ 0")

    def kernel_vs_solve(fisher, g, damping):
        damped = fisher + damping * np.eye(len(g))
        cond = np.linalg.cond(damped)
        block = np.stack([g, -g, 2 * g], axis=1)
        return [close(tikhonov(fisher, damping), damped, what="tikhonov"),
                close(natural_gradient(fisher, g, damping), np.linalg.solve(damped, g), cond=cond, what="(d,)"),
                close(natural_gradient(fisher, block, damping), np.linalg.solve(damped, block), cond=cond, what="(d, 3)")]
    c.fuzz(kernel_vs_solve, psd_matrices(5, rank=2), vectors(5, -3, 3), dampings(1e-4, 1e2),
           scope="tikhonov and natural_gradient vs F + λI and np.linalg.solve, singular rank-2 F, d = 5")


@claim("damping.interpolation",
       title="Damping interpolates between the natural gradient (λ → 0) and the standard gradient (λ → ∞)",
       statement=r"\frac{1}{\lambda_i+\lambda} = \frac{(1/\lambda_i)(1/\lambda)}{1/\lambda_i + 1/\lambda}:\quad "
                 r"\frac{1}{\lambda_i+\lambda}\xrightarrow{\lambda\to0}\frac{1}{\lambda_i},\quad "
                 r"\frac{\lambda}{\lambda_i+\lambda}\xrightarrow{\lambda\to\infty}1",
       source=(SECTION, INTERPOLATION),
       reading="Per eigen-direction of I (eigenvalue λ_i), the damped step scales the gradient by 1/(λ_i + λ), the "
               "harmonic combination of the natural scale 1/λ_i and the standard scale 1/λ: it tends to the natural "
               "gradient as λ → 0 (where I is invertible) and to the standard gradient step with learning rate η/λ "
               "as λ → ∞ — the reading the quiz's Q6 explanation spells out.",
       wording="Literally (I + λI)⁻¹∇L → 0 as λ → ∞, not ∇L: what tends to the standard gradient is the direction, "
               "the step being ≈ (η/λ)∇L, as the quiz says. And λ → 0 recovers the natural gradient where it exists: "
               "for a singular I the components of ∇L in its null space grow like 1/λ.",
       depends_on=("damping.interpolation-limits",), tags=("damping",))
def _(c):
    mode = sp.Symbol("lambda_i", positive=True)
    c.prove(1 / (mode + lam), (1 / mode) * (1 / lam) / (1 / mode + 1 / lam),
            scope="one eigen-direction, λ_i > 0, λ > 0: the damped scale is the parallel sum of 1/λ_i and 1/λ")
    for expr, limit, at in ((1 / (mode + lam), 1 / mode, lam), ((lam / (mode + lam)).subs(lam, 1 / t), 1, t)):
        low, lead = limit_parts(expr, at)
        c.prove(low[-1] / lead, limit, scope="one eigen-direction, λ_i > 0: λ → 0, and λ → ∞ (t = 1/λ → 0)")
    c.prove((lam * damped_solve(sp.diag(1, 0), lam, sp.Matrix([0, 1])))[1], 1,
            scope="singular I = diag(1, 0), ∇L = (0, 1): the null-space component of the damped step is exactly 1/λ")


@claim("damping.interpolation-limits",
       title="λ → 0 gives I⁻¹∇L (I invertible); λ(I + λI)⁻¹∇L → ∇L, i.e. the step is ≈ (η/λ)∇L",
       statement=r"\lim_{\lambda\to0}(I+\lambda I)^{-1}g = I^{-1}g,\quad \lim_{\lambda\to\infty}\lambda(I+\lambda I)^{-1}g = g",
       source=(SECTION, INTERPOLATION),
       reading="The two ends of the interpolation as matrix limits: (I + λI)⁻¹∇L → I⁻¹∇L as λ → 0 for invertible "
               "I, and λ(I + λI)⁻¹∇L → ∇L as λ → ∞, so the step −η(I + λI)⁻¹∇L is ≈ −(η/λ)∇L.",
       tags=("damping",))
def _(c):
    natural = damped_solve(FISHER, 0, grad)
    scope = "2×2 SPD I = LLᵀ (symbolic Cholesky factor), symbolic g"
    zero_parts = [limit_parts(e, lam) for e in damped_solve(FISHER, lam, grad)]
    c.prove([low[:-1] for low, _ in zero_parts], [[0] * (len(low) - 1) for low, _ in zero_parts],
            scope=f"{scope}: no 0/0 at λ = 0")
    c.prove(sp.Matrix([low[-1] / lead for low, lead in zero_parts]), natural, rewriters=[COMBINED_NUMERATOR],
            scope=f"{scope}: lim λ→0 = I⁻¹g (det I = l11² l22² ≠ 0)")
    scaled_parts = [limit_parts((lam * e).subs(lam, 1 / t), t) for e in damped_solve(FISHER, lam, grad)]
    c.prove([low[:-1] for low, _ in scaled_parts], [[0] * (len(low) - 1) for low, _ in scaled_parts],
            scope=f"{scope}: no 0/0 at t = 1/λ = 0")
    c.prove(sp.Matrix([low[-1] / lead for low, lead in scaled_parts]), grad, rewriters=[COMBINED_NUMERATOR],
            scope=f"{scope}: lim λ→∞ λ(I + λI)⁻¹g = g")

    def large_damping(fisher, g, damping):
        damped = fisher + damping * np.eye(len(g))
        # λ(F + λI)⁻¹g = g − (F + λI)⁻¹F g exactly.
        return close(damping * natural_gradient(fisher, g, damping), g - np.linalg.solve(damped, fisher @ g),
                     cond=np.linalg.cond(damped))
    c.fuzz(large_damping, spd_matrices(4, cond=1e3), vectors(4, -3, 3), dampings(1e2, 1e8),
           scope="λ·natural_gradient vs g − (F + λI)⁻¹Fg, d = 4, λ ∈ [1e2, 1e8]")


@claim("damping.eigenvalue-bound",
       title="(I + λI)⁻¹ has eigenvalues 1/(λ_i + λ) ≤ 1/λ, so the damped step is at most η‖∇L‖/λ",
       statement=r"\mathrm{eig}\,(I+\lambda I)^{-1} = \frac{1}{\lambda_i+\lambda} \le \frac1\lambda",
       source=("Quiz", r"$(I + \lambda I)^{-1}$ has eigenvalues $1/(\lambda_i + \lambda) \leq 1/\lambda$, bounding the step."),
       reading="Damping shifts every eigenvalue of I by λ, so (I + λI)⁻¹ has eigenvalues 1/(λ_i + λ) ≤ 1/λ and the "
               "step is at most η‖∇L‖/λ long.",
       depends_on=("damping.update",), tags=("damping",))
def _(c):
    mode = sp.Symbol("lambda_i", nonnegative=True)
    c.prove(1 / lam - 1 / (mode + lam), mode / (lam * (mode + lam)), scope="λ_i ≥ 0, λ > 0")
    c.prove_nonnegative(mode / (lam * (mode + lam)), scope="λ_i ≥ 0, λ > 0")
    v = general(2, 1, "v")
    c.prove((FISHER + lam * sp.eye(2)) * v - (FISHER * v + lam * v), sp.zeros(2, 1),
            scope="2×2 symbolic: an eigenvector of I with eigenvalue λ_i is one of I + λI with λ_i + λ")

    def inverse_spectrum(fisher, damping):
        inverse = natural_gradient(fisher, np.eye(fisher.shape[0]), damping)
        expected = np.sort(1 / (np.linalg.eigvalsh(fisher) + damping))
        return close(np.sort(np.linalg.eigvalsh((inverse + inverse.T) / 2)), expected,
                     cond=np.linalg.cond(fisher + damping * np.eye(fisher.shape[0])))
    c.fuzz(inverse_spectrum, psd_matrices(4, rank=2), dampings(1e-3, 1e2),
           scope="spectrum of natural_gradient(F, I, λ) vs 1/(λ_i + λ), singular rank-2 F, d = 4")


@claim("damping.trust-region",
       title="λ sets the trust region: the damped step minimises gᵀs + ½sᵀIs + ½λ‖s‖², and its length falls as λ grows",
       statement=r"s(\lambda) = -(I+\lambda I)^{-1}g = \arg\min_s g^Ts + \tfrac12 s^TIs + \tfrac\lambda2\|s\|^2,\quad "
                 r"\tfrac{d}{d\lambda}\|s(\lambda)\|^2 = -2\textstyle\sum_i \frac{c_i^2}{(\lambda_i+\lambda)^3} \le 0",
       source=(SECTION, r"In trust-region terms, $\lambda$ controls how far you trust the quadratic approximation of KL "
                        r"divergence."),
       reading="The damped step minimises the quadratic model gᵀs + ½sᵀIs plus the penalty ½λ‖s‖², so λ is the "
               "multiplier of a (Euclidean) trust region on the quadratic model of the KL: the larger λ, the shorter "
               "the step and the smaller the region where the quadratic is trusted.",
       depends_on=("damping.eigenvalue-bound",), tags=("damping", "trust-region"))
def _(c):
    step = -damped_solve(FISHER, lam, grad)
    model_gradient = grad + FISHER * step + lam * step
    c.prove(model_gradient, sp.zeros(2, 1), rewriters=[COMBINED_NUMERATOR],
            scope="2×2 SPD I = LLᵀ, symbolic g, λ > 0: stationary (and, I + λI ≻ 0, the minimiser)")
    c1, c2 = sp.symbols("c1 c2", real=True)
    m1, m2 = sp.symbols("lambda_1 lambda_2", nonnegative=True)
    length = c1**2 / (m1 + lam) ** 2 + c2**2 / (m2 + lam) ** 2
    slope = -2 * c1**2 / (m1 + lam) ** 3 - 2 * c2**2 / (m2 + lam) ** 3
    c.prove(sp.diff(length, lam), slope, scope="eigen-coordinates c_i = q_iᵀg, two eigenvalues λ_i ≥ 0, λ > 0")
    c.prove_nonnegative(-slope, scope="λ_i ≥ 0, λ > 0: ‖s(λ)‖ is non-increasing in λ")

    def shrinking(fisher, g, damping):
        small, large = natural_gradient(fisher, g, damping), natural_gradient(fisher, g, 2 * damping)
        w, q = np.linalg.eigh(fisher)
        coefficients = q.T @ g
        return [close(np.linalg.norm(small), np.linalg.norm(coefficients / (w + damping)), cond=np.linalg.cond(fisher + damping * np.eye(4))),
                close(np.linalg.norm(large), np.linalg.norm(coefficients / (w + 2 * damping)),
                      cond=np.linalg.cond(fisher + 2 * damping * np.eye(4)))]
    c.fuzz(shrinking, psd_matrices(4, rank=3), vectors(4, -3, 3), dampings(1e-3, 1e2),
           scope="‖natural_gradient(F, g, λ)‖ vs the eigen-formula ‖(c_i/(λ_i + λ))‖ at λ and 2λ, d = 4")


def lm_rule(damping: float, rho: float) -> float:
    """The rule as the lesson words it, with Moré's thresholds: ρ > ¾ improves as predicted → λ·⅔;
    ρ < ¼ (a poor or harmful step, 'too aggressive') → λ·3/2."""
    if not math.isfinite(rho) or rho < 0.25:
        return min(damping * 1.5, 1e8)
    if rho > 0.75:
        return max(damping * 2 / 3, 1e-8)
    return damping


@claim("damping.levenberg-marquardt",
       title="Levenberg–Marquardt: λ falls when the step improves the loss as the model predicted, rises when it is too aggressive",
       statement=r"\rho = \frac{\mathcal{L}(\theta)-\mathcal{L}(\theta+s)}{m(0)-m(s)},\ m(0) - m(s^*) = \tfrac12 g^T(I+\lambda I)^{-1}g > 0;"
                 r"\ \rho > \tfrac34 \Rightarrow \lambda \leftarrow \tfrac23\lambda,\ \rho < \tfrac14 \Rightarrow \lambda \leftarrow \tfrac32\lambda",
       reading="Read as the Levenberg–Marquardt rule: in its classic form (Marquardt) λ shrinks after a step that "
               "lowers the loss and grows after one that does not; the usual refinement judges 'improves' and 'too "
               "aggressive' by the ratio ρ of actual to predicted decrease. The check proves the predicted decrease "
               "is positive (so ρ > 0 is 'improves the loss') and tests the kernels' gain-ratio rule (ρ > ¾ → ⅔λ, ρ "
               "< ¼ → 3/2·λ), which is that refinement.",
       wording="The two conditions overlap: a step can lower the loss and still be too aggressive (much less "
               "decrease than the model predicted). The ratio ρ makes the rule precise: a small improvement "
               "(0 < ρ < ¼) counts as too aggressive and raises λ; read literally, 'reduce λ on any improvement' is "
               "Marquardt's classic rule, also sound.",
       source=(SECTION, LM), depends_on=("damping.trust-region",), tags=("damping", "levenberg-marquardt"))
def _(c):
    step = -damped_solve(FISHER, lam, grad)
    model = lambda s: (grad.T * s)[0] + ((s.T * (FISHER + lam * sp.eye(2)) * s)[0]) / 2  # noqa: E731
    c.prove(model(sp.zeros(2, 1)) - model(step), (grad.T * damped_solve(FISHER, lam, grad))[0] / 2,
            rewriters=[COMBINED_NUMERATOR], scope="2×2 SPD I = LLᵀ, symbolic g, λ > 0: the predicted decrease")
    c1, m1 = sp.Symbol("c1", real=True), sp.Symbol("lambda_1", nonnegative=True)
    c.prove_nonnegative(c1**2 / (2 * (m1 + lam)), scope="per eigen-direction, λ_i ≥ 0, λ > 0: so ρ is well defined")

    def rule(damping, actual, predicted):
        rho = actual / predicted
        lm = LevenbergMarquardt(damping=damping)
        return [close(reduction_ratio(actual, predicted), rho, what="ρ"),
                close(lm_damping(damping, rho), lm_rule(damping, rho), what="lm_damping"),
                close(lm.update(actual, predicted), lm_rule(damping, rho), what="LevenbergMarquardt.update")]
    c.fuzz(rule, dampings(1e-6, 1e6), reals(-10, 10), reals(0.01, 10),
           scope="reduction_ratio, lm_damping and LevenbergMarquardt.update vs the rule, ρ ∈ [−1000, 1000]")
    lm = LevenbergMarquardt(damping=1.0)
    trace = [lm.update(actual, 1.0) for actual in (0.9, 0.9, -0.5, float("nan"), 0.5)]
    c.observe(np.allclose(trace, [2 / 3, 4 / 9, 2 / 3, 1.0, 1.0]),
              detail=f"constructed ρ = 0.9, 0.9, −0.5, NaN, 0.5 from λ = 1: λ = {', '.join(f'{x:.4f}' for x in trace)} "
                     f"(down, down, up, up, unchanged)", data={"trace": trace})


def logistic_run(damped: bool, steps: int = 40) -> dict:
    """Natural gradient on a logistic regression whose optimum is w = 0 (each input seen with both labels).

    The Fisher σ'(Xw) collapses away from the optimum; the plain step (η = 1, λ = 0) then overshoots.
    """
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    y = np.array([1.0, 0.0, 1.0, 0.0])

    def loss(w):
        z = X @ w
        return float(np.mean(np.logaddexp(0, z) - y * z))
    w = np.array([3.0, -2.5])
    lm = LevenbergMarquardt(damping=1.0)
    losses, status = [loss(w)], "ok"
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (p - y) / len(y)
        if np.linalg.norm(g) < 1e-8:  # converged: loss changes are below rounding from here on
            break
        fisher = bernoulli_output_fisher(X, p)
        try:
            step = -natural_gradient(fisher, g, lm.damping if damped else 0.0)
        except ValueError as exc:
            status = f"natural_gradient raised: {str(exc).split(';')[0]}"
            break
        if not np.all(np.isfinite(step)):
            status = "non-finite step"
            break
        predicted = -(g @ step + 0.5 * step @ (fisher + lm.damping * np.eye(2)) @ step)
        candidate = w + step
        actual = losses[-1] - loss(candidate)
        if damped:
            lm.update(actual, predicted)
            if actual > 0:
                w = candidate
        else:
            w = candidate
        losses.append(loss(w))
    return {"losses": losses, "status": status, "w": w, "damping": lm.damping}


@claim("damping.lm-rescues-run",
       title="Experiment: Levenberg–Marquardt damping rescues a run that undamped natural gradient breaks",
       statement=r"\text{undamped: } \mathcal{L}_t \text{ diverges; LM-damped: } \mathcal{L}_t \to \mathcal{L}^* = \log 2",
       reading="An experiment for the rule's purpose: on a logistic regression where the undamped natural gradient "
               "step breaks down, the same steps with LM-adapted damping converge to the optimum.",
       source=(SECTION, LM), depends_on=("damping.levenberg-marquardt",), tags=("damping", "experiment"))
def _(c):
    plain, damped = logistic_run(False), logistic_run(True)
    optimum = math.log(2)
    broke = plain["status"] != "ok" or not plain["losses"][-1] < plain["losses"][0]
    rescued = damped["status"] == "ok" and damped["losses"][-1] - optimum < 1e-10
    c.observe(broke and rescued,
              detail=f"logistic regression, optimum L* = log 2, start w = (3, −2.5), η = 1: undamped natural gradient "
                     f"losses {', '.join(f'{x:.3g}' for x in plain['losses'][:4])} … then {plain['status']}; "
                     f"LM-damped (λ₀ = 1): L − L* = {damped['losses'][-1] - optimum:.1e} after {len(damped['losses']) - 1} "
                     f"steps, final λ = {damped['damping']:.2g}",
              data={"plain": plain["losses"][:6], "plain_status": plain["status"],
                    "damped_gap": damped["losses"][-1] - optimum})


uncheckable(SECTION, "This is standard practice in second-order optimization and applies directly to natural gradient.",
            "a statement about common practice; its mathematical content (the LM rule works on the natural-gradient "
            "model) is damping.levenberg-marquardt and damping.lm-rescues-run")

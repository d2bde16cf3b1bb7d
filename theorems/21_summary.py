"""Summary: the key takeaways, each bullet as a claim (the invariance bullet rests on the reparameterization claims)."""
import numpy as np
import sympy as sp

from ngproof import claim, close
from ngproof.kernels import natural_gradient
from ngproof.strategies import spd_matrices, vectors

SECTION = "Summary"


@claim("summary.definition",
       title="Natural gradient preconditions the gradient with the inverse Fisher",
       statement=r"\tilde\nabla\mathcal{L} = I(\theta)^{-1}\nabla\mathcal{L}",
       source=(SECTION, r"Natural gradient preconditions the gradient with the inverse Fisher information matrix: $\tilde{\nabla}\mathcal{L} = I(\theta)^{-1} \nabla\mathcal{L}$"),
       depends_on=("ng.update-rule",), tags=("natural-gradient",))
def _(c):
    a, b, d = sp.symbols("a b d", real=True)
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    fisher = sp.Matrix([[a, b], [b, d]])
    c.prove(fisher * (fisher.adjugate() * g), fisher.det() * g,
            scope="2×2 symmetric Fisher with symbolic entries: adj(I)g/det(I) solves I x = g, i.e. it is I⁻¹∇L")

    def kernel_vs_solve(fisher_num, grad):
        return close(natural_gradient(fisher_num, grad), np.linalg.solve(fisher_num, grad), cond=np.linalg.cond(fisher_num))
    c.fuzz(kernel_vs_solve, spd_matrices(6, cond=1e6), vectors(6), scope="natural_gradient kernel vs numpy solve, d = 6, cond ≤ 1e6")


# Two metrics on the Gaussian family N(μ, σ²), both defined on the distributions themselves (so both transform as
# tensors under any reparameterization): Fisher diag(1/σ², 2/σ²) and Wasserstein-2 diag(1, 1), from W₂² = Δμ² + Δσ².
s_pos = sp.Symbol("sigma", positive=True)
fisher_gaussian = sp.diag(1 / s_pos ** 2, 2 / s_pos ** 2)
wasserstein_gaussian = sp.eye(2)


@claim("summary.only-correct-direction",
       title="The Fisher metric gives the only geometrically correct direction of steepest descent",
       statement=r"\text{any reparameterization-invariant steepest-descent direction is } -I(\theta)^{-1}\nabla\mathcal{L}",
       source=(SECTION, "giving the only geometrically correct direction of steepest descent"),
       expect="false", depends_on=("ng.steepest-per-kl",), tags=("geometry", "erratum"))
def _(c):
    g = sp.Matrix([1, 1])
    fisher_direction = fisher_gaussian.inv() * g
    wasserstein_direction = wasserstein_gaussian.inv() * g
    mu1, mu2, s1, s2 = sp.symbols("mu1 mu2 s1 s2", real=True)
    w2_squared = (mu1 - mu2) ** 2 + (s1 - s2) ** 2
    c.prove(sp.hessian(w2_squared, (mu2, s2)).subs({mu2: mu1, s2: s1}) / 2, wasserstein_gaussian,
            scope="the Wasserstein-2 distance between N(μ₁, s₁²) and N(μ₂, s₂²) has W₂² = Δμ² + Δs²; its local "
                  "metric is the identity in (μ, σ) — a metric defined on distributions, hence reparameterization-invariant")
    c.counterexample({s_pos: 1}, fisher_direction, wasserstein_direction,
                     detail="N(μ, σ²) at σ = 1, gradient (1, 1) in (μ, σ): the Fisher direction is (1, ½), the "
                            "Wasserstein-2 natural gradient — equally coordinate-free — is (1, 1)")


@claim("summary.steepest-under-fisher",
       title="Corrected: for the Fisher metric the steepest-descent direction is unique; other intrinsic metrics give others",
       statement=r"(g^T I^{-1} g)(v^T I v) - (g^T v)^2 \ge 0,\ \text{equality iff}\ v \parallel I^{-1}g",
       source=(SECTION, "The Fisher matrix acts as a Riemannian metric measuring KL divergence"),
       corrects="summary.only-correct-direction", depends_on=("ng.kl-second-order", "ng.trust-region-minimiser"), tags=("geometry", "correction"))
def _(c):
    l11, l22 = sp.symbols("l11 l22", positive=True)
    l21 = sp.Symbol("l21", real=True)
    L = sp.Matrix([[l11, 0], [l21, l22]])          # I = LLᵀ, any SPD 2×2
    fisher = L * L.T
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    v = sp.Matrix(sp.symbols("v1:3", real=True))
    a, b = L.inv() * g, L.T * v
    gap = (g.T * fisher.inv() * g)[0] * (v.T * fisher * v)[0] - (g.T * v)[0] ** 2
    lagrange = (a[0] * b[1] - a[1] * b[0]) ** 2
    c.prove(gap, lagrange, scope="2×2 SPD Fisher I = LLᵀ, symbolic g, v: the Cauchy–Schwarz gap is a square "
            "(Lagrange's identity), zero only when Lᵀv ∥ L⁻¹g, i.e. v ∥ I⁻¹g")
    c.prove_nonnegative(lagrange, scope="the gap is ≥ 0, so −I⁻¹g minimises gᵀv on the KL ellipsoid vᵀIv = const")


@claim("summary.kfac-cost",
       title="K-FAC reduces inversion from O(d³) to O(d^{3/2}) per layer",
       statement=r"n_{\text{in}}^3 + n_{\text{out}}^3 = O(d^{3/2}),\quad d = n_{\text{in}} n_{\text{out}}",
       source=(SECTION, r"reducing inversion from $O(d^3)$ to $O(d^{3/2})$ per layer"),
       expect="holds-if", condition="the layer is roughly square, n_in ≍ n_out ≍ √d; for a layer with one output "
                                    "n_in³ = d³ and nothing is saved",
       depends_on=("kfac.cost-d-three-halves",), tags=("kfac", "cost", "erratum"))
def _(c):
    n_in, n_out = sp.symbols("n_in n_out", positive=True)
    d = n_in * n_out
    kfac_cost = n_in ** 3 + n_out ** 3
    c.counterexample({n_in: 500, n_out: 1}, sp.Max(kfac_cost, 2 * d ** sp.Rational(3, 2)), 2 * d ** sp.Rational(3, 2),
                     detail="a layer with n_in = 500, n_out = 1 (d = 500): K-FAC inverts a 500×500 A, 125,000,001 flops "
                            "— the full O(d³) = 1.25·10⁸ — against 2·d^{3/2} ≈ 22,361")


@claim("summary.kfac-cost-square-layers",
       title="Corrected: per layer K-FAC inverts for n_in³ + n_out³ ≥ 2d^{3/2}; on Worked Example 3's layers 1.6× and 5.6× that",
       statement=r"100^3 + 50^3 = 1{,}125{,}000 \ge 2\cdot 5000^{3/2},\quad 50^3 + 10^3 = 126{,}000 \ge 2\cdot 500^{3/2}",
       source=(SECTION, r"reducing inversion from $O(d^3)$ to $O(d^{3/2})$ per layer"),
       corrects="summary.kfac-cost", depends_on=("kfac.cost-factors", "example3.answer"), tags=("kfac", "cost", "correction"))
def _(c):
    # The bound n_in³ + n_out³ − 2d^{3/2} = (n_in^{3/2} − n_out^{3/2})² ≥ 0 is proved by kfac.cost-factors;
    # here it is evaluated on the two layers of the lesson's own network (100 → 50 → 10, biases left out).
    layers = [(100, 50), (50, 10)]
    costs = [n_in ** 3 + n_out ** 3 for n_in, n_out in layers]
    c.prove(costs, [1125000, 126000], scope="Worked Example 3's layers W₁ (50 × 100) and W₂ (10 × 50)")
    excess = [cost - 2 * sp.Integer(n_in * n_out) ** sp.Rational(3, 2) for cost, (n_in, n_out) in zip(costs, layers)]
    c.prove_nonnegative(excess, scope="both exceed 2d^{3/2} (2·5000^{3/2} ≈ 707,107 and 2·500^{3/2} ≈ 22,361): "
                        "neither layer is square, so neither reaches O(d^{3/2}) with constant 2")


@claim("summary.trpo-ppo-kl",
       title="Trust regions in policy space (TRPO/PPO) are KL-divergence constraints",
       statement=r"\text{TRPO and PPO constrain } D_{KL}(\pi_{\theta_{\text{old}}}\|\pi_\theta) \le \delta",
       source=(SECTION, "trust regions in policy space are KL divergence constraints"),
       expect="holds-if", condition="TRPO (and PPO's KL-penalty variant); PPO-clip bounds the probability ratio by "
                                    "clipping and imposes no KL constraint",
       depends_on=("trpo.kl-constrained-step",), tags=("trpo", "erratum"))
def _(c):
    p_new = sp.Symbol("p", positive=True)
    eps_clip, advantage = sp.Rational(1, 5), 1
    ratio = p_new / sp.Rational(1, 2)            # the sampled action had probability ½ under the old policy

    def clipped_surrogate(p):
        r = ratio.subs(p_new, p)
        return sp.Min(r * advantage, sp.Max(sp.Min(r, 1 + eps_clip), 1 - eps_clip) * advantage)

    def kl_old_new(p):
        half = sp.Rational(1, 2)
        return half * sp.log(half / p) + half * sp.log(half / (1 - p))
    c.prove(clipped_surrogate(sp.Rational(3, 5)), clipped_surrogate(sp.Rational(3, 4)),
            scope="two-action policy, old p = ½, sampled action with advantage 1, ε = 0.2: the PPO-clip objective is "
                  "6/5 for both new p = 0.6 and p = 0.75")
    c.counterexample({}, kl_old_new(sp.Rational(3, 5)), kl_old_new(sp.Rational(3, 4)),
                     detail="yet KL(old‖new) is 0.0204 at p = 0.6 and 0.1438 at p = 0.75: with δ = 0.05 one is inside a "
                            "KL trust region and one outside, and PPO-clip's objective cannot tell them apart")


@claim("summary.trpo-kl-is-fisher-quadratic",
       title="Corrected: TRPO's step is a natural-gradient step — the surrogate's gradient is the policy gradient, the KL's curvature the policy Fisher",
       statement=r"\nabla_\theta\mathbb{E}_{a\sim\pi_{\text{old}}}\Big[\frac{\pi_\theta(a)}{\pi_{\text{old}}(a)}A(a)\Big]_{\theta=\theta_{\text{old}}} = \mathbb{E}_{\pi_{\text{old}}}[\nabla\log\pi_\theta(a)\,A(a)]",
       source=(SECTION, "Natural gradient is the theoretical basis of TRPO/PPO in RL"),
       corrects="summary.trpo-ppo-kl", depends_on=("ng.kl-second-order", "quiz.q2-answer", "trpo.natural-gradient-to-second-order"), tags=("trpo", "correction"))
def _(c):
    # With the KL's second-order term ½ΔθᵀFΔθ (ng.kl-second-order) and the linearised surrogate, the TRPO step is
    # the trust-region natural step (quiz.q2-answer); what remains is that the surrogate's gradient is the policy
    # gradient.  Two-action policy in the logit θ = log u, old logit θ₀ = log u₀, advantages A₁, A₂.
    u, u0 = sp.symbols("u u0", positive=True)
    A1, A2 = sp.symbols("A1 A2", real=True)
    new, old = u / (1 + u), u0 / (1 + u0)
    surrogate = old * (new / old) * A1 + (1 - old) * ((1 - new) / (1 - old)) * A2
    score_1, score_2 = 1 - new, -new                              # ∂θ log π(a) for a = 1, 2
    policy_gradient = old * score_1.subs(u, u0) * A1 + (1 - old) * score_2.subs(u, u0) * A2
    c.prove((u * sp.diff(surrogate, u)).subs(u, u0), policy_gradient, scope="two-action softmax policy, all logits "
            "and advantages", rewriters=[("cancel", sp.cancel)])


@claim("summary.damping-notation",
       title="Damping (I + λI)⁻¹, with I the Fisher as the lesson defines the symbol, interpolates to standard gradient",
       statement=r"\lim_{\lambda\to\infty}\lambda\,(I(\theta) + \lambda I(\theta))^{-1}g = g",
       source=(SECTION, r"Damping $(I + \lambda I)^{-1}$ is essential in practice"),
       expect="false", tags=("damping", "notation", "erratum"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    fisher = sp.diag(1, 2)
    g = sp.Matrix([1, 1])
    literal = (lam * (fisher + lam * fisher).inv() * g).applyfunc(lambda e: sp.limit(e, lam, sp.oo))
    c.counterexample({}, literal, g,
                     detail="read literally (both I the Fisher), (I + λI)⁻¹ = I⁻¹/(1 + λ) is a rescaled natural "
                            "gradient: with I = diag(1, 2), g = (1, 1), λ(I + λI)⁻¹g → (1, ½), never the gradient (1, 1); "
                            "the second I must be the identity 𝟙")


@claim("summary.damping-interpolates",
       title="Corrected: (I(θ) + λ𝟙)⁻¹g moves smoothly from the natural gradient (λ → 0) toward the scaled gradient g/λ (λ → ∞)",
       statement=r"\frac{d}{d\lambda}(I+\lambda\mathbb{1})^{-1}g = -(I+\lambda\mathbb{1})^{-2}g",
       source=(SECTION, "it smoothly interpolates between natural and standard gradient descent"),
       corrects="summary.damping-notation", depends_on=("damping.interpolation-limits",), tags=("damping", "correction"))
def _(c):
    # The two limits are proved by damping.interpolation-limits; 'smoothly': the path is differentiable in λ
    # (in fact rational) wherever I + λ𝟙 is invertible, with the derivative below.
    a, b, d, lam = sp.symbols("a b d lambda", positive=True)
    fisher = sp.Matrix([[a, b], [b, d]])
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    damped_inverse = (fisher + lam * sp.eye(2)).inv()
    c.prove((damped_inverse * g).diff(lam), -damped_inverse * damped_inverse * g,
            scope="2×2 symbolic Fisher, symbolic g, every λ with I + λ𝟙 invertible", rewriters=[("cancel", sp.cancel)])


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
       reading="The natural gradient is I(θ)⁻¹∇L: for an invertible Fisher, the solution x of I x = ∇L.",
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
       title="Under the KL's Fisher metric the steepest-descent direction is unique: −I⁻¹∇L",
       statement=r"(g^T I^{-1} g)(v^T I v) - (g^T v)^2 \ge 0,\ \text{equality iff}\ v \parallel I^{-1}g",
       source=(SECTION, "giving the only geometrically correct direction of steepest descent"),
       reading="With distances between distributions measured by the KL divergence (whose local metric is the "
               "Fisher), steepest descent has exactly one direction, −I⁻¹∇L, and it does not depend on the "
               "coordinates. 'Only geometrically correct' is read as 'the one this geometry gives'; Chentsov's "
               "theorem makes the Fisher metric the only one (up to scale) that is invariant under sufficient "
               "statistics.",
       wording="'The only geometrically correct direction' overstates: other metrics defined on the distributions "
               "themselves are just as coordinate-free and give other directions. The Wasserstein-2 metric on "
               "N(μ, σ²) is the identity in (μ, σ); at σ = 1 with gradient (1, 1) it gives the direction (1, 1), "
               "the Fisher metric (1, ½).",
       depends_on=("ng.steepest-per-kl", "ng.kl-second-order"), tags=("geometry",))
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
    mu1, mu2, s1, s2 = sp.symbols("mu1 mu2 s1 s2", real=True)
    w2_squared = (mu1 - mu2) ** 2 + (s1 - s2) ** 2
    c.prove(sp.hessian(w2_squared, (mu2, s2)).subs({mu2: mu1, s2: s1}) / 2, wasserstein_gaussian,
            scope="the wording note: W₂² between N(μ₁, s₁²) and N(μ₂, s₂²) is Δμ² + Δs², so its local metric is "
                  "the identity in (μ, σ)")
    g0 = sp.Matrix([1, 1])
    c.prove([fisher_gaussian.inv().subs(s_pos, 1) * g0, wasserstein_gaussian.inv() * g0],
            [sp.Matrix([1, sp.Rational(1, 2)]), sp.Matrix([1, 1])],
            scope="the wording note: at σ = 1, gradient (1, 1): Fisher direction (1, ½), Wasserstein-2 direction (1, 1)")


@claim("summary.kfac-cost",
       title="K-FAC reduces inversion from O(d³) to O(d^{3/2}) per layer",
       statement=r"n_{\text{in}}^3 + n_{\text{out}}^3 = O(d^{3/2}),\quad d = n_{\text{in}} n_{\text{out}}",
       source=(SECTION, r"reducing inversion from $O(d^3)$ to $O(d^{3/2})$ per layer"),
       reading="Inverting a layer's two Kronecker factors costs O(n_in³ + n_out³); the takeaway states that this is "
               "O(d^{3/2}) for every layer (d = n_in·n_out), as it is for the lesson's square 1000 × 1000 example.",
       defence="For a square layer it is exact (2d^{3/2}), and for any fixed aspect ratio r = n_in/n_out it is "
               "O(d^{3/2}) with the constant r^{3/2} + r^{−3/2}; hidden layers are often roughly square. But the "
               "summary states it for every layer, and the cost depends on the layer's shape, not on d: output "
               "layers are the lopsided ones. The lesson's own 10 × 50 layer pays 11·d^{3/2}, and a layer with "
               "one output inverts a d × d factor, the full O(d³) the sentence says is avoided.",
       expect="holds-if", condition="the layer's aspect ratio n_in/n_out stays bounded (the cost is "
                                    "(r^{3/2} + r^{−3/2})·d^{3/2} with r = n_in/n_out); a layer with one output "
                                    "costs d³ + 1 and saves nothing",
       depends_on=("kfac.cost-d-three-halves",), tags=("kfac", "cost", "erratum"))
def _(c):
    n_in, n_out = sp.symbols("n_in n_out", positive=True)
    d = n_in * n_out
    kfac_cost = n_in ** 3 + n_out ** 3
    c.counterexample({n_in: 10 ** 6, n_out: 1}, sp.Max(kfac_cost, 2 * d ** sp.Rational(3, 2)), 2 * d ** sp.Rational(3, 2),
                     detail="at the d = 10⁶ of the lesson's 1000 × 1000 example, a layer with one output inverts a "
                            "10⁶ × 10⁶ factor: 10¹⁸ + 1 flops, the full d³, against the 2·d^{3/2} = 2·10⁹ of the "
                            "square layer")


@claim("summary.kfac-cost-square-layers",
       title="Corrected: K-FAC's inversions cost (r^{3/2} + r^{−3/2})·d^{3/2}, r = n_in/n_out: O(d^{3/2}) for "
             "bounded aspect ratio, least (2d^{3/2}) for square layers",
       statement=r"n_{\text{in}}^3 + n_{\text{out}}^3 = \big(r^{3/2} + r^{-3/2}\big)\,d^{3/2},\ r = n_{\text{in}}/n_{\text{out}};\quad r^{3/2} + r^{-3/2} - 2 = \big(r^{3/4} - r^{-3/4}\big)^2 \ge 0",
       source=(SECTION, r"reducing inversion from $O(d^3)$ to $O(d^{3/2})$ per layer"),
       reading="What holds: the inversion cost is d^{3/2} times a factor set by the layer's aspect ratio alone, "
               "at least 2 and equal to 2 for square layers; on Worked Example 3's layers it is 3.2 and 11.3.",
       corrects="summary.kfac-cost", depends_on=("example3.answer",), tags=("kfac", "cost", "correction"))
def _(c):
    n_in, n_out, r = sp.symbols("n_in n_out r", positive=True)
    three_halves = sp.Rational(3, 2)
    c.prove(n_in ** 3 + n_out ** 3, ((n_in / n_out) ** three_halves + (n_in / n_out) ** -three_halves)
            * (n_in * n_out) ** three_halves, scope="all n_in, n_out > 0")
    excess = (r ** sp.Rational(3, 4) - r ** -sp.Rational(3, 4)) ** 2
    c.prove(r ** three_halves + r ** -three_halves - 2, excess, scope="every aspect ratio r > 0")
    c.prove_nonnegative(excess, scope="so the factor is ≥ 2, with equality only at r = 1 (square layers)")
    # Worked Example 3's network 100 → 50 → 10 (biases left out): W₁ is 50 × 100, W₂ is 10 × 50.
    layers = [(100, 50), (50, 10)]
    costs = [n_i ** 3 + n_o ** 3 for n_i, n_o in layers]
    c.prove(costs, [1125000, 126000], scope="Worked Example 3's layers W₁ (50 × 100) and W₂ (10 × 50)")
    factors = [sp.Rational(n_i, n_o) ** three_halves + sp.Rational(n_i, n_o) ** -three_halves for n_i, n_o in layers]
    c.prove(factors, [sp.Rational(9, 4) * sp.sqrt(2), sp.Rational(126, 25) * sp.sqrt(5)],
            scope="their factors: 9√2/4 ≈ 3.18 (r = 2) and 126√5/25 ≈ 11.27 (r = 5)")


@claim("summary.trpo-ppo-kl",
       title="TRPO's trust region is a KL constraint, and its step is a natural-gradient step",
       statement=r"\nabla_\theta\mathbb{E}_{a\sim\pi_{\text{old}}}\Big[\frac{\pi_\theta(a)}{\pi_{\text{old}}(a)}A(a)\Big]_{\theta=\theta_{\text{old}}} = \mathbb{E}_{\pi_{\text{old}}}[\nabla\log\pi_\theta(a)\,A(a)],\quad D_{KL}(\pi_{\text{old}}\|\pi_\theta) \approx \tfrac12\Delta\theta^T F\Delta\theta",
       source=(SECTION, "trust regions in policy space are KL divergence constraints"),
       reading="The clause explains 'theoretical basis of TRPO/PPO': TRPO's trust region is a KL constraint on the "
               "policy, and with the surrogate linearised (its gradient is the policy gradient) and the KL to "
               "second order (the policy Fisher), TRPO's step is a natural-gradient step. PPO enters as TRPO's "
               "simplification, which the lesson's TRPO section says drops the KL constraint for a clipped "
               "surrogate 'but the motivation is the same'.",
       wording="Read literally for PPO the clause is false: PPO-clip imposes no KL constraint; with old "
               "probability ½, advantage 1 and ε = 0.2 its objective is 6/5 at both new probabilities 0.6 and "
               "0.75, whose KL(old‖new) is 0.020 and 0.144. The lesson's own TRPO section says as much; the KL "
               "trust region is TRPO's (and that of PPO's KL-penalty variant).",
       depends_on=("trpo.kl-constrained-step", "ng.kl-second-order", "quiz.q2-answer"), tags=("trpo",))
def _(c):
    # Two-action policy in the logit θ = log u, old logit θ₀ = log u₀, advantages A₁, A₂.
    u, u0 = sp.symbols("u u0", positive=True)
    A1, A2 = sp.symbols("A1 A2", real=True)
    new, old = u / (1 + u), u0 / (1 + u0)
    surrogate = old * (new / old) * A1 + (1 - old) * ((1 - new) / (1 - old)) * A2
    score_1, score_2 = 1 - new, -new                              # ∂θ log π(a) for a = 1, 2
    policy_gradient = old * score_1.subs(u, u0) * A1 + (1 - old) * score_2.subs(u, u0) * A2
    c.prove((u * sp.diff(surrogate, u)).subs(u, u0), policy_gradient, scope="two-action softmax policy, all logits "
            "and advantages: the surrogate's gradient at θ_old is the policy gradient", rewriters=[("cancel", sp.cancel)])
    kl = old * sp.log(old / new) + (1 - old) * sp.log((1 - old) / (1 - new))
    c.prove((u * sp.diff(u * sp.diff(kl, u), u)).subs(u, u0), old * (1 - old),
            scope="the KL's curvature at θ_old is the policy's Fisher σ(1 − σ), so the KL trust region is the Fisher "
                  "ellipsoid to second order", rewriters=[("cancel", sp.cancel)])
    eps_clip, p_old, half = sp.Rational(1, 5), sp.Rational(1, 2), sp.Rational(1, 2)

    def clipped_surrogate(p):              # the sampled action, advantage 1
        ratio = p / p_old
        return sp.Min(ratio, sp.Max(sp.Min(ratio, 1 + eps_clip), 1 - eps_clip))

    def kl_old_new(p):
        return half * sp.log(half / p) + half * sp.log(half / (1 - p))
    c.prove([clipped_surrogate(sp.Rational(3, 5)), clipped_surrogate(sp.Rational(3, 4))], [sp.Rational(6, 5)] * 2,
            scope="the wording note: two-action policy, old p = ½, advantage 1, ε = 0.2: PPO-clip's objective is 6/5 "
                  "at new p = 0.6 and at p = 0.75")
    c.prove([kl_old_new(sp.Rational(3, 5)), kl_old_new(sp.Rational(3, 4))], [sp.log(sp.Rational(25, 24)) / 2,
            sp.log(sp.Rational(4, 3)) / 2], scope="the wording note: KL(old‖new) = ½ log(25/24) ≈ 0.020 and "
            "½ log(4/3) ≈ 0.144 there", rewriters=[("expand_log", lambda e: sp.expand(sp.expand_log(e, force=True)))])


@claim("summary.damping-notation",
       title="Damping (I(θ) + λ𝟙)⁻¹ exists for every λ > 0, with eigenvalues 1/(λ_i + λ) ≤ 1/λ, where I(θ)⁻¹ does not",
       statement=r"(I(\theta)+\lambda\mathbb{1})\,v = (\lambda_i+\lambda)\,v\ \text{for}\ I(\theta)v = \lambda_i v,\quad \det(I(\theta)+\lambda\mathbb{1}) > 0\ \text{even where}\ \det I(\theta) = 0",
       source=(SECTION, r"Damping $(I + \lambda I)^{-1}$ is essential in practice"),
       reading="In '(I + λI)⁻¹' the first I is the Fisher and the second the identity matrix, as the quiz's "
               "explanation (eigenvalues 1/(λ_i + λ)) and the Damping section make clear. 'Essential' is read as "
               "its checkable core: where the Fisher is singular I⁻¹ does not exist, while (I + λ𝟙)⁻¹ does, with "
               "eigenvalues 1/(λ_i + λ) ≤ 1/λ.",
       wording="One symbol I stands for the Fisher and for the identity in the same expression. Read with both "
               "the Fisher, (I + λI)⁻¹ = I⁻¹/(1 + λ) is only a rescaled natural gradient, which does not exist for "
               "a singular Fisher; writing 𝟙 (or Id) for the identity removes the clash.",
       tags=("damping", "notation"))
def _(c):
    lam = sp.Symbol("lambda", positive=True)
    fisher = sp.eye(3) / 3 - sp.ones(3, 3) / 9              # softmax logits at the uniform point, rank 2
    damped = fisher + lam * sp.eye(3)
    c.prove(fisher.det(), 0, scope="the 3-class softmax Fisher at π uniform is singular: I⁻¹ does not exist")
    c.prove(damped.det(), lam * (lam + sp.Rational(1, 3)) ** 2, scope="while det(I + λ𝟙) = λ(λ + ⅓)² > 0 for λ > 0")
    for vector, eigenvalue in ((sp.ones(3, 1), 0), (sp.Matrix([1, -1, 0]), sp.Rational(1, 3))):
        c.prove(damped.inv() * vector, vector / (eigenvalue + lam),
                scope=f"eigenvector {list(vector)} of I with eigenvalue {eigenvalue}: (I + λ𝟙)⁻¹ scales it by "
                      f"1/({eigenvalue} + λ) ≤ 1/λ")


@claim("summary.damping-interpolates",
       title="(I(θ) + λ𝟙)⁻¹g moves smoothly from the natural gradient (λ → 0) toward the scaled gradient g/λ (λ → ∞)",
       statement=r"\frac{d}{d\lambda}(I+\lambda\mathbb{1})^{-1}g = -(I+\lambda\mathbb{1})^{-2}g,\quad (I+\lambda\mathbb{1})^{-1}g\big|_{\lambda=0} = I^{-1}g,\quad \lambda(I+\lambda\mathbb{1})^{-1}g = (\mathbb{1}+\tfrac1\lambda I)^{-1}g \to g",
       source=(SECTION, "it smoothly interpolates between natural and standard gradient descent"),
       reading="The damped direction is a smooth (rational) function of λ that starts at the natural gradient at "
               "λ = 0 and, as λ → ∞, becomes the gradient scaled by 1/λ: standard gradient descent with learning "
               "rate η/λ, as the quiz's explanation says.",
       depends_on=("summary.damping-notation",), tags=("damping",))
def _(c):
    a, b, d, lam = sp.symbols("a b d lambda", positive=True)
    fisher = sp.Matrix([[a, b], [b, d]])
    g = sp.Matrix(sp.symbols("g1:3", real=True))
    damped_inverse = (fisher + lam * sp.eye(2)).inv()
    scope = "2×2 symbolic Fisher, symbolic g"
    c.prove((damped_inverse * g).diff(lam), -damped_inverse * damped_inverse * g,
            scope=scope + ", every λ with I + λ𝟙 invertible", rewriters=[("cancel", sp.cancel)])
    c.prove((damped_inverse * g).subs(lam, 0), fisher.inv() * g,
            scope=scope + " with det I ≠ 0: a rational function continuous at λ = 0 takes its value there")
    nu = sp.Symbol("nu", positive=True)                          # ν = 1/λ
    scaled = (lam * damped_inverse * g).subs(lam, 1 / nu).applyfunc(sp.cancel)
    c.prove(scaled.subs(nu, 0), g, scope=scope + ": λ(I + λ𝟙)⁻¹g = (𝟙 + νI)⁻¹g with ν = 1/λ is rational in ν with "
            "denominator det(𝟙 + νI) = 1 at ν = 0, so its limit as λ → ∞ is its value g at ν = 0")

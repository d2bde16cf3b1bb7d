"""Connection to TRPO and PPO: the KL-constrained step, how exactly it is a natural gradient step, and CG.

The policy in the counterexamples is a softmax over three actions in one state
with free logits (θ₁, θ₂, 0); the surrogate is L(θ) = Σ_a π_θ(a) A(a), whose
value at θ_old equals E_{a~π_old}[π_θ/π_old · A].  Gradients here are of the
surrogate to be maximised; the trust_region_step kernel returns the descent
step for a loss, so the ascent step is its negative.
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close, uncheckable
from ngproof.kernels import cg_natural_gradient, kl_line_search, trust_region_step
from ngproof.strategies import dampings, reals, spd_matrices, vectors
from ngproof.symbolic.models import COMBINED_NUMERATOR, general, spd

SECTION = "Connection to TRPO and PPO"
PROBLEM = (r"$$\max_\theta \mathbb{E}\left[\frac{\pi_\theta(a \mid s)}{\pi_{\theta_{\text{old}}}(a \mid s)} A(s, a)\right] "
           r"\quad \text{s.t.} \quad D_{KL}(\pi_{\theta_{\text{old}}} |\pi_\theta) \leq \delta$$")
EXACTLY = "This is exactly a natural gradient step with the Fisher matrix of the policy."
delta, Q = sp.symbols("delta q", positive=True)
grad = general(2, 1, "g")
FISHER, LOWER = spd(2)


def policy(logits: np.ndarray) -> np.ndarray:
    z = np.append(logits, 0.0)
    e = np.exp(z - z.max())
    return e / e.sum()


def kl(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sum(p * np.log(p / q)))


def surrogate_problem(base: np.ndarray, advantages: np.ndarray):
    """π_old, the Fisher of the free logits, and the surrogate's gradient there."""
    p = policy(base)
    full = np.diag(p) - np.outer(p, p)
    return p, full[:2, :2], (full @ advantages)[:2]


@claim("trpo.kl-constrained-step",
       title="The linearised TRPO problem with the quadratic KL has the solution s* = √(2δ/gᵀF⁻¹g) F⁻¹g",
       statement=r"\max_s g^Ts\ \text{s.t.}\ \tfrac12 s^TFs \le \delta\ \Rightarrow\ s^* = \sqrt{\tfrac{2\delta}{g^TF^{-1}g}}\,F^{-1}g,"
                 r"\quad g^Ts \le \sqrt{(g^TF^{-1}g)(s^TFs)} \le g^Ts^*",
       reading="The displayed problem with the surrogate linearised (gᵀs) and the KL replaced by its quadratic "
               "½sᵀFs: its solution is the natural gradient F⁻¹g scaled so that the quadratic KL equals δ.",
       source=(SECTION, PROBLEM), tags=("trpo", "trust-region"))
def _(c):
    natural = FISHER.adjugate() * grad / FISHER.det()
    q = (grad.T * natural)[0]
    scope = "2×2 SPD F = LLᵀ (symbolic Cholesky factor), symbolic g, δ > 0"
    scale = sp.sqrt(2 * delta / Q)
    c.prove([scale**2 * Q / 2, scale * Q], [delta, sp.sqrt(2 * delta * Q)],
            scope="q = gᵀF⁻¹g > 0, δ > 0: ½s*ᵀFs* = ½c²q = δ (the constraint is active) and gᵀs* = √(2δq)")
    c.prove(grad - FISHER * natural, sp.zeros(2, 1), rewriters=[COMBINED_NUMERATOR],
            scope=f"{scope}: stationarity g = μ F s* with μ = 1/c")
    s = general(2, 1, "s")
    fs = FISHER * s
    gap = q * (s.T * FISHER * s)[0] - (grad.T * s)[0] ** 2
    c.prove(gap, (grad[0] * fs[1] - grad[1] * fs[0]) ** 2 / FISHER.det(), rewriters=[COMBINED_NUMERATOR],
            scope=f"{scope}, every s: Cauchy–Schwarz in the F metric, as a Lagrange identity")
    c.prove_nonnegative((grad[0] * fs[1] - grad[1] * fs[0]) ** 2 / (LOWER[0, 0] ** 2 * LOWER[1, 1] ** 2),
                        scope=f"{scope}: det F = l11² l22² > 0, so gᵀs ≤ √(2δq) = gᵀs* on the constraint set")
    c.prove(FISHER.det(), LOWER[0, 0] ** 2 * LOWER[1, 1] ** 2, scope=scope)
    whitened = LOWER.inv() * grad
    c.prove(q, (whitened.T * whitened)[0], rewriters=[COMBINED_NUMERATOR], scope=f"{scope}: q = ‖L⁻¹g‖²")
    c.prove_nonnegative(sum(w**2 for w in whitened), scope=f"{scope}: q ≥ 0 (> 0 for g ≠ 0), so √(2δ/q) is real")

    def kernel_vs_formula(fisher, g, budget):
        natural_np = np.linalg.solve(fisher, g)
        step = -trust_region_step(natural_np, g, budget)
        cond = np.linalg.cond(fisher)
        return [close(step, np.sqrt(2 * budget / (g @ natural_np)) * natural_np, cond=cond, what="s*"),
                close(0.5 * step @ fisher @ step, budget, cond=cond, what="½ s*ᵀFs* = δ")]
    c.fuzz(kernel_vs_formula, spd_matrices(4, cond=1e2), vectors(4, 0.1, 2), reals(1e-3, 1.0),
           scope="−trust_region_step vs √(2δ/gᵀF⁻¹g)F⁻¹g (np.linalg.solve), d = 4, δ ∈ [1e-3, 1]")


@claim("trpo.exactly-natural-gradient",
       title="The TRPO step is exactly a natural gradient step",
       statement=r"\arg\max_{D_{KL}(\pi_{\text{old}}\|\pi_\theta)\le\delta} \mathbb{E}\Big[\tfrac{\pi_\theta}{\pi_{\text{old}}}A\Big] "
                 r"- \theta_{\text{old}} = c\,F^{-1}g \text{ for some } c > 0",
       source=(SECTION, EXACTLY), expect="holds-if",
       condition="for TRPO's approximation of the problem: the surrogate linearised and the KL replaced by ½sᵀFs "
                 "(which TRPO's algorithm solves, by CG, and then shortens by a line search); the solution of the "
                 "KL-constrained problem itself differs from every natural gradient step, in direction as well as "
                 "length",
       reading="'This' is the displayed problem: read as: the maximiser of the surrogate under the KL constraint is "
               "reached by a natural gradient step, a step along F⁻¹g with the policy's Fisher, of some length.",
       defence="TRPO as an algorithm does step along F⁻¹g: it linearises the surrogate, takes the KL to second order, "
               "finds the natural gradient direction by conjugate gradients and only shortens it in a line search, so "
               "every step it takes is a natural gradient step; and the displayed problem and that step agree to "
               "second order in the step. It fails for the problem the sentence displays: once the advantages take "
               "three distinct values its exact solution is not along F⁻¹g, so no natural gradient step, of any "
               "length, solves it — 'exactly' holds only for the approximation, as the lesson's own derivation of "
               "the natural gradient says ('to first order').",
       depends_on=("trpo.kl-constrained-step",), tags=("trpo", "erratum"))
def _(c):
    # One state, three actions, π_old uniform (free logits (θ₁, θ₂, 0) at 0), advantages A = (0, 1, 2).
    advantages = sp.Matrix([0, 1, 2])
    old = sp.Matrix([sp.Rational(1, 3)] * 3)
    best = sp.Matrix([2, 3, 6]) / 11
    multiplier, level = sp.Rational(18, 11), 3
    # KKT for max Σπ_a A_a s.t. Σ π_old log(π_old/π) ≤ δ, Σπ = 1: A_a + μ π_old,a/π_a = ν; linear objective, convex
    # constraint, μ > 0: π* is the maximiser for δ = KL(π_old‖π*).
    c.prove(sp.Matrix([advantages[a] + multiplier * old[a] / best[a] for a in range(3)]), sp.Matrix([level] * 3),
            scope="π* = (2, 3, 6)/11 with μ = 18/11, ν = 3: stationary, hence the exact maximiser at δ = KL(π_old‖π*)")
    full = sp.diag(*old) - old * old.T
    natural = full[:2, :2].LUsolve((full * advantages)[:2, :])
    exact_step = sp.Matrix([sp.log(best[0] / best[2]), sp.log(best[1] / best[2])])
    c.prove(natural, sp.Matrix([-2, -1]), scope="the natural gradient direction F⁻¹g in the free logits")
    c.counterexample({}, exact_step[0] * natural[1] - exact_step[1] * natural[0], 0,
                     detail="π_old uniform over 3 actions, A = (0, 1, 2), δ = KL(π_old‖π*) = ⅓ log(1331/972) ≈ "
                            "0.105: the exact maximiser π* = (2, 3, 6)/11 has free logits (−log 3, −log 2), while every natural gradient step is "
                            "c·(−2, −1); their cross product is log(3/4) ≠ 0, so no step size reaches π*")


@claim("trpo.natural-gradient-to-second-order",
       title="Corrected: the KL is ½sᵀFs to second order, so the natural gradient step solves TRPO to that order; "
             "the line search fixes the length",
       statement=r"D_{KL}(\pi_\theta\|\pi_{\theta+ts}) = \tfrac{t^2}{2}s^TF s + O(t^3)",
       source=(SECTION, EXACTLY),
       reading="What does hold: the KL between the policy and its step is ½sᵀFs to second order, so the natural "
               "gradient step solves the displayed problem to that order; TRPO's line search on the exact KL then "
               "fixes the length along F⁻¹g (checked against an independent backtracking loop).",
       corrects="trpo.exactly-natural-gradient", depends_on=("categorical.fisher",),
       tags=("trpo", "correction"))
def _(c):
    u = sp.symbols("u1:4", positive=True)
    s = sp.symbols("s1:3", real=True)
    t = sp.Symbol("t", real=True)
    direction = (s[0], s[1], 0)
    p = [ui / sum(u) for ui in u]
    divergence = (sp.log(sum(ui * sp.exp(t * si) for ui, si in zip(u, direction))) - sp.log(sum(u))
                  - t * sum(pi * si for pi, si in zip(p, direction)))
    pi = sp.Matrix(p[:2])
    fisher = sp.diag(*p[:2]) - pi * pi.T
    quadratic = (sp.Matrix(s).T * fisher * sp.Matrix(s))[0]
    c.prove([divergence.subs(t, 0), sp.diff(divergence, t).subs(t, 0), sp.diff(divergence, t, 2).subs(t, 0)],
            [0, 0, quadratic], rewriters=[COMBINED_NUMERATOR],
            scope="softmax policy over 3 actions, free logits (θ₁, θ₂, 0), every base point (u = e^θ) and direction s")

    def line_search_vs_loop(advantage, budget, logits):
        base = np.asarray(logits)
        advantages = np.array([0.0, advantage, 0.0])
        p, fisher, g = surrogate_problem(base, advantages)
        step = np.sqrt(2 * budget / (g @ np.linalg.solve(fisher, g))) * np.linalg.solve(fisher, g)
        fraction = 1.0
        for _ in range(10):
            candidate = base + fraction * step
            if kl(p, policy(candidate)) <= budget and policy(candidate) @ advantages > p @ advantages:
                break
            fraction /= 2
        else:
            fraction = 0.0
        new, info = kl_line_search(base, step, lambda th: kl(p, policy(th)), lambda th: -policy(th) @ advantages, budget)
        return [close(info["fraction"], fraction, what="accepted fraction"),
                close(new, base + fraction * step, cond=1 + np.linalg.norm(step) / np.linalg.norm(base + fraction * step),
                      what="returned parameters")]
    c.fuzz(line_search_vs_loop, reals(0.5, 3), reals(0.01, 1.0), vectors(2, -2, 2),
           scope="kl_line_search vs an independent backtracking loop on the exact categorical KL, 3 actions")


@claim("trpo.cg-natural-gradient",
       title="TRPO computes F⁻¹g matrix-free by conjugate gradient with Fisher–vector products",
       statement=r"x_{CG} = (F+\lambda I)^{-1}g \text{ from } v\mapsto Fv \text{ only}",
       reading="How TRPO solves the displayed problem's quadratic model in practice: the natural gradient step by "
               "conjugate gradients with Fisher–vector products only, never forming F; the kernel is checked "
               "against a dense solve.",
       source=(SECTION, PROBLEM), depends_on=("trpo.kl-constrained-step",), tags=("trpo", "cg"))
def _(c):
    def cg_vs_solve(fisher, g, damping):
        damped = fisher + damping * np.eye(len(g))
        x, info = cg_natural_gradient(lambda v: fisher @ v, g, damping, tol=1e-15, maxiter=50 * len(g))
        return close(x, np.linalg.solve(damped, g), cond=np.linalg.cond(damped), what="CG")
    c.fuzz(cg_vs_solve, spd_matrices(6, cond=1e3), vectors(6, -3, 3), st.one_of(st.just(0.0), dampings(1e-4, 1e1)),
           scope="cg_natural_gradient vs np.linalg.solve, d = 6, cond(F) ≤ 1e3")


uncheckable(SECTION, "Natural gradient is the theoretical foundation of Trust Region Policy Optimization (TRPO) in "
                     "reinforcement learning.",
            "a historical attribution (Schulman et al. 2015 build TRPO's step on Kakade's natural policy gradient); "
            "the mathematics behind it is trpo.kl-constrained-step and trpo.natural-gradient-to-second-order")
uncheckable(SECTION, "PPO simplifies this by using a clipped surrogate objective instead of the hard KL constraint, "
                     "but the motivation is the same: respect the geometry of policy space.",
            "a description of another algorithm's design and motivation; note that clipping the probability ratio "
            "does not bound the KL, so PPO respects the geometry only approximately")

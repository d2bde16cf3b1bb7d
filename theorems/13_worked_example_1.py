"""Worked Example 1: Natural Gradient for a Single-Parameter Bernoulli — every number and claim.

The example's θ is the logit: p(y = 1 | θ) = σ(θ), loss L(θ) = −log σ(θ) for y = 1, start θ₀ = 0,
η = 1.  Its reparameterisation paragraph writes φ = log(θ/(1−θ)) with θ naming the probability
(it later writes "θ = σ(2) ≈ 0.881"): φ is then the log-odds of σ(θ), which is the example's θ
itself, and the paragraph's numbers are read that way (with wording notes where the literal form
differs).  The answer box's second parameterisation, the probability p = σ(θ), is genuinely
different and is checked on its own.
"""
import sympy as sp

from ngproof import claim, uncheckable
from ngproof.kernels import bernoulli_fisher, bernoulli_gradient, bernoulli_natural_gradient
from ngproof.symbolic.families import bernoulli_expectation, fisher
from ngproof.symbolic.models import exponential_substitution

SECTION = "Example 1: Natural Gradient for a Single-Parameter Bernoulli"
theta = sp.Symbol("theta", real=True)
phi = sp.Symbol("phi", real=True)
p = sp.Symbol("p", positive=True)
x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
eta = sp.Symbol("eta", real=True)
u = sp.Symbol("u", positive=True)
half = sp.Rational(1, 2)


def sigmoid(t):
    return 1 / (1 + sp.exp(-t))


loss = sp.log(1 + sp.exp(-theta))  # −log σ(θ)
gradient = sp.diff(loss, theta)
information = fisher(x * theta - sp.log(1 + sp.exp(theta)), [theta], bernoulli_expectation(x, sigmoid(theta)))[0, 0]
to_u = [exponential_substitution(theta, u)]
phi_to_u = [exponential_substitution(phi, u)]
# the paragraph's φ: the log-odds of the probability σ(θ), which is θ itself (ex1.phi-at-zero)
loss_phi = loss.subs(theta, phi)
gradient_phi = sp.diff(loss_phi, phi)
information_phi = information.subs(theta, phi)
# the genuinely different coordinate: the probability p, with loss −log p and Fisher 1/(p(1−p))
loss_p = -sp.log(p)
fisher_p = fisher(x * sp.log(p) + (1 - x) * sp.log(1 - p), [p], bernoulli_expectation(x, p))[0, 0]


@claim("ex1.setup",
       title="The example's loss is the Bernoulli cross-entropy at y = 1",
       statement=r"-y\log\sigma(\theta) - (1-y)\log(1-\sigma(\theta))\big|_{y=1} = -\log\sigma(\theta) = \log(1+e^{-\theta})",
       source=(SECTION, r"Given observed data $y=1$ (single observation), loss $\mathcal{L}(\theta) = -\log\sigma(\theta)$."),
       reading="The loss is the lesson's Bernoulli cross-entropy with the single label y = 1.",
       depends_on=("bernoulli.gradient",), tags=("example", "bernoulli"))
def _(c):
    cross_entropy = -y * sp.log(sigmoid(theta)) - (1 - y) * sp.log(1 - sigmoid(theta))
    c.prove(cross_entropy.subs(y, 1), -sp.log(sigmoid(theta)), scope="y = 1, all real θ")
    c.prove(sp.exp(-sp.log(sigmoid(theta))), sp.exp(loss), scope="all real θ: −log σ(θ) = log(1 + e^{−θ}) (exponentiated)")


uncheckable(SECTION, r"Compute and compare the standard and natural gradient updates from $\theta_0 = 0$ with $\eta = 1$.",
            "the exercise's instructions; its numbers are checked below")


@claim("ex1.sigmoid-at-zero",
       title="σ(0) = 0.5 and σ(0)(1 − σ(0)) = 0.25",
       statement=r"\sigma(0) = 0.5,\ \sigma(0)(1-\sigma(0)) = 0.25",
       source=(SECTION, r"At $\theta = 0$: $\sigma(0) = 0.5$, $\sigma(0)(1-\sigma(0)) = 0.25$."),
       reading="The two numbers at the start, recomputed exactly and compared at the precision written.",
       tags=("example", "bernoulli"))
def _(c):
    c.example("σ(0)", sigmoid(0), "0.5")
    c.example("σ(0)(1 − σ(0))", sigmoid(0) * (1 - sigmoid(0)), "0.25")


@claim("ex1.standard-step",
       title="Standard gradient −0.5, step 0.5, σ(0.5) ≈ 0.622",
       statement=r"\nabla\mathcal{L} = \sigma(0) - 1 = -0.5,\ \Delta\theta_{\text{std}} = 0.5,\ \sigma(0.5) \approx 0.622",
       source=(SECTION, r"Standard gradient: $\nabla\mathcal{L} = \sigma(0) - 1 = -0.5$. Update: "
                        r"$\Delta\theta_{\text{std}} = -1 \cdot (-0.5) = 0.5$. New $\theta = 0.5$, $\sigma(0.5) \approx 0.622$."),
       reading="The gradient of −log σ(θ) is σ(θ) − 1; at θ = 0 it is −0.5, the plain step with η = 1 is 0.5, and "
               "σ(0.5) rounds to 0.622.",
       depends_on=("bernoulli.gradient",), tags=("example", "bernoulli", "kernel"))
def _(c):
    c.prove(gradient, sigmoid(theta) - 1, scope="all real θ: ∂/∂θ[−log σ(θ)] = σ(θ) − 1", rewriters=to_u)
    c.example("∇L at θ = 0", gradient.subs(theta, 0), "-0.5")
    c.example("bernoulli_gradient kernel at θ = 0, y = 1", float(bernoulli_gradient(0.0, 1.0)), "-0.5")
    step = -1 * gradient.subs(theta, 0)
    c.example("Δθ_std", step, "0.5")
    c.example("σ(0.5)", sigmoid(step), "0.622")


@claim("ex1.natural-step",
       title="Fisher 0.25, natural gradient −2, step 2, σ(2) ≈ 0.881",
       statement=r"I(0) = 0.25,\ \tilde\nabla\mathcal{L} = -0.5/0.25 = -2,\ \Delta\theta_{\text{NG}} = 2,\ "
                 r"\sigma(2) \approx 0.881",
       source=(SECTION, r"Fisher: $I(0) = 0.25$. Natural gradient: $\tilde{\nabla}\mathcal{L} = -0.5 / 0.25 = -2$. "
                        r"Update: $\Delta\theta_{\text{NG}} = -1 \cdot (-2) = 2$. New $\theta = 2$, $\sigma(2) \approx 0.881$."),
       reading="The Fisher at θ = 0 is ¼, the natural gradient −0.5/0.25 = −2, the step with η = 1 is 2, and σ(2) "
               "rounds to 0.881; recomputed exactly and by the Bernoulli kernels.",
       depends_on=("bernoulli.fisher", "bernoulli.natural-gradient"), tags=("example", "bernoulli", "kernel"))
def _(c):
    c.example("I(0) by exact expectation", information.subs(theta, 0), "0.25")
    c.example("bernoulli_fisher kernel at 0", float(bernoulli_fisher(0.0)), "0.25")
    natural = (gradient / information).subs(theta, 0)
    c.example("natural gradient at 0", natural, "-2")
    c.example("bernoulli_natural_gradient kernel at θ = 0, y = 1", float(bernoulli_natural_gradient(0.0, 1.0)), "-2")
    c.example("Δθ_NG", -1 * natural, "2")
    c.example("σ(2)", sigmoid(-natural), "0.881")


@claim("ex1.closer-to-optimum",
       title="The larger natural step gets closer to the optimum",
       statement=r"\frac{d\mathcal{L}}{d\theta} = -\frac{1}{1+e^{\theta}} < 0:\ \mathcal{L}(2) < \mathcal{L}(0.5);\ "
                 r"\inf\mathcal{L} = 0 \text{ only as } \theta\to\infty",
       source=(SECTION, "Natural gradient makes a much larger step, getting much closer to the optimum."),
       reading="The natural step is 1/I(0) = 4 times the plain one, and since the loss falls strictly in θ toward its "
               "infimum 0 (reached only as θ → ∞), θ = 2 is closer to the optimum than θ = 0.5 in loss.",
       depends_on=("ex1.standard-step", "ex1.natural-step"), tags=("example", "bernoulli"))
def _(c):
    c.prove(gradient, -1 / (1 + u), scope="all real θ (u = e^θ)", rewriters=to_u)
    c.prove_nonnegative(1 / (1 + u), scope="all u > 0: the loss decreases strictly in θ, so θ = 2 beats θ = 0.5")
    c.prove(sp.limit(loss, theta, sp.oo), 0, scope="the optimum is the limit θ → ∞ (p → 1), not attained")
    c.prove(1 / information.subs(theta, 0), 4, scope="θ = 0: the natural step is 1/I(0) = 4 times the plain one")


@claim("ex1.fisher-says-uncertain",
       title="At θ = 0 the Fisher metric is small against the Euclidean one (I(0) = ¼), so the natural step is 4× the plain one",
       statement=r"I(0) = \tfrac14 < 1:\ \Delta\theta_{\text{NG}} = \Delta\theta_{\text{std}}/I(0) = 4\,\Delta\theta_{\text{std}};"
                 r"\quad \tfrac14 - I(\theta) = (\sigma(\theta) - \tfrac12)^2 \ge 0,\ \tfrac{1}{I(\theta)} = 2 + 2\cosh\theta",
       source=(SECTION, "the Fisher metric says the parameter is highly uncertain (wide distribution)"),
       reading="Read as the reason for the larger step: against the Euclidean metric the standard gradient uses, "
               "the Fisher at θ = 0 is small (I(0) = ¼ < 1: one observation pins the logit down only to a "
               "standard error 1/√I = 2), so the natural step is 1/I(0) = 4 times the plain one.",
       wording="Misleading as an explanation: θ = 0 is where the Bernoulli Fisher is largest (σ(1 − σ) ≤ ¼), so "
               "the logit is least uncertain there and the natural gradient's amplification 1/I(θ) = 2 + 2 cosh θ "
               "is smallest (4, against ≈ 9.5 at θ = 2). The 'wide distribution' (p = ½, the widest Bernoulli) goes "
               "with the largest Fisher, not a small one: the Gaussian intuition (wide ⇒ small Fisher) is reversed here.",
       depends_on=("ex1.closer-to-optimum", "bernoulli.fisher"), tags=("example", "bernoulli"))
def _(c):
    c.prove(information.subs(theta, 0), sp.Rational(1, 4),
            scope="θ = 0: I(0) = ¼ < 1 (the 4× step itself: ex1.closer-to-optimum)")
    c.prove(sp.Rational(1, 4) - information, (sigmoid(theta) - half) ** 2, scope="all real θ: I(θ) ≤ I(0)",
            rewriters=to_u)
    c.prove(1 / information, 2 + 2 * sp.cosh(theta), scope="all real θ",
            rewriters=[("exp form", lambda e: sp.cancel(sp.expand(e.rewrite(sp.exp))))])
    c.prove(1 / information - 4, (u - 1) ** 2 / u, scope="all real θ (u = e^θ)", rewriters=to_u)
    c.prove_nonnegative((u - 1) ** 2 / u, scope="all u = e^θ > 0: the amplification 1/I(θ) is at least 4, least at θ = 0")


@claim("ex1.phi-at-zero",
       title="φ, the log-odds of the probability σ(θ), is θ itself: φ = 0 at θ = 0",
       statement=r"\phi = \log\frac{\sigma(\theta)}{1-\sigma(\theta)} = \theta,\quad \phi\big|_{\theta = 0} = 0",
       source=(SECTION, r"Now reparameterize as $\phi = \log\frac{\theta}{1-\theta}$ (log-odds). At $\theta=0$, $\phi=0$."),
       reading="In this paragraph θ names the probability inside the log-odds formula (the paragraph later writes "
               "θ = σ(2) ≈ 0.881) and the example's logit in 'at θ = 0'. Read as: φ is the log-odds of the "
               "probability σ(θ), which is the example's θ itself, so φ = 0 at the start.",
       wording="Taken literally, log(θ/(1 − θ)) at θ = 0 is log 0 = −∞: the example's θ is already the log-odds (its "
               "loss is −log σ(θ)), so the formula has to be applied to the probability σ(θ), and then φ ≡ θ.",
       tags=("example", "bernoulli"))
def _(c):
    odds = sp.cancel(sigmoid(theta) / (1 - sigmoid(theta)))
    c.prove(odds, sp.exp(theta), scope="all real θ: the odds of σ(θ)")
    c.prove(sp.log(odds), theta, scope="all real θ: φ ≡ θ")
    c.prove(sp.log(odds).subs(theta, 0), 0, scope="the start θ = 0")


@claim("ex1.phi-gradient",
       title="In φ the gradient is σ(φ) − 1 = −0.5 and the plain step is 0.5",
       statement=r"\nabla_\phi\mathcal{L} = \sigma(\phi) - 1 = -0.5,\ \Delta\phi = 0.5",
       source=(SECTION, r"Standard gradient: $\nabla_\phi\mathcal{L} = \sigma(\phi) - 1 = -0.5$. Update: $\Delta\phi = 0.5$."),
       reading="With φ ≡ θ (ex1.phi-at-zero) the loss in φ is −log σ(φ): its gradient is σ(φ) − 1, −½ at φ = 0, "
               "and the plain step with η = 1 is ½.",
       depends_on=("ex1.phi-at-zero",), tags=("example", "bernoulli"))
def _(c):
    c.prove(gradient_phi, sigmoid(phi) - 1, scope="all real φ: ∂/∂φ[−log σ(φ)] = σ(φ) − 1", rewriters=phi_to_u)
    c.example("∇_φL at φ = 0", gradient_phi.subs(phi, 0), "-0.5")
    c.example("Δφ = −1 · ∇_φL", -gradient_phi.subs(phi, 0), "0.5")


@claim("ex1.phi-natural-step",
       title="The natural gradient in φ gives the same step d = 2",
       statement=r"-I(\phi)^{-1}\nabla_\phi\mathcal{L}\big|_{\phi=0} = 2",
       source=(SECTION, r"Natural gradient in $\phi$: same $d = 2$."),
       reading="With φ ≡ θ the Fisher in φ is σ(φ)(1 − σ(φ)) and the natural step from φ = 0 with η = 1 is "
               "−(−½)/¼ = 2, the step found in θ.",
       depends_on=("ex1.phi-gradient", "ex1.natural-step"), tags=("example", "bernoulli"))
def _(c):
    c.prove(information_phi, sigmoid(phi) * (1 - sigmoid(phi)), scope="all real φ: the Bernoulli Fisher in the logit φ",
            rewriters=phi_to_u)
    c.example("natural step in φ from φ = 0", -(gradient_phi / information_phi).subs(phi, 0), "2")


@claim("ex1.phi-same-answer",
       title="φ = 2 corresponds to σ(2) ≈ 0.881 — the same answer as the natural step in θ",
       statement=r"\phi_{\text{new}} = 0 + 2 = 2,\ \sigma(2) \approx 0.881",
       source=(SECTION, r"Under the inverse sigmoid, $\phi = 2$ corresponds to $\theta = \sigma(2) \approx 0.881$ — same answer!"),
       reading="The natural step in φ lands on φ = 2, whose probability σ(2) ≈ 0.881 is the answer of the natural "
               "step in θ.",
       wording="'Same answer!' reads as invariance at work, but with φ ≡ θ the paragraph compares the log-odds with "
               "itself, so the agreement is an identity. In a genuinely different coordinate, the probability p the "
               "answer box names, the η = 1 natural step lands on p = 1.0 (ex1.answer-ng-invariant): the two agree "
               "only to second order in η.",
       depends_on=("ex1.phi-natural-step",), tags=("example", "bernoulli"))
def _(c):
    landed = (phi - gradient_phi / information_phi).subs(phi, 0)
    c.prove(landed, 2, scope="from φ = 0, η = 1")
    c.prove(sigmoid(landed), sigmoid(-(gradient / information).subs(theta, 0)),
            scope="the probability after the φ-step is the one after the θ-step")
    c.example("probability after the step, σ(2)", sigmoid(landed), "0.881")


@claim("ex1.standard-same-in-phi",
       title="Standard gradient in φ gives φ = 0.5 → σ(0.5) = 0.622, the same as in θ",
       statement=r"\phi_{\text{new}} = 0.5,\ \sigma(0.5) \approx 0.622 = \text{the plain step in } \theta",
       source=(SECTION, r"Standard gradient in $\phi$ gives $\phi = 0.5$ → $\theta = \sigma(0.5) = 0.622$, same as "
                        r"standard gradient in $\theta$."),
       reading="With φ ≡ θ the plain step in φ is the plain step in θ: φ = 0.5, probability σ(0.5) ≈ 0.622.",
       wording="True only because φ is θ itself, so it says nothing about the standard gradient's lack of "
               "invariance; in the probability p, the other coordinate the answer box names, the plain step from "
               "p = ½ lands on p = 2.5, outside (0, 1) (ex1.answer-standard-not-invariant).",
       depends_on=("ex1.phi-gradient", "ex1.standard-step"), tags=("example", "bernoulli"))
def _(c):
    landed = (phi - gradient_phi).subs(phi, 0)
    c.prove(landed, (theta - gradient).subs(theta, 0), scope="from φ = θ = 0, η = 1: the same point")
    c.example("φ after the plain step", landed, "0.5")
    c.example("σ(0.5)", sigmoid(landed), "0.622")


@claim("ex1.answer-numbers",
       title="Answer: θ 0 → 0.5 (σ = 0.622) by the standard gradient, 0 → 2 (σ = 0.881) by the natural gradient",
       statement=r"\theta: 0 \to 0.5\ (\sigma = 0.622);\ 0 \to 2\ (\sigma = 0.881)",
       source=(SECTION, r"Standard gradient: $\theta$ goes from 0 to 0.5 ($\sigma=0.622$). Natural gradient: $\theta$ goes "
                        r"from 0 to 2 ($\sigma=0.881$)."),
       reading="The answer box's four numbers, the same as the solution's.",
       depends_on=("ex1.standard-step", "ex1.natural-step"), tags=("example", "bernoulli"))
def _(c):
    standard = -gradient.subs(theta, 0)
    natural = -(gradient / information).subs(theta, 0)
    c.example("standard step", standard, "0.5")
    c.example("σ after the standard step", sigmoid(standard), "0.622")
    c.example("natural step", natural, "2")
    c.example("σ after the natural step", sigmoid(natural), "0.881")


@claim("ex1.answer-ng-invariant",
       title="Natural gradient gives the same result in the log-odds and in the probability",
       statement=r"p:\ \tfrac12 - I(p)^{-1}\partial_p\mathcal{L}\big|_{p=1/2} = \sigma(2)",
       source=(SECTION, "Natural gradient gives the same result regardless of parameterization (log-odds or probability)"),
       expect="holds-if", condition="to first order in η (here even to second order, since σ''(0) = 0); for the "
                                    "example's η = 1 the two steps differ",
       reading="'The same result' is the result just stated, the η = 1 natural step landing on probability σ(2) ≈ "
               "0.881; read as: the natural gradient step taken in the probability p from p = ½ lands on the same "
               "distribution.",
       defence="Natural gradient is invariant in the sense the lesson derives: the infinitesimal step transforms as "
               "dφ = J dθ, so steps taken in the two coordinates agree to first order in η (here even to second, "
               "since σ''(0) = 0) and the continuous-time flows coincide. It fails for the finite step the box "
               "reports: with η = 1 the natural step in p is p(1 − p)·(1/p) = ½, landing on p = 1.0, not 0.881.",
       depends_on=("ex1.natural-step", "reparam.fully-invariant"), tags=("example", "bernoulli", "erratum"))
def _(c):
    step_p = (p - eta * sp.diff(loss_p, p) / fisher_p).subs(p, half)
    c.counterexample({eta: 1}, step_p, sigmoid(2 * eta),
                     detail="η = 1 from p = 1/2: the natural step in the probability is p(1 − p)·(1/p) = 1/2, landing on "
                            "p = 1.0 (the boundary); in the log-odds it lands on σ(2) ≈ 0.881")


@claim("ex1.answer-ng-agree-to-second-order",
       title="Corrected: the two natural steps agree up to η², differ at η³",
       statement=r"\sigma(2\eta) = \tfrac12 + \tfrac{\eta}{2} - \tfrac{\eta^3}{6} + O(\eta^5),\ "
                 r"p\text{-step} = \tfrac12 + \tfrac{\eta}{2}",
       source=(SECTION, "Natural gradient gives the same result regardless of parameterization (log-odds or probability)"),
       reading="What does hold: the natural step in p is ½ + η/2, and σ(2η) = ½ + η/2 − η³/6 + O(η⁵), so the two "
               "agree up to η² and differ from η³ on.",
       corrects="ex1.answer-ng-invariant", depends_on=("reparam.first-order-invariance",),
       tags=("example", "bernoulli", "correction"))
def _(c):
    step_p = (p - eta * sp.diff(loss_p, p) / fisher_p).subs(p, half)
    via_logit = sigmoid(2 * eta)
    coefficients = [sp.diff(via_logit, eta, k).subs(eta, 0) / sp.factorial(k) for k in range(4)]
    c.prove(step_p, half + eta / 2, scope="every η: the probability step is linear in η")
    c.prove(coefficients, [half, half, 0, -sp.Rational(1, 6)], scope="Taylor coefficients of σ(2η) at η = 0")


@claim("ex1.answer-standard-not-invariant",
       title="…while standard gradient does not: 2.5 in the probability against 0.622 in the log-odds",
       statement=r"p:\ \tfrac12 - \partial_p(-\log p)\big|_{p=1/2} = \tfrac52 \notin (0, 1),\ \text{log-odds: } "
                 r"\sigma(\tfrac12) \in (0, 1)",
       source=(SECTION, "while standard gradient does not"),
       reading="Read with the box's two parameterisations, log-odds and probability: the plain step in p from "
               "p = ½ lands on 2.5, not a probability, while in the log-odds it lands on σ(½) ≈ 0.622 — different "
               "results.",
       tags=("example", "bernoulli"))
def _(c):
    step_p = (p - sp.diff(loss_p, p)).subs(p, half)
    c.prove(step_p, sp.Rational(5, 2), scope="one plain step, η = 1, from p = 1/2")
    c.prove(1 - sigmoid(half), sp.exp(-half) / (1 + sp.exp(-half)), scope="the log-odds step's probability is < 1")
    c.prove_nonnegative(sp.exp(-half) / (1 + sp.exp(-half)), scope="exact")


@claim("ex1.overcomes-compression",
       title="The natural step moves the probability at the uncompressed rate",
       statement=r"\sigma'(\theta)\,\tilde\nabla_\theta\mathcal{L} = \sigma(\theta) - y:\ "
                 r"\frac{dp}{d\eta} = -(p - y) \text{ whatever the slope } \sigma'(\theta)",
       source=(SECTION, "The natural gradient overcomes the sigmoid's compression."),
       reading="The sigmoid compresses a change of θ into a change σ'(θ) = I(θ) of the probability; the natural "
               "step divides by I(θ), so the probability moves at the rate −(p − y) whatever the slope.",
       depends_on=("bernoulli.natural-gradient",), tags=("example", "bernoulli"))
def _(c):
    slope = sp.diff(sigmoid(theta), theta)
    natural = (sigmoid(theta) - y) / (sigmoid(theta) * (1 - sigmoid(theta)))
    c.prove(slope * natural, sigmoid(theta) - y, scope="all real θ and y", rewriters=to_u)
    c.prove(slope - information, 0, scope="all real θ: the compression σ'(θ) is the Fisher I(θ)", rewriters=to_u)

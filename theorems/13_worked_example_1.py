"""Worked Example 1: Natural Gradient for a Single-Parameter Bernoulli — every number and claim.

The example's θ is the logit: p(y = 1 | θ) = σ(θ), loss L(θ) = −log σ(θ) for y = 1, start θ₀ = 0,
η = 1.  Its reparameterisation paragraph applies φ = log(θ/(1−θ)) to this θ, which is already the
log-odds; the claims below check the paragraph literally, name what fails, and give the reading
under which its numbers hold (φ as the log-odds of the probability σ(θ), which is θ itself), as
well as the genuinely different coordinate, the probability p = σ(θ).
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
w, z = sp.symbols("w z", positive=True)


def _nested(e):
    # e^{−φ} → w and e^{−σ(φ)} → z: an identity that holds for independent w, z holds at w = e^{−φ}, z = e^{−σ(φ)}
    e = e.subs(sp.exp(-phi), w).subs(sp.exp(phi), 1 / w)
    return sp.cancel(e.subs(sp.exp(-1 / (1 + w)), z).subs(sp.exp(1 / (1 + w)), 1 / z))

# the paragraph's map taken literally: θ = σ(φ), so the loss in φ is −log σ(σ(φ))
literal_loss = loss.subs(theta, sigmoid(phi))
literal_gradient = sp.diff(literal_loss, phi)
inner = sigmoid(sigmoid(phi))
literal_fisher = fisher(x * sp.log(inner) + (1 - x) * sp.log(1 - inner), [phi], bernoulli_expectation(x, inner),
                        rewrite=lambda e: e)[0, 0]
# the genuinely different coordinate: the probability p, with loss −log p and Fisher 1/(p(1−p))
loss_p = -sp.log(p)
fisher_p = fisher(x * sp.log(p) + (1 - x) * sp.log(1 - p), [p], bernoulli_expectation(x, p))[0, 0]


@claim("ex1.setup",
       title="The example's loss is the Bernoulli cross-entropy at y = 1",
       statement=r"-y\log\sigma(\theta) - (1-y)\log(1-\sigma(\theta))\big|_{y=1} = -\log\sigma(\theta) = \log(1+e^{-\theta})",
       source=(SECTION, r"Given observed data $y=1$ (single observation), loss $\mathcal{L}(\theta) = -\log\sigma(\theta)$."),
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
       tags=("example", "bernoulli"))
def _(c):
    c.example("σ(0)", sigmoid(0), "0.5")
    c.example("σ(0)(1 − σ(0))", sigmoid(0) * (1 - sigmoid(0)), "0.25")


@claim("ex1.standard-step",
       title="Standard gradient −0.5, step 0.5, σ(0.5) ≈ 0.622",
       statement=r"\nabla\mathcal{L} = \sigma(0) - 1 = -0.5,\ \Delta\theta_{\text{std}} = 0.5,\ \sigma(0.5) \approx 0.622",
       source=(SECTION, r"Standard gradient: $\nabla\mathcal{L} = \sigma(0) - 1 = -0.5$. Update: "
                        r"$\Delta\theta_{\text{std}} = -1 \cdot (-0.5) = 0.5$. New $\theta = 0.5$, $\sigma(0.5) \approx 0.622$."),
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
       depends_on=("ex1.standard-step", "ex1.natural-step"), tags=("example", "bernoulli"))
def _(c):
    c.prove(gradient, -1 / (1 + u), scope="all real θ (u = e^θ)", rewriters=to_u)
    c.prove_nonnegative(1 / (1 + u), scope="all u > 0: the loss decreases strictly in θ, so θ = 2 beats θ = 0.5")
    c.prove(sp.limit(loss, theta, sp.oo), 0, scope="the optimum is the limit θ → ∞ (p → 1), not attained")
    c.prove(1 / information.subs(theta, 0), 4, scope="θ = 0: the natural step is 1/I(0) = 4 times the plain one")


@claim("ex1.fisher-says-uncertain",
       title="At θ = 0 the Fisher metric says the parameter is highly uncertain",
       statement=r"I(0) \le I(\theta') \text{ (low information, large Cramér–Rao variance } 1/I \text{ at } \theta = 0)",
       source=(SECTION, "the Fisher metric says the parameter is highly uncertain (wide distribution)"),
       expect="false", depends_on=("ex1.natural-step",), tags=("example", "bernoulli", "erratum"))
def _(c):
    at_two = information.subs(theta, 2)
    c.counterexample({}, sp.Max(information.subs(theta, 0), at_two), at_two,
                     detail="I(0) = 1/4 > I(2) = e²/(1 + e²)² ≈ 0.105: the information is larger at θ = 0, so the "
                            "Cramér–Rao variance 1/I(0) = 4 is smaller than 1/I(2) ≈ 9.52")


@claim("ex1.fisher-is-maximal",
       title="Corrected: at θ = 0 the Fisher information is maximal, the parameter least uncertain",
       statement=r"\tfrac14 - \sigma(\theta)(1-\sigma(\theta)) = (\sigma(\theta) - \tfrac12)^2 \ge 0,\ "
                 r"\tfrac{1}{I(\theta)} = 2 + 2\cosh\theta \ge 4",
       source=(SECTION, "the Fisher metric says the parameter is highly uncertain (wide distribution)"),
       corrects="ex1.fisher-says-uncertain", depends_on=("bernoulli.fisher",), tags=("example", "bernoulli", "correction"))
def _(c):
    c.prove(sp.Rational(1, 4) - information, (sigmoid(theta) - half) ** 2, scope="all real θ", rewriters=to_u)
    c.prove(1 / information, 2 + 2 * sp.cosh(theta), scope="all real θ",
            rewriters=[("exp form", lambda e: sp.cancel(sp.expand(e.rewrite(sp.exp))))])
    c.prove_nonnegative((u - 1) ** 2 / u, scope="all u = e^θ > 0: 1/I(θ) − 4 = (u − 1)²/u ≥ 0")
    c.prove(1 / information - 4, (u - 1) ** 2 / u, scope="all real θ", rewriters=to_u)
    # what *is* wide at θ = 0 is the outcome distribution: Var(y) = σ(1−σ) = I(θ) is maximal there; the natural
    # step is 4× the plain one because a unit change of θ moves the distribution by only KL ≈ I(0)/2 = 1/8


@claim("ex1.phi-at-zero",
       title="With φ = log(θ/(1−θ)), θ = 0 gives φ = 0",
       statement=r"\phi = \log\frac{\theta}{1-\theta}\Big|_{\theta = 0} = 0",
       source=(SECTION, r"Now reparameterize as $\phi = \log\frac{\theta}{1-\theta}$ (log-odds). At $\theta=0$, $\phi=0$."),
       expect="false", tags=("example", "bernoulli", "erratum"))
def _(c):
    c.counterexample({theta: 0}, sp.log(theta / (1 - theta)), 0,
                     detail="log(0/(1 − 0)) = log 0 is −∞, not 0: the example's θ is already the log-odds (the loss is "
                            "−log σ(θ)), so it is not a probability that the log-odds map could be applied to")


@claim("ex1.phi-is-theta",
       title="Corrected: the log-odds of the probability σ(θ) is θ itself, so the paragraph compares θ with itself",
       statement=r"\log\frac{\sigma(\theta)}{1-\sigma(\theta)} = \theta",
       source=(SECTION, r"Now reparameterize as $\phi = \log\frac{\theta}{1-\theta}$ (log-odds). At $\theta=0$, $\phi=0$."),
       corrects="ex1.phi-at-zero", tags=("example", "bernoulli", "correction"))
def _(c):
    odds = sp.cancel(sigmoid(theta) / (1 - sigmoid(theta)))
    c.prove(odds, sp.exp(theta), scope="all real θ: the odds of σ(θ)")
    c.prove(sp.log(odds), theta, scope="all real θ: φ ≡ θ, hence φ = 0 at θ = 0 and every φ-number equals a θ-number")


@claim("ex1.phi-gradient",
       title="In φ = log(θ/(1−θ)) the gradient is σ(φ) − 1 = −0.5",
       statement=r"\nabla_\phi\mathcal{L} = \sigma(\phi) - 1 = -0.5,\ \Delta\phi = 0.5",
       source=(SECTION, r"Standard gradient: $\nabla_\phi\mathcal{L} = \sigma(\phi) - 1 = -0.5$. Update: $\Delta\phi = 0.5$."),
       expect="false", depends_on=("ex1.phi-at-zero",), tags=("example", "bernoulli", "erratum"))
def _(c):
    c.counterexample({phi: 0}, literal_gradient, sigmoid(phi) - 1,
                     detail="with θ = σ(φ) the loss is −log σ(σ(φ)); at φ = 0 its gradient is (σ(1/2) − 1)/4 ≈ −0.0944, "
                            "not −0.5 (σ(φ) − 1 is the gradient in θ, under the name φ)")


@claim("ex1.phi-gradient-chain-rule",
       title="Corrected: the gradient in φ = logit(θ) follows the chain rule",
       statement=r"\nabla_\phi\mathcal{L} = \theta(1-\theta)\,(\sigma(\theta) - 1),\ \theta = \sigma(\phi)",
       source=(SECTION, r"Standard gradient: $\nabla_\phi\mathcal{L} = \sigma(\phi) - 1 = -0.5$. Update: $\Delta\phi = 0.5$."),
       corrects="ex1.phi-gradient", depends_on=("reparam.gradient-transform",), tags=("example", "bernoulli", "correction"))
def _(c):
    chain = (theta * (1 - theta) * gradient).subs(theta, sigmoid(phi))
    c.prove(_nested(literal_gradient), _nested(chain), scope="all real φ; both sides written in w = e^{−φ}, z = e^{−σ(φ)}")


@claim("ex1.phi-natural-step",
       title="The natural gradient in φ = log(θ/(1−θ)) gives the same step d = 2",
       statement=r"-I(\phi)^{-1}\nabla_\phi\mathcal{L}\big|_{\phi=0} = 2",
       source=(SECTION, r"Natural gradient in $\phi$: same $d = 2$."),
       expect="false", depends_on=("ex1.phi-gradient",), tags=("example", "bernoulli", "erratum"))
def _(c):
    step = -literal_gradient / literal_fisher
    c.counterexample({phi: 0}, step, 2,
                     detail="with θ = σ(φ): ∇_φL(0) = (σ(1/2) − 1)/4 and I(φ = 0) = σ(1/2)(1 − σ(1/2))/16, so the "
                            "natural step is 4/σ(1/2) ≈ 6.43, not 2")


@claim("ex1.phi-natural-contravariant",
       title="Corrected: the natural step in φ is J times the natural step in θ",
       statement=r"\tilde\nabla_\phi\mathcal{L} = \frac{1}{\theta(1-\theta)}\,\tilde\nabla_\theta\mathcal{L},\ "
                 r"\theta = \sigma(\phi);\ \text{at } \phi = 0:\ -4/\sigma(\tfrac12)",
       source=(SECTION, r"Natural gradient in $\phi$: same $d = 2$."),
       corrects="ex1.phi-natural-step", depends_on=("reparam.ng-transform",),
       tags=("example", "bernoulli", "correction"))
def _(c):
    natural_theta = (gradient / information).subs(theta, sigmoid(phi))
    jacobian = 1 / (sigmoid(phi) * (1 - sigmoid(phi)))
    literal_natural = _nested(literal_gradient) / _nested(literal_fisher)
    c.prove(literal_natural, _nested(jacobian * natural_theta),
            scope="all real φ; both sides written in w = e^{−φ}, z = e^{−σ(φ)}")
    c.prove(literal_natural.subs({w: 1, z: sp.exp(-half)}), -4 / sigmoid(half), scope="φ = 0 (θ = 1/2)")


@claim("ex1.phi-same-answer",
       title="φ = 2 corresponds to σ(2) ≈ 0.881 — the same answer",
       statement=r"\phi_{\text{new}} = 2 \ \leftrightarrow\ \sigma(2) \approx 0.881",
       source=(SECTION, r"Under the inverse sigmoid, $\phi = 2$ corresponds to $\theta = \sigma(2) \approx 0.881$ — same answer!"),
       expect="holds-if", condition="φ is the log-odds of the probability σ(θ), i.e. φ ≡ θ (then trivially the same); "
                                    "under the stated map φ = log(θ/(1−θ)) it fails",
       depends_on=("ex1.phi-natural-step", "ex1.phi-is-theta"), tags=("example", "bernoulli", "erratum"))
def _(c):
    landed = phi - literal_gradient / literal_fisher  # the literal natural step from φ = 0
    probability = sigmoid(sigmoid(landed))
    c.counterexample({phi: 0}, probability, sigmoid(2),
                     detail="under the stated map the natural step lands on φ ≈ 6.43, θ = σ(φ) ≈ 0.998, probability "
                            "σ(θ) ≈ 0.731, not 0.881")


@claim("ex1.phi-same-answer-identity",
       title="Corrected: read as φ ≡ θ, the natural step in φ lands on σ(2) ≈ 0.881 — by identity, not by invariance",
       statement=r"\phi = \log\frac{\sigma(\theta)}{1-\sigma(\theta)} = \theta \Rightarrow \phi_{\text{new}} = 2,\ "
                 r"\sigma(2) \approx 0.881",
       source=(SECTION, r"Under the inverse sigmoid, $\phi = 2$ corresponds to $\theta = \sigma(2) \approx 0.881$ — same answer!"),
       corrects="ex1.phi-same-answer", depends_on=("ex1.phi-is-theta", "ex1.natural-step"),
       tags=("example", "bernoulli", "correction"))
def _(c):
    as_phi = sp.log(sp.cancel(sigmoid(theta) / (1 - sigmoid(theta))))  # = θ (ex1.phi-is-theta)
    natural_in_phi = (gradient / information).subs(theta, phi)
    landed = (as_phi - natural_in_phi.subs(phi, as_phi)).subs(theta, 0)
    c.prove(landed, 2, scope="from θ = 0, η = 1")
    c.example("probability after the step, σ(2)", sigmoid(landed), "0.881")


@claim("ex1.standard-same-in-phi",
       title="Standard gradient in the other coordinate gives the same result, 0.622",
       statement=r"\text{plain step in the other coordinate} \to \sigma(0.5) = 0.622",
       source=(SECTION, r"Standard gradient in $\phi$ gives $\phi = 0.5$ → $\theta = \sigma(0.5) = 0.622$, same as "
                        r"standard gradient in $\theta$."),
       expect="false", depends_on=("ex1.phi-is-theta",), tags=("example", "bernoulli", "erratum"))
def _(c):
    step_p = (p - sp.diff(loss_p, p)).subs(p, half)
    c.counterexample({}, step_p, sigmoid(half),
                     detail="in a coordinate that differs from θ, the probability p: ∂(−log p)/∂p = −2 at p = 1/2, so "
                            "the plain step lands on p = 2.5 (not a probability), not σ(0.5) ≈ 0.622; the paragraph's "
                            "'same' holds only because its φ is θ itself")
    literal_step = sigmoid(phi - literal_gradient)  # θ = σ(φ) after one plain step in the stated φ, from φ = 0
    theta_step = (theta - gradient).subs(theta, half)  # the plain θ-step from the same θ = 1/2
    c.counterexample({phi: 0}, literal_step, theta_step,
                     detail="with the stated map θ = σ(φ): from φ = 0 (θ = 1/2) the plain φ-step gives φ ≈ 0.0944, "
                            "θ = σ(0.0944) ≈ 0.524, while the plain θ-step from θ = 1/2 gives θ = 1/2 + (1 − σ(1/2)) "
                            "≈ 0.878: the two differ")


@claim("ex1.answer-numbers",
       title="Answer: θ 0 → 0.5 (σ = 0.622) by the standard gradient, 0 → 2 (σ = 0.881) by the natural gradient",
       statement=r"\theta: 0 \to 0.5\ (\sigma = 0.622);\ 0 \to 2\ (\sigma = 0.881)",
       source=(SECTION, r"Standard gradient: $\theta$ goes from 0 to 0.5 ($\sigma=0.622$). Natural gradient: $\theta$ goes "
                        r"from 0 to 2 ($\sigma=0.881$)."),
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
       corrects="ex1.standard-same-in-phi", tags=("example", "bernoulli", "correction"))
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
       depends_on=("bernoulli.natural-gradient",), tags=("example", "bernoulli"))
def _(c):
    slope = sp.diff(sigmoid(theta), theta)
    natural = (sigmoid(theta) - y) / (sigmoid(theta) * (1 - sigmoid(theta)))
    c.prove(slope * natural, sigmoid(theta) - y, scope="all real θ and y", rewriters=to_u)
    c.prove(slope - information, 0, scope="all real θ: the compression σ'(θ) is the Fisher I(θ)", rewriters=to_u)

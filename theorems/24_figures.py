"""Figures of lesson 24-02 for the HTML report, computed with ngproof.kernels.

* Worked Example 1 (the Bernoulli example): plain and natural gradient steps in
  the logit θ and in the probability p = σ(θ);
* Worked Example 3's network: full-data loss of SGD, natural gradient and K-FAC,
  from :func:`ngproof.kernels.training.train`.
"""
import math

from ngproof import figure

TRAINING = {"steps": 20, "n": 256, "batch_size": 16, "seed": 0}


def _sigmoid(theta: float) -> float:
    return 1 / (1 + math.exp(-theta)) if theta >= 0 else math.exp(theta) / (1 + math.exp(theta))


def bernoulli_paths(steps: int = 8, theta0: float = 0.0, y: float = 1.0, eta: float = 1.0) -> dict[str, list]:
    """p = σ(θ) after each step of four methods (None once a path has left (0, 1) or stopped)."""
    import numpy as np

    from ngproof.kernels import bernoulli_gradient, bernoulli_natural_gradient, diagonal_natural_gradient

    paths: dict[str, list] = {}
    for name, direction in (("plain gradient in θ", bernoulli_gradient), ("natural gradient in θ", bernoulli_natural_gradient)):
        theta, path = theta0, [_sigmoid(theta0)]
        for _ in range(steps):
            theta = theta - eta * float(direction(np.array([theta]), np.array([y]))[0])
            path.append(_sigmoid(theta))
        paths[name] = path
    for name, natural in (("plain gradient in p", False), ("natural gradient in p", True)):
        p, path = _sigmoid(theta0), [_sigmoid(theta0)]
        for _ in range(steps):
            if not 0 < p < 1:
                path.append(None)
                continue
            gradient = -y / p + (1 - y) / (1 - p)  # ∂L/∂p of L = -y log p - (1-y) log(1-p)
            if natural:  # Fisher in p is 1/(p(1-p))
                gradient = float(diagonal_natural_gradient(np.array([1 / (p * (1 - p))]), np.array([gradient]))[0])
            p = p - eta * gradient
            path.append(p)
        paths[name] = path
    return paths


@figure("24-02.bernoulli-steps", title="Worked Example 1: y = 1, θ₀ = 0, η = 1",
        section="Example 1: Natural Gradient for a Single-Parameter Bernoulli", budget=60)
def _():
    from ngproof.report.svg import Plot, Series, render

    paths = bernoulli_paths()
    styles = {"plain gradient in θ": ("#0969da", False), "natural gradient in θ": ("#1a7f37", False),
              "plain gradient in p": ("#cf222e", True), "natural gradient in p": ("#8250df", True)}
    series = [Series(name, list(range(len(path))), path, *styles[name]) for name, path in paths.items()]
    plot = Plot("Worked Example 1: y = 1, θ₀ = 0, η = 1", "step", "p = σ(θ) = P(y = 1)", series, ylim=(0.4, 1.05))

    def after(name: str, step: int) -> str:
        value = paths[name][step]
        return "outside (0, 1)" if value is None else f"{value:.3f}"

    plain_p = paths["plain gradient in p"][1]
    caption = (f"After one step p is {after('plain gradient in θ', 1)} (plain, in θ) and "
               f"{after('natural gradient in θ', 1)} (natural, in θ), the lesson's 0.622 and 0.881. "
               f"In p the plain step lands at p = {plain_p:.3g}, not a probability (drawn off the chart), "
               f"while the natural step lands at p = {after('natural gradient in p', 1)}. "
               "The natural gradient's direction does not depend on the parameterisation, but a finite step "
               "does: the two natural paths agree only to first order in η.")
    return render(plot), caption


@figure("24-02.convergence", title="SGD vs natural gradient vs K-FAC, 100→50→10 ReLU network",
        section="Example 3: K-FAC Block Diagonal Structure", budget=60)
def _():
    from ngproof.kernels.training import train
    from ngproof.report.svg import Plot, Series, render

    runs = {m: train(m, **TRAINING) for m in ("sgd", "natural", "kfac")}
    names = {"sgd": "SGD", "natural": "natural gradient (exact, damped)", "kfac": "K-FAC"}
    colours = {"sgd": "#0969da", "natural": "#1a7f37", "kfac": "#bc4c00"}
    series = [Series(names[m], list(range(len(r["losses"]))), [float(v) for v in r["losses"]], colours[m], markers=False)
              for m, r in runs.items()]
    finals = ", ".join(f"{names[m]} {r['losses'][-1]:.3g} in {r['seconds'][-1]:.2f} s" for m, r in runs.items())
    top = 4 * min(r["losses"][0] for r in runs.values())
    plot = Plot("SGD vs natural gradient vs K-FAC, 100→50→10 ReLU network", "step", "full-data loss (log scale)",
                series, log_y=True, ylim=(min(min(r["losses"]) for r in runs.values()) * 0.8, top))
    clipped = [names[m] for m, r in runs.items() if max(r["losses"]) > top]
    caption = (f"Softmax cross-entropy; {TRAINING['steps']} steps with mini-batches of {TRAINING['batch_size']} "
               f"from {TRAINING['n']} synthetic examples labelled by a random teacher network (seed {TRAINING['seed']}). "
               f"Final loss and time spent in updates: {finals}."
               + (f" Losses above {top:.3g} ({', '.join(clipped)}) run off the chart." if clipped else ""))
    return render(plot), caption

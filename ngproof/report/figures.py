"""Figures for the HTML report, computed with ngproof.kernels and drawn by ngproof.report.svg.

* the Bernoulli example (Worked Example 1): plain and natural gradient steps
  in the logit θ and in the probability p = σ(θ);
* a convergence plot: SGD, natural gradient and K-FAC on the Worked Example 3
  network, from :func:`ngproof.kernels.training.train`.

A figure that cannot be computed (a kernel missing or failing, training over
its time budget) is returned as skipped, with the reason, for the report to say.
"""
from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
from dataclasses import dataclass

from markupsafe import Markup

from ngproof.report.svg import Plot, Series, render

TRAINING = {"steps": 20, "n": 256, "batch_size": 16, "seed": 0}
TRAINING_BUDGET = 30.0  # seconds; the three runs take about 1.5 s on one core
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


@dataclass
class Figure:
    """A drawn figure with its caption, or the reason it was skipped."""

    title: str
    svg: Markup | None = None
    caption: str = ""
    skipped: str | None = None


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


def bernoulli_figure() -> Figure:
    """Worked Example 1 (y = 1, θ₀ = 0, η = 1) in both parameterisations."""
    title = "Worked Example 1: y = 1, θ₀ = 0, η = 1"
    try:
        paths = bernoulli_paths()
    except Exception as exc:  # a missing or failing kernel skips the figure, never the report
        return Figure(title, skipped=f"the Bernoulli kernels failed: {type(exc).__name__}: {exc}")
    styles = {"plain gradient in θ": ("#0969da", False), "natural gradient in θ": ("#1a7f37", False),
              "plain gradient in p": ("#cf222e", True), "natural gradient in p": ("#8250df", True)}
    series = [Series(name, list(range(len(path))), path, *styles[name]) for name, path in paths.items()]
    plot = Plot(title, "step", "p = σ(θ) = P(y = 1)", series, ylim=(0.4, 1.05))

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
    return Figure(title, render(plot), caption)


def _train_all(connection, settings: dict) -> None:
    try:
        from ngproof.kernels.training import train

        connection.send({m: train(m, **settings) for m in ("sgd", "natural", "kfac")})
    except Exception as exc:
        connection.send(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


@contextlib.contextmanager
def _one_thread():
    """Start children single-threaded: on a busy machine BLAS/OpenMP threads make training 10× slower."""
    saved = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    os.environ.update({name: "1" for name in _THREAD_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_training(settings: dict, budget: float):
    """The three training runs in a child process that is killed past ``budget`` seconds."""
    context = multiprocessing.get_context("spawn")  # fork is unsafe once numba/BLAS started OpenMP threads
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_train_all, args=(sender, settings), daemon=True)
    with _one_thread():
        process.start()
    sender.close()
    try:
        if not receiver.poll(budget):
            return f"training did not finish within its {budget:g} s budget"
        return receiver.recv()
    except EOFError:
        return f"the training process died (exit code {process.exitcode})"
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def convergence_figure(budget: float = TRAINING_BUDGET) -> Figure:
    """Full-data loss per step of SGD, natural gradient and K-FAC (Worked Example 3's network)."""
    title = "SGD vs natural gradient vs K-FAC, 100→50→10 ReLU network"
    try:
        import ngproof.kernels.training  # noqa: F401 - only to learn whether the kernel exists
    except Exception as exc:
        return Figure(title, skipped=f"ngproof.kernels.training is unavailable: {type(exc).__name__}: {exc}")
    runs = _run_training(TRAINING, budget)
    if isinstance(runs, str):
        return Figure(title, skipped=runs)
    names = {"sgd": "SGD", "natural": "natural gradient (exact, damped)", "kfac": "K-FAC"}
    colours = {"sgd": "#0969da", "natural": "#1a7f37", "kfac": "#bc4c00"}
    series = [Series(names[m], list(range(len(r["losses"]))), [float(v) for v in r["losses"]], colours[m], markers=False)
              for m, r in runs.items()]
    finals = ", ".join(f"{names[m]} {r['losses'][-1]:.3g} in {r['seconds'][-1]:.2f} s" for m, r in runs.items())
    top = 4 * min(r["losses"][0] for r in runs.values())
    plot = Plot(title, "step", "full-data loss (log scale)", series, log_y=True,
                ylim=(min(min(r["losses"]) for r in runs.values()) * 0.8, top))
    clipped = [names[m] for m, r in runs.items() if max(r["losses"]) > top]
    caption = (f"Softmax cross-entropy; {TRAINING['steps']} steps with mini-batches of {TRAINING['batch_size']} from {TRAINING['n']} "
               f"synthetic examples labelled by a random teacher network (seed {TRAINING['seed']}). "
               f"Final loss and time spent in updates: {finals}."
               + (f" Losses above {top:.3g} ({', '.join(clipped)}) run off the chart." if clipped else ""))
    return Figure(title, render(plot), caption)


def all_figures(training: bool = True) -> list[Figure]:
    """The report's figures in reading order."""
    figures = [bernoulli_figure()]
    figures.append(convergence_figure() if training else
                   Figure("SGD vs natural gradient vs K-FAC", skipped="training figures were not requested"))
    return figures

"""SGD, Adam and K-FAC training an MLP on scikit-learn's digits, loss against steps and time.

The data set ships inside scikit-learn (1,797 8×8 images, 10 classes; no
download): ``pip install 'ngproof[examples]'``.  Without scikit-learn the
comparison runs on :func:`ngproof.kernels.synthetic_data` (labels from a
random teacher network) and says so.  Network 64 → 64 → 10, tanh, softmax
cross-entropy, mini-batches of 128 drawn with one seed for every method.
Adam is written here in numpy (Kingma & Ba 2015, bias-corrected moments).
The recorded time is that of the updates only (the full-data loss evaluated
after each step is excluded), after one untimed warm-up step on a throwaway
copy (numba loads or compiles its kernels on first use).
"""

from __future__ import annotations

import time

import numpy as np

from ngproof.kernels import MLP, KFACOptimizer, synthetic_data


def load_data():
    """``(X, y, name)``: digits scaled to [0, 1], or the synthetic fallback."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        X, y = synthetic_data(1797, seed=0)
        return X, y, "synthetic teacher data (scikit-learn not installed)"
    digits = load_digits()
    return digits.data / 16.0, digits.target.astype(np.int64), "scikit-learn digits (1797 × 64, 10 classes)"


class Adam:
    """Adam in numpy: ``m ← β₁m + (1-β₁)g``, ``v ← β₂v + (1-β₂)g²``, bias-corrected step."""

    def __init__(self, lr: float = 3e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, params, grad):
        if self.m is None:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad * grad
        m_hat = self.m / (1 - self.beta1 ** self.t)
        v_hat = self.v / (1 - self.beta2 ** self.t)
        return params - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def run(method: str, X, y, steps: int = 200, batch: int = 128, seed: int = 0, sgd_lr: float = 0.5,
        adam_lr: float = 3e-3) -> dict:
    """Train one method; returns ``{"method", "steps", "seconds", "losses"}`` (index 0: initial)."""
    model = MLP([X.shape[1], 64, int(y.max()) + 1], activation="tanh")
    params = model.init_params(seed)
    rng = np.random.default_rng(seed + 1)
    adam = Adam(adam_lr)
    kfac = KFACOptimizer(model, damping=1e-1, seed=seed)
    warm = KFACOptimizer(model, damping=1e-1, seed=seed)
    warm.step(params, X[:batch], y[:batch])  # untimed: first-use loading of the kernels
    Adam(adam_lr).step(params, model.gradient(params, X[:batch], y[:batch]))
    losses, seconds, elapsed = [model.loss(params, X, y)], [0.0], 0.0
    for _ in range(steps):
        idx = rng.choice(X.shape[0], batch, replace=False)
        start = time.perf_counter()
        if method == "kfac":
            params, _ = kfac.step(params, X[idx], y[idx])
        else:
            grad = model.gradient(params, X[idx], y[idx])
            params = params - sgd_lr * grad if method == "sgd" else adam.step(params, grad)
        elapsed += time.perf_counter() - start
        losses.append(model.loss(params, X, y))
        seconds.append(elapsed)
    return {"method": method, "steps": list(range(steps + 1)), "seconds": seconds, "losses": losses}


def compare(steps: int = 200, seed: int = 0):
    X, y, name = load_data()
    return name, [run(m, X, y, steps=steps, seed=seed) for m in ("sgd", "adam", "kfac")]


def plot_svg(name: str, results) -> str:
    """Two log-scale panels (loss vs steps, loss vs seconds) as one standalone SVG document."""
    from ngproof.report.svg import Plot, Series, render

    labels = {"sgd": "SGD (lr 0.5)", "adam": "Adam (numpy, lr 3e-3)", "kfac": "K-FAC (ngproof.kernels)"}
    panels = []
    for x_key, xlabel in (("steps", "step"), ("seconds", "seconds of updates")):
        plot = Plot(title=f"Training loss, {name.split(' (')[0]}", xlabel=xlabel, ylabel="full-data loss",
                    log_y=True, series=[Series(labels[r["method"]], [float(v) for v in r[x_key]], r["losses"],
                                               markers=False) for r in results])
        panels.append(str(render(plot)))
    width, height = 560, 320 + 18 * len(results)
    body = "".join(panel.replace('<svg xmlns="http://www.w3.org/2000/svg" class="plot"',
                                 f'<svg x="{i * width}" y="0" width="{width}" height="{height}" class="plot"', 1)
                   for i, panel in enumerate(panels))
    style = ("<style>text{font:11px sans-serif}.plot-title{font-weight:bold}.plot-frame{fill:none;stroke:#888}"
             ".grid{stroke:#e4e4e4}</style>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{height}" '
            f'viewBox="0 0 {2 * width} {height}">{style}<rect width="100%" height="100%" fill="white"/>{body}</svg>\n')


def summary(results) -> list[str]:
    lines = [f"  {'method':<8}{'loss@0':>10}{'@25%':>10}{'@50%':>10}{'final':>10}{'seconds':>10}"]
    for r in results:
        n = len(r["losses"]) - 1
        cells = [r["losses"][i] for i in (0, n // 4, n // 2, n)]
        lines.append(f"  {r['method']:<8}" + "".join(f"{c:10.4f}" for c in cells) + f"{r['seconds'][-1]:10.2f}")
    return lines

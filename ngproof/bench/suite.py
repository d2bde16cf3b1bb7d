"""Side-by-side benchmark: each kernel against its baseline in one run.

Kernel and baseline run in alternating blocks, and the ratio printed is the
median of the per-pair ratios; times are medians of repeats.  Ratios are what matters (the machines are
shared and noisy, see BENCH.md).  Machine limits used for the fractions:
~30 GB/s memory bandwidth and 103 GFLOP/s float64 GEMM on 2 threads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import scipy.linalg as sl

from ngproof import kernels as K

BANDWIDTH = 30e9
PEAK_FLOPS = 103e9


def median_time(fn, repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _block_time(fn, block: int) -> float:
    start = time.perf_counter()
    for _ in range(block):
        fn()
    return (time.perf_counter() - start) / block


def paired(ours, base, repeats: int, block: int | tuple[int, int] = 1, warmup: int = 2):
    """Alternate blocks of ``ours`` and ``base`` so both see the same machine
    load; returns (median ours, median base, median of the per-pair ratios),
    all per call.  ``block`` may differ per side, ``(ours, base)``: a kernel a
    hundred times faster than its baseline is timed over several calls so that
    its figure is not just the one cold-cache call after the baseline evicted
    its data (the steady state a training loop sees)."""
    block_ours, block_base = (block, block) if isinstance(block, int) else block
    for _ in range(warmup):
        ours()
        base()
    t_ours, t_base = [], []
    for _ in range(repeats):
        t_ours.append(_block_time(ours, block_ours))
        t_base.append(_block_time(base, block_base))
    ratios = np.array(t_base) / np.array(t_ours)
    return float(np.median(t_ours)), float(np.median(t_base)), float(np.median(ratios))


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.2f} s "


class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, ours, base, target, extra="", ratio=None):
        ratio = base / ours if ratio is None else ratio
        verdict = "meets" if ratio >= target else "MISSES"
        self.rows.append((name, ours, base, ratio, target, verdict, extra))
        print(f"{name:<44} ours {_fmt(ours)}  base {_fmt(base)}  {ratio:8.1f}x  "
              f"(target >= {target:g}x: {verdict}) {extra}", flush=True)


def bench_categorical(table: Table, quick: bool) -> None:
    rng = np.random.default_rng(0)
    n, k, lam = (20_000 if quick else 100_000), 10, 1e-3
    z = 2.0 * rng.standard_normal((n, k))
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    grad = rng.standard_normal((n, k))
    out = np.empty_like(probs)
    ours_fn = lambda: K.categorical_natural_gradient(probs, grad, lam, out=out)  # noqa: E731
    fresh = median_time(lambda: K.categorical_natural_gradient(probs, grad, lam), 30)
    serial = median_time(lambda: K.closed_forms._categorical_serial(probs, grad, lam, out), 30)
    mats = -probs[:, :, None] * probs[:, None, :]
    mats[:, np.arange(k), np.arange(k)] += probs + lam
    ours_s, solve, solve_ratio = paired(ours_fn, lambda: np.linalg.solve(mats, grad[:, :, None]), 7, block=(20, 1))

    def closed_form():
        r = 1.0 / (probs + lam)
        dg = grad * r
        coeff = (probs * dg).sum(axis=1) / ((1 - probs.sum(axis=1)) + lam * (probs * r).sum(axis=1))
        return dg + coeff[:, None] * probs * r

    ours, numpy_cf, cf_ratio = paired(ours_fn, closed_form, 25, block=(20, 2))
    reference = np.linalg.solve(mats, grad[:, :, None])[:, :, 0]
    got = K.categorical_natural_gradient(probs, grad, lam)
    err = float(np.max(np.linalg.norm(got - reference, axis=1) / np.linalg.norm(reference, axis=1)))
    bound = 10 * k * np.finfo(float).eps * (1 + lam) / lam
    gbs = 3 * probs.nbytes / ours / 1e9
    table.add(f"categorical NG N={n} K={k} vs np.linalg.solve", ours_s, solve, 60, ratio=solve_ratio)
    extra = (f"[{gbs:.1f} GB/s = {100 * gbs * 1e9 / BANDWIDTH:.0f}% of bandwidth; fresh output "
             f"{_fmt(fresh).strip()}; one thread {_fmt(serial).strip()}; rel err {err:.1e} <= bound 10K eps/lambda {bound:.1e}: "
             f"{'ok' if err <= bound else 'FAIL'}]")
    table.add("categorical NG vs numpy closed form", ours, numpy_cf, 8, extra, ratio=cf_ratio)


def bench_dense(table: Table) -> None:
    rng = np.random.default_rng(1)
    lam = 1e-3
    for d, repeats, target in ((10, (41, 200), 4), (1000, (15, 1), 1.3)):
        B = rng.standard_normal((d, d))
        F = B @ B.T / d
        g = rng.standard_normal(d)
        if d == 10:
            base_fn = lambda: np.linalg.solve(F + lam * np.eye(d), g)  # noqa: E731
            label = "np.linalg.solve"
        else:
            base_fn = lambda: sl.cho_solve(sl.cho_factor(F + lam * np.eye(d)), g)  # noqa: E731
            label = "scipy cho_factor/cho_solve"
        ours, base, ratio = paired(lambda: K.natural_gradient(F, g, lam), base_fn, *repeats)
        extra = ""
        if d == 1000:
            flops = d**3 / 3 + 2 * d**2
            extra = f"[{flops / ours / 1e9:.1f} GFLOP/s = {100 * flops / ours / PEAK_FLOPS:.0f}% of peak GEMM]"
        table.add(f"dense NG d={d} vs {label}", ours, base, target, extra, ratio=ratio)


def _kfac_flops(n_in: int, n_out: int, batch: int) -> float:
    m = n_in + 1
    return 2 * batch * (m * m + n_out * n_out) + (m**3 + n_out**3) / 3 + 2 * m * m * n_out + 2 * n_out**2 * m


def _scipy_kfac(a, g, V, lam):
    a1 = np.hstack([a, np.ones((a.shape[0], 1))])
    A = a1.T @ a1 / a.shape[0]
    G = g.T @ g / g.shape[0]
    pi = np.sqrt((np.trace(A) / A.shape[0]) / (np.trace(G) / G.shape[0]))
    ca = sl.cho_factor(A + pi * np.sqrt(lam) * np.eye(A.shape[0]))
    cg = sl.cho_factor(G + np.sqrt(lam) / pi * np.eye(G.shape[0]))
    return sl.cho_solve(ca, sl.cho_solve(cg, V).T).T


def bench_kfac(table: Table, quick: bool) -> None:
    rng = np.random.default_rng(2)
    lam = 1e-2
    n, batch = (512 if quick else 1024), 256
    a, g = rng.standard_normal((batch, n)), rng.standard_normal((batch, n))
    V = rng.standard_normal((n, n + 1))
    ours, base, ratio = paired(lambda: K.kfac_step(a, g, V, lam), lambda: _scipy_kfac(a, g, V, lam), 7)
    flops = _kfac_flops(n, n, batch)
    err = np.abs(K.kfac_step(a, g, V, lam) - _scipy_kfac(a, g, V, lam)).max()
    extra = (f"[{flops / ours / 1e9:.0f} GFLOP/s = {100 * flops / ours / PEAK_FLOPS:.0f}% of peak GEMM; "
             f"max diff {err:.1e}]")
    table.add(f"K-FAC layer step n={n} B={batch} vs scipy", ours, base, 1.5, extra, ratio=ratio)
    n = 64
    a, g = rng.standard_normal((batch, n)), rng.standard_normal((batch, n))
    V = rng.standard_normal((n, n + 1))
    ours = median_time(lambda: K.kfac_step(a, g, V, lam), 50)

    def dense():
        Ad, Gd, _ = K.pi_damping(*K.kfac_factors(a, g), lam)
        big = np.kron(Ad, Gd)
        return sl.cho_solve(sl.cho_factor(big), V.ravel(order="F"))

    base = median_time(dense, 1 if quick else 3, warmup=0)
    err = np.abs(dense().reshape(V.shape, order="F") - K.kfac_step(a, g, V, lam)).max()
    table.add(f"K-FAC n=64 (d={n * (n + 1)}) vs dense Kronecker solve", ours, base, 1000, f"[max diff {err:.1e}]")


_CACHE_PROBE = r"""
import json, time
t = time.perf_counter()
import ngproof.kernels as K
from importlib import import_module
import_seconds = time.perf_counter() - t
import numpy as np
mods = {m: import_module('ngproof.kernels.' + m) for m in ('natural_gradient', 'closed_forms', 'damping', 'kfac')}
t = time.perf_counter()
for dt in (np.float64, np.float32):
    e = np.eye(3, dtype=dt); v = np.ones(3, dtype=dt)
    K.natural_gradient(e, v, 0.1); K.natural_gradient(np.eye(80, dtype=dt), np.ones(80, dtype=dt), 0.1)
    K.diagonal_natural_gradient(v, v, 0.1); K.bernoulli_natural_gradient(v, 1)
    K.gaussian_natural_gradient(v, v, v, v); K.gaussian_fisher_diagonal(v)
    for rows in (2, 1 << 15):
        K.categorical_natural_gradient(np.full((rows, 4), 0.25, dtype=dt), np.ones((rows, 4), dtype=dt), 0.1)
    K.tikhonov(e, 1.0); K.ema(e, e, 0.5); K.kronecker_dense(e, e)
first_calls = time.perf_counter() - t
stats = {}
for mod in mods.values():
    for name in dir(mod):
        obj = getattr(mod, name)
        if hasattr(obj, 'stats') and hasattr(obj, 'signatures'):
            stats[mod.__name__.split('.')[-1] + '.' + name] = (obj.stats.cache_hits, obj.stats.cache_misses)
print(json.dumps({'import': import_seconds, 'first_calls': first_calls,
                  'stats': {k: [sum(h.values()), sum(m.values())] for k, (h, m) in stats.items()}}))
"""


def bench_cache() -> None:
    """Run the kernels twice in fresh processes; the second must load every kernel from the cache."""
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", _CACHE_PROBE], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    second = runs[1]
    print(f"numba cache, fresh process: import {second['import']:.2f} s, first calls of all kernels "
          f"{second['first_calls'] * 1e3:.0f} ms (cold run {runs[0]['first_calls']:.2f} s)")
    for name, (hits, misses) in sorted(second["stats"].items()):
        if hits == misses == 0:
            continue  # a helper compiled into the kernels that call it
        verdict = "loaded from cache" if misses == 0 else "RECOMPILED"
        print(f"  {name:<44} cache hits {hits:2d} misses {misses:2d}  {verdict}")


def bench_training(steps: int, max_seconds: float) -> None:
    print(f"MLP training, Worked Example 3 (100-50-10 ReLU, softmax CE), up to {steps} steps "
          f"or {max_seconds:g} s of updates, batch 64:")
    results = [K.train(method, steps=steps, max_seconds=max_seconds) for method in K.training.METHODS]
    marks = sorted({0, steps // 4, steps // 2, 3 * steps // 4, steps})
    print("  loss vs steps:   " + "".join(f"{'step ' + str(s):>12}" for s in marks))
    for r in results:
        cells = (f"{r['losses'][s]:12.4f}" if s < len(r["losses"]) else f"{'-':>12}" for s in marks)
        print(f"  {r['method']:<16} " + "".join(cells))
    grid = [max_seconds * f for f in (0.01, 0.05, 0.25, 1.0)]
    print("  loss vs seconds: " + "".join(f"{'t=' + format(t, '.2f') + 's':>12}" for t in grid))
    for r in results:
        cells = []
        for t in grid:
            reached = [loss for loss, sec in zip(r["losses"], r["seconds"]) if sec <= t]
            cells.append(f"{reached[-1]:12.4f}")
        print(f"  {r['method']:<16} " + "".join(cells)
              + f"   ({len(r['losses']) - 1} steps in {r['seconds'][-1]:.2f} s)")


def bench_digits(path: str, steps: int) -> None:
    from .digits import compare, plot_svg, summary

    name, results = compare(steps=steps)
    print(f"MLP 64-64-10 on {name}: SGD, Adam (numpy), K-FAC (KFACOptimizer), {steps} steps of batch 128:")
    print("\n".join(summary(results)))
    with open(path, "w", encoding="utf-8") as out:
        out.write(plot_svg(name, results))
    print(f"  loss against steps and seconds: {path}")


def main(argv=None) -> int:
    from .peers import SIZE_KEYS  # here: peers imports this module

    parser = argparse.ArgumentParser(prog="python -m ngproof.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--steps", type=int, default=20, help="training steps per method")
    parser.add_argument("--train-seconds", type=float, default=8.0,
                        help="stop each training run after this many seconds of updates")
    parser.add_argument("--peers", action="store_true",
                        help="compare with curvlinops (PyTorch) and kfac-jax (JAX); needs ngproof[peers]")
    parser.add_argument("--digits-svg", default=None, metavar="PATH",
                        help="also train SGD, Adam and K-FAC on the digits data and write the loss plot here")
    parser.add_argument("--threads", type=int, default=None,
                        help="with --peers: limit every library to this many threads and pin the process "
                             "to as many CPUs")
    parser.add_argument("--size", action="append", choices=SIZE_KEYS, default=None,
                        help="with --peers: run only this size (repeatable; default: all): we3 = Worked "
                             "Example 3's 100-50-10, 784 = 784-512-512-10, 2048 = the 2048x2048 layer")
    args = parser.parse_args(argv)
    if args.size and not args.peers:
        parser.error("--size selects a size of the peer benchmark: use it with --peers")
    if args.peers:
        from .peers import main as peers_main

        return peers_main(quick=args.quick, threads=args.threads, sizes=args.size)
    print(f"numpy {np.__version__}, limits: {BANDWIDTH / 1e9:.0f} GB/s, {PEAK_FLOPS / 1e9:.0f} GFLOP/s; "
          f"medians of repeats, measured side by side; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} (ratios are meaningful only near 0)")
    table = Table()
    bench_categorical(table, args.quick)
    bench_dense(table)
    bench_kfac(table, args.quick)
    bench_cache()
    bench_training(10 if args.quick else args.steps, args.train_seconds)
    if args.digits_svg:
        bench_digits(args.digits_svg, 20 if args.quick else 200)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    misses = [row[0] for row in table.rows if row[5] != "meets"]
    print(f"targets met: {len(table.rows) - len(misses)}/{len(table.rows)}" + (f"; missed: {misses}" if misses else ""))
    return 0

"""``python -m ngproof bench --peers``: ngproof.kernels beside curvlinops (PyTorch CPU)
and kfac-jax (JAX CPU), in one process, on the same float64 weights and data.

Installs nothing: ``pip install 'ngproof[peers]'`` (or ``tox -e peers``) first.
Where plain ``torch`` resolves to a CUDA build, install the CPU wheel first;
curvlinops' dependency backpack-for-pytorch pulls an unpinned torchvision that
may demand a newer torch: ``pip uninstall torchvision`` afterwards (nothing
measured here imports it).  ``--threads N`` limits every library to N threads
(BLAS through threadpoolctl, ``torch.set_num_threads``, XLA's flags) and pins
the process to N CPUs (:func:`pin_cpus`, where the OS allows it): XLA's CPU
runtime runs independent operations of a jitted function side by side whatever
its flags say (kfac-jax's optimizer step at the 2048 size used 1.4 cores under
``--threads 1`` unpinned) — on a loaded machine one thread each gives the
steadiest side-by-side ratios.

Conventions, so that the three libraries compute the same numbers:

* network: dense layers with biases, ReLU, softmax cross-entropy with mean
  reduction; PyTorch's weight layout (out, in), the same in ngproof; kfac-jax
  sees ``x @ Wᵀ`` (its weight is our ``Wᵀ``);
* K-FAC factors: bias appended to the input (``Ã`` with a trailing ones
  row/column; curvlinops ``separate_weight_and_bias=False``), ``A = (1/N) Σ ã ãᵀ``,
  ``G = (1/N) Σ g gᵀ`` for per-example output gradients g; "exact" is the
  expectation over the model's labels (curvlinops ``FisherType.TYPE2``, kfac-jax
  ``fisher_exact``), "empirical" uses the data labels (``FisherType.EMPIRICAL``;
  kfac-jax's ``fisher_empirical`` back-propagates the mean-reduced loss, so its
  G is ours divided by the batch size N: it is multiplied by N before comparing,
  and its damped inverse is taken with λ/N and divided by N);
* damped inverse: exact damping ``(Ã⊗G + λI)⁻¹ g`` (curvlinops
  ``use_exact_damping=True``, kfac-jax ``exact_power=True``) and π-damping
  (curvlinops ``use_heuristic_damping=True``; ours :func:`kfac_solve`);
* Fisher–vector product: ``(1/N) Σ J_nᵀ Λ_n J_n v``: ours :class:`FisherOperator`,
  curvlinops ``GGNLinearOperator``, and plain jit-compiled JAX (``jvp`` then
  ``vjp``; kfac-jax has no public GGN-vector product);
* optimizer: from the same start on the same batch (five steps; two at the
  2048 size), :class:`KFACOptimizer` against kfac-jax's ``Optimizer`` with adaptive learning
  rate, momentum and damping, exact inverses, ``inverse_update_period=1``,
  ``curvature_ema=0.95``, ``damping_adaptation_decay=0.95`` (so ω = (19/20)^5 as
  Martens & Grosse), no burn-in and no L2; the parameters after the steps must
  agree.  Empirical Fisher: kfac-jax's factors are ``A ⊗ G/N`` (above), so its
  preconditioner damping is set to λ/N (``precon_damping_mult=1/N``): its proposal
  ``(K/N + λ/N·I)⁻¹ g = N (K + λI)⁻¹ g`` is ours times N.  Learning rate and momentum
  minimise the quadratic model ``gᵀδ + ½ δᵀ(F + λI)δ`` (exact Fisher F of the
  mean loss, the *un*-multiplied damping λ) over ``δ ∈ span(Δ, δ_prev)``: a span
  that does not change when Δ is scaled, so δ, the model's change, ρ and the
  damping update are ours (kfac-jax's α is ours / N).  The loss registration's
  ``weight`` w is no substitute: it scales the empirical G by w² (so w = √N would
  match it) but also the exact Fisher of the quadratic model by w.

A timing is printed only after the results agreed to a relative 1e-10
(max |ours - peer| / max |peer|); ratios are medians of per-pair ratios of
alternating blocks (``paired``), peer time / our time (> 1: ngproof faster).
Rows against kfac-jax and JAX also print the *floor* of our algorithm (the
BLAS/LAPACK calls it cannot avoid, :mod:`ngproof.bench.floors`), our time over
it (alternating blocks again) and (peer / ours) · (ours / floor): the largest
ratio any implementation of that algorithm could show against the peer.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from ngproof import kernels as K

from .floors import back_to_back, floor_tasks
from .suite import PEAK_FLOPS, paired

AGREE = 1e-10
# key (for ``--size``), label, layer widths, batch, Fisher
SIZES = (
    ("we3", "Worked Example 3: 100-50-10, B=64", [100, 50, 10], 64, "exact"),
    ("784", "784-512-512-10, B=256", [784, 512, 512, 10], 256, "exact"),
    ("2048", "2048x2048 layer, B=1024 (empirical)", [2048, 2048], 1024, "empirical"),
)
SIZE_KEYS = tuple(size[0] for size in SIZES)


def select_sizes(keys=None, quick: bool = False) -> list:
    """The SIZES entries named by ``keys`` (in SIZES order), else all (only the first with ``quick``)."""
    if not keys:
        return list(SIZES[:1] if quick else SIZES)
    unknown = sorted(set(keys) - set(SIZE_KEYS))
    if unknown:
        raise ValueError(f"unknown peer benchmark size {', '.join(map(repr, unknown))}; choose from {SIZE_KEYS}")
    return [size for size in SIZES if size[0] in keys]


def kfac_factor_flops(shapes, n: int, fisher: str) -> int:
    """Floating-point operations of ``kfac_factors`` (bias appended) on a batch of ``n``.

    ``shapes`` lists ``(out_l, in_l)`` per layer; ``fisher`` is ``"exact"`` (c = K
    virtual samples per example, K the last layer's width) or ``"empirical"`` (c = 1).
    Counted: the forward GEMMs ``2·n·in_l·out_l``; the backward GEMMs
    ``2·(n·c)·out_l·in_l`` for layers l ≥ 1 only (the first layer's input gradient
    is never formed); the Gram matrices by ``syrk``, ``rows·m·(m+1)`` for an
    (rows, m) input: A from the (n, in_l+1) augmented inputs, G from the (n·c, out_l)
    back-propagated output gradients, except the exact Fisher's last layer, whose G
    is the closed form from the (n, K) probabilities.  Element-wise work is not counted.
    """
    if fisher not in ("exact", "empirical"):
        raise ValueError(f"fisher must be 'exact' or 'empirical', got {fisher!r}")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    shapes = [(int(o), int(i)) for o, i in shapes]
    if not shapes or min(min(s) for s in shapes) < 1:
        raise ValueError(f"shapes must be a non-empty list of positive (out, in) pairs, got {shapes!r}")
    rows = n * (shapes[-1][0] if fisher == "exact" else 1)
    forward = sum(2 * n * i * o for o, i in shapes)
    backward = sum(2 * rows * o * i for o, i in shapes[1:])
    last_rows = n if fisher == "exact" else rows
    grams = (sum(n * (i + 1) * (i + 2) for _, i in shapes) + sum(rows * o * (o + 1) for o, _ in shapes[:-1])
             + last_rows * shapes[-1][0] * (shapes[-1][0] + 1))
    return forward + backward + grams


def pin_cpus(count: int) -> list | None:
    """Restrict every thread of this process (and the threads it starts later) to the
    first ``count`` CPUs it may use; returns them, or None where the OS has no affinity call."""
    if isinstance(count, bool) or int(count) != count or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}")
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))[:count]
    tasks = os.listdir("/proc/self/task") if os.path.isdir("/proc/self/task") else ["0"]
    for tid in tasks:  # threads already running (BLAS, numba pools) do not inherit a later mask
        try:
            os.sched_setaffinity(int(tid), cpus)
        except ProcessLookupError:  # the thread ended meanwhile
            pass
    return cpus


def _rel(ours, peer) -> float:
    ours, peer = np.asarray(ours, dtype=np.float64), np.asarray(peer, dtype=np.float64)
    return float(np.abs(ours - peer).max() / max(np.abs(peer).max(), np.finfo(float).tiny))


class Peers:
    """Imports and model construction for curvlinops and kfac-jax."""

    def __init__(self, threads: int | None = None):
        self.cpus = pin_cpus(threads) if threads else None
        if threads:
            os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false "
                                       f"intra_op_parallelism_threads={threads}").strip()
        import torch  # noqa: F401
        import curvlinops  # noqa: F401
        import jax
        import kfac_jax  # noqa: F401

        jax.config.update("jax_enable_x64", True)
        torch.set_default_dtype(torch.float64)
        self.limits = None
        if threads:
            torch.set_num_threads(threads)
            from threadpoolctl import threadpool_limits

            self.limits = threadpool_limits(threads)
        self.torch, self.jax = torch, jax

    def versions(self) -> str:
        import curvlinops
        import jax
        import kfac_jax

        return (f"torch {self.torch.__version__} ({self.torch.get_num_threads()} threads), curvlinops "
                f"{getattr(curvlinops, '__version__', '3.0.1')}, jax {jax.__version__}, kfac-jax "
                f"{getattr(kfac_jax, '__version__', '?')}")

    def torch_model(self, model, params):
        nn = self.torch.nn
        mods = []
        for index, (W, b) in enumerate(model.unflatten(params)):
            lin = nn.Linear(W.shape[1], W.shape[0])
            with self.torch.no_grad():
                lin.weight.copy_(self.torch.from_numpy(W))
                lin.bias.copy_(self.torch.from_numpy(b))
            mods.append(lin)
            if index < len(model.shapes) - 1:
                mods.append(nn.ReLU())
        return nn.Sequential(*mods)

    def jax_loss(self, model, params, X, y):
        """kfac-jax's view of the network: weights ``Wᵀ``, a registered softmax cross-entropy."""
        import jax.numpy as jnp
        import kfac_jax

        jax = self.jax
        jparams = _jax_tree(model, params)

        def logits(p, x):
            a = x
            for i, (W, b) in enumerate(p):
                a = a @ W + b
                if i < len(p) - 1:
                    a = jax.nn.relu(a)
            return a

        def loss(p, batch):
            x, t = batch
            z = logits(p, x)
            kfac_jax.register_softmax_cross_entropy_loss(z, t)
            return jnp.mean(-jax.nn.log_softmax(z)[jnp.arange(z.shape[0]), t])

        self._logits = logits
        return jparams, (jnp.asarray(X), jnp.asarray(y)), loss

    def jax_setup(self, model, params, X, y, fisher):
        import jax.numpy as jnp
        import kfac_jax

        jax = self.jax
        jparams, batch, loss = self.jax_loss(model, params, X, y)
        logits = self._logits
        mode = "fisher_exact" if fisher == "exact" else "fisher_empirical"
        est = kfac_jax.BlockDiagonalCurvature(loss, default_estimation_mode=mode)
        key = jax.random.PRNGKey(0)
        state0 = est.init(key, (jparams, batch), exact_powers_to_cache=-1, approx_powers_to_cache=None)
        n = X.shape[0]

        # Data and weights are arguments of the jitted functions, never closed over: XLA
        # would otherwise constant-fold work on them at compile time.
        @jax.jit
        def factors(state, p, b):
            return est.update_curvature_matrix_estimate(state, ema_old=0.0, ema_new=1.0, identity_weight=0.0,
                                                        batch_size=n, rng=key, func_args=(p, b))

        @jax.jit
        def inverse(state, grads, lam):
            state = est.update_cache(state, identity_weight=lam, exact_powers=-1, approx_powers=None,
                                     eigenvalues=False, pmap_axis_name=None)
            return est.multiply_inverse(state, grads, identity_weight=lam, exact_power=True, use_cached=True,
                                        pmap_axis_name=None)

        @jax.jit
        def fvp(p, x, v):
            z, jv = jax.jvp(lambda q: logits(q, x), (p,), (v,))
            prob = jax.nn.softmax(z)
            lam_v = prob * jv - prob * jnp.sum(prob * jv, axis=1, keepdims=True)
            _, pull = jax.vjp(lambda q: logits(q, x), p)
            return pull(lam_v / x.shape[0])[0]

        return jparams, batch, state0, factors, inverse, fvp


def _jax_tree(model, flat):
    import jax.numpy as jnp

    return [(jnp.asarray(W.T), jnp.asarray(b)) for W, b in model.unflatten(flat)]


def _jax_flat(tree):
    return np.concatenate([np.concatenate([np.asarray(W).T.ravel(), np.asarray(b)]) for W, b in tree])


def _block(fn):
    """Run fn and wait for JAX's asynchronous result."""
    def run():
        out = fn()
        try:
            import jax
            jax.block_until_ready(out)
        except Exception:  # not a JAX value
            pass
        return out
    return run


class Report:
    def __init__(self):
        self.rows = []

    def add(self, size, task, peer, ours, theirs, ratio, agree, extra=""):
        ok = agree <= AGREE
        self.rows.append((size, task, peer, ours, theirs, ratio, agree, ok, extra))
        shown = f"{ratio:6.2f}x" if ok else "  (not counted)"
        print(f"  {task:<34} vs {peer:<12} ours {ours * 1e3:9.2f} ms  peer {theirs * 1e3:9.2f} ms  "
              f"{shown}  agree {agree:.1e}{'' if ok else ' > 1e-10'} {extra}", flush=True)


def _gemm_fraction(flops: float, seconds: float, threads: int | None) -> str:
    """GFLOP/s against this machine's float64 GEMM peak for the threads in use (BENCH.md: ~52 per core)."""
    cores = min(threads or os.cpu_count() or 2, os.cpu_count() or 2, 2)
    peak = PEAK_FLOPS * cores / 2
    return f"[{flops / seconds / 1e9:.0f} GFLOP/s = {100 * flops / seconds / peak:.0f}% of the {cores}-thread GEMM peak]"


def _bound(ours, floor, ratio: float, repeats: int, per_call: int = 1, warmup: int = 1) -> str:
    """Our time against the floor of our algorithm, in alternating blocks, and the
    largest ratio to the peer any implementation of the algorithm could show:
    (peer / ours) · (ours / floor)."""
    t_floor, _, over = paired(floor, ours, min(repeats, 5), warmup=warmup)  # over = ours / floor
    return f"[floor {t_floor / per_call * 1e3:.2f} ms, ours {over:.2f}x it: at most {ratio * over:.1f}x]"


def bench_size(peers: Peers, report: Report, label, sizes, n, fisher, repeats, threads=None) -> None:
    torch = peers.torch
    from curvlinops import GGNLinearOperator, KFACInverseLinearOperator, KFACLinearOperator
    from curvlinops.kfac import FisherType

    print(f"{label}:", flush=True)
    rng = np.random.default_rng(0)
    model = K.MLP(sizes, activation="relu")
    params = model.init_params(0)
    X = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], n)
    lam = 1e-2
    floor = floor_tasks(sizes, n, fisher)  # the BLAS/LAPACK calls alone: floors.py
    tmodel = peers.torch_model(model, params)
    tparams = list(tmodel.parameters())
    data = [(torch.from_numpy(X), torch.from_numpy(y))]
    loss_func = torch.nn.CrossEntropyLoss()
    ftype = FisherType.TYPE2 if fisher == "exact" else FisherType.EMPIRICAL

    def cl_kfac():
        op = KFACLinearOperator(tmodel, loss_func, tparams, data, fisher_type=ftype, separate_weight_and_bias=False,
                                check_deterministic=False, num_data=n, num_per_example_loss_terms=1)
        op.compute_kronecker_factors()
        return op

    def ours_factors():
        return model.kfac_factors(params, X, y=y, fisher=fisher)

    # --- K-FAC factors of all layers -------------------------------------------------
    mine = ours_factors()
    op = cl_kfac()
    names = list(op._input_covariances)
    agree = max(max(_rel(A, op._input_covariances[k].numpy()), _rel(G, op._gradient_covariances[k].numpy()))
                for (A, G), k in zip(mine, names))
    t_ours, t_cl, ratio = paired(ours_factors, cl_kfac, repeats)
    flops = kfac_factor_flops(model.shapes, n, fisher)
    report.add(label, "K-FAC factors, all layers", "curvlinops", t_ours, t_cl, ratio, agree,
               _gemm_fraction(flops, t_ours, threads) if sizes[0] >= 2048 else "")
    jparams, jbatch, state0, jfactors, jinverse, jfvp = peers.jax_setup(model, params, X, y, fisher)
    jstate = _block(lambda: jfactors(state0, jparams, jbatch))()
    g_scale = n if fisher == "empirical" else 1  # kfac-jax's empirical G is ours / N (see the module docstring)
    agree = max(max(_rel(A, np.asarray(bs.factors[0].value)), _rel(G, g_scale * np.asarray(bs.factors[1].value)))
                for (A, G), bs in zip(mine, jstate.blocks_states))
    t_ours, t_kj, ratio = paired(ours_factors, _block(lambda: jfactors(state0, jparams, jbatch)), repeats)
    report.add(label, "K-FAC factors, all layers", "kfac-jax", t_ours, t_kj, ratio, agree,
               _bound(ours_factors, floor["factors"], ratio, repeats))

    # --- damped inverse applied to the gradient ----------------------------------------
    grad = model.gradient(params, X, y)

    def ours_exact():
        return np.concatenate([np.concatenate([s[:, :-1].ravel(), s[:, -1]]) for s in (
            K.kfac_solve_exact(A, G, np.hstack([W, b[:, None]]), lam)
            for (A, G), (W, b) in zip(mine, model.unflatten(grad)))])

    def ours_pi():
        return np.concatenate([np.concatenate([s[:, :-1].ravel(), s[:, -1]]) for s in (
            K.kfac_solve(A, G, np.hstack([W, b[:, None]]), lam)
            for (A, G), (W, b) in zip(mine, model.unflatten(grad)))])

    tgrad = [torch.from_numpy(np.ascontiguousarray(p)) for W, b in model.unflatten(grad) for p in (W, b)]

    def cl_inverse(heuristic):
        def run():
            inv = KFACInverseLinearOperator(op, damping=lam, use_exact_damping=not heuristic,
                                            use_heuristic_damping=heuristic, cache=False)
            return np.concatenate([t.numpy().ravel() for t in inv @ tgrad])
        return run

    for name, ours_fn, heuristic in (("exact-damped inverse x gradient", ours_exact, False),
                                     ("pi-damped inverse x gradient", ours_pi, True)):
        agree = _rel(ours_fn(), cl_inverse(heuristic)())
        t_ours, t_cl, ratio = paired(ours_fn, cl_inverse(heuristic), repeats)
        report.add(label, name, "curvlinops", t_ours, t_cl, ratio, agree)
    jgrad = _jax_tree(model, grad)
    # kfac-jax's empirical curvature is ours / N: (K/N + (λ/N) I)⁻¹ = N (K + λI)⁻¹
    kj = _block(lambda: jinverse(jstate, jgrad, lam / g_scale))
    agree = _rel(ours_exact(), _jax_flat(kj()) / g_scale)
    t_ours, t_kj, ratio = paired(ours_exact, kj, repeats)
    report.add(label, "exact-damped inverse x gradient", "kfac-jax", t_ours, t_kj, ratio, agree,
               _bound(ours_exact, floor["inverse"], ratio, repeats))

    # --- Fisher-vector product -------------------------------------------------------------
    v = rng.standard_normal(model.num_params)
    fisher_op = K.FisherOperator(model, params, X)
    ggn = GGNLinearOperator(tmodel, loss_func, tparams, data, check_deterministic=False, num_data=n)
    tv = [torch.from_numpy(np.ascontiguousarray(p)) for W, b in model.unflatten(v) for p in (W, b)]

    def ours_fvp():
        return fisher_op.matvec(v)

    def cl_fvp():
        return np.concatenate([t.numpy().ravel() for t in ggn @ tv])

    agree = _rel(ours_fvp(), cl_fvp())
    t_ours, t_cl, ratio = paired(ours_fvp, cl_fvp, repeats)
    report.add(label, "Fisher-vector product", "curvlinops", t_ours, t_cl, ratio, agree)
    jv = _jax_tree(model, v)
    jax_fvp = _block(lambda: jfvp(jparams, jbatch[0], jv))
    agree = _rel(ours_fvp(), _jax_flat(jax_fvp()))
    t_ours, t_j, ratio = paired(ours_fvp, jax_fvp, repeats)
    report.add(label, "Fisher-vector product", "JAX jit", t_ours, t_j, ratio, agree,
               _bound(ours_fvp, floor["fvp"], ratio, repeats))
    if sizes[0] < 2048:
        bench_optimizer(peers, report, label, model, params, X, y, fisher, max(3, repeats // 3), floor["step"])
    else:  # about ten seconds a step per library: two steps, and the agreement run is the warm-up
        bench_optimizer(peers, report, label, model, params, X, y, fisher, 3, floor["step"], steps=2, warmup=0)


def bench_optimizer(peers, report, label, model, params, X, y, fisher, repeats, floor, steps=5, warmup=2,
                    lam=1e-1) -> None:
    """``steps`` optimizer steps from ``params``, ours against kfac-jax's (conventions: the module docstring)."""
    import jax
    import jax.numpy as jnp
    import kfac_jax

    jparams, jbatch, loss = peers.jax_loss(model, params, X, y)
    # kfac-jax's empirical curvature is K/N: damp its preconditioner with λ/N (module docstring)
    precon_mult = 1.0 / X.shape[0] if fisher == "empirical" else 1.0
    opt = kfac_jax.Optimizer(
        value_and_grad_func=jax.value_and_grad(loss), l2_reg=0.0, use_adaptive_learning_rate=True,
        use_adaptive_momentum=True, use_adaptive_damping=True, initial_damping=lam, curvature_ema=0.95,
        damping_adaptation_decay=0.95, inverse_update_period=1, use_exact_inverses=True,
        precon_damping_mult=precon_mult, estimation_mode=f"fisher_{fisher}", num_burnin_steps=0,
        multi_device=False)
    key = jax.random.PRNGKey(0)
    start_state = opt.init(jparams, key, jbatch)

    def theirs():
        p, state = jax.tree.map(jnp.array, jparams), jax.tree.map(jnp.array, start_state)  # the step donates them
        for k in range(steps):
            p, state, _ = opt.step(p, state, key, batch=jbatch, global_step_int=k)
        return jax.block_until_ready(p)

    def ours():
        optimizer, p = K.KFACOptimizer(model, damping=lam, inverse_every=1, fisher=fisher), params
        for _ in range(steps):
            p, _ = optimizer.step(p, X, y)
        return p

    agree = _rel(ours() - params, _jax_flat(theirs()) - params)
    t_ours, t_kj, ratio = paired(ours, theirs, repeats, warmup=warmup)
    report.add(label, f"K-FAC optimizer step ({steps} steps)", "kfac-jax", t_ours / steps, t_kj / steps, ratio, agree,
               _bound(ours, back_to_back([floor] * steps), ratio, repeats, steps, warmup))


def main(quick: bool = False, threads: int | None = None, sizes=None) -> int:
    """Run the sizes named in ``sizes`` (keys of SIZES; default all, or the first with ``quick``)."""
    chosen = select_sizes(sizes, quick)
    try:
        peers = Peers(threads)
    except ImportError as error:
        print(f"bench --peers needs the optional peers: pip install 'ngproof[peers]' ({error})", file=sys.stderr)
        return 2
    print(f"ngproof vs peers, float64, one process; {peers.versions()}; numpy {np.__version__}; "
          f"{os.cpu_count()} cores, threads per library {threads or 'default'}"
          + (f" (pinned to CPU {', '.join(map(str, peers.cpus))})" if peers.cpus else "") + ", load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    print("ratio = peer time / ngproof time (median of per-pair ratios, alternating blocks); "
          "a row counts only when the results agree to 1e-10")
    report = Report()
    start = time.perf_counter()
    for _, label, widths, n, fisher in chosen:
        bench_size(peers, report, label, widths, n, fisher, 5 if quick else (15 if widths[0] < 2048 else 5), threads)
    counted = [r for r in report.rows if r[7]]
    behind = [r for r in counted if r[5] < 1]
    print(f"load average at the end {os.getloadavg()[0]:.1f}; {time.perf_counter() - start:.0f} s; "
          f"{len(counted)}/{len(report.rows)} rows agreed; ngproof behind in {len(behind)}: "
          + ", ".join(f"{r[0].split(':')[0]} {r[1]} vs {r[2]} ({r[5]:.2f}x)" for r in behind))
    return 0

"""Practical Approximations: K-FAC (Kronecker-Factored Approximate Curvature).

Conventions.  A dense layer s = W a (+ b) with W of shape (n_out, n_in).  The
per-example gradient of W is g aᵀ (g = ∂ℓ/∂s), so with the column-major vec
its score is vec(g aᵀ) = a ⊗ g and the Fisher block is E[(a aᵀ) ⊗ (g gᵀ)];
K-FAC replaces it by A ⊗ G = E[a aᵀ] ⊗ E[g gᵀ].  PyTorch's row-major flatten
gives the same matrices as G ⊗ A.  The lesson's layers have no bias; the MLP
kernel always has one (a trailing ones entry of a), which changes nothing here.
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st
from sympy.matrices.expressions.kronecker import KroneckerProduct, combine_kronecker

from ngproof import claim, close, uncheckable
from ngproof.kernels import (
    MLP,
    damped_inverse,
    ema,
    kfac_factors,
    kfac_precondition,
    kfac_solve,
    kfac_solve_exact,
    kfac_step,
    kronecker_dense,
    pi_damping,
)
from ngproof.strategies import dampings, spd_matrices, vectors
from ngproof.symbolic.models import COMBINED_NUMERATOR, general, kron, row_vec, vec

SECTION = "K-FAC (Kronecker-Factored Approximate Curvature)"
FACTORISATION = r"$$I_\ell \approx A_{\ell-1} \otimes G_\ell$$"
INVERSE = r"Since $(A \otimes G)^{-1} = A^{-1} \otimes G^{-1}$"
COST = r"This reduces the inversion cost from $O(d^3)$ to $O(d^{3/2})$ per layer."
n_in, n_out, d = sp.symbols("n_in n_out d", positive=True)


def softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def linear_logits(sizes, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Logits of a deep linear network with biases, parameters in PyTorch order (W row-major, then b)."""
    start, a = 0, x
    for inp, out in zip(sizes[:-1], sizes[1:]):
        W = params[start:start + out * inp].reshape(out, inp)
        b = params[start + out * inp:start + out * inp + out]
        a, start = W @ a + b, start + out * inp + out
    return a


def exact_layer_fisher(sizes, params, X, layer):
    """The Fisher block of one layer, from Jacobians by central differences with step 1.

    The logits of a deep linear network are affine in each layer's parameters, so
    the difference quotient is the Jacobian exactly (up to rounding).  Returns the
    block and the conditioning of the differences (|z±| against |z+ − z−|).
    """
    offsets = np.cumsum([0] + [i * o + o for i, o in zip(sizes[:-1], sizes[1:])])
    columns = range(offsets[layer], offsets[layer + 1])
    block, size, scale = 0.0, 0.0, 0.0
    for x in X:
        plus, minus = [], []
        for j in columns:
            step = np.zeros_like(params)
            step[j] = 1.0
            plus.append(linear_logits(sizes, params + step, x))
            minus.append(linear_logits(sizes, params - step, x))
        jac = (np.array(plus) - np.array(minus)).T / 2
        pi = softmax_rows(linear_logits(sizes, params, x))
        block = block + jac.T @ (np.diag(pi) - np.outer(pi, pi)) @ jac
        size = max(size, np.abs(plus).max(), np.abs(minus).max())
        scale = max(scale, np.linalg.norm(jac) / np.sqrt(jac.size))
    return block / len(X), 2 * size / scale


def layer_slice(model: MLP, layer: int) -> slice:
    start = sum(o * i + o for o, i in model.shapes[:layer])
    out, inp = model.shapes[layer]
    return slice(start, start + out * inp + out)


def batches(n: int, width: int):
    return st.lists(vectors(width, -2, 2), min_size=n, max_size=n).map(np.array)


@claim("kfac.factorisation",
       title="K-FAC approximates the layer's Fisher block E[aaᵀ ⊗ ggᵀ] by A ⊗ G = E[aaᵀ] ⊗ E[ggᵀ]",
       statement=r"I_\ell = \mathbb{E}[a a^T \otimes g g^T] \approx \mathbb{E}[a a^T] \otimes \mathbb{E}[g g^T] = "
                 r"A_{\ell-1}\otimes G_\ell,\quad I_\ell - A_{\ell-1}\otimes G_\ell = "
                 r"\mathbb{E}\big[(aa^T - A_{\ell-1})\otimes(gg^T - G_\ell)\big]",
       source=(SECTION, FACTORISATION),
       reading="The Fisher block of a layer, the mean of (aaᵀ) ⊗ (ggᵀ) (column-major vec of W), is replaced by the "
               "Kronecker product of the two means. 'Approximately' is taken at its word: the two are equal when a "
               "and g are independent (the assumption the quiz names; kfac.factorisation-exact), and otherwise they "
               "differ by the mean of (aaᵀ − A) ⊗ (ggᵀ − G), which the check gives exactly and measures on a batch.",
       depends_on=("kfac.factorisation-exact",), tags=("kfac",))
def _(c):
    # Output layer z = W a, K = 2, inputs a₁ = e₁, a₂ = e₂ with output probabilities q₁, q₂ (any W):
    # the per-input G is Λ(q) = q(1−q)[[1, −1], [−1, 1]].
    a1, a2 = sp.Matrix([1, 0]), sp.Matrix([0, 1])
    q = sp.symbols("q1:3", positive=True)
    lambdas = [qi * (1 - qi) * sp.Matrix([[1, -1], [-1, 1]]) for qi in q]
    fisher = (kron(a1 * a1.T, lambdas[0]) + kron(a2 * a2.T, lambdas[1])) / 2
    A, G = (a1 * a1.T + a2 * a2.T) / 2, (lambdas[0] + lambdas[1]) / 2
    centred = (kron(a1 * a1.T - A, lambdas[0] - G) + kron(a2 * a2.T - A, lambdas[1] - G)) / 2
    c.prove(fisher - kron(A, G), centred,
            scope="softmax output layer, K = 2, batch a₁ = e₁, a₂ = e₂, symbolic q₁, q₂: the gap is the mean of "
                  "(aaᵀ − A) ⊗ (ggᵀ − G)")
    c.prove(centred, kron(sp.diag(1, -1), lambdas[0] - lambdas[1]) / 4,
            scope="same batch: the gap is ¼ diag(1, −1) ⊗ (Λ(q₁) − Λ(q₂)), zero only when q₁(1 − q₁) = q₂(1 − q₂)")

    sizes = [3, 3, 3]
    model = MLP(sizes, activation="linear")
    params = model.init_params(seed=3)
    X = c.rng.standard_normal((3, 3))
    exact, cond = exact_layer_fisher(sizes, params, X, 0)
    block = layer_slice(model, 0)
    gap = np.linalg.norm(model.kfac_dense(params, X)[block, block] - exact) / np.linalg.norm(exact)
    c.fuzz(lambda _: close(model.fisher(params, X)[block, block], exact, cond=cond, what="MLP.fisher, first layer"),
           st.just(0), max_examples=1,
           scope=f"deep linear 3→3→3 network, batch of 3 inputs: MLP.fisher vs the exact block by differences; "
                 f"there ‖A⊗G − I₁‖/‖I₁‖ = {gap:.3f}, the size of the approximation")


@claim("kfac.factorisation-exact",
       title="A ⊗ G is the exact Fisher block when a and g are independent, e.g. for one input",
       statement=r"\mathrm{vec}(g a^T) = a\otimes g,\quad (a\otimes g)(a\otimes g)^T = aa^T\otimes gg^T,\quad "
                 r"a \perp g \Rightarrow \mathbb{E}[aa^T\otimes gg^T] = \mathbb{E}[aa^T]\otimes\mathbb{E}[gg^T]",
       source=(SECTION, FACTORISATION),
       reading="When is the approximation exact: the score of vec W is a ⊗ g, its outer product is aaᵀ ⊗ ggᵀ, and "
               "its mean factorises when a and g are independent; for one input the K-FAC kernel matches the exact "
               "Fisher block of every layer.",
       depends_on=("kfac.vec-convention",), tags=("kfac",))
def _(c):
    a = general(3, 1, "a")
    g = general(2, 1, "g")
    c.prove(vec(g * a.T), kron(a, g), scope="n_in = 3, n_out = 2, symbolic entries: the score of vec W")
    c.prove((kron(a, g) * kron(a, g).T), kron(a * a.T, g * g.T), scope="n_in = 3, n_out = 2, symbolic entries")
    # a and g independent, each on two values: E over the product distribution.
    p, q = sp.symbols("p q", positive=True)
    a_values, g_values = (general(2, 1, "x"), general(2, 1, "y")), (general(2, 1, "u"), general(2, 1, "v"))
    a_weights, g_weights = (p, 1 - p), (q, 1 - q)
    joint = sum((wa * wg * kron(av * av.T, gv * gv.T) for av, wa in zip(a_values, a_weights)
                 for gv, wg in zip(g_values, g_weights)), sp.zeros(4, 4))
    factored = kron(sum((w * v * v.T for v, w in zip(a_values, a_weights)), sp.zeros(2, 2)),
                    sum((w * v * v.T for v, w in zip(g_values, g_weights)), sp.zeros(2, 2)))
    c.prove(joint, factored, scope="a ⊥ g, each two-valued in R² with symbolic values and weights")

    sizes = [3, 4, 2]
    model = MLP(sizes, activation="linear")

    def one_input(x, seed):
        params = model.init_params(seed) * 2
        kfac = model.kfac_dense(params, x[None, :])
        fisher = model.fisher(params, x[None, :])
        out = []
        for layer in range(2):
            exact, cond = exact_layer_fisher(sizes, params, x[None, :], layer)
            block = layer_slice(model, layer)
            out += [close(kfac[block, block], exact, cond=cond, what=f"MLP.kfac_dense layer {layer + 1}"),
                    close(fisher[block, block], exact, cond=cond, what=f"MLP.fisher layer {layer + 1}")]
        return out
    c.fuzz(one_input, vectors(3, -2, 2), st.integers(0, 10**6), max_examples=10,
           scope="deep linear 3→4→2 network, one input: K-FAC blocks vs the exact Fisher from numpy central "
                 "differences (exact: logits are affine in each layer); 10 cases (MLP checks are slower)")


@claim("kfac.kronecker-inverse",
       title="Kronecker inverse identity (A ⊗ G)⁻¹ = A⁻¹ ⊗ G⁻¹",
       statement=r"(A\otimes G)^{-1} = A^{-1}\otimes G^{-1}",
       reading="For invertible A and G, the inverse of A ⊗ G is A⁻¹ ⊗ G⁻¹ (by the mixed-product rule); proved for "
               "all sizes with abstract matrices.",
       source=(SECTION, INVERSE), tags=("kfac", "kronecker"))
def _(c):
    A, B, G, H = (general(2, 2, name) for name in "abgh")
    c.prove(kron(A, G) * kron(B, H), kron(A * B, G * H), scope="2×2 ⊗ 2×2, symbolic entries: the mixed-product property")
    c.prove(kron(A, G) * kron(A.adjugate() / A.det(), G.adjugate() / G.det()), sp.eye(4), rewriters=[COMBINED_NUMERATOR],
            scope="2×2 ⊗ 2×2, symbolic entries, det A ≠ 0 ≠ det G")
    n, m = sp.symbols("n m", integer=True, positive=True)
    An, Gm = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("G", m, m)
    c.prove(KroneckerProduct(An, Gm) * KroneckerProduct(An.I, Gm.I), sp.Identity(n * m),
            rewriters=[("mixed-product rule (combine_kronecker)", lambda e: combine_kronecker(e).doit())],
            scope="all n, m: abstract matrices, A and G invertible (hypothesis)")

    def inverse_of_kron(A, G, method):
        expected = np.linalg.inv(np.kron(A, G))
        return [close(damped_inverse(A, 0.0, method=method), np.linalg.inv(A), cond=np.linalg.cond(A), what="A⁻¹"),
                close(kronecker_dense(damped_inverse(A, 0.0, method=method), damped_inverse(G, 0.0, method=method)),
                      expected, cond=np.linalg.cond(A) * np.linalg.cond(G), what="A⁻¹ ⊗ G⁻¹")]
    c.fuzz(inverse_of_kron, spd_matrices(3, cond=1e3), spd_matrices(2, cond=1e3), st.sampled_from(["cholesky", "eigh"]),
           scope="damped_inverse (λ = 0) and kronecker_dense vs np.linalg.inv(np.kron(A, G)), 3×3 ⊗ 2×2, cond ≤ 1e3")


@claim("kfac.vec-convention",
       title="The vec convention: vec(G V A) = (Aᵀ ⊗ G) vec V column-major; the row-major flatten gives G ⊗ Aᵀ",
       statement=r"\mathrm{vec}(GVA) = (A^T\otimes G)\,\mathrm{vec}(V),\ \ \mathrm{rvec}(GVA) = (G\otimes A^T)\,\mathrm{rvec}(V)"
                 r"\ \Rightarrow\ (A\otimes G)^{-1}\mathrm{vec}(V) = \mathrm{vec}(G^{-1}VA^{-1})",
       reading="The lesson names no vec convention: A ⊗ G is the Fisher of W flattened column by column (row by row "
               "it is G ⊗ A), and either way (A ⊗ G)⁻¹ applied to the gradient is G⁻¹VA⁻¹, the two small inversions "
               "at work.",
       source=(SECTION, FACTORISATION), depends_on=("kfac.kronecker-inverse",), tags=("kfac", "kronecker"))
def _(c):
    G, V, A = general(2, 2, "g"), general(2, 3, "v"), general(3, 3, "a")
    c.prove(vec(G * V * A), kron(A.T, G) * vec(V), scope="G 2×2, V 2×3, A 3×3, symbolic entries (column-major vec)")
    c.prove(row_vec(G * V * A), kron(G, A.T) * row_vec(V), scope="G 2×2, V 2×3, A 3×3, symbolic entries (row-major)")

    def preconditioning(A, G, V):
        cond = np.linalg.cond(A) * np.linalg.cond(G)
        computed = kfac_precondition(V, np.linalg.inv(A), np.linalg.inv(G))
        column = np.linalg.solve(np.kron(A, G), V.flatten(order="F")).reshape(V.shape, order="F")
        row = np.linalg.solve(np.kron(G, A), V.flatten()).reshape(V.shape)
        return [close(kronecker_dense(A, G, vec="column"), np.kron(A, G), what="column: A ⊗ G"),
                close(kronecker_dense(A, G, vec="row"), np.kron(G, A), what="row: G ⊗ A"),
                close(computed, column, cond=cond, what="G⁻¹VA⁻¹ = (A⊗G)⁻¹ vec V"),
                close(computed, row, cond=cond, what="G⁻¹VA⁻¹ = (G⊗A)⁻¹ rvec V")]
    c.fuzz(preconditioning, spd_matrices(3, cond=1e2), spd_matrices(2, cond=1e2),
           st.lists(vectors(3), min_size=2, max_size=2).map(np.array),
           scope="kronecker_dense vs np.kron; kfac_precondition vs np.linalg.solve with the dense Kronecker, 3×3 ⊗ 2×2")


@claim("kfac.two-small-matrices",
       title="A 1000×1000 layer: two 1000×1000 factors instead of a 10⁶×10⁶ Fisher",
       statement=r"n_{in} = n_{out} = 1000:\ d = 10^6,\ A, G \in \mathbb{R}^{1000\times1000}",
       source=(SECTION, r"we only need to invert two much smaller matrices (e.g., $1000 \times 1000$ instead of "
                        r"$10^6 \times 10^6$)"),
       reading="For a bias-free 1000 → 1000 layer, d = 10⁶, the Fisher block is 10⁶ × 10⁶, and the two factors are "
               "1000 × 1000.",
       depends_on=("kfac.kronecker-inverse",), tags=("kfac", "cost"))
def _(c):
    c.example("parameters of a bias-free 1000 → 1000 layer (the Fisher's side)", 1000 * 1000, "1e6")
    c.example("side of each factor, √d for a square layer", sp.sqrt(10**6), "1000")

    def shapes(a, g):
        n_input, n_output = a.shape[1], g.shape[1]
        A, G = kfac_factors(a, g, bias=False)
        return [close(np.array(A.shape, float), np.array([n_input, n_input], float), what="A is n_in × n_in"),
                close(np.array(G.shape, float), np.array([n_output, n_output], float), what="G is n_out × n_out"),
                close(kronecker_dense(A, G).shape[0], float(n_input * n_output), what="A ⊗ G is d × d")]
    c.fuzz(shapes, st.integers(1, 5).flatmap(lambda n: batches(4, n)), st.integers(1, 5).flatmap(lambda n: batches(4, n)),
           scope="kfac_factors shapes for bias-free layers up to 5 × 5")


@claim("kfac.cost-d-three-halves",
       title="K-FAC reduces the per-layer inversion cost from O(d³) to O(d^{3/2})",
       statement=r"n_{in}^3 + n_{out}^3 = O(d^{3/2}),\quad d = n_{in} n_{out}",
       source=(SECTION, COST), expect="holds-if",
       condition="the layer's aspect ratio r = n_in/n_out stays bounded: the factor inversions cost n_in³ + n_out³ = "
                 "(r^{3/2} + r^{−3/2}) d^{3/2}, exactly 2d^{3/2} for a square layer; with one side fixed (an output "
                 "layer with K classes) the cost grows like d³/K³",
       reading="For a layer with d = n_in·n_out weights, inverting its two factors (n_in³ + n_out³ flops) costs "
               "O(d^{3/2}) with a constant that does not depend on the layer's shape: the sentence says 'per "
               "layer', and the Summary repeats it without the square example.",
       defence="For the square layer of the lesson's example (1000 × 1000) the cost is exactly 2·1000³ = 2d^{3/2}, "
               "and for any fixed aspect ratio r it is (r^{3/2} + r^{−3/2}) d^{3/2} = O(d^{3/2}). It still fails "
               "as a per-layer rule: the constant grows without bound with r, and for the common rectangular layer "
               "with a fixed side, such as an output layer over K classes, the cost grows like d³ (divided by K³) — "
               "the lesson's own W₂ (50 → 10) already costs 11.3 d^{3/2}.",
       tags=("kfac", "cost", "erratum"))
def _(c):
    width = sp.Symbol("n", positive=True)
    exponent = sp.limit(sp.log(width**3 + 10**3) / sp.log(10 * width), width, sp.oo)
    c.counterexample({}, exponent, sp.Rational(3, 2),
                     detail="output layers with K = 10 classes and n inputs, n → ∞: the cost n³ + 10³ grows like "
                            "d^e with e = lim log(n³ + 1000)/log(10n) = 3, not 3/2 — the order of the dense inversion")


@claim("kfac.cost-factors",
       title="Corrected: the factor inversions cost n_in³ + n_out³ ≥ 2 d^{3/2}, equality exactly for square layers",
       statement=r"n_{in}^3 + n_{out}^3 - 2 d^{3/2} = (n_{in}^{3/2} - n_{out}^{3/2})^2 \ge 0,\quad "
                 r"n_{in} = n_{out} = \sqrt d \Rightarrow n_{in}^3 + n_{out}^3 = 2 d^{3/2}",
       source=(SECTION, COST),
       reading="What does hold: the factor inversions cost n_in³ + n_out³ = (r^{3/2} + r^{−3/2}) d^{3/2} with "
               "r = n_in/n_out, at least 2d^{3/2}, with equality exactly for square layers; so O(d^{3/2}) holds for "
               "layers of bounded aspect ratio.",
       corrects="kfac.cost-d-three-halves", tags=("kfac", "cost", "correction"))
def _(c):
    gap = n_in**3 + n_out**3 - 2 * (n_in * n_out) ** sp.Rational(3, 2)
    square = (n_in ** sp.Rational(3, 2) - n_out ** sp.Rational(3, 2)) ** 2
    c.prove(gap, square, scope="all n_in, n_out > 0")
    c.prove_nonnegative(square, scope="all n_in, n_out > 0")
    c.prove(2 * sp.sqrt(d) ** 3, 2 * d ** sp.Rational(3, 2), scope="square layers n_in = n_out = √d, all d > 0")
    c.prove(sp.expand((n_in**3 + n_out**3) / (n_in * n_out) ** sp.Rational(3, 2)),
            sp.expand((n_in / n_out) ** sp.Rational(3, 2) + (n_out / n_in) ** sp.Rational(3, 2)),
            scope="all n_in, n_out > 0: cost / d^{3/2} = r^{3/2} + r^{−3/2}, bounded exactly when r is")


@claim("kfac.factors-are-covariances",
       title="A = E[aaᵀ] and G = E[ggᵀ], named 'activation covariance' and 'gradient covariance'",
       statement=r"A_{\ell-1} = \mathbb{E}[a a^T] = \mathrm{Cov}(a) + \mathbb{E}[a]\mathbb{E}[a]^T,\quad "
                 r"G_\ell = \mathbb{E}[g g^T] = \mathrm{Cov}(g) \text{ when } \mathbb{E}_{y\sim\pi}[g] = 0",
       source=(SECTION, r"(activation covariance)"),
       reading="The factors are the second moments the sentence writes, E[aaᵀ] and E[ggᵀ]; the parentheses name "
               "them covariances. The check proves how each relates to the covariance: G is one when the labels "
               "are drawn from the model, A is one only for mean-zero activations.",
       wording="'Covariance' is loose for A: E[aaᵀ] is the uncentred second moment Cov(a) + E[a]E[a]ᵀ, and the "
               "inputs K-FAC sees (ReLU outputs, the bias's constant 1) never have mean zero, so a centred "
               "covariance would be a different factor (the check measures how different). The formulas the "
               "sentence gives are the right ones.",
       depends_on=("categorical.fisher",), tags=("kfac", "terminology"))
def _(c):
    values = [general(2, 1, f"a{i}") for i in range(3)]
    w = sp.symbols("w1:3", positive=True)
    weights = (w[0], w[1], 1 - w[0] - w[1])
    mean = sum((wi * v for wi, v in zip(weights, values)), sp.zeros(2, 1))
    second = sum((wi * v * v.T for wi, v in zip(weights, values)), sp.zeros(2, 2))
    covariance = sum((wi * (v - mean) * (v - mean).T for wi, v in zip(weights, values)), sp.zeros(2, 2))
    c.prove(second, covariance + mean * mean.T, scope="a in R² on three symbolic values with symbolic weights")
    p = sp.symbols("p1:3", positive=True)
    pi = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])
    c.prove(sum((pi[y] * (pi - sp.eye(3)[:, y]) for y in range(3)), sp.zeros(3, 1)), sp.zeros(3, 1),
            scope="K = 3, every π: the output gradient π − e_y has mean 0 under y ~ π, so G = Cov(g) there")

    model = MLP([4, 6, 3], activation="relu")
    params = model.init_params(seed=1)
    X = c.rng.standard_normal((200, 4))
    A = model.kfac_factors(params, X)[1][0][:6, :6]
    hidden = np.maximum(X @ model.unflatten(params)[0][0].T + model.unflatten(params)[0][1], 0)
    mean_part = np.outer(hidden.mean(axis=0), hidden.mean(axis=0))
    gap = np.linalg.norm(A - np.cov(hidden.T, bias=True)) / np.linalg.norm(A)
    c.fuzz(lambda _: close(A, np.cov(hidden.T, bias=True) + mean_part, what="A = Cov(h) + E[h]E[h]ᵀ"), st.just(0),
           max_examples=1, scope=f"ReLU 4→6→3 network, 200 Gaussian inputs: MLP.kfac_factors' second-layer A vs numpy; "
                                 f"the centred covariance alone differs from A by {gap:.2f} (relative, Frobenius)")


@claim("kfac.factors-second-moments",
       title="As computed, A and G are the uncentred second moments E[aaᵀ] and E[ggᵀ]",
       statement=r"A = \tfrac1B\textstyle\sum_b \bar a_b\bar a_b^T,\quad G = \tfrac1B\sum_b g_bg_b^T,\quad "
                 r"G_{\text{out}} = \tfrac1N\sum_n \mathrm{diag}\,\pi_n - \pi_n\pi_n^T",
       source=(SECTION, r"(activation covariance)"),
       reading="The K-FAC kernels compute the factors as the sentence's formulas say: batch means of aaᵀ (with a "
               "ones entry for a bias) and of ggᵀ, and for the output layer under the model's labels the mean of "
               "diag π − ππᵀ.",
       depends_on=("kfac.factors-are-covariances",), tags=("kfac",))
def _(c):
    def factors_vs_numpy(a, g, bias, decay):
        ones = np.ones((a.shape[0], 1))
        augmented = np.hstack([a, ones]) if bias else a
        A, G = kfac_factors(a, g, bias=bias)
        A_expected = np.einsum("bi,bj->ij", augmented, augmented) / a.shape[0]
        return [close(A, A_expected, what="A"), close(G, np.einsum("bi,bj->ij", g, g) / g.shape[0], what="G"),
                close(ema(A, np.eye(A.shape[0]), decay), decay * A_expected + (1 - decay) * np.eye(A.shape[0]),
                      what="ema of A")]
    c.fuzz(factors_vs_numpy, batches(5, 3), batches(5, 2), st.booleans(), st.floats(0, 1),
           scope="kfac_factors and ema vs numpy einsum second moments, batch 5, n_in = 3, n_out = 2")

    model = MLP([3, 4, 3], activation="tanh")
    params = model.init_params(seed=2)
    X = c.rng.standard_normal((6, 3))
    pi = softmax_rows(model.forward(params, X))
    expected = np.mean([np.diag(row) - np.outer(row, row) for row in pi], axis=0)
    c.fuzz(lambda _: close(model.kfac_factors(params, X)[1][1], expected, what="G of the output layer"), st.just(0),
           max_examples=1, scope="MLP.kfac_factors: output-layer G = mean of diag π − ππᵀ (one fixed network)")


@claim("kfac.damped-factors",
       title="With damping, the two small inversions use factored damping: (A + π√λI) ⊗ (G + √λ/π I)",
       statement=r"(A+\pi\sqrt\lambda I)\otimes(G+\tfrac{\sqrt\lambda}{\pi}I) = A\otimes G + \lambda I + "
                 r"\pi\sqrt\lambda\, I\otimes G + \tfrac{\sqrt\lambda}{\pi} A\otimes I",
       source=(SECTION, "we only need to invert two much smaller matrices"),
       reading="The two small inversions survive damping when each factor is damped (π√λ on A, √λ/π on G); the "
               "product is then A ⊗ G + λI plus two cross terms, not exactly the Tikhonov-damped block, which is why "
               "implementations damp the factors.",
       depends_on=("kfac.kronecker-inverse", "kfac.vec-convention"), tags=("kfac", "damping"))
def _(c):
    A, G = general(2, 2, "a"), general(2, 2, "g")
    lam, pi = sp.symbols("lambda pi", positive=True)
    root = sp.sqrt(lam)
    eye = sp.eye(2)
    c.prove(kron(A + pi * root * eye, G + root / pi * eye),
            kron(A, G) + lam * sp.eye(4) + pi * root * kron(eye, G) + root / pi * kron(A, eye),
            scope="2×2 ⊗ 2×2, symbolic entries, λ, π > 0: Tikhonov λI plus two cross terms")

    def step_vs_dense(a, g, V, damping, bias):
        ones = np.ones((a.shape[0], 1))
        augmented = np.hstack([a, ones]) if bias else a
        A = augmented.T @ augmented / a.shape[0]
        G = g.T @ g / g.shape[0]
        mean_a, mean_g = np.trace(A) / A.shape[0], np.trace(G) / G.shape[0]
        scale = np.sqrt(mean_a / mean_g) if mean_a > 0 and mean_g > 0 else 1.0  # π = 1 when a factor vanishes
        A_d = A + scale * np.sqrt(damping) * np.eye(A.shape[0])
        G_d = G + np.sqrt(damping) / scale * np.eye(G.shape[0])
        V = V[:, :A.shape[0]]
        expected = np.linalg.solve(np.kron(A_d, G_d), V.flatten(order="F")).reshape(V.shape, order="F")
        cond = np.linalg.cond(A_d) * np.linalg.cond(G_d)
        A_k, G_k, pi_k = pi_damping(A, G, damping)
        return [close(A_k, A_d, what="π-damped A"), close(G_k, G_d, what="π-damped G"), close(pi_k, scale, what="π"),
                close(kfac_solve(A, G, V, damping), expected, cond=cond, what="kfac_solve"),
                close(kfac_step(a, g, V, damping, bias=bias), expected, cond=cond, what="kfac_step")]
    c.fuzz(step_vs_dense, batches(6, 3), batches(6, 2), st.lists(vectors(4), min_size=2, max_size=2).map(np.array),
           dampings(1e-3, 1e1), st.booleans(),
           scope="pi_damping, kfac_solve, kfac_step vs numpy factors and np.linalg.solve with the dense Kronecker, "
                 "batch 6, 3 (+1) inputs, 2 outputs")


@claim("kfac.exact-damping-two-small-eigendecompositions",
       title="Tikhonov damping of A ⊗ G itself also needs only the two small factors: eigendecompose A and G",
       statement=r"(A\otimes G+\lambda I)^{-1} = (Q_A\otimes Q_G)\,\mathrm{diag}\big(\tfrac{1}{\alpha_i\gamma_j+\lambda}\big)"
                 r"\,(Q_A\otimes Q_G)^T,\quad A = Q_A\,\mathrm{diag}(\alpha)\,Q_A^T,\ G = Q_G\,\mathrm{diag}(\gamma)\,Q_G^T",
       source=(SECTION, INVERSE),
       depends_on=("kfac.kronecker-inverse", "kfac.vec-convention"), tags=("kfac", "damping", "kronecker"),
       reading="The sentence's point, that only the two small factors need inverting, read as extending to the "
               "damping the lesson prescribes: (A ⊗ G + λI)⁻¹ v needs only eigendecompositions of A and G, never the "
               "d × d Kronecker product; checked against the dense damped inverse.")
def _(c):
    theta, phi, lam = sp.symbols("theta phi lambda", real=True)
    alpha, gamma = sp.symbols("alpha1:3", real=True), sp.symbols("gamma1:3", real=True)
    Qa = sp.Matrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]])
    Qg = sp.Matrix([[sp.cos(phi), -sp.sin(phi)], [sp.sin(phi), sp.cos(phi)]])
    A, G = Qa * sp.diag(*alpha) * Qa.T, Qg * sp.diag(*gamma) * Qg.T
    Q = kron(Qa, Qg)
    middle = sp.diag(*[a * g + lam for a in alpha for g in gamma])
    c.prove(Q * middle * Q.T, kron(A, G) + lam * sp.eye(4),
            scope="2×2 factors with symbolic eigenvalues and rotation eigenbases, symbolic λ: the damped Kronecker "
                  "matrix is diagonal in Q_A ⊗ Q_G, so its inverse has eigenvalues 1/(α_i γ_j + λ)")

    def exact_vs_dense(a, g, V, damping):
        A, G = kfac_factors(a, g)
        V = V[:, :A.shape[0]]
        dense = np.kron(A, G) + damping * np.eye(A.shape[0] * G.shape[0])
        expected = np.linalg.solve(dense, V.flatten(order="F")).reshape(V.shape, order="F")
        return [close(kfac_solve_exact(A, G, V, damping), expected, cond=np.linalg.cond(dense),
                      what="kfac_solve_exact"),
                close(kfac_solve(A, G, V, damping, method="exact"), expected, cond=np.linalg.cond(dense),
                      what="kfac_solve(method='exact')")]
    c.fuzz(exact_vs_dense, batches(6, 3), batches(6, 2), st.lists(vectors(4), min_size=2, max_size=2).map(np.array),
           dampings(1e-3, 1e1),
           scope="kfac_solve_exact vs np.linalg.solve with the dense A ⊗ G + λI, batch 6, 3 (+1) inputs, 2 outputs")


@claim("kfac.sampled-labels-unbiased-g",
       title="K-FAC's G from labels sampled from the model is unbiased for the exact G; the data labels' G is not",
       statement=r"\mathbb{E}_{\tilde y\sim\pi}\big[(\pi-e_{\tilde y})(\pi-e_{\tilde y})^T\big] = "
                 r"\mathrm{diag}\,\pi-\pi\pi^T \ \Rightarrow\ \mathbb{E}[G_{\mathrm{MC}}] = G_{\mathrm{exact}}",
       source=("Empirical Fisher", "When possible, compute the Fisher using samples from the model's own predictive "
                                   "distribution, not the data distribution."),
       depends_on=("categorical.fisher",), tags=("kfac", "empirical-fisher"),
       reading="The advice applied to K-FAC's output factor G: with labels drawn from the model's predictive "
               "distribution the estimate of G is unbiased for the exact G (and does not depend on the data "
               "labels), while G from the data labels is the empirical factor, which differs from it.")
def _(c):
    p = sp.symbols("p1:3", positive=True)
    pi = sp.Matrix([p[0], p[1], 1 - p[0] - p[1]])
    expectation = sum((pi[y] * (pi - sp.eye(3)[:, y]) * (pi - sp.eye(3)[:, y]).T for y in range(3)), sp.zeros(3, 3))
    c.prove(expectation, sp.diag(*pi) - pi * pi.T,
            scope="K = 3, every π: the output gradient's second moment under ỹ ~ π is the softmax Fisher, so "
                  "G_MC = J_sᵀ(π − e_ỹ)(π − e_ỹ)ᵀJ_s averages to G_exact for every example")
    model = MLP([3, 4, 3], activation="tanh")
    params = model.init_params(seed=2) * 2
    X = c.rng.standard_normal((4, 3))
    y = c.rng.integers(0, 3, 4)
    exact = model.kfac_factors(params, X, fisher="exact")
    seeds = 400
    draws = [model.kfac_factors(params, X, fisher="mc", seed=s) for s in range(seeds)]
    worst = 0.0
    for layer, (_, G) in enumerate(exact):
        Gs = np.array([d[layer][1] for d in draws])
        stderr = Gs.std(axis=0, ddof=1) / np.sqrt(seeds) + 1e-15
        worst = max(worst, float(np.max(np.abs(Gs.mean(axis=0) - G) / stderr)))
    empirical = model.kfac_factors(params, X, y=y, fisher="empirical")[-1][1]
    relabelled = model.kfac_factors(params, X, y=(y + 1) % 3, fisher="mc", seed=0)[-1][1]
    gap = float(np.linalg.norm(empirical - exact[-1][1]) / np.linalg.norm(exact[-1][1]))
    c.observe(worst < 5 and np.array_equal(relabelled, draws[0][-1][1]),
              detail=f"experiment: tanh 3→4→3 network, 4 inputs, MLP.kfac_factors(fisher='mc') over {seeds} seeds: "
                     f"the mean of G is within {worst:.1f} standard errors of the exact G (every entry, both "
                     f"layers), and the sampled G does not change when the data labels do; the empirical G "
                     f"(data labels) differs from the exact one by {gap:.2f} (relative, output layer)",
              data={"worst_standard_errors": worst, "empirical_gap": gap})


uncheckable(SECTION, "K-FAC is the most successful practical natural gradient method for deep learning, used in "
                     "large-scale applications including reinforcement learning and Bayesian neural networks.",
            "a judgement of the literature (\"most successful\") and a list of applications, with no measure to check")

"""Worked Examples: Example 3, K-FAC block diagonal structure (100 → 50 → 10, ReLU, softmax).

Convention: the lesson's layers have no bias (h = ReLU(W₁x), W₁ 50×100,
W₂ 10×50), and every count below is for that convention; the MLP kernel always
carries biases, so where it is used the biases are set to zero and, for the
factor shapes, kfac_factors is called with bias=False (with a bias column A₁
would be 51×51 = 2,601 entries).
"""
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ngproof import claim, close, uncheckable
from ngproof.kernels import MLP, damped_inverse, kfac_factors, kfac_precondition, kfac_solve, kfac_step, kronecker_dense
from ngproof.strategies import dampings
from ngproof.symbolic.models import general, kron

SECTION = "Example 3: K-FAC Block Diagonal Structure"
ANSWER = (r"K-FAC: $A_1$ ($50 \times 50$) and $G_2$ ($10 \times 10$), totaling ~2,600 entries and ~126,000 flops to "
          r"invert.")
INVERSE = (r"The inverse: $I_{W_2}^{-1} \approx A_1^{-1} \otimes G_2^{-1}$, requiring only a $50 \times 50$ and "
           r"$10 \times 10$ inversion.")
SIZES = [100, 50, 10]


def softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def example_network(seed: int, n: int = 200):
    """The lesson's network with zero biases, a batch of inputs, its hidden layer and output probabilities."""
    model = MLP(SIZES, activation="relu")
    rng = np.random.default_rng(seed)
    (W1, _), (W2, _) = model.unflatten(model.init_params(seed))
    params = model.flatten([(W1, np.zeros(50)), (W2, np.zeros(10))])
    X = rng.standard_normal((n, 100))
    hidden = np.maximum(X @ W1.T, 0)
    probs = softmax_rows(hidden @ W2.T)
    labels = (rng.random(n)[:, None] >= np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)
    return model, params, X, hidden, probs, probs - np.eye(10)[labels]


@claim("example3.setup",
       title="The network: x ∈ R¹⁰⁰, h = ReLU(W₁x) ∈ R⁵⁰, softmax over W₂h ∈ R¹⁰, so W₁ is 50 × 100",
       statement=r"W_1 \in \mathbb{R}^{50\times100},\ W_2 \in \mathbb{R}^{10\times50},\ "
                 r"\pi = \mathrm{softmax}(W_2\,\mathrm{ReLU}(W_1x))",
       source=(SECTION, r"Consider a 2-layer network: $\mathbf{h} = \text{ReLU}(W_1 \mathbf{x})$"),
       reading="The network as stated, without biases: W₁ is 50 × 100, W₂ is 10 × 50, and the output is a softmax "
               "over W₂ ReLU(W₁x); the MLP kernel with zero biases computes it.",
       tags=("worked-example", "kfac"))
def _(c):
    model, params, X, hidden, probs, _ = example_network(0)
    (W1, _), (W2, _) = model.unflatten(params)
    c.example("rows of W₁ (hidden width)", W1.shape[0], "50")
    c.example("columns of W₁ (input width)", W1.shape[1], "100")
    c.example("rows of W₂ (classes)", W2.shape[0], "10")
    c.fuzz(lambda _: [close(softmax_rows(model.forward(params, X)), probs, what="MLP.forward with zero biases"),
                      close(probs.sum(axis=1), np.ones(len(probs)), what="softmax rows sum to 1")],
           st.just(0), max_examples=1, scope="MLP.forward of the 100 → 50 → 10 network (zero biases) vs numpy, 200 inputs")


uncheckable(SECTION, "Compute the dimensions of the Fisher matrix and its K-FAC approximation for $W_2$.",
            "the task statement; its answers are the example3.* claims")


@claim("example3.parameters",
       title="W₂ is 10 × 50, so d = 500 parameters",
       statement=r"d = 10\cdot 50 = 500",
       source=(SECTION, r"$W_2$ has shape $10 \times 50$, so $W_2$ flattened is $d = 500$ parameters."),
       reading="The bias-free W₂ has 10 · 50 = 500 entries, the d of its Fisher block.",
       depends_on=("example3.setup",), tags=("worked-example", "kfac"))
def _(c):
    model = MLP(SIZES, activation="relu")
    out, inp = model.shapes[1]
    c.example("parameters of W₂ (10 × 50, no bias)", out * inp, "500")


@claim("example3.full-fisher",
       title="The full Fisher block of W₂ is 500 × 500 = 250,000 entries",
       statement=r"500 \times 500 = 250{,}000",
       source=(SECTION, r"The full Fisher for $W_2$ is $500 \times 500$, requiring $250,000$ entries."),
       reading="The full Fisher block of W₂ is d × d = 500 × 500, 250,000 entries (symmetric, so 125,250 distinct).",
       depends_on=("example3.parameters",), tags=("worked-example", "kfac"))
def _(c):
    c.example("entries of the full Fisher block of W₂", 500 * 500, "250,000")


@claim("example3.factor-sizes",
       title="K-FAC factors of W₂: A₁ = E[hhᵀ] is 50 × 50 = 2,500 entries, G₂ = E[g₂g₂ᵀ] is 10 × 10 = 100",
       statement=r"A_1 \in \mathbb{R}^{50\times50}\ (2{,}500),\quad G_2 \in \mathbb{R}^{10\times10}\ (100),\quad "
                 r"A_1\otimes G_2 \in \mathbb{R}^{500\times500}",
       source=(SECTION, r"K-FAC factorizes it as $I_{W_2} \approx A_1 \otimes G_2$: - $A_1 = \mathbb{E}[\mathbf{h} "
                        r"\mathbf{h}^T]$: $50 \times 50$ = 2,500 entries - $G_2 = \mathbb{E}[\mathbf{g}_2 "
                        r"\mathbf{g}_2^T]$: $10 \times 10$ = 100 entries"),
       reading="A₁ = E[hhᵀ] is 50 × 50 (2,500 entries), G₂ = E[g₂g₂ᵀ] is 10 × 10 (100 entries), and their Kronecker "
               "product has the block's size 500 × 500; the factors computed from the network have these shapes.",
       depends_on=("example3.parameters", "kfac.factorisation"), tags=("worked-example", "kfac"))
def _(c):
    _, _, _, hidden, _, output_gradients = example_network(0)
    A, G = kfac_factors(hidden, output_gradients, bias=False)
    c.example("entries of A₁ = E[h hᵀ] from kfac_factors", A.size, "2,500")
    c.example("entries of G₂ = E[g₂ g₂ᵀ] from kfac_factors", G.size, "100")
    c.example("side of A₁ ⊗ G₂ (kronecker_dense)", kronecker_dense(A, G).shape[0], "500")



@claim("example3.factor-sizes-from-the-network",
       title="The network's own K-FAC factors of W₂, with the bias as its own block, are A₁ 50 × 50 and G₂ 10 × 10",
       statement=r"A_1 = \tfrac1N\sum_n h_n h_n^T \in \mathbb{R}^{50\times50},\quad "
                 r"G_2 = \tfrac1N\sum_n (\mathrm{diag}\,\pi_n - \pi_n\pi_n^T) \in \mathbb{R}^{10\times10}",
       source=(SECTION, r"K-FAC factorizes it as $I_{W_2} \approx A_1 \otimes G_2$: - $A_1 = \mathbb{E}[\mathbf{h} "
                        r"\mathbf{h}^T]$: $50 \times 50$ = 2,500 entries - $G_2 = \mathbb{E}[\mathbf{g}_2 "
                        r"\mathbf{g}_2^T]$: $10 \times 10$ = 100 entries"),
       depends_on=("example3.factor-sizes",), tags=("worked-example", "kfac"),
       reading="The example's dimensions read on an actual 100-50-10 network: the K-FAC factors computed from it "
               "for W₂ (bias as its own block) are 50 × 50 and 10 × 10, as the lesson says.")
def _(c):
    model, params, X, hidden, probs, _ = example_network(0)
    A, G = model.kfac_factors(params, X, fisher="exact", bias="separate")[1]
    c.example("entries of A₁ from MLP.kfac_factors(bias='separate') (the bias is its own block, as in the lesson)",
              A.size, "2,500")
    c.example("entries of G₂ from MLP.kfac_factors(fisher='exact')", G.size, "100")
    expected_G = np.mean([np.diag(p) - np.outer(p, p) for p in probs], axis=0)
    c.fuzz(lambda _: [close(A, hidden.T @ hidden / len(X), what="A₁ = mean h hᵀ"),
                      close(G, expected_G, what="G₂ = mean of diag π − ππᵀ (the expectation over the model's labels)")],
           st.just(0), max_examples=1,
           scope="the lesson's 100-50-10 ReLU network with zero biases, 200 Gaussian inputs: MLP.kfac_factors "
                 "against numpy second moments of the hidden layer and the softmax output Fisher")

@claim("example3.flops",
       title="O(500³) = 125 × 10⁶ flops become O(50³ + 10³) = 126,000, a factor of ~1000 (992)",
       statement=r"500^3 = 125\times10^6,\quad 50^3 + 10^3 = 126{,}000,\quad \frac{125\times10^6}{126{,}000} \approx 992",
       source=(SECTION, r"The $O(d^3) = O(500^3) = 125 \times 10^6$ flops become $O(50^3 + 10^3) = 126,000$ flops"),
       reading="Counting n³ flops for inverting an n × n matrix, 500³ = 125 × 10⁶ against 50³ + 10³ = 126,000, a "
               "ratio of 992, about 1000.",
       depends_on=("example3.factor-sizes", "kfac.cost-factors"), tags=("worked-example", "kfac", "cost"))
def _(c):
    c.example("O(d³) flops for d = 500 (written 125 × 10⁶)", 500**3, "125e6")
    c.example("O(50³ + 10³) flops", 50**3 + 10**3, "126,000")
    c.example("improvement factor 125·10⁶ / 126,000 = 992.06", sp.Rational(500**3, 50**3 + 10**3), "~1000")


@claim("example3.answer-full-fisher",
       title="Answer box: the full Fisher is 500 × 500, 250,000 entries, 125 × 10⁶ flops to invert",
       statement=r"500^2 = 250{,}000,\quad 500^3 = 125\times10^6",
       source=(SECTION, r"Full Fisher: $500 \times 500$ ($250,000$ entries, $125 \times 10^6$ flops to invert)."),
       reading="The answer box's numbers for the full block: 250,000 entries and 500³ = 125 × 10⁶ flops.",
       depends_on=("example3.full-fisher", "example3.flops"), tags=("worked-example", "kfac"))
def _(c):
    c.example("entries", 500**2, "250,000")
    c.example("flops to invert, n³ (written 125 × 10⁶)", 500**3, "125e6")


@claim("example3.answer",
       title="Answer box: ~2,600 factor entries and ~126,000 flops to invert",
       statement=r"2{,}500 + 100 = 2{,}600,\quad 50^3 + 10^3 = 126{,}000",
       source=(SECTION, ANSWER), depends_on=("example3.factor-sizes", "example3.flops"),
       reading="The answer box's numbers for K-FAC: 2,500 + 100 = 2,600 entries and 126,000 flops.",
       tags=("worked-example", "kfac", "cost"))
def _(c):
    c.example("K-FAC factor entries 50² + 10²", 50**2 + 10**2, "~2,600")
    c.example("flops to invert 50³ + 10³", 50**3 + 10**3, "~126,000")


@claim("example3.savings-kronecker",
       title="The savings come from the Kronecker inverse: G₂⁻¹ V A₁⁻¹ replaces the 500 × 500 inverse",
       statement=r"\big((A_1+\alpha I)\otimes(G_2+\beta I)\big)^{-1}\mathrm{vec}\,V = "
                 r"\mathrm{vec}\big((G_2+\beta I)^{-1}V(A_1+\alpha I)^{-1}\big)",
       source=(SECTION, r"The savings come from the Kronecker structure $(A \otimes G)^{-1} = A^{-1} \otimes G^{-1}$."),
       reading="The savings come from applying the inverse factors to the gradient matrix, G⁻¹VA⁻¹, instead of "
               "inverting the 500 × 500 block; checked on the example's own factors (damped, since G₂ is singular) "
               "against a dense solve.",
       depends_on=("kfac.kronecker-inverse", "kfac.vec-convention"), tags=("worked-example", "kfac"))
def _(c):
    _, _, _, hidden, _, output_gradients = example_network(3)
    A1, G2 = kfac_factors(hidden, output_gradients, bias=False)

    def real_size(alpha, beta, seed):
        V = np.random.default_rng(seed).standard_normal((10, 50))
        A_d, G_d = A1 + alpha * np.eye(50), G2 + beta * np.eye(10)
        dense = np.linalg.solve(np.kron(A_d, G_d), V.flatten(order="F")).reshape(V.shape, order="F")
        computed = kfac_precondition(V, damped_inverse(A1, alpha), damped_inverse(G2, beta, method="eigh"))
        return close(computed, dense, cond=np.linalg.cond(A_d) * np.linalg.cond(G_d))
    c.fuzz(real_size, dampings(1e-2, 1e1), dampings(1e-2, 1e1), st.integers(0, 10**6), max_examples=3,
           scope="kfac_precondition with damped_inverse of the 50 × 50 and 10 × 10 factors vs a dense 500 × 500 "
                 "solve, the 100 → 50 → 10 network; 3 cases (dense solves)")


@claim("example3.inverse-of-factors",
       title="The W₂ block is inverted through a 50 × 50 and a 10 × 10 inversion — of damped factors, since G₂1 = 0",
       statement=r"I_{W_2}^{-1} \approx A_1^{-1}\otimes G_2^{-1}\ \text{read as}\ "
                 r"\big((A_1+\alpha I)\otimes(G_2+\beta I)\big)^{-1} = (A_1+\alpha I)^{-1}\otimes(G_2+\beta I)^{-1};"
                 r"\quad G_2\mathbf 1 = 0",
       source=(SECTION, INVERSE),
       reading="The point is the cost: K-FAC's approximate inverse of the 500 × 500 block needs only a 50 × 50 and a "
               "10 × 10 inversion. As everywhere in the lesson, I⁻¹ of a Fisher that can be singular is read as the "
               "damped inverse the Damping section prescribes; the check proves that G₂ is singular and that the "
               "damped factors give the two small inversions, on the example's own sizes.",
       wording="Literally G₂⁻¹ does not exist: with a softmax output every g₂ = π − e_y sums to 0, so G₂1 = 0 and G₂ "
               "has rank ≤ 9 (as does I_{W₂}, rank ≤ 450), whether G₂ is exact or estimated from sampled labels. "
               "The factors must be damped (or pseudo-inverted) before the two small inversions.",
       depends_on=("kfac.kronecker-inverse", "kfac.damped-factors", "categorical.fisher-rank"),
       tags=("worked-example", "kfac"))
def _(c):
    # G₂ = mean of diag π_n − π_nπ_nᵀ over a batch of three exact (rational) output distributions, K = 10.
    rows = [sp.Matrix([sp.Rational(k + 1 + n, 55 + 10 * n) for k in range(10)]) for n in range(3)]
    G2 = sum((sp.diag(*r) - r * r.T for r in rows), sp.zeros(10, 10)) / 3
    c.prove(G2 * sp.ones(10, 1), sp.zeros(10, 1), scope="an exact G₂ of three rational softmax outputs, K = 10: G₂1 = 0")
    p = [sp.symbols(f"p{n}_1 p{n}_2", positive=True) for n in range(2)]
    pis = [sp.Matrix([a, b, 1 - a - b]) for a, b in p]
    G = sum((sp.diag(*pi) - pi * pi.T for pi in pis), sp.zeros(3, 3)) / 2
    c.prove(G * sp.ones(3, 1), sp.zeros(3, 1), scope="K = 3, a batch of two symbolic softmax outputs")
    A = general(2, 2, "a")
    v = general(2, 1, "v")
    c.prove(kron(A, G) * kron(v, sp.ones(3, 1)), sp.zeros(6, 1),
            scope="2×2 symbolic A, the G above: every v ⊗ 1 is a null vector of A ⊗ G")

    model, params, X, hidden, probs, output_gradients = example_network(2)
    A1, G2 = kfac_factors(hidden, output_gradients, bias=False)

    def real_size(damping, seed):
        V = np.random.default_rng(seed).standard_normal((10, 50))
        scale = np.sqrt((np.trace(A1) / 50) / (np.trace(G2) / 10))
        A_d = A1 + scale * np.sqrt(damping) * np.eye(50)
        G_d = G2 + np.sqrt(damping) / scale * np.eye(10)
        dense = np.linalg.solve(np.kron(A_d, G_d), V.flatten(order="F")).reshape(V.shape, order="F")
        return close(kfac_solve(A1, G2, V, damping), dense, cond=np.linalg.cond(A_d) * np.linalg.cond(G_d))
    c.fuzz(real_size, dampings(1e-3, 1e1), st.integers(0, 10**6), max_examples=4,
           scope="kfac_solve on the 100 → 50 → 10 network's W₂ factors vs a dense 500 × 500 solve, π-damping; "
                 "4 cases (each a dense 500 × 500 solve)")

    model, params, X, hidden, probs, output_gradients = example_network(1)
    rank = int(np.linalg.matrix_rank(model.kfac_factors(params, X)[1][1]))
    try:
        kfac_step(hidden, output_gradients, np.ones((10, 50)), 0.0, bias=False)
        failure = "no error"
    except ValueError as exc:
        failure = f"ValueError: {str(exc)[:70]}…"
    c.observe(rank == 9 and failure.startswith("ValueError"),
              detail=f"the 100 → 50 → 10 network on 200 inputs: numerical rank of G₂ (MLP.kfac_factors) is {rank}; "
                     f"undamped kfac_step on sampled labels refuses: {failure}",
              data={"rank_G2": rank, "undamped": failure})


def numpy_kfac_blocks(model: MLP, params: np.ndarray, X: np.ndarray) -> list:
    """Per-layer K-FAC blocks in PyTorch order from numpy: A with a ones column, G as the exact expectation
    over the model's labels (G_ℓ = mean_n B_n Λ_n B_nᵀ with B_n the back-propagation to layer ℓ)."""
    (W1, b1), (W2, b2) = model.unflatten(params)
    pre = X @ W1.T + b1
    hidden = np.maximum(pre, 0)
    probs = softmax_rows(hidden @ W2.T + b2)
    lambdas = [np.diag(p) - np.outer(p, p) for p in probs]
    G1 = np.mean([np.diag(pre_n > 0) @ W2.T @ L @ W2 @ np.diag(pre_n > 0) for pre_n, L in zip(pre, lambdas)], axis=0)
    blocks = []
    for a, G in ((X, G1), (hidden, np.mean(lambdas, axis=0))):
        augmented = np.hstack([a, np.ones((len(a), 1))])
        A = augmented.T @ augmented / len(a)
        out, width = G.shape[0], A.shape[0]
        # Row-major [W | b] index o·width + i; PyTorch order lists W (i < width − 1) first, then b.
        order = [o * width + i for o in range(out) for i in range(width - 1)] + [o * width + width - 1 for o in range(out)]
        blocks.append(np.kron(G, A)[np.ix_(order, order)])
    return blocks


@claim("example3.block-diagonal",
       title="Across layers the K-FAC preconditioner is block diagonal (each layer its own Kronecker block)",
       statement=r"F_{\text{K-FAC}} = \mathrm{blockdiag}(A_0\otimes G_1,\ A_1\otimes G_2),\quad "
                 r"F_{\text{K-FAC}}^{-1} = \mathrm{blockdiag}\big((A_0\otimes G_1)^{-1}, (A_1\otimes G_2)^{-1}\big)",
       source=(SECTION, "For the full network, each layer gets its own Kronecker factorization, making the "
                        "preconditioner block-diagonal across layers."),
       reading="K-FAC gives each layer its own Kronecker block and sets the cross-layer blocks to zero, so the "
               "preconditioner and its inverse are block diagonal across layers (while the exact Fisher is not).",
       depends_on=("kfac.vec-convention",), tags=("worked-example", "kfac"))
def _(c):
    first, second = general(2, 2, "b"), general(1, 1, "c")
    c.prove(sp.diag(first, second).inv(), sp.diag(first.inv(), second.inv()),
            scope="a 2×2 and a 1×1 symbolic block (invertible): the inverse stays block diagonal")
    model = MLP([10, 5, 3], activation="relu")

    def same_shape_network(seed):
        params = model.init_params(seed)
        X = np.random.default_rng(seed).standard_normal((8, 10))
        kfac = model.kfac_dense(params, X)
        first_block, second_block = numpy_kfac_blocks(model, params, X)
        cut = first_block.shape[0]
        assembled = np.zeros_like(kfac)
        assembled[:cut, :cut] = first_block
        assembled[cut:, cut:] = second_block
        return close(kfac, assembled, what="MLP.kfac_dense vs numpy block diagonal")
    c.fuzz(same_shape_network, st.integers(0, 10**6), max_examples=10,
           scope="MLP.kfac_dense of a 10 → 5 → 3 ReLU network (same structure, smaller) vs numpy factors assembled "
                 "block-diagonally, 8 inputs; 10 cases")
    params = model.init_params(0)
    X = np.random.default_rng(0).standard_normal((8, 10))
    fisher = model.fisher(params, X)
    cut = 5 * 10 + 5
    cross = np.linalg.norm(fisher[:cut, cut:]) / np.linalg.norm(fisher)
    kfac_cross = np.linalg.norm(model.kfac_dense(params, X)[:cut, cut:])
    c.observe(kfac_cross == 0 and cross > 1e-3,
              detail=f"the exact Fisher is not block diagonal (cross-layer block {cross:.2f} of ‖F‖), the K-FAC matrix "
                     f"is, exactly (cross-layer norm {kfac_cross})", data={"fisher_cross": cross})

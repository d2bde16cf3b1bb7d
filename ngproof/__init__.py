"""ngproof: every claim of a lesson proved, fuzzed or refuted.

A catalogue author needs ``claim`` (declare a claim) and, inside a claim's
body, the checks object it receives; ``close`` builds numeric comparisons and
``ngproof.strategies`` draws inputs; ``figure`` declares a figure of the report.  Importing ngproof loads neither sympy
nor hypothesis, so ``ngproof.kernels`` stays light.
"""
from ngproof.vocabulary.claims import Claim, claim, figure, uncheckable

__version__ = "0.1.0"
__all__ = ["Claim", "claim", "close", "figure", "uncheckable", "__version__"]


def close(computed, expected, cond: float = 1.0, what: str = ""):
    """A comparison of a computed value with an independent oracle (see ngproof.tolerance)."""
    from ngproof.tolerance import close as make

    return make(computed, expected, cond, what)

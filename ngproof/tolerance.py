"""Relative comparisons whose tolerance follows from the problem's conditioning.

A backward-stable computation of size ``n`` in precision ``eps`` on a problem
with condition number ``cond`` has relative forward error of order
``n * eps * cond``; two such computations (kernel and oracle) are compared with

    tolerance = SAFETY * n * eps * cond,        SAFETY = 32.

Callers pass the honest ``cond`` of what they compute (e.g. ``np.linalg.cond(F + λI)``);
the constant is fixed here, never tuned per claim.

A comparison that cannot fail is no evidence.  The relative error of two
vectors never exceeds 2, and a formula that is wrong by a few per cent would
pass any tolerance of that size, so a comparison whose tolerance reaches
``MAX_TOLERANCE = 1e-2`` (or whose ``cond`` is not finite) is *uninformative*:
float64 at that conditioning cannot tell the claim from a 1 % error.  Use exact
arithmetic or a better-conditioned formulation (a backward error, a damped or
projected system) instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAFETY = 32.0
MAX_TOLERANCE = 1e-2


@dataclass(frozen=True)
class Comparison:
    """A computed value against an independent expected value."""

    computed: object
    expected: object
    cond: float = 1.0
    what: str = ""

    @property
    def dtype(self) -> np.dtype:
        arrays = [np.asarray(self.computed), np.asarray(self.expected)]
        inexact = [a.dtype for a in arrays if np.issubdtype(a.dtype, np.inexact)]  # float or complex
        return max(inexact, key=lambda d: np.finfo(d).eps) if inexact else np.dtype(np.float64)

    @property
    def tolerance(self) -> float:
        n = max([1, *np.shape(self.expected)])
        return SAFETY * n * float(np.finfo(self.dtype).eps) * max(1.0, float(self.cond))

    @property
    def relative_error(self) -> float:
        kind = np.complex128 if np.iscomplexobj(self.computed) or np.iscomplexobj(self.expected) else np.float64
        computed = np.asarray(self.computed, dtype=kind)  # complex values are compared as complex, never cut
        expected = np.asarray(self.expected, dtype=kind)
        if expected.size == 0:
            raise ValueError(f"{self.what or 'comparison'}: nothing to compare (empty arrays)")
        if computed.shape != expected.shape:
            raise ValueError(f"{self.what or 'comparison'}: shapes differ, {computed.shape} vs {expected.shape}")
        if not (np.all(np.isfinite(computed)) and np.all(np.isfinite(expected))):
            return float("inf")  # nothing non-finite is ever close, not even to itself
        scale = max(np.linalg.norm(expected), np.linalg.norm(computed))
        return 0.0 if scale == 0 else float(np.linalg.norm(computed - expected) / scale)

    @property
    def informative(self) -> bool:
        """Whether the comparison could fail: finite ``cond`` and a tolerance below ``MAX_TOLERANCE``."""
        return bool(np.isfinite(self.cond)) and self.tolerance < MAX_TOLERANCE

    @property
    def ok(self) -> bool:
        """Close within the tolerance; an uninformative comparison is never ``ok`` (nor a failure)."""
        return self.informative and self.relative_error <= self.tolerance


def close(computed, expected, cond: float = 1.0, what: str = "") -> Comparison:
    """Compare ``computed`` with an independent ``expected`` at a conditioning-derived tolerance."""
    return Comparison(computed, expected, cond, what)

"""Benchmarks of ngproof.kernels against their numpy/scipy baselines.

Run ``python -m ngproof.bench`` (or ``python -m ngproof bench``).
"""

from .suite import main

__all__ = ["main"]

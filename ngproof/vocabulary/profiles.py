"""Hypothesis profiles: ``ci`` (moderate budget), ``dev``, ``thorough`` (large budget).

Every profile is derandomised by the run's seed: each fuzz check gets
``hypothesis.seed`` derived from ``--seed`` (default 0) and the claim id, which
takes precedence over hypothesis' own randomness, so the same seed gives the
same inputs and report.  ``ci`` also sets ``derandomize`` for any test run
outside the engine.

Deadlines are off everywhere: numba's first-call compile (0.4-6 s) would trip
them, and time is budgeted by the runner's per-claim timeout instead.  The
example database is off so runs leave nothing behind and replay only by seed.
"""
from __future__ import annotations

from hypothesis import HealthCheck, Verbosity, settings

PROFILES = {"ci": 40, "dev": 100, "thorough": 1000}


def register_profiles() -> None:
    """Register the three profiles with hypothesis (idempotent)."""
    for name, examples in PROFILES.items():
        settings.register_profile(
            f"ngproof-{name}",
            max_examples=examples,
            derandomize=name == "ci",
            deadline=None,
            database=None,
            print_blob=False,
            verbosity=Verbosity.quiet,
            suppress_health_check=list(HealthCheck),
        )


def profile_settings(name: str) -> settings:
    """The hypothesis settings of profile ``name``."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}")
    register_profiles()
    return settings.get_profile(f"ngproof-{name}")

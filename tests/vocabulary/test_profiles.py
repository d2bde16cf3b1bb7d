"""Hypothesis profiles: no deadlines (numba compiles on first call), no example database."""
import pytest

from ngproof.vocabulary.profiles import PROFILES, profile_settings


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profiles_have_no_deadline_and_no_database(name):
    settings = profile_settings(name)
    assert settings.deadline is None and settings.database is None
    assert settings.max_examples == PROFILES[name]


def test_budgets_grow_from_ci_to_thorough_and_ci_is_derandomized():
    assert PROFILES["ci"] < PROFILES["dev"] < PROFILES["thorough"]
    assert profile_settings("ci").derandomize and not profile_settings("dev").derandomize


def test_unknown_profile_names_the_choices():
    with pytest.raises(ValueError, match="unknown profile 'fast'; choose one of ci, dev, thorough"):
        profile_settings("fast")

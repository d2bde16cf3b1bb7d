"""External programs the report tests use (Chromium, Graphviz dot, Java for the Nu HTML checker).

CI (.ci/run) installs them and sets NGPROOF_REQUIRE_TOOLS=1: there a missing one fails the test.
Elsewhere the README's test command must work with only Python, so the test says what to install
and skips.
"""
from __future__ import annotations

import os
import shutil

import pytest


def need(names: tuple[str, ...], install: str) -> str:
    """The path of the first of ``names`` on PATH; else fail under CI, skip elsewhere."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{names[0]} is needed for this test (Debian: {install})"
    if os.environ.get("NGPROOF_REQUIRE_TOOLS") == "1":
        pytest.fail(message + "; NGPROOF_REQUIRE_TOOLS=1 requires it")
    pytest.skip(message + "; CI requires it")

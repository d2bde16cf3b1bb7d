"""Shared fixtures: temporary theorem catalogues and the command line as a subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Prepended to every temporary theorem module, so a test writes only its claims.
THEOREM_HEADER = """\
import os
import time

import numpy as np
import sympy as sp

from ngproof import claim, close
from ngproof.strategies import reals, vectors

x = sp.Symbol("x", real=True)
"""


@pytest.fixture(scope="session")
def write_catalogue(tmp_path_factory):
    """``write_catalogue({"01_a.py": source, ...})`` writes theorem modules into a fresh directory.

    Each source is dedented and prefixed with ``THEOREM_HEADER``; a source starting with
    ``#raw`` is written as is.
    """
    def write(modules: dict[str, str]) -> Path:
        directory = tmp_path_factory.mktemp("theorems")
        for name, source in modules.items():
            text = textwrap.dedent(source)
            (directory / name).write_text(text if text.startswith("#raw") else THEOREM_HEADER + text)
        return directory
    return write


@pytest.fixture(scope="session")
def ngproof_cli(tmp_path_factory):
    """``python -m ngproof ARGS`` in a subprocess, text output captured: ``ngproof_cli("verify", path, cwd=...)``.

    Each call gets an empty result cache of its own, so no test reuses another's results
    or leaves a cache in the working directory.
    """
    def run(*args, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
        env = dict(os.environ, NGPROOF_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
        return subprocess.run([sys.executable, "-m", "ngproof", *map(str, args)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout)
    return run

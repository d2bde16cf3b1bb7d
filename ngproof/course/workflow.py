"""The GitHub Actions workflow that ``init`` writes into a course repository.

On every push and pull request the job installs ngproof (``install``: a pip
requirement, a PyPI release or ``ngproof @ git+https://…``), verifies the
course's own catalogue (``theorems``) reusing the result cache of earlier runs
(``actions/cache``: restored before, saved after, even when verification
fails, since errors and timeouts are never stored), checks which passages of
each lesson have claims, and uploads the HTML, JUnit, JSON and SARIF reports
even on failure.  On GitHub Actions ``verify`` also annotates the lesson file
at each erratum and unexpected outcome.
"""
from __future__ import annotations

import json
import re

import ngproof

REPORTS = {"--json": "reports/ngproof.json", "--junit": "reports/junit.xml", "--html": "reports/ngproof.html",
           "--sarif": "reports/ngproof.sarif"}


def default_install() -> str:
    """The pip requirement of the ngproof release that writes the workflow."""
    return f"ngproof=={ngproof.__version__}"


def check_install(install: str) -> str:
    """``install`` if it is one pip requirement on one line, else ValueError saying what is wrong."""
    if not install.strip() or "\n" in install or install.strip().startswith("-"):
        raise ValueError(f"--install {install!r}: give one pip requirement, e.g. 'ngproof==0.1.0' "
                         "or 'ngproof @ git+https://github.com/OWNER/ngproof@main'")
    return install.strip()


def verify_command(catalogue: str) -> str:
    """The ``verify`` command line of the workflow for the catalogue directory ``catalogue``."""
    reports = " ".join(f"{option} {path}" for option, path in REPORTS.items())
    return f"python -m ngproof verify {catalogue} --seed 0 --profile ci -j 2 {reports}"


def github_workflow(catalogue: str = "theorems", install: str | None = None, python: str = "3.11") -> str:
    """The workflow's YAML text for a course whose catalogue is the directory ``catalogue``."""
    if not re.fullmatch(r"[\w.\-/]+", catalogue):
        raise ValueError(f"catalogue directory {catalogue!r}: use a relative path of letters, digits, '.', '-', '/'")
    requirement = json.dumps(check_install(default_install() if install is None else install))  # a YAML double-quoted string
    return f'''# ngproof: check every claim of this course's lessons on each push and pull request.
# Written by `python -m ngproof init`; edit freely (e.g. NGPROOF_INSTALL, to install ngproof from git).
name: ngproof

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  verify:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    env:
      NGPROOF_INSTALL: {requirement}
      NGPROOF_CACHE_DIR: ${{{{ github.workspace }}}}/.ngproof-cache
      NUMBA_CACHE_DIR: ${{{{ github.workspace }}}}/.numba_cache
    steps:
      - uses: actions/checkout@v4

      - uses: actions/setup-python@v5
        with:
          python-version: "{python}"

      - name: Install ngproof
        # add the course's own requirements here if its theorems import them
        run: python -m pip install "$NGPROOF_INSTALL"

      - name: Restore the results of earlier runs and numba's compiled kernels
        uses: actions/cache/restore@v4
        with:
          path: |
            .ngproof-cache
            .numba_cache
          key: ngproof-${{{{ runner.os }}}}-${{{{ github.run_id }}}}
          restore-keys: ngproof-${{{{ runner.os }}}}-

      - name: Verify every claim of the course
        # reruns only the claims whose code, declaration or dependencies changed; a fixed seed
        # makes a red build reproducible; errata and unexpected outcomes annotate the lesson files
        run: {verify_command(catalogue)}

      - name: Which passages of each lesson have claims
        if: ${{{{ always() }}}}
        run: python -m ngproof coverage {catalogue}

      - name: Keep the results for the next run
        if: ${{{{ always() }}}}
        uses: actions/cache/save@v4
        with:
          path: |
            .ngproof-cache
            .numba_cache
          key: ngproof-${{{{ runner.os }}}}-${{{{ github.run_id }}}}

      - name: Upload the reports (HTML for readers, JUnit, JSON, SARIF)
        if: ${{{{ always() }}}}
        uses: actions/upload-artifact@v4
        with:
          name: ngproof-reports
          path: reports/
          if-no-files-found: warn
'''

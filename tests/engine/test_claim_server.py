"""Claim servers: forked from a loaded catalogue or spawned afresh, they answer the same."""
from __future__ import annotations

import time

import ngproof.vocabulary.checks  # noqa: F401 - loaded once here, so forked servers start warm
from ngproof.engine import claim_server
from ngproof.engine.claim_server import ClaimServer, fingerprint
from ngproof.engine.discovery import discover

CLAIMS = '''
import sympy as sp

from ngproof import claim

x = sp.Symbol("x", real=True)


@claim("s.proved", title="square", statement="-", source=("S", "q"))
def _(c):
    c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")
'''


def catalogue(tmp_path):
    directory = tmp_path / "theorems"
    directory.mkdir()
    (directory / "01_claims.py").write_text(CLAIMS)
    return directory


def ask(server: ClaimServer, claim_id: str):
    try:
        return server.ask(claim_id, 60)
    finally:
        server.kill()


def test_forked_and_spawned_servers_give_the_same_answer(tmp_path):
    directory = catalogue(tmp_path)
    forked = ClaimServer([str(directory)], 0, "ci", fingerprint(), preloaded=discover([directory]).by_id())
    spawned = ClaimServer([str(directory)], 0, "ci", fingerprint())
    assert forked.forked and not spawned.forked
    (status, _, evidence, _), (status_too, _, evidence_too, _) = ask(forked, "s.proved"), ask(spawned, "s.proved")
    assert status == status_too == "proved" and evidence == evidence_too


def test_a_forked_server_that_never_says_ready_is_replaced_by_a_spawned_one(tmp_path, monkeypatch):
    directory = catalogue(tmp_path)
    monkeypatch.setattr(claim_server, "serve", lambda *_: time.sleep(120))  # as if stuck on a lock held at fork
    monkeypatch.setattr(claim_server, "FORK_READY_LIMIT", 0.5)
    server = ClaimServer([str(directory)], 0, "ci", fingerprint(), preloaded=discover([directory]).by_id())
    start = time.perf_counter()
    status, _, _, _ = ask(server, "s.proved")
    assert status == "proved" and not server.forked and time.perf_counter() - start < 60


def test_an_unknown_claim_is_an_error_that_names_it(tmp_path):
    directory = catalogue(tmp_path)
    status, _, evidence, _ = ask(ClaimServer([str(directory)], 0, "ci", fingerprint()), "s.missing")
    assert status == "error" and "'s.missing' is not in the worker's catalogue" in evidence[0].detail

"""Isolation: every claim in a worker process, per-claim limits, dead workers replaced."""
import os
import time

import sympy as sp

from ngproof.engine.runner import execute, run_claims
from ngproof.vocabulary.claims import Claim, Source

x = sp.Symbol("x", real=True)


def make(claim_id, body, timeout=None, expect="holds"):
    return Claim(claim_id, "t", "-", Source("S", "q"), body=body, timeout=timeout, expect=expect)


def proves(c):
    c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")


def hangs(c):
    time.sleep(60)


def dies(c):
    os._exit(7)


def raises(c):
    raise ZeroDivisionError("the body divided by zero")


def silent(c):
    pass


def records_seed(c):
    c.observe(True, detail=f"seed {c.seed}, profile {c.profile}")


def test_execute_judges_in_process():
    assert execute(make("a", proves), seed=0, profile="ci")[0] == "proved"
    status, _, [evidence], _ = execute(make("b", raises), seed=0, profile="ci")
    assert status == "error" and "ZeroDivisionError: the body divided by zero" in evidence.detail
    assert "raises" in evidence.detail  # the traceback names the failing function
    status, _, [evidence], _ = execute(make("c", silent), seed=0, profile="ci")
    assert status == "error" and "no evidence" in evidence.detail


def test_timeout_kills_the_claim_and_the_run_goes_on():
    # the claim after the hang is cheap: the 1 s run limit applies to it too, in a fresh
    # worker, and a symbolic proof there could pass it on a loaded machine
    claims = [make("hang", hangs), make("after", records_seed)]
    start = time.perf_counter()
    hang, after = run_claims(claims, jobs=1, timeout=1.0)
    assert time.perf_counter() - start < 30
    assert hang.status == "timeout" and 1.0 <= hang.seconds < 10
    assert "limit of 1 s" in hang.evidence[0].detail
    assert after.status == "verified" and "seed 0" in after.evidence[0].detail


def test_the_limit_counts_from_the_claims_start_not_the_workers_fork(monkeypatch):
    import types

    import ngproof.engine.runner as runner

    def slow_start():
        time.sleep(1.5)  # a worker forked on a loaded machine

    monkeypatch.setattr(runner, "gc", types.SimpleNamespace(freeze=slow_start))
    [result] = run_claims([make("cheap", records_seed)], jobs=1, timeout=1.0)
    assert result.status == "verified"


def test_claim_timeout_overrides_the_run_limit():
    [hang] = run_claims([make("hang", hangs, timeout=0.5)], jobs=1, timeout=600)
    assert hang.status == "timeout" and hang.seconds < 10


def test_dead_worker_is_an_error_and_is_replaced():
    results = run_claims([make("dies", dies), make("after", proves), make("dies.again", dies)], jobs=1)
    assert [r.status for r in results] == ["error", "proved", "error"]
    assert "exit code 7" in results[0].evidence[0].detail


def test_failures_do_not_stop_parallel_runs_and_order_is_kept():
    bodies = [proves, raises, dies, silent, proves, hangs, proves]
    claims = [make(f"c{i}", body, timeout=1.0 if body is hangs else None) for i, body in enumerate(bodies)]
    seen = []
    results = run_claims(claims, jobs=3, timeout=60, progress=lambda r, done, total: seen.append((done, total)))
    assert [r.claim.id for r in results] == [c.id for c in claims]
    assert [r.status for r in results] == ["proved", "error", "error", "error", "proved", "timeout", "proved"]
    assert seen == [(i, len(claims)) for i in range(1, len(claims) + 1)]


def test_seed_and_profile_reach_the_claim():
    [result] = run_claims([make("s", records_seed)], seed=41, profile="dev")
    assert result.evidence[0].detail == "seed 41, profile dev"


def test_nothing_to_run():
    assert run_claims([], jobs=4) == []


def test_evidence_that_cannot_be_pickled_becomes_an_error_that_says_why():
    import threading

    from ngproof.engine.runner import portable
    from ngproof.vocabulary.evidence import Evidence

    answer = ("verified", 0.5, [Evidence("numeric", "verified", "ok", counterexample={"lock": threading.Lock()})], "")
    status, seconds, evidence, _ = portable(answer)
    assert (status, seconds) == ("error", 0.5)
    assert "cannot be sent back" in evidence[0].detail
    fine = ("proved", 0.1, [Evidence("symbolic", "proved", "ok")], "")
    assert portable(fine) is fine

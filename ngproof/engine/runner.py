"""Run claims in isolated worker processes with per-claim timeouts.

Each claim runs in a worker process; a claim that overruns its limit has its
worker killed (sympy cannot be interrupted any other way) and replaced, and
the run goes on.  A limit counts from the moment the worker begins the claim
(it says so first), not from the fork: a fresh worker on a loaded machine may
take a second to start.  A worker that dies mid-claim costs that claim an ``error``.
Workers are forked from the parent, which has already loaded the catalogue;
where fork is unavailable they load it again from the same paths.
"""
from __future__ import annotations

import gc
import multiprocessing
import pickle
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

from ngproof.engine.capture import captured_output
from ngproof.vocabulary.claims import Claim
from ngproof.vocabulary.evidence import Evidence, contradiction, judge_outcome, judge_status

DEFAULT_TIMEOUT = 600.0
_registry: dict[str, Claim] = {}


@dataclass
class ClaimResult:
    """What running one claim produced (``cached_at``: when, if reused from the result cache)."""

    claim: Claim
    status: str
    seconds: float
    evidence: list[Evidence] = field(default_factory=list)
    cached_at: str | None = None
    output: str = ""  # what the claim printed (truncated; see ngproof.engine.capture)

    @property
    def outcome(self) -> str:
        return judge_outcome(self.claim.expect, self.status)


Answer = tuple[str, float, list[Evidence], str]  # status, seconds, evidence, what the claim printed


def execute(claim: Claim, seed: int, profile: str) -> Answer:
    """Run one claim's body in this process (its output captured) and judge its status."""
    from ngproof.vocabulary.checks import Checks  # sympy and hypothesis load here, not at import

    checks = Checks(claim.id, seed=seed, profile=profile)
    start = time.perf_counter()
    with captured_output() as output:
        try:
            claim.body(checks)
        except Exception as exc:
            trace = "".join(traceback.format_exception(exc)[-6:])
            checks.evidence.append(Evidence("numeric", "error", f"{type(exc).__name__}: {exc}\n{trace}"))
    seconds = time.perf_counter() - start
    if not checks.evidence:
        checks.evidence.append(Evidence("numeric", "error", "the claim recorded no evidence"))
    conflict = contradiction(checks.evidence)
    if conflict is not None:
        checks.evidence.append(conflict)
    return judge_status(checks.evidence), seconds, checks.evidence, output[0]


def portable(answer: Answer) -> Answer:
    """``answer`` if it can be pickled back to the parent, else an error that says why."""
    try:
        pickle.dumps(answer)
    except Exception as exc:  # e.g. a counterexample holding a live hypothesis object
        detail = f"the claim ran ({answer[0]}) but its evidence cannot be sent back: {type(exc).__name__}: {exc}"
        return "error", answer[1], [Evidence("numeric", "error", detail)], answer[3]
    return answer


STARTED = "started"  # a worker's word that it has begun the claim it was sent
STARTUP_GRACE = 30.0  # seconds a fresh worker may take to begin its first claim


def _worker(conn, paths: list[str], seed: int, profile: str) -> None:
    gc.freeze()  # what a forked worker inherits is never collected here, nor copied by the collector's writes
    if not _registry:
        from ngproof.engine.discovery import discover
        _registry.update(discover([Path(p) for p in paths] or None).by_id())
    while True:
        claim_id = conn.recv()
        if claim_id is None:
            return
        conn.send(STARTED)  # the claim's time limit counts from here, not from the fork
        conn.send(portable(execute(_registry[claim_id], seed, profile)))


class _Worker:
    def __init__(self, context, paths: list[str], seed: int, profile: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, paths, seed, profile), daemon=True)
        self.process.start()
        child.close()
        self.claim: Claim | None = None
        self.started = 0.0
        self.begun = False  # has the worker said it began its claim?

    def assign(self, claim: Claim) -> None:
        self.claim, self.started, self.begun = claim, time.perf_counter(), False
        self.conn.send(claim.id)

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(1.0)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def run_claims(
    claims: list[Claim],
    *,
    paths: list[Path] | None = None,
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int = 0,
    profile: str = "ci",
    progress: Callable[[ClaimResult, int, int], None] | None = None,
    started: Callable[[Claim, int], None] | None = None,
) -> list[ClaimResult]:
    """Run ``claims`` on ``jobs`` worker processes; results come back in claim order.

    ``progress(result, done, total)`` is called as each claim finishes, ``started(claim, total)``
    as a worker begins one.
    """
    _registry.clear()
    _registry.update({c.id: c for c in claims})
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    path_args = [str(p) for p in paths or []]
    pending = deque(claims)
    results: dict[str, ClaimResult] = {}
    workers = [_Worker(context, path_args, seed, profile) for _ in range(max(1, min(jobs, len(claims))))]

    def finish(result: ClaimResult) -> None:
        results[result.claim.id] = result
        if progress:
            progress(result, len(results), len(claims))

    try:
        while pending or any(w.claim for w in workers):
            for worker in workers:
                if worker.claim is None and pending:
                    worker.assign(pending.popleft())
                    if started:
                        started(worker.claim, len(claims))
            busy = [w for w in workers if w.claim]
            # a claim's own limit may be tighter than the run's, never looser: --timeout is a hard cap
            limit = {id(w): min(w.claim.timeout or timeout, timeout) for w in busy}
            # until a worker has begun its claim, it may take STARTUP_GRACE to get there
            wait_limit = {id(w): limit[id(w)] if w.begun else max(limit[id(w)], STARTUP_GRACE) for w in busy}
            now = time.perf_counter()
            wait_for = max(0.0, min(w.started + wait_limit[id(w)] - now for w in busy))
            ready = wait([w.conn for w in busy], timeout=wait_for)
            for index, worker in enumerate(workers):
                if worker.claim is None:
                    continue
                elapsed = time.perf_counter() - worker.started
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                        if message == STARTED:  # a fresh worker may take a while to fork on a loaded machine
                            worker.started, worker.begun = time.perf_counter(), True
                            continue
                        status, seconds, evidence, output = message
                        finish(ClaimResult(worker.claim, status, seconds, evidence, output=output))
                        worker.claim = None
                        continue
                    except (EOFError, OSError):
                        worker.process.join(5.0)  # reap it, so its exit code is known
                        code = worker.process.exitcode
                        detail = f"the worker process died while running this claim (exit code {code})"
                        finish(ClaimResult(worker.claim, "error", elapsed, [Evidence("numeric", "error", detail)]))
                elif elapsed >= wait_limit[id(worker)]:
                    detail = (f"no result within the per-claim limit of {limit[id(worker)]:g} s; worker killed"
                              if worker.begun else f"the worker did not start within {wait_limit[id(worker)]:g} s; "
                              "worker killed")
                    finish(ClaimResult(worker.claim, "timeout", elapsed, [Evidence("numeric", "timeout", detail)]))
                else:
                    continue
                worker.kill()
                workers[index] = _Worker(context, path_args, seed, profile)
    finally:
        for worker in workers:
            worker.stop()
    return [results[c.id] for c in claims]

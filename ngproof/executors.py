"""Where claims run: the local process pool (default) or a Dask distributed cluster.

An executor has one method, ``run(claims, ..., progress) -> results in claim
order``.  ``LocalExecutor`` is :func:`ngproof.runner.run_claims`.
``DaskExecutor`` sends each claim to a Dask worker as a task; the worker runs it
in a long-lived child process of its own (``python -m ngproof.executors``) that
has loaded the catalogue once, so a claim that overruns its limit is killed with
its child (sympy cannot be interrupted otherwise) and the worker goes on with a
fresh child.  A Dask worker that dies mid-claim is replaced by Dask and the
task retried elsewhere; only a claim that keeps killing workers becomes an
``error``.  Results equal the local pool's for the same seed: both call
:func:`ngproof.runner.execute` in a process that loaded the same catalogue.

The workers must see the catalogue at the same paths as the client (a shared
file system, or the same checkout) and run the same ngproof and libraries:
a worker whose code or library versions differ answers every claim with an error.
"""
from __future__ import annotations

import json
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from ngproof.claims import Claim
from ngproof.evidence import Evidence
from ngproof.runner import DEFAULT_TIMEOUT, ClaimResult, execute, portable, run_claims

Progress = Callable[[ClaimResult, int, int], None] | None
CONNECT_TIMEOUT = "5s"
LOAD_LIMIT = 300.0  # seconds a worker's child may take to load the catalogue, before any claim's clock starts
RETRIES = 2  # a task whose worker dies is retried this many times on other workers


class ExecutorError(Exception):
    """The executor cannot start (e.g. an unreachable scheduler): one line, exit 2."""


class LocalExecutor:
    """Worker processes on this machine (see :mod:`ngproof.runner`)."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = jobs

    def describe(self) -> str:
        return f"{self.jobs} worker(s)"

    def run(self, claims: list[Claim], *, paths: list[Path] | None = None, timeout: float = DEFAULT_TIMEOUT,
            seed: int = 0, profile: str = "ci", progress: Progress = None) -> list[ClaimResult]:
        return run_claims(claims, paths=paths, jobs=self.jobs, timeout=timeout, seed=seed, profile=profile,
                          progress=progress)

    def prepare(self, paths: list[Path] | None, seed: int, profile: str) -> None:
        """Nothing to prepare: the pool forks from this process, which loads the catalogue."""

    def close(self) -> None:
        """Nothing to release: the pool lives for one ``run``."""


# ---- the child process a Dask worker keeps: loads the catalogue once, runs claims on request ----

def _write(stream, data: bytes) -> None:
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _fingerprint() -> str:
    from ngproof.cache import code_fingerprint
    return json.dumps(code_fingerprint(), sort_keys=True)


def serve(paths: list[str], seed: int, profile: str, expected: str) -> None:
    """Answer claim ids read from stdin with pickled (status, seconds, evidence) on the original stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what claim bodies print goes to stderr, never into the answers
    from ngproof.discovery import discover
    claims = discover([Path(p) for p in paths] or None).by_id()
    mismatch = None if _fingerprint() == expected else (
        "this Dask worker runs other ngproof code or library versions than the client; install the same on both")
    _write(answers, pickle.dumps("ready"))
    for line in sys.stdin:
        claim_id = line.strip()
        if mismatch or claim_id not in claims:
            detail = mismatch or f"claim {claim_id!r} is not in the worker's catalogue (is it at the same path?)"
            answer = ("error", 0.0, [Evidence("numeric", "error", detail)])
        else:
            answer = execute(claims[claim_id], seed, profile)
        data = pickle.dumps(portable(answer))
        try:
            _write(answers, data)
        except BrokenPipeError:  # the worker is gone (killed, or it gave up on this claim)
            return


class _Child:
    """One ``serve`` process, driven by a Dask worker thread."""

    def __init__(self, paths: list[str], seed: int, profile: str, expected: str) -> None:
        environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        arguments = json.dumps([paths, seed, profile, expected])
        self.process = subprocess.Popen([sys.executable, "-m", "ngproof.executors", arguments], env=environment,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.ready = False

    def ask(self, claim_id: str, limit: float) -> tuple[str, float, list[Evidence]]:
        """Run one claim; its limit counts from when the child has loaded the catalogue."""
        if not self.ready:
            self.ready = self._receive(time.perf_counter(), LOAD_LIMIT) == "ready"
            if not self.ready:
                self.kill()
                detail = (f"the worker could not load the catalogue within {LOAD_LIMIT:g} s "
                          f"(exit code {self.process.returncode})")
                return "error", 0.0, [Evidence("numeric", "error", detail)]
        started = time.perf_counter()
        try:
            self.process.stdin.write(f"{claim_id}\n".encode())
        except OSError:
            return self._died(started)
        answer = self._receive(started, limit)
        return answer if answer is not None else self._outcome(started, limit)

    def _receive(self, started: float, limit: float):
        header = self._read(8, started, limit)
        body = header and self._read(struct.unpack("<Q", header)[0], started, limit)
        return pickle.loads(body) if body is not None else None

    def _read(self, size: int, started: float, limit: float) -> bytes | None:
        data = b""
        stream = self.process.stdout
        while len(data) < size:
            left = started + limit - time.perf_counter()
            if left <= 0 or not select.select([stream], [], [], left)[0]:
                return None
            chunk = os.read(stream.fileno(), size - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _outcome(self, started: float, limit: float) -> tuple[str, float, list[Evidence]]:
        elapsed = time.perf_counter() - started
        if self.process.poll() is None and elapsed >= limit:
            self.kill()
            detail = f"no result within the per-claim limit of {limit:g} s; worker killed"  # as the local pool says
            return "timeout", elapsed, [Evidence("numeric", "timeout", detail)]
        return self._died(started)

    def _died(self, started: float) -> tuple[str, float, list[Evidence]]:
        try:
            self.process.wait(timeout=2)  # let it finish dying, so its own exit code is reported
        except subprocess.TimeoutExpired:
            self.kill()
        detail = f"the worker process died while running this claim (exit code {self.process.returncode})"
        return "error", time.perf_counter() - started, [Evidence("numeric", "error", detail)]

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_children: dict[int, tuple[tuple, _Child]] = {}  # worker thread -> (what its child loaded, the child)
_children_lock = threading.Lock()


def _child(paths: list[str], seed: int, profile: str, expected: str) -> _Child:
    """This worker thread's child for this catalogue, seed and profile (started if need be)."""
    loaded = (tuple(paths), seed, profile, expected)
    with _children_lock:
        previous, child = _children.get(threading.get_ident(), (None, None))
        if previous != loaded or not child.alive():
            if child is not None:
                child.kill()  # one child per worker thread: a run with another catalogue or seed replaces it
            child = _Child(paths, seed, profile, expected)
            _children[threading.get_ident()] = (loaded, child)
    return child


def start_child(paths: list[str], seed: int, profile: str, expected: str) -> None:
    """A Dask task sent to each worker first: its child loads the catalogue while the client prepares."""
    _child(paths, seed, profile, expected)


def stop_children() -> int:
    """Kill this worker's children (run on every worker when the client is done)."""
    with _children_lock:
        stopped = [child for _, child in _children.values()]
        _children.clear()
    for child in stopped:
        child.kill()
    return len(stopped)


def run_on_worker(claim_id: str, paths: list[str], seed: int, profile: str, limit: float,
                  expected: str) -> tuple[str, float, list[dict], str]:
    """The Dask task: run one claim in this worker's child process; (status, seconds, evidence, host)."""
    import platform

    status, seconds, evidence = _child(paths, seed, profile, expected).ask(claim_id, limit)
    return status, seconds, [e.to_dict() for e in evidence], platform.node()


class DaskExecutor:
    """Claims as tasks on a Dask cluster: ``scheduler`` (tcp://HOST:PORT) or a LocalCluster of ``workers``."""

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("the Dask executor needs dask and distributed: pip install 'ngproof[dask]'") from None
        import logging

        self.cluster = None
        self._warming: list = []  # held so that the warm-up tasks are not released before they run
        try:
            if scheduler is None:
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address="127.0.0.1:0",  # any free port
                                            silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            where = scheduler or "a LocalCluster on 127.0.0.1"
            raise ExecutorError(f"cannot reach the Dask scheduler at {where}: {str(exc).splitlines()[0]}") from None
        self.where = scheduler or f"LocalCluster of {workers} worker processes on 127.0.0.1"

    def describe(self) -> str:
        return f"Dask, {self.where}"

    def prepare(self, paths: list[Path] | None, seed: int, profile: str) -> None:
        """Have every worker start loading the catalogue now (the client goes on meanwhile)."""
        absolute = [str(Path(p).resolve()) for p in paths or []]
        self._warming = [self.client.submit(start_child, absolute, seed, profile, _fingerprint(), workers=[address],
                                            allow_other_workers=False, pure=False)
                         for address in self.client.scheduler_info()["workers"]]

    def run(self, claims: list[Claim], *, paths: list[Path] | None = None, timeout: float = DEFAULT_TIMEOUT,
            seed: int = 0, profile: str = "ci", progress: Progress = None) -> list[ClaimResult]:
        from distributed import as_completed

        absolute = [str(Path(p).resolve()) for p in paths or []]
        expected = _fingerprint()
        futures = {}
        for claim in claims:
            future = self.client.submit(run_on_worker, claim.id, absolute, seed, profile, claim.timeout or timeout,
                                        expected, pure=False, retries=RETRIES, key=f"ngproof-{claim.id}-{time.time_ns()}")
            futures[future] = claim
        results: dict[str, ClaimResult] = {}
        for future in as_completed(list(futures)):
            claim = futures[future]
            try:
                status, seconds, evidence, _ = future.result()
                result = ClaimResult(claim, status, seconds, [Evidence(**e) for e in evidence])
            except Exception as exc:  # the worker died on every attempt (KilledWorker) or the task failed
                detail = f"the Dask task failed (its worker died on every attempt): {type(exc).__name__}: {exc}"
                result = ClaimResult(claim, "error", 0.0, [Evidence("numeric", "error", detail)])
            results[claim.id] = result
            if progress:
                progress(result, len(results), len(claims))
        return [results[c.id] for c in claims]

    def close(self) -> None:
        """Disconnect; with our own LocalCluster, stop the workers' children and the cluster.

        On a shared scheduler the children stay: another client's claim may be running in one,
        and the next run with the same catalogue reuses them.
        """
        if self.cluster is not None and getattr(self, "client", None) is not None:
            try:
                self.client.run(stop_children)
            except Exception:  # a worker already gone has no children to stop
                pass
        for resource in (getattr(self, "client", None), self.cluster):
            if resource is not None:
                resource.close()


if __name__ == "__main__":
    serve(*json.loads(sys.argv[1]))

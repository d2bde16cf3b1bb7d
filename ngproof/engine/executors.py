"""Where claims run: the local process pool (default) or a Dask distributed cluster.

An executor runs a list of claims and returns their results in claim order.
``LocalExecutor`` is :func:`ngproof.engine.runner.run_claims`.  ``DaskExecutor``
sends claims to Dask workers as tasks of one to eight claims (:func:`batches`);
a worker runs them one by one in a long-lived
:class:`ngproof.engine.claim_server.ClaimServer` of its own, so a claim that overruns
its limit is killed with its server and the worker goes on with a fresh one.
A Dask worker that dies mid-claim is replaced by Dask and the task retried
elsewhere; only a claim that keeps killing workers becomes an ``error`` (a
batch that fails so is rerun claim by claim).  Dask counts a worker's death
against every task the worker holds, so our LocalCluster gives a worker only
the task it runs; a running scheduler should set
``distributed.scheduler.worker-saturation: 1.0`` for the same guarantee.
Results equal the local pool's for the same seed: both call
:func:`ngproof.engine.runner.execute` on the same loaded catalogue.

A LocalCluster starts when the first claims are sent, after the client has
loaded the catalogue, and forks its workers from the client; their servers
fork in turn, so nothing is loaded twice.  Workers of a running scheduler must
see the catalogue at the same paths as the client (a shared file system, or the
same checkout) and run the same ngproof and libraries: a worker whose code or
library versions differ answers every claim with an error.
"""
from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from ngproof.engine.claim_server import ClaimServer, fingerprint
from ngproof.engine.runner import DEFAULT_TIMEOUT, ClaimResult, run_claims
from ngproof.vocabulary.claims import Claim
from ngproof.vocabulary.evidence import Evidence

Progress = Callable[[ClaimResult, int, int], None] | None
Started = Callable[[Claim, int], None] | None
CONNECT_TIMEOUT = "5s"
WORKERS_TIMEOUT = 60.0  # seconds to wait for a first worker before giving up with "no workers after N s"
RETRIES = 2  # a task whose worker dies is retried this many times on other workers
MAX_BATCH = 8  # claims per Dask task at most: fewer tasks, less scheduling per claim


class ExecutorError(Exception):
    """The executor cannot start (e.g. an unreachable scheduler): one line, exit 2."""


class LocalExecutor:
    """Worker processes on this machine (see :mod:`ngproof.engine.runner`)."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = jobs

    def describe(self) -> str:
        return f"{self.jobs} worker(s)"

    def account(self) -> dict | None:
        """Nothing to account for: a local worker that dies costs its claim an error, never a retry."""
        return None

    def run(self, claims: list[Claim], *, paths: list[Path] | None = None, timeout: float = DEFAULT_TIMEOUT,
            seed: int = 0, profile: str = "ci", progress: Progress = None, started: Started = None
            ) -> list[ClaimResult]:
        return run_claims(claims, paths=paths, jobs=self.jobs, timeout=timeout, seed=seed, profile=profile,
                          progress=progress, started=started)

    def prepare(self, paths: list[Path] | None, seed: int, profile: str) -> None:
        """Nothing to prepare: the pool forks from this process, which loads the catalogue."""

    def close(self) -> None:
        """Nothing to release: the pool lives for one ``run``."""


# ---- on a Dask worker: one claim server per worker thread ----

_preloaded: dict[str, dict[str, Claim]] = {}  # run token -> the client's claims; workers forked from it inherit them
_servers: dict[int, tuple[tuple, ClaimServer]] = {}  # worker thread -> (what its server loaded, the server)
_servers_lock = threading.Lock()


def _forget_servers() -> None:
    """In a process forked from this one (a LocalCluster worker), the servers listed here are not its own."""
    global _servers_lock
    _servers.clear()
    _servers_lock = threading.Lock()  # another thread may have held it at the fork


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_servers)


def _server(paths: list[str], seed: int, profile: str, expected: str, token: str | None) -> ClaimServer:
    """This worker thread's server for this run's catalogue, seed and profile (started if need be)."""
    loaded = (tuple(paths), seed, profile, expected, token)
    with _servers_lock:
        previous, server = _servers.get(threading.get_ident(), (None, None))
        if previous != loaded or not server.alive():
            if server is not None:
                server.kill()  # one server per worker thread: a run with another catalogue or seed replaces it
            server = ClaimServer(paths, seed, profile, expected, preloaded=_preloaded.get(token))
            _servers[threading.get_ident()] = (loaded, server)
    return server


def start_server(paths: list[str], seed: int, profile: str, expected: str, token: str | None = None) -> None:
    """A Dask task sent to each worker first: its server loads the catalogue while the client prepares."""
    _server(paths, seed, profile, expected, token)


def stop_servers() -> int:
    """Kill this worker's claim servers (run on every worker when the client is done)."""
    with _servers_lock:
        stopped = [server for _, server in _servers.values()]
        _servers.clear()
    for server in stopped:
        server.kill()
    return len(stopped)


def run_on_worker(batch: list[tuple[str, float]], paths: list[str], seed: int, profile: str, expected: str,
                  token: str | None = None) -> list[tuple[str, float, list[dict], str, str]]:
    """The Dask task: run each ``(claim id, limit)`` of ``batch`` in turn in this worker's claim server.

    Returns one ``(status, seconds, evidence, output, host)`` per claim; a claim that times out
    or kills its server leaves the next claim a fresh server.
    """
    import platform

    answers = []
    for claim_id, limit in batch:
        status, seconds, evidence, output = _server(paths, seed, profile, expected, token).ask(claim_id, limit)
        answers.append((status, seconds, [e.to_dict() for e in evidence], output, platform.node()))
    return answers


def batches(claims: list[Claim], slots: int) -> list[list[Claim]]:
    """``claims`` in consecutive batches that shrink toward the end (guided self-scheduling).

    A batch holds ceil(remaining / (4 · slots)) claims, at most ``MAX_BATCH``: few tasks
    while much is left, single claims at the end so that no worker idles while another
    finishes a long batch.  ``slots``: the cluster's worker threads.
    """
    result, start = [], 0
    while start < len(claims):
        size = min(MAX_BATCH, max(1, -(-(len(claims) - start) // (4 * max(1, slots)))))
        result.append(claims[start:start + size])
        start += size
    return result


class DaskExecutor:
    """Claims as tasks on a Dask cluster: ``scheduler`` (tcp://HOST:PORT) or a LocalCluster of ``workers``."""

    def __init__(self, scheduler: str | None = None, workers: int = 2,
                 workers_timeout: float = WORKERS_TIMEOUT) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ExecutorError("the Dask executor needs dask and distributed: pip install 'ngproof[dask]'") from None
        self.scheduler, self.workers, self.workers_timeout = scheduler, workers, workers_timeout
        self.lost_workers: list[str] = []  # workers that died while holding the last run's tasks
        self.retried: list[str] = []  # claims that ran again after a worker died under them
        self.cluster = None
        self._client = None
        self._cluster_config = None  # the dask config of our LocalCluster, held while it lives
        self._warming: list = []  # held so that the warm-up tasks are not released before they run
        self._tokens: list[str] = []
        if scheduler is not None:
            self._connect()
        self.where = scheduler or f"LocalCluster of {workers} worker processes on 127.0.0.1"

    def _connect(self) -> None:
        import logging

        import dask
        from distributed import Client, LocalCluster
        try:
            if self.scheduler is None:
                # Workers (and their replacements) fork from this process, which holds the loaded catalogue.
                # A worker holds only the task it runs: when a claim kills its worker, Dask counts the death
                # against that task alone, never against an innocent task queued behind it.  No profiler
                # thread samples the worker while it forks claim servers.
                self._cluster_config = dask.config.set({"distributed.worker.multiprocessing-method": "fork",
                                                        "distributed.scheduler.worker-saturation": 1.0,
                                                        "distributed.worker.profile.enabled": False})
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address="127.0.0.1:0",  # any free port
                                            silence_logs=logging.ERROR)
                self._client = Client(self.cluster)
            else:
                self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            where = self.scheduler or "a LocalCluster on 127.0.0.1"
            raise ExecutorError(f"cannot reach the Dask scheduler at {where}: {str(exc).splitlines()[0]}") from None

    @property
    def client(self):
        """The Dask client; our LocalCluster starts on first use."""
        if self._client is None:
            self._connect()
        return self._client

    def describe(self) -> str:
        return f"Dask, {self.where}"

    def prepare(self, paths: list[Path] | None, seed: int, profile: str) -> None:
        """On a running scheduler, have every worker start loading the catalogue now (the client goes on meanwhile).

        A LocalCluster needs no warm-up: it starts later, from the loaded catalogue.
        """
        if self.scheduler is None:
            return
        absolute = [str(Path(p).resolve()) for p in paths or []]
        self._warming = [self.client.submit(start_server, absolute, seed, profile, fingerprint(), workers=[address],
                                            allow_other_workers=False, pure=False)
                         for address in self.client.scheduler_info()["workers"]]

    def run(self, claims: list[Claim], *, paths: list[Path] | None = None, timeout: float = DEFAULT_TIMEOUT,
            seed: int = 0, profile: str = "ci", progress: Progress = None, started: Started = None
            ) -> list[ClaimResult]:
        """Run ``claims`` as Dask tasks; ``started`` is not called (Dask does not say when a task begins)."""
        if not claims:
            return []
        from distributed import as_completed

        absolute = [str(Path(p).resolve()) for p in paths or []]
        expected = fingerprint()
        token = uuid.uuid4().hex  # names these claims for workers forked from here from now on
        _preloaded[token] = {claim.id: claim for claim in claims}
        self._tokens.append(token)
        client = self.client  # our LocalCluster forks from here, now that the catalogue is loaded
        try:
            client.wait_for_workers(1, timeout=self.workers_timeout)
        except (TimeoutError, OSError):
            raise ExecutorError(f"no workers after {self.workers_timeout:g} s on the Dask scheduler at {self.where}; "
                                "start some (dask worker ADDRESS) or run with --executor local") from None
        self.lost_workers, self.retried = [], []  # accounted per run
        results: dict[str, ClaimResult] = {}
        futures = {}
        keys: dict[str, list[Claim]] = {}
        done = as_completed()

        def submit(batch: list[Claim]) -> None:
            work = [(claim.id, min(claim.timeout or timeout, timeout)) for claim in batch]  # --timeout caps
            key = f"ngproof-{batch[0].id}-{len(batch)}-{time.time_ns()}"
            future = client.submit(run_on_worker, work, absolute, seed, profile, expected, token, pure=False,
                                   retries=RETRIES, key=key)
            futures[future] = keys[key] = batch
            done.add(future)

        retried: set[str] = set()
        for batch in batches(claims, sum(client.nthreads().values())):
            submit(batch)
        for future in done:
            batch = futures.pop(future)
            try:
                answers = [(status, seconds, [Evidence(**e) for e in evidence], output)
                           for status, seconds, evidence, output, _ in future.result()]
            except Exception as exc:  # its worker died on every attempt (KilledWorker), or the task failed
                if len(batch) > 1:  # again claim by claim, so that only the claim that kills workers fails
                    retried.update(claim.id for claim in batch)
                    for claim in batch:
                        submit([claim])
                    continue
                detail = f"the Dask task failed (its worker died on every attempt): {type(exc).__name__}: {exc}"
                answers = [("error", 0.0, [Evidence("numeric", "error", detail)], "")]
            for claim, (status, seconds, evidence, output) in zip(batch, answers):
                results[claim.id] = ClaimResult(claim, status, seconds, evidence, output=output)
                if progress:
                    progress(results[claim.id], len(results), len(claims))
        self._count_losses(keys, retried)
        return [results[c.id] for c in claims]

    def _count_losses(self, batch_of_key: dict[str, list[Claim]], retried: set[str]) -> None:
        """Workers removed unexpectedly while running this run's tasks, and the claims that ran again.

        Read from the scheduler's ``remove-worker`` events, which list the tasks each lost worker was processing.
        """
        try:
            events = self.client.get_events("all")
        except Exception:  # an old or restricted scheduler: count only the batches we resubmitted
            events = ()
        for _, event in events:
            if not isinstance(event, dict) or event.get("action") != "remove-worker":
                continue
            ours = [key for key in event.get("processing-tasks", ()) if key in batch_of_key]
            if ours and not event.get("expected"):
                self.lost_workers.append(str(event.get("worker", "?")))
                retried.update(claim.id for key in ours for claim in batch_of_key[key])
        self.retried = sorted(retried)

    def account(self) -> dict:
        """What the cluster cost the last run: the workers lost and the claims retried because of them."""
        return {"executor": "dask", "where": self.where, "lost_workers": len(self.lost_workers),
                "retried_claims": list(self.retried)}

    def close(self) -> None:
        """Disconnect; with our own LocalCluster, stop the workers' servers and the cluster.

        On a shared scheduler the servers stay: another client's claim may be running in one,
        and the next run with the same catalogue reuses them.
        """
        if self.cluster is not None and self._client is not None:
            try:
                self._client.run(stop_servers)
            except Exception:  # a worker already gone has no servers to stop
                pass
        for resource in (self._client, self.cluster):
            if resource is not None:
                resource.close()
        self._client = self.cluster = None
        if self._cluster_config is not None:
            self._cluster_config.__exit__(None, None, None)
            self._cluster_config = None
        for token in self._tokens:
            _preloaded.pop(token, None)

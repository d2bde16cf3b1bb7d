"""A process that runs claims on request, one at a time, for a Dask worker.

The worker writes claim ids, one per line; the server answers each with a
length-prefixed pickle of ``(status, seconds, evidence, output)``.  A claim that
overruns its limit is killed with its server (sympy cannot be interrupted any
other way), and the next claim gets a fresh server.

A server starts in one of two ways:

* **forked** from the worker, when the worker already holds the client's loaded
  catalogue (a LocalCluster whose workers were forked from the client): nothing
  is imported or loaded again, as in the local pool;
* **spawned** as a fresh interpreter (``python -m ngproof.engine.claim_server``) that
  loads the catalogue from the same paths, and refuses every claim if it runs
  other ngproof code or library versions than the client.
"""
from __future__ import annotations

import functools
import gc
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import BinaryIO

from ngproof.engine.runner import execute, portable
from ngproof.vocabulary.claims import Claim
from ngproof.vocabulary.evidence import Evidence

LOAD_LIMIT = 300.0  # seconds a spawned server may take to load the catalogue, before any claim's clock starts
FORK_READY_LIMIT = 10.0  # seconds a forked server, which loads nothing, may take to say it is ready
Answer = tuple[str, float, list[Evidence]]


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """This process's ngproof code and library versions, as the result cache keys them."""
    from ngproof.engine.cache import code_fingerprint
    return json.dumps(code_fingerprint(), sort_keys=True)


def _write(stream: BinaryIO, data: bytes) -> None:
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def serve(requests: BinaryIO, answers: BinaryIO, claims: dict[str, Claim], seed: int, profile: str,
          refusal: str | None = None) -> None:
    """Say ``"ready"``, then answer each claim id read from ``requests`` until it closes."""
    _write(answers, pickle.dumps("ready"))
    for line in requests:
        claim_id = line.decode().strip()
        if refusal or claim_id not in claims:
            detail = refusal or f"claim {claim_id!r} is not in the worker's catalogue (is it at the same path?)"
            answer = ("error", 0.0, [Evidence("numeric", "error", detail)], "")
        else:
            answer = execute(claims[claim_id], seed, profile)
        try:
            _write(answers, pickle.dumps(portable(answer)))
        except BrokenPipeError:  # the worker is gone (killed, or it gave up on this claim)
            return


def _serve_spawned(paths: list[str], seed: int, profile: str, expected: str) -> None:
    """``python -m ngproof.engine.claim_server``: load the catalogue, then serve on stdin/stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what claim bodies print goes to stderr, never into the answers
    from ngproof.engine.discovery import discover
    claims = discover([Path(p) for p in paths] or None).by_id()
    refusal = None if fingerprint() == expected else (
        "this Dask worker runs other ngproof code or library versions than the client; install the same on both")
    serve(sys.stdin.buffer, answers, claims, seed, profile, refusal)


class _Forked:
    """A server forked from this process: the part of ``subprocess.Popen`` that :class:`ClaimServer` uses."""

    def __init__(self, claims: dict[str, Claim], seed: int, profile: str) -> None:
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the server: answer, then leave without the worker's exit handlers
            code = 1
            try:
                gc.freeze()  # what the worker holds is never collected here, nor copied by the collector's writes
                os.close(request_write)
                os.close(answer_read)
                serve(os.fdopen(request_read, "rb"), os.fdopen(answer_write, "wb"), claims, seed, profile)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(request_read)
        os.close(answer_write)
        self.pid = pid
        self.stdin = os.fdopen(request_write, "wb", buffering=0)
        self.stdout = os.fdopen(answer_read, "rb", buffering=0)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"claim server {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class ClaimServer:
    """One server process, driven by one Dask worker thread.

    ``preloaded``: the client's claims by id, when this process inherited them by
    fork; the server is then forked too.  Otherwise it is spawned and loads ``paths``.
    """

    def __init__(self, paths: list[str], seed: int, profile: str, expected: str,
                 preloaded: dict[str, Claim] | None = None) -> None:
        self.spawn_arguments = json.dumps([paths, seed, profile, expected])
        self.forked = preloaded is not None and hasattr(os, "fork")
        self.process = _Forked(preloaded, seed, profile) if self.forked else self._spawn()
        self.ready = False

    def _spawn(self) -> subprocess.Popen:
        environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        return subprocess.Popen([sys.executable, "-m", "ngproof.engine.claim_server", self.spawn_arguments],
                                env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)

    def _start(self) -> bool:
        """Wait for the server's "ready"; a forked server that stays silent is replaced by a spawned one.

        A fork copies only the forking thread: a lock another thread of the worker held at
        that moment stays held in the copy, which can then hang before it says "ready".
        """
        if self.forked:
            if self._receive(time.perf_counter(), FORK_READY_LIMIT) == "ready":
                return True
            self.kill()
            self.forked, self.process = False, self._spawn()
        return self._receive(time.perf_counter(), LOAD_LIMIT) == "ready"

    def ask(self, claim_id: str, limit: float) -> Answer:
        """Run one claim; its limit counts from when the server has loaded the catalogue."""
        if not self.ready:
            self.ready = self._start()
            if not self.ready:
                self.kill()
                detail = (f"the worker could not load the catalogue within {LOAD_LIMIT:g} s "
                          f"(exit code {self.process.returncode})")
                return "error", 0.0, [Evidence("numeric", "error", detail)], ""
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

    def _outcome(self, started: float, limit: float) -> Answer:
        elapsed = time.perf_counter() - started
        if self.process.poll() is None and elapsed >= limit:
            self.kill()
            detail = f"no result within the per-claim limit of {limit:g} s; worker killed"  # as the local pool says
            return "timeout", elapsed, [Evidence("numeric", "timeout", detail)], ""
        return self._died(started)

    def _died(self, started: float) -> Answer:
        try:
            self.process.wait(timeout=2)  # let it finish dying, so its own exit code is reported
        except subprocess.TimeoutExpired:
            self.kill()
        detail = f"the worker process died while running this claim (exit code {self.process.returncode})"
        return "error", time.perf_counter() - started, [Evidence("numeric", "error", detail)], ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Kill the server and close its pipes."""
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()


if __name__ == "__main__":
    _serve_spawned(*json.loads(sys.argv[1]))

"""Executors: the Dask one gives the local pool's results, honours timeouts and survives dying workers.

These tests need the ``dask`` extra (``pip install -e '.[test,dask]'``) and start a
LocalCluster of 2 worker processes on 127.0.0.1; select them with ``-m dask``.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

import ngproof.vocabulary.checks  # noqa: E402,F401 - loaded once here, so the local pool's forked workers start warm
from ngproof.engine import executors  # noqa: E402
from ngproof.engine.cache import ResultCache  # noqa: E402
from ngproof.engine.claim_server import fingerprint
from ngproof.engine.discovery import discover  # noqa: E402
from ngproof.engine.executors import (  # noqa: E402
    MAX_BATCH, RETRIES, DaskExecutor, ExecutorError, LocalExecutor, batches, run_on_worker)
from ngproof.engine.verification import verify  # noqa: E402
from ngproof.report import json_report, text  # noqa: E402

pytestmark = pytest.mark.dask

CLAIMS = '''
import os
import time
from pathlib import Path

import numpy as np
import sympy as sp

from ngproof import claim, close
from ngproof.strategies import reals

x = sp.Symbol("x", real=True)


@claim("d.proved", title="square", statement="-", source=("S", "q"))
def _(c):
    c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")


@claim("d.fuzz", title="exp of log", statement="-", source=("S", "q"))
def _(c):
    c.fuzz(lambda v: close(np.exp(np.log(v)), v), reals(1e-3, 1e3), scope="v in [1e-3, 1e3]")


@claim("d.rng", title="seeded experiment", statement="-", source=("S", "q"))
def _(c):
    c.observe(True, detail=f"drew {c.rng.integers(10**9)}")


@claim("d.refuted", title="planted false", statement="-", source=("S", "q"), expect="false")
def _(c):
    c.counterexample({x: 1}, (x + 1) ** 2, x**2 + 1, detail="x = 1")
'''
FAILING = '''

@claim("d.hangs", title="hangs", statement="-", source=("S", "q"), timeout=1.5)
def _(c):
    time.sleep(120)


@claim("d.dies", title="its process dies", statement="-", source=("S", "q"))
def _(c):
    print("claims may print; the answers stay intact")
    os._exit(3)


@claim("d.after", title="runs after the failures", statement="-", source=("S", "q"))
def _(c):
    c.prove(sp.cancel((x**2 - 1) / (x - 1)), x + 1, scope="x != 1")
'''
MANY_AND_A_KILLER = '''
import os

from ngproof import claim


@claim("k.kills-every-worker", title="kills every worker it runs on", statement="-", source=("S", "q"))
def _(c):
    os.kill(os.getppid(), 9)


for index in range(40):
    claim(f"k.fine-{index}", title="fine", statement="-", source=("S", "q"))(
        lambda c: c.observe(True, detail="fine"))
'''
WHERE = '''

@claim("d.where", title="says which program it runs in", statement="-", source=("S", "q"))
def _(c):
    import sys
    c.observe(True, detail=f"program {Path(sys.argv[0]).name}")
'''
KILLS_WORKER = '''

@claim("d.kills-worker", title="kills its Dask worker once", statement="-", source=("S", "q"))
def _(c):
    marker = Path({marker!r})
    if not marker.exists():
        marker.write_text("killed once")
        os.kill(os.getppid(), 9)  # the Dask worker that started this claim's process
        time.sleep(10)
    c.observe(True, detail="ran again on a live worker")
'''


@pytest.fixture(scope="module")
def cluster():
    executor = DaskExecutor(workers=2)
    yield executor
    executor.close()


def write(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "theorems"
    directory.mkdir(exist_ok=True)
    (directory / "01_claims.py").write_text(textwrap.dedent(text))
    return directory


def comparable(report: dict) -> dict:
    """The JSON report without timings and host fields."""
    report = dict(report, seconds=None, started=None, environment=dict(report["environment"], host=None),
                  executor=None)
    report["claims"] = [dict(c, seconds=None) for c in report["claims"]]
    return report


@pytest.mark.parametrize("seed", [0, 11])
def test_dask_json_equals_the_local_run_for_the_same_seed(cluster, tmp_path, seed):
    directory = write(tmp_path, CLAIMS)
    local = verify([directory], jobs=2, seed=seed)
    dask = verify([directory], executor=cluster, seed=seed)
    assert [r.status for r in dask.results] == ["proved", "verified", "verified", "refuted"]
    assert comparable(json_report.report(dask)) == comparable(json_report.report(local))


def test_dask_honours_timeouts_and_survives_dying_claim_processes(cluster, tmp_path):
    directory = write(tmp_path, CLAIMS + FAILING)
    local = verify([directory], jobs=2)
    start = time.perf_counter()
    dask = verify([directory], executor=cluster)
    assert time.perf_counter() - start < 30
    statuses = {r.claim.id: r.status for r in dask.results}
    assert (statuses["d.hangs"], statuses["d.dies"], statuses["d.after"]) == ("timeout", "error", "proved")
    assert "exit code 3" in next(r for r in dask.results if r.claim.id == "d.dies").evidence[0].detail
    assert comparable(json_report.report(dask)) == comparable(json_report.report(local))
    assert [r.status for r in verify([directory], executor=cluster, keyword="d.after").results] == ["proved"]


def test_the_runs_timeout_caps_a_claims_own_limit_on_dask(cluster, tmp_path):
    directory = write(tmp_path, CLAIMS + '''

@claim("d.slow", title="asks for a long limit", statement="-", source=("S", "q"), timeout=300)
def _(c):
    time.sleep(120)
''')
    start = time.perf_counter()
    run = verify([directory], executor=cluster, keyword="d.slow", timeout=1.0)
    assert time.perf_counter() - start < 30
    assert run.results[0].status == "timeout" and "limit of 1 s" in run.results[0].evidence[0].detail


def test_a_dask_worker_that_dies_mid_claim_costs_a_retry_not_the_run(cluster, tmp_path):
    marker = tmp_path / "killed"
    directory = write(tmp_path, CLAIMS + KILLS_WORKER.format(marker=str(marker)))
    run = verify([directory], executor=cluster)
    assert marker.exists()
    assert {r.claim.id: r.status for r in run.results}["d.kills-worker"] == "verified"
    assert not run.failed
    assert run.executor["lost_workers"] == 1 and "d.kills-worker" in run.executor["retried_claims"]
    assert json_report.report(run)["executor"]["lost_workers"] == 1
    assert "Dask: 1 worker lost mid-run" in text.render(run)
    calm = verify([directory], executor=cluster, keyword="d.proved")
    assert calm.executor["lost_workers"] == 0 and calm.executor["retried_claims"] == []
    assert "Dask:" not in text.render(calm)


def test_a_claim_that_kills_every_worker_is_an_error_and_its_batch_mates_are_not(cluster, tmp_path):
    directory = write(tmp_path, MANY_AND_A_KILLER)
    assert len(batches(discover([directory]).claims, 2)[0]) > 1  # the killer shares its first task
    # a worker is sent only the task it runs, so a death is counted against that task alone
    assert cluster.client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION) == 1.0
    run = verify([directory], executor=cluster)
    statuses = {r.claim.id: r.status for r in run.results}
    assert run.executor["lost_workers"] >= RETRIES + 1 and "k.kills-every-worker" in run.executor["retried_claims"]
    assert statuses.pop("k.kills-every-worker") == "error"
    assert set(statuses.values()) == {"verified"} and len(statuses) == 40


@pytest.mark.parametrize("count, slots", [(0, 2), (1, 2), (5, 2), (245, 2), (245, 1), (1000, 16), (7, 0)])
def test_batches_cover_the_claims_in_order_and_shrink_to_single_claims(count, slots):
    claims = list(range(count))
    sizes = [len(batch) for batch in batches(claims, slots)]
    assert sum(batches(claims, slots), []) == claims
    assert all(1 <= size <= MAX_BATCH for size in sizes) and sizes == sorted(sizes, reverse=True)
    assert not sizes or sizes[-1] == 1
    if count >= 245:
        assert len(sizes) < count / 4  # far fewer tasks than claims


def test_the_cache_works_with_dask(cluster, tmp_path):
    directory = write(tmp_path, CLAIMS)
    store = ResultCache(tmp_path / "cache")
    assert verify([directory], executor=cluster, cache=store).cache["stored"] == 4
    again = verify([directory], executor=cluster, cache=store)
    assert again.cache["reused"] == 4 and all(r.cached_at for r in again.results)


def test_a_local_cluster_forks_its_claim_servers_from_the_loaded_catalogue(tmp_path):
    directory = write(tmp_path, CLAIMS + WHERE)
    executor = DaskExecutor(workers=2)
    try:
        run = verify([directory], executor=executor, keyword="d.where")
    finally:
        executor.close()
    forked = run.results[0].evidence[0].detail
    _, _, evidence, _, _ = run_on_worker([("d.where", 60)], [str(directory)], 0, "ci", expected=fingerprint())[0]
    spawned = evidence[0]["detail"]  # no client's catalogue in this process to fork from: a fresh interpreter
    assert spawned == "program claim_server.py" and forked == f"program {Path(sys.argv[0]).name}"


def test_a_forked_process_does_not_inherit_the_claim_servers_of_its_parent(tmp_path):
    directory = write(tmp_path, CLAIMS)
    run_on_worker([("d.proved", 60)], [str(directory)], 0, "ci", expected=fingerprint())
    assert executors._servers  # this process now drives a server of its own
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write_end, str(len(executors._servers)).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 16) == b"0"
    os.close(read)
    os.close(write_end)
    executors.stop_servers()


def test_a_worker_with_other_code_answers_with_an_error(tmp_path):
    directory = write(tmp_path, CLAIMS)
    status, _, evidence, _, _ = run_on_worker([("d.proved", 60)], [str(directory)], 0, "ci", expected="other")[0]
    assert status == "error" and "other ngproof code or library versions" in evidence[0]["detail"]


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ngproof", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=180)


def test_verify_on_a_running_scheduler(cluster, tmp_path):
    directory = write(tmp_path, CLAIMS)
    process = cli("verify", directory, "--scheduler", cluster.client.scheduler.address, "--no-cache", cwd=tmp_path)
    assert process.returncode == 0, process.stdout + process.stderr
    assert f"Dask, {cluster.client.scheduler.address}" in process.stderr


def test_executor_dask_starts_a_local_cluster(tmp_path):
    directory = write(tmp_path, CLAIMS)
    process = cli("verify", directory, "--executor", "dask", "-j", "2", "--no-cache", "--json", "r.json", cwd=tmp_path)
    assert process.returncode == 0, process.stdout + process.stderr
    assert "LocalCluster of 2 worker processes on 127.0.0.1" in process.stderr
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["unexpected"] == 0
    time.sleep(1)
    assert not [p for p in Path("/proc").glob("[0-9]*") if str(directory) in _command_line(p)]


def _command_line(process: Path) -> str:
    try:
        return (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = cli("verify", write(tmp_path, CLAIMS), "--scheduler", f"tcp://127.0.0.1:{port}", cwd=tmp_path)
    assert process.returncode == 2 and process.stdout == ""
    assert process.stderr.count("\n") == 1 and "cannot reach the Dask scheduler" in process.stderr


@pytest.mark.parametrize("address", ["localhost:8786", "tcp://host", "tcp://host:port"])
def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path, address):
    process = cli("verify", "--scheduler", address, cwd=tmp_path)
    assert process.returncode == 2 and "tcp://HOST:PORT" in process.stderr


def test_the_local_executor_is_the_process_pool(tmp_path):
    directory = write(tmp_path, CLAIMS)
    executor = LocalExecutor(jobs=2)
    assert executor.describe() == "2 worker(s)"
    assert [r.status for r in verify([directory], executor=executor).results] == [
        "proved", "verified", "verified", "refuted"]


def test_evidence_that_cannot_be_sent_back_is_an_error_that_says_why(tmp_path):
    directory = write(tmp_path, CLAIMS + '''

@claim("d.unpicklable", title="evidence holding a lambda", statement="-", source=("S", "q"))
def _(c):
    from ngproof.vocabulary.evidence import Evidence
    c.evidence.append(Evidence("numeric", "verified", "x", counterexample={"f": lambda: 0}))
''')
    status, _, evidence, _, _ = run_on_worker([("d.unpicklable", 60)], [str(directory)], 0, "ci", expected=fingerprint())[0]
    assert status == "error" and "cannot be sent back" in evidence[0]["detail"]
    status, _, _, _, _ = run_on_worker([("d.proved", 60)], [str(directory)], 0, "ci", expected=fingerprint())[0]
    assert status == "proved"


def test_a_scheduler_without_workers_is_given_up_on_and_says_so(tmp_path):
    from distributed import LocalCluster

    directory = write(tmp_path, CLAIMS)
    with LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address="127.0.0.1:0") as empty:
        executor = DaskExecutor(empty.scheduler_address, workers_timeout=1.0)
        start = time.perf_counter()
        try:
            with pytest.raises(ExecutorError, match="no workers after 1 s"):
                verify([directory], executor=executor)
        finally:
            executor.close()
        assert time.perf_counter() - start < 15
        process = cli("verify", directory, "--scheduler", empty.scheduler_address, "--workers-timeout", "1",
                      "--no-cache", cwd=tmp_path)
    assert process.returncode == 2 and "no workers after 1 s" in process.stderr

"""Console progress: one rewritten line on a terminal, plain lines in logs."""
import io
import os
import pty
import subprocess
import sys
import time

from ngproof.engine.progress import Progress, duration
from ngproof.engine.runner import ClaimResult, run_claims
from ngproof.vocabulary.claims import Claim, Source


def make(claim_id: str, body=lambda c: c.observe(True, detail="fine"), expect="holds") -> Claim:
    return Claim(claim_id, "t", "-", Source("S", "q"), body=body, expect=expect)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_duration_is_short():
    assert [duration(s) for s in (0, 42.4, 185, 3725)] == ["0s", "42s", "3m05s", "1h02m"]


def test_plain_lines_one_per_finished_claim_with_eta():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=False, clock=clock)
    a, b = make("a.one"), make("a.two")
    progress.started(a, 4)
    progress.started(b, 4)
    clock.now += 10
    progress(ClaimResult(a, "verified", 10.0), 1, 4)
    clock.now += 10
    progress(ClaimResult(b, "proved", 20.0), 2, 4)
    progress.close()
    lines = stream.getvalue().splitlines()
    # 10 s per claim so far, 3 then 2 left
    assert lines == ["[1/4] verified     a.one  (10.00 s; ETA 30s)", "[2/4] proved       a.two  (20.00 s; ETA 20s)"]
    assert "\r" not in stream.getvalue() and "\033" not in stream.getvalue()


def test_terminal_line_is_rewritten_with_running_claims_and_eta():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, tty=True, clock=clock)
    claims = [make(f"c.{n}") for n in range(5)]
    for claim in claims[:4]:
        progress.started(claim, 10)
    assert stream.getvalue().rsplit("\r\033[K", 1)[1] == "[ 0/10] 0% · ETA ? · running c.0, c.1, c.2 (+1)"
    clock.now += 6
    progress(ClaimResult(claims[0], "proved", 6.0), 1, 10)
    progress(ClaimResult(claims[1], "proved", 6.0), 2, 10)
    assert stream.getvalue().rsplit("\r\033[K", 1)[1] == "[ 2/10] 20% · ETA 24s · running c.2, c.3"
    assert "\n" not in stream.getvalue()  # one line, rewritten
    progress.close()
    assert stream.getvalue().endswith("\r\033[K")


def test_an_unexpected_outcome_keeps_a_line_of_its_own_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream, tty=True, clock=Clock())
    claim = make("c.wrong")
    progress.started(claim, 2)
    progress(ClaimResult(claim, "refuted", 1.0), 1, 2)
    assert "[1/2] refuted c.wrong  << UNEXPECTED\n" in stream.getvalue()


def test_the_runner_says_when_each_claim_starts_and_finishes():
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    started = []

    def hook(claim, total):
        started.append((claim.id, total))
        progress.started(claim, total)

    run_claims([make("r.a"), make("r.b"), make("r.c")], jobs=2, progress=progress, started=hook)
    assert sorted(started) == [("r.a", 3), ("r.b", 3), ("r.c", 3)]
    assert progress.done == 3 and not progress.running
    assert "running r.a, r.b" in stream.getvalue()


def _cli_stderr_on_a_terminal(directory) -> str:
    controller, terminal = pty.openpty()
    env = dict(os.environ, NGPROOF_CACHE_DIR=str(directory / "cache"), COLUMNS="200")
    process = subprocess.Popen([sys.executable, "-m", "ngproof", "verify", str(directory), "-j", "1"],
                               stdout=subprocess.PIPE, stderr=terminal, env=env)
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        output += chunk
    process.communicate(timeout=60)
    os.close(controller)
    return output.decode(errors="replace")


def test_verify_draws_the_line_on_a_terminal_and_plain_lines_in_a_log(write_catalogue, ngproof_cli):
    directory = write_catalogue({"01_a.py": '''
        @claim("t.slow", title="t", statement="-", source=("S", "q"))
        def _(c):
            time.sleep(0.5)
            c.observe(True, detail="fine")


        @claim("t.fast", title="t", statement="-", source=("S", "q"))
        def _(c):
            c.observe(True, detail="fine")
        '''})
    on_terminal = _cli_stderr_on_a_terminal(directory)
    assert "\r\x1b[K[0/2] 0% · ETA ? · running t.slow" in on_terminal
    assert "[1/2] 50% · ETA" in on_terminal
    logged = ngproof_cli("verify", directory, "-j", "1").stderr
    assert "\x1b" not in logged and "\r" not in logged
    assert "[1/2] verified     t.slow" in logged and "[2/2] verified     t.fast" in logged

"""The peer benchmark's parts that run without the peers: flop count, size selection, arguments."""

import os
import subprocess
import sys

import pytest

from ngproof.bench import main, peers
from ngproof.bench.peers import SIZE_KEYS, SIZES, kfac_factor_flops, pin_cpus, select_sizes


def test_flops_of_a_two_layer_network_by_hand():
    # 3-4-2 network, n = 5 examples, c = 2 virtual samples (exact Fisher, 2 classes):
    # forward 2·5·3·4 + 2·5·4·2 = 120 + 80; backward into layer 1 only, 2·(5·2)·2·4 = 160;
    # A by syrk 5·4·5 + 5·5·6 = 100 + 150 (inputs augmented to 4 and 5 columns);
    # hidden G by syrk over the 10 virtual rows 10·4·5 = 200; the last G in closed form
    # from the 5 rows of probabilities, 5·2·3 = 30.
    assert kfac_factor_flops([(4, 3), (2, 4)], 5, "exact") == 120 + 80 + 160 + 100 + 150 + 200 + 30


def test_flops_of_a_single_layer_by_hand():
    # 2 -> 3 layer, n = 4, empirical (c = 1): forward 2·4·2·3 = 48, no backward GEMM,
    # A 4·3·4 = 48 (augmented to 3 columns), G 4·3·4 = 48.
    assert kfac_factor_flops([(3, 2)], 4, "empirical") == 48 + 48 + 48


def test_the_2048_layer_counts_no_backward_gemm():
    n, m = 1024, 2048
    # one forward GEMM and two Gram matrices: about 4·n·m², where a backward GEMM would make it 6·n·m²
    assert kfac_factor_flops([(m, m)], n, "empirical") == 2 * n * m * m + n * (m + 1) * (m + 2) + n * m * (m + 1)


@pytest.mark.parametrize("args, name", [
    (([(3, 2)], 0, "exact"), "n must be a positive integer"),
    (([(3, 2)], 4, "mc"), "fisher must be 'exact' or 'empirical'"),
    (([(3, 2)], True, "exact"), "n must be a positive integer"),
    (([], 4, "exact"), "shapes must be a non-empty list"),
    (([(3, 0)], 4, "empirical"), "shapes must be a non-empty list"),
])
def test_flops_reject_bad_arguments_by_name(args, name):
    with pytest.raises(ValueError, match=name):
        kfac_factor_flops(*args)


def test_size_selection():
    assert SIZE_KEYS == ("we3", "784", "2048")
    assert select_sizes() == list(SIZES)
    assert select_sizes(quick=True) == [SIZES[0]]
    assert [s[0] for s in select_sizes(["2048", "we3"])] == ["we3", "2048"]  # in the table's order
    assert select_sizes(["2048"])[0][2:] == ([2048, 2048], 1024, "empirical")
    with pytest.raises(ValueError, match=r"unknown peer benchmark size 'big'; choose from \('we3', '784', '2048'\)"):
        select_sizes(["2048", "big"])


def test_size_needs_peers_and_a_known_key(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--size", "2048"])
    assert exit_info.value.code == 2
    assert "--size selects a size of the peer benchmark: use it with --peers" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["--peers", "--size", "4096"])
    assert exit_info.value.code == 2
    assert "invalid choice: '4096'" in capsys.readouterr().err


def test_selected_size_reaches_the_peer_run(monkeypatch):
    seen = {}

    def fake_main(quick=False, threads=None, sizes=None):
        seen.update(quick=quick, threads=threads, sizes=sizes)
        return 0

    monkeypatch.setattr(peers, "main", fake_main)
    assert main(["--peers", "--threads", "1", "--size", "2048", "--size", "784"]) == 0
    assert seen == {"quick": False, "threads": 1, "sizes": ["2048", "784"]}


_PIN_PROBE = """
import os, threading
from ngproof.bench.peers import pin_cpus
ready, stop = threading.Event(), threading.Event()
early = threading.Thread(target=lambda: (ready.set(), stop.wait()))
early.start()
ready.wait()
cpus = pin_cpus(1)
running = sorted({len(os.sched_getaffinity(int(tid))) for tid in os.listdir('/proc/self/task')})
later = []
thread = threading.Thread(target=lambda: later.append(len(os.sched_getaffinity(0))))
thread.start()
thread.join()
stop.set()
early.join()
print(len(cpus), running, later)
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs CPU affinity and two usable CPUs to tell a pinned process from another")
def test_pin_cpus_restricts_running_and_later_threads():
    # in a child process: pinning the test process would slow every later test
    out = subprocess.run([sys.executable, "-c", _PIN_PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "[1]", "[1]"]


@pytest.mark.parametrize("count", [0, -1, 1.5, True])
def test_pin_cpus_rejects_a_bad_count(count):
    with pytest.raises(ValueError, match="count must be a positive integer"):
        pin_cpus(count)

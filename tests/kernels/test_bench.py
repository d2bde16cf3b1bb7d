import json
import subprocess
import sys

import pytest
from numba import config

from ngproof.bench import main
from ngproof.bench.suite import _CACHE_PROBE, median_time


def test_entry_point_and_timer():
    assert callable(main)
    assert median_time(lambda: None, repeats=3) >= 0


@pytest.mark.skipif(config.DISABLE_JIT, reason="nothing is compiled without the JIT")
def test_every_kernel_loads_from_cache_in_a_new_process():
    exec(compile(_CACHE_PROBE, "cache_probe", "exec"), {})  # compiles (and caches) here first
    out = subprocess.run([sys.executable, "-c", _CACHE_PROBE], capture_output=True, text=True, check=True)
    used = {name: hm for name, hm in json.loads(out.stdout.strip().splitlines()[-1])["stats"].items() if sum(hm)}
    assert used, "no kernel was exercised"
    assert {name: misses for name, (hits, misses) in used.items() if misses} == {}

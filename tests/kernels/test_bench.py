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
    # The first process compiles what is missing and writes the cache (other processes
    # compiling the same kernels at that moment can drop index entries); the second must load all.
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", _CACHE_PROBE], capture_output=True, text=True, check=True)
    used = {name: hm for name, hm in json.loads(out.stdout.strip().splitlines()[-1])["stats"].items() if sum(hm)}
    assert used, "no kernel was exercised"
    assert {name: misses for name, (hits, misses) in used.items() if misses} == {}


def test_peers_without_the_optional_libraries_says_what_to_install(capsys, monkeypatch):
    import builtins

    from ngproof.bench import peers

    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name.split(".")[0] in ("torch", "curvlinops", "jax", "kfac_jax"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    assert main(["--peers"]) == 2
    assert "pip install 'ngproof[peers]'" in capsys.readouterr().err
    assert peers._rel([1.0, 2.0], [1.0, 2.0 + 2e-10]) == pytest.approx(1e-10, rel=1e-3)

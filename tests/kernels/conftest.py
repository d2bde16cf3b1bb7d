import sys
from pathlib import Path

# tests/naive.py holds the dense, plain-loop oracles the kernels are compared with.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

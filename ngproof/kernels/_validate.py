"""Input validation shared by every public kernel.

The public functions of ``ngproof.kernels`` validate in plain Python and raise
``ValueError`` naming the offending argument; the jitted cores assume valid
input.  Dtype rule: float32 and float64 are kept, integer and boolean arrays
become float64, anything else (complex, object, strings) is refused.
"""

from __future__ import annotations

import math

import numpy as np

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def as_array(x, name: str, *, ndim=None, finite: bool = True, dtype=None) -> np.ndarray:
    """Return ``x`` as a C-contiguous float32/float64 array or raise ValueError.

    ndim may be an int or a tuple of allowed ints.  ``finite=False`` leaves the
    NaN/Inf check to the caller (a jitted core that reports a status).
    """
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind in "biu":
        arr = arr.astype(np.float64)
    elif kind == "f":
        if arr.dtype not in _FLOATS:
            arr = arr.astype(np.float64)
    else:
        raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimension(s), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if finite:
        check_finite(arr, name)
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ValueError if ``arr`` holds NaN or Inf, giving the first bad index."""
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains NaN or Inf (first at index {index}: {arr[index]})")


def check_output(arr: np.ndarray, names: str, what: str = "the result") -> np.ndarray:
    """Raise ValueError when a computed ``arr`` overflowed (NaN or Inf from finite input).

    ``names`` says which arguments are to blame, e.g. ``"a or g"``.
    """
    if not np.isfinite(arr).all():
        raise ValueError(f"{what} overflowed (Inf/NaN from finite input): {names} too large or too small; rescale them")
    return arr


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """float32 when every array is float32, float64 otherwise."""
    if all(a.dtype == np.float32 for a in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def cast(dtype, *arrays: np.ndarray):
    """Cast every array to ``dtype`` (no copy when already right), C-contiguous."""
    return tuple(a if a.dtype == dtype and a.flags.c_contiguous else np.ascontiguousarray(a, dtype=dtype) for a in arrays)


def check_scalar(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    """Return ``value`` as a finite float; optionally require > 0 or >= 0."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    if positive and out <= 0:
        raise ValueError(f"{name} must be > 0, got {out}")
    if nonnegative and out < 0:
        raise ValueError(f"{name} must be >= 0, got {out}")
    return out


def check_positive_int(value, name: str) -> int:
    """``value`` as an int >= 1 (bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_damping(damping, name: str = "damping", *, positive: bool = False) -> float:
    """Damping is a finite float >= 0 (or > 0 when ``positive``)."""
    return check_scalar(damping, name, positive=positive, nonnegative=True)


def check_square(arr: np.ndarray, name: str) -> None:
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")


def check_same_length(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str, axis_a=0, axis_b=0) -> None:
    if a.shape[axis_a] != b.shape[axis_b]:
        raise ValueError(
            f"{b_name} has shape {b.shape}, which does not match {a_name} with shape {a.shape} "
            f"(axis {axis_b} of {b_name} must equal axis {axis_a} of {a_name})"
        )


def not_positive_definite(name: str, matrix: np.ndarray, damping: float) -> ValueError:
    """The error for a matrix that stays indefinite after adding ``damping * I``."""
    sym = 0.5 * (np.asarray(matrix, dtype=np.float64) + np.asarray(matrix, dtype=np.float64).T)
    smallest = float(np.linalg.eigvalsh(sym)[0])
    return ValueError(
        f"{name} + damping*I is not positive definite even after damping {damping:g} "
        f"(smallest eigenvalue of {name} is {smallest:.3e}); "
        f"use damping > |lambda_min| = {abs(smallest):.3e}"
    )

"""Deciding, at concrete exact inputs, whether two values are equal or far apart.

Both sides are sympy numbers built from exact inputs (integers, rationals,
exact constants; floats only with at least 50 significant digits).  Rationals
are compared exactly.  Anything else is evaluated at two precisions,
``LOW_DIGITS`` and ``HIGH_DIGITS``, and judged by the *relative* gap

    gap = |lhs − rhs| / max(|lhs|, |rhs|)              (0 when both are 0)

* ``apart``: the gap exceeds ``APART`` at both precisions and the two gaps
  agree to 1 % (a real difference does not move with the working precision);
* ``equal``: the gap is below ``EQUAL`` at both precisions (rounding of a
  50-digit evaluation, nothing more);
* ``apart`` too: one side infinite (``±∞``, ``zoo``) and the other finite;
* a side evalf cannot tell from 0 (an exact cancellation, or a 0/0 quotient) is
  ``equal`` to another zero and ``undecided`` against anything else;
* ``undecided``: a side whose value moves between the two precisions by more
  than ``STABLE = 1e-30`` (evalf's answer for a quotient by an exact zero), or — a quadrature accurate to 1e-23, a value
  that passed through 15-digit text, a gap that shrinks with precision.

``APART = 1e-10`` sits ten orders above what any honest 50-digit computation
can be off by and far below any error a lesson makes (those are visible to
the eye); ``EQUAL = 1e-40`` leaves 10 digits for cancellation at 50 digits.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

LOW_DIGITS, HIGH_DIGITS = 50, 100
APART = sp.Float("1e-10", LOW_DIGITS)
EQUAL = sp.Float("1e-40", LOW_DIGITS)
STABLE = sp.Float("1e-30", LOW_DIGITS)
_LOW_BITS = mpmath.libmp.dps_to_prec(LOW_DIGITS)
_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


class InexactInput(ValueError):
    """A number that cannot enter an exact re-check (a machine float, a short decimal)."""


def exact_number(value, name: str = "value") -> sp.Basic:
    """``value`` as an exact sympy number, or :class:`InexactInput` saying how to build it.

    Accepted: int, Fraction, sympy numbers and expressions without low-precision
    floats, and decimal strings (read exactly, e.g. ``"0.1"`` is 1/10).
    """
    if isinstance(value, bool):
        return sp.Integer(int(value))
    if isinstance(value, (int, Fraction)):
        return sp.Rational(value)
    if isinstance(value, str):
        try:
            return sp.Rational(value.strip())
        except (TypeError, ValueError, SyntaxError):
            raise InexactInput(f"{name} = {value!r} is not a decimal number") from None
    if isinstance(value, float) or type(value).__module__ == "numpy":
        raise InexactInput(f"{name} = {value!r} is a machine float, which is rounded before the re-check sees it: "
                           f"pass sp.Rational(...) (e.g. sp.Rational('0.1') for 1/10), an int, or a decimal string")
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        require_exact(value, name)
        return value
    raise InexactInput(f"{name} = {value!r} ({type(value).__name__}) is not an exact number: "
                       "pass an int, sp.Rational, a sympy expression, or a decimal string")


def require_exact(expr, name: str = "value") -> None:
    """Raise :class:`InexactInput` if ``expr`` holds a float below 50 significant digits."""
    coarse = [f for f in sp.sympify(expr).atoms(sp.Float) if f._prec < _LOW_BITS]
    if coarse:
        raise InexactInput(f"{name} contains the machine-precision float {coarse[0]}: build it from sp.Rational "
                           f"values (or mpmath at 50 digits, kept as 50-digit numbers) so that the re-check is exact")


@dataclass(frozen=True)
class Gap:
    """How far apart two values are: ``verdict`` is equal, apart, undecided or undefined."""

    verdict: str
    relative: sp.Basic  # at HIGH_DIGITS (exact for rationals); nan when undefined


def _value(expr: sp.Basic, digits: int) -> sp.Basic | None:
    """``expr`` to ``digits`` digits, or None for a value evalf cannot resolve from 0: a float with no
    significant bits (``0.e-160``), as a sum that cancels exactly returns — but so does a 0/0 quotient.
    Such a value equals another zero and decides nothing else."""
    value = sp.N(expr, digits)
    if isinstance(value, sp.Float) and value._prec < 20:
        return None
    if value.is_number and not value.is_real and not value.has(*_UNDEFINED):
        re, im = (_value(part, digits) for part in value.as_real_imag())
        if re is None and im is None:
            return None
        return (re or sp.S.Zero) + sp.I * (im or sp.S.Zero)  # one unresolved part beside a resolved one: 0
    return value


def _stable(low: sp.Basic, high: sp.Basic) -> bool:
    """Whether one value evaluated at both precisions agrees to ``STABLE`` (evalf can return garbage for
    a quotient by something that cancels to exactly 0; such values change with the precision)."""
    return abs(low - high) <= STABLE * max(abs(low), abs(high))


def _relative(left: sp.Basic, right: sp.Basic):
    scale = max(abs(left), abs(right))
    return sp.S.Zero if scale == 0 else abs(left - right) / scale


def gap(lhs, rhs) -> Gap:
    """Compare two exact values (no free symbols) by the rules of the module docstring."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if lhs.free_symbols or rhs.free_symbols:
        names = sorted(map(str, lhs.free_symbols | rhs.free_symbols))
        raise ValueError(f"the values leave symbols unassigned: {names}")
    infinite = [side in (sp.oo, -sp.oo, sp.zoo) for side in (lhs, rhs)]
    if infinite[0] != infinite[1] and not (lhs.has(sp.nan) or rhs.has(sp.nan)):
        finite = rhs if infinite[0] else lhs
        if not finite.has(*_UNDEFINED):  # a value that diverges is not equal to a finite one
            return Gap("apart", sp.oo)
    if lhs.has(*_UNDEFINED) or rhs.has(*_UNDEFINED):
        return Gap("undefined", sp.nan)
    if lhs.is_Rational and rhs.is_Rational:
        scale = max(abs(lhs), abs(rhs))
        relative = sp.S.Zero if scale == 0 else abs(lhs - rhs) / scale
        return Gap("equal" if relative == 0 else "apart", relative)
    values = [(_value(side, LOW_DIGITS), _value(side, HIGH_DIGITS)) for side in (lhs, rhs)]
    if any(v is None for pair in values for v in pair):  # a side evalf cannot tell from 0
        zero = [all(v is None or v == 0 for v in pair) for pair in values]
        return Gap("equal", sp.S.Zero) if all(zero) else Gap("undecided", sp.nan)
    if any(v.has(*_UNDEFINED) or not v.is_number for pair in values for v in pair):
        return Gap("undefined", sp.nan)
    if not all(_stable(*pair) for pair in values):
        return Gap("undecided", sp.nan)
    (left_low, left_high), (right_low, right_high) = values
    low, high = _relative(left_low, right_low), _relative(left_high, right_high)
    if low < EQUAL and high < EQUAL:
        return Gap("equal", high)
    if low > APART and high > APART and abs(low - high) <= high / 100:
        return Gap("apart", high)
    return Gap("undecided", high)


def sign(value) -> str:
    """``negative``, ``nonnegative``, ``undefined`` or ``undecided`` for one exact value."""
    value = sp.sympify(value)
    if value.has(*_UNDEFINED):
        return "undefined"
    if value.is_Rational:
        return "negative" if value < 0 else "nonnegative"
    low, high = _value(value, LOW_DIGITS), _value(value, HIGH_DIGITS)
    if low is None or high is None:
        return "undecided"
    if not (low.is_number and high.is_number) or low.has(*_UNDEFINED) or high.has(*_UNDEFINED) \
            or low.is_real is False or high.is_real is False:
        return "undefined"  # not a real number there: no sign to judge
    if not _stable(low, high):
        return "undecided"
    if low < 0 and high < 0 and abs(low - high) <= abs(high) / 100:
        return "negative"
    if low >= 0 and high >= 0:
        return "nonnegative"
    return "undecided"


_FACTS = (("positive", lambda v: v > 0), ("negative", lambda v: v < 0), ("nonnegative", lambda v: v >= 0),
          ("nonpositive", lambda v: v <= 0), ("nonzero", lambda v: v != 0), ("zero", lambda v: v == 0),
          ("integer", lambda v: v.is_integer), ("real", lambda v: v.is_real))


def check_assumptions(symbol: sp.Symbol, value: sp.Basic) -> None:
    """Raise ValueError if ``value`` breaks an assumption declared on ``symbol`` (a counterexample
    outside the claim's domain refutes nothing)."""
    facts = symbol.assumptions0
    for fact, holds in _FACTS:
        if facts.get(fact) is True:
            verdict = holds(value) if fact in ("integer", "real") else (holds(value) if value.is_real else False)
            if verdict is False or verdict == sp.false:
                raise ValueError(f"counterexample value {symbol} = {value} is not {fact}, as {symbol} is declared: "
                                 "a point outside the claim's domain refutes nothing")

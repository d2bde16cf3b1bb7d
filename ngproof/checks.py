"""The object a claim's body receives: it records evidence, the engine judges it.

    c.prove(lhs, rhs, scope=...)            symbolic: lhs - rhs reduces to literal 0
    c.prove_nonnegative(expr, scope=...)    symbolic: sympy deduces expr >= 0
    c.fuzz(test, *strategies, scope=...)    numeric: hypothesis draws inputs, test
                                            returns close(...) comparisons
    c.example(what, computed, stated)       the lesson's number, at its written precision
    c.counterexample(values, lhs, rhs)      concrete numbers, re-checked exactly
    c.observe(passed, detail=...)           an experiment's measured result
"""
from __future__ import annotations

import hashlib
import os
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Sequence

import mpmath
import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis import seed as hypothesis_seed

from ngproof.evidence import Evidence
from ngproof.profiles import PROFILES, profile_settings
from ngproof.symbolic import Rewriter, difference, entries, has_float, proves_nonnegative, reduce_to_zero
from ngproof.tolerance import Comparison

HIGH_PRECISION_DIGITS = 50
_HIGH_PRECISION_BITS = mpmath.libmp.dps_to_prec(HIGH_PRECISION_DIGITS)
_MAX_LATEX = 1500


def derived_seed(seed: int, *parts: object) -> int:
    """A 32-bit seed derived stably from the run's seed and names."""
    text = ":".join(str(p) for p in (seed, *parts))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def _latex(expr) -> str:
    text = sp.latex(expr)
    return text if len(text) <= _MAX_LATEX else text[:_MAX_LATEX] + r"\ldots"


def _step(label: str, expr, mathml: bool) -> dict[str, str]:
    """A proof step: its LaTeX, and (for the HTML report) sympy's presentation MathML when asked."""
    step = {"label": label, "latex": _latex(expr)}
    if mathml and len(step["latex"]) < _MAX_LATEX:
        try:
            step["mathml"] = sp.printing.mathml(expr, printer="presentation")
        except (AttributeError, TypeError):  # sequences and some objects print only as LaTeX
            pass
    return step


def _plain(value: Any) -> Any:
    """A JSON-friendly, bounded rendering of a counterexample value."""
    if isinstance(value, np.ndarray):
        return value.tolist() if value.size <= 64 else f"array{value.shape}"
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (sp.Basic, mpmath.mpf)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)  # anything else (a hypothesis data object, a model): its text, never the object


def exact_difference_is_nonzero(lhs, rhs, values: dict | None = None) -> tuple[bool, str]:
    """Decide ``lhs != rhs`` at concrete numbers by exact or 50-digit arithmetic."""
    diffs = entries(difference(lhs, rhs))
    if values:
        diffs = [sp.sympify(d).subs(values) for d in diffs]
    worst = sp.S.Zero
    for d in diffs:
        coarse = [f for f in sp.sympify(d).atoms(sp.Float) if f._prec < _HIGH_PRECISION_BITS]
        if coarse:  # rounded at 15 digits while the sides were built: their difference proves nothing
            raise ValueError(f"the sides contain machine-precision floats ({coarse[0]}); build them from "
                             "sp.Rational values (or 50-digit numbers) so that the re-check is exact")
        d = sp.nsimplify(d) if isinstance(d, sp.Float) else d
        if d.free_symbols:
            raise ValueError(f"counterexample leaves symbols unassigned: {sorted(map(str, d.free_symbols))}")
        magnitude = abs(sp.N(d, HIGH_PRECISION_DIGITS))
        if magnitude > worst:
            worst = magnitude
    return bool(worst > sp.Float(10) ** (-(HIGH_PRECISION_DIGITS - 10))), sp.N(worst, 6).__str__()


def parse_stated(stated: str) -> tuple[Decimal, int, bool]:
    """The lesson's number as written: value, decimals (or -zeros for '~1000'), exact?"""
    text = stated.replace(",", "").replace(" ", "").replace("−", "-")
    approximate = text.startswith(("~", "≈"))
    text = text.lstrip("~≈")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"cannot read the stated number {stated!r}") from exc
    if "." in text:
        return value, len(text.split(".")[1]), False
    if approximate:
        digits = text.lstrip("-")
        return value, -(len(digits) - len(digits.rstrip("0"))), False
    return value, 0, True


class Checks:
    """Collects a claim's evidence; see the module docstring for the verbs."""

    def __init__(self, claim_id: str, seed: int = 0, profile: str = "ci", mathml: bool | None = None) -> None:
        self.claim_id = claim_id
        # MathML of proof steps costs ~5 ms each: made only when an HTML report is wanted (verify --html
        # sets NGPROOF_MATHML=1 for its workers).
        self.mathml = os.environ.get("NGPROOF_MATHML") == "1" if mathml is None else mathml
        self.seed = seed
        self.profile = profile
        self.evidence: list[Evidence] = []
        self.rng = np.random.default_rng(derived_seed(seed, claim_id, "rng"))

    def _record(self, evidence: Evidence) -> bool:
        self.evidence.append(evidence)
        return evidence.status in ("proved", "verified", "refuted")

    def prove(self, lhs, rhs, *, scope: str, rewriters: Sequence[Rewriter] = (), detail: str = "") -> bool:
        """Symbolic evidence that ``lhs == rhs`` for all values allowed by ``scope``."""
        steps = [_step("left side", lhs, self.mathml), _step("right side", rhs, self.mathml)]
        if has_float((lhs, rhs)):
            text = "a side contains floating-point numbers, which sympy rounds: no proof (use sp.Rational)"
            return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))
        reduction = reduce_to_zero(difference(lhs, rhs), rewriters)
        if reduction.zero:
            steps.append({"label": f"left − right, by {reduction.method}", "latex": "0"})
            text = detail or f"left − right reduces to 0 by {reduction.method}"
            return self._record(Evidence("symbolic", "proved", text, scope=scope, steps=steps))
        steps.append(_step("left − right, not reduced", reduction.residual, self.mathml))
        text = "sympy did not reduce left − right to 0 (this is not a disproof)"
        return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))

    def prove_nonnegative(self, expr, *, scope: str, rewriters: Sequence[Rewriter] = (), detail: str = "") -> bool:
        """Symbolic evidence that every entry of ``expr`` is >= 0 under the symbols' assumptions."""
        steps = [_step("expression", expr, self.mathml)]
        if has_float(expr):
            text = "the expression contains floating-point numbers, which sympy rounds: no proof (use sp.Rational)"
            return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))
        ok, method = proves_nonnegative(expr, rewriters)
        status = "proved" if ok else "inconclusive"
        text = detail or (f"sympy deduces ≥ 0 ({method})" if ok else "sympy could not deduce ≥ 0 (not a disproof)")
        return self._record(Evidence("symbolic", status, text, scope=scope, steps=steps))

    def fuzz(
        self,
        test: Callable[..., Comparison | Sequence[Comparison]],
        *strategies,
        scope: str,
        exact: Callable[..., tuple[Any, Any]] | None = None,
        max_examples: int | None = None,
    ) -> bool:
        """Numeric evidence: ``test(*drawn)`` returns comparisons that must all be close.

        A failure is shrunk by hypothesis; ``exact(*drawn)`` (if given) recomputes
        both sides exactly or in 50 digits, and only a confirmed failure refutes.
        """
        settings = profile_settings(self.profile)
        if max_examples is not None:  # a claim's budget is stated for ci; other profiles scale it alike
            scaled = max(1, round(max_examples * PROFILES[self.profile] / PROFILES["ci"]))
            settings = type(settings)(settings, max_examples=scaled)
        state = {"cases": 0, "worst": 0.0, "tolerance": None, "failing": None}

        def run_case(drawn):
            state["cases"] += 1
            result = test(*drawn)
            comparisons = [result] if isinstance(result, Comparison) else list(result)
            if not comparisons:
                raise ValueError("a fuzz test must return at least one comparison")
            for comparison in comparisons:
                error = comparison.relative_error
                if error > state["worst"]:
                    state["worst"], state["tolerance"] = error, comparison.tolerance
                if not comparison.ok:
                    state["failing"] = {"inputs": _plain(list(drawn)), "what": comparison.what,
                                        "relative_error": error, "tolerance": comparison.tolerance,
                                        "computed": _plain(np.asarray(comparison.computed)),
                                        "expected": _plain(np.asarray(comparison.expected))}
                    state["drawn"] = drawn
                    raise AssertionError(f"relative error {error:.3g} > tolerance {comparison.tolerance:.3g}")
            if state["tolerance"] is None:
                state["tolerance"] = comparisons[0].tolerance

        runner = settings(hypothesis_seed(derived_seed(self.seed, self.claim_id, len(self.evidence)))(given(st.tuples(*strategies))(run_case)))
        try:
            runner()
        except AssertionError:
            if state["failing"] is None:  # the test's own assert, not a comparison: an error of the check
                raise
            return self._record_fuzz_failure(state, scope, exact)
        detail = f"{state['cases']} cases, worst relative error {state['worst']:.2g}"
        return self._record(Evidence("numeric", "verified", detail, scope=scope, cases=state["cases"],
                                     max_rel_error=state["worst"], tolerance=state["tolerance"]))

    def _record_fuzz_failure(self, state: dict, scope: str, exact) -> bool:
        failing = state["failing"]
        if exact is None:
            status, note = "inconclusive", "not re-checked in high precision (no exact form given)"
        else:
            lhs, rhs = exact(*state["drawn"])
            confirmed, size = exact_difference_is_nonzero(lhs, rhs)
            failing["exact_difference"] = size
            status = "refuted" if confirmed else "inconclusive"
            note = "confirmed in exact/50-digit arithmetic" if confirmed else "exact recomputation agrees: a rounding failure"
        detail = f"shrunk counterexample after {state['cases']} cases; {note}"
        return self._record(Evidence("counterexample" if status == "refuted" else "numeric", status, detail,
                                     scope=scope, cases=state["cases"], max_rel_error=failing["relative_error"],
                                     tolerance=failing["tolerance"], counterexample=failing))

    def example(self, what: str, computed, stated: str, *, scope: str = "the lesson's worked numbers") -> bool:
        """The lesson's stated number recomputed and compared at the precision written.

        ``stated`` is the text as written: '0.622' (3 decimals), '-2' (exact),
        '126,000' (exact), '~1000' (to the trailing zeros).
        """
        value, decimals, exact = parse_stated(stated)
        computed = sp.nsimplify(computed) if isinstance(computed, float) and float(computed).is_integer() else computed
        high = sp.N(sp.sympify(computed), HIGH_PRECISION_DIGITS)
        if exact:
            exact_value, recomputed = sp.Rational(str(value)), sp.sympify(computed)
            # simplify not reaching 0 is no disproof: unless both are rationals, a 50-digit gap decides
            matches = sp.simplify(recomputed - exact_value) == 0 or (not recomputed.is_Rational and bool(
                abs(high - exact_value) <= sp.Float(10) ** (10 - HIGH_PRECISION_DIGITS) * max(1, abs(exact_value))))
            written = f"{stated} (exact)"
        else:
            # within half a unit of the last written digit (a tie such as 0.125 → '0.13' or '0.12' passes)
            matches = abs(Decimal(str(high)) - value) <= Decimal(5).scaleb(-decimals - 1)
            written = f"{stated} (to {decimals} decimals)" if decimals >= 0 else f"{stated} (to {-decimals} trailing zeros)"
        shown = sp.N(high, 12)
        if matches:
            return self._record(Evidence("example", "verified", f"{what}: recomputed {shown}, lesson says {written}",
                                         scope=scope, cases=1))
        return self._record(Evidence("counterexample", "refuted", f"{what}: recomputed {shown}, lesson says {written}",
                                     scope=scope, cases=1,
                                     counterexample={"what": what, "lesson": stated, "recomputed": str(shown)}))

    def counterexample(self, values: dict, lhs, rhs, *, detail: str, scope: str = "one concrete point") -> bool:
        """Concrete numbers at which ``lhs != rhs``, confirmed exactly before it refutes."""
        exact_values = {k: sp.nsimplify(v) if isinstance(v, float) else v for k, v in values.items()}
        confirmed, size = exact_difference_is_nonzero(lhs, rhs, exact_values)
        instance_l = sp.sympify(lhs).subs(exact_values) if not isinstance(lhs, (list, tuple)) else lhs
        instance_r = sp.sympify(rhs).subs(exact_values) if not isinstance(rhs, (list, tuple)) else rhs
        data = {"values": _plain(exact_values), "left": _plain(sp.N(instance_l, 8) if isinstance(instance_l, sp.Basic) else instance_l),
                "right": _plain(sp.N(instance_r, 8) if isinstance(instance_r, sp.Basic) else instance_r),
                "difference": size}
        status = "refuted" if confirmed else "inconclusive"
        text = detail if confirmed else f"{detail} — but the sides agree exactly there, so this does not refute"
        return self._record(Evidence("counterexample", status, text, scope=scope, cases=1, counterexample=data))

    def observe(self, passed: bool, *, detail: str, data: dict | None = None, scope: str = "one seeded experiment") -> bool:
        """An experiment's measured result (e.g. a training run): verified, or a counterexample."""
        status = "verified" if passed else "refuted"
        kind = "numeric" if passed else "counterexample"
        return self._record(Evidence(kind, status, detail, scope=scope, cases=1,
                                     counterexample=None if passed else _plain(data or {})))

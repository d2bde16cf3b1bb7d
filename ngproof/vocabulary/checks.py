"""The object a claim's body receives: it records evidence, the engine judges it.

    c.prove(lhs, rhs, scope=...)            symbolic: lhs - rhs reduces to literal 0, and the
                                            sides agree at seeded exact points
    c.prove_nonnegative(expr, scope=...)    symbolic: sympy deduces expr >= 0 (re-checked alike)
    c.fuzz(test, *strategies, scope=...)    numeric: hypothesis draws inputs, test
                                            returns close(...) comparisons
    c.example(what, computed, stated)       the lesson's number, at its written precision
    c.counterexample(values, lhs, rhs)      exact numbers, confirmed at 50 and 100 digits
    c.observe(passed, detail=...)           an experiment's measured result (verified at most)
"""
from __future__ import annotations

import hashlib
import os
import pickle
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Sequence

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from hypothesis import given
from hypothesis import strategies as st
from hypothesis import seed as hypothesis_seed

from ngproof.vocabulary.evidence import Evidence
from ngproof.vocabulary.profiles import PROFILES, profile_settings
from ngproof.symbolic import (Rewriter, difference, entries, has_float, proves_nonnegative, reduce_to_zero,
                              relations_of)
from ngproof.symbolic.numbers import (APART, LOW_DIGITS, check_assumptions, exact_number, gap,
                                      require_exact)
from ngproof.symbolic.points import Domain
from ngproof.symbolic.validation import check_equality, check_nonnegative, shown
from ngproof.tolerance import MAX_TOLERANCE, Comparison

HIGH_PRECISION_DIGITS = LOW_DIGITS
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
    if isinstance(value, sp.Integer):
        return int(value)
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
    """Whether ``lhs != rhs`` at concrete numbers is confirmed (exactly, or at 50 and 100 digits).

    Returns (confirmed, the largest relative gap as text).  Inputs must be exact:
    see :func:`ngproof.symbolic.numbers.exact_number`; a side left with symbols,
    or a machine float, raises ``ValueError`` saying how to build it.
    """
    left, right = entries(lhs), entries(rhs)
    if len(left) != len(right):
        raise ValueError(f"the sides have {len(left)} and {len(right)} entries")
    exact_values = {k: exact_number(v, f"value of {k}") for k, v in (values or {}).items()}
    confirmed, worst = False, sp.S.Zero
    for a, b in zip(left, right):
        require_exact(a, "the left side")
        require_exact(b, "the right side")
        a, b = sp.sympify(a).subs(exact_values), sp.sympify(b).subs(exact_values)
        g = gap(a, b)
        if g.verdict == "undefined":
            raise ValueError("a side is undefined (division by zero) at these values")
        confirmed |= g.verdict == "apart"
        if g.relative.is_extended_real and g.relative > worst:
            worst = g.relative
    return confirmed, f"relative {sp.N(worst, 3)}"


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


def _fingerprint(drawn) -> bytes:
    """A digest of one drawn case, to count distinct cases."""
    try:
        return hashlib.sha256(pickle.dumps(drawn)).digest()
    except Exception:  # an object that cannot be pickled: its text
        return repr(drawn).encode()


def _check_domain(domain, sides) -> None:
    """Every key of ``domain`` must be a free symbol of the sides (a name or a differently-assumed symbol
    would be ignored silently, and the points would leave the domain)."""
    if not domain:
        return
    present = set().union(*(sp.sympify(e).free_symbols if not isinstance(e, (sp.MatrixBase, sp.MatrixExpr))
                            else e.free_symbols for e in _flat_sides(sides)))
    strangers = [key for key in domain if not isinstance(key, sp.Symbol) or key not in present]
    if strangers:
        raise ValueError(f"domain names {strangers[0]!r}, which is not a symbol of the sides: use the symbol object "
                         "itself, with the same assumptions")


def _flat_sides(sides) -> list:
    return [e for side in sides for e in _flat_sides(side)] if isinstance(sides, (list, tuple)) else [sides]


def _closed(sides) -> bool:
    """No free symbols, abstract matrices or undefined functions: the sides are plain numbers."""
    if isinstance(sides, (list, tuple)):
        return all(_closed(side) for side in sides)
    expr = sides if isinstance(sides, (sp.MatrixBase, sp.MatrixExpr)) else sp.sympify(sides)
    return not expr.free_symbols and not expr.atoms(sp.MatrixSymbol, AppliedUndef)


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

    def _points_seed(self, what: str) -> int:
        return derived_seed(self.seed, self.claim_id, what, len(self.evidence))

    def prove(self, lhs, rhs, *, scope: str, rewriters: Sequence[Rewriter] = (), detail: str = "",
              domain: Domain | None = None) -> bool:
        """Symbolic evidence that ``lhs == rhs`` for all values allowed by ``scope``.

        Proved only if sympy reduces left − right to the literal 0 *and* the
        original sides agree at seeded exact points consistent with the symbols'
        assumptions and ``domain`` ({symbol: (low, high)}); otherwise the points
        are searched for a counterexample.  With no symbols at all, the check is
        exact arithmetic about these numbers: evidence, but not a general proof.
        """
        steps = [_step("left side", lhs, self.mathml), _step("right side", rhs, self.mathml)]
        if has_float((lhs, rhs)):
            text = "a side contains floating-point numbers, which sympy rounds: no proof (use sp.Rational)"
            return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))
        _check_domain(domain, (lhs, rhs))
        reduction = reduce_to_zero(difference(lhs, rhs), rewriters)
        if reduction.zero and _closed((lhs, rhs)):
            steps.append({"label": f"left − right, by {reduction.method}", "latex": "0"})
            numbers = check_equality(lhs, rhs, seed=0, conditions=reduction.conditions, points=1)
            if numbers.verdict != "holds":
                text = f"the reduction by {reduction.method} is unsound on these numbers: {numbers.detail}"
                return self._record(Evidence("symbolic", "error", text, scope=scope, steps=steps))
            text = (detail or "left − right = 0") + " (exact arithmetic on these numbers: a computation, not a proof " \
                                                  "of a general statement)"
            return self._record(Evidence("example", "verified", text, scope=scope, steps=steps, cases=1))
        points = check_equality(lhs, rhs, seed=self._points_seed("prove"), domain=domain,
                                conditions=reduction.conditions, relations=relations_of(rewriters))
        if reduction.zero:
            if points.verdict != "holds":
                steps.append({"label": f"left − right, by {reduction.method}", "latex": "0"})
                text = f"the reduction by {reduction.method} is unsound: {points.detail}"
                return self._record(Evidence("symbolic", "error", text, scope=scope, steps=steps))
            steps.append({"label": f"left − right, by {reduction.method}", "latex": "0"})
            text = detail or f"left − right reduces to 0 by {reduction.method}"
            return self._record(Evidence("symbolic", "proved", f"{text}; re-checked: {points.detail}",
                                         scope=scope, steps=steps))
        steps.append(_step("left − right, not reduced", reduction.residual, self.mathml))
        if points.verdict == "fails":
            text = f"sympy did not reduce left − right to 0, and the sides differ: {points.detail}"
            data = {"values": _plain({str(k): v for k, v in points.point.items()}), "point": shown(points.point)}
            return self._record(Evidence("counterexample", "refuted", text, scope=scope, steps=steps, cases=1,
                                         counterexample=data))
        text = f"sympy did not reduce left − right to 0 (this is not a disproof; {points.detail})"
        return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))

    def prove_nonnegative(self, expr, *, scope: str, rewriters: Sequence[Rewriter] = (), detail: str = "",
                          domain: Domain | None = None) -> bool:
        """Symbolic evidence that every entry of ``expr`` is >= 0 under the symbols' assumptions.

        Re-checked at seeded exact points like :meth:`prove`; a failed deduction
        is searched there for a negative value.
        """
        steps = [_step("expression", expr, self.mathml)]
        if has_float(expr):
            text = "the expression contains floating-point numbers, which sympy rounds: no proof (use sp.Rational)"
            return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))
        _check_domain(domain, expr)
        ok, method = proves_nonnegative(expr, rewriters)
        if ok and _closed(expr) and check_nonnegative(expr, seed=0, points=1).verdict == "holds":
            text = (detail or f"≥ 0 ({method})") + " (exact arithmetic on these numbers, not a general proof)"
            return self._record(Evidence("example", "verified", text, scope=scope, steps=steps, cases=1))
        points = check_nonnegative(expr, seed=self._points_seed("nonnegative"), domain=domain,
                                   relations=relations_of(rewriters))
        if ok and points.verdict != "holds":
            return self._record(Evidence("symbolic", "error", f"the deduction ({method}) is unsound: {points.detail}",
                                         scope=scope, steps=steps))
        if ok:
            text = detail or f"sympy deduces ≥ 0 ({method})"
            return self._record(Evidence("symbolic", "proved", f"{text}; re-checked: {points.detail}",
                                         scope=scope, steps=steps))
        if points.verdict == "fails":
            data = {"values": _plain({str(k): v for k, v in points.point.items()}), "point": shown(points.point)}
            return self._record(Evidence("counterexample", "refuted", f"negative: {points.detail}", scope=scope,
                                         steps=steps, cases=1, counterexample=data))
        text = f"sympy could not deduce ≥ 0 (not a disproof; {points.detail})"
        return self._record(Evidence("symbolic", "inconclusive", text, scope=scope, steps=steps))

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
        both sides exactly, and only a failure confirmed at 50 and 100 digits
        refutes.  A comparison that cannot fail (tolerance ≥ ``MAX_TOLERANCE`` or
        non-finite ``cond``) does not count: unless most cases are informative
        the evidence is inconclusive.  Strategies that admit one value make an
        example, not fuzzing.
        """
        settings = profile_settings(self.profile)
        if max_examples is not None:  # a claim's budget is stated for ci; other profiles scale it alike
            scaled = max(1, round(max_examples * PROFILES[self.profile] / PROFILES["ci"]))
            settings = type(settings)(settings, max_examples=scaled)
        state = {"cases": 0, "uninformative": 0, "worst": 0.0, "tolerance": None, "failing": None,
                 "distinct": set()}

        def run_case(drawn):
            state["cases"] += 1
            state["distinct"].add(_fingerprint(drawn))
            result = test(*drawn)
            comparisons = [result] if isinstance(result, Comparison) else list(result) \
                if isinstance(result, (list, tuple)) else None
            if not comparisons or not all(isinstance(c, Comparison) for c in comparisons):
                raise ValueError(f"a fuzz test must return close(...) comparisons (one or a list), not {result!r:.60}")
            informative = [c for c in comparisons if c.informative]
            state["uninformative"] += len(informative) < len(comparisons)
            for comparison in informative:
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
            if state["tolerance"] is None and informative:
                state["tolerance"] = informative[0].tolerance

        runner = settings(hypothesis_seed(derived_seed(self.seed, self.claim_id, len(self.evidence)))(given(st.tuples(*strategies))(run_case)))
        try:
            runner()
        except AssertionError:
            if state["failing"] is None:  # the test's own assert, not a comparison: an error of the check
                raise
            return self._record_fuzz_failure(state, scope, exact)
        cases, skipped = state["cases"], state["uninformative"]
        if len(state["distinct"]) <= 1:
            detail = (f"one fixed case (the strategies admit a single value): an example, not fuzzing; "
                      f"relative error {state['worst']:.2g}")
            status = "verified" if not skipped else "inconclusive"
            return self._record(Evidence("example", status, detail, scope=scope, cases=1,
                                         max_rel_error=state["worst"], tolerance=state["tolerance"]))
        if 2 * skipped > cases:
            detail = (f"ill-conditioned: in {skipped} of {cases} cases a comparison's tolerance reached "
                      f"{MAX_TOLERANCE:g} (or cond was not finite), so no numeric evidence is possible at this "
                      "precision; compare in exact arithmetic or in a better-conditioned formulation")
            return self._record(Evidence("numeric", "inconclusive", detail, scope=scope, cases=cases - skipped,
                                         max_rel_error=state["worst"], tolerance=state["tolerance"]))
        detail = f"{cases - skipped} cases, worst relative error {state['worst']:.2g}"
        if skipped:
            detail += f" ({skipped} ill-conditioned cases not counted)"
        return self._record(Evidence("numeric", "verified", detail, scope=scope, cases=cases - skipped,
                                     max_rel_error=state["worst"], tolerance=state["tolerance"]))

    def _record_fuzz_failure(self, state: dict, scope: str, exact) -> bool:
        failing = state["failing"]
        if exact is None:
            status, note = "inconclusive", "not re-checked in high precision (no exact form given)"
        else:
            sides = exact(*state["drawn"])
            if not isinstance(sides, (tuple, list)) or len(sides) != 2 or any(
                    isinstance(side, (list, tuple)) and not side for side in sides):
                raise ValueError("exact(...) must return the two sides (lhs, rhs), each a value or a non-empty "
                                 "sequence of values")
            confirmed, size = exact_difference_is_nonzero(*sides)
            failing["exact_difference"] = size
            status = "refuted" if confirmed else "inconclusive"
            note = ("confirmed exactly or at 50 and 100 digits" if confirmed
                    else "the exact recomputation does not confirm it: a rounding failure, not a counterexample")
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
        if exact and isinstance(computed, (float, np.floating)):
            # a machine float cannot be compared exactly: within the refutation threshold it agrees, beyond it not
            exact_value = sp.Rational(str(value))
            recomputed = sp.Rational(float(computed))  # the float's exact binary value
            scale = max(abs(exact_value), abs(recomputed)) or sp.S.One
            matches = bool(abs(recomputed - exact_value) <= APART * scale)
            written = f"{stated} (exact; the recomputed value is a machine float, compared to a relative {APART})"
        elif exact:
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
        """Concrete numbers at which ``lhs != rhs``, confirmed exactly (or at 50 and 100 digits) before it refutes.

        ``values`` must be exact (int, sp.Rational, sympy numbers, decimal strings);
        a machine float is rejected with a message saying how to write it.
        """
        exact_values = {k: exact_number(v, f"counterexample value {k}") for k, v in values.items()}
        for key, value in exact_values.items():
            if not isinstance(key, sp.Symbol):
                raise ValueError(f"counterexample key {key!r}: use the symbol object itself (its assumptions are part "
                                 "of it), not its name")
            check_assumptions(key, value)
        confirmed, size = exact_difference_is_nonzero(lhs, rhs, exact_values)
        instance_l = sp.sympify(lhs).subs(exact_values) if not isinstance(lhs, (list, tuple)) else lhs
        instance_r = sp.sympify(rhs).subs(exact_values) if not isinstance(rhs, (list, tuple)) else rhs
        data = {"values": _plain(exact_values), "left": _plain(sp.N(instance_l, 8) if isinstance(instance_l, sp.Basic) else instance_l),
                "right": _plain(sp.N(instance_r, 8) if isinstance(instance_r, sp.Basic) else instance_r),
                "difference": size}
        status = "refuted" if confirmed else "inconclusive"
        text = detail if confirmed else f"{detail} — but the sides are not confirmed apart there, so this does not refute"
        return self._record(Evidence("counterexample", status, text, scope=scope, cases=1, counterexample=data))

    def observe(self, passed: bool, *, detail: str, data: dict | None = None, scope: str = "one seeded experiment") -> bool:
        """An experiment's measured result (e.g. a training run).

        Passing is numeric evidence (never more than ``verified``).  A failed
        observation is ``inconclusive``: the engine cannot re-check it, so it is
        no counterexample; refute with :meth:`counterexample` and exact values.
        """
        if passed:
            return self._record(Evidence("numeric", "verified", detail, scope=scope, cases=1))
        text = (f"{detail} — an observed failure is not re-checked by the engine, so it does not refute; state it "
                "with c.counterexample(values, lhs, rhs) in exact numbers")
        return self._record(Evidence("numeric", "inconclusive", text, scope=scope, cases=1,
                                     counterexample=_plain(data or {})))

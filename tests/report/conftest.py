"""A small hand-built run covering every kind of outcome the reports must show."""
from __future__ import annotations

import pytest

from ngproof.engine.discovery import LoadError
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run
from ngproof.vocabulary.claims import Claim, Source, Uncheckable
from ngproof.vocabulary.evidence import Evidence

SECTION = "Bernoulli Log-Likelihood with Cross-Entropy Loss"
HOSTILE = "<script>alert(1)</script>"
READING = "one gradient step in θ against one in the log-odds, from the same point"
DEFENCE = "the log-odds is the natural parameter, where the Fisher is constant; but it is σ(θ)(1 − σ(θ)), not 1"
WORDING = "'covariance' for a second moment: the score has mean zero, so the two agree"


def _claim(claim_id: str, title: str, statement: str, **kwargs) -> Claim:
    return Claim(id=claim_id, title=title, statement=statement, body=lambda c: None,
                 source=Source(kwargs.pop("section", SECTION), kwargs.pop("quote", "a quote")), **kwargs)


def sample_run() -> Run:
    proof = Evidence("symbolic", "proved", "left − right reduces to 0 by cancel", scope="all real θ",
                     steps=[{"label": "left side", "latex": r"\frac{1}{1+e^{-\theta}}"},
                            {"label": "left − right", "latex": "0"}])
    fuzz = Evidence("numeric", "verified", "200 cases", scope="fuzzed, θ ∈ [-20, 20]", cases=200,
                    max_rel_error=3.1e-16, tolerance=1e-12)
    refutation = Evidence("counterexample", "refuted", "at θ = 0, y = 1 the sides differ", scope="one concrete point",
                          cases=1, counterexample={"values": {"theta": 0, "y": 1}, "left": "-2.0", "right": "-0.5"})
    results = [
        ClaimResult(_claim("demo.gradient", "Gradient in the logit", r"\nabla_\theta\mathcal{L} = \sigma(\theta) - y"),
                    "proved", 0.12, [proof, fuzz]),
        ClaimResult(_claim("demo.wrong", "Natural gradient is plain gradient on the log-odds",
                           r"\tilde\nabla_\theta\mathcal{L} = \nabla_\theta\mathcal{L}", expect="false",
                           quote="equivalent to standard gradient descent on the log-odds",
                           reading=READING, defence=DEFENCE, depends_on=("demo.gradient",)),
                    "refuted", 0.05, [refutation]),
        ClaimResult(_claim("demo.corrected", "Corrected: gradient in the mean parameter",
                           r"\Sigma = \begin{pmatrix} 2 & 1 \ 1 & 2 \end{pmatrix}", corrects="demo.wrong",
                           depends_on=("demo.gradient",)), "proved", 0.2, [proof]),
        ClaimResult(_claim("demo.loose", "Fisher as the covariance of the score", r"F = E[s s^\top]",
                           quote="the Fisher is the covariance of the score", reading="F = E[s sᵀ], the score's "
                           "second moment", wording=WORDING), "proved", 0.1, [proof]),
        ClaimResult(_claim("demo.broken", "A claim that should hold but does not", r"1 = 2",
                           section="Worked Examples"), "refuted", 0.01, [refutation]),
        ClaimResult(_claim("demo.crash", "A claim whose check raised", r"\foo{x} = 1", section="Worked Examples"),
                    "error", 0.0, [Evidence("numeric", "error", "ZeroDivisionError: division by zero")]),
        ClaimResult(_claim("demo.hostile", HOSTILE, r"\text{" + HOSTILE + "}", section="Worked Examples",
                           quote=HOSTILE, condition=HOSTILE, expect="holds-if"), "refuted", 0.01,
                    [Evidence("counterexample", "refuted", HOSTILE, scope=HOSTILE, cases=1,
                              counterexample={HOSTILE: HOSTILE})]),
    ]
    timeout = Evidence("numeric", "timeout", "no result within the per-claim limit of 5 s; worker killed")
    results.append(ClaimResult(_claim("demo.slow", "A claim that ran out of time", "x", section="Worked Examples"),
                               "timeout", 5.0, [timeout]))
    return Run(results, [LoadError("theorems/99_bad.py", "line 3: SyntaxError: invalid syntax")], seed=7,
               profile="ci", seconds=1.5, started="2026-01-02T03:04:05+00:00",
               uncheckable=[Uncheckable(Source(SECTION, "an analogy"), "an opinion, nothing to check")])


@pytest.fixture
def run() -> Run:
    return sample_run()

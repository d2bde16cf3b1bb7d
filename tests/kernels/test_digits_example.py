"""The SGD/Adam/K-FAC comparison on the digits data runs and plots."""

import xml.etree.ElementTree as ET

import numpy as np

from ngproof.bench import digits


def test_comparison_runs_descends_and_plots():
    X, y, name = digits.load_data()
    results = [digits.run(m, X[:300], y[:300], steps=6, batch=64) for m in ("sgd", "adam", "kfac")]
    for r in results:
        assert len(r["losses"]) == 7 and np.all(np.diff(r["seconds"]) >= 0)
        assert r["losses"][-1] < r["losses"][0]
    svg = digits.plot_svg(name, results)
    root = ET.fromstring(svg)  # well-formed
    assert root.tag.endswith("svg") and svg.count("<polyline") >= 6
    assert len(digits.summary(results)) == 4


def test_adam_matches_its_formula_on_one_step():
    adam = digits.Adam(lr=0.1)
    out = adam.step(np.array([1.0, -2.0]), np.array([0.5, -4.0]))
    # after one step m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps)
    np.testing.assert_allclose(out, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 4.0 / (4.0 + 1e-8)])

"""The Graphviz dot layout (skipped without dot, required in CI) and its failure modes."""
import sys
from pathlib import Path

import pytest

from ngproof.report import dot, graph
from ngproof.report.layering import GraphInput

sys.path.insert(0, str(Path(__file__).parent))
from test_sugiyama import random_graph  # noqa: E402 - the same graphs as the fallback
from tools import need  # noqa: E402


def test_dot_stacks_the_clusters_in_order_and_reports_crossings():
    program = need(("dot",), "apt-get install -y graphviz")
    for seed in range(3):
        g = random_graph(seed)
        layout = dot.layout(g, program)
        assert layout.engine == "dot"
        tops = [box[1] for box in layout.cluster_boxes]
        for (_, top, _, height), following in zip(layout.cluster_boxes, tops[1:]):
            assert top + height <= following
        for node, (x, y, w, h) in layout.boxes.items():
            cx, cy, cw, ch = layout.cluster_boxes[g.cluster[node]]
            assert cx <= x + 1e-6 and x + w <= cx + cw + 1e-6 and cy <= y and y + h <= cy + ch
            assert (w, h) == g.sizes[node]
        assert len(layout.routes) == len(g.edges) and layout.crossings_before >= 0 <= layout.crossings_after


def test_dot_removes_a_crossing_that_reading_order_makes():
    program = need(("dot",), "apt-get install -y graphviz")
    nodes = ["a", "b", "c", "d"]
    g = GraphInput(nodes, {v: (40.0, 22.0) for v in nodes}, {v: 0 for v in nodes}, ["s"], [("a", "d"), ("b", "c")])
    layout = dot.layout(g, program)
    assert (layout.crossings_before, layout.crossings_after) == (1, 0)


def test_names_with_quotes_reach_dot_escaped():
    text = dot.source(GraphInput(['a"b'], {'a"b': (10, 10)}, {'a"b': 0}, ['say "hi" \\ there'], []))
    assert '"a\\"b"' in text and 'label="say \\"hi\\" \\\\ there"' in text


def test_a_failing_dot_is_a_clear_error_and_auto_falls_back(monkeypatch, tmp_path):
    g = random_graph(1, n=8, clusters=2)
    with pytest.raises(dot.DotError, match="dot exited"):
        dot.layout(g, "false")
    monkeypatch.setattr(dot, "executable", lambda: "false")
    layout, note = graph.place(g, "auto")
    assert layout.engine == "layered" and "dot exited" in note
    with pytest.raises(dot.DotError):
        graph.place(g, "dot")
    with pytest.raises(ValueError, match="choose one of auto, dot, layered"):
        graph.place(g, "neato")

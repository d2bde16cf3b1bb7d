"""The pure-Python layered layout: fewer crossings, clusters as ordered bands, nothing overlapping."""
import random

from ngproof.report import sugiyama
from ngproof.report.layering import GraphInput


def random_graph(seed: int, n: int = 40, clusters: int = 4) -> GraphInput:
    rng = random.Random(seed)
    nodes = [f"n{i}" for i in range(n)]
    edges = [(nodes[i], nodes[j]) for j in range(n) for i in rng.sample(range(j), min(j, rng.randint(0, 2)))]
    sizes = {v: (30.0 + 7 * rng.randint(3, 20), 22.0) for v in nodes}
    return GraphInput(nodes, sizes, {v: i * clusters // n for i, v in enumerate(nodes)},
                      [f"section {c}" for c in range(clusters)], edges)


def test_ordering_removes_a_crossing_that_reading_order_makes():
    nodes = ["a", "b", "c", "d"]
    g = GraphInput(nodes, {v: (40.0, 22.0) for v in nodes}, {v: 0 for v in nodes}, ["s"], [("a", "d"), ("b", "c")])
    layout = sugiyama.layout(g)
    assert (layout.crossings_before, layout.crossings_after) == (1, 0)
    y = {v: layout.boxes[v][1] for v in nodes}
    assert (y["a"] < y["b"]) == (y["d"] < y["c"])                       # the two edges no longer cross


def test_random_graphs_cross_no_more_after_ordering_and_keep_bands_in_order():
    for seed in range(6):
        g = random_graph(seed)
        layout = sugiyama.layout(g)
        assert layout.crossings_after <= layout.crossings_before
        tops = [box[1] for box in layout.cluster_boxes]
        assert tops == sorted(tops)
        for (_, top, _, height), following in zip(layout.cluster_boxes, tops[1:]):
            assert top + height <= following                           # bands do not overlap
        for node, (x, y, w, h) in layout.boxes.items():
            cx, cy, cw, ch = layout.cluster_boxes[g.cluster[node]]
            assert cx <= x and x + w <= cx + cw and cy <= y and y + h <= cy + ch
        boxes = sorted(layout.boxes.values())
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


def test_edges_leave_the_right_side_of_the_dependency_and_reach_the_left_side_of_the_claim():
    g = random_graph(11)
    for tail, head, points in sugiyama.layout(g).routes:
        (tx, ty, tw, th), (hx, hy, _, hh) = sugiyama.layout(g).boxes[tail], sugiyama.layout(g).boxes[head]
        assert points[0] == (tx + tw, ty + th / 2) and points[-1] == (hx, hy + hh / 2)
        assert (len(points) - 1) % 3 == 0                              # a chain of cubic Béziers
        break


def test_isotonic_placement_keeps_order_gaps_and_bounds():
    offsets = [11.0, 41.0, 71.0]                                        # centres of boxes 22 tall, 8 apart
    placed = sugiyama._isotonic([50.0, 40.0, 300.0], offsets, 0.0, 100.0)
    assert all(b - a >= 30 - 1e-9 for a, b in zip(placed, placed[1:]))
    assert 0 <= placed[0] - offsets[0] and placed[-1] - offsets[-1] <= 100    # the stack's top within bounds
    assert sugiyama._isotonic([11.0, 60.0, 200.0], offsets, 0.0, 200.0) == [11.0, 60.0, 200.0]

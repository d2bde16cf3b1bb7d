"""A layered drawing of a clustered graph in pure Python, left to right (Sugiyama's method).

1. Ranks and dummies: :mod:`ngproof.report.layering` (longest path, cycles reversed).
2. Order: within every rank the clusters keep their display order (one horizontal band per
   cluster, top to bottom); inside a cluster, items are sorted by the barycentre (mean position)
   of their neighbours on the rank just placed, sweeping down the ranks then up, each sweep
   followed by adjacent transpositions that lower the crossings; the order with the fewest
   crossings is kept.
3. Coordinates: rank r is a column as wide as its widest node; a cluster's band is as tall as
   its tallest column.  Each item's y is pulled towards the mean y of its neighbours, then the
   column is made feasible again by isotonic regression (pool adjacent violators) with the
   items kept in order, ``gap`` apart and inside the band.
Dummies draw as horizontal lanes through their column, so edges never cut through a node.
"""
from __future__ import annotations

from ngproof.report.layering import GraphInput, Item, Layered, Layout, Point, acyclic, crossings, layered, ranks

RANK_GAP, ITEM_GAP, DUMMY_HEIGHT, MARGIN = 64.0, 8.0, 2.0, 12.0
LABEL_HEIGHT, CLUSTER_GAP, PAD = 22.0, 18.0, 8.0


def order(graph: Layered, sweeps: int = 12) -> list[list[Item]]:
    """The layers reordered to cut crossings, clusters kept contiguous and in order."""
    layers = [list(layer) for layer in graph.layers]
    best, fewest = [list(layer) for layer in layers], crossings(layers, graph.down)
    for sweep in range(sweeps):
        downward = sweep % 2 == 0
        indices = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
        for r in indices:
            fixed = layers[r - 1] if downward else layers[r + 1]
            neighbours = graph.up if downward else graph.down
            at = {item: i for i, item in enumerate(fixed)}
            here = {item: i for i, item in enumerate(layers[r])}

            def key(item: Item) -> tuple[int, float, int]:
                near = [at[n] for n in neighbours.get(item, ()) if n in at]
                centre = sum(near) / len(near) * len(layers[r]) / max(1, len(fixed)) if near else here[item]
                return graph.cluster[item], centre, here[item]

            layers[r].sort(key=key)
        _transpose(layers, graph)
        count = crossings(layers, graph.down)
        if count < fewest:
            best, fewest = [list(layer) for layer in layers], count
    return best


def _transpose(layers: list[list[Item]], graph: Layered, passes: int = 4) -> None:
    """Swap neighbours of one cluster while that lowers the crossings with the adjacent ranks."""
    for _ in range(passes):
        improved = False
        for r, layer in enumerate(layers):
            above = {item: i for i, item in enumerate(layers[r - 1])} if r else {}
            below = {item: i for i, item in enumerate(layers[r + 1])} if r + 1 < len(layers) else {}
            for i in range(len(layer) - 1):
                u, v = layer[i], layer[i + 1]
                if graph.cluster[u] != graph.cluster[v]:
                    continue
                if _pair_crossings(v, u, graph, above, below) < _pair_crossings(u, v, graph, above, below):
                    layer[i], layer[i + 1] = v, u
                    improved = True
        if not improved:
            return


def _pair_crossings(first: Item, second: Item, graph: Layered, above: dict, below: dict) -> int:
    """Crossings between the edges of ``first`` and ``second`` when ``first`` sits just above."""
    count = 0
    for side, neighbours in ((above, graph.up), (below, graph.down)):
        mine = [side[n] for n in neighbours.get(first, ()) if n in side]
        theirs = [side[n] for n in neighbours.get(second, ()) if n in side]
        count += sum(1 for a in mine for b in theirs if a > b)
    return count


def _isotonic(desired: list[float], offsets: list[float], low: float, high: float) -> list[float]:
    """Positions y_i = z_i + offsets_i nearest (least squares) to ``desired`` with z non-decreasing
    and within [low, high]: the PAV solution, clipped (which keeps it optimal)."""
    blocks: list[list[float]] = []                   # [mean, weight, count]
    for value in (d - o for d, o in zip(desired, offsets)):
        blocks.append([value, 1.0, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight, count = blocks.pop()
            last = blocks[-1]
            last[0] = (last[0] * last[1] + mean * weight) / (last[1] + weight)
            last[1] += weight
            last[2] += count
    z = [min(max(mean, low), high) for mean, _, count in blocks for _ in range(count)]
    return [zi + o for zi, o in zip(z, offsets)]


def layout(graph: GraphInput, sweeps: int = 12) -> Layout:
    """Positions of every node, edge and cluster of ``graph``; see the module docstring."""
    back = acyclic(graph)
    rank = ranks(graph, back)
    proper = layered(graph, rank, back)
    before = crossings(proper.layers, proper.down)
    layers = order(proper, sweeps)
    after = crossings(layers, proper.down)

    def height(item: Item) -> float:
        return graph.sizes[item][1] if isinstance(item, str) else DUMMY_HEIGHT

    widths = [max((graph.sizes[i][0] for i in layer if isinstance(i, str)), default=24.0) for layer in layers]
    left = [MARGIN + sum(widths[:r]) + r * RANK_GAP for r in range(len(layers))]
    groups: dict[tuple[int, int], list[Item]] = {}
    for r, layer in enumerate(layers):
        for item in layer:
            groups.setdefault((proper.cluster[item], r), []).append(item)
    stacks = {key: sum(height(i) for i in items) + ITEM_GAP * (len(items) - 1) for key, items in groups.items()}
    tops, bottom = [], MARGIN
    for c in range(len(graph.clusters)):
        top = bottom + LABEL_HEIGHT + PAD
        tops.append(top)
        bottom = top + max((s for (k, _), s in stacks.items() if k == c), default=0.0) + PAD + CLUSTER_GAP

    centre: dict[Item, float] = {}
    for (c, _), items in groups.items():
        y = tops[c]
        for item in items:
            centre[item] = y + height(item) / 2
            y += height(item) + ITEM_GAP
    band = {c: (tops[c], tops[c] + max((s for (k, _), s in stacks.items() if k == c), default=0.0))
            for c in range(len(graph.clusters))}
    for sweep in range(8):
        for key in sorted(groups, key=lambda k: k[1], reverse=sweep % 2 == 1):
            items = groups[key]
            desired = []
            for item in items:
                near = [centre[n] for n in (*proper.up.get(item, ()), *proper.down.get(item, ()))]
                desired.append(sum(near) / len(near) if near else centre[item])
            offsets, run = [], 0.0
            for item in items:
                offsets.append(run + height(item) / 2)
                run += height(item) + ITEM_GAP
            low, high = band[key[0]]
            placed = _isotonic(desired, offsets, low, high - (run - ITEM_GAP))
            centre.update(zip(items, placed))

    column = {item: r for r, layer in enumerate(layers) for item in layer}
    boxes = {n: (left[column[n]], centre[n] - graph.sizes[n][1] / 2, *graph.sizes[n]) for n in graph.nodes}
    routes = []
    for (tail, head), chain, flipped in zip(graph.edges, proper.chains, proper.reversed):
        if not chain:
            continue
        points: list[Point] = [(boxes[chain[0]][0] + boxes[chain[0]][2], centre[chain[0]])]
        for dummy in chain[1:-1]:
            r = column[dummy]
            points += [(left[r], centre[dummy]), (left[r] + widths[r], centre[dummy])]
        points.append((boxes[chain[-1]][0], centre[chain[-1]]))
        bezier = _smooth(points)
        routes.append((tail, head, bezier[::-1] if flipped else bezier))

    cluster_boxes = []
    for c, name in enumerate(graph.clusters):
        members = [boxes[n] for n in graph.nodes if graph.cluster[n] == c]
        x0 = min((b[0] for b in members), default=MARGIN) - PAD
        x1 = max(max((b[0] + b[2] for b in members), default=MARGIN) + PAD, x0 + 16 + 7.5 * len(name))
        cluster_boxes.append((x0, band[c][0] - LABEL_HEIGHT - PAD, x1 - x0, band[c][1] - band[c][0] + LABEL_HEIGHT + 2 * PAD))
    width = max([left[-1] + widths[-1] if layers else 0.0] + [b[0] + b[2] for b in cluster_boxes]) + MARGIN
    return Layout("layered", width, bottom - CLUSTER_GAP + MARGIN, boxes, routes, cluster_boxes, before, after)


def _smooth(points: list[Point]) -> list[Point]:
    """A polyline as a cubic Bézier chain: straight along lanes, S-shaped between columns."""
    chain = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        bend = (x1 - x0) / 2
        chain += [(x0 + bend, y0), (x1 - bend, y1), (x1, y1)]
    return chain

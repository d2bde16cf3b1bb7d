"""The same clustered graph laid out by Graphviz ``dot`` (run once, when the report is written).

The graph goes to ``dot -Tjson`` left to right, one ``cluster_k`` subgraph per cluster, every node
a fixed-size box of the size the report draws it (1 pt = 1 px); the answer gives node centres,
cluster boxes and edge splines (cubic Bézier chains), in a y-up frame flipped here.  dot places
clusters where they cross least, not in display order, and no DOT attribute forces that order;
so each cluster is then moved straight up or down (its columns, i.e. dot's ranks, unchanged) to
stack the bands in display order: edges inside a cluster move with it, edges between clusters
are redrawn as S-curves between their nodes.  Crossings are counted as
:mod:`ngproof.report.layering` counts them, on dot's ranks (node columns): before, with every rank
in reading order; after, in the order of the final drawing (a long edge's place on a rank is
where its curve passes that rank's column).
"""
from __future__ import annotations

import json
import shutil
import subprocess

from ngproof.report.layering import GraphInput, Layered, Layout, Point, crossings, layered

MARGIN, CLUSTER_GAP = 12.0, 18.0


class DotError(RuntimeError):
    """``dot`` is missing, failed, or answered something unreadable."""


def executable() -> str | None:
    """The path of Graphviz ``dot``, or None when it is not installed."""
    return shutil.which("dot")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def source(graph: GraphInput) -> str:
    """The DOT text of ``graph``: left to right, clusters as subgraphs, fixed node sizes."""
    lines = ["digraph claims {", "rankdir=LR; ranksep=0.9; nodesep=0.1; newrank=true;",
             'graph [fontname="DejaVu Sans", fontsize=14, labeljust=l];',
             'node [shape=box, fixedsize=true, label=""]; edge [arrowhead=none];']
    for c, name in enumerate(graph.clusters):
        lines.append(f"subgraph cluster_{c} {{ label={_quote(name)};")
        lines += [f"{_quote(n)} [width={graph.sizes[n][0] / 72:.4f}, height={graph.sizes[n][1] / 72:.4f}];"
                  for n in graph.nodes if graph.cluster[n] == c]
        lines.append("}")
    lines += [f"{_quote(tail)} -> {_quote(head)};" for tail, head in graph.edges if tail != head]
    lines.append("}")
    return "\n".join(lines)


def _numbers(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def _spline(pos: str) -> list[Point]:
    """Control points of a ``pos`` attribute (``s,``/``e,`` arrow end points dropped)."""
    return [tuple(_numbers(token)) for token in pos.split() if not token.startswith(("s,", "e,"))]


def _y_at(chain: list[Point], x: float) -> float:
    """Where a Bézier chain crosses the vertical line at ``x`` (sampled; nearest end if it never does)."""
    samples: list[Point] = [chain[0]]
    for i in range(0, len(chain) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = chain[i:i + 4]
        for k in range(1, 17):
            t = k / 16
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
            samples.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    for (xa, ya), (xb, yb) in zip(samples, samples[1:]):
        if min(xa, xb) <= x <= max(xa, xb) and xa != xb:
            return ya + (yb - ya) * (x - xa) / (xb - xa)
    return min(samples, key=lambda p: abs(p[0] - x))[1]


def layout(graph: GraphInput, program: str | None = None, timeout: float = 60.0) -> Layout:
    """Run ``dot`` on ``graph`` and read back its drawing; :class:`DotError` when that fails."""
    program = program or executable()
    if not program:
        raise DotError("Graphviz dot is not installed (Debian: apt-get install graphviz)")
    try:
        done = subprocess.run([program, "-Tjson"], input=source(graph), capture_output=True, text=True,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DotError(f"dot did not run: {exc}") from None
    if done.returncode != 0:
        raise DotError(f"dot exited {done.returncode}: {done.stderr.strip()[:300]}")
    try:
        drawing = json.loads(done.stdout)
        return _read(graph, drawing)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise DotError(f"dot's JSON could not be read: {exc!r}") from None


def _read(graph: GraphInput, drawing: dict) -> Layout:
    x0, y0, x1, y1 = _numbers(drawing["bb"])

    def flip(point) -> Point:
        return point[0] - x0 + MARGIN, y1 - point[1] + MARGIN

    objects = {o["_gvid"]: o for o in drawing.get("objects", [])}
    centres: dict[str, Point] = {o["name"]: flip(_numbers(o["pos"])) for o in objects.values() if "pos" in o}
    missing = [n for n in graph.nodes if n not in centres]
    if missing:
        raise KeyError(f"no position for {missing[:3]}")
    cluster_boxes, shift, top = [], [], MARGIN
    for c in range(len(graph.clusters)):
        found = next(o for o in objects.values() if o.get("name") == f"cluster_{c}")
        bx0, by0, bx1, by1 = _numbers(found["bb"])
        (left, old_top), (right, bottom) = flip((bx0, by1)), flip((bx1, by0))
        cluster_boxes.append((left, top, right - left, bottom - old_top))
        shift.append(top - old_top)
        top += bottom - old_top + CLUSTER_GAP
    centres = {n: (centres[n][0], centres[n][1] + shift[graph.cluster[n]]) for n in graph.nodes}
    boxes = {n: (centres[n][0] - graph.sizes[n][0] / 2, centres[n][1] - graph.sizes[n][1] / 2, *graph.sizes[n])
             for n in graph.nodes}
    splines: dict[tuple[str, str], list[list[Point]]] = {}
    for edge in drawing.get("edges", []):
        key = (objects[edge["tail"]]["name"], objects[edge["head"]]["name"])
        splines.setdefault(key, []).append([flip(p) for p in _spline(edge["pos"])])
    routes = []
    for tail, head in graph.edges:
        if tail == head:
            continue
        spline = splines[(tail, head)].pop(0)
        if graph.cluster[tail] == graph.cluster[head]:
            dy = shift[graph.cluster[tail]]
            routes.append((tail, head, [(x, y + dy) for x, y in spline]))
        else:
            (tx, ty, tw, th), (hx, hy, _, hh) = boxes[tail], boxes[head]
            start, end = (tx + tw, ty + th / 2), (hx, hy + hh / 2)
            bend = max(abs(end[0] - start[0]) / 2, 24.0)
            routes.append((tail, head, [start, (start[0] + bend, start[1]), (end[0] - bend, end[1]), end]))
    before, after = _crossings(graph, centres, routes)
    return Layout("dot", x1 - x0 + 2 * MARGIN, top - CLUSTER_GAP + MARGIN, boxes, routes, cluster_boxes, before, after)


def _crossings(graph: GraphInput, centres: dict[str, Point], routes: list) -> tuple[int, int]:
    """Crossings on dot's ranks: in reading order, and in the order of the drawing."""
    columns = sorted({round(x) for x, _ in centres.values()})
    rank = {n: columns.index(round(centres[n][0])) for n in graph.nodes}
    back = [rank[t] >= rank[h] for t, h in graph.edges]     # dot's ranks decide each edge's direction
    proper: Layered = layered(graph, rank, back)
    route = {(t, h): points for t, h, points in routes}
    where: dict = {n: centres[n][1] for n in graph.nodes}
    for (tail, head), chain in zip(graph.edges, proper.chains):
        for dummy in chain[1:-1]:
            where[dummy] = _y_at(route[(tail, head)], columns[dummy[1]])
    drawn = [sorted(layer, key=lambda item: (where[item], proper.layers[r].index(item)))
             for r, layer in enumerate(proper.layers)]
    return crossings(proper.layers, proper.down), crossings(drawn, proper.down)

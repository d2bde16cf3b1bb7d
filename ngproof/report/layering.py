"""A clustered graph in layers: ranks, long edges split at every rank, and edge crossings counted.

The input is a directed graph whose edges run from a claim's dependency to the claim, with every
node in one cluster (a lesson section).  A node's rank is the length of the longest chain of
edges below it, so every edge points to a higher rank; edges that close a cycle are reversed
first (found by depth-first search in node order).  An edge spanning ranks r < s gets a dummy
item at each rank r+1 … s-1, in the cluster of its head; the layered graph then has edges only
between adjacent ranks, where two edges (a, b) and (c, d) cross when a is above c and b below d.
Both layouts (:mod:`ngproof.report.sugiyama`, :mod:`ngproof.report.dot`) count crossings here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Item = str | tuple[int, int]          # a node id, or a dummy (edge index, rank)
Point = tuple[float, float]


@dataclass(frozen=True)
class GraphInput:
    """What to lay out: nodes in reading order with their (width, height) in px, clusters in
    display order (``cluster[node]`` indexes ``clusters``) and edges (dependency, dependent)."""

    nodes: list[str]
    sizes: dict[str, tuple[float, float]]
    cluster: dict[str, int]
    clusters: list[str]
    edges: list[tuple[str, str]]

    def __post_init__(self) -> None:
        known = set(self.nodes)
        for tail, head in self.edges:
            if tail not in known or head not in known:
                raise ValueError(f"edge {tail} -> {head} names a node that is not in the graph")
        for node in self.nodes:
            if not 0 <= self.cluster.get(node, -1) < len(self.clusters):
                raise ValueError(f"node {node} has no cluster among the {len(self.clusters)} given")


@dataclass
class Layout:
    """Node boxes (top-left x, y, width, height), edge routes as cubic Bézier chains
    ``[p0, c1, c2, p1, c1, c2, p2, …]`` from dependency to dependent, cluster boxes, the drawing's
    size, the engine and the crossings of the layered graph in reading order and after ordering."""

    engine: str
    width: float
    height: float
    boxes: dict[str, tuple[float, float, float, float]]
    routes: list[tuple[str, str, list[Point]]]
    cluster_boxes: list[tuple[float, float, float, float]]
    crossings_before: int
    crossings_after: int


@dataclass
class Layered:
    """The proper layered graph: items per rank, each item's cluster and neighbours one rank
    below (``up``) and above (``down``), and each edge's chain of items from low rank to high."""

    layers: list[list[Item]]
    cluster: dict[Item, int]
    up: dict[Item, list[Item]] = field(default_factory=dict)
    down: dict[Item, list[Item]] = field(default_factory=dict)
    chains: list[list[Item]] = field(default_factory=list)
    reversed: list[bool] = field(default_factory=list)


def acyclic(graph: GraphInput) -> list[bool]:
    """For each edge, whether it closes a cycle (a back edge of a depth-first search in node order)."""
    out: dict[str, list[tuple[int, str]]] = {n: [] for n in graph.nodes}
    for index, (tail, head) in enumerate(graph.edges):
        out[tail].append((index, head))
    state: dict[str, int] = {}                    # 1 on the stack, 2 done
    back = [False] * len(graph.edges)
    for root in graph.nodes:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, successors = stack[-1]
            step = next(successors, None)
            if step is None:
                state[node] = 2
                stack.pop()
                continue
            index, head = step
            if state.get(head) == 1 or head == node:
                back[index] = True
            elif head not in state:
                state[head] = 1
                stack.append((head, iter(out[head])))
    return back


def ranks(graph: GraphInput, back: list[bool]) -> dict[str, int]:
    """Longest-path rank of every node over the edges, back edges reversed (self-loops ignored);
    then, from the highest rank down, a node with more dependents than dependencies moves up to
    just below its lowest dependent, which shortens more edges than it lengthens."""
    below: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for (tail, head), flipped in zip(graph.edges, back):
        if tail != head:
            low, high = (head, tail) if flipped else (tail, head)
            below[high].append(low)
    rank: dict[str, int] = {}
    for root in graph.nodes:
        stack = [root]
        while stack:
            node = stack[-1]
            if node in rank:
                stack.pop()
                continue
            pending = [n for n in below[node] if n not in rank]
            if pending:
                stack.extend(pending)
            else:
                rank[node] = max((rank[n] + 1 for n in below[node]), default=0)
                stack.pop()
    above: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for node, lows in below.items():
        for low in lows:
            above[low].append(node)
    for node in sorted(graph.nodes, key=lambda n: -rank[n]):     # shorten edges: pull a node towards
        if len(above[node]) > len(below[node]):                    # its dependents when they outnumber
            rank[node] = min(rank[n] for n in above[node]) - 1      # what it rests on
    lowest = min(rank.values(), default=0)
    return {node: r - lowest for node, r in rank.items()}


def layered(graph: GraphInput, rank: dict[str, int], back: list[bool]) -> Layered:
    """The proper layered graph in reading order: within a rank, clusters in display order, then
    nodes in ``graph.nodes`` order, then dummies in edge order."""
    cluster: dict[Item, int] = dict(graph.cluster)
    result = Layered([], cluster)
    order: dict[Item, int] = {n: i for i, n in enumerate(graph.nodes)}
    for index, ((tail, head), flipped) in enumerate(zip(graph.edges, back)):
        if tail == head:
            result.chains.append([])
            result.reversed.append(False)
            continue
        low, high = (head, tail) if flipped else (tail, head)
        dummies = [(index, r) for r in range(rank[low] + 1, rank[high])]
        for dummy in dummies:
            cluster[dummy] = graph.cluster[high]
            order[dummy] = len(graph.nodes) + index
        chain = [low, *dummies, high]
        for a, b in zip(chain, chain[1:]):
            result.down.setdefault(a, []).append(b)
            result.up.setdefault(b, []).append(a)
        result.chains.append(chain)
        result.reversed.append(flipped)
    depth = max(rank.values(), default=-1) + 1
    result.layers = [[] for _ in range(depth)]
    for item in order:
        result.layers[rank[item] if isinstance(item, str) else item[1]].append(item)
    for layer in result.layers:
        layer.sort(key=lambda item: (cluster[item], order[item]))
    return result


def crossings(layers: list[list[Item]], down: dict[Item, list[Item]]) -> int:
    """Pairs of edges between adjacent ranks that cross, counted by inversions (a Fenwick tree)."""
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        below = {item: i for i, item in enumerate(lower)}
        ends = sorted((i, below[b]) for i, a in enumerate(upper) for b in down.get(a, ()) if b in below)
        tree = [0] * (len(lower) + 1)
        for seen, (_, end) in enumerate(ends):
            at_most = 0                                  # earlier edges ending at or above `end`
            j = end + 1
            while j > 0:
                at_most += tree[j]
                j -= j & -j
            total += seen - at_most
            j = end + 1
            while j <= len(lower):
                tree[j] += 1
                j += j & -j
    return total

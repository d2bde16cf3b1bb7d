"""The claims' dependency graph as inline SVG, in layers by depth.

A claim's depth is the length of the longest chain of dependencies below it,
so every edge runs left to right; within a layer, claims are ordered by the
mean position of what they depend on (one barycentre pass), which keeps most
edges short.  Each node links to the claim's anchor in the report.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from ngproof.runner import ClaimResult

STATUS_COLOURS = {"proved": "#1a7f37", "verified": "#0969da", "refuted": "#cf222e", "inconclusive": "#9a6700",
                  "error": "#8250df", "timeout": "#6e7781"}
NODE_HEIGHT, ROW_GAP, COLUMN_GAP, CHAR_WIDTH = 20, 6, 56, 6.6


@dataclass(frozen=True)
class Node:
    claim_id: str
    depth: int
    row: int


def anchor(claim_id: str) -> str:
    """The HTML id of a claim's card."""
    return "claim-" + claim_id


def depths(results: list[ClaimResult]) -> dict[str, int]:
    """Longest dependency chain below each claim (dependencies outside the run and cycles count 0)."""
    depends = {r.claim.id: [d for d in r.claim.depends_on] for r in results}
    memo: dict[str, int] = {}

    def depth(claim_id: str, trail: frozenset) -> int:
        if claim_id in memo:
            return memo[claim_id]
        below = [depth(d, trail | {claim_id}) + 1 for d in depends[claim_id] if d in depends and d not in trail]
        memo[claim_id] = max(below, default=0)
        return memo[claim_id]

    return {claim_id: depth(claim_id, frozenset()) for claim_id in depends}


def layout(results: list[ClaimResult]) -> dict[str, Node]:
    """Column (depth) and row of every claim."""
    depth_of = depths(results)
    order = {r.claim.id: i for i, r in enumerate(results)}
    nodes: dict[str, Node] = {}
    for depth in range(max(depth_of.values(), default=-1) + 1):
        layer = [r for r in results if depth_of[r.claim.id] == depth]

        def barycentre(result: ClaimResult) -> float:
            rows = [nodes[d].row for d in result.claim.depends_on if d in nodes]
            return sum(rows) / len(rows) if rows else order[result.claim.id]

        for row, result in enumerate(sorted(layer, key=lambda r: (barycentre(r), order[r.claim.id]))):
            nodes[result.claim.id] = Node(result.claim.id, depth, row)
    return nodes


def render(results: list[ClaimResult], fully_proved: set[str] = frozenset()) -> Markup:
    """The graph as an ``<svg>`` element; an empty Markup when there are no claims."""
    if not results:
        return Markup("")
    nodes = layout(results)
    by_id = {r.claim.id: r for r in results}
    column_width = max(len(claim_id) for claim_id in nodes) * CHAR_WIDTH + 16
    columns = max(n.depth for n in nodes.values()) + 1
    rows = max(n.row for n in nodes.values()) + 1
    width = columns * column_width + (columns - 1) * COLUMN_GAP + 20
    height = rows * (NODE_HEIGHT + ROW_GAP) + 20

    def box(node: Node) -> tuple[float, float]:
        return 10 + node.depth * (column_width + COLUMN_GAP), 10 + node.row * (NODE_HEIGHT + ROW_GAP)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width:.0f}" height="{height}" '
           f'viewBox="0 0 {width:.0f} {height}" role="img" aria-label="dependency graph of the claims">']
    for result in results:
        x2, y2 = box(nodes[result.claim.id])
        for dependency in result.claim.depends_on:
            if dependency not in nodes:
                continue
            x1, y1 = box(nodes[dependency])
            x1 += column_width
            y1, y2c = y1 + NODE_HEIGHT / 2, y2 + NODE_HEIGHT / 2
            bend = (x2 - x1) / 2
            out.append(f'<path class="edge" d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} '
                       f'{x2 - bend:.1f},{y2c:.1f} {x2:.1f},{y2c:.1f}"/>')
    for claim_id, node in nodes.items():
        result = by_id[claim_id]
        x, y = box(node)
        colour = STATUS_COLOURS.get(result.status, "#6e7781")
        unexpected = ' stroke="#000" stroke-width="2.5"' if result.outcome == "unexpected" else ""
        mark = " ★" if claim_id in fully_proved else ""
        tooltip = f"{claim_id} — {result.claim.title} ({result.status}, {result.outcome})"
        out.append(f'<a href="#{escape(anchor(claim_id))}"><title>{escape(tooltip)}</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{column_width:.1f}" height="{NODE_HEIGHT}" rx="4" '
                   f'fill="{colour}"{unexpected}/>'
                   f'<text x="{x + 6:.1f}" y="{y + 14}">{escape(claim_id)}{mark}</text></a>')
    out.append("</svg>")
    return Markup("".join(out))

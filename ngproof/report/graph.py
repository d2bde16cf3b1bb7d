"""The claims' dependency graph as a map of the lesson: inline SVG, one cluster per section.

Sections are clusters in lesson order (the line of their heading in the lesson file, else the
order they first appear in the run), drawn as bands from top to bottom; within the drawing,
edges run left to right from what a claim rests on to the claim.  The layout is Graphviz
``dot`` when installed (:mod:`ngproof.report.dot`), else the pure-Python layered layout
(:mod:`ngproof.report.sugiyama`); both report their crossings, shown in the caption and on the
``<svg>`` as ``data-crossings-before``/``-after``.

A node is filled with its status colour and links to the claim's card; an erratum is a
hexagon with a dark red border, a wording note a box with a dashed amber border, an unexpected
outcome has a black border, and a fully proved claim (proved, and everything it rests on)
carries ★.  Its ``data-*`` attributes (status, outcome, judgement, section, tags, title) are
what the page's script filters and searches; the page reads without that script.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from ngproof.course.lessons import lesson_of
from ngproof.engine.runner import ClaimResult
from ngproof.report import dot, sugiyama
from ngproof.report.layering import GraphInput, Layout
from ngproof.report.places import section_line

STATUS_COLOURS = {"proved": "#1a7f37", "verified": "#0969da", "refuted": "#cf222e", "inconclusive": "#9a6700",
                  "error": "#8250df", "timeout": "#6e7781"}
NODE_HEIGHT, CHAR_WIDTH, TEXT_PAD, POINT = 22.0, 7.3, 9.0, 7.0
ENGINES = ("auto", "dot", "layered")


@dataclass(frozen=True)
class Drawing:
    """The graph's SVG and what its caption says."""

    svg: Markup
    nodes: int
    edges: int
    clusters: list[str]
    engine: str
    crossings_before: int
    crossings_after: int
    tags: list[str]


def anchor(claim_id: str) -> str:
    """The HTML id of a claim's card."""
    return "claim-" + claim_id


def label(claim_id: str, fully_proved: bool) -> str:
    return claim_id + (" ★" if fully_proved else "")


def sections(results: list[ClaimResult]) -> tuple[list[str], dict[str, int]]:
    """Cluster names in lesson order and each claim's cluster index.

    A run over several lessons keeps its lessons in order of first appearance and names each
    cluster ``lesson · section``.
    """
    lessons = {r.claim.id: lesson_of(r.claim) for r in results}
    several = len({lesson.id for lesson in lessons.values() if lesson}) > 1
    first: dict[tuple[str, str], int] = {}
    lesson_rank: dict[str, int] = {}
    line: dict[tuple[str, str], float] = {}
    for index, result in enumerate(results):
        lesson = lessons[result.claim.id]
        key = (lesson.id if lesson else "", result.claim.source.section)
        lesson_rank.setdefault(key[0], len(lesson_rank))
        if key not in first:
            first[key] = index
            found = section_line(lesson.material, key[1]) if lesson and lesson.material else None
            line[key] = float("inf") if found is None else found
    keys = sorted(first, key=lambda k: (lesson_rank[k[0]], line[k], first[k]))
    names = [f"{lesson_id} · {section}" if several and lesson_id else section for lesson_id, section in keys]
    position = {key: i for i, key in enumerate(keys)}
    cluster = {}
    for result in results:
        lesson = lessons[result.claim.id]
        cluster[result.claim.id] = position[(lesson.id if lesson else "", result.claim.source.section)]
    return names, cluster


def graph_input(results: list[ClaimResult], fully_proved: set[str] = frozenset()) -> GraphInput:
    """The claims as a clustered graph; dependencies outside the run are left out."""
    names, cluster = sections(results)
    present = {r.claim.id for r in results}
    sizes = {}
    for r in results:
        extra = 2 * POINT if r.claim.judgement == "erratum" else 0.0
        sizes[r.claim.id] = (len(label(r.claim.id, r.claim.id in fully_proved)) * CHAR_WIDTH + 2 * TEXT_PAD + extra,
                             NODE_HEIGHT)
    edges = [(d, r.claim.id) for r in results for d in dict.fromkeys(r.claim.depends_on) if d in present]
    return GraphInput([r.claim.id for r in results], sizes, cluster, names, edges)


def place(graph: GraphInput, engine: str = "auto") -> tuple[Layout, str]:
    """The layout by ``engine`` (``auto``: dot when installed, else layered) and a note on a fallback."""
    if engine not in ENGINES:
        raise ValueError(f"graph layout engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "dot" or (engine == "auto" and dot.executable()):
        try:
            return dot.layout(graph), ""
        except dot.DotError as exc:
            if engine == "dot":
                raise
            return sugiyama.layout(graph), f" ({exc})"
    return sugiyama.layout(graph), ""


def _path(points) -> str:
    (x, y), rest = points[0], points[1:]
    return f"M{x:.1f},{y:.1f} C" + " ".join(f"{px:.1f},{py:.1f}" for px, py in rest)


def _shape(judgement: str, x: float, y: float, w: float, h: float, colour: str) -> str:
    if judgement == "erratum":
        points = [(x + POINT, y), (x + w - POINT, y), (x + w, y + h / 2), (x + w - POINT, y + h),
                  (x + POINT, y + h), (x, y + h / 2)]
        return f'<polygon class="shape" points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in points)}" fill="{colour}"/>'
    return f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4" fill="{colour}"/>'


def render(results: list[ClaimResult], fully_proved: set[str] = frozenset(), engine: str = "auto") -> Drawing:
    """The graph of ``results`` drawn by ``engine``; an empty drawing when there are no claims."""
    if not results:
        return Drawing(Markup(""), 0, 0, [], "none", 0, 0, [])
    graph = graph_input(results, fully_proved)
    layout, note = place(graph, engine)
    engine_name = ("Graphviz dot" if layout.engine == "dot" else "ngproof's layered layout") + note
    summary = (f"Dependency graph: {len(results)} claims in {len(graph.clusters)} sections, laid out by "
               f"{engine_name}; {layout.crossings_before} edge crossings in reading order, "
               f"{layout.crossings_after} after ordering")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{layout.width:.0f}" '
           f'height="{layout.height:.0f}" viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" role="img" '
           f'aria-label="{escape(summary)}" data-engine="{layout.engine}" data-nodes="{len(results)}" '
           f'data-edges="{len(layout.routes)}" data-clusters="{len(graph.clusters)}" '
           f'data-crossings-before="{layout.crossings_before}" data-crossings-after="{layout.crossings_after}">',
           f"<title>{escape(summary)}</title>",
           '<defs><marker id="graph-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
           'orient="auto"><path d="M0,0 L8,4 L0,8 z" class="arrow"/></marker></defs>']
    for c, (name, (x, y, w, h)) in enumerate(zip(graph.clusters, layout.cluster_boxes)):
        out.append(f'<g class="cluster" data-cluster="{c}"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                   f'height="{h:.1f}" rx="6"/><text x="{x + 8:.1f}" y="{y + 17:.1f}">'
                   f'{c + 1} · {escape(name)}</text></g>')
    for tail, head, points in layout.routes:
        out.append(f'<path class="edge" data-from="{escape(tail)}" data-to="{escape(head)}" d="{_path(points)}" '
                   f'marker-end="url(#graph-arrow)"/>')
    for result in results:
        claim = result.claim
        x, y, w, h = layout.boxes[claim.id]
        fully = claim.id in fully_proved
        classes = " ".join(["node", claim.judgement] + (["fully"] if fully else [])
                           + (["unexpected"] if result.outcome == "unexpected" else []))
        notes = {"erratum": "; an erratum of the lesson", "wording": "; a note on wording"}.get(claim.judgement, "")
        tooltip = (f"{claim.id} — {claim.title} ({result.status}, {result.outcome}{notes}"
                   f"{'; fully proved' if fully else ''})")
        inset = POINT if claim.judgement == "erratum" else 0.0
        out.append(f'<a href="#{escape(anchor(claim.id))}" class="{classes}" data-id="{escape(claim.id)}" '
                   f'data-status="{result.status}" data-outcome="{result.outcome}" '
                   f'data-judgement="{claim.judgement}" data-section="{graph.cluster[claim.id]}" '
                   f'data-tags="{escape(" ".join(claim.tags))}" data-title="{escape(claim.title)}">'
                   f'<title>{escape(tooltip)}</title>'
                   + _shape(claim.judgement, x, y, w, h, STATUS_COLOURS.get(result.status, "#6e7781"))
                   + f'<text x="{x + TEXT_PAD + inset:.1f}" y="{y + h / 2 + 4.5:.1f}">'
                   f'{escape(label(claim.id, fully))}</text></a>')
    out.append("</svg>")
    tags = sorted({t for r in results for t in r.claim.tags})
    return Drawing(Markup("".join(out)), len(results), len(layout.routes), graph.clusters, engine_name,
                   layout.crossings_before, layout.crossings_after, tags)

"""The SVG plot helper and the dependency graph."""
import xml.etree.ElementTree as ET

from ngproof.report import graph
from ngproof.report.svg import Plot, Series, log_ticks, nice_ticks, render
from ngproof.verification import Run

SVG = "{http://www.w3.org/2000/svg}"


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 8) == [0, 2, 4, 6, 8]
    assert nice_ticks(0.4, 1.05) == [0.4, 0.6, 0.8, 1.0]
    assert log_ticks(-3, 2) == [-3, -2, -1, 0, 1, 2]


def test_plot_is_well_formed_svg_with_escaped_text():
    plot = Plot("<b>title</b>", "x", "y", [Series("a & b", [0, 1, 2], [1.0, None, 3.0])])
    root = ET.fromstring(str(render(plot)))
    assert root.find(f"{SVG}title").text == "<b>title</b>"
    assert len(root.findall(f".//{SVG}polyline")) == 2          # the None breaks the line


def test_graph_layers_by_depth_and_links_to_anchors(run: Run):
    nodes = graph.layout(run.results)
    assert nodes["demo.gradient"].depth == 0
    assert nodes["demo.wrong"].depth == nodes["demo.corrected"].depth == 1
    root = ET.fromstring(str(graph.render(run.results, run.fully_proved())))
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {f"#claim-{r.claim.id}" for r in run.results}
    assert len(root.findall(f".//{SVG}path")) == 2               # two dependency edges


def test_graph_survives_a_cycle(run: Run):
    from dataclasses import replace
    first, second = run.results[0], run.results[1]
    first.claim = replace(first.claim, depends_on=("demo.wrong",))
    depths = graph.depths([first, second])
    assert set(depths) == {"demo.gradient", "demo.wrong"}

"""The SVG plot helper and the dependency graph."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ngproof.engine.verification import Run
from ngproof.report import graph
from ngproof.report.svg import Plot, Series, log_ticks, nice_ticks, render

sys.path.insert(0, str(Path(__file__).parent))
from tools import need  # noqa: E402 - the test helper beside this file

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


@pytest.fixture(params=["layered", "dot"])
def engine(request) -> str:
    if request.param == "dot":
        need(("dot",), "apt-get install -y graphviz")
    return request.param


def test_graph_links_every_claim_to_its_card_and_reports_its_layout(run: Run, engine: str):
    drawing = graph.render(run.results, run.fully_proved(), engine)
    root = ET.fromstring(str(drawing.svg))
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {f"#claim-{r.claim.id}" for r in run.results}
    assert len(root.findall(f".//{SVG}path[@class='edge']")) == drawing.edges == 2
    assert root.get("data-engine") == engine and int(root.get("data-nodes")) == len(run.results) == drawing.nodes
    assert int(root.get("data-clusters")) == len(drawing.clusters) == 2
    assert int(root.get("data-crossings-after")) <= int(root.get("data-crossings-before"))
    assert float(root.get("width")) > 100 and float(root.get("height")) > 50     # readable without the script


def test_errata_wording_notes_and_fully_proved_claims_look_different(run: Run):
    root = ET.fromstring(str(graph.render(run.results, run.fully_proved(), "layered").svg))
    nodes = {a.get("data-id"): a for a in root.iter(f"{SVG}a")}
    assert nodes["demo.wrong"].find(f"{SVG}polygon") is not None and "erratum" in nodes["demo.wrong"].get("class")
    assert nodes["demo.loose"].find(f"{SVG}rect") is not None and "wording" in nodes["demo.loose"].get("class")
    assert nodes["demo.gradient"].find(f"{SVG}text").text.endswith("★") and "fully" in nodes["demo.gradient"].get("class")
    assert not nodes["demo.wrong"].find(f"{SVG}text").text.endswith("★")
    assert "unexpected" in nodes["demo.broken"].get("class")
    assert nodes["demo.hostile"].get("data-title") == "<script>alert(1)</script>"   # escaped, read back as text


def test_sections_follow_the_lesson_not_the_run(tmp_path):
    from ngproof.engine.verification import verify
    (tmp_path / "lesson.toml").write_text('id = "t"\ntitle = "T"\nmaterial = "lesson.md"\n', encoding="utf-8")
    (tmp_path / "lesson.md").write_text("# First\n\nOne is one.\n\n# Second\n\nTwo is two.\n", encoding="utf-8")
    (tmp_path / "theorems.py").write_text(
        "from ngproof import claim\n"
        "@claim('t.two', title='two', statement='2 = 2', source=('Second', 'Two is two.'))\n"
        "def _(c):\n    c.prove(2, 2)\n"
        "@claim('t.one', title='one', statement='1 = 1', source=('First', 'One is one.'))\n"
        "def _(c):\n    c.prove(1, 1)\n", encoding="utf-8")
    run = verify([tmp_path / "theorems.py"])
    names, cluster = graph.sections(run.results)
    assert names == ["First", "Second"] and cluster == {"t.one": 0, "t.two": 1}


def test_graph_survives_a_cycle(run: Run):
    from dataclasses import replace
    first, second = run.results[0], run.results[1]
    first.claim = replace(first.claim, depends_on=("demo.wrong",))
    drawing = graph.render([first, second], set(), "layered")
    assert drawing.nodes == 2 and drawing.edges == 2

"""The dependency graph of the packaged catalogue in headless Chromium: legible labels at the
default zoom, focus by URL and by click, filters and search, and no console error.

The page is rendered from the packaged catalogue's declarations with every claim given the
status its declaration expects (a rendering fixture: no claim is run here), so the graph has
the real size and shape: ~215 claims in ~20 sections.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from ngproof.engine.discovery import discover
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run
from ngproof.report import html

sys.path.insert(0, str(Path(__file__).parent))
from devtools import Browser  # noqa: E402 - test helpers beside this file
from png_pixels import read_png  # noqa: E402
from tools import need  # noqa: E402

NODES = "Array.from(document.querySelectorAll('svg.graph a.node'))"


@pytest.fixture(scope="module")
def catalogue_run() -> Run:
    claims = discover().claims
    results = [ClaimResult(c, "refuted" if c.is_erratum else "verified" if "kernel" in c.tags else "proved", 0.0)
               for c in claims]
    return Run(results, [], seed=0, profile="ci", seconds=0.0, started="2026-01-01T00:00:00+00:00")


@pytest.fixture(scope="module")
def page(catalogue_run: Run, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("graph") / "report.html"
    path.write_text(html.render(catalogue_run, figures=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = need(("chromium", "chromium-browser", "google-chrome"), "apt-get install -y chromium")
    with Browser(chromium, tmp_path_factory.mktemp("profile"), 1600, 1000) as open_browser:
        yield open_browser


def _lit(browser: Browser) -> set[str]:
    return set(browser.evaluate(f"{NODES}.filter(a => a.classList.contains('lit')).map(a => a.dataset.id)"))


def _closure(run: Run, start: str, upward: bool) -> set[str]:
    present = {r.claim.id for r in run.results}
    edges = {r.claim.id: [d for d in r.claim.depends_on if d in present] for r in run.results}
    if not upward:
        flipped: dict[str, list[str]] = {}
        for claim_id, deps in edges.items():
            for d in deps:
                flipped.setdefault(d, []).append(claim_id)
        edges = flipped
    seen, todo = set(), [start]
    while todo:
        for n in edges.get(todo.pop(), []):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def _ink(image: np.ndarray) -> float:
    return float((image[:, :, :3].astype(int).sum(axis=2) < 600).mean())


def test_the_whole_graph_is_drawn_with_legible_labels(browser: Browser, page: Path, catalogue_run: Run,
                                                      tmp_path: Path):
    browser.open(page.as_uri())
    info = browser.evaluate("""(() => {
        document.getElementById('graph').scrollIntoView();
        const view = document.getElementById('graph-view').getBoundingClientRect();
        const labels = Array.from(document.querySelectorAll('svg.graph a.node text')).map(t => t.getBoundingClientRect())
            .filter(r => r.bottom > view.top && r.top < view.bottom && r.right > view.left && r.left < view.right);
        const svg = document.querySelector('svg.graph');
        return {view: [view.left, view.top, view.width, view.height], visible: labels.length,
                heights: labels.map(r => r.height), tools: !document.getElementById('graph-tools').hidden,
                nodes: +svg.dataset.nodes, clusters: +svg.dataset.clusters,
                bands: document.querySelectorAll('svg.graph g.cluster').length};
    })()""")
    shot = browser.screenshot(tmp_path / "graph.png")
    assert not browser.errors, browser.errors
    assert info["tools"]                                              # the script ran and showed its controls
    assert info["nodes"] == len(catalogue_run.results) and info["bands"] == info["clusters"] >= 15
    assert info["visible"] >= 10, info                               # default zoom is 1:1, so labels are readable
    assert min(info["heights"]) >= 10, info["heights"]               # 12px labels: at least 10px on screen
    left, top, width, height = (int(v) for v in info["view"])
    image = read_png(shot)[max(top, 0):top + height, left:left + width]
    assert image.size and _ink(image) > 0.02 and image[:, :, :3].std() > 20   # not blank: boxes, text and edges
    green = np.all(np.abs(image[:, :, :3].astype(int) - [0x1A, 0x7F, 0x37]) < 12, axis=2).mean()
    assert green > 0.005                                              # proved boxes, in their colour


def test_focus_by_url_and_by_click_lights_what_a_claim_rests_on_and_carries(browser: Browser, page: Path,
                                                                            catalogue_run: Run):
    degree = {r.claim.id: len(_closure(catalogue_run, r.claim.id, True)) + len(_closure(catalogue_run, r.claim.id, False))
              for r in catalogue_run.results}
    hub = max(degree, key=degree.get)
    browser.open(page.as_uri() + "#" + hub)
    expected = {hub} | _closure(catalogue_run, hub, True) | _closure(catalogue_run, hub, False)
    assert _lit(browser) == expected
    assert browser.evaluate("document.querySelector('svg.graph').classList.contains('focusing')")
    in_view = browser.evaluate(f"""(() => {{
        const r = document.querySelector('svg.graph a.node[data-id="{hub}"]').getBoundingClientRect();
        const v = document.getElementById('graph-view').getBoundingClientRect();
        return r.left >= v.left && r.right <= v.right + 400 && r.top >= v.top && r.bottom <= v.bottom; }})()""")
    assert in_view                                                     # focusing pans the graph to the claim
    other = next(r.claim.id for r in catalogue_run.results
                 if r.claim.id not in expected and _closure(catalogue_run, r.claim.id, True))
    browser.evaluate(f"""document.querySelector('svg.graph a.node[data-id="{other}"]')
        .dispatchEvent(new MouseEvent('click', {{bubbles: true, cancelable: true}}))""")
    after = _lit(browser)
    assert after == {other} | _closure(catalogue_run, other, True) | _closure(catalogue_run, other, False)
    assert after != expected and browser.evaluate("location.hash") == "#" + other
    assert other in browser.evaluate("document.getElementById('graph-focus').textContent")
    assert not browser.errors, browser.errors


def test_the_focused_screenshot_fades_the_rest(browser: Browser, page: Path, catalogue_run: Run, tmp_path: Path):
    browser.open(page.as_uri())
    browser.evaluate("document.getElementById('graph').scrollIntoView()")
    whole = read_png(browser.screenshot(tmp_path / "whole.png"))
    hub = next(r.claim.id for r in catalogue_run.results if r.claim.depends_on and r.claim.id in
               {d for q in catalogue_run.results for d in q.claim.depends_on})
    browser.evaluate(f"""(() => {{ location.hash = '{hub}'; document.getElementById('graph').scrollIntoView(); }})()""")
    browser.evaluate("new Promise(r => setTimeout(r, 100))")
    focused = read_png(browser.screenshot(tmp_path / "focused.png"))
    assert not browser.errors, browser.errors
    assert _lit(browser) >= {hub} and len(_lit(browser)) < len(catalogue_run.results) / 2
    assert np.abs(whole.astype(int) - focused.astype(int)).mean() > 1      # the picture changed
    faded = browser.evaluate(f"""getComputedStyle({NODES}.find(a => !a.classList.contains('lit'))).opacity""")
    assert float(faded) < 0.5


def test_filters_and_search_fade_what_does_not_match(browser: Browser, page: Path, catalogue_run: Run):
    browser.open(page.as_uri())

    def shown() -> set[str]:
        return set(browser.evaluate(f"{NODES}.filter(a => !a.classList.contains('dim')).map(a => a.dataset.id)"))

    assert shown() == {r.claim.id for r in catalogue_run.results}
    browser.evaluate("""(() => { const f = document.getElementById('graph-find'); f.value = 'fisher';
                         f.dispatchEvent(new Event('input')); })()""")
    assert shown() == {r.claim.id for r in catalogue_run.results if "fisher" in (r.claim.id + " " + r.claim.title).lower()}
    browser.evaluate("""(() => { const f = document.getElementById('graph-find'); f.value = '';
                         f.dispatchEvent(new Event('input'));
                         const s = document.getElementById('graph-tag'); s.value = 'kfac';
                         s.dispatchEvent(new Event('change')); })()""")
    assert shown() == {r.claim.id for r in catalogue_run.results if "kfac" in r.claim.tags}
    browser.evaluate("""(() => { const s = document.getElementById('graph-tag'); s.value = '';
                         s.dispatchEvent(new Event('change'));
                         const o = document.querySelector('.graph-status[value="proved"]'); o.checked = false;
                         o.dispatchEvent(new Event('change')); })()""")
    assert shown() == {r.claim.id for r in catalogue_run.results if r.status != "proved"}
    browser.evaluate("""(() => { const o = document.querySelector('.graph-status[value="proved"]'); o.checked = true;
                         o.dispatchEvent(new Event('change'));
                         const s = document.getElementById('graph-section'); s.value = '0';
                         s.dispatchEvent(new Event('change')); })()""")
    first_section = browser.evaluate(f"{NODES}.filter(a => a.dataset.section === '0').length")
    assert len(shown()) == first_section > 0
    assert "of %d claims match" % len(catalogue_run.results) in browser.evaluate(
        "document.getElementById('graph-count').textContent")
    assert not browser.errors, browser.errors


def test_a_script_error_would_be_caught(browser: Browser, page: Path, tmp_path: Path):
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text(encoding="utf-8").replace("</body>", "<script>undefinedCall();</script></body>"),
                      encoding="utf-8")
    browser.open(broken.as_uri())
    assert any("undefinedCall" in e for e in browser.errors), browser.errors
    browser.errors.clear()

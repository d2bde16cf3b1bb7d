"""The HTML report in a real browser: headless Chromium renders it, is not blank,
gives every MathML formula a size, and logs no console error.

CI installs Chromium and sets NGPROOF_REQUIRE_TOOLS=1: there a missing browser
fails the test.  Elsewhere (the README's test command on a machine with only
Python) it is skipped with a message saying what to install (tools.py).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ngproof.engine.verification import verify
from ngproof.report import html

sys.path.insert(0, str(Path(__file__).parent))
from png_pixels import read_png  # noqa: E402 - the test helpers beside this file
from tools import need  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
CATALOGUE = textwrap.dedent(r'''
    """A tiny catalogue for the browser test."""
    import sympy as sp

    from ngproof import claim, figure, uncheckable

    x = sp.Symbol("x", real=True)
    SECTION = "Worked Examples"


    @claim("demo.difference-of-squares", title="Difference of squares",
           statement=r"\frac{x^2 - 1}{x - 1} = x + 1", source=(SECTION, r"so $\frac{x^2-1}{x-1} = x + 1$"))
    def _(c):
        c.prove((x**2 - 1) / (x - 1), x + 1, scope="all real x ≠ 1")


    @claim("demo.square-is-double", title="<script>alert(1)</script>",
           statement=r"\begin{pmatrix} x^2 & 0 \ 0 & 1 \end{pmatrix} = \begin{pmatrix} 2x & 0 \ 0 & 1 \end{pmatrix}",
           source=(SECTION, "<script>alert(1)</script>"), expect="false",
           depends_on=("demo.difference-of-squares",))
    def _(c):
        c.counterexample({x: 3}, x**2, 2 * x, detail="at x = 3: 9 ≠ 6")


    @claim("demo.square-at-two", title="Corrected: x² = 2x exactly at x = 0 and x = 2",
           statement=r"\boxed{x^2 - 2x = x(x - 2)}", source=(SECTION, "x squared is twice x"),
           corrects="demo.square-is-double", depends_on=("demo.square-is-double",))
    def _(c):
        c.prove(x**2 - 2 * x, x * (x - 2), scope="all real x")


    uncheckable(SECTION, "an analogy", "no mathematical content")


    @figure("demo.parabola", title="x² and 2x", section=SECTION)
    def _():
        from ngproof.report.svg import Plot, Series, render
        xs = [0, 1, 2, 3]
        return render(Plot("x² and 2x", "x", "y", [Series("x²", xs, [v * v for v in xs]),
                                                   Series("2x", xs, [2 * v for v in xs])])), "they meet at 0 and 2"
''')
PROBE = """
<pre id="ngproof-probe">pending</pre>
<script>
  var probeErrors = [];
  window.addEventListener("error", function (e) { probeErrors.push(String(e.message)); });
  window.addEventListener("load", function () {
    var sizes = Array.prototype.map.call(document.querySelectorAll("math"), function (m) {
      var box = m.getBoundingClientRect(); return [box.width, box.height];
    });
    document.getElementById("ngproof-probe").textContent = JSON.stringify({
      maths: sizes, errors: probeErrors, height: document.documentElement.scrollHeight,
      svgs: document.querySelectorAll("svg").length,
      mathmlSupported: typeof MathMLElement !== "undefined"});
  });
</script>
"""


def _chromium() -> str:
    return need(("chromium", "chromium-browser", "google-chrome"), "apt-get install -y chromium")


def _browse(chromium: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *arguments], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("catalogue")
    (folder / "01_demo.py").write_text(CATALOGUE, encoding="utf-8")
    run = verify([folder])
    assert [r.outcome for r in run.results] == ["expected"] * 3 and not run.load_errors
    page = folder / "report.html"
    page.write_text(html.render(run), encoding="utf-8")
    return page


def test_the_reports_one_script_is_inline(report: Path):
    text = report.read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", text) == ["<script>"] and "alert(1)</script>" not in text


def test_mathml_has_size_and_no_console_error(report: Path, tmp_path: Path):
    chromium = _chromium()
    probed = tmp_path / "probed.html"  # the probe goes into a test copy only, never into the report
    probed.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _browse(chromium, tmp_path / "profile", "--enable-logging=stderr", "--v=0",
                   "--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000", "--dump-dom",
                   probed.as_uri())
    match = re.search(r'<pre id="ngproof-probe">(.*?)</pre>', done.stdout, re.S)
    assert match, f"no DOM dumped (exit {done.returncode}): {done.stderr[-2000:]}"
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console and not probe["errors"], console or probe["errors"]
    assert probe["mathmlSupported"]
    assert len(probe["maths"]) >= 4
    assert all(width > 0 and height > 0 for width, height in probe["maths"]), probe["maths"]
    assert probe["svgs"] >= 2 and probe["height"] > 800      # the graph and the declared figure, a real page


def test_screenshot_is_not_blank(report: Path, tmp_path: Path):
    chromium = _chromium()
    shot = tmp_path / "report.png"
    done = _browse(chromium, tmp_path / "profile", "--hide-scrollbars", "--window-size=1000,1200",
                   f"--screenshot={shot}", report.as_uri())
    assert shot.is_file(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    image = read_png(shot)[:, :, :3].astype(int)
    assert image.shape[:2] == (1200, 1000)
    ink = (image.sum(axis=2) < 600).mean()                   # share of pixels clearly darker than white
    assert ink > 0.01 and image.std() > 10, f"the page looks blank (ink {ink:.4f}, std {image.std():.1f})"
    colours = {tuple(c) for c in image.reshape(-1, 3)[::97]}
    assert len(colours) > 20                                   # text, badges, borders: not one flat colour
    green = np.all(np.abs(image - np.array([0x1A, 0x7F, 0x37])) < 12, axis=2).mean()
    assert green > 0.0005                                      # the 'proved' badges are drawn

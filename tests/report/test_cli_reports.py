"""``verify --junit FILE --html FILE`` end to end: both reports written whole, nothing left behind."""
import subprocess
import sys
import xml.etree.ElementTree as ET

THEOREM = '''
from ngproof import claim

@claim("cli.one", title="One is one", statement="1 = 1", source=("A section", "one is one"))
def _(c):
    c.observe(True, detail="1 == 1")
'''


def test_verify_writes_junit_and_html(tmp_path):
    (tmp_path / "theorems").mkdir()
    (tmp_path / "theorems" / "01_one.py").write_text(THEOREM, encoding="utf-8")
    reports = tmp_path / "reports"
    done = subprocess.run([sys.executable, "-m", "ngproof", "verify", str(tmp_path / "theorems"), "-q", "-j", "1",
                           "--no-cache", "--junit", str(reports / "junit.xml"), "--html", str(reports / "report.html")],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in reports.iterdir()) == ["junit.xml", "report.html"]   # no temporary files left
    suite = ET.parse(reports / "junit.xml").getroot().find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0" and suite.get("errors") == "0"
    page = (reports / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="claim-cli.one"' in page and page.rstrip().endswith("</html>")

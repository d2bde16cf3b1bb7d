"""The documented CI workflow stays in step with the command line it runs."""
import re
import shlex
from pathlib import Path

from ngproof.cli import build_parser

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "github-actions.yml"


def test_the_verify_command_of_the_example_parses_and_writes_all_three_reports():
    text = WORKFLOW.read_text(encoding="utf-8")
    block = re.search(r"run: >\n((?: {10}.*\n)+)", text).group(1)
    words = shlex.split(" ".join(line.strip() for line in block.splitlines()))
    assert words[:3] == ["python", "-m", "ngproof"]
    args = build_parser().parse_args(words[3:])
    assert (str(args.json), str(args.junit), str(args.html)) == (
        "reports/ngproof.json", "reports/junit.xml", "reports/ngproof.html")


def test_reports_are_uploaded_even_when_verification_fails():
    text = WORKFLOW.read_text(encoding="utf-8")
    uploads = text.count("uses: actions/upload-artifact@")
    assert uploads >= 2 and text.count("if: ${{ always() }}") >= uploads
    assert "reports/ngproof.html" in text and "reports/junit.xml" in text

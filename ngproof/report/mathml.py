"""LaTeX to native MathML for the HTML report, linted, sanitised, with a visible fallback.

latex2mathml does the conversion; this module guards it:

* the lesson writes matrix rows separated by a single ``\\ `` (a LaTeX space),
  which would glue two rows into one: inside matrix environments it becomes
  the row separator ``\\\\`` before converting;
* operator names latex2mathml lacks (``\\arg``, ``\\argmax``, ``\\tr`` …)
  become ``\\operatorname``;
* ``\\boxed`` becomes ``menclose``, which Chromium's MathML Core does not draw:
  the box is dropped, the content kept;
* latex2mathml copies ``\\text{...}`` verbatim (markup included) and turns an
  unknown command into plain text: the output's text is re-escaped, its
  elements and attributes checked against MathML's, and a formula with an
  unknown command, a leftover ``menclose`` or ragged matrix rows is shown as
  its LaTeX source, marked, instead of as wrong mathematics.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from latex2mathml.converter import convert
from markupsafe import Markup

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
ELEMENTS = frozenset(
    "math mrow mi mn mo mtext ms mspace msub msup msubsup mfrac msqrt mroot mover munder munderover "
    "mtable mtr mtd mstyle mpadded mphantom menclose merror semantics annotation mmultiscripts "
    "mprescripts none".split())
ATTRIBUTES = frozenset(
    "display mathvariant stretchy fence form minsize maxsize accent accentunder columnalign rowalign "
    "columnspacing rowspacing columnlines rowlines frame width height depth lspace rspace linethickness "
    "movablelimits displaystyle scriptlevel separator largeop symmetric notation mathcolor "
    "mathbackground".split())
_MATRICES = re.compile(r"(\\begin\{([pbBvV]?matrix|smallmatrix|array|cases|aligned)\})(.*?)(\\end\{\2\})", re.S)
_LONE_ROW_BREAK = re.compile(r"(?<!\\)\\ ")
_TAG = re.compile(r"</?([a-z]+)(?:\s[^<>]*)?/?>")
_BARE_AMPERSAND = re.compile(r"&(?!#x?[0-9A-Fa-f]+;|[a-zA-Z]+;)")
_MATH_IN_TEXT = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
# Operator names latex2mathml does not know, written as the upright operators they are.
_OPERATORS = re.compile(r"\\(arg|argmax|argmin|tr|diag|vec|Var|Cov|sign)(?![A-Za-z])")
_OPERATOR_TEXT = {"argmax": r"arg\,max", "argmin": r"arg\,min"}


@dataclass(frozen=True)
class Formula:
    """A converted formula: its markup, and why it fell back to the LaTeX source (if it did)."""

    markup: Markup
    problem: str | None = None


def repair(latex: str) -> str:
    """Make the lesson's LaTeX say what it means before converting (see the module docstring)."""
    latex = _MATRICES.sub(lambda m: m.group(1) + _LONE_ROW_BREAK.sub(r"\\\\ ", m.group(3)) + m.group(4), latex)
    latex = _OPERATORS.sub(lambda m: r"\operatorname{" + _OPERATOR_TEXT.get(m.group(1), m.group(1)) + "}", latex)
    return _drop_boxes(latex)


def _drop_boxes(latex: str) -> str:
    """``\\boxed{x}`` → ``{x}`` (braces matched, so nested groups survive)."""
    while (start := latex.find(r"\boxed")) >= 0:
        brace = latex.find("{", start)
        if brace < 0 or latex[start + len(r"\boxed"):brace].strip():
            break
        latex = latex[:start] + latex[brace:]
    return latex


def _escape_stray_text(mathml: str) -> str:
    """Escape every ``<``/``>``/``&`` that is not part of a MathML tag or a character reference."""
    pieces, position = [], 0
    for match in _TAG.finditer(mathml):
        if match.group(1) not in ELEMENTS:
            continue
        pieces.append(_escape_text(mathml[position:match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_escape_text(mathml[position:]))
    return "".join(pieces)


def _escape_text(text: str) -> str:
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def lint(root: ET.Element) -> str | None:
    """What is wrong with converted MathML, or None."""
    for element in root.iter():
        if element.tag not in ELEMENTS:
            return f"unexpected element <{element.tag}>"
        if element.tag == "menclose":
            return "menclose (not drawn by MathML Core)"
        text = (element.text or "").strip()
        if text.startswith("\\"):
            return f"unknown command {text.split()[0]}"
        if element.tag == "mtable":
            widths = {len(row.findall("mtd")) for row in element.findall("mtr")}
            if len(widths) > 1:
                return "matrix rows of different lengths (a lost row break?)"
    return None


def _sanitise(root: ET.Element) -> None:
    for element in root.iter():
        for name in [n for n in element.attrib if n not in ATTRIBUTES]:
            del element.attrib[name]


LONG_SOURCE = 400


def fallback(latex: str, problem: str) -> Markup:
    """The LaTeX source, shown as such, with the reason on hover; a long source folded away."""
    code = Markup('<code class="tex-fallback" title="shown as LaTeX: {}">{}</code>').format(problem, latex)
    if len(latex) <= LONG_SOURCE:
        return code
    return Markup('<details class="tex-long"><summary>formula of {} characters, not rendered ({}): '
                  'show its LaTeX</summary>{}</details>').format(len(latex), problem, code)


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool = False) -> Formula:
    """``latex`` as a ``<math>`` element, or its escaped source when conversion is not trustworthy."""
    source = latex.strip()
    if not source:
        return Formula(Markup(""))
    try:
        converted = convert(repair(source), display="block" if display else "inline")
        root = ET.fromstring(_escape_stray_text(converted).replace(f' xmlns="{MATHML_NS}"', "", 1))
    except Exception as exc:  # latex2mathml raises a zoo of token errors on malformed input
        problem = f"latex2mathml could not convert it ({type(exc).__name__})"
        return Formula(fallback(source, problem), problem)
    problem = lint(root)
    if problem:
        return Formula(fallback(source, problem), problem)
    _sanitise(root)
    root.set("xmlns", MATHML_NS)
    return Formula(Markup(ET.tostring(root, encoding="unicode")))


def from_presentation(mathml: str, display: bool = True) -> Formula | None:
    """sympy's presentation MathML (no ``<math>`` root) as a linted ``<math>`` element, or None."""
    try:
        root = ET.fromstring(f"<math>{mathml}</math>".replace("&InvisibleTimes;", "&#8290;")
                             .replace("&ApplyFunction;", "&#8289;").replace("&#x2062;", "&#8290;"))
    except ET.ParseError:
        return None
    if lint(root):
        return None
    _sanitise(root)
    root.set("xmlns", MATHML_NS)
    if display:
        root.set("display", "block")
    return Formula(Markup(ET.tostring(root, encoding="unicode")))


def rich_text(text: str) -> Markup:
    """Prose with ``$…$`` and ``$$…$$`` formulas: the prose escaped, the formulas as MathML."""
    pieces, position = [], 0
    for match in _MATH_IN_TEXT.finditer(text):
        pieces.append(escape(text[position:match.start()]))
        pieces.append(to_mathml(match.group(1) or match.group(2), display=False).markup)
        position = match.end()
    pieces.append(escape(text[position:]))
    return Markup("".join(pieces))

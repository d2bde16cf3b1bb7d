"""LaTeX → MathML: repairs the lesson's quirks, escapes markup, falls back visibly."""
import xml.etree.ElementTree as ET

from ngproof.report.mathml import repair, rich_text, to_mathml


def _tree(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_single_backslash_row_separator_in_pmatrix_becomes_a_row_break():
    assert repair(r"\begin{pmatrix} 2 & 1 \ 1 & 2 \end{pmatrix}") == r"\begin{pmatrix} 2 & 1 \\ 1 & 2 \end{pmatrix}"
    root = _tree(to_mathml(r"\Sigma = \begin{pmatrix} 2 & 1 \ 1 & 2 \end{pmatrix}").markup)
    rows = root.findall(".//{http://www.w3.org/1998/Math/MathML}mtr")
    assert [len(r) for r in rows] == [2, 2]


def test_a_space_outside_matrices_stays_a_space():
    assert repair(r"x\ y") == r"x\ y"


def test_boxed_loses_its_box_but_keeps_its_content():
    formula = to_mathml(r"\boxed{\theta_{t+1} = \theta_t}")
    assert formula.problem is None and "menclose" not in formula.markup and "θ" in formula.markup


def test_text_with_markup_is_escaped():
    formula = to_mathml(r"\text{<script>alert(1)</script> & more}")
    assert "<script>" not in formula.markup and "&lt;script&gt;" in formula.markup
    assert _tree(formula.markup).tag.endswith("math")


def test_unknown_command_falls_back_to_visible_latex():
    formula = to_mathml(r"\frobnicate{x} = 1")
    assert formula.problem == r"unknown command \frobnicate"
    assert 'class="tex-fallback"' in formula.markup and r"\frobnicate{x} = 1" in formula.markup


def test_malformed_latex_falls_back():
    formula = to_mathml(r"\frac{a}{")
    assert formula.problem and "tex-fallback" in formula.markup


def test_operator_names_latex2mathml_lacks_are_upright_operators():
    assert to_mathml(r"\arg\max_\mu f(\mu)").problem is None


def test_rich_text_converts_dollar_math_and_escapes_prose():
    markup = rich_text(r"Standard <b>gradient</b>: $\nabla_\theta\mathcal{L} = \sigma(\theta) - y$.")
    assert "&lt;b&gt;" in markup and markup.count("<math") == 1 and "∇" in markup


def test_a_long_unrenderable_formula_is_folded_but_still_there():
    latex = r"\left[" + " + ".join(f"x_{{{i}}}" for i in range(200)) + r"\ldots"
    formula = to_mathml(latex)
    assert formula.problem and formula.markup.startswith("<details") and "x_{199}" in formula.markup

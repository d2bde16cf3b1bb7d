"""The lesson parser: Markdown and plain text as people write them, every passage with its file and line."""
from __future__ import annotations

import pytest

from ngproof.course.material import MaterialError, parse, read

MARKDOWN = r"""---
title: front matter is skipped
---
# 03-01 — Newton's Method for Logistic Regression

Logistic regression fits $\theta$ by minimising the
negative log-likelihood. Newton's method uses
curvature.

## The Gradient

The gradient of the loss is:

$$
\nabla L(\theta) = X^T (\sigma(X\theta) - y)
$$

- a bullet that wraps
  onto a second line
* another bullet
1. a numbered item

| Quantity | Formula |
|---|---|
| gradient | $X^T(p - y)$ |

> A quoted remark. It has two sentences.

```python
theta = theta - step
```

## Summary
Short line without a full stop
"""


def test_markdown_headings_are_exactly_its_atx_headings_without_marks():
    lesson = parse(MARKDOWN, "newton.md")
    assert lesson.markdown
    assert [(h.text, h.level, h.line) for h in lesson.headings] == [
        ("03-01 — Newton's Method for Logistic Regression", 1, 4), ("The Gradient", 2, 10), ("Summary", 2, 33)]
    assert lesson.title == "03-01 — Newton's Method for Logistic Regression"


def test_hard_wrapped_paragraphs_join_and_split_into_sentences_with_their_lines():
    lesson = parse(MARKDOWN, "newton.md")
    rows = [(p.kind, p.section, p.text, p.line) for p in lesson.passages]
    intro = "03-01 — Newton's Method for Logistic Regression"
    assert rows[:2] == [
        ("sentence", intro, r"Logistic regression fits $\theta$ by minimising the negative log-likelihood.", 6),
        ("sentence", intro, "Newton's method uses curvature.", 7)]
    assert ("formula", "The Gradient", r"The gradient of the loss is: $$ \nabla L(\theta) = X^T (\sigma(X\theta) - y) $$",
            12) in rows
    assert ("bullet", "The Gradient", "- a bullet that wraps onto a second line", 18) in rows
    assert ("bullet", "The Gradient", "* another bullet", 20) in rows
    assert ("bullet", "The Gradient", "1. a numbered item", 21) in rows
    assert ("table-row", "The Gradient", "| gradient | $X^T(p - y)$ |", 25) in rows
    assert ("sentence", "The Gradient", "It has two sentences.", 27) in rows
    assert ("code", "The Gradient", "theta = theta - step", 30) in rows
    # in Markdown a short line is text, not a heading
    assert rows[-1] == ("sentence", "Summary", "Short line without a full stop", 34)
    assert all(p.path == "newton.md" for p in lesson.passages)


def test_a_quote_is_found_across_line_breaks_with_its_line():
    lesson = parse(MARKDOWN, "newton.md")
    assert lesson.line_of("minimising the negative log-likelihood", "03-01 — Newton's Method for Logistic Regression") == 6
    assert lesson.line_of(r"\nabla L(\theta) = X^T (\sigma(X\theta) - y)", "The Gradient") == 15
    found = lesson.find("Newton's method uses curvature.", "The Gradient")
    assert found.spans and "outside its section 'The Gradient' (at newton.md:7)" in found.warning
    assert lesson.find("nowhere in the lesson", "The Gradient").problem == "quote not found in the material"
    assert "not a heading" in lesson.find("curvature", "## The Gradient").warning  # headings carry no '#'


def test_plain_text_follows_the_same_rules_with_short_lines_of_their_own_as_headings():
    text = ("Newton's Method\n\nThe Newton step for logistic regression uses the\nHessian $H = X^T S X$."
            " It converges fast.\n\nSummary\n\nNewton is quadratic\nnear the optimum.\n")
    lesson = parse(text, "newton.txt")
    assert not lesson.markdown
    assert [(h.text, h.line) for h in lesson.headings] == [("Newton's Method", 1), ("Summary", 6)]
    assert [(p.section, p.text, p.line) for p in lesson.passages] == [
        ("Newton's Method", "The Newton step for logistic regression uses the Hessian $H = X^T S X$.", 3),
        ("Newton's Method", "It converges fast.", 4),
        ("Summary", "Newton is quadratic near the optimum.", 8)]  # a wrapped line is never a heading


def test_text_with_no_blank_line_is_read_one_paragraph_per_line():
    lesson = parse("Squares\nThe square is never negative. It is zero at zero.\nSolution:\n$$x^2 \\ge 0$$\n")
    assert [h.text for h in lesson.headings] == ["Squares"]
    assert [(p.kind, p.text, p.line) for p in lesson.passages] == [
        ("sentence", "The square is never negative.", 2), ("sentence", "It is zero at zero.", 2),
        ("formula", "Solution: $$x^2 \\ge 0$$", 3)]


@pytest.mark.parametrize("text, message", [
    ("# T\n\n$$\nx = 1\n", r"lesson.md: a display formula opened with \$\$ at line 3 is never closed"),
    ("# T\n\n```\ncode\n", "lesson.md: a code block opened with ``` at line 3 is never closed"),
])
def test_an_unclosed_block_is_an_error_naming_file_and_line(tmp_path, text, message):
    (tmp_path / "lesson.md").write_text(text)
    with pytest.raises(MaterialError, match=message):
        read(tmp_path / "lesson.md")


def test_a_file_that_is_not_utf8_is_an_error_naming_file_and_line(tmp_path):
    (tmp_path / "lesson.txt").write_bytes("Title\n\nok\n".encode() + "caf\xe9\n".encode("latin-1"))
    with pytest.raises(MaterialError, match=r"lesson.txt:4: not UTF-8 text"):
        read(tmp_path / "lesson.txt")
    with pytest.raises(MaterialError, match="nowhere.md: cannot read the lesson"):
        read(tmp_path / "nowhere.md")

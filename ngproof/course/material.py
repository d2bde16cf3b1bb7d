"""A lesson's text as people write it: its headings and passages, each with its file and line.

The one reader of lesson files: ``init`` takes its first claim from it, ``coverage`` maps its passages to
claims, and a claim's ``source=(section, quote)`` is checked against it.  Markdown and plain text follow
the same rules.

Blocks.  A paragraph is a run of lines ended by a blank line; hard-wrapped lines join with one space.
A text with no blank line at all is read one paragraph per line (the layout of exported lessons such as
24-02).  A new block also starts at an ATX heading (``#`` to ``######``), a list item (``-``, ``*``,
``+``, ``1.``, ``1)``), a table row (``|...``), a display formula (``$$...$$``, on one line or across
several) and a fenced code block (three backticks or tildes).  A leading ``---`` front matter block,
``>`` quote markers and thematic breaks (``---``, ``***``) are skipped.

Headings.  When the text has an ATX heading anywhere, its headings are exactly its ATX headings, without
the ``#`` marks (``## Newton's method`` is the section ``Newton's method``).  Otherwise (plain text) a
heading is a paragraph of one line of at most 90 characters, with no math and no sentence-ending
punctuation (``.?!;,:``); in the one-paragraph-per-line layout, a heading glued to the end of a
sentence (``...latents.Problem 2: ...``) is split off too.

Passages, what a claim can cite:

* a display formula, joined with the sentence before it when that sentence ends in ``:``;
* a table row (not the header row, not the ``|---|`` rule);
* a list item (with its marker), a quiz option line (``A. ... B. ...``), a ``Correct Answer: ...`` line;
* a fenced code block;
* in every other paragraph, each sentence (never split inside ``$...$`` math, nor after ``e.g.``,
  ``i.e.``, ``vs.``, ``etc.``, ``cf.`` or inside a decimal number).

Labels that introduce what follows are not passages: a short line ending in ``:`` (``Solution:``),
``Click for answer``, a lone ``-`` and quiz prompts ``Question N: ...``.

Quotes.  A quote is matched after removing all whitespace and the LaTeX spacing commands ``\\,``
``\\;`` ``\\:`` ``\\!`` ``\\ `` ``\\quad`` ``\\qquad``: line breaks and spacing never matter.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

_ATX = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+\S")
_BREAK = re.compile(r"^([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_LATEX_SPACING = re.compile(r"\\(?:qquad|quad)(?![A-Za-z])|\\[,;:! ]")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "etc.", "cf.")
_QUESTION = re.compile(r"^Question \d+:")
_OPTIONS = re.compile(r"^A\. .* B\. ")
_GLUED_LABEL = re.compile(r"(?<=[a-z0-9)$])(?=(?:Problem|Example|Question) \d+:)")
_MAX_HEADING = 90
_MAX_LABEL = 40


class MaterialError(ValueError):
    """A lesson file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Heading:
    """A section heading: its text (no ``#``), level (1-6 for ATX, 0 in plain text), offset and line."""

    text: str
    level: int
    start: int
    line: int


@dataclass
class Passage:
    """A unit of the lesson a claim can cite: its text, kind, section, and where it is (offsets, line, file)."""

    index: int
    kind: str
    section: str
    text: str
    start: int
    end: int
    line: int
    path: str | None = None


@dataclass
class Found:
    """Where a quote occurs: the chosen ``spans`` (offsets), or the ``problem`` (not found), and a ``warning``."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    problem: str = ""
    warning: str = ""


def normalise(text: str) -> str:
    """Text for matching: LaTeX spacing commands and all whitespace removed."""
    return re.sub(r"\s+", "", _LATEX_SPACING.sub("", text))


def _normalised_with_origin(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, its offset in ``text``."""
    dropped = set()
    for match in _LATEX_SPACING.finditer(text):
        dropped.update(range(match.start(), match.end()))
    kept = [i for i, ch in enumerate(text) if i not in dropped and not ch.isspace()]
    return "".join(text[i] for i in kept), kept


@dataclass
class Material:
    """A parsed lesson: its text, file, headings and passages (see the module docstring)."""

    text: str
    path: str | None
    headings: list[Heading]
    passages: list[Passage]
    markdown: bool
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _normal: tuple[str, list[int]] | None = field(default=None, repr=False)

    @property
    def title(self) -> str | None:
        """The first heading's text (None without headings)."""
        return self.headings[0].text if self.headings else None

    def line_at(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return bisect_right(self._line_starts, offset)

    def where(self, line: int) -> str:
        """``file:line`` (``line N`` for text without a file), for messages."""
        return f"{self.path}:{line}" if self.path else f"line {line}"

    def section_span(self, section: str) -> tuple[int, int] | None:
        """[start, end) of a section: from its first heading to the next heading."""
        for i, heading in enumerate(self.headings):
            if heading.text == section:
                return heading.start, self.headings[i + 1].start if i + 1 < len(self.headings) else len(self.text)
        return None

    def find(self, quote: str, section: str | None = None) -> Found:
        """Where ``quote`` occurs: under ``section`` if it does there, else after its heading, else anywhere.

        The fallbacks carry a ``warning``; an unknown section is a warning too; no occurrence is a ``problem``.
        """
        if self._normal is None:
            self._normal = _normalised_with_origin(self.text)
        normal_text, origin = self._normal
        needle = normalise(quote)
        if not needle:
            return Found(problem="empty quote")
        spans, at = [], normal_text.find(needle)
        while at != -1:
            spans.append((origin[at], origin[at + len(needle) - 1] + 1))
            at = normal_text.find(needle, at + 1)
        if not spans:
            return Found(problem="quote not found in the material")
        if section is None:
            return Found(spans)
        span = self.section_span(section)
        if span is None:
            return Found(spans, warning=f"section {section!r} is not a heading of the material")
        inside = [s for s in spans if span[0] <= s[0] < span[1]]
        if inside:
            return Found(inside)
        after = [s for s in spans if s[0] >= span[0]]
        return Found(after or spans, warning=f"quote found outside its section {section!r} "
                                             f"(at {self.where(self.line_at((after or spans)[0][0]))})")

    def line_of(self, quote: str, section: str | None = None) -> int | None:
        """The line where ``quote`` starts (as :meth:`find` chooses it), None if it is not in the text."""
        found = self.find(quote, section)
        return self.line_at(found.spans[0][0]) if found.spans else None


def read(path: str | Path) -> Material:
    """Parse the lesson file at ``path``; a file that cannot be read raises :class:`MaterialError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MaterialError(f"{path}: cannot read the lesson ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise MaterialError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the lesson as UTF-8") from None
    return parse(text, str(path))


def parse(text: str, path: str | None = None) -> Material:
    """Parse a lesson's text (``path`` only names it in passages and messages)."""
    text = text.removeprefix("\ufeff")
    lines = _lines(text)
    blank_inside = any(not line.strip() for line, _, _ in _content_span(lines))
    markdown = _has_atx_heading(lines)
    material = Material(text, path, [], [], markdown, [start for _, start, _ in lines] or [0])
    _Builder(material, paragraphs=blank_inside).build(_blocks(lines, material, paragraphs=blank_inside))
    return material


def _lines(text: str) -> list[tuple[str, int, int]]:
    """(line without its end, offset, 1-based number) for every line."""
    out, offset = [], 0
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        out.append((raw.rstrip("\r\n"), offset, number))
        offset += len(raw)
    return out


def _content_span(lines):
    filled = [i for i, (line, _, _) in enumerate(lines) if line.strip()]
    return lines[filled[0]:filled[-1] + 1] if filled else []


def _has_atx_heading(lines) -> bool:
    fence = None
    for line, _, _ in lines:
        stripped = line.strip()
        opened = _FENCE.match(stripped)
        if fence:
            fence = None if stripped.startswith(fence) else fence
        elif opened:
            fence = opened.group(1)
        elif _ATX.match(stripped) and not line.startswith((" " * 4, "\t")):
            return True
    return False


@dataclass
class _Block:
    kind: str  # heading, formula, code, row, item, prose
    parts: list[tuple[str, int]]  # (stripped line text, offset of its first character)
    line: int
    level: int = 0

    @property
    def end(self) -> int:
        text, start = self.parts[-1]
        return start + len(text)


def _blocks(lines, material: Material, *, paragraphs: bool) -> list[_Block]:
    """Group lines into blocks (see the module docstring)."""
    blocks: list[_Block] = []
    open_block: _Block | None = None
    i = _front_matter_end(lines)
    while i < len(lines):
        line, offset, number = lines[i]
        stripped = line.strip()
        at = offset + len(line) - len(line.lstrip())
        i += 1
        if stripped.startswith(">"):  # a quote: read its content as text
            inner = stripped.lstrip(">").lstrip()
            at += len(stripped) - len(inner)
            stripped = inner
        if not stripped:
            open_block = None
            continue
        fence = _FENCE.match(stripped)
        heading = _ATX.match(stripped) if material.markdown else None
        if fence:
            body, i = _until(lines, i, lambda s: s.startswith(fence.group(1)), material,
                             f"a code block opened with {fence.group(1)} at line {number} is never closed")
            blocks.append(_Block("code", [(s, o) for s, o in body] or [(stripped, at)], number))
            open_block = None
        elif heading:
            blocks.append(_Block("heading", [((heading.group(2) or "").strip(), at)], number, len(heading.group(1))))
            open_block = None
        elif stripped.startswith("$$") and (stripped == "$$" or "$$" not in stripped[2:]):
            body, i = _until(lines, i, lambda s: s.endswith("$$"), material,
                             f"a display formula opened with $$ at line {number} is never closed", keep_last=True)
            blocks.append(_Block("formula", [(stripped, at), *body], number))
            open_block = None
        elif stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 4:
            blocks.append(_Block("formula", [(stripped, at)], number))
            open_block = None
        elif stripped.startswith("|"):
            blocks.append(_Block("row", [(stripped, at)], number))
            open_block = None
        elif _BREAK.match(stripped):
            blocks.append(_Block("break", [(stripped, at)], number))
            open_block = None
        elif _ITEM.match(stripped):
            open_block = _Block("item", [(stripped, at)], number)
            blocks.append(open_block)
        elif paragraphs and open_block is not None:
            open_block.parts.append((stripped, at))
        else:
            open_block = _Block("prose", [(stripped, at)], number)
            blocks.append(open_block)
        if not paragraphs:
            open_block = None
    return blocks


def _front_matter_end(lines) -> int:
    """The index of the first line after a leading ``---`` front matter block (0 without one)."""
    if lines and lines[0][0].strip() == "---":
        for i, (line, _, _) in enumerate(lines[1:], 1):
            if line.strip() in ("---", "..."):
                return i + 1
    return 0


def _until(lines, i, closes, material: Material, problem: str, keep_last: bool = False):
    """The lines from ``i`` up to the one where ``closes(stripped)``; the index after it."""
    body = []
    while i < len(lines):
        line, offset, _ = lines[i]
        stripped = line.strip()
        i += 1
        if closes(stripped):
            if keep_last:
                body.append((stripped, offset + len(line) - len(line.lstrip())))
            return body, i
        if stripped:
            body.append((stripped, offset + len(line) - len(line.lstrip())))
    raise MaterialError(f"{material.path or 'the lesson'}: {problem}")


def _is_label(text: str) -> bool:
    """A label that introduces what follows (``Solution:``, ``Click for answer``), not a passage."""
    return text in ("-", "Click for answer") or bool(_QUESTION.match(text)) or (
        text.endswith(":") and "$" not in text and len(text) <= _MAX_LABEL)


def _looks_like_heading(text: str) -> bool:
    if not text or "$" in text or len(text) > _MAX_HEADING or _is_label(text):
        return False
    return text[-1] not in ".?!;,:"


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end in ``text`` (outside math)."""
    ends, in_math = [], False
    for i, ch in enumerate(text):
        if ch == "$":
            in_math = not in_math
        elif ch in ".?!" and not in_math:
            before, after = text[: i + 1], text[i + 1:]
            if any(before.endswith(a) for a in _ABBREVIATIONS) or (ch == "." and after[:1].isdigit()):
                continue
            nxt = after.lstrip()
            glued = after[:1].isupper()
            spaced = after[:1].isspace() and (not nxt or nxt[0].isupper() or nxt[0] in "$*⚠(")
            if not after or glued or spaced:
                ends.append(i + 1)
    return ends


def _sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of ``text``, surrounding spaces excluded."""
    pieces, start = [], 0
    cuts = sorted(set(_sentence_ends(text)) | {m.start() for m in _GLUED_LABEL.finditer(text)})
    for end in [*cuts, len(text)]:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            pieces.append((start + lead, start + lead + len(piece.strip())))
        start = end
    return pieces


class _Builder:
    """Turns blocks into headings and passages, tracking the current section."""

    def __init__(self, material: Material, *, paragraphs: bool) -> None:
        self.material, self.paragraphs = material, paragraphs
        self.section = ""
        self.table_header = False
        self.last: Passage | None = None  # the last passage of the previous block

    def build(self, blocks: list[_Block]) -> None:
        for block in blocks:
            self.block(block)
            if block.kind != "row":
                self.table_header = False
        for index, passage in enumerate(self.material.passages):
            passage.index = index

    def heading(self, text: str, start: int, level: int) -> None:
        self.material.headings.append(Heading(text, level, start, self.material.line_at(start)))
        self.section = text

    def add(self, kind: str, text: str, start: int, end: int) -> Passage:
        passage = Passage(0, kind, self.section, text, start, end, self.material.line_at(start), self.material.path)
        self.material.passages.append(passage)
        return passage

    def block(self, block: _Block) -> None:
        joined, origin = _join(block.parts)
        start, end = block.parts[0][1], block.end
        last, self.last = self.last, None
        if block.kind == "heading":
            self.heading(joined, start, block.level)
        elif block.kind == "formula":
            if last is not None and last.text.endswith(":") and last.kind in ("sentence", "label"):
                if last.kind == "sentence":
                    self.material.passages.remove(last)
                self.last = self.add("formula", f"{last.text} {joined}", last.start, end)
            else:
                self.last = self.add("formula", joined, start, end)
        elif block.kind == "code":
            self.last = self.add("code", "\n".join(text for text, _ in block.parts), start, end)
        elif block.kind == "row":
            if not set(joined) <= set("|-: "):
                if self.table_header:
                    self.last = self.add("table-row", joined, start, end)
                self.table_header = True  # the first row names the columns
        elif block.kind == "item":
            self.last = self.add("bullet", joined, start, end)
        elif block.kind == "prose":
            self.prose(block, joined, origin)

    def prose(self, block: _Block, joined: str, origin: list[int]) -> None:
        start, end = origin[0], block.end
        if _OPTIONS.match(joined):
            self.last = self.add("options", joined, start, end)
        elif joined.startswith("Correct Answer:"):
            self.last = self.add("answer", joined, start, end)
        elif _is_label(joined):
            self.last = Passage(0, "label", self.section, joined, start, end, block.line)
        elif not self.material.markdown and len(block.parts) == 1 and _looks_like_heading(joined):
            self.heading(joined, start, 0)
        else:
            for s, e in _sentences(joined):
                text, at = joined[s:e], origin[s]
                if not self.material.markdown and not self.paragraphs and _looks_like_heading(text):
                    self.heading(text, at, 0)
                    self.last = None
                elif _is_label(text):
                    self.last = Passage(0, "label", self.section, text, at, origin[e - 1] + 1, self.material.line_at(at))
                else:
                    self.last = self.add("sentence", text, at, origin[e - 1] + 1)


def _join(parts: list[tuple[str, int]]) -> tuple[str, list[int]]:
    """The block's lines joined with one space, and each character's offset in the text."""
    chars: list[str] = []
    origin: list[int] = []
    for n, (text, start) in enumerate(parts):
        if n:
            chars.append(" ")
            origin.append(start - 1)
        chars.extend(text)
        origin.extend(range(start, start + len(text)))
    return "".join(chars), origin

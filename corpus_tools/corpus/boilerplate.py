"""Header and boilerplate rules for news-site commentary, and paragraph splitting.

:func:`parse_text` splits a text into body paragraphs, short headings and the
lines it removed, each :class:`~corpus_tools.corpus.model.Removed` line with
the rule that removed it (``language_selector``, ``section_label``,
``site_footer``, ``image_credit``, ``repeated_title``, ``dateline``,
``byline``, ``byline_role``, ``title``, ``author_bio``).

A paragraph is a run of non-blank lines that ends at a blank line or at a
line ending a sentence (``. ! ? : ;`` or a closing quote); so
one-paragraph-per-line files, blank-line-separated articles and hard-wrapped
text (as in parts of the UN General Debate corpus) all give sensible
paragraphs.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from .model import Heading, Removed

__all__ = ["parse_text", "ParsedText", "SECTION_LABELS", "FOOTER_LINES"]


#: Whole lines that are site navigation, matched case-insensitively.
SECTION_LABELS = frozenset(
    {
        "foreign policy",
        "features",
        "recent features",
        "eastern viewpoints",
        "opinion",
        "commentary",
        "analysis",
    }
)
FOOTER_LINES = frozenset({"you might also like", "back to top", "related articles"})
_LANGUAGE = re.compile(r"^Language\s*:\s*English\b")
_SECTION_PATH = re.compile(r"^[A-Z][\w&.\- ]{0,30}(?:\s*\|\s*[A-Z][\w&.\- ]{0,30})+$")
_CREDIT = re.compile(r"^(?:Image |Photo )?Credit\s*:", re.IGNORECASE)
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATELINE = re.compile(rf"^({_MONTHS})[a-z]*\.?\s+(\d{{1,2}})\s*,\s*(\d{{4}})$")
_BYLINE = re.compile(r"^[•·]\s*(\S.*)$")
_BIO = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’\-]*\.?\s+){1,3}[A-Z][\w'’\-]*),\s+"
    r"(?:(?:Ph\.?\s?D\.?|M\.?A\.?|Dr\.?)\s*,\s*)?(?:is|was)\s+(?:an?\s+|the\s+)?"
    r"(?P<role>[^.,;]*?)\s+(?:at|of|with)\s+(?:the\s+)?(?P<aff>[^,.;]+)"
)
_TERMINAL = tuple(".,;:!\"”'’)…")
#: A line ending with one of these ends its paragraph; any other line
#: continues into the next non-blank line (hard-wrapped text).
_PARAGRAPH_END = tuple(".!?:;\"”’)…")
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS.replace("|Sept", "").split("|"), 1)}


def _is_heading_like(line: str, *, max_words: int = 12) -> bool:
    words = line.split()
    return (
        0 < len(words) <= max_words
        and len(line) <= 100
        and not line.endswith(_TERMINAL)
        and line[0].isupper()
    )


@dataclass
class ParsedText:
    """What :func:`parse_text` found in one text: metadata, paragraphs, headings, removed lines."""

    title: str = ""
    author: str = ""
    affiliation: str = ""
    date: str = ""
    date_precision: str = ""
    role: str = ""
    paragraphs: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)


def parse_text(text: str, *, parse_headers: bool = True) -> ParsedText:
    """Split a text into body paragraphs, headings and removed boilerplate.

    With ``parse_headers`` the seed formats' header is read: title, dateline
    ("Jul 07 , 2016"), byline ("• Name" then a role line "Professor,
    Institution") and a closing author bio ("Name, Ph.D., is an associate
    professor at Institution …"), and site chrome is removed (language
    selector, section labels, repeated titles, image credits, footers). A
    title is only taken from a short line that follows site chrome, so plain
    corpora never lose their first line to it.
    """
    out = ParsedText()
    header_seen = False
    expect_role = False
    lines = text.split("\n")
    pending: list[tuple[int, str]] = []  # consecutive body lines of one paragraph

    def flush() -> None:
        if not pending:
            return
        joined = " ".join(t for _, t in pending)
        if parse_headers and len(pending) == 1 and _is_heading_like(joined):
            out.headings.append(Heading(len(out.paragraphs), joined, pending[0][0]))
        else:
            out.paragraphs.append(joined)
        pending.clear()

    for lineno, raw in enumerate(lines, 1):
        line = " ".join(raw.replace("\u00a0", " ").split())
        if not line:
            flush()
            continue
        if parse_headers:
            low = line.lower()
            rule = None
            if _LANGUAGE.match(line):
                rule = "language_selector"
            elif low in SECTION_LABELS or (
                _SECTION_PATH.match(line) and not out.paragraphs and "|" in line
            ):
                rule = "section_label"
            elif low in FOOTER_LINES:
                rule = "site_footer"
            elif _CREDIT.match(line):
                rule = "image_credit"
            elif out.title and line.lower() == out.title.lower():
                rule = "repeated_title"
            elif not out.paragraphs:
                m = _DATELINE.match(line)
                b = _BYLINE.match(line)
                if m:
                    mon = _MONTH_NUM[m.group(1)[:3]]
                    try:
                        d = _dt.date(int(m.group(3)), mon, int(m.group(2)))
                        out.date, out.date_precision = d.isoformat(), "day"
                        rule = "dateline"
                    except ValueError:
                        rule = None
                elif b and header_seen:
                    out.author = b.group(1).strip()
                    rule, expect_role = "byline", True
                elif expect_role and _is_heading_like(line):
                    role, _, aff = line.partition(",")
                    out.role, out.affiliation = role.strip(), (aff or role).strip()
                    rule, expect_role = "byline_role", False
                elif (
                    header_seen
                    and not out.title
                    and not out.headings
                    and len(line.split()) <= 25
                    and not line.endswith(tuple(".,;:"))
                ):
                    out.title = line
                    rule = "title"
            if rule:
                flush()
                header_seen = True
                out.removed.append(Removed(lineno, line, rule))
                continue
        # Hard-wrapped text: a line that does not end a sentence continues
        # into the next one, so wrapped lines join into one paragraph.
        if pending and pending[-1][1].endswith(_PARAGRAPH_END):
            flush()
        pending.append((lineno, line))
    flush()
    if parse_headers and out.paragraphs and header_seen:
        last = out.paragraphs[-1]
        m = _BIO.match(last)
        if m and len(last.split()) <= 80:
            out.paragraphs.pop()
            lineno = max(
                (i for i, raw in enumerate(lines, 1) if raw.strip().startswith(last[:40])),
                default=len(lines),
            )
            out.removed.append(Removed(lineno, last, "author_bio"))
            if not out.author:
                out.author = m.group("name").strip()
            if not out.affiliation:
                aff = re.split(r"\s+(?:in|and|where|since|from)\s+", m.group("aff"))[0]
                out.affiliation = aff.strip()
            if not out.role:
                out.role = m.group("role").strip()
        # headings after the last paragraph precede nothing: keep them in range
    out.removed.sort(key=lambda r: r.line)
    return out


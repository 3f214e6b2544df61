"""``reports/index.html``: a gallery of the run's figures, worth opening before any report.

One section per notebook (its title, its question, a link to its report)
and one card per figure it wrote: a thumbnail (embedded, so the index loads
nothing), a caption (the section the figure sits in and the first sentence
of the notebook's "Reading the figure" paragraph after it), links to the
figure's PNG, SVG and CSV in ``figures/`` and to the place in the report
where the figure appears (nbconvert's cell anchor ``#cell-id=…``). The
provenance footer closes the page.
"""
from __future__ import annotations

import base64
import html
import io
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat

__all__ = ["notebook_summary", "figure_cards", "thumbnail", "index_html", "THUMB_WIDTH"]

#: Width in pixels of a gallery thumbnail.
THUMB_WIDTH = 360

# a bold label at the start of a paragraph: "**Question.**", "**Reading the figure.**"
_LABEL = re.compile(r"^\*\*([^*]+?)[.:]?\*\*[.:]?\s*")
_SAVED = re.compile(r"""save_figure\(\s*[^,]+,\s*(?:f?)["']([^"']+)["']""")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z(“\"'*_`])")


def _plain(markdown: str) -> str:
    """Markdown links, emphasis and code marks removed (``MAX_ROWS`` keeps its underscore), spaces single."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # [text](link) -> text
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)  # **strong**, __strong__
    text = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"\2", text)  # *emphasis*, _emphasis_
    return " ".join(text.split())


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0].strip()


def _paragraphs(source: str) -> list[str]:
    """The markdown paragraphs of a cell (blank-line separated), headings left out."""
    out = []
    for block in re.split(r"\n\s*\n", source):
        lines = [s.strip() for s in block.splitlines() if s.strip()]
        if lines and not lines[0].startswith("#"):
            out.append(" ".join(lines))
    return out


def notebook_summary(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """``(title, summary)``: the notebook's first ``# `` heading and its question.

    The summary is the first paragraph after the title, read as a whole
    (a question written over several lines stays whole); a leading bold
    label ("**Question.**") is dropped, markdown marks are removed, and the
    text is cut after its first sentence (``.``, ``?`` or ``!`` before a
    capital). Either is ``""`` when the notebook has none. Raises nothing.
    """
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        if not title:
            for i, line in enumerate(source.splitlines()):
                if line.strip().startswith("# "):
                    title = line.strip()[2:].strip()
                    source = "\n".join(source.splitlines()[i + 1:])
                    break
            else:
                continue
        for para in _paragraphs(source):
            text = _LABEL.sub("", para)
            summary = _first_sentence(_plain(text))
            if summary:
                return title, summary
    return title, summary


def thumbnail(png: Path, *, width: int = THUMB_WIDTH) -> str:
    """A ``data:image/png;base64,…`` URL of ``png`` scaled to ``width`` pixels wide.

    Drawn with Pillow (Lanczos), reduced to 256 colours (median cut, no
    dithering: a third of the bytes, and plots have few colours) and saved
    without metadata, so the same figure gives the same bytes. ``""`` if the
    file cannot be read as an image.
    """
    from PIL import Image

    try:
        with Image.open(png) as im:
            im = im.convert("RGB")
            if im.width > width:
                im = im.resize((width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS)
            im = im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            buf = io.BytesIO()
            im.save(buf, format="PNG", optimize=True)
    except (OSError, ValueError):
        return ""
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure_cards(nb: nbformat.NotebookNode, stems: Sequence[str]) -> list[dict]:
    """One card per figure ``stems`` names, in the order the notebook saves them.

    Each is ``{"figure", "cell", "section", "caption"}``: the figure's stem
    (``01-topic-map``), the id of the code cell that saves it (its anchor in
    the report is ``#cell-id=<cell>``), the ``##`` section it sits in, and
    the first sentence of the "Reading the figure" paragraph after it (else
    of the first paragraph after it, else the section). A figure no cell
    names (saved under a computed name) comes last, with no cell. Raises
    nothing.
    """
    wanted = list(dict.fromkeys(stems))
    found: dict[str, dict] = {}
    section = ""
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = re.match(r"^##\s+(.*)", line.strip())
                if m:
                    section = _plain(m.group(1))
            continue
        for name in _SAVED.findall(cell.source):
            if name not in wanted or name in found:
                continue
            found[name] = {"figure": name, "cell": cell.get("id", ""), "section": section,
                           "caption": _caption(cells[i + 1:]) or section}
    cards = list(found.values())
    cards += [{"figure": n, "cell": "", "section": "", "caption": ""} for n in wanted if n not in found]
    return cards


def _caption(after: Sequence) -> str:
    """The first sentence of the "Reading the figure" paragraph among the next markdown cells."""
    first = ""
    for cell in after:
        if cell.cell_type != "markdown":
            continue
        if cell.source.lstrip().startswith("#"):
            break  # the next section: the figure has no paragraph of its own
        for para in _paragraphs(cell.source):
            label = _LABEL.match(para)
            text = _first_sentence(_plain(_LABEL.sub("", para)))
            if label and label.group(1).lower().startswith("reading the figure"):
                return text
            first = first or text
    return first


def _card_html(card: Mapping, report: str, figures_href: str, figures_dir: Path) -> str:
    stem = card["figure"]
    anchor = f"{report}#cell-id={card['cell']}" if card.get("cell") else report
    links = []
    for ext, label in (("png", "PNG"), ("svg", "SVG"), ("csv", "CSV")):
        if (figures_dir / f"{stem}.{ext}").exists():
            links.append(f'<a href="{html.escape(f"{figures_href}/{stem}.{ext}")}">{label}</a>')
    thumb = thumbnail(figures_dir / f"{stem}.png")
    img = (f'<a href="{html.escape(anchor)}"><img src="{thumb}" alt="{html.escape(card.get("caption") or stem)}" '
           f'loading="lazy"></a>') if thumb else ""
    section = (f'<a href="{html.escape(anchor)}">{html.escape(card["section"])}</a>' if card.get("section")
               else f'<a href="{html.escape(anchor)}">in the report</a>')
    return (
        f'<figure class="card" id="fig-{html.escape(stem)}">{img}<figcaption>'
        f'<strong>{html.escape(stem)}</strong> · {section}'
        + (f'<br><span class="cap">{html.escape(card["caption"])}</span>' if card.get("caption") else "")
        + f'<br><span class="links">{" · ".join(links)}</span></figcaption></figure>'
    )


def index_html(
    entries: Sequence[Mapping], footer: str, *, figures_dir: str | os.PathLike | None = None,
    reports_dir: str | os.PathLike | None = None,
) -> str:
    """``reports/index.html``: each notebook's title, question and report link, then its figures as cards.

    ``entries`` have ``href`` (the report's file name), ``title``,
    ``summary`` (:func:`notebook_summary`) and optionally ``figures``
    (:func:`figure_cards`); ``figures_dir`` is the folder holding the
    figures (thumbnails are read from it, links point to it relative to
    ``reports_dir``). Everything is HTML-escaped; the page loads nothing,
    not even a stylesheet (thumbnails are embedded). Returns the page as text.
    """
    fig_dir = Path(figures_dir) if figures_dir is not None else None
    href = (Path(os.path.relpath(fig_dir, reports_dir)).as_posix() if fig_dir is not None and reports_dir is not None
            else "../figures")
    sections = []
    for e in entries:
        cards = ""
        if fig_dir is not None and e.get("figures"):
            cards = '<div class="grid">' + "".join(
                _card_html(c, e["href"], href, fig_dir) for c in e["figures"]) + "</div>"
        sections.append(
            f'<section><h2><a href="{html.escape(e["href"])}">{html.escape(e["title"])}</a></h2>'
            f'<p class="q">{html.escape(e["summary"])}</p>{cards}</section>'
        )
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corpus_tools reports</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}}
h2{{margin:1.6em 0 .2em;font-size:20px}} p.q{{margin:.2em 0 .8em;color:#444}}
.grid{{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:14px}}
figure.card{{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px;background:#fff}}
figure.card img{{width:100%;height:auto;max-height:260px;object-fit:contain;display:block;
border-bottom:1px solid #eee;margin-bottom:6px}}
figcaption{{font-size:13px}} .cap{{color:#444}} .links a{{margin-right:.2em}}</style></head>
<body><h1>corpus_tools reports</h1>
<p>Each report is a notebook executed top to bottom and rendered as a self-contained page:
images and interactive explorers are embedded and nothing loads from the network, so the reports
can be shared as they are. Below, every figure of the run: click a thumbnail to read it in its
report; PNG, SVG and CSV link to the files in the <code>figures</code> folder beside this one.</p>
{body}
{footer}
</body></html>
"""

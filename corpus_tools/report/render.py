"""Clean an executed notebook and render it as a self-contained HTML report.

:func:`clean_notebook` strips what changes between identical runs (timings,
kernel ids, random cell ids) so a rerun gives the same bytes;
:func:`render_html` renders with nbconvert and the package's ``offline``
template (``templates/offline/``: the ``lab`` page without require.js,
MathJax, mermaid or the widget manager from a CDN), images embedded;
:func:`provenance_footer`, :func:`failure_html` and :func:`index_html` write
the run's own HTML.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat

__all__ = [
    "clean_notebook",
    "render_html",
    "provenance_footer",
    "notebook_summary",
    "index_html",
    "failure_html",
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
]

#: The folder of nbconvert templates shipped with the package (package data).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: The report template: ``lab`` with every block that loads a remote resource emptied.
TEMPLATE_NAME = "offline"

_VOLATILE_NB_META = ("papermill", "widgets", "execution")
_VOLATILE_CELL_META = ("papermill", "execution", "collapsed", "scrolled")


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata so that identical runs give identical bytes.

    Removes papermill timings and paths, nbclient execution timestamps,
    widget state (it would pull the widget manager from a CDN into the
    HTML), and replaces cell ids with stable ones (``cell-000``, …).
    Execution counts are renumbered 1, 2, 3 … over the executed code cells;
    consecutive chunks of one output stream are joined; a widget view keeps
    only its text fallback. Modifies ``nb`` in place and returns it; cleaning
    twice changes nothing. Raises nothing for a valid notebook.
    """
    for key in _VOLATILE_NB_META:
        nb.metadata.pop(key, None)
    count = 0
    for i, cell in enumerate(nb.cells):
        for key in _VOLATILE_CELL_META:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags")
        if tags is not None and not tags:
            cell.metadata.pop("tags")
        cell["id"] = f"cell-{i:03d}"
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.get("outputs", []))
            if cell.get("execution_count") is not None:
                count += 1
                cell.execution_count = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = cell.execution_count
                out.get("metadata", {}).pop("execution", None)
                # a widget view cannot render in static HTML; keep its text fallback
                data = out.get("data")
                if data and "application/vnd.jupyter.widget-view+json" in data:
                    data.pop("application/vnd.jupyter.widget-view+json")
                    if not data:
                        data["text/plain"] = "(interactive widget: open the notebook in JupyterLab)"
    return nb


def _merge_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same stream (stdout/stderr).

    The kernel flushes printed text in chunks whose boundaries depend on
    timing, so the same prints can arrive as two outputs in one run and three
    in the next. Joined, the stored notebook is byte-identical across runs and
    the text reads the same as it did on screen.
    """
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream" and prev is not None
            and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            if out.get("output_type") == "stream":
                out["text"] = "".join(out["text"])
            merged.append(out)
    return merged


def render_html(
    nb: nbformat.NotebookNode, *, hide_code: bool = False, footer: str = "", title: str = ""
) -> str:
    """A self-contained HTML page for ``nb``: images embedded, nothing from the network.

    Rendered by nbconvert's :class:`~nbconvert.exporters.HTMLExporter` with
    ``embed_images`` and the package's ``offline`` template
    (:data:`TEMPLATES_DIR`), which extends nbconvert's ``lab`` page and
    leaves out the blocks that load require.js, MathJax, mermaid and the
    widget manager from a CDN (the notebooks use none of them). What the
    notebook's own outputs contain is rendered as it is.

    ``hide_code`` leaves out the code cells' input and prompts, for readers
    who want only narrative and figures; ``footer`` (HTML, e.g.
    :func:`provenance_footer`) goes after the notebook, before ``</body>``;
    ``title`` is the page's ``<title>`` (default: nbconvert's, the
    notebook's ``metadata.title`` or "Notebook"). Returns the page as text.
    Raises :class:`ValueError` (nbconvert's "No template sub-directory with
    name 'offline'") if the package's template files are missing: an install
    without its package data.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)], embed_images=True
    )
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = hide_code
    exporter.exclude_output_prompt = hide_code
    # the page <title> (the browser tab, the name a shared file is bookmarked by)
    resources = {"metadata": {"name": title}} if title else None
    page, _ = exporter.from_notebook_node(nb, resources=resources)
    if footer:
        # Added after nbconvert, which re-serializes its page with BeautifulSoup
        # (quotes, entities): the footer keeps the exact bytes given. The last
        # </body> is the page's own; an output's text could hold another.
        head, body_end, tail = page.rpartition("</body>")
        if body_end:
            page = head + footer + "\n" + body_end + tail
    return page


def provenance_footer(prov: Mapping) -> str:
    """The provenance block appended to every report, as HTML.

    ``prov`` maps a label ("corpus", "git commit", …) to its value; each
    becomes one row of a table, label and value HTML-escaped. Returns a
    ``<footer class="provenance">`` element with inline styles (the page
    loads no stylesheet of its own).
    """
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(str(v))}</code></td></tr>"
        for k, v in prov.items()
    )
    return (
        '<footer class="provenance" style="margin:3em auto 2em;max-width:1100px;padding:1em;'
        'border-top:2px solid #888;font:13px/1.4 sans-serif;color:#333">'
        "<h2 style='font-size:15px'>Provenance</h2>"
        f"<table style='border-collapse:collapse;text-align:left'>{rows}</table></footer>"
    )


def notebook_summary(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """``(title, summary)``: the notebook's first ``# `` heading and the first sentence after it.

    The summary is the first non-heading markdown line after the title, with
    markdown emphasis and code marks (``* _ ```) removed, cut after its first
    ``.``, ``?`` or ``!`` followed by a space. Either is ``""`` when the
    notebook has none. Raises nothing.
    """
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            s = line.strip()
            if not title and s.startswith("# "):
                title = s[2:].strip()
            elif title and s and not s.startswith("#") and not summary:
                summary = re.sub(r"[*_`]", "", s)
                summary = re.split(r"(?<=[.?!])\s", summary)[0]
        if title and summary:
            break
    return title, summary


def index_html(entries: Sequence[Mapping[str, str]], footer: str) -> str:
    """``reports/index.html``: a list of links to the reports, then ``footer``.

    Each entry has ``href`` (the report's file name), ``title`` and
    ``summary`` (see :func:`notebook_summary`), all HTML-escaped. Returns the
    page as text; it loads nothing, not even a stylesheet.
    """
    items = "\n".join(
        f'<li><a href="{html.escape(e["href"])}">{html.escape(e["title"])}</a>'
        f'<br><span>{html.escape(e["summary"])}</span></li>'
        for e in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corpus_tools reports</title>
<style>body{{font:16px/1.5 sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}}
li{{margin:1em 0}} span{{color:#555}}</style></head>
<body><h1>corpus_tools reports</h1>
<p>Each report is a notebook executed top to bottom and rendered as a self-contained page:
images are embedded and nothing loads from the network, so the files can be shared as they are.</p>
<ol>
{items}
</ol>
{footer}
</body></html>
"""


#: ANSI colour codes in an IPython traceback.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def failure_html(
    *, title: str, notebook: str, what: str, kept: str, source: str = "", traceback: str = "", footer: str = ""
) -> str:
    """The report page of a notebook that failed: what failed, why, and what was kept.

    ``what`` is the one-line failure (cell and error), ``kept`` says which
    earlier outputs stay in place; ``source`` is the failing cell's code and
    ``traceback`` the error as the kernel printed it (colour codes are
    removed); ``footer`` is :func:`provenance_footer`'s block. Everything is
    HTML-escaped. Returns the page as text; it loads nothing.
    """
    parts = [
        f"<h1>{html.escape(title)}: this run failed</h1>",
        f"<p><strong>{html.escape(notebook)}</strong> did not finish: <code>{html.escape(what)}</code></p>",
        f"<p>{html.escape(kept)}</p>",
    ]
    if source:
        parts.append(f"<h2>The cell</h2>\n<pre>{html.escape(source)}</pre>")
    if traceback:
        parts.append(f"<h2>The error</h2>\n<pre>{html.escape(_ANSI.sub('', traceback))}</pre>")
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} (failed)</title>
<style>body{{font:16px/1.5 sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}}
pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:13px}} h1{{color:#a00}}</style></head>
<body>
{body}
{footer}
</body></html>
"""

"""Clean an executed notebook and render it as a self-contained HTML report.

:func:`clean_notebook` strips what changes between identical runs (timings,
kernel ids, random cell ids) so a rerun gives the same bytes;
:func:`render_html` renders with nbconvert and the package's ``offline``
template (``templates/offline/``: the ``lab`` page without require.js,
MathJax, mermaid or the widget manager from a CDN), images embedded, and
adds the interactive explorers' runtime (inlined, once) to a page that has
explorers; :func:`provenance_footer` and :func:`failure_html` write the
run's own HTML (the index is :mod:`.index`).
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

import nbformat

__all__ = [
    "clean_notebook",
    "render_html",
    "provenance_footer",
    "failure_html",
    "strip_progress",
    "PROGRESS_BAR",
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
    its other forms (an explorer's HTML view, or a text fallback).
    Progress bars are dropped (:func:`strip_progress`): a tqdm widget (the
    tokenizer's bar on a large corpus, in a kernel) and tqdm lines printed to
    a stream, whose residue ("tokenize: 0%| | 0/388") would otherwise stay in
    the notebook and its report. Modifies ``nb`` in place and returns it;
    cleaning twice changes nothing. Raises nothing for a valid notebook.
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
            cell.outputs = _drop_progress(_merge_streams(cell.get("outputs", [])))
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


#: A progress bar's text as tqdm writes it: ``desc: 42%|████      | 163/388 [00:02<00:03, 70.1doc/s]``,
#: or without a total, ``desc: 163doc [00:02, 70.1doc/s]``.
PROGRESS_BAR = re.compile(
    r"\d{1,3}%\|[^\n]*\|\s*[\d.]+[kMGTPEZY]?/[\d.?]+[kMGTPEZY]?"
    r"|\[\d+:\d{2}(?::\d{2})?(?:<(?:\d+:\d{2}(?::\d{2})?|\?))?,\s*(?:[\d.?]+|\?)\s*\S*/s\]"
)


def strip_progress(text: str) -> str:
    """``text`` without the lines of a progress bar.

    A terminal shows, of a line rewritten with carriage returns, only what
    follows the last ``\\r``; that is what is kept, and dropped entirely
    when it is a tqdm bar (:data:`PROGRESS_BAR`). Other lines are unchanged.
    """
    kept = []
    for line in text.split("\n"):
        shown = line.rsplit("\r", 1)[-1]
        if PROGRESS_BAR.search(shown):
            continue
        kept.append(shown if "\r" in line else line)
    return "\n".join(kept)


def _drop_progress(outputs: list) -> list:
    """Outputs without progress bars: tqdm widgets and tqdm lines in streams."""
    kept = []
    for out in outputs:
        if out.get("output_type") == "stream":
            text = strip_progress(out["text"])
            if not text.strip("\n"):
                continue
            out["text"] = text
        data = out.get("data") or {}
        if "application/vnd.jupyter.widget-view+json" in data and PROGRESS_BAR.search(
            "".join(data.get("text/plain", ""))
        ):
            continue  # tqdm's notebook bar: its text form is the bar at the moment it was displayed
        kept.append(out)
    return kept


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

    A notebook output that is an explorer (:mod:`corpus_tools.explore`)
    holds its data as JSON; the page gets the one inline module script that
    draws every explorer (Vega-Lite and the explorer runtime, both inlined by
    :func:`corpus_tools.explore.page.add_runtime`), so the explorers work
    offline, from the file alone. A page without explorers runs no script.

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
    from ..explore.page import add_runtime

    return add_runtime(page)


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

"""The explorers in HTML: self-contained, offline, nothing fetched from anywhere.

A report page carries each explorer as a ``<div class="ct-explorer">`` that
holds its data as JSON (:func:`fragment`) and, once per page, one inline
module script (:func:`runtime_script`) with everything that draws them:

* Vega, Vega-Lite and vega-embed, bundled by ``vl-convert-python``
  (:func:`library_js`; about 0.9 MB, built once and kept in the cache);
* the explorer runtime (``static/explorer.js``, package data): it finds the
  explorers on the page, builds their controls (menus, a search box with
  completion, the λ slider), draws their charts with ``vegaEmbed`` and
  fills the KWIC, collocate and paragraph panels.

Vega-Lite was chosen over Bokeh by measurement (``benchmarks/README.md``,
"Interactive explorers"): for the same explorer the page is about half the
size and opens faster, and its specification is plain, deterministic JSON.

:func:`add_runtime` is what :func:`corpus_tools.report.render_html` calls;
:func:`standalone_page` makes a page of its own (``Explorer.save_html``).
"""
from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Sequence
from importlib import resources


__all__ = [
    "fragment",
    "runtime_script",
    "add_runtime",
    "standalone_page",
    "library_js",
    "runtime_js",
    "has_explorers",
    "json_for_html",
    "RUNTIME_MARK",
    "EXPLORER_CLASS",
]

#: The class of every explorer's element (the runtime looks for it; so do the tests).
EXPLORER_CLASS = "ct-explorer"
#: The attribute that marks the one inline script a report may run: the explorers' runtime.
RUNTIME_MARK = 'data-corpus-tools="explorer-runtime"'

_FALLBACK = (
    "Interactive explorer. It works in the HTML report that <code>corpus-tools run</code> writes, "
    "with nothing loaded from the network, and as a widget when this notebook runs in JupyterLab."
)


def _escape_js(text: str) -> str:
    """JavaScript that cannot end its ``<script>`` element early (``</script``, ``<!--``)."""
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


@functools.lru_cache(maxsize=1)
def library_js() -> str:
    """Vega, Vega-Lite and vega-embed as one script that sets ``window.vegaEmbed``.

    Bundled by ``vl_convert.javascript_bundle()`` (Vega-Lite's own
    converter, which ships the libraries) for the installed
    ``vl-convert-python``. Bundling takes a few seconds, so the result is
    kept in the cache (``.cache/assets/``, keyed by that version) and in
    memory. Raises ImportError if vl-convert-python is not installed.
    """
    import vl_convert

    from ..cache import Store, library_versions, make_key

    store = Store("assets")
    key = make_key("vega-embed-bundle", library_versions("vl-convert-python"))
    try:
        cached = store.read_json(key, "vega") if store.enabled else None
    except (OSError, ValueError):
        cached = None
    if isinstance(cached, dict) and isinstance(cached.get("js"), str):
        return cached["js"]
    js = vl_convert.javascript_bundle()
    if store.prepare():
        try:
            store.write_json(key, "vega", {"js": js})
        except OSError as exc:
            store.warn_unwritable(exc)
    return js


def runtime_js() -> str:
    """The explorer runtime (``corpus_tools/explore/static/explorer.js``), as text."""
    return resources.files("corpus_tools.explore").joinpath("static", "explorer.js").read_text(encoding="utf-8")


def runtime_script() -> str:
    """The one ``<script type="module">`` a page with explorers needs: library, then runtime.

    A module script runs after the page is parsed, so it finds every
    explorer above or below it. Marked with :data:`RUNTIME_MARK`, which the
    report tests use to tell it from any other script.
    """
    return f"<script type=\"module\" {RUNTIME_MARK}>\n{_escape_js(library_js())}\n{_escape_js(runtime_js())}\n</script>"


def json_for_html(obj) -> str:
    """``obj`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` …, so no text in the
    data (a KWIC line quoting ``</script>``) can end the element early;
    ``JSON.parse`` reads them back unchanged. NaN is refused (ValueError):
    :func:`columnar` has already turned it into ``null``.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def fragment(explorer) -> str:
    """An explorer (:class:`~corpus_tools.explore.Explorer`) as an HTML element: a note, and its data as JSON.

    The element runs nothing itself: the runtime (:func:`runtime_script`,
    added once per page) builds the explorer from the JSON. Where there is no
    runtime (a notebook opened without running it) the note says where the
    explorer works.
    """
    return (
        f'<div class="{EXPLORER_CLASS}" data-kind="{html.escape(explorer.kind)}" data-ready="0">'
        f'<p class="ct-explorer-fallback" style="font-style:italic;color:#555">'
        f"{html.escape(explorer.title)}. {_FALLBACK}</p>"
        f'<script class="ct-explorer-data" type="application/json">{json_for_html(explorer.payload())}</script>'
        "</div>"
    )


def has_explorers(page: str) -> bool:
    """True if ``page`` contains an explorer element (its data, as :func:`fragment` writes it)."""
    return 'class="ct-explorer-data"' in page


def add_runtime(page: str) -> str:
    """``page`` with :func:`runtime_script` before its last ``</body>``, if it holds an explorer.

    A page without an explorer is returned unchanged (and loads no
    library). Raises nothing.
    """
    if not has_explorers(page):
        return page
    head, body_end, tail = page.rpartition("</body>")
    if not body_end:
        return page + runtime_script()
    return head + runtime_script() + "\n" + body_end + tail


def standalone_page(explorers: Sequence, *, title: str = "corpus_tools explorer") -> str:
    """A complete HTML page with ``explorers``, the library and the runtime inlined.

    Opens from a file, offline; nothing is fetched. Returns the page as text.
    """
    body = "\n".join(e.to_html() for e in explorers)
    return add_runtime(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1200px;margin:1.5em auto;padding:0 1em;"
        "color:#222}</style></head>\n<body>\n" + body + "\n</body></html>\n"
    )

"""Interactive explorers: in JupyterLab as widgets, in the shared HTML reports offline.

Three explorers, one per analysis notebook, each built from the notebook's
own tables by one function and shown the same way in both places:

=========================  =====================================================
:func:`distinctive_explorer`  notebook 03: every term as a point (frequency
                              against z, Log Ratio or signed G²) for the group
                              chosen from a menu; hover for its statistics,
                              click or type for its KWIC lines from each group
:func:`topic_explorer`        notebook 01: the intertopic distance map, top
                              terms with the λ relevance slider, the most
                              typical paragraphs; a banner when the topics are
                              not distinguishable from noise
:func:`term_explorer`         notebook 02: type a term, see its rate over time
                              with the notebook's intervals, its KWIC lines and
                              its collocates
=========================  =====================================================

Each returns an :class:`Explorer`, whose data the two views share:
``explorer.to_html()`` (the report: data as JSON, drawn by Vega-Lite and the
runtime that :func:`corpus_tools.report.render_html` adds once per page;
nothing is fetched), ``explorer.page()`` / ``save_html(path)`` (a standalone
page), ``explorer.widget()`` (ipywidgets for JupyterLab). Displayed in a
notebook, an explorer offers both: JupyterLab shows the widget, the report the
HTML view. What a page embeds is capped (terms, KWIC lines per term) so a
report on ten thousand documents stays a few megabytes; each explorer says
what it holds.

Modules: ``explorer`` (the record), ``contexts`` (KWIC lines and collocates
for many terms at once), ``distinctive``, ``topics``, ``terms`` (the three
explorers and their Vega-Lite charts), ``page`` (HTML, the inlined library
and runtime), ``widgets`` (JupyterLab), ``box`` (the earlier term box:
:func:`explore`, :func:`term_report`).

Explorers are the front layer: they use the analyses (and the earlier box,
the figures); no analysis imports them.

>>> from corpus_tools import explore                                   # doctest: +SKIP
>>> ex = explore.distinctive_explorer(terms, tokens, by="author")      # doctest: +SKIP
>>> ex                                     # the widget in JupyterLab  # doctest: +SKIP
>>> ex.save_html("distinctive.html")       # a page to send            # doctest: +SKIP
"""
from __future__ import annotations

from .box import explore, term_report
from .contexts import term_collocates, term_contexts
from .distinctive import distinctive_explorer
from .explorer import KINDS, Explorer
from .page import standalone_page
from .terms import term_explorer
from .topics import NOISE_BANNER, topic_explorer

__all__ = [
    "Explorer",
    "KINDS",
    "distinctive_explorer",
    "topic_explorer",
    "term_explorer",
    "term_contexts",
    "term_collocates",
    "standalone_page",
    "NOISE_BANNER",
    "explore",
    "term_report",
]

"""The notebooks' interactive term explorer: type a term, see its trend figure and KWIC lines.

It sits beside :mod:`corpus_tools.notebook`, above the analyses and the
figures, because it draws a figure (:func:`corpus_tools.plots.keywords.plot_trend`)
of an analysis (:func:`corpus_tools.keywords.trend`); an analysis module
never imports :mod:`corpus_tools.plots`.

>>> from corpus_tools.explore import explore, term_report       # doctest: +SKIP
>>> fig, lines = term_report(tokens, "alliance, ally")          # doctest: +SKIP
>>> explore(tokens, term="sanction")                            # doctest: +SKIP
"""
from __future__ import annotations

import matplotlib.figure
import matplotlib.pyplot as plt

from .corpus import doc_labels
from .errors import ParameterError
from .keywords import check_terms, format_kwic, kwic, trend, trend_curve, trend_model, trend_summary
from .plots.keywords import plot_trend

__all__ = ["term_report", "explore"]


def term_report(tokens, term: str, *, by: str = "date", window: int = 8,
                max_lines: int = 20) -> tuple[matplotlib.figure.Figure, str]:
    """One term's trend figure and its KWIC lines as text: what :func:`explore` shows.

    A term may name several variants separated by commas
    (``"alliance, ally"``), pooled as one concept (matched as in
    :func:`corpus_tools.keywords.match_term`). ``by`` goes to
    :func:`corpus_tools.keywords.trend`, ``window`` to
    :func:`corpus_tools.keywords.kwic`, ``max_lines`` to
    :func:`corpus_tools.keywords.format_kwic`. The figure also draws the
    term's fitted trend (:func:`corpus_tools.keywords.trend_model`) when the
    documents allow one. Returns ``(figure, text)``: the KWIC lines, then the
    trend in words (or why none can be estimated), then the merged lemmas
    that contain the term (:func:`corpus_tools.keywords.check_terms`), if any.

    Raises ParameterError for an empty term.
    """
    variants = [t.strip() for t in str(term).split(",") if t.strip()]
    if not variants:
        raise ParameterError("type a term (a lemma, surface form or phrase) to explore")
    label = ", ".join(variants)
    concept = {label: variants}
    tr = trend(tokens, concept, by=by)
    model = trend_model(tokens, concept)
    fig = plot_trend(tr, ncols=1, labels=doc_labels(tokens.docs), fit=trend_curve(model), model=model)
    parts = [f"KWIC for {label!r}:"]
    lines = kwic(tokens, variants, window=window)
    parts.append(format_kwic(lines, doc_labels(tokens.docs), max_lines=max_lines))
    parts.append("Trend: " + trend_summary(model=model)["sentence"].iloc[0])
    inside = check_terms(tokens, {label: variants})["also_inside"]
    inside = [x for x in inside if x]
    if inside:
        parts.append(f"Also found inside merged lemmas (type them to include them): {'; '.join(inside)}")
    return fig, "\n".join(parts)


def explore(tokens, *, term: str = "", by: str = "date", max_lines: int = 20):
    """An ipywidgets box: type a term, press Enter, see its trend and KWIC lines.

    Works in JupyterLab with a live kernel. In a static report (HTML made by
    nbconvert without widget state) the box shows a one-line note instead,
    so the report stays readable; the notebook therefore also prints the
    default term's output with :func:`term_report` in an ordinary cell.
    The options are those of :func:`term_report`. Returns the widget box (an
    ``ipywidgets.VBox``); an empty term prints the reason in the box instead
    of raising. The box answers when the term changes, so ``term`` only
    pre-fills it.
    """
    import ipywidgets as widgets
    from IPython.display import display

    text = widgets.Text(value=term, placeholder="a lemma, surface form or phrase; commas pool variants",
                        description="Term:", continuous_update=False,
                        layout=widgets.Layout(width="32em"))
    output = widgets.Output()

    def show(change=None):
        output.clear_output()
        with output:
            try:
                fig, lines = term_report(tokens, text.value, by=by, max_lines=max_lines)
            except ParameterError as exc:
                print(exc)
                return
            display(fig)
            plt.close(fig)
            print(lines)

    text.observe(show, names="value")
    return _explorer_box([text, output])


def _explorer_class():
    """The VBox subclass whose plain-text form is a note for static reports."""
    import ipywidgets as widgets

    class ExplorerBox(widgets.VBox):
        """A VBox whose plain-text form (what static reports show) is a short note."""

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, dict):
                bundle["text/plain"] = (
                    "[Interactive term explorer: open this notebook in JupyterLab and run it "
                    "to type a term and see its trend and KWIC lines.]"
                )
            return bundle

    return ExplorerBox


def _explorer_box(children):
    """The explorer's VBox (ipywidgets is imported only when the explorer is used)."""
    return _explorer_class()(children=children)

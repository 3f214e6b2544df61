"""Notebook parameters: the YAML file a run reads, and what each notebook declares.

A notebook declares its parameters in the cell tagged ``parameters``
(papermill's convention): one ``NAME = value  # help`` per setting. The run
injects values for the declared names only, and records the values in force
in every report's provenance.
"""
from __future__ import annotations

import ast
import contextlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import ParameterError

__all__ = ["load_params", "notebook_parameters", "evaluate_defaults", "SELECTION_PARAMETERS"]

#: The parameters every notebook shares to pick its documents (see
#: :func:`corpus_tools.corpus.load_selected`); the run loads that selection
#: again to hash it for the provenance.
SELECTION_PARAMETERS = ("CORPUS", "LOAD_OPTIONS", "SELECT_WHERE", "DATE_FROM", "DATE_TO")


def load_params(path: str | os.PathLike | None) -> tuple[str | None, dict, dict]:
    """Read a YAML parameters file: ``(corpus, common, per_notebook)``.

    The file may hold ``corpus: PATH``, ``common: {NAME: value}`` applied to
    every notebook, and ``notebooks: {"01": {NAME: value}}`` for one notebook
    (keyed by its two-digit number). Top-level UPPER_CASE keys are treated as
    common parameters. A relative ``corpus`` that exists beside the file is
    resolved against the file's folder. ``path=None`` gives ``(None, {}, {})``.
    Parsed with ``yaml.safe_load``: no tags that construct objects.

    Raises :class:`~corpus_tools.errors.ParameterError` when the file is
    missing, is not valid YAML, is not a mapping, or has an unknown top-level
    key.
    """
    if path is None:
        return None, {}, {}
    import yaml

    p = Path(path)
    if not p.exists():
        raise ParameterError(f"{p}: parameters file not found.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{p}: not valid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{p}: expected a mapping at the top level, got {type(data).__name__}.")
    corpus = data.get("corpus")
    if corpus is not None:
        corpus = str((p.parent / corpus).resolve()) if not Path(corpus).is_absolute() and (p.parent / corpus).exists() else str(corpus)
    common = dict(data.get("common") or {})
    common.update({k: v for k, v in data.items() if k.isupper()})
    per = {str(k).zfill(2): dict(v or {}) for k, v in (data.get("notebooks") or {}).items()}
    unknown = set(data) - {"corpus", "common", "notebooks", "description"} - {k for k in data if k.isupper()}
    if unknown:
        raise ParameterError(
            f"{p}: unknown top-level key(s) {sorted(unknown)}; use corpus, common, notebooks "
            f"or UPPER_CASE parameter names."
        )
    return corpus, common, per


def notebook_parameters(path: str | os.PathLike) -> dict[str, str]:
    """The parameters a notebook declares: ``{name: default value as source text}``.

    Read by :func:`papermill.inspect_notebook` from the notebook's cell tagged
    ``parameters``, in the cell's order. A default written over several lines
    (a dict literal) comes back whole, joined on one line without its
    comments. A notebook without such a cell gives ``{}``. The defaults are
    source text, not values: :func:`evaluate_defaults` evaluates the literal
    ones.

    Raises whatever :func:`nbformat.read` raises for a missing or unreadable
    file.
    """
    import papermill as pm

    return {name: p["default"] for name, p in pm.inspect_notebook(str(path)).items()}


def evaluate_defaults(declared: Mapping[str, str], *, names: Iterable[str] = SELECTION_PARAMETERS) -> dict:
    """The values of ``names``' default sources in ``declared``, where they are literals.

    ``declared`` is :func:`notebook_parameters`'s answer. Each default is
    evaluated with :func:`ast.literal_eval` (strings, numbers, tuples, lists,
    dicts, sets, booleans, ``None``; never arbitrary code). A name that is
    not declared, or whose default is not a literal (an expression, a
    function call) or not hashable where it must be (a list as a dict key), is
    left out. Raises nothing.
    """
    out = {}
    for name in names:
        if name in declared:
            with contextlib.suppress(ValueError, TypeError, SyntaxError):
                out[name] = ast.literal_eval(declared[name])
    return out

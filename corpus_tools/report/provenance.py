"""Provenance: what a notebook analysed, with which code, told without the sharer's machine.

The corpus rows come from what the kernel loaded: each notebook's
:func:`corpus_tools.corpus.load_selected` appends a record (resolved path,
content hash, documents, selection) to the file named by
:data:`~corpus_tools.corpus.load.PROVENANCE_ENV`, which the run sets per
notebook and reads here. A report is shared, so a path in it is relative to
the folder the run started in (:func:`display_path`), never absolute and
never through a home folder.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata as importlib_metadata
from pathlib import Path

from .. import config

__all__ = [
    "package_versions",
    "git_commit",
    "display_path",
    "read_records",
    "corpus_rows",
    "scrub_paths",
    "PROVENANCE_PACKAGES",
]

#: Packages whose versions every report records.
PROVENANCE_PACKAGES = (
    "corpus_tools", "pandas", "numpy", "scipy", "matplotlib", "gensim", "nltk",
    "simplemma", "vaderSentiment", "papermill", "nbconvert",
)


def git_commit() -> str:
    """The project's ``git rev-parse HEAD``, noting uncommitted changes to code or notebooks.

    ``"unknown (not a git checkout)"`` when git or the checkout is missing.
    Raises nothing.
    """
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=config.PROJ_ROOT, capture_output=True, text=True,
            check=True, timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "corpus_tools", "notebooks"],
            cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=10,
        ).stdout.strip()
        return head + (" (with uncommitted changes to code or notebooks)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"


def package_versions() -> dict[str, str]:
    """``{"python": "3.x.y", package: version}`` for :data:`PROVENANCE_PACKAGES`.

    A package that is not installed is listed as ``"not installed"``. Raises
    nothing.
    """
    out = {"python": sys.version.split()[0]}
    for name in PROVENANCE_PACKAGES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _home() -> Path | None:
    try:
        return Path.home().absolute()
    except (RuntimeError, KeyError):
        return None


def display_path(path: str | os.PathLike, start: str | os.PathLike) -> str:
    """``path`` as a shared report may show it: relative to ``start``, the folder the run started in.

    ``os.path.relpath`` (``seeds``, ``../data/ungdc``), except where that
    would spell out a home folder (``../../home/alice/corpus``, from a
    ``start`` outside it): then ``~/corpus`` for the user's own home,
    ``~alice/corpus`` for another's. Either form is understood by
    :func:`corpus_tools.corpus.resolve_corpus_path` run from ``start``.
    Raises nothing.
    """
    p = Path(os.path.abspath(path))
    s = Path(os.path.abspath(start))
    common = Path(os.path.commonpath([p, s]))
    home = _home()
    if home is not None and home != common and home.is_relative_to(common) and p.is_relative_to(home):
        rest = p.relative_to(home).as_posix()
        return "~" if rest == "." else f"~/{rest}"
    # another user's home: /home/<user> or /Users/<user> below the common ancestor
    for parent in [p, *p.parents]:
        if parent == common or not parent.is_relative_to(common):
            break
        if str(parent.parent) in ("/home", "/Users") and parent != home:
            rest = p.relative_to(parent).as_posix()
            return f"~{parent.name}" + ("" if rest == "." else f"/{rest}")
    return Path(os.path.relpath(p, s)).as_posix()


def scrub_paths(text: str, start: str | os.PathLike) -> str:
    """``text`` (a traceback) with the start folder written ``.`` and the home folder ``~``.

    For the page of a failed notebook, which is shared like any report.
    Raises nothing.
    """
    s = os.path.abspath(start)
    text = text.replace(s + os.sep, "." + os.sep)
    home = _home()
    if home is not None and str(home) not in ("/", ""):
        text = text.replace(str(home) + os.sep, "~" + os.sep)
    return text


def read_records(path: Path) -> list[dict]:
    """The load records a notebook's kernel wrote to ``path`` (``[]`` if none or unreadable)."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def _selection(sel: Mapping) -> str:
    parts = [f"{k} = {sel[k]!r}" for k in ("where", "date_from", "date_to", "load_options") if sel.get(k)]
    return "; ".join(parts) or "all documents"


def corpus_rows(records: Sequence[Mapping], start: str | os.PathLike) -> dict[str, str]:
    """The provenance rows for what was loaded: corpus (folder name), path, content hash, selection.

    ``records`` are :func:`read_records`' entries; distinct loads are joined
    with `` | ``. No record gives one row saying the notebook loaded no
    corpus through ``load_selected``. Raises nothing.
    """
    seen, unique = set(), []
    for r in records:
        key = json.dumps(r, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    if not unique:
        return {"corpus": "not recorded (this notebook loaded no corpus with load_selected)"}

    def join(values):
        return " | ".join(dict.fromkeys(values))

    return {
        "corpus": join(Path(str(r.get("corpus", "?"))).name for r in unique),
        "corpus path": join(display_path(str(r.get("corpus", "?")), start) for r in unique)
        + " (relative to the folder the run started in)",
        "corpus content hash": join(
            f"{r.get('content_hash')} ({r.get('documents')} of {r.get('documents_loaded')} documents)"
            for r in unique
        ),
        "selection": join(_selection(r.get("selection") or {}) for r in unique),
    }

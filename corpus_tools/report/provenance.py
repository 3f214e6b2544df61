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

import contextlib
import json
import os
import re
import subprocess
import sys
import sysconfig
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
    "scrub_notebook",
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


def _python_dirs() -> dict[str, str]:
    """The Python installation's folders and how a shared page names them."""
    out = {}
    for key in ("purelib", "platlib"):
        with contextlib.suppress(KeyError, OSError):
            out[sysconfig.get_paths()[key]] = "<site-packages>"
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix):
        out[prefix] = "<python>"
    return out


_KERNEL_CELL = re.compile(r"(?:/[^\s:'\"<>]+)*/ipykernel_\d+/\d+\.py")


def scrub_paths(text: str, start: str | os.PathLike, *, paths: Sequence[str | os.PathLike] = ()) -> str:
    """``text`` with every absolute path of this machine it names written as a shared page may show it.

    Each folder in ``paths`` (the corpus, the output folder, the project …)
    and the start folder are written relative to ``start`` (:func:`display_path`:
    ``.``, ``seeds``, ``../data/ungdc``, ``~/corpus``); the Python
    installation's ``site-packages`` as ``<site-packages>`` and its prefix as
    ``<python>``; the home folder as ``~``; the file ipykernel compiles a
    cell to (``/tmp/ipykernel_123/456.py``, which names the process too) as
    ``<notebook cell>``. Longer folders are replaced
    first, so a file inside the corpus is named from the corpus. For
    tracebacks, loader warnings that name files, and every other output of a
    notebook that is shared. Raises nothing.
    """
    s = os.path.abspath(start)
    names: dict[str, str] = {}
    home = _home()
    if home is not None and str(home) not in ("/", ""):
        names[str(home)] = "~"
    names.update(_python_dirs())
    for p in [*paths, s]:
        if p is None or str(p) == "":
            continue
        a = os.path.abspath(os.path.expanduser(str(p)))
        names[a] = display_path(a, s)
        real = os.path.realpath(a)
        names.setdefault(real, names[a])
    # ipykernel compiles each cell to a file of its own, named by process: /tmp/ipykernel_123/456.py
    text = _KERNEL_CELL.sub("<notebook cell>", text)
    found = sorted((p for p in names if p not in ("", os.sep) and p in text), key=len, reverse=True)
    if not found:
        return text
    # one pass, longest folder first, so a replacement is never read again; a whole folder
    # name only (/tmp/ab is not inside /tmp/a), starting a path (not inside ../tmp/a)
    pattern = re.compile(r"(?<![\w.\-/~])(" + "|".join(map(re.escape, found)) + r")(?![\w.\-])")
    return pattern.sub(lambda m: names[m.group(1)], text)


def scrub_notebook(nb, start: str | os.PathLike, *, paths: Sequence[str | os.PathLike] = ()):
    """Every output of ``nb`` passed through :func:`scrub_paths`; returns ``nb`` (changed in place).

    Stream text, text and HTML data, and error messages and tracebacks: what
    a shared notebook or report shows. Cell sources are left alone (a run
    writes the corpus path into the notebook relative already). Images are
    not text and are untouched. Raises nothing.
    """
    def clean(value):
        if isinstance(value, list):
            return [scrub_paths(v, start, paths=paths) if isinstance(v, str) else v for v in value]
        return scrub_paths(value, start, paths=paths) if isinstance(value, str) else value

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = clean(out["text"])
            for key in ("evalue", "traceback"):
                if key in out:
                    out[key] = clean(out[key])
            data = out.get("data") or {}
            for mime in list(data):
                if mime.startswith("text/") or mime == "application/json" and isinstance(data[mime], str):
                    data[mime] = clean(data[mime])
    return nb


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

"""Paths and defaults, in one place (Cookiecutter Data Science's ``config.py``).

Folders that a run may redirect are functions read at call time, so that
``corpus-tools run --out DIR`` (which sets ``$CORPUS_TOOLS_FIGURES_DIR``) and
the test suite (``$CORPUS_TOOLS_CACHE_DIR``) take effect without reimporting.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent
#: The package's editable word lists (phrases, actors, stopwords).
DATA_DIR = PACKAGE_DIR / "data"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"


def seeds_dir() -> Path:
    """The default corpus: ``$CORPUS_TOOLS_CORPUS`` or the project's ``seeds/``."""
    return Path(os.environ.get("CORPUS_TOOLS_CORPUS", PROJ_ROOT / "seeds"))


def figures_dir() -> Path:
    """Where ``save_figure`` writes: ``$CORPUS_TOOLS_FIGURES_DIR`` or ``figures/``."""
    return Path(os.environ.get("CORPUS_TOOLS_FIGURES_DIR", PROJ_ROOT / "figures"))


def cache_dir() -> Path:
    """The cache (token tables, topic sweeps, notebook results): ``$CORPUS_TOOLS_CACHE_DIR`` or ``.cache/``."""
    return Path(os.environ.get("CORPUS_TOOLS_CACHE_DIR", PROJ_ROOT / ".cache"))


#: Metadata fields every Document carries, in display order.
METADATA_FIELDS = ("title", "author", "affiliation", "outlet", "date", "date_precision")
#: Columns of ``corpus-tools docs --format csv``.
DOCS_COLUMNS = ("doc_id",) + METADATA_FIELDS + ("n_paragraphs", "n_words")
DATE_PRECISIONS = ("day", "month", "year")
#: The largest corpus file (a text, a sidecar, a table) the loader reads: 2 GiB. Larger
#: files are refused before anything is read (a device such as /dev/zero never ends).
MAX_FILE_BYTES = 2 * 1024**3
#: Rates are reported per this many tokens everywhere (keywords, compare, describe).
PER = 1000.0

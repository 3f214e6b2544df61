"""Paths and defaults, in one place (Cookiecutter Data Science's ``config.py``).

Every path can be redirected with an environment variable, which is how
``corpus-tools run --out DIR`` sends another corpus's figures and caches
elsewhere without touching the notebooks.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"

SEEDS_DIR = Path(os.environ.get("CORPUS_TOOLS_CORPUS", PROJ_ROOT / "seeds"))
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"


def figures_dir() -> Path:
    """Where ``save_figure`` writes: ``$CORPUS_TOOLS_FIGURES_DIR`` or ``figures/``."""
    return Path(os.environ.get("CORPUS_TOOLS_FIGURES_DIR", PROJ_ROOT / "figures"))


def cache_dir() -> Path:
    """The token-table cache: ``$CORPUS_TOOLS_CACHE_DIR`` or ``.cache/`` (gitignored)."""
    return Path(os.environ.get("CORPUS_TOOLS_CACHE_DIR", PROJ_ROOT / ".cache"))


FIGURES_DIR = figures_dir()
CACHE_DIR = cache_dir()

#: Metadata fields every Document carries, in display order.
METADATA_FIELDS = ("title", "author", "affiliation", "outlet", "date", "date_precision")
#: Columns of ``corpus-tools docs --format csv``.
DOCS_COLUMNS = ("doc_id",) + METADATA_FIELDS + ("n_paragraphs", "n_words")
DATE_PRECISIONS = ("day", "month", "year")

"""The run: execute the numbered notebooks, write their outputs, record provenance.

:func:`run_notebooks` (``corpus-tools run``) executes every ``NN-*.ipynb``
under papermill with the injected parameters, writes the cleaned notebook,
its report and ``figures/manifest.json`` atomically, removes the figures a
notebook no longer writes, and sweeps the temporary files a killed run left
behind. See :mod:`corpus_tools.report` for the whole sequence.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path

import nbformat

from .. import config
from ..errors import CorpusToolsError, ParameterError
from ..io import atomic_write_bytes
from .params import evaluate_defaults, load_params, notebook_parameters
from .render import clean_notebook, index_html, notebook_summary, provenance_footer, render_html

__all__ = [
    "RunConfig",
    "run_notebooks",
    "discover_notebooks",
    "write_manifest",
    "prune_stale_figures",
    "sweep_orphans",
    "package_versions",
    "ORPHAN_AGE",
    "PROVENANCE_PACKAGES",
    "FIGURE_LOG_ENV",
]

#: Packages whose versions every report records.
PROVENANCE_PACKAGES = (
    "corpus_tools", "pandas", "numpy", "scipy", "matplotlib", "gensim", "nltk",
    "simplemma", "vaderSentiment", "papermill", "nbconvert",
)
#: The environment variable naming the file where ``save_figure`` logs the
#: figures a notebook wrote during the run (so the run can prune the others).
FIGURE_LOG_ENV = "CORPUS_TOOLS_FIGURE_LOG"
#: An orphaned temporary file is one older than this (seconds): the atomic
#: writes of a run that was killed. Younger ones may belong to a live writer
#: (a notebook saving a figure from JupyterLab), so they are left alone.
ORPHAN_AGE = 60.0


@dataclass
class RunConfig:
    """Where a run reads and writes. Built by :func:`run_notebooks`."""

    notebooks_in: Path
    notebooks_out: Path
    figures: Path
    reports: Path
    corpus: str | None = None
    common: dict = field(default_factory=dict)
    per_notebook: dict = field(default_factory=dict)
    hide_code: bool = False


# ---------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------
def _git_commit() -> str:
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


def _corpus_hash(params: Mapping) -> str:
    """Content hash of the corpus and selection a notebook ran on."""
    import warnings

    from ..corpus import load_selected

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            c = load_selected(
                params.get("CORPUS"),
                where=params.get("SELECT_WHERE") or None,
                date_from=params.get("DATE_FROM"),
                date_to=params.get("DATE_TO"),
                **(params.get("LOAD_OPTIONS") or {}),
            )
        except CorpusToolsError as exc:
            return f"unavailable ({exc})"
    return f"{c.content_hash()} ({len(c)} documents)"


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def discover_notebooks(folder: Path, only: Sequence[str] | None = None) -> list[Path]:
    """The numbered notebooks ``NN-*.ipynb`` in ``folder``, in order.

    ``only`` keeps the given numbers (``"2"`` or ``"02"``). Raises
    :class:`~corpus_tools.errors.ParameterError` when a number in ``only``
    has no notebook, or when no numbered notebook is left.
    """
    found = sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))
    if only:
        wanted = {str(o).zfill(2) for o in only}
        found = [p for p in found if p.name[:2] in wanted]
        missing = wanted - {p.name[:2] for p in found}
        if missing:
            raise ParameterError(f"--only {sorted(missing)}: no such notebook in {folder}.")
    if not found:
        raise ParameterError(f"{folder}: no numbered notebooks (NN-name.ipynb) to run.")
    return found


def _print_failure(nb_path: Path, exc: BaseException) -> None:
    source = getattr(exc, "source", "") or ""
    first = "\n".join(source.splitlines()[:6])
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "cell_index", None)
    print(
        f"\nFAILED: {nb_path.name}" + (f", cell {cell}" if cell is not None else "") + "\n"
        + textwrap.indent(first, "    | ") + f"\n{ename}: {evalue}\n"
        "Nothing from this notebook was written; earlier notebooks' outputs are complete.",
        file=sys.stderr,
    )


def _write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


def write_manifest(figures: Path, notebooks: Sequence[Path]) -> Path:
    """Write ``figures/manifest.json``: each figure, its notebook, data CSV and SHA-256s.

    One entry per ``*.png`` in ``figures``, sorted by name, with the
    notebook whose two-digit prefix it shares (from ``notebooks``), its SVG
    and CSV (``None`` when absent) and their SHA-256s. Written atomically;
    returns its path. Raises :class:`OSError` if the folder is not writable.
    """
    by_prefix = {p.name[:2]: p.name for p in notebooks}
    entries = []
    for png in sorted(figures.glob("*.png")):
        stem = png.stem
        csv = png.with_suffix(".csv")
        svg = png.with_suffix(".svg")
        entries.append(
            {
                "figure": png.name,
                "notebook": by_prefix.get(stem[:2], ""),
                "png_sha256": hashlib.sha256(png.read_bytes()).hexdigest(),
                "svg": svg.name if svg.exists() else None,
                "svg_sha256": hashlib.sha256(svg.read_bytes()).hexdigest() if svg.exists() else None,
                "data": csv.name if csv.exists() else None,
                "data_sha256": hashlib.sha256(csv.read_bytes()).hexdigest() if csv.exists() else None,
            }
        )
    path = figures / "manifest.json"
    atomic_write_bytes(path, (json.dumps({"figures": entries}, indent=2, sort_keys=True) + "\n").encode())
    return path


def prune_stale_figures(figures: Path, prefix: str, written: set[str]) -> None:
    """Remove the ``PREFIX-*`` figure files (PNG, SVG, CSV) whose stem is not in ``written``.

    ``written`` holds the stems the notebook saved in this run, so a figure
    it no longer makes does not linger in ``figures/`` and the manifest.
    Raises :class:`OSError` if a file cannot be removed.
    """
    for f in figures.glob(f"{prefix}-*"):
        if f.suffix in (".png", ".svg", ".csv") and f.stem not in written:
            f.unlink()


def sweep_orphans(*folders: Path) -> None:
    """Delete ``.NAME.*.tmp`` and ``.figures-NN.log`` files that a killed run left behind.

    :func:`~corpus_tools.io.atomic_write_bytes` writes to such a temporary
    file and renames it; SIGKILL between the two leaves it. The targets
    themselves are always whole (old or new), so only the litter needs
    removing. Only files older than :data:`ORPHAN_AGE` seconds go; a file
    that cannot be removed is left. Raises nothing.
    """
    import time

    now = time.time()
    for folder in folders:
        for f in [*folder.glob(".*.tmp"), *folder.glob(".figures-*.log")]:
            with contextlib.suppress(OSError):
                if now - f.stat().st_mtime > ORPHAN_AGE:
                    f.unlink()


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def run_notebooks(
    *,
    corpus: str | None = None,
    params_file: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    only: Sequence[str] | None = None,
    hide_code: bool = False,
    notebooks_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> int:
    """Execute the notebooks and render the reports; returns a process exit status.

    See :mod:`corpus_tools.report`. Returns 0 on success and 1 at the first
    failing cell, after printing the notebook, the cell's first lines and the
    error. Raises :class:`~corpus_tools.errors.ParameterError` for a bad
    parameters file, a parameter a notebook does not declare, or ``--only``.
    """
    import papermill as pm
    from filelock import FileLock
    from tqdm.auto import tqdm

    file_corpus, common, per = load_params(params_file)
    corpus = corpus or file_corpus
    src = Path(notebooks_dir) if notebooks_dir else config.NOTEBOOKS_DIR
    notebooks = discover_notebooks(src, only)
    if out is None:
        cfg = RunConfig(src, src, config.figures_dir(), config.REPORTS_DIR)
    else:
        o = Path(out).resolve()
        cfg = RunConfig(src, o / "notebooks", o / "figures", o / "reports")
    cfg.corpus, cfg.common, cfg.per_notebook, cfg.hide_code = corpus, common, per, hide_code
    for d in (cfg.notebooks_out, cfg.figures, cfg.reports):
        d.mkdir(parents=True, exist_ok=True)

    lock_dir = config.cache_dir() / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock_name = hashlib.sha256(str(cfg.figures.resolve()).encode()).hexdigest()[:16]
    versions = package_versions()
    commit = _git_commit()
    entries = []
    env_backup = {k: os.environ.get(k) for k in ("CORPUS_TOOLS_FIGURES_DIR", FIGURE_LOG_ENV)}
    with FileLock(str(lock_dir / f"run-{lock_name}.lock")):
        sweep_orphans(cfg.notebooks_out, cfg.figures, cfg.reports)
        try:
            os.environ["CORPUS_TOOLS_FIGURES_DIR"] = str(cfg.figures)
            bar = tqdm(notebooks, desc="notebooks", unit="nb", disable=not progress, file=sys.stderr)
            for nb_path in bar:
                bar.set_postfix_str(nb_path.name)
                prefix = nb_path.name[:2]
                declared = notebook_parameters(nb_path)
                wanted = {**common, **per.get(prefix, {})}
                if corpus is not None:
                    wanted["CORPUS"] = str(corpus)
                unknown = set(wanted) - set(declared)
                params = {k: v for k, v in wanted.items() if k in declared}
                if unknown and per.get(prefix):
                    stray = sorted(set(per[prefix]) - set(declared))
                    if stray:
                        raise ParameterError(
                            f"{params_file}: notebook {prefix} has no parameter(s) {stray}; "
                            f"its parameters are {sorted(declared)}."
                        )
                log = cfg.reports / f".figures-{prefix}.log"
                log.unlink(missing_ok=True)
                os.environ[FIGURE_LOG_ENV] = str(log)
                try:
                    nb = pm.execute_notebook(
                        str(nb_path), None, parameters=params or None, kernel_name="python3",
                        cwd=str(src), progress_bar=progress, log_output=False,
                        request_save_on_cell_execute=False,
                        # jupyter_client interrupts a kernel before shutting it down;
                        # ipykernel would log that as "ERROR | KeyboardInterrupt caught
                        # in kernel" after every notebook. Cell errors still surface
                        # through the notebook (PapermillExecutionError).
                        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                    )
                    written = set(log.read_text().split()) if log.exists() else set()
                except pm.PapermillExecutionError as exc:
                    _print_failure(nb_path, exc)
                    return 1
                finally:
                    log.unlink(missing_ok=True)
                prune_stale_figures(cfg.figures, prefix, written)
                nb = clean_notebook(nb)
                _write_notebook(nb, cfg.notebooks_out / nb_path.name)
                # the parameters in force: the cell's defaults overridden by the injected ones
                in_force = dict(declared)
                in_force.update({k: repr(v) for k, v in params.items()})
                prov = {
                    "notebook": nb_path.name,
                    "corpus": str(corpus) if corpus else "seeds/ (the seed corpus)",
                    "corpus content hash": _corpus_hash({**evaluate_defaults(declared), **params}),
                    "parameters": "; ".join(f"{k} = {v}" for k, v in in_force.items()),
                    "seeds": "; ".join(f"{k} = {v}" for k, v in in_force.items() if "SEED" in k) or "none",
                    "package versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
                    "git commit": commit,
                }
                title, summary = notebook_summary(nb)
                page = render_html(nb, hide_code=hide_code, footer=provenance_footer(prov),
                                   title=title or nb_path.stem)
                report = cfg.reports / (nb_path.stem + ".html")
                atomic_write_bytes(report, page.encode("utf-8"))
                entries.append({"href": report.name, "title": title or nb_path.stem, "summary": summary})
            write_manifest(cfg.figures, notebooks if not only else discover_notebooks(src))
            footer = provenance_footer(
                {"corpus": str(corpus) if corpus else "seeds/ (the seed corpus)",
                 "package versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
                 "git commit": commit}
            )
            if not only:
                atomic_write_bytes(cfg.reports / "index.html", index_html(entries, footer).encode())
        finally:
            for k, v in env_backup.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    print(f"ran {len(notebooks)} notebook(s); reports in {cfg.reports}", file=sys.stderr)
    return 0

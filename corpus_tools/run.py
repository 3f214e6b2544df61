"""Execute the numbered notebooks, render self-contained HTML reports, record provenance.

``corpus-tools run`` (and ``make run``) calls :func:`run_notebooks`:

1. every ``notebooks/NN-*.ipynb`` runs in order under papermill, with
   parameters from ``--params FILE.yaml`` (and ``--corpus``) injected into
   its ``parameters`` cell;
2. the executed notebook is cleaned of volatile metadata (timings, kernel
   ids, papermill bookkeeping, random cell ids, widget state), so a rerun on
   unchanged inputs gives identical bytes, and written atomically;
3. each notebook is rendered to ``reports/NN-*.html`` with images embedded,
   no script, style or font from the network, and a provenance footer
   (corpus hash, parameters, seeds, package versions, git commit);
4. ``reports/index.html`` links the reports and ``figures/manifest.json``
   lists every figure with its notebook, data CSV and SHA-256s.

The default run (the seeds) updates ``notebooks/`` and ``figures/`` in place.
With ``--out DIR`` (another corpus) everything goes under ``DIR`` and the
committed notebooks and figures are never touched.
"""
from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path

import nbformat

from . import __version__, config
from .errors import CorpusToolsError, ParameterError
from .io import atomic_write_bytes

__all__ = ["RunConfig", "run_notebooks", "clean_notebook", "render_html", "load_params"]

#: Packages whose versions every report records.
PROVENANCE_PACKAGES = (
    "corpus_tools", "pandas", "numpy", "scipy", "matplotlib", "gensim", "nltk",
    "simplemma", "vaderSentiment", "papermill", "nbconvert",
)
FIGURE_LOG_ENV = "CORPUS_TOOLS_FIGURE_LOG"


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
# Parameters
# ---------------------------------------------------------------------------
def load_params(path: str | os.PathLike | None) -> tuple[str | None, dict, dict]:
    """Read a YAML parameters file: ``(corpus, common, per_notebook)``.

    The file may hold ``corpus: PATH``, ``common: {NAME: value}`` applied to
    every notebook, and ``notebooks: {"01": {NAME: value}}`` for one notebook
    (keyed by its two-digit number). Top-level UPPER_CASE keys are treated as
    common parameters. Parsed with ``yaml.safe_load``: no tags that construct
    objects.
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


def notebook_parameters(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The names and default source values in the notebook's ``parameters`` cell."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            params = {}
            for line in cell.source.splitlines():
                m = re.match(r"^([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*(?:#.*)?$", line)
                if m:
                    params[m.group(1)] = m.group(2)
            return params
    return {}


# ---------------------------------------------------------------------------
# Cleaning and rendering
# ---------------------------------------------------------------------------
_VOLATILE_NB_META = ("papermill", "widgets", "execution")
_VOLATILE_CELL_META = ("papermill", "execution", "collapsed", "scrolled")


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata so that identical runs give identical bytes.

    Removes papermill timings and paths, nbclient execution timestamps,
    widget state (it would pull the widget manager from a CDN into the
    HTML), and replaces cell ids with stable ones. Execution counts are
    renumbered 1, 2, 3 … over the executed code cells.
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
            cell.outputs = _merge_streams(cell.get("outputs", []))
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


_NET_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']https?://[^\"']*[\"'][^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref=[\"']https?://[^\"']*[\"'][^>]*/?>",
    re.IGNORECASE,
)
_SCRIPT = re.compile(r"<script\b[^>]*>[\s\S]*?</script>", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+url\([\"']?https?://[^)]*\)\s*;?", re.IGNORECASE)


def render_html(
    nb: nbformat.NotebookNode, *, hide_code: bool = False, footer: str = "", title: str = ""
) -> str:
    """A self-contained HTML page for ``nb``: images embedded, nothing from the network.

    Uses nbconvert's ``lab`` template with ``embed_images``; MathJax and
    require.js, which the template loads from a CDN, are removed (the
    notebooks use neither), and any remaining remote ``<script src>``,
    ``<link href>`` or CSS ``@import`` is dropped. ``hide_code`` removes the
    code cells' input for readers who want only narrative and figures.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", embed_images=True)
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = hide_code
    exporter.exclude_output_prompt = hide_code
    exporter.mathjax_url = ""
    # the page <title> (the browser tab, the name a shared file is bookmarked by)
    resources = {"metadata": {"name": title}} if title else None
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _NET_TAG.sub("", body)
    body = _CSS_IMPORT.sub("", body)
    # Drop scripts that would reach the network (mermaid's CDN import, which
    # fires only for mermaid diagrams but names remote URLs), MathJax's
    # empty loader and its configuration: the notebooks need neither.
    body = _SCRIPT.sub(
        lambda m: "" if ("https://" in m.group(0) or 'src=""' in m.group(0)
                         or "mathjax" in m.group(0).lower()) else m.group(0),
        body,
    )
    if footer:
        body = body.replace("</body>", footer + "\n</body>", 1)
    return body


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
    out = {"python": sys.version.split()[0]}
    for name in PROVENANCE_PACKAGES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance_footer(prov: Mapping) -> str:
    """The provenance block appended to every report, as HTML."""
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


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def discover_notebooks(folder: Path, only: Sequence[str] | None = None) -> list[Path]:
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


def _corpus_hash(params: Mapping) -> str:
    """Content hash of the corpus and selection a notebook ran on."""
    import warnings

    from .notebook import load_selected

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


def _summary(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """Title (first '# ' heading) and a one-line summary (the first sentence after it)."""
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            s = line.strip()
            if not title and s.startswith("# "):
                title = s[2:].strip()
            elif title and s and not s.startswith("#") and not summary:
                summary = re.sub(r"[*_`]", "", s)
                summary = re.split(r"(?<=[.?!])\s", summary)[0]
        if title and summary:
            break
    return title, summary


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
    """``figures/manifest.json``: each figure, its notebook, data CSV and SHA-256s."""
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


def _prune_stale_figures(figures: Path, prefix: str, written: set[str]) -> None:
    """Remove ``NN-*`` figure files the notebook no longer writes."""
    for f in figures.glob(f"{prefix}-*"):
        if f.suffix in (".png", ".svg", ".csv") and f.stem not in written:
            f.unlink()


#: An orphaned temporary file is one older than this (seconds): the atomic
#: writes of a run that was killed. Younger ones may belong to a live writer
#: (a notebook saving a figure from JupyterLab), so they are left alone.
ORPHAN_AGE = 60.0


def _sweep_orphans(*folders: Path) -> None:
    """Delete ``.NAME.*.tmp`` files that a killed run left behind.

    :func:`~corpus_tools.plots.atomic_write_bytes` writes to such a file and
    renames it; SIGKILL between the two leaves it. The targets themselves are
    always whole (old or new), so only the litter needs removing.
    """
    import time

    now = time.time()
    for folder in folders:
        for f in [*folder.glob(".*.tmp"), *folder.glob(".figures-*.log")]:
            with contextlib.suppress(OSError):
                if now - f.stat().st_mtime > ORPHAN_AGE:
                    f.unlink()


def _index_html(entries: list[dict], footer: str) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(e["href"])}">{html.escape(e["title"])}</a>'
        f'<br><span>{html.escape(e["summary"])}</span></li>'
        for e in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corpus_tools reports</title>
<style>body{{font:16px/1.5 sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}}
li{{margin:1em 0}} span{{color:#555}}</style></head>
<body><h1>corpus_tools reports</h1>
<p>Each report is a notebook executed top to bottom and rendered as a self-contained page:
images are embedded and nothing loads from the network, so the files can be shared as they are.</p>
<ol>
{items}
</ol>
{footer}
</body></html>
"""


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

    See the module docstring. Returns 0 on success and 1 at the first failing
    cell, after printing the notebook, the cell's first lines and the error.
    Raises :class:`ParameterError` for a bad parameters file or ``--only``.
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
        _sweep_orphans(cfg.notebooks_out, cfg.figures, cfg.reports)
        try:
            os.environ["CORPUS_TOOLS_FIGURES_DIR"] = str(cfg.figures)
            bar = tqdm(notebooks, desc="notebooks", unit="nb", disable=not progress, file=sys.stderr)
            for nb_path in bar:
                bar.set_postfix_str(nb_path.name)
                prefix = nb_path.name[:2]
                nb_in = nbformat.read(nb_path, as_version=4)
                declared = notebook_parameters(nb_in)
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
                _prune_stale_figures(cfg.figures, prefix, written)
                nb = clean_notebook(nb)
                _write_notebook(nb, cfg.notebooks_out / nb_path.name)
                # the parameters in force: the cell's defaults overridden by the injected ones
                in_force = dict(declared)
                in_force.update({k: repr(v) for k, v in params.items()})
                prov = {
                    "notebook": nb_path.name,
                    "corpus": str(corpus) if corpus else "seeds/ (the seed corpus)",
                    "corpus content hash": _corpus_hash({**_literal_defaults(declared), **params}),
                    "parameters": "; ".join(f"{k} = {v}" for k, v in in_force.items()),
                    "seeds": "; ".join(f"{k} = {v}" for k, v in in_force.items() if "SEED" in k) or "none",
                    "package versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
                    "git commit": commit,
                }
                title, summary = _summary(nb)
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
                atomic_write_bytes(cfg.reports / "index.html", _index_html(entries, footer).encode())
        finally:
            for k, v in env_backup.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    print(f"ran {len(notebooks)} notebook(s); reports in {cfg.reports}", file=sys.stderr)
    return 0


def _literal_defaults(declared: Mapping[str, str]) -> dict:
    """Evaluate the selection parameters' default values safely (literals only)."""
    import ast

    out = {}
    for k in ("CORPUS", "LOAD_OPTIONS", "SELECT_WHERE", "DATE_FROM", "DATE_TO"):
        if k in declared:
            with contextlib.suppress(ValueError, SyntaxError):
                out[k] = ast.literal_eval(declared[k])
    return out

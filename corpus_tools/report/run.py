"""The run: execute the numbered notebooks, write their outputs, record provenance.

:func:`run_notebooks` (``corpus-tools run``) checks every parameter and the
output folder before it writes anything, then executes each ``NN-*.ipynb``
with the run's parameter values written into it (:mod:`.params`), its
figures saved into a staging folder. Only a notebook that succeeds has its
figures moved into place, with its notebook, report and
``figures/manifest.json``; a notebook that fails gets a report page saying
what failed and keeps its previous outputs, and the run goes on to the next.
See :mod:`corpus_tools.report` for the whole sequence and :mod:`.output` for
which files a run may touch.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import config
from ..corpus.load import PROVENANCE_ENV
from ..errors import ParameterError
from ..io import atomic_write_bytes
from .output import (FIGURE_SUFFIXES, ORPHAN_AGE, OutputFolder, check_output_path, claim_output,
                     default_output, project_folder)
from .params import check_parameter_names, inject_parameters, load_params, notebook_parameters, parameters_source
from .provenance import (PROVENANCE_PACKAGES, corpus_rows, display_path, git_commit, package_versions,
                         read_records, scrub_paths)
from .render import clean_notebook, failure_html, index_html, notebook_summary, provenance_footer, render_html

__all__ = [
    "RunConfig",
    "run_notebooks",
    "discover_notebooks",
    "write_manifest",
    "package_versions",
    "ORPHAN_AGE",
    "PROVENANCE_PACKAGES",
    "FIGURE_LOG_ENV",
    "DEFAULT_TIMEOUT",
]

#: One BLAS/OpenMP thread per kernel. With several, OpenBLAS splits a product
#: across threads and a floating-point flag raised in a worker thread reaches
#: numpy only sometimes, so gensim's "invalid value encountered in dot" warning
#: came and went between identical runs and the notebook's bytes with it. One
#: thread makes every numeric step, and every output, the same on each run;
#: the notebooks' matrices are small, so it costs little (and the run's
#: notebooks can use the cores instead).
DETERMINISTIC_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: The environment variable naming the file where ``save_figure`` logs the
#: figures a notebook wrote (the run moves those into place and prunes the others).
FIGURE_LOG_ENV = "CORPUS_TOOLS_FIGURE_LOG"
#: Seconds a single cell may run before the run gives up on its notebook (``--timeout``).
DEFAULT_TIMEOUT = 1800.0


@dataclass
class RunConfig:
    """What a run was asked to do, checked. Built by :func:`run_notebooks`."""

    notebooks_in: Path
    start: Path  #: the folder the run started in: shown paths are relative to it
    corpus: str | None = None  #: absolute path, or None for the seeds
    params_file: str | None = None
    common: dict = field(default_factory=dict)
    per_notebook: dict = field(default_factory=dict)
    hide_code: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    progress: bool = True


@dataclass
class Failure:
    """Why a notebook did not finish."""

    what: str  #: one line: the cell and the error
    source: str = ""
    traceback: str = ""


@dataclass
class Outcome:
    """One notebook's result, for the index and the summary."""

    notebook: str
    failure: Failure | None
    entry: dict


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


def write_manifest(figures: Path, notebooks: Sequence[Path], *, owned: Iterable[str] | None = None) -> Path:
    """Write ``figures/manifest.json``: each figure, its notebook, data CSV and SHA-256s.

    One entry per ``*.png`` in ``figures`` (only the names in ``owned``,
    when given: the run's own figures), sorted by name, with the notebook
    whose two-digit prefix it shares (from ``notebooks``), its SVG and CSV
    (``None`` when absent) and their SHA-256s. Written atomically; returns its
    path. Raises :class:`OSError` if the folder is not writable.
    """
    by_prefix = {p.name[:2]: p.name for p in notebooks}
    owned = None if owned is None else set(owned)
    entries = []
    for png in sorted(figures.glob("*.png")):
        if owned is not None and png.name not in owned:
            continue
        stem = png.stem
        csv, svg = png.with_suffix(".csv"), png.with_suffix(".svg")
        svg_ok = svg.exists() and (owned is None or svg.name in owned)
        csv_ok = csv.exists() and (owned is None or csv.name in owned)
        entries.append(
            {
                "figure": png.name,
                "notebook": by_prefix.get(stem[:2], ""),
                "png_sha256": hashlib.sha256(png.read_bytes()).hexdigest(),
                "svg": svg.name if svg_ok else None,
                "svg_sha256": hashlib.sha256(svg.read_bytes()).hexdigest() if svg_ok else None,
                "data": csv.name if csv_ok else None,
                "data_sha256": hashlib.sha256(csv.read_bytes()).hexdigest() if csv_ok else None,
            }
        )
    path = figures / "manifest.json"
    atomic_write_bytes(path, (json.dumps({"figures": entries}, indent=2, sort_keys=True) + "\n").encode())
    return path


def _write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def _environ(values: Mapping[str, str]):
    """Set environment variables for the kernel (it inherits them), and restore them after.

    ``$CORPUS_TOOLS_CORPUS`` is removed meanwhile: a notebook's default
    corpus is the project's seeds, never a corpus left in the environment.
    """
    names = {*values, "CORPUS_TOOLS_CORPUS"}
    backup = {k: os.environ.get(k) for k in names}
    os.environ.pop("CORPUS_TOOLS_CORPUS", None)
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in backup.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ---------------------------------------------------------------------------
# One notebook
# ---------------------------------------------------------------------------
def _first_line(text: str, width: int = 60) -> str:
    line = next((s.strip() for s in str(text).splitlines() if s.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def _execute(nb: nbformat.NotebookNode, *, cwd: Path, cfg: RunConfig, injected_at: int | None):
    """Run ``nb``; ``(executed notebook, None)`` or ``(None, Failure)``. KeyboardInterrupt propagates."""
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    current = {"index": None, "source": ""}

    def on_cell_start(cell, cell_index):
        current.update(index=cell_index, source=cell.get("source", ""))

    def where(index) -> str:
        if index is None:
            return "before the first cell"
        if injected_at is not None and index == injected_at:
            return "the cell of the run's parameters"
        n = index if injected_at is None or index < injected_at else index - 1
        return f"cell {n + 1}"

    try:
        nb = pm.execute_notebook(
            nb, None, parameters=None, kernel_name="python3", cwd=str(cwd),
            progress_bar=cfg.progress, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=cfg.timeout, on_cell_start=on_cell_start,
            # jupyter_client interrupts a kernel before shutting it down;
            # ipykernel would log that as "ERROR | KeyboardInterrupt caught
            # in kernel" after every notebook. Cell errors still surface
            # through the notebook (PapermillExecutionError).
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
        return nb, None
    except pm.PapermillExecutionError as exc:
        evalue = _first_line(exc.evalue, 200)
        return None, Failure(
            f"{where(exc.cell_index)} ({_first_line(exc.source)}): {exc.ename}: {evalue}",
            exc.source, "\n".join(exc.traceback or []),
        )
    except CellTimeoutError:
        return None, Failure(
            f"{where(current['index'])} ({_first_line(current['source'])}): no result after "
            f"{cfg.timeout:g} s (--timeout {cfg.timeout:g}); the cell was stopped",
            current["source"],
        )
    except DeadKernelError as exc:
        return None, Failure(
            f"{where(current['index'])} ({_first_line(current['source'])}): the kernel died "
            f"(out of memory?): {_first_line(exc, 200)}", current["source"],
        )
    except Exception as exc:  # the kernel did not start, a broken notebook file …
        return None, Failure(f"{where(current['index'])}: {type(exc).__name__}: {_first_line(exc, 200)}",
                             current["source"])


def _run_one(
    nb_path: Path, values: Mapping, declared: Mapping, folder: OutputFolder, cfg: RunConfig, common_prov: Mapping
) -> Outcome:
    """Execute one notebook into staging; move its outputs into place only if it succeeds."""
    nb = nbformat.read(nb_path, as_version=4)
    # the default run strips a previous run's cell; a run with parameters writes its own
    injected_at = inject_parameters(nb, values)
    prefix = nb_path.name[:2]
    report = folder.reports / (nb_path.stem + ".html")
    stage = folder.new_staging(prefix)
    try:
        log, loaded = stage / "figures.log", stage / "loaded.json"
        env = {"CORPUS_TOOLS_FIGURES_DIR": str(stage / "figures"), FIGURE_LOG_ENV: str(log),
               PROVENANCE_ENV: str(loaded), **DETERMINISTIC_THREADS}
        # the kernel starts in the notebooks' folder (a notebook may import a
        # module beside it); the injected CORPUS is relative to that folder
        with _environ(env):
            executed, failure = _execute(nb, cwd=cfg.notebooks_in, cfg=cfg, injected_at=injected_at)
        in_force = dict(declared)
        in_force.update({k: repr(v) for k, v in values.items()})
        prov = {
            "notebook": nb_path.name,
            **corpus_rows(read_records(loaded), cfg.start),
            "parameters": "; ".join(f"{k} = {v}" for k, v in in_force.items()),
            "seeds": "; ".join(f"{k} = {v}" for k, v in in_force.items() if "SEED" in k) or "none",
            **common_prov,
        }
        new: dict[Path, bytes] = {}
        if failure is None:
            stems = set(log.read_text(encoding="utf-8").splitlines()) if log.exists() else set()
            for f in sorted((stage / "figures").iterdir()):
                if f.stem in stems and f.suffix in FIGURE_SUFFIXES:
                    new[folder.figures / f.name] = f.read_bytes()
            conflicts = folder.conflicts(new, new)
            if conflicts:
                failure = Failure(
                    f"{', '.join(conflicts[:3])} already {'exists' if len(conflicts) == 1 else 'exist'} and "
                    f"corpus-tools run did not write {'it' if len(conflicts) == 1 else 'them'}; move or "
                    f"rename {'it' if len(conflicts) == 1 else 'them'} (a run never overwrites a file of yours)"
                )
        if failure is not None:
            title = nb_path.stem
            page = failure_html(
                title=title, notebook=nb_path.name, what=scrub_paths(failure.what, cfg.start),
                kept="Nothing of this run of the notebook was written: its figures, its notebook and their "
                     "entries in figures/manifest.json are the previous run's, if there was one.",
                source=failure.source, traceback=scrub_paths(failure.traceback, cfg.start),
                footer=provenance_footer(prov),
            )
            folder.record([report])
            atomic_write_bytes(report, page.encode("utf-8"))
            return Outcome(nb_path.name, failure, {"href": report.name, "title": f"{title} (failed)",
                                                   "summary": scrub_paths(failure.what, cfg.start), "prov": prov})
        # all or nothing: list the files as the run's own, move them in, then the rest
        folder.record(new)
        for path, data in new.items():
            atomic_write_bytes(path, data)
        folder.prune(prefix, new)
        executed = clean_notebook(executed)
        notebook_out = folder.notebooks / nb_path.name
        folder.record([notebook_out, report])
        _write_notebook(executed, notebook_out)
        title, summary = notebook_summary(executed)
        page = render_html(executed, hide_code=cfg.hide_code, footer=provenance_footer(prov),
                           title=title or nb_path.stem)
        atomic_write_bytes(report, page.encode("utf-8"))
        return Outcome(nb_path.name, None, {"href": report.name, "title": title or nb_path.stem,
                                            "summary": summary, "prov": prov})
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.staging.rmdir()  # only when empty


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def _absolute(path: str | os.PathLike, start: Path) -> str:
    p = Path(os.path.expanduser(path))
    return os.path.abspath(p if p.is_absolute() else start / p)


def run_notebooks(
    *,
    corpus: str | os.PathLike | None = None,
    params_file: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    only: Sequence[str] | None = None,
    hide_code: bool = False,
    notebooks_dir: str | os.PathLike | None = None,
    progress: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    force: bool = False,
    start_dir: str | os.PathLike | None = None,
) -> int:
    """Execute the notebooks and render the reports; returns a process exit status.

    See :mod:`corpus_tools.report`. ``corpus``, ``params_file`` and ``out``
    relative paths are relative to ``start_dir`` (default: the working
    directory). With neither ``corpus`` nor ``params_file`` nor ``out`` this
    is the default run: the project's notebooks in place, ``figures/`` and
    ``reports/``. Otherwise everything goes to ``out``, or to
    ``reports/runs/<name>/`` in the project. ``timeout`` limits each cell
    (seconds; None: no limit); ``force`` adopts an output folder holding
    other files (they are kept).

    Returns 0 when every notebook succeeded and 1 when one or more failed
    (each failure is printed as one line when it happens and again in the
    summary at the end; the others still run). Raises
    :class:`~corpus_tools.errors.ParameterError`, before anything is written,
    for a bad parameters file, a parameter no notebook declares, a missing
    corpus, ``--only``, a bad ``timeout``, or an output folder the run may
    not use.
    """
    from filelock import FileLock
    from tqdm.auto import tqdm

    start = Path(os.path.abspath(start_dir or os.getcwd()))
    src = Path(_absolute(notebooks_dir or config.NOTEBOOKS_DIR, start))
    project = src.parent
    params_file = _absolute(params_file, start) if params_file is not None else None
    file_corpus, common, per = load_params(params_file)
    corpus = _absolute(corpus, start) if corpus is not None else file_corpus
    if corpus is not None and not os.path.exists(corpus):
        raise ParameterError(f"corpus {display_path(corpus, start)}: no such file or folder.")
    if timeout is not None and not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise ParameterError(f"--timeout {timeout}: give a number of seconds greater than 0.")
    cfg = RunConfig(src, start, corpus, params_file, common, per, hide_code, timeout, progress)

    everything = discover_notebooks(src)
    notebooks = discover_notebooks(src, only)
    declared = {p.name[:2]: notebook_parameters(p) for p in everything}
    check_parameter_names(common, per, declared, source=str(params_file))
    plan = []
    for nb_path in notebooks:
        prefix = nb_path.name[:2]
        values = {k: v for k, v in {**common, **per.get(prefix, {})}.items() if k in declared[prefix]}
        if corpus is not None:
            if "CORPUS" not in declared[prefix]:
                raise ParameterError(f"{nb_path.name} declares no CORPUS parameter, so it cannot run on {corpus}.")
            # relative to the notebooks' folder, where the kernel starts: the
            # notebook and its report never show the absolute path
            values = {"CORPUS": display_path(corpus, src), **values}
        parameters_source(values)  # every value plain data, before anything runs
        plan.append((nb_path, values))

    if corpus is None and params_file is None and out is None:
        folder = project_folder(project, src, everything)
    else:
        target = Path(_absolute(out, start)) if out is not None else default_output(project, corpus, params_file)
        seeds = config.PROJ_ROOT / "seeds"
        target = check_output_path(target, projects={config.PROJ_ROOT, project},
                                   corpus=Path(corpus) if corpus else seeds)
        folder = claim_output(target, force=force)
    expected = [folder.notebooks / p.name for p in notebooks]
    expected += [folder.reports / (p.stem + ".html") for p in notebooks]
    expected += [folder.figures / "manifest.json"] + ([folder.reports / "index.html"] if not only else [])
    folder.refuse_conflicts(expected)

    versions = package_versions()
    common_prov = {"package versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
                   "git commit": git_commit()}
    outcomes: list[Outcome] = []
    with FileLock(str(folder.lock)):
        folder.refresh()
        folder.refuse_conflicts(expected)
        for d in (folder.notebooks, folder.figures, folder.reports):
            d.mkdir(parents=True, exist_ok=True)
        folder.record([folder.figures / "manifest.json"])
        folder.sweep()
        bar = tqdm(plan, desc="notebooks", unit="nb", disable=not progress, file=sys.stderr)
        for nb_path, values in bar:
            bar.set_postfix_str(nb_path.name)
            outcome = _run_one(nb_path, values, declared[nb_path.name[:2]], folder, cfg, common_prov)
            outcomes.append(outcome)
            if outcome.failure is None:
                write_manifest(folder.figures, everything,
                               owned={Path(r).name for r in folder.owned if folder.root / Path(r).parent
                                      == folder.figures})
            else:
                report = display_path(folder.reports / outcome.entry["href"], start)
                print(f"\nFAILED: {nb_path.name}, {outcome.failure.what}. Its previous outputs are kept; "
                      f"{report} says what failed.", file=sys.stderr)
        if not only:
            rows = {}
            for o in outcomes:
                for k, v in o.entry.get("prov", {}).items():
                    if k.startswith(("corpus", "selection")):
                        rows.setdefault(k, []).append(v)
            footer = provenance_footer(
                {**{k: " | ".join(dict.fromkeys(v)) for k, v in rows.items()}, **common_prov}
            )
            folder.record([folder.reports / "index.html"])
            entries = [{k: v for k, v in o.entry.items() if k != "prov"} for o in outcomes]
            atomic_write_bytes(folder.reports / "index.html", index_html(entries, footer).encode())
    failed = [o for o in outcomes if o.failure is not None]
    where = display_path(folder.reports, start)
    if failed:
        lines = [f"  {o.notebook}: " + ("ok" if o.failure is None else f"FAILED, {o.failure.what}")
                 for o in outcomes]
        print("\nsummary:\n" + "\n".join(lines) + f"\n{len(failed)} of {len(outcomes)} notebook(s) failed; "
              f"reports in {where}", file=sys.stderr)
        return 1
    print(f"ran {len(outcomes)} notebook(s); reports in {where}", file=sys.stderr)
    return 0

"""Output folders: where a run may write, and which files in it are the run's own.

A run writes into one output folder, ``notebooks/``, ``figures/`` and
``reports/`` under it:

* the default run (the seeds, no ``--corpus``, ``--params`` or ``--out``)
  writes into the project itself: the notebooks in place, ``figures/`` and
  ``reports/`` beside them (:func:`project_folder`);
* any other run writes into ``--out DIR`` or, without it, into
  ``reports/runs/<name>/`` (:func:`default_output`), a folder the run created
  or one that carries its marker :data:`MARKER_NAME`; a folder holding
  anything else is refused unless ``--force`` adopts it (:func:`claim_output`).
  It is never the project folder, its ``notebooks/`` or ``figures/``, nor
  inside the corpus (:func:`check_output_path`).

The marker is JSON: what made the folder and every file a run wrote there
(notebooks, figures, reports, the manifest). Pruning a figure a notebook no
longer makes, and sweeping the temporary files a killed run left, touch only
files on that list; a file the run did not write is never overwritten,
whatever its name (:meth:`OutputFolder.conflicts`). The run holds the lock
:data:`LOCK_NAME` in the folder itself while it writes, so any two runs into
one folder take turns, whatever their cache folders.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import ParameterError
from ..io import atomic_write_bytes

__all__ = [
    "OutputFolder",
    "project_folder",
    "claim_output",
    "check_output_path",
    "default_output",
    "MARKER_NAME",
    "LOCK_NAME",
    "STAGING_NAME",
    "ORPHAN_AGE",
    "FIGURE_SUFFIXES",
]

#: The file that marks a folder as a run's output and lists the files runs wrote there.
MARKER_NAME = ".corpus-tools-output"
#: The lock a run holds, in its output folder, while it writes there.
LOCK_NAME = ".corpus-tools-run.lock"
#: Where each notebook's figures are staged until the notebook has succeeded.
STAGING_NAME = ".corpus-tools-staging"
#: The files of one figure (``save_figure`` writes PNG + SVG, and CSV with data).
FIGURE_SUFFIXES = (".png", ".svg", ".csv")
#: An orphaned temporary file is one older than this (seconds): the atomic
#: writes of a run that was killed. Younger ones may belong to a live writer
#: (a notebook saving a figure from JupyterLab), so they are left alone.
ORPHAN_AGE = 60.0
#: The temporary files of :func:`corpus_tools.io.atomic_write`: ``.NAME.<random>.tmp``.
TEMP_FILE = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{6,}\.tmp$")


def _abs(path: str | os.PathLike) -> Path:
    return Path(os.path.abspath(os.path.expanduser(path)))


def _inside(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or under it (symlinks resolved)."""
    return path.resolve().is_relative_to(folder.resolve())


@dataclass
class OutputFolder:
    """A run's output folder and the files runs wrote there (relative POSIX paths)."""

    root: Path
    notebooks: Path
    figures: Path
    reports: Path
    project: bool = False  #: the project itself: the default run on the seeds
    adopted: bool = False  #: a folder of someone else's, taken over with --force
    owned: set[str] = field(default_factory=set)

    @property
    def marker(self) -> Path:
        return self.root / MARKER_NAME

    @property
    def lock(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def staging(self) -> Path:
        return self.root / STAGING_NAME

    def rel(self, path: Path) -> str:
        """``path`` relative to the folder, as POSIX text (the marker's spelling)."""
        return Path(os.path.abspath(path)).relative_to(self.root).as_posix()

    def owns(self, path: Path) -> bool:
        """Whether a run wrote ``path`` (it is on the marker's list)."""
        return self.rel(path) in self.owned

    def save(self) -> None:
        """Write the marker (atomically; unchanged bytes are not rewritten)."""
        data = {
            "made_by": f"corpus-tools run (corpus_tools {__version__})",
            "about": "The outputs of corpus-tools run. The files listed were written by it: the next run "
                     "may replace or remove them. It never touches any other file here.",
            "adopted": self.adopted,
            "files": sorted(self.owned),
        }
        atomic_write_bytes(self.marker, (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    def record(self, paths: Iterable[Path]) -> None:
        """Add ``paths`` to the list of the run's files (before writing them) and save the marker."""
        new = {self.rel(p) for p in paths} - self.owned
        if new or not self.marker.exists():
            self.owned |= new
            self.save()

    def forget(self, paths: Iterable[Path]) -> None:
        """Take ``paths`` off the list (after removing them) and save the marker."""
        gone = {self.rel(p) for p in paths} & self.owned
        if gone:
            self.owned -= gone
            self.save()

    def refresh(self) -> None:
        """Read the marker's list again (another run may have added to it)."""
        data = _read_marker(self.marker)
        if data is not None:
            self.owned |= set(data["files"])

    def conflicts(self, paths: Iterable[Path], data: dict[Path, bytes] | None = None) -> list[str]:
        """The paths that exist but were not written by a run: the user's files.

        In the project (the default run) a file with exactly the bytes the run
        would write is not a conflict: a figure saved by the same notebook in
        JupyterLab. Returns relative paths, sorted.
        """
        out = []
        for p in paths:
            if (p.exists() or p.is_symlink()) and not self.owns(p):
                if self.project and data is not None and p.is_file() and not p.is_symlink():
                    with contextlib.suppress(OSError):
                        if p.read_bytes() == data.get(p):
                            continue
                out.append(self.rel(p))
        return sorted(out)

    def refuse_conflicts(self, paths: Iterable[Path]) -> None:
        """Raise :class:`ParameterError` naming the user's files among ``paths``."""
        found = self.conflicts(paths)
        if found:
            raise ParameterError(
                f"{self.root}: {', '.join(found[:3])}{' …' if len(found) > 3 else ''} "
                f"{'exists' if len(found) == 1 else 'exist'} but corpus-tools run did not write "
                f"{'it' if len(found) == 1 else 'them'}, and it never overwrites a file of yours; "
                f"move or rename {'it' if len(found) == 1 else 'them'}, or choose another --out folder."
            )

    # -- staging ---------------------------------------------------------------
    def new_staging(self, prefix: str) -> Path:
        """A fresh, empty staging folder for notebook ``prefix``; its ``figures/`` is where the kernel saves.

        Notebooks never read each other's figures (results pass through the
        cache: :func:`corpus_tools.notebook.save_result`), so the folder
        starts empty. Returns the staging folder.
        """
        stage = self.staging / f"{prefix}-{secrets.token_hex(4)}"
        (stage / "figures").mkdir(parents=True)
        return stage

    def figure_files(self, prefix: str) -> list[Path]:
        """The run's own figure files (PNG, SVG, CSV) of notebook ``prefix``."""
        return sorted(
            self.root / rel for rel in self.owned
            if (self.root / rel).parent == self.figures and Path(rel).name.startswith(prefix + "-")
            and Path(rel).suffix in FIGURE_SUFFIXES
        )

    def prune(self, prefix: str, keep: Iterable[Path]) -> list[Path]:
        """Remove notebook ``prefix``'s figure files that are the run's own and not in ``keep``.

        Only files on the marker's list go: a figure the notebook no longer
        makes. Returns the removed paths. Raises :class:`OSError` if one
        cannot be removed.
        """
        keep = {Path(os.path.abspath(p)) for p in keep}
        gone = [p for p in self.figure_files(prefix) if p not in keep]
        for p in gone:
            p.unlink(missing_ok=True)
        self.forget(gone)
        return gone

    def sweep(self) -> None:
        """Remove what killed runs left: staging folders, and old temporary files of the run's own.

        Called with the lock held, so every staging folder belongs to a run
        that is gone. A temporary file ``.NAME.<random>.tmp`` goes only when
        ``NAME`` is one of the run's files (or its marker or manifest) and it
        is older than :data:`ORPHAN_AGE` seconds. Raises nothing.
        """
        shutil.rmtree(self.staging, ignore_errors=True)
        ours = self.owned | {MARKER_NAME, self.rel(self.figures / "manifest.json")}
        now = time.time()
        for folder in {self.root, self.notebooks, self.figures, self.reports}:
            with contextlib.suppress(OSError):
                for f in folder.iterdir():
                    m = TEMP_FILE.match(f.name)
                    if m and self.rel(folder / m.group("target")) in ours and f.is_file():
                        with contextlib.suppress(OSError):
                            if now - f.stat().st_mtime > ORPHAN_AGE:
                                f.unlink()


# ---------------------------------------------------------------------------
# Which folder
# ---------------------------------------------------------------------------
def _read_marker(path: Path) -> dict | None:
    """The marker's data, or None if there is no marker; raises ParameterError if it is damaged."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(f, str) for f in data.get("files", [])):
            raise ValueError("not a marker")
    except (OSError, ValueError) as exc:
        raise ParameterError(
            f"{path}: this marker of a run's output folder cannot be read ({exc}); check the folder, "
            f"then delete the marker and pass --force to use the folder again."
        ) from None
    data.setdefault("files", [])
    return data


def project_folder(project: Path, notebooks: Path, numbered: Sequence[Path]) -> OutputFolder:
    """The project as the default run's output folder: the notebooks in place, ``figures/``, ``reports/``.

    The run's own files are those on the project's marker, plus the numbered
    notebooks, their reports, and every figure ``figures/manifest.json``
    lists (a fresh checkout has no marker yet: the committed figures are the
    run's). Raises :class:`ParameterError` for a damaged marker.
    """
    folder = OutputFolder(project, notebooks, project / "figures", project / "reports", project=True)
    folder.owned = set((_read_marker(folder.marker) or {}).get("files", []))
    folder.owned |= {folder.rel(p) for p in numbered}
    folder.owned |= {folder.rel(folder.reports / (p.stem + ".html")) for p in numbered}
    folder.owned |= {folder.rel(folder.reports / "index.html"), folder.rel(folder.figures / "manifest.json")}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        manifest = json.loads((folder.figures / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["figures"]:
            for name in (entry["figure"], entry.get("svg"), entry.get("data")):
                if name and "/" not in name and not name.startswith("."):
                    folder.owned.add(folder.rel(folder.figures / name))
    return folder


def default_output(project: Path, corpus: str | None, params_file: str | None) -> Path:
    """``reports/runs/<name>/`` in the project: ``<name>`` from the parameters file, else the corpus.

    The name is the parameters file's stem, or the corpus folder's (or
    table's) name, with anything but letters, digits, ``.``, ``_`` and ``-``
    replaced by ``-``.
    """
    source = Path(params_file).stem if params_file else Path(corpus).name if corpus else "seeds"
    if not params_file and corpus and Path(corpus).is_file():
        source = Path(corpus).stem
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", source).strip(".-") or "run"
    return project / "reports" / "runs" / name


def check_output_path(out: Path, *, projects: Iterable[Path], corpus: Path) -> Path:
    """``out`` as an absolute path, if a run may write there; raises ParameterError saying why not.

    Refused: a path that is a file, or whose folder cannot be made (a file
    on the way, a folder that is not writable); a project folder (the
    default run's, with its committed ``notebooks/`` and ``figures/``) or a
    folder inside its ``notebooks/`` or ``figures/``; the corpus folder or a
    folder inside it; a folder whose ``notebooks/``, ``figures/`` or
    ``reports/`` holds the corpus.
    """
    o = _abs(out)
    if o.is_file() or (o.is_symlink() and not o.exists()):
        raise ParameterError(f"--out {out}: is a file, not a folder; give the folder to write into.")
    anc = o
    while not (anc.exists() or anc.is_symlink()):
        anc = anc.parent
    if not anc.is_dir():
        raise ParameterError(f"--out {out}: cannot make this folder: {anc} is a file.")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise ParameterError(f"--out {out}: cannot make or write this folder: {anc} is not writable.")
    for project in projects:
        committed = (project / "notebooks", project / "figures")
        if o.resolve() == project.resolve() or any(_inside(o, c) for c in committed):
            raise ParameterError(
                f"--out {out}: is the project's own folder (its notebooks/ and figures/ are the committed "
                f"ones, which only the default run on the seeds updates); choose another folder, for "
                f"example reports/runs/NAME."
            )
    if corpus.is_dir() and _inside(o, corpus):
        raise ParameterError(
            f"--out {out}: is inside the corpus folder {corpus}; a run never writes there. "
            f"Choose a folder outside the corpus."
        )
    for sub in ("notebooks", "figures", "reports", STAGING_NAME):
        if _inside(corpus, o / sub):
            raise ParameterError(
                f"--out {out}: the corpus {corpus} lies inside its {sub}/ folder, where the run writes; "
                f"choose another folder."
            )
    return o


def claim_output(out: Path, *, force: bool = False) -> OutputFolder:
    """The output folder at ``out`` (absolute, checked by :func:`check_output_path`), made or verified.

    A missing folder is created with its marker in one step (a temporary
    folder renamed into place), so a concurrent run never sees it unmarked.
    An existing folder is used if it has a marker or is empty; one holding
    anything else is refused unless ``force`` adopts it (its files are then
    the user's: never overwritten, pruned or swept). Raises
    :class:`ParameterError` saying why and what to do.
    """
    folder = OutputFolder(out, out / "notebooks", out / "figures", out / "reports")
    if not out.exists():
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
        except OSError as exc:
            raise ParameterError(f"--out {out}: cannot make this folder ({exc.strerror}).") from None
        try:
            OutputFolder(tmp, tmp, tmp, tmp).save()
            os.rename(tmp, out)  # fails if another run made it first (then it is not empty)
            return folder
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    if not out.is_dir():
        raise ParameterError(f"--out {out}: is a file, not a folder; give the folder to write into.")
    data = _read_marker(folder.marker) if not force else None
    if force and folder.marker.exists():
        with contextlib.suppress(ParameterError):
            data = _read_marker(folder.marker)
    if data is not None:
        folder.owned, folder.adopted = set(data["files"]), bool(data.get("adopted"))
        return folder
    try:
        found = sorted(p.name for p in out.iterdir())
    except OSError as exc:
        raise ParameterError(f"--out {out}: cannot read this folder ({exc.strerror}).") from None
    if found and not force:
        raise ParameterError(
            f"--out {out}: this folder holds files that corpus-tools run did not write ("
            f"{', '.join(found[:3])}{' …' if len(found) > 3 else ''}); a run writes only into a new "
            f"folder or one marked {MARKER_NAME}. Choose a new folder, or pass --force to use this one "
            f"(your files are kept: none is overwritten or removed)."
        )
    folder.adopted = bool(found)
    return folder

"""Interrupted runs, concurrent runs, the token cache under stress, a read-only corpus.

Issue 9's promises, tested with real processes and real signals:

* killing ``corpus-tools run`` (Ctrl-C, ``kill``, or a power cut that takes the
  kernel with it) mid-notebook, mid-figure, mid-notebook-write, mid-report or
  mid-cache-write leaves every output file either as it was or exactly the
  new complete version, never truncated; the killed run's kernel does not
  linger; the next full run gives the exact reference bytes;
* two runs into the same output folder (with the same cache folder or
  different ones), and two processes tokenizing the same corpus into the same
  cache, both succeed and leave valid outputs;
* a corrupt or half-written cache is rebuilt (with a warning when a file is
  corrupt); cache files are Arrow IPC and JSON, never pickle;
* a read-only corpus goes through load, tokenize and a run unchanged (bytes and
  mtimes).

The notebooks are two tiny ones written into ``tmp_path`` (a parameters cell,
load + tokenize, a few ``save_figure`` calls, a short sleep), not the real
analyses. To stop a run at an exact point the test watches marker files: the
notebooks touch ``$TEST_STAGE_DIR/NN-<step>``, and ``slowdisk.py`` (imported by
the driver and by the notebooks) makes ``os.replace`` pause before renaming a
temporary file over a target whose name matches ``$TEST_SLOW_REPLACE``,
touching ``replace-<name>`` first: the kill then lands between writing the
temporary file and renaming it. Environment variables, not notebook
parameters, carry this, so the instrumented runs inject the same parameters as
the reference runs and their outputs can be compared byte for byte.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from corpus_tools import CorpusWarning, load_corpus, tokenize
from corpus_tools.report import run_notebooks

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

#: ``atomic_write_bytes`` and the token cache write ``.NAME.<random>.tmp`` beside
#: the target; a SIGKILL can leave one behind (``*.tmp`` is gitignored).
TEMP = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{6,}\.tmp$")
#: Older runs kept the names of the figures a notebook saved in such a log.
FIGURE_LOG = re.compile(r"^\.figures-\d\d\.log$")
#: The run's bookkeeping in its output folder: the list of the files it wrote
#: (part of the outputs), its lock (an empty file), and the staging folders of
#: a killed run (removed by the next run).
MARKER, LOCK, STAGING = ".corpus-tools-output", ".corpus-tools-run.lock", ".corpus-tools-staging/"


# ---------------------------------------------------------------------------
# The bench: tiny notebooks, a driver, a generated corpus
# ---------------------------------------------------------------------------
SLOWDISK = '''\
"""Test instrumentation: a slow disk for chosen files (see tests/test_interrupts.py)."""
import os
import re
import time
from pathlib import Path

_real_replace = os.replace


def _replace(src, dst, *args, **kwargs):
    pattern = os.environ.get("TEST_SLOW_REPLACE")
    if pattern and re.fullmatch(pattern, Path(dst).name):
        Path(os.environ["TEST_STAGE_DIR"], "replace-" + Path(dst).name).touch()
        time.sleep(float(os.environ.get("TEST_SLOW_SECONDS", "3")))
    return _real_replace(src, dst, *args, **kwargs)


os.replace = _replace
'''

DRIVER = '''\
"""`corpus-tools run` on the notebooks in argv[1] (the CLI has no --notebooks option)."""
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import slowdisk  # noqa: E402,F401  (a no-op unless $TEST_SLOW_REPLACE is set)
from corpus_tools import config  # noqa: E402

config.NOTEBOOKS_DIR = Path(sys.argv[1])
from corpus_tools.cli import main  # noqa: E402

sys.exit(main(["run", *sys.argv[2:]]))
'''

PARAMETERS = """\
CORPUS = None          # None = the seed corpus; or a folder of .txt (+ metadata.csv)
LOAD_OPTIONS = {}      # passed to load_corpus
SELECT_WHERE = {}      # keep documents whose metadata matches
DATE_FROM = None       # inclusive ISO date prefix
DATE_TO = None
N_JOBS = 1             # processes for tokenizing
VERSION = 1            # seeds the random walks, so another version rewrites every figure
N_FIGURES = 2          # figures this notebook saves"""


def _tiny_notebook(prefix: str) -> nbformat.NotebookNode:
    code = nbformat.v4.new_code_cell
    cells = [
        nbformat.v4.new_markdown_cell(f"# Tiny notebook {prefix}\n\nA stand-in for an analysis."),
        code(PARAMETERS, metadata={"tags": ["parameters"]}),
        code(
            "import os\nimport time\nfrom pathlib import Path\n\n"
            "import slowdisk  # a no-op unless $TEST_SLOW_REPLACE is set\n"
            "import matplotlib.pyplot as plt\nimport numpy as np\nimport pandas as pd\n\n"
            "from corpus_tools import tokenize\nfrom corpus_tools.notebook import load_selected\n"
            "from corpus_tools.plots import save_figure\n\n\n"
            "def stage(step):\n"
            "    if os.environ.get('TEST_STAGE_DIR'):\n"
            f"        Path(os.environ['TEST_STAGE_DIR'], '{prefix}-' + step).touch()\n\n\n"
            "stage('start')"
        ),
        code(
            "corpus = load_selected(CORPUS, where=SELECT_WHERE, date_from=DATE_FROM, "
            "date_to=DATE_TO, **LOAD_OPTIONS)\n"
            "stage('tokenize')\ntokens = tokenize(corpus, n_jobs=N_JOBS, progress=False)\n"
            "stage('tokenized')\nprint(len(corpus), 'documents,', len(tokens.frame), 'tokens')"
        ),
        code(
            "rng = np.random.default_rng(VERSION)\n"
            "for i in range(N_FIGURES):\n"
            "    data = pd.DataFrame({'step': np.arange(300), 'value': rng.normal(size=300).cumsum().round(6)})\n"
            "    fig, ax = plt.subplots(figsize=(8, 5))\n"
            "    ax.plot(data['step'], data['value'])\n"
            "    ax.set(title=f'version {VERSION}, figure {i}', xlabel='step', ylabel='value')\n"
            "    stage(f'fig{i}')\n"
            f"    save_figure(fig, f'{prefix}-walk{{i}}', data, close=True)\n"
            "stage('figures')"
        ),
        code("time.sleep(0.3)\nstage('done')\nprint('version', VERSION)"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _write_corpus(folder: Path, n_docs: int) -> None:
    """``n_docs`` distinct documents built from the seeds' body paragraphs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paragraphs = [p for d in load_corpus(SEEDS) for p in d.paragraphs]
    folder.mkdir(parents=True)
    rows = ["doc_id,author,date"]
    for i in range(n_docs):
        body = [paragraphs[(7 * i + j) % len(paragraphs)] for j in range(8)]
        body.append(f"Document {i} closes here.")
        (folder / f"d{i:03d}.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")
        rows.append(f"d{i:03d},Author {i % 5},{2000 + i % 10}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Bench:
    root: Path
    notebooks: Path
    corpus: Path
    driver: Path

    def params(self, version: int) -> Path:
        p = self.root / f"params-v{version}.yaml"
        if not p.exists():
            p.write_text(f"common:\n  VERSION: {version}\n")
        return p


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Bench:
    root = tmp_path_factory.mktemp("interrupts")
    nbs = root / "notebooks"
    nbs.mkdir()
    for prefix in ("00", "01"):
        nbformat.write(_tiny_notebook(prefix), nbs / f"{prefix}-tiny.ipynb")
    (nbs / "slowdisk.py").write_text(SLOWDISK)
    (root / "driver.py").write_text(DRIVER)
    _write_corpus(root / "corpus", 120)
    return Bench(root, nbs, root / "corpus", root / "driver.py")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for k in ("TEST_STAGE_DIR", "TEST_SLOW_REPLACE", "CORPUS_TOOLS_FIGURES_DIR", "CORPUS_TOOLS_FIGURE_LOG"):
        env.pop(k, None)
    # the reports record `git rev-parse HEAD`; other work committed mid-test
    # must not change the bytes, so every run reports "not a git checkout"
    env["GIT_DIR"] = os.devnull
    env.update(extra)
    return env


def _isolate(mp: pytest.MonkeyPatch, cache: Path) -> None:
    """The in-process equivalent of :func:`_env`."""
    for k in ("TEST_STAGE_DIR", "TEST_SLOW_REPLACE", "CORPUS_TOOLS_FIGURES_DIR", "CORPUS_TOOLS_FIGURE_LOG"):
        mp.delenv(k, raising=False)
    mp.setenv("GIT_DIR", os.devnull)
    mp.setenv("CORPUS_TOOLS_CACHE_DIR", str(cache))


def _start_run(bench: Bench, out: Path, version: int, cache: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(bench.driver), str(bench.notebooks), "--out", str(out),
         "--params", str(bench.params(version)), "--corpus", str(bench.corpus)],
        env=_env(CORPUS_TOOLS_CACHE_DIR=str(cache), **extra),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # its own process group, like a command started from a shell, so that
        # "Ctrl-C" can go to the group
        start_new_session=True,
        # a shell script's background jobs ignore SIGINT, and children inherit
        # that; a run started from a terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _finish(proc: subprocess.Popen, timeout: float = 240) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc.pid)
        _, err = proc.communicate()
        pytest.fail(f"run did not finish within {timeout} s:\n{err.decode()[-2000:]}")
    return proc.returncode, err.decode(errors="replace")


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------
def _proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) for every live process."""
    table = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat_line = (p / "stat").read_text()
        except OSError:
            continue
        fields = stat_line[stat_line.rindex(")") + 2:].split()
        table[int(p.name)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid: int) -> set[int]:
    table = _proc_table()
    found, frontier = set(), {pid}
    while frontier:
        children = {c for c, (ppid, _) in table.items() if ppid in frontier} - found
        found |= children
        frontier = children
    return found


def _alive(pids: set[int]) -> set[int]:
    table = _proc_table()
    return {p for p in pids if p in table and table[p][1] != "Z"}


def _kill_tree(pid: int) -> None:
    for p in _descendants(pid) | {pid}:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------------------
# Output trees
# ---------------------------------------------------------------------------
def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _split_leftovers(tree: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """The outputs proper, and the temporary/bookkeeping files a kill may leave."""
    outputs, leftovers = {}, []
    for rel, data in tree.items():
        name = rel.rsplit("/", 1)[-1]
        if rel == LOCK:
            continue
        if TEMP.match(name) or FIGURE_LOG.match(name) or rel.startswith(STAGING):
            leftovers.append(rel)
        else:
            outputs[rel] = data
    return outputs, leftovers


def _assert_complete(tree: dict[str, bytes]) -> None:
    """Every file of a finished run parses or decodes completely."""
    import matplotlib.image

    kinds = {}
    for rel, data in tree.items():
        if rel == LOCK:
            continue
        if rel == MARKER:  # lists exactly the outputs
            assert json.loads(data)["files"] == sorted(set(tree) - {MARKER, LOCK}), data
            continue
        suffix = rel.rsplit(".", 1)[-1]
        kinds[suffix] = kinds.get(suffix, 0) + 1
        if suffix == "png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82"), rel
            assert matplotlib.image.imread(io.BytesIO(data), format="png").shape[2] == 4, rel
        elif suffix == "svg":
            assert ET.fromstring(data).tag.endswith("svg"), rel
        elif suffix == "csv":
            assert pd.read_csv(io.BytesIO(data)).shape == (300, 2), rel
        elif suffix == "ipynb":
            nb = nbformat.reads(data.decode(), as_version=4)
            nbformat.validate(nb)
            assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                        if o.output_type == "error"], rel
        elif suffix == "html":
            assert data.rstrip().endswith(b"</html>"), rel
        elif suffix == "json":
            manifest = json.loads(data)
            for entry in manifest["figures"]:
                png = tree[f"figures/{entry['figure']}"]
                assert hashlib.sha256(png).hexdigest() == entry["png_sha256"], entry["figure"]
        else:
            pytest.fail(f"unexpected output {rel}")
    # 2 notebooks x 2 figures x (png, svg, csv), 2 notebooks, 2 reports + index, manifest
    assert kinds == {"png": 4, "svg": 4, "csv": 4, "ipynb": 2, "html": 3, "json": 1}


@pytest.fixture(scope="module")
def references(bench, tmp_path_factory) -> dict[int, dict[str, bytes]]:
    """Complete runs of version 1 and 2, each from an empty output folder."""
    refs = {}
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, bench.root / "cache-ref")
        for version in (1, 2):
            out = tmp_path_factory.mktemp(f"reference-v{version}")
            status = run_notebooks(
                corpus=str(bench.corpus), params_file=bench.params(version), out=out,
                notebooks_dir=bench.notebooks, progress=False,
            )
            assert status == 0
            refs[version] = _tree(out)
            _assert_complete(refs[version])
    # the versions differ in every figure, notebook and report, so "as it was"
    # and "fully updated" are distinguishable for each file (the index lists
    # titles only; the marker lists file names)
    same = [r for r in refs[1] if refs[1][r] == refs[2].get(r)]
    assert same == [MARKER, LOCK, "reports/index.html"]
    return refs


# ---------------------------------------------------------------------------
# Kill a run at chosen points
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Kill:
    name: str
    sig: signal.Signals
    target: str  #: "group" (Ctrl-C at a shell), "driver" (kill PID), "all" (driver and kernel: power cut)
    marker: str | None  #: regex of the marker file to wait for; None: wait `delay` after start
    slow: str | None = None  #: regex of the file name whose rename pauses
    delay: float = 0.0
    fresh_cache: bool = False  #: an empty token cache, so the notebook writes it
    leaves_temp: bool = False  #: killed between a temporary file and its rename, in the output


_CACHE = r"[0-9a-f]{32}"
KILLS = [
    Kill("Ctrl-C during start-up", signal.SIGINT, "group", None, delay=1.0),
    Kill("Ctrl-C mid-notebook", signal.SIGINT, "group", r"00-fig0"),
    Kill("kill mid-figure write", signal.SIGTERM, "driver", r"replace-00-walk1\.svg", slow=r"00-walk1\.svg"),
    Kill("power cut mid-figure write", signal.SIGKILL, "all", r"replace-00-walk0\.png", slow=r"00-walk0\.png",
         leaves_temp=True),
    Kill("kill mid-notebook write", signal.SIGTERM, "driver", r"replace-00-tiny\.ipynb", slow=r"00-tiny\.ipynb"),
    Kill("Ctrl-C between notebooks (report write)", signal.SIGINT, "driver", r"replace-00-tiny\.html",
         slow=r"00-tiny\.html"),
    Kill("kill mid-cache write", signal.SIGTERM, "driver", rf"replace-{_CACHE}\.tokens\.arrow",
         slow=rf"{_CACHE}\.tokens\.arrow", fresh_cache=True),
    Kill("power cut before the cache index", signal.SIGKILL, "all", rf"replace-{_CACHE}\.index\.json",
         slow=rf"{_CACHE}\.index\.json", fresh_cache=True),
    Kill("kill mid-manifest write", signal.SIGTERM, "driver", r"replace-manifest\.json", slow=r"manifest\.json"),
]


def _wait_for(stage: Path, pattern: str | None, proc: subprocess.Popen, timeout: float = 180) -> None:
    t0 = time.monotonic()
    while pattern is not None and not any(re.fullmatch(pattern, p.name) for p in stage.iterdir()):
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {pattern!r}:\n{proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() - t0 > timeout:
            _kill_tree(proc.pid)
            pytest.fail(f"no marker {pattern!r} after {timeout} s")
        time.sleep(0.02)


def _interrupt(proc: subprocess.Popen, kill: Kill) -> set[int]:
    """Send the signal; return the processes the run had started (its kernel)."""
    children = _descendants(proc.pid)
    if kill.target == "group":
        os.killpg(proc.pid, kill.sig)
    elif kill.target == "driver":
        os.kill(proc.pid, kill.sig)
    else:
        for pid in children | {proc.pid}:
            try:
                os.kill(pid, kill.sig)
            except ProcessLookupError:
                pass
    return children


def _cache_is_sound(bench: Bench, cache: Path) -> None:
    """A tokenize after the kill gives the right table (rebuilding if needed) and
    leaves a complete, non-pickle cache that the next call reads."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = load_corpus(bench.corpus)
    fresh = tokenize(corpus, cache=False, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # a half-written entry is a miss, not "corrupt"
        healed = tokenize(corpus, cache=cache / "tokens", progress=False)
        again = tokenize(corpus, cache=cache / "tokens", progress=False)
    assert again.from_cache
    for t in (healed, again):
        pd.testing.assert_frame_equal(t.frame, fresh.frame)
        pd.testing.assert_frame_equal(t.sentences, fresh.sentences)
    _assert_cache_is_data(cache / "tokens")


def _assert_complete_entries(folder: Path) -> list[str]:
    """Every cache entry has its JSON index, its lock and the same Arrow
    tables as the others, and nothing else is there; the entries' stems."""
    layouts: dict[str, list[str]] = {}
    for f in folder.iterdir():
        stem, rest = f.name.split(".", 1)
        layouts.setdefault(stem, []).append(rest)
    for stem, parts in layouts.items():
        parts.sort()
        assert "index.json" in parts and "lock" in parts, (stem, parts)
        assert all(p in ("index.json", "lock") or p.endswith(".arrow") for p in parts), (stem, parts)
    assert len({tuple(p) for p in layouts.values()}) == 1, layouts
    _assert_cache_is_data(folder)
    return sorted(layouts)


def _assert_one_entry(folder: Path) -> str:
    """The cache holds exactly one complete entry and nothing else; its stem."""
    stems = _assert_complete_entries(folder)
    assert len(stems) == 1, sorted(f.name for f in folder.iterdir())
    return stems[0]


def _assert_cache_is_data(folder: Path) -> None:
    for f in folder.iterdir():
        if f.suffix == ".arrow":  # Arrow IPC file: magic at both ends
            head, tail = f.open("rb").read(6), f.read_bytes()[-6:]
            assert head == tail == b"ARROW1", f.name
        elif f.suffix == ".json":
            json.loads(f.read_text(encoding="utf-8"))
        elif f.suffix == ".lock" or TEMP.match(f.name):
            assert not f.read_bytes().startswith(b"\x80"), f.name  # no pickle protocol header
        else:
            pytest.fail(f"unexpected file in the token cache: {f.name}")


def _write_tree(folder: Path, tree: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for rel, data in tree.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def test_killed_runs_leave_every_output_old_or_new(bench, references, tmp_path):
    out = tmp_path / "out"
    shared_cache = bench.root / "cache-ref"  # warm: version 1 and 2 already tokenized
    lingering: list[str] = []
    for i, kill in enumerate(KILLS):
        # the previous good run is version `old`; this run writes version `version`
        old, version = (1, 2) if i % 2 == 0 else (2, 1)
        _write_tree(out, references[old])
        before = references[old]
        stage = tmp_path / f"stage{i}"
        stage.mkdir()
        cache = tmp_path / f"cache{i}" if kill.fresh_cache else shared_cache
        extra = {"TEST_STAGE_DIR": str(stage)}
        if kill.slow:
            extra["TEST_SLOW_REPLACE"] = kill.slow
        proc = _start_run(bench, out, version, cache, **extra)
        _wait_for(stage, kill.marker, proc)
        time.sleep(kill.delay)
        started = _interrupt(proc, kill)
        status, err = _finish(proc, timeout=120)
        assert status != 0, f"{kill.name}: the run was not interrupted"
        if kill.sig in (signal.SIGINT, signal.SIGTERM) and kill.target == "driver":
            # `kill PID` and Ctrl-C both end in the CLI's orderly stop
            assert status == 130 and "interrupted; outputs already written are complete" in err, (
                f"{kill.name}: status {status}\n{err[-1500:]}"
            )
        # the kernel goes too: nbclient shuts it down on Ctrl-C, and ipykernel's
        # parent poller ends it within a second or two when its parent is gone
        t0 = time.monotonic()
        while _alive(started) and time.monotonic() - t0 < 20:
            time.sleep(0.1)
        left = _alive(started)
        if left:
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            lingering.append(f"{kill.name}: {sorted(left)}")

        after = _tree(out)
        outputs, leftovers = _split_leftovers(after)
        before = _split_leftovers(before)[0]
        new = _split_leftovers(references[version])[0]
        for rel, data in outputs.items():
            assert data == before.get(rel) or data == new.get(rel), (
                f"{kill.name}: {rel} is neither as it was nor the complete new version "
                f"({len(data)} bytes)"
            )
        lost = sorted(rel for rel in before if rel in new and rel not in outputs)
        assert lost == [], f"{kill.name}: outputs lost: {lost}"
        if kill.leaves_temp:
            # killed between writing the temporary file and the rename: the
            # target is exactly as it was, the temporary file is all that is left
            target = next(r for r in outputs if re.fullmatch(kill.slow, r.rsplit("/", 1)[-1]))
            assert outputs[target] == before[target], kill.name
            assert any(TEMP.match(r.rsplit("/", 1)[-1]).group("target") == target.rsplit("/", 1)[-1]
                       for r in leftovers if TEMP.match(r.rsplit("/", 1)[-1])), kill.name
        if kill.fresh_cache:
            _cache_is_sound(bench, cache)

    assert lingering == [], f"kernels still running 20 s after the run was killed: {lingering}"
    # the next full run, from the last interrupted state, gives exactly the
    # reference bytes
    status, err = _finish(_start_run(bench, out, version, shared_cache))
    assert status == 0, err[-2000:]
    outputs, leftovers = _split_leftovers(_tree(out))
    assert outputs == _split_leftovers(references[version])[0]
    # what may remain are temporary files of writes a SIGKILL cut short (gitignored *.tmp)
    assert all(TEMP.match(r.rsplit("/", 1)[-1]) for r in leftovers), leftovers


# ---------------------------------------------------------------------------
# Concurrency
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("caches", ["one cache", "two caches"])
def test_two_runs_into_the_same_folder_both_succeed(bench, references, tmp_path, caches):
    """The lock is in the output folder: runs with different cache folders take turns too."""
    out = tmp_path / "out"
    # cold: both kernels want to build the same cache entry, or each its own
    cache = [tmp_path / "cache", tmp_path / ("cache" if caches == "one cache" else "cache2")]
    procs = [_start_run(bench, out, 1, c) for c in cache]
    results = [_finish(p) for p in procs]
    assert [status for status, _ in results] == [0, 0], [err[-1500:] for _, err in results]
    outputs, leftovers = _split_leftovers(_tree(out))
    assert leftovers == []
    assert outputs == _split_leftovers(references[1])[0]
    _assert_complete(_tree(out))
    # one entry, unless the tokenizer's code was edited between the two kernels
    # (its hash is part of the key); either way every entry is complete
    for c in set(cache):
        _assert_complete_entries(c / "tokens")


TOKENIZE_SCRIPT = textwrap.dedent(
    """\
    import hashlib, json, sys, time, warnings
    from pathlib import Path
    import pandas as pd
    from corpus_tools import load_corpus, tokenize
    corpus_dir, cache, go = sys.argv[1:4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(corpus_dir)
    while not Path(go).exists():  # start together, after the imports
        time.sleep(0.005)
    t = tokenize(corpus, cache=cache, progress=False)
    digest = hashlib.sha256(pd.util.hash_pandas_object(t.frame, index=False).to_numpy().tobytes()).hexdigest()
    print(json.dumps({"from_cache": t.from_cache, "rows": len(t.frame), "digest": digest}))
    """
)


def test_two_processes_tokenize_into_the_same_cache(bench, tmp_path):
    cache = tmp_path / "cache"
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TOKENIZE_SCRIPT, str(bench.corpus), str(cache), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
        )
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()[-2000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        fresh = tokenize(load_corpus(bench.corpus), cache=False, progress=False)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(fresh.frame, index=False).to_numpy().tobytes()
    ).hexdigest()
    # one built the entry under the lock, the other waited and read it
    assert sorted(r["from_cache"] for r in results) == [False, True]
    assert [r["digest"] for r in results] == [digest, digest]
    _assert_one_entry(cache)


# ---------------------------------------------------------------------------
# The cache heals itself
# ---------------------------------------------------------------------------
@pytest.fixture
def small_corpus(bench):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_corpus(bench.corpus).select(doc_ids=[f"d{i:03d}" for i in range(10)])


@pytest.mark.parametrize(
    "damage",
    ["truncated table", "missing table", "corrupt index", "table of another corpus"],
)
def test_damaged_cache_is_rebuilt(small_corpus, bench, tmp_path, damage):
    cache = tmp_path / "tokens"
    good = tokenize(small_corpus, cache=cache, progress=False)
    stem = _assert_one_entry(cache)
    tables = sorted(cache.glob("*.arrow"), key=lambda f: f.stat().st_size)
    if damage == "truncated table":  # a copy or a disk that gave out halfway
        named = tables[-1]
        named.write_bytes(named.read_bytes()[: named.stat().st_size // 2])
    elif damage == "missing table":
        named = tables[0]
        named.unlink()
    elif damage == "corrupt index":
        named = cache / f"{stem}.index.json"
        named.write_text('{"rows": {"tokens": ')
    else:  # a sync tool mixed two entries: a valid table of the wrong size
        other = tokenize(small_corpus.select(doc_ids=small_corpus.doc_ids[:3]),
                         cache=tmp_path / "other", progress=False)
        assert len(other.frame) < len(good.frame)
        suffix = tables[-1].name.split(".", 1)[1]
        (other_table,) = (tmp_path / "other").glob(f"*.{suffix}")
        shutil.copyfile(other_table, tables[-1])
        named = None  # the table or the index that disagrees with it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        healed = tokenize(small_corpus, cache=cache, progress=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    assert messages, "a damaged cache file must be reported"
    names = re.escape(str(named)) if named else re.escape(str(cache / stem)) + r"\.[\w.]+"
    pattern = rf"{names}: tokens cache file is corrupt or unreadable \(.+\); rebuilding it\."
    assert all(re.fullmatch(pattern, m, flags=re.S) for m in messages), messages
    assert not healed.from_cache
    pd.testing.assert_frame_equal(healed.frame, good.frame)
    pd.testing.assert_frame_equal(healed.sentences, good.sentences)
    pd.testing.assert_frame_equal(healed.docs, good.docs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        again = tokenize(small_corpus, cache=cache, progress=False)
    assert again.from_cache
    pd.testing.assert_frame_equal(again.frame, good.frame)
    pd.testing.assert_frame_equal(again.paragraph_texts(), good.paragraph_texts())
    assert _assert_one_entry(cache) == stem


# ---------------------------------------------------------------------------
# A read-only corpus is never touched
# ---------------------------------------------------------------------------
def test_read_only_corpus_goes_through_the_pipeline_unchanged(bench, tmp_path, monkeypatch):
    corpus_dir = tmp_path / "ro"
    shutil.copytree(bench.corpus, corpus_dir)
    (corpus_dir / "sub").mkdir()
    (corpus_dir / "sub" / "extra.txt").write_text("A nested document with its own words.\n")
    with (corpus_dir / "metadata.csv").open("a") as fh:
        fh.write("extra,Someone,2011\n")
    for p in [corpus_dir, *corpus_dir.rglob("*")]:
        p.chmod(p.stat().st_mode & ~0o222)  # chmod -R a-w

    def snapshot():
        # bytes, mode and mtime of every entry, folders included (a file
        # created and deleted again would still change its folder's mtime)
        return {
            p.relative_to(corpus_dir).as_posix(): (
                p.stat().st_mtime_ns, p.stat().st_mode, p.read_bytes() if p.is_file() else None
            )
            for p in sorted([corpus_dir, *corpus_dir.rglob("*")])
        }

    before = snapshot()
    _isolate(monkeypatch, tmp_path / "cache")
    corpus = load_corpus(corpus_dir)
    assert len(corpus) == 121
    tokens = tokenize(corpus, progress=False)
    assert tokenize(corpus, progress=False).from_cache and len(tokens.frame)
    status = run_notebooks(
        corpus=str(corpus_dir), params_file=bench.params(1), out=tmp_path / "out",
        notebooks_dir=bench.notebooks, only=["00"], progress=False,
    )
    assert status == 0
    assert sorted(p.name for p in (tmp_path / "out" / "figures").glob("*.png")) == [
        "00-walk0.png", "00-walk1.png",
    ]
    assert snapshot() == before
    for p in [corpus_dir, *corpus_dir.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)  # let pytest clean up

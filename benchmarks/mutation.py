"""Mutation testing, module by module, against each module's own tests (mutmut).

Usage:
    .venv/bin/python benchmarks/mutation.py [MODULE ...] [--max-children 2]
                                            [--results benchmarks/results] [--keep]
    .venv/bin/python benchmarks/mutation.py --list
    .venv/bin/python benchmarks/mutation.py --markdown   # the results as a table

MODULE is one of the names in ``MODULES`` below (default: all of them). For
each, the script

1. copies the project (the files git tracks plus untracked ones it does not
   ignore) to a temporary folder, so that mutmut's ``mutants/`` folder and
   its configuration never touch the working tree;
2. appends a ``[tool.mutmut]`` section to the copy's ``pyproject.toml``:
   the whole package is copied to ``mutants/`` (``source_paths``, so every
   import resolves to the copy) but only the module's files are mutated
   (``only_mutate``), and only the module's own test file(s) run
   (``pytest_add_cli_args_test_selection``);
3. runs ``mutmut run --max-children N`` there (mutmut runs, for each mutant,
   only the tests that executed the mutated function);
4. reads mutmut's verdicts (``mutants/**/*.meta``), and for every mutant that
   was not killed the change it made (``mutmut``'s own diff), placed at its
   file and line in the unmodified source;
5. prints the kill rate against the module's target and the survivors, and
   writes ``mutation.json`` (everything) and ``mutation-survivors.csv``
   under ``--results``; a run of some modules keeps the others' results.

Kill rate = (killed + timeout) / (every mutant mutmut made of the module's
files). Mutants no test executes ("no tests") and suspicious ones count as
not killed. The exit status is 1 if any module is below its target.

It is a benchmark, not part of ``make test``: on 2 cores one module takes
minutes to tens of minutes. ``--keep`` leaves the temporary copy (with
``mutants/``) for ``mutmut browse`` / ``mutmut show``, and prints its path.
"""
from __future__ import annotations

import argparse
import ast
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Module:
    """One mutation run: the files to mutate (globs relative to the root), its tests, its target."""

    mutate: tuple[str, ...]
    tests: tuple[str, ...]
    target: float


#: The modules the suite is held to, with the kill rate each must reach.
MODULES: dict[str, Module] = {
    "stats": Module(("corpus_tools/stats/*.py",), ("tests/test_stats.py", "tests/test_stats_inputs.py"), 0.90),
    "keywords": Module(
        ("corpus_tools/keywords/trends.py", "corpus_tools/keywords/change.py", "corpus_tools/keywords/matching.py"),
        ("tests/test_keywords.py",),
        0.85,
    ),
    "corpus": Module(
        ("corpus_tools/corpus/dates.py", "corpus_tools/corpus/boilerplate.py"),
        ("tests/test_corpus.py",),
        0.85,
    ),
    "compare": Module(("corpus_tools/compare/*.py",), ("tests/test_compare.py",), 0.85),
    "topics": Module(("corpus_tools/topics/selection.py",), ("tests/test_topics.py",), 0.85),
}

#: mutmut's exit codes, as its ``stats.status_by_exit_code`` reads them.
STATUS = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious",
    36: "timeout", 37: "caught by type check", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout",
    -11: "segfault", -9: "segfault", None: "not checked",
}
KILLED = {"killed", "timeout", "caught by type check"}


def project_files(root: Path) -> list[str]:
    """The files of the project as git sees them: tracked, plus untracked ones not ignored."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root, check=True, capture_output=True,
    ).stdout.decode()
    return sorted(p for p in out.split("\0") if p and (root / p).is_file())


def copy_project(root: Path, dest: Path) -> None:
    """Copy the project's files (not .venv, .cache, mutants/) to ``dest``."""
    for rel in project_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)


def toml_list(items) -> str:
    return "[" + ", ".join(json.dumps(str(i)) for i in items) + "]"


def configure(copy: Path, module: Module) -> None:
    """Append mutmut's configuration for this module to the copy's pyproject.toml."""
    # Everything else the tests may read (seeds/, examples/, ...) goes beside the package in mutants/.
    also = sorted(p.name for p in copy.iterdir() if p.name not in {"corpus_tools", "tests", "pyproject.toml"})
    section = f"""

[tool.mutmut]
# written by benchmarks/mutation.py into a temporary copy of the project
source_paths = ["corpus_tools"]
only_mutate = {toml_list(module.mutate)}
pytest_add_cli_args_test_selection = {toml_list(module.tests)}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly", "-q"]
also_copy = {toml_list(also)}
use_git_change_detection = false
"""
    with open(copy / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write(section)


def mutmut_env() -> dict[str, str]:
    """The environment of the mutmut run: no PYTHONPATH (mutmut puts mutants/ first), no project overrides."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("CORPUS_TOOLS_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def read_verdicts(copy: Path) -> dict[str, tuple[str, str]]:
    """Mutant name -> (source file relative to the root, status), from mutmut's .meta files."""
    out = {}
    for meta in sorted((copy / "mutants").rglob("*.py.meta")):
        rel = str(meta.relative_to(copy / "mutants"))[: -len(".meta")]
        data = json.loads(meta.read_text())
        for name, code in data.get("exit_code_by_key", {}).items():
            out[name] = (rel, STATUS.get(code, "suspicious"))
    return out


_DIFF_SCRIPT = r"""
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
items = json.loads(sys.stdin.read())
print(json.dumps({name: get_diff_for_mutant(name, path=path) for name, path in items}))
"""


def mutant_diffs(copy: Path, items: list[tuple[str, str]], python: str) -> dict[str, str]:
    """mutmut's diff (original function vs mutant) of each named mutant, in one subprocess."""
    if not items:
        return {}
    res = subprocess.run(
        [python, "-c", _DIFF_SCRIPT], cwd=copy, env=mutmut_env(), input=json.dumps(items),
        capture_output=True, text=True, check=True,
    )
    return json.loads(res.stdout)


def function_starts(source: str) -> dict[str, int]:
    """Function name (``f`` or ``Class.f``) -> the first line of the text mutmut diffs.

    mutmut diffs a function as libcst prints it: the comment lines just above
    it (its "leading lines"), its decorators and its body, stripped of blank
    lines at the start. So the text starts at the first comment of the block
    of comments and blank lines above the function (or at its first decorator).
    """
    lines = source.splitlines()
    starts = {}

    def start(node) -> int:
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        i = first - 1  # 1-based line above the function
        while i >= 1 and (not lines[i - 1].strip() or lines[i - 1].lstrip().startswith("#")):
            i -= 1
        j = i + 1
        while j < first and not lines[j - 1].strip():
            j += 1
        return j

    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            starts[node.name] = start(node)
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    starts[f"{node.name}.{sub.name}"] = start(sub)
    return starts


def function_key(mutant: str) -> str:
    """``pkg.mod.x_f__mutmut_3`` -> ``f``; ``pkg.mod.x\u01c1C\u01c1m__mutmut_1`` -> ``C.m``."""
    mangled = mutant.partition("__mutmut_")[0].rpartition(".")[2]
    if mangled.startswith("x\u01c1"):
        _, cls, meth = mangled.split("\u01c1")
        return f"{cls}.{meth}"
    return mangled[2:]


_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


def describe(diff: str) -> tuple[int | None, str, str]:
    """From mutmut's diff: the first removed line's position in the function's text
    (1-based), that line, and the change as one line ``old  ->  new``."""
    lines = diff.splitlines()
    body = [ln for ln in lines if not ln.startswith(("---", "+++", "@@"))]
    old = [ln[1:] for ln in body if ln.startswith("-")]
    new = [ln[1:] for ln in body if ln.startswith("+")]
    change = " / ".join(s.strip() for s in old) + "  ->  " + " / ".join(s.strip() for s in new)
    for i, ln in enumerate(lines):
        m = _HUNK.match(ln)
        if m:
            pos = int(m.group(1))
            for follow in lines[i + 1:]:
                if follow.startswith("-"):
                    return pos, follow[1:], change
                pos += 1
    return None, "", change


def place(source_lines: list[str], start: int, pos: int, old_first: str) -> int:
    """The file line of the removed text: ``start + pos - 1``, checked against the
    source (the nearest line with that text if the arithmetic misses)."""
    guess = start + pos - 1
    if 1 <= guess <= len(source_lines) and source_lines[guess - 1] == old_first:
        return guess
    candidates = [i + 1 for i, text in enumerate(source_lines) if text == old_first]
    return min(candidates, key=lambda n: (abs(n - guess), n)) if candidates else guess


#: Kinds of surviving mutant, as kind_of sorts them (benchmarks/README.md says what each means).
KINDS = {
    "message": "only the text of a message changed (case, XX...XX, or None)",
    "warning guard": "an argument of np.errstate / warnings filters changed",
    "dtype": "a dtype argument dropped or changed",
    "default value": "a parameter's default value changed",
    "logic": "anything else: a condition, a constant, an argument, an operator",
}


def kind_of(change: str) -> str:
    """A first sorting of a surviving mutant by what it changed (a kind, not a verdict)."""
    old, _, new = change.partition("  ->  ")
    if re.search(r"errstate\(|catch_warnings|simplefilter", old):
        return "warning guard"
    literal = re.compile(r"""f?"[^"]*"|f?'[^']*'""")
    compared = re.search(r"==|!=|\bin \(|\bnot in\b|method|kind=|\[\"", old)
    if not compared and literal.search(old) and literal.sub("S", old) == literal.sub("S", new).replace("None", "S"):
        return "message"  # a string literal (a message, an argument's name in one) changed or became None
    if re.search(r"dtype=|\.astype\(", old) and not re.search(r"dtype=|\.astype\(", new.replace("astype(None)", "")):
        return "dtype"
    if re.search(r"dtype=None|astype\(None\)", new):
        return "dtype"
    if old.lstrip().startswith("def ") or re.match(r"^\s*\w+: [^=]+= [^=]", old):
        return "default value"
    return "logic"


def survivors(copy: Path, verdicts: dict[str, tuple[str, str]], python: str) -> list[dict]:
    """Every mutant not killed, with its file, line and change."""
    left = sorted((n, p) for n, (p, s) in verdicts.items() if s not in KILLED)
    diffs = mutant_diffs(copy, left, python)
    sources: dict[str, list[str]] = {}
    starts: dict[str, dict[str, int]] = {}
    rows = []
    for name, path in left:
        if path not in sources:
            text = (copy / path).read_text(encoding="utf-8")
            sources[path] = text.splitlines()
            starts[path] = function_starts(text)
        pos, old_first, change = describe(diffs.get(name, ""))
        start = starts[path].get(function_key(name))
        line = place(sources[path], start, pos, old_first) if pos is not None and start else None
        rows.append({
            "file": path, "line": line, "function": function_key(name), "mutant": name.rpartition(".")[2],
            "status": verdicts[name][1], "kind": kind_of(change), "change": change,
        })
    rows.sort(key=lambda r: (r["file"], r["line"] or 0, r["mutant"]))
    return rows


def run_module(name: str, module: Module, *, max_children: int, keep: bool, python: str, mutmut: str) -> dict:
    """Run mutmut for one module in a fresh copy of the project; return its summary."""
    tmp = Path(tempfile.mkdtemp(prefix=f"corpus-tools-mutation-{name}-"))
    copy = tmp / "project"
    copy.mkdir()
    copy_project(ROOT, copy)
    configure(copy, module)
    load_before = os.getloadavg()
    start = time.monotonic()
    log = tmp / "mutmut.log"
    with open(log, "w") as out:
        proc = subprocess.run(
            [mutmut, "run", "--max-children", str(max_children)], cwd=copy, env=mutmut_env(),
            stdout=out, stderr=subprocess.STDOUT,
        )
    seconds = time.monotonic() - start
    load_after = os.getloadavg()
    verdicts = read_verdicts(copy)
    if proc.returncode != 0 or not verdicts:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"mutmut failed for {name} (exit {proc.returncode}); last output:\n{tail}\n(copy kept: {tmp})")
    counts: dict[str, int] = {}
    for _, status in verdicts.values():
        counts[status] = counts.get(status, 0) + 1
    total = len(verdicts)
    killed = sum(c for s, c in counts.items() if s in KILLED)
    rows = survivors(copy, verdicts, python)
    per_file: dict[str, dict[str, int]] = {}
    for path, status in verdicts.values():
        f = per_file.setdefault(path, {"total": 0, "killed": 0})
        f["total"] += 1
        f["killed"] += status in KILLED
    summary = {
        "module": name,
        "mutate": list(module.mutate),
        "tests": list(module.tests),
        "target": module.target,
        "date": dt.date.today().isoformat(),
        "seconds": round(seconds, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "max_children": max_children,
        "total": total,
        "killed": killed,
        "counts": dict(sorted(counts.items())),
        "kill_rate": killed / total if total else float("nan"),
        "per_file": dict(sorted(per_file.items())),
        "survivors": rows,
    }
    if keep:
        print(f"  kept {copy} (mutants/ inside; `mutmut browse` there)")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary


def report(summary: dict) -> str:
    lines = [
        f"{summary['module']}: {summary['killed']}/{summary['total']} killed = {summary['kill_rate']:.1%} "
        f"(target {summary['target']:.0%}: {'met' if summary['kill_rate'] >= summary['target'] else 'NOT MET'}); "
        f"{summary['seconds']:.0f} s, load {summary['load_before'][0]:.2f} -> {summary['load_after'][0]:.2f}",
        "  " + ", ".join(f"{k} {v}" for k, v in summary["counts"].items()),
    ]
    for path, f in summary["per_file"].items():
        lines.append(f"  {path}: {f['killed']}/{f['total']}")
    for r in summary["survivors"]:
        lines.append(f"  {r['status']:>10}  {r['file']}:{r['line']}  {r['function']}  {r['change']}")
    return "\n".join(lines)


def write_results(results_dir: Path, summaries: list[dict]) -> None:
    """Merge these modules' summaries into mutation.json and rewrite mutation-survivors.csv."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / "mutation.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault("modules", {})
    for s in summaries:
        data["modules"][s["module"]] = s
    data["environment"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "mutmut": _version("mutmut"),
    }
    data["modules"] = {k: data["modules"][k] for k in MODULES if k in data["modules"]}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with open(results_dir / "mutation-survivors.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["module", "file", "line", "function", "mutant", "status", "kind", "change"])
        for name, s in data["modules"].items():
            for r in s["survivors"]:
                w.writerow([name, r["file"], r["line"], r["function"], r["mutant"], r["status"],
                            r.get("kind") or kind_of(r["change"]), r["change"]])


def markdown(results_dir: Path) -> str:
    """The results file as a Markdown table (one row per module), for benchmarks/README.md."""
    data = json.loads((results_dir / "mutation.json").read_text())
    rows = ["| module | files mutated | tests | mutants | killed | kill rate | target | survivors | run | load (1 min, before -> after) |",
            "|---|---|---|---:|---:|---:|---:|---:|---|---|"]
    for name, s in data["modules"].items():
        rows.append(
            f"| {name} | {', '.join(f'`{m}`' for m in s['mutate'])} | {', '.join(f'`{t}`' for t in s['tests'])} "
            f"| {s['total']} | {s['killed']} | **{s['kill_rate']:.1%}** | {s['target']:.0%} | {s['total'] - s['killed']} "
            f"| {s['date']}, {s['seconds'] / 60:.0f} min | {s['load_before'][0]:.2f} -> {s['load_after'][0]:.2f} |"
        )
    return "\n".join(rows)


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "missing"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy with mutants/")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    parser.add_argument("--markdown", action="store_true", help="print the results file as a Markdown table and exit")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(args.results))
        return 0
    if args.list:
        for name, m in MODULES.items():
            print(f"{name}: mutate {', '.join(m.mutate)}; tests {', '.join(m.tests)}; target {m.target:.0%}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    bindir = Path(sys.executable).parent
    mutmut = shutil.which("mutmut", path=str(bindir)) or shutil.which("mutmut")
    if mutmut is None:
        parser.error("mutmut is not installed: pip install -e '.[mutation]'")
    summaries = []
    for name in args.modules or list(MODULES):
        print(f"== {name}", flush=True)
        s = run_module(name, MODULES[name], max_children=args.max_children, keep=args.keep,
                       python=sys.executable, mutmut=mutmut)
        print(report(s), flush=True)
        summaries.append(s)
        write_results(args.results, [s])  # after each module, so a long run keeps what it finished
    below = [s["module"] for s in summaries if s["kill_rate"] < s["target"]]
    if below:
        print(f"below target: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())

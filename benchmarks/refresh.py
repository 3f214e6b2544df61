"""Time `corpus-tools run` on the seeds against its floor, in the same run.

The floor is the same notebooks reduced to their parameters and import
cells, executed the same way (papermill, one kernel per notebook, HTML
rendering): what any refresh must pay before doing analysis. The target is
a full refresh within 2x the floor.

Usage:  .venv/bin/python benchmarks/refresh.py [--repeat 2]

Both runs write into temporary folders: the committed notebooks and
figures are not touched. The token cache is warm for the timed full run
(one untimed warm-up run first), as it is for a researcher rerunning, and
so is the figure cache: unchanged figures are not drawn again. The same
refresh with every figure drawn (``CORPUS_TOOLS_FIGURE_CACHE=0``) is
printed beside it, for what the figure cache saves.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus_tools.report import discover_notebooks, run_notebooks  # noqa: E402


def import_only_copy(src: Path, dst: Path) -> None:
    """Copy each numbered notebook keeping markdown, the parameters cell and import cells."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in discover_notebooks(src):
        nb = nbformat.read(path, as_version=4)
        kept = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                kept.append(cell)
                continue
            tags = cell.metadata.get("tags", [])
            lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
            is_import = lines and all(
                ln.startswith(("import ", "from ", " ", ")", "pd.set_option", "warnings.")) for ln in lines
            )
            if "parameters" in tags or is_import:
                kept.append(cell)
        nb.cells = kept
        nbformat.write(nb, dst / path.name)


def timed(label: str, **kwargs) -> float:
    t0 = time.perf_counter()
    status = run_notebooks(progress=False, **kwargs)
    elapsed = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{label} failed with status {status}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="timed repetitions of each (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("CORPUS_TOOLS_CACHE_DIR", str(tmp / "cache"))
        floor_nbs = tmp / "floor-notebooks"
        import_only_copy(ROOT / "notebooks", floor_nbs)
        timed("warm-up", out=tmp / "warm")  # fills the token cache
        full = min(timed("full", out=tmp / f"full{i}") for i in range(args.repeat))
        os.environ["CORPUS_TOOLS_FIGURE_CACHE"] = "0"  # the kernels inherit it
        drawn = min(timed("drawn", out=tmp / f"drawn{i}") for i in range(args.repeat))
        del os.environ["CORPUS_TOOLS_FIGURE_CACHE"]
        floor = min(
            timed("floor", out=tmp / f"floor{i}", notebooks_dir=floor_nbs) for i in range(args.repeat)
        )
    n = len(discover_notebooks(ROOT / "notebooks"))
    print(f"{'case':<28}{'seconds':>10}")
    print(f"{'full refresh (warm cache)':<28}{full:>10.1f}")
    print(f"{'  every figure drawn':<28}{drawn:>10.1f}  (CORPUS_TOOLS_FIGURE_CACHE=0: no figure reuse)")
    print(f"{'import-only floor':<28}{floor:>10.1f}")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ratio full/floor: {full / floor:.2f}  (target <= 2.0; {n} notebooks, best of {args.repeat})")


if __name__ == "__main__":
    main()

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

==========  ================================================================
module      what it does
==========  ================================================================
``params``  :func:`load_params` (the YAML file), :func:`notebook_parameters`
            (what a notebook declares, read by papermill)
``render``  :func:`clean_notebook`, :func:`render_html` (nbconvert with the
            package's ``templates/offline``), the provenance footer, the index
``run``     :func:`run_notebooks`, :func:`discover_notebooks`, the manifest,
            pruning stale figures, sweeping a killed run's temporary files
==========  ================================================================
"""
from __future__ import annotations

from .params import load_params, notebook_parameters
from .render import clean_notebook, render_html
from .run import RunConfig, discover_notebooks, run_notebooks

__all__ = [
    "run_notebooks",
    "discover_notebooks",
    "RunConfig",
    "load_params",
    "notebook_parameters",
    "clean_notebook",
    "render_html",
]

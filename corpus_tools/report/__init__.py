"""Execute the numbered notebooks, render self-contained HTML reports, record provenance.

``corpus-tools run`` (and ``make run``) calls :func:`run_notebooks`:

1. every parameter is checked before anything is written: the YAML file is
   plain data (:class:`~.params.ParamsLoader`), every name is one a notebook
   declares, the corpus exists, the output folder is the run's own;
2. every ``notebooks/NN-*.ipynb`` runs in order; a run with parameters
   writes their values into the notebook itself, as ``NAME = repr(value)``
   in a cell tagged ``injected-parameters`` after the ``parameters`` cell
   (the default run strips any such cell); each cell has a time limit;
3. a notebook's figures go to a staging folder and are moved into place,
   with the cleaned notebook, its report and ``figures/manifest.json``, only
   when the notebook succeeds; a notebook that fails keeps its previous
   outputs, gets a report page saying what failed, and the run goes on;
4. each notebook is rendered to ``reports/NN-*.html`` with images embedded,
   no script, style or font from the network, and a provenance footer built
   from what the kernel loaded (corpus folder, its path relative to where
   the run started, content hash, selection), the parameters, seeds,
   package versions and git commit; ``reports/index.html`` links them.

The default run (the seeds, no ``--corpus``, ``--params`` or ``--out``)
updates the project's ``notebooks/`` and ``figures/`` in place. Any other
run writes under ``--out DIR`` or ``reports/runs/<name>/``, never over the
committed notebooks and figures.

==============  ==============================================================
module          what it does
==============  ==============================================================
``params``      :func:`load_params` (the YAML file, plain data only),
                :func:`notebook_parameters`, :func:`inject_parameters`
``output``      the output folder: the run's own or refused, its marker and
                lock, staging, pruning and sweeping only the run's own files
``provenance``  package versions, git commit, what the kernel loaded, paths
                relative to where the run started
``render``      :func:`clean_notebook`, :func:`render_html` (nbconvert with the
                package's ``templates/offline``), the footer, the index, the
                page of a failed notebook
``run``         :func:`run_notebooks`, :func:`discover_notebooks`, the manifest
==============  ==============================================================
"""
from __future__ import annotations

from .params import inject_parameters, load_params, notebook_parameters
from .render import clean_notebook, render_html
from .run import RunConfig, discover_notebooks, run_notebooks

__all__ = [
    "run_notebooks",
    "discover_notebooks",
    "RunConfig",
    "load_params",
    "notebook_parameters",
    "inject_parameters",
    "clean_notebook",
    "render_html",
]

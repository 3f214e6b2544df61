"""Notebook parameters: the YAML file a run reads, what each notebook declares, and the cell that sets them.

A notebook declares its parameters in the cell tagged ``parameters``
(papermill's convention): one ``NAME = value  # help`` per setting. A run
with parameters writes the values itself, as ``NAME = <repr of the value>``
in a cell tagged ``injected-parameters`` inserted after that cell
(:func:`inject_parameters`); it never formats values into code any other way,
and never goes through papermill's translators, which write a value they do
not know as ``f'"{value}"'`` (so a crafted string became code).

Parameters are plain data: :class:`ParamsLoader` builds strings, finite
numbers, booleans, null, lists and mappings, and refuses every other YAML tag
(``!!binary``, ``!!set``, ``!!python/...``), unquoted dates, and aliases.
"""
from __future__ import annotations

import ast
import contextlib
import difflib
import keyword
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import nbformat
import yaml

from ..errors import ParameterError

__all__ = [
    "load_params",
    "notebook_parameters",
    "evaluate_defaults",
    "check_parameter_names",
    "check_plain",
    "parameters_source",
    "inject_parameters",
    "strip_injected",
    "ParamsLoader",
    "SELECTION_PARAMETERS",
    "INJECTED_TAG",
]

#: The parameters every notebook shares to pick its documents (see
#: :func:`corpus_tools.corpus.load_selected`).
SELECTION_PARAMETERS = ("CORPUS", "LOAD_OPTIONS", "SELECT_WHERE", "DATE_FROM", "DATE_TO")
#: The tag of the cell a run inserts with its parameter values (papermill's name for it).
INJECTED_TAG = "injected-parameters"
#: The top-level keys a parameters file may have besides UPPER_CASE parameter names.
TOP_LEVEL_KEYS = ("corpus", "common", "notebooks", "description")
_PLAIN = "parameters are plain data: text, numbers, true/false, null, lists and mappings"


# ---------------------------------------------------------------------------
# The YAML file
# ---------------------------------------------------------------------------
_YAML_TAG = "tag:yaml.org,2002:"


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


class ParamsLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that builds plain data only.

    Accepted: strings, integers, finite floats, booleans, null, sequences and
    mappings (with the YAML tags ``!!str``, ``!!int`` … of these kinds).
    Refused with :class:`yaml.constructor.ConstructorError` at the node's
    line: every other tag (``!!binary``, ``!!set``, ``!!omap``, ``!!pairs``,
    ``!!python/...``, application tags), timestamps (an unquoted
    ``2016-01-01``; quote it to keep it text), ``.inf`` and ``.nan``, and
    aliases (``*name``; a few aliases can expand into billions of values).
    """

    yaml_constructors: dict = {}

    def compose_node(self, parent, index):  # noqa: D102 (yaml's API)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, f"the alias *{event.anchor} is not allowed; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)

    def _refuse_tag(self, node):
        if node.tag == _YAML_TAG + "value":  # a bare "=" (YAML's "default value" key)
            raise yaml.constructor.ConstructorError(
                None, None, "write = in quotes (\"=\") so it stays text", node.start_mark
            )
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {_tag_name(node.tag)} is not allowed; {_PLAIN}", node.start_mark
        )

    def _refuse_date(self, node):
        raise yaml.constructor.ConstructorError(
            None, None,
            f"{node.value} is read as a date; write it in quotes (\"{node.value}\") so it stays text",
            node.start_mark,
        )

    def _int(self, node):
        try:
            return self.construct_yaml_int(node)
        except ValueError:  # more than 4,300 digits
            raise yaml.constructor.ConstructorError(
                None, None, "an integer too long to read", node.start_mark
            ) from None

    def _float(self, node):
        value = self.construct_yaml_float(node)
        if not math.isfinite(value):
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value} is not a finite number", node.start_mark
            )
        return value


for _tag, _fn in (
    ("tag:yaml.org,2002:null", yaml.SafeLoader.construct_yaml_null),
    ("tag:yaml.org,2002:bool", yaml.SafeLoader.construct_yaml_bool),
    ("tag:yaml.org,2002:int", ParamsLoader._int),
    ("tag:yaml.org,2002:float", ParamsLoader._float),
    ("tag:yaml.org,2002:str", yaml.SafeLoader.construct_yaml_str),
    ("tag:yaml.org,2002:seq", yaml.SafeLoader.construct_yaml_seq),
    ("tag:yaml.org,2002:map", yaml.SafeLoader.construct_yaml_map),
    ("tag:yaml.org,2002:timestamp", ParamsLoader._refuse_date),
    (None, ParamsLoader._refuse_tag),
):
    ParamsLoader.add_constructor(_tag, _fn)


def _read_yaml(p: Path):
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterError(f"{p}: parameters file not found.") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{p}: not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    except OSError as exc:
        raise ParameterError(f"{p}: cannot read the parameters file ({exc.strerror}).") from None
    try:
        return yaml.load(text, Loader=ParamsLoader)  # noqa: S506 (ParamsLoader is stricter than SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(exc.problem or exc.context or "not valid YAML").split())
        kind = "" if isinstance(exc, yaml.constructor.ConstructorError) else "not valid YAML: "
        raise ParameterError(f"{p}{where}: {kind}{problem}.") from None
    except (yaml.YAMLError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else " ".join(str(exc).split())
        raise ParameterError(f"{p}: not valid YAML ({why}).") from None


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list"}.get(type(value), type(value).__name__)


def _check_name(name, where: str) -> str:
    if not isinstance(name, str):
        raise ParameterError(
            f"{where}: the key {name!r} is not a parameter name; names are UPPER_CASE text such as GROUP_BY."
        )
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ParameterError(f"{where}: {name!r} is not a parameter name (letters, digits and _ only).")
    if name == "CORPUS":
        raise ParameterError(
            f"{where}: set the corpus with 'corpus:' at the top level of the file, or --corpus, "
            f"not as the parameter CORPUS."
        )
    return name


def _parameter_mapping(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParameterError(f"{where} must be a mapping of NAME: value, not {_kind(value)}.")
    return {_check_name(k, where): v for k, v in value.items()}


def load_params(path: str | os.PathLike | None) -> tuple[str | None, dict, dict]:
    """Read a YAML parameters file: ``(corpus, common, per_notebook)``.

    The file may hold ``corpus: PATH``, ``common: {NAME: value}`` applied to
    every notebook, ``notebooks: {"01": {NAME: value}}`` for one notebook
    (keyed by its two-digit number) and a ``description``. Top-level
    UPPER_CASE keys are common parameters too. A relative ``corpus`` is
    relative to the file's folder (``~`` is expanded); it comes back
    absolute. ``path=None`` gives ``(None, {}, {})``.

    Read with :class:`ParamsLoader`: values are plain data only.

    Raises :class:`~corpus_tools.errors.ParameterError`, with a one-line
    message naming the file (and line), when the file is missing or not
    UTF-8, is not valid YAML, holds a refused tag or an unquoted date, is not
    a mapping, has a key that is not text, an unknown top-level key, a
    ``corpus`` that is not text, a ``common`` or ``notebooks`` entry that is
    not a mapping, a notebook key that is not a two-digit number, or a
    parameter name that is not a Python name (or is ``CORPUS``).
    """
    if path is None:
        return None, {}, {}
    p = Path(path)
    data = _read_yaml(p)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"{p}: expected a mapping at the top level (corpus:, common:, notebooks:), got {_kind(data)}."
        )
    for k in data:
        if not isinstance(k, str):
            raise ParameterError(
                f"{p}: the key {k!r} is not text; use {', '.join(TOP_LEVEL_KEYS)} or UPPER_CASE parameter names."
            )
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS) - {k for k in data if k.isupper()})
    if unknown:
        close = difflib.get_close_matches(unknown[0], TOP_LEVEL_KEYS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(
            f"{p}: unknown top-level key(s) {unknown}{hint}; use corpus, common, notebooks "
            f"or UPPER_CASE parameter names."
        )
    corpus = data.get("corpus")
    if corpus is not None:
        if not isinstance(corpus, str) or not corpus.strip():
            raise ParameterError(f"{p}: corpus must be a path (text), not {_kind(corpus)} {corpus!r}.")
        c = Path(corpus).expanduser()
        corpus = os.path.abspath(c if c.is_absolute() else p.absolute().parent / c)
    if not isinstance(data.get("description", ""), (str, type(None))):
        raise ParameterError(f"{p}: description must be text, not {_kind(data['description'])}.")
    common = _parameter_mapping(data.get("common"), f"{p}: common")
    common.update(_parameter_mapping({k: v for k, v in data.items() if k.isupper()}, str(p)))
    notebooks = data.get("notebooks")
    if notebooks is not None and not isinstance(notebooks, dict):
        raise ParameterError(
            f'{p}: notebooks must be a mapping of notebook number to parameters ("01": {{K: 5}}), '
            f"not {_kind(notebooks)}."
        )
    per: dict[str, dict] = {}
    for k, v in (notebooks or {}).items():
        number = str(k).zfill(2) if isinstance(k, (str, int)) and not isinstance(k, bool) else ""
        if not (len(number) == 2 and number.isdigit()):
            raise ParameterError(f"{p}: notebooks: {k!r} is not a notebook number such as \"01\".")
        per[number] = _parameter_mapping(v, f"{p}: notebooks: {number}")
    return corpus, common, per


def notebook_parameters(path: str | os.PathLike) -> dict[str, str]:
    """The parameters a notebook declares: ``{name: default value as source text}``.

    Read by :func:`papermill.inspect_notebook` from the notebook's cell tagged
    ``parameters``, in the cell's order. A default written over several lines
    (a dict literal) comes back whole, joined on one line without its
    comments. Papermill skips a line with a second ``=`` (``X = 1  # a = b``);
    every name the cell assigns (read with :mod:`ast`) is declared all the
    same, its default then written by :func:`ast.unparse`. A notebook without
    such a cell gives ``{}``. The defaults are source text, not values:
    :func:`evaluate_defaults` evaluates the literal ones.

    Raises whatever :func:`nbformat.read` raises for a missing or unreadable
    file.
    """
    import logging

    import papermill as pm

    # papermill logs "Unable to parse line" for the lines it skips; they are read below
    log = logging.getLogger("papermill.translators")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        found = {name: p["default"] for name, p in pm.inspect_notebook(str(path)).items()}
    finally:
        log.setLevel(level)
    nb = nbformat.read(str(path), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return found
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return found
    out = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        for t in targets:
            if isinstance(t, ast.Name):
                out[t.id] = found.get(t.id, ast.unparse(node.value))
    return out or found


def evaluate_defaults(declared: Mapping[str, str], *, names: Iterable[str] = SELECTION_PARAMETERS) -> dict:
    """The values of ``names``' default sources in ``declared``, where they are literals.

    ``declared`` is :func:`notebook_parameters`'s answer. Each default is
    evaluated with :func:`ast.literal_eval` (strings, numbers, tuples, lists,
    dicts, sets, booleans, ``None``; never arbitrary code). A name that is
    not declared, or whose default is not a literal (an expression, a
    function call) or not hashable where it must be (a list as a dict key), is
    left out. Raises nothing.
    """
    out = {}
    for name in names:
        if name in declared:
            with contextlib.suppress(ValueError, TypeError, SyntaxError):
                out[name] = ast.literal_eval(declared[name])
    return out


def check_parameter_names(
    common: Mapping, per_notebook: Mapping[str, Mapping], declared: Mapping[str, Mapping], *, source: str
) -> None:
    """Every name must be a parameter some notebook declares.

    ``declared`` maps each notebook's two-digit number to
    :func:`notebook_parameters`. A ``common`` name must be declared by at
    least one notebook; a name under ``notebooks: {NN: ...}`` by notebook NN,
    which must exist. Raises :class:`~corpus_tools.errors.ParameterError`
    naming ``source`` (the file), the key and the closest declared parameter
    (:func:`difflib.get_close_matches`).
    """
    everything = sorted({n for names in declared.values() for n in names})
    for name in common:
        if name not in everything:
            close = difflib.get_close_matches(name, everything, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; the notebooks' parameters are {everything}"
            raise ParameterError(f"{source}: common: no notebook has a parameter {name}{hint}")
    for number, values in per_notebook.items():
        if number not in declared:
            raise ParameterError(
                f"{source}: notebooks: there is no notebook {number} (the notebooks are {sorted(declared)})."
            )
        own = sorted(declared[number])
        for name in values:
            if name not in own:
                close = difflib.get_close_matches(name, own, n=1)
                hint = f"; did you mean {close[0]}?" if close else f"; its parameters are {own}"
                raise ParameterError(f"{source}: notebooks: {number}: notebook {number} has no parameter {name}{hint}")


# ---------------------------------------------------------------------------
# The cell a run inserts
# ---------------------------------------------------------------------------
def check_plain(value, where: str) -> None:
    """Raise :class:`~corpus_tools.errors.ParameterError` unless ``value`` is plain data.

    Plain data: ``str``, ``int``, finite ``float``, ``bool``, ``None``, and
    lists and dicts of those (dict keys: strings, numbers, booleans or
    ``None``), nested at most 100 deep. ``where`` names the parameter in the
    message.
    """
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if depth > 100:
            raise ParameterError(f"{where}: nested more than 100 deep.")
        if v is None or isinstance(v, (str, bool, int)):
            continue
        if isinstance(v, float):
            if not math.isfinite(v):
                raise ParameterError(f"{where}: {v} is not a finite number.")
        elif type(v) is list:
            stack.extend((x, depth + 1) for x in v)
        elif type(v) is dict:
            for k, x in v.items():
                if not (k is None or isinstance(k, (str, bool, int, float))):
                    raise ParameterError(f"{where}: the key {k!r} is not text or a number; {_PLAIN}.")
                stack.append((k, depth + 1))
                stack.append((x, depth + 1))
        else:
            raise ParameterError(f"{where}: a {type(v).__name__} is not allowed; {_PLAIN}.")


def parameters_source(values: Mapping[str, object]) -> str:
    """The source of the injected cell: a comment, then ``NAME = <repr(value)>`` per value.

    Each value is checked with :func:`check_plain`, written with :func:`repr`
    and read back with :func:`ast.literal_eval`, which must give the same
    value: a string with quotes, backslashes or newlines stays one string
    literal, never code. Raises :class:`~corpus_tools.errors.ParameterError`
    for a name that is not a Python name, or a value that is not plain data.
    """
    lines = ["# Parameters of this run (written by corpus-tools run; paths are relative to this notebook's folder)"]
    for name, value in values.items():
        if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)):
            raise ParameterError(f"{name!r} is not a parameter name.")
        check_plain(value, name)
        text = repr(value)
        if ast.literal_eval(text) != value:  # pragma: no cover (plain data always round-trips)
            raise ParameterError(f"{name}: the value does not survive being written as {text[:60]!r}.")
        lines.append(f"{name} = {text}")
    return "\n".join(lines)


def strip_injected(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove every cell tagged ``injected-parameters`` (a previous run's values); returns ``nb``."""
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def inject_parameters(nb: nbformat.NotebookNode, values: Mapping[str, object]) -> int | None:
    """Insert the run's values into ``nb`` (in place); the index of the new cell, or None.

    Any earlier ``injected-parameters`` cell is removed first; the new one
    (:func:`parameters_source`, tagged ``injected-parameters``) goes right
    after the cell tagged ``parameters``, or first when there is none. No
    values: no cell, and None. Raises what :func:`parameters_source` raises.
    """
    strip_injected(nb)
    if not values:
        return None
    cell = nbformat.v4.new_code_cell(parameters_source(values), metadata={"tags": [INJECTED_TAG]})
    after = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1
    )
    nb.cells.insert(after + 1, cell)
    return after + 1

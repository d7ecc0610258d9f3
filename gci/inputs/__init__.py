"""Stage 1 — inputs: read and check what users give gci.

Everything that comes from outside becomes typed, validated objects here: the framework
(:mod:`~gci.inputs.framework`, or a table: :mod:`~gci.inputs.framework_table`), weight schemes
(:mod:`~gci.inputs.weights`), tier schemes (:mod:`~gci.inputs.tiers`), questionnaire answers
(:mod:`~gci.inputs.responses`, read cell by cell through :mod:`~gci.inputs.values`), countries and
groupings (:mod:`~gci.inputs.countries`), ITU's published results (:mod:`~gci.inputs.published`),
where a project's files are (:mod:`~gci.inputs.project`) and checking all of them together
(:mod:`~gci.inputs.validate`). Nothing here scores.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """A submodule on first use (``gci.present.plots`` after a plain ``import gci``; PEP 562)."""
    import importlib

    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

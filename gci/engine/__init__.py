"""Stage 2 — engine: answers → credit → weighted scores → ranks and tiers.

:mod:`~gci.engine.scoring` runs a whole scoring run and returns a
:class:`~gci.engine.result.ScoreResult`; :mod:`~gci.engine.aggregate` adds weighted credit up the
tree (by method name), :mod:`~gci.engine.normalise` turns numbers into credit across countries,
:mod:`~gci.engine.impute` handles missing answers, :mod:`~gci.engine.ranking` ranks with a stated
tie rule, and :mod:`~gci.engine.score_table` ranks scores someone already computed (``gci rank``).
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

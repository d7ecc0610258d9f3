"""gci — compute the ITU Global Cybersecurity Index and indices like it.

Quick start::

    import gci
    result = gci.score()            # shipped framework, default weights, synthetic demo data
    result.scores.head()            # overall, pillar points, global/regional rank, tier

Main entry points
-----------------
load_framework, load_weights, load_responses
    Read and validate ``indicators.yaml``, ``weights.yaml`` and ``responses/``.
score
    Score, rank and tier; returns a :class:`ScoreResult`.
rank_table
    Rank already computed overall scores (``gci rank``).

``import gci`` is light: the names below and the documented subpackages (``gci.plots``,
``gci.whatif``, ``gci.normalise``, ...) are imported on first use (PEP 562), so pandas, scipy
and matplotlib load only when something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    FrameworkError,
    GCIError,
    InputError,
    OutputError,
    Problem,
    ResponsesError,
    ValidationError,
    WeightsError,
)

#: Public name -> module that defines it; imported on first access.
_LAZY = {
    "Framework": "framework", "load_framework": "framework",
    "rank_table": "score_table",
    "Responses": "responses", "load_responses": "responses",
    "ScoreResult": "result",
    "default_paths": "scoring", "score": "scoring",
    "GCI2024": "tiers", "TierScheme": "tiers",
    "Weights": "weights", "WeightScheme": "weights", "load_weights": "weights",
}

__all__ = [
    "__version__", "Framework", "FrameworkError", "GCIError", "GCI2024", "InputError", "Problem",
    "Responses", "ResponsesError", "ScoreResult", "TierScheme", "ValidationError", "Weights",
    "WeightScheme", "WeightsError", "default_paths", "load_framework", "load_responses",
    "load_weights", "OutputError", "rank_table", "score",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time these load lazily
    from .framework import Framework, load_framework
    from .responses import Responses, load_responses
    from .result import ScoreResult
    from .score_table import rank_table
    from .scoring import default_paths, score
    from .tiers import GCI2024, TierScheme
    from .weights import Weights, WeightScheme, load_weights


def __getattr__(name: str) -> Any:
    """Import a public name, or a submodule such as ``gci.plots``, on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

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

Layout
------
The modules live in subpackages named after the stages data goes through: ``gci.inputs``,
``gci.engine``, ``gci.analysis``, ``gci.present`` and ``gci.cli`` (see ARCHITECTURE.md). The
short names the documentation uses (``gci.plots``, ``gci.whatif``, ``gci.normalise``, ...) are the
same modules (:mod:`gci._short_names`).

``import gci`` is light: the names below, the stages and the short names are imported on first
use (PEP 562), so pandas, scipy and matplotlib load only when something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._short_names import SHORT_NAMES, install_short_names
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
    "Framework": "inputs.framework", "load_framework": "inputs.framework",
    "rank_table": "engine.score_table",
    "Responses": "inputs.responses", "load_responses": "inputs.responses",
    "ScoreResult": "engine.result",
    "default_paths": "inputs.project", "score": "engine.scoring",
    "GCI2024": "inputs.tiers", "TierScheme": "inputs.tiers",
    "Weights": "inputs.weights", "WeightScheme": "inputs.weights",
    "load_weights": "inputs.weights",
}

__all__ = [
    "__version__", "Framework", "FrameworkError", "GCIError", "GCI2024", "InputError", "Problem",
    "Responses", "ResponsesError", "ScoreResult", "TierScheme", "ValidationError", "Weights",
    "WeightScheme", "WeightsError", "default_paths", "load_framework", "load_responses",
    "load_weights", "OutputError", "rank_table", "score",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time these load lazily
    from .engine.result import ScoreResult
    from .engine.score_table import rank_table
    from .engine.scoring import score
    from .inputs.framework import Framework, load_framework
    from .inputs.project import default_paths
    from .inputs.responses import Responses, load_responses
    from .inputs.tiers import GCI2024, TierScheme
    from .inputs.weights import Weights, WeightScheme, load_weights


def __getattr__(name: str) -> Any:
    """Import a public name, a stage or a short name such as ``gci.plots`` on first use."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if name in SHORT_NAMES or name in _STAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(SHORT_NAMES) | set(_STAGES))


_STAGES = ("inputs", "engine", "analysis", "present", "cli")
install_short_names()

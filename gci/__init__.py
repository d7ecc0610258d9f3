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
"""

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
from .framework import Framework, load_framework
from .rank_table import rank_table
from .responses import Responses, load_responses
from .result import ScoreResult
from .scoring import default_paths, score
from .tiers import GCI2024, TierScheme
from .weights import Weights, WeightScheme, load_weights

__all__ = [
    "__version__", "Framework", "FrameworkError", "GCIError", "GCI2024", "InputError", "Problem",
    "Responses", "ResponsesError", "ScoreResult", "TierScheme", "ValidationError", "Weights",
    "WeightScheme", "WeightsError", "default_paths", "load_framework", "load_responses",
    "load_weights", "rank_table", "score",
    "OutputError",
]

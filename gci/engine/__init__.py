"""Stage 2 — engine: answers → credit → weighted scores → ranks and tiers.

:mod:`~gci.engine.scoring` runs a whole scoring run and returns a
:class:`~gci.engine.result.ScoreResult`; :mod:`~gci.engine.aggregate` adds weighted credit up the
tree (by method name), :mod:`~gci.engine.normalise` turns numbers into credit across countries,
:mod:`~gci.engine.impute` handles missing answers, :mod:`~gci.engine.ranking` ranks with a stated
tie rule, and :mod:`~gci.engine.score_table` ranks scores someone already computed (``gci rank``).
"""

from .._short_names import submodules_on_first_use

__getattr__ = submodules_on_first_use(__name__)

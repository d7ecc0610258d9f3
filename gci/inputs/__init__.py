"""Stage 1 — inputs: read and check what users give gci.

Everything that comes from outside becomes typed, validated objects here: the framework
(:mod:`~gci.inputs.framework`, or a table: :mod:`~gci.inputs.framework_table`), weight schemes
(:mod:`~gci.inputs.weights`), tier schemes (:mod:`~gci.inputs.tiers`), questionnaire answers
(:mod:`~gci.inputs.responses`, read cell by cell through :mod:`~gci.inputs.values`), countries and
groupings (:mod:`~gci.inputs.countries`), ITU's published results (:mod:`~gci.inputs.published`),
where a project's files are (:mod:`~gci.inputs.project`) and checking all of them together
(:mod:`~gci.inputs.validate`). Nothing here scores.
"""

from .._short_names import submodules_on_first_use

__getattr__ = submodules_on_first_use(__name__)

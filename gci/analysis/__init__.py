"""Stage 3 — analysis: questions asked of a scoring run.

What-if answers (:mod:`~gci.analysis.whatif`), a country's gaps (:mod:`~gci.analysis.gaps`),
editions compared with each other or with ITU's results (:mod:`~gci.analysis.editions`), Monte
Carlo uncertainty (:mod:`~gci.analysis.uncertainty`), Sobol' sensitivity
(:mod:`~gci.analysis.sensitivity`), the JRC-style statistical audit (:mod:`~gci.analysis.audit`)
and the synthetic demo responses calibrated to GCI 2024 (:mod:`~gci.analysis.demo`).
"""

from .._short_names import submodules_on_first_use

__getattr__ = submodules_on_first_use(__name__)

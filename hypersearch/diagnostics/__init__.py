"""Diagnostics: the pitfalls a study's own trials reveal, with the evidence and what to do.

``diagnose(study)`` (also ``study.diagnose()``, ``hypersearch diagnose`` and a
section of ``study.summary()``) returns a list of :class:`Finding`:

* ``range_edge``: the best trials crowd an edge of a numeric range (binomial test
  against the sampler's own spread); suggests the widened range.
* ``useless_params``: parameters whose PED-ANOVA importance is no higher than under
  shuffled values while others matter; suggests a ``PartialFixedSampler`` and says
  how much of the space that removes.
* ``noise``: from repeated configurations (and re-evaluations), the top
  configurations are within noise of each other.
* ``holdout_peeking`` / ``search_overfitting``: the held-out score was recorded
  more than once, or its gap to the validation score grew.
* ``auto_choice`` (a note): what the automatic strategy chose, and why.

Multi-objective studies get the first three per objective. During
``study.optimize`` each finding is logged once, as a warning, when it first
appears (checks at 20, 40, 80, ... trials; ``optimize(..., diagnose=False)`` turns
them off).
"""

from hypersearch.diagnostics._diagnose import diagnose
from hypersearch.diagnostics._finding import Finding

__all__ = ["Finding", "diagnose"]

"""Assessment of plan indicators: pure functions over observations (reference/methods.md).

- :func:`assess_one` — one indicator in one area (the readable reference implementation);
- :func:`assess_frame` — the same over whole tables, vectorised;
- :func:`roll_up`, :func:`rollup_gaps`, :func:`rank_areas` — areas and roll-up (§5).

No NaN or inf leaves this package: a value that is not defined is None, with a ``reason``.
"""

from plantrack.assess.core import assess_one, is_met, milestone_verdict, time_share
from plantrack.assess.frame import assess_frame
from plantrack.assess.growth import cagr, growth_ratio, least_squares_line, project
from plantrack.assess.rollup import (
    RollupSpec,
    rank_areas,
    roll_up,
    rollup_coverage,
    rollup_gaps,
)
from plantrack.assess.rules import (
    ASSESSMENT_FIELDS,
    EPS,
    Assessment,
    GrowthClass,
    Light,
    Reason,
    Rule,
    Verdict,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "EPS",
    "Assessment",
    "GrowthClass",
    "Light",
    "Reason",
    "RollupSpec",
    "Rule",
    "Verdict",
    "assess_frame",
    "assess_one",
    "cagr",
    "growth_ratio",
    "is_met",
    "least_squares_line",
    "milestone_verdict",
    "project",
    "rank_areas",
    "roll_up",
    "rollup_coverage",
    "rollup_gaps",
    "time_share",
]

"""Where each réservataire stands on a date (``--au``): the pro rata of its objective and the deadlines still
open, added to the result of the year as recorded up to that date."""

from __future__ import annotations

import datetime as dt

from engine.checks import open_deadlines, prorata


def annotate(evaluation, au: dt.date) -> None:
    result = evaluation.result
    result["au"] = au.isoformat()
    objectives = {r.rule.reservataire: r for r in evaluation.ruleset.of("objectif")}
    prorata.annotate(result["reservataires"], au, objectives)
    open_deadlines.annotate(result["reservataires"], open_deadlines.open_on(evaluation, au))

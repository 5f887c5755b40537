"""What one record says against another: the shape every consistency check of the record returns.

The checks themselves live with the records they read (``planning.consistency`` for tasks, meetings
and notices; ``assessment.consistency`` for manual scores against the figures, and the list of all
of them shown on the self-assessment and in the dossier's first pages).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Inconsistency:
    """One thing an evaluator would catch, with where to put it right.

    ``kind`` is a stable key (``manual_score_contradicts_figure``, ``task_done_without_evidence``,
    ``meeting_without_minutes``, ``notice_without_effective_date``…); ``message`` is the translated
    sentence that names the record and what is wrong; ``url`` is the page that fixes it; ``record``
    names the record as ``app.model:pk``.
    """

    kind: str
    message: str
    url: str
    record: str

"""Every timed job, in the order a tick runs them: work first, then delivery."""

from __future__ import annotations

from schedules import (
    annual,
    awards,
    flags,
    issues,
    meetings,
    party,
    publication,
    supervision,
    surveys,
    wuhao,
)
from schedules.dispatcher import Dispatcher
from schedules.intake import Intake
from schedules.jobs import Job

OUTBOX_EVERY_SECONDS = 2
INBOX_EVERY_SECONDS = 2
INBOX_PRUNE_SECONDS = 3600


def all_jobs(dispatcher: Dispatcher, intake: Intake,
             draw_digest: supervision.DigestDrawer) -> list[Job]:
    """The jobs of the service; the outbox dispatcher runs last so a tick delivers what it made.

    The inbox sweep runs first: what a crash or a dead worker left is handled before
    the rest. ``draw_digest`` draws the monthly digest's picture: presentation, which
    the wiring brings from ``handlers`` because schedules may not import it.
    """
    return [
        Job("inbox", INBOX_EVERY_SECONDS, lambda context: intake.drain(), every_worker=True),
        Job("inbox_prune", INBOX_PRUNE_SECONDS, lambda context: intake.prune()),
        Job("meeting_reminders", 60, meetings.send_reminders),
        Job("never_opened_meetings", 300, meetings.mark_never_opened),
        Job("missing_meetings", 3600, meetings.remind_missing_meetings),
        Job("issue_deadlines", 300, issues.sweep_deadlines),
        Job("issue_promises", 3600, issues.mark_broken_promises),
        Job("rating_rounds", 60, issues.close_rating_rounds),
        Job("missing_scores", 3600, flags.remind_missing_scores),
        Job("annual_rollups", 3600, annual.send_year_rollups),  # rule F12, in January
        Job("survey_reminders", 300, surveys.remind_surveys),
        Job("survey_ends", 60, surveys.close_surveys),
        Job("publicity_ends", 60, publication.end_publicity),
        Job("monthly_digests", 300, supervision.monthly_digests(draw_digest)),
        Job("award_rereview", 3600, awards.remind_rereview),
        # The party organisation (rule Y2).
        Job("lesson_reminders", 60, party.send_lesson_reminders),
        Job("missing_lessons", 3600, party.remind_missing_lessons),
        Job("wuhao_stages", 3600, wuhao.remind_stages),  # rule Y4: the 五个好's three stages
        Job("outbox", OUTBOX_EVERY_SECONDS, lambda context: dispatcher.drain(),
            every_worker=True),
    ]

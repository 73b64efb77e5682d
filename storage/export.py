"""The whole state as one JSON-ready document (``wuchang export --format json``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.annual import exported, year_rollup
from core.criteria import Scheme as AwardScheme
from core.flags import Scheme, draft_month
from core.issues import Level, Rating, satisfaction_rate
from core.meetings import has_party_group, households_required, quorum_met
from core.surveys import survey_passed
from core.tasks import TaskKind
from storage import (
    annual,
    awards,
    flag_review,
    flags,
    ledger,
    meeting_attendance,
    meetings,
    org,
    party_export,
    publication,
    rounds,
    supervision,
    surveys,
    tasks,
)
from storage.issues import Issue, Round
from storage.schema import grid, homestead, household, person, township, village

HANDS = "举手"  # the rater of a show-of-hands rating at a meeting (rule I8)


async def snapshot(connection: AsyncConnection, zone: ZoneInfo,
                   scheme: Scheme | None = None,
                   award: AwardScheme | None = None) -> dict[str, Any]:
    """Return the organisation and every record that DESIGN.md §5 lists for export."""
    found_flags, found_settlements = await _flags(connection, zone, scheme)
    return {
        "organisation": await _organisation(connection),
        "meetings": await meeting_records(connection, zone),
        "issues": await _issues(connection, zone),
        "flags": found_flags,
        "settlements": found_settlements,
        "appeals": [{"id": found.id, "month": found.month, "village": found.village,
                     "category": found.category, "text": found.text, "answer": found.answer}
                    for found in await flag_review.appeals(connection)],
        "adjustments": await flags.adjustments(connection),
        "vetoes": [{"month": found.month, "village": found.village, "ground": found.ground,
                    "reason": found.reason, "withdrawn": found.withdrawn_reason is not None,
                    "withdrawn_reason": found.withdrawn_reason}
                   for found in await flags.vetoes(connection)],
        **await _tasks(connection),
        "notices": await _notices(connection, zone),
        **await _annual(connection, scheme.categories if scheme else ()),
        # The 五面红旗 award (rules A1-A3).
        "awards": await awards.export_rows(connection, award),
        "surveys": await _surveys(connection, zone),
        "party": await party_export.snapshot(connection, zone),  # rules Y1, Y2
    }


async def _annual(connection: AsyncConnection, categories: Sequence[str],
                  ) -> dict[str, list[dict[str, Any]]]:
    """Rule F12: grid averages of each confirmed month, and each village's year (2 decimals)."""
    averages: list[dict[str, Any]] = []
    years: list[dict[str, Any]] = []
    for months in (await annual.confirmed_placements(connection)).values():
        for year in sorted({int(month[:4]) for month in months}):
            rollup = year_rollup(year, months, categories)
            averages += [{"month": found.month, "grid": found.grid, "category": found.category,
                          "average": exported(found.average)} for found in rollup.grid_averages]
            years += [{"year": year, "village": found.village, "grid": found.grid,
                       "reds": found.reds, "yellows": found.yellows,
                       "averages": {category: exported(value)
                                    for category, value in found.averages.items()}}
                      for found in rollup.villages]
    return {"grid_averages": averages, "annual": years}


async def _tasks(connection: AsyncConnection) -> dict[str, list[dict[str, Any]]]:
    """Follow-up tasks (DESIGN §3), and among them decisions (M9) and talks (S2)."""
    names = {found.id: found.name for found in await org.all_homesteads(connection)}
    held = await tasks.decision_meetings(connection)
    every = await tasks.all_tasks(connection)
    villages = await supervision.village_names(connection)
    return {
        "decisions": [{"id": found.id, "homestead": names.get(found.place.homestead_id or 0),
                       "meeting_id": held[found.id][0], "text": found.subject,
                       "status": found.status.value, "due": found.due.isoformat(),
                       "report": found.report}
                      for found in every if found.id in held],
        "tasks": [{"id": found.id, "kind": found.kind.value, "owner": found.owner.title,
                   "owner_role": found.owner.role.value, "due": found.due.isoformat(),
                   "status": found.status.value, "subject": found.subject,
                   "homestead": names.get(found.place.homestead_id or 0),
                   "village": villages.get(found.place.village_id or 0),
                   "report": found.report}
                  for found in every],
        # Talks (约谈, rule S2) are tasks of their own kind: the official owns them.
        "talks": [{"id": found.id, "village": villages.get(found.place.village_id or 0),
                   "official": found.owner.title, "reason": found.subject,
                   "status": found.status.value, "due": found.due.isoformat(),
                   "result": found.report}
                  for found in every if found.kind is TaskKind.TALK],
    }


async def _flags(connection: AsyncConnection, zone: ZoneInfo, scheme: Scheme | None,
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each month's newest confirmed version, and the draft of months not yet confirmed."""
    rows: list[dict[str, Any]] = []
    settlements: list[dict[str, Any]] = []
    newest: dict[tuple[int, str], tuple[int, int]] = {}
    for confirmation_id, township_id, month, version in await flags.confirmed_versions(
            connection):
        newest[(township_id, month)] = (confirmation_id, version)
    for (_, month), (confirmation_id, version) in sorted(newest.items(), key=lambda i: i[0][1]):
        results, money = await flags.confirmed_rows(connection, confirmation_id)
        rows.extend({"month": month, "village": row["village"], "category": row["category"],
                     "score": row["score"], "flag": row["flag"], "confirmed": True,
                     "version": version} for row in results)
        settlements.extend({"month": month, "village": row["village"], "amount": row["amount"],
                            "reds": row["reds"], "yellows": row["yellows"],
                            "consequences": json.loads(row["consequences"]),
                            "version": version} for row in money)
    if scheme is not None:
        for township_id, month in await flags.score_months(connection):
            if (township_id, month) in newest:
                continue
            draft = draft_month(scheme, await flags.month_inputs(connection, township_id,
                                                                  month, zone))
            rows.extend({"month": month, "village": placement.village,
                         "category": placement.category, "score": placement.score,
                         "flag": placement.flag.value if placement.flag else None,
                         "confirmed": False, "version": None,
                         "indicators": draft.indicators.get(placement.village, {})}
                        for placement in draft.placements)
    return rows, settlements


async def _organisation(connection: AsyncConnection) -> list[dict[str, Any]]:
    households = (
        select(
            household.c.homestead_id,
            func.count().label("households"),
            func.sum(case((household.c.at_home, 1), else_=0)).label("at_home"),
        ).group_by(household.c.homestead_id).subquery()
    )
    persons = (select(person.c.homestead_id, func.count().label("persons"),
                      func.sum(case((person.c.party_member, 1), else_=0)).label("party"))
               .group_by(person.c.homestead_id).subquery())
    query = (
        select(township.c.name.label("township"), grid.c.name.label("grid"),
               village.c.name.label("village"), homestead.c.name.label("homestead"),
               func.coalesce(households.c.households, 0).label("households"),
               func.coalesce(households.c.at_home, 0).label("at_home"),
               func.coalesce(persons.c.persons, 0).label("persons"),
               func.coalesce(persons.c.party, 0).label("party"))
        .select_from(homestead)
        .join(village, village.c.id == homestead.c.village_id)
        .join(grid, grid.c.id == village.c.grid_id)
        .join(township, township.c.id == village.c.township_id)
        .outerjoin(households, households.c.homestead_id == homestead.c.id)
        .outerjoin(persons, persons.c.homestead_id == homestead.c.id)
        .order_by(township.c.name, grid.c.name, village.c.name, homestead.c.id)
    )
    townships: dict[str, dict[str, Any]] = {
        row.name: {"name": row.name, "villages": []}
        for row in await connection.execute(select(township.c.name).order_by(township.c.name))
    }
    for row in await connection.execute(query):
        villages = townships[row.township]["villages"]
        if not villages or villages[-1]["name"] != row.village:
            villages.append({"name": row.village, "grid": row.grid, "homesteads": []})
        villages[-1]["homesteads"].append({
            "name": row.homestead, "households": int(row.households),
            "households_at_home": int(row.at_home), "persons": int(row.persons),
            "party_members": int(row.party),
            "party_group": has_party_group(int(row.party))})  # rule M6
    return list(townships.values())


async def meeting_records(connection: AsyncConnection, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Every meeting with attendance, quorum, motions and minutes (export, ledger workbook)."""
    homesteads = {found.id: found for found in await org.all_homesteads(connection)}
    result = []
    for meeting in await meetings.all_meetings(connection):
        place = homesteads[meeting.homestead_id]
        present = await meeting_attendance.attendance(connection, meeting.id)
        resident = (meeting.resident_households if meeting.resident_households is not None
                    else await meetings.resident_households(connection, meeting.homestead_id))
        motions = []
        for motion in await meetings.motions_of(connection, meeting.id):
            counts = motion.result or motion.tally or await meetings.vote_counts(
                connection, motion.id)
            motions.append({
                "text": motion.text, "yes": counts[0], "no": counts[1], "abstain": counts[2],
                "passed": motion.passed, "binding": motion.binding, "status": motion.status,
                "persons_present": motion.persons_present,
                "counted_by": "tally" if motion.tally is not None else "buttons",
            })
        result.append({
            "id": meeting.id, "homestead": place.name, "village": place.village,
            "starts_at": meeting.starts_at.astimezone(zone).isoformat(),
            "status": meeting.status, "place": meeting.place, "topic": meeting.topic,
            "households_present": present.households_present,
            "households_required": households_required(resident),
            "resident_households": resident,
            "persons_present": present.persons_present,
            "quorum_met": quorum_met(present.households_present, resident),
            "households": [{"number": number, "persons": persons}
                           for number, persons in present.persons_by_household.items()],
            "motions": motions,
            "minutes": [{"at": at.astimezone(zone).isoformat(), "by": name, "text": text}
                        for at, name, text in await meetings.minutes_of(connection, meeting.id)],
        })
    return result


async def _issues(connection: AsyncConnection, zone: ZoneInfo) -> list[dict[str, Any]]:
    rows = await ledger.issue_rows(connection)
    history: dict[int, list[dict[str, Any]]] = {}
    async for number, entry, actor_code, _name in ledger.events_of(
            connection, [row.issue.id for row in rows]):
        details = {key: value for key, value in entry.payload.items() if key != "state"}
        history.setdefault(number, []).append({
            "at": entry.at.astimezone(zone).isoformat(), "kind": entry.kind, "by": actor_code,
            "details": details})
    every_round = await rounds.every_round(connection)
    result = []
    for row in rows:
        found = row.issue
        result.append({
            "id": found.id, "homestead": row.homestead, "village": row.village,
            "title": found.title, "category": found.category, "level": found.level.value,
            "status": found.status.value, "deadline": _deadline(found),
            **_deadline_start(found),
            "overdue": found.overdue,
            "satisfaction": None if found.satisfaction is None else round(found.satisfaction, 4),
            "department": found.department, "responsible": found.responsible,
            "handler": row.handler,
            "created_at": found.created_at.astimezone(zone).isoformat(),
            "closed_at": found.closed_at.astimezone(zone).isoformat() if found.closed_at
            else None,
            "events": history.get(found.id, []),
            "rounds": [_round(found_round, history.get(found.id, []), zone)
                       for found_round in every_round.get(found.id, [])],
        })
    return result


def _round(found_round: Round, history: list[dict[str, Any]], zone: ZoneInfo,
           ) -> dict[str, Any]:
    """A rating round with its ratings from the ledger: each by 编号, or "举手" (rule I8).

    A show of hands at the meeting replaces the round's button ratings: those stay
    listed, with ``counted`` false.
    """
    of_round = [entry for entry in history
                if entry["details"].get("round_id") == found_round.id]
    by_hands = any(entry["kind"] == "issue.rated_by_hands" for entry in of_round)
    ratings = []
    for entry in of_round:
        if entry["kind"] == "issue.rated":
            ratings.append({"rater": entry["by"], "rating": entry["details"]["rating"],
                            "count": 1, "at": entry["at"], "counted": not by_hands})
        elif entry["kind"] == "issue.rated_by_hands":
            ratings.extend({"rater": HANDS, "rating": choice.value,
                            "count": entry["details"][choice.value], "at": entry["at"],
                            "counted": True, "meeting_id": entry["details"]["meeting_id"]}
                           for choice in Rating)
    counts = {choice.value: sum(rating["count"] for rating in ratings
                                if rating["counted"] and rating["rating"] == choice.value)
              for choice in Rating}
    rate = satisfaction_rate(counts[Rating.SATISFIED], counts[Rating.BASICALLY],
                             counts[Rating.DISSATISFIED])
    solved = [entry["by"] for entry in of_round if entry["kind"] == "issue.solved"]
    return {
        "id": found_round.id, "solved_by": solved[0] if solved else None,
        "opened_at": found_round.opened_at.astimezone(zone).isoformat(),
        "closes_at": found_round.closes_at.astimezone(zone).isoformat(),
        "extended": found_round.extended, "outcome": found_round.outcome,
        "decided_at": found_round.decided_at.astimezone(zone).isoformat()
        if found_round.decided_at else None,
        "counted_by": "hands" if by_hands else "buttons", **counts,
        "rate": None if rate is None else round(float(rate), 4), "ratings": ratings,
    }


def _deadline(found: Issue) -> str | None:
    """The deadline that applies at the issue's level: agreed, report or due date."""
    day = found.current_deadline
    return day.isoformat() if day else None


def _deadline_start(found: Issue) -> dict[str, Any]:
    """What the village's window counted from (rule I9), while it is the deadline, and ever.

    ``deadline_start`` and ``deadline_from`` (meeting / village) go with ``deadline`` at
    the village; ``report_window`` keeps the village's window once the issue moved on.
    """
    window = found.report_window
    at_village = window is not None and found.level is Level.VILLAGE
    return {
        "deadline_start": window.start.isoformat() if window and at_village else None,
        "deadline_from": window.counted_from.value if window and at_village else None,
        "report_window": None if window is None else {
            "start": window.start.isoformat(), "from": window.counted_from.value,
            "deadline": window.deadline.isoformat()},
    }
async def _notices(connection: AsyncConnection, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Every notice and 公示 sent, with objections and answers but never who objected."""
    found = await publication.sent_notices(connection)
    ids = [item.id for item in found]
    read = await publication.households_read(connection, ids)
    raised = await publication.objections(connection, ids)
    attached = await publication.attachment_names(connection, ids)
    names = await publication.scope_names(connection, [item.scope for item in found])
    return [{
        "id": item.id, "kind": item.kind.label if item.kind is not None else None,
        "scope": names[item.scope], "text": item.text, "publicity": item.publicity,
        "ends": item.ends_at.astimezone(zone).isoformat() if item.ends_at is not None else None,
        "status": item.status.value,
        "objections": [{"text": objection.text, "answer": objection.answer}
                       for objection in raised.get(item.id, [])],
        "households_read": read.get(item.id, 0),
        "attachments": attached.get(item.id, []),
    } for item in found]


async def _surveys(connection: AsyncConnection, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Every survey subject (Y3): its figures once its window ended, never who answered what.

    ``cards`` counts the cards answered for the subject, ``households`` those given out;
    while a survey runs its counts, rate and verdict are not shown.
    """
    every = await surveys.every_survey(connection)
    answered = await surveys.answered(connection, [found.id for _, found in every])
    names = await publication.scope_names(connection, [card.scope for card, _ in every])
    result = []
    for card, found in every:
        ended = card.ended_at is not None
        rate = found.tally.rate if ended else None
        result.append({
            "id": found.id, "card": card.id, "kind": card.kind.value, "subject": found.subject,
            "scope": names[card.scope], "threshold": card.threshold,
            "status": "ended" if ended else "open",
            "opened": card.opened_at.astimezone(zone).isoformat(),
            "closes": card.closes_at.astimezone(zone).isoformat(),
            "households": card.households, "cards": answered.get(found.id, 0),
            "satisfied": found.tally.satisfied if ended else None,
            "basically": found.tally.basically if ended else None,
            "dissatisfied": found.tally.dissatisfied if ended else None,
            "rate": float(rate) if rate is not None else None,
            "passed": survey_passed(found.tally, card.threshold) if ended else None,
            "notice": card.notice_id,
        })
    return result

"""The township's side of the 五面红旗 award: review, 公示, 授牌, 摘牌, incidents (rules A2-A3).

``review``, ``send_back`` and ``verdict_pressed`` are the review every criteria track
shares (handlers.criteria_track): the award's and the 五个好's (rule Y4).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.awards import answer_text, breaks, holdup, incident_types, parse_year, subject
from core.criteria import (
    Checklist,
    Criterion,
    Incident,
    Outcome,
    Review,
    Verdict,
    breaking,
    evaluate,
    outcome,
)
from core.messages import Button, Outgoing
from core.models import Office
from core.permissions import Place
from core.publication import Kind
from core.roles import Role
from core.tasks import TaskKind, TaskStatus, office_at
from core.when import parse_day
from handlers.context import Context, Refusal, Request
from handlers.criteria_track import Track
from storage import awards, criteria, events, notify, outbox, publication, publishing, tasks
from storage.criteria import Application, Stage
from storage.events import Actor

FROM_CRITERION = "criterion"  # the origin of a sent-back criterion's task


async def village_named(request: Request, name: str) -> awards.Village:
    """The village of the official's township named ``name``; Refusal if there is none."""
    person = request.require_person()
    village = await awards.village_named(request.connection, person.township_id, name)
    if village is None:
        raise Refusal(texts.VILLAGE_UNKNOWN.format(name=name))
    return village


async def _target(track: Track, context: Context, request: Request, village_name: str,
                  flag: str, year: int) -> tuple[awards.Village, Checklist, Application | None]:
    """The township's village, the subject's checklist and its application for the year."""
    village = await village_named(request, village_name)
    checklist = await track.checklist(context, request, village.id, flag)
    application = await criteria.find(request.connection, track.subject(village.id),
                                      checklist.name, str(year))
    return village, checklist, application


def village_office(application: Application) -> Office:
    """The cadres of the application's village, who hear back of the award (rule A2)."""
    return Office(Role.VILLAGE_CADRE, Place(application.township_id, application.subject.id))


async def review(track: Track, context: Context, request: Request,
                 rest: str) -> list[Outgoing]:
    """审核 村 类别 [年]: go through a submitted application criterion by criterion (A2)."""
    words = rest.split()
    if len(words) not in (2, 3):
        raise Refusal(track.words.review_usage)
    this_year = context.local(request.now).year
    default = int(track.period(context, request.now))
    year = parse_year(words[2], this_year) if len(words) == 3 else default
    if year is None:
        raise Refusal(texts.AWARD_YEAR_BAD.format(value=words[2]))
    village, checklist, application = await _target(track, context, request, words[0],
                                                    words[1], year)
    if application is None or application.stage is not Stage.SUBMITTED:
        raise Refusal(texts.AWARD_NOT_SUBMITTED.format(village=village.name,
                                                       flag=checklist.name, year=year))
    return await _review_next(track, context, request, application, checklist, village.name)


async def _review_next(track: Track, context: Context, request: Request,
                       application: Application, checklist: Checklist,
                       village: str) -> list[Outgoing]:
    """The next criterion to review, or what follows a complete review (rule A2)."""
    found = await criteria.verdicts(request.connection, application.id)
    happened = await criteria.incidents(request.connection, application.subject,
                                        application.period)
    result = outcome(checklist, found, happened)
    if await track.closed(request.connection, application):
        raise Refusal(track.words.closed.format(village=village, flag=checklist.name))
    if result is Outcome.MET:
        return await track.on_met(context, request, application, checklist, village)
    if result is Outcome.NOT_MET:
        await notify.tell(request.connection,
                          [await track.office(request.connection, application)],
                          key=f"criteria:{application.id}:refused", now=request.now,
                          text=track.words.refused_to_subject.format(
                              flag=checklist.name, year=application.period))
        return [request.reply(texts.AWARD_REVIEW_REFUSED.format(
            village=village, flag=checklist.name, year=application.period))]
    waiting = []  # sent back, the village's task still open
    for number, verdict in sorted(found.items()):
        if verdict.review is Review.SENT_BACK:
            task_id = await criteria.sent_back_task(request.connection, application.id, number)
            task = await tasks.get(request.connection, task_id) if task_id else None
            if task is not None and task.status is TaskStatus.OPEN:
                waiting.append(number)
    criterion = next((item for item in checklist.criteria
                      if (item.number not in found or found[item.number].review
                          is Review.SENT_BACK) and item.number not in waiting), None)
    if criterion is None:
        return [request.reply(texts.AWARD_REVIEW_WAITING.format(
            village=village, flag=checklist.name,
            numbers="、".join(str(number) for number in waiting)))]
    return [await _show(track, request, application, checklist, village, criterion, happened)]


async def _show(track: Track, request: Request, application: Application,
                checklist: Checklist, village: str, criterion: Criterion,
                happened: list[Incident]) -> Outgoing:
    given = (await criteria.answers(request.connection, application.id)).get(criterion.number)
    proofs = (await criteria.evidence(request.connection, application.id)).get(
        criterion.number, [])
    verdict = evaluate(criterion, given, happened)
    lines = [texts.AWARD_REVIEW_CRITERION.format(
        village=village, flag=checklist.name, year=application.period,
        number=criterion.number, total=len(checklist.criteria), title=criterion.title,
        text=criterion.text),
        texts.AWARD_REVIEW_ANSWER.format(
            answer=answer_text(criterion, given),
            mark="" if verdict is None else (texts.AWARD_MEETS if verdict
                                             else texts.AWARD_FALLS_SHORT))]
    if given is not None and given.note:  # issue 20: figures the records filled say so
        lines.append(texts.CRITERIA_REVIEW_NOTE.format(note=given.note))
    for incident in breaking(criterion, happened):
        lines.append(texts.AWARD_REVIEW_INCIDENT.format(type=incident.type, text=incident.text))
    for proof in proofs:
        lines.append(texts.AWARD_REVIEW_EVIDENCE.format(
            what=proof.text if proof.kind == "note" else f"{proof.kind}：{proof.name}"))
    lines.append(track.words.review_hint.format(village=village, flag=checklist.name,
                                                number=criterion.number))
    base = f"{track.button}:r:{application.id}:{criterion.number}"
    return request.reply("\n".join(lines), buttons=(
        (Button(texts.AWARD_MET_BUTTON, f"{base}:1"),
         Button(texts.AWARD_NOT_MET_BUTTON, f"{base}:0")),))


async def verdict_pressed(track: Track, context: Context, request: Request,
                          application: Application, number: int, met: bool) -> list[Outgoing]:
    """达标 / 不达标 pressed for one criterion (rule A2)."""
    person = request.require_person()
    if person.role is not Role.TOWNSHIP_OFFICIAL \
            or person.township_id != application.township_id:
        raise Refusal(track.words.official_only)
    village = await awards.village_by_id(request.connection, application.subject.id)
    assert village is not None
    kind = await track.subject_class(request.connection, village.id)
    checklist = track.scheme(context).checklist(kind, application.checklist)
    if checklist is None or checklist.criterion(number) is None \
            or application.stage is not Stage.SUBMITTED:
        raise Refusal(texts.BUTTON_EXPIRED)
    if await track.closed(request.connection, application):
        raise Refusal(track.words.closed.format(village=village.name, flag=checklist.name))
    review = Review.MET if met else Review.NOT_MET
    await criteria.add_verdict(request.connection, application.id, Verdict(number, review),
                               task_id=None, by=person.id, now=request.now)
    await request.log(f"criteria:{application.id}", "criteria.reviewed",
                      {"criterion": number, "review": review.value})
    return await _review_next(track, context, request, application, checklist, village.name)


async def send_back(track: Track, context: Context, request: Request,
                    rest: str) -> list[Outgoing]:
    """退回 村 类别 条号 日期 原因: send one criterion back with a reason and a date (A2).

    The applicant gets a follow-up task (DESIGN §3) due on that date; it is done when
    they submit again.
    """
    words = rest.split(maxsplit=4)
    if len(words) < 5 or not words[2].isdecimal():
        raise Refusal(track.words.back_usage)
    today = context.local(request.now).date()
    year = int(track.period(context, request.now))
    village, checklist, application = await _target(track, context, request, words[0],
                                                    words[1], year)
    if application is None or application.stage is not Stage.SUBMITTED:
        raise Refusal(texts.AWARD_NOT_SUBMITTED.format(village=village.name,
                                                       flag=checklist.name, year=year))
    criterion = checklist.criterion(int(words[2]))
    if criterion is None:
        raise Refusal(texts.AWARD_CRITERION_UNKNOWN.format(
            flag=checklist.name, number=words[2], total=len(checklist.criteria)))
    try:
        due = parse_day(words[3], today)
    except ValueError:
        raise Refusal(texts.AWARD_BACK_DAY_BAD.format(value=words[3])) from None
    if due < today:
        raise Refusal(texts.AWARD_BACK_DAY_PAST.format(value=words[3]))
    if await track.closed(request.connection, application):
        raise Refusal(track.words.closed.format(village=village.name, flag=checklist.name))
    reason = words[4].strip()
    place = Place(application.township_id, village.id)
    office = await track.office(request.connection, application)
    task = await tasks.open_task(
        request.connection, kind=TaskKind.CRITERION,
        subject=texts.AWARD_TASK_SUBJECT.format(flag=checklist.name, number=criterion.number,
                                                title=criterion.title, reason=reason),
        origin=FROM_CRITERION, origin_id=application.id, place=place,
        owner=office_at(office.role, place, office.title, office.person_id),
        due=due, actor=request.actor(), now=request.now)
    await criteria.add_verdict(request.connection, application.id,
                               Verdict(criterion.number, Review.SENT_BACK, reason, due),
                               task_id=task.id, by=request.require_person().id, now=request.now)
    await request.log(f"criteria:{application.id}", "criteria.reviewed",
                      {"criterion": criterion.number, "review": Review.SENT_BACK.value,
                       "reason": reason, "due": due.isoformat(), "task": task.id})
    await notify.tell(request.connection, [office],
                      key=f"criteria:{application.id}:back:{task.id}", now=request.now,
                      text=track.words.back_to_subject.format(
                          flag=checklist.name, number=criterion.number, title=criterion.title,
                          reason=reason, due=texts.format_day(due), task=task.id))
    reply = request.reply(texts.AWARD_BACK_DONE.format(
        village=village.name, flag=checklist.name, number=criterion.number,
        due=texts.format_day(due), task=task.id))
    return [reply, *await _review_next(track, context, request, application, checklist,
                                       village.name)]


async def publicize(context: Context, request: Request, application: Application,
                    checklist: Checklist, village: str) -> list[Outgoing]:
    """Every criterion met: the flag goes to 公示 for the default working days (A2, P2)."""
    person = request.require_person()
    text = texts.AWARD_PUBLICITY_TEXT.format(year=application.period, village=village,
                                             flag=checklist.name,
                                             count=len(checklist.criteria))
    notice = await publishing.publicize_result(
        context, request.connection, scope=Place(application.township_id), text=text,
        subject=f"award:{application.id}", publisher=person, actor=request.actor(),
        now=request.now)
    await awards.publicized(request.connection, application.id, notice.id)
    await request.log(f"criteria:{application.id}", "award.publicized", {"notice": notice.id})
    assert notice.ends_at is not None
    ends = texts.format_day(context.local(notice.ends_at - timedelta(seconds=1)).date())
    await notify.tell(request.connection, [village_office(application)],
                      key=f"criteria:{application.id}:publicized", now=request.now,
                      text=texts.AWARD_PUBLICIZED_TO_VILLAGE.format(
                          flag=checklist.name, year=application.period, number=notice.id,
                          ends=ends))
    return [request.reply(texts.AWARD_PUBLICIZED.format(
        village=village, flag=checklist.name, number=notice.id, ends=ends))]


async def award(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """授牌 YYYY: award every flag whose 公示 ended with every objection answered (A2)."""
    today = context.local(request.now).date()
    year = parse_year(rest.strip(), today.year)
    if year is None:
        raise Refusal(texts.AWARD_AWARD_USAGE)
    person = request.require_person()
    ready: list[tuple[Application, str, str]] = []
    held: list[str] = []
    records = await awards.records(request.connection)
    names = await awards.villages(request.connection)
    for application in await criteria.of_township(request.connection, person.township_id,
                                                  period=str(year), subject_kind="village"):
        record = records.get(application.id)
        if record is None or record.notice_id is None or record.awarded_on is not None:
            continue
        village = names[application.subject.id]
        checklist = context.rules.award.checklist(village.kind, application.checklist)
        found = await criteria.verdicts(request.connection, application.id)
        happened = await criteria.incidents(request.connection, application.subject,
                                            application.period)
        if checklist is None or outcome(checklist, found, happened) is not Outcome.MET:
            continue  # an incident since the review broke a criterion
        notice = await publication.get(request.connection, record.notice_id)
        assert notice is not None
        raised = (await publication.objections(request.connection, [notice.id])).get(
            notice.id, [])
        reason = holdup(notice, raised, request.now)
        if reason is None:
            ready.append((application, village.name, application.checklist))
        else:
            held.append(texts.AWARD_HELD_LINE.format(village=village.name,
                                                     flag=application.checklist,
                                                     reason=reason))
    if not ready:
        raise Refusal("\n".join([texts.AWARD_NONE_READY.format(year=year), *held]))
    for application, _, _ in ready:
        await awards.awarded(request.connection, application.id, today, person.id)
        await request.log(f"criteria:{application.id}", "award.awarded",
                          {"on": today.isoformat()})
    listing = "、".join(f"{name}（{flag}）" for _, name, flag in ready)
    text = texts.AWARD_AWARDED_TEXT.format(year=year, day=texts.format_day(today),
                                           listing=listing)
    await publishing.on_board(
        request.connection, kind=Kind.RESULTS, scope=Place(person.township_id), text=text,
        subject=f"award:{person.township_id}:{year}:"
        + ",".join(str(item.id) for item, _, _ in ready), actor=request.actor(), now=request.now)
    for application, name, flag in ready:
        await outbox.to_homesteads(
            request.connection, await publication.scope_homesteads(
                request.connection, Place(application.township_id, application.subject.id)),
            key=f"award:{application.id}:awarded", now=request.now,
            text=texts.AWARD_VILLAGE_AWARDED.format(village=name, flag=flag, year=year,
                                                    day=texts.format_day(today)),
            channels=context.channels)
    return [request.reply("\n".join([texts.AWARD_AWARDED.format(year=year, listing=listing),
                                     *held]))]


async def withdraw(context: Context, connection: AsyncConnection, application: Application,
                   village: str, reason: str, actor: Actor, now: datetime) -> bool:
    """摘牌: withdraw an awarded flag with its reason, published (rule A3); False if it was."""
    today = context.local(now).date()
    if not await awards.withdrawn(connection, application.id, today, reason, actor.person_id):
        return False
    await events.record(connection, actor, at=now, stream=f"criteria:{application.id}",
                        kind="award.withdrawn", payload={"reason": reason,
                                                         "on": today.isoformat()})
    text = texts.AWARD_WITHDRAWN_TEXT.format(village=village, flag=application.checklist,
                                             year=application.period, reason=reason,
                                             day=texts.format_day(today))
    await publishing.on_board(connection, kind=Kind.RESULTS,
                              scope=Place(application.township_id), text=text,
                              subject=f"award:{application.id}:withdrawn", actor=actor, now=now)
    await outbox.to_homesteads(
        connection, await publication.scope_homesteads(
            connection, Place(application.township_id, application.subject.id)),
        key=f"award:{application.id}:withdrawn", text=text, now=now,
        channels=context.channels)
    return True


async def _held(connection: AsyncConnection, village_id: int) -> list[Application]:
    """The village's flags awarded and not withdrawn, oldest first."""
    records = await awards.records(connection)
    return [item for item in await criteria.all_applications(connection)
            if item.subject == subject(village_id) and item.id in records
            and records[item.id].awarded_on is not None
            and records[item.id].withdrawn_on is None]


async def revoke(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """摘牌 村 类别 事由: withdraw a village's awarded flag, e.g. after a failed re-review (A3)."""
    words = rest.split(maxsplit=2)
    if len(words) < 3:
        raise Refusal(texts.AWARD_REVOKE_USAGE)
    village = await village_named(request, words[0])
    held = [item for item in await _held(request.connection, village.id)
            if item.checklist == words[1]]
    if not held:
        raise Refusal(texts.AWARD_NOT_HELD.format(village=village.name, flag=words[1]))
    reason = words[2].strip()
    for application in held:
        await withdraw(context, request.connection, application, village.name, reason,
                       request.actor(), request.now)
    return [request.reply(texts.AWARD_REVOKED.format(village=village.name, flag=words[1],
                                                     reason=reason))]


async def incident(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """事件 村 类型 说明: record an incident; it breaks none-happened criteria (A1, A3).

    Every flag of the village it breaks that is held is withdrawn, published; this
    year's applications count it in their review.
    """
    words = rest.split(maxsplit=2)
    if len(words) < 3:
        raise Refusal(texts.AWARD_INCIDENT_USAGE)
    village = await village_named(request, words[0])
    checklists = context.rules.award.checklists(village.kind)
    types = incident_types(checklists)
    if words[1] not in types:
        raise Refusal(texts.AWARD_INCIDENT_TYPE.format(value=words[1],
                                                       types="、".join(types) or "无"))
    today = context.local(request.now).date()
    found = Incident(words[1], words[2].strip(), today)
    number = await criteria.record_incident(request.connection, subject(village.id),
                                            str(today.year), found, request.require_person().id,
                                            request.now)
    await request.log(f"criteria:incident:{number}", "criteria.incident",
                      {"village": village.name, "type": found.type, "text": found.text,
                       "on": today.isoformat()})
    reason = texts.AWARD_INCIDENT_REASON.format(type=found.type, text=found.text)
    withdrawn = []
    for application in await _held(request.connection, village.id):
        checklist = context.rules.award.checklist(village.kind, application.checklist)
        if checklist is not None and breaks(checklist, found.type) \
                and await withdraw(context, request.connection, application, village.name,
                                   reason, request.actor(), request.now):
            withdrawn.append(application.checklist)
    note = texts.AWARD_INCIDENT_WITHDREW.format(flags="、".join(withdrawn)) if withdrawn else ""
    return [request.reply(texts.AWARD_INCIDENT_RECORDED.format(
        village=village.name, type=found.type, note=note))]

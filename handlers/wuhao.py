"""The 五个好 party branch in chat (rule Y4): ``/wuhao`` progress, self-check and inspection.

``/wuhao [村]`` shows the progress against the standard's targets (read only); the
branch secretary self-checks with ``自查``/``填``/``说明``/``提交`` and the township
inspects with ``检查``/``退回``: the award's flow (handlers.awards, handlers.award_review)
on the ``WUHAO`` track. Every criterion met is the 验收, published.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.criteria import Checklist, Outcome, Review, outcome
from core.messages import Outgoing
from core.models import Office
from core.party import LessonKind, is_secretary
from core.permissions import Place
from core.publication import Kind
from core.roles import Role
from core.tasks import Task, TaskKind, TaskStatus, may_report, office_at
from core.when import parse_day
from core.wuhao import (
    BRANCH_CLASS,
    SUBJECT_KIND,
    inspection_year,
    items_problem,
    progress_line,
    read_items,
    stages_of,
)
from core.wuhao import targets as target_criteria
from handlers import award_review, awards, publication
from handlers.awards import Action
from handlers.context import Context, Refusal, Request
from handlers.criteria_track import Track
from storage import criteria, events, notify, org, party, publishing, supervision, tasks
from storage import wuhao as records  # registers the figures' providers
from storage.criteria import Application, Stage

ACCEPTED = "wuhao.accepted"  # the event of a checklist's 验收


async def _secretary(request: Request) -> tuple[int, int] | None:
    """The sender's township and village when a branch secretary, who self-checks (Y4)."""
    person = request.person
    if person is None or person.village_id is None:
        return None
    if not is_secretary(await party.member(request.connection, person)):
        return None
    return person.township_id, person.village_id


async def _branch_class(connection: AsyncConnection, village_id: int) -> str:
    return BRANCH_CLASS


async def branch_office(connection: AsyncConnection, application: Application) -> Office:
    """The branch's secretary (the first of the roster), else the village's cadres."""
    place = Place(application.township_id, application.subject.id)
    for member in await party.members(connection, application.subject.id):
        if is_secretary(member):
            return Office(member.person.role, place,
                          texts.PARTY_DEFAULT_BRANCH.format(village=member.person.village or "")
                          + (member.info.post.value if member.info.post else ""),
                          member.person.id)
    return Office(Role.VILLAGE_CADRE, place, Role.VILLAGE_CADRE.label)


def _period(context: Context, now: datetime) -> str:
    return str(inspection_year(context.local(now).date()))


async def _accepted(connection: AsyncConnection, application: Application) -> bool:
    return any(found.kind == ACCEPTED
               for found in await events.stream_events(connection, f"criteria:{application.id}"))


async def accept(context: Context, request: Request, application: Application,
                 checklist: Checklist, village: str) -> list[Outgoing]:
    """Every criterion met: the checklist passes the township's 验收, published (Y4, P2)."""
    day = texts.format_day(context.local(request.now).date())
    await request.log(f"criteria:{application.id}", ACCEPTED, {"checklist": checklist.name})
    await publishing.on_board(
        request.connection, kind=Kind.RESULTS, scope=Place(application.township_id),
        text=texts.WUHAO_ACCEPTED_TEXT.format(year=application.period, village=village,
                                              flag=checklist.name,
                                              count=len(checklist.criteria), day=day),
        subject=f"wuhao:{application.id}", actor=request.actor(), now=request.now)
    await notify.tell(request.connection, [await branch_office(request.connection, application)],
                      key=f"criteria:{application.id}:accepted", now=request.now,
                      text=texts.WUHAO_ACCEPTED_TO_BRANCH.format(
                          year=application.period, flag=checklist.name, day=day))
    return [request.reply(texts.WUHAO_ACCEPTED.format(village=village, flag=checklist.name))]


WUHAO = Track(button="wh", subject_kind=SUBJECT_KIND,
              scheme=lambda context: context.rules.wuhao, applicant=_secretary,
              subject_class=_branch_class, office=branch_office, period=_period,
              closed=_accepted, on_met=accept, words=texts.WUHAO_WORDS)

APPLICANT_ACTIONS: dict[str, Action] = awards.applicant_actions(WUHAO)
OFFICIAL_ACTIONS: dict[str, Action] = awards.review_actions(WUHAO)
WORDS: dict[str, str] = {
    "apply": "apply", "自查": "apply", "fill": "fill", "填": "fill", "note": "note",
    "说明": "note", "submit": "submit", "提交": "submit", "review": "review", "检查": "review",
    "back": "back", "退回": "back"}


async def wuhao(context: Context, request: Request) -> list[Outgoing]:
    """/wuhao: the progress (read only), or a sub-word of the self-check or inspection (Y4)."""
    return await awards.dispatch(WUHAO, context, request, WORDS, APPLICANT_ACTIONS,
                                 OFFICIAL_ACTIONS, progress)


async def press(context: Context, request: Request) -> list[Outgoing]:
    """A button of the 五个好 (``wh:``): an answer, a verdict, or submitting (rule A2's flow)."""
    return await awards.press(WUHAO, context, request)


async def attach(context: Context, request: Request) -> list[Outgoing]:
    """A picture or file without a command: evidence being given (award, 五个好), else P1's."""
    return (await awards.evidence_picture(awards.AWARD, context, request)
            or await awards.evidence_picture(WUHAO, context, request)
            or await publication.attach(context, request))


# --- progress against the targets ---------------------------------------------------------

def _stages(context: Context, request: Request) -> str:
    today = context.local(request.now).date()
    return texts.WUHAO_STAGE_JOIN.join(texts.WUHAO_STAGE_OF_YEAR.format(year=year, stage=stage)
                                       for stage, year in stages_of(today))


async def _state(request: Request, application: Application | None,
                 checklist: Checklist) -> str:
    """Where a branch's checklist stands: self-check, inspection, sent back, 验收."""
    if application is None:
        return texts.WUHAO_STATE_NONE
    if application.stage is Stage.DRAFT:
        return texts.WUHAO_STATE_DRAFT
    if await _accepted(request.connection, application):
        return texts.WUHAO_STATE_ACCEPTED
    verdicts = await criteria.verdicts(request.connection, application.id)
    if outcome(checklist, verdicts) is Outcome.NOT_MET:
        return texts.WUHAO_STATE_REFUSED
    back = [str(number) for number, verdict in sorted(verdicts.items())
            if verdict.review is Review.SENT_BACK]
    if back:
        return texts.WUHAO_STATE_BACK.format(numbers="、".join(back))
    return texts.WUHAO_STATE_SUBMITTED.format(reviewed=len(verdicts),
                                              total=len(checklist.criteria))


async def _village_progress(context: Context, request: Request, village_id: int,
                            village: str, year: str) -> list[str]:
    """Each checklist's state and its targets' figures: the records', else the self-check's."""
    lines = [texts.WUHAO_PROGRESS_HEADER.format(
        branch=texts.PARTY_DEFAULT_BRANCH.format(village=village), year=year,
        stages=_stages(context, request))]
    subject = WUHAO.subject(village_id)
    checklists = context.rules.wuhao.checklists(BRANCH_CLASS)
    for checklist in checklists:
        application = await criteria.find(request.connection, subject, checklist.name, year)
        lines.append(texts.WUHAO_CHECKLIST_LINE.format(
            flag=checklist.name, state=await _state(request, application, checklist)))
        given = (await criteria.answers(request.connection, application.id)
                 if application is not None else {})
        provided = await criteria.provided_figures(request.connection, checklist, subject, year,
                                                   context.timezone)
        for criterion in target_criteria(checklist):
            answer = given.get(criterion.number)
            figures = {**(answer.figures if answer else {}), **provided.get(criterion.number, {})}
            lines.append(progress_line(criterion, figures))
    lines.append(texts.WUHAO_PROGRESS_HINT.format(
        names="、".join(item.name for item in checklists)))
    return lines


async def progress(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """/wuhao [村]: the branch's progress against the 五个好 targets this year (rule Y4).

    A party member, cadre or secretary sees their own village's; an official names a
    village, or sees every branch's checklists in one line each.
    """
    person = request.require_person()
    year = _period(context, request.now)
    if person.role is Role.TOWNSHIP_OFFICIAL:
        if rest:
            village = await award_review.village_named(request, rest.split()[0])
            return [request.reply("\n".join(await _village_progress(
                context, request, village.id, village.name, year)))]
        return [request.reply("\n".join(await _township_progress(context, request, year)))]
    if person.village_id is None or person.village is None:
        raise Refusal(texts.WUHAO_NO_VILLAGE)
    if not (person.party_member or person.role is Role.VILLAGE_CADRE
            or (await party.member(request.connection, person)).info.activist):
        raise Refusal(texts.WUHAO_MEMBERS_ONLY)
    return [request.reply("\n".join(await _village_progress(
        context, request, person.village_id, person.village, year)))]


async def _township_progress(context: Context, request: Request, year: str) -> list[str]:
    """Each branch of the official's township with each checklist's state, one line each."""
    person = request.require_person()
    lines = [texts.WUHAO_OFFICIAL_HEADER.format(township=person.township, year=year,
                                                stages=_stages(context, request))]
    checklists = context.rules.wuhao.checklists(BRANCH_CLASS)
    applications = {(found.subject.id, found.checklist): found for found in
                    await criteria.of_township(request.connection, person.township_id,
                                               period=year, subject_kind=SUBJECT_KIND)}
    for village_id, name in sorted((await supervision.village_names(
            request.connection, person.township_id)).items()):
        states = []
        for checklist in checklists:
            application = applications.get((village_id, checklist.name))
            states.append(f"{checklist.name}{await _state(request, application, checklist)}")
        lines.append(texts.WUHAO_OFFICIAL_SUMMARY_LINE.format(village=name,
                                                              states="；".join(states)))
    lines.append(texts.WUHAO_OFFICIAL_HINT)
    return lines


# --- 民主生活会: each cadre's rectification items, tracked to done ---------------------------

async def remedy(context: Context, request: Request) -> list[Outgoing]:
    """/remedy 会议 编号 日期 问题；问题: a cadre's rectification items from a 民主生活会 (Y4).

    The secretary who called the meeting records them once it was held; at least two
    per cadre (seed 001), each a follow-up task owned by that cadre, due on the date.
    """
    words = request.args.split(maxsplit=3)
    if len(words) < 4 or not words[0].isdecimal() or len(words[0]) > 9:
        raise Refusal(texts.WUHAO_REMEDY_USAGE)
    person = request.require_person()
    lesson = await party.lesson(request.connection, int(words[0]))
    if lesson is None or lesson.kind is not LessonKind.DEMOCRATIC_LIFE \
            or lesson.village_id != person.village_id:
        raise Refusal(texts.WUHAO_REMEDY_NO_MEETING.format(number=words[0]))
    if lesson.called_by != person.id:
        raise Refusal(texts.WUHAO_REMEDY_NOT_CALLER.format(number=lesson.id))
    if lesson.starts_at > request.now:
        raise Refusal(texts.WUHAO_REMEDY_NOT_HELD.format(
            number=lesson.id, when=texts.format_when(context.local(lesson.starts_at))))
    cadre = await org.person_by_code(request.connection, words[1])
    roll = {entry.person_id for _, entry in await party.roll(request.connection, lesson.id)}
    if cadre is None or cadre.id not in roll:
        raise Refusal(texts.WUHAO_REMEDY_NOT_ON_ROLL.format(code=words[1], number=lesson.id))
    today = context.local(request.now).date()
    try:
        due = parse_day(words[2], today)
    except ValueError:
        raise Refusal(texts.WUHAO_REMEDY_DAY_BAD.format(value=words[2])) from None
    if due <= today:
        raise Refusal(texts.WUHAO_REMEDY_DAY_PAST.format(value=words[2]))
    items = read_items(words[3])
    problem = items_problem(items)  # rule Y4: at least two per cadre
    if problem is not None:
        raise Refusal(problem)
    had = [found for found in await tasks.from_origins(request.connection,
                                                        records.FROM_LIFE_MEETING, [lesson.id])
           if found.owner.person_id == cadre.id]
    if had:
        raise Refusal(texts.WUHAO_REMEDY_ALREADY.format(
            name=cadre.name, number=lesson.id, tasks="、".join(str(found.id) for found in had)))
    place = Place(person.township_id, lesson.village_id)
    opened = [await tasks.open_task(
        request.connection, kind=TaskKind.REMEDY,
        subject=texts.WUHAO_REMEDY_SUBJECT.format(item=item),
        origin=records.FROM_LIFE_MEETING, origin_id=lesson.id, place=place,
        owner=office_at(cadre.role, place, cadre.name, cadre.id), due=due,
        actor=request.actor(), now=request.now) for item in items]
    numbers = "、".join(str(found.id) for found in opened)
    await request.log(f"party:lesson:{lesson.id}", "wuhao.remedy",
                      {"cadre": cadre.code, "due": due.isoformat(),
                       "tasks": [found.id for found in opened]})
    await notify.tell(request.connection, [cadre.id], besides={person.id},
                      key=f"wuhao:remedy:{lesson.id}:{cadre.id}", now=request.now,
                      text=texts.WUHAO_REMEDY_TOLD.format(
                          number=lesson.id, due=texts.format_day(due),
                          items="\n".join(texts.WUHAO_REMEDY_ITEM.format(task=found.id,
                                                                         item=item)
                                          for found, item in zip(opened, items, strict=True))))
    return [request.reply(texts.WUHAO_REMEDY_RECORDED.format(
        name=cadre.name, count=len(opened), due=texts.format_day(due), tasks=numbers))]


async def remedy_done(context: Context, request: Request, found: Task,
                      report: str) -> list[Outgoing]:
    """/done 任务号 说明 for a rectification item: its cadre reports it done (rule Y4).

    The secretary who called the 民主生活会 is told.
    """
    person = request.require_person()
    if not may_report(found, person):
        raise Refusal(texts.WUHAO_REMEDY_DONE_NOT_YOURS.format(number=found.id,
                                                               owner=found.owner.title))
    if found.status is TaskStatus.DONE:
        raise Refusal(texts.WUHAO_REMEDY_DONE_ALREADY.format(number=found.id,
                                                             report=found.report or ""))
    await tasks.finish(request.connection, found, report, request.actor(), request.now)
    lesson = await party.lesson(request.connection, found.origin_id or 0)
    if lesson is not None:
        await notify.tell(request.connection, [lesson.called_by], besides={person.id},
                          key=f"task:{found.id}:done", now=request.now,
                          text=texts.WUHAO_REMEDY_DONE_TOLD.format(
                              name=person.name, number=found.id, text=found.subject,
                              report=report))
    return [request.reply(texts.WUHAO_REMEDY_DONE.format(number=found.id, text=found.subject,
                                                         report=report))]

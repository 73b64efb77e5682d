"""The 五面红旗 award in chat: ``/hongqi`` and its sub-words; a village applies (rules A1-A2).

``/hongqi [YYYY]`` shows the flags; ``apply``/``填``/``说明``/``提交`` are a village cadre's
application, criterion by criterion; the township's review, award, withdrawal and
incidents are in ``handlers.award_review``. The command runs in a read transaction and
opens a write one for the sub-words that change something.

The application flow is written over a ``Track`` (handlers.criteria_track): ``AWARD`` here,
the 五个好 branch standard (rule Y4) in handlers.wuhao.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.awards import (
    EVIDENCE_WINDOW_MINUTES,
    Record,
    Status,
    answer_text,
    figures_text,
    parse_year,
    status,
)
from core.awards import SUBJECT_KIND as VILLAGE_KIND
from core.criteria import (
    Answer,
    Checklist,
    Criterion,
    Kind,
    Review,
    evaluate,
    met_count,
    next_open,
    outcome,
    read_figures,
    unanswered,
)
from core.messages import Button, ChatKind, Outgoing
from core.models import Office
from core.permissions import Place
from core.roles import Role
from core.tasks import TaskStatus
from handlers import award_review
from handlers.context import Context, Refusal, Request
from handlers.criteria_track import Track
from storage import awards, criteria, notify, tasks
from storage.criteria import Application, Stage

Action = Callable[[Context, Request, str], Awaitable[list[Outgoing]]]
EXCERPT = 60  # characters of a criterion's text shown with its question


async def _village_cadre(request: Request) -> tuple[int, int] | None:
    """The sender's township and village when a village cadre, who applies (rule A2)."""
    person = request.person
    if person is None or person.role is not Role.VILLAGE_CADRE or person.village_id is None:
        return None
    return person.township_id, person.village_id


async def _village_kind(connection: AsyncConnection, village_id: int) -> str:
    """The village's class in the award scheme: 村 or 社区 (roster 村类型)."""
    found = await awards.village_by_id(connection, village_id)
    assert found is not None
    return found.kind


async def _cadres_office(connection: AsyncConnection, application: Application) -> Office:
    """The village's cadres, named as the owners of a sent-back criterion's task (A2)."""
    found = await awards.village_by_id(connection, application.subject.id)
    assert found is not None
    return replace(award_review.village_office(application),
                   title=f"{found.name}{Role.VILLAGE_CADRE.label}")


async def _publicized(connection: AsyncConnection, application: Application) -> bool:
    return await awards.record(connection, application.id) is not None


def _year(context: Context, now: datetime) -> str:
    return str(context.local(now).year)


AWARD = Track(button="hq", subject_kind=VILLAGE_KIND,
              scheme=lambda context: context.rules.award, applicant=_village_cadre,
              subject_class=_village_kind, office=_cadres_office, period=_year,
              closed=_publicized, on_met=award_review.publicize, words=texts.AWARD_WORDS)


async def _applicant(track: Track, request: Request) -> tuple[int, int]:
    """The sender's township and subject; Refusal when they may not apply (rule A2)."""
    found = await track.applicant(request)
    if found is None:
        raise Refusal(track.words.applicant_only)
    return found


async def _ask(track: Track, request: Request, application: Application,
               checklist: Checklist, criterion: Criterion) -> list[Outgoing]:
    """Show one criterion with its buttons or the figures to type (rule A2)."""
    await criteria.set_cursor(request.connection, application.id, criterion.number,
                              request.now)
    given = (await criteria.answers(request.connection, application.id)).get(criterion.number)
    lines = [texts.AWARD_CRITERION.format(
        flag=checklist.name, number=criterion.number, total=len(checklist.criteria),
        title=criterion.title, text=criterion.text[:EXCERPT]
        + ("…" if len(criterion.text) > EXCERPT else ""))]
    if given is not None:
        lines.append(texts.AWARD_GIVEN.format(answer=answer_text(criterion, given)))
    buttons: tuple[tuple[Button, ...], ...] = ()
    base = f"{track.button}:a:{application.id}:{criterion.number}"
    if criterion.kind is Kind.NUMBER and not criterion.typed:  # issue 20: the records fill it
        lines.append(_recorded(criterion))
    elif criterion.kind is Kind.NUMBER:
        lines.append(track.words.type_figures.format(figures=figures_text(criterion),
                                                     example=_example(criterion)))
    elif criterion.kind is Kind.NONE_HAPPENED:
        lines.append(texts.AWARD_ASK_NONE.format(incidents="、".join(criterion.incidents)))
        buttons = ((Button(texts.AWARD_NONE_YES, f"{base}:1"),
                    Button(texts.AWARD_NONE_NO, f"{base}:0")),)
    else:
        lines.append(track.words.ask_yes_no)
        buttons = ((Button(texts.AWARD_YES, f"{base}:1"), Button(texts.AWARD_NO, f"{base}:0")),)
    lines.append(track.words.evidence_hint.format(minutes=EVIDENCE_WINDOW_MINUTES))
    return [request.reply("\n".join(lines), buttons=buttons)]


def _example(criterion: Criterion) -> str:
    """What typing a number criterion's figures looks like: the first given, the rest not."""
    return " ".join(["30"] + ["-"] * (len(criterion.figures) - 1))


def _recorded(criterion: Criterion) -> str:
    """That the bot's records fill this criterion's figures, naming them (issue 20)."""
    return texts.CRITERIA_FIGURE_RECORDED.format(
        number=criterion.number, labels="、".join(figure.label for figure in criterion.figures
                                                 if figure.key in criterion.recorded))


async def _sent_back(request: Request, application: Application) -> list[int]:
    """The criteria the township sent back, by number."""
    found = await criteria.verdicts(request.connection, application.id)
    return [number for number, verdict in sorted(found.items())
            if verdict.review is Review.SENT_BACK]


async def _next(track: Track, request: Request, application: Application,
                checklist: Checklist, after: int) -> list[Outgoing]:
    """The next criterion to answer after number ``after``, or the summary with 提交."""
    answers = await criteria.answers(request.connection, application.id)
    if application.stage is Stage.SUBMITTED:
        left = [number for number in await _sent_back(request, application) if number > after]
        following = checklist.criterion(left[0]) if left else None
    else:
        following = next_open(checklist, answers, after) or next_open(checklist, answers)
    if following is not None:
        return await _ask(track, request, application, checklist, following)
    await criteria.set_cursor(request.connection, application.id, None, request.now)
    lines = [track.words.summary.format(flag=checklist.name, year=application.period)]
    for criterion in checklist.criteria:
        given = answers.get(criterion.number)
        verdict = evaluate(criterion, given)
        lines.append(texts.AWARD_SUMMARY_LINE.format(
            number=criterion.number, title=criterion.title,
            answer=answer_text(criterion, given),
            mark="" if verdict is None else (texts.AWARD_MEETS if verdict
                                             else texts.AWARD_FALLS_SHORT)))
    lines.append(track.words.submit_hint.format(flag=checklist.name))
    return [request.reply("\n".join(lines), buttons=(
        (Button(track.words.submit_button, f"{track.button}:s:{application.id}"),),))]


async def apply(track: Track, context: Context, request: Request, rest: str) -> list[Outgoing]:
    """申报 / 自查: start or resume the subject's application for a checklist (rule A2)."""
    township_id, subject_id = await _applicant(track, request)
    words = rest.split()
    checklist = await track.checklist(context, request, subject_id,
                                   words[0] if words else "")
    application = await criteria.start(
        request.connection, scheme=track.scheme(context).name, checklist=checklist.name,
        subject=track.subject(subject_id), period=track.period(context, request.now),
        township_id=township_id, now=request.now)
    await _fill_provided(request, application, checklist, context.timezone)
    if len(words) > 1:  # jump to one criterion, to change its answer
        number = int(words[1]) if words[1].isdecimal() else 0
        criterion = checklist.criterion(number)
        if criterion is None:
            raise Refusal(texts.AWARD_CRITERION_UNKNOWN.format(
                flag=checklist.name, number=words[1], total=len(checklist.criteria)))
        if application.stage is Stage.SUBMITTED \
                and number not in await _sent_back(request, application):
            raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
        return await _ask(track, request, application, checklist, criterion)
    if application.stage is Stage.SUBMITTED and not await _sent_back(request, application):
        raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
    return await _next(track, request, application, checklist, 0)


async def _fill_provided(request: Request, application: Application, checklist: Checklist,
                         zone: ZoneInfo) -> None:
    """Fill afresh every figure the bot's own records give (a provider), keeping typed ones.

    Issue 20: a figure in the bot's records is filled in from them, at each opening of
    the self-check and at submitting, so the reviewer sees the records' current figures.
    Only the criteria the applicant may still change: all of a draft, the sent-back ones.
    """
    changeable = [found for found in checklist.criteria if found.recorded]
    if changeable and application.stage is not Stage.DRAFT:
        back = await _sent_back(request, application)
        changeable = [found for found in changeable if found.number in back]
    if not changeable:
        return
    answers = await criteria.answers(request.connection, application.id)
    provided = await criteria.provided_figures(
        request.connection, replace(checklist, criteria=tuple(changeable)),
        application.subject, application.period, zone)
    for criterion in changeable:
        had = answers.get(criterion.number)
        typed = {key: value for key, value in (had.figures if had else {}).items()
                 if key not in criterion.recorded}
        figures = {**typed, **provided.get(criterion.number, {})}
        if had is None and not figures:
            continue
        answer = Answer(criterion.number, figures=figures, note=texts.AWARD_PROVIDED_NOTE)
        if had is not None and had.plain() == answer.plain():
            continue
        await criteria.set_answer(request.connection, application.id, answer, None, request.now)
        await request.log(f"criteria:{application.id}", "criteria.answered",
                          {"criterion": criterion.number, "provided": True, **answer.plain()})


async def _current(track: Track, context: Context,
                   request: Request) -> tuple[Application, Checklist, Criterion]:
    """The application and criterion the applicant is answering now."""
    _, subject_id = await _applicant(track, request)
    found = await criteria.current(request.connection, track.subject(subject_id),
                                   track.period(context, request.now))
    if found is None or found.cursor is None:
        raise Refusal(track.words.no_current)
    checklist = await track.checklist(context, request, subject_id, found.checklist)
    criterion = checklist.criterion(found.cursor)
    assert criterion is not None
    return found, checklist, criterion


async def fill(track: Track, context: Context, request: Request, rest: str) -> list[Outgoing]:
    """填: the figures of the number criterion being answered (rule A1)."""
    application, checklist, criterion = await _current(track, context, request)
    if criterion.kind is not Kind.NUMBER:
        raise Refusal(texts.AWARD_NOT_NUMBER.format(number=criterion.number))
    if not criterion.typed:  # issue 20: the records fill it, never the applicant
        raise Refusal(_recorded(criterion))
    try:
        figures = read_figures(criterion, rest.split())
    except ValueError:
        raise Refusal(track.words.figures_bad.format(figures=figures_text(criterion),
                                                     example=_example(criterion))) from None
    if criterion.recorded & figures.keys():
        raise Refusal(_recorded(criterion))
    if criterion.recorded:
        provided = await criteria.provided_figures(
            request.connection, replace(checklist, criteria=(criterion,)),
            application.subject, application.period, context.timezone)
        figures = {**figures, **provided.get(criterion.number, {})}
    return await _answered(track, request, application, checklist,
                           Answer(criterion.number, figures=figures,
                                  note=texts.AWARD_PROVIDED_NOTE if criterion.recorded else None))


async def _answered(track: Track, request: Request, application: Application,
                    checklist: Checklist, answer: Answer) -> list[Outgoing]:
    await criteria.set_answer(request.connection, application.id, answer,
                              request.require_person().id, request.now)
    await request.log(f"criteria:{application.id}", "criteria.answered",
                      {"criterion": answer.criterion, **answer.plain()})
    return await _next(track, request, application, checklist, answer.criterion)


async def press(track: Track, context: Context, request: Request) -> list[Outgoing]:
    """A button of the flow: an answer (a), a review verdict (r), or submitting (s)."""
    parts = request.args.split(":")
    if not parts[1:] or not all(part.isdecimal() for part in parts[1:4]):
        raise Refusal(texts.BUTTON_EXPIRED)
    application = await criteria.get(request.connection, int(parts[1]))
    if application is None or application.subject.kind != track.subject_kind:
        raise Refusal(texts.BUTTON_EXPIRED)
    if parts[0] == "r" and len(parts) == 4:
        return await award_review.verdict_pressed(track, context, request, application,
                                                  int(parts[2]), parts[3] == "1")
    _, subject_id = await _applicant(track, request)
    if application.subject != track.subject(subject_id):
        raise Refusal(texts.BUTTON_EXPIRED)
    checklist = await track.checklist(context, request, subject_id, application.checklist)
    if parts[0] == "s":
        return await _submit(track, context, request, application, checklist)
    criterion = checklist.criterion(int(parts[2])) if len(parts) == 4 else None
    if parts[0] != "a" or criterion is None or criterion.kind is Kind.NUMBER:
        raise Refusal(texts.BUTTON_EXPIRED)
    if application.stage is Stage.SUBMITTED \
            and criterion.number not in await _sent_back(request, application):
        raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
    return await _answered(track, request, application, checklist,
                           Answer(criterion.number, value=parts[3] == "1"))


async def press_award(context: Context, request: Request) -> list[Outgoing]:
    """A button of the award (``hq:``): an answer, a review verdict, or submitting (A2)."""
    return await press(AWARD, context, request)


async def note(track: Track, context: Context, request: Request, rest: str) -> list[Outgoing]:
    """说明: a note as evidence for the criterion being answered (rule A2)."""
    application, _, criterion = await _current(track, context, request)
    text = rest.strip()
    if not text:
        raise Refusal(track.words.note_usage)
    if len(text) > texts.AWARD_NOTE_MAX:
        raise Refusal(texts.AWARD_NOTE_TOO_LONG.format(most=texts.AWARD_NOTE_MAX))
    await criteria.add_evidence(request.connection, application.id, criterion.number,
                                note=text, by=request.require_person().id, now=request.now)
    await request.log(f"criteria:{application.id}", "criteria.evidence",
                      {"criterion": criterion.number, "kind": "note", "text": text})
    return [request.reply(texts.AWARD_EVIDENCE_KEPT.format(number=criterion.number))]


async def evidence_picture(track: Track, context: Context,
                           request: Request) -> list[Outgoing] | None:
    """A picture an applicant sends in private while answering a criterion: its evidence (A2).

    None when the picture is not for this track (it may belong to another, or a notice).
    """
    person = request.person
    attachment = request.incoming.attachment
    if person is None or request.incoming.chat_kind is not ChatKind.PRIVATE \
            or attachment is None:
        return None
    applying = await track.applicant(request)
    if applying is None:
        return None
    found = await criteria.current(request.connection, track.subject(applying[1]),
                                   track.period(context, request.now))
    if found is None or found.cursor is None or found.cursor_at is None \
            or request.now - found.cursor_at > timedelta(minutes=EVIDENCE_WINDOW_MINUTES):
        return None
    if attachment.too_big:
        raise Refusal(texts.AWARD_EVIDENCE_TOO_BIG)
    await criteria.add_evidence(request.connection, found.id, found.cursor,
                                attachment=attachment, by=person.id, now=request.now)
    await request.log(f"criteria:{found.id}", "criteria.evidence",
                      {"criterion": found.cursor, "kind": attachment.kind.value,
                       "name": attachment.name, "size": len(attachment.content)})
    return [request.reply(texts.AWARD_EVIDENCE_KEPT.format(number=found.cursor))]


async def submit(track: Track, context: Context, request: Request,
                 rest: str) -> list[Outgoing]:
    """提交 类别: submit the subject's application for review (rule A2)."""
    _, subject_id = await _applicant(track, request)
    checklist = await track.checklist(context, request, subject_id, rest.strip())
    application = await criteria.find(request.connection, track.subject(subject_id),
                                      checklist.name, track.period(context, request.now))
    if application is None:
        raise Refusal(track.words.no_application.format(flag=checklist.name))
    return await _submit(track, context, request, application, checklist)


async def _submit(track: Track, context: Context, request: Request, application: Application,
                  checklist: Checklist) -> list[Outgoing]:
    await _fill_provided(request, application, checklist, context.timezone)
    answers = await criteria.answers(request.connection, application.id)
    left = unanswered(checklist, answers)
    if left:
        raise Refusal(texts.AWARD_UNANSWERED.format(
            flag=checklist.name, numbers="、".join(str(number) for number in left)))
    back = await _sent_back(request, application)
    if application.stage is Stage.SUBMITTED and not back:
        raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
    person = request.require_person()
    for number in back:  # the follow-up tasks of sent-back criteria are done now
        task_id = await criteria.sent_back_task(request.connection, application.id, number)
        task = await tasks.get(request.connection, task_id) if task_id is not None else None
        if task is not None and task.status is TaskStatus.OPEN:
            await tasks.finish(request.connection, task, texts.AWARD_TASK_REPORT,
                               request.actor(), request.now)
    await criteria.submit(request.connection, application.id, person.id, request.now)
    await request.log(f"criteria:{application.id}", "criteria.submitted",
                      {"checklist": checklist.name, "period": application.period,
                       "again": bool(back)})
    await notify.tell(request.connection,
                      [Office(Role.TOWNSHIP_OFFICIAL, Place(application.township_id))],
                      key=f"criteria:{application.id}:submitted:{request.now.isoformat()}",
                      now=request.now, text=track.words.submitted_to_officials.format(
                          village=person.village, flag=checklist.name,
                          year=application.period))
    return [request.reply(texts.AWARD_SUBMITTED.format(flag=checklist.name,
                                                       year=application.period))]


async def show(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """/hongqi [YYYY]: the village's (or the township's) flags and where each stands (A3)."""
    person = request.require_person()
    this_year = int(AWARD.period(context, request.now))
    year = parse_year(rest, this_year) if rest else this_year
    if year is None:
        raise Refusal(texts.AWARD_YEAR_BAD.format(value=rest))
    applications = await criteria.of_township(request.connection, person.township_id,
                                              period=str(year), subject_kind="village")
    if person.role is Role.VILLAGE_CADRE:
        applications = [item for item in applications if item.subject.id == person.village_id]
    names = await awards.villages(request.connection)
    records = await awards.records(request.connection)
    lines = [texts.AWARD_LIST_HEADER.format(year=year, place=person.place_name)]
    for item in applications:
        village = names[item.subject.id]
        checklist = context.rules.award.checklist(village.kind, item.checklist)
        if checklist is None:
            continue
        found = await criteria.verdicts(request.connection, item.id)
        happened = await criteria.incidents(request.connection, item.subject, item.period)
        state = status(item.stage is Stage.SUBMITTED, bool(found),
                       outcome(checklist, found, happened), records.get(item.id))
        lines.append(texts.AWARD_LIST_LINE.format(
            village=village.name, flag=item.checklist, status=state.label,
            met=met_count(checklist, found, happened), total=len(checklist.criteria),
            note=_note(state, records.get(item.id))))
    if len(lines) == 1:
        lines.append(texts.AWARD_LIST_NONE)
    return [request.reply("\n".join(lines))]


def _note(state: Status, record: Record | None) -> str:
    if state is Status.WITHDRAWN and record is not None:
        return texts.AWARD_LIST_WITHDRAWN.format(reason=record.withdrawn_reason)
    if state is Status.AWARDED and record is not None and record.awarded_on is not None:
        return texts.AWARD_LIST_AWARDED.format(day=texts.format_day(record.awarded_on))
    return ""


def applicant_actions(track: Track) -> dict[str, Action]:
    """The applicant's sub-words of a track's command: apply, fill, note, submit (rule A2)."""
    return {"apply": partial(apply, track), "fill": partial(fill, track),
            "note": partial(note, track), "submit": partial(submit, track)}


def review_actions(track: Track) -> dict[str, Action]:
    """The township's sub-words every track shares: review a criterion, send one back (A2)."""
    return {"review": partial(award_review.review, track),
            "back": partial(award_review.send_back, track)}


CADRE_ACTIONS: dict[str, Action] = applicant_actions(AWARD)
OFFICIAL_ACTIONS: dict[str, Action] = {
    **review_actions(AWARD), "award": award_review.award, "revoke": award_review.revoke,
    "incident": award_review.incident}
WORDS: dict[str, str] = {
    "apply": "apply", "申报": "apply", "fill": "fill", "填": "fill", "note": "note",
    "说明": "note", "submit": "submit", "提交": "submit", "review": "review", "审核": "review",
    "back": "back", "退回": "back", "award": "award", "授牌": "award", "revoke": "revoke",
    "摘牌": "revoke", "incident": "incident", "事件": "incident"}


async def dispatch(track: Track, context: Context, request: Request, words: Mapping[str, str],
                   applicant: Mapping[str, Action], official: Mapping[str, Action],
                   view: Action) -> list[Outgoing]:
    """A track's command: its sub-word's action in a write transaction, else the view.

    The view reads only; an official's sub-word is refused to anyone but a 镇干部.
    """
    word, _, rest = request.args.strip().partition(" ")
    action = words.get(word)
    if action is None:
        return await view(context, request, request.args.strip())
    person = request.require_person()
    handler = applicant.get(action) or official[action]
    if action in official and person.role is not Role.TOWNSHIP_OFFICIAL:
        raise Refusal(track.words.official_only)
    async with context.db.write() as connection:
        return await handler(context, replace(request, connection=connection), rest.strip())


async def hongqi(context: Context, request: Request) -> list[Outgoing]:
    """/hongqi: read the sub-word; the view reads only, the others write (rules A1-A3)."""
    return await dispatch(AWARD, context, request, WORDS, CADRE_ACTIONS, OFFICIAL_ACTIONS, show)

"""The 五面红旗 award in chat: ``/hongqi`` and its sub-words; a village applies (rules A1-A2).

``/hongqi [YYYY]`` shows the flags; ``apply``/``填``/``说明``/``提交`` are a village cadre's
application, criterion by criterion; the township's review, award, withdrawal and
incidents are in ``handlers.award_review``. The command runs in a read transaction and
opens a write one for the sub-words that change something.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from core import texts
from core.awards import (
    EVIDENCE_WINDOW_MINUTES,
    Record,
    Status,
    answer_text,
    figures_text,
    parse_year,
    status,
    subject,
)
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
from handlers import award_review, publication
from handlers.context import Context, Refusal, Request
from storage import awards, criteria, notify, tasks
from storage.criteria import Application, Stage

Action = Callable[[Context, Request, str], Awaitable[list[Outgoing]]]
EXCERPT = 60  # characters of a criterion's text shown with its question


def _cadre(request: Request) -> tuple[int, int]:
    """The sender's township and village; only a village cadre applies (rule A2)."""
    person = request.require_person()
    if person.role is not Role.VILLAGE_CADRE or person.village_id is None:
        raise Refusal(texts.AWARD_CADRE_ONLY)
    return person.township_id, person.village_id


def year_now(context: Context, request: Request) -> int:
    """The award year a message falls in (local time)."""
    return context.local(request.now).year


async def checklist_of(context: Context, request: Request, village_id: int,
                       name: str) -> Checklist:
    """The flag named ``name`` of the village's scheme (村 or 社区); Refusal listing the names."""
    found = await awards.village_by_id(request.connection, village_id)
    assert found is not None
    scheme = context.rules.award
    checklist = scheme.checklist(found.kind, name)
    if checklist is None:
        names = "、".join(item.name for item in scheme.checklists(found.kind))
        raise Refusal(texts.AWARD_FLAG_UNKNOWN.format(name=name or "？", kind=found.kind,
                                                      names=names))
    return checklist


async def _ask(context: Context, request: Request, application: Application,
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
    base = f"hq:a:{application.id}:{criterion.number}"
    if criterion.kind is Kind.NUMBER:
        lines.append(texts.AWARD_TYPE_FIGURES.format(
            figures=figures_text(criterion),
            example=" ".join(["30"] + ["-"] * (len(criterion.figures) - 1))))
    elif criterion.kind is Kind.NONE_HAPPENED:
        lines.append(texts.AWARD_ASK_NONE.format(incidents="、".join(criterion.incidents)))
        buttons = ((Button(texts.AWARD_NONE_YES, f"{base}:1"),
                    Button(texts.AWARD_NONE_NO, f"{base}:0")),)
    else:
        lines.append(texts.AWARD_ASK_YES_NO)
        buttons = ((Button(texts.AWARD_YES, f"{base}:1"), Button(texts.AWARD_NO, f"{base}:0")),)
    lines.append(texts.AWARD_EVIDENCE_HINT.format(minutes=EVIDENCE_WINDOW_MINUTES))
    return [request.reply("\n".join(lines), buttons=buttons)]


async def _sent_back(request: Request, application: Application) -> list[int]:
    """The criteria the township sent back, by number."""
    found = await criteria.verdicts(request.connection, application.id)
    return [number for number, verdict in sorted(found.items())
            if verdict.review is Review.SENT_BACK]


async def _next(context: Context, request: Request, application: Application,
                checklist: Checklist, after: int) -> list[Outgoing]:
    """The next criterion to answer after number ``after``, or the summary with 提交."""
    answers = await criteria.answers(request.connection, application.id)
    if application.stage is Stage.SUBMITTED:
        left = [number for number in await _sent_back(request, application) if number > after]
        following = checklist.criterion(left[0]) if left else None
    else:
        following = next_open(checklist, answers, after) or next_open(checklist, answers)
    if following is not None:
        return await _ask(context, request, application, checklist, following)
    await criteria.set_cursor(request.connection, application.id, None, request.now)
    lines = [texts.AWARD_SUMMARY.format(flag=checklist.name, year=application.period)]
    for criterion in checklist.criteria:
        given = answers.get(criterion.number)
        verdict = evaluate(criterion, given)
        lines.append(texts.AWARD_SUMMARY_LINE.format(
            number=criterion.number, title=criterion.title,
            answer=answer_text(criterion, given),
            mark="" if verdict is None else (texts.AWARD_MEETS if verdict
                                             else texts.AWARD_FALLS_SHORT)))
    lines.append(texts.AWARD_SUBMIT_HINT.format(flag=checklist.name))
    return [request.reply("\n".join(lines), buttons=(
        (Button(texts.AWARD_SUBMIT_BUTTON, f"hq:s:{application.id}"),),))]


async def apply(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """申报: start or resume the village's application for a flag this year (rule A2)."""
    township_id, village_id = _cadre(request)
    words = rest.split()
    checklist = await checklist_of(context, request, village_id, words[0] if words else "")
    application = await criteria.start(
        request.connection, scheme=context.rules.award.name, checklist=checklist.name,
        subject=subject(village_id), period=str(year_now(context, request)),
        township_id=township_id, now=request.now)
    if application.stage is Stage.DRAFT:
        await _fill_provided(request, application, checklist)
    if len(words) > 1:  # jump to one criterion, to change its answer
        number = int(words[1]) if words[1].isdecimal() else 0
        criterion = checklist.criterion(number)
        if criterion is None:
            raise Refusal(texts.AWARD_CRITERION_UNKNOWN.format(
                flag=checklist.name, number=words[1], total=len(checklist.criteria)))
        if application.stage is Stage.SUBMITTED \
                and number not in await _sent_back(request, application):
            raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
        return await _ask(context, request, application, checklist, criterion)
    if application.stage is Stage.SUBMITTED and not await _sent_back(request, application):
        raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
    return await _next(context, request, application, checklist, 0)


async def _fill_provided(request: Request, application: Application,
                         checklist: Checklist) -> None:
    """Answer the criteria whose figures the bot's own records give (a provider), if unanswered."""
    answers = await criteria.answers(request.connection, application.id)
    provided = await criteria.provided_figures(request.connection, checklist,
                                               application.subject, application.period)
    for number, figures in provided.items():
        if number not in answers:
            answer = Answer(number, figures=figures, note=texts.AWARD_PROVIDED_NOTE)
            await criteria.set_answer(request.connection, application.id, answer, None,
                                      request.now)
            await request.log(f"criteria:{application.id}", "criteria.answered",
                              {"criterion": number, "provided": True, **answer.plain()})


async def _current(context: Context, request: Request) -> tuple[Application, Checklist,
                                                                 Criterion]:
    """The application and criterion the cadre is answering now."""
    _, village_id = _cadre(request)
    found = await criteria.current(request.connection, subject(village_id),
                                   str(year_now(context, request)))
    if found is None or found.cursor is None:
        raise Refusal(texts.AWARD_NO_CURRENT)
    checklist = await checklist_of(context, request, village_id, found.checklist)
    criterion = checklist.criterion(found.cursor)
    assert criterion is not None
    return found, checklist, criterion


async def fill(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """填: the figures of the number criterion being answered (rule A1)."""
    application, checklist, criterion = await _current(context, request)
    if criterion.kind is not Kind.NUMBER:
        raise Refusal(texts.AWARD_NOT_NUMBER.format(number=criterion.number))
    try:
        figures = read_figures(criterion, rest.split())
    except ValueError:
        raise Refusal(texts.AWARD_FIGURES_BAD.format(
            figures=figures_text(criterion),
            example=" ".join(["30"] + ["-"] * (len(criterion.figures) - 1)))) from None
    return await _answered(context, request, application, checklist,
                           Answer(criterion.number, figures=figures))


async def _answered(context: Context, request: Request, application: Application,
                    checklist: Checklist, answer: Answer) -> list[Outgoing]:
    await criteria.set_answer(request.connection, application.id, answer,
                              request.require_person().id, request.now)
    await request.log(f"criteria:{application.id}", "criteria.answered",
                      {"criterion": answer.criterion, **answer.plain()})
    return await _next(context, request, application, checklist, answer.criterion)


async def press(context: Context, request: Request) -> list[Outgoing]:
    """A button of the award: an answer (a), a review verdict (r), or submitting (s)."""
    parts = request.args.split(":")
    if not parts[1:] or not all(part.isdecimal() for part in parts[1:4]):
        raise Refusal(texts.BUTTON_EXPIRED)
    application = await criteria.get(request.connection, int(parts[1]))
    if application is None:
        raise Refusal(texts.BUTTON_EXPIRED)
    if parts[0] == "r" and len(parts) == 4:
        return await award_review.verdict_pressed(context, request, application,
                                                  int(parts[2]), parts[3] == "1")
    _, village_id = _cadre(request)
    if application.subject != subject(village_id):
        raise Refusal(texts.BUTTON_EXPIRED)
    checklist = await checklist_of(context, request, village_id, application.checklist)
    if parts[0] == "s":
        return await _submit(context, request, application, checklist)
    criterion = checklist.criterion(int(parts[2])) if len(parts) == 4 else None
    if parts[0] != "a" or criterion is None or criterion.kind is Kind.NUMBER:
        raise Refusal(texts.BUTTON_EXPIRED)
    if application.stage is Stage.SUBMITTED \
            and criterion.number not in await _sent_back(request, application):
        raise Refusal(texts.AWARD_SUBMITTED_ALREADY.format(flag=checklist.name))
    return await _answered(context, request, application, checklist,
                           Answer(criterion.number, value=parts[3] == "1"))


async def note(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """说明: a note as evidence for the criterion being answered (rule A2)."""
    application, _, criterion = await _current(context, request)
    text = rest.strip()
    if not text:
        raise Refusal(texts.AWARD_NOTE_USAGE)
    if len(text) > texts.AWARD_NOTE_MAX:
        raise Refusal(texts.AWARD_NOTE_TOO_LONG.format(most=texts.AWARD_NOTE_MAX))
    await criteria.add_evidence(request.connection, application.id, criterion.number,
                                note=text, by=request.require_person().id, now=request.now)
    await request.log(f"criteria:{application.id}", "criteria.evidence",
                      {"criterion": criterion.number, "kind": "note", "text": text})
    return [request.reply(texts.AWARD_EVIDENCE_KEPT.format(number=criterion.number))]


async def evidence_picture(context: Context, request: Request) -> list[Outgoing] | None:
    """A picture a cadre sends in private while answering a criterion: its evidence (A2).

    None when the picture is not for the award (it may belong to a notice).
    """
    person = request.person
    attachment = request.incoming.attachment
    if person is None or person.role is not Role.VILLAGE_CADRE or person.village_id is None \
            or request.incoming.chat_kind is not ChatKind.PRIVATE or attachment is None:
        return None
    found = await criteria.current(request.connection, subject(person.village_id),
                                   str(year_now(context, request)))
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


async def attach(context: Context, request: Request) -> list[Outgoing]:
    """A picture or file without a command: award evidence if one is being given, else P1's."""
    return await evidence_picture(context, request) or await publication.attach(context,
                                                                                 request)


async def submit(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """提交 类别: submit the village's application for review (rule A2)."""
    _, village_id = _cadre(request)
    checklist = await checklist_of(context, request, village_id, rest.strip())
    application = await criteria.find(request.connection, subject(village_id), checklist.name,
                                      str(year_now(context, request)))
    if application is None:
        raise Refusal(texts.AWARD_NO_APPLICATION.format(flag=checklist.name))
    return await _submit(context, request, application, checklist)


async def _submit(context: Context, request: Request, application: Application,
                  checklist: Checklist) -> list[Outgoing]:
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
                      now=request.now, text=texts.AWARD_SUBMITTED_TO_OFFICIALS.format(
                          village=person.village, flag=checklist.name,
                          year=application.period))
    return [request.reply(texts.AWARD_SUBMITTED.format(flag=checklist.name,
                                                       year=application.period))]


async def show(context: Context, request: Request, rest: str) -> list[Outgoing]:
    """/hongqi [YYYY]: the village's (or the township's) flags and where each stands (A3)."""
    person = request.require_person()
    this_year = year_now(context, request)
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


CADRE_ACTIONS: dict[str, Action] = {"apply": apply, "fill": fill, "note": note,
                                    "submit": submit}
OFFICIAL_ACTIONS: dict[str, Action] = {
    "review": award_review.review, "back": award_review.send_back,
    "award": award_review.award, "revoke": award_review.revoke,
    "incident": award_review.incident}
WORDS: dict[str, str] = {
    "apply": "apply", "申报": "apply", "fill": "fill", "填": "fill", "note": "note",
    "说明": "note", "submit": "submit", "提交": "submit", "review": "review", "审核": "review",
    "back": "back", "退回": "back", "award": "award", "授牌": "award", "revoke": "revoke",
    "摘牌": "revoke", "incident": "incident", "事件": "incident"}


async def hongqi(context: Context, request: Request) -> list[Outgoing]:
    """/hongqi: read the sub-word; the view reads only, the others write (rules A1-A3)."""
    word, _, rest = request.args.strip().partition(" ")
    action = WORDS.get(word)
    if action is None:
        return await show(context, request, request.args.strip())
    person = request.require_person()
    handler = CADRE_ACTIONS.get(action) or OFFICIAL_ACTIONS[action]
    if action in OFFICIAL_ACTIONS and person.role is not Role.TOWNSHIP_OFFICIAL:
        raise Refusal(texts.AWARD_OFFICIAL_ONLY)
    async with context.db.write() as connection:
        return await handler(context, replace(request, connection=connection), rest.strip())

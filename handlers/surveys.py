"""Surveys (民主测评) in chat: /survey starts one, households answer its card anonymously (Y3)."""

from __future__ import annotations

from datetime import timedelta

from core import texts
from core.issues import Rating
from core.messages import Outgoing
from core.models import Person
from core.permissions import Place
from core.roles import Role
from core.surveys import (
    COMMITTEE_WORD,
    PARTY_WORD,
    Asked,
    SubjectKind,
    card_buttons,
    card_holders,
    card_title,
    ineligible,
    read_subject,
    read_threshold,
    reminder_at,
)
from handlers.context import Context, Refusal, Request
from handlers.flags import village_named
from storage import notify, org, publication, surveys
from storage.surveys import Subject


async def start_survey(context: Context, request: Request) -> list[Outgoing]:
    """Start a survey of a person, a village's 两委 or a branch's 党员: one card per household."""
    person = request.require_person()
    if not await surveys.may_survey(request.connection, person):
        raise Refusal(texts.SURVEY_NOT_ALLOWED)
    words = request.args.split()
    if len(words) != 2:
        raise Refusal(texts.SURVEY_USAGE)
    try:
        threshold = read_threshold(words[1])
    except ValueError:
        raise Refusal(texts.SURVEY_BAD_THRESHOLD.format(value=words[1])) from None
    asked = read_subject(words[0])
    scope, subjects = await _subjects(request, person, asked)
    scope_name = (await publication.scope_names(request.connection, [scope]))[scope]
    for subject in subjects:
        already = await surveys.running(request.connection, scope, subject)
        if already is not None:
            raise Refusal(texts.SURVEY_RUNNING.format(
                subject=subject.name, number=already.id,
                closes=texts.format_when(context.local(already.closes_at))))
    assessed = {person_id for subject in subjects for person_id in subject.assessed}
    residents = await org.persons_in(request.connection, scope.township_id, scope.village_id)
    holders = card_holders(residents, scope, assessed)  # rules Y3, I8
    if not holders:
        raise Refusal(texts.SURVEY_NO_HOUSEHOLDS.format(scope=scope_name))
    closes = request.now + timedelta(days=context.rules.survey_window_days)
    card, rows = await surveys.open_card(
        request.connection, kind=asked.kind, scope=scope, threshold=threshold,
        subjects=subjects, households=holders, by=person.id, now=request.now,
        closes_at=closes, remind_at=reminder_at(request.now, closes))
    title = card_title(asked.kind, scope_name, [row.subject for row in rows])
    await request.log(f"survey:{card.id}", "survey.opened", {
        "kind": asked.kind.value, "scope": scope_name, "threshold": threshold,
        "subjects": [row.subject for row in rows], "households": card.households,
        "closes_at": closes.isoformat()})
    closes_text = texts.format_when(context.local(closes))
    text = texts.SURVEY_CARD.format(number=card.id, subject=title, closes=closes_text)
    if len(rows) > 1:
        text += "\n" + "\n".join([texts.SURVEY_CARD_ROWS, *(texts.SURVEY_CARD_ROW.format(
            position=row.position, subject=row.subject) for row in rows)])
    await notify.tell(request.connection,
                      [person_id for members in holders.values() for person_id in members],
                      key=f"survey:{card.id}:card", text=text, now=request.now,
                      buttons=card_buttons([(row.id, row.subject) for row in rows]))
    return [request.reply(texts.SURVEY_STARTED.format(
        number=card.id, subject=title, scope=scope_name, households=card.households,
        closes=closes_text, threshold=threshold))]


async def _subjects(request: Request, person: Person,
                    asked: Asked) -> tuple[Place, list[Subject]]:
    """The survey's scope and what its card rates, from what the sender typed."""
    if asked.kind is SubjectKind.PERSON:
        assert asked.code is not None
        return await _one_person(request, person, asked.code)
    word = COMMITTEE_WORD if asked.kind is SubjectKind.COMMITTEE else PARTY_WORD
    village_id, village = await _village(request, person, asked.village, word)
    scope = Place(person.township_id, village_id)
    if asked.kind is SubjectKind.COMMITTEE:
        cadres = await org.persons_with_role(request.connection, Role.VILLAGE_CADRE,
                                             village_id=village_id)
        if not cadres:
            raise Refusal(texts.SURVEY_NO_COMMITTEE.format(village=village))
        return scope, [Subject(texts.SURVEY_COMMITTEE.format(village=village), None,
                               tuple(cadre.id for cadre in cadres))]
    members = await surveys.branch_members(request.connection, person, village_id)
    if not members:
        raise Refusal(texts.SURVEY_NO_MEMBERS.format(village=village))
    return scope, [Subject(member.name, member.id, (member.id,)) for member in members]


async def _one_person(request: Request, person: Person,
                      code: str) -> tuple[Place, list[Subject]]:
    """A person by 编号, of the sender's township (an official) or village (a cadre)."""
    found = await org.person_by_code(request.connection, code)
    if found is None:
        raise Refusal(texts.SURVEY_PERSON_UNKNOWN.format(code=code))
    if found.township_id != person.township_id or (
            person.role is not Role.TOWNSHIP_OFFICIAL
            and (found.village_id is None or found.village_id != person.village_id)):
        raise Refusal(texts.SURVEY_PERSON_NOT_YOURS.format(name=found.name))
    # A person is rated by the households of their village, an official by the township's.
    return Place(found.township_id, found.village_id), [Subject(found.name, found.id,
                                                                (found.id,))]


async def _village(request: Request, person: Person, named: str | None,
                   word: str) -> tuple[int, str]:
    """The village a 两委 or 党员 survey is of: the sender's own, or the one an official names."""
    if person.role is Role.TOWNSHIP_OFFICIAL:
        if named is None:
            raise Refusal(texts.SURVEY_NEEDS_VILLAGE.format(word=word))
        found = await village_named(request, named)
        return found.id, found.name
    if person.village_id is None or person.village is None \
            or named not in (None, person.village):
        raise Refusal(texts.SURVEY_OTHER_VILLAGE.format(word=word))
    return person.village_id, person.village


async def answer(context: Context, request: Request) -> list[Outgoing]:
    """A household's answer on its card, by one of its adults not assessed (Y3, I8).

    Only that the household answered is kept with it; the reply never repeats the choice.
    """
    survey_text, _, choice_text = request.args.partition(":")
    found = (await surveys.get(request.connection, int(survey_text))
             if survey_text.isdecimal() else None)
    if found is None or choice_text not in {choice.value for choice in Rating}:
        raise Refusal(texts.BUTTON_EXPIRED)
    card = await surveys.card(request.connection, found.card_id)
    assert card is not None
    if card.ended_at is not None or request.now >= card.closes_at:
        raise Refusal(texts.SURVEY_CLOSED.format(number=card.id))
    person = request.require_person()
    why_not = ineligible(person, card.scope,
                         await surveys.assessed_on(request.connection, card.id))
    if why_not is not None:
        scope_name = (await publication.scope_names(request.connection, [card.scope]))[card.scope]
        raise Refusal(why_not.survey_refusal.format(place=scope_name, role=person.role.label))
    if person.household_id is None \
            or not await surveys.holds_card(request.connection, card.id, person.household_id):
        raise Refusal(texts.SURVEY_NO_CARD.format(number=card.id))
    if not await surveys.answer(request.connection, found, person.household_id,
                                Rating(choice_text)):
        raise Refusal(texts.SURVEY_ALREADY.format(subject=found.subject))
    return [request.reply(texts.SURVEY_THANKS, toast=True)]

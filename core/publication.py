"""Publication: notices, 公示 with objections, and results the system publishes (rules P1-P2).

Built once and used by every system that makes something public: a person's notice or
公示, the confirmed monthly flags, later the 五面红旗 award, survey results and decisions.
A notice is never edited once sent; a correction is a new notice naming the old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from core import texts
from core.calendar import WorkCalendar
from core.messages import Button
from core.models import Office, Person
from core.permissions import Place
from core.roles import Role

DEFAULT_PUBLICITY_DAYS = 5
MAX_PUBLICITY_DAYS = 30
MAX_TEXT = 2000  # characters of a notice: one message on every channel
MAX_OBJECTION = 500
EXCERPT = 16  # characters of a notice's text shown in lists and summaries
CORRECTION_WORD = "更正"
ATTACH_WINDOW = timedelta(minutes=10)  # a picture or file this soon after a notice joins it
MAX_ATTACHMENTS = 9  # per notice: an album of pictures, and no more
PUSHED_PICTURE = 2 * 1024 * 1024  # a larger picture reaches the groups as its name only


class Kind(StrEnum):
    """What a notice is about, stored by its English value and shown by its Chinese label."""

    POLICY = "policy"
    VILLAGE_AFFAIRS = "village_affairs"
    PARTY_AFFAIRS = "party_affairs"
    FINANCES = "finances"
    FARMING = "farming"
    MARKET = "market"
    GOOD_DEEDS = "good_deeds"
    RESULTS = "results"  # published by the system: flag results, awards, surveys

    @property
    def label(self) -> str:
        """The Chinese name of the kind."""
        return KIND_LABELS[self]


KIND_LABELS: dict[Kind, str] = {
    Kind.POLICY: "政策宣讲",
    Kind.VILLAGE_AFFAIRS: "村务公开",
    Kind.PARTY_AFFAIRS: "党务公开",
    Kind.FINANCES: "财务公开",
    Kind.FARMING: "农技信息",
    Kind.MARKET: "市场信息",
    Kind.GOOD_DEEDS: "好人好事",
    Kind.RESULTS: "考评结果",
}
# The kinds a person picks by button; results are published by the system only.
CHOSEN_KINDS: tuple[Kind, ...] = tuple(kind for kind in Kind if kind is not Kind.RESULTS)


class Status(StrEnum):
    """A notice is drafted until its kind is chosen, then open; a 公示 ends."""

    DRAFT = "draft"
    OPEN = "open"
    ENDED = "ended"


PUBLISHERS: frozenset[Role] = frozenset({Role.HEAD, Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL})


def scope_for(role: Role, home: Place) -> Place | None:
    """The groups a sender's notices reach, as a place (rule P1); None if they may not send.

    A 屋场长 reaches the 屋场 group, a 村干部 every group of the village, a 镇干部
    every group of the township.
    """
    if role is Role.HEAD and home.homestead_id is not None:
        return home
    if role is Role.VILLAGE_CADRE and home.village_id is not None:
        return Place(home.township_id, home.village_id)
    if role is Role.TOWNSHIP_OFFICIAL:
        return Place(home.township_id)
    return None


def office_for(scope: Place) -> Office:
    """The office that publishes to ``scope`` (rule P1): it answers objections and corrects.

    The 屋场长 of a 屋场, every 村干部 of a village, every 镇干部 of a township: not
    only the one who sent a notice, so a notice outlives its sender's term; and the
    office answers for what the system published there (results).
    """
    if scope.homestead_id is not None:
        return Office(Role.HEAD, scope)
    if scope.village_id is not None:
        return Office(Role.VILLAGE_CADRE, scope)
    return Office(Role.TOWNSHIP_OFFICIAL, scope)


def reaches(scope: Place, home: Place) -> bool:
    """Whether someone living at ``home`` is of the scope: sees, reads and objects to it."""
    return scope.contains(home)


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice or 公示 as stored: a draft until its kind is chosen, then sent."""

    id: int
    kind: Kind | None
    scope: Place
    text: str
    publisher_id: int | None
    publicity: bool
    days: int | None
    ends_at: datetime | None
    status: Status
    corrects: int | None
    sent_at: datetime | None

    def managed_by(self, person: Person) -> bool:
        """Whether ``person`` may answer its objections and correct it: sender or office."""
        return person.id == self.publisher_id or office_for(self.scope).held_by(person)

    def publisher(self) -> int | Office:
        """Who is told of its objections and its end: the sender, else the office."""
        return self.publisher_id if self.publisher_id is not None else office_for(self.scope)

    def running(self, now: datetime) -> bool:
        """Whether this is a 公示 still open for objections at ``now``."""
        return (self.publicity and self.status is Status.OPEN
                and self.ends_at is not None and now < self.ends_at)


@dataclass(frozen=True, slots=True)
class Objection:
    """One objection to a 公示: its sequence number (序号), reason and answer."""

    number: int
    text: str
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class Published:
    """What a person wants published, read from the command's words."""

    text: str
    days: int | None = None  # a 公示's working days, when given
    corrects: int | None = None  # the notice this one corrects


def read_request(args: str, *, publicity: bool) -> Published:
    """Read ``[天数] [更正 编号] 内容``: days only for a 公示; raise ValueError if malformed.

    The ValueError's message is the text to show.
    """
    rest = args.strip()
    days = None
    first, _, after = rest.partition(" ")
    if publicity and first.isdecimal():
        days = int(first)
        if not 1 <= days <= MAX_PUBLICITY_DAYS:
            raise ValueError(texts.PUBLICIZE_BAD_DAYS.format(value=first,
                                                             most=MAX_PUBLICITY_DAYS))
        rest = after.strip()
        first, _, after = rest.partition(" ")
    corrects = None
    if first == CORRECTION_WORD:
        number, _, rest = after.strip().partition(" ")
        if not number.lstrip("#").isdecimal():
            raise ValueError(texts.CORRECTION_USAGE)
        corrects = int(number.lstrip("#"))
    text = rest.strip()
    if not text:
        raise ValueError(texts.PUBLICIZE_USAGE if publicity else texts.NOTICE_USAGE)
    if len(text) > MAX_TEXT:
        raise ValueError(texts.NOTICE_TOO_LONG.format(most=MAX_TEXT))
    return Published(text, days, corrects)


def attachment_for(newest: Notice | None, attached: int, now: datetime) -> Notice:
    """The notice a picture or file its publisher sends at ``now`` is attached to (rule P1).

    ``newest`` is the newest notice the publisher drafted or sent, ``attached`` how many
    it carries already. It is that notice when it was sent at most ``ATTACH_WINDOW``
    before: a newer notice closes the older one's window, other messages in between do
    not. A notice whose kind is not chosen yet takes none. Raise ValueError otherwise,
    its message the text to show.
    """
    if newest is not None and newest.status is Status.DRAFT:
        raise ValueError(texts.ATTACH_DRAFT.format(number=newest.id))
    if newest is None or newest.sent_at is None or now - newest.sent_at > ATTACH_WINDOW:
        raise ValueError(texts.ATTACH_NO_NOTICE.format(
            minutes=int(ATTACH_WINDOW.total_seconds()) // 60))
    if attached >= MAX_ATTACHMENTS:
        raise ValueError(texts.ATTACH_TOO_MANY.format(number=newest.id, most=MAX_ATTACHMENTS))
    return newest


def size_label(size: int) -> str:
    """A file's size as people read it: 800 字节, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def sent_event(notice: Notice, scope_name: str) -> dict[str, object]:
    """What the event of a notice going out records (rule I7)."""
    return {"kind": notice.kind.value if notice.kind is not None else None,
            "scope": scope_name, "text": notice.text, "publicity": notice.publicity,
            "days": notice.days, "corrects": notice.corrects,
            "ends_at": notice.ends_at.isoformat() if notice.ends_at is not None else None}


def publicity_ends_on(published_on: date, days: int, calendar: WorkCalendar) -> date:
    """The last day of a 公示: the ``days``-th official working day after it is published.

    The publishing day itself is not counted, as I3 does not count the meeting day;
    the 公示 runs to the end of the day returned (rule P2).
    """
    return calendar.add_workdays(published_on, days)


def publicity_ends_at(published_at: datetime, days: int, calendar: WorkCalendar,
                      zone: tzinfo) -> datetime:
    """When a 公示 published at ``published_at`` ends: the midnight after its last day (P2)."""
    last_day = publicity_ends_on(published_at.astimezone(zone).date(), days, calendar)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)


def last_day(ends_at: datetime, zone: tzinfo) -> str:
    """The last day of a 公示 that ends at the midnight after it, as people read it: 11月12日."""
    last = (ends_at - timedelta(seconds=1)).astimezone(zone)
    return f"{last.month}月{last.day}日"


def publisher_label(person: Person) -> str:
    """How a notice names its sender: 李勇（屋场长）."""
    return f"{person.name}（{person.role.label}）"


def group_text(sent: Notice, scope_name: str, publisher: str, zone: tzinfo) -> str:
    """A sent notice as its groups read it: kind, scope, number, text, who sent it (P1, P2)."""
    assert sent.kind is not None
    values = {"kind": sent.kind.label, "scope": scope_name, "number": sent.id,
              "text": sent.text, "publisher": publisher,
              "correction": texts.NOTICE_CORRECTS.format(number=sent.corrects)
              if sent.corrects is not None else ""}
    if sent.ends_at is not None:
        return texts.PUBLICITY_TEXT.format(ends=last_day(sent.ends_at, zone), **values)
    return texts.NOTICE_TEXT.format(**values)


def group_buttons(sent: Notice) -> tuple[tuple[Button, ...], ...]:
    """A sent notice's buttons in its groups: 已阅, and 异议 on a 公示 (P1, P2)."""
    buttons = [Button(texts.READ_BUTTON, f"nread:{sent.id}")]
    if sent.publicity:
        buttons.append(Button(texts.OBJECT_BUTTON, f"nobj:{sent.id}"))
    return (tuple(buttons),)


def unanswered(objections: Iterable[Objection]) -> list[Objection]:
    """The objections still waiting for an answer (rule P2)."""
    return [objection for objection in objections if objection.answer is None]


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of a text, on one line, for lists and summaries."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"


def objection_lines(objections: Sequence[Objection]) -> list[str]:
    """Each objection with its answer, the objector never named."""
    lines = []
    for objection in objections:
        lines.append(texts.OBJECTION_LINE.format(number=objection.number, text=objection.text))
        lines.append(texts.OBJECTION_ANSWER.format(answer=objection.answer)
                     if objection.answer is not None else texts.OBJECTION_NO_ANSWER)
    return lines


def summary_text(notice: Notice, objections: Sequence[Objection]) -> str:
    """What the publisher and the groups are told when a 公示 ends (rule P2)."""
    kind = notice.kind.label if notice.kind is not None else ""
    lines = [texts.PUBLICITY_ENDED.format(number=notice.id, kind=kind,
                                          excerpt=excerpt(notice.text))]
    if not objections:
        lines.append(texts.PUBLICITY_NO_OBJECTIONS)
        return "\n".join(lines)
    lines.append(texts.PUBLICITY_OBJECTIONS.format(count=len(objections)))
    lines.extend(objection_lines(objections))
    waiting = unanswered(objections)
    if waiting:
        lines.append(texts.PUBLICITY_UNANSWERED.format(
            count=len(waiting), numbers="、".join(str(item.number) for item in waiting)))
    else:
        lines.append(texts.PUBLICITY_ALL_ANSWERED)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class BoardObjection:
    """An objection as the public notice board shows it: never who raised it."""

    number: int
    text: str
    answer: str | None


@dataclass(frozen=True, slots=True)
class BoardNotice:
    """An open notice or 公示 as the public notice board shows it (P3 reads these).

    ``scope`` names the groups it went to (金竹村枫树湾, 金竹村 or 金溪镇);
    ``ends_at`` is None for a notice that is not a 公示; ``corrects`` the number of
    the notice it corrects, if any.
    """

    id: int
    kind: str
    scope: str
    text: str
    sent_at: datetime
    publicity: bool
    ends_at: datetime | None
    objections: tuple[BoardObjection, ...]
    households_read: int
    corrects: int | None = None
    attachments: tuple[str, ...] = ()  # the names of its pictures and files
